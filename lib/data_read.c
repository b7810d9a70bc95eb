/* SPDX-License-Identifier: MIT */
/* Reading wide CSV files into a data set, as a stream into its columns; several files and
 * large files at once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include "internal.h"
#include "data.h"

enum { ROLE_SKIP = -1, ROLE_UNIT = -2, ROLE_NAME = -3, ROLE_PERIOD = -4, ROLE_GROUP = -5 };

typedef struct file_ctx {
    pa_data *d;
    pa_error *err;
    const char *name;
    uint32_t file;
    const char *file_period;    /* from the file name, or "" */
    size_t rows_at_start;
    /* header */
    int header_done;
    long n_header;
    int *role;                  /* by field (1-based) */
    size_t role_cap;
    pa_strmap header;
    int has_unit, has_name, has_period, has_group;
    /* current row: text fields kept in buffers reused from row to row */
    struct text { char *s; size_t len, cap; } unit, uname, period, group;
    size_t last_period;         /* the period of the previous row, for a quick match */
    size_t units0, periods0, groups0; /* map sizes when the file began, to undo it */
    size_t last_unit;           /* the unit of the previous row: panels list units in the
                                 * same order every period, so the next is often unit + 1 */
    int next_first;             /* the previous row's unit was the one after its own: try
                                 * unit + 1 first (a panel listed period by period) */
    long unit_col, period_col;
    char period_raw[32];        /* the last period cell read and its canonical form: a file */
    char period_canon[PA_PERIOD_TEXT]; /* repeats a few periods over many rows */
    int all_fed;                /* every numeric column has a header field of its own (none is
                                 * also the unit, name, group or period column) */
    int list_units;             /* units listed as they come (runs of rows of one unit are
                                 * one entry), not looked up: they are mapped afterwards (for
                                 * whole files read beside others, where each unit comes once) */
    size_t *named, n_named, cap_named; /* units from earlier files this one gave a name */
    pa_csv_direct direct;       /* number fields, once the header is read (pa_csv_sink) */
    int sep;                    /* field separator: the model's, else found in the header */
    int may_lack;               /* a sibling: may lack a column the file it came with has */
    long header_line;
} file_ctx;
static int
is_period_header(const char *s, size_t len)
{
    static const char *const names[] = { "year", "period", "date", "年份", "月份", "日期" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == len && strncasecmp(s, names[i], len) == 0)
            return 1;
    return 0;
}

static pa_status
header_field(file_ctx *c, const char *s, size_t len, long line, long col)
{
    pa_data *d = c->d;
    const pa_data_spec *m = &d->spec;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    if ((size_t)col >= c->role_cap) {
        size_t nc = c->role_cap ? c->role_cap * 2 : 64;
        while (nc <= (size_t)col)
            nc *= 2;
        int *r = pa_reallocarray(c->role, nc, sizeof *r);
        if (!r)
            return pa_nomem(c->err);
        c->role = r;
        c->role_cap = nc;
    }
    int added;
    if (len && pa_strmap_intern(&c->header, s, len, &added) == PA_NONE)
        return pa_nomem(c->err);
    if (len && !added)
        return pa_fail(c->err, PA_ERR_DATA, c->name, line, col, "column '%.*s' appears twice",
                       (int)len, s);
    c->n_header = col;
    int r = ROLE_SKIP;
    if (m->unit_column ? (strlen(m->unit_column) == len && !memcmp(m->unit_column, s, len))
                       : col == 1)
        r = ROLE_UNIT, c->has_unit = 1;
    else if (m->name_column && strlen(m->name_column) == len && !memcmp(m->name_column, s, len))
        r = ROLE_NAME, c->has_name = 1;
    else if (m->group_column && strlen(m->group_column) == len &&
             !memcmp(m->group_column, s, len))
        r = ROLE_GROUP, c->has_group = 1;
    else if (m->period_column
                 ? (strlen(m->period_column) == len && !memcmp(m->period_column, s, len))
                 : is_period_header(s, len))
        r = ROLE_PERIOD, c->has_period = 1;
    else {
        size_t j = pa_strmap_find(&d->colmap, s, len);
        if (j != PA_NONE)
            r = (int)j;
    }
    if (r < 0 && r != ROLE_SKIP && pa_strmap_find(&d->colmap, s, len) != PA_NONE)
        return pa_fail(c->err, PA_ERR_DATA, c->name, line, col,
                       "column '%.*s' is the %s column, but the model also reads it as numbers "
                       "(an indicator's column, a denominator or a roll-up weight names it)",
                       (int)len, s, r == ROLE_UNIT ? "unit" : r == ROLE_NAME ? "name"
                                    : r == ROLE_GROUP ? "impute_group" : "period");
    c->role[col] = r;
    return PA_OK;
}

static int
has_col(const file_ctx *c, size_t j)
{
    const char *name = c->d->col_names[j];
    return pa_strmap_find(&c->header, name, strlen(name)) != PA_NONE;
}

static pa_status
no_column(pa_error *err, const char *file, long line, const char *name)
{
    return pa_fail(err, PA_ERR_DATA, file, line, 0, "no column '%s', which the model needs",
                   name);
}

