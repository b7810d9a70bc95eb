/* SPDX-License-Identifier: MIT */
/* The pipeline: lay the data out unit × period, denominate, normalise, aggregate, rank. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One indicator: its rates. Indicators are independent, so they run in
 * parallel; the error reported is the first indicator's, as in a plain loop. */
static pa_status
denominate_task(void *ctx, size_t k, pa_error *err)
{
    const pa_step_job *j = ctx;
    const pa_model *m = j->m;
    const pa_data *d = j->d;
    pa_result *r = j->r;
    const pa_node *nd = &m->nodes[m->order[k]]; /* indicators come first */
    const double *col = r->vcol[k]; /* its raw values */
    size_t dc = nd->eff.denominate && nd->denominator ? pa_data_col(d, nd->denominator)
                                                      : PA_NONE;
    const double *den = dc != PA_NONE ? d->cols[dc] : NULL;
    /* raw values that nothing else reads, row i in cell i: the rates take their place (no
     * fresh memory to fault in, and the peak stays lower) */
    if (r->keep && !r->keep[k] && r->rows_are_cells && pa_col_sole(r->vcol[k])) {
        r->score[k] = r->vcol[k];
        r->vcol[k] = NULL;
    }
    pa_status st = pa_node_alloc(r, k, err);
    if (st != PA_OK)
        return st;
    double *score = r->score[k];
    for (size_t i = 0; i < r->np * r->nu; i++) {
        size_t row = pa_cell_row(r, i);
        if (row == PA_NONE) {
            score[i] = NAN;
            continue;
        }
        double v = col[row];
        if (den && !isnan(v)) {
            double dv = den[row];
            if (!(dv > 0) && !isnan(dv))
                return pa_fail(err, PA_ERR_DATA, pa_data_row_file(d, row),
                               pa_data_row_line(d, row), 0,
                               "denominator '%s' of unit '%s' is %g; it must be above "
                               "0 to divide '%s'", nd->denominator, r->unit_codes[i % r->nu],
                               dv, nd->code);
            v = v / (dv / nd->per);
        }
        if (isinf(v))
            return pa_fail(err, PA_ERR_DATA, pa_data_row_file(d, row), pa_data_row_line(d, row),
                           0, "indicator '%s' of unit '%s' overflows when divided by its "
                           "denominator", nd->code, r->unit_codes[i % r->nu]);
        score[i] = v;
    }
    pa_release_values(r, k);
    return PA_OK;
}

pa_status
pa_step_denominate(const pa_model *m, const pa_data *d, pa_result *r, pa_error *err)
{
    pa_step_job j = { .m = m, .d = d, .r = r };
    return pa_indicator_for(r, m->n_indicators, denominate_task, &j, err);
}

/* transform = log, after imputation and treatment, right before normalising. */
pa_status
pa_step_transform(const pa_model *m, pa_result *r, pa_error *err)
{
    for (size_t k = 0; k < m->n_indicators; k++) { /* indicators come first */
        const pa_node *nd = &m->nodes[m->order[k]];
        if (nd->transform != PA_TRANSFORM_LOG || !pa_todo(r, k))
            continue;
        for (size_t p = 0; p < r->np; p++)
            for (size_t u = 0; u < r->nu; u++) {
                double *x = &PA_SCORE(r, k, p, u);
                if (isnan(*x))
                    continue;
                if (!(*x > 0)) {
                    r->fail_unit = u;
                    r->fail_period = p;
                    char num[40];
                    pa_format_number(*x, num, sizeof num);
                    return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                                   "unit '%s', period '%s': indicator '%s' is %s, but a log "
                                   "transform needs values above 0", r->unit_codes[u],
                                   r->periods[p], nd->code, num);
                }
                *x = log(*x);
            }
    }
    return PA_OK;
}

typedef struct check_job {
    const pa_model *m;
    pa_result *r;
    size_t k0;                  /* the first node checked */
    int report;                 /* fill fail_unit/period and the message (one thread only) */
} check_job;

/* Last guard, one node in one period: no infinity, and no score lost to arithmetic (a node
 * whose present inputs gave NaN) — numbers too large or too small for doubles end here, not
 * in the output. Tasks are node-major, periods within, so that running them in order finds
 * the first failure of a node-by-node check. */
