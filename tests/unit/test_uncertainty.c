/* SPDX-License-Identifier: MIT */
/* Uncertainty and sensitivity: Jansen's estimators on functions with known Sobol indices,
 * R's quantiles, a draw written into a working model against the same model edited with the
 * setters, the degenerate design, failed draws, thread counts, and the section's errors. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uncertainty.h"

#include "testutil.h"

/* ---- estimators ---- */

/* A Saltelli design of f over d independent U(0, 1) inputs, base sample n (Sobol points of
 * 2d dimensions), and Jansen's indices of it. */
static void
saltelli(double (*f)(const double *), size_t d, size_t n, double *first, double *total)
{
    double *pts = calloc(n * 2 * d, sizeof *pts), x[8];
    double *yA = calloc(n, sizeof *yA), *yB = calloc(n, sizeof *yB);
    double *yAB = calloc(n * d, sizeof *yAB);
    assert_int_equal(pa_unc_points(pts, n, 2 * d, 1, 1, NULL), PA_OK);
    for (size_t i = 0; i < n; i++) {
        const double *a = pts + i * 2 * d, *b = a + d;
        yA[i] = f(a), yB[i] = f(b);
        for (size_t j = 0; j < d; j++) {
            memcpy(x, a, d * sizeof *x);
            x[j] = b[j];
            yAB[j * n + i] = f(x);
        }
    }
    pa_sobol_jansen(yA, yB, yAB, n, d, NULL, first, total);
    free(pts), free(yA), free(yB), free(yAB);
}

static double
additive(const double *x)
{
    return x[0] + 2 * x[1] + 0 * x[2];
}

static double
product(const double *x)
{
    return x[0] * x[1];
}

/* y = x1 + 2 x2 + 0 x3: V = (1 + 4)/12, so S1 = ST1 = 0.2, S2 = ST2 = 0.8, S3 = ST3 = 0. */
static void
test_jansen_additive(void **state)
{
    (void)state;
    double s[3], st[3];
    saltelli(additive, 3, 8192, s, st);
    const double want[3] = { 0.2, 0.8, 0 };
    for (int j = 0; j < 3; j++) {
        assert_true(fabs(s[j] - want[j]) < 0.01);
        assert_true(fabs(st[j] - want[j]) < 0.01);
        assert_true(fabs(s[j] - st[j]) < 0.01);
    }
}

/* y = x1 x2: V = 1/9 − 1/16 = 7/144, V1 = Var(x1/2) = 1/48, so S1 = S2 = 3/7 and
 * ST1 = ST2 = 1 − 3/7 = 4/7: the interaction shows as total above first order. */
static void
test_jansen_product(void **state)
{
    (void)state;
    double s[2], st[2];
    saltelli(product, 2, 8192, s, st);
    for (int j = 0; j < 2; j++) {
        assert_true(fabs(s[j] - 3.0 / 7) < 0.02);
        assert_true(fabs(st[j] - 4.0 / 7) < 0.02);
    }
}

/* R: quantile(1:10, c(0.05, 0.5, 0.95)) = 1.45, 5.5, 9.55 (type 7). */
static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void
test_quantile(void **state)
{
    (void)state;
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    assert_close(pa_quantile_sorted(x, 10, 0.05), 1.45, 1e-12);
    assert_close(pa_quantile_sorted(x, 10, 0.5), 5.5, 1e-12);
    assert_close(pa_quantile_sorted(x, 10, 0.95), 9.55, 1e-12);
    assert_close(pa_quantile_sorted(x, 1, 0.95), 1, 0);
    assert_true(isnan(pa_quantile_sorted(x, 0, 0.5)));
}

/* Whole numbers counted give R's quantiles of the numbers sorted, to the bit. */
static void
test_quantile_counts(void **state)
{
    (void)state;
    double x[37];
    uint32_t c[7] = { 0 };
    unsigned v = 12345;
    for (int i = 0; i < 37; i++) {
        v = v * 1103515245u + 12345u;
        x[i] = 1 + (v >> 16) % 7;
        c[(int)x[i] - 1]++;
    }
    qsort(x, 37, sizeof *x, cmp_d);
    static const double ps[] = { 0, 0.05, 0.25, 0.5, 0.95, 1 };
    for (size_t k = 0; k < 6; k++)
        assert_true(pa_quantile_counts(c, 7, 37, ps[k]) == pa_quantile_sorted(x, 37, ps[k]));
    assert_true(pa_quantile_counts(c, 7, 1, 0.95) == pa_quantile_sorted(x, 1, 0.95));
    assert_true(isnan(pa_quantile_counts(c, 7, 0, 0.5)));
}

