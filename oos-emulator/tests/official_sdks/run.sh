#!/usr/bin/env bash
# Alibaba Cloud's official Python SDKs (V3 and RPC 1.0 signing) against the emulator binary.
# Installs the SDKs into a virtualenv under target/, starts the emulator on a free loopback
# port, runs check.py, and stops the emulator whatever happens.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
here="$root/oos-emulator/tests/official_sdks"
venv="$root/target/official-sdks-venv"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

cargo build --quiet -p oos-emulator
out="$(mktemp)"
"$root/target/debug/oos-emulator" --listen 127.0.0.1:0 >"$out" 2>&1 &
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
"$venv/bin/python" "$here/check.py" "$url"
