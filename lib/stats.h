/* SPDX-License-Identifier: MIT */
/* Index statistics (stats.c, stats_write.c) and principal components (pca.c). */
#ifndef PA_STATS_H
#define PA_STATS_H

#include "internal.h"

enum { PA_N_STAT = PA_STAT_FRAC_SAME + 1 };

/* A group whose children are indicators: Cronbach's alpha and its PCA. */
typedef struct pa_stats_group {
    char *code;
    size_t n;                   /* indicators */
    size_t *member;             /* their indexes in the statistics */
    double alpha;
    size_t complete;            /* units with all of them present */
    double *share;              /* [n]: of each component, largest first */
    double *loading;            /* [n]: PC1 */
} pa_stats_group;

struct pa_stats {
    char *period;
    int panel;                  /* every period counted (scope = panel) */
    size_t n_units;             /* rows counted */
    size_t ni;
    char **codes, **groups;     /* by indicator: its code and its parent's */
    int *direction;
    double (*ind)[PA_N_STAT];
    unsigned *flags;
    double *corr[2];            /* [method]: ni × ni */
    size_t n_par;               /* nodes below the top */
    char **par_node, **par_parent;
    double *par_corr[2];        /* [method][n_par] */
    size_t ng;
    pa_stats_group *grp;
};

/* The cells of a column with a value, in ascending order of value (idx: places). */
typedef struct pa_col_order {
    uint32_t *idx;
    size_t m;
} pa_col_order;
pa_status pa_order(const double *x, size_t n, pa_col_order *out, pa_error *err);

/* Pearson's r of the pairs of x[0..n) and y[0..n) where both are present (NaN: fewer than two,
 * or a constant side); work has room for 2n doubles. */
double pa_pearson(const double *x, const double *y, size_t n, double *work);
/* Spearman's rho, the same pairs, from each column's order; work has room for 4n doubles. */
double pa_spearman(const pa_col_order *ox, const pa_col_order *oy, const double *x, const double *y,
                   size_t n, double *work);

/* PCA of the correlation matrix of x (n rows × k columns, row-major, no value missing):
 * share[k] of the variance of each component, largest first, and loading[k] of PC1 (unit
 * length, its largest entry in absolute value positive). PA_ERR_COMPUTE (no message) when it is
 * undefined: fewer than two rows, or a constant column. */
pa_status pa_pca(const double *x, size_t n, size_t k, double *share, double *loading,
                 pa_error *err);

#endif