/* Whether numeric column j has a header field that feeds it. */
static int
fed(const file_ctx *c, size_t j)
{
    for (long col = 1; col <= c->n_header; col++)
        if (c->role[col] == (int)j)
            return 1;
    return 0;
}

/* Number fields go straight into d's columns from now on (see pa_csv_direct). */
static void
direct_to(file_ctx *c, pa_data *d)
{
    c->direct = (pa_csv_direct){ .n = c->n_header, .col = c->role, .cols = d->cols,
                                 .row = &d->n_rows, .room = &d->cap };
}

static pa_status
header_end(file_ctx *c, long line)
{
    pa_data *d = c->d;
    const pa_data_spec *m = &d->spec;
    c->header_done = 1;
    if (!c->has_unit)
        return pa_fail(c->err, PA_ERR_DATA, c->name, line, 0, "no unit column '%s'",
                       m->unit_column ? m->unit_column : "");
    if (m->name_column && !c->has_name)
        return pa_fail(c->err, PA_ERR_DATA, c->name, line, 0, "no name column '%s'",
                       m->name_column);
    if (m->group_column && !c->has_group)
        return pa_fail(c->err, PA_ERR_DATA, c->name, line, 0,
                       "no column '%s', which the model's impute_group names", m->group_column);
    if (m->period_column && !c->has_period)
        return pa_fail(c->err, PA_ERR_DATA, c->name, line, 0, "no period column '%s'",
                       m->period_column);
    c->header_line = line;
    for (size_t j = 0; j < d->n_cols; j++)
        if (!c->may_lack && !d->col_seen[j] && !has_col(c, j))
            return no_column(c->err, c->name, line, d->col_names[j]);
    c->all_fed = 1;
    for (size_t j = 0; j < d->n_cols; j++)
        c->all_fed &= fed(c, j);
    direct_to(c, d);
    return PA_OK;
}

/* A number field that is no plain number: what Excel or WPS may have written (pa_parse_cell),
 * else a message that names the cell and says what to write instead. */
static pa_status
spreadsheet_cell(file_ctx *c, const char *s, size_t len, long line, long col, int r, double *v)
{
    static const char *const why[] = {
        [PA_CELL_NOT_NUMBER] = "is not a number",
        [PA_CELL_RANGE] = "is out of the range of numbers",
        [PA_CELL_PERCENT] = "is a percentage: write 12 or 0.12 without %",
        [PA_CELL_SUFFIX] = "has text after the number: write the number alone (a unit belongs "
                           "in the model's unit key)",
        [PA_CELL_GROUPING] = "is not a number: a comma in a number must separate groups of "
                             "three digits (1,234,567.5); a decimal point is written .",
        [PA_CELL_SHEET_ERROR] = "is an error value of the spreadsheet (its formula failed "
                                "there): correct it, or leave the cell empty if the value is "
                                "missing",
    };
    pa_cell k = pa_parse_cell(s, len, c->sep, v);
    if (k == PA_CELL_MISSING)
        *v = NAN;
    if (k == PA_CELL_NUMBER || k == PA_CELL_MISSING)
        return PA_OK;
    const char *w = k == PA_CELL_GROUPING && c->sep == ';'
                        ? "is not a number: in a file separated by ';' a comma is the decimal "
                          "mark, once, after groups of three digits marked by '.' (1.234,5)"
                        : why[k];
    return pa_fail(c->err, PA_ERR_DATA, c->name, line, col, "'%.*s' %s (column '%s')",
                   (int)(len > 40 ? 40 : len), s, w, c->d->col_names[r]);
}

