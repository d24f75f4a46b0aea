// Compare almanac's feeds with what events.json implies, via Mozilla ical.js.
//
// usage: node tests/e2e/check_feeds.mjs EVENTS.json OUTDIR
//
// The same comparison as check_feeds.py, with a second, independent parser.
// UTC offsets of timed events come from the VTIMEZONE in the file (an
// ICAL.Timezone built from it) and are compared with the offset Intl gives.
// Prints one line per mismatch and exits 1, or a summary line and exits 0.
import fs from 'node:fs';
import ICAL from '../js/node_modules/ical.js/dist/ical.js';

const STATUS = { confirmed: 'CONFIRMED', tentative: 'TENTATIVE', cancelled: 'CANCELLED' };
const DATE_RE = /^(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?(Z)?)?)?)?$/;

// A date as plain fields: {y, m, d, h, mi, s}; h === undefined for dates.
function parseWhen(text) {
  const m = DATE_RE.exec(text);
  if (!m) throw new Error(`unparsable date ${JSON.stringify(text)}`);
  const [y, mo, d, h, mi, s, z] = m.slice(1);
  if (mo === undefined) return { prec: 'year', y: +y };
  if (d === undefined) return { prec: 'month', y: +y, m: +mo };
  if (h === undefined) return { prec: 'day', y: +y, m: +mo, d: +d };
  return { prec: z ? 'utc' : 'local', y: +y, m: +mo, d: +d, h: +h, mi: +mi, s: +(s || 0) };
}

const addDays = (t, n) => {
  const u = new Date(Date.UTC(t.y, t.m - 1, t.d + n));
  return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate() };
};
const fmtDate = (t) => `${t.y}-${String(t.m).padStart(2, '0')}-${String(t.d).padStart(2, '0')}`;
const fmtTime = (t) => `${fmtDate(t)}T${[t.h, t.mi, t.s].map((v) => String(v).padStart(2, '0')).join(':')}`;

// [precision, start, end or null]; start/end: {y, m, d[, h, mi, s]}.
function expectedDates(ev, policy) {
  const st = parseWhen(ev.start);
  const en = ev.end ? parseWhen(ev.end) : null;
  if (st.prec === 'day') return [st.prec, st, addDays(en || st, 1)];
  if (st.prec === 'month') {
    const first = { y: st.y, m: st.m, d: 1 };
    if (policy.month === 'first-day') return [st.prec, first, addDays(first, 1)];
    const last = en || st;
    return [st.prec, first, last.m === 12 ? { y: last.y + 1, m: 1, d: 1 } : { y: last.y, m: last.m + 1, d: 1 }];
  }
  if (st.prec === 'year') {
    const first = { y: st.y, m: 1, d: 1 };
    if (policy.year === 'first-day') return [st.prec, first, addDays(first, 1)];
    return [st.prec, first, { y: (en || st).y + 1, m: 1, d: 1 }];
  }
  return [st.prec, st, en];
}

