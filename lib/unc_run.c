/* SPDX-License-Identifier: MIT */
/* pa_uncertainty_run and pa_sensitivity_run: every draw's inputs made first from the seed, the
 * draws scored on the machine's threads (one engine each), and per draw only the ranks and
 * scores of the node and period reported kept — never a draw's result. Where those would
 * pass a bound, a window of draws is fed in draw order to estimates per unit instead. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "uncertainty.h"

struct pa_uncertainty {
    size_t runs, failed;
    int sobol, saltelli;
    char *node, *period;
    size_t nu;
    char **unit_code, **unit_name;
    double *stat;               /* [unit][8] */
    size_t n_in;
    char (*in_name)[48];
    double *ix;                 /* [input][6] */
    double t_setup, t_compute;
    int estimated;              /* percentiles estimated (unc_stream), not exact */
};

/* Exact storage up to this many bytes (N × units × 12), and counted ranks up to this many
 * units (pa__unc_set_bounds). */
static size_t exact_bound = (size_t)64 << 20, hist_bound = 1024;

void
pa__unc_set_bounds(size_t exact_bytes, size_t hist_units)
{
    exact_bound = exact_bytes ? exact_bytes : (size_t)64 << 20;
    hist_bound = hist_units ? hist_units : 1024;
}

/* Per unit, what a draw's rank and score add to, in draw order: the rank's sum and count (the
 * mean is exact), its counts per rank (exact percentiles) or P² estimates of its 5, 50 and 95 %
 * points, and P² estimates of the score's 5 and 95 % points. */
typedef struct unc_stream {
    size_t hist_k;              /* ranks 1..hist_k counted; 0: P² */
    uint32_t *hist;             /* [unit][hist_k] */
    pa_p2 *p2;                  /* [unit][5]: rank 5, 50, 95 %, score 5, 95 % */
    double *sum;
    size_t *cnt;
} unc_stream;

static const double stream_p[5] = { 0.05, 0.5, 0.95, 0.05, 0.95 };

/* A run's draws: rows of points (Saltelli: A, B, then A with input j from B, as COINr's
 * SA_sample), what each keeps, and the first error. */
typedef struct unc_job {
    const pa_unc_design *dz;
    const pa_model *m;
    const pa_data *d;
    const double *pts;          /* [n][dim] (Saltelli: [n][2·dim], A then B) */
    size_t n, n_rows, n_keep, nu, period;
    int saltelli;
    const char *node;
    const double *nom_rank;     /* [nu], NaN: not ranked */
    float *rank;                /* [win][nu], NaN: not ranked */
    double *score;              /* [win][nu] */
    size_t win;                 /* rows of rank and score: n_keep, or a window (stream) */
    unc_stream *stream;         /* NULL: every kept row stored */
    unsigned char *done;        /* [win]: the row in the slot is scored (stream) */
    size_t fed;                 /* rows fed to the stream, in order */
    int feeding;
    pthread_cond_t moved;       /* the window moved, or an error stops the run */
    unsigned char *ok;          /* [n_rows] */
    double *y;                  /* [n_rows]: mean absolute rank shift (Saltelli) */
    pthread_mutex_t lock;
    size_t next, err_row, fail_row;
    pa_status st;
    pa_error err, fail;         /* the first error, and the first failed draw's */
    double t_setup, t_compute;
} unc_job;

/* The point of row r. */
static void
row_point(const unc_job *j, size_t r, double *x)
{
    size_t dim = j->dz->dim;
    if (!j->saltelli) {
        memcpy(x, j->pts + r * dim, dim * sizeof *x);
        return;
    }
    size_t i = r < 2 * j->n ? r % j->n : (r - 2 * j->n) % j->n;
    const double *a = j->pts + i * 2 * dim, *b = a + dim;
    memcpy(x, r >= j->n && r < 2 * j->n ? b : a, dim * sizeof *x);
    if (r >= 2 * j->n) {
        const pa_unc_input *in = &j->dz->in[(r - 2 * j->n) / j->n];
        memcpy(x + in->off, b + in->off, in->dim * sizeof *x);
    }
}

