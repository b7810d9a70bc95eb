/* SPDX-License-Identifier: MIT */
/* The model file: INI sections [index], [group CODE], [indicator CODE] read with inih. */
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "internal.h"

typedef enum { SEC_NONE, SEC_INDEX, SEC_NODE, SEC_PENALTY, SEC_UNCERTAINTY, SEC_UNITS } sec_kind;

typedef struct parse_ctx {
    pa_model *m;
    pa_error *err;
    pa_status st;
    /* reader state */
    const char *text;
    size_t pos;
    long line;
    char raw[4096];     /* the current line as written, for columns */
    long too_long;
    int max_line;
    int index_seen;
    /* current section */
    sec_kind kind;
    struct seen_key { char name[32]; long line; } seen[64]; /* its keys so far */
    size_t n_seen;
    size_t node;
    char section[256];
} parse_ctx;

/* Column of a key in the current line (1 when it cannot be found). */
static long
key_col(parse_ctx *c, const char *name)
{
    const char *p = strstr(c->raw, name);
    return p ? (long)(p - c->raw) + 1 : 1;
}

static long
col_of(parse_ctx *c, const char *needle)
{
    const char *eq = strpbrk(c->raw, "=:");
    const char *p = strstr(eq ? eq : c->raw, needle);
    if (!p)
        p = strstr(c->raw, needle);
    return p ? (long)(p - c->raw) + 1 : 1;
}

static int
fail_at(parse_ctx *c, long col, const char *fmt, const char *a, const char *b)
{
    if (c->st == PA_OK) {
        c->st = PA_ERR_MODEL;
        pa_fail(c->err, PA_ERR_MODEL, c->m->file, c->line, col, fmt, a, b);
    }
    return 0;
}

/* ---- value parsers ---- */

static int
parse_num(const char *v, double *out)
{
    return pa_parse_number(v, strlen(v), out) == 0;
}

static int
parse_pair(const char *v, double out[2])
{
    const char *comma = strchr(v, ',');
    if (!comma)
        return 0;
    return pa_parse_number(v, (size_t)(comma - v), &out[0]) == 0 &&
           pa_parse_number(comma + 1, strlen(comma + 1), &out[1]) == 0;
}

static int
parse_bool(const char *v, int *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return (*out = 1), 1;
        if (strcasecmp(v, no[i]) == 0)
            return (*out = 0), 1;
    }
    return 0;
}

static int
set_str(char **dst, const char *v)
{
    char *s = pa_strdup(v);
    if (!s)
        return 0;
    pa_free(*dst);
    *dst = s;
    return 1;
}

/* The data files' field separator. ';' alone is only reachable as "=;" (after a blank it
 * starts a comment), hence the words. */
static int
parse_separator(parse_ctx *c, long col, const char *v)
{
    static const char *const words[][2] = { { ",", "," }, { "comma", "," }, { ";", ";" },
                                            { "semicolon", ";" }, { "tab", "\t" } };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(v, words[i][0]) == 0) {
            c->m->separator = words[i][1][0];
            return 1;
        }
    return fail_at(c, col, "separator must be comma, semicolon or tab, not '%s'%s", v,
                   *v ? "" : " (a ';' after a blank starts a comment: write semicolon)");
}

static int
parse_bands(parse_ctx *c, const char *v)
{
    pa_model *m = c->m;
    char *copy = pa_strdup(v);
    if (!copy)
        return 0;
    int ok = 1;
    char *save = NULL;
    for (char *item = strtok_r(copy, ";", &save); item && ok; item = strtok_r(NULL, ";", &save)) {
        char *words[4];
        int nw = 0;
        char *s2 = NULL;
        for (char *w = strtok_r(item, " \t", &s2); w; w = strtok_r(NULL, " \t", &s2))
            if (nw < 4)
                words[nw++] = w;
            else
                nw = 5;
        double t;
        if (nw < 2 || nw > 3 || !parse_num(words[0], &t)) {
            ok = fail_at(c, col_of(c, v),
                         "bands: each band is 'THRESHOLD LABEL [COLOUR]', separated by ';'%s%s",
                         "", "");
            break;
        }
        pa_band *b = pa_reallocarray(m->bands, m->n_bands + 1, sizeof *b);
        if (!b) {
            ok = 0;
            break;
        }
        m->bands = b;
        b[m->n_bands].threshold = t;
        b[m->n_bands].label = pa_strdup(words[1]);
        b[m->n_bands].colour = pa_strdup(nw == 3 ? words[2] : "");
        m->n_bands++;
        if (!b[m->n_bands - 1].label || !b[m->n_bands - 1].colour)
            ok = 0;
    }
    pa_free(copy);
    return ok;
}

/* Length of a separator of codes at s: ',', a blank, or the full-width '，' and '、' that a
 * Chinese input method types. */
static size_t
code_sep(const char *s)
{
    if (*s == ',' || *s == ' ' || *s == '\t')
        return 1;
    if (strncmp(s, "\xEF\xBC\x8C", 3) == 0 || strncmp(s, "\xE3\x80\x81", 3) == 0)
        return 3;
    return 0;
}

