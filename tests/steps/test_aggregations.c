/* SPDX-License-Identifier: MIT */
/* The further aggregations (doc/methods.md §7): weighted median, generalised mean,
 * Mazziotta–Pareto through pa_aggregate_values; Copeland, genmean parameters and a group's
 * min_coverage end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

#define TOL 1e-12

#include "pipeline.h"

#define LEN(a) (sizeof(a) / sizeof *(a))

/* pa_aggregate_values that must succeed (*bad stays −1). */
static double
agg(pa_agg how, const double *x, const double *w, size_t n, double p)
{
    int bad = 12345;
    double v = pa_aggregate_values(how, x, w, n, p, &bad);
    assert_int_equal(bad, -1);
    return v;
}

/* ---- weighted median ---- */

static void
test_median_odd(void **state)
{
    (void)state;
    /* sorted 1, 2, 3, weights 1: Σw/2 = 1.5; cumulative 1, 2 → 2 reaches it first */
    const double x[] = { 3, 1, 2 }, w[] = { 1, 1, 1 };
    assert_close(agg(PA_AGG_MEDIAN, x, w, 3, 0), 2.0, TOL);
}

static void
test_median_even_exact_half(void **state)
{
    (void)state;
    /* sorted 1, 2, 3, 4, weights 1: Σw/2 = 2; cumulative after 2 is exactly 2 → (2 + 3)/2 */
    const double x[] = { 4, 1, 3, 2 }, w[] = { 1, 1, 1, 1 };
    assert_close(agg(PA_AGG_MEDIAN, x, w, 4, 0), 2.5, TOL);
}

static void
test_median_unequal_weights(void **state)
{
    (void)state;
    /* 1, 2, 3 with weights 1, 1, 4: Σw/2 = 3; cumulative 1, 2, 6 → 3 (unweighted: 2) */
    const double x[] = { 1, 2, 3 }, w[] = { 1, 1, 4 };
    assert_close(agg(PA_AGG_MEDIAN, x, w, 3, 0), 3.0, TOL);
    /* weights 3, 1, 1: Σw/2 = 2.5; cumulative 3 ≥ 2.5 at once → 1 */
    const double w2[] = { 3, 1, 1 };
    assert_close(agg(PA_AGG_MEDIAN, x, w2, 3, 0), 1.0, TOL);
    /* weights 1, 2, 3 (given unsorted with x): Σw/2 = 3; cumulative 1, 3 = exactly half →
     * mean of 2 and the next, 3: 2.5 */
    const double x3[] = { 3, 1, 2 }, w3[] = { 3, 1, 2 };
    assert_close(agg(PA_AGG_MEDIAN, x3, w3, 3, 0), 2.5, TOL);
    /* a NaN child drops out with its weight: {5, 1} with weights 1, 1 → exactly half after 1
     * → (1 + 5)/2 = 3 (had the weight 10 stayed, the total 12 would make it 5) */
    const double x4[] = { NAN, 5, 1 }, w4[] = { 10, 1, 1 };
    assert_close(agg(PA_AGG_MEDIAN, x4, w4, 3, 0), 3.0, TOL);
}

/* ---- generalised mean ---- */

static void
test_genmean_p2(void **state)
{
    (void)state;
    /* ((1² + 7²)/2)^(1/2) = √25 = 5 */
    const double x[] = { 1, 7 }, w[] = { 1, 1 };
    assert_close(agg(PA_AGG_GENMEAN, x, w, 2, 2), 5.0, TOL);
    /* weights 1, 2: ((1 + 2·49)/3)^(1/2) = √33 = 5.744562646538029 */
    const double w2[] = { 1, 2 };
    assert_close(agg(PA_AGG_GENMEAN, x, w2, 2, 2), 5.744562646538029, TOL);
}

static void
test_genmean_p_minus_one_is_harmonic(void **state)
{
    (void)state;
    /* x 1, 4 with weights 1, 3: ((1·1⁻¹ + 3·4⁻¹)/4)⁻¹ = (1.75/4)⁻¹ = 16/7 = 2.2857142857142856;
     * harmonic Σw/Σ(w/x) = 4/(1 + 0.75) = 16/7 */
    const double x[] = { 1, 4 }, w[] = { 1, 3 };
    double g = agg(PA_AGG_GENMEAN, x, w, 2, -1);
    assert_close(g, 16.0 / 7.0, TOL);
    assert_close(g, agg(PA_AGG_HARMONIC, x, w, 2, 0), TOL);
    /* 2, 6 equal weights: 2/(1/2 + 1/6) = 3 */
    const double y[] = { 2, 6 }, v[] = { 1, 1 };
    assert_close(agg(PA_AGG_GENMEAN, y, v, 2, -1), 3.0, TOL);
}

