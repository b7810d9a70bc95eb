/* SPDX-License-Identifier: MIT */
/* The methods of each step in one table: name, enum value, the parameters it takes and, for
 * normalisations, the function. A new method is one entry here (and its function); the model
 * reader, the unused-parameter check and the normalise step all read these tables. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define P(k) (1u << PA_PARAM_##k)

static const pa_method norm_methods[] = {
    { "minmax", PA_NORM_MINMAX, P(RANGE), 0, pa_norm_minmax },
    { "zscore", PA_NORM_ZSCORE, P(MEAN_SD), PA_METHOD_GATHER, pa_norm_zscore },
    { "rank", PA_NORM_RANK, 0, 0, pa_norm_rank },
    { "prank", PA_NORM_PRANK, 0, 0, pa_norm_prank },
    { "borda", PA_NORM_BORDA, 0, 0, pa_norm_borda },
    { "goalposts", PA_NORM_GOALPOSTS, P(RANGE) | P(GOALPOSTS) | P(GOALPOSTS_TRUNC), PA_METHOD_RAW,
      pa_norm_goalposts },
    { "dist2max", PA_NORM_DIST2MAX, 0, 0, pa_norm_dist2max },
    { "dist2targ", PA_NORM_DIST2TARG, P(TARGET) | P(CAP_MAX), 0, pa_norm_dist2targ },
    { "fracmax", PA_NORM_FRACMAX, 0, 0, pa_norm_fracmax },
    { "base", PA_NORM_BASE, 0, PA_METHOD_RAW | PA_METHOD_REF, pa_norm_base },
    { "none", PA_NORM_NONE, 0, PA_METHOD_RAW, pa_norm_none },
    { "n_scaled", PA_NORM_SCALED, P(NPAR) | P(SCALE_FACTOR), PA_METHOD_RAW, pa_norm_scaled },
    { "n_dist2ref", PA_NORM_DIST2REF, P(REF_UNIT) | P(CAP_MAX), PA_METHOD_REF, pa_norm_dist2ref },
};

static const pa_method agg_methods[] = {
    { "arithmetic", PA_AGG_ARITHMETIC, 0, 0, NULL },
    { "geometric", PA_AGG_GEOMETRIC, 0, 0, NULL },
    { "harmonic", PA_AGG_HARMONIC, 0, 0, NULL },
    { "median", PA_AGG_MEDIAN, 0, 0, NULL },
    { "genmean", PA_AGG_GENMEAN, P(P), 0, NULL },
    { "copeland", PA_AGG_COPELAND, 0, 0, NULL },
    { "mpi", PA_AGG_MPI, P(PENALTY), 0, NULL },
};

#define WINSORISE P(WINMAX) | P(SKEW) | P(KURT) | P(FALLBACK) | P(FORCE_WIN)
static const pa_method treat_methods[] = {
    { "none", PA_TREAT_NONE, 0, 0, NULL },
    { "winsorise", PA_TREAT_WINSORISE, WINSORISE, 0, NULL },
    { "winsorize", PA_TREAT_WINSORISE, WINSORISE, PA_METHOD_ALIAS, NULL },
};

static const pa_method fallback_methods[] = {
    { "log_CT", PA_FALLBACK_LOG_CT, P(COMBINE_TREAT), 0, NULL },
    { "log_CT_plus", PA_FALLBACK_LOG_CT_PLUS, P(COMBINE_TREAT), 0, NULL },
    { "boxcox", PA_FALLBACK_BOXCOX, P(LAMBDA) | P(COMBINE_TREAT), 0, NULL },
    { "none", PA_FALLBACK_NONE, 0, 0, NULL },
    { "log_CT_orig", PA_FALLBACK_LOG_CT_ORIG, P(COMBINE_TREAT), 0, NULL },
    { "log_GII", PA_FALLBACK_LOG_GII, P(COMBINE_TREAT), 0, NULL },
};
#undef WINSORISE

static const pa_method impute_methods[] = {
    { "none", PA_IMPUTE_NONE, 0, 0, NULL },
    { "mean", PA_IMPUTE_MEAN, 0, 0, NULL },
    { "median", PA_IMPUTE_MEDIAN, 0, 0, NULL },
    { "group_mean", PA_IMPUTE_GROUP_MEAN, P(IMPUTE_GROUP), 0, NULL },
    { "group_median", PA_IMPUTE_GROUP_MEDIAN, P(IMPUTE_GROUP), 0, NULL },
    { "latest", PA_IMPUTE_LATEST, 0, 0, NULL },
    { "linear", PA_IMPUTE_LINEAR, 0, 0, NULL },
};

/* Not written in the model: an indicator has a denominator (1) or not (0). */
static const pa_method denom_methods[] = {
    { "none", 0, 0, PA_METHOD_ALIAS, NULL },
    { "denominator", 1, P(PER), PA_METHOD_ALIAS, NULL },
};

static const pa_method screen_methods[] = {
    { "coverage", PA_SCREEN_COVERAGE, 0, 0, NULL },
    { "zeros", PA_SCREEN_ZEROS, 0, 0, NULL },
    { "coverage_or_zeros", PA_SCREEN_EITHER, 0, 0, NULL },
};

