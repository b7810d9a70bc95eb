/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/number.c (strict numbers, missing tokens, shortest round-trip formatting,
 * period order), lib/strmap.c and the error records of lib/alloc.c. Every expectation is
 * worked out in a comment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../testutil.h"

/* Parse a NUL-terminated string with pa_parse_number. */
static int
parse(const char *s, double *out)
{
    return pa_parse_number(s, strlen(s), out);
}

static void
test_parse_number_accepts(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(parse("12", &v), 0);
    assert_true(v == 12.0);
    assert_int_equal(parse("-3.5", &v), 0);
    assert_true(v == -3.5);
    assert_int_equal(parse("1e3", &v), 0); /* 1·10³ */
    assert_true(v == 1000.0);
    assert_int_equal(parse(" 7 ", &v), 0); /* surrounding blanks are allowed */
    assert_true(v == 7.0);
    assert_int_equal(parse("\t8\t", &v), 0); /* tabs are blanks too */
    assert_true(v == 8.0);
    assert_int_equal(parse("+5", &v), 0);
    assert_true(v == 5.0);
    assert_int_equal(parse(".25", &v), 0); /* digits after the point only */
    assert_true(v == 0.25);
    assert_int_equal(parse("2.5E-2", &v), 0); /* 2.5/100 */
    assert_true(v == 0.025);
    /* the length is honoured: "123" with len 2 is 12 */
    assert_int_equal(pa_parse_number("123", 2, &v), 0);
    assert_true(v == 12.0);
    /* underflow to 0 is not an error (only overflow is out of range) */
    assert_int_equal(parse("1e-400", &v), 0);
    assert_true(v == 0.0);
}

/* Plain digit strings (counts, the usual cell) of every length, with leading zeros, on
 * both sides of the 15 digits that are always exact: the value strtod gives. */
static void
test_parse_number_counts(void **state)
{
    (void)state;
    char buf[32];
    unsigned long long x = 88172645463325252ULL; /* xorshift: deterministic digits */
    for (int len = 1; len <= 20; len++)
        for (int t = 0; t < 200; t++) {
            for (int i = 0; i < len; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                buf[i] = (char)('0' + (t == 0 ? 9 : t == 1 ? 0 : (int)(x % 10)));
            }
            buf[len] = '\0';
            double v = -1;
            assert_int_equal(parse(buf, &v), 0);
            if (v != strtod(buf, NULL))
                fail_msg("'%s' gave %.17g", buf, v);
        }
}

static void
test_parse_number_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = { "nan", "NaN", "inf", "-inf", "Infinity", "0x10", "0X1F",
                                       "1,5", "12abc", "", "   ", "1e", "1e+", ".", "-", "+",
                                       "1.2.3", "1 2", "e5", "--1", "١٢" /* Arabic digits */ };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v = 42.0;
        int r = parse(bad[i], &v);
        if (r != -1)
            print_error("'%s' gave %d\n", bad[i], r);
        assert_int_equal(r, -1);
        assert_true(v == 42.0); /* *out untouched on failure */
    }
}

static void
test_parse_number_overflow(void **state)
{
    (void)state;
    double v = 42.0;
    /* 1e400 > DBL_MAX ≈ 1.8e308: out of range, -2, not -1 (it is a number) */
    assert_int_equal(parse("1e400", &v), -2);
    assert_int_equal(parse("-1e400", &v), -2);
    assert_true(v == 42.0);
    /* DBL_MAX itself is fine */
    assert_int_equal(parse("1.7976931348623157e308", &v), 0);
    assert_true(v == 1.7976931348623157e308);
}

