#!/usr/bin/python3
"""make bench: almanac against the iCalendar generators users would pick instead.

    /usr/bin/python3 bench/run.py [--n 10000,100000] [--runs 3] [--min-seconds 3]
                                  [--only almanac|peers|series] [--almanac build/almanac]
                                  [--series 10] [--series-pairs 5] [--results DIR]

For each N it generates the events (bench/gen_events.py, seeded, cached in
bench/data/), then runs every tool on the same file, interleaved: round by
round, each tool once per round (in a fresh work directory), so that a VM
slowing down or speeding up weighs on every row alike. The first round is a
warm-up; then --runs timed rounds, and more rounds (up to --max-runs) of the
tools whose timed runs add up to less than --min-seconds. Wall time is the
median of a tool's timed runs; peak RSS is the largest maximum resident set
size GNU time reported for them. Every output is checked for its number of
VEVENTs (every feed of a build too), so no tool wins by doing less.

The rows: almanac's commands, among them a build after a one-event edit
(into a copy of a build of the unedited file: what copying unchanged
VEVENTs saves; its target is 15% of a full build); the peers at their newest release that runs
here, called as their READMEs recommend (versions and calls printed, see
PEER_CALLS; the npm ones pinned in bench/package-lock.json, one line each in
bench/package.json); and two reference rows that are limits, not peers
(bench/ref/): "ref (a) cJSON + stdio" and "ref (b) cJSON + libical, all
cores". Prints one Markdown table with almanac's ratio to the fastest peer
and to both references, then the issue's targets, each marked met or NOT
met. With --results DIR, each N's table, targets and every run behind them
go to DIR/DATE-Nk.md as well.

With almanac (not with --only peers), each N also gets a second file, the
same events with --series percent of them (10) turned into recurring series
(gen_events.py --series), and `almanac ics` runs on the plain file and on it
in interleaved pairs (the order alternating from pair to pair): a warm-up of
each, then --series-pairs pairs (5), more while they add up to less than 2 ×
--min-seconds (at most --max-runs). The table gets a row "almanac ics, 10%
series", and a line per N gives the per-event time (median wall / N) of both
and their ratio; issue 19 asks for series/plain within ×1.2. --only series
runs only this comparison. The peers never see the series file (they would
write the events without their rules, doing less).
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
GENERATOR = os.path.join(HERE, "gen_events.py")
PEERS = ["ical-generator", "ics", "python3-icalendar"]
REF_A = "ref (a) cJSON + stdio"
REF_B = "ref (b) cJSON + libical, all cores"
REFS = [REF_A, REF_B]
# How each peer is called: as its own README recommends for output like
# almanac's (bench/peers/).
PEER_CALLS = {
    "ical-generator": "node, TZ=UTC: `ical({name, prodId})`, `cal.timezone({name, generator: "
                      "getVtimezoneComponent})` from @touch4it/ical-timezones %(tz)s (a VTIMEZONE "
                      "per zone used, as almanac writes), `cal.createEvent({...})` per event, "
                      "one `cal.toString()`",
    "ics": "node, TZ=UTC: `createEvents([...])` once with every event, one write; ics has no "
           "TZID, so timed events are floating local times",
    "python3-icalendar": "/usr/bin/python3: `Calendar()`, per event `Event()` and `.add()` per "
                         "property (pytz zones, TZID parameters), one `to_ical()`",
}
# The targets (issue 21).
TARGET_N = 100000
TARGET_PEER_FACTOR = 20.0    # almanac ics at least this many times faster than the fastest peer
TARGET_REF_B = 1.5           # almanac ics within this factor of ref (b)
TARGET_BUILD_ICS = 1.6       # almanac build within this factor of almanac ics
TARGET_CHECK_SECONDS = 0.45  # almanac check at TARGET_N
TARGET_REBUILD = 0.15        # a build after a one-event edit, against a full build
REBUILD = "almanac build, one event edited"
TARGET_FLAT = 0.20           # per-event time and memory, 10,000 to 1,000,000


def npm_version(package):
    try:
        with open(os.path.join(HERE, "node_modules", package, "package.json"),
                  encoding="utf-8") as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return "not installed"


def peer_versions():
    """{peer: "name version"} as installed, and the runtimes."""
    python = subprocess.run(["/usr/bin/python3", "-c",
                             "import icalendar, sys; print(icalendar.__version__, "
                             "sys.version.split()[0])"],
                            capture_output=True, text=True)
    icalendar_version, python_version = (python.stdout.split() + ["?", "?"])[:2]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True)
    return {
        "ical-generator": "ical-generator %s" % npm_version("ical-generator"),
        "ics": "ics %s" % npm_version("ics"),
        "python3-icalendar": "python3-icalendar %s (Debian)" % icalendar_version,
        "tz": npm_version("@touch4it/ical-timezones"),
        "node": node.stdout.strip() or "?",
        "python": python_version,
    }


def generate(n, series=0.0):
    """(path, VEVENTs per feed and "all") of N generated events, SERIES
    percent of them recurring. A series' overrides are VEVENTs of their own,
    so "all" can exceed N."""
    path = os.path.join(DATA, "events-%d%s.json" % (n, "-series%g" % series if series else ""))
    counts = path[:-5] + ".counts.json"
    fresh = (os.path.exists(path) and os.path.exists(counts) and
             os.path.getmtime(path) >= os.path.getmtime(GENERATOR))
    if not fresh:
        os.makedirs(DATA, exist_ok=True)
        print("bench: generating %d events%s into %s"
              % (n, ", %g%% series," % series if series else "", os.path.relpath(path, ROOT)),
              file=sys.stderr)
        subprocess.run(["/usr/bin/python3", GENERATOR, str(n), path]
                       + (["--series", "%g" % series] if series else []), check=True)
    with open(counts, encoding="utf-8") as f:
        counts = json.load(f)
    counts.pop("events", None)
    return path, counts


def count_vevents(path):
    """BEGIN:VEVENT lines in PATH, read in chunks (outputs reach gigabytes).
    TEXT values escape their line breaks, so the marker only begins a line;
    keeping one byte less than it between chunks never counts one twice."""
    marker = b"BEGIN:VEVENT\r\n"
    total, tail = 0, b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 22)
            if not chunk:
                return total
            block = tail + chunk
            total += block.count(marker)
            tail = block[-(len(marker) - 1):]


class Tool:
    """One row of the table: how to run it and how to check what it wrote."""

    def __init__(self, name, work):
        self.name = name
        self.work = work

    def prepare(self):
        """Untimed set-up before each run (an empty output directory); then
        the disk is synced, so that no run pays for the last one's writes."""
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        os.sync()


