/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/aggregate.c: pa_aggregate_values by hand, then pa_compute end to end where
 * a geometric mean meets a goalposts score of exactly 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "../testutil.h"

#define REL 1e-12

static void
test_arithmetic(void **state)
{
    (void)state;
    int bad = 99;
    /* (3·60 + 1·30)/(3 + 1) = 210/4 = 52.5 */
    double v = pa_aggregate_values(PA_AGG_ARITHMETIC, (double[]){ 60, 30 }, (double[]){ 3, 1 },
                                   2, 0, &bad);
    assert_close(v, 52.5, REL);
    assert_int_equal(bad, -1);
    /* zero and negative children are fine here: (1·(−10) + 3·10)/4 = 20/4 = 5 */
    v = pa_aggregate_values(PA_AGG_ARITHMETIC, (double[]){ -10, 10 }, (double[]){ 1, 3 }, 2, 0, &bad);
    assert_close(v, 5, REL);
    assert_int_equal(bad, -1);
    v = pa_aggregate_values(PA_AGG_ARITHMETIC, (double[]){ 0, 0 }, (double[]){ 1, 1 }, 2, 0, &bad);
    assert_true(v == 0);
    assert_int_equal(bad, -1);
}

static void
test_geometric(void **state)
{
    (void)state;
    int bad = 99;
    /* exp((2·ln 8 + 1·ln 1)/3) = 8^(2/3) = 4 */
    double v = pa_aggregate_values(PA_AGG_GEOMETRIC, (double[]){ 8, 1 }, (double[]){ 2, 1 }, 2, 0, &bad);
    assert_close(v, 4, REL);
    assert_int_equal(bad, -1);
    /* 50^(3/4)·100^(1/4) = 59.460355750136… */
    v = pa_aggregate_values(PA_AGG_GEOMETRIC, (double[]){ 50, 100 }, (double[]){ 3, 1 }, 2, 0, &bad);
    assert_close(v, 59.46035575013606, 1e-13);
}

static void
test_harmonic(void **state)
{
    (void)state;
    int bad = 99;
    /* Σw/Σ(w/x) = (1 + 3)/(1/2 + 3/4) = 4/1.25 = 3.2 */
    double v = pa_aggregate_values(PA_AGG_HARMONIC, (double[]){ 2, 4 }, (double[]){ 1, 3 }, 2, 0, &bad);
    assert_close(v, 3.2, REL);
    assert_int_equal(bad, -1);
}

static void
test_genmean(void **state)
{
    (void)state;
    int bad = 99;
    /* p = 2: sqrt((1·3² + 1·4²)/2) = sqrt(12.5) = 3.5355339059327378 */
    double v = pa_aggregate_values(PA_AGG_GENMEAN, (double[]){ 3, 4 }, (double[]){ 1, 1 }, 2, 2,
                                   &bad);
    assert_close(v, sqrt(12.5), REL);
    assert_int_equal(bad, -1);
    /* p = −1 is the harmonic mean: ((1/2 + 3/4)/4)^−1 = 3.2 */
    v = pa_aggregate_values(PA_AGG_GENMEAN, (double[]){ 2, 4 }, (double[]){ 1, 3 }, 2, -1, &bad);
    assert_close(v, 3.2, REL);
    /* p < 0 cannot take a 0 */
    v = pa_aggregate_values(PA_AGG_GENMEAN, (double[]){ 2, 0 }, (double[]){ 1, 1 }, 2, -1, &bad);
    assert_int_equal(bad, 1);
    assert_true(isnan(v));
}

static void
test_missing_child_drops_out(void **state)
{
    (void)state;
    int bad = 99;
    /* the NaN child and its weight 5 drop out: (3·60 + 1·30)/4 = 52.5 */
    double v = pa_aggregate_values(PA_AGG_ARITHMETIC, (double[]){ 60, NAN, 30 },
                                   (double[]){ 3, 5, 1 }, 3, 0, &bad);
    assert_close(v, 52.5, REL);
    assert_int_equal(bad, -1);
    /* geometric: 8^(2/3)·1^(1/3) = 4, the weight 7 of the NaN ignored */
    v = pa_aggregate_values(PA_AGG_GEOMETRIC, (double[]){ 8, NAN, 1 }, (double[]){ 2, 7, 1 }, 3, 0, &bad);
    assert_close(v, 4, REL);
    /* harmonic: (1 + 3)/(1/2 + 3/4) = 3.2 */
    v = pa_aggregate_values(PA_AGG_HARMONIC, (double[]){ NAN, 2, 4 }, (double[]){ 9, 1, 3 }, 3, 0, &bad);
    assert_close(v, 3.2, REL);
}

