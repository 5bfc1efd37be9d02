// After deploy, once per disk: names the machine after the recipe and the architecture. The
// deployment's /etc is the booted system's, so the name is there from the first boot.
const name = `${api.recipe.name}-${api.arch}`;
api.write('/etc/hostname', `${name}\n`, '0644');
api.log(`hostname ${name}`);
