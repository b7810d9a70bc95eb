/* SPDX-License-Identifier: MIT */
/**
 * @file pingan.h
 * @brief libpingan — composite public-safety indices (the Zhuhai "平安+" index).
 *
 * The flow is: load a model (pa_model_load*), read data files with it
 * (pa_data_read*), compute (pa_compute, or pa_compute_nodes for large
 * panels when only some nodes are wanted), then read scores, ranks and
 * changes from the result or write it (pa_result_write).
 *
 * Conventions:
 * - Every fallible call returns a pa_status and accepts an optional
 *   caller-allocated pa_error (may be NULL) that receives file, line,
 *   column and a message.
 * - Objects are opaque. A pointer returned through `**out` is owned by the
 *   caller and released with the matching *_free (which accepts NULL).
 *   Strings returned by accessors are borrowed: valid until the object
 *   they came from is freed.
 * - Missing numbers are NaN; absent ranks are 0.
 * - The library never prints, exits or aborts, and does not depend on the
 *   process locale.
 * - A data set is independent of the model it was read for: any model reading
 *   columns it has computes on it (since 0.4).
 * - A result is independent of the model and data set it was computed from:
 *   either may be freed, and the data set read further, while the result is
 *   in use. Distinct objects may be used from different threads; one object
 *   from several threads only for reading (a result's accessors and writers).
 * - Large files, sibling files and computations use the machine's cores (up
 *   to eight, or PINGAN_THREADS from the environment); results do not depend
 *   on the number of threads.
 */
#ifndef PINGAN_PINGAN_H
#define PINGAN_PINGAN_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(PA_BUILDING_LIBRARY)
#define PA_EXPORT __attribute__((visibility("default")))
#else
#define PA_EXPORT
#endif

/** Status of every fallible call. */
typedef enum pa_status {
    PA_OK = 0,        /**< success */
    PA_ERR_NOMEM,     /**< out of memory */
    PA_ERR_IO,        /**< a file could not be opened, read or written */
    PA_ERR_DATA,      /**< malformed or inconsistent data file */
    PA_ERR_MODEL,     /**< malformed or inconsistent model file */
    PA_ERR_COMPUTE,   /**< data that the model cannot score (e.g. 0 under a geometric mean) */
    PA_ERR_ARGUMENT   /**< a bad argument to an API call (unknown period, NULL pointer, …) */
} pa_status;

/** Details of a failure. Caller-allocated; every field is filled by the call that failed. */
typedef struct pa_error {
    pa_status status;
    char file[512];   /**< the file concerned, "" if none */
    long line;        /**< 1-based line, 0 if none */
    long column;      /**< 1-based column (CSV: field number; model: byte in line), 0 if none */
    char text[512];   /**< what is wrong, UTF-8, no trailing newline */
} pa_error;

/** Output formats of pa_result_write(). */
typedef enum pa_format {
    PA_FORMAT_CSV = 0,
    PA_FORMAT_JSON = 1
} pa_format;

typedef struct pa_model pa_model;   /**< indicators, hierarchy, weights and methods */
typedef struct pa_data pa_data;     /**< unit × period table of the columns a model needs */
typedef struct pa_result pa_result; /**< scores, ranks, bands and changes */

/** Library version, e.g. "0.1.0". Static string. */
PA_EXPORT const char *pa_version(void);

/** A static English description of a status. */
PA_EXPORT const char *pa_strerror(pa_status status);

/**
 * Format an error as "FILE:LINE:COLUMN: text" (parts that are absent are
 * left out) into buf. Returns the length it needed, like snprintf.
 */
PA_EXPORT int pa_error_format(const pa_error *err, char *buf, size_t size);

/* ---- model ---------------------------------------------------------- */

/** Load a model file (INI, see the model documentation). */
PA_EXPORT pa_status pa_model_load(pa_model **out, const char *path, pa_error *err);

/**
 * Parse a model from a NUL-terminated string. `name` is used in messages
 * and as the folder base for `meta =` tables (NULL: "<string>", current folder).
 */
PA_EXPORT pa_status pa_model_parse(pa_model **out, const char *text, const char *name,
                                   pa_error *err);

/** The built-in 平安+ model (the same as data/pingan.ini). */
PA_EXPORT pa_status pa_model_default(pa_model **out, pa_error *err);

PA_EXPORT void pa_model_free(pa_model *model);

/** Code of the top node. Borrowed. */
PA_EXPORT const char *pa_model_code(const pa_model *model);

/** Label of the top node (its code when it has none). Borrowed. */
PA_EXPORT const char *pa_model_label(const pa_model *model);

/* ---- a model changed in memory (since 0.4) ----------------------------
 * Every change is checked as the model file is: a value the file would refuse, or a model it
 * would refuse after the change, is an error, and the model is then left as it was. A value
 * refused is PA_ERR_ARGUMENT (no file or line); a model made inconsistent by the change is
 * PA_ERR_MODEL with the message a file would get. `node` is a node's code; NULL is the top
 * ([index]). A change affects results computed afterwards only. */

/** A copy of `model` that changes independently of it. Since 0.4. */
PA_EXPORT pa_status pa_model_copy(pa_model **out, const pa_model *model, pa_error *err);

/**
 * Set one key of a node's section ([index], [group CODE], [indicator CODE] or [penalty CODE])
 * as the model file writes it: `pa_model_set(m, "fires", "normalise", "zscore", &err)`,
 * `(m, NULL, "min_coverage", "0.5")`. Any key of the model file but `meta`; a key that is a
 * list (bands, reference_units) is replaced. Since 0.4.
 */
