#!/usr/bin/env bash
# App figures for BENCHMARKS.md: launch → usable window and keystroke → painted results, measured on
# the release app under Xvfb with WebKitWebDriver. Usage: bench/app.sh DATA_DIR LIBRARY_FOLDER
# (bench/run.py passes the scale library). Prints one JSON line on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
DATA="$1" LIBRARY="$2"
make -s ui >&2
cargo build --release --locked -q -p trustshelf-app >&2
WORK="$(mktemp -d)"
# Ends only what this run started (`timeout` leads the process group of the driver and the app).
RUN_PID=""
cleanup() {
  [ -z "$RUN_PID" ] || kill -TERM -- "-$RUN_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cat > "$WORK/app" <<WRAP
#!/bin/sh
date +%s%3N > "$WORK/started"
exec "$TARGET/release/trustshelf-app" "\$@"
WRAP
chmod +x "$WORK/app"
export APP="$WORK/app" STARTED_FILE="$WORK/started" TRUSTSHELF_DATA="$DATA" TRUSTSHELF_LIBRARY="$LIBRARY"
export ARTIFACTS="$PWD/test-artifacts/bench"
timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/bench-app.mjs >"$WORK/out" &
RUN_PID=$!
wait "$RUN_PID"
tail -1 "$WORK/out"
