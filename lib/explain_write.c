/* SPDX-License-Identifier: MIT */
/* An explanation as CSV (one row per unit and part) or JSON (parts grouped by unit). */
#include <csv.h>
#include <string.h>

#include "internal.h"

static void
csv_row(FILE *f, const pa_explain *x, const pa_result *r, size_t i, const char *base)
{
    size_t u = pa_explain_unit(x, i), leaf = pa_explain_indicator(x, i);
    size_t p = pa_explain_period(x);
    const char *text[] = { pa_result_unit_code(r, u), pa_result_unit_name(r, u),
                           pa_result_period(r, p), base,
                           pa_result_node_code(r, pa_explain_node(x)),
                           pa_result_node_code(r, leaf) };
    for (size_t k = 0; k < sizeof text / sizeof *text; k++) {
        pa_write_csv_field(f, text[k]);
        fputc(',', f);
    }
    double v[] = { pa_result_value_change_pct(r, u, p, leaf), pa_result_score_change(r, u, p, leaf),
                   pa_explain_contribution(x, i), pa_explain_share(x, i),
                   pa_explain_change(x, u) };
    for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
        if (k)
            fputc(',', f);
        pa_write_number(f, v[k], 0);
    }
    fputc('\n', f);
}

static void
write_csv(FILE *f, const pa_explain *x, const pa_result *r, const char *base)
{
    fputs("unit,name,period,base,node,indicator,value_change_pct,score_change,contribution,"
          "share,node_change\n", f);
    for (size_t i = 0; i < pa_explain_count(x); i++)
        csv_row(f, x, r, i, base);
}

static void
json_part(FILE *f, const pa_explain *x, const pa_result *r, size_t i)
{
    size_t u = pa_explain_unit(x, i), leaf = pa_explain_indicator(x, i);
    size_t p = pa_explain_period(x);
    fputs("{\"indicator\":", f);
    pa_write_json_str(f, pa_result_node_code(r, leaf));
    fputs(",\"label\":", f);
    pa_write_json_str(f, pa_result_node_label(r, leaf));
    fputs(",\"value_change_pct\":", f);
    pa_write_number(f, pa_result_value_change_pct(r, u, p, leaf), 1);
    fputs(",\"score_change\":", f);
    pa_write_number(f, pa_result_score_change(r, u, p, leaf), 1);
    fputs(",\"contribution\":", f);
    pa_write_number(f, pa_explain_contribution(x, i), 1);
    fputs(",\"share\":", f);
    pa_write_number(f, pa_explain_share(x, i), 1);
    fputc('}', f);
}

static void
write_json(FILE *f, const pa_explain *x, const pa_result *r, const char *base)
{
    fputs("{\"period\":", f);
    pa_write_json_str(f, pa_result_period(r, pa_explain_period(x)));
    fputs(",\"base\":", f);
    pa_write_json_str(f, base);
    fputs(",\"node\":", f);
    pa_write_json_str(f, pa_result_node_code(r, pa_explain_node(x)));
    fputs(",\"units\":[", f);
    size_t n = pa_explain_count(x);
    for (size_t i = 0; i < n; i++) {
        size_t u = pa_explain_unit(x, i);
        if (i == 0 || pa_explain_unit(x, i - 1) != u) {
            fputs(i ? "]},\n{\"unit\":" : "\n{\"unit\":", f);
            pa_write_json_str(f, pa_result_unit_code(r, u));
            fputs(",\"name\":", f);
            pa_write_json_str(f, pa_result_unit_name(r, u));
            fputs(",\"change\":", f);
            pa_write_number(f, pa_explain_change(x, u), 1);
            fputs(",\"contributions\":[", f);
        } else {
            fputc(',', f);
        }
        json_part(f, x, r, i);
    }
    fputs(n ? "]}\n]}\n" : "]}\n", f);
}

pa_status
pa_explain_write(const pa_explain *x, FILE *f, pa_format format, pa_error *err)
{
    if (!x || !f || (format != PA_FORMAT_CSV && format != PA_FORMAT_JSON))
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument or unknown format");
    const pa_result *r = pa_explain_result(x);
    const char *base = pa_result_base_label(r, pa_explain_period(x));
    if (format == PA_FORMAT_CSV)
        write_csv(f, x, r, base ? base : "");
    else
        write_json(f, x, r, base ? base : "");
    if (fflush(f) != 0 || ferror(f))
        return pa_fail(err, PA_ERR_IO, NULL, 0, 0, "write error");
    return PA_OK;
}
