/*
 * diag_codes.c - the run-time table of the catalogue (see diag_codes.h):
 * identifier and template of each code, made from the same macros the
 * reporting calls expand, so that the two cannot disagree.
 */
#include "almanac/diag_codes.h"

#include <ctype.h>
#include <string.h>

typedef struct {
    const char *id;
    almanac_diag_code code;
    const char *template_text;
} catalogue_entry;

/* ALMANAC_E012 expands to "ALMANAC_CODE_E012, template": an entry's last two
 * members. */
#define CATALOGUE_ENTRY(id) {#id, ALMANAC_##id},
static const catalogue_entry catalogue[ALMANAC_CODE_COUNT] = {
    ALMANAC_DIAGNOSTIC_CODES(CATALOGUE_ENTRY)
};
#undef CATALOGUE_ENTRY

static const catalogue_entry *entry(almanac_diag_code code)
{
    return (unsigned)code < ALMANAC_CODE_COUNT ? &catalogue[code] : NULL;
}

const char *almanac_diag_code_id(almanac_diag_code code)
{
    return entry(code) != NULL ? entry(code)->id : "";
}

const char *almanac_diag_code_template(almanac_diag_code code)
{
    return entry(code) != NULL ? entry(code)->template_text : "";
}

almanac_severity almanac_diag_code_severity(almanac_diag_code code)
{
    return entry(code) != NULL && entry(code)->id[0] == 'W' ? ALMANAC_WARNING : ALMANAC_ERROR;
}

almanac_diag_code almanac_diag_code_find(const char *id)
{
    if (id == NULL || strlen(id) != 4)
        return ALMANAC_CODE_COUNT;
    char wanted[5] = {(char)toupper((unsigned char)id[0]), id[1], id[2], id[3], '\0'};
    for (unsigned i = 0; i < ALMANAC_CODE_COUNT; i++)
        if (strcmp(catalogue[i].id, wanted) == 0)
            return (almanac_diag_code)i;
    return ALMANAC_CODE_COUNT;
}
