#!/usr/bin/env bash
# Alibaba Cloud's official Python SDKs (V3 and RPC 1.0 signing) against the emulator binary:
# every action of the OpenAPI metadata with its example values, the lifecycles of each family
# with state, and parameters written by oos-api read back through the SDK and the other way
# round. Installs the SDKs into a virtualenv under target/, starts the emulator on a free
# loopback port, runs the checks, and stops the emulator whatever happens.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
here="$root/oos-emulator/tests/official_sdks"
venv="$root/target/official-sdks-venv"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

cargo build --quiet -p oos-emulator --bin oos-emulator --example sdk_peer
out="$(mktemp)"
# A stopped clock: the checks cancel and notify executions they start, which must not have
# finished on their own meanwhile.
"$root/target/debug/oos-emulator" --listen 127.0.0.1:0 --clock-speed 0 >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT

for _ in $(seq 1 100); do
  [ -s "$out" ] && break
  sleep 0.1
done
url="$(head -n 1 "$out" | sed -n 's/^listening on //p')"
if [ -z "$url" ]; then
  echo "the emulator did not start:"; cat "$out"; exit 1
fi
peer="$root/target/debug/examples/sdk_peer"
"$peer" "$url" create
"$venv/bin/python" "$here/check.py" "$url" "$root/docs/openapi/oos/2019-06-01/api-docs.json" --peer
"$peer" "$url" verify
