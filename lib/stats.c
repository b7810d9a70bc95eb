/* SPDX-License-Identifier: MIT */
/* Statistics of the values as they enter normalisation: per indicator (COINr get_stats),
 * correlations (get_corr, get_corr_flags), Cronbach's alpha (get_cronbach) and PCA per group
 * (get_PCA). */
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "stats.h"

/* COINr get_stats' default thresholds, and get_corr_flags'. */
#define T_AVAIL 0.65
#define T_ZERO 0.5
#define T_UNIQUE 0.5
#define T_SKEW 2.0
#define T_KURT 3.5
#define T_REDUNDANT 0.9

/* The cells counted: (period, unit) with a data row, not screened out, not a reference unit. */
static size_t *
pick_cells(const pa_result *r, size_t p, int panel, size_t *n)
{
    size_t cells = r->np * r->nu;
    size_t *cell = pa_malloc((cells ? cells : 1) * sizeof *cell);
    *n = 0;
    for (size_t q = panel ? 0 : p; cell && q < (panel ? r->np : p + 1); q++)
        for (size_t u = 0; u < r->nu; u++) {
            size_t c = q * r->nu + u;
            if (pa_cell_row(r, c) != PA_NONE && !r->reference[u] &&
                !(r->flags[PA_CELL(r, 0, q, u)] & PA_CELL_SCREENED))
                cell[(*n)++] = c;
        }
    return cell;
}

/* Node n's scores over the cells, into x. */
static void
gather(const pa_result *r, size_t n, const size_t *cell, size_t nc, double *x)
{
    for (size_t i = 0; i < nc; i++)
        x[i] = r->score[n][cell[i]];
}

/* Distinct values and the largest run of equal ones, of sorted v[0..m). */
static void
runs(const double *v, size_t m, size_t *unique, size_t *same)
{
    *unique = *same = 0;
    for (size_t i = 0, run = 0; i < m; i++) {
        run = i && v[i] == v[i - 1] ? run + 1 : 1;
        *unique += run == 1;
        if (run > *same)
            *same = run;
    }
}

/* One indicator's statistics from its values x[0..n) (NaN: missing) and their order; buf has
 * room for n. */
static unsigned
indicator_stats(const double *x, size_t n, const pa_col_order *o, double *buf, double *s)
{
    size_t m = o->m, nz = 0, nu, ns;
    for (size_t t = 0; t < m; t++) {
        buf[t] = x[o->idx[t]]; /* ascending */
        nz += buf[t] != 0;
    }
    for (int k = 0; k < PA_N_STAT; k++)
        s[k] = NAN;
    if (m) {
        s[PA_STAT_SKEW] = pa_skew(buf, m);
        s[PA_STAT_KURT] = pa_kurt(buf, m);
        s[PA_STAT_MEAN] = gsl_stats_mean(buf, 1, m);
        s[PA_STAT_SD] = m > 1 ? gsl_stats_sd(buf, 1, m) : NAN;
        s[PA_STAT_MIN] = buf[0];
        s[PA_STAT_MAX] = buf[m - 1];
        s[PA_STAT_MEDIAN] = gsl_stats_median_from_sorted_data(buf, 1, m);
    }
    runs(buf, m, &nu, &ns);
    double dm = (double)m, dn = (double)n;
    s[PA_STAT_N_AVAIL] = dm;
    s[PA_STAT_N_NONZERO] = (double)nz;
    s[PA_STAT_N_UNIQUE] = (double)nu;
    s[PA_STAT_N_SAME] = (double)ns;
    s[PA_STAT_FRAC_AVAIL] = n ? dm / dn : NAN;
    s[PA_STAT_FRAC_NONZERO] = m ? (double)nz / dm : NAN;
    s[PA_STAT_FRAC_UNIQUE] = m ? (double)nu / dm : NAN;
    s[PA_STAT_FRAC_SAME] = m ? (double)ns / dm : NAN;
    /* as COINr: the zero and unique flags divide by every unit, not those present */
    return (dm < T_AVAIL * dn ? PA_STATS_LOW_AVAIL : 0) |
           ((double)nz < T_ZERO * dn ? PA_STATS_LOW_NONZERO : 0) |
           ((double)nu < T_UNIQUE * dn ? PA_STATS_LOW_UNIQUE : 0) |
           (fabs(s[PA_STAT_SKEW]) > T_SKEW && s[PA_STAT_KURT] > T_KURT ? PA_STATS_SKEW_KURT : 0);
}

