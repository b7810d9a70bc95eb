/* SPDX-License-Identifier: MIT */
/* Numbers without the process locale: reading data cells, writing the shortest round-trip
 * text, and the time order of period names. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "number.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void
make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t
pa_c_locale(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int
pa_is_missing(const char *s, size_t len)
{
    while (len && is_blank(*s)) {
        s++;
        len--;
    }
    while (len && is_blank(s[len - 1]))
        len--;
    if (len == 0)
        return 1;
    static const char *const tokens[] = { "NA", "N/A", "-", "\xe2\x80\x94", "null", "NULL",
                                          "n/a", "na", "Null", "#N/A" };
    for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++)
        if (strlen(tokens[i]) == len && memcmp(tokens[i], s, len) == 0)
            return 1;
    return 0;
}

int
pa_parse_number(const char *s, size_t len, double *out)
{
    static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                  1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    if (pa_parse_count(s, len, out))
        return 0;
    while (len && is_blank(*s)) {
        s++;
        len--;
    }
    while (len && is_blank(s[len - 1]))
        len--;
    if (len == 0 || len >= 128)
        return -1;
    /* Only plain decimal notation: strtod alone would take nan, inf and hex. One pass checks
     * the form and gathers the digits for Clinger's exact fast path (up to 15 digits, no
     * exponent: M / 10^k is then correctly rounded). */
    size_t i = 0, digits = 0;
    uint64_t mant = 0;
    int k = 0;
    int neg = s[0] == '-';
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
        mant = mant * 10 + (uint64_t)(s[i] - '0');
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++, k++)
            mant = mant * 10 + (uint64_t)(s[i] - '0');
    }
    if (digits == 0)
        return -1;
    int has_exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        has_exp = 1;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            ed++;
        if (ed == 0)
            return -1;
    }
    if (i != len)
        return -1;
    if (digits <= 15 && !has_exp) {
        double v = (double)mant / p10[k];
        *out = neg ? -v : v;
        return 0;
    }
    char buf[128];
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod_l(buf, &end, pa_c_locale());
    if (*end != '\0')
        return -1;
    if ((errno == ERANGE && fabs(v) > 1.0) || !isfinite(v))
        return -2;
    *out = v;
    return 0;
}

/* ---- data cells as spreadsheets write them ---- */

/* The spreadsheet text as ASCII where it has a full-width or Unicode twin: digits, + - . , %
 * (U+FF0B..FF19, U+FF05), the minus sign U+2212, and blanks (no-break space, U+3000) as ' '.
 * Other bytes are kept. Returns the length, or 0 when it does not fit into cap. */
static size_t
cell_ascii(const char *s, size_t len, char *buf, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        const unsigned char *u = (const unsigned char *)s + i;
        char c = s[i];
        if (len - i >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x85 && u[2] <= 0x99 &&
            strchr("%+,-.0123456789", 0x20 + (u[2] - 0x80))) {
            c = (char)(0x20 + (u[2] - 0x80)); /* U+FF01.. are U+0021.. */
            i += 2;
        } else if (len - i >= 3 && ((u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92) ||
                                    (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80))) {
            c = u[0] == 0xE2 ? '-' : ' ';
            i += 2;
        } else if (len - i >= 2 && u[0] == 0xC2 && u[1] == 0xA0) {
            c = ' ';
            i++;
        }
        if (n + 1 >= cap)
            return 0;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return n;
}

/* Removes the grouping marks g of the integer part of buf (from its first digit) when every
 * group after the first holds three digits; -1 when one does not. */
static int
ungroup(char *buf, char g)
{
    char *p = buf + (*buf == '+' || *buf == '-');
    char *q = p;
    size_t run = 0;
    int grouped = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        *q++ = *p;
        run++;
        if (p[1] == g) {
            if (grouped ? run != 3 : run > 3 || *(q - run) == '0') /* "0,123" is no group */
                return -1;
            grouped = 1, run = 0, p++;
            if (p[1] < '0' || p[1] > '9')
                return -1;
        }
    }
    if (grouped && run != 3)
        return -1;
    memmove(q, p, strlen(p) + 1);
    return strchr(buf, g) ? -1 : 0;
}

