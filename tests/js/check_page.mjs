// check_page.mjs - looks at almanac's timeline page the way a reader does:
// in Debian's chromium (driven by puppeteer-core, which downloads no browser),
// on a desktop and on phones, printed, in light and dark, by keyboard.
//
//   node check_page.mjs [--shots DIR] [--chromium PATH] PAGE [EVENTS.json] ...
//
// PAGE is a file (opened as file://) or an http:// URL (the page as
// `almanac serve` gives it). EVENTS.json, when given, is the file the page
// was built from: every title must be on the page and on paper, and the tag
// filter must show exactly the events the file tags. Screenshots and PDFs go
// to DIR (default build/screenshots). Prints one line per page; exits 1 on
// any failure.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const args = process.argv.slice(2);
let shots = 'build/screenshots';
let chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shots') shots = args[++i];
  else if (args[i] === '--chromium') chromium = args[++i];
  else if (args[i].endsWith('.json')) pages[pages.length - 1].events = args[i];
  else pages.push({ page: args[i] });
}
mkdirSync(shots, { recursive: true });

const DESKTOP = { width: 1280, height: 900 };
const PHONES = [{ width: 390, height: 844 }, { width: 320, height: 640 }, { width: 414, height: 896 }];

// What a page must be at one viewport: the first entry in the first screen,
// no sideways scroll, every mark on its entry's row, text large enough on
// phones. Runs in the page.
function layoutFacts(phone) {
  const out = { failures: [] };
  const fail = (m) => out.failures.push(m);
  const entries = [...document.querySelectorAll('.timeline > li')].filter((li) => !li.hidden);
  out.entries = entries.length;
  if (document.documentElement.scrollWidth > innerWidth)
    fail(`scrolls sideways: scrollWidth ${document.documentElement.scrollWidth} > ${innerWidth}`);
  if (entries.length > 0) {
    const first = entries[0].querySelector('.row').getBoundingClientRect();
    const title = entries[0].querySelector('h3').getBoundingClientRect();
    out.firstEntryTop = Math.round(first.top + scrollY);
    if (title.top < 0 || title.top + 24 > innerHeight)
      fail(`the first entry starts at ${Math.round(title.top)} px, below the first screen (${innerHeight} px)`);
  }
  const checked = entries.length > 400 ? entries.slice(0, 200).concat(entries.slice(-200)) : entries;
  for (const li of checked) {
    const mark = li.querySelector('.mark').getBoundingClientRect();
    const when = li.querySelector('.when').getBoundingClientRect();
    const title = li.querySelector('h3').getBoundingClientRect();
    const top = Math.min(when.top, title.top), bottom = Math.max(when.bottom, title.bottom);
    if (mark.height < 4 || mark.width < 4)
      fail(`${li.id}: the mark is ${mark.width}x${mark.height} px`);
    if (!(mark.top < bottom && mark.bottom > top))
      fail(`${li.id}: mark ${Math.round(mark.top)}-${Math.round(mark.bottom)} does not overlap its text ${Math.round(top)}-${Math.round(bottom)}`);
    const gap = title.left - mark.right;
    if (gap < 0 || gap > 24)
      fail(`${li.id}: the title is ${Math.round(gap)} px from its mark`);
  }
  if (phone) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let small = 0, example = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim() || !n.parentElement.getClientRects().length) continue;
      const size = parseFloat(getComputedStyle(n.parentElement).fontSize);
      if (size < 16) { small++; example = example || `${n.parentElement.className || n.parentElement.tagName} ${size}px`; }
    }
    if (small) fail(`${small} texts smaller than 16 px on a phone, e.g. ${example}`);
  }
  return out;
}

