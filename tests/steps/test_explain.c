/* SPDX-License-Identifier: MIT */
/* Why it moved (pa_explain, doc/methods.md): contributions add up to the change for every
 * aggregation, with children missing in one period and penalty points; hand-computed
 * effective weights, log-additive shares and Shapley values; the refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

#include "pipeline.h"

#define TOL 1e-12

/* Explain `node` (NULL: the top) in `period`; must succeed. */
static pa_explain *
explain(const run *x, const char *node, const char *period)
{
    pa_explain *e = NULL;
    pa_error err;
    memset(&err, 0, sizeof err);
    pa_status st = pa_explain_compute(&e, x->m, x->r, node, period, &err);
    if (st != PA_OK)
        report("explain", st, &err);
    assert_int_equal(st, PA_OK);
    return e;
}

/* The contribution of `leaf` for `unit`; NaN when there is no such row. */
static double
part(const pa_explain *e, const char *unit, const char *leaf)
{
    const pa_result *r = pa_explain_result(e);
    size_t u = U(r, unit), n = N(r, leaf);
    for (size_t i = 0; i < pa_explain_count(e); i++)
        if (pa_explain_unit(e, i) == u && pa_explain_indicator(e, i) == n)
            return pa_explain_contribution(e, i);
    return NAN;
}

/* Every unit with a change: its parts add up to it (1e-9), and the change is the result's. */
static size_t
check_sums(const pa_explain *e)
{
    const pa_result *r = pa_explain_result(e);
    size_t explained = 0, p = pa_explain_period(e), k = pa_explain_node(e);
    for (size_t u = 0; u < pa_result_unit_count(r); u++) {
        double sum = 0, d = pa_explain_change(e, u);
        size_t rows = 0;
        for (size_t i = 0; i < pa_explain_count(e); i++)
            if (pa_explain_unit(e, i) == u) {
                sum += pa_explain_contribution(e, i);
                rows++;
            }
        assert_close(d, pa_result_score_change(r, u, p, k), 0);
        if (isnan(d)) {
            assert_int_equal(rows, 0);
            continue;
        }
        if (!(fabs(sum - d) <= 1e-9))
            print_error("unit %s: parts add up to %.17g, the change is %.17g\n",
                        pa_result_unit_code(r, u), sum, d);
        assert_true(fabs(sum - d) <= 1e-9);
        explained++;
    }
    return explained;
}

/* Two levels, unequal weights, a penalty on g1; u2 lacks c in 2020 and d in 2019; u3 has no
 * g2 in 2019 (a group present in one period only); u4 moves nowhere but in e. */
static const char sweep_csv[] = "unit,year,a,b,c,d,e,f\n"
                                "u1,2019,10,20,30,40,50,1\n"
                                "u2,2019,15,25,35,,55,0\n"
                                "u3,2019,20,10,40,,,2\n"
                                "u4,2019,30,30,30,30,30,0\n"
                                "u5,2019,5,60,45,20,10,1\n"
                                "u1,2020,12,18,33,45,49,3\n"
                                "u2,2020,25,20,,30,50,0\n"
                                "u3,2020,22,15,35,10,20,1\n"
                                "u4,2020,30,30,30,30,31,0\n"
                                "u5,2020,50,6,45,25,70,0\n";

static run
sweep(const char *method)
{
    char model[1024];
    snprintf(model, sizeof model,
             "[index]\nnormalise = none\ndenominate = no\naggregate = %s\n%s"
             "[group g1]\nparent = index\nweight = 3\n"
             "[group g2]\nparent = index\n"
             "[indicator a]\nparent = g1\nweight = 2\n"
             "[indicator b]\nparent = g1\n"
             "[indicator c]\nparent = g1\n"
             "[indicator d]\nparent = g2\n"
             "[indicator e]\nparent = g2\nweight = 3\n"
             "[penalty pen]\ncolumn = f\npoints = 0.5\nnode = g1\n",
             method, strcmp(method, "genmean") == 0 ? "p = 2\n" : "");
    return compute(model, sweep_csv);
}

static void
test_sums_every_method(void **state)
{
    (void)state;
    static const char *const methods[] = { "arithmetic", "geometric", "harmonic", "median",
                                           "genmean", "mpi", "copeland" };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        run x = sweep(methods[i]);
        pa_explain *e = explain(&x, NULL, NULL);
        assert_int_equal(check_sums(e), 5);
        pa_explain_free(e);
        e = explain(&x, "g1", "2020"); /* a group with a penalty row */
        assert_int_equal(check_sums(e), 5);
        if (strcmp(methods[i], "copeland") != 0) /* the penalty's own points */
            assert_close(part(e, "u1", "pen"), -(0.5 * 3 - 0.5 * 1), TOL);
        pa_explain_free(e);
        run_free(&x);
    }
}

