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
 * The date column fits the widest date, up to a third of the width; a
 * date wider than that stands on its own line, the title under it.
 */
#include "almanac/render.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "textbuf.h"
#include "timeline_render.h"

enum { DATE_COLUMN_MIN = 8, DATE_COLUMN_MAX = 26, INDENT = 2, GAP = 2 };

typedef struct {
    FILE *out;
    unsigned width;
    size_t date_column; /* width of the date column */
    bool details;       /* the line with times, place and tags */
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
        if (text[i] >= 0x20 && text[i] < 0x7F) { /* printable ASCII: one column */
            width++;
            i++;
            continue;
        }
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

/* ---- wrapping --------------------------------------------------------- */

/* One character: its bytes, code point and columns. An undecodable byte
 * counts as one column (the loader lets no such byte through). */
typedef struct {
    size_t length;
    wchar_t wc;
    size_t width;
} glyph;

static glyph read_glyph(const char *text, size_t length)
{
    if (text[0] >= 0x20 && text[0] < 0x7F) /* printable ASCII: most of a text */
        return (glyph){1, (wchar_t)text[0], 1};
    mbstate_t state;
    memset(&state, 0, sizeof state);
    wchar_t wc = 0;
    size_t n = mbrtowc(&wc, text, length, &state);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
        return (glyph){1, 0xFFFD, 1};
    int w = wcwidth(wc);
    return (glyph){n, wc, w > 0 ? (size_t)w : 0};
}

/* East Asian ideographs, kana and hangul are written without spaces; a
 * line may break before or after any of them (UAX #14, class ID). */
static bool breaks_around(wchar_t wc)
{
    return (wc >= 0x1100 && wc <= 0x115F) || (wc >= 0x2E80 && wc <= 0xA4CF) ||
           (wc >= 0xAC00 && wc <= 0xD7A3) || (wc >= 0xF900 && wc <= 0xFAFF) ||
           (wc >= 0xFF00 && wc <= 0xFF60) || (wc >= 0x20000 && wc <= 0x3FFFD);
}

/* Punctuation that must not start a line (kinsoku): it stays with the
 * character before it. */
static bool closes(wchar_t wc)
{
    static const wchar_t closing[] = L"、。，．：；！？）」』】〕〉》］｝";
    return wc != 0 && wcschr(closing, wc) != NULL;
}

/* Length in bytes of the unbreakable unit at TEXT (which is not a space),
 * and its columns in *WIDTH: up to a space or a break opportunity. Marks
 * of zero width (combining, variation selectors, ZWJ) and the character
 * after a ZWJ stay in the unit, so no cluster is ever split. */
static size_t unit_length(const char *text, size_t length, size_t *width)
{
    size_t i = 0;
    *width = 0;
    wchar_t previous = 0;
    while (i < length && text[i] != ' ') {
        glyph g = read_glyph(text + i, length - i);
        bool glued = g.width == 0 || previous == 0x200D || closes(g.wc);
        if (i > 0 && !glued && (breaks_around(g.wc) || breaks_around(previous)))
            break;
        i += g.length;
        *width += g.width;
        previous = g.wc;
    }
    return i;
}

typedef struct {
    const timeline *t;
    size_t start;  /* the column continuation lines start at */
    size_t room;   /* columns from START to the width */
    size_t column; /* columns used on this line, from START */
} wrapper;

static void new_line(wrapper *w)
{
    fputc('\n', w->t->out);
    pad(w->t->out, w->start);
    w->column = 0;
}

/* A unit wider than a whole line (a long URL, a run of emoji) is cut
 * between characters, never inside one. */
static void write_cut(wrapper *w, const char *text, size_t length)
{
    size_t i = 0;
    while (i < length) {
        glyph g = read_glyph(text + i, length - i);
        if (g.width > 0 && w->column > 0 && w->column + g.width > w->room)
            new_line(w);
        fwrite(text + i, 1, g.length, w->t->out);
        w->column += g.width;
        i += g.length;
    }
}

/* Writes TEXT starting at column START (the cursor is already there),
 * wrapping before the width at spaces and between ideographs;
 * continuation lines start at START. */
/* TEXT with every control character (C0, DEL, C1) as U+FFFD, so that no
 * value can send an escape sequence to the terminal or break the layout.
 * The loader refuses them already; this holds for any document. Returns a
 * malloc'ed copy, or NULL when out of memory. */
static char *printable_copy(const char *text)
{
    size_t length = strlen(text);
    char *copy = malloc(3 * length + 1), *out = copy;
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        bool c1 = c == 0xC2 && i + 1 < length && (unsigned char)text[i + 1] <= 0x9F;
        if (c < 0x20 || c == 0x7F || c1) {
            memcpy(out, "\xEF\xBF\xBD", 3);
            out += 3;
            i += c1;
        } else {
            *out++ = (char)c;
        }
    }
    *out = '\0';
    return copy;
}

