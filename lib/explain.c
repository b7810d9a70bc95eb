/* SPDX-License-Identifier: MIT */
/* Why a node's score moved (--explain): its change between a period and its base split into
 * one contribution per indicator and penalty row, adding up to the change. Each node splits
 * its own change among its children (effective weights, log-additive shares or exact Shapley
 * values, doc/methods.md); a child's part is split among its children by the same rule. */
#include <math.h>
#include <string.h>

#include "internal.h"

/* Children that moved, above which exact Shapley values (2^n means per unit) are refused. */
enum { PA_EXPLAIN_MAX_PLAYERS = 20 };

struct pa_explain {
    const pa_result *r;         /* borrowed */
    size_t node, period;
    size_t n, cap;              /* rows */
    size_t *unit, *leaf;
    double *contrib;
    double *change;             /* by unit: the node's change (NaN: none) */
};

/* A Copeland node's worths against one base period, for every unit at once: a coalition of
 * the children that moved (in some unit) has them at now's scores in every unit, the others at
 * base's, and is worth each unit's count of wins. */
typedef struct copeland_game {
    size_t k, b;                /* node and base period */
    size_t n, pl[PA_EXPLAIN_MAX_PLAYERS];
    double *v;                  /* [mask][unit] */
} copeland_game;

/* One unit's explanation against one base period. */
typedef struct ctx {
    const pa_model *m;
    const pa_result *r;
    size_t u, p, b;             /* unit, period, base period */
    double *acc;                /* by result node: its contribution so far, NaN: none */
    copeland_game *games;       /* made on first use, kept for the other units */
    size_t n_games;
    pa_error *err;
} ctx;

/* The scores of a node's children in both periods and their weights, as aggregate.c takes
 * them. */
typedef struct local {
    const pa_node *nd;
    size_t nc;
    size_t *col;
    double *x, *y, *w, *phi, *ratio, *mix;
    int whole;                  /* the children's parts are not split further (Copeland) */
} local;

static double
score(const ctx *c, size_t n, size_t p)
{
    return PA_SCORE(c->r, n, p, c->u);
}

static void
add(double *acc, double v)
{
    *acc = isnan(*acc) ? v : *acc + v;
}

static double
aggregate(const local *l, const double *x, int *bad)
{
    pa_agg agg = l->nd->eff.agg;
    double par = agg == PA_AGG_MPI ? l->nd->mpi_sign : l->nd->p;
    return pa_aggregate_values(agg, x, l->w, l->nc, par, bad);
}

/* Effective weights: w_i / Σw over the children present (the same in both periods). */
static void
split_arithmetic(local *l)
{
    double sw = 0;
    for (size_t i = 0; i < l->nc; i++)
        sw += isnan(l->x[i]) ? 0 : l->w[i];
    for (size_t i = 0; i < l->nc; i++) {
        l->ratio[i] = isnan(l->x[i]) ? 0 : l->w[i] / sw;
        l->phi[i] = isnan(l->x[i]) ? 0 : l->ratio[i] * (l->x[i] - l->y[i]);
    }
}

/* Log-additive shares: Δ·w_i·Δln s_i / Σ w_j·Δln s_j; when the mean did not move, the limit
 * G·w_i·Δln s_i / Σw (parts that cancel). ratio: part per point of the child's change (its
 * derivative where the child did not move). */
static void
split_geometric(local *l, double now, double base)
{
    double sw = 0, s = 0;
    for (size_t i = 0; i < l->nc; i++)
        if (!isnan(l->x[i])) {
            sw += l->w[i];
            s += l->w[i] * (log(l->x[i]) - log(l->y[i]));
        }
    double k = now != base && s != 0 ? (now - base) / s : now / sw;
    for (size_t i = 0; i < l->nc; i++) {
        double xi = l->x[i], d = xi - l->y[i];
        l->phi[i] = isnan(xi) ? 0 : k * l->w[i] * (log(xi) - log(l->y[i]));
        l->ratio[i] = isnan(xi) ? 0 : d != 0 ? l->phi[i] / d : k * l->w[i] / xi;
    }
}

