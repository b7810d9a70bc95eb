/* SPDX-License-Identifier: MIT */
/* Screening by coverage (doc/methods.md §3), end to end: a unit-period with a smaller share
 * of indicators present than `min_coverage` has no score, is flagged, is not ranked and does
 * not shift the statistics of the others. Screening runs after imputation. */
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

/* Four indicators, minmax onto 0..100 over the panel, arithmetic means. */
#define MODEL_HEAD "[index]\n" \
                   "normalise = minmax\n" \
                   "range = 0, 100\n"
#define MODEL_TAIL "[indicator a]\n" \
                   "[indicator b]\n" \
                   "[indicator c]\n" \
                   "[indicator d]\n"

/* u3 has 1 of 4 indicators (an extreme a = 100), u4 has 2 of 4. */
static const char screen_csv[] = "unit,year,a,b,c,d\n"
                                 "u1,2020,0,0,0,0\n"
                                 "u2,2020,10,5,2,8\n"
                                 "u3,2020,100,,,\n"
                                 "u4,2020,20,,4,\n";

static void
test_screened_unit(void **state)
{
    (void)state;
    run x = compute(MODEL_HEAD "min_coverage = 0.5\n" MODEL_TAIL, screen_csv);
    /* u3: coverage 1/4 = 0.25 < 0.5 → screened: no score anywhere, flagged, not ranked */
    assert_close(COVERAGE(x, "u3", "2020"), 0.25, TOL);
    const char *nodes[] = { "a", "b", "c", "d", "index" };
    for (size_t i = 0; i < 5; i++) {
        assert_true(isnan(SCORE(x, "u3", "2020", nodes[i])));
        assert_true(FLAGS(x, "u3", "2020", nodes[i]) & PA_FLAG_SCREENED);
        assert_int_equal(RANK(x, "u3", "2020", nodes[i]), 0);
    }
    /* u3's a = 100 is out of the statistics: a over {0, 10, 20} → u2 = (10 − 0)/(20 − 0)·100
     * = 50 (with u3 it would be 10/100·100 = 10), u4 = 100 */
    assert_close(SCORE(x, "u2", "2020", "a"), 50.0, TOL);
    assert_close(SCORE(x, "u4", "2020", "a"), 100.0, TOL);
    /* u4: coverage 2/4 = 0.5, not below 0.5 → kept */
    assert_close(COVERAGE(x, "u4", "2020"), 0.5, TOL);
    assert_false(FLAGS(x, "u4", "2020", "index") & PA_FLAG_SCREENED);
    assert_false(FLAGS(x, "u4", "2020", "a") & PA_FLAG_SCREENED);
    assert_close(COVERAGE(x, "u1", "2020"), 1.0, TOL);
    assert_close(COVERAGE(x, "u2", "2020"), 1.0, TOL);
    assert_false(FLAGS(x, "u2", "2020", "index") & PA_FLAG_SCREENED);
    /* b over {0, 5}: u2 100; c over {0, 2, 4}: u2 50, u4 100; d over {0, 8}: u2 100.
     * index u2 = (50 + 100 + 50 + 100)/4 = 75; u4 = (100 + 100)/2 = 100 (b, d drop out);
     * u1 = 0 */
    assert_close(SCORE(x, "u2", "2020", "c"), 50.0, TOL);
    assert_close(SCORE(x, "u2", "2020", "index"), 75.0, TOL);
    assert_close(SCORE(x, "u4", "2020", "index"), 100.0, TOL);
    assert_close(SCORE(x, "u1", "2020", "index"), 0.0, TOL);
    /* ranks among the three scored units only */
    assert_int_equal(RANK(x, "u4", "2020", "index"), 1);
    assert_int_equal(RANK(x, "u2", "2020", "index"), 2);
    assert_int_equal(RANK(x, "u1", "2020", "index"), 3);
    assert_int_equal(RANK(x, "u1", "2020", "a"), 3);
    run_free(&x);
}

static void
test_no_screening_by_default(void **state)
{
    (void)state;
    /* the same data without min_coverage: u3 is scored and shifts the statistics */
    run x = compute(MODEL_HEAD MODEL_TAIL, screen_csv);
    assert_close(COVERAGE(x, "u3", "2020"), 0.25, TOL); /* still reported */
    assert_false(FLAGS(x, "u3", "2020", "index") & PA_FLAG_SCREENED);
    /* a over {0, 10, 100, 20}: u2 = 10/100·100 = 10, u3 = 100; index u3 = a = 100 */
    assert_close(SCORE(x, "u2", "2020", "a"), 10.0, TOL);
    assert_close(SCORE(x, "u3", "2020", "index"), 100.0, TOL);
    assert_int_equal(RANK(x, "u3", "2020", "index"), 1);
    run_free(&x);
}

