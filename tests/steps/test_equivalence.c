/* SPDX-License-Identifier: MIT */
/* A model changed through the API computes as the model file edited the same way and parsed
 * fresh: for each change, the CSV of pa_result_write is the same byte for byte, both computed
 * on one data set. Each change is made with its typed setter where there is one, and with
 * pa_model_set key by key where the file edit only sets keys. A refused change leaves the
 * model computing as before. A data set read for one model computes with another as the data
 * read for that one.
 *
 * Usage: test_equivalence SOURCE_ROOT (data/ and tests/reference/ are read from it). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

#include "internal.h" /* pa__engine_counts */
#include "testutil.h"
#include "pipeline.h"

static const char *root; /* the source tree */

/* ---- files and the model text ---- */

static char *
path_in_root(const char *rel)
{
    size_t n = strlen(root) + strlen(rel) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", root, rel);
    return p;
}

static char *
slurp(const char *rel)
{
    char *path = path_in_root(rel);
    FILE *f = fopen(path, "rb");
    free(path);
    assert_non_null(f);
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    int ch;
    while ((ch = getc(f)) != EOF)
        putc(ch, out);
    fclose(f);
    fclose(out);
    return buf;
}

/* One edit of the model file: in the sections whose header is `sect` ("index",
 * "indicator fires", "*" for every section) drop the lines of `key` and, when `value` is not
 * NULL, write `key = value` under the header (a section that is absent is added). A NULL key
 * drops the whole section; a NULL sect appends `value` as text. */
typedef struct op {
    const char *sect, *key, *value;
} op;

#define MAX_OPS 12

static int
is_header(const char *line, size_t len, const char *sect)
{
    if (len < 2 || line[0] != '[')
        return 0;
    const char *end = memchr(line, ']', len);
    return end && (strcmp(sect, "*") == 0 ||
                   ((size_t)(end - line - 1) == strlen(sect) &&
                    memcmp(line + 1, sect, strlen(sect)) == 0));
}

static int
is_key(const char *line, size_t len, const char *key)
{
    size_t k = strlen(key), i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (len - i < k || memcmp(line + i, key, k) != 0)
        return 0;
    for (i += k; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
        ;
    return i < len && line[i] == '=';
}

static char *
edit_text(const char *text, const op *o)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    int in = 0, found = 0;
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        int drop = 0;
        if (o->sect && len && s[0] == '[') {
            in = is_header(s, len, o->sect);
            found |= in;
            drop = in && !o->key;
        } else if (in) {
            drop = !o->key || is_key(s, len, o->key);
        }
        if (!drop)
            fprintf(out, "%.*s\n", (int)len, s);
        if (in && o->key && o->value && s[0] == '[')
            fprintf(out, "%s = %s\n", o->key, o->value);
        s += len + (nl != NULL);
    }
    if (!o->sect)
        fprintf(out, "%s\n", o->value);
    else if (!found && o->key && o->value)
        fprintf(out, "[%s]\n%s = %s\n", o->sect, o->key, o->value);
    fclose(out);
    return buf;
}

static char *
edit_all(const char *text, const op *ops)
{
    char *t = strdup(text);
    for (size_t i = 0; i < MAX_OPS && (ops[i].sect || ops[i].value); i++) {
        char *next = edit_text(t, &ops[i]);
        free(t);
        t = next;
    }
    return t;
}

/* ---- models, data, results ---- */

typedef enum base { PINGAN, ASEM, PLUS } base;

static const struct {
    const char *model, *name, *data;
} bases[] = {
    [PINGAN] = { "data/pingan.ini", "data/pingan.ini", "data/2019.csv" },
    [ASEM] = { "tests/reference/models/asem_minmax_arith.ini",
               "tests/reference/models/asem_minmax_arith.ini",
               "tests/reference/data/asem/iData.csv" },
    [PLUS] = { "data/pingan-plus.ini", "data/pingan-plus.ini", "data/monthly/2020-02.csv" },
};

static pa_model *
parse(const char *text, base b)
{
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    char *name = path_in_root(bases[b].name); /* meta = tables are found beside it */
    pa_status st = pa_model_parse(&m, text, name, &e);
    free(name);
    if (st != PA_OK)
        report("model", st, &e);
    assert_int_equal(st, PA_OK);
    return m;
}

static pa_data *
read_data(const pa_model *m, base b)
{
    pa_data *d = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    char *path = path_in_root(bases[b].data);
    pa_status st = pa_data_read_with_siblings(d, path, &e);
    free(path);
    if (st != PA_OK)
        report("data", st, &e);
    assert_int_equal(st, PA_OK);
    return d;
}

/* The CSV of computing m on d; a failure is written as its status and message, so that a
 * failure compares too. */
static char *
csv_of(const pa_model *m, const pa_data *d)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_compute(&r, m, d, &e);
    if (st == PA_OK)
        st = pa_result_write(r, out, PA_FORMAT_CSV, NULL, &e);
    if (st != PA_OK)
        fprintf(out, "error %d %s:%ld:%ld: %s\n", (int)st, e.file, e.line, e.column, e.text);
    pa_result_free(r);
    fclose(out);
    return buf;
}

/* The CSV of computing m through engine en (its stages kept from earlier calls), and the stage
 * keys it computed anew in *computed. */
