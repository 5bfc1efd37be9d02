# debforge's Calamares job: runs the install script the ISO carries with what was chosen on the
# installer's pages. The script checks every setting against the image before it touches the
# disk, and its "debforge-install: ..." lines are the job's progress.

import crypt
import subprocess

import libcalamares

INSTALL = "/run/live/medium/debforge/install"

# The script's steps, in order, and how far along the install each one starts.
STEPS = [
    ("partitioning", 0.05),
    ("making file systems", 0.1),
    ("deploying", 0.15),
    ("installing GRUB", 0.85),
    ("installed", 1.0),
]

status = "Installing the image"


def pretty_name():
    return "Installing the image"


def pretty_status_message():
    return status


def arguments(gs):
    """The install script's options for what Calamares' pages left in global storage."""
    args = []
    region, zone = gs.value("locationRegion"), gs.value("locationZone")
    if region and zone:
        args += ["--timezone", region + "/" + zone]
    lang = (gs.value("localeConf") or {}).get("LANG")
    if lang:
        args += ["--locale", lang]
    layout = gs.value("keyboardLayout")
    if layout:
        variant = gs.value("keyboardVariant") or ""
        args += ["--keyboard", layout + (":" + variant if variant else "")]
    hostname = gs.value("hostname")
    if hostname:
        args += ["--hostname", hostname]
    user = gs.value("username")
    if user:
        args += ["--user", user, "--groups", "sudo"]
        if gs.value("fullname"):
            args += ["--fullname", gs.value("fullname")]
        password = gs.value("password")
        if password:
            # Calamares keeps the password obscured, not hashed; the script takes a hash.
            plain = libcalamares.utils.obscure(password)
            args += ["--password-hash", crypt.crypt(plain, crypt.mksalt(crypt.METHOD_SHA512))]
    return args


def run():
    global status
    gs = libcalamares.globalstorage
    disk = gs.value("packagechooser_disk")
    if not disk:
        return ("No disk was chosen", "Go back to the disk page and choose one.")
    argv = [INSTALL] + arguments(gs) + [disk]
    libcalamares.utils.debug("debforge: " + " ".join(
        "HASH" if previous == "--password-hash" else arg
        for previous, arg in zip([""] + argv, argv)))
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace")
    tail = []
    for line in process.stdout:
        line = line.rstrip()
        libcalamares.utils.debug(line)
        tail = (tail + [line])[-15:]
        if line.startswith("debforge-install: "):
            status = line[len("debforge-install: "):]
            for word, fraction in STEPS:
                if status.startswith(word):
                    libcalamares.job.setprogress(fraction)
    if process.wait() != 0:
        return ("The install onto " + disk + " failed", "\n".join(tail))
    return None