PA_EXPORT pa_status pa_model_set(pa_model *model, const char *node, const char *key,
                                 const char *value, pa_error *err);

/**
 * Set n keys of one node's section together, as pa_model_set() sets one, and check the model
 * once, after the last: a method and the parameter it needs go in one change
 * (`{"normalise", "ref_unit"}`, `{"n_dist2ref", "CHN"}`), which key by key would be refused at
 * the first. Any key refused, or the model refused afterwards, leaves the model as it was.
 * Since 0.5.
 */
PA_EXPORT pa_status pa_model_set_keys(pa_model *model, const char *node,
                                      const char *const *keys, const char *const *values,
                                      size_t n, pa_error *err);

/** A node's weight relative to its siblings (> 0). Since 0.4. */
PA_EXPORT pa_status pa_model_set_weight(pa_model *model, const char *node, double weight,
                                        pa_error *err);
/** An indicator's direction: 1 (higher is better) or -1. Since 0.4. */
PA_EXPORT pa_status pa_model_set_direction(pa_model *model, const char *node, int direction,
                                           pa_error *err);
/** An indicator's goalposts (lower < upper), for normalise = goalposts. Since 0.4. */
PA_EXPORT pa_status pa_model_set_goalposts(pa_model *model, const char *node, double lower,
                                           double upper, pa_error *err);
/** An indicator's target, for normalise = dist2targ. Since 0.4. */
PA_EXPORT pa_status pa_model_set_target(pa_model *model, const char *node, double target,
                                        pa_error *err);
/** An indicator's denominator column and `per` (the value is divided by column / per);
 *  column NULL: no denominator (denominate = no). Since 0.4. */
PA_EXPORT pa_status pa_model_set_denominator(pa_model *model, const char *node,
                                             const char *column, double per, pa_error *err);
/**
 * The normalisation of a node (an indicator, or a group or the top for the indicators that
 * inherit it) by its name in the model file, with its numeric parameters: minmax and
 * goalposts take the range (lower, upper), zscore mean and sd, n_scaled npar (l, u); the
 * others none. n_params 0 keeps the parameters the node has or inherits. Parameters of the
 * previous method written at that node, and at the nodes below it that inherit its method,
 * no longer count as written (a model file with the new method would have to drop them, or
 * be refused for parameters no method uses); their values stay for a later change back.
 * Since 0.4.
 */
PA_EXPORT pa_status pa_model_set_normalise(pa_model *model, const char *node, const char *method,
                                           const double *params, size_t n_params, pa_error *err);
/** The aggregation of a group or the top, likewise: genmean takes p; the others none. Since
 *  0.4. */
PA_EXPORT pa_status pa_model_set_aggregate(pa_model *model, const char *node, const char *method,
                                           const double *params, size_t n_params, pa_error *err);
/** Switch an indicator off: the model is as if its section were deleted (a group left without
 *  indicators is then an error, as in the file). Since 0.4. */
PA_EXPORT pa_status pa_model_remove_indicator(pa_model *model, const char *node, pa_error *err);

/* ---- data ----------------------------------------------------------- */

/**
 * An empty data set that reads the columns `model` needs, as `model` names its unit, name,
 * period and grouping columns. The data set holds its columns by name: any model whose
 * columns it has (a copy, an edited model, another file) computes on it, and `model` may be
 * freed before it (since 0.4; before, the model had to outlive it and be the one computing).
 */
PA_EXPORT pa_status pa_data_new(pa_data **out, const pa_model *model, pa_error *err);

PA_EXPORT void pa_data_free(pa_data *data);

/**
 * Read one CSV file and add its rows. The period comes from a period column
 * (the model's `period_column`, else one named year, period, date, 年份,
 * 月份 or 日期), else from the file name (".../2019.csv", "2019年.csv" →
 * "2019"), else the data has one period named "". A period is a year, a
 * quarter, a month or a day, read from the usual spellings (2019, 2019年,
 * 2019Q3, 2019-7, 2019/07, 201907, 2019年7月, 2019-07-15, 20190715, …) into
 * one of the forms "2019", "2019Q3", "2019-07" and "2019-07-15"; a cell of
 * the period column that is none of them is an error.
 */
PA_EXPORT pa_status pa_data_read_file(pa_data *data, const char *path, pa_error *err);

/**
 * Read CSV from memory. `name` is used in messages and as the file name
 * when the period comes from it (may be NULL).
 */
PA_EXPORT pa_status pa_data_read_buffer(pa_data *data, const char *bytes, size_t size,
                                        const char *name, pa_error *err);

/**
 * Read `path` and, when its name is a period ("2019.csv"), every sibling
 * file in the same folder whose name is an earlier period of the same form.
 * The files are read at once on the machine's cores; the rows, units and
 * messages are those of reading them one by one in period order: the first
 * file that fails adds nothing and ends the reading, earlier files stay.
 */
PA_EXPORT pa_status pa_data_read_with_siblings(pa_data *data, const char *path,
                                               pa_error *err);

/**
 * The files pa_data_read_with_siblings() reads for `path`, in the order it
 * reads them: the siblings by period, then `path` itself. Siblings are the
 * files of the same folder and extension whose names are earlier periods of
 * the same kind, spelled the same way (2019.csv brings 2018.csv, never
 * 2018-12.csv, 12.csv or 2018年.csv). A path that is not a regular file (a
 * pipe, /dev/fd/N) or whose name is no period stands alone. *out receives a
 * NULL-terminated array owned by the caller: free it with pa_paths_free().
 * Since 0.3.
 */
