/* SPDX-License-Identifier: MIT */
/* Data columns, shared by a data set and its results (data.c). */
#ifndef PA_COLUMN_H
#define PA_COLUMN_H

#include "base.h"

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

#endif
