#!/usr/bin/python3
"""Writes N synthetic events in almanac's events.json format, for make bench.

    /usr/bin/python3 bench/gen_events.py N OUT.json [--seed S]

Beside OUT.json it writes OUT.counts.json: how many events each feed (and
"all") must hold, so the runner can check every output without parsing it.

Deterministic: the same N and seed give the same bytes on every run (one
random.Random, no dict-order or clock dependence). The mix follows issue 7:
~70% all-day events (some spanning several days), ~20% timed events in five
zones, ~10% known only to the month or the year; ~60-character titles mixing
Latin and Cyrillic with commas and semicolons; ~400-character descriptions with
newlines, quotes, backslashes and emoji; a location, 1-3 tags and a url each;
some events name related events, and a few feeds select events by tag, so
that id lookups and tag feeds are exercised at scale.
"""
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
    seed = 7
    if "--seed" in args:
        k = args.index("--seed")
        seed = int(args[k + 1])
        del args[k:k + 2]
    if len(args) != 2:
        sys.exit("usage: gen_events.py N OUT.json [--seed S]")
    n, path = int(args[0]), args[1]
    rng = random.Random(seed)
    calendar = {"id": "bench", "name": "almanac benchmark archive",
                "description": "Synthetic events for make bench; seed %d" % seed,
                "timezone": "Asia/Tashkent", "url": "https://example.org/almanac/",
                "refresh": "P1D"}
    feeds = [{"id": f, "name": name, "tags": tags} for f, name, tags in FEEDS]
    ids = []
    counts = {"all": n}
    counts.update({f: 0 for f, _, _ in FEEDS})
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"calendar": %s,\n"feeds": %s,\n"events": [\n'
                  % (json.dumps(calendar, ensure_ascii=False), json.dumps(feeds)))
        for i in range(n):
            event = make_event(rng, i, ids)
            ids.append(event["id"])
            for f, _, tags in FEEDS:
                counts[f] += any(t in tags for t in event["tags"])
            out.write(("," if i else "") + json.dumps(event, ensure_ascii=False) + "\n")
        out.write("]}\n")
    counts_path = (path[:-5] if path.endswith(".json") else path) + ".counts.json"
    with open(counts_path, "w", encoding="utf-8") as out:
        json.dump(counts, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
