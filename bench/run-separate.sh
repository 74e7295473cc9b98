#!/usr/bin/env bash
# The separate-process call benchmark: oos_api::Client against the bare reqwest + serde floor,
# each in its own release process, against a fixed-answer server in a third.
#
#   bench/run-separate.sh [CALLS [RUNS]]          # default 5000 calls, 3 runs
#   bench/run-separate.sh profile [CALLS]         # perf profile of each side (default 20000)
#   bench/run-separate.sh callgrind [CALLS]       # instructions per function (default 2000;
#                                                 # ROWS=N rows per table, default 30 and 40)
#   BEFORE=DIR bench/run-separate.sh [CALLS [RUNS]]   # also DIR/client_calls, as "before"
#
# Per run, for 1 and 8 calls in flight, the floor and the client each make CALLS calls in a
# process of their own (the order rotates from run to run), timed by `/usr/bin/time`
# (whole process: start-up and client construction included, as an outside observer sees it)
# and by the process itself (getrusage around the timed loop only). A further process per side
# counts the heap allocations of 500 sequential calls. The server's CPU per call is read from
# /proc/PID/stat and the share of a core other processes used from /proc/stat, both in 10 ms
# ticks: rough figures, meaningless for runs shorter than a few tenths of a second. Before each
# process the script waits (up to QUIET_WAIT seconds, default 120) until the rest of the machine
# has used less than QUIET of a core (default 0.1) over one second, so that a run does not
# start in the middle of someone else's build; what others still used shows per row
# (QUIET_WAIT=0 skips the wait). The summary gives each ratio's spread over the runs (min,
# quartiles, max) and, with BEFORE, in how many runs the client used less CPU than "before":
# with many short runs, e.g. `QUIET_WAIT=0 bench/run-separate.sh 3000 100`, these are what
# can tell a change of a few percent from the machine's noise. Not run by CI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cd "$repo"
target=${CARGO_TARGET_DIR:-$repo/target}/release

mode=run
case ${1:-} in
  profile | callgrind) mode=$1; shift ;;
esac
calls=${1:-5000}
[ "$mode" = profile ] && calls=${1:-20000}
[ "$mode" = callgrind ] && calls=${1:-2000}
runs=${2:-3}

echo "# run-separate.sh $mode $(date -u +%FT%TZ), $(nproc) cores, $(rustc -V)"
echo "# $(uptime | sed 's/.*load average: /load average /') before the build"
cargo build -q --release -p oos-bench --bins

"$target/fixed_server" >"${TMPDIR:-/tmp}/oos-fixed-server.$$" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "${TMPDIR:-/tmp}/oos-fixed-server.$$"' EXIT
url=
for _ in $(seq 100); do
  url=$(head -n 1 "${TMPDIR:-/tmp}/oos-fixed-server.$$" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "the server did not start" >&2; exit 1; }
echo "# server $url (pid $server); $(uptime | sed 's/.*load average: /load average /')"

if [ "$mode" = profile ]; then
  # Sampled on the CPU clock (this VM has no hardware counters) at 20 kHz, so that a sample
  # is 50 us of CPU; symbols only, so that the release build is the one measured. Each
  # symbol's samples become microseconds per call, and the table is sorted by what the
  # client spends beyond the floor.
  hz=20000
  dir=$(mktemp -d)
  for side in floor client; do
    perf record -q -F "$hz" -e cpu-clock -o "$dir/$side.data" \
      "$target/${side}_calls" "$url" --calls "$calls" --alloc-calls 0 >"$dir/$side.out" 2>&1
    cat "$dir/$side.out"
    perf report -q -i "$dir/$side.data" --no-children --sort dso,sym -F sample,dso,sym \
      --stdio 2>/dev/null | sed -E 's/^ *([0-9]+) +([^ ]+) +\[.\] /\1\t\2\t/' >"$dir/$side.txt"
  done
  echo
  echo "## CPU per call by symbol (self time, us per call; $calls sequential calls per side)"
  awk -F '\t' -v us="$(awk -v hz="$hz" -v n="$calls" 'BEGIN { print 1e6 / hz / n }')" '
    FNR == 1 { side++ }
    NF >= 3 {
      object = ($2 ~ /_calls$/) ? "[program]" : $2
      key = object "\t" substr($3, 1, 100)
      cost[key, side] += $1 * us; keys[key] = 1; total[side] += $1 * us
      kernel[side] += ($2 ~ /kernel/) ? $1 * us : 0
    }
    END {
      printf "total: floor %.1f, client %.1f (+%.1f); of which kernel: floor %.1f, client %.1f\n", total[1], total[2], total[2] - total[1], kernel[1], kernel[2]
      printf "%8s %8s %8s  %-20s %s\n", "floor", "client", "extra", "object", "symbol"
      for (k in keys) printf "%8.2f %8.2f %8.2f  %s\n", cost[k, 1], cost[k, 2], cost[k, 2] - cost[k, 1], k | "sort -k3 -g -r | head -40"
    }' "$dir/floor.txt" "$dir/client.txt" | sed 's/\t/  /'
  rm -rf "$dir"
  exit 0
