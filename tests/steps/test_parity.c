/* SPDX-License-Identifier: MIT */
/* The COINr methods added for parity (doc/methods.md), end to end through the model file:
 * n_scaled, n_dist2ref, untruncated goalposts, treatment options, screening, and the errors
 * of their keys. Expected scores are
 * worked out by hand in the comments. */
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

/* Two periods; b is missing for u4 in 2020. */
static const char csv[] = "unit,year,a,b\n"
                          "u1,2019,1,10\n"
                          "u2,2019,2,20\n"
                          "u3,2019,4,5\n"
                          "u4,2019,8,40\n"
                          "u1,2020,2,10\n"
                          "u2,2020,3,30\n"
                          "u3,2020,5,15\n"
                          "u4,2020,9,\n";

/* A computation on `data` that must fail with `st` at `line`, naming `needle`. */
static void
expect_error_on(const char *model, const char *data, pa_status want, long line,
                const char *needle)
{
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_parse(&m, model, "t.ini", &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, data, strlen(data), "data.csv", &e), PA_OK);
    pa_status st = pa_compute(&r, m, d, &e);
    if (st != want || e.line != line || !strstr(e.text, needle))
        print_error("expected %d at line %ld with '%s'; got %d at %ld: %s\n", (int)want, line,
                    needle, (int)st, e.line, e.text);
    assert_int_equal(st, want);
    assert_null(r);
    assert_int_equal(e.line, line);
    assert_non_null(strstr(e.text, needle));
    pa_data_free(d);
    pa_model_free(m);
}

static void
expect_compute_error(const char *model, pa_status want, long line, const char *needle)
{
    expect_error_on(model, csv, want, line, needle);
}

static void
test_scaled(void **state)
{
    (void)state;
    /* a: direction −1, npar 0, 10, factor 50: (10 − x)/10·50 → 2019 u1: 45, u4: 10;
     * b: the defaults npar 0, 100, factor 100 leave x as it is; nothing is clamped */
    run x = compute("[index]\nnormalise = n_scaled\nscope = period\n"
                    "[indicator a]\ndirection = -1\nnpar = 0, 10\nscale_factor = 50\n"
                    "[indicator b]\n", csv);
    assert_close(SCORE(x, "u1", "2019", "a"), 45, TOL);
    assert_close(SCORE(x, "u4", "2019", "a"), 10, TOL);
    assert_close(SCORE(x, "u4", "2020", "a"), 5, TOL);
    assert_close(SCORE(x, "u4", "2019", "b"), 40, TOL);
    assert_true(isnan(SCORE(x, "u4", "2020", "b")));
    run_free(&x);
}

static void
test_dist2ref(void **state)
{
    (void)state;
    /* b, per period, reference u2: 2019 ref 20, min 5: 1 − (20 − x)/15 → u1 1/3, u3 0,
     * u4 7/3 (capped: 1); 2020 ref 30, min 10: u1 0, u3 0.25, u2 1 */
    run x = compute("[index]\nscope = period\n[indicator a]\n"
                    "[indicator b]\nnormalise = n_dist2ref\nref_unit = u2\n", csv);
    assert_close(SCORE(x, "u1", "2019", "b"), 1.0 / 3, TOL);
    assert_close(SCORE(x, "u3", "2019", "b"), 0, TOL);
    assert_close(SCORE(x, "u4", "2019", "b"), 7.0 / 3, TOL);
    assert_close(SCORE(x, "u1", "2020", "b"), 0, TOL);
    assert_close(SCORE(x, "u3", "2020", "b"), 0.25, TOL);
    assert_close(SCORE(x, "u2", "2020", "b"), 1, TOL);
    run_free(&x);
    /* over the panel the minimum is 5 in both periods: 2020 u1 1 − 20/25 = 0.2; capped */
    x = compute("[index]\n[indicator a]\n"
                "[indicator b]\nnormalise = n_dist2ref\nref_unit = u2\ncap_max = yes\n", csv);
    assert_close(SCORE(x, "u1", "2020", "b"), 0.2, TOL);
    assert_close(SCORE(x, "u4", "2019", "b"), 1, TOL);
    run_free(&x);
}

