/* SPDX-License-Identifier: MIT */
/* Normalisation of one indicator (COINr 1.1.14 semantics, formulas in doc/methods.md). */
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "internal.h"

/* x[i] := how many values that statistics may use (stat) lie strictly below x[i], for every
 * present x[i]: one radix sort of all values and a sweep over runs of equal ones, instead of
 * a binary search per value. */
static pa_status
count_below_all(double *x, size_t n, const unsigned char *stat, pa_error *err)
{
    pa_sorted so;
    pa_status st = pa_sort_present(x, n, NULL, &so, err);
    if (st != PA_OK)
        return st;
    size_t below = 0;
    for (size_t i = 0, j; i < so.m; i = j) {
        size_t in = 0;
        for (j = i; j < so.m && so.key[j] == so.key[i]; j++)
            in += !stat || stat[so.idx[j]];
        for (size_t t = i; t < j; t++)
            x[so.idx[t]] = (double)below;
        below += in;
    }
    pa_sorted_free(&so);
    return PA_OK;
}

/* goalposts: lower is better scores from the upper post; clamped onto [0, 1] unless
 * goalposts_trunc = no, then onto the range */
pa_status
pa_norm_goalposts(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    const pa_node *ind = in->ind;
    const double l = ind->eff.range[0], u = ind->eff.range[1];
    double lo = ind->goalposts[0], hi = ind->goalposts[1];
    if (ind->transform == PA_TRANSFORM_LOG) {
        lo = log(lo);
        hi = log(hi);
    }
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        double y = ind->direction > 0 ? (x[i] - lo) / (hi - lo) : (hi - x[i]) / (hi - lo);
        if (ind->eff.trunc)
            y = y < 0 ? 0 : y > 1 ? 1 : y;
        x[i] = l + y * (u - l);
    }
    return PA_OK;
}

pa_status
pa_norm_base(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    const pa_node *ind = in->ind;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        if (isnan(in->ref[i])) {
            x[i] = NAN;
            continue;
        }
        if (in->ref[i] == 0)
            return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                           "indicator '%s': the base-period value is 0, so 'base' "
                           "normalisation is undefined", ind->code);
        double ratio = x[i] / in->ref[i];
        x[i] = 100.0 * (ind->direction > 0 ? ratio : 2.0 - ratio);
    }
    return PA_OK;
}

pa_status
pa_norm_none(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    for (size_t i = 0; i < n; i++)
        x[i] *= in->ind->direction;
    return PA_OK;
}

pa_status
pa_norm_minmax(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    const double l = in->ind->eff.range[0], u = in->ind->eff.range[1];
    if (in->mx > in->mn) { /* a missing value stays NaN through the arithmetic */
        double span = in->mx - in->mn, width = u - l;
        for (size_t i = 0; i < n; i++)
            x[i] = (x[i] - in->mn) / span * width + l;
    } else { /* zero range: no unit can be told apart, all take the middle */
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]))
                x[i] = (l + u) / 2;
    }
    return PA_OK;
}

pa_status
pa_norm_zscore(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    const double *ms = in->ind->eff.mean_sd;
    double mean = gsl_stats_mean(in->v, 1, in->m);
    double sd = in->m > 1 ? gsl_stats_sd_m(in->v, 1, in->m, mean) : 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[i] = sd > 0 ? (x[i] - mean) / sd * ms[1] + ms[0] : ms[0];
    return PA_OK;
}

/* rank, prank and borda from the count of values below (ties get the minimum rank) */
static pa_status
rank_based(const pa_norm_in *in, double *x, size_t n, pa_norm how, pa_error *err)
{
    pa_status st = count_below_all(x, n, in->stat, err);
    for (size_t i = 0; i < n && st == PA_OK; i++) {
        if (isnan(x[i]))
            continue;
        double r = x[i];
        if (how == PA_NORM_RANK)
            x[i] = r + 1;
        else if (how == PA_NORM_BORDA)
            x[i] = r;
        else
            x[i] = in->m > 1 ? r / (double)(in->m - 1) : 1.0;
    }
    return st;
}

pa_status
pa_norm_rank(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    return rank_based(in, x, n, PA_NORM_RANK, err);
}

pa_status
pa_norm_prank(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    return rank_based(in, x, n, PA_NORM_PRANK, err);
}