/* A list of unit codes (reference_units, force_include, force_exclude): each code with its
 * column, for the check against the data's units. */
static int
parse_codes(parse_ctx *c, const char *v, char ***list, pa_loc **where, size_t *n)
{
    long base = col_of(c, v);
    for (const char *p = v; *p;) {
        size_t k = code_sep(p);
        if (k) {
            p += k;
            continue;
        }
        const char *q = p;
        while (*q && !code_sep(q))
            q++;
        char **l = pa_reallocarray(*list, *n + 1, sizeof *l);
        if (l)
            *list = l;
        pa_loc *at = pa_reallocarray(*where, *n + 1, sizeof *at);
        if (at)
            *where = at;
        if (!l || !at || !(l[*n] = pa_strndup(p, (size_t)(q - p))))
            return 0;
        at[(*n)++] = (pa_loc){ c->line, base + (long)(p - v) };
        p = q;
    }
    return 1;
}

/* The id of a method of a step named v; -1 (and the error, listing the step's methods) when
 * the step has none of that name. */
static int
parse_method(parse_ctx *c, pa_step step, const char *v, long col)
{
    const pa_method *me = pa_method_find(step, v);
    if (me)
        return me->id;
    char names[512], what[600];
    pa_method_names(step, ", ", names, sizeof names);
    snprintf(what, sizeof what, "%s '%s'", pa_step_noun(step), v);
    fail_at(c, col, "unknown %s (%s)", what, names);
    return -1;
}

/* Keys that any section may set and descendants inherit. Returns -1 when not such a key. */
static int
settings_key(parse_ctx *c, pa_settings *s, const char *name, const char *v)
{
    long col = col_of(c, v);
    int i;
    if (strcmp(name, "normalise") == 0 || strcmp(name, "normalize") == 0) {
        if ((i = parse_method(c, PA_STEP_NORMALISE, v, col)) < 0)
            return 0;
        s->norm = (pa_norm)i;
        s->norm_set = 1;
        s->norm_at = (pa_loc){ c->line, col };
    } else if (strcmp(name, "range") == 0) {
        if (!parse_pair(v, s->range) || !(s->range[0] < s->range[1]))
            return fail_at(c, col, "range must be 'LOWER, UPPER' with LOWER < UPPER, not '%s'%s",
                           v, "");
        s->range_set = 1;
    } else if (strcmp(name, "mean_sd") == 0) {
        if (!parse_pair(v, s->mean_sd) || !(s->mean_sd[1] > 0))
            return fail_at(c, col, "mean_sd must be 'MEAN, SD' with SD > 0, not '%s'%s", v, "");
        s->mean_sd_set = 1;
    } else if (strcmp(name, "scope") == 0) {
        if (strcmp(v, "panel") == 0)
            s->scope = PA_SCOPE_PANEL;
        else if (strcmp(v, "period") == 0)
            s->scope = PA_SCOPE_PERIOD;
        else
            return fail_at(c, col, "unknown scope '%s' (panel or period)%s", v, "");
        s->scope_set = 1;
    } else if (strcmp(name, "denominate") == 0) {
        if (!parse_bool(v, &s->denominate))
            return fail_at(c, col, "denominate must be yes or no, not '%s'%s", v, "");
        s->denominate_set = 1;
    } else if (strcmp(name, "aggregate") == 0) {
        if ((i = parse_method(c, PA_STEP_AGGREGATE, v, col)) < 0)
            return 0;
        s->agg = (pa_agg)i;
        s->agg_set = 1;
        s->agg_at = (pa_loc){ c->line, col };
    } else if (strcmp(name, "impute") == 0) {
        if ((i = parse_method(c, PA_STEP_IMPUTE, v, col)) < 0)
            return 0;
        s->impute = (pa_impute)i;
        s->impute_set = 1;
        s->impute_at = (pa_loc){ c->line, col };
    } else if (strcmp(name, "treat") == 0) {
        if ((i = parse_method(c, PA_STEP_TREAT, v, col)) < 0)
            return 0;
        s->treat = (pa_treat)i;
        s->treat_set = 1;
    } else if (strcmp(name, "winmax") == 0) {
        if (!parse_num(v, &s->winmax) || !(s->winmax >= 0) || s->winmax != floor(s->winmax))
            return fail_at(c, col, "winmax must be a whole number of points, 0 or more, not "
                                   "'%s'%s", v, "");
        s->winmax_set = 1;
    } else if (strcmp(name, "skew") == 0) {
        if (!parse_num(v, &s->skew) || !(s->skew > 0))
            return fail_at(c, col, "skew must be a positive threshold, not '%s'%s", v, "");
        s->skew_set = 1;
    } else if (strcmp(name, "kurt") == 0) {
        if (!parse_num(v, &s->kurt))
            return fail_at(c, col, "kurt must be a number, not '%s'%s", v, "");
        s->kurt_set = 1;
    } else if (strcmp(name, "fallback") == 0) {
        if ((i = parse_method(c, PA_STEP_FALLBACK, v, col)) < 0)
            return 0;
        s->fallback = (pa_fallback)i;
        s->fallback_set = 1;
    } else if (strcmp(name, "npar") == 0) {
        if (!parse_pair(v, s->npar) || !(s->npar[0] != s->npar[1]))
            return fail_at(c, col, "npar must be 'L, U' with L different from U, not '%s'%s", v,
                           "");
        s->npar_set = 1;
    } else if (strcmp(name, "scale_factor") == 0) {
        if (!parse_num(v, &s->scale_factor) || s->scale_factor == 0)
            return fail_at(c, col, "scale_factor must be a non-zero number, not '%s'%s", v, "");
        s->scale_factor_set = 1;
    } else if (strcmp(name, "ref_unit") == 0) {
        if (!*v || strpbrk(v, " \t,;"))
            return fail_at(c, col, "ref_unit must be one unit code, not '%s'%s", v, "");
        s->ref_unit_set = 1;
        s->ref_unit_at = (pa_loc){ c->line, col };
        return set_str(&s->ref_unit, v);
    } else if (strcmp(name, "force_win") == 0) {
        if (!parse_bool(v, &s->force_win))
            return fail_at(c, col, "force_win must be yes or no, not '%s'%s", v, "");
        s->force_win_set = 1;
    } else if (strcmp(name, "combine_treat") == 0) {
        if (!parse_bool(v, &s->combine))
            return fail_at(c, col, "combine_treat must be yes or no, not '%s'%s", v, "");
        s->combine_set = 1;
    } else if (strcmp(name, "goalposts_trunc") == 0) {
        if (!parse_bool(v, &s->trunc))
            return fail_at(c, col, "goalposts_trunc must be yes or no, not '%s'%s", v, "");
        s->trunc_set = 1;
    } else if (strcmp(name, "lambda") == 0) {
        if (!parse_num(v, &s->lambda))
            return fail_at(c, col, "lambda must be a number, not '%s'%s", v, "");
        s->lambda_set = 1;
    } else {
        return -1;
    }
    return 1;
}