static void
test_all_missing(void **state)
{
    (void)state;
    static const pa_agg aggs[] = { PA_AGG_ARITHMETIC, PA_AGG_GEOMETRIC, PA_AGG_HARMONIC };
    for (size_t k = 0; k < 3; k++) {
        int bad = 99;
        double v = pa_aggregate_values(aggs[k], (double[]){ NAN, NAN }, (double[]){ 1, 2 }, 2, 0, &bad);
        assert_true(isnan(v));
        assert_int_equal(bad, -1);
        /* no children at all */
        v = pa_aggregate_values(aggs[k], NULL, NULL, 0, 0, &bad);
        assert_true(isnan(v));
        assert_int_equal(bad, -1);
    }
}

static void
test_zero_or_negative_child(void **state)
{
    (void)state;
    int bad = 99;
    /* geometric: ln 0 is undefined → *bad = index of the 0 (1), result NaN */
    double v = pa_aggregate_values(PA_AGG_GEOMETRIC, (double[]){ 5, 0, 3 },
                                   (double[]){ 1, 1, 1 }, 3, 0, &bad);
    assert_int_equal(bad, 1);
    assert_true(isnan(v));
    /* negative child at index 2 */
    v = pa_aggregate_values(PA_AGG_GEOMETRIC, (double[]){ 5, 3, -1 }, (double[]){ 1, 1, 1 }, 3, 0, &bad);
    assert_int_equal(bad, 2);
    /* harmonic: 1/0 → index 0 */
    v = pa_aggregate_values(PA_AGG_HARMONIC, (double[]){ 0, 1 }, (double[]){ 1, 1 }, 2, 0, &bad);
    assert_int_equal(bad, 0);
    v = pa_aggregate_values(PA_AGG_HARMONIC, (double[]){ 1, -2 }, (double[]){ 1, 1 }, 2, 0, &bad);
    assert_int_equal(bad, 1);
    /* a missing child before the 0 does not shift the index */
    v = pa_aggregate_values(PA_AGG_GEOMETRIC, (double[]){ NAN, 0 }, (double[]){ 1, 1 }, 2, 0, &bad);
    assert_int_equal(bad, 1);
}

/* ---- end to end ---- */

static pa_model *
model(const char *text)
{
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&m, text, "agg.ini", &e);
    if (st != PA_OK)
        print_error("%s:%ld:%ld: %s\n", e.file, e.line, e.column, e.text);
    assert_int_equal(st, PA_OK);
    return m;
}

static pa_data *
data(const pa_model *m, const char *csv)
{
    pa_data *d = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    pa_status st = pa_data_read_buffer(d, csv, strlen(csv), "agg.csv", &e);
    if (st != PA_OK)
        print_error("%s:%ld:%ld: %s\n", e.file, e.line, e.column, e.text);
    assert_int_equal(st, PA_OK);
    return d;
}

/* Two goalposts indicators 0..10 under a geometric index; a weighs 3, b 1. */
static const char geo_model[] = "[index]\n"
                                "code = idx\n"
                                "normalise = goalposts\n"
                                "aggregate = geometric\n"
                                "[indicator a]\n"
                                "goalposts = 0, 10\n"
                                "weight = 3\n"
                                "[indicator b]\n"
                                "goalposts = 0, 10\n";

