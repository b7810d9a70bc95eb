/* SPDX-License-Identifier: MIT */
/* Imputation (doc/methods.md §2), end to end: pa_model_parse + pa_data_read_buffer +
 * pa_compute, read back through the public accessors. Every model uses `normalise = none`
 * and `denominate = no`, so an indicator's score is exactly its (imputed) value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

#include "testutil.h"

#define TOL 1e-12

#include "pipeline.h"

/* An imputed cell: score = expected, flagged, raw value still missing. */
#define assert_imputed(x, unit, per, node, expected)                \
    do {                                                            \
        assert_close(SCORE(x, unit, per, node), (expected), TOL);   \
        assert_true(IMPUTED(x, unit, per, node));                   \
        assert_true(isnan(VALUE(x, unit, per, node)));              \
    } while (0)

/* A cell that imputation must leave missing (and unflagged). */
#define assert_still_missing(x, unit, per, node)                    \
    do {                                                            \
        assert_true(isnan(SCORE(x, unit, per, node)));              \
        assert_false(IMPUTED(x, unit, per, node));                  \
    } while (0)

/* An observed cell: score = its value, not flagged. */
#define assert_observed(x, unit, per, node, expected)               \
    do {                                                            \
        assert_close(SCORE(x, unit, per, node), (expected), TOL);   \
        assert_close(VALUE(x, unit, per, node), (expected), TOL);   \
        assert_false(IMPUTED(x, unit, per, node));                  \
    } while (0)

/* ---- mean / median per period ---- */

static const char mean_model[] = "[index]\n"
                                 "normalise = none\n"
                                 "denominate = no\n"
                                 "impute = mean\n"
                                 "reference_units = city\n"
                                 "[indicator a]\n";

static void
test_mean_per_period(void **state)
{
    (void)state;
    run x = compute(mean_model, "unit,year,a\n"
                                "u1,2020,1\n"
                                "u2,2020,3\n"
                                "u3,2020,\n"
                                "city,2020,100\n"
                                "u1,2021,10\n"
                                "u2,2021,\n"
                                "u3,2021,30\n"
                                "city,2021,\n");
    /* 2020: observed non-reference values 1, 3 → mean (1 + 3)/2 = 2.
     * (With the reference unit city the mean would be (1 + 3 + 100)/3 = 34.67.) */
    assert_imputed(x, "u3", "2020", "a", 2.0);
    assert_observed(x, "u1", "2020", "a", 1.0);
    assert_observed(x, "u2", "2020", "a", 3.0);
    assert_observed(x, "city", "2020", "a", 100.0);
    /* 2021: observed 10, 30 → (10 + 30)/2 = 20 (not the 2020 mean 2, not a panel mean
     * (1 + 3 + 10 + 30)/4 = 11); the reference unit is imputed as well. */
    assert_imputed(x, "u2", "2021", "a", 20.0);
    assert_imputed(x, "city", "2021", "a", 20.0);
    /* the index (one child, arithmetic) is computed from the imputed value */
    assert_close(SCORE(x, "u3", "2020", "index"), 2.0, TOL);
    run_free(&x);
}

static void
test_median_per_period(void **state)
{
    (void)state;
    const char *model = "[index]\n"
                        "normalise = none\n"
                        "denominate = no\n"
                        "impute = median\n"
                        "reference_units = city\n"
                        "[indicator a]\n";
    run x = compute(model, "unit,year,a\n"
                           "u1,2020,1\n"
                           "u2,2020,3\n"
                           "u3,2020,10\n"
                           "u4,2020,20\n"
                           "u5,2020,\n"
                           "u6,2020,\n"
                           "city,2020,1000\n"
                           "u1,2021,1\n"
                           "u2,2021,2\n"
                           "u3,2021,9\n"
                           "u4,2021,\n"
                           "u5,2021,\n"
                           "city,2021,\n");
    /* 2020: observed without city {1, 3, 10, 20}: median (3 + 10)/2 = 6.5
     * (mean 8.5; with city {1, 3, 10, 20, 1000} the median would be 10). */
    assert_imputed(x, "u5", "2020", "a", 6.5);
    assert_imputed(x, "u6", "2020", "a", 6.5);
    /* 2021: {1, 2, 9}: median 2 (mean 4) */
    assert_imputed(x, "u4", "2021", "a", 2.0);
    assert_imputed(x, "u5", "2021", "a", 2.0);
    assert_imputed(x, "city", "2021", "a", 2.0);
    assert_observed(x, "u3", "2021", "a", 9.0);
    /* u6 has no row in 2021: a unit absent from a period stays absent */
    assert_still_missing(x, "u6", "2021", "a");
    run_free(&x);
}

