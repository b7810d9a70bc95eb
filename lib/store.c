/* SPDX-License-Identifier: MIT */
/* A result's storage: its frame (units, periods, nodes with their hierarchy, bands) copied
 * from the model and data, and the node columns the steps fill. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The scores kept for reuse during aggregation go (at its end, or with a failed result). */
void
pa_free_spares(pa_result *r)
{
    while (r->n_spare)
        pa_col_unref(r->spare[--r->n_spare]);
}

void
pa_result_free(pa_result *r)
{
    if (!r)
        return;
    pa_unit_tree_free(r->tree);
    pa_free(r->unit_text);
    for (size_t p = 0; p < r->np && r->periods; p++)
        pa_free(r->periods[p]);
    for (size_t n = 0; n < r->nn; n++) {
        if (r->node_codes)
            pa_free(r->node_codes[n]);
        if (r->node_labels)
            pa_free(r->node_labels[n]);
        if (r->node_units)
            pa_free(r->node_units[n]);
    }
    for (size_t b = 0; b < r->n_bands && r->bands; b++) {
        pa_free(r->bands[b].label);
        pa_free(r->bands[b].colour);
    }
    pa_free(r->bands);
    pa_free(r->unit_codes);
    pa_free(r->unit_names);
    pa_free(r->periods);
    pa_free(r->node_codes);
    pa_free(r->node_labels);
    pa_free(r->node_units);
    pa_free(r->node_level);
    pa_free(r->node_parent);
    pa_free(r->node_weight);
    pa_free(r->reference);
    for (size_t k = 0; r->vcol && k < r->n_ind + r->nn - r->n_model_nodes; k++)
        pa_col_unref(r->vcol[k]);
    pa_free(r->vcol);
    for (size_t k = 0; r->rate && k < r->n_ind; k++)
        pa_col_unref(r->rate[k]);
    pa_free(r->rate);
    pa_free(r->rate_raw);
    pa_free(r->cell_row);
    for (size_t n = 0; n < r->nn && r->score; n++)
        pa_col_unref(r->score[n]);
    pa_free_spares(r);
    pa_free(r->score);
    for (size_t n = 0; n < r->nn && r->rank; n++)
        pa_free(r->rank[n]);
    pa_free(r->rank);
    pa_free(r->keep);
    pthread_mutex_destroy(&r->rank_lock);
    pa_free(r->base);
    pa_free(r->base_label);
    pa_free(r->base_text);
    pa_free(r->flags);
    pa_free(r->present);
    pa_free(r->node_penalty);
    pa_free(r->coverage);
    pa_free(r);
}

static int
cmp_period_idx(const void *a, const void *b, void *arg)
{
    const pa_data *d = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return pa_period_cmp(d->periods.keys[x], d->periods.keys[y]);
}

/* Reference units are units of the data: a code that is none is a typo in the model. */
static pa_status
mark_reference_units(const pa_model *m, const pa_data *d, pa_result *r, pa_error *err)
{
    for (size_t k = 0; k < m->n_reference_units; k++) {
        const char *code = m->reference_units[k];
        size_t u = pa_strmap_find(&d->units, code, strlen(code));
        if (u == PA_NONE || u >= d->units.n || strcmp(d->units.keys[u], code) != 0)
            return pa_fail(err, PA_ERR_MODEL, m->file, m->reference_at[k].line,
                           m->reference_at[k].col,
                           "reference unit '%s' is not a unit of the data", code);
        r->reference[u] = 1;
    }
    return PA_OK;
}

