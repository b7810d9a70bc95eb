/* SPDX-License-Identifier: MIT */
/* Unit screening by data coverage, and outlier treatment (COINr Screen and Treat). */
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "internal.h"

/* Sums of squared, cubed and fourth powers of the deviations from the mean. */
static void
central_sums(const double *x, size_t n, double *s2, double *s3, double *s4)
{
    double mean = gsl_stats_mean(x, 1, n);
    *s2 = *s3 = *s4 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - mean, d2 = d * d;
        *s2 += d2;
        *s3 += d2 * d;
        *s4 += d2 * d2;
    }
}

/* e1071 skewness and excess kurtosis, type 2 (COINr's skew() and kurt()), from one pass over
 * the deviations; NaN where undefined (too few values, or a constant column). */
static void
skew_kurt(const double *x, size_t n, double *sk, double *kt)
{
    *sk = *kt = NAN;
    if (n < 3)
        return;
    double s2, s3, s4, dn = (double)n;
    central_sums(x, n, &s2, &s3, &s4);
    if (s2 == 0)
        return;
    *sk = sqrt(dn) * s3 / pow(s2, 1.5) * sqrt(dn * (dn - 1)) / (dn - 2);
    if (n >= 4) {
        double rr = dn * s4 / (s2 * s2);
        *kt = ((dn + 1) * (rr - 3) + 6) * (dn - 1) / ((dn - 2) * (dn - 3));
    }
}

double
pa_skew(const double *x, size_t n)
{
    double sk, kt;
    skew_kurt(x, n, &sk, &kt);
    return sk;
}

double
pa_kurt(const double *x, size_t n)
{
    double sk, kt;
    skew_kurt(x, n, &sk, &kt);
    return kt;
}

/* COINr check_SkewKurt: passes when |skew| < skew or kurtosis < kurt. Where the moments are
 * undefined (fewer than 4 values, or a constant column) there is no outlier to treat. The
 * skewness is left in *skew for the next winsorising step. */
static int
passes(const pa_settings *s, const double *v, size_t n, double *skew)
{
    double sk, kt;
    skew_kurt(v, n, &sk, &kt);
    *skew = sk;
    if (isnan(sk) || isnan(kt))
        return 1;
    return fabs(sk) < s->skew || kt < s->kurt;
}

/* COINr winsorise(): replace the extreme value(s) on the side of the skew by the next value,
 * until the check passes or `winmax` points are affected. mark gets, for each side, the points
 * changed by its last step (which include all earlier ones, being tied with them): the cell
 * flag PA_CELL_WINHI or PA_CELL_WINLO. */
static void
winsorise(const pa_settings *s, double *v, size_t n, unsigned char *mark)
{
    size_t nhi = 0, nlo = 0;
    double sk;
    int passing = passes(s, v, n, &sk);
    /* force_win: on to winmax points even once it passes (COINr winsorise(force_win)) */
    while ((!passing || s->force_win) && (double)(nhi + nlo) < s->winmax) {
        int up = sk >= 0;
        double ext = v[0];
        for (size_t i = 1; i < n; i++)
            if (up ? v[i] > ext : v[i] < ext)
                ext = v[i];
        double next = NAN;
        for (size_t i = 0; i < n; i++)
            if (v[i] != ext && (isnan(next) || (up ? v[i] > next : v[i] < next)))
                next = v[i];
        if (isnan(next))
            break;
        unsigned char side = up ? PA_CELL_WINHI : PA_CELL_WINLO;
        size_t cnt = 0;
        for (size_t i = 0; i < n; i++) {
            mark[i] &= (unsigned char)~side;
            if (v[i] == ext) {
                mark[i] |= side;
                v[i] = next;
                cnt++;
            }
        }
        if (up)
            nhi = cnt;
        else
            nlo = cnt;
        passing = passes(s, v, n, &sk);
    }
}

/* The winsorised values back to their cells, with their flags (high wins where a point was
 * moved on both sides). */
static void
set_winsorised(double *x, unsigned char *flags, const double *v, const uint32_t *at,
               const unsigned char *mark, size_t m)
{
    for (size_t j = 0; j < m; j++) {
        x[at[j]] = v[j];
        flags[at[j]] |= mark[j] & PA_CELL_WINHI ? PA_CELL_WINHI : mark[j];
    }
}