static void
test_is_missing(void **state)
{
    (void)state;
    /* SPEC §2: empty, NA, N/A, -, — (U+2014, UTF-8 E2 80 94), null */
    static const char *const missing[] = { "", "NA", "N/A", "-", "\xe2\x80\x94", "null",
                                           " NA ", "  ", "\tnull" };
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++) {
        if (!pa_is_missing(missing[i], strlen(missing[i])))
            print_error("'%s' should be missing\n", missing[i]);
        assert_true(pa_is_missing(missing[i], strlen(missing[i])));
    }
    /* numbers, words and look-alikes are not missing tokens: "nan" must be an error later,
     * "–" is an en dash (U+2013), "--" is two hyphens */
    static const char *const present[] = { "0", "1", "-1", "nan", "NaN", "none", "NAN", "--",
                                           "\xe2\x80\x93", "N", "A", "nul", "nulls", "NA1",
                                           "x" };
    for (size_t i = 0; i < sizeof present / sizeof *present; i++) {
        if (pa_is_missing(present[i], strlen(present[i])))
            print_error("'%s' should not be missing\n", present[i]);
        assert_false(pa_is_missing(present[i], strlen(present[i])));
    }
    /* the length is honoured: "NAB" with len 2 is "NA" */
    assert_true(pa_is_missing("NAB", 2));
    assert_false(pa_is_missing("NAB", 3));
}

/* Format and return a static copy (test helper). */
static const char *
fmt(double v)
{
    static char buf[64];
    int n = pa_format_number(v, buf, 32); /* the documented minimum size */
    assert_int_equal(n, (int)strlen(buf));
    return buf;
}

static void
test_format_number_exact(void **state)
{
    (void)state;
    assert_string_equal(fmt(0.1), "0.1");
    assert_string_equal(fmt(18500), "18500"); /* counts stay plain, not 1.85e+04 */
    assert_string_equal(fmt(-2.5), "-2.5");
    assert_string_equal(fmt(0.0), "0");
    assert_string_equal(fmt(-0.0), "0"); /* no "-0" */
    assert_string_equal(fmt(100), "100");
    assert_string_equal(fmt(1e-300), "1e-300");
    /* 0.1 + 0.2 is 0.30000000000000004440…: 17 significant digits are needed */
    assert_string_equal(fmt(0.1 + 0.2), "0.30000000000000004");
    assert_string_equal(fmt(371.7), "371.7");
    /* every output reads back to the same double */
    double third = 1.0 / 3.0;
    assert_true(strtod(fmt(third), NULL) == third);
    assert_true(strtod(fmt(1e-300), NULL) == 1e-300);
    assert_true(strtod(fmt(5e-324), NULL) == 5e-324); /* smallest subnormal */
    assert_true(strtod(fmt(1.7976931348623157e308), NULL) == 1.7976931348623157e308);
    assert_true(strtod(fmt(1e16), NULL) == 1e16);
    assert_true(strtod(fmt(-1.234e-5), NULL) == -1.234e-5);
}

static uint64_t
xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void
test_format_number_random_roundtrip(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = xorshift(&seed);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        char buf[64];
        memset(buf, 'x', sizeof buf);
        int n = pa_format_number(v, buf, 32);
        assert_true(n > 0 && n < 32); /* fits the documented 32 bytes */
        double back = strtod(buf, NULL);
        if (!(back == v))
            print_error("%.17g formatted as '%s'\n", v, buf);
        assert_true(back == v);
    }
}

/* Plain-notation numbers (1e-4 to 1e16, the range the writer's fast path covers) against the
 * definition: the fewest decimals of printf's "%.*f" that read back to the same double. Both
 * the documented 32-byte buffer and the writer's 48-byte one. */
