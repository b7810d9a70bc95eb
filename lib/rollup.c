/* SPDX-License-Identifier: MIT */
/* The roll-up: counts and denominators summed up the unit tree of [units] before anything is
 * computed, so that a district's rate comes from its streets' summed counts; indicators that
 * do not add up roll up by the rule they state. Rows the data gives for upper units are
 * checked against their roll-up. The result is a new data set, units ordered by level. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "units_table.h"

typedef struct roll {
    const pa_model *m;
    const struct pa_units *u;
    const pa_data *d;
    size_t nt, nc;              /* table units, data columns */
    size_t *dmap;               /* data unit → table unit */
    size_t *ord, *newidx;       /* table units by level, top first; and the inverse */
    size_t *kid_first, *kids;   /* children of each table unit (CSR) */
    int *rule;                  /* by column: pa_rollup */
    size_t *wcol;               /* by column: weighted:COLUMN's column */
    const char **rule_of;       /* by column: the indicator whose rule it is, for messages */
    size_t *given, *src;        /* by table unit, this period: its data row; a row it came from */
    unsigned char *has;         /* by table unit, this period: a row (given or rolled) */
    double *val;                /* [column][table unit], this period */
    pa_data *out;
} roll;

static void
roll_free(roll *r)
{
    pa_free(r->dmap), pa_free(r->ord), pa_free(r->newidx), pa_free(r->kid_first);
    pa_free(r->kids), pa_free(r->rule), pa_free(r->wcol), pa_free(r->rule_of);
    pa_free(r->given), pa_free(r->src), pa_free(r->has), pa_free(r->val);
}

static pa_status
alloc_all(roll *r, pa_error *err)
{
    size_t nt = r->nt ? r->nt : 1, nc = r->nc ? r->nc : 1;
    r->dmap = pa_malloc((r->d->units.n ? r->d->units.n : 1) * sizeof *r->dmap);
    r->ord = pa_malloc(nt * sizeof *r->ord);
    r->newidx = pa_malloc(nt * sizeof *r->newidx);
    r->kid_first = pa_calloc(nt + 1, sizeof *r->kid_first);
    r->kids = pa_malloc(nt * sizeof *r->kids);
    r->rule = pa_calloc(nc, sizeof *r->rule);
    r->wcol = pa_malloc(nc * sizeof *r->wcol);
    r->rule_of = pa_calloc(nc, sizeof *r->rule_of);
    r->given = pa_malloc(nt * sizeof *r->given);
    r->src = pa_malloc(nt * sizeof *r->src);
    r->has = pa_malloc(nt);
    r->val = nc * nt / nt == nc ? pa_malloc(nc * nt * sizeof *r->val) : NULL;
    int ok = r->dmap && r->ord && r->newidx && r->kid_first && r->kids && r->rule && r->wcol &&
             r->rule_of && r->given && r->src && r->has && r->val;
    return ok ? PA_OK : pa_nomem(err);
}

/* Each data unit's row of the table: a unit the table lacks is a mistake at its first row. */
static pa_status
map_units(roll *r, pa_error *err)
{
    const pa_data *d = r->d;
    for (size_t du = 0; du < d->units.n; du++) {
        const char *code = d->units.keys[du];
        r->dmap[du] = pa_strmap_find(&r->u->codes, code, strlen(code));
    }
    for (size_t row = 0; row < d->n_rows; row++)
        if (r->dmap[d->row_unit[row]] == PA_NONE)
            return pa_fail(err, PA_ERR_DATA, pa_data_row_file(d, row), pa_data_row_line(d, row),
                           1, "unit '%s' is not in the table of parents %s",
                           d->units.keys[d->row_unit[row]], r->u->path);
    return PA_OK;
}

/* Units by level (top first, table order within a level) and each unit's children. */
static void
order_units(roll *r)
{
    const struct pa_units *u = r->u;
    size_t k = 0;
    for (size_t l = 0; l < u->n_levels; l++)
        for (size_t t = 0; t < r->nt; t++)
            if (u->depth[t] == l) {
                r->newidx[t] = k;
                r->ord[k++] = t;
            }
    for (size_t t = 0; t < r->nt; t++)
        if (u->parent[t] != PA_NONE)
            r->kid_first[u->parent[t] + 1]++;
    for (size_t t = 0; t < r->nt; t++)
        r->kid_first[t + 1] += r->kid_first[t];
    size_t *fill = r->given; /* scratch until the first period */
    memcpy(fill, r->kid_first, r->nt * sizeof *fill);
    for (size_t i = 0; i < r->nt; i++) {
        size_t t = r->ord[i];
        if (u->parent[t] != PA_NONE)
            r->kids[fill[u->parent[t]]++] = t;
    }
}