PA_EXPORT pa_status pa_data_siblings(const char *path, char ***out, pa_error *err);

/** Free an array from pa_data_siblings() (NULL is fine). Since 0.3. */
PA_EXPORT void pa_paths_free(char **paths);

/**
 * Read n files with the rows, units and messages of pa_data_read_file() on
 * each in turn, on the machine's cores: the first file that fails adds
 * nothing and ends the reading, the files before it stay. Since 0.3.
 */
PA_EXPORT pa_status pa_data_read_files(pa_data *data, const char *const *paths, size_t n,
                                       pa_error *err);

/**
 * An empty data set with the numeric columns named, for rows made in memory
 * (pa_data_add_rows) rather than read from files; any model whose columns it has computes on
 * it. Column names must be distinct and not empty (else PA_ERR_ARGUMENT). Since 0.4.
 */
PA_EXPORT pa_status pa_data_create(pa_data **out, const char *const *columns, size_t n_columns,
                                   pa_error *err);

/** Number of numeric columns of a data set, and the name of column j (borrowed; NULL when out
 *  of range): the order pa_data_add_rows() takes values in. Since 0.4. */
PA_EXPORT size_t pa_data_column_count(const pa_data *data);
PA_EXPORT const char *pa_data_column_name(const pa_data *data, size_t j);

/**
 * Add n rows made in memory (to any data set, made by pa_data_create or pa_data_new). Row i is
 * unit units[i] in period periods[i] (a spelling pa_data_read_file accepts, kept in its
 * canonical form; periods NULL: every row has the period ""), with value columns[j][i] in
 * column j for every column of the data set (NaN: missing). names (may be NULL, as may an
 * entry) gives units display names (the first one given is kept); groups (may be NULL) the
 * row's value of the grouping column that group_mean / group_median impute within. Messages
 * about these rows name the file "<memory>" and, as the line, the row's place in the data set
 * (1 = its first row). A NULL unit or an empty one, a period that is none, or an infinite
 * value is PA_ERR_ARGUMENT naming the row, and nothing is added. Since 0.4.
 */
PA_EXPORT pa_status pa_data_add_rows(pa_data *data, size_t n, const char *const *units,
                                     const char *const *names, const char *const *periods,
                                     const char *const *groups, const double *const *columns,
                                     pa_error *err);

/** Number of data rows read so far. */
PA_EXPORT size_t pa_data_row_count(const pa_data *data);

/** Notes left by reading (not errors): e.g. a column missing from one file. Since 0.3. */
PA_EXPORT size_t pa_data_note_count(const pa_data *data);

/** Note i as file, line, column and text (status PA_OK). Returns PA_ERR_ARGUMENT when i is out
 * of range. out is caller-allocated, as for errors. Since 0.3. */
PA_EXPORT pa_status pa_data_note(const pa_data *data, size_t i, pa_error *out);

/* ---- compute ---------------------------------------------------------- */

/**
 * Run the whole pipeline: denominate → impute → screen → treat → transform →
 * normalise → aggregate (with penalty points), then ranks, bands and changes
 * against the previous period. The result keeps the raw values by sharing
 * the data set's columns, not by copying them; it stays valid after
 * pa_data_free().
 */
PA_EXPORT pa_status pa_compute(pa_result **out, const pa_model *model, const pa_data *data,
                               pa_error *err);

/**
 * pa_compute for large panels, where memory matters: the result holds the
 * nodes named in `nodes` (codes; every node when n_nodes is 0), and the data
 * set is consumed. Its columns pass to the result or go as soon as the
 * computation has used them, other nodes' scores go as soon as their parent
 * has them, and `data` is freed when the call returns, whether it succeeds or
 * fails. The numbers of the nodes held are those of pa_compute; of the other
 * nodes the result reads as missing (scores, values and changes NaN, rank 0,
 * no band, flags 0), and pa_result_write() without a node list writes the
 * nodes held. An unknown code is PA_ERR_ARGUMENT. Since 0.2.
 */
PA_EXPORT pa_status pa_compute_nodes(pa_result **out, const pa_model *model, pa_data *data,
                                     const char *const *nodes, size_t n_nodes, pa_error *err);

PA_EXPORT void pa_result_free(pa_result *result);

/* ---- an engine: one data set scored again and again (since 0.5) --------
 * An engine keeps what each step produced for a data set (rates, imputed, screened, treated
 * and normalised values, aggregated nodes), keyed by the settings each depends on, so that a
 * model changed in memory is scored again from the first step its change reaches: a weight
 * changed re-aggregates only, one indicator's normalisation re-normalises that indicator
 * only. Results are those of pa_compute() on the same model and data, bit for bit. */
typedef struct pa_engine pa_engine;

/**
 * A new engine for `data`, which it borrows: the data set must outlive the engine. Rows added
 * to the data set later are seen (the stages kept are then forgotten). An engine is used by
 * one thread at a time; its computations run on one pool of worker threads made here.
 * Since 0.5.
 */
PA_EXPORT pa_status pa_engine_new(pa_engine **out, const pa_data *data, pa_error *err);

/** Since 0.5. NULL is fine. Results computed by the engine stay valid after it. */
PA_EXPORT void pa_engine_free(pa_engine *engine);

