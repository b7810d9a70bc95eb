/* SPDX-License-Identifier: MIT */
/* Aggregation of children into groups and the index (COINr a_amean, a_gmean, a_hmean). */
#include <math.h>
#include <string.h>

#include "internal.h"

double
pa_aggregate_values(pa_agg agg, const double *x, const double *w, size_t n, int *bad)
{
    double sw = 0, acc = 0;
    *bad = -1;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue; /* missing children drop out; weights renormalise */
        if (agg != PA_AGG_ARITHMETIC && !(x[i] > 0)) {
            *bad = (int)i;
            return NAN;
        }
        sw += w[i];
        switch (agg) {
        case PA_AGG_ARITHMETIC:
            acc += w[i] * x[i];
            break;
        case PA_AGG_GEOMETRIC:
            acc += w[i] * log(x[i]);
            break;
        case PA_AGG_HARMONIC:
            acc += w[i] / x[i];
            break;
        }
    }
    if (sw == 0)
        return NAN;
    switch (agg) {
    case PA_AGG_GEOMETRIC:
        return exp(acc / sw);
    case PA_AGG_HARMONIC:
        return sw / acc;
    default:
        return acc / sw;
    }
}

pa_status
pa_step_aggregate(const pa_model *m, pa_result *r, pa_error *err)
{
    size_t maxc = 1;
    for (size_t i = 0; i < m->n_nodes; i++)
        if (m->nodes[i].n_children > maxc)
            maxc = m->nodes[i].n_children;
    double *x = pa_malloc(maxc * sizeof *x), *w = pa_malloc(maxc * sizeof *w);
    size_t *col = pa_malloc(maxc * sizeof *col);
    size_t *pos = pa_malloc(m->n_nodes * sizeof *pos); /* model node → result node */
    pa_status st = PA_OK;
    if (!x || !w || !col || !pos) {
        st = pa_nomem(err);
        goto out;
    }
    for (size_t k = 0; k < m->n_nodes; k++)
        pos[m->order[k]] = k;
    for (size_t k = 0; k < m->n_nodes && st == PA_OK; k++) {
        const pa_node *nd = &m->nodes[m->order[k]];
        if (nd->is_indicator)
            continue;
        for (size_t c = 0; c < nd->n_children; c++) {
            col[c] = pos[nd->children[c]];
            w[c] = m->nodes[nd->children[c]].weight;
        }
        for (size_t p = 0; p < r->np && st == PA_OK; p++)
            for (size_t u = 0; u < r->nu; u++) {
                for (size_t c = 0; c < nd->n_children; c++)
                    x[c] = r->score[PA_CELL(r, col[c], p, u)];
                int bad;
                double v = pa_aggregate_values(nd->eff.agg, x, w, nd->n_children, &bad);
                if (bad >= 0) {
                    char num[32];
                    pa_format_number(x[bad], num, sizeof num);
                    st = pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                                 "unit '%s', period '%s': the score of '%s' is %s, which the "
                                 "%s mean at '%s' cannot take (it needs scores above 0)",
                                 r->unit_codes[u], r->periods[p], r->node_codes[col[bad]], num,
                                 nd->eff.agg == PA_AGG_GEOMETRIC ? "geometric" : "harmonic",
                                 nd->code);
                    break;
                }
                r->score[PA_CELL(r, k, p, u)] = v;
            }
    }
out:
    pa_free(x);
    pa_free(w);
    pa_free(col);
    pa_free(pos);
    return st;
}
