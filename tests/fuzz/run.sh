#!/bin/sh
# Runs one libFuzzer harness on its corpus for SECONDS, one job, under
# ASan + UBSan, in one process (the harness is built that way by `make fuzz`):
#   tests/fuzz/run.sh HARNESS SECONDS [extra libFuzzer flags]
# HARNESS is load, render, http, import or edit. The working corpus is build/fuzz/corpus/
# HARNESS, seeded from the test fixtures and the stored regressions; a crash
# leaves its input in build/fuzz/crashes/HARNESS/ and makes this fail. The
# last lines printed are libFuzzer's final stats (execs, cov:, ft:).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
harness=$1 seconds=$2
shift 2
bin=build/fuzz/fuzz_$harness
corpus=build/fuzz/corpus/$harness
crashes=build/fuzz/crashes/$harness
mkdir -p "$corpus" "$crashes"
case $harness in
load|render|edit)
    dict=tests/fuzz/almanac.dict
    for f in events.json tests/cases/*/*.json; do
        cp "$f" "$corpus/seed-$(echo "$f" | tr / _)"
    done ;;
http)
    dict=tests/fuzz/http.dict
    cp tests/fuzz/seeds/http/* "$corpus/" ;;
import)
    dict=tests/fuzz/ics.dict
    for f in tests/import/*.ics tests/import/corpus/*.ics tests/fuzz/seeds/import/*.ics; do
        cp "$f" "$corpus/seed-$(basename "$f")"
    done
    # our own feeds, whose X-ALMANAC-* properties only import reads
    for f in out/*.ics; do cp "$f" "$corpus/seed-out-$(basename "$f")"; done ;;
*)  echo "run.sh: unknown harness '$harness' (load, render, http, import, edit)" >&2; exit 2 ;;
esac
cp tests/fuzz/regressions/"$harness"/* "$corpus/" 2>/dev/null || true
# -rss_limit_mb: inputs of at most 64 KiB (-max_len), and ASan's shadow, stay far below it.
exec "$bin" "$corpus" -dict="$dict" -max_total_time="$seconds" \
    -print_final_stats=1 -rss_limit_mb=4096 -timeout=30 -max_len=65536 \
    -artifact_prefix="$crashes/" "$@"
