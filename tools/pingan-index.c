/* SPDX-License-Identifier: MIT */
/* pingan-index: compute a composite safety index from yearly CSV files and report it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include <pingan/pingan.h>

#include "chart.h"
#include "explain_report.h"
#include "html.h"
#include "output.h"
#include "stats_report.h"
#include "uncertainty_report.h"
#include "xlsx.h"

#define NONE ((size_t)-1)

enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_HTML, FMT_XLSX };

static void
usage(FILE *f)
{
    fputs("Usage: pingan-index [options] FILE...\n"
          "Compute the 平安+ composite safety index from yearly indicator CSV files.\n"
          "A single FILE named after a period (data/2019.csv) also reads its earlier\n"
          "siblings (data/2018.csv, ...) for changes and panel statistics.\n\n"
          "  -c, --config FILE    model file (default: pingan.ini beside the data,\n"
          "                       else the built-in model)\n"
          "  -f, --format FORMAT  text (default) | csv | json | xlsx (an Excel workbook) |\n"
          "                       html\n"
          "  -o, --output FILE    write there (atomically) instead of standard output\n"
          "      --period P       the period to report (default: the latest)\n"
          "      --base P         compare with period P instead of the previous period\n"
          "      --compare HOW    previous (环比, the default) | year (同比: the same\n"
          "                       quarter, month or day one year earlier) | mean:K (the\n"
          "                       mean of the K periods before)\n"
          "      --node CODE      only these nodes in csv/json output (repeatable)\n"
          "      --top N          text: only the N best and N worst units (0: all, the\n"
          "                       default)\n"
          "      --chart KIND     a chart instead of a table: trend | ranking | correlation\n"
          "                       | contributions (--explain as bars) | uncertainty (with\n"
          "                       --uncertainty N: rank intervals); the format\n"
          "                       follows -o's suffix: .svg, .png or .pdf (default: SVG)\n"
          "      --stats          statistics of the indicators instead of the index\n"
          "      --explain        why each unit's index moved (or --node CODE's): every\n"
          "                       indicator's contribution to its change, in points\n"
          "      --uncertainty N  N Monte Carlo runs over the model's [uncertainty] section: each\n"
          "                       unit's rank interval\n"
          "      --sensitivity N  Sobol indices of the [uncertainty] inputs, base sample N\n"
          "      --bom            csv: begin with a UTF-8 byte-order mark, so that Excel\n"
          "                       opens the file as UTF-8 (Chinese labels readable)\n"
          "  -h, --help           show this help\n"
          "      --version        show the version\n\n"
          "Exit status: 0 success, 1 bad data or model, 2 usage error.\n", f);
}

static int
report_error(const pa_error *e)
{
    char buf[1200];
    pa_error_format(e, buf, sizeof buf);
    fprintf(stderr, "pingan-index: %s\n", buf);
    return 1;
}

/* What reading left to say that is no error (a column an older file lacks, ...). */
static void
print_notes(const pa_data *data)
{
    char buf[1200];
    pa_error note;
    for (size_t i = 0; pa_data_note(data, i, &note) == PA_OK; i++) {
        pa_error_format(&note, buf, sizeof buf);
        fprintf(stderr, "pingan-index: note: %s\n", buf);
    }
}

/* ---- text report ---- */

/* Terminal columns taken by a UTF-8 string (CJK characters take two). */
static int
display_width(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int w = 0;
    while ((unsigned char)*s >= ' ' && (unsigned char)*s < 0x7f) /* plain ASCII: one column */
        s++, w++;
    size_t n = strlen(s);
    while (n) {
        if (*s == '\033' && s[1] == '[') { /* a colour: no columns */
            const char *m = strchr(s, 'm');
            size_t k = m ? (size_t)(m - s) + 1 : n;
            s += k, n -= k;
            continue;
        }
        wchar_t wc;
        size_t k = mbrtowc(&wc, s, n, &st);
        if (k == (size_t)-1 || k == (size_t)-2) {
            w++;
            s++;
            n--;
            memset(&st, 0, sizeof st);
            continue;
        }
        if (k == 0)
            break;
        int cw = wcwidth(wc);
        w += cw > 0 ? cw : 0;
        s += k;
        n -= k;
    }
    return w;
}

/* One line of the report, built cell by cell so that trailing blanks can be cut. */
static char line_buf[8192];
static size_t line_len;

static void
cell(const char *s, int width, int right)
{
    int pad = width - display_width(s);
    size_t len = strlen(s), blanks = pad > 0 ? (size_t)pad : 0;
    if (line_len + len + blanks + 2 >= sizeof line_buf)
        return;
    char *p = line_buf + line_len;
    if (right)
        memset(p, ' ', blanks), p += blanks;
    memcpy(p, s, len), p += len;
    if (!right)
        memset(p, ' ', blanks), p += blanks;
    memcpy(p, "  ", 2), p += 2;
    line_len = (size_t)(p - line_buf);
}

static void
end_line(FILE *f)
{
    while (line_len && line_buf[line_len - 1] == ' ')
        line_len--;
    fwrite(line_buf, 1, line_len, f);
    fputc('\n', f);
    line_len = 0;
}

static void
fmt_num(char *buf, size_t n, double v, int decimals, int sign)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (decimals == -2) /* a rate: six significant digits */
        snprintf(buf, n, "%.6g", v);
    else if (decimals < 0)
        snprintf(buf, n, "%.15g", v);
    else
        snprintf(buf, n, sign ? "%+.*f" : "%.*f", decimals, v);
}

