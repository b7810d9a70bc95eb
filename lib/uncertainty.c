/* SPDX-License-Identifier: MIT */
/* The [uncertainty] section: its keys (checked as the model file is read, kept as written) and
 * the design made of them for a finished model — one input per key, as COINr's SA_specs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uncertainty.h"

static const struct unc_step { const char *key; pa_step step; } unc_steps[] = {
    { "normalise", PA_STEP_NORMALISE }, { "normalize", PA_STEP_NORMALISE },
    { "aggregate", PA_STEP_AGGREGATE }, { "impute", PA_STEP_IMPUTE },
    { "treat", PA_STEP_TREAT },
};

static int
step_of(const char *key, pa_step *out)
{
    for (size_t i = 0; i < sizeof unc_steps / sizeof *unc_steps; i++)
        if (strcmp(unc_steps[i].key, key) == 0) {
            *out = unc_steps[i].step;
            return 1;
        }
    return 0;
}

/* The numbers an alternative may carry, and where they go: minmax(l, u), zscore(m, s),
 * genmean(p). */
static size_t
alt_params(pa_step step, int id)
{
    if (step == PA_STEP_NORMALISE)
        return id == PA_NORM_MINMAX || id == PA_NORM_ZSCORE ? 2 : 0;
    return step == PA_STEP_AGGREGATE && id == PA_AGG_GENMEAN ? 1 : 0;
}

static void
trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

/* One alternative "name" or "name(a, b)" in [s, e). */
static pa_status
parse_alt(const char *file, pa_loc at, pa_step step, const char *s, const char *e,
          pa_unc_alt *out, pa_error *err)
{
    trim(&s, &e);
    const char *open = memchr(s, '(', (size_t)(e - s));
    const char *ne = open ? open : e;
    trim(&s, &ne);
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(ne - s), s);
    const pa_method *me = pa_method_find(step, name);
    if (!me) {
        char names[256];
        pa_method_names(step, " or ", names, sizeof names);
        return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "unknown %s '%s' among the "
                       "alternatives (%s)", pa_step_noun(step), name, names);
    }
    out->method = me->id;
    out->npar = 0;
    size_t want = alt_params(step, me->id);
    if (!open && want && step == PA_STEP_AGGREGATE)
        return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "%s needs its exponent, e.g. "
                       "%s(2)", name, name);
    if (!open)
        return PA_OK;
    if (e[-1] != ')' || want == 0)
        return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, want ? "'%s' needs its "
                       "numbers in parentheses, e.g. %s(1, 100)" : "'%s' takes no numbers here%s",
                       name, want ? name : "");
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)(e - open - 2), open + 1);
    for (char *tok = buf, *next; tok && out->npar < 3; tok = next) {
        next = strchr(tok, ',');
        if (next)
            *next++ = '\0';
        double v;
        if (out->npar == 2 || pa_parse_number(tok, strlen(tok), &v) != 0)
            return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "%s takes %zu number%s in "
                           "parentheses", name, want, want == 1 ? "" : "s");
        out->par[out->npar++] = v;
    }
    if (out->npar != want)
        return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "%s takes %zu number%s in "
                       "parentheses, not %zu", name, want, want == 1 ? "" : "s", out->npar);
    if (me->id == PA_NORM_ZSCORE && step == PA_STEP_NORMALISE && !(out->par[1] > 0))
        return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "zscore's spread must be above "
                       "0, not %g", out->par[1]);
    return PA_OK;
}

/* "a; b(1, 2); c" into alternatives; *out owned by the caller. */
static pa_status
parse_alts(const char *file, pa_loc at, pa_step step, const char *v, pa_unc_alt **out,
           size_t *n, pa_error *err)
{
    size_t cap = 1;
    for (const char *p = v; *p; p++)
        cap += *p == ';';
    *n = 0;
    if (!(*out = pa_calloc(cap, sizeof **out)))
        return pa_nomem(err);
    for (const char *s = v, *e; s; s = *e ? e + 1 : NULL) {
        e = strchr(s, ';');
        e = e ? e : s + strlen(s);
        pa_status st = parse_alt(file, at, step, s, e, &(*out)[(*n)++], err);
        if (st != PA_OK)
            return st;
    }
    if (*n < 2)
        return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "%s has one alternative; give "
                       "two or more separated by ';' (or delete the key)", pa_step_key(step));
    return PA_OK;
}

