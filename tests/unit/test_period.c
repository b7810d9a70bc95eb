/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/period.c: every spelling of a period and its canonical form, the
 * spellings that are no period (with the reason beside each), kinds and sibling spellings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "../testutil.h"

static pa_period_kind
parse(const char *s, char out[PA_PERIOD_TEXT])
{
    return pa_period_parse(s, strlen(s), out);
}

static void
test_spellings(void **state)
{
    (void)state;
    static const struct { const char *in, *out; pa_period_kind kind; } ok[] = {
        { "2019", "2019", PA_PERIOD_YEAR },          { "2019年", "2019", PA_PERIOD_YEAR },
        { "2019Q3", "2019Q3", PA_PERIOD_QUARTER },   { "2019q3", "2019Q3", PA_PERIOD_QUARTER },
        { "2019-Q1", "2019Q1", PA_PERIOD_QUARTER },  { "2019_q4", "2019Q4", PA_PERIOD_QUARTER },
        { "2019年第2季度", "2019Q2", PA_PERIOD_QUARTER },
        { "2019-07", "2019-07", PA_PERIOD_MONTH },   { "2019-7", "2019-07", PA_PERIOD_MONTH },
        { "2019/7", "2019-07", PA_PERIOD_MONTH },    { "2019.12", "2019-12", PA_PERIOD_MONTH },
        { "2019_01", "2019-01", PA_PERIOD_MONTH },   { "201907", "2019-07", PA_PERIOD_MONTH },
        { "2019年7月", "2019-07", PA_PERIOD_MONTH }, { "2019年12月", "2019-12", PA_PERIOD_MONTH },
        { "2019-07-15", "2019-07-15", PA_PERIOD_DAY }, { "2019/7/5", "2019-07-05", PA_PERIOD_DAY },
        { "20190715", "2019-07-15", PA_PERIOD_DAY }, { "2019年7月15日", "2019-07-15", PA_PERIOD_DAY },
        { "2020-02-29", "2020-02-29", PA_PERIOD_DAY }, /* 2020 is a leap year */
        { "2000-02-29", "2000-02-29", PA_PERIOD_DAY }, /* divisible by 400: leap */
        { "1000", "1000", PA_PERIOD_YEAR },          { "9999-12-31", "9999-12-31", PA_PERIOD_DAY },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char out[PA_PERIOD_TEXT] = "";
        pa_period_kind k = parse(ok[i].in, out);
        if (k != ok[i].kind || strcmp(out, ok[i].out) != 0)
            print_error("'%s' read as '%s' (kind %d), expected '%s' (kind %d)\n", ok[i].in, out,
                        (int)k, ok[i].out, (int)ok[i].kind);
        assert_int_equal(k, ok[i].kind);
        assert_string_equal(out, ok[i].out);
        assert_int_equal(pa_period_kind_of(out), ok[i].kind);
    }
}

static void
test_not_periods(void **state)
{
    (void)state;
    static const char *const no[] = {
        "", "63",           /* /dev/fd/63: two digits are no year */
        "12", "1", "999",   /* a month or a number alone */
        "0999",             /* years start at 1000 */
        "12345",            /* five digits: neither a year nor 201907 */
        "2019-13",          /* no 13th month */
        "2019-00", "2019Q0", "2019Q5", "2019-02-29", /* 2019 is no leap year */
        "1900-02-29",       /* divisible by 100, not 400: no leap year */
        "2019-04-31", "2019-7-", "2019-07/15", /* separators mixed */
        "2019-007", "2019年13月", "2019年7", "2019年7月15", "2019年第5季度",
        "2019W10", "2019M3", "FY2019", "2019 data", "data2019", "2019a", "-2019", "2019-",
        "２０１９",          /* full-width digits are for values, not names */
        "2019-1-1-1",
    };
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        char out[PA_PERIOD_TEXT];
        if (parse(no[i], out) != PA_PERIOD_NONE)
            print_error("'%s' should be no period, read as '%s'\n", no[i], out);
        assert_int_equal(parse(no[i], out), PA_PERIOD_NONE);
    }
    /* the stem of a file name: "2019.csv" with its length 4 */
    char out[PA_PERIOD_TEXT];
    assert_int_equal(pa_period_parse("2019.csv", 4, out), PA_PERIOD_YEAR);
    assert_int_equal(pa_period_parse("2019.csv", 8, out), PA_PERIOD_NONE);
}

static void
test_kinds(void **state)
{
    (void)state;
    assert_int_equal(pa_period_kind_of(""), PA_PERIOD_NONE);
    assert_int_equal(pa_period_kind_of("x"), PA_PERIOD_NONE);
    assert_string_equal(pa_period_kind_name(PA_PERIOD_MONTH), "a month");
    assert_string_equal(pa_period_kind_name(PA_PERIOD_YEAR), "a year");
}

static int
same(const char *a, const char *b)
{
    return pa_period_same_spelling(a, strlen(a), b, strlen(b));
}

static void
test_same_spelling(void **state)
{
    (void)state;
    assert_true(same("2019", "2018"));
    assert_true(same("2019-7", "2019-10")); /* digit runs of any length */
    assert_true(same("2019年", "2018年"));
    assert_true(same("2019Q3", "2019q1")); /* case of ASCII letters aside */
    assert_true(same("201907", "2019"));   /* one digit run each: the kind tells them apart */
    assert_false(same("2019", "2019年"));
    assert_false(same("2019", "2018-12"));
    assert_false(same("2019-07", "2019_07"));
    assert_false(same("2019年7月", "2019年7日"));
    assert_false(same("2019", ""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spellings),
        cmocka_unit_test(test_not_periods),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_same_spelling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
