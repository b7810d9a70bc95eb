# SPDX-License-Identifier: MIT
"""cffi API-mode build of pingan._pingan against <pingan/pingan.h>.

The declarations below are checked by the C compiler against the real header (API mode), so
a drift in the header is a build error, never a wrong struct layout. The small C helpers fill
whole NumPy arrays in one call each: the binding makes O(1) calls per column, not per cell.

Used two ways: `python3 _build.py OUT.c` writes the C source (the meson build compiles it), and
setup.py's cffi_modules builds it for pip (include and library folders: PINGAN_INCLUDE_DIR,
PINGAN_LIBRARY_DIR, else pkg-config pingan, else this source tree's include/ and build/lib/).
"""
import os
import subprocess
import sys

import cffi

CDEF = r"""
typedef enum pa_status { PA_OK, PA_ERR_NOMEM, PA_ERR_IO, PA_ERR_DATA, PA_ERR_MODEL,
                         PA_ERR_COMPUTE, PA_ERR_ARGUMENT } pa_status;
typedef struct pa_error { pa_status status; char file[512]; long line; long column;
                          char text[512]; } pa_error;
typedef struct pa_model pa_model;
typedef struct pa_data pa_data;
typedef struct pa_result pa_result;
typedef struct pa_engine pa_engine;
typedef struct pa_stats pa_stats;

const char *pa_version(void);
int pa_error_format(const pa_error *err, char *buf, size_t size);

pa_status pa_model_load(pa_model **out, const char *path, pa_error *err);
pa_status pa_model_parse(pa_model **out, const char *text, const char *name, pa_error *err);
pa_status pa_model_default(pa_model **out, pa_error *err);
void pa_model_free(pa_model *model);
const char *pa_model_code(const pa_model *model);
const char *pa_model_label(const pa_model *model);
pa_status pa_model_copy(pa_model **out, const pa_model *model, pa_error *err);
pa_status pa_model_set(pa_model *model, const char *node, const char *key, const char *value,
                       pa_error *err);
pa_status pa_model_set_weight(pa_model *model, const char *node, double weight, pa_error *err);
pa_status pa_model_set_direction(pa_model *model, const char *node, int direction,
                                 pa_error *err);
pa_status pa_model_set_goalposts(pa_model *model, const char *node, double lower, double upper,
                                 pa_error *err);
pa_status pa_model_set_target(pa_model *model, const char *node, double target, pa_error *err);
pa_status pa_model_set_denominator(pa_model *model, const char *node, const char *column,
                                   double per, pa_error *err);
pa_status pa_model_set_normalise(pa_model *model, const char *node, const char *method,
                                 const double *params, size_t n_params, pa_error *err);
pa_status pa_model_set_aggregate(pa_model *model, const char *node, const char *method,
                                 const double *params, size_t n_params, pa_error *err);
pa_status pa_model_remove_indicator(pa_model *model, const char *node, pa_error *err);

pa_status pa_data_new(pa_data **out, const pa_model *model, pa_error *err);
void pa_data_free(pa_data *data);
pa_status pa_data_read_file(pa_data *data, const char *path, pa_error *err);
pa_status pa_data_read_with_siblings(pa_data *data, const char *path, pa_error *err);
pa_status pa_data_read_files(pa_data *data, const char *const *paths, size_t n, pa_error *err);
pa_status pa_data_create(pa_data **out, const char *const *columns, size_t n_columns,
                         pa_error *err);
size_t pa_data_column_count(const pa_data *data);
const char *pa_data_column_name(const pa_data *data, size_t j);
pa_status pa_data_add_rows(pa_data *data, size_t n, const char *const *units,
                           const char *const *names, const char *const *periods,
                           const char *const *groups, const double *const *columns,
                           pa_error *err);
size_t pa_data_row_count(const pa_data *data);
size_t pa_data_note_count(const pa_data *data);
pa_status pa_data_note(const pa_data *data, size_t i, pa_error *out);

pa_status pa_engine_new(pa_engine **out, const pa_data *data, pa_error *err);
void pa_engine_free(pa_engine *engine);
pa_status pa_engine_compute(pa_engine *engine, const pa_model *model, pa_result **out,
                            pa_error *err);
void pa_result_free(pa_result *result);

size_t pa_result_unit_count(const pa_result *result);
const char *pa_result_unit_code(const pa_result *result, size_t unit);
const char *pa_result_unit_name(const pa_result *result, size_t unit);
size_t pa_result_period_count(const pa_result *result);
const char *pa_result_period(const pa_result *result, size_t period);
const char *pa_result_base_label(const pa_result *result, size_t period);
size_t pa_result_node_count(const pa_result *result);
const char *pa_result_node_code(const pa_result *result, size_t node);
const char *pa_result_node_label(const pa_result *result, size_t node);
int pa_result_node_level(const pa_result *result, size_t node);
size_t pa_result_node_find(const pa_result *result, const char *code);

pa_status pa_stats_compute(pa_stats **out, const pa_model *model, const pa_data *data,
                           const char *period, pa_error *err);
void pa_stats_free(pa_stats *stats);
const char *pa_stats_period(const pa_stats *stats);
size_t pa_stats_unit_count(const pa_stats *stats);
size_t pa_stats_indicator_count(const pa_stats *stats);
const char *pa_stats_indicator_code(const pa_stats *stats, size_t i);
const char *pa_stats_indicator_group(const pa_stats *stats, size_t i);
double pa_stats_indicator(const pa_stats *stats, size_t i, int what);
unsigned pa_stats_indicator_flags(const pa_stats *stats, size_t i);
double pa_stats_corr(const pa_stats *stats, int how, size_t i, size_t j);
size_t pa_stats_parent_count(const pa_stats *stats);
double pa_stats_parent_corr(const pa_stats *stats, int how, size_t k, const char **node,
                            const char **parent);
size_t pa_stats_group_count(const pa_stats *stats);
const char *pa_stats_group_code(const pa_stats *stats, size_t g);
size_t pa_stats_group_size(const pa_stats *stats, size_t g);
size_t pa_stats_group_member(const pa_stats *stats, size_t g, size_t c);
double pa_stats_group_alpha(const pa_stats *stats, size_t g);
size_t pa_stats_group_complete(const pa_stats *stats, size_t g);
double pa_stats_group_share(const pa_stats *stats, size_t g, size_t c);
double pa_stats_group_loading(const pa_stats *stats, size_t g, size_t c);

typedef enum pa_compare { PA_COMPARE_PREVIOUS, PA_COMPARE_YEAR, PA_COMPARE_MEAN } pa_compare;
pa_status pa_result_set_base(pa_result *result, const char *period, pa_error *err);
pa_status pa_result_set_compare(pa_result *result, pa_compare how, unsigned k, pa_error *err);

typedef struct pa_explain pa_explain;
pa_status pa_explain_compute(pa_explain **out, const pa_model *model, const pa_result *result,
                             const char *node, const char *period, pa_error *err);
void pa_explain_free(pa_explain *explain);
size_t pa_explain_node(const pa_explain *explain);
size_t pa_explain_period(const pa_explain *explain);
size_t pa_explain_count(const pa_explain *explain);
double pa_explain_change(const pa_explain *explain, size_t unit);

long pa_model_uncertainty_line(const pa_model *model);
typedef struct pa_uncertainty pa_uncertainty;
typedef struct pa_uncertainty_options { const char *period; const char *node; }
        pa_uncertainty_options;
pa_status pa_uncertainty_run(pa_uncertainty **out, const pa_model *model, const pa_data *data,
                             size_t n, const pa_uncertainty_options *opts, pa_error *err);
pa_status pa_sensitivity_run(pa_uncertainty **out, const pa_model *model, const pa_data *data,
                             size_t n, const pa_uncertainty_options *opts, pa_error *err);
void pa_uncertainty_free(pa_uncertainty *u);
size_t pa_uncertainty_runs(const pa_uncertainty *u);
size_t pa_uncertainty_failed(const pa_uncertainty *u);
int pa_uncertainty_estimated(const pa_uncertainty *u);
const char *pa_uncertainty_points(const pa_uncertainty *u);
const char *pa_uncertainty_period(const pa_uncertainty *u);
const char *pa_uncertainty_node(const pa_uncertainty *u);
size_t pa_uncertainty_unit_count(const pa_uncertainty *u);
const char *pa_uncertainty_unit_code(const pa_uncertainty *u, size_t unit);
const char *pa_uncertainty_unit_name(const pa_uncertainty *u, size_t unit);
size_t pa_uncertainty_input_count(const pa_uncertainty *u);
const char *pa_uncertainty_input_name(const pa_uncertainty *u, size_t i);
typedef enum pa_sobol_stat { PA_SOBOL_FIRST, PA_SOBOL_TOTAL, PA_SOBOL_FIRST_LO,
                             PA_SOBOL_FIRST_HI, PA_SOBOL_TOTAL_LO, PA_SOBOL_TOTAL_HI }
        pa_sobol_stat;
double pa_uncertainty_sobol(const pa_uncertainty *u, size_t i, pa_sobol_stat what);

/* helpers of the binding (below) */
size_t pyp_split(char *buf, size_t size, const char **out, size_t n);
void pyp_take(const char **table, const long *codes, size_t n, const char **out);
void pyp_scores(const pa_result *r, size_t node, double *out);
void pyp_cells(const pa_result *r, double *value, double *rate, double *score, long *rank,
               int *band, double *value_change_pct, double *score_change,
               double *score_change_pct, unsigned *flags, const char **band_labels,
               size_t max_bands);
char *pyp_strings(const pa_result *r, int what, size_t *len);
void pyp_levels(const pa_result *r, int *out);
pa_status pyp_write(const void *obj, int kind, int json, char **text, size_t *len,
                    pa_error *err);
void pyp_unc_stats(const pa_uncertainty *u, double *out);
void pyp_explain_rows(const pa_explain *x, long *unit, long *node, double *out);
void pyp_free(void *p);
"""

