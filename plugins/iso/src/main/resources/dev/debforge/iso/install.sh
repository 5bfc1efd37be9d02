#!/bin/bash
# debforge installer: installs the bootc image this ISO carries onto a disk, as `debforge build`
# lays its disks out: GPT with BIOS boot (amd64), ESP, /boot and root; the image's OSTree commit
# deployed with `ostree admin`; GRUB for BIOS (amd64) and UEFI, its menu made from ostree's boot
# entries. It runs in the ISO's live system, as root. Calamares calls it (its debforge module)
# with what was entered on its pages; the unattended install calls it with the ISO's settings.
#
#   install [OPTIONS] DISK   install onto DISK (everything on it is lost)
#   install --unattended     install onto the disk named by debforge.install= on the kernel
#                            command line, with the options in /debforge/install.args on the
#                            medium (one a line), then power off; what debforge-install.service
#                            runs
# OPTIONS, checked against the image before the disk is touched:
#   --hostname NAME          the installed system's name
#   --locale LOCALE          its LANG, such as en_US.UTF-8 (the image must have the locale)
#   --keyboard LAYOUT[:VARIANT]  its keyboard, such as de or us:intl
#   --timezone ZONE          its time zone, such as Europe/Berlin
#   --user NAME              a user to create (or change, if the image has it); the options up
#                            to the next --user are that user's:
#     --fullname TEXT        the user's full name
#     --password-hash HASH   the password's crypt(3) hash (`openssl passwd -6` makes one)
#     --groups G1,G2         groups of the image to add the user to
#     --ssh-key KEY          an authorized SSH public key (may repeat)
set -euo pipefail

medium=${DEBFORGE_MEDIUM:-/run/live/medium}
# shellcheck source=/dev/null
. "$medium/debforge/image.env"   # DEBFORGE_REF, DEBFORGE_COMMIT, DEBFORGE_OS, DEBFORGE_ARCH
say() { echo "debforge-install: $*"; }
fail() { say "failed: $*"; exit 1; }
usage() { echo "usage: install [OPTIONS] DISK | install --unattended (see the script's head)" >&2; exit 2; }

unattended=false
args=("$@")
if [[ "${1:-}" == "--unattended" ]]; then
  unattended=true
  args=()
  if [[ -f "$medium/debforge/install.args" ]]; then
    mapfile -t args < "$medium/debforge/install.args"
  fi
  disk=""
  for word in $(cat "${DEBFORGE_CMDLINE:-/proc/cmdline}"); do
    case "$word" in debforge.install=*) disk="${word#debforge.install=}" ;; esac
  done
  [[ -n "$disk" ]] || fail "no debforge.install=DISK on the kernel command line"
  args+=("$disk")
fi

hostname="" locale="" keyboard="" timezone="" target=""
users=()            # names, in order
declare -A fullname=() hash=() groups=() keys=()
user=""
set -- "${args[@]}"
while (($#)); do
  case "$1" in
    --hostname|--locale|--keyboard|--timezone|--user|--fullname|--password-hash|--groups|--ssh-key)
      (($# >= 2)) || fail "$1 needs a value"
      case "$1" in
        --hostname) hostname=$2 ;;
        --locale) locale=$2 ;;
        --keyboard) keyboard=$2 ;;
        --timezone) timezone=$2 ;;
        --user) user=$2; users+=("$2") ;;
        *) [[ -n "$user" ]] || fail "$1 belongs to a user: give --user NAME before it"
           case "$1" in
             --fullname) fullname[$user]=$2 ;;
             --password-hash) hash[$user]=$2 ;;
             --groups) groups[$user]=$2 ;;
             --ssh-key) keys[$user]+="$2"$'\n' ;;
           esac ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install: unknown option $1" >&2; usage ;;
    *) [[ -z "$target" ]] || usage; target=$1; shift ;;
  esac
done
[[ -n "$target" ]] || usage

# What is asked is checked against the image before the disk is touched.
repo_has() { ostree ls --repo="$medium/ostree/repo" "$DEBFORGE_COMMIT" "$1" >/dev/null 2>&1; }
if [[ -n "$hostname" && ! "$hostname" =~ ^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$ ]]; then
  fail "--hostname '$hostname' is not a host name (letters, digits, inner dashes, up to 63)"
