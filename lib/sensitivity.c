/* SPDX-License-Identifier: MIT */
/* The points of a design (GSL's Sobol sequence, or MT19937 above its 40 dimensions), R's
 * quantiles of values kept or counted, the P² estimate of one not kept, and Jansen's
 * estimators of Sobol indices. */
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

/* The value at 0-based order i of the counted values. */
static double
counted_at(const uint32_t *c, size_t k, size_t i)
{
    size_t cum = 0;
    for (size_t v = 0; v < k; v++)
        if ((cum += c[v]) > i)
            return (double)(v + 1);
    return (double)k;
}

double
pa_quantile_counts(const uint32_t *c, size_t k, size_t m, double p)
{
    if (m == 0)
        return NAN;
    double h = (double)(m - 1) * p;
    size_t lo = (size_t)floor(h);
    double x = counted_at(c, k, lo);
    if (lo + 1 >= m)
        return counted_at(c, k, m - 1);
    return x + (h - (double)lo) * (counted_at(c, k, lo + 1) - x);
}

/* P²'s piecewise-parabolic move of marker i by d (±1), Jain and Chlamtac (1985) eq. 5. */
static double
p2_parabolic(const pa_p2 *s, int i, double d)
{
    const double *q = s->q, *n = s->pos;
    return q[i] + d / (n[i + 1] - n[i - 1]) *
                      ((n[i] - n[i - 1] + d) * (q[i + 1] - q[i]) / (n[i + 1] - n[i]) +
                       (n[i + 1] - n[i] - d) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]));
}

static void
p2_adjust(pa_p2 *s, double p)
{
    const double f[5] = { 0, p / 2, p, (1 + p) / 2, 1 };
    for (int i = 1; i <= 3; i++) {
        double want = 1 + (double)(s->n - 1) * f[i], gap = want - s->pos[i];
        if (!((gap >= 1 && s->pos[i + 1] - s->pos[i] > 1) ||
              (gap <= -1 && s->pos[i - 1] - s->pos[i] < -1)))
            continue;
        double d = gap >= 1 ? 1 : -1, qp = p2_parabolic(s, i, d);
        if (!(s->q[i - 1] < qp && qp < s->q[i + 1])) /* linear where the parabola overshoots */
            qp = s->q[i] + d * (s->q[i + (int)d] - s->q[i]) / (s->pos[i + (int)d] - s->pos[i]);
        s->q[i] = qp;
        s->pos[i] += d;
    }
}

void
pa_p2_add(pa_p2 *s, double p, double x)
{
    if (s->n < 5) { /* kept sorted, exact */
        size_t i = s->n++;
        for (; i > 0 && s->q[i - 1] > x; i--)
            s->q[i] = s->q[i - 1];
        s->q[i] = x;
        for (int k = 0; k < 5; k++)
            s->pos[k] = k + 1;
        return;
    }
    int cell = 0;
    if (x < s->q[0])
        s->q[0] = x;
    else if (x >= s->q[4])
        s->q[4] = x, cell = 3;
    else
        while (cell < 3 && x >= s->q[cell + 1])
            cell++;
    for (int i = cell + 1; i < 5; i++)
        s->pos[i]++;
    s->n++;
    p2_adjust(s, p);
}

double
pa_p2_get(const pa_p2 *s, double p)
{
    return s->n <= 5 ? pa_quantile_sorted(s->q, s->n, p) : s->q[2];
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