/* One value through the fallback: min and max are those of every present value, a = 1 % of
 * the range; neg: log_CT_plus on a skew that is not positive. */
static double
fallback_value(const pa_settings *s, double x, double mn, double mx, int neg)
{
    double a = 0.01 * (mx - mn);
    switch (s->fallback) {
    case PA_FALLBACK_BOXCOX: {
        double y = x - mn + 1;
        return s->lambda == 0 ? log(y) : (pow(y, s->lambda) - 1) / s->lambda;
    }
    case PA_FALLBACK_LOG_CT_ORIG: /* COINr log_CT_orig: the minimum maps to ln 1 = 0 */
        return log(x - mn + 1);
    case PA_FALLBACK_LOG_GII: /* the minimum maps to 0, the maximum to ln max */
        return log((mx - 1) * (x - mn) / (mx - mn) + 1);
    default:
        /* log_CT: ln(x − min + a); COINr log_CT_plus takes the log on the side of the skew,
         * −ln(max + a − x), so that a long low tail is the one drawn in */
        return neg ? -log(mx + a - x) : log(x - mn + a);
    }
}

/* Winsorisation was not enough: transform the values (the original ones, or with
 * combine_treat the winsorised ones already in x). The shift uses every present value so
 * that none goes beyond it; a constant column cannot get here (it passes the check). skew is
 * that of the values transformed. */
static pa_status
fallback(const pa_settings *s, double *x, size_t n, unsigned char *flags, double skew,
         pa_error *err)
{
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            mn = fmin(mn, x[i]);
            mx = fmax(mx, x[i]);
        }
    if (s->fallback == PA_FALLBACK_LOG_GII && !(mx > 0))
        return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0, "log_GII needs a maximum above 0 "
                       "(ln of (max − 1)(x − min)/(max − min) + 1), but it is %g", mx);
    int neg = s->fallback == PA_FALLBACK_LOG_CT_PLUS && !(skew > 0);
    unsigned char flag = s->fallback == PA_FALLBACK_BOXCOX ? PA_CELL_BOXCOX : PA_CELL_LOG_CT;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            x[i] = fallback_value(s, x[i], mn, mx, neg);
            flags[i] |= flag;
        }
    return PA_OK;
}

pa_status
pa_treat_vector(const pa_settings *s, double *x, size_t n, const unsigned char *stat,
                unsigned char *flags, pa_error *err)
{
    if (s->treat != PA_TREAT_WINSORISE)
        return PA_OK;
    if (n > UINT32_MAX)
        return pa_nomem(err); /* 32 GB a column: out of reach anyway */
    /* the present values, where they came from and which were winsorised: 13 bytes a cell,
     * on each core that treats an indicator */
    double *v = pa_malloc((n ? n : 1) * sizeof *v);
    uint32_t *at = pa_malloc((n ? n : 1) * sizeof *at);
    unsigned char *mark = pa_calloc(n ? n : 1, 1);
    pa_status st = PA_OK;
    if (!v || !at || !mark) {
        st = pa_nomem(err);
        goto out;
    }
    size_t m = 0;
    double skew, sk;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (!stat || stat[i])) {
            at[m] = (uint32_t)i;
            v[m++] = x[i];
        }
    if (passes(s, v, m, &skew))
        goto out;
    winsorise(s, v, m, mark);
    int pass = passes(s, v, m, &sk);
    if (pass || s->fallback == PA_FALLBACK_NONE || s->combine)
        set_winsorised(x, flags, v, at, mark, m);
    if (!pass && s->fallback != PA_FALLBACK_NONE) /* COINr: combine_treat = FALSE by default */
        st = fallback(s, x, n, flags, s->combine ? sk : skew, err);
out:
    pa_free(v);
    pa_free(at);
    pa_free(mark);
    return st;
}

/* The cells of units [f, f + n), every period, gathered into (x2, s2, f2), period-major, or
 * scattered back (x and flags only). */
