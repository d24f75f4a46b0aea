#!/bin/sh
# Runs the unsanitized almanac under valgrind memcheck over every test input:
# the bad and warning cases and the calendars to import, many to a process;
# each valid file (check, build -- which writes every timeline format but
# JSON --, ics, timeline as filtered JSON; as text at a width for
# events.json), add and fmt, and the
# server (requests, a watched edit, SIGTERM); then helgrind over a threaded
# build and ics. Passes only with 0 errors, 0 bytes definitely or indirectly
# lost, and no data race. Runs go in parallel, one per core.
#   tests/e2e/leakcheck.sh BINARY
set -u
. "$(dirname "$0")/start.sh"

# One line per run: a name for the log, then the arguments to almanac.
# Files are checked, and calendars imported, many to a process: a leak on
# any file's path shows in the one process as it would in its own, and each
# valgrind start (libical, ICU) costs about a second. The import of every
# calendar that imports cleanly runs the writer over all of them at once.
# Every bad and warning case has its own run in the cases suite, under the
# sanitizers.
echo "cases-check check $(echo tests/cases/bad/*.json tests/cases/warn/*.json events.json tests/cases/good/*.json)" > "$tmp/runs"
for input in events.json tests/cases/good/*.json; do
    name=$(basename "$input" .json)
    echo "$name-build build $input -o $tmp/out-$name"
    echo "$name-ics ics $input -o $tmp/none"
    echo "$name-json timeline $input --format json --from 2000 --status confirmed,tentative -r"
done >> "$tmp/runs"
# the text timeline at a width (build above writes every file's timeline.txt)
echo "events-timeline timeline events.json --width 60" >> "$tmp/runs"

# import: the broken cases, the real-world corpus, a feed of ours, a merge
echo "cases-import import $(echo tests/import/*.ics tests/import/corpus/*.ics) -o $tmp/import-cases.json" >> "$tmp/runs"
# those that import, together: the writer's paths for each of them too
importable=""
for input in tests/import/*.ics; do
    [ "$(cat "${input%.ics}.out_exit")" = 0 ] && importable="$importable $input"
done
echo "importable-import import$importable -o $tmp/importable.json" >> "$tmp/runs"
echo "all-import import out/all.ics out/afghanistan.ics" >> "$tmp/runs"
cp events.json "$tmp/merge.json"
echo "merge-import import out/all.ics tests/import/recurring.ics --merge $tmp/merge.json -o $tmp/merged.json" >> "$tmp/runs"

# editing in place: add (an ASCII and a transliterated title), fmt, fmt --check,
# and check of several files at once as JSON
cp events.json "$tmp/add.json"
cp events.json "$tmp/add-cyrillic.json"
cp events.json "$tmp/fmt.json"
{
    echo "add add $tmp/add.json --title Summit --start 2024-07-03 --tag summit"
    echo "add-cyrillic add $tmp/add-cyrillic.json --title Встреча --start 2024-07"
    echo "fmt fmt $tmp/fmt.json"
    echo "fmt-check fmt --check events.json docs/examples/series.json"
    echo "check-several check --format=json events.json tests/cases/bad/ids.json"
} >> "$tmp/runs"

# Exit status 99 marks a valgrind finding; almanac's own 0/1 are expected.
export bin tmp
xargs -P "$(nproc)" -L 1 sh -c '
    name=$0
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        --log-file="$tmp/$name.valgrind" "$bin" "$@" >/dev/null 2>&1
    if [ $? = 99 ]; then echo "FAIL: valgrind: $name"; cat "$tmp/$name.valgrind"; fi
' < "$tmp/runs" > "$tmp/report"

# The server: start it under valgrind, send it every kind of request, a
# slow client and a watched edit, then stop it with SIGTERM as a user would.
mkdir -p "$tmp/serve"
cp events.json "$tmp/serve/events.json"
(cd "$tmp/serve" && exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    --log-file="$tmp/serve.valgrind" "$bin" serve events.json -o out --listen 127.0.0.1:0 \
    --watch > "$tmp/serve.out" 2>&1) &
serve_pid=$!
base=""
for _ in $(seq 300); do
    base=$(sed -n 's|^almanac: serving .* at \(http://[^ ]*\)/ .*|\1|p' "$tmp/serve.out")
    [ -n "$base" ] && break
    sleep 0.1
done
if [ -n "$base" ]; then
    # A slow client the head deadline ends; requests answered before their
    # body is read, and heads over the limits answered past libmicrohttpd.
    /usr/bin/python3 - "$base" > "$tmp/serve.raw" <<'EOF' &
import socket, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
def send(data, wait):
    with socket.create_connection((u.hostname, u.port), timeout=wait) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return out.split(b" ")[1].decode() if out else "closed"
                out += chunk
        except OSError:
            return "open"
for data in [b"GET /all.ics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
             b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\nx",
             b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"x" * 20000 + b"\r\n\r\n",
             b"GET /?" + b"&".join(b"a%d" % i for i in range(600)) + b" HTTP/1.1\r\nHost: x\r\n\r\n"]:
    print(send(data, 20))
print(send(b"GET /all.ics HTTP/1.1\r\nHost: x\r\nX-Slow: ", 30))
EOF
    raw_pid=$!
    for path in /all.ics / /nothing /timeline.md /%2e%2e/events.json; do
        curl -s -o /dev/null "$base$path"
    done
    curl -s -o /dev/null -H 'Accept-Encoding: gzip' -H 'If-None-Match: "x"' "$base/all.ics"
    curl -s -o /dev/null -H 'If-Modified-Since: Sun, 06 Nov 2100 08:49:37 GMT' "$base/all.ics"
    curl -s -o /dev/null -X POST -d x=1 "$base/all.ics"
    curl -s -o /dev/null -I "$base/all.ics"
    sed 's/"SCO Summit"/"SCO Summit, edited"/' "$tmp/serve/events.json" > "$tmp/serve/new.json"
    mv "$tmp/serve/new.json" "$tmp/serve/events.json"
    for _ in $(seq 100); do grep -q 'rebuilt' "$tmp/serve.out" && break; sleep 0.1; done
    echo '{' > "$tmp/serve/events.json"
    for _ in $(seq 100); do grep -q 'not rebuilt' "$tmp/serve.out" && break; sleep 0.1; done
    curl -s -o /dev/null "$base/all.ics"
    wait "$raw_pid"
fi
kill -TERM "$serve_pid" 2>/dev/null
wait "$serve_pid"
serve_status=$?
echo "serve" >> "$tmp/runs"
if [ -z "$base" ] || [ "$serve_status" != 0 ] || ! grep -q 'not rebuilt' "$tmp/serve.out" ||
   [ "$(tr '\n' ' ' < "$tmp/serve.raw")" != "400 400 431 431 closed " ]; then
    echo "FAIL: valgrind: serve (exit $serve_status; raw requests: $(tr '\n' ' ' < "$tmp/serve.raw"))"
    cat "$tmp/serve.out" "$tmp/serve.valgrind"
fi >> "$tmp/report"

# Threads: helgrind watches build and ics share 600 events (10 batches of
# VEVENTs) between two workers; any data race, in almanac or in what it
# calls in libical, fails. p11-kit (loaded with libmicrohttpd's TLS) destroys
# a mutex it never initialised at exit: not ours, suppressed by name.
/usr/bin/python3 bench/gen_events.py 600 "$tmp/threads.json" >/dev/null
for command in build ics; do
    ALMANAC_THREADS=2 valgrind -q --tool=helgrind --fair-sched=yes --error-exitcode=99 \
        --suppressions=tests/e2e/helgrind.supp --log-file="$tmp/helgrind-$command.log" \
        "$bin" "$command" "$tmp/threads.json" -o "$tmp/threads-out-$command" >/dev/null 2>&1
    status=$?
    echo "helgrind-$command" >> "$tmp/runs"
    if [ $status = 99 ] || [ $status != 0 ]; then
        echo "FAIL: helgrind: $command (exit $status)"
        cat "$tmp/helgrind-$command.log"
    fi >> "$tmp/report"
done

runs=$(wc -l < "$tmp/runs")
failed=$(grep -c '^FAIL' "$tmp/report")
cat "$tmp/report"
echo "valgrind: $((runs - failed)) clean, $failed with errors or leaks"
[ "$failed" = 0 ]
