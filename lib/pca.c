/* SPDX-License-Identifier: MIT */
/* Principal components of a correlation matrix (GSL's symmetric eigensolver), and the
 * weights weight = pca derives from them. */
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "stats.h"

/* The correlation matrix of the columns of x into c (k × k); 0 when a column is constant. */
static int
corr_matrix(const double *x, size_t n, size_t k, double *c)
{
    for (size_t i = 0; i < k; i++) {
        if (!(gsl_stats_sd(x + i, k, n) > 0))
            return 0;
        c[i * k + i] = 1;
        for (size_t j = 0; j < i; j++)
            c[i * k + j] = c[j * k + i] = gsl_stats_correlation(x + i, k, x + j, k, n);
    }
    return 1;
}

/* Eigenpairs of the k × k matrix c (destroyed) sorted by value, largest first: values into
 * val, vectors as the columns of vec. */
static pa_status
eigen_sorted(double *c, size_t k, double *val, double *vec, pa_error *err)
{
    gsl_matrix_view cm = gsl_matrix_view_array(c, k, k);
    gsl_matrix_view vm = gsl_matrix_view_array(vec, k, k);
    gsl_vector_view ev = gsl_vector_view_array(val, k);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(k);
    if (!ws)
        return pa_nomem(err);
    int rc = gsl_eigen_symmv(&cm.matrix, &ev.vector, &vm.matrix, ws);
    gsl_eigen_symmv_free(ws);
    if (rc || gsl_eigen_symmv_sort(&ev.vector, &vm.matrix, GSL_EIGEN_SORT_VAL_DESC))
        return PA_ERR_COMPUTE;
    return PA_OK;
}

pa_status
pa_pca(const double *x, size_t n, size_t k, double *share, double *loading, pa_error *err)
{
    if (n < 2 || k == 0)
        return PA_ERR_COMPUTE;
    double *c = pa_malloc(2 * k * k * sizeof *c), *vec = c + k * k;
    if (!c)
        return pa_nomem(err);
    pa_status st = corr_matrix(x, n, k, c) ? eigen_sorted(c, k, share, vec, err) : PA_ERR_COMPUTE;
    if (st == PA_OK) {
        double total = 0;
        size_t big = 0;
        for (size_t i = 0; i < k; i++) {
            share[i] = fmax(share[i], 0); /* rounding leaves -1e-17 where there is nothing */
            total += share[i];
            loading[i] = vec[i * k]; /* PC1 is the first column */
            if (fabs(loading[i]) > fabs(loading[big]))
                big = i;
        }
        double sign = loading[big] < 0 ? -1 : 1; /* the solver's sign is arbitrary */
        for (size_t i = 0; i < k; i++) {
            share[i] /= total;
            loading[i] *= sign;
        }
    }
    pa_free(c);
    return st;
}

/* The rows of node k's children where every child has a score: cells with a data row, not
 * screened out, not a reference unit (as the statistics of normalisation), every period. */
static size_t
child_rows(const pa_model *m, const pa_result *r, size_t k, double *rows)
{
    const pa_node *nd = &m->nodes[m->order[k]];
    size_t nc = nd->n_children, n = 0;
    for (size_t c = 0; c < r->np * r->nu; c++) {
        size_t u = c % r->nu;
        if (pa_cell_row(r, c) == PA_NONE || r->reference[u] ||
            (r->flags[PA_CELL(r, k, c / r->nu, u)] & PA_CELL_SCREENED))
            continue;
        int all = 1;
        for (size_t ch = 0; ch < nc && all; ch++)
            all = !isnan(rows[n * nc + ch] = r->score[m->pos[nd->children[ch]]][c]);
        n += all;
    }
    return n;
}

/* Why node k gets no weights from PCA: too few complete rows, or a constant child. */
static pa_status
refused(const pa_model *m, const pa_node *nd, size_t n, pa_error *err)
{
    size_t nc = nd->n_children;
    if (n < nc + 1)
        return pa_fail(err, PA_ERR_COMPUTE, m->file, nd->weight_pca_at.line,
                       nd->weight_pca_at.col, "weight = pca of '%s': %zu units have a score for "
                       "each of its %zu children; PCA needs at least %zu", nd->code, n, nc, nc + 1);
    return pa_fail(err, PA_ERR_COMPUTE, m->file, nd->weight_pca_at.line, nd->weight_pca_at.col,
                   "weight = pca of '%s': a child has the same score for every unit, so the "
                   "correlations and components are undefined", nd->code);
}

pa_status
pa_pca_weights(const pa_model *m, pa_result *r, size_t k, pa_error *err)
{
    const pa_node *nd = &m->nodes[m->order[k]];
    size_t nc = nd->n_children, cells = r->np * r->nu;
    double *rows = pa_malloc((cells ? cells : 1) * (nc ? nc : 1) * sizeof *rows);
    double *share = pa_malloc(2 * (nc ? nc : 1) * sizeof *share);
    if (!rows || !share) {
        pa_free(rows);
        pa_free(share);
        return pa_nomem(err);
    }
    double *load = share + nc;
    size_t n = child_rows(m, r, k, rows);
    pa_status st = n < nc + 1 ? PA_ERR_COMPUTE : pa_pca(rows, n, nc, share, load, err);
    if (st == PA_ERR_COMPUTE)
        st = refused(m, nd, n, err);
    for (size_t ch = 0; st == PA_OK && ch < nc; ch++)
        r->node_weight[m->pos[nd->children[ch]]] = load[ch] * load[ch]; /* they sum to 1 */
    pa_free(rows);
    pa_free(share);
    return st;
}