static pa_status
check_node_period(void *ctx, size_t t, pa_error *err)
{
    const check_job *j = ctx;
    const pa_model *m = j->m;
    pa_result *r = j->r;
    size_t k = j->k0 + t / r->np, p = t % r->np;
    const pa_node *nd = &m->nodes[m->order[k]];
    if (pa_kept(r, k)) /* checked when it was computed; its present flags are in */
        return PA_OK;
    for (size_t u = 0; u < r->nu; u++) {
        double s = PA_SCORE(r, k, p, u);
        if (isfinite(s)) { /* nearly every cell */
            r->present[k * r->np + p] = 1; /* for pa_result_node_period_weight */
            continue;
        }
        size_t c = PA_CELL(r, k, p, u);
        int lost = 0;
        /* indicators: normalisation refuses spans it cannot hold (normalise.c) */
        if (isnan(s) && !nd->is_indicator &&
            !(r->flags[c] & (PA_CELL_SCREENED | PA_CELL_LOW_COVERAGE)))
            for (size_t ch = 0; ch < nd->n_children && !lost; ch++)
                lost = !isnan(PA_SCORE(r, m->pos[nd->children[ch]], p, u));
        if (!isinf(s) && !lost)
            continue;
        if (!j->report)
            return PA_ERR_COMPUTE; /* the caller runs it again alone, for the message */
        r->fail_unit = u;
        r->fail_period = p;
        return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0,
                       "unit '%s', period '%s': the score of '%s' is not a finite "
                       "number (values too large or too small to compute with)",
                       r->unit_codes[u], r->periods[p], nd->code);
    }
    return PA_OK;
}

/* Nodes [k0, k1), every period, in parallel; again in order, alone, for the first failure's
 * message. */
static pa_status
check_nodes(const pa_model *m, pa_result *r, size_t k0, size_t k1, pa_error *err)
{
    check_job j = { .m = m, .r = r, .k0 = k0 };
    size_t n = (k1 - k0) * r->np;
    pa_status st = pa_parallel_for(n, check_node_period, &j, err);
    if (st == PA_ERR_COMPUTE) {
        j.report = 1;
        for (size_t t = 0; t < n && (st = check_node_period(&j, t, err)) == PA_OK; t++)
            ;
    }
    return st;
}

/* Let a node's scores go once nothing reads them any more (pa_compute_nodes). They are kept
 * for the next node aggregated, which would otherwise fault in fresh memory page by page;
 * the spares go when aggregation is over. A spare was a live node, so the peak stays. */
static void
release_node(pa_result *r, size_t n)
{
    if (r->keep && !r->keep[n] && r->score[n]) {
        size_t room = sizeof r->spare / sizeof r->spare[0];
        if (r->n_spare < room && pa_col_sole(r->score[n]))
            r->spare[r->n_spare++] = r->score[n];
        else
            pa_col_unref(r->score[n]);
        r->score[n] = NULL;
    }
}

/* A failure of the final check, kept until aggregation is over: its message only counts
 * when every aggregation succeeded. */
typedef struct deferred {
    pa_status st;
    pa_error err;
    size_t unit, period;
} deferred;

static void
check_deferred(const pa_model *m, pa_result *r, size_t k0, size_t k1, deferred *df)
{
    if (df->st != PA_OK || (df->st = check_nodes(m, r, k0, k1, &df->err)) == PA_OK)
        return;
    df->unit = r->fail_unit;
    df->period = r->fail_period;
    r->fail_unit = r->fail_period = PA_NONE;
}

/* Aggregation, node after node bottom-up, and the final check. Each node is checked as soon
 * as it is complete, while its children are still there to tell a lost score, and then they
 * can go. The messages are those of checking every node after aggregation: a failing
 * aggregation first, else the first failing node. */
