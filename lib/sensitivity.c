/* SPDX-License-Identifier: MIT */
/* The points of a design (GSL's Sobol sequence, or MT19937 above its 40 dimensions) and
 * Jansen's estimators of Sobol indices. */
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "uncertainty.h"

pa_status
pa_unc_points(double *x, size_t n, size_t dim, int sobol, unsigned long seed, pa_error *err)
{
    if (sobol) {
        if (dim == 0 || dim > PA_UNC_SOBOL_MAX)
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "Sobol points of %zu dimensions",
                           dim);
        gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
        if (!q)
            return pa_nomem(err);
        for (size_t i = 0; i < n; i++)
            gsl_qrng_get(q, x + i * dim);
        gsl_qrng_free(q);
        return PA_OK;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return pa_nomem(err);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n * dim; i++)
        x[i] = gsl_rng_uniform(r);
    gsl_rng_free(r);
    return PA_OK;
}

double
pa_quantile_sorted(const double *x, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static double
sample_var(const double *yA, const double *yB, size_t n, const size_t *idx)
{
    double s = 0, ss = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = idx ? idx[k] : k;
        s += yA[i] + yB[i];
    }
    double mean = s / (double)(2 * n);
    for (size_t k = 0; k < n; k++) {
        size_t i = idx ? idx[k] : k;
        ss += (yA[i] - mean) * (yA[i] - mean) + (yB[i] - mean) * (yB[i] - mean);
    }
    return ss / (double)(2 * n - 1);
}

/* Jansen (1999), as Saltelli et al. (2010) table 2: V·(1 − S_i) = E[(f(B) − f(AB_i))²]/2
 * (B and AB_i share input i only) and V·S_Ti = E[(f(A) − f(AB_i))²]/2 (they differ in it). */
void
pa_sobol_jansen(const double *yA, const double *yB, const double *yAB, size_t n, size_t d,
                const size_t *idx, double *first, double *total)
{
    double v = n > 0 ? sample_var(yA, yB, n, idx) : NAN;
    for (size_t j = 0; j < d; j++) {
        const double *y = yAB + j * n;
        double sf = 0, st = 0;
        for (size_t k = 0; k < n; k++) {
            size_t i = idx ? idx[k] : k;
            sf += (yB[i] - y[i]) * (yB[i] - y[i]);
            st += (yA[i] - y[i]) * (yA[i] - y[i]);
        }
        /* no variance (no input moves the output): no index either */
        first[j] = v > 0 ? 1 - sf / (2 * (double)n * v) : NAN;
        total[j] = v > 0 ? st / (2 * (double)n * v) : NAN;
    }
}
