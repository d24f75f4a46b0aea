/*
 * test_import.c - iCalendar into the events model: dates, timezones, ids,
 * categories, the pre-scan's lines and repairs, and the written file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "almanac/import.h"
#include "almanac/load.h"
#include "import_scan.h"
#include "import_tz.h"

#define CAL(body) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" body "END:VCALENDAR\r\n"

typedef struct {
    almanac_diagnostics diags;
    almanac_importer *importer;
    almanac_document *doc;
} imported;

static void import_text(imported *r, const char *text)
{
    almanac_diagnostics_init(&r->diags);
    r->importer = almanac_importer_new();
    assert_non_null(r->importer);
    almanac_importer_add(r->importer, "test.ics", text, strlen(text), &r->diags);
    r->doc = almanac_importer_finish(r->importer);
    assert_non_null(r->doc);
    almanac_diagnostics_locate(&r->diags, text, strlen(text));
}

static void release(imported *r)
{
    almanac_document_free(r->doc);
    almanac_importer_free(r->importer);
    almanac_diagnostics_free(&r->diags);
}

static bool has_message(const almanac_diagnostics *d, unsigned line, const char *part)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].line == line && strstr(d->items[i].message, part) != NULL)
            return true;
    return false;
}

static void date_text(const almanac_date *date, char *buffer)
{
    almanac_date_format(date, buffer);
}

static void test_all_day_end_is_inclusive(void **state)
{
    (void)state;
    imported r;
    import_text(&r, CAL("BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART;VALUE=DATE:20240228\r\n"
                        "DTEND;VALUE=DATE:20240301\r\nSUMMARY:Leap\r\nEND:VEVENT\r\n"
                        "BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART;VALUE=DATE:20240228\r\n"
                        "DURATION:P1D\r\nSUMMARY:One day\r\nEND:VEVENT\r\n"));
    assert_int_equal(r.doc->event_count, 2);
    char text[ALMANAC_DATE_TEXT_MAX];
    date_text(&r.doc->events[0].start, text);
    assert_string_equal(text, "2024-02-28");
    assert_true(r.doc->events[0].has_end);
    date_text(&r.doc->events[0].end, text);
    assert_string_equal(text, "2024-02-29"); /* DTEND 1 March is exclusive */
    assert_false(r.doc->events[1].has_end);   /* one day: no end */
    release(&r);
}

/* RFC 5545 3.3.6: weeks and days of a DURATION are nominal (the same
 * wall-clock time so many days on), hours, minutes and seconds exact. New
 * York springs forward at 02:00 on 12 March 2023 and falls back at 02:00 on
 * 5 November. */
static void test_duration_across_daylight_saving(void **state)
{
    (void)state;
    imported r;
    import_text(&r, CAL(
        "BEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\nBEGIN:STANDARD\r\n"
        "DTSTART:16011104T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n"
        "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
        "DTSTART:16010311T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n"
        "TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\nUID:spring@x\r\nDTSTART;TZID=America/New_York:20230312T013000\r\n"
        "DURATION:PT2H\r\nSUMMARY:Two hours, one of them skipped\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:fall@x\r\nDTSTART;TZID=America/New_York:20231105T003000\r\n"
        "DURATION:PT2H\r\nSUMMARY:Two hours, one of them twice\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:day@x\r\nDTSTART;TZID=America/New_York:20230311T120000\r\n"
        "DURATION:P1D\r\nSUMMARY:A day: noon to noon\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:hours@x\r\nDTSTART;TZID=America/New_York:20230311T120000\r\n"
        "DURATION:PT24H\r\nSUMMARY:24 hours: noon to one\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:outlook@x\r\nDTSTART;TZID=Eastern Standard Time:20230312T013000"
        "\r\nDURATION:PT2H\r\nSUMMARY:Outlook's name of the zone\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:float@x\r\nDTSTART:20230312T013000\r\nDURATION:PT2H\r\n"
        "SUMMARY:Floating, read in UTC\r\nEND:VEVENT\r\n"));
    assert_int_equal(r.doc->event_count, 6);
    static const char *const ends[] = {"2023-03-12T04:30", "2023-11-05T01:30",
                                       "2023-03-12T12:00", "2023-03-12T13:00",
                                       /* Outlook's zone name is America/New_York
                                        * (CLDR's mapping): the same wall clock */
                                       "2023-03-12T04:30", "2023-03-12T03:30"};
    for (size_t i = 0; i < 6; i++) {
        char text[ALMANAC_DATE_TEXT_MAX];
        assert_true(r.doc->events[i].has_end);
        date_text(&r.doc->events[i].end, text);
        assert_string_equal(text, ends[i]);
    }
    release(&r);
}

