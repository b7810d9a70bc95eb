/* SPDX-License-Identifier: MIT */
/* CSV and JSON writers: one row per unit, period and node; numbers read back exactly. */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct writer {
    const pa_result *r;
    FILE *f;
    const pa_write_options *o;
    size_t *on, n_on;           /* the nodes written, in order (a row loop skips no node) */
    size_t p0, p1;
} writer;

static void
num(FILE *f, double v)
{
    char buf[40];
    if (isnan(v))
        return;
    pa_format_number(v, buf, sizeof buf);
    fputs(buf, f);
}

static void
json_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("null", f);
    else
        num(f, v);
}

static const char *const flag_words[] = { "imputed", "winsorised_high", "winsorised_low",
                                          "log_CT", "boxcox", "screened_out", "low_coverage" };

/* Rows (CSV or JSON) are built in memory and written in large blocks; on big results two
 * threads format alternate blocks of units while the other writes, and the bytes are the same
 * as with one thread (blocks are written in order). */
typedef struct obuf {
    char *b;
    size_t n, cap;
    int failed;
} obuf;

/* Text being measured (b and f NULL), written into a block that has room for it, or
 * written to a stream. */
typedef struct textbuf {
    char *b;
    size_t n;
    FILE *f;
} textbuf;

static void
tb_text(textbuf *t, const char *s, size_t len)
{
    if (t->f)
        fwrite(s, 1, len, t->f);
    else if (t->b)
        memcpy(t->b + t->n, s, len);
    t->n += len;
}

/* A field as CSV: quoted (by libcsv) only when it must be. */
static void
tb_field(textbuf *t, const char *s)
{
    size_t len = strlen(s);
    if (!strpbrk(s, ",\"\r\n"))
        tb_text(t, s, len);
    else
        t->n += csv_write(t->b ? t->b + t->n : NULL, t->b ? (size_t)-1 : 0, s, len);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void
tb_json(textbuf *t, const char *s)
{
    tb_text(t, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\')
            tb_text(t, esc, (size_t)snprintf(esc, sizeof esc, "\\%c", *p));
        else if (*p == '\n')
            tb_text(t, "\\n", 2);
        else if (*p < 0x20)
            tb_text(t, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p));
        else
            tb_text(t, (const char *)p, 1);
    }
    tb_text(t, "\"", 1);
}

static void
json_str(FILE *f, const char *s)
{
    textbuf t = { .f = f };
    tb_json(&t, s);
}

void
pa_write_json_str(FILE *f, const char *s)
{
    json_str(f, s);
}

void
pa_write_number(FILE *f, double v, int json)
{
    if (json)
        json_num(f, v);
    else
        num(f, v);
}

void
pa_write_csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n"))
        csv_fwrite(f, s, strlen(s));
    else
        fputs(s, f);
}

typedef struct row_job {
    const writer *w;
    int json;
    /* the fixed parts of rows, quoted once and joined, all in one block. CSV: "period,",
     * "node,label,level,", band labels. JSON: …, "period": , …, "node": , …, "level": L,
     * "value": , and per band its ', "band": …, "colour": …'. A unit's part (CSV
     * "unit,name,", JSON {"unit": …) is made by the thread that writes its rows. */
    char **period, **node, **band, **base; /* base: CSV ",BASE", JSON ', "base": …' */
    size_t *period_len, *node_len, *band_len, *base_len;
    char *text;
    size_t band_max;            /* the longest band text */
    size_t base_max;            /* the longest base text */
    size_t flags_max;           /* every flag word with its separator and quotes */
    size_t first_node;          /* the first node written (JSON: no comma before the first row) */
    size_t chunk;               /* units per block */
    size_t n_chunks;
    pthread_mutex_t lock;
    pthread_cond_t turn_cv;
    size_t turn;                /* the block to be written next */
    int io_failed;
} row_job;

/* Room for `need` more bytes at the end of o (0 when out of memory). */
static int
ob_reserve(obuf *o, size_t need)
{
    if (o->n + need <= o->cap)
        return 1;
    size_t nc = o->cap ? o->cap * 2 : 1 << 16;
    while (nc < o->n + need)
        nc *= 2;
    char *b = pa_realloc(o->b, nc);
    if (!b) {
        o->failed = 1;
        return 0;
    }
    o->b = b;
    o->cap = nc;
    return 1;
}