static pa_status
on_field(void *user, const char *s, size_t len, long line, long col)
{
    file_ctx *c = user;
    pa_data *d = c->d;
    if (!c->header_done)
        return header_field(c, s, len, line, col);
    if (col > c->n_header)
        return pa_fail(c->err, PA_ERR_DATA, c->name, line, col,
                       "more fields than the header's %ld", c->n_header);
    int r = c->role[col];
    if (r == ROLE_SKIP)
        return PA_OK;
    if (r >= 0) {
        if (d->n_rows == d->cap && !pa_data_grow_rows(d))
            return pa_nomem(c->err);
        double v;
        if (!pa_parse_count(s, len, &v) && pa_parse_number(s, len, &v) != 0) {
            pa_status st = spreadsheet_cell(c, s, len, line, col, r, &v);
            if (st != PA_OK)
                return st;
        }
        d->cols[r][d->n_rows] = v;
        return PA_OK;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    struct text *dst = r == ROLE_UNIT   ? &c->unit
                       : r == ROLE_NAME ? &c->uname
                       : r == ROLE_GROUP ? &c->group
                                         : &c->period;
    if (len + 1 > dst->cap) {
        char *b = pa_realloc(dst->s, len + 1);
        if (!b)
            return pa_nomem(c->err);
        dst->s = b;
        dst->cap = len + 1;
    }
    memcpy(dst->s, s, len);
    dst->s[len] = '\0';
    dst->len = len;
    if (r == ROLE_UNIT)
        c->unit_col = col;
    else if (r == ROLE_PERIOD)
        c->period_col = col;
    return PA_OK;
}

/* The canonical period of the row's period cell, or NULL (*st set) when it is none. */
static const char *
row_period(file_ctx *c, long line, pa_status *st)
{
    const char *s = c->period.s ? c->period.s : "";
    size_t len = c->period.len;
    if (len == 0) {
        *st = pa_fail(c->err, PA_ERR_DATA, c->name, line, c->period_col, "empty period");
        return NULL;
    }
    if (len < sizeof c->period_raw && strcmp(s, c->period_raw) == 0)
        return c->period_canon;
    if (pa_period_parse(s, len, c->period_canon) == PA_PERIOD_NONE) {
        c->period_raw[0] = '\0';
        *st = pa_fail(c->err, PA_ERR_DATA, c->name, line, c->period_col,
                      "'%.*s' is not a period: write a year (2019), a quarter (2019Q3), a "
                      "month (2019-07) or a day (2019-07-15)", (int)(len > 40 ? 40 : len), s);
        return NULL;
    }
    if (len < sizeof c->period_raw)
        memcpy(c->period_raw, s, len + 1);
    else
        c->period_raw[0] = '\0';
    return c->period_canon;
}

static pa_status
on_row(void *user, long line, long ncols)
{
    file_ctx *c = user;
    pa_data *d = c->d;
    if (!c->header_done)
        return header_end(c, line);
    pa_status st = PA_OK;
    if (ncols != c->n_header) {
        st = pa_fail(c->err, PA_ERR_DATA, c->name, line, ncols < c->n_header ? ncols : 0,
                     "%ld fields, but the header has %ld", ncols, c->n_header);
        goto out;
    }
    if (c->unit.len == 0) {
        st = pa_fail(c->err, PA_ERR_DATA, c->name, line, c->unit_col, "empty unit code");
        goto out;
    }
    const char *period = c->has_period ? row_period(c, line, &st) : c->file_period;
    if (!period)
        goto out;
    if (d->n_rows == d->cap && !pa_data_grow_rows(d)) {
        st = pa_nomem(c->err);
        goto out;
    }
    if (!pa_data_name_room(d)) {
        st = pa_nomem(c->err);
        goto out;
    }
    /* files list a unit's periods together or each period's units in the same order: try
     * the unit of the last row and the one after it (that one first when it matched last
     * time), before hashing */
    size_t u = c->last_unit, next = c->last_unit + 1;
    if (c->next_first && next < d->units.n && strcmp(d->units.keys[next], c->unit.s) == 0) {
        u = next; /* keys are unique: the unit of the last row cannot match too */
    } else if (u >= d->units.n || strcmp(d->units.keys[u], c->unit.s) != 0) {
        u = next;
        if (c->list_units)
            u = pa_strmap_append(&d->units, c->unit.s, c->unit.len);
        else if (u >= d->units.n || strcmp(d->units.keys[u], c->unit.s) != 0)
            u = pa_strmap_intern(&d->units, c->unit.s, c->unit.len, NULL);
    }
    c->next_first = u == next && !c->list_units;
    c->last_unit = u;
    /* likewise periods: the same as the last row's, the next one, or (a new unit) the first */
    size_t p = c->last_period;
    if (u != PA_NONE && (p >= d->periods.n || strcmp(d->periods.keys[p], period) != 0)) {
        p = p + 1 < d->periods.n ? p + 1 : 0;
        if (p >= d->periods.n || strcmp(d->periods.keys[p], period) != 0)
            p = pa_strmap_intern(&d->periods, period, strlen(period), NULL);
        c->last_period = p;
    }
    if (u == PA_NONE || p == PA_NONE) {
        st = pa_nomem(c->err);
        goto out;
    }
    if (c->uname.len && !d->unit_names[u]) {
        /* a unit from an earlier file: remembered, so that a failure takes the name back */
        if (u < c->units0 && c->n_named == c->cap_named) {
            size_t nc = c->cap_named ? 2 * c->cap_named : 16;
            size_t *nm = pa_reallocarray(c->named, nc, sizeof *nm);
            if (!nm) {
                st = pa_nomem(c->err);
                goto out;
            }
            c->named = nm;
            c->cap_named = nc;
        }
        if (!(d->unit_names[u] = pa_strdup(c->uname.s))) {
            st = pa_nomem(c->err);
            goto out;
        }
        if (u < c->units0)
            c->named[c->n_named++] = u;
    }
    if (!pa_data_note_row(d, d->n_rows, line, c->file)) {
        st = pa_nomem(c->err);
        goto out;
    }
    size_t row = d->n_rows++;
    d->row_unit[row] = (uint32_t)u;
    d->row_period[row] = (uint32_t)p;
    if (d->row_group)
        d->row_group[row] = UINT32_MAX;
    if (d->row_group && c->group.len && !pa_is_missing(c->group.s, c->group.len)) {
        size_t g = pa_strmap_intern(&d->groups, c->group.s, c->group.len, NULL);
        if (g == PA_NONE) {
            d->n_rows--;
            st = pa_nomem(c->err);
            goto out;
        }
        d->row_group[row] = (uint32_t)g;
    }
    /* every numeric column with a field of its own got its value (the row has as many
     * fields as the header); one whose name the unit, name, group or period column took
     * has none */
    for (size_t j = 0; !c->all_fed && j < d->n_cols; j++)
        if (!fed(c, j))
            d->cols[j][row] = NAN;
out:
    c->unit.len = c->uname.len = c->period.len = c->group.len = 0;
    if (c->period.s)
        c->period.s[0] = '\0';
    return st;
}

/* Forget the units, periods and groups that this file brought (a failed or re-read file). */
static void
undo_maps(file_ctx *c)
{
    pa_data *d = c->d;
    for (size_t u = c->units0; u < d->units.n; u++) {
        pa_free(d->unit_names[u]);
        d->unit_names[u] = NULL;
    }
    for (size_t k = 0; k < c->n_named; k++) {
        pa_free(d->unit_names[c->named[k]]);
        d->unit_names[c->named[k]] = NULL;
    }
    c->n_named = 0;
    pa_strmap_truncate(&d->units, c->units0);
    pa_strmap_truncate(&d->periods, c->periods0);
    pa_strmap_truncate(&d->groups, c->groups0);
    c->last_unit = c->last_period = PA_NONE;
    c->next_first = 0;
}

static void
on_reset(void *user)
{
    file_ctx *c = user;
    undo_maps(c);
    c->d->n_rows = c->rows_at_start;
    c->header_done = 0;
    c->n_header = 0;
    c->direct.n = 0;
    c->has_unit = c->has_name = c->has_period = c->has_group = 0;
    c->sep = c->d->spec.separator;
    pa_strmap_free(&c->header);
}

/* ---- reading a large file with two threads ----
 * The file is cut at the first line end after its middle. That is only safe when no quoted
 * field can span the cut, so the first half must hold no quote character, and both halves must
 * be plain UTF-8; otherwise the file is read as a whole, as before. Both halves first count
 * their line ends (at once); the second half then writes its rows straight into the data set's
 * arrays, after room for every line of the first, with units, periods and groups of its own
 * that are mapped into the data set's afterwards: units and periods keep the order of first
 * appearance, and line numbers are shifted by the lines of the first half. */

#define PARALLEL_MIN_BYTES (8u << 20)

typedef struct half {
    pa_data *d2;
    file_ctx c2;
    const char *path;
    uint64_t start, end;
    pa_status st;
    pa_error err;
    int fallback;
    long last_line;
} half;

static void *
half_main(void *arg)
{
    half *h = arg;
    pa_csv_sink sink = { .user = &h->c2, .direct = &h->c2.direct, .field = on_field,
                         .row = on_row, .sep = &h->c2.sep };
    h->st = pa_csv_read_range(h->path, h->start, h->end, 1, 0, &sink, &h->fallback,
                              &h->last_line, &h->err);
    return NULL;
}

/* Byte offset just after the first line end at or after `from`, or 0 when there is none. */
static uint64_t
line_end_after(FILE *f, uint64_t from)
{
    char buf[65536];
    if (fseeko(f, (off_t)from, SEEK_SET) != 0)
        return 0;
    size_t n;
    uint64_t pos = from;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        const char *nl = memchr(buf, '\n', n);
        if (nl)
            return pos + (uint64_t)(nl - buf) + 1;
        pos += n;
    }
    return 0;
}

