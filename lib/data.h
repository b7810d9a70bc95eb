/* SPDX-License-Identifier: MIT */
/* What the data set (data.c), its file readers (data_read.c) and file names (siblings.c)
 * share; the rest of the library sees the data set through internal.h. */
#ifndef PA_DATA_H
#define PA_DATA_H

#include "internal.h"

/* A numeric column named `name` (nothing when it is there already); 0 when out of memory. */
int pa_data_add_col(pa_data *d, const char *name);
/* An empty data set that reads as d does: the same spec and columns. */
pa_status pa_data_like(const pa_data *d, pa_data **out, pa_error *err);
/* Row `row` came from line `line` of file `file` (extends the last run when it follows it). */
int pa_data_note_row(pa_data *d, size_t row, long line, uint32_t file);
/* Room for `more` notes more. */
int pa_data_note_room(pa_data *d, size_t more);
/* Room for the name of one more unit. */
int pa_data_name_room(pa_data *d);
/* Room for at least `need` rows / one more row (doubling); 0 when out of memory or borrowed. */
int pa_data_grow_rows_to(pa_data *d, size_t need);
int pa_data_grow_rows(pa_data *d);

/* The file name of a path and the length of its stem ("data/2019.csv" → "2019.csv", 4); *dot
 * (optional) gets the extension's dot, or NULL. */
const char *pa_file_stem(const char *path, size_t *stem, const char **dot);
/* The period a file's name gives ("data/2019.csv", "2019年.csv" → "2019"), or ""; NULL when
 * out of memory. */
char *pa_period_of_name(const char *label);
/* Whether a path is a regular file (a pipe, a device or /dev/fd/N has no sibling periods). */
int pa_is_regular(const char *path);

#endif