static void
level_cells(const pa_result *r, size_t f, size_t n, double *x, unsigned char *st,
            unsigned char *fl, double *x2, unsigned char *s2, unsigned char *f2, int gather)
{
    for (size_t p = 0; p < r->np; p++)
        for (size_t i = 0; i < n; i++) {
            size_t c = p * r->nu + f + i, c2 = p * n + i;
            if (gather)
                x2[c2] = x[c], s2[c2] = st[c], f2[c2] = fl[c];
            else
                x[c] = x2[c2], fl[c] = f2[c2];
        }
}

/* With a unit tree ([units]) each level is treated on its own, as it is normalised. */
static pa_status
treat_levels(const pa_node *nd, const pa_result *r, double *x, unsigned char *stat,
             unsigned char *fl, pa_error *err)
{
    size_t cells = r->np * r->nu;
    double *x2 = pa_malloc((cells ? cells : 1) * sizeof *x2);
    unsigned char *s2 = pa_malloc(2 * (cells ? cells : 1)), *f2 = s2 ? s2 + cells : NULL;
    pa_status st = x2 && s2 ? PA_OK : pa_nomem(err);
    for (size_t l = 0; l < pa_unit_levels(r) && st == PA_OK; l++) {
        size_t f = pa_level_first(r, l), n = pa_level_first(r, l + 1) - f;
        level_cells(r, f, n, x, stat, fl, x2, s2, f2, 1);
        if (nd->eff.scope == PA_SCOPE_PANEL)
            st = pa_treat_vector(&nd->eff, x2, n * r->np, s2, f2, err);
        for (size_t p = 0; p < r->np && st == PA_OK && nd->eff.scope != PA_SCOPE_PANEL; p++)
            st = pa_treat_vector(&nd->eff, x2 + p * n, n, s2 + p * n, f2 + p * n, err);
        level_cells(r, f, n, x, stat, fl, x2, s2, f2, 0);
    }
    pa_free(x2);
    pa_free(s2);
    return st;
}

/* One indicator (indicators are independent, so they run in parallel; the error reported
 * is the first indicator's, as in a plain loop). */
static pa_status
treat_task(void *ctx, size_t k, pa_error *err)
{
    const pa_step_job *j = ctx;
    pa_result *r = j->r;
    const pa_node *nd = &j->m->nodes[j->m->order[k]]; /* indicators come first */
    if (nd->eff.treat == PA_TREAT_NONE)
        return PA_OK;
    size_t cells = r->np * r->nu;
    unsigned char *stat = pa_malloc(cells ? cells : 1);
    if (!stat)
        return pa_nomem(err);
    for (size_t p = 0; p < r->np; p++)
        for (size_t u = 0; u < r->nu; u++)
            stat[p * r->nu + u] =
                !r->reference[u] && !(r->flags[PA_CELL(r, k, p, u)] & PA_CELL_SCREENED);
    double *x = r->score[k];
    unsigned char *fl = &r->flags[PA_CELL(r, k, 0, 0)];
    pa_status st = PA_OK;
    if (r->tree)
        st = treat_levels(nd, r, x, stat, fl, err);
    else if (nd->eff.scope == PA_SCOPE_PANEL)
        st = pa_treat_vector(&nd->eff, x, cells, stat, fl, err);
    else
        for (size_t p = 0; p < r->np && st == PA_OK; p++)
            st = pa_treat_vector(&nd->eff, x + p * r->nu, r->nu, stat + p * r->nu,
                                 fl + p * r->nu, err);
    pa_free(stat);
    if (err && st == PA_ERR_COMPUTE) { /* the method is at fault: the line of the indicator */
        char text[sizeof err->text];
        memcpy(text, err->text, sizeof text);
        pa_fail(err, st, j->m->file, nd->at.line, nd->at.col, "indicator '%s': %s", nd->code,
                text);
    }
    return st;
}

pa_status
pa_step_treat(const pa_model *m, pa_result *r, pa_error *err)
{
    pa_step_job j = { .m = m, .r = r };
    return pa_indicator_for(r, m->n_indicators, treat_task, &j, err);
}

/* Screening (COINr Screen): a unit-period is screened out when the share of indicators
 * present (after imputation) is below min_coverage, or (screen = zeros) the share of the
 * present ones that are not 0 is below min_nonzero; force_include and force_exclude decide
 * for a unit in every period. None of a screened unit's scores is computed. */
