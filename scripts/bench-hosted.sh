#!/usr/bin/env bash
# Load test of the hosted verifier and the badge page. Builds laurel, sets
# up the demonstration institution in a temporary folder, issues its
# workshop badges, starts laurel serve on loopback with the verification
# rate limit off, and runs wrk from a second process against
# POST /api/v1/verify (one of our credentials, verified in full each time)
# and GET /credentials/{id} (the badge page with its cached verdict).
#
# Needs wrk (Debian package wrk); CI does not run this script.
# DURATION, THREADS, CONNECTIONS and PORT change the run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed; install the Debian package wrk and run again" >&2
  exit 1
fi
duration="${DURATION:-30s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"
port="${PORT:-18080}"

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/laurel" ./cmd/laurel
export LAUREL_DATA_DIR="$work/data"
export LAUREL_BASE_URL="http://127.0.0.1:$port"
export LAUREL_ADDR="127.0.0.1:$port"
export LAUREL_LOG_LEVEL=warn
export LAUREL_VERIFY_RATE_LIMIT=0

"$work/laurel" demo >"$work/demo.txt"
activity=$(sed -n 's/^Activity .*: \([0-9a-f-]\{36\}\)$/\1/p' "$work/demo.txt" | head -1)
attendance=$(sed -n "s/^  laurel award --activity [0-9a-f-]* --dry-run \([^ ]*\) .*/\1/p" "$work/demo.txt" | head -1)
"$work/laurel" award --activity "$activity" "$attendance" >"$work/award.txt"
credential=$(grep -o "http://127.0.0.1:$port/credentials/[0-9a-f-]\{36\}" "$work/award.txt" | head -1)
if [ -z "$credential" ]; then
  echo "no credential was issued:" >&2; cat "$work/award.txt" >&2; exit 1
fi

"$work/laurel" serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.2
done

jws=$(curl -fsS -H 'Accept: text/plain' "$credential")
printf '{"credential": "%s"}' "$jws" >"$work/body.json"
verdict=$(curl -fsS -H 'Content-Type: application/json' --data-binary @"$work/body.json" "http://127.0.0.1:$port/api/v1/verify" | grep -o '"verdict":"[a-z_]*"')
echo "credential: $credential ($verdict)"

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== POST /api/v1/verify"
wrk --latency -t "$threads" -c "$connections" -d "$duration" -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/verify"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== GET /credentials/{id} (HTML)"
wrk --latency -t "$threads" -c "$connections" -d "$duration" -H 'Accept: text/html' "$credential"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
