#!/usr/bin/env python3
"""Checks the timeline formats of one events file with tools nobody on the
project wrote: cmark (the CommonMark reference) renders the Markdown,
Python's html.parser reads the HTML and cmark's output, json reads the JSON.

    check_timeline.py ALMANAC EVENTS.json

For each format it checks that every event of the input is there exactly
once with its title intact (so no escaping was lost or doubled), in the
order of the JSON timeline; that the HTML is well-formed and runs no script
but its own; and that every text line fits the width it was wrapped to.
"""
import html.parser
import json
import subprocess
import sys
import unicodedata

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


def almanac(binary, *args):
    run = subprocess.run([binary, "timeline", *args], capture_output=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"almanac timeline {' '.join(args)}: exit {run.returncode}: "
                         f"{run.stderr.decode(errors='replace')}")
    return run.stdout.decode("utf-8")


class Page(html.parser.HTMLParser):
    """Collects text, checks that tags nest, counts scripts and event ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text, self.ids = [], [], [], []
        self.scripts, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.errors.append(f"event handler attribute {name} on <{tag}>")
            if name == "id":
                self.ids.append(value)
            if name in ("href", "src") and value and value.lower().startswith("javascript:"):
                self.errors.append(f"javascript: URL in <{tag}>")
        if tag == "script":
            self.in_script = True
            self.scripts.append("")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if not self.stack:
            self.errors.append(f"</{tag}> at {self.getpos()} closes nothing")
        elif self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} closes <{self.stack[-1][0]}> "
                               f"opened at {self.stack[-1][1]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def read_page(text):
    page = Page()
    page.feed(text)
    page.close()
    if page.stack:
        page.errors.append(f"not closed: {[t for t, _ in page.stack]}")
    return page


def columns(line):
    """Display columns as glibc's wcwidth counts them."""
    width = 0
    for ch in line:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def check(binary, path):
    failures = []
    document = json.load(open(path, encoding="utf-8"))
    titles = {e["id"]: e["title"] for e in document["events"]}

    timeline = json.loads(almanac(binary, path, "--format", "json"))
    ids = [e["id"] for e in timeline["events"]]
    if sorted(ids) != sorted(titles) or timeline["total"] != len(titles):
        failures.append(f"json: ids {ids} are not the input's {sorted(titles)}")
    for e in timeline["events"]:
        if e["title"] != titles.get(e["id"]):
            failures.append(f"json: title of {e['id']} is {e['title']!r}")
        if e["first_day"] > e["last_day"]:
            failures.append(f"json: {e['id']} ends before it starts")
    days = [(e["first_day"], e["last_day"]) for e in timeline["events"]]
    if [d[0] for d in days] != sorted(d[0] for d in days):
        failures.append("json: events are not in order of their first day")

    rendered = subprocess.run(["cmark"], input=almanac(binary, path, "--format", "markdown")
                              .encode("utf-8"), capture_output=True, check=True).stdout
    page = read_page(rendered.decode("utf-8"))
    failures += [f"markdown: {e}" for e in page.errors]
    if page.scripts:
        failures.append("markdown: renders a <script>")
    text = "".join(page.text)
    for event_id in ids:
        if text.count(titles[event_id]) < 1:
            failures.append(f"markdown: the title of {event_id} is not there as written")
    positions = [text.find(" · " + titles[i]) for i in ids]
    if positions != sorted(positions):
        failures.append("markdown: events are not in timeline order")

    page = read_page(almanac(binary, path, "--format", "html"))
    failures += [f"html: {e}" for e in page.errors]
    if len(page.scripts) > 1:
        failures.append(f"html: {len(page.scripts)} scripts")
    for script in page.scripts:
        for title in titles.values():
            if len(title) > 8 and title in script:
                failures.append("html: document text inside the script")
    text = "".join(page.text)
    for event_id in ids:
        if titles[event_id] not in text:
            failures.append(f"html: the title of {event_id} is not there as written")
        if f"event-{event_id}" not in page.ids:
            failures.append(f"html: no element with id event-{event_id}")

    for width in (20, 40, 80, 120):
        for number, line in enumerate(almanac(binary, path, "--width", str(width)).split("\n")):
            if columns(line) > width:
                failures.append(f"text --width {width}: line {number + 1} has "
                                f"{columns(line)} columns: {line!r}")
    return failures


def main():
    binary, paths = sys.argv[1], sys.argv[2:]
    failures = []
    for path in paths:
        failures += [f"{path}: {f}" for f in check(binary, path)]
    for failure in failures:
        print("FAIL:", failure)
    print(f"timeline formats: {len(paths)} files, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
