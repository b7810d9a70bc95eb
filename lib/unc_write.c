/* SPDX-License-Identifier: MIT */
/* pa_uncertainty_write: the units' rank statistics (uncertainty) or the inputs' Sobol indices
 * (sensitivity) as CSV, both as JSON. */
#include <csv.h>
#include <string.h>

#include "uncertainty.h"

static const char *const stat_keys[] = { "nominal_score", "nominal_rank", "mean_rank",
                                         "median_rank", "rank_p05", "rank_p95", "score_p05",
                                         "score_p95" };
static const char *const sobol_keys[] = { "first_order", "total", "first_lo", "first_hi",
                                          "total_lo", "total_hi" };

static void
csv_units(FILE *f, const pa_uncertainty *u)
{
    fputs("unit,name,period,node", f);
    for (size_t k = 0; k < 8; k++)
        fprintf(f, ",%s", stat_keys[k]);
    fputs(",runs,failed,percentiles\n", f);
    for (size_t i = 0; i < pa_uncertainty_unit_count(u); i++) {
        const char *name = pa_uncertainty_unit_name(u, i);
        pa_write_csv_field(f, pa_uncertainty_unit_code(u, i));
        fputc(',', f);
        pa_write_csv_field(f, name ? name : "");
        fputc(',', f);
        pa_write_csv_field(f, pa_uncertainty_period(u));
        fputc(',', f);
        pa_write_csv_field(f, pa_uncertainty_node(u));
        for (size_t k = 0; k < 8; k++) {
            fputc(',', f);
            pa_write_number(f, pa_uncertainty_stat(u, i, (pa_unc_stat)k), 0);
        }
        fprintf(f, ",%zu,%zu,%s\n", pa_uncertainty_runs(u), pa_uncertainty_failed(u),
                pa_uncertainty_estimated(u) ? "estimated" : "exact");
    }
}

static void
csv_inputs(FILE *f, const pa_uncertainty *u)
{
    fputs("input,first_order,total,first_lo,first_hi,total_lo,total_hi\n", f);
    for (size_t i = 0; i < pa_uncertainty_input_count(u); i++) {
        pa_write_csv_field(f, pa_uncertainty_input_name(u, i));
        for (size_t k = 0; k < 6; k++) {
            fputc(',', f);
            pa_write_number(f, pa_uncertainty_sobol(u, i, (pa_sobol_stat)k), 0);
        }
        fputc('\n', f);
    }
}

static void
json_units(FILE *f, const pa_uncertainty *u)
{
    fputs(",\n  \"units\": [", f);
    for (size_t i = 0; i < pa_uncertainty_unit_count(u); i++) {
        const char *name = pa_uncertainty_unit_name(u, i);
        fputs(i ? ",\n    {\"unit\": " : "\n    {\"unit\": ", f);
        pa_write_json_str(f, pa_uncertainty_unit_code(u, i));
        fputs(", \"name\": ", f);
        if (name)
            pa_write_json_str(f, name);
        else
            fputs("null", f);
        for (size_t k = 0; k < 8; k++) {
            fprintf(f, ", \"%s\": ", stat_keys[k]);
            pa_write_number(f, pa_uncertainty_stat(u, i, (pa_unc_stat)k), 1);
        }
        fputc('}', f);
    }
    fputs("\n  ]", f);
}

static void
json_inputs(FILE *f, const pa_uncertainty *u)
{
    fputs(",\n  \"sensitivity\": [", f);
    for (size_t i = 0; i < pa_uncertainty_input_count(u); i++) {
        fputs(i ? ",\n    {\"input\": " : "\n    {\"input\": ", f);
        pa_write_json_str(f, pa_uncertainty_input_name(u, i));
        for (size_t k = 0; k < 6; k++) {
            fprintf(f, ", \"%s\": ", sobol_keys[k]);
            pa_write_number(f, pa_uncertainty_sobol(u, i, (pa_sobol_stat)k), 1);
        }
        fputc('}', f);
    }
    fputs("\n  ]", f);
}

static void
write_json(FILE *f, const pa_uncertainty *u)
{
    fputs("{\n  \"period\": ", f);
    pa_write_json_str(f, pa_uncertainty_period(u));
    fputs(",\n  \"node\": ", f);
    pa_write_json_str(f, pa_uncertainty_node(u));
    fprintf(f, ",\n  \"runs\": %zu,\n  \"failed\": %zu,\n  \"points\": \"%s\",\n  "
            "\"percentiles\": \"%s\"", pa_uncertainty_runs(u), pa_uncertainty_failed(u),
            pa_uncertainty_points(u), pa_uncertainty_estimated(u) ? "estimated" : "exact");
    json_units(f, u);
    if (pa_unc_is_sensitivity(u))
        json_inputs(f, u);
    fputs("\n}\n", f);
}

pa_status
pa_uncertainty_write(const pa_uncertainty *u, FILE *f, pa_format format, pa_error *err)
{
    if (!u || !f)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    if (format != PA_FORMAT_CSV && format != PA_FORMAT_JSON)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "unknown format %d", (int)format);
    if (format == PA_FORMAT_JSON)
        write_json(f, u);
    else if (pa_unc_is_sensitivity(u))
        csv_inputs(f, u);
    else
        csv_units(f, u);
    if (fflush(f) != 0 || ferror(f))
        return pa_fail(err, PA_ERR_IO, NULL, 0, 0, "cannot write the uncertainty analysis");
    return PA_OK;
}
