#!/usr/bin/env bash
# debforge beside the hand-made reference pipeline (../shared/reference/pipeline.sh, or REFERENCE=
# its path), the same steps with the same tools, in one run, so that the ratios hold on a noisy
# machine. Prints a Markdown table (docs/performance.md keeps the latest) and writes it, with every
# JSON result and the reference's timings, to OUT (default: a new /var/tmp/debforge-speed.*).
#   bench/speed.sh             run as root; about 25 minutes on 2 cores, downloads included,
#                              and about 20 GiB free under OUT
#   KEEP=1 bench/speed.sh      keep the stores and disks in OUT afterwards (several GiB)
#
# Rows (the goals of docs/performance.md):
#   compose      cold compose of recipes/minimal-bookworm.yaml (empty store, apt cache included)
#                vs. the reference's compose + oci steps
#   rebuild      the same compose again, nothing changed (store warm)
#   +1 package   the recipe plus one package, on the warm store, as a share of the cold compose
#   raw+qcow2    the composed image to raw + qcow2 (empty build store) vs. the reference's unpack,
#                commit, deploy, bootloader, disk and qcow2 conversion
#   5 types      qcow2, raw, vmdk, vhd, vhdx (empty build store) vs. the reference's whole convert
#   10G / 200G   --type raw with --disk-size 10G and 200G, twice each: time (the faster run) and
#                bytes allocated (store + output)
#   engine       the composes' seconds beyond their steps', per step (planning, scheduling, store)
# Each debforge row also gives the CLI's peak resident memory (GNU time).
set -euo pipefail
# The recipe is for amd64 and arm64; a benchmark composes for this machine only, as the
# reference does.
arch="$(dpkg --print-architecture)"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reference="${REFERENCE:-$top/../shared/reference/pipeline.sh}"
[[ -x "$reference" || -f "$reference" ]] || { echo "no reference pipeline at $reference" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root" >&2; exit 2; }
missing=()
for tool in jq pigz zstd /usr/bin/time; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  echo "installing ${missing[*]/\/usr\/bin\/time/time}" >&2
  apt-get install -y -qq jq pigz zstd time >/dev/null
fi
"$top/debforge" --version >/dev/null
out="${OUT:-$(mktemp -d /var/tmp/debforge-speed.XXXXXX)}"
mkdir -p "$out"
# The reference's work directory and one build's store and disks at a time (20 GiB at the peak).
free_gib=$(df --output=avail -B1G "$out" | tail -1 | tr -d ' ')
if ((free_gib < 20)); then
  echo "$out has $free_gib GiB free; bench/speed.sh needs about 20 GiB (OUT= chooses another place)" >&2
  exit 2
fi
cleanup() {
  [[ -n "${KEEP:-}" ]] && return
  chattr -R -i "$out" 2>/dev/null || true
  find "$out" -mindepth 1 -maxdepth 1 ! -name '*.json' ! -name '*.time' ! -name '*.txt' ! -name '*.md' \
    -exec rm -rf {} +
}
trap cleanup EXIT
drop() { # DIR…: a finished row's store and disks, unless KEEP is set
  [[ -n "${KEEP:-}" ]] && return
  chattr -R -i "$@" 2>/dev/null || true
  rm -rf "$@"
}
echo "results in $out" >&2

# debforge LABEL ARGS…: runs the CLI as a user does (./debforge, which execs java with its
# class-data archive, recorded by the first build) under GNU time; LABEL.json is its --json,
# LABEL.time GNU time's report.
debforge() {
  local label=$1; shift
  echo "debforge $label: $*" >&2
  sync
  /usr/bin/time -v -o "$out/$label.time" "$top/debforge" "$@" --progress quiet --json \
    > "$out/$label.json"
}
# End to end, as a user waits for it: the CLI's wall clock from GNU time (JVM and engine start
# included), not the build's own seconds in --json.
seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s}' "$out/$1.time"
}
fastest() { # LABEL…: the shortest wall clock of these runs
  local label best=""
  for label in "$@"; do
    best=$(awk -v a="$best" -v b="$(seconds "$label")" 'BEGIN {print (a == "" || b < a) ? b : a}')
  done
  echo "$best"
}
peak_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out/$1.time"; }
allocated_mib() { du -s --block-size=1M "$@" | awk '{s += $1} END {print s}'; }

