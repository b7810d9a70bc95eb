/* SPDX-License-Identifier: MIT */
/* Outlier treatment (doc/methods.md §4): e1071 type-2 skewness and kurtosis, pa_treat_vector
 * with hand-built settings (winsorisation, log_CT / boxcox / none fallbacks), and the model
 * keys end to end. */
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

/* COINr Treat() defaults, with the given fallback. */
static pa_settings
settings(pa_fallback fallback, double winmax, double lambda)
{
    pa_settings s;
    memset(&s, 0, sizeof s);
    s.treat = PA_TREAT_WINSORISE;
    s.winmax = winmax;
    s.skew = 2;
    s.kurt = 3.5;
    s.fallback = fallback;
    s.lambda = lambda;
    return s;
}

/* ---- skewness and kurtosis ---- */

static void
test_skew_kurt_small(void **state)
{
    (void)state;
    /* x = 1, 2, 3, 10: n = 4, mean 4, d = −3, −2, −1, 6
     * Σd² = 9 + 4 + 1 + 36 = 50, Σd³ = −27 − 8 − 1 + 216 = 180, Σd⁴ = 81 + 16 + 1 + 1296 = 1394
     * skew = √4·180/50^1.5 · √(4·3)/(4 − 2) = 360/353.5533906 · 1.7320508 = 1.7636326148038882
     * kurt = ((4 + 1)(4·1394/50² − 3) + 6)(4 − 1)/((4 − 2)(4 − 3))
     *      = (5·(2.2304 − 3) + 6)·3/2 = (−3.848 + 6)·1.5 = 3.228 */
    const double x[] = { 1, 2, 3, 10 };
    assert_close(pa_skew(x, 4), 1.7636326148038882, 1e-12);
    assert_close(pa_kurt(x, 4), 3.228, 1e-12);
    /* mirrored: skewness changes sign, kurtosis does not */
    const double y[] = { -1, -2, -3, -10 };
    assert_close(pa_skew(y, 4), -1.7636326148038882, 1e-12);
    assert_close(pa_kurt(y, 4), 3.228, 1e-12);
}

static void
test_skew_kurt_twelve(void **state)
{
    (void)state;
    /* x = 1..10, 30, 100 (exact, with fractions): n = 12, mean 185/12,
     * Σd² = 101195/12, Σd³ = 42914375/72, Σd⁴ = 29592812183/576
     * skew = √12·Σd³/(Σd²)^1.5 · √(12·11)/10 = 3.0632410342394989522
     * kurt = (13·(12·Σd⁴/(Σd²)² − 3) + 6)·11/(10·9) = 498780058524/51202140125
     *      = 9.7413908345691439006  (python3 fractions/decimal, 40 digits) */
    const double x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100 };
    assert_close(pa_skew(x, LEN(x)), 3.0632410342394989522, 1e-12);
    assert_close(pa_kurt(x, LEN(x)), 9.7413908345691439006, 1e-12);
}

static void
test_skew_kurt_undefined(void **state)
{
    (void)state;
    const double x[] = { 1, 2, 10 };
    /* n = 2: skewness undefined */
    assert_true(isnan(pa_skew(x, 2)));
    /* n = 3: skewness defined, kurtosis not.  mean 13/3, d = −10/3, −7/3, 17/3,
     * Σd² = 438/9, Σd³ = 3570/27: √3·(3570/27)/(438/9)^1.5·√6/1 = 1.6523167403329896 */
    assert_close(pa_skew(x, 3), 1.6523167403329896, 1e-12);
    assert_true(isnan(pa_kurt(x, 3)));
    /* constant: Σd² = 0 */
    const double c[] = { 5, 5, 5, 5, 5 };
    assert_true(isnan(pa_skew(c, LEN(c))));
    assert_true(isnan(pa_kurt(c, LEN(c))));
}

/* ---- pa_treat_vector ---- */

/* Run pa_treat_vector on a copy of x; flags start at 0. */
static void
treat(const pa_settings *s, double *x, size_t n, unsigned char *flags)
{
    pa_error e;
    memset(&e, 0, sizeof e);
    memset(flags, 0, n);
    assert_int_equal(pa_treat_vector(s, x, n, NULL, flags, &e), PA_OK);
}