static void
test_dist2ref_errors(void **state)
{
    (void)state;
    /* a unit the data lacks: a mistake in the model, at the key's line */
    expect_compute_error("[index]\n[indicator a]\nnormalise = n_dist2ref\nref_unit = u9\n",
                         PA_ERR_MODEL, 4, "ref_unit 'u9' of indicator 'a' is not a unit");
    /* the reference has no value in a period where others have */
    expect_compute_error("[index]\n[indicator a]\n[indicator b]\nnormalise = n_dist2ref\n"
                         "ref_unit = u4\n", PA_ERR_COMPUTE, 5, "no value in period '2020'");
    expect_model_error("[index]\n[indicator a]\nnormalise = n_dist2ref\n", 3,
                       "uses n_dist2ref but has no 'ref_unit'");
    expect_model_error("[index]\n[indicator a]\nnormalise = n_dist2ref\nref_unit = u1, u2\n",
                       4, "ref_unit must be one unit code");
    expect_model_error("[index]\nref_unit = u1\n[indicator a]\n", 2,
                       "'ref_unit' is used only by normalise = n_dist2ref, but 'a' is "
                       "normalised with minmax");
    /* n_dist2ref scores 0 at the minimum: no geometric mean over it */
    expect_model_error("[index]\naggregate = geometric\n[indicator a]\n"
                       "normalise = n_dist2ref\nref_unit = u1\n", 2, "n_dist2ref scores");
}

static void
test_scaled_errors(void **state)
{
    (void)state;
    expect_model_error("[index]\n[indicator a]\nnormalise = n_scaled\nnpar = 3, 3\n", 4,
                       "npar must be 'L, U' with L different from U, not '3, 3'");
    expect_model_error("[index]\n[indicator a]\nnormalise = n_scaled\nscale_factor = 0\n", 4,
                       "scale_factor must be a non-zero number");
    expect_model_error("[index]\n[indicator a]\nnpar = 0, 10\n", 3,
                       "'npar' is used only by normalise = n_scaled, but 'a' is normalised "
                       "with minmax");
    expect_model_error("[index]\n[indicator a]\nnormalise = scaled\n", 3,
                       "unknown normalisation 'scaled' (minmax, zscore, rank, prank, borda, "
                       "goalposts, dist2max, dist2targ, fracmax, base, none, n_scaled, "
                       "n_dist2ref)");
}

static void
test_goalposts_untruncated(void **state)
{
    (void)state;
    /* a: posts 2, 6, range 0, 100 → 2019 u1 (1 − 2)/4·100 = −25, u4 (8 − 2)/4·100 = 150;
     * the default (set in [index], taken by a) clamps: b keeps 0 … 100 */
    run x = compute("[index]\nnormalise = goalposts\n[group g]\ngoalposts_trunc = no\n"
                    "[indicator a]\nparent = g\ngoalposts = 2, 6\n"
                    "[indicator b]\ngoalposts = 10, 20\n", csv);
    assert_close(SCORE(x, "u1", "2019", "a"), -25, TOL);
    assert_close(SCORE(x, "u4", "2019", "a"), 150, TOL);
    assert_close(SCORE(x, "u4", "2019", "b"), 100, TOL);
    assert_close(SCORE(x, "u3", "2019", "b"), 0, TOL);
    run_free(&x);
    expect_model_error("[index]\ngoalposts_trunc = maybe\n[indicator a]\n", 2,
                       "goalposts_trunc must be yes or no, not 'maybe'");
    expect_model_error("[index]\n[indicator a]\ngoalposts_trunc = no\n", 3,
                       "'goalposts_trunc' is used only by normalise = goalposts, but 'a' is "
                       "normalised with minmax");
}

