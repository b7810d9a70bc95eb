/* SPDX-License-Identifier: MIT */
/*
 * Parity with COINr 1.1.14 on its ASEM example: every (unit, node) score of
 * each pipeline that this version supports must equal COINr's to 1e-9
 * relative (1e-12 absolute where COINr has exactly 0). The pipelines whose
 * steps this version lacks (treat, impute, screen) must be refused as model
 * errors, not scored some other way.
 *
 * coinr_parity_scores.csv (made by tests/reference/coinr/make_scores.R) adds
 * log_CT_plus on indicators skewed either way, and Copeland with exact ties
 * and with missing children, where libpingan's answer is COINr's a_copeland
 * applied pair by pair and must not depend on the order of the rows.
 *
 * coinr_method_scores.csv (tests/reference/coinr/make_method_scores.R) covers
 * the rest of doc/methods.md: n_scaled, n_dist2ref, dist2max, dist2targ, none,
 * fracmax, goalposts with and without truncation, the weighted median and MPI
 * (written out in R from doc/methods.md: COINr has neither), genmean,
 * group-median imputation, latest and linear imputation on COINr's panel, the
 * log_CT_orig, log_GII (as COINr means it), boxcox and no fallbacks,
 * combine_treat, force_win, screening by zeros and with forced units, and
 * dat_thresh for every level and per level.
 *
 * Usage: test_coinr MODELS_DIR ASEM_DATA_DIR
 *   MODELS_DIR     holds asem_<pipeline>.ini
 *   ASEM_DATA_DIR  holds iData.csv (iData_neg.csv, iData_rev.csv, iData_panel.csv),
 *                  coinr_scores.csv, coinr_parity_scores.csv and coinr_method_scores.csv
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

#include "testutil.h"

#define REL_TOL 1e-9
#define ZERO_TOL 1e-12
/* 51 units x 60 nodes (49 indicators, 8 pillars, 2 sub-indices, the index) */
#define ROWS_PER_PIPELINE 3060

static const char *models_dir;
static const char *data_dir;

/* One row of coinr_scores.csv. */
typedef struct ref_row {
    char pipeline[48];
    char unit[16];
    char node[24];
    double score; /* NaN when COINr has NA (written as an empty field or NA) */
} ref_row;

static ref_row *rows;
static size_t n_rows, cap_rows; /* over every file loaded */

/* Copy field `s` (without surrounding quotes) into dst; 0 when it does not fit. */
static int
copy_field(char *dst, size_t size, const char *s)
{
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++;
        len -= 2;
    }
    if (len >= size)
        return 0;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return 1;
}

/* A test fixture, not a CSV reader: the file is four plain fields, no embedded commas, after
 * comment lines that start with '#'. */
static int
load_file(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[512];
    long lineno = 0, header = 0;
    int ok = 1;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!header && line[0] == '#')
            continue;
        if (!header++) {
            ok = strcmp(line, "\"pipeline\",\"unit\",\"node\",\"score\"") == 0;
            continue;
        }
        char *field[4];
        int nf = 0;
        char *p = line;
        field[nf++] = p;
        while (nf < 4 && (p = strchr(p, ',')) != NULL) {
            *p++ = '\0';
            field[nf++] = p;
        }
        if (nf != 4 || strchr(field[3], ',')) {
            ok = 0;
            break;
        }
        if (n_rows == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 4096;
            ref_row *grown = realloc(rows, cap_rows * sizeof *rows);
            if (!grown) {
                ok = 0;
                break;
            }
            rows = grown;
        }
        ref_row *r = &rows[n_rows];
        ok = copy_field(r->pipeline, sizeof r->pipeline, field[0]) &&
             copy_field(r->unit, sizeof r->unit, field[1]) &&
             copy_field(r->node, sizeof r->node, field[2]);
        char num[64];
        ok = ok && copy_field(num, sizeof num, field[3]);
        if (ok && (num[0] == '\0' || strcmp(num, "NA") == 0)) {
            r->score = NAN;
        } else if (ok) {
            char *end;
            errno = 0;
            r->score = strtod(num, &end);
            ok = *end == '\0' && errno == 0 && isfinite(r->score);
        }
        n_rows++;
    }
    fclose(f);
    if (!ok || n_rows == 0) {
        fprintf(stderr, "%s:%ld: unexpected content\n", path, lineno);
        return -1;
    }
    return 0;
}