/**
 * pa_compute() of `model` on the engine's data, reusing the stages an earlier call produced
 * with the same settings. Fails as pa_compute() does; a failure keeps the stages of earlier
 * calls. *out is owned by the caller (pa_result_free). Since 0.5.
 */
PA_EXPORT pa_status pa_engine_compute(pa_engine *engine, const pa_model *model,
                                      pa_result **out, pa_error *err);


/**
 * Compare every period with `period` instead of the one before it
 * (NULL restores the default). PA_ERR_ARGUMENT when the period is unknown.
 */
PA_EXPORT pa_status pa_result_set_base(pa_result *result, const char *period, pa_error *err);

/** How pa_result_set_compare() chooses the base of every period's changes. Since 0.3. */
typedef enum pa_compare {
    PA_COMPARE_PREVIOUS = 0, /**< 环比: the period before it in the data (the default) */
    PA_COMPARE_YEAR = 1,     /**< 同比: the same quarter, month or day one year earlier (for a
                              *   year, the year before): 2020-02 against 2019-02 */
    PA_COMPARE_MEAN = 2      /**< the mean of the k periods immediately before it in the data */
} pa_compare;

/**
 * Choose the base of every period's changes (replaces pa_result_set_base). Where the base
 * is absent — not in the data (2020-02-29 has no 2019-02-29, the first k periods have no
 * k before them), or a value or score missing in it — the change is NaN, never a change
 * against another period. PA_COMPARE_MEAN averages a unit's values (and scores) over the
 * k periods, and is NaN when any of the k is missing, so that every change of a period
 * has the same base. `k` is read for PA_COMPARE_MEAN only and must be at least 1.
 * PA_COMPARE_YEAR needs periods of the forms 2019, 2019Q3, 2019-07 or 2019-07-15.
 * PA_ERR_ARGUMENT for an unknown `how`, k = 0, or a period of another form. Since 0.3.
 */
PA_EXPORT pa_status pa_result_set_compare(pa_result *result, pa_compare how, unsigned k,
                                          pa_error *err);

/**
 * The base of `period`'s changes, as the CSV and JSON outputs name it: a period ("2019-02"),
 * or "mean:FIRST..LAST" for a mean over the periods of the data from FIRST to LAST; NULL when
 * the period has none. Borrowed: valid until the next pa_result_set_base/_set_compare or
 * pa_result_free. Since 0.3.
 */
PA_EXPORT const char *pa_result_base_label(const pa_result *result, size_t period);

/**
 * What changes are measured against for a cell: the indicator's raw value in the base period,
 * or its mean over the periods of a mean base; NaN for groups, or when there is none. Since 0.3.
 */
PA_EXPORT double pa_result_base_value(const pa_result *r, size_t unit, size_t period,
                                      size_t node);

PA_EXPORT size_t pa_result_unit_count(const pa_result *result);
PA_EXPORT const char *pa_result_unit_code(const pa_result *result, size_t unit);
/** Display name of a unit (its code when the data has no name column). */
PA_EXPORT const char *pa_result_unit_name(const pa_result *result, size_t unit);

/**
 * Units in a hierarchy (the model's [units]): the level of a unit, 0 for the top (the city)
 * and one more at each step down; 0 for every unit of a result without [units]. Units are
 * ordered by level, top first. Since 0.5.
 */
PA_EXPORT size_t pa_result_unit_level(const pa_result *result, size_t unit);
/** The number of levels (1 without [units]) and the name of one (borrowed, valid while the
 * result lives; NULL without [units] or out of range). Since 0.5. */
PA_EXPORT size_t pa_result_level_count(const pa_result *result);
PA_EXPORT const char *pa_result_level_name(const pa_result *result, size_t level);
/** The unit a unit rolls up into, or (size_t)-1 at the top and without [units]. Since 0.5. */
PA_EXPORT size_t pa_result_unit_parent(const pa_result *result, size_t unit);

/** Periods in ascending order. */
PA_EXPORT size_t pa_result_period_count(const pa_result *result);
PA_EXPORT const char *pa_result_period(const pa_result *result, size_t period);
/** Index of a period by name, or (size_t)-1. */
PA_EXPORT size_t pa_result_period_find(const pa_result *result, const char *period);
/** The period changes are measured against for `period`, or (size_t)-1 for none (also when
 *  they are measured against a mean of several periods). */
PA_EXPORT size_t pa_result_base_of(const pa_result *result, size_t period);

/** Nodes: indicators first, then each level up to the index; penalty rows last. */
PA_EXPORT size_t pa_result_node_count(const pa_result *result);
PA_EXPORT const char *pa_result_node_code(const pa_result *result, size_t node);
PA_EXPORT const char *pa_result_node_label(const pa_result *result, size_t node);
/** Measurement unit of an indicator ("" for groups). */
PA_EXPORT const char *pa_result_node_unit(const pa_result *result, size_t node);
/** 1 for indicators, one more at each step up; the index has the highest; 0 for penalties. */
PA_EXPORT int pa_result_node_level(const pa_result *result, size_t node);
/** Index of the parent node, or (size_t)-1 for the top. */
PA_EXPORT size_t pa_result_node_parent(const pa_result *result, size_t node);
/** Weight of a node as a share of its siblings' (they sum to 1); 1 for the top, NaN for penalties. */
PA_EXPORT double pa_result_node_weight(const pa_result *result, size_t node);
/**
 * The weight a node had in `period`: its share among those of its siblings that have a score
 * for some unit in that period — a node no unit has a score for (an indicator empty in every
 * row) has 0, and its weight goes to its siblings, as the mean of the children present gives
 * it. 1 for the top when some unit has a score; NaN for penalty rows and out of range. (A unit
 * missing one child shifts the weights further for that unit alone.) Since 0.3.
 */