static const char *
colour_name(const char *c)
{
    static const char *const map[][2] = { { "blue", "蓝" },    { "yellow", "黄" },
                                          { "orange", "橙" },  { "red", "红" },
                                          { "green", "绿" } };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(c, map[i][0]) == 0)
            return map[i][1];
    return c;
}

/* Bands in their colours on a terminal (not in a file or pipe, and not with NO_COLOR set). */
static int colour_on;

static const char *
ansi_of(const char *c)
{
    static const char *const map[][2] = { { "blue", "34" },  { "yellow", "33" },
                                          { "orange", "38;5;208" }, { "red", "31" },
                                          { "green", "32" } };
    for (size_t i = 0; colour_on && i < sizeof map / sizeof *map; i++)
        if (strcmp(c, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static void
fmt_band(char *buf, size_t n, const pa_result *r, size_t u, size_t p, size_t node)
{
    const char *colour;
    const char *b = pa_result_band(r, u, p, node, &colour);
    const char *ansi = b && colour ? ansi_of(colour) : NULL;
    if (!b)
        snprintf(buf, n, "-");
    else if (ansi)
        snprintf(buf, n, "\033[%sm%s(%s)\033[0m", ansi, b, colour_name(colour));
    else if (colour && *colour)
        snprintf(buf, n, "%s(%s)", b, colour_name(colour));
    else
        snprintf(buf, n, "%s", b);
}

/* Change of a raw value in percent; from 0 it has no percent, so say what happened. */
static void
fmt_value_change(char *buf, size_t n, const pa_result *r, size_t u, size_t p, size_t node)
{
    double pct = pa_result_value_change_pct(r, u, p, node);
    if (!isnan(pct)) {
        snprintf(buf, n, "%+.2f%%", pct);
        return;
    }
    double now = pa_result_value(r, u, p, node);
    double then = pa_result_base_value(r, u, p, node);
    if (then == 0 && now == 0)
        snprintf(buf, n, "持平");
    else if (then == 0 && now > 0)
        snprintf(buf, n, "新增");
    else
        snprintf(buf, n, "-");
}

/* Short notes on what was done to a cell, for the text report. */
static void
fmt_flags(char *buf, size_t n, unsigned flags)
{
    static const struct { unsigned bit; const char *word; } words[] = {
        { PA_FLAG_IMPUTED, "插补" },          { PA_FLAG_WINSORISED_HIGH, "缩尾(高)" },
        { PA_FLAG_WINSORISED_LOW, "缩尾(低)" }, { PA_FLAG_LOG_CT, "对数变换" },
        { PA_FLAG_BOXCOX, "Box-Cox" },        { PA_FLAG_SCREENED, "覆盖不足已剔除" },
        { PA_FLAG_LOW_COVERAGE, "子项不足" },
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (flags & words[i].bit) {
            size_t len = strlen(buf);
            snprintf(buf + len, n - len, "%s%s", len ? "," : "", words[i].word);
        }
}

static size_t
top_node(const pa_result *r)
{
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == NONE && !pa_result_node_is_penalty(r, n))
            return n;
    return 0;
}

/* A label short enough for a column: the index's long title becomes 指数. */
static const char *
short_label(const pa_result *r, size_t n, size_t top)
{
    const char *l = pa_result_node_label(r, n);
    return n == top && display_width(l) > 12 ? "指数" : l;
}

/* Sort key: unranked units with a score (reference units such as the city total) first,
 * then by rank, then units without a score. */
static int
cmp_rank(const void *a, const void *b, void *arg)
{
    const long *rk = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    long rx = rk[x], ry = rk[y];
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* With --top N the report lists the reference units, the N best and the N worst ranked units
 * (order[] is sorted that way: reference, ranked, unscored), a tie at either edge whole; 0
 * lists every unit. */
static void
mark_listed(unsigned char *listed, const size_t *order, const long *rk, size_t nu,
            size_t n_lead, size_t n_ranked, size_t show)
{
    for (size_t i = 0; i < nu; i++)
        listed[i] = !show || i < n_lead;
    if (!show)
        return;
    for (size_t a = 0, b; a < n_ranked; a = b + 1) { /* positions among the ranked */
        for (b = a; b + 1 < n_ranked && rk[order[n_lead + b + 1]] == rk[order[n_lead + a]]; b++)
            ;
        int keep = a < show || b + show >= n_ranked;
        for (size_t i = a; i <= b; i++)
            listed[n_lead + i] = (unsigned char)keep;
    }
}

/* Units in a hierarchy ([units]): the ranked order made a tree walk, each unit followed by
 * the units below it, each group in its own rank order (listed[] follows its units). */
static int
tree_order(const pa_result *r, size_t *order, unsigned char *listed, size_t nu)
{
    size_t *first = calloc(nu + 3, sizeof *first), *kids = malloc((nu ? nu : 1) * sizeof *kids);
    size_t *stack = malloc((nu ? nu : 1) * sizeof *stack), *out = malloc((nu ? nu : 1) * sizeof *out);
    unsigned char *ls = malloc(nu ? nu : 1), *by_unit = malloc(nu ? nu : 1);
    int ok = first && kids && stack && out && ls && by_unit;
    for (size_t i = 0; ok && i < nu; i++) {
        by_unit[order[i]] = listed[i];
        size_t par = pa_result_unit_parent(r, order[i]);
        first[(par == (size_t)-1 ? nu : par) + 2]++;
    }
    for (size_t u = 0; ok && u <= nu; u++)
        first[u + 2] += first[u + 1];
    for (size_t i = 0; ok && i < nu; i++) { /* kids of u (the roots at nu), in rank order */
        size_t par = pa_result_unit_parent(r, order[i]);
        kids[first[(par == (size_t)-1 ? nu : par) + 1]++] = order[i];
    }
    size_t n = 0, sp = 0;
    for (size_t i = first[nu + 1]; ok && i-- > first[nu];)
        stack[sp++] = kids[i];
    while (ok && sp) {
        size_t u = stack[--sp];
        ls[n] = by_unit[u];
        out[n++] = u;
        for (size_t i = first[u + 1]; i-- > first[u];)
            stack[sp++] = kids[i];
    }
    if (ok && n == nu) {
        memcpy(order, out, nu * sizeof *order);
        memcpy(listed, ls, nu);
    }
    free(first), free(kids), free(stack), free(out), free(ls), free(by_unit);
    return ok ? 0 : -1;
}

/* --top N with units in a hierarchy: the units ranked among the N best or N worst of their
 * level, and every unit without a rank. */
static int
level_listed(const pa_result *r, const size_t *order, unsigned char *listed, size_t nu,
             size_t p, size_t top, size_t show)
{
    size_t levels = pa_result_level_count(r);
    size_t *ranked = calloc(levels, sizeof *ranked);
    if (!ranked)
        return -1;
    for (size_t u = 0; u < nu; u++)
        ranked[pa_result_unit_level(r, u)] += pa_result_rank(r, u, p, top) > 0;
    for (size_t i = 0; i < nu; i++) {
        size_t u = order[i], n = ranked[pa_result_unit_level(r, u)];
        long k = pa_result_rank(r, u, p, top);
        size_t worst_from = n > show ? n - show : 0; /* ranks above it are the N worst */
        listed[i] = k <= 0 || (size_t)k <= show || (size_t)k > worst_from;
    }
    free(ranked);
    return 0;
}

static void
note_unlisted(FILE *f, size_t *skipped)
{
    if (*skipped)
        fprintf(f, "   …  另有 %zu 个单位未列出 (--top 0 列出全部)\n", *skipped);
    *skipped = 0;
}

/* One line for every node that no unit has a score for in period p while its parent has one
 * (an indicator empty in every row): its weight went to its siblings. */
static void
note_empty_nodes(FILE *f, const pa_result *r, size_t p, size_t top)
{
    for (size_t n = 0; n < pa_result_node_count(r); n++) {
        size_t parent = pa_result_node_parent(r, n);
        if (n == top || pa_result_node_is_penalty(r, n) || parent == NONE ||
            pa_result_node_period_weight(r, p, n) != 0 ||
            !(pa_result_node_period_weight(r, p, parent) > 0))
            continue;
        fprintf(f, "注: %s 所有单位均无「%s」(%s) 的数据, 其权重 %.0f%% 已按比例分给%s的其他%s。\n",
                pa_result_period(r, p), pa_result_node_label(r, n), pa_result_node_code(r, n),
                pa_result_node_weight(r, n) * 100, short_label(r, parent, top),
                pa_result_node_level(r, n) == 1 ? "指标" : "分项");
    }
}

/* What --compare asked for. */
typedef struct compare_how {
    pa_compare how;
    unsigned k;
    int given;
} compare_how;

/* previous | year | mean:K, K from 1 to a million (more periods than any data has). */
static int
parse_compare(const char *s, compare_how *c)
{
    c->given = 1;
    c->k = 0;
    if (strcmp(s, "previous") == 0 || strcmp(s, "year") == 0) {
        c->how = s[0] == 'y' ? PA_COMPARE_YEAR : PA_COMPARE_PREVIOUS;
        return 0;
    }
    if (strncmp(s, "mean:", 5) != 0 || s[5] < '1' || s[5] > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long k = strtoul(s + 5, &end, 10);
    if (*end || errno || k > 1000000)
        return -1;
    c->how = PA_COMPARE_MEAN;
    c->k = (unsigned)k;
    return 0;
}

/* The title says what the changes compare with: 较 2019-02, 同比 2019-02, 较前3期均值. */
static void
title_base(FILE *f, const pa_result *r, size_t p, const compare_how *how)
{
    size_t base = pa_result_base_of(r, p);
    if (how->how == PA_COMPARE_MEAN) {
        size_t first = p >= how->k ? p - how->k : NONE;
        if (first == NONE)
            fprintf(f, " 较前%u期均值 (此前不足%u期, 无变化)", how->k, how->k);
        else
            fprintf(f, " 较前%u期均值 (%s 至 %s)", how->k, pa_result_period(r, first),
                    pa_result_period(r, p - 1));
    } else if (how->how == PA_COMPARE_YEAR) {
        if (base != NONE)
            fprintf(f, " 同比 %s", pa_result_period(r, base));
        else
            fputs(" 同比 (无上年同期数据, 无变化)", f);
    } else if (base != NONE) {
        fprintf(f, " 较 %s", pa_result_period(r, base));
    }
}

/* Returns 0, or -1 when out of memory (the caller then keeps no output). */
static int
write_text(FILE *f, const pa_result *r, size_t p, const char *title, const compare_how *how,
           size_t show)
{
    const char *base_label = pa_result_base_label(r, p);
    size_t top = top_node(r);
    size_t nu = pa_result_unit_count(r), nn = pa_result_node_count(r);
    char a[64], b[64], c[64], d[64], e[160];
    int wrank = 4; /* room for the largest rank: five digits for a grid of 10,000 cells */
    for (size_t k = nu; k >= 10000; k /= 10)
        wrank++;

    fprintf(f, "%s  %s", title, pa_result_period(r, p));
    title_base(f, r, p, how);
    fputc('\n', f);

    size_t *groups = malloc(nn * sizeof *groups), ng = 0;
    size_t *order = malloc(nu * sizeof *order);
    long *rk = malloc(nu * sizeof *rk);
    unsigned char *listed = malloc(nu ? nu : 1);
    if (!groups || !order || !rk || !listed) {
        free(groups), free(order), free(rk), free(listed);
        return -1;
    }
    for (size_t n = 0; n < nn; n++)
        if (pa_result_node_parent(r, n) == top && n != top && !pa_result_node_is_penalty(r, n))
            groups[ng++] = n;
    /* what the index is made of in this period, so every number can be traced to the model */
    fputs("构成:", f);
    for (size_t g = 0; g < ng; g++)
        fprintf(f, "%s %s %.0f%%", g ? " ·" : "", pa_result_node_label(r, groups[g]),
                pa_result_node_period_weight(r, p, groups[g]) * 100);
    fputc('\n', f);
    note_empty_nodes(f, r, p, top);
    fputc('\n', f);

    int wname = display_width("地区");
    for (size_t u = 0; u < nu; u++) {
        order[u] = u;
        rk[u] = pa_result_rank(r, u, p, top);
        if (rk[u] == 0)
            rk[u] = isnan(pa_result_score(r, u, p, top)) ? 1L << 40 : 0;
        int w = display_width(pa_result_unit_name(r, u));
        if (w > wname)
            wname = w;
    }
    qsort_r(order, nu, sizeof *order, cmp_rank, rk);
    size_t n_lead = 0, n_ranked = 0, skipped = 0;
    for (size_t u = 0; u < nu; u++) {
        n_lead += rk[u] == 0;
        n_ranked += rk[u] > 0 && rk[u] < 1L << 40;
    }
    mark_listed(listed, order, rk, nu, n_lead, n_ranked, show);
    size_t levels = pa_result_level_count(r);
    if (levels > 1 && (tree_order(r, order, listed, nu) != 0 ||
                       (show && level_listed(r, order, listed, nu, p, top, show) != 0))) {
        free(groups), free(order), free(rk), free(listed);
        return -1;
    }
    wname += 2 * (int)(levels - 1); /* a level down is indented by two spaces */
    int wg[64];
    cell("排名", wrank, 1);
    cell("地区", wname, 0);
    cell(short_label(r, top, top), 7, 1);
    cell("得分变化", 8, 1);
    cell("变化%", 8, 1);
    cell("等级", 10, 0);
    for (size_t g = 0; g < ng && g < 64; g++) {
        wg[g] = display_width(pa_result_node_label(r, groups[g]));
        if (wg[g] < 7)
            wg[g] = 7;
        cell(pa_result_node_label(r, groups[g]), wg[g], 1);
    }
    end_line(f);
    for (size_t i = 0; i < nu; i++) {
        if (!listed[i]) {
            skipped++;
            continue;
        }
        note_unlisted(f, &skipped);
        size_t u = order[i];
        long k = pa_result_rank(r, u, p, top);
        snprintf(a, sizeof a, k ? "%ld" : "-", k);
        cell(a, wrank, 1);
        snprintf(e, sizeof e, "%*s%s", 2 * (int)pa_result_unit_level(r, u), "",
                 pa_result_unit_name(r, u));
        cell(e, wname, 0);
        fmt_num(a, sizeof a, pa_result_score(r, u, p, top), 2, 0);
        fmt_num(b, sizeof b, pa_result_score_change(r, u, p, top), 2, 1);
        fmt_num(c, sizeof c, pa_result_score_change_pct(r, u, p, top), 2, 1);
        if (strcmp(c, "-") != 0)
            strcat(c, "%");
        fmt_band(e, sizeof e, r, u, p, top);
        cell(a, 7, 1);
        cell(b, 8, 1);
        cell(c, 8, 1);
        cell(e, 10, 0);
        for (size_t g = 0; g < ng && g < 64; g++) {
            fmt_num(a, sizeof a, pa_result_score(r, u, p, groups[g]), 2, 0);
            cell(a, wg[g], 1);
        }
        end_line(f);
    }
    note_unlisted(f, &skipped);
    fputs("\n排名 1 = 最好; \"-\" = 不参与排名 (参照单位, 如全市合计) 或无数据。"
          "得分变化 = 得分之差, 变化% = 得分的相对变化。\n", f);

    /* every indicator of every unit: values in both periods (or the mean of the base), change,
     * score */
    char base_head[64];
    if (how->how == PA_COMPARE_MEAN)
        snprintf(base_head, sizeof base_head, "前%u期均值", how->k);
    else
        snprintf(base_head, sizeof base_head, "%s", base_label ? base_label : "-");
    int wind = display_width("指标");
    for (size_t n = 0; n < nn; n++) {
        int w = display_width(short_label(r, n, top));
        if (w > wind)
            wind = w;
    }
    for (size_t i = 0; i < nu; i++) {
        if (!listed[i])
            continue;
        size_t u = order[i];
        fprintf(f, "\n%s (%s)\n", pa_result_unit_name(r, u), pa_result_unit_code(r, u));
        cell("指标", wind, 0);
        cell("计量", 4, 0);
        cell(base_head, 10, 1);
        cell(pa_result_period(r, p), 10, 1);
        cell("比率", 10, 1);
        cell("数值变化%", 9, 1);
        cell("得分", 7, 1);
        cell("得分变化", 8, 1);
        cell("排名", wrank, 1);
        cell("等级", 10, 0);
        cell("备注", 0, 0);
        end_line(f);
        for (size_t n = 0; n < nn; n++) {
            int pen = pa_result_node_is_penalty(r, n);
            int ind = pa_result_node_level(r, n) == 1 || pen;
            cell(short_label(r, n, top), wind, 0);
            cell(ind ? pa_result_node_unit(r, n) : "", 4, 0);
            fmt_num(a, sizeof a, ind ? pa_result_base_value(r, u, p, n) : NAN, -1, 0);
            fmt_num(b, sizeof b, ind ? pa_result_value(r, u, p, n) : NAN, -1, 0);
            fmt_value_change(c, sizeof c, r, u, p, n);
            cell(ind ? a : "", 10, 1);
            cell(ind ? b : "", 10, 1);
            fmt_num(b, sizeof b, pa_result_rate(r, u, p, n), -2, 0);
            cell(ind ? b : "", 10, 1);
            cell(ind ? c : "", 9, 1);
            fmt_num(a, sizeof a, pa_result_score(r, u, p, n), 2, 0);
            fmt_num(d, sizeof d, pa_result_score_change(r, u, p, n), 2, 1);
            cell(a, 7, 1);
            cell(d, 8, 1);
            long k = pa_result_rank(r, u, p, n);
            snprintf(b, sizeof b, k ? "%ld" : "-", k);
            cell(b, wrank, 1);
            fmt_band(e, sizeof e, r, u, p, n);
            cell(pen ? "扣分" : e, 10, 0);
            fmt_flags(e, sizeof e, pa_result_flags(r, u, p, n));
            cell(e, 0, 0);
            end_line(f);
        }
    }
    free(groups);
    free(order);
    free(rk);
    free(listed);
    return 0;
}

/* -f xlsx: a workbook holds every node, and is no text for a terminal. */
static int
xlsx_usage(size_t n_nodes, const char *output)
{
    if (n_nodes)
        fprintf(stderr, "pingan-index: --node is for csv and json output; a workbook holds "
                        "every node\n");
    else if (!output && isatty(STDOUT_FILENO))
        fprintf(stderr, "pingan-index: -f xlsx writes a binary workbook, not for a terminal: "
                        "give -o FILE.xlsx or redirect standard output\n");
    else
        return 0;
    return 1;
}

/* The workbook, its summary titled as the text report is. */
static int
write_xlsx(FILE *f, const pa_result *r, size_t p, const char *label, const compare_how *how)
{
    char *title = NULL;
    size_t n;
    FILE *m = open_memstream(&title, &n);
    if (!m) {
        fprintf(stderr, "pingan-index: out of memory\n");
        return 1;
    }
    fprintf(m, "%s  %s", label, pa_result_period(r, p));
    title_base(m, r, p, how);
    int rc = fclose(m) != 0 ? (fprintf(stderr, "pingan-index: out of memory\n"), 1)
                            : xlsx_write(f, r, p, title);
    free(title);
    return rc;
}

/* --explain writes text, csv or json of one node; a chart of it is --chart contributions. */
static int
explain_usage(int explain, int stats, int fmt, size_t show, size_t n_nodes)
{
    if (!explain)
        return 0;
    if (stats)
        fprintf(stderr, "pingan-index: --stats and --explain both say what to write; give one "
                        "of them\n");
    else if (fmt == FMT_XLSX || fmt == FMT_HTML)
        fprintf(stderr, "pingan-index: --explain writes text, csv or json\n");
    else if (show)
        fprintf(stderr, "pingan-index: --explain explains every unit; --top is for the index "
                        "report\n");
    else if (n_nodes > 1)
        fprintf(stderr, "pingan-index: --explain explains one node: give --node once\n");
    else
        return 0;
    return 1;
}

typedef struct teardown {
    pa_result *res;
    pa_data *data;
    pa_model *model;
} teardown;

static void *
teardown_main(void *arg)
{
    teardown *t = arg;
    pa_result_free(t->res);
    pa_data_free(t->data);
    pa_model_free(t->model);
    return NULL;
}

/* pingan.ini beside the first data file, if there is one (a pipe has no folder). */
static char *
config_beside(const char *data)
{
    struct stat sb;
    if (strcmp(data, "-") == 0 || stat(data, &sb) != 0 || !S_ISREG(sb.st_mode))
        return NULL;
    const char *slash = strrchr(data, '/');
    size_t dl = slash ? (size_t)(slash - data) + 1 : 0;
    char *p = malloc(dl + sizeof "pingan.ini");
    if (!p)
        return NULL;
    memcpy(p, data, dl);
    strcpy(p + dl, "pingan.ini");
    if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
        return p;
    free(p);
    return NULL;
}

/* Standard input ("-") read whole, then parsed as one file named "-". */
static pa_status
read_stdin(pa_data *data, pa_error *err)
{
    size_t n = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *b = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!b)
                free(buf);
            buf = b;
            cap *= 2;
        }
    }
    pa_status st;
    if (!buf || ferror(stdin)) {
        memset(err, 0, sizeof *err);
        err->status = buf ? PA_ERR_IO : PA_ERR_NOMEM;
        snprintf(err->file, sizeof err->file, "-");
        snprintf(err->text, sizeof err->text, "%s", buf ? "read error on standard input"
                                                         : "out of memory");
        st = err->status;
    } else {
        st = pa_data_read_buffer(data, buf, n, "-", err);
    }
    free(buf);
    return st;
}

/* The data files to read: a lone file with its siblings, else the files as given. */
static char **
data_files(int n, char **args, pa_error *err)
{
    char **files = NULL;
    if (n == 1 && strcmp(args[0], "-") != 0)
        return pa_data_siblings(args[0], &files, err) == PA_OK ? files : NULL;
    if (!(files = calloc((size_t)n + 1, sizeof *files)))
        return NULL;
    for (int i = 0; i < n; i++)
        if (!(files[i] = strdup(args[i]))) {
            pa_paths_free(files);
            return NULL;
        }
    return files;
}

/* -o naming an input would destroy it: refused before anything is read. */
static int
output_is_input(const char *output, char **files, const char *model)
{
    const char *hit = model && out_same_file(output, model) ? model : NULL;
    for (size_t i = 0; files[i] && !hit; i++)
        if (strcmp(files[i], "-") != 0 && out_same_file(output, files[i]))
            hit = files[i];
    if (hit && strcmp(hit, output) == 0)
        fprintf(stderr, "pingan-index: -o %s: that file is an input of this run; write the "
                        "output to another file\n", output);
    else if (hit)
        fprintf(stderr, "pingan-index: -o %s: that is %s, an input of this run; write the "
                        "output to another file\n", output, hit);
    return hit != NULL;
}

static pa_status
read_data(pa_data *data, char **files, pa_error *err)
{
    size_t n = 0;
    int has_stdin = 0;
    for (; files[n]; n++)
        has_stdin |= strcmp(files[n], "-") == 0;
    if (!has_stdin)
        return pa_data_read_files(data, (const char *const *)files, n, err);
    pa_status st = PA_OK;
    for (size_t i = 0; i < n && st == PA_OK; i++)
        st = strcmp(files[i], "-") == 0 ? read_stdin(data, err)
                                        : pa_data_read_file(data, files[i], err);
    return st;
}

/* --uncertainty N / --sensitivity N: a number of runs (0 is refused with the model's line). */
static int
parse_runs(const char *s, int opt, size_t *n)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v > 100000000) {
        fprintf(stderr, "pingan-index: --%s needs a number of runs (1 to 100000000), not '%s'\n",
                opt == 'U' ? "uncertainty" : "sensitivity", s);
        return 2;
    }
    *n = (size_t)v;
    return 0;
}