fi

if [ "$mode" = callgrind ]; then
  # Instructions per call, from the difference of a run of CALLS + 200 calls and one of 200
  # (start-up and the first connection cancel), on a current-thread runtime so that the
  # counts do not depend on how threads interleave. Valgrind hides SHA-NI from the program,
  # so sha2 runs its portable core here whatever the CPU has.
  dir=$(mktemp -d)
  for side in floor client; do
    for n in 200 $((calls + 200)); do
      valgrind -q --tool=callgrind --callgrind-out-file="$dir/$side.$n.out" \
        "$target/${side}_calls" "$url" --calls "$n" --alloc-calls 0 --threads 0 >/dev/null
      for kind in self inclusive; do
        callgrind_annotate --inclusive=$([ $kind = self ] && echo no || echo yes) \
          --threshold=100 "$dir/$side.$n.out" >"$dir/$side.$n.$kind" 2>/dev/null
      done
    done
  done
  python3 - "$dir" "$calls" <<'PY'
import os, re, sys
d, n = sys.argv[1], int(sys.argv[2])
def load(path):
    out = {}
    for line in open(path):
        m = re.match(r"\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*)$", line)
        if not m:
            continue
        name = re.sub(r"^(\?\?\?|\.?/[^:]*):", "", m.group(2))
        name = re.sub(r" \[[^\]]*/([^/\]]+)\]$", r" [\1]", name)
        name = re.sub(r"\[(client|floor)_calls\]", "[program]", name)
        out[name] = out.get(name, 0) + int(m.group(1).replace(",", ""))
    return out
for kind, rows, pattern in (
    ("self", int(os.environ.get("ROWS", 30)), None),
    ("inclusive", int(os.environ.get("ROWS", 40)), r"oos_api|sha2|hmac|hex::|percent|tracing|Timeout|HeaderMap|replace_headers|fmt::format|set_query"),
):
    per = {}
    for side in ("floor", "client"):
        a = load(f"{d}/{side}.{n + 200}.{kind}")
        b = load(f"{d}/{side}.200.{kind}")
        per[side] = {k: (a.get(k, 0) - b.get(k, 0)) / n for k in set(a) | set(b)}
    keys = set(per["floor"]) | set(per["client"])
    if pattern:
        keys = {k for k in keys if re.search(pattern, k)}
    order = sorted(keys, key=lambda k: per["client"].get(k, 0) - per["floor"].get(k, 0), reverse=True)
    print(f"\n## instructions per call, {kind} ({n} calls per side, difference of two runs)")
    print(f"{'floor':>9} {'client':>9} {'extra':>9}  function")
    for k in order[:rows]:
        f, c = per["floor"].get(k, 0), per["client"].get(k, 0)
        print(f"{f:9.0f} {c:9.0f} {c - f:9.0f}  {k[:140]}")
PY
  rm -rf "$dir"
  exit 0
fi

server_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
# Clock ticks the whole machine has been busy, from /proc/stat.
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
tick_us=$(awk -v hz="$(getconf CLK_TCK)" 'BEGIN { print 1e6 / hz }')

