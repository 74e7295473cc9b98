#!/usr/bin/env bash
# Installs a cargo subcommand CI needs (`.ci/install-tool.sh cargo-deny 0.20.2`) unless that
# version is already there. The tools' own release profiles ask for fat LTO in one codegen
# unit, which makes an install from source take longer than the rest of CI together on a
# 2-core machine; what CI needs of them is their answers, not their top speed, so the profile
# is overridden (cargo lets the environment override a manifest's profile): no LTO, many
# codegen units, light optimisation. Both tools build into one target directory, so the
# dependencies they share build once.
set -euo pipefail
cd "$(dirname "$0")/.."

tool=$1
version=$2
subcommand=${tool#cargo-}
if cargo "$subcommand" --version 2>/dev/null | grep -q "$version"; then
  exit 0
fi
echo "installing $tool $version from crates.io (release profile lightened for CI)"
CARGO_PROFILE_RELEASE_LTO=false \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
CARGO_PROFILE_RELEASE_DEBUG=0 \
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/ci-tools" \
  cargo install --quiet --locked "$tool" --version "$version"