static void test_timezones(void **state)
{
    (void)state;
    imported r;
    import_text(&r, CAL(
        "BEGIN:VEVENT\r\nUID:moz@x\r\n"
        "DTSTART;TZID=/mozilla.org/20070129_1/America/New_York:20200426T140000\r\n"
        "DTEND:20200426T190000Z\r\nSUMMARY:Globally unique TZID\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:utc@x\r\nDTSTART:20200426T140000Z\r\nSUMMARY:UTC\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:float@x\r\nDTSTART:20200426T140000\r\nSUMMARY:Floating\r\n"
        "END:VEVENT\r\n"));
    assert_int_equal(r.doc->event_count, 3);
    const almanac_event *e = &r.doc->events[0];
    assert_string_equal(e->timezone, "America/New_York");
    char text[ALMANAC_DATE_TEXT_MAX];
    date_text(&e->end, text);
    assert_string_equal(text, "2020-04-26T15:00"); /* 19:00Z is 15:00 EDT */
    assert_int_equal(r.doc->events[1].start.precision, ALMANAC_PRECISION_UTC_TIME);
    assert_null(r.doc->events[1].timezone);
    assert_string_equal(r.doc->events[2].timezone, "UTC");
    assert_true(has_message(&r.diags, 17, "floating time"));
    release(&r);
}

static void test_ids_tags_and_labels(void **state)
{
    (void)state;
    imported r;
    import_text(&r, CAL(
        "BEGIN:VEVENT\r\nUID:Weekly Meeting@Example.org\r\nDTSTART:20230403T090000Z\r\n"
        "SUMMARY:Weekly\r\nCATEGORIES:Team Meetings,work\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:Weekly Meeting@Example.org\r\n"
        "RECURRENCE-ID:20230410T090000Z\r\nDTSTART:20230410T100000Z\r\nSUMMARY:Moved\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:weekly-meeting-example-org\r\nDTSTART:20230403T090000Z\r\n"
        "SUMMARY:Same slug\r\nRELATED-TO;RELTYPE=SIBLING:Weekly Meeting@Example.org\r\n"
        "END:VEVENT\r\n"));
    assert_int_equal(r.doc->event_count, 3);
    assert_string_equal(r.doc->events[0].id, "weekly-meeting-example-org");
    assert_string_equal(r.doc->events[1].id, "weekly-meeting-example-org-20230410t090000z");
    assert_string_equal(r.doc->events[2].id, "weekly-meeting-example-org-2");
    assert_int_equal(r.doc->events[2].related.count, 1);
    assert_string_equal(r.doc->events[2].related.items[0], "weekly-meeting-example-org");
    assert_int_equal(r.doc->events[0].tags.count, 2);
    assert_string_equal(r.doc->events[0].tags.items[0], "team-meetings");
    /* the label that is not its tag is kept as a feed's name */
    assert_int_equal(r.doc->feed_count, 1);
    assert_string_equal(r.doc->feeds[0].id, "team-meetings");
    assert_string_equal(r.doc->feeds[0].name, "Team Meetings");
    release(&r);
}

static void test_losses_name_their_lines(void **state)
{
    (void)state;
    imported r;
    import_text(&r, CAL(
        "BEGIN:VEVENT\r\nUID:r@x\r\nDTSTART:20230403T090000Z\r\nSUMMARY:Repeats\r\n"
        "RRULE:FREQ=DAILY\r\nBEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT5M\r\n"
        "END:VALARM\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:bad@x\r\nDTSTART:yesterday\r\nSUMMARY:Bad\r\nEND:VEVENT\r\n"));
    assert_int_equal(r.doc->event_count, 1);
    /* the series and its alarm are kept; the alarm's sound is what is lost */
    assert_true(r.doc->events[0].has_repeat);
    assert_string_equal(r.doc->events[0].repeat.rule, "FREQ=DAILY");
    assert_int_equal(r.doc->events[0].alarms.count, 1);
    assert_int_equal(r.doc->events[0].alarms.items[0].kind, ALMANAC_ALARM_BEFORE);
    assert_int_equal(r.doc->events[0].alarms.items[0].seconds, 300);
    assert_true(has_message(&r.diags, 9, "1 alarm has ACTION:AUDIO"));
    assert_true(has_message(&r.diags, 16, "DTSTART 'yesterday'"));
    release(&r);
}

