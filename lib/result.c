/* SPDX-License-Identifier: MIT */
/* Read access to a result: names, scores, ranks, bands and changes. */
#include <math.h>
#include <stdio.h>
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

size_t
pa_result_unit_level(const pa_result *r, size_t u)
{
    size_t l = 0;
    while (r && u < r->nu && l + 1 < pa_unit_levels(r) && pa_level_first(r, l + 1) <= u)
        l++;
    return l;
}

size_t
pa_result_level_count(const pa_result *r)
{
    return r ? pa_unit_levels(r) : 0;
}

const char *
pa_result_level_name(const pa_result *r, size_t l)
{
    return r && r->tree && l < r->tree->n_levels ? r->tree->level_names[l] : NULL;
}

size_t
pa_result_unit_parent(const pa_result *r, size_t u)
{
    return r && r->tree && u < r->nu ? r->tree->parent[u] : PA_NONE;
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
    return r && p < r->np && r->base_k == 1 ? r->base[p] : PA_NONE;
}

/* Take the bases of every period (base_k periods from base[p] on) and name them for
 * pa_result_base_label: a single base by its period, a mean by "mean:FIRST..LAST", the
 * names of means made in one block. On failure the result is as it was. */
static pa_status
set_bases(pa_result *r, pa_compare how, size_t k, const size_t *base, pa_error *err)
{
    size_t text = 1;
    for (size_t p = 0; p < r->np && how == PA_COMPARE_MEAN; p++)
        if (base[p] != PA_NONE)
            text += strlen(r->periods[base[p]]) + strlen(r->periods[p - 1]) + 8;
    char *t = how == PA_COMPARE_MEAN ? pa_malloc(text) : NULL;
    if (how == PA_COMPARE_MEAN && !t)
        return pa_nomem(err);
    pa_free(r->base_text);
    r->base_text = t;
    r->compare = how;
    r->base_k = k;
    for (size_t p = 0; p < r->np; p++) {
        size_t b = r->base[p] = base[p];
        r->base_label[p] = b == PA_NONE ? NULL : r->periods[b];
        if (b == PA_NONE || how != PA_COMPARE_MEAN)
            continue;
        r->base_label[p] = t; /* a mean base ends right before p */
        t += sprintf(t, "mean:%s..%s", r->periods[b], r->periods[p - 1]) + 1;
    }
    return PA_OK;
}

/* The same quarter, month or day one year earlier, written the same way ("2020-02" →
 * "2019-02"). 0 when s is not one of the four forms; *none set when there is no such year. */
static int
year_before(const char *s, char *out, size_t size, int *none)
{
    size_t n = strlen(s);
    static const char *const forms[] = { "dddd", "ddddQq", "dddd-dd", "dddd-dd-dd" };
    int match = 0;
    for (size_t f = 0; f < 4 && !match; f++) {
        const char *m = forms[f];
        match = strlen(m) == n;
        for (size_t i = 0; i < n && match; i++)
            match = m[i] == 'd' ? s[i] >= '0' && s[i] <= '9'
                  : m[i] == 'q' ? s[i] >= '1' && s[i] <= '4' : s[i] == m[i];
    }
    int year = 0; /* four digits to read only when a form matched */
    for (size_t i = 0; i < 4 && match; i++)
        year = year * 10 + (s[i] - '0');
    *none = match && year == 0;
    if (match && !*none)
        snprintf(out, size, "%04d%s", year - 1, s + 4);
    return match;
}

pa_status
pa_result_set_compare(pa_result *r, pa_compare how, unsigned k, pa_error *err)
{
    if (!r)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL result");
    if (how != PA_COMPARE_PREVIOUS && how != PA_COMPARE_YEAR && how != PA_COMPARE_MEAN)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "unknown comparison %d", (int)how);
    if (how == PA_COMPARE_MEAN && k == 0)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                       "a mean of 0 periods: mean:K needs K of 1 or more");
    size_t n = how == PA_COMPARE_MEAN ? k : 1;
    size_t *base = pa_malloc((r->np ? r->np : 1) * sizeof *base);
    if (!base)
        return pa_nomem(err);
    for (size_t p = 0; p < r->np; p++) {
        base[p] = p >= n ? p - n : PA_NONE;
        char prev[32];
        int none;
        if (how != PA_COMPARE_YEAR)
            continue;
        if (!year_before(r->periods[p], prev, sizeof prev, &none)) {
            pa_free(base);
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                           "period '%s' is not a year, quarter, month or day (2019, 2019Q3, "
                           "2019-07, 2019-07-15): there is no same period a year earlier",
                           r->periods[p]);
        }
        base[p] = none ? PA_NONE : pa_result_period_find(r, prev);
    }
    pa_status st = set_bases(r, how, n, base, err);
    pa_free(base);
    return st;
}

pa_status
pa_result_set_base(pa_result *r, const char *period, pa_error *err)
{
    if (!r)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL result");
    if (!period)
        return pa_result_set_compare(r, PA_COMPARE_PREVIOUS, 0, err);
    size_t b = pa_result_period_find(r, period);
    if (b == PA_NONE)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no period '%s' in the data", period);
    size_t *base = pa_malloc((r->np ? r->np : 1) * sizeof *base);
    if (!base)
        return pa_nomem(err);
    for (size_t p = 0; p < r->np; p++)
        base[p] = p == b ? PA_NONE : b;
    pa_status st = set_bases(r, PA_COMPARE_PREVIOUS, 1, base, err);
    pa_free(base);
    return st;
}

const char *
pa_result_base_label(const pa_result *r, size_t p)
{
    return r && p < r->np ? r->base_label[p] : NULL;
}

double
pa_result_base_value(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n))
        return NAN;
    return pa_base_value(r, pa_value_node(r, n), p, u);
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

double
pa_result_node_period_weight(const pa_result *r, size_t p, size_t n)
{
    if (!r || p >= r->np || n >= r->n_model_nodes) /* penalty rows are not model nodes */
        return NAN;
    if (!r->present[n * r->np + p])
        return 0;
    size_t parent = r->node_parent[n];
    if (parent == PA_NONE)
        return 1;
    double sum = 0; /* the shares of the siblings present, n among them */
    for (size_t s = 0; s < r->n_model_nodes; s++)
        if (r->node_parent[s] == parent && r->present[s * r->np + p])
            sum += r->node_weight[s];
    return r->node_weight[n] / sum;
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
pa_result_rate(const pa_result *r, size_t u, size_t p, size_t n)
{
    return IN_RANGE(r, u, p, n) ? pa_cell_rate(r, n, p, u) : NAN;
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
    if (!IN_RANGE(r, u, p, n) || pa_value_node(r, n) == PA_NONE)
        return NAN;
    return pa_pct(pa_cell_value(r, pa_value_node(r, n), p, u),
                  pa_base_value(r, pa_value_node(r, n), p, u));
}

double
pa_result_score_change(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n))
        return NAN;
    return pa_diff(PA_SCORE(r, n, p, u), pa_base_score(r, n, p, u));
}

double
pa_result_score_change_pct(const pa_result *r, size_t u, size_t p, size_t n)
{
    if (!IN_RANGE(r, u, p, n))
        return NAN;
    return pa_pct(PA_SCORE(r, n, p, u), pa_base_score(r, n, p, u));
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
