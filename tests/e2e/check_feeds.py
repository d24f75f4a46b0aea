#!/usr/bin/python3
"""Compare almanac's feeds with what events.json implies, via python3-icalendar.

usage: /usr/bin/python3 check_feeds.py EVENTS.json OUTDIR

Parses OUTDIR/all.ics and OUTDIR/<feed id>.ics for every feed in EVENTS.json
with Debian's python3-icalendar (4.0.3) and checks every event exactly.
UTC offsets of timed events are worked out from the VTIMEZONE in the file
itself (icalendar 4.0.3 would silently use pytz's zone instead) and compared
with zoneinfo.  Prints one line per mismatch and exits 1, or prints a summary
line and exits 0.
"""
import datetime as dt
import json
import re
import sys
import zoneinfo

import icalendar
from dateutil import rrule

DATE_RE = re.compile(r'(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?(Z)?)?)?)?\Z')
STATUS = {'confirmed': 'CONFIRMED', 'tentative': 'TENTATIVE', 'cancelled': 'CANCELLED'}


def parse_when(text):
    """'2023' -> ('year', 2023); '2023-04' -> ('month', (2023, 4));
    day -> ('day', date); local time -> ('local', naive); '...Z' -> ('utc', aware)."""
    m = DATE_RE.match(text)
    if not m:
        raise ValueError('unparsable date %r' % text)
    y, mo, d, h, mi, s, z = m.groups()
    if mo is None:
        return 'year', int(y)
    if d is None:
        return 'month', (int(y), int(mo))
    if h is None:
        return 'day', dt.date(int(y), int(mo), int(d))
    t = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    return ('utc', t.replace(tzinfo=dt.timezone.utc)) if z else ('local', t)


def next_month(y, m):
    return (y + 1, 1) if m == 12 else (y, m + 1)


def expected_dates(ev, policy):
    """(precision, dtstart, dtend or None) as events.json implies them."""
    prec, start = parse_when(ev['start'])
    end = parse_when(ev['end'])[1] if 'end' in ev else None
    one = dt.timedelta(days=1)
    if prec == 'day':
        return prec, start, (end or start) + one
    if prec == 'month':
        first = dt.date(start[0], start[1], 1)
        if policy['month'] == 'first-day':
            return prec, first, first + one
        return prec, first, dt.date(*next_month(*(end or start)), 1)
    if prec == 'year':
        first = dt.date(start, 1, 1)
        if policy['year'] == 'first-day':
            return prec, first, first + one
        return prec, first, dt.date((end or start) + 1, 1, 1)
    return prec, start, end


