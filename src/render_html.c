/*
 * render_html.c - the timeline as one self-contained HTML page (see
 * render.h): no external assets, so it works offline, and it prints.
 *
 *      2022
 *   21 Jul 2022   ●  Treaty of Friendship ... signed
 *                 │  Cholpon-Ata, Kyrgyzstan
 *                 ┆  2 months later
 *   16 Sep 2022   ●  SCO summit
 *      2023
 *   some time in  ┃  International Conference on ...     (a faint band)
 *   2023          ┃
 *
 * One column of entries in time order on a rail. Each entry carries its
 * own mark, on its own row: nothing has to be matched across columns, and
 * no density of dates can push a mark away from its text. Time is not
 * drawn to scale; the space between entries grows with the time between
 * them in a few steps, and a stretch of a month or more is a dashed rail
 * labelled with its length, so a long gap neither wastes pages nor goes
 * unnoticed. Every date is written with its year and a year heading opens
 * each year, so every printed page and every gap names its year.
 *
 * A day is a solid dot, several days a solid bar, an event known only to
 * the month or the year a faint band with "some time in ..." in words: the
 * less that is known, the less ink. Planned is hollow and dashed, cancelled
 * struck through with a cross; both also say so in words, for readers who
 * do not see colour and for black-and-white print.
 *
 * Subscribing comes after the timeline (the header links to it). Without a
 * calendar URL the links are relative, so they work wherever the page is
 * served; the script completes the webcal:// and https:// addresses from
 * the page's own location, and hides "Subscribe" on a page opened from a
 * file, where there is nothing to subscribe to.
 *
 * Document text goes through put_escaped() into element content or quoted
 * attributes only, never into <style> or <script>; the script reads data-
 * attributes. Without JavaScript the filters stay hidden and every event
 * shows. Dates are plain calendar days, never time_t or timezones.
 */
#include "almanac/render.h"

#include <stdlib.h>
#include <string.h>

#include "timeline_render.h"

/* Above this many distinct years, the page has no year index. */
enum { YEAR_INDEX_MAX = 120 };