static char *
csv_engine(pa_engine *en, const pa_model *m, size_t *computed)
{
    char *buf = NULL;
    size_t size = 0, before = pa__engine_counts(en).computed;
    FILE *out = open_memstream(&buf, &size);
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_engine_compute(en, m, &r, &e);
    if (st == PA_OK)
        st = pa_result_write(r, out, PA_FORMAT_CSV, NULL, &e);
    if (st != PA_OK)
        fprintf(out, "error %d %s:%ld:%ld: %s\n", (int)st, e.file, e.line, e.column, e.text);
    pa_result_free(r);
    fclose(out);
    *computed = pa__engine_counts(en).computed - before;
    return buf;
}

static void
expect_same(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        size_t i = 0;
        while (got[i] && got[i] == want[i])
            i++;
        print_error("%s: CSV differs at byte %zu:\n API: %.300s\n INI: %.300s\n", what, i,
                    got + (i > 100 ? i - 100 : 0), want + (i > 100 ? i - 100 : 0));
        fail();
    }
    if (strncmp(want, "error", 5) == 0) { /* a case that computes nothing shows nothing */
        print_error("%s: %s", what, want);
        fail();
    }
}

/* ---- the changes ---- */

typedef pa_status (*typed_fn)(pa_model *m, pa_error *err);

typedef struct change {
    const char *name;
    base b;
    op pre[MAX_OPS];  /* the base: the shipped file edited so (ASEM: range 1, 100 for means) */
    op ops[MAX_OPS];  /* the change as a file edit */
    typed_fn typed;   /* the change through the typed setters (NULL: none) */
    int no_set;       /* pa_model_set key by key cannot make it: the file edit drops keys, or
                       * the method needs its parameter (genmean's p) in the same change */
    int base_data;    /* read the data for the base model: it needs more columns */
} change;

#define D(n) (const double[]){ n }
#define D2(a, b) (const double[]){ a, b }

static pa_status t_minmax(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "minmax", D2(1, 10), 2, e); }
static pa_status t_zscore(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "zscore", D2(10, 2), 2, e); }
static pa_status t_rank(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "rank", NULL, 0, e); }
static pa_status t_prank(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "prank", NULL, 0, e); }
static pa_status t_borda(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "borda", NULL, 0, e); }
static pa_status t_dist2max(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "dist2max", NULL, 0, e); }
static pa_status t_fracmax(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, "LPI", "fracmax", NULL, 0, e); }
static pa_status t_none(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "none", NULL, 0, e); }
static pa_status t_scaled(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "n_scaled", D2(0, 10), 2, e); }
static pa_status t_dist2targ(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "dist2targ", NULL, 0, e); }
static pa_status t_group_zscore(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, "Physical", "zscore", D2(0, 1), 2, e); }
static pa_status t_ind_rank(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, "LPI", "rank", NULL, 0, e); }
static pa_status t_goal_range(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "goalposts", D2(10, 90), 2, e); }
static pa_status t_pingan_minmax(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "minmax", NULL, 0, e); }
static pa_status t_fires_minmax(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, "fires", "minmax", D2(0, 1), 2, e); }

static pa_status
t_base(pa_model *m, pa_error *e)
{
    pa_status st = pa_model_set_normalise(m, "police_incidents", "base", NULL, 0, e);
    return st == PA_OK ? pa_model_set(m, NULL, "base_period", "2016", e) : st;
}

static pa_status t_geom(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, NULL, "geometric", NULL, 0, e); }
static pa_status t_harm(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, NULL, "harmonic", NULL, 0, e); }
static pa_status t_median(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, NULL, "median", NULL, 0, e); }
static pa_status t_genmean(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, NULL, "genmean", D(3), 1, e); }
static pa_status t_copeland(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, NULL, "copeland", NULL, 0, e); }
static pa_status t_mpi(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, NULL, "mpi", NULL, 0, e); }
static pa_status t_group_geom(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, "Conn", "geometric", NULL, 0, e); }
static pa_status t_group_genmean(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, "fire", "genmean", D(0.5), 1, e); }

static pa_status t_w_ind(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "police_incidents", 0.25, e); }
static pa_status t_w_group(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "fire", 7, e); }
static pa_status t_w_level3(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "Conn", 3, e); }
static pa_status t_w_level2(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "Physical", 0.1, e); }
static pa_status t_w_asem_ind(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "LPI", 4, e); }
static pa_status t_direction(pa_model *m, pa_error *e) { return pa_model_set_direction(m, "fires", 1, e); }
static pa_status t_asem_dir(pa_model *m, pa_error *e) { return pa_model_set_direction(m, "LPI", -1, e); }
static pa_status t_goalposts(pa_model *m, pa_error *e) { return pa_model_set_goalposts(m, "fires", 5, 20, e); }

static pa_status
t_target(pa_model *m, pa_error *e)
{
    pa_status st = pa_model_set_normalise(m, NULL, "dist2targ", NULL, 0, e);
    return st == PA_OK ? pa_model_set_target(m, "LPI", 3.5, e) : st;
}