static void test_scan_repairs_unbalanced_text(void **state)
{
    (void)state;
    static const char text[] = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:open\n"
                               "BEGIN:VEVENT\nUID:ok\nDESCRIPTION:folded\n  on\nEND:VEVENT\n"
                               "BEGIN:VEVENT\nUID:cut";
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    ics_scan scan;
    assert_int_equal(ics_scan_run(&scan, text, strlen(text), &diags), 0);
    assert_int_equal(scan.component_count, 4);
    assert_true(scan.components[1].dropped);  /* the VEVENT never closed */
    assert_false(scan.components[2].dropped);
    assert_true(scan.components[3].dropped);  /* cut off by the end of the file */
    assert_int_equal(scan.components[2].line, 4);
    const ics_line *uid = ics_scan_property(&scan, 2, "UID", 0);
    assert_non_null(uid);
    assert_int_equal(uid->line, 5);
    assert_int_equal(ics_scan_property(&scan, 2, "END", 0) == NULL, 1);
    assert_non_null(scan.repaired);
    assert_null(strstr(scan.repaired, "UID:open"));
    assert_non_null(strstr(scan.repaired, "UID:ok"));
    assert_null(strstr(scan.repaired, "UID:cut"));
    assert_non_null(strstr(scan.repaired, "END:VCALENDAR"));
    assert_int_equal(diags.warning_count, 3);
    char value[32];
    ics_scan_value(text, strlen(text), ics_scan_property(&scan, 2, "DESCRIPTION", 0)->offset,
                   value, sizeof value);
    assert_string_equal(value, "folded on");
    ics_scan_free(&scan);
    almanac_diagnostics_free(&diags);
}

/* An END that matches nothing, inside an event: the line is cut at once,
 * the event when the next BEGIN:VEVENT shows it was never closed. The
 * repaired text must lose both, whatever order they were found in. */
static void test_scan_cuts_a_stray_end_inside_an_event(void **state)
{
    (void)state;
    static const char text[] = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:broken\nEND:VTODO\n"
                               "BEGIN:VEVENT\nUID:fine\nEND:VEVENT\nEND:VCALENDAR\n";
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    ics_scan scan;
    assert_int_equal(ics_scan_run(&scan, text, strlen(text), &diags), 0);
    assert_non_null(scan.repaired);
    assert_string_equal(scan.repaired, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:fine\nEND:VEVENT\n"
                                       "END:VCALENDAR\n");
    assert_int_equal(diags.warning_count, 2);
    ics_scan_free(&scan);
    almanac_diagnostics_free(&diags);
}

/* Lines ended by CR alone (classic Mac OS) are lines, in the import and in
 * the line numbers of its diagnostics. */
static void test_cr_line_ends(void **state)
{
    (void)state;
    imported r;
    import_text(&r, "BEGIN:VCALENDAR\rVERSION:2.0\rBEGIN:VEVENT\rUID:a@x\r"
                    "DTSTART;VALUE=DATE:20230401\rSUMMARY:Mac\rPRIORITY:1\rEND:VEVENT\r"
                    "END:VCALENDAR\r");
    assert_int_equal(r.doc->event_count, 1);
    assert_string_equal(r.doc->events[0].title, "Mac");
    assert_true(has_message(&r.diags, 1, "the lines end with CR alone"));
    assert_true(has_message(&r.diags, 7, "1 PRIORITY property was not imported"));
    assert_true(has_message(&r.diags, 7, "(line 7)"));
    release(&r);
}

static void test_utc_offsets(void **state)
{
    (void)state;
    static const char *const valid[] = {"+0100", "-0500", "+0000", "+2359", "-0930", "+053000",
                                        "+000001", "-000001"};
    static const char *const invalid[] = {"+5328", "+0175", "-0000", "-000000", "0100", "+100",
                                          "+01000", "+2400", "+0100 ", "+01:00", "", "+010060"};
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        assert_true(tz_offset_is_valid(valid[i]));
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        assert_false(tz_offset_is_valid(invalid[i]));
}

