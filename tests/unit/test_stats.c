/* SPDX-License-Identifier: MIT */
/* Index statistics (lib/stats.c, lib/pca.c): every expectation is worked out by hand from the
 * data lines below, or recomputed here from its definition. Values are scored as they are
 * (normalise = none), so the values entering normalisation are the data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "../testutil.h"

#define REL 1e-12

static const char model_text[] = "[index]\ncode = idx\nnormalise = none\nscope = period\n"
                                 "[group g1]\nparent = idx\n[group g2]\nparent = idx\n"
                                 "[indicator a]\nparent = g1\n[indicator b]\nparent = g1\n"
                                 "[indicator c]\nparent = g1\n"
                                 "[indicator d]\nparent = g2\ndirection = -1\n"
                                 "[indicator e]\nparent = g2\n";

/* b = 2a; c lacks u5; d has three zeros; e two distinct values. 2018 differs, so that a period
 * mixed up would show. */
static const char data_text[] = "unit,year,a,b,c,d,e\n"
                                "u1,2019,1,2,5,0,10\nu2,2019,2,4,3,0,10\nu3,2019,3,6,4,0,10\n"
                                "u4,2019,4,8,1,1,10\nu5,2019,5,10,,2,20\n"
                                "u1,2018,9,1,1,1,1\nu2,2018,1,1,2,2,2\nu3,2018,1,1,3,3,3\n"
                                "u4,2018,1,9,4,4,4\nu5,2018,1,1,5,5,5\n";

static pa_stats *
stats_of(const char *model, const char *data, const char *period, pa_status want)
{
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_stats *s = NULL;
    pa_error e;
    assert_int_equal(pa_model_parse(&m, model, "m.ini", NULL), PA_OK);
    assert_int_equal(pa_data_new(&d, m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, data, strlen(data), "t.csv", NULL), PA_OK);
    assert_int_equal(pa_stats_compute(&s, m, d, period, &e), want);
    pa_data_free(d);
    pa_model_free(m);
    return s;
}

static size_t
ind(const pa_stats *s, const char *code)
{
    for (size_t i = 0; i < pa_stats_indicator_count(s); i++)
        if (strcmp(pa_stats_indicator_code(s, i), code) == 0)
            return i;
    fail_msg("no indicator %s", code);
    return 0;
}

/* Pearson's r from its definition, over the pairs where both are present. */
static double
pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i]))
            mx += x[i], my += y[i], m++;
    mx /= m, my /= m;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i])) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
    return sxy / sqrt(sxx * syy);
}

static void
test_indicator(void **state)
{
    (void)state;
    pa_stats *s = stats_of(model_text, data_text, NULL, PA_OK);
    assert_string_equal(pa_stats_period(s), "2019");
    assert_int_equal(pa_stats_unit_count(s), 5);
    assert_int_equal(pa_stats_indicator_count(s), 5);
    size_t a = ind(s, "a"), c = ind(s, "c"), d = ind(s, "d"), e = ind(s, "e");
    assert_string_equal(pa_stats_indicator_group(s, a), "g1");
    /* a = 1..5: sd √2.5, no skew; kurtosis ((n+1)(n·Σd⁴/(Σd²)² − 3) + 6)(n−1)/((n−2)(n−3))
     * with Σd² = 10, Σd⁴ = 34: (6·(1.7 − 3) + 6)·4/6 = −1.2 */
    assert_close(pa_stats_indicator(s, a, PA_STAT_MIN), 1, REL);
    assert_close(pa_stats_indicator(s, a, PA_STAT_MAX), 5, REL);
    assert_close(pa_stats_indicator(s, a, PA_STAT_MEAN), 3, REL);
    assert_close(pa_stats_indicator(s, a, PA_STAT_SD), sqrt(2.5), REL);
    assert_true(fabs(pa_stats_indicator(s, a, PA_STAT_SKEW)) < 1e-15);
    assert_close(pa_stats_indicator(s, a, PA_STAT_KURT), -1.2, REL);
    /* c: 5, 3, 4, 1 and one missing */
    assert_close(pa_stats_indicator(s, c, PA_STAT_N_AVAIL), 4, REL);
    assert_close(pa_stats_indicator(s, c, PA_STAT_FRAC_AVAIL), 0.8, REL);
    assert_close(pa_stats_indicator(s, c, PA_STAT_MEDIAN), 3.5, REL);
    assert_close(pa_stats_indicator(s, c, PA_STAT_MEAN), 3.25, REL);
    /* d: 0 0 0 1 2 → 2 non-zero of 5 (< 0.5: flagged), 3 distinct, 3 the same */
    assert_close(pa_stats_indicator(s, d, PA_STAT_N_NONZERO), 2, REL);
    assert_close(pa_stats_indicator(s, d, PA_STAT_N_UNIQUE), 3, REL);
    assert_close(pa_stats_indicator(s, d, PA_STAT_N_SAME), 3, REL);
    assert_close(pa_stats_indicator(s, d, PA_STAT_FRAC_SAME), 0.6, REL);
    assert_int_equal(pa_stats_indicator_flags(s, d), PA_STATS_LOW_NONZERO);
    /* e: 10 10 10 10 20 → 2 distinct of 5: flagged; skew 2.236 > 2 and kurt 5 > 3.5 */
    assert_int_equal(pa_stats_indicator_flags(s, e), PA_STATS_LOW_UNIQUE | PA_STATS_SKEW_KURT);
    assert_close(pa_stats_indicator(s, e, PA_STAT_SKEW), sqrt(5), REL);
    assert_close(pa_stats_indicator(s, e, PA_STAT_KURT), 5, REL);
    assert_int_equal(pa_stats_indicator_flags(s, a), 0);
    assert_true(isnan(pa_stats_indicator(s, 99, PA_STAT_MIN)));
    assert_null(pa_stats_indicator_code(s, 99));
    pa_stats_free(s);
}

