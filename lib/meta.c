/* SPDX-License-Identifier: MIT */
/* COINr's iMeta table (Level, iCode, Parent, Direction, Weight, Type, iName, Denominator,
 * Target) as the hierarchy of a model, so that a COINr model moves over unchanged. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

enum { M_LEVEL, M_CODE, M_PARENT, M_DIRECTION, M_WEIGHT, M_TYPE, M_NAME, M_DENOM, M_TARGET,
       M_UNIT, M_NCOLS };
static const char *const meta_cols[M_NCOLS] = { "Level", "iCode", "Parent", "Direction",
                                                "Weight", "Type", "iName", "Denominator",
                                                "Target", "Unit" };

typedef struct meta_ctx {
    pa_model *m;
    pa_error *err;
    const char *path;
    int header_done;
    int col_of[256];          /* field → M_* or -1 */
    long nfields;
    char *cell[M_NCOLS];
    long cell_col[M_NCOLS];
} meta_ctx;

static void
clear_cells(meta_ctx *c)
{
    for (int i = 0; i < M_NCOLS; i++) {
        pa_free(c->cell[i]);
        c->cell[i] = NULL;
    }
}

static pa_status
meta_field(void *user, const char *s, size_t len, long line, long col)
{
    meta_ctx *c = user;
    if (!c->header_done) {
        if (col > 255)
            return pa_fail(c->err, PA_ERR_MODEL, c->path, line, col, "too many columns");
        c->col_of[col] = -1;
        for (int i = 0; i < M_NCOLS; i++)
            if (strlen(meta_cols[i]) == len && memcmp(meta_cols[i], s, len) == 0) {
                for (long f = 1; f < col; f++)
                    if (c->col_of[f] == i)
                        return pa_fail(c->err, PA_ERR_MODEL, c->path, line, col,
                                       "column '%s' appears twice", meta_cols[i]);
                c->col_of[col] = i;
            }
        c->nfields = col;
        return PA_OK;
    }
    if (col > c->nfields)
        return pa_fail(c->err, PA_ERR_MODEL, c->path, line, col,
                       "row has more fields than the header (%ld)", c->nfields);
    int k = c->col_of[col];
    if (k < 0)
        return PA_OK;
    while (len && (*s == ' ')) {
        s++;
        len--;
    }
    if (!(c->cell[k] = pa_strndup(s, len)))
        return pa_nomem(c->err);
    c->cell_col[k] = col;
    return PA_OK;
}

/* COINr's Weight = 0 switches an indicator off: it takes no part in the index, so it is left
 * out of the model. 1 when the row is such an indicator. A section in the model file for it
 * that sets no weight of its own is a contradiction. */
static int
switched_off(meta_ctx *c, int ind, size_t idx, long line, pa_status *st)
{
    const char *w = c->cell[M_WEIGHT];
    double x;
    if (!w || pa_parse_number(w, strlen(w), &x) != 0 || x != 0)
        return 0;
    if (!ind) {
        *st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_WEIGHT],
                      "Weight 0 switches off indicators only; aggregate '%s' needs a positive "
                      "weight", c->cell[M_CODE]);
        return 0;
    }
    if (idx == PA_NONE)
        return 1;
    const pa_node *nd = &c->m->nodes[idx];
    if (nd->fields_set & PA_F_WEIGHT)
        return 0; /* the model file's weight wins */
    *st = pa_fail(c->err, PA_ERR_MODEL, c->m->file, nd->at.line, nd->at.col,
                  "indicator '%s' is switched off in %s (Weight 0, line %ld) but has a section "
                  "here; delete the section or give it a weight", nd->code, c->path, line);
    return 0;
}