/* Keys of aggregating nodes (groups and the index). */
static int
aggregate_key(parse_ctx *c, pa_node *nd, const char *name, const char *v)
{
    long col = col_of(c, v);
    if (strcmp(name, "p") == 0) {
        if (!parse_num(v, &nd->p) || nd->p == 0)
            return fail_at(c, col, "p must be a non-zero number (p = 0 is the geometric mean: "
                                   "use aggregate = geometric), not '%s'%s", v, "");
        nd->p_set = 1, nd->p_inherited = 0; /* its own now: finishing again must keep it */
        return 1;
    }
    if (strcmp(name, "penalty") == 0) {
        if (strcmp(v, "negative") == 0)
            nd->mpi_sign = -1;
        else if (strcmp(v, "positive") == 0)
            nd->mpi_sign = 1;
        else
            return fail_at(c, col, "penalty must be negative or positive, not '%s'%s", v, "");
        nd->mpi_set = 1;
        return 1;
    }
    return -1;
}

/* dat_thresh: one share for every level of aggregates, or one per level from level 2 up. */
static int
parse_dat_thresh(parse_ctx *c, const char *v, long col)
{
    pa_model *m = c->m;
    for (const char *p = v;; p++) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        double x;
        if (pa_parse_number(p, len, &x) != 0 || !(x >= 0 && x <= 1))
            return fail_at(c, col, "dat_thresh must be shares between 0 and 1 separated by "
                                   "',' (one, or one per level from level 2 up), not '%s'%s",
                           v, "");
        double *t = pa_reallocarray(m->dat_thresh, m->n_dat_thresh + 1, sizeof *t);
        if (!t)
            return 0;
        m->dat_thresh = t;
        t[m->n_dat_thresh++] = x;
        if (!q)
            return 1;
        p = q;
    }
}

/* Screening keys of [index] beside min_coverage. */
static int
screen_key(parse_ctx *c, const char *name, const char *v, long col)
{
    pa_model *m = c->m;
    if (strcmp(name, "screen") == 0) {
        int i = parse_method(c, PA_STEP_SCREEN, v, col);
        if (i < 0)
            return 0;
        m->screen = (pa_screen)i;
        m->screen_at = (pa_loc){ c->line, col };
        return 1;
    }
    if (strcmp(name, "dat_thresh") == 0) {
        m->dat_thresh_at = (pa_loc){ c->line, col };
        return parse_dat_thresh(c, v, col);
    }
    if (!parse_num(v, &m->min_nonzero) || !(m->min_nonzero >= 0 && m->min_nonzero <= 1))
        return fail_at(c, col, "min_nonzero must be a share between 0 and 1, not '%s'%s", v, "");
    m->min_nonzero_set = 1;
    m->min_nonzero_at = (pa_loc){ c->line, key_col(c, name) };
    return 1;
}

/* weight = pca on a group: its children's weights come from the data (PC1). */
static int
pca_key(parse_ctx *c, pa_node *nd, long col)
{
    if (nd->is_indicator)
        return fail_at(c, col, "weight = pca belongs in a group: it sets the weights of the "
                               "group's children; give indicator '%s' a number%s", nd->code, "");
    nd->weight_pca = 1;
    nd->weight_pca_at = (pa_loc){ c->line, col };
    return 1;
}

