/* SPDX-License-Identifier: MIT */
/* Uncertainty and sensitivity analysis: the [uncertainty] design, its points, the draws scored
 * through engines, and Sobol indices (uncertainty.c, sensitivity.c). */
#ifndef PA_UNCERTAINTY_H
#define PA_UNCERTAINTY_H

#include "internal.h"

/* One uncertain input: the weights' noise (one uniform per node of the levels named), a step's alternatives, or which indicator is
 * left out (alternative 0: none, k: the kth indicator in the model's order). */
typedef enum pa_unc_kind { PA_UNC_WEIGHTS, PA_UNC_METHOD, PA_UNC_DROP } pa_unc_kind;
typedef struct pa_unc_alt {
    int method;                 /* the step's enum value */
    size_t npar;
    double par[2];
} pa_unc_alt;
typedef struct pa_unc_input {
    pa_unc_kind kind;
    pa_step step;               /* PA_UNC_METHOD */
    int level[16];              /* PA_UNC_WEIGHTS: the levels noised, */
    double noise[16];           /* each w · (1 + noise · U(−1, 1)) */
    size_t n_levels;
    pa_unc_alt *alt;
    size_t n_alt;
    size_t dim, off;            /* uniforms of a point it takes, and the first of them */
    size_t *wnode;              /* PA_UNC_WEIGHTS: the nodes of its levels (nominal model), */
    double *wnoise;             /* and the noise factor of each */
    char name[48];              /* "weights", "normalise", "drop_one" */
} pa_unc_input;

enum { PA_UNC_POINTS_AUTO, PA_UNC_POINTS_SOBOL, PA_UNC_POINTS_RANDOM };
enum { PA_UNC_SOBOL_MAX = 40 }; /* GSL's Sobol sequence breaks silently above */

typedef struct pa_unc_design {
    pa_unc_input *in;
    size_t n_in, dim;           /* inputs, and the uniforms of one point */
    unsigned long seed;
    int points;
    pa_loc points_at;
    size_t n_boot;
} pa_unc_design;

/* The design of a finished model's [uncertainty] section (PA_ERR_MODEL, with the line, for one
 * that does not fit the model; PA_ERR_ARGUMENT when there is no section). */
pa_status pa_unc_design_read(pa_unc_design *dz, const pa_model *m, pa_error *err);
void pa_unc_design_free(pa_unc_design *dz);

/* n points of dim uniforms in [0, 1), row after row, into x: GSL's Sobol sequence when `sobol`,
 * else MT19937 from the seed. */
pa_status pa_unc_points(double *x, size_t n, size_t dim, int sobol, unsigned long seed,
                        pa_error *err);

/* What one thread scores draws with: an engine, and a working model per structural variant
 * (the nominal one and one per indicator left out), made on first use. */
typedef struct pa_unc_thread pa_unc_thread;
pa_status pa_unc_thread_new(pa_unc_thread **out, const pa_unc_design *dz, const pa_model *m,
                            const pa_data *d, pa_error *err);
void pa_unc_thread_free(pa_unc_thread *t);
/* The result of the draw at point x (dz->dim uniforms): its inputs written into a working
 * model's nodes, then pa_engine_compute. *setup and *compute get the seconds each took. */
pa_status pa_unc_score_point(pa_unc_thread *t, const double *x, pa_result **out, double *setup,
                             double *compute, pa_error *err);

/* Jansen's estimators of first-order and total indices from the outputs of a Saltelli design:
 * yA, yB [n], yAB [d][n] (A with input i taken from B), over the samples idx[0..n) (NULL: all;
 * a bootstrap passes a resample). The variance is that of yA and yB together (n − 1). */
void pa_sobol_jansen(const double *yA, const double *yB, const double *yAB, size_t n, size_t d,
                     const size_t *idx, double *first, double *total);
/* Whether u is of a sensitivity run (unc_run.c). */
int pa_unc_is_sensitivity(const pa_uncertainty *u);
/* R's quantile type 7 of sorted x[0..n) (NaN for n = 0). */
double pa_quantile_sorted(const double *x, size_t n, double p);
/* The same of m whole numbers given as counts: c[v − 1] of them are v (v = 1..k). */
double pa_quantile_counts(const uint32_t *c, size_t k, size_t m, double p);

/* Jain and Chlamtac's P² estimate of one quantile p, in five markers, fed one value at a time
 * (doc/methods.md §14); zero-initialise. Up to five values it holds them all: the quantile is
 * then exact. */
typedef struct pa_p2 {
    double q[5];                /* marker heights (the first values, sorted, until five) */
    double pos[5];              /* marker positions, 1-based */
    size_t n;
} pa_p2;
void pa_p2_add(pa_p2 *s, double p, double x);
double pa_p2_get(const pa_p2 *s, double p);

/* Internal test hook: the bytes of exact per-draw storage (N × units × 12) beyond which
 * percentiles are estimated (0: the default, 64 MiB), and the units up to which the ranks'
 * estimate is a histogram of counts (exact; 0: the default, 1024). Process-wide. */
void pa__unc_set_bounds(size_t exact_bytes, size_t hist_units);

#endif