/* What --uncertainty and --sensitivity go with; 2 after a message, else 0. */
static int
unc_usage(int unc, int stats, int chart, chart_kind ckind, int fmt, size_t show, size_t n_nodes,
          int compare)
{
    const char *why = NULL;
    if (!unc && chart && ckind == CHART_UNCERTAINTY)
        why = "--chart uncertainty draws the rank intervals of --uncertainty N; give it";
    else if (unc && stats)
        why = "--stats and the uncertainty analysis are two analyses; give one of them";
    else if (unc && chart && ckind != CHART_UNCERTAINTY)
        why = "with --uncertainty or --sensitivity, --chart draws uncertainty only";
    else if (unc && (fmt == FMT_XLSX || fmt == FMT_HTML))
        why = "--uncertainty and --sensitivity write text, csv or json";
    else if (unc && (show || n_nodes > 1 || compare))
        why = "--uncertainty and --sensitivity rank one node (--node CODE) in one period "
              "(--period); --top, --base and --compare are for the index";
    if (why)
        fprintf(stderr, "pingan-index: %s\n", why);
    return why ? 2 : 0;
}

/* The [uncertainty] section and the options that read it go together; 1 after a message. */
static int
unc_model_check(const pa_model *model, const char *path, int unc, size_t n)
{
    long line = pa_model_uncertainty_line(model);
    const char *opt = unc == 'W' ? "--sensitivity" : "--uncertainty";
    if (line && !unc)
        fprintf(stderr, "pingan-index: %s:%ld:1: [uncertainty] is read by --uncertainty N or --sensitivity N "
                        "only; give one of them, or delete the section to compute the index\n",
                path, line);
    else if (unc && !line)
        fprintf(stderr, "pingan-index: %s: %s runs over the model's [uncertainty] section, and it has "
                        "none\n", path ? path : "the built-in model", opt);
    else if (unc && n == 0)
        fprintf(stderr, "pingan-index: %s:%ld:1: %s 0 makes no run; give 1 or more\n", path, line, opt);
    else
        return 0;
    return 1;
}