HELPERS = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pingan/pingan.h>

/* The n NUL-terminated strings of buf (size bytes, the last one a NUL) as pointers; returns how
 * many there were, so that a string holding a NUL is caught by the caller. */
static size_t
pyp_split(char *buf, size_t size, const char **out, size_t n)
{
    size_t k = 0;
    for (size_t at = 0; at < size && k < n; k++) {
        out[k] = buf + at;
        at += strlen(buf + at) + 1;
    }
    return k;
}

/* out[i] = table[codes[i]]: a column of strings from its distinct values (a code -1 is "",
 * which the library refuses as a unit, naming the row, and reads as none elsewhere). */
static void
pyp_take(const char **table, const long *codes, size_t n, const char **out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = codes[i] < 0 ? "" : table[codes[i]];
}

/* A node's scores, unit by period (row-major). */
static void
pyp_scores(const pa_result *r, size_t node, double *out)
{
    size_t nu = pa_result_unit_count(r), np = pa_result_period_count(r);
    for (size_t u = 0; u < nu; u++)
        for (size_t p = 0; p < np; p++)
            out[u * np + p] = pa_result_score(r, u, p, node);
}

/* The index of band label s among the distinct labels seen so far (added when new); -1 for
 * none, or when there are more than max labels. */
static int
band_index(const char *s, const char **labels, size_t max)
{
    if (!s)
        return -1;
    for (size_t b = 0; b < max; b++) {
        if (!labels[b]) {
            labels[b] = s;
            return (int)b;
        }
        if (labels[b] == s || strcmp(labels[b], s) == 0)
            return (int)b;
    }
    return -1;
}