static pa_status t_denom_off(pa_model *m, pa_error *e) { return pa_model_set_denominator(m, "fires", NULL, 0, e); }
static pa_status t_denom_per(pa_model *m, pa_error *e) { return pa_model_set_denominator(m, "gun_cases", "population", 1000, e); }
static pa_status t_denom_on(pa_model *m, pa_error *e) { return pa_model_set_denominator(m, "LPI", "Area", 1, e); }
/* a method and the parameter it needs, in one change (key by key the first is refused) */
static pa_status
set_two(pa_model *m, const char *node, const char *k1, const char *v1, const char *k2,
        const char *v2, pa_error *e)
{
    const char *keys[] = { k1, k2 }, *values[] = { v1, v2 };
    return pa_model_set_keys(m, node, keys, values, 2, e);
}
static pa_status t_dist2ref(pa_model *m, pa_error *e) { return set_two(m, "LPI", "normalise", "n_dist2ref", "ref_unit", "AUT", e); }
static pa_status
t_boxcox(pa_model *m, pa_error *e)
{
    const char *keys[] = { "treat", "fallback", "lambda" }, *values[] = { "winsorise", "boxcox", "0.5" };
    return pa_model_set_keys(m, NULL, keys, values, 3, e);
}
static pa_status t_group_mean(pa_model *m, pa_error *e) { return set_two(m, NULL, "impute", "group_mean", "impute_group", "EurAsia_group", e); }
static pa_status t_to_goalposts(pa_model *m, pa_error *e) { return set_two(m, "LPI", "normalise", "goalposts", "goalposts", "2, 4.5", e); }
static pa_status t_off(pa_model *m, pa_error *e) { return pa_model_remove_indicator(m, "gun_cases", e); }

#define RANGE1 { { "index", "range", "1, 100" } }
#define NORANGE { { "index", "range", NULL } }
#define NOGOAL { "*", "goalposts", NULL }

