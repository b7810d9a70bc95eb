/* SPDX-License-Identifier: MIT */
/* Shared test helpers: cmocka 1.1.5 has no double comparison, so compare here. */
#ifndef PA_TESTUTIL_H
#define PA_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

/* |a - b| <= rel * max(|a|, |b|), or both NaN. */
#define assert_close(a, b, rel) assert_close_impl((a), (b), (rel), __FILE__, __LINE__)

static inline void
assert_close_impl(double a, double b, double rel, const char *file, int line)
{
    if (isnan(a) && isnan(b))
        return;
    double scale = fmax(fabs(a), fabs(b));
    if (!(fabs(a - b) <= rel * scale) && !(a == b)) {
        print_error("%.17g != %.17g (relative tolerance %g)\n", a, b, rel);
        _fail(file, line);
    }
}

#endif