PA_EXPORT double pa_result_node_period_weight(const pa_result *result, size_t period,
                                              size_t node);
/** Index of a node by code, or (size_t)-1. */
PA_EXPORT size_t pa_result_node_find(const pa_result *result, const char *code);

/** Whether a node is a penalty row (points taken off its parent's score). */
PA_EXPORT int pa_result_node_is_penalty(const pa_result *result, size_t node);

/** What happened to a cell; a bit set returned by pa_result_flags(). */
typedef enum pa_flag {
    PA_FLAG_IMPUTED = 1,          /**< the indicator value was imputed */
    PA_FLAG_WINSORISED_HIGH = 2,  /**< winsorised at the high end */
    PA_FLAG_WINSORISED_LOW = 4,   /**< winsorised at the low end */
    PA_FLAG_LOG_CT = 8,           /**< the indicator was log_CT-transformed */
    PA_FLAG_BOXCOX = 16,          /**< the indicator was Box-Cox-transformed */
    PA_FLAG_SCREENED = 32,        /**< the unit was screened out (coverage below min_coverage) */
    PA_FLAG_LOW_COVERAGE = 64     /**< too few children present for the node's min_coverage */
} pa_flag;

PA_EXPORT unsigned pa_result_flags(const pa_result *r, size_t unit, size_t period, size_t node);

/** Share of indicators present for a unit in a period (after imputation); NaN with no row. */
PA_EXPORT double pa_result_coverage(const pa_result *r, size_t unit, size_t period);

/** Raw value of an indicator (before denomination); NaN for groups or when missing.
 *  For a penalty row: the raw value of its column. */
PA_EXPORT double pa_result_value(const pa_result *r, size_t unit, size_t period, size_t node);
/** The rate an indicator is scored on: its value after denomination (value / (denominator /
 *  per)) and imputation — an imputed cell has the imputed rate —, before treatment
 *  (winsorising) and transform (log); the raw value for an indicator without a denominator.
 *  NaN for groups and penalty rows, when missing, and for indicators pa_compute_nodes did not
 *  hold. Since 0.3. */
PA_EXPORT double pa_result_rate(const pa_result *r, size_t unit, size_t period, size_t node);
/** Normalised (indicator) or aggregated (group, index) score; NaN when missing.
 *  For a penalty row: minus the points taken off. */
PA_EXPORT double pa_result_score(const pa_result *r, size_t unit, size_t period, size_t node);
/** 1 = best in that period and node; ties share the minimum rank; 0 = not ranked. */
PA_EXPORT long pa_result_rank(const pa_result *r, size_t unit, size_t period, size_t node);
/** Band label and colour of the score, or NULL when there is no band or no score. */
PA_EXPORT const char *pa_result_band(const pa_result *r, size_t unit, size_t period,
                                     size_t node, const char **colour);
/** Value change in percent against the base period; NaN when undefined (a side missing,
 *  a base of 0, or a change beyond the range of doubles). */
PA_EXPORT double pa_result_value_change_pct(const pa_result *r, size_t unit, size_t period,
                                            size_t node);
/** Score change in points and in percent against the base period; NaN when undefined
 *  (as for the value change). */
PA_EXPORT double pa_result_score_change(const pa_result *r, size_t unit, size_t period,
                                        size_t node);
PA_EXPORT double pa_result_score_change_pct(const pa_result *r, size_t unit, size_t period,
                                            size_t node);

/* ---- output ----------------------------------------------------------- */

/** What pa_result_write() writes. Zero-initialise, then set what you need. */
typedef struct pa_write_options {
    const char *period;        /**< only this period (NULL: every period) */
    const char *const *nodes;  /**< only these node codes (NULL: every node) */
    size_t n_nodes;
} pa_write_options;

/**
 * Write the result as CSV or JSON to `out` (opts may be NULL). Numbers are
 * written in the shortest form that reads back to the same double.
 */
PA_EXPORT pa_status pa_result_write(const pa_result *result, FILE *out, pa_format format,
                                    const pa_write_options *opts, pa_error *err);

/* ---- statistics (Since 0.4) ------------------------------------------- */

/**
 * Statistics of the values as they enter normalisation (after denomination, imputation,
 * screening, treatment and transform): per indicator, correlations, Cronbach's alpha and
 * principal components per group of indicators. Independent of the model and data set it was
 * computed from, like a result. Since 0.4.
 */
typedef struct pa_stats pa_stats;

/** Correlation coefficients. Since 0.4. */
typedef enum pa_corr_method { PA_CORR_PEARSON = 0, PA_CORR_SPEARMAN = 1 } pa_corr_method;