/* Whether a child is the same in both periods (a null player: its Shapley value is 0). */
static int
same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* The mean of the mix where the players in mask have now's score, the others base's. */
static pa_status
mix_value(ctx *c, local *l, const size_t *pl, size_t n, size_t mask, double *v)
{
    for (size_t j = 0; j < n; j++)
        l->mix[pl[j]] = (mask >> j) & 1 ? l->x[pl[j]] : l->y[pl[j]];
    int bad;
    *v = aggregate(l, l->mix, &bad);
    if (bad == -2)
        return pa_nomem(c->err);
    if (bad >= 0 || isnan(*v))
        return pa_fail(c->err, PA_ERR_COMPUTE, NULL, 0, 0,
                       "unit '%s', period '%s': the mean at '%s' of some children's scores of "
                       "%s with the others' of %s is undefined, so their Shapley values are",
                       c->r->unit_codes[c->u], c->r->periods[c->p], l->nd->code,
                       c->r->periods[c->p], c->r->periods[c->b]);
    return PA_OK;
}

/* |S|!(n-|S|-1)!/n!, the Shapley weight of a coalition of s of the other n - 1 players. */
static void
shapley_weights(double *wt, size_t n)
{
    wt[0] = 1.0 / (double)n;
    for (size_t s = 0; s + 1 < n; s++)
        wt[s + 1] = wt[s] * (double)(s + 1) / (double)(n - 1 - s);
}

/* Exact Shapley values over the children that moved, a coalition's worth being the mean
 * with its members at now's scores and the others at base's: 2^n means. */
static pa_status
split_shapley(ctx *c, local *l)
{
    size_t n = 0, pl[PA_EXPLAIN_MAX_PLAYERS];
    for (size_t i = 0; i < l->nc; i++) {
        l->phi[i] = l->ratio[i] = 0;
        l->mix[i] = l->x[i];
        if (same(l->x[i], l->y[i]))
            continue;
        if (n == PA_EXPLAIN_MAX_PLAYERS)
            return pa_fail(c->err, PA_ERR_COMPUTE, NULL, 0, 0,
                           "unit '%s', period '%s': more than %d children of '%s' moved; their "
                           "exact Shapley values would take 2^%zu means or more",
                           c->r->unit_codes[c->u], c->r->periods[c->p],
                           PA_EXPLAIN_MAX_PLAYERS, l->nd->code, (size_t)PA_EXPLAIN_MAX_PLAYERS + 1);
        pl[n++] = i;
    }
    if (n == 0)
        return PA_OK;
    double *v = pa_malloc(((size_t)1 << n) * sizeof *v), wt[PA_EXPLAIN_MAX_PLAYERS];
    if (!v)
        return pa_nomem(c->err);
    pa_status st = PA_OK;
    for (size_t mask = 0; mask < (size_t)1 << n && st == PA_OK; mask++)
        st = mix_value(c, l, pl, n, mask, &v[mask]);
    shapley_weights(wt, n);
    for (size_t j = 0; j < n && st == PA_OK; j++) {
        size_t bit = (size_t)1 << j, i = pl[j];
        for (size_t mask = 0; mask < (size_t)1 << n; mask++)
            if (!(mask & bit))
                l->phi[i] += wt[__builtin_popcountl(mask)] * (v[mask | bit] - v[mask]);
        double d = l->x[i] - l->y[i];
        l->ratio[i] = isnan(d) || d == 0 ? 0 : l->phi[i] / d;
    }
    pa_free(v);
    return st;
}

/* The children's scores and weights of result node k (weights as aggregate.c takes them). */
static pa_status
local_fill(ctx *c, size_t k, local *l)
{
    const pa_model *m = c->m;
    l->nd = &m->nodes[m->order[k]];
    l->nc = l->nd->n_children;
    size_t nc = l->nc ? l->nc : 1;
    l->col = pa_malloc(nc * sizeof *l->col);
    l->x = pa_malloc(6 * nc * sizeof *l->x);
    if (!l->col || !l->x)
        return pa_nomem(c->err);
    l->y = l->x + nc, l->w = l->y + nc, l->phi = l->w + nc;
    l->ratio = l->phi + nc, l->mix = l->ratio + nc;
    for (size_t i = 0; i < l->nc; i++) {
        size_t ch = l->nd->children[i], col = l->col[i] = m->pos[ch];
        l->w[i] = l->nd->weight_pca ? c->r->node_weight[col] : m->nodes[ch].weight;
        l->x[i] = score(c, col, c->p);
        l->y[i] = score(c, col, c->b);
    }
    return PA_OK;
}

/* ---- Copeland: a count of wins over the other units ---- */

/* +1 / 0 / -1 as the weight of the children where a is higher is more than, equal to or less
 * than the weight of those where it is lower (aggregate.c's rule). */
