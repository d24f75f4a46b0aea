"""Prints the kinds of data in an .ics file that the events format cannot
hold, one per line: properties of a VEVENT (RRULE, RDATE, EXDATE,
RECURRENCE-ID, ATTENDEE, ATTACH), components inside a VEVENT (VALARM) and
components beside events (VTODO, VJOURNAL). Reads the raw text with no
iCalendar library, so that it does not share the importer's assumptions.
    ics_kinds.py FILE.ics
"""
import re
import sys

PROPERTIES = {"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "ATTENDEE", "ATTACH"}

text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
text = re.sub(r"\r?\n[ \t]", "", text)  # unfold (RFC 5545 3.1)
stack, kinds = [], set()
for line in text.splitlines():
    name = re.split(r"[;:]", line.lstrip("\ufeff"), maxsplit=1)[0].upper()
    value = line.split(":", 1)[1].strip().upper() if ":" in line else ""
    if name == "BEGIN":
        if value == "VALARM" and stack[-1:] == ["VEVENT"]:
            kinds.add(value)
        if value in ("VTODO", "VJOURNAL") and stack[-1:] == ["VCALENDAR"]:
            kinds.add(value)
        stack.append(value)
    elif name == "END":
        if value in stack:
            del stack[len(stack) - 1 - stack[::-1].index(value):]
    elif name in PROPERTIES and stack[-1:] == ["VEVENT"]:
        kinds.add(name)
print("\n".join(sorted(kinds)))
