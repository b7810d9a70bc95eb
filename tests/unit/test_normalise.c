/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/normalise.c: pa_normalise_vector for every method on small vectors whose
 * scores are worked out by hand in the comments (COINr 1.1.14 formulas, SPEC §4). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "../testutil.h"

#define REL 1e-12
#define N(a) (sizeof(a) / sizeof *(a))

/* A hand-built indicator: defaults range 0,100, mean_sd 0,1, direction 1. */
static pa_node
ind(pa_norm norm, int direction)
{
    pa_node nd;
    memset(&nd, 0, sizeof nd);
    nd.code = (char *)"x";
    nd.is_indicator = 1;
    nd.eff.norm = norm;
    nd.eff.range[0] = 0;
    nd.eff.range[1] = 100;
    nd.eff.mean_sd[0] = 0;
    nd.eff.mean_sd[1] = 1;
    nd.eff.trunc = 1;
    nd.direction = direction;
    nd.weight = 1;
    nd.per = 1;
    return nd;
}

static void
expect_vec(const double *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i])) {
            if (!isnan(got[i]))
                print_error("element %zu: %.17g, want NaN\n", i, got[i]);
            assert_true(isnan(got[i]));
        } else {
            /* relative, or absolute near 0 (an exact 0 may come out as 1e-17) */
            int ok = fabs(got[i] - want[i]) <= REL * fmax(1, fabs(want[i]));
            if (!ok)
                print_error("element %zu: %.17g, want %.17g\n", i, got[i], want[i]);
            assert_true(ok);
        }
    }
}

static void
run(const pa_node *nd, double *x, size_t n, const unsigned char *stat, const double *base)
{
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_normalise_vector(nd, x, n, stat, base, &e);
    if (st != PA_OK)
        print_error("status %d: %s\n", (int)st, e.text);
    assert_int_equal(st, PA_OK);
}

static void
test_minmax(void **state)
{
    (void)state;
    pa_node nd = ind(PA_NORM_MINMAX, 1);
    /* min 1, max 5: (x − 1)/4·100 → 0, 25, 75, NaN, 100 */
    double x[] = { 1, 2, 4, NAN, 5 };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 0, 25, 75, NAN, 100 }, N(x));
    /* range 1,100: (x − 1)/4·99 + 1 → 1, 25.75, 75.25, NaN, 100 */
    nd.eff.range[0] = 1;
    double y[] = { 1, 2, 4, NAN, 5 };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ 1, 25.75, 75.25, NAN, 100 }, N(y));
    /* direction −1: −x = −1, −2, −4, −5; min −5, max −1: (−x + 5)/4·100 → 100, 75, 25, 0 */
    pa_node neg = ind(PA_NORM_MINMAX, -1);
    double z[] = { 1, 2, 4, NAN, 5 };
    run(&neg, z, N(z), NULL, NULL);
    expect_vec(z, (double[]){ 100, 75, 25, NAN, 0 }, N(z));
}

static void
test_zscore(void **state)
{
    (void)state;
    pa_node nd = ind(PA_NORM_ZSCORE, 1);
    /* 2, 4, 6: mean 4, Σ(x − 4)² = 8, sd with n − 1 = sqrt(8/2) = 2 → −1, 0, 1
     * (with n it would be sqrt(8/3) ≈ 1.633 → ±1.2247) */
    double x[] = { 2, NAN, 4, 6 };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ -1, NAN, 0, 1 }, N(x));
    /* mean_sd 10, 2: 10 + 2·z → 8, 10, 12 */
    nd.eff.mean_sd[0] = 10;
    nd.eff.mean_sd[1] = 2;
    double y[] = { 2, 4, 6 };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ 8, 10, 12 }, N(y));
    /* 1..5: mean 3, Σ = 4+1+0+1+4 = 10, sd = sqrt(10/4) = sqrt(2.5); direction −1 flips */
    pa_node neg = ind(PA_NORM_ZSCORE, -1);
    double z[] = { 1, 2, 3, 4, 5 };
    run(&neg, z, N(z), NULL, NULL);
    double s = sqrt(2.5);
    expect_vec(z, (double[]){ 2 / s, 1 / s, 0, -1 / s, -2 / s }, N(z));
}

