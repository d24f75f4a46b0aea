#!/usr/bin/python3
"""Writes N synthetic events in almanac's events.json format, for make bench.

    /usr/bin/python3 bench/gen_events.py N OUT.json [--seed S] [--series PERCENT]

Beside OUT.json it writes OUT.counts.json: how many VEVENTs each feed (and
"all") must hold, so the runner can check every output without parsing it,
and under "events" the number of events (what `almanac check` reports; a
series' overrides are VEVENTs of their own).

Deterministic: the same N and seed give the same bytes on every run (one
random.Random, no dict-order or clock dependence). The mix follows issue 7:
~70% all-day events (some spanning several days), ~20% timed events in five
zones, ~10% known only to the month or the year; ~60-character titles mixing
Latin and Cyrillic with commas and semicolons; ~400-character descriptions with
newlines, quotes, backslashes and emoji; a location, 1-3 tags and a url each;
some events name related events, and a few feeds select events by tag, so
that id lookups and tag feeds are exercised at scale.

--series PERCENT turns exactly that share of the events (chosen by a second
random stream, so every other event is byte for byte the one the plain file
holds) into series: their dates are replaced by a repeating rule and nothing
else changes. The rules (see series_dates): weekly on one weekday (some every
other week, some on two weekdays) with a count; monthly on an ordinal weekday
("second tuesday" most often) until a UTC time (timed) or a day (all-day);
yearly anniversaries without end; a fifth of them written as RRULE strings.
A quarter exclude one occurrence, a fifth move one with an override, three
in ten have a 30-minute reminder and 2-3 attendees. Occurrences are computed
with dateutil.rrule (python3-dateutil) in the event's local time, the start
is always the rule's first occurrence, and excluded dates and overrides are
always real occurrences other than the first, so `almanac check` accepts it.
"""
import datetime
import json
import random
import sys

ZONES = ["Asia/Tashkent", "Asia/Dushanbe", "Asia/Almaty", "Europe/Berlin", "America/New_York"]
TAGS = ["afghanistan", "border-security", "counter-terrorism", "summit", "treaty",
        "conference", "water", "energy", "trade", "migration", "education", "religion",
        "youth", "elections", "media", "health", "transport", "culture", "sport", "science"]
FEEDS = [("security", "Security", ["border-security", "counter-terrorism", "afghanistan"]),
         ("diplomacy", "Diplomacy", ["summit", "treaty", "conference"]),
         ("economy", "Economy", ["water", "energy", "trade", "transport"]),
         ("society", "Society", ["education", "religion", "youth", "culture"]),
         ("science", "Science", ["science"])]
PLACES = [("Tashkent", "Uzbekistan", 41.31, 69.28), ("Dushanbe", "Tajikistan", 38.56, 68.77),
          ("Almaty", "Kazakhstan", 43.24, 76.89), ("Bishkek", "Kyrgyzstan", 42.87, 74.59),
          ("Samarkand", "Uzbekistan", 39.65, 66.96), ("Berlin", "Germany", 52.52, 13.40),
          ("New York", "United States", 40.71, -74.01), ("Ашхабад", "Туркменистан", 37.95, 58.38),
          ("Cholpon-Ata", "Kyrgyzstan", 42.65, 77.08), ("Термез", "Узбекистан", 37.22, 67.28)]
LATIN = ["conference", "border", "security", "treaty", "summit", "water", "forum", "regional",
         "cooperation", "meeting", "dialogue", "report", "agreement", "session", "energy",
         "youth", "Afghanistan", "Central", "Asia", "trade"]
CYRILLIC = ["конференция", "граница", "безопасность", "договор", "саммит", "вода", "форум",
            "региональный", "сотрудничество", "встреча", "диалог", "доклад", "соглашение",
            "сессия", "энергия", "молодёжь", "Афганистан", "Центральная", "Азия", "торговля"]
EMOJI = ["🌍", "📅", "🤝", "🏔️", "✈️", "📰", "🇺🇿", "⚖️"]


