#!/usr/bin/env bash
# Builds the real app and runs the end-to-end test under Xvfb. Screenshots go to test-artifacts/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --locked -q -p trustshelf-app
cargo build --locked -q -p trustshelf-cli
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"; pkill -f "$TARGET/debug/trustshelf-app" 2>/dev/null || true; pkill -x WebKitWebDriver 2>/dev/null || true' EXIT
rm -rf test-artifacts/e2e && mkdir -p test-artifacts/e2e
export APP="$TARGET/debug/trustshelf-app" CLI="$TARGET/debug/trustshelf"
# The sample library plus hostile fixtures that must neither run nor fetch anything in the app.
cp -r documents "$WORK/library" && cp tests/fixtures/hostile/* "$WORK/library/"
export TRUSTSHELF_DATA="$WORK/data" TRUSTSHELF_LIBRARY="$WORK/library" EXPORT_ZIP="$WORK/e2e-evidence.zip"
export ARTIFACTS="$PWD/test-artifacts/e2e"
timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/e2e.mjs
