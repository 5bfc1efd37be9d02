#!/usr/bin/env bash
# The installer ISO's cost: built cold (an empty store, so the live system is made) and warm
# (the live system served from the store, a new image's ISO made), with each step's time and
# the ISO's size. Run as root.
#   bench/iso.sh [IMAGE]     IMAGE defaults to a compose of the minimal recipe (not timed)
set -euo pipefail
# The recipe is for amd64 and arm64; a benchmark composes for this machine only, as the
# reference does.
arch="$(dpkg --print-architecture)"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$top/debforge" --version >/dev/null
jar="$top/cli/target/debforge.jar"
work="$(mktemp -d /var/tmp/debforge-bench-iso.XXXXXX)"
trap 'chattr -R -i "$work" 2>/dev/null || true; rm -rf "$work"' EXIT
debforge() { java -jar "$jar" "$@"; }

image="${1:-}"
if [[ -z "$image" ]]; then
  debforge compose "$top/recipes/minimal-bookworm.yaml" --arch "$arch" \
    --store "$work/compose-store" --progress quiet -o "oci-archive:$work/image.oci.tar"
  image="oci-archive:$work/image.oci.tar"
fi

build() { # LABEL EPOCH: a new --source-date-epoch makes a new commit, so a new ISO
  local start end
  start=$(date +%s.%N)
  debforge build "$image" --type iso -o "$work/out-$1" --store "$work/store" \
    --source-date-epoch "$2" --json > "$work/$1.json"
  end=$(date +%s.%N)
  printf '%-5s %7.1f s  ' "$1" "$(echo "$end - $start" | bc)"
  python3 - "$work/$1.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
print("  ".join("%s %.1f%s" % (s["name"], s["seconds"], " (cached)" if s["cacheHit"] else "")
                for s in result["steps"]))
PY
}

build cold 1700000000
build warm 1700000001
size=$(stat -c %s "$work/out-warm/bootiso/install.iso")
echo "install.iso: $((size / 1024 / 1024)) MiB"