pa_status
pa_norm_borda(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    return rank_based(in, x, n, PA_NORM_BORDA, err);
}

pa_status
pa_norm_dist2max(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[i] = in->mx > in->mn ? 1 - (in->mx - x[i]) / (in->mx - in->mn) : 1.0;
    return PA_OK;
}

pa_status
pa_norm_dist2targ(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    const pa_node *ind = in->ind;
    double t = ind->target * ind->direction, mn = in->mn;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        /* 1 − (t − x)/(t − min), written as COINr computes it: no cancellation near min */
        double y = t != mn ? (x[i] - mn) / (t - mn) : 1.0;
        x[i] = ind->cap_max && y > 1 ? 1 : y;
    }
    return PA_OK;
}

pa_status
pa_norm_fracmax(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    if (!(in->mx > 0))
        return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                       "indicator '%s': fracmax needs a positive maximum (after applying the "
                       "direction), but it is %g", in->ind->code, in->mx);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[i] /= in->mx;
    return PA_OK;
}

/* COINr n_scaled with npar in the indicator's own units (as COINr reads it from iMeta): (x −
 * l)/(u − l)·scale_factor, lower is better (u − x)/(u − l)·scale_factor, as goalposts. */
pa_status
pa_norm_scaled(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    const pa_settings *s = &in->ind->eff;
    double l = s->npar[0], u = s->npar[1];
    for (size_t i = 0; i < n; i++)
        x[i] = (in->ind->direction > 0 ? x[i] - l : u - x[i]) / (u - l) * s->scale_factor;
    return PA_OK;
}

/* COINr n_dist2ref: 1 − (r − x)/(r − min), r the reference unit's value in the same period
 * (after the direction); r = min scores every unit 1, as dist2targ does at t = min. */
pa_status
pa_norm_dist2ref(const pa_norm_in *in, double *x, size_t n, pa_error *err)
{
    (void)err;
    const double dir = in->ind->direction, mn = in->mn;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        double t = dir * in->ref[i];
        double y = t != mn ? 1 - (t - x[i]) / (t - mn) : 1.0;
        x[i] = in->ind->cap_max && y > 1 ? 1 : y;
    }
    return PA_OK;
}

/* The direction applied, and the statistics set's extremes and count (its values in v when
 * the method gathers them). */
static void
apply_direction(const pa_node *ind, double *x, size_t n, const unsigned char *stat,
                double *v, pa_norm_in *in)
{
    const double dir = ind->direction;
    in->m = 0;
    in->mn = INFINITY;
    in->mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double xi = x[i] *= dir;
        if (!isnan(xi) && (!stat || stat[i])) {
            in->mn = xi < in->mn ? xi : in->mn;
            in->mx = xi > in->mx ? xi : in->mx;
            if (v)
                v[in->m] = xi;
            in->m++;
        }
    }
}

pa_status
pa_normalise_vector(const pa_node *ind, double *x, size_t n, const unsigned char *stat,
                    const double *ref, pa_error *err)
{
    const pa_method *me = pa_method_get(PA_STEP_NORMALISE, (int)ind->eff.norm);
    pa_norm_in in = { .ind = ind, .stat = stat, .ref = ref };
    if (me->flags & PA_METHOD_RAW)
        return me->normalise(&in, x, n, err);
    /* the values themselves only for the methods that need more than the extremes or the
     * ranks (a copy of a panel column is a lot of fresh memory to fault in) */
    double *v = NULL;
    if (me->flags & PA_METHOD_GATHER && !(v = pa_malloc((n ? n : 1) * sizeof *v)))
        return pa_nomem(err);
    in.v = v;
    apply_direction(ind, x, n, stat, v, &in);
    pa_status st = PA_OK;
    if (in.m == 0)
        for (size_t i = 0; i < n; i++)
            x[i] = NAN;
    else if (!isfinite(in.mx - in.mn))
        st = pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                     "indicator '%s': its values span more than doubles can hold "
                     "(from %g to %g)", ind->code, in.mn, in.mx);
    else
        st = me->normalise(&in, x, n, err);
    pa_free(v);
    return st;
}

