#!/bin/sh
# End-to-end tests: run the (sanitized) almanac binary as a user would and
# check its output with parsers nobody on the project wrote.
#   tests/e2e/run.sh BINARY
# Set UPDATE_GOLDEN=1 to rewrite tests/cases/bad/*.diag (review the diff!).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
# Files with repeating events, reminders and people (issue 19): checked like
# the good cases here, and their occurrences in tests/e2e/series.sh.
series="docs/examples/series.json $(echo tests/cases/series/*.json)"
trap 'rm -rf "$tmp"' EXIT
. tests/e2e/lib.sh

# same_words DIR NAME GOLDEN: the diagnostics are the golden ones also from
# ics, which (unlike check) keeps every title and description
same_words() {
    (cd "tests/cases/$1" && NO_COLOR=1 "$bin" ics "$2.json" -o "$tmp/ics-state" \
        >/dev/null 2>"$tmp/$2.diag.ics")
    if ! diff -u "$3" "$tmp/$2.diag.ics"; then fail "$2: ics says otherwise"; return 1; fi
}

# one_thread DIR STATUS: every file of tests/cases/DIR checked in one process
# with cJSON parsing on the calling thread says exactly what each golden
# says, in order (a check of several files prints each file's diagnostics
# and summary as a check of it alone would)
one_thread() {
    (cd "tests/cases/$1" && NO_COLOR=1 ALMANAC_THREADS=1 "$bin" check -- *.json \
        >/dev/null 2>"$tmp/$1.one-thread")
    status=$?
    (cd "tests/cases/$1" && for f in *.json; do cat "${f%.json}.diag"; done) > "$tmp/$1.goldens"
    if [ $status -ne "$2" ]; then fail "$1 in one process, one thread: exit $status, expected $2"
    elif ! diff -u "$tmp/$1.goldens" "$tmp/$1.one-thread"; then
        fail "$1 in one process, one thread: the diagnostics differ from the goldens"
    else ok; fi
}