/* ---- group_mean / group_median ---- */

static void
test_group_mean(void **state)
{
    (void)state;
    const char *model = "[index]\n"
                        "normalise = none\n"
                        "denominate = no\n"
                        "impute = group_mean\n"
                        "impute_group = region\n"
                        "[indicator a]\n"
                        "[indicator b]\n";
    run x = compute(model, "unit,region,year,a,b\n"
                           "n1,north,2020,1,\n"
                           "n2,north,2020,3,\n"
                           "n3,north,2020,,\n"
                           "s1,south,2020,10,5\n"
                           "s2,south,2020,20,7\n"
                           "s3,south,2020,,\n"
                           "x1,,2020,,1\n"
                           "x2,,2020,50,\n");
    /* a: north {1, 3} → 2; south {10, 20} → 15 (overall mean (1+3+10+20+50)/5 = 16.8) */
    assert_imputed(x, "n3", "2020", "a", 2.0);
    assert_imputed(x, "s3", "2020", "a", 15.0);
    /* x1 and x2 have an empty group: they form no group, nothing is imputed from each
     * other (x2's a = 50 does not fill x1, x1's b = 1 does not fill x2) */
    assert_still_missing(x, "x1", "2020", "a");
    assert_still_missing(x, "x2", "2020", "b");
    /* b: south {5, 7} → 6; x1's 1 is in no group, so not (5 + 7 + 1)/3 = 4.33 */
    assert_imputed(x, "s3", "2020", "b", 6.0);
    assert_observed(x, "x1", "2020", "b", 1.0);
    /* b is missing for the whole north group: it stays missing there */
    assert_still_missing(x, "n1", "2020", "b");
    assert_still_missing(x, "n2", "2020", "b");
    assert_still_missing(x, "n3", "2020", "b");
    run_free(&x);
}

static void
test_group_median(void **state)
{
    (void)state;
    const char *model = "[index]\n"
                        "normalise = none\n"
                        "denominate = no\n"
                        "impute = group_median\n"
                        "impute_group = region\n"
                        "[indicator a]\n";
    run x = compute(model, "unit,region,year,a\n"
                           "n1,north,2020,1\n"
                           "s1,south,2020,10\n"
                           "n2,north,2020,3\n"
                           "s2,south,2020,20\n"
                           "n3,north,2020,8\n"
                           "s3,south,2020,60\n"
                           "n4,north,2020,\n"
                           "s4,south,2020,\n"
                           "x1,,2020,\n");
    /* north {1, 3, 8}: median 3 (mean 4); south {10, 20, 60}: median 20 (mean 30);
     * overall median of {1, 3, 8, 10, 20, 60} would be 9 */
    assert_imputed(x, "n4", "2020", "a", 3.0);
    assert_imputed(x, "s4", "2020", "a", 20.0);
    assert_still_missing(x, "x1", "2020", "a");
    run_free(&x);
}

/* ---- latest / linear ---- */

