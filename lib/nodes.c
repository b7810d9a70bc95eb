/* SPDX-License-Identifier: MIT */
/* The model object: its node table and code map, copies, and freeing (the model file is read
 * by model.c, the iMeta table by meta.c, and both are linked and checked by hierarchy.c). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
node_free(pa_node *nd)
{
    pa_free(nd->code);
    pa_free(nd->label);
    pa_free(nd->measure);
    pa_free(nd->parent_code);
    pa_free(nd->column);
    pa_free(nd->denominator);
    pa_free(nd->children);
    pa_free(nd->set.ref_unit);
}

void
pa_model_free(pa_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_nodes; i++)
        node_free(&m->nodes[i]);
    pa_free(m->nodes);
    pa_free(m->order);
    pa_free(m->pos);
    for (size_t i = 0; i < m->n_bands; i++) {
        pa_free(m->bands[i].label);
        pa_free(m->bands[i].colour);
    }
    pa_free(m->bands);
    for (size_t i = 0; i < m->n_reference_units; i++)
        pa_free(m->reference_units[i]);
    pa_free(m->reference_units);
    pa_free(m->reference_at);
    pa_free(m->unit_column);
    pa_free(m->name_column);
    pa_free(m->period_column);
    pa_free(m->meta);
    pa_free(m->base_period);
    pa_free(m->meta_path);
    pa_strmap_free(&m->codes);
    pa_free(m->impute_group);
    for (size_t i = 0; i < m->n_penalties; i++) {
        pa_free(m->penalties[i].code);
        pa_free(m->penalties[i].label);
        pa_free(m->penalties[i].column);
        pa_free(m->penalties[i].target);
    }
    pa_free(m->penalties);
    pa_free(m->file);
    pa_free(m->dir);
    pa_free(m);
}

pa_model *
pa_model_new(const char *name)
{
    pa_model *m = pa_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->file = pa_strdup(name);
    const char *slash = strrchr(name, '/');
    m->dir = slash ? pa_strndup(name, (size_t)(slash - name)) : pa_strdup(".");
    if (!m->file || !m->dir || !pa_model_add_node(m, "index", 0)) {
        pa_model_free(m);
        return NULL;
    }
    pa_node *top = &m->nodes[0];
    top->set.range[1] = 100;
    top->set.mean_sd[1] = 1;
    top->set.denominate = 1;
    top->set.winmax = 5;      /* COINr Treat() defaults */
    top->set.skew = 2;
    top->set.kurt = 3.5;
    top->set.fallback = PA_FALLBACK_LOG_CT;
    top->set.npar[1] = 100;   /* COINr n_scaled() defaults */
    top->set.scale_factor = 100;
    top->set.trunc = 1;
    top->at = (pa_loc){ 0, 0 };
    m->top = 0;
    return m;
}

pa_node *
pa_model_add_node(pa_model *m, const char *code, int is_indicator)
{
    if (m->n_nodes == m->cap_nodes) { /* doubling: models may have many thousand nodes */
        size_t nc = m->cap_nodes ? m->cap_nodes * 2 : 16;
        pa_node *nodes = pa_reallocarray(m->nodes, nc, sizeof *nodes);
        if (!nodes)
            return NULL;
        m->nodes = nodes;
        m->cap_nodes = nc;
    }
    pa_node *nodes = m->nodes;
    pa_node *nd = &nodes[m->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->code = pa_strdup(code);
    if (!nd->code)
        return NULL;
    int added;
    size_t idx = pa_strmap_intern(&m->codes, code, strlen(code), &added);
    if (idx == PA_NONE) {
        pa_free(nd->code);
        return NULL;
    }
    (void)added; /* callers check for duplicates first; the map keeps the first index */
    nd->is_indicator = is_indicator;
    nd->weight = 1.0;
    nd->direction = 1;
    nd->per = 1.0;
    nd->parent = PA_NONE;
    nd->mpi_sign = -1;
    m->n_nodes++;
    return nd;
}

/* Node codes are interned in the order nodes are added, so a code's map index is its node
 * index (the top node is node 0). */
size_t
pa_model_find(const pa_model *m, const char *code)
{
    size_t i = pa_strmap_find(&m->codes, code, strlen(code));
    return i < m->n_nodes && strcmp(m->nodes[i].code, code) == 0 ? i : PA_NONE;
}

int
pa_model_rename_top(pa_model *m, const char *code)
{
    char *dup = pa_strdup(code);
    if (!dup)
        return 0;
    pa_strmap fresh = { 0 };
    for (size_t i = 0; i < m->n_nodes; i++) {
        const char *k = i == m->top ? dup : m->nodes[i].code;
        if (pa_strmap_intern(&fresh, k, strlen(k), NULL) == PA_NONE) {
            pa_strmap_free(&fresh);
            pa_free(dup);
            return 0;
        }
    }
    pa_strmap_free(&m->codes);
    m->codes = fresh;
    pa_free(m->nodes[m->top].code);
    m->nodes[m->top].code = dup;
    return 1;
}

const char *
pa_model_code(const pa_model *m)
{
    return m ? m->nodes[m->top].code : NULL;
}

const char *
pa_model_label(const pa_model *m)
{
    if (!m)
        return NULL;
    const pa_node *t = &m->nodes[m->top];
    return t->label ? t->label : t->code;
}
