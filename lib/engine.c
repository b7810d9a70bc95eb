/* SPDX-License-Identifier: MIT */
/* An engine: one data set scored again and again on one pool of threads. */
#include "internal.h"

struct pa_engine {
    const pa_data *d;
    pa_pool *pool;
};

pa_status
pa_engine_new(pa_engine **out, const pa_data *d, pa_error *err)
{
    if (!out || !d)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_engine *e = pa_calloc(1, sizeof *e);
    if (!e)
        return pa_nomem(err);
    e->d = d;
    pa_status st = pa_pool_new(&e->pool, err);
    if (st != PA_OK) {
        pa_free(e);
        return st;
    }
    *out = e;
    return PA_OK;
}

void
pa_engine_free(pa_engine *e)
{
    if (!e)
        return;
    pa_pool_free(e->pool);
    pa_free(e);
}

pa_status
pa_engine_compute(pa_engine *e, const pa_model *m, pa_result **out, pa_error *err)
{
    if (!e || !m || !out)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    pa_pool *old = pa_pool_use(e->pool);
    pa_status st = pa_compute_here(out, m, e->d, err);
    pa_pool_use(old);
    return st;
}
