#!/usr/bin/python3
"""List the occurrences in almanac's JSON timeline in the format of
occurrences_rie.py and occurrences_icaljs.mjs, to diff the three.

usage: almanac timeline --format json --from FROM --to TO EVENTS.json > T.json
       /usr/bin/python3 tests/e2e/occurrences_almanac.py T.json [FROM TO]

T.json may be "-" for standard input. With FROM and TO (YYYY-MM-DD), only
entries starting in FROM..TO are printed, by the rule the other two scripts
use (timed: FROM 00:00 UTC <= start < TO + 1 day 00:00 UTC; all-day: the
date is in FROM..TO), in case the timeline also lists entries that merely
overlap the range. One line per entry, sorted in byte order (LC_ALL=C):

    UID<TAB>START<TAB>END<TAB>STATUS<TAB>SUMMARY

- UID is "<event id>@<calendar id>", as render_ics.c's append_uid() writes
  it; for an occurrence of a series, the series' id ("occurrence": {"of"}),
  since every occurrence shares the UID of its series in the .ics.
- START/END: a day "YYYY-MM-DD" for all-day entries, END exclusive (the
  JSON's "end" is the last day, inclusive; no "end" means one day); else
  "YYYY-MM-DDTHH:MM:SSZ" in UTC, local times converted with zoneinfo from
  the entry's "timezone" or else the calendar's (none: read as UTC, as the
  .ics then has a floating time); no "end" means END = START.
- Entries of month or year precision are skipped.
"""
import datetime
import json
import sys
import zoneinfo

UTC = datetime.timezone.utc
ONE_DAY = datetime.timedelta(days=1)


def when(text, zone):
    """A date ("2024-03-12") or an aware datetime from a JSON date text."""
    if "T" not in text:
        return datetime.date.fromisoformat(text)
    if text.endswith("Z"):
        return datetime.datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    # Local time. fold=0 picks the first of a repeated hour and, for a time
    # in a spring-forward gap, the offset from before the gap: RFC 5545 3.3.5.
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zone)


def fmt(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def clean(text):
    return str(text).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def main(argv):
    if len(argv) not in (2, 4):
        sys.stderr.write("usage: occurrences_almanac.py TIMELINE_JSON [FROM TO]\n")
        return 2
    src = sys.stdin if argv[1] == "-" else open(argv[1], encoding="utf-8")
    with src:
        doc = json.load(src)
    lo = hi = None
    if len(argv) == 4:
        first = datetime.date.fromisoformat(argv[2])
        last = datetime.date.fromisoformat(argv[3])
        lo = datetime.datetime.combine(first, datetime.time(), UTC)
        hi = datetime.datetime.combine(last + ONE_DAY, datetime.time(), UTC)
    calendar = doc["calendar"]
    lines = []
    for e in doc["events"]:
        if e.get("precision") in ("month", "year"):
            continue
        tzname = e.get("timezone") or calendar.get("timezone")
        zone = zoneinfo.ZoneInfo(tzname) if tzname else UTC
        start = when(e["start"], zone)
        if isinstance(start, datetime.datetime):
            end = when(e["end"], zone) if "end" in e else start
            if lo is not None and not lo <= start < hi:
                continue
        else:
            end = when(e["end"], zone) + ONE_DAY if "end" in e else start + ONE_DAY
            if lo is not None and not first <= start <= last:
                continue
        series = e.get("occurrence", {}).get("of", e["id"])
        lines.append("\t".join((
            clean(f"{series}@{calendar['id']}"), fmt(start), fmt(end),
            e.get("status", "confirmed").upper(), clean(e.get("title", "")))))
    sys.stdout.buffer.write(b"".join(l + b"\n" for l in sorted(l.encode() for l in lines)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