static void
test_rank_prank_borda(void **state)
{
    (void)state;
    /* 10, 20, 20, NaN, 5: n = 4 present; sorted 5, 10, 20, 20.
     * rank (ties → minimum): 10 → 2, 20 → 3, 20 → 3, 5 → 1 */
    pa_node nd = ind(PA_NORM_RANK, 1);
    double x[] = { 10, 20, 20, NAN, 5 };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 2, 3, 3, NAN, 1 }, N(x));
    /* prank = (rank − 1)/(n − 1) with n = 4 (the NaN is not counted): 1/3, 2/3, 2/3, 0 */
    nd = ind(PA_NORM_PRANK, 1);
    double y[] = { 10, 20, 20, NAN, 5 };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ 1.0 / 3, 2.0 / 3, 2.0 / 3, NAN, 0 }, N(y));
    /* borda = rank − 1: 1, 2, 2, 0 */
    nd = ind(PA_NORM_BORDA, 1);
    double z[] = { 10, 20, 20, NAN, 5 };
    run(&nd, z, N(z), NULL, NULL);
    expect_vec(z, (double[]){ 1, 2, 2, NAN, 0 }, N(z));
    /* direction −1: −10, −20, −20, −5 sorted −20, −20, −10, −5 → ranks 3, 1, 1, 4 */
    nd = ind(PA_NORM_RANK, -1);
    double w[] = { 10, 20, 20, NAN, 5 };
    run(&nd, w, N(w), NULL, NULL);
    expect_vec(w, (double[]){ 3, 1, 1, NAN, 4 }, N(w));
}

static void
test_goalposts(void **state)
{
    (void)state;
    pa_node nd = ind(PA_NORM_GOALPOSTS, 1);
    nd.goalposts[0] = 0;
    nd.goalposts[1] = 50;
    nd.goalposts_set = 1;
    /* (x − 0)/50 clamped to [0, 1], ·100: −10 → −0.2 → 0; 0 → 0; 25 → 50; 50 → 100;
     * 60 → 1.2 → 100 */
    double x[] = { -10, 0, 25, 50, 60, NAN };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 0, 0, 50, 100, 100, NAN }, N(x));
    /* direction −1 scores from the upper post: (50 − x)/50 → 1.2→1, 1, 0.5, 0, −0.2→0 */
    nd.direction = -1;
    double y[] = { -10, 0, 25, 50, 60, NAN };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ 100, 100, 50, 0, 0, NAN }, N(y));
    /* range 1, 100: 1 + y·99 → 25 gives 1 + 0.5·99 = 50.5; 50 gives 1 */
    nd.eff.range[0] = 1;
    double z[] = { 25, 50 };
    run(&nd, z, N(z), NULL, NULL);
    expect_vec(z, (double[]){ 50.5, 1 }, N(z));
    /* the posts are fixed: a mask changes nothing */
    nd = ind(PA_NORM_GOALPOSTS, 1);
    nd.goalposts[1] = 50;
    nd.goalposts_set = 1;
    double v[] = { 25, 100 };
    run(&nd, v, N(v), (const unsigned char[]){ 1, 0 }, NULL);
    expect_vec(v, (double[]){ 50, 100 }, N(v));
    /* goalposts_trunc = no (COINr trunc2posts = FALSE): −10 → −0.2·100 = −20, 60 → 120;
     * direction −1: (50 − 60)/50 = −0.2 → −20, (50 + 10)/50 → 120 */
    nd.eff.trunc = 0;
    double w[] = { -10, 25, 60 };
    run(&nd, w, N(w), NULL, NULL);
    expect_vec(w, (double[]){ -20, 50, 120 }, N(w));
    nd.direction = -1;
    double t[] = { -10, 25, 60 };
    run(&nd, t, N(t), NULL, NULL);
    expect_vec(t, (double[]){ 120, 50, -20 }, N(t));
}

static void
test_goalposts_log(void **state)
{
    (void)state;
    /* HDI income: goalposts 100, 75000 on ln; the value arrives already as ln(x) (the
     * transform is applied by the denominate step), the posts are logged here.
     * x = 10000: (ln 10000 − ln 100)/(ln 75000 − ln 100) = ln 100/ln 750
     *          = 4.60517/6.62007 = 0.695637…, ·100 = 69.5637350572699… (python3 math.log)
     * x = 50: below the lower post → 0; x = 1e6: above → 100 */
    pa_node nd = ind(PA_NORM_GOALPOSTS, 1);
    nd.goalposts[0] = 100;
    nd.goalposts[1] = 75000;
    nd.goalposts_set = 1;
    nd.transform = PA_TRANSFORM_LOG;
    double x[] = { log(10000.0), log(50.0), log(1e6) };
    run(&nd, x, N(x), NULL, NULL);
    assert_close(x[0], 69.56373505726994, 1e-13);
    expect_vec(x + 1, (double[]){ 0, 100 }, 2);
}