/* Copy names and hierarchy into the result so that it outlives model and data. */
pa_status
pa_result_frame(pa_result *r, const pa_model *m, const pa_data *d, size_t *pmap, pa_error *err)
{
    r->nu = d->units.n;
    r->np = d->periods.n;
    r->n_model_nodes = m->n_nodes;
    r->nn = m->n_nodes + m->n_penalties;
    size_t cells = r->nn * r->np * r->nu;
    if (r->np && r->nu && cells / r->np / r->nu != r->nn)
        return pa_nomem(err);
    r->unit_codes = pa_calloc(r->nu, sizeof *r->unit_codes);
    r->unit_names = pa_calloc(r->nu, sizeof *r->unit_names);
    r->periods = pa_calloc(r->np, sizeof *r->periods);
    r->node_codes = pa_calloc(r->nn, sizeof *r->node_codes);
    r->node_labels = pa_calloc(r->nn, sizeof *r->node_labels);
    r->node_units = pa_calloc(r->nn, sizeof *r->node_units);
    r->node_level = pa_calloc(r->nn, sizeof *r->node_level);
    r->node_parent = pa_calloc(r->nn, sizeof *r->node_parent);
    r->node_weight = pa_calloc(r->nn, sizeof *r->node_weight);
    r->reference = pa_calloc(r->nu, 1);
    r->base = pa_calloc(r->np, sizeof *r->base);
    r->base_label = pa_calloc(r->np ? r->np : 1, sizeof *r->base_label);
    r->n_ind = m->n_indicators;
    r->vcol = pa_calloc(m->n_indicators + m->n_penalties, sizeof *r->vcol);
    r->score = pa_calloc(r->nn, sizeof *r->score);
    r->rate = pa_calloc(m->n_indicators ? m->n_indicators : 1, sizeof *r->rate);
    r->rate_raw = pa_calloc(m->n_indicators ? m->n_indicators : 1, 1);
    r->rank = pa_calloc(r->nn, sizeof *r->rank);
    r->bands = pa_calloc(m->n_bands, sizeof *r->bands);
    r->flags = pa_calloc(cells, 1);
    r->present = pa_calloc(r->nn && r->np ? r->nn * r->np : 1, 1);
    r->node_penalty = pa_calloc(r->nn, 1);
    r->coverage = pa_malloc((r->np && r->nu ? r->np * r->nu : 1) * sizeof *r->coverage);
    if (!r->flags || !r->node_penalty || !r->coverage || !r->present ||
        (d->tree && !(r->tree = pa_unit_tree_copy(d->tree))))
        return pa_nomem(err);
    if (!r->unit_codes || !r->unit_names || !r->periods || !r->node_codes || !r->node_labels ||
        !r->node_units || !r->node_level || !r->node_parent || !r->node_weight ||
        !r->reference || !r->base || !r->base_label ||
        !r->vcol || !r->score || !r->rank || !r->bands || !r->rate || !r->rate_raw)
        return pa_nomem(err);
    /* node scores are allocated by the step that computes them and not filled here: every
     * step writes each cell of its nodes (a first touch of hundreds of megabytes is best
     * spent where the work is, on all cores) */
    /* codes and names in one block (a grid has hundreds of thousands of units); a unit
     * without a name is named by its code */
    size_t text = 1;
    for (size_t u = 0; u < r->nu; u++)
        text += strlen(d->units.keys[u]) + 1 + (d->unit_names[u] ? strlen(d->unit_names[u]) + 1 : 0);
    if (!(r->unit_text = pa_malloc(text)))
        return pa_nomem(err);
    char *t = r->unit_text;
    for (size_t u = 0; u < r->nu; u++) {
        const char *code = d->units.keys[u];
        size_t len = strlen(code) + 1;
        r->unit_codes[u] = r->unit_names[u] = memcpy(t, code, len);
        t += len;
        if (d->unit_names[u]) {
            len = strlen(d->unit_names[u]) + 1;
            r->unit_names[u] = memcpy(t, d->unit_names[u], len);
            t += len;
        }
    }
    pa_status st = mark_reference_units(m, d, r, err);
    if (st != PA_OK)
        return st;
    size_t *perm = pa_malloc((r->np ? r->np : 1) * sizeof *perm);
    if (!perm)
        return pa_nomem(err);
    for (size_t p = 0; p < r->np; p++)
        perm[p] = p;
    qsort_r(perm, r->np, sizeof *perm, cmp_period_idx, (void *)d);
    for (size_t p = 0; p < r->np; p++) {
        pmap[perm[p]] = p;
        r->base[p] = p ? p - 1 : PA_NONE;
        r->base_label[p] = p ? r->periods[p - 1] : NULL; /* made in the step before */
        if (!(r->periods[p] = pa_strdup(d->periods.keys[perm[p]]))) {
            pa_free(perm);
            return pa_nomem(err);
        }
    }
    pa_free(perm);
    const size_t *pos = m->pos;
    for (size_t q = 0; q < m->n_penalties; q++) {
        const pa_penalty *pe = &m->penalties[q];
        size_t k = m->n_nodes + q;
        r->node_codes[k] = pa_strdup(pe->code);
        r->node_labels[k] = pa_strdup(pe->label ? pe->label : pe->code);
        r->node_units[k] = pa_strdup("");
        r->node_level[k] = 0;
        r->node_weight[k] = NAN;
        r->node_parent[k] = pos[pe->target_node];
        r->node_penalty[k] = 1;
        if (!r->node_codes[k] || !r->node_labels[k] || !r->node_units[k]) {
            return pa_nomem(err);
        }
    }
    for (size_t k = 0; k < m->n_nodes; k++) {
        const pa_node *nd = &m->nodes[m->order[k]];
        r->node_codes[k] = pa_strdup(nd->code);
        r->node_labels[k] = pa_strdup(nd->label ? nd->label : nd->code);
        r->node_units[k] = pa_strdup(nd->measure ? nd->measure : "");
        r->node_level[k] = nd->level;
        r->node_weight[k] = nd->parent == PA_NONE ? 1 : nd->weight;
        r->node_parent[k] = nd->parent == PA_NONE ? PA_NONE : pos[nd->parent];
        if (!r->node_codes[k] || !r->node_labels[k] || !r->node_units[k]) {
            return pa_nomem(err);
        }
    }
    /* weights as shares of their siblings' sum */
    double *sum = pa_calloc(r->nn, sizeof *sum);
    if (!sum)
        return pa_nomem(err);
    for (size_t k = 0; k < m->n_nodes; k++)
        if (r->node_parent[k] != PA_NONE)
            sum[r->node_parent[k]] += r->node_weight[k];
    for (size_t k = 0; k < m->n_nodes; k++)
        if (r->node_parent[k] != PA_NONE)
            r->node_weight[k] /= sum[r->node_parent[k]];
    pa_free(sum);
    r->n_bands = m->n_bands;
    for (size_t b = 0; b < m->n_bands; b++) {
        r->bands[b].threshold = m->bands[b].threshold;
        r->bands[b].label = pa_strdup(m->bands[b].label);
        r->bands[b].colour = pa_strdup(m->bands[b].colour);
        if (!r->bands[b].label || !r->bands[b].colour)
            return pa_nomem(err);
    }
    return PA_OK;
}

