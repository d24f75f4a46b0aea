/*
 * almanac/almanac.h - the whole library: load -> validate -> render -> write.
 *
 *   almanac_diagnostics diags;            almanac_diagnostics_init(&diags);
 *   almanac_document *doc = almanac_load(text, length, &diags);
 *   if (doc) almanac_validate(doc, &diags);
 *   almanac_diagnostics_locate(&diags, text, length);
 *   ... if no errors: almanac_render_ics(doc, &options, stdout) ...
 *   almanac_document_free(doc);           almanac_diagnostics_free(&diags);
 *
 * The library never prints on its own and never exits; every problem is a
 * value in the diagnostics list.
 */
#ifndef ALMANAC_ALMANAC_H
#define ALMANAC_ALMANAC_H

#include "almanac/build.h"
#include "almanac/date.h"
#include "almanac/diag.h"
#include "almanac/edit.h"
#include "almanac/export.h"
#include "almanac/import.h"
#include "almanac/load.h"
#include "almanac/model.h"
#include "almanac/render.h"
#include "almanac/serve.h"
#include "almanac/timeline.h"
#include "almanac/version.h"
#include "almanac/watch.h"

#endif