static void
test_corr(void **state)
{
    (void)state;
    pa_stats *s = stats_of(model_text, data_text, "2019", PA_OK);
    size_t a = ind(s, "a"), b = ind(s, "b"), c = ind(s, "c"), d = ind(s, "d"), e = ind(s, "e");
    /* a, c over u1..u4: Σdadc = −5.5, Σda² = 5, Σdc² = 8.75 */
    assert_close(pa_stats_corr(s, PA_CORR_PEARSON, a, c), -5.5 / sqrt(5 * 8.75), REL);
    assert_close(pa_stats_corr(s, PA_CORR_PEARSON, c, a), -5.5 / sqrt(5 * 8.75), REL);
    /* ranks 1 2 3 4 against 4 2 3 1: 1 − 6·18/(4·15) */
    assert_close(pa_stats_corr(s, PA_CORR_SPEARMAN, a, c), -0.8, REL);
    assert_close(pa_stats_corr(s, PA_CORR_PEARSON, a, b), 1, REL);
    assert_close(pa_stats_corr(s, PA_CORR_PEARSON, a, a), 1, REL);
    /* d, e: Σ = 14, Σdd² = 3.2, Σde² = 80; Spearman with ties at their mean rank:
     * d ranks 2 2 2 4 5, e 2.5 2.5 2.5 2.5 5 */
    assert_close(pa_stats_corr(s, PA_CORR_PEARSON, d, e), 0.875, REL);
    double rd[] = { 2, 2, 2, 4, 5 }, re[] = { 2.5, 2.5, 2.5, 2.5, 5 };
    assert_close(pa_stats_corr(s, PA_CORR_SPEARMAN, d, e), pearson(rd, re, 5), REL);
    /* flags inside a group, directions applied: d is lower-is-better, so d ~ e pull apart */
    assert_int_equal(pa_stats_corr_flag(s, PA_CORR_PEARSON, a, b), 1);
    assert_int_equal(pa_stats_corr_flag(s, PA_CORR_PEARSON, a, c), -1);
    assert_int_equal(pa_stats_corr_flag(s, PA_CORR_PEARSON, d, e), -1);
    /* the report shows the value judged: d's direction times e's times 0.875 */
    assert_int_equal(pa_stats_indicator_direction(s, d), -1);
    assert_int_equal(pa_stats_indicator_direction(s, e), 1);
    assert_int_equal(pa_stats_indicator_direction(s, 99), 0);
    assert_int_equal(pa_stats_corr_flag(s, PA_CORR_PEARSON, a, e), 0); /* other groups */
    assert_int_equal(pa_stats_corr_flag(s, PA_CORR_PEARSON, a, a), 0);
    assert_true(isnan(pa_stats_corr(s, PA_CORR_PEARSON, a, 99)));
    pa_stats_free(s);
}