static void
test_passing_unchanged(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 5, 0);
    /* 1..10 shuffled: skew 0 → passes */
    double x[] = { 5, 1, 9, 3, 7, 2, 10, 4, 8, 6 };
    const double orig[] = { 5, 1, 9, 3, 7, 2, 10, 4, 8, 6 };
    unsigned char fl[LEN(x)];
    treat(&s, x, LEN(x), fl);
    for (size_t i = 0; i < LEN(x); i++) {
        assert_true(x[i] == orig[i]);
        assert_int_equal(fl[i], 0);
    }
    /* −100, 1..10, 111: symmetric about 5.5, so skew 0 though kurtosis is 5.43 > 3.5;
     * the check is |skew| < 2 OR kurt < 3.5, so it passes and nothing changes */
    double y[] = { -100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 111 };
    assert_true(pa_kurt(y, LEN(y)) > 3.5);
    unsigned char fy[LEN(y)];
    treat(&s, y, LEN(y), fy);
    assert_true(y[0] == -100 && y[11] == 111);
    assert_int_equal(fy[0] | fy[11], 0);
}

static void
test_one_high_outlier(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 5, 0);
    /* 1..10 and 30: skew 2.5499 ≥ 2 and kurt 7.448 ≥ 3.5 → fails; 30 → next value 10:
     * 1..10, 10 has skew −0.128 → passes after one point */
    double x[] = { 1, 2, 3, 4, 5, 30, 6, 7, 8, 9, 10 };
    const double want[] = { 1, 2, 3, 4, 5, 10, 6, 7, 8, 9, 10 };
    unsigned char fl[LEN(x)];
    treat(&s, x, LEN(x), fl);
    for (size_t i = 0; i < LEN(x); i++) {
        assert_true(x[i] == want[i]);
        assert_int_equal(fl[i], i == 5 ? PA_FLAG_WINSORISED_HIGH : 0);
    }
}

static void
test_one_low_outlier(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 5, 0);
    /* 70, 90..99 = 100 − (30, 10..1): skew −2.5499, kurt 7.448 → fails on the low side;
     * 70 → next value 90 (90, 90..99: skew 0.128 → passes) */
    double x[] = { 95, 70, 90, 91, 92, 93, 94, 96, 97, 98, 99 };
    const double want[] = { 95, 90, 90, 91, 92, 93, 94, 96, 97, 98, 99 };
    unsigned char fl[LEN(x)];
    treat(&s, x, LEN(x), fl);
    for (size_t i = 0; i < LEN(x); i++) {
        assert_true(x[i] == want[i]);
        assert_int_equal(fl[i], i == 1 ? PA_FLAG_WINSORISED_LOW : 0);
    }
}

static void
test_ties_at_max(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 5, 0);
    /* 1..20 and 100 twice: skew 2.817, kurt 7.134 → fails; both 100s → 20 together
     * (1..20, 20, 20: skew −0.094 → passes); the original 20 is not flagged */
    double x[22];
    x[0] = 100;
    for (int i = 1; i <= 20; i++)
        x[i] = i;
    x[21] = 100;
    unsigned char fl[22];
    treat(&s, x, 22, fl);
    assert_true(x[0] == 20 && x[21] == 20);
    assert_int_equal(fl[0], PA_FLAG_WINSORISED_HIGH);
    assert_int_equal(fl[21], PA_FLAG_WINSORISED_HIGH);
    for (int i = 1; i <= 20; i++) {
        assert_true(x[i] == i);
        assert_int_equal(fl[i], 0);
    }
}

/* 1..20, 60, 100: fails (skew 3.102, kurt 10.26); after 100 → 60 still fails
 * (1..20, 60, 60: skew 2.359, kurt 5.404); after 60, 60 → 20 passes (skew −0.094). */
static void
fill_two_outliers(double *x, double shift)
{
    for (int i = 0; i < 20; i++)
        x[i] = i + 1 + shift;
    x[20] = 60 + shift;
    x[21] = 100 + shift;
}