static void
test_compute_geometric(void **state)
{
    (void)state;
    pa_model *m = model(geo_model);
    /* u1: a 5 → 50, b 10 → 100: 50^(3/4)·100^(1/4) = 59.460355750136…
     * u2: a 2.5 → 25, b 5 → 50: 25^(3/4)·50^(1/4) = 29.730177875068…
     * u3: a missing → b alone: 100 */
    pa_data *d = data(m, "unit,year,a,b\n"
                         "u1,2019,5,10\n"
                         "u2,2019,2.5,5\n"
                         "u3,2019,NA,10\n");
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_OK);
    size_t idx = pa_result_node_find(r, "idx");
    assert_true(idx == 2); /* indicators first, the index last */
    assert_close(pa_result_score(r, 0, 0, idx), 59.46035575013606, 1e-13);
    assert_close(pa_result_score(r, 1, 0, idx), 29.730177875068023, 1e-13);
    assert_close(pa_result_score(r, 2, 0, idx), 100, REL);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_compute_geometric_meets_zero(void **state)
{
    (void)state;
    pa_model *m = model(geo_model);
    /* u2's a is 0, exactly the lower post: its score is 0 and the geometric mean at 'idx'
     * cannot take it → PA_ERR_COMPUTE naming unit u2, period 2019, node a (and idx), and
     * pointing at u2's data row (agg.csv line 3) */
    pa_data *d = data(m, "unit,year,a,b\n"
                         "u1,2019,5,10\n"
                         "u2,2019,0,5\n");
    pa_result *r = (pa_result *)0x1;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_ERR_COMPUTE);
    assert_null(r);
    assert_int_equal(e.status, PA_ERR_COMPUTE);
    assert_non_null(strstr(e.text, "'u2'"));
    assert_non_null(strstr(e.text, "'2019'"));
    assert_non_null(strstr(e.text, "'a'"));
    assert_non_null(strstr(e.text, "'idx'"));
    assert_null(strstr(e.text, "'u1'"));
    assert_string_equal(e.file, "agg.csv");
    assert_int_equal(e.line, 3);
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_compute_zero_from_a_group(void **state)
{
    (void)state;
    /* g is arithmetic over a alone; a = 0 at the post makes g = 0, and the geometric index
     * over g and b then fails naming g */
    pa_model *m = model("[index]\n"
                        "code = idx\n"
                        "normalise = goalposts\n"
                        "aggregate = geometric\n"
                        "[group g]\n"
                        "aggregate = arithmetic\n"
                        "[indicator a]\n"
                        "parent = g\n"
                        "goalposts = 0, 10\n"
                        "[indicator b]\n"
                        "goalposts = 0, 10\n");
    pa_data *d = data(m, "unit,a,b\n"
                         "u1,0,5\n");
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_ERR_COMPUTE);
    assert_non_null(strstr(e.text, "'u1'"));
    assert_non_null(strstr(e.text, "'g'"));
    assert_non_null(strstr(e.text, "'idx'"));
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_compute_arithmetic_weights(void **state)
{
    (void)state;
    /* group weights 6 : 2 renormalise to 0.75 : 0.25; scores as-is (normalise = none):
     * u1: (6·80 + 2·40)/8 = 560/8 = 70; u2 with g2 missing: 60 alone */
    pa_model *m = model("[index]\n"
                        "code = idx\n"
                        "normalise = none\n"
                        "[group g1]\n"
                        "weight = 6\n"
                        "[group g2]\n"
                        "weight = 2\n"
                        "[indicator a]\n"
                        "parent = g1\n"
                        "[indicator b]\n"
                        "parent = g2\n");
    pa_data *d = data(m, "unit,a,b\n"
                         "u1,80,40\n"
                         "u2,60,\n");
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_OK);
    size_t idx = pa_result_node_find(r, "idx");
    assert_close(pa_result_score(r, 0, 0, idx), 70, REL);
    assert_close(pa_result_score(r, 1, 0, idx), 60, REL);
    assert_true(isnan(pa_result_score(r, 1, 0, pa_result_node_find(r, "g2"))));
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_geometric),
        cmocka_unit_test(test_harmonic),
        cmocka_unit_test(test_genmean),
        cmocka_unit_test(test_missing_child_drops_out),
        cmocka_unit_test(test_all_missing),
        cmocka_unit_test(test_zero_or_negative_child),
        cmocka_unit_test(test_compute_geometric),
        cmocka_unit_test(test_compute_geometric_meets_zero),
        cmocka_unit_test(test_compute_zero_from_a_group),
        cmocka_unit_test(test_compute_arithmetic_weights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