static void
test_parent(void **state)
{
    (void)state;
    pa_stats *s = stats_of(model_text, data_text, NULL, PA_OK);
    /* scores are the values, d times −1; groups are plain means of their children */
    double a[] = { 1, 2, 3, 4, 5 }, c[] = { 5, 3, 4, 1, NAN }, d[] = { 0, 0, 0, -1, -2 };
    double e[] = { 10, 10, 10, 10, 20 }, g1[5], g2[5], idx[5];
    for (int u = 0; u < 5; u++) {
        g1[u] = u < 4 ? (a[u] + 2 * a[u] + c[u]) / 3 : (a[u] + 2 * a[u]) / 2;
        g2[u] = (d[u] + e[u]) / 2;
        idx[u] = (g1[u] + g2[u]) / 2;
    }
    int seen = 0;
    for (size_t k = 0; k < pa_stats_parent_count(s); k++) {
        const char *node, *parent;
        double r = pa_stats_parent_corr(s, PA_CORR_PEARSON, k, &node, &parent);
        if (strcmp(node, "c") == 0) {
            assert_string_equal(parent, "g1");
            assert_close(r, pearson(c, g1, 5), 1e-10);
            seen++;
        } else if (strcmp(node, "d") == 0) {
            assert_close(r, pearson(d, g2, 5), 1e-10);
            seen++;
        } else if (strcmp(node, "g2") == 0) {
            assert_string_equal(parent, "idx");
            assert_close(r, pearson(g2, idx, 5), 1e-10);
            seen++;
        }
    }
    assert_int_equal(seen, 3);
    assert_int_equal(pa_stats_parent_count(s), 7); /* 5 indicators and 2 groups */
    pa_stats_free(s);
}

static void
test_groups(void **state)
{
    (void)state;
    pa_stats *s = stats_of(model_text, data_text, NULL, PA_OK);
    assert_int_equal(pa_stats_group_count(s), 2);
    size_t g1 = strcmp(pa_stats_group_code(s, 0), "g1") == 0 ? 0 : 1, g2 = 1 - g1;
    /* Cronbach, pairwise covariances: var a 2.5, b 10, c 8.75/3; cov ab 5, ac −5.5/3,
     * bc −11/3: Σ = 15.41667 − 1 = 14.41667, α = 3/2 · (−1) / 14.41667 */
    double var = 2.5 + 10 + 8.75 / 3, all = var + 2 * (5 - 5.5 / 3 - 11.0 / 3);
    assert_close(pa_stats_group_alpha(s, g1), 1.5 * (all - var) / all, 1e-10);
    /* PCA of g1 over u1..u4: r_ab = 1, r_ac = r_bc = ρ; eigenvalues 0 and
     * (3 ± √(1 + 8ρ²))/2; PC1 ∝ (1, 1, (λ − 2)/ρ) */
    assert_int_equal(pa_stats_group_complete(s, g1), 4);
    double rho = -5.5 / sqrt(5 * 8.75), l1 = (3 + sqrt(1 + 8 * rho * rho)) / 2;
    assert_close(pa_stats_group_share(s, g1, 0), l1 / 3, 1e-10);
    assert_close(pa_stats_group_share(s, g1, 1), (3 - l1) / 3, 1e-10);
    assert_true(fabs(pa_stats_group_share(s, g1, 2)) < 1e-12);
    double v[] = { 1, 1, (l1 - 2) / rho }, norm = sqrt(2 + v[2] * v[2]);
    double sign = fabs(v[2]) > 1 ? -1 : 1; /* the largest entry in absolute value positive */
    for (size_t k = 0; k < 3; k++) {
        size_t i = pa_stats_group_member(s, g1, k);
        double want = sign * v[i == ind(s, "c") ? 2 : 0] / norm;
        assert_close(pa_stats_group_loading(s, g1, k), want, 1e-9);
    }
    /* two indicators: shares (1 ± r)/2, loadings 1/√2 */
    assert_close(pa_stats_group_share(s, g2, 0), (1 + 0.875) / 2, 1e-12);
    assert_close(pa_stats_group_loading(s, g2, 0), sqrt(0.5), 1e-12);
    assert_close(pa_stats_group_loading(s, g2, 1), sqrt(0.5), 1e-12);
    assert_int_equal(pa_stats_group_size(s, g2), 2);
    assert_true(isnan(pa_stats_group_alpha(s, 9)));
    pa_stats_free(s);
}