/* How each column rolls up: an indicator's rule (a count with a denominator: sum), and sum
 * for denominators, weights and penalties, which are counts of people or events. */
static pa_status
column_rules(roll *r, pa_error *err)
{
    const pa_model *m = r->m;
    for (size_t j = 0; j < r->nc; j++)
        r->rule[j] = PA_ROLLUP_SUM, r->wcol[j] = PA_NONE;
    for (size_t i = 0; i < m->n_nodes; i++) {
        const pa_node *nd = &m->nodes[i];
        if (!nd->is_indicator)
            continue;
        size_t j = pa_data_col(r->d, pa_node_column(nd));
        int rule = nd->rollup ? nd->rollup : PA_ROLLUP_SUM;
        if (r->rule_of[j] && r->rule[j] != rule)
            return pa_fail(err, PA_ERR_MODEL, m->file, nd->at.line, nd->at.col,
                           "column '%s' rolls up two ways ('%s' and '%s' read it)",
                           pa_node_column(nd), r->rule_of[j], nd->code);
        r->rule[j] = rule;
        r->rule_of[j] = nd->code;
        if (rule == PA_ROLLUP_WEIGHTED &&
            (r->wcol[j] = pa_data_col(r->d, nd->rollup_col)) == PA_NONE)
            return pa_fail(err, PA_ERR_MODEL, m->file, nd->rollup_at.line, nd->rollup_at.col,
                           "the data has no column '%s' (rollup of '%s')", nd->rollup_col,
                           nd->code);
    }
    return PA_OK;
}

#define VAL(r, j, t) ((r)->val[(j) * (r)->nt + (t)])

/* Column j of table unit t from its children: NaN unless every child has a value. */
static double
rolled(const roll *r, size_t j, size_t t)
{
    size_t a = r->kid_first[t], b = r->kid_first[t + 1];
    double s = 0, w = 0;
    if (r->rule[j] == PA_ROLLUP_NONE || a == b)
        return NAN;
    for (size_t i = a; i < b; i++) {
        size_t c = r->kids[i];
        double x = r->has[c] ? VAL(r, j, c) : NAN;
        double wc = r->rule[j] == PA_ROLLUP_WEIGHTED ? (r->has[c] ? VAL(r, r->wcol[j], c) : NAN)
                                                     : 1;
        if (isnan(x) || isnan(wc))
            return NAN;
        s += r->rule[j] == PA_ROLLUP_SUM ? x : wc * x;
        w += wc;
    }
    return r->rule[j] == PA_ROLLUP_SUM ? s : w != 0 ? s / w : NAN;
}

/* A given row of an upper unit that its roll-up contradicts: the row, the roll-up and the rows
 * it came from. */
static pa_status
mismatch(const roll *r, size_t j, size_t t, size_t p, double given, double sum, pa_error *err)
{
    const pa_data *d = r->d;
    static const char *const how[] = { "", "sum", "mean", "weighted mean", "" };
    char list[640] = "";
    size_t a = r->kid_first[t], b = r->kid_first[t + 1], len = 0;
    for (size_t i = a; i < b && len < sizeof list - 1; i++) {
        size_t c = r->kids[i], row = r->src[c];
        char num[40];
        pa_format_number(VAL(r, j, c), num, sizeof num);
        if (i - a == 8) {
            len += (size_t)snprintf(list + len, sizeof list - len, "; and %zu more", b - i);
            break;
        }
        int own = r->given[c] != PA_NONE;
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s %s (%s%s:%ld)",
                                i > a ? "; " : "", r->u->codes.keys[c], num,
                                own ? "" : "rolled up from ", pa_data_row_file(d, row),
                                pa_data_row_line(d, row));
    }
    char g[40], s[40];
    pa_format_number(given, g, sizeof g);
    pa_format_number(sum, s, sizeof s);
    size_t row = r->given[t];
    return pa_fail(err, PA_ERR_DATA, pa_data_row_file(d, row), pa_data_row_line(d, row), 0,
                   "unit '%s', period '%s': '%s' is %s here, but the %s of its %zu units is %s "
                   "(%s)", r->u->codes.keys[t], d->periods.keys[p], d->col_names[j], g,
                   how[r->rule[j]], b - a, s, list);
}