# --- bad inputs: exact diagnostics, exit 1, nothing written ------------
for input in tests/cases/bad/*.json; do
    name=$(basename "$input" .json)
    golden=tests/cases/bad/$name.diag
    actual=$tmp/$name.diag
    (cd tests/cases/bad && NO_COLOR=1 "$bin" check "$name.json" >/dev/null 2>"$actual")
    status=$?
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$actual" "$golden"; fi
    if [ $status -ne 1 ]; then fail "$name: exit $status, expected 1"; cat "$actual"; continue; fi
    if ! diff -u "$golden" "$actual"; then fail "$name: diagnostics differ"; continue; fi
    same_words bad "$name" "$golden" || continue
    # a build of bad input must not touch an existing output directory
    mkdir -p "$tmp/keep" && echo previous > "$tmp/keep/all.ics"
    (cd tests/cases/bad && "$bin" build "$name.json" -o "$tmp/keep" >/dev/null 2>&1)
    if [ "$(ls -A "$tmp/keep")" != "all.ics" ] || [ "$(cat "$tmp/keep/all.ics")" != previous ]; then
        fail "$name: build of invalid input changed the output directory"; continue
    fi
    ok
done
one_thread bad 1

# --- hostile ids, feed ids and tags: refused, and nothing written anywhere ---
mkdir -p "$tmp/jail/out"
(cd tests/cases/bad && "$bin" build path-ids.json -o "$tmp/jail/out" >/dev/null 2>&1)
status=$?
if [ $status = 1 ] && [ -z "$(find "$tmp/jail" -mindepth 2)" ] && [ ! -e /tmp/almanac-escape.ics ] &&
   [ ! -e /etc/cron.d/x.ics ]; then ok; else fail "path-ids: exit $status or a file written"; find "$tmp/jail"; fi
# an URL with CR LF cannot add lines to a feed, nor escapes reach a terminal
# (ESC, BEL or the C1 CSI anywhere in what almanac prints about them)
# or a bidirectional override (U+202A-U+202E, U+2066-U+2069) reorder its line
for name in url-crlf title-c1-csi location-terminal-escape terminal-escapes bidi-controls; do
    "$bin" check "tests/cases/bad/$name.json" > "$tmp/esc.out" 2>&1
    if LC_ALL=C grep -q "$(printf '\033\\|\007\\|\302\233\\|\342\200[\252-\256]\\|\342\201[\246-\251]')" "$tmp/esc.out"; then
        fail "$name: a control character reached the terminal"; else ok; fi
done

# --- warnings: exact diagnostics, exit 0, and exit 1 with --strict ---------
for input in tests/cases/warn/*.json; do
    name=$(basename "$input" .json)
    golden=tests/cases/warn/$name.diag
    actual=$tmp/$name.diag
    (cd tests/cases/warn && NO_COLOR=1 "$bin" check "$name.json" >/dev/null 2>"$actual")
    status=$?
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$actual" "$golden"; fi
    if [ $status -ne 0 ]; then fail "$name: exit $status, expected 0"; cat "$actual"; continue; fi
    if ! diff -u "$golden" "$actual"; then fail "$name: diagnostics differ"; continue; fi
    same_words warn "$name" "$golden" || continue
    expect_status 1 "$name: --strict" "$bin" check --strict "$input"
done
one_thread warn 0

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

# --- single typos anywhere in a valid file: caught, located, never a crash ---
for input in events.json tests/cases/good/*.json $series; do
    check "typos in $input" "$py" tests/e2e/typos.py "$bin" "$input" 200 90
done

# --- a real JSON Schema validator agrees on which files are valid ----------
check "schema agrees with almanac check" "$py" tests/e2e/check_schema.py \
    schema/events.schema.json "$bin" events.json tests/cases/good/*.json $series \
    tests/cases/warn/*.json tests/cases/bad/*.json

# --- the published data cites its sources (issue 24) ----------------------
# Every event of events.json has a source, every source a publisher and a date,
# every source URL is https. Not the fixtures: they leave sources out on
# purpose (see check_sources.py). Copies that break each rule must be refused,
# for the reason given, so the check cannot pass vacuously.
check "events.json: sources with publisher, date and https" "$py" tests/e2e/check_sources.py events.json
for breakage in no-sources empty-sources no-publisher blank-publisher no-date http-url; do
    "$py" - "$breakage" "$tmp/unsourced.json" <<'EOF'
import json, sys
breakage, out = sys.argv[1], sys.argv[2]
doc = json.load(open("events.json"))
event = doc["events"][-1]
source = doc["events"][0]["sources"][-1]
if breakage == "no-sources": del event["sources"]
elif breakage == "empty-sources": event["sources"] = []
elif breakage == "no-publisher": del source["publisher"]
elif breakage == "blank-publisher": source["publisher"] = " "
elif breakage == "no-date": del source["date"]
elif breakage == "http-url": source["url"] = "http://" + source.get("url", "https://example.org/").split("://", 1)[1]
json.dump(doc, open(out, "w"), ensure_ascii=False, indent=2)
EOF
    [ $? = 0 ] || { fail "could not make a copy with $breakage"; continue; }
    case $breakage in
        *-sources) want="has no source" ;;
        *-publisher) want="has no publisher" ;;
        no-date) want="has no date" ;;
        http-url) want="is not https" ;;
    esac
    "$py" tests/e2e/check_sources.py "$tmp/unsourced.json" > "$tmp/unsourced.out" 2>&1
    status=$?
    if [ $status = 1 ] && [ "$(grep -c "$want" "$tmp/unsourced.out")" = 1 ]; then ok
    else fail "check_sources.py on a copy with $breakage: exit $status"; cat "$tmp/unsourced.out"; fi
done

# --- limits on generated input too big to commit ---------------------------
# a 50 MB string (generated, too big to commit) is refused, not swallowed
$py -c "import sys; sys.stdout.write('{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": [{\"id\": \"a\", \"start\": \"2022\", \"title\": \"' + 'x' * (50 << 20) + '\"}]}')" > "$tmp/huge.json"
"$bin" check "$tmp/huge.json" >/dev/null 2>"$tmp/huge.diag"
if [ $? -eq 1 ] && grep -q "1:89: error: the text is too long (52428800 bytes" "$tmp/huge.diag"; then ok; else fail "50 MB string"; cat "$tmp/huge.diag"; fi

# more events than the limit: refused before any is read
$py -c "import sys; sys.stdout.write('{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": [' + ','.join(['0'] * 2000001) + ']}')" > "$tmp/many.json"
"$bin" check "$tmp/many.json" >/dev/null 2>"$tmp/many.diag"
if [ $? -eq 1 ] && grep -q "error: too many events (2000001, the limit is 2000000)" "$tmp/many.diag"; then ok; else fail "2,000,001 events"; head -3 "$tmp/many.diag"; fi
# a file over the 1 GiB limit, as a file and redirected to stdin (sparse, and
# refused by its size before anything is read), and through a pipe
truncate -s 1025M "$tmp/large.json"
"$bin" check "$tmp/large.json" >/dev/null 2>"$tmp/large.diag"
if [ $? -eq 1 ] && grep -q "the file is too large (1074790400 bytes" "$tmp/large.diag"; then ok; else fail "1025 MiB file"; cat "$tmp/large.diag"; fi
"$bin" check - < "$tmp/large.json" >/dev/null 2>"$tmp/large.diag"
if [ $? -eq 1 ] && grep -q "too large (1074790400 bytes" "$tmp/large.diag"; then ok; else fail "1025 MiB on stdin"; cat "$tmp/large.diag"; fi
cat "$tmp/large.json" | "$bin" check - >/dev/null 2>"$tmp/large.diag"
if [ $? -eq 1 ] && grep -q "too large (the limit is 1073741824 bytes)" "$tmp/large.diag"; then ok; else fail "1025 MiB through a pipe"; cat "$tmp/large.diag"; fi
rm -f "$tmp/large.json" "$tmp/many.json" "$tmp/huge.json"

# --- colour: on a terminal only, never with NO_COLOR or TERM=dumb -----------
esc=$(printf '\033')
colour() { # colour ENV...: does `check` on a terminal print escape codes?
    env "$@" script -qec "'$bin' check tests/cases/bad/ids.json" /dev/null | grep -q "$esc"
}
if colour TERM=xterm; then ok; else fail "no colour on a terminal"; fi
if colour TERM=xterm NO_COLOR=1; then fail "colour despite NO_COLOR"; else ok; fi
if colour TERM=dumb; then fail "colour on TERM=dumb"; else ok; fi
if "$bin" check tests/cases/bad/ids.json 2>&1 | grep -q "$esc"; then fail "colour into a pipe"; else ok; fi
if "$bin" check --color=always tests/cases/bad/ids.json 2>&1 | grep -q "$esc"; then ok; else fail "--color=always"; fi
if env TERM=xterm script -qec "'$bin' check --color=never tests/cases/bad/ids.json" /dev/null | grep -q "$esc"; then fail "--color=never"; else ok; fi

# --- valid inputs: feeds pass a byte lint and two independent parsers ----
for input in events.json tests/cases/good/*.json $series; do
    name=$(basename "$input" .json)
    out=$tmp/out-$name
    check "$name: check" "$bin" check "$input"
    check "$name: build" "$bin" build "$input" -o "$out"
    check "$name: lint" "$py" tests/e2e/ics_lint.py "$out"/*.ics
    check "$name: python3-icalendar" "$py" tests/e2e/check_feeds.py "$input" "$out"
    check "$name: ical.js" node tests/e2e/check_feeds.mjs "$input" "$out"
    # a second build with no change is byte-identical (state included)
    cp -r "$out" "$out.again"
    check "$name: rebuild" "$bin" build "$input" -o "$out.again"
    check "$name: rebuild is byte-identical" diff -r "$out" "$out.again"
    # `ics` prints what build wrote, for every feed; where the calendar keeps
    # alarms out of its feeds, `ics --no-alarms` does
    no_alarms=
    grep -q '"alarms_in_feeds": *false' "$input" && no_alarms=--no-alarms
    for ics in "$out"/*.ics; do
        feed=$(basename "$ics" .ics)
        "$bin" ics "$input" --feed "$feed" -o "$out" $no_alarms > "$tmp/stdout.ics" 2>/dev/null
        check "$name: ics --feed $feed $no_alarms equals the built file" cmp "$ics" "$tmp/stdout.ics"
    done
    check "$name: timeline" "$bin" timeline "$input" --width 60
done

# --- threads change nothing: one worker and eight write the same bytes -----
# 2,000 generated events: many batches of VEVENTs in flight at once
"$py" bench/gen_events.py 2000 "$tmp/threads.json" >/dev/null
for input in events.json "$tmp/threads.json"; do
    name=$(basename "$input" .json)
    for t in 1 8; do
        SOURCE_DATE_EPOCH=1800000000 ALMANAC_THREADS=$t "$bin" build "$input" \
            -o "$tmp/threads-$name-$t" >/dev/null 2>&1
        ALMANAC_THREADS=$t "$bin" ics "$input" -o "$tmp/threads-$name-$t" \
            > "$tmp/threads-$name-$t.ics" 2>/dev/null
    done
    check "$name: build with 1 and 8 threads" diff -r "$tmp/threads-$name-1" "$tmp/threads-$name-8"
    check "$name: ics with 1 and 8 threads" cmp "$tmp/threads-$name-1.ics" "$tmp/threads-$name-8.ics"
    check "$name: ics equals the built all.ics" cmp "$tmp/threads-$name-8.ics" "$tmp/threads-$name-8/all.ics"
done

# --- out/ is reproduced byte for byte from events.json --------------------
cp -r out "$tmp/committed"
check "out/ rebuild" "$bin" build events.json -o "$tmp/committed"
check "out/ is byte-identical after a rebuild" diff -r out "$tmp/committed"

# --- a content change bumps exactly that event's SEQUENCE -----------------
cp -r out "$tmp/changed"
sed 's/"title": "SCO Summit"/"title": "SCO Summit (22nd)"/' events.json > "$tmp/changed.json"
SOURCE_DATE_EPOCH=1900000000 "$bin" build "$tmp/changed.json" -o "$tmp/changed" 2>/dev/null
bumped=$(grep -c '	1900000000$' "$tmp/changed/.almanac-state")
before=$(grep '^event	sco-summit-samarkand-2022	' out/.almanac-state | cut -f4)
event_bumped=$(grep -c "^event	sco-summit-samarkand-2022	[0-9a-f]*	$((before + 1))	1900000000\$" "$tmp/changed/.almanac-state")
if [ "$event_bumped" = 1 ]; then ok; else fail "changed event did not get SEQUENCE $((before + 1))"; fi
# the event, the full feed and the three feeds that hold it: 5 records
if [ "$bumped" = 5 ]; then ok; else fail "expected 5 bumped state records, got $bumped"; cat "$tmp/changed/.almanac-state"; fi
if diff "out/security.ics" "$tmp/changed/security.ics" >/dev/null; then ok; else fail "a feed without the event changed"; fi
# Every field the VEVENT shows bumps its SEQUENCE; an edit it does not show
# (key order, spacing) bumps nothing. The base is this binary's own build.
rm -rf "$tmp/base" && cp -r out "$tmp/base" && "$bin" build events.json -o "$tmp/base" 2>/dev/null
base=$(grep "^event	sco-summit-samarkand-2022	" "$tmp/base/.almanac-state" | cut -f4)
for edit in location.name location.geo url tags participants sources.publisher sources.date \
             related status end description timezone none; do
    "$py" - "$edit" "$tmp/edit.json" <<'EOF'
import json, sys
edit, out = sys.argv[1], sys.argv[2]
doc = json.load(open("events.json"))
e = next(e for e in doc["events"] if e["id"] == "sco-summit-samarkand-2022")
if edit == "location.name": e["location"]["name"] = "Samarqand"
elif edit == "location.geo": e["location"]["geo"][0] += 0.001
elif edit == "url": e["url"] = "https://example.org/sco"
elif edit == "tags": e["tags"].append("treaty")
elif edit == "participants": e.setdefault("participants", []).append("Someone Else")
elif edit == "sources.publisher": e["sources"][0]["publisher"] = "Another"
elif edit == "sources.date": e["sources"][0]["date"] = "2022-10-22"
elif edit == "related": e["related"] = e["related"][:-1]
elif edit == "status": e["status"] = "cancelled"
elif edit == "end": e["end"] = "2022-09-17"
elif edit == "description": e["description"] += " More."
elif edit == "timezone": doc["calendar"]["timezone"] = "Asia/Almaty"; e["start"] = "2022-09-15T10:00"; e.pop("end")
if edit == "none":
    e = dict(reversed(list(e.items())))  # same content, other key order
    doc["events"] = [e if x["id"] == e["id"] else x for x in doc["events"]]
json.dump(doc, open(out, "w"), ensure_ascii=False, indent=4)
EOF
    rm -rf "$tmp/edit" && cp -r "$tmp/base" "$tmp/edit"
    SOURCE_DATE_EPOCH=1900000000 "$bin" build "$tmp/edit.json" -o "$tmp/edit" 2>/dev/null
    got=$(grep "^event	sco-summit-samarkand-2022	" "$tmp/edit/.almanac-state" | cut -f4)
    if [ "$edit" = none ]; then want=$base; else want=$((base + 1)); fi
    if [ "$got" = "$want" ]; then ok; else fail "edit of $edit: SEQUENCE $got, expected $want"; fi
done

# --- --partial-dates overrides the calendar's policy ---------------------
"$bin" ics events.json --partial-dates omit -o "$tmp/none" > "$tmp/omit.ics"
"$bin" ics events.json --partial-dates month=first-day,year=span -o "$tmp/none" > "$tmp/first.ics"
check "--partial-dates omit and month=first-day" "$py" -c "
import json, datetime, icalendar
events = json.load(open('events.json'))['events']
exact = [e['id'] for e in events if len(e['start']) >= 10]
omit = icalendar.Calendar.from_ical(open('$tmp/omit.ics', 'rb').read()).walk('VEVENT')
assert sorted(str(v['UID']).split('@')[0] for v in omit) == sorted(exact), 'omit kept a partial date'
first = icalendar.Calendar.from_ical(open('$tmp/first.ics', 'rb').read()).walk('VEVENT')
assert len(first) == len(events)
for v in first:
    span = v['DTEND'].dt - v['DTSTART'].dt
    precision = str(v.get('X-ALMANAC-PRECISION', 'day'))
    if precision == 'month': assert span == datetime.timedelta(days=1), (v['UID'], span)
    if precision == 'year': assert span.days >= 365, (v['UID'], span)
"
expect_status 2 "--partial-dates with an unknown policy" "$bin" ics --partial-dates month=hide

# --- a feed that is no longer declared is removed; nothing else is -------
cp -r out "$tmp/dropped"
echo "my own notes" > "$tmp/dropped/notes.ics"
$py -c "
import json; d = json.load(open('events.json'))
d['feeds'] = [f for f in d['feeds'] if f['id'] != 'security']
json.dump(d, open('$tmp/dropped.json', 'w'))"
SOURCE_DATE_EPOCH=1900000000 "$bin" build "$tmp/dropped.json" -o "$tmp/dropped" 2>/dev/null
if [ ! -e "$tmp/dropped/security.ics" ]; then ok; else fail "a dropped feed's file stayed"; fi
if grep -q "security.ics" "$tmp/dropped/.almanac-state"; then fail "the state still names the dropped feed"; else ok; fi
check "a file almanac did not write stays" grep -q "my own notes" "$tmp/dropped/notes.ics"
check "the other feeds stay" diff out/afghanistan.ics "$tmp/dropped/afghanistan.ics"
# a state file naming a path outside the directory never removes it
printf 'feed\t../victim.ics\t0000000000000000\t0\t0\n' >> "$tmp/dropped/.almanac-state"
echo victim > "$tmp/victim.ics"
"$bin" build "$tmp/dropped.json" -o "$tmp/dropped" 2>/dev/null
check "a state file cannot remove files outside out/" test -e "$tmp/victim.ics"

echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
