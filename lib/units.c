/* SPDX-License-Identifier: MIT */
/* [units]: the units in a hierarchy (grid cell → community → street → district → city), read
 * from a table of parents. The model side: its keys, the table, the checks. The roll-up of
 * the data is in rollup.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "units_table.h"

struct pa_units *
pa_units_ref(struct pa_units *u)
{
    if (u)
        u->refs++;
    return u;
}

void
pa_units_unref(struct pa_units *u)
{
    if (!u || --u->refs > 0)
        return;
    pa_free(u->parents);
    pa_free(u->path);
    for (size_t i = 0; i < u->n_levels; i++)
        pa_free(u->levels[i]);
    pa_free(u->levels);
    pa_strmap_free(&u->codes);
    pa_free(u->parent);
    pa_free(u->depth);
    pa_free(u->line);
    pa_free(u);
}

/* `levels = 网格; 社区; 镇街; 区; 市`: bottom-up, as a reader names them. */
static pa_status
set_levels(struct pa_units *u, const char *v, long line, long col, const char *file,
           pa_error *err)
{
    for (const char *s = v; *s;) {
        size_t n = strcspn(s, ";");
        const char *e = s + n;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e == s)
            return pa_fail(err, PA_ERR_MODEL, file, line, col,
                           "levels: an empty level name (levels = 镇街; 区; 市, bottom-up)");
        char **l = pa_reallocarray(u->levels, u->n_levels + 1, sizeof *l);
        if (!l)
            return pa_nomem(err);
        u->levels = l;
        if (!(l[u->n_levels] = pa_strndup(s, (size_t)(e - s))))
            return pa_nomem(err);
        for (size_t k = 0; k < u->n_levels; k++)
            if (strcmp(l[k], l[u->n_levels]) == 0) {
                pa_free(l[u->n_levels]);
                return pa_fail(err, PA_ERR_MODEL, file, line, col,
                               "levels: '%s' is named twice (one name for each level, "
                               "bottom-up)", l[k]);
            }
        u->n_levels++;
        s += n + (s[n] == ';');
        if (s[-1] == ';' && !*s) /* "镇街; 区;" */
            return pa_fail(err, PA_ERR_MODEL, file, line, col,
                           "levels: an empty level name after the last ';' (a ';' after a "
                           "blank starts a comment)");
    }
    return PA_OK;
}

pa_status
pa_units_key(pa_model *m, const char *key, const char *value, long line, long col,
             pa_error *err)
{
    struct pa_units *u = m->units;
    if (!u) {
        if (!(u = m->units = pa_calloc(1, sizeof *u)))
            return pa_nomem(err);
        u->refs = 1;
        u->tolerance = 1e-9;
    }
    if (!key) { /* the section header */
        if (u->at.line)
            return pa_fail(err, PA_ERR_MODEL, m->file, line, 2, "[units] appears twice (first "
                           "at line %ld)", u->at.line);
        u->at = (pa_loc){ line, 1 };
        return PA_OK;
    }
    if (strcmp(key, "parents") == 0) {
        u->parents_at = (pa_loc){ line, col };
        return (u->parents = pa_strdup(value)) ? PA_OK : pa_nomem(err);
    }
    if (strcmp(key, "levels") == 0) {
        u->levels_at = (pa_loc){ line, col };
        return set_levels(u, value, line, col, m->file, err);
    }
    if (strcmp(key, "tolerance") == 0) {
        if (pa_parse_number(value, strlen(value), &u->tolerance) != 0 ||
            !(u->tolerance >= 0 && u->tolerance < 1))
            return pa_fail(err, PA_ERR_MODEL, m->file, line, col,
                           "tolerance must be a relative difference from 0 to below 1, not '%s'",
                           value);
        return PA_OK;
    }
    return pa_fail(err, PA_ERR_MODEL, m->file, line, 1,
                   "unknown key '%s' in [units] (parents, levels or tolerance)", key);
}