/** One statistic of an indicator, for pa_stats_indicator(). Since 0.4. */
typedef enum pa_stat {
    PA_STAT_MIN, PA_STAT_MAX, PA_STAT_MEAN, PA_STAT_MEDIAN,
    PA_STAT_SD,          /**< standard deviation, n - 1 */
    PA_STAT_SKEW,        /**< COINr's sample skewness (NaN below 3 values) */
    PA_STAT_KURT,        /**< COINr's sample excess kurtosis (NaN below 4 values) */
    PA_STAT_N_AVAIL,     /**< values present */
    PA_STAT_N_NONZERO,   /**< values present and not 0 */
    PA_STAT_N_UNIQUE,    /**< distinct values */
    PA_STAT_N_SAME,      /**< the most values that are equal to each other */
    PA_STAT_FRAC_AVAIL,  /**< n_avail / units */
    PA_STAT_FRAC_NONZERO,/**< n_nonzero / n_avail */
    PA_STAT_FRAC_UNIQUE, /**< n_unique / n_avail */
    PA_STAT_FRAC_SAME    /**< n_same / n_avail */
} pa_stat;

/** COINr's flags of an indicator (bit set of pa_stats_indicator_flags()). Since 0.4. */
typedef enum pa_stats_flag {
    PA_STATS_LOW_AVAIL = 1,   /**< frac_avail < 0.65 */
    PA_STATS_LOW_NONZERO = 2, /**< n_nonzero / units < 0.5 */
    PA_STATS_LOW_UNIQUE = 4,  /**< n_unique / units < 0.5 */
    PA_STATS_SKEW_KURT = 8    /**< |skew| > 2 and kurt > 3.5: outliers likely */
} pa_stats_flag;

/**
 * Statistics of the values entering normalisation for `period` (NULL: the latest), or of
 * every period when the model's scope is panel. Units without a row in the period, screened
 * out or reference units are not counted. Runs the whole pipeline as well, for the
 * correlations of each node with its parent (on scores), and fails as pa_compute() does.
 * PA_ERR_ARGUMENT for an unknown period. *out is owned by the caller (pa_stats_free).
 * Since 0.4.
 */
PA_EXPORT pa_status pa_stats_compute(pa_stats **out, const pa_model *model, const pa_data *data,
                                     const char *period, pa_error *err);
/** Since 0.4. NULL is fine. */
PA_EXPORT void pa_stats_free(pa_stats *stats);
/** The period the statistics are of (borrowed). Since 0.4. */
PA_EXPORT const char *pa_stats_period(const pa_stats *stats);
/** Units counted: (unit, period) rows with the model's scope = panel. Since 0.4. */
PA_EXPORT size_t pa_stats_unit_count(const pa_stats *stats);
/** Indicators, in the model's result order. Since 0.4. */
PA_EXPORT size_t pa_stats_indicator_count(const pa_stats *stats);
/** Code of indicator i (borrowed). Since 0.4. */
PA_EXPORT const char *pa_stats_indicator_code(const pa_stats *stats, size_t i);
/** Code of the group of indicator i (borrowed). Since 0.4. */
PA_EXPORT const char *pa_stats_indicator_group(const pa_stats *stats, size_t i);
/** Statistic `what` of indicator i; NaN when undefined or out of range. Since 0.4. */
PA_EXPORT double pa_stats_indicator(const pa_stats *stats, size_t i, pa_stat what);
/** Flags of indicator i (pa_stats_flag bits). Since 0.4. */
PA_EXPORT unsigned pa_stats_indicator_flags(const pa_stats *stats, size_t i);
/** Direction of indicator i (1 or -1; 0 out of range): a correlation times both indicators'
 *  directions is what pa_stats_corr_flag judges. Since 0.5. */
PA_EXPORT int pa_stats_indicator_direction(const pa_stats *stats, size_t i);
/** Correlation of indicators i and j over the units that have both; NaN: undefined (fewer than
 *  two such units, a constant column) or out of range. Since 0.4. */
PA_EXPORT double pa_stats_corr(const pa_stats *stats, pa_corr_method how, size_t i, size_t j);
/**
 * Flag of a pair inside a group: 1 when the correlation, with both indicators' directions
 * applied, is above 0.9 (redundant), -1 when it is below 0 (pulling apart), 0 otherwise and for
 * pairs of different groups. Since 0.4.
 */
PA_EXPORT int pa_stats_corr_flag(const pa_stats *stats, pa_corr_method how, size_t i, size_t j);
/** Nodes below the top, each with its parent: pa_stats_parent_corr(). Since 0.4. */
PA_EXPORT size_t pa_stats_parent_count(const pa_stats *stats);
/** Correlation of the scores of the k-th node below the top with its parent's (NaN:
 *  undefined); *node and *parent (may be NULL) receive borrowed codes. Since 0.4. */
PA_EXPORT double pa_stats_parent_corr(const pa_stats *stats, pa_corr_method how, size_t k,
                                      const char **node, const char **parent);
/** Groups whose children are indicators: Cronbach's alpha and PCA. Since 0.4. */
PA_EXPORT size_t pa_stats_group_count(const pa_stats *stats);
/** Code of group g (borrowed). Since 0.4. */
PA_EXPORT const char *pa_stats_group_code(const pa_stats *stats, size_t g);
/** Number of indicators of group g. Since 0.4. */
PA_EXPORT size_t pa_stats_group_size(const pa_stats *stats, size_t g);
/** The c-th indicator of group g, as an indicator index of the statistics. Since 0.4. */
PA_EXPORT size_t pa_stats_group_member(const pa_stats *stats, size_t g, size_t c);
/** Cronbach's alpha of group g (pairwise covariances, as COINr); NaN: undefined. Since 0.4. */
PA_EXPORT double pa_stats_group_alpha(const pa_stats *stats, size_t g);
/** Units with every indicator of group g present: those its PCA uses. Since 0.4. */
PA_EXPORT size_t pa_stats_group_complete(const pa_stats *stats, size_t g);
/** Share of the variance of group g's component c (0 = PC1), largest first; NaN when the PCA is
 *  undefined (fewer than two complete units, a constant indicator). Since 0.4. */
