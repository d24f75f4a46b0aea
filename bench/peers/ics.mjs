// Peer: npm ics, as its README shows (createEvents, then one write). ics has
// no TZID support: timed events are written as the same local wall-clock
// time, floating (startInputType/startOutputType 'local', run with TZ=UTC).
//   node bench/peers/ics.mjs EVENTS.json OUT.ics
import { writeFileSync } from 'node:fs';
import { createEvents } from 'ics';
import { loadEvents, eventDates, locationText, STATUS } from './common.mjs';

const [input, output] = process.argv.slice(2);
const doc = loadEvents(input);
const events = doc.events.map((e) => {
  const t = eventDates(doc, e);
  const ev = {
    uid: `${e.id}@${doc.calendar.id}`,
    productId: 'almanac-bench/ics',
    calName: doc.calendar.name,
    start: t.start,
    title: e.title,
    description: e.description,
    location: locationText(e),
    url: e.url,
    categories: e.tags,
    status: STATUS[e.status ?? 'confirmed'],
  };
  if (t.end) ev.end = t.end;
  else ev.duration = { hours: 0 };
  if (!t.allDay) {
    ev.startInputType = ev.endInputType = 'local';
    ev.startOutputType = ev.endOutputType = 'local';
  }
  if (e.location?.geo) ev.geo = { lat: e.location.geo[0], lon: e.location.geo[1] };
  return ev;
});
const { error, value } = createEvents(events);
if (error) {
  console.error(error);
  process.exit(1);
}
writeFileSync(output, value);
