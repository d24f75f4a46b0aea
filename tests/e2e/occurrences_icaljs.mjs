// List the occurrences of every VEVENT of an .ics file in a date range, with
// Mozilla ical.js (tests/js/node_modules, pinned by tests/js/package-lock.json).
//
// usage: node tests/e2e/occurrences_icaljs.mjs ICS FROM TO
//
// FROM and TO are days (YYYY-MM-DD), both inclusive: an occurrence is listed
// when it starts at or after FROM 00:00 UTC and before TO + 1 day 00:00 UTC
// (an all-day one when its date is in FROM..TO). One line per occurrence,
// sorted in byte order (LC_ALL=C):
//
//     UID<TAB>START<TAB>END<TAB>STATUS<TAB>SUMMARY
//
// START/END are YYYY-MM-DD for all-day occurrences (END exclusive, as DTEND)
// and YYYY-MM-DDTHH:MM:SSZ in UTC for timed ones. STATUS defaults to
// CONFIRMED; cancelled overrides are listed with CANCELLED. The same output
// as occurrences_rie.py and occurrences_almanac.py.
//
// TZIDs resolve through the file's own VTIMEZONEs (an unknown TZID is an
// error); floating times are read as UTC. Exits 1 with a message on stderr
// when parsing or expansion fails or an event needs more than MAX_STEPS
// iterations to get past TO.
import fs from 'node:fs';
import ICAL from '../js/node_modules/ical.js/dist/ical.js';

const MAX_STEPS = 1000000;
const TIME_PROPS = ['dtstart', 'dtend', 'rdate', 'exdate', 'recurrence-id'];

function die(msg) {
  process.stderr.write(`occurrences_icaljs: ${msg}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.length !== 3) {
  process.stderr.write('usage: occurrences_icaljs.mjs ICS FROM TO\n');
  process.exit(2);
}
const [path, from, to] = args;
const DAY_RE = /^\d{4}-\d\d-\d\d$/;
if (!DAY_RE.test(from) || !DAY_RE.test(to)) die('FROM and TO must be YYYY-MM-DD');
const lo = Date.parse(`${from}T00:00:00Z`) / 1000;
const hi = Date.parse(`${to}T00:00:00Z`) / 1000 + 86400;

// Dates and floating times count as UTC here (their zone's offset is 0).
const unix = (t) => t.toUnixTime();
const fmt = (t) => {
  const iso = new Date(unix(t) * 1000).toISOString();
  return t.isDate ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
};
const clean = (s) => String(s ?? '').replace(/[\t\r\n]/g, ' ');

const lines = [];
function emit(item, start, end) {
  if (unix(start) < lo || unix(start) >= hi) return;
  const comp = item.component;
  lines.push([
    clean(comp.getFirstPropertyValue('uid')), fmt(start), fmt(end),
    clean(comp.getFirstPropertyValue('status') || 'CONFIRMED').toUpperCase(),
    clean(comp.getFirstPropertyValue('summary')),
  ].join('\t'));
}

try {
  const jcal = ICAL.parse(fs.readFileSync(path, 'utf8'));
  if (jcal[0] !== 'vcalendar') die(`${path}: not one VCALENDAR`);
  const root = new ICAL.Component(jcal);
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    if (vtz.hasProperty('tzid')) ICAL.TimezoneService.register(vtz);
  }
  // Masters and their overrides (RECURRENCE-ID), by UID.
  const groups = new Map();
  const group = (uid) => {
    if (!groups.has(uid)) groups.set(uid, { masters: [], exceptions: [] });
    return groups.get(uid);
  };
  for (const ve of root.getAllSubcomponents('vevent')) {
    for (const name of TIME_PROPS) {
      for (const prop of ve.getAllProperties(name)) {
        const tzid = prop.getParameter('tzid');
        if (tzid && !ICAL.TimezoneService.has(tzid)) die(`${path}: unknown TZID ${tzid}`);
        if (prop.type === 'period') die(`${path}: ${name.toUpperCase()};VALUE=PERIOD is not supported`);
      }
    }
    const g = group(ve.getFirstPropertyValue('uid'));
    (ve.hasProperty('recurrence-id') ? g.exceptions : g.masters).push(ve);
  }

  for (const [uid, { masters, exceptions }] of groups) {
    if (masters.length === 0) {
      // Overrides without their series: each is a single event.
      for (const ve of exceptions) {
        const ev = new ICAL.Event(ve);
        emit(ev, ev.startDate, ev.endDate);
      }
      continue;
    }
    for (const master of masters) {
      // Pass the overrides explicitly: by default ICAL.Event relates every
      // RECURRENCE-ID VEVENT of the calendar, whatever its UID.
      const ev = new ICAL.Event(master, { strictExceptions: true, exceptions });
      if (!ev.isRecurring()) {
        emit(ev, ev.startDate, ev.endDate);
        continue;
      }
      // Iterate over original starts up to TO, or further when an override
      // of a later occurrence may have been moved into the range.
      let stop = hi;
      for (const x of Object.values(ev.exceptions)) {
        stop = Math.max(stop, unix(x.recurrenceId) + 1);
      }
      const it = ev.iterator();
      let steps = 0;
      for (let next = it.next(); next; next = it.next()) {
        if (unix(next) >= stop) break;
        if (++steps > MAX_STEPS) die(`${path}: ${uid}: over ${MAX_STEPS} occurrences before ${to}`);
        const d = ev.getOccurrenceDetails(next);
        emit(d.item, d.startDate, d.endDate);
      }
    }
  }
} catch (e) {
  die(`${path}: ${e}`);
}

// LC_ALL=C order: compare the UTF-8 bytes.
const sorted = lines.map((l) => Buffer.from(l)).sort(Buffer.compare);
process.stdout.write(Buffer.concat(sorted.flatMap((b) => [b, Buffer.from('\n')])));
