/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/model.c and lib/hierarchy.c: pa_model_parse on strings. A valid model
 * (levels, weights, inheritance, bands, comments) and every model error of SPEC §3 with its
 * exact line and column. Line numbers are written beside each model text. */
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

static const pa_node *
node(const pa_model *m, const char *code)
{
    size_t i = pa_model_find(m, code);
    if (i == PA_NONE)
        print_error("no node '%s'\n", code);
    assert_true(i != PA_NONE);
    return &m->nodes[i];
}

/* Parse text that must fail with PA_ERR_MODEL at line:col, with `needle` in the message. */
#define expect_error(text, line, col, needle) \
    expect_error_impl((text), (line), (col), (needle), __FILE__, __LINE__)

static void
expect_error_impl(const char *text, long line, long col, const char *needle, const char *file,
                  int at)
{
    pa_model *m = (pa_model *)0x1;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&m, text, "test.ini", &e);
    if (st != PA_ERR_MODEL || e.status != PA_ERR_MODEL || e.line != line || e.column != col ||
        strcmp(e.file, "test.ini") != 0 || (needle && !strstr(e.text, needle))) {
        print_error("%s:%d: expected PA_ERR_MODEL at test.ini:%ld:%ld with '%s'\n"
                    "got status %d at %s:%ld:%ld: %s\n",
                    file, at, line, col, needle ? needle : "", (int)st, e.file, e.line,
                    e.column, e.text);
        if (st == PA_OK)
            pa_model_free(m);
        _fail(file, at);
    }
    assert_null(m); /* *out is NULL on failure */
}

static pa_model *
parse_ok(const char *text)
{
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&m, text, "test.ini", &e);
    if (st != PA_OK)
        print_error("unexpected error %d at %s:%ld:%ld: %s\n", (int)st, e.file, e.line,
                    e.column, e.text);
    assert_int_equal(st, PA_OK);
    assert_non_null(m);
    return m;
}

static const char valid_model[] =
    "; a comment line\n"                                   /*  1 */
    "[index]\n"                                            /*  2 */
    "code = top            ; inline comment with ';'\n"    /*  3 */
    "label = Top # inline comment with '#'\n"              /*  4 */
    "normalise = minmax\n"                                 /*  5 */
    "range = 0, 100\n"                                     /*  6 */
    "aggregate = arithmetic\n"                             /*  7 */
    "bands = 0 low red;90 high blue;50 mid\n"              /*  8 */
    "\n"                                                   /*  9 */
    "[group g1]\n"                                         /* 10 */
    "parent = top\n"                                       /* 11 */
    "weight = 2\n"                                         /* 12 */
    "normalise = goalposts\n"                              /* 13 */
    "range = 10, 20\n"                                     /* 14 */
    "scope = period\n"                                     /* 15 */
    "aggregate = geometric\n"                              /* 16 */
    "\n"                                                   /* 17 */
    "[indicator i1]\n"                                     /* 18 */
    "parent = g1\n"                                        /* 19 */
    "weight = 3\n"                                         /* 20 */
    "goalposts = 0, 50\n"                                  /* 21 */
    "\n"                                                   /* 22 */
    "[indicator i2]\n"                                     /* 23 */
    "parent = g1\n"                                        /* 24 */
    "goalposts = 0, 10\n"                                  /* 25 */
    "direction = -1\n"                                     /* 26 */
    "\n"                                                   /* 27 */
    "[group g3]\n"                                         /* 28 */
    "parent = g1\n"                                        /* 29 */
    "weight = 0.5\n"                                       /* 30 */
    "\n"                                                   /* 31 */
    "[indicator i5]\n"                                     /* 32 */
    "parent = g3\n"                                        /* 33 */
    "goalposts = 1, 2\n"                                   /* 34 */
    "label = A#1;b\n"                                      /* 35 */
    "\n"                                                   /* 36 */
    "[group g2]\n"                                         /* 37 */
    "parent = top\n"                                       /* 38 */
    "\n"                                                   /* 39 */
    "[indicator i3]\n"                                     /* 40 */
    "parent = g2\n"                                        /* 41 */
    "normalise = zscore\n"                                 /* 42 */
    "mean_sd = 10, 2\n"                                    /* 43 */
    "\n"                                                   /* 44 */
    "# no parent: under the top\n"                         /* 45 */
    "[indicator i4]\n"                                     /* 46 */
    "weight = 1.5\n"                                       /* 47 */
    "unit = \xe5\xae\x97\n";                               /* 48  宗 */