/* Excel's error values (#DIV/0!, #VALUE!, #REF!, #NAME?, #NUM!, #NULL!, #SPILL!, ...). */
static int
is_sheet_error(const char *s)
{
    if (*s != '#' || strlen(s) > 16)
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("/_!?", *s)))
            return 0;
    return 1;
}

/* What a cell that is no number is, to say what to do about it. */
static pa_cell
cell_kind(const char *b, size_t n)
{
    if (is_sheet_error(b))
        return PA_CELL_SHEET_ERROR;
    if (b[n - 1] == '%')
        return PA_CELL_PERCENT;
    size_t i = (*b == '+' || *b == '-');
    size_t d0 = i;
    while (i < n && ((b[i] >= '0' && b[i] <= '9') || b[i] == '.'))
        i++;
    if (i > d0 && !strpbrk(b + i, "0123456789"))
        return PA_CELL_SUFFIX;
    return PA_CELL_NOT_NUMBER;
}

pa_cell
pa_parse_cell(const char *s, size_t len, int sep, double *out)
{
    char buf[128];
    size_t n = cell_ascii(s, len, buf, sizeof buf);
    if (n == 0 && len) /* too long for a number */
        return pa_is_missing(s, len) ? PA_CELL_MISSING : PA_CELL_NOT_NUMBER;
    char *b = buf;
    while (n && is_blank(b[n - 1]))
        b[--n] = '\0';
    while (n && is_blank(*b))
        b++, n--;
    if (pa_is_missing(b, n))
        return PA_CELL_MISSING;
    char *comma = strchr(b, ',');
    if (comma && sep == ';') { /* a decimal comma, after groups of a dot if any */
        if ((strchr(b, '.') && ungroup(b, '.') != 0) || strchr(comma + 1, ','))
            return PA_CELL_GROUPING;
        *strchr(b, ',') = '.';
    } else if (comma && ungroup(b, ',') != 0) {
        return PA_CELL_GROUPING;
    }
    int e = pa_parse_number(b, strlen(b), out);
    return e == 0 ? PA_CELL_NUMBER : e == -2 ? PA_CELL_RANGE : cell_kind(b, strlen(b));
}

typedef unsigned __int128 u128;

/* 5^0 .. 5^20 and 10^0 .. 10^18 */
static const uint64_t pow5[] = {
    1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL, 15625ULL, 78125ULL, 390625ULL, 1953125ULL,
    9765625ULL, 48828125ULL, 244140625ULL, 1220703125ULL, 6103515625ULL, 30517578125ULL,
    152587890625ULL, 762939453125ULL, 3814697265625ULL, 19073486328125ULL, 95367431640625ULL };
static const uint64_t pow10_u64[] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL, 1000000000000000000ULL };

static const char two_digits[] = "00010203040506070809101112131415161718192021222324"
                                 "25262728293031323334353637383940414243444546474849"
                                 "50515253545556575859606162636465666768697071727374"
                                 "75767778798081828384858687888990919293949596979899";

/* The eight decimal digits of n < 10^8 as ASCII, the first in the lowest byte: n is split into
 * halves of four digits, pairs and single digits in the lanes of one word, each division by a
 * multiplication that is exact in its range (checked for every n in the unit tests). */
static inline uint64_t
eight_digits(uint32_t n)
{
    uint64_t hi = ((uint64_t)n * 109951163) >> 40; /* n / 10^4 */
    uint64_t v = hi | ((uint64_t)(n - (uint32_t)hi * 10000) << 32);
    uint64_t h = ((v * 10486) >> 20) & 0x0000007F0000007FULL; /* each lane / 100 */
    v = h | ((v - h * 100) << 16);
    h = ((v * 103) >> 10) & 0x000F000F000F000FULL; /* each lane / 10 */
    v = h | ((v - h * 10) << 8);
    return v + 0x3030303030303030ULL;
}

/* The digits of q < 10^18, zero-padded to 18, at d[0..18): callers copy them out in fixed
 * 18-byte moves (no call), so d has room for reads up to 36 bytes on. */