static void
test_format_number_plain_range(void **state)
{
    (void)state;
    uint64_t seed = 0xC0FFEE;
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = xorshift(&seed);
        double mant = 1.0 + (double)(bits >> 12) / 4503599627370496.0; /* [1, 2) */
        double v = ldexp(mant, (int)(bits % 67) - 14) * (bits & 2048 ? -1 : 1);
        if (fabs(v) < 1e-4 || fabs(v) >= 1e16)
            continue;
        char want[64];
        for (int dec = 0; dec <= 21; dec++) {
            snprintf(want, sizeof want, "%.*f", dec, v);
            if (strtod(want, NULL) == v)
                break;
        }
        char small[32], large[48];
        int ns = pa_format_number(v, small, sizeof small);
        int nl = pa_format_number(v, large, sizeof large);
        if (strcmp(small, want) != 0 || strcmp(large, want) != 0)
            print_error("%.17g: want '%s', got '%s' / '%s'\n", v, want, small, large);
        assert_string_equal(small, want);
        assert_string_equal(large, want);
        assert_int_equal(ns, (int)strlen(want));
        assert_int_equal(nl, (int)strlen(want));
    }
}

/* The definition of the plain range (1e-4 to 1e16, others are let through), as in
 * test_format_number_plain_range. */
static void
assert_fewest_decimals(double v)
{
    if (!(v >= 1e-4 && v < 1e16))
        return;
    char want[64], got[48];
    for (int dec = 0; dec <= 21; dec++) {
        snprintf(want, sizeof want, "%.*f", dec, v);
        if (strtod(want, NULL) == v)
            break;
    }
    int n = pa_format_number(v, got, sizeof got);
    if (strcmp(got, want) != 0)
        print_error("%.17g (%a): want '%s', got '%s'\n", v, v, want, got);
    assert_string_equal(got, want);
    assert_int_equal(n, (int)strlen(want));
}

/* Where the fast path is most likely wrong: integers (the digits are made eight at a time by
 * multiplications, split at 10^4, where x·10^4 - 1 errs first; x·1000100010001 puts x in every
 * four-digit lane), doubles with
 * few significant bits (exact decimals, ties at every length), the neighbours of powers of ten
 * and of 0.5 · 10^k, and 17-digit values ending in 5 or 99999. */
static void
test_format_number_edges(void **state)
{
    (void)state;
    for (long x = 0; x <= 10000; x++) {
        long n[] = { x * 10000 - 1, x * 10000, x * 100010001L, x * 1000100010001L };
        for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
            if (n[i] > 0)
                assert_fewest_decimals((double)n[i]);
    }
    uint64_t seed = 0xDECAFBAD;
    for (int i = 0; i < 20000; i++) {
        int bits = 1 + (int)(xorshift(&seed) % 60);
        uint64_t m = (xorshift(&seed) >> (64 - bits)) | 1;
        double v = ldexp((double)m, (int)(xorshift(&seed) % 110) - 70);
        assert_fewest_decimals(v);
        assert_fewest_decimals(nextafter(v, 0));
        assert_fewest_decimals(nextafter(v, INFINITY));
    }
    for (int e = -4; e <= 15; e++) {
        char t[32];
        snprintf(t, sizeof t, "1e%d", e);
        double p = strtod(t, NULL);
        double around[] = { p, 5 * p, 9.999999999999999 * p, 9.9999999999999999 * p };
        for (size_t i = 0; i < sizeof around / sizeof around[0]; i++) {
            double v = around[i], lo = v, hi = v;
            for (int k = 0; k < 4; k++, lo = nextafter(lo, 0), hi = nextafter(hi, INFINITY)) {
                assert_fewest_decimals(lo);
                assert_fewest_decimals(hi);
            }
        }
    }
    for (int i = 0; i < 20000; i++) {
        char t[64];
        unsigned long long mant = xorshift(&seed) % 10000000000000000ULL;
        int e = (int)(xorshift(&seed) % 20) - 20;
        snprintf(t, sizeof t, "%llu5e%d", mant, e);
        assert_fewest_decimals(strtod(t, NULL));
        snprintf(t, sizeof t, "%llu99999e%d", mant / 1000, e);
        assert_fewest_decimals(strtod(t, NULL));
    }
}