/* What row r keeps of its result. */
static pa_status
keep_row(unc_job *j, size_t r, const pa_result *res, pa_error *err)
{
    size_t node = pa_result_node_find(res, j->node);
    if (node == (size_t)-1)
        return pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0, "node '%s' is left out", j->node);
    pa_status st = pa_rank_node(res, node, err); /* pa_result_rank would say 0 for no memory */
    if (st != PA_OK)
        return st;
    double shift = 0;
    size_t m = 0, at = (j->stream ? r % j->win : r) * j->nu;
    for (size_t u = 0; u < j->nu; u++) {
        long rk = pa_result_rank(res, u, j->period, node);
        if (r < j->n_keep) {
            j->rank[at + u] = rk > 0 ? (float)rk : NAN;
            j->score[at + u] = pa_result_score(res, u, j->period, node);
        }
        if (rk > 0 && !isnan(j->nom_rank[u]))
            shift += fabs((double)rk - j->nom_rank[u]), m++;
    }
    if (j->y)
        j->y[r] = m ? shift / (double)m : NAN;
    return PA_OK;
}

static void
job_error(unc_job *j, size_t r, pa_status st, const pa_error *e)
{
    pthread_mutex_lock(&j->lock);
    if (r < j->err_row)
        j->err_row = r, j->st = st, j->err = *e;
    pthread_cond_broadcast(&j->moved);
    pthread_mutex_unlock(&j->lock);
}

/* Row r's rank and score into the unit's estimates. */
static void
feed_row(unc_job *j, size_t r)
{
    unc_stream *s = j->stream;
    if (!j->ok[r])
        return;
    const float *rank = j->rank + (r % j->win) * j->nu;
    const double *score = j->score + (r % j->win) * j->nu;
    for (size_t u = 0; u < j->nu; u++) {
        pa_p2 *p2 = s->p2 + 5 * u;
        if (!isnan(rank[u])) {
            s->sum[u] += rank[u], s->cnt[u]++;
            if (s->hist_k)
                s->hist[u * s->hist_k + (size_t)rank[u] - 1]++;
            for (int k = 0; !s->hist_k && k < 3; k++)
                pa_p2_add(&p2[k], stream_p[k], rank[u]);
        }
        for (int k = 3; !isnan(score[u]) && k < 5; k++)
            pa_p2_add(&p2[k], stream_p[k], score[u]);
    }
}

/* Row r is scored: with a stream, the rows scored from the first not fed on are fed, in order,
 * by one thread at a time, and their slots freed. */
static void
row_done(unc_job *j, size_t r)
{
    if (!j->stream || r >= j->n_keep)
        return;
    pthread_mutex_lock(&j->lock);
    j->done[r % j->win] = 1;
    if (!j->feeding) {
        j->feeding = 1;
        while (j->fed < j->n_keep && j->done[j->fed % j->win]) {
            size_t f = j->fed;
            pthread_mutex_unlock(&j->lock);
            feed_row(j, f);
            pthread_mutex_lock(&j->lock);
            j->done[f % j->win] = 0;
            j->fed++;
            pthread_cond_broadcast(&j->moved);
        }
        j->feeding = 0;
    }
    pthread_mutex_unlock(&j->lock);
}

/* Rows taken one at a time; a failed draw (PA_ERR_COMPUTE) is counted, any other error stops
 * the run (the lowest row's is reported, whatever the threads). */
static void
job_rows(unc_job *j, pa_unc_thread *t, double *x, double *ts, double *tc)
{
    pa_error e;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        while (j->stream && j->next < j->n_keep && j->next >= j->fed + j->win &&
               j->err_row == PA_NONE) /* its slot is not fed yet */
            pthread_cond_wait(&j->moved, &j->lock);
        size_t r = j->next++;
        int stop = r >= j->n_rows || j->err_row != PA_NONE;
        pthread_mutex_unlock(&j->lock);
        if (stop)
            return;
        row_point(j, r, x);
        pa_result *res = NULL;
        memset(&e, 0, sizeof e);
        pa_status st = pa_unc_score_point(t, x, &res, ts, tc, &e);
        if (st == PA_OK)
            st = keep_row(j, r, res, &e);
        pa_result_free(res);
        j->ok[r] = st == PA_OK;
        if (st != PA_OK && st != PA_ERR_COMPUTE)
            job_error(j, r, st, &e);
        row_done(j, r);
        pthread_mutex_lock(&j->lock);
        if (st == PA_ERR_COMPUTE && r < j->fail_row)
            j->fail_row = r, j->fail = e;
        pthread_mutex_unlock(&j->lock);
    }
}

