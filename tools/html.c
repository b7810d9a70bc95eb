/* SPDX-License-Identifier: MIT */
/* The HTML report: the text report's tables (index and groups, then every unit's indicators)
 * with band colours, and the charts inline, so that the one file opens offline. Everything
 * from the model and the data is escaped. */
#include "html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

#define NONE ((size_t)-1)

static const char style[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",sans-serif;margin:24px;"
    "color:#222;background:#fff}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}"
    "h3{font-size:15px;margin:18px 0 6px}p{margin:4px 0}"
    "table{border-collapse:collapse;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px}th{background:#f0f0f0}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:12px 0}svg{max-width:100%;height:auto}"
    ".note{color:#666;font-size:12px}";

/* s with & < > " ' as entities: safe in text and in quoted attributes. */
static void
esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void
cell_text(FILE *f, const char *s, int num)
{
    fputs(num ? "<td class=\"num\">" : "<td>", f);
    esc(f, s);
    fputs("</td>", f);
}

static void
cell_num(FILE *f, double v, const char *fmt)
{
    char buf[64];
    if (isnan(v))
        snprintf(buf, sizeof buf, "-");
    else
        snprintf(buf, sizeof buf, fmt, v);
    cell_text(f, buf, 1);
}

/* The band as a cell in its colour, the text dark or light by the colour's brightness. */
static void
cell_band(FILE *f, const pa_result *r, size_t u, size_t p, size_t n)
{
    const char *colour = NULL;
    const char *b = pa_result_band(r, u, p, n, &colour);
    if (!b) {
        cell_text(f, "-", 0);
        return;
    }
    char hex[8];
    chart_colour_hex(colour, hex);
    unsigned rgb = (unsigned)strtoul(hex + 1, NULL, 16);
    double luma = 0.299 * (rgb >> 16) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
    fprintf(f, "<td class=\"band\" style=\"background:%s;color:%s\">", hex,
            luma > 150 ? "#222" : "#fff");
    esc(f, b);
    fputs("</td>", f);
}

/* Change of a raw value in percent, or what happened where a percent says nothing (from 0). */
static void
cell_value_change(FILE *f, const pa_result *r, size_t u, size_t p, size_t n)
{
    double pct = pa_result_value_change_pct(r, u, p, n);
    double now = pa_result_value(r, u, p, n), then = pa_result_base_value(r, u, p, n);
    if (!isnan(pct))
        cell_num(f, pct, "%+.2f%%");
    else
        cell_text(f, then == 0 && now == 0 ? "持平" : then == 0 && now > 0 ? "新增" : "-", 1);
}

static void
head_row(FILE *f, const char *const *names, size_t n)
{
    fputs("<thead><tr>", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<th>", f);
        esc(f, names[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n", f);
}

static size_t
top_node(const pa_result *r)
{
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == NONE && !pa_result_node_is_penalty(r, n))
            return n;
    return 0;
}

/* The text report's order: reference units (scored, unranked) first, then by rank, then the
 * units without a score. */
typedef struct order_ctx {
    const pa_result *r;
    size_t p, top;
} order_ctx;

static long
order_key(const order_ctx *c, size_t u)
{
    long k = pa_result_rank(c->r, u, c->p, c->top);
    return k ? k : isnan(pa_result_score(c->r, u, c->p, c->top)) ? 1L << 40 : 0;
}

static int
cmp_units(const void *a, const void *b, void *arg)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    long kx = order_key(arg, x), ky = order_key(arg, y);
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void
index_row(FILE *f, const pa_result *r, size_t u, size_t p, size_t top)
{
    char buf[32];
    long k = pa_result_rank(r, u, p, top);
    snprintf(buf, sizeof buf, k ? "%ld" : "-", k);
    fputs("<tr data-unit=\"", f);
    esc(f, pa_result_unit_code(r, u));
    fputs("\">", f);
    cell_text(f, buf, 1);
    cell_text(f, pa_result_unit_name(r, u), 0);
    cell_num(f, pa_result_score(r, u, p, top), "%.2f");
    cell_num(f, pa_result_score_change(r, u, p, top), "%+.2f");
    cell_num(f, pa_result_score_change_pct(r, u, p, top), "%+.2f%%");
    cell_band(f, r, u, p, top);
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == top && !pa_result_node_is_penalty(r, n))
            cell_num(f, pa_result_score(r, u, p, n), "%.2f");
    fputs("</tr>\n", f);
}

static void
index_table(FILE *f, const pa_result *r, size_t p, size_t top, const size_t *order)
{
    static const char *const fixed[] = { "排名", "地区", "指数", "得分变化", "变化%", "等级" };
    fputs("<p>构成:", f); /* what the index is made of in this period */
    for (size_t n = 0, g = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == top && !pa_result_node_is_penalty(r, n)) {
            fputs(g++ ? " · " : " ", f);
            esc(f, pa_result_node_label(r, n));
            fprintf(f, " %.0f%%", pa_result_node_period_weight(r, p, n) * 100);
        }
    fputs("</p>\n<table class=\"index\">\n<thead><tr>", f);
    for (size_t i = 0; i < 6; i++)
        fprintf(f, "<th>%s</th>", fixed[i]);
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == top && !pa_result_node_is_penalty(r, n)) {
            fputs("<th>", f);
            esc(f, pa_result_node_label(r, n));
            fputs("</th>", f);
        }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < pa_result_unit_count(r); i++)
        index_row(f, r, order[i], p, top);
    fputs("</tbody></table>\n<p class=\"note\">排名 1 = 最好; \"-\" = 不参与排名 (参照单位, "
          "如全市合计) 或无数据。得分变化 = 得分之差, 变化% = 得分的相对变化。</p>\n", f);
}

