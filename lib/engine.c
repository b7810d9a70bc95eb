/* SPDX-License-Identifier: MIT */
/* An engine: one data set scored again and again, keeping what each stage produced under a key
 * of the settings it depends on (doc/methods.md, "Stages kept by an engine"):
 *   screening  S = every indicator's column, denominator and imputation, and the model's
 *                  screening, reference units and base period;
 *   prenorm    B = S + the indicator's own settings but its normalisation (its treatment and
 *                  transform): the values entering normalisation, their rates and flags;
 *   normalised C = B + the normalisation (method, parameters, direction, goalposts, target);
 *   node       N = S + the node's aggregation settings and penalties + each child's key and
 *                  weight.
 * Keys name the keys below them by a number given to each content once, so a node's key is
 * short however deep the tree. What a key leaves out cannot change the numbers; what it puts
 * in needlessly only costs a recomputation. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "units.h"

typedef enum { STAGE_S, STAGE_B, STAGE_C, STAGE_N } stage_kind;

typedef struct entry {
    char *key;
    size_t klen;
    uint64_t hash, id;
    uint64_t used;              /* the call that last used it */
    uint64_t hits;              /* calls that found it kept */
    double *col;                /* B: values entering normalisation (copied out, never shared);
                                 * C, N: scores (a pa_col shared with results) */
    double *rate;               /* B, C: the rates (pa_col), NULL when none are held */
    unsigned char rate_raw;
    unsigned char *flags;       /* B, C, N: [period][unit]; S: the cells screened */
    unsigned char *present;     /* C, N: [period] */
    double *coverage;           /* S: [period][unit] */
    size_t bytes;
} entry;

typedef struct keybuf {
    char *b;
    size_t n, cap;
    int nomem;
} keybuf;

struct pa_engine {
    const pa_data *d;
    pa_pool *pool;
    size_t n_rows, n_cols;      /* of the data when the entries were made */
    entry *e;
    size_t n, cap;
    uint32_t *slots;            /* entry index + 1 by hash, 0 = empty */
    size_t n_slots;
    uint64_t next_id, calls;
    size_t bytes, limit;
    int limit_set;              /* pa__engine_set_limit: the limit stays what it was given */
    pa_engine_counts counts;
    /* [units]: the data rolled up, under the tree (a reference held, so the pointer names it)
     * and each indicator's roll-up rule; every stage stands on it, so a new one clears them */
    pa_data *rolled;
    struct pa_units *roll_units;
    char *roll_key;
    size_t roll_klen;
    keybuf kb;                  /* where a call builds its keys, kept from call to call */
    void *scratch;              /* a call's plan (plan_alloc), kept from call to call */
    size_t scratch_cap;
};

/* ---- keys ---- */

static void
kb_grow_put(keybuf *k, const void *p, size_t n)
{
    if (k->nomem)
        return;
    if (k->n + n > k->cap) {
        size_t cap = k->cap ? k->cap : 256;
        while (cap < k->n + n)
            cap *= 2;
        char *b = pa_realloc(k->b, cap);
        if (!b) {
            k->nomem = 1;
            return;
        }
        k->b = b;
        k->cap = cap;
    }
    memcpy(k->b + k->n, p, n);
    k->n += n;
}

/* Thousands of small fields a call: the common case stays inline. */
static inline void
kb_put(keybuf *k, const void *p, size_t n)
{
    if (k->n + n > k->cap) {
        kb_grow_put(k, p, n);
        return;
    }
    memcpy(k->b + k->n, p, n);
    k->n += n;
}

static void
kb_d(keybuf *k, double v)
{
    kb_put(k, &v, sizeof v);
}

static void
kb_u(keybuf *k, uint64_t v)
{
    kb_put(k, &v, sizeof v);
}

static void
kb_s(keybuf *k, const char *s) /* NULL and "" differ */
{
    size_t n = s ? strlen(s) : 0;
    kb_u(k, s ? n + 1 : 0);
    if (s)
        kb_put(k, s, n);
}

static void
kb_list(keybuf *k, char *const *v, size_t n)
{
    kb_u(k, n);
    for (size_t i = 0; i < n; i++)
        kb_s(k, v[i]);
}

/* The settings field by field (no padding, no pointers, no places in a file); with_norm 0
 * leaves out what only normalisation and aggregation read. */