/* "2: 0.25; 3: 0.25": a noise factor per level. */
static pa_status
parse_weights(const char *file, pa_loc at, const char *v, int *levels, double *noise, size_t *n,
              size_t cap, pa_error *err)
{
    *n = 0;
    for (const char *s = v, *e; s; s = *e ? e + 1 : NULL) {
        e = strchr(s, ';');
        e = e ? e : s + strlen(s);
        const char *colon = memchr(s, ':', (size_t)(e - s));
        double lv, f;
        if (!colon || pa_parse_number(s, (size_t)(colon - s), &lv) != 0 ||
            pa_parse_number(colon + 1, (size_t)(e - colon - 1), &f) != 0 || lv != (int)lv ||
            lv < 1 || lv > 64)
            return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "weights takes LEVEL: "
                           "NOISE pairs separated by ';' (e.g. 2: 0.25; 3: 0.25), not '%.*s'",
                           (int)(e - s), s);
        if (!(f >= 0) || f >= 1)
            return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "the weight noise of level "
                           "%d must be at least 0 and below 1 (a weight stays positive), not %g",
                           (int)lv, f);
        for (size_t i = 0; i < *n; i++)
            if (levels[i] == (int)lv)
                return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "level %d is given "
                               "twice in weights", (int)lv);
        if (*n == cap)
            return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "weights names more than "
                           "%zu levels", cap);
        levels[*n] = (int)lv;
        noise[(*n)++] = f;
    }
    return PA_OK;
}

static int
parse_yes_no(const char *v, int *out)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        return *out = 1, 1;
    if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        return *out = 0, 1;
    return 0;
}

/* A key's value read into the design (dz NULL: checked only). */
static pa_status
read_key(pa_unc_design *dz, const char *file, const char *key, const char *v, pa_loc at,
         pa_error *err)
{
    pa_step step;
    if (step_of(key, &step)) {
        pa_unc_alt *alt = NULL;
        size_t n;
        pa_status st = parse_alts(file, at, step, v, &alt, &n, err);
        if (st != PA_OK || !dz) {
            pa_free(alt);
            return st;
        }
        pa_unc_input *in = &dz->in[dz->n_in++];
        in->kind = PA_UNC_METHOD, in->step = step, in->alt = alt, in->n_alt = n, in->dim = 1;
        snprintf(in->name, sizeof in->name, "%s", pa_step_key(step));
        return PA_OK;
    }
    if (strcmp(key, "weights") == 0) {
        pa_unc_input one, *in = dz ? &dz->in[dz->n_in] : &one;
        pa_status st = parse_weights(file, at, v, in->level, in->noise, &in->n_levels, 16, err);
        if (st == PA_OK && dz) { /* one input, as COINr's noisy weights are */
            in->kind = PA_UNC_WEIGHTS;
            snprintf(in->name, sizeof in->name, "weights");
            dz->n_in++;
        }
        return st;
    }
    if (strcmp(key, "drop_one") == 0) {
        int yes;
        if (!parse_yes_no(v, &yes))
            return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "drop_one is yes or no, "
                           "not '%s'", v);
        if (yes && dz) {
            pa_unc_input *in = &dz->in[dz->n_in++];
            in->kind = PA_UNC_DROP, in->dim = 1;
            snprintf(in->name, sizeof in->name, "drop_one");
        }
        return PA_OK;
    }
    if (strcmp(key, "seed") == 0 || strcmp(key, "bootstrap") == 0) {
        char *end;
        unsigned long long x = strtoull(v, &end, 10);
        if (*v < '0' || *v > '9' || *end || (key[0] == 'b' && (x < 10 || x > 100000)))
            return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, key[0] == 's' ?
                           "seed is a whole number 0 or more, not '%s'" : "bootstrap is a "
                           "number of resamples from 10 to 100000, not '%s'", v);
        if (dz && key[0] == 's')
            dz->seed = (unsigned long)x;
        else if (dz)
            dz->n_boot = (size_t)x;
        return PA_OK;
    }
    if (strcmp(key, "points") == 0) {
        int p = strcmp(v, "auto") == 0 ? PA_UNC_POINTS_AUTO : strcmp(v, "sobol") == 0
                ? PA_UNC_POINTS_SOBOL : strcmp(v, "random") == 0 ? PA_UNC_POINTS_RANDOM : -1;
        if (p < 0)
            return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "points is auto, sobol or "
                           "random, not '%s'", v);
        if (dz)
            dz->points = p, dz->points_at = at;
        return PA_OK;
    }
    return pa_fail(err, PA_ERR_MODEL, file, at.line, at.col, "unknown key '%s' in [uncertainty] "
                   "(weights, normalise, aggregate, impute, treat, drop_one, seed, points or "
                   "bootstrap)", key);
}

