/* SPDX-License-Identifier: MIT */
/* Ranks per node and period: 1 = best score, ties share the minimum rank. Computed the first
 * time a node's ranks are needed, with a radix sort (gsl_sort is a heap sort, several times
 * slower on the million-row panels of grid data). */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "internal.h"

/* Doubles as unsigned keys in the same order (-0 as 0). */
static uint64_t
key_of(double x)
{
    uint64_t b;
    if (x == 0)
        x = 0.0; /* -0 ranks with 0 */
    memcpy(&b, &x, sizeof b);
    return (b >> 63) ? ~b : b | (1ULL << 63);
}

/* LSD radix sort of (key, index) pairs, ascending, 11 bits a pass; tkey/tidx have room for n
 * (gsl_sort is a heap sort, several times slower on the million-cell columns of grid data). */
static void
radix_sort(uint64_t *key, uint32_t *idx, uint64_t *tkey, uint32_t *tidx, size_t n)
{
    enum { BITS = 11, BUCKETS = 1 << BITS };
    uint64_t *ka = key, *kb = tkey;
    uint32_t *ia = idx, *ib = tidx;
    size_t count[BUCKETS];
    for (int shift = 0; shift < 64; shift += BITS) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(ka[i] >> shift) & (BUCKETS - 1)]++;
        if (n == 0 || count[(ka[0] >> shift) & (BUCKETS - 1)] == n)
            continue; /* every key has this digit: nothing to move */
        size_t sum = 0;
        for (size_t d = 0; d < BUCKETS; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t pos = count[(ka[i] >> shift) & (BUCKETS - 1)]++;
            kb[pos] = ka[i];
            ib[pos] = ia[i];
        }
        uint64_t *tk = ka;
        ka = kb, kb = tk;
        uint32_t *ti = ia;
        ia = ib, ib = ti;
    }
    if (ka != key) {
        memcpy(key, ka, n * sizeof *key);
        memcpy(idx, ia, n * sizeof *idx);
    }
}

/* Below this many keys a stable insertion sort beats the radix sort, whose six passes clear
 * and sum 2048 counters each (most of an uncertainty run's time on 51 units). */
enum { SMALL_SORT = 96 };

static void
insertion_sort(uint64_t *key, uint32_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t k = key[i];
        uint32_t v = idx[i];
        size_t j = i;
        for (; j > 0 && key[j - 1] > k; j--)
            key[j] = key[j - 1], idx[j] = idx[j - 1];
        key[j] = k, idx[j] = v;
    }
}

pa_status
pa_sort_present(const double *x, size_t n, const unsigned char *skip, pa_sorted *out,
                pa_error *err)
{
    out->key = NULL;
    out->idx = NULL;
    out->m = 0;
    if (n > UINT32_MAX)
        return pa_nomem(err); /* 32 GB a column: out of reach anyway */
    uint64_t *key = pa_malloc((n ? n : 1) * 2 * sizeof *key);
    uint32_t *idx = pa_malloc((n ? n : 1) * 2 * sizeof *idx);
    if (!key || !idx) {
        pa_free(key), pa_free(idx);
        return pa_nomem(err);
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !(skip && skip[i])) {
            key[m] = key_of(x[i]);
            idx[m++] = (uint32_t)i;
        }
    if (m < SMALL_SORT)
        insertion_sort(key, idx, m);
    else
        radix_sort(key, idx, key + n, idx + n, m);
    out->key = key;
    out->idx = idx;
    out->m = m;
    return PA_OK;
}

void
pa_sorted_free(pa_sorted *s)
{
    pa_free(s->key);
    pa_free(s->idx);
}

typedef struct rank_job {
    const pa_result *r;
    size_t n;
    int32_t *rk;
} rank_job;

/* Units [f, e) of period p. */
static pa_status
rank_units(const rank_job *j, size_t p, size_t f, size_t e, pa_error *err)
{
    const pa_result *r = j->r;
    pa_sorted so;
    pa_status st = pa_sort_present(&PA_SCORE(r, j->n, p, f), e - f, r->reference + f,
                                   &so, err);
    if (st != PA_OK)
        return st;
    int32_t *rk = j->rk + p * r->nu + f;
    size_t m = so.m;
    /* ascending: a tie group ending at `end` has m − 1 − end units above it */
    for (size_t i = m; i-- > 0;) {
        size_t end = i;
        while (i > 0 && so.key[i - 1] == so.key[end])
            i--;
        for (size_t t = i; t <= end; t++)
            rk[so.idx[t]] = (int32_t)(m - end);
    }
    pa_sorted_free(&so);
    return PA_OK;
}

/* One period (periods are independent, so they run in parallel). */
static pa_status
rank_period(void *ctx, size_t p, pa_error *err)
{
    const rank_job *j = ctx;
    pa_status st = PA_OK;
    for (size_t l = 0; l < pa_unit_levels(j->r) && st == PA_OK; l++) /* ranked within level */
        st = rank_units(j, p, pa_level_first(j->r, l), pa_level_first(j->r, l + 1), err);
    return st;
}

pa_status
pa_rank_node(const pa_result *rc, size_t n, pa_error *err)
{
    pa_result *r = (pa_result *)rc; /* ranks are a cache filled on first use */
    pa_status st = PA_OK;
    pthread_mutex_lock(&r->rank_lock);
    if (r->rank[n] || r->node_penalty[n] || !pa_held(r, n))
        goto out;
    int32_t *rk = pa_calloc(r->np && r->nu ? r->np * r->nu : 1, sizeof *rk);
    if (!rk) {
        st = pa_nomem(err);
        goto out;
    }
    rank_job j = { .r = r, .n = n, .rk = rk };
    if ((st = pa_parallel_for(r->np, rank_period, &j, err)) != PA_OK)
        pa_free(rk);
    else
        r->rank[n] = rk;
out:
    pthread_mutex_unlock(&r->rank_lock);
    return st;
}