#define ZONE(rule) \
    "BEGIN:VTIMEZONE\r\nTZID:Test\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n" \
    rule "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"

/* tz_check() on TEXT, one VTIMEZONE, within BUDGET. */
static tz_finding check_zone(const char *text, tz_budget *budget)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    ics_scan scan;
    assert_int_equal(ics_scan_run(&scan, text, strlen(text), &diags), 0);
    icalcomponent *zone = icalcomponent_new_from_string(text);
    assert_non_null(zone);
    tz_finding finding;
    tz_check(zone, &scan, 0, text, strlen(text), budget, &finding);
    icalcomponent_free(zone);
    ics_scan_free(&scan);
    almanac_diagnostics_free(&diags);
    return finding;
}

/* The work a VTIMEZONE's expansion takes is bounded: by the onsets of one
 * zone, of the whole file, and by time. A real zone, yearly since 1601
 * (Outlook writes that), is well within. */
static void test_timezone_work_is_bounded(void **state)
{
    (void)state;
    tz_budget budget;
    tz_budget_init(&budget, TZ_MAX_FILE_ONSETS, 60);
    tz_finding f = check_zone(ZONE("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"), &budget);
    assert_int_equal(f.verdict, TZ_USABLE);
    assert_false(f.noted);
    assert_int_equal(budget.onsets_left, TZ_MAX_FILE_ONSETS - 983); /* 1601-2582, + DTSTART */
    /* yearly, but 336 onsets a year: more than one zone may have */
    f = check_zone(ZONE("RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=1,2,3,"
                        "4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28"
                        "\r\n"), &budget);
    assert_int_equal(f.verdict, TZ_HOSTILE);
    assert_non_null(strstr(f.message, "more than 20000 onsets"));
    assert_int_equal(f.offset, strstr(ZONE(""), "TZOFFSETFROM") - ZONE("")); /* the RRULE */
    assert_string_equal(f.pointer, "VTIMEZONE/STANDARD/RRULE");
    /* what is left of the file's budget */
    tz_budget_init(&budget, 100, 60);
    f = check_zone(ZONE("RRULE:FREQ=YEARLY\r\n"), &budget);
    assert_int_equal(f.verdict, TZ_HOSTILE);
    assert_non_null(strstr(f.message, "with the file's other timezones"));
    /* and time, for rules that cost time without onsets */
    tz_budget_init(&budget, TZ_MAX_FILE_ONSETS, 0);
    f = check_zone(ZONE("RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30\r\n"), &budget);
    assert_int_equal(f.verdict, TZ_HOSTILE);
    assert_non_null(strstr(f.message, "took too long"));
    /* a frequency no timezone has is refused before any work */
    tz_budget_init(&budget, 1, 0);
    f = check_zone(ZONE("RRULE:FREQ=SECONDLY\r\n"), &budget);
    assert_int_equal(f.verdict, TZ_HOSTILE);
    assert_non_null(strstr(f.message, "every second"));
}

/* libical reads "\\é" (no escape RFC 5545 has) by dropping the backslash
 * and the first byte of the character: the title came out invalid UTF-8
 * and the import failed its own check. */
static void test_backslash_before_a_multibyte_character(void **state)
{
    (void)state;
    imported r;
    import_text(&r, CAL("BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20230401T100000Z\r\n"
                        "SUMMARY:caf\\\xc3\xa9 \\\\\xc3\xa9\r\nDESCRIPTION:folded \\\r\n"
                        " \xe2\x82\xac\r\nEND:VEVENT\r\n"));
    assert_int_equal(r.doc->event_count, 1);
    assert_string_equal(r.doc->events[0].title, "caf\xc3\xa9 \\\xc3\xa9");
    assert_string_equal(r.doc->events[0].description, "folded \xe2\x82\xac");
    release(&r);
}

/* Components nested deeper than ICS_MAX_DEPTH are cut out whole, with one
 * warning: libical frees a component by recursion, and a million levels
 * overflowed the stack. */