static void
test_latest(void **state)
{
    (void)state;
    const char *model = "[index]\n"
                        "normalise = none\n"
                        "denominate = no\n"
                        "impute = latest\n"
                        "[indicator a]\n";
    run x = compute(model, "unit,year,a\n"
                           "u1,2018,\n"
                           "u1,2019,5\n"
                           "u1,2020,\n"
                           "u1,2021,7\n"
                           "u1,2022,\n"
                           "u2,2018,1\n"
                           "u2,2019,\n"
                           "u2,2020,\n"
                           "u2,2021,4\n"
                           "u2,2022,8\n");
    /* u1: nothing before 2018 → stays missing */
    assert_still_missing(x, "u1", "2018", "a");
    /* 2020: latest earlier observed is 2019's 5 (linear would give 6) */
    assert_imputed(x, "u1", "2020", "a", 5.0);
    /* 2022: the latest earlier is 2021's 7, not the first value 5 */
    assert_imputed(x, "u1", "2022", "a", 7.0);
    /* u2: 2019 and 2020 both carry 2018's 1 */
    assert_imputed(x, "u2", "2019", "a", 1.0);
    assert_imputed(x, "u2", "2020", "a", 1.0);
    assert_observed(x, "u2", "2022", "a", 8.0);
    run_free(&x);
}

static const char linear_model[] = "[index]\n"
                                   "normalise = none\n"
                                   "denominate = no\n"
                                   "impute = linear\n"
                                   "[indicator a]\n";

static void
test_linear_midpoint(void **state)
{
    (void)state;
    run x = compute(linear_model, "unit,year,a\n"
                                  "u1,2015,10\n"
                                  "u1,2016,\n"
                                  "u1,2017,20\n");
    /* 10 + (20 − 10)·(2016 − 2015)/(2017 − 2015) = 15 */
    assert_imputed(x, "u1", "2016", "a", 15.0);
    assert_observed(x, "u1", "2015", "a", 10.0);
    assert_observed(x, "u1", "2017", "a", 20.0);
    run_free(&x);
}

/* Dotted months are names, not numbers: 2019.9, 2019.10, 2019.11 follow one another (as
 * numbers 2019.10 would come first and equal 2019.1), so the gap is filled from its
 * neighbours in time, one step apart: 9 → (9 + 13)/2 = 11 → 13. */
static void
test_linear_dotted_months(void **state)
{
    (void)state;
    run x = compute("[index]\n"
                    "period_column = period\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "impute = linear\n"
                    "[indicator a]\n",
                    "unit,period,a\n"
                    "u1,2019.11,13\n"
                    "u1,2019.1,1\n"
                    "u1,2019.9,9\n"
                    "u1,2019.10,\n"
                    "u1,2019.2,2\n");
    /* dotted months are months: 2019.1 is January, 2019.10 October */
    assert_string_equal(pa_result_period(x.r, 0), "2019-01");
    assert_string_equal(pa_result_period(x.r, 2), "2019-09");
    assert_string_equal(pa_result_period(x.r, 3), "2019-10");
    assert_string_equal(pa_result_period(x.r, 4), "2019-11");
    /* between September (9) and November (13), one month each way: 11 */
    assert_imputed(x, "u1", "2019-10", "a", 11.0);
    run_free(&x);
}