/* P²: exact up to five values and for a constant; within 0.005 of the sample's own quantile
 * (and 0.01 of the true one) on 20,001 uniforms, as Jain and Chlamtac's table shows. */
static void
test_p2(void **state)
{
    (void)state;
    static const double ps[] = { 0.05, 0.5, 0.95 }, few[] = { 4, 1, 3 };
    pa_p2 s[3];
    memset(s, 0, sizeof s);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            pa_p2_add(&s[k], ps[k], few[i]);
    double sorted[] = { 1, 3, 4 };
    for (int k = 0; k < 3; k++)
        assert_true(pa_p2_get(&s[k], ps[k]) == pa_quantile_sorted(sorted, 3, ps[k]));
    memset(s, 0, sizeof s);
    for (int i = 0; i < 1000; i++)
        for (int k = 0; k < 3; k++)
            pa_p2_add(&s[k], ps[k], 7.25);
    for (int k = 0; k < 3; k++)
        assert_true(pa_p2_get(&s[k], ps[k]) == 7.25);
    size_t n = 20001;
    double *u = calloc(n, sizeof *u);
    assert_int_equal(pa_unc_points(u, n, 1, 0, 1, NULL), PA_OK);
    memset(s, 0, sizeof s);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            pa_p2_add(&s[k], ps[k], u[i]);
    qsort(u, n, sizeof *u, cmp_d);
    for (int k = 0; k < 3; k++) {
        assert_true(fabs(pa_p2_get(&s[k], ps[k]) - pa_quantile_sorted(u, n, ps[k])) < 0.005);
        assert_true(fabs(pa_p2_get(&s[k], ps[k]) - ps[k]) < 0.01);
    }
    free(u);
}

/* ---- draws ---- */

/* Two groups of two indicators; d normalises itself (rank), so the normalisation's
 * alternatives do not reach it. */
static const char *model_head =
    "[index]\ncode = top\nnormalise = minmax\nrange = 5, 100\n"
    "[group g]\nparent = top\n[group h]\nparent = top\nweight = 2\n"
    "[indicator a]\nparent = g\n[indicator b]\nparent = g\nweight = 3\ndirection = -1\n"
    "[indicator c]\nparent = h\n[indicator d]\nparent = h\nnormalise = rank\n";
static const char *csv = "unit,a,b,c,d\n"
                         "u1,1,10,7,3\nu2,2,30,5,9\nu3,3,20,6,1\nu4,8,15,2,4\nu5,4,12,9,8\n";

static pa_model *
model_with(const char *unc)
{
    char text[2048];
    snprintf(text, sizeof text, "%s[uncertainty]\n%s", model_head, unc);
    pa_model *m = NULL;
    pa_error e;
    pa_status st = pa_model_parse(&m, text, "u.ini", &e);
    if (st != PA_OK)
        print_error("%s:%ld: %s\n", e.file, e.line, e.text);
    assert_int_equal(st, PA_OK);
    return m;
}

static pa_data *
data_for(const pa_model *m)
{
    pa_data *d = NULL;
    assert_int_equal(pa_data_new(&d, m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, csv, strlen(csv), "d.csv", NULL), PA_OK);
    return d;
}

static void
same_results(const pa_result *x, const pa_result *y)
{
    assert_int_equal(pa_result_node_count(x), pa_result_node_count(y));
    for (size_t n = 0; n < pa_result_node_count(x); n++) {
        size_t ny = pa_result_node_find(y, pa_result_node_code(x, n));
        assert_int_not_equal(ny, (size_t)-1);
        for (size_t u = 0; u < pa_result_unit_count(x); u++) {
            assert_close(pa_result_score(x, u, 0, n), pa_result_score(y, u, 0, ny), 1e-13);
            assert_int_equal(pa_result_rank(x, u, 0, n), pa_result_rank(y, u, 0, ny));
        }
    }
}