/* Cronbach's alpha as COINr's get_cronbach: pairwise covariances, missing ones left out of the
 * sums. x holds the group's k columns of n values. */
static double
cronbach(const double *const *x, size_t k, size_t n, double *work)
{
    double all = 0, diag = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            size_t m = 0;
            for (size_t u = 0; u < n; u++)
                if (!isnan(x[i][u]) && !isnan(x[j][u])) {
                    work[m] = x[i][u];
                    work[n + m++] = x[j][u];
                }
            double cv = m > 1 ? gsl_stats_covariance(work, 1, work + n, 1, m) : NAN;
            all += isnan(cv) ? 0 : cv;
            diag += i == j && !isnan(cv) ? cv : 0;
        }
    double dk = (double)k, alpha = dk * dk * ((all - diag) / (dk * (dk - 1))) / all;
    return k > 1 && isfinite(alpha) ? alpha : NAN;
}

void
pa_stats_free(pa_stats *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ni && s->codes && s->groups; i++) {
        pa_free(s->codes[i]);
        pa_free(s->groups[i]);
    }
    for (size_t k = 0; k < s->n_par && s->par_node; k++) {
        pa_free(s->par_node[k]);
        pa_free(s->par_parent[k]);
    }
    for (size_t g = 0; g < s->ng && s->grp; g++) {
        pa_free(s->grp[g].code);
        pa_free(s->grp[g].member);
        pa_free(s->grp[g].share);
        pa_free(s->grp[g].loading);
    }
    for (int h = 0; h < 2; h++) {
        pa_free(s->corr[h]);
        pa_free(s->par_corr[h]);
    }
    pa_free(s->period);
    pa_free(s->codes);
    pa_free(s->groups);
    pa_free(s->direction);
    pa_free(s->ind);
    pa_free(s->flags);
    pa_free(s->par_node);
    pa_free(s->par_parent);
    pa_free(s->grp);
    pa_free(s);
}

/* The columns of the statistics: the values of every indicator over the cells. */
typedef struct columns {
    size_t n;                   /* cells */
    double **x;                 /* [indicator][n] */
    pa_col_order *order;          /* [indicator]: its present cells by value */
    double *work;               /* 4n */
} columns;

static pa_status
indicator_part(pa_stats *s, const pa_model *m, const pa_result *r, const columns *c,
               pa_error *err)
{
    size_t ni = r->n_ind;
    s->codes = pa_calloc(ni ? ni : 1, sizeof *s->codes);
    s->groups = pa_calloc(ni ? ni : 1, sizeof *s->groups);
    s->ni = s->codes && s->groups ? ni : 0; /* what pa_stats_free goes through */
    s->direction = pa_calloc(s->ni ? s->ni : 1, sizeof *s->direction);
    s->ind = pa_calloc(s->ni ? s->ni : 1, sizeof *s->ind);
    s->flags = pa_calloc(s->ni ? s->ni : 1, sizeof *s->flags);
    if (!s->codes || !s->groups || !s->direction || !s->ind || !s->flags)
        return pa_nomem(err);
    for (size_t i = 0; i < s->ni; i++) {
        const pa_node *nd = &m->nodes[m->order[i]]; /* indicators come first */
        s->codes[i] = pa_strdup(nd->code);
        s->groups[i] = pa_strdup(m->nodes[nd->parent].code);
        if (!s->codes[i] || !s->groups[i])
            return pa_nomem(err);
        s->direction[i] = nd->direction;
        s->flags[i] = indicator_stats(c->x[i], c->n, &c->order[i], c->work, s->ind[i]);
    }
    return PA_OK;
}

static pa_status
corr_part(pa_stats *s, const columns *c, pa_error *err)
{
    size_t nn = s->ni * s->ni;
    for (int h = 0; h < 2; h++) {
        if (!(s->corr[h] = pa_malloc((nn ? nn : 1) * sizeof(double))))
            return pa_nomem(err);
        for (size_t i = 0; i < s->ni; i++) {
            double sd = s->ind[i][PA_STAT_SD];
            s->corr[h][i * s->ni + i] = sd > 0 ? 1 : NAN;
            for (size_t j = 0; j < i; j++)
                s->corr[h][i * s->ni + j] = s->corr[h][j * s->ni + i] =
                    h ? pa_spearman(&c->order[i], &c->order[j], c->x[i], c->x[j], c->n, c->work)
                      : pa_pearson(c->x[i], c->x[j], c->n, c->work);
        }
    }
    return PA_OK;
}