static void *
job_thread(void *arg)
{
    unc_job *j = arg;
    size_t cap = pa_thread_cap(1); /* the draws are the parallel work; engines run serially */
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_unc_thread *t;
    double *x = pa_calloc(j->dz->dim + 1, sizeof *x);
    pa_status st = pa_unc_thread_new(&t, j->dz, j->m, j->d, &e);
    double ts = 0, tc = 0;
    if (st == PA_OK && x)
        job_rows(j, t, x, &ts, &tc);
    else
        job_error(j, 0, x ? st : pa_nomem(&e), &e);
    pa_unc_thread_free(t);
    pa_free(x);
    pthread_mutex_lock(&j->lock);
    j->t_setup += ts, j->t_compute += tc;
    pthread_mutex_unlock(&j->lock);
    pa_thread_cap(cap);
    return NULL;
}

static pa_status
job_run(unc_job *j, pa_error *err)
{
    size_t nt = pa_thread_count();
    nt = nt > j->n_rows ? j->n_rows : nt;
    pthread_t th[64];
    size_t started = 0;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->moved, NULL);
    j->err_row = j->fail_row = PA_NONE;
    for (size_t i = 1; i < nt && i < 64; i++)
        if (pthread_create(&th[started], NULL, job_thread, j) == 0)
            started++;
    job_thread(j);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->moved);
    if (j->err_row != PA_NONE) {
        if (err)
            *err = j->err;
        return j->st;
    }
    return PA_OK;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Rank and score statistics of each unit over the rows kept that did not fail. */
static pa_status
unit_stats(pa_uncertainty *u, const unc_job *j, const double *nom_score, pa_error *err)
{
    double *v = pa_calloc(j->n_keep + 1, sizeof *v);
    if (!v)
        return pa_nomem(err);
    for (size_t k = 0; k < u->nu; k++) {
        double *s = &u->stat[k * 8], sum = 0;
        size_t m = 0;
        for (size_t r = 0; r < j->n_keep; r++)
            if (j->ok[r] && !isnan(j->rank[r * u->nu + k]))
                sum += v[m++] = j->rank[r * u->nu + k];
        qsort(v, m, sizeof *v, cmp_double);
        s[PA_UNC_NOMINAL_SCORE] = nom_score[k];
        s[PA_UNC_NOMINAL_RANK] = j->nom_rank[k];
        s[PA_UNC_MEAN_RANK] = m ? sum / (double)m : NAN;
        s[PA_UNC_MEDIAN_RANK] = pa_quantile_sorted(v, m, 0.5);
        s[PA_UNC_RANK_P05] = pa_quantile_sorted(v, m, 0.05);
        s[PA_UNC_RANK_P95] = pa_quantile_sorted(v, m, 0.95);
        m = 0;
        for (size_t r = 0; r < j->n_keep; r++)
            if (j->ok[r] && !isnan(j->score[r * u->nu + k]))
                v[m++] = j->score[r * u->nu + k];
        qsort(v, m, sizeof *v, cmp_double);
        s[PA_UNC_SCORE_P05] = pa_quantile_sorted(v, m, 0.05);
        s[PA_UNC_SCORE_P95] = pa_quantile_sorted(v, m, 0.95);
    }
    pa_free(v);
    return PA_OK;
}

/* The same from the stream: the mean exact, the percentiles counted or estimated. */
static void
stream_stats(pa_uncertainty *u, const unc_job *j, const double *nom_score)
{
    const unc_stream *sm = j->stream;
    for (size_t k = 0; k < u->nu; k++) {
        double *s = &u->stat[k * 8];
        const pa_p2 *p2 = sm->p2 + 5 * k;
        const uint32_t *h = sm->hist + k * sm->hist_k;
        size_t m = sm->cnt[k];
        s[PA_UNC_NOMINAL_SCORE] = nom_score[k];
        s[PA_UNC_NOMINAL_RANK] = j->nom_rank[k];
        s[PA_UNC_MEAN_RANK] = m ? sm->sum[k] / (double)m : NAN;
        static const int at[5] = { PA_UNC_RANK_P05, PA_UNC_MEDIAN_RANK, PA_UNC_RANK_P95,
                                   PA_UNC_SCORE_P05, PA_UNC_SCORE_P95 };
        for (int q = 0; q < 5; q++)
            s[at[q]] = q < 3 && sm->hist_k ? pa_quantile_counts(h, sm->hist_k, m, stream_p[q])
                                           : pa_p2_get(&p2[q], stream_p[q]);
    }
}

