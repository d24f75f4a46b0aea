#!/usr/bin/python3
"""incremental.py BIN: a build that copies the VEVENTs of unchanged events
from the last build (through out/.almanac-index) writes exactly the bytes of
a build that renders every event.

A synthetic archive (bench/gen_events.py: all-day, timed, partial and
series events, related ids, tag feeds) goes through a seeded random walk
of edits: titles, descriptions and dates changed, events added and
removed, feeds added, removed, renamed and retagged, the calendar renamed,
nothing changed. After each step the directory built step by step and a
fresh directory that holds only the previous build state (so that every
SEQUENCE and time stamp is the same, and nothing can be copied) are built
from the same file at the same SOURCE_DATE_EPOCH and must be identical, file
for file and byte for byte; a file whose bytes did not change must not have
been replaced (same inode). Steps that tamper with what the copy relies on
(an index from another almanac version, a damaged index, a changed byte in
all.ics, a missing all.ics) must cost renders, never a wrong byte. The
summary line's "N VEVENTs reused, M rendered" shows the copy happened.

usage: tests/e2e/incremental.py BIN [SEED]   prints ok/FAIL lines and a tally
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + detail if detail else ""))


def build(binary, path, out, epoch):
    """Builds PATH into OUT; returns (reused, rendered) from the summary."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    run = subprocess.run([binary, "build", path, "-o", out], env=env,
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("FAIL build %s into %s: exit %d\n%s" % (path, out, run.returncode,
                                                                  run.stderr))
    m = re.search(r"; (\d+) VEVENTs? reused, (\d+) rendered(; \d+ files? unchanged)?$",
                  run.stderr.strip())
    return (int(m.group(1)), int(m.group(2))) if m else (0, None)


def snapshot(directory):
    """{name: (inode, bytes)} of the files in DIRECTORY."""
    found = {}
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        with open(path, "rb") as f:
            found[name] = (os.stat(path).st_ino, f.read())
    return found


def replaced_needlessly(before, after):
    """Files whose bytes did not change but whose inode did: a build must
    leave an output it would write identically alone (its time too, which
    web servers' ETags and rsync go by)."""
    return sorted(name for name in before if name in after and
                  before[name][1] == after[name][1] and before[name][0] != after[name][0])


def differences(a, b):
    """File names whose bytes differ between directories A and B, or that
    only one of them has."""
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    diff = []
    for name in names:
        pa, pb = os.path.join(a, name), os.path.join(b, name)
        if not (os.path.isfile(pa) and os.path.isfile(pb)):
            diff.append(name + " (in one only)")
            continue
        with open(pa, "rb") as fa, open(pb, "rb") as fb:
            if fa.read() != fb.read():
                diff.append(name)
    return diff


# ---- edits of the document ----------------------------------------------

def ids(doc):
    return {e["id"] for e in doc["events"]}


def edit_titles(rng, doc, step):
    picked = rng.sample(doc["events"], min(len(doc["events"]), rng.randint(1, 3)))
    for e in picked:
        e["title"] = e["title"] + " (rev %d)" % step
    return "retitled " + ", ".join(e["id"] for e in picked), len(picked)


def edit_description(rng, doc, step):
    e = rng.choice(doc["events"])
    e["description"] = "Revised at step %d. " % step + e.get("description", "")
    return "described " + e["id"], 1


def move_dates(rng, doc, step):
    """Gives an event another event's dates (so it moves in the order)."""
    a, b = rng.sample(doc["events"], 2)
    if "repeat" in a or "repeat" in b or "overrides" in a or "overrides" in b:
        return "moved nothing (a series)", 0
    for key in ("start", "end", "timezone"):
        a.pop(key, None)
        if key in b:
            a[key] = b[key]
    return "moved %s to %s's dates" % (a["id"], b["id"]), 1


def add_events(rng, doc, step):
    added = []
    for k in range(rng.randint(1, 3)):
        e = json.loads(json.dumps(rng.choice(doc["events"])))
        e["id"] = "added-%d-%d" % (step, k)
        e["title"] = "Added at step %d" % step
        doc["events"].insert(rng.randrange(len(doc["events"]) + 1), e)
        added.append(e["id"])
    return "added " + ", ".join(added), len(added)


def remove_events(rng, doc, step):
    gone = {e["id"] for e in rng.sample(doc["events"], rng.randint(1, 3))}
    doc["events"] = [e for e in doc["events"] if e["id"] not in gone]
    for e in doc["events"]:  # what named them: an id that is gone is an error
        if "related" in e:
            e["related"] = [r for r in e["related"] if r not in gone]
            if not e["related"]:
                del e["related"]
    return "removed " + ", ".join(sorted(gone)), 0


def add_feed(rng, doc, step):
    tags = sorted({t for e in doc["events"] for t in e.get("tags", [])})
    doc["feeds"].append({"id": "feed-%d" % step, "name": "Feed of step %d" % step,
                         "tags": rng.sample(tags, min(2, len(tags)))})
    return "added feed-%d" % step, 0