/* Short notes on what was done to a cell, as the text report has them. */
static void
cell_flags(FILE *f, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *word;
    } words[] = {
        { PA_FLAG_IMPUTED, "插补" },          { PA_FLAG_WINSORISED_HIGH, "缩尾(高)" },
        { PA_FLAG_WINSORISED_LOW, "缩尾(低)" }, { PA_FLAG_LOG_CT, "对数变换" },
        { PA_FLAG_BOXCOX, "Box-Cox" },        { PA_FLAG_SCREENED, "覆盖不足已剔除" },
        { PA_FLAG_LOW_COVERAGE, "子项不足" },
    };
    fputs("<td>", f);
    for (size_t i = 0, any = 0; i < sizeof words / sizeof *words; i++)
        if (flags & words[i].bit)
            fprintf(f, "%s%s", any++ ? "," : "", words[i].word);
    fputs("</td>", f);
}

static void
node_row(FILE *f, const pa_result *r, size_t u, size_t p, size_t n)
{
    char buf[32];
    int pen = pa_result_node_is_penalty(r, n);
    int ind = pa_result_node_level(r, n) == 1 || pen;
    fprintf(f, "<tr data-node=\"");
    esc(f, pa_result_node_code(r, n));
    fputs("\">", f);
    cell_text(f, pa_result_node_label(r, n), 0);
    cell_text(f, ind ? pa_result_node_unit(r, n) : "", 0);
    cell_num(f, ind ? pa_result_base_value(r, u, p, n) : NAN, "%.15g");
    cell_num(f, ind ? pa_result_value(r, u, p, n) : NAN, "%.15g");
    cell_num(f, ind ? pa_result_rate(r, u, p, n) : NAN, "%.6g");
    if (ind)
        cell_value_change(f, r, u, p, n);
    else
        cell_text(f, "", 1);
    cell_num(f, pa_result_score(r, u, p, n), "%.2f");
    cell_num(f, pa_result_score_change(r, u, p, n), "%+.2f");
    long k = pa_result_rank(r, u, p, n);
    snprintf(buf, sizeof buf, k ? "%ld" : "-", k);
    cell_text(f, buf, 1);
    if (pen)
        cell_text(f, "扣分", 0);
    else
        cell_band(f, r, u, p, n);
    cell_flags(f, pa_result_flags(r, u, p, n));
    fputs("</tr>\n", f);
}

