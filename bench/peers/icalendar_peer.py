#!/usr/bin/python3
"""Peer: Debian's python3-icalendar (4.0.3, with pytz), as its docs show:
build the Calendar, then one to_ical().

    /usr/bin/python3 bench/peers/icalendar_peer.py EVENTS.json OUT.ics
"""
import datetime
import json
import sys

import icalendar
import pytz


def day_after_last(text):
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        y, m = parts
        return datetime.date(y + (m == 12), m % 12 + 1, 1)
    return datetime.date(*parts) + datetime.timedelta(days=1)


def first_day(text):
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return datetime.date(*parts[:3])


def main():
    source, target = sys.argv[1:3]
    with open(source, encoding="utf-8") as f:
        doc = json.load(f)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//almanac-bench//python3-icalendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", doc["calendar"]["name"])
    stamp = datetime.datetime(2024, 1, 1, tzinfo=pytz.utc)
    zones = {}
    for e in doc["events"]:
        ev = icalendar.Event()
        ev.add("uid", "%s@%s" % (e["id"], doc["calendar"]["id"]))
        ev.add("dtstamp", stamp)
        if "T" in e["start"]:
            name = e.get("timezone") or doc["calendar"]["timezone"]
            zone = zones.setdefault(name, pytz.timezone(name))
            ev.add("dtstart", zone.localize(datetime.datetime.fromisoformat(e["start"])))
            if "end" in e:
                ev.add("dtend", zone.localize(datetime.datetime.fromisoformat(e["end"])))
        else:
            ev.add("dtstart", first_day(e["start"]))
            ev.add("dtend", day_after_last(e.get("end", e["start"])))
        ev.add("summary", e["title"])
        if "description" in e:
            ev.add("description", e["description"])
        loc = e.get("location")
        if loc:
            ev.add("location", ", ".join(x for x in (loc["name"], loc.get("country")) if x))
            if "geo" in loc:
                ev.add("geo", tuple(loc["geo"]))
        if "url" in e:
            ev.add("url", e["url"])
        if e.get("tags"):
            ev.add("categories", e["tags"])
        ev.add("status", e.get("status", "confirmed").upper())
        cal.add_component(ev)
    with open(target, "wb") as f:
        f.write(cal.to_ical())


if __name__ == "__main__":
    main()