pa_status
pa_units_rollup_key(pa_model *m, pa_node *nd, const char *v, long line, long col,
                    pa_error *err)
{
    static const char *const names[] = { "", "sum", "mean", "weighted", "none" };
    nd->rollup_at = (pa_loc){ line, col };
    for (int k = PA_ROLLUP_SUM; k <= PA_ROLLUP_NONE; k++)
        if (k != PA_ROLLUP_WEIGHTED && strcmp(v, names[k]) == 0) {
            nd->rollup = k;
            return PA_OK;
        }
    if (strncmp(v, "weighted:", 9) == 0 && v[9 + strspn(v + 9, " ")]) {
        nd->rollup = PA_ROLLUP_WEIGHTED;
        pa_free(nd->rollup_col);
        return (nd->rollup_col = pa_strdup(v + 9 + strspn(v + 9, " "))) ? PA_OK : pa_nomem(err);
    }
    return pa_fail(err, PA_ERR_MODEL, m->file, line, col,
                   "rollup must be sum, mean, weighted:COLUMN or none, not '%s'", v);
}

/* ---- the table of parents: unit,parent[,level], a header line first ---- */
typedef struct table_ctx {
    struct pa_units *u;
    const char *path;
    pa_error *err;
    int header_done;
    char *cell[3];
    long cell_col[3];
    char **pcode, **lname;      /* by unit: its parent's code and level as written */
    long *pcol, *lcol;
    size_t cap;
} table_ctx;

