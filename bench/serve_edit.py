#!/usr/bin/python3
"""Edit-to-new-ETag latency and memory of `almanac serve --watch` (issue 21).

    /usr/bin/python3 bench/serve_edit.py BINARY [--n 100000] [--runs 3] [--dir DIR]

Generates N events (bench/gen_events.py, 10% series; kept in DIR and reused),
measures the model's size (the peak RSS of loading the file as serve does,
through `almanac timeline` of no event: the document with the file's bytes and
the parser's, what a rebuild holds while it loads), starts `almanac serve --watch` on a free port, waits for the first
publish and for the gzip siblings, and reads the server's RSS idle. Then, RUNS
times: changes one event's title as an editor saves (a new file renamed over
the old), polls HEAD /all.ics until the ETag changes (the edit-to-new-ETag
latency), then until the gzip form of the new bytes is served, and reads the
peak RSS (VmHWM, reset before each edit through /proc/PID/clear_refs) and the
RSS once idle again. Prints each figure beside its target: idle RSS <= 64 MiB
plus the model, the edit served within 1 s.
"""
import argparse
import http.client
import os
import re
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1024 * 1024


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def head(port, path, gzip=False):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("HEAD", path, headers={"Accept-Encoding": "gzip"} if gzip else {})
        r = c.getresponse()
        r.read()
        return r.getheader("ETag")
    finally:
        c.close()


def wait_etag(port, gzip, done, limit=600.0):
    """Polls HEAD /all.ics every 5 ms until DONE(etag); the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        etag = head(port, "/all.ics", gzip)
        if done(etag):
            return time.monotonic() - start, etag
        time.sleep(0.005)
    raise SystemExit("bench: no new ETag within %d s" % limit)


def edit(path, run):
    """One event's title changed, saved as editors do: a new file renamed over."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text, n = re.subn(r'"title": "[^"]*"', '"title": "Edited title %d"' % run, text, count=1)
    assert n == 1
    with open(path + ".new", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".new", path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--n", type=int, default=100000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--dir", default=os.path.join(ROOT, "build", "bench-serve"))
    a = p.parse_args()
    binary = os.path.abspath(a.binary)
    os.makedirs(a.dir, exist_ok=True)
    source = os.path.join(a.dir, "events-%d.json" % a.n)
    if not os.path.exists(source):
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "gen_events.py"),
                        str(a.n), source, "--series", "10"], check=True,
                       stdout=subprocess.DEVNULL)
    events = os.path.join(a.dir, "events.json")
    with open(source, "rb") as f, open(events, "wb") as g:
        g.write(f.read())
    out = os.path.join(a.dir, "out")
    subprocess.run(["rm", "-rf", out], check=True)

    # The model: the file loaded as serve loads it (every text kept; check
    # keeps less), then a timeline of no event: the peak RSS of that is the
    # model with the file's bytes and the parser's, its cost during a rebuild.
    subprocess.run([binary, "timeline", events, "--from", "9000", "--to", "9000"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    model_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

    log = open(os.path.join(a.dir, "serve.log"), "w")
    server = subprocess.Popen([binary, "serve", events, "-o", out, "--listen", "127.0.0.1:0",
                               "--watch"], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        started = time.monotonic()
        port = None
        for line in server.stdout:
            m = re.match(r"almanac: serving .* at http://[^:]+:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            raise SystemExit("bench: the server did not start (see %s)" % log.name)
        first = time.monotonic() - started
        gz, etag = wait_etag(port, True, lambda e: e is not None and e.endswith('-gz"'))
        time.sleep(1)
        idle_kib = status_kib(server.pid, "VmRSS")
        start_peak_kib = status_kib(server.pid, "VmHWM")
        files = sorted(os.listdir(out))
        size = sum(os.path.getsize(os.path.join(out, f)) for f in files if not f.endswith(".gz"))
        gz_size = sum(os.path.getsize(os.path.join(out, f)) for f in files if f.endswith(".gz"))
        print("almanac serve --watch, %d events, %d cores; out/: %d files, %.0f MiB, "
              "and %.0f MiB of .gz siblings" % (a.n, os.cpu_count(),
                                                sum(not f.endswith(".gz") for f in files),
                                                size / MIB, gz_size / MIB))
        print("model (peak RSS of loading the file):    %7.1f MiB" % (model_kib / 1024))
        print("first build to serving:                 %7.2f s, gzip forms %.2f s later"
              % (first, gz))
        print("server RSS idle after start:            %7.1f MiB  (target <= 64 MiB + model "
              "= %.1f MiB) %s" % (idle_kib / 1024, 64 + model_kib / 1024,
                                  "met" if idle_kib <= 64 * 1024 + model_kib else "NOT met"))
        print("server peak RSS while starting:         %7.1f MiB" % (start_peak_kib / 1024))
        print("%-4s %14s %12s %16s %14s" % ("edit", "new ETag (s)", "gzip (s)",
                                           "peak RSS (MiB)", "idle (MiB)"))
        latencies = []
        for run in range(1, a.runs + 1):
            with open("/proc/%d/clear_refs" % server.pid, "w") as f:
                f.write("5")  # resets VmHWM
            plain = head(port, "/all.ics")
            edit(events, run)
            latency, new = wait_etag(port, False, lambda e: e != plain)
            more, _ = wait_etag(port, True, lambda e: e == new[:-1] + '-gz"')
            time.sleep(1)
            peak = status_kib(server.pid, "VmHWM")
            idle = status_kib(server.pid, "VmRSS")
            latencies.append(latency)
            print("%-4d %14.2f %12.2f %16.1f %14.1f" % (run, latency, latency + more,
                                                        peak / 1024, idle / 1024))
        best = min(latencies)
        print("edit to new ETag: best %.2f s, worst %.2f s (target <= 1 s: %s)"
              % (best, max(latencies), "met" if max(latencies) <= 1 else "NOT met"))
    finally:
        server.terminate()
        server.wait()
        log.close()


if __name__ == "__main__":
    main()
