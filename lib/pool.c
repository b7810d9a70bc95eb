/* SPDX-License-Identifier: MIT */
/* Tasks on the machine's cores, results independent of the thread count. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"

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

/* Threads to use: the machine's cores, at most eight, or PINGAN_THREADS (1 to 64) when set —
 * so that a test can show that results do not depend on it. */
static __thread size_t thread_cap;

size_t
pa_thread_cap(size_t n)
{
    size_t old = thread_cap;
    thread_cap = n;
    return old;
}

size_t
pa_thread_count(void)
{
    if (thread_cap)
        return thread_cap;
    const char *env = getenv("PINGAN_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (!*end && v >= 1 && v <= 64)
            return (size_t)v;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 8 ? 8 : cores > 1 ? (size_t)cores : 1;
}

/* A pool: worker threads made once and woken for each parallel for, instead of threads made
 * afresh for every step and node. */
struct pa_pool {
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    pthread_t *th;
    size_t n_th;
    unsigned long gen;          /* bumped for every job */
    size_t active;              /* workers still on the current job */
    pfor *job;
    int quit, busy;
};

static __thread pa_pool *current_pool;

static void *
pool_main(void *arg)
{
    pa_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->gen == seen && !p->quit)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->quit)
            break;
        seen = p->gen;
        pfor *job = p->job;
        pthread_mutex_unlock(&p->lock);
        pfor_run(job);
        pthread_mutex_lock(&p->lock);
        if (--p->active == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

pa_status
pa_pool_new(pa_pool **out, pa_error *err)
{
    pa_pool *p = pa_calloc(1, sizeof *p);
    size_t want = pa_thread_count() - 1;
    if (!p || !(p->th = pa_calloc(want ? want : 1, sizeof *p->th))) {
        pa_free(p);
        return pa_nomem(err);
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    /* fewer threads than asked for (a process limit) only means less parallelism */
    while (p->n_th < want && pthread_create(&p->th[p->n_th], NULL, pool_main, p) == 0)
        p->n_th++;
    *out = p;
    return PA_OK;
}

void
pa_pool_free(pa_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->n_th; i++)
        pthread_join(p->th[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pa_free(p->th);
    pa_free(p);
}

pa_pool *
pa_pool_use(pa_pool *p)
{
    pa_pool *old = current_pool;
    current_pool = p;
    return old;
}

/* The job on the pool's workers and on this thread; 0 when the pool is already at work (a
 * parallel for inside a task), and the caller must make threads of its own. */
static int
pool_run(pa_pool *p, pfor *pf)
{
    pthread_mutex_lock(&p->lock);
    if (p->busy) {
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    p->busy = 1;
    p->job = pf;
    p->active = p->n_th;
    p->gen++;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    pfor_run(pf);
    pthread_mutex_lock(&p->lock);
    while (p->active)
        pthread_cond_wait(&p->done, &p->lock);
    p->busy = 0;
    pthread_mutex_unlock(&p->lock);
    return 1;
}

/* Threads of its own, for a call outside any pool. */
static void
spawn_run(pfor *pf)
{
    size_t nt = pa_thread_count(); /* at most 64, as a pool's */
    if (nt > pf->n)
        nt = pf->n;
    pthread_t th[64];
    size_t started = 0;
    for (size_t t = 1; t < nt; t++)
        if (pthread_create(&th[started], NULL, pfor_run, pf) == 0)
            started++;
    pfor_run(pf);
    for (size_t t = 0; t < started; t++)
        pthread_join(th[t], NULL);
}

pa_status
pa_parallel_for(size_t n, pa_task_fn fn, void *ctx, pa_error *err)
{
    pfor pf = { .n = n, .fn = fn, .ctx = ctx, .err_task = PA_NONE };
    pthread_mutex_init(&pf.lock, NULL);
    pa_pool *p = current_pool;
    if (n < 2)
        pfor_run(&pf);
    else if (!(p && p->n_th && pool_run(p, &pf)))
        spawn_run(&pf);
    pthread_mutex_destroy(&pf.lock);
    if (pf.err_task != PA_NONE) {
        if (err)
            *err = pf.err;
        return pf.err_st;
    }
    return PA_OK;
}