static int
index_key(parse_ctx *c, const char *name, const char *v)
{
    pa_model *m = c->m;
    pa_node *top = &m->nodes[m->top];
    long col = col_of(c, v);
    int r = settings_key(c, &top->set, name, v);
    if (r >= 0)
        return r;
    if ((r = aggregate_key(c, top, name, v)) >= 0)
        return r;
    if (strcmp(name, "weight") == 0 && strcmp(v, "pca") == 0)
        return pca_key(c, top, col);
    if (strcmp(name, "code") == 0) {
        if (!*v || strpbrk(v, " \t,;"))
            return fail_at(c, col, "code must be one word, not '%s'%s", v, "");
        if (pa_model_find(m, v) != PA_NONE && pa_model_find(m, v) != m->top)
            return fail_at(c, col, "code '%s' is already the code of a node%s", v, "");
        return pa_model_rename_top(m, v);
    }
    if (strcmp(name, "label") == 0)
        return set_str(&top->label, v);
    if (strcmp(name, "bands") == 0)
        return parse_bands(c, v);
    if (strcmp(name, "meta") == 0) {
        m->meta_at = (pa_loc){ c->line, col };
        return set_str(&m->meta, v);
    }
    if (strcmp(name, "unit_column") == 0)
        return set_str(&m->unit_column, v);
    if (strcmp(name, "name_column") == 0)
        return set_str(&m->name_column, v);
    if (strcmp(name, "period_column") == 0)
        return set_str(&m->period_column, v);
    if (strcmp(name, "separator") == 0)
        return parse_separator(c, col, v);
    if (strcmp(name, "base_period") == 0) {
        m->base_period_at = (pa_loc){ c->line, col };
        return set_str(&m->base_period, v);
    }
    if (strcmp(name, "reference_units") == 0)
        return parse_codes(c, v, &m->reference_units, &m->reference_at, &m->n_reference_units);
    if (strcmp(name, "force_include") == 0)
        return parse_codes(c, v, &m->force_in, &m->force_in_at, &m->n_force_in);
    if (strcmp(name, "force_exclude") == 0)
        return parse_codes(c, v, &m->force_out, &m->force_out_at, &m->n_force_out);
    if (strcmp(name, "screen") == 0 || strcmp(name, "min_nonzero") == 0 ||
        strcmp(name, "dat_thresh") == 0)
        return screen_key(c, name, v, col);
    if (strcmp(name, "impute_group") == 0) {
        m->impute_group_at = (pa_loc){ c->line, col };
        return set_str(&m->impute_group, v);
    }
    if (strcmp(name, "min_coverage") == 0 || strcmp(name, "index_min_coverage") == 0) {
        double x;
        if (!parse_num(v, &x) || x < 0 || x > 1)
            return fail_at(c, col, "%s must be a share between 0 and 1, not '%s'", name, v);
        if (name[0] == 'm') {
            m->min_coverage = x;
            m->min_coverage_set = 1;
            m->min_coverage_at = (pa_loc){ c->line, key_col(c, name) };
        } else {
            top->min_coverage = x;
            top->min_coverage_set = 1;
        }
        return 1;
    }
    return fail_at(c, key_col(c, name), "unknown key '%s' in [%s]", name, c->section);
}

/* [units] and rollup (units.c): a refusal is kept as the parse's status; reading goes on
 * (inih), and the first mistake is the one reported. */
static int
units_status(parse_ctx *c, pa_status st)
{
    if (st != PA_OK && c->st == PA_OK)
        c->st = st;
    return 1;
}