static void
kb_settings(keybuf *k, const pa_settings *s, int with_norm)
{
    if (with_norm) {
        kb_u(k, s->norm);
        kb_put(k, s->range, sizeof s->range);
        kb_put(k, s->mean_sd, sizeof s->mean_sd);
        kb_u(k, s->agg);
        kb_put(k, s->npar, sizeof s->npar);
        kb_d(k, s->scale_factor);
        kb_s(k, s->ref_unit);
        kb_u(k, (uint64_t)s->trunc);
    }
    kb_u(k, s->scope);
    kb_u(k, (uint64_t)s->denominate);
    kb_u(k, s->impute);
    kb_u(k, s->treat);
    kb_d(k, s->winmax);
    kb_d(k, s->skew);
    kb_d(k, s->kurt);
    kb_u(k, s->fallback);
    kb_d(k, s->lambda);
    kb_u(k, (uint64_t)s->force_win);
    kb_u(k, (uint64_t)s->combine);
}

/* What screening reads of an indicator: its rates after imputation. */
static void
kb_rates(keybuf *k, const pa_node *nd)
{
    kb_s(k, pa_node_column(nd));
    kb_u(k, (uint64_t)nd->eff.denominate);
    kb_s(k, nd->eff.denominate ? nd->denominator : NULL);
    kb_d(k, nd->per);
    kb_u(k, nd->eff.impute);
}

static void
key_screening(keybuf *k, const pa_model *m)
{
    kb_u(k, STAGE_S);
    kb_u(k, m->n_indicators);
    for (size_t i = 0; i < m->n_indicators; i++)
        kb_rates(k, &m->nodes[m->order[i]]);
    kb_s(k, m->impute_group);
    kb_d(k, m->min_coverage);
    kb_u(k, m->screen);
    kb_d(k, m->min_nonzero);
    kb_list(k, m->force_in, m->n_force_in);
    kb_list(k, m->force_out, m->n_force_out);
    kb_list(k, m->reference_units, m->n_reference_units);
    kb_s(k, m->base_period);
}

static void
key_prenorm(keybuf *k, uint64_t s_id, const pa_node *nd)
{
    kb_u(k, STAGE_B);
    kb_u(k, s_id);
    kb_rates(k, nd);
    kb_settings(k, &nd->eff, 0);
    kb_u(k, nd->transform);
}

static void
key_normalised(keybuf *k, uint64_t b_id, const pa_node *nd)
{
    kb_u(k, STAGE_C);
    kb_u(k, b_id);
    kb_settings(k, &nd->eff, 1);
    kb_u(k, nd->transform);
    kb_d(k, nd->direction);
    kb_put(k, nd->goalposts, sizeof nd->goalposts);
    kb_u(k, (uint64_t)nd->goalposts_set);
    kb_d(k, nd->target);
    kb_u(k, (uint64_t)nd->target_set);
    kb_u(k, (uint64_t)nd->cap_max);
}

static void
key_node(keybuf *k, uint64_t s_id, const pa_model *m, size_t n, const uint64_t *id)
{
    const pa_node *nd = &m->nodes[m->order[n]];
    kb_u(k, STAGE_N);
    kb_u(k, s_id);
    kb_settings(k, &nd->eff, 1);
    kb_d(k, nd->p);
    kb_u(k, (uint64_t)(int64_t)nd->mpi_sign);
    kb_d(k, nd->min_coverage);
    kb_u(k, nd->n_children);
    for (size_t c = 0; c < nd->n_children; c++) {
        kb_u(k, id[m->pos[nd->children[c]]]);
        kb_d(k, m->nodes[nd->children[c]].weight);
    }
    for (size_t q = 0; q < m->n_penalties; q++) {
        const pa_penalty *pe = &m->penalties[q];
        if (m->pos[pe->target_node] != n)
            continue;
        kb_s(k, pa_penalty_column(pe));
        kb_d(k, pe->points);
        kb_d(k, pe->cap);
    }
}

/* Eight bytes at a time: keys are a few hundred bytes, hashed for every stage of every call. */
static uint64_t
hash_bytes(const char *b, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, b + i, n - i);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 32;
    return h ? h : 1;
}

