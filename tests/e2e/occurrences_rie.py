#!/usr/bin/python3
"""List the occurrences of every VEVENT of an .ics file in a date range, with
python3-recurring-ical-events (Debian 12: 2.0.1, on python3-icalendar 4.0.3).

usage: /usr/bin/python3 tests/e2e/occurrences_rie.py ICS FROM TO
       /usr/bin/python3 tests/e2e/occurrences_rie.py --each FROM TO ICS OUT [ICS OUT]...

FROM and TO are days (YYYY-MM-DD), both inclusive: an occurrence is listed
when it starts at or after FROM 00:00 UTC and before TO + 1 day 00:00 UTC
(an all-day one when its date is in FROM..TO). One line per occurrence,
sorted in byte order (LC_ALL=C):

    UID<TAB>START<TAB>END<TAB>STATUS<TAB>SUMMARY

START/END are YYYY-MM-DD for all-day occurrences (END exclusive, as DTEND)
and YYYY-MM-DDTHH:MM:SSZ in UTC for timed ones. STATUS defaults to
CONFIRMED. The same output as occurrences_icaljs.mjs and occurrences_almanac.py.

What rie 2.0.1 does that matters here (read from its source):
- Cancelled overrides ARE returned: rie ignores STATUS entirely, so a
  RECURRENCE-ID VEVENT with STATUS:CANCELLED replaces the master's occurrence
  and comes back as it is, and it is printed with status CANCELLED.
- Overrides are matched to occurrences by the *date* of RECURRENCE-ID (not
  the time, and in the zone the RECURRENCE-ID is written in), so two
  occurrences on one day cannot be told apart, and a UTC RECURRENCE-ID
  whose UTC date differs from the local one replaces the wrong occurrence.
- TZIDs that are IANA names resolve through pytz (the system tz database),
  not through the file's VTIMEZONE; only unknown TZIDs use the VTIMEZONE.
- recurring_ical_events.of() first applies x_wr_timezone.to_standard(),
  which moves UTC DTSTART/RDATE/EXDATE/RECURRENCE-ID into the calendar's
  X-WR-TIMEZONE. That changes what a UTC-anchored RRULE means across DST
  (it then recurs at a fixed local wall-clock time), which RFC 5545 does not
  allow, and almanac writes X-WR-TIMEZONE. So this script builds
  UnfoldableCalendar directly and leaves UTC times alone.
- Known bug, not worked around: with an RRULE UNTIL in UTC and a DTSTART
  whose zone changes offset before UNTIL, dateutil compares candidates with
  the DTSTART's offset, so an occurrence exactly at UNTIL after a spring
  switch (or up to an hour before it) is dropped.
"""
import datetime
import signal
import sys

import icalendar
import recurring_ical_events

UTC = datetime.timezone.utc
ONE_DAY = datetime.timedelta(days=1)
TIME_LIMIT = 60  # s; rie has no iteration bound (a SECONDLY rule from 2000 eats ~20 MB/s)


def too_slow(signum, frame):
    raise TimeoutError(f"no result after {TIME_LIMIT} s")


def check(cal):
    """Raise for what icalendar 4 lets pass silently: a property it could not
    parse (it drops it, e.g. a bad RRULE, and notes it in .errors) and a TZID
    that is neither an IANA name nor a VTIMEZONE of the file (a floating time)."""
    for comp in cal.walk():
        if comp.errors:
            raise ValueError(f"{comp.name}: unparsable {comp.errors}")
    for ev in cal.walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE"):
            props = ev.get(name, [])
            for prop in props if isinstance(props, list) else [props]:
                values = [d.dt for d in getattr(prop, "dts", [prop])]
                if "TZID" in prop.params and any(
                        isinstance(v, datetime.datetime) and v.tzinfo is None for v in values):
                    raise ValueError(f"{ev.get('UID')}: unknown TZID {prop.params['TZID']}")


def fmt(value):
    """A DTSTART/DTEND value as printed: a day, or a UTC time."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:   # floating time: read as UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def clean(text):
    return str(text).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def occurrences(path, first, last):
    """(0, the listing as bytes) or (1, why the expander failed)."""
    lo = datetime.datetime.combine(first, datetime.time(), UTC)
    hi = datetime.datetime.combine(last + ONE_DAY, datetime.time(), UTC)
    signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(TIME_LIMIT)
    try:
        with open(path, "rb") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        check(cal)
        # Not recurring_ical_events.of(): see the docstring (X-WR-TIMEZONE).
        # between() returns what overlaps [lo, hi); filter by start below.
        found = recurring_ical_events.UnfoldableCalendar(cal).between(lo, hi)
        signal.alarm(0)
    except Exception as e:  # noqa: BLE001 - any failure of the expander
        signal.alarm(0)
        return 1, f"occurrences_rie: {path}: {type(e).__name__}: {e}\n"
    lines = []
    for ev in found:
        start = ev["DTSTART"].dt
        end = ev["DTEND"].dt   # rie sets DTEND on every occurrence
        if isinstance(start, datetime.datetime):
            s = start if start.tzinfo else start.replace(tzinfo=UTC)
            if not lo <= s < hi:
                continue
        else:
            if not first <= start <= last:
                continue
            if end == start:
                # rie gives a DATE event without DTEND/DURATION no length;
                # RFC 5545 3.6.1 says it lasts one day.
                end = start + ONE_DAY
        lines.append("\t".join((
            clean(ev.get("UID", "")), fmt(start), fmt(end),
            clean(ev.get("STATUS", "CONFIRMED")).upper(),
            clean(ev.get("SUMMARY", "")))))
    # LC_ALL=C order is byte order of the UTF-8 text.
    return 0, b"".join(l + b"\n" for l in sorted(l.encode() for l in lines))


def main(argv):
    # --each FROM TO ICS OUT...: many files in one process (the imports of
    # the corpus); each listing to its OUT, or why it failed to OUT.err
    if len(argv) >= 6 and argv[1] == "--each" and len(argv) % 2 == 0:
        first = datetime.date.fromisoformat(argv[2])
        last = datetime.date.fromisoformat(argv[3])
        for path, out in zip(argv[4::2], argv[5::2]):
            status, result = occurrences(path, first, last)
            with open(out + ".err" if status else out, "w" if status else "wb") as f:
                f.write(result)
        return 0
    if len(argv) != 4:
        sys.stderr.write("usage: occurrences_rie.py ICS FROM TO\n"
                         "       occurrences_rie.py --each FROM TO ICS OUT [ICS OUT]...\n")
        return 2
    status, result = occurrences(argv[1], datetime.date.fromisoformat(argv[2]),
                                 datetime.date.fromisoformat(argv[3]))
    if status:
        sys.stderr.write(result)
        return status
    sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