static void write_wrapped(const timeline *t, const char *raw, size_t start)
{
    char *text = printable_copy(raw);
    if (text == NULL)
        return;
    locale_t previous = t->utf8 != (locale_t)0 ? uselocale(t->utf8) : (locale_t)0;
    wrapper w = {.t = t, .start = start, .room = t->width > start + 10 ? t->width - start : 10};
    size_t length = strlen(text), i = 0;
    bool space = false;
    while (i < length) {
        if (text[i] == ' ') {
            space = true;
            i++;
            continue;
        }
        size_t width;
        size_t unit = unit_length(text + i, length - i, &width);
        size_t gap = space && w.column > 0 ? 1 : 0;
        if (w.column > 0 && w.column + gap + width > w.room) {
            new_line(&w);
            gap = 0;
        }
        pad(t->out, gap);
        w.column += gap;
        if (width > w.room)
            write_cut(&w, text + i, unit);
        else {
            fwrite(text + i, 1, unit, t->out);
            w.column += width;
        }
        i += unit;
        space = false;
    }
    fputc('\n', t->out);
    if (previous != (locale_t)0)
        uselocale(previous);
    free(text);
}

/* ---- entries ---------------------------------------------------------- */

static void write_details(const timeline *t, const almanac_document *doc,
                          const almanac_event *e)
{
    textbuf line = STRBUF_INIT;
    const char *sep = "";
    char times[ALMANAC_LABEL_MAX];
    almanac_timeline_times(doc, e, times);
    if (times[0] != '\0') {
        textbuf_puts(&line, times);
        sep = " · ";
    }
    if (e->has_location) {
        textbuf_puts(&line, sep);
        textbuf_puts(&line, e->location.name);
        if (e->location.country != NULL) {
            textbuf_puts(&line, ", ");
            textbuf_puts(&line, e->location.country);
        }
        sep = " · ";
    }
    for (size_t i = 0; i < e->tags.count; i++) {
        textbuf_puts(&line, i == 0 ? sep : ", ");
        textbuf_puts(&line, e->tags.items[i]);
    }
    const char *text = textbuf_text(&line);
    if (text != NULL && text[0] != '\0') {
        pad(t->out, INDENT + t->date_column);
        write_wrapped(t, text, INDENT + t->date_column);
    }
    textbuf_free(&line);
    /* a series' rule, then reminders and people, each a line of its own */
    char more[1024];
    almanac_timeline_series_label(e, more, sizeof more);
    if (more[0] != '\0') {
        pad(t->out, INDENT + t->date_column);
        write_wrapped(t, more, INDENT + t->date_column);
    }
    almanac_timeline_people_label(e, almanac_event_alarms(doc, e), more, sizeof more);
    if (more[0] != '\0') {
        pad(t->out, INDENT + t->date_column);
        write_wrapped(t, more, INDENT + t->date_column);
    }
}

static void write_entry(const timeline *t, const almanac_document *doc,
                        const almanac_event *e)
{
    char dates[ALMANAC_LABEL_MAX];
    almanac_timeline_dates(e, dates);
    pad(t->out, INDENT);
    size_t used = display_width(t, dates, strlen(dates));
    if (used + GAP <= t->date_column) {
        fputs(dates, t->out);
        pad(t->out, t->date_column - used);
    } else { /* too wide for the column: the title goes under it */
        write_wrapped(t, dates, INDENT);
        pad(t->out, INDENT + t->date_column);
    }
    size_t start = INDENT + t->date_column;
    const char *mark = almanac_timeline_status_mark(e->status);
    size_t length = strlen(e->title) + strlen(mark) + 1;
    char *title = malloc(length);
    if (title != NULL) {
        snprintf(title, length, "%s%s", e->title, mark);
        write_wrapped(t, title, start);
        free(title);
    }
    if (t->details)
        write_details(t, doc, e);
}

/* The date column fits the widest date label, within a third of the
 * width (and DATE_COLUMN_MAX) so that titles keep room to read. */
static size_t date_column_width(const timeline *t, const almanac_document *doc,
                                const size_t *order, size_t count)
{
    size_t limit = t->width / 3 - GAP;
    if (limit > DATE_COLUMN_MAX)
        limit = DATE_COLUMN_MAX;
    size_t widest = DATE_COLUMN_MIN;
    for (size_t i = 0; i < count; i++) {
        char dates[ALMANAC_LABEL_MAX];
        almanac_timeline_dates(&doc->events[order[i]], dates);
        size_t w = display_width(t, dates, strlen(dates));
        if (w > widest)
            widest = w;
    }
    return (widest > limit ? limit : widest) + GAP;
}

static int write_timeline(const almanac_document *doc, const almanac_timeline_options *o,
                          size_t *order, size_t count, FILE *out)
{
    timeline t = {.out = out, .width = o->width ? o->width : 80, .details = !o->no_details};
    t.utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    t.date_column = date_column_width(&t, doc, order, count);
    write_wrapped(&t, doc->calendar.name, 0);
    char counted[ALMANAC_LABEL_MAX];
    almanac_timeline_count_label(doc, count, counted, sizeof counted);
    fprintf(out, "%s\n", counted);
    if (o->note != NULL && o->note[0] != '\0')
        write_wrapped(&t, o->note, 0);
    int year = 0;
    for (size_t i = 0; i < count; i++) {
        const almanac_event *e = &doc->events[order[i]];
        if (e->start.year != year) {
            year = e->start.year;
            fprintf(out, "\n%d\n", year);
        }
        write_entry(&t, doc, e);
    }
    if (t.utf8 != (locale_t)0)
        freelocale(t.utf8);
    return 0;
}

int almanac_render_text(const almanac_document *doc, const almanac_timeline_options *options,
                        FILE *out)
{
    return timeline_render(doc, options, out, write_timeline);
}
