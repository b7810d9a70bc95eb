/* SPDX-License-Identifier: MIT */
/* pa_compute_nodes against pa_compute: the nodes it holds read bit for bit the same through
 * every getter and both writers, the others read as missing, and a failing computation gives
 * the same pa_error. Each model is computed once with pa_compute and then with
 * pa_compute_nodes holding each node alone, the top alone, every other node, every node named,
 * and no list (all).
 *
 * Usage: test_compute_nodes SOURCE_ROOT (data/ and tests/reference/ are read from it). */
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

#define LEN(a) (sizeof(a) / sizeof *(a))
#define NONE ((size_t)-1)

static const char *root; /* the source tree */

/* ---- sources: a model and the data it reads ---- */

typedef struct source {
    const char *name;
    const char *model;          /* model text, or NULL: model_file */
    const char *model_file;     /* under the source tree */
    const char *csv;            /* data text ("": no rows), or NULL: files */
    const char *files[7];       /* under the source tree, read in this order */
    unsigned flags;             /* flags the full result must show: the steps it is there for */
} source;

static void
in_root(char *buf, size_t size, const char *rel)
{
    int n = snprintf(buf, size, "%s/%s", root, rel);
    assert_true(n > 0 && (size_t)n < size);
}

static pa_model *
load_model(const source *s)
{
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st;
    if (s->model) {
        st = pa_model_parse(&m, s->model, "t.ini", &e);
    } else {
        char path[4096];
        in_root(path, sizeof path, s->model_file);
        st = pa_model_load(&m, path, &e);
    }
    if (st != PA_OK)
        report(s->name, st, &e);
    assert_int_equal(st, PA_OK);
    return m;
}

/* A fresh data set each time: pa_compute_nodes consumes the one it is given. */
static pa_data *
read_data(const source *s, const pa_model *m)
{
    pa_data *d = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    pa_status st = PA_OK;
    if (s->csv && *s->csv)
        st = pa_data_read_buffer(d, s->csv, strlen(s->csv), "data.csv", &e);
    for (size_t i = 0; !s->csv && st == PA_OK && i < LEN(s->files) && s->files[i]; i++) {
        char path[4096];
        in_root(path, sizeof path, s->files[i]);
        st = pa_data_read_file(d, path, &e);
    }
    if (st != PA_OK) {
        report(s->name, st, &e);
        pa_data_free(d);
    }
    assert_int_equal(st, PA_OK);
    return d;
}

/* ---- comparing results ---- */