/* The period asked for, every period with scope = panel, and an unknown one. */
static void
test_periods(void **state)
{
    (void)state;
    pa_stats *s = stats_of(model_text, data_text, "2018", PA_OK);
    assert_close(pa_stats_indicator(s, ind(s, "a"), PA_STAT_MAX), 9, REL);
    assert_close(pa_stats_indicator(s, ind(s, "a"), PA_STAT_MEDIAN), 1, REL);
    pa_stats_free(s);
    assert_null(stats_of(model_text, data_text, "2017", PA_ERR_ARGUMENT));
    char panel[sizeof model_text + 16];
    snprintf(panel, sizeof panel, "%s", model_text);
    memcpy(strstr(panel, "scope = period"), "scope = panel ", 14);
    s = stats_of(panel, data_text, NULL, PA_OK);
    assert_int_equal(pa_stats_unit_count(s), 10);
    assert_close(pa_stats_indicator(s, ind(s, "a"), PA_STAT_MEAN), 2.8, REL); /* (15 + 13) / 10 */
    assert_close(pa_stats_indicator(s, ind(s, "c"), PA_STAT_N_AVAIL), 9, REL);
    pa_stats_free(s);
}

/* Reference units and screened-out units are not counted; a PCA without two complete units is
 * undefined, not an error. */
static void
test_left_out(void **state)
{
    (void)state;
    static const char model[] = "[index]\ncode = idx\nnormalise = none\nmin_coverage = 0.6\n"
                                "reference_units = city\n[indicator a]\n[indicator b]\n";
    static const char data[] = "unit,a,b\ncity,100,100\nu1,1,\nu2,2,4\nu3,3,\n";
    pa_stats *s = stats_of(model, data, NULL, PA_OK);
    assert_int_equal(pa_stats_unit_count(s), 1); /* u1 and u3 have half their indicators */
    assert_close(pa_stats_indicator(s, 0, PA_STAT_MEAN), 2, REL);
    assert_true(isnan(pa_stats_indicator(s, 0, PA_STAT_SD)));
    assert_true(isnan(pa_stats_corr(s, PA_CORR_PEARSON, 0, 1)));
    assert_int_equal(pa_stats_group_complete(s, 0), 1);
    assert_true(isnan(pa_stats_group_share(s, 0, 0)));
    pa_stats_free(s);
}

static void
test_pca_direct(void **state)
{
    (void)state;
    double share[2], load[2];
    /* one column: all the variance, loading 1 */
    double one[] = { 1, 2, 4 };
    assert_int_equal(pa_pca(one, 3, 1, share, load, NULL), PA_OK);
    assert_close(share[0], 1, REL);
    assert_close(load[0], 1, REL);
    /* opposed columns: r = −1, PC1 ±(1, −1)/√2 */
    double opp[] = { 1, -2, 2, -4, 3, -6 };
    assert_int_equal(pa_pca(opp, 3, 2, share, load, NULL), PA_OK);
    assert_close(share[0], 1, 1e-12);
    assert_close(fabs(load[0]), sqrt(0.5), 1e-12);
    assert_close(load[0] * load[1], -0.5, 1e-12);
    double flat[] = { 1, 5, 2, 5, 3, 5 }; /* a constant column */
    assert_int_equal(pa_pca(flat, 3, 2, share, load, NULL), PA_ERR_COMPUTE);
    assert_int_equal(pa_pca(one, 1, 1, share, load, NULL), PA_ERR_COMPUTE);
}

/* Every allocation that fails is reported as out of memory, and nothing leaks. */
static void
test_allocation_failure(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_stats *s = NULL;
    assert_int_equal(pa_model_parse(&m, model_text, "m.ini", NULL), PA_OK);
    assert_int_equal(pa_data_new(&d, m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, data_text, strlen(data_text), "t.csv", NULL), PA_OK);
    pa__alloc_fail_at(0);
    assert_int_equal(pa_stats_compute(&s, m, d, NULL, NULL), PA_OK);
    pa_stats_free(s);
    long total = pa__alloc_fail_at(0), failed = 0;
    for (long n = 1; n <= total; n++) {
        pa__alloc_fail_at(n);
        pa_status st = pa_stats_compute(&s, m, d, NULL, NULL);
        pa__alloc_fail_at(0);
        if (st != PA_ERR_NOMEM && st != PA_OK)
            fail_msg("allocation %ld of %ld: status %d", n, total, st);
        failed += st == PA_ERR_NOMEM;
        assert_true(st == PA_OK || s == NULL);
        pa_stats_free(s);
        s = NULL;
    }
    assert_true(failed > total / 2);
    pa_data_free(d);
    pa_model_free(m);
}

/* ---- weight = pca ---- */

