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

pa_status
pa_normalise_vector(const pa_node *ind, double *x, size_t n, const unsigned char *stat,
                    const double *base, pa_error *err)
{
    const pa_settings *s = &ind->eff;
    const double dir = ind->direction;
    const double l = s->range[0], u = s->range[1];

    if (s->norm == PA_NORM_GOALPOSTS) {
        double lo = ind->goalposts[0], hi = ind->goalposts[1];
        if (ind->transform == PA_TRANSFORM_LOG) {
            lo = log(lo);
            hi = log(hi);
        }
        for (size_t i = 0; i < n; i++) {
            if (isnan(x[i]))
                continue;
            /* lower is better: scored from the upper post */
            double y = dir > 0 ? (x[i] - lo) / (hi - lo) : (hi - x[i]) / (hi - lo);
            y = y < 0 ? 0 : y > 1 ? 1 : y;
            x[i] = l + y * (u - l);
        }
        return PA_OK;
    }
    if (s->norm == PA_NORM_BASE) {
        for (size_t i = 0; i < n; i++) {
            if (isnan(x[i]))
                continue;
            if (isnan(base[i])) {
                x[i] = NAN;
                continue;
            }
            if (base[i] == 0)
                return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                               "indicator '%s': the base-period value is 0, so 'base' "
                               "normalisation is undefined", ind->code);
            double ratio = x[i] / base[i];
            x[i] = 100.0 * (dir > 0 ? ratio : 2.0 - ratio);
        }
        return PA_OK;
    }
    if (s->norm == PA_NORM_NONE) {
        for (size_t i = 0; i < n; i++)
            x[i] *= dir;
        return PA_OK;
    }

    /* the values that statistics may use: gathered only for zscore, the one method that needs
     * more than the extremes or the ranks (a copy of a panel column is a lot of fresh memory
     * to fault in) */
    int gather = s->norm == PA_NORM_ZSCORE;
    double *v = gather ? pa_malloc((n ? n : 1) * sizeof *v) : NULL;
    if (gather && !v)
        return pa_nomem(err);
    size_t m = 0;
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++) { /* the direction applied on the way */
        double xi = x[i] *= dir;
        if (!isnan(xi) && (!stat || stat[i])) {
            mn = xi < mn ? xi : mn;
            mx = xi > mx ? xi : mx;
            if (gather)
                v[m] = xi;
            m++;
        }
    }
    pa_status st = PA_OK;
    if (m == 0) {
        for (size_t i = 0; i < n; i++)
            x[i] = NAN;
        goto out;
    }
    if (!isfinite(mx - mn)) {
        st = pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                     "indicator '%s': its values span more than doubles can hold "
                     "(from %g to %g)", ind->code, mn, mx);
        goto out;
    }
    switch (s->norm) {
    case PA_NORM_MINMAX:
        if (mx > mn) { /* a missing value stays NaN through the arithmetic */
            double span = mx - mn, width = u - l;
            for (size_t i = 0; i < n; i++)
                x[i] = (x[i] - mn) / span * width + l;
        } else { /* zero range: no unit can be told apart, all take the middle */
            for (size_t i = 0; i < n; i++)
                if (!isnan(x[i]))
                    x[i] = (l + u) / 2;
        }
        break;
    case PA_NORM_ZSCORE: {
        double mean = gsl_stats_mean(v, 1, m);
        double sd = m > 1 ? gsl_stats_sd_m(v, 1, m, mean) : 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]))
                x[i] = sd > 0 ? (x[i] - mean) / sd * s->mean_sd[1] + s->mean_sd[0] : s->mean_sd[0];
        break;
    }
    case PA_NORM_RANK:
    case PA_NORM_PRANK:
    case PA_NORM_BORDA:
        if ((st = count_below_all(x, n, stat, err)) != PA_OK)
            goto out;
        for (size_t i = 0; i < n; i++) {
            if (isnan(x[i]))
                continue;
            double r = x[i]; /* values below it: ties get the minimum rank */
            if (s->norm == PA_NORM_RANK)
                x[i] = r + 1;
            else if (s->norm == PA_NORM_BORDA)
                x[i] = r;
            else
                x[i] = m > 1 ? r / (double)(m - 1) : 1.0;
        }
        break;
    case PA_NORM_DIST2MAX:
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]))
                x[i] = mx > mn ? 1 - (mx - x[i]) / (mx - mn) : 1.0;
        break;
    case PA_NORM_DIST2TARG: {
        double t = ind->target * dir;
        for (size_t i = 0; i < n; i++) {
            if (isnan(x[i]))
                continue;
            double y = t != mn ? 1 - (t - x[i]) / (t - mn) : 1.0;
            x[i] = ind->cap_max && y > 1 ? 1 : y;
        }
        break;
    }
    case PA_NORM_FRACMAX:
        if (!(mx > 0)) {
            st = pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                         "indicator '%s': fracmax needs a positive maximum (after applying the "
                         "direction), but it is %g", ind->code, mx);
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i]))
                x[i] /= mx;
        break;
    default:
        break;
    }
out:
    pa_free(v);
    return st;
}

typedef struct norm_job {
    const pa_model *m;
    pa_result *r;
    const unsigned char *stat;
    size_t bp;
} norm_job;

static pa_status
normalise_task(void *ctx, size_t k, pa_error *err)
{
    norm_job *j = ctx;
    pa_result *r = j->r;
    const pa_node *nd = &j->m->nodes[j->m->order[k]];
    size_t cells = r->np * r->nu;
    double *x = r->score[k];
    double *base = NULL;
    if (nd->eff.norm == PA_NORM_BASE) {
        if (!(base = pa_malloc((cells ? cells : 1) * sizeof *base)))
            return pa_nomem(err);
        for (size_t p = 0; p < r->np; p++)
            for (size_t u = 0; u < r->nu; u++)
                base[p * r->nu + u] = x[j->bp * r->nu + u];
    }
    pa_status st = PA_OK;
    if (nd->eff.scope == PA_SCOPE_PANEL)
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
        if (nd->eff.norm != PA_NORM_BASE)
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
    if (st == PA_OK) /* indicators are the first m->n_indicators result nodes */
        st = pa_parallel_for(m->n_indicators, normalise_task, &j, err);
    pa_free(stat);
    return st;
}
