#!/usr/bin/env bash
# Compile-time and binary-size baseline: oos-api next to aws-sdk-ssm, on this machine.
#
#   bench/compile-time.sh SCRATCH_DIR [STEP...]
#
# Not run by CI (it downloads aws-sdk-ssm and its dependencies and takes a quarter of an hour
# or more on 2 cores). Everything it builds lives under SCRATCH_DIR, outside the repository:
#
#   SCRATCH_DIR/ssm-bin          a binary calling SSM GetParameter once (aws-sdk-ssm, no
#                                aws-config)
#   SCRATCH_DIR/ssm-config-bin   the same as most users write it: aws-config and aws-sdk-ssm
#                                with their default features, `aws_config::load_defaults`
#                                (built in release only, for its size)
#   SCRATCH_DIR/oos-bin          a binary calling OOS ListExecutionLogs once (oos-api of this
#                                checkout)
#
# Each gets its own target directory, so the repository's target/ is not touched. Steps
# (all by default, in this order):
#
#   setup          write the two crates (kept if they exist) and build all their dependencies,
#                  debug and release, so that the measurements below time one crate alone
#   debug          `cargo clean -p CRATE; cargo build -p CRATE` (debug), timed, both crates
#   release        the same in release
#   size           release binaries: unstripped and stripped sizes
#   serialize      oos-api's debug build alone without and with a `serde-serialize` feature
#                  (Serialize on the answer-only types), alternately, ROUNDS times (default
#                  3); needs SERIALIZE_OOS_API_DIR, an oos-api that has that feature
#
# Every figure is printed with the load average of the moment (`uptime`) and the CPU time other
# processes used while it was measured (from /proc/stat): on a machine shared with other
# builds, rerun a step where that was high, and compare user CPU, which varies least. Before each timed build the script
# waits (up to 5 minutes) for the 1-minute load average to fall to WAIT_LOAD (default 0.5), so
# that the previous build's decaying average is not mistaken for someone else's work.
# OOS_API_DIR overrides the oos-api checkout measured (default: the one this script is in);
# JOBS the -j of the timed builds (default: the number of cores).
set -euo pipefail

scratch=${1:?usage: $0 SCRATCH_DIR [setup|debug|release|size]...}
shift
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(setup debug release size)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
oos_api_dir=${OOS_API_DIR:-$repo/oos-api}
jobs=${JOBS:-$(nproc)}
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)

load() { uptime | sed 's/.*load average: /load /'; }

# CPU seconds the whole machine has been busy, from /proc/stat.
busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }

settle() {
  local limit=${WAIT_LOAD:-0.5}
  for _ in $(seq 60); do
    awk -v l="$limit" '{ exit !($1 <= l) }' /proc/loadavg && return
    sleep 5
  done
}

# The operations of a crate: SSM's are its fluent builders' modules, oos-api's its generated
# operation modules.
operations() {
  case $1 in
    ssm) find "$(ssm_src)/src/operation" -mindepth 1 -maxdepth 1 -type d | wc -l ;;
    oos) find "$oos_api_dir/src/generated/operation" -name '*.rs' ! -name mod.rs | wc -l ;;
  esac
}

ssm_src() {
  (cd "$scratch/ssm-bin" && cargo metadata --format-version 1 2>/dev/null) |
    python3 -c 'import json,sys,os; m=json.load(sys.stdin); print(next(os.path.dirname(p["manifest_path"]) for p in m["packages"] if p["name"]=="aws-sdk-ssm"))'
}

setup() {
  mkdir -p "$scratch/ssm-bin/src" "$scratch/oos-bin/src"
  if [ ! -f "$scratch/ssm-bin/Cargo.toml" ]; then
    cat >"$scratch/ssm-bin/Cargo.toml" <<'EOF'
[package]
name = "ssm-bin"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
# The smallest set that builds a working client: the default HTTPS client (hyper 1 + rustls
# with aws-lc-rs, as oos-api's reqwest) and the tokio runtime; no legacy rustls stack.
aws-sdk-ssm = { version = "1", default-features = false, features = ["default-https-client", "rt-tokio"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[workspace]
EOF
    cat >"$scratch/ssm-bin/src/main.rs" <<'EOF'
//! Calls SSM GetParameter once, against the endpoint given as the first argument.
use aws_sdk_ssm::config::{BehaviorVersion, Credentials, Region};

#[tokio::main]
async fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9".to_owned());
    let config = aws_sdk_ssm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "static"))
        .endpoint_url(endpoint)
        .build();
    let client = aws_sdk_ssm::Client::from_conf(config);
    match client.get_parameter().name("/bench/parameter").send().await {
        Ok(output) => println!("{:?}", output.parameter().and_then(|p| p.value())),
        Err(error) => eprintln!("GetParameter failed: {error}"),
    }
}
EOF
  fi
  mkdir -p "$scratch/ssm-config-bin/src"
  if [ ! -f "$scratch/ssm-config-bin/Cargo.toml" ]; then
    cat >"$scratch/ssm-config-bin/Cargo.toml" <<'EOF'