typedef struct norm_job {
    const pa_model *m;
    pa_result *r;
    const unsigned char *stat;
    size_t bp;
    size_t *refu;               /* by indicator: the unit of n_dist2ref's ref_unit */
} norm_job;

/* What a cell is compared with: the unit's own value in the base period (base), or the
 * reference unit's value in the cell's period (n_dist2ref); as read, before the direction. */
static double *
ref_values(const norm_job *j, size_t k, const pa_node *nd)
{
    const pa_result *r = j->r;
    size_t cells = r->np * r->nu;
    double *ref = pa_malloc((cells ? cells : 1) * sizeof *ref);
    const double *x = r->score[k];
    for (size_t p = 0; ref && p < r->np; p++)
        for (size_t u = 0; u < r->nu; u++)
            ref[p * r->nu + u] = nd->eff.norm == PA_NORM_BASE ? x[j->bp * r->nu + u]
                                                              : x[p * r->nu + j->refu[k]];
    return ref;
}

/* Cells of one level of units ([units]), every period, gathered into a (period-major) or
 * scattered back from it. */
static void
level_cells(const pa_result *r, size_t f, size_t n, double *x, double *a, int gather)
{
    for (size_t p = 0; p < r->np; p++)
        for (size_t i = 0; i < n; i++) {
            double *c = &x[p * r->nu + f + i];
            if (gather)
                a[p * n + i] = *c;
            else
                *c = a[p * n + i];
        }
}

/* With a unit tree, each level is normalised on its own: a street is compared with the
 * streets, a district with the districts. */
static pa_status
normalise_levels(const pa_node *nd, const pa_result *r, double *x, const unsigned char *stat,
                 const double *base, pa_error *err)
{
    size_t cells = r->np * r->nu;
    double *a = pa_malloc(2 * (cells ? cells : 1) * sizeof *a), *b = a ? a + cells : NULL;
    unsigned char *sa = pa_malloc(cells ? cells : 1);
    pa_status st = a && sa ? PA_OK : pa_nomem(err);
    for (size_t l = 0; l < pa_unit_levels(r) && st == PA_OK; l++) {
        size_t f = pa_level_first(r, l), n = pa_level_first(r, l + 1) - f;
        level_cells(r, f, n, x, a, 1);
        if (base)
            level_cells(r, f, n, (double *)base, b, 1);
        for (size_t p = 0; p < r->np; p++)
            for (size_t i = 0; i < n; i++)
                sa[p * n + i] = stat[p * r->nu + f + i];
        if (nd->eff.scope == PA_SCOPE_PANEL)
            st = pa_normalise_vector(nd, a, n * r->np, sa, base ? b : NULL, err);
        for (size_t p = 0; p < r->np && st == PA_OK && nd->eff.scope != PA_SCOPE_PANEL; p++)
            st = pa_normalise_vector(nd, a + p * n, n, sa + p * n, base ? b + p * n : NULL, err);
        level_cells(r, f, n, x, a, 0);
    }
    pa_free(a);
    pa_free(sa);
    return st;
}

static pa_status
normalise_task(void *ctx, size_t k, pa_error *err)
{
    norm_job *j = ctx;
    pa_result *r = j->r;
    const pa_node *nd = &j->m->nodes[j->m->order[k]];
    size_t cells = r->np * r->nu;
    double *x = r->score[k];
    double *base = NULL;
    if (pa_method_get(PA_STEP_NORMALISE, (int)nd->eff.norm)->flags & PA_METHOD_REF &&
        !(base = ref_values(j, k, nd)))
        return pa_nomem(err);
    pa_status st = PA_OK;
    if (r->tree)
        st = normalise_levels(nd, r, x, j->stat, base, err);
    else if (nd->eff.scope == PA_SCOPE_PANEL)
        st = pa_normalise_vector(nd, x, cells, j->stat, base, err);
    else
        for (size_t p = 0; p < r->np && st == PA_OK; p++)
            st = pa_normalise_vector(nd, x + p * r->nu, r->nu, j->stat + p * r->nu,
                                     base ? base + p * r->nu : NULL, err);
    pa_free(base);
    if (err && st == PA_ERR_COMPUTE && nd->eff.norm == PA_NORM_FRACMAX) {
        /* no unit is at fault, the method is: point at the line that chose it */
        pa_loc at = nd->eff.norm_at.line ? nd->eff.norm_at : nd->at;
        char text[sizeof err->text];
        memcpy(text, err->text, sizeof text);
        pa_fail(err, st, j->m->file, at.line, at.col, "%s", text);
    }
    return st;
}

