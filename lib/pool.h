/* SPDX-License-Identifier: MIT */
/* A parallel for over independent tasks, on one pool of threads (pool.c). */
#ifndef PA_POOL_H
#define PA_POOL_H

#include "base.h"

/* ---- a parallel for over independent tasks (results do not depend on the thread count) ---- */
typedef pa_status (*pa_task_fn)(void *ctx, size_t task, pa_error *err);
pa_status pa_parallel_for(size_t n, pa_task_fn fn, void *ctx, pa_error *err);
/* Worker threads made once (pool.c). pa_parallel_for on the thread that called pa_pool_use(p)
 * runs on p's workers; pa_pool_use returns the pool used before (NULL: threads per call). */
typedef struct pa_pool pa_pool;
pa_status pa_pool_new(pa_pool **out, pa_error *err);
void pa_pool_free(pa_pool *p);
pa_pool *pa_pool_use(pa_pool *p);
/* The machine's cores (at most 8), or PINGAN_THREADS when set; never more than this thread's
 * cap (pa_thread_cap). */
size_t pa_thread_count(void);
/* At most `cap` threads for pa_parallel_for calls made on this thread (0: no cap); returns the
 * cap set before. Uncertainty workers take one each, so that draws, not steps, share the cores. */
size_t pa_thread_cap(size_t cap);

#endif