static void
test_linear_year_distance(void **state)
{
    (void)state;
    run x = compute(linear_model, "unit,year,a\n"
                                  "u1,2010,0\n"
                                  "u1,2011,\n"
                                  "u1,2015,50\n"
                                  "u1,2016,\n"
                                  "u2,2010,\n"
                                  "u2,2011,4\n"
                                  "u2,2015,\n"
                                  "u2,2016,8\n"
                                  "u3,2010,\n"
                                  "u3,2011,\n"
                                  "u3,2015,3\n"
                                  "u3,2016,\n"
                                  "u4,2010,\n"
                                  "u4,2011,\n"
                                  "u4,2015,\n"
                                  "u4,2016,\n");
    /* u1 2011: 0 + (50 − 0)·(2011 − 2010)/(2015 − 2010) = 10
     * (by period order it would be the midpoint 25) */
    assert_imputed(x, "u1", "2011", "a", 10.0);
    /* u1 2016: beyond the last observed value, held at 50 (extrapolation: 60) */
    assert_imputed(x, "u1", "2016", "a", 50.0);
    /* u2 2010: before the first observed value, held at 4 (extrapolation: 3.2) */
    assert_imputed(x, "u2", "2010", "a", 4.0);
    /* u2 2015: 4 + (8 − 4)·(2015 − 2011)/(2016 − 2011) = 4 + 3.2 = 7.2 (by order: 6) */
    assert_imputed(x, "u2", "2015", "a", 7.2);
    /* u3: a single observed value is used throughout */
    assert_imputed(x, "u3", "2010", "a", 3.0);
    assert_imputed(x, "u3", "2011", "a", 3.0);
    assert_observed(x, "u3", "2015", "a", 3.0);
    assert_imputed(x, "u3", "2016", "a", 3.0);
    /* u4: nothing observed, nothing imputed */
    assert_still_missing(x, "u4", "2010", "a");
    assert_still_missing(x, "u4", "2016", "a");
    run_free(&x);
}

static void
test_linear_quarter_distance(void **state)
{
    (void)state;
    run x = compute(linear_model, "unit,period,a\n"
                                  "u1,2019Q1,0\n"
                                  "u1,2019Q2,\n"
                                  "u1,2019Q4,30\n"
                                  "u2,2019Q4,6\n"
                                  "u2,2020Q1,\n"
                                  "u2,2020Q2,12\n");
    /* quarters one step apart, the gap to Q4 kept: 0 + 30·(1 − 0)/(3 − 0) = 10, and across
     * the year 6 + (12 − 6)·1/2 = 9 */
    assert_imputed(x, "u1", "2019Q2", "a", 10.0);
    assert_imputed(x, "u2", "2020Q1", "a", 9.0);
    run_free(&x);
}

/* ---- errors ---- */

static void
test_group_without_impute_group(void **state)
{
    (void)state;
    const char *model = "[index]\n"              /* 1 */
                        "normalise = none\n"     /* 2 */
                        "impute = group_mean\n"  /* 3 */
                        "[indicator a]\n";       /* 4 */
    expect_model_error(model, 3, "impute_group");

    /* set on the indicator: the indicator's line */
    const char *model2 = "[index]\n"                /* 1 */
                         "normalise = none\n"       /* 2 */
                         "[indicator a]\n"          /* 3 */
                         "impute = group_median\n"; /* 4 */
    expect_model_error(model2, 4, "impute_group");
}

static void
test_impute_group_column_missing(void **state)
{
    (void)state;
    const char *model = "[index]\n"
                        "normalise = none\n"
                        "impute = group_mean\n"
                        "impute_group = region\n"
                        "[indicator a]\n";
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_parse(&m, model, "t.ini", &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    const char *csv = "unit,year,a\n"
                      "u1,2020,1\n";
    pa_status st = pa_data_read_buffer(d, csv, strlen(csv), "data.csv", &e);
    if (st != PA_ERR_DATA)
        report("data", st, &e);
    assert_int_equal(st, PA_ERR_DATA);
    assert_string_equal(e.file, "data.csv");
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.text, "region"));
    assert_int_equal(pa_data_row_count(d), 0);
    pa_data_free(d);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mean_per_period),
        cmocka_unit_test(test_median_per_period),
        cmocka_unit_test(test_group_mean),
        cmocka_unit_test(test_group_median),
        cmocka_unit_test(test_latest),
        cmocka_unit_test(test_linear_midpoint),
        cmocka_unit_test(test_linear_dotted_months),
        cmocka_unit_test(test_linear_year_distance),
        cmocka_unit_test(test_linear_quarter_distance),
        cmocka_unit_test(test_group_without_impute_group),
        cmocka_unit_test(test_impute_group_column_missing),
    };
    return cmocka_run_group_tests_name("impute", tests, NULL, NULL);
}
