/*
 * render_ics.h - the texts the iCalendar renderer derives from an event,
 * shared with the importer so that it can take them apart again exactly.
 */
#ifndef ALMANAC_RENDER_ICS_H
#define ALMANAC_RENDER_ICS_H

#include "almanac/model.h"

/* SUMMARY: the title, then the status and approximate date when there are
 * any ("Forum (planned for April 2023, exact date not known)"). Returns a
 * malloc'ed string the caller frees, or NULL when out of memory. */
char *almanac_ics_summary(const almanac_event *event);

/* DESCRIPTION: the description, then the approximate date, participants
 * and sources as text; "" when there is none of them. Malloc'ed, the
 * caller frees; NULL when out of memory. */
char *almanac_ics_description(const almanac_document *document,
                              const almanac_event *event);

#endif
