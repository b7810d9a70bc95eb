/* SPDX-License-Identifier: MIT */
/* Tasks on the machine's cores, results independent of the thread count. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ---- a parallel for: tasks 0..n-1 on the machine's cores; the error reported is the one of
 * the lowest task, so results and messages do not depend on the number of threads ---- */

typedef struct pfor {
    size_t n, next;
    pa_task_fn fn;
    void *ctx;
    pthread_mutex_t lock;
    size_t err_task;
    pa_status err_st;
    pa_error err;
} pfor;

static void *
pfor_run(void *arg)
{
    pfor *pf = arg;
    pa_error e;
    for (;;) {
        pthread_mutex_lock(&pf->lock);
        size_t i = pf->next++;
        int stop = i >= pf->n || i > pf->err_task;
        pthread_mutex_unlock(&pf->lock);
        if (stop)
            return NULL;
        memset(&e, 0, sizeof e);
        pa_status st = pf->fn(pf->ctx, i, &e);
        if (st != PA_OK) {
            pthread_mutex_lock(&pf->lock);
            if (i < pf->err_task) {
                pf->err_task = i;
                pf->err_st = st;
                pf->err = e;
            }
            pthread_mutex_unlock(&pf->lock);
        }
    }
}

pa_status
pa_parallel_for(size_t n, pa_task_fn fn, void *ctx, pa_error *err)
{
    pfor pf = { .n = n, .fn = fn, .ctx = ctx, .err_task = PA_NONE };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = cores > 1 ? (size_t)cores : 1;
    if (nt > 8)
        nt = 8;
    if (nt > n)
        nt = n;
    pthread_mutex_init(&pf.lock, NULL);
    pthread_t th[8];
    size_t started = 0;
    for (size_t t = 1; t < nt; t++)
        if (pthread_create(&th[started], NULL, pfor_run, &pf) == 0)
            started++;
    pfor_run(&pf);
    for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&pf.lock);
    if (pf.err_task != PA_NONE) {
        if (err)
            *err = pf.err;
        return pf.err_st;
    }
    return PA_OK;
}