def words(rng, target):
    """Latin and Cyrillic words with commas and semicolons, about TARGET characters."""
    out = []
    length = 0
    while length < target:
        word = rng.choice(LATIN if rng.random() < 0.5 else CYRILLIC)
        r = rng.random()
        if r < 0.12:
            word += ","
        elif r < 0.18:
            word += ";"
        out.append(word)
        length += len(word) + 1
    return " ".join(out)


def description(rng):
    """~400 characters: sentences, newlines, "quotes", a backslash, emoji."""
    parts = []
    while sum(len(p) for p in parts) < 380:
        r = rng.random()
        if r < 0.15:
            parts.append('"' + words(rng, 25) + '"')
        elif r < 0.25:
            parts.append("C:\\archive\\" + rng.choice(LATIN))
        elif r < 0.35:
            parts.append(rng.choice(EMOJI))
        elif r < 0.45:
            parts.append("\n")
        else:
            parts.append(words(rng, 40) + ".")
    return " ".join(parts).replace(" \n ", "\n")


def day(rng):
    year = rng.randint(1995, 2030)
    month = rng.randint(1, 12)
    return year, month, rng.randint(1, 28)


def dates(rng, event):
    kind = rng.random()
    if kind < 0.70:  # all-day, a third of them over several days
        y, m, d = day(rng)
        event["start"] = "%04d-%02d-%02d" % (y, m, d)
        if rng.random() < 0.33:
            last = min(28, d + rng.randint(1, 5))
            if last > d:
                event["end"] = "%04d-%02d-%02d" % (y, m, last)
    elif kind < 0.90:  # timed, in one of five zones
        y, m, d = day(rng)
        h, mi = rng.randint(7, 18), rng.choice([0, 15, 30, 45])
        event["start"] = "%04d-%02d-%02dT%02d:%02d" % (y, m, d, h, mi)
        if rng.random() < 0.8:
            event["end"] = "%04d-%02d-%02dT%02d:%02d" % (y, m, d, h + rng.randint(1, 4), mi)
        event["timezone"] = rng.choice(ZONES)
    elif kind < 0.96:  # month precision, some over several months
        y, m, _ = day(rng)
        event["start"] = "%04d-%02d" % (y, m)
        if rng.random() < 0.3 and m < 12:
            event["end"] = "%04d-%02d" % (y, rng.randint(m + 1, 12))
    else:  # year precision
        y = rng.randint(1995, 2030)
        event["start"] = "%04d" % y
        if rng.random() < 0.2:
            event["end"] = "%04d" % (y + 1)


