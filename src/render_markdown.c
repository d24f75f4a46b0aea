/*
 * render_markdown.c - the timeline as CommonMark (see render.h), to paste
 * into a report or a wiki:
 *
 *   ## 2022
 *
 *   - **15–16 Sep** · SCO Summit\
 *     Samarkand, Uzbekistan · `summit` `afghanistan`
 *
 * A heading per year, a list item per event, hard line breaks written as a
 * trailing backslash (trailing spaces get stripped by editors). Every text
 * from the document is escaped, so a title cannot turn into a link, a
 * heading, or raw HTML.
 */
#include "almanac/render.h"

#include <stdlib.h>
#include <string.h>

#include "timeline_render.h"

/* ---- escaping --------------------------------------------------------- */

/* Writes TEXT with every character that means something inline in
 * CommonMark backslash-escaped; newlines become hard breaks that continue
 * the list item (INDENT spaces), and a line that would open a block (a
 * list, a heading, a quote) has its first character escaped. */
static void put_escaped(FILE *out, const char *text, const char *indent)
{
    bool line_start = true;
    for (const char *p = text; *p; p++) {
        size_t run = line_start ? 0 : strcspn(p, "\\`*_[]<>#|~!&\n");
        if (run > 0) { /* plain text, in one write */
            fwrite(p, 1, run, out);
            p += run - 1;
            continue;
        }
        if (*p == '\n') {
            fprintf(out, "\\\n%s", indent);
            line_start = true;
            continue;
        }
        if (line_start && *p == ' ')
            continue; /* leading spaces would make a code block */
        if (line_start && *p >= '0' && *p <= '9') {
            /* "1." or "1)" opens an ordered list; a digit cannot be
             * escaped, the punctuation after it can */
            size_t digits = strspn(p, "0123456789");
            fwrite(p, 1, digits, out);
            p += digits;
            line_start = false;
            if (*p == '.' || *p == ')')
                fputc('\\', out);
            p--; /* the loop goes on with the character after the digits */
            continue;
        }
        if (strchr("\\`*_[]<>#|~!&", *p) != NULL ||
            (line_start && strchr("-+=", *p) != NULL))
            fputc('\\', out);
        fputc(*p, out);
        line_start = false;
    }
}

/* A link target: URLs are validated printable ASCII without spaces or
 * angle brackets, so <...> holds them safely; ')' and the like cannot end
 * it early inside angle brackets. */
static void put_link(FILE *out, const char *text, const char *url)
{
    fputc('[', out);
    put_escaped(out, text, "");
    fprintf(out, "](<%s>)", url);
}

/* ---- one event -------------------------------------------------------- */

/* continuation lines of a list item */
static const char indent[] = "  ";

static bool has_place_line(const almanac_event *e)
{
    return e->start.precision <= ALMANAC_PRECISION_MONTH || almanac_date_is_timed(&e->start) ||
           e->has_location || e->tags.count > 0;
}

static void put_place_and_tags(FILE *out, const almanac_document *doc, const almanac_event *e)
{
    const char *sep = "";
    char label[ALMANAC_LABEL_MAX];
    almanac_timeline_partial_label(e, label);
    if (label[0] != '\0') {
        fprintf(out, "*%s, exact date not known*", label);
        sep = " · ";
    }
    almanac_timeline_times(doc, e, label);
    if (label[0] != '\0') {
        fprintf(out, "%s%s", sep, label);
        sep = " · ";
    }
    if (e->has_location) {
        fputs(sep, out);
        put_escaped(out, e->location.name, indent);
        if (e->location.country != NULL) {
            fputs(", ", out);
            put_escaped(out, e->location.country, indent);
        }
        sep = " · ";
    }
    for (size_t i = 0; i < e->tags.count; i++)
        fprintf(out, "%s`%s`", i == 0 ? sep : " ", e->tags.items[i]); /* slugs: no escaping */
}

static void put_sources(FILE *out, const almanac_event *e)
{
    fputs("\\\n  Sources: ", out);
    for (size_t i = 0; i < e->source_count; i++) {
        const almanac_source *s = &e->sources[i];
        if (i > 0)
            fputs("; ", out);
        if (s->url != NULL)
            put_link(out, s->title, s->url);
        else
            put_escaped(out, s->title, indent);
        if (s->publisher != NULL || s->has_date) {
            fputs(" (", out);
            if (s->publisher != NULL)
                put_escaped(out, s->publisher, indent);
            if (s->has_date) {
                char date[ALMANAC_LABEL_MAX];
                almanac_timeline_date(&s->date, date);
                fprintf(out, "%s%s", s->publisher != NULL ? ", " : "", date);
            }
            fputc(')', out);
        }
    }
}

