/* SPDX-License-Identifier: MIT */
/* Imputation of missing indicator values (COINr Impute semantics), after denomination. */
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "internal.h"

static double
centre(pa_impute how, double *v, size_t n)
{
    if (n == 0)
        return NAN;
    if (how == PA_IMPUTE_MEAN || how == PA_IMPUTE_GROUP_MEAN)
        return gsl_stats_mean(v, 1, n);
    /* by selection, not a sort (it reorders v); with -0 and 0 among the values either may
     * come out, so a zero median is written as 0 */
    double c = gsl_stats_median(v, 1, n);
    return c == 0 ? 0.0 : c;
}

/* Period positions on a time axis, so that gaps keep their length (2015, 2017, 2018; 2019-01,
 * 2019-03), or 0, 1, 2, … when the data has no periods. */
static void
period_axis(const pa_result *r, double *t)
{
    for (size_t p = 0; p < r->np; p++)
        t[p] = r->np > 1 ? pa_period_ordinal(r->periods[p]) : 0.0;
}

/* Along one unit's periods: the latest earlier value, or linear between neighbours with the
 * end values held constant beyond the data (COINr's "linear-constant"). */
static void
impute_series(pa_impute how, double *x, size_t stride, size_t np, const size_t *row_of,
              const double *t, unsigned char *flags)
{
    for (size_t p = 0; p < np; p++) {
        if (!isnan(x[p * stride]) || row_of[p] == PA_NONE)
            continue;
        size_t before = PA_NONE, after = PA_NONE;
        for (size_t q = p; q-- > 0;)
            if (!isnan(x[q * stride]) && !(flags[q * stride] & PA_CELL_IMPUTED)) {
                before = q;
                break;
            }
        for (size_t q = p + 1; q < np; q++)
            if (!isnan(x[q * stride]) && !(flags[q * stride] & PA_CELL_IMPUTED)) {
                after = q;
                break;
            }
        double v = NAN;
        if (how == PA_IMPUTE_LATEST)
            v = before != PA_NONE ? x[before * stride] : NAN;
        else if (before != PA_NONE && after != PA_NONE)
            v = x[before * stride] + (x[after * stride] - x[before * stride]) *
                                         (t[p] - t[before]) / (t[after] - t[before]);
        else if (before != PA_NONE)
            v = x[before * stride];
        else if (after != PA_NONE)
            v = x[after * stride];
        if (!isnan(v)) {
            x[p * stride] = v;
            flags[p * stride] |= PA_CELL_IMPUTED;
        }
    }
}

typedef struct impute_job {
    pa_step_job s;
    const double *t;            /* the period axis */
} impute_job;

/* One indicator (indicators are independent, so they run in parallel). */
static pa_status
impute_task(void *ctx, size_t k, pa_error *err)
{
    const impute_job *j = ctx;
    pa_result *r = j->s.r;
    size_t nu = r->nu, np = r->np;
    const pa_node *nd = &j->s.m->nodes[j->s.m->order[k]]; /* indicators come first */
    pa_impute how = nd->eff.impute;
    if (how == PA_IMPUTE_NONE)
        return PA_OK;
    if (how == PA_IMPUTE_LATEST || how == PA_IMPUTE_LINEAR) {
        size_t *rows = pa_malloc((np ? np : 1) * sizeof *rows);
        if (!rows)
            return pa_nomem(err);
        for (size_t u = 0; u < nu; u++) {
            for (size_t p = 0; p < np; p++)
                rows[p] = pa_cell_row(r, p * nu + u);
            impute_series(how, &PA_SCORE(r, k, 0, u), nu, np, rows, j->t,
                          &r->flags[PA_CELL(r, k, 0, u)]);
        }
        pa_free(rows);
        return PA_OK;
    }
    double *v = pa_malloc((nu ? nu : 1) * sizeof *v);
    uint32_t *grp = pa_malloc((nu ? nu : 1) * sizeof *grp);
    if (!v || !grp) {
        pa_free(v), pa_free(grp);
        return pa_nomem(err);
    }
    int by_group = how == PA_IMPUTE_GROUP_MEAN || how == PA_IMPUTE_GROUP_MEDIAN;
    int same = by_group || r->tree != NULL; /* imputed from units of the same group or level */
    for (size_t p = 0; p < np; p++) {
        double *x = &PA_SCORE(r, k, p, 0);
        unsigned char *fl = &r->flags[PA_CELL(r, k, p, 0)];
        for (size_t u = 0; u < nu; u++) {
            size_t row = pa_cell_row(r, p * nu + u);
            grp[u] = row == PA_NONE || !by_group ? UINT32_MAX : j->s.d->row_group[row];
            if (r->tree && !by_group) /* [units]: from the unit's own level */
                grp[u] = (uint32_t)pa_result_unit_level(r, u);
        }
        /* one pass per group (or one pass for all): statistics from observed values */
        for (size_t u0 = 0; u0 < nu; u0++) {
            if (!isnan(x[u0]) || pa_cell_row(r, p * nu + u0) == PA_NONE || (fl[u0] & PA_CELL_IMPUTED))
                continue;
            if (by_group && grp[u0] == UINT32_MAX)
                continue; /* no group: nothing to impute from */
            size_t n = 0;
            for (size_t u = 0; u < nu; u++)
                if (!isnan(x[u]) && !(fl[u] & PA_CELL_IMPUTED) && !r->reference[u] &&
                    (!same || grp[u] == grp[u0]))
                    v[n++] = x[u];
            double c = centre(how, v, n);
            if (isnan(c))
                continue;
            for (size_t u = u0; u < nu; u++)
                if (isnan(x[u]) && pa_cell_row(r, p * nu + u) != PA_NONE &&
                    (!same || grp[u] == grp[u0])) {
                    x[u] = c;
                    fl[u] |= PA_CELL_IMPUTED;
                }
        }
    }
    pa_free(v), pa_free(grp);
    return PA_OK;
}

pa_status
pa_step_impute(const pa_model *m, const pa_data *d, pa_result *r, pa_error *err)
{
    double *t = pa_malloc((r->np ? r->np : 1) * sizeof *t);
    if (!t)
        return pa_nomem(err);
    period_axis(r, t);
    impute_job j = { .s = { .m = m, .d = d, .r = r }, .t = t };
    pa_status st = pa_indicator_for(r, m->n_indicators, impute_task, &j, err);
    pa_free(t);
    return st;
}
