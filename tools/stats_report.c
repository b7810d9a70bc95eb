/* SPDX-License-Identifier: MIT */
/* pingan-index --stats: what an analyst reads first (skewed indicators, redundant or opposed
 * pairs inside a group), then the tables; or the library's CSV and JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "output.h"
#include "stats_report.h"

/* ---- a table: cells kept as text until every width is known ---- */

typedef struct table {
    size_t ncols, nrows, cap;
    char **cell;                /* row-major */
    size_t left;                /* the first `left` columns are text, aligned left */
    int last_left;              /* the last column too (text of any length) */
    int failed;
} table;

/* Terminal columns of a UTF-8 string (CJK characters take two). */
static int
text_width(const char *s)
{
    size_t n = mbstowcs(NULL, s, 0);
    if (n == (size_t)-1)
        return (int)strlen(s);
    wchar_t *w = malloc((n + 1) * sizeof *w);
    int width = (int)n;
    if (w && mbstowcs(w, s, n + 1) != (size_t)-1) {
        int cw = wcswidth(w, n);
        width = cw >= 0 ? cw : (int)n;
    }
    free(w);
    return width;
}

/* Adds a row of t->ncols cells (copied). */
static void
add_row(table *t, const char *const *cells)
{
    if (t->failed)
        return;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **c = realloc(t->cell, cap * t->ncols * sizeof *c);
        if (!c) {
            t->failed = 1;
            return;
        }
        t->cell = c;
        t->cap = cap;
    }
    for (size_t j = 0; j < t->ncols; j++)
        if (!(t->cell[t->nrows * t->ncols + j] = strdup(cells[j] ? cells[j] : "")))
            t->failed = 1;
    t->nrows++;
}

/* Prints the table (the first row is the header) and frees it; -1 when it ran out of memory. */
static int
print_table(FILE *f, table *t)
{
    int *w = calloc(t->ncols ? t->ncols : 1, sizeof *w), rc = t->failed || !w ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < t->nrows * t->ncols; i++) {
        int cw = text_width(t->cell[i]);
        if (cw > w[i % t->ncols])
            w[i % t->ncols] = cw;
    }
    for (size_t r = 0; rc == 0 && r < t->nrows; r++) {
        fputs("  ", f);
        for (size_t j = 0; j < t->ncols; j++) {
            const char *s = t->cell[r * t->ncols + j];
            int pad = w[j] - text_width(s), last = j + 1 == t->ncols;
            if (j >= t->left && !(last && t->last_left))
                fprintf(f, "%*s", pad > 0 ? pad : 0, "");
            fputs(s, f);
            if (j < t->left && !last)
                fprintf(f, "%*s", pad > 0 ? pad : 0, "");
            fputs(last ? "\n" : "  ", f);
        }
    }
    for (size_t i = 0; i < t->nrows * t->ncols && !t->failed; i++)
        free(t->cell[i]);
    free(t->cell);
    free(w);
    fputc('\n', f);
    return rc;
}

static void
fmt(char *buf, size_t n, double v, const char *how)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, how, v);
}

/* ---- flags ---- */

static const struct {
    unsigned bit;
    const char *what;
} ind_flags[] = {
    { PA_STATS_SKEW_KURT, "偏态, 可能有离群值 (|偏度| > 2 且峰度 > 3.5)" },
    { PA_STATS_LOW_AVAIL, "数据覆盖率低 (有值 < 65%)" },
    { PA_STATS_LOW_NONZERO, "零值多 (非零 < 50%)" },
    { PA_STATS_LOW_UNIQUE, "不同的值少 (< 50%)" },
};

/* One line per indicator flag that some indicator has; returns how many lines. */
static int
indicator_flags(FILE *f, const pa_stats *s)
{
    int lines = 0;
    for (size_t k = 0; k < sizeof ind_flags / sizeof *ind_flags; k++) {
        int any = 0;
        for (size_t i = 0; i < pa_stats_indicator_count(s); i++)
            if (pa_stats_indicator_flags(s, i) & ind_flags[k].bit) {
                fprintf(f, any ? ", %s" : "  %s: %s", any ? pa_stats_indicator_code(s, i)
                                                          : ind_flags[k].what,
                        pa_stats_indicator_code(s, i));
                any = 1;
            }
        if (any)
            fputc('\n', f), lines++;
    }
    return lines;
}

/* Pairs inside a group whose correlation (directions applied) is above 0.9 (want = 1) or below
 * 0 (want = -1) by either coefficient. */
