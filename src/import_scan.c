/*
 * import_scan.c - lines and BEGIN/END balance of raw iCalendar text (see
 * import_scan.h).
 *
 * A content line may be folded (RFC 5545 3.1): a line break followed by a
 * space or tab continues it. Some writers fold right after the name
 * ("DESCRIPTION" CRLF " :text"), so names are read unfolded too.
 */
#include "import_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* End of the physical line starting at POS: the offset of its '\n' (or
 * LENGTH); *NEXT gets the start of the following line. */
static size_t line_end(const char *text, size_t length, size_t pos, size_t *next)
{
    const char *nl = memchr(text + pos, '\n', length - pos);
    size_t end = nl != NULL ? (size_t)(nl - text) : length;
    *next = nl != NULL ? end + 1 : length;
    return end;
}

static bool is_continuation(const char *text, size_t length, size_t pos)
{
    return pos < length && (text[pos] == ' ' || text[pos] == '\t');
}

/* Copies the unfolded content line from START to END into BUFFER (at most
 * SIZE - 1 bytes, CRs and fold breaks removed). */
static void unfold(const char *text, size_t start, size_t end, char *buffer, size_t size)
{
    size_t n = 0;
    for (size_t i = start; i < end && n + 1 < size; i++) {
        if (text[i] == '\r')
            continue;
        if (text[i] == '\n') {
            i++; /* the space or tab that continues the line */
            continue;
        }
        buffer[n++] = text[i];
    }
    buffer[n] = '\0';
}

/* The upper-case name at the start of an unfolded line: up to ';' or ':'. */
static void line_name(const char *unfolded, char name[ICS_NAME_MAX])
{
    size_t n = 0;
    for (const char *p = unfolded; *p && *p != ';' && *p != ':' && n + 1 < ICS_NAME_MAX; p++)
        name[n++] = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
    name[n] = '\0';
}

static const char *value_of(const char *unfolded)
{
    bool quoted = false;
    for (const char *p = unfolded; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ':' && !quoted)
            return p + 1;
    }
    return NULL;
}

void ics_scan_value(const char *text, size_t length, size_t offset, char *buffer, size_t size)
{
    char line[1024];
    size_t next, end = line_end(text, length, offset, &next);
    while (is_continuation(text, length, next))
        end = line_end(text, length, next, &next);
    unfold(text, offset, end, line, sizeof line);
    const char *value = value_of(line);
    snprintf(buffer, size, "%s", value != NULL ? value : "");
}

size_t ics_scan_value_count(const char *text, size_t length, size_t offset)
{
    size_t next, end = line_end(text, length, offset, &next);
    while (is_continuation(text, length, next))
        end = line_end(text, length, next, &next);
    bool quoted = false, in_value = false;
    size_t values = 1;
    for (size_t i = offset; i < end; i++) {
        char c = text[i];
        if (c == '\n') {
            i++; /* the blank that continues the line */
        } else if (!in_value) {
            quoted = c == '"' ? !quoted : quoted;
            in_value = c == ':' && !quoted;
        } else if (c == '\\') {
            i++; /* an escaped character, a comma too */
        } else {
            values += c == ',';
        }
    }
    return values;
}

typedef struct {
    size_t begin, end; /* a byte range left out of the repaired text */
} cut;

typedef struct {
    ics_scan *scan;
    size_t *stack;
    size_t depth;
    cut *cuts;
    size_t cut_count, cut_capacity;
    size_t skipping;    /* levels open inside a component nested too deep */
    size_t skip_begin;  /* where that component begins */
    bool out_of_memory;
} scanner;

static void *grow(void *items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return items;
    size_t bigger = *capacity ? *capacity * 2 : 64;
    void *p = realloc(items, bigger * size);
    if (p != NULL)
        *capacity = bigger;
    return p;
}

static void add_cut(scanner *s, size_t begin, size_t end)
{
    cut *cuts = grow(s->cuts, &s->cut_capacity, s->cut_count, sizeof *cuts);
    if (cuts == NULL) {
        s->out_of_memory = true;
        return;
    }
    s->cuts = cuts;
    s->cuts[s->cut_count++] = (cut){begin, end};
}

/* Drops every component from stack level LEVEL up, up to offset END. */
static void drop_open(scanner *s, size_t level, size_t end, const char *why,
                      almanac_diagnostics *diags)
{
    for (size_t k = level; k < s->depth; k++) {
        ics_component *c = &s->scan->components[s->stack[k]];
        c->dropped = true;
        c->end = end;
        if (k == level)
            add_cut(s, c->begin, end);
        almanac_diagnostics_report(diags, c->begin, c->name, ALMANAC_W312, c->name,
                                   why);
    }
    s->depth = level;
}

static int cut_by_begin(const void *a, const void *b)
{
    const cut *x = a, *y = b;
    return (x->begin > y->begin) - (x->begin < y->begin);
}

