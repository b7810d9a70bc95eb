/* SPDX-License-Identifier: MIT */
/* Finishing a model read: its hierarchy linked (parents, levels, order), settings resolved
 * through ancestors, and the model checked as a whole (methods, penalties, parameters used). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "units.h"

static pa_status
fail_at_node(const pa_model *m, const pa_node *nd, pa_error *err, pa_loc at, const char *fmt,
             const char *a, const char *b)
{
    const char *file = nd && nd->from_meta && m->meta_path ? m->meta_path : m->file;
    return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, fmt, a, b);
}
#define fail_node(m, err, at, ...) fail_at_node(m, nd, err, at, __VA_ARGS__)

/* Scores that can be 0 (or negative) for the worst unit by construction. */
static int
can_reach_zero(const pa_node *nd)
{
    const pa_settings *s = &nd->eff;
    switch (s->norm) {
    case PA_NORM_MINMAX:
        return s->range[0] <= 0;
    case PA_NORM_GOALPOSTS:
        return 0; /* only through the data: checked when computing */
    case PA_NORM_ZSCORE:
        return s->mean_sd[0] <= 0;
    case PA_NORM_PRANK:
    case PA_NORM_BORDA:
    case PA_NORM_DIST2MAX:
    case PA_NORM_DIST2TARG: /* the minimum scores 1 − (t − min)/(t − min) = 0 */
    case PA_NORM_DIST2REF:
        return 1;
    default:
        return 0;
    }
}