# Waits until the machine is quiet (see above); says so if it never was.
quiet() {
  local waited=0 a b
  # QUIET_WAIT=0: no check (many short runs, where a second's wait per process would
  # dominate; the rotating order and the number of runs carry the comparison instead).
  [ "${QUIET_WAIT:-120}" = 0 ] && return
  while [ "$waited" -lt "${QUIET_WAIT:-120}" ]; do
    a=$(busy_ticks)
    sleep 1
    b=$(busy_ticks)
    awk -v d=$((b - a)) -v hz="$(getconf CLK_TCK)" -v l="${QUIET:-0.1}" \
      'BEGIN { exit !(d / hz <= l) }' && return
    waited=$((waited + 1))
  done
  echo "# not quiet after ${QUIET_WAIT:-120} s ($(uptime | sed 's/.*load average: /load average /'))" >&2
}

# BEFORE=DIR adds a third side, "before": DIR's client_calls (another checkout's release
# build), so that a change is measured against the floor and the previous client in one run.
sides=(floor client)
[ -n "${BEFORE:-}" ] && sides+=(before)
program() {
  case $1 in
    before) echo "$BEFORE/client_calls" ;;
    *) echo "$target/$1_calls" ;;
  esac
}

results=$(mktemp)
for run in $(seq "$runs"); do
  for in_flight in 1 8; do
    # The order rotates from run to run, so that no side always goes first.
    order=()
    for i in "${!sides[@]}"; do order+=("${sides[$(( (i + run - 1) % ${#sides[@]} ))]}"); done
    for side in "${order[@]}"; do
      quiet
      ticks=$(server_ticks)
      busy=$(busy_ticks)
      out=$( { /usr/bin/time -f 'time=%U,%S,%e' "$(program "$side")" "$url" \
        --calls "$calls" --in-flight "$in_flight" --alloc-calls 0; } 2>&1 | sed "s/^side=[a-z]*/side=$side/")
      served=$(( $(server_ticks) - ticks ))
      busy=$(( $(busy_ticks) - busy ))
      line=$(grep '^side=' <<<"$out")
      time=$(grep '^time=' <<<"$out" | sed 's/time=//')
      # Calls the whole process made: one warm-up, the pool's other connections, the loop.
      made=$(( calls + 1 + (in_flight > 1 ? in_flight : 0) ))
      echo "run=$run $line time=$time made=$made server_ticks=$served busy_ticks=$busy" >>"$results"
    done
  done
done
for side in "${sides[@]}"; do
  line=$("$(program "$side")" "$url" --calls 0 --alloc-calls 500 | sed "s/^side=[a-z]*/side=$side/")
  echo "run=alloc $line" >>"$results"
done