/* ---- the table of entries ---- */
static size_t
find(const pa_engine *e, const keybuf *k, uint64_t h)
{
    if (!e->n_slots)
        return PA_NONE;
    for (size_t s = h & (e->n_slots - 1);; s = (s + 1) & (e->n_slots - 1)) {
        uint32_t v = e->slots[s];
        if (!v)
            return PA_NONE;
        const entry *x = &e->e[v - 1];
        if (x->hash == h && x->klen == k->n && memcmp(x->key, k->b, k->n) == 0)
            return v - 1;
    }
}

static int
rehash(pa_engine *e, size_t want)
{
    size_t ns = 16;
    while (ns < 2 * want)
        ns *= 2;
    uint32_t *slots = pa_calloc(ns, sizeof *slots);
    if (!slots)
        return 0;
    for (size_t i = 0; i < e->n; i++) {
        size_t s = e->e[i].hash & (ns - 1);
        while (slots[s])
            s = (s + 1) & (ns - 1);
        slots[s] = (uint32_t)(i + 1);
    }
    pa_free(e->slots);
    e->slots = slots;
    e->n_slots = ns;
    return 1;
}

static void
entry_free(entry *x)
{
    pa_free(x->key);
    if (x->col)
        pa_col_unref(x->col);
    pa_col_unref(x->rate);
    pa_free(x->flags);
    pa_free(x->present);
    pa_free(x->coverage);
}

static void
clear(pa_engine *e)
{
    for (size_t i = 0; i < e->n; i++)
        entry_free(&e->e[i]);
    e->n = 0;
    e->bytes = 0;
    for (size_t s = 0; s < e->n_slots; s++)
        e->slots[s] = 0;
}

/* Adds x; 0 when out of memory (x is then freed). */
static int
add(pa_engine *e, entry *x)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 64;
        entry *ne = pa_reallocarray(e->e, cap, sizeof *ne);
        if (!ne) {
            entry_free(x);
            return 0;
        }
        e->e = ne;
        e->cap = cap;
    }
    if (2 * (e->n + 1) > e->n_slots && !rehash(e, 2 * (e->n + 1))) {
        entry_free(x);
        return 0;
    }
    e->e[e->n++] = *x;
    size_t s = x->hash & (e->n_slots - 1);
    while (e->slots[s])
        s = (s + 1) & (e->n_slots - 1);
    e->slots[s] = (uint32_t)e->n;
    e->bytes += x->bytes;
    return 1;
}

/* Entries never found kept first, then by last use: a stage that was reused once (a
 * normalisation among alternatives) outlives any number that never were (the nodes of noisy
 * weights), which would otherwise push it out between two of its uses. */
static int
by_use(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if ((x->hits > 0) != (y->hits > 0))
        return x->hits > 0 ? 1 : -1;
    return (x->used > y->used) - (x->used < y->used);
}

/* Over the limit, entries go in that order down to 7/8 of it (so that the sort is not made
 * on every call of a run that makes a new stage each time); never those of the last call. */
static void
evict(pa_engine *e)
{
    if (e->bytes <= e->limit)
        return;
    qsort(e->e, e->n, sizeof *e->e, by_use);
    size_t keep = 0, to = e->limit - e->limit / 8;
    for (size_t i = 0; i < e->n; i++) {
        if (e->bytes > to && e->e[i].used < e->calls) {
            e->bytes -= e->e[i].bytes;
            entry_free(&e->e[i]);
            e->counts.evicted++;
        } else {
            e->e[keep++] = e->e[i];
        }
    }
    e->n = keep;
    for (size_t s = 0; s < e->n_slots; s++)
        e->slots[s] = 0;
    if (!rehash(e, e->n)) /* out of memory: forget them all (the table is empty) */
        clear(e);
}

/* ---- one computation ---- */
typedef struct plan {
    pa_engine *e;
    size_t ni, nm, cells, np;   /* indicators, model nodes, cells of a node, periods */
    unsigned char *pre, *norm;  /* by indicator: the steps before normalisation run; it is
                                 * normalised */
    unsigned char *kept;        /* by result node */
    uint64_t *id;               /* by model node: the id of its scores' key (C or N) */
    uint64_t *b_id;             /* by indicator: of its B key */
    size_t *hit;                /* by model node: its entry (C or N), PA_NONE for none */
    size_t *b_hit;              /* by indicator: its B entry */
    char **key;                 /* by model node: its key when it is new (C or N) */
    size_t *klen;
    char **b_key;               /* by indicator: its B key when new */
    size_t *b_klen;
    char *s_key;                /* the S key when new */
    size_t s_klen;
    size_t s_hit;
    uint64_t s_id;
    entry *b_new;               /* by indicator: the B stage made by this call (prenorm) */
    unsigned char *nocache;     /* by model node: not kept (weight = pca below or at it) */
} plan;

