#!/usr/bin/env bash
# Load test of the positive-ID service with a real HTTP load generator (oha) at a
# constant request rate (latency-corrected, so a stalled server cannot hide its queue):
#
#   1. trivial  GET  /healthz      — the framework floor, same process, same middleware
#   2. identify POST /v1/identify  — a matching demo band, local identity index, SQLite
#   3. pix      POST /v1/identify  — the same, with a loopback ITI-9 PIX Manager queried
#                                    for every request (answer cache off; PIX_POOL MLLP
#                                    connections, default 16: each carries one query at a
#                                    time, so the pool bounds the query rate)
#
# Each phase runs RATE requests/s for DURATION seconds against the release binary with
# the demo data (SQLite in a temporary directory). The server's resident memory is
# sampled every second, and its CPU time. Prints one table: requests, errors (anything
# but 2xx, and connection errors), latency percentiles, RSS at the start and end of the
# phase and its maximum, the server's CPU time per request (user + system), and the whole
# machine's busy and steal shares during the phase (steal: on a virtual machine, time its
# host gave to someone else); then the identify/trivial p99 ratio. On a virtual machine
# whose host is busy every figure moves; where no steal is reported, the trivial phase's
# CPU per request is the tell (on the development VM: about 20 µs quiet, 35-40 busy).
#
#   service/benches/load.sh                       # 5000 req/s, 60 s per phase
#   RATE=2000 DURATION=20 service/benches/load.sh # a shorter run
#   PHASES="trivial identify" service/benches/load.sh
#   KEEP=1 ...                                    # keep oha's JSON and the server logs
#   SERVE_ARGS="--config my.json" ...             # extra `bedside serve` arguments
#   BIN=/tmp/bedside-before ...                   # a prebuilt binary (A/B comparisons)
#
# Needs: oha (`cargo install oha --locked`), python3, ps. Traffic goes to 127.0.0.1 only.
# Not part of `cargo test`. The service's per-token rate limit is lifted for the run (one
# token sends every request); nothing else differs from `bedside serve`.
set -euo pipefail

RATE="${RATE:-5000}"
PIX_RATE="${PIX_RATE:-$RATE}"
DURATION="${DURATION:-60}"
CONNECTIONS="${CONNECTIONS:-32}"
WARMUP="${WARMUP:-5}"
PHASES="${PHASES:-trivial identify pix}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

if ! command -v oha >/dev/null 2>&1; then
    echo "load: oha not found; install it with: cargo install oha --locked" >&2
    exit 2
fi
oha_json=(--output-format json)
oha --help 2>/dev/null | grep -q -- '--output-format' || oha_json=(-j)

echo "load: building the release binary" >&2
cargo build --release --quiet -p bedside --bin bedside --example loopback_pix_manager
bin="${BIN:-$root/target/release/bedside}"
pixbin="$root/target/release/examples/loopback_pix_manager"

work="$(mktemp -d /tmp/bedside-load.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then
        echo "load: kept $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

token="$("$bin" demo list --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print([t["token"] for t in d["tokens"] if t["role"]=="nurse"][0])')"
"$bin" demo list --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"scan": d["patients"][0]["wristband_scan"]}))' >"$work/body.json"

server_pid=""
server_addr=""
# start_server NAME [serve args...]
start_server() {
    local name="$1"
    shift
    BEDSIDE_LOG="${BEDSIDE_LOG:-info}" "$bin" serve --listen 127.0.0.1:0 \
        --data-dir "$work/data-$name" --rate-limit 2000000000 ${SERVE_ARGS:-} "$@" \
        >"$work/serve-$name.out" 2>"$work/serve-$name.log" &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 200); do
        server_addr="$(sed -n 's|^bedside listening on http://||p' "$work/serve-$name.out" | head -1)"
        [ -n "$server_addr" ] && break
        sleep 0.1
    done
    if [ -z "$server_addr" ]; then
        echo "load: the service did not start:" >&2
        cat "$work/serve-$name.log" >&2
        exit 1
    fi
    # RSS (KiB) and CPU time (clock ticks, user + system) once a second while it runs.
    (
        while kill -0 "$server_pid" 2>/dev/null; do
            echo "$(date +%s) $(ps -o rss= -p "$server_pid" 2>/dev/null | tr -d ' ') $(awk '{print $14 + $15}' "/proc/$server_pid/stat" 2>/dev/null)"
            sleep 1
        done
    ) >"$work/rss-$name.txt" &
    pids+=("$!")
}

stop_server() {
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

# The machine's CPU time so far, as "busy,steal,total" clock ticks (/proc/stat): busy is
# everything but idle and I/O wait; steal is time a virtual machine's host ran something
# else while this machine wanted its CPUs.
cpu_ticks() {
    awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print t - $5 - $6 "," $9 "," t }' /proc/stat
}

# phase NAME RATE METHOD PATH [oha args...]
phase() {
    local name="$1" rate="$2" method="$3" path="$4"
    shift 4
    local url="http://$server_addr$path"
    if [ "$WARMUP" -gt 0 ]; then
        oha --no-tui -z "${WARMUP}s" -q "$rate" -c "$CONNECTIONS" -m "$method" "$@" "$url" >/dev/null 2>&1 || true
    fi
    local t0 cpu0
    t0="$(date +%s)"
    cpu0="$(cpu_ticks)"
    oha --no-tui "${oha_json[@]}" --latency-correction -w -z "${DURATION}s" -q "$rate" \
        -c "$CONNECTIONS" -m "$method" "$@" "$url" >"$work/oha-$name.json"
    echo "$name $rate $t0 $(date +%s) $cpu0 $(cpu_ticks)" >>"$work/phases.txt"
}