static const char *draw_unc = "weights = 1: 0.5; 2: 0.2\n"
                              "normalise = minmax(1, 100); zscore(10, 2); rank; minmax\n"
                              "aggregate = arithmetic; geometric\ndrop_one = yes\n";

/* The same draw made with the public setters on a copy of the nominal model. */
static pa_model *
edited(const pa_model *m, const pa_unc_design *dz, const double *x)
{
    pa_model *c = NULL;
    assert_int_equal(pa_model_copy(&c, m, NULL), PA_OK);
    const pa_unc_input *w = &dz->in[0], *nz = &dz->in[1], *ag = &dz->in[2], *dr = &dz->in[3];
    for (size_t j = 0; j < w->dim; j++) {
        const pa_node *nd = &m->nodes[w->wnode[j]];
        double f = nd->level == 1 ? 0.5 : 0.2;
        double v = nd->weight * (1 + f * (2 * x[w->off + j] - 1));
        assert_int_equal(pa_model_set_weight(c, nd->code, v, NULL), PA_OK);
    }
    static const char *const norms[] = { "minmax", "zscore", "rank", "minmax" };
    static const double pars[][2] = { { 1, 100 }, { 10, 2 }, { 0, 0 }, { 0, 0 } };
    size_t k = (size_t)(x[nz->off] * 4);
    assert_int_equal(pa_model_set_normalise(c, NULL, norms[k], pars[k], k < 2 ? 2 : 0, NULL),
                     PA_OK);
    const char *agg = x[ag->off] < 0.5 ? "arithmetic" : "geometric";
    assert_int_equal(pa_model_set_aggregate(c, NULL, agg, NULL, 0, NULL), PA_OK);
    size_t drop = (size_t)(x[dr->off] * 5);
    if (drop)
        assert_int_equal(pa_model_remove_indicator(c, m->nodes[m->order[drop - 1]].code, NULL),
                         PA_OK);
    return c;
}

/* Draws one after another on one thread (so that a draw must undo what the one before wrote):
 * each equals pa_compute on the model edited with the setters. */
static void
test_draw_equals_setters(void **state)
{
    (void)state;
    pa_model *m = model_with(draw_unc);
    pa_data *d = data_for(m);
    pa_unc_design dz;
    assert_int_equal(pa_unc_design_read(&dz, m, NULL), PA_OK);
    assert_int_equal(dz.n_in, 4);
    assert_int_equal(dz.dim, 4 + 2 + 1 + 1 + 1);
    pa_unc_thread *t;
    assert_int_equal(pa_unc_thread_new(&t, &dz, m, d, NULL), PA_OK);
    /* zscore + arithmetic, a left out; minmax(1, 100) + geometric, d left out; minmax without
     * numbers (the model's 5-100 again) + geometric, d left out (the same working model as the
     * draw before); rank + arithmetic, nothing left out */
    const double pts[][9] = { { .1, .9, .3, .7, .2, .8, .3, .2, .3 },
                              { .0, .99, .6, .4, .1, .9, .1, .6, .9 },
                              { .5, .5, .5, .5, .5, .5, .9, .7, .95 },
                              { .7, .2, .9, .1, .4, .6, .6, .3, .05 } };
    for (size_t i = 0; i < 4; i++) {
        pa_result *r = NULL, *want = NULL;
        double ts = 0, tc = 0;
        pa_error e;
        pa_status st = pa_unc_score_point(t, pts[i], &r, &ts, &tc, &e);
        if (st != PA_OK)
            print_error("draw %zu: %s\n", i, e.text);
        assert_int_equal(st, PA_OK);
        pa_model *c = edited(m, &dz, pts[i]);
        assert_int_equal(pa_compute(&want, c, d, NULL), PA_OK);
        same_results(r, want);
        pa_result_free(r);
        pa_result_free(want);
        pa_model_free(c);
    }
    pa_unc_thread_free(t);
    pa_unc_design_free(&dz);
    pa_data_free(d);
    pa_model_free(m);
}

/* No uncertainty at all (no noise, one method twice): every interval is the nominal rank, and
 * a sensitivity analysis finds no variance, so no index. */