static void
test_valid_structure(void **state)
{
    (void)state;
    pa_model *m = parse_ok(valid_model);
    assert_string_equal(pa_model_code(m), "top");
    assert_string_equal(pa_model_label(m), "Top"); /* "# inline…" removed, blank trimmed */
    assert_string_equal(m->file, "test.ini");
    assert_true(m->n_nodes == 9);
    assert_true(m->n_indicators == 5);
    /* levels: indicators 1; g3 (over i5) 2; g1 over i1, i2 (1) and g3 (2) → 3; g2 over i3 → 2;
     * top over g1 (3), g2 (2), i4 (1) → 4, the highest */
    assert_int_equal(node(m, "i1")->level, 1);
    assert_int_equal(node(m, "i4")->level, 1);
    assert_int_equal(node(m, "i5")->level, 1);
    assert_int_equal(node(m, "g3")->level, 2);
    assert_int_equal(node(m, "g2")->level, 2);
    assert_int_equal(node(m, "g1")->level, 3);
    assert_int_equal(node(m, "top")->level, 4);
    /* parents and children */
    assert_true(node(m, "i4")->parent == m->top);
    assert_true(node(m, "i5")->parent == pa_model_find(m, "g3"));
    assert_true(node(m, "g1")->n_children == 3);
    assert_true(node(m, "top")->n_children == 3);
    assert_true(node(m, "top")->parent == PA_NONE);
    /* bottom-up order: levels never decrease and the top comes last */
    for (size_t k = 1; k < m->n_nodes; k++)
        assert_true(m->nodes[m->order[k - 1]].level <= m->nodes[m->order[k]].level);
    assert_true(m->order[m->n_nodes - 1] == m->top);
    /* weights as written (relative), default 1 */
    assert_true(node(m, "g1")->weight == 2.0);
    assert_true(node(m, "i1")->weight == 3.0);
    assert_true(node(m, "i2")->weight == 1.0);
    assert_true(node(m, "g3")->weight == 0.5);
    assert_true(node(m, "g2")->weight == 1.0);
    assert_true(node(m, "i4")->weight == 1.5);
    /* other fields */
    assert_int_equal(node(m, "i2")->direction, -1);
    assert_int_equal(node(m, "i1")->direction, 1);
    assert_true(node(m, "i1")->goalposts_set);
    assert_true(node(m, "i1")->goalposts[0] == 0 && node(m, "i1")->goalposts[1] == 50);
    assert_string_equal(node(m, "i4")->measure, "\xe5\xae\x97");
    /* '#' and ';' without a blank before them are part of the value */
    assert_string_equal(node(m, "i5")->label, "A#1;b");
    /* no COINr table */
    assert_null(m->meta);
    assert_null(m->meta_path);
    assert_true(node(m, "i1")->at.line == 18);
    pa_model_free(m);
}

static void
test_valid_inheritance(void **state)
{
    (void)state;
    pa_model *m = parse_ok(valid_model);
    /* i1 inherits normalise, range and scope from g1 */
    const pa_node *i1 = node(m, "i1");
    assert_int_equal(i1->eff.norm, PA_NORM_GOALPOSTS);
    assert_true(i1->eff.range[0] == 10 && i1->eff.range[1] == 20);
    assert_int_equal(i1->eff.scope, PA_SCOPE_PERIOD);
    /* i5 inherits them from its grandparent g1 through g3 */
    const pa_node *i5 = node(m, "i5");
    assert_int_equal(i5->eff.norm, PA_NORM_GOALPOSTS);
    assert_true(i5->eff.range[0] == 10 && i5->eff.range[1] == 20);
    assert_int_equal(i5->eff.scope, PA_SCOPE_PERIOD);
    /* i3 has its own normalise and mean_sd; range and scope come from the top */
    const pa_node *i3 = node(m, "i3");
    assert_int_equal(i3->eff.norm, PA_NORM_ZSCORE);
    assert_true(i3->eff.mean_sd[0] == 10 && i3->eff.mean_sd[1] == 2);
    assert_true(i3->eff.range[0] == 0 && i3->eff.range[1] == 100);
    assert_int_equal(i3->eff.scope, PA_SCOPE_PANEL);
    /* i4 takes the index defaults: minmax 0..100, mean_sd 0,1 */
    const pa_node *i4 = node(m, "i4");
    assert_int_equal(i4->eff.norm, PA_NORM_MINMAX);
    assert_true(i4->eff.range[0] == 0 && i4->eff.range[1] == 100);
    assert_true(i4->eff.mean_sd[0] == 0 && i4->eff.mean_sd[1] == 1);
    /* the aggregation applies only at the node that names it: g1 is geometric, g3 under it
     * is not (it takes the index default, arithmetic), nor is g2 or the top */
    assert_int_equal(node(m, "g1")->eff.agg, PA_AGG_GEOMETRIC);
    assert_int_equal(node(m, "g3")->eff.agg, PA_AGG_ARITHMETIC);
    assert_int_equal(node(m, "g2")->eff.agg, PA_AGG_ARITHMETIC);
    assert_int_equal(node(m, "top")->eff.agg, PA_AGG_ARITHMETIC);
    pa_model_free(m);
}

static void
test_default_aggregation_is_the_index_one(void **state)
{
    (void)state;
    /* [index] aggregate = harmonic is the default of every group that names none */
    pa_model *m = parse_ok("[index]\n"
                           "aggregate = harmonic\n"
                           "range = 1, 100\n"
                           "[group g]\n"
                           "[indicator a]\n"
                           "parent = g\n");
    assert_int_equal(node(m, "g")->eff.agg, PA_AGG_HARMONIC);
    assert_int_equal(node(m, "index")->eff.agg, PA_AGG_HARMONIC);
    assert_string_equal(pa_model_code(m), "index"); /* default code */
    assert_string_equal(pa_model_label(m), "index"); /* no label: the code */
    pa_model_free(m);
}