fi
if [[ -n "$locale" && ! "$locale" =~ ^[A-Za-z0-9_.@-]+$ ]]; then
  fail "--locale '$locale' is not a locale name such as en_US.UTF-8"
fi
if [[ -n "$keyboard" && ! "$keyboard" =~ ^[a-z0-9_-]+(:[A-Za-z0-9_-]*)?$ ]]; then
  fail "--keyboard '$keyboard' is not LAYOUT[:VARIANT] such as de or us:intl"
fi
if [[ -n "$timezone" ]]; then
  [[ "$timezone" =~ ^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$ ]] && repo_has "/usr/share/zoneinfo/$timezone" ||
    fail "--timezone '$timezone': the image has no such zone under /usr/share/zoneinfo (is tzdata in it?)"
fi
image_groups=$( (ostree cat --repo="$medium/ostree/repo" "$DEBFORGE_COMMIT" /usr/etc/group 2>/dev/null || true) | cut -d: -f1)
for name in "${users[@]}"; do
  [[ "$name" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || fail "--user '$name' is not a user name"
  if [[ -n "${hash[$name]:-}" && ! "${hash[$name]}" =~ ^\$[0-9a-z]+(\$[^$:[:space:]]*)+$ ]]; then
    fail "--password-hash of $name is not a crypt(3) hash (openssl passwd -6 makes one)"
  fi
  IFS=, read -ra wanted <<<"${groups[$name]:-}"
  for group in "${wanted[@]}"; do
    grep -qx -- "$group" <<<"$image_groups" || fail "user $name: the image has no group '$group'"
  done
done

[[ -b "$target" ]] || fail "$target is not a block device (lsblk lists the disks)"
if grep -q "^$target" /proc/mounts; then fail "$target is in use (mounted)"; fi

arch="$DEBFORGE_ARCH"
case "$arch" in
  amd64) root_type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709 ;;
  arm64) root_type=B921B045-1DF0-41C3-AF44-4C6F280D3FAE ;;
  *) fail "unknown architecture $arch" ;;
esac

say "partitioning $target"
{
  echo "label: gpt"
  [[ "$arch" == amd64 ]] && echo "size=1MiB, type=21686148-6449-6E6F-744E-656564454649, name=BIOS-BOOT"
  echo "size=501MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=EFI-SYSTEM"
  echo "size=1GiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=boot"
  echo "type=$root_type, name=root"
} | sfdisk --quiet --wipe always --wipe-partitions always "$target"
udevadm settle
mapfile -t parts < <(lsblk -lnpo NAME,TYPE "$target" | awk '$2 == "part" { print $1 }')
if [[ "$arch" == amd64 ]]; then esp=${parts[1]} boot=${parts[2]} root=${parts[3]};
else esp=${parts[0]} boot=${parts[1]} root=${parts[2]}; fi

say "making file systems"
mkfs.vfat -F 32 -n EFI-SYSTEM "$esp" >/dev/null
mkfs.ext4 -q -F -L boot "$boot"
mkfs.ext4 -q -F -L root "$root"
root_uuid=$(blkid -s UUID -o value "$root")
boot_uuid=$(blkid -s UUID -o value "$boot")
esp_uuid=$(blkid -s UUID -o value "$esp")

sysroot=$(mktemp -d /run/debforge-sysroot.XXXXXX)
cleanup() { umount -R "$sysroot" 2>/dev/null || true; }
trap cleanup EXIT
mount "$root" "$sysroot"
mkdir -p "$sysroot/boot"
mount "$boot" "$sysroot/boot"
mkdir -p "$sysroot/boot/efi"
mount "$esp" "$sysroot/boot/efi"

say "deploying $DEBFORGE_REF ($DEBFORGE_COMMIT)"
ostree admin init-fs "$sysroot"
# The boot menu is written below from ostree's entries (Debian's GRUB reads no BLS entries);
# the repository is told about GRUB once it is.
ostree config --repo="$sysroot/ostree/repo" set sysroot.bootloader none
ostree pull-local --repo="$sysroot/ostree/repo" "$medium/ostree/repo" "$DEBFORGE_COMMIT"
ostree admin os-init "$DEBFORGE_OS" --sysroot="$sysroot"