static void
test_degenerate(void **state)
{
    (void)state;
    pa_model *m = model_with("weights = 2: 0\naggregate = arithmetic; arithmetic\n");
    pa_data *d = data_for(m);
    pa_uncertainty *u = NULL;
    assert_int_equal(pa_uncertainty_run(&u, m, d, 64, NULL, NULL), PA_OK);
    assert_int_equal(pa_uncertainty_runs(u), 64);
    assert_int_equal(pa_uncertainty_failed(u), 0);
    assert_int_equal(pa_uncertainty_unit_count(u), 5);
    for (size_t i = 0; i < 5; i++) {
        double nom = pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_RANK);
        assert_true(nom >= 1 && nom <= 5);
        for (int k = PA_UNC_MEAN_RANK; k <= PA_UNC_RANK_P95; k++)
            assert_close(pa_uncertainty_stat(u, i, (pa_unc_stat)k), nom, 0);
        double s = pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_SCORE);
        assert_close(pa_uncertainty_stat(u, i, PA_UNC_SCORE_P05), s, 1e-14);
        assert_close(pa_uncertainty_stat(u, i, PA_UNC_SCORE_P95), s, 1e-14);
    }
    pa_uncertainty_free(u);
    assert_int_equal(pa_sensitivity_run(&u, m, d, 16, NULL, NULL), PA_OK);
    assert_int_equal(pa_uncertainty_runs(u), 16 * (2 + 2));
    assert_true(isnan(pa_uncertainty_sobol(u, 0, PA_SOBOL_FIRST)));
    assert_true(isnan(pa_uncertainty_sobol(u, 1, PA_SOBOL_TOTAL_HI)));
    pa_uncertainty_free(u);
    pa_data_free(d);
    pa_model_free(m);
}

/* A geometric mean over minmax 0-100 fails for the worst unit: the draws that take it are
 * counted and left out (the points say which), the others are the arithmetic nominal. */
static void
test_failed_draws(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text, "%s", model_head);
    char *r = strstr(text, "range = 5, 100");
    memcpy(r, "range = 0, 100", 14);
    strcat(text, "[uncertainty]\naggregate = arithmetic; geometric\nweights = 2: 0\n");
    pa_model *m = NULL;
    assert_int_equal(pa_model_parse(&m, text, "u.ini", NULL), PA_OK);
    pa_data *d = data_for(m);
    pa_uncertainty *u = NULL;
    assert_int_equal(pa_uncertainty_run(&u, m, d, 40, NULL, NULL), PA_OK);
    double pts[40 * 3];
    assert_int_equal(pa_unc_points(pts, 40, 3, 1, 1, NULL), PA_OK);
    size_t geo = 0;
    for (size_t i = 0; i < 40; i++)
        geo += pts[i * 3] >= 0.5; /* aggregate is the first input */
    assert_true(geo > 0 && geo < 40);
    assert_int_equal(pa_uncertainty_failed(u), geo);
    for (size_t i = 0; i < 5; i++)
        assert_close(pa_uncertainty_stat(u, i, PA_UNC_RANK_P95),
                     pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_RANK), 0);
    pa_uncertainty_free(u);
    pa_data_free(d);
    pa_model_free(m);
}

static void
all_stats(const pa_uncertainty *u, double *out)
{
    for (size_t i = 0; i < pa_uncertainty_unit_count(u); i++)
        for (int k = 0; k < 8; k++)
            *out++ = pa_uncertainty_stat(u, i, (pa_unc_stat)k);
    for (size_t i = 0; i < pa_uncertainty_input_count(u); i++)
        for (int k = 0; k < 6; k++)
            *out++ = pa_uncertainty_sobol(u, i, (pa_sobol_stat)k);
}

/* Same seed, same numbers with one thread or three. */
static void
test_threads(void **state)
{
    (void)state;
    pa_model *m = model_with(draw_unc);
    pa_data *d = data_for(m);
    double a[5 * 8 + 4 * 6], b[5 * 8 + 4 * 6];
    for (int sens = 0; sens < 2; sens++) {
        pa_uncertainty *u = NULL;
        setenv("PINGAN_THREADS", "1", 1);
        assert_int_equal((sens ? pa_sensitivity_run : pa_uncertainty_run)(&u, m, d, 50, NULL,
                                                                           NULL), PA_OK);
        all_stats(u, a);
        pa_uncertainty_free(u);
        setenv("PINGAN_THREADS", "3", 1);
        assert_int_equal((sens ? pa_sensitivity_run : pa_uncertainty_run)(&u, m, d, 50, NULL,
                                                                           NULL), PA_OK);
        all_stats(u, b);
        pa_uncertainty_free(u);
        unsetenv("PINGAN_THREADS");
        assert_memory_equal(a, b, sizeof a);
    }
    pa_data_free(d);
    pa_model_free(m);
}

