/* SPDX-License-Identifier: MIT */
/* The data set: columns of doubles by name, rows of units and periods, where rows came from,
 * and notes; in memory or from files (data_read.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "data.h"

size_t
pa_data_col(const pa_data *d, const char *name)
{
    return pa_strmap_find(&d->colmap, name, strlen(name));
}

int
pa_data_add_col(pa_data *d, const char *name)
{
    if (!name || pa_data_col(d, name) != PA_NONE)
        return 1;
    if (d->n_cols == d->cap_cols) {
        size_t nc = d->cap_cols ? d->cap_cols * 2 : 16;
        char **grown = pa_reallocarray(d->col_names, nc, sizeof *grown);
        if (!grown)
            return 0;
        d->col_names = grown;
        d->cap_cols = nc;
    }
    char **names = d->col_names;
    if (!(names[d->n_cols] = pa_strdup(name)))
        return 0;
    if (pa_strmap_intern(&d->colmap, name, strlen(name), NULL) == PA_NONE) {
        pa_free(names[d->n_cols]);
        return 0;
    }
    d->n_cols++;
    return 1;
}

static int
spec_copy(pa_data_spec *sp, const char *unit, const char *name, const char *period,
          const char *group)
{
    sp->unit_column = unit ? pa_strdup(unit) : NULL;
    sp->name_column = name ? pa_strdup(name) : NULL;
    sp->period_column = period ? pa_strdup(period) : NULL;
    sp->group_column = group ? pa_strdup(group) : NULL;
    return !(unit && !sp->unit_column) && !(name && !sp->name_column) &&
           !(period && !sp->period_column) && !(group && !sp->group_column);
}

static void
spec_free(pa_data_spec *sp)
{
    pa_free(sp->unit_column);
    pa_free(sp->name_column);
    pa_free(sp->period_column);
    pa_free(sp->group_column);
}

/* The column arrays, once the names are known. */
static int
data_columns(pa_data *d)
{
    d->cols = pa_calloc(d->n_cols ? d->n_cols : 1, sizeof *d->cols);
    d->col_seen = pa_calloc(d->n_cols + 1, 1);
    return d->cols && d->col_seen;
}

/* An empty data set that reads as d does (same spec, same columns). */
pa_status
pa_data_like(const pa_data *d, pa_data **out, pa_error *err)
{
    pa_data *d2 = pa_calloc(1, sizeof *d2);
    int ok = d2 && spec_copy(&d2->spec, d->spec.unit_column, d->spec.name_column,
                             d->spec.period_column, d->spec.group_column);
    for (size_t j = 0; ok && j < d->n_cols; j++)
        ok = pa_data_add_col(d2, d->col_names[j]);
    if (!ok || !data_columns(d2)) {
        pa_data_free(d2);
        return pa_nomem(err);
    }
    d2->spec.separator = d->spec.separator;
    d2->spec.in_memory = d->spec.in_memory;
    *out = d2;
    return PA_OK;
}

pa_status
pa_data_new(pa_data **out, const pa_model *m, pa_error *err)
{
    if (!out || !m)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_data *d = pa_calloc(1, sizeof *d);
    if (!d || !spec_copy(&d->spec, m->unit_column, m->name_column, m->period_column,
                         m->impute_group)) {
        pa_data_free(d);
        return pa_nomem(err);
    }
    d->spec.separator = m->separator;
    for (size_t i = 0; i < m->n_nodes; i++) {
        const pa_node *nd = &m->nodes[i];
        if (!nd->is_indicator)
            continue;
        if (!pa_data_add_col(d, pa_node_column(nd)) ||
            (nd->eff.denominate && !pa_data_add_col(d, nd->denominator)) ||
            (nd->rollup_col && !pa_data_add_col(d, nd->rollup_col))) {
            pa_data_free(d);
            return pa_nomem(err);
        }
    }
    for (size_t k = 0; k < m->n_penalties; k++)
        if (!pa_data_add_col(d, pa_penalty_column(&m->penalties[k]))) {
            pa_data_free(d);
            return pa_nomem(err);
        }
    if (!data_columns(d)) {
        pa_data_free(d);
        return pa_nomem(err);
    }
    *out = d;
    return PA_OK;
}

