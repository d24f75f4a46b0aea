#!/bin/sh
# What almanac finds where it reads and writes its own files, when that is
# not what it wrote (tests/e2e/files.sh BINARY):
# - the build state (out/.almanac-state) as a FIFO, a link to /dev/zero, a
#   directory, with duplicate records (a merge conflict resolved by keeping
#   both sides) and with numbers out of range: refused or repaired with a
#   clear message, never a hang, a huge read, a deleted feed or a bad feed;
# - a directory or a link at an output's name: refused up front, nothing
#   swapped out of sight; a directory left by an older almanac under a
#   temporary name does not stop the next build;
# - SOURCE_DATE_EPOCH outside the times a feed can hold: a usage error;
# - import -o / --merge: the mode and owner of the file replaced are kept,
#   a new file follows the umask, a symbolic link is written through to its
#   target, stale temporary copies go, and a directory is refused by name.
set -u
. "$(dirname "$0")/start.sh"
passed=0 failed=0

ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: files: $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi; }
# has WHAT FILE TEXT: FILE holds TEXT
has() { if grep -qF -- "$3" "$2"; then ok; else fail "$1: no '$3' in:"; head -5 "$2"; fi; }

export SOURCE_DATE_EPOCH=1800000000
fresh() { # fresh DIR: a built output directory
    rm -rf "$1"
    "$bin" build events.json -o "$1" >/dev/null 2>&1 || fail "fresh build into $1"
}

