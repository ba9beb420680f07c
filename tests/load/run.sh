#!/usr/bin/env bash
# Load test for BoneMets.Cds (issue 6, items 2 and 3).
#
# Publishes the service (src/BoneMets.Cds.Api) and the floor (tests/BoneMets.Cds.Floor: read body -> JsonDocument ->
# constant {"cards":[]}) in Release, writes the small/typical/large payloads, then on loopback only:
#   1. time from process start to first answered hook (POST small.json every ~10 ms), service and floor;
#   2. wrk at 1, 8 and 64 connections for each payload, against the service and then the floor: p50, p99, requests/s;
#      our p50 as a ratio to the floor's;
#   3. steady-state memory: 100,000 POSTs of typical.json at 8 connections, service RSS at 0/25k/50k/75k/100k.
# Any non-2xx response, socket error or start-up failure fails the script. Results are printed as Markdown and
# written to artifacts/load/results-<timestamp>.md.
#
# Usage (from anywhere):  tests/load/run.sh
# Environment:
#   DURATION=10s       length of each measured wrk run (wrk syntax: 10s, 1m)
#   WARMUP=5s          warm-up run per payload (c=8) after start-up, before the measured runs; the JIT needs several
#                      seconds of load to reach steady state on 2 cores
#   QUICK=1            smoke test: DURATION=2s, WARMUP=2s, 10,000-request memory run
#   MEMORY_REQUESTS    requests in the memory run (default 100000; QUICK 10000)
#   SERVICE_PORT=5180 FLOOR_PORT=5181   first port tried for each (the next free one is used)
#   ARTIFACTS=<dir>    output directory (default <repo>/artifacts/load)
#   SKIP_PUBLISH=1     reuse the previous publish output (faster re-runs while iterating)
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

QUICK="${QUICK:-0}"
if [[ "$QUICK" == "1" ]]; then
  DURATION="${DURATION:-2s}"
  WARMUP="${WARMUP:-2s}"
  MEMORY_REQUESTS="${MEMORY_REQUESTS:-10000}"
else
  DURATION="${DURATION:-10s}"
  WARMUP="${WARMUP:-5s}"
  MEMORY_REQUESTS="${MEMORY_REQUESTS:-100000}"
fi
CONCURRENCY=(1 8 64)
SIZES=(small typical large)
HOST=127.0.0.1
SERVICE_ID=bone-metastasis-patient-view
EVALUATION_AS_OF=2026-11-29T12:00:00Z
STARTUP_TIMEOUT_S=60
WRK_TIMEOUT=10s
MEMORY_SEGMENT_MAX=300s   # upper bound on each quarter of the memory run

ARTIFACTS="${ARTIFACTS:-$ROOT/artifacts/load}"
PUBLISH="$ARTIFACTS/publish"
PAYLOADS="$ARTIFACTS/payloads"
LOGS="$ARTIFACTS/logs"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bonemets-load.XXXXXX")"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$ARTIFACTS/results-$STAMP.md"
REPORT="$WORK/report.md"

# ---------------------------------------------------------------------------------------------------------------------
# Processes we start, and cleanup.
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n "${WRK_PID:-}" ]] && kill -0 "$WRK_PID" 2>/dev/null; then
    kill "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'printf "\nFAILED: line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

now_ns() { date +%s%N; }

# ---------------------------------------------------------------------------------------------------------------------
# Tools.
ensure_wrk() {
  if command -v wrk >/dev/null 2>&1; then return; fi
  log "Installing wrk (Debian package)"
  local sudo=""
  if [[ "$(id -u)" != "0" ]]; then
    command -v sudo >/dev/null 2>&1 || die "wrk is missing and this is not root (no sudo): apt-get install -y wrk"
    sudo="sudo"
  fi
  if ! apt-cache policy wrk 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    $sudo apt-get update
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y wrk
  command -v wrk >/dev/null 2>&1 || die "wrk did not install"
}

for tool in dotnet curl ps awk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done
ensure_wrk

mkdir -p "$ARTIFACTS" "$PUBLISH" "$PAYLOADS" "$LOGS"

# ---------------------------------------------------------------------------------------------------------------------
# Build.
if [[ "${SKIP_PUBLISH:-0}" == "1" && -f "$PUBLISH/api/BoneMets.Cds.Api.dll" && -f "$PUBLISH/floor/BoneMets.Cds.Floor.dll" ]]; then
  log "Reusing $PUBLISH (SKIP_PUBLISH=1)"