static void
test_repeated_winsorisation(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 5, 0);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 0);
    treat(&s, x, 22, fl);
    /* two steps, two points (≤ winmax 5): 60 and 100 both end at 20 */
    assert_true(x[20] == 20 && x[21] == 20);
    assert_int_equal(fl[20], PA_FLAG_WINSORISED_HIGH);
    assert_int_equal(fl[21], PA_FLAG_WINSORISED_HIGH);
    assert_int_equal(fl[19], 0);
    assert_true(x[19] == 20);
}

/* 1..20, 120, 150, 200 (skew 2.559, kurt 5.682): 200 → 150 (2.340, 4.082: fails),
 * 150, 150 → 120 (2.252, 3.578: fails), 120 ×3 → 20 (−0.156: passes). */
static void
fill_three_outliers(double *x)
{
    for (int i = 0; i < 20; i++)
        x[i] = i + 1;
    x[20] = 120;
    x[21] = 150;
    x[22] = 200;
}

static void
test_winmax_counts_points(void **state)
{
    (void)state;
    /* As COINr's winsorise(): nwin = the points of the last step (which include the earlier
     * ones, now tied with them), not a sum over steps. winmax 3: after two steps 2 points are
     * winsorised (< 3), so a third step runs and changes 3 points: all three → 20. */
    pa_settings s = settings(PA_FALLBACK_NONE, 3, 0);
    double x[23];
    unsigned char fl[23];
    fill_three_outliers(x);
    treat(&s, x, 23, fl);
    for (int i = 20; i < 23; i++) {
        assert_true(x[i] == 20);
        assert_int_equal(fl[i], PA_FLAG_WINSORISED_HIGH);
    }
    assert_int_equal(fl[19], 0);
    /* winmax 2: two steps (2 points), still failing; fallback none keeps 120, 120, 120 with
     * the two changed points flagged, the original 120 not */
    s = settings(PA_FALLBACK_NONE, 2, 0);
    fill_three_outliers(x);
    treat(&s, x, 23, fl);
    for (int i = 20; i < 23; i++)
        assert_true(x[i] == 120);
    assert_int_equal(fl[20], 0);
    assert_int_equal(fl[21], PA_FLAG_WINSORISED_HIGH);
    assert_int_equal(fl[22], PA_FLAG_WINSORISED_HIGH);
}

static void
test_winmax_reached_log_ct(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 1, 0);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 0);
    treat(&s, x, 22, fl);
    /* winmax 1: 100 → 60 and still failing → log_CT of the ORIGINAL values,
     * min 1, max 100: ln(x − 1 + 0.01·99) = ln(x − 0.01) */
    assert_close(x[21], log(99.99), 1e-12); /* 4.605070180987758, not ln(59.99) */
    assert_close(x[21], 4.605070180987758, 1e-12);
    assert_close(x[20], 4.094177881665002, 1e-12);   /* ln 59.99 */
    assert_close(x[0], -0.01005033585350145, 1e-12); /* ln 0.99 */
    for (int i = 0; i < 20; i++)
        assert_close(x[i], log(i + 1 - 0.01), 1e-12);
    for (int i = 0; i < 22; i++)
        assert_int_equal(fl[i], PA_FLAG_LOG_CT); /* the winsorisation is discarded */
}

static void
test_fallback_none_keeps_winsorised(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_NONE, 1, 0);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 0);
    treat(&s, x, 22, fl);
    /* winmax 1, still failing, no fallback: keep 100 → 60 */
    assert_true(x[21] == 60);
    assert_int_equal(fl[21], PA_FLAG_WINSORISED_HIGH);
    assert_true(x[20] == 60);
    assert_int_equal(fl[20], 0);
    for (int i = 0; i < 20; i++) {
        assert_true(x[i] == i + 1);
        assert_int_equal(fl[i], 0);
    }
}

/* log_CT_orig (COINr): ln(x − min + 1) of the original values, min 1 → ln x */
static void
test_log_ct_orig(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT_ORIG, 1, 0);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 0);
    treat(&s, x, 22, fl);
    for (int i = 0; i < 20; i++)
        assert_close(x[i], log(i + 1), 1e-12);
    assert_close(x[20], log(60), 1e-12);
    assert_close(x[21], log(100), 1e-12);
    for (int i = 0; i < 22; i++)
        assert_int_equal(fl[i], PA_FLAG_LOG_CT);
}