/* One upper unit in one period: its columns from its children, checked against its own row
 * when the data gives one (a value missing there is filled from the roll-up). */
static pa_status
roll_unit(roll *r, size_t t, size_t p, pa_error *err)
{
    size_t g = r->given[t];
    for (size_t j = 0; j < r->nc; j++) {
        double x = rolled(r, j, t), y = g != PA_NONE ? r->d->cols[j][g] : NAN;
        if (!isnan(x) && !isnan(y) && fabs(x - y) > r->u->tolerance * fmax(1, fabs(x)))
            return mismatch(r, j, t, p, y, x, err);
        VAL(r, j, t) = isnan(y) ? x : y;
    }
    return PA_OK;
}

/* Every unit of period p, the deepest first, so that children are done before parents. */
static pa_status
roll_period(roll *r, size_t p, const size_t *rows, size_t n, pa_error *err)
{
    const pa_data *d = r->d;
    for (size_t t = 0; t < r->nt; t++)
        r->given[t] = PA_NONE, r->has[t] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t t = r->dmap[d->row_unit[rows[i]]];
        if (r->given[t] != PA_NONE)
            return pa_fail(err, PA_ERR_DATA, pa_data_row_file(d, rows[i]),
                           pa_data_row_line(d, rows[i]), 0,
                           "unit '%s' has a second row for period '%s' (first at %s:%ld)",
                           r->u->codes.keys[t], d->periods.keys[p],
                           pa_data_row_file(d, r->given[t]), pa_data_row_line(d, r->given[t]));
        r->given[t] = r->src[t] = rows[i];
        r->has[t] = 1;
    }
    for (size_t j = 0; j < r->nc; j++) /* the lowest units' values, column by column */
        for (size_t t = 0; t < r->nt; t++)
            if (r->kid_first[t] == r->kid_first[t + 1])
                VAL(r, j, t) = r->has[t] ? d->cols[j][r->given[t]] : NAN;
    for (size_t i = r->nt; i-- > 0;) {
        size_t t = r->ord[i];
        for (size_t k = r->kid_first[t]; k < r->kid_first[t + 1] && !r->has[t]; k++)
            if (r->has[r->kids[k]])
                r->has[t] = 1, r->src[t] = r->src[r->kids[k]];
        if (r->kid_first[t] == r->kid_first[t + 1])
            continue;
        pa_status st = r->has[t] ? roll_unit(r, t, p, err) : PA_OK;
        if (st != PA_OK)
            return st;
    }
    return PA_OK;
}

/* The rows of period p into the new data set, units in level order. */
static pa_status
emit_period(roll *r, size_t p, pa_error *err)
{
    pa_data *o = r->out;
    const pa_data *d = r->d;
    size_t n = 0;
    for (size_t t = 0; t < r->nt; t++)
        n += r->has[t];
    if (!pa_data_grow_rows_to(o, o->n_rows + n))
        return pa_nomem(err);
    size_t row0 = o->n_rows;
    for (size_t i = 0; i < r->nt; i++) {
        size_t t = r->ord[i], row = o->n_rows, s = r->src[t];
        if (!r->has[t])
            continue;
        if (!pa_data_note_row(o, row, pa_data_row_line(d, s),
                              (uint32_t)pa_strmap_find(&o->files, pa_data_row_file(d, s),
                                                       strlen(pa_data_row_file(d, s)))))
            return pa_nomem(err);
        o->row_unit[row] = (uint32_t)i;
        o->row_period[row] = (uint32_t)p;
        if (o->row_group)
            o->row_group[row] = r->given[t] != PA_NONE ? d->row_group[r->given[t]] : UINT32_MAX;
        o->n_rows++;
    }
    for (size_t j = 0; j < r->nc; j++) /* column by column: each written in order */
        for (size_t i = 0, row = row0; i < r->nt; i++)
            if (r->has[r->ord[i]])
                o->cols[j][row++] = VAL(r, j, r->ord[i]);
    return PA_OK;
}

