/* SPDX-License-Identifier: MIT */
/* pingan-index --uncertainty N / --sensitivity N: the runs, and their report for a person or as
 * CSV or JSON. */
#ifndef PINGAN_TOOLS_UNCERTAINTY_REPORT_H
#define PINGAN_TOOLS_UNCERTAINTY_REPORT_H

#include <stdio.h>

#include <pingan/pingan.h>

/* The text report of an uncertainty or sensitivity run. */
void uncertainty_report(FILE *f, const pa_uncertainty *u, int sensitivity, size_t n);

/* The whole run once the data is read: n runs (sensitivity: a base sample of n) for `period`
 * and `node` (NULL: the latest, the index), written to `output` (NULL: standard output) as
 * text (format 0), CSV (1) or JSON (2), or as the uncertainty chart when chart_fmt >= 0 (a
 * chart_format). Prints its own messages; returns the exit status. */
int uncertainty_main(const pa_model *model, const pa_data *data, size_t n, int sensitivity,
                     const char *period, const char *node, int format, int chart_fmt,
                     const char *output);

#endif