int
pa_unc_key_check(pa_model *m, const char *key, const char *value, pa_loc at, pa_error *err)
{
    pa_status st = read_key(NULL, m->file, key, value, at, err);
    if (st != PA_OK)
        return st == PA_ERR_NOMEM ? -1 : 0;
    struct pa_unc_key *k = pa_reallocarray(m->unc, m->n_unc + 1, sizeof *k);
    if (!k)
        return -1;
    m->unc = k;
    k += m->n_unc;
    k->at = at;
    k->key = pa_strdup(key);
    k->value = pa_strdup(value);
    m->n_unc++;
    return k->key && k->value ? 1 : -1;
}

int
pa_unc_keys_copy(pa_model *dst, const pa_model *src)
{
    dst->unc = NULL, dst->n_unc = 0;
    if (!src->n_unc)
        return 1;
    if (!(dst->unc = pa_calloc(src->n_unc, sizeof *dst->unc)))
        return 0;
    for (; dst->n_unc < src->n_unc; dst->n_unc++) {
        struct pa_unc_key *k = &dst->unc[dst->n_unc];
        *k = src->unc[dst->n_unc];
        k->key = pa_strdup(k->key);
        k->value = pa_strdup(k->value);
        if (!k->key || !k->value) {
            dst->n_unc++;
            return 0;
        }
    }
    return 1;
}

void
pa_unc_keys_free(pa_model *m)
{
    for (size_t i = 0; i < m->n_unc; i++) {
        pa_free(m->unc[i].key);
        pa_free(m->unc[i].value);
    }
    pa_free(m->unc);
    m->unc = NULL, m->n_unc = 0;
}

/* ---- the design of a finished model ---- */

void
pa_unc_design_free(pa_unc_design *dz)
{
    for (size_t i = 0; dz && i < dz->n_in; i++) {
        pa_free(dz->in[i].alt);
        pa_free(dz->in[i].wnode);
        pa_free(dz->in[i].wnoise);
    }
    if (dz)
        pa_free(dz->in);
}

/* A weight input's nodes: those of its levels, bottom-up, each with its level's noise. */
static pa_status
weight_nodes(pa_unc_input *in, const pa_model *m, pa_loc at, pa_error *err)
{
    in->dim = 0;
    in->wnode = pa_calloc(m->n_nodes, sizeof *in->wnode);
    in->wnoise = pa_calloc(m->n_nodes, sizeof *in->wnoise);
    if (!in->wnode || !in->wnoise)
        return pa_nomem(err);
    for (size_t l = 0; l < in->n_levels; l++) {
        size_t before = in->dim;
        for (size_t k = 0; k < m->n_nodes; k++)
            if (m->nodes[m->order[k]].level == in->level[l] && m->order[k] != m->top) {
                in->wnoise[in->dim] = in->noise[l];
                in->wnode[in->dim++] = m->order[k];
            }
        if (in->dim == before)
            return pa_fail(err, PA_ERR_MODEL, m->file, at.line, at.col, "weights: the model has "
                           "no weighted node at level %d (levels 1 to %d; the index at the top "
                           "has no weight)", in->level[l], m->nodes[m->top].level - 1);
    }
    return PA_OK;
}

