/*
 * import_ical.c - libical's answers, made safe for the importer (see
 * import_ical.h).
 */
#include "import_ical.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Progress is reported each time this many more bytes have been read. */
enum { PROGRESS_STEP = 1 << 20 };

/* The text libical's parser asks for piece by piece. */
typedef struct {
    const char *start, *pos, *end;
    const char *line_end; /* after the '\n' that ends the current line */
    const char *next_report;
    const ical_parse_progress *progress;
} text_source;

static void report_progress(text_source *source)
{
    size_t done = (size_t)(source->pos - source->start);
    size_t left = (size_t)(source->end - source->pos);
    source->next_report = source->pos + (left < PROGRESS_STEP ? left : PROGRESS_STEP);
    source->progress->call(source->progress->context, done,
                           (size_t)(source->end - source->start));
}

/* One piece for libical: up to SIZE - 1 bytes, never past a line's end. */
static char *next_piece(char *out, size_t size, void *data)
{
    text_source *source = data;
    if (source->pos >= source->end || size < 2)
        return NULL;
    if (source->line_end <= source->pos) {
        const char *nl = memchr(source->pos, '\n', (size_t)(source->end - source->pos));
        source->line_end = nl != NULL ? nl + 1 : source->end;
    }
    size_t n = (size_t)(source->line_end - source->pos);
    if (n > size - 1)
        n = size - 1;
    memcpy(out, source->pos, n);
    out[n] = '\0';
    source->pos += n;
    if (source->progress != NULL && source->pos >= source->next_report)
        report_progress(source);
    return out;
}

icalcomponent *ical_parse(const char *text, size_t length, const ical_parse_progress *progress)
{
    text_source source = {.start = text, .pos = text, .end = text + length, .line_end = text,
                          .next_report = text, .progress = progress};
    icalparser *parser = icalparser_new();
    if (parser == NULL)
        return NULL;
    icalparser_set_gen_data(parser, &source);
    /* as icalparser_parse_string(): a malformed line is an X-LIC-ERROR */
    icalerrorstate state = icalerror_get_error_state(ICAL_MALFORMEDDATA_ERROR);
    icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, ICAL_ERROR_NONFATAL);
    icalcomponent *root = icalparser_parse(parser, next_piece);
    icalerror_set_error_state(ICAL_MALFORMEDDATA_ERROR, state);
    icalparser_free(parser);
    return root;
}

const char *ical_property_name(icalproperty *p)
{
    /* Not icalproperty_get_property_name(): its ring-buffer string is freed
     * under a caller that holds it across 2,500 other calls. */
    icalproperty_kind kind = icalproperty_isa(p);
    const char *name = kind == ICAL_X_PROPERTY ? icalproperty_get_x_name(p)
                                               : icalproperty_kind_to_string(kind);
    return name != NULL ? name : "";
}

const char *ical_known_component_name(icalcomponent *c)
{
    icalcomponent_kind kind = icalcomponent_isa(c);
    if (kind == ICAL_X_COMPONENT || kind == ICAL_NO_COMPONENT ||
        kind == ICAL_XLICINVALID_COMPONENT)
        return NULL;
    const char *name = icalcomponent_kind_to_string(kind);
    return name != NULL && name[0] != '\0' ? name : NULL;
}

char *ical_value_text(almanac_arena *arena, icalproperty *p)
{
    char *value = icalproperty_get_value_as_string_r(p);
    char *copy = value != NULL ? arena_strndup(arena, value, strlen(value)) : NULL;
    free(value);
    return copy;
}

const char *ical_tzid(icalproperty *p)
{
    icalparameter *tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    const char *value = tzid != NULL ? icalparameter_get_tzid(tzid) : NULL;
    return value != NULL && value[0] != '\0' ? value : NULL;
}

const char *ical_x_value(icalcomponent *c, const char *name)
{
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
        if (strcasecmp(ical_property_name(p), name) == 0)
            return icalproperty_get_x(p);
    return NULL;
}

const char *ical_x_parameter(icalproperty *p, const char *name)
{
    for (icalparameter *a = icalproperty_get_first_parameter(p, ICAL_X_PARAMETER); a != NULL;
         a = icalproperty_get_next_parameter(p, ICAL_X_PARAMETER)) {
        const char *x_name = icalparameter_get_xname(a);
        if (x_name != NULL && strcasecmp(x_name, name) == 0)
            return icalparameter_get_xvalue(a);
    }
    return NULL;
}

void ical_children_init(ical_children *children, const ics_scan *scan, size_t first)
{
    memset(children, 0, sizeof *children);
    children->scan = scan;
    children->first = first;
}

void ical_children_free(ical_children *children)
{
    free(children->zones);
    children->zones = NULL;
}