static pa_status
aggregate_and_check(const pa_model *m, pa_result *r, pa_error *err)
{
    deferred df = { .st = PA_OK };
    check_deferred(m, r, 0, m->n_indicators, &df);
    for (size_t k = m->n_indicators; k < m->n_nodes; k++) {
        if (pa_kept(r, k))
            continue;
        pa_status st = m->nodes[m->order[k]].weight_pca ? pa_pca_weights(m, r, k, err) : PA_OK;
        if (st == PA_OK)
            st = pa_aggregate_node(m, r, k, err);
        if (st != PA_OK)
            return st;
        check_deferred(m, r, k, k + 1, &df);
        const pa_node *nd = &m->nodes[m->order[k]];
        for (size_t c = 0; c < nd->n_children; c++)
            release_node(r, m->pos[nd->children[c]]);
        for (size_t q = 0; q < m->n_penalties; q++)
            if (m->pos[m->penalties[q].target_node] == k)
                release_node(r, r->n_model_nodes + q);
    }
    release_node(r, m->pos[m->top]); /* the top node too, when it was not asked for */
    pa_free_spares(r);
    if (df.st != PA_OK) {
        if (err)
            *err = df.err;
        r->fail_unit = df.unit;
        r->fail_period = df.period;
    }
    return df.st;
}

/* Whether indicator k's rates so far are its raw values, cell for cell (missing alike). */
static int
rates_are_values(const pa_result *r, size_t k)
{
    const double *s = r->score[k];
    for (size_t p = 0; p < r->np; p++)
        for (size_t u = 0; u < r->nu; u++) {
            double x = s[p * r->nu + u], v = pa_cell_value(r, k, p, u);
            if (!(x == v || (isnan(x) && isnan(v))))
                return 0;
        }
    return 1;
}

/* The rates scored, as they are after denomination and imputation (before screening, treatment
 * and transform), of every indicator held: none kept where they are the raw values (no
 * denominator, nothing imputed), so that a model without denominators costs no memory. */
static pa_status
keep_rates(pa_result *r, pa_error *err)
{
    size_t cells = r->np * r->nu;
    for (size_t k = 0; k < r->n_ind; k++) { /* indicators come first */
        if (!pa_todo(r, k) || (r->keep && !r->keep[k]) ||
            (r->rate_raw[k] = (unsigned char)rates_are_values(r, k)))
            continue;
        if (!(r->rate[k] = pa_col_grow(NULL, 0, cells ? cells : 1)))
            return pa_nomem(err);
        memcpy(r->rate[k], r->score[k], cells * sizeof *r->rate[k]);
    }
    return PA_OK;
}

/* Result node of a code (as pa_result_node_find, before there is a result); penalty rows
 * are not in the model's code map. */
static size_t
model_node(const pa_model *m, const char *code)
{
    size_t i = pa_model_find(m, code);
    if (i != PA_NONE)
        return m->pos[i];
    for (size_t q = 0; q < m->n_penalties; q++)
        if (strcmp(m->penalties[q].code, code) == 0)
            return m->n_nodes + q;
    return PA_NONE;
}

/* A consumed data set lets go of its columns once the result holds those it still needs
 * (pa_col_ref): all but the denominators before denominating, the denominators after. */
static void
drop_columns(const pa_model *m, pa_data *d, int denominators)
{
    for (size_t j = 0; j < d->n_cols; j++) {
        int den = 0;
        for (size_t k = 0; k < m->n_indicators && !den; k++) {
            const pa_node *nd = &m->nodes[m->order[k]];
            den = nd->eff.denominate && nd->denominator &&
                  pa_data_col(d, nd->denominator) == j;
        }
        if (den == denominators) {
            pa_col_unref(d->cols[j]);
            d->cols[j] = NULL;
        }
    }
}