static pa_status
table_field(void *user, const char *s, size_t len, long line, long col)
{
    table_ctx *c = user;
    (void)line;
    if (!c->header_done || col > 3)
        return PA_OK;
    while (len && *s == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    pa_free(c->cell[col - 1]);
    c->cell_col[col - 1] = col;
    return (c->cell[col - 1] = pa_strndup(s, len)) ? PA_OK : pa_nomem(c->err);
}

static int
table_room(table_ctx *c, size_t n)
{
    if (n < c->cap)
        return 1;
    size_t nc = c->cap ? 2 * c->cap : 64;
    struct pa_units *u = c->u;
#define GROW(p) do { void *q = pa_reallocarray(p, nc, sizeof *(p)); if (!q) return 0; p = q; } while (0)
    GROW(c->pcode); GROW(c->lname); GROW(c->pcol); GROW(c->lcol); GROW(u->line);
#undef GROW
    c->cap = nc;
    return 1;
}

static pa_status
table_row(void *user, long line, long ncols)
{
    table_ctx *c = user;
    struct pa_units *u = c->u;
    pa_status st = PA_OK;
    if (!c->header_done) {
        c->header_done = 1;
        return ncols >= 2 ? PA_OK
                          : pa_fail(c->err, PA_ERR_MODEL, c->path, line, 1,
                                    "the table of parents needs the columns unit,parent[,level]");
    }
    const char *code = c->cell[0] ? c->cell[0] : "";
    int added = 0;
    size_t i = PA_NONE;
    if (!*code)
        st = pa_fail(c->err, PA_ERR_DATA, c->path, line, 1, "a row without a unit code");
    else if (!table_room(c, u->codes.n) ||
             (i = pa_strmap_intern(&u->codes, code, strlen(code), &added)) == PA_NONE)
        st = pa_nomem(c->err);
    else if (!added)
        st = pa_fail(c->err, PA_ERR_DATA, c->path, line, 1,
                     "unit '%s' is listed twice (first at line %ld); a unit has one parent "
                     "and one level", code, u->line[i]);
    if (st == PA_OK) {
        u->line[i] = line;
        c->pcode[i] = c->cell[1], c->pcol[i] = c->cell_col[1];
        c->lname[i] = c->cell[2], c->lcol[i] = c->cell_col[2];
        c->cell[1] = c->cell[2] = NULL;
    }
    for (int k = 0; k < 3; k++) {
        pa_free(c->cell[k]);
        c->cell[k] = NULL;
        c->cell_col[k] = k + 1;
    }
    return st;
}

/* Each unit's parent, by code. */
static pa_status
link_parents(table_ctx *c)
{
    struct pa_units *u = c->u;
    size_t n = u->codes.n;
    if (!(u->parent = pa_malloc((n ? n : 1) * sizeof *u->parent)))
        return pa_nomem(c->err);
    for (size_t i = 0; i < n; i++) {
        const char *p = c->pcode[i];
        u->parent[i] = p && *p ? pa_strmap_find(&u->codes, p, strlen(p)) : PA_NONE;
        if (p && *p && u->parent[i] == PA_NONE)
            return pa_fail(c->err, PA_ERR_DATA, c->path, u->line[i], c->pcol[i],
                           "unit '%s' has the parent '%s', which is not a unit of this table "
                           "(every parent has its own row; a top unit has an empty parent)",
                           u->codes.keys[i], p);
    }
    return PA_OK;
}

/* Every level named holds a unit: levels are bottom-up, so one name too many would shift
 * every unit's level name by one. */
static pa_status
deep_enough(const struct pa_units *u, const pa_model *m, pa_error *err)
{
    size_t deepest = 0;
    for (size_t i = 0; i < u->codes.n; i++)
        deepest = u->depth[i] > deepest ? u->depth[i] : deepest;
    if (u->codes.n && deepest + 1 < u->n_levels)
        return pa_fail(err, PA_ERR_MODEL, m->file, u->levels_at.line, u->levels_at.col,
                       "levels names %zu levels, but the table of parents (%s) has %zu: the "
                       "lowest, '%s', would hold no unit (one name for each level, bottom-up)",
                       u->n_levels, u->path, deepest + 1, u->levels[0]);
    return PA_OK;
}

/* Depth below the top of each unit; a cycle, a depth the levels do not name, or a level
 * written that the parents contradict are mistakes at the unit's row. */
static pa_status
set_depths(table_ctx *c, const pa_model *m)
{
    struct pa_units *u = c->u;
    size_t n = u->codes.n;
    if (!(u->depth = pa_malloc((n ? n : 1) * sizeof *u->depth)))
        return pa_nomem(c->err);
    for (size_t i = 0; i < n; i++) {
        size_t d = 0, a = i;
        while (u->parent[a] != PA_NONE && d <= n)
            a = u->parent[a], d++;
        if (d > n)
            return pa_fail(c->err, PA_ERR_DATA, c->path, u->line[i], c->pcol[i],
                           "unit '%s' is its own ancestor (a cycle of parents through '%s')",
                           u->codes.keys[i], c->pcode[i]);
        u->depth[i] = d;
        if (d >= u->n_levels)
            return pa_fail(c->err, PA_ERR_DATA, c->path, u->line[i], 1,
                           "unit '%s' is %zu levels below the top, but levels (%s:%ld) names "
                           "only %zu levels", u->codes.keys[i], d, m->file, u->levels_at.line, u->n_levels);
        const char *want = u->levels[u->n_levels - 1 - d], *l = c->lname[i];
        if (l && *l && strcmp(l, want) != 0)
            return pa_fail(c->err, PA_ERR_DATA, c->path, u->line[i], c->lcol[i],
                           "unit '%s' is at level '%s' here, but its parents and levels "
                           "(%s:%ld, bottom-up) put it at level '%s'", u->codes.keys[i], l,
                           m->file, u->levels_at.line, want);
    }
    return deep_enough(u, m, c->err);
}

static char *
table_path(const pa_model *m, const char *name)
{
    if (name[0] == '/')
        return pa_strdup(name);
    size_t n = strlen(m->dir) + strlen(name) + 2;
    char *p = pa_malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", m->dir, name);
    return p;
}

static void
table_free(table_ctx *c)
{
    for (size_t i = 0; i < c->u->codes.n && c->pcode; i++)
        pa_free(c->pcode[i]), pa_free(c->lname[i]);
    for (int k = 0; k < 3; k++)
        pa_free(c->cell[k]);
    pa_free(c->pcode), pa_free(c->lname), pa_free(c->pcol), pa_free(c->lcol);
}

pa_status
pa_units_read(pa_model *m, pa_error *err)
{
    struct pa_units *u = m->units;
    if (!u)
        return PA_OK;
    if (!u->parents || !u->n_levels)
        return pa_fail(err, PA_ERR_MODEL, m->file, u->at.line, 1,
                       "[units] needs parents = FILE.csv (unit,parent[,level]) and levels = "
                       "… (bottom-up, e.g. 镇街; 区; 市)");
    if (!(u->path = table_path(m, u->parents)))
        return pa_nomem(err);
    table_ctx c = { .u = u, .path = u->path, .err = err, .cell_col = { 1, 2, 3 } };
    pa_csv_sink sink = { .user = &c, .field = table_field, .row = table_row };
    pa_status st = pa_csv_read_file(u->path, &sink, err);
    if (st == PA_ERR_IO)
        st = pa_fail(err, PA_ERR_MODEL, m->file, u->parents_at.line, u->parents_at.col,
                     "cannot read the table of parents '%s'", u->path);
    if (st == PA_OK && (st = link_parents(&c)) == PA_OK)
        st = set_depths(&c, m);
    table_free(&c);
    return st;
}

/* Group imputation would mix the levels (a group holds units of any level): refused; the
 * other statistics over units are taken within each level (impute.c, treat.c). */
static pa_status
check_indicator(const pa_model *m, const pa_node *nd, pa_error *err)
{
    if (nd->eff.impute == PA_IMPUTE_GROUP_MEAN || nd->eff.impute == PA_IMPUTE_GROUP_MEDIAN)
        return pa_fail(err, PA_ERR_MODEL, m->file, nd->at.line, nd->at.col,
                       "indicator '%s': group imputation would mix the levels of [units]; "
                       "impute = mean or median imputes within each level", nd->code);
    if (nd->rollup == PA_ROLLUP_UNSET && !(nd->eff.denominate && nd->denominator))
        return pa_fail(err, PA_ERR_MODEL, m->file, nd->at.line, nd->at.col,
                       "indicator '%s' has no denominator, so it is not known to add up: say how "
                       "it rolls up the units (rollup = sum, mean, weighted:COLUMN or none)",
                       nd->code);
    if (nd->rollup == PA_ROLLUP_MEAN || nd->rollup == PA_ROLLUP_WEIGHTED) {
        if (nd->eff.denominate && nd->denominator)
            return pa_fail(err, PA_ERR_MODEL, m->file, nd->rollup_at.line, nd->rollup_at.col,
                           "indicator '%s' is a count divided by '%s'; counts roll up by sum",
                           nd->code, nd->denominator);
    }
    return PA_OK;
}

pa_status
pa_units_check(const pa_model *m, pa_error *err)
{
    for (size_t i = 0; i < m->n_nodes; i++) {
        const pa_node *nd = &m->nodes[i];
        if (m->units && !nd->is_indicator && nd->eff.agg == PA_AGG_COPELAND)
            return pa_fail(err, PA_ERR_MODEL, m->file, nd->eff.agg_at.line ? nd->eff.agg_at.line
                                                                         : nd->at.line, 1,
                           "'%s': copeland compares units with each other, which would mix the "
                           "levels of [units]", nd->code);
        if (!m->units && nd->rollup)
            return pa_fail(err, PA_ERR_MODEL, m->file, nd->rollup_at.line, nd->rollup_at.col,
                           "indicator '%s': rollup needs a [units] section", nd->code);
        pa_status st = m->units && nd->is_indicator ? check_indicator(m, nd, err) : PA_OK;
        if (st != PA_OK)
            return st;
    }
    return PA_OK;
}

pa_unit_tree *
pa_unit_tree_copy(const pa_unit_tree *t)
{
    pa_unit_tree *c = pa_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->n_levels = t->n_levels;
    c->nu = t->nu;
    c->level_names = pa_calloc(t->n_levels, sizeof *c->level_names);
    c->level_first = pa_malloc((t->n_levels + 1) * sizeof *c->level_first);
    c->parent = pa_malloc((t->nu ? t->nu : 1) * sizeof *c->parent);
    int ok = c->level_names && c->level_first && c->parent;
    for (size_t l = 0; ok && l < t->n_levels; l++)
        ok = (c->level_names[l] = pa_strdup(t->level_names[l])) != NULL;
    if (!ok) {
        pa_unit_tree_free(c);
        return NULL;
    }
    memcpy(c->level_first, t->level_first, (t->n_levels + 1) * sizeof *c->level_first);
    memcpy(c->parent, t->parent, t->nu * sizeof *c->parent);
    return c;
}

void
pa_unit_tree_free(pa_unit_tree *t)
{
    if (!t)
        return;
    for (size_t l = 0; l < t->n_levels && t->level_names; l++)
        pa_free(t->level_names[l]);
    pa_free(t->level_names);
    pa_free(t->level_first);
    pa_free(t->parent);
    pa_free(t);
}
