#!/usr/bin/env bash
# Durability soak: N builds (default 20) on a local build service, each with its worker killed
# with SIGKILL at a random moment and a new worker started; reports how many builds finished,
# how many steps ran more than once, and whether any output was partial.
#   bench/soak.sh [N] [IMAGE]     (run as root; IMAGE defaults to a compose of the minimal recipe)
#   KILL_WITHIN=S   kill within the first S seconds of each build (default: half the length of
#                   one undisturbed cold build, measured first, so that the kill lands in a step)
# Each build starts from an empty store, so the kill lands in real work: extract, commit, deploy,
# bootloader, partition, convert or publish. Everything is on loopback and in a temporary
# directory, removed at the end.
set -euo pipefail
# The recipe is for amd64 and arm64; a benchmark composes for this machine only, as the
# reference does.
arch="$(dpkg --print-architecture)"
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
builds="${1:-20}"
image="${2:-}"
work="$(mktemp -d /var/tmp/debforge-soak.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  chattr -R -i "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# One build of debforge for the whole run, copied out of the checkout so that a rebuild there
# cannot change the jar under the running server and workers.
"$top/debforge" --version >/dev/null
mkdir -p "$work/cli"
cp -r "$top/cli/target/debforge.jar" "$top/cli/target/lib" "$work/cli/"
jar="$work/cli/debforge.jar"
debforge() { java -jar "$jar" "$@"; }

if [[ -z "$image" ]]; then
  debforge compose "$top/recipes/minimal-bookworm.yaml" --arch "$arch" \
    --store "$work/compose-store" --progress quiet -o "oci-archive:$work/image.oci.tar"
  image="oci-archive:$work/image.oci.tar"
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
temporal="127.0.0.1:$port"
# Started without the shell function, so that $! is the JVM itself, which the kills must reach.
java -jar "$jar" server --port "$port" >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do grep -q "Temporal service on port" "$work/server.log" && break; sleep 1; done

worker_pid=""
start_worker() {
  java -jar "$jar" worker --temporal "$temporal" --store "$work/store" >>"$work/worker.log" 2>&1 &
  worker_pid=$!
  pids+=("$worker_pid")
  for _ in $(seq 60); do grep -q "debforge worker " "$work/worker.log" && return; sleep 1; done
}

# One undisturbed cold build: how long a build takes here, and the steps it runs.
start_worker
t0=$(date +%s)
id=$(debforge submit "$image" --type raw -o "$work/out-ref" --temporal "$temporal")
debforge wait "$id" --temporal "$temporal" --json >"$work/ref.json"
cold=$(( $(date +%s) - t0 ))
within="${KILL_WITHIN:-$(( cold / 2 > 1 ? cold / 2 : 1 ))}"
echo "one undisturbed cold build: ${cold} s; kills land within the first ${within} s of each"

finished=0 redone=0 partial=0 failed=0 missed=0 moved=0
for i in $(seq "$builds"); do
  kill -9 "$worker_pid" 2>/dev/null || true
  wait "$worker_pid" 2>/dev/null || true
  chattr -R -i "$work/store" 2>/dev/null || true
  rm -rf "$work/store"
  start_worker
  out="$work/out-$i"
  # A build that cannot even start (the machine out of space, the service gone) counts as
  # failed; the soak goes on and still prints its summary.
  if ! id=$(debforge submit "$image" --type raw -o "$out" --temporal "$temporal"); then
    failed=$((failed + 1))
    echo "build $i: could not be submitted"
    continue
  fi
  delay=$(( (RANDOM % within) + 1 ))
  sleep "$delay"
  step=$(debforge status "$id" --temporal "$temporal" --json |
    python3 -c 'import json,sys; s=json.load(sys.stdin); print(next((x["name"] for x in s.get("steps",[]) if x["state"]=="running"), "no step (" + s["state"] + ")"))') ||
    step="no step (status failed)"
  [[ "$step" == "no step"* ]] && missed=$((missed + 1))
  kill -9 "$worker_pid"
  wait "$worker_pid" 2>/dev/null || true
  start_worker
  if debforge wait "$id" --temporal "$temporal" --json >"$work/result-$i.json" 2>"$work/wait-$i.log"; then
    finished=$((finished + 1))
  else
    failed=$((failed + 1))
  fi
  # A step that ran more than once has more than one start line in its log.
  again=$(grep -H -c "^# step started" "$work/store/logs/$id"/*.log 2>/dev/null | awk -F: '$NF > 1 {n++} END {print n+0}')
  redone=$((redone + again))
  notes=$(debforge status "$id" --temporal "$temporal" --json | python3 -c 'import json,sys; print(sum("was lost" in n for n in json.load(sys.stdin).get("notes",[])))') ||
    notes=0
  moved=$((moved + notes))
  # Whole outputs only: the file the build reported, with the sha256 it reported (a raw disk:
  # the block map it reported, each range's SHA-256 and the map's own), and no partial copy beside
  # it.
  whole=$(python3 - "$work/result-$i.json" <<'PY'
import hashlib, json, os, re, sys
def sha256(f, start, length):
    digest = hashlib.sha256()
    f.seek(start)
    while length > 0:
        block = f.read(min(length, 1 << 20))
        if not block:
            break
        digest.update(block)
        length -= len(block)
    return digest.hexdigest()
try:
    result = json.load(open(sys.argv[1]))
    ok = result.get("status") == "succeeded"
    for artifact in result.get("artifacts", []):
        with open(artifact["artifact"], "rb") as f:
            if "bmap" not in artifact:
                ok = ok and sha256(f, 0, os.path.getsize(artifact["artifact"])) == artifact["sha256"]
                continue
            text = open(artifact["bmap"]).read()
            mine = artifact["bmapChecksum"]
            ok = ok and hashlib.sha256(text.replace(mine, "0" * 64, 1).encode()).hexdigest() == mine
            size = int(re.search(r"<ImageSize> (\d+) ", text).group(1))
            ok = ok and size == os.path.getsize(artifact["artifact"])
            for chksum, first, last in re.findall(r'<Range chksum="(\w+)"> (\d+)(?:-(\d+))? ', text):
                start, end = int(first) * 4096, (int(last or first) + 1) * 4096
                ok = ok and sha256(f, start, min(end, size) - start) == chksum
    print("yes" if ok else "no")
except Exception:
    print("no")
PY
)
  leftovers=$(find "$out" -name '.*partial*' 2>/dev/null | wc -l)
  [[ "$whole" == yes && "$leftovers" -eq 0 ]] || partial=$((partial + 1))
  echo "build $i: killed after ${delay} s in ${step}; $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("status","?"))' "$work/result-$i.json" 2>/dev/null || echo '?'); steps run twice: ${again}; output whole: ${whole}"
done
echo
echo "soak: ${builds} builds, each worker killed once with SIGKILL"
echo "  finished: ${finished}/${builds}   failed: ${failed}"
echo "  kills that landed in a step: $((builds - missed)); builds moved to the new worker: ${moved}"
echo "  steps run more than once: ${redone}"
echo "  partial outputs: ${partial}"
[[ "$finished" -eq "$builds" && "$partial" -eq 0 ]]