static void
stream_free(unc_stream *s)
{
    if (!s)
        return;
    pa_free(s->hist);
    pa_free(s->p2);
    pa_free(s->sum);
    pa_free(s->cnt);
    pa_free(s);
}

/* Whether the kept rows would pass the bound; if so a stream, and a window of rows (a few per
 * thread) instead of all. 0 when out of memory. */
static int
stream_new(unc_job *j)
{
    j->win = j->n_keep;
    if (j->n_keep * j->nu * (sizeof *j->rank + sizeof *j->score) <= exact_bound)
        return 1;
    size_t nt = pa_thread_count(), nu = j->nu ? j->nu : 1;
    j->win = 4 * nt > 64 ? 4 * nt : 64;
    j->win = j->win < j->n_keep ? j->win : j->n_keep;
    unc_stream *s = j->stream = pa_calloc(1, sizeof *s);
    if (!s)
        return 0;
    s->hist_k = j->nu <= hist_bound ? j->nu : 0;
    s->hist = pa_calloc(nu * s->hist_k + 1, sizeof *s->hist);
    s->p2 = pa_calloc(5 * nu, sizeof *s->p2);
    s->sum = pa_calloc(nu, sizeof *s->sum);
    s->cnt = pa_calloc(nu, sizeof *s->cnt);
    j->done = pa_calloc(j->win, 1);
    return s->hist && s->p2 && s->sum && s->cnt && j->done;
}

/* The samples whose every row was scored: yA, yB, yAB [d][n] over them (*n their count). */
static size_t
saltelli_outputs(const unc_job *j, double *yA, double *yB, double *yAB)
{
    size_t n = j->n, d = j->dz->n_in, m = 0;
    for (size_t i = 0; i < n; i++) {
        int good = j->ok[i] && j->ok[n + i] && !isnan(j->y[i]) && !isnan(j->y[n + i]);
        for (size_t k = 0; k < d; k++)
            good = good && j->ok[(2 + k) * n + i] && !isnan(j->y[(2 + k) * n + i]);
        if (!good)
            continue;
        yA[m] = j->y[i], yB[m] = j->y[n + i];
        for (size_t k = 0; k < d; k++)
            yAB[k * n + m] = j->y[(2 + k) * n + i];
        m++;
    }
    for (size_t k = 1; k < d; k++) /* rows [k][0..m) next to each other */
        memmove(yAB + k * m, yAB + k * n, m * sizeof *yAB);
    return m;
}

/* Bootstrap: the samples resampled with replacement (one resample for every input), 2.5 and
 * 97.5 percentiles of the indices. */
static pa_status
bootstrap(pa_uncertainty *u, const double *yA, const double *yB, const double *yAB, size_t m,
          const pa_unc_design *dz, pa_error *err)
{
    size_t d = dz->n_in, B = dz->n_boot;
    size_t *idx = pa_calloc(m + 1, sizeof *idx);
    double *bs = pa_calloc(2 * d * B + 2 * d, sizeof *bs);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    pa_status st = idx && bs && rng ? PA_OK : pa_nomem(err);
    if (st == PA_OK)
        gsl_rng_set(rng, dz->seed);
    for (size_t b = 0; st == PA_OK && b < B; b++) {
        for (size_t i = 0; i < m; i++)
            idx[i] = (size_t)gsl_rng_uniform_int(rng, m);
        pa_sobol_jansen(yA, yB, yAB, m, d, idx, bs + 2 * d * B, bs + 2 * d * B + d);
        for (size_t k = 0; k < 2 * d; k++)
            bs[k * B + b] = bs[2 * d * B + k];
    }
    for (size_t k = 0; st == PA_OK && k < 2 * d; k++) {
        double *v = bs + k * B;
        size_t nv = 0;
        for (size_t b = 0; b < B; b++) /* a resample without variance has no index */
            if (!isnan(v[b]))
                v[nv++] = v[b];
        qsort(v, nv, sizeof *v, cmp_double);
        double *ix = &u->ix[(k % d) * 6 + (k < d ? PA_SOBOL_FIRST_LO : PA_SOBOL_TOTAL_LO)];
        ix[0] = pa_quantile_sorted(v, nv, 0.025);
        ix[1] = pa_quantile_sorted(v, nv, 0.975);
    }
    gsl_rng_free(rng);
    pa_free(idx);
    pa_free(bs);
    return st;
}