static const change changes[] = {
    /* normalisations, at the top (the indicators inherit them), a group and an indicator */
    { "minmax range", ASEM, NORANGE, { { "index", "range", "1, 10" } }, t_minmax, 0, 0 },
    { "zscore", ASEM, NORANGE, { { "index", "normalise", "zscore" }, { "index", "mean_sd", "10, 2" } }, t_zscore, 0, 0 },
    { "rank", ASEM, NORANGE, { { "index", "normalise", "rank" } }, t_rank, 0, 0 },
    { "prank", ASEM, NORANGE, { { "index", "normalise", "prank" } }, t_prank, 0, 0 },
    { "borda", ASEM, NORANGE, { { "index", "normalise", "borda" } }, t_borda, 0, 0 },
    { "dist2max", ASEM, NORANGE, { { "index", "normalise", "dist2max" } }, t_dist2max, 0, 0 },
    { "dist2targ", ASEM, NORANGE, { { "index", "normalise", "dist2targ" } }, t_dist2targ, 0, 0 },
    { "fracmax", ASEM, NORANGE, { { "indicator LPI", "normalise", "fracmax" } }, t_fracmax, 0, 0 },
    { "none", ASEM, NORANGE, { { "index", "normalise", "none" } }, t_none, 0, 0 },
    { "n_scaled", ASEM, NORANGE, { { "index", "normalise", "n_scaled" }, { "index", "npar", "0, 10" } }, t_scaled, 0, 0 },
    { "zscore at a group", ASEM, NORANGE, { { "group Physical", "normalise", "zscore" }, { "group Physical", "mean_sd", "0, 1" } }, t_group_zscore, 0, 0 },
    { "rank at an indicator", ASEM, NORANGE, { { "indicator LPI", "normalise", "rank" } }, t_ind_rank, 0, 0 },
    { "minmax at an indicator", PINGAN, { { 0 } }, { { "indicator fires", "goalposts", NULL }, { "indicator fires", "normalise", "minmax" }, { "indicator fires", "range", "0, 1" } }, t_fires_minmax, 1, 0 },
    { "goalposts range", PINGAN, { { 0 } }, { { "index", "range", "10, 90" } }, t_goal_range, 0, 0 },
    { "goalposts to minmax", PINGAN, { { 0 } }, { NOGOAL, { "index", "normalise", "minmax" } }, t_pingan_minmax, 1, 0 },
    { "base, base_period", PINGAN, { { 0 } }, { { "indicator police_incidents", "goalposts", NULL }, { "indicator police_incidents", "normalise", "base" }, { "index", "base_period", "2016" } }, t_base, 1, 0 },
    { "goalposts_trunc", PINGAN, { { 0 } }, { { "index", "goalposts_trunc", "no" } }, NULL, 0, 0 },
    { "transform", PINGAN, { { 0 } }, { { "indicator fires", "goalposts", "1, 35" }, { "indicator fires", "transform", "log" } }, NULL, 0, 0 },
    { "scope", PINGAN, { NOGOAL, { "index", "normalise", "minmax" } }, { { "index", "scope", "period" } }, NULL, 0, 0 },
    /* a method with the parameter it needs, set together (pa_model_set_keys) */
    { "n_dist2ref with ref_unit", ASEM, NORANGE, { { "indicator LPI", "normalise", "n_dist2ref" }, { "indicator LPI", "ref_unit", "AUT" } }, t_dist2ref, 1, 0 },
    { "goalposts with posts", ASEM, NORANGE, { { "indicator LPI", "normalise", "goalposts" }, { "indicator LPI", "goalposts", "2, 4.5" } }, t_to_goalposts, 1, 0 },
    /* aggregations */
    { "geometric", ASEM, RANGE1, { { "index", "aggregate", "geometric" } }, t_geom, 0, 0 },
    { "harmonic", ASEM, RANGE1, { { "index", "aggregate", "harmonic" } }, t_harm, 0, 0 },
    { "median", ASEM, RANGE1, { { "index", "aggregate", "median" } }, t_median, 0, 0 },
    { "genmean", ASEM, RANGE1, { { "index", "aggregate", "genmean" }, { "index", "p", "3" } }, t_genmean, 1, 0 },
    { "copeland", ASEM, RANGE1, { { "index", "aggregate", "copeland" } }, t_copeland, 0, 0 },
    { "mpi", ASEM, RANGE1, { { "index", "aggregate", "mpi" } }, t_mpi, 0, 0 },
    { "geometric at a group", ASEM, RANGE1, { { "group Conn", "aggregate", "geometric" } }, t_group_geom, 0, 0 },
    { "genmean at a group", PINGAN, { { 0 } }, { { "group fire", "aggregate", "genmean" }, { "group fire", "p", "0.5" } }, t_group_genmean, 1, 0 },
    /* imputations */
    { "impute mean", ASEM, { { 0 } }, { { "index", "impute", "mean" } }, NULL, 0, 0 },
    { "impute median", ASEM, { { 0 } }, { { "index", "impute", "median" } }, NULL, 0, 0 },
    { "impute at a group", ASEM, { { 0 } }, { { "group Physical", "impute", "median" } }, NULL, 0, 0 },
    /* treatment, its options and fallbacks */
    { "winsorise", ASEM, { { 0 } }, { { "index", "treat", "winsorise" } }, NULL, 0, 0 },
    { "winmax skew kurt", ASEM, { { 0 } }, { { "index", "treat", "winsorise" }, { "index", "winmax", "2" }, { "index", "skew", "1.5" }, { "index", "kurt", "3" } }, NULL, 0, 0 },
    { "force_win", ASEM, { { 0 } }, { { "index", "treat", "winsorise" }, { "index", "force_win", "yes" } }, NULL, 0, 0 },
    { "log_CT_plus", ASEM, { { 0 } }, { { "index", "treat", "winsorise" }, { "index", "fallback", "log_CT_plus" } }, NULL, 0, 0 },
    { "log_CT_orig", ASEM, { { 0 } }, { { "index", "treat", "winsorise" }, { "index", "fallback", "log_CT_orig" }, { "index", "combine_treat", "yes" } }, NULL, 0, 0 },
    { "log_GII", ASEM, { { 0 } }, { { "index", "treat", "winsorise" }, { "index", "fallback", "log_GII" } }, NULL, 0, 0 },
    { "no fallback", ASEM, { { 0 } }, { { "index", "treat", "winsorise" }, { "index", "fallback", "none" } }, NULL, 0, 0 },
    { "treat at a group", ASEM, { { 0 } }, { { "group Conn", "treat", "winsorise" } }, NULL, 0, 0 },
    { "boxcox with lambda", ASEM, { { 0 } }, { { "index", "treat", "winsorise" }, { "index", "fallback", "boxcox" }, { "index", "lambda", "0.5" } }, t_boxcox, 1, 0 },
    { "group_mean with impute_group", ASEM, { { 0 } }, { { "index", "impute", "group_mean" }, { "index", "impute_group", "EurAsia_group" } }, t_group_mean, 1, 0 },
    /* denominators, direction, goalposts, target */
    { "denominate all", ASEM, { { 0 } }, { { "index", "denominate", "yes" } }, NULL, 0, 0 },
    { "denominator on", ASEM, { { 0 } }, { { "indicator LPI", "denominator", "Area" }, { "indicator LPI", "denominate", "yes" }, { "indicator LPI", "per", "1" } }, t_denom_on, 0, 0 },
    { "denominate none", PINGAN, { { 0 } }, { { "index", "denominate", "no" } }, NULL, 0, 1 },
    { "denominator off", PINGAN, { { 0 } }, { { "indicator fires", "denominate", "no" } }, t_denom_off, 0, 1 },
    { "denominator per", PINGAN, { { 0 } }, { { "indicator gun_cases", "per", "1000" }, { "indicator gun_cases", "denominate", "yes" } }, t_denom_per, 0, 0 },
    { "direction", PINGAN, { { 0 } }, { { "indicator fires", "direction", "1" } }, t_direction, 0, 0 },
    { "direction from iMeta", ASEM, { { 0 } }, { { "indicator LPI", "direction", "-1" } }, t_asem_dir, 0, 0 },
    { "goalposts", PINGAN, { { 0 } }, { { "indicator fires", "goalposts", "5, 20" } }, t_goalposts, 0, 0 },
    { "target", ASEM, NORANGE, { { "index", "normalise", "dist2targ" }, { "indicator LPI", "target", "3.5" } }, t_target, 0, 0 },
    /* weights at every level, an indicator switched off */
    { "weight indicator", PINGAN, { { 0 } }, { { "indicator police_incidents", "weight", "0.25" } }, t_w_ind, 0, 0 },
    { "weight group", PINGAN, { { 0 } }, { { "group fire", "weight", "7" } }, t_w_group, 0, 0 },
    { "weight level 1", ASEM, { { 0 } }, { { "indicator LPI", "weight", "4" } }, t_w_asem_ind, 0, 0 },
    { "weight level 2", ASEM, { { 0 } }, { { "group Physical", "weight", "0.1" } }, t_w_level2, 0, 0 },
    { "weight level 3", ASEM, { { 0 } }, { { "group Conn", "weight", "3" } }, t_w_level3, 0, 0 },
    { "indicator off", PINGAN, { { 0 } }, { { "indicator gun_cases", NULL, NULL } }, t_off, 1, 1 },
    /* screening, penalties, bands, reference units */
    { "min_coverage", ASEM, { { 0 } }, { { "index", "min_coverage", "0.9" } }, NULL, 0, 0 },
    { "penalty", PINGAN, { { NULL, NULL, "[penalty deaths]\ncolumn = fire_deaths\npoints = 2\ncap = 10" } },
      { { "penalty deaths", "points", "3" }, { "penalty deaths", "cap", "4" } }, NULL, 0, 0 },
    { "bands", PINGAN, { { 0 } }, { { "index", "bands", "75 好 green; 50 中; 0 差 red" } }, NULL, 0, 0 },
    { "reference_units", PINGAN, { { 0 } }, { { "index", "reference_units", "zhuhai, xiangzhou" } }, NULL, 0, 0 },
};