/* Arithmetic throughout: a leaf's part is its change times the product of effective weights;
 * a child in one period only makes its node a Shapley game. */
static void
test_arithmetic_by_hand(void **state)
{
    (void)state;
    run x = sweep("arithmetic");
    pa_explain *e = explain(&x, NULL, NULL);
    /* u1: index = (3·g1 + g2)/4, g1 = (2a + b + c)/4 − 0.5·f, g2 = (d + 3e)/4 */
    assert_close(part(e, "u1", "a"), 0.75 * 0.5 * (12 - 10), TOL);
    assert_close(part(e, "u1", "b"), 0.75 * 0.25 * (18 - 20), TOL);
    assert_close(part(e, "u1", "e"), 0.25 * 0.75 * (49 - 50), TOL);
    assert_close(part(e, "u1", "pen"), 0.75 * -(1.5 - 0.5), TOL);
    /* u4: only e moved */
    assert_close(part(e, "u4", "e"), 0.25 * 0.75, TOL);
    assert_close(part(e, "u4", "a"), 0, TOL);
    /* u3: g2 only in 2020, so the index of (g1, g2) is a game of two players:
     * g1 2019 = (40 + 10 + 40)/4 − 1 = 21.5, 2020 = (44 + 15 + 35)/4 − 0.5 = 23;
     * g2 2020 = (10 + 60)/4 = 17.5; v(∅) = 21.5, v(g1) = 23, v(g2) = (3·21.5 + 17.5)/4 = 20.5,
     * v(both) = (69 + 17.5)/4 = 21.625. φ(g1) = ½(1.5) + ½(21.625 − 20.5) = 1.3125,
     * φ(g2) = ½(−1) + ½(21.625 − 23) = −1.1875; g2 is one row, g1's part is split in g1. */
    assert_close(part(e, "u3", "g2"), -1.1875, TOL);
    assert_true(isnan(part(e, "u3", "d")));
    double g1 = part(e, "u3", "a") + part(e, "u3", "b") + part(e, "u3", "c") + part(e, "u3", "pen");
    assert_close(g1, 1.3125, TOL);
    /* within g1 (arithmetic, the same children): ratio 1.3125 / 1.5 per point of g1 */
    assert_close(part(e, "u3", "a"), 1.3125 / 1.5 * 0.5 * 2, TOL);
    pa_explain_free(e);
    run_free(&x);
}

/* A child missing in one period: base a, b, c = 10, 20, 30 (mean 20), now 16, 20, — (18).
 * Players a and c: v(∅) = 20, v(a) = 22, v(c) = 15, v(a, c) = 18; φ(a) = ½·2 + ½·3 = 2.5,
 * φ(c) = ½·(−5) + ½·(−4) = −4.5; b did not move: 0. */
static void
test_missing_child_shapley(void **state)
{
    (void)state;
    run x = compute("[index]\nnormalise = none\ndenominate = no\n"
                    "[indicator a]\n[indicator b]\n[indicator c]\n",
                    "unit,year,a,b,c\nu1,2019,10,20,30\nu1,2020,16,20,\n");
    pa_explain *e = explain(&x, NULL, NULL);
    assert_close(pa_explain_change(e, 0), -2, TOL);
    assert_close(part(e, "u1", "a"), 2.5, TOL);
    assert_close(part(e, "u1", "b"), 0, TOL);
    assert_close(part(e, "u1", "c"), -4.5, TOL);
    assert_close(pa_explain_share(e, 0), 2.5 / -2, TOL);
    pa_explain_free(e);
    run_free(&x);
}

/* Median of three: base 1, 2, 3 (median 2), now 4, 5, 0 (median 4). Worths of the coalitions
 * (members at now's score): ∅ 2, a 3, b 3, c 1, ab 4, ac 2, bc 1, abc 4. With weights ⅓ for
 * coalitions of 0 or 2 others and ⅙ for 1: φ(a) = ⅓·1 + ⅙·1 + ⅙·1 + ⅓·3 = 5/3,
 * φ(b) = ⅓·1 + ⅙·1 + ⅙·0 + ⅓·2 = 7/6, φ(c) = ⅓·(−1) + ⅙·(−1) + ⅙·(−2) + ⅓·0 = −5/6. */
