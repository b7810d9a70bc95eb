/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/units.c and lib/rollup.c: a tree city → 2 districts → 5 streets read from
 * a table of parents, the data rolled up (sums, a weighted mean, a missing child), the units in
 * level order with their parents, and every allocation of model, roll-up and compute failing
 * cleanly in turn. Expected numbers are summed by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "../testutil.h"

#define REL 1e-12

static char dir[64], model_text[1024];

static const char parents_csv[] = "unit,parent\n"
                                  "b1,B\n"   /* a child before its parent: order is free */
                                  "city,\n"
                                  "A,city\n"
                                  "B,city\n"
                                  "a1,A\n"
                                  "a2,A\n"
                                  "b2,B\n"
                                  "b3,B\n";

/* 2019: every street present. 2020: b3 has no count. */
static const char data_csv[] = "unit,year,x,pop,s\n"
                               "a1,2019,10,1000,80\n"
                               "a2,2019,20,3000,90\n"
                               "b1,2019,5,500,70\n"
                               "b2,2019,30,2000,60\n"
                               "b3,2019,12,1500,85\n"
                               "a1,2020,11,1000,81\n"
                               "a2,2020,21,3000,91\n"
                               "b1,2020,6,500,71\n"
                               "b2,2020,31,2000,61\n"
                               "b3,2020,,1500,86\n";

static int
setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/pa-rollup-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/parents.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(parents_csv, f);
    fclose(f);
    snprintf(model_text, sizeof model_text,
             "[index]\ncode = idx\nunit_column = unit\n"
             "[units]\nparents = %s\nlevels = street; district; city\n"
             "[indicator x]\ndenominator = pop\nper = 1000\n"
             "[indicator s]\nrollup = weighted:pop\n", path);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/parents.csv", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

static pa_status
load(pa_model **m, pa_data **d, pa_error *e)
{
    pa_status st = pa_model_parse(m, model_text, "t.ini", e);
    if (st == PA_OK)
        st = pa_data_new(d, *m, e);
    if (st == PA_OK)
        st = pa_data_read_buffer(*d, data_csv, strlen(data_csv), "t.csv", e);
    return st;
}

/* The value of column `col` for unit `unit` in period `period` of a data set; NaN: no row. */
static double
cell(const pa_data *d, const char *unit, const char *period, const char *col)
{
    size_t j = pa_data_col(d, col);
    for (size_t i = 0; i < d->n_rows; i++)
        if (strcmp(d->units.keys[d->row_unit[i]], unit) == 0 &&
            strcmp(d->periods.keys[d->row_period[i]], period) == 0)
            return d->cols[j][i];
    return NAN;
}

