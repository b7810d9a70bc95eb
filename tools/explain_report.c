/* SPDX-License-Identifier: MIT */
/* pingan-index --explain: the report an analyst reads (Chinese), CSV and JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explain_report.h"
#include "output.h"

#define NONE ((size_t)-1)

/* A signed number with a true minus sign (U+2212), as printed tables write it. */
static void
signed_num(char *buf, size_t n, double v, int decimals)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (v < 0 && round(-v * pow(10, decimals)) != 0)
        snprintf(buf, n, "\xE2\x88\x92%.*f", decimals, -v);
    else
        snprintf(buf, n, "+%.*f", decimals, fabs(v));
}

/* "占升幅 56.4 %" for a part that moved the index the way it went, "抵消升幅 …" against. */
static void
share_text(char *buf, size_t n, double share, double change)
{
    const char *way = change > 0 ? "升幅" : "降幅";
    if (isnan(share))
        snprintf(buf, n, "指数未变");
    else
        snprintf(buf, n, "%s%s %.1f %%", share >= 0 ? "占" : "抵消", way, fabs(share) * 100);
}

/* What a value change without a percent was (from 0, or a side missing). */
static const char *
from_zero(const pa_result *r, size_t u, size_t p, size_t leaf)
{
    double now = pa_result_value(r, u, p, leaf), then = pa_result_base_value(r, u, p, leaf);
    return then == 0 && now > 0 ? " 新增" : then == 0 && now == 0 ? " 持平" : "";
}

/* One part: "违法犯罪警情 −17.22 %: +1.23 分, 占升幅 56.4 %". */
static void
part_line(FILE *f, const pa_explain *x, size_t i)
{
    const pa_result *r = pa_explain_result(x);
    size_t u = pa_explain_unit(x, i), leaf = pa_explain_indicator(x, i);
    size_t p = pa_explain_period(x);
    char pct[64], pts[64], share[64];
    double vc = pa_result_value_change_pct(r, u, p, leaf);
    if (pa_result_node_is_penalty(r, leaf))
        snprintf(pct, sizeof pct, " (扣分)");
    else if (isnan(vc))
        snprintf(pct, sizeof pct, "%s", pa_result_node_level(r, leaf) > 1 ? " (仅一期有数据)"
                                        : from_zero(r, u, p, leaf));
    else
        pct[0] = ' ', signed_num(pct + 1, sizeof pct - 1, vc, 2), strcat(pct, " %");
    signed_num(pts, sizeof pts, pa_explain_contribution(x, i), 2);
    share_text(share, sizeof share, pa_explain_share(x, i), pa_explain_change(x, u));
    fprintf(f, "    %s%s: %s 分, %s\n", pa_result_node_label(r, leaf), pct, pts, share);
}

/* Largest contribution first; the row order breaks ties. */
static int
cmp_part(const void *a, const void *b, void *arg)
{
    const pa_explain *x = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double ci = pa_explain_contribution(x, i), cj = pa_explain_contribution(x, j);
    if (ci != cj)
        return ci > cj ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* The n rows of one unit: the EXPLAIN_SHOWN largest each way. */
static void
unit_parts(FILE *f, const pa_explain *x, size_t *rows, size_t n)
{
    qsort_r(rows, n, sizeof *rows, cmp_part, (void *)x);
    size_t up = 0, down = 0;
    for (size_t i = 0; i < n && pa_explain_contribution(x, rows[i]) > 0; i++)
        up++;
    for (size_t i = n; i > up && pa_explain_contribution(x, rows[i - 1]) < 0; i--)
        down++;
    fputs(up ? "  拉升:\n" : "  拉升: 无\n", f);
    for (size_t i = 0; i < up && i < EXPLAIN_SHOWN; i++)
        part_line(f, x, rows[i]);
    fputs(down ? "  拉低:\n" : "  拉低: 无\n", f);
    for (size_t i = 0; i < down && i < EXPLAIN_SHOWN; i++)
        part_line(f, x, rows[n - 1 - i]);
}

static void
unit_head(FILE *f, const pa_explain *x, size_t u)
{
    const pa_result *r = pa_explain_result(x);
    size_t p = pa_explain_period(x), k = pa_explain_node(x);
    double now = pa_result_score(r, u, p, k), d = pa_explain_change(x, u);
    char a[64];
    signed_num(a, sizeof a, d, 2);
    fprintf(f, "\n%s (%s): %.2f → %.2f, %s 分\n", pa_result_unit_name(r, u),
            pa_result_unit_code(r, u), now - d, now, a);
}

int
explain_report(FILE *f, const pa_explain *x, const char *title)
{
    const pa_result *r = pa_explain_result(x);
    size_t p = pa_explain_period(x), k = pa_explain_node(x), n = pa_explain_count(x);
    const char *base = pa_result_base_label(r, p), *dots = base ? strstr(base, "..") : NULL;
    const char *what = pa_result_node_parent(r, k) == NONE ? "指数" : pa_result_node_label(r, k);
    if (base && strncmp(base, "mean:", 5) == 0 && dots) /* mean:2017..2018 */
        fprintf(f, "%s  %s 较 %.*s 至 %s 均值: %s变化原因\n", title, pa_result_period(r, p),
                (int)(dots - base - 5), base + 5, dots + 2, what);
    else
        fprintf(f, "%s  %s 较 %s: %s变化原因\n", title, pa_result_period(r, p), base ? base : "-",
                what);
    fputs("各指标对得分变化的贡献 (分), 合计等于得分变化。\n", f);
    size_t *rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows)
        return -1;
    for (size_t u = 0; u < pa_result_unit_count(r); u++) {
        if (isnan(pa_explain_change(x, u))) {
            fprintf(f, "\n%s (%s): 无变化可解释 (缺少一期得分)\n", pa_result_unit_name(r, u),
                    pa_result_unit_code(r, u));
            continue;
        }
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (pa_explain_unit(x, i) == u)
                rows[m++] = i;
        unit_head(f, x, u);
        unit_parts(f, x, rows, m);
    }
    free(rows);
    return 0;
}

int
explain_main(const pa_model *model, const pa_result *res, size_t p, const char *node,
             int format, const char *output, int bom)
{
    pa_error err;
    char buf[1200];
    pa_explain *x = NULL;
    memset(&err, 0, sizeof err);
    if (pa_explain_compute(&x, model, res, node, pa_result_period(res, p), &err) != PA_OK) {
        pa_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "pingan-index: --explain: %s\n", buf);
        return 1;
    }
    out_file of;
    int rc = out_open(&of, output), ok = 1;
    if (rc != 0) {
        pa_explain_free(x);
        return rc;
    }
    if (format == 0) {
        if (explain_report(of.f, x, pa_model_label(model)) != 0) {
            fprintf(stderr, "pingan-index: out of memory\n");
            ok = 0;
        }
    } else {
        if (bom)
            fputs("\xEF\xBB\xBF", of.f);
        if (pa_explain_write(x, of.f, format == 1 ? PA_FORMAT_CSV : PA_FORMAT_JSON, &err) != PA_OK) {
            if (output && !err.file[0])
                snprintf(err.file, sizeof err.file, "%s", output);
            pa_error_format(&err, buf, sizeof buf);
            fprintf(stderr, "pingan-index: %s\n", buf);
            ok = 0;
        }
    }
    pa_explain_free(x);
    return out_close(&of, ok) == 0 && ok ? 0 : 1;
}