static void
test_bands_sorted(void **state)
{
    (void)state;
    pa_model *m = parse_ok(valid_model);
    /* written 0, 90, 50 → kept from the highest threshold down: 90, 50, 0 */
    assert_true(m->n_bands == 3);
    assert_true(m->bands[0].threshold == 90);
    assert_string_equal(m->bands[0].label, "high");
    assert_string_equal(m->bands[0].colour, "blue");
    assert_true(m->bands[1].threshold == 50);
    assert_string_equal(m->bands[1].label, "mid");
    assert_string_equal(m->bands[1].colour, ""); /* colour is optional */
    assert_true(m->bands[2].threshold == 0);
    assert_string_equal(m->bands[2].label, "low");
    assert_string_equal(m->bands[2].colour, "red");
    pa_model_free(m);
    /* '#' inside a band label, no blank before it: kept; " ;" starts a comment */
    m = parse_ok("[index]\n"
                 "bands = 80 A#1 green;0 B ; comment\n"
                 "[indicator a]\n");
    assert_true(m->n_bands == 2);
    assert_string_equal(m->bands[0].label, "A#1");
    assert_string_equal(m->bands[0].colour, "green");
    assert_string_equal(m->bands[1].label, "B");
    assert_string_equal(m->bands[1].colour, "");
    pa_model_free(m);
}

static void
test_crlf_and_bom(void **state)
{
    (void)state;
    /* BOM, CR LF line ends */
    pa_model *m = parse_ok("\xEF\xBB\xBF[index]\r\ncode = top\r\n[indicator a]\r\nweight = 2\r\n");
    assert_string_equal(pa_model_code(m), "top");
    assert_true(node(m, "a")->weight == 2.0);
    pa_model_free(m);
}

static void
test_long_comment_line(void **state)
{
    (void)state;
    /* a comment line is free text of any length: here 300 bytes after ';', and after '#' */
    char text[1000];
    char comment[301];
    memset(comment, 'x', 300);
    comment[300] = '\0';
    snprintf(text, sizeof text, "[index]\n;%s\n#%s\n[indicator a]\n", comment, comment);
    pa_model *m = parse_ok(text);
    pa_model_free(m);
}

static void
test_default_model(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_default(&m, &e), PA_OK);
    assert_non_null(m);
    assert_string_equal(pa_model_code(m), "pingan");
    /* label = 珠海市“平安+”市域社会治理指数 */
    assert_string_equal(pa_model_label(m), "珠海市“平安+”市域社会治理指数");
    /* data/pingan.ini: 3 groups, 7 indicators, 4 bands 90/80/70/0, the city is a reference */
    assert_true(m->n_indicators == 7);
    assert_true(m->n_nodes == 11);
    assert_int_equal(node(m, "pingan")->level, 3);
    assert_true(m->n_bands == 4);
    assert_true(m->bands[0].threshold == 90 && m->bands[3].threshold == 0);
    assert_string_equal(m->bands[0].label, "优秀");
    assert_string_equal(m->bands[0].colour, "blue");
    assert_true(m->n_reference_units == 1);
    assert_string_equal(m->reference_units[0], "zhuhai");
    assert_string_equal(m->unit_column, "unit");
    assert_string_equal(m->name_column, "name");
    const pa_node *p = node(m, "police_incidents");
    assert_int_equal(p->direction, -1);
    assert_true(p->weight == 3 && p->per == 10000);
    assert_true(p->goalposts[0] == 0 && p->goalposts[1] == 1500);
    assert_int_equal(p->eff.norm, PA_NORM_GOALPOSTS);
    assert_string_equal(p->denominator, "population");
    assert_true(p->parent == pa_model_find(m, "order"));
    assert_true(node(m, "order")->weight == 6);
    pa_model_free(m);
}

static void
test_load_file(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_load(&m, "/nonexistent-pingan-dir/pingan.ini", &e), PA_ERR_IO);
    assert_null(m);
    assert_string_equal(e.file, "/nonexistent-pingan-dir/pingan.ini");
    /* errors of a loaded file carry its path */
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/pa_model_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "[index]\n[indicator a]\nweight = -1\n";
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    pa_status st = pa_model_load(&m, path, &e);
    unlink(path); /* before any assertion can jump out */
    assert_int_equal(st, PA_ERR_MODEL);
    assert_string_equal(e.file, path);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 10);
    /* NULL arguments */
    assert_int_equal(pa_model_parse(NULL, "", NULL, &e), PA_ERR_ARGUMENT);
    assert_int_equal(pa_model_parse(&m, NULL, NULL, &e), PA_ERR_ARGUMENT);
    /* no name: "<string>" in messages */
    assert_int_equal(pa_model_parse(&m, "[index]\nfoo = 1\n", NULL, &e), PA_ERR_MODEL);
    assert_string_equal(e.file, "<string>");
    pa_model_free(NULL);
}

/* ---- errors: line and column of each ---- */

static void
test_error_unknown_key(void **state)
{
    (void)state;
    expect_error("[index]\n"          /* 1 */
                 "code = top\n"       /* 2 */
                 "colour = red\n",    /* 3: key at column 1 */
                 3, 1, "colour");
    expect_error("[index]\n"          /* 1 */
                 "[indicator a]\n"    /* 2 */
                 "weight = 1\n"       /* 3 */
                 "wieght = 2\n",      /* 4 */
                 4, 1, "wieght");
    /* direction belongs to indicators: unknown in a group */
    expect_error("[index]\n"          /* 1 */
                 "[group g]\n"        /* 2 */
                 "direction = -1\n"   /* 3 */
                 "[indicator a]\n"    /* 4 */
                 "parent = g\n",      /* 5 */
                 3, 1, "direction");
}

