#!/bin/sh
# `almanac serve` as calendar apps and browsers meet it: the real server on
# an ephemeral loopback port, checked with curl (status codes, headers,
# validators, gzip, HEAD, methods, every traversal variant), raw sockets for
# what curl will not send, --watch with a valid and an invalid edit, and a
# real subscription client (vdirsyncer's http storage) syncing the feed.
#   tests/e2e/serve.sh BINARY
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
py=/usr/bin/python3
passed=0 failed=0

ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: serve: $*"; }
# expect WHAT GOT WANT
expect() { if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi; }

# start ARGS...: runs almanac serve in $tmp/site, sets $pid and $base. Its
# stderr (the access log) goes to $serve_log, or else to $tmp/stderr; with
# $serve_files set, it may open that many files (ulimit -n).
serve_log="" serve_files=""
start() {
    # emptied here, not only by the redirection below: the server starts in
    # the background, and the loop could read the last server's address
    : > "$tmp/stdout"
    (if [ -n "$serve_files" ]; then ulimit -n "$serve_files" || exit 2; fi
     exec "$bin" serve "$@") > "$tmp/stdout" 2> "${serve_log:-$tmp/stderr}" &
    pid=$!
    base=""
    for _ in $(seq 100); do
        base=$(sed -n 's|^almanac: serving .* at \(http://[^ ]*\)/ .*|\1|p' "$tmp/stdout")
        [ -n "$base" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    fail "the server did not start"; cat "$tmp/stderr"; exit 1
}

# stop: SIGTERM, then the exit status must be 0 within 10 s.
stop() {
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then fail "SIGTERM did not stop the server"; kill -9 "$pid"; fi
    wait "$pid"; expect "exit status after SIGTERM" $? 0
    pid=""
}

# header NAME FILE: the value of a response header in a curl -D dump.
header() { sed -n "s/^$1: *//Ip" "$2" | tr -d '\r' | tail -1; }
code() { curl -s --path-as-is -o /dev/null -w '%{http_code}' "$@"; }

mkdir -p "$tmp/site"
cp events.json "$tmp/site/events.json"
cp -r out "$tmp/site/out"   # the committed state: stamps as published
cd "$tmp/site" || exit 2
# A NAME.gz of somebody else's beside an output: never used, never touched.
printf 'not almanac\n' | gzip -n > out/timeline.md.gz
cp out/timeline.md.gz "$tmp/foreign.gz"
start events.json -o out --listen 127.0.0.1:0 --watch
# wait_gzip: the server writes the gzip siblings just after it publishes a
# build, and then serves them: wait until all.ics is served as gzip.
wait_gzip() {
    for _ in $(seq 100); do
        curl -s -D "$tmp/hg" -o /dev/null -H 'Accept-Encoding: gzip' "$base/all.ics"
        [ "$(header Content-Encoding "$tmp/hg")" = gzip ] && return 0
        sleep 0.1
    done
    fail "all.ics was not served as gzip within 10 s"
}
wait_gzip

# --- every generated file, byte for byte, with its type ------------------
for file in out/*.ics out/index.html out/timeline.txt out/timeline.md; do
    name=$(basename "$file")
    curl -s -D "$tmp/h" -o "$tmp/body" "$base/$name"
    expect "GET /$name status" "$(sed -n '1s/\r//p' "$tmp/h")" "HTTP/1.1 200 OK"
    if cmp -s "$tmp/body" "$file"; then ok; else fail "GET /$name differs from $file"; fi
    case $name in
    *.ics) want="text/calendar; charset=utf-8" ;;
    *.html) want="text/html; charset=utf-8" ;;
    *.txt) want="text/plain; charset=utf-8" ;;
    *.md) want="text/markdown; charset=utf-8" ;;
    esac
    expect "Content-Type of /$name" "$(header Content-Type "$tmp/h")" "$want"
done
curl -s -o "$tmp/body" "$base/"
if cmp -s "$tmp/body" out/index.html; then ok; else fail "/ is not index.html"; fi

# --- validators and caching ---------------------------------------------
curl -s -D "$tmp/h" -o /dev/null "$base/all.ics"
etag=$(header ETag "$tmp/h")
modified=$(header Last-Modified "$tmp/h")
case $etag in '"'*'"') ok ;; *) fail "ETag is not a strong entity tag: '$etag'" ;; esac
# The refresh interval of the feed, in seconds, is the max-age.
refresh=$("$py" -c "
import re,sys
m=re.search(r'REFRESH-INTERVAL;VALUE=DURATION:P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?', open('out/all.ics').read())
d,h,mi=(int(x or 0) for x in m.groups()); print(d*86400+h*3600+mi*60)")
expect "Cache-Control" "$(header Cache-Control "$tmp/h")" "public, max-age=$refresh"
expect "Content-Disposition" "$(header Content-Disposition "$tmp/h")" 'attachment; filename="all.ics"'
state_time=$("$py" -c "
import email.utils,sys
print(email.utils.format_datetime(email.utils.parsedate_to_datetime('$modified'), usegmt=True))")
expect "Last-Modified is an HTTP date" "$state_time" "$modified"
expect "If-None-Match with the ETag" "$(code -H "If-None-Match: $etag" "$base/all.ics")" 304
expect "If-None-Match, weak form" "$(code -H "If-None-Match: W/$etag" "$base/all.ics")" 304
expect "If-None-Match in a list" "$(code -H "If-None-Match: \"x\", $etag" "$base/all.ics")" 304
expect "If-None-Match: *" "$(code -H "If-None-Match: *" "$base/all.ics")" 304
expect "If-None-Match, another ETag" "$(code -H 'If-None-Match: "other"' "$base/all.ics")" 200
expect "If-Modified-Since = Last-Modified" \
    "$(code -H "If-Modified-Since: $modified" "$base/all.ics")" 304
earlier=$("$py" -c "
import email.utils,datetime
t=email.utils.parsedate_to_datetime('$modified')-datetime.timedelta(seconds=1)
print(email.utils.format_datetime(t, usegmt=True))")
expect "If-Modified-Since a second earlier" \
    "$(code -H "If-Modified-Since: $earlier" "$base/all.ics")" 200
expect "If-None-Match takes precedence over If-Modified-Since" \
    "$(code -H 'If-None-Match: "other"' -H "If-Modified-Since: $modified" "$base/all.ics")" 200
expect "a malformed If-Modified-Since is ignored" \
    "$(code -H "If-Modified-Since: yesterday" "$base/all.ics")" 200
rm -f "$tmp/body"; curl -s -D "$tmp/h304" -o "$tmp/body" -H "If-None-Match: $etag" "$base/all.ics"
expect "304 has no body" "$(cat "$tmp/body" 2>/dev/null | wc -c | tr -d ' ')" 0
expect "304 repeats the ETag" "$(header ETag "$tmp/h304")" "$etag"

# --- HEAD, gzip -----------------------------------------------------------
curl -s -I -o "$tmp/head" "$base/all.ics"
expect "HEAD status" "$(sed -n '1s/\r//p' "$tmp/head")" "HTTP/1.1 200 OK"
expect "HEAD Content-Length" "$(header Content-Length "$tmp/head")" "$(wc -c < out/all.ics | tr -d ' ')"
expect "HEAD ETag" "$(header ETag "$tmp/head")" "$etag"
rm -f "$tmp/body"; curl -s -X HEAD -o "$tmp/body" --max-time 5 "$base/all.ics" 2>/dev/null
expect "HEAD sends no body" "$(cat "$tmp/body" 2>/dev/null | wc -c | tr -d ' ')" 0
curl -s -D "$tmp/h" -o "$tmp/body.gz" -H 'Accept-Encoding: gzip' "$base/all.ics"
expect "gzip Content-Encoding" "$(header Content-Encoding "$tmp/h")" gzip
expect "gzip Vary" "$(header Vary "$tmp/h")" Accept-Encoding
if gzip -dc < "$tmp/body.gz" | cmp -s - out/all.ics; then ok; else fail "gzip body is not all.ics"; fi
gz_etag=$(header ETag "$tmp/h")
if [ "$gz_etag" != "$etag" ]; then ok; else fail "the gzip representation has the same ETag"; fi
expect "gzip ETag revalidates" \
    "$(code -H 'Accept-Encoding: gzip' -H "If-None-Match: $gz_etag" "$base/all.ics")" 304
curl -s -D "$tmp/h" -o /dev/null -H 'Accept-Encoding: gzip;q=0, identity' "$base/all.ics"
expect "gzip;q=0 is refused" "$(header Content-Encoding "$tmp/h")" ""
curl -s -D "$tmp/h" -o /dev/null -H 'Accept-Encoding: br, *' "$base/all.ics"
expect "* accepts gzip" "$(header Content-Encoding "$tmp/h")" gzip

# --- served from the files and their gzip siblings ------------------------
# Every 200 is the file's bytes: as they are, or the sibling NAME.gz byte
# for byte, which holds the same bytes gzipped and says so in its header.
for file in out/*.ics out/index.html out/timeline.txt; do
    name=$(basename "$file")
    curl -s -D "$tmp/h" -o "$tmp/body.gz" -H 'Accept-Encoding: gzip' "$base/$name"
    expect "/$name as gzip" "$(header Content-Encoding "$tmp/h")" gzip
    if cmp -s "$tmp/body.gz" "$file.gz"; then ok; else fail "gzip of /$name is not $file.gz"; fi
    if gzip -dc < "$tmp/body.gz" | cmp -s - "$file"; then ok; else fail "gunzipped /$name differs from $file"; fi
    expect "Content-Length of gzip /$name" "$(header Content-Length "$tmp/h")" \
        "$(wc -c < "$file.gz" | tr -d ' ')"
done
expect "a sibling says whose gzip it is" "$("$py" -c "
b = open('out/all.ics.gz', 'rb').read()
print(b[3] == 0x10 and b[10:b.index(0, 10)].decode().split()[0])")" almanac
# somebody else's timeline.md.gz: not served, not replaced
curl -s -D "$tmp/h" -o "$tmp/body" -H 'Accept-Encoding: gzip' "$base/timeline.md"
expect "a foreign NAME.gz is not served" "$(header Content-Encoding "$tmp/h")" ""
if cmp -s "$tmp/body" out/timeline.md; then ok; else fail "/timeline.md differs from the file"; fi
if cmp -s out/timeline.md.gz "$tmp/foreign.gz"; then ok; else fail "serve replaced a foreign timeline.md.gz"; fi

# ETags: a rebuild of the same bytes (SIGHUP) keeps every ETag and
# Last-Modified; below, an edit changes the ETag of exactly the files whose
# bytes change.
# validators FILE: "name ETag Last-Modified" of every output, one a line.
validators() {
    for f in out/*.ics out/index.html out/timeline.txt out/timeline.md; do
        curl -s -I -o "$tmp/hv" "$base/${f#out/}"
        echo "${f#out/} $(header ETag "$tmp/hv") $(header Last-Modified "$tmp/hv")"
    done > "$1"
}
validators "$tmp/v1"
rm -rf "$tmp/before"; mkdir "$tmp/before"; cp out/*.ics out/index.html out/timeline.* "$tmp/before/"
rebuilt=$(grep -c 'rebuilt' "$tmp/stderr")
kill -HUP "$pid"
for _ in $(seq 100); do [ "$(grep -c 'rebuilt' "$tmp/stderr")" -gt "$rebuilt" ] && break; sleep 0.1; done
validators "$tmp/v2"
if cmp -s "$tmp/v1" "$tmp/v2"; then ok; else fail "a rebuild of the same bytes changed validators"; diff "$tmp/v1" "$tmp/v2"; fi

# --- methods and paths ------------------------------------------------------
for method in POST PUT DELETE PATCH OPTIONS; do
    curl -s -D "$tmp/h" -o /dev/null -X "$method" -d x=1 "$base/all.ics"
    expect "$method" "$(sed -n '1s/\r//p' "$tmp/h")" "HTTP/1.1 405 Method Not Allowed"
    expect "$method Allow" "$(header Allow "$tmp/h")" "GET, HEAD"
done
for path in /../events.json /..%2fevents.json /%2e%2e/events.json /%2E%2E/%2E%2E/etc/passwd \
            //etc/passwd /etc/passwd /all.ics%00 /all.ics%00.html /all.ics/ /ALL.ICS /all.ics. \
            /.almanac-state /events.json /out/all.ics /index.html/.. /nothing '/all.ics;x' \
            /%2fall.ics /all%2eics; do
    got=$(code "$base$path")
    case $got in 4??) ok ;; *) fail "GET $path: $got, expected 4xx" ;; esac
done
expect "a query string is ignored" "$(code "$base/all.ics?nocache=1")" 200
long=$("$py" -c "print('/' + 'a' * 20000)")
got=$(code "$base$long")
case $got in 414|431|400) ok ;; *) fail "over-long URL: $got, expected 414" ;; esac
# What curl will not send: a raw NUL, an absolute-form target, no path.
# libmicrohttpd ends the path at a raw NUL, so "/all.ics<NUL>/../x" is a
# request for /all.ics: served from the table, never anything else.
"$py" - "$base" > "$tmp/raw" <<'EOF'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
all_ics = open("out/all.ics", "rb").read()
def status(request):
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                return "TIMEOUT"
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        line = head.split(b"\r\n")[0].decode(errors="replace")
        if b"root:" in body:
            return line + " LEAKED"
        if line.startswith("HTTP/1.1 200") and body != all_ics:
            return line + " UNEXPECTED"
        return line
for name, request in [
        ("NUL in the path", b"GET /all.ics\x00/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("absolute-form traversal", b"GET http://x/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("backslashes", b"GET /..\\..\\etc\\passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("no path", b"GET  HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        ("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n")]:
    line = status(request)
    code = line.split(" ")[1] if line.startswith("HTTP/1.") and " " in line else "closed"
    if line.endswith((" LEAKED", " UNEXPECTED")):
        code = line.rsplit(" ", 1)[1]
    elif code == "200" and name != "NUL in the path":
        code = "200-unexpected"
    print(name, code)
EOF
while read -r what; do
    got=${what##* }
    case $got in 4??|closed|200) ok ;; *) fail "raw request, $what: expected 4xx or a closed connection" ;; esac
done < "$tmp/raw"
expect "raw requests answered" "$(wc -l < "$tmp/raw" | tr -d ' ')" 5
# Framing and the request head (RFC 9112 3.2, 5.1, 6.1, 6.3): each
# request is sent on its own connection with more bytes after the head.
# Where the end of a request is uncertain the answer is 400 with
# "Connection: close" and the connection is closed, nothing after it is
# answered (no smuggled second request), and nothing waits for a timeout.
"$py" - "$base" > "$tmp/framing" <<'EOF'
import socket, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
all_ics = open("out/all.ics", "rb").read()
SMUGGLED = b"GET /timeline.txt HTTP/1.1\r\nHost: x\r\n\r\n"
def exchange(data, wait=5.0):
    """Sends DATA, reads until the server closes or WAIT passes: the
    responses' status lines, whether it closed, the seconds taken."""
    start = time.monotonic()
    with socket.create_connection((u.hostname, u.port), timeout=wait) as s:
        try:
            s.sendall(data)
        except OSError:
            pass
        out, closed = b"", False
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                out += chunk
        except (socket.timeout, TimeoutError):
            pass
        except ConnectionResetError:
            closed = True
    statuses = [line.split(b" ")[1].decode() for line in out.split(b"\r\n")
                if line.startswith(b"HTTP/1.")]
    return statuses, closed, out, time.monotonic() - start
def check(name, data, status, close, once=True):
    statuses, closed, out, took = exchange(data)
    problems = []
    if statuses[:1] != [status]:
        problems.append("status %s, expected %s" % (statuses or "none (silence)", status))
    if close and not closed:
        problems.append("not closed within %.0f s" % took)
    if close and b"\r\nConnection: close\r\n" not in out:
        problems.append("no Connection: close")
    if close and len(statuses) > 1 and (once or set(statuses) != {status}):
        problems.append("answered what followed the request: %s" % statuses)
    print(("FAIL " if problems else "ok ") + name + (": " + "; ".join(problems) if problems else ""))
GET = b"GET /all.ics HTTP/1.1\r\nHost: x\r\n"
check("two different Content-Length", GET + b"Content-Length: 0\r\nContent-Length: "
      + str(len(SMUGGLED)).encode() + b"\r\n\r\n" + SMUGGLED, "400", True)
# libmicrohttpd answers this one itself, before almanac sees the request,
# and 0.9.75 sends its reply's head twice (README, Hardening).
check("Content-Length as a list", GET + b"Content-Length: 5, 5\r\n\r\nhello", "400", True,
      once=False)
check("Content-Length and Transfer-Encoding", GET + b"Content-Length: 5\r\n"
      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, "400", True)
check("Transfer-Encoding: xchunked", GET + b"Transfer-Encoding: xchunked\r\n\r\n", "400", True)
check("Transfer-Encoding: chunked, gzip", GET + b"Transfer-Encoding: chunked, gzip\r\n\r\n",
      "400", True)
check("Transfer-Encoding in HTTP/1.0", b"GET /all.ics HTTP/1.0\r\n"
      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400", True)
check("a space before the colon", GET + b"Content-Length : 5\r\n\r\nhello", "400", True)
check("a GET with a body", GET + b"Content-Length: 5\r\n\r\nhello", "400", True)
check("a GET with a chunked body", GET + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "400", True)
check("a HEAD with a body", b"HEAD /all.ics HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx",
      "400", True)
check("HTTP/1.1 without Host", b"GET /all.ics HTTP/1.1\r\n\r\n", "400", True)
check("two Host fields", GET + b"Host: y\r\n\r\n", "400", True)
check("a space in the target", b"GET /all.ics x HTTP/1.1\r\nHost: x\r\n\r\n", "400", True)
check("HTTP/1.0 without Host", b"GET /all.ics HTTP/1.0\r\n\r\n", "200", True)
check("the same Content-Length twice", GET + b"Content-Length: 0\r\nContent-Length: 0\r\n"
      b"Connection: close\r\n\r\n", "200", True)
check("a POST with a body", b"POST /all.ics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
      "405", True)
# Heads of every size around the 16 KiB limit, as one long field, as
# many short ones or as query arguments: a 200 up to the limits, a 431
# beyond, never silence.
def head(size, fields):
    per = max(4, (size - 60) // fields)
    lines = b"".join(b"X-%03d: %s\r\n" % (i, b"v" * (per - 8)) for i in range(fields))
    return GET + lines + b"Connection: close\r\n\r\n"
silent, wrong = [], []
for size in list(range(15000, 17500, 11)) + list(range(31000, 34000, 29)):
    for fields in (1, 60):
        data = head(size, fields)
        statuses, closed, out, took = exchange(data)
        want = "200" if len(data) <= 16384 else "431"
        if not statuses:
            silent.append((len(data), fields))
        elif statuses[0] != want or (want == "200" and not out.endswith(all_ics)):
            wrong.append((len(data), fields, statuses[0]))
for fields in range(80, 700, 3):
    data = GET + b"".join(b"y%d:\r\n" % i for i in range(fields)) + b"Connection: close\r\n\r\n"
    statuses, closed, out, took = exchange(data)
    want = "200" if fields + 2 <= 100 else "431"
    if not statuses:
        silent.append((len(data), fields))
    elif statuses[0] != want:
        wrong.append((len(data), fields, statuses[0]))
# query arguments are fields too; libmicrohttpd itself stops reading at ~480
for count in (98, 99, 150, 470, 480, 1000, 3000):
    query = b"&".join(b"a%d" % i for i in range(count))
    data = b"GET /all.ics?" + query + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    statuses, closed, out, took = exchange(data)
    want = "200" if count + 2 <= 100 else "431"
    if not statuses:
        silent.append((len(data), count))
    elif statuses[0] != want or took > 1:
        wrong.append((len(data), count, statuses[0]))
print(("FAIL heads around the limits: silence for (bytes, fields) %s" % silent[:8]) if silent
      else "ok heads around the limits: never silence")
print(("FAIL heads around the limits: wrong status (bytes, fields, got) %s" % wrong[:8]) if wrong
      else "ok heads around the limits: 200 within 16 KiB and 100 fields, 431 beyond")
EOF
while read -r verdict what; do
    case $verdict in ok) ok ;; *) fail "framing: $what" ;; esac
done < "$tmp/framing"
expect "framing checks run" "$(wc -l < "$tmp/framing" | tr -d ' ')" 18
# Keep-alive: two requests on one connection.
curl -s -v -o /dev/null -o /dev/null "$base/all.ics" "$base/index.html" 2> "$tmp/verbose"
if grep -q 'Re-using existing connection' "$tmp/verbose"; then ok; else fail "no keep-alive"; fi
expect "server still serving after all that" "$(code "$base/all.ics")" 200

# --- access log -----------------------------------------------------------
lines=$(grep -c '^127\.0\.0\.1 - - \[[0-9]*/[A-Z][a-z]*/[0-9:]* +0000\] "[A-Z]* [^ ]* HTTP/1\.1" [0-9]* [0-9-]* "[^"]*" "[^"]*"' "$tmp/stderr")
if [ "$lines" -ge 40 ]; then ok; else fail "access log: $lines well-formed lines"; cat "$tmp/stderr" | head; fi
if grep -q '"GET /all.ics HTTP/1.1" 304 - ' "$tmp/stderr"; then ok; else fail "no 304 in the log"; fi
# What a terminal or a reader would obey, in the path, User-Agent and
# Referer: C0, C1 (U+009B CSI, U+009D OSC, U+0085 NEL, and the same as
# Latin-1 bytes) and bidirectional formatting (U+202E, U+2066, U+200F)
# reach the log as \xHH; readable UTF-8 stays as it is.
"$py" - "$base" <<'EOF'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
for target, agent, referer in [
        (b"/\xc2\x9b31mlog-c1", b"\xc2\x9d0;title\x07 \xc2\x85 \x9b", b"\x1b[2J"),
        (b"/log-bidi\xe2\x80\xaegnp.exe", b"caf\xc3\xa9 \xe2\x81\xa6x\xe2\x81\xa9", b"a\xe2\x80\x8fb")]:
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nUser-Agent: " + agent +
                  b"\r\nReferer: " + referer + b"\r\nConnection: close\r\n\r\n")
        while s.recv(65536):
            pass