/* Every cell of the CSV, in its row order (unit, then period, then node). */
static void
pyp_cells(const pa_result *r, double *value, double *rate, double *score, long *rank,
          int *band, double *vchg, double *schg, double *schgp, unsigned *flags,
          const char **band_labels, size_t max_bands)
{
    size_t nu = pa_result_unit_count(r), np = pa_result_period_count(r);
    size_t nn = pa_result_node_count(r), i = 0;
    for (size_t u = 0; u < nu; u++)
        for (size_t p = 0; p < np; p++)
            for (size_t n = 0; n < nn; n++, i++) {
                value[i] = pa_result_value(r, u, p, n);
                rate[i] = pa_result_rate(r, u, p, n);
                score[i] = pa_result_score(r, u, p, n);
                rank[i] = pa_result_rank(r, u, p, n);
                band[i] = band_index(pa_result_band(r, u, p, n, NULL), band_labels, max_bands);
                vchg[i] = pa_result_value_change_pct(r, u, p, n);
                schg[i] = pa_result_score_change(r, u, p, n);
                schgp[i] = pa_result_score_change_pct(r, u, p, n);
                flags[i] = pa_result_flags(r, u, p, n);
            }
}

/* One list of the result's strings, each followed by a NUL, in one block (free with pyp_free):
 * 0 unit codes, 1 unit names, 2 periods, 3 node codes, 4 node labels, 5 base labels ("" for
 * none). NULL when out of memory. */