static void
test_format_number_shortest(void **state)
{
    (void)state;
    /* k/1000 for random k: the shortest text is "%.3f" with trailing zeros (and point)
     * removed, e.g. 123456/1000 → "123.456", 120/1000 → "0.12", 5000/1000 → "5"; a text with
     * fewer decimals is ≥ 0.0005 away, far more than one ulp below 1e6. */
    uint64_t seed = 12345;
    for (int i = 0; i < 20000; i++) {
        long k = (long)(xorshift(&seed) % 1000000000ULL) + 1;
        double v = (double)k / 1000.0;
        char want[64];
        snprintf(want, sizeof want, "%.3f", v);
        char *e = want + strlen(want) - 1;
        while (*e == '0')
            *e-- = '\0';
        if (*e == '.')
            *e = '\0';
        assert_string_equal(fmt(v), want);
        char neg[66];
        snprintf(neg, sizeof neg, "-%s", want);
        assert_string_equal(fmt(-v), neg);
    }
}

static void
test_period_cmp(void **state)
{
    (void)state;
    assert_true(pa_period_cmp("2019", "2018") > 0);
    assert_true(pa_period_cmp("2018", "2019") < 0);
    assert_int_equal(pa_period_cmp("2019", "2019"), 0);
    /* numerically: 9 < 10 although "9" > "10" as bytes */
    assert_true(pa_period_cmp("9", "10") < 0);
    assert_true(pa_period_cmp("10", "9") > 0);
    /* not numbers: runs of digits by value, padded or not */
    assert_true(pa_period_cmp("2019-03", "2019-11") < 0);
    assert_true(pa_period_cmp("2019-09", "2019-10") < 0);
    assert_true(pa_period_cmp("2019-9", "2019-10") < 0);
    assert_true(pa_period_cmp("2019-12", "2020-1") < 0);
    assert_true(pa_period_cmp("2019M9", "2019M10") < 0);
    assert_true(pa_period_cmp("2019W52", "2019W6") > 0);
    assert_true(pa_period_cmp("2019-009", "2019-010") < 0);
    assert_true(pa_period_cmp("2019Q2", "2019Q1") > 0);
    assert_true(pa_period_cmp("2019Q4", "2020Q1") < 0);
    /* padded beside unpadded, dotted months, case, years before their months */
    assert_true(pa_period_cmp("2019-1", "2019-02") < 0);
    assert_true(pa_period_cmp("2019-02", "2019-3") < 0);
    assert_true(pa_period_cmp("2019-1-5", "2019-01-15") < 0);
    assert_true(pa_period_cmp("2019.9", "2019.10") < 0);
    assert_true(pa_period_cmp("2019.1", "2019.12") < 0);
    assert_true(pa_period_cmp("2019q1", "2019Q2") < 0);
    assert_true(pa_period_cmp("2019Q1", "2019q2") < 0);
    assert_true(pa_period_cmp("2019", "2019-3") < 0);
    assert_true(pa_period_cmp("2019-12", "2020") < 0);
    assert_true(pa_period_cmp("2019年", "2020年") < 0);
    assert_true(pa_period_cmp("2019e1", "2020") < 0); /* a name, not 20190 */
    /* equal run by run, yet different names: ordered, never equal */
    assert_true(pa_period_cmp("2019-01", "2019-1") != 0);
    assert_true((pa_period_cmp("2019-01", "2019-1") < 0) == (pa_period_cmp("2019-1", "2019-01") > 0));
    /* every triple of a mixed set is ordered consistently */
    static const char *const mix[] = { "9", "10", "010", "-5", "-10", "1.5", "1.10", "2019",
                                       "1a", "9a", "10a", "1.7a", "-7a", "2019-1", "2019-10",
                                       "2019-9", "2019-09", "2019Q1", "", "x" };
    size_t nm = sizeof mix / sizeof *mix;
    for (size_t i = 0; i < nm; i++)
        for (size_t j = 0; j < nm; j++) {
            int ij = pa_period_cmp(mix[i], mix[j]);
            assert_true((ij > 0) == (pa_period_cmp(mix[j], mix[i]) < 0));
            for (size_t k = 0; k < nm; k++)
                if (ij <= 0 && pa_period_cmp(mix[j], mix[k]) <= 0)
                    assert_true(pa_period_cmp(mix[i], mix[k]) <= 0);
        }
    assert_true(pa_period_cmp("a", "b") < 0);
    assert_int_equal(pa_period_cmp("", ""), 0);
}

