#!/bin/sh
# The timeline page in a real browser (Debian's chromium, driven by
# puppeteer-core from tests/js): out/index.html as committed, a page built
# from every valid fixture, a 400-event archive, and the page as
# `almanac serve` gives it, whose links must lead back to that server.
# Screenshots and PDFs land in build/screenshots/ for a person to look at.
#   tests/e2e/page.sh BINARY
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
shots=build/screenshots
rm -rf "$shots"
mkdir -p "$shots"
passed=0 failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: page: $*"; }

# look PAGE [EVENTS.json] ...: the browser checks; one pass per page
look() {
    if node tests/js/check_page.mjs --shots "$shots" "$@" > "$tmp/look" 2>&1; then
        ok
    else
        fail "the browser found problems"
    fi
    sed 's/^/  /' "$tmp/look"
}

# The committed page first: what a visitor of the repository's out/ sees.
mkdir -p "$tmp/out"
cp out/index.html out/*.ics "$tmp/out/"
args="$tmp/out/index.html events.json"

# Every valid fixture, built as a user builds it (the page beside its feeds).
for f in tests/cases/good/*.json tests/cases/series/*.json tests/cases/warn/*.json \
         docs/examples/*.json; do
    name=$(basename "$f" .json)
    [ -d "$tmp/$name" ] && name=$(echo "$f" | tr / -)
    if "$bin" build "$f" -o "$tmp/$name" > /dev/null 2> "$tmp/build.err"; then
        args="$args $tmp/$name/index.html $f"
    else
        fail "almanac build $f"; cat "$tmp/build.err"
    fi
done

# A long archive: year headings, the year index and content-visibility.
/usr/bin/python3 bench/gen_events.py 400 "$tmp/archive-400.json" --series 5 > /dev/null
"$bin" build "$tmp/archive-400.json" -o "$tmp/archive-400" > /dev/null 2>&1 ||
    fail "almanac build of the generated archive"
# shellcheck disable=SC2086
look $args "$tmp/archive-400/index.html" "$tmp/archive-400.json"

# serve FILE: almanac serve on FILE (copied into a fresh site) on an
# ephemeral port; sets $pid and $base, its stdout in $tmp/serve.out
serve() {
    rm -rf "$tmp/site" && mkdir -p "$tmp/site"
    cp "$1" "$tmp/site/events.json"
    (cd "$tmp/site" && exec "$bin" serve events.json -o out --listen 127.0.0.1:0) \
        > "$tmp/serve.out" 2> "$tmp/serve.err" &
    pid=$!
    base=""
    for _ in $(seq 100); do
        base=$(sed -n 's|^almanac: serving .* at \(http://[^ ]*\)/ .*|\1|p' "$tmp/serve.out")
        [ -n "$base" ] && return 0
        sleep 0.1
    done
    fail "almanac serve $1 did not start"; cat "$tmp/serve.err"
    return 1
}
unserve() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""; }

# Served without calendar.url: the links on the page must be the server's
# own, and work; the server prints them too.
if serve events.json; then
    if grep -q "webcal://${base#http://}/all.ics" "$tmp/serve.out"; then ok; else
        fail "serve does not print a webcal:// link to itself"; cat "$tmp/serve.out"; fi
    if grep -q "calendar.url" "$tmp/serve.out"; then fail "serve mentions a calendar.url"; else ok; fi
    look "$base/" events.json
    unserve
fi
# With calendar.url the page links there, and serve says so.
if serve tests/cases/good/spans.json; then
    if grep -q "links to the feeds at https://example.org/.* not to this server" "$tmp/serve.out"
    then ok; else fail "serve does not say where the page links"; cat "$tmp/serve.out"; fi
    unserve
fi

echo "page: $passed passed, $failed failed (screenshots in $shots/)"
[ "$failed" = 0 ]