static int
pair_flags(FILE *f, const pa_stats *s, int want)
{
    int lines = 0;
    size_t n = pa_stats_indicator_count(s);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (pa_stats_corr_flag(s, PA_CORR_PEARSON, i, j) != want &&
                pa_stats_corr_flag(s, PA_CORR_SPEARMAN, i, j) != want)
                continue;
            /* as judged: with both directions applied, which the note below the flags says */
            int dir = pa_stats_indicator_direction(s, i) * pa_stats_indicator_direction(s, j);
            char p[32], r[32];
            fmt(p, sizeof p, dir * pa_stats_corr(s, PA_CORR_PEARSON, i, j), "%.3f");
            fmt(r, sizeof r, dir * pa_stats_corr(s, PA_CORR_SPEARMAN, i, j), "%.3f");
            fprintf(f, "  %s: %s (%s) – %s  Pearson %s, Spearman %s\n",
                    want > 0 ? "组内高度相关 (r > 0.9, 可能重复)" : "组内负相关 (r < 0)",
                    pa_stats_indicator_group(s, i), pa_stats_indicator_code(s, i),
                    pa_stats_indicator_code(s, j), p, r);
            lines++;
        }
    return lines;
}

static int
parent_flags(FILE *f, const pa_stats *s)
{
    int lines = 0;
    for (size_t k = 0; k < pa_stats_parent_count(s); k++) {
        const char *node, *parent;
        double r = pa_stats_parent_corr(s, PA_CORR_PEARSON, k, &node, &parent);
        if (r < 0) {
            fprintf(f, "  与上级负相关: %s → %s  Pearson %.3f\n", node, parent, r);
            lines++;
        }
    }
    return lines;
}

/* ---- tables ---- */

static int
indicator_table(FILE *f, const pa_stats *s)
{
    static const char *const head[] = { "指标", "组", "有值", "最小", "最大", "均值", "中位数",
                                         "标准差", "偏度", "峰度", "覆盖率", "提示" };
    static const pa_stat cols[] = { PA_STAT_MIN, PA_STAT_MAX, PA_STAT_MEAN, PA_STAT_MEDIAN,
                                    PA_STAT_SD, PA_STAT_SKEW, PA_STAT_KURT };
    table t = { .ncols = 12, .left = 2, .last_left = 1 };
    add_row(&t, head);
    for (size_t i = 0; i < pa_stats_indicator_count(s); i++) {
        char num[10][32], flags[64] = "";
        const char *row[12] = { pa_stats_indicator_code(s, i), pa_stats_indicator_group(s, i) };
        fmt(num[0], 32, pa_stats_indicator(s, i, PA_STAT_N_AVAIL), "%.0f");
        for (size_t c = 0; c < 7; c++)
            fmt(num[c + 1], 32, pa_stats_indicator(s, i, cols[c]), "%.6g");
        fmt(num[8], 32, 100 * pa_stats_indicator(s, i, PA_STAT_FRAC_AVAIL), "%.0f%%");
        unsigned fl = pa_stats_indicator_flags(s, i);
        snprintf(flags, sizeof flags, "%s%s%s%s", fl & PA_STATS_SKEW_KURT ? "偏态 " : "",
                 fl & PA_STATS_LOW_AVAIL ? "覆盖低 " : "", fl & PA_STATS_LOW_NONZERO ? "零多 " : "",
                 fl & PA_STATS_LOW_UNIQUE ? "重复多" : "");
        for (size_t c = 0; c < 9; c++)
            row[2 + c] = num[c];
        row[11] = flags;
        add_row(&t, row);
    }
    fputs("各指标 (进入标准化前的数值)\n", f);
    return print_table(f, &t);
}

static int
pair_table(FILE *f, const pa_stats *s)
{
    static const char *const head[] = { "组", "指标", "指标", "Pearson", "Spearman" };
    table t = { .ncols = 5, .left = 3 };
    add_row(&t, head);
    size_t n = pa_stats_indicator_count(s);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (strcmp(pa_stats_indicator_group(s, i), pa_stats_indicator_group(s, j)) != 0)
                continue;
            char p[32], r[32];
            fmt(p, sizeof p, pa_stats_corr(s, PA_CORR_PEARSON, i, j), "%.3f");
            fmt(r, sizeof r, pa_stats_corr(s, PA_CORR_SPEARMAN, i, j), "%.3f");
            const char *row[] = { pa_stats_indicator_group(s, i), pa_stats_indicator_code(s, i),
                                  pa_stats_indicator_code(s, j), p, r };
            add_row(&t, row);
        }
    fputs("组内相关 (所有两两相关见 -f csv 或 -f json)\n", f);
    return print_table(f, &t);
}

