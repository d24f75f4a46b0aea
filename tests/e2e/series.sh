#!/bin/sh
# series.sh: the occurrences of every repeating event, as almanac reports
# them (timeline --format json --from --to), equal the occurrences that two
# independent expanders find in almanac's own feed: Mozilla ical.js's
# recurrence iterator and Debian's python3-recurring-ical-events. Over
# 2024-01-01..2034-12-31 (eleven years) for each fixture with series.
#
# Where an expander is wrong by RFC 5545 (its known bugs, listed in
# tests/e2e/series-known/README.md), the difference is pinned in
# series-known/FIXTURE.TOOL.diff: the test fails when the difference changes,
# in either direction, so a pin can neither hide a new disagreement nor
# outlive the bug.
#
# usage: sh tests/e2e/series.sh build/almanac     (UPDATE_GOLDEN=1 rewrites pins)
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3
from=2024-01-01 to=2034-12-31
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# The status mark almanac adds to a SUMMARY (" (cancelled)") is the feed's
# wording, not a different title: compared without it.
normalise() { sed 's/ (cancelled)$//; s/ (planned)$//' "$1" | LC_ALL=C sort; }

for input in "$root"/docs/examples/series.json "$root"/tests/cases/series/*.json; do
    name=$(basename "$input" .json)
    if ! "$bin" ics "$input" -o "$tmp/no-state" > "$tmp/$name.ics" 2> "$tmp/err"; then
        fail "$name: almanac ics"; cat "$tmp/err"; continue
    fi
    "$py" "$root/tests/e2e/ics_lint.py" "$tmp/$name.ics" > "$tmp/lint" 2>&1 && ok ||
        { fail "$name: lint"; cat "$tmp/lint"; }
    if ! "$bin" timeline "$input" --format json --from "$from" --to "$to" > "$tmp/$name.json"; then
        fail "$name: almanac timeline"; continue
    fi
    "$py" "$root/tests/e2e/occurrences_almanac.py" "$tmp/$name.json" "$from" "$to" \
        > "$tmp/almanac.raw" || { fail "$name: occurrences_almanac.py"; continue; }
    normalise "$tmp/almanac.raw" > "$tmp/almanac"
    count=$(wc -l < "$tmp/almanac")
    [ "$count" -gt 0 ] && ok || fail "$name: almanac reports no occurrence at all"
    for tool in icaljs rie; do
        case $tool in
        icaljs) node "$root/tests/e2e/occurrences_icaljs.mjs" "$tmp/$name.ics" "$from" "$to" ;;
        rie) "$py" "$root/tests/e2e/occurrences_rie.py" "$tmp/$name.ics" "$from" "$to" ;;
        esac > "$tmp/$tool.raw" 2> "$tmp/err" || { fail "$name: $tool failed"; cat "$tmp/err"; continue; }
        normalise "$tmp/$tool.raw" > "$tmp/$tool"
        diff "$tmp/almanac" "$tmp/$tool" > "$tmp/$tool.diff"
        pin="$here/series-known/$name.$tool.diff"
        if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
            if [ -s "$tmp/$tool.diff" ]; then cp "$tmp/$tool.diff" "$pin"; else rm -f "$pin"; fi
            ok
        elif [ ! -s "$tmp/$tool.diff" ] && [ ! -e "$pin" ]; then
            ok
        elif [ -e "$pin" ] && cmp -s "$pin" "$tmp/$tool.diff"; then
            ok
        else
            fail "$name: $count occurrences; almanac (<) and $tool (>) differ other than pinned:"
            cat "$tmp/$tool.diff"
            [ -e "$pin" ] && { echo "pinned:"; cat "$pin"; }
        fi
    done
    echo "$name: $count occurrences compared with ical.js and recurring-ical-events"
done

# The checks must be able to fail: a feed whose rule was changed behind
# almanac's back (a weekly rule made fortnightly) must disagree.
cr=$(printf '\r')
sed "s/^RRULE:FREQ=WEEKLY;BYDAY=SU$cr\$/RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SU$cr/" "$tmp/zones.ics" > "$tmp/mutant.ics"
if cmp -s "$tmp/zones.ics" "$tmp/mutant.ics"; then
    fail "mutation: the rule to change was not found"
else
    node "$root/tests/e2e/occurrences_icaljs.mjs" "$tmp/mutant.ics" "$from" "$to" > "$tmp/m.raw"
    normalise "$tmp/m.raw" > "$tmp/m"
    "$bin" timeline "$root/tests/cases/series/zones.json" --format json --from "$from" --to "$to" |
        "$py" "$root/tests/e2e/occurrences_almanac.py" - "$from" "$to" > "$tmp/a.raw"
    normalise "$tmp/a.raw" > "$tmp/a"
    if cmp -s "$tmp/a" "$tmp/m"; then fail "mutation: a changed RRULE went unnoticed"; else ok; fi
fi

echo "series: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
