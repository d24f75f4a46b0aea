#!/bin/sh
# End-to-end tests of the feeds: every valid file builds feeds that pass a
# byte lint and two independent parsers (python3-icalendar, ical.js), the
# same bytes with one thread or eight, out/ reproduced byte for byte, the
# SEQUENCE of exactly the changed event bumped, --partial-dates, and a feed
# no longer declared removed (and nothing else).
#   tests/e2e/feeds.sh BINARY
set -u
. "$(dirname "$0")/start.sh"
. tests/e2e/lib.sh

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

echo "feeds: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