static int
load_scores(void **state)
{
    (void)state;
    return load_file("coinr_scores.csv") || load_file("coinr_parity_scores.csv") ||
                   load_file("coinr_method_scores.csv")
               ? -1
               : 0;
}

static int
free_scores(void **state)
{
    (void)state;
    free(rows);
    rows = NULL;
    n_rows = cap_rows = 0;
    return 0;
}

static size_t
rows_of(const char *pipeline)
{
    size_t n = 0;
    for (size_t i = 0; i < n_rows; i++)
        n += strcmp(rows[i].pipeline, pipeline) == 0;
    return n;
}

static void
model_path(char *buf, size_t size, const char *pipeline)
{
    snprintf(buf, size, "%s/asem_%s.ini", models_dir, pipeline);
}

/* Fails the test with the library's own message when st is not PA_OK. */
static void
check_ok(pa_status st, const pa_error *err, const char *what)
{
    if (st != PA_OK) {
        char msg[1200];
        pa_error_format(err, msg, sizeof msg);
        print_error("%s: %s: %s\n", what, pa_strerror(st), msg);
        fail();
    }
}

static size_t
find_unit(const pa_result *r, const char *code)
{
    for (size_t u = 0; u < pa_result_unit_count(r); u++)
        if (strcmp(pa_result_unit_code(r, u), code) == 0)
            return u;
    return (size_t)-1;
}

/* Scores of model asem_<model>.ini on data file `data` against the reference `pipeline`, in
 * `period` (NULL: the data has one period). */
