/* SPDX-License-Identifier: MIT */
/* A string → index map with open addressing, keys kept in blocks of text. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strmap.h"


static uint64_t
hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Keys are kept in blocks of text, one after another in the order they were added: one
 * allocation per block, not per key (a grid has hundreds of thousands of units, and the
 * reader of sibling files lists them once per file). */
struct pa_strblock {
    pa_strblock *prev;
    size_t first;               /* index of its first key */
    size_t used, cap;
    char text[];
};

enum { BLOCK_MIN = 4096, BLOCK_MAX = 1 << 20 };

/* Room for a key of len bytes and its NUL at the end of the text; NULL when out of memory. */
static char *
key_room(pa_strmap *m, size_t len)
{
    pa_strblock *b = m->text;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = b && b->cap < BLOCK_MAX ? b->cap * 2 : b ? b->cap : BLOCK_MIN;
        if (cap < len + 1)
            cap = len + 1;
        pa_strblock *nb = pa_malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        *nb = (pa_strblock){ .prev = b, .first = m->n, .cap = cap };
        m->text = b = nb;
    }
    char *k = b->text + b->used;
    b->used += len + 1;
    return k;
}

void
pa_strmap_free(pa_strmap *m)
{
    if (!m)
        return;
    while (m->text) {
        pa_strblock *prev = m->text->prev;
        pa_free(m->text);
        m->text = prev;
    }
    pa_free(m->keys);
    pa_free(m->slots);
    memset(m, 0, sizeof *m);
}

/* The 32-bit hash a key is placed and compared by. */
static inline uint32_t
key_hash(const char *key, size_t len)
{
    uint64_t h = hash_bytes(key, len);
    return (uint32_t)(h ^ (h >> 32));
}

/* Puts key k of hash h in its slot (there is room). */
static void
slot_put(uint64_t *slots, size_t n_slots, uint32_t h, size_t k)
{
    size_t i = h & (n_slots - 1);
    while (slots[i])
        i = (i + 1) & (n_slots - 1);
    slots[i] = (uint64_t)h << 32 | (uint64_t)(k + 1);
}

/* Puts keys 0..n-1 in slots, hashing their text. */
static void
put_keys(const pa_strmap *m, uint64_t *slots, size_t n_slots, size_t n)
{
    for (size_t k = 0; k < n; k++)
        slot_put(slots, n_slots, key_hash(m->keys[k], strlen(m->keys[k])), k);
}

size_t
pa_strmap_find(const pa_strmap *m, const char *key, size_t len)
{
    if (!m->n_slots)
        return PA_NONE;
    size_t mask = m->n_slots - 1;
    uint32_t h = key_hash(key, len);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t v = m->slots[i];
        if (!v)
            return PA_NONE;
        if ((uint32_t)(v >> 32) != h)
            continue;
        size_t k = (size_t)(uint32_t)v - 1;
        if (strncmp(m->keys[k], key, len) == 0 && m->keys[k][len] == '\0')
            return k;
    }
}

static int
strmap_grow(pa_strmap *m)
{
    size_t ns = m->n_slots ? m->n_slots * 2 : 64;
    while (ns < 2 * (m->n + 1)) /* a list made a map holds many keys already */
        ns *= 2;
    /* cleared by writing, not calloc: probing reads before inserting writes, and a page
     * first read then written is faulted twice, the second time with a TLB flush on every
     * core running the process */
    uint64_t *slots = pa_reallocarray(NULL, ns, sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0, ns * sizeof *slots);
    if (!m->n_slots) /* a list until now (pa_strmap_append) */
        put_keys(m, slots, ns, m->n);
    for (size_t i = 0; i < m->n_slots; i++) /* by the hashes kept: no key is read */
        if (m->slots[i])
            slot_put(slots, ns, (uint32_t)(m->slots[i] >> 32), (size_t)(uint32_t)m->slots[i] - 1);
    pa_free(m->slots);
    m->slots = slots;
    m->n_slots = ns;
    return 0;
}

void
pa_strmap_truncate(pa_strmap *m, size_t n)
{
    if (n >= m->n)
        return;
    /* blocks that begin at key n or later go; the one holding key n, if any, ends there */
    size_t next_first = m->n;
    while (m->text && m->text->first >= n) {
        pa_strblock *prev = m->text->prev;
        next_first = m->text->first;
        pa_free(m->text);
        m->text = prev;
    }
    if (m->text && next_first > n)
        m->text->used = (size_t)(m->keys[n] - m->text->text);
    m->n = n;
    if (!m->n_slots) /* a list (pa_strmap_append) */
        return;
    memset(m->slots, 0, m->n_slots * sizeof *m->slots);
    put_keys(m, m->slots, m->n_slots, n); /* no allocation: the slots are kept */
}


size_t
pa_strmap_append(pa_strmap *m, const char *key, size_t len)
{
    if (m->n == m->cap_keys) {
        size_t nc = m->cap_keys ? m->cap_keys * 2 : 16;
        char **keys = pa_reallocarray(m->keys, nc, sizeof *keys);
        if (!keys)
            return PA_NONE;
        m->keys = keys;
        m->cap_keys = nc;
    }
    char *k = key_room(m, len);
    if (!k)
        return PA_NONE;
    memcpy(k, key, len);
    k[len] = '\0';
    m->keys[m->n] = k;
    return m->n++;
}

size_t
pa_strmap_intern(pa_strmap *m, const char *key, size_t len, int *added)
{
    if (added)
        *added = 0;
    size_t found = pa_strmap_find(m, key, len);
    if (found != PA_NONE)
        return found;
    if (m->n >= UINT32_MAX - 1) /* indices are kept in 32 bits */
        return PA_NONE;
    if ((m->n + 1) * 2 > m->n_slots && strmap_grow(m) < 0)
        return PA_NONE;
    size_t k = pa_strmap_append(m, key, len);
    if (k == PA_NONE)
        return PA_NONE;
    slot_put(m->slots, m->n_slots, key_hash(key, len), k);
    if (added)
        *added = 1;
    return k;
}

