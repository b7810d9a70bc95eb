/* SPDX-License-Identifier: MIT */
/* Reading a result (lib/result.c): the base of changes (pa_result_set_compare, labels, base
 * values). Values are scored as they are (normalise = none), so every expectation below is
 * arithmetic on the data lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../testutil.h"

#define REL 1e-12

static const char model_text[] = "[index]\ncode = idx\nnormalise = none\n[indicator a]\n";

/* u1 has every month; u2 lacks 2019-02. */
static const char data_text[] = "unit,period,a\n"
                                "u1,2019-01,10\nu1,2019-02,20\nu1,2019-03,30\n"
                                "u1,2020-01,15\nu1,2020-02,40\n"
                                "u2,2019-01,1\nu2,2019-02,\nu2,2019-03,3\n"
                                "u2,2020-01,4\nu2,2020-02,6\n";

typedef struct fixture {
    pa_model *m;
    pa_result *r;
    size_t a, idx, p[5];
} fixture;

static fixture
run(const char *data)
{
    fixture f = { 0 };
    pa_data *d = NULL;
    assert_int_equal(pa_model_parse(&f.m, model_text, "m.ini", NULL), PA_OK);
    assert_int_equal(pa_data_new(&d, f.m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, data, strlen(data), "t.csv", NULL), PA_OK);
    assert_int_equal(pa_compute(&f.r, f.m, d, NULL), PA_OK);
    pa_data_free(d);
    f.a = pa_result_node_find(f.r, "a");
    f.idx = pa_result_node_find(f.r, "idx");
    static const char *const names[] = { "2019-01", "2019-02", "2019-03", "2020-01", "2020-02" };
    for (size_t i = 0; i < 5; i++)
        f.p[i] = pa_result_period_find(f.r, names[i]);
    return f;
}

static void
done(fixture *f)
{
    pa_result_free(f->r);
    pa_model_free(f->m);
}

static void
test_previous(void **state)
{
    (void)state;
    fixture f = run(data_text);
    /* the default: the period before in the data (2020-01 comes after 2019-03) */
    assert_string_equal(pa_result_base_label(f.r, f.p[3]), "2019-03");
    assert_true(pa_result_base_of(f.r, f.p[3]) == f.p[2]);
    assert_null(pa_result_base_label(f.r, f.p[0]));
    /* u1 2020-01 against 2019-03: (15 − 30)/30 = −50 % */
    assert_close(pa_result_value_change_pct(f.r, 0, f.p[3], f.a), -50, REL);
    assert_close(pa_result_base_value(f.r, 0, f.p[3], f.a), 30, REL);
    assert_true(isnan(pa_result_base_value(f.r, 0, f.p[3], f.idx))); /* no value for groups */
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_PREVIOUS, 0, NULL), PA_OK);
    assert_string_equal(pa_result_base_label(f.r, f.p[4]), "2020-01");
    done(&f);
}

static void
test_year(void **state)
{
    (void)state;
    fixture f = run(data_text);
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_YEAR, 0, NULL), PA_OK);
    /* 2020-02 against 2019-02: u1 (40 − 20)/20 = +100 %, score +20; 2020-01 against 2019-01:
     * (15 − 10)/10 = +50 % */
    assert_string_equal(pa_result_base_label(f.r, f.p[4]), "2019-02");
    assert_true(pa_result_base_of(f.r, f.p[4]) == f.p[1]);
    assert_close(pa_result_value_change_pct(f.r, 0, f.p[4], f.a), 100, REL);
    assert_close(pa_result_score_change(f.r, 0, f.p[4], f.idx), 20, REL);
    assert_close(pa_result_value_change_pct(f.r, 0, f.p[3], f.a), 50, REL);
    /* u2 lacks 2019-02: no change, not one against 2020-01 */
    assert_true(isnan(pa_result_value_change_pct(f.r, 1, f.p[4], f.a)));
    assert_true(isnan(pa_result_score_change(f.r, 1, f.p[4], f.idx)));
    /* 2019 has no 2018 */
    assert_null(pa_result_base_label(f.r, f.p[2]));
    assert_true(pa_result_base_of(f.r, f.p[2]) == PA_NONE);
    assert_true(isnan(pa_result_score_change(f.r, 0, f.p[2], f.idx)));
    done(&f);
}

