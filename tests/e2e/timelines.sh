#!/bin/sh
# End-to-end tests of the timeline: golden files for every format, width
# and filter (tests/timeline/cases), every format read back by a parser
# nobody on the project wrote, and its usage errors.
# Set UPDATE_GOLDEN=1 to rewrite tests/timeline/* (review the diff!).
#   tests/e2e/timelines.sh BINARY
set -u
. "$(dirname "$0")/start.sh"
. tests/e2e/lib.sh

# --- timelines: golden files for every format, width and filter ----------
grep -v '^#' tests/timeline/cases | while read -r name args; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086 # ARGS are words by design
    if ! "$bin" timeline $args > "$tmp/timeline.out" 2>"$tmp/timeline.err"; then
        echo "FAIL: timeline $name: almanac timeline $args failed"; cat "$tmp/timeline.err"
    elif [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$tmp/timeline.out" "tests/timeline/$name"
    elif ! diff -u "tests/timeline/$name" "$tmp/timeline.out" > "$tmp/timeline.diff"; then
        echo "FAIL: timeline $name differs from tests/timeline/$name"; head -40 "$tmp/timeline.diff"
    fi
done > "$tmp/timelines"
if [ -s "$tmp/timelines" ]; then fail "timeline goldens"; cat "$tmp/timelines"; else ok; fi
check "timeline formats read back by cmark, html.parser and json" "$py" \
    tests/e2e/check_timeline.py "$bin" events.json tests/cases/good/*.json $series
expect_status 2 "timeline: a bad --from" "$bin" timeline --from 2022-13
expect_status 2 "timeline: --from after --to" "$bin" timeline --from 2023 --to 2022-12
expect_status 2 "timeline: an unknown format" "$bin" timeline --format pdf
expect_status 2 "timeline: an unknown status" "$bin" timeline --status maybe
expect_status 2 "filters on another command" "$bin" ics --tag youth

echo "timelines: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