/* Pieces of a row written straight into the block buffer, which has room for the longest row
 * (see format_rows): a number takes at most NUM_ROOM bytes. */
#define NUM_ROOM 48
/* the keys and punctuation of a JSON row besides its fixed parts, with room to spare */
#define JSON_KEYS 160

static inline char *
put(char *q, const char *s, size_t len)
{
    memcpy(q, s, len);
    return q + len;
}

#define PUT_LIT(q, s) put((q), (s), sizeof(s) - 1)

/* Short pieces are copied PIECE_ROOM bytes at a time whatever their length: one move, no
 * call and no strlen, a dozen times a row. The block buffer keeps PIECE_ROOM bytes to spare,
 * and the texts copied so (units, periods, nodes, bands) have PIECE_ROOM bytes after them. */
#define PIECE_ROOM 32
typedef struct piece {
    char s[PIECE_ROOM];
    size_t len;
} piece;
#define PIECE(lit) { lit, sizeof(lit) - 1 }

static inline char *
put_piece(char *q, const piece *p)
{
    memcpy(q, p->s, PIECE_ROOM);
    return q + p->len;
}

/* A text of the row job's block (PIECE_ROOM bytes readable past its end). */
static inline char *
put_text(char *q, const char *s, size_t len)
{
    if (len <= PIECE_ROOM)
        memcpy(q, s, PIECE_ROOM); /* a constant size: inlined */
    else
        memcpy(q, s, len);
    return q + len;
}

/* The punctuation of a row after its fixed parts: what follows the value, rate, score, rank,
 * band and base, value change, score change and percent change, then closes the row; how a missing number or
 * band is written; and how flags are quoted and joined. */
typedef struct row_format {
    piece after[8], end;
    piece missing, no_band;
    piece flag_quote, flag_sep;
} row_format;

static const row_format csv_format = {
    { PIECE(","), PIECE(","), PIECE(","), PIECE(","), PIECE(","), PIECE(","), PIECE(","),
      PIECE(",") },
    PIECE("\n"), PIECE(""), PIECE(""), PIECE(""), PIECE(";")
};
static const row_format json_format = {
    { PIECE(", \"rate\": "), PIECE(", \"score\": "), PIECE(", \"rank\": "), PIECE(""),
      PIECE(", \"value_change_pct\": "),
      PIECE(", \"score_change\": "), PIECE(", \"score_change_pct\": "), PIECE(", \"flags\": [") },
    PIECE("]}"), PIECE("null"), PIECE(", \"band\": null, \"colour\": null"), PIECE("\""),
    PIECE(", ")
};

static inline char *
put_num(char *q, double v, const row_format *fmt)
{
    return isnan(v) ? put_piece(q, &fmt->missing) : q + pa_format_number(v, q, NUM_ROOM);
}

/* The band of a score (as pa_result_band()), or -1. */
static inline long
band_of(const pa_result *r, size_t n, double s)
{
    for (size_t b = 0; b < r->n_bands && !isnan(s) && !r->node_penalty[n]; b++)
        if (s >= r->bands[b].threshold)
            return (long)b;
    return -1;
}

/* A unit's fixed part of its rows (measured when t->b and t->f are NULL). */
static void
unit_prefix(const row_job *j, const pa_result *r, size_t u, textbuf *t)
{
    if (j->json) {
        tb_text(t, "{\"unit\": ", 9);
        tb_json(t, r->unit_codes[u]);
        tb_text(t, ", \"period\": ", 12);
    } else {
        tb_field(t, r->unit_codes[u]);
        tb_text(t, ",", 1);
        tb_field(t, r->unit_names[u]);
        tb_text(t, ",", 1);
    }
}

/* CSV with a unit tree ([units]): the unit's level and parent, at the end of its rows so
 * that readers of the columns before keep working. */
