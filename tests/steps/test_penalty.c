/* SPDX-License-Identifier: MIT */
/* Penalty points (doc/methods.md §8), end to end: points per unit of a data column come off
 * a node's score after aggregation, capped, not below the range's lower end; the deduction is
 * a row of its own; ranks follow the deducted scores. */
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

static const char deaths_model[] = "[index]\n"               /* 1 */
                                   "normalise = minmax\n"    /* 2 */
                                   "range = 0, 100\n"        /* 3 */
                                   "[indicator a]\n"         /* 4 */
                                   "[penalty deaths_pts]\n"  /* 5 */
                                   "column = deaths\n"       /* 6 */
                                   "points = 2\n"            /* 7 */
                                   "cap = 5\n";              /* 8 */

/* a over 0..100 with minmax onto 0..100: the index (one child) scores a before penalties */
static const char deaths_csv[] = "unit,year,a,deaths\n"
                                 "u1,2020,100,0\n"
                                 "u2,2020,90,0\n"
                                 "u3,2020,93,3\n"
                                 "u4,2020,3,2\n"
                                 "u5,2020,0,\n";

static void
test_deduction(void **state)
{
    (void)state;
    run x = compute(deaths_model, deaths_csv);
    /* u1: 0 deaths → 100 − 0 = 100
     * u2: 0 deaths → 90
     * u3: min(2·3, 5) = 5 (uncapped 6) → 93 − 5 = 88 (uncapped: 87)
     * u4: min(2·2, 5) = 4 → 3 − 4 = −1, held at the range's lower end 0
     * u5: no count → nothing deducted → 0 */
    assert_close(SCORE(x, "u1", "2020", "index"), 100.0, TOL);
    assert_close(SCORE(x, "u2", "2020", "index"), 90.0, TOL);
    assert_close(SCORE(x, "u3", "2020", "index"), 88.0, TOL);
    assert_true(SCORE(x, "u4", "2020", "index") == 0.0);
    assert_true(SCORE(x, "u5", "2020", "index") == 0.0);
    /* the indicator itself is untouched */
    assert_close(SCORE(x, "u3", "2020", "a"), 93.0, TOL);
    run_free(&x);
}

static void
test_penalty_row(void **state)
{
    (void)state;
    run x = compute(deaths_model, deaths_csv);
    size_t pn = N(x.r, "deaths_pts"), top = N(x.r, "index"), a = N(x.r, "a");
    assert_int_equal(pa_result_node_is_penalty(x.r, pn), 1);
    assert_int_equal(pa_result_node_is_penalty(x.r, top), 0);
    assert_int_equal(pa_result_node_is_penalty(x.r, a), 0);
    assert_int_equal(pa_result_node_level(x.r, pn), 0);
    assert_int_equal(pa_result_node_parent(x.r, pn), top);
    /* value = the count, score = −deduction, never ranked */
    assert_close(VALUE(x, "u3", "2020", "deaths_pts"), 3.0, TOL);
    assert_close(SCORE(x, "u3", "2020", "deaths_pts"), -5.0, TOL);
    assert_close(VALUE(x, "u4", "2020", "deaths_pts"), 2.0, TOL);
    assert_close(SCORE(x, "u4", "2020", "deaths_pts"), -4.0, TOL);
    assert_true(VALUE(x, "u1", "2020", "deaths_pts") == 0.0);
    assert_true(SCORE(x, "u1", "2020", "deaths_pts") == 0.0);
    assert_true(isnan(VALUE(x, "u5", "2020", "deaths_pts")));
    const char *units[] = { "u1", "u2", "u3", "u4", "u5" };
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(RANK(x, units[i], "2020", "deaths_pts"), 0);
    run_free(&x);
}

static void
test_ranks_after_deduction(void **state)
{
    (void)state;
    run x = compute(deaths_model, deaths_csv);
    /* before: u1 100, u3 93, u2 90; after: u1 100, u2 90, u3 88 → u3 drops from 2nd to 3rd;
     * u4 and u5 tie at 0 and share rank 4 */
    assert_int_equal(RANK(x, "u1", "2020", "index"), 1);
    assert_int_equal(RANK(x, "u2", "2020", "index"), 2);
    assert_int_equal(RANK(x, "u3", "2020", "index"), 3);
    assert_int_equal(RANK(x, "u4", "2020", "index"), 4);
    assert_int_equal(RANK(x, "u5", "2020", "index"), 4);
    /* the indicator's ranks keep the order before the deduction */
    assert_int_equal(RANK(x, "u3", "2020", "a"), 2);
    run_free(&x);
}