static void
test_dist2max(void **state)
{
    (void)state;
    /* 1 − (max − x)/(max − min), min 1, max 5: 0, 0.25, 0.75, 1 */
    pa_node nd = ind(PA_NORM_DIST2MAX, 1);
    double x[] = { 1, 2, 4, 5, NAN };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 0, 0.25, 0.75, 1, NAN }, N(x));
    /* direction −1: −x ∈ [−5, −1]: 1 − (−1 + x)/4 → 1, 0.75, 0.25, 0 */
    nd.direction = -1;
    double y[] = { 1, 2, 4, 5 };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ 1, 0.75, 0.25, 0 }, N(y));
}

static void
test_dist2targ(void **state)
{
    (void)state;
    /* direction 1, target 8, min 2: 1 − (8 − x)/(8 − 2) → 2: 0; 4: 1/3; 6: 2/3; 10: 4/3 */
    pa_node nd = ind(PA_NORM_DIST2TARG, 1);
    nd.target = 8;
    nd.target_set = 1;
    double x[] = { 2, 4, 6, 10, NAN };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 0, 1.0 / 3, 2.0 / 3, 4.0 / 3, NAN }, N(x));
    /* cap_max: 4/3 → 1 */
    nd.cap_max = 1;
    double y[] = { 2, 4, 6, 10 };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ 0, 1.0 / 3, 2.0 / 3, 1 }, N(y));
    /* direction −1, target 4, max 10 (COINr: (max − x)/(max − targ)):
     * 2 → 8/6 = 4/3; 4 → 1; 6 → 4/6 = 2/3; 10 → 0 */
    nd = ind(PA_NORM_DIST2TARG, -1);
    nd.target = 4;
    nd.target_set = 1;
    double z[] = { 2, 4, 6, 10 };
    run(&nd, z, N(z), NULL, NULL);
    expect_vec(z, (double[]){ 4.0 / 3, 1, 2.0 / 3, 0 }, N(z));
    nd.cap_max = 1;
    double w[] = { 2, 4, 6, 10 };
    run(&nd, w, N(w), NULL, NULL);
    expect_vec(w, (double[]){ 1, 1, 2.0 / 3, 0 }, N(w));
}

static void
test_scaled(void **state)
{
    (void)state;
    /* npar 0, 10, factor 100: (x − 0)/10·100 → 1: 10, 2.5: 25, 12: 120 (not clamped) */
    pa_node nd = ind(PA_NORM_SCALED, 1);
    nd.eff.npar[1] = 10;
    nd.eff.scale_factor = 100;
    double x[] = { 1, 2.5, 12, NAN };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 10, 25, 120, NAN }, N(x));
    /* direction −1 scores from the upper end, as COINr does with npar from iMeta (it negates
     * both): npar 0, 10, factor 1: (10 − x)/10 → 1: 0.9, 4: 0.6; the statistics set plays
     * no part (a reference unit's mask changes nothing) */
    nd = ind(PA_NORM_SCALED, -1);
    nd.eff.npar[1] = 10;
    nd.eff.scale_factor = 1;
    double y[] = { 1, 4 };
    run(&nd, y, N(y), (unsigned char[]){ 0, 1 }, NULL);
    expect_vec(y, (double[]){ 0.9, 0.6 }, N(y));
}

static void
test_dist2ref(void **state)
{
    (void)state;
    /* reference value 6, min 2: 1 − (6 − x)/(6 − 2) → 2: 0; 4: 0.5; 6: 1; 10: 2 */
    pa_node nd = ind(PA_NORM_DIST2REF, 1);
    double x[] = { 2, 4, 6, 10, NAN };
    double ref[] = { 6, 6, 6, 6, 6 };
    run(&nd, x, N(x), NULL, ref);
    expect_vec(x, (double[]){ 0, 0.5, 1, 2, NAN }, N(x));
    nd.cap_max = 1;
    double y[] = { 2, 4, 6, 10 };
    run(&nd, y, N(y), NULL, ref);
    expect_vec(y, (double[]){ 0, 0.5, 1, 1 }, N(y));
    /* direction −1: −x is −2, −4, −6, −10, reference −4, min −10:
     * 1 − (−4 − (−x))/(−4 + 10) → 2: 4/3; 4: 1; 6: 2/3; 10: 0 */
    nd = ind(PA_NORM_DIST2REF, -1);
    double z[] = { 2, 4, 6, 10 };
    double rz[] = { 4, 4, 4, 4 };
    run(&nd, z, N(z), NULL, rz);
    expect_vec(z, (double[]){ 4.0 / 3, 1, 2.0 / 3, 0 }, N(z));
    /* the reference at the minimum: every unit scores 1 (COINr: 0/0 and ±Inf) */
    nd = ind(PA_NORM_DIST2REF, 1);
    double w[] = { 2, 3 };
    run(&nd, w, N(w), NULL, (double[]){ 2, 2 });
    expect_vec(w, (double[]){ 1, 1 }, N(w));
}

