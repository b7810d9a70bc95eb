/* SPDX-License-Identifier: MIT */
/* Numbers: reading data cells, printing the shortest round trip (number.c). */
#ifndef PA_NUMBER_H
#define PA_NUMBER_H

#include "base.h"

/* ---- numbers ---- */
locale_t pa_c_locale(void);
/* 1: missing token (empty, NA, N/A, -, —, null, Excel's #N/A); 0 otherwise. */
int pa_is_missing(const char *s, size_t len);
/* Strict decimal number: 0 ok, -1 not a number, -2 out of range. Surrounding blanks allowed. */
int pa_parse_number(const char *s, size_t len, double *out);
/* A data cell as a spreadsheet writes it, once pa_parse_number said no: full-width digits and
 * signs, Unicode blanks, thousands groups of three ("1,234,567.5"), with sep ';' a decimal
 * comma ("1,5", "1.234,5"); what it is when it is no number, for the message. */
typedef enum pa_cell {
    PA_CELL_NUMBER, PA_CELL_MISSING, PA_CELL_NOT_NUMBER, PA_CELL_RANGE, PA_CELL_PERCENT,
    PA_CELL_SUFFIX, PA_CELL_GROUPING, PA_CELL_SHEET_ERROR
} pa_cell;
pa_cell pa_parse_cell(const char *s, size_t len, int sep, double *out);
/* The usual data cell, a count: 1 to 15 digits and nothing else, exact as a double. 1 when s
 * is one (its value in *out), else 0 and pa_parse_number decides. Inline for the CSV reader,
 * which meets millions of them. */
static inline int
pa_parse_count(const char *s, size_t len, double *out)
{
    if (len == 0 || len > 15)
        return 0;
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned dg = (unsigned)(unsigned char)s[i] - '0';
        if (dg > 9)
            return 0;
        n = n * 10 + dg;
    }
    *out = (double)n;
    return 1;
}
/* The decimal digits of n < 10^18 at q, which has room for 18 bytes (those after the digits
 * may be overwritten); returns their end. */
char *pa_put_uint(char *q, uint64_t n);
/* Shortest text that reads back to the same double. buf >= 32; given 48 bytes or more, the
 * digits are copied straight in and any of the 48 bytes after the text may be overwritten. */
int pa_format_number(double v, char *buf, size_t size);
/* Compare two period names in time order: run by run, runs of digits by their value (see
 * number.c); a total order. */
int pa_period_cmp(const char *a, const char *b);

#endif
