/* SPDX-License-Identifier: MIT */
/* Allocation failure: fail the Nth allocation for every N across a whole run (model, data,
 * compute, output), with pa_compute and with pa_compute_nodes, and through the model changed
 * in memory and a data set made in memory for another model, and through an engine (also over
 * a unit tree). Each run must end in PA_OK or PA_ERR_NOMEM, never anything else, and
 * leak nothing (run under valgrind or ASan to see leaks). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static const char model_text[] =
    "[index]\n"
    "code = idx\n"
    "unit_column = unit\n"
    "name_column = name\n"
    "impute = linear\n"
    "treat = winsorise\n"
    "min_coverage = 0.3\n"
    "reference_units = city\n"
    "bands = 50 good green; 0 poor red\n"
    "[group a]\n"
    "weight = 2\n"
    "aggregate = median\n"
    "[group b]\n"
    "aggregate = copeland\n"
    "[indicator x]\n"
    "parent = a\n"
    "direction = -1\n"
    "denominator = pop\n"
    "per = 1000\n"
    "[indicator y]\n"
    "parent = a\n"
    "normalise = zscore\n"
    "[indicator z]\n"
    "parent = b\n"
    "normalise = prank\n"
    "[penalty deaths_pts]\n"
    "column = deaths\n"
    "points = 1\n"
    "cap = 3\n";

static const char data_text[] =
    "unit,name,year,pop,x,y,z,deaths\n"
    "city,City,2018,1000,10,5,1,0\n"
    "a,\"Alpha, A\",2018,400,4,2,,1\n"
    "b,Beta,2018,600,6,NA,3,0\n"
    "c,Gamma,2018,300,9,1,2,2\n"
    "d,Delta,2018,350,1,7,5,0\n"
    "e,Eps,2018,200,100,4,4,0\n"
    "city,City,2019,1100,9,6,2,1\n"
    "a,\"Alpha, A\",2019,420,3,3,1,0\n"
    "b,Beta,2019,680,,2,3,1\n"
    "c,Gamma,2019,300,8,,,0\n"
    "d,Delta,2019,350,2,6,5,0\n"
    "e,Eps,2019,210,90,5,4,3\n";

/* lean: compute with pa_compute_nodes, holding these nodes (it consumes the data set) */
typedef struct how {
    int lean;
    const char *const *nodes;
    size_t n_nodes;
} how;

static pa_status
run_once(const how *h)
{
    pa_error err;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    char *buf = NULL;
    size_t len = 0;
    pa_status st = pa_model_parse(&m, model_text, "chaos.ini", &err);
    if (st == PA_OK)
        st = pa_data_new(&d, m, &err);
    if (st == PA_OK)
        st = pa_data_read_buffer(d, data_text, strlen(data_text), "chaos.csv", &err);
    if (st == PA_OK && h->lean) {
        st = pa_compute_nodes(&r, m, d, h->nodes, h->n_nodes, &err);
        d = NULL;
    } else if (st == PA_OK) {
        st = pa_compute(&r, m, d, &err);
    }
    if (st == PA_OK) /* a mean base allocates its labels */
        st = pa_result_set_compare(r, PA_COMPARE_MEAN, 1, &err);
    if (st == PA_OK)
        st = pa_result_set_base(r, "2018", &err);
    for (int fmt = 0; fmt < 2 && st == PA_OK; fmt++) {
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        st = pa_result_write(r, f, fmt ? PA_FORMAT_JSON : PA_FORMAT_CSV, NULL, &err);
        fclose(f);
        free(buf);
        buf = NULL;
    }
    if (st != PA_OK)
        assert_int_equal(err.status, st);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
    return st;
}

/* The in-memory API: a copy changed by every setter, computed on data made in memory and on
 * data read for the original. */