/* Node n against its parent p over the cells: Pearson and Spearman into r[2]. buf: 6 nc. */
static pa_status
node_parent(const pa_result *full, size_t n, size_t p, const size_t *cell, size_t nc,
            double *buf, double r[2], pa_error *err)
{
    double *x = buf, *y = buf + nc;
    pa_col_order ox = { 0 }, oy = { 0 };
    gather(full, n, cell, nc, x);
    gather(full, p, cell, nc, y);
    pa_status st = pa_order(x, nc, &ox, err);
    if (st == PA_OK)
        st = pa_order(y, nc, &oy, err);
    if (st == PA_OK) {
        r[0] = pa_pearson(x, y, nc, buf + 2 * nc);
        r[1] = pa_spearman(&ox, &oy, x, y, nc, buf + 2 * nc);
    }
    pa_free(ox.idx);
    pa_free(oy.idx);
    return st;
}

/* Each node below the top against its parent, on the scores of the whole pipeline. */
static pa_status
parent_part(pa_stats *s, const pa_result *full, const size_t *cell, size_t nc, pa_error *err)
{
    size_t nn = full->n_model_nodes;
    double *buf = pa_malloc(6 * (nc ? nc : 1) * sizeof *buf);
    s->par_node = pa_calloc(nn, sizeof *s->par_node);
    s->par_parent = pa_calloc(nn, sizeof *s->par_parent);
    s->par_corr[0] = pa_calloc(nn, sizeof(double));
    s->par_corr[1] = pa_calloc(nn, sizeof(double));
    pa_status st = PA_OK;
    if (!buf || !s->par_node || !s->par_parent || !s->par_corr[0] || !s->par_corr[1])
        st = pa_nomem(err);
    for (size_t n = 0; n < nn && st == PA_OK; n++) {
        size_t p = full->node_parent[n], k = s->n_par;
        if (p == PA_NONE)
            continue;
        s->par_node[k] = pa_strdup(full->node_codes[n]);
        s->par_parent[k] = pa_strdup(full->node_codes[p]);
        s->n_par++;
        double r[2];
        if (!s->par_node[k] || !s->par_parent[k])
            st = pa_nomem(err);
        else if ((st = node_parent(full, n, p, cell, nc, buf, r, err)) == PA_OK)
            s->par_corr[0][k] = r[0], s->par_corr[1][k] = r[1];
    }
    pa_free(buf);
    return st;
}

/* Rows of the group where every indicator is present, row-major, into rows; their number. */
static size_t
complete_rows(const pa_stats_group *g, const columns *c, double *rows)
{
    size_t m = 0;
    for (size_t u = 0; u < c->n; u++) {
        int all = 1;
        for (size_t i = 0; i < g->n && all; i++)
            all = !isnan(c->x[g->member[i]][u]);
        for (size_t i = 0; i < g->n && all; i++)
            rows[m * g->n + i] = c->x[g->member[i]][u];
        m += all;
    }
    return m;
}

static pa_status
one_group(pa_stats_group *g, const columns *c, pa_error *err)
{
    size_t k = g->n;
    const double **x = pa_malloc(k * sizeof *x);
    double *rows = pa_malloc((c->n ? c->n : 1) * k * sizeof *rows);
    g->share = pa_malloc(k * sizeof *g->share);
    g->loading = pa_malloc(k * sizeof *g->loading);
    pa_status st = PA_OK;
    if (!x || !rows || !g->share || !g->loading) {
        st = pa_nomem(err);
        goto out;
    }
    for (size_t i = 0; i < k; i++)
        x[i] = c->x[g->member[i]];
    g->alpha = cronbach(x, k, c->n, c->work);
    g->complete = complete_rows(g, c, rows);
    if ((st = pa_pca(rows, g->complete, k, g->share, g->loading, err)) == PA_ERR_COMPUTE) {
        st = PA_OK; /* undefined here, which the statistics say by NaN */
        for (size_t i = 0; i < k; i++)
            g->share[i] = g->loading[i] = NAN;
    }
out:
    pa_free(x);
    pa_free(rows);
    return st;
}