/* ---- percentiles in bounded memory ---- */

/* Forced into the stream (any storage passes a bound of one byte), the degenerate design still
 * gives the nominal rank and score, counted or estimated: P² of a constant is the constant. */
static void
test_stream_degenerate(void **state)
{
    (void)state;
    pa_model *m = model_with("weights = 2: 0\naggregate = arithmetic; arithmetic\n");
    pa_data *d = data_for(m);
    for (size_t hist = 0; hist < 2; hist++) {
        pa__unc_set_bounds(1, hist ? 0 : 1); /* counts for 5 units; P² when only 1 is counted */
        pa_uncertainty *u = NULL;
        assert_int_equal(pa_uncertainty_run(&u, m, d, 100, NULL, NULL), PA_OK);
        assert_int_equal(pa_uncertainty_estimated(u), 1);
        for (size_t i = 0; i < 5; i++) {
            double nom = pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_RANK);
            for (int k = PA_UNC_MEAN_RANK; k <= PA_UNC_RANK_P95; k++)
                assert_true(pa_uncertainty_stat(u, i, (pa_unc_stat)k) == nom);
            double s = pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_SCORE);
            assert_close(pa_uncertainty_stat(u, i, PA_UNC_SCORE_P05), s, 1e-14);
            assert_close(pa_uncertainty_stat(u, i, PA_UNC_SCORE_P95), s, 1e-14);
        }
        pa_uncertainty_free(u);
    }
    pa__unc_set_bounds(0, 0);
    pa_data_free(d);
    pa_model_free(m);
}

/* The stream against the exact statistics of the same draws: the mean rank, and the rank
 * percentiles counted, to the bit; P²'s rank percentiles within one rank and its score
 * percentiles within a tenth of the unit's 5-95 % interval (doc/methods.md §14). */
static void
test_stream_vs_exact(void **state)
{
    (void)state;
    pa_model *m = model_with(draw_unc);
    pa_data *d = data_for(m);
    pa_uncertainty *x = NULL, *c = NULL, *e = NULL;
    assert_int_equal(pa_uncertainty_run(&x, m, d, 400, NULL, NULL), PA_OK);
    assert_int_equal(pa_uncertainty_estimated(x), 0);
    pa__unc_set_bounds(1, 0);
    assert_int_equal(pa_uncertainty_run(&c, m, d, 400, NULL, NULL), PA_OK);
    pa__unc_set_bounds(1, 1);
    assert_int_equal(pa_uncertainty_run(&e, m, d, 400, NULL, NULL), PA_OK);
    pa__unc_set_bounds(0, 0);
    assert_int_equal(pa_uncertainty_failed(c), pa_uncertainty_failed(x));
    for (size_t i = 0; i < 5; i++) {
        for (int k = PA_UNC_NOMINAL_SCORE; k <= PA_UNC_RANK_P95; k++)
            assert_true(pa_uncertainty_stat(c, i, (pa_unc_stat)k) ==
                        pa_uncertainty_stat(x, i, (pa_unc_stat)k));
        assert_true(pa_uncertainty_stat(e, i, PA_UNC_MEAN_RANK) ==
                    pa_uncertainty_stat(x, i, PA_UNC_MEAN_RANK));
        for (int k = PA_UNC_MEDIAN_RANK; k <= PA_UNC_RANK_P95; k++)
            assert_true(fabs(pa_uncertainty_stat(e, i, (pa_unc_stat)k) -
                             pa_uncertainty_stat(x, i, (pa_unc_stat)k)) <= 1);
        double w = pa_uncertainty_stat(x, i, PA_UNC_SCORE_P95) -
                   pa_uncertainty_stat(x, i, PA_UNC_SCORE_P05);
        assert_true(w > 0);
        for (int k = PA_UNC_SCORE_P05; k <= PA_UNC_SCORE_P95; k++)
            assert_true(fabs(pa_uncertainty_stat(c, i, (pa_unc_stat)k) -
                             pa_uncertainty_stat(x, i, (pa_unc_stat)k)) <= 0.1 * w);
    }
    pa_uncertainty_free(x);
    pa_uncertainty_free(c);
    pa_uncertainty_free(e);
    pa_data_free(d);
    pa_model_free(m);
}