static double
copeland_point(const double *xa, const double *xb, const double *w, size_t nc)
{
    double better = 0, worse = 0;
    for (size_t c = 0; c < nc; c++) {
        better += w[c] * (double)(xa[c] > xb[c]);
        worse += w[c] * (double)(xa[c] < xb[c]);
    }
    return better > worse ? 1 : better < worse ? -1 : 0;
}

/* Every unit's wins with the children's scores xs ([unit][child]); in: units that are
 * opponents (ranked, not screened), scored: units with a score. As aggregate.c counts. */
static void
copeland_totals(const double *xs, size_t nu, size_t nc, const double *w,
                const unsigned char *in, const unsigned char *scored, double *v)
{
    for (size_t i = 0; i < nu; i++)
        v[i] = 0;
    for (size_t i = 0; i < nu; i++)
        for (size_t j = 0; j < nu; j++)
            if (j != i && in[j] && (in[i] ? scored[i] || scored[j] : scored[i]))
                v[i] += copeland_point(xs + i * nc, xs + j * nc, w, nc);
    for (size_t i = 0; i < nu; i++)
        v[i] = scored[i] ? v[i] : NAN;
}

/* The worths of every coalition, with room xs for nu·nc scores and 2·nu flags. */
static void
copeland_worths(const ctx *c, const local *l, copeland_game *g, double *xs, unsigned char *in)
{
    const pa_result *r = c->r;
    size_t nu = r->nu, nc = l->nc;
    unsigned char *scored = in + nu;
    for (size_t mask = 0; mask < (size_t)1 << g->n; mask++) {
        for (size_t u = 0; u < nu; u++) {
            double *row = xs + u * nc;
            int any = 0;
            for (size_t i = 0; i < nc; i++)
                row[i] = PA_SCORE(r, l->col[i], c->b, u);
            for (size_t j = 0; j < g->n; j++)
                if ((mask >> j) & 1)
                    row[g->pl[j]] = PA_SCORE(r, l->col[g->pl[j]], c->p, u);
            for (size_t i = 0; i < nc; i++)
                any |= !isnan(row[i]);
            in[u] = !r->reference[u] && !(r->flags[PA_CELL(r, g->k, c->p, u)] & PA_CELL_SCREENED);
            scored[u] = any && !(r->flags[PA_CELL(r, g->k, c->p, u)] & PA_CELL_SCREENED);
        }
        copeland_totals(xs, nu, nc, l->w, in, scored, g->v + mask * nu);
    }
}

/* The players of node k against base b: children that moved in some unit. The screened units
 * must be the same in both periods (else the opponents differ and nothing is exact). */
static pa_status
copeland_players(const ctx *c, const local *l, copeland_game *g)
{
    const pa_result *r = c->r;
    for (size_t u = 0; u < r->nu; u++)
        if ((r->flags[PA_CELL(r, g->k, c->p, u)] ^ r->flags[PA_CELL(r, g->k, c->b, u)]) &
            PA_CELL_SCREENED)
            return pa_fail(c->err, PA_ERR_COMPUTE, NULL, 0, 0,
                           "'%s' counts wins over other units, and unit '%s' is screened out in "
                           "one of %s and %s only: the opponents differ, so no split is exact",
                           l->nd->code, r->unit_codes[u], r->periods[c->p], r->periods[c->b]);
    for (size_t i = 0; i < l->nc; i++) {
        int moved = 0;
        for (size_t u = 0; u < r->nu && !moved; u++)
            moved = !same(PA_SCORE(r, l->col[i], c->p, u), PA_SCORE(r, l->col[i], c->b, u));
        if (moved && g->n == PA_EXPLAIN_MAX_PLAYERS)
            return pa_fail(c->err, PA_ERR_COMPUTE, NULL, 0, 0,
                           "more than %d children of '%s' moved; their exact Shapley values "
                           "would take 2^%d Copeland counts or more", PA_EXPLAIN_MAX_PLAYERS,
                           l->nd->code, PA_EXPLAIN_MAX_PLAYERS + 1);
        if (moved)
            g->pl[g->n++] = i;
    }
    double work = ldexp((double)r->nu * (double)r->nu * (double)(l->nc ? l->nc : 1), (int)g->n);
    if (work > 4e9)
        return pa_fail(c->err, PA_ERR_COMPUTE, NULL, 0, 0,
                       "the exact Shapley values of the %zu children of '%s' that moved, over "
                       "%zu units, would take 2^%zu Copeland counts of %zu² comparisons: too "
                       "many (limit 4·10^9 comparisons)", g->n, l->nd->code, r->nu, g->n, r->nu);
    return PA_OK;
}