static void
plan_free(plan *pl)
{
    for (size_t k = 0; pl->key && k < pl->nm; k++)
        pa_free(pl->key[k]);
    for (size_t k = 0; pl->b_key && k < pl->ni; k++)
        pa_free(pl->b_key[k]);
    for (size_t k = 0; pl->b_new && k < pl->ni; k++)
        entry_free(&pl->b_new[k]);
    pa_free(pl->s_key);
}

/* The next n items of a carved block. */
static void *
carve(char **at, size_t n)
{
    void *p = *at;
    *at += n;
    return p;
}

/* The plan's arrays, zeroed, carved from the engine's scratch block (one allocation, made
 * again only for a larger model): a draw of a small model is mostly such fixed costs. */
static int
plan_alloc(plan *pl, const pa_model *m, size_t nn)
{
    size_t ni = m->n_indicators ? m->n_indicators : 1, nm = m->n_nodes ? m->n_nodes : 1;
    size_t words = 3 * sizeof(uint64_t) + sizeof(char *); /* id, hit, klen, key */
    size_t bytes = (nm + ni) * words + ni * sizeof(entry) + 2 * ni + (nn ? nn : 1) + nm;
    pa_engine *e = pl->e;
    if (bytes > e->scratch_cap) {
        void *b = pa_malloc(bytes);
        if (!b)
            return 0;
        pa_free(e->scratch);
        e->scratch = b;
        e->scratch_cap = bytes;
    }
    memset(e->scratch, 0, bytes);
    char *at = e->scratch; /* the 8-byte items first: every part stays aligned */
    pl->ni = m->n_indicators;
    pl->nm = m->n_nodes;
    pl->id = carve(&at, nm * sizeof *pl->id);
    pl->b_id = carve(&at, ni * sizeof *pl->b_id);
    pl->hit = carve(&at, nm * sizeof *pl->hit);
    pl->b_hit = carve(&at, ni * sizeof *pl->b_hit);
    pl->klen = carve(&at, nm * sizeof *pl->klen);
    pl->b_klen = carve(&at, ni * sizeof *pl->b_klen);
    pl->key = carve(&at, nm * sizeof *pl->key);
    pl->b_key = carve(&at, ni * sizeof *pl->b_key);
    pl->b_new = carve(&at, ni * sizeof *pl->b_new);
    pl->pre = carve(&at, ni);
    pl->norm = carve(&at, ni);
    pl->kept = carve(&at, nn ? nn : 1);
    pl->nocache = carve(&at, nm);
    return 1;
}

/* Looks key k up: the entry's index and id when there, else a new id and *own gets the key.
 * A key left unmade by a failed allocation is none (the caller sees k->nomem). */
static size_t
lookup(plan *pl, keybuf *k, uint64_t *id, char **own, size_t *olen)
{
    pa_engine *e = pl->e;
    if (k->nomem)
        return PA_NONE;
    size_t i = find(e, k, hash_bytes(k->b, k->n));
    if (i != PA_NONE) {
        e->e[i].used = e->calls;
        e->e[i].hits++;
        *id = e->e[i].id;
        e->counts.reused++;
        return i;
    }
    *id = ++e->next_id;
    *own = pa_malloc(k->n ? k->n : 1);
    if (*own) {
        memcpy(*own, k->b, k->n);
        *olen = k->n;
    } else {
        k->nomem = 1;
    }
    e->counts.computed++;
    return PA_NONE;
}

/* An entry's stage put into the result in place of computing it: scores shared (C, N) or
 * copied to be normalised (B), flags, present periods, rates. */
static pa_status
put_in(plan *pl, pa_result *r, size_t n, const entry *x, int copy, pa_error *err)
{
    if (copy) {
        if (!(r->score[n] = pa_col_grow(NULL, 0, pl->cells ? pl->cells : 1)))
            return pa_nomem(err);
        memcpy(r->score[n], x->col, pl->cells * sizeof *x->col);
    } else {
        r->score[n] = x->col;
        pa_col_ref(x->col);
        memcpy(&r->present[n * pl->np], x->present, pl->np);
        pl->kept[n] = 1;
    }
    memcpy(&r->flags[n * pl->cells], x->flags, pl->cells);
    if (n < r->n_ind) {
        r->rate[n] = x->rate;
        if (x->rate)
            pa_col_ref(x->rate);
        r->rate_raw[n] = x->rate_raw;
    }
    return PA_OK;
}

