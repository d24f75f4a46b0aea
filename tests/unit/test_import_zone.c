/*
 * test_import_zone.c - the IANA zone of a TZID that is not an IANA name:
 * Windows IDs, Windows display names, and VTIMEZONE rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "import_zone.h"

#define VTIMEZONE(body) "BEGIN:VTIMEZONE\r\n" body "END:VTIMEZONE\r\n"

/* Lotus Notes: the US rules since 2007, from 1950 on. */
static const char us_eastern[] = VTIMEZONE(
    "TZID:Eastern\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19501105T020000\r\n"
    "TZOFFSETFROM:-0400\r\n"
    "TZOFFSETTO:-0500\r\n"
    "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=1SU;BYMONTH=11\r\n"
    "END:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:19500312T020000\r\n"
    "TZOFFSETFROM:-0500\r\n"
    "TZOFFSETTO:-0400\r\n"
    "RRULE:FREQ=YEARLY;BYMINUTE=0;BYHOUR=2;BYDAY=2SU;BYMONTH=3\r\n"
    "END:DAYLIGHT\r\n");

/* Europe/Berlin's rules under another name. */
static const char custom_berlin[] = VTIMEZONE(
    "TZID:Custom\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:19810329T020000\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19961027T030000\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n");

/* The same, but winter time begins an hour early (02:00 summer time):
 * the same offsets on every sample day, another instant of change. */
static const char custom_early[] = VTIMEZONE(
    "TZID:Custom\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:19810329T020000\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19961027T020000\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n");

/* No zone is 3 hours 17 minutes east of UTC. */
static const char office_hours[] = VTIMEZONE(
    "TZID:Office hours\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0317\r\n"
    "TZOFFSETTO:+0317\r\n"
    "END:STANDARD\r\n");

/* Outlook's W. Europe VTIMEZONE: the current rules since 1601. */
static const char outlook_berlin[] = VTIMEZONE(
    "TZID:Customized Time Zone\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:16011028T030000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "END:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:16010325T020000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "END:DAYLIGHT\r\n");

static void expect(const char *tzid, const char *vtimezone, import_zone_how how, const char *zone)
{
    icalcomponent *c = vtimezone != NULL ? icalcomponent_new_from_string(vtimezone) : NULL;
    assert_true(vtimezone == NULL || c != NULL);
    char *before = c != NULL ? icalcomponent_as_ical_string_r(c) : NULL;
    char out[64];
    import_zone_how got = import_zone_find(tzid, c, out, sizeof out);
    if (got != how || strcmp(out, zone) != 0)
        print_error("'%s': %s '%s', expected %s '%s'\n", tzid, import_zone_how_name(got), out,
                    import_zone_how_name(how), zone);
    assert_int_equal(got, how);
    assert_string_equal(out, zone);
    if (c != NULL) {
        /* the caller's component is left as it was */
        char *after = icalcomponent_as_ical_string_r(c);
        assert_string_equal(before, after);
        icalmemory_free_buffer(after);
        icalmemory_free_buffer(before);
        icalcomponent_free(c);
    }
}

static void test_windows_ids(void **state)
{
    (void)state;
    expect("W. Europe Standard Time", NULL, IMPORT_ZONE_WINDOWS_ID, "Europe/Berlin");
    expect("Eastern Standard Time", NULL, IMPORT_ZONE_WINDOWS_ID, "America/New_York");
    expect("AUS Eastern Standard Time", NULL, IMPORT_ZONE_WINDOWS_ID, "Australia/Sydney");
    /* Outlook's VTIMEZONE is not consulted */
    expect("W. Europe Standard Time", outlook_berlin, IMPORT_ZONE_WINDOWS_ID, "Europe/Berlin");
    /* quoted, other case */
    expect("\"w. europe standard time\"", NULL, IMPORT_ZONE_WINDOWS_ID, "Europe/Berlin");
    /* CLDR says Asia/Calcutta and Europe/Kiev; zone.tab's names are written */
    expect("India Standard Time", NULL, IMPORT_ZONE_WINDOWS_ID, "Asia/Kolkata");
    expect("FLE Standard Time", NULL, IMPORT_ZONE_WINDOWS_ID, "Europe/Kyiv");
    /* a fixed offset: a zone outside zone.tab */
    expect("UTC-11", NULL, IMPORT_ZONE_WINDOWS_ID, "Etc/GMT+11");
}