static int
node_key(parse_ctx *c, const char *name, const char *v)
{
    pa_node *nd = &c->m->nodes[c->node];
    long col = col_of(c, v);
    int r = settings_key(c, &nd->set, name, v);
    if (r >= 0)
        return r;
    if (strcmp(name, "label") == 0) {
        nd->fields_set |= PA_F_LABEL;
        return set_str(&nd->label, v);
    }
    if (strcmp(name, "parent") == 0) {
        nd->fields_set |= PA_F_PARENT;
        nd->parent_at = (pa_loc){ c->line, col };
        return set_str(&nd->parent_code, v);
    }
    if (strcmp(name, "weight") == 0 && strcmp(v, "pca") == 0)
        return pca_key(c, nd, col);
    if (strcmp(name, "weight") == 0) {
        if (!parse_num(v, &nd->weight) || !(nd->weight > 0))
            return fail_at(c, col, "weight must be a positive number, not '%s'%s", v,
                           nd->weight == 0 ? " (to leave a node out, delete its section, or "
                                             "give an indicator Weight 0 in a COINr iMeta "
                                             "table)"
                                           : "");
        nd->fields_set |= PA_F_WEIGHT;
        nd->weight_at = (pa_loc){ c->line, col };
        return 1;
    }
    if (!nd->is_indicator) {
        if ((r = aggregate_key(c, nd, name, v)) >= 0)
            return r;
        if (strcmp(name, "min_coverage") == 0) {
            if (!parse_num(v, &nd->min_coverage) || nd->min_coverage < 0 || nd->min_coverage > 1)
                return fail_at(c, col, "min_coverage must be a share between 0 and 1, not "
                                       "'%s'%s", v, "");
            nd->min_coverage_set = 1;
            return 1;
        }
        return fail_at(c, key_col(c, name),
                       "unknown key '%s' in [%s]", name, c->section);
    }
    if (strcmp(name, "unit") == 0) {
        nd->fields_set |= PA_F_MEASURE;
        return set_str(&nd->measure, v);
    }
    if (strcmp(name, "direction") == 0) {
        if (strcmp(v, "1") == 0 || strcmp(v, "+1") == 0)
            nd->direction = 1;
        else if (strcmp(v, "-1") == 0)
            nd->direction = -1;
        else
            return fail_at(c, col, "direction must be 1 or -1, not '%s'%s", v, "");
        nd->fields_set |= PA_F_DIRECTION;
        return 1;
    }
    if (strcmp(name, "denominator") == 0) {
        nd->fields_set |= PA_F_DENOMINATOR;
        return set_str(&nd->denominator, v);
    }
    if (strcmp(name, "per") == 0) {
        if (!parse_num(v, &nd->per) || !(nd->per > 0))
            return fail_at(c, col, "per must be a positive number, not '%s'%s", v, "");
        return 1;
    }
    if (strcmp(name, "goalposts") == 0) {
        if (!parse_pair(v, nd->goalposts) || !(nd->goalposts[0] < nd->goalposts[1]))
            return fail_at(c, col, "goalposts must be 'LOWER, UPPER' with LOWER < UPPER, not "
                                   "'%s'%s", v, "");
        nd->goalposts_set = 1;
        nd->goalposts_at = (pa_loc){ c->line, col };
        return 1;
    }
    if (strcmp(name, "target") == 0) {
        if (!parse_num(v, &nd->target))
            return fail_at(c, col, "target must be a number, not '%s'%s", v, "");
        nd->target_set = 1;
        nd->fields_set |= PA_F_TARGET;
        return 1;
    }
    if (strcmp(name, "cap_max") == 0) {
        if (!parse_bool(v, &nd->cap_max))
            return fail_at(c, col, "cap_max must be yes or no, not '%s'%s", v, "");
        return 1;
    }
    if (strcmp(name, "transform") == 0) {
        if (strcmp(v, "log") == 0)
            nd->transform = PA_TRANSFORM_LOG;
        else if (strcmp(v, "none") == 0)
            nd->transform = PA_TRANSFORM_NONE;
        else
            return fail_at(c, col, "unknown transform '%s' (log or none)%s", v, "");
        return 1;
    }
    if (strcmp(name, "column") == 0)
        return set_str(&nd->column, v);
    if (strcmp(name, "rollup") == 0 && nd->is_indicator)
        return units_status(c, pa_units_rollup_key(c->m, nd, v, c->line, col, c->err));
    return fail_at(c, key_col(c, name), "unknown key '%s' in [%s]",
                   name, c->section);
}

static int
penalty_key(parse_ctx *c, const char *name, const char *v)
{
    pa_penalty *p = &c->m->penalties[c->node];
    long col = col_of(c, v);
    if (strcmp(name, "label") == 0)
        return set_str(&p->label, v);
    if (strcmp(name, "column") == 0)
        return set_str(&p->column, v);
    if (strcmp(name, "node") == 0) {
        p->target_at = (pa_loc){ c->line, col };
        return set_str(&p->target, v);
    }
    if (strcmp(name, "points") == 0) {
        if (!parse_num(v, &p->points) || !(p->points > 0))
            return fail_at(c, col, "points must be a positive number, not '%s'%s", v, "");
        return 1;
    }
    if (strcmp(name, "cap") == 0) {
        if (!parse_num(v, &p->cap) || !(p->cap > 0))
            return fail_at(c, col, "cap must be a positive number of points, not '%s'%s", v, "");
        return 1;
    }
    return fail_at(c, key_col(c, name), "unknown key '%s' in [%s]",
                   name, c->section);
}