/* The stream is fed in draw order: the same numbers with one thread or three, through a window
 * of 64 draws that wraps around several times. */
static void
test_stream_threads(void **state)
{
    (void)state;
    pa_model *m = model_with(draw_unc);
    pa_data *d = data_for(m);
    double a[5 * 8 + 4 * 6], b[5 * 8 + 4 * 6];
    pa__unc_set_bounds(1, 1);
    for (int sens = 0; sens < 2; sens++) {
        pa_uncertainty *u = NULL;
        setenv("PINGAN_THREADS", "1", 1);
        assert_int_equal((sens ? pa_sensitivity_run : pa_uncertainty_run)(&u, m, d, 300, NULL,
                                                                           NULL), PA_OK);
        assert_int_equal(pa_uncertainty_estimated(u), 1);
        all_stats(u, a);
        pa_uncertainty_free(u);
        setenv("PINGAN_THREADS", "3", 1);
        assert_int_equal((sens ? pa_sensitivity_run : pa_uncertainty_run)(&u, m, d, 300, NULL,
                                                                           NULL), PA_OK);
        all_stats(u, b);
        pa_uncertainty_free(u);
        unsetenv("PINGAN_THREADS");
        assert_memory_equal(a, b, sizeof a);
    }
    pa__unc_set_bounds(0, 0);
    pa_data_free(d);
    pa_model_free(m);
}

/* ---- errors ---- */

static void
parse_fails(const char *unc, long line, const char *needle)
{
    char text[2048];
    snprintf(text, sizeof text, "%s[uncertainty]\n%s", model_head, unc);
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&m, text, "u.ini", &e);
    if (st != PA_ERR_MODEL || e.line != line || !strstr(e.text, needle))
        print_error("%s -> %d, line %ld: %s\n", unc, (int)st, e.line, e.text);
    assert_int_equal(st, PA_ERR_MODEL);
    assert_int_equal(e.line, line);
    assert_non_null(strstr(e.text, needle));
}

static void
test_section_errors(void **state)
{
    (void)state;
    long at = 1; /* the key after [uncertainty]: lines of the head, then two */
    for (const char *p = model_head; *p; p++)
        at += *p == '\n';
    at += 1;
    parse_fails("weights = 2: -0.1\n", at, "must be at least 0");
    parse_fails("weights = 2 0.25\n", at, "LEVEL: NOISE");
    parse_fails("normalise = minmax; fancy\n", at, "unknown normalisation 'fancy'");
    parse_fails("aggregate = geometric\n", at, "one alternative");
    parse_fails("aggregate = arithmetic; genmean\n", at, "needs its exponent");
    parse_fails("normalise = rank(1, 2); minmax\n", at, "takes no numbers");
    parse_fails("drop_one = maybe\n", at, "yes or no");
    parse_fails("seed = -1\n", at, "seed");
    parse_fails("colour = red\n", at, "unknown key 'colour' in [uncertainty]");
    parse_fails("seed = 1\n[uncertainty]\n", at + 1, "appears twice");
}