static void
unit_suffix(const row_job *j, const pa_result *r, size_t u, textbuf *t)
{
    if (j->json || !r->tree)
        return;
    size_t l = 0, par = r->tree->parent[u];
    while (l + 1 < r->tree->n_levels && r->tree->level_first[l + 1] <= u)
        l++;
    tb_text(t, ",", 1);
    tb_field(t, r->tree->level_names[l]);
    tb_text(t, ",", 1);
    tb_field(t, par == PA_NONE ? "" : r->unit_codes[par]);
}

/* The rows of units [u0, u1) at the end of o; pre holds each unit's fixed part in turn. */
static void
format_rows(const row_job *j, size_t u0, size_t u1, obuf *o, obuf *pre)
{
    const writer *w = j->w;
    const pa_result *r = w->r;
    const size_t nflags = sizeof flag_words / sizeof *flag_words;
    for (size_t u = u0; u < u1; u++) {
        textbuf t = { 0 };
        unit_prefix(j, r, u, &t);
        size_t unit_len = t.n;
        t = (textbuf){ 0 };
        unit_suffix(j, r, u, &t);
        size_t suf_len = t.n;
        pre->n = 0;
        if (!ob_reserve(pre, unit_len + suf_len + 2 * PIECE_ROOM)) {
            o->failed = 1;
            return;
        }
        t = (textbuf){ .b = pre->b };
        unit_prefix(j, r, u, &t);
        memset(pre->b + unit_len, 0, PIECE_ROOM); /* read, never written, by put_text */
        char *suf = pre->b + unit_len + PIECE_ROOM;
        t = (textbuf){ .b = suf };
        unit_suffix(j, r, u, &t);
        memset(suf + suf_len, 0, PIECE_ROOM);
        for (size_t p = w->p0; p < w->p1; p++) {
            for (size_t i = 0; i < w->n_on; i++) {
                size_t n = w->on[i];
                /* the longest row: fixed parts, six numbers and a rank, a band and a base,
                 * every flag */
                if (!ob_reserve(o, unit_len + j->period_len[p] + j->node_len[n] +
                                       7 * NUM_ROOM + j->band_max + j->base_max +
                                       j->flags_max + JSON_KEYS + suf_len +
                                       PIECE_ROOM))
                    return;
                char *q = o->b + o->n;
                size_t vn = pa_value_node(r, n);
                double v = vn != PA_NONE ? pa_cell_value(r, vn, p, u) : NAN;
                double s = PA_SCORE(r, n, p, u);
                double vb = pa_base_value(r, vn, p, u);
                double sb = pa_base_score(r, n, p, u);
                long rk = r->rank[n] ? r->rank[n][p * r->nu + u] : 0;
                long band = band_of(r, n, s);
                unsigned fl = r->flags[PA_CELL(r, n, p, u)];
                const row_format *fmt = j->json ? &json_format : &csv_format;
                if (j->json) {
                    if (!(u == 0 && p == w->p0 && n == j->first_node))
                        *q++ = ',';
                    q = PUT_LIT(q, "\n    ");
                }
                /* CSV: "unit,name," "period," "node,label,level,"; JSON: up to "value": */
                q = put_text(q, pre->b, unit_len);
                q = put_text(q, j->period[p], j->period_len[p]);
                q = put_text(q, j->node[n], j->node_len[n]);
                q = put_piece(put_num(q, v, fmt), &fmt->after[0]);
                q = put_piece(put_num(q, pa_cell_rate(r, n, p, u), fmt), &fmt->after[1]);
                q = put_piece(put_num(q, s, fmt), &fmt->after[2]);
                q = put_piece(rk ? pa_put_uint(q, (uint64_t)rk) : put_piece(q, &fmt->missing),
                              &fmt->after[3]); /* ranks start at 1 */
                q = band >= 0 ? put_text(q, j->band[band], j->band_len[band])
                              : put_piece(q, &fmt->no_band);
                q = put_text(q, j->base[p], j->base_len[p]);
                q = put_piece(q, &fmt->after[4]);
                q = put_piece(put_num(q, pa_pct(v, vb), fmt), &fmt->after[5]);
                q = put_piece(put_num(q, pa_diff(s, sb), fmt), &fmt->after[6]);
                q = put_piece(put_num(q, pa_pct(s, sb), fmt), &fmt->after[7]);
                for (unsigned bit = 0, first = 1; fl && bit < nflags; bit++)
                    if (fl & (1u << bit)) {
                        if (!first)
                            q = put_piece(q, &fmt->flag_sep);
                        q = put_piece(q, &fmt->flag_quote);
                        q = put(q, flag_words[bit], strlen(flag_words[bit]));
                        q = put_piece(q, &fmt->flag_quote);
                        first = 0;
                    }
                q = put_text(q, suf, suf_len);
                q = put_piece(q, &fmt->end);
                o->n = (size_t)(q - o->b);
            }
        }
    }
}