static pa_status
set_keys(pa_model *m, const op *ops, pa_error *e)
{
    pa_status st = PA_OK;
    for (size_t i = 0; st == PA_OK && i < MAX_OPS && ops[i].sect; i++) {
        const char *sp = strchr(ops[i].sect, ' ');
        st = pa_model_set(m, sp ? sp + 1 : NULL, ops[i].key, ops[i].value, e);
    }
    return st;
}

typedef pa_status (*apply_fn)(pa_model *m, const change *c, pa_error *e);

static pa_status apply_typed(pa_model *m, const change *c, pa_error *e) { return c->typed(m, e); }
static pa_status apply_set(pa_model *m, const change *c, pa_error *e) { return set_keys(m, c->ops, e); }

static void
check_way(const change *c, const pa_model *orig, const pa_data *d, const char *want,
          const char *before, apply_fn apply, const char *how)
{
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_copy(&m, orig, &e), PA_OK);
    pa_status st = apply(m, c, &e);
    if (st != PA_OK)
        print_error("%s (%s): status %d: %s\n", c->name, how, (int)st, e.text);
    assert_int_equal(st, PA_OK);
    char *got = csv_of(m, d), *still = csv_of(orig, d);
    char what[160];
    snprintf(what, sizeof what, "%s (%s)", c->name, how);
    expect_same(what, got, want);
    expect_same("the original after changing a copy", still, before);
    free(got);
    free(still);
    /* an engine that scored the original scores the change from the stages it kept, and the
     * original again from its stages alone */
    pa_engine *en = NULL;
    assert_int_equal(pa_engine_new(&en, d, &e), PA_OK);
    size_t first, changed, again;
    char *e0 = csv_engine(en, orig, &first), *e1 = csv_engine(en, m, &changed),
         *e2 = csv_engine(en, orig, &again);
    snprintf(what, sizeof what, "%s (%s, engine)", c->name, how);
    expect_same("the original through an engine", e0, before);
    expect_same(what, e1, want);
    expect_same("the original again through the engine", e2, before);
    if (!(first > 0 && changed <= first && again == 0)) {
        print_error("%s: stages computed %zu, %zu after the change, %zu again\n", what, first,
                    changed, again);
        fail();
    }
    free(e0);
    free(e1);
    free(e2);
    pa_engine_free(en);
    pa_model_free(m);
}

static void
check_change(const change *c)
{
    char *shipped = slurp(bases[c->b].model);
    char *base_text = edit_all(shipped, c->pre), *edited = edit_all(base_text, c->ops);
    pa_model *orig = parse(base_text, c->b), *fresh = parse(edited, c->b);
    pa_data *d = read_data(c->base_data ? orig : fresh, c->b);
    char *want = csv_of(fresh, d), *before = csv_of(orig, d);
    if (strcmp(want, before) == 0) {
        print_error("%s: the change changes nothing\n", c->name);
        fail();
    }
    if (c->typed)
        check_way(c, orig, d, want, before, apply_typed, "typed setter");
    if (!c->no_set)
        check_way(c, orig, d, want, before, apply_set, "pa_model_set");
    free(want);
    free(before);
    pa_data_free(d);
    pa_model_free(orig);
    pa_model_free(fresh);
    free(shipped);
    free(base_text);
    free(edited);
}

static void
test_changes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++)
        check_change(&changes[i]);
}

/* ---- what an engine computes again after a change ---- */

static pa_status t_treat_fires(pa_model *m, pa_error *e) { return pa_model_set(m, "fires", "treat", "winsorise", e); }
static pa_status t_impute(pa_model *m, pa_error *e) { return pa_model_set(m, NULL, "impute", "mean", e); }
static pa_status t_reference(pa_model *m, pa_error *e) { return pa_model_set(m, NULL, "reference_units", "zhuhai, xiangzhou", e); }
static pa_status t_bands(pa_model *m, pa_error *e) { return pa_model_set(m, NULL, "bands", "75 好 green; 0 差 red", e); }

/* The shipped model: 7 indicators in 3 groups under the index. Its stages: screening, and per
 * indicator the values entering normalisation and the normalised scores (7 + 7), and the 4
 * aggregates: 19. A change recomputes the stages whose settings it reaches, and those above
 * them in the tree; one engine serves every change, and the original costs nothing again. */
