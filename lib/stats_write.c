/* SPDX-License-Identifier: MIT */
/* The statistics as CSV (one long table) or JSON (the layout of SPEC section 7). */
#include <csv.h>
#include <string.h>

#include "stats.h"

static const char *const stat_names[PA_N_STAT] = {
    "min", "max", "mean", "median", "sd", "skew", "kurt", "n_avail", "n_nonzero", "n_unique",
    "n_same", "frac_avail", "frac_nonzero", "frac_unique", "frac_same"
};
static const char *const flag_names[] = { "low_avail", "low_nonzero", "low_unique",
                                          "skew_kurt" };
enum { N_FLAGS = sizeof flag_names / sizeof flag_names[0] };
static const char *const method_names[2] = { "pearson", "spearman" };

static void
row(FILE *f, const pa_stats *s, const char *table, const char *node, const char *with,
    const char *key, double v)
{
    fprintf(f, "%s,", table);
    pa_write_csv_field(f, s->period);
    fputc(',', f);
    pa_write_csv_field(f, node);
    fputc(',', f);
    pa_write_csv_field(f, with);
    fprintf(f, ",%s,", key);
    pa_write_number(f, v, 0);
    fputc('\n', f);
}

static void
csv_indicators(FILE *f, const pa_stats *s)
{
    for (size_t i = 0; i < s->ni; i++) {
        for (int k = 0; k < PA_N_STAT; k++)
            row(f, s, "indicator", s->codes[i], s->groups[i], stat_names[k], s->ind[i][k]);
        for (int b = 0; b < N_FLAGS; b++)
            row(f, s, "indicator", s->codes[i], s->groups[i], flag_names[b],
                (s->flags[i] >> b) & 1);
    }
}

static void
csv_corr(FILE *f, const pa_stats *s)
{
    for (int h = 0; h < 2; h++)
        for (size_t i = 0; i < s->ni; i++)
            for (size_t j = 0; j < s->ni; j++) {
                row(f, s, method_names[h], s->codes[i], s->codes[j], "r",
                    s->corr[h][i * s->ni + j]);
                int fl = pa_stats_corr_flag(s, (pa_corr_method)h, i, j);
                if (fl)
                    row(f, s, method_names[h], s->codes[i], s->codes[j], "flag", fl);
            }
    for (int h = 0; h < 2; h++)
        for (size_t k = 0; k < s->n_par; k++)
            row(f, s, h ? "parent_spearman" : "parent_pearson", s->par_node[k],
                s->par_parent[k], "r", s->par_corr[h][k]);
}

static void
csv_groups(FILE *f, const pa_stats *s)
{
    for (size_t g = 0; g < s->ng; g++)
        row(f, s, "cronbach", s->grp[g].code, "", "alpha", s->grp[g].alpha);
    for (size_t g = 0; g < s->ng; g++) {
        const pa_stats_group *gr = &s->grp[g];
        row(f, s, "pca", gr->code, "", "complete_units", (double)gr->complete);
        for (size_t c = 0; c < gr->n; c++) {
            char pc[32];
            snprintf(pc, sizeof pc, "PC%zu", c + 1);
            row(f, s, "pca", gr->code, pc, "share", gr->share[c]);
        }
        for (size_t c = 0; c < gr->n; c++)
            row(f, s, "pca", gr->code, s->codes[gr->member[c]], "pc1_loading", gr->loading[c]);
    }
}

static void
json_indicator(FILE *f, const pa_stats *s, size_t i)
{
    fputs(i ? ",\n    {\"node\": " : "\n    {\"node\": ", f);
    pa_write_json_str(f, s->codes[i]);
    fputs(", \"group\": ", f);
    pa_write_json_str(f, s->groups[i]);
    for (int k = 0; k < PA_N_STAT; k++) {
        fprintf(f, ", \"%s\": ", stat_names[k]);
        pa_write_number(f, s->ind[i][k], 1);
    }
    fputs(", \"flags\": [", f);
    for (int b = 0, any = 0; b < N_FLAGS; b++)
        if ((s->flags[i] >> b) & 1)
            fprintf(f, "%s\"%s\"", any++ ? ", " : "", flag_names[b]);
    fputs("]}", f);
}