static pa_status
sobol_indices(pa_uncertainty *u, const unc_job *j, pa_error *err)
{
    size_t n = j->n, d = j->dz->n_in;
    double *y = pa_calloc((2 + d) * n, sizeof *y);
    double *fs = pa_calloc(2 * d, sizeof *fs);
    pa_status st = y && fs ? PA_OK : pa_nomem(err);
    size_t m = st == PA_OK ? saltelli_outputs(j, y, y + n, y + 2 * n) : 0;
    if (st == PA_OK && m < 2)
        st = pa_fail(err, PA_ERR_COMPUTE, NULL, 0, 0, "%zu of the %zu samples were scored in "
                     "every run of the design; Sobol indices need two or more", m, n);
    if (st == PA_OK) {
        pa_sobol_jansen(y, y + n, y + 2 * n, m, d, NULL, fs, fs + d);
        for (size_t k = 0; k < d; k++)
            u->ix[k * 6 + PA_SOBOL_FIRST] = fs[k], u->ix[k * 6 + PA_SOBOL_TOTAL] = fs[d + k];
        st = bootstrap(u, y, y + n, y + 2 * n, m, j->dz, err);
    }
    pa_free(y);
    pa_free(fs);
    return st;
}

void
pa_uncertainty_free(pa_uncertainty *u)
{
    if (!u)
        return;
    for (size_t k = 0; u->unit_code && u->unit_name && k < u->nu; k++) {
        pa_free(u->unit_code[k]);
        pa_free(u->unit_name[k]);
    }
    pa_free(u->unit_code);
    pa_free(u->unit_name);
    pa_free(u->node);
    pa_free(u->period);
    pa_free(u->stat);
    pa_free(u->in_name);
    pa_free(u->ix);
    pa_free(u);
}

static char *
dup_or_null(const char *s)
{
    return s ? pa_strdup(s) : NULL;
}

/* The run's frame from the nominal result: names, and each unit's nominal score and rank. */
static pa_status
frame(pa_uncertainty *u, unc_job *j, const pa_result *nom, size_t node, double *nom_score,
      double *nom_rank, const pa_unc_design *dz, pa_error *err)
{
    u->nu = j->nu;
    u->unit_code = pa_calloc(u->nu + 1, sizeof *u->unit_code);
    u->unit_name = pa_calloc(u->nu + 1, sizeof *u->unit_name);
    u->stat = pa_calloc(u->nu * 8 + 1, sizeof *u->stat);
    u->in_name = pa_calloc(dz->n_in, sizeof *u->in_name);
    u->ix = pa_calloc(dz->n_in * 6, sizeof *u->ix);
    u->node = pa_strdup(j->node);
    u->period = pa_strdup(pa_result_period(nom, j->period));
    if (!u->unit_code || !u->unit_name || !u->stat || !u->in_name || !u->ix || !u->node ||
        !u->period)
        return pa_nomem(err);
    pa_status st = pa_rank_node(nom, node, err);
    if (st != PA_OK)
        return st;
    u->n_in = dz->n_in;
    for (size_t k = 0; k < dz->n_in * 6; k++)
        u->ix[k] = NAN;
    for (size_t k = 0; k < dz->n_in; k++)
        memcpy(u->in_name[k], dz->in[k].name, sizeof u->in_name[k]);
    for (size_t k = 0; k < u->nu; k++) {
        const char *name = pa_result_unit_name(nom, k);
        u->unit_code[k] = pa_strdup(pa_result_unit_code(nom, k));
        u->unit_name[k] = dup_or_null(name);
        if (!u->unit_code[k] || (name && !u->unit_name[k]))
            return pa_nomem(err);
        long rk = pa_result_rank(nom, k, j->period, node);
        nom_rank[k] = rk > 0 ? (double)rk : NAN;
        nom_score[k] = pa_result_score(nom, k, j->period, node);
    }
    return PA_OK;
}

