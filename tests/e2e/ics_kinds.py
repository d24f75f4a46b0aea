"""Prints the kinds of data in an .ics file that the events format cannot
hold, one per line: components beside events (VTODO, VJOURNAL). (Series,
alarms, attendees and attachments it holds since issue 19; what import
makes of them is checked by the round trip and the occurrence comparison
in import.sh.) Reads the raw text with no
iCalendar library, so that it does not share the importer's assumptions.
    ics_kinds.py FILE.ics
"""
import re
import sys

PROPERTIES = set()

text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
text = re.sub(r"\r?\n[ \t]", "", text)  # unfold (RFC 5545 3.1)
stack, kinds = [], set()
for line in text.splitlines():
    name = re.split(r"[;:]", line.lstrip("\ufeff"), maxsplit=1)[0].upper()
    value = line.split(":", 1)[1].strip().upper() if ":" in line else ""
    if name == "BEGIN":
        if value in ("VTODO", "VJOURNAL") and stack[-1:] == ["VCALENDAR"]:
            kinds.add(value)
        stack.append(value)
    elif name == "END":
        if value in stack:
            del stack[len(stack) - 1 - stack[::-1].index(value):]
    elif name in PROPERTIES and stack[-1:] == ["VEVENT"]:
        kinds.add(name)
print("\n".join(sorted(kinds)))