static void
test_error_unknown_section(void **state)
{
    (void)state;
    /* the section name starts at column 2, after '[' */
    expect_error("[index]\n"          /* 1 */
                 "[indicators a]\n",  /* 2 */
                 2, 2, "indicators a");
    expect_error("[index]\n"          /* 1 */
                 "[indicator]\n",     /* 2: no code */
                 2, 2, NULL);
}

static void
test_error_unknown_methods(void **state)
{
    (void)state;
    /* "normalise = " is 12 bytes: the value starts at column 13 */
    expect_error("[index]\n"
                 "normalise = minimax\n",
                 2, 13, "minimax");
    /* "aggregate = " is 12 bytes */
    expect_error("[index]\n"
                 "[group g]\n"
                 "aggregate = mean\n"
                 "[indicator a]\n"
                 "parent = g\n",
                 3, 13, "mean");
    /* "scope = " is 8 bytes */
    expect_error("[index]\n"
                 "scope = global\n",
                 2, 9, "global");
    /* "transform = " is 12 bytes */
    expect_error("[index]\n"
                 "[indicator a]\n"
                 "transform = sqrt\n",
                 3, 13, "sqrt");
    /* a normalisation set on an indicator is checked too */
    expect_error("[index]\n"
                 "[indicator a]\n"
                 "normalise = minmaxx\n",
                 3, 13, "minmaxx");
}

static void
test_error_missing_parent(void **state)
{
    (void)state;
    /* "parent = " is 9 bytes: 'nowhere' at column 10 */
    expect_error("[index]\n"          /* 1 */
                 "code = top\n"       /* 2 */
                 "[indicator a]\n"    /* 3 */
                 "parent = nowhere\n", /* 4 */
                 4, 10, "nowhere");
    /* an indicator is no parent */
    expect_error("[index]\n"          /* 1 */
                 "[indicator a]\n"    /* 2 */
                 "[indicator b]\n"    /* 3 */
                 "parent = a\n",      /* 4 */
                 4, 10, "indicator");
}

static void
test_error_cycle(void **state)
{
    (void)state;
    /* a → b → a never reaches the top; reported at a's parent (the first node in the cycle) */
    expect_error("[index]\n"          /* 1 */
                 "code = top\n"       /* 2 */
                 "[group a]\n"        /* 3 */
                 "parent = b\n"       /* 4 */
                 "[group b]\n"        /* 5 */
                 "parent = a\n"       /* 6 */
                 "[indicator i]\n"    /* 7 */
                 "parent = a\n",      /* 8 */
                 4, 10, "cycle");
    /* a node that is its own parent */
    expect_error("[index]\n"          /* 1 */
                 "[group a]\n"        /* 2 */
                 "parent = a\n"       /* 3 */
                 "[indicator i]\n",   /* 4 */
                 3, 10, "own parent");
}

static void
test_error_weights(void **state)
{
    (void)state;
    /* "weight = " is 9 bytes: the value at column 10 */
    expect_error("[index]\n[indicator a]\nweight = 0\n", 3, 10, "weight");
    expect_error("[index]\n[indicator a]\nweight = -1\n", 3, 10, "weight");
    expect_error("[index]\n[indicator a]\nweight = abc\n", 3, 10, "abc");
    expect_error("[index]\n[indicator a]\nweight = nan\n", 3, 10, "nan");
    expect_error("[index]\n[group g]\nweight = 0\n[indicator a]\nparent = g\n", 3, 10,
                 "weight");
}

static void
test_error_direction(void **state)
{
    (void)state;
    /* "direction = " is 12 bytes */
    expect_error("[index]\n[indicator a]\ndirection = 2\n", 3, 13, "direction");
    expect_error("[index]\n[indicator a]\ndirection = 0\n", 3, 13, "direction");
    pa_model *m = parse_ok("[index]\n[indicator a]\ndirection = +1\n");
    assert_int_equal(node(m, "a")->direction, 1);
    pa_model_free(m);
}

static void
test_error_goalposts(void **state)
{
    (void)state;
    /* goalposts normalisation (here inherited from the index) without goalposts: at the
     * indicator's section line */
    expect_error("[index]\n"               /* 1 */
                 "normalise = goalposts\n" /* 2 */
                 "[indicator a]\n"         /* 3 */
                 "label = A\n",            /* 4 */
                 3, 1, "goalposts");
    /* lower ≥ upper; "goalposts = " is 12 bytes */
    expect_error("[index]\n"
                 "[indicator a]\n"
                 "normalise = goalposts\n"
                 "goalposts = 5, 1\n",
                 4, 13, "goalposts");
    expect_error("[index]\n"
                 "[indicator a]\n"
                 "normalise = goalposts\n"
                 "goalposts = 5, 5\n",
                 4, 13, "goalposts");
    expect_error("[index]\n"
                 "[indicator a]\n"
                 "normalise = goalposts\n"
                 "goalposts = 5\n",
                 4, 13, "goalposts");
    /* a log transform needs goalposts above 0 */
    expect_error("[index]\n"               /* 1 */
                 "[indicator a]\n"         /* 2 */
                 "normalise = goalposts\n" /* 3 */
                 "transform = log\n"       /* 4 */
                 "goalposts = 0, 100\n",   /* 5 */
                 5, 13, "log");
    pa_model *m = parse_ok("[index]\n"
                           "[indicator a]\n"
                           "normalise = goalposts\n"
                           "transform = log\n"
                           "goalposts = 100, 75000\n");
    assert_int_equal(node(m, "a")->transform, PA_TRANSFORM_LOG);
    pa_model_free(m);
}