/* Groups whose children are all indicators. */
static pa_status
group_part(pa_stats *s, const pa_model *m, const columns *c, pa_error *err)
{
    if (!(s->grp = pa_calloc(m->n_nodes, sizeof *s->grp)))
        return pa_nomem(err);
    for (size_t k = m->n_indicators; k < m->n_nodes; k++) {
        const pa_node *nd = &m->nodes[m->order[k]];
        int leaves = nd->n_children > 0;
        for (size_t ch = 0; ch < nd->n_children && leaves; ch++)
            leaves = m->nodes[nd->children[ch]].is_indicator;
        if (!leaves)
            continue;
        pa_stats_group *g = &s->grp[s->ng++];
        g->n = nd->n_children;
        g->code = pa_strdup(nd->code);
        if (!g->code || !(g->member = pa_malloc(g->n * sizeof *g->member)))
            return pa_nomem(err);
        for (size_t ch = 0; ch < g->n; ch++)
            g->member[ch] = m->pos[nd->children[ch]];
        pa_status st = one_group(g, c, err);
        if (st != PA_OK)
            return st;
    }
    return PA_OK;
}

static pa_status
fill(pa_stats *s, const pa_model *m, const pa_result *r, const size_t *cell, columns *c,
     pa_error *err)
{
    c->x = pa_calloc(r->n_ind ? r->n_ind : 1, sizeof *c->x);
    c->order = pa_calloc(r->n_ind ? r->n_ind : 1, sizeof *c->order);
    c->work = pa_malloc(4 * (c->n ? c->n : 1) * sizeof *c->work);
    if (!c->x || !c->order || !c->work)
        return pa_nomem(err);
    pa_status st = PA_OK;
    for (size_t i = 0; i < r->n_ind && st == PA_OK; i++) {
        if (!(c->x[i] = pa_malloc((c->n ? c->n : 1) * sizeof **c->x)))
            return pa_nomem(err);
        gather(r, i, cell, c->n, c->x[i]);
        st = pa_order(c->x[i], c->n, &c->order[i], err);
    }
    if (st == PA_OK)
        st = indicator_part(s, m, r, c, err);
    if (st == PA_OK)
        st = corr_part(s, c, err);
    if (st == PA_OK)
        st = group_part(s, m, c, err);
    return st;
}

/* The period reported: `period`, else the latest. */
static pa_status
find_period(const pa_result *r, const char *period, size_t *p, pa_error *err)
{
    *p = period ? pa_result_period_find(r, period) : r->np - 1;
    if (*p == PA_NONE)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no period '%s' in the data", period);
    return PA_OK;
}

/* The whole pipeline for the correlations of nodes with their parents, done first: the
 * statistics of the values entering normalisation are computed once it is freed. */
static pa_status
first_full(pa_stats *s, const pa_model *m, const pa_data *d, const char *period,
           size_t **cell, pa_error *err)
{
    pa_result *full = NULL;
    size_t p;
    pa_status st = pa_compute(&full, m, d, err);
    if (st == PA_OK)
        st = find_period(full, period, &p, err);
    if (st == PA_OK && !(s->period = pa_strdup(full->periods[p])))
        st = pa_nomem(err);
    s->panel = m->nodes[m->top].eff.scope == PA_SCOPE_PANEL;
    if (st == PA_OK && !(*cell = pick_cells(full, p, s->panel, &s->n_units)))
        st = pa_nomem(err);
    if (st == PA_OK)
        st = parent_part(s, full, *cell, s->n_units, err);
    pa_result_free(full);
    return st;
}

pa_status
pa_stats_compute(pa_stats **out, const pa_model *m, const pa_data *d, const char *period,
                 pa_error *err)
{
    if (!out || !m || !d)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_result *r = NULL;
    pa_stats *s = pa_calloc(1, sizeof *s);
    size_t *cell = NULL;
    columns c = { 0 };
    pa_status st = s ? first_full(s, m, d, period, &cell, err) : pa_nomem(err);
    if (st == PA_OK)
        st = pa_compute_until_normalise(&r, m, d, err);
    if (st == PA_OK) { /* the same units and periods, so the same cells */
        c.n = s->n_units;
        st = fill(s, m, r, cell, &c, err);
    }
    for (size_t i = 0; c.x && i < r->n_ind; i++)
        pa_free(c.x[i]);
    for (size_t i = 0; c.order && i < r->n_ind; i++)
        pa_free(c.order[i].idx);
    pa_free(c.x);
    pa_free(c.order);
    pa_free(c.work);
    pa_free(cell);
    pa_result_free(r);
    if (st != PA_OK) {
        pa_stats_free(s);
        return st;
    }
    *out = s;
    return PA_OK;
}