typedef struct line_count {
    const char *path;
    uint64_t range[2][2];       /* [half][start, end) */
    size_t lines[2];
} line_count;

/* Line ends (LF, CRLF, lone CR) in one half, plus one for a last line without an end: no
 * more rows than that can end in it. */
static pa_status
count_task(void *ctx, size_t k, pa_error *err)
{
    (void)err;
    line_count *lc = ctx;
    FILE *f = fopen(lc->path, "rb");
    char *buf = pa_malloc(1u << 20);
    uint64_t pos = lc->range[k][0], end = lc->range[k][1];
    size_t n = 0;
    int cr = 0; /* the byte before was a CR */
    char lastc = '\n';
    pa_status st = f && buf && fseeko(f, (off_t)pos, SEEK_SET) == 0 ? PA_OK : PA_ERR_IO;
    while (st == PA_OK && pos < end) {
        size_t want = end - pos < (1u << 20) ? (size_t)(end - pos) : (1u << 20);
        size_t got = fread(buf, 1, want, f);
        if (got == 0) {
            st = PA_ERR_IO;
            break;
        }
        if (cr && buf[0] == '\n')
            n--; /* the CR was the first half of a CRLF */
        for (const char *p = buf, *e = buf + got; (p = memchr(p, '\n', (size_t)(e - p))); p++)
            n++;
        for (const char *p = buf, *e = buf + got; (p = memchr(p, '\r', (size_t)(e - p))); p++)
            n += p + 1 == e || p[1] != '\n';
        cr = buf[got - 1] == '\r';
        lastc = buf[got - 1];
        pos += got;
    }
    n += lastc != '\n' && lastc != '\r';
    if (f)
        fclose(f);
    pa_free(buf);
    lc->lines[k] = n;
    return st;
}

static size_t
remap(pa_strmap *dst, const pa_strmap *src, size_t k)
{
    return pa_strmap_intern(dst, src->keys[k], strlen(src->keys[k]), NULL);
}

