/* SPDX-License-Identifier: MIT */
/* Periods: the spellings an analyst uses for a year, quarter, month or day, read into one
 * canonical form each ("2019", "2019Q3", "2019-07", "2019-07-15"), so that 2019-7, 2019/07,
 * 201907 and 2019年7月 are one period, periods of one kind sort by their bytes, and the
 * form tells the kind by its length. */
#include <stdlib.h>
#include <string.h>

#include "period.h"

typedef struct scan {
    const unsigned char *p, *end;
} scan;

/* A run of 1..max ASCII digits as a number, or -1 (and nothing consumed). Sets *n_digits. */
static long
digits(scan *s, int max, int *n_digits)
{
    const unsigned char *q = s->p;
    long v = 0;
    while (q < s->end && *q >= '0' && *q <= '9' && q - s->p < max + 1)
        v = v * 10 + (*q++ - '0');
    int n = (int)(q - s->p);
    if (n == 0 || n > max)
        return -1;
    *n_digits = n;
    s->p = q;
    return v;
}

/* Consumes `word` (UTF-8 text such as "年") when it comes next. */
static int
word(scan *s, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
        return 0;
    s->p += n;
    return 1;
}

static int
days_in(long y, long m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The canonical text of a period of `kind` (q: the quarter, m and d: month and day, as the
 * kind has them), or PA_PERIOD_NONE when a number is out of its range. */
static pa_period_kind
put(char out[PA_PERIOD_TEXT], pa_period_kind kind, long y, long q, long m, long d)
{
    if (y < 1000 || y > 9999 || (kind == PA_PERIOD_QUARTER && (q < 1 || q > 4)) ||
        (kind >= PA_PERIOD_MONTH && (m < 1 || m > 12)) ||
        (kind == PA_PERIOD_DAY && (d < 1 || d > days_in(y, m))))
        return PA_PERIOD_NONE;
    /* the digits by hand: the bounds above are what keep them within PA_PERIOD_TEXT */
    char *o = out;
    for (long k = 1000; k; k /= 10)
        *o++ = (char)('0' + y / k % 10);
    if (kind == PA_PERIOD_QUARTER)
        *o++ = 'Q', *o++ = (char)('0' + q);
    if (kind >= PA_PERIOD_MONTH)
        *o++ = '-', *o++ = (char)('0' + m / 10), *o++ = (char)('0' + m % 10);
    if (kind == PA_PERIOD_DAY)
        *o++ = '-', *o++ = (char)('0' + d / 10), *o++ = (char)('0' + d % 10);
    *o = '\0';
    return kind;
}

/* After "2019年": nothing, 7月, 7月15日 or 第3季度. */
static pa_period_kind
after_nian(scan *s, long y, char out[PA_PERIOD_TEXT])
{
    int n;
    if (s->p == s->end)
        return put(out, PA_PERIOD_YEAR, y, 0, 0, 0);
    if (word(s, "第")) {
        long q = digits(s, 1, &n);
        return word(s, "季度") && s->p == s->end ? put(out, PA_PERIOD_QUARTER, y, q, 0, 0)
                                                 : PA_PERIOD_NONE;
    }
    long m = digits(s, 2, &n);
    if (m < 0 || !word(s, "月"))
        return PA_PERIOD_NONE;
    if (s->p == s->end)
        return put(out, PA_PERIOD_MONTH, y, 0, m, 0);
    long d = digits(s, 2, &n);
    return word(s, "日") && s->p == s->end ? put(out, PA_PERIOD_DAY, y, 0, m, d) : PA_PERIOD_NONE;
}

/* After "2019": Q3, -Q3, -7, -07-15 (one separator of - _ . / throughout). */
static pa_period_kind
after_year(scan *s, long y, char out[PA_PERIOD_TEXT])
{
    int n;
    unsigned char sep = 0;
    if (s->p < s->end && *s->p && strchr("-_./", *s->p))
        sep = *s->p++;
    if (s->p < s->end && (*s->p == 'Q' || *s->p == 'q')) {
        s->p++;
        long q = digits(s, 1, &n);
        return s->p == s->end ? put(out, PA_PERIOD_QUARTER, y, q, 0, 0) : PA_PERIOD_NONE;
    }
    if (!sep)
        return PA_PERIOD_NONE;
    long m = digits(s, 2, &n);
    if (m < 0)
        return PA_PERIOD_NONE;
    if (s->p == s->end)
        return put(out, PA_PERIOD_MONTH, y, 0, m, 0);
    if (*s->p++ != sep)
        return PA_PERIOD_NONE;
    long d = digits(s, 2, &n);
    return s->p == s->end ? put(out, PA_PERIOD_DAY, y, 0, m, d) : PA_PERIOD_NONE;
}

pa_period_kind
pa_period_parse(const char *text, size_t len, char out[PA_PERIOD_TEXT])
{
    scan s = {(const unsigned char *)text, (const unsigned char *)text + len};
    int n = 0;
    long v = digits(&s, 8, &n);
    if (v < 0)
        return PA_PERIOD_NONE;
    if (s.p == s.end && n == 8) /* 20190715 */
        return put(out, PA_PERIOD_DAY, v / 10000, 0, v / 100 % 100, v % 100);
    if (s.p == s.end && n == 6) /* 201907 */
        return put(out, PA_PERIOD_MONTH, v / 100, 0, v % 100, 0);
    if (n != 4)
        return PA_PERIOD_NONE;
    if (s.p == s.end)
        return put(out, PA_PERIOD_YEAR, v, 0, 0, 0);
    if (word(&s, "年"))
        return after_nian(&s, v, out);
    return after_year(&s, v, out);
}

pa_period_kind
pa_period_kind_of(const char *canonical)
{
    switch (strlen(canonical)) {
    case 4:
        return PA_PERIOD_YEAR;
    case 6:
        return PA_PERIOD_QUARTER;
    case 7:
        return PA_PERIOD_MONTH;
    case 10:
        return PA_PERIOD_DAY;
    default:
        return PA_PERIOD_NONE;
    }
}

const char *
pa_period_kind_name(pa_period_kind k)
{
    static const char *const names[] = {"no period", "a year", "a quarter", "a month", "a day"};
    return names[k];
}

static unsigned char
fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 'a' - 'A') : (unsigned char)c;
}