/* The game of node k against the current base, made on first use. */
static pa_status
copeland_game_of(ctx *c, size_t k, const local *l, copeland_game **out)
{
    for (size_t i = 0; i < c->n_games; i++)
        if (c->games[i].k == k && c->games[i].b == c->b)
            return (*out = &c->games[i]), PA_OK;
    copeland_game *gs = pa_reallocarray(c->games, c->n_games + 1, sizeof *gs);
    if (!gs)
        return pa_nomem(c->err);
    c->games = gs;
    copeland_game *g = &gs[c->n_games];
    *g = (copeland_game){ .k = k, .b = c->b };
    pa_status st = copeland_players(c, l, g);
    if (st != PA_OK)
        return st;
    size_t nu = c->r->nu ? c->r->nu : 1;
    g->v = pa_reallocarray(NULL, ((size_t)1 << g->n) * nu, sizeof *g->v);
    double *xs = pa_reallocarray(NULL, nu * (l->nc ? l->nc : 1), sizeof *xs);
    unsigned char *in = pa_malloc(2 * nu);
    if (g->v && xs && in)
        copeland_worths(c, l, g, xs, in);
    pa_free(xs);
    pa_free(in);
    if (!g->v)
        return pa_nomem(c->err);
    c->n_games++;
    *out = g;
    return xs && in ? PA_OK : pa_nomem(c->err);
}

/* A unit's Shapley values in the game of its node: every player's part of the change of its
 * wins, including what the player's moves in other units did to them. */
static pa_status
split_copeland(ctx *c, size_t k, local *l, double *now, double *base)
{
    copeland_game *g = NULL;
    pa_status st = copeland_game_of(c, k, l, &g);
    if (st != PA_OK)
        return st;
    size_t nu = c->r->nu, u = c->u, full = ((size_t)1 << g->n) - 1;
    double wt[PA_EXPLAIN_MAX_PLAYERS];
    l->whole = 1;
    *now = g->v[full * nu + u];
    *base = g->v[u];
    for (size_t i = 0; i < l->nc; i++)
        l->phi[i] = l->ratio[i] = 0;
    if (g->n)
        shapley_weights(wt, g->n);
    for (size_t j = 0; j < g->n; j++) {
        size_t bit = (size_t)1 << j;
        double *phi = &l->phi[g->pl[j]];
        for (size_t mask = 0; mask <= full; mask++)
            if (!(mask & bit))
                *phi += wt[__builtin_popcountl(mask)] * (g->v[(mask | bit) * nu + u] -
                                                          g->v[mask * nu + u]);
    }
    return PA_OK;
}

/* Split node k's own change among its children by its rule; *now and *base receive its
 * aggregate (before penalty points) in both periods. */
static pa_status
local_split(ctx *c, size_t k, local *l, double *now, double *base)
{
    int bad1, bad2, same_set = 1;
    *now = aggregate(l, l->x, &bad1);
    *base = aggregate(l, l->y, &bad2);
    if (bad1 == -2 || bad2 == -2)
        return pa_nomem(c->err);
    for (size_t i = 0; i < l->nc; i++)
        same_set &= isnan(l->x[i]) == isnan(l->y[i]);
    pa_agg agg = l->nd->eff.agg;
    if (agg == PA_AGG_COPELAND)
        return split_copeland(c, k, l, now, base);
    if (agg == PA_AGG_ARITHMETIC && same_set)
        split_arithmetic(l);
    else if (agg == PA_AGG_GEOMETRIC && same_set)
        split_geometric(l, *now, *base);
    else
        return split_shapley(c, l);
    return PA_OK;
}

/* The part of the score penalty row q holds in period p: its points, scaled when the floor
 * of the range cut the total (pen: score minus aggregate, tot: the rows' points). */
static double
penalty_part(double pts, double pen, double tot)
{
    return isnan(pts) || tot == 0 ? 0 : pts * (pen / tot);
}

/* Penalty rows of node k: each one's change of its part of the score. */
static void
split_penalties(ctx *c, size_t k, double now, double base, double ratio)
{
    const pa_model *m = c->m;
    double pen_now = score(c, k, c->p) - now, pen_base = score(c, k, c->b) - base;
    double tot_now = 0, tot_base = 0;
    for (size_t q = 0; q < m->n_penalties; q++)
        if (m->pos[m->penalties[q].target_node] == k) {
            size_t pn = c->r->n_model_nodes + q;
            tot_now += isnan(score(c, pn, c->p)) ? 0 : score(c, pn, c->p);
            tot_base += isnan(score(c, pn, c->b)) ? 0 : score(c, pn, c->b);
        }
    for (size_t q = 0; q < m->n_penalties; q++) {
        size_t pn = c->r->n_model_nodes + q;
        double a = score(c, pn, c->p), b = score(c, pn, c->b);
        if (m->pos[m->penalties[q].target_node] != k || (isnan(a) && isnan(b)))
            continue;
        add(&c->acc[pn], ratio * (penalty_part(a, pen_now, tot_now) -
                                  penalty_part(b, pen_base, tot_base)));
    }
}