static void test_scan_cuts_deep_nesting(void **state)
{
    (void)state;
    char text[4096] = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:deep\n";
    for (int i = 0; i < 40; i++)
        strcat(text, i % 2 ? "BEGIN:X-B\n" : "BEGIN:X-A\n");
    for (int i = 39; i >= 0; i--)
        strcat(text, i % 2 ? "END:X-B\n" : "END:X-A\n");
    strcat(text, "END:VEVENT\nEND:VCALENDAR\n");
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    ics_scan scan;
    assert_int_equal(ics_scan_run(&scan, text, strlen(text), &diags), 0);
    assert_int_equal(scan.component_count, ICS_MAX_DEPTH);
    assert_int_equal(diags.warning_count, 1);
    assert_non_null(scan.repaired);
    size_t begins = 0;
    for (const char *p = scan.repaired; (p = strstr(p, "BEGIN:")) != NULL; p++)
        begins++;
    assert_int_equal(begins, ICS_MAX_DEPTH);
    assert_non_null(strstr(scan.repaired, "END:VEVENT\nEND:VCALENDAR\n"));
    ics_scan_free(&scan);
    almanac_diagnostics_free(&diags);
}

/* A text of COUNT copies of LINE inside one event, malloc'ed. */
static char *event_with_lines(const char *line, size_t count)
{
    static const char head[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
                               "BEGIN:VEVENT\r\nUID:long@x\r\nDTSTART:20230401T100000Z\r\n"
                               "SUMMARY:Long\r\n";
    static const char tail[] = "END:VEVENT\r\nEND:VCALENDAR\r\n";
    char *text = malloc(sizeof head + count * (strlen(line) + 2) + sizeof tail);
    assert_non_null(text);
    char *p = text + sprintf(text, "%s", head);
    for (size_t i = 0; i < count; i++)
        p += sprintf(p, "%s\r\n", line);
    sprintf(p, "%s", tail);
    return text;
}

/* libical names properties in a ring buffer of 2,500 strings: a name held
 * while 3,000 others were read was freed under the importer (ASan:
 * heap-use-after-free), and every loss after the first of a component was
 * missed when finding a line restarted libical's walk of its properties. */
static void test_losses_in_a_long_component(void **state)
{
    (void)state;
    char *text = event_with_lines("PRIORITY:1", 3000);
    imported r;
    import_text(&r, text);
    assert_int_equal(r.doc->event_count, 1);
    assert_true(has_message(&r.diags, 8, "3000 PRIORITY properties were not imported"));
    assert_true(has_message(&r.diags, 8, "and 2992 more"));
    release(&r);
    free(text);
    text = event_with_lines("X-ONE:1\r\nX-TWO:2\r\nPRIORITY:1", 3);
    import_text(&r, text);
    assert_true(has_message(&r.diags, 8, "3 X-ONE properties were not imported"));
    assert_true(has_message(&r.diags, 8, "(lines 8, 11, 14)"));
    assert_true(has_message(&r.diags, 9, "3 X-TWO properties were not imported"));
    assert_true(has_message(&r.diags, 9, "(lines 9, 12, 15)"));
    assert_true(has_message(&r.diags, 10, "3 PRIORITY properties were not imported"));
    release(&r);
    free(text);
}

/* The loader takes at most ALMANAC_MAX_LIST_ITEMS tags, participants,
 * sources or related ids: an event with more failed the import's own
 * check. What is over is reported; the written file loads. */
static void test_lists_are_cut_to_what_the_loader_takes(void **state)
{
    (void)state;
    enum { N = 1500 };
    char *text = malloc(N * 64 + 512);
    assert_non_null(text);
    char *p = text + sprintf(text, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
                                   "DTSTART:20230401T100000Z\r\nSUMMARY:Lists\r\n");
    for (int i = 0; i < N; i++)
        p += sprintf(p, "CATEGORIES:t%d\r\nRELATED-TO;RELTYPE=SIBLING:r%d@x\r\n", i, i);
    sprintf(p, "END:VEVENT\r\nEND:VCALENDAR\r\n");
    imported r;
    import_text(&r, text);
    assert_int_equal(r.doc->event_count, 1);
    assert_int_equal(r.doc->events[0].tags.count, ALMANAC_MAX_LIST_ITEMS);
    assert_true(has_message(&r.diags, 6 + 2 * ALMANAC_MAX_LIST_ITEMS,
                            "500 values of CATEGORIES were not imported"));
    assert_true(has_message(&r.diags, 7 + 2 * ALMANAC_MAX_LIST_ITEMS,
                            "500 values of RELATED-TO were not imported"));
    char *json = almanac_events_write(r.doc);
    assert_non_null(json);
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = almanac_load(json, strlen(json), &diags);
    assert_non_null(doc);
    almanac_validate(doc, &diags);
    assert_int_equal(diags.error_count, 0);
    almanac_document_free(doc);
    almanac_diagnostics_free(&diags);
    free(json);
    release(&r);
    free(text);
}

/* --merge finds each event of the file by hash: a walk of the file per
 * imported event (131 s for 50,000) compared about N * N / 2 ids. */
static void test_merge_compares_ids_once_per_event(void **state)
{
    (void)state;
    enum { N = 3000 };
    char *text = malloc(N * 96 + 128);
    assert_non_null(text);
    char *p = text + sprintf(text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    for (int i = 0; i < N; i++)
        p += sprintf(p, "BEGIN:VEVENT\r\nUID:e%d\r\nDTSTART;VALUE=DATE:20230401\r\n"
                        "SUMMARY:E%d\r\nEND:VEVENT\r\n", i, i);
    sprintf(p, "END:VCALENDAR\r\n");
    imported r;
    import_text(&r, text);
    assert_int_equal(r.doc->event_count, N);
    /* the file holds every other event; the merge adds the rest */
    almanac_document half = *r.doc;
    almanac_event *events = malloc(N / 2 * sizeof *events);
    assert_non_null(events);
    for (size_t i = 0; i < N / 2; i++)
        events[i] = r.doc->events[2 * i];
    half.events = events;
    half.event_count = N / 2;
    char *json = almanac_events_write(&half);
    assert_non_null(json);
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_merge_counts counts;
    char *merged = almanac_events_merge(json, strlen(json), r.doc, &counts, &diags);
    assert_non_null(merged);
    assert_int_equal(counts.unchanged, N / 2);
    assert_int_equal(counts.added, N / 2);
    assert_int_equal(counts.updated, 0);
    assert_true(counts.id_comparisons <= 3 * N);
    assert_true(counts.id_comparisons >= N / 2);
    free(merged);
    almanac_diagnostics_free(&diags);
    free(json);
    free(events);
    release(&r);
    free(text);
}

static void test_scan_counts_values(void **state)
{
    (void)state;
    static const char text[] = "CATEGORIES;X-A=\"p,q:r\":a,b\\,c\\\\,d,\r\n e\r\nX:1,2\r\n";
    assert_int_equal(ics_scan_value_count(text, strlen(text), 0), 4); /* a, b\,c\\, d, e */
    size_t x = (size_t)(strstr(text, "X:") - text);
    assert_int_equal(ics_scan_value_count(text, strlen(text), x), 2);
}

static void test_written_file_passes_the_loader(void **state)
{
    (void)state;
    imported r;
    import_text(&r, CAL("X-WR-CALNAME:My \"calendar\"\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
                        "BEGIN:VEVENT\r\nUID:a@x\r\n"
                        "DTSTART;TZID=Europe/Berlin:20230403T090000\r\nSUMMARY:Line one\\nline two\r\n"
                        "LOCATION:Berlin\r\nGEO:52.52;13.405\r\nURL:https://example.org/a\r\n"
                        "STATUS:TENTATIVE\r\nDESCRIPTION:Text\\, with\\nlines\r\nEND:VEVENT\r\n"));
    char *json = almanac_events_write(r.doc);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"$schema\": \"schema/events.schema.json\""));
    assert_null(strstr(json, "\"timezone\": \"Europe/Berlin\",\n      \"status\""));
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = almanac_load(json, strlen(json), &diags);
    assert_non_null(doc);
    almanac_validate(doc, &diags);
    assert_int_equal(diags.error_count, 0);
    assert_string_equal(doc->calendar.name, "My \"calendar\"");
    assert_string_equal(doc->events[0].title, "Line one line two");
    assert_string_equal(doc->events[0].description, "Text, with\nlines");
    assert_int_equal(doc->events[0].status, ALMANAC_STATUS_TENTATIVE);
    assert_true(doc->events[0].location.has_geo);
    assert_null(doc->events[0].timezone); /* the calendar's applies */
    almanac_document_free(doc);
    almanac_diagnostics_free(&diags);
    free(json);
    release(&r);
}