int
pa_period_same_spelling(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0, j = 0;
    while (i < alen && j < blen) {
        int da = a[i] >= '0' && a[i] <= '9', db = b[j] >= '0' && b[j] <= '9';
        if (da != db)
            return 0;
        if (da) { /* a run of digits matches a run of digits of any length */
            while (i < alen && a[i] >= '0' && a[i] <= '9')
                i++;
            while (j < blen && b[j] >= '0' && b[j] <= '9')
                j++;
            continue;
        }
        if (fold(a[i]) != fold(b[j]))
            return 0;
        i++, j++;
    }
    return i == alen && j == blen;
}

/* Days from 1 March of year 0 (proleptic Gregorian), the usual civil-date formula. */
static long
day_number(long y, long m, long d)
{
    if (m < 3)
        y--, m += 12;
    return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d - 1;
}

double
pa_period_ordinal(const char *c)
{
    long y = strtol(c, NULL, 10);
    switch (pa_period_kind_of(c)) {
    case PA_PERIOD_YEAR: return (double)y;
    case PA_PERIOD_QUARTER: return (double)(y * 4 + (c[5] - '1'));
    case PA_PERIOD_MONTH: return (double)(y * 12 + strtol(c + 5, NULL, 10) - 1);
    case PA_PERIOD_DAY:
        return (double)day_number(y, strtol(c + 5, NULL, 10), strtol(c + 8, NULL, 10));
    default: return 0.0;
    }
}
