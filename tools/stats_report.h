/* SPDX-License-Identifier: MIT */
/* pingan-index --stats: indicator statistics as a report for a person, or as CSV or JSON. */
#ifndef PINGAN_TOOLS_STATS_REPORT_H
#define PINGAN_TOOLS_STATS_REPORT_H

#include <stdio.h>

#include <pingan/pingan.h>

/* The text report: flags first, then the tables. Returns 0, or -1 when out of memory. */
int stats_report(FILE *f, const pa_stats *s);

/* The whole --stats run once the data is read: compute, write to `output` (NULL: standard
 * output) as text (format 0), CSV (1) or JSON (2). Prints its own messages; returns the exit
 * status. */
int stats_main(const pa_model *model, const pa_data *data, const char *period, int format,
               const char *output);

#endif