static void
unit_table(FILE *f, const pa_result *r, size_t u, size_t p)
{
    const char *base = pa_result_base_label(r, p);
    const char *head[] = { "指标", "计量", base ? base : "-", pa_result_period(r, p),
                           "比率", "数值变化%", "得分", "得分变化", "排名", "等级", "备注" };
    fputs("<h3>", f);
    esc(f, pa_result_unit_name(r, u));
    fputs(" (", f);
    esc(f, pa_result_unit_code(r, u));
    fputs(")</h3>\n<table class=\"unit\">\n", f);
    head_row(f, head, sizeof head / sizeof *head);
    fputs("<tbody>\n", f);
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        node_row(f, r, u, p, n);
    fputs("</tbody></table>\n", f);
}

/* Whether the chart has something to draw: an index score up to p (trend), a rank in p. */
static int
drawable(const pa_result *r, size_t p, size_t top, chart_kind kind)
{
    for (size_t u = 0; u < pa_result_unit_count(r); u++)
        for (size_t q = kind == CHART_TREND ? 0 : p; q <= p; q++)
            if (kind == CHART_TREND ? !isnan(pa_result_score(r, u, q, top))
                                    : pa_result_rank(r, u, q, top) > 0)
                return 1;
    return 0;
}

/* The two charts, each with ids of its own; one with nothing to draw is left out. */
static int
charts(FILE *f, const pa_result *r, size_t p, const char *title)
{
    static const struct {
        chart_kind kind;
        const char *prefix, *caption;
    } list[] = { { CHART_TREND, "trend-", "指数走势" }, { CHART_RANKING, "ranking-", "排名" } };
    fputs("<h2>图表</h2>\n", f);
    for (size_t i = 0; i < 2; i++) {
        char *svg;
        if (!drawable(r, p, top_node(r), list[i].kind))
            continue;
        if (chart_svg_string(&svg, list[i].kind, r, p, title, list[i].prefix) != 0)
            return -1;
        fprintf(f, "<figure id=\"chart-%s\">\n%s<figcaption class=\"note\">%s</figcaption>"
                   "</figure>\n", list[i].kind == CHART_TREND ? "trend" : "ranking", svg,
                list[i].caption);
        free(svg);
    }
    return 0;
}

static void
page_head(FILE *f, const pa_result *r, size_t p, const char *title)
{
    const char *base = pa_result_base_label(r, p);
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    esc(f, title);
    fprintf(f, " %s</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", pa_result_period(r, p),
            style);
    esc(f, title);
    fputs("</h1>\n<p>", f);
    esc(f, pa_result_period(r, p));
    const char *dots = base && strncmp(base, "mean:", 5) == 0 ? strstr(base, "..") : NULL;
    if (dots) { /* mean:FIRST..LAST, as the text report's title says it */
        char first[64];
        snprintf(first, sizeof first, "%.*s", (int)(dots - base - 5), base + 5);
        fputs(" 较 ", f);
        esc(f, first);
        fputs(" 至 ", f);
        esc(f, dots + 2);
        fputs(" 均值", f);
    } else if (base) {
        fputs(" 较 ", f);
        esc(f, base);
    }
    fputs("</p>\n", f);
}

int
html_write(FILE *f, const pa_result *r, size_t p, const char *title)
{
    size_t nu = pa_result_unit_count(r), top = top_node(r);
    size_t *order = malloc((nu ? nu : 1) * sizeof *order);
    if (!order) {
        fprintf(stderr, "pingan-index: out of memory\n");
        return -1;
    }
    for (size_t u = 0; u < nu; u++)
        order[u] = u;
    order_ctx c = { r, p, top };
    qsort_r(order, nu, sizeof *order, cmp_units, &c);
    page_head(f, r, p, title);
    index_table(f, r, p, top, order);
    int rc = charts(f, r, p, title);
    fputs("<h2>各地区指标</h2>\n", f);
    for (size_t i = 0; i < nu && rc == 0; i++)
        unit_table(f, r, order[i], p);
    fprintf(f, "<p class=\"note\">pingan-index %s</p>\n</body>\n</html>\n", pa_version());
    free(order);
    return rc;
}