// WCAG 2 contrast of every visible text against what is behind it.
function contrastFailures() {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return rgb(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
  };
  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el.getClientRects().length || seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const fg = rgb(style.color), bg = background(el);
    const [a, b] = [lum(fg) + 0.05, lum(bg) + 0.05];
    const ratio = Math.max(a, b) / Math.min(a, b);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need && failures.length < 5)
      failures.push(`"${n.textContent.trim().slice(0, 30)}" (${el.className || el.tagName}) ${ratio.toFixed(2)}:1 < ${need}:1`);
  }
  return failures;
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
});
let failed = 0;
try {
  for (const { page: where, events } of pages) {
    const url = /^https?:/.test(where) ? where : pathToFileURL(resolve(where)).href;
    const name = /^https?:/.test(where) ? 'served' : basename(dirname(resolve(where)));
    const failures = await checkPage(url, name, events);
    failed += failures.length > 0;
    for (const f of failures) console.log(`FAIL: ${name}: ${f}`);
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

async function openPage(url, viewport, problems) {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  await page.setViewport(viewport);
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

async function checkPage(url, name, eventsPath) {
  const problems = [];
  const file = eventsPath ? JSON.parse(readFileSync(eventsPath, 'utf8')) : null;
  const events = file ? file.events : null;
  const calendarUrl = file ? file.calendar.url : undefined;
  const notes = [];

  // The phones share one tab, loaded at the first phone's width and then
  // resized: the page's layout is CSS alone (no script reads its width), so
  // a resize lays it out as a load at that width does, for a page load less.
  let phonePage = null;
  for (const [kind, viewport] of [['desktop', DESKTOP], ...PHONES.map((v) => [`phone${v.width}`, v])]) {
    const phone = kind !== 'desktop';
    if (phone && phonePage) await phonePage.setViewport(viewport);
    const page = phone && phonePage ? phonePage : await openPage(url, viewport, problems);
    if (phone) phonePage = page;
    const facts = await page.evaluate(layoutFacts, phone);
    problems.push(...facts.failures.map((f) => `${kind}: ${f}`));
    if (kind === 'desktop' || kind === 'phone390') {
      await page.screenshot({ path: `${shots}/${name}-${kind}.png` });
      notes.push(`${kind} first entry at ${facts.firstEntryTop} px`);
    }
    if (kind === 'desktop') {
      if (events) await checkTitles(page, events, problems);
      await checkKeyboardAndFilters(page, events, problems);
      await page.reload({ waitUntil: 'load' }); // as a reader first sees it, filters folded
      for (const scheme of ['light', 'dark']) {
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        const low = await page.evaluate(contrastFailures);
        problems.push(...low.map((f) => `${scheme}: low contrast: ${f}`));
        if (scheme === 'dark') await page.screenshot({ path: `${shots}/${name}-dark.png` });
      }
      await checkAddresses(page, url, calendarUrl, problems);
      notes.push(`${facts.entries} entries`);
    }
    if (!phone) await page.close();
  }
  await phonePage.close();

  const page = await openPage(url, DESKTOP, problems);
  for (const format of ['A4', 'Letter']) {
    const pdf = `${shots}/${name}-${format.toLowerCase()}.pdf`;
    writeFileSync(pdf, await page.pdf({ format, printBackground: true }));
    const pagesText = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 })
      .split('\f').filter((t) => t.trim());
    pagesText.forEach((text, i) => {
      if (!/\b(1[5-9]|2\d)\d\d\b/.test(text))
        problems.push(`${format} page ${i + 1} has no year label`);
    });
    if (events) {
      const all = squash(pagesText.join(''));
      const onPage = pagesText.map(squash);
      for (const e of events) {
        if (!all.includes(squash(e.title))) problems.push(`${format}: "${e.title.slice(0, 40)}" is not in the PDF`);
        // the folded details unfold on paper, on the same page as the title:
        // an entry is never split across pages
        const start = e.description && squash(e.description.split('\n')[0]).slice(0, 40);
        if (start && !all.includes(start)) problems.push(`${format}: the description of ${e.id} is not in the PDF`);
        if (start && all.includes(start) && !onPage.some((t) => t.includes(squash(e.title)) && t.includes(start)))
          problems.push(`${format}: ${e.id} is split across pages`);
      }
    }
    notes.push(`${format} ${pagesText.length} pages`);
    if (format === 'A4')
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, `${shots}/${name}-print`]);
  }
  await page.close();
  console.log(`page ${name}: ${notes.join(', ')}; ${problems.length} problems`);
  return problems;
}

// Whitespace and soft breaks differ between the page and pdftotext's
// reading; pictographs (emoji) have no text in the PDF's fonts.
function squash(text) {
  return text.normalize('NFC').replace(/[\s\u00ad\u200b-\u200d\u2066-\u2069\ufe0f\p{So}\p{Cs}]+/gu, '');
}

async function checkTitles(page, events, problems) {
  const shown = await page.$$eval('.timeline > li h3 .title', (ts) => ts.map((t) => t.textContent));
  for (const e of events)
    if (!shown.includes(e.title)) problems.push(`title "${e.title.slice(0, 40)}" is not on the page`);
}