typedef struct screen_job {
    const pa_model *m;
    pa_result *r;
    signed char *force;         /* by unit: +1 forced in, −1 forced out, 0 by its data */
} screen_job;

static int
screened_out(const pa_model *m, signed char force, double cov, double nonzero)
{
    if (force)
        return force < 0;
    int low_cov = m->min_coverage > 0 && cov < m->min_coverage;
    int low_nz = !(nonzero >= m->min_nonzero); /* nothing present: no share, screened */
    return (m->screen & PA_SCREEN_COVERAGE && low_cov) || (m->screen & PA_SCREEN_ZEROS && low_nz);
}

/* One period (periods are independent, so they run in parallel). */
static pa_status
screen_period(void *ctx, size_t p, pa_error *err)
{
    const screen_job *j = ctx;
    const pa_model *m = j->m;
    pa_result *r = j->r;
    size_t ni = m->n_indicators;
    double *present = &r->coverage[p * r->nu]; /* counted indicator after indicator */
    uint32_t *zeros = pa_calloc(r->nu ? r->nu : 1, sizeof *zeros);
    if (!zeros)
        return pa_nomem(err);
    for (size_t u = 0; u < r->nu; u++)
        present[u] = 0;
    for (size_t k = 0; k < ni; k++) {
        const double *x = &PA_SCORE(r, k, p, 0);
        for (size_t u = 0; u < r->nu; u++) {
            present[u] += !isnan(x[u]);
            zeros[u] += x[u] == 0;
        }
    }
    for (size_t u = 0; u < r->nu; u++) {
        double cov = present[u] / (double)ni, nonzero = 1 - zeros[u] / present[u];
        int row = pa_cell_row(r, p * r->nu + u) != PA_NONE;
        r->coverage[p * r->nu + u] = row ? cov : NAN;
        if (row && screened_out(m, j->force[u], cov, nonzero))
            for (size_t k = 0; k < r->n_model_nodes; k++) {
                if (k < ni)
                    PA_SCORE(r, k, p, u) = NAN;
                r->flags[PA_CELL(r, k, p, u)] |= PA_CELL_SCREENED;
            }
    }
    pa_free(zeros);
    return PA_OK;
}

/* The units of force_include (+1) or force_exclude (−1): units of the data, else a mistake in
 * the model at the code's column. */
static pa_status
mark_forced(const pa_model *m, const pa_result *r, char *const *codes, const pa_loc *at,
            size_t n, signed char how, signed char *force, pa_error *err)
{
    for (size_t k = 0; k < n; k++) {
        size_t u = 0;
        while (u < r->nu && strcmp(r->unit_codes[u], codes[k]) != 0)
            u++;
        if (u == r->nu)
            return pa_fail(err, PA_ERR_MODEL, m->file, at[k].line, at[k].col,
                           "unit '%s' of %s is not a unit of the data", codes[k],
                           how > 0 ? "force_include" : "force_exclude");
        force[u] = how;
    }
    return PA_OK;
}

/* Screening by the cells an engine kept (r->screened): the indicators the steps run for lose
 * them; the other nodes' flags and the coverage are the engine's. */
static pa_status
screen_kept(void *ctx, size_t k, pa_error *err)
{
    (void)err;
    pa_result *r = ctx;
    for (size_t c = 0; c < r->np * r->nu; c++)
        if (r->screened[c]) {
            r->score[k][c] = NAN;
            r->flags[k * r->np * r->nu + c] |= PA_CELL_SCREENED;
        }
    return PA_OK;
}

pa_status
pa_step_screen(const pa_model *m, pa_result *r, pa_error *err)
{
    if (r->screened)
        return pa_indicator_for(r, m->n_indicators, screen_kept, r, err);
    screen_job j = { .m = m, .r = r, .force = pa_calloc(r->nu ? r->nu : 1, 1) };
    if (!j.force)
        return pa_nomem(err);
    pa_status st = mark_forced(m, r, m->force_in, m->force_in_at, m->n_force_in, 1, j.force, err);
    if (st == PA_OK)
        st = mark_forced(m, r, m->force_out, m->force_out_at, m->n_force_out, -1, j.force, err);
    if (st == PA_OK)
        st = pa_parallel_for(r->np, screen_period, &j, err);
    pa_free(j.force);
    return st;
}