static pa_status
plan_indicators(plan *pl, const pa_model *m, pa_result *r, keybuf *k, pa_error *err)
{
    pa_engine *e = pl->e;
    for (size_t i = 0; i < pl->ni; i++) {
        const pa_node *nd = &m->nodes[m->order[i]];
        k->n = 0;
        key_prenorm(k, pl->s_id, nd);
        pl->b_hit[i] = lookup(pl, k, &pl->b_id[i], &pl->b_key[i], &pl->b_klen[i]);
        k->n = 0;
        key_normalised(k, pl->b_id[i], nd);
        pl->hit[i] = lookup(pl, k, &pl->id[i], &pl->key[i], &pl->klen[i]);
        if (k->nomem)
            return pa_nomem(err);
        pl->pre[i] = pl->b_hit[i] == PA_NONE;
        pl->norm[i] = pl->hit[i] == PA_NONE;
        pa_status st = PA_OK;
        if (!pl->norm[i])
            st = put_in(pl, r, i, &e->e[pl->hit[i]], 0, err);
        else if (!pl->pre[i])
            st = put_in(pl, r, i, &e->e[pl->b_hit[i]], 1, err);
        if (st != PA_OK)
            return st;
    }
    return PA_OK;
}

static pa_status
plan_nodes(plan *pl, const pa_model *m, pa_result *r, keybuf *k, pa_error *err)
{
    for (size_t n = pl->ni; n < pl->nm; n++) {
        const pa_node *nd = &m->nodes[m->order[n]];
        pl->nocache[n] = nd->weight_pca;
        for (size_t c = 0; c < nd->n_children; c++)
            pl->nocache[n] |= pl->nocache[m->pos[nd->children[c]]];
        if (pl->nocache[n]) { /* its children's weights come from their scores */
            pl->id[n] = ++pl->e->next_id;
            pl->hit[n] = PA_NONE;
            continue;
        }
        k->n = 0;
        key_node(k, pl->s_id, m, n, pl->id);
        pl->hit[n] = lookup(pl, k, &pl->id[n], &pl->key[n], &pl->klen[n]);
        if (k->nomem)
            return pa_nomem(err);
        if (pl->hit[n] != PA_NONE)
            put_in(pl, r, n, &pl->e->e[pl->hit[n]], 0, err);
    }
    return PA_OK;
}

/* The screening kept: coverage and the cells screened, flagged on the nodes computed anew. */
static void
put_screening(plan *pl, pa_result *r, const entry *x)
{
    memcpy(r->coverage, x->coverage, pl->cells * sizeof *r->coverage);
    r->screened = x->flags;
    for (size_t n = pl->ni; n < pl->nm; n++)
        for (size_t c = 0; !pl->kept[n] && c < pl->cells; c++)
            if (x->flags[c])
                r->flags[n * pl->cells + c] |= PA_CELL_SCREENED;
}

static pa_status
prepare(void *ctx, const pa_model *m, pa_result *r, pa_error *err)
{
    plan *pl = ctx;
    pl->cells = r->np * r->nu;
    pl->np = r->np;
    if (!plan_alloc(pl, m, r->nn))
        return pa_nomem(err);
    keybuf *k = &pl->e->kb;
    k->n = 0;
    k->nomem = 0;
    key_screening(k, m);
    pl->s_hit = lookup(pl, k, &pl->s_id, &pl->s_key, &pl->s_klen);
    pa_status st = k->nomem ? pa_nomem(err) : plan_indicators(pl, m, r, k, err);
    if (st == PA_OK)
        st = plan_nodes(pl, m, r, k, err);
    if (st != PA_OK)
        return st;
    if (pl->s_hit != PA_NONE)
        put_screening(pl, r, &pl->e->e[pl->s_hit]);
    r->todo = pl->pre;
    r->kept = pl->kept;
    return PA_OK;
}