PA_EXPORT double pa_stats_group_share(const pa_stats *stats, size_t g, size_t c);
/** PC1 loading of the c-th indicator of group g (unit eigenvector of the correlation matrix,
 *  its largest entry in absolute value positive); NaN as for the share. Since 0.4. */
PA_EXPORT double pa_stats_group_loading(const pa_stats *stats, size_t g, size_t c);
/** Write the statistics as CSV (one table, see the documentation) or JSON. Since 0.4. */
PA_EXPORT pa_status pa_stats_write(const pa_stats *stats, FILE *out, pa_format format,
                                   pa_error *err);

/* ---- why it moved (Since 0.5) ----------------------------------------- */

/**
 * Why a node's score moved: for every unit, the change of the node's score between a period
 * and its base (as pa_result_base_label names it, set by pa_result_set_base / _set_compare)
 * split into one contribution per indicator and penalty row below the node, that add up to
 * the change (to rounding, 1e-9). Each node splits its own change among its children —
 * effective weights for arithmetic means, log-additive shares for geometric ones, exact
 * Shapley values otherwise (other means, a child present in one period only) — and a child's
 * part is split among its children by the same rule; a group present in one period only keeps
 * its part as one row. It explains the aggregation of the normalised scores the result holds
 * (doc/methods.md). Since 0.5.
 */
typedef struct pa_explain pa_explain;

/**
 * Explain `node` (a code; NULL: the top) in `period` (NULL: the latest) of `result`, which
 * `model` computed (the model gives the aggregation methods; a model changed since is
 * PA_ERR_ARGUMENT). PA_ERR_ARGUMENT as well for an unknown node or period, a period without
 * a base, a result of pa_compute_nodes that does not hold every node, or a Copeland node (its
 * score counts wins over other units). PA_ERR_COMPUTE when more than 20 children of a node
 * moved where Shapley values are needed (2^n means each). *out is owned by the caller
 * (pa_explain_free) and borrows `result`, which must outlive it. Since 0.5.
 */
PA_EXPORT pa_status pa_explain_compute(pa_explain **out, const pa_model *model,
                                       const pa_result *result, const char *node,
                                       const char *period, pa_error *err);
/** Since 0.5. NULL is fine. */
PA_EXPORT void pa_explain_free(pa_explain *explain);
/** The result explained (borrowed). Since 0.5. */
PA_EXPORT const pa_result *pa_explain_result(const pa_explain *explain);
/** The node explained and its period, as result indices. Since 0.5. */
PA_EXPORT size_t pa_explain_node(const pa_explain *explain);
PA_EXPORT size_t pa_explain_period(const pa_explain *explain);
/** The node's change for a unit (result index); NaN when it has none (then no rows). Since 0.5. */
PA_EXPORT double pa_explain_change(const pa_explain *explain, size_t unit);
/** Rows: by unit, then in the result's node order (indicators, groups present in one period
 *  only, penalty rows). Since 0.5. */
PA_EXPORT size_t pa_explain_count(const pa_explain *explain);
/** Unit of row i (result index; (size_t)-1 out of range). Since 0.5. */
PA_EXPORT size_t pa_explain_unit(const pa_explain *explain, size_t i);
/** The indicator, penalty row or group of row i (result node index). Since 0.5. */
PA_EXPORT size_t pa_explain_indicator(const pa_explain *explain, size_t i);
/** Contribution of row i to the node's change, in points. Since 0.5. */
PA_EXPORT double pa_explain_contribution(const pa_explain *explain, size_t i);
/** Contribution / the node's change (NaN when the change is 0). Since 0.5. */
PA_EXPORT double pa_explain_share(const pa_explain *explain, size_t i);
/**
 * Write as CSV (`unit,name,period,base,node,indicator,value_change_pct,score_change,
 * contribution,share,node_change`) or JSON (`{"period","base","node","units":[{"unit","name",
 * "change","contributions":[{"indicator","label","value_change_pct","score_change",
 * "contribution","share"}]}]}`). Since 0.5.
 */
PA_EXPORT pa_status pa_explain_write(const pa_explain *explain, FILE *out, pa_format format,
                                     pa_error *err);
/* ---- uncertainty and sensitivity (Since 0.5) ---------------------------- */

/** Where the model's [uncertainty] section starts (its line), 0 when it has none. Since 0.5. */
PA_EXPORT long pa_model_uncertainty_line(const pa_model *model);

typedef struct pa_uncertainty pa_uncertainty; /**< the rank statistics of many runs */

/** What pa_uncertainty_run() and pa_sensitivity_run() report. Zero-initialise. Since 0.5. */
typedef struct pa_uncertainty_options {
    const char *period;        /**< the period ranked (NULL: the latest) */
    const char *node;          /**< the node ranked (NULL: the index) */
} pa_uncertainty_options;

/**
 * n Monte Carlo runs of `model` on `data` over the model's [uncertainty] section: each run
 * draws every input (each level's weight noise, each step's alternative, the indicator left
 * out) and ranks the units; a run the model cannot score is counted (pa_uncertainty_failed)
 * and left out, and only when every run fails is it PA_ERR_COMPUTE. PA_ERR_MODEL (with the
 * line) for a section that does not fit the model, PA_ERR_ARGUMENT for n = 0, no section, an
 * unknown period or node. Runs on the machine's threads; the same model, data and seed give
 * the same statistics whatever their number. opts may be NULL. *out is owned by the caller
 * (pa_uncertainty_free). Since 0.5.
 */
