/* SPDX-License-Identifier: MIT */
/* Aggregation of children into groups and the index (COINr a_amean, a_gmean, a_hmean,
 * a_genmean, a_copeland; weighted median; Mazziotta–Pareto), and penalty points. */
#include <math.h>
#include <string.h>

#include "internal.h"

/* Weighted median: the smallest value whose cumulative weight reaches half the total; when it
 * reaches exactly half, the mean of that value and the next. x and w are reordered. */
static double
weighted_median(double *x, double *w, size_t n)
{
    for (size_t i = 1; i < n; i++) { /* insertion sort: a node has few children */
        double xi = x[i], wi = w[i];
        size_t j = i;
        for (; j > 0 && x[j - 1] > xi; j--) {
            x[j] = x[j - 1];
            w[j] = w[j - 1];
        }
        x[j] = xi;
        w[j] = wi;
    }
    double total = 0, cum = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    for (size_t i = 0; i < n; i++) {
        cum += w[i];
        if (fabs(cum - total / 2) <= 1e-12 * total && i + 1 < n)
            return (x[i] + x[i + 1]) / 2;
        if (cum >= total / 2)
            return x[i];
    }
    return x[n - 1];
}

/* With scratch room for 2·nin doubles (the present children, sorted for the median). */
static double
aggregate_values(pa_agg agg, const double *xin, const double *win, size_t nin, double p,
                 int *bad, double *scratch)
{
    double *x = scratch, *w = scratch + nin;
    size_t n = 0;
    *bad = -1;
    for (size_t i = 0; i < nin; i++) {
        if (isnan(xin[i]))
            continue; /* missing children drop out; weights renormalise */
        int neg = agg == PA_AGG_GEOMETRIC || agg == PA_AGG_HARMONIC ||
                  (agg == PA_AGG_GENMEAN && p < 0);
        if ((neg && !(xin[i] > 0)) ||
            (agg == PA_AGG_GENMEAN && xin[i] < 0 && p != floor(p))) {
            *bad = (int)i;
            return NAN;
        }
        x[n] = xin[i];
        w[n++] = win[i];
    }
    if (n == 0)
        return NAN;
    double sw = 0, acc = 0;
    for (size_t i = 0; i < n; i++)
        sw += w[i];
    switch (agg) {
    case PA_AGG_GEOMETRIC:
        for (size_t i = 0; i < n; i++)
            acc += w[i] * log(x[i]);
        return exp(acc / sw);
    case PA_AGG_HARMONIC:
        for (size_t i = 0; i < n; i++)
            acc += w[i] / x[i];
        return sw / acc;
    case PA_AGG_GENMEAN: {
        for (size_t i = 0; i < n; i++)
            acc += w[i] * pow(x[i], p);
        double y = pow(acc / sw, 1 / p);
        if (isnan(y))
            *bad = 0;
        return y;
    }
    case PA_AGG_MEDIAN:
        return weighted_median(x, w, n);
    case PA_AGG_MPI: {
        double mean = 0, var = 0;
        for (size_t i = 0; i < n; i++)
            mean += w[i] * x[i];
        mean /= sw;
        for (size_t i = 0; i < n; i++)
            var += w[i] * (x[i] - mean) * (x[i] - mean);
        double sd = sqrt(var / sw);
        if (sd == 0)
            return mean;
        if (mean == 0) { /* the coefficient of variation is undefined */
            *bad = 0;
            return NAN;
        }
        return mean + p * sd * (sd / mean);
    }
    default:
        for (size_t i = 0; i < n; i++)
            acc += w[i] * x[i];
        return acc / sw;
    }
}

double
pa_aggregate_values(pa_agg agg, const double *x, const double *w, size_t n, double p, int *bad)
{
    double small[64];
    double *scratch = 2 * n <= 64 ? small : pa_malloc(2 * n * sizeof *scratch);
    if (!scratch) {
        *bad = -2;
        return NAN;
    }
    double v = aggregate_values(agg, x, w, n, p, bad, scratch);
    if (scratch != small)
        pa_free(scratch);
    return v;
}

