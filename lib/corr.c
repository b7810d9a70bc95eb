/* SPDX-License-Identifier: MIT */
/* Correlations over pairwise-complete units: Pearson's r (GSL), and Spearman's rho as Pearson's
 * r of ranks taken within the complete pairs, from orders sorted once per column. */
#include <gsl/gsl_statistics_double.h>
#include <math.h>

#include "stats.h"

double
pa_pearson(const double *x, const double *y, size_t n, double *work)
{
    double *a = work, *b = work + n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            a[m] = x[i];
            b[m++] = y[i];
        }
    if (m < 2) /* GSL reads the first value even when there is none */
        return NAN;
    double r = gsl_stats_correlation(a, 1, b, 1, m);
    if (!isfinite(r))
        return NAN;
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

pa_status
pa_order(const double *x, size_t n, pa_col_order *out, pa_error *err)
{
    pa_sorted so;
    pa_status st = pa_sort_present(x, n, NULL, &so, err);
    pa_free(so.key); /* ties are told by the values themselves */
    out->idx = so.idx;
    out->m = so.m;
    return st;
}

/* Ranks 1, 2, … of x over the cells where y is present too, ties at their mean rank, walking
 * x's order; NaN in the other cells. */
static void
subset_ranks(const pa_col_order *o, const double *x, const double *y, size_t n, double *rank)
{
    for (size_t i = 0; i < n; i++)
        rank[i] = NAN;
    double r = 0;
    for (size_t a = 0, b; a < o->m; a = b) {
        size_t cnt = 0;
        for (b = a; b < o->m && x[o->idx[b]] == x[o->idx[a]]; b++)
            cnt += !isnan(y[o->idx[b]]);
        double mean = r + ((double)cnt + 1) / 2;
        for (size_t t = a; t < b; t++)
            if (!isnan(y[o->idx[t]]))
                rank[o->idx[t]] = mean;
        r += (double)cnt;
    }
}

double
pa_spearman(const pa_col_order *ox, const pa_col_order *oy, const double *x, const double *y,
            size_t n, double *work)
{
    subset_ranks(ox, x, y, n, work);
    subset_ranks(oy, y, x, n, work + n);
    return pa_pearson(work, work + n, n, work + 2 * n);
}