static void
test_fracmax(void **state)
{
    (void)state;
    /* x / max: max 5 → 0.2, 0.4, 0.8, 1 */
    pa_node nd = ind(PA_NORM_FRACMAX, 1);
    double x[] = { 1, 2, 4, NAN, 5 };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 0.2, 0.4, 0.8, NAN, 1 }, N(x));
}

static void
test_base(void **state)
{
    (void)state;
    /* direction 1: 100·x/x_base → 50/100 → 50; 120/100 → 120; missing x or base → NaN */
    pa_node nd = ind(PA_NORM_BASE, 1);
    double x[] = { 50, 120, NAN, 30 };
    const double base[] = { 100, 100, 100, NAN };
    run(&nd, x, N(x), NULL, base);
    expect_vec(x, (double[]){ 50, 120, NAN, NAN }, N(x));
    /* direction −1: 100·(2 − x/x_base) → 100·1.5 = 150; 100·0.8 = 80 */
    nd.direction = -1;
    double y[] = { 50, 120, NAN, 30 };
    run(&nd, y, N(y), NULL, base);
    expect_vec(y, (double[]){ 150, 80, NAN, NAN }, N(y));
    /* the base period itself scores 100 */
    nd.direction = 1;
    double z[] = { 37 };
    run(&nd, z, 1, NULL, (const double[]){ 37 });
    expect_vec(z, (double[]){ 100 }, 1);
    /* a base value of 0 makes the ratio undefined: PA_ERR_COMPUTE naming the indicator */
    double v[] = { 5, 6 };
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_normalise_vector(&nd, v, 2, NULL, (const double[]){ 1, 0 }, &e),
                     PA_ERR_COMPUTE);
    assert_int_equal(e.status, PA_ERR_COMPUTE);
    assert_non_null(strstr(e.text, "'x'"));
}

static void
test_none(void **state)
{
    (void)state;
    /* values pass unchanged, but the direction still applies (COINr multiplies first) */
    pa_node nd = ind(PA_NORM_NONE, 1);
    double x[] = { 1.5, -2, NAN };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 1.5, -2, NAN }, N(x));
    nd.direction = -1;
    double y[] = { 1.5, -2, NAN };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ -1.5, 2, NAN }, N(y));
}

static void
test_constant_column(void **state)
{
    (void)state;
    /* no spread: minmax puts everyone in the middle of the range: (0 + 100)/2 = 50 */
    pa_node nd = ind(PA_NORM_MINMAX, 1);
    double x[] = { 3, 3, NAN, 3 };
    run(&nd, x, N(x), NULL, NULL);
    expect_vec(x, (double[]){ 50, 50, NAN, 50 }, N(x));
    /* range 1, 100: (1 + 100)/2 = 50.5 */
    nd.eff.range[0] = 1;
    double y[] = { 3, 3 };
    run(&nd, y, N(y), NULL, NULL);
    expect_vec(y, (double[]){ 50.5, 50.5 }, N(y));
    /* zscore: sd 0 → the target mean, 10 with mean_sd 10, 2 */
    nd = ind(PA_NORM_ZSCORE, 1);
    nd.eff.mean_sd[0] = 10;
    nd.eff.mean_sd[1] = 2;
    double z[] = { 7, 7, 7 };
    run(&nd, z, N(z), NULL, NULL);
    expect_vec(z, (double[]){ 10, 10, 10 }, N(z));
    /* one value: prank 1, rank 1, borda 0 */
    nd = ind(PA_NORM_PRANK, 1);
    double p[] = { NAN, 42, NAN };
    run(&nd, p, N(p), NULL, NULL);
    expect_vec(p, (double[]){ NAN, 1, NAN }, N(p));
    nd = ind(PA_NORM_RANK, 1);
    double r[] = { 42 };
    run(&nd, r, 1, NULL, NULL);
    expect_vec(r, (double[]){ 1 }, 1);
    nd = ind(PA_NORM_BORDA, 1);
    double b[] = { 42 };
    run(&nd, b, 1, NULL, NULL);
    expect_vec(b, (double[]){ 0 }, 1);
    /* ties everywhere: rank 1 for all */
    nd = ind(PA_NORM_RANK, 1);
    double t[] = { 5, 5, 5 };
    run(&nd, t, N(t), NULL, NULL);
    expect_vec(t, (double[]){ 1, 1, 1 }, N(t));
}

