#!/usr/bin/env python3
"""Checks that a real JSON Schema validator (python3-jsonschema, Draft
2020-12) agrees with `almanac check` on which test files are valid.

    check_schema.py SCHEMA ALMANAC FILE...

A file is valid for almanac when `almanac check` exits 0, and valid for the
schema when Python's json module parses it and the schema accepts it. The
two must agree, except for the files listed in STRICTER_THAN_SCHEMA: checks
that a schema cannot express, which only almanac makes. Every exception must
still hold (almanac rejects, the schema accepts), so the list cannot rot.
"""
import json
import os
import subprocess
import sys

import jsonschema

# Bad cases that the schema accepts, and why only almanac can see the problem.
STRICTER_THAN_SCHEMA = {
    # the JSON itself: Python's parser is more lenient than almanac's
    "duplicate-key": "Python's json keeps the last of duplicate keys silently",
    "lone-surrogate": "Python's json accepts a lone UTF-16 surrogate escape",
    # values that need a calendar, the tz database or the whole document
    "leap-day-2100": "2100-02-29 matches the date pattern; only a calendar knows 2100 is "
                     "not a leap year",
    "related-typo": "related ids must name an event of the document",
    "timezones": "timezones must exist in the system tz database",
    "calendar-timezone": "timezones must exist in the system tz database",
    "title-too-long": "the limit counts UTF-8 bytes; maxLength counts characters",
}


def almanac_accepts(almanac, paths):
    """The files `almanac check` accepts, checked in one process: a file is
    accepted when none of its diagnostics is an error (what its own exit
    status 0 means; tests/e2e/cli.sh proves that checking several files
    says what checking each alone says)."""
    run = subprocess.run([almanac, "check", "--format=json", *paths], capture_output=True,
                         check=False)
    if run.returncode not in (0, 1) or run.stderr:
        sys.exit(f"almanac check exited {run.returncode}: {run.stderr.decode()[:400]}")
    rejected = {d["file"] for d in json.loads(run.stdout) if d["severity"] == "error"}
    if (run.returncode == 1) != bool(rejected):
        sys.exit(f"almanac check exited {run.returncode} with errors in {sorted(rejected)}")
    return {path for path in paths if path not in rejected}


def schema_accepts(validator, path):
    try:
        with open(path, "rb") as f:
            document = json.loads(f.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False, "not JSON"
    errors = list(validator.iter_errors(document))
    return not errors, "; ".join(e.message[:80] for e in errors[:2])


def main():
    schema_path, almanac, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures, agreed, stricter = [], 0, 0
    accepted = almanac_accepts(almanac, files)
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0]
        by_almanac = path in accepted
        by_schema, why = schema_accepts(validator, path)
        if name in STRICTER_THAN_SCHEMA and "/bad/" in path:
            if by_almanac or not by_schema:
                failures.append(f"{path}: listed as stricter than the schema, but almanac "
                                f"{'accepts' if by_almanac else 'rejects'} and the schema "
                                f"{'accepts' if by_schema else 'rejects'} it; update the list")
            else:
                stricter += 1
        elif by_almanac != by_schema:
            failures.append(f"{path}: almanac {'accepts' if by_almanac else 'rejects'} it, "
                            f"the schema {'accepts' if by_schema else 'rejects'} it ({why})")
        else:
            agreed += 1
    for failure in failures:
        print("FAIL:", failure)
    print(f"schema: {agreed} files agree, {stricter} rejected only by almanac (listed), "
          f"{len(failures)} disagree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