static void
test_treat_keys(void **state)
{
    (void)state;
    expect_model_error("[index]\ntreat = winsorise\nforce_win = sometimes\n[indicator a]\n", 3,
                       "force_win must be yes or no, not 'sometimes'");
    expect_model_error("[index]\ntreat = winsorise\ncombine_treat = 2\n[indicator a]\n", 3,
                       "combine_treat must be yes or no, not '2'");
    expect_model_error("[index]\ntreat = winsorise\nfallback = none\n[indicator a]\n"
                       "combine_treat = yes\n", 5,
                       "'combine_treat' is used only by fallback = log_CT, log_CT_plus, "
                       "boxcox, log_CT_orig or log_GII (with treat = winsorise), but 'a' "
                       "falls back to none");
    expect_model_error("[index]\n[indicator a]\nforce_win = yes\n", 3,
                       "'force_win' is used only by treat = winsorise, but 'a' has treat = "
                       "none");
    expect_model_error("[index]\ntreat = winsorise\nfallback = log_ct_orig\n[indicator a]\n",
                       3, "unknown fallback 'log_ct_orig' (log_CT, log_CT_plus, boxcox, none, "
                          "log_CT_orig, log_GII)");
    /* log_GII of values whose maximum is below 0: an error at the indicator's section
     * (−100 … −96 and −1: skew 2.44, kurtosis 5.97, so treatment falls back at winmax 0) */
    expect_error_on("[index]\ntreat = winsorise\nwinmax = 0\nfallback = log_GII\n"
                    "[indicator a]\n", "unit,a\nu1,-100\nu2,-99\nu3,-98\nu4,-97\nu5,-96\nu6,-1\n",
                    PA_ERR_COMPUTE, 5, "indicator 'a': log_GII needs a maximum above 0");
    /* accepted together, inherited from a group */
    run x = compute("[index]\n[group g]\ntreat = winsorise\nfallback = log_CT_orig\n"
                    "combine_treat = yes\nforce_win = yes\n[indicator a]\nparent = g\n"
                    "[indicator b]\nparent = g\n", csv);
    run_free(&x);
}

/* Screening data (as tests/steps/test_screen.c): u1 is all zeros, u3 has 1 of 4 indicators,
 * u4 2 of 4. */
static const char screen_csv[] = "unit,year,a,b,c,d\n"
                                 "u1,2020,0,0,0,0\n"
                                 "u2,2020,10,5,2,8\n"
                                 "u3,2020,100,,,\n"
                                 "u4,2020,20,,4,\n";
#define FOUR "[indicator a]\n[indicator b]\n[indicator c]\n[indicator d]\n"

static int
screened(const run *x, const char *unit)
{
    return (FLAGS(*x, unit, "2020", "index") & PA_FLAG_SCREENED) != 0;
}

static void
test_screen_zeros(void **state)
{
    (void)state;
    /* non-zero share of the indicators present: u1 0/4, u2 4/4, u3 1/1, u4 2/2; below 0.05
     * (COINr's nonzero_thresh) only u1, which leaves a over {10, 100, 20}: u4 = 10/90·100 */
    run x = compute("[index]\nscreen = zeros\n" FOUR, screen_csv);
    assert_true(screened(&x, "u1"));
    assert_true(isnan(SCORE(x, "u1", "2020", "a")));
    assert_false(screened(&x, "u2") || screened(&x, "u3") || screened(&x, "u4"));
    assert_close(SCORE(x, "u4", "2020", "a"), 100.0 / 9, TOL);
    run_free(&x);
    /* either: u1 by zeros, u3 by coverage 1/4 < 0.5 → a over {10, 20}: u4 100 */
    x = compute("[index]\nscreen = coverage_or_zeros\nmin_coverage = 0.5\nmin_nonzero = 0.5\n"
                FOUR, screen_csv);
    assert_true(screened(&x, "u1") && screened(&x, "u3"));
    assert_false(screened(&x, "u2") || screened(&x, "u4"));
    assert_close(SCORE(x, "u4", "2020", "a"), 100, TOL);
    assert_close(SCORE(x, "u2", "2020", "a"), 0, TOL);
    run_free(&x);
}

static void
test_screen_forced(void **state)
{
    (void)state;
    /* coverage 0.5 would screen u3 out; forced in it stays, u2 forced out goes:
     * a over {0, 100, 20}: u3 100, u4 20 */
    run x = compute("[index]\nmin_coverage = 0.5\nforce_include = u3\nforce_exclude = u2\n"
                    FOUR, screen_csv);
    assert_false(screened(&x, "u3"));
    assert_true(screened(&x, "u2"));
    assert_true(isnan(SCORE(x, "u2", "2020", "index")));
    assert_close(SCORE(x, "u3", "2020", "a"), 100, TOL);
    assert_close(SCORE(x, "u4", "2020", "a"), 20, TOL);
    run_free(&x);
}

