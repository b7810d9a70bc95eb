/* SPDX-License-Identifier: MIT */
/* The model object: its node table and code map, copies, and freeing (the model file is read
 * by model.c, the iMeta table by meta.c, and both are linked and checked by hierarchy.c). */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "units.h"

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
    pa_free(nd->rollup_col);
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
    pa_units_unref(m->units);
    for (size_t i = 0; i < m->n_penalties; i++) {
        pa_free(m->penalties[i].code);
        pa_free(m->penalties[i].label);
        pa_free(m->penalties[i].column);
        pa_free(m->penalties[i].target);
    }
    pa_free(m->penalties);
    pa_model_clear_list(m, "force_include");
    pa_model_clear_list(m, "force_exclude");
    pa_free(m->force_in);
    pa_free(m->force_out);
    pa_free(m->force_in_at);
    pa_free(m->force_out_at);
    pa_free(m->dat_thresh);
    pa_unc_keys_free(m);
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
    m->screen = PA_SCREEN_COVERAGE;
    m->min_nonzero = 0.05; /* COINr Screen()'s nonzero_thresh */
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

/* ---- copies ---- */

/* *p as a copy of its own; 0 when out of memory (then *p is NULL). */
static int
dup_str(char **p)
{
    return !*p || (*p = pa_strdup(*p)) != NULL;
}

static int
copy_node(pa_node *nd)
{
    nd->children = NULL; /* derived: made again when the copy is finished */
    nd->n_children = 0;
    char **s[] = { &nd->code, &nd->label, &nd->measure, &nd->parent_code, &nd->column,
                   &nd->denominator, &nd->set.ref_unit, &nd->rollup_col };
    int ok = 1;
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        if (!ok)
            *s[i] = NULL;
        else
            ok = dup_str(s[i]);
    nd->eff.ref_unit = NULL;
    return ok;
}

static int
copy_nodes(pa_model *c, const pa_model *m)
{
    if (!(c->nodes = pa_calloc(m->n_nodes ? m->n_nodes : 1, sizeof *c->nodes)))
        return 0;
    c->cap_nodes = m->n_nodes ? m->n_nodes : 1;
    for (size_t i = 0; i < m->n_nodes; i++) {
        c->nodes[i] = m->nodes[i];
        c->n_nodes = i + 1;
        if (!copy_node(&c->nodes[i]))
            return 0;
        if (pa_strmap_intern(&c->codes, c->nodes[i].code, strlen(c->nodes[i].code), NULL) ==
            PA_NONE)
            return 0;
    }
    return 1;
}

/* A list of unit codes with where each is written; 0 when out of memory (then *n counts the
 * codes copied, the rest NULL). */
static int
copy_codes(char ***list, pa_loc **at, size_t *n, char *const *src, const pa_loc *src_at,
           size_t count)
{
    *list = pa_calloc(count ? count : 1, sizeof **list);
    *at = pa_calloc(count ? count : 1, sizeof **at);
    if (!*list || !*at)
        return 0;
    for (*n = 0; *n < count; (*n)++) {
        (*at)[*n] = src_at[*n];
        if (!((*list)[*n] = pa_strdup(src[*n])))
            return 0;
    }
    return 1;
}

static int
copy_lists(pa_model *c, const pa_model *m)
{
    c->bands = pa_calloc(m->n_bands ? m->n_bands : 1, sizeof *c->bands);
    c->penalties = pa_calloc(m->n_penalties ? m->n_penalties : 1, sizeof *c->penalties);
    if (!c->bands || !c->penalties)
        return 0;
    int ok = 1;
    for (c->n_bands = 0; ok && c->n_bands < m->n_bands; c->n_bands++) {
        pa_band *b = &c->bands[c->n_bands];
        *b = m->bands[c->n_bands];
        if (!(ok = dup_str(&b->label)))
            b->colour = NULL;
        else
            ok = dup_str(&b->colour);
    }
    for (c->n_penalties = 0; ok && c->n_penalties < m->n_penalties; c->n_penalties++) {
        pa_penalty *pe = &c->penalties[c->n_penalties];
        *pe = m->penalties[c->n_penalties];
        char **s[] = { &pe->code, &pe->label, &pe->column, &pe->target };
        for (size_t i = 0; i < 4; i++)
            if (!ok)
                *s[i] = NULL;
            else
                ok = dup_str(s[i]);
    }
    ok = ok && copy_codes(&c->reference_units, &c->reference_at, &c->n_reference_units,
                          m->reference_units, m->reference_at, m->n_reference_units);
    ok = ok && copy_codes(&c->force_in, &c->force_in_at, &c->n_force_in, m->force_in,
                          m->force_in_at, m->n_force_in);
    ok = ok && copy_codes(&c->force_out, &c->force_out_at, &c->n_force_out, m->force_out,
                          m->force_out_at, m->n_force_out);
    if (ok && m->n_dat_thresh &&
        (ok = (c->dat_thresh = pa_malloc(m->n_dat_thresh * sizeof *c->dat_thresh)) != NULL))
        memcpy(c->dat_thresh, m->dat_thresh, m->n_dat_thresh * sizeof *c->dat_thresh);
    return ok;
}