static int
same_name(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* A column the model reads that the data set lacks. */
static pa_status
no_data_column(const pa_model *m, const pa_loc *at, const char *what, const char *name,
               pa_error *err)
{
    return pa_fail(err, PA_ERR_ARGUMENT, m->file, at ? at->line : 0, at ? at->col : 0,
                   "the data set has no column '%s' (%s); it holds the columns of the model "
                   "it was made for", name, what);
}

/* Any model computes on a data set that has the columns it reads, keyed the same way: the
 * data set holds columns by name, not the model it was read for. */
pa_status
pa_data_fits(const pa_model *m, const pa_data *d, pa_error *err)
{
    const pa_data_spec *sp = &d->spec;
    if (!sp->in_memory && (!same_name(m->unit_column, sp->unit_column) ||
                           !same_name(m->period_column, sp->period_column)))
        return pa_fail(err, PA_ERR_ARGUMENT, m->file, 0, 0,
                       "the data set was read with unit column '%s' and period column '%s', "
                       "the model names '%s' and '%s'",
                       sp->unit_column ? sp->unit_column : "(the first)",
                       sp->period_column ? sp->period_column : "(found by name)",
                       m->unit_column ? m->unit_column : "(the first)",
                       m->period_column ? m->period_column : "(found by name)");
    for (size_t k = 0; k < m->n_indicators; k++) {
        const pa_node *nd = &m->nodes[m->order[k]];
        if (pa_data_col(d, pa_node_column(nd)) == PA_NONE)
            return no_data_column(m, &nd->at, nd->code, pa_node_column(nd), err);
        if (nd->eff.denominate && nd->denominator &&
            pa_data_col(d, nd->denominator) == PA_NONE)
            return no_data_column(m, &nd->at, "a denominator", nd->denominator, err);
        if ((nd->eff.impute == PA_IMPUTE_GROUP_MEAN || nd->eff.impute == PA_IMPUTE_GROUP_MEDIAN) &&
            !(sp->in_memory ? d->row_group != NULL : same_name(m->impute_group, sp->group_column)))
            return no_data_column(m, &m->impute_group_at, "impute_group", m->impute_group, err);
    }
    for (size_t q = 0; q < m->n_penalties; q++)
        if (pa_data_col(d, pa_penalty_column(&m->penalties[q])) == PA_NONE)
            return no_data_column(m, &m->penalties[q].at, m->penalties[q].code,
                                  pa_penalty_column(&m->penalties[q]), err);
    return PA_OK;
}

/* own: the data set when it is consumed (pa_compute_nodes), so that its columns can go as
 * soon as they are used. */
static pa_status
compute(pa_result **out, const pa_model *m, const pa_data *d, pa_data *own,
        const char *const *nodes, size_t n_nodes, int prenorm, const pa_stages *kept,
        pa_error *err)
{
    if (!out || !m || !d || (n_nodes && !nodes))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_status st = pa_data_fits(m, d, err);
    if (st != PA_OK)
        return st;
    for (size_t i = 0; i < n_nodes; i++)
        if (!nodes[i] || model_node(m, nodes[i]) == PA_NONE)
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no node '%s' in the model",
                           nodes[i] ? nodes[i] : "(null)");
    if (d->n_rows == 0)
        return pa_fail(err, PA_ERR_DATA, d->files.n ? d->files.keys[0] : NULL, 0, 0,
                       "no data rows");
    if ((st = pa_data_check_periods(d, err)) != PA_OK)
        return st;
    pa_data *rolled; /* [units]: the data rolled up the unit tree, scored in its place */
    if ((st = pa_rollup_data(m, d, &rolled, err)) != PA_OK)
        return st;
    if (rolled)
        d = own = rolled;
    pa_result *r = pa_calloc(1, sizeof *r);
    if (r)
        pthread_mutex_init(&r->rank_lock, NULL);
    size_t *pmap = pa_malloc(d->periods.n * sizeof *pmap);
    size_t *cell_row = NULL;
    if (!r || !pmap) {
        st = pa_nomem(err);
        goto out;
    }
    r->fail_unit = r->fail_period = PA_NONE;
    r->base_k = 1;
    if ((st = pa_result_frame(r, m, d, pmap, err)) != PA_OK)
        goto out;
    if (n_nodes) {
        if (!(r->keep = pa_calloc(r->nn, 1))) {
            st = pa_nomem(err);
            goto out;
        }
        for (size_t i = 0; i < n_nodes; i++)
            r->keep[model_node(m, nodes[i])] = 1;
    }
    /* rows in cell order (as yearly files give them) map themselves: no map to build */
    r->rows_are_cells = d->n_rows == r->np * r->nu;
    for (size_t row = 0; row < d->n_rows && r->rows_are_cells; row++)
        r->rows_are_cells = pmap[d->row_period[row]] * r->nu + d->row_unit[row] == row;
    if (r->rows_are_cells)
        goto mapped;
    cell_row = pa_malloc(r->np * r->nu * sizeof *cell_row);
    if (!cell_row) {
        st = pa_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < r->np * r->nu; i++)
        cell_row[i] = PA_NONE;
    for (size_t row = 0; row < d->n_rows; row++) {
        size_t c = pmap[d->row_period[row]] * r->nu + d->row_unit[row];
        if (cell_row[c] != PA_NONE) {
            size_t first = cell_row[c];
            st = pa_fail(err, PA_ERR_DATA, pa_data_row_file(d, row), pa_data_row_line(d, row), 0,
                         "unit '%s' has a second row for period '%s' (first at %s:%ld)",
                         d->units.keys[d->row_unit[row]], d->periods.keys[d->row_period[row]],
                         pa_data_row_file(d, first), pa_data_row_line(d, first));
            goto out;
        }
        cell_row[c] = row;
    }
    r->cell_row = cell_row;
mapped:
    /* the raw values stay in the data set's columns, which the result now holds too */
    for (size_t k = 0; k < m->n_indicators + m->n_penalties; k++) {
        const char *col = k < m->n_indicators /* indicators come first */
                              ? pa_node_column(&m->nodes[m->order[k]])
                              : pa_penalty_column(&m->penalties[k - m->n_indicators]);
        r->vcol[k] = d->cols[pa_data_col(d, col)];
        pa_col_ref(r->vcol[k]);
    }
    if (own)
        drop_columns(m, own, 0);
    if (kept && (st = kept->prepare(kept->ctx, m, r, err)) != PA_OK)
        goto out;
    st = pa_step_denominate(m, d, r, err);
    if (own)
        drop_columns(m, own, 1);
    if (st != PA_OK || (st = pa_step_impute(m, d, r, err)) != PA_OK ||
        (st = keep_rates(r, err)) != PA_OK ||
        (st = pa_step_screen(m, r, err)) != PA_OK ||
        (st = pa_step_treat(m, r, err)) != PA_OK ||
        (st = pa_step_transform(m, r, err)) != PA_OK ||
        (kept && (st = kept->prenorm(kept->ctx, m, r, err)) != PA_OK) ||
        (!prenorm && ((st = pa_step_normalise(m, r, err)) != PA_OK ||
                      (st = pa_step_penalty(m, d, r, err)) != PA_OK ||
                      (st = aggregate_and_check(m, r, err)) != PA_OK))) {
        /* a unit the model cannot score: point at the data row it came from */
        if (r->fail_unit != PA_NONE && err && !err->file[0]) {
            size_t row = pa_cell_row(r, r->fail_period * r->nu + r->fail_unit);
            if (row != PA_NONE) {
                snprintf(err->file, sizeof err->file, "%s", pa_data_row_file(d, row));
                err->line = pa_data_row_line(d, row);
                err->column = 0;
            }
        }
        goto out;
    }
out:
    pa_data_free(rolled);
    pa_free(pmap);
    if (!r || r->cell_row != cell_row)
        pa_free(cell_row);
    if (st != PA_OK) {
        pa_result_free(r);
        return st;
    }
    *out = r;
    return PA_OK;
}