/* d2's rows sit at d's rows [from, from + d2->n_rows) (the second half of a file, or a whole
 * file read beside others): move them to the end of d's (only when blank lines or an earlier
 * file left a gap) and give them d's units, periods, file and lines. */
static pa_status
adopt_rows(pa_data *d, const pa_data *d2, size_t from, long line_offset, uint32_t file,
           pa_error *err)
{
    size_t nu = d2->units.n, np = d2->periods.n, ng = d2->groups.n, n = d2->n_rows;
    size_t nu0 = d->units.n, np0 = d->periods.n, ng0 = d->groups.n, n_named = 0;
    size_t *map = pa_malloc((2 * nu + np + ng + 1) * sizeof *map);
    if (!map)
        return pa_nomem(err);
    size_t *umap = map, *pmap = map + nu, *gmap = pmap + np, *named = gmap + ng;
    for (size_t k = 0; k < nu; k++) {
        if (!pa_data_name_room(d))
            goto nomem;
        /* files list their units in the same order: try the one after the last match */
        size_t guess = k ? umap[k - 1] + 1 : 0;
        if (guess < d->units.n && strcmp(d->units.keys[guess], d2->units.keys[k]) == 0)
            umap[k] = guess;
        else if ((umap[k] = remap(&d->units, &d2->units, k)) == PA_NONE)
            goto nomem;
        if (!d->unit_names[umap[k]] && d2->unit_names[k]) {
            if (!(d->unit_names[umap[k]] = pa_strdup(d2->unit_names[k])))
                goto nomem;
            if (umap[k] < nu0)
                named[n_named++] = umap[k];
        }
    }
    for (size_t k = 0; k < np; k++)
        if ((pmap[k] = remap(&d->periods, &d2->periods, k)) == PA_NONE)
            goto nomem;
    for (size_t k = 0; k < ng; k++)
        if ((gmap[k] = remap(&d->groups, &d2->groups, k)) == PA_NONE)
            goto nomem;
    size_t to = d->n_rows;
    if (to != from) {
#define MOVE(p) memmove((p) + to, (p) + from, n * sizeof *(p))
        for (size_t j = 0; j < d->n_cols; j++)
            MOVE(d->cols[j]);
        MOVE(d->row_unit);
        MOVE(d->row_period);
        if (d->row_group)
            MOVE(d->row_group);
#undef MOVE
    }
    for (size_t k = 0; k < d2->n_runs && d2->runs[k].row < n; k++)
        if (!pa_data_note_row(d, to + d2->runs[k].row, d2->runs[k].line + line_offset, file))
            goto nomem;
    for (size_t i = to; i < to + n; i++) {
        d->row_unit[i] = (uint32_t)umap[d->row_unit[i]];
        d->row_period[i] = (uint32_t)pmap[d->row_period[i]];
        if (d->row_group && d->row_group[i] != UINT32_MAX)
            d->row_group[i] = (uint32_t)gmap[d->row_group[i]];
    }
    d->n_rows += n;
    pa_free(map);
    return PA_OK;
nomem: /* adds nothing: no units, periods, groups or names */
    for (size_t u = nu0; u < d->units.n; u++) {
        pa_free(d->unit_names[u]);
        d->unit_names[u] = NULL;
    }
    for (size_t k = 0; k < n_named; k++) {
        pa_free(d->unit_names[named[k]]);
        d->unit_names[named[k]] = NULL;
    }
    pa_strmap_truncate(&d->units, nu0);
    pa_strmap_truncate(&d->periods, np0);
    pa_strmap_truncate(&d->groups, ng0);
    pa_free(map);
    return pa_nomem(err);
}

/* A data set (*out) whose rows are d's rows [base, base + cap): it reads into them in place,
 * with units, periods and groups of its own, and never grows. */
static pa_status
borrow_rows(pa_data *d, size_t base, size_t cap, pa_data **out, pa_error *err)
{
    pa_status st = pa_data_like(d, out, err);
    if (st != PA_OK)
        return st;
    pa_data *d2 = *out;
    /* a data set with no rows yet has no arrays: NULL + base is undefined */
    for (size_t j = 0; j < d->n_cols; j++)
        d2->cols[j] = d->cols[j] ? d->cols[j] + base : NULL;
    d2->row_unit = d->row_unit ? d->row_unit + base : NULL;
    d2->row_period = d->row_period ? d->row_period + base : NULL;
    d2->row_group = d->row_group ? d->row_group + base : NULL;
    d2->cap = cap;
    d2->borrowed = 1;
    return PA_OK;
}

/* Forget the row arrays d2 borrowed from the data set before freeing it. */
static void
free_borrowed(pa_data *d2)
{
    if (!d2)
        return;
    if (d2->borrowed) {
        for (size_t j = 0; j < d2->n_cols; j++)
            d2->cols[j] = NULL;
        d2->row_unit = d2->row_period = d2->row_group = NULL;
    }
    pa_data_free(d2);
}