static void
test_all_missing(void **state)
{
    (void)state;
    static const pa_norm methods[] = { PA_NORM_MINMAX, PA_NORM_ZSCORE, PA_NORM_RANK,
                                       PA_NORM_PRANK, PA_NORM_BORDA, PA_NORM_DIST2MAX,
                                       PA_NORM_FRACMAX, PA_NORM_NONE };
    for (size_t k = 0; k < N(methods); k++) {
        pa_node nd = ind(methods[k], 1);
        double x[] = { NAN, NAN };
        run(&nd, x, N(x), NULL, NULL);
        expect_vec(x, (double[]){ NAN, NAN }, N(x));
    }
    /* an empty vector is fine */
    pa_node nd = ind(PA_NORM_MINMAX, 1);
    run(&nd, NULL, 0, NULL, NULL);
}

static void
test_stat_mask(void **state)
{
    (void)state;
    /* the last unit is a reference: statistics come from 0, 5, 10 only, but it is scored.
     * minmax: min 0, max 10 → 0, 50, 100, and 20 → 200 (above the max) */
    const unsigned char stat[] = { 1, 1, 1, 0 };
    pa_node nd = ind(PA_NORM_MINMAX, 1);
    double x[] = { 0, 5, 10, 20 };
    run(&nd, x, N(x), stat, NULL);
    expect_vec(x, (double[]){ 0, 50, 100, 200 }, N(x));
    /* zscore: mean 4, sd 2 from 2, 4, 6; 100 → (100 − 4)/2 = 48 */
    nd = ind(PA_NORM_ZSCORE, 1);
    double z[] = { 2, 4, 6, 100 };
    run(&nd, z, N(z), stat, NULL);
    expect_vec(z, (double[]){ -1, 0, 1, 48 }, N(z));
    /* rank among 10, 20, 30: the reference 25 has 2 values below → rank 3;
     * prank (rank − 1)/(n − 1) with n = 3: 0, 0.5, 1, and 25 → 2/2 = 1 */
    nd = ind(PA_NORM_RANK, 1);
    double r[] = { 10, 20, 30, 25 };
    run(&nd, r, N(r), stat, NULL);
    expect_vec(r, (double[]){ 1, 2, 3, 3 }, N(r));
    nd = ind(PA_NORM_PRANK, 1);
    double p[] = { 10, 20, 30, 25 };
    run(&nd, p, N(p), stat, NULL);
    expect_vec(p, (double[]){ 0, 0.5, 1, 1 }, N(p));
    /* fracmax: max 10 of the masked-in values; 20 → 2 */
    nd = ind(PA_NORM_FRACMAX, 1);
    double f[] = { 0, 5, 10, 20 };
    run(&nd, f, N(f), stat, NULL);
    expect_vec(f, (double[]){ 0, 0.5, 1, 2 }, N(f));
}

/* Ranks of a large vector against the definition, counted one value at a time: rank = 1 +
 * the number of statistics values strictly below (after the direction), with many ties, -0
 * beside 0, missing values and values masked out of the statistics but scored. */