/* A section header line, seen by the reader so that empty sections count too. */
static void
begin_section(parse_ctx *c, const char *name)
{
    snprintf(c->section, sizeof c->section, "%s", name);
    c->kind = SEC_NONE;
    c->n_seen = 0;
    if (strcmp(name, "index") == 0) {
        if (c->index_seen++) {
            fail_at(c, 2, "[index] appears twice%s%s", "", "");
            return;
        }
        c->kind = SEC_INDEX;
        c->m->nodes[c->m->top].at = (pa_loc){ c->line, 1 };
        return;
    }
    if (strcmp(name, "uncertainty") == 0) {
        if (c->m->unc_line)
            fail_at(c, 2, "[uncertainty] appears twice%s%s", "", "");
        c->m->unc_line = c->line;
        c->kind = SEC_UNCERTAINTY;
        return;
    }
    if (strcmp(name, "units") == 0) {
        c->kind = SEC_UNITS;
        units_status(c, pa_units_key(c->m, NULL, NULL, c->line, 1, c->err));
        return;
    }
    int ind = strncmp(name, "indicator ", 10) == 0;
    int grp = strncmp(name, "group ", 6) == 0;
    int pen = strncmp(name, "penalty ", 8) == 0;
    if (!ind && !grp && !pen) {
        fail_at(c, 2, "unknown section [%s] (index, units, group CODE, indicator CODE, "
                      "penalty CODE or uncertainty)%s", name, "");
        return;
    }
    const char *code = name + (ind ? 10 : pen ? 8 : 6);
    while (*code == ' ')
        code++;
    if (!*code || strpbrk(code, " \t,;")) {
        fail_at(c, 2, "section [%s] needs one code word after its kind%s", name, "");
        return;
    }
    if (pen) {
        pa_model *m = c->m;
        for (size_t k = 0; k < m->n_penalties; k++)
            if (strcmp(m->penalties[k].code, code) == 0) {
                fail_at(c, 2, "penalty '%s' is defined twice%s", code, "");
                return;
            }
        pa_penalty *p = pa_reallocarray(m->penalties, m->n_penalties + 1, sizeof *p);
        if (!p) {
            c->st = pa_nomem(c->err);
            return;
        }
        m->penalties = p;
        memset(&p[m->n_penalties], 0, sizeof *p);
        p[m->n_penalties].cap = -1;
        p[m->n_penalties].at = (pa_loc){ c->line, 1 };
        if (!(p[m->n_penalties].code = pa_strdup(code))) {
            c->st = pa_nomem(c->err);
            return;
        }
        c->node = m->n_penalties++;
        c->kind = SEC_PENALTY;
        return;
    }
    size_t prev = pa_model_find(c->m, code);
    if (prev == c->m->top) {
        fail_at(c, 2, "'%s' is the code of the index; give this %s another code", code,
                ind ? "indicator" : "group");
        return;
    }
    if (prev != PA_NONE) {
        char where[64];
        snprintf(where, sizeof where, "%ld", c->m->nodes[prev].at.line);
        fail_at(c, 2, "node '%s' is defined twice (first at line %s)", code, where);
        return;
    }
    pa_node *nd = pa_model_add_node(c->m, code, ind);
    if (!nd) {
        c->st = pa_nomem(c->err);
        return;
    }
    nd->at = (pa_loc){ c->line, 1 };
    c->node = c->m->n_nodes - 1;
    c->kind = SEC_NODE;
}

/* A key given twice in a section: 0 (and the error) at the second. Spellings of one key
 * (normalise, normalize) count as one. */
static int
key_once(parse_ctx *c, const char *name)
{
    const char *k = strcmp(name, "normalize") == 0 ? "normalise" : name;
    for (size_t i = 0; i < c->n_seen; i++)
        if (strcmp(c->seen[i].name, k) == 0) {
            char first[32];
            snprintf(first, sizeof first, "%ld", c->seen[i].line);
            return fail_at(c, key_col(c, name), "'%s' is given twice in this section (first at "
                                                "line %s)", name, first);
        }
    if (c->n_seen < sizeof c->seen / sizeof *c->seen && strlen(k) < sizeof c->seen->name) {
        snprintf(c->seen[c->n_seen].name, sizeof c->seen->name, "%s", k);
        c->seen[c->n_seen++].line = c->line;
    }
    return 1;
}

/* Where a method parameter is written, for the check that a method uses it. */
static void
note_param(parse_ctx *c, pa_node *nd, const char *name)
{
    int k = pa_param_find(name);
    if (k >= 0) {
        nd->params |= 1u << k;
        nd->param_at[k] = (pa_loc){ c->line, key_col(c, name) };
    }
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    (void)section;
    if (c->st != PA_OK || (c->kind != SEC_NONE && !key_once(c, name)))
        return 1;
    switch (c->kind) {
    case SEC_INDEX:
        note_param(c, &c->m->nodes[c->m->top], name);
        return index_key(c, name, value) ? 1 : (c->st == PA_OK ? (c->st = pa_nomem(c->err), 1) : 1);
    case SEC_NODE:
        note_param(c, &c->m->nodes[c->node], name);
        return node_key(c, name, value) ? 1 : (c->st == PA_OK ? (c->st = pa_nomem(c->err), 1) : 1);
    case SEC_PENALTY:
        return penalty_key(c, name, value) ? 1 : (c->st == PA_OK ? (c->st = pa_nomem(c->err), 1) : 1);
    case SEC_UNCERTAINTY: { /* its keys are read by uncertainty.c */
        int ok = pa_unc_key_check(c->m, name, value, (pa_loc){ c->line, key_col(c, name) },
                                  c->err);
        if (ok <= 0)
            c->st = ok < 0 ? pa_nomem(c->err) : PA_ERR_MODEL;
        return 1;
    }
    case SEC_UNITS:
        return units_status(c, pa_units_key(c->m, name, value, c->line, col_of(c, value),
                                            c->err));
    default:
        fail_at(c, 1, "key '%s' outside of any section%s", name, "");
        return 1;
    }
}