/* Returns PA_OK with *done = 0 when the file must be read as a whole instead. */
static pa_status
read_parallel(file_ctx *c, const char *path, pa_csv_sink *sink, int *done)
{
    pa_data *d = c->d;
    *done = 0;
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size < PARALLEL_MIN_BYTES)
        return PA_OK;
    uint64_t size = (uint64_t)sb.st_size;
    FILE *f = fopen(path, "rb");
    if (!f)
        return PA_OK;
    uint64_t hdr_end = line_end_after(f, 0), mid = line_end_after(f, size / 2);
    fclose(f);
    if (!hdr_end || !mid || mid >= size || mid <= hdr_end)
        return PA_OK;
    int fallback = 0;
    long last = 0;
    pa_status st = pa_csv_read_range(path, 0, hdr_end, 0, 1, sink, &fallback, &last, c->err);
    if (st != PA_OK || fallback || !c->header_done)
        return fallback || !c->header_done ? PA_OK : st;
    line_count lc = { .path = path, .range = { { hdr_end, mid }, { mid, size } } };
    if (pa_parallel_for(2, count_task, &lc, NULL) != PA_OK)
        return PA_OK; /* one thread then */
    size_t base = d->n_rows + lc.lines[0];
    if (base + lc.lines[1] < base || !pa_data_grow_rows_to(d, base + lc.lines[1]))
        return PA_OK;
    half h = { .path = path, .start = mid, .end = size };
    if ((st = borrow_rows(d, base, lc.lines[1], &h.d2, c->err)) != PA_OK)
        return st;
    h.c2 = *c; /* the header's roles, shared read-only */
    h.c2.d = h.d2; /* units looked up, not listed: a period-major file repeats them */
    direct_to(&h.c2, h.d2);
    h.c2.err = &h.err;
    h.c2.rows_at_start = 0;
    h.c2.last_period = PA_NONE;
    h.c2.last_unit = PA_NONE;
    h.c2.next_first = 0;
    h.c2.units0 = h.c2.periods0 = h.c2.groups0 = 0;
    h.c2.named = NULL;
    h.c2.n_named = h.c2.cap_named = 0;
    memset(&h.c2.unit, 0, sizeof h.c2.unit);
    memset(&h.c2.uname, 0, sizeof h.c2.uname);
    memset(&h.c2.period, 0, sizeof h.c2.period);
    memset(&h.c2.group, 0, sizeof h.c2.group);
    memset(&h.c2.header, 0, sizeof h.c2.header);
    pthread_t th;
    if (pthread_create(&th, NULL, half_main, &h) != 0) {
        free_borrowed(h.d2);
        return PA_OK; /* one thread then */
    }
    /* neither half may grow past its room (the other half or the end of the arrays): more
     * rows than counted line ends means the file changed meanwhile */
    size_t cap = d->cap;
    d->cap = base;
    d->borrowed = 1;
    int fb_a = 0;
    long last_a = 0;
    st = pa_csv_read_range(path, hdr_end, mid, last, 1, sink, &fb_a, &last_a, c->err);
    pthread_join(th, NULL);
    d->cap = cap;
    d->borrowed = 0;
    if ((st == PA_ERR_NOMEM && d->n_rows == base) ||
        (h.st == PA_ERR_NOMEM && h.d2->n_rows == h.d2->cap))
        fb_a = 1; /* read it whole */
    if (!fb_a && !h.fallback) {
        *done = 1;
        long offset = last_a - 1;
        if (st == PA_OK && h.st != PA_OK) {
            st = h.st;
            if (c->err) {
                *c->err = h.err;
                if (c->err->line > 0 && strcmp(c->err->file, c->name) == 0)
                    c->err->line += offset;
            }
        }
        if (st == PA_OK)
            st = adopt_rows(d, h.d2, base, offset, c->file, c->err);
    } else {
        st = PA_OK; /* read it whole */
        d->n_rows = c->rows_at_start;
    }
    pa_free(h.c2.unit.s);
    pa_free(h.c2.uname.s);
    pa_free(h.c2.period.s);
    pa_free(h.c2.group.s);
    free_borrowed(h.d2);
    return st;
}

static void
file_begin(file_ctx *c, pa_data *d, pa_error *err, const char *name, uint32_t file,
           const char *file_period)
{
    *c = (file_ctx){ .d = d, .err = err, .name = name, .file = file,
                     .file_period = file_period, .rows_at_start = d->n_rows,
                     .last_period = PA_NONE, .last_unit = PA_NONE, .units0 = d->units.n,
                     .periods0 = d->periods.n, .groups0 = d->groups.n,
                     .sep = d->spec.separator };
}

/* A file read well: the columns it has are seen, and each it lacks (which an earlier file, or
 * the file it is a sibling of, has) is a note. */
static pa_status
note_columns(file_ctx *c)
{
    pa_data *d = c->d;
    size_t n0 = d->n_notes, rows = d->n_rows - c->rows_at_start;
    for (size_t j = 0; j < d->n_cols; j++)
        if (!has_col(c, j) &&
            pa_data_add_note(d, c->name, c->header_line, 0,
                             "no column '%s': its values are missing in the %zu rows of this "
                             "file", d->col_names[j], rows) != PA_OK) {
            d->n_notes = n0;
            return pa_nomem(c->err);
        }
    for (size_t j = 0; j < d->n_cols; j++)
        d->col_seen[j] |= has_col(c, j);
    d->header_line = c->header_line;
    return PA_OK;
}

