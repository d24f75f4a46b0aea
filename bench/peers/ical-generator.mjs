// Peer: npm ical-generator (11.x), as its README shows: one calendar, a
// timezone with the VTIMEZONE generator the README names
// (@touch4it/ical-timezones' getVtimezoneComponent), so that it writes a
// VTIMEZONE for every zone its events use, as almanac does; createEvent per
// event; one toString(). Run with TZ=UTC, so that a Date built from a
// wall-clock time prints that time under the event's TZID.
//   node bench/peers/ical-generator.mjs EVENTS.json OUT.ics
import { writeFileSync } from 'node:fs';
import ical from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { loadEvents, eventDates, locationText, STATUS } from './common.mjs';

const [input, output] = process.argv.slice(2);
const doc = loadEvents(input);
const cal = ical({ name: doc.calendar.name, prodId: '//almanac-bench//ical-generator//EN' });
cal.timezone({ name: doc.calendar.timezone, generator: getVtimezoneComponent });
const stamp = new Date(Date.UTC(2024, 0, 1));
const toDate = ([y, m, d, h = 0, mi = 0]) => new Date(Date.UTC(y, m - 1, d, h, mi));
for (const e of doc.events) {
  const t = eventDates(doc, e);
  const ev = cal.createEvent({
    id: `${e.id}@${doc.calendar.id}`,
    stamp,
    start: toDate(t.start),
    end: t.end ? toDate(t.end) : undefined,
    allDay: t.allDay,
    timezone: t.allDay ? undefined : t.timezone,
    summary: e.title,
    description: e.description,
    location: locationText(e),
    url: e.url,
    status: STATUS[e.status ?? 'confirmed'],
  });
  if (e.tags) ev.categories(e.tags.map((name) => ({ name })));
}
writeFileSync(output, cal.toString());