/* Format blocks first, first + step, … and write each in its turn. */
static void
row_blocks(row_job *j, size_t first, size_t step, obuf *o, obuf *pre)
{
    const pa_result *r = j->w->r;
    for (size_t c = first; c < j->n_chunks; c += step) {
        o->n = 0;
        size_t u0 = c * j->chunk, u1 = u0 + j->chunk < r->nu ? u0 + j->chunk : r->nu;
        format_rows(j, u0, u1, o, pre);
        pthread_mutex_lock(&j->lock);
        while (j->turn != c)
            pthread_cond_wait(&j->turn_cv, &j->lock);
        pthread_mutex_unlock(&j->lock);
        int bad = o->failed || fwrite(o->b, 1, o->n, j->w->f) != o->n;
        pthread_mutex_lock(&j->lock);
        j->io_failed |= bad;
        j->turn++;
        pthread_cond_broadcast(&j->turn_cv);
        pthread_mutex_unlock(&j->lock);
    }
}

typedef struct row_worker {
    row_job *job;
    obuf buf, pre;
} row_worker;

static void *
row_worker_main(void *arg)
{
    row_worker *rw = arg;
    row_blocks(rw->job, 1, 2, &rw->buf, &rw->pre);
    return NULL;
}

static pa_status
row_prefixes(row_job *j, const pa_result *r)
{
    size_t n = r->np + r->nn + r->n_bands + r->np + 1;
    j->period = pa_malloc(n * sizeof *j->period);
    j->period_len = pa_malloc(n * sizeof *j->period_len);
    if (!j->period || !j->period_len)
        return PA_ERR_NOMEM;
    j->node = j->period + r->np, j->band = j->node + r->nn, j->base = j->band + r->n_bands;
    j->node_len = j->period_len + r->np, j->band_len = j->node_len + r->nn;
    j->base_len = j->band_len + r->n_bands;
    void (*str)(textbuf *, const char *) = j->json ? tb_json : tb_field;
    textbuf t = { 0 };
    for (int pass = 0; pass < 2; pass++) { /* measure, then write */
        t.n = 0;
        for (size_t p = 0; p < r->np; p++) {
            size_t at = t.n;
            str(&t, r->periods[p]);
            tb_text(&t, j->json ? ", \"node\": " : ",", j->json ? 10 : 1);
            j->period_len[p] = t.n - at;
        }
        for (size_t k = 0; k < r->nn; k++) {
            size_t at = t.n;
            char level[48];
            str(&t, r->node_codes[k]);
            if (j->json) {
                tb_text(&t, level, (size_t)snprintf(level, sizeof level,
                                                    ", \"level\": %d, \"value\": ",
                                                    r->node_level[k]));
            } else {
                tb_text(&t, ",", 1);
                str(&t, r->node_labels[k]);
                tb_text(&t, level, (size_t)snprintf(level, sizeof level, ",%d,",
                                                    r->node_level[k]));
            }
            j->node_len[k] = t.n - at;
        }
        for (size_t b = 0; b < r->n_bands; b++) {
            size_t at = t.n;
            if (j->json) {
                tb_text(&t, ", \"band\": ", 10);
                str(&t, r->bands[b].label);
                tb_text(&t, ", \"colour\": ", 12);
                if (r->bands[b].colour && *r->bands[b].colour)
                    str(&t, r->bands[b].colour);
                else
                    tb_text(&t, "null", 4);
            } else {
                str(&t, r->bands[b].label);
            }
            j->band_len[b] = t.n - at;
            j->band_max = j->band_len[b] > j->band_max ? j->band_len[b] : j->band_max;
        }
        for (size_t p = 0; p < r->np; p++) {
            size_t at = t.n;
            const char *b = r->base_label[p];
            tb_text(&t, j->json ? ", \"base\": " : ",", j->json ? 10 : 1);
            if (b)
                str(&t, b);
            else if (j->json)
                tb_text(&t, "null", 4);
            j->base_len[p] = t.n - at;
            j->base_max = j->base_len[p] > j->base_max ? j->base_len[p] : j->base_max;
        }
        if (pass == 0 && !(t.b = j->text = pa_malloc(t.n + PIECE_ROOM))) /* see put_text */
            return PA_ERR_NOMEM;
    }
    memset(j->text + t.n, 0, PIECE_ROOM);
    char *s = j->text;
    for (size_t i = 0; i + 1 < n; i++) { /* the lengths in order are the pieces of the block */
        j->period[i] = s;
        s += j->period_len[i];
    }
    return PA_OK;
}

