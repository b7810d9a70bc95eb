/* SPDX-License-Identifier: MIT */
/* Units in a hierarchy ([units], units.c; the roll-up, rollup.c). */
#ifndef PA_UNITS_H
#define PA_UNITS_H

#include "model.h"
#include "dataset.h"
#include "result.h"

typedef enum pa_rollup {
    PA_ROLLUP_UNSET, PA_ROLLUP_SUM, PA_ROLLUP_MEAN, PA_ROLLUP_WEIGHTED, PA_ROLLUP_NONE
} pa_rollup;
/* Units of a data set or result, top level first: level L holds the units
 * [level_first[L], level_first[L + 1]). */
typedef struct pa_unit_tree {
    size_t n_levels;
    char **level_names;         /* [0] is the top */
    size_t *level_first;        /* n_levels + 1 */
    size_t *parent;             /* by unit, PA_NONE at the top */
    size_t nu;
} pa_unit_tree;
struct pa_units;
/* A key of [units] / `rollup =` of an indicator, as the model file writes it. */
pa_status pa_units_key(pa_model *m, const char *key, const char *value, long line, long col,
                       pa_error *err);
pa_status pa_units_rollup_key(pa_model *m, pa_node *nd, const char *value, long line, long col,
                              pa_error *err);
/* The table `parents =` names, read once the model is parsed. */
pa_status pa_units_read(pa_model *m, pa_error *err);
/* Every indicator of a model with [units] says how it rolls up; after settings resolve. */
pa_status pa_units_check(const pa_model *m, pa_error *err);
struct pa_units *pa_units_ref(struct pa_units *u);
void pa_units_unref(struct pa_units *u);
/* The data rolled up the unit tree into a new data set (*out, owned by the caller), units
 * ordered by level; *out is NULL when the model has no [units] or d is a roll-up already
 * (an engine scores its kept roll-up). */
pa_status pa_rollup_data(const pa_model *m, const pa_data *d, pa_data **out, pa_error *err);
pa_unit_tree *pa_unit_tree_copy(const pa_unit_tree *t);
void pa_unit_tree_free(pa_unit_tree *t);
/* Levels of a result's units (1 for a flat result) and where each starts. */
static inline size_t
pa_unit_levels(const pa_result *r)
{
    return r->tree ? r->tree->n_levels : 1;
}
static inline size_t
pa_level_first(const pa_result *r, size_t level)
{
    return r->tree ? r->tree->level_first[level] : level ? r->nu : 0;
}

#endif