# --- the build state is a FIFO, a link to /dev/zero, a directory -----------
# Each must fail fast (exit 3) with the state named, for build, ics and the
# server alike, and leave every output as it was.
fresh "$tmp/o"
cp -r "$tmp/o" "$tmp/before"
for kind in fifo zero dir; do
    rm -rf "$tmp/o/.almanac-state"
    case $kind in
    fifo) mkfifo "$tmp/o/.almanac-state"; what="is a FIFO" ;;
    zero) ln -s /dev/zero "$tmp/o/.almanac-state"; what="is a symbolic link" ;;
    dir)  mkdir "$tmp/o/.almanac-state"; what="is a directory" ;;
    esac
    for command in build ics; do
        timeout 10 "$bin" $command events.json -o "$tmp/o" >/dev/null 2>"$tmp/err"
        expect "state as $kind: $command exit" $? 3
        has "state as $kind: $command says what it is" "$tmp/err" "$tmp/o/.almanac-state $what"
    done
    timeout 10 "$bin" serve events.json -o "$tmp/o" --listen 127.0.0.1:0 >/dev/null 2>"$tmp/err"
    expect "state as $kind: serve exit" $? 3
    for f in "$tmp"/before/*; do
        cmp -s "$f" "$tmp/o/$(basename "$f")" || fail "state as $kind: $(basename "$f") changed"
    done
done
rm -rf "$tmp/o/.almanac-state"
cp "$tmp/before/.almanac-state" "$tmp/o/.almanac-state"

# --- duplicate records: one record each, a warning, no feed deleted -------
fresh "$tmp/d"
{ cat "$tmp/d/.almanac-state"; grep '^feed' "$tmp/d/.almanac-state"
  grep '^event' "$tmp/d/.almanac-state" | sed 's/\t0\t/\t5\t/'; } > "$tmp/state"
cp "$tmp/state" "$tmp/d/.almanac-state"
"$bin" build events.json -o "$tmp/d" >/dev/null 2>"$tmp/err"
expect "duplicate records: build exit" $? 0
for f in "$tmp"/before/*.ics; do
    test -f "$tmp/d/$(basename "$f")" && ok || fail "duplicate records: $(basename "$f") was deleted"
done
has "duplicate records: a warning names the line" "$tmp/err" "a second record for feed 'all.ics'"
expect "duplicate records: one record per feed afterwards" \
    "$(grep -c '^feed	all.ics	' "$tmp/d/.almanac-state")" 1
# the later change wins: SEQUENCE never goes back (5, not 0)
expect "duplicate records: the higher SEQUENCE is kept" \
    "$(awk -F'\t' '$1 == "event" { print $4; exit }' "$tmp/d/.almanac-state")" 5

# --- numbers out of range in the state -------------------------------------
fresh "$tmp/n"
id=$(awk -F'\t' '$1 == "event" { print $2; exit }' "$tmp/n/.almanac-state")
awk -F'\t' -v OFS='\t' -v id="$id" '$2 == id { $5 = "9223372036854775807" } { print }' \
    "$tmp/n/.almanac-state" > "$tmp/state" && cp "$tmp/state" "$tmp/n/.almanac-state"
printf 'event\tx\t0123456789abcdef\t-1\t5\nevent\ty\t0123456789abcdef\t99999999999\t5\n' \
    >> "$tmp/n/.almanac-state"
"$bin" build events.json -o "$tmp/n" >/dev/null 2>"$tmp/err"
expect "state numbers out of range: build exit" $? 0
has "state numbers out of range: damaged records named" "$tmp/err" "ignoring a damaged build-state record"
if grep -q '00000000T000000' "$tmp/n"/*.ics; then fail "state numbers out of range: an invalid date in a feed"; else ok; fi

# --- SOURCE_DATE_EPOCH that no feed can hold --------------------------------
for epoch in 32503680000 9223372036854775807 -1 abc 1e9; do
    SOURCE_DATE_EPOCH=$epoch "$bin" ics events.json -o "$tmp/o" >/dev/null 2>"$tmp/err"
    expect "SOURCE_DATE_EPOCH=$epoch: exit" $? 2
    has "SOURCE_DATE_EPOCH=$epoch: says the range" "$tmp/err" "2999-12-31T23:59:59Z"
done
SOURCE_DATE_EPOCH=32503679999 "$bin" ics events.json -o "$tmp/epoch" > "$tmp/last.ics" 2>/dev/null
expect "the last time a feed can hold: exit" $? 0
has "the last time a feed can hold is stamped" "$tmp/last.ics" "DTSTAMP:29991231T235959Z"

# --- a directory or a link at an output's name -----------------------------
for kind in dir link; do
    fresh "$tmp/x"
    rm "$tmp/x/all.ics"
    case $kind in
    dir)  mkdir "$tmp/x/all.ics"; echo mine > "$tmp/x/all.ics/keep" ;;
    link) echo mine > "$tmp/mine.ics"; ln -s "$tmp/mine.ics" "$tmp/x/all.ics" ;;
    esac
    # ".." is $tmp, which this script writes to: its time is no output's
    ls -la "$tmp/x" | grep -v ' \.\.$' > "$tmp/listing.before"
    "$bin" build events.json -o "$tmp/x" >/dev/null 2>"$tmp/err"
    expect "$kind at all.ics: build exit" $? 3
    has "$kind at all.ics: the path is named" "$tmp/err" "$tmp/x/all.ics is a"
    ls -la "$tmp/x" | grep -v ' \.\.$' > "$tmp/listing.after"
    if cmp -s "$tmp/listing.before" "$tmp/listing.after"; then ok
    else fail "$kind at all.ics: the directory changed"; diff "$tmp/listing.before" "$tmp/listing.after"; fi
    "$bin" build events.json -o "$tmp/x" >/dev/null 2>&1
    expect "$kind at all.ics: a second build fails the same way" $? 3
done
# A directory an older almanac swapped under a temporary name is left
# alone, and does not stop builds.
fresh "$tmp/y"
mkdir "$tmp/y/.all.ics.tmp-AbCdEf" && echo mine > "$tmp/y/.all.ics.tmp-AbCdEf/keep"
echo x > "$tmp/y/.all.ics.tmp-GhIjKl"
"$bin" build events.json -o "$tmp/y" >/dev/null 2>"$tmp/err"
expect "a directory under a temporary name: build exit" $? 0
test -f "$tmp/y/.all.ics.tmp-AbCdEf/keep" && ok || fail "a directory under a temporary name was removed"
test ! -e "$tmp/y/.all.ics.tmp-GhIjKl" && ok || fail "a temporary file of a killed build stayed"

# --- import -o and --merge: the file replaced keeps what it was ------------
ics=$tmp/o/all.ics
mkdir -p "$tmp/imp" && cd "$tmp/imp" || exit 2
"$bin" import "$ics" -o new.json >/dev/null 2>&1
expect "import -o: a new file follows umask 022" "$(stat -c %a new.json)" 644
(umask 077 && "$bin" import "$ics" -o private.json >/dev/null 2>&1)
expect "import -o: a new file follows umask 077" "$(stat -c %a private.json)" 600
chmod 640 new.json
"$bin" import "$ics" -o new.json >/dev/null 2>&1
expect "import -o: the mode of the file replaced is kept" "$(stat -c %a new.json)" 640
"$bin" import "$ics" --merge new.json >/dev/null 2>&1
expect "import --merge: the mode of the file replaced is kept" "$(stat -c %a new.json)" 640
if [ "$(id -u)" = 0 ]; then
    chown 65534:65534 new.json
    "$bin" import "$ics" --merge new.json >/dev/null 2>&1
    expect "import --merge: the owner of the file replaced is kept" "$(stat -c %u:%g new.json)" 65534:65534
fi
# a symbolic link is written through, to its target, as editors do
mkdir real && cp new.json real/events.json && ln -s real/events.json link.json
: > real/events.json
"$bin" import "$ics" -o link.json >/dev/null 2>&1
test -L link.json && ok || fail "import -o LINK: the link was replaced by a file"
test -s real/events.json && ok || fail "import -o LINK: the link's target was not written"
"$bin" check link.json >/dev/null 2>&1 && ok || fail "import -o LINK: what it wrote does not check"
# temporary copies left by a killed import go; directories of the name stay
echo partial > .new.json.tmp-AbCdEf
mkdir .new.json.tmp-GhIjKl
"$bin" import "$ics" -o new.json >/dev/null 2>&1
test ! -e .new.json.tmp-AbCdEf && ok || fail "import -o: a stale temporary copy stayed"
test -d .new.json.tmp-GhIjKl && ok || fail "import -o: a directory of a temporary name was removed"
# a directory as the output: refused by name, with the fix, nothing moved
mkdir dir
for target in dir dir/; do
    "$bin" import "$ics" -o "$target" >/dev/null 2>"$tmp/err"
    expect "import -o $target: exit" $? 3
    has "import -o $target: says it is a directory" "$tmp/err" "it is a directory; give the name"
    test -d dir && ok || fail "import -o $target: the directory is gone"
done
if [ -n "$(find . -name '.dir.tmp-*')" ]; then fail "import -o dir: a temporary file stayed"; else ok; fi
cd "$root" || exit 2

echo "files: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
