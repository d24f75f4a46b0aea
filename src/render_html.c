/*
 * render_html.c - the timeline as one self-contained HTML page (see
 * render.h): no external assets, so it works offline, and it prints.
 *
 *   | 2022 ----(1)--  |  (1) July 2022 — exact date not known    |
 *   |  Aug    |||(2)  |      International Conference on ...    |
 *   |  Sep    |||     |  (2) 21 Jul 2022  Treaty of Friendship  |
 *
 * Two columns. The left is a time axis proportional to days: each event is
 * a bar from its first to its last day, a month or a year a hatched band
 * over all of it, a planned event outlined in dashes, a cancelled one grey;
 * close events take side-by-side lanes so their numbers never cover each
 * other. The right lists the events in timeline order with every detail;
 * the same number (and an in-page link) joins a bar to its entry. No label
 * sits on the axis itself, so no density of events makes them unreadable.
 *
 * Document text goes through put_escaped() into element content or quoted
 * attributes only, never into <style> or <script>; the tag filters read
 * data- attributes. Without JavaScript the filters stay hidden and every
 * event shows. Dates are plain calendar days, never time_t or timezones.
 */
#include "almanac/render.h"

#include <stdlib.h>
#include <string.h>

/* Side-by-side lanes on the axis before numbers may touch. */
enum { LANES_MAX = 6 };

/* Axis geometry in rem, as the style sheet draws it: lanes right of the
 * year labels, a number 1.3rem tall, a tick label 1rem, at least 3rem of
 * list per entry beside the axis. */
static const double LANE_LEFT = 3.6, LANE_WIDTH = 1.7, NUMBER_HALF = 0.75, LABEL_HEIGHT = 1.0;
static const double AXIS_MIN = 30.0, ENTRY_MIN = 3.0, SCALE_INSET = 2.0;

typedef struct {
    FILE *out;
    const almanac_document *doc;
    const size_t *order;         /* the events shown, in timeline order */
    size_t count;
    bool details, reverse;
    long first, last;            /* the axis: day numbers, inclusive */
    int first_year, last_year;
    bool *shown;                 /* per document event: on this page */
    const char **tags;           /* the tags on the page, sorted, repeated */
    size_t tag_count;
    const char *note;            /* what the reader is told of series, or NULL */
} page;

/* ---- escaping --------------------------------------------------------- */

/* The one way document text reaches the page: safe as element content and
 * as a quoted attribute. Newlines become <br> where LINE_BREAKS, else
 * spaces; other control characters are not allowed in HTML: dropped. */
static void put_escaped(FILE *out, const char *text, bool line_breaks)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        /* the run of characters that need nothing, in one write */
        size_t run = strcspn((const char *)p, "&<>\"'\x01\x02\x03\x04\x05\x06\x07\x08"
                             "\n\x0B\x0C\x0D\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17"
                             "\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F");
        fwrite(p, 1, run, out);
        p += run;
        if (*p == '\0')
            break;
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\n': fputs(line_breaks ? "<br>\n" : " ", out); break;
        default:
            if ((*p >= 0x20 && *p != 0x7F) || *p == '\t')
                fputc(*p, out);
        }
    }
}

/* BEFORE and AFTER are markup; TEXT is escaped. */
static void put_text(FILE *out, const char *before, const char *text, const char *after)
{
    fputs(before, out);
    put_escaped(out, text, false);
    fputs(after, out);
}

/* The classes of a bar or an entry (KIND): "approx" for a month or a year
 * (a hatched band) or "exact", then the status; and data-tags, which the
 * filters read. */
static void put_event_attributes(FILE *out, const char *kind, const almanac_event *e)
{
    fprintf(out, " class=\"%s %s %s\" data-tags=\"", kind,
            e->start.precision <= ALMANAC_PRECISION_MONTH ? "approx" : "exact",
            e->status == ALMANAC_STATUS_TENTATIVE   ? "planned"
            : e->status == ALMANAC_STATUS_CANCELLED ? "cancelled" : "confirmed");
    for (size_t i = 0; i < e->tags.count; i++)
        put_text(out, i > 0 ? " " : "", e->tags.items[i], "");
    fputc('"', out);
}

/* ---- days and the axis ------------------------------------------------ */