EOF
for _ in $(seq 50); do grep -q 'log-bidi' "$tmp/stderr" && break; sleep 0.1; done
grep -a 'log-c1\|log-bidi' "$tmp/stderr" > "$tmp/escaped.log"
expect "escaped requests logged" "$(wc -l < "$tmp/escaped.log" | tr -d ' ')" 2
for raw in ESC:'\033' BEL:'\007' U+009B:'\302\233' U+009D:'\302\235' U+0085:'\302\205' \
           byte-9B:'\233' U+202E:'\342\200\256' U+2066:'\342\201\246' U+200F:'\342\200\217'; do
    if LC_ALL=C grep -q "$(printf "${raw#*:}")" "$tmp/escaped.log"; then
        fail "access log: ${raw%%:*} written raw"
    else ok; fi
done
logged() { grep -cF -- "$1" "$tmp/escaped.log"; }
expect "access log: C1 in the path" "$(logged 'GET /\xc2\x9b31mlog-c1 HTTP/1.1')" 1
expect "access log: C1 in the agent" "$(logged '"\xc2\x9d0;title\x07 \xc2\x85 \x9b"')" 1
expect "access log: C0 in the referer" "$(logged '"\x1b[2J"')" 1
expect "access log: bidi in the path" "$(logged 'GET /log-bidi\xe2\x80\xaegnp.exe HTTP/1.1')" 1
expect "access log: bidi in the referer" "$(logged '"a\xe2\x80\x8fb"')" 1
expect "access log: bidi in the agent, UTF-8 kept" \
    "$(logged "$(printf '"caf\303\251 \\xe2\\x81\\xa6x\\xe2\\x81\\xa9"')")" 1

# --- a real subscription client ------------------------------------------
events=$(grep -c '^BEGIN:VEVENT' out/all.ics)
mkdir -p "$tmp/vdir/cal" "$tmp/vdir/status"
cat > "$tmp/vdir/config" <<EOF
[general]
status_path = "$tmp/vdir/status"
[pair feed]
a = "remote"
b = "local"
collections = null
conflict_resolution = "a wins"
[storage remote]
type = "http"
url = "$base/all.ics"
[storage local]
type = "filesystem"
path = "$tmp/vdir/cal"
fileext = ".ics"
EOF
if VDIRSYNCER_CONFIG="$tmp/vdir/config" vdirsyncer -v ERROR discover feed > "$tmp/vdir.log" 2>&1 &&
   VDIRSYNCER_CONFIG="$tmp/vdir/config" vdirsyncer -v ERROR sync feed >> "$tmp/vdir.log" 2>&1; then
    expect "vdirsyncer synced every event" "$(ls "$tmp/vdir/cal" | wc -l | tr -d ' ')" "$events"
    # vdirsyncer gives items whose UID is not file-name safe (ours hold
    # '@') a new UID of its own, so compare what a calendar shows.
    "$py" - "$tmp/vdir/cal" > "$tmp/vdir.diff" <<'EOF'
import glob, sys, icalendar
def shown(texts):
    return sorted((str(e["SUMMARY"]), e["DTSTART"].to_ical(), e["DTEND"].to_ical())
                  for t in texts for e in icalendar.Calendar.from_ical(t).walk("VEVENT"))
served = shown([open("out/all.ics", "rb").read()])
synced = shown([open(f, "rb").read() for f in glob.glob(sys.argv[1] + "/*.ics")])
if served != synced:
    print("served:", served, "\nsynced:", synced)
EOF
    expect "vdirsyncer has every event as served" "$(cat "$tmp/vdir.diff")" ""
else
    fail "vdirsyncer sync"; cat "$tmp/vdir.log"
fi

# --- --watch: a valid edit is served, an invalid one is not ---------------
sed 's/"SCO Summit"/"SCO Summit in Samarkand"/' events.json > events.json.new
mv events.json.new events.json
new_etag=""
for _ in $(seq 100); do
    curl -s -D "$tmp/h" -o "$tmp/body" "$base/all.ics"
    new_etag=$(header ETag "$tmp/h")
    [ "$new_etag" != "$etag" ] && break
    sleep 0.1
done
if [ "$new_etag" != "$etag" ]; then ok; else fail "--watch: the ETag did not change after an edit"; fi
if grep -q 'SUMMARY:SCO Summit in Samarkand' "$tmp/body"; then ok; else fail "--watch: new title not served"; fi
if cmp -s "$tmp/body" out/all.ics; then ok; else fail "--watch: served feed differs from out/all.ics"; fi
validators "$tmp/v3"
changed=0 kept=0
while read -r name etag_before _; do
    etag_after=$(sed -n "s/^$name \([^ ]*\) .*/\1/p" "$tmp/v3")
    if cmp -s "$tmp/before/$name" "out/$name"; then same_bytes=yes; kept=$((kept + 1))
    else same_bytes=no; changed=$((changed + 1)); fi
    if [ "$etag_before" = "$etag_after" ]; then same_etag=yes; else same_etag=no; fi
    expect "--watch: /$name keeps its ETag exactly when its bytes stay" "$same_etag" "$same_bytes"
done < "$tmp/v1"
if [ "$changed" -gt 0 ] && [ "$kept" -gt 0 ]; then ok
else fail "--watch: the edit changed $changed files and kept $kept: not a test of both"; fi
expect "--watch: old ETag now gets 200" "$(code -H "If-None-Match: $etag" "$base/all.ics")" 200
cp out/all.ics "$tmp/good.ics"
printf '{ "calendar": { "id": "x", \n' > events.json   # an invalid edit, written in place
for _ in $(seq 100); do grep -q 'not rebuilt' "$tmp/stderr" && break; sleep 0.1; done
if grep -q '^events.json:[0-9]*:[0-9]*: error\[E[0-9]*\]: ' "$tmp/stderr"; then ok; else fail "--watch: no diagnostic for the invalid edit"; tail -5 "$tmp/stderr"; fi
if grep -q 'still serving the last good build' "$tmp/stderr"; then ok; else fail "--watch: invalid edit not reported"; fi
curl -s -D "$tmp/h" -o "$tmp/body" "$base/all.ics"
expect "--watch: the last good ETag stays" "$(header ETag "$tmp/h")" "$new_etag"
if cmp -s "$tmp/body" "$tmp/good.ics"; then ok; else fail "--watch: the last good feed is not served"; fi
if cmp -s out/all.ics "$tmp/good.ics"; then ok; else fail "--watch: out/ changed on an invalid edit"; fi
stop
if grep -q '^almanac: stopping' "$tmp/stderr"; then ok; else fail "no 'stopping' on SIGTERM"; fi

# --- a feed that disappears is no longer served; SIGINT stops too --------
cp "$root/events.json" events.json
start events.json -o out --listen 127.0.0.1:0 --watch
expect "feed served" "$(code "$base/youth-and-tolerance.ics")" 200
wait_gzip
if [ -f out/youth-and-tolerance.ics.gz ]; then ok; else fail "no gzip sibling of youth-and-tolerance.ics"; fi
"$py" -c "
import json
d=json.load(open('events.json'))
d['feeds']=[f for f in d['feeds'] if f['id']!='youth-and-tolerance']
json.dump(d, open('events.json.new','w'), ensure_ascii=False, indent=2)"
mv events.json.new events.json
got=200
for _ in $(seq 100); do got=$(code "$base/youth-and-tolerance.ics"); [ "$got" = 404 ] && break; sleep 0.1; done
expect "a feed removed from the file is gone" "$got" 404
if [ ! -e out/youth-and-tolerance.ics ] && [ ! -e out/youth-and-tolerance.ics.gz ]; then ok
else fail "the removed feed or its gzip sibling is still in out/"; fi
kill -INT "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"; expect "exit status after SIGINT" $? 0
pid=""

# --- --watch while the directory's other files change ----------------------
# The access log beside events.json grows with every request: steady
# traffic must not put a rebuild off. Five edits, saved by renaming over the
# file and by writing it in place, each served within 3 s.
cp "$root/events.json" events.json
serve_log="$PWD/access.log"
start events.json -o out --listen 127.0.0.1:0 --watch
"$py" - "$base" <<'EOF' &
import http.client, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
try:
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    for _ in range(3000):  # a request every 20 ms, for a minute at most
        c.request("GET", "/timeline.txt")
        c.getresponse().read()
        time.sleep(0.02)
except OSError:
    pass
EOF
traffic=$!
published=0
for n in 1 2 3 4 5; do
    sed "s/\"SCO Summit\"/\"SCO Summit edit $n\"/" "$root/events.json" > events.json.new
    if [ $((n % 2)) = 1 ]; then
        mv events.json.new events.json
    else
        cat events.json.new > events.json; rm events.json.new
    fi
    for _ in $(seq 30); do
        curl -s -o "$tmp/body" "$base/all.ics"
        if grep -q "SUMMARY:SCO Summit edit $n" "$tmp/body"; then
            published=$((published + 1)); break
        fi
        sleep 0.1
    done
done
kill "$traffic" 2>/dev/null; wait "$traffic" 2>/dev/null
lines=$(wc -l < access.log | tr -d ' ')
if [ "$lines" -ge 20 ]; then ok; else fail "--watch under traffic: only $lines log lines"; fi
expect "--watch under steady traffic: edits served within 3 s" "$published" 5
stop
serve_log=""

# --- a response in flight across a rebuild ---------------------------------
# A client with a small receive buffer reads the first 64 KiB of a 12 MB
# all.ics and waits; the file is edited and the rebuild replaces (and
# unlinks) all.ics; the client then reads the rest: the whole of the old
# build's bytes, none of the new.
mkdir -p "$tmp/big"
"$py" "$root/bench/gen_events.py" 10000 "$tmp/big/events.json" > /dev/null
cd "$tmp/big" || exit 2
start events.json -o out --listen 127.0.0.1:0 --watch
cp out/all.ics "$tmp/old.ics"
old_etag=$(curl -s -I "$base/all.ics" | sed -n 's/^ETag: //Ip' | tr -d '\r')
"$py" "$root/tests/e2e/inflight_reader.py" "$base" /all.ics "$tmp/inflight" &
reader=$!
for _ in $(seq 100); do [ -e "$tmp/inflight.started" ] && break; sleep 0.1; done
sed 's/"title": "[^"]*"/"title": "Edited while a client reads"/' events.json > events.json.new
mv events.json.new events.json
new_etag=$old_etag
for _ in $(seq 600); do
    new_etag=$(curl -s -I "$base/all.ics" | sed -n 's/^ETag: //Ip' | tr -d '\r')
    [ "$new_etag" != "$old_etag" ] && break
    sleep 0.1
done
if [ "$new_etag" != "$old_etag" ]; then ok; else fail "in flight: the edit was not published"; fi
if cmp -s out/all.ics "$tmp/old.ics"; then fail "in flight: all.ics did not change"; else ok; fi
touch "$tmp/inflight.go"
wait "$reader"
if cmp -s "$tmp/inflight" "$tmp/old.ics"; then ok
else fail "in flight: the response is not the old all.ics ($(wc -c < "$tmp/inflight") of $(wc -c < "$tmp/old.ics") bytes)"; fi
stop
cd "$tmp/site" || exit 2

# --- slow clients -----------------------------------------------------------
# Attackers that send part of a request head and then a byte a second,
# reconnecting whatever the server closes, while a fresh client on
# 127.0.0.1 fetches all.ics every 0.25 s: each fetch must be whole within
# a second. First 1,280 connections from ten addresses (more than the
# server's 1,024): the per-address limit holds them to 32 each, and the
# head deadline ends each one 10 s after it connected. Then 1,280 from 40
# addresses, 32 each: the server is full, and new clients get in because
# the oldest waiting connections make room. (make stress: the same for
# minutes, and more.)
start events.json -o out --listen 127.0.0.1:0
"$py" "$root/tests/e2e/slow_clients.py" --url "$base" --file out/all.ics --label "slow clients" \
    --addresses 10 --per-address 128 --seconds 13 --trickle 1 --reconnect \
    --deadline 10 --per-address-max 32 > "$tmp/slow" 2>&1
expect "slow clients from 10 addresses: exit status" $? 0
"$py" "$root/tests/e2e/slow_clients.py" --url "$base" --file out/all.ics --label "a full server" \
    --addresses 40 --first-address 20 --per-address 32 --seconds 5 --trickle 1 \
    --reconnect >> "$tmp/slow" 2>&1
expect "slow clients from 40 addresses: exit status" $? 0
grep '^FAIL' "$tmp/slow" | sed 's/^FAIL: /FAIL: serve: /'
sed -n 's/^\(slow clients\|a full server\): /  serve: \1: /p' "$tmp/slow"
expect "served after the attacks" "$(code "$base/all.ics")" 200
stop
# With 256 files allowed and no more (soft and hard limit), the connection
# limit is fitted below them: 320 slow connections from 10 addresses fill
# the server, and it still makes room rather than failing accept().
serve_files=256
start events.json -o out --listen 127.0.0.1:0
serve_files=""
"$py" "$root/tests/e2e/slow_clients.py" --url "$base" --file out/all.ics \
    --label "256 open files" --addresses 10 --first-address 70 --per-address 32 --seconds 5 \
    --trickle 1 --reconnect > "$tmp/slow" 2>&1
expect "slow clients with 256 open files: exit status" $? 0
grep '^FAIL' "$tmp/slow" | sed 's/^FAIL: /FAIL: serve: /'
sed -n 's/^\(256 open files\): /  serve: \1: /p' "$tmp/slow"
stop

# --- a build without the server leaves no gzip of its own ----------------
"$bin" build events.json -o out > /dev/null 2>&1
expect "almanac build removes the gzip siblings" "$(ls out | grep -c '[.]gz$')" 1
if cmp -s out/timeline.md.gz "$tmp/foreign.gz"; then ok; else fail "almanac build touched a foreign timeline.md.gz"; fi
"$bin" build events.json -o "$tmp/fresh" > /dev/null 2>&1
expect "almanac build writes no gzip siblings" "$(ls "$tmp/fresh" | grep -c '[.]gz$')" 0

# --- start-up errors --------------------------------------------------------
"$bin" serve events.json -o out --listen 127.0.0.1:0 > "$tmp/stdout" 2> "$tmp/stderr" &
pid=$!
for _ in $(seq 100); do grep -q 'serving' "$tmp/stdout" && break; sleep 0.1; done
port=$(sed -n 's|^almanac: serving .* at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/stdout")
"$bin" serve events.json -o out --listen "127.0.0.1:$port" > /dev/null 2> "$tmp/busy"
expect "a port in use: exit status" $? 3
if grep -q "cannot listen on 127.0.0.1:$port" "$tmp/busy"; then ok; else fail "port in use: no clear message"; cat "$tmp/busy"; fi
kill -TERM "$pid"; wait "$pid"; pid=""
"$bin" serve events.json --listen nowhere > /dev/null 2>&1
expect "--listen without a port" $? 2
"$bin" serve - --watch < events.json > /dev/null 2>&1
expect "--watch on standard input" $? 2
"$bin" build events.json --listen 127.0.0.1:0 > /dev/null 2>&1
expect "--listen on another command" $? 2
"$bin" serve events.json -o out --listen no.such.host.invalid:8080 > /dev/null 2> "$tmp/err"
expect "an unknown host: exit status" $? 3

echo "serve: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
