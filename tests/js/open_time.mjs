// open_time.mjs - how long the timeline page takes to open in Debian's
// chromium: first contentful paint (the reader sees the page) and the load
// event (the whole list is laid out and the filters work), for RUNS fresh
// tabs, with the median. Used by `make bench-page`; not a test. For a long
// timeline, PAGE is its index.html (the latest year) or one year's page.
//
//   node open_time.mjs PAGE.html [RUNS]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [page, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 7);
const url = pathToFileURL(resolve(page)).href;
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const paints = [], loads = [];
try {
  for (let i = 0; i < runs; i++) {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1280, height: 900 });
    await tab.goto(url, { waitUntil: 'load' });
    const t = await tab.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      load: performance.getEntriesByType('navigation')[0].loadEventEnd,
    }));
    if (t.paint > 0) paints.push(t.paint); // a tab painted before it was observed has none
    loads.push(t.load);
    await tab.close();
  }
} finally {
  await browser.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (xs) => xs.map((x) => Math.round(x)).join(' ');
console.log(`${page}: first paint median ${Math.round(median(paints))} ms (${ms(paints)}); ` +
            `loaded median ${Math.round(median(loads))} ms (${ms(loads)})`);