static void put_related(FILE *out, const almanac_document *doc, const almanac_event *e)
{
    fputs("\\\n  Related: ", out);
    for (size_t i = 0; i < e->related.count; i++) {
        if (i > 0)
            fputs("; ", out);
        const almanac_event *other = almanac_related_event(doc, e, i);
        if (other == NULL)
            continue; /* validation makes this impossible */
        char when[ALMANAC_LABEL_MAX];
        almanac_timeline_dates_with_year(other, when);
        put_escaped(out, other->title, indent);
        fprintf(out, " (%s)", when);
    }
}

static void put_details(FILE *out, const almanac_document *doc, const almanac_event *e)
{
    if (e->description != NULL) {
        fputs("\\\n  ", out);
        put_escaped(out, e->description, indent);
    }
    char more[1024];
    almanac_timeline_series_label(e, more, sizeof more);
    if (more[0] != '\0') {
        fputs("\\\n  Repeats: ", out);
        put_escaped(out, more, indent);
    }
    almanac_timeline_people_label(e, almanac_event_alarms(doc, e), more, sizeof more);
    if (more[0] != '\0') {
        fputs("\\\n  ", out);
        put_escaped(out, more, indent);
    }
    if (e->participants.count > 0) {
        fputs("\\\n  Participants: ", out);
        for (size_t i = 0; i < e->participants.count; i++) {
            if (i > 0)
                fputs(", ", out);
            put_escaped(out, e->participants.items[i], indent);
        }
    }
    if (e->url != NULL) {
        fputs("\\\n  ", out);
        put_link(out, "Link", e->url);
    }
    if (e->source_count > 0)
        put_sources(out, e);
    if (e->related.count > 0)
        put_related(out, doc, e);
}

static void put_event(FILE *out, const almanac_document *doc, const almanac_event *e,
                      bool details)
{
    char dates[ALMANAC_LABEL_MAX];
    almanac_timeline_dates(e, dates);
    fprintf(out, "- **%s** · ", dates);
    put_escaped(out, e->title, indent);
    fputs(almanac_timeline_status_mark(e->status), out);
    /* the place line says "exact date not known" for partial dates, so it
     * is written even without details */
    if (has_place_line(e)) {
        fputs("\\\n  ", out);
        put_place_and_tags(out, doc, e);
    }
    if (details)
        put_details(out, doc, e);
    fputc('\n', out);
}

/* ---- the page --------------------------------------------------------- */

static void put_subscriptions(FILE *out, const almanac_document *doc)
{
    fputs("Feeds: ", out);
    /* the full calendar first, then the declared feeds */
    for (size_t k = 0; k <= doc->feed_count; k++) {
        const almanac_feed *feed = k > 0 ? &doc->feeds[k - 1] : NULL;
        char file[ALMANAC_FILE_NAME_MAX], url[2300];
        almanac_feed_file_name(feed, file, sizeof file);
        const char *base = doc->calendar.url;
        if (base != NULL)
            snprintf(url, sizeof url, "%s%s%s", base,
                     base[0] != '\0' && base[strlen(base) - 1] == '/' ? "" : "/", file);
        else
            snprintf(url, sizeof url, "%s", file);
        if (k > 0)
            fputs(" · ", out);
        put_link(out, feed != NULL ? feed->name : "All events", url);
    }
    fputs("\n\n", out);
}

static int write_timeline(const almanac_document *doc, const almanac_timeline_options *o,
                          size_t *order, size_t count, FILE *out)
{
    fputs("# ", out);
    put_escaped(out, doc->calendar.name, "");
    fputs("\n\n", out);
    if (doc->calendar.description != NULL) {
        put_escaped(out, doc->calendar.description, "");
        fputs("\n\n", out);
    }
    char counted[ALMANAC_LABEL_MAX];
    almanac_timeline_count_label(doc, count, counted, sizeof counted);
    fprintf(out, "%s. ", counted);
    if (o->note != NULL && o->note[0] != '\0') {
        put_escaped(out, o->note, "");
        fputs(" ", out);
    }
    put_subscriptions(out, doc);
    int year = 0;
    for (size_t i = 0; i < count; i++) {
        const almanac_event *e = &doc->events[order[i]];
        if (e->start.year != year) {
            fprintf(out, "%s## %d\n\n", year != 0 ? "\n" : "", e->start.year);
            year = e->start.year;
        }
        put_event(out, doc, e, !o->no_details);
    }
    return 0;
}

int almanac_render_markdown(const almanac_document *doc,
                            const almanac_timeline_options *options, FILE *out)
{
    return timeline_render(doc, options, out, write_timeline);
}