/* The values entering normalisation of the indicators computed anew are kept (B). */
static pa_status
prenorm(void *ctx, const pa_model *m, pa_result *r, pa_error *err)
{
    (void)m;
    plan *pl = ctx;
    for (size_t i = 0; i < pl->ni; i++) {
        if (!pl->pre[i])
            continue;
        entry *x = &pl->b_new[i];
        x->col = pa_col_grow(NULL, 0, pl->cells ? pl->cells : 1);
        x->flags = pa_malloc(pl->cells ? pl->cells : 1);
        if (!x->col || !x->flags)
            return pa_nomem(err);
        memcpy(x->col, r->score[i], pl->cells * sizeof *x->col);
        memcpy(x->flags, &r->flags[i * pl->cells], pl->cells);
        if ((x->rate = r->rate[i]))
            pa_col_ref(x->rate);
        x->rate_raw = r->rate_raw[i];
        x->bytes = pl->cells * (sizeof *x->col + 1) + (x->rate ? pl->cells * sizeof *x->rate : 0);
    }
    r->todo = pl->norm;
    return PA_OK;
}

/* An entry of key (key, klen), its contents taken from x; 0 when out of memory. */
static int
commit(pa_engine *e, char **key, size_t klen, uint64_t id, entry *x)
{
    x->key = *key;
    *key = NULL;
    x->klen = klen;
    x->hash = hash_bytes(x->key, klen);
    x->id = id;
    x->used = e->calls;
    return add(e, x);
}

/* A node's scores as the result has them (C, N): shared, with copies of its flags. */
static int
commit_scores(plan *pl, const pa_result *r, size_t n)
{
    entry x = { 0 };
    x.col = r->score[n];
    pa_col_ref(x.col);
    x.flags = pa_malloc(pl->cells ? pl->cells : 1);
    x.present = pa_malloc(pl->np ? pl->np : 1);
    if (!x.flags || !x.present) {
        entry_free(&x);
        return 0;
    }
    memcpy(x.flags, &r->flags[n * pl->cells], pl->cells);
    memcpy(x.present, &r->present[n * pl->np], pl->np);
    if (n < r->n_ind) {
        if ((x.rate = r->rate[n]))
            pa_col_ref(x.rate);
        x.rate_raw = r->rate_raw[n];
    }
    x.bytes = pl->cells * (sizeof *x.col + 1) + pl->np;
    return commit(pl->e, &pl->key[n], pl->klen[n], pl->id[n], &x);
}

static int
commit_screening(plan *pl, const pa_model *m, const pa_result *r)
{
    entry x = { 0 };
    x.flags = pa_malloc(pl->cells ? pl->cells : 1);
    x.coverage = pa_malloc((pl->cells ? pl->cells : 1) * sizeof *x.coverage);
    if (!x.flags || !x.coverage) {
        entry_free(&x);
        return 0;
    }
    const unsigned char *top = &r->flags[m->pos[m->top] * pl->cells];
    for (size_t c = 0; c < pl->cells; c++)
        x.flags[c] = (top[c] & PA_CELL_SCREENED) != 0;
    memcpy(x.coverage, r->coverage, pl->cells * sizeof *x.coverage);
    x.bytes = pl->cells * (sizeof *x.coverage + 1);
    return commit(pl->e, &pl->s_key, pl->s_klen, pl->s_id, &x);
}

/* What this call computed becomes entries. Out of memory only means less is kept: the result
 * is right either way. */
static void
commit_all(plan *pl, const pa_model *m, const pa_result *r)
{
    pa_engine *e = pl->e;
    if (pl->s_hit == PA_NONE && pl->s_key)
        commit_screening(pl, m, r);
    for (size_t i = 0; i < pl->ni; i++) {
        if (pl->pre[i] && pl->b_key[i]) {
            commit(e, &pl->b_key[i], pl->b_klen[i], pl->b_id[i], &pl->b_new[i]);
            memset(&pl->b_new[i], 0, sizeof pl->b_new[i]);
        }
        if (pl->norm[i] && pl->key[i])
            commit_scores(pl, r, i);
    }
    for (size_t n = pl->ni; n < pl->nm; n++)
        if (pl->hit[n] == PA_NONE && !pl->nocache[n] && pl->key[n])
            commit_scores(pl, r, n);
    evict(e);
}

/* What is kept beyond the last call's stages: four times the data's values, at least 64 MiB
 * (a few normalisations of every indicator on a large panel). */
