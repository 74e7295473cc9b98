#!/usr/bin/env bash
# The separate-process call benchmark: oos_api::Client against the bare reqwest + serde floor,
# each in its own release process, against a fixed-answer server in a third.
#
#   bench/run-separate.sh [CALLS [RUNS]]          # default 5000 calls, 3 runs
#   bench/run-separate.sh profile [CALLS]         # perf profile of each side (default 20000)
#
# Per run, for 1 and 8 calls in flight, the floor and the client each make CALLS calls in a
# process of their own (the order alternates from run to run), timed by `/usr/bin/time`
# (whole process: start-up and client construction included, as an outside observer sees it)
# and by the process itself (getrusage around the timed loop only). A further process per side
# counts the heap allocations of 500 sequential calls. The server's CPU per call is read from
# /proc/PID/stat (10 ms ticks: a rough figure). Not run by CI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cd "$repo"
target=${CARGO_TARGET_DIR:-$repo/target}/release

mode=run
if [ "${1:-}" = profile ]; then
  mode=profile
  shift
fi
calls=${1:-5000}
[ "$mode" = profile ] && calls=${1:-20000}
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

server_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
tick_us=$(awk -v hz="$(getconf CLK_TCK)" 'BEGIN { print 1e6 / hz }')

results=$(mktemp)
for run in $(seq "$runs"); do
  for in_flight in 1 8; do
    if [ $((run % 2)) = 1 ]; then sides="floor client"; else sides="client floor"; fi
    for side in $sides; do
      ticks=$(server_ticks)
      out=$( { /usr/bin/time -f 'time=%U,%S,%e' "$target/${side}_calls" "$url" \
        --calls "$calls" --in-flight "$in_flight" --alloc-calls 0; } 2>&1)
      served=$(( $(server_ticks) - ticks ))
      line=$(grep '^side=' <<<"$out")
      time=$(grep '^time=' <<<"$out" | sed 's/time=//')
      # Calls the whole process made: one warm-up, the pool's other connections, the loop.
      made=$(( calls + 1 + (in_flight > 1 ? in_flight : 0) ))
      echo "run=$run $line time=$time made=$made server_ticks=$served load=$(cut -d' ' -f1 /proc/loadavg)" >>"$results"
    done
  done
done
for side in floor client; do
  line=$("$target/${side}_calls" "$url" --calls 0 --alloc-calls 500)
  echo "run=alloc $line" >>"$results"
done

awk -v tick_us="$tick_us" '
  function field(name,   i, kv) {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] }
    return ""
  }
  function median3(a, b, c) { return a + b + c - (a < b ? (a < c ? a : c) : (b < c ? b : c)) - (a > b ? (a > c ? a : c) : (b > c ? b : c)) }
  field("run") == "alloc" { allocs[field("side")] = field("allocs_per_call"); next }
  {
    run = field("run"); side = field("side"); k = field("in_flight")
    split(field("time"), t, ",")
    key = run SUBSEP k SUBSEP side
    rate[key] = field("calls_per_s"); loop[key] = field("cpu_us_per_call")
    whole[key] = field("cpu_total_ms") * 1e3 / field("made")
    outside[key] = (t[1] + t[2]) * 1e6 / field("made")
    served[key] = field("server_ticks") * tick_us / field("made")
    load[key] = field("load")
    runs[run] = 1; ks[k] = 1
  }
  END {
    printf "\nCPU per call in microseconds: loop = the timed loop (getrusage); process = the whole process\n"
    printf "(getrusage at exit, over every call it made); time = the same from /usr/bin/time (10 ms\n"
    printf "resolution); server = the server process (/proc, 10 ms ticks)\n"
    printf "%-4s %-3s %-6s %10s %8s %8s %8s %8s %6s\n", "run", "K", "side", "calls/s", "loop", "process", "time", "server", "load"
    n = 0
    for (r = 1; (r in runs); r++) {
      n = r
      for (k = 1; k <= 8; k += 7) for (s = 0; s < 2; s++) {
        side = s ? "client" : "floor"; key = r SUBSEP k SUBSEP side
        printf "%-4d %-3d %-6s %10.0f %8.1f %8.1f %8.1f %8.1f %6s\n", r, k, side, rate[key], loop[key], whole[key], outside[key], served[key], load[key]
      }
    }
    printf "\nclient / floor, per run (calls/s: above 1 is faster; CPU: above 1 is more)\n"
    printf "%-3s %-24s %-24s %-24s\n", "K", "calls/s", "loop CPU per call", "process CPU per call"
    for (k = 1; k <= 8; k += 7) {
      a = b = c = ""
      for (r = 1; r <= n; r++) {
        f = r SUBSEP k SUBSEP "floor"; c2 = r SUBSEP k SUBSEP "client"
        x[r] = rate[c2] / rate[f]; y[r] = loop[c2] / loop[f]; z[r] = whole[c2] / whole[f]
        a = a sprintf("%.3f ", x[r]); b = b sprintf("%.3f ", y[r]); c = c sprintf("%.3f ", z[r])
      }
      printf "%-3d %-24s %-24s %-24s\n", k, a, b, c
      if (n == 3) printf "    median %-17.3f median %-17.3f median %.3f\n", median3(x[1], x[2], x[3]), median3(y[1], y[2], y[3]), median3(z[1], z[2], z[3])
    }
    printf "\nheap allocations per call (500 sequential calls, client process only): floor %s, client %s, ratio %.3f\n", allocs["floor"], allocs["client"], allocs["client"] / allocs["floor"]
  }' "$results"
echo "# $(uptime | sed 's/.*load average: /load average /') after"
rm -f "$results"