/* The rows, after whatever the format writes before them. */
static pa_status
write_rows(writer *w, int json, pa_error *err)
{
    const pa_result *r = w->r;
    row_job j = { .w = w, .json = json };
    obuf main_buf = { 0 }, main_pre = { 0 };
    pa_status st = PA_OK;
    for (size_t f = 0; f < sizeof flag_words / sizeof *flag_words; f++)
        j.flags_max += strlen(flag_words[f]) + 4;
    j.first_node = w->n_on ? w->on[0] : r->nn;
    if (row_prefixes(&j, r) != PA_OK) {
        st = pa_nomem(err);
        goto out;
    }
    size_t rows_per_unit = (w->p1 - w->p0) * r->nn;
    j.chunk = rows_per_unit ? (32768 + rows_per_unit - 1) / rows_per_unit : r->nu;
    if (j.chunk == 0)
        j.chunk = 1;
    j.n_chunks = (r->nu + j.chunk - 1) / j.chunk;
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.turn_cv, NULL);
    row_worker rw = { .job = &j };
    pthread_t th;
    int threaded = j.n_chunks > 1 && pthread_create(&th, NULL, row_worker_main, &rw) == 0;
    row_blocks(&j, 0, threaded ? 2 : 1, &main_buf, &main_pre);
    if (threaded) {
        pthread_join(th, NULL);
    }
    pthread_mutex_destroy(&j.lock);
    pthread_cond_destroy(&j.turn_cv);
    pa_free(rw.buf.b);
    pa_free(rw.pre.b);
    if (main_buf.failed || rw.buf.failed)
        st = pa_nomem(err);
    else if (j.io_failed)
        st = pa_fail(err, PA_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
out:
    pa_free(j.period);
    pa_free(j.period_len);
    pa_free(j.text);
    pa_free(main_buf.b);
    pa_free(main_pre.b);
    return st;
}

static pa_status
write_csv(writer *w, pa_error *err)
{
    fprintf(w->f, "unit,name,period,node,label,level,value,rate,score,rank,band,base,"
            "value_change_pct,score_change,score_change_pct,flags%s\n",
            w->r->tree ? ",unit_level,parent" : "");
    return write_rows(w, 0, err);
}

/* A unit's level and parent ([units]): "level", "level_name", "parent" (code or null). */
static void
json_unit_tree(FILE *f, const pa_result *r, size_t u)
{
    if (!r->tree)
        return;
    size_t l = 0, par = r->tree->parent[u];
    while (l + 1 < r->tree->n_levels && r->tree->level_first[l + 1] <= u)
        l++;
    fprintf(f, ", \"unit_level\": %zu, \"unit_level_name\": ", l);
    json_str(f, r->tree->level_names[l]);
    fputs(", \"parent\": ", f);
    if (par == PA_NONE)
        fputs("null", f);
    else
        json_str(f, r->unit_codes[par]);
}

