#!/bin/bash
# debforge installer: installs the bootc image this ISO carries onto a disk, as `debforge build`
# lays its disks out: GPT with BIOS boot (amd64), ESP, /boot and root; the image's OSTree commit
# deployed with `ostree admin`; GRUB for BIOS (amd64) and UEFI, its menu made from ostree's boot
# entries. It runs in the ISO's live system, as root.
#
#   install DISK           install onto DISK (everything on it is lost)
#   install --unattended   install onto the disk named by debforge.install= on the kernel
#                          command line, then power off; what debforge-install.service runs
set -euo pipefail

medium=/run/live/medium
# shellcheck source=/dev/null
. "$medium/debforge/image.env"   # DEBFORGE_REF, DEBFORGE_COMMIT, DEBFORGE_OS, DEBFORGE_ARCH
say() { echo "debforge-install: $*"; }
fail() { say "failed: $*"; exit 1; }

unattended=false
if [[ "${1:-}" == "--unattended" ]]; then
  unattended=true
  target=""
  for word in $(cat /proc/cmdline); do
    case "$word" in debforge.install=*) target="${word#debforge.install=}" ;; esac
  done
  [[ -n "$target" ]] || fail "no debforge.install=DISK on the kernel command line"
else
  target="${1:-}"
  [[ -n "$target" ]] || { echo "usage: install DISK | install --unattended" >&2; exit 2; }
fi
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
# The boot menu is written below from ostree's entries; Debian's GRUB reads no BLS entries.
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
# The menu: one entry per ostree boot entry, newest first, linux/initrd/options copied.
{
  echo "# Written by the debforge installer from the entries in /boot/loader/entries."
  echo "serial --unit=0 --speed=115200"
  echo "terminal_input serial console"
  echo "terminal_output serial console"
  echo "set default=0"
  echo "set timeout=1"
  # ostree numbers its entries ostree-N-OS.conf, the newest with the highest N.
  mapfile -t entries < <(printf '%s\n' "$sysroot"/boot/loader/entries/*.conf | sort -rV)
  for entry in "${entries[@]}"; do
    title=$(sed -n 's/^title //p' "$entry")
    linux=$(sed -n 's/^linux //p' "$entry")
    initrd=$(sed -n 's/^initrd //p' "$entry")
    options=$(sed -n 's/^options //p' "$entry")
    echo "menuentry '${title//\'/}' {"
    echo "  search --no-floppy --fs-uuid --set=root $boot_uuid"
    echo "  linux $linux $options"
    [[ -n "$initrd" ]] && echo "  initrd $initrd"
    echo "}"
  done
} > "$sysroot/boot/grub/grub.cfg"

sync
cleanup
trap - EXIT
say "installed $DEBFORGE_REF onto $target"
if $unattended; then
  say "powering off"
  systemctl --no-block poweroff
fi