static pa_status
change(pa_model *c, pa_error *err)
{
    static const double range[] = { 1, 10 }, p[] = { 2 };
    pa_status st = pa_model_set_weight(c, "a", 3, err);
    if (st == PA_OK)
        st = pa_model_set_direction(c, "y", -1, err);
    if (st == PA_OK)
        st = pa_model_set_denominator(c, "x", "pop", 100, err);
    if (st == PA_OK)
        st = pa_model_set_normalise(c, "z", "minmax", range, 2, err);
    if (st == PA_OK)
        st = pa_model_set_aggregate(c, "b", "genmean", p, 1, err);
    if (st == PA_OK)
        st = pa_model_set(c, NULL, "bands", "60 ok; 0 low", err);
    if (st == PA_OK) /* refused (minmax takes no target): the copy stays as it was */
        st = pa_model_set_target(c, "z", 5, err);
    if (st == PA_ERR_MODEL)
        st = PA_OK;
    return st == PA_OK ? pa_model_remove_indicator(c, "y", err) : st;
}

static pa_status
made_in_memory(pa_data **d, pa_error *err)
{
    static const char *const cols[] = { "x", "z", "pop", "deaths" };
    static const double x[] = { 5, 7, 9 }, z[] = { 1, NAN, 3 }, pop[] = { 10, 20, 30 },
                        deaths[] = { 0, 1, 2 };
    static const double *const values[] = { x, z, pop, deaths };
    static const char *const units[] = { "city", "u2", "u3" }, *periods[] = { "2019", "2019",
                                                                             "2019" };
    pa_status st = pa_data_create(d, cols, 4, err);
    return st == PA_OK ? pa_data_add_rows(*d, 3, units, NULL, periods, NULL, values, err) : st;
}

static pa_status
compute_free(const pa_model *m, const pa_data *d, pa_error *err)
{
    pa_result *r = NULL;
    pa_status st = pa_compute(&r, m, d, err);
    pa_result_free(r);
    return st;
}

static pa_status
edit_once(const how *h)
{
    (void)h;
    pa_error err;
    pa_model *m = NULL, *c = NULL;
    pa_data *d = NULL, *mem = NULL;
    pa_status st = pa_model_parse(&m, model_text, "chaos.ini", &err);
    if (st == PA_OK)
        st = pa_data_new(&d, m, &err);
    if (st == PA_OK)
        st = pa_data_read_buffer(d, data_text, strlen(data_text), "chaos.csv", &err);
    if (st == PA_OK)
        st = pa_model_copy(&c, m, &err);
    if (st == PA_OK)
        st = change(c, &err);
    pa_model_free(m); /* the data set read for it outlives it */
    if (st == PA_OK)
        st = compute_free(c, d, &err);
    if (st == PA_OK)
        st = made_in_memory(&mem, &err);
    if (st == PA_OK)
        st = compute_free(c, mem, &err);
    if (st != PA_OK)
        assert_int_equal(err.status, st);
    pa_data_free(mem);
    pa_data_free(d);
    pa_model_free(c);
    return st;
}