static void
test_genmean_bad_children(void **state)
{
    (void)state;
    int bad = -1;
    /* p < 0 and a child at 0: 0⁻¹ is undefined → *bad names the child (index 1) */
    const double x[] = { 2, 0, 3 }, w[] = { 1, 1, 1 };
    double v = pa_aggregate_values(PA_AGG_GENMEAN, x, w, 3, -1, &bad);
    assert_true(isnan(v));
    assert_int_equal(bad, 1);
    /* fractional p and a negative child */
    const double y[] = { 4, -1 };
    bad = -1;
    v = pa_aggregate_values(PA_AGG_GENMEAN, y, w, 2, 0.5, &bad);
    assert_true(isnan(v));
    assert_int_equal(bad, 1);
    /* p = 2 takes a 0: ((0 + 4²)/2)^(1/2) = √8 */
    const double z[] = { 0, 4 };
    assert_close(agg(PA_AGG_GENMEAN, z, w, 2, 2), sqrt(8.0), TOL);
    /* the geometric mean refuses 0 the same way */
    bad = -1;
    v = pa_aggregate_values(PA_AGG_GEOMETRIC, z, w, 2, 0, &bad);
    assert_true(isnan(v));
    assert_int_equal(bad, 0);
}

static void
test_genmean_nan_drops_out(void **state)
{
    (void)state;
    /* COINr's a_genmean gives NA here; the missing child drops out with its weight:
     * {1, 7} weights 1, 1 → 5 (had the weight 5 stayed: ((1 + 49)/7)^(1/2) = 2.67) */
    const double x[] = { 1, NAN, 7 }, w[] = { 1, 5, 1 };
    assert_close(agg(PA_AGG_GENMEAN, x, w, 3, 2), 5.0, TOL);
    /* every child missing → NaN, not an error */
    const double n[] = { NAN, NAN };
    assert_true(isnan(agg(PA_AGG_GENMEAN, n, w, 2, 2)));
}

/* ---- Mazziotta–Pareto ---- */

static void
test_mpi(void **state)
{
    (void)state;
    /* 2, 4, 6 equal weights: M = 4, S = √((4 + 0 + 4)/3) = √(8/3) = 1.63299,
     * cv = S/M = 0.40825, S·cv = (8/3)/4 = 2/3:
     * negative 4 − 2/3 = 3.3333333333333335, positive 4 + 2/3 = 4.666666666666667
     * (the population S of doc/methods.md; Compind's ci_mpi, var with m − 1: S² = 4, 4 ∓ 1) */
    const double x[] = { 2, 4, 6 }, w[] = { 1, 1, 1 };
    assert_close(agg(PA_AGG_MPI, x, w, 3, -1), 10.0 / 3.0, TOL);
    assert_close(agg(PA_AGG_MPI, x, w, 3, +1), 14.0 / 3.0, TOL);
    /* weighted: 1, 4 with weights 2, 1: M = (2 + 4)/3 = 2, S² = (2·1 + 1·4)/3 = 2,
     * S·cv = S²/M = 1 → negative 1, positive 3 */
    const double y[] = { 1, 4 }, v[] = { 2, 1 };
    assert_close(agg(PA_AGG_MPI, y, v, 2, -1), 1.0, TOL);
    assert_close(agg(PA_AGG_MPI, y, v, 2, +1), 3.0, TOL);
}

static void
test_mpi_equal_children(void **state)
{
    (void)state;
    /* S = 0: no penalty either way, the mean 5 */
    const double x[] = { 5, 5, 5 }, w[] = { 1, 2, 3 };
    assert_close(agg(PA_AGG_MPI, x, w, 3, -1), 5.0, TOL);
    assert_close(agg(PA_AGG_MPI, x, w, 3, +1), 5.0, TOL);
    /* M = 0 with unequal children: cv undefined → *bad */
    const double y[] = { -1, 1 }, v[] = { 1, 1 };
    int bad = -1;
    assert_true(isnan(pa_aggregate_values(PA_AGG_MPI, y, v, 2, -1, &bad)));
    assert_true(bad >= 0);
}