def remove_feed(rng, doc, step):
    if len(doc["feeds"]) < 2:
        return "removed no feed", 0
    f = doc["feeds"].pop(rng.randrange(len(doc["feeds"])))
    return "removed feed " + f["id"], 0


def rename_feed(rng, doc, step):
    f = rng.choice(doc["feeds"])
    f["name"] = "Renamed at step %d" % step
    return "renamed feed " + f["id"], 0


def retag_feed(rng, doc, step):
    tags = sorted({t for e in doc["events"] for t in e.get("tags", [])})
    f = rng.choice(doc["feeds"])
    f["tags"] = rng.sample(tags, min(3, len(tags)))
    return "retagged feed " + f["id"], 0


def rename_calendar(rng, doc, step):
    doc["calendar"]["name"] = "Archive, step %d" % step
    return "renamed the calendar", 0


def nothing(rng, doc, step):
    return "changed nothing", 0


EDITS = [edit_titles, edit_description, move_dates, add_events, remove_events, add_feed,
         remove_feed, rename_feed, retag_feed, rename_calendar, nothing]


# ---- tampering with what the copy relies on -------------------------------

def index_path(out):
    return os.path.join(out, ".almanac-index")


def other_version(out):
    """The index as another almanac version would have written it."""
    with open(index_path(out)) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines):
        if line.startswith("index\t"):
            fields = line.split("\t")
            fields[2] = fields[2] + "-other"
            lines[i] = "\t".join(fields)
    with open(index_path(out), "w") as f:
        f.write("\n".join(lines))
    return "an index from another almanac version", None


def damaged_index(out):
    with open(index_path(out), "rb") as f:
        text = f.read()
    with open(index_path(out), "wb") as f:
        f.write(text[:len(text) * 2 // 3])
    return "a truncated index", None


def changed_byte(out):
    """One letter of one SUMMARY in all.ics changed, the length kept: that
    event alone must be rendered again."""
    path = os.path.join(out, "all.ics")
    with open(path, "rb") as f:
        text = bytearray(f.read())
    at = text.index(b"\r\nSUMMARY:") + len(b"\r\nSUMMARY:")
    text[at] = ord("X") if text[at] != ord("X") else ord("Y")
    with open(path, "wb") as f:
        f.write(text)
    return "a changed byte in all.ics", 1


def missing_calendar(out):
    os.unlink(os.path.join(out, "all.ics"))
    return "all.ics removed", None


TAMPERS = [other_version, damaged_index, changed_byte, missing_calendar]


def main():
    binary = os.path.abspath(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261206
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="almanac-incremental.")
    try:
        path = os.path.join(tmp, "events.json")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "gen_events.py"), "400",
                        path, "--seed", str(seed % 1000), "--series", "10"], check=True,
                       stdout=subprocess.DEVNULL)
        with open(path) as f:
            doc = json.load(f)
        inc = os.path.join(tmp, "inc")
        epoch = 1700000000
        build(binary, path, inc, epoch)
        plan = [rng.choice(EDITS) for _ in range(16)]
        # every tamper once, at a random place among the edits
        for tamper in TAMPERS:
            plan.insert(rng.randrange(len(plan) + 1), tamper)
        for step, action in enumerate(plan, 1):
            epoch += 3600
            full = os.path.join(tmp, "full-%d" % step)
            os.mkdir(full)
            shutil.copy(os.path.join(inc, ".almanac-state"), full)
            if action in TAMPERS:
                what, expected_rendered = action(inc)
                touched = None
            else:
                what, touched = action(rng, doc, step)
                expected_rendered = None
            with open(path, "w") as f:
                json.dump(doc, f, ensure_ascii=False, indent=1)
            before = snapshot(inc)
            reused, rendered = build(binary, path, inc, epoch)
            needless = replaced_needlessly(before, snapshot(inc))
            check(not needless, "step %d, %s: files with the same bytes left alone" % (step, what),
                  "replaced: " + ", ".join(needless[:5]))
            build(binary, path, full, epoch)
            diff = differences(inc, full)
            check(not diff, "step %d, %s: the outputs equal a full build" % (step, what),
                  "differ: " + ", ".join(diff[:5]))
            if action in (other_version, damaged_index, missing_calendar):
                check(reused == 0, "step %d, %s: nothing reused" % (step, what),
                      "%d VEVENTs reused" % reused)
            elif expected_rendered is not None:
                check(rendered == expected_rendered and reused > 0,
                      "step %d, %s: only the damaged event rendered" % (step, what),
                      "%d reused, %s rendered" % (reused, rendered))
            elif action is rename_calendar or action is nothing or action in (
                    add_feed, remove_feed, rename_feed, retag_feed):
                check(reused > 0 and rendered == 0,
                      "step %d, %s: no VEVENT rendered" % (step, what),
                      "%d reused, %s rendered" % (reused, rendered))
            elif touched is not None and touched > 0:
                check(reused > 0 and rendered is not None and rendered <= touched,
                      "step %d, %s: at most %d rendered" % (step, what, touched),
                      "%d reused, %s rendered" % (reused, rendered))
            shutil.rmtree(full)
    finally:
        shutil.rmtree(tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