# The image's kernel arguments (bootc's kargs.d), then the root file system, as build does.
kargs=()
if ostree ls --repo="$sysroot/ostree/repo" "$DEBFORGE_COMMIT" /usr/lib/bootc/kargs.d >/dev/null 2>&1; then
  while read -r file; do
    text=$(ostree cat --repo="$sysroot/ostree/repo" "$DEBFORGE_COMMIT" "$file")
    if grep -q '^match-architectures' <<<"$text"; then
      want=$([[ "$arch" == amd64 ]] && echo x86_64 || echo aarch64)
      grep '^match-architectures' <<<"$text" | grep -q "\"$want\"" || continue
    fi
    while read -r karg; do kargs+=("$karg"); done < <(
      grep '^kargs' <<<"$text" | grep -o '"[^"]*"' | tr -d '"')
  done < <(ostree ls --repo="$sysroot/ostree/repo" -C "$DEBFORGE_COMMIT" /usr/lib/bootc/kargs.d |
           awk '{ print $NF }' | grep '\.toml$' | sort)
fi
kargs+=("root=UUID=$root_uuid" "rw")
if ! printf '%s\n' "${kargs[@]}" | grep -q '^console='; then
  if [[ "$arch" == amd64 ]]; then kargs+=("console=tty0" "console=ttyS0,115200n8");
  else kargs+=("console=tty0" "console=ttyAMA0,115200n8"); fi
fi
deploy_args=()
for karg in "${kargs[@]}"; do deploy_args+=("--karg=$karg"); done
ostree admin deploy --sysroot="$sysroot" --os="$DEBFORGE_OS" "${deploy_args[@]}" "$DEBFORGE_COMMIT"
deployment=$(ls -d "$sysroot/ostree/deploy/$DEBFORGE_OS/deploy/"*.0 | head -1)

{
  echo "# Written by the debforge installer; the UUIDs are this disk's file systems'."
  echo "UUID=$root_uuid / ext4 defaults 0 1"
  echo "UUID=$boot_uuid /boot ext4 defaults 0 2"
  echo "UUID=$esp_uuid /boot/efi vfat umask=0077,shortname=winnt 0 2"
} > "$deployment/etc/fstab.new"
mv "$deployment/etc/fstab.new" "$deployment/etc/fstab"
# The settings asked for, in the deployment's /etc (new files renamed into place: /etc is the
# deployment's own copy, and nothing here may write through to the repository's objects).
etc="$deployment/etc"
put() { printf '%s\n' "$2" > "$etc/$1.new" && mv "$etc/$1.new" "$etc/$1"; }
if [[ -n "$hostname" ]]; then
  say "host name $hostname"
  put hostname "$hostname"
  { grep -v '^127\.0\.1\.1' "$etc/hosts" 2>/dev/null || true; echo "127.0.1.1	$hostname"; } > "$etc/hosts.new"
  mv "$etc/hosts.new" "$etc/hosts"
fi
if [[ -n "$locale" ]]; then
  say "locale $locale"
  put default/locale "LANG=$locale"
