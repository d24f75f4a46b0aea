#!/bin/sh
# Editing the events file as a person would: almanac add appends an event and
# keeps every other byte; import --merge keeps the file's formatting; fmt
# rewrites in the canonical layout without changing what check reads.
#   tests/e2e/edit.sh BINARY
set -u
. "$(dirname "$0")/start.sh"
. tests/e2e/lib.sh
export SOURCE_DATE_EPOCH=1700000000

# what check reads, as bytes: every feed and the timeline as JSON
model() { # model FILE OUT: the feeds and the timeline FILE gives
    rm -rf "$2" && "$bin" build -q "$1" -o "$2" >/dev/null 2>&1 &&
        "$bin" timeline --format json "$1" > "$2/timeline.json" 2>/dev/null &&
        rm "$2/.almanac-state"
}
# the bytes of FILE before the last event's end, and after it
prefix_kept() { # prefix_kept OLD NEW: NEW starts with OLD up to OLD's last event
    "$py" - "$1" "$2" <<'PY'
import sys
old, new = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
end = old.rstrip().rstrip(b']}').rstrip()  # up to the last event's closing brace
cut = old.rfind(b'}', 0, len(end) + 1)
assert new.startswith(old[:cut + 1]), 'bytes before the new event changed'
tail = old[cut + 1:].replace(b'\r\n', b'\n')
new_tail = new[cut + 1:].replace(b'\r\n', b'\n')
assert new_tail.endswith(tail.lstrip(b',').lstrip()), 'bytes after the events changed'
PY
}

# --- add: the repository's own file ---------------------------------------------
cp events.json "$tmp/events.json"
expect_status 0 "add to events.json" "$bin" add "$tmp/events.json" --title "SCO Summit in Astana" \
    --start 2024-07-03 --end 2024-07-04 --tag summit --location Astana --status tentative
check "add says what it added" grep -q "added 'sco-summit-in-astana' to" "$tmp/cli.err"
check "add keeps every other byte" prefix_kept events.json "$tmp/events.json"
check "the result passes check" "$bin" check --strict "$tmp/events.json"
check "the event is there as given" "$py" -c "
import json
e = json.load(open('$tmp/events.json'))['events'][-1]
assert e['id'] == 'sco-summit-in-astana' and e['start'] == '2024-07-03' and e['end'] == '2024-07-04', e
assert e['tags'] == ['summit'] and e['status'] == 'tentative', e"
check "git sees only added lines" sh -c "git diff --no-index --numstat events.json '$tmp/events.json' | awk '{ exit !(\$2 <= 1) }'"
"$bin" add "$tmp/events.json" --title "SCO Summit in Astana" --start 2024-07-05 -q
check "a second event of that title gets a unique id" grep -q '"sco-summit-in-astana-2"' "$tmp/events.json"
"$bin" add "$tmp/events.json" --title "Встреча в Ташкенте" --start 2024-08 -q
check "a Cyrillic title makes an ASCII id" "$py" -c "
import json, re
i = json.load(open('$tmp/events.json'))['events'][-1]['id']
assert re.fullmatch('[a-z0-9]+(-[a-z0-9]+)*', i) and i != 'event', i"
cp "$tmp/events.json" "$tmp/before.json"
expect_status 1 "add of an invalid event" "$bin" add "$tmp/events.json" --title X --start 2024-13-01
check "says where" grep -q "error\[E[0-9]*\]:" "$tmp/cli.err"
check "and leaves the file unchanged" cmp "$tmp/events.json" "$tmp/before.json"
expect_status 1 "add with an unknown timezone" "$bin" add "$tmp/events.json" --title X --start 2024-01-01T10:00 --timezone Asia/Tashkend
check "did you mean" grep -q "did you mean 'Asia/Tashkent'" "$tmp/cli.err"
check "unchanged again" cmp "$tmp/events.json" "$tmp/before.json"
expect_status 2 "add without a start" "$bin" add "$tmp/events.json" --title X
expect_status 2 "add to standard input" "$bin" add - --title X --start 2024
expect_status 1 "add with a taken --id" "$bin" add "$tmp/events.json" --title X --start 2024 --id sco-summit-in-astana
check "unchanged by a duplicate id" cmp "$tmp/events.json" "$tmp/before.json"

