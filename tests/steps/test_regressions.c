/* SPDX-License-Identifier: MIT */
/* Regressions found by review: each test pins a defect that once existed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pingan/pingan.h>

#include "testutil.h"
#include "pipeline.h"

#define TOL 1e-12

/* An indented line is a line of its own, not the continuation of the value above it. */
static void
test_indented_line_is_not_a_continuation(void **state)
{
    (void)state;
    run x = compute("[index]\ndenominate = no\n[indicator a]\nlabel = A\n  weight = 9\n"
                    "[indicator b]\n",
                    "unit,a,b\nx,1,2\ny,3,1\n");
    /* x: a = 0, b = 100 → (9·0 + 1·100)/10 = 10 */
    assert_close(SCORE(x, "x", "", "index"), 10.0, TOL);
    assert_string_equal(pa_result_node_label(x.r, N(x.r, "a")), "A");
    run_free(&x);
}

/* lambda set on an indicator counts as set (it was lost in inheritance). */
static void
test_lambda_on_an_indicator(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_error e;
    assert_int_equal(pa_model_parse(&m, "[index]\ntreat = winsorise\nfallback = boxcox\n"
                                        "[indicator a]\nlambda = 0.5\n",
                                    "t.ini", &e),
                     PA_OK);
    pa_model_free(m);
}

/* A group inheriting genmean / mpi from [index] inherits p / penalty with it. */
static void
test_aggregation_parameters_inherited(void **state)
{
    (void)state;
    run x = compute("[index]\ndenominate = no\naggregate = genmean\np = 2\n[group g]\n"
                    "[indicator a]\nparent = g\n[indicator b]\nparent = g\n",
                    "unit,a,b\nu1,1,3\nu2,3,1\n");
    /* u1: a = 0, b = 100 → sqrt((0 + 100²)/2) = 70.71… */
    assert_close(SCORE(x, "u1", "", "g"), sqrt(5000.0), TOL);
    run_free(&x);
    run y = compute("[index]\ndenominate = no\naggregate = mpi\npenalty = positive\n[group g]\n"
                    "[indicator a]\nparent = g\n[indicator b]\nparent = g\n",
                    "unit,a,b\nu1,1,9\nu2,3,1\nu3,2,2\n");
    /* u3: a = 50, b = 12.5 → M = 31.25, S = 18.75, cv = 0.6, M + S·cv = 42.5 */
    assert_close(SCORE(y, "u3", "", "g"), 42.5, TOL);
    run_free(&y);
}

/* Penalties come off groups or the index; on an indicator they were silently ignored. */
static void
test_penalty_on_an_indicator_refused(void **state)
{
    (void)state;
    expect_model_error("[index]\n[indicator a]\n[indicator b]\n[penalty pa]\ncolumn = b\n"
                       "points = 1\nnode = a\n",
                       7, "applies to indicator 'a'");
}

/* Penalty rows carry no band (they are points taken off, not a grade). */
static void
test_penalty_rows_have_no_band(void **state)
{
    (void)state;
    run x = compute("[index]\ndenominate = no\nbands = 50 good; 0 poor\n[indicator a]\n"
                    "[penalty p]\ncolumn = d\npoints = 1\n",
                    "unit,a,d\nu1,1,0\nu2,3,2\n");
    assert_null(pa_result_band(x.r, U(x.r, "u1"), 0, N(x.r, "p"), NULL));
    assert_non_null(pa_result_band(x.r, U(x.r, "u1"), 0, N(x.r, "index"), NULL));
    run_free(&x);
}

/* -0 and 0 are the same score and share a rank. */
static void
test_negative_zero_ties_with_zero(void **state)
{
    (void)state;
    run x = compute("[index]\ndenominate = no\nnormalise = none\n[indicator a]\n",
                    "unit,a\nu1,0\nu2,-0\nu3,-1\n");
    assert_int_equal(RANK(x, "u1", "", "a"), 1);
    assert_int_equal(RANK(x, "u2", "", "a"), 1);
    assert_int_equal(RANK(x, "u3", "", "a"), 3);
    run_free(&x);
}

/* dist2targ scores 0 for the worst unit, so a geometric mean over it is refused. */
static void
test_dist2targ_under_geometric_refused(void **state)
{
    (void)state;
    expect_model_error("[index]\naggregate = geometric\n[indicator a]\nnormalise = dist2targ\n"
                       "target = 5\n",
                       2, "geometric mean");
}

/* A base-period value of 0 names the unit and the data row. */
static void
test_base_zero_names_the_row(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    pa_error e;
    const char *csv = "unit,year,a\nu1,2018,0\nu2,2018,1\nu1,2019,1\nu2,2019,2\n";
    assert_int_equal(pa_model_parse(&m, "[index]\ndenominate = no\nnormalise = base\n"
                                        "[indicator a]\n", "t.ini", &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, csv, strlen(csv), "d.csv", &e), PA_OK);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_ERR_COMPUTE);
    assert_string_equal(e.file, "d.csv");
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.text, "u1"));
    pa_data_free(d);
    pa_model_free(m);
}

/* A file re-read as GB18030 keeps nothing of its first, UTF-8 reading. */
static void
test_gb18030_reread_leaves_no_ghost_units(void **state)
{
    (void)state;
    /* over 1 MiB of rows whose units start with "\xC4\xA3", valid UTF-8 (ģ) and GB18030
     * (模), then a row only GB18030 can read (你): the first MiB is read as UTF-8 first */
    size_t rows = 120000;
    char *buf = malloc(rows * 24 + 64);
    assert_non_null(buf);
    size_t n = (size_t)sprintf(buf, "unit,a\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(buf + n, "\xC4\xA3%zu,1\n", i);
    assert_true(n > (1u << 20));
    n += (size_t)sprintf(buf + n, "\xC4\xE3,2\n");
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    pa_error e;
    assert_int_equal(pa_model_parse(&m, "[index]\ndenominate = no\n[indicator a]\n", "t.ini",
                                    &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, buf, n, "gb.csv", &e), PA_OK);
    free(buf);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_OK);
    assert_int_equal(pa_result_unit_count(r), rows + 1);
    for (size_t u = 0; u < pa_result_unit_count(r); u++)
        assert_null(strstr(pa_result_unit_code(r, u), "\xC4\xA3")); /* no ģ: all 模 */
    assert_string_equal(pa_result_unit_code(r, rows), "\xE4\xBD\xA0"); /* 你 */
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indented_line_is_not_a_continuation),
        cmocka_unit_test(test_lambda_on_an_indicator),
        cmocka_unit_test(test_aggregation_parameters_inherited),
        cmocka_unit_test(test_penalty_on_an_indicator_refused),
        cmocka_unit_test(test_penalty_rows_have_no_band),
        cmocka_unit_test(test_negative_zero_ties_with_zero),
        cmocka_unit_test(test_dist2targ_under_geometric_refused),
        cmocka_unit_test(test_base_zero_names_the_row),
        cmocka_unit_test(test_gb18030_reread_leaves_no_ghost_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