/* Copeland (COINr a_copeland) within one period: for each pair of units, +1 / 0 / −1 as the
 * weight of the children where one is higher is more than, equal to or less than the weight
 * of those where it is lower, summed over opponents. Only the children both units have
 * count, so that the answer does not depend on the order of the units (COINr's does, where
 * a child is missing: doc/methods.md). Opponents are the ranked units; reference units are
 * scored against them too. */
static inline double
copeland_point(const double *xa, const double *xb, const double *w, size_t nc)
{
    /* COINr's share better + tie/2 against ½ is better against worse: two sums of raw
     * weights, so that an exact tie stays one (1/6 summed six ways is not ½). Without
     * branches: a missing child compares false both ways and adds an exact 0 to each. */
    double better = 0, worse = 0;
    for (size_t c = 0; c < nc; c++) {
        better += w[c] * (double)(xa[c] > xb[c]);
        worse += w[c] * (double)(xa[c] < xb[c]);
    }
    return better > worse ? 1 : better < worse ? -1 : 0;
}

/* Every pair is compared once: the children's scores of the period are laid out unit by
 * unit, and a pair of opponents gives its point to both (negated for the second, the point
 * being antisymmetric). Still n² pairs: see doc/limits.md. */
static pa_status
copeland_period(pa_result *r, size_t k, size_t p, const size_t *col, const double *w, size_t nc,
                const unsigned char *in, pa_error *err)
{
    size_t nu = r->nu;
    double *xs = pa_reallocarray(NULL, nu * nc + nu + 1, sizeof *xs);
    unsigned char *scored = pa_malloc(nu ? nu : 1);
    if (!xs || !scored || (nc && nu * nc / nc != nu)) {
        pa_free(xs), pa_free(scored);
        return pa_nomem(err);
    }
    double *total = xs + nu * nc;
    for (size_t i = 0; i < nu; i++) {
        int any = 0;
        for (size_t c = 0; c < nc; c++) {
            xs[i * nc + c] = PA_SCORE(r, col[c], p, i);
            any |= !isnan(xs[i * nc + c]);
        }
        scored[i] = any && !(r->flags[PA_CELL(r, k, p, i)] & PA_CELL_SCREENED);
        total[i] = 0;
    }
    for (size_t i = 0; i < nu; i++) {
        const double *xi = xs + i * nc;
        if (in[i]) {
            for (size_t j = i + 1; j < nu; j++) {
                if (!in[j] || !(scored[i] || scored[j]))
                    continue;
                double o = copeland_point(xi, xs + j * nc, w, nc);
                total[i] += o;
                total[j] -= o;
            }
        } else if (scored[i]) { /* a reference unit meets every opponent, never met back */
            for (size_t j = 0; j < nu; j++)
                if (j != i && in[j])
                    total[i] += copeland_point(xi, xs + j * nc, w, nc);
        }
    }
    for (size_t i = 0; i < nu; i++)
        PA_SCORE(r, k, p, i) = scored[i] ? total[i] : NAN;
    pa_free(xs);
    pa_free(scored);
    return PA_OK;
}

/* Raw values of penalty columns and the points they take off (score = −points). */
pa_status
pa_step_penalty(const pa_model *m, const pa_data *d, pa_result *r, pa_error *err)
{
    for (size_t k = 0; k < m->n_penalties; k++) {
        const pa_penalty *pe = &m->penalties[k];
        size_t n = r->n_model_nodes + k;
        pa_status st = pa_node_alloc(r, n, err);
        if (st != PA_OK)
            return st;
        for (size_t p = 0; p < r->np; p++)
            for (size_t u = 0; u < r->nu; u++) {
                size_t row = pa_cell_row(r, p * r->nu + u);
                double v = pa_cell_value(r, pa_value_node(r, n), p, u);
                double *c = &PA_SCORE(r, n, p, u);
                if (row == PA_NONE || isnan(v)) {
                    *c = NAN;
                    continue;
                }
                if (v < 0)
                    return pa_fail(err, PA_ERR_DATA, pa_data_row_file(d, row),
                                   pa_data_row_line(d, row), 0,
                                   "penalty column '%s' of unit '%s' is negative (%g)",
                                   pa_penalty_column(pe), r->unit_codes[u], v);
                double pts = pe->points * v;
                if (pe->cap >= 0 && pts > pe->cap)
                    pts = pe->cap;
                *c = pts > 0 ? -pts : 0.0;
            }
        pa_release_values(r, n);
    }
    return PA_OK;
}