/* compute() with one pool of threads for all its steps and nodes. */
static pa_status
compute_pooled(pa_result **out, const pa_model *m, const pa_data *d, pa_data *own,
               const char *const *nodes, size_t n_nodes, int prenorm, pa_error *err)
{
    pa_pool *pool;
    pa_status st = pa_pool_new(&pool, err);
    if (st != PA_OK)
        return st;
    pa_pool *old = pa_pool_use(pool);
    st = compute(out, m, d, own, nodes, n_nodes, prenorm, NULL, err);
    pa_pool_use(old);
    pa_pool_free(pool);
    return st;
}

pa_status
pa_compute(pa_result **out, const pa_model *m, const pa_data *d, pa_error *err)
{
    return compute_pooled(out, m, d, NULL, NULL, 0, 0, err);
}

pa_status
pa_compute_nodes(pa_result **out, const pa_model *m, pa_data *d, const char *const *nodes,
                 size_t n_nodes, pa_error *err)
{
    pa_status st = compute_pooled(out, m, d, d, nodes, n_nodes, 0, err);
    pa_data_free(d);
    return st;
}

/* The steps before normalisation only: the indicators' scores are the values as they enter it
 * (statistics, stats.c); groups have none. */
pa_status
pa_compute_until_normalise(pa_result **out, const pa_model *m, const pa_data *d, pa_error *err)
{
    return compute_pooled(out, m, d, NULL, NULL, 0, 1, err);
}

/* pa_compute on the pool in use (pa_pool_use) with the stages an engine kept (engine.c). */
pa_status
pa_compute_kept(pa_result **out, const pa_model *m, const pa_data *d, const pa_stages *kept,
                pa_error *err)
{
    return compute(out, m, d, NULL, NULL, 0, 0, kept, err);
}