static void
test_strmap_basic(void **state)
{
    (void)state;
    pa_strmap m;
    memset(&m, 0, sizeof m);
    /* finding in an empty map is safe */
    assert_true(pa_strmap_find(&m, "a", 1) == PA_NONE);
    int added = -1;
    assert_true(pa_strmap_intern(&m, "a", 1, &added) == 0);
    assert_int_equal(added, 1);
    assert_true(pa_strmap_intern(&m, "bc", 2, &added) == 1);
    assert_int_equal(added, 1);
    assert_true(pa_strmap_intern(&m, "a", 1, &added) == 0); /* again: same index, not added */
    assert_int_equal(added, 0);
    assert_true(pa_strmap_intern(&m, "", 0, &added) == 2); /* the empty key is a key */
    assert_int_equal(added, 1);
    assert_true(m.n == 3);
    assert_true(pa_strmap_find(&m, "bc", 2) == 1);
    assert_true(pa_strmap_find(&m, "", 0) == 2);
    assert_true(pa_strmap_find(&m, "c", 1) == PA_NONE);
    /* a prefix of a key is another key: "b" is not "bc" */
    assert_true(pa_strmap_find(&m, "b", 1) == PA_NONE);
    /* the length is honoured: "abc" with len 1 is "a" */
    assert_true(pa_strmap_find(&m, "abc", 1) == 0);
    assert_true(pa_strmap_intern(&m, "bcd", 2, NULL) == 1);
    assert_string_equal(m.keys[1], "bc");
    /* keys are copies */
    char tmp[4] = "xyz";
    size_t k = pa_strmap_intern(&m, tmp, 3, NULL);
    tmp[0] = 'q';
    assert_true(pa_strmap_find(&m, "xyz", 3) == k);
    pa_strmap_free(&m);
    assert_true(m.n == 0 && m.keys == NULL && m.slots == NULL);
    pa_strmap_free(&m); /* twice is harmless */
    pa_strmap_free(NULL);
}

/* Keys appended as a list (no lookups) are all found once the map is used as a map again:
 * the first table is built from the keys, later ones from the hashes kept in the slots. */
static void
test_strmap_list_then_map(void **state)
{
    (void)state;
    pa_strmap m;
    memset(&m, 0, sizeof m);
    char key[32];
    for (size_t i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "g%07zu", i);
        assert_true(pa_strmap_append(&m, key, strlen(key)) == i);
    }
    assert_true(pa_strmap_find(&m, "g0000007", 8) == PA_NONE); /* a list: no table yet */
    for (size_t i = 300; i < 3000; i++) {
        snprintf(key, sizeof key, "g%07zu", i);
        int added = 0;
        assert_true(pa_strmap_intern(&m, key, strlen(key), &added) == i);
        assert_int_equal(added, 1);
    }
    for (size_t i = 0; i < 3000; i++) {
        snprintf(key, sizeof key, "g%07zu", i);
        assert_true(pa_strmap_find(&m, key, strlen(key)) == i);
    }
    assert_true(pa_strmap_find(&m, "g000000", 7) == PA_NONE);   /* a prefix of a key */
    assert_true(pa_strmap_find(&m, "g00000001", 9) == PA_NONE); /* a key and more */
    pa_strmap_truncate(&m, 1000);
    assert_true(pa_strmap_find(&m, "g0000999", 8) == 999);
    assert_true(pa_strmap_find(&m, "g0001000", 8) == PA_NONE);
    pa_strmap_free(&m);
}