static void
test_median_shapley(void **state)
{
    (void)state;
    run x = compute("[index]\nnormalise = none\ndenominate = no\naggregate = median\n"
                    "[indicator a]\n[indicator b]\n[indicator c]\n",
                    "unit,year,a,b,c\nu1,2019,1,2,3\nu1,2020,4,5,0\n");
    pa_explain *e = explain(&x, NULL, NULL);
    assert_close(pa_explain_change(e, 0), 2, TOL);
    assert_close(part(e, "u1", "a"), 5.0 / 3, TOL);
    assert_close(part(e, "u1", "b"), 7.0 / 6, TOL);
    assert_close(part(e, "u1", "c"), -5.0 / 6, TOL);
    pa_explain_free(e);
    run_free(&x);
}

/* Geometric: base (1, 4), G = 2; u1 now (2, 8), G = 4: Δ = 2 split by w·Δln s = ½ln2 each,
 * 1 and 1. u2 now (4, 1), G = 2: no change; parts G·w·Δln s/Σw = 2·½·(±ln 4) = ±ln 4. */
static void
test_geometric_by_hand(void **state)
{
    (void)state;
    run x = compute("[index]\nnormalise = none\ndenominate = no\naggregate = geometric\n"
                    "[indicator a]\n[indicator b]\n",
                    "unit,year,a,b\nu1,2019,1,4\nu2,2019,1,4\nu1,2020,2,8\nu2,2020,4,1\n");
    pa_explain *e = explain(&x, NULL, NULL);
    assert_close(part(e, "u1", "a"), 1, 1e-12);
    assert_close(part(e, "u1", "b"), 1, 1e-12);
    assert_close(part(e, "u2", "a"), log(4), 1e-12);
    assert_close(part(e, "u2", "b"), -log(4), 1e-12);
    assert_true(isnan(pa_explain_share(e, 2))); /* a change of 0 has no shares */
    pa_explain_free(e);
    run_free(&x);
}

/* Copeland: u1 (a 1, b 1) and u2 (a 2, b 0) tie in 2019 (0 and 0); in 2020 u1's a is 3 and u1
 * wins: +1, u2 −1. Only a moved, in u1 only, and it carries both units' changes. */
static void
test_copeland_by_hand(void **state)
{
    (void)state;
    run x = compute("[index]\nnormalise = none\ndenominate = no\naggregate = copeland\n"
                    "[indicator a]\n[indicator b]\n",
                    "unit,year,a,b\nu1,2019,1,1\nu2,2019,2,0\nu1,2020,3,1\nu2,2020,2,0\n");
    pa_explain *e = explain(&x, NULL, NULL);
    assert_close(part(e, "u1", "a"), 1, TOL);
    assert_close(part(e, "u2", "a"), -1, TOL);
    assert_close(part(e, "u2", "b"), 0, TOL);
    pa_explain_free(e);
    run_free(&x);
}

/* A mean base: the mean of the explanations against each period of it. */
static void
test_mean_base(void **state)
{
    (void)state;
    run x = compute("[index]\nnormalise = none\ndenominate = no\naggregate = geometric\n"
                    "[indicator a]\nweight = 2\n[indicator b]\n",
                    "unit,year,a,b\nu1,2018,3,9\nu1,2019,1,4\nu1,2020,2,8\n");
    pa_error err;
    assert_int_equal(pa_result_set_compare(x.r, PA_COMPARE_MEAN, 2, &err), PA_OK);
    pa_explain *e = explain(&x, NULL, NULL);
    assert_int_equal(check_sums(e), 1);
    pa_explain_free(e);
    assert_int_equal(pa_result_set_base(x.r, "2018", &err), PA_OK);
    pa_explain *e18 = explain(&x, NULL, NULL);
    assert_int_equal(pa_result_set_base(x.r, "2019", &err), PA_OK);
    pa_explain *e19 = explain(&x, NULL, NULL);
    assert_int_equal(pa_result_set_compare(x.r, PA_COMPARE_MEAN, 2, &err), PA_OK);
    e = explain(&x, NULL, NULL);
    assert_close(part(e, "u1", "a"), (part(e18, "u1", "a") + part(e19, "u1", "a")) / 2, 1e-12);
    pa_explain_free(e);
    pa_explain_free(e18);
    pa_explain_free(e19);
    run_free(&x);
}

