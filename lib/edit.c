/* SPDX-License-Identifier: MIT */
/* A model changed in memory: every change is made on a copy, through the model file's own key
 * grammar (model.c), and the copy finished and checked as a model file is (hierarchy.c); only
 * a model that passes replaces the original, so a refused change leaves it as it was. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef pa_status (*edit_fn)(pa_model *c, const void *arg, pa_error *err);

static pa_status
edit(pa_model *m, edit_fn fn, const void *arg, pa_error *err)
{
    if (!m)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    pa_model *c;
    pa_status st = pa_model_copy(&c, m, err);
    if (st != PA_OK)
        return st;
    if ((st = fn(c, arg, err)) == PA_OK) {
        pa_model_unfinish(c);
        st = pa_model_finish(c, err);
    }
    if (st == PA_OK) { /* the original takes the copy's contents; the old ones go */
        pa_model old = *m;
        *m = *c;
        *c = old;
    }
    pa_model_free(c);
    return st;
}

/* ---- one key ---- */

typedef struct key_arg {
    const char *code, *key, *value;
} key_arg;

static pa_status
apply_key(pa_model *c, const void *arg, pa_error *err)
{
    const key_arg *a = arg;
    return pa_model_apply_key(c, a->code, a->key, a->value, err);
}

pa_status
pa_model_set(pa_model *m, const char *code, const char *key, const char *value, pa_error *err)
{
    if (!key || !value)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    key_arg a = { code, key, value };
    return edit(m, apply_key, &a, err);
}

/* ---- several keys in one change ---- */

typedef struct keys_arg {
    const char *code;
    const char *const *keys, *const *values;
    size_t n;
} keys_arg;

static pa_status
apply_keys(pa_model *c, const void *arg, pa_error *err)
{
    const keys_arg *a = arg;
    pa_status st = PA_OK;
    for (size_t i = 0; i < a->n && st == PA_OK; i++)
        st = pa_model_apply_key(c, a->code, a->keys[i], a->values[i], err);
    return st;
}

pa_status
pa_model_set_keys(pa_model *m, const char *code, const char *const *keys,
                  const char *const *values, size_t n, pa_error *err)
{
    if (n && (!keys || !values))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    for (size_t i = 0; i < n; i++)
        if (!keys[i] || !values[i])
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    keys_arg a = { code, keys, values, n };
    return edit(m, apply_keys, &a, err);
}

/* Numbers go through the key grammar as their shortest round-trip text, which reads back to
 * the same doubles: "1, 100". At most two. */
typedef char number_text[2 * 48 + 4];

static pa_status
join_numbers(const char *key, const double *x, size_t n, number_text text, pa_error *err)
{
    char num[48];
    text[0] = '\0';
    for (size_t i = 0; i < n && i < 2; i++) {
        if (!isfinite(x[i]))
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "%s: %g is not a finite number",
                           key, x[i]);
        pa_format_number(x[i], num, sizeof num);
        strcat(text, i ? ", " : "");
        strcat(text, num);
    }
    return PA_OK;
}

static pa_status
set_numbers(pa_model *m, const char *code, const char *key, const double *x, size_t n,
            pa_error *err)
{
    number_text text;
    pa_status st = join_numbers(key, x, n, text, err);
    return st == PA_OK ? pa_model_set(m, code, key, text, err) : st;
}

pa_status
pa_model_set_weight(pa_model *m, const char *code, double weight, pa_error *err)
{
    return set_numbers(m, code, "weight", &weight, 1, err);
}

pa_status
pa_model_set_goalposts(pa_model *m, const char *code, double lower, double upper, pa_error *err)
{
    double x[2] = { lower, upper };
    return set_numbers(m, code, "goalposts", x, 2, err);
}

pa_status
pa_model_set_target(pa_model *m, const char *code, double target, pa_error *err)
{
    return set_numbers(m, code, "target", &target, 1, err);
}

pa_status
pa_model_set_direction(pa_model *m, const char *code, int direction, pa_error *err)
{
    if (direction != 1 && direction != -1)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "direction must be 1 or -1, not %d",
                       direction);
    return pa_model_set(m, code, "direction", direction > 0 ? "1" : "-1", err);
}

/* ---- a method and its parameters ---- */

typedef struct method_arg {
    pa_step step;
    const char *code, *method;
    const double *params;
    size_t n;
} method_arg;

/* The numbers each method takes, as keys of the model file: the key and how many values. */
static const struct method_params {
    pa_step step;
    int id;
    const char *key;
    size_t n;
} method_params[] = {
    { PA_STEP_NORMALISE, PA_NORM_MINMAX, "range", 2 },
    { PA_STEP_NORMALISE, PA_NORM_GOALPOSTS, "range", 2 },
    { PA_STEP_NORMALISE, PA_NORM_ZSCORE, "mean_sd", 2 },
    { PA_STEP_NORMALISE, PA_NORM_SCALED, "npar", 2 },
    { PA_STEP_AGGREGATE, PA_AGG_GENMEAN, "p", 1 },
};