static void
test_strmap_growth(void **state)
{
    (void)state;
    pa_strmap m;
    memset(&m, 0, sizeof m);
    enum { N = 5000 }; /* well past 1000 keys: several rehashes (64 → 16384 slots) */
    char key[32];
    for (size_t i = 0; i < N; i++) {
        snprintf(key, sizeof key, "unit%zu", i);
        int added = 0;
        assert_true(pa_strmap_intern(&m, key, strlen(key), &added) == i);
        assert_int_equal(added, 1);
    }
    assert_true(m.n == N);
    /* load factor stays at most 1/2 and the table is a power of two */
    assert_true(m.n_slots >= 2 * N);
    assert_true((m.n_slots & (m.n_slots - 1)) == 0);
    for (size_t i = 0; i < N; i++) {
        snprintf(key, sizeof key, "unit%zu", i);
        assert_true(pa_strmap_find(&m, key, strlen(key)) == i);
        assert_string_equal(m.keys[i], key);
        int added = 1;
        assert_true(pa_strmap_intern(&m, key, strlen(key), &added) == i);
        assert_int_equal(added, 0);
    }
    assert_true(pa_strmap_find(&m, "unit5000", 8) == PA_NONE);
    assert_true(m.n == N);
    pa_strmap_free(&m);
}

/* The i-th key of test_strmap_truncate: lengths vary, and one key is longer than any block
 * (1 MiB), so that it gets a block of its own. */
static size_t
nth_key(size_t i, char *buf, size_t size)
{
    if (i == 1500) {
        memset(buf, 'x', size - 1);
        buf[size - 1] = '\0';
        return size - 1;
    }
    return (size_t)snprintf(buf, size, "k%zu-%.*s", i, (int)(i % 40), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN");
}

/* Keys live in blocks of text: truncating must cut at any key (a block's first, its middle,
 * past the long key) and keep the earlier keys intact and findable, and keys added after it
 * must be whole. */
static void
test_strmap_truncate(void **state)
{
    (void)state;
    enum { N = 3000, LONG = (1 << 20) + 100 };
    char *buf = malloc(LONG + 1);
    assert_non_null(buf);
    static const size_t cuts[] = { 2999, 2000, 1501, 1500, 1499, 700, 1, 0 };
    for (int list = 0; list < 2; list++) {
        pa_strmap m;
        memset(&m, 0, sizeof m);
        size_t have = 0;
        for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
            for (; have < N; have++) { /* fill up to N again, then cut */
                size_t len = nth_key(have, buf, LONG + 1);
                size_t k = list ? pa_strmap_append(&m, buf, len)
                                : pa_strmap_intern(&m, buf, len, NULL);
                assert_true(k == have);
            }
            pa_strmap_truncate(&m, cuts[c]);
            have = cuts[c];
            assert_true(m.n == have);
            for (size_t i = 0; i < N; i++) {
                size_t len = nth_key(i, buf, LONG + 1);
                if (i < have)
                    assert_true(strlen(m.keys[i]) == len && memcmp(m.keys[i], buf, len) == 0);
                if (!list)
                    assert_true(pa_strmap_find(&m, buf, len) == (i < have ? i : PA_NONE));
            }
        }
        pa_strmap_free(&m);
    }
    free(buf);
}

static void
test_strmap_out_of_memory(void **state)
{
    (void)state;
    pa_strmap m;
    memset(&m, 0, sizeof m);
    /* fail the first allocation (the slot table): PA_NONE, map still empty and usable */
    pa__alloc_fail_at(1);
    int added = -1;
    assert_true(pa_strmap_intern(&m, "a", 1, &added) == PA_NONE);
    pa__alloc_fail_at(0);
    assert_int_equal(added, 0);
    assert_true(m.n == 0);
    assert_true(pa_strmap_find(&m, "a", 1) == PA_NONE);
    assert_true(pa_strmap_intern(&m, "a", 1, &added) == 0);
    assert_int_equal(added, 1);
    pa_strmap_free(&m);
}