static pa_status
meta_row(void *user, long line, long ncols)
{
    meta_ctx *c = user;
    pa_model *m = c->m;
    if (!c->header_done) {
        c->header_done = 1;
        for (int need = M_LEVEL; need <= M_TYPE; need++) {
            int found = 0;
            for (long f = 1; f <= c->nfields; f++)
                found |= c->col_of[f] == need;
            if (!found && need != M_LEVEL)
                return pa_fail(c->err, PA_ERR_MODEL, c->path, line, 0,
                               "iMeta table has no '%s' column", meta_cols[need]);
        }
        return PA_OK;
    }
    pa_status st = PA_OK;
    if (ncols != c->nfields) {
        st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, ncols,
                     "row has %ld fields, the header has %ld", ncols, c->nfields);
        goto out;
    }
    const char *type = c->cell[M_TYPE] ? c->cell[M_TYPE] : "";
    int ind = strcmp(type, "Indicator") == 0;
    if (!ind && strcmp(type, "Aggregate") != 0)
        goto out; /* Group, Denominator, Other: data columns, not nodes */
    const char *code = c->cell[M_CODE];
    if (!code || !*code) {
        st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_CODE], "empty iCode");
        goto out;
    }
    const char *parent = c->cell[M_PARENT];
    int is_top = !ind && (!parent || !*parent || pa_is_missing(parent, strlen(parent)));
    pa_node *nd;
    size_t idx = pa_model_find(m, code);
    int off = switched_off(c, ind, idx, line, &st);
    if (off || st != PA_OK)
        goto out;
    if (is_top) {
        nd = &m->nodes[m->top];
        if (idx != PA_NONE && idx != m->top) {
            st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_CODE],
                         "'%s' has no parent but the model file defines it below the top", code);
            goto out;
        }
        if (strcmp(nd->code, "index") == 0) {
            if (!pa_model_rename_top(m, code)) {
                st = pa_nomem(c->err);
                goto out;
            }
        } else if (strcmp(nd->code, code) != 0) {
            st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_CODE],
                         "top node '%s' differs from the model's code '%s'", code, nd->code);
            goto out;
        }
    } else if (idx != PA_NONE) {
        nd = &m->nodes[idx];
        if (nd->is_indicator != ind) {
            st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_TYPE],
                         "'%s' is an %s here but a %s in the model file", code,
                         ind ? "indicator" : "aggregate", nd->is_indicator ? "indicator" : "group");
            goto out;
        }
    } else {
        if (!(nd = pa_model_add_node(m, code, ind))) {
            st = pa_nomem(c->err);
            goto out;
        }
        nd->from_meta = 1;
        nd->at = (pa_loc){ line, c->cell_col[M_CODE] };
    }
    /* the model file's own keys win over the table */
#define TAKE(F, k) (!(nd->fields_set & (F)) && c->cell[k] && *c->cell[k] && \
                    !pa_is_missing(c->cell[k], strlen(c->cell[k])))
    if (TAKE(PA_F_LABEL, M_NAME)) {
        pa_free(nd->label);
        nd->label = c->cell[M_NAME];
        c->cell[M_NAME] = NULL;
    }
    if (!is_top && TAKE(PA_F_PARENT, M_PARENT)) {
        pa_free(nd->parent_code);
        nd->parent_code = c->cell[M_PARENT];
        c->cell[M_PARENT] = NULL;
        nd->parent_at = (pa_loc){ line, c->cell_col[M_PARENT] };
    }
    if (TAKE(PA_F_WEIGHT, M_WEIGHT)) {
        double w;
        if (pa_parse_number(c->cell[M_WEIGHT], strlen(c->cell[M_WEIGHT]), &w) != 0 || !(w > 0)) {
            st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_WEIGHT],
                         "weight must be a positive number, not '%s'", c->cell[M_WEIGHT]);
            goto out;
        }
        nd->weight = w;
    }
    if (ind && TAKE(PA_F_DIRECTION, M_DIRECTION)) {
        double d;
        if (pa_parse_number(c->cell[M_DIRECTION], strlen(c->cell[M_DIRECTION]), &d) != 0 ||
            (d != 1 && d != -1)) {
            st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_DIRECTION],
                         "direction must be 1 or -1, not '%s'", c->cell[M_DIRECTION]);
            goto out;
        }
        nd->direction = (int)d;
    }
    if (ind && TAKE(PA_F_DENOMINATOR, M_DENOM)) {
        pa_free(nd->denominator);
        nd->denominator = c->cell[M_DENOM];
        c->cell[M_DENOM] = NULL;
    }
    if (ind && TAKE(PA_F_TARGET, M_TARGET)) {
        if (pa_parse_number(c->cell[M_TARGET], strlen(c->cell[M_TARGET]), &nd->target) != 0) {
            st = pa_fail(c->err, PA_ERR_MODEL, c->path, line, c->cell_col[M_TARGET],
                         "target must be a number, not '%s'", c->cell[M_TARGET]);
            goto out;
        }
        nd->target_set = 1;
    }
    if (ind && TAKE(PA_F_MEASURE, M_UNIT)) {
        pa_free(nd->measure);
        nd->measure = c->cell[M_UNIT];
        c->cell[M_UNIT] = NULL;
    }
#undef TAKE
out:
    clear_cells(c);
    return st;
}

pa_status
pa_meta_read(pa_model *m, const char *path, pa_error *err)
{
    meta_ctx c = { .m = m, .err = err, .path = path };
    pa_csv_sink sink = { .user = &c, .field = meta_field, .row = meta_row };
    pa_status st = pa_csv_read_file(path, &sink, err);
    clear_cells(&c);
    if (st == PA_OK && !c.header_done)
        st = pa_fail(err, PA_ERR_MODEL, path, 0, 0, "the iMeta table is empty");
    return st;
}