static int
cmp_level(const void *a, const void *b, void *arg)
{
    const pa_model *m = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int lx = m->nodes[x].level, ly = m->nodes[y].level;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* ---- method parameters that no method uses ---- */

/* The id of nd's method for a step (-1: the step does not run, as a fallback without
 * winsorising). */
static int
method_of(const pa_node *nd, pa_step step)
{
    const pa_settings *e = &nd->eff;
    switch (step) {
    case PA_STEP_NORMALISE:
        return (int)e->norm;
    case PA_STEP_AGGREGATE:
        return (int)e->agg;
    case PA_STEP_TREAT:
        return (int)e->treat;
    case PA_STEP_FALLBACK:
        return e->treat == PA_TREAT_WINSORISE ? (int)e->fallback : -1;
    case PA_STEP_IMPUTE:
        return (int)e->impute;
    default:
        return nd->denominator != NULL;
    }
}

static int
param_used_by(const pa_node *nd, int k)
{
    pa_step step = pa_param_step((pa_param)k);
    int x = method_of(nd, step);
    return x >= 0 && pa_method_takes(pa_method_get(step, x), (pa_param)k);
}

/* What nd does instead of using the parameter, for the message. */
static void
describe(const pa_node *nd, pa_step step, char *buf, size_t n)
{
    const pa_settings *e = &nd->eff;
    int x = method_of(nd, step);
    const pa_method *me = x >= 0 ? pa_method_get(step, x) : NULL;
    if (step == PA_STEP_NORMALISE)
        snprintf(buf, n, "'%s' is normalised with %s", nd->code, me->name);
    else if (step == PA_STEP_AGGREGATE)
        snprintf(buf, n, "'%s' is aggregated with %s", nd->code, me->name);
    else if ((step == PA_STEP_TREAT || step == PA_STEP_FALLBACK) && e->treat != PA_TREAT_WINSORISE)
        snprintf(buf, n, "'%s' has treat = none", nd->code);
    else if (step == PA_STEP_FALLBACK)
        snprintf(buf, n, "'%s' falls back to %s", nd->code, me->name);
    else if (step == PA_STEP_IMPUTE)
        snprintf(buf, n, "'%s' is imputed with %s", nd->code, me->name);
    else
        snprintf(buf, n, "'%s' has no 'denominator'", nd->code);
}

/* The node whose parameter k node i takes: the nearest one up that writes it. */
static pa_node *
writer_of(pa_model *m, size_t i, int k)
{
    for (size_t j = i; j != PA_NONE; j = m->nodes[j].parent)
        if (m->nodes[j].params >> k & 1)
            return &m->nodes[j];
    return NULL;
}

static pa_status
unused_param(pa_model *m, pa_node *w, int k, pa_error *err)
{
    pa_step step = pa_param_step((pa_param)k);
    int inherited = step != PA_STEP_AGGREGATE && !w->is_indicator;
    const pa_node *taker = inherited ? NULL : w;
    for (size_t i = 0; i < m->n_nodes && !taker; i++)
        if (m->nodes[i].is_indicator && writer_of(m, i, k) == w)
            taker = &m->nodes[i];
    char how[320], sec[300], users[320];
    if (taker)
        describe(taker, step, how, sizeof how);
    else
        snprintf(how, sizeof how, "every indicator below sets its own");
    if (w == &m->nodes[m->top])
        snprintf(sec, sizeof sec, "[index]");
    else
        snprintf(sec, sizeof sec, "[group %s]", w->code);
    pa_param_users((pa_param)k, users, sizeof users);
    return pa_fail(err, PA_ERR_MODEL, m->file, w->param_at[k].line, w->param_at[k].col,
                   "'%s' is used only by %s, but %s%s%s%s", pa_param_key((pa_param)k), users, how,
                   inherited && taker ? " (no indicator that takes it from " : "",
                   inherited && taker ? sec : "", inherited && taker ? " uses it)" : "");
}

pa_status
pa_model_level_defaults(pa_model *m, pa_error *err)
{
    int levels = m->nodes[m->top].level - 1; /* of aggregates: 2 .. the top's */
    if (m->n_dat_thresh > 1 && m->n_dat_thresh != (size_t)levels)
        return pa_fail(err, PA_ERR_MODEL, m->file, m->dat_thresh_at.line, m->dat_thresh_at.col,
                       "dat_thresh has %zu shares, but the model has %d levels of aggregates "
                       "(2 to %d): give one share, or one per level", m->n_dat_thresh, levels,
                       levels + 1);
    for (size_t i = 0; i < m->n_nodes && m->n_dat_thresh; i++) {
        pa_node *nd = &m->nodes[i];
        if (!nd->is_indicator && !nd->min_coverage_set)
            nd->min_coverage = m->dat_thresh[m->n_dat_thresh > 1 ? nd->level - 2 : 0];
    }
    return PA_OK;
}

/* A screening share that the screening chosen does not use, and a unit forced both ways. */
static pa_status
check_screen(const pa_model *m, pa_error *err)
{
    if (m->min_nonzero_set && !(m->screen & PA_SCREEN_ZEROS))
        return pa_fail(err, PA_ERR_MODEL, m->file, m->min_nonzero_at.line,
                       m->min_nonzero_at.col, "'min_nonzero' is used only by screen = zeros or "
                       "coverage_or_zeros, but the screening is by coverage");
    if (m->min_coverage_set && !(m->screen & PA_SCREEN_COVERAGE))
        return pa_fail(err, PA_ERR_MODEL, m->file, m->min_coverage_at.line,
                       m->min_coverage_at.col, "'min_coverage' is used only by screen = "
                       "coverage or coverage_or_zeros, but the screening is by zeros");
    for (size_t i = 0; i < m->n_force_out; i++)
        for (size_t k = 0; k < m->n_force_in; k++)
            if (strcmp(m->force_out[i], m->force_in[k]) == 0)
                return pa_fail(err, PA_ERR_MODEL, m->file, m->force_out_at[i].line,
                               m->force_out_at[i].col, "unit '%s' is forced both in "
                               "(force_include) and out (force_exclude)", m->force_out[i]);
    return PA_OK;
}

/* The children of a weight = pca group take their weights from PCA: one written in the model
 * file as well is a contradiction (an iMeta table's Weight column gives way). */
static pa_status
check_pca(const pa_model *m, pa_error *err)
{
    for (size_t i = 0; i < m->n_nodes; i++) {
        const pa_node *g = &m->nodes[i];
        for (size_t c = 0; g->weight_pca && c < g->n_children; c++) {
            const pa_node *ch = &m->nodes[g->children[c]];
            if (ch->fields_set & PA_F_WEIGHT)
                return pa_fail(err, PA_ERR_MODEL, m->file, ch->weight_at.line, ch->weight_at.col,
                               "'%s' has a weight, but its parent '%s' takes its children's "
                               "weights from PCA (weight = pca, line %ld); delete one of them",
                               ch->code, g->code, g->weight_pca_at.line);
        }
    }
    return PA_OK;
}

pa_status
pa_model_check_params(pa_model *m, pa_error *err)
{
    pa_status st = check_screen(m, err);
    if (st == PA_OK)
        st = check_pca(m, err);
    if (st != PA_OK)
        return st;
    for (size_t i = 0; i < m->n_nodes; i++) {
        pa_node *nd = &m->nodes[i];
        for (int k = 0; k < PA_N_PARAMS; k++) {
            /* at the aggregating node itself */
            int own = pa_param_step((pa_param)k) == PA_STEP_AGGREGATE;
            if (own ? nd->is_indicator || !(nd->params >> k & 1) : !nd->is_indicator)
                continue;
            pa_node *w = own ? nd : writer_of(m, i, k);
            if (w && param_used_by(nd, k))
                w->params_used |= 1u << k;
        }
    }
    for (size_t q = 0; q < m->n_penalties; q++) { /* a range's lower end floors penalties */
        pa_node *w = writer_of(m, m->penalties[q].target_node, 0);
        if (w)
            w->params_used |= 1u;
    }
    pa_node *bad = NULL;
    int bk = 0;
    for (size_t i = 0; i < m->n_nodes; i++)
        for (int k = 0; k < PA_N_PARAMS; k++)
            if ((m->nodes[i].params & ~m->nodes[i].params_used) >> k & 1 &&
                (!bad || m->nodes[i].param_at[k].line < bad->param_at[bk].line)) {
                bad = &m->nodes[i];
                bk = k;
            }
    return bad ? unused_param(m, bad, bk, err) : PA_OK;
}

static int
cmp_band(const void *a, const void *b)
{
    const pa_band *x = a, *y = b;
    return x->threshold > y->threshold ? -1 : x->threshold < y->threshold;
}

/* Structure: parents, no cycles, children, levels, and the bottom-up order. */
static pa_status
link_nodes(pa_model *m, pa_error *err)
{
    pa_status st;
    size_t n = m->n_nodes;
    pa_node *top = &m->nodes[m->top];

    /* parents */
    for (size_t i = 0; i < n; i++) {
        pa_node *nd = &m->nodes[i];
        if (i == m->top)
            continue;
        const char *pc = nd->parent_code ? nd->parent_code : top->code;
        size_t p = pa_model_find(m, pc);
        pa_loc at = nd->parent_code ? nd->parent_at : nd->at;
        if (p == PA_NONE)
            return fail_node(m, err, at, "parent '%s' of '%s' does not exist", pc, nd->code);
        if (p == i)
            return fail_node(m, err, at, "'%s' is its own parent%s", nd->code, "");
        if (m->nodes[p].is_indicator)
            return fail_node(m, err, at, "parent '%s' of '%s' is an indicator, not a group", pc,
                             nd->code);
        nd->parent = p;
    }
    /* cycles: every chain must reach the top within n steps */
    int *depth = pa_calloc(n, sizeof *depth);
    if (!depth)
        return pa_nomem(err);
    for (size_t i = 0; i < n; i++)
        depth[i] = -1;
    depth[m->top] = 0;
    st = PA_OK;
    for (size_t i = 0; i < n && st == PA_OK; i++) {
        size_t steps = 0, j = i;
        while (depth[j] < 0 && steps <= n) {
            j = m->nodes[j].parent;
            steps++;
        }
        if (depth[j] < 0) {
            const pa_node *nd = &m->nodes[i];
            st = fail_node(m, err, nd->parent_at,
                           "cycle in parents: '%s' does not lead up to '%s'", m->nodes[i].code,
                           top->code);
            break;
        }
        /* fill the chain */
        int d = depth[j];
        size_t len = steps;
        j = i;
        for (size_t k = 0; k < len; k++) {
            depth[j] = d + (int)(len - k);
            j = m->nodes[j].parent;
        }
    }
    if (st != PA_OK) {
        pa_free(depth);
        return st;
    }
    /* children: counted first, so that each list is allocated once */
    for (size_t i = 0; i < n; i++)
        if (i != m->top)
            m->nodes[m->nodes[i].parent].n_children++;
    for (size_t i = 0; i < n; i++) {
        pa_node *p = &m->nodes[i];
        if (p->n_children && !(p->children = pa_malloc(p->n_children * sizeof *p->children))) {
            pa_free(depth);
            return pa_nomem(err);
        }
        p->n_children = 0;
    }
    for (size_t i = 0; i < n; i++)
        if (i != m->top) {
            pa_node *p = &m->nodes[m->nodes[i].parent];
            p->children[p->n_children++] = i;
        }
    /* visit order: parents before children (by depth) */
    size_t *by_depth = pa_malloc(n * sizeof *by_depth);
    m->order = pa_malloc(n * sizeof *m->order);
    if (!by_depth || !m->order) {
        pa_free(depth);
        pa_free(by_depth);
        return pa_nomem(err);
    }
    {
        size_t k = 0;
        int maxd = 0;
        for (size_t i = 0; i < n; i++)
            if (depth[i] > maxd)
                maxd = depth[i];
        /* counting sort by depth */
        size_t *count = pa_calloc((size_t)maxd + 2, sizeof *count);
        if (!count) {
            pa_free(depth);
            pa_free(by_depth);
            return pa_nomem(err);
        }
        for (size_t i = 0; i < n; i++)
            count[depth[i] + 1]++;
        for (int d = 0; d <= maxd; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            by_depth[count[depth[i]]++] = i;
        pa_free(count);
        (void)k;
    }
    pa_free(depth);
    /* levels, from the bottom up */
    for (size_t k = n; k-- > 0;) {
        pa_node *nd = &m->nodes[by_depth[k]];
        if (nd->is_indicator) {
            nd->level = 1;
            continue;
        }
        if (nd->n_children == 0) {
            pa_free(by_depth);
            return fail_node(m, err, nd->at, "group '%s' has no indicators or groups under it%s",
                             nd->code, "");
        }
        int lv = 0;
        for (size_t c = 0; c < nd->n_children; c++)
            if (m->nodes[nd->children[c]].level > lv)
                lv = m->nodes[nd->children[c]].level;
        nd->level = lv + 1;
    }
    pa_free(by_depth);
    for (size_t i = 0; i < n; i++)
        m->order[i] = i;
    qsort_r(m->order, n, sizeof *m->order, cmp_level, m);
    if (!(m->pos = pa_malloc(n * sizeof *m->pos)))
        return pa_nomem(err);
    for (size_t k = 0; k < n; k++)
        m->pos[m->order[k]] = k;
    return PA_OK;
}

/* Settings through ancestors, from the top down (a parent is always on a higher level). */
static void
resolve_settings(pa_model *m)
{
    size_t n = m->n_nodes;
    pa_node *top = &m->nodes[m->top];
    for (size_t k = n; k-- > 0;) {
        pa_node *nd = &m->nodes[m->order[k]];
        pa_settings e = nd->parent == PA_NONE ? nd->set : m->nodes[nd->parent].eff;
        const pa_settings *s = &nd->set;
        if (s->norm_set)
            e.norm = s->norm, e.norm_at = s->norm_at;
        if (s->range_set)
            memcpy(e.range, s->range, sizeof e.range);
        if (s->mean_sd_set)
            memcpy(e.mean_sd, s->mean_sd, sizeof e.mean_sd);
        if (s->scope_set)
            e.scope = s->scope;
        if (s->denominate_set)
            e.denominate = s->denominate;
#define INHERIT(f) if (s->f##_set) e.f = s->f, e.f##_set = 1
        INHERIT(treat);
        INHERIT(winmax);
        INHERIT(skew);
        INHERIT(kurt);
        INHERIT(fallback);
        INHERIT(lambda);
        INHERIT(scale_factor);
        INHERIT(trunc);
        INHERIT(force_win);
        INHERIT(combine);
        if (s->npar_set)
            memcpy(e.npar, s->npar, sizeof e.npar);
        if (s->ref_unit_set) /* the writer's string: only its own node frees it */
            e.ref_unit = s->ref_unit, e.ref_unit_at = s->ref_unit_at;
#undef INHERIT
        if (s->impute_set)
            e.impute = s->impute, e.impute_at = s->impute_at;
        /* the aggregation applies at the node that names it, else the default, and its
         * parameters (p, penalty) come with it */
        e.agg = s->agg_set ? s->agg : top->set.agg;
        e.agg_at = s->agg_set ? s->agg_at : top->set.agg_at;
        if (!s->agg_set && nd != top) {
            if (!nd->p_set)
                nd->p = top->p, nd->p_set = top->p_set, nd->p_inherited = 1;
            if (!nd->mpi_set)
                nd->mpi_sign = top->mpi_sign;
        }
        nd->eff = e;
    }
}

/* What a model must be as a whole: each node's methods with what they need, penalties on
 * groups, and every parameter written used. */
static pa_status
check_model(pa_model *m, pa_error *err)
{
    size_t n = m->n_nodes;
    pa_node *top = &m->nodes[m->top];
    /* per-node checks */
    m->n_indicators = 0;
    for (size_t i = 0; i < n; i++) {
        pa_node *nd = &m->nodes[i];
        if (!nd->is_indicator) {
            if (nd->eff.agg == PA_AGG_GENMEAN && !nd->p_set)
                return fail_node(m, err, nd->eff.agg_at.line ? nd->eff.agg_at : nd->at,
                                 "'%s' uses the generalised mean but sets no 'p'%s", nd->code,
                                 "");
            if (nd->eff.agg == PA_AGG_GEOMETRIC || nd->eff.agg == PA_AGG_HARMONIC ||
                (nd->eff.agg == PA_AGG_GENMEAN && nd->p < 0)) {
                for (size_t c = 0; c < nd->n_children; c++) {
                    pa_node *ch = &m->nodes[nd->children[c]];
                    if (ch->is_indicator && can_reach_zero(ch)) {
                        pa_loc at = nd->set.agg_set ? nd->set.agg_at : top->set.agg_at;
                        if (at.line == 0)
                            at = nd->at;
                        return pa_fail(err, PA_ERR_MODEL, m->file, at.line, at.col,
                                       "%s mean at '%s' over '%s', whose %s scores reach 0 or "
                                       "below for the worst unit; use a range that starts "
                                       "above 0 (e.g. range = 1, 100) or an arithmetic mean",
                                       nd->eff.agg == PA_AGG_GEOMETRIC   ? "geometric"
                                       : nd->eff.agg == PA_AGG_HARMONIC ? "harmonic"
                                                                        : "generalised (p < 0)",
                                       nd->code, ch->code,
                                       pa_method_get(PA_STEP_NORMALISE,
                                                     (int)ch->eff.norm)->name);
                    }
                }
            }
            continue;
        }
        m->n_indicators++;
        pa_loc at = nd->eff.norm_at.line ? nd->eff.norm_at : nd->at;
        if (nd->eff.norm == PA_NORM_GOALPOSTS && !nd->goalposts_set)
            return fail_node(m, err, nd->at,
                             "indicator '%s' is normalised with goalposts but has no "
                             "'goalposts = LOWER, UPPER'%s", nd->code, "");
        if (nd->eff.norm == PA_NORM_DIST2TARG && !nd->target_set)
            return fail_node(m, err, at, "indicator '%s' uses dist2targ but has no 'target'%s",
                             nd->code, "");
        if (nd->eff.norm == PA_NORM_DIST2REF && !nd->eff.ref_unit)
            return fail_node(m, err, at, "indicator '%s' uses n_dist2ref but has no "
                             "'ref_unit'%s", nd->code, "");
        if ((nd->eff.impute == PA_IMPUTE_GROUP_MEAN || nd->eff.impute == PA_IMPUTE_GROUP_MEDIAN) &&
            !m->impute_group)
            return fail_node(m, err, nd->eff.impute_at.line ? nd->eff.impute_at : nd->at,
                             "indicator '%s' is imputed by group but [index] names no "
                             "impute_group column%s", nd->code, "");
        if (nd->eff.treat == PA_TREAT_WINSORISE && nd->eff.fallback == PA_FALLBACK_BOXCOX &&
            !nd->eff.lambda_set)
            return fail_node(m, err, nd->at,
                             "indicator '%s' falls back to boxcox but no 'lambda' is set%s",
                             nd->code, "");
        if (nd->transform == PA_TRANSFORM_LOG && nd->goalposts_set &&
            nd->eff.norm == PA_NORM_GOALPOSTS && !(nd->goalposts[0] > 0))
            return fail_node(m, err, nd->goalposts_at,
                             "indicator '%s' is log-transformed, so its goalposts must be above "
                             "0%s", nd->code, "");
    }
    if (m->n_indicators == 0)
        return pa_fail(err, PA_ERR_MODEL, m->file, 0, 0, "the model has no indicators");
    for (size_t k = 0; k < m->n_penalties; k++) {
        pa_penalty *pe = &m->penalties[k];
        const pa_node *nd = NULL;
        if (pa_model_find(m, pe->code) != PA_NONE)
            return fail_node(m, err, pe->at,
                             "penalty '%s' has the code of a node; give it its own code and "
                             "name the data column with 'column ='%s", pe->code, "");
        const char *target = pe->target ? pe->target : top->code;
        pe->target_node = pa_model_find(m, target);
        if (pe->target_node == PA_NONE)
            return fail_node(m, err, pe->target_at.line ? pe->target_at : pe->at,
                             "penalty '%s' applies to '%s', which does not exist", pe->code,
                             target);
        if (m->nodes[pe->target_node].is_indicator)
            return fail_node(m, err, pe->target_at.line ? pe->target_at : pe->at,
                             "penalty '%s' applies to indicator '%s'; penalties come off a "
                             "group or the index", pe->code, target);
        if (!(pe->points > 0))
            return fail_node(m, err, pe->at, "penalty '%s' needs 'points = N' (N > 0)%s",
                             pe->code, "");
    }
    if (m->n_bands)
        qsort(m->bands, m->n_bands, sizeof *m->bands, cmp_band);
    pa_status st = pa_model_level_defaults(m, err);
    return st != PA_OK ? st : pa_model_check_params(m, err);
}

pa_status
pa_model_finish(pa_model *m, pa_error *err)
{
    pa_status st = link_nodes(m, err);
    if (st != PA_OK)
        return st;
    resolve_settings(m);
    st = check_model(m, err);
    return st == PA_OK ? pa_units_check(m, err) : st;
}

void
pa_model_unfinish(pa_model *m)
{
    for (size_t i = 0; i < m->n_nodes; i++) {
        pa_node *nd = &m->nodes[i];
        pa_free(nd->children);
        nd->children = NULL;
        nd->n_children = 0;
        nd->parent = PA_NONE;
        nd->level = 0;
        nd->params_used = 0;
        memset(&nd->eff, 0, sizeof nd->eff);
        if (nd->p_inherited)
            nd->p_set = 0, nd->p_inherited = 0;
    }
    pa_free(m->order);
    pa_free(m->pos);
    m->order = m->pos = NULL;
    m->n_indicators = 0;
}
