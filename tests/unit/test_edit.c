/* SPDX-License-Identifier: MIT */
/* A model changed in memory: each setter's statuses and messages, and copies that change
 * independently of their original. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

#include "testutil.h"
#include "pipeline.h"

/* Two indicators in one group; minmax 0-100 and arithmetic means, so scores are easy to
 * compute by hand: a = 1, 2, 3 and b = 10, 30, 20 for units x, y, z. */
static const char *model_text = "[index]\ncode = top\n"
                                "[group g]\nparent = top\n"
                                "[indicator a]\nparent = g\n"
                                "[indicator b]\nparent = g\ndenominator = pop\n";
static const char *csv = "unit,a,b,pop\nx,1,10,1\ny,2,30,1\nz,3,20,1\n";

static pa_status st;
static pa_error e;

#define EXPECT(call, status, needle)                                                        \
    do {                                                                                    \
        memset(&e, 0, sizeof e);                                                            \
        st = (call);                                                                        \
        if (st != (status) || !strstr(e.text, needle))                                      \
            print_error("%s: status %d: %s\n", #call, (int)st, e.text);                    \
        assert_int_equal(st, status);                                                       \
        assert_non_null(strstr(e.text, needle));                                            \
    } while (0)

static double
top_score(const pa_model *m, const char *unit)
{
    pa_data *d = NULL;
    pa_result *r = NULL;
    assert_int_equal(pa_data_new(&d, m, NULL), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, csv, strlen(csv), "d.csv", NULL), PA_OK);
    assert_int_equal(pa_compute(&r, m, d, NULL), PA_OK);
    double s = pa_result_score(r, U(r, unit), 0, N(r, "top"));
    pa_result_free(r);
    pa_data_free(d);
    return s;
}

static pa_model *
model(void)
{
    pa_model *m = NULL;
    assert_int_equal(pa_model_parse(&m, model_text, "t.ini", NULL), PA_OK);
    return m;
}

static void
test_copy_independent(void **state)
{
    (void)state;
    pa_model *m = model(), *c = NULL;
    /* y: a 50, b 100 -> 75 */
    assert_close(top_score(m, "y"), 75, 1e-12);
    assert_int_equal(pa_model_copy(&c, m, NULL), PA_OK);
    assert_int_equal(pa_model_set_weight(c, "b", 3, NULL), PA_OK);
    assert_close(top_score(c, "y"), (50 + 3 * 100) / 4.0, 1e-12);
    assert_close(top_score(m, "y"), 75, 1e-12);
    pa_model_free(m); /* the copy owns everything it uses */
    assert_int_equal(pa_model_set_direction(c, "a", -1, NULL), PA_OK);
    assert_close(top_score(c, "y"), (50 + 3 * 100) / 4.0, 1e-12);
    assert_close(top_score(c, "x"), (100 + 0) / 4.0, 1e-12);
    assert_string_equal(pa_model_code(c), "top");
    pa_model_free(c);
}

static void
test_null_arguments(void **state)
{
    (void)state;
    pa_model *m = model(), *c = NULL;
    EXPECT(pa_model_copy(NULL, m, &e), PA_ERR_ARGUMENT, "NULL argument");
    EXPECT(pa_model_copy(&c, NULL, &e), PA_ERR_ARGUMENT, "NULL argument");
    assert_null(c);
    EXPECT(pa_model_set(NULL, "a", "weight", "2", &e), PA_ERR_ARGUMENT, "NULL argument");
    EXPECT(pa_model_set(m, "a", NULL, "2", &e), PA_ERR_ARGUMENT, "NULL argument");
    EXPECT(pa_model_set(m, "a", "weight", NULL, &e), PA_ERR_ARGUMENT, "NULL argument");
    EXPECT(pa_model_set_normalise(m, NULL, NULL, NULL, 0, &e), PA_ERR_ARGUMENT, "NULL");
    EXPECT(pa_model_set_normalise(m, NULL, "minmax", NULL, 2, &e), PA_ERR_ARGUMENT, "NULL");
    EXPECT(pa_model_remove_indicator(m, NULL, &e), PA_ERR_ARGUMENT, "NULL argument");
    EXPECT(pa_model_set_weight(NULL, "a", 1, &e), PA_ERR_ARGUMENT, "NULL argument");
    pa_model_free(m);
}

static void
test_setter_messages(void **state)
{
    (void)state;
    pa_model *m = model();
    EXPECT(pa_model_set_weight(m, "nope", 1, &e), PA_ERR_ARGUMENT, "no node or penalty 'nope'");
    assert_string_equal(e.file, "");
    assert_int_equal(e.line, 0);
    EXPECT(pa_model_set_weight(m, "a", INFINITY, &e), PA_ERR_ARGUMENT, "not a finite number");
    EXPECT(pa_model_set_direction(m, "a", 2, &e), PA_ERR_ARGUMENT, "not 2");
    EXPECT(pa_model_set_target(m, "a", NAN, &e), PA_ERR_ARGUMENT, "target");
    EXPECT(pa_model_set_denominator(m, "g", "pop", 1, &e), PA_ERR_ARGUMENT, "no indicator 'g'");
    EXPECT(pa_model_set_denominator(m, "b", "pop", NAN, &e), PA_ERR_ARGUMENT, "per");
    EXPECT(pa_model_set_aggregate(m, "g", "genmean", (const double[]){ 1, 2 }, 2, &e),
           PA_ERR_ARGUMENT, "aggregate genmean takes 1 parameter p, not 2");
    EXPECT(pa_model_set_aggregate(m, "g", "median", (const double[]){ 1 }, 1, &e),
           PA_ERR_ARGUMENT, "takes 0 parameters, not 1");
    EXPECT(pa_model_set(m, NULL, "meta", "x.csv", &e), PA_ERR_ARGUMENT, "'meta'");
    EXPECT(pa_model_remove_indicator(m, "g", &e), PA_ERR_ARGUMENT, "no indicator 'g'");
    /* nothing above changed the model */
    assert_close(top_score(m, "y"), 75, 1e-12);
    pa_model_free(m);
}

static void
test_setters_change_scores(void **state)
{
    (void)state;
    pa_model *m = model();
    /* goalposts need their posts, and posts need goalposts: each alone is refused */
    assert_int_equal(pa_model_set_normalise(m, "a", "goalposts", NULL, 0, NULL), PA_ERR_MODEL);
    assert_int_equal(pa_model_set(m, "a", "goalposts", "0, 4", NULL), PA_ERR_MODEL);
    /* b per 10: b / (pop / 10) = 10 b; minmax does not move */
    assert_int_equal(pa_model_set_denominator(m, "b", "pop", 10, NULL), PA_OK);
    assert_close(top_score(m, "y"), 75, 1e-12);
    assert_int_equal(pa_model_remove_indicator(m, "a", NULL), PA_OK);
    assert_close(top_score(m, "z"), 50, 1e-12);
    EXPECT(pa_model_remove_indicator(m, "b", &e), PA_ERR_MODEL, "g");
    assert_string_equal(e.file, "t.ini");
    assert_close(top_score(m, "z"), 50, 1e-12);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_independent),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_setter_messages),
        cmocka_unit_test(test_setters_change_scores),
    };
    return cmocka_run_group_tests_name("edit", tests, NULL, NULL);
}
