#!/usr/bin/env bash
# Paired comparison of two builds of the service (or of one build under two settings) on this machine.
#
# A shared 2-core machine drifts by ±25 % in throughput from one minute to the next, which hides a 10 % change between
# two separate runs of tests/load/run.sh. This script alternates the candidates round by round (A, B, A, B, ...), gives
# each a fresh process and a warm-up, then drives typical.json with wrk and reports, besides p50/p90/p99 and req/s, the
# service's own CPU time per request (utime + stime from /proc, over the measured run): the steadiest measure of cost.
#
# Usage:
#   tests/load/compare.sh 'label|<publish dir>|ENV=value ...' 'label|<publish dir>|...' [...]
# Example (this commit's publish against another's, and Server GC against the default):
#   tests/load/compare.sh "new|artifacts/load/publish/api|" "old|/tmp/old/api|" "servergc|artifacts/load/publish/api|DOTNET_gcServer=1"
# Publish a build with: dotnet publish src/BoneMets.Cds.Api -c Release --use-current-runtime --self-contained false \
#   -p:PublishReadyToRun=true -o <dir>.  The payloads come from artifacts/load/payloads (tests/load/run.sh writes them).
# Environment: ROUNDS=3  WARMUP=20s  DURATION=12s  CONNECTIONS=8  THREADS=2  PAYLOAD=typical  PORT=5190
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-20s}"
DURATION="${DURATION:-12s}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
PAYLOAD="${PAYLOAD:-typical}"
HOST=127.0.0.1
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
PORT="${PORT:-5190}"
while port_in_use "$PORT"; do PORT=$((PORT + 1)); done   # never measure a server left running by someone else
URL="http://$HOST:$PORT/cds-services/bone-metastasis-patient-view"
BODY="$ROOT/artifacts/load/payloads/$PAYLOAD.json"

(( $# >= 1 )) || { sed -n '2,20p' "$0" >&2; exit 2; }
[[ -s "$BODY" ]] || { echo "missing $BODY: run tests/load/run.sh once (QUICK=1 is enough) to write the payloads" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/bonemets-compare.XXXXXX")"
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = assert(io.open("$BODY", "rb")); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz="$(getconf CLK_TCK)"

printf '%-12s %8s %8s %8s %9s %14s\n' label p50 p90 p99 'req/s' 'CPU ms/request'
for ((round = 1; round <= ROUNDS; round++)); do
  for spec in "$@"; do
    IFS='|' read -r label dir envs <<<"$spec"
    [[ -f "$dir/BoneMets.Cds.Api.dll" ]] || { echo "no BoneMets.Cds.Api.dll in $dir" >&2; exit 1; }
    # shellcheck disable=SC2086 # envs is a list of NAME=value words
    env ASPNETCORE_URLS="http://$HOST:$PORT" ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development \
      Cds__EvaluationAsOf=2026-11-29T12:00:00Z Logging__LogLevel__Default=Warning Cds__RateLimit__PermitLimit=1000000000 \
      "Logging__LogLevel__BoneMets.Cds.Api.Security=Error" Cds__Feedback__DataDirectory="$WORK/data-$label" $envs \
      dotnet "$dir/BoneMets.Cds.Api.dll" >"$WORK/$label.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 600); do
      code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$BODY" "$URL" || true)"
      [[ "$code" == "200" ]] && break
      kill -0 "$PID" 2>/dev/null || { cat "$WORK/$label.log" >&2; exit 1; }
      sleep 0.05
    done
    [[ "$code" == "200" ]] || { echo "$label did not answer 200 (last: $code)" >&2; exit 1; }
    wrk -t2 -c8 -d"$WARMUP" -s "$WORK/post.lua" "$URL" >/dev/null
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/$label.log" >&2; echo "$label exited during the warm-up" >&2; exit 1; }
    before="$(ticks "$PID")"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post.lua" "$URL" >"$WORK/wrk.out"
    after="$(ticks "$PID")"
    grep -q 'Non-2xx' "$WORK/wrk.out" && { cat "$WORK/wrk.out" >&2; echo "$label: non-2xx responses" >&2; exit 1; }
    awk -v l="$label" -v cpu=$((after - before)) -v hz="$hz" '
      / 50%/ { p50 = $2 } / 90%/ { p90 = $2 } / 99%/ { p99 = $2 }
      /requests in/ { n = $1 } /Requests\/sec/ { r = $2 }
      END { printf "%-12s %8s %8s %8s %9s %14.3f\n", l, p50, p90, p99, r, cpu * 1000 / hz / n }' "$WORK/wrk.out"
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=""
  done
done
