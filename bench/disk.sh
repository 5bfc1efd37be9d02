#!/usr/bin/env bash
# Times container → qcow2 (and raw) per step and prints the image sizes, apparent and allocated.
#   bench/disk.sh [IMAGE]   (default: composes recipes/minimal-bookworm.yaml first; run as root)
#   ROOTFS=xfs bench/disk.sh   (the root file system: ext4, the default, xfs or btrfs; xfs adds
#   the tools step, which unpacks sid's xfsprogs)
# Uses a fresh store, so every disk step runs; the compose (when needed) is timed apart.
set -euo pipefail
# The recipe is for amd64 and arm64; a benchmark composes for this machine only, as the
# reference does.
arch="$(dpkg --print-architecture)"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /var/tmp/debforge-bench.XXXXXX)"
trap 'chattr -R -i "$work" 2>/dev/null || true; rm -rf "$work"' EXIT
image="${1:-}"
if [[ -z "$image" ]]; then
  "$top/debforge" compose "$top/recipes/minimal-bookworm.yaml" --arch "$arch" \
    --store "$work/compose-store" --progress quiet -o "oci-archive:$work/image.oci.tar"
  image="oci-archive:$work/image.oci.tar"
fi
"$top/debforge" build "$image" --type qcow2,raw --rootfs "${ROOTFS:-ext4}" --store "$work/store" --progress quiet --json \
  -o "$work/out" > "$work/build.json"
python3 - "$work/build.json" <<'PY'
import json, os, sys
result = json.load(open(sys.argv[1]))
print(f"container → disks: {result['seconds']:.1f} s")
for step in result["steps"]:
    print(f"  {step['name']:<20} {step['seconds']:7.1f} s")
for artifact in result["artifacts"]:
    path = artifact["artifact"]
    st = os.stat(path)
    print(f"  {path}: {st.st_size / 2**20:9.1f} MiB apparent, {st.st_blocks * 512 / 2**20:9.1f} MiB allocated")
PY