[package]
name = "ssm-config-bin"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
# As the SDK's guide has it: both crates with their default features.
aws-config = "1"
aws-sdk-ssm = "1"
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[workspace]
EOF
    cat >"$scratch/ssm-config-bin/src/main.rs" <<'EOF'
//! Calls SSM GetParameter once, configured from the environment by aws-config.
use aws_config::BehaviorVersion;

#[tokio::main]
async fn main() {
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let client = aws_sdk_ssm::Client::new(&config);
    match client.get_parameter().name("/bench/parameter").send().await {
        Ok(output) => println!("{:?}", output.parameter().and_then(|p| p.value())),
        Err(error) => eprintln!("GetParameter failed: {error}"),
    }
}
EOF
  fi
  # Written afresh when missing or set up from another checkout of the repository.
  if ! grep -qF "path = \"$oos_api_dir\"" "$scratch/oos-bin/Cargo.toml" 2>/dev/null; then
    cat >"$scratch/oos-bin/Cargo.toml" <<EOF
[package]
name = "oos-bin"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
oos-api = { path = "$oos_api_dir" }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[workspace]
EOF
    cat >"$scratch/oos-bin/src/main.rs" <<'EOF'
//! Calls OOS ListExecutionLogs once, against the endpoint given as the first argument.
use oos_api::{Client, Config, Credentials};

#[tokio::main]
async fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9".to_owned());
    let client = Client::new(
        Config::builder()
            .endpoint_url(endpoint)
            .credentials(Credentials::new("access-key-id", "access-key-secret"))
            .build(),
    );
    match client.list_execution_logs().execution_id("exec-1").send().await {
        Ok(output) => println!("{:?}", output.execution_logs.map(|l| l.len())),
        Err(error) => eprintln!("ListExecutionLogs failed: {error}"),
    }
}
EOF
    # The repository's resolution, so that oos-api builds with the dependencies it is tested
    # with (cargo drops what the scratch crate does not use).
    cp "$(dirname "$oos_api_dir")/Cargo.lock" "$scratch/oos-bin/Cargo.lock"
  fi
  for crate in ssm-bin oos-bin; do
    echo "== setup: building $crate's dependencies (debug and release; not timed)"
    (cd "$scratch/$crate" && cargo build -q && cargo build -q --release)
  done
  echo "== setup: building ssm-config-bin (release; not timed)"
  (cd "$scratch/ssm-config-bin" && cargo build -q --release)
}

# time_build CRATE_DIR PACKAGE PROFILE_ARGS...: clean one package, rebuild it alone, print
# the wall, user and system seconds with the load average before and after.
time_build() {
  local dir=$1 package=$2
  shift 2
  # Everything else up to date first (a no-op after setup), so that only PACKAGE is timed.
  # (`cargo clean` takes the profile, not features.)
  local clean_args=()
  [[ " $* " == *" --release "* ]] && clean_args=(--release)
  (cd "$dir" && cargo build -q -p "$package" "$@" && cargo clean -q -p "$package" "${clean_args[@]}")
  settle
  local before busy_before times wall user sys others
  before=$(load)
  busy_before=$(busy)
  times=$( { cd "$dir" && /usr/bin/time -f '%e %U %S' cargo build -q -j "$jobs" -p "$package" "$@"; } 2>&1 | tail -1)
  read -r wall user sys <<<"$times"
  # What the rest of the machine ran meanwhile: busy CPU time not spent by this build.
  others=$(awk -v b="$(busy)" -v a="$busy_before" -v u="$user" -v s="$sys" \
    'BEGIN { o = b - a - u - s; printf "%.1f", o < 0 ? 0 : o }')
  printf '%-12s %-9s %7.1f s wall %7.1f s user %5.1f s sys; others used %5s s CPU meanwhile (%s before)\n' \
    "$package" "${*:-debug}" "$wall" "$user" "$sys" "$others" "$before"
}