/* What the model's nodes need for an alternative they may take. */
static pa_status
check_alt(const pa_unc_input *in, const pa_model *m, pa_loc at, pa_error *err)
{
    for (size_t a = 0; a < in->n_alt; a++) {
        int id = in->alt[a].method;
        if (in->step == PA_STEP_IMPUTE && !m->impute_group &&
            (id == PA_IMPUTE_GROUP_MEAN || id == PA_IMPUTE_GROUP_MEDIAN))
            return pa_fail(err, PA_ERR_MODEL, m->file, at.line, at.col, "impute: group "
                           "imputation needs impute_group in [index]%s", "");
        for (size_t i = 0; in->step == PA_STEP_NORMALISE && i < m->n_nodes; i++) {
            const pa_node *nd = &m->nodes[i];
            int bad = nd->is_indicator &&
                      ((id == PA_NORM_GOALPOSTS && !nd->goalposts_set) ||
                       (id == PA_NORM_DIST2TARG && !nd->target_set) ||
                       (id == PA_NORM_DIST2REF && !nd->eff.ref_unit) || id == PA_NORM_SCALED);
            if (bad)
                return pa_fail(err, PA_ERR_MODEL, m->file, at.line, at.col, "normalise: "
                               "indicator '%s' cannot take the alternative %s (it lacks what "
                               "that method reads)", nd->code,
                               pa_method_get(PA_STEP_NORMALISE, id)->name);
        }
    }
    return PA_OK;
}

/* Inputs of the finished model, their dimensions and places in a point. */
static pa_status
design_inputs(pa_unc_design *dz, const pa_model *m, const pa_loc *at, pa_error *err)
{
    for (size_t i = 0; i < dz->n_in; i++) {
        pa_unc_input *in = &dz->in[i];
        pa_status st = PA_OK;
        if (in->kind == PA_UNC_WEIGHTS)
            st = weight_nodes(in, m, at[i], err);
        else if (in->kind == PA_UNC_DROP)
            in->n_alt = m->n_indicators + 1;
        else
            st = check_alt(in, m, at[i], err);
        if (st != PA_OK)
            return st;
        in->off = dz->dim;
        dz->dim += in->dim;
    }
    if (dz->n_in == 0)
        return pa_fail(err, PA_ERR_MODEL, m->file, m->unc_line, 1, "[uncertainty] names no "
                       "uncertain input (weights, a step's alternatives or drop_one)%s", "");
    return PA_OK;
}

pa_status
pa_unc_design_read(pa_unc_design *dz, const pa_model *m, pa_error *err)
{
    memset(dz, 0, sizeof *dz);
    dz->seed = 1, dz->n_boot = 1000;
    if (!m->unc_line)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "the model has no [uncertainty] "
                       "section");
    pa_loc *at = pa_calloc(m->n_unc + 1, sizeof *at); /* a key is an input at most */
    if (!at || !(dz->in = pa_calloc(m->n_unc + 1, sizeof *dz->in))) {
        pa_free(at);
        return pa_nomem(err);
    }
    pa_status st = PA_OK;
    for (size_t k = 0; k < m->n_unc && st == PA_OK; k++) {
        size_t before = dz->n_in;
        st = read_key(dz, m->file, m->unc[k].key, m->unc[k].value, m->unc[k].at, err);
        for (size_t i = before; i < dz->n_in; i++)
            at[i] = m->unc[k].at;
    }
    if (st == PA_OK)
        st = design_inputs(dz, m, at, err);
    pa_free(at);
    if (st != PA_OK)
        pa_unc_design_free(dz);
    return st;
}
