#!/bin/sh
# End-to-end tests of `almanac import`:
#   tests/e2e/import.sh BINARY
# - broken input (tests/import/*.ics) gives exactly its .out_diag and .out_exit;
#   with --strict every warning case fails and writes nothing;
# - round trip: every valid file builds, its all.ics imports, and the
#   import builds byte-identical feeds; the import passes `almanac check`;
# - the real-world corpus (tests/import/corpus/) imports without a crash,
#   with as many events as python3-icalendar counts, and a warning for
#   every kind of data it holds that the events format cannot;
# - --merge: counts, the user's keys kept, a failed import changes nothing.
# Set UPDATE_GOLDEN=1 to rewrite tests/import/*.out_diag (review the diff!).
set -u
. "$(dirname "$0")/start.sh"
py=/usr/bin/python3   # Debian's python, which has python3-icalendar
passed=0 failed=0

ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check WHAT COMMAND...: passes when COMMAND exits 0
    what=$1; shift
    if output=$("$@" 2>&1); then ok; else fail "$what"; echo "$output" | head -40; fi
}

# --- broken input: exact diagnostics and exit status -----------------------
for input in tests/import/*.ics; do
    name=$(basename "$input" .ics)
    golden=tests/import/$name.out_diag
    actual=$tmp/$name.diag
    # a bound on every case: a hang is a failure, not a stuck suite
    (cd tests/import && NO_COLOR=1 timeout 120 "$bin" import "$name.ics" -o "$tmp/$name.json" 2>"$actual")
    status=$?
    [ $status = 124 ] && { fail "$name: still running after 120 s"; continue; }
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$actual" "$golden"; echo $status > "tests/import/$name.out_exit"; fi
    want=$(cat "tests/import/$name.out_exit")
    if [ "$status" != "$want" ]; then fail "$name: exit $status, expected $want"; cat "$actual"; continue; fi
    if ! diff -u "$golden" "$actual"; then fail "$name: diagnostics differ"; continue; fi
    if [ "$status" = 0 ]; then
        check "$name: the import passes check" "$bin" check "$tmp/$name.json"
        # --strict: the same warnings are errors, and nothing is written
        echo previous > "$tmp/keep.json"
        (cd tests/import && "$bin" import --strict "$name.ics" -o "$tmp/keep.json" >/dev/null 2>&1)
        strict=$?
        if grep -q ': warning\[W[0-9]*\]: ' "$actual"; then
            if [ $strict = 1 ] && [ "$(cat "$tmp/keep.json")" = previous ]; then ok
            else fail "$name: --strict exit $strict, or the file was replaced"; fi
        fi
    else
        test ! -e "$tmp/$name.json" && ok || fail "$name: a failed import wrote its output"
    fi
done

# --- VTIMEZONEs whose observances repeat every second, minute, hour --------
# libical would expand them without bound (SECONDLY: forever, growing memory;
# HOURLY: 93 s and 326 MB); they are refused before it may, at once.
started=$(date +%s%N)
timeout 10 "$bin" import tests/import/vtimezone-runaway.ics -o "$tmp/runaway.json" 2>"$tmp/runaway.err"
status=$?
ms=$(( ($(date +%s%N) - started) / 1000000 ))
if [ $status = 1 ] && [ $ms -lt 1000 ] && grep -q "vtimezone-runaway.ics:14:1: error\[E302\]: .*every second" "$tmp/runaway.err"
then ok; else fail "vtimezone-runaway: exit $status after $ms ms (expected 1, a located error, within a second)"; fi

# --- round trip: build -> import -> build gives the same feeds ------------
# The second build runs in a copy of the first one's output directory, so it
# reads the same build state; a later SOURCE_DATE_EPOCH proves that no event
# or feed looked changed (a change would take the new time and SEQUENCE + 1).
for input in events.json tests/cases/good/*.json docs/examples/series.json tests/cases/series/*.json; do
    name=$(basename "$input" .json)
    first=$tmp/rt-$name-1 second=$tmp/rt-$name-2
    SOURCE_DATE_EPOCH=1700000000 "$bin" build "$input" -o "$first" >/dev/null 2>&1
    check "$name: import all.ics" "$bin" import "$first/all.ics" -o "$tmp/rt-$name.json"
    check "$name: the import passes check" "$bin" check "$tmp/rt-$name.json"
    "$bin" import "$first/all.ics" > "$tmp/rt-$name.again.json" 2>/dev/null
    check "$name: importing twice gives the same file" cmp "$tmp/rt-$name.json" "$tmp/rt-$name.again.json"
    cp -r "$first" "$second"
    check "$name: build the import" env SOURCE_DATE_EPOCH=1800000000 "$bin" build "$tmp/rt-$name.json" -o "$second"
    for ics in "$first"/*.ics; do
        check "$name: $(basename "$ics") is byte-identical after the round trip" cmp "$ics" "$second/$(basename "$ics")"
    done
    check "$name: the same feeds" sh -c "ls '$first' > '$tmp/a'; ls '$second' > '$tmp/b'; cmp '$tmp/a' '$tmp/b'"
done

# --- the real-world corpus -------------------------------------------------
# Broken files: what each must give (exit status, events imported).
expected() {
    case $1 in
        ical4j__13-MoonPhase) echo "0 41" ;;          # truncated: 41 of 42 are complete
        icalendar__issue_1081_invalid_start_and_end) echo "1 0" ;;  # no valid date
        icalnet__Bug2912657) echo "1 0" ;;            # UTF-16
        khal__event_rrule_recuid_invalid_tzid) echo "1 0" ;;        # TZID=foo
        libical__malloc) echo "1 0" ;;                # NUL bytes, garbage
        *) echo "" ;;
    esac
}
# python3-icalendar's count of the events of each corpus file, in one process
# (it refuses a leading BOM: strip it); a changed occurrence (RECURRENCE-ID)
# of a series in the file is counted with its series
$py -c "
import icalendar, os, sys
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    if data.startswith(b'\xef\xbb\xbf'): data = data[3:]
    try:
        events = icalendar.Calendar.from_ical(data).walk('VEVENT')
    except Exception as e:
        print(os.path.basename(path)[:-4], 'unreadable:', type(e).__name__)
        continue
    series = {str(e.get('UID')) for e in events if e.get('RECURRENCE-ID') is None
              and (e.get('RRULE') is not None or e.get('RDATE') is not None)}
    print(os.path.basename(path)[:-4],
          sum(1 for e in events if e.get('RECURRENCE-ID') is None or str(e.get('UID')) not in series))
" tests/import/corpus/*.ics > "$tmp/icalendar-counts"
for input in tests/import/corpus/*.ics; do
    name=$(basename "$input" .ics)
    out=$tmp/corpus-$name.json
    NO_COLOR=1 "$bin" import "$input" -o "$out" 2>"$tmp/corpus.err"
    status=$?
    if [ $status -gt 1 ]; then fail "$name: exit $status"; cat "$tmp/corpus.err"; continue; fi
    if grep -q "runtime error\|AddressSanitizer" "$tmp/corpus.err"; then fail "$name: sanitizer"; cat "$tmp/corpus.err"; continue; fi
    # the import passes check, which counts its events
    got=0
    if [ $status = 0 ]; then
        check "$name: the import passes check" "$bin" check "$out"
        got=$(echo "$output" | sed -n 's/.*: \([0-9]*\) events\{0,1\}, .*/\1/p')  # check's output
    fi
    want=$(expected "$name")
    if [ -z "$want" ]; then
        count=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/icalendar-counts")
        want="0 $count"
    fi
    if [ "$status $got" = "$want" ]; then ok; else fail "$name: exit $status with $got events, expected $want (exit, events)"; head -20 "$tmp/corpus.err"; fi
    # every kind of data the format cannot hold is reported
    if [ $status = 0 ]; then
        for kind in $($py tests/e2e/ics_kinds.py "$input"); do
            if grep -q "warning\[W[0-9]*\]: .*($kind)" "$tmp/corpus.err"; then ok; else fail "$name: no warning for $kind"; fi
        done
    fi
