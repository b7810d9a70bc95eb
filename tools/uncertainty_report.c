/* SPDX-License-Identifier: MIT */
/* pingan-index --uncertainty N / --sensitivity N: the runs, and what they say to an analyst —
 * how far each unit's rank moves, and which input moves the ranking most. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "output.h"
#include "uncertainty_report.h"

static void
rank_text(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, v == floor(v) ? "%.0f" : "%.1f", v);
}

static int
cmp_nominal(const void *a, const void *b, void *arg)
{
    const pa_uncertainty *u = arg;
    double x = pa_uncertainty_stat(u, *(const size_t *)a, PA_UNC_NOMINAL_RANK);
    double y = pa_uncertainty_stat(u, *(const size_t *)b, PA_UNC_NOMINAL_RANK);
    if (isnan(x) != isnan(y))
        return isnan(x) ? 1 : -1;
    if (x != y && !isnan(x))
        return x < y ? -1 : 1;
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

/* One line per unit, in nominal order: rank, median, interval, then the scores. */
static void
unit_lines(FILE *f, const pa_uncertainty *u)
{
    size_t nu = pa_uncertainty_unit_count(u);
    size_t *order = malloc((nu ? nu : 1) * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < nu; i++)
        order[i] = i;
    qsort_r(order, nu, sizeof *order, cmp_nominal, (void *)u);
    /* display columns 4, 4, 11, 6, 7, 17 (the labels are wider in bytes than on screen) */
    fputs("名次 中位 5–95 % 名次   平均     得分       5–95 % 得分  单位\n", f);
    for (size_t k = 0; k < nu; k++) {
        size_t i = order[k];
        char nom[16], med[16], lo[16], hi[16], iv[40], sc[64], mean[16];
        rank_text(nom, sizeof nom, pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_RANK));
        rank_text(med, sizeof med, pa_uncertainty_stat(u, i, PA_UNC_MEDIAN_RANK));
        rank_text(lo, sizeof lo, pa_uncertainty_stat(u, i, PA_UNC_RANK_P05));
        rank_text(hi, sizeof hi, pa_uncertainty_stat(u, i, PA_UNC_RANK_P95));
        snprintf(iv, sizeof iv, "%s-%s", lo, hi);
        snprintf(mean, sizeof mean, "%.1f", pa_uncertainty_stat(u, i, PA_UNC_MEAN_RANK));
        snprintf(sc, sizeof sc, "%.2f-%.2f", pa_uncertainty_stat(u, i, PA_UNC_SCORE_P05),
                 pa_uncertainty_stat(u, i, PA_UNC_SCORE_P95));
        const char *name = pa_uncertainty_unit_name(u, i);
        fprintf(f, "%4s %4s %11s %6s  %7.2f %17s  %s%s%s\n", nom, med, strcmp(iv, "---") ? iv : "-",
                isnan(pa_uncertainty_stat(u, i, PA_UNC_MEAN_RANK)) ? "-" : mean,
                pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_SCORE), sc,
                pa_uncertainty_unit_code(u, i), name ? " " : "", name ? name : "");
    }
    free(order);
}

/* The inputs by total index, largest first, with their intervals. */
static void
input_lines(FILE *f, const pa_uncertainty *u)
{
    fprintf(f, "%-18s %8s %19s %8s %19s\n", "输入", "一阶", "95 % 区间", "总效应", "95 % 区间");
    for (size_t i = 0; i < pa_uncertainty_input_count(u); i++) {
        double v[6];
        for (int k = 0; k < 6; k++)
            v[k] = pa_uncertainty_sobol(u, i, (pa_sobol_stat)k);
        fprintf(f, "%-18s %8.3f   [%6.3f, %6.3f] %8.3f   [%6.3f, %6.3f]\n",
                pa_uncertainty_input_name(u, i), v[0], v[2], v[3], v[1], v[4], v[5]);
    }
    fputs("  一阶: 该输入单独造成的名次变化方差份额; 总效应: 含与其他输入的交互.\n"
          "  输出: 各单位名次相对名义名次的平均绝对变化 (Jansen 估计, bootstrap 区间).\n\n", f);
}

void
uncertainty_report(FILE *f, const pa_uncertainty *u, int sensitivity, size_t n)
{
    fprintf(f, "%s  %s  %s\n", sensitivity ? "敏感性分析" : "不确定性分析",
            pa_uncertainty_node(u), pa_uncertainty_period(u));
    fprintf(f, "%zu 次运行 (%s), %zu 次未能计算 (不计入), 输入点: %s\n",
            pa_uncertainty_runs(u), sensitivity ? "Saltelli 设计" : "蒙特卡罗",
            pa_uncertainty_failed(u), strcmp(pa_uncertainty_points(u), "sobol") == 0
                ? "Sobol 准随机序列" : "伪随机 (MT19937, 维数超过 Sobol 的 40)");
    fputs("不确定输入:", f);
    for (size_t i = 0; i < pa_uncertainty_input_count(u); i++)
        fprintf(f, "%s %s", i ? "," : "", pa_uncertainty_input_name(u, i));
    fputs("\n\n", f);
    if (sensitivity) {
        fprintf(f, "Sobol 指数 (基础样本 N = %zu)\n", n);
        input_lines(f, u);
    }
    fputs("名次的稳健性 (名义名次及各次运行的分布)\n", f);
    if (pa_uncertainty_estimated(u))
        fputs("  运行数 × 单位数超出精确存储的上限 (64 MiB): 得分的 5–95 % 为流式估计 (P²),\n"
              "  名次的中位与 5–95 % 单位不超过 1024 个时按名次计数 (精确), 否则亦为 P² 估计;\n"
              "  平均名次为精确值.\n", f);
    unit_lines(f, u);
}

int
uncertainty_main(const pa_model *model, const pa_data *data, size_t n, int sensitivity,
                 const char *period, const char *node, int format, int chart_fmt,
                 const char *output)
{
    pa_error err;
    char buf[1200];
    pa_uncertainty *u = NULL;
    memset(&err, 0, sizeof err);
    pa_uncertainty_options o = { period, node };
    pa_status st = sensitivity ? pa_sensitivity_run(&u, model, data, n, &o, &err)
                               : pa_uncertainty_run(&u, model, data, n, &o, &err);
    if (st != PA_OK) {
        pa_error_format(&err, buf, sizeof buf);
        const char *opt = st != PA_ERR_ARGUMENT ? "" : strstr(buf, "no node") ? "--node: "
                        : "--period: ";
        fprintf(stderr, "pingan-index: %s%s\n", opt, buf);
        return st == PA_ERR_ARGUMENT ? 2 : 1;
    }
    out_file of;
    int rc = out_open(&of, output), ok = 1;
    if (rc != 0) {
        pa_uncertainty_free(u);
        return rc;
    }
    if (chart_fmt >= 0) {
        ok = chart_write_uncertainty(of.f, (chart_format)chart_fmt, u, pa_model_label(model)) == 0;
    } else if (format == 0) {
        uncertainty_report(of.f, u, sensitivity, n);
    } else if (pa_uncertainty_write(u, of.f, format == 1 ? PA_FORMAT_CSV : PA_FORMAT_JSON,
                                    &err) != PA_OK) {
        if (output && !err.file[0])
            snprintf(err.file, sizeof err.file, "%s", output);
        pa_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "pingan-index: %s\n", buf);
        ok = 0;
    }
    pa_uncertainty_free(u);
    return out_close(&of, ok) == 0 && ok ? 0 : 1;
}
