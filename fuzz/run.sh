#!/usr/bin/env bash
# Short fuzz run of every target (see fuzz/README.md). Usage: fuzz/run.sh [seconds per target, default 120]
# Seeds: ../shared/pdfs and the sample library (not committed); findings go to fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET=${1:-120}
SHARED=${SHARED:-../../shared}
WORK=${FUZZ_WORK:-/var/tmp/trustshelf-fuzz}
mkdir -p "$WORK"/{extract,sidecar,query_parser,worker_request}

# extract: first byte = format (0 pdf, 1 markdown, 2 html, 3 text, 4 docx, 5 xlsx, 6 ods, 7 csv).
seed() { { printf "\\x$(printf %02x "$1")"; cat "$2"; } > "$WORK/extract/$(basename "$2").seed"; }
find "$SHARED/pdfs" -name '*.pdf' -size -2000k -print0 | while IFS= read -r -d '' f; do seed 0 "$f"; done
for f in ../documents/fictional/src/*.md ../crates/trustshelf-core/tests/*.rs; do seed 1 "$f"; done
for f in ../tests/fixtures/hostile/*.html; do seed 2 "$f"; done
for f in ../documents/fictional/*.xlsx; do seed 5 "$f"; done
for f in ../documents/fictional/src/*.csv; do seed 7 "$f"; done
find ../documents ../tests/fixtures -name '*.meta.toml' -exec cp {} "$WORK/sidecar/" \;
cp seeds/query_parser/* "$WORK/query_parser/"
printf '{"key":1,"format":"pdf"}' > "$WORK/worker_request/seed"

for target in query_parser sidecar worker_request extract; do
  echo "== $target ($SECONDS_PER_TARGET s)"
  cargo +nightly fuzz run -O "$target" "$WORK/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=3072 -max_len=2100000 -print_final_stats=1 2>&1 \
    | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)|SUMMARY|panicked|Done" || true
done
