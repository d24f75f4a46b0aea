#!/usr/bin/env python3
"""Makes every kind of single typo in a valid events file and checks what
`almanac check` says about each: it must never crash or hang, must exit 0 or
1, and every diagnostic must name a real place (file:line:col within the
file, and a JSON Pointer for problems in values).

    typos.py ALMANAC FILE [COUNT [MIN_ON_LINE_PERCENT]]

Typos are deterministic (seeded): deleting, doubling, replacing or swapping
a character, at random places. It prints how many typos were caught, and
how often the first error points at the very line of the typo, and fails
when that share is below MIN_ON_LINE_PERCENT (default 0). Some typos are
rightly reported elsewhere: a misspelt id is found where it is referred to.
"""
import concurrent.futures
import os
import random
import re
import subprocess
import sys
import tempfile

DIAGNOSTIC = re.compile(r"^(?P<file>[^:]+):(?:(?P<line>\d+):(?P<col>\d+):)? "
                        r"(?P<severity>error|warning)\[(?P<code>[EW]\d{3})\]: (?P<message>.+)$")
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?$")
REPLACEMENTS = '"{}[],:0aZ\\ -'
ALONE = 10  # typos also checked alone, against their batch


def mutate(text, rng):
    at = rng.randrange(len(text))
    kind = rng.choice(["delete", "double", "replace", "swap"])
    if kind == "delete":
        return text[:at] + text[at + 1:], at, kind
    if kind == "double":
        return text[:at] + text[at] + text[at:], at, kind
    if kind == "replace":
        return text[:at] + rng.choice(REPLACEMENTS) + text[at + 1:], at, kind
    at = min(at, len(text) - 2)
    return text[:at] + text[at + 1] + text[at] + text[at + 2:], at, kind


def main():
    almanac, path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    min_on_line = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    with open(path, encoding="utf-8") as f:
        original = f.read()
    rng = random.Random(20221021)
    failures, caught, on_line, unchanged = [], 0, 0, 0
    # The typos are made in order from the seed, as before. Each is written
    # to a directory of its own under the same file name, and almanac checks
    # them a batch at a time (`almanac check A B C ...`, a batch per core's
    # share): one process per typo cost 0.18 s of start-up and leak check
    # under the sanitizers, more than the checks themselves. A batch whose
    # run is not clean (a crash, a hang, a line that names no typo of it) is
    # checked again a typo at a time, so that the failure names its typo;
    # and the first typos are also checked alone, to prove that a file's
    # diagnostics do not depend on the files checked beside it.
    typos = []
    for i in range(count):
        text, at, kind = mutate(original, rng)
        if text == original:
            unchanged += 1
        else:
            typos.append((i, text, at, kind))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NO_COLOR": "1"}

        def typo_path(typo):
            return os.path.join(tmp, str(typo[0]), "typo.json")

        for typo in typos:
            os.mkdir(os.path.dirname(typo_path(typo)))
            with open(typo_path(typo), "w", encoding="utf-8") as f:
                f.write(typo[1])

        def check_alone(typo):
            try:
                return subprocess.run([almanac, "check", typo_path(typo)], capture_output=True,
                                      text=True, timeout=20, env=env)
            except subprocess.TimeoutExpired:
                return None

        def check_batch(batch):
            """A run per typo of BATCH: (returncode, its stderr lines), as a
            check of that file alone would give, or None for a hang."""
            try:
                run = subprocess.run([almanac, "check"] + [typo_path(t) for t in batch],
                                     capture_output=True, text=True, env=env,
                                     timeout=20 + len(batch))
            except subprocess.TimeoutExpired:
                run = None
            lines = {typo_path(t): [] for t in batch}
            clean = run is not None and run.returncode in (0, 1)
            for message in run.stderr.splitlines() if clean else []:
                m = DIAGNOSTIC.match(message)
                if m is not None and m["file"] in lines:
                    lines[m["file"]].append(message)
                elif not SUMMARY.match(message):
                    clean = False
            if not clean:
                return [check_alone(t) for t in batch]
            return [subprocess.CompletedProcess(
                        [], 1 if any(": error[" in x for x in lines[typo_path(t)]) else 0,
                        "", "\n".join(lines[typo_path(t)]))
                    for t in batch]

        jobs = 2 * (os.cpu_count() or 1)
        batches = [typos[k::jobs] for k in range(jobs)]
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            answers = list(pool.map(check_batch, batches))
        runs = [None] * len(typos)
        for k, answer in enumerate(answers):
            runs[k::jobs] = answer
        def diagnostics(run):
            return [x for x in run.stderr.splitlines() if not SUMMARY.match(x)]

        for typo, run in zip(typos[:ALONE], runs[:ALONE]):
            alone = check_alone(typo)
            if run is not None and alone is not None and (
                    diagnostics(alone) != diagnostics(run) or alone.returncode != run.returncode):
                failures.append(f"typo {typo[0]}: checked alone, it gives other diagnostics "
                                f"than beside other files:\n" + "\n".join(diagnostics(alone)) +
                                "\n---- beside others:\n" + "\n".join(diagnostics(run)))
        for (i, text, at, kind), run in zip(typos, runs):
            lines = text.split("\n")
            typo_line = text.count("\n", 0, at) + 1
            if run is None:
                failures.append(f"typo {i} ({kind} at {at}): timed out")
                continue
            where = f"typo {i} ({kind} at line {typo_line}: {lines[typo_line - 1].strip()[:60]!r})"
            if run.returncode not in (0, 1):
                failures.append(f"{where}: exit {run.returncode}\n{run.stderr[-2000:]}")
                continue
            if run.returncode == 0:
                continue  # the typo made another valid file (e.g. a changed title)
            caught += 1
            first_error_line = None
            for message in run.stderr.splitlines():
                if SUMMARY.match(message):
                    continue
                m = DIAGNOSTIC.match(message)
                if m is None:
                    failures.append(f"{where}: not a diagnostic: {message!r}")
                    continue
                if m["line"] is None:
                    continue  # about the whole file (e.g. it is empty)
                line, col = int(m["line"]), int(m["col"])
                if not (1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1):
                    failures.append(f"{where}: position {line}:{col} is outside the file")
                if m["severity"] == "error" and first_error_line is None:
                    first_error_line = line
            if first_error_line == typo_line:
                on_line += 1
    share = 100.0 * on_line / caught if caught else 100.0
    if share < min_on_line:
        failures.append(f"the first error is on the typo's line for only {share:.1f}% of the "
                        f"caught typos; expected at least {min_on_line:g}%")
    for failure in failures:
        print("FAIL:", failure)
    print(f"typos in {path}: {count - unchanged} made, {caught} caught; the first error is "
          f"on the typo's line for {on_line} of them ({share:.1f}%); {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