/* n_dist2ref's reference unit: a unit of the data (else a mistake in the model, at the key)
 * with a value in every period where the indicator has one (else nothing to measure from). */
static pa_status
find_ref_unit(const pa_model *m, const pa_result *r, size_t k, size_t *out, pa_error *err)
{
    const pa_node *nd = &m->nodes[m->order[k]];
    const pa_settings *s = &nd->eff;
    if (s->norm != PA_NORM_DIST2REF)
        return PA_OK;
    size_t u = 0;
    while (u < r->nu && strcmp(r->unit_codes[u], s->ref_unit) != 0)
        u++;
    if (u == r->nu)
        return pa_fail(err, PA_ERR_MODEL, m->file, s->ref_unit_at.line, s->ref_unit_at.col,
                       "ref_unit '%s' of indicator '%s' is not a unit of the data",
                       s->ref_unit, nd->code);
    for (size_t p = 0; p < r->np; p++)
        for (size_t v = 0; v < r->nu && isnan(PA_SCORE(r, k, p, u)); v++)
            if (!isnan(PA_SCORE(r, k, p, v)))
                return pa_fail(err, PA_ERR_COMPUTE, m->file, s->ref_unit_at.line,
                               s->ref_unit_at.col, "indicator '%s' is normalised by its "
                               "distance to unit '%s', which has no value in period '%s'",
                               nd->code, s->ref_unit, r->periods[p]);
    *out = u;
    return PA_OK;
}

pa_status
pa_step_normalise(const pa_model *m, pa_result *r, pa_error *err)
{
    size_t cells = r->np * r->nu;
    unsigned char *stat = pa_malloc(cells ? cells : 1);
    if (!stat)
        return pa_nomem(err);
    /* screened cells are already missing, so they drop out of the statistics too */
    for (size_t p = 0; p < r->np; p++)
        for (size_t u = 0; u < r->nu; u++)
            stat[p * r->nu + u] = !r->reference[u];
    norm_job j = { .m = m, .r = r, .stat = stat };
    pa_status st = PA_OK;
    if (m->base_period) {
        for (j.bp = 0; j.bp < r->np && strcmp(r->periods[j.bp], m->base_period) != 0; j.bp++)
            ;
        if (j.bp == r->np)
            st = pa_fail(err, PA_ERR_COMPUTE, m->file, m->base_period_at.line,
                         m->base_period_at.col, "base_period '%s' is not a period of the data",
                         m->base_period);
    }
    /* a base-period value of 0 is found here, in order, so that the message can name the
     * unit and the data row */
    for (size_t k = 0; k < m->n_indicators && st == PA_OK; k++) {
        const pa_node *nd = &m->nodes[m->order[k]];
        if (nd->eff.norm != PA_NORM_BASE || !pa_todo(r, k))
            continue;
        for (size_t p = 0; p < r->np && st == PA_OK; p++)
            for (size_t u = 0; u < r->nu; u++)
                if (!isnan(PA_SCORE(r, k, p, u)) &&
                    PA_SCORE(r, k, j.bp, u) == 0) {
                    r->fail_unit = u;
                    r->fail_period = j.bp;
                    st = pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                                 "unit '%s': indicator '%s' is 0 in the base period '%s', so "
                                 "'base' normalisation is undefined", r->unit_codes[u],
                                 nd->code, r->periods[j.bp]);
                    break;
                }
    }
    if (st == PA_OK && !(j.refu = pa_calloc(m->n_indicators ? m->n_indicators : 1,
                                            sizeof *j.refu)))
        st = pa_nomem(err);
    for (size_t k = 0; k < m->n_indicators && st == PA_OK; k++)
        st = pa_todo(r, k) ? find_ref_unit(m, r, k, &j.refu[k], err) : PA_OK;
    if (st == PA_OK) /* indicators are the first m->n_indicators result nodes */
        st = pa_indicator_for(r, m->n_indicators, normalise_task, &j, err);
    pa_free(j.refu);
    pa_free(stat);
    return st;
}
