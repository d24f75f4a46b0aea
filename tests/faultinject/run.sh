#!/bin/sh
# Fault injection over a whole build: for N = 1, 2, ... the Nth
# file-system call on the output directory fails (faultinject.so, see
# faultinject.c), until a run reaches its end with no failure injected.
# Every failing run must exit 3 with an error message naming the cause,
# leave out/ byte-identical to before (the state included) and leave no
# temporary file; the run with no failure must give the same out/ as a
# build without the library. A file opened only to be read ("open-read":
# the VEVENT index, an old output compared with the new) may instead be
# done without, when the run then gives exactly that out/.
#   tests/faultinject/run.sh BINARY LIBRARY [KILLED_BINARY]
# KILLED_BINARY (default BINARY) is the one killed at each call: the release
# build makes that pass three times cheaper, and loses nothing, since a run
# killed at call N has done only what the sanitized run failed at N did.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
lib=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
killed_bin=$bin
[ $# -ge 3 ] && killed_bin=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
export SOURCE_DATE_EPOCH=1900000000
# gcc's ASan wants to be first; the preload library only forwards calls.
export ASAN_OPTIONS=verify_asan_link_order=0
passed=0 failed=0
fail() { failed=$((failed + 1)); echo "FAIL: faultinject: $*"; }

# The previous build: events.json. The new one changes a title, drops a
# feed and holds every event 50 times, so a build replaces every file,
# removes one, and most files outgrow the stream buffer (256 KiB): writes
# fail in the middle of rendering too, not only at the final flush.
"$bin" build events.json -o "$tmp/before" 2>/dev/null || { echo "FAIL: first build"; exit 1; }
$py -c "
import copy, json; d = json.load(open('events.json'))
d['feeds'] = [f for f in d['feeds'] if f['id'] != 'security']
d['events'][0]['title'] += ' (edited)'
d['events'] += [dict(copy.deepcopy(e), id='%s-copy-%d' % (e['id'], k))
                for k in range(1, 50) for e in d['events']]
json.dump(d, open('$tmp/new.json', 'w'))"
cp -a "$tmp/before" "$tmp/expected"
"$bin" build "$tmp/new.json" -o "$tmp/expected" 2>/dev/null || { echo "FAIL: reference build"; exit 1; }
if diff -r "$tmp/before" "$tmp/expected" >/dev/null; then echo "FAIL: the new build changes nothing"; exit 1; fi

n=1
while [ $n -le 500 ]; do
    rm -rf "$tmp/out" && cp -a "$tmp/before" "$tmp/out"
    FAULT_DIR="$tmp/out" FAULT_AT=$n FAULT_LOG="$tmp/log" LD_PRELOAD="$lib" \
        "$bin" build "$tmp/new.json" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
    read -r _ calls _ call < "$tmp/log" || { fail "N=$n: no log"; break; }
    if [ "$call" = - ]; then
        # N is past the last call: this run must simply work.
        if [ $status = 0 ] && diff -r "$tmp/expected" "$tmp/out" >/dev/null; then
            passed=$((passed + 1))
        else
            fail "N=$n: the run without a fault did not give the expected out/ (exit $status)"
        fi
        break
    fi
    leftovers=$(cd "$tmp/out" && ls -A | grep '\.tmp-' || true)
    if [ $status = 0 ] && [ "${call%-read}" != "$call" ] && [ -z "$leftovers" ] &&
        diff -r "$tmp/expected" "$tmp/out" >/dev/null; then
        # a read that failed cost work (a cache not read, an output not
        # compared), and the build still wrote exactly the expected out/
        passed=$((passed + 1))
        echo "$call" >> "$tmp/injected"
    elif [ $status != 3 ]; then
        fail "N=$n ($call): exit $status, expected 3"; cat "$tmp/stderr"
    elif ! grep -q "error\[E[0-9]*\]: .*: [A-Z]" "$tmp/stderr"; then
        fail "N=$n ($call): no error message with its cause"; cat "$tmp/stderr"
    elif ! diff -r "$tmp/before" "$tmp/out" >"$tmp/diff"; then
        fail "N=$n ($call): out/ changed"; head -5 "$tmp/diff"
    elif [ -n "$leftovers" ]; then
        fail "N=$n ($call): temporary files left: $leftovers"
    else
        passed=$((passed + 1))
        echo "$call" >> "$tmp/injected"
    fi
    n=$((n + 1))
done
# The same points once more, but the process is killed there (SIGKILL):
# each file must be the old one or the new one, and the next build must
# clean up and give the new out/.
$py tests/e2e/kill_builds.py "$tmp/before" "$tmp/expected" "$tmp/new.json" "$killed_bin" "$bin" \
    --calls $((n - 1)) "$lib" > "$tmp/kills"
sed '$d' "$tmp/kills" | sed "s/^\([0-9]*\) kills:/faultinject: killed at each call 1..$((n - 1)):/"
counts=$(tail -1 "$tmp/kills")
case $counts in
*" passed, "*" failed") passed=$((passed + ${counts%% *})); rest=${counts#*, }; failed=$((failed + ${rest%% *})) ;;
*) fail "kill_builds.py ended without its counts" ;;
esac

summary=$(sort "$tmp/injected" 2>/dev/null | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')
echo "faultinject: N=1..$((n - 1)) each failed one of $calls calls ($summary): $passed passed, $failed failed"
[ $failed = 0 ]