class Rebuild(Tool):
    """A build into the directory a build of the unedited file wrote (copied
    afresh before each run, untimed, so every run starts from the same
    state), of the file with one event's title changed: what `serve --watch`
    and an editing user pay for an edit."""

    def __init__(self, name, work, base):
        Tool.__init__(self, name, work)
        self.base = base

    def prepare(self):
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.copytree(self.base, self.work)
        os.sync()


def edited_copy(data):
    """DATA with the title of its middle event changed, beside it."""
    path = data[:-5] + "-edited.json"
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(data):
        with open(data, encoding="utf-8") as f:
            doc = json.load(f)
        doc["events"][len(doc["events"]) // 2]["title"] += " (edited)"
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
    return path


def tools_for(args, n, data, counts):
    almanac = os.path.abspath(args.almanac)
    work = os.path.join(args.work, "n%d" % n)
    node = ["env", "TZ=UTC", "node", "--max-old-space-size=16384"]
    rows = []

    def add(name, command, check, stdout=None):
        t = Tool(name, os.path.join(work, name))
        t.command, t.check, t.stdout = command(t.work), check, stdout
        rows.append(t)

    def single_file(expected):
        def check(t):
            out = os.path.join(t.work, "out.ics")
            found = count_vevents(out)
            return os.path.getsize(out), found == expected, "%d VEVENTs" % found
        return check

    def whole_build(t):
        size, ok, notes = 0, True, []
        for name in os.listdir(t.work):
            size += os.path.getsize(os.path.join(t.work, name))
        for feed, expected in counts.items():
            found = count_vevents(os.path.join(t.work, feed + ".ics"))
            ok = ok and found == expected
            if found != expected:
                notes.append("%s.ics: %d VEVENTs, expected %d" % (feed, found, expected))
        for name in ("timeline.txt", "timeline.md", "index.html"):
            ok = ok and os.path.exists(os.path.join(t.work, name))
        return size, ok, "; ".join(notes)

    def check_only(t):
        with open(os.path.join(t.work, "out.txt"), encoding="utf-8") as f:
            said = f.read()
        return None, (" %d events," % n) in said, said.strip()

    if args.only in (None, "almanac"):
        add("almanac check", lambda w: [almanac, "check", data], check_only, "out.txt")
        # ics reads the build state from -o: an empty directory, as on a first build.
        add("almanac ics", lambda w: [almanac, "ics", data, "-o", os.path.join(w, "state")],
            single_file(counts["all"]), "out.ics")
        add("almanac build", lambda w: [almanac, "build", data, "-o", w], whole_build)
        base = os.path.join(work, "rebuild-base")
        shutil.rmtree(base, ignore_errors=True)
        os.makedirs(work, exist_ok=True)
        subprocess.run([almanac, "build", data, "-o", base, "--quiet"], check=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
        edited = edited_copy(data)
        rebuild = Rebuild(REBUILD, os.path.join(work, "rebuild"), base)
        rebuild.command = [almanac, "build", edited, "-o", rebuild.work]
        rebuild.check, rebuild.stdout = whole_build, None
        rows.append(rebuild)
        if counts["all"] <= args.parts_max:
            # What build writes, one command per output: the issue asks that
            # build cost no more than this sum (one load shared by all).
            feeds = sorted(counts)
            parts = Tool("almanac build as parts", os.path.join(work, "almanac-parts"))
            parts.commands = [[almanac, "ics", data, "-o", os.path.join(parts.work, "state")]
                              + ([] if f == "all" else ["--feed", f]) for f in feeds]
            parts.commands += [[almanac, "timeline", data, "--format", fmt, "--width", "80"]
                               for fmt in ("text", "markdown", "html")]
            parts.outputs = ["%s.ics" % f for f in feeds] + ["timeline.txt", "timeline.md",
                                                            "index.html"]

            def parts_check(t):
                size, ok, notes = 0, True, []
                for name in t.outputs:
                    path = os.path.join(t.work, name)
                    size += os.path.getsize(path)
                    if name.endswith(".ics"):
                        found, expected = count_vevents(path), counts[name[:-4]]
                        if found != expected:
                            ok = False
                            notes.append("%s: %d VEVENTs, expected %d" % (name, found, expected))
                    elif os.path.getsize(path) == 0:
                        ok, notes = False, notes + ["%s is empty" % name]
                return size, ok, "; ".join(notes)
            parts.check, parts.stdout = parts_check, None
            rows.append(parts)
    if args.only in (None, "peers"):
        add("ical-generator", lambda w: node + [os.path.join(HERE, "peers", "ical-generator.mjs"),
                                                data, os.path.join(w, "out.ics")],
            single_file(counts["all"]))
        add("ics", lambda w: node + [os.path.join(HERE, "peers", "ics.mjs"), data,
                                     os.path.join(w, "out.ics")],
            single_file(counts["all"]))
        add("python3-icalendar", lambda w: ["/usr/bin/python3",
                                            os.path.join(HERE, "peers", "icalendar_peer.py"),
                                            data, os.path.join(w, "out.ics")],
            single_file(counts["all"]))
    if args.only in (None, "almanac"):
        ref_dir = os.path.dirname(almanac)
        add(REF_A, lambda w: [os.path.join(ref_dir, "ref", "ref_stdio"), data],
            single_file(counts["all"]), "out.ics")
        add(REF_B, lambda w: [os.path.join(ref_dir, "ref", "ref_libical"), data],
            single_file(counts["all"]), "out.ics")
    return rows


def ics_tool(args, name, work, data, expected):
    """`almanac ics` on DATA, its output checked for EXPECTED VEVENTs."""
    t = Tool(name, work)
    t.command = [os.path.abspath(args.almanac), "ics", data, "-o", os.path.join(work, "state")]
    t.stdout = "out.ics"

    def check(tool):
        out = os.path.join(tool.work, "out.ics")
        found = count_vevents(out)
        return os.path.getsize(out), found == expected, "%d VEVENTs, expected %d" % (found,
                                                                                   expected)
    t.check = check
    return t


def measure_pairs(plain, series, pairs, min_seconds, max_runs):
    """PAIRS interleaved runs of the two tools after a warm-up of each, more
    while they add up to less than MIN_SECONDS (at most MAX_RUNS pairs); the
    order alternates from pair to pair. Returns the two measure() results
    (with "cpu", the median user + system seconds) and the series/plain wall
    time ratio of each pair."""
    run_once(plain)
    run_once(series)
    a, b = [], []
    while len(a) < pairs or (len(a) < max_runs and
                             sum(r[0] for r in a + b) < min_seconds):
        if len(a) % 2 == 0:
            a.append(run_once(plain))
            b.append(run_once(series))
        else:
            b.append(run_once(series))
            a.append(run_once(plain))

    return summary(a), summary(b), [y[0] / x[0] for x, y in zip(a, b)]


def run_command(tool, command, stdout_name):
    """One command under GNU time: (wall seconds, peak RSS in KiB, user + system
    CPU seconds)."""
    rss_file = os.path.join(tool.work, "..", tool.name.replace(" ", "-") + ".rss")
    timed = ["/usr/bin/time", "-f", "%U %S %M", "-o", rss_file] + command
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    stdout = open(os.path.join(tool.work, stdout_name), "wb") if stdout_name else subprocess.DEVNULL
    start = time.perf_counter()
    result = subprocess.run(timed, stdout=stdout, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    if stdout_name:
        stdout.close()
    with open(rss_file, encoding="utf-8") as f:
        user, system, rss_kib = f.read().split()[-3:]
    rss_kib, cpu = int(rss_kib), float(user) + float(system)
    if result.returncode != 0:
        sys.exit("bench: %s failed (exit %d):\n%s" % (tool.name, result.returncode,
                                                      result.stderr.decode(errors="replace")[-2000:]))
    return wall, rss_kib, cpu


def run_once(tool):
    """Runs the tool (a command, or several one after the other: their
    times add up, the peak RSS is the largest) and checks what it wrote:
    (wall seconds, peak RSS in KiB, output bytes, CPU seconds)."""
    tool.prepare()
    commands = getattr(tool, "commands", None)
    if commands is None:
        wall, rss_kib, cpu = run_command(tool, tool.command, tool.stdout)
    else:
        wall, rss_kib, cpu = 0.0, 0, 0.0
        for command, name in zip(commands, tool.outputs):
            w, r, c = run_command(tool, command, name)
            wall, rss_kib, cpu = wall + w, max(rss_kib, r), cpu + c
    size, ok, note = tool.check(tool)
    if not ok:
        sys.exit("bench: %s wrote the wrong number of events: %s" % (tool.name, note))
    return wall, rss_kib, size, cpu


def measure_interleaved(tools, runs, min_seconds, max_runs):
    """Round-robin: a warm-up round (page cache, JIT, the zoneinfo files),
    RUNS timed rounds of every tool, then more rounds of the tools whose
    timed runs add up to less than MIN_SECONDS (at most MAX_RUNS each): a
    tool done in 0.3 s on a VM whose speed moves by a third gets a median of
    ten runs, not of three. {name: summary} with every run kept."""
    for tool in tools:
        print("bench:   warm-up %s" % tool.name, file=sys.stderr, flush=True)
        run_once(tool)
    results = {tool.name: [] for tool in tools}
    round_number = 0
    while True:
        due = [t for t in tools
               if len(results[t.name]) < runs or
               (len(results[t.name]) < max_runs and
                sum(r[0] for r in results[t.name]) < min_seconds)]
        if not due:
            break
        round_number += 1
        for tool in due:
            results[tool.name].append(run_once(tool) + (os.getloadavg()[0],))
            r = results[tool.name][-1]
            print("bench:   round %d %s: %.3f s, %.0f MiB" % (round_number, tool.name, r[0],
                                                              r[1] / 1024.0),
                  file=sys.stderr, flush=True)
    return {name: summary(r) for name, r in results.items()}


def summary(results):
    return {"seconds": statistics.median(r[0] for r in results),
            "rss_mib": max(r[1] for r in results) / 1024.0,
            "bytes": results[-1][2], "runs": len(results),
            "cpu": statistics.median(r[3] for r in results),
            "walls": [r[0] for r in results], "rsses": [r[1] / 1024.0 for r in results],
            "loads": [r[4] if len(r) > 4 else None for r in results]}


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as f:
        kib = int(f.readline().split()[1])
    return "%d cores, %.0f GiB, %s, %s" % (os.cpu_count(), kib / 1048576, model,
                                            platform.platform(terse=True))


def fmt_bytes(n):
    if n is None:
        return "—"
    return "%.1f MB" % (n / 1e6)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", default="10000,100000", help="event counts, comma- or space-separated")
    p.add_argument("--runs", type=int, default=3, help="timed runs at least")
    p.add_argument("--min-seconds", type=float, default=3.0,
                   help="more timed runs while they add up to less than this")
    p.add_argument("--max-runs", type=int, default=21)
    p.add_argument("--only", choices=["almanac", "peers", "series"],
                   help="only almanac's rows and the references, only the peers', or only "
                        "the interleaved plain/series comparison of almanac ics")
    p.add_argument("--almanac", default=os.path.join(ROOT, "build", "almanac"),
                   help="the binary; the references are looked for in ref/ beside it")
    p.add_argument("--work", default="/tmp/almanac-bench")
    p.add_argument("--parts-max", type=int, default=100000,
                   help="time build's outputs as separate commands only up to this N")
    p.add_argument("--peers-max", type=int, default=100000,
                   help="run the peers only up to this N (at 100,000 ics takes minutes a run "
                        "and ical-generator and python3-icalendar need GiBs)")
    p.add_argument("--series", type=float, default=10.0,
                   help="percent of recurring events in the series workload (0: none)")
    p.add_argument("--series-pairs", type=int, default=5,
                   help="interleaved plain/series runs of almanac ics at least")
    p.add_argument("--results", help="also write each N's report to DIR/DATE-Nk.md "
                                     "(DATE-Nk-almanac.md with --only almanac, ...)")
    args = p.parse_args()
    if args.runs < 3:
        sys.exit("bench: --runs must be at least 3")
    if not 0 <= args.series <= 100 or args.series_pairs < 3:
        sys.exit("bench: --series must be 0..100, --series-pairs at least 3")
    sizes = [int(x) for x in args.n.replace(",", " ").split()]
    versions = peer_versions()
    header = [
        "bench: %s; node %s, python %s" % (machine(), versions["node"], versions["python"]),
        "bench: every tool once per round, interleaved: a warm-up round, %d timed rounds, "
        "more (up to %d runs) for a tool while its runs add up to less than %g s; median wall, "
        "largest peak RSS" % (args.runs, args.max_runs, args.min_seconds),
    ]
    header += ["bench: peer %s — %s" % (versions[peer], PEER_CALLS[peer] % versions)
               for peer in PEERS if args.only in (None, "peers")]
    header += ["bench: %s — bench/ref/ref_stdio.c: cJSON parse of the whole file, the same "
               "properties escaped and folded by hand through stdio; no validation, no model, "
               "no VTIMEZONE, one thread" % REF_A,
               "bench: %s — bench/ref/ref_libical.c: cJSON parse, one libical VEVENT built "
               "(under a lock, as almanac) and serialised per event, batches of 64 on every "
               "core, written in input order; no validation, no model" % REF_B]
    for line in header:
        print(line, file=sys.stderr)
    table, series_lines = [], []
    series_name = "almanac ics, %g%% series" % args.series
    for n in sizes:
        data, counts = generate(n)
        tools = []
        for tool in ([] if args.only == "series" else tools_for(args, n, data, counts)):
            if tool.name in PEERS and n > args.peers_max:
                print("bench: N=%d %s not run: over --peers-max %d (at 100,000 ics takes "
                      "minutes a run, ical-generator ~3 GiB and python3-icalendar ~25 KiB an "
                      "event)" % (n, tool.name, args.peers_max), file=sys.stderr)
                continue
            tools.append(tool)
        print("bench: N=%d: %s, interleaved ..." % (n, ", ".join(t.name for t in tools)),
              file=sys.stderr, flush=True)
        measured = measure_interleaved(tools, args.runs, args.min_seconds, args.max_runs)
        for name, m in measured.items():
            print("bench:   %s: %.3f s, %.0f MiB, %d runs" % (name, m["seconds"], m["rss_mib"],
                                                           m["runs"]), file=sys.stderr)
        if args.series and args.only in (None, "almanac", "series"):
            series_data, series_counts = generate(n, args.series)
            work = os.path.join(args.work, "n%d" % n)
            plain = ics_tool(args, "almanac ics", os.path.join(work, "pair-plain"), data,
                             counts["all"])
            series = ics_tool(args, series_name, os.path.join(work, "pair-series"),
                              series_data, series_counts["all"])
            print("bench: N=%d almanac ics, plain and %g%% series interleaved ..."
                  % (n, args.series), file=sys.stderr, flush=True)
            a, b, ratios = measure_pairs(plain, series, args.series_pairs,
                                         2 * args.min_seconds, args.max_runs)
            if args.only == "series":
                measured["almanac ics"] = a
            measured[series_name] = dict(b, input=os.path.getsize(series_data))
            series_lines.append(
                "almanac ics, N=%s: %g%% series %.1f µs/event vs %.1f µs/event plain: ×%.2f "
                "(%d interleaved pairs; per-pair ratio median ×%.2f, range ×%.2f–×%.2f; "
                "CPU user+sys %.1f vs %.1f µs/event: ×%.2f; %s VEVENTs for %s events)"
                % ("{:,}".format(n), args.series, b["seconds"] / n * 1e6,
                   a["seconds"] / n * 1e6, b["seconds"] / a["seconds"], len(ratios),
                   statistics.median(ratios), min(ratios), max(ratios),
                   b["cpu"] / n * 1e6, a["cpu"] / n * 1e6, b["cpu"] / a["cpu"],
                   "{:,}".format(series_counts["all"]), "{:,}".format(n)))
            print("bench:   " + series_lines[-1], file=sys.stderr)
        shutil.rmtree(os.path.join(args.work, "n%d" % n), ignore_errors=True)
        table.append((n, os.path.getsize(data), measured))
        if args.results:
            write_results(args, header, table[-1], series_lines[-1:] if series_lines else [])
    lines = table_lines(table) + [""] + scaling_lines(table) + [""] + target_lines(table)
    if series_lines:
        lines += [""] + series_lines
    print("\n".join(lines))


def table_lines(table):
    """The Markdown table: every row, and for almanac's outputs their ratio to
    the fastest peer (how many times faster) and to each reference (how many
    times its time)."""
    head = ["tool", "N", "input", "runs", "median s", "CPU s", "peak RSS", "output", "events/s",
            "µs/event", "RSS/event", "vs fastest peer", "vs ref (a)", "vs ref (b)"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    for n, input_bytes, measured in table:
        fastest = fastest_peer(measured)
        for name, m in measured.items():
            cells = [name, "{:,}".format(n), fmt_bytes(m.get("input", input_bytes)), str(m["runs"]),
                     "%.3f" % m["seconds"], "%.3f" % m["cpu"],
                     "%.0f MiB" % m["rss_mib"], fmt_bytes(m["bytes"]),
                     "{:,.0f}".format(n / m["seconds"]), "%.1f" % (m["seconds"] / n * 1e6),
                     "%.2f KiB" % (m["rss_mib"] * 1024 / n)]
            ours = name in ("almanac ics", "almanac build")
            cells.append("%.1f× faster than %s" % (measured[fastest]["seconds"] / m["seconds"],
                                                   fastest) if ours and fastest else "")
            for ref in REFS:
                cells.append("×%.2f" % (m["seconds"] / measured[ref]["seconds"])
                             if name in ("almanac check", "almanac ics", "almanac build")
                             and ref in measured else "")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def fastest_peer(measured):
    peers = [p for p in PEERS if p in measured]
    return min(peers, key=lambda p: measured[p]["seconds"]) if peers else None


def scaling_lines(table):
    """Per-event time and memory of each almanac command from the smallest N
    to the largest: the issue asks for flat (within 20%), nothing quadratic."""
    if len(table) < 2:
        return []
    (n0, _, first), (n1, _, last) = table[0], table[-1]
    lines = []
    for name in first:
        if not name.startswith("almanac") or name not in last:
            continue
        t0, t1 = first[name]["seconds"] / n0, last[name]["seconds"] / n1
        r0, r1 = first[name]["rss_mib"] / n0, last[name]["rss_mib"] / n1
        lines.append("%s, %s → %s events: time per event ×%.2f, peak RSS per event ×%.2f"
                     % (name, "{:,}".format(n0), "{:,}".format(n1), t1 / t0, r1 / r0))
    return lines


def verdict(ok):
    return "met" if ok else "NOT met"


def target_lines(table):
    """The issue's targets, each with the figures it is judged on, marked met
    or NOT met; a target whose rows were not run says so."""
    lines = ["Targets (issue 21):"]
    at = {n: measured for n, _, measured in table}
    m = at.get(TARGET_N)
    label = "{:,}".format(TARGET_N)
    if m is None:
        lines.append("- the targets at %s events: not judged here (no N=%d rows in this table)"
                     % (label, TARGET_N))
    else:
        ics = m.get("almanac ics")
        fastest = fastest_peer(m)
        if ics and fastest:
            factor = m[fastest]["seconds"] / ics["seconds"]
            lines.append("- almanac ics at %s ≥ %g× faster than the fastest peer: %.1f× "
                         "(%s %.3f s, almanac ics %.3f s): %s"
                         % (label, TARGET_PEER_FACTOR, factor, fastest, m[fastest]["seconds"],
                            ics["seconds"], verdict(factor >= TARGET_PEER_FACTOR)))
        else:
            lines.append("- almanac ics against the peers at %s: not measured in this run" % label)
        if ics and REF_B in m:
            factor = ics["seconds"] / m[REF_B]["seconds"]
            lines.append("- almanac ics at %s within %g× of %s: ×%.2f (%.3f s against %.3f s; "
                         "%s: ×%.2f): %s"
                         % (label, TARGET_REF_B, REF_B, factor, ics["seconds"],
                            m[REF_B]["seconds"], REF_A, ics["seconds"] / m[REF_A]["seconds"],
                            verdict(factor <= TARGET_REF_B)))
        check = m.get("almanac check")
        if check:
            lines.append("- almanac check at %s ≤ %g s: %.3f s: %s"
                         % (label, TARGET_CHECK_SECONDS, check["seconds"],
                            verdict(check["seconds"] <= TARGET_CHECK_SECONDS)))
    for n, _, measured in table:
        if "almanac build" in measured and "almanac ics" in measured:
            factor = measured["almanac build"]["seconds"] / measured["almanac ics"]["seconds"]
            lines.append("- almanac build within %g× of almanac ics at %s: ×%.2f (%.3f s against "
                         "%.3f s): %s"
                         % (TARGET_BUILD_ICS, "{:,}".format(n), factor,
                            measured["almanac build"]["seconds"], measured["almanac ics"]["seconds"],
                            verdict(factor <= TARGET_BUILD_ICS)))
    for n, _, measured in table:
        if "almanac build" in measured and REBUILD in measured:
            factor = measured[REBUILD]["seconds"] / measured["almanac build"]["seconds"]
            lines.append("- a build after a one-event edit at %s within %d%% of a full build: "
                         "%.0f%% (%.3f s against %.3f s): %s"
                         % ("{:,}".format(n), TARGET_REBUILD * 100, factor * 100,
                            measured[REBUILD]["seconds"], measured["almanac build"]["seconds"],
                            verdict(factor <= TARGET_REBUILD)))
    if 10000 in at and 1000000 in at:
        for name in ("almanac check", "almanac ics", "almanac build"):
            a, b = at[10000].get(name), at[1000000].get(name)
            if not a or not b:
                continue
            time_ratio = (b["seconds"] / 1e6) / (a["seconds"] / 1e4)
            rss_ratio = (b["rss_mib"] / 1e6) / (a["rss_mib"] / 1e4)
            ok = time_ratio <= 1 + TARGET_FLAT and rss_ratio <= 1 + TARGET_FLAT
            lines.append("- %s per event flat from 10,000 to 1,000,000 (grows at most %d%%): "
                         "time ×%.2f, peak RSS ×%.2f: %s"
                         % (name, TARGET_FLAT * 100, time_ratio, rss_ratio, verdict(ok)))
    else:
        lines.append("- per-event time and memory flat from 10,000 to 1,000,000: not judged "
                     "here (needs N=10000 and N=1000000 in one table: "
                     "make bench N=\"10000 100000 1000000\")")
    return lines


def write_results(args, header, row, series_lines):
    """DIR/DATE-Nk.md: the command, machine, peers, this N's table and
    targets, and every timed run behind the medians."""
    n, _, measured = row
    os.makedirs(args.results, exist_ok=True)
    date = time.strftime("%Y-%m-%d", time.gmtime())
    size = "%dk" % (n // 1000) if n % 1000 == 0 else str(n)
    # a partial run (--only) never replaces a full one's report
    path = os.path.join(args.results, "%s-%s%s.md" % (date, size,
                                                      "-" + args.only if args.only else ""))
    lines = ["# make bench, N = %s (%s UTC)" % ("{:,}".format(n),
                                               time.strftime("%Y-%m-%d %H:%M", time.gmtime())),
             "", "Command: `%s`" % " ".join(["/usr/bin/python3", "bench/run.py"] + sys.argv[1:]),
             "", "almanac at commit %s." % git_head(), ""]
    lines += ["- " + line[len("bench: "):] for line in header]
    lines += [""] + table_lines([row]) + [""] + target_lines([row])
    if series_lines:
        lines += [""] + series_lines
    lines += ["", "Every timed run (wall s / peak RSS MiB / the machine's 1-minute load average "
              "when it ended; 2 cores), in the order run:", ""]
    for name, m in measured.items():
        lines.append("- %s: %s" % (name, ", ".join(
            "%.3f / %.0f / %s" % (w, r, "%.1f" % a if a is not None else "?")
            for w, r, a in zip(m["walls"], m["rsses"], m["loads"]))))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("bench: wrote %s" % os.path.relpath(path, ROOT), file=sys.stderr)


def git_head():
    r = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                       text=True)
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return (r.stdout.strip() or "unknown") + (" (with uncommitted changes)" if dirty else "")


if __name__ == "__main__":
    main()