static void
test_error_geometric_over_zero_scores(void **state)
{
    (void)state;
    /* minmax 0..100 gives the worst unit 0: a geometric mean over it is refused at the
     * aggregate line; "aggregate = " is 12 bytes */
    expect_error("[index]\n"                /* 1 */
                 "code = top\n"             /* 2 */
                 "normalise = minmax\n"     /* 3 */
                 "range = 0, 100\n"         /* 4 */
                 "[group g]\n"              /* 5 */
                 "aggregate = geometric\n"  /* 6 */
                 "[indicator a]\n"          /* 7 */
                 "parent = g\n",            /* 8 */
                 6, 13, "geometric");
    /* the same with range 1, 100 is accepted */
    pa_model *m = parse_ok("[index]\n"
                           "code = top\n"
                           "normalise = minmax\n"
                           "range = 1, 100\n"
                           "[group g]\n"
                           "aggregate = geometric\n"
                           "[indicator a]\n"
                           "parent = g\n");
    pa_model_free(m);
    /* geometric as the index default over minmax 0..100 (the default range) */
    expect_error("[index]\n"                /* 1 */
                 "aggregate = geometric\n"  /* 2 */
                 "[indicator a]\n",         /* 3 */
                 2, 13, "geometric");
    /* geometric over goalposts: only the data can make a 0, accepted here */
    m = parse_ok("[index]\n"
                 "aggregate = geometric\n"
                 "normalise = goalposts\n"
                 "[indicator a]\n"
                 "goalposts = 0, 10\n"
                 "[indicator b]\n"
                 "goalposts = 0, 10\n");
    pa_model_free(m);
    /* harmonic over prank (worst unit 0 whatever the range) */
    expect_error("[index]\n"                /* 1 */
                 "range = 1, 100\n"         /* 2 */
                 "[group g]\n"              /* 3 */
                 "aggregate = harmonic\n"   /* 4 */
                 "[indicator a]\n"          /* 5 */
                 "parent = g\n"             /* 6 */
                 "normalise = prank\n",     /* 7 */
                 4, 13, "harmonic");
    /* borda is rank − 1: 0 for the worst */
    expect_error("[index]\n"
                 "[group g]\n"
                 "aggregate = geometric\n"
                 "[indicator a]\n"
                 "parent = g\n"
                 "normalise = borda\n",
                 3, 13, "geometric");
    /* plain ranks start at 1: accepted */
    m = parse_ok("[index]\n"
                 "[group g]\n"
                 "aggregate = geometric\n"
                 "[indicator a]\n"
                 "parent = g\n"
                 "normalise = rank\n");
    pa_model_free(m);
}

static void
test_error_group_without_children(void **state)
{
    (void)state;
    expect_error("[index]\n"          /* 1 */
                 "[indicator a]\n"    /* 2 */
                 "[group empty]\n"    /* 3 */
                 "label = nothing\n", /* 4 */
                 3, 1, "empty");
}

static void
test_error_duplicate_section(void **state)
{
    (void)state;
    /* the message names the first definition (line 2) */
    expect_error("[index]\n"          /* 1 */
                 "[indicator a]\n"    /* 2 */
                 "weight = 1\n"       /* 3 */
                 "[indicator a]\n",   /* 4 */
                 4, 2, "line 2");
    /* a group and an indicator share one code space */
    expect_error("[index]\n"          /* 1 */
                 "[group a]\n"        /* 2 */
                 "[indicator a]\n",   /* 3 */
                 3, 2, "line 2");
}

static void
test_error_duplicate_index_section(void **state)
{
    (void)state;
    /* a second [index] (say, pasted from another model) silently merging its keys into the
     * first is a mistake in the model like any other duplicated section */
    expect_error("[index]\n"          /* 1 */
                 "code = top\n"       /* 2 */
                 "[indicator a]\n"    /* 3 */
                 "[index]\n"          /* 4 */
                 "code = other\n",    /* 5 */
                 4, 2, NULL);
}

static void
test_error_key_outside_section(void **state)
{
    (void)state;
    expect_error("code = top\n"       /* 1 */
                 "[index]\n",         /* 2 */
                 1, 1, "code");
}

static void
test_error_line_without_equals(void **state)
{
    (void)state;
    expect_error("[index]\n"          /* 1 */
                 "code = top\n"       /* 2 */
                 "just words\n"       /* 3 */
                 "[indicator a]\n",   /* 4 */
                 3, 1, NULL);
}

static void
test_error_first_one_is_reported(void **state)
{
    (void)state;
    /* two mistakes: the line without '=' (2) comes before the unknown key (3); the first one
     * must be reported, as a compiler would */
    expect_error("[index]\n"          /* 1 */
                 "just words\n"       /* 2 */
                 "colour = red\n"     /* 3 */
                 "[indicator a]\n",   /* 4 */
                 2, 1, NULL);
}

static void
test_error_bands(void **state)
{
    (void)state;
    /* "bands = " is 8 bytes: the value at column 9 */
    expect_error("[index]\nbands = 90 good blue extra;0 bad\n[indicator a]\n", 2, 9, "bands");
    expect_error("[index]\nbands = high good\n[indicator a]\n", 2, 9, "bands");
    expect_error("[index]\nbands = 90\n[indicator a]\n", 2, 9, "bands");
}

