#!/usr/bin/env bash
# The semver gate: a documentation change that only adds (a new optional request parameter,
# response field, nested field, error code and action, written as spec edits) must regenerate
# into an oos-api that needs at most a minor release. Copies the workspace into a temporary
# directory three times (the baseline as it is, the additive edit, a breaking edit),
# regenerates the edited copies and runs cargo-semver-checks on oos-api against the baseline:
# the additive one must pass as a minor release and, so that the gate is known to bite, the
# one that removes an action must be reported as needing a major release.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/install-tool.sh cargo-semver-checks 0.51.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The tracked files as they are on disk (uncommitted edits included), without target/.
copy() {
  mkdir -p "$1"
  git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"
  done | tar --null -T - -cf - | tar -xf - -C "$1"
}
copy "$work/base"
copy "$work/added"
copy "$work/removed"
# One target directory for all three, so that dependencies build once. cargo-semver-checks
# keys what it builds by crate name and version, so each copy gets a version of its own, or
# the baseline would be read back as the current crate (and every change would pass).
export CARGO_TARGET_DIR="$work/target"
bump() {
  python3 - "$1/Cargo.toml" "$2" <<'PY'
import pathlib, re, sys
path, patch = pathlib.Path(sys.argv[1]), int(sys.argv[2])
text = path.read_text()
section = text.index("[workspace.package]")
match = re.compile(r'^version = "(\d+)\.(\d+)\.(\d+)"$', re.M).search(text, section)
if not match:
    sys.exit(f"semver.sh: {path}: no version under [workspace.package]")
major, minor, old = (int(g) for g in match.groups())
new = f'version = "{major}.{minor}.{old + patch}"'
path.write_text(text[:match.start()] + new + text[match.end():])
PY
}
bump "$work/added" 1
bump "$work/removed" 2

python3 - "$work/added/spec/oos" <<'PY'
import pathlib, sys
specs = pathlib.Path(sys.argv[1])

def edit(name, anchor, text, after=True):
    path = specs / f"{name}.yaml"
    body = path.read_text()
    if anchor not in body:
        sys.exit(f"semver.sh: {path}: `{anchor.strip()}` not found; update the edit")
    new = anchor + text if after else text + anchor
    path.write_text(body.replace(anchor, new, 1))

# A new optional request parameter.
edit("GetServiceSettings", "response:\n",
     "  - name: ResourceGroupId\n    type: String\n    required: false\n    description: A parameter documented later.\n",
     after=False)
# A new response field.
edit("GetServiceSettings", "response:\n",
     "  - name: TotalCount\n    type: Integer\n    description: A response field documented later.\n")
# A new field of a nested type.
edit("GetServiceSettings", "    fields:\n",
     "      - name: DeliveryRegionId\n        type: String\n        description: A nested field documented later.\n")
# A new error code.
edit("GetTemplate", "errors:\n",
     "  - code: QuotaExceeded.TemplateRead\n    http_status: 400\n    message: Too many reads.\n    description: An error code documented later.\n")
# A new action.
source = (specs / "ListTagKeys.yaml").read_text()
if "action: ListTagKeys\n" not in source:
    sys.exit("semver.sh: ListTagKeys.yaml has no `action: ListTagKeys`; update the edit")
(specs / "ListTagKeysLater.yaml").write_text(
    source.replace("action: ListTagKeys\n", "action: ListTagKeysLater\n", 1))
PY

# The breaking control: an action the documentation no longer has.
rm "$work/removed/spec/oos/GetServiceSettings.yaml"

for copy_dir in added removed; do
  (cd "$work/$copy_dir" && cargo run --quiet -p xtask -- codegen >/dev/null)
done

changed=$(diff -rq "$work/base/oos-api/src/generated" "$work/added/oos-api/src/generated" || true)
if [ -z "$changed" ]; then
  echo "semver.sh: the additive edits changed no generated file"; exit 1
fi
echo "-- additive documentation change: at most a minor release; regenerated:"
echo "$changed"
cargo semver-checks check-release --manifest-path "$work/added/Cargo.toml" -p oos-api \
  --baseline-root "$work/base" --release-type minor

echo "-- a removed action: must need a major release"
if cargo semver-checks check-release --manifest-path "$work/removed/Cargo.toml" -p oos-api \
  --baseline-root "$work/base" --release-type minor >"$work/removed.log" 2>&1; then
  cat "$work/removed.log"
  echo "semver.sh: removing an action passed as a minor release: the gate does not bite"
  exit 1
fi
grep -q "requires new major version" "$work/removed.log" || { cat "$work/removed.log"; exit 1; }
grep -E "^--- failure|Summary" "$work/removed.log" || true
echo "semver gate passed"