// Tab from the top until every filter has had the focus, opening the folded
// filters with Enter on the way, and see the focus drawn; then filter by
// each tag and compare what shows with what the events file tags.
async function checkKeyboardAndFilters(page, events, problems) {
  const boxes = await page.$$eval('#filters input', (is) => is.map((i) => i.value));
  if (boxes.length === 0) return;
  const reached = new Set();
  let summary = false;
  for (let i = 0; i < 40 + boxes.length * 2 && reached.size < boxes.length; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const a = document.activeElement;
      const drawn = (el) => { const s = getComputedStyle(el); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; };
      return { tag: a.tagName, value: a.value, summary: a.tagName === 'SUMMARY' && a.parentElement.id === 'filters',
               visible: drawn(a) || (a.closest('label') !== null && drawn(a.closest('label'))) };
    });
    if (focus.summary && !summary) {
      summary = true;
      if (!focus.visible) problems.push('the filter summary has no visible focus');
      await page.keyboard.press('Enter');
    }
    if (focus.tag === 'INPUT') {
      reached.add(focus.value);
      if (!focus.visible) problems.push(`the focus on filter "${focus.value}" is not visible`);
    }
  }
  if (!summary) problems.push('keyboard focus never reaches the filters');
  if (reached.size < boxes.length) problems.push(`keyboard focus reaches ${reached.size} of ${boxes.length} filters`);

  for (const tag of boxes.slice(0, 6)) {
    await page.evaluate((t) => [...document.querySelectorAll('#filters input')].find((b) => b.value === t).click(), tag);
    const visible = await page.$$eval('.timeline > li', (lis) => lis.filter((li) => !li.hidden && li.getClientRects().length).map((li) => li.id));
    const years = await page.$$eval('.timeline > li', (lis) => lis.filter((li) => !li.hidden)
      .map((li) => li.querySelector('.year')).filter((y) => !y.hidden).map((y) => y.textContent));
    if (events) {
      const want = events.filter((e) => (e.tags || []).includes(tag)).map((e) => `event-${e.id}`);
      if (visible.length !== want.length || want.some((id) => !visible.includes(id)))
        problems.push(`filter "${tag}" shows ${visible.length} entries, the file tags ${want.length}`);
    } else if (visible.length === 0) problems.push(`filter "${tag}" shows nothing`);
    if (new Set(years).size !== years.length || years.length === 0)
      problems.push(`filter "${tag}": year headings ${years.join(' ')}`);
    await page.evaluate((t) => [...document.querySelectorAll('#filters input')].find((b) => b.value === t).click(), tag);
  }
  const all = await page.$$eval('.timeline > li', (lis) => lis.filter((li) => !li.hidden).length);
  const total = await page.$$eval('.timeline > li', (lis) => lis.length);
  if (all !== total) problems.push(`after the filters are cleared ${all} of ${total} entries show`);
}

// Subscribe and address links. Without a calendar url: on the page's own
// server when served (and they answer), relative to the page and with no
// Subscribe (nothing to subscribe to) when opened from a file. With one:
// webcal:// and https:// links under it.
async function checkAddresses(page, url, calendarUrl, problems) {
  const links = await page.$$eval('.subscribe a', (as) => as.filter((a) => !a.hidden).map((a) => ({ text: a.textContent, href: a.href, cls: a.className })));
  const feeds = links.filter((l) => l.cls === 'url');
  const subscribe = links.filter((l) => l.href.startsWith('webcal:'));
  if (feeds.length === 0) problems.push('no feed addresses');
  // a file:// address is of no use to anyone else: a file page names the file
  const fromFile = !calendarUrl && !/^https?:/.test(url);
  for (const l of feeds)
    if (fromFile ? !l.href.endsWith('/' + l.text) : new URL(l.text).href !== l.href)
      problems.push(`address shown as ${l.text}, links to ${l.href}`);
  if (calendarUrl) {
    const base = calendarUrl.replace(/\/?$/, '/');
    // the browser writes the host in lower case (URL's rules); webcal: is not special
    for (const l of feeds) if (!l.href.startsWith(new URL(base).href)) problems.push(`${l.href} is not under ${base}`);
    for (const l of subscribe)
      if (!l.href.toLowerCase().startsWith(base.replace(/^https?:/, 'webcal:').toLowerCase()))
        problems.push(`${l.href} is not under ${base}`);
    if (subscribe.length !== feeds.length) problems.push(`${subscribe.length} Subscribe links for ${feeds.length} feeds`);
  } else if (/^https?:/.test(url)) {
    const origin = new URL(url);
    for (const l of links)
      if (new URL(l.href).host !== origin.host) problems.push(`served page links to ${l.href}, not to ${origin.host}`);
    if (subscribe.length !== feeds.length) problems.push(`${subscribe.length} webcal:// links for ${feeds.length} feeds`);
    for (const l of feeds) {
      // from here, not from the page: its Content-Security-Policy forbids fetch()
      const r = (await fetch(l.href, { method: 'HEAD' })).status;
      if (r !== 200) problems.push(`${l.href}: HTTP ${r}`);
    }
  } else {
    if (subscribe.length) problems.push(`a page opened from a file offers ${subscribe[0].href}`);
    const here = new URL('.', url).href;
    for (const l of links) if (!l.href.startsWith(here)) problems.push(`${l.href} is not beside the page`);
  }
}