/* The design checked against what the run needs, and its points chosen. */
static pa_status
check_design(const pa_unc_design *dz, const pa_model *m, int saltelli, int *sobol,
             pa_error *err)
{
    size_t dims = saltelli ? 2 * dz->dim : dz->dim;
    if (saltelli && dz->n_in < 2)
        return pa_fail(err, PA_ERR_MODEL, m->file, m->unc_line, 1, "a sensitivity analysis "
                       "needs two or more uncertain inputs, and [uncertainty] has one (run "
                       "--uncertainty N instead)%s", "");
    if (dz->points == PA_UNC_POINTS_SOBOL && dims > PA_UNC_SOBOL_MAX)
        return pa_fail(err, PA_ERR_MODEL, m->file, dz->points_at.line, dz->points_at.col,
                       "points = sobol: this design draws %zu numbers per run, more than the %d "
                       "dimensions of GSL's Sobol sequence (use points = auto or random)", dims,
                       PA_UNC_SOBOL_MAX);
    *sobol = dz->points != PA_UNC_POINTS_RANDOM && dims <= PA_UNC_SOBOL_MAX;
    return PA_OK;
}

/* Where the run looks: the period and the node (PA_ERR_ARGUMENT for unknown ones). */
static pa_status
find_target(unc_job *j, const pa_result *nom, const pa_uncertainty_options *o, size_t *node,
            pa_error *err)
{
    size_t np = pa_result_period_count(nom);
    j->period = o && o->period ? pa_result_period_find(nom, o->period) : np - 1;
    if (j->period == PA_NONE || np == 0)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no period '%s' in the data",
                       o && o->period ? o->period : "");
    j->node = o && o->node ? o->node : j->m->nodes[j->m->top].code;
    if ((*node = pa_result_node_find(nom, j->node)) == PA_NONE)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no node '%s' in the model", j->node);
    j->nu = pa_result_unit_count(nom);
    return PA_OK;
}

/* The draws made and scored, then what is kept of them summed up into u. */
static pa_status
draw_all(pa_uncertainty *u, unc_job *j, const double *nom_score, pa_error *err)
{
    size_t dims = j->saltelli ? 2 * j->dz->dim : j->dz->dim;
    double *pts = pa_calloc(j->n * dims + 1, sizeof *pts);
    int sm = stream_new(j);
    j->rank = pa_calloc(j->win * j->nu + 1, sizeof *j->rank);
    j->score = pa_calloc(j->win * j->nu + 1, sizeof *j->score);
    j->ok = pa_calloc(j->n_rows, 1);
    j->y = j->saltelli ? pa_calloc(j->n_rows, sizeof *j->y) : NULL;
    pa_status st = pts && sm && j->rank && j->score && j->ok && (j->y || !j->saltelli)
                       ? pa_unc_points(pts, j->n, dims, u->sobol, j->dz->seed, err)
                       : pa_nomem(err);
    j->pts = pts;
    if (st == PA_OK)
        st = job_run(j, err);
    for (size_t r = 0; st == PA_OK && r < j->n_rows; r++)
        u->failed += !j->ok[r];
    u->runs = j->n_rows, u->t_setup = j->t_setup, u->t_compute = j->t_compute;
    if (st == PA_OK && u->failed == j->n_rows) {
        if (err)
            *err = j->fail;
        st = pa_fail(err, PA_ERR_COMPUTE, err ? err->file : NULL, err ? err->line : 0,
                     err ? err->column : 0, "every one of the %zu runs failed; the first: %s",
                     j->n_rows, j->fail.text);
    }
    u->estimated = j->stream != NULL;
    if (st == PA_OK && j->stream)
        stream_stats(u, j, nom_score);
    else if (st == PA_OK)
        st = unit_stats(u, j, nom_score, err);
    if (st == PA_OK && j->saltelli)
        st = sobol_indices(u, j, err);
    pa_free(pts);
    pa_free(j->rank);
    pa_free(j->score);
    pa_free(j->ok);
    pa_free(j->y);
    pa_free(j->done);
    stream_free(j->stream);
    return st;
}