/* log_GII as COINr means it (its function returns x untransformed):
 * ln((max − 1)(x − min)/(max − min) + 1); shifted by 1, min 2, max 101:
 * ln(100(x − 2)/99 + 1) → 2: 0, 61: ln(5900/99 + 1), 101: ln 101 */
static void
test_log_gii(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_GII, 1, 0);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 1);
    treat(&s, x, 22, fl);
    assert_true(x[0] == 0);
    assert_close(x[5], log(100.0 * 5 / 99 + 1), 1e-12);
    assert_close(x[20], log(5900.0 / 99 + 1), 1e-12);
    assert_close(x[21], log(101), 1e-12);
    assert_int_equal(fl[21], PA_FLAG_LOG_CT);
    /* a maximum ≤ 0 has no logarithm at the top: an error, not NaN */
    fill_two_outliers(x, -200);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_treat_vector(&s, x, 22, NULL, fl, &e), PA_ERR_COMPUTE);
    assert_non_null(strstr(e.text, "log_GII needs a maximum above 0"));
}

/* combine_treat: the fallback takes the winsorised values. winmax 1: 100 → 60, still
 * failing; log_CT of 1..20, 60, 60: min 1, max 60, a = 0.59 → ln(x − 0.41); the point moved
 * keeps its flag beside log_CT */
static void
test_combine_treat(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 1, 0);
    s.combine = 1;
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 0);
    treat(&s, x, 22, fl);
    assert_close(x[21], log(59.59), 1e-12);
    assert_close(x[20], log(59.59), 1e-12);
    for (int i = 0; i < 20; i++) {
        assert_close(x[i], log(i + 1 - 0.41), 1e-12);
        assert_int_equal(fl[i], PA_FLAG_LOG_CT);
    }
    assert_int_equal(fl[21], PA_FLAG_LOG_CT | PA_FLAG_WINSORISED_HIGH);
    assert_int_equal(fl[20], PA_FLAG_LOG_CT);
}

/* force_win: 1..10 and 30 fails; one point (30 → 10) makes it pass, but with force_win it
 * goes on to winmax 2 points: 1..10, 10 has skew −0.128, so the low side, 1 → 2. Fallback
 * none keeps the result as it is. */
static void
test_force_win(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_NONE, 2, 0);
    s.force_win = 1;
    double x[] = { 1, 2, 3, 4, 5, 30, 6, 7, 8, 9, 10 };
    const double want[] = { 2, 2, 3, 4, 5, 10, 6, 7, 8, 9, 10 };
    assert_true(pa_skew((const double[]){ 1, 2, 3, 4, 5, 10, 6, 7, 8, 9, 10 }, 11) < -0.1);
    unsigned char fl[LEN(x)];
    treat(&s, x, LEN(x), fl);
    for (size_t i = 0; i < LEN(x); i++) {
        assert_true(x[i] == want[i]);
        assert_int_equal(fl[i], i == 0 ? PA_FLAG_WINSORISED_LOW
                                : i == 5 ? PA_FLAG_WINSORISED_HIGH : 0);
    }
    /* a vector that passes is left alone, force_win or not (COINr winsorises only after a
     * failed check) */
    double y[] = { 5, 1, 9, 3, 7, 2, 10, 4, 8, 6 };
    treat(&s, y, LEN(y), fl);
    assert_true(y[0] == 5 && y[6] == 10 && y[1] == 1);
}

/* log_CT_plus follows the skew (COINr 1.1.2 on): the two-outlier vector negated has a
 * long low tail, min −100, max −1, a = 0.99: −ln(max + a − x) = −ln(−x − 0.01), the mirror
 * image of log_CT of the vector itself. */
