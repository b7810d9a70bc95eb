/* SPDX-License-Identifier: MIT */
/* The table of methods, one per step (methods.c). */
#ifndef PA_METHODS_H
#define PA_METHODS_H

#include "settings.h"

/* ---- methods (methods.c): one table per step, so that a method is one entry ---- */
typedef enum pa_step {
    PA_STEP_NORMALISE, PA_STEP_AGGREGATE, PA_STEP_TREAT, PA_STEP_FALLBACK, PA_STEP_IMPUTE,
    PA_STEP_DENOMINATE, PA_STEP_SCREEN, PA_N_STEPS
} pa_step;
/* Screening: what screens a unit-period out (a bit set). */
typedef enum pa_screen {
    PA_SCREEN_COVERAGE = 1, PA_SCREEN_ZEROS = 2, PA_SCREEN_EITHER = 3
} pa_screen;
/* Method parameters: keys that only some methods use. */
typedef enum pa_param {
    PA_PARAM_RANGE, PA_PARAM_MEAN_SD, PA_PARAM_GOALPOSTS, PA_PARAM_TARGET, PA_PARAM_CAP_MAX,
    PA_PARAM_P, PA_PARAM_PENALTY, PA_PARAM_WINMAX, PA_PARAM_SKEW, PA_PARAM_KURT,
    PA_PARAM_FALLBACK, PA_PARAM_LAMBDA, PA_PARAM_IMPUTE_GROUP, PA_PARAM_PER, PA_PARAM_NPAR,
    PA_PARAM_SCALE_FACTOR, PA_PARAM_REF_UNIT, PA_PARAM_GOALPOSTS_TRUNC, PA_PARAM_FORCE_WIN,
    PA_PARAM_COMBINE_TREAT, PA_N_PARAMS
} pa_param;
struct pa_node;
/* What a normalisation function gets beside the values: the statistics set after the
 * direction (its extremes, its count m, and the values themselves in v when the method
 * gathers them) and, for methods that compare each value with another (base), that value
 * per cell. */
typedef struct pa_norm_in {
    const struct pa_node *ind;
    const unsigned char *stat;  /* the values statistics may use (NULL: all) */
    const double *v;
    size_t m;
    double mn, mx;
    const double *ref;
} pa_norm_in;
typedef pa_status (*pa_norm_fn)(const pa_norm_in *in, double *x, size_t n, pa_error *err);
enum {
    PA_METHOD_RAW = 1,    /* normalise: no statistics set; the function applies the direction */
    PA_METHOD_GATHER = 2, /* normalise: the statistics set's values are gathered into v */
    PA_METHOD_REF = 4,    /* normalise: ref holds a value per cell */
    PA_METHOD_ALIAS = 8   /* another spelling, left out of lists */
};
typedef struct pa_method {
    const char *name;
    int id;                /* the step's enum value */
    unsigned params;       /* bit k: takes pa_param k */
    unsigned flags;        /* PA_METHOD_* */
    pa_norm_fn normalise;  /* PA_STEP_NORMALISE only */
} pa_method;
/* The method of a step by name (NULL: none) or by its enum value (NULL: out of range). */
const pa_method *pa_method_find(pa_step step, const char *name);
const pa_method *pa_method_get(pa_step step, int id);
/* Whether the method takes parameter k (0 for NULL). */
int pa_method_takes(const pa_method *meth, pa_param k);
/* The step's key ("normalise") and what a method of it is called ("normalisation"). */
const char *pa_step_key(pa_step step);
const char *pa_step_noun(pa_step step);
/* The step's method names for a message: "minmax, zscore, ... or none" (buf truncated). */
void pa_method_names(pa_step step, const char *last_sep, char *buf, size_t n);
/* A parameter by key (-1: no method parameter), its key and step, and what takes it for a
 * message ("normalise = minmax or goalposts"). */
int pa_param_find(const char *key);
const char *pa_param_key(pa_param k);
pa_step pa_param_step(pa_param k);
void pa_param_users(pa_param k, char *buf, size_t n);

#endif