void
pa_data_free(pa_data *d)
{
    if (!d)
        return;
    pa_unit_tree_free(d->tree);
    for (size_t j = 0; j < d->n_cols; j++) {
        pa_free(d->col_names[j]);
        if (d->cols)
            pa_col_unref(d->cols[j]);
    }
    pa_free(d->col_names);
    pa_free(d->cols);
    for (size_t u = 0; u < d->units.n; u++)
        pa_free(d->unit_names[u]);
    pa_free(d->unit_names);
    pa_strmap_free(&d->units);
    pa_strmap_free(&d->periods);
    pa_strmap_free(&d->files);
    pa_strmap_free(&d->groups);
    pa_strmap_free(&d->colmap);
    pa_free(d->row_group);
    pa_free(d->row_unit);
    pa_free(d->row_period);
    pa_free(d->runs);
    pa_free(d->notes);
    pa_free(d->col_seen);
    spec_free(&d->spec);
    pa_free(d);
}

/* Room for `more` notes. */
int
pa_data_note_room(pa_data *d, size_t more)
{
    if (d->n_notes + more <= d->cap_notes)
        return 1;
    size_t nc = d->cap_notes ? 2 * d->cap_notes : 4;
    while (nc < d->n_notes + more)
        nc *= 2;
    pa_error *n = pa_reallocarray(d->notes, nc, sizeof *n);
    if (!n)
        return 0;
    d->notes = n;
    d->cap_notes = nc;
    return 1;
}

pa_status
pa_data_add_note(pa_data *d, const char *file, long line, long col, const char *fmt, ...)
{
    if (!pa_data_note_room(d, 1))
        return PA_ERR_NOMEM;
    va_list ap;
    va_start(ap, fmt);
    pa_vfail(&d->notes[d->n_notes++], PA_OK, file, line, col, fmt, ap);
    va_end(ap);
    return PA_OK;
}

size_t
pa_data_note_count(const pa_data *d)
{
    return d ? d->n_notes : 0;
}

pa_status
pa_data_note(const pa_data *d, size_t i, pa_error *out)
{
    if (!d || i >= d->n_notes)
        return pa_fail(out, PA_ERR_ARGUMENT, NULL, 0, 0, "no note %zu", i);
    if (out)
        *out = d->notes[i];
    return PA_OK;
}

/* Row `row` is from `line` of file `file`: a new run unless it follows the last run. Runs at
 * or after `row` were taken back with their rows. 0 when out of memory. */
int
pa_data_note_row(pa_data *d, size_t row, long line, uint32_t file)
{
    while (d->n_runs && d->runs[d->n_runs - 1].row >= row)
        d->n_runs--;
    if (d->n_runs) {
        const struct pa_run *last = &d->runs[d->n_runs - 1];
        if (last->file == file && last->line + (long)(row - last->row) == line)
            return 1;
    }
    if (d->n_runs == d->cap_runs) {
        size_t nc = d->cap_runs ? 2 * d->cap_runs : 16;
        struct pa_run *r = pa_reallocarray(d->runs, nc, sizeof *r);
        if (!r)
            return 0;
        d->runs = r;
        d->cap_runs = nc;
    }
    d->runs[d->n_runs++] = (struct pa_run){ .row = row, .line = line, .file = file };
    return 1;
}

/* The run holding a row (< n_rows): the last one that starts at or before it. */
static const struct pa_run *
run_of(const pa_data *d, size_t row)
{
    size_t lo = 0, hi = d->n_runs; /* runs[lo].row <= row < runs[hi].row */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->runs[mid].row <= row)
            lo = mid;
        else
            hi = mid;
    }
    return &d->runs[lo];
}