static void
test_log_ct_plus_negative_skew(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT_PLUS, 1, 0);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 0);
    for (int i = 0; i < 22; i++)
        x[i] = -x[i];
    treat(&s, x, 22, fl);
    assert_close(x[21], -4.605070180987758, 1e-12); /* −ln 99.99 */
    assert_close(x[20], -4.094177881665002, 1e-12); /* −ln 59.99 */
    assert_close(x[0], 0.01005033585350145, 1e-12); /* −ln 0.99 */
    for (int i = 0; i < 20; i++)
        assert_close(x[i], -log(i + 1 - 0.01), 1e-12);
    for (int i = 0; i < 22; i++)
        assert_int_equal(fl[i], PA_FLAG_LOG_CT); /* the winsorisation is discarded */
}

/* On a positive skew it is log_CT of the original values (the point winsorised first is
 * discarded), and nothing more: COINr does not winsorise the result again. */
static void
test_log_ct_plus_positive_skew(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT_PLUS, 1, 0);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 0);
    x[21] = 10000; /* so that ln still fails the check */
    double v[22], sk = pa_skew(x, 22);
    for (int i = 0; i < 22; i++)
        v[i] = log(x[i] - 1 + 0.01 * 9999);
    assert_true(sk > 0);
    assert_true(fabs(pa_skew(v, 22)) >= 2 && pa_kurt(v, 22) >= 3.5);
    treat(&s, x, 22, fl);
    for (int i = 0; i < 22; i++) {
        assert_close(x[i], v[i], 1e-12);
        assert_int_equal(fl[i], PA_FLAG_LOG_CT);
    }
}

static void
test_boxcox(void **state)
{
    (void)state;
    /* the two-outlier vector shifted by +10 (11..30, 70, 110; skewness and kurtosis do not
     * change): y = x − 11 + 1 = x − 10, i.e. 1..20, 60, 100 */
    pa_settings s = settings(PA_FALLBACK_BOXCOX, 1, 0.5);
    double x[22];
    unsigned char fl[22];
    fill_two_outliers(x, 10);
    treat(&s, x, 22, fl);
    /* λ = 0.5: (y^0.5 − 1)/0.5 = 2(√y − 1): y 1 → 0, 4 → 2, 9 → 4, 100 → 18,
     * 60 → 2(√60 − 1) = 13.491933384829668 */
    assert_true(fabs(x[0]) < 1e-15);
    assert_close(x[3], 2.0, 1e-12);
    assert_close(x[8], 4.0, 1e-12);
    assert_close(x[21], 18.0, 1e-12);
    assert_close(x[20], 13.491933384829668, 1e-12);
    for (int i = 0; i < 22; i++)
        assert_int_equal(fl[i], PA_FLAG_BOXCOX);

    /* λ = 0: ln y: y 1 → 0, 100 → 4.605170185988092, 60 → 4.0943445622221 */
    s = settings(PA_FALLBACK_BOXCOX, 1, 0);
    fill_two_outliers(x, 10);
    treat(&s, x, 22, fl);
    assert_true(fabs(x[0]) < 1e-15);
    assert_close(x[21], 4.605170185988092, 1e-12);
    assert_close(x[20], 4.0943445622221, 1e-12);
    assert_close(x[1], log(2), 1e-12);
    assert_int_equal(fl[21], PA_FLAG_BOXCOX);
}

static void
test_fewer_than_four_untouched(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 5, 0);
    /* three present values (NaN are missing): kurtosis undefined → nothing to treat */
    double x[] = { 1, NAN, 2, NAN, 1000 };
    unsigned char fl[LEN(x)];
    treat(&s, x, LEN(x), fl);
    assert_true(x[0] == 1 && x[2] == 2 && x[4] == 1000);
    assert_true(isnan(x[1]) && isnan(x[3]));
    for (size_t i = 0; i < LEN(x); i++)
        assert_int_equal(fl[i], 0);
}

static void
test_treat_none_untouched(void **state)
{
    (void)state;
    pa_settings s = settings(PA_FALLBACK_LOG_CT, 5, 0);
    s.treat = PA_TREAT_NONE;
    double x[] = { 1, 2, 3, 4, 5, 30, 6, 7, 8, 9, 10 }; /* would fail the check */
    unsigned char fl[LEN(x)];
    treat(&s, x, LEN(x), fl);
    assert_true(x[5] == 30);
    assert_int_equal(fl[5], 0);
}

