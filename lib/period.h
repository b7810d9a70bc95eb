/* SPDX-License-Identifier: MIT */
/* Periods: years, quarters, months and days (period.c). */
#ifndef PA_PERIOD_H
#define PA_PERIOD_H

#include "base.h"

/* ---- periods (period.c) ---- */
typedef enum pa_period_kind {
    PA_PERIOD_NONE = 0, PA_PERIOD_YEAR, PA_PERIOD_QUARTER, PA_PERIOD_MONTH, PA_PERIOD_DAY
} pa_period_kind;
enum { PA_PERIOD_TEXT = 11 }; /* "2019-07-15" and its NUL */
/* Reads a spelling of a period (2019, 2019年, 2019Q3, 2019-Q3, 2019年第3季度, 2019-07, 2019-7,
 * 2019/07, 2019.07, 201907, 2019年7月, 2019-07-15, 20190715, 2019年7月15日) into its canonical
 * form (2019, 2019Q3, 2019-07, 2019-07-15); PA_PERIOD_NONE when the text is no period. */
pa_period_kind pa_period_parse(const char *s, size_t len, char out[PA_PERIOD_TEXT]);
/* The kind of a canonical period ("" and anything else: PA_PERIOD_NONE). */
pa_period_kind pa_period_kind_of(const char *canonical);
/* A canonical period's place in time, in its kind's steps (years, quarters, months or days
 * since year 0): one step apart for neighbours, so differences measure gaps. 0 for "". */
double pa_period_ordinal(const char *canonical);
/* "a year", "a month", ... for messages. */
const char *pa_period_kind_name(pa_period_kind k);
/* Whether two spellings differ only in their digits (2019-7 and 2019-10; not 2019 and 2019年). */
int pa_period_same_spelling(const char *a, size_t alen, const char *b, size_t blen);

#endif