/* What the progress callback heard. */
typedef struct {
    int phases[64];
    size_t done[64], total[64];
    bool named[64];
    size_t count;
} heard;

static void listen(void *context, const char *name, almanac_import_phase phase, size_t done,
                   size_t total)
{
    heard *h = context;
    assert_true(h->count < 64);
    h->phases[h->count] = (int)phase;
    h->done[h->count] = done;
    h->total[h->count] = total;
    h->named[h->count] = name != NULL && strcmp(name, "big.ics") == 0;
    h->count++;
}

/* Progress runs through the phases in order, each count rising to its
 * total, and converting is reported every 1,024 events and at the end. */
static void test_progress(void **state)
{
    (void)state;
    enum { EVENTS = 2500 };
    size_t size = EVENTS * 120 + 200, n = 0;
    char *text = malloc(size);
    assert_non_null(text);
    n += (size_t)snprintf(text + n, size - n, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n");
    for (int i = 0; i < EVENTS; i++)
        n += (size_t)snprintf(text + n, size - n, "BEGIN:VEVENT\r\nUID:e%d@x\r\n"
                              "DTSTART;VALUE=DATE:20240228\r\nSUMMARY:Event %d\r\n"
                              "END:VEVENT\r\n", i, i);
    n += (size_t)snprintf(text + n, size - n, "END:VCALENDAR\r\n");
    heard h = {.count = 0};
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_importer *im = almanac_importer_new();
    assert_non_null(im);
    almanac_importer_set_progress(im, listen, &h);
    assert_int_equal(almanac_importer_add(im, "big.ics", text, n, &diags), EVENTS);
    almanac_document *doc = almanac_importer_finish(im);
    assert_non_null(doc);

    size_t converting = 0;
    for (size_t i = 0; i < h.count; i++) {
        if (i > 0) {
            assert_true(h.phases[i] >= h.phases[i - 1]);
            if (h.phases[i] == h.phases[i - 1] && h.total[i] > 0)
                assert_true(h.done[i] >= h.done[i - 1]);
        }
        assert_true(h.done[i] <= h.total[i] || h.total[i] == 0);
        assert_true(h.named[i] == (i + 1 < h.count)); /* only _finish() passes no name */
        if (h.phases[i] == ALMANAC_IMPORT_CONVERTING) {
            assert_int_equal(h.total[i], EVENTS);
            assert_true(h.done[i] % 1024 == 0 || h.done[i] == EVENTS);
            converting++;
        }
    }
    assert_true(h.count >= 5);
    assert_int_equal(h.phases[0], ALMANAC_IMPORT_PARSING);
    assert_int_equal(converting, 4); /* 0, 1024, 2048, 2500 */
    size_t last_parse = 0;
    while (h.phases[last_parse + 1] == ALMANAC_IMPORT_PARSING)
        last_parse++;
    assert_int_equal(h.done[last_parse], h.total[last_parse]); /* the parse ends at 100% */
    assert_int_equal(h.phases[h.count - 1], ALMANAC_IMPORT_FINISHING);
    assert_int_equal(h.total[h.count - 1], 0);

    almanac_document_free(doc);
    almanac_importer_free(im);
    almanac_diagnostics_free(&diags);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_day_end_is_inclusive),
        cmocka_unit_test(test_timezones),
        cmocka_unit_test(test_duration_across_daylight_saving),
        cmocka_unit_test(test_ids_tags_and_labels),
        cmocka_unit_test(test_losses_name_their_lines),
        cmocka_unit_test(test_scan_repairs_unbalanced_text),
        cmocka_unit_test(test_scan_cuts_a_stray_end_inside_an_event),
        cmocka_unit_test(test_scan_cuts_deep_nesting),
        cmocka_unit_test(test_losses_in_a_long_component),
        cmocka_unit_test(test_cr_line_ends),
        cmocka_unit_test(test_backslash_before_a_multibyte_character),
        cmocka_unit_test(test_utc_offsets),
        cmocka_unit_test(test_timezone_work_is_bounded),
        cmocka_unit_test(test_lists_are_cut_to_what_the_loader_takes),
        cmocka_unit_test(test_merge_compares_ids_once_per_event),
        cmocka_unit_test(test_scan_counts_values),
        cmocka_unit_test(test_written_file_passes_the_loader),
        cmocka_unit_test(test_progress),
    };
    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