identify_args=(-H "Authorization: Bearer $token" -T application/json -D "$work/body.json")

echo "load: machine: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) CPUs); load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ " $PHASES " == *" trivial "* || " $PHASES " == *" identify "* ]]; then
    start_server local
    echo "load: service on $server_addr (local index, SQLite)" >&2
    if [[ " $PHASES " == *" trivial "* ]]; then
        echo "load: trivial: GET /healthz at $RATE/s for ${DURATION}s" >&2
        phase trivial "$RATE" GET /healthz
    fi
    if [[ " $PHASES " == *" identify "* ]]; then
        echo "load: identify: POST /v1/identify at $RATE/s for ${DURATION}s" >&2
        phase identify "$RATE" POST /v1/identify "${identify_args[@]}"
    fi
    stop_server
fi

if [[ " $PHASES " == *" pix "* ]]; then
    "$pixbin" >"$work/pix.out" 2>&1 &
    pids+=("$!")
    pix_port=""
    for _ in $(seq 1 100); do
        pix_port="$(sed -n 's/^PORT //p' "$work/pix.out" | head -1)"
        [ -n "$pix_port" ] && break
        sleep 0.1
    done
    [ -n "$pix_port" ] || { echo "load: the PIX manager did not start" >&2; exit 1; }
    # Every identification asks the manager (no answer cache), over PIX_POOL connections.
    echo "{\"pix\": {\"exchange\": \"mllp://127.0.0.1:$pix_port\", \"cache_ttl_seconds\": 0, \"pool_size\": ${PIX_POOL:-16}}}" >"$work/pix.json"
    start_server pix --config "$work/pix.json"
    echo "load: service on $server_addr with a loopback PIX Manager on :$pix_port (no answer cache)" >&2
    echo "load: pix: POST /v1/identify at $PIX_RATE/s for ${DURATION}s" >&2
    phase pix "$PIX_RATE" POST /v1/identify "${identify_args[@]}"
    stop_server
fi

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$load_before" "$load_after" <<'EOF'
import json, os, sys

work, before, after = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for line in open(os.path.join(work, "phases.txt")):
    name, rate, t0, t1, c0, c1 = line.split()
    (b0, s0, n0), (b1, s1, n1) = ([int(x) for x in c.split(",")] for c in (c0, c1))
    busy, steal = (100 * (b1 - b0) / max(n1 - n0, 1), 100 * (s1 - s0) / max(n1 - n0, 1))
    d = json.load(open(os.path.join(work, f"oha-{name}.json")))
    codes = {str(k): v for k, v in (d.get("statusCodeDistribution") or {}).items()}
    ok = sum(v for k, v in codes.items() if k.startswith("2"))
    errs = sum(v for k, v in codes.items() if not k.startswith("2"))
    errs += sum((d.get("errorDistribution") or {}).values())
    pct = d.get("latencyPercentiles") or {}
    ms = lambda k: 1000 * float(pct.get(k) or 0)
    server = "pix" if name == "pix" else "local"
    rss, cpu = [], []
    for l in open(os.path.join(work, f"rss-{server}.txt")):
        parts = l.split()
        if len(parts) == 3 and parts[1].isdigit() and int(t0) <= int(parts[0]) <= int(t1):
            rss.append(int(parts[1]))
            cpu.append((int(parts[0]), int(parts[2])))
    tick = os.sysconf("SC_CLK_TCK")
    cpu_us = 0.0
    if len(cpu) >= 2 and cpu[-1][0] > cpu[0][0]:
        cpu_us = (cpu[-1][1] - cpu[0][1]) / tick * 1e6 / ((cpu[-1][0] - cpu[0][0]) * int(rate))
    rows.append((name, int(rate), ok + errs, errs, float(d["summary"].get("requestsPerSec") or 0),
                 ms("p50"), ms("p90"), ms("p99"), ms("p99.9"), 1000 * float(d["summary"].get("slowest") or 0),
                 rss[0] // 1024 if rss else 0, rss[-1] // 1024 if rss else 0, max(rss) // 1024 if rss else 0, cpu_us,
                 busy, steal))
print(f"load average before {before}, after {after}")
print(f"{'phase':<9} {'rate/s':>7} {'requests':>9} {'errors':>6} {'done/s':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'p99.9 ms':>8} {'max ms':>8} {'RSS start':>9} {'RSS end':>8} {'RSS max':>8} {'CPU µs/req':>10} {'busy %':>6} {'steal %':>7}")
for r in rows:
    print(f"{r[0]:<9} {r[1]:>7} {r[2]:>9} {r[3]:>6} {r[4]:>8.0f} {r[5]:>7.2f} {r[6]:>7.2f} {r[7]:>7.2f} {r[8]:>8.2f} {r[9]:>8.1f} {r[10]:>6} MiB {r[11]:>4} MiB {r[12]:>4} MiB {r[13]:>10.0f} {r[14]:>6.0f} {r[15]:>7.1f}")
by = {r[0]: r for r in rows}
for name in by:
    d = json.load(open(os.path.join(work, f"oha-{name}.json")))
    codes = {k: v for k, v in (d.get("statusCodeDistribution") or {}).items() if not str(k).startswith("2")}
    errors = d.get("errorDistribution") or {}
    if codes or errors:
        print(f"{name}: non-2xx {codes} errors {errors}")
if "trivial" in by and "identify" in by and by["trivial"][7] > 0:
    print(f"identify / trivial p99: {by['identify'][7] / by['trivial'][7]:.1f}x")
EOF
