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

/* A computation that must fail with `st` at `line`, naming `needle`. */
static void
expect_compute_error(const char *model, pa_status want, long line, const char *needle)
{
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_parse(&m, model, "t.ini", &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, csv, strlen(csv), "data.csv", &e), PA_OK);
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
test_scaled(void **state)
{
    (void)state;
    /* a: direction −1, npar −10, 0, factor 50: (−x + 10)/10·50 → 2019 u1: 45, u4: 10;
     * b: the defaults npar 0, 100, factor 100 leave x as it is; nothing is clamped */
    run x = compute("[index]\nnormalise = n_scaled\nscope = period\n"
                    "[indicator a]\ndirection = -1\nnpar = -10, 0\nscale_factor = 50\n"
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
    /* accepted together, inherited from a group */
    run x = compute("[index]\n[group g]\ntreat = winsorise\nfallback = log_CT_orig\n"
                    "combine_treat = yes\nforce_win = yes\n[indicator a]\nparent = g\n"
                    "[indicator b]\nparent = g\n", csv);
    run_free(&x);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