static inline void
eighteen_digits(uint64_t q, char d[40])
{
    uint64_t top = q / 100000000;
    uint64_t lo = eight_digits((uint32_t)(q - top * 100000000)), mid;
    if (top < 100000000) { /* 16 digits or fewer: no division for the first two */
        memcpy(d, "00", 2);
        mid = eight_digits((uint32_t)top);
    } else {
        memcpy(d, two_digits + 2 * (top / 100000000), 2);
        mid = eight_digits((uint32_t)(top % 100000000));
    }
    memcpy(d + 2, &mid, 8);
    memcpy(d + 10, &lo, 8);
    memset(d + 18, 0, 22);
}

/* X = q + rem / 2^t in units of 10^-D. Rounds X to a multiple of g (ties to even) into *r and
 * says whether that reads back: it lies within half a gap of the double, 5^D / 2 in units of
 * 2^-t (inclusive when the mantissa is even, as strtod rounds ties to even). Inlined with g a
 * constant, so that the divisions are multiplications. */
static inline __attribute__((always_inline)) int
round_to(uint64_t q, uint64_t rem, int t, uint64_t g, uint64_t lim, int even, uint64_t *r)
{
    uint64_t d = ((q % g) << (t + 1)) + 2 * rem; /* place inside the cell, in 2^-(t+1) */
    uint64_t half = g << t;
    *r = q / g;
    int up = d > half || (d == half && (*r & 1));
    uint64_t diff = up ? (g << (t + 1)) - d : d;
    *r += (uint64_t)up;
    return diff < lim || (even && diff == lim);
}

char *
pa_put_uint(char *q, uint64_t n)
{
    char d[40];
    int nd = ((64 - __builtin_clzll(n | 1)) * 1233) >> 12; /* floor(log10 2 · bits) */
    nd += n >= pow10_u64[nd] || nd == 0;
    if (n < 100000000) { /* a rank or a count: one word, its leading zeros shifted out */
        uint64_t w = eight_digits((uint32_t)n) >> (8 * (8 - nd));
        memcpy(q, &w, 8);
        return q + nd;
    }
    eighteen_digits(n, d);
    memcpy(q, d + 18 - nd, 18);
    return q + nd;
}

/* Shortest plain decimal of a double in [1e-4, 1e16): the first number of decimals whose
 * correctly rounded value reads back to v, that is the digits of printf("%.*f") with the
 * smallest such precision. Returns -1 where this does not apply (the caller then uses printf):
 * outside that range, and at powers of two below 1, whose gap below is half the gap above.
 *
 * With e10 = floor(log10 |v|) and D = 16 - e10, X = |v|·10^D lies in [10^16, 10^17) and is
 * exactly m·5^D / 2^t (|v| = m / 2^s, t = s - D, which is 0..46 here): one 64×64-bit product.
 * The interval that reads back to v is 1.1 to 22 units of X wide (X / m), so the nearest
 * integer (17 digits) always lies in it, and a multiple of 100 (15 digits) is the only
 * candidate shorter than 16 digits (a shorter decimal in the interval is one too); the 15
 * digits can only read back when the 16 do. buf has room for 48 bytes. */
