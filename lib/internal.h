/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by the modules of libpingan. */
#ifndef PA_INTERNAL_H
#define PA_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "pingan/pingan.h"

#define PA_NONE ((size_t)-1)

/* ---- allocation seam: every allocation of the library goes through here ---- */
void *pa_malloc(size_t n);
void *pa_calloc(size_t n, size_t size);
void *pa_realloc(void *p, size_t n);
void *pa_reallocarray(void *p, size_t n, size_t size);
void pa_free(void *p);
char *pa_strdup(const char *s);
char *pa_strndup(const char *s, size_t n);
/* Test hook: fail the Nth allocation from now on (0 disables). Returns allocations counted. */
PA_EXPORT long pa__alloc_fail_at(long n);

/* ---- a parallel for over independent tasks (results do not depend on the thread count) ---- */
typedef pa_status (*pa_task_fn)(void *ctx, size_t task, pa_error *err);
pa_status pa_parallel_for(size_t n, pa_task_fn fn, void *ctx, pa_error *err);
/* Worker threads made once (pool.c). pa_parallel_for on the thread that called pa_pool_use(p)
 * runs on p's workers; pa_pool_use returns the pool used before (NULL: threads per call). */
typedef struct pa_pool pa_pool;
pa_status pa_pool_new(pa_pool **out, pa_error *err);
void pa_pool_free(pa_pool *p);
pa_pool *pa_pool_use(pa_pool *p);
/* The machine's cores (at most 8), or PINGAN_THREADS when set. */
size_t pa_thread_count(void);

