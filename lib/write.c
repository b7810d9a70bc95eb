/* SPDX-License-Identifier: MIT */
/* CSV and JSON writers: one row per unit, period and node; numbers read back exactly. */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct writer {
    const pa_result *r;
    FILE *f;
    const pa_write_options *o;
    unsigned char *node_on;
    size_t p0, p1;
} writer;

static void
num(FILE *f, double v)
{
    char buf[40];
    if (isnan(v))
        return;
    pa_format_number(v, buf, sizeof buf);
    fputs(buf, f);
}

static void
json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void
json_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("null", f);
    else
        num(f, v);
}

static const char *const flag_words[] = { "imputed", "winsorised_high", "winsorised_low",
                                          "log_CT", "boxcox", "screened_out", "low_coverage" };

/* Flags as words joined by sep, e.g. "imputed;winsorised_high". */
static void
flag_list(FILE *f, unsigned flags, const char *sep, int quoted)
{
    int first = 1;
    for (unsigned b = 0; b < sizeof flag_words / sizeof *flag_words; b++)
        if (flags & (1u << b)) {
            fprintf(f, quoted ? "%s\"%s\"" : "%s%s", first ? "" : sep, flag_words[b]);
            first = 0;
        }
}

/* CSV rows are built in a buffer and written in large blocks: stdio's per-call locking
 * would otherwise dominate on panels of millions of rows. */
typedef struct obuf {
    FILE *f;
    char b[1 << 16];
    size_t n;
} obuf;

static void
ob_flush(obuf *o)
{
    fwrite(o->b, 1, o->n, o->f);
    o->n = 0;
}

static void
ob_put(obuf *o, const char *s, size_t len)
{
    if (o->n + len > sizeof o->b) {
        ob_flush(o);
        if (len > sizeof o->b) {
            fwrite(s, 1, len, o->f);
            return;
        }
    }
    memcpy(o->b + o->n, s, len);
    o->n += len;
}

static void
ob_str(obuf *o, const char *s)
{
    ob_put(o, s, strlen(s));
}

static void
ob_long(obuf *o, long v)
{
    char buf[24];
    size_t i = sizeof buf;
    unsigned long x = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        buf[--i] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    if (v < 0)
        buf[--i] = '-';
    ob_put(o, buf + i, sizeof buf - i);
}

static void
ob_num(obuf *o, double v)
{
    char buf[40];
    if (!isnan(v))
        ob_put(o, buf, (size_t)pa_format_number(v, buf, sizeof buf));
}

/* A field as CSV: quoted (by libcsv) only when it must be. Owned by the caller. */
static char *
csv_field(const char *s)
{
    size_t len = strlen(s);
    if (!strpbrk(s, ",\"\r\n"))
        return pa_strdup(s);
    size_t need = csv_write(NULL, 0, s, len);
    char *q = pa_malloc(need + 1);
    if (q) {
        csv_write(q, need, s, len);
        q[need] = '\0';
    }
    return q;
}