static void
test_penalty_on_group(void **state)
{
    (void)state;
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "[group g1]\n"
                    "[group g2]\n"
                    "[indicator a]\n"
                    "parent = g1\n"
                    "[indicator b]\n"
                    "parent = g2\n"
                    "[penalty fines]\n"
                    "node = g1\n"
                    "points = 1\n",
                    "unit,year,a,b,fines\n"
                    "u1,2020,10,20,4\n");
    /* column defaults to the code; no cap: g1 = 10 − 1·4 = 6, g2 = 20,
     * index = (6 + 20)/2 = 13 (the deduction reaches the index through g1) */
    assert_close(SCORE(x, "u1", "2020", "g1"), 6.0, TOL);
    assert_close(SCORE(x, "u1", "2020", "g2"), 20.0, TOL);
    assert_close(SCORE(x, "u1", "2020", "index"), 13.0, TOL);
    assert_close(SCORE(x, "u1", "2020", "fines"), -4.0, TOL);
    assert_int_equal(pa_result_node_parent(x.r, N(x.r, "fines")), N(x.r, "g1"));
    run_free(&x);
}

/* ---- errors ---- */

static void
test_model_errors(void **state)
{
    (void)state;
    /* the code of a node */
    expect_model_error("[index]\n"        /* 1 */
                       "[indicator a]\n"  /* 2 */
                       "[penalty a]\n"    /* 3 */
                       "points = 1\n",    /* 4 */
                       3, "code of a node");
    /* a node that does not exist */
    expect_model_error("[index]\n"             /* 1 */
                       "[indicator a]\n"       /* 2 */
                       "[penalty deaths]\n"    /* 3 */
                       "points = 1\n"          /* 4 */
                       "node = nosuch\n",      /* 5 */
                       5, "nosuch");
    /* points must be above 0 */
    expect_model_error("[index]\n"             /* 1 */
                       "[indicator a]\n"       /* 2 */
                       "[penalty deaths]\n"    /* 3 */
                       "points = 0\n",         /* 4 */
                       4, "points");
    /* and must be given */
    expect_model_error("[index]\n"             /* 1 */
                       "[indicator a]\n"       /* 2 */
                       "[penalty deaths]\n"    /* 3 */
                       "cap = 5\n",            /* 4 */
                       3, "points");
}

static void
test_column_missing(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_parse(&m, deaths_model, "t.ini", &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    const char *csv = "unit,year,a\n"
                      "u1,2020,1\n";
    pa_status st = pa_data_read_buffer(d, csv, strlen(csv), "data.csv", &e);
    if (st != PA_ERR_DATA)
        report("data", st, &e);
    assert_int_equal(st, PA_ERR_DATA);
    assert_string_equal(e.file, "data.csv");
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.text, "deaths"));
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_negative_count(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = (pa_result *)0x1;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_parse(&m, deaths_model, "t.ini", &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    const char *csv = "unit,year,a,deaths\n"   /* 1 */
                      "u1,2020,1,0\n"          /* 2 */
                      "u2,2020,2,-1\n"         /* 3 */
                      "u3,2020,3,1\n";         /* 4 */
    assert_int_equal(pa_data_read_buffer(d, csv, strlen(csv), "data.csv", &e), PA_OK);
    pa_status st = pa_compute(&r, m, d, &e);
    if (st != PA_ERR_DATA)
        report("compute", st, &e);
    assert_int_equal(st, PA_ERR_DATA);
    assert_null(r);
    assert_string_equal(e.file, "data.csv");
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.text, "negative"));
    pa_data_free(d);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deduction),
        cmocka_unit_test(test_penalty_row),
        cmocka_unit_test(test_ranks_after_deduction),
        cmocka_unit_test(test_penalty_on_group),
        cmocka_unit_test(test_model_errors),
        cmocka_unit_test(test_column_missing),
        cmocka_unit_test(test_negative_count),
    };
    return cmocka_run_group_tests_name("penalty", tests, NULL, NULL);
}
