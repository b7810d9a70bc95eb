/* SPDX-License-Identifier: MIT */
/* The result: storage of every stage's scores, and reading it (store.c, result.c). */
#ifndef PA_RESULT_H
#define PA_RESULT_H

#include "dataset.h"
#include "pool.h"

/* ---- result ---- */
struct pa_result {
    size_t nu, np, nn;
    char **unit_codes, **unit_names, **periods;
    char *unit_text;            /* the unit codes and names, one block */
    char **node_codes, **node_labels, **node_units;
    int *node_level;
    size_t *node_parent;
    double *node_weight;        /* share among siblings (weights rescaled to sum to 1) */
    unsigned char *reference;   /* by unit: scored but not ranked */
    double **vcol;              /* [indicator or penalty]: the data column of its raw values */
    size_t *cell_row;           /* [period][unit]: data row of the cell, PA_NONE for none;
                                 * NULL when rows_are_cells (read it with pa_cell_row) */
    int rows_are_cells;         /* row i is cell i for every cell (a complete panel listed
                                 * period by period, units in the same order each time) */
    double **rate;              /* [indicator] → [period][unit]: the rates scored (after
                                 * denomination and imputation); NULL when not held, or when
                                 * rate_raw says they are the raw values */
    unsigned char *rate_raw;    /* [indicator]: its rates are its raw values (none kept) */
    double **score;             /* [node] → [period][unit], a column (pa_col_*); NULL: not
                                 * computed yet, or not held (pa_compute_nodes) */
    int32_t **rank;             /* by node, computed on first use (pa_rank_node) */
    unsigned char *keep;        /* by node: held after computing (pa_compute_nodes); NULL: all */
    double *spare[8];           /* scores let go during aggregation, for the next node */
    size_t n_spare;
    pthread_mutex_t rank_lock;
    size_t *base;               /* by period: the first period of its base, PA_NONE for none */
    size_t base_k;              /* periods averaged into every base (1: one period) */
    pa_compare compare;         /* how the bases were chosen (pa_result_set_compare) */
    const char **base_label;    /* by period: pa_result_base_label, into periods or base_text */
    char *base_text;            /* the labels of mean bases, one block */
    pa_band *bands; size_t n_bands;
    unsigned char *flags;       /* [node][period][unit], PA_CELL_* */
    unsigned char *present;     /* [node][period]: some unit has a score (model nodes) */
    unsigned char *node_penalty;/* by node: 1 for penalty rows */
    double *coverage;           /* [period][unit]: share of indicators present */
    size_t n_model_nodes;
    size_t n_ind;               /* indicators: result nodes 0 .. n_ind-1 */
    size_t fail_unit, fail_period;  /* where a step failed, for the message's FILE:LINE */
    const unsigned char *todo;  /* by indicator: the steps run for it (NULL: for all); the
                                 * others come from an engine's stages (engine.c) */
    struct pa_unit_tree *tree;  /* the units' levels and parents (units.c); NULL: flat */
    const unsigned char *kept;  /* by node: its scores, flags and present periods come from
                                 * an engine's stages, not aggregation or checks (NULL: none) */
    const unsigned char *screened; /* [period][unit]: the cells screening screened, kept by
                                 * an engine (NULL: screening computes them) */
};
/* Whether the steps run for indicator k. */
static inline int
pa_todo(const pa_result *r, size_t k)
{
    return !r->todo || r->todo[k];
}
/* Whether node n's scores come from an engine's stages. */
static inline int
pa_kept(const pa_result *r, size_t n)
{
    return r->kept && r->kept[n];
}
/* pa_parallel_for over the indicators 0..n-1 the steps run for (see todo). */
pa_status pa_indicator_for(const pa_result *r, size_t n, pa_task_fn fn, void *ctx,
                           pa_error *err);