fi
if [[ -n "$keyboard" ]]; then
  say "keyboard $keyboard"
  layout=${keyboard%%:*} variant=""
  [[ "$keyboard" == *:* ]] && variant=${keyboard#*:}
  put default/keyboard "$(printf 'XKBMODEL="pc105"\nXKBLAYOUT="%s"\nXKBVARIANT="%s"\nXKBOPTIONS=""\nBACKSPACE="guess"' "$layout" "$variant")"
  put vconsole.conf "KEYMAP=$layout"
fi
if [[ -n "$timezone" ]]; then
  say "time zone $timezone"
  ln -sfn "../usr/share/zoneinfo/$timezone" "$etc/localtime.new"
  mv -T "$etc/localtime.new" "$etc/localtime"
  put timezone "$timezone"
fi
if ((${#users[@]})); then
  # The deployment's /home leads to var/home, whose target useradd does not make; the /var
  # seeding below carries the homes to the stateroot.
  mkdir -p "$deployment/var/home"
fi
for name in "${users[@]}"; do
  say "user $name"
  if grep -q "^$name:" "$etc/passwd"; then
    usermod --root "$deployment" --shell /bin/bash "$name"
  else
    useradd --root "$deployment" --create-home --shell /bin/bash "$name"
  fi
  [[ -n "${fullname[$name]:-}" ]] && usermod --root "$deployment" --comment "${fullname[$name]}" "$name"
  [[ -n "${groups[$name]:-}" ]] && usermod --root "$deployment" --append --groups "${groups[$name]}" "$name"
  [[ -n "${hash[$name]:-}" ]] && echo "$name:${hash[$name]}" | chpasswd --root "$deployment" --encrypted
  if [[ -n "${keys[$name]:-}" ]]; then
    home=$(grep "^$name:" "$etc/passwd" | cut -d: -f6)
    ids=$(grep "^$name:" "$etc/passwd" | cut -d: -f3,4)
    case "$home" in
      /home/*) ssh="$deployment/var$home" ;;   # /home is a link to var/home
      /var/*|/root) ssh="$deployment$home" ;;
      *) fail "user $name: an SSH key for the home $home, outside /home and /var, is not supported" ;;
    esac
    mkdir -p "$ssh/.ssh"
    printf '%s' "${keys[$name]}" > "$ssh/.ssh/authorized_keys"
    chmod 700 "$ssh/.ssh"; chmod 600 "$ssh/.ssh/authorized_keys"
    chown -R "$ids" "$ssh/.ssh"
  fi
done

# The stateroot's /var starts as the image's, as build seeds it.
if [[ -d "$deployment/var" ]]; then
  cp -a "$deployment/var/." "$sysroot/ostree/deploy/$DEBFORGE_OS/var/"
fi

say "installing GRUB"
if [[ "$arch" == amd64 ]]; then
  grub-install --target=i386-pc --boot-directory="$sysroot/boot" "$target"
  efi_target=x86_64-efi
else
  efi_target=arm64-efi
fi
grub-install --target="$efi_target" --efi-directory="$sysroot/boot/efi" \
  --boot-directory="$sysroot/boot" --removable --no-nvram
# The menu, made as build makes a disk's (BootMenu in the plugin API): debforge's generator and
# its settings on /boot write it from ostree's entries into loader.N/grub.cfg, and grub.cfg
# links to ../loader/grub.cfg. With the repository's bootloader set to grub2 and the generator
# named (OSTREE_GRUB2_EXEC) for services and login sessions, ostree rewrites it on every
# deployment change of the installed system.
install -m 0755 "$medium/debforge/debforge-grub-menu" "$sysroot/boot/grub/debforge-grub-menu"
printf '%s\n' "# Written by the debforge installer; read by debforge-grub-menu." \
  "BOOT_UUID=$boot_uuid" "TIMEOUT=1" "SERIAL=1" > "$sysroot/boot/grub/debforge-grub-menu.conf"
loader=$(readlink "$sysroot/boot/loader")
"$sysroot/boot/grub/debforge-grub-menu" -o "$sysroot/boot/$loader/grub.cfg"
ln -sfn ../loader/grub.cfg "$sysroot/boot/grub/grub.cfg"
ostree config --repo="$sysroot/ostree/repo" set sysroot.bootloader grub2
cp -r "$medium/debforge/etc/." "$etc/"
variable=$(cat "$medium/debforge/environment")
environment="$etc/environment"
if [[ -L "$environment" ]]; then
  # The image's link, read inside the deployment rather than on the live system.
  link=$(readlink "$environment")
  if [[ "$link" == /* ]]; then environment="$deployment$link"; else environment="$etc/$link"; fi
fi
if ! grep -q '^OSTREE_GRUB2_EXEC=' "$environment" 2>/dev/null; then
  { if [[ -s "$environment" ]]; then sed -e '$a\' "$environment"; fi
    echo "$variable"; } > "$etc/environment.new"
  mv "$etc/environment.new" "$etc/environment"
fi

sync
cleanup
trap - EXIT
say "installed $DEBFORGE_REF onto $target"
if $unattended; then
  say "powering off"
  systemctl --no-block poweroff
fi