/* The same bits, or both NaN (a NaN's payload is not part of the contract). -0 is not 0. */
static int
same_bits(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static int
same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

typedef double (*cell_getter)(const pa_result *, size_t, size_t, size_t);

static const struct {
    const char *name;
    cell_getter get;
} getters[] = {
    { "pa_result_score", pa_result_score },
    { "pa_result_value", pa_result_value },
    { "pa_result_score_change", pa_result_score_change },
    { "pa_result_score_change_pct", pa_result_score_change_pct },
    { "pa_result_value_change_pct", pa_result_value_change_pct },
};

/* Fail at the caller's line, naming the cell. */
#define expect_cell(ok, r, u, p, n, ...)                                                     \
    do {                                                                                     \
        if (!(ok)) {                                                                         \
            print_error("unit '%s', period '%s', node '%s': ", pa_result_unit_code(r, u),   \
                        pa_result_period(r, p), pa_result_node_code(r, n));                  \
            print_error(__VA_ARGS__);                                                        \
            fail();                                                                          \
        }                                                                                    \
    } while (0)

/* Names, hierarchy and coverage do not depend on the nodes held. */
static void
check_frame(const pa_result *full, const pa_result *part)
{
    size_t nu = pa_result_unit_count(full), np = pa_result_period_count(full);
    size_t nn = pa_result_node_count(full);
    assert_int_equal(pa_result_unit_count(part), nu);
    assert_int_equal(pa_result_period_count(part), np);
    assert_int_equal(pa_result_node_count(part), nn);
    for (size_t u = 0; u < nu; u++) {
        assert_string_equal(pa_result_unit_code(part, u), pa_result_unit_code(full, u));
        assert_string_equal(pa_result_unit_name(part, u), pa_result_unit_name(full, u));
    }
    for (size_t p = 0; p < np; p++) {
        assert_string_equal(pa_result_period(part, p), pa_result_period(full, p));
        assert_int_equal(pa_result_base_of(part, p), pa_result_base_of(full, p));
        for (size_t u = 0; u < nu; u++)
            assert_true(same_bits(pa_result_coverage(part, u, p), pa_result_coverage(full, u, p)));
    }
    for (size_t n = 0; n < nn; n++) {
        assert_string_equal(pa_result_node_code(part, n), pa_result_node_code(full, n));
        assert_string_equal(pa_result_node_label(part, n), pa_result_node_label(full, n));
        assert_string_equal(pa_result_node_unit(part, n), pa_result_node_unit(full, n));
        assert_int_equal(pa_result_node_level(part, n), pa_result_node_level(full, n));
        assert_int_equal(pa_result_node_parent(part, n), pa_result_node_parent(full, n));
        assert_int_equal(pa_result_node_is_penalty(part, n), pa_result_node_is_penalty(full, n));
        assert_true(same_bits(pa_result_node_weight(part, n), pa_result_node_weight(full, n)));
    }
}

/* A cell of a node held: every getter as pa_compute's. */
static void
check_held_cell(const pa_result *full, const pa_result *part, size_t u, size_t p, size_t n)
{
    for (size_t g = 0; g < LEN(getters); g++) {
        double a = getters[g].get(full, u, p, n), b = getters[g].get(part, u, p, n);
        expect_cell(same_bits(a, b), part, u, p, n, "%s: pa_compute %a, pa_compute_nodes %a\n",
                    getters[g].name, a, b);
    }
    long ra = pa_result_rank(full, u, p, n), rb = pa_result_rank(part, u, p, n);
    expect_cell(ra == rb, part, u, p, n, "rank: pa_compute %ld, pa_compute_nodes %ld\n", ra, rb);
    const char *ca = "?", *cb = "?";
    const char *ba = pa_result_band(full, u, p, n, &ca), *bb = pa_result_band(part, u, p, n, &cb);
    expect_cell(same_str(ba, bb) && same_str(ca, cb), part, u, p, n,
                "band: pa_compute %s (%s), pa_compute_nodes %s (%s)\n", ba ? ba : "NULL",
                ca ? ca : "NULL", bb ? bb : "NULL", cb ? cb : "NULL");
    unsigned fa = pa_result_flags(full, u, p, n), fb = pa_result_flags(part, u, p, n);
    expect_cell(fa == fb, part, u, p, n, "flags: pa_compute %u, pa_compute_nodes %u\n", fa, fb);
}

/* A cell of a node not held reads as missing. */
static void
check_missing_cell(const pa_result *part, size_t u, size_t p, size_t n)
{
    for (size_t g = 0; g < LEN(getters); g++) {
        double v = getters[g].get(part, u, p, n);
        expect_cell(isnan(v), part, u, p, n, "not held, but %s is %a\n", getters[g].name, v);
    }
    long rk = pa_result_rank(part, u, p, n);
    expect_cell(rk == 0, part, u, p, n, "not held, but ranked %ld\n", rk);
    const char *colour = "?";
    const char *band = pa_result_band(part, u, p, n, &colour);
    expect_cell(!band && !colour, part, u, p, n, "not held, but band %s\n", band ? band : "");
    unsigned fl = pa_result_flags(part, u, p, n);
    expect_cell(fl == 0, part, u, p, n, "not held, but flags %u\n", fl);
}

static void
check_cells(const pa_result *full, const pa_result *part, const unsigned char *held)
{
    for (size_t n = 0; n < pa_result_node_count(full); n++)
        for (size_t p = 0; p < pa_result_period_count(full); p++)
            for (size_t u = 0; u < pa_result_unit_count(full); u++) {
                if (held[n])
                    check_held_cell(full, part, u, p, n);
                else
                    check_missing_cell(part, u, p, n);
            }
}

/* The nodes a keep list holds, by result node (all for an empty list). */
static unsigned char *
held_nodes(const pa_result *full, const char *const *keep, size_t n_keep)
{
    size_t nn = pa_result_node_count(full);
    unsigned char *held = calloc(nn ? nn : 1, 1);
    assert_non_null(held);
    for (size_t n = 0; n < nn; n++)
        held[n] = n_keep == 0;
    for (size_t i = 0; i < n_keep; i++) {
        size_t n = pa_result_node_find(full, keep[i]);
        assert_true(n != NONE);
        held[n] = 1;
    }
    return held;
}

/* ---- comparing output ---- */

/* What pa_result_write writes (malloc'd, *len bytes). */
static char *
write_mem(const pa_result *r, pa_format format, const pa_write_options *o, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_result_write(r, f, format, o, &e);
    fclose(f);
    if (st != PA_OK) {
        report("pa_result_write", st, &e);
        free(buf);
    }
    assert_int_equal(st, PA_OK);
    return buf;
}

/* Whether two outputs are the same bytes; if not, say where they part. */
static int
same_output(const char *what, const char *a, size_t la, const char *b, size_t lb)
{
    if (la == lb && memcmp(a, b, la) == 0)
        return 1;
    size_t i = 0;
    while (i < la && i < lb && a[i] == b[i])
        i++;
    size_t line = i;
    while (line > 0 && a[line - 1] != '\n')
        line--;
    print_error("%s: outputs differ at byte %zu (lengths %zu and %zu)\n"
                "pa_compute:       %.160s\npa_compute_nodes: %.160s\n",
                what, i, la, lb, a + line, b + line);
    return 0;
}

/* pa_compute_nodes' output without a node list, and with the keep list, is pa_compute's with
 * the keep list: in CSV and JSON, for every period and for the last alone. */
static void
check_writes(const pa_result *full, const pa_result *part, const char *const *keep,
             size_t n_keep)
{
    size_t np = pa_result_period_count(full);
    static const pa_format formats[] = { PA_FORMAT_CSV, PA_FORMAT_JSON };
    for (size_t f = 0; f < LEN(formats); f++)
        for (int one_period = 0; one_period < 2; one_period++) {
            const char *period = one_period ? pa_result_period(full, np - 1) : NULL;
            pa_write_options listed = { .period = period, .nodes = n_keep ? keep : NULL,
                                        .n_nodes = n_keep };
            pa_write_options unlisted = { .period = period };
            size_t la, lb, lc;
            char *a = write_mem(full, formats[f], &listed, &la);
            char *b = write_mem(part, formats[f], &unlisted, &lb);
            char *c = write_mem(part, formats[f], &listed, &lc);
            const char *fmt = formats[f] == PA_FORMAT_CSV ? "CSV" : "JSON";
            int ok = same_output(fmt, a, la, b, lb) &&
                     same_output(fmt, a, la, c, lc);
            free(a);
            free(b);
            free(c);
            assert_true(ok);
        }
}

/* ---- equivalence ---- */

/* pa_compute_nodes on a fresh data set holding `keep`, against `full` from pa_compute. */
static void
check_keep(const source *s, const pa_model *m, pa_result *full, const char *const *keep,
           size_t n_keep)
{
    pa_result *part = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_compute_nodes(&part, m, read_data(s, m), keep, n_keep, &e);
    if (st != PA_OK)
        report("pa_compute_nodes", st, &e);
    assert_int_equal(st, PA_OK);
    unsigned char *held = held_nodes(full, keep, n_keep);
    check_frame(full, part);
    check_cells(full, part, held);
    check_writes(full, part, keep, n_keep);
    /* changes against another base read the kept scores and values of that period */
    if (pa_result_period_count(full) > 1) {
        const char *first = pa_result_period(full, 0);
        assert_int_equal(pa_result_set_base(full, first, NULL), PA_OK);
        assert_int_equal(pa_result_set_base(part, first, NULL), PA_OK);
        check_cells(full, part, held);
        check_writes(full, part, keep, n_keep);
        assert_int_equal(pa_result_set_base(full, NULL, NULL), PA_OK);
    }
    free(held);
    pa_result_free(part);
}

/* The fixture must do what it is there for: scores at the top, and the flags it claims. */
static void
check_source_exercised(const source *s, const pa_result *full, const char *top_code)
{
    size_t top = pa_result_node_find(full, top_code), scored = 0;
    assert_true(top != NONE);
    unsigned seen = 0;
    for (size_t p = 0; p < pa_result_period_count(full); p++)
        for (size_t u = 0; u < pa_result_unit_count(full); u++) {
            scored += !isnan(pa_result_score(full, u, p, top));
            for (size_t n = 0; n < pa_result_node_count(full); n++)
                seen |= pa_result_flags(full, u, p, n);
        }
    assert_true(scored > 0);
    if ((seen & s->flags) != s->flags)
        print_error("%s: flags %#x wanted, %#x seen\n", s->name, s->flags, seen);
    assert_int_equal(seen & s->flags, s->flags);
}

static void
test_equivalence(void **state)
{
    const source *s = *state;
    pa_model *m = load_model(s);
    pa_data *d = read_data(s, m);
    pa_result *full = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_compute(&full, m, d, &e);
    if (st != PA_OK)
        report("pa_compute", st, &e);
    assert_int_equal(st, PA_OK);
    pa_data_free(d);
    const char *top = pa_model_code(m);
    check_source_exercised(s, full, top);

    size_t nn = pa_result_node_count(full);
    const char **codes = malloc(nn * sizeof *codes);
    const char **alternate = malloc(nn * sizeof *alternate);
    assert_true(codes && alternate);
    size_t n_alt = 0;
    for (size_t n = 0; n < nn; n++) {
        codes[n] = pa_result_node_code(full, n);
        if (n % 2)
            alternate[n_alt++] = codes[n];
    }
    for (size_t n = 0; n < nn; n++) /* each node alone */
        check_keep(s, m, full, &codes[n], 1);
    check_keep(s, m, full, &top, 1);
    check_keep(s, m, full, NULL, 0);             /* no list: all */
    check_keep(s, m, full, alternate, n_alt);    /* held children of dropped parents, and back */
    check_keep(s, m, full, codes, nn);           /* every node named */
    free(codes);
    free(alternate);
    pa_result_free(full);
    pa_model_free(m);
}

/* A data set that pa_compute already shares its columns with: pa_compute_nodes consumes it,
 * and the first result must still read its raw values (the columns are counted, not owned). */
static void
test_data_shared_with_a_result(void **state)
{
    const source *s = *state;
    pa_model *m = load_model(s);
    pa_data *d = read_data(s, m);
    pa_result *full = NULL, *part = NULL;
    assert_int_equal(pa_compute(&full, m, d, NULL), PA_OK);
    const char *keep = pa_result_node_code(full, 0);
    assert_int_equal(pa_compute_nodes(&part, m, d, &keep, 1, NULL), PA_OK);
    unsigned char *held = held_nodes(full, &keep, 1);
    check_cells(full, part, held);
    free(held);
    pa_result_free(part);
    /* no list (every node held) from a data set another result shares */
    d = read_data(s, m);
    pa_result *again = NULL;
    assert_int_equal(pa_compute(&again, m, d, NULL), PA_OK);
    assert_int_equal(pa_compute_nodes(&part, m, d, NULL, 0, NULL), PA_OK);
    held = held_nodes(full, NULL, 0);
    check_cells(again, part, held);
    check_cells(full, part, held);
    free(held);
    pa_result_free(part);
    pa_result_free(again);
    pa_result_free(full);
    pa_model_free(m);
}

/* Penalties (on a group and on the top), bands, a reference unit and every aggregation but the
 * arithmetic mean. minmax onto 1..100, so that no score is 0 under the geometric and harmonic
 * means (u6, not in the statistics, stays inside the others' range). */
static const source aggregations = {
    .name = "aggregations",
    .model = "[index]\n"
             "code = top\n"
             "label = Top\n"
             "normalise = minmax\n"
             "range = 1, 100\n"
             "denominate = no\n"
             "reference_units = u6\n"
             "bands = 80 good green; 40 fair amber; 0 poor red\n"
             "[group geo]\n"
             "aggregate = geometric\n"
             "weight = 2\n"
             "[group har]\n"
             "aggregate = harmonic\n"
             "[group med]\n"
             "aggregate = median\n"
             "[group mp]\n"
             "aggregate = mpi\n"
             "penalty = negative\n"
             "[group gen]\n"
             "aggregate = genmean\n"
             "p = 3\n"
             "[group cop]\n"
             "aggregate = copeland\n"
             "weight = 0.5\n"
             "[indicator a]\n"
             "parent = geo\n"
             "column = x1\n"
             "[indicator b]\n"
             "parent = geo\n"
             "column = x2\n"
             "direction = -1\n"
             "weight = 3\n"
             "[indicator c]\n"
             "parent = har\n"
             "column = x3\n"
             "[indicator d]\n"
             "parent = har\n"
             "column = x4\n"
             "weight = 0.5\n"
             "[indicator e]\n"
             "parent = med\n"
             "column = x1\n"
             "direction = -1\n"
             "[indicator f]\n"
             "parent = med\n"
             "column = x3\n"
             "[indicator g]\n"
             "parent = med\n"
             "column = x5\n"
             "weight = 2\n"
             "[indicator h]\n"
             "parent = mp\n"
             "column = x2\n"
             "[indicator i]\n"
             "parent = mp\n"
             "column = x4\n"
             "direction = -1\n"
             "[indicator j]\n"
             "parent = gen\n"
             "column = x5\n"
             "[indicator k]\n"
             "parent = gen\n"
             "column = x1\n"
             "[indicator l]\n"
             "parent = cop\n"
             "column = x3\n"
             "[indicator m]\n"
             "parent = cop\n"
             "column = x4\n"
             "weight = 2\n"
             "[penalty deaths_pts]\n"
             "column = deaths\n"
             "points = 2\n"
             "cap = 5\n"
             "node = geo\n"
             "[penalty fines_pts]\n"
             "column = fines\n"
             "points = 0.5\n",
    .csv = "unit,name,year,x1,x2,x3,x4,x5,deaths,fines\n"
           "u1,One,2018,10,5,3,7,1,0,0\n"
           "u2,Two,2018,20,4,9,,2,1,3\n"
           "u3,Three,2018,30,9,1,2,8,3,\n"
           "u4,Four,2018,5,1,4,4,4,0,1\n"
           "u5,Five,2018,15,6,6,9,3,2,0\n"
           "u6,Six,2018,25,2,,5,7,,2\n"
           "u1,One,2019,12,5,2,8,1,0,1\n"
           "u2,Two,2019,18,3,9,6,3,0,0\n"
           "u3,Three,2019,28,8,2,3,9,4,2\n"
           "u4,Four,2019,6,2,5,4,4,1,0\n"
           "u5,Five,2019,14,7,7,9,2,0,0\n"
           "u6,Six,2019,26,1,3,5,6,0,5\n"
           "u1,One,2020,11,4,4,8,2,1,0\n"
           "u2,Two,2020,19,3,8,6,3,0,2\n"
           "u3,Three,2020,,8,1,3,9,0,0\n"
           "u4,Four,2020,7,2,5,,5,2,1\n"
           "u5,Five,2020,16,6,7,9,1,0,0\n",
};

/* The steps before normalisation and the other normalisations: denominators, imputation
 * (linear, mean, latest), screening, winsorising, rank, zscore, prank and goalposts, a
 * group's min_coverage, reference units and penalties. The denominator's column is also an
 * indicator's and a penalty's: each lets go of it on its own. */
static const source steps = {
    .name = "steps",
    .model = "[index]\n"
             "code = idx\n"
             "unit_column = unit\n"
             "name_column = name\n"
             "min_coverage = 0.5\n"
             "reference_units = city\n"
             "treat = winsorise\n"
             "bands = 50 high; 0 low\n"
             "[group g1]\n"
             "weight = 2\n"
             "[group g2]\n"
             "min_coverage = 0.6\n"
             "[indicator a]\n"
             "parent = g1\n"
             "denominator = pop\n"
             "per = 1000\n"
             "impute = linear\n"
             "[indicator b]\n"
             "parent = g1\n"
             "impute = mean\n"
             "normalise = rank\n"
             "[indicator c]\n"
             "parent = g2\n"
             "impute = latest\n"
             "normalise = zscore\n"
             "[indicator d]\n"
             "parent = g2\n"
             "direction = -1\n"
             "normalise = prank\n"
             "[indicator e]\n"
             "parent = g2\n"
             "normalise = goalposts\n"
             "goalposts = 0, 50\n"
             "treat = none\n"
             "[indicator size]\n"
             "parent = g1\n"
             "column = pop\n"
             "denominate = no\n"
             "[penalty pts]\n"
             "column = incidents\n"
             "points = 3\n"
             "node = g2\n"
             "[penalty crowding]\n"
             "column = pop\n"
             "points = 0.0005\n"
             "cap = 2\n",
    /* a: 900 at u4 2019 is the outlier; u7 2019 has only b (imputed) of five: screened;
     * u6 2020 has c alone of g2's three: low coverage */
    .csv = "unit,name,year,pop,a,b,c,d,e,incidents\n"
           "city,City,2018,9000,40,50,5,6,20,3\n"
           "u1,\"One, the first\",2018,1000,4,3,1,2,10,0\n"
           "u2,Two,2018,2000,9,,2,3,20,1\n"
           "u3,Three,2018,1500,5,7,,1,30,0\n"
           "u4,Four,2018,1200,6,2,4,,15,2\n"
           "u5,Five,2018,800,3,9,5,4,,0\n"
           "u6,Six,2018,1100,,4,3,5,25,1\n"
           "city,City,2019,9100,42,48,6,7,22,2\n"
           "u1,\"One, the first\",2019,1010,,4,2,3,12,0\n"
           "u2,Two,2019,2020,8,6,,2,18,0\n"
           "u3,Three,2019,1490,6,,3,2,28,1\n"
           "u4,Four,2019,1210,900,3,5,1,16,0\n"
           "u5,Five,2019,820,4,8,,5,5,0\n"
           "u6,Six,2019,1120,7,5,2,,24,4\n"
           "u7,Seven,2019,500,,,,,,\n"
           "city,City,2020,9200,44,47,7,8,21,0\n"
           "u1,\"One, the first\",2020,1020,5,5,3,4,11,0\n"
           "u2,Two,2020,2040,7,7,3,3,19,2\n"
           "u3,Three,2020,1480,7,6,4,3,27,0\n"
           "u4,Four,2020,1220,7,4,6,2,17,1\n"
           "u5,Five,2020,830,5,7,,6,6,0\n"
           "u6,Six,2020,1130,8,6,2,,,0\n",
    .flags = PA_FLAG_IMPUTED | PA_FLAG_WINSORISED_HIGH | PA_FLAG_SCREENED |
             PA_FLAG_LOW_COVERAGE,
};

/* Per-period statistics, a log transform, base-period and distance normalisations. */
static const source transforms = {
    .name = "transforms",
    .model = "[index]\n"
             "code = t\n"
             "scope = period\n"
             "denominate = no\n"
             "base_period = 2019\n"
             "[indicator a]\n"
             "transform = log\n"
             "normalise = minmax\n"
             "[indicator b]\n"
             "normalise = base\n"
             "[indicator c]\n"
             "normalise = dist2targ\n"
             "target = 50\n"
             "[indicator d]\n"
             "normalise = borda\n"
             "direction = -1\n"
             "[indicator e]\n"
             "normalise = fracmax\n",
    .csv = "unit,year,a,b,c,d,e\n"
           "u1,2019,1,10,20,3,4\n"
           "u2,2019,10,20,40,1,8\n"
           "u3,2019,100,5,60,2,2\n"
           "u4,2019,1000,8,,4,1\n"
           "u1,2020,2,12,25,4,5\n"
           "u2,2020,20,18,45,1,7\n"
           "u3,2020,200,6,55,3,3\n"
           "u4,2020,,9,35,2,2\n",
};

/* No period column: one period "". */
static const source one_period = {
    .name = "one period",
    .model = "[index]\n"
             "[indicator a]\n"
             "[indicator b]\n"
             "direction = -1\n",
    .csv = "unit,a,b\n"
           "u1,1,2\n"
           "u2,3,1\n"
           "u3,2,2\n",
};

/* A complete panel listed period by period, units in the same order: the rates of raw
 * columns that nothing else reads are computed in their place. Here a column read by two
 * indicators, one that is also a penalty's, and a denominator that is also an indicator must
 * stay as they are until their last reader is done. */
static const source cell_order = {
    .name = "rows in cell order",
    .model = "[index]\n"
             "code = co\n"
             "[indicator a]\n"
             "denominator = pop\n"
             "per = 100\n"
             "[indicator a_count]\n"
             "column = a\n"
             "denominate = no\n"
             "[indicator size]\n"
             "column = pop\n"
             "denominate = no\n"
             "direction = -1\n"
             "[indicator b]\n"
             "denominator = pop\n"
             "[indicator c]\n"
             "denominator = pop\n"
             "direction = -1\n"
             "[penalty pb]\n"
             "column = b\n"
             "points = 0.5\n"
             "node = co\n",
    .csv = "unit,year,pop,a,b,c\n"
           "u1,2018,1000,4,3,7\n"
           "u2,2018,2000,9,,2\n"
           "u3,2018,1500,5,7,1\n"
           "u1,2019,1010,6,4,5\n"
           "u2,2019,2020,8,6,\n"
           "u3,2019,1490,6,2,3\n"
           "u1,2020,1020,5,5,4\n"
           "u2,2020,2040,7,7,6\n"
           "u3,2020,1480,7,6,2\n",
};

static const source shipped = {
    .name = "shipped",
    .model_file = "data/pingan.ini",
    .files = { "data/2014.csv", "data/2015.csv", "data/2016.csv", "data/2017.csv",
               "data/2018.csv", "data/2019.csv" },
};

static const source hdi = {
    .name = "hdi",
    .model_file = "tests/reference/models/hdi.ini",
    .files = { "tests/reference/data/hdi/hdi2021_sample.csv" },
};

#define ASEM(pipeline, fl)                                                                   \
    {                                                                                        \
        .name = "asem_" pipeline, .model_file = "tests/reference/models/asem_" pipeline ".ini", \
        .files = { "tests/reference/data/asem/iData.csv" }, .flags = (fl)                    \
    }

static const source asem[] = {
    ASEM("minmax_arith", 0),
    ASEM("zscore_arith", 0),
    ASEM("minmax1_geom", 0),
    ASEM("minmax1_harm", 0),
    ASEM("rank_arith", 0),
    ASEM("prank_arith", 0),
    ASEM("borda_arith", 0),
    ASEM("denom_minmax_arith", 0),
    ASEM("treat_minmax_arith", PA_FLAG_WINSORISED_HIGH),
    ASEM("impute_mean_minmax_arith", PA_FLAG_IMPUTED),
    ASEM("impute_median_minmax_arith", PA_FLAG_IMPUTED),
    ASEM("full", PA_FLAG_IMPUTED | PA_FLAG_WINSORISED_HIGH),
};

/* ---- failures: the same pa_error from both ---- */

typedef struct failing {
    const char *name;
    const char *model, *csv;
    pa_status status;
    const char *file;           /* expected location */
    long line;
    const char *named[4];       /* what the message names */
    const char *not_named;      /* what it must not: the failure that loses */
    const char *nodes[10];      /* every node, to hold each alone */
} failing;

static void
check_same_error(const char *what, pa_status want_st, const pa_error *want, pa_status got_st,
                 const pa_error *got)
{
    if (got_st == want_st && got->status == want->status && strcmp(got->file, want->file) == 0 &&
        got->line == want->line && got->column == want->column &&
        strcmp(got->text, want->text) == 0)
        return;
    print_error("%s:\npa_compute:       %d, %d %s:%ld:%ld: %s\n"
                "pa_compute_nodes: %d, %d %s:%ld:%ld: %s\n",
                what, (int)want_st, (int)want->status, want->file, want->line, want->column,
                want->text, (int)got_st, (int)got->status, got->file, got->line, got->column,
                got->text);
    fail();
}

/* pa_compute_nodes holding `keep` must fail as pa_compute did. */
static void
check_fails_alike(const source *s, const pa_model *m, pa_status want_st, const pa_error *want,
                  const char *const *keep, size_t n_keep)
{
    pa_error got;
    memset(&got, 0x5a, sizeof got); /* every field must be written */
    pa_result *r = (pa_result *)&got;
    pa_status st = pa_compute_nodes(&r, m, read_data(s, m), keep, n_keep, &got);
    assert_null(r);
    check_same_error(n_keep == 1 ? keep[0] : n_keep ? "a node list" : "no node list", want_st,
                     want, st, &got);
}

static void
test_same_error(void **state)
{
    const failing *fx = *state;
    const source s = { .name = fx->name, .model = fx->model, .csv = fx->csv };
    pa_model *m = load_model(&s);
    pa_data *d = read_data(&s, m);
    pa_result *r = (pa_result *)&s;
    pa_error want;
    memset(&want, 0x5a, sizeof want);
    pa_status st = pa_compute(&r, m, d, &want);
    pa_data_free(d);
    /* pa_compute's error, as the fixture expects it, is the reference */
    if (st != fx->status)
        report(fx->name, st, &want);
    assert_int_equal(st, fx->status);
    assert_null(r);
    assert_int_equal(want.status, st);
    assert_string_equal(want.file, fx->file);
    assert_int_equal(want.line, fx->line);
    for (size_t i = 0; i < LEN(fx->named) && fx->named[i]; i++)
        if (!strstr(want.text, fx->named[i]))
            fail_msg("'%s' does not name %s", want.text, fx->named[i]);
    if (fx->not_named && strstr(want.text, fx->not_named))
        fail_msg("'%s' names %s", want.text, fx->not_named);

    check_fails_alike(&s, m, st, &want, NULL, 0);
    check_fails_alike(&s, m, st, &want, (const char *const[]){ pa_model_code(m) }, 1);
    size_t n_nodes = 0;
    for (; n_nodes < LEN(fx->nodes) && fx->nodes[n_nodes]; n_nodes++)
        check_fails_alike(&s, m, st, &want, &fx->nodes[n_nodes], 1);
    check_fails_alike(&s, m, st, &want, fx->nodes, n_nodes);
    pa_model_free(m);
}

/* Children 'a', 'b' under an arithmetic g1 (normalise = none, so 1e308 stays 1e308 and two of
 * them make an infinite mean) and 'c', 'd' under g2 (goalposts 0..10, so 0 scores 0). */
#define TWO_GROUPS(g2_aggregate, top_aggregate)                                              \
    "[index]\n"                                                                              \
    "code = idx\n"                                                                           \
    "denominate = no\n"                                                                      \
    "aggregate = " top_aggregate "\n"                                                        \
    "[group g1]\n"                                                                           \
    "aggregate = arithmetic\n" /* not the top's */                                           \
    "normalise = none\n"                                                                     \
    "[group g2]\n"                                                                           \
    "aggregate = " g2_aggregate "\n"                                                         \
    "normalise = goalposts\n"                                                                \
    "[indicator a]\n"                                                                        \
    "parent = g1\n"                                                                          \
    "[indicator b]\n"                                                                        \
    "parent = g1\n"                                                                          \
    "[indicator c]\n"                                                                        \
    "parent = g2\n"                                                                          \
    "goalposts = 0, 10\n"                                                                    \
    "[indicator d]\n"                                                                        \
    "parent = g2\n"                                                                          \
    "goalposts = 0, 10\n"

static const failing failures[] = {
    { /* the first failing period (2018) is reported, though its row comes later */
      .name = "aggregation: geometric mean over 0",
      .model = "[index]\n"
               "code = idx\n"
               "normalise = goalposts\n"
               "aggregate = geometric\n"
               "[indicator a]\n"
               "goalposts = 0, 10\n"
               "weight = 3\n"
               "[indicator b]\n"
               "goalposts = 0, 10\n",
      .csv = "unit,year,a,b\n"
             "u1,2019,0,3\n"
             "u2,2019,4,4\n"
             "u1,2018,5,10\n"
             "u2,2018,0,5\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 5,
      .named = { "geometric", "'u2'", "'2018'", "'idx'" },
      .nodes = { "a", "b", "idx" } },
    { .name = "check: score not finite",
      .model = "[index]\n"
               "code = idx\n"
               "normalise = none\n"
               "denominate = no\n"
               "[indicator a]\n"
               "[indicator b]\n",
      .csv = "unit,year,a,b\n"
             "u1,2019,1,2\n"
             "u2,2019,1e308,1e308\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 3,
      .named = { "not a finite", "'u2'", "'idx'" },
      .nodes = { "a", "b", "idx" } },
    { /* the Mazziotta-Pareto mean of 1e308, 1e308, -1e308 is inf + inf·NaN: a score lost
       * though every child is there (checked before the children go) */
      .name = "check: score lost to NaN",
      .model = "[index]\n"
               "code = idx\n"
               "normalise = none\n"
               "denominate = no\n"
               "[group g]\n"
               "aggregate = mpi\n"
               "penalty = negative\n"
               "[indicator a]\n"
               "parent = g\n"
               "[indicator b]\n"
               "parent = g\n"
               "[indicator c]\n"
               "parent = g\n",
      .csv = "unit,year,a,b,c\n"
             "u1,2019,1,2,3\n"
             "u2,2019,1e308,1e308,-1e308\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 3,
      .named = { "not a finite", "'u2'", "'g'" },
      .nodes = { "a", "b", "c", "g", "idx" } },
    { /* u2 fails for c, u3 for a: the first indicator's is reported */
      .name = "denomination: denominator 0",
      .model = "[index]\n"
               "code = idx\n"
               "[indicator a]\n"
               "denominator = pop\n"
               "per = 1000\n"
               "[indicator b]\n"
               "[indicator c]\n"
               "denominator = pop\n",
      .csv = "unit,year,pop,a,b,c\n"
             "u1,2019,100,1,2,3\n"
             "u2,2019,0,,3,4\n"
             "u3,2019,-1,5,1,2\n",
      .status = PA_ERR_DATA, .file = "data.csv", .line = 4,
      .named = { "denominator 'pop'", "'u3'", "'a'" }, .not_named = "'c'",
      .nodes = { "a", "b", "c", "idx" } },
    { /* g1 fails the check (u1) before g2's aggregation fails (u2): aggregation wins */
      .name = "aggregation and check: aggregation wins",
      .model = TWO_GROUPS("geometric", "arithmetic"),
      .csv = "unit,year,a,b,c,d\n"
             "u1,2019,1e308,1e308,5,5\n"
             "u2,2019,1,1,0,5\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 3,
      .named = { "geometric", "'g2'", "'u2'", "'c'" }, .not_named = "finite",
      .nodes = { "a", "b", "c", "d", "g1", "g2", "idx" } },
    { /* the same with the failing aggregation at the top, over g2's 0 */
      .name = "aggregation at the top and check: aggregation wins",
      .model = TWO_GROUPS("arithmetic", "geometric"),
      .csv = "unit,year,a,b,c,d\n"
             "u1,2019,1e308,1e308,5,5\n"
             "u2,2019,1,1,0,0\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 3,
      .named = { "geometric", "'idx'", "'g2'", "'u2'" }, .not_named = "finite",
      .nodes = { "a", "b", "c", "d", "g1", "g2", "idx" } },
    { /* the two models above without the 0: the check failure that loses is there */
      .name = "check alone under an arithmetic top",
      .model = TWO_GROUPS("geometric", "arithmetic"),
      .csv = "unit,year,a,b,c,d\n"
             "u1,2019,1e308,1e308,5,5\n"
             "u2,2019,1,1,3,5\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 2,
      .named = { "not a finite", "'g1'", "'u1'" },
      .nodes = { "a", "b", "c", "d", "g1", "g2", "idx" } },
    { .name = "check alone under a geometric top",
      .model = TWO_GROUPS("arithmetic", "geometric"),
      .csv = "unit,year,a,b,c,d\n"
             "u1,2019,1e308,1e308,5,5\n"
             "u2,2019,1,1,3,5\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 2,
      .named = { "not a finite", "'g1'", "'u1'" },
      .nodes = { "a", "b", "c", "d", "g1", "g2", "idx" } },
    { /* g2 fails in an earlier period (and idx with it), g1 later: g1 comes first in node
       * order */
      .name = "two checks: the first node's",
      .model = "[index]\n"
               "code = idx\n"
               "normalise = none\n"
               "denominate = no\n"
               "[group g1]\n"
               "[group g2]\n"
               "[indicator a]\n"
               "parent = g1\n"
               "[indicator b]\n"
               "parent = g1\n"
               "[indicator c]\n"
               "parent = g2\n"
               "[indicator d]\n"
               "parent = g2\n",
      .csv = "unit,year,a,b,c,d\n"
             "u1,2019,1,1,1e308,1e308\n"
             "u2,2019,1,1,1,1\n"
             "u1,2020,1,1,1,1\n"
             "u2,2020,1e308,1e308,1,1\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 5,
      .named = { "not a finite", "'g1'", "'u2'", "'2020'" }, .not_named = "'g2'",
      .nodes = { "a", "b", "c", "d", "g1", "g2", "idx" } },
    { .name = "transform: log of 0",
      .model = "[index]\n"
               "code = idx\n"
               "denominate = no\n"
               "[indicator a]\n"
               "transform = log\n"
               "[indicator b]\n",
      .csv = "unit,year,a,b\n"
             "u1,2019,1,2\n"
             "u2,2019,0,3\n"
             "u3,2019,5,1\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 3,
      .named = { "log", "'u2'", "'a'" },
      .nodes = { "a", "b", "idx" } },
    { .name = "normalisation: span beyond doubles",
      .model = "[index]\n"
               "code = idx\n"
               "denominate = no\n"
               "[indicator a]\n"
               "[indicator b]\n",
      .csv = "unit,year,a,b\n"
             "u1,2019,-1e308,2\n"
             "u2,2019,1e308,3\n",
      .status = PA_ERR_COMPUTE, .file = "", .line = 0,
      .named = { "span", "'a'" },
      .nodes = { "a", "b", "idx" } },
    { .name = "normalisation: base-period value 0",
      .model = "[index]\n"
               "code = idx\n"
               "denominate = no\n"
               "normalise = base\n"
               "base_period = 2018\n"
               "[indicator a]\n",
      .csv = "unit,year,a\n"
             "u1,2018,1\n"
             "u2,2018,0\n"
             "u1,2019,2\n"
             "u2,2019,3\n",
      .status = PA_ERR_COMPUTE, .file = "data.csv", .line = 3,
      .named = { "'u2'", "'a'", "'2018'" },
      .nodes = { "a", "idx" } },
    { .name = "penalty: negative count",
      .model = "[index]\n"
               "code = idx\n"
               "[indicator a]\n"
               "[penalty pts]\n"
               "column = deaths\n"
               "points = 2\n",
      .csv = "unit,year,a,deaths\n"
             "u1,2020,1,0\n"
             "u2,2020,2,-1\n",
      .status = PA_ERR_DATA, .file = "data.csv", .line = 3,
      .named = { "negative", "'u2'" },
      .nodes = { "a", "idx", "pts" } },
    { .name = "data: a second row for a period",
      .model = "[index]\n"
               "code = idx\n"
               "[indicator a]\n",
      .csv = "unit,year,a\n"
             "u1,2020,1\n"
             "u2,2020,2\n"
             "u1,2020,3\n",
      .status = PA_ERR_DATA, .file = "data.csv", .line = 4,
      .named = { "second row", "'u1'" },
      .nodes = { "a", "idx" } },
    { .name = "data: no rows",
      .model = "[index]\n"
               "code = idx\n"
               "[indicator a]\n",
      .csv = "",
      .status = PA_ERR_DATA, .file = "", .line = 0,
      .named = { "no data rows" },
      .nodes = { "a", "idx" } },
};

/* ---- argument errors: PA_ERR_ARGUMENT, and the data set still freed (valgrind, ASan) ---- */

static const char small_model[] = "[index]\n"
                                  "code = idx\n"
                                  "denominate = no\n"
                                  "[group g1]\n"
                                  "[group g2]\n"
                                  "[indicator a]\n"
                                  "label = Alpha\n"
                                  "parent = g1\n"
                                  "[indicator b]\n"
                                  "parent = g1\n"
                                  "[indicator c]\n"
                                  "parent = g2\n"
                                  "[penalty pts]\n"
                                  "column = deaths\n"
                                  "points = 1\n";

static const source small = {
    .name = "small",
    .model = small_model,
    .csv = "unit,year,a,b,c,deaths\n"
           "u1,2019,1,2,3,0\n"
           "u2,2019,3,1,2,1\n"
           "u3,2019,2,2,1,0\n"
           "u1,2020,2,2,3,0\n"
           "u2,2020,3,2,1,2\n"
           "u3,2020,1,3,2,1\n",
};

/* pa_compute_nodes must refuse with PA_ERR_ARGUMENT and `text`, and give no result: *out set
 * to NULL, or left alone for a NULL argument (as everywhere in the API). */
static void
expect_argument_error(pa_result **out, const pa_model *m, pa_data *d, const char *const *nodes,
                      size_t n_nodes, const char *text)
{
    pa_error e;
    memset(&e, 0x5a, sizeof e);
    pa_result *const unset = (pa_result *)&e;
    if (out)
        *out = unset;
    pa_status st = pa_compute_nodes(out, m, d, nodes, n_nodes, &e);
    assert_int_equal(st, PA_ERR_ARGUMENT);
    assert_int_equal(e.status, PA_ERR_ARGUMENT);
    assert_string_equal(e.text, text);
    assert_string_equal(e.file, "");
    assert_int_equal(e.line, 0);
    assert_int_equal(e.column, 0);
    if (out)
        assert_true(*out == NULL || (*out == unset && strcmp(text, "NULL argument") == 0));
}

static void
test_unknown_node(void **state)
{
    (void)state;
    pa_model *m = load_model(&small);
    pa_result *r;
    expect_argument_error(&r, m, read_data(&small, m), (const char *const[]){ "a", "nosuch" },
                          2, "no node 'nosuch' in the model");
    /* a label is not a code */
    expect_argument_error(&r, m, read_data(&small, m), (const char *const[]){ "Alpha" }, 1,
                          "no node 'Alpha' in the model");
    /* without a pa_error */
    r = (pa_result *)m;
    assert_int_equal(pa_compute_nodes(&r, m, read_data(&small, m),
                                      (const char *const[]){ "nosuch" }, 1, NULL),
                     PA_ERR_ARGUMENT);
    assert_null(r);
    pa_model_free(m);
}

static void
test_null_arguments(void **state)
{
    (void)state;
    pa_model *m = load_model(&small);
    pa_result *r;
    expect_argument_error(NULL, m, read_data(&small, m), NULL, 0, "NULL argument");
    expect_argument_error(&r, NULL, read_data(&small, m), NULL, 0, "NULL argument");
    expect_argument_error(&r, m, NULL, NULL, 0, "NULL argument");
    expect_argument_error(&r, m, read_data(&small, m), NULL, 2, "NULL argument");
    pa_model_free(m);
}

/* A data set holds columns by name, not the model it was read for: another model of the same
 * text computes on it as on its own, and freeing the model that made it changes nothing. A
 * model reading a column the data set lacks is refused, as by pa_compute. */
static void
test_data_of_another_model(void **state)
{
    (void)state;
    pa_model *m = load_model(&small), *other = load_model(&small);
    pa_data *own = read_data(&small, m), *d = read_data(&small, other);
    pa_model_free(other);
    pa_result *r1, *r2;
    assert_int_equal(pa_compute(&r1, m, own, NULL), PA_OK);
    assert_int_equal(pa_compute(&r2, m, d, NULL), PA_OK);
    size_t n1, n2;
    char *c1 = write_mem(r1, PA_FORMAT_CSV, NULL, &n1), *c2 = write_mem(r2, PA_FORMAT_CSV, NULL, &n2);
    assert_true(n1 == n2 && memcmp(c1, c2, n1) == 0);
    free(c1), free(c2);
    pa_result_free(r1), pa_result_free(r2);
    /* a model with an indicator 'e' the data set was not read with */
    char text[sizeof small_model + 64];
    snprintf(text, sizeof text, "%s[indicator e]\nparent = g2\n", small_model);
    pa_model *wider;
    assert_int_equal(pa_model_parse(&wider, text, "wider.ini", NULL), PA_OK);
    pa_error want;
    memset(&want, 0, sizeof want);
    pa_result *r = (pa_result *)m;
    assert_int_equal(pa_compute(&r, wider, d, &want), PA_ERR_ARGUMENT);
    assert_null(r);
    assert_string_equal(want.file, "wider.ini");
    assert_int_equal(want.line, 16); /* [indicator e] */
    assert_string_equal(want.text, "the data set has no column 'e' (e); it holds the columns "
                                   "of the model it was made for");
    /* the lean path the same, and it still frees the data set */
    pa_error e;
    assert_int_equal(pa_compute_nodes(&r, wider, d, (const char *const[]){ "a" }, 1, &e),
                     PA_ERR_ARGUMENT);
    assert_null(r);
    assert_string_equal(e.text, want.text);
    assert_int_equal(e.line, want.line);
    pa_data_free(own);
    pa_model_free(wider);
    pa_model_free(m);
}

/* ---- the writer on a partial result ---- */

/* Count lines of CSV output whose node field (the 4th) is `code`; *rows counts every row. */
static size_t
csv_rows_of(const char *csv, const char *code, size_t *rows)
{
    size_t n = 0;
    *rows = 0;
    const char *line = strchr(csv, '\n'); /* after the header */
    while (line && line[1]) {
        line++;
        const char *f = line;
        for (int i = 0; i < 3 && f; i++) /* the unit's name has no comma in `small` */
            f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL;
        assert_non_null(f);
        n += strncmp(f, code, strlen(code)) == 0 && f[strlen(code)] == ',';
        (*rows)++;
        line = strchr(line, '\n');
    }
    return n;
}

static void
test_write_held_nodes(void **state)
{
    (void)state;
    pa_model *m = load_model(&small);
    pa_result *r = NULL;
    static const char *const keep[] = { "a", "g2", "pts" };
    assert_int_equal(pa_compute_nodes(&r, m, read_data(&small, m), keep, LEN(keep), NULL),
                     PA_OK);
    size_t len, rows;
    char *csv = write_mem(r, PA_FORMAT_CSV, NULL, &len);
    size_t cells = pa_result_unit_count(r) * pa_result_period_count(r);
    assert_int_equal(cells, 6);
    for (size_t i = 0; i < LEN(keep); i++)
        assert_int_equal(csv_rows_of(csv, keep[i], &rows), cells);
    assert_int_equal(rows, LEN(keep) * cells); /* and nothing else */
    free(csv);
    char *json = write_mem(r, PA_FORMAT_JSON, NULL, &len);
    for (size_t n = 0; n < pa_result_node_count(r); n++) {
        char row[64], node[64];
        snprintf(row, sizeof row, "\"node\": \"%s\"", pa_result_node_code(r, n));
        snprintf(node, sizeof node, "{\"code\": \"%s\"", pa_result_node_code(r, n));
        int kept = 0;
        for (size_t i = 0; i < LEN(keep); i++)
            kept |= strcmp(keep[i], pa_result_node_code(r, n)) == 0;
        if (!kept != !strstr(json, row) || !kept != !strstr(json, node))
            fail_msg("node '%s' (%s) in the JSON output: %s", pa_result_node_code(r, n),
                     kept ? "held" : "not held", json);
    }
    free(json);
    pa_result_free(r);
    pa_model_free(m);
}

/* Asking the writer for a node pa_compute_nodes let go, or for one the model lacks. */
static void
expect_write_refused(const pa_result *r, const char *const *nodes, size_t n_nodes,
                     const char *text)
{
    static const pa_format formats[] = { PA_FORMAT_CSV, PA_FORMAT_JSON };
    for (size_t f = 0; f < LEN(formats); f++) {
        char *buf = NULL;
        size_t len;
        FILE *out = open_memstream(&buf, &len);
        assert_non_null(out);
        pa_error e;
        memset(&e, 0x5a, sizeof e);
        pa_write_options o = { .nodes = nodes, .n_nodes = n_nodes };
        pa_status st = pa_result_write(r, out, formats[f], &o, &e);
        fclose(out);
        free(buf);
        assert_int_equal(st, PA_ERR_ARGUMENT);
        assert_int_equal(e.status, PA_ERR_ARGUMENT);
        assert_string_equal(e.text, text);
    }
}

static void
test_write_node_not_held(void **state)
{
    (void)state;
    pa_model *m = load_model(&small);
    pa_result *r = NULL;
    assert_int_equal(pa_compute_nodes(&r, m, read_data(&small, m),
                                      (const char *const[]){ "a", "g2" }, 2, NULL),
                     PA_OK);
    expect_write_refused(r, (const char *const[]){ "b" }, 1,
                         "node 'b' was not kept by pa_compute_nodes");
    expect_write_refused(r, (const char *const[]){ "a", "g1" }, 2,
                         "node 'g1' was not kept by pa_compute_nodes");
    expect_write_refused(r, (const char *const[]){ "idx" }, 1,
                         "node 'idx' was not kept by pa_compute_nodes");
    expect_write_refused(r, (const char *const[]){ "pts" }, 1,
                         "node 'pts' was not kept by pa_compute_nodes");
    expect_write_refused(r, (const char *const[]){ "zz" }, 1, "no node 'zz' in the model");
    /* what it holds it still writes */
    size_t len;
    free(write_mem(r, PA_FORMAT_CSV, &(pa_write_options){ .nodes = (const char *const[]){ "g2" },
                                                          .n_nodes = 1 },
                   &len));
    pa_result_free(r);
    pa_model_free(m);
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOURCE_ROOT\n", argv[0]);
        return 2;
    }
    root = argv[1];
    static const source *const sources[] = { &aggregations, &steps, &transforms, &one_period,
                                             &cell_order, &shipped, &hdi };
    static const struct CMUnitTest others[] = {
        cmocka_unit_test(test_unknown_node),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_data_of_another_model),
        cmocka_unit_test(test_write_held_nodes),
        cmocka_unit_test(test_write_node_not_held),
    };
    /* one test per model and per failure, named after it */
    struct CMUnitTest tests[LEN(sources) + LEN(asem) + LEN(failures) + LEN(others) + 1];
    size_t n = 0;
    for (size_t i = 0; i < LEN(sources); i++)
        tests[n++] = (struct CMUnitTest){ .name = sources[i]->name, .test_func = test_equivalence,
                                          .initial_state = (void *)sources[i] };
    for (size_t i = 0; i < LEN(asem); i++)
        tests[n++] = (struct CMUnitTest){ .name = asem[i].name, .test_func = test_equivalence,
                                          .initial_state = (void *)&asem[i] };
    for (size_t i = 0; i < LEN(failures); i++)
        tests[n++] = (struct CMUnitTest){ .name = failures[i].name,
                                          .test_func = test_same_error,
                                          .initial_state = (void *)&failures[i] };
    for (size_t i = 0; i < LEN(others); i++)
        tests[n++] = others[i];
    tests[n++] = (struct CMUnitTest){ .name = "data shared with a result",
                                      .test_func = test_data_shared_with_a_result,
                                      .initial_state = (void *)&steps };
    return _cmocka_run_group_tests("compute_nodes", tests, n, NULL, NULL);
}
