/* SPDX-License-Identifier: MIT */
/* One draw of an uncertainty or sensitivity run: its inputs written straight into the nodes of
 * a working model — weights, and the effective method of every node that takes the step's
 * method from the top — and the model scored by the thread's engine. The structural variants
 * (the nominal model, one per indicator left out) are copied and finished once per thread, on
 * first use; no draw parses, copies or finishes a model. */
#include <string.h>
#include <time.h>

#include "uncertainty.h"

enum { SLOT_NORM, SLOT_AGG, SLOT_IMPUTE, SLOT_TREAT, N_SLOTS };

typedef struct unc_variant {
    pa_model *m;                /* NULL until first used */
    pa_status made;             /* PA_OK, or why the variant cannot be made */
    size_t *wmap;               /* by weight uniform of a point: its node here (PA_NONE: gone) */
    size_t *follow[N_SLOTS];    /* nodes whose method of the step comes from the top */
    size_t n_follow[N_SLOTS];
    pa_settings *eff0;          /* by node: the settings resolved as finishing left them */
    double *p0;
} unc_variant;

struct pa_unc_thread {
    const pa_unc_design *dz;
    const pa_model *m;
    pa_engine *e;
    unc_variant *v;
    size_t n_v;
    double *w0;                 /* by weight uniform: the nominal weight */
};

static int
slot_of(pa_step s)
{
    return s == PA_STEP_NORMALISE ? SLOT_NORM : s == PA_STEP_AGGREGATE ? SLOT_AGG
         : s == PA_STEP_IMPUTE ? SLOT_IMPUTE : SLOT_TREAT;
}

/* Whether node i takes its method of the slot's step from the top (as resolve_settings does:
 * an aggregation from the node itself, the others through its ancestors). */
static int
follows_top(const pa_model *m, size_t i, int slot)
{
    const pa_node *nd = &m->nodes[i];
    if (slot == SLOT_AGG)
        return !nd->is_indicator && (i == m->top || !nd->set.agg_set);
    if (!nd->is_indicator)
        return 0;
    for (size_t j = i; j != m->top; j = m->nodes[j].parent) {
        const pa_settings *s = &m->nodes[j].set;
        if (slot == SLOT_NORM ? s->norm_set : slot == SLOT_IMPUTE ? s->impute_set : s->treat_set)
            return 0;
    }
    return 1;
}

/* Whether node i's parameter (range or mean_sd) comes from the top. */
static int
param_from_top(const pa_model *m, size_t i, int mean_sd)
{
    for (size_t j = i; j != m->top; j = m->nodes[j].parent)
        if (mean_sd ? m->nodes[j].set.mean_sd_set : m->nodes[j].set.range_set)
            return 0;
    return 1;
}

static void
variant_clear(unc_variant *v)
{
    pa_model_free(v->m);
    pa_free(v->wmap);
    for (int s = 0; s < N_SLOTS; s++)
        pa_free(v->follow[s]);
    pa_free(v->eff0);
    pa_free(v->p0);
    memset(v, 0, sizeof *v);
}

/* The maps of a variant made: weights by code, followers, nominal settings. */
static pa_status
variant_maps(unc_variant *v, const pa_unc_thread *t, pa_error *err)
{
    const pa_model *vm = v->m;
    size_t n = vm->n_nodes;
    v->wmap = pa_calloc(t->dz->dim + 1, sizeof *v->wmap);
    v->eff0 = pa_calloc(n, sizeof *v->eff0);
    v->p0 = pa_calloc(n, sizeof *v->p0);
    for (int s = 0; s < N_SLOTS; s++)
        if (!(v->follow[s] = pa_calloc(n, sizeof *v->follow[s])))
            return pa_nomem(err);
    if (!v->wmap || !v->eff0 || !v->p0)
        return pa_nomem(err);
    for (size_t i = 0; i < t->dz->n_in; i++) {
        const pa_unc_input *in = &t->dz->in[i];
        for (size_t j = 0; in->kind == PA_UNC_WEIGHTS && j < in->dim; j++)
            v->wmap[in->off + j] = pa_model_find(vm, t->m->nodes[in->wnode[j]].code);
    }
    for (size_t i = 0; i < n; i++) {
        v->eff0[i] = vm->nodes[i].eff;
        v->p0[i] = vm->nodes[i].p;
        for (int s = 0; s < N_SLOTS; s++)
            if (follows_top(vm, i, s))
                v->follow[s][v->n_follow[s]++] = i;
    }
    return PA_OK;
}

/* Variant k (0: nominal, k: the model without its kth indicator), made on first use. A
 * variant the model refuses (a group left with no indicator) fails each draw that needs it. */
static pa_status
variant_get(pa_unc_thread *t, size_t k, unc_variant **out, pa_error *err)
{
    unc_variant *v = &t->v[k];
    *out = v;
    if (v->m || v->made != PA_OK)
        return v->made == PA_OK ? PA_OK : pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0, "the model "
                                                  "without indicator '%s' cannot be made",
                                                  t->m->nodes[t->m->order[k - 1]].code);
    pa_status st = pa_model_copy(&v->m, t->m, err);
    if (st == PA_OK && k > 0)
        st = pa_model_remove_indicator(v->m, t->m->nodes[t->m->order[k - 1]].code, err);
    if (st == PA_OK)
        st = variant_maps(v, t, err);
    if (st != PA_OK) {
        variant_clear(v);
        if (st == PA_ERR_MODEL) /* counted as a failed draw, as COINr counts a failed Regen */
            v->made = st = PA_ERR_COMPUTE;
    }
    return st;
}