static void
test_engine_reuse(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        typed_fn fn;
        size_t computed;
    } cases[] = {
        { "a group's weight: the index", t_w_group, 1 },
        { "an indicator's weight: its group and the index", t_w_ind, 2 },
        { "an indicator's normalisation: it, its group, the index", t_fires_minmax, 3 },
        { "an indicator's direction", t_direction, 3 },
        { "an indicator's goalposts", t_goalposts, 3 },
        { "an indicator's treatment: also its values entering normalisation", t_treat_fires, 4 },
        { "imputation (screening reads it): everything", t_impute, 19 },
        { "reference units: everything", t_reference, 19 },
        { "bands: nothing", t_bands, 0 },
    };
    char *text = slurp(bases[PINGAN].model);
    pa_model *orig = parse(text, PINGAN);
    pa_data *d = read_data(orig, PINGAN);
    pa_engine *en = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_engine_new(&en, d, &e), PA_OK);
    size_t n;
    char *want = csv_of(orig, d), *got = csv_engine(en, orig, &n);
    expect_same("the shipped model through an engine", got, want);
    assert_int_equal(n, 19);
    free(got);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pa_model *m = NULL;
        assert_int_equal(pa_model_copy(&m, orig, &e), PA_OK);
        assert_int_equal(cases[i].fn(m, &e), PA_OK);
        char *fresh = csv_of(m, d), *kept = csv_engine(en, m, &n);
        expect_same(cases[i].name, kept, fresh);
        if (n != cases[i].computed) {
            print_error("%s: %zu stages computed, %zu expected\n", cases[i].name, n,
                        cases[i].computed);
            fail();
        }
        free(fresh);
        free(kept);
        got = csv_engine(en, orig, &n);
        expect_same("the shipped model again", got, want);
        assert_int_equal(n, 0);
        free(got);
        pa_model_free(m);
    }
    free(want);
    free(text);
    pa_engine_free(en);
    pa_data_free(d);
    pa_model_free(orig);
}

/* Rows added to the data set after an engine scored it are seen; with no room beyond the last
 * call, only its stages are kept, and the numbers stay those of pa_compute. */
static void
test_engine_data_and_limit(void **state)
{
    (void)state;
    char *text = slurp(bases[PINGAN].model), *rows = slurp(bases[PINGAN].data);
    pa_model *m = parse(text, PINGAN), *c = NULL;
    pa_data *d = read_data(m, PINGAN);
    pa_engine *en = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_engine_new(&en, d, &e), PA_OK);
    size_t n;
    char *got = csv_engine(en, m, &n);
    free(got);
    /* 2019's rows again, as the year 2020 */
    assert_int_equal(pa_data_read_buffer(d, rows, strlen(rows), "2020.csv", &e), PA_OK);
    char *want = csv_of(m, d);
    assert_non_null(strstr(want, ",2020,"));
    got = csv_engine(en, m, &n);
    expect_same("rows added after the engine's first call", got, want);
    assert_int_equal(n, 19);
    free(got);
    pa__engine_set_limit(en, 0);
    assert_int_equal(pa__engine_counts(en).entries, 19);
    assert_int_equal(pa_model_copy(&c, m, &e), PA_OK);
    assert_int_equal(pa_model_set_weight(c, "fire", 7, &e), PA_OK);
    char *fresh = csv_of(c, d);
    got = csv_engine(en, c, &n);
    expect_same("a weight changed, nothing kept beyond the last call", got, fresh);
    assert_int_equal(n, 1);
    free(got);
    assert_true(pa__engine_counts(en).entries <= 19);
    got = csv_engine(en, m, &n); /* the old index went */
    expect_same("the model again", got, want);
    assert_int_equal(n, 1);
    free(got);
    free(fresh);
    free(want);
    free(rows);
    free(text);
    pa_engine_free(en);
    pa_data_free(d);
    pa_model_free(c);
    pa_model_free(m);
}

/* [units]: the 14-dimension template over the monthly streets. The engine rolls the data up
 * once and scores every change on that roll-up; a change of a roll-up rule rolls up anew and
 * recomputes every stage, which stood on the old roll-up. */
static void
test_engine_units(void **state)
{
    (void)state;
    char *text = slurp(bases[PLUS].model);
    pa_model *m = parse(text, PLUS), *c = NULL, *c2 = NULL;
    pa_data *d = read_data(m, PLUS);
    pa_engine *en = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_engine_new(&en, d, &e), PA_OK);
    size_t n, all;
    char *want = csv_of(m, d), *got = csv_engine(en, m, &all);
    expect_same("the template through an engine", got, want);
    assert_non_null(strstr(want, ",unit_level,parent"));
    assert_int_equal(pa__engine_counts(en).rollups, 1);
    free(got);
    assert_int_equal(pa_model_copy(&c, m, &e), PA_OK);
    assert_int_equal(pa_model_set_weight(c, "stability", 3, &e), PA_OK);
    char *fresh = csv_of(c, d);
    got = csv_engine(en, c, &n);
    expect_same("a dimension's weight", got, fresh);
    assert_int_equal(n, 1);
    assert_int_equal(pa__engine_counts(en).rollups, 1);
    free(got), free(fresh);
    assert_int_equal(pa_model_copy(&c2, m, &e), PA_OK);
    assert_int_equal(pa_model_set(c2, "air_good_days", "rollup", "mean", &e), PA_OK);
    fresh = csv_of(c2, d);
    assert_string_not_equal(fresh, want);
    got = csv_engine(en, c2, &n);
    expect_same("a roll-up rule", got, fresh);
    assert_int_equal(n, all);
    assert_int_equal(pa__engine_counts(en).rollups, 2);
    free(got), free(fresh);
    got = csv_engine(en, m, &n);
    expect_same("the template again", got, want);
    assert_int_equal(pa__engine_counts(en).rollups, 3);
    free(got);
    free(want);
    free(text);
    pa_engine_free(en);
    pa_data_free(d);
    pa_model_free(c2);
    pa_model_free(c);
    pa_model_free(m);
}

/* A key set in memory has no line of the file: a failure it causes later points at its
 * section's header, not at a line that does not exist. */