done

# --- the corpus keeps its series --------------------------------------------
# For every corpus file that imports, the occurrences over 2000-2030 of the
# import, built again, equal those of the original file, as Debian's
# python3-recurring-ical-events expands both (UIDs aside: the import makes its
# own). Where the difference is one the format or an expander explains, it is
# pinned in tests/import/occurrences/NAME.diff (README.md there says why);
# the test fails when it changes, in either direction.
# tests/import/zones-named.ics: series in zones named as Outlook, Windows
# and Lotus Notes name them, which must keep following their daylight-saving
# changes.
# Every import is built first, then python3-recurring-ical-events expands
# all the originals and builds in one process.
occ_names="" occ_pairs=""
for input in tests/import/corpus/*.ics tests/import/zones-named.ics; do
    name=$(basename "$input" .ics)
    out=$tmp/corpus-$name.json
    [ "$name" = zones-named ] && "$bin" import "$input" -o "$out" 2>/dev/null
    [ -s "$out" ] || continue
    if ! SOURCE_DATE_EPOCH=1700000000 "$bin" build "$out" -o "$tmp/occ-$name" >/dev/null 2>&1; then
        fail "$name: the import does not build"; continue
    fi
    occ_names="$occ_names $name:$input"
    occ_pairs="$occ_pairs $input $tmp/occ-$name.original.raw $tmp/occ-$name/all.ics $tmp/occ-$name.import.raw"
done
# shellcheck disable=SC2086
$py tests/e2e/occurrences_rie.py --each 2000-01-01 2030-12-31 $occ_pairs
for pair in $occ_names; do
    name=${pair%%:*} input=${pair#*:}
    pin=tests/import/occurrences/$name.diff
    for side in original import; do
        raw=$tmp/occ-$name.$side.raw
        if [ -e "$raw.err" ] && [ $side = original ]; then
            # the expander cannot read the original (a broken file): ical.js
            # is the witness then
            node tests/e2e/occurrences_icaljs.mjs "$input" 2000-01-01 2030-12-31 > "$raw" 2> "$raw.err" &&
                rm "$raw.err"
        fi
        if [ -e "$raw.err" ]; then
            echo "$name: $side: expanders failed: $(head -c 300 "$raw.err")" > "$tmp/occ-$side"; continue
        fi
        # UIDs differ; the status marks almanac adds to a SUMMARY are wording
        # (and import trims the spaces that end a title)
        cut -f2- "$raw" | sed 's/[[:space:]]*$//; s/ (cancelled)$//; s/ (planned)$//' |
            LC_ALL=C sort > "$tmp/occ-$side"
    done
    diff "$tmp/occ-original" "$tmp/occ-import" > "$tmp/occ.diff"
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        if [ -s "$tmp/occ.diff" ]; then cp "$tmp/occ.diff" "$pin"; else rm -f "$pin"; fi
        ok
    elif { [ ! -s "$tmp/occ.diff" ] && [ ! -e "$pin" ]; } || { [ -e "$pin" ] && cmp -s "$pin" "$tmp/occ.diff"; }; then
        ok
    else
        fail "$name: occurrences 2000-2030 differ (< original, > import) other than pinned:"
        head -30 "$tmp/occ.diff"
    fi
done

# --- hostile shapes: no crash, and work in proportion to the input ----------
# Each finishes in a few seconds under ASan; work that grows with the square
# of the input (a walk per property or per component) takes minutes.
$py -c "
import sys
n = 100000
head = 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20230401T100000Z\nSUMMARY:A\n'
tail = 'END:VEVENT\nEND:VCALENDAR\n'
open(sys.argv[1] + '/distinct.ics', 'w').write(head + ''.join('X-P%d:v\n' % i for i in range(n)) + tail)
open(sys.argv[1] + '/same.ics', 'w').write(head + 'PRIORITY:1\n' * n + tail)
open(sys.argv[1] + '/events.ics', 'w').write('BEGIN:VCALENDAR\n' + ''.join(
    'BEGIN:VEVENT\nUID:%d\nDTSTART:20230401T100000Z\nSUMMARY:A\nBEGIN:VALARM\nEND:VALARM\nEND:VEVENT\n' % i
    for i in range(n // 2)) + 'END:VCALENDAR\n')
open(sys.argv[1] + '/deep.ics', 'w').write(head + 'BEGIN:X-A\nBEGIN:X-B\n' * (5 * n) +
    'END:X-B\nEND:X-A\n' * (5 * n) + tail)
open(sys.argv[1] + '/long.ics', 'w').write(head + 'DESCRIPTION:' + 'x' * 30000000 + '\n' + tail)
open(sys.argv[1] + '/lists.ics', 'w').write(head + ''.join(
    'CATEGORIES:Tag %d\nRELATED-TO;RELTYPE=SIBLING:r%d\nX-P:%d\n' % (i, i, i) for i in range(n)) + tail)" "$tmp"
# deep.ics: a million nested components; libical frees them by recursion.
# long.ics: one line of 30 MB; libical's string reader looked for its end
# once per 1 KB piece (a minute and more). lists.ics: 100,000 categories and
# RELATED-TO in one event, each list copied whole to add one (minutes, GBs).
for shape in distinct same events deep long lists; do
    timeout 60 "$bin" import "$tmp/$shape.ics" -o "$tmp/$shape.json" 2>"$tmp/$shape.err"
    status=$?
    if [ $status = 0 ] && ! grep -q "runtime error\|AddressSanitizer" "$tmp/$shape.err"; then ok
    else fail "hostile $shape.ics: exit $status (124: over a minute)"; tail -3 "$tmp/$shape.err"; fi
done
grep -q "100000 PRIORITY properties were not imported" "$tmp/same.err" && ok || fail "same.ics: the count of PRIORITY"
grep -q "50000 alarms (VALARM) have no TRIGGER" "$tmp/events.err" && ok || fail "events.ics: the count of VALARM"

# --- merge -------------------------------------------------------------------
corpus=tests/import/corpus/ical4j__Christian32Holidays.ics
"$bin" import "$corpus" -o "$tmp/merge.json" 2>/dev/null
total=$($py -c "import json; print(len(json.load(open('$tmp/merge.json'))['events']))")
# the user edits: adds their own participants, changes a title, deletes an event
$py -c "
import json; d = json.load(open('$tmp/merge.json'))
d['events'][0]['participants'] = ['The parish']
d['events'][1]['title'] = 'Edited by hand'
del d['events'][2]
json.dump(d, open('$tmp/merge.json', 'w'), indent=1)"
first_id=$($py -c "import json; print(json.load(open('$tmp/merge.json'))['events'][0]['id'])")
"$bin" import "$corpus" --merge "$tmp/merge.json" 2>"$tmp/merge.err"
check "merge: counts" grep -q "1 added, 1 updated, $((total - 2)) unchanged" "$tmp/merge.err"
check "merge: the user's keys stay" $py -c "
import json; d = json.load(open('$tmp/merge.json'))
e = d['events'][0]
assert e['id'] == '$first_id' and e['participants'] == ['The parish'], e
assert list(e) == ['id', 'title', 'start', 'end', 'participants'] or list(e)[-1] == 'participants', list(e)
assert d['events'][1]['title'] != 'Edited by hand'
assert len(d['events']) == $total"
check "merge: the result passes check" "$bin" check "$tmp/merge.json"
cp "$tmp/merge.json" "$tmp/merge.before"
"$bin" import "$corpus" --merge "$tmp/merge.json" 2>"$tmp/merge.err"
check "merge: a second merge changes nothing" grep -q "0 added, 0 updated, $total unchanged" "$tmp/merge.err"
check "merge: ... and keeps the bytes" cmp "$tmp/merge.json" "$tmp/merge.before"
"$bin" import tests/import/garbage.ics --merge "$tmp/merge.json" >/dev/null 2>&1
status=$?
if [ $status = 1 ] && cmp -s "$tmp/merge.json" "$tmp/merge.before"; then ok; else fail "merge: a failed import (exit $status) changed the file"; fi
"$bin" import "$corpus" --merge "$tmp/nonexistent.json" >/dev/null 2>&1
if [ $? = 3 ]; then ok; else fail "merge into a missing file: expected exit 3"; fi
"$bin" import "$corpus" -o /nonexistent/dir/events.json >/dev/null 2>&1
if [ $? = 3 ]; then ok; else fail "import into a missing directory: expected exit 3"; fi
"$bin" import "$corpus" > /dev/full 2>/dev/null
if [ $? = 3 ]; then ok; else fail "import to a full disk: expected exit 3"; fi
if "$bin" import < "$corpus" 2>/dev/null | "$bin" check - >/dev/null 2>&1; then ok; else fail "import from stdin"; fi
"$bin" check --merge x events.json >/dev/null 2>&1
if [ $? = 2 ]; then ok; else fail "--merge without import: expected exit 2"; fi

echo "import: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