# Series (--series). dateutil is imported only when series are asked for.
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ORDINALS = [("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("last", -1)]
PEOPLE = [("Dilnoza Karimova", "d.karimova"), ("Jonas Weber", "j.weber"),
          ("Aigerim Sultanova", "a.sultanova"), ("Farrukh Nazarov", "f.nazarov"),
          ("Гульнара Исмаилова", "g.ismailova"), ("Bakyt Asanov", "b.asanov"),
          ("Sarah O'Connor", "s.oconnor"), ("Тимур Рахимов", "t.rakhimov")]
ROLES = ["required", "required", "optional", "chair"]
PARTSTATS = ["needs-action", "accepted", "accepted", "tentative", "declined"]


def fmt_day(d):
    return "%04d-%02d-%02d" % (d.year, d.month, d.day)


def fmt_local(t):
    return "%04d-%02d-%02dT%02d:%02d" % (t.year, t.month, t.day, t.hour, t.minute)


def series_dates(rng, event):
    """Replaces EVENT's start, end and timezone with a series. Returns the
    occurrences it computed (local naive datetimes for timed events, dates
    for all-day ones; at least three, the first being the start; of an
    endless yearly rule only its first six) and the function that writes
    one the way the events format wants it."""
    from dateutil import rrule
    from zoneinfo import ZoneInfo
    for key in ("start", "end", "timezone"):
        event.pop(key, None)
    kind = rng.random()
    if kind < 0.45:
        rule, timed = "weekly", rng.random() < 0.85
    elif kind < 0.75:
        rule, timed = "monthly", rng.random() < 0.75
    else:
        rule, timed = "yearly", rng.random() < 0.15
    y, m, d = day(rng)
    if timed:
        zone = rng.choice(ZONES)
        h, mi = rng.randint(7, 18), rng.choice([0, 15, 30, 45])
        first = datetime.datetime(y, m, d, h, mi)
    else:
        first = datetime.datetime(y, m, d)
    as_string = rng.random() < 0.2
    if rule == "weekly":
        wd = first.weekday()
        days = [wd]
        interval = 1
        r = rng.random()
        if r < 0.2:
            days.append(rng.choice([x for x in range(5) if x != wd]))
            days.sort()
        elif r < 0.35:
            interval = 2
        count = rng.randint(4, 30)
        occ = list(rrule.rrule(rrule.WEEKLY, dtstart=first, interval=interval,
                               byweekday=days, count=count))
        if as_string:
            repeat = "FREQ=WEEKLY;%sBYDAY=%s;COUNT=%d" % (
                "INTERVAL=2;" if interval == 2 else "",
                ",".join(RRULE_DAYS[x] for x in days), count)
        else:
            repeat = {"frequency": "weekly", "days": [WEEKDAYS[x] for x in days],
                      "count": count}
            if interval == 2:
                repeat["interval"] = 2
    elif rule == "monthly":
        # Mostly "second" (some "first"), else any ordinal; mostly Tuesdays.
        if rng.random() < 0.7:
            name, nth = ORDINALS[0 if rng.random() < 0.15 else 1]
        else:
            name, nth = rng.choice(ORDINALS)
        wd = 1 if rng.random() < 0.6 else rng.randrange(5)
        by = rrule.weekday(wd)(nth)
        # The start: that weekday of the start's month (never before the 1st).
        month_start = first.replace(day=1)
        first = next(iter(rrule.rrule(rrule.MONTHLY, dtstart=month_start, byweekday=by)))
        k = rng.randint(3, 18)
        occ = list(rrule.rrule(rrule.MONTHLY, dtstart=first, byweekday=by, count=k))
        last = occ[-1]
        if timed:
            utc = last.replace(tzinfo=ZoneInfo(zone)).astimezone(datetime.timezone.utc)
            until = utc.strftime("%Y-%m-%dT%H:%M:%SZ")
            until_rrule = utc.strftime("%Y%m%dT%H%M%SZ")
        else:
            until = fmt_day(last)
            until_rrule = last.strftime("%Y%m%d")
        if as_string:
            repeat = "FREQ=MONTHLY;BYDAY=%d%s;UNTIL=%s" % (nth, RRULE_DAYS[wd], until_rrule)
        else:
            repeat = {"frequency": "monthly", "days": ["%s %s" % (name, WEEKDAYS[wd])],
                      "until": until}
    else:
        repeat = "FREQ=YEARLY" if as_string else {"frequency": "yearly"}
        occ = list(rrule.rrule(rrule.YEARLY, dtstart=first, count=6))
    if timed:
        event["start"] = fmt_local(first)
        if rng.random() < 0.9:
            length = datetime.timedelta(minutes=rng.choice([30, 45, 60, 90, 120]))
            event["end"] = fmt_local(first + length)
        event["timezone"] = zone
        fmt = fmt_local
    else:
        event["start"] = fmt_day(first)
        if rng.random() < 0.15:
            event["end"] = fmt_day(first + datetime.timedelta(days=rng.randint(1, 2)))
        fmt = fmt_day
        occ = [o.date() for o in occ]
    event["repeat"] = repeat
    return occ, fmt


def make_series(rng, event):
    """Turns EVENT into a series (dates, exclusions, overrides, alarm, people)."""
    occ, fmt = series_dates(rng, event)
    later = occ[1:]
    excluded = None
    if rng.random() < 0.25:
        excluded = rng.choice(later)
        event["excluded_dates"] = [fmt(excluded)]
    if rng.random() < 0.2:
        moved = rng.choice([o for o in later if o != excluded] or later)
        if moved != excluded:
            shift = datetime.timedelta(days=1) if isinstance(moved, datetime.date) and \
                not isinstance(moved, datetime.datetime) else \
                rng.choice([datetime.timedelta(hours=1), datetime.timedelta(days=1)])
            override = {"occurrence": fmt(moved), "start": fmt(moved + shift)}
            if "end" in event:
                start = (datetime.datetime.fromisoformat(event["start"]))
                end = (datetime.datetime.fromisoformat(event["end"]))
                new_end = datetime.datetime.fromisoformat(fmt(moved + shift)) + (end - start)
                override["end"] = fmt(new_end if "T" in event["end"] else new_end.date())
            if rng.random() < 0.3:
                override["description"] = "Moved: " + words(rng, 30)
            event["overrides"] = [override]
    if rng.random() < 0.3:
        event["alarms"] = [{"before": "PT30M"}]
        people = rng.sample(PEOPLE, rng.randint(2, 3))
        event["attendees"] = []
        for name, mail in people:
            a = {"name": name, "email": mail + "@example.org"}
            role, status = rng.choice(ROLES), rng.choice(PARTSTATS)
            if role != "required":
                a["role"] = role
            if status != "needs-action":
                a["status"] = status
            event["attendees"].append(a)
        if rng.random() < 0.5:
            name, mail = rng.choice(PEOPLE)
            event["organizer"] = {"name": name, "email": mail + "@example.org"}
    return 1 + len(event.get("overrides", []))


def make_event(rng, i, ids):
    event = {"id": "event-%07d" % i, "title": words(rng, 60)}
    dates(rng, event)
    r = rng.random()
    if r < 0.08:
        event["status"] = "tentative"
    elif r < 0.11:
        event["status"] = "cancelled"
    name, country, lat, lon = rng.choice(PLACES)
    event["location"] = {"name": name, "country": country, "geo": [lat, lon]}
    event["tags"] = rng.sample(TAGS, rng.randint(1, 3))
    event["description"] = description(rng)
    event["url"] = "https://example.org/archive/%d/%s" % (i, rng.choice(LATIN).lower())
    if ids and rng.random() < 0.1:
        event["related"] = sorted(set(rng.choice(ids) for _ in range(rng.randint(1, 2))))
    return event


def main():
    args = sys.argv[1:]
    seed, percent = 7, 0.0
    for flag in ("--seed", "--series"):
        if flag in args:
            k = args.index(flag)
            if flag == "--seed":
                seed = int(args[k + 1])
            else:
                percent = float(args[k + 1])
            del args[k:k + 2]
    if len(args) != 2 or not 0 <= percent <= 100:
        sys.exit("usage: gen_events.py N OUT.json [--seed S] [--series PERCENT]")
    n, path = int(args[0]), args[1]
    rng = random.Random(seed)
    # The series' own stream: the plain events' draws stay the same.
    series_rng = random.Random(seed * 1000003 + 19)
    series = set(series_rng.sample(range(n), round(n * percent / 100))) if percent else set()
    calendar = {"id": "bench", "name": "almanac benchmark archive",
                "description": "Synthetic events for make bench; seed %d" % seed,
                "timezone": "Asia/Tashkent",
                "refresh": "P1D"}
    feeds = [{"id": f, "name": name, "tags": tags} for f, name, tags in FEEDS]
    ids = []
    counts = {"all": 0}
    counts.update({f: 0 for f, _, _ in FEEDS})
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"calendar": %s,\n"feeds": %s,\n"events": [\n'
                  % (json.dumps(calendar, ensure_ascii=False), json.dumps(feeds)))
        for i in range(n):
            event = make_event(rng, i, ids)
            vevents = make_series(series_rng, event) if i in series else 1
            ids.append(event["id"])
            counts["all"] += vevents
            for f, _, tags in FEEDS:
                counts[f] += vevents * any(t in tags for t in event["tags"])
            out.write(("," if i else "") + json.dumps(event, ensure_ascii=False) + "\n")
        out.write("]}\n")
    counts_path = (path[:-5] if path.endswith(".json") else path) + ".counts.json"
    counts["events"] = n
    with open(counts_path, "w", encoding="utf-8") as out:
        json.dump(counts, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