/* What an engine keeps for a design: per combination of the alternatives before normalisation,
 * each indicator's values entering it (value, flag and rate, 17 bytes a row) and one scored
 * column per normalisation (9 bytes a row); and the nodes of two draws; and an eighth more (the
 * engine evicts down to 7/8 of its limit) and 1 MiB of room for stages never reused. The
 * variants without an indicator are not counted (each would need as much again). */
static size_t
cache_bytes(const pa_unc_design *dz, const pa_model *m, const pa_data *d)
{
    size_t sets = 1, norms = 1, rows = d->n_rows;
    for (size_t i = 0; i < dz->n_in; i++) {
        const pa_unc_input *in = &dz->in[i];
        if (in->kind == PA_UNC_METHOD && in->step == PA_STEP_NORMALISE)
            norms *= in->n_alt;
        else if (in->kind == PA_UNC_METHOD && in->step != PA_STEP_AGGREGATE)
            sets *= in->n_alt;
    }
    size_t need = sets * m->n_indicators * rows * (17 + 9 * norms) +
                  2 * (m->n_nodes - m->n_indicators) * rows * 9;
    return need + need / 7 + ((size_t)1 << 20);
}

pa_status
pa_unc_thread_new(pa_unc_thread **out, const pa_unc_design *dz, const pa_model *m,
                  const pa_data *d, pa_error *err)
{
    pa_unc_thread *t = pa_calloc(1, sizeof *t);
    *out = t;
    if (!t)
        return pa_nomem(err);
    t->dz = dz, t->m = m, t->n_v = 1;
    for (size_t i = 0; i < dz->n_in; i++)
        if (dz->in[i].kind == PA_UNC_DROP)
            t->n_v = dz->in[i].n_alt;
    t->v = pa_calloc(t->n_v, sizeof *t->v);
    t->w0 = pa_calloc(dz->dim + 1, sizeof *t->w0);
    if (!t->v || !t->w0)
        return pa_nomem(err);
    for (size_t i = 0; i < dz->n_in; i++)
        for (size_t j = 0; dz->in[i].kind == PA_UNC_WEIGHTS && j < dz->in[i].dim; j++)
            t->w0[dz->in[i].off + j] = m->nodes[dz->in[i].wnode[j]].weight;
    pa_status st = pa_engine_new(&t->e, d, err);
    if (st == PA_OK)
        pa__engine_set_limit(t->e, cache_bytes(dz, m, d));
    return st;
}

void
pa_unc_thread_free(pa_unc_thread *t)
{
    if (!t)
        return;
    for (size_t k = 0; t->v && k < t->n_v; k++)
        variant_clear(&t->v[k]);
    pa_free(t->v);
    pa_free(t->w0);
    pa_engine_free(t->e);
    pa_free(t);
}

/* An alternative of n from a uniform (COINr's sample_2_para: equal intervals). */
static size_t
pick(double u, size_t n)
{
    size_t k = (size_t)(u * (double)n);
    return k < n ? k : n - 1;
}

/* The alternative's method into the nodes that follow the top; parameters it does not give
 * are the model's own (as the setters leave them). */
static void
write_method(pa_model *vm, const unc_variant *v, pa_step step, const pa_unc_alt *a)
{
    int s = slot_of(step);
    for (size_t f = 0; f < v->n_follow[s]; f++) {
        size_t i = v->follow[s][f];
        pa_node *nd = &vm->nodes[i];
        if (s == SLOT_NORM) {
            nd->eff.norm = (pa_norm)a->method;
            memcpy(nd->eff.range, v->eff0[i].range, sizeof nd->eff.range);
            memcpy(nd->eff.mean_sd, v->eff0[i].mean_sd, sizeof nd->eff.mean_sd);
            int msd = a->method == PA_NORM_ZSCORE;
            if (a->npar && param_from_top(vm, i, msd))
                memcpy(msd ? nd->eff.mean_sd : nd->eff.range, a->par, 2 * sizeof *a->par);
        } else if (s == SLOT_AGG) {
            nd->eff.agg = (pa_agg)a->method;
            nd->p = a->npar ? a->par[0] : v->p0[i];
        } else if (s == SLOT_IMPUTE) {
            nd->eff.impute = (pa_impute)a->method;
        } else {
            nd->eff.treat = (pa_treat)a->method;
        }
    }
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: a busy machine adds no wait */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

pa_status
pa_unc_score_point(pa_unc_thread *t, const double *x, pa_result **out, double *setup,
                   double *compute, pa_error *err)
{
    double t0 = now();
    const pa_unc_design *dz = t->dz;
    size_t k = 0;
    *out = NULL;
    for (size_t i = 0; i < dz->n_in; i++)
        if (dz->in[i].kind == PA_UNC_DROP)
            k = pick(x[dz->in[i].off], dz->in[i].n_alt);
    unc_variant *v;
    pa_status st = variant_get(t, k, &v, err);
    if (st != PA_OK)
        return st;
    for (size_t i = 0; i < dz->n_in; i++) {
        const pa_unc_input *in = &dz->in[i];
        for (size_t j = 0; in->kind == PA_UNC_WEIGHTS && j < in->dim; j++) {
            size_t node = v->wmap[in->off + j];
            if (node != PA_NONE)
                v->m->nodes[node].weight =
                    t->w0[in->off + j] * (1 + in->wnoise[j] * (2 * x[in->off + j] - 1));
        }
        if (in->kind == PA_UNC_METHOD)
            write_method(v->m, v, in->step, &in->alt[pick(x[in->off], in->n_alt)]);
    }
    double t1 = now();
    st = pa_engine_compute(t->e, v->m, out, err);
    *setup += t1 - t0;
    *compute += now() - t1;
    return st;
}