typedef struct agg_job {
    const pa_model *m;
    pa_result *r;
    size_t k;                   /* the node */
    const size_t *col;          /* its children (result nodes) */
    const double *w;            /* their weights */
    int report;                 /* fill fail_unit/period and the message (one thread only) */
} agg_job;

/* The weighted arithmetic mean of one period, child after child over the units: the sums of
 * aggregate_values (children in order, the missing skipped), without gathering each cell's
 * children. sw has room for a weight sum per unit, cnt (NULL without min_coverage) for a
 * count. */
static void
arithmetic_period(pa_result *r, size_t k, size_t p, const size_t *col, const double *w,
                  size_t nc, double min_coverage, double *sw, double *cnt)
{
    size_t nu = r->nu;
    double *out = &PA_SCORE(r, k, p, 0);
    for (size_t u = 0; u < nu; u++)
        out[u] = sw[u] = 0;
    for (size_t u = 0; cnt && u < nu; u++)
        cnt[u] = 0;
    for (size_t c = 0; c < nc; c++) {
        const double *x = &PA_SCORE(r, col[c], p, 0);
        double wc = w[c];
        for (size_t u = 0; u < nu; u++)
            if (!isnan(x[u])) {
                out[u] += wc * x[u];
                sw[u] += wc;
                if (cnt)
                    cnt[u]++;
            }
    }
    for (size_t u = 0; u < nu; u++) {
        if (cnt && cnt[u] > 0 && cnt[u] < min_coverage * (double)nc) {
            out[u] = NAN;
            r->flags[PA_CELL(r, k, p, u)] |= PA_CELL_LOW_COVERAGE;
            continue;
        }
        out[u] /= sw[u]; /* no child present: 0 / 0, missing */
    }
}

/* Room for one period of node nd: the arithmetic mean's weight sum and count per unit,
 * else 3 doubles per child (the children of a cell, and aggregate_values's scratch). */
static size_t
period_room(const pa_result *r, const pa_node *nd)
{
    size_t n = nd->eff.agg == PA_AGG_ARITHMETIC ? 2 * r->nu : 3 * nd->n_children;
    return n ? n : 1;
}