static pa_status
compute_text(const char *model, const char *data, pa_result **r, pa_error *e)
{
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_status st = pa_model_parse(&m, model, "m.ini", e);
    if (st == PA_OK && (st = pa_data_new(&d, m, e)) == PA_OK &&
        (st = pa_data_read_buffer(d, data, strlen(data), "t.csv", e)) == PA_OK)
        st = pa_compute(r, m, d, e);
    pa_data_free(d);
    pa_model_free(m);
    return st;
}

/* g1's children weigh their squared PC1 loadings (test_groups' PCA: 2019 alone), g2's stay. */
static void
test_pca_weights(void **state)
{
    (void)state;
    char model[sizeof model_text + 32], data[sizeof data_text];
    snprintf(model, sizeof model, "%s", model_text);
    char *at = strstr(model, "[group g1]\nparent = idx\n") + strlen("[group g1]\nparent = idx\n");
    memmove(at + 13, at, strlen(at) + 1);
    memcpy(at, "weight = pca\n", 13);
    snprintf(data, sizeof data, "%s", data_text);
    *strstr(data, "u1,2018") = '\0';
    pa_result *r = NULL;
    pa_error e;
    assert_int_equal(compute_text(model, data, &r, &e), PA_OK);
    double rho = -5.5 / sqrt(5 * 8.75), l1 = (3 + sqrt(1 + 8 * rho * rho)) / 2;
    double v2 = (l1 - 2) / rho, norm2 = 2 + v2 * v2;
    assert_close(pa_result_node_weight(r, pa_result_node_find(r, "a")), 1 / norm2, 1e-9);
    assert_close(pa_result_node_weight(r, pa_result_node_find(r, "b")), 1 / norm2, 1e-9);
    assert_close(pa_result_node_weight(r, pa_result_node_find(r, "c")), v2 * v2 / norm2, 1e-9);
    assert_close(pa_result_node_weight(r, pa_result_node_find(r, "d")), 0.5, REL);
    /* u1: a 1, b 2, c 5 weighted so */
    size_t g1 = pa_result_node_find(r, "g1"), u1 = 0;
    for (size_t u = 0; u < pa_result_unit_count(r); u++)
        if (strcmp(pa_result_unit_code(r, u), "u1") == 0)
            u1 = u;
    assert_close(pa_result_score(r, u1, 0, g1), (1 + 2 + 5 * v2 * v2) / norm2, 1e-9);
    pa_result_free(r);
}

static void
test_pca_weights_refused(void **state)
{
    (void)state;
    static const char model[] = "[index]\ncode = idx\nnormalise = none\n"
                                "[group g]\nweight = pca\n[indicator a]\nparent = g\n"
                                "[indicator b]\nparent = g\n";
    pa_result *r = NULL;
    pa_error e;
    /* two children need three complete units; u3 lacks b */
    assert_int_equal(compute_text(model, "unit,a,b\nu1,1,2\nu2,2,1\nu3,3,\n", &r, &e),
                     PA_ERR_COMPUTE);
    assert_string_equal(e.file, "m.ini");
    assert_int_equal(e.line, 5);
    assert_non_null(strstr(e.text, "2 units have a score for each of its 2 children"));
    assert_int_equal(compute_text(model, "unit,a,b\nu1,1,2\nu2,2,2\nu3,3,2\n", &r, &e),
                     PA_ERR_COMPUTE);
    assert_non_null(strstr(e.text, "same score for every unit"));
    assert_int_equal(e.line, 5);
    /* a weight of its own beside the parent's weight = pca, and pca on an indicator */
    static const char both[] = "[index]\n[group g]\nweight = pca\n[indicator a]\nparent = g\n"
                               "weight = 2\n";
    assert_int_equal(compute_text(both, "unit,a\nu1,1\n", &r, &e), PA_ERR_MODEL);
    assert_int_equal(e.line, 6);
    assert_non_null(strstr(e.text, "takes its children's weights from PCA"));
    assert_int_equal(compute_text("[index]\n[indicator a]\nweight = pca\n", "unit,a\nu1,1\n",
                                  &r, &e), PA_ERR_MODEL);
    assert_int_equal(e.line, 3);
    assert_null(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indicator), cmocka_unit_test(test_corr),
        cmocka_unit_test(test_parent),    cmocka_unit_test(test_groups),
        cmocka_unit_test(test_periods),   cmocka_unit_test(test_left_out),
        cmocka_unit_test(test_pca_direct), cmocka_unit_test(test_allocation_failure),
        cmocka_unit_test(test_pca_weights), cmocka_unit_test(test_pca_weights_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