static int repair(ics_scan *scan, scanner *s, const char *text, size_t length)
{
    size_t extra = 0;
    for (size_t k = 0; k < s->depth; k++)
        extra += strlen(scan->components[s->stack[k]].name) + 6;
    scan->repaired = malloc(length + extra + 1);
    if (scan->repaired == NULL)
        return -1;
    /* Cuts are made as the scan finds them: an END that matches nothing
     * (cut at once) may lie inside a component found broken later. */
    if (s->cut_count > 1)
        qsort(s->cuts, s->cut_count, sizeof *s->cuts, cut_by_begin);
    size_t n = 0, pos = 0;
    for (size_t i = 0; i < s->cut_count; i++) {
        if (s->cuts[i].end <= pos)
            continue; /* inside a range already cut */
        if (s->cuts[i].begin > pos) {
            memcpy(scan->repaired + n, text + pos, s->cuts[i].begin - pos);
            n += s->cuts[i].begin - pos;
        }
        pos = s->cuts[i].end;
    }
    memcpy(scan->repaired + n, text + pos, length - pos);
    n += length - pos;
    if (n > 0 && scan->repaired[n - 1] != '\n')
        scan->repaired[n++] = '\n';
    for (size_t k = s->depth; k-- > 0;)
        n += (size_t)sprintf(scan->repaired + n, "END:%s\n", scan->components[s->stack[k]].name);
    scan->repaired[n] = '\0';
    scan->repaired_length = n;
    return 0;
}

static void begin_component(scanner *s, const char *name, size_t offset, unsigned line,
                            size_t *component_capacity, size_t *stack_capacity)
{
    ics_scan *scan = s->scan;
    ics_component *components = grow(scan->components, component_capacity,
                                     scan->component_count, sizeof *components);
    size_t *stack = grow(s->stack, stack_capacity, s->depth, sizeof *stack);
    if (components != NULL)
        scan->components = components;
    if (stack != NULL)
        s->stack = stack;
    if (components == NULL || stack == NULL) {
        s->out_of_memory = true;
        return;
    }
    ics_component *c = &scan->components[scan->component_count];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->begin = offset;
    c->end = SIZE_MAX;
    c->line = line;
    c->parent = s->depth > 0 ? s->stack[s->depth - 1] : SIZE_MAX;
    c->first_child = SIZE_MAX;
    c->next_sibling = SIZE_MAX;
    s->stack[s->depth++] = scan->component_count++;
}

static void end_component(scanner *s, const char *name, size_t offset, size_t next,
                          unsigned line, almanac_diagnostics *diags)
{
    size_t level = s->depth;
    while (level > 0 && strcmp(s->scan->components[s->stack[level - 1]].name, name) != 0)
        level--;
    if (level == 0) {
        /* Inside an event, say which END was probably meant. */
        const ics_component *open = s->depth > 1 ? &s->scan->components[s->stack[s->depth - 1]]
                                                 : NULL;
        char meant[80] = "";
        if (open != NULL)
            snprintf(meant, sizeof meant, " (BEGIN:%s at line %u is open here)", open->name,
                     open->line);
        almanac_diagnostics_report(diags, offset, name, ALMANAC_W313, name,
                                   name, meant);
        add_cut(s, offset, next);
        return;
    }
    if (level < s->depth) {
        char why[80];
        snprintf(why, sizeof why, "END:%s comes first, at line %u", name, line);
        drop_open(s, level, offset, why, diags);
    }
    s->scan->components[s->stack[level - 1]].end = next;
    s->depth = level - 1;
}

/* Links each component to the next one of its parent, backwards so that
 * each list comes out in document order. */
static void link_children(ics_scan *scan)
{
    scan->first_top = SIZE_MAX;
    for (size_t i = scan->component_count; i-- > 0;) {
        ics_component *c = &scan->components[i];
        if (c->dropped)
            continue;
        size_t *first = c->parent == SIZE_MAX ? &scan->first_top
                                              : &scan->components[c->parent].first_child;
        c->next_sibling = *first;
        *first = i;
    }
}

/* Inside a component nested deeper than ICS_MAX_DEPTH: only BEGIN and END
 * count, until its END, and all of it is cut. Returns false when the line
 * is not skipped. */
static bool skip_too_deep(scanner *s, const char *name, size_t start, size_t next,
                          unsigned line, const char *component, almanac_diagnostics *diags)
{
    bool begin = strcmp(name, "BEGIN") == 0, end = strcmp(name, "END") == 0;
    if (s->skipping == 0 && !(begin && s->depth >= ICS_MAX_DEPTH))
        return false;
    if (s->skipping == 0) {
        s->skip_begin = start;
        almanac_diagnostics_report(diags, start, component, ALMANAC_W314, component, line,
                                   ICS_MAX_DEPTH);
    }
    if (begin)
        s->skipping++;
    else if (end && --s->skipping == 0)
        add_cut(s, s->skip_begin, next);
    return true;
}