static void
test_api_location(void **state)
{
    (void)state;
    char *text = slurp(bases[PINGAN].model);
    long header = 1;
    for (const char *p = text; strncmp(p, "[index]", 7) != 0; p++)
        header += *p == '\n';
    pa_model *m = parse(text, PINGAN);
    pa_data *d = read_data(m, PINGAN);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_model_set(m, NULL, "base_period", "1999", &e), PA_OK);
    pa_result *r = NULL;
    assert_int_equal(pa_compute(&r, m, d, &e), PA_ERR_COMPUTE);
    assert_non_null(strstr(e.text, "base_period '1999'"));
    assert_int_equal(e.line, header);
    assert_int_equal(e.column, 1);
    pa_data_free(d);
    pa_model_free(m);
    free(text);
}

/* ---- refused changes leave the model as it was ---- */

typedef struct refusal {
    const char *name;
    pa_status (*prep)(pa_model *m, pa_error *e); /* a change made first (may be NULL) */
    pa_status (*call)(pa_model *m, pa_error *e);
    pa_status status;
    const char *needle; /* in the message */
} refusal;

static pa_status r_negative(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "fires", -1, e); }
static pa_status r_zero(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "fires", 0, e); }
static pa_status r_unknown_method(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "minimax", NULL, 0, e); }
static pa_status r_params(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "minmax", D2(0, 1), 1, e); }
static pa_status r_nan(pa_model *m, pa_error *e) { return pa_model_set_goalposts(m, "fires", NAN, 20, e); }
static pa_status r_posts(pa_model *m, pa_error *e) { return pa_model_set_goalposts(m, "fires", 20, 5, e); }
static pa_status r_direction(pa_model *m, pa_error *e) { return pa_model_set_direction(m, "fires", 0, e); }
static pa_status r_minmax(pa_model *m, pa_error *e) { return pa_model_set_normalise(m, NULL, "minmax", NULL, 0, e); }
static pa_status r_geometric(pa_model *m, pa_error *e) { return pa_model_set_aggregate(m, "fire", "geometric", NULL, 0, e); }
static pa_status r_fires_off(pa_model *m, pa_error *e) { return pa_model_remove_indicator(m, "fires", e); }
static pa_status r_unknown_node(pa_model *m, pa_error *e) { return pa_model_set_weight(m, "fire_count", 2, e); }
static pa_status r_unknown_key(pa_model *m, pa_error *e) { return pa_model_set(m, "fires", "wieght", "2", e); }
static pa_status r_group_off(pa_model *m, pa_error *e) { return pa_model_remove_indicator(m, "fire", e); }

static pa_status r_last(pa_model *m, pa_error *e) { return pa_model_remove_indicator(m, "fire_deaths", e); }

/* the first key is fine alone, the second is refused: neither is made */
static pa_status r_keys(pa_model *m, pa_error *e) { return set_two(m, "fires", "direction", "1", "winmax", "-2", e); }
/* a method without the parameter it needs is refused once all keys are in */
static pa_status r_keys_model(pa_model *m, pa_error *e) { return set_two(m, NULL, "treat", "winsorise", "fallback", "boxcox", e); }

static const refusal refusals[] = {
    { "keys: one refused", NULL, r_keys, PA_ERR_ARGUMENT, "winmax" },
    { "keys: the model refused", NULL, r_keys_model, PA_ERR_MODEL, "lambda" },
    { "negative weight", NULL, r_negative, PA_ERR_ARGUMENT, "weight" },
    { "zero weight", NULL, r_zero, PA_ERR_ARGUMENT, "weight" },
    { "unknown method", NULL, r_unknown_method, PA_ERR_ARGUMENT, "minimax" },
    { "parameter count", NULL, r_params, PA_ERR_ARGUMENT, "takes 2 parameters range, not 1" },
    { "NaN", NULL, r_nan, PA_ERR_ARGUMENT, "not a finite number" },
    { "goalposts reversed", NULL, r_posts, PA_ERR_ARGUMENT, "goalposts" },
    { "direction 0", NULL, r_direction, PA_ERR_ARGUMENT, "direction must be 1 or -1, not 0" },
    { "geometric over scores reaching 0", r_minmax, r_geometric, PA_ERR_MODEL, "reach 0" },
    { "unknown node", NULL, r_unknown_node, PA_ERR_ARGUMENT, "'fire_count'" },
    { "unknown key", NULL, r_unknown_key, PA_ERR_ARGUMENT, "wieght" },
    { "a group switched off", NULL, r_group_off, PA_ERR_ARGUMENT, "no indicator 'fire'" },
    { "the last indicator of a group", r_fires_off, r_last, PA_ERR_MODEL, "fire" },
};

static void
test_refused(void **state)
{
    (void)state;
    char *text = slurp(bases[PINGAN].model);
    pa_model *m = parse(text, PINGAN);
    pa_data *d = read_data(m, PINGAN);
    char *before = csv_of(m, d);
    for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
        const refusal *r = &refusals[i];
        pa_model *c = NULL;
        pa_error e;
        memset(&e, 0, sizeof e);
        assert_int_equal(pa_model_copy(&c, m, &e), PA_OK);
        if (r->prep)
            assert_int_equal(r->prep(c, &e), PA_OK);
        char *prepared = csv_of(c, d);
        if (!r->prep)
            expect_same(r->name, prepared, before);
        pa_status st = r->call(c, &e);
        if (st != r->status || !strstr(e.text, r->needle))
            print_error("%s: status %d (want %d): %s:%ld: %s\n", r->name, (int)st,
                        (int)r->status, e.file, e.line, e.text);
        assert_int_equal(st, r->status);
        assert_int_equal(e.status, r->status);
        assert_non_null(strstr(e.text, r->needle));
        /* a refused value names no file; a model made inconsistent names the file */
        assert_int_equal(e.file[0] == '\0', r->status == PA_ERR_ARGUMENT);
        char *after = csv_of(c, d);
        expect_same(r->name, after, prepared);
        free(after);
        free(prepared);
        pa_model_free(c);
    }
    free(before);
    pa_data_free(d);
    pa_model_free(m);
    free(text);
}