/* The kind libical gives a component named NAME in the text. */
static icalcomponent_kind kind_named(const char *name)
{
    icalcomponent_kind kind = icalcomponent_string_to_kind(name);
    return kind == ICAL_X_COMPONENT || kind == ICAL_XLICINVALID_COMPONENT ? ICAL_NO_COMPONENT
                                                                          : kind;
}

/* The scan's VTIMEZONEs, for pairing backwards. */
static bool list_zones(ical_children *children)
{
    children->zones_listed = true;
    const ics_component *all = children->scan->components;
    size_t count = 0;
    for (size_t i = children->first; i != SIZE_MAX; i = all[i].next_sibling)
        count += kind_named(all[i].name) == ICAL_VTIMEZONE_COMPONENT;
    children->zones = malloc((count ? count : 1) * sizeof *children->zones);
    if (children->zones == NULL) {
        children->out_of_memory = true;
        return false;
    }
    for (size_t i = children->first; i != SIZE_MAX; i = all[i].next_sibling)
        if (kind_named(all[i].name) == ICAL_VTIMEZONE_COMPONENT)
            children->zones[children->zone_count++] = i;
    return true;
}

size_t ical_children_next(ical_children *children, icalcomponent *c)
{
    icalcomponent_kind kind = icalcomponent_isa(c);
    if (kind == ICAL_X_COMPONENT || kind == ICAL_XLICINVALID_COMPONENT)
        kind = ICAL_NO_COMPONENT; /* the kind does not tell the name */
    if (kind == ICAL_VTIMEZONE_COMPONENT) {
        if (!children->zones_listed && !list_zones(children))
            return SIZE_MAX;
        if (children->zones_taken == children->zone_count)
            return SIZE_MAX;
        return children->zones[children->zone_count - ++children->zones_taken];
    }
    size_t k = 0;
    while (k < children->cursor_count && children->cursors[k].kind != kind)
        k++;
    if (k == children->cursor_count) {
        if (k == ICAL_CHILD_KINDS)
            return SIZE_MAX;
        children->cursors[k].kind = kind;
        children->cursors[k].next = children->first;
        children->cursor_count++;
    }
    const ics_component *all = children->scan->components;
    size_t i = children->cursors[k].next;
    while (i != SIZE_MAX && kind_named(all[i].name) != kind)
        i = all[i].next_sibling;
    children->cursors[k].next = i != SIZE_MAX ? all[i].next_sibling : SIZE_MAX;
    return i;
}

/* NAME from the start of TEXT: up to ';', ':' or a space, in upper case, as
 * the scan names a line. */
static void upper_name(const char *text, size_t length, char name[ICS_NAME_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < length && text[i] != '\0' && !strchr(";: \r\n", text[i]) &&
                       n + 1 < ICS_NAME_MAX; i++)
        name[n++] = text[i] >= 'a' && text[i] <= 'z' ? (char)(text[i] - 'a' + 'A') : text[i];
    name[n] = '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The messages of libical 3.0's parser (icalparser.c insert_error()), each
 * "<what>: <the text it is about>". */
ical_error_kind ical_error_subject(const char *message, char name[ICS_NAME_MAX])
{
    name[0] = '\0';
    if (message == NULL)
        return ICAL_ERROR_OTHER;
    const char *colon = strstr(message, ": ");
    const char *text = colon != NULL ? colon + 2 : "";
    if (starts_with(message, "No value for "))
        return ICAL_ERROR_EMPTY;
    if (starts_with(message, "Got a data line, but could not find a property name")) {
        upper_name(text, strlen(text), name);
        return ICAL_ERROR_LINE;
    }
    if (starts_with(message, "Parse error in property name")) {
        upper_name(text, strlen(text), name);
        return ICAL_ERROR_PROPERTY;
    }
    /* "Can't parse as GEO value in GEO property. Removing entire property: ..." */
    static const char cannot_parse[] = "Can't parse as ";
    if (starts_with(message, cannot_parse)) {
        const char *in = strstr(message, " value in ");
        const char *property = in != NULL ? strstr(in, " property") : NULL;
        if (in != NULL && property != NULL) {
            in += strlen(" value in ");
            upper_name(in, (size_t)(property - in), name);
        }
        if (strcmp(name, "X") == 0)
            name[0] = '\0'; /* libical's name for every X- property */
        return ICAL_ERROR_PROPERTY;
    }
    /* "Invalid VALUE type for property DTSTART: ..." */
    static const char invalid_value[] = "Invalid VALUE type for property ";
    if (starts_with(message, invalid_value)) {
        const char *property = message + strlen(invalid_value);
        upper_name(property, colon != NULL ? (size_t)(colon - property) : strlen(property),
                   name);
        if (strcmp(name, "X") == 0)
            name[0] = '\0';
        return ICAL_ERROR_PARAMETER;
    }
    if (starts_with(message, "Can't parse parameter"))
        return ICAL_ERROR_PARAMETER;
    return ICAL_ERROR_OTHER;
}