/* One period of the node, with room x (period_room). */
static pa_status
aggregate_node_period(const agg_job *j, size_t p, double *x, pa_error *err)
{
    const pa_model *m = j->m;
    pa_result *r = j->r;
    size_t k = j->k;
    const pa_node *nd = &m->nodes[m->order[k]];
    const size_t *col = j->col;
    const double *w = j->w;
    pa_agg agg = nd->eff.agg;
    size_t nc = nd->n_children;
    double par = agg == PA_AGG_MPI ? nd->mpi_sign : nd->p;
    double *scratch = x + nc;
    if (agg == PA_AGG_COPELAND) {
        unsigned char *in = pa_malloc(r->nu ? r->nu : 1);
        if (!in)
            return pa_nomem(err);
        for (size_t u = 0; u < r->nu; u++)
            in[u] = !r->reference[u] && !(r->flags[PA_CELL(r, k, p, u)] & PA_CELL_SCREENED);
        pa_status st = copeland_period(r, k, p, col, w, nc, in, err);
        pa_free(in);
        if (st != PA_OK)
            return st;
    }
    if (agg == PA_AGG_ARITHMETIC) {
        arithmetic_period(r, k, p, col, w, nc, nd->min_coverage, x,
                          nd->min_coverage > 0 ? x + r->nu : NULL);
    } else {
        for (size_t u = 0; u < r->nu; u++) {
            size_t cell = PA_CELL(r, k, p, u);
            size_t present = 0;
            for (size_t c = 0; c < nc; c++) {
                x[c] = PA_SCORE(r, col[c], p, u);
                present += !isnan(x[c]);
            }
            if (present && (double)present < nd->min_coverage * (double)nc) {
                PA_SCORE(r, k, p, u) = NAN;
                r->flags[cell] |= PA_CELL_LOW_COVERAGE;
                continue;
            }
            if (agg == PA_AGG_COPELAND)
                continue;
            int bad;
            double v = aggregate_values(agg, x, w, nc, par, &bad, scratch);
            if (bad >= 0) {
                if (!j->report)
                    return PA_ERR_COMPUTE; /* the caller runs it again alone, for the message */
                r->fail_unit = u;
                r->fail_period = p;
                char num[40];
                pa_format_number(x[bad], num, sizeof num);
                return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                               "unit '%s', period '%s': the %s mean at '%s' cannot take the "
                               "score %s of '%s'%s",
                               r->unit_codes[u], r->periods[p],
                               agg == PA_AGG_GEOMETRIC ? "geometric"
                               : agg == PA_AGG_HARMONIC ? "harmonic"
                               : agg == PA_AGG_MPI ? "Mazziotta-Pareto"
                                                   : "generalised",
                               nd->code, num, r->node_codes[col[bad]],
                               agg == PA_AGG_MPI ? " (children average 0)"
                                                 : " (it needs scores above 0)");
            }
            PA_SCORE(r, k, p, u) = v;
        }
    }
    /* penalty points come off after aggregation, not below the range's floor */
    for (size_t q = 0; q < m->n_penalties; q++) {
        if (m->pos[m->penalties[q].target_node] != k)
            continue;
        size_t pn = r->n_model_nodes + q;
        for (size_t u = 0; u < r->nu; u++) {
            double *s = &PA_SCORE(r, k, p, u);
            double pts = PA_SCORE(r, pn, p, u);
            if (isnan(*s) || isnan(pts))
                continue;
            double floor_ = nd->eff.range[0];
            double v = *s + pts;
            *s = v < floor_ && *s >= floor_ ? floor_ : v;
        }
    }
    return PA_OK;
}

static pa_status
aggregate_period(void *ctx, size_t p, pa_error *err)
{
    const agg_job *j = ctx;
    const pa_node *nd = &j->m->nodes[j->m->order[j->k]];
    /* on the heap: a period has hundreds of thousands of units, a node may have as many
     * children, and this runs on worker threads with small stacks */
    double *x = pa_malloc(period_room(j->r, nd) * sizeof *x);
    if (!x)
        return pa_nomem(err);
    pa_status st = aggregate_node_period(j, p, x, err);
    pa_free(x);
    return st;
}

/* One node from its children, every period; periods are independent, so they run in
 * parallel. Nodes go bottom-up, one at a time, so that children can be let go as soon as
 * their parent has them (pa_compute_nodes). */
pa_status
pa_aggregate_node(const pa_model *m, pa_result *r, size_t k, pa_error *err)
{
    const pa_node *nd = &m->nodes[m->order[k]];
    size_t nc = nd->n_children;
    size_t *col = pa_malloc((nc ? nc : 1) * sizeof *col);
    double *w = pa_malloc((nc ? nc : 1) * sizeof *w);
    pa_status st = PA_OK;
    if (!col || !w || (st = pa_node_alloc_spare(r, k, err)) != PA_OK) {
        pa_free(col);
        pa_free(w);
        return st != PA_OK ? st : pa_nomem(err);
    }
    for (size_t c = 0; c < nc; c++) {
        col[c] = m->pos[nd->children[c]];
        w[c] = nd->weight_pca ? r->node_weight[col[c]] : m->nodes[nd->children[c]].weight;
    }
    agg_job j = { .m = m, .r = r, .k = k, .col = col, .w = w };
    st = pa_parallel_for(r->np, aggregate_period, &j, err);
    if (st == PA_ERR_COMPUTE) {
        /* again alone, period after period, for the message of the first failure */
        j.report = 1;
        st = PA_OK;
        for (size_t p = 0; p < r->np && st == PA_OK; p++)
            st = aggregate_period(&j, p, err);
    }
    pa_free(col);
    pa_free(w);
    return st;
}