static void
test_mean(void **state)
{
    (void)state;
    fixture f = run(data_text);
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_MEAN, 2, NULL), PA_OK);
    /* 2020-02 against the mean of 2019-03 and 2020-01: u1 (30 + 15)/2 = 22.5;
     * (40 − 22.5)/22.5 = +77.77… %, score 40 − 22.5 = 17.5 */
    assert_string_equal(pa_result_base_label(f.r, f.p[4]), "mean:2019-03..2020-01");
    assert_true(pa_result_base_of(f.r, f.p[4]) == PA_NONE); /* not a single period */
    assert_close(pa_result_base_value(f.r, 0, f.p[4], f.a), 22.5, REL);
    assert_close(pa_result_value_change_pct(f.r, 0, f.p[4], f.a), 17.5 / 22.5 * 100, REL);
    assert_close(pa_result_score_change(f.r, 0, f.p[4], f.idx), 17.5, REL);
    /* u2: 2019-03 against 2019-01 and 2019-02, where it has no value: none */
    assert_true(isnan(pa_result_base_value(f.r, 1, f.p[2], f.a)));
    assert_true(isnan(pa_result_score_change(f.r, 1, f.p[2], f.idx)));
    /* u2 2020-02: (3 + 4)/2 = 3.5, 6 − 3.5 = 2.5 */
    assert_close(pa_result_score_change(f.r, 1, f.p[4], f.idx), 2.5, REL);
    /* the first two periods have no two before them */
    assert_null(pa_result_base_label(f.r, f.p[1]));
    assert_true(isnan(pa_result_score_change(f.r, 0, f.p[1], f.idx)));
    /* mean:1 is the previous period */
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_MEAN, 1, NULL), PA_OK);
    assert_string_equal(pa_result_base_label(f.r, f.p[4]), "mean:2020-01..2020-01");
    assert_close(pa_result_score_change(f.r, 0, f.p[4], f.idx), 25, REL);
    /* more periods than the data has: no base anywhere */
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_MEAN, 4000000000u, NULL), PA_OK);
    assert_null(pa_result_base_label(f.r, f.p[4]));
    done(&f);
}

static void
test_refused(void **state)
{
    (void)state;
    fixture f = run(data_text);
    pa_error e;
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_MEAN, 3, NULL), PA_OK);
    /* refused calls change nothing */
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_MEAN, 0, &e), PA_ERR_ARGUMENT);
    assert_non_null(strstr(e.text, "mean:K"));
    assert_int_equal(pa_result_set_compare(f.r, (pa_compare)7, 0, &e), PA_ERR_ARGUMENT);
    assert_int_equal(pa_result_set_compare(NULL, PA_COMPARE_YEAR, 0, &e), PA_ERR_ARGUMENT);
    assert_int_equal(pa_result_set_base(f.r, "1999", &e), PA_ERR_ARGUMENT);
    assert_string_equal(pa_result_base_label(f.r, f.p[4]), "mean:2019-02..2020-01");
    /* --base after a mean: one period again */
    assert_int_equal(pa_result_set_base(f.r, "2019-01", NULL), PA_OK);
    assert_string_equal(pa_result_base_label(f.r, f.p[4]), "2019-01");
    assert_close(pa_result_score_change(f.r, 0, f.p[4], f.idx), 30, REL);
    assert_int_equal(pa_result_set_base(f.r, NULL, NULL), PA_OK);
    assert_string_equal(pa_result_base_label(f.r, f.p[4]), "2020-01");
    done(&f);
    /* a data set without periods has one period "", which has no year */
    f = run("unit,a\nu1,1\n");
    assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_YEAR, 0, &e), PA_ERR_ARGUMENT);
    assert_non_null(strstr(e.text, "is not a year, quarter, month or day"));
    done(&f);
}

static void
test_year_forms(void **state)
{
    (void)state;
    /* quarters, days and years keep their form a year earlier; 2020-02-29 has no such day
     * and is not compared with 2019-02-28 */
    static const char *const cases[][2] = { { "2019Q3", "2018Q3" },     { "2019", "2018" },
                                            { "2020-03-01", "2019-03-01" },
                                            { "2020-02-29", NULL } };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char data[256];
        const char *earlier = cases[i][1] ? cases[i][1] : "2019-02-28";
        snprintf(data, sizeof data, "unit,period,a\nu1,%s,2\nu1,%s,3\n", earlier, cases[i][0]);
        fixture f = run(data);
        size_t p = pa_result_period_find(f.r, cases[i][0]);
        assert_int_equal(pa_result_set_compare(f.r, PA_COMPARE_YEAR, 0, NULL), PA_OK);
        if (cases[i][1]) {
            assert_string_equal(pa_result_base_label(f.r, p), cases[i][1]);
            assert_close(pa_result_value_change_pct(f.r, 0, p, f.a), 50, REL);
        } else {
            assert_null(pa_result_base_label(f.r, p));
            assert_true(isnan(pa_result_value_change_pct(f.r, 0, p, f.a)));
        }
        done(&f);
    }
}

/* A model that denominates a and imputes: the rate is a / (pop / 10), the mean of the other
 * units' rates where a is missing; b has no denominator: its rate is its value. */
static const char rate_model[] = "[index]\ncode = idx\nnormalise = none\nimpute = mean\n"
                                 "[indicator a]\ndenominator = pop\nper = 10\n[indicator b]\n";
static const char rate_data[] = "unit,period,pop,a,b\n"
                                "u1,2019,100,5,1\nu2,2019,200,,2\nu3,2019,50,3,3\n";

