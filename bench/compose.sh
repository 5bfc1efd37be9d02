#!/usr/bin/env bash
# Times a cold and a warm compose of a recipe and prints per-step seconds.
#   bench/compose.sh [RECIPE]     (default: recipes/minimal-bookworm.yaml; run as root)
# Cold: an empty store (apt's package cache included, so downloads count). Warm: the same store
# again, where every step but publish is a cache hit. Needs python3 to read the JSON results.
set -euo pipefail
# The recipe is for amd64 and arm64; a benchmark composes for this machine only, as the
# reference does.
arch="$(dpkg --print-architecture)"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
recipe="${1:-$top/recipes/minimal-bookworm.yaml}"
work="$(mktemp -d /var/tmp/debforge-bench.XXXXXX)"
trap 'chattr -R -i "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

run() {
  "$top/debforge" compose "$recipe" --arch "$arch" --store "$work/store" --progress quiet \
    --json -o "oci-archive:$work/$1.oci.tar" > "$work/$1.json"
}

report() {
  python3 - "$work/$1.json" "$1" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}: {result['seconds']:.1f} s total, {result['cacheHits']} cache hits")
for step in result["steps"]:
    mark = " (cached)" if step["cacheHit"] else ""
    print(f"  {step['name']:<14} {step['seconds']:7.1f} s{mark}")
for artifact in result["artifacts"]:
    print(f"  image: {artifact.get('size', '?')} bytes, {artifact['digest']}")
PY
}

run cold
report cold
run warm
report warm