def vtimezone_offset(vtz, wall):
    """UTC offset the VTIMEZONE gives a wall-clock time (RFC 5545: an
    ambiguous time is the first occurrence, a time in a gap uses the offset
    from before the gap, as zoneinfo does with fold=0)."""
    changes = []  # (UTC instant, offset from, offset to)
    for obs in vtz.subcomponents:
        start = obs.decoded('DTSTART')
        ofrom, oto = obs['TZOFFSETFROM'].td, obs['TZOFFSETTO'].td
        onsets = [start]
        if 'RRULE' in obs:
            text = obs['RRULE'].to_ical().decode()
            until = re.search(r'UNTIL=(\d{8}T\d{6})Z?', text)
            text = re.sub(r';?UNTIL=[^;]*', '', text).lstrip(';')
            limit = wall + dt.timedelta(days=400)
            if until:  # UNTIL is UTC; compare in the observance's local time
                limit = min(limit, dt.datetime.strptime(until.group(1), '%Y%m%dT%H%M%S') + ofrom)
            onsets = rrule.rrulestr(text, dtstart=start).between(start, limit, inc=True)
        rdates = obs.get('RDATE', [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            onsets += [d.dt for d in rdate.dts]
        changes += [(o - ofrom, ofrom, oto) for o in onsets]
    if not changes:
        return None
    changes.sort(key=lambda c: c[0])
    offset = changes[0][1]
    for utc, ofrom, oto in changes:
        if wall >= utc + max(ofrom, oto):
            offset = oto
    return offset


def rfc_escape(s):
    return (s.replace('\\', '\\\\').replace(';', '\\;').replace(',', '\\,')
            .replace('\r\n', '\n').replace('\n', '\\n'))


def forms(s):
    r"""s, and what icalendar 4.0.3 returns for s correctly escaped: it
    unescapes TEXT twice (Contentline.parts, then vText), so a run of 2n
    backslashes in the text comes back as n (n > 1), and a literal
    %5C, %2C, %3A or %3B as \, ",", ":", ";".  Either form is accepted."""
    esc = icalendar.parser.escape_string(rfc_escape(s))
    return {s, icalendar.parser.unescape_char(icalendar.parser.unescape_string(esc))}


def text(prop):
    return None if prop is None else str(prop)


def categories(prop):
    if prop is None:
        return None
    props = prop if isinstance(prop, list) else [prop]
    return [str(c) for p in props for c in (p.cats if hasattr(p, 'cats') else [p])]


class Checker:
    def __init__(self, events_path, outdir):
        with open(events_path, encoding='utf-8') as f:
            self.data = json.load(f)
        self.outdir = outdir
        self.cal = self.data['calendar']
        self.policy = {'month': 'span', 'year': 'span'}
        self.policy.update(self.cal.get('partial_dates', {}))
        self.errors, self.events_checked = [], 0

    def err(self, feed, event, what, expected, got):
        self.errors.append('%s: %s: %s: expected %r, got %r' % (feed, event, what, expected, got))

    def included(self, ev):
        prec = parse_when(ev['start'])[0]
        return self.policy.get(prec) != 'omit'

    def run(self):
        feeds = [('all', None)] + [(f['id'], set(f['tags'])) for f in self.data.get('feeds', [])]
        for feed_id, tags in feeds:
            want = [e for e in self.data['events'] if self.included(e)
                    and (tags is None or tags & set(e.get('tags', [])))]
            self.check_feed('%s.ics' % feed_id, want)
        return len(feeds)

    def check_feed(self, name, want):
        path = '%s/%s' % (self.outdir, name)
        try:
            with open(path, 'rb') as f:
                cal = icalendar.Calendar.from_ical(f.read())
        except Exception as e:  # missing or unparsable: report, go on
            self.err(name, '-', 'parse', 'a readable iCalendar file', str(e))
            return
        if text(cal.get('VERSION')) != '2.0':
            self.err(name, '-', 'VERSION', '2.0', text(cal.get('VERSION')))
        if 'almanac' not in (text(cal.get('PRODID')) or ''):
            self.err(name, '-', 'PRODID', 'contains "almanac"', text(cal.get('PRODID')))
        for prop in ('NAME', 'X-WR-CALNAME', 'REFRESH-INTERVAL'):
            if not text(cal.get(prop)):
                self.err(name, '-', prop, 'present', None)
        zones = {str(z['TZID']): z for z in cal.walk('VTIMEZONE')}
        got = {}
        for vev in cal.walk('VEVENT'):
            uid = text(vev.get('UID'))
            # An overridden occurrence of a series shares its UID; the
            # occurrence checks (tests/e2e/series.sh) compare those.
            if vev.get('RECURRENCE-ID') is not None:
                continue
            if uid in got:
                self.err(name, uid, 'UID', 'unique', 'duplicate')
            got[uid] = vev
        cal_id = self.cal['id']
        want_uids = {'%s@%s' % (e['id'], cal_id) for e in want}
        if len(got) != len(want) or set(got) != want_uids:
            self.err(name, '-', 'events', sorted(want_uids), sorted(got))
        for ev in want:
            vev = got.get('%s@%s' % (ev['id'], cal_id))
            if vev is not None:
                self.events_checked += 1
                self.check_event(name, ev, vev, zones)

    def check_event(self, feed, ev, vev, zones):
        def eq(what, expected, value):
            if expected != value:
                self.err(feed, ev['id'], what, expected, value)

        prec, start, end = expected_dates(ev, self.policy)
        status = ev.get('status', 'confirmed')
        partial = prec in ('month', 'year')
        summary = text(vev.get('SUMMARY')) or ''
        if partial or status != 'confirmed':
            if not (any(summary.startswith(t + ' (') for t in forms(ev['title']))
                    and summary.endswith(')')):
                eq('SUMMARY', ev['title'] + ' (...)', summary)
            if status == 'tentative' and 'planned' not in summary:
                eq('SUMMARY', 'contains "planned"', summary)
            if status == 'cancelled' and 'cancelled' not in summary:
                eq('SUMMARY', 'contains "cancelled"', summary)
            if partial and 'exact date not known' not in summary:
                eq('SUMMARY', 'contains "exact date not known"', summary)
        elif summary not in forms(ev['title']):
            eq('SUMMARY', ev['title'], summary)
        if 'DTSTAMP' not in vev:
            eq('DTSTAMP', 'present', None)
        self.check_dates(feed, ev, vev, zones, prec, start, end, eq)
        eq('STATUS', STATUS[status], text(vev.get('STATUS')))
        loc = ev.get('location')
        want_loc = loc and ', '.join(filter(None, [loc.get('name'), loc.get('country')]))
        got_loc = text(vev.get('LOCATION'))
        if got_loc not in (forms(want_loc) if want_loc else {None}):
            eq('LOCATION', want_loc, got_loc)
        geo = (loc or {}).get('geo')
        g = vev.get('GEO')
        got_geo = g and (g.latitude, g.longitude)
        if bool(geo) != bool(g) or (geo and max(abs(geo[0] - got_geo[0]), abs(geo[1] - got_geo[1])) > 1e-6):
            eq('GEO', geo and tuple(geo), got_geo)
        eq('URL', ev.get('url'), text(vev.get('URL')))
        eq('CATEGORIES', ev.get('tags') or None, categories(vev.get('CATEGORIES')))
        desc = text(vev.get('DESCRIPTION')) or ''
        for part in ([ev['description']] if 'description' in ev else []) + \
                ev.get('participants', []) + [s['title'] for s in ev.get('sources', [])]:
            if not any(f in desc for f in forms(part)):
                eq('DESCRIPTION', 'contains %r' % part, desc)
        precision = text(vev.get('X-ALMANAC-PRECISION'))
        if partial:
            eq('X-ALMANAC-PRECISION', prec, precision)
            eq('X-ALMANAC-START', ev['start'], text(vev.get('X-ALMANAC-START')))
            eq('X-ALMANAC-END', ev.get('end'), text(vev.get('X-ALMANAC-END')))
        elif precision in ('month', 'year'):
            eq('X-ALMANAC-PRECISION', None, precision)

    def check_dates(self, feed, ev, vev, zones, prec, start, end, eq):
        got_start = vev.decoded('DTSTART', None)
        got_end = vev.decoded('DTEND', None)
        if prec in ('day', 'month', 'year'):
            for what, want, got in (('DTSTART', start, got_start), ('DTEND', end, got_end)):
                if type(got) is not dt.date:
                    eq(what + ' type', 'date', type(got).__name__)
                eq(what, want, got)
            return
        if prec == 'utc':
            for what, want in (('DTSTART', start), ('DTEND', end)):
                got = vev.decoded(what, None)
                if want is None:
                    eq(what, None, got)
                    continue
                raw = vev[what].to_ical().decode() if what in vev else None
                if not (raw or '').endswith('Z') or 'TZID' in vev[what].params:
                    eq(what + ' form', 'UTC with Z, no TZID', raw)
                eq(what, want, got)
            return
        zone = ev.get('timezone') or self.cal['timezone']
        ref = zoneinfo.ZoneInfo(zone)
        for what, want in (('DTSTART', start), ('DTEND', end)):
            got = vev.decoded(what, None)
            if want is None or got is None:
                eq(what, want, got)
                continue
            if not isinstance(got, dt.datetime) or got.tzinfo is None:
                eq(what + ' type', 'datetime with TZID', repr(got))
                continue
            eq(what + ' TZID', zone, vev[what].params.get('TZID'))
            eq(what + ' wall clock', want, got.replace(tzinfo=None))
            if zone not in zones:
                eq(what + ' VTIMEZONE', zone, sorted(zones))
                continue
            eq(what + ' UTC offset (from VTIMEZONE) at %s' % want.isoformat(),
               ref.utcoffset(want), vtimezone_offset(zones[zone], want))


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: check_feeds.py EVENTS.json OUTDIR\n')
        return 2
    checker = Checker(*argv)
    nfeeds = checker.run()
    for line in checker.errors:
        print(line)
    if checker.errors:
        return 1
    print('check_feeds: %d feeds, %d events checked' % (nfeeds, checker.events_checked))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