static pa_result *
rate_result(const char *const *nodes, size_t n_nodes, pa_model **m)
{
    pa_data *d = NULL;
    pa_result *r = NULL;
    assert_int_equal(pa_model_parse(m, rate_model, "m.ini", NULL), PA_OK);
    assert_int_equal(pa_data_new(&d, *m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, rate_data, strlen(rate_data), "t.csv", NULL), PA_OK);
    if (n_nodes)
        assert_int_equal(pa_compute_nodes(&r, *m, d, nodes, n_nodes, NULL), PA_OK);
    else {
        assert_int_equal(pa_compute(&r, *m, d, NULL), PA_OK);
        pa_data_free(d);
    }
    return r;
}

static void
test_rate(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_result *r = rate_result(NULL, 0, &m);
    size_t a = pa_result_node_find(r, "a"), b = pa_result_node_find(r, "b");
    size_t idx = pa_result_node_find(r, "idx");
    /* u1: 5 / (100 / 10) = 0.5; u3: 3 / (50 / 10) = 0.6; u2 has no value, and is scored on
     * the imputed mean rate (0.5 + 0.6) / 2 = 0.55 */
    assert_close(pa_result_rate(r, 0, 0, a), 0.5, REL);
    assert_close(pa_result_rate(r, 2, 0, a), 0.6, REL);
    assert_true(isnan(pa_result_value(r, 1, 0, a)));
    assert_close(pa_result_rate(r, 1, 0, a), 0.55, REL);
    assert_true(pa_result_flags(r, 1, 0, a) & PA_FLAG_IMPUTED);
    /* b: no denominator, nothing imputed: the value itself (no copy is kept) */
    for (size_t u = 0; u < 3; u++)
        assert_close(pa_result_rate(r, u, 0, b), (double)(u + 1), REL);
    assert_true(r->rate[b] == NULL && r->rate_raw[b]);
    assert_true(isnan(pa_result_rate(r, 0, 0, idx))); /* groups have none */
    assert_true(isnan(pa_result_rate(r, 9, 0, a)));   /* out of range */
    pa_result_free(r);
    pa_model_free(m);
    /* pa_compute_nodes keeps the rates of the indicators it holds only */
    const char *const just_idx[] = { "idx" }, *const just_a[] = { "a" };
    r = rate_result(just_idx, 1, &m);
    assert_true(isnan(pa_result_rate(r, 0, 0, pa_result_node_find(r, "a"))));
    for (size_t k = 0; k < 2; k++)
        assert_null(r->rate[k]);
    pa_result_free(r);
    pa_model_free(m);
    r = rate_result(just_a, 1, &m);
    assert_close(pa_result_rate(r, 1, 0, pa_result_node_find(r, "a")), 0.55, REL);
    pa_result_free(r);
    pa_model_free(m);
}

static void
test_period_weight(void **state)
{
    (void)state;
    /* b is empty in every row of 2019: a carries the index alone there */
    static const char model[] = "[index]\ncode = idx\nnormalise = none\n"
                                "[indicator a]\nweight = 3\n[indicator b]\nweight = 1\n";
    static const char data[] = "unit,period,a,b\nu1,2018,1,2\nu2,2018,3,\n"
                               "u1,2019,5,\nu2,2019,6,\n";
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    assert_int_equal(pa_model_parse(&m, model, "m.ini", NULL), PA_OK);
    assert_int_equal(pa_data_new(&d, m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, data, strlen(data), "t.csv", NULL), PA_OK);
    assert_int_equal(pa_compute(&r, m, d, NULL), PA_OK);
    size_t a = pa_result_node_find(r, "a"), b = pa_result_node_find(r, "b");
    size_t idx = pa_result_node_find(r, "idx");
    size_t p18 = pa_result_period_find(r, "2018"), p19 = pa_result_period_find(r, "2019");
    /* 2018: u1 has b, so both weigh as written, 3/4 and 1/4 (u2 alone renormalises) */
    assert_close(pa_result_node_period_weight(r, p18, a), 0.75, REL);
    assert_close(pa_result_node_period_weight(r, p18, b), 0.25, REL);
    /* 2019: no unit has b: 0, and a 3/3 = 1; the index is a's score */
    assert_close(pa_result_node_period_weight(r, p19, b), 0, REL);
    assert_close(pa_result_node_period_weight(r, p19, a), 1, REL);
    assert_close(pa_result_score(r, 0, p19, idx), 5, REL);
    assert_close(pa_result_node_period_weight(r, p19, idx), 1, REL);
    assert_true(isnan(pa_result_node_period_weight(r, 9, a)));
    assert_true(isnan(pa_result_node_period_weight(NULL, p19, a)));
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_previous), cmocka_unit_test(test_year),
        cmocka_unit_test(test_mean),     cmocka_unit_test(test_refused),
        cmocka_unit_test(test_year_forms), cmocka_unit_test(test_rate),
        cmocka_unit_test(test_period_weight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