static pa_status
write_csv(writer *w, pa_error *err)
{
    const pa_result *r = w->r;
    obuf *o = pa_malloc(sizeof *o);
    char **unit = pa_calloc(r->nu * 2 + r->np + r->nn * 2, sizeof *unit);
    pa_status st = PA_OK;
    if (!o || !unit) {
        st = pa_nomem(err);
        goto out;
    }
    char **name = unit + r->nu, **period = name + r->nu, **node = period + r->np,
         **label = node + r->nn;
    for (size_t u = 0; u < r->nu; u++)
        if (!(unit[u] = csv_field(r->unit_codes[u])) || !(name[u] = csv_field(r->unit_names[u])))
            st = PA_ERR_NOMEM;
    for (size_t p = 0; p < r->np; p++)
        if (!(period[p] = csv_field(r->periods[p])))
            st = PA_ERR_NOMEM;
    for (size_t n = 0; n < r->nn; n++)
        if (!(node[n] = csv_field(r->node_codes[n])) || !(label[n] = csv_field(r->node_labels[n])))
            st = PA_ERR_NOMEM;
    if (st != PA_OK) {
        st = pa_nomem(err);
        goto out;
    }
    o->f = w->f;
    o->n = 0;
    ob_str(o, "unit,name,period,node,label,level,value,score,rank,band,value_change_pct,"
              "score_change,score_change_pct,flags\n");
    for (size_t u = 0; u < r->nu; u++)
        for (size_t p = w->p0; p < w->p1; p++)
            for (size_t n = 0; n < r->nn; n++) {
                if (!w->node_on[n])
                    continue;
                ob_str(o, unit[u]);
                ob_put(o, ",", 1);
                ob_str(o, name[u]);
                ob_put(o, ",", 1);
                ob_str(o, period[p]);
                ob_put(o, ",", 1);
                ob_str(o, node[n]);
                ob_put(o, ",", 1);
                ob_str(o, label[n]);
                ob_put(o, ",", 1);
                ob_long(o, r->node_level[n]);
                ob_put(o, ",", 1);
                ob_num(o, pa_result_value(r, u, p, n));
                ob_put(o, ",", 1);
                ob_num(o, pa_result_score(r, u, p, n));
                ob_put(o, ",", 1);
                long rk = r->rank[n] ? r->rank[n][p * r->nu + u] : 0;
                if (rk)
                    ob_long(o, rk);
                ob_put(o, ",", 1);
                const char *band = pa_result_band(r, u, p, n, NULL);
                if (band) {
                    char *q = csv_field(band);
                    if (!q) {
                        st = pa_nomem(err);
                        goto out;
                    }
                    ob_str(o, q);
                    pa_free(q);
                }
                ob_put(o, ",", 1);
                ob_num(o, pa_result_value_change_pct(r, u, p, n));
                ob_put(o, ",", 1);
                ob_num(o, pa_result_score_change(r, u, p, n));
                ob_put(o, ",", 1);
                ob_num(o, pa_result_score_change_pct(r, u, p, n));
                ob_put(o, ",", 1);
                unsigned fl = pa_result_flags(r, u, p, n);
                for (unsigned bit = 0, first = 1; bit < sizeof flag_words / sizeof *flag_words; bit++)
                    if (fl & (1u << bit)) {
                        if (!first)
                            ob_put(o, ";", 1);
                        ob_str(o, flag_words[bit]);
                        first = 0;
                    }
                ob_put(o, "\n", 1);
            }
    ob_flush(o);
out:
    if (unit)
        for (size_t i = 0; i < r->nu * 2 + r->np + r->nn * 2; i++)
            pa_free(unit[i]);
    pa_free(unit);
    pa_free(o);
    return st;
}

