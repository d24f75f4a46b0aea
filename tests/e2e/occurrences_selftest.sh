#!/bin/sh
# occurrences_selftest.sh: checks the two independent occurrence expanders
# (occurrences_rie.py, occurrences_icaljs.mjs) against each other over
# 2024-01-01..2034-12-31.
#
# - series-fixtures/*.ics: both must print the same lines; a difference fails.
# - series-fixtures/edge/*.ics: cases where a known bug of one side makes them
#   differ. Each side is diffed with edge/*.expected (the RFC 5545 answer,
#   which libical 3.0.16 also gives); the differences are printed, not failed:
#   rie 2.0.1 drops an occurrence exactly at a UTC UNTIL after a DST switch
#   and matches a UTC RECURRENCE-ID to the occurrence on its UTC date (the
#   wrong one when the local date differs); ical.js 2.2.1 turns Feb 29 into
#   Mar 1 in other years and reads a local time in a DST gap with the offset
#   from after the gap.
#
# usage: tests/e2e/occurrences_selftest.sh   (after scripts/install-deps --test)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/series-fixtures
from=2024-01-01 to=2034-12-31
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

expand() { # expand ICS: writes $tmp/rie and $tmp/icaljs
    /usr/bin/python3 "$here/occurrences_rie.py" "$1" "$from" "$to" >"$tmp/rie"
    node "$here/occurrences_icaljs.mjs" "$1" "$from" "$to" >"$tmp/icaljs"
}

for ics in "$fx"/*.ics; do
    expand "$ics"
    if diff -u "$tmp/rie" "$tmp/icaljs" >"$tmp/diff"; then
        echo "ok $(basename "$ics"): $(wc -l <"$tmp/rie") occurrences, rie = ical.js"
    else
        echo "FAIL $(basename "$ics"): rie (-) and ical.js (+) differ:"
        cat "$tmp/diff"
        status=1
    fi
done

for ics in "$fx"/edge/*.ics; do
    expand "$ics"
    for side in rie icaljs; do
        if diff "${ics%.ics}.expected" "$tmp/$side" >"$tmp/diff"; then
            echo "ok edge/$(basename "$ics"): $side gives the expected $(wc -l <"$tmp/$side") lines"
        else
            echo "known: edge/$(basename "$ics"): $side differs from the expected (<) lines:"
            grep '^[<>]' "$tmp/diff"
        fi
    done
done
exit $status