#define PA_CELL(r, n, p, u) (((n) * (r)->np + (p)) * (r)->nu + (u))
#define PA_SCORE(r, n, p, u) ((r)->score[n][(p) * (r)->nu + (u)])
/* Whether a node's scores are there to read (pa_compute_nodes keeps only the nodes asked for). */
static inline int
pa_held(const pa_result *r, size_t n)
{
    return r->score[n] != NULL;
}
/* Names, hierarchy and bands copied into a new result, so that it outlives model and data;
 * pmap gets each data period's place in time order (store.c). */
pa_status pa_result_frame(pa_result *r, const pa_model *m, const pa_data *d, size_t *pmap,
                          pa_error *err);
/* The scores kept for reuse during aggregation go (at its end, or with a failed result). */
void pa_free_spares(pa_result *r);
/* Room for a node's scores, before the step that computes them writes any. */
pa_status pa_node_alloc(pa_result *r, size_t n, pa_error *err);
/* The same during aggregation (main thread only): the scores of a node let go before, if any. */
pa_status pa_node_alloc_spare(pa_result *r, size_t n, pa_error *err);
/* pa_compute_nodes: the raw values of an indicator or penalty row go once its scores are
 * computed, unless the node is held. */
void pa_release_values(pa_result *r, size_t n);
/* Raw values exist for indicators (the first nodes) and penalty rows (the last) only. */
static inline size_t
pa_value_node(const pa_result *r, size_t n)
{
    return n < r->n_ind ? n : n >= r->n_model_nodes ? r->n_ind + (n - r->n_model_nodes) : PA_NONE;
}
/* The data row of a cell ([period][unit]), PA_NONE for none. */
static inline size_t
pa_cell_row(const pa_result *r, size_t cell)
{
    return r->cell_row ? r->cell_row[cell] : cell;
}
/* Raw value of a value node (see pa_value_node) in a cell; NaN when the cell has no row. */
static inline double
pa_cell_value(const pa_result *r, size_t vn, size_t p, size_t u)
{
    size_t row = pa_cell_row(r, p * r->nu + u);
    return row == PA_NONE ? (double)NAN : r->vcol[vn][row];
}

/* The base of a cell: its value or score in the base period, or their mean over the base_k
 * periods from r->base[p] on; NaN when there is no base or any of them is missing. */
static inline double
pa_base_value(const pa_result *r, size_t vn, size_t p, size_t u)
{
    size_t b = r->base[p];
    double s = 0;
    for (size_t i = 0; b != PA_NONE && vn != PA_NONE && i < r->base_k; i++)
        s += pa_cell_value(r, vn, b + i, u);
    return b == PA_NONE || vn == PA_NONE ? (double)NAN : s / (double)r->base_k;
}

static inline double
pa_base_score(const pa_result *r, size_t n, size_t p, size_t u)
{
    size_t b = r->base[p];
    double s = 0;
    for (size_t i = 0; b != PA_NONE && i < r->base_k; i++)
        s += PA_SCORE(r, n, b + i, u);
    return b == PA_NONE ? (double)NAN : s / (double)r->base_k;
}

/* The rate scored of a node in a cell (see pa_result_rate); NaN for groups and penalty rows. */
static inline double
pa_cell_rate(const pa_result *r, size_t n, size_t p, size_t u)
{
    if (n >= r->n_ind)
        return NAN;
    if (r->rate[n])
        return r->rate[n][p * r->nu + u];
    return r->rate_raw[n] ? pa_cell_value(r, n, p, u) : (double)NAN;
}

/* Changes: undefined (NaN) when either side is missing, and when the change is beyond the
 * range of doubles (5e-324 → 1 is +2e325 %), so that no infinity reaches an output. */
static inline double
pa_finite_or_nan(double x)
{
    return isfinite(x) ? x : NAN;
}

static inline double
pa_diff(double now, double then)
{
    return pa_finite_or_nan(now - then);
}

/* Percent change; also undefined when the base is 0. */
static inline double
pa_pct(double now, double then)
{
    if (isnan(now) || isnan(then) || then == 0)
        return NAN;
    return pa_finite_or_nan((now - then) / fabs(then) * 100.0);
}

#endif