static void
test_screen_errors(void **state)
{
    (void)state;
    expect_model_error("[index]\nscreen = byNA\n" FOUR, 2,
                       "unknown screening 'byNA' (coverage, zeros, coverage_or_zeros)");
    expect_model_error("[index]\nmin_nonzero = 0.1\n" FOUR, 2,
                       "'min_nonzero' is used only by screen = zeros or coverage_or_zeros");
    expect_model_error("[index]\nscreen = zeros\nmin_coverage = 0.5\n" FOUR, 3,
                       "'min_coverage' is used only by screen = coverage or "
                       "coverage_or_zeros, but the screening is by zeros");
    expect_model_error("[index]\nscreen = zeros\nmin_nonzero = 2\n" FOUR, 3,
                       "min_nonzero must be a share between 0 and 1, not '2'");
    expect_model_error("[index]\nforce_include = a1, u2\nforce_exclude = u2\n" FOUR, 3,
                       "unit 'u2' is forced both in (force_include) and out (force_exclude)");
    expect_compute_error("[index]\nforce_exclude = u1, u7\n[indicator a]\n", PA_ERR_MODEL, 2,
                         "unit 'u7' of force_exclude is not a unit of the data");
}

/* Two groups under the index: g1 (a, b, c), g2 (d); levels 1, 2 (groups), 3 (the index). */
#define TWO_LEVELS "[group g1]\n[group g2]\n[indicator a]\nparent = g1\n" \
                   "[indicator b]\nparent = g1\n[indicator c]\nparent = g1\n" \
                   "[indicator d]\nparent = g2\n"

static void
test_dat_thresh(void **state)
{
    (void)state;
    /* one share for every level: 0.6. g1 of u3 has 1 of 3 (< 0.6): missing, flagged; u4 has
     * a, c (2/3 ≥ 0.6); g2 of u3 and u4 has nothing; the index of u4 has g1 only (1/2 < 0.6) */
    run x = compute("[index]\ndat_thresh = 0.6\n" TWO_LEVELS, screen_csv);
    assert_true(isnan(SCORE(x, "u3", "2020", "g1")));
    assert_true(FLAGS(x, "u3", "2020", "g1") & PA_FLAG_LOW_COVERAGE);
    assert_false(isnan(SCORE(x, "u4", "2020", "g1")));
    assert_true(isnan(SCORE(x, "u4", "2020", "index")));
    assert_false(isnan(SCORE(x, "u2", "2020", "index")));
    run_free(&x);
    /* one share per level: 0.3 for the groups (u3's g1 has 1/3 ≥ 0.3), 0.5 for the index
     * (u4 and u3 have 1 of 2 groups): both scored; a group's own min_coverage wins */
    x = compute("[index]\ndat_thresh = 0.3, 0.5\n" TWO_LEVELS, screen_csv);
    assert_false(isnan(SCORE(x, "u3", "2020", "g1")));
    assert_false(isnan(SCORE(x, "u4", "2020", "index")));
    run_free(&x);
    x = compute("[index]\ndat_thresh = 0.3, 0.5\n" TWO_LEVELS "[group g3]\n"
                "min_coverage = 1\n[indicator e]\nparent = g3\n[indicator f]\nparent = g3\n",
                "unit,year,a,b,c,d,e,f\nu1,2020,1,2,3,4,5,\nu2,2020,2,3,4,5,6,7\n");
    assert_true(isnan(SCORE(x, "u1", "2020", "g3")));
    assert_false(isnan(SCORE(x, "u1", "2020", "g1")));
    run_free(&x);
    expect_model_error("[index]\ndat_thresh = 0.3, 0.5, 0.7\n" TWO_LEVELS, 2,
                       "dat_thresh has 3 shares, but the model has 2 levels of aggregates "
                       "(2 to 3)");
    expect_model_error("[index]\ndat_thresh = 0.3,\n" TWO_LEVELS, 2,
                       "dat_thresh must be shares between 0 and 1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scaled),
        cmocka_unit_test(test_dist2ref),
        cmocka_unit_test(test_dist2ref_errors),
        cmocka_unit_test(test_scaled_errors),
        cmocka_unit_test(test_goalposts_untruncated),
        cmocka_unit_test(test_treat_keys),
        cmocka_unit_test(test_screen_zeros),
        cmocka_unit_test(test_screen_forced),
        cmocka_unit_test(test_screen_errors),
        cmocka_unit_test(test_dat_thresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