static void
json_matrix(FILE *f, const pa_stats *s, int h)
{
    fprintf(f, "    \"%s\": {\"nodes\": [", method_names[h]);
    for (size_t i = 0; i < s->ni; i++) {
        fputs(i ? ", " : "", f);
        pa_write_json_str(f, s->codes[i]);
    }
    fputs("], \"matrix\": [", f);
    for (size_t i = 0; i < s->ni; i++) {
        fputs(i ? ",\n      [" : "\n      [", f);
        for (size_t j = 0; j < s->ni; j++) {
            fputs(j ? ", " : "", f);
            pa_write_number(f, s->corr[h][i * s->ni + j], 1);
        }
        fputc(']', f);
    }
    fputs("]}", f);
}

static void
json_parents(FILE *f, const pa_stats *s)
{
    fputs(",\n  \"parent_correlations\": [", f);
    for (size_t k = 0; k < s->n_par; k++) {
        fputs(k ? ",\n    {\"node\": " : "\n    {\"node\": ", f);
        pa_write_json_str(f, s->par_node[k]);
        fputs(", \"parent\": ", f);
        pa_write_json_str(f, s->par_parent[k]);
        fputs(", \"pearson\": ", f);
        pa_write_number(f, s->par_corr[0][k], 1);
        fputs(", \"spearman\": ", f);
        pa_write_number(f, s->par_corr[1][k], 1);
        fputc('}', f);
    }
    fputs("\n  ]", f);
}

static void
json_groups(FILE *f, const pa_stats *s)
{
    fputs(",\n  \"cronbach\": [", f);
    for (size_t g = 0; g < s->ng; g++) {
        fputs(g ? ",\n    {\"group\": " : "\n    {\"group\": ", f);
        pa_write_json_str(f, s->grp[g].code);
        fputs(", \"alpha\": ", f);
        pa_write_number(f, s->grp[g].alpha, 1);
        fputc('}', f);
    }
    fputs("\n  ],\n  \"pca\": [", f);
    for (size_t g = 0; g < s->ng; g++) {
        const pa_stats_group *gr = &s->grp[g];
        fputs(g ? ",\n    {\"group\": " : "\n    {\"group\": ", f);
        pa_write_json_str(f, gr->code);
        fprintf(f, ", \"complete_units\": %zu, \"shares\": [", gr->complete);
        for (size_t c = 0; c < gr->n; c++) {
            fputs(c ? ", " : "", f);
            pa_write_number(f, gr->share[c], 1);
        }
        fputs("], \"loadings\": {", f);
        for (size_t c = 0; c < gr->n; c++) {
            fputs(c ? ", " : "", f);
            pa_write_json_str(f, s->codes[gr->member[c]]);
            fputs(": ", f);
            pa_write_number(f, gr->loading[c], 1);
        }
        fputs("}}", f);
    }
    fputs("\n  ]", f);
}

static void
write_json(FILE *f, const pa_stats *s)
{
    fputs("{\n  \"period\": ", f);
    pa_write_json_str(f, s->period);
    fprintf(f, ",\n  \"scope\": \"%s\",\n  \"units\": %zu,\n  \"indicators\": [",
            s->panel ? "panel" : "period", s->n_units);
    for (size_t i = 0; i < s->ni; i++)
        json_indicator(f, s, i);
    fputs("\n  ],\n  \"correlations\": {\n", f);
    json_matrix(f, s, 0);
    fputs(",\n", f);
    json_matrix(f, s, 1);
    fputs("\n  }", f);
    json_parents(f, s);
    json_groups(f, s);
    fputs("\n}\n", f);
}

pa_status
pa_stats_write(const pa_stats *s, FILE *f, pa_format format, pa_error *err)
{
    if (!s || !f)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    if (format != PA_FORMAT_CSV && format != PA_FORMAT_JSON)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "unknown format %d", (int)format);
    if (format == PA_FORMAT_JSON) {
        write_json(f, s);
    } else {
        fputs("table,period,node,with,key,value\n", f);
        csv_indicators(f, s);
        csv_corr(f, s);
        csv_groups(f, s);
    }
    if (fflush(f) != 0 || ferror(f))
        return pa_fail(err, PA_ERR_IO, NULL, 0, 0, "cannot write the statistics");
    return PA_OK;
}