static void
write_json(writer *w)
{
    const pa_result *r = w->r;
    FILE *f = w->f;
    fputs("{\n  \"periods\": [", f);
    for (size_t p = 0; p < r->np; p++) {
        if (p)
            fputs(", ", f);
        json_str(f, r->periods[p]);
    }
    fputs("],\n  \"units\": [", f);
    for (size_t u = 0; u < r->nu; u++) {
        fputs(u ? ",\n    {\"code\": " : "\n    {\"code\": ", f);
        json_str(f, r->unit_codes[u]);
        fputs(", \"name\": ", f);
        json_str(f, r->unit_names[u]);
        fprintf(f, ", \"ranked\": %s, \"coverage\": [", r->reference[u] ? "false" : "true");
        for (size_t p = 0; p < r->np; p++) {
            if (p)
                fputs(", ", f);
            json_num(f, r->coverage[p * r->nu + u]);
        }
        fputs("]}", f);
    }
    fputs("\n  ],\n  \"nodes\": [", f);
    int first = 1;
    for (size_t n = 0; n < r->nn; n++) {
        if (!w->node_on[n])
            continue;
        fputs(first ? "\n    {\"code\": " : ",\n    {\"code\": ", f);
        first = 0;
        json_str(f, r->node_codes[n]);
        fputs(", \"label\": ", f);
        json_str(f, r->node_labels[n]);
        fputs(", \"unit\": ", f);
        json_str(f, r->node_units[n]);
        fprintf(f, ", \"level\": %d, \"penalty\": %s, \"parent\": ", r->node_level[n],
                r->node_penalty[n] ? "true" : "false");
        if (r->node_parent[n] == PA_NONE)
            fputs("null", f);
        else
            json_str(f, r->node_codes[r->node_parent[n]]);
        fputc('}', f);
    }
    fputs("\n  ],\n  \"rows\": [", f);
    first = 1;
    for (size_t u = 0; u < r->nu; u++)
        for (size_t p = w->p0; p < w->p1; p++)
            for (size_t n = 0; n < r->nn; n++) {
                if (!w->node_on[n])
                    continue;
                fputs(first ? "\n    {\"unit\": " : ",\n    {\"unit\": ", f);
                first = 0;
                json_str(f, r->unit_codes[u]);
                fputs(", \"period\": ", f);
                json_str(f, r->periods[p]);
                fputs(", \"node\": ", f);
                json_str(f, r->node_codes[n]);
                fprintf(f, ", \"level\": %d, \"value\": ", r->node_level[n]);
                json_num(f, pa_result_value(r, u, p, n));
                fputs(", \"score\": ", f);
                json_num(f, pa_result_score(r, u, p, n));
                long rk = pa_result_rank(r, u, p, n);
                if (rk)
                    fprintf(f, ", \"rank\": %ld", rk);
                else
                    fputs(", \"rank\": null", f);
                const char *colour;
                const char *band = pa_result_band(r, u, p, n, &colour);
                fputs(", \"band\": ", f);
                if (band)
                    json_str(f, band);
                else
                    fputs("null", f);
                fputs(", \"colour\": ", f);
                if (band && colour && *colour)
                    json_str(f, colour);
                else
                    fputs("null", f);
                fputs(", \"value_change_pct\": ", f);
                json_num(f, pa_result_value_change_pct(r, u, p, n));
                fputs(", \"score_change\": ", f);
                json_num(f, pa_result_score_change(r, u, p, n));
                fputs(", \"score_change_pct\": ", f);
                json_num(f, pa_result_score_change_pct(r, u, p, n));
                fputs(", \"flags\": [", f);
                flag_list(f, pa_result_flags(r, u, p, n), ", ", 1);
                fputs("]}", f);
            }
    fputs("\n  ]\n}\n", f);
}

pa_status
pa_result_write(const pa_result *r, FILE *f, pa_format format, const pa_write_options *o,
                pa_error *err)
{
    if (!r || !f)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    if (format != PA_FORMAT_CSV && format != PA_FORMAT_JSON)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "unknown format %d", (int)format);
    writer w = { .r = r, .f = f, .o = o, .p0 = 0, .p1 = r->np };
    if (o && o->period) {
        size_t p = pa_result_period_find(r, o->period);
        if (p == PA_NONE)
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no period '%s' in the data",
                           o->period);
        w.p0 = p;
        w.p1 = p + 1;
    }
    w.node_on = pa_malloc(r->nn ? r->nn : 1);
    if (!w.node_on)
        return pa_nomem(err);
    memset(w.node_on, !(o && o->nodes && o->n_nodes), r->nn);
    for (size_t i = 0; o && o->nodes && i < o->n_nodes; i++) {
        size_t n = pa_result_node_find(r, o->nodes[i]);
        if (n == PA_NONE) {
            pa_free(w.node_on);
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no node '%s' in the model",
                           o->nodes[i]);
        }
        w.node_on[n] = 1;
    }
    for (size_t n = 0; n < r->nn; n++)
        if (w.node_on[n] && pa_rank_node(r, n, err) != PA_OK) {
            pa_free(w.node_on);
            return PA_ERR_NOMEM;
        }
    pa_status st = PA_OK;
    if (format == PA_FORMAT_CSV)
        st = write_csv(&w, err);
    else
        write_json(&w);
    pa_free(w.node_on);
    if (st != PA_OK)
        return st;
    if (fflush(f) != 0 || ferror(f))
        return pa_fail(err, PA_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
    return PA_OK;
}
