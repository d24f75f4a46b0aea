#!/bin/sh
# Load test of `almanac serve` with wrk (Debian): 32 connections (the
# server's limit per client address, and wrk connects from one) for a fixed
# time against the full feed, as a first download, as gzip, and as the
# revalidation (If-None-Match -> 304) that polling calendar apps send most.
# Prints requests/s, latency percentiles and errors for each.
#   bench/serve.sh BINARY [SECONDS]
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seconds=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cp "$root/events.json" "$tmp/events.json"
cd "$tmp"
"$bin" serve events.json -o out --listen 127.0.0.1:0 > stdout 2> access.log &
pid=$!
base=""
for _ in $(seq 100); do
    base=$(sed -n 's|^almanac: serving .* at \(http://[^ ]*\)/ .*|\1|p' stdout)
    [ -n "$base" ] && break
    sleep 0.1
done
[ -n "$base" ] || { echo "bench: the server did not start" >&2; cat access.log >&2; exit 1; }
etag=$(curl -s -D - -o /dev/null "$base/all.ics" | sed -n 's/^ETag: //ip' | tr -d '\r')
size=$(wc -c < out/all.ics | tr -d ' ')
echo "almanac serve, $(nproc) cores, wrk -t2 -c32 -d${seconds}s, all.ics = $size bytes"
echo "(the access log goes to a file; on a terminal it would cost more)"
printf '%-22s %12s %9s %9s %9s %9s %8s\n' request requests/s p50 p90 p99 max errors
run() { # run NAME [HEADER]
    name=$1; shift
    wrk -t2 -c32 -d"${seconds}s" --latency "$@" "$base/all.ics" > wrk.out 2>&1
    rps=$(sed -n 's/^Requests\/sec: *//p' wrk.out)
    p50=$(sed -n 's/^ *50% *//p' wrk.out); p90=$(sed -n 's/^ *90% *//p' wrk.out)
    p99=$(sed -n 's/^ *99% *//p' wrk.out)
    max=$(sed -n 's/^ *Latency *[^ ]* *[^ ]* *\([^ ]*\).*/\1/p' wrk.out)
    errors=$(sed -n 's/^ *Socket errors: *//p; s/^ *Non-2xx or 3xx responses: *//p' wrk.out | tr '\n' ' ')
    printf '%-22s %12s %9s %9s %9s %9s %8s\n' "$name" "$rps" "$p50" "$p90" "$p99" "$max" "${errors:-0}"
}
run "GET (identity)"
run "GET (gzip)" -H "Accept-Encoding: gzip"
run "If-None-Match (304)" -H "If-None-Match: $etag"
kill -TERM "$pid"; wait "$pid" || true; pid=""
