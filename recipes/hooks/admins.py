# Adds the admin group and one user per name, and tools that only make sense on amd64.
ADMINS = ["ann", "bob"]

api.addGroup("admins")
for name in ADMINS:
    api.addUser(name, "admins")

api.mkdir("/etc/sudoers.d", "0750")
api.write("/etc/sudoers.d/admins", "%admins ALL=(ALL:ALL) ALL\n", "0440")

if api.arch == "amd64":
    api.installPackage("cpuid")
api.addKernelArg("quiet")
api.log("admins: " + ", ".join(ADMINS))