static void
test_rank_definition(void **state)
{
    (void)state;
    enum { NV = 4000 };
    static double x[NV], y[NV], want[NV];
    static unsigned char stat[NV];
    uint64_t seed = 42;
    for (size_t i = 0; i < NV; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(seed >> 33);
        x[i] = r % 50 == 0 ? NAN : r % 31 == 0 ? -0.0 : (double)(r % 997) - 400.0 + (r % 3) * 0.25;
        stat[i] = r % 7 != 0;
    }
    static const pa_norm norms[] = { PA_NORM_RANK, PA_NORM_PRANK, PA_NORM_BORDA };
    for (size_t k = 0; k < N(norms); k++)
        for (int dir = -1; dir <= 1; dir += 2) {
            size_t m = 0;
            for (size_t i = 0; i < NV; i++)
                m += !isnan(x[i]) && stat[i];
            for (size_t i = 0; i < NV; i++) {
                if (isnan(x[i])) {
                    want[i] = NAN;
                    continue;
                }
                size_t below = 0;
                for (size_t j = 0; j < NV; j++)
                    below += stat[j] && !isnan(x[j]) && dir * x[j] < dir * x[i];
                want[i] = norms[k] == PA_NORM_RANK    ? (double)below + 1
                          : norms[k] == PA_NORM_BORDA ? (double)below
                                                      : (double)below / (double)(m - 1);
            }
            memcpy(y, x, sizeof y);
            pa_node nd = ind(norms[k], dir);
            run(&nd, y, NV, stat, NULL);
            for (size_t i = 0; i < NV; i++) {
                if (isnan(want[i]))
                    assert_true(isnan(y[i]));
                else
                    assert_true(y[i] == want[i]);
            }
        }
}

/* The method table: every normalisation is found by its name and by its enum value, takes
 * exactly the parameters the model documents, and the messages list the methods in order. */
static void
test_method_table(void **state)
{
    (void)state;
    static const char *const names[] = { "minmax", "zscore", "rank", "prank", "borda",
                                         "goalposts", "dist2max", "dist2targ", "fracmax",
                                         "base", "none" };
    for (int id = 0; id < (int)N(names); id++) {
        const pa_method *me = pa_method_find(PA_STEP_NORMALISE, names[id]);
        assert_non_null(me);
        assert_int_equal(me->id, id);
        assert_ptr_equal(pa_method_get(PA_STEP_NORMALISE, id), me);
        assert_non_null(me->normalise);
    }
    assert_null(pa_method_find(PA_STEP_NORMALISE, "min_max"));
    assert_null(pa_method_find(PA_STEP_NORMALISE, "MINMAX"));
    assert_null(pa_method_get(PA_STEP_NORMALISE, -1));
    const pa_method *gp = pa_method_find(PA_STEP_NORMALISE, "goalposts");
    assert_true(pa_method_takes(gp, PA_PARAM_RANGE) && pa_method_takes(gp, PA_PARAM_GOALPOSTS));
    assert_false(pa_method_takes(gp, PA_PARAM_MEAN_SD) || pa_method_takes(NULL, PA_PARAM_RANGE));
    /* an alias is found but not listed */
    assert_int_equal(pa_method_find(PA_STEP_TREAT, "winsorize")->id, PA_TREAT_WINSORISE);
    char buf[256];
    pa_method_names(PA_STEP_TREAT, " or ", buf, sizeof buf);
    assert_string_equal(buf, "none or winsorise");
    pa_method_names(PA_STEP_FALLBACK, ", ", buf, sizeof buf);
    assert_string_equal(buf, "log_CT, log_CT_plus, boxcox, none, log_CT_orig, log_GII");
    assert_int_equal(pa_param_find("mean_sd"), PA_PARAM_MEAN_SD);
    assert_int_equal(pa_param_find("normalise"), -1);
    pa_param_users(PA_PARAM_RANGE, buf, sizeof buf);
    assert_string_equal(buf, "normalise = minmax or goalposts (and penalty points' floor)");
    pa_param_users(PA_PARAM_IMPUTE_GROUP, buf, sizeof buf);
    assert_string_equal(buf, "impute = group_mean or group_median");
    pa_param_users(PA_PARAM_PER, buf, sizeof buf);
    assert_string_equal(buf, "an indicator with a 'denominator'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minmax),
        cmocka_unit_test(test_zscore),
        cmocka_unit_test(test_rank_prank_borda),
        cmocka_unit_test(test_goalposts),
        cmocka_unit_test(test_goalposts_log),
        cmocka_unit_test(test_dist2max),
        cmocka_unit_test(test_dist2targ),
        cmocka_unit_test(test_scaled),
        cmocka_unit_test(test_dist2ref),
        cmocka_unit_test(test_fracmax),
        cmocka_unit_test(test_base),
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_constant_column),
        cmocka_unit_test(test_all_missing),
        cmocka_unit_test(test_stat_mask),
        cmocka_unit_test(test_rank_definition),
        cmocka_unit_test(test_method_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