static void
test_error_other_values(void **state)
{
    (void)state;
    /* "range = " is 8 bytes */
    expect_error("[index]\nrange = 100, 0\n[indicator a]\n", 2, 9, "range");
    /* "mean_sd = " is 10 bytes; sd must be > 0 */
    expect_error("[index]\nmean_sd = 0, 0\n[indicator a]\n", 2, 11, "mean_sd");
    /* "per = " is 6 bytes */
    expect_error("[index]\n[indicator a]\nper = 0\n", 3, 7, "per");
    /* dist2targ needs a target */
    expect_error("[index]\n"            /* 1 */
                 "[indicator a]\n"      /* 2 */
                 "normalise = dist2targ\n", /* 3 */
                 3, 13, "target");
    /* code must be one word; "code = " is 7 bytes */
    expect_error("[index]\ncode = two words\n[indicator a]\n", 2, 8, "one word");
}

/* Every band survives a hex colour and a blank before ';' (inih would cut the value at " ;"),
 * and a comment after the list is still a comment. */
static void
test_bands_hex_and_blanks(void **state)
{
    (void)state;
    pa_model *m = parse_ok("[index]\n"
                           "bands = 90 A #00ff00 ; 80 B #abc; 70 C\t;0 D red ; the end\n"
                           "[indicator a]\n");
    assert_true(m->n_bands == 4);
    const char *labels[] = { "A", "B", "C", "D" }, *colours[] = { "#00ff00", "#abc", "", "red" };
    const double thresholds[] = { 90, 80, 70, 0 };
    for (int i = 0; i < 4; i++) {
        assert_true(m->bands[i].threshold == thresholds[i]);
        assert_string_equal(m->bands[i].label, labels[i]);
        assert_string_equal(m->bands[i].colour, colours[i]);
    }
    pa_model_free(m);
    /* '#' before something that is no colour after a blank is a comment, as anywhere */
    m = parse_ok("[index]\nbands = 90 A blue # 80 B\n[indicator a]\n");
    assert_true(m->n_bands == 1);
    pa_model_free(m);
}

static void
test_error_duplicate_key(void **state)
{
    (void)state;
    expect_error("[index]\n"          /* 1 */
                 "[indicator a]\n"    /* 2 */
                 "weight = 1\n"       /* 3 */
                 "label = A\n"        /* 4 */
                 "weight = 2\n",      /* 5 */
                 5, 1, "'weight' is given twice in this section (first at line 3)");
    /* the two spellings of one key */
    expect_error("[index]\nnormalise = minmax\n  normalize = rank\n[indicator a]\n", 3, 3,
                 "first at line 2");
    /* the same key in two sections is no repetition */
    pa_model *m = parse_ok("[index]\nlabel = I\n[group g]\nlabel = G\n[indicator a]\nlabel = A\n"
                           "parent = g\n");
    pa_model_free(m);
}

/* Compute `csv` with the model `text`; the status, and the error in *e. */
static pa_status
compute_with(const char *text, const char *csv, pa_error *e)
{
    pa_model *m = parse_ok(text);
    pa_data *d = NULL;
    pa_result *r = NULL;
    memset(e, 0, sizeof *e);
    assert_int_equal(pa_data_new(&d, m, e), PA_OK);
    assert_int_equal(pa_data_read_buffer(d, csv, strlen(csv), "t.csv", e), PA_OK);
    pa_status st = pa_compute(&r, m, d, e);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
    return st;
}

/* reference_units: ',', blanks, '，' and '、' separate codes; each code keeps its column;
 * a code that is no unit of the data is an error at that column when computing. */
static void
test_reference_units(void **state)
{
    (void)state;
    /* "reference_units = " is 18 bytes: 'a' at 19, 'b' at 22; '，' and '、' are 3 bytes each */
    static const char text[] = "[index]\n"
                               "reference_units = a, b，c、d ; comment\n"
                               "[indicator x]\n";
    pa_model *m = parse_ok(text);
    static const char *const codes[] = { "a", "b", "c", "d" };
    static const long cols[] = { 19, 22, 26, 30 };
    assert_true(m->n_reference_units == 4);
    for (int i = 0; i < 4; i++) {
        assert_string_equal(m->reference_units[i], codes[i]);
        assert_int_equal(m->reference_at[i].line, 2);
        assert_int_equal(m->reference_at[i].col, cols[i]);
    }
    pa_model_free(m);
    pa_error e;
    assert_int_equal(compute_with(text, "unit,x\na,1\nb,2\nc,3\nd,4\ne,5\n", &e), PA_OK);
    assert_int_equal(compute_with(text, "unit,x\na,1\nb,2\nd,4\ne,5\n", &e), PA_ERR_MODEL);
    assert_string_equal(e.file, "test.ini");
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 26);
    assert_string_equal(e.text, "reference unit 'c' is not a unit of the data");
}

/* Load `size` bytes written to a temporary file; the status, the error in *e. */
static pa_status
load_bytes(const char *bytes, size_t size, pa_model **m, pa_error *e)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/pa_model_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, bytes, size) == (ssize_t)size);
    close(fd);
    memset(e, 0, sizeof *e);
    pa_status st = pa_model_load(m, path, e);
    unlink(path);
    return st;
}