build_step() {
  local profile=("$@")
  local ssm_ops oos_ops
  ssm_ops=$(operations ssm)
  oos_ops=$(operations oos)
  echo "== ${profile[*]:-debug} build of the crate alone, dependencies built (-j $jobs)"
  echo "   aws-sdk-ssm: $ssm_ops operations; oos-api: $oos_ops operations"
  time_build "$scratch/ssm-bin" aws-sdk-ssm "${profile[@]}"
  time_build "$scratch/oos-bin" oos-api "${profile[@]}"
}

size() {
  echo "== release binaries calling one action ($(load))"
  for crate in ssm-bin ssm-config-bin; do
    awk -v c="$crate" '/^name = "aws-(sdk-ssm|config)"$/ { n = $3; getline; printf "%s: %s %s\n", c, n, $3 }' \
      "$scratch/$crate/Cargo.lock"
  done
  for crate in ssm-bin ssm-config-bin oos-bin; do
    (cd "$scratch/$crate" && cargo build -q --release)
    local bin=$scratch/$crate/target/release/$crate
    cp "$bin" "$bin.stripped"
    strip "$bin.stripped"
    awk -v c="$crate" -v u="$(stat -c %s "$bin")" -v s="$(stat -c %s "$bin.stripped")" \
      'BEGIN { printf "%-14s %10d bytes unstripped (%5.1f MB)  %10d bytes stripped (%5.1f MB)\n", c, u, u / 1e6, s, s / 1e6 }'
  done
}

serialize() {
  # Needs an oos-api with a `serde-serialize` feature that gates Serialize on the answer-only
  # types: SERIALIZE_OOS_API_DIR, e.g. the oos-api of a checkout of the commit that had it.
  # Its own scratch crate turns the feature on (cargo takes features of workspace members
  # only), and is built whole: its one-line main is the same both ways.
  local dir=$scratch/oos-ser-bin
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "oos-ser-bin"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
oos-api = { path = "${SERIALIZE_OOS_API_DIR:?set SERIALIZE_OOS_API_DIR}" }

[features]
serde-serialize = ["oos-api/serde-serialize"]

[workspace]
EOF
  echo 'fn main() { let _ = oos_api::Client::from_env(); }' >"$dir/src/main.rs"
  [ -f "$dir/Cargo.lock" ] || cp "$(dirname "$SERIALIZE_OOS_API_DIR")/Cargo.lock" "$dir/Cargo.lock"
  echo "== oos-api debug build alone, without and with serde-serialize (-j $jobs)"
  for _ in $(seq "${ROUNDS:-3}"); do
    for features in "" serde-serialize; do
      (cd "$dir" && cargo build -q --features "$features" && cargo clean -q -p oos-api)
      settle
      local before busy_before times wall user sys others
      before=$(load)
      busy_before=$(busy)
      times=$( { cd "$dir" && /usr/bin/time -f '%e %U %S' cargo build -q -j "$jobs" --features "$features"; } 2>&1 | tail -1)
      read -r wall user sys <<<"$times"
      others=$(awk -v b="$(busy)" -v a="$busy_before" -v u="$user" -v s="$sys" \
        'BEGIN { o = b - a - u - s; printf "%.1f", o < 0 ? 0 : o }')
      printf '%-16s %7.1f s wall %7.1f s user %5.1f s sys; others used %5s s CPU meanwhile (%s before)\n' \
        "${features:-no features}" "$wall" "$user" "$sys" "$others" "$before"
    done
  done
}

echo "# compile-time.sh $(date -u +%FT%TZ), $(nproc) cores, $(rustc -V)"
for step in "${steps[@]}"; do
  case $step in
    setup) setup ;;
    debug) build_step ;;
    release) build_step --release ;;
    size) size ;;
    serialize) serialize ;;
    *) echo "unknown step $step (setup, debug, release, size, serialize)" >&2; exit 2 ;;
  esac
done