# reference STEP…: the reference's steps in its own directory; their step= and substep= lines
# are appended to reference.txt.
# Both start with `sync` (untimed): what the run before wrote (the reference's conversions write
# some 4 GB, a dropped store is a tree of unlinks) is on disk before the next run's clock starts,
# so neither side pays for the other's writeback.
reference() {
  echo "reference: $*" >&2
  sync
  W="$out/reference" bash "$reference" "$@" 2>"$out/reference-$1.log" | tee -a "$out/reference.txt" \
    >/dev/null
}
ref_seconds() { # NAME…: the sum of the named step= or substep= lines
  local sum=0 name value
  for name in "$@"; do
    value=$(awk -v n="$name" -F'[ =]+' '($2 == "step" || $2 == "substep") && $3 == n {v = $5}
      ($1 == "step" || $1 == "substep") && $2 == n {v = $4} END {print v + 0}' "$out/reference.txt")
    sum=$(echo "$sum + $value" | bc)
  done
  echo "$sum"
}
ratio() { echo "scale=2; $1 / $2" | bc; }

: > "$out/reference.txt"
recipe="$top/recipes/minimal-bookworm.yaml"
plus_one="$out/plus-one.yaml"
grep -q '^packages:' "$recipe" && { echo "$recipe has packages: already; add htop by hand" >&2; exit 2; }
{ cat "$recipe"; printf "packages:\n  install: [htop]\n"; } > "$plus_one"

# Compose, cold on both sides, one after the other.
reference compose oci
debforge compose-cold compose "$recipe" --arch "$arch" --store "$out/compose-store" \
  -o "oci-archive:$out/image.oci.tar"
debforge compose-warm compose "$recipe" --arch "$arch" --store "$out/compose-store" \
  -o "oci-archive:$out/image-again.oci.tar"
debforge compose-plus-one compose "$plus_one" --arch "$arch" --store "$out/compose-store" \
  -o "oci-archive:$out/plus-one.oci.tar"
drop "$out/compose-store" "$out/image-again.oci.tar" "$out/plus-one.oci.tar"

# Image to disks.
reference unpack commit deploy bootloader_prep disk bootloader_install convert
image="oci-archive:$out/image.oci.tar"
debforge raw-qcow2 build "$image" --type raw,qcow2 --store "$out/store-raw-qcow2" \
  -o "$out/disks-raw-qcow2"
drop "$out/store-raw-qcow2" "$out/disks-raw-qcow2"
debforge five-types build "$image" --type qcow2,raw,vmdk,vhd,vhdx --store "$out/store-five" \
  -o "$out/disks-five"
drop "$out/store-five" "$out/disks-five"
# Each size twice, in turns (10G, 200G, 10G, 200G), from empty stores: the extract step alone
# varies by seconds between runs here, more than the disk's size costs. A size's time is its
# faster run; its bytes are those of the first.
declare -A alloc
for again in "" -again; do
  for size in 10g 200g; do
    debforge "size-$size$again" build "$image" --type raw --disk-size "${size^^}" \
      --store "$out/store-$size" -o "$out/disks-$size"
    [[ -z "$again" ]] && alloc[$size]=$(allocated_mib "$out/store-$size" "$out/disks-$size")
    drop "$out/store-$size" "$out/disks-$size"
  done
done
alloc_10g=${alloc[10g]}
alloc_200g=${alloc[200g]}

ref_compose=$(ref_seconds compose oci)
ref_disk=$(ref_seconds unpack commit deploy bootloader_prep disk bootloader_install convert.qcow2)
ref_convert=$(ref_seconds unpack commit deploy bootloader_prep disk bootloader_install \
  convert.qcow2 convert.vmdk_streamOptimized convert.vpc_fixed)
cold=$(seconds compose-cold)
{
  echo "| work | debforge | reference | ratio | goal | debforge peak RSS |"
  echo "|---|---|---|---|---|---|"
  echo "| cold compose | $cold s | $ref_compose s | $(ratio "$cold" "$ref_compose") | ≤ 1.05 |" \
    "$(peak_mib compose-cold) MiB |"
  echo "| rebuild, nothing changed | $(seconds compose-warm) s | | | ≤ 5 s |" \
    "$(peak_mib compose-warm) MiB |"
  echo "| +1 package, warm store | $(seconds compose-plus-one) s | cold compose $cold s |" \
    "$(ratio "$(seconds compose-plus-one)" "$cold") | ≤ 0.50 | $(peak_mib compose-plus-one) MiB |"
  echo "| image → raw + qcow2 | $(seconds raw-qcow2) s | $ref_disk s |" \
    "$(ratio "$(seconds raw-qcow2)" "$ref_disk") | ≤ 1.25 | $(peak_mib raw-qcow2) MiB |"
  echo "| image → qcow2, raw, vmdk, vhd, vhdx | $(seconds five-types) s | $ref_convert s" \
    "(qcow2, vmdk, vhd) | $(ratio "$(seconds five-types)" "$ref_convert") | ≤ 1.5 |" \
    "$(peak_mib five-types) MiB |"
  t10=$(fastest size-10g size-10g-again)
  t200=$(fastest size-200g size-200g-again)
  echo "| raw, --disk-size 10G (faster of 2) | $t10 s, $alloc_10g MiB allocated | | | |" \
    "$(peak_mib size-10g) MiB |"
  echo "| raw, --disk-size 200G (faster of 2) | $t200 s, $alloc_200g MiB allocated | |" \
    "$(ratio "$t200" "$t10") (time), $(ratio "$alloc_200g" "$alloc_10g")" \
    "(bytes) | ≤ 1.10 | $(peak_mib size-200g) MiB |"
  echo
  echo "debforge's steps (seconds inside the build; c = cache hit):"
  for label in compose-cold compose-warm compose-plus-one raw-qcow2 five-types size-10g size-200g \
      size-10g-again size-200g-again; do
    printf -- '- %s: %s\n' "$label" "$(jq -r '[.steps[] | "\(.name) \(.seconds * 10 | round / 10)\(if .cacheHit then "c" else "" end)"] | join(", ")' "$out/$label.json")"
  done
  echo
  # The compose's steps run one after another, so what the build's own seconds have beyond the
  # time before its first step (planSeconds: claiming the worker, planning) and its steps' is
  # the engine's and the store's share of each step: scheduling the activity, looking up and
  # committing its output. Goal: at most 0.1 s per step.
  for label in compose-cold compose-plus-one; do
    jq -r --arg name "$label" '(.seconds - (.planSeconds // 0) - ([.steps[].seconds] | add)) as $rest
      | "engine and store, \($name): planning \(.planSeconds // "?") s, then \($rest * 10 | round / 10) s"
        + " beside \(.steps | length) steps, \($rest / (.steps | length) * 1000 | round) ms a step"
        + " (goal ≤ 100 ms)"' "$out/$label.json"
  done
  echo
  echo "reference steps: $(grep -E '^ *(step|substep)=' "$out/reference.txt" |
    sed -E 's/^ *(sub)?step=([^ ]+) seconds=([0-9.]+).*/\2 \3/' | paste -sd, | sed 's/,/, /g')"
} | tee "$out/speed.md"