/* After reading a file: keep what a good one brought, take back all a failed one did (no
 * rows, units or periods), and free the reading state. */
static pa_status
file_end(file_ctx *c, pa_status st)
{
    pa_data *d = c->d;
    if (st == PA_OK && !c->header_done)
        st = pa_fail(c->err, PA_ERR_DATA, c->name, 1, 0, "empty file: no header row");
    /* an error, not an empty period: a file without rows is most likely an export that went
     * wrong, and as a sibling it would silently leave its period without values */
    if (st == PA_OK && d->n_rows == c->rows_at_start)
        st = pa_fail(c->err, PA_ERR_DATA, c->name, c->header_line, 0,
                     "a header but no data rows");
    if (st == PA_OK)
        st = note_columns(c);
    size_t rows = d->n_rows;
    if (st == PA_OK) { /* keep what was read; free the header state */
        c->units0 = d->units.n, c->periods0 = d->periods.n, c->groups0 = d->groups.n;
        c->n_named = 0;
        on_reset(c);
        d->n_rows = rows;
    } else {
        on_reset(c);
    }
    pa_free(c->role);
    pa_free(c->unit.s);
    pa_free(c->uname.s);
    pa_free(c->period.s);
    pa_free(c->group.s);
    pa_free(c->named);
    return st;
}

static pa_status
read_any(pa_data *d, const char *path, const char *bytes, size_t size, const char *name,
         int may_lack, pa_error *err)
{
    if (!d)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    const char *label = name ? name : path ? path : "<buffer>";
    char *fp = pa_period_of_name(label);
    if (!fp)
        return pa_nomem(err);
    size_t fi = pa_strmap_intern(&d->files, label, strlen(label), NULL);
    if (fi == PA_NONE) {
        pa_free(fp);
        return pa_nomem(err);
    }
    file_ctx c;
    file_begin(&c, d, err, d->files.keys[fi], (uint32_t)fi, fp);
    c.may_lack = may_lack;
    pa_csv_sink sink = { .user = &c, .direct = &c.direct, .field = on_field, .row = on_row,
                         .reset = on_reset, .sep = &c.sep };
    int done = 0;
    pa_status st = path ? read_parallel(&c, path, &sink, &done) : PA_OK;
    if (st == PA_OK && !done) {
        if (c.header_done)
            on_reset(&c); /* a parallel attempt that gave up: start again */
        st = path ? pa_csv_read_file(path, &sink, err)
                  : pa_csv_read_buffer(bytes, size, label, &sink, err);
    }
    int no_period = st == PA_OK && c.header_done && !c.has_period && !*fp;
    st = file_end(&c, st);
    pa_free(fp);
    if (no_period && st == PA_OK) /* said once, instead of a report of period "" */
        st = pa_data_add_note(d, d->files.keys[fi], 0, 0,
                              "no period: no column year, period, date, 年份, 月份 or 日期, and "
                              "the file name is no period (2019.csv, 2019-07.csv); its rows are "
                              "one period without a name");
    return st;
}

/* ---- several files at once ----
 * Files given together (a period's file and its siblings) are read whole, one per thread, each
 * straight into its place in the data set's arrays after room for every line of the files
 * before it, with units, periods and groups of its own; they are then taken in file order as
 * if read one after another: the first file that fails adds nothing and ends the reading, the
 * files before it stay. */

typedef struct files_job {
    const char *const *paths;
    size_t *lines, *base;
    pa_data **part;             /* by file: a data set on d's rows from base */
    pa_status *st;
    unsigned char *fallback;    /* by file: more rows than lines counted (it changed) */
} files_job;

static pa_status
count_file_task(void *ctx, size_t k, pa_error *err)
{
    files_job *j = ctx;
    struct stat sb;
    if (stat(j->paths[k], &sb) != 0 || !S_ISREG(sb.st_mode))
        return PA_ERR_IO; /* one by one then, for that file's own message */
    line_count lc = { .path = j->paths[k], .range = { { 0, (uint64_t)sb.st_size } } };
    pa_status st = count_task(&lc, 0, err);
    j->lines[k] = lc.lines[0];
    return st;
}

static pa_status
read_file_task(void *ctx, size_t k, pa_error *err)
{
    files_job *j = ctx;
    pa_data *part = j->part[k];
    char *fp = pa_period_of_name(j->paths[k]);
    if (!fp)
        return j->st[k] = pa_nomem(err);
    file_ctx c;
    file_begin(&c, part, err, j->paths[k], 0, fp);
    c.list_units = 1;
    c.may_lack = 1; /* the file the siblings came with is checked when it is adopted */
    pa_csv_sink sink = { .user = &c, .direct = &c.direct, .field = on_field, .row = on_row,
                         .reset = on_reset, .sep = &c.sep };
    pa_status st = pa_csv_read_file(j->paths[k], &sink, err);
    if (st == PA_ERR_NOMEM && part->n_rows == part->cap)
        j->fallback[k] = 1; /* no room: it grew since it was counted; read it again alone */
    st = file_end(&c, st);
    pa_free(fp);
    return j->st[k] = st;
}

