/* SPDX-License-Identifier: MIT */
/* The allocation seam (every allocation of the library, and the test hook that fails one) and
 * error records. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base.h"

static long alloc_count;
static long alloc_fail_at;

long
pa__alloc_fail_at(long n)
{
    long c = alloc_count;
    alloc_count = 0;
    alloc_fail_at = n;
    return c;
}

static int
alloc_should_fail(void)
{
    long c = __atomic_add_fetch(&alloc_count, 1, __ATOMIC_RELAXED);
    return alloc_fail_at > 0 && c >= alloc_fail_at;
}

void *
pa_malloc(size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *
pa_calloc(size_t n, size_t size)
{
    if (alloc_should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *
pa_realloc(void *p, size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void *
pa_reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return pa_realloc(p, n * size);
}

void
pa_free(void *p)
{
    free(p);
}

char *
pa_strndup(const char *s, size_t n)
{
    char *d = pa_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *
pa_strdup(const char *s)
{
    return s ? pa_strndup(s, strlen(s)) : NULL;
}

pa_status
pa_vfail(pa_error *err, pa_status st, const char *file, long line, long col, const char *fmt,
         va_list ap)
{
    if (!err)
        return st;
    err->status = st;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = col;
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    return st;
}

pa_status
pa_fail(pa_error *err, pa_status st, const char *file, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pa_vfail(err, st, file, line, col, fmt, ap);
    va_end(ap);
    return st;
}

pa_status
pa_nomem(pa_error *err)
{
    return pa_fail(err, PA_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