/* The new data set's names: files and periods as in d, units in level order, and the tree. */
static pa_status
frame_out(roll *r, pa_error *err)
{
    const pa_data *d = r->d;
    pa_data *o = r->out;
    const struct pa_units *u = r->u;
    int ok = 1;
    for (size_t f = 0; ok && f < d->files.n; f++)
        ok = pa_strmap_intern(&o->files, d->files.keys[f], strlen(d->files.keys[f]), NULL) != PA_NONE;
    for (size_t p = 0; ok && p < d->periods.n; p++)
        ok = pa_strmap_intern(&o->periods, d->periods.keys[p], strlen(d->periods.keys[p]),
                              NULL) != PA_NONE;
    for (size_t i = 0; ok && i < r->nt; i++) {
        const char *code = u->codes.keys[r->ord[i]];
        ok = pa_data_name_room(o) && /* first: a unit always has room for its name */
             pa_strmap_intern(&o->units, code, strlen(code), NULL) != PA_NONE;
    }
    for (size_t du = 0; ok && du < d->units.n; du++)
        if (d->unit_names && d->unit_names[du])
            ok = (o->unit_names[r->newidx[r->dmap[du]]] = pa_strdup(d->unit_names[du])) != NULL;
    if (ok && d->row_group)
        ok = (o->row_group = pa_malloc(sizeof *o->row_group)) != NULL;
    for (size_t g = 0; ok && g < d->groups.n; g++)
        ok = pa_strmap_intern(&o->groups, d->groups.keys[g], strlen(d->groups.keys[g]), NULL) != PA_NONE;
    pa_unit_tree *tr = o->tree = ok ? pa_calloc(1, sizeof *tr) : NULL;
    if (!tr || !(tr->level_names = pa_calloc(u->n_levels, sizeof *tr->level_names)) ||
        !(tr->level_first = pa_calloc(u->n_levels + 1, sizeof *tr->level_first)) ||
        !(tr->parent = pa_malloc((r->nt ? r->nt : 1) * sizeof *tr->parent)))
        return pa_nomem(err);
    tr->n_levels = u->n_levels;
    tr->nu = r->nt;
    for (size_t l = 0; l < u->n_levels; l++)
        if (!(tr->level_names[l] = pa_strdup(u->levels[u->n_levels - 1 - l])))
            return pa_nomem(err);
    for (size_t i = 0; i < r->nt; i++) {
        size_t t = r->ord[i];
        tr->level_first[u->depth[t] + 1]++;
        tr->parent[i] = u->parent[t] == PA_NONE ? PA_NONE : r->newidx[u->parent[t]];
    }
    for (size_t l = 0; l < u->n_levels; l++)
        tr->level_first[l + 1] += tr->level_first[l];
    return PA_OK;
}

/* Rows grouped by period (counting sort): rows[first[p] .. first[p + 1]). */
static pa_status
rows_by_period(const pa_data *d, size_t **rows, size_t **first, pa_error *err)
{
    size_t np = d->periods.n;
    *first = pa_calloc(np + 2, sizeof **first);
    *rows = pa_malloc((d->n_rows ? d->n_rows : 1) * sizeof **rows);
    if (!*first || !*rows)
        return pa_nomem(err);
    for (size_t i = 0; i < d->n_rows; i++)
        (*first)[d->row_period[i] + 2]++;
    for (size_t p = 0; p < np; p++)
        (*first)[p + 2] += (*first)[p + 1];
    for (size_t i = 0; i < d->n_rows; i++)
        (*rows)[(*first)[d->row_period[i] + 1]++] = i;
    return PA_OK;
}

pa_status
pa_rollup_data(const pa_model *m, const pa_data *d, pa_data **out, pa_error *err)
{
    *out = NULL;
    if (!m->units || d->tree) /* no tree, or rolled up already (an engine keeps its roll-up) */
        return PA_OK;
    roll r = { .m = m, .u = m->units, .d = d, .nt = m->units->codes.n, .nc = d->n_cols };
    size_t *rows = NULL, *first = NULL;
    pa_status st = alloc_all(&r, err);
    if (st == PA_OK && (st = map_units(&r, err)) == PA_OK &&
        (st = column_rules(&r, err)) == PA_OK && (st = pa_data_like(d, &r.out, err)) == PA_OK) {
        order_units(&r);
        st = frame_out(&r, err);
    }
    if (st == PA_OK)
        st = rows_by_period(d, &rows, &first, err);
    for (size_t p = 0; st == PA_OK && p < d->periods.n; p++)
        if ((st = roll_period(&r, p, rows + first[p], first[p + 1] - first[p], err)) == PA_OK)
            st = emit_period(&r, p, err);
    pa_free(rows), pa_free(first);
    roll_free(&r);
    if (st != PA_OK) {
        pa_data_free(r.out);
        return st;
    }
    *out = r.out;
    return PA_OK;
}
