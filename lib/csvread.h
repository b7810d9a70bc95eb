/* SPDX-License-Identifier: MIT */
/* CSV reading through libcsv (csvread.c). */
#ifndef PA_CSVREAD_H
#define PA_CSVREAD_H

#include "base.h"

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

#endif
