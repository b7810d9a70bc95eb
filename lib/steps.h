/* SPDX-License-Identifier: MIT */
/* The steps of the pipeline, each on one indicator or node column (compute.c and the step modules). */
#ifndef PA_STEPS_H
#define PA_STEPS_H

#include "result.h"
#include "pool.h"

/* ---- steps (each works on one indicator or node column of the result) ---- */
/* What a step's task needs to work on one indicator or period on any thread (pa_parallel_for). */
typedef struct pa_step_job {
    const pa_model *m;
    const pa_data *d;
    pa_result *r;
} pa_step_job;
pa_status pa_step_denominate(const pa_model *m, const pa_data *d, pa_result *r, pa_error *err);
pa_status pa_step_impute(const pa_model *m, const pa_data *d, pa_result *r, pa_error *err);
pa_status pa_step_screen(const pa_model *m, pa_result *r, pa_error *err);
pa_status pa_step_penalty(const pa_model *m, const pa_data *d, pa_result *r, pa_error *err);
pa_status pa_step_treat(const pa_model *m, pa_result *r, pa_error *err);
pa_status pa_step_transform(const pa_model *m, pa_result *r, pa_error *err);
pa_status pa_step_normalise(const pa_model *m, pa_result *r, pa_error *err);
pa_status pa_aggregate_node(const pa_model *m, pa_result *r, size_t node, pa_error *err);
/* pa_compute's steps up to normalisation: the indicators' scores are the values as they enter
 * it (after transform); groups have none (compute.c). */
pa_status pa_compute_until_normalise(pa_result **out, const pa_model *m, const pa_data *d,
                                     pa_error *err);
/* weight = pca: the weights of node k's children from PC1 of their scores (pca.c). */
pa_status pa_pca_weights(const pa_model *m, pa_result *r, size_t k, pa_error *err);
/* A JSON string to a stream: quotes, backslashes and control characters escaped (write.c). */
void pa_write_json_str(FILE *f, const char *s);
/* A number in the shortest form that reads back, to a stream: nothing (CSV) or null (JSON)
 * for NaN; and a CSV field, quoted by libcsv only when it must be (write.c). For the writers
 * of statistics, explanations and uncertainty runs. */
void pa_write_number(FILE *f, double v, int json);
void pa_write_csv_field(FILE *f, const char *s);
/* Fill the rank cache of one node (idempotent, thread-safe). */
pa_status pa_rank_node(const pa_result *r, size_t node, pa_error *err);
/* The present values of x[0..n) (not NaN, not skip[i]) in ascending order by a radix sort:
 * key[0..m) order-preserving keys (-0 as 0, so equal values have equal keys), idx[0..m) the
 * values' places. Free with pa_sorted_free (also after an error). */
typedef struct pa_sorted {
    uint64_t *key;
    uint32_t *idx;
    size_t m;
} pa_sorted;
pa_status pa_sort_present(const double *x, size_t n, const unsigned char *skip, pa_sorted *out,
                          pa_error *err);
void pa_sorted_free(pa_sorted *s);

/* Normalise one vector x[0..n) in place (NaN = missing); `stat` marks the values statistics
 * may use (NULL: all). Exposed for unit tests. */
pa_status pa_normalise_vector(const pa_node *ind, double *x, size_t n, const unsigned char *stat,
                              const double *base, pa_error *err);
/* The normalisation functions of the method table (normalise.c). */
pa_status pa_norm_minmax(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_zscore(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_rank(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_prank(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_borda(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_goalposts(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_dist2max(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_dist2targ(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_fracmax(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_base(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_none(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_scaled(const pa_norm_in *in, double *x, size_t n, pa_error *err);
pa_status pa_norm_dist2ref(const pa_norm_in *in, double *x, size_t n, pa_error *err);
/* Aggregate n child scores with weights; NaN children drop out. Returns NaN when none
 * (and sets *bad to -2 when out of memory).
 * `p` is the genmean exponent or the MPI sign. *bad is the index of a child the method
 * cannot take (≤ 0 under geometric/harmonic/negative p), else -1. Not for copeland. */
double pa_aggregate_values(pa_agg agg, const double *x, const double *w, size_t n, double p,
                           int *bad);
/* Treat one vector (n values, NaN missing) in place; flags gets PA_CELL_* per value. */
pa_status pa_treat_vector(const pa_settings *s, double *x, size_t n, const unsigned char *stat,
                          unsigned char *flags, pa_error *err);
/* COINr's sample skewness and kurtosis (e1071 type 2); NaN when n < 3 / n < 4. */
double pa_skew(const double *x, size_t n);
double pa_kurt(const double *x, size_t n);

#endif