/* Messages: a NUL byte's line and column, "is a directory", no "line 0", fracmax's line. */
static void
test_error_messages(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_error e;
    static const char nul[] = "[index]\n[indicator a]\nlabel = x\0y\n";
    assert_int_equal(load_bytes(nul, sizeof nul - 1, &m, &e), PA_ERR_MODEL);
    assert_null(m);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 10);
    assert_non_null(strstr(e.text, "NUL byte"));
    /* a directory: fopen succeeds on Linux, reading fails */
    const char *dir = getenv("TMPDIR");
    dir = dir && *dir ? dir : "/tmp";
    assert_int_equal(pa_model_load(&m, dir, &e), PA_ERR_IO);
    assert_string_equal(e.file, dir);
    assert_int_equal(e.line, 0);
    assert_string_equal(e.text, "is a directory, not a model file");
    /* a group with the code of the index (whose "line" is none) */
    expect_error("[index]\n[group index]\n[indicator a]\n", 2, 2,
                 "'index' is the code of the index; give this group another code");
    expect_error("[index]\ncode = top\n[indicator top]\n", 3, 2, "the code of the index");
    /* fracmax: the model's line that chose it; -1 × (1, 2) has maximum -1 */
    assert_int_equal(compute_with("[index]\n"                /* 1 */
                                  "[indicator a]\n"          /* 2 */
                                  "direction = -1\n"         /* 3 */
                                  "normalise = fracmax\n",   /* 4 */
                                  "unit,a\nu1,1\nu2,2\n", &e),
                     PA_ERR_COMPUTE);
    assert_string_equal(e.file, "test.ini");
    assert_int_equal(e.line, 4);
    assert_int_equal(e.column, 13);
    assert_non_null(strstr(e.text, "fracmax needs a positive maximum"));
}

/* A method parameter no method uses is an error at its key: one table, every family. */
static void
test_error_unused_parameters(void **state)
{
    (void)state;
    expect_error("[index]\np = 2\n[indicator a]\n", 2, 1,
                 "'p' is used only by aggregate = genmean, but 'index' is aggregated with "
                 "arithmetic");
    expect_error("[index]\n[group g]\npenalty = positive\n[indicator a]\nparent = g\n", 3, 1,
                 "'penalty' is used only by aggregate = mpi, but 'g' is aggregated with "
                 "arithmetic");
    expect_error("[index]\n[indicator a]\ngoalposts = 0, 1\n", 3, 1,
                 "'goalposts' is used only by normalise = goalposts, but 'a' is normalised "
                 "with minmax");
    expect_error("[index]\n[indicator a]\n  target = 3\n", 3, 3,
                 "'target' is used only by normalise = dist2targ");
    expect_error("[index]\n[indicator a]\ncap_max = yes\n", 3, 1, "dist2targ");
    /* inherited: no indicator that takes it from [index] uses it */
    expect_error("[index]\nmean_sd = 0, 1\n[indicator a]\n", 2, 1,
                 "'mean_sd' is used only by normalise = zscore, but 'a' is normalised with "
                 "minmax (no indicator that takes it from [index] uses it)");
    expect_error("[index]\nnormalise = rank\nrange = 0, 1\n[indicator a]\n[indicator b]\n",
                 3, 1, "'range' is used only by normalise = minmax or goalposts");
    /* every indicator overrides it */
    expect_error("[index]\nrange = 1, 2\n[indicator a]\nrange = 0, 1\n", 2, 1,
                 "but every indicator below sets its own");
    expect_error("[index]\n[group g]\nwinmax = 3\n[indicator a]\nparent = g\n", 3, 1,
                 "'winmax' is used only by treat = winsorise, but 'a' has treat = none");
    expect_error("[index]\ntreat = winsorise\n[indicator a]\nlambda = 0.5\n", 4, 1,
                 "'lambda' is used only by fallback = boxcox (with treat = winsorise), but 'a' "
                 "falls back to log_CT");
    expect_error("[index]\nimpute_group = g\n[indicator a]\n", 2, 1,
                 "'impute_group' is used only by impute = group_mean or group_median, but 'a' "
                 "is imputed with none");
    expect_error("[index]\n[indicator a]\nper = 10000\n", 3, 1,
                 "'per' is used only by an indicator with a 'denominator', but 'a' has no "
                 "'denominator'");
    /* the first unused one in the file is reported */
    expect_error("[index]\n[indicator a]\ncap_max = yes\n[indicator b]\nper = 2\n", 3, 1,
                 "cap_max");
    /* a default that some indicator takes is fine where others do not use it; a group's
     * range floors a penalty that comes off it */
    pa_model *m = parse_ok("[index]\nrange = 1, 2\nmean_sd = 0, 2\np = 2\naggregate = genmean\n"
                           "[indicator a]\ngoalposts = 0, 1\nnormalise = goalposts\n"
                           "[indicator b]\nnormalise = zscore\n"
                           "[indicator c]\nnormalise = rank\n");
    pa_model_free(m);
    m = parse_ok("[index]\nnormalise = rank\n[group g]\nrange = 0, 1\n[indicator a]\n"
                 "parent = g\n[penalty d]\nnode = g\npoints = 1\n");
    pa_model_free(m);
}

/* A model saved in GB18030 (治安 is D6 CE B0 B2) reads like its UTF-8 text; bytes that are
 * neither are an error at their line. */
