#!/usr/bin/env bash
# Times one JavaScript and one Python hook in their sandboxed child JVM, as the hook stage
# starts it: cold (GraalVM's language files not yet unpacked) and warm (unpacked, which is how a
# worker runs every hook after its first).
#   bench/hooks.sh            (needs cli/target/debforge.jar: mvn -DskipTests package; no root)
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$top/cli/target/debforge.jar"
[[ -f "$jar" ]] || { echo "no $jar; build it with: mvn -B -ntp -q -DskipTests package" >&2; exit 1; }
work="$(mktemp -d /var/tmp/debforge-bench-hooks.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/etc"

request() { # LANGUAGE SOURCE
  python3 - "$1" "$2" "$work/root" <<'PY'
import json, sys
language, source, root = sys.argv[1:]
print(json.dumps({"root": root, "arch": "amd64", "options": {
    "name": "bench", "at": "before-commit", "language": language, "source": source,
    "sourceName": "bench", "suite": "bookworm", "recipeJson": "{\"name\": \"bench\"}"}}))
PY
}

run() { # LABEL LANGUAGE HEAP SOURCE
  request "$2" "$4" > "$work/request.json"
  local start end
  start=$(date +%s.%N)
  java "-Xmx$3m" -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dpolyglot.engine.WarnInterpreterOnly=false -Dpolyglotimpl.AttachLibraryFailureAction=ignore \
    -Duser.home="$work/cache" -cp "$jar" dev.debforge.stage.hook.HookMain \
    "$work/request.json" "$work/result.json" > /dev/null
  end=$(date +%s.%N)
  printf '%-18s %6.1f s\n' "$1" "$(echo "$end - $start" | bc)"
}

js="api.write('/etc/motd', 'hello ' + api.arch + '\n', '0644');"
py="api.write('/etc/motd', 'hello ' + api.arch + '\n', '0644')"
run "javascript cold" javascript 256 "$js"
run "javascript warm" javascript 256 "$js"
run "python cold" python 512 "$py"
run "python warm" python 512 "$py"