static const struct method_params *
params_of(pa_step step, int id)
{
    for (size_t i = 0; i < sizeof method_params / sizeof *method_params; i++)
        if (method_params[i].step == step && method_params[i].id == id)
            return &method_params[i];
    return NULL;
}

/* The parameters of the step written at a node stop counting as written there, and, for a
 * normalisation, at the nodes below that take it from there: the method that took them goes
 * (a model file with the new method would have to drop them, or be refused). */
static void
forget_params(pa_model *c, size_t i, pa_step step, int below)
{
    pa_node *nd = &c->nodes[i];
    for (int k = 0; k < PA_N_PARAMS; k++)
        if (pa_param_step((pa_param)k) == step)
            nd->params &= ~(1u << k);
    for (size_t ch = 0; below && ch < nd->n_children; ch++)
        if (!c->nodes[nd->children[ch]].set.norm_set)
            forget_params(c, nd->children[ch], step, below);
}

static pa_status
apply_method(pa_model *c, const void *arg, pa_error *err)
{
    const method_arg *a = arg;
    const pa_method *meth = pa_method_find(a->step, a->method);
    if (!meth)
        return pa_model_apply_key(c, a->code, pa_step_key(a->step), a->method, err);
    const struct method_params *mp = params_of(a->step, meth->id);
    size_t want = mp ? mp->n : 0;
    if (a->n && a->n != want)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                       "%s %s takes %zu parameter%s%s%s, not %zu", pa_step_key(a->step),
                       a->method, want, want == 1 ? "" : "s", mp ? " " : "",
                       mp ? mp->key : "", a->n);
    size_t i = a->code ? pa_model_find(c, a->code) : c->top;
    if (i != PA_NONE)
        forget_params(c, i, a->step, a->step == PA_STEP_NORMALISE);
    pa_status st = pa_model_apply_key(c, a->code, pa_step_key(a->step), a->method, err);
    if (st != PA_OK || a->n == 0)
        return st;
    number_text text;
    if ((st = join_numbers(mp->key, a->params, a->n, text, err)) != PA_OK)
        return st;
    return pa_model_apply_key(c, a->code, mp->key, text, err);
}

static pa_status
set_method(pa_model *m, pa_step step, const char *code, const char *method,
           const double *params, size_t n, pa_error *err)
{
    if (!method || (n && !params))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    method_arg a = { step, code, method, params, n };
    return edit(m, apply_method, &a, err);
}

pa_status
pa_model_set_normalise(pa_model *m, const char *code, const char *method, const double *params,
                       size_t n_params, pa_error *err)
{
    return set_method(m, PA_STEP_NORMALISE, code, method, params, n_params, err);
}

pa_status
pa_model_set_aggregate(pa_model *m, const char *code, const char *method, const double *params,
                       size_t n_params, pa_error *err)
{
    return set_method(m, PA_STEP_AGGREGATE, code, method, params, n_params, err);
}

/* ---- denominators ---- */

typedef struct denom_arg {
    const char *code, *column;
    double per;
} denom_arg;

static pa_status
apply_denominator(pa_model *c, const void *arg, pa_error *err)
{
    const denom_arg *a = arg;
    if (!a->column) /* none: the indicator is taken as it is */
        return pa_model_apply_key(c, a->code, "denominate", "no", err);
    number_text num;
    pa_status st = join_numbers("per", &a->per, 1, num, err);
    if (st == PA_OK)
        st = pa_model_apply_key(c, a->code, "denominator", a->column, err);
    if (st == PA_OK)
        st = pa_model_apply_key(c, a->code, "denominate", "yes", err);
    return st == PA_OK ? pa_model_apply_key(c, a->code, "per", num, err) : st;
}

pa_status
pa_model_set_denominator(pa_model *m, const char *code, const char *column, double per,
                         pa_error *err)
{
    size_t i = m && code ? pa_model_find(m, code) : PA_NONE;
    if (m && code && (i == PA_NONE || !m->nodes[i].is_indicator))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no indicator '%s' in the model", code);
    denom_arg a = { code, column, per };
    return edit(m, apply_denominator, &a, err);
}

/* ---- switching an indicator off ---- */

static pa_status
apply_remove(pa_model *c, const void *arg, pa_error *err)
{
    const char *code = arg;
    size_t i = pa_model_find(c, code);
    if (i == PA_NONE || !c->nodes[i].is_indicator)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no indicator '%s' in the model", code);
    return pa_model_remove_node(c, i, err);
}

pa_status
pa_model_remove_indicator(pa_model *m, const char *code, pa_error *err)
{
    if (!code)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    return edit(m, apply_remove, code, err);
}