static inline int
format_fixed(double v, char *buf)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e16))
        return -1;
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int be = (int)(bits >> 52);
    uint64_t frac = bits & ((1ULL << 52) - 1);
    uint64_t m = frac | (1ULL << 52);
    int s = 1075 - be; /* a = m / 2^s */
    char *p = buf;
    if (v < 0)
        *p++ = '-';
    char d[40];
    if (s <= 0 || (s <= 52 && (m & ((1ULL << s) - 1)) == 0)) { /* an integer below 2^54 */
        p = pa_put_uint(p, s <= 0 ? m << -s : m >> s);
        *p = '\0';
        return (int)(p - buf);
    }
    if (frac == 0)
        return -1;
    static const double p10[] = { 1e-4, 1e-3, 1e-2, 1e-1, 1,    1e1,  1e2,  1e3,  1e4,  1e5, 1e6,
                                  1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16 };
    /* floor(log10 a) is floor(log10 2 · binary exponent) or one more (78913 / 2^18 is log10 2
     * close enough for these exponents; >> of a negative number floors in GCC and Clang) */
    int e10 = ((be - 1023) * 78913) >> 18;
    e10 += a >= p10[e10 + 5];
    int D = 16 - e10, t = s - D;
    if (t < 0 || t > 46) /* not for a double of this range; kept out of the shifts below */
        return -1;
    u128 num = (u128)m * pow5[D];
    uint64_t q = (uint64_t)(num >> t), rem = (uint64_t)num & ((1ULL << t) - 1);
    uint64_t lim = pow5[D], r;
    int even = (m & 1) == 0, k;
    if (round_to(q, rem, t, 10, lim, even, &r)) {
        k = 1;
        uint64_t r15;
        if (D >= 2 && round_to(q, rem, t, 100, lim, even, &r15)) {
            k = 2;
            r = r15;
        }
    } else if (round_to(q, rem, t, 1, lim, even, &r)) {
        k = 0;
    } else {
        return -1;
    }
    int dec = D - k, nd = 17 - k + (r >= pow10_u64[17 - k]);
    /* a shorter decimal drops its zeros (16 or 17 digits that end in 0 would be 15 digits) */
    while (k == 2 && dec > 0 && r % 10 == 0) {
        r /= 10;
        dec--;
        nd--;
    }
    eighteen_digits(r, d);
    const char *src = d + 18 - nd;
    /* fixed-size copies: buf has room for 48 bytes */
    if (nd <= dec) { /* 0.000ddd */
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', 24);
        p += dec - nd;
        memcpy(p, src, 18);
        p += nd;
    } else {
        memcpy(p, src, 18);
        p += nd - dec;
        if (dec > 0) {
            *p++ = '.';
            memcpy(p, src + nd - dec, 18);
            p += dec;
        }
    }
    *p = '\0';
    return (int)(p - buf);
}

int
pa_format_number(double v, char *buf, size_t size)
{
    if (v == 0.0) {
        snprintf(buf, size, "0");
        return 1;
    }
    char tmp[64];
    char *out = size >= 48 ? buf : tmp;
    int fast = format_fixed(v, out);
    if (fast >= 0 && out == buf)
        return fast;
    if (fast >= 0 && (size_t)fast < size) {
        memcpy(buf, tmp, (size_t)fast + 1);
        return fast;
    }
    locale_t old = uselocale(pa_c_locale());
    int n = 0;
    /* plain notation where it is readable (counts stay "18500", not "1.85e+04") */
    if (fabs(v) >= 1e-4 && fabs(v) < 1e16) {
        for (int dec = 0; dec <= 20; dec++) {
            n = snprintf(buf, size, "%.*f", dec, v);
            if (strtod_l(buf, NULL, pa_c_locale()) == v) {
                uselocale(old);
                return n;
            }
        }
    }
    for (int prec = 1; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, v);
        if (strtod_l(buf, NULL, pa_c_locale()) == v)
            break;
    }
    uselocale(old);
    return n;
}

static unsigned char
fold_case(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 'a' - 'A') : c;
}

/* Period names in time order: run by run, runs of digits by their value (leading zeros aside),
 * other bytes as bytes with ASCII case folded, a name before its longer extensions; names equal
 * that way (2019-1 and 2019-01) by their bytes. So 9 < 10, 2019-9 < 2019-10 < 2019-11,
 * 2019.9 < 2019.10 (dotted months), 2019-1 < 2019-02, 2019W9 < 2019W10, 2019q1 < 2019Q2, and
 * years come before their months (2019 < 2019-3 < 2020). A lexicographic order over tokens
 * that are themselves totally ordered: transitive for any mix of names, as qsort needs. */
int
pa_period_cmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *q) {
        if (*p >= '0' && *p <= '9' && *q >= '0' && *q <= '9') {
            while (*p == '0')
                p++;
            while (*q == '0')
                q++;
            const unsigned char *p0 = p, *q0 = q;
            while (*p >= '0' && *p <= '9')
                p++;
            while (*q >= '0' && *q <= '9')
                q++;
            size_t lp = (size_t)(p - p0), lq = (size_t)(q - q0);
            if (lp != lq)
                return lp < lq ? -1 : 1;
            int c = memcmp(p0, q0, lp);
            if (c)
                return c < 0 ? -1 : 1;
            continue;
        }
        unsigned char x = fold_case(*p), y = fold_case(*q);
        if (x != y)
            return x < y ? -1 : 1;
        p++, q++;
    }
    if (*p || *q)
        return *p ? 1 : -1;
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