static size_t
default_limit(const pa_data *d)
{
    size_t v = d->n_rows * d->n_cols * sizeof(double);
    return v < ((size_t)16 << 20) ? (size_t)64 << 20 : 4 * v;
}

/* ---- the rolled-up data ([units]) ---- */
static void
roll_drop(pa_engine *e)
{
    pa_data_free(e->rolled);
    pa_units_unref(e->roll_units);
    pa_free(e->roll_key);
    e->rolled = NULL, e->roll_units = NULL, e->roll_key = NULL, e->roll_klen = 0;
}

/* The data m scores: the engine's own, or its roll-up up m's unit tree, made once for each
 * tree and set of roll-up rules. */
static pa_status
scored_data(pa_engine *e, const pa_model *m, const pa_data **d, pa_error *err)
{
    *d = e->d;
    if (!m->units) {
        if (e->rolled)
            clear(e), roll_drop(e);
        return PA_OK;
    }
    keybuf *k = &e->kb; /* the engine's key buffer: no allocation when the roll-up is kept */
    k->n = 0;
    k->nomem = 0;
    for (size_t i = 0; i < m->n_indicators; i++) {
        const pa_node *nd = &m->nodes[m->order[i]];
        kb_s(k, pa_node_column(nd));
        kb_u(k, (uint64_t)nd->rollup);
        kb_s(k, nd->rollup_col);
    }
    if (k->nomem)
        return pa_nomem(err);
    if (e->rolled && e->roll_units == m->units && k->n == e->roll_klen &&
        memcmp(k->b, e->roll_key, k->n) == 0) {
        *d = e->rolled;
        return PA_OK;
    }
    clear(e), roll_drop(e);
    char *key = pa_malloc(k->n ? k->n : 1);
    if (!key)
        return pa_nomem(err);
    memcpy(key, k->b, k->n);
    pa_status st = pa_rollup_data(m, e->d, &e->rolled, err);
    if (st != PA_OK) {
        pa_free(key);
        return st;
    }
    e->counts.rollups++;
    e->roll_units = pa_units_ref(m->units);
    e->roll_key = key, e->roll_klen = k->n;
    *d = e->rolled;
    return PA_OK;
}

/* ---- the interface ---- */
pa_status
pa_engine_new(pa_engine **out, const pa_data *d, pa_error *err)
{
    if (!out || !d)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_engine *e = pa_calloc(1, sizeof *e);
    if (!e)
        return pa_nomem(err);
    e->d = d;
    pa_status st = pa_pool_new(&e->pool, err);
    if (st != PA_OK) {
        pa_free(e);
        return st;
    }
    *out = e;
    return PA_OK;
}

void
pa_engine_free(pa_engine *e)
{
    if (!e)
        return;
    clear(e);
    roll_drop(e);
    pa_free(e->e);
    pa_free(e->slots);
    pa_free(e->kb.b);
    pa_free(e->scratch);
    pa_pool_free(e->pool);
    pa_free(e);
}

pa_status
pa_engine_compute(pa_engine *e, const pa_model *m, pa_result **out, pa_error *err)
{
    if (!e || !m || !out)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    if (e->d->n_rows != e->n_rows || e->d->n_cols != e->n_cols) { /* rows were added */
        clear(e), roll_drop(e);
        e->n_rows = e->d->n_rows;
        e->n_cols = e->d->n_cols;
        if (!e->limit_set)
            e->limit = default_limit(e->d);
    }
    const pa_data *d;
    pa_status st = scored_data(e, m, &d, err);
    if (st != PA_OK)
        return st;
    e->calls++;
    plan pl = { .e = e };
    pa_stages kept = { &pl, prepare, prenorm };
    pa_pool *old = pa_pool_use(e->pool);
    st = pa_compute_kept(out, m, d, &kept, err);
    pa_pool_use(old);
    if (st == PA_OK) {
        commit_all(&pl, m, *out);
        (*out)->todo = (*out)->kept = (*out)->screened = NULL;
    }
    plan_free(&pl);
    return st;
}

void
pa__engine_set_limit(pa_engine *e, size_t bytes)
{
    e->limit = bytes;
    e->limit_set = 1;
    evict(e);
}

pa_engine_counts
pa__engine_counts(const pa_engine *e)
{
    pa_engine_counts c = e->counts;
    c.entries = e->n;
    c.bytes = e->bytes;
    return c;
}