static int
has_penalty(const pa_model *m, size_t k)
{
    for (size_t q = 0; q < m->n_penalties; q++)
        if (m->pos[m->penalties[q].target_node] == k)
            return 1;
    return 0;
}

/* A model that aggregates otherwise than the result did (edited since) explains nothing. */
static pa_status
check_aggregate(ctx *c, size_t k, double now, double base)
{
    double sn = score(c, k, c->p), sb = score(c, k, c->b);
    if (has_penalty(c->m, k) ||
        (fabs(now - sn) <= 1e-9 * fmax(1, fabs(sn)) && fabs(base - sb) <= 1e-9 * fmax(1, fabs(sb))))
        return PA_OK;
    return pa_fail(c->err, PA_ERR_ARGUMENT, NULL, 0, 0,
                   "unit '%s': the model's mean of the children of '%s' is not the result's "
                   "score: the model is not the one the result was computed with",
                   c->r->unit_codes[c->u], c->r->node_codes[k]);
}

/* Node k's change, times ratio, into the contributions of the leaves below it. */
static pa_status
explain_node(ctx *c, size_t k, double ratio)
{
    const pa_node *nd = &c->m->nodes[c->m->order[k]];
    if (nd->is_indicator) {
        add(&c->acc[k], ratio * (score(c, k, c->p) - score(c, k, c->b)));
        return PA_OK;
    }
    local l = { 0 };
    double now, base;
    pa_status st = local_fill(c, k, &l);
    if (st == PA_OK)
        st = local_split(c, k, &l, &now, &base);
    if (st == PA_OK)
        st = check_aggregate(c, k, now, base);
    for (size_t i = 0; i < l.nc && st == PA_OK; i++) {
        size_t col = l.col[i];
        double d = l.x[i] - l.y[i];
        if (isnan(l.x[i]) && isnan(l.y[i]))
            continue; /* in neither period: no part */
        if (col < c->r->n_ind || isnan(d) || l.whole)
            add(&c->acc[col], ratio * l.phi[i]); /* a group in one period only: one part */
        else
            st = explain_node(c, col, ratio * l.ratio[i]);
    }
    if (st == PA_OK)
        split_penalties(c, k, now, base, ratio);
    pa_free(l.col);
    pa_free(l.x);
    return st;
}

static pa_status
push_row(pa_explain *x, size_t u, size_t leaf, double v, pa_error *err)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        size_t *a = pa_reallocarray(x->unit, cap, sizeof *a);
        if (a)
            x->unit = a;
        size_t *b = a ? pa_reallocarray(x->leaf, cap, sizeof *b) : NULL;
        if (b)
            x->leaf = b;
        double *d = b ? pa_reallocarray(x->contrib, cap, sizeof *d) : NULL;
        if (!d)
            return pa_nomem(err);
        x->contrib = d;
        x->cap = cap;
    }
    x->unit[x->n] = u, x->leaf[x->n] = leaf, x->contrib[x->n++] = v;
    return PA_OK;
}

/* One unit: against each base period (a mean base: the mean of the explanations). */
static pa_status
explain_unit(pa_explain *x, ctx *c, pa_error *err)
{
    const pa_result *r = c->r;
    x->change[c->u] = pa_result_score_change(r, c->u, c->p, x->node);
    if (isnan(x->change[c->u]))
        return PA_OK;
    for (size_t n = 0; n < r->nn; n++)
        c->acc[n] = NAN;
    pa_status st = PA_OK;
    for (size_t j = 0; j < r->base_k && st == PA_OK; j++) {
        c->b = r->base[c->p] + j;
        st = explain_node(c, x->node, 1.0 / (double)r->base_k);
    }
    for (size_t n = 0; n < r->nn && st == PA_OK; n++)
        if (!isnan(c->acc[n]))
            st = push_row(x, c->u, n, c->acc[n], err);
    return st;
}