static void
test_error_format(void **state)
{
    (void)state;
    pa_error e;
    memset(&e, 0, sizeof e);
    char buf[700];
    /* pa_fail fills every field */
    assert_int_equal(pa_fail(&e, PA_ERR_DATA, "a.csv", 3, 2, "bad %s", "x"), PA_ERR_DATA);
    assert_int_equal(e.status, PA_ERR_DATA);
    assert_string_equal(e.file, "a.csv");
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 2);
    assert_string_equal(e.text, "bad x");
    /* "FILE:LINE:COLUMN: text", absent parts left out */
    pa_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "a.csv:3:2: bad x");
    e.column = 0;
    pa_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "a.csv:3: bad x");
    e.line = 0;
    pa_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "a.csv: bad x");
    e.file[0] = '\0';
    int n = pa_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "bad x");
    assert_int_equal(n, 5);
    /* like snprintf: the length it needed even when truncated */
    pa_fail(&e, PA_ERR_DATA, "a.csv", 3, 2, "bad x");
    assert_int_equal(pa_error_format(&e, buf, 4), (int)strlen("a.csv:3:2: bad x"));
    assert_string_equal(buf, "a.c");
    /* a NULL error struct is accepted by pa_fail */
    assert_int_equal(pa_fail(NULL, PA_ERR_MODEL, NULL, 0, 0, "x"), PA_ERR_MODEL);
    assert_string_equal(pa_strerror(PA_OK), "success");
    assert_string_equal(pa_strerror(PA_ERR_NOMEM), "out of memory");
    assert_non_null(pa_strerror((pa_status)99));
    assert_non_null(pa_version());
}

/* pa_parse_cell on a NUL-terminated cell: its kind, and the value of a number. */
static pa_cell
cell(const char *s, int sep, double *v)
{
    *v = -999;
    return pa_parse_cell(s, strlen(s), sep, v);
}

static void
test_parse_cell_numbers(void **state)
{
    (void)state;
    static const struct { const char *s; int sep; double v; } ok[] = {
        { "1,234", ',', 1234 },
        { "-1,234,567.5", ',', -1234567.5 },
        { "+999,999", '\t', 999999 },
        { "123", ',', 123 },
        { "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", ',', 123 },          /* １２３ */
        { "\xef\xbc\x8d\xef\xbc\x95", ',', -5 },                        /* －５ */
        { "\xef\xbc\x8b\xef\xbc\x95\xef\xbc\x8e\xef\xbc\x95", ',', 5.5 }, /* ＋５．５ */
        { "\xef\xbc\x91\xef\xbc\x8c\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90", ',', 1000 }, /* １，０００ */
        { "\xe2\x88\x92" "2", ',', -2 },                                /* U+2212 */
        { "\xc2\xa0 4 \xe3\x80\x80", ',', 4 },                          /* NBSP, U+3000 */
        { "1,5", ';', 1.5 },
        { "-0,75", ';', -0.75 },
        { "1.234,5", ';', 1234.5 },
        { "12.345.678,25", ';', 12345678.25 },
        { "1.5", ';', 1.5 },
        { "1,000.5", ',', 1000.5 },
    };
    double v;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        pa_cell k = cell(ok[i].s, ok[i].sep, &v);
        if (k != PA_CELL_NUMBER || v != ok[i].v)
            print_error("'%s' (sep %c): kind %d, %.17g\n", ok[i].s, ok[i].sep, (int)k, v);
        assert_int_equal(k, PA_CELL_NUMBER);
        assert_true(v == ok[i].v);
    }
}