PA_EXPORT pa_status pa_uncertainty_run(pa_uncertainty **out, const pa_model *model,
                                       const pa_data *data, size_t n,
                                       const pa_uncertainty_options *opts, pa_error *err);
/**
 * A Saltelli design of base sample n over the d inputs of [uncertainty] (n·(d + 2) runs, d ≥ 2):
 * Jansen's first-order and total Sobol indices of each input for the mean absolute rank shift
 * against the nominal ranks, with bootstrap 95 % intervals (pa_uncertainty_sobol), and the rank
 * statistics of the 2n runs of the two base samples. Otherwise as pa_uncertainty_run().
 * Since 0.5.
 */
PA_EXPORT pa_status pa_sensitivity_run(pa_uncertainty **out, const pa_model *model,
                                       const pa_data *data, size_t n,
                                       const pa_uncertainty_options *opts, pa_error *err);
/** Since 0.5. NULL is fine. */
PA_EXPORT void pa_uncertainty_free(pa_uncertainty *u);
/** Runs made, and those of them that failed. Since 0.5. */
PA_EXPORT size_t pa_uncertainty_runs(const pa_uncertainty *u);
PA_EXPORT size_t pa_uncertainty_failed(const pa_uncertainty *u);
/** "sobol" (GSL's quasi-random sequence) or "random" (MT19937 from the seed): how the inputs
 *  were drawn. Static string. Since 0.5. */
PA_EXPORT const char *pa_uncertainty_points(const pa_uncertainty *u);
/** The period and node ranked (borrowed). Since 0.5. */
PA_EXPORT const char *pa_uncertainty_period(const pa_uncertainty *u);
PA_EXPORT const char *pa_uncertainty_node(const pa_uncertainty *u);
/** Units, in the result's order, with their codes and names (borrowed; the name may be NULL).
 *  Since 0.5. */
PA_EXPORT size_t pa_uncertainty_unit_count(const pa_uncertainty *u);
PA_EXPORT const char *pa_uncertainty_unit_code(const pa_uncertainty *u, size_t unit);
PA_EXPORT const char *pa_uncertainty_unit_name(const pa_uncertainty *u, size_t unit);

/** A unit's statistics over the runs (ranks: 1 = best). Since 0.5. */
typedef enum pa_unc_stat {
    PA_UNC_NOMINAL_SCORE, PA_UNC_NOMINAL_RANK, PA_UNC_MEAN_RANK, PA_UNC_MEDIAN_RANK,
    PA_UNC_RANK_P05, PA_UNC_RANK_P95, PA_UNC_SCORE_P05, PA_UNC_SCORE_P95
} pa_unc_stat;
/** Statistic `what` of a unit (percentiles as R's quantile type 7); NaN when the unit is not
 *  ranked (nominally or in any run) or out of range. Since 0.5. */
PA_EXPORT double pa_uncertainty_stat(const pa_uncertainty *u, size_t unit, pa_unc_stat what);
/** The uncertain inputs, in the section's order ("weights level 2", "normalise", "drop_one"),
 *  borrowed. Since 0.5. */
PA_EXPORT size_t pa_uncertainty_input_count(const pa_uncertainty *u);
PA_EXPORT const char *pa_uncertainty_input_name(const pa_uncertainty *u, size_t i);

/** Sobol indices of an input and their bootstrap 95 % intervals. Since 0.5. */
typedef enum pa_sobol_stat {
    PA_SOBOL_FIRST, PA_SOBOL_TOTAL, PA_SOBOL_FIRST_LO, PA_SOBOL_FIRST_HI, PA_SOBOL_TOTAL_LO,
    PA_SOBOL_TOTAL_HI
} pa_sobol_stat;
/** NaN for an uncertainty run, or when the output does not vary. Since 0.5. */
PA_EXPORT double pa_uncertainty_sobol(const pa_uncertainty *u, size_t i, pa_sobol_stat what);
/** CPU seconds spent writing the draws' inputs into working models and in pa_engine_compute(),
 *  summed over the threads (either pointer may be NULL). Since 0.5. */
PA_EXPORT void pa_uncertainty_times(const pa_uncertainty *u, double *setup, double *compute);
/** 1 when the percentiles (median, 5 and 95 % rank and score) are estimated in bounded memory
 *  (P², doc/methods.md §14) because the runs × units kept exactly would pass 64 MiB; the mean
 *  rank is exact either way. 0 when exact, or for NULL. Since 0.5. */
PA_EXPORT int pa_uncertainty_estimated(const pa_uncertainty *u);
/**
 * CSV: one row per unit, `unit,name,period,node,nominal_score,nominal_rank,mean_rank,
 * median_rank,rank_p05,rank_p95,score_p05,score_p95,runs,failed,percentiles` (the last `exact`
 * or `estimated`); for a sensitivity run the
 * indices instead, `input,first_order,total,first_lo,first_hi,total_lo,total_hi`. JSON: both,
 * with the runs, failures, points and percentiles. Since 0.5.
 */
PA_EXPORT pa_status pa_uncertainty_write(const pa_uncertainty *u, FILE *out, pa_format format,
                                         pa_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PINGAN_PINGAN_H */