/* The CSV of m computed by en (or by pa_compute when en is NULL), into *out (NULL on failure). */
static pa_status
csv_by(pa_engine *en, const pa_model *m, const pa_data *d, char **out, pa_error *err)
{
    pa_result *r = NULL;
    size_t len = 0;
    *out = NULL;
    pa_status st = en ? pa_engine_compute(en, m, &r, err) : pa_compute(&r, m, d, err);
    if (st == PA_OK) {
        FILE *f = open_memstream(out, &len);
        assert_non_null(f);
        st = pa_result_write(r, f, PA_FORMAT_CSV, NULL, err);
        fclose(f);
    }
    pa_result_free(r);
    if (st != PA_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

/* After a failure anywhere, an engine computes exactly what pa_compute does: no stage of a
 * failed call was kept half made. Checked with allocations working again. */
static void
engine_still_right(pa_engine *en, const pa_model *m, const pa_data *d)
{
    long was = pa__alloc_fail_at(0);
    (void)was;
    pa_error err;
    char *want, *got;
    assert_int_equal(csv_by(NULL, m, d, &want, &err), PA_OK);
    assert_int_equal(csv_by(en, m, d, &got, &err), PA_OK);
    assert_string_equal(got, want);
    free(want);
    free(got);
}

/* An engine scores the model, a changed copy, and the model again; every call may fail. */
static pa_status
engine_once(const how *h)
{
    (void)h;
    pa_error err;
    pa_model *m = NULL, *c = NULL;
    pa_data *d = NULL;
    pa_engine *en = NULL;
    char *csv = NULL;
    pa_status st = pa_model_parse(&m, model_text, "chaos.ini", &err);
    if (st == PA_OK)
        st = pa_data_new(&d, m, &err);
    if (st == PA_OK)
        st = pa_data_read_buffer(d, data_text, strlen(data_text), "chaos.csv", &err);
    if (st == PA_OK)
        st = pa_model_copy(&c, m, &err);
    if (st == PA_OK)
        st = change(c, &err);
    if (st == PA_OK)
        st = pa_engine_new(&en, d, &err);
    pa_status first = st == PA_OK ? csv_by(en, m, d, &csv, &err) : st;
    free(csv);
    pa_status second = st == PA_OK ? csv_by(en, c, d, &csv, &err) : st;
    free(csv);
    pa_status third = st == PA_OK ? csv_by(en, m, d, &csv, &err) : st;
    free(csv);
    st = first != PA_OK ? first : second != PA_OK ? second : third;
    if (st != PA_OK)
        assert_int_equal(err.status, st);
    if (en) {
        engine_still_right(en, c, d);
        engine_still_right(en, m, d);
    }
    pa_engine_free(en);
    pa_data_free(d);
    pa_model_free(c);
    pa_model_free(m);
    return st;
}

/* [units]: three streets under two districts under a city; the table is a file beside the
 * model (units_dir, made once). */
static const char units_model[] =
    "[index]\n"
    "code = idx\n"
    "unit_column = unit\n"
    "name_column = name\n"
    "[indicator x]\n"
    "denominator = pop\n"
    "per = 1000\n"
    "[indicator y]\n"
    "rollup = mean\n"
    "[units]\n"
    "parents = parents.csv\n"
    "levels = street; district; city\n";
static const char units_parents[] = "unit,parent\ncity,\nd1,city\nd2,city\na,d1\nb,d1\nc,d2\n";
static const char units_data[] =
    "unit,name,year,pop,x,y\n"
    "a,A,2018,400,4,2\nb,B,2018,600,6,5\nc,C,2018,300,9,1\n"
    "a,A,2019,420,3,3\nb,B,2019,680,5,2\nc,C,2019,300,8,4\n";
static char units_ini[256];

/* An engine over the unit tree: the model, a weight changed, a roll-up rule changed (which
 * rolls up anew), the model again; every call may fail. */
static pa_status
units_once(const how *h)
{
    (void)h;
    pa_error err;
    pa_model *m = NULL, *c = NULL, *c2 = NULL;
    pa_data *d = NULL;
    pa_engine *en = NULL;
    char *csv = NULL;
    pa_status st = pa_model_parse(&m, units_model, units_ini, &err);
    if (st == PA_OK)
        st = pa_data_new(&d, m, &err);
    if (st == PA_OK)
        st = pa_data_read_buffer(d, units_data, strlen(units_data), "units.csv", &err);
    if (st == PA_OK && (st = pa_model_copy(&c, m, &err)) == PA_OK)
        st = pa_model_set_weight(c, "x", 3, &err);
    if (st == PA_OK && (st = pa_model_copy(&c2, m, &err)) == PA_OK)
        st = pa_model_set(c2, "y", "rollup", "weighted:pop", &err);
    if (st == PA_OK)
        st = pa_engine_new(&en, d, &err);
    const pa_model *seq[] = { m, c, c2, m };
    for (size_t i = 0; i < 4 && st == PA_OK; i++) {
        st = csv_by(en, seq[i], d, &csv, &err);
        free(csv);
    }
    if (st != PA_OK)
        assert_int_equal(err.status, st);
    if (en) {
        engine_still_right(en, c2, d);
        engine_still_right(en, c, d);
        engine_still_right(en, m, d);
    }
    pa_engine_free(en);
    pa_data_free(d);
    pa_model_free(c2);
    pa_model_free(c);
    pa_model_free(m);
    return st;
}

/* An uncertainty and a sensitivity run, on one thread so that allocations come in one order. */
static pa_status
unc_once(const how *h)
{
    (void)h;
    char text[sizeof model_text + 128];
    snprintf(text, sizeof text, "%s[uncertainty]\nweights = 1: 0.2\n"
             "aggregate = arithmetic; median\ndrop_one = yes\n", model_text);
    pa_error err;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_uncertainty *u = NULL, *s = NULL;
    pa_status st = pa_model_parse(&m, text, "chaos.ini", &err);
    if (st == PA_OK)
        st = pa_data_new(&d, m, &err);
    if (st == PA_OK)
        st = pa_data_read_buffer(d, data_text, strlen(data_text), "chaos.csv", &err);
    if (st == PA_OK)
        st = pa_uncertainty_run(&u, m, d, 6, NULL, &err);
    if (st == PA_OK)
        st = pa_sensitivity_run(&s, m, d, 3, NULL, &err);
    FILE *f = st == PA_OK ? fopen("/dev/null", "w") : NULL;
    if (f) {
        st = pa_uncertainty_write(u, f, PA_FORMAT_JSON, &err);
        if (st == PA_OK)
            st = pa_uncertainty_write(s, f, PA_FORMAT_CSV, &err);
        fclose(f);
    }
    if (st != PA_OK)
        assert_int_equal(err.status, st);
    pa_uncertainty_free(u);
    pa_uncertainty_free(s);
    pa_data_free(d);
    pa_model_free(m);
    return st;
}

static void
every_allocation_fails_cleanly_in(pa_status (*run)(const how *), const how *h)
{
    pa__alloc_fail_at(0);
    assert_int_equal(run(h), PA_OK);
    long total = pa__alloc_fail_at(0);
    assert_true(total > 50); /* the run really allocates: the loop below means something */
    long failed = 0;
    for (long n = 1; n <= total + 1; n++) {
        pa__alloc_fail_at(n);
        pa_status st = run(h);
        if (st != PA_OK && st != PA_ERR_NOMEM)
            fail_msg("allocation %ld of %ld failed: status %d, not PA_ERR_NOMEM", n, total, st);
        failed += st == PA_ERR_NOMEM;
    }
    pa__alloc_fail_at(0);
    /* every allocation but the ones whose failure is tolerated must have been reached */
    assert_true(failed >= total / 2);
}

static void
every_allocation_fails_cleanly(const how *h)
{
    every_allocation_fails_cleanly_in(run_once, h);
}

static void
test_every_allocation_fails_cleanly_in_uncertainty(void **state)
{
    (void)state;
    setenv("PINGAN_THREADS", "1", 1);
    every_allocation_fails_cleanly_in(unc_once, &(how){ 0 });
    unsetenv("PINGAN_THREADS");
}

static void
test_every_allocation_fails_cleanly_in_an_engine(void **state)
{
    (void)state;
    every_allocation_fails_cleanly_in(engine_once, &(how){ 0 });
}

static void
test_every_allocation_fails_cleanly_in_units(void **state)
{
    (void)state;
    char dir[] = "/tmp/pingan-chaos-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof units_ini];
    snprintf(path, sizeof path, "%s/parents.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(units_parents, f);
    fclose(f);
    snprintf(units_ini, sizeof units_ini, "%s/chaos.ini", dir);
    every_allocation_fails_cleanly_in(units_once, &(how){ 0 });
    remove(path);
    rmdir(dir);
}

static void
test_every_allocation_fails_cleanly_in_memory(void **state)
{
    (void)state;
    every_allocation_fails_cleanly_in(edit_once, &(how){ 0 });
}

static void
test_every_allocation_fails_cleanly(void **state)
{
    (void)state;
    every_allocation_fails_cleanly(&(how){ 0 });
}

/* the lean path lets columns and node scores go along the way: a failure at any point must
 * still free each exactly once */
static void
test_every_allocation_fails_cleanly_keeping_nodes(void **state)
{
    (void)state;
    static const char *const held[] = { "b", "deaths_pts", "x" };
    every_allocation_fails_cleanly(&(how){ 1, held, 3 });
    every_allocation_fails_cleanly(&(how){ 1, (const char *const[]){ "idx" }, 1 });
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_fails_cleanly),
        cmocka_unit_test(test_every_allocation_fails_cleanly_keeping_nodes),
        cmocka_unit_test(test_every_allocation_fails_cleanly_in_memory),
        cmocka_unit_test(test_every_allocation_fails_cleanly_in_an_engine),
        cmocka_unit_test(test_every_allocation_fails_cleanly_in_units),
        cmocka_unit_test(test_every_allocation_fails_cleanly_in_uncertainty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