awk -v tick_us="$tick_us" -v sides="${sides[*]}" '
  function field(name,   i, kv) {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
    return ""
  }
  function median(v, n) { return quantile(v, n, 0.5) }
  # The p-quantile of v[1..n], interpolated between the order statistics around it.
  function quantile(v, n, p,   i, j, t, w, h, lo) {
    for (i = 1; i <= n; i++) w[i] = v[i]
    for (i = 2; i <= n; i++) for (j = i; j > 1 && w[j - 1] > w[j]; j--) { t = w[j]; w[j] = w[j - 1]; w[j - 1] = t }
    h = (n - 1) * p + 1; lo = int(h)
    return lo >= n ? w[n] : w[lo] + (h - lo) * (w[lo + 1] - w[lo])
  }
  function spread(v, n) {
    return sprintf("min %.3f, quartiles %.3f %.3f %.3f, max %.3f", quantile(v, n, 0), quantile(v, n, 0.25), quantile(v, n, 0.5), quantile(v, n, 0.75), quantile(v, n, 1))
  }
  field("run") == "alloc" { allocs[field("side")] = field("allocs_per_call"); next }
  {
    run = field("run"); side = field("side"); k = field("in_flight")
    split(field("time"), t, ",")
    key = run SUBSEP k SUBSEP side
    rate[key] = field("calls_per_s"); loop[key] = field("cpu_us_per_call")
    whole[key] = field("cpu_total_ms") * 1e3 / field("made")
    outside[key] = (t[1] + t[2]) * 1e6 / field("made")
    served[key] = field("server_ticks") * tick_us / field("made")
    # The share of a core that other processes used meanwhile: busy time not spent by the
    # caller or the server, over the wall time of the caller process.
    others[key] = (field("busy_ticks") * tick_us / 1e6 - t[1] - t[2] - field("server_ticks") * tick_us / 1e6) / t[3]
    if (others[key] < 0) others[key] = 0
    runs[run] = 1; ks[k] = 1
  }
  END {
    printf "\nCPU per call in microseconds: loop = the timed loop (getrusage); process = the whole process\n"
    printf "(getrusage at exit, over every call it made); time = the same from /usr/bin/time (10 ms\n"
    printf "resolution); server = the server process (/proc, 10 ms ticks); others = the share of a\n"
    printf "core other processes on the machine used meanwhile (/proc/stat)\n"
    printf "%-4s %-3s %-6s %10s %8s %8s %8s %8s %7s\n", "run", "K", "side", "calls/s", "loop", "process", "time", "server", "others"
    ns = split(sides, side_list, " ")
    n = 0
    for (r = 1; (r in runs); r++) {
      n = r
      for (k = 1; k <= 8; k += 7) for (s = 1; s <= ns; s++) {
        side = side_list[s]; key = r SUBSEP k SUBSEP side
        printf "%-4d %-3d %-6s %10.0f %8.1f %8.1f %8.1f %8.1f %6.0f%%\n", r, k, side, rate[key], loop[key], whole[key], outside[key], served[key], 100 * others[key]
      }
    }
    w = 6 * n + 1
    for (s = 2; s <= ns; s++) {
      side = side_list[s]
      printf "\n%s / floor, per run (calls/s: above 1 is faster; CPU: above 1 is more)\n", side
      printf "%-3s %-" w "s %-" w "s %s\n", "K", "calls/s", "loop CPU per call", "process CPU per call"
      for (k = 1; k <= 8; k += 7) {
        a = b = c = ""
        for (r = 1; r <= n; r++) {
          f = r SUBSEP k SUBSEP "floor"; c2 = r SUBSEP k SUBSEP side
          x[r] = rate[c2] / rate[f]; y[r] = loop[c2] / loop[f]; z[r] = whole[c2] / whole[f]
          a = a sprintf("%.3f ", x[r]); b = b sprintf("%.3f ", y[r]); c = c sprintf("%.3f ", z[r])
        }
        printf "%-3d %-" w "s %-" w "s %s\n", k, a, b, c
        printf "    %-" w "s %-" w "s %s\n", sprintf("median %.3f", median(x, n)), sprintf("median %.3f", median(y, n)), sprintf("median %.3f", median(z, n))
        spreads[s, k] = sprintf("%s / floor, K=%d: calls/s %s\n%s / floor, K=%d: loop CPU %s\n", side, k, spread(x, n), side, k, spread(y, n), side, k)
      }
    }
    # Over many runs the quartiles say more than each run: a run on this kind of machine
    # moves by a tenth either way, whoever runs it.
    printf "\nthe per-run ratios over all %d runs\n", n
    for (s = 2; s <= ns; s++) for (k = 1; k <= 8; k += 7) printf "%s", spreads[s, k]
    if (ns == 3) {
      for (k = 1; k <= 8; k += 7) {
        less = 0
        for (r = 1; r <= n; r++) {
          v[r] = loop[r SUBSEP k SUBSEP "client"] / loop[r SUBSEP k SUBSEP "before"]
          less += v[r] < 1
        }
        printf "client / before, K=%d: loop CPU %s; the client used less in %d of %d runs\n", k, spread(v, n), less, n
      }
    }
    printf "\nheap allocations per call (500 sequential calls, caller process only): floor %s", allocs["floor"]
    for (s = 2; s <= ns; s++) printf ", %s %s (%.3f)", side_list[s], allocs[side_list[s]], allocs[side_list[s]] / allocs["floor"]
    printf "\n"
  }' "$results"
echo "# $(uptime | sed 's/.*load average: /load average /') after"
rm -f "$results"