pa_status
pa_model_copy(pa_model **out, const pa_model *m, pa_error *err)
{
    if (!out || !m)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_model *c = pa_calloc(1, sizeof *c);
    if (!c)
        return pa_nomem(err);
    *c = *m;
    /* nothing of m's is freed with the copy, whatever fails below */
    c->nodes = NULL, c->n_nodes = c->cap_nodes = 0;
    c->order = c->pos = NULL;
    c->bands = NULL, c->penalties = NULL, c->reference_units = NULL, c->reference_at = NULL;
    c->n_bands = c->n_penalties = c->n_reference_units = 0;
    c->force_in = c->force_out = NULL, c->force_in_at = c->force_out_at = NULL;
    c->n_force_in = c->n_force_out = 0;
    c->dat_thresh = NULL;
    c->unc = NULL, c->n_unc = 0;
    memset(&c->codes, 0, sizeof c->codes);
    pa_units_ref(c->units);
    char **s[] = { &c->file, &c->dir, &c->unit_column, &c->name_column, &c->period_column,
                   &c->meta, &c->base_period, &c->meta_path, &c->impute_group };
    int ok = 1;
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        if (!ok)
            *s[i] = NULL;
        else
            ok = dup_str(s[i]);
    pa_status st = ok && copy_nodes(c, m) && copy_lists(c, m) &&
                         pa_unc_keys_copy(c, m) ? PA_OK : pa_nomem(err);
    if (st == PA_OK) {
        pa_model_unfinish(c);
        st = pa_model_finish(c, err); /* links the copy's own children, order and settings */
    }
    if (st != PA_OK) {
        pa_model_free(c);
        return st;
    }
    *out = c;
    return PA_OK;
}

void
pa_model_clear_list(pa_model *m, const char *key)
{
    if (strcmp(key, "bands") == 0) {
        for (size_t i = 0; i < m->n_bands; i++) {
            pa_free(m->bands[i].label);
            pa_free(m->bands[i].colour);
        }
        m->n_bands = 0;
    } else if (strcmp(key, "reference_units") == 0) {
        for (size_t i = 0; i < m->n_reference_units; i++)
            pa_free(m->reference_units[i]);
        m->n_reference_units = 0;
    } else if (strcmp(key, "force_include") == 0) {
        for (size_t i = 0; i < m->n_force_in; i++)
            pa_free(m->force_in[i]);
        m->n_force_in = 0;
    } else if (strcmp(key, "force_exclude") == 0) {
        for (size_t i = 0; i < m->n_force_out; i++)
            pa_free(m->force_out[i]);
        m->n_force_out = 0;
    } else if (strcmp(key, "dat_thresh") == 0) {
        m->n_dat_thresh = 0;
    }
}

pa_status
pa_model_remove_node(pa_model *m, size_t i, pa_error *err)
{
    pa_strmap fresh = { 0 };
    for (size_t k = 0; k < m->n_nodes; k++)
        if (k != i && pa_strmap_intern(&fresh, m->nodes[k].code, strlen(m->nodes[k].code),
                                       NULL) == PA_NONE) {
            pa_strmap_free(&fresh);
            return pa_nomem(err);
        }
    node_free(&m->nodes[i]);
    memmove(&m->nodes[i], &m->nodes[i + 1], (m->n_nodes - i - 1) * sizeof *m->nodes);
    m->n_nodes--;
    if (m->top > i)
        m->top--;
    pa_strmap_free(&m->codes);
    m->codes = fresh;
    return PA_OK;
}