typedef struct {
    FILE *out;
    const almanac_document *doc;
    size_t *order;               /* the events shown, in timeline order */
    size_t count;
    bool details, reverse;
    bool *shown;                 /* per document event: on this page */
    const char **tags;           /* the tags on the page, sorted, repeated */
    size_t tag_count;
    const char *note;            /* what the reader is told of series, or NULL */
    const int *page_years;       /* the pages of a long timeline, or NULL */
    size_t page_year_count;
    int year;                    /* the year of this page, or 0 */
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

/* URL as text that may break after '/', '.', '-', '?', '&' and '=':
 * an address wraps at its seams on a phone, not in the middle of a word. */
static void put_breakable_url(FILE *out, const char *url)
{
    size_t length = strlen(url);
    char piece[256];
    size_t used = 0;
    for (size_t i = 0; i < length; i++) {
        piece[used++] = url[i];
        bool seam = strchr("/.-?&=", url[i]) != NULL && i + 1 < length &&
                    strchr("/.-?&=", url[i + 1]) == NULL;
        if (seam || used + 1 == sizeof piece || i + 1 == length) {
            piece[used] = '\0';
            put_escaped(out, piece, false);
            used = 0;
            if (seam)
                fputs("<wbr>", out);
        }
    }
}

/* The classes of an entry: its precision ("day", "days" or "approx" for a
 * month or a year) and its status, which draw its mark; and data-tags,
 * which the filters read. */
static void put_event_attributes(FILE *out, const almanac_event *e)
{
    const char *precision = "approx";
    if (e->start.precision > ALMANAC_PRECISION_MONTH) {
        almanac_day first = almanac_date_first_day(&e->start);
        almanac_day last = almanac_date_last_day(e->has_end ? &e->end : &e->start);
        precision = first.year == last.year && first.month == last.month &&
                    first.day == last.day ? "day" : "days";
    }
    fprintf(out, " class=\"event %s %s\" data-tags=\"", precision,
            e->status == ALMANAC_STATUS_TENTATIVE   ? "planned"
            : e->status == ALMANAC_STATUS_CANCELLED ? "cancelled" : "confirmed");
    for (size_t i = 0; i < e->tags.count; i++)
        put_text(out, i > 0 ? " " : "", e->tags.items[i], "");
    fputc('"', out);
}

/* ---- days and gaps ---------------------------------------------------- */

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

static void event_days(const almanac_event *e, long *first, long *last)
{
    *first = day_number(almanac_date_first_day(&e->start));
    *last = day_number(almanac_date_last_day(e->has_end ? &e->end : &e->start));
}

/* The empty days between the entry before (PREVIOUS) and E, in the
 * direction the page runs; 0 when they touch or overlap. */
static long days_between(const page *p, const almanac_event *previous, const almanac_event *e)
{
    long before_first, before_last, first, last;
    event_days(previous, &before_first, &before_last);
    event_days(e, &first, &last);
    long gap = p->reverse ? before_first - last - 1 : first - before_last - 1;
    return gap > 0 ? gap : 0;
}

/* The space above an entry, a step per order of magnitude of the gap: the
 * same day, within a week, a month, a year, more. */
static const char *gap_class(long days)
{
    return days == 0 ? "g0" : days < 7 ? "g1" : days < 31 ? "g2" : days < 366 ? "g3" : "g4";
}

/* "5 months later", "1 year 2 months later", "2 months earlier" for a gap
 * of DAYS (at least four weeks: a month); rounded to what a reader needs
 * to feel the gap, not to the day. */
static void gap_words(long days, bool reverse, char *buffer, size_t size)
{
    long months = (days * 12 + 182) / 365;
    months = months < 1 ? 1 : months;
    long years = months / 12;
    const char *way = reverse ? "earlier" : "later";
    if (years == 0)
        snprintf(buffer, size, "%ld month%s %s", months, months == 1 ? "" : "s", way);
    else if (months % 12 == 0 || years >= 10)
        snprintf(buffer, size, "%ld year%s %s", years, years == 1 ? "" : "s", way);
    else
        snprintf(buffer, size, "%ld year%s %ld month%s %s", years, years == 1 ? "" : "s",
                 months % 12, months % 12 == 1 ? "" : "s", way);
}

/* The year an entry is filed under: that of its first day. */
static int entry_year(const almanac_event *e)
{
    return almanac_date_first_day(&e->start).year;
}

/* ---- the list --------------------------------------------------------- */

/* "21 Jul 2022 · 10:00–12:30 Asia/Tashkent", or for a partial date
 * "some time in April 2023", so that the precision is said in words. */
static void put_when(const page *p, const almanac_event *e)
{
    char label[ALMANAC_LABEL_MAX];
    fputs("<p class=\"when\">", p->out);
    almanac_timeline_partial_label(e, label);
    if (label[0] != '\0')
        put_text(p->out, "<span class=\"vague\">some time in ", label, "</span>");
    else {
        almanac_timeline_dates_with_year(e, label);
        put_text(p->out, "<span class=\"date\">", label, "</span>");
    }
    almanac_timeline_times(p->doc, e, label);
    if (label[0] != '\0')
        put_text(p->out, " <span class=\"times\">", label, "</span>");
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

/* "description, 2 participants, 3 sources, 1 related": what the folded
 * part of an entry holds, so that a reader knows whether to open it. */
static void put_details_summary(FILE *out, const almanac_event *e, size_t related)
{
    const char *sep = "";
    fputs("<summary>Details <span class=\"note\">(", out);
    if (e->description != NULL) {
        fputs("description", out);
        sep = ", ";
    }
    size_t counts[] = {e->participants.count, e->url != NULL, e->source_count,
                       related};
    static const char *const one[] = {"participant", "link", "source", "related"};
    static const char *const many[] = {"participants", "links", "sources", "related"};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        if (counts[i] == 0)
            continue;
        fprintf(out, "%s%zu %s", sep, counts[i], counts[i] == 1 ? one[i] : many[i]);
        sep = ", ";
    }
    fputs(")</span></summary>\n", out);
}

/* What repeats and who takes part stay in view; the description and the
 * references fold under one line on screen, so that the timeline can be
 * scanned. Print unfolds them (CSS for Chrome, the script elsewhere). */
static void put_details(const page *p, const almanac_event *e)
{
    FILE *out = p->out;
    char repeats[1024], people[1024];
    almanac_timeline_series_label(e, repeats, sizeof repeats);
    almanac_timeline_people_label(e, almanac_event_alarms(p->doc, e), people, sizeof people);
    if (repeats[0] != '\0')
        put_text(out, "<p class=\"repeats\"><span class=\"label\">Repeats:</span> ", repeats,
                 "</p>\n");
    if (people[0] != '\0')
        put_text(out, "<p class=\"people\">", people, "</p>\n");
    size_t related = 0; /* those on this page: a filtered-out one has no entry */
    for (size_t i = 0; i < e->related.count; i++) {
        const almanac_event *found = almanac_related_event(p->doc, e, i);
        related += found != NULL && p->shown[found - p->doc->events];
    }
    if (e->description == NULL && e->participants.count == 0 && e->url == NULL &&
        e->source_count == 0 && related == 0)
        return;
    fputs("<details class=\"details\">\n", out);
    put_details_summary(out, e, related);
    if (e->description != NULL) {
        fputs("<p class=\"description\">", out);
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
    fputs("</details>\n", out);
}

/* What comes before an entry: the gap since the previous one, when it is
 * a month or more, and the year, when it changes. */
static void put_entry_opening(const page *p, size_t index)
{
    const almanac_event *e = &p->doc->events[p->order[index]];
    const almanac_event *previous = index > 0 ? &p->doc->events[p->order[index - 1]] : NULL;
    long gap = previous != NULL ? days_between(p, previous, e) : 0;
    if (gap >= 28) {
        char words[64];
        gap_words(gap, p->reverse, words, sizeof words);
        fprintf(p->out, "<p class=\"gap\" aria-hidden=\"true\"><span>%s</span></p>\n", words);
    }
    /* every entry has its heading, shown where the year changes: the
     * script shows the others when a filter hides the first of a year */
    int year = entry_year(e);
    if (previous == NULL || entry_year(previous) != year)
        fprintf(p->out, "<h2 class=\"year\" id=\"year-%d\">%d</h2>\n", year, year);
    else
        fprintf(p->out, "<h2 class=\"year\" hidden>%d</h2>\n", year);
}

static void put_entry(const page *p, size_t index)
{
    FILE *out = p->out;
    const almanac_event *e = &p->doc->events[p->order[index]];
    const almanac_event *previous = index > 0 ? &p->doc->events[p->order[index - 1]] : NULL;
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
    put_event_attributes(out, e);
    fprintf(out, " data-gap=\"%s\">\n", gap_class(previous != NULL ? days_between(p, previous, e)
                                                                    : 0));
    put_entry_opening(p, index);
    fputs("<div class=\"row\">\n", out);
    put_when(p, e);
    fputs("<span class=\"mark\" aria-hidden=\"true\"></span>\n<div class=\"body\">\n", out);
    put_text(out, "<h3><span class=\"title\">", e->title, "</span>");
    if (e->status != ALMANAC_STATUS_CONFIRMED) /* in words, not only in the mark's shape */
        fputs(e->status == ALMANAC_STATUS_TENTATIVE ? " <span class=\"badge\">planned</span>"
                                                    : " <span class=\"badge\">cancelled</span>",
              out);
    if (e->has_repeat || e->occurrence_of != NULL)
        fputs(" <span class=\"badge\">repeats</span>", out);
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
    fputs("</div>\n</div>\n</li>\n", out);
}

/* ---- subscribing ------------------------------------------------------ */

/* BASE, a slash unless it ends with one, FILE; with the scheme replaced
 * by SCHEME ("webcal", for http and https alike) when given. */
static void put_feed_url(FILE *out, const char *base, const char *file, const char *scheme,
                         bool breakable)
{
    const char *rest = strstr(base, "://");
    if (scheme != NULL && rest != NULL) {
        put_escaped(out, scheme, false);
        base = rest;
    }
    size_t length = strlen(base);
    if (breakable) {
        put_breakable_url(out, base);
        fputs(length == 0 || base[length - 1] != '/' ? "/<wbr>" : "", out);
    } else
        put_text(out, "", base, length == 0 || base[length - 1] != '/' ? "/" : "");
    put_escaped(out, file, false);
}

/* One feed: its name, Subscribe and Download, and its address. Without a
 * calendar URL, "Subscribe" and the address are relative and the script
 * completes them from the page's location (data-file). */
static void put_feed(const page *p, const almanac_feed *feed)
{
    FILE *out = p->out;
    const char *base = p->doc->calendar.url;
    char file[ALMANAC_FILE_NAME_MAX]; /* as build.c names the files */
    almanac_feed_file_name(feed, file, sizeof file);
    put_text(out, "<li><span class=\"feed\">", feed != NULL ? feed->name : "All events",
             "</span>");
    if (feed != NULL && feed->description != NULL)
        put_text(out, " <span class=\"note\">", feed->description, "</span>");
    fputs("\n<span class=\"actions\">", out);
    if (base != NULL) {
        fputs("<a class=\"button\" href=\"", out);
        put_feed_url(out, base, file, "webcal", false);
        fputs("\">Subscribe</a> ", out);
    } else
        put_text(out, "<a class=\"button\" data-webcal=\"", file, "\" hidden>Subscribe</a> ");
    put_text(out, "<a class=\"button\" href=\"", file, "\" download>Download</a> ");
    if (base != NULL) {
        fputs("<a class=\"url\" href=\"", out);
        put_feed_url(out, base, file, NULL, false);
        fputs("\">", out);
        put_feed_url(out, base, file, NULL, true);
    } else {
        put_text(out, "<a class=\"url\" data-file=\"", file, "\" href=\"");
        put_text(out, "", file, "\">");
        put_escaped(out, file, false);
    }
    fputs("</a></span></li>\n", out);
}

/* After the timeline: subscribing is done once, reading every time. In
 * print it is one paragraph of addresses. */
static void put_subscriptions(const page *p)
{
    bool remote = p->doc->calendar.url != NULL;
    fprintf(p->out, "<section id=\"subscribe\" class=\"subscribe\">\n<h2>Subscribe</h2>\n"
            "<p class=\"note\">%s</p>\n<ul class=\"feeds\">\n",
            remote ? "Subscribe once in a calendar app and it stays current, or download a "
                     "feed to import it."
                   : "<span class=\"from-file\">Download a feed and import it into a calendar "
                     "app; served from a web server, this page offers subscriptions.</span>");
    if (p->count > 0) { /* the printed line names its years, as every printed page does */
        int first = entry_year(&p->doc->events[p->order[0]]);
        int last = entry_year(&p->doc->events[p->order[p->count - 1]]);
        char counted[ALMANAC_LABEL_MAX];
        almanac_timeline_count_label(p->doc, p->count, counted, sizeof counted);
        put_text(p->out, "<p class=\"print-only\">", counted, "");
        if (first == last)
            fprintf(p->out, " in %d.", first);
        else
            fprintf(p->out, ", %d–%d.", first < last ? first : last, first < last ? last : first);
        fputs(" Feeds:</p>\n", p->out);
    }
    put_feed(p, NULL);
    for (size_t i = 0; i < p->doc->feed_count; i++)
        put_feed(p, &p->doc->feeds[i]);
    fputs("</ul>\n</section>\n", p->out);
}

/* ---- controls --------------------------------------------------------- */

/* A check box per tag on the page, folded under one line and hidden until
 * the script shows it: without JavaScript it could do nothing. */
static void put_filters(const page *p)
{
    if (p->tag_count == 0)
        return;
    size_t distinct = 0;
    for (size_t i = 0; i < p->tag_count; i++)
        distinct += i == 0 || strcmp(p->tags[i], p->tags[i - 1]) != 0;
    fprintf(p->out, "<details id=\"filters\" class=\"filters\" hidden>\n<summary>Filter by tag "
            "<span class=\"note\">(%zu)</span></summary>\n<fieldset>\n"
            "<legend>Show only events tagged</legend>\n", distinct);
    for (size_t i = 0; i < p->tag_count; i++) {
        if (i > 0 && strcmp(p->tags[i], p->tags[i - 1]) == 0)
            continue;
        put_text(p->out, "<label><input type=\"checkbox\" value=\"", p->tags[i], "\"> ");
        put_text(p->out, "", p->tags[i], "</label>\n");
    }
    fputs("<button type=\"button\" id=\"filter-clear\">Show all</button>\n</fieldset>\n"
          "</details>\n", p->out);
}

/* Links to each year's page of a long timeline, this one marked. */
static void put_page_index(const page *p)
{
    fputs("<nav class=\"years\" aria-label=\"Years\">", p->out);
    for (size_t i = 0; i < p->page_year_count; i++) {
        int year = p->page_years[i];
        char name[16];
        almanac_html_page_name(year, name, sizeof name);
        fprintf(p->out, "%s<a href=\"%s\"%s>%d</a>", i == 0 ? "" : " ", name,
                year == p->year ? " aria-current=\"page\"" : "", year);
    }
    fputs("</nav>\n", p->out);
}

/* Links to each year's heading, when there are a few to dozens of years:
 * the way around a long page. */
static void put_year_index(const page *p)
{
    if (p->page_years != NULL) {
        put_page_index(p);
        return;
    }
    size_t years = 0;
    for (size_t i = 0; i < p->count; i++)
        years += i == 0 || entry_year(&p->doc->events[p->order[i]]) !=
                               entry_year(&p->doc->events[p->order[i - 1]]);
    if (years < 2 || years > YEAR_INDEX_MAX)
        return;
    fputs("<nav class=\"years\" aria-label=\"Years\">", p->out);
    for (size_t i = 0; i < p->count; i++) {
        int year = entry_year(&p->doc->events[p->order[i]]);
        if (i == 0 || year != entry_year(&p->doc->events[p->order[i - 1]]))
            fprintf(p->out, "%s<a href=\"#year-%d\">%d</a>", i == 0 ? "" : " ", year, year);
    }
    fputs("</nav>\n", p->out);
}

static const char legend[] =
    "<p class=\"legend\" aria-hidden=\"true\"><span class=\"key day\">a day</span> "
    "<span class=\"key days\">several days</span> <span class=\"key approx\">known only to "
    "the month or year</span> <span class=\"key planned\">planned</span> "
    "<span class=\"key cancelled\">cancelled</span></p>\n";

static void put_timeline(const page *p)
{
    FILE *out = p->out;
    if (p->count == 0) {
        fputs("<p>No events to show.</p>\n", out);
        return;
    }
    fputs("<div class=\"controls\">\n", out);
    put_year_index(p);
    put_filters(p);
    fputs("</div>\n", out);
    fputs(legend, out);
    fputs("<ol class=\"timeline\" role=\"list\" aria-label=\"Events in time order\">\n", out);
    for (size_t i = 0; i < p->count; i++)
        put_entry(p, i);
    fputs("</ol>\n", out);
}

/* ---- the page --------------------------------------------------------- */

/* Fixed text only: no document text ever goes into <style> or <script>.
 * Colours meet WCAG AA in light and dark; print is black on white and
 * keeps the marks (print-color-adjust). Below 40rem the date moves above
 * the title and every text is at least 16 px. The entries are blocks, not
 * list items (the list keeps role="list"): numbering 10,000 items took
 * Chromium 3.4 s where blocks take 2.1 s. */
static const char style[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1a1a1a;--muted:#555;--accent:#1f5aa6;"
    "--tint:#dbe5f2;--rule:#8a96a3;--link:#1d4f91;--chip:#eef1f5;--target:#fff3c4;"
    "--rail:10rem;--rail-x:calc(var(--rail) + 1.625rem - 1px)}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e6e6e6;--muted:#b4b4b4;"
    "--accent:#8cb4ff;--tint:#2a3a50;--rule:#6b7480;--link:#9cc1ff;--chip:#2a2f36;"
    "--target:#3d3520}}\n"
    "[hidden],.print-only{display:none!important}*{box-sizing:border-box}html{background:var(--bg)}"
    "body{margin:0 auto;max-width:60rem;padding:1rem 1.25rem 3rem;color:var(--fg);"
    "background:var(--bg);font:1rem/1.5 system-ui,sans-serif;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "a{color:var(--link)}:focus-visible{outline:3px solid var(--accent);outline-offset:2px}"
    "h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0 .4rem}"
    "h2{font-size:1.25rem;margin:1.5rem 0 .5rem}"
    "h3{font-size:1.1rem;line-height:1.35;margin:0}p{margin:.15rem 0}\n"
    ".note,.meta,.legend,.label,.badge,.times,.place,.gap{color:var(--muted)}"
    ".lede{margin:0}.js .lede.clamped{display:-webkit-box;-webkit-box-orient:vertical;"
    "-webkit-line-clamp:1;overflow:hidden}\n"
    "button,summary{font:inherit;color:var(--link);cursor:pointer}button{background:var(--bg);"
    "border:1px solid var(--rule);border-radius:.3rem}"
    ".more{border:0;background:none;padding:0;text-decoration:underline}"
    ".meta{margin:.3rem 0 .8rem}\n"
    ".controls{display:flex;flex-wrap:wrap;gap:.3rem 1.5rem;align-items:baseline;"
    "margin:.4rem 0}.years a{margin-right:.6rem}.years [aria-current]{font-weight:700;"
    "text-decoration:none;color:var(--fg)}\n"
    ".filters fieldset{border:1px solid var(--rule);border-radius:.3rem;margin:.4rem 0}"
    ".filters label{display:inline-block;margin-right:1rem;overflow-wrap:anywhere}"
    ".filters label:focus-within{outline:3px solid var(--accent);outline-offset:1px}\n"
    ".legend{font-size:.9rem;margin:.4rem 0 .8rem}.key{display:inline-block;margin-right:1rem}"
    ".key::before{content:\"\";display:inline-block;width:.8rem;height:.8rem;"
    "margin-right:.35rem;vertical-align:-.05rem;border:2px solid var(--accent);"
    "border-radius:50%;background:var(--accent)}\n"
    ".key.days::before{height:1.1rem;border-radius:.35rem;vertical-align:-.2rem}"
    ".key.approx::before{height:1.1rem;border-radius:.35rem;vertical-align:-.2rem;"
    "border-style:dotted;background:var(--tint)}\n"
    ".key.planned::before{border-style:dashed;background:var(--bg)}"
    ".key.cancelled::before{content:\"\\00d7\";width:auto;height:auto;border:0;"
    "background:none;color:var(--muted);font-weight:700}\n"
    ".timeline{list-style:none;margin:0;padding:0}.timeline>li{display:block}"
    ".long .event{content-visibility:auto;contain-intrinsic-size:auto 6rem}\n"
    ".event{position:relative;padding-top:.3rem}.event::before{content:\"\";position:absolute;"
    "top:0;bottom:0;left:var(--rail-x);border-left:2px solid var(--rule)}"
    ".event:first-child::before{top:3.1rem}\n"
    ".event[data-gap=g0]{padding-top:.1rem}.event[data-gap=g2]{padding-top:.8rem}"
    ".event[data-gap=g3]{padding-top:1.3rem}.event[data-gap=g4]{padding-top:1.8rem}\n"
    ".gap{position:relative;margin:0 0 .6rem;padding:.6rem 0 .6rem calc(var(--rail) + 3.25rem);"
    "font-style:italic}.gap::before{content:\"\";position:absolute;top:0;bottom:0;"
    "left:calc(var(--rail-x) - 2px);width:6px;background:var(--bg) "
    "repeating-linear-gradient(to bottom,var(--rule) 0 5px,var(--bg) 5px 10px) "
    "center/2px 100% no-repeat}\n"
    ".year{position:relative;margin:.4rem 0 .4rem;font-size:1.25rem;line-height:1.4}"
    ".row{position:relative;display:grid;grid-template-columns:var(--rail) 1.75rem "
    "minmax(0,1fr);grid-template-areas:\"when mark body\";column-gap:.75rem;"
    "padding-bottom:.5rem}\n"
    ".when{grid-area:when;text-align:right;font-weight:600;margin:0}.vague{font-weight:400;"
    "font-style:italic}.times{display:block;font-weight:400}.body{grid-area:body;"
    "min-width:0;overflow-wrap:anywhere}\n"
    ".mark{grid-area:mark;justify-self:center;position:relative;width:1rem;height:1rem;"
    "margin-top:.25rem;border:2px solid var(--accent);border-radius:50%;"
    "background:var(--accent)}\n"
    ".days .mark{height:2.2rem;border-radius:.5rem}.approx .mark{width:1.1rem;height:3.2rem;"
    "border-radius:.55rem;border-style:dotted;background:var(--tint)}\n"
    ".planned .mark{border-style:dashed;background:var(--bg)}.cancelled .mark{"
    "border-color:var(--muted);background:var(--bg)}.cancelled .mark::after{"
    "content:\"\\00d7\";position:absolute;inset:0;display:flex;align-items:center;"
    "justify-content:center;color:var(--muted);font-weight:700;line-height:1}\n"
    ".cancelled .title{text-decoration:line-through}"
    ".badge{display:inline-block;margin-left:.3rem;padding:0 .4rem;border:1px solid "
    "currentColor;border-radius:.3rem;font-size:.85rem;font-weight:600;letter-spacing:.02em;"
    "vertical-align:.1rem}\n"
    ".tags{margin-top:.2rem}.tag{display:inline-block;margin:0 .2rem .2rem 0;padding:0 .45rem;"
    "border-radius:.6rem;background:var(--chip);font-size:.9rem}.js .tag{cursor:pointer}\n"
    ".details{margin-top:.2rem}.details>summary{width:fit-content}.details p{margin:.25rem 0}"
    ".details[open]>summary{margin-bottom:.3rem}.event:target .body{"
    "background:var(--target)}.filtered .gap{display:none}\n"
    ".subscribe{margin-top:2.5rem;border-top:1px solid var(--rule)}.feeds{list-style:none;"
    "margin:0;padding:0}.feeds li{padding:.5rem 0;border-bottom:1px solid var(--chip)}"
    ".feed{font-weight:600}\n"
    ".actions{display:block}.button{display:inline-block;margin:.2rem .5rem .2rem 0;"
    "padding:.1rem .7rem;border:1px solid;border-radius:.3rem;text-decoration:none}"
    ".url{overflow-wrap:anywhere}\n"
    "@media (max-width:40rem){:root{--rail:0rem;--rail-x:calc(.875rem - 1px)}body{padding:.75rem .9rem 2rem}"
    "h1{font-size:1.45rem}.row{grid-template-columns:1.75rem minmax(0,1fr);"
    "grid-template-areas:\"mark when\" \"mark body\";column-gap:.6rem}"
    ".when{text-align:left}\n"
    ".year,.gap{padding-left:2.35rem}.legend,.badge,.tag,.note{font-size:1rem}"
    ".times{display:inline}}\n"
    "@page{margin:1.5cm}@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--accent:#000;"
    "--tint:#e3e3e3;--rule:#777;--link:#000;--rail:6.5rem}body{max-width:none;padding:0;"
    "font-size:9.5pt}\n"
    ".controls,.button,.more,.jump,.subscribe h2,.subscribe>.note,.feed,.feeds .note{"
    "display:none!important}.details>summary{display:none}.details::details-content{"
    "display:block;content-visibility:visible}.js .lede.clamped{display:block}.event{break-inside:avoid;"
    "content-visibility:visible!important}.event:target .body{background:none}\n"
    ".tag{border:1px solid #999;background:none}a.source::after{content:\" <\" attr(href) "
    "\">\"}.subscribe{margin-top:1rem;padding-top:.3rem;break-inside:avoid;break-before:avoid}"
    ".subscribe .print-only{display:inline!important}\n"
    ".feeds,.feeds li,.actions{display:inline;border:0;padding:0}"
    ".feeds li+li::before{content:\" \\00b7 \"}}\n";

/* Addresses completed from where the page is; the description folded to
 * a line; the tag filters: a checked tag shows the events that have it,
 * several those with any, none every event; a tag in an entry toggles its
 * box. While a filter is on, the gaps (which count hidden entries) are
 * not shown and each year heading stands before the first entry shown. */
static const char script[] =
    "(function(){var d=document,i;d.documentElement.className=\"js\";\n"
    "var web=/^https?:$/.test(location.protocol);\n"
    "function seams(el,text){el.textContent=\"\";var parts=text.split(/(?<=[\\/.?&=-])"
    "(?![\\/.?&=-])/);for(var k=0;k<parts.length;k++){if(k)el.appendChild("
    "d.createElement(\"wbr\"));el.appendChild(d.createTextNode(parts[k]));}}\n"
    "if(web){var subs=d.querySelectorAll(\"[data-webcal]\");for(i=0;i<subs.length;i++){"
    "var u=new URL(subs[i].getAttribute(\"data-webcal\"),location.href);"
    "subs[i].href=\"webcal://\"+u.host+u.pathname;subs[i].hidden=false;}\n"
    "var urls=d.querySelectorAll(\"a.url[data-file]\");for(i=0;i<urls.length;i++){"
    "var h=new URL(urls[i].getAttribute(\"data-file\"),location.href).href;urls[i].href=h;"
    "seams(urls[i],h);}\n"
    "var notes=d.querySelectorAll(\".from-file\");for(i=0;i<notes.length;i++)"
    "notes[i].textContent=\"Subscribe once in a calendar app and it stays current, or "
    "download a feed to import it.\";}\n"
    "var lede=d.getElementById(\"lede\"),more=d.getElementById(\"lede-more\");\n"
    "if(lede&&more){lede.classList.add(\"clamped\");if(lede.scrollHeight>lede.clientHeight+2)"
    "{more.hidden=false;more.onclick=function(){var shut=lede.classList.toggle(\"clamped\");"
    "more.textContent=shut?\"More\":\"Less\";more.setAttribute(\"aria-expanded\","
    "shut?\"false\":\"true\");};}else lede.classList.remove(\"clamped\");}\n"
    "var shut=[];addEventListener(\"beforeprint\",function(){shut=[].slice.call("
    "d.querySelectorAll(\"details.details:not([open])\"));shut.forEach(function(x){x.open=true;});});\n"
    "addEventListener(\"afterprint\",function(){shut.forEach(function(x){x.open=false;});});\n"
    "var f=d.getElementById(\"filters\");if(!f)return;\n"
    "var boxes=f.getElementsByTagName(\"input\");\n"
    "var items=d.querySelectorAll(\".timeline>li[data-tags]\");\n"
    "function apply(){var on=[],k,year=null;\n"
    "for(i=0;i<boxes.length;i++)if(boxes[i].checked)on.push(boxes[i].value);\n"
    "d.documentElement.classList.toggle(\"filtered\",on.length>0);\n"
    "for(i=0;i<items.length;i++){var tags=items[i].getAttribute(\"data-tags\").split(\" \");\n"
    "var show=!on.length;for(k=0;k<on.length&&!show;k++)show=tags.indexOf(on[k])>=0;\n"
    "items[i].hidden=!show;var y=items[i].querySelector(\".year\");\n"
    "if(show){y.hidden=y.textContent===year;year=y.textContent;}}}\n"
    "function toggle(tag){for(var i=0;i<boxes.length;i++)if(boxes[i].value===tag)"
    "boxes[i].checked=!boxes[i].checked;f.open=true;apply();}\n"
    "f.addEventListener(\"change\",apply);\n"
    "d.getElementById(\"filter-clear\").onclick=function(){"
    "for(var i=0;i<boxes.length;i++)boxes[i].checked=false;apply();};\n"
    "var chips=d.querySelectorAll(\".timeline .tag\");for(i=0;i<chips.length;i++)"
    "chips[i].onclick=function(){toggle(this.getAttribute(\"data-tag\"));};\n"
    "f.hidden=false;})();\n";

static void put_header(const page *p)
{
    FILE *out = p->out;
    const almanac_calendar *c = &p->doc->calendar;
    put_text(out, "<header>\n<h1>", c->name, "</h1>\n");
    if (c->description != NULL) {
        fputs("<p class=\"lede\" id=\"lede\">", out);
        put_escaped(out, c->description, true);
        fputs("</p>\n<button type=\"button\" id=\"lede-more\" class=\"more\" hidden "
              "aria-expanded=\"false\" aria-controls=\"lede\">More</button>\n", out);
    }
    char counted[ALMANAC_LABEL_MAX];
    almanac_timeline_count_label(p->doc, p->count, counted, sizeof counted);
    put_text(out, "<p class=\"meta\"><span class=\"count\">", counted,
             "</span><span class=\"jump\"> · <a href=\"#subscribe\">Subscribe to the feeds</a></span></p>\n");
    if (p->note != NULL && p->note[0] != '\0')
        put_text(out, "<p class=\"note\">", p->note, "</p>\n");
    fputs("</header>\n", out);
}

/* Long pages let the browser skip laying out entries off screen. */
enum { LONG_PAGE = 300 };

static void put_page(const page *p)
{
    FILE *out = p->out;
    put_text(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"color-scheme\" content=\"light dark\">\n<title>",
             p->doc->calendar.name, "</title>\n<style>\n");
    put_text(out, style, "", "</style>\n</head>\n<body>\n");
    put_header(p);
    fprintf(out, "<main%s>\n", p->count > LONG_PAGE ? " class=\"long\"" : "");
    put_timeline(p);
    fputs("</main>\n", out);
    put_subscriptions(p);
    put_text(out, "<script>\n", "", script);
    fputs("</script>\n</body>\n</html>\n", out);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Which events are shown and the sorted tags, all before the first byte
 * is written. Returns -1 when out of memory. */
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
    if (p->year != 0) { /* a year's page: only its entries */
        size_t kept = 0;
        for (size_t i = 0; i < p->count; i++)
            if (entry_year(&doc->events[p->order[i]]) == p->year)
                p->order[kept++] = p->order[i];
        p->count = kept;
    }
    for (size_t i = 0; i < p->count; i++) {
        const almanac_event *e = &doc->events[p->order[i]];
        p->shown[p->order[i]] = true;
        for (size_t k = 0; k < e->tags.count; k++)
            p->tags[p->tag_count++] = e->tags.items[k];
    }
    qsort(p->tags, p->tag_count, sizeof *p->tags, compare_strings);
    return 0;
}

static int *years_of_pages(const almanac_document *doc, const size_t *sorted, size_t *count);

static int write_page(const almanac_document *doc, const almanac_timeline_options *o,
                      size_t *order, size_t count, FILE *out)
{
    page p = {.out = out, .doc = doc, .details = !o->no_details, .reverse = o->filter.reverse,
              .note = o->note, .year = o->year, .order = order, .count = count};
    int *years = NULL;
    if (o->year_pages) {
        years = years_of_pages(doc, o->sorted, &p.page_year_count);
        if (years == NULL && p.page_year_count != 0)
            return -1;
        p.page_years = years;
    }
    int result = prepare(&p);
    if (result == 0)
        put_page(&p);
    free(years);
    free(p.shown);
    free(p.tags);
    return result;
}

int almanac_render_html(const almanac_document *doc, const almanac_timeline_options *options,
                        FILE *out)
{
    return timeline_render(doc, options, out, write_page);
}

int *almanac_html_page_years(const almanac_document *doc, size_t *count)
{
    return years_of_pages(doc, NULL, count);
}

static int *years_of_pages(const almanac_document *doc, const size_t *sorted, size_t *count)
{
    size_t entries;
    size_t *order = almanac_timeline_select_sorted(doc, NULL, sorted, &entries);
    *count = order == NULL ? 1 : 0;
    if (order == NULL || entries <= ALMANAC_HTML_PAGE_MAX) {
        free(order);
        return NULL;
    }
    int *years = malloc(entries * sizeof *years);
    if (years == NULL) {
        free(order);
        *count = 1;
        return NULL;
    }
    for (size_t i = 0; i < entries; i++) { /* in timeline order: years ascend */
        int year = entry_year(&doc->events[order[i]]);
        if (*count == 0 || years[*count - 1] != year)
            years[(*count)++] = year;
    }
    free(order);
    return years;
}

void almanac_html_page_name(int year, char *buffer, size_t size)
{
    snprintf(buffer, size, "%04d.html", year);
}