/* ---- a data set read for one model computes with another ---- */

static void
test_data_of_another_model(void **state)
{
    (void)state;
    char *text = slurp(bases[PINGAN].model);
    const op weights[] = { { "group fire", "weight", "5" }, { "indicator fires", "direction", "1" } };
    op ops[MAX_OPS] = { weights[0], weights[1] };
    char *edited = edit_all(text, ops);
    pa_model *a = parse(text, PINGAN), *b = parse(edited, PINGAN), *copy = NULL;
    assert_int_equal(pa_model_copy(&copy, a, NULL), PA_OK);
    assert_int_equal(pa_model_set_weight(copy, "fire", 5, NULL), PA_OK);
    assert_int_equal(pa_model_set_direction(copy, "fires", 1, NULL), PA_OK);
    pa_data *da = read_data(a, PINGAN), *db = read_data(b, PINGAN);
    pa_model_free(a); /* the data set outlives the model it was made for */
    char *want = csv_of(b, db), *got = csv_of(b, da), *got_copy = csv_of(copy, da);
    expect_same("data of model A, model B", got, want);
    expect_same("data of model A, an edited copy of A", got_copy, want);
    free(want);
    free(got);
    free(got_copy);
    pa_data_free(da);
    pa_data_free(db);
    pa_model_free(b);
    pa_model_free(copy);
    free(text);
    free(edited);
}

/* ---- a data set made in memory from the numbers of the shipped files ---- */

#define ROWS 64
#define COLS 16

typedef struct table {
    char *cells[ROWS][COLS + 2]; /* unit, name, then the numbers */
    char *period[ROWS];
    char *header[COLS + 2];
    size_t n_rows, n_cols;
} table;

static void
split_line(char *line, char **out, size_t *n)
{
    *n = 0;
    for (char *tok = strtok(line, ",\r\n"); tok && *n < COLS + 2; tok = strtok(NULL, ",\r\n"))
        out[(*n)++] = tok;
}

/* The shipped files (no quotes, no gaps) split at commas: the test's own reading. */
static void
read_table(table *t, char **texts)
{
    static const char *years[] = { "2014", "2015", "2016", "2017", "2018", "2019" };
    memset(t, 0, sizeof *t);
    for (size_t y = 0; y < 6; y++) {
        char rel[32];
        snprintf(rel, sizeof rel, "data/%s.csv", years[y]);
        texts[y] = slurp(rel);
        char *save = NULL, *line = strtok_r(texts[y], "\n", &save);
        size_t n;
        split_line(line, t->header, &t->n_cols);
        while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
            split_line(line, t->cells[t->n_rows], &n);
            assert_int_equal(n, t->n_cols);
            t->period[t->n_rows++] = (char *)years[y];
        }
    }
}

static void
test_data_in_memory(void **state)
{
    (void)state;
    char *texts[6], *text = slurp(bases[PINGAN].model);
    table t;
    read_table(&t, texts);
    const char *names[COLS];
    size_t nc = t.n_cols - 2;
    for (size_t j = 0; j < nc; j++)
        names[j] = t.header[j + 2];
    pa_data *mem = NULL;
    assert_int_equal(pa_data_create(&mem, names, nc, NULL), PA_OK);
    assert_int_equal(pa_data_column_count(mem), nc);
    static double values[COLS][ROWS];
    const double *cols[COLS];
    const char *units[ROWS], *unames[ROWS], *periods[ROWS];
    for (size_t i = 0; i < t.n_rows; i++) {
        units[i] = t.cells[i][0], unames[i] = t.cells[i][1], periods[i] = t.period[i];
        for (size_t j = 0; j < nc; j++)
            values[j][i] = strtod(t.cells[i][j + 2], NULL);
    }
    for (size_t j = 0; j < nc; j++) { /* in the order the data set holds them */
        const char *name = pa_data_column_name(mem, j);
        for (size_t k = 0; k < nc; k++)
            if (strcmp(names[k], name) == 0)
                cols[j] = values[k];
    }
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_add_rows(mem, t.n_rows, units, unames, periods, NULL, cols, &e),
                     PA_OK);
    assert_int_equal(pa_data_row_count(mem), t.n_rows);
    pa_model *m = parse(text, PINGAN);
    pa_data *files = read_data(m, PINGAN);
    char *want = csv_of(m, files), *got = csv_of(m, mem);
    expect_same("data made in memory", got, want);
    free(want);
    free(got);
    pa_data_free(files);
    pa_data_free(mem);
    pa_model_free(m);
    free(text);
    for (size_t y = 0; y < 6; y++)
        free(texts[y]);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SOURCE_ROOT\n", argv[0]);
        return 2;
    }
    root = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_engine_reuse),
        cmocka_unit_test(test_api_location),
        cmocka_unit_test(test_engine_data_and_limit),
        cmocka_unit_test(test_engine_units),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_data_of_another_model),
        cmocka_unit_test(test_data_in_memory),
    };
    return cmocka_run_group_tests_name("equivalence", tests, NULL, NULL);
}