/* ---- model keys, end to end ---- */

static const char eleven_csv[] = "unit,year,a\n"
                                 "u1,2020,1\n"
                                 "u2,2020,2\n"
                                 "u3,2020,3\n"
                                 "u4,2020,4\n"
                                 "u5,2020,5\n"
                                 "u6,2020,30\n"
                                 "u7,2020,6\n"
                                 "u8,2020,7\n"
                                 "u9,2020,8\n"
                                 "u10,2020,9\n"
                                 "u11,2020,10\n";

static void
test_end_to_end_default_winsorise(void **state)
{
    (void)state;
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "treat = winsorise\n"
                    "[indicator a]\n",
                    eleven_csv);
    /* defaults winmax 5, skew 2, kurt 3.5: 30 → 10, as in test_one_high_outlier */
    assert_close(SCORE(x, "u6", "2020", "a"), 10.0, TOL);
    assert_close(VALUE(x, "u6", "2020", "a"), 30.0, TOL); /* the raw value stays */
    assert_int_equal(FLAGS(x, "u6", "2020", "a"), PA_FLAG_WINSORISED_HIGH);
    assert_close(SCORE(x, "u11", "2020", "a"), 10.0, TOL);
    assert_int_equal(FLAGS(x, "u11", "2020", "a"), 0);
    run_free(&x);
}

static void
test_end_to_end_winmax_zero(void **state)
{
    (void)state;
    run x = compute("[index]\n"
                    "normalise = none\n"
                    "denominate = no\n"
                    "treat = winsorise\n"
                    "winmax = 0\n"
                    "[indicator a]\n",
                    eleven_csv);
    /* winmax 0: no point may be winsorised, the check still fails → log_CT,
     * min 1, max 30: ln(x − 1 + 0.01·29) = ln(x − 0.71): 30 → ln 29.29, 1 → ln 0.29 */
    assert_close(SCORE(x, "u6", "2020", "a"), 3.377246160839642, 1e-12);
    assert_close(SCORE(x, "u1", "2020", "a"), -1.2378743560016174, 1e-12);
    assert_close(SCORE(x, "u11", "2020", "a"), 2.2289385528257473, 1e-12); /* ln 9.29 */
    assert_int_equal(FLAGS(x, "u6", "2020", "a"), PA_FLAG_LOG_CT);
    assert_int_equal(FLAGS(x, "u1", "2020", "a"), PA_FLAG_LOG_CT);
    run_free(&x);
}

/* Treatment keys set on a group reach its indicators (and only them): each group sets one
 * key that changes the outcome from what [index] or the defaults would give. eleven_csv's
 * column (1..10 and 30) fails the check; a is its negation. */
static void
test_group_inherits_treatment(void **state)
{
    (void)state;
    static const char csv[] = "unit,year,a,b,c,d,e\n"
                              "u1,2020,-1,1,1,1,1\n"
                              "u2,2020,-2,2,2,2,2\n"
                              "u3,2020,-3,3,3,3,3\n"
                              "u4,2020,-4,4,4,4,4\n"
                              "u5,2020,-5,5,5,5,5\n"
                              "u6,2020,-30,30,30,30,30\n"
                              "u7,2020,-6,6,6,6,6\n"
                              "u8,2020,-7,7,7,7,7\n"
                              "u9,2020,-8,8,8,8,8\n"
                              "u10,2020,-9,9,9,9,9\n"
                              "u11,2020,-10,10,10,10,10\n";
    run x = compute("[index]\nnormalise = none\ndenominate = no\ntreat = none\n"
                    "[group g1]\ntreat = winsorise\nwinmax = 0\nfallback = log_CT_plus\n"
                    "[group g2]\ntreat = winsorise\nwinmax = 0\nfallback = boxcox\n"
                    "lambda = 0.5\n"
                    "[group g3]\ntreat = winsorise\nkurt = 100\n"
                    "[group g4]\ntreat = winsorise\nskew = 100\n"
                    "[indicator a]\nparent = g1\n[indicator b]\nparent = g2\n"
                    "[indicator c]\nparent = g3\n[indicator d]\nparent = g4\n"
                    "[indicator e]\n",
                    csv);
    /* a: no point winsorised (5 would pass), log_CT_plus on the low tail: min −30, max −1,
     * a = 0.29, −ln(−1 + 0.29 − x); log_CT would give ln(x + 30.29) */
    assert_close(SCORE(x, "u6", "2020", "a"), -log(29.29), 1e-12);
    assert_close(SCORE(x, "u1", "2020", "a"), -log(0.29), 1e-12);
    assert_int_equal(FLAGS(x, "u6", "2020", "a"), PA_FLAG_LOG_CT);
    /* b: y = x − 1 + 1, (√y − 1)/0.5 */
    assert_close(SCORE(x, "u6", "2020", "b"), 2 * (sqrt(30) - 1), 1e-12);
    assert_close(SCORE(x, "u1", "2020", "b"), 0.0, 1e-12);
    assert_int_equal(FLAGS(x, "u6", "2020", "b"), PA_FLAG_BOXCOX);
    /* c, d pass on the kurtosis or the skew threshold of their group: untouched (with the
     * defaults, 30 would be winsorised); e has [index]'s treat = none */
    const char *same[] = { "c", "d", "e" };
    for (size_t i = 0; i < LEN(same); i++) {
        assert_close(SCORE(x, "u6", "2020", same[i]), 30.0, 1e-12);
        assert_int_equal(FLAGS(x, "u6", "2020", same[i]), 0);
    }
    run_free(&x);
}

