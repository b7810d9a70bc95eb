/* SPDX-License-Identifier: MIT */
/* -f xlsx: the result as an Excel workbook (libxlsxwriter), through the public API only. */
#ifndef PINGAN_TOOLS_XLSX_H
#define PINGAN_TOOLS_XLSX_H

#include <stdio.h>

#include <pingan/pingan.h>

/* Whether the workbook of `r` fits Excel's sheets (1,048,576 rows, 16,384 columns): 0, or
 * prints one message and returns 1. Call before the output is opened, so that a result too
 * large leaves nothing behind. */
int xlsx_check(const pa_result *r);

/* Writes the workbook for period `period` to `out`: a summary sheet (units ranked by the
 * index; `title` above it), a sheet per group of indicators and a sheet of the index in every
 * period. The workbook is made whole in an unlinked temporary file ($TMPDIR, else /tmp) and
 * then copied, so `out` gets a whole workbook or nothing. Returns 0, or prints one message
 * and returns 1 (a write error on `out` is left in its error flag for the caller). */
int xlsx_write(FILE *out, const pa_result *r, size_t period, const char *title);

#endif
