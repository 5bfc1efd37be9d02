// A scripted recipe: the same image for amd64 and arm64, with the packages and serial console
// each architecture needs. `debforge validate --arch arm64 recipes/scripted-bookworm.js` shows
// what it gives for one architecture; docs/hooks.md describes scripted recipes.
const serial = { amd64: 'console=ttyS0,115200', arm64: 'console=ttyAMA0,115200' };
const firmware = { amd64: ['intel-microcode'], arm64: [] };

api.log(`scripted-bookworm for ${api.arch}`);

({
  name: 'scripted-bookworm',
  description: `Debian 12 for ${api.arch}, from a scripted recipe`,
  base: { suite: 'bookworm', components: ['main', 'non-free-firmware'] },
  architectures: ['amd64', 'arm64'],
  packages: { install: ['less', ...firmware[api.arch]] },
  kernel: { args: [serial[api.arch]] },
  files: [{ path: '/etc/motd', content: `Built for ${api.arch} by debforge.\n` }],
})