static void
compare_period(const char *pipeline, const char *model, const char *data, const char *period)
{
    char path[4096], idata[4096];
    pa_error err;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;

    /* the fixture itself: a truncated or renamed pipeline must not pass */
    assert_int_equal(rows_of(pipeline), ROWS_PER_PIPELINE);

    model_path(path, sizeof path, model);
    snprintf(idata, sizeof idata, "%s/%s", data_dir, data);
    check_ok(pa_model_load(&m, path, &err), &err, path);
    check_ok(pa_data_new(&d, m, &err), &err, "pa_data_new");
    check_ok(pa_data_read_file(d, idata, &err), &err, idata);
    check_ok(pa_compute(&r, m, d, &err), &err, "pa_compute");

    /* the period, and exactly the units and nodes COINr scored */
    size_t p = period ? pa_result_period_find(r, period) : 0;
    assert_true(period ? p != (size_t)-1 : pa_result_period_count(r) == 1);
    assert_int_equal(pa_result_unit_count(r), 51);
    assert_int_equal(pa_result_node_count(r), 60);
    assert_string_equal(pa_result_node_code(r, pa_result_node_count(r) - 1), "Index");

    size_t compared = 0, missing = 0;
    double worst = 0;
    const char *worst_unit = "", *worst_node = "";
    for (size_t i = 0; i < n_rows; i++) {
        const ref_row *ref = &rows[i];
        if (strcmp(ref->pipeline, pipeline) != 0)
            continue;
        size_t u = find_unit(r, ref->unit);
        size_t n = pa_result_node_find(r, ref->node);
        if (u == (size_t)-1 || n == (size_t)-1) {
            print_error("%s: unit '%s' or node '%s' is not in the result\n", pipeline,
                        ref->unit, ref->node);
            fail();
        }
        double got = pa_result_score(r, u, p, n);
        if (isnan(ref->score) || isnan(got)) {
            if (!(isnan(ref->score) && isnan(got))) {
                print_error("%s %s %s: expected %.17g, got %.17g\n", pipeline, ref->unit,
                            ref->node, ref->score, got);
                fail();
            }
            missing++;
        } else if (ref->score == 0) {
            if (!(fabs(got) <= ZERO_TOL)) {
                print_error("%s %s %s: expected 0, got %.17g (absolute tolerance %g)\n",
                            pipeline, ref->unit, ref->node, got, ZERO_TOL);
                fail();
            }
        } else {
            double rel = fabs(got - ref->score) / fmax(fabs(got), fabs(ref->score));
            if (rel > worst) {
                worst = rel;
                worst_unit = ref->unit;
                worst_node = ref->node;
            }
            if (rel > REL_TOL)
                print_error("%s %s %s:\n", pipeline, ref->unit, ref->node);
            assert_close(got, ref->score, REL_TOL);
        }
        compared++;
    }
    assert_int_equal(compared, ROWS_PER_PIPELINE);
    print_message("%s (%s): %zu scores compared (%zu missing in both), largest relative "
                  "difference %.3g (%s %s)\n",
                  pipeline, data, compared, missing, worst, worst_unit, worst_node);

    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

static void
compare_run(const char *pipeline, const char *model, const char *data)
{
    compare_period(pipeline, model, data, NULL);
}

static void
compare_pipeline(const char *pipeline)
{
    compare_run(pipeline, pipeline, "iData.csv");
}

/* The scores of pipeline b that differ from a's, at nodes whose code is not an indicator's
 * (both lists come from make_scores.R in the same order). */
static size_t
differing(const char *a, const char *b)
{
    size_t ia = 0, ib = 0, n = 0;
    for (;;) {
        while (ia < n_rows && strcmp(rows[ia].pipeline, a) != 0)
            ia++;
        while (ib < n_rows && strcmp(rows[ib].pipeline, b) != 0)
            ib++;
        if (ia == n_rows || ib == n_rows)
            break;
        assert_string_equal(rows[ia].unit, rows[ib].unit);
        assert_string_equal(rows[ia].node, rows[ib].node);
        n += rows[ia].score != rows[ib].score && !(isnan(rows[ia].score) && isnan(rows[ib].score));
        ia++, ib++;
    }
    assert_true(ia == n_rows && ib == n_rows);
    return n;
}

static void test_minmax_arith(void **state) { (void)state; compare_pipeline("minmax_arith"); }
static void test_zscore_arith(void **state) { (void)state; compare_pipeline("zscore_arith"); }
static void test_minmax1_geom(void **state) { (void)state; compare_pipeline("minmax1_geom"); }
static void test_minmax1_harm(void **state) { (void)state; compare_pipeline("minmax1_harm"); }
static void test_rank_arith(void **state) { (void)state; compare_pipeline("rank_arith"); }
static void test_prank_arith(void **state) { (void)state; compare_pipeline("prank_arith"); }
static void test_borda_arith(void **state) { (void)state; compare_pipeline("borda_arith"); }
static void
test_denom_minmax_arith(void **state)
{
    (void)state;
    compare_pipeline("denom_minmax_arith");
}

/* The steps before normalisation: winsorising (COINr Treat defaults), mean and median
 * imputation, and the full chain with group-mean imputation and screening. */
static void test_treat_minmax_arith(void **state) { (void)state; compare_pipeline("treat_minmax_arith"); }
static void test_impute_mean_minmax_arith(void **state) { (void)state; compare_pipeline("impute_mean_minmax_arith"); }
static void test_impute_median_minmax_arith(void **state) { (void)state; compare_pipeline("impute_median_minmax_arith"); }
static void test_full(void **state) { (void)state; compare_pipeline("full"); }

/* log_CT_plus: winmax 0 (17 indicators skewed high, FemLab low), winmax 1 (9 high), and
 * winmax 1 on every indicator negated (the same 9 skewed low). */
static void test_treat_plus0(void **state) { (void)state; compare_pipeline("treat_plus0_minmax_arith"); }
static void test_treat_plus1(void **state) { (void)state; compare_pipeline("treat_plus1_minmax_arith"); }
static void
test_treat_plus1_neg(void **state)
{
    (void)state;
    compare_run("treat_plus1_neg_minmax_arith", "treat_plus1_minmax_arith", "iData_neg.csv");
}

/* Copeland with no missing child: COINr's own answer, exact ties included. */
static void test_copeland_imputed(void **state) { (void)state; compare_pipeline("copeland_imputed"); }

/* Copeland with missing children: the pairwise answer, in either order of the rows. COINr's
 * answer changes with the order (the fixture shows it), and is not libpingan's. */
static void
test_copeland_missing(void **state)
{
    (void)state;
    compare_run("copeland_missing", "copeland_missing", "iData.csv");
    compare_run("copeland_missing", "copeland_missing", "iData_rev.csv");
    size_t order = differing("copeland_missing_coinr", "copeland_missing_coinr_rev");
    size_t ours = differing("copeland_missing", "copeland_missing_coinr");
    print_message("COINr's answer changes in %zu scores with the order of the rows; "
                  "libpingan's differs from it in %zu\n", order, ours);
    assert_true(order > 0);
    assert_true(ours > 0);
}

/* The pipelines of coinr_method_scores.csv, each with its model asem_<pipeline>.ini. */
#define PIPELINE(name) \
    static void test_##name(void **state) { (void)state; compare_pipeline(#name); }
PIPELINE(scaled_arith)
PIPELINE(dist2ref_arith)
PIPELINE(dist2max_arith)
PIPELINE(dist2targ_arith)
PIPELINE(none_arith)
PIPELINE(fracmax_arith)
PIPELINE(goalposts_arith)
PIPELINE(goalposts_untrunc_arith)
PIPELINE(minmax_median)
PIPELINE(minmax_mpi_imputed)
PIPELINE(minmax_genmean_imputed)
PIPELINE(impute_group_median_minmax_arith)
PIPELINE(treat_orig_minmax_arith)
PIPELINE(treat_gii_minmax_arith)
PIPELINE(treat_boxcox_minmax_arith)
PIPELINE(treat_combine_minmax_arith)
PIPELINE(treat_force_minmax_arith)
PIPELINE(treat_winonly_minmax_arith)
PIPELINE(screen_zeros_minmax_arith)
PIPELINE(screen_either_force_minmax_arith)
PIPELINE(dat_thresh_minmax_arith)
PIPELINE(dat_thresh_levels_minmax_arith)
#undef PIPELINE

/* Imputation along the periods of COINr's panel, one period compared. */
static void
test_impute_latest(void **state)
{
    (void)state;
    compare_period("impute_latest_p2022_minmax_arith", "impute_latest_p2022_minmax_arith",
                   "iData_panel.csv", "2022");
}

static void
test_impute_linear(void **state)
{
    (void)state;
    compare_period("impute_linear_p2020_minmax_arith", "impute_linear_p2020_minmax_arith",
                   "iData_panel.csv", "2020");
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODELS_DIR ASEM_DATA_DIR\n", argv[0]);
        return 2;
    }
    models_dir = argv[1];
    data_dir = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minmax_arith),
        cmocka_unit_test(test_zscore_arith),
        cmocka_unit_test(test_minmax1_geom),
        cmocka_unit_test(test_minmax1_harm),
        cmocka_unit_test(test_rank_arith),
        cmocka_unit_test(test_prank_arith),
        cmocka_unit_test(test_borda_arith),
        cmocka_unit_test(test_denom_minmax_arith),
        cmocka_unit_test(test_treat_minmax_arith),
        cmocka_unit_test(test_impute_mean_minmax_arith),
        cmocka_unit_test(test_impute_median_minmax_arith),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_treat_plus0),
        cmocka_unit_test(test_treat_plus1),
        cmocka_unit_test(test_treat_plus1_neg),
        cmocka_unit_test(test_copeland_imputed),
        cmocka_unit_test(test_copeland_missing),
        cmocka_unit_test(test_scaled_arith),
        cmocka_unit_test(test_dist2ref_arith),
        cmocka_unit_test(test_dist2max_arith),
        cmocka_unit_test(test_dist2targ_arith),
        cmocka_unit_test(test_none_arith),
        cmocka_unit_test(test_fracmax_arith),
        cmocka_unit_test(test_goalposts_arith),
        cmocka_unit_test(test_goalposts_untrunc_arith),
        cmocka_unit_test(test_minmax_median),
        cmocka_unit_test(test_minmax_mpi_imputed),
        cmocka_unit_test(test_minmax_genmean_imputed),
        cmocka_unit_test(test_impute_group_median_minmax_arith),
        cmocka_unit_test(test_impute_latest),
        cmocka_unit_test(test_impute_linear),
        cmocka_unit_test(test_treat_orig_minmax_arith),
        cmocka_unit_test(test_treat_gii_minmax_arith),
        cmocka_unit_test(test_treat_boxcox_minmax_arith),
        cmocka_unit_test(test_treat_combine_minmax_arith),
        cmocka_unit_test(test_treat_force_minmax_arith),
        cmocka_unit_test(test_treat_winonly_minmax_arith),
        cmocka_unit_test(test_screen_zeros_minmax_arith),
        cmocka_unit_test(test_screen_either_force_minmax_arith),
        cmocka_unit_test(test_dat_thresh_minmax_arith),
        cmocka_unit_test(test_dat_thresh_levels_minmax_arith),
    };
    return cmocka_run_group_tests_name("coinr", tests, load_scores, free_scores);
}