/* ---- errors ---- */
pa_status pa_fail(pa_error *err, pa_status st, const char *file, long line, long col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* pa_fail with its arguments as a va_list (notes are filled the same way). */
pa_status pa_vfail(pa_error *err, pa_status st, const char *file, long line, long col,
                   const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
pa_status pa_nomem(pa_error *err);

/* ---- numbers ---- */
locale_t pa_c_locale(void);
/* 1: missing token (empty, NA, N/A, -, —, null, Excel's #N/A); 0 otherwise. */
int pa_is_missing(const char *s, size_t len);
/* Strict decimal number: 0 ok, -1 not a number, -2 out of range. Surrounding blanks allowed. */
int pa_parse_number(const char *s, size_t len, double *out);
/* A data cell as a spreadsheet writes it, once pa_parse_number said no: full-width digits and
 * signs, Unicode blanks, thousands groups of three ("1,234,567.5"), with sep ';' a decimal
 * comma ("1,5", "1.234,5"); what it is when it is no number, for the message. */
typedef enum pa_cell {
    PA_CELL_NUMBER, PA_CELL_MISSING, PA_CELL_NOT_NUMBER, PA_CELL_RANGE, PA_CELL_PERCENT,
    PA_CELL_SUFFIX, PA_CELL_GROUPING, PA_CELL_SHEET_ERROR
} pa_cell;
pa_cell pa_parse_cell(const char *s, size_t len, int sep, double *out);
/* The usual data cell, a count: 1 to 15 digits and nothing else, exact as a double. 1 when s
 * is one (its value in *out), else 0 and pa_parse_number decides. Inline for the CSV reader,
 * which meets millions of them. */
static inline int
pa_parse_count(const char *s, size_t len, double *out)
{
    if (len == 0 || len > 15)
        return 0;
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned dg = (unsigned)(unsigned char)s[i] - '0';
        if (dg > 9)
            return 0;
        n = n * 10 + dg;
    }
    *out = (double)n;
    return 1;
}
/* The decimal digits of n < 10^18 at q, which has room for 18 bytes (those after the digits
 * may be overwritten); returns their end. */
char *pa_put_uint(char *q, uint64_t n);
/* Shortest text that reads back to the same double. buf >= 32; given 48 bytes or more, the
 * digits are copied straight in and any of the 48 bytes after the text may be overwritten. */
int pa_format_number(double v, char *buf, size_t size);
/* Compare two period names in time order: run by run, runs of digits by their value (see
 * number.c); a total order. */
int pa_period_cmp(const char *a, const char *b);

/* ---- periods (period.c) ---- */
typedef enum pa_period_kind {
    PA_PERIOD_NONE = 0, PA_PERIOD_YEAR, PA_PERIOD_QUARTER, PA_PERIOD_MONTH, PA_PERIOD_DAY
} pa_period_kind;
enum { PA_PERIOD_TEXT = 11 }; /* "2019-07-15" and its NUL */
/* Reads a spelling of a period (2019, 2019年, 2019Q3, 2019-Q3, 2019年第3季度, 2019-07, 2019-7,
 * 2019/07, 2019.07, 201907, 2019年7月, 2019-07-15, 20190715, 2019年7月15日) into its canonical
 * form (2019, 2019Q3, 2019-07, 2019-07-15); PA_PERIOD_NONE when the text is no period. */
pa_period_kind pa_period_parse(const char *s, size_t len, char out[PA_PERIOD_TEXT]);
/* The kind of a canonical period ("" and anything else: PA_PERIOD_NONE). */
pa_period_kind pa_period_kind_of(const char *canonical);
/* A canonical period's place in time, in its kind's steps (years, quarters, months or days
 * since year 0): one step apart for neighbours, so differences measure gaps. 0 for "". */
double pa_period_ordinal(const char *canonical);
/* "a year", "a month", ... for messages. */
const char *pa_period_kind_name(pa_period_kind k);
/* Whether two spellings differ only in their digits (2019-7 and 2019-10; not 2019 and 2019年). */
int pa_period_same_spelling(const char *a, size_t alen, const char *b, size_t blen);

/* ---- string → index map (open addressing) ---- */
typedef struct pa_strblock pa_strblock;
typedef struct pa_strmap {
    char **keys;      /* by index, into the blocks of text */
    size_t n, cap_keys;
    uint64_t *slots;  /* key hash << 32 | index+1, 0 = empty: probes and growth compare and
                       * place by the hash, and read a key's text only when it matches */
    size_t n_slots;
    pa_strblock *text; /* the newest block of key text (strmap.c) */
} pa_strmap;
void pa_strmap_free(pa_strmap *m);
size_t pa_strmap_find(const pa_strmap *m, const char *key, size_t len);
/* Index of key, adding it when new; PA_NONE when out of memory. */
size_t pa_strmap_intern(pa_strmap *m, const char *key, size_t len, int *added);
/* Adds key at the end without looking for it: the map is then a list (find no longer works),
 * which a reader makes when it only needs codes in order of appearance. */
size_t pa_strmap_append(pa_strmap *m, const char *key, size_t len);
/* Forget every key added after the first n (used to undo a file that failed). */
void pa_strmap_truncate(pa_strmap *m, size_t n);

/* ---- CSV reading (libcsv), UTF-8, GB18030 or UTF-16 with a BOM ---- */
/* Fields that go straight into number columns when their text is a count (pa_parse_count),
 * without a call to the sink: the data reader's usual field. Anything else still goes to the
 * sink's field function. */
typedef struct pa_csv_direct {
    long n;                     /* fields 1..n are covered; 0 while there is no header */
    const int *col;             /* by field: the column it fills, or < 0 for none */
    double *const *cols;        /* by column */
    const size_t *row, *room;   /* the row being read, and the rows there is room for */
} pa_csv_direct;

typedef struct pa_csv_sink {
    void *user;
    const pa_csv_direct *direct; /* optional */
    /* A field; s is NUL-terminated, valid only during the call. Return PA_OK to go on. */
    pa_status (*field)(void *user, const char *s, size_t len, long line, long col);
    /* End of a record of ncols fields that ended on `line`. */
    pa_status (*row)(void *user, long line, long ncols);
    /* The reader restarts the file (it was GB18030): forget what it sent. */
    void (*reset)(void *user);
    /* Optional field separator (',', ';' or '\t'): 0 is set from the header line when a whole
     * file or the range at its start is read; NULL: comma. */
    int *sep;
} pa_csv_sink;
pa_status pa_csv_read_file(const char *path, const pa_csv_sink *sink, pa_error *err);
pa_status pa_csv_read_buffer(const char *bytes, size_t size, const char *name,
                             const pa_csv_sink *sink, pa_error *err);
/* n bytes of text as UTF-8: *out NULL when they are UTF-8 already, else GB18030 decoded into
 * a new NUL-terminated buffer of *outlen bytes (owned by the caller, pa_free). */
pa_status pa_text_to_utf8(const char *s, size_t n, const char *name, char **out,
                          size_t *outlen, pa_error *err);
/* Bytes [start, end) of a file whose first line is `first_line` (UTF-8 only). *fallback is set
 * when the range is not plain UTF-8, or (stop_at_quote) holds a quote character: then the
 * caller must read the file as a whole. *last_line is the line after the range. */
pa_status pa_csv_read_range(const char *path, uint64_t start, uint64_t end, long first_line,
                            int stop_at_quote, const pa_csv_sink *sink, int *fallback,
                            long *last_line, pa_error *err);

/* ---- model ---- */
typedef enum pa_norm {
    PA_NORM_MINMAX, PA_NORM_ZSCORE, PA_NORM_RANK, PA_NORM_PRANK, PA_NORM_BORDA,
    PA_NORM_GOALPOSTS, PA_NORM_DIST2MAX, PA_NORM_DIST2TARG, PA_NORM_FRACMAX,
    PA_NORM_BASE, PA_NORM_NONE, PA_NORM_SCALED, PA_NORM_DIST2REF
} pa_norm;
typedef enum pa_agg {
    PA_AGG_ARITHMETIC, PA_AGG_GEOMETRIC, PA_AGG_HARMONIC, PA_AGG_MEDIAN, PA_AGG_GENMEAN,
    PA_AGG_COPELAND, PA_AGG_MPI
} pa_agg;
typedef enum pa_impute {
    PA_IMPUTE_NONE, PA_IMPUTE_MEAN, PA_IMPUTE_MEDIAN, PA_IMPUTE_GROUP_MEAN,
    PA_IMPUTE_GROUP_MEDIAN, PA_IMPUTE_LATEST, PA_IMPUTE_LINEAR
} pa_impute;
typedef enum pa_treat { PA_TREAT_NONE, PA_TREAT_WINSORISE } pa_treat;
typedef enum pa_fallback {
    PA_FALLBACK_LOG_CT, PA_FALLBACK_LOG_CT_PLUS, PA_FALLBACK_BOXCOX, PA_FALLBACK_NONE,
    PA_FALLBACK_LOG_CT_ORIG, PA_FALLBACK_LOG_GII
} pa_fallback;

/* Flags of a cell, see pa_result_flags(). */
#define PA_CELL_IMPUTED PA_FLAG_IMPUTED
#define PA_CELL_WINHI PA_FLAG_WINSORISED_HIGH
#define PA_CELL_WINLO PA_FLAG_WINSORISED_LOW
#define PA_CELL_LOG_CT PA_FLAG_LOG_CT
#define PA_CELL_BOXCOX PA_FLAG_BOXCOX
#define PA_CELL_SCREENED PA_FLAG_SCREENED
#define PA_CELL_LOW_COVERAGE PA_FLAG_LOW_COVERAGE
typedef enum pa_scope { PA_SCOPE_PANEL, PA_SCOPE_PERIOD } pa_scope;
typedef enum pa_transform { PA_TRANSFORM_NONE, PA_TRANSFORM_LOG } pa_transform;

/* Where a setting was written, for messages. */
typedef struct pa_loc { long line, col; } pa_loc;

/* Settings that a node may set and its descendants inherit. */
typedef struct pa_settings {
    pa_norm norm;        int norm_set;       pa_loc norm_at;
    double range[2];     int range_set;
    double mean_sd[2];   int mean_sd_set;
    pa_scope scope;      int scope_set;
    int denominate;      int denominate_set;
    pa_agg agg;          int agg_set;        pa_loc agg_at;
    pa_impute impute;    int impute_set;     pa_loc impute_at;
    pa_treat treat;      int treat_set;
    double winmax;       int winmax_set;
    double skew;         int skew_set;
    double kurt;         int kurt_set;
    pa_fallback fallback; int fallback_set;
    double lambda;       int lambda_set;
    double npar[2];      int npar_set;       /* n_scaled: (x − l)/(u − l)·scale_factor */
    double scale_factor; int scale_factor_set;
    char *ref_unit;      int ref_unit_set;   pa_loc ref_unit_at; /* n_dist2ref; owned by the
                                                                  * node that writes it */
    int trunc;           int trunc_set;      /* goalposts clamp to [0, 1] (COINr trunc2posts) */
    int force_win;       int force_win_set;  /* winsorise winmax points once treatment runs */
    int combine;         int combine_set;    /* the fallback takes the winsorised values */
} pa_settings;

/* ---- methods (methods.c): one table per step, so that a method is one entry ---- */
typedef enum pa_step {
    PA_STEP_NORMALISE, PA_STEP_AGGREGATE, PA_STEP_TREAT, PA_STEP_FALLBACK, PA_STEP_IMPUTE,
    PA_STEP_DENOMINATE, PA_STEP_SCREEN, PA_N_STEPS
} pa_step;
/* Screening: what screens a unit-period out (a bit set). */
typedef enum pa_screen {
    PA_SCREEN_COVERAGE = 1, PA_SCREEN_ZEROS = 2, PA_SCREEN_EITHER = 3
} pa_screen;
/* Method parameters: keys that only some methods use. */
typedef enum pa_param {
    PA_PARAM_RANGE, PA_PARAM_MEAN_SD, PA_PARAM_GOALPOSTS, PA_PARAM_TARGET, PA_PARAM_CAP_MAX,
    PA_PARAM_P, PA_PARAM_PENALTY, PA_PARAM_WINMAX, PA_PARAM_SKEW, PA_PARAM_KURT,
    PA_PARAM_FALLBACK, PA_PARAM_LAMBDA, PA_PARAM_IMPUTE_GROUP, PA_PARAM_PER, PA_PARAM_NPAR,
    PA_PARAM_SCALE_FACTOR, PA_PARAM_REF_UNIT, PA_PARAM_GOALPOSTS_TRUNC, PA_PARAM_FORCE_WIN,
    PA_PARAM_COMBINE_TREAT, PA_N_PARAMS
} pa_param;
struct pa_node;
/* What a normalisation function gets beside the values: the statistics set after the
 * direction (its extremes, its count m, and the values themselves in v when the method
 * gathers them) and, for methods that compare each value with another (base), that value
 * per cell. */
typedef struct pa_norm_in {
    const struct pa_node *ind;
    const unsigned char *stat;  /* the values statistics may use (NULL: all) */
    const double *v;
    size_t m;
    double mn, mx;
    const double *ref;
} pa_norm_in;
typedef pa_status (*pa_norm_fn)(const pa_norm_in *in, double *x, size_t n, pa_error *err);
enum {
    PA_METHOD_RAW = 1,    /* normalise: no statistics set; the function applies the direction */
    PA_METHOD_GATHER = 2, /* normalise: the statistics set's values are gathered into v */
    PA_METHOD_REF = 4,    /* normalise: ref holds a value per cell */
    PA_METHOD_ALIAS = 8   /* another spelling, left out of lists */
};
typedef struct pa_method {
    const char *name;
    int id;                /* the step's enum value */
    unsigned params;       /* bit k: takes pa_param k */
    unsigned flags;        /* PA_METHOD_* */
    pa_norm_fn normalise;  /* PA_STEP_NORMALISE only */
} pa_method;
/* The method of a step by name (NULL: none) or by its enum value (NULL: out of range). */
const pa_method *pa_method_find(pa_step step, const char *name);
const pa_method *pa_method_get(pa_step step, int id);
/* Whether the method takes parameter k (0 for NULL). */
int pa_method_takes(const pa_method *meth, pa_param k);
/* The step's key ("normalise") and what a method of it is called ("normalisation"). */
const char *pa_step_key(pa_step step);
const char *pa_step_noun(pa_step step);
/* The step's method names for a message: "minmax, zscore, ... or none" (buf truncated). */
void pa_method_names(pa_step step, const char *last_sep, char *buf, size_t n);
/* A parameter by key (-1: no method parameter), its key and step, and what takes it for a
 * message ("normalise = minmax or goalposts"). */
int pa_param_find(const char *key);
const char *pa_param_key(pa_param k);
pa_step pa_param_step(pa_param k);
void pa_param_users(pa_param k, char *buf, size_t n);

typedef struct pa_node {
    char *code, *label, *measure, *parent_code, *column, *denominator;
    int is_indicator;
    int level;
    size_t parent;              /* PA_NONE for the top */
    size_t *children;
    size_t n_children;
    double weight;              /* relative, > 0 */
    int direction;              /* +1 or -1 */
    double per;                 /* denominator scale */
    double goalposts[2];        int goalposts_set;
    double target;              int target_set;
    int cap_max;
    pa_transform transform;
    pa_settings set;            /* as written */
    pa_settings eff;            /* resolved through ancestors */
    pa_loc at, parent_at, weight_at, goalposts_at;
    int weight_pca;             /* weight = pca: the children's weights come from PC1 */
    pa_loc weight_pca_at;
    int fields_set;             /* bit set of PA_F_* written in the INI */
    int from_meta;              /* defined by the COINr iMeta table */
    double p;                   int p_set;      /* genmean exponent */
    int p_inherited;            /* p came from the top when finishing */
    int mpi_sign;               /* -1: penalise unbalanced children (default), +1 */
    int mpi_set;
    double min_coverage;        /* share of children below which the score is missing */
    unsigned params, params_used; /* bit k: param_uses[k] written here / used by a node */
    pa_loc param_at[PA_N_PARAMS];
    int min_coverage_set;       /* written for this node (else dat_thresh may give it one) */
    int rollup;                 /* pa_rollup: how the unit tree adds it up ([units]) */
    char *rollup_col;           /* weighted:COLUMN */
    pa_loc rollup_at;
} pa_node;

enum { PA_F_LABEL = 1, PA_F_PARENT = 2, PA_F_WEIGHT = 4, PA_F_DIRECTION = 8,
       PA_F_DENOMINATOR = 16, PA_F_TARGET = 32, PA_F_MEASURE = 64 };

typedef struct pa_band { double threshold; char *label; char *colour; } pa_band;

/* Points taken off a node's score per unit of a data column (e.g. per death). */
typedef struct pa_penalty {
    char *code, *label, *column, *target;
    double points, cap;         /* cap < 0: none */
    size_t target_node;
    pa_loc at, target_at;
} pa_penalty;

/* The data column of an indicator or a penalty: `column =`, else its code. */
static inline const char *
pa_node_column(const pa_node *nd)
{
    return nd->column ? nd->column : nd->code;
}

static inline const char *
pa_penalty_column(const pa_penalty *pe)
{
    return pe->column ? pe->column : pe->code;
}

struct pa_model {
    char *file;                 /* for messages */
    char *dir;                  /* folder of the model, for meta = */
    size_t n_nodes, cap_nodes;
    pa_node *nodes;             /* index 0 is the top; after finish: any order */
    size_t top;
    size_t *order;              /* bottom-up: indicators first, then by level */
    size_t *pos;                /* inverse of order: node index → its place (result node) */
    size_t n_indicators;
    pa_band *bands; size_t n_bands;
    char *unit_column, *name_column, *period_column, *meta;
    char *base_period;
    pa_loc base_period_at, meta_at;
    char *meta_path;            /* resolved path of the iMeta table */
    char *impute_group;         /* grouping column of group_mean / group_median */
    pa_loc impute_group_at;
    double min_coverage;        /* screening: least share of indicators present */
    pa_penalty *penalties; size_t n_penalties;
    char **reference_units; size_t n_reference_units;
    pa_loc *reference_at;       /* where each reference unit is written */
    int separator;              /* of data files: ',', ';' or '\t'; 0: detected per file */
    pa_strmap codes;            /* node code → index (rebuilt when the top is renamed) */
    /* screening beside min_coverage (COINr Screen): by zeros, and units forced in or out */
    pa_screen screen;
    pa_loc screen_at, min_coverage_at, min_nonzero_at;
    double min_nonzero;         /* least share of the indicators present that are not 0 */
    int min_coverage_set, min_nonzero_set;
    char **force_in, **force_out; size_t n_force_in, n_force_out;
    pa_loc *force_in_at, *force_out_at;
    /* COINr dat_thresh: min_coverage of the aggregates of each level (one value: every level) */
    double *dat_thresh; size_t n_dat_thresh;
    pa_loc dat_thresh_at;
    struct pa_units *units;     /* [units]: the unit tree (units.c), shared by copies */
};
/* dat_thresh gives each aggregate that sets no min_coverage of its own its level's share;
 * after the levels are known. */
pa_status pa_model_level_defaults(pa_model *m, pa_error *err);

/* A model read (sections, iMeta rows) is finished: linked into a tree (levels, order), its
 * settings resolved through ancestors, and checked as a whole (hierarchy.c). Unfinish
 * forgets what finishing derived, so that a model changed in memory is finished again. */
pa_status pa_model_finish(pa_model *m, pa_error *err);
void pa_model_unfinish(pa_model *m);
/* A new model with the defaults of [index] (nodes.c); NULL when out of memory. */
pa_model *pa_model_new(const char *name);
/* One key of a section, as the model file sets it, applied to a finished model in memory:
 * code names a node or penalty (NULL: [index]); a value refused is PA_ERR_ARGUMENT with no
 * file or line. The caller finishes the model again (model.c, for edit.c). */
pa_status pa_model_apply_key(pa_model *m, const char *code, const char *key, const char *value,
                             pa_error *err);
/* Take node i out of an unfinished model (its code map kept right). */
pa_status pa_model_remove_node(pa_model *m, size_t i, pa_error *err);
/* Empty a list that a key adds to ("bands", "reference_units"), before it is set anew. */
void pa_model_clear_list(pa_model *m, const char *key);
/* Every method parameter written in the model is used by a method that takes it; after the
 * effective settings are resolved. */
pa_status pa_model_check_params(pa_model *m, pa_error *err);
pa_status pa_meta_read(pa_model *m, const char *path, pa_error *err);
size_t pa_model_find(const pa_model *m, const char *code);
/* Rename the top node (keeps the code map right); 0 when out of memory. */
int pa_model_rename_top(pa_model *m, const char *code);
pa_node *pa_model_add_node(pa_model *m, const char *code, int is_indicator);

/* ---- data columns, shared by a data set and the results computed from it ----
 * d->cols[j] points at the values; a reference count sits in front. A result keeps the raw
 * values it reports by holding the columns instead of copying them: the data set only ever
 * appends rows, and copies a column first when it must move one that a result still holds. */
/* A column of new_cap values holding the first `keep` of col (NULL: a new column). NULL when
 * out of memory (col is kept). */
double *pa_col_grow(double *col, size_t keep, size_t new_cap);
void pa_col_ref(double *col);
void pa_col_unref(double *col);
/* 1 when whoever holds col is its only holder (it may then be written over). */
int pa_col_sole(double *col);

/* ---- data ---- */
/* How a data set reads files, copied from the model it was made for (so that the model may go,
 * and any model with these columns computes on it). */
typedef struct pa_data_spec {
    char *unit_column;          /* NULL: the first column */
    char *name_column, *period_column;
    char *group_column;         /* impute_group of the model */
    int separator;              /* ',', ';' or '\t'; 0: detected per file */
    int in_memory;              /* made by pa_data_create: rows come from pa_data_add_rows */
} pa_data_spec;

struct pa_data {
    pa_data_spec spec;
    size_t n_cols, cap_cols;    /* numeric columns the model needs */
    char **col_names;
    pa_strmap colmap;           /* column name → index */
    double **cols;              /* [n_cols][cap] */
    uint32_t *row_group;        /* impute_group value of each row (UINT32_MAX: none); NULL
                                 * when the model has no impute_group */
    pa_strmap groups;
    pa_strmap units, periods, files;
    char **unit_names;          /* by unit, may be NULL entries */
    size_t n_unit_names_cap;
    size_t n_rows, cap;
    uint32_t *row_unit, *row_period;
    /* where rows came from, for messages: runs of rows of one file on consecutive lines (a
     * plain file is one run; blank lines and line breaks in quoted fields start new ones) */
    struct pa_run {
        size_t row;             /* its first row; runs from n_rows on are stale */
        long line;
        uint32_t file;
    } *runs;
    size_t n_runs, cap_runs;
    int borrowed;               /* the row arrays belong to another data set: never grow */
    pa_error *notes;            /* left by reading, not errors (pa_data_note) */
    size_t n_notes, cap_notes;
    unsigned char *col_seen;    /* by column: a file read so far had it */
    long header_line;           /* of the last file read */
    struct pa_unit_tree *tree;  /* the units' levels and parents, once rolled up (units.c) */
};
size_t pa_data_col(const pa_data *d, const char *name);
/* Whether model m can compute on d: d has every column m reads, keyed as m keys rows. */
pa_status pa_data_fits(const pa_model *m, const pa_data *d, pa_error *err);
/* The file and line a data row was read from. */
const char *pa_data_row_file(const pa_data *d, size_t row);
long pa_data_row_line(const pa_data *d, size_t row);
/* One kind of period per data set (years beside months would be compared with each other), and
 * no file without a period beside files with one. */
pa_status pa_data_check_periods(const pa_data *d, pa_error *err);
/* Adds a note (pa_data_note); PA_ERR_NOMEM when out of memory. */
pa_status pa_data_add_note(pa_data *d, const char *file, long line, long col, const char *fmt,
                           ...) __attribute__((format(printf, 5, 6)));

/* ---- result ---- */
struct pa_result {
    size_t nu, np, nn;
    char **unit_codes, **unit_names, **periods;
    char *unit_text;            /* the unit codes and names, one block */
    char **node_codes, **node_labels, **node_units;
    int *node_level;
    size_t *node_parent;
    double *node_weight;        /* share among siblings (weights rescaled to sum to 1) */
    unsigned char *reference;   /* by unit: scored but not ranked */
    double **vcol;              /* [indicator or penalty]: the data column of its raw values */
    size_t *cell_row;           /* [period][unit]: data row of the cell, PA_NONE for none;
                                 * NULL when rows_are_cells (read it with pa_cell_row) */
    int rows_are_cells;         /* row i is cell i for every cell (a complete panel listed
                                 * period by period, units in the same order each time) */
    double **rate;              /* [indicator] → [period][unit]: the rates scored (after
                                 * denomination and imputation); NULL when not held, or when
                                 * rate_raw says they are the raw values */
    unsigned char *rate_raw;    /* [indicator]: its rates are its raw values (none kept) */
    double **score;             /* [node] → [period][unit], a column (pa_col_*); NULL: not
                                 * computed yet, or not held (pa_compute_nodes) */
    int32_t **rank;             /* by node, computed on first use (pa_rank_node) */
    unsigned char *keep;        /* by node: held after computing (pa_compute_nodes); NULL: all */
    double *spare[8];           /* scores let go during aggregation, for the next node */
    size_t n_spare;
    pthread_mutex_t rank_lock;
    size_t *base;               /* by period: the first period of its base, PA_NONE for none */
    size_t base_k;              /* periods averaged into every base (1: one period) */
    pa_compare compare;         /* how the bases were chosen (pa_result_set_compare) */
    const char **base_label;    /* by period: pa_result_base_label, into periods or base_text */
    char *base_text;            /* the labels of mean bases, one block */
    pa_band *bands; size_t n_bands;
    unsigned char *flags;       /* [node][period][unit], PA_CELL_* */
    unsigned char *present;     /* [node][period]: some unit has a score (model nodes) */
    unsigned char *node_penalty;/* by node: 1 for penalty rows */
    double *coverage;           /* [period][unit]: share of indicators present */
    size_t n_model_nodes;
    size_t n_ind;               /* indicators: result nodes 0 .. n_ind-1 */
    size_t fail_unit, fail_period;  /* where a step failed, for the message's FILE:LINE */
    const unsigned char *todo;  /* by indicator: the steps run for it (NULL: for all); the
                                 * others come from an engine's stages (engine.c) */
    struct pa_unit_tree *tree;  /* the units' levels and parents (units.c); NULL: flat */
};
/* Whether the steps run for indicator k. */
static inline int
pa_todo(const pa_result *r, size_t k)
{
    return !r->todo || r->todo[k];
}
/* pa_parallel_for over the indicators 0..n-1 the steps run for (see todo). */
pa_status pa_indicator_for(const pa_result *r, size_t n, pa_task_fn fn, void *ctx,
                           pa_error *err);
#define PA_CELL(r, n, p, u) (((n) * (r)->np + (p)) * (r)->nu + (u))
#define PA_SCORE(r, n, p, u) ((r)->score[n][(p) * (r)->nu + (u)])
/* Whether a node's scores are there to read (pa_compute_nodes keeps only the nodes asked for). */
static inline int
pa_held(const pa_result *r, size_t n)
{
    return r->score[n] != NULL;
}
/* Names, hierarchy and bands copied into a new result, so that it outlives model and data;
 * pmap gets each data period's place in time order (store.c). */
pa_status pa_result_frame(pa_result *r, const pa_model *m, const pa_data *d, size_t *pmap,
                          pa_error *err);
/* The scores kept for reuse during aggregation go (at its end, or with a failed result). */
void pa_free_spares(pa_result *r);
/* Room for a node's scores, before the step that computes them writes any. */
pa_status pa_node_alloc(pa_result *r, size_t n, pa_error *err);
/* The same during aggregation (main thread only): the scores of a node let go before, if any. */
pa_status pa_node_alloc_spare(pa_result *r, size_t n, pa_error *err);
/* pa_compute_nodes: the raw values of an indicator or penalty row go once its scores are
 * computed, unless the node is held. */
void pa_release_values(pa_result *r, size_t n);
/* Raw values exist for indicators (the first nodes) and penalty rows (the last) only. */
static inline size_t
pa_value_node(const pa_result *r, size_t n)
{
    return n < r->n_ind ? n : n >= r->n_model_nodes ? r->n_ind + (n - r->n_model_nodes) : PA_NONE;
}
/* The data row of a cell ([period][unit]), PA_NONE for none. */
static inline size_t
pa_cell_row(const pa_result *r, size_t cell)
{
    return r->cell_row ? r->cell_row[cell] : cell;
}
/* Raw value of a value node (see pa_value_node) in a cell; NaN when the cell has no row. */
static inline double
pa_cell_value(const pa_result *r, size_t vn, size_t p, size_t u)
{
    size_t row = pa_cell_row(r, p * r->nu + u);
    return row == PA_NONE ? (double)NAN : r->vcol[vn][row];
}

/* The base of a cell: its value or score in the base period, or their mean over the base_k
 * periods from r->base[p] on; NaN when there is no base or any of them is missing. */
static inline double
pa_base_value(const pa_result *r, size_t vn, size_t p, size_t u)
{
    size_t b = r->base[p];
    double s = 0;
    for (size_t i = 0; b != PA_NONE && vn != PA_NONE && i < r->base_k; i++)
        s += pa_cell_value(r, vn, b + i, u);
    return b == PA_NONE || vn == PA_NONE ? (double)NAN : s / (double)r->base_k;
}

static inline double
pa_base_score(const pa_result *r, size_t n, size_t p, size_t u)
{
    size_t b = r->base[p];
    double s = 0;
    for (size_t i = 0; b != PA_NONE && i < r->base_k; i++)
        s += PA_SCORE(r, n, b + i, u);
    return b == PA_NONE ? (double)NAN : s / (double)r->base_k;
}

/* The rate scored of a node in a cell (see pa_result_rate); NaN for groups and penalty rows. */
static inline double
pa_cell_rate(const pa_result *r, size_t n, size_t p, size_t u)
{
    if (n >= r->n_ind)
        return NAN;
    if (r->rate[n])
        return r->rate[n][p * r->nu + u];
    return r->rate_raw[n] ? pa_cell_value(r, n, p, u) : (double)NAN;
}

/* Changes: undefined (NaN) when either side is missing, and when the change is beyond the
 * range of doubles (5e-324 → 1 is +2e325 %), so that no infinity reaches an output. */
static inline double
pa_finite_or_nan(double x)
{
    return isfinite(x) ? x : NAN;
}

static inline double
pa_diff(double now, double then)
{
    return pa_finite_or_nan(now - then);
}

/* Percent change; also undefined when the base is 0. */
static inline double
pa_pct(double now, double then)
{
    if (isnan(now) || isnan(then) || then == 0)
        return NAN;
    return pa_finite_or_nan((now - then) / fabs(then) * 100.0);
}

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
/* pa_compute on the pool in use (compute.c). */
pa_status pa_compute_here(pa_result **out, const pa_model *m, const pa_data *d, pa_error *err);
/* weight = pca: the weights of node k's children from PC1 of their scores (pca.c). */
pa_status pa_pca_weights(const pa_model *m, pa_result *r, size_t k, pa_error *err);
/* A JSON string to a stream: quotes, backslashes and control characters escaped (write.c). */
void pa_write_json_str(FILE *f, const char *s);
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

/* ---- units in a hierarchy ([units], units.c) ---- */
typedef enum pa_rollup {
    PA_ROLLUP_UNSET, PA_ROLLUP_SUM, PA_ROLLUP_MEAN, PA_ROLLUP_WEIGHTED, PA_ROLLUP_NONE
} pa_rollup;
/* Units of a data set or result, top level first: level L holds the units
 * [level_first[L], level_first[L + 1]). */
typedef struct pa_unit_tree {
    size_t n_levels;
    char **level_names;         /* [0] is the top */
    size_t *level_first;        /* n_levels + 1 */
    size_t *parent;             /* by unit, PA_NONE at the top */
    size_t nu;
} pa_unit_tree;
struct pa_units;
/* A key of [units] / `rollup =` of an indicator, as the model file writes it. */
pa_status pa_units_key(pa_model *m, const char *key, const char *value, long line, long col,
                       pa_error *err);
pa_status pa_units_rollup_key(pa_model *m, pa_node *nd, const char *value, long line, long col,
                              pa_error *err);
/* The table `parents =` names, read once the model is parsed. */
pa_status pa_units_read(pa_model *m, pa_error *err);
/* Every indicator of a model with [units] says how it rolls up; after settings resolve. */
pa_status pa_units_check(const pa_model *m, pa_error *err);
struct pa_units *pa_units_ref(struct pa_units *u);
void pa_units_unref(struct pa_units *u);
/* The data rolled up the unit tree into a new data set (*out, owned by the caller), units
 * ordered by level; *out is NULL when the model has no [units]. */
pa_status pa_rollup_data(const pa_model *m, const pa_data *d, pa_data **out, pa_error *err);
pa_unit_tree *pa_unit_tree_copy(const pa_unit_tree *t);
void pa_unit_tree_free(pa_unit_tree *t);
/* Levels of a result's units (1 for a flat result) and where each starts. */
static inline size_t
pa_unit_levels(const pa_result *r)
{
    return r->tree ? r->tree->n_levels : 1;
}
static inline size_t
pa_level_first(const pa_result *r, size_t level)
{
    return r->tree ? r->tree->level_first[level] : level ? r->nu : 0;
}

#endif