/* `bands = …` holds a ';'-list whose colours may be hex codes: there ';' before a threshold
 * separates bands and '#' before 3 or 6 hex digits is a colour, blank before them or not. */
static int
is_bands_line(const char *s, size_t n)
{
    return n > 5 && memcmp(s, "bands", 5) == 0 && strspn(s + 5, " \t") < n - 5 &&
           (s[5 + strspn(s + 5, " \t")] == '=' || s[5 + strspn(s + 5, " \t")] == ':');
}

static int
in_band_list(const char *s, size_t n)
{
    size_t i = 1;
    if (*s == ';') {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        return i < n && (strchr("0123456789+-.", s[i]) != NULL);
    }
    while (i < n && i <= 6 && strchr("0123456789abcdefABCDEF", s[i]))
        i++;
    return (i == 4 || i == 7) && (i == n || s[i] == ' ' || s[i] == '\t' || s[i] == ';');
}

/* inih reader: one line at a time, inline comments removed, line numbers kept. */
static char *
reader(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (c->st != PA_OK || c->too_long || !c->text[c->pos])
        return NULL;
    const char *s = c->text + c->pos;
    const char *nl = strchr(s, '\n');
    size_t len = nl ? (size_t)(nl - s) : strlen(s);
    c->pos += len + (nl ? 1 : 0);
    c->line++;
    if (c->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (len && s[len - 1] == '\r')
        len--;
    /* the line as written, for the columns of messages */
    size_t rl = len < sizeof c->raw - 1 ? len : sizeof c->raw - 1;
    memcpy(c->raw, s, rl);
    c->raw[rl] = '\0';
    /* What inih sees: no leading blanks (an indented line would otherwise continue the value
     * above it), no comment. A comment is a line starting with ';' or '#', or ';'/'#' after a
     * blank; a whole-line comment may be of any length. */
    size_t lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    size_t end = len;
    if (lead < len && (s[lead] == ';' || s[lead] == '#'))
        end = lead;
    int bands = is_bands_line(s + lead, end - lead);
    for (size_t i = lead + 1; i < end; i++)
        if ((s[i] == ';' || s[i] == '#') && (s[i - 1] == ' ' || s[i - 1] == '\t') &&
            !(bands && in_band_list(s + i, end - i))) {
            end = i;
            break;
        }
    while (end > lead && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        end--;
    size_t keep = end - lead;
    if (keep + 2 > (size_t)num) {
        c->too_long = c->line;
        c->max_line = num - 2;
        return NULL;
    }
    if (keep && s[lead] == '[') {
        const char *close = memchr(s + lead, ']', keep);
        if (close) {
            char name[256];
            size_t nlen = (size_t)(close - (s + lead) - 1);
            if (nlen >= sizeof name)
                nlen = sizeof name - 1;
            memcpy(name, s + lead + 1, nlen);
            name[nlen] = '\0';
            begin_section(c, name);
        }
    }
    /* inih itself ends a value at a ';' after a blank: drop such blanks in a band list */
    size_t o = 0;
    for (size_t i = lead; i < end; i++) {
        if (bands && s[i] == ';')
            while (o && (str[o - 1] == ' ' || str[o - 1] == '\t'))
                o--;
        str[o++] = s[i];
    }
    str[o] = '\n';
    str[o + 1] = '\0';
    return str;
}

/* The iMeta table `meta =` names: read before the model is linked and checked, since its rows
 * are nodes like the sections'. */
static pa_status
read_meta(pa_model *m, pa_error *err)
{
    if (!m->meta)
        return PA_OK;
    char *path;
    if (m->meta[0] == '/')
        path = pa_strdup(m->meta);
    else {
        size_t n = strlen(m->dir) + strlen(m->meta) + 2;
        path = pa_malloc(n);
        if (path)
            snprintf(path, n, "%s/%s", m->dir, m->meta);
    }
    if (!path)
        return pa_nomem(err);
    m->meta_path = path;
    pa_status st = pa_meta_read(m, path, err);
    /* COINr's iData names its units in uCode */
    if (st == PA_OK && !m->unit_column && !(m->unit_column = pa_strdup("uCode")))
        st = pa_nomem(err);
    if (st == PA_ERR_IO) /* the table cannot be read: point at the key that names it */
        st = pa_fail(err, PA_ERR_MODEL, m->file, m->meta_at.line, m->meta_at.col,
                     "cannot read the iMeta table '%s'", path);
    return st;
}

pa_status
pa_model_parse(pa_model **out, const char *text, const char *name, pa_error *err)
{
    if (!out || !text)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_model *m = pa_model_new(name ? name : "<string>");
    if (!m)
        return pa_nomem(err);
    parse_ctx c = { .m = m, .err = err, .text = text };
    int r = ini_parse_stream(reader, &c, handler, &c);
    pa_status st = c.st;
    if (st == PA_OK && c.too_long)
        st = pa_fail(err, PA_ERR_MODEL, m->file, c.too_long, 0,
                     "line too long (at most %d bytes after removing comments)", c.max_line);
    else if (r > 0 && (st == PA_OK || (st == PA_ERR_MODEL && err && r < err->line)))
        /* inih reads on after a syntax error: the first mistake is the one to report */
        st = pa_fail(err, PA_ERR_MODEL, m->file, r, 1,
                     "expected '[section]' or 'key = value'");
    else if (st == PA_OK && r < 0)
        st = pa_nomem(err);
    if (st == PA_OK && (st = read_meta(m, err)) == PA_OK && (st = pa_units_read(m, err)) == PA_OK)
        st = pa_model_finish(m, err);
    if (st != PA_OK) {
        pa_model_free(m);
        return st;
    }
    *out = m;
    return PA_OK;
}

/* A NUL byte: its line and column (in bytes), so that the user can find it. */
static pa_status
nul_error(const char *path, const char *buf, const char *nul, pa_error *err)
{
    long line = 1;
    const char *start = buf;
    for (const char *p = buf; p < nul; p++)
        if (*p == '\n') {
            line++;
            start = p + 1;
        }
    return pa_fail(err, PA_ERR_MODEL, path, line, (long)(nul - start) + 1,
                   "NUL byte in the model file (not a text file?)");
}

pa_status
pa_model_load(pa_model **out, const char *path, pa_error *err)
{
    if (!out || !path)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pa_fail(err, PA_ERR_IO, path, 0, 0, "cannot open model file: %m");
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        return pa_fail(err, PA_ERR_IO, path, 0, 0, "is a directory, not a model file");
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    char tmp[65536];
    size_t n;
    pa_status st = PA_OK;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (len + n + 1 > cap) {
            size_t nc = (len + n + 1) * 2;
            if (nc > (size_t)64 << 20) {
                st = pa_fail(err, PA_ERR_MODEL, path, 0, 0, "model file larger than 64 MiB");
                break;
            }
            char *b = pa_realloc(buf, nc);
            if (!b) {
                st = pa_nomem(err);
                break;
            }
            buf = b;
            cap = nc;
        }
        memcpy(buf + len, tmp, n);
        len += n;
    }
    if (st == PA_OK && ferror(f))
        st = pa_fail(err, PA_ERR_IO, path, 0, 0, "read error");
    fclose(f);
    const char *nul = st == PA_OK && buf ? memchr(buf, '\0', len) : NULL;
    if (nul)
        st = nul_error(path, buf, nul, err);
    char *utf8 = NULL; /* Notepad's "ANSI" on a Chinese Windows is GB18030 */
    if (st == PA_OK && buf && (st = pa_text_to_utf8(buf, len, path, &utf8, &len, err)) ==
                                  PA_OK && utf8) {
        pa_free(buf);
        buf = utf8;
    }
    if (st == PA_OK) {
        if (!buf && !(buf = pa_malloc(1)))
            st = pa_nomem(err);
        else
            buf[len] = '\0';
    }
    if (st == PA_OK)
        st = pa_model_parse(out, buf, path, err);
    pa_free(buf);
    return st;
}

/* ---- one key set in memory (edit.c) ---- */

/* The keys that change how files are read, not what is computed: a data set is read with
 * them, so they are set in a model file. */
static int
read_time_key(const char *key)
{
    return strcmp(key, "meta") == 0;
}

pa_status
pa_model_apply_key(pa_model *m, const char *code, const char *key, const char *value,
                   pa_error *err)
{
    parse_ctx c = { .m = m, .err = err };
    size_t i = code ? pa_model_find(m, code) : m->top;
    size_t q = PA_NONE;
    for (size_t k = 0; i == PA_NONE && k < m->n_penalties; k++)
        if (strcmp(m->penalties[k].code, code) == 0)
            q = k;
    if (i == PA_NONE && q == PA_NONE)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no node or penalty '%s' in the model",
                       code);
    if (read_time_key(key))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                       "'%s' names a table read with the model file; set it there", key);
    /* what the key sets is placed at its section's header: the file has no line of it */
    c.line = q != PA_NONE ? m->penalties[q].at.line : m->nodes[i].at.line;
    int ok;
    if (q != PA_NONE) {
        c.node = q;
        snprintf(c.section, sizeof c.section, "penalty %s", code);
        ok = penalty_key(&c, key, value);
    } else if (i == m->top) {
        snprintf(c.section, sizeof c.section, "index");
        pa_model_clear_list(m, key); /* a list key is set anew, not added to */
        note_param(&c, &m->nodes[i], key);
        ok = index_key(&c, key, value);
    } else {
        pa_node *nd = &m->nodes[i];
        c.node = i;
        snprintf(c.section, sizeof c.section, "%s %s", nd->is_indicator ? "indicator" : "group",
                 nd->code);
        note_param(&c, nd, key);
        ok = node_key(&c, key, value);
    }
    if (c.st == PA_ERR_NOMEM)
        return c.st;
    if (c.st != PA_OK && err) { /* a value refused: the caller's argument, not a file's line */
        err->status = PA_ERR_ARGUMENT;
        err->file[0] = '\0';
        err->line = err->column = 0;
    }
    return c.st != PA_OK ? PA_ERR_ARGUMENT : ok ? PA_OK : pa_nomem(err);
}
