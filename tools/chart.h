/* SPDX-License-Identifier: MIT */
/* Charts of a result, drawn with cairo and pango into SVG, PNG or PDF (public API only). */
#ifndef PINGAN_TOOLS_CHART_H
#define PINGAN_TOOLS_CHART_H

#include <stddef.h>
#include <stdio.h>

#include <pingan/pingan.h>

typedef enum chart_kind { CHART_TREND, CHART_RANKING, CHART_CORRELATION,
                          CHART_CONTRIBUTIONS,
                          CHART_UNCERTAINTY } chart_kind;
typedef enum chart_format { CHART_SVG, CHART_PNG, CHART_PDF } chart_format;

/* --chart's argument; prints one usage message and returns 2 when it names no chart this
 * version draws, else 0. */
int chart_parse_kind(const char *s, chart_kind *kind);

/* The format -o's suffix names (.svg .png .pdf, any case); SVG into a device or FIFO without
 * one (/dev/stdout); without -o, SVG to standard output unless that is a terminal. Prints one usage message and returns 2 on failure, else 0. */
int chart_parse_output(const char *path, chart_format *fmt);

/* Draws a chart of period p (trend: every period) into f; returns 0, or -1 after one message
 * on standard error. CHART_CORRELATION is drawn by chart_write_heatmap instead. */
int chart_write(FILE *f, chart_format fmt, chart_kind kind, const pa_result *r, size_t p,
                const char *title);

/* A square matrix with labels, read through callbacks (the statistics own the numbers). */
typedef struct chart_matrix {
    size_t n;
    const char *(*label)(void *ctx, size_t i);
    double (*value)(void *ctx, size_t i, size_t j); /* in [-1, 1]; NaN when undefined */
    void *ctx;
} chart_matrix;

/* A heat map of m (correlations: blue −1, white 0, red +1, grey undefined). As chart_write. */
int chart_write_heatmap(FILE *f, chart_format fmt, const char *title, const chart_matrix *m);

/* A band colour as CSS "#rrggbb" (named colours such as blue or 红, or #rgb / #rrggbb; grey
 * for anything else), the colour the charts draw it in. */
void chart_colour_hex(const char *name, char out[8]);

/* The heat map of the Pearson correlations of the indicators in period p (pa_stats_compute on
 * model and data), labelled with r's node labels. As chart_write. */
int chart_write_correlation(FILE *f, chart_format fmt, const pa_model *model,
                            const pa_data *data, const pa_result *r, size_t p, const char *title);

/* --explain of `node` (NULL: the index) in period p as bars: per unit its parts, those that
 * raised the score right of 0 and those that lowered it left, and a mark at the net change.
 * As chart_write. */
int chart_write_contributions(FILE *f, chart_format fmt, const pa_model *model,
                              const pa_result *r, size_t p, const char *node,
                              const char *title);

/* Each unit's nominal rank, median and 5–95 % interval over an uncertainty run (units in
 * nominal order, rank 1 on the left). As chart_write. */
int chart_write_uncertainty(FILE *f, chart_format fmt, const pa_uncertainty *u,
                            const char *title);

/* An SVG chart into memory, its ids prefixed with `id_prefix` so that several can be inlined
 * in one HTML page; *out is malloc'd (NUL-terminated), the caller frees it. As chart_write. */
int chart_svg_string(char **out, chart_kind kind, const pa_result *r, size_t p,
                     const char *title, const char *id_prefix);

#endif
