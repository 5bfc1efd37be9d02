// Writes /etc/motd from the recipe and the image: its name, suite, architecture and kernel; and
// turns on systemd's network daemon.
const kernels = api.list('/usr/lib/modules');
const lines = [
  `Welcome to ${api.recipe.name} (${api.suite}, ${api.arch}), built by debforge.`,
  `Kernel: ${kernels.length > 0 ? kernels[0] : 'none'}`,
  '',
];
api.write('/etc/motd', lines.join('\n'), '0644');
api.enableService('systemd-networkd');
api.log(`motd written for ${api.arch}`);
