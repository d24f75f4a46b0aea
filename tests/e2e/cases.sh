#!/bin/sh
# End-to-end tests of what almanac says about its input: every bad and
# warning case gives exactly its golden diagnostics (and nothing is written),
# a JSON Schema validator agrees on which files are valid, the published data
# cites its sources, generated input over the limits is refused, and colour
# reaches terminals only. Run on the sanitized binary.
# Set UPDATE_GOLDEN=1 to rewrite tests/cases/*/*.out_diag (review the diff!).
#   tests/e2e/cases.sh BINARY
set -u
. "$(dirname "$0")/start.sh"
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
    (cd "tests/cases/$1" && for f in *.json; do cat "${f%.json}.out_diag"; done) > "$tmp/$1.goldens"
    if [ $status -ne "$2" ]; then fail "$1 in one process, one thread: exit $status, expected $2"
    elif ! diff -u "$tmp/$1.goldens" "$tmp/$1.one-thread"; then
        fail "$1 in one process, one thread: the diagnostics differ from the goldens"
    else ok; fi
}

# --- bad inputs: exact diagnostics, exit 1, nothing written ------------
for input in tests/cases/bad/*.json; do
    name=$(basename "$input" .json)
    golden=tests/cases/bad/$name.out_diag
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
    golden=tests/cases/warn/$name.out_diag
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
if [ $? -eq 1 ] && grep -q "1:89: error\[E004\]: the text is too long (52428800 bytes" "$tmp/huge.diag"; then ok; else fail "50 MB string"; cat "$tmp/huge.diag"; fi

# more events than the limit: refused before any is read
$py -c "import sys; sys.stdout.write('{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": [' + ','.join(['0'] * 2000001) + ']}')" > "$tmp/many.json"
"$bin" check "$tmp/many.json" >/dev/null 2>"$tmp/many.diag"
if [ $? -eq 1 ] && grep -q "error\[E027\]: too many events (2000001, the limit is 2000000)" "$tmp/many.diag"; then ok; else fail "2,000,001 events"; head -3 "$tmp/many.diag"; fi
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

echo "cases: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