// Offset (seconds) of the zone at a UTC instant (ms), from Intl.
function offsetAt(zone, ms) {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const name = fmt.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName').value;
  const m = /GMT(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?/.exec(name);
  if (!m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (+m[2] * 3600 + +m[3] * 60 + +(m[4] || 0));
}

// Offsets a wall-clock time may have: [RFC 5545 / zoneinfo (fold=0) reading,
// ...other readings]. An ambiguous time is the first occurrence, a time in a
// gap keeps the earlier offset; ical.js reads both the other way round, so at
// a transition the other offset is accepted too.
function wallOffsets(zone, t) {
  const wall = Date.UTC(t.y, t.m - 1, t.d, t.h, t.mi, t.s);
  const before = offsetAt(zone, wall - 86400000);
  const after = offsetAt(zone, wall + 86400000);
  const valid = [...new Set([before, after])].filter((off) => offsetAt(zone, wall - off * 1000) === off);
  if (valid.length === 1) return valid;
  const rfc = valid.length ? Math.max(...valid) : before;
  return [rfc, rfc === before ? after : before];
}

const text = (comp, name) => {
  const v = comp.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : String(v);
};

const errors = [];
let eventsChecked = 0;
const err = (feed, id, what, expected, got) =>
  errors.push(`${feed}: ${id}: ${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);

function checkDates(feed, ev, vev, zones, cal, prec, start, end, eq) {
  const props = { DTSTART: vev.getFirstProperty('dtstart'), DTEND: vev.getFirstProperty('dtend') };
  for (const [what, want] of [['DTSTART', start], ['DTEND', end]]) {
    const prop = props[what];
    const t = prop ? prop.getFirstValue() : null;
    if (!want || !t) {
      if (want || t) eq(what, want && (prec === 'local' || prec === 'utc' ? fmtTime(want) : fmtDate(want)), t && t.toString());
      continue;
    }
    if (prec === 'day' || prec === 'month' || prec === 'year') {
      eq(`${what} isDate`, true, t.isDate);
      eq(what, fmtDate(want), fmtDate({ y: t.year, m: t.month, d: t.day }));
      continue;
    }
    eq(`${what} isDate`, false, t.isDate);
    if (t.isDate) continue;
    eq(what, fmtTime(want), fmtTime({ y: t.year, m: t.month, d: t.day, h: t.hour, mi: t.minute, s: t.second }));
    if (prec === 'utc') {
      eq(`${what} zone`, 'UTC', t.zone ? t.zone.tzid : null);
      eq(`${what} TZID`, null, prop.getParameter('tzid') || null);
      continue;
    }
    const zone = ev.timezone || cal.timezone;
    eq(`${what} TZID`, zone, prop.getParameter('tzid') || null);
    eq(`${what} zone`, zone, t.zone ? t.zone.tzid : null);
    if (!zones.has(zone)) {
      eq(`${what} VTIMEZONE`, zone, [...zones.keys()]);
      continue;
    }
    const offsets = wallOffsets(zone, want);
    const got = zones.get(zone).utcOffset(t);
    if (!offsets.includes(got)) eq(`${what} UTC offset (from VTIMEZONE) at ${fmtTime(want)}`, offsets[0], got);
  }
}

function checkEvent(feed, ev, vev, zones, cal, policy) {
  const eq = (what, expected, got) => {
    if (JSON.stringify(expected) !== JSON.stringify(got)) err(feed, ev.id, what, expected, got);
  };
  const [prec, start, end] = expectedDates(ev, policy);
  const status = ev.status || 'confirmed';
  const partial = prec === 'month' || prec === 'year';
  const summary = text(vev, 'summary') || '';
  if (partial || status !== 'confirmed') {
    if (!summary.startsWith(`${ev.title} (`) || !summary.endsWith(')')) eq('SUMMARY', `${ev.title} (...)`, summary);
    if (status === 'tentative' && !summary.includes('planned')) eq('SUMMARY', 'contains "planned"', summary);
    if (status === 'cancelled' && !summary.includes('cancelled')) eq('SUMMARY', 'contains "cancelled"', summary);
    if (partial && !summary.includes('exact date not known')) eq('SUMMARY', 'contains "exact date not known"', summary);
  } else {
    eq('SUMMARY', ev.title, summary);
  }
  for (const [prop, lo, hi] of [['uid', 1, 1], ['dtstamp', 1, 1], ['dtstart', 1, 1], ['dtend', 0, 1]]) {
    const n = vev.getAllProperties(prop).length;
    if (n < lo || n > hi) eq(`number of ${prop.toUpperCase()}`, lo === hi ? lo : `${lo}..${hi}`, n);
  }
  checkDates(feed, ev, vev, zones, cal, prec, start, end, eq);
  eq('STATUS', STATUS[status], text(vev, 'status'));
  const loc = ev.location;
  eq('LOCATION', loc ? [loc.name, loc.country].filter(Boolean).join(', ') : null, text(vev, 'location'));
  const geo = vev.getFirstPropertyValue('geo');
  const wantGeo = loc && loc.geo;
  if (!wantGeo !== !geo || (wantGeo && Math.max(Math.abs(wantGeo[0] - geo[0]), Math.abs(wantGeo[1] - geo[1])) > 1e-6)) {
    eq('GEO', wantGeo || null, geo || null);
  }
  eq('URL', ev.url || null, text(vev, 'url'));
  const cats = vev.getAllProperties('categories').flatMap((p) => p.getValues().map(String));
  eq('CATEGORIES', ev.tags && ev.tags.length ? ev.tags : null, cats.length ? cats : null);
  const desc = text(vev, 'description') || '';
  const parts = (ev.description ? [ev.description] : [])
    .concat(ev.participants || [], (ev.sources || []).map((s) => s.title));
  for (const part of parts) if (!desc.includes(part)) eq('DESCRIPTION', `contains ${JSON.stringify(part)}`, desc);
  const precision = text(vev, 'x-almanac-precision');
  if (partial) {
    eq('X-ALMANAC-PRECISION', prec, precision);
    eq('X-ALMANAC-START', ev.start, text(vev, 'x-almanac-start'));
    eq('X-ALMANAC-END', ev.end || null, text(vev, 'x-almanac-end'));
  } else if (precision === 'month' || precision === 'year') {
    eq('X-ALMANAC-PRECISION', null, precision);
  }
}

function checkFeed(dir, name, want, cal, policy) {
  let vcal;
  try {
    vcal = new ICAL.Component(ICAL.parse(fs.readFileSync(`${dir}/${name}`, 'utf8')));
  } catch (e) {
    err(name, '-', 'parse', 'a readable iCalendar file', String(e.message || e));
    return;
  }
  if (text(vcal, 'version') !== '2.0') err(name, '-', 'VERSION', '2.0', text(vcal, 'version'));
  if (!(text(vcal, 'prodid') || '').includes('almanac')) err(name, '-', 'PRODID', 'contains "almanac"', text(vcal, 'prodid'));
  for (const p of ['name', 'x-wr-calname', 'refresh-interval']) {
    if (!text(vcal, p)) err(name, '-', p.toUpperCase(), 'present', null);
  }
  // Zones from this file only: nothing registered by an earlier file may help.
  ICAL.TimezoneService.reset();
  const zones = new Map();
  for (const vtz of vcal.getAllSubcomponents('vtimezone')) {
    const tz = new ICAL.Timezone(vtz);
    zones.set(tz.tzid, tz);
  }
  const got = new Map();
  for (const vev of vcal.getAllSubcomponents('vevent')) {
    const uid = text(vev, 'uid');
    // An overridden occurrence of a series shares its UID; the occurrence
    // checks (tests/e2e/series.sh) compare those.
    if (vev.hasProperty('recurrence-id')) continue;
    if (got.has(uid)) err(name, uid, 'UID', 'unique', 'duplicate');
    got.set(uid, vev);
  }
  const wantUids = want.map((e) => `${e.id}@${cal.id}`).sort();
  const gotUids = [...got.keys()].sort();
  if (JSON.stringify(wantUids) !== JSON.stringify(gotUids) || got.size !== want.length) {
    err(name, '-', 'events', wantUids, gotUids);
  }
  for (const ev of want) {
    const vev = got.get(`${ev.id}@${cal.id}`);
    if (vev) {
      eventsChecked += 1;
      checkEvent(name, ev, vev, zones, cal, policy);
    }
  }
}

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: node check_feeds.mjs EVENTS.json OUTDIR\n');
    return 2;
  }
  const [eventsPath, dir] = argv;
  const data = JSON.parse(fs.readFileSync(eventsPath, 'utf8'));
  const cal = data.calendar;
  const policy = { month: 'span', year: 'span', ...(cal.partial_dates || {}) };
  const included = (ev) => policy[parseWhen(ev.start).prec] !== 'omit';
  const feeds = [['all', null], ...(data.feeds || []).map((f) => [f.id, new Set(f.tags)])];
  for (const [id, tags] of feeds) {
    const want = data.events.filter((e) => included(e) && (!tags || (e.tags || []).some((t) => tags.has(t))));
    checkFeed(dir, `${id}.ics`, want, cal, policy);
  }
  for (const line of errors) console.log(line);
  if (errors.length) return 1;
  console.log(`check_feeds.mjs: ${feeds.length} feeds, ${eventsChecked} events checked`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