static void
test_sums_and_levels(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_data *d = NULL, *o = NULL;
    pa_error e;
    assert_int_equal(load(&m, &d, &e), PA_OK);
    assert_int_equal(pa_rollup_data(m, d, &o, &e), PA_OK);
    assert_non_null(o);
    /* top first, table order within a level */
    const char *want[] = { "city", "A", "B", "b1", "a1", "a2", "b2", "b3" };
    assert_int_equal(o->units.n, 8);
    for (size_t u = 0; u < 8; u++)
        assert_string_equal(o->units.keys[u], want[u]);
    const pa_unit_tree *t = o->tree;
    assert_int_equal(t->n_levels, 3);
    assert_string_equal(t->level_names[0], "city");
    assert_string_equal(t->level_names[2], "street");
    assert_int_equal(t->level_first[1], 1);
    assert_int_equal(t->level_first[2], 3);
    assert_int_equal(t->level_first[3], 8);
    assert_int_equal(t->parent[0], PA_NONE);
    assert_int_equal(t->parent[3], 2); /* b1 → B */
    assert_int_equal(t->parent[4], 1); /* a1 → A */
    /* 2019: A = 10 + 20, B = 5 + 30 + 12, city = 77; pop 4000, 4000, 8000 */
    assert_close(cell(o, "A", "2019", "x"), 30, REL);
    assert_close(cell(o, "B", "2019", "x"), 47, REL);
    assert_close(cell(o, "city", "2019", "x"), 77, REL);
    assert_close(cell(o, "city", "2019", "pop"), 8000, REL);
    /* s by population: A (1000·80 + 3000·90) / 4000 = 87.5; B (500·70 + 2000·60 + 1500·85) /
     * 4000 = 70.625; city (4000·87.5 + 4000·70.625) / 8000 = 79.0625 */
    assert_close(cell(o, "A", "2019", "s"), 87.5, REL);
    assert_close(cell(o, "B", "2019", "s"), 70.625, REL);
    assert_close(cell(o, "city", "2019", "s"), 79.0625, REL);
    /* 2020: b3's x is missing, so B's and the city's are; A's is 32; s still rolls up */
    assert_close(cell(o, "A", "2020", "x"), 32, REL);
    assert_true(isnan(cell(o, "B", "2020", "x")));
    assert_true(isnan(cell(o, "city", "2020", "x")));
    assert_close(cell(o, "B", "2020", "s"), (500 * 71. + 2000 * 61. + 1500 * 86.) / 4000, REL);
    assert_int_equal(o->n_rows, 16);
    pa_data_free(o);
    /* computed: rates per 1,000 from the sums, ranks within each level */
    pa_result *r = NULL;
    assert_int_equal(pa_compute(&r, m, d, &e), PA_OK);
    size_t x = pa_result_node_find(r, "x"), p = pa_result_period_find(r, "2019");
    assert_close(pa_result_rate(r, 1, p, x), 30 / 4.0, REL); /* A */
    assert_close(pa_result_rate(r, 2, p, x), 47 / 4.0, REL); /* B */
    assert_int_equal(pa_result_unit_level(r, 0), 0);
    assert_int_equal(pa_result_unit_level(r, 2), 1);
    assert_int_equal(pa_result_unit_level(r, 7), 2);
    assert_string_equal(pa_result_level_name(r, 1), "district");
    assert_int_equal(pa_result_unit_parent(r, 7), 2);
    assert_int_equal(pa_result_unit_parent(r, 0), (size_t)-1);
    /* minmax 0-100 (direction +1) within the districts: B's rate is the higher, so B is 100
     * and ranks 1, A is 0 and ranks 2; the city, alone in its level, ranks 1 */
    assert_close(pa_result_score(r, 2, p, x), 100, REL);
    assert_close(pa_result_score(r, 1, p, x), 0, REL);
    assert_int_equal(pa_result_rank(r, 2, p, x), 1);
    assert_int_equal(pa_result_rank(r, 1, p, x), 2);
    assert_int_equal(pa_result_rank(r, 0, p, x), 1);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

/* A flat model: no roll-up, one level, no parents. */
static void
test_flat(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_data *d = NULL, *o = (pa_data *)1;
    pa_error e;
    assert_int_equal(pa_model_parse(&m, "[index]\n[indicator x]\n", "t.ini", &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, "unit,x\na,1\nb,2\n", 15, "t.csv", &e), PA_OK);
    assert_int_equal(pa_rollup_data(m, d, &o, &e), PA_OK);
    assert_null(o);
    pa_result *r = NULL;
    assert_int_equal(pa_compute(&r, m, d, &e), PA_OK);
    assert_int_equal(pa_result_level_count(r), 1);
    assert_null(pa_result_level_name(r, 0));
    assert_int_equal(pa_result_unit_level(r, 1), 0);
    assert_int_equal(pa_result_unit_parent(r, 1), (size_t)-1);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

static pa_status
run_once(void)
{
    pa_model *m = NULL, *c = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    pa_error e;
    pa_status st = load(&m, &d, &e);
    if (st == PA_OK)
        st = pa_model_copy(&c, m, &e); /* shares the table of parents */
    if (st == PA_OK)
        st = pa_compute(&r, c, d, &e);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(c);
    pa_model_free(m);
    return st;
}

static void
test_allocation_failures(void **state)
{
    (void)state;
    pa__alloc_fail_at(0);
    assert_int_equal(run_once(), PA_OK);
    long total = pa__alloc_fail_at(0);
    for (long n = 1; n <= total; n++) {
        pa__alloc_fail_at(n);
        pa_status st = run_once();
        if (st != PA_OK && st != PA_ERR_NOMEM)
            fail_msg("allocation %ld of %ld: status %d", n, total, st);
    }
    pa__alloc_fail_at(0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sums_and_levels),
        cmocka_unit_test(test_flat),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
