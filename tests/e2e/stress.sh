#!/bin/sh
# Slow-client attacks on `almanac serve` for minutes (make stress; not part
# of make test, whose serve.sh runs the same for seconds). While each runs,
# a fresh client on 127.0.0.1 fetches all.ics every 0.25 s on a new
# connection and must get all of it within a second:
#   1. the attack of issue 18: 1,280 connections from ten loopback
#      addresses, a partial request head each and then a byte every 10 s,
#      every connection the server closes opened again; none may live past
#      the 10 s head deadline, none beyond 32 per address;
#   2. 2,560 connections from 80 addresses, 32 each (within the
#      per-address limit), a byte every 2 s: the server stays full, new
#      clients get in because the connections that waited longest for a
#      head make room.
# After each: the server's memory (VmRSS, VmHWM) and open descriptors.
#   tests/e2e/stress.sh BINARY [SECONDS]   (each attack; default 75)
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seconds=${2:-75}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
py=/usr/bin/python3
status=0

cp "$root/events.json" "$tmp/events.json"
cd "$tmp" || exit 2
"$bin" serve events.json -o out --listen 127.0.0.1:0 > stdout 2> access.log &
pid=$!
base=""
for _ in $(seq 100); do
    base=$(sed -n 's|^almanac: serving .* at \(http://[^ ]*\)/ .*|\1|p' stdout)
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || { echo "stress: the server did not start"; cat access.log; exit 1; }

# server_state WHEN: the server's memory and descriptors, printed.
server_state() {
    echo "  server $1: VmRSS $(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status")," \
         "peak VmHWM $(awk '/^VmHWM/ {print $2, $3}' "/proc/$pid/status")," \
         "$(ls "/proc/$pid/fd" | wc -l) descriptors open"
}
# attack LABEL ARGS...: slow_clients.py, with the server's state half-way.
attack() {
    label=$1; shift
    (sleep $((seconds / 2)); server_state "half-way") > "$tmp/state" &
    state_pid=$!
    "$py" "$root/tests/e2e/slow_clients.py" --url "$base" --file out/all.ics --label "$label" \
        --seconds "$seconds" --reconnect "$@" || status=1
    wait "$state_pid"
    cat "$tmp/state"
}

echo "stress: $bin, $seconds s per attack, $(nproc) cores"
attack "1,280 from 10 addresses, a byte every 10 s" --addresses 10 --per-address 128 \
    --trickle 10 --deadline 10 --per-address-max 32
attack "2,560 from 80 addresses, a byte every 2 s" --addresses 80 --first-address 20 \
    --per-address 32 --trickle 2 --deadline 10
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/all.ics")
[ "$code" = 200 ] || { echo "FAIL: stress: all.ics after the attacks: $code"; status=1; }
kill -TERM "$pid"
wait "$pid" || { echo "FAIL: stress: the server did not exit cleanly"; status=1; }
pid=""
if grep -q 'ERROR: AddressSanitizer\|runtime error' access.log; then
    echo "FAIL: stress: sanitizer report"; grep -A20 'ERROR: AddressSanitizer\|runtime error' access.log
    status=1
fi
[ $status = 0 ] && echo "stress: passed" || echo "stress: FAILED"
exit $status
