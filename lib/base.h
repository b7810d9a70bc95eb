/* SPDX-License-Identifier: MIT */
/* The ground every module stands on: the public types, allocation and errors. */
#ifndef PA_BASE_H
#define PA_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "pingan/pingan.h"

#define PA_NONE ((size_t)-1)

/* ---- allocation seam: every allocation of the library goes through here ---- */
void *pa_malloc(size_t n);
void *pa_calloc(size_t n, size_t size);
void *pa_realloc(void *p, size_t n);
void *pa_reallocarray(void *p, size_t n, size_t size);
void pa_free(void *p);
char *pa_strdup(const char *s);
char *pa_strndup(const char *s, size_t n);
/* Test hook: fail the Nth allocation from now on (0 disables). Returns allocations counted. */
PA_EXPORT long pa__alloc_fail_at(long n);

/* ---- errors ---- */
pa_status pa_fail(pa_error *err, pa_status st, const char *file, long line, long col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* pa_fail with its arguments as a va_list (notes are filled the same way). */
pa_status pa_vfail(pa_error *err, pa_status st, const char *file, long line, long col,
                   const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
pa_status pa_nomem(pa_error *err);

#endif
