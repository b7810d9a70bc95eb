/* SPDX-License-Identifier: MIT */
/* Shared by the end-to-end tests: parse a model, read a CSV and compute, all of which must
 * succeed, then look units, periods and nodes up by name. Include after testutil.h. */
#ifndef PA_TESTS_PIPELINE_H
#define PA_TESTS_PIPELINE_H

#include <stdio.h>
#include <string.h>

#include <pingan/pingan.h>

typedef struct run {
    pa_model *m;
    pa_data *d;
    pa_result *r;
} run;

static inline void
report(const char *what, pa_status st, const pa_error *e)
{
    print_error("%s: status %d at %s:%ld:%ld: %s\n", what, (int)st, e->file, e->line,
                e->column, e->text);
}

/* Parse the model, read the CSV and compute; every step must succeed. */
static inline run
compute(const char *model, const char *csv)
{
    run x = { 0 };
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&x.m, model, "t.ini", &e);
    if (st != PA_OK)
        report("model", st, &e);
    assert_int_equal(st, PA_OK);
    st = pa_data_new(&x.d, x.m, &e);
    assert_int_equal(st, PA_OK);
    st = pa_data_read_buffer(x.d, csv, strlen(csv), "data.csv", &e);
    if (st != PA_OK)
        report("data", st, &e);
    assert_int_equal(st, PA_OK);
    st = pa_compute(&x.r, x.m, x.d, &e);
    if (st != PA_OK)
        report("compute", st, &e);
    assert_int_equal(st, PA_OK);
    return x;
}

static inline void
run_free(run *x)
{
    pa_result_free(x->r);
    pa_data_free(x->d);
    pa_model_free(x->m);
}

static inline size_t
U(const pa_result *r, const char *code)
{
    for (size_t u = 0; u < pa_result_unit_count(r); u++)
        if (strcmp(pa_result_unit_code(r, u), code) == 0)
            return u;
    print_error("no unit '%s'\n", code);
    fail();
    return 0;
}

static inline size_t
P(const pa_result *r, const char *period)
{
    size_t p = pa_result_period_find(r, period);
    if (p == (size_t)-1)
        print_error("no period '%s'\n", period);
    assert_true(p != (size_t)-1);
    return p;
}

static inline size_t
N(const pa_result *r, const char *code)
{
    size_t n = pa_result_node_find(r, code);
    if (n == (size_t)-1)
        print_error("no node '%s'\n", code);
    assert_true(n != (size_t)-1);
    return n;
}

/* Score of indicator `node` for unit/period given by name. */
#define SCORE(x, unit, per, node) \
    pa_result_score((x).r, U((x).r, unit), P((x).r, per), N((x).r, node))
#define VALUE(x, unit, per, node) \
    pa_result_value((x).r, U((x).r, unit), P((x).r, per), N((x).r, node))
#define IMPUTED(x, unit, per, node) \
    ((pa_result_flags((x).r, U((x).r, unit), P((x).r, per), N((x).r, node)) & PA_FLAG_IMPUTED) != 0)

#define FLAGS(x, unit, per, node) \
    pa_result_flags((x).r, U((x).r, unit), P((x).r, per), N((x).r, node))
#define RANK(x, unit, per, node) \
    pa_result_rank((x).r, U((x).r, unit), P((x).r, per), N((x).r, node))
#define COVERAGE(x, unit, per) pa_result_coverage((x).r, U((x).r, unit), P((x).r, per))

/* A model text that must fail with PA_ERR_MODEL at `line`, naming `needle`. */
static inline void
expect_model_error(const char *text, long line, const char *needle)
{
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&m, text, "t.ini", &e);
    if (st != PA_ERR_MODEL || e.line != line || !strstr(e.text, needle))
        print_error("expected PA_ERR_MODEL at line %ld with '%s'; got %d at %ld: %s\n", line,
                    needle, (int)st, e.line, e.text);
    assert_int_equal(st, PA_ERR_MODEL);
    assert_null(m);
    assert_string_equal(e.file, "t.ini");
    assert_int_equal(e.line, line);
    assert_non_null(strstr(e.text, needle));
}

#endif