static void
test_parse_cell_refusals(void **state)
{
    (void)state;
    static const struct { const char *s; int sep; pa_cell k; } cases[] = {
        { "#N/A", ',', PA_CELL_MISSING },
        { " #N/A ", ',', PA_CELL_MISSING },
        { "\xef\xbc\x8d", ',', PA_CELL_MISSING },        /* －, the dash */
        { "\xe3\x80\x80", ',', PA_CELL_MISSING },        /* a blank */
        { "NA", ';', PA_CELL_MISSING },
        { "1,23", ',', PA_CELL_GROUPING },
        { "1,5", ',', PA_CELL_GROUPING },
        { "1,5", '\t', PA_CELL_GROUPING },
        { "1234,567", ',', PA_CELL_GROUPING },
        { "0,123", ',', PA_CELL_GROUPING },
        { ",123", ',', PA_CELL_GROUPING },
        { "1,", ',', PA_CELL_GROUPING },
        { "1,234,5678", ',', PA_CELL_GROUPING },
        { "1.2,5", ';', PA_CELL_GROUPING },              /* '.' groups of three */
        { "1,2,3", ';', PA_CELL_GROUPING },
        { "1,5.5", ';', PA_CELL_GROUPING },
        { "12%", ',', PA_CELL_PERCENT },
        { "1,234%", ',', PA_CELL_PERCENT },
        { "\xef\xbc\x91\xef\xbc\x85", ',', PA_CELL_PERCENT }, /* １％ */
        { "12\xe4\xba\xba", ',', PA_CELL_SUFFIX },      /* 12人 */
        { "1.5\xe4\xb8\x87", ',', PA_CELL_SUFFIX },     /* 1.5万 */
        { "3 kg", ',', PA_CELL_SUFFIX },
        { "#DIV/0!", ',', PA_CELL_SHEET_ERROR },
        { "#VALUE!", ',', PA_CELL_SHEET_ERROR },
        { "#NAME?", ',', PA_CELL_SHEET_ERROR },
        { "#NUM!", ',', PA_CELL_SHEET_ERROR },
        { "#note", ',', PA_CELL_NOT_NUMBER },            /* lower case: no Excel error */
        { "abc", ',', PA_CELL_NOT_NUMBER },
        { "0x1F", ',', PA_CELL_NOT_NUMBER },
        { "nan", ',', PA_CELL_NOT_NUMBER },
        { "1e400", ',', PA_CELL_RANGE },
        { "1,000e400", ',', PA_CELL_RANGE },
    };
    double v;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pa_cell k = cell(cases[i].s, cases[i].sep, &v);
        if (k != cases[i].k)
            print_error("'%s' (sep %c): kind %d, expected %d\n", cases[i].s, cases[i].sep,
                        (int)k, (int)cases[i].k);
        assert_int_equal(k, cases[i].k);
    }
    /* too long for a number, blank or not */
    char longs[300];
    memset(longs, '1', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    assert_int_equal(cell(longs, ',', &v), PA_CELL_NOT_NUMBER);
    memset(longs, ' ', sizeof longs - 1);
    assert_int_equal(cell(longs, ',', &v), PA_CELL_MISSING);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_number_accepts),
        cmocka_unit_test(test_parse_number_counts),
        cmocka_unit_test(test_parse_number_rejects),
        cmocka_unit_test(test_parse_number_overflow),
        cmocka_unit_test(test_is_missing),
        cmocka_unit_test(test_format_number_exact),
        cmocka_unit_test(test_format_number_random_roundtrip),
        cmocka_unit_test(test_format_number_shortest),
        cmocka_unit_test(test_format_number_plain_range),
        cmocka_unit_test(test_format_number_edges),
        cmocka_unit_test(test_period_cmp),
        cmocka_unit_test(test_strmap_basic),
        cmocka_unit_test(test_strmap_growth),
        cmocka_unit_test(test_strmap_list_then_map),
        cmocka_unit_test(test_strmap_truncate),
        cmocka_unit_test(test_strmap_out_of_memory),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_parse_cell_numbers),
        cmocka_unit_test(test_parse_cell_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
