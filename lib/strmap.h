/* SPDX-License-Identifier: MIT */
/* A string to index map (strmap.c). */
#ifndef PA_STRMAP_H
#define PA_STRMAP_H

#include "base.h"

/* ---- string → index map (open addressing) ---- */
typedef struct pa_strblock pa_strblock;
typedef struct pa_strmap {
    char **keys;      /* by index, into the blocks of text */
    size_t n, cap_keys;
    uint64_t *slots;  /* key hash << 32 | index+1, 0 = empty: probes and growth compare and
                       * place by the hash, and read a key's text only when it matches */
    size_t n_slots;
    pa_strblock *text; /* the newest block of key text (strmap.c) */
} pa_strmap;
void pa_strmap_free(pa_strmap *m);
size_t pa_strmap_find(const pa_strmap *m, const char *key, size_t len);
/* Index of key, adding it when new; PA_NONE when out of memory. */
size_t pa_strmap_intern(pa_strmap *m, const char *key, size_t len, int *added);
/* Adds key at the end without looking for it: the map is then a list (find no longer works),
 * which a reader makes when it only needs codes in order of appearance. */
size_t pa_strmap_append(pa_strmap *m, const char *key, size_t len);
/* Forget every key added after the first n (used to undo a file that failed). */
void pa_strmap_truncate(pa_strmap *m, size_t n);

#endif