static void
test_model_errors(void **state)
{
    (void)state;
    expect_model_error("[index]\n"            /* 1 */
                       "treat = winsorise\n"  /* 2 */
                       "winmax = -1\n"        /* 3 */
                       "[indicator a]\n",     /* 4 */
                       3, "winmax");
    expect_model_error("[index]\n"            /* 1 */
                       "treat = winsorise\n"  /* 2 */
                       "winmax = 1.5\n"       /* 3 */
                       "[indicator a]\n",     /* 4 */
                       3, "winmax");
    /* boxcox needs lambda: reported at the indicator that would use it */
    expect_model_error("[index]\n"            /* 1 */
                       "treat = winsorise\n"  /* 2 */
                       "fallback = boxcox\n"  /* 3 */
                       "[indicator a]\n",     /* 4 */
                       4, "lambda");
    /* with a lambda it is accepted */
    pa_model *m = NULL;
    pa_error e;
    assert_int_equal(pa_model_parse(&m,
                                    "[index]\n"
                                    "treat = winsorise\n"
                                    "fallback = boxcox\n"
                                    "lambda = 0\n"
                                    "[indicator a]\n",
                                    "t.ini", &e),
                     PA_OK);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skew_kurt_small),
        cmocka_unit_test(test_skew_kurt_twelve),
        cmocka_unit_test(test_skew_kurt_undefined),
        cmocka_unit_test(test_passing_unchanged),
        cmocka_unit_test(test_one_high_outlier),
        cmocka_unit_test(test_one_low_outlier),
        cmocka_unit_test(test_ties_at_max),
        cmocka_unit_test(test_repeated_winsorisation),
        cmocka_unit_test(test_winmax_counts_points),
        cmocka_unit_test(test_winmax_reached_log_ct),
        cmocka_unit_test(test_fallback_none_keeps_winsorised),
        cmocka_unit_test(test_log_ct_plus_negative_skew),
        cmocka_unit_test(test_log_ct_plus_positive_skew),
        cmocka_unit_test(test_boxcox),
        cmocka_unit_test(test_log_ct_orig),
        cmocka_unit_test(test_log_gii),
        cmocka_unit_test(test_combine_treat),
        cmocka_unit_test(test_force_win),
        cmocka_unit_test(test_fewer_than_four_untouched),
        cmocka_unit_test(test_treat_none_untouched),
        cmocka_unit_test(test_end_to_end_default_winsorise),
        cmocka_unit_test(test_end_to_end_winmax_zero),
        cmocka_unit_test(test_group_inherits_treatment),
        cmocka_unit_test(test_model_errors),
    };
    return cmocka_run_group_tests_name("treat", tests, NULL, NULL);
}
