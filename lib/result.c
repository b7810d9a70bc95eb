/* SPDX-License-Identifier: MIT */
/* Read access to a result: names, scores, ranks, bands and changes. */
#include <math.h>
#include <string.h>

#include "internal.h"

#define IN_RANGE(r, u, p, n) \
    ((r) && (u) < (r)->nu && (p) < (r)->np && (n) < (r)->nn && pa_held(r, n))

size_t pa_result_unit_count(const pa_result *r) { return r ? r->nu : 0; }
size_t pa_result_period_count(const pa_result *r) { return r ? r->np : 0; }
size_t pa_result_node_count(const pa_result *r) { return r ? r->nn : 0; }

const char *
pa_result_unit_code(const pa_result *r, size_t u)
{
    return r && u < r->nu ? r->unit_codes[u] : NULL;
}

const char *
pa_result_unit_name(const pa_result *r, size_t u)
{
    return r && u < r->nu ? r->unit_names[u] : NULL;
}

const char *
pa_result_period(const pa_result *r, size_t p)
{
    return r && p < r->np ? r->periods[p] : NULL;
}

size_t
pa_result_period_find(const pa_result *r, const char *period)
{
    for (size_t p = 0; r && period && p < r->np; p++)
        if (strcmp(r->periods[p], period) == 0)
            return p;
    return PA_NONE;
}

size_t
pa_result_base_of(const pa_result *r, size_t p)
{
    return r && p < r->np ? r->base[p] : PA_NONE;
}

pa_status
pa_result_set_base(pa_result *r, const char *period, pa_error *err)
{
    if (!r)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL result");
    if (!period) {
        for (size_t p = 0; p < r->np; p++)
            r->base[p] = p ? p - 1 : PA_NONE;
        return PA_OK;
    }
    size_t b = pa_result_period_find(r, period);
    if (b == PA_NONE)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no period '%s' in the data", period);
    for (size_t p = 0; p < r->np; p++)
        r->base[p] = p == b ? PA_NONE : b;
    return PA_OK;
}

const char *
pa_result_node_code(const pa_result *r, size_t n)
{
    return r && n < r->nn ? r->node_codes[n] : NULL;
}

const char *
pa_result_node_label(const pa_result *r, size_t n)
{
    return r && n < r->nn ? r->node_labels[n] : NULL;
}

const char *
pa_result_node_unit(const pa_result *r, size_t n)
{
    return r && n < r->nn ? r->node_units[n] : NULL;
}

int
pa_result_node_level(const pa_result *r, size_t n)
{
    return r && n < r->nn ? r->node_level[n] : 0;
}

size_t
pa_result_node_parent(const pa_result *r, size_t n)
{
    return r && n < r->nn ? r->node_parent[n] : PA_NONE;
}

double
pa_result_node_weight(const pa_result *r, size_t n)
{
    return r && n < r->nn ? r->node_weight[n] : NAN;
}

size_t
pa_result_node_find(const pa_result *r, const char *code)
{
    for (size_t n = 0; r && code && n < r->nn; n++)
        if (strcmp(r->node_codes[n], code) == 0)
            return n;
    return PA_NONE;
}

double
pa_result_value(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n) || pa_value_node(r, n) == PA_NONE)
        return NAN;
    return pa_cell_value(r, pa_value_node(r, n), p, u);
}

double
pa_result_score(const pa_result *r, size_t u, size_t p, size_t n)
{
    return IN_RANGE(r, u, p, n) ? PA_SCORE(r, n, p, u) : NAN;
}

long
pa_result_rank(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n) || pa_rank_node(r, n, NULL) != PA_OK || !r->rank[n])
        return 0; /* not ranked, or no memory to rank */
    return r->rank[n][p * r->nu + u];
}

const char *
pa_result_band(const pa_result *r, size_t u, size_t p, size_t n, const char **colour)
{
    double s = pa_result_score(r, u, p, n);
    if (colour)
        *colour = NULL;
    if (isnan(s) || r->node_penalty[n]) /* points taken off are not a grade */
        return NULL;
    for (size_t b = 0; b < r->n_bands; b++)
        if (s >= r->bands[b].threshold) {
            if (colour)
                *colour = r->bands[b].colour;
            return r->bands[b].label;
        }
    return NULL;
}

double
pa_result_value_change_pct(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n) || r->base[p] == PA_NONE)
        return NAN;
    if (pa_value_node(r, n) == PA_NONE)
        return NAN;
    size_t vn = pa_value_node(r, n);
    return pa_pct(pa_cell_value(r, vn, p, u), pa_cell_value(r, vn, r->base[p], u));
}

double
pa_result_score_change(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n) || r->base[p] == PA_NONE)
        return NAN;
    return pa_diff(PA_SCORE(r, n, p, u), PA_SCORE(r, n, r->base[p], u));
}

double
pa_result_score_change_pct(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n) || r->base[p] == PA_NONE)
        return NAN;
    return pa_pct(PA_SCORE(r, n, p, u), PA_SCORE(r, n, r->base[p], u));
}

int
pa_result_node_is_penalty(const pa_result *r, size_t n)
{
    return r && n < r->nn ? r->node_penalty[n] : 0;
}

unsigned
pa_result_flags(const pa_result *r, size_t u, size_t p, size_t n)
{
    return IN_RANGE(r, u, p, n) ? r->flags[PA_CELL(r, n, p, u)] : 0;
}

double
pa_result_coverage(const pa_result *r, size_t u, size_t p)
{
    return r && u < r->nu && p < r->np ? r->coverage[p * r->nu + u] : NAN;
}