const char *
pa_data_row_file(const pa_data *d, size_t row)
{
    return d->files.keys[run_of(d, row)->file];
}

long
pa_data_row_line(const pa_data *d, size_t row)
{
    const struct pa_run *r = run_of(d, row);
    return r->line + (long)(row - r->row);
}

size_t
pa_data_row_count(const pa_data *d)
{
    return d ? d->n_rows : 0;
}

/* Room for one more unit's name, made before the unit is added so that the unit map and the
 * name array never disagree (even when an allocation fails). */
int
pa_data_name_room(pa_data *d)
{
    if (d->units.n + 1 <= d->n_unit_names_cap)
        return 1;
    size_t nc = d->n_unit_names_cap ? d->n_unit_names_cap * 2 : 64;
    char **names = pa_reallocarray(d->unit_names, nc, sizeof *names);
    if (!names)
        return 0;
    memset(names + d->n_unit_names_cap, 0, (nc - d->n_unit_names_cap) * sizeof *names);
    d->unit_names = names;
    d->n_unit_names_cap = nc;
    return 1;
}

/* Room for at least `need` rows (doubling). 0 when out of memory, or when the rows are
 * borrowed from another data set (the second half of a parallel read). */
int
pa_data_grow_rows_to(pa_data *d, size_t need)
{
    if (d->borrowed)
        return 0;
    if (need <= d->cap)
        return 1;
    size_t nc = d->cap ? d->cap * 2 : 1024;
    while (nc < need)
        nc *= 2;
#define GROW(p) do { void *q = pa_reallocarray(p, nc, sizeof *(p)); if (!q) return 0; p = q; } while (0)
    GROW(d->row_unit);
    GROW(d->row_period);
    if (d->spec.group_column || d->row_group) /* the only use of a row's group */
        GROW(d->row_group);
#undef GROW
    for (size_t j = 0; j < d->n_cols; j++) {
        double *c = pa_col_grow(d->cols[j], d->n_rows, nc);
        if (!c)
            return 0;
        d->cols[j] = c;
    }
    d->cap = nc;
    return 1;
}

int
pa_data_grow_rows(pa_data *d)
{
    return pa_data_grow_rows_to(d, d->cap + 1);
}

typedef struct col_head {
    long refs;
    long pad;                   /* keeps the values 16-byte aligned */
} col_head;

static col_head *
col_head_of(double *col)
{
    return (col_head *)(void *)((char *)col - sizeof(col_head));
}

double *
pa_col_grow(double *col, size_t keep, size_t new_cap)
{
    if (new_cap > (SIZE_MAX - sizeof(col_head)) / sizeof *col)
        return NULL;
    size_t bytes = sizeof(col_head) + new_cap * sizeof *col;
    col_head *h;
    if (col && __atomic_load_n(&col_head_of(col)->refs, __ATOMIC_ACQUIRE) == 1) {
        if (!(h = pa_realloc(col_head_of(col), bytes)))
            return NULL;
        return (double *)(void *)(h + 1);
    }
    if (!(h = pa_malloc(bytes)))
        return NULL;
    h->refs = 1;
    double *nc = (double *)(void *)(h + 1);
    if (col) { /* a result holds this one: leave its rows where they are */
        memcpy(nc, col, keep * sizeof *col);
        pa_col_unref(col);
    }
    return nc;
}

void
pa_col_ref(double *col)
{
    __atomic_add_fetch(&col_head_of(col)->refs, 1, __ATOMIC_RELAXED);
}

int
pa_col_sole(double *col)
{
    return __atomic_load_n(&col_head_of(col)->refs, __ATOMIC_ACQUIRE) == 1;
}

void
pa_col_unref(double *col)
{
    if (col && __atomic_sub_fetch(&col_head_of(col)->refs, 1, __ATOMIC_ACQ_REL) == 0)
        pa_free(col_head_of(col));
}