/* The model must be the result's: the same nodes in the same places, all of them held. */
static pa_status
check_inputs(const pa_model *m, const pa_result *r, pa_error *err)
{
    if (r->n_model_nodes != m->n_nodes || r->nn - r->n_model_nodes != m->n_penalties)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                       "the model is not the one the result was computed with");
    for (size_t k = 0; k < r->nn; k++) {
        const char *code = k < m->n_nodes ? m->nodes[m->order[k]].code
                                          : m->penalties[k - m->n_nodes].code;
        if (strcmp(code, r->node_codes[k]) != 0)
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                           "the model is not the one the result was computed with");
        if (!pa_held(r, k))
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                           "the result does not hold the scores of '%s' (pa_compute_nodes): "
                           "an explanation needs every node's", code);
    }
    return PA_OK;
}

/* The node and period asked for, and the period's base. */
static pa_status
find_target(pa_explain *x, const pa_result *r, const char *node, const char *period,
            pa_error *err)
{
    x->node = node ? pa_result_node_find(r, node) : PA_NONE;
    for (size_t k = 0; !node && k < r->n_model_nodes; k++)
        if (r->node_parent[k] == PA_NONE)
            x->node = k;
    if (x->node != PA_NONE && x->node >= r->n_model_nodes)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                       "'%s' is a penalty row: its change is its own, with nothing to split",
                       node);
    if (x->node == PA_NONE)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no node '%s' in the model to explain",
                       node ? node : "");
    x->period = period ? pa_result_period_find(r, period) : r->np - 1;
    if (x->period == PA_NONE || r->np == 0)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no period '%s' in the data",
                       period ? period : "");
    if (r->base[x->period] == PA_NONE)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                       "period '%s' has no base period to compare with, so there is no change "
                       "to explain", r->periods[x->period]);
    return PA_OK;
}

pa_status
pa_explain_compute(pa_explain **out, const pa_model *model, const pa_result *result,
                   const char *node, const char *period, pa_error *err)
{
    if (!out || !model || !result)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    pa_explain *x = pa_calloc(1, sizeof *x);
    if (!x)
        return pa_nomem(err);
    x->r = result;
    ctx c = { .m = model, .r = result, .err = err };
    pa_status st = check_inputs(model, result, err);
    if (st == PA_OK)
        st = find_target(x, result, node, period, err);
    c.p = x->period;
    x->change = st == PA_OK ? pa_malloc((result->nu ? result->nu : 1) * sizeof *x->change) : NULL;
    c.acc = x->change ? pa_malloc(result->nn * sizeof *c.acc) : NULL;
    if (st == PA_OK && !c.acc)
        st = pa_nomem(err);
    for (size_t u = 0; u < result->nu && st == PA_OK; u++) {
        c.u = u;
        st = explain_unit(x, &c, err);
    }
    pa_free(c.acc);
    for (size_t i = 0; i < c.n_games; i++)
        pa_free(c.games[i].v);
    pa_free(c.games);
    if (st != PA_OK) {
        pa_explain_free(x);
        return st;
    }
    *out = x;
    return PA_OK;
}

void
pa_explain_free(pa_explain *x)
{
    if (!x)
        return;
    pa_free(x->unit);
    pa_free(x->leaf);
    pa_free(x->contrib);
    pa_free(x->change);
    pa_free(x);
}

size_t
pa_explain_node(const pa_explain *x)
{
    return x ? x->node : PA_NONE;
}

size_t
pa_explain_period(const pa_explain *x)
{
    return x ? x->period : PA_NONE;
}

double
pa_explain_change(const pa_explain *x, size_t unit)
{
    return x && unit < x->r->nu ? x->change[unit] : NAN;
}

size_t
pa_explain_count(const pa_explain *x)
{
    return x ? x->n : 0;
}

size_t
pa_explain_unit(const pa_explain *x, size_t i)
{
    return x && i < x->n ? x->unit[i] : PA_NONE;
}

size_t
pa_explain_indicator(const pa_explain *x, size_t i)
{
    return x && i < x->n ? x->leaf[i] : PA_NONE;
}

double
pa_explain_contribution(const pa_explain *x, size_t i)
{
    return x && i < x->n ? x->contrib[i] : NAN;
}

double
pa_explain_share(const pa_explain *x, size_t i)
{
    if (!x || i >= x->n)
        return NAN;
    double d = x->change[x->unit[i]];
    return d != 0 ? x->contrib[i] / d : NAN;
}

const pa_result *
pa_explain_result(const pa_explain *x)
{
    return x ? x->r : NULL;
}