int
main(int argc, char **argv)
{
    setlocale(LC_CTYPE, "C.UTF-8"); /* display widths only; numbers stay in the C locale */
    static const struct option longopts[] = {
        { "config", required_argument, 0, 'c' }, { "format", required_argument, 0, 'f' },
        { "output", required_argument, 0, 'o' }, { "period", required_argument, 0, 'P' },
        { "base", required_argument, 0, 'B' },   { "node", required_argument, 0, 'N' },
        { "top", required_argument, 0, 'T' },    { "help", no_argument, 0, 'h' },
        { "compare", required_argument, 0, 'C' }, { "chart", required_argument, 0, 'K' },
        { "version", no_argument, 0, 'V' },
        { "stats", no_argument, 0, 'S' },
        { "uncertainty", required_argument, 0, 'U' }, { "sensitivity", required_argument, 0, 'W' },
        { "bom", no_argument, 0, 'M' },
        { "explain", no_argument, 0, 'E' },
        { 0, 0, 0, 0 }
    };
    const char *config = NULL, *output = NULL, *period = NULL, *basep = NULL;
    compare_how how = { PA_COMPARE_PREVIOUS, 0, 0 };
    const char **nodes = calloc((size_t)argc, sizeof *nodes);
    size_t n_nodes = 0, show = 0;
    int top_given = 0, chart = 0;
    chart_kind ckind = CHART_TREND;
    chart_format cfmt = CHART_SVG;
    int stats = 0, explain = 0;
    int bom = 0;
    int unc = 0; /* 'U' or 'W' */
    size_t unc_n = 0;
    int fmt = FMT_TEXT, opt;
    if (!nodes)
        return 1;
    opterr = 0; /* one line of our own instead of getopt's */
    while ((opt = getopt_long(argc, argv, ":c:f:o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': config = optarg; break;
        case 'S': stats = 1; break;
        case 'E': explain = 1; break;
        case 'o': output = optarg; break;
        case 'P': period = optarg; break;
        case 'B': basep = optarg; break;
        case 'N': nodes[n_nodes++] = optarg; break;
        case 'K':
            if (chart_parse_kind(optarg, &ckind) != 0) {
                free(nodes);
                return 2;
            }
            chart = 1;
            break;
        case 'M': bom = 1; break;
        case 'U':
        case 'W':
            if (unc || parse_runs(optarg, opt, &unc_n) != 0) {
                if (unc)
                    fprintf(stderr, "pingan-index: --uncertainty and --sensitivity are two "
                                    "analyses; give one of them\n");
                free(nodes);
                return 2;
            }
            unc = opt;
            break;
        case 'C':
            if (parse_compare(optarg, &how) != 0) {
                fprintf(stderr, "pingan-index: --compare: '%s' is not previous, year or mean:K "
                                "(K a number of periods, 1 or more)\n", optarg);
                free(nodes);
                return 2;
            }
            break;
        case 'T': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || errno || v > SIZE_MAX / 4) {
                fprintf(stderr, "pingan-index: --top needs a number of units, not '%s'\n",
                        optarg);
                free(nodes);
                return 2;
            }
            show = (size_t)v;
            top_given = 1;
            break;
        }
        case 'f':
            if (strcmp(optarg, "text") == 0)
                fmt = FMT_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                fmt = FMT_CSV;
            else if (strcmp(optarg, "json") == 0)
                fmt = FMT_JSON;
            else if (strcmp(optarg, "xlsx") == 0)
                fmt = FMT_XLSX;
            else if (strcmp(optarg, "html") == 0)
                fmt = FMT_HTML;
            else {
                fprintf(stderr, "pingan-index: unknown format '%s' (text, csv, json, xlsx or html)\n",
                        optarg);
                free(nodes);
                return 2;
            }
            break;
        case 'h': usage(stdout); free(nodes); return 0;
        case 'V': printf("pingan-index %s\n", pa_version()); free(nodes); return 0;
        case ':':
            fprintf(stderr, "pingan-index: option '%s' needs an argument (see pingan-index --help)\n",
                    argv[optind - 1]);
            free(nodes);
            return 2;
        default:
            fprintf(stderr, "pingan-index: unknown option '%s' (see pingan-index --help)\n",
                    argv[optind - 1]);
            free(nodes);
            return 2;
        }
    }
    if (show && fmt != FMT_TEXT) {
        fprintf(stderr, "pingan-index: --top is for the text report; csv and json hold every "
                        "unit (use --node and --period to choose rows)\n");
        free(nodes);
        return 2;
    }
    if (fmt == FMT_XLSX && xlsx_usage(n_nodes, output)) {
        free(nodes);
        return 2;
    }
    if (bom && fmt != FMT_CSV) {
        fprintf(stderr, "pingan-index: --bom is for csv output (-f csv)\n");
        free(nodes);
        return 2;
    }
    if (stats && chart) {
        fprintf(stderr, "pingan-index: --stats and --chart both say what to write; give one "
                        "of them (--chart correlation draws the statistics' correlations)\n");
        free(nodes);
        return 2;
    }
    if (stats && (fmt == FMT_XLSX || fmt == FMT_HTML)) {
        fprintf(stderr, "pingan-index: --stats writes text, csv or json\n");
        free(nodes);
        return 2;
    }
    if (stats && (show || n_nodes || basep || how.given)) {
        fprintf(stderr, "pingan-index: --stats reports every indicator of one period; --top, "
                        "--node, --base and --compare are for the index\n");
        free(nodes);
        return 2;
    }
    if (chart && (fmt != FMT_TEXT || show || chart_parse_output(output, &cfmt) != 0)) {
        if (fmt != FMT_TEXT || show)
            fprintf(stderr, "pingan-index: --chart draws a chart; %s is for tables: give one "
                            "of them\n", show ? "--top" : "-f");
        free(nodes);
        return 2;
    }
    if (explain && unc) {
        fprintf(stderr, "pingan-index: --explain and --%s both say what to compute; give one\n",
                unc == 'W' ? "sensitivity" : "uncertainty");
        free(nodes);
        return 2;
    }
    if (explain && chart && ckind != CHART_CONTRIBUTIONS) {
        fprintf(stderr, "pingan-index: --explain draws as --chart contributions, not another "
                        "chart\n");
        free(nodes);
        return 2;
    }
    if (explain_usage(explain || (chart && ckind == CHART_CONTRIBUTIONS), stats, fmt, show,
                      n_nodes) ||
        unc_usage(unc, stats, chart, ckind, fmt, show, n_nodes, basep || how.given)) {
        free(nodes);
        return 2;
    }
    if (basep && how.given) {
        fprintf(stderr, "pingan-index: --base and --compare both say what to compare with; "
                        "give one of them\n");
        free(nodes);
        return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "pingan-index: no data file given (see pingan-index --help)\n");
        free(nodes);
        return 2;
    }

    const char *no_colour = getenv("NO_COLOR");
    colour_on = fmt == FMT_TEXT && !output && isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
    out_signals(output);
    pa_error err;
    memset(&err, 0, sizeof err);
    pa_model *model = NULL;
    pa_data *data = NULL;
    pa_result *res = NULL;
    int rc = 1;
    char *beside = config ? NULL : config_beside(argv[optind]);
    const char *model_path = config ? config : beside;
    char **files = data_files(argc - optind, argv + optind, &err);
    pa_status st = PA_OK;
    if (!files) {
        if (err.text[0])
            report_error(&err);
        else
            fprintf(stderr, "pingan-index: out of memory\n");
        goto out;
    }
    if (output && output_is_input(output, files, model_path)) {
        rc = 2;
        goto out;
    }
    st = model_path ? pa_model_load(&model, model_path, &err) : pa_model_default(&model, &err);
    if (st != PA_OK) {
        report_error(&err);
        goto out;
    }
    if (unc_model_check(model, model_path, unc, unc_n) != 0)
        goto out;
    if ((st = pa_data_new(&data, model, &err)) != PA_OK || (st = read_data(data, files, &err)) != PA_OK) {
        report_error(&err);
        goto out;
    }
    print_notes(data);
    if (stats) {
        rc = stats_main(model, data, period, fmt, output);
        goto out;
    }
    if (unc) {
        rc = uncertainty_main(model, data, unc_n, unc == 'W', period, n_nodes ? nodes[0] : NULL,
                              fmt, chart ? (int)cfmt : -1, output);
        goto out;
    }
    if (fmt == FMT_TEXT || fmt == FMT_HTML || chart || explain) {
        st = pa_compute(&res, model, data, &err);
    } else { /* only the nodes written are held, and the data set goes as it is used */
        st = pa_compute_nodes(&res, model, data, nodes, n_nodes, &err);
        data = NULL;
        if (st == PA_ERR_ARGUMENT) { /* the one argument it can refuse: an unknown --node */
            fprintf(stderr, "pingan-index: --node: %s\n", err.text);
            rc = 2;
            goto out;
        }
    }
    if (st != PA_OK) {
        report_error(&err);
        goto out;
    }
    if (basep && pa_result_set_base(res, basep, &err) != PA_OK) {
        fprintf(stderr, "pingan-index: --base: %s\n", err.text);
        rc = 2;
        goto out;
    }
    if (how.given && pa_result_set_compare(res, how.how, how.k, &err) != PA_OK) {
        fprintf(stderr, "pingan-index: --compare: %s\n", err.text);
        rc = 2;
        goto out;
    }
    size_t p = pa_result_period_count(res) - 1;
    if (period && (p = pa_result_period_find(res, period)) == NONE) {
        fprintf(stderr, "pingan-index: --period: no period '%s' in the data\n", period);
        rc = 2;
        goto out;
    }
    for (size_t i = 0; i < n_nodes; i++)
        if (pa_result_node_find(res, nodes[i]) == NONE) {
            fprintf(stderr, "pingan-index: --node: no node '%s' in the model\n", nodes[i]);
            rc = 2;
            goto out;
        }
    if (explain && !chart) {
        rc = explain_main(model, res, p, n_nodes ? nodes[0] : NULL,
                          fmt == FMT_TEXT ? 0 : fmt == FMT_CSV ? 1 : 2, output, bom);
        goto out;
    }
    if (fmt == FMT_XLSX && xlsx_check(res) != 0) /* before the output exists */
        goto out;
    out_file of;
    if ((rc = out_open(&of, output)) != 0)
        goto out;
    rc = 1;
    int ok = 1;
    if (chart) {
        ok = (ckind == CHART_CORRELATION
                  ? chart_write_correlation(of.f, cfmt, model, data, res, p, pa_model_label(model))
              : ckind == CHART_CONTRIBUTIONS
                  ? chart_write_contributions(of.f, cfmt, model, res, p,
                                              n_nodes ? nodes[0] : NULL, pa_model_label(model))
                  : chart_write(of.f, cfmt, ckind, res, p, pa_model_label(model))) == 0;
    } else if (fmt == FMT_HTML) {
        ok = html_write(of.f, res, p, pa_model_label(model)) == 0;
    } else if (fmt == FMT_TEXT) {
        if (write_text(of.f, res, p, pa_model_label(model), &how, show) != 0) {
            fprintf(stderr, "pingan-index: out of memory\n");
            ok = 0;
        } else if (!top_given && !output && pa_result_unit_count(res) > 1000 &&
                   isatty(STDOUT_FILENO)) {
            /* after the report, where the reader of a terminal is */
            fprintf(stderr, "pingan-index: %zu units were listed; --top N lists the best and "
                            "worst N only\n", pa_result_unit_count(res));
        }
    } else if (fmt == FMT_XLSX) {
        ok = write_xlsx(of.f, res, p, pa_model_label(model), &how) == 0;
    } else {
        pa_write_options wo = { .period = period, .nodes = n_nodes ? nodes : NULL,
                                .n_nodes = n_nodes };
        if (bom) /* Excel reads a CSV without one in the ANSI code page (GBK in China) */
            fputs("\xEF\xBB\xBF", of.f);
        if (pa_result_write(res, of.f, fmt == FMT_CSV ? PA_FORMAT_CSV : PA_FORMAT_JSON, &wo,
                            &err) != PA_OK) {
            if (err.status == PA_ERR_IO && output && !err.file[0]) /* the stream's own */
                snprintf(err.file, sizeof err.file, "%s", output);
            report_error(&err);
            ok = 0;
        }
    }
    /* the result's memory goes back on another thread while this one closes and renames
     * the output: both are kernel work of tens of milliseconds for a big panel */
    teardown td = { res, data, model };
    pthread_t th;
    int apart = pthread_create(&th, NULL, teardown_main, &td) == 0;
    if (apart)
        res = NULL, data = NULL, model = NULL;
    if (out_close(&of, ok) == 0 && ok)
        rc = 0;
    if (apart)
        pthread_join(th, NULL);
out:
    pa_result_free(res);
    pa_data_free(data);
    pa_model_free(model);
    pa_paths_free(files);
    free(beside);
    free(nodes);
    return rc;
}