static int
parent_table(FILE *f, const pa_stats *s)
{
    static const char *const head[] = { "节点", "上级", "Pearson", "Spearman" };
    table t = { .ncols = 4, .left = 2 };
    add_row(&t, head);
    for (size_t k = 0; k < pa_stats_parent_count(s); k++) {
        const char *node, *parent;
        char p[32], r[32];
        fmt(p, sizeof p, pa_stats_parent_corr(s, PA_CORR_PEARSON, k, &node, &parent), "%.3f");
        fmt(r, sizeof r, pa_stats_parent_corr(s, PA_CORR_SPEARMAN, k, NULL, NULL), "%.3f");
        const char *row[] = { node, parent, p, r };
        add_row(&t, row);
    }
    fputs("与上级的相关 (得分)\n", f);
    return print_table(f, &t);
}

static int
group_table(FILE *f, const pa_stats *s)
{
    static const char *const head[] = { "组", "指标数", "Cronbach α", "完整单位",
                                        "PC1 方差占比", "PC1 载荷" };
    table t = { .ncols = 6, .left = 1, .last_left = 1 };
    add_row(&t, head);
    for (size_t g = 0; g < pa_stats_group_count(s); g++) {
        char n[32], a[32], c[32], sh[32], load[1024] = "";
        snprintf(n, sizeof n, "%zu", pa_stats_group_size(s, g));
        fmt(a, sizeof a, pa_stats_group_alpha(s, g), "%.3f");
        snprintf(c, sizeof c, "%zu", pa_stats_group_complete(s, g));
        fmt(sh, sizeof sh, 100 * pa_stats_group_share(s, g, 0), "%.1f%%");
        for (size_t k = 0, len = 0; k < pa_stats_group_size(s, g) && len < sizeof load; k++) {
            double v = pa_stats_group_loading(s, g, k);
            len += (size_t)snprintf(load + len, sizeof load - len, isnan(v) ? "%s%s -" : "%s%s %.3f",
                                    k ? "  " : "",
                                    pa_stats_indicator_code(s, pa_stats_group_member(s, g, k)), v);
        }
        const char *row[] = { pa_stats_group_code(s, g), n, a, c, sh, load };
        add_row(&t, row);
    }
    fputs("组的信度与主成分 (各指标都有值的单位)\n", f);
    return print_table(f, &t);
}

int
stats_report(FILE *f, const pa_stats *s)
{
    fprintf(f, "指标统计  %s  (%zu 行数据)\n\n", pa_stats_period(s), pa_stats_unit_count(s));
    fputs("提示\n", f);
    int lines = indicator_flags(f, s);
    lines += pair_flags(f, s, 1);
    lines += pair_flags(f, s, -1);
    lines += parent_flags(f, s);
    fputs(lines ? "  (相关已按指标方向调整)\n\n" : "  无\n\n", f);
    if (indicator_table(f, s) || pair_table(f, s) || parent_table(f, s) || group_table(f, s))
        return -1;
    return 0;
}

int
stats_main(const pa_model *model, const pa_data *data, const char *period, int format,
           const char *output)
{
    pa_error err;
    char buf[1200];
    pa_stats *s = NULL;
    memset(&err, 0, sizeof err);
    pa_status st = pa_stats_compute(&s, model, data, period, &err);
    if (st != PA_OK) {
        pa_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "pingan-index: %s%s\n", st == PA_ERR_ARGUMENT ? "--period: " : "", buf);
        return st == PA_ERR_ARGUMENT ? 2 : 1;
    }
    out_file of;
    int rc = out_open(&of, output), ok = 1;
    if (rc != 0) {
        pa_stats_free(s);
        return rc;
    }
    if (format == 0 && stats_report(of.f, s) != 0) {
        fprintf(stderr, "pingan-index: out of memory\n");
        ok = 0;
    } else if (format != 0 &&
               pa_stats_write(s, of.f, format == 1 ? PA_FORMAT_CSV : PA_FORMAT_JSON, &err) != PA_OK) {
        if (output && !err.file[0])
            snprintf(err.file, sizeof err.file, "%s", output);
        pa_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "pingan-index: %s\n", buf);
        ok = 0;
    }
    pa_stats_free(s);
    return out_close(&of, ok) == 0 && ok ? 0 : 1;
}
