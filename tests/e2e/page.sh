#!/bin/sh
# The timeline page in a real browser (Debian's chromium, driven by
# puppeteer-core from tests/js): out/index.html as committed, a page built
# from every valid fixture, a 400-event archive, a 1,200-event one (a page
# per year), and the page as `almanac serve` gives it, whose links must
# lead back to that server.
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

# A timeline over ALMANAC_HTML_PAGE_MAX (1,000) entries is a page per year,
# index.html the latest: each entry on exactly the page of its first day's
# year, every page linked from every other, and pages that are no longer
# written removed.
/usr/bin/python3 bench/gen_events.py 1200 "$tmp/archive-1200.json" > /dev/null
if "$bin" build "$tmp/archive-1200.json" -o "$tmp/paged" > /dev/null 2>&1; then
    "$bin" timeline "$tmp/archive-1200.json" --format json > "$tmp/paged.json"
    if /usr/bin/python3 - "$tmp/paged" "$tmp/paged.json" <<'PY'
import json, os, re, sys
out, timeline = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
years = sorted({e["first_day"][:4] for e in timeline["events"]})
pages = sorted(f[:4] for f in os.listdir(out) if re.fullmatch(r"\d{4}\.html", f))
assert pages == years, f"pages {pages} for years {years}"
seen = {}
for year in pages:
    html = open(f"{out}/{year}.html", encoding="utf-8").read()
    for y in pages:
        assert f'href="{y}.html"' in html, f"{year}.html does not link {y}.html"
    assert f'<a href="{year}.html" aria-current="page">' in html, f"{year}.html unmarked"
    for i in re.findall(r'<li id="event-([^"]+)"', html):
        assert i not in seen, f"{i} on {seen[i]} and {year}"
        seen[i] = year
for e in timeline["events"]:
    assert seen.get(e["id"]) == e["first_day"][:4], f"{e['id']} on {seen.get(e['id'])}"
assert open(f"{out}/index.html").read() == open(f"{out}/{pages[-1]}.html").read()
PY
    then ok; else fail "the pages per year"; fi
    look "$tmp/paged/index.html" "$tmp/paged/$(cd "$tmp/paged" && ls 2*.html | head -1)"
    "$bin" build events.json -o "$tmp/paged" > /dev/null 2>&1
    left=$(cd "$tmp/paged" && ls | grep -c '^[0-9]*\.html$')
    if [ "$left" = 0 ]; then ok; else fail "$left year pages left after the timeline shrank"; fi
else
    fail "almanac build of the 1,200-event archive"
fi

# serve FILE: almanac serve on FILE (copied into a fresh site) on an
# ephemeral port; sets $pid and $base, its stdout in $tmp/serve.out
serve() {
    rm -rf "$tmp/site" && mkdir -p "$tmp/site"
    cp "$1" "$tmp/site/events.json"
    # emptied here, not by the redirection below, which the background
    # shell may do after the loop has read the last server's address
    : > "$tmp/serve.out"
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
# The year pages of a long timeline are served, as pages.
if serve "$tmp/archive-1200.json"; then
    year=$(sed -n 's|.*<a href="\([0-9]*\.html\)" aria-current.*|\1|p' "$tmp/site/out/index.html" | head -1)
    curl -s -D "$tmp/headers" -o /dev/null "$base/$year"
    if grep -q "^HTTP/1.1 200" "$tmp/headers" && grep -qi "^content-type: text/html" "$tmp/headers" &&
       grep -qi "^content-security-policy:" "$tmp/headers"; then ok; else
        fail "serve /$year"; cat "$tmp/headers"; fi
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