/* Days since 1970-01-01 in the proleptic Gregorian calendar (Howard
 * Hinnant's days_from_civil); years are 1..9999: no negative eras. */
static long day_number(almanac_day d)
{
    long y = d.month <= 2 ? d.year - 1 : d.year;
    long era = y / 400, year_of_era = y - era * 400;
    long day_of_year = (153L * (d.month > 2 ? d.month - 3 : d.month + 9) + 2) / 5 + d.day - 1;
    long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static long first_day_number(int year, int month)
{
    return day_number((almanac_day){year, month, 1});
}

static void event_days(const almanac_event *e, long *first, long *last)
{
    *first = day_number(almanac_date_first_day(&e->start));
    *last = day_number(almanac_date_last_day(e->has_end ? &e->end : &e->start));
}

/* The edge of the days [FROM, TO) nearest the top of the axis, in days
 * from the top: the earliest day is at the top, the latest when reversed,
 * so that the axis runs the way the list does. */
static long top_edge(const page *p, long from, long to)
{
    return p->reverse ? p->last + 1 - to : from - p->first;
}

static double percent(const page *p, long days)
{
    return 100.0 * (double)days / (double)(p->last + 1 - p->first);
}

/* The axis is at least AXIS_MIN tall and grows with the list beside it. */
static double axis_height(const page *p)
{
    double list = ENTRY_MIN * (double)p->count;
    return list > AXIS_MIN ? list : AXIS_MIN;
}

/* REM of the axis, as a percentage of its scale. */
static double rem_percent(const page *p, double rem)
{
    return 100.0 * rem / (axis_height(p) - SCALE_INSET);
}

static void put_tick(const page *p, long from, long to, const char *kind, const char *label)
{
    fprintf(p->out, "<div class=\"tick %s\" style=\"top:%.3f%%\">%s%s%s</div>\n", kind,
            percent(p, top_edge(p, from, to)), label[0] ? "<span>" : "", label,
            label[0] ? "</span>" : "");
}

/* Years that get a tick: every one, or every 2nd, 5th, 10th ... so that a
 * long range has at most 25, each label clear of the next. */
static int year_step(int years)
{
    static const int steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (years / steps[i] <= 25)
            return steps[i];
    return 1000;
}

/* A line where each year (and, on a range under three years, each month)
 * begins, labelled inside the period it names when the label fits there
 * and clears the year's. Under 18 months every month is named, else only
 * Jan, Apr, Jul and Oct. */
static void put_ticks(const page *p)
{
    long range = p->last + 1 - p->first;
    bool months = range < 3 * 366, every_month = range < 550;
    int step = year_step(p->last_year - p->first_year + 1);
    double label = rem_percent(p, LABEL_HEIGHT);
    for (int y = p->first_year; y <= p->last_year; y++) {
        long from = first_day_number(y, 1), to = first_day_number(y + 1, 1);
        from = from < p->first ? p->first : from;
        to = to > p->last + 1 ? p->last + 1 : to;
        char year[16];
        snprintf(year, sizeof year, "%d", y);
        if (step > 1) { /* decades, centuries: a labelled line where one begins */
            if (y % step == 0 && from == first_day_number(y, 1))
                put_tick(p, from, from, "year", year);
            continue;
        }
        put_tick(p, from, to, "year", percent(p, to - from) >= label ? year : "");
        long year_top = top_edge(p, from, to);
        for (int m = 1; months && m <= 12; m++) {
            long start = first_day_number(y, m);
            long end = m == 12 ? first_day_number(y + 1, 1) : first_day_number(y, m + 1);
            start = start < from ? from : start;
            end = end > to ? to : end;
            if (start >= end || top_edge(p, start, end) == year_top)
                continue; /* on the year's line */
            bool named = (every_month || m % 3 == 1) && percent(p, end - start) >= label &&
                         percent(p, top_edge(p, start, end) - year_top) >= label;
            put_tick(p, start, end, "month", named ? almanac_month_abbrev(m) : "");
        }
    }
}

/* The first lane free above TOP; when all are taken, the one that frees
 * first (numbers may then touch). ENDS holds each lane's lowest bottom, so
 * a lane is free only below everything in it, whatever the order. */
static unsigned pick_lane(double ends[LANES_MAX], unsigned *used, double top, double bottom)
{
    unsigned lane = 0;
    while (lane < *used && ends[lane] > top)
        lane++;
    if (lane == *used && *used < LANES_MAX) {
        ends[(*used)++] = bottom;
        return lane;
    }
    if (lane == *used) {
        lane = 0;
        for (unsigned k = 1; k < *used; k++)
            if (ends[k] < ends[lane])
                lane = k;
    }
    if (bottom > ends[lane])
        ends[lane] = bottom;
    return lane;
}

static void put_bar(const page *p, const almanac_event *e, size_t number, unsigned lane,
                    double top, double height)
{
    char dates[ALMANAC_LABEL_MAX];
    almanac_timeline_dates_with_year(e, dates);
    put_text(p->out, "<a href=\"#event-", e->id, "\" tabindex=\"-1\"");
    put_event_attributes(p->out, "bar", e);
    fprintf(p->out, " style=\"top:%.3f%%;height:%.3f%%;left:%.2frem\"", top, height,
            LANE_LEFT + LANE_WIDTH * (double)lane);
    put_text(p->out, " title=\"", dates, ": ");
    put_escaped(p->out, e->title, false);
    fprintf(p->out, "\"><span class=\"n\">%zu</span></a>\n", number);
}

/* Puts every bar in a lane, its number (centred on the bar's top) clear of
 * the numbers above it; writes the bars when WRITE. Returns the lanes used.
 * Both passes compute the same lanes, so nothing needs storing. */
static unsigned lay_out_bars(const page *p, bool write)
{
    double ends[LANES_MAX];
    unsigned used = 0;
    double half = rem_percent(p, NUMBER_HALF);
    for (size_t i = 0; i < p->count; i++) {
        const almanac_event *e = &p->doc->events[p->order[i]];
        long first, last;
        event_days(e, &first, &last);
        double top = percent(p, top_edge(p, first, last + 1));
        double height = percent(p, last + 1 - first);
        unsigned lane = pick_lane(ends, &used, top - half, top + (height > half ? height : half));
        if (write)
            put_bar(p, e, i + 1, lane, top, height);
    }
    return used;
}

/* ---- the list --------------------------------------------------------- */

/* "April 2023 — exact date not known" for a partial date, so that the
 * precision shows in words as well as on the axis. */
static void put_when(const page *p, const almanac_event *e, size_t number)
{
    char label[ALMANAC_LABEL_MAX];
    fprintf(p->out, "<p class=\"when\"><span class=\"n\">%zu</span> ", number);
    almanac_timeline_partial_label(e, label);
    if (label[0] != '\0')
        put_text(p->out, "", label, " <em>— exact date not known</em>");
    else {
        almanac_timeline_dates_with_year(e, label);
        put_escaped(p->out, label, false);
    }
    almanac_timeline_times(p->doc, e, label);
    if (label[0] != '\0')
        put_text(p->out, " · ", label, "");
    fputs("</p>\n", p->out);
}

static void put_sources(FILE *out, const almanac_event *e)
{
    for (size_t i = 0; i < e->source_count; i++) {
        const almanac_source *s = &e->sources[i];
        fputs(i == 0 ? "<p><span class=\"label\">Sources:</span> " : "; ", out);
        if (s->url != NULL)
            put_text(out, "<a class=\"source\" href=\"", s->url, "\">");
        put_text(out, "", s->title, s->url != NULL ? "</a>" : "");
        if (s->publisher != NULL)
            put_text(out, " (", s->publisher, s->has_date ? ", " : ")");
        if (s->has_date) {
            char date[ALMANAC_LABEL_MAX];
            almanac_timeline_date(&s->date, date);
            put_text(out, s->publisher != NULL ? "" : " (", date, ")");
        }
    }
    fputs(e->source_count > 0 ? "</p>\n" : "", out);
}

/* Links to the related events on this page; one filtered out has no entry
 * to link to and is left out. */
static void put_related(const page *p, const almanac_event *e)
{
    bool any = false;
    for (size_t i = 0; i < e->related.count; i++) {
        const almanac_event *found = almanac_related_event(p->doc, e, i);
        if (found == NULL || !p->shown[found - p->doc->events])
            continue;
        char when[ALMANAC_LABEL_MAX];
        almanac_timeline_dates_with_year(found, when);
        fputs(any ? "; " : "<p><span class=\"label\">Related:</span> ", p->out);
        put_text(p->out, "<a href=\"#event-", found->id, "\">");
        put_text(p->out, "", found->title, "</a> (");
        put_text(p->out, "", when, ")");
        any = true;
    }
    fputs(any ? "</p>\n" : "", p->out);
}

static void put_details(const page *p, const almanac_event *e)
{
    FILE *out = p->out;
    char repeats[1024], people[1024];
    almanac_timeline_series_label(e, repeats, sizeof repeats);
    almanac_timeline_people_label(e, almanac_event_alarms(p->doc, e), people, sizeof people);
    if (e->description == NULL && e->participants.count == 0 && e->url == NULL &&
        e->source_count == 0 && e->related.count == 0 && repeats[0] == '\0' &&
        people[0] == '\0')
        return;
    fputs("<div class=\"details\">\n", out);
    if (repeats[0] != '\0')
        put_text(out, "<p><span class=\"label\">Repeats:</span> ", repeats, "</p>\n");
    if (people[0] != '\0')
        put_text(out, "<p>", people, "</p>\n");
    if (e->description != NULL) {
        fputs("<p>", out);
        put_escaped(out, e->description, true);
        fputs("</p>\n", out);
    }
    for (size_t i = 0; i < e->participants.count; i++)
        put_text(out, i == 0 ? "<p><span class=\"label\">Participants:</span> " : ", ",
                 e->participants.items[i], i + 1 == e->participants.count ? "</p>\n" : "");
    if (e->url != NULL) {
        put_text(out, "<p><span class=\"label\">Link:</span> <a href=\"", e->url, "\">");
        put_text(out, "", e->url, "</a></p>\n");
    }
    put_sources(out, e);
    put_related(p, e);
    fputs("</div>\n", out);
}

static void put_entry(const page *p, const almanac_event *e, size_t number)
{
    FILE *out = p->out;
    put_text(out, "<li id=\"event-", e->id, "");
    if (e->occurrence_of != NULL) {
        /* occurrences of one series share its id: the original start tells them apart */
        char when[ALMANAC_DATE_TEXT_MAX];
        almanac_date_format(&e->original_start, when);
        for (char *c = when; *c; c++)
            if (*c == ':')
                *c = '-';
        put_text(out, "-", when, "");
    }
    fputs("\"", out);
    put_event_attributes(out, "event", e);
    fputs(">\n", out);
    put_when(p, e, number);
    put_text(out, "<h3><span class=\"title\">", e->title, "</span>");
    const char *mark = almanac_timeline_status_mark(e->status);
    if (mark[0] != '\0') /* " (planned)" without its space */
        put_text(out, " <span class=\"badge\">", mark + 1, "</span>");
    fputs("</h3>\n", out);
    if (e->has_location) {
        put_text(out, "<p class=\"place\">", e->location.name, "");
        if (e->location.country != NULL)
            put_text(out, ", ", e->location.country, "");
        fputs("</p>\n", out);
    }
    for (size_t i = 0; i < e->tags.count; i++) {
        put_text(out, i == 0 ? "<p class=\"tags\"><span class=\"tag\" data-tag=\""
                             : " <span class=\"tag\" data-tag=\"", e->tags.items[i], "\">");
        put_text(out, "", e->tags.items[i], i + 1 == e->tags.count ? "</span></p>\n" : "</span>");
    }
    if (p->details)
        put_details(p, e);
    fputs("</li>\n", out);
}

/* ---- the page --------------------------------------------------------- */

/* BASE, a slash unless it ends with one, FILE; with the scheme replaced
 * by SCHEME ("webcal", for http and https alike) when given. */
static void put_feed_url(FILE *out, const char *base, const char *file, const char *scheme)
{
    const char *rest = strstr(base, "://");
    if (scheme != NULL && rest != NULL) {
        put_escaped(out, scheme, false);
        base = rest;
    }
    size_t length = strlen(base);
    put_text(out, "", base, length == 0 || base[length - 1] != '/' ? "/" : "");
    put_escaped(out, file, false);
}

static void put_feed(const page *p, const almanac_feed *feed)
{
    FILE *out = p->out;
    const char *base = p->doc->calendar.url;
    char file[256]; /* as build.c names the files */
    almanac_feed_file_name(feed, file, sizeof file);
    put_text(out, "<li><span class=\"feed\">", feed != NULL ? feed->name : p->doc->calendar.name,
             feed != NULL ? "</span>" : "</span> <span class=\"note\">(all events)</span>");
    if (feed != NULL && feed->description != NULL)
        put_text(out, " <span class=\"note\">— ", feed->description, "</span>");
    fputs("<br>\n", out);
    if (base != NULL) {
        fputs("<a class=\"button\" href=\"", out);
        put_feed_url(out, base, file, "webcal");
        fputs("\">Subscribe</a> <a class=\"url\" href=\"", out);
        put_feed_url(out, base, file, NULL);
        fputs("\">", out);
        put_feed_url(out, base, file, NULL);
        fputs("</a> ", out);
    }
    put_text(out, "<a class=\"button\" href=\"", file, "\" download>Download ");
    put_text(out, "", file, "</a></li>\n");
}

/* Without a base URL there is nothing to subscribe to, only files. */
static void put_subscriptions(const page *p)
{
    bool remote = p->doc->calendar.url != NULL;
    fprintf(p->out, "<section class=\"subscribe%s\">\n<h2>Subscribe</h2>\n<p class=\"note\">%s"
            "</p>\n<ul class=\"feeds\">\n", remote ? "" : " local",
            remote ? "Subscribe to follow changes in a calendar app, or add a feed by its address."
                   : "Download a feed and import it into a calendar app.");
    put_feed(p, NULL);
    for (size_t i = 0; i < p->doc->feed_count; i++)
        put_feed(p, &p->doc->feeds[i]);
    fputs("</ul>\n</section>\n", p->out);
}

/* A check box per tag on the page, hidden until the script shows it:
 * without JavaScript it could do nothing. */
static void put_filters(const page *p)
{
    if (p->tag_count == 0)
        return;
    fputs("<fieldset id=\"filters\" class=\"filters\" hidden>\n"
          "<legend>Show only events tagged</legend>\n", p->out);
    for (size_t i = 0; i < p->tag_count; i++) {
        if (i > 0 && strcmp(p->tags[i], p->tags[i - 1]) == 0)
            continue;
        put_text(p->out, "<label><input type=\"checkbox\" value=\"", p->tags[i], "\"> ");
        put_text(p->out, "", p->tags[i], "</label>\n");
    }
    fputs("<button type=\"button\" id=\"filter-clear\">Show all</button>\n</fieldset>\n", p->out);
}

static void put_timeline(const page *p)
{
    FILE *out = p->out;
    if (p->count == 0) {
        fputs("<p>No events to show.</p>\n", out);
        return;
    }
    unsigned lanes = lay_out_bars(p, false);
    fprintf(out, "<div class=\"timeline\">\n<div class=\"axis\" aria-hidden=\"true\" "
            "style=\"width:%.2frem;min-height:%.0frem\">\n<div class=\"scale\">\n",
            LANE_LEFT + LANE_WIDTH * (double)lanes, axis_height(p));
    put_ticks(p);
    lay_out_bars(p, true);
    fputs("</div>\n</div>\n<ol class=\"entries\">\n", out);
    for (size_t i = 0; i < p->count; i++)
        put_entry(p, &p->doc->events[p->order[i]], i + 1);
    fputs("</ol>\n</div>\n", out);
}

/* Fixed text only: no document text ever goes into <style> or <script>.
 * Print keeps the bars' colours (print-color-adjust) and drops controls. */
static const char style[] =
    "[hidden]{display:none!important}*{box-sizing:border-box}body{margin:0 auto;"
    "max-width:64rem;padding:1rem 1.25rem 3rem;color:#1a1a1a;background:#fff;"
    "font:1rem/1.5 system-ui,sans-serif}a{color:#1d4f91}\n"
    "main{--accent:#2b5d9b;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}"
    "h3{font-size:1.05rem;line-height:1.35;margin:.1rem 0}\n"
    ".note,.count,.legend,.label,.badge{color:#555}"
    ".feeds,.entries{list-style:none;margin:0;padding:0}\n"
    ".feeds li,.event{padding:.4rem 0 .6rem;border-top:1px solid #e4e4e4}.feed{font-weight:600}\n"
    ".button{display:inline-block;margin:.2rem .4rem .2rem 0;padding:0 .6rem;border:1px solid;"
    "border-radius:.3rem;text-decoration:none;font-size:.9rem}\n"
    ".url,.details{overflow-wrap:anywhere}.key,.filters label{white-space:nowrap;"
    "margin-right:.8rem}.filters{border:1px solid #ddd;border-radius:.3rem;margin:.5rem 0 1rem}\n"
    ".key::before{content:\"\";display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;"
    "vertical-align:-.1rem;background:var(--accent)}\n"
    ".timeline{display:grid;grid-template-columns:auto minmax(0,1fr);gap:0 1rem}"
    ".axis{position:relative}\n"
    ".scale{position:absolute;left:0;right:0;top:1rem;bottom:1rem}.scale::before{content:\"\";"
    "position:absolute;left:3.2rem;top:0;bottom:0;border-left:2px solid #888}\n"
    ".tick{position:absolute;left:0;right:0;border-top:1px solid #aaa;font-size:.75rem;"
    "line-height:1}.tick span{position:absolute;top:.2rem}.year{font-weight:700}"
    ".month{border-top-style:dotted}\n"
    ".bar{position:absolute;display:block;width:1.3rem;min-height:3px;text-decoration:none}"
    ".bar::before{content:\"\";position:absolute;inset:0;background:var(--accent)}\n"
    ".bar.approx::before,.key.approx::before{background:repeating-linear-gradient(135deg,"
    "var(--accent) 0 2px,transparent 2px 6px);border:1px solid var(--accent);opacity:.8}\n"
    ".bar.planned::before,.key.planned::before{border:2px dashed var(--accent);"
    "background-color:#fff}.cancelled{--accent:#9a9a9a}\n"
    ".n{display:inline-block;min-width:1.3rem;height:1.3rem;padding:0 .2rem;"
    "border:1px solid var(--accent);border-radius:.65rem;background:var(--accent);color:#fff;"
    "font-size:.75rem;font-weight:600;line-height:1.15rem;text-align:center}\n"
    ".bar .n{position:absolute;top:-.65rem;left:0}"
    ".planned .n{background:#fff;color:var(--accent);border-style:dashed}\n"
    ".cancelled .n,.cancelled .title{text-decoration:line-through;color:#666}"
    ".when,.place,.tags,.details p{margin:.2rem 0}\n"
    /* not on the first event: Chrome would move the whole timeline to the
     * next page */
    ".event+.event{break-inside:avoid}.event:target{background:#fff6d5}"
    ".badge{font-size:.75rem;text-transform:uppercase;white-space:nowrap}\n"
    ".tag{display:inline-block;font-size:.8rem;padding:0 .45rem;border-radius:.6rem;"
    "background:#eef1f5}.js .tag{cursor:pointer}\n"
    "@page{margin:1.5cm}@media print{body{max-width:none;padding:0;color:#000;font-size:10.5pt}"
    "main{--accent:#000}a{color:#000}\n"
    ".filters,.button,.subscribe.local{display:none!important}.event:target{background:none}"
    ".tag{border:1px solid #999}a.source::after{content:\" <\" attr(href) \">\"}}\n";

/* Tag filters: a checked tag shows the events that have it; several,
 * those with any; none, every event. A tag in an entry toggles its box. */
static const char script[] =
    "(function(){var f=document.getElementById(\"filters\");if(!f)return;\n"
    "var boxes=f.getElementsByTagName(\"input\");\n"
    "var items=document.querySelectorAll(\"[data-tags]\");\n"
    "function apply(){var on=[],i,k;\n"
    "for(i=0;i<boxes.length;i++)if(boxes[i].checked)on.push(boxes[i].value);\n"
    "for(i=0;i<items.length;i++){var tags=items[i].getAttribute(\"data-tags\").split(\" \");\n"
    "var show=!on.length;for(k=0;k<on.length&&!show;k++)show=tags.indexOf(on[k])>=0;\n"
    "items[i].hidden=!show;}}\n"
    "function toggle(tag){for(var i=0;i<boxes.length;i++)if(boxes[i].value===tag)"
    "boxes[i].checked=!boxes[i].checked;apply();}\n"
    "f.addEventListener(\"change\",apply);\n"
    "document.getElementById(\"filter-clear\").onclick=function(){"
    "for(var i=0;i<boxes.length;i++)boxes[i].checked=false;apply();};\n"
    "var chips=document.querySelectorAll(\".entries .tag\");for(var i=0;i<chips.length;i++)"
    "chips[i].onclick=function(){toggle(this.getAttribute(\"data-tag\"));};\n"
    "document.documentElement.className=\"js\";f.hidden=false;})();\n";

static const char legend[] =
    "<p class=\"legend\"><span class=\"key\">day</span> <span class=\"key approx\">known only "
    "to the month or year: the band covers all of it</span> <span class=\"key planned\">"
    "planned</span> <span class=\"key cancelled\">cancelled</span> The numbers join the axis "
    "to the list.</p>\n";

static void put_page(const page *p)
{
    FILE *out = p->out;
    const almanac_calendar *c = &p->doc->calendar;
    put_text(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
             c->name, "</title>\n<style>\n");
    put_text(out, style, "", "</style>\n</head>\n<body>\n<header>\n");
    put_text(out, "<h1>", c->name, "</h1>\n");
    if (c->description != NULL) {
        fputs("<p>", out);
        put_escaped(out, c->description, true);
        fputs("</p>\n", out);
    }
    char counted[ALMANAC_LABEL_MAX];
    almanac_timeline_count_label(p->doc, p->count, counted, sizeof counted);
    put_text(out, "<p class=\"count\">", counted, "</p>\n");
    if (p->note != NULL && p->note[0] != '\0')
        put_text(out, "<p class=\"note\">", p->note, "</p>\n");
    fputs("</header>\n", out);
    put_subscriptions(p);
    put_text(out, "<main>\n<h2>Timeline</h2>\n", "", legend);
    put_filters(p);
    put_timeline(p);
    put_text(out, "</main>\n<script>\n", "", script);
    fputs("</script>\n</body>\n</html>\n", out);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The axis range, which events are shown and the sorted tags,
 * all before the first byte is written. Returns -1 when out of memory. */
static int prepare(page *p)
{
    const almanac_document *doc = p->doc;
    size_t tags = 0;
    for (size_t i = 0; i < p->count; i++)
        tags += doc->events[p->order[i]].tags.count;
    p->shown = calloc(doc->event_count + 1, sizeof *p->shown);
    p->tags = malloc((tags + 1) * sizeof *p->tags);
    if (p->shown == NULL || p->tags == NULL)
        return -1;
    for (size_t i = 0; i < p->count; i++) {
        const almanac_event *e = &doc->events[p->order[i]];
        long first, last;
        event_days(e, &first, &last);
        if (i == 0 || first < p->first) {
            p->first = first;
            p->first_year = almanac_date_first_day(&e->start).year;
        }
        if (i == 0 || last > p->last) {
            p->last = last;
            p->last_year = almanac_date_last_day(e->has_end ? &e->end : &e->start).year;
        }
        p->shown[p->order[i]] = true;
        for (size_t k = 0; k < e->tags.count; k++)
            p->tags[p->tag_count++] = e->tags.items[k];
    }
    qsort(p->tags, p->tag_count, sizeof *p->tags, compare_strings);
    return 0;
}

int almanac_render_html(const almanac_document *doc, const almanac_timeline_options *options,
                        FILE *out)
{
    static const almanac_timeline_options defaults = {0};
    const almanac_timeline_options *o = options != NULL ? options : &defaults;
    page p = {.out = out, .doc = doc, .details = !o->no_details, .reverse = o->filter.reverse,
              .note = o->note};
    size_t *order = almanac_timeline_select(doc, &o->filter, &p.count);
    p.order = order;
    int result = order != NULL && prepare(&p) == 0 ? 0 : -1;
    if (result == 0)
        put_page(&p);
    free(order);
    free(p.shown);
    free(p.tags);
    return result == 0 && !ferror(out) ? 0 : -1;
}