static void
test_load_gb18030(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_error e;
    static const char gb[] = "[index]\nlabel = \xd6\xce\xb0\xb2\n[indicator a]\n";
    assert_int_equal(load_bytes(gb, sizeof gb - 1, &m, &e), PA_OK);
    assert_string_equal(pa_model_label(m), "治安");
    pa_model_free(m);
    static const char bad[] = "[index]\n[indicator a]\nlabel = \xff\xfe\n";
    assert_int_equal(load_bytes(bad, sizeof bad - 1, &m, &e), PA_ERR_MODEL);
    assert_int_equal(e.line, 3);
    assert_string_equal(e.text, "the file is neither UTF-8 nor GB18030 text");
}

/* A file of `text` at dir/name. */
static void
put_file(const char *dir, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* COINr's Weight 0 switches an indicator off: the index is the mean of the others only
 * (u1: (1 + 3) / 2 = 2, where b's 100 would make it 34.67); units come from uCode. */
static void
test_meta_weight_zero(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/pa_meta_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    put_file(dir, "iMeta.csv", "Level,iCode,Parent,Direction,Weight,Type\n"
                               "1,a,idx,1,1,Indicator\n"
                               "1,b,idx,1,0,Indicator\n"
                               "1,c,idx,1,1,Indicator\n"
                               "2,idx,,1,1,Aggregate\n");
    char name[4200];
    snprintf(name, sizeof name, "%s/m.ini", dir);
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&m, "[index]\nmeta = iMeta.csv\nnormalise = none\n", name, &e);
    static const char csv[] = "uName,uCode,a,b,c\nOne,u1,1,100,3\nTwo,u2,5,0,7\n";
    if (st == PA_OK && (st = pa_data_new(&d, m, &e)) == PA_OK &&
        (st = pa_data_read_buffer(d, csv, sizeof csv - 1, "iData.csv", &e)) == PA_OK)
        st = pa_compute(&r, m, d, &e);
    pa_status st2 = PA_OK;
    pa_error e2;
    memset(&e2, 0, sizeof e2);
    pa_model *m2 = NULL;
    if (st == PA_OK) /* a section for b without a weight contradicts the table */
        st2 = pa_model_parse(&m2, "[index]\nmeta = iMeta.csv\nnormalise = none\n"
                                  "[indicator b]\nlabel = B\n", name, &e2);
    put_file(dir, "iMeta.csv", "iCode,Parent,Direction,Weight,Type\n"
                               "a,idx,1,1,Indicator\nidx,,1,0,Aggregate\n");
    pa_model *m3 = NULL;
    pa_error e3;
    memset(&e3, 0, sizeof e3);
    pa_status st3 = pa_model_parse(&m3, "[index]\nmeta = iMeta.csv\n", name, &e3);
    char path[4200];
    snprintf(path, sizeof path, "%s/iMeta.csv", dir);
    unlink(path);
    rmdir(dir);
    if (st != PA_OK)
        print_error("%s:%ld:%ld: %s\n", e.file, e.line, e.column, e.text);
    assert_int_equal(st, PA_OK);
    assert_true(pa_model_find(m, "b") == PA_NONE);
    size_t top = pa_result_node_find(r, "idx");
    assert_string_equal(pa_result_unit_code(r, 0), "u1");
    assert_close(pa_result_score(r, 0, 0, top), 2.0, 1e-12);
    assert_close(pa_result_score(r, 1, 0, top), 6.0, 1e-12);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
    assert_int_equal(st2, PA_ERR_MODEL);
    assert_string_equal(e2.file, name);
    assert_int_equal(e2.line, 4);
    assert_non_null(strstr(e2.text, "indicator 'b' is switched off in"));
    assert_non_null(strstr(e2.text, "(Weight 0, line 3)"));
    assert_int_equal(st3, PA_ERR_MODEL);
    assert_int_equal(e3.line, 3);
    assert_int_equal(e3.column, 4);
    assert_string_equal(e3.text, "Weight 0 switches off indicators only; aggregate 'idx' needs "
                                 "a positive weight");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_structure),
        cmocka_unit_test(test_valid_inheritance),
        cmocka_unit_test(test_default_aggregation_is_the_index_one),
        cmocka_unit_test(test_bands_sorted),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_long_comment_line),
        cmocka_unit_test(test_default_model),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_error_unknown_key),
        cmocka_unit_test(test_error_unknown_section),
        cmocka_unit_test(test_error_unknown_methods),
        cmocka_unit_test(test_error_missing_parent),
        cmocka_unit_test(test_error_cycle),
        cmocka_unit_test(test_error_weights),
        cmocka_unit_test(test_error_direction),
        cmocka_unit_test(test_error_goalposts),
        cmocka_unit_test(test_error_geometric_over_zero_scores),
        cmocka_unit_test(test_error_group_without_children),
        cmocka_unit_test(test_error_duplicate_section),
        cmocka_unit_test(test_error_duplicate_index_section),
        cmocka_unit_test(test_error_key_outside_section),
        cmocka_unit_test(test_error_line_without_equals),
        cmocka_unit_test(test_error_first_one_is_reported),
        cmocka_unit_test(test_error_bands),
        cmocka_unit_test(test_error_other_values),
        cmocka_unit_test(test_bands_hex_and_blanks),
        cmocka_unit_test(test_error_duplicate_key),
        cmocka_unit_test(test_reference_units),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_error_unused_parameters),
        cmocka_unit_test(test_load_gb18030),
        cmocka_unit_test(test_meta_weight_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
