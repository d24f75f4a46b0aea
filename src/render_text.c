/*
 * render_text.c - the timeline as plain text (see render.h).
 *
 *   2022
 *     21 Jul          Treaty of Friendship, Good-Neighbourliness and
 *                     Cooperation ... signed
 *                     Cholpon-Ata, Kyrgyzstan · regional-cooperation
 *
 * Events are grouped by the year they start in, in timeline order
 * (almanac_document_sorted: a year before its months, a month before its
 * days, ties by id). Each date shows exactly its precision. Lines wrap at
 * word boundaries to the width, measured in terminal columns (CJK counts
 * two, combining marks none), with continuation lines under the title.
 */
#include "almanac/render.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum { DATE_COLUMN_MIN = 8, DATE_COLUMN_MAX = 26, INDENT = 2, GAP = 2 };

typedef struct {
    FILE *out;
    unsigned width;
    size_t date_column; /* width of the date column */
    locale_t utf8;      /* for wcwidth, without touching the global locale */
} timeline;

/* ---- measuring -------------------------------------------------------- */

static size_t display_width(const timeline *t, const char *text, size_t length)
{
    locale_t previous = t->utf8 != (locale_t)0 ? uselocale(t->utf8) : (locale_t)0;
    mbstate_t state;
    memset(&state, 0, sizeof state);
    size_t width = 0;
    size_t i = 0;
    while (i < length) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, text + i, length - i, &state);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            width++; /* undecodable: count the byte as one column */
            memset(&state, 0, sizeof state);
            i++;
            continue;
        }
        int w = wcwidth(wc);
        width += w > 0 ? (size_t)w : 0;
        i += n;
    }
    if (previous != (locale_t)0)
        uselocale(previous);
    return width;
}

static void pad(FILE *out, size_t columns)
{
    for (size_t i = 0; i < columns; i++)
        fputc(' ', out);
}

/* Writes TEXT starting at column START (the cursor is already there),
 * wrapping at spaces before WIDTH; continuation lines start at START. A
 * word longer than a line is written whole rather than cut. */
static void write_wrapped(const timeline *t, const char *text, size_t start)
{
    size_t room = t->width > start + 10 ? t->width - start : 10;
    size_t column = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t word = strcspn(p, " ");
        if (word == 0)
            break;
        size_t w = display_width(t, p, word);
        if (column > 0 && column + 1 + w > room) {
            fputc('\n', t->out);
            pad(t->out, start);
            column = 0;
        } else if (column > 0) {
            fputc(' ', t->out);
            column++;
        }
        fwrite(p, 1, word, t->out);
        column += w;
        p += word;
    }
    fputc('\n', t->out);
}

/* ---- dates ------------------------------------------------------------ */

/* "21 Jul", "Jul", "2023": DATE in the form its precision allows; the year
 * only when WITH_YEAR. */
static void format_one(const almanac_date *d, bool with_year, char *buf, size_t size)
{
    switch (d->precision) {
    case ALMANAC_PRECISION_YEAR:
        snprintf(buf, size, "%d", d->year);
        break;
    case ALMANAC_PRECISION_MONTH:
        if (with_year)
            snprintf(buf, size, "%s %d", almanac_month_abbrev(d->month), d->year);
        else
            snprintf(buf, size, "%s", almanac_month_abbrev(d->month));
        break;
    default:
        if (with_year)
            snprintf(buf, size, "%d %s %d", d->day, almanac_month_abbrev(d->month), d->year);
        else
            snprintf(buf, size, "%d %s", d->day, almanac_month_abbrev(d->month));
        break;
    }
}

/* The date column: "15–16 Sep", "30 Sep – 2 Oct", "28 Dec 2022 – 3 Jan 2023",
 * "Apr–Jun", "2022–2023". Times show their day here; the clock time goes
 * on the details line. */
static void format_dates(const almanac_event *e, char *buf, size_t size)
{
    const almanac_date *s = &e->start;
    almanac_day first = almanac_date_first_day(s);
    almanac_day last = almanac_date_last_day(e->has_end ? &e->end : s);
    if (almanac_day_compare(first, last) == 0 || s->precision == ALMANAC_PRECISION_YEAR) {
        if (s->precision == ALMANAC_PRECISION_YEAR && last.year != first.year)
            snprintf(buf, size, "%d–%d", first.year, last.year);
        else
            format_one(s, false, buf, size);
        return;
    }
    const almanac_date *end = &e->end;
    char a[32], b[32];
    if (first.year != last.year) {
        format_one(s, true, a, sizeof a);
        format_one(end, true, b, sizeof b);
        snprintf(buf, size, "%s – %s", a, b);
    } else if (s->precision == ALMANAC_PRECISION_MONTH) {
        if (first.month == last.month)
            format_one(s, false, buf, size);
        else
            snprintf(buf, size, "%s–%s", almanac_month_abbrev(first.month),
                     almanac_month_abbrev(last.month));
    } else if (first.month == last.month) {
        snprintf(buf, size, "%d–%d %s", first.day, last.day, almanac_month_abbrev(first.month));
    } else {
        format_one(s, false, a, sizeof a);
        format_one(end, false, b, sizeof b);
        snprintf(buf, size, "%s – %s", a, b);
    }
}