/* The names a period column goes by when the model names none. */
/* Where a period first comes in the data: its row's file and line. */
static size_t
first_row_of(const pa_data *d, size_t p)
{
    size_t row = 0;
    while (row < d->n_rows && d->row_period[row] != p)
        row++;
    return row;
}

pa_status
pa_data_check_periods(const pa_data *d, pa_error *err)
{
    pa_period_kind k0 = d->periods.n ? pa_period_kind_of(d->periods.keys[0]) : PA_PERIOD_NONE;
    for (size_t p = 1; p < d->periods.n; p++) {
        const char *key = d->periods.keys[p];
        pa_period_kind k = pa_period_kind_of(key);
        if (k == k0)
            continue;
        size_t odd = k0 == PA_PERIOD_NONE ? 0 : p; /* the row without a period, or the later */
        const char *other = d->periods.keys[odd ? 0 : p];
        size_t row = first_row_of(d, odd);
        const char *file = row < d->n_rows ? pa_data_row_file(d, row) : NULL;
        long line = row < d->n_rows ? pa_data_row_line(d, row) : 0;
        if (!*d->periods.keys[odd])
            return pa_fail(err, PA_ERR_DATA, file, line, 0,
                           "this file has no period (no column year, period, date, 年份, 月份 "
                           "or 日期, and its name is no period), but other rows have the "
                           "period %s", other);
        return pa_fail(err, PA_ERR_DATA, file, line, 0,
                       "period %s is %s, but the data also has %s, %s: one kind of period "
                       "per data set", d->periods.keys[odd],
                       pa_period_kind_name(pa_period_kind_of(d->periods.keys[odd])), other,
                       pa_period_kind_name(pa_period_kind_of(other)));
    }
    return PA_OK;
}

/* ---- data sets made in memory ---- */

pa_status
pa_data_create(pa_data **out, const char *const *columns, size_t n_columns, pa_error *err)
{
    if (!out || (n_columns && !columns))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    for (size_t j = 0; j < n_columns; j++) {
        if (!columns[j] || !*columns[j])
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "column %zu has no name", j + 1);
        for (size_t i = 0; i < j; i++)
            if (strcmp(columns[i], columns[j]) == 0)
                return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                               "column '%s' is named twice", columns[j]);
    }
    pa_data *d = pa_calloc(1, sizeof *d);
    int ok = d != NULL;
    for (size_t j = 0; ok && j < n_columns; j++)
        ok = pa_data_add_col(d, columns[j]);
    if (!ok || !data_columns(d)) {
        pa_data_free(d);
        return pa_nomem(err);
    }
    d->spec.in_memory = 1;
    *out = d;
    return PA_OK;
}

size_t
pa_data_column_count(const pa_data *d)
{
    return d ? d->n_cols : 0;
}

const char *
pa_data_column_name(const pa_data *d, size_t j)
{
    return d && j < d->n_cols ? d->col_names[j] : NULL;
}

/* A period's canonical form, read once for a run of rows that spell it the same (a column of
 * periods repeats a few values): 0 when the text is no period. */
typedef struct period_memo {
    const char *text;
    int ok;
    char canon[PA_PERIOD_TEXT];
} period_memo;

static int
memo_period(period_memo *pm, const char *s)
{
    if (!pm->text || (s != pm->text && strcmp(s, pm->text) != 0)) {
        pm->text = s;
        pm->ok = pa_period_parse(s, strlen(s), pm->canon) != PA_PERIOD_NONE;
    }
    return pm->ok;
}

/* Rows are checked before any is added, so that a refused call adds nothing. */
static pa_status
check_rows(const pa_data *d, size_t n, const char *const *units, const char *const *periods,
           const double *const *columns, pa_error *err)
{
    period_memo pm = { 0 };
    for (size_t j = 0; j < d->n_cols; j++)
        if (!columns[j])
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no values for column '%s'",
                           d->col_names[j]);
    for (size_t i = 0; i < n; i++) {
        if (!units[i] || !*units[i])
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "row %zu has no unit code", i + 1);
        if (periods && (!periods[i] || !memo_period(&pm, periods[i])))
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                           "row %zu: '%s' is no period (2019, 2019Q3, 2019-07, 2019-07-15, ...)",
                           i + 1, periods[i] ? periods[i] : "(null)");
        for (size_t j = 0; j < d->n_cols; j++)
            if (isinf(columns[j][i]))
                return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                               "row %zu: column '%s' is infinite (NaN marks a missing value)",
                               i + 1, d->col_names[j]);
    }
    return PA_OK;
}