else
  log "Publishing the service and the floor (Release)"
  rm -rf "$PUBLISH/api" "$PUBLISH/floor"
  # ReadyToRun (precompiled native code for this machine's runtime, still JIT-tiered when hot): start-up 1.5 -> 0.85 s.
  # The floor is published the same way so that the ratio compares like with like.
  dotnet publish src/BoneMets.Cds.Api/BoneMets.Cds.Api.csproj -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o "$PUBLISH/api" --nologo -v quiet \
    >"$LOGS/publish-api.log" 2>&1 || { cat "$LOGS/publish-api.log" >&2; die "dotnet publish of the service failed"; }
  dotnet publish tests/BoneMets.Cds.Floor/BoneMets.Cds.Floor.csproj -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o "$PUBLISH/floor" --nologo -v quiet \
    >"$LOGS/publish-floor.log" 2>&1 || { cat "$LOGS/publish-floor.log" >&2; die "dotnet publish of the floor failed"; }
fi

log "Writing payloads (tests/BoneMets.Cds.Benchmarks --write-payloads)"
[[ -d tests/BoneMets.Cds.Benchmarks ]] || die "tests/BoneMets.Cds.Benchmarks is missing: it writes the payloads"
rm -f "$PAYLOADS"/*.json
dotnet run -c Release --project tests/BoneMets.Cds.Benchmarks -- --write-payloads "$PAYLOADS" \
  >"$LOGS/payloads.log" 2>&1 || { cat "$LOGS/payloads.log" >&2; die "writing the payloads failed"; }
for size in "${SIZES[@]}"; do
  [[ -s "$PAYLOADS/$size.json" ]] || die "payload $PAYLOADS/$size.json was not written"
done

# ---------------------------------------------------------------------------------------------------------------------
# wrk scripts.
POST_LUA="$WORK/post.lua"
cat >"$POST_LUA" <<'LUA'
-- POST the file named by the first script argument; count non-2xx. wrk has no -n: with a second argument N > 0 each
-- thread stops after N responses and drops a marker file in the directory named by the third argument, and run.sh
-- sends wrk SIGINT once every thread has (wrk's main thread would otherwise sleep out the whole -d).
-- Prints one LOADRESULT line for run.sh to parse.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
  limit = tonumber(args[2] or "0") or 0
  marker_dir = args[3]
  responses = 0
  non2xx = 0
  first_bad = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == 0 then first_bad = status end
  end
  if limit > 0 and responses == limit then
    local m = assert(io.open(marker_dir .. "/done-" .. thread_no, "w"))
    m:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    local fb = t:get("first_bad")
    if first == 0 and fb ~= 0 then first = fb end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "LOADRESULT requests=%d seconds=%.3f rps=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f non2xx=%d first_bad=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    latency.max, bad, first, socket))
end
LUA

# wrk_run <url> <file> <connections> <duration> [per-thread response limit]: sets WRK_RESULT to the LOADRESULT line.
# (No command substitution: wrk stays a child of this shell, so the trap can stop it.)
# With a limit, wrk runs in the background and is interrupted (SIGINT: it then prints its summary) once every thread
# has answered its share; <duration> is then only the upper bound.
WRK_PID=""
WRK_RESULT=""
wrk_run() {
  local url="$1" file="$2" conns="$3" duration="$4" limit="${5:-0}"
  local threads=2
  [[ "$conns" == "1" ]] && threads=1
  local out="$WORK/wrk.out" markers="$WORK/markers" rc=0
  rm -rf "$markers" && mkdir -p "$markers"
  wrk -t "$threads" -c "$conns" -d "$duration" --timeout "$WRK_TIMEOUT" -s "$POST_LUA" "$url" -- "$file" "$limit" "$markers" \
    >"$out" 2>&1 &
  WRK_PID=$!
  if [[ "$limit" != "0" ]]; then
    while kill -0 "$WRK_PID" 2>/dev/null; do
      if (( $(find "$markers" -name 'done-*' | wc -l) >= threads )); then
        kill -INT "$WRK_PID" 2>/dev/null || true
        break
      fi
      sleep 0.05
    done
  fi
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  [[ "$rc" == "0" ]] || { cat "$out" >&2; die "wrk failed (exit $rc) against $url"; }
  local line
  line="$(grep '^LOADRESULT ' "$out" || true)"
  [[ -n "$line" ]] || { cat "$out" >&2; die "wrk printed no result against $url"; }
  local non2xx socket first
  non2xx="$(field "$line" non2xx)"; socket="$(field "$line" socket_errors)"; first="$(field "$line" first_bad)"
  if [[ "$non2xx" != "0" || "$socket" != "0" ]]; then
    cat "$out" >&2
    die "$url with $(basename "$file") at c=$conns: $non2xx non-2xx responses (first status $first), $socket socket errors"
  fi
  WRK_RESULT="$line"
}

# field <LOADRESULT line> <name>
field() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# ---------------------------------------------------------------------------------------------------------------------
# Servers.
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
pick_port() {
  local p="$1"
  while port_in_use "$p"; do p=$((p + 1)); done
  printf '%s\n' "$p"
}

rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# start_server <name> <dll> <port>: starts it, sets SERVER_PID and STARTUP_MS (process start -> first 200 to small.json).
start_server() {
  local name="$1" dll="$2" port="$3"
  local url="http://$HOST:$port/cds-services/$SERVICE_ID"
  local started
  started="$(now_ns)"
  ASPNETCORE_URLS="http://$HOST:$port" \
  ASPNETCORE_ENVIRONMENT=Development \
  DOTNET_ENVIRONMENT=Development \
  Cds__EvaluationAsOf="$EVALUATION_AS_OF" \
  Logging__LogLevel__Default=Warning \
  Cds__RateLimit__PermitLimit=1000000000 \
    env "Logging__LogLevel__BoneMets.Cds.Api.Security=Error" \
    dotnet "$dll" >"$LOGS/$name.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((started + STARTUP_TIMEOUT_S * 1000000000)) code
  while true; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Content-Type: application/json' \
      --data-binary "@$PAYLOADS/small.json" "$url" 2>/dev/null || true)"
    if [[ "$code" == "200" ]]; then
      STARTUP_MS=$(( ($(now_ns) - started) / 1000000 ))
      return
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$LOGS/$name.log" >&2
      die "$name exited during start-up"
    fi
    if [[ "$code" != "000" ]]; then
      curl -s -H 'Content-Type: application/json' --data-binary "@$PAYLOADS/small.json" "$url" >&2 || true
      die "$name answered HTTP $code to small.json during start-up"
    fi
    if (( $(now_ns) > deadline )); then
      tail -n 50 "$LOGS/$name.log" >&2
      die "$name did not answer within ${STARTUP_TIMEOUT_S}s"
    fi
    sleep 0.01
  done
}

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

# Results: RES[<target>.<size>.<c>] = LOADRESULT line.
declare -A RES=()
declare -A STARTUP=()
declare -A CARDS=()
declare -A RSS_AFTER=()
MEMORY_ROWS=()

# measure <target> <port>
measure() {
  local target="$1" port="$2"
  local url="http://$HOST:$port/cds-services/$SERVICE_ID"
  for size in "${SIZES[@]}"; do
    local file="$PAYLOADS/$size.json"
    # One checked request: HTTP 200 and a JSON body with a cards array (cards counted by their required indicator).
    local body code
    body="$WORK/$target-$size.response.json"
    code="$(curl -s -o "$body" -w '%{http_code}' --max-time 30 -H 'Content-Type: application/json' --data-binary "@$file" "$url")"
    [[ "$code" == "200" ]] || { cat "$body" >&2; die "$target answered HTTP $code to $size.json"; }
    grep -q '"cards"' "$body" || { cat "$body" >&2; die "$target answered $size.json without a cards array"; }
    CARDS["$target.$size"]="$({ grep -o '"indicator"' "$body" || true; } | wc -l | tr -d ' ')"
  done
  for size in "${SIZES[@]}"; do
    log "$target / $size: warm-up $WARMUP at c=8"
    wrk_run "$url" "$PAYLOADS/$size.json" 8 "$WARMUP"
  done
  for size in "${SIZES[@]}"; do
    local file="$PAYLOADS/$size.json"

    for c in "${CONCURRENCY[@]}"; do
      log "$target / $size: c=$c for $DURATION"
      wrk_run "$url" "$file" "$c" "$DURATION"
      RES["$target.$size.$c"]="$WRK_RESULT"
      printf '    p50 %s ms, p99 %s ms, %s req/s\n' \
        "$(ms "$(field "${RES[$target.$size.$c]}" p50_us)")" "$(ms "$(field "${RES[$target.$size.$c]}" p99_us)")" \
        "$(field "${RES[$target.$size.$c]}" rps)" >&2
    done
  done
  RSS_AFTER["$target"]="$(rss_kb "$SERVER_PID")"
}

# memory_run <port>: MEMORY_REQUESTS POSTs of typical.json at c=8 in four quarters, RSS sampled between them.
memory_run() {
  local port="$1"
  local url="http://$HOST:$port/cds-services/$SERVICE_ID"
  local quarter=$((MEMORY_REQUESTS / 4)) threads=2
  local per_thread=$(( (quarter + threads - 1) / threads ))
  local total=0
  MEMORY_ROWS+=("| 0 | $(rss_kb "$SERVER_PID") | $(status_kb "$SERVER_PID" RssAnon) | $(status_kb "$SERVER_PID" VmHWM) |")
  for q in 1 2 3 4; do
    log "memory: quarter $q/4 ($quarter requests of typical.json at c=8)"
    wrk_run "$url" "$PAYLOADS/typical.json" 8 "$MEMORY_SEGMENT_MAX" "$per_thread"
    total=$((total + $(field "$WRK_RESULT" requests)))
    MEMORY_ROWS+=("| $total | $(rss_kb "$SERVER_PID") | $(status_kb "$SERVER_PID" RssAnon) | $(status_kb "$SERVER_PID" VmHWM) |")
  done
  MEMORY_TOTAL="$total"
}

# ---------------------------------------------------------------------------------------------------------------------
# Run: the service first (its runs, then its memory run), then the floor. One server at a time.
SERVICE_PORT="$(pick_port "${SERVICE_PORT:-5180}")"
log "Starting the service on $HOST:$SERVICE_PORT"
start_server service "$PUBLISH/api/BoneMets.Cds.Api.dll" "$SERVICE_PORT"
STARTUP[service]="$STARTUP_MS"
printf '    first answered hook after %s ms\n' "$STARTUP_MS" >&2
measure service "$SERVICE_PORT"
memory_run "$SERVICE_PORT"
stop_server

FLOOR_PORT="$(pick_port "${FLOOR_PORT:-5181}")"
log "Starting the floor on $HOST:$FLOOR_PORT"
start_server floor "$PUBLISH/floor/BoneMets.Cds.Floor.dll" "$FLOOR_PORT"
STARTUP[floor]="$STARTUP_MS"
printf '    first answered hook after %s ms\n' "$STARTUP_MS" >&2
measure floor "$FLOOR_PORT"
stop_server

# ---------------------------------------------------------------------------------------------------------------------
# Report.
cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (working tree has uncommitted changes)' || true)"
runtime="$(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.AspNetCore.App/ { v = $2 } END { print v }')"
bytes() { wc -c <"$1" | tr -d ' '; }
kb_mb() { awk -v kb="$1" 'BEGIN { if (kb ~ /^[0-9]+$/) printf "%.1f", kb / 1024; else print kb }'; }

{
  echo "# BoneMets.Cds load test, $STAMP"
  echo
  echo "- Machine: $(nproc) CPUs, $cpu; $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(uname -sr)"
  echo "- .NET: SDK $(dotnet --version), ASP.NET Core runtime $runtime; $({ wrk -v 2>&1 || true; } | head -n 1 | awk '{ print $1, $2 }')"
  echo "- Commit: $commit$dirty"
  echo "- Command: \`QUICK=$QUICK DURATION=$DURATION WARMUP=$WARMUP MEMORY_REQUESTS=$MEMORY_REQUESTS tests/load/run.sh\`"
  echo "- Service: Release, \`ASPNETCORE_ENVIRONMENT=Development\`, \`Cds__EvaluationAsOf=$EVALUATION_AS_OF\`, log level Warning, $HOST only."
  echo "  wrk: 1 thread at c=1, 2 threads otherwise; $WARMUP warm-up per payload at c=8; each row $DURATION."
  echo
  echo "## Payloads"
  echo
  echo "| payload | resources | bytes | cards (service) |"
  echo "|---|---:|---:|---:|"
  for size in "${SIZES[@]}"; do
    resources="$(awk -v n="$size:" '$1 == n { print $2 }' "$LOGS/payloads.log")"
    echo "| $size | ${resources:-?} | $(bytes "$PAYLOADS/$size.json") | ${CARDS[service.$size]} |"
  done
  echo
  echo "## Start-up: process start to first answered hook (small.json)"
  echo
  echo "| target | ms |"
  echo "|---|---:|"
  echo "| service | ${STARTUP[service]} |"
  echo "| floor | ${STARTUP[floor]} |"
  echo
  echo "## Latency and throughput"
  echo
  echo "| payload | c | service p50 ms | service p99 ms | service req/s | floor p50 ms | floor p99 ms | floor req/s | p50 ratio (service/floor) | req/s ratio (service/floor) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for size in "${SIZES[@]}"; do
    for c in "${CONCURRENCY[@]}"; do
      s="${RES[service.$size.$c]}"; f="${RES[floor.$size.$c]}"
      echo "| $size | $c | $(ms "$(field "$s" p50_us)") | $(ms "$(field "$s" p99_us)") | $(field "$s" rps) | $(ms "$(field "$f" p50_us)") | $(ms "$(field "$f" p99_us)") | $(field "$f" rps) | $(ratio "$(field "$s" p50_us)" "$(field "$f" p50_us)") | $(ratio "$(field "$s" rps)" "$(field "$f" rps)") |"
    done
  done
  echo
  echo "## Steady-state memory: service, typical.json at c=8"
  echo
  echo "Sampled with the service idle between four runs of ~$((MEMORY_REQUESTS / 4)) requests (wrk stops each thread after its share; $MEMORY_TOTAL answered in all)."
  echo
  echo "| requests answered | RSS KiB | RssAnon KiB | peak RSS (VmHWM) KiB |"
  echo "|---:|---:|---:|---:|"
  printf '%s\n' "${MEMORY_ROWS[@]}"
  echo
  echo "RSS after the latency runs: service $(kb_mb "${RSS_AFTER[service]}") MiB, floor $(kb_mb "${RSS_AFTER[floor]}") MiB."
  echo
  echo "## Issue 6 targets (informational; only errors fail this script)"
  echo
  t1="$(field "${RES[service.typical.1]}" p50_us)"; f1="$(field "${RES[floor.typical.1]}" p50_us)"
  t8="$(field "${RES[service.typical.8]}" p99_us)"; t64="$(field "${RES[service.typical.64]}" rps)"
  l1="$(field "${RES[service.large.1]}" p50_us)"
  rss_first="$(printf '%s\n' "${MEMORY_ROWS[1]}" | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')"
  rss_last="$(printf '%s\n' "${MEMORY_ROWS[4]}" | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')"
  check() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v <= lim) ? "met" : "NOT met" }'; }
  echo "| target | measured | |"
  echo "|---|---:|---|"
  echo "| typical p50, c=1 ≤ 2 ms | $(ms "$t1") ms | $(check "$t1" 2000) |"
  echo "| typical p50, c=1 ≤ 3× floor | $(ratio "$t1" "$f1")× | $(check "$(ratio "$t1" "$f1")" 3) |"
  echo "| typical p99, c=8 ≤ 10 ms | $(ms "$t8") ms | $(check "$t8" 10000) |"
  echo "| typical ≥ 1,000 req/s at c=64 | $t64 | $(awk -v v="$t64" 'BEGIN { print (v >= 1000) ? "met" : "NOT met" }') |"
  echo "| large p50, c=1 ≤ 20 ms | $(ms "$l1") ms | $(check "$l1" 20000) |"
  echo "| start-up to first hook ≤ 1.5 s | ${STARTUP[service]} ms | $(check "${STARTUP[service]}" 1500) |"
  echo "| RSS growth after the first quarter of the memory run | $(kb_mb "$((rss_last - rss_first))") MiB ($(awk -v a="$rss_first" -v b="$rss_last" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')) | see series |"
} >"$REPORT"

cp "$REPORT" "$RESULTS"
echo
cat "$REPORT"
echo
echo "Written to ${RESULTS#"$ROOT"/}"