/* A file read beside others that lacks a column no file before it had: fine for a sibling
 * (the file it came with is checked last), else the error of a file read alone. */
static pa_status
lacking(const pa_data *d, const pa_data *part, int sibling, const char *path, pa_error *err)
{
    for (size_t j = 0; !sibling && j < d->n_cols; j++)
        if (!d->col_seen[j] && !part->col_seen[j])
            return no_column(err, path, part->header_line, d->col_names[j]);
    return PA_OK;
}

/* The notes and seen columns of a file read beside others, once its rows are adopted (with
 * room made for its notes before). */
static void
adopt_notes(pa_data *d, const pa_data *part)
{
    if (part->n_notes) /* notes may be NULL: memcpy must not be given it even for 0 bytes */
        memcpy(d->notes + d->n_notes, part->notes, part->n_notes * sizeof *part->notes);
    d->n_notes += part->n_notes;
    for (size_t j = 0; j < d->n_cols; j++)
        d->col_seen[j] |= part->col_seen[j];
}

/* Returns PA_OK with *done = 0 when the files must be read one by one instead. */
static pa_status
read_files_parallel(pa_data *d, const char *const *paths, size_t n, int *done, pa_error *err)
{
    *done = 0;
    if (n < 2 || pa_thread_count() < 2)
        return PA_OK;
    files_job j = { .paths = paths };
    j.lines = pa_calloc(2 * n, sizeof *j.lines);
    j.part = pa_calloc(n, sizeof *j.part);
    j.st = pa_calloc(n, sizeof *j.st);
    j.fallback = pa_calloc(n, 1);
    pa_status st = PA_OK;
    if (!j.lines || !j.part || !j.st || !j.fallback)
        goto out; /* one by one */
    j.base = j.lines + n;
    if (pa_parallel_for(n, count_file_task, &j, NULL) != PA_OK)
        goto out;
    size_t at = d->n_rows;
    for (size_t k = 0; k < n; k++) {
        j.lines[k] -= j.lines[k] > 0; /* the header is a line but no row */
        j.base[k] = at;
        if (at + j.lines[k] < at)
            goto out;
        at += j.lines[k];
    }
    if (!pa_data_grow_rows_to(d, at))
        goto out;
    for (size_t k = 0; k < n; k++)
        if (borrow_rows(d, j.base[k], j.lines[k], &j.part[k], NULL) != PA_OK)
            goto out;
    pa_error first;
    memset(&first, 0, sizeof first);
    pa_parallel_for(n, read_file_task, &j, &first); /* stops after the first failing file */
    *done = 1;
    for (size_t k = 0; k < n && st == PA_OK; k++) {
        if (j.fallback[k]) {
            for (; k < n && st == PA_OK; k++)
                st = read_any(d, paths[k], NULL, 0, NULL, k + 1 < n, err);
            break;
        }
        if (j.st[k] != PA_OK) {
            if (err)
                *err = first;
            st = j.st[k];
            break;
        }
        if ((st = lacking(d, j.part[k], k + 1 < n, paths[k], err)) != PA_OK)
            break;
        size_t fi = pa_strmap_intern(&d->files, paths[k], strlen(paths[k]), NULL);
        st = fi == PA_NONE || !pa_data_note_room(d, j.part[k]->n_notes)
                 ? pa_nomem(err)
                 : adopt_rows(d, j.part[k], j.base[k], 0, (uint32_t)fi, err);
        if (st == PA_OK)
            adopt_notes(d, j.part[k]);
    }
out:
    for (size_t k = 0; j.part && k < n; k++)
        free_borrowed(j.part[k]);
    pa_free(j.lines);
    pa_free(j.part);
    pa_free(j.st);
    pa_free(j.fallback);
    return st;
}

pa_status
pa_data_read_file(pa_data *d, const char *path, pa_error *err)
{
    if (!path)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL path");
    return read_any(d, path, NULL, 0, NULL, 0, err);
}

pa_status
pa_data_read_buffer(pa_data *d, const char *bytes, size_t size, const char *name, pa_error *err)
{
    return read_any(d, NULL, bytes, size, name, 0, err);
}

pa_status
pa_data_read_files(pa_data *d, const char *const *paths, size_t n, pa_error *err)
{
    if (!d || (n && !paths))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    for (size_t i = 0; i < n; i++)
        if (!paths[i])
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL path");
    int done = 0;
    pa_status st = read_files_parallel(d, paths, n, &done, err);
    for (size_t i = 0; i < n && st == PA_OK && !done; i++) /* the last must have every column */
        st = read_any(d, paths[i], NULL, 0, NULL, i + 1 < n, err);
    return st;
}

pa_status
pa_data_read_with_siblings(pa_data *d, const char *path, pa_error *err)
{
    if (!d || !path)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    char **paths;
    pa_status st = pa_data_siblings(path, &paths, err);
    if (st != PA_OK)
        return st;
    size_t n = 0;
    while (paths[n])
        n++;
    st = pa_data_read_files(d, (const char *const *)paths, n, err);
    pa_paths_free(paths);
    return st;
}