static void
run_fails(const char *unc, int sens, pa_status want, long line, const char *needle)
{
    pa_model *m = model_with(unc);
    pa_data *d = data_for(m);
    pa_uncertainty *u = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = (sens ? pa_sensitivity_run : pa_uncertainty_run)(&u, m, d, sens > 1 ? 0 : 10,
                                                                     NULL, &e);
    if (st != want || e.line != line || !strstr(e.text, needle))
        print_error("%s -> %d, line %ld: %s\n", unc, (int)st, e.line, e.text);
    assert_int_equal(st, want);
    assert_null(u);
    assert_int_equal(e.line, line);
    assert_non_null(strstr(e.text, needle));
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_design_errors(void **state)
{
    (void)state;
    long at = 2;
    for (const char *p = model_head; *p; p++)
        at += *p == '\n';
    run_fails("weights = 4: 0.1\n", 0, PA_ERR_MODEL, at, "no weighted node at level 4");
    run_fails("normalise = minmax; goalposts\n", 0, PA_ERR_MODEL, at, "cannot take");
    run_fails("seed = 3\n", 0, PA_ERR_MODEL, at - 1, "names no uncertain input");
    run_fails("aggregate = arithmetic; geometric\n", 1, PA_ERR_MODEL, at - 1,
              "two or more uncertain inputs");
    /* 2 × (4 + 2 + 1) = 14 dimensions fit Sobol; weights of a wider model would not */
    run_fails("weights = 1: 0.1\naggregate = arithmetic; geometric\n", 2, PA_ERR_ARGUMENT, 0,
              "0 runs");
}

/* points = sobol beyond GSL's 40 dimensions is refused; auto falls back to random. */
static void
test_sobol_limit(void **state)
{
    (void)state;
    char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "[index]\ncode = top\n[group g]\n"
                                  "parent = top\n[group h]\nparent = top\n");
    for (int i = 0; i < 24; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "[indicator i%d]\nparent = %s\n",
                                i, i % 2 ? "g" : "h");
    len += (size_t)snprintf(text + len, sizeof text - len,
                            "[uncertainty]\nweights = 1: 0.2\naggregate = arithmetic; median\n"
                            "points = sobol\n");
    pa_model *m = NULL;
    assert_int_equal(pa_model_parse(&m, text, "w.ini", NULL), PA_OK);
    char data[4096] = "unit";
    for (int i = 0; i < 24; i++)
        snprintf(data + strlen(data), sizeof data - strlen(data), ",i%d", i);
    for (int u = 0; u < 4; u++) {
        snprintf(data + strlen(data), sizeof data - strlen(data), "\nu%d", u);
        for (int i = 0; i < 24; i++)
            snprintf(data + strlen(data), sizeof data - strlen(data), ",%d", (u * 7 + i) % 5 + 1);
    }
    strcat(data, "\n");
    pa_data *d = NULL;
    assert_int_equal(pa_data_new(&d, m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, data, strlen(data), "w.csv", NULL), PA_OK);
    pa_uncertainty *u = NULL;
    pa_error e;
    /* 25 uniforms a run: Sobol for uncertainty, 50 for the Saltelli design */
    assert_int_equal(pa_uncertainty_run(&u, m, d, 8, NULL, NULL), PA_OK);
    assert_string_equal(pa_uncertainty_points(u), "sobol");
    pa_uncertainty_free(u);
    assert_int_equal(pa_sensitivity_run(&u, m, d, 8, NULL, &e), PA_ERR_MODEL);
    assert_int_equal(e.line, 6 + 2 * 24 + 4); /* head, indicators, then its fourth line */
    assert_non_null(strstr(e.text, "50 numbers per run"));
    pa_model_free(m);
    assert_true(strstr(text, "points = sobol\n") != NULL);
    memcpy(strstr(text, "points = sobol\n"), "points = auto \n", 15);
    assert_int_equal(pa_model_parse(&m, text, "w.ini", NULL), PA_OK);
    assert_int_equal(pa_sensitivity_run(&u, m, d, 8, NULL, NULL), PA_OK);
    assert_string_equal(pa_uncertainty_points(u), "random");
    pa_uncertainty_free(u);
    pa_data_free(d);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jansen_additive),   cmocka_unit_test(test_jansen_product),
        cmocka_unit_test(test_quantile),          cmocka_unit_test(test_draw_equals_setters),
        cmocka_unit_test(test_degenerate),        cmocka_unit_test(test_failed_draws),
        cmocka_unit_test(test_threads),           cmocka_unit_test(test_section_errors),
        cmocka_unit_test(test_design_errors),     cmocka_unit_test(test_sobol_limit),
        cmocka_unit_test(test_quantile_counts),   cmocka_unit_test(test_p2),
        cmocka_unit_test(test_stream_degenerate), cmocka_unit_test(test_stream_vs_exact),
        cmocka_unit_test(test_stream_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