static void format_clock(const almanac_date *d, char *buf, size_t size)
{
    if (d->has_seconds)
        snprintf(buf, size, "%02d:%02d:%02d", d->hour, d->minute, d->second);
    else
        snprintf(buf, size, "%02d:%02d", d->hour, d->minute);
}

/* "10:00–12:30 Asia/Tashkent", "09:00 UTC"; empty for untimed events. */
static void format_times(const almanac_document *doc, const almanac_event *e,
                         char *buf, size_t size)
{
    buf[0] = '\0';
    if (!almanac_date_is_timed(&e->start))
        return;
    char a[16], b[16] = "";
    format_clock(&e->start, a, sizeof a);
    if (e->has_end)
        format_clock(&e->end, b, sizeof b);
    const char *zone = e->start.precision == ALMANAC_PRECISION_UTC_TIME
                           ? "UTC" : almanac_event_timezone(doc, e);
    snprintf(buf, size, "%s%s%s %s", a, b[0] ? "–" : "", b, zone != NULL ? zone : "");
}

/* ---- entries ---------------------------------------------------------- */

static void write_details(const timeline *t, const almanac_document *doc,
                          const almanac_event *e)
{
    char *line = NULL;
    size_t size = 0;
    FILE *s = open_memstream(&line, &size);
    if (s == NULL)
        return;
    const char *sep = "";
    char times[96];
    format_times(doc, e, times, sizeof times);
    if (times[0] != '\0') {
        fputs(times, s);
        sep = " · ";
    }
    if (e->has_location) {
        fprintf(s, "%s%s", sep, e->location.name);
        if (e->location.country != NULL)
            fprintf(s, ", %s", e->location.country);
        sep = " · ";
    }
    for (size_t i = 0; i < e->tags.count; i++) {
        fprintf(s, "%s%s", i == 0 ? sep : ", ", e->tags.items[i]);
    }
    if (fclose(s) == 0 && line[0] != '\0') {
        pad(t->out, INDENT + t->date_column);
        write_wrapped(t, line, INDENT + t->date_column);
    }
    free(line);
}

static void write_entry(const timeline *t, const almanac_document *doc,
                        const almanac_event *e)
{
    char dates[80];
    format_dates(e, dates, sizeof dates);
    pad(t->out, INDENT);
    fputs(dates, t->out);
    size_t used = display_width(t, dates, strlen(dates));
    pad(t->out, used < t->date_column ? t->date_column - used : 1);
    size_t start = INDENT + (used < t->date_column ? t->date_column : used + 1);
    const char *mark = e->status == ALMANAC_STATUS_TENTATIVE ? " (planned)"
                     : e->status == ALMANAC_STATUS_CANCELLED ? " (cancelled)" : "";
    size_t length = strlen(e->title) + strlen(mark) + 1;
    char *title = malloc(length);
    if (title != NULL) {
        snprintf(title, length, "%s%s", e->title, mark);
        write_wrapped(t, title, start);
        free(title);
    }
    write_details(t, doc, e);
}

/* The date column fits the longest date label, within limits. */
static size_t date_column_width(const timeline *t, const almanac_document *doc)
{
    size_t widest = DATE_COLUMN_MIN;
    for (size_t i = 0; i < doc->event_count; i++) {
        char dates[80];
        format_dates(&doc->events[i], dates, sizeof dates);
        size_t w = display_width(t, dates, strlen(dates));
        if (w > widest)
            widest = w;
    }
    return (widest > DATE_COLUMN_MAX ? DATE_COLUMN_MAX : widest) + GAP;
}

int almanac_render_text(const almanac_document *doc, const almanac_text_options *options,
                        FILE *out)
{
    timeline t = {.out = out, .width = options != NULL && options->width ? options->width : 80};
    t.utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    t.date_column = date_column_width(&t, doc);
    size_t *order = almanac_document_sorted(doc);
    int result = order != NULL || doc->event_count == 0 ? 0 : -1;
    if (result == 0) {
        fputs(doc->calendar.name, out);
        fprintf(out, "\n%zu event%s\n", doc->event_count, doc->event_count == 1 ? "" : "s");
    }
    int year = 0;
    for (size_t i = 0; result == 0 && i < doc->event_count; i++) {
        const almanac_event *e = &doc->events[order[i]];
        if (e->start.year != year) {
            year = e->start.year;
            fprintf(out, "\n%d\n", year);
        }
        write_entry(&t, doc, e);
    }
    free(order);
    if (t.utf8 != (locale_t)0)
        freelocale(t.utf8);
    if (ferror(out))
        result = -1;
    return result;
}