pa_status
pa_node_alloc(pa_result *r, size_t n, pa_error *err)
{
    size_t cells = r->np * r->nu;
    if (!r->score[n] && !(r->score[n] = pa_col_grow(NULL, 0, cells ? cells : 1)))
        return pa_nomem(err);
    return PA_OK;
}

pa_status
pa_node_alloc_spare(pa_result *r, size_t n, pa_error *err)
{
    if (!r->score[n] && r->n_spare)
        r->score[n] = r->spare[--r->n_spare];
    return pa_node_alloc(r, n, err);
}

void
pa_release_values(pa_result *r, size_t n)
{
    size_t vn = pa_value_node(r, n);
    if (r->keep && !r->keep[n] && vn != PA_NONE) {
        pa_col_unref(r->vcol[vn]);
        r->vcol[vn] = NULL;
    }
}


typedef struct todo_job {
    const size_t *list;
    pa_task_fn fn;
    void *ctx;
} todo_job;

static pa_status
todo_task(void *ctx, size_t t, pa_error *err)
{
    const todo_job *j = ctx;
    return j->fn(j->ctx, j->list[t], err);
}

pa_status
pa_indicator_for(const pa_result *r, size_t n, pa_task_fn fn, void *ctx, pa_error *err)
{
    if (!r->todo)
        return pa_parallel_for(n, fn, ctx, err);
    size_t *list = pa_malloc((n ? n : 1) * sizeof *list), m = 0;
    if (!list)
        return pa_nomem(err);
    for (size_t k = 0; k < n; k++)
        if (r->todo[k])
            list[m++] = k;
    /* in order: the lowest task's error is the lowest indicator's, as without a list */
    todo_job j = { list, fn, ctx };
    pa_status st = pa_parallel_for(m, todo_task, &j, err);
    pa_free(list);
    return st;
}
