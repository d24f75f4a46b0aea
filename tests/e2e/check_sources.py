#!/usr/bin/env python3
"""Checks that a published data set cites its sources (issue 24):

    check_sources.py FILE...

- every event has at least one source,
- every source names its publisher and its date,
- every source URL uses https.

The format (the JSON Schema and `almanac check`) keeps sources, publisher and
date optional and allows http URLs, because it describes any calendar. This
is the rule for the data we publish, so tests/e2e/cases.sh runs it on
events.json, not on the fixtures in tests/cases/: those leave sources out on
purpose, to cover the optional keys.

Prints one line per problem, "FILE: JSON pointer (event id): what; how to
fix", and exits 1 when there is any. A file that is not JSON, or not an
events document, is a problem too, never a pass.
"""
import json
import sys


def text_given(value):
    """A non-blank string, as almanac's one-line texts are."""
    return isinstance(value, str) and value.strip() != ""


def source_problems(source, pointer):
    if not isinstance(source, dict):
        return [f"{pointer}: a source must be an object with title, publisher, date and url"]
    problems = []
    if not text_given(source.get("publisher")):
        problems.append(f"{pointer}: the source has no publisher; add \"publisher\", "
                        "e.g. the news agency or ministry that published it")
    if not text_given(source.get("date")):
        problems.append(f"{pointer}: the source has no date; add \"date\", the day "
                        "(or month, or year) it was published")
    url = source.get("url")
    if url is not None and not (isinstance(url, str) and url.lower().startswith("https://")):
        problems.append(f"{pointer}/url: {url!r} is not https; cite the https address "
                        "of the page, or another source that has one")
    return problems


def event_problems(event, pointer):
    if not isinstance(event, dict):
        return [f"{pointer}: an event must be an object"]
    label = f"{pointer} ({event.get('id', 'no id')})"
    sources = event.get("sources")
    if not isinstance(sources, list) or not sources:
        return [f"{label}: the event has no source; add \"sources\" with the report "
                "or article that states it"]
    problems = []
    for i, source in enumerate(sources):
        problems += source_problems(source, f"{label}/sources/{i}")
    return problems


def file_problems(path):
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as error:
        return [f"cannot read it as JSON: {error}"]
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list) or not events:
        return ["/events: no events to check"]
    problems = []
    for i, event in enumerate(events):
        problems += event_problems(event, f"/events/{i}")
    return problems


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: check_sources.py FILE...")
    failed = False
    for path in sys.argv[1:]:
        for problem in file_problems(path):
            print(f"{path}: {problem}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