int ics_scan_run(ics_scan *scan, const char *text, size_t length, almanac_diagnostics *diags)
{
    memset(scan, 0, sizeof *scan);
    scanner s = {.scan = scan};
    size_t line_capacity = 0, component_capacity = 0, stack_capacity = 0;
    unsigned line = 1;
    /* a UTF-8 byte order mark is not part of the first name */
    size_t pos = length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (pos < length && !s.out_of_memory) {
        size_t start = pos, next;
        unsigned start_line = line;
        size_t end = line_end(text, length, pos, &next);
        line++;
        while (is_continuation(text, length, next)) {
            end = line_end(text, length, next, &next);
            line++;
        }
        pos = next;
        char unfolded[256], name[ICS_NAME_MAX];
        unfold(text, start, end, unfolded, sizeof unfolded);
        line_name(unfolded, name);
        if (name[0] == '\0' || name[0] == '\r')
            continue; /* a blank line */
        bool marker = strcmp(name, "BEGIN") == 0 || strcmp(name, "END") == 0;
        char component[ICS_NAME_MAX] = "";
        if (marker) {
            const char *value = value_of(unfolded);
            line_name(value != NULL ? value : "", component);
            size_t n = strlen(component);
            while (n > 0 && (component[n - 1] == '\r' || component[n - 1] == ' '))
                component[--n] = '\0';
        }
        if (skip_too_deep(&s, name, start, next, start_line, component, diags))
            continue;
        if (marker) {
            /* No component nests in one of its own kind: a BEGIN:VEVENT
             * inside an open VEVENT means that one was never closed. */
            if (name[0] == 'B' && s.depth > 0 &&
                strcmp(scan->components[s.stack[s.depth - 1]].name, component) == 0) {
                char why[80];
                snprintf(why, sizeof why, "BEGIN:%s comes first, at line %u", component,
                         start_line);
                drop_open(&s, s.depth - 1, start, why, diags);
            }
            if (name[0] == 'B')
                begin_component(&s, component, start, start_line, &component_capacity,
                                &stack_capacity);
            else
                end_component(&s, component, start, next, start_line, diags);
            continue;
        }
        ics_line *lines = grow(scan->lines, &line_capacity, scan->line_count, sizeof *lines);
        if (lines == NULL) {
            s.out_of_memory = true;
            break;
        }
        scan->lines = lines;
        ics_line *l = &scan->lines[scan->line_count++];
        l->offset = start;
        l->line = start_line;
        l->component = s.depth > 0 ? s.stack[s.depth - 1] : SIZE_MAX;
        memcpy(l->name, name, sizeof l->name);
    }
    if (s.skipping > 0) /* the file ends inside a component nested too deep */
        add_cut(&s, s.skip_begin, length);
    /* At the end of the text: the outermost component is closed for it
     * (what is inside survives); anything open inside it is cut off. */
    if (s.depth > 1)
        drop_open(&s, 1, length, "the file ends first: is it truncated?", diags);
    if (s.depth == 1) {
        const ics_component *root = &scan->components[s.stack[0]];
        almanac_diagnostics_report(diags, root->begin, root->name, ALMANAC_W315, root->name);
    }
    for (size_t i = 0; i < scan->component_count; i++) {
        ics_component *c = &scan->components[i];
        if (c->parent != SIZE_MAX && scan->components[c->parent].dropped)
            c->dropped = true;
    }
    link_children(scan);
    int result = s.out_of_memory ? -1 : 0;
    if (result == 0 && (s.cut_count > 0 || s.depth > 0))
        result = repair(scan, &s, text, length);
    free(s.stack);
    free(s.cuts);
    return result;
}

void ics_scan_free(ics_scan *scan)
{
    free(scan->lines);
    free(scan->components);
    free(scan->repaired);
    memset(scan, 0, sizeof *scan);
}

size_t ics_scan_first_child(const ics_scan *scan, size_t parent)
{
    if (parent == SIZE_MAX)
        return scan->first_top;
    return parent < scan->component_count ? scan->components[parent].first_child : SIZE_MAX;
}

const ics_line *ics_scan_property(const ics_scan *scan, size_t component, const char *name,
                                  size_t ordinal)
{
    if (component == SIZE_MAX)
        return NULL;
    /* Lines are in document order, and a component's lines come after its
     * BEGIN: start there. */
    size_t low = 0, high = scan->line_count;
    size_t begin = scan->components[component].begin;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (scan->lines[mid].offset < begin)
            low = mid + 1;
        else
            high = mid;
    }
    size_t end = scan->components[component].end;
    for (size_t i = low; i < scan->line_count && scan->lines[i].offset < end; i++) {
        const ics_line *l = &scan->lines[i];
        if (l->component == component && strcmp(l->name, name) == 0 && ordinal-- == 0)
            return l;
    }
    return NULL;
}