static void
test_mpi_end_to_end(void **state)
{
    (void)state;
    /* the [index] keys reach the method: 2, 4, 6 → 4 ∓ 2/3 as in test_mpi */
    const char *csv = "unit,year,a,b,c\n"
                      "u1,2020,2,4,6\n";
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "aggregate = mpi\n"
                    "[indicator a]\n"
                    "[indicator b]\n"
                    "[indicator c]\n",
                    csv);
    assert_close(SCORE(x, "u1", "2020", "index"), 10.0 / 3.0, TOL);
    run_free(&x);
    x = compute("[index]\n"
                "normalise = none\n"
                "denominate = no\n"
                "aggregate = mpi\n"
                "penalty = positive\n"
                "[indicator a]\n"
                "[indicator b]\n"
                "[indicator c]\n",
                csv);
    assert_close(SCORE(x, "u1", "2020", "index"), 14.0 / 3.0, TOL);
    run_free(&x);
}

/* ---- Copeland, end to end ---- */

static void
test_copeland(void **state)
{
    (void)state;
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "aggregate = copeland\n"
                    "[indicator a]\n"
                    "weight = 2\n"
                    "[indicator b]\n"
                    "[indicator c]\n",
                    "unit,year,a,b,c\n"
                    "u1,2020,2,1,3\n"
                    "u2,2020,0,0,4\n"
                    "u3,2020,0,2,4\n"
                    "u4,2020,0,4,1\n");
    /* weight shares a 0.5, b 0.25, c 0.25; o(i, j) = share where i is higher, ties half;
     * o > ½ → +1, o < ½ → −1, o = ½ → 0, and o(j, i) = 1 − o(i, j):
     * u1–u2: a 2>0 .5, b 1>0 .25, c 3<4       → .75  → u1 +1, u2 −1
     * u1–u3: a 2>0 .5, b 1<2, c 3<4           → .5   → 0, 0
     * u1–u4: a 2>0 .5, b 1<4, c 3>1 .25       → .75  → u1 +1, u4 −1
     * u2–u3: a tie .25, b 0<2, c tie .125     → .375 → u2 −1, u3 +1
     * u2–u4: a tie .25, b 0<4, c 4>1 .25      → .5   → 0, 0  (ties as 0: .25; as 1: .75)
     * u3–u4: a tie .25, b 2<4, c 4>1 .25      → .5   → 0, 0
     * u1 = 1 + 0 + 1 = 2; u2 = −1 − 1 + 0 = −2; u3 = 0 + 1 + 0 = 1; u4 = −1 + 0 + 0 = −1
     * (equal weights would make u1–u3 1/3 → −1 and u1 = 1) */
    assert_close(SCORE(x, "u1", "2020", "index"), 2.0, TOL);
    assert_close(SCORE(x, "u2", "2020", "index"), -2.0, TOL);
    assert_close(SCORE(x, "u3", "2020", "index"), 1.0, TOL);
    assert_close(SCORE(x, "u4", "2020", "index"), -1.0, TOL);
    assert_int_equal(RANK(x, "u1", "2020", "index"), 1);
    assert_int_equal(RANK(x, "u3", "2020", "index"), 2);
    assert_int_equal(RANK(x, "u4", "2020", "index"), 3);
    assert_int_equal(RANK(x, "u2", "2020", "index"), 4);
    run_free(&x);
}

/* An exact tie of outranking weights: six children of weight 1, u1 higher on a and b,
 * lower on c and f, tied on d and e. The share 1/6 + 1/6 + 1/12 + 1/12 summed in this
 * order is 0.49999999999999994, which would make u1 lose; the exact answer is a tie. */
static void
test_copeland_exact_tie(void **state)
{
    (void)state;
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "aggregate = copeland\n"
                    "[indicator a]\n[indicator b]\n[indicator c]\n"
                    "[indicator d]\n[indicator e]\n[indicator f]\n",
                    "unit,year,a,b,c,d,e,f\n"
                    "u1,2020,1,1,1,1,1,1\n"
                    "u2,2020,0,0,2,1,1,2\n");
    assert_true(SCORE(x, "u1", "2020", "index") == 0.0);
    assert_true(SCORE(x, "u2", "2020", "index") == 0.0);
    assert_int_equal(RANK(x, "u1", "2020", "index"), 1);
    assert_int_equal(RANK(x, "u2", "2020", "index"), 1);
    run_free(&x);
}

/* A pair with a missing child is compared over the children both have, in either order of
 * the rows: u1 is higher on a, b is missing for u1, so u1 +1 and u2 −1. COINr gives the first
 * row the share 1/2 (a tie) with u1 first, and 0 (u1 +1) with u2 first. */