static void
test_screen_after_impute(void **state)
{
    (void)state;
    run x = compute(MODEL_HEAD "min_coverage = 0.5\nimpute = mean\n" MODEL_TAIL, screen_csv);
    /* imputed first: b = (0 + 5)/2 = 2.5, c = (0 + 2 + 4)/3 = 2, d = (0 + 8)/2 = 4 for u3
     * (and b, d for u4), so both have 4 of 4 indicators and nobody is screened */
    assert_close(COVERAGE(x, "u3", "2020"), 1.0, TOL);
    assert_close(COVERAGE(x, "u4", "2020"), 1.0, TOL);
    assert_false(FLAGS(x, "u3", "2020", "index") & PA_FLAG_SCREENED);
    assert_true(FLAGS(x, "u3", "2020", "b") & PA_FLAG_IMPUTED);
    /* u3 is back in the statistics: a over {0, 10, 100, 20} → u2 = 10 */
    assert_close(SCORE(x, "u2", "2020", "a"), 10.0, TOL);
    /* u3: a 100; b over {0, 5, 2.5, 2.5} → 2.5/5·100 = 50; c over {0, 2, 2, 4} → 50;
     * d over {0, 8, 4, 4} → 50; index (100 + 50 + 50 + 50)/4 = 62.5 */
    assert_close(SCORE(x, "u3", "2020", "index"), 62.5, TOL);
    /* u2 (10 + 100 + 50 + 100)/4 = 65; u4: a 20, b 50, c 4/4·100 = 100, d 50 →
     * (20 + 50 + 100 + 50)/4 = 55; u1 0 → u3 ranks 2nd of 4 */
    assert_close(SCORE(x, "u4", "2020", "index"), 55.0, TOL);
    assert_int_equal(RANK(x, "u3", "2020", "index"), 2);
    assert_int_equal(RANK(x, "u1", "2020", "index"), 4);
    run_free(&x);
}

static void
test_screen_per_period(void **state)
{
    (void)state;
    run x = compute(MODEL_HEAD "scope = period\nmin_coverage = 0.5\n" MODEL_TAIL,
                    "unit,year,a,b,c,d\n"
                    "u1,2020,0,0,0,0\n"
                    "u2,2020,10,5,2,8\n"
                    "u3,2020,100,,,\n"
                    "u4,2020,20,,4,\n"
                    "u1,2021,0,0,0,0\n"
                    "u2,2021,1,1,1,1\n"
                    "u3,2021,2,2,2,2\n");
    /* u3 is screened in 2020 only */
    assert_true(FLAGS(x, "u3", "2020", "index") & PA_FLAG_SCREENED);
    assert_false(FLAGS(x, "u3", "2021", "index") & PA_FLAG_SCREENED);
    assert_close(COVERAGE(x, "u3", "2021"), 1.0, TOL);
    /* 2021: each indicator over {0, 1, 2}: u3 = 100, u2 = 50 */
    assert_close(SCORE(x, "u3", "2021", "index"), 100.0, TOL);
    assert_close(SCORE(x, "u2", "2021", "index"), 50.0, TOL);
    assert_int_equal(RANK(x, "u3", "2021", "index"), 1);
    /* u4 has no 2021 row: coverage undefined, not screened (nothing to screen) */
    assert_true(isnan(COVERAGE(x, "u4", "2021")));
    assert_false(FLAGS(x, "u4", "2021", "index") & PA_FLAG_SCREENED);
    run_free(&x);
}

static void
test_min_coverage_out_of_range(void **state)
{
    (void)state;
    const char *model = "[index]\n"              /* 1 */
                        "normalise = minmax\n"   /* 2 */
                        "min_coverage = 1.5\n"   /* 3 */
                        "[indicator a]\n";       /* 4 */
    expect_model_error(model, 3, "min_coverage");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screened_unit),
        cmocka_unit_test(test_no_screening_by_default),
        cmocka_unit_test(test_screen_after_impute),
        cmocka_unit_test(test_screen_per_period),
        cmocka_unit_test(test_min_coverage_out_of_range),
    };
    return cmocka_run_group_tests_name("screen", tests, NULL, NULL);
}
