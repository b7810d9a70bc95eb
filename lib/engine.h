/* SPDX-License-Identifier: MIT */
/* An engine's stages, given to the pipeline (engine.c, compute.c). */
#ifndef PA_ENGINE_H
#define PA_ENGINE_H

#include "result.h"

/* Stages an engine kept from earlier computations (engine.c), given to the pipeline: prepare
 * runs once the raw values are in (it puts kept columns in, marks kept nodes, sets the
 * indicators the steps before normalisation run for in r->todo, and the cells screened in
 * r->screened); prenorm runs before normalising (it keeps the values that enter it, and sets
 * r->todo to the indicators normalised). */
typedef struct pa_stages {
    void *ctx;
    pa_status (*prepare)(void *ctx, const pa_model *m, pa_result *r, pa_error *err);
    pa_status (*prenorm)(void *ctx, const pa_model *m, pa_result *r, pa_error *err);
} pa_stages;
/* What an engine did, for tests and benchmarks: stage keys found kept and computed anew,
 * entries let go over the limit, what it holds, and the data rolled up ([units]). */
typedef struct pa_engine_counts {
    size_t reused, computed, evicted, entries, bytes, rollups;
} pa_engine_counts;
PA_EXPORT pa_engine_counts pa__engine_counts(const pa_engine *e);
/* Bytes kept beyond the last call's stages (default: four times the data's values, at least
 * 64 MiB; once set here, it stays whatever rows are added); stages never reused go first,
 * then the least recently used, down to 7/8 of the limit. */
PA_EXPORT void pa__engine_set_limit(pa_engine *e, size_t bytes);
/* pa_compute on the pool in use, with the stages kept (compute.c). */
pa_status pa_compute_kept(pa_result **out, const pa_model *m, const pa_data *d,
                          const pa_stages *kept, pa_error *err);

#endif