static void
test_copeland_missing_child_order(void **state)
{
    (void)state;
    static const char *const csv[] = { "unit,year,a,b\nu1,2020,1,NA\nu2,2020,0,5\n",
                                       "unit,year,a,b\nu2,2020,0,5\nu1,2020,1,NA\n" };
    for (size_t i = 0; i < LEN(csv); i++) {
        run x = compute("[index]\nnormalise = none\ndenominate = no\naggregate = copeland\n"
                        "[indicator a]\n[indicator b]\n",
                        csv[i]);
        assert_true(SCORE(x, "u1", "2020", "index") == 1.0);
        assert_true(SCORE(x, "u2", "2020", "index") == -1.0);
        run_free(&x);
    }
}

/* Copeland on 80 units × 2 periods against the definition worked out unit by unit: ties,
 * missing children, a reference unit (scored, never an opponent), screened units (neither),
 * and a unit with every child missing (no score, still an opponent that ties with all). */
static void
test_copeland_definition(void **state)
{
    (void)state;
    enum { NU = 80 };
    static char csv[NU * 2 * 40 + 64];
    size_t n = (size_t)snprintf(csv, sizeof csv, "unit,year,a,b,c\n");
    uint64_t seed = 7;
    for (int y = 0; y < 2; y++)
        for (int u = 0; u < NU; u++) {
            char v[3][8];
            for (int c = 0; c < 3; c++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                unsigned r = (unsigned)(seed >> 33);
                if (r % 9 == 0 || (u == 5 && c < 2) || (u == 6 && y == 1))
                    snprintf(v[c], sizeof v[c], "NA");
                else
                    snprintf(v[c], sizeof v[c], "%u", r % 5);
            }
            n += (size_t)snprintf(csv + n, sizeof csv - n, "u%d,%d,%s,%s,%s\n", u, 2020 + y,
                                  v[0], v[1], v[2]);
        }
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "aggregate = copeland\n"
                    "reference_units = u0\n"
                    "min_coverage = 0.5\n"
                    "[indicator a]\n"
                    "weight = 3\n"
                    "[indicator b]\n"
                    "[indicator c]\n"
                    "weight = 2\n",
                    csv);
    const pa_result *r = x.r;
    size_t top = N(r, "index"), ch[3] = { N(r, "a"), N(r, "b"), N(r, "c") };
    double w[3] = { 3, 1, 2 }; /* the model's weights (relative: only their ratios matter) */
    int screened = 0, unscored = 0;
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; i < NU; i++) {
            int scr = (pa_result_flags(r, i, p, top) & PA_FLAG_SCREENED) != 0, any = 0;
            for (int c = 0; c < 3; c++)
                any |= !isnan(pa_result_score(r, i, p, ch[c]));
            screened += scr;
            if (scr || !any) {
                unscored += !scr;
                assert_true(isnan(pa_result_score(r, i, p, top)));
                continue;
            }
            double total = 0;
            for (size_t j = 0; j < NU; j++) {
                if (j == i || j == U(r, "u0") ||
                    (pa_result_flags(r, j, p, top) & PA_FLAG_SCREENED))
                    continue;
                /* the weight where i is higher against the weight where it is lower,
                 * over the children both have: the same whichever of the pair comes first */
                double better = 0, worse = 0;
                for (int c = 0; c < 3; c++) {
                    double xi = pa_result_score(r, i, p, ch[c]), xj = pa_result_score(r, j, p, ch[c]);
                    if (!isnan(xi) && !isnan(xj)) {
                        better += xi > xj ? w[c] : 0;
                        worse += xi < xj ? w[c] : 0;
                    }
                }
                total += better > worse ? 1 : better < worse ? -1 : 0;
            }
            assert_close(pa_result_score(r, i, p, top), total, TOL);
        }
    assert_true(screened >= 2); /* u5 (both years) and u6 (2021) at least */
    assert_true(pa_result_flags(r, U(r, "u6"), P(r, "2021"), top) & PA_FLAG_SCREENED);
    (void)unscored;
    run_free(&x);
}

/* ---- model errors ---- */

