#!/bin/sh
# No output is ever lost or half-written:
#  - a full file system (a small tmpfs filled up; where mounting is not
#    allowed, RLIMIT_FSIZE through ulimit -f, which gives EFBIG instead of
#    ENOSPC) makes a build exit 3 with the cause, out/ byte-identical, no
#    temporary file left;
#  - a build killed with SIGKILL at random points, 200 times, leaves each
#    file in out/ either as the previous build wrote it or as the new build
#    writes it, and the next build cleans up and gives exactly the new one.
#   tests/e2e/durability.sh BINARY [KILLS]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
kills=${2:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
mnt=""
trap '[ -n "$mnt" ] && umount "$mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
py=/usr/bin/python3
export SOURCE_DATE_EPOCH=1900000000
passed=0 failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: durability: $*"; }
leftovers() { (cd "$1" && ls -A | grep '\.tmp-' || true); }

# The new input edits a title and drops a feed: every file changes, one goes.
$py -c "
import json; d = json.load(open('events.json'))
d['feeds'] = [f for f in d['feeds'] if f['id'] != 'security']
d['events'][0]['title'] += ' (edited)'
json.dump(d, open('$tmp/new.json', 'w'))"

# --- a full file system ----------------------------------------------------
mkdir "$tmp/fs"
if mount -t tmpfs -o size=1m,mode=0755 almanac-full "$tmp/fs" 2>/dev/null; then
    mnt=$tmp/fs
    "$bin" build events.json -o "$tmp/fs/out" 2>/dev/null
    cp -a "$tmp/fs/out" "$tmp/before"
    cp -a "$tmp/before" "$tmp/expected"
    "$bin" build "$tmp/new.json" -o "$tmp/expected" 2>/dev/null
    # Fill it, then free 0, 8, 32 and 64 KiB: the build fails at different
    # files (the new build needs ~90 KiB); with 512 KiB free it succeeds.
    for free in 0 8 32 64 512; do
        rm -rf "$tmp/fs/out" "$tmp/fs/fill" && cp -a "$tmp/before" "$tmp/fs/out"
        dd if=/dev/zero of="$tmp/fs/fill" bs=4k 2>/dev/null
        [ $free -gt 0 ] && truncate -s "-${free}K" "$tmp/fs/fill"
        "$bin" build "$tmp/new.json" -o "$tmp/fs/out" >/dev/null 2>"$tmp/err"
        status=$?
        if [ $free = 512 ]; then
            if [ $status = 0 ] && diff -r "$tmp/expected" "$tmp/fs/out" >/dev/null; then ok
            else fail "tmpfs with 512 KiB free: exit $status or a wrong out/"; cat "$tmp/err"; fi
        elif [ $status != 3 ] || ! grep -q "No space left on device" "$tmp/err"; then
            fail "tmpfs with $free KiB free: exit $status, expected 3 and 'No space left on device'"
            cat "$tmp/err"
        elif ! diff -r "$tmp/before" "$tmp/fs/out" >/dev/null; then
            fail "tmpfs with $free KiB free: out/ changed"
        elif [ -n "$(leftovers "$tmp/fs/out")" ]; then
            fail "tmpfs with $free KiB free: temporary files left"
        else ok; fi
    done
    echo "durability: full disk tested on a 1 MiB tmpfs"
else
    "$bin" build events.json -o "$tmp/out" 2>/dev/null
    cp -a "$tmp/out" "$tmp/before"
    # ulimit -f counts 512-byte blocks in dash, 1024-byte ones in bash:
    # either way smaller than the feeds. SIGXFSZ ignored: writes get EFBIG.
    (trap '' XFSZ; ulimit -f 8; "$bin" build "$tmp/new.json" -o "$tmp/out") >/dev/null 2>"$tmp/err"
    status=$?
    if [ $status = 3 ] && grep -q "File too large" "$tmp/err" &&
       diff -r "$tmp/before" "$tmp/out" >/dev/null && [ -z "$(leftovers "$tmp/out")" ]; then ok
    else fail "RLIMIT_FSIZE: exit $status or out/ changed"; cat "$tmp/err"; fi
    echo "durability: cannot mount a tmpfs here; full disk tested with ulimit -f (EFBIG)"
fi

# --- SIGKILL at random points ----------------------------------------------
# A bigger input (the events 40 times over) so a build takes long enough to
# be killed anywhere in it.
$py -c "
import json, copy, sys
for src, dst in (('events.json', '$tmp/big-old.json'), ('$tmp/new.json', '$tmp/big-new.json')):
    d = json.load(open(src)); events = d['events']; d['events'] = []
    for i in range(40):
        for e in events:
            e = copy.deepcopy(e); e['id'] += '-%d' % i; e.pop('related', None)
            d['events'].append(e)
    json.dump(d, open(dst, 'w'))"
"$bin" build "$tmp/big-old.json" -o "$tmp/kill-before" 2>/dev/null
# The build's time: the fastest of three (the machine may be busy).
took=0
for _ in 1 2 3; do
    rm -rf "$tmp/kill-expected" && cp -a "$tmp/kill-before" "$tmp/kill-expected"
    start=$(date +%s%N)
    "$bin" build "$tmp/big-new.json" -o "$tmp/kill-expected" 2>/dev/null
    t=$(( ($(date +%s%N) - start) / 1000 ))  # microseconds
    [ $took = 0 ] || [ $t -lt $took ] && took=$t
done
# Delays: half spread over 0..1.1 x the build's time, half over its last
# 20 %, where the files are renamed into place. Seeded: a failure repeats.
# (tests/faultinject/run.sh also kills a build at each of its file-system
# calls, which reaches every point between two renames.)
$py -c "
import random; r = random.Random(8)
for i in range($kills):
    u = r.uniform(0, 1.1) if i % 2 == 0 else r.uniform(0.8, 1.0)
    print('%.6f' % (u * $took / 1e6))" > "$tmp/delays"
$py tests/e2e/kill_builds.py "$tmp/kill-before" "$tmp/kill-expected" "$tmp/big-new.json" \
    "$bin" "$bin" --delays "$tmp/delays" > "$tmp/kills"
sed '$d' "$tmp/kills" | sed "s/^\([0-9]*\) kills:/durability: \1 SIGKILLs (a build takes ${took} us):/"
counts=$(tail -1 "$tmp/kills")
case $counts in
*" passed, "*" failed") passed=$((passed + ${counts%% *})); rest=${counts#*, }; failed=$((failed + ${rest%% *})) ;;
*) fail "kill_builds.py ended without its counts" ;;
esac
echo "durability: $passed passed, $failed failed"
[ $failed = 0 ]