# --- add: a compact file, and one with CRLF line ends ----------------------------
printf '{"calendar": {"id": "c", "name": "C", "timezone": "Asia/Tashkent"},\n "events": [\n  {"id": "a", "title": "A", "start": "2022"},\n  {"id": "b", "title": "B", "start": "2023"}\n ]\n}\n' > "$tmp/compact.json"
cp "$tmp/compact.json" "$tmp/compact.before"
expect_status 0 "add to a compact file" "$bin" add "$tmp/compact.json" --title "Summit" --start 2024-05-01T09:30
check "the new event is one line like its neighbours" sh -c "grep -c '^  {\"id\": ' '$tmp/compact.json' | grep -qx 3"
check "compact: every other byte kept" prefix_kept "$tmp/compact.before" "$tmp/compact.json"
sed 's/$/\r/' "$tmp/compact.before" > "$tmp/crlf.json"
cp "$tmp/crlf.json" "$tmp/crlf.before"
expect_status 0 "add to a CRLF file" "$bin" add "$tmp/crlf.json" --title "Summit" --start 2024
check "CRLF stays CRLF" "$py" -c "
b = open('$tmp/crlf.json', 'rb').read()
assert b.count(b'\\n') == b.count(b'\\r\\n') > 0, b"
check "CRLF: every other byte kept" prefix_kept "$tmp/crlf.before" "$tmp/crlf.json"

# --- import --merge keeps the file's formatting -------------------------------
cp events.json "$tmp/merge.json"
"$bin" ics events.json -o "$tmp/none" > "$tmp/all.ics"
"$py" - "$tmp/all.ics" "$tmp/more.ics" <<'PY'
import sys
text = open(sys.argv[1], newline='').read()
event = text[text.index('BEGIN:VEVENT'):text.index('END:VEVENT') + len('END:VEVENT\r\n')]
more = ''.join(event.replace('UID:', 'UID:extra-%d-' % i, 1) for i in range(3))
open(sys.argv[2], 'w', newline='').write(text.replace('END:VCALENDAR', more + 'END:VCALENDAR'))
PY
expect_status 0 "merge three events into events.json" "$bin" import "$tmp/more.ics" --merge "$tmp/merge.json"
check "merge: 3 added" grep -q "3 added, 0 updated" "$tmp/cli.err"
check "merge: the file's bytes stay, the events follow" prefix_kept events.json "$tmp/merge.json"
lines=$(git diff --no-index --numstat events.json "$tmp/merge.json" | awk '{ print $2 }')
check "merge: no line of the file removed (git: $lines)" test "$lines" -le 1
check "merge: the result passes check" "$bin" check "$tmp/merge.json"

# --- fmt ----------------------------------------------------------------------
for file in events.json docs/examples/series.json tests/cases/good/*.json tests/cases/series/*.json; do
    name=$(echo "$file" | tr / _)
    cp "$file" "$tmp/$name"
    model "$file" "$tmp/model-before" || { fail "fmt: $file does not build"; continue; }
    if "$bin" fmt -q "$tmp/$name" 2>"$tmp/fmt.err"; then ok; else fail "fmt $file"; cat "$tmp/fmt.err"; continue; fi
    model "$tmp/$name" "$tmp/model-after" || { fail "fmt: $file no longer builds"; continue; }
    check "fmt $file: the same feeds and timeline" diff -r "$tmp/model-before" "$tmp/model-after"
    cp "$tmp/$name" "$tmp/$name.once"
    "$bin" fmt -q "$tmp/$name"
    check "fmt $file: a second fmt changes nothing" cmp "$tmp/$name" "$tmp/$name.once"
    expect_status 0 "fmt --check $file after fmt" "$bin" fmt --check "$tmp/$name"
done
cp "$tmp/compact.before" "$tmp/c.json"
expect_status 1 "fmt --check on a file not in the layout" "$bin" fmt --check "$tmp/c.json"
check "names it" grep -qx "$tmp/c.json" "$tmp/cli.out"
check "and leaves it alone" cmp "$tmp/c.json" "$tmp/compact.before"
expect_status 0 "fmt - writes to stdout" sh -c "'$bin' fmt - < '$tmp/c.json'"
check "fmt - changes no file" cmp "$tmp/c.json" "$tmp/compact.before"
cp tests/cases/bad/ids.json "$tmp/bad.json"
expect_status 1 "fmt of a file with errors" "$bin" fmt "$tmp/bad.json"
check "leaves it alone" cmp "$tmp/bad.json" tests/cases/bad/ids.json
check "and says why" grep -q "has errors: not formatted" "$tmp/cli.err"

echo "edit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
