/* SPDX-License-Identifier: MIT */
/* Test driver of the correlation heat map: reads "LABEL..." then n rows of n numbers (nan for
 * undefined) from standard input and draws them into argv[1] (.svg, .png or .pdf). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

#define MAXN 64

typedef struct matrix {
    char labels[MAXN][64];
    double v[MAXN][MAXN];
} matrix;

static const char *
label(void *ctx, size_t i)
{
    return ((matrix *)ctx)->labels[i];
}

static double
value(void *ctx, size_t i, size_t j)
{
    return ((matrix *)ctx)->v[i][j];
}

int
main(int argc, char **argv)
{
    static matrix mx;
    chart_format fmt;
    size_t n = 0;
    if (argc != 2 || chart_parse_output(argv[1], &fmt) != 0)
        return 2;
    while (n < MAXN && scanf("%63s", mx.labels[n]) == 1 && strcmp(mx.labels[n], "--") != 0)
        n++;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (scanf("%lf", &mx.v[i][j]) != 1)
                return 2;
    FILE *f = fopen(argv[1], "wb");
    if (!f)
        return 1;
    chart_matrix m = { n, label, value, &mx };
    int rc = chart_write_heatmap(f, fmt, "相关系数 heat map", &m);
    return fclose(f) != 0 || rc != 0;
}