static pa_status
run(pa_uncertainty **out, const pa_model *m, const pa_data *d, size_t n,
    const pa_uncertainty_options *o, int saltelli, pa_error *err)
{
    if (!out || !m || !d)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    if (n == 0 || n > 100000000)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "%zu runs: give 1 to 100000000", n);
    pa_unc_design dz;
    pa_status st = pa_unc_design_read(&dz, m, err);
    if (st != PA_OK)
        return st;
    unc_job j = { .dz = &dz, .m = m, .d = d, .n = n, .saltelli = saltelli };
    j.n_rows = saltelli ? n * (dz.n_in + 2) : n;
    j.n_keep = saltelli ? 2 * n : n;
    pa_uncertainty *u = pa_calloc(1, sizeof *u);
    pa_result *nom = NULL;
    double *nom_v = NULL;
    size_t node = 0;
    st = u ? check_design(&dz, m, saltelli, &u->sobol, err) : pa_nomem(err);
    if (st == PA_OK)
        st = pa_compute(&nom, m, d, err);
    if (st == PA_OK)
        st = find_target(&j, nom, o, &node, err);
    if (st == PA_OK && !(nom_v = pa_calloc(2 * j.nu + 1, sizeof *nom_v)))
        st = pa_nomem(err);
    if (st == PA_OK)
        st = frame(u, &j, nom, node, nom_v, nom_v + j.nu, &dz, err);
    j.nom_rank = nom_v ? nom_v + j.nu : NULL;
    pa_result_free(nom);
    if (st == PA_OK) {
        u->saltelli = saltelli;
        st = draw_all(u, &j, nom_v, err);
    }
    pa_free(nom_v);
    pa_unc_design_free(&dz);
    if (st != PA_OK)
        pa_uncertainty_free(u);
    else
        *out = u;
    return st;
}

pa_status
pa_uncertainty_run(pa_uncertainty **out, const pa_model *model, const pa_data *data, size_t n,
                   const pa_uncertainty_options *opts, pa_error *err)
{
    return run(out, model, data, n, opts, 0, err);
}

pa_status
pa_sensitivity_run(pa_uncertainty **out, const pa_model *model, const pa_data *data, size_t n,
                   const pa_uncertainty_options *opts, pa_error *err)
{
    return run(out, model, data, n, opts, 1, err);
}

/* ---- accessors ---- */

long
pa_model_uncertainty_line(const pa_model *m)
{
    return m ? m->unc_line : 0;
}

size_t
pa_uncertainty_runs(const pa_uncertainty *u)
{
    return u ? u->runs : 0;
}

size_t
pa_uncertainty_failed(const pa_uncertainty *u)
{
    return u ? u->failed : 0;
}

const char *
pa_uncertainty_points(const pa_uncertainty *u)
{
    return !u ? NULL : u->sobol ? "sobol" : "random";
}

const char *
pa_uncertainty_period(const pa_uncertainty *u)
{
    return u ? u->period : NULL;
}

const char *
pa_uncertainty_node(const pa_uncertainty *u)
{
    return u ? u->node : NULL;
}

size_t
pa_uncertainty_unit_count(const pa_uncertainty *u)
{
    return u ? u->nu : 0;
}

const char *
pa_uncertainty_unit_code(const pa_uncertainty *u, size_t unit)
{
    return u && unit < u->nu ? u->unit_code[unit] : NULL;
}

const char *
pa_uncertainty_unit_name(const pa_uncertainty *u, size_t unit)
{
    return u && unit < u->nu ? u->unit_name[unit] : NULL;
}

double
pa_uncertainty_stat(const pa_uncertainty *u, size_t unit, pa_unc_stat what)
{
    if (!u || unit >= u->nu || (unsigned)what > PA_UNC_SCORE_P95)
        return NAN;
    return u->stat[unit * 8 + what];
}

size_t
pa_uncertainty_input_count(const pa_uncertainty *u)
{
    return u ? u->n_in : 0;
}

const char *
pa_uncertainty_input_name(const pa_uncertainty *u, size_t i)
{
    return u && i < u->n_in ? u->in_name[i] : NULL;
}

double
pa_uncertainty_sobol(const pa_uncertainty *u, size_t i, pa_sobol_stat what)
{
    if (!u || i >= u->n_in || (unsigned)what > PA_SOBOL_TOTAL_HI)
        return NAN;
    return u->ix[i * 6 + what];
}

void
pa_uncertainty_times(const pa_uncertainty *u, double *setup, double *compute)
{
    if (setup)
        *setup = u ? u->t_setup : 0;
    if (compute)
        *compute = u ? u->t_compute : 0;
}

int
pa_uncertainty_estimated(const pa_uncertainty *u)
{
    return u && u->estimated;
}

int
pa_unc_is_sensitivity(const pa_uncertainty *u)
{
    return u && u->saltelli;
}