#define TABLE(t) t, sizeof t / sizeof *t
static const struct step_table {
    const pa_method *methods;
    size_t n;
    const char *key, *noun;
} steps[PA_N_STEPS] = {
    [PA_STEP_NORMALISE] = { TABLE(norm_methods), "normalise", "normalisation" },
    [PA_STEP_AGGREGATE] = { TABLE(agg_methods), "aggregate", "aggregation" },
    [PA_STEP_TREAT] = { TABLE(treat_methods), "treat", "treatment" },
    [PA_STEP_FALLBACK] = { TABLE(fallback_methods), "fallback", "fallback" },
    [PA_STEP_IMPUTE] = { TABLE(impute_methods), "impute", "imputation" },
    [PA_STEP_DENOMINATE] = { TABLE(denom_methods), "denominator", "denomination" },
    [PA_STEP_SCREEN] = { TABLE(screen_methods), "screen", "screening" },
};
#undef TABLE
#undef P

/* Each parameter, the step whose method takes it and what the message adds after the
 * methods (or says instead of them). */
static const struct param {
    const char *key;
    pa_step step;
    const char *note;
    int instead;
} params[PA_N_PARAMS] = {
    [PA_PARAM_RANGE] = { "range", PA_STEP_NORMALISE, " (and penalty points' floor)", 0 },
    [PA_PARAM_MEAN_SD] = { "mean_sd", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_GOALPOSTS] = { "goalposts", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_TARGET] = { "target", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_CAP_MAX] = { "cap_max", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_P] = { "p", PA_STEP_AGGREGATE, "", 0 },
    [PA_PARAM_PENALTY] = { "penalty", PA_STEP_AGGREGATE, "", 0 },
    [PA_PARAM_WINMAX] = { "winmax", PA_STEP_TREAT, "", 0 },
    [PA_PARAM_SKEW] = { "skew", PA_STEP_TREAT, "", 0 },
    [PA_PARAM_KURT] = { "kurt", PA_STEP_TREAT, "", 0 },
    [PA_PARAM_FALLBACK] = { "fallback", PA_STEP_TREAT, "", 0 },
    [PA_PARAM_LAMBDA] = { "lambda", PA_STEP_FALLBACK, " (with treat = winsorise)", 0 },
    [PA_PARAM_IMPUTE_GROUP] = { "impute_group", PA_STEP_IMPUTE, "", 0 },
    [PA_PARAM_PER] = { "per", PA_STEP_DENOMINATE, "an indicator with a 'denominator'", 1 },
    [PA_PARAM_NPAR] = { "npar", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_SCALE_FACTOR] = { "scale_factor", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_REF_UNIT] = { "ref_unit", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_GOALPOSTS_TRUNC] = { "goalposts_trunc", PA_STEP_NORMALISE, "", 0 },
    [PA_PARAM_FORCE_WIN] = { "force_win", PA_STEP_TREAT, "", 0 },
    [PA_PARAM_COMBINE_TREAT] = { "combine_treat", PA_STEP_FALLBACK, " (with treat = winsorise)",
                                 0 },
};

const pa_method *
pa_method_find(pa_step step, const char *name)
{
    const struct step_table *t = &steps[step];
    for (size_t i = 0; name && i < t->n; i++)
        if (strcmp(t->methods[i].name, name) == 0)
            return &t->methods[i];
    return NULL;
}

const pa_method *
pa_method_get(pa_step step, int id)
{
    const struct step_table *t = &steps[step];
    for (size_t i = 0; i < t->n; i++)
        if (t->methods[i].id == id)
            return &t->methods[i];
    return NULL;
}

int
pa_method_takes(const pa_method *meth, pa_param k)
{
    return meth && (meth->params >> k & 1);
}

const char *
pa_step_key(pa_step step)
{
    return steps[step].key;
}

const char *
pa_step_noun(pa_step step)
{
    return steps[step].noun;
}

/* The names of the methods of a step that take parameter k (k < 0: all), as a list. */
static void
join_names(pa_step step, int k, const char *last_sep, char *buf, size_t n)
{
    const struct step_table *t = &steps[step];
    size_t total = 0, seen = 0, len = 0;
    for (size_t i = 0; i < t->n; i++)
        total += !(t->methods[i].flags & PA_METHOD_ALIAS) &&
                 (k < 0 || pa_method_takes(&t->methods[i], (pa_param)k));
    buf[0] = '\0';
    for (size_t i = 0; i < t->n && len < n; i++) {
        const pa_method *me = &t->methods[i];
        if (me->flags & PA_METHOD_ALIAS || (k >= 0 && !pa_method_takes(me, (pa_param)k)))
            continue;
        const char *sep = seen == 0 ? "" : seen + 1 == total ? last_sep : ", ";
        seen++;
        int w = snprintf(buf + len, n - len, "%s%s", sep, me->name);
        len += w > 0 ? (size_t)w : 0;
    }
}

void
pa_method_names(pa_step step, const char *last_sep, char *buf, size_t n)
{
    join_names(step, -1, last_sep, buf, n);
}

int
pa_param_find(const char *key)
{
    for (int k = 0; k < PA_N_PARAMS; k++)
        if (strcmp(params[k].key, key) == 0)
            return k;
    return -1;
}

const char *
pa_param_key(pa_param k)
{
    return params[k].key;
}

pa_step
pa_param_step(pa_param k)
{
    return params[k].step;
}

void
pa_param_users(pa_param k, char *buf, size_t n)
{
    const struct param *pa = &params[k];
    if (pa->instead) {
        snprintf(buf, n, "%s", pa->note);
        return;
    }
    char names[256];
    join_names(pa->step, (int)k, " or ", names, sizeof names);
    snprintf(buf, n, "%s = %s%s", steps[pa->step].key, names, pa->note);
}
