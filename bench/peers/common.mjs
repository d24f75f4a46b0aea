// What every Node peer needs: read almanac's events.json and turn each
// event's dates into what an iCalendar writer takes. Shared so that the two
// npm peers get exactly the same events as almanac.
import { readFileSync } from 'node:fs';

export function loadEvents(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function parts(text) {
  const [date, time] = text.split('T');
  const [y, m = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0] = time ? time.split(':').map(Number) : [];
  return { y, m, d, h, mi, precision: time ? 'time' : ['', 'year', 'month', 'day'][date.split('-').length] };
}

// Calendar days as [y, m, d]; the end is exclusive (the day after the last).
function nextDay([y, m, d]) {
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

// { allDay, start, end, timezone }: for all-day events start/end are
// [y, m, d] with end exclusive (a month or year spans all of it); for timed
// ones [y, m, d, h, mi] in the event's (or calendar's) zone.
export function eventDates(doc, e) {
  const s = parts(e.start);
  const last = parts(e.end ?? e.start);
  if (s.precision === 'time') {
    const end = e.end ? [last.y, last.m, last.d, last.h, last.mi] : null;
    return { allDay: false, start: [s.y, s.m, s.d, s.h, s.mi], end,
             timezone: e.timezone ?? doc.calendar.timezone };
  }
  let endDay;
  if (last.precision === 'year') endDay = [last.y + 1, 1, 1];
  else if (last.precision === 'month') endDay = last.m === 12 ? [last.y + 1, 1, 1] : [last.y, last.m + 1, 1];
  else endDay = nextDay([last.y, last.m, last.d]);
  return { allDay: true, start: [s.y, s.m, s.d], end: endDay };
}

export function locationText(e) {
  if (!e.location) return undefined;
  return e.location.country ? `${e.location.name}, ${e.location.country}` : e.location.name;
}

export const STATUS = { confirmed: 'CONFIRMED', tentative: 'TENTATIVE', cancelled: 'CANCELLED' };