static void
test_genmean_model_errors(void **state)
{
    (void)state;
    expect_model_error("[index]\n"               /* 1 */
                       "normalise = none\n"      /* 2 */
                       "aggregate = genmean\n"   /* 3 */
                       "[indicator a]\n",        /* 4 */
                       3, "'p'");
    expect_model_error("[index]\n"               /* 1 */
                       "normalise = none\n"      /* 2 */
                       "aggregate = genmean\n"   /* 3 */
                       "p = 0\n"                 /* 4 */
                       "[indicator a]\n",        /* 5 */
                       4, "p must be");
    /* at a group */
    expect_model_error("[index]\n"               /* 1 */
                       "normalise = none\n"      /* 2 */
                       "[group g]\n"             /* 3 */
                       "aggregate = genmean\n"   /* 4 */
                       "[indicator a]\n"         /* 5 */
                       "parent = g\n",           /* 6 */
                       4, "'p'");
    /* with p it is accepted and computes: ((1² + 7²)/2)^(1/2) = 5 */
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "aggregate = genmean\n"
                    "p = 2\n"
                    "[indicator a]\n"
                    "[indicator b]\n",
                    "unit,year,a,b\n"
                    "u1,2020,1,7\n");
    assert_close(SCORE(x, "u1", "2020", "index"), 5.0, TOL);
    run_free(&x);
}

/* ---- a group's min_coverage ---- */

static void
test_group_min_coverage(void **state)
{
    (void)state;
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "[group g]\n"
                    "min_coverage = 0.75\n"
                    "[group h]\n"
                    "min_coverage = 0.5\n"
                    "[indicator a]\n"
                    "parent = g\n"
                    "[indicator b]\n"
                    "parent = g\n"
                    "[indicator c]\n"
                    "parent = g\n"
                    "[indicator d]\n"
                    "parent = h\n"
                    "[indicator e]\n"
                    "parent = h\n"
                    "[indicator f]\n"
                    "parent = h\n"
                    "[indicator k]\n"
                    "parent = h\n",
                    "unit,year,a,b,c,d,e,f,k\n"
                    "u1,2020,1,2,3,4,5,6,7\n"
                    "u2,2020,1,2,,4,8,,\n");
    /* u1: all present: g = (1 + 2 + 3)/3 = 2, h = (4 + 5 + 6 + 7)/4 = 5.5,
     * index = (2 + 5.5)/2 = 3.75 */
    assert_close(SCORE(x, "u1", "2020", "g"), 2.0, TOL);
    assert_close(SCORE(x, "u1", "2020", "h"), 5.5, TOL);
    assert_close(SCORE(x, "u1", "2020", "index"), 3.75, TOL);
    assert_int_equal(FLAGS(x, "u1", "2020", "g"), 0);
    /* u2: g has 2 of 3 children, 2 < 0.75·3 = 2.25 → missing, flagged, not ranked */
    assert_true(isnan(SCORE(x, "u2", "2020", "g")));
    assert_true(FLAGS(x, "u2", "2020", "g") & PA_FLAG_LOW_COVERAGE);
    assert_int_equal(RANK(x, "u2", "2020", "g"), 0);
    assert_int_equal(RANK(x, "u1", "2020", "g"), 1);
    /* h has 2 of 4, exactly 0.5·4 = 2, not fewer → (4 + 8)/2 = 6 */
    assert_close(SCORE(x, "u2", "2020", "h"), 6.0, TOL);
    assert_false(FLAGS(x, "u2", "2020", "h") & PA_FLAG_LOW_COVERAGE);
    /* the index (no min_coverage) takes h alone: 6 */
    assert_close(SCORE(x, "u2", "2020", "index"), 6.0, TOL);
    assert_false(FLAGS(x, "u2", "2020", "index") & PA_FLAG_LOW_COVERAGE);
    run_free(&x);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median_odd),
        cmocka_unit_test(test_median_even_exact_half),
        cmocka_unit_test(test_median_unequal_weights),
        cmocka_unit_test(test_genmean_p2),
        cmocka_unit_test(test_genmean_p_minus_one_is_harmonic),
        cmocka_unit_test(test_genmean_bad_children),
        cmocka_unit_test(test_genmean_nan_drops_out),
        cmocka_unit_test(test_mpi),
        cmocka_unit_test(test_mpi_equal_children),
        cmocka_unit_test(test_mpi_end_to_end),
        cmocka_unit_test(test_copeland),
        cmocka_unit_test(test_copeland_exact_tie),
        cmocka_unit_test(test_copeland_missing_child_order),
        cmocka_unit_test(test_copeland_definition),
        cmocka_unit_test(test_genmean_model_errors),
        cmocka_unit_test(test_group_min_coverage),
    };
    return cmocka_run_group_tests_name("aggregations", tests, NULL, NULL);
}