static void
expect_refused(const run *x, const pa_model *m, const char *node, const char *period,
               pa_status want, const char *needle)
{
    pa_explain *e = (pa_explain *)1;
    pa_error err;
    memset(&err, 0, sizeof err);
    pa_status st = pa_explain_compute(&e, m, x->r, node, period, &err);
    if (st != want || !strstr(err.text, needle))
        print_error("expected %d with '%s', got %d: %s\n", (int)want, needle, (int)st, err.text);
    assert_int_equal(st, want);
    assert_null(e);
    assert_non_null(strstr(err.text, needle));
}

static void
test_refusals(void **state)
{
    (void)state;
    run x = sweep("arithmetic");
    expect_refused(&x, x.m, NULL, "2019", PA_ERR_ARGUMENT, "no base period");
    expect_refused(&x, x.m, "nope", NULL, PA_ERR_ARGUMENT, "no node 'nope'");
    expect_refused(&x, x.m, "pen", NULL, PA_ERR_ARGUMENT, "'pen' is a penalty row");
    expect_refused(&x, x.m, NULL, "1999", PA_ERR_ARGUMENT, "no period '1999'");
    pa_model *other = NULL;
    pa_error err;
    assert_int_equal(pa_model_parse(&other, "[index]\n[indicator a]\n", NULL, &err), PA_OK);
    expect_refused(&x, other, NULL, NULL, PA_ERR_ARGUMENT, "not the one");
    pa_model_free(other);
    /* a weight changed since: the model's mean is not the result's score */
    assert_int_equal(pa_model_copy(&other, x.m, &err), PA_OK);
    assert_int_equal(pa_model_set_weight(other, "e", 7, &err), PA_OK);
    expect_refused(&x, other, NULL, NULL, PA_ERR_ARGUMENT, "not the one");
    pa_model_free(other);
    run_free(&x);
}

/* More than 20 children moved under a median: 2^21 means per unit are refused. */
static void
test_too_many_players(void **state)
{
    (void)state;
    char model[4096] = "[index]\nnormalise = none\ndenominate = no\naggregate = median\n";
    char csv[4096] = "unit,year";
    char y19[1024] = "u1,2019", y20[1024] = "u1,2020";
    for (int i = 0; i < 21; i++) {
        char s[64];
        snprintf(s, sizeof s, "[indicator i%d]\n", i);
        strcat(model, s);
        snprintf(s, sizeof s, ",i%d", i);
        strcat(csv, s);
        snprintf(s, sizeof s, ",%d", i + 1);
        strcat(y19, s);
        snprintf(s, sizeof s, ",%d", 2 * i + 3);
        strcat(y20, s);
    }
    strcat(strcat(strcat(strcat(csv, "\n"), y19), "\n"), y20);
    strcat(csv, "\n");
    run x = compute(model, csv);
    expect_refused(&x, x.m, NULL, NULL, PA_ERR_COMPUTE, "more than 20 children");
    run_free(&x);
}

/* Every allocation of an explanation may fail: PA_ERR_NOMEM, nothing returned, nothing
 * leaked (the sanitizer build checks the last). */
static void
test_every_allocation_fails_cleanly(void **state)
{
    (void)state;
    static const char *const methods[] = { "arithmetic", "median", "copeland" };
    for (size_t k = 0; k < sizeof methods / sizeof *methods; k++) {
        run x = sweep(methods[k]);
        pa_explain *e = NULL;
        pa_error err;
        pa__alloc_fail_at(0);
        assert_int_equal(pa_explain_compute(&e, x.m, x.r, NULL, NULL, &err), PA_OK);
        long total = pa__alloc_fail_at(0);
        pa_explain_free(e);
        assert_true(total > 5);
        for (long n = 1; n <= total; n++) {
            pa__alloc_fail_at(n);
            e = (pa_explain *)1;
            pa_status st = pa_explain_compute(&e, x.m, x.r, NULL, NULL, &err);
            pa__alloc_fail_at(0);
            if (st != PA_ERR_NOMEM)
                print_error("%s: allocation %ld of %ld failed: status %d\n", methods[k], n,
                            total, (int)st);
            assert_int_equal(st, PA_ERR_NOMEM);
            assert_null(e);
        }
        run_free(&x);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sums_every_method),
        cmocka_unit_test(test_arithmetic_by_hand),
        cmocka_unit_test(test_missing_child_shapley),
        cmocka_unit_test(test_median_shapley),
        cmocka_unit_test(test_geometric_by_hand),
        cmocka_unit_test(test_copeland_by_hand),
        cmocka_unit_test(test_mean_base),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_too_many_players),
        cmocka_unit_test(test_every_allocation_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
