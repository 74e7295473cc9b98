#!/usr/bin/env bash
# The survey of docs/metadata-survey.md, reproduced (not run by CI; it needs the mirror and an
# hour on two cores): the importer and the generator over every product of a mirror of
# Alibaba Cloud's metadata, then the N largest generated products compiled one at a time
# inside a scratch copy of the workspace (as the ECS fixture is compiled inside oos-api).
#
#   bench/metadata-survey.sh <git dir of dew-serverless/acs-metadata> [ref] [N]
#
# Everything is written under $SURVEY_DIR (default /tmp/oos-rs-survey) and the scratch copy's
# own target directory; the workspace is not touched. Delete $SURVEY_DIR afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=${1:?usage: bench/metadata-survey.sh <mirror git dir> [ref] [N]}
ref=${2:-update-metadata-20251226}
largest=${3:-10}
out=${SURVEY_DIR:-/tmp/oos-rs-survey}
mkdir -p "$out"

# The importer is run optimised: the survey reads about 10,000 actions.
if [ ! -f "$out/products/survey.md" ]; then
  # The newest branch of the mirror holds server errors in place of some documents
  # (`{"code":500,...}`); the snapshot before it is whole.
  cargo run -q --release -j 2 -p xtask -- survey --mirror "$mirror" --ref "$ref" --out "$out/products" \
    > "$out/import.log" 2> "$out/import.err"
fi
sed -n 1,3p "$out/products/survey.md"

# The scratch workspace: the committed tree, its own target directory.
ws="$out/workspace"
rm -rf "$ws"
mkdir -p "$ws"
git archive HEAD | tar -x -C "$ws"
cp "$ws/oos-api/src/lib.rs" "$out/lib.rs.orig"

# Generated documents, largest first:
# | product | version | actions | imported | lines | two-status actions (kept) | refusal |
grep -E '^\| [^ ]+ \| [0-9-]+ \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9]+ \([0-9]+\) \|  \|$' "$out/products/survey.md" \
  | awk -F'|' '$5 > 0 {gsub(/ /, "", $2); gsub(/ /, "", $3); print $5+0, $2, $3}' \
  | sort -rn | head -n "$largest" > "$out/largest.txt"

echo "| product | version | actions | compiled | seconds |" > "$out/compile.md"
echo "| --- | --- | ---: | --- | ---: |" >> "$out/compile.md"
while read -r actions product version; do
  generated="$out/products/$product/$version/generated"
  # Compiled beside OOS's own operations, a product's client methods would clash with OOS's
  # of the same name (`list_tag_resources`): a copy of its code takes them with a prefix.
  rm -rf "$out/compiled"
  cp -r "$generated" "$out/compiled"
  sed -i -E 's/pub fn ([a-z0-9_]+)\(&self\) -> ([A-Za-z0-9]+)FluentBuilder/pub fn surveyed_\1(\&self) -> \2FluentBuilder/' \
    "$out"/compiled/operation/*.rs
  generated="$out/compiled"
  cp "$out/lib.rs.orig" "$ws/oos-api/src/lib.rs"
  printf '\n#[allow(dead_code, unused_imports, clippy::all)]\n#[rustfmt::skip]\n#[path = "%s/mod.rs"]\nmod surveyed;\n' \
    "$generated" >> "$ws/oos-api/src/lib.rs"
  start=$(date +%s)
  if (cd "$ws" && CARGO_TARGET_DIR="$out/target" cargo build -q -j 2 -p oos-api --lib \
        > "$out/compile-$product-$version.log" 2>&1); then
    result=yes
  else
    result="no: $(grep -m1 '^error' "$out/compile-$product-$version.log" | tr '|' '/')"
  fi
  seconds=$(( $(date +%s) - start ))
  echo "| $product | $version | $actions | $result | $seconds |" | tee -a "$out/compile.md"
done < "$out/largest.txt"
cp "$out/lib.rs.orig" "$ws/oos-api/src/lib.rs"
echo "results: $out/products/survey.md and $out/compile.md"
