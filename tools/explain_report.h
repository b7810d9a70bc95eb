/* SPDX-License-Identifier: MIT */
/* pingan-index --explain: why each unit's index moved, for a person or as CSV or JSON. */
#ifndef PINGAN_TOOLS_EXPLAIN_REPORT_H
#define PINGAN_TOOLS_EXPLAIN_REPORT_H

#include <stdio.h>

#include <pingan/pingan.h>

/* Parts shown each way per unit in the text report. */
enum { EXPLAIN_SHOWN = 3 };

/* The text report: per unit, its change and the parts that moved it most each way. Returns 0,
 * or -1 when out of memory. */
int explain_report(FILE *f, const pa_explain *x, const char *title);

/* The whole --explain run once the result is computed: explain `node` (NULL: the index) in
 * period p, write to `output` (NULL: standard output) as text (format 0), CSV (1) or JSON
 * (2), a UTF-8 byte-order mark first when bom. Prints its own messages; returns the exit
 * status. */
int explain_main(const pa_model *model, const pa_result *res, size_t p, const char *node,
                 int format, const char *output, int bom);

#endif