static const char *
pyp_string(const pa_result *r, int what, size_t i)
{
    switch (what) {
    case 0: return pa_result_unit_code(r, i);
    case 1: return pa_result_unit_name(r, i);
    case 2: return pa_result_period(r, i);
    case 3: return pa_result_node_code(r, i);
    case 4: return pa_result_node_label(r, i);
    default: return pa_result_base_label(r, i);
    }
}

static char *
pyp_strings(const pa_result *r, int what, size_t *len)
{
    size_t n = what < 2 ? pa_result_unit_count(r)
               : what == 3 || what == 4 ? pa_result_node_count(r) : pa_result_period_count(r);
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = pyp_string(r, what, i);
        fputs(s ? s : "", f);
        fputc('\0', f);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static void
pyp_levels(const pa_result *r, int *out)
{
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        out[n] = pa_result_node_level(r, n);
}

/* An object's writer into memory: *text (free with pyp_free) of *len bytes. kind 0: a result
 * (pa_result_write), 1: an explanation, 2: uncertainty or sensitivity. */
static pa_status
pyp_write(const void *obj, int kind, int json, char **text, size_t *len, pa_error *err)
{
    FILE *f = open_memstream(text, len);
    if (!f) {
        err->status = PA_ERR_NOMEM;
        err->file[0] = '\0';
        err->line = err->column = 0;
        snprintf(err->text, sizeof err->text, "out of memory");
        return PA_ERR_NOMEM;
    }
    pa_format fmt = json ? PA_FORMAT_JSON : PA_FORMAT_CSV;
    pa_status st = kind == 0 ? pa_result_write(obj, f, fmt, NULL, err)
                   : kind == 1 ? pa_explain_write(obj, f, fmt, err)
                   : pa_uncertainty_write(obj, f, fmt, err);
    fclose(f);
    return st;
}

/* Every unit's statistics (pa_unc_stat order, 8 a unit), unit by unit. */
static void
pyp_unc_stats(const pa_uncertainty *u, double *out)
{
    size_t n = pa_uncertainty_unit_count(u);
    for (size_t k = 0; k < n; k++)
        for (int s = 0; s <= PA_UNC_SCORE_P95; s++)
            out[k * 8 + (size_t)s] = pa_uncertainty_stat(u, k, (pa_unc_stat)s);
}

/* Every row of an explanation: its unit and part (result indices) and value_change_pct,
 * score_change (of the part), contribution, share, node_change (5 a row). */
static void
pyp_explain_rows(const pa_explain *x, long *unit, long *node, double *out)
{
    const pa_result *r = pa_explain_result(x);
    size_t p = pa_explain_period(x);
    for (size_t i = 0; i < pa_explain_count(x); i++) {
        size_t u = pa_explain_unit(x, i), leaf = pa_explain_indicator(x, i);
        unit[i] = (long)u;
        node[i] = (long)leaf;
        double *o = out + i * 5;
        o[0] = pa_result_value_change_pct(r, u, p, leaf);
        o[1] = pa_result_score_change(r, u, p, leaf);
        o[2] = pa_explain_contribution(x, i);
        o[3] = pa_explain_share(x, i);
        o[4] = pa_explain_change(x, u);
    }
}

static void
pyp_free(void *p)
{
    free(p);
}
"""


def _pkg_config(flag):
    try:
        out = subprocess.run(['pkg-config', flag, 'pingan'], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [w[2:] for w in out.split()]


def _dirs():
    """Include and library folders for a build outside meson (pip)."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    inc = os.environ.get('PINGAN_INCLUDE_DIR')
    lib = os.environ.get('PINGAN_LIBRARY_DIR')
    if inc is None and lib is None and os.path.exists(os.path.join(root, 'build', 'lib')):
        return [os.path.join(root, 'include')], [os.path.join(root, 'build', 'lib')]
    if inc is None and lib is None:
        return _pkg_config('--cflags-only-I') or [], _pkg_config('--libs-only-L') or []
    return [inc or os.path.join(root, 'include')], [lib] if lib else []


def builder(meson=False):
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    if meson:  # meson passes the include folder and links libpingan itself
        ffi.set_source('pingan._pingan', HELPERS)
    else:
        inc, lib = _dirs()
        ffi.set_source('pingan._pingan', HELPERS, libraries=['pingan'], include_dirs=inc,
                       library_dirs=lib, runtime_library_dirs=lib)
    return ffi


if __name__ == '__main__':
    builder(meson=True).emit_c_code(sys.argv[1])
else:
    ffibuilder = builder()  # what setup.py's cffi_modules names