static pa_status
write_json(writer *w, pa_error *err)
{
    const pa_result *r = w->r;
    FILE *f = w->f;
    fputs("{\n  \"periods\": [", f);
    for (size_t p = 0; p < r->np; p++) {
        if (p)
            fputs(", ", f);
        json_str(f, r->periods[p]);
    }
    fputs("],\n  \"units\": [", f);
    for (size_t u = 0; u < r->nu; u++) {
        fputs(u ? ",\n    {\"code\": " : "\n    {\"code\": ", f);
        json_str(f, r->unit_codes[u]);
        fputs(", \"name\": ", f);
        json_str(f, r->unit_names[u]);
        json_unit_tree(f, r, u);
        fprintf(f, ", \"ranked\": %s, \"coverage\": [", r->reference[u] ? "false" : "true");
        for (size_t p = 0; p < r->np; p++) {
            if (p)
                fputs(", ", f);
            json_num(f, r->coverage[p * r->nu + u]);
        }
        fputs("]}", f);
    }
    fputs("\n  ],\n  \"nodes\": [", f);
    for (size_t i = 0; i < w->n_on; i++) {
        size_t n = w->on[i];
        fputs(i ? ",\n    {\"code\": " : "\n    {\"code\": ", f);
        json_str(f, r->node_codes[n]);
        fputs(", \"label\": ", f);
        json_str(f, r->node_labels[n]);
        fputs(", \"unit\": ", f);
        json_str(f, r->node_units[n]);
        fprintf(f, ", \"level\": %d, \"penalty\": %s, \"parent\": ", r->node_level[n],
                r->node_penalty[n] ? "true" : "false");
        if (r->node_parent[n] == PA_NONE)
            fputs("null", f);
        else
            json_str(f, r->node_codes[r->node_parent[n]]);
        fputc('}', f);
    }
    fputs("\n  ],\n  \"rows\": [", f);
    pa_status st = write_rows(w, 1, err);
    fputs("\n  ]\n}\n", f);
    return st;
}

pa_status
pa_result_write(const pa_result *r, FILE *f, pa_format format, const pa_write_options *o,
                pa_error *err)
{
    if (!r || !f)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    if (format != PA_FORMAT_CSV && format != PA_FORMAT_JSON)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "unknown format %d", (int)format);
    writer w = { .r = r, .f = f, .o = o, .p0 = 0, .p1 = r->np };
    if (o && o->period) {
        size_t p = pa_result_period_find(r, o->period);
        if (p == PA_NONE)
            return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "no period '%s' in the data",
                           o->period);
        w.p0 = p;
        w.p1 = p + 1;
    }
    unsigned char *node_on = pa_malloc(r->nn ? r->nn : 1); /* the set; w.on lists it */
    w.on = pa_malloc((r->nn ? r->nn : 1) * sizeof *w.on);
    pa_status st = PA_OK;
    if (!node_on || !w.on) {
        st = pa_nomem(err);
        goto out;
    }
    int all = !(o && o->nodes && o->n_nodes);
    for (size_t n = 0; n < r->nn; n++) /* all: every node the result holds */
        node_on[n] = all && pa_held(r, n);
    for (size_t i = 0; !all && i < o->n_nodes; i++) {
        size_t n = pa_result_node_find(r, o->nodes[i]);
        if (n == PA_NONE || !pa_held(r, n)) {
            st = pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0,
                         n == PA_NONE ? "no node '%s' in the model"
                                      : "node '%s' was not kept by pa_compute_nodes",
                         o->nodes[i]);
            goto out;
        }
        node_on[n] = 1;
    }
    for (size_t n = 0; n < r->nn; n++)
        if (node_on[n]) {
            if ((st = pa_rank_node(r, n, err)) != PA_OK)
                goto out;
            w.on[w.n_on++] = n;
        }
    st = format == PA_FORMAT_CSV ? write_csv(&w, err) : write_json(&w, err);
out:
    pa_free(node_on);
    pa_free(w.on);
    if (st != PA_OK)
        return st;
    if (fflush(f) != 0 || ferror(f))
        return pa_fail(err, PA_ERR_IO, NULL, 0, 0, "write error: %s", strerror(errno));
    return PA_OK;
}