static void test_display_names(void **state)
{
    (void)state;
    expect("(UTC+10:00) Canberra, Melbourne, Sydney", NULL, IMPORT_ZONE_DISPLAY_NAME,
           "Australia/Sydney");
    expect("Canberra, Melbourne, Sydney", NULL, IMPORT_ZONE_DISPLAY_NAME, "Australia/Sydney");
    expect("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", NULL,
           IMPORT_ZONE_DISPLAY_NAME, "Europe/Berlin");
    /* Outlook 2003's form */
    expect("(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna", NULL,
           IMPORT_ZONE_DISPLAY_NAME, "Europe/Berlin");
    expect("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", NULL, IMPORT_ZONE_DISPLAY_NAME,
           "Asia/Kolkata");
    /* a city named alone is its own zone */
    expect("Melbourne", NULL, IMPORT_ZONE_DISPLAY_NAME, "Australia/Melbourne");
    /* the offset leaves out the Argentine San Juan */
    expect("(UTC-04:00) Georgetown, La Paz, Manaus, San Juan", NULL, IMPORT_ZONE_DISPLAY_NAME,
           "America/La_Paz");
    /* ICU's English names */
    expect("(UTC-05:00) Eastern Time (US & Canada)", NULL, IMPORT_ZONE_DISPLAY_NAME,
           "America/New_York");
    expect("(UTC-03:00) City of Buenos Aires", NULL, IMPORT_ZONE_DISPLAY_NAME,
           "America/Argentina/Buenos_Aires");
    /* an offset no named zone has */
    expect("(UTC+05:00) Sydney", NULL, IMPORT_ZONE_NONE, "");
    /* region aliases (US/Hawaii) and one-word cities within a part
     * count only with an offset to check them: "Petersburg" is also in
     * Indiana, "Hawaii" alone could be anything */
    expect("(UTC-10:00) Hawaii", NULL, IMPORT_ZONE_DISPLAY_NAME, "Pacific/Honolulu");
    expect("Hawaii", NULL, IMPORT_ZONE_NONE, "");
    expect("(UTC-06:00) Easter Island", NULL, IMPORT_ZONE_DISPLAY_NAME, "Pacific/Easter");
    expect("(UTC+03:00) Moscow, St. Petersburg", NULL, IMPORT_ZONE_DISPLAY_NAME,
           "Europe/Moscow");
    /* the VTIMEZONE picks among the zones named: Berlin's rules, not Moscow's */
    expect("Berlin, Moscow", custom_berlin, IMPORT_ZONE_DISPLAY_NAME, "Europe/Berlin");
    expect("Moscow, Berlin", custom_berlin, IMPORT_ZONE_DISPLAY_NAME, "Europe/Berlin");
}

static void test_rules(void **state)
{
    (void)state;
    /* US Eastern rules: New York, Detroit, Toronto, Indiana...; the name's
     * word picks the Windows zone "Eastern Standard Time" */
    expect("Eastern", us_eastern, IMPORT_ZONE_RULES, "America/New_York");
    expect("Custom", custom_berlin, IMPORT_ZONE_RULES, "Europe/Berlin");
    expect("Office hours", office_hours, IMPORT_ZONE_NONE, "");
    expect("Custom", custom_early, IMPORT_ZONE_NONE, "");
    /* without a VTIMEZONE, a name like that gives nothing */
    expect("Eastern", NULL, IMPORT_ZONE_NONE, "");
    expect("Customized Time Zone", outlook_berlin, IMPORT_ZONE_RULES, "Europe/Berlin");
}

static void test_bad_input(void **state)
{
    (void)state;
    char out[64] = "x";
    assert_int_equal(import_zone_find(NULL, NULL, out, sizeof out), IMPORT_ZONE_NONE);
    assert_string_equal(out, "");
    expect("", NULL, IMPORT_ZONE_NONE, "");
    expect("\xff\xfe(UTC+01:00) \xc3", NULL, IMPORT_ZONE_NONE, "");
    char small[8];
    assert_int_equal(import_zone_find("W. Europe Standard Time", NULL, small, sizeof small),
                     IMPORT_ZONE_NONE);
    assert_string_equal(small, "");
    char long_name[1000];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    expect(long_name, NULL, IMPORT_ZONE_NONE, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_ids),
        cmocka_unit_test(test_display_names),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests_name("import_zone", tests, NULL, NULL);
}