/* ---- accessors ---- */

const char *
pa_stats_period(const pa_stats *s)
{
    return s ? s->period : NULL;
}

size_t
pa_stats_unit_count(const pa_stats *s)
{
    return s ? s->n_units : 0;
}

size_t
pa_stats_indicator_count(const pa_stats *s)
{
    return s ? s->ni : 0;
}

const char *
pa_stats_indicator_code(const pa_stats *s, size_t i)
{
    return s && i < s->ni ? s->codes[i] : NULL;
}

const char *
pa_stats_indicator_group(const pa_stats *s, size_t i)
{
    return s && i < s->ni ? s->groups[i] : NULL;
}

double
pa_stats_indicator(const pa_stats *s, size_t i, pa_stat what)
{
    return s && i < s->ni && (unsigned)what < PA_N_STAT ? s->ind[i][what] : NAN;
}

unsigned
pa_stats_indicator_flags(const pa_stats *s, size_t i)
{
    return s && i < s->ni ? s->flags[i] : 0;
}

int
pa_stats_indicator_direction(const pa_stats *s, size_t i)
{
    return s && i < s->ni ? s->direction[i] : 0;
}

double
pa_stats_corr(const pa_stats *s, pa_corr_method how, size_t i, size_t j)
{
    if (!s || (unsigned)how > PA_CORR_SPEARMAN || i >= s->ni || j >= s->ni)
        return NAN;
    return s->corr[how][i * s->ni + j];
}

int
pa_stats_corr_flag(const pa_stats *s, pa_corr_method how, size_t i, size_t j)
{
    if (!s || i == j || i >= s->ni || j >= s->ni || strcmp(s->groups[i], s->groups[j]) != 0)
        return 0;
    double v = pa_stats_corr(s, how, i, j) * s->direction[i] * s->direction[j];
    return v > T_REDUNDANT ? 1 : v < 0 ? -1 : 0;
}

size_t
pa_stats_parent_count(const pa_stats *s)
{
    return s ? s->n_par : 0;
}

double
pa_stats_parent_corr(const pa_stats *s, pa_corr_method how, size_t k, const char **node,
                     const char **parent)
{
    int ok = s && k < s->n_par && (unsigned)how <= PA_CORR_SPEARMAN;
    if (node)
        *node = ok ? s->par_node[k] : NULL;
    if (parent)
        *parent = ok ? s->par_parent[k] : NULL;
    return ok ? s->par_corr[how][k] : NAN;
}

size_t
pa_stats_group_count(const pa_stats *s)
{
    return s ? s->ng : 0;
}

const char *
pa_stats_group_code(const pa_stats *s, size_t g)
{
    return s && g < s->ng ? s->grp[g].code : NULL;
}

size_t
pa_stats_group_size(const pa_stats *s, size_t g)
{
    return s && g < s->ng ? s->grp[g].n : 0;
}

size_t
pa_stats_group_member(const pa_stats *s, size_t g, size_t c)
{
    return s && g < s->ng && c < s->grp[g].n ? s->grp[g].member[c] : PA_NONE;
}

double
pa_stats_group_alpha(const pa_stats *s, size_t g)
{
    return s && g < s->ng ? s->grp[g].alpha : NAN;
}

size_t
pa_stats_group_complete(const pa_stats *s, size_t g)
{
    return s && g < s->ng ? s->grp[g].complete : 0;
}

double
pa_stats_group_share(const pa_stats *s, size_t g, size_t c)
{
    return s && g < s->ng && c < s->grp[g].n ? s->grp[g].share[c] : NAN;
}

double
pa_stats_group_loading(const pa_stats *s, size_t g, size_t c)
{
    return s && g < s->ng && c < s->grp[g].n ? s->grp[g].loading[c] : NAN;
}
