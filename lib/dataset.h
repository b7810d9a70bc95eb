/* SPDX-License-Identifier: MIT */
/* The data set as the pipeline sees it (data.c; its readers share lib/data.h). */
#ifndef PA_DATASET_H
#define PA_DATASET_H

#include "column.h"
#include "strmap.h"
#include "model.h"

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

#endif