/* Forget the units, periods and groups from `mark` on, and the names of new units. */
static void
undo_rows(pa_data *d, const size_t mark[4])
{
    /* a unit interned before its name slot was made has no slot */
    for (size_t u = mark[1]; u < d->units.n && u < d->n_unit_names_cap; u++) {
        pa_free(d->unit_names[u]);
        d->unit_names[u] = NULL;
    }
    d->n_rows = mark[0];
    pa_strmap_truncate(&d->units, mark[1]);
    pa_strmap_truncate(&d->periods, mark[2]);
    pa_strmap_truncate(&d->groups, mark[3]);
}

/* One row: its unit, name, period and group; 0 when out of memory. */
static int
add_row(pa_data *d, size_t row, uint32_t file, const char *unit, const char *name,
        const char *period, const char *group, period_memo *pm)
{
    const char *canon = period && memo_period(pm, period) ? pm->canon : "";
    size_t u = pa_strmap_intern(&d->units, unit, strlen(unit), NULL);
    size_t p = pa_strmap_intern(&d->periods, canon, strlen(canon), NULL);
    size_t g = group && *group ? pa_strmap_intern(&d->groups, group, strlen(group), NULL)
                               : UINT32_MAX;
    if (u == PA_NONE || p == PA_NONE || g == PA_NONE || !pa_data_name_room(d) ||
        !pa_data_note_row(d, row, (long)row + 1, file))
        return 0;
    if (name && *name && !d->unit_names[u] && !(d->unit_names[u] = pa_strdup(name)))
        return 0;
    d->row_unit[row] = (uint32_t)u;
    d->row_period[row] = (uint32_t)p;
    if (d->row_group)
        d->row_group[row] = (uint32_t)g;
    return 1;
}

/* The group of every row, once a call gives groups: rows before it have none. */
static int
group_rows(pa_data *d)
{
    if (d->row_group)
        return 1;
    if (!(d->row_group = pa_malloc((d->cap ? d->cap : 1) * sizeof *d->row_group)))
        return 0;
    for (size_t i = 0; i < d->n_rows; i++)
        d->row_group[i] = UINT32_MAX;
    return 1;
}

pa_status
pa_data_add_rows(pa_data *d, size_t n, const char *const *units, const char *const *names,
                 const char *const *periods, const char *const *groups,
                 const double *const *columns, pa_error *err)
{
    if (!d || (n && (!units || (d->n_cols && !columns))))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    pa_status st = n ? check_rows(d, n, units, periods, columns, err) : PA_OK;
    if (st != PA_OK || n == 0)
        return st;
    if (n > UINT32_MAX - d->n_rows)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "more than %u rows", UINT32_MAX);
    size_t mark[4] = { d->n_rows, d->units.n, d->periods.n, d->groups.n };
    size_t file = pa_strmap_intern(&d->files, "<memory>", 8, NULL);
    if (file == PA_NONE || !pa_data_grow_rows_to(d, d->n_rows + n) ||
        (groups && !group_rows(d)))
        return pa_nomem(err);
    period_memo pm = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (!add_row(d, d->n_rows, (uint32_t)file, units[i], names ? names[i] : NULL,
                     periods ? periods[i] : NULL, groups ? groups[i] : NULL, &pm)) {
            undo_rows(d, mark);
            return pa_nomem(err);
        }
        for (size_t j = 0; j < d->n_cols; j++)
            d->cols[j][d->n_rows] = columns[j][i];
        d->n_rows++;
    }
    return PA_OK;
}
