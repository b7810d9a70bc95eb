/* SPDX-License-Identifier: MIT */
/* Streaming CSV reader over libcsv: line/field positions, BOM, UTF-8, GB18030 or UTF-16 with a
 * BOM; comma, semicolon or TAB separated. */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define CHUNK (1u << 20)
#define MAX_FIELD (16u << 20)   /* longest field: far beyond any real cell, bounds memory */
#define MAX_FIELDS 100000L      /* most fields in one record */

/* What the bytes are: UTF-8 (checked), GB18030 (the fallback for non-UTF-8), or UTF-16 (told by
 * its byte-order mark); all but UTF-8 are converted to UTF-8 by iconv before parsing. */
enum { ENC_UTF8, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE };
static const char *const enc_names[] = { "UTF-8", "GB18030", "UTF-16LE", "UTF-16BE" };

typedef struct reader {
    const pa_csv_sink *sink;
    const char *name;
    pa_error *err;
    pa_status st;
    long line;          /* line of the byte being fed */
    long col;           /* fields seen in this record */
    long field_line;    /* line where the current field began (for unterminated quotes) */
    int pending_cr;     /* the last byte fed was a CR: a LF right after it ends no new line */
    /* UTF-8 validation state */
    int need;           /* continuation bytes still expected */
    unsigned char lo, hi; /* allowed range of the next continuation byte */
    long bad_line;
} reader;

static void
on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    r->col++;
    r->field_line = r->line;
    const pa_csv_direct *dr = r->sink->direct;
    if (dr && r->col <= dr->n && dr->col[r->col] >= 0 && *dr->row < *dr->room && s &&
        r->st == PA_OK) {
        double v;
        if (pa_parse_count(s, len, &v)) {
            dr->cols[dr->col[r->col]][*dr->row] = v;
            return;
        }
    }
    if (r->st != PA_OK)
        return;
    if (r->col > MAX_FIELDS) {
        r->st = pa_fail(r->err, PA_ERR_DATA, r->name, r->line, r->col,
                        "more than %ld fields in one record", MAX_FIELDS);
        return;
    }
    r->st = r->sink->field(r->sink->user, s ? (const char *)s : "", s ? len : 0, r->line,
                           r->col);
}

static void
on_row(int c, void *data)
{
    reader *r = data;
    (void)c;
    long ncols = r->col;
    r->col = 0;
    r->field_line = r->line + 1;
    if (r->st != PA_OK)
        return;
    r->st = r->sink->row(r->sink->user, r->line, ncols);
}

/* Incremental UTF-8 check (RFC 3629: no overlongs, no surrogates). -1 on the first bad byte,
 * with bad_line set to its line. */
static int
utf8_check(reader *r, const unsigned char *s, size_t n, long line0)
{
    size_t i = 0;
    for (; i < n; i++) {
        if (!r->need) {
            /* plain ASCII eight bytes at a time */
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, sizeof w);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            if (i >= n)
                break;
        }
        unsigned char c = s[i];
        if (r->need) {
            if (c < r->lo || c > r->hi)
                goto bad;
            r->need--;
            r->lo = 0x80;
            r->hi = 0xBF;
            continue;
        }
        if (c < 0x80)
            continue;
        r->lo = 0x80;
        r->hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            r->need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            r->need = 2;
            if (c == 0xE0)
                r->lo = 0xA0;
            else if (c == 0xED)
                r->hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            r->need = 3;
            if (c == 0xF0)
                r->lo = 0x90;
            else if (c == 0xF4)
                r->hi = 0x8F;
        } else {
            goto bad;
        }
    }
    return 0;
bad:
    r->bad_line = line0;
    for (size_t k = 0; k < i; k++) /* the error path only: count the lines before it */
        r->bad_line += s[k] == '\n' || (s[k] == '\r' && (k + 1 >= n || s[k + 1] != '\n'));
    return -1;
}

static pa_status
csv_status(reader *r, struct csv_parser *p, int at_end)
{
    int e = csv_error(p);
    if (e == CSV_ENOMEM || e == CSV_ETOOBIG)
        return pa_nomem(r->err);
    return pa_fail(r->err, PA_ERR_DATA, r->name, at_end ? r->field_line : r->line, r->col + 1, "%s",
                   at_end ? "unterminated quoted field at end of file"
                          : "malformed quoting (a quote inside an unquoted field, or text "
                            "after a closing quote)");
}

/* A NUL byte at s[at]: the fields before it are parsed so that its column is known. */
static pa_status
nul_byte(reader *r, struct csv_parser *p, const char *s, size_t at)
{
    if (csv_parse(p, s, at, on_field, on_row, r) != at)
        return csv_status(r, p, 0);
    if (r->st != PA_OK)
        return r->st;
    return pa_fail(r->err, PA_ERR_DATA, r->name, r->line, r->col + 1,
                   "a NUL byte: not a text file (UTF-16 text needs its byte-order mark; save "
                   "it as CSV UTF-8 or as Unicode text)");
}

/* Feed bytes to libcsv one line at a time so that every callback knows its line. A line ends
 * with LF, CRLF or a lone CR (old Mac files). */
static pa_status
feed(reader *r, struct csv_parser *p, const char *s, size_t n)
{
    if (n && r->pending_cr && *s == '\n') {
        if (csv_parse(p, s, 1, on_field, on_row, r) != 1)
            return csv_status(r, p, 0);
        s++;
        n--;
    }
    r->pending_cr = 0;
    /* the usual block: lines end with LF alone and hold no NUL; then only the LF is looked
     * for, line by line */
    int plain = !memchr(s, '\r', n) && !memchr(s, '\0', n);
    while (n) {
        const char *lf = memchr(s, '\n', n);
        const char *cr = plain ? NULL : memchr(s, '\r', lf ? (size_t)(lf - s) : n);
        const char *end = cr ? cr : lf;
        const char *nul = plain ? NULL : memchr(s, '\0', end ? (size_t)(end - s) : n);
        if (nul)
            return nul_byte(r, p, s, (size_t)(nul - s));
        size_t len = end ? (size_t)(end - s) + 1 : n;
        if (cr && len < n && s[len] == '\n')
            len++; /* CRLF */
        else if (cr && len == n)
            r->pending_cr = 1;
        if (csv_parse(p, s, len, on_field, on_row, r) != len)
            return csv_status(r, p, 0);
        if (r->st != PA_OK)
            return r->st;
        if (csv_get_buffer_size(p) > MAX_FIELD)
            return pa_fail(r->err, PA_ERR_DATA, r->name, r->field_line, r->col + 1,
                           "a field longer than %u MiB", MAX_FIELD >> 20);
        if (end)
            r->line++;
        s += len;
        n -= len;
    }
    return PA_OK;
}

typedef struct source {
    FILE *f;
    const char *bytes;
    size_t size, pos;
    long first_line;            /* line number of the first byte */
    int limited;                /* a file range: read at most `left` bytes */
    uint64_t left;
    int stop_at_quote;          /* a range that must hold no quote character */
    int quote_seen;
} source;

static size_t
source_read(source *src, char *buf, size_t cap)
{
    if (src->f) {
        if (src->limited && cap > src->left)
            cap = (size_t)src->left;
        size_t n = cap ? fread(buf, 1, cap, src->f) : 0;
        if (src->limited)
            src->left -= n;
        return n;
    }
    size_t n = src->size - src->pos;
    if (n > cap)
        n = cap;
    memcpy(buf, src->bytes + src->pos, n);
    src->pos += n;
    return n;
}

static int
source_rewind(source *src)
{
    if (src->f)
        return fseeko(src->f, 0, SEEK_SET);
    src->pos = 0;
    return 0;
}

/* The separator a header line uses: the one of comma, semicolon and TAB that splits it into
 * the most fields outside quotes; comma on a tie with it, TAB on a tie of the other two. */
static int
detect_sep(const char *s, size_t len)
{
    size_t n[3] = { 0, 0, 0 };
    int quoted = 0;
    for (size_t i = 0; i < len && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
        quoted ^= s[i] == '"';
        if (!quoted) {
            n[0] += s[i] == ',';
            n[1] += s[i] == ';';
            n[2] += s[i] == '\t';
        }
    }
    return n[2] > n[0] && n[2] >= n[1] ? '\t' : n[1] > n[0] ? ';' : ',';
}

/* The encoding of a file that starts with these bytes, as far as a BOM tells: UTF-16, or else
 * UTF-8 (GB18030 is only known after UTF-8 fails). */
static int
bom_encoding(const char *s, size_t n)
{
    if (n >= 2 && (unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE)
        return ENC_UTF16LE;
    if (n >= 2 && (unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF)
        return ENC_UTF16BE;
    return ENC_UTF8;
}

static pa_status
open_conv(reader *r, int enc, iconv_t *cd, char **conv)
{
    *cd = iconv_open("UTF-8", enc_names[enc]);
    if (*cd == (iconv_t)-1)
        return pa_fail(r->err, PA_ERR_IO, r->name, 0, 0, "%s conversion is not available",
                       enc_names[enc]);
    /* GB18030 and UTF-16 grow by at most half again in UTF-8 */
    *conv = pa_malloc(CHUNK * 2 + 16);
    return *conv ? PA_OK : pa_nomem(r->err);
}

/* Converts buf[skip, have) into conv; *carry is what is left of an incomplete character. */
static pa_status
convert(reader *r, int enc, iconv_t cd, char *buf, size_t skip, size_t have, int at_end,
        char *conv, size_t *out_len, size_t *carry)
{
    char *in = buf + skip, *outp = conv;
    size_t inleft = have - skip, outleft = CHUNK * 2 + 16;
    if (iconv(cd, &in, &inleft, &outp, &outleft) == (size_t)-1 && (errno != EINVAL || at_end)) {
        long line = r->line; /* count the lines converted before the bad byte */
        for (const char *q = conv; q < outp; q++)
            line += *q == '\n' || (*q == '\r' && (q + 1 == outp || q[1] != '\n'));
        if (enc != ENC_GB18030)
            return pa_fail(r->err, PA_ERR_DATA, r->name, line, 0,
                           "not valid %s text, though the file begins with its byte-order mark",
                           enc_names[enc]);
        /* report where the encoding that got further broke down */
        if (r->bad_line > line)
            line = r->bad_line;
        return pa_fail(r->err, PA_ERR_DATA, r->name, line, 0,
                       "the file is neither UTF-8 nor GB18030 text");
    }
    *carry = inleft;
    *out_len = (size_t)(outp - conv);
    return PA_OK;
}

/* The first block of a pass: drop a UTF-8 BOM, and set the separator (detected from the header
 * line unless the sink knows it). */
static void
first_block(reader *r, struct csv_parser *p, const source *src, const char **s, size_t *len)
{
    if (!src->first_line && *len >= 3 && memcmp(*s, "\xEF\xBB\xBF", 3) == 0) {
        *s += 3;
        *len -= 3;
    }
    int *sep = r->sink->sep;
    if (sep && !*sep)
        *sep = detect_sep(*s, *len);
    csv_set_delim(p, (unsigned char)(sep ? *sep : ','));
}

static void
reader_start(reader *r, const source *src)
{
    r->line = src->first_line ? src->first_line : 1;
    r->field_line = r->line;
    r->pending_cr = 0;
    r->col = 0;
    r->need = 0;
    r->st = PA_OK;
}

/* One pass over the source in encoding enc (UTF-8 turns into UTF-16 at a UTF-16 BOM). Sets
 * *retry when the bytes are not UTF-8 (or, in a file range, are UTF-16). */
static pa_status
read_pass(reader *r, source *src, char *buf, int enc, int *retry)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return pa_nomem(r->err);
    csv_set_realloc_func(&p, pa_realloc);
    csv_set_free_func(&p, pa_free);
    /* libcsv grows its field buffer by a fixed block (128 bytes by default): a long field
     * would take hundreds of thousands of reallocations */
    csv_set_blk_size(&p, 256u << 10);
    iconv_t cd = (iconv_t)-1;
    char *conv = NULL;
    pa_status st = PA_OK;
    if (enc != ENC_UTF8 && (st = open_conv(r, enc, &cd, &conv)) != PA_OK)
        goto out;
    reader_start(r, src);
    size_t carry = 0; /* bytes of an incomplete multibyte character kept for iconv */
    int first = 1;
    for (;;) {
        size_t n = source_read(src, buf + carry, CHUNK - carry), skip = 0;
        if (n == 0 && src->f && ferror(src->f)) {
            st = pa_fail(r->err, PA_ERR_IO, r->name, r->line, 0, "read error: %s",
                         strerror(errno));
            goto out;
        }
        size_t have = carry + n;
        if (have == 0)
            break;
        if (first && !src->first_line && enc == ENC_UTF8 &&
            (enc = bom_encoding(buf, have)) != ENC_UTF8) {
            if (src->limited) {
                *retry = 1; /* a range of a UTF-16 file: read it whole */
                goto out;
            }
            if ((st = open_conv(r, enc, &cd, &conv)) != PA_OK)
                goto out;
            skip = 2;
        }
        const char *s = buf;
        size_t len = have;
        if (enc != ENC_UTF8) {
            if ((st = convert(r, enc, cd, buf, skip, have, n == 0, conv, &len, &carry)) != PA_OK)
                goto out;
            s = conv;
        }
        if (src->stop_at_quote && memchr(s, '"', len)) {
            src->quote_seen = 1;
            goto out;
        }
        if (first)
            first_block(r, &p, src, &s, &len);
        first = 0;
        if (enc == ENC_UTF8 && utf8_check(r, (const unsigned char *)s, len, r->line) < 0) {
            *retry = 1;
            goto out;
        }
        st = feed(r, &p, s, len);
        if (st != PA_OK)
            goto out;
        if (enc != ENC_UTF8 && carry)
            memmove(buf, buf + (have - carry), carry);
        if (n == 0)
            break;
    }
    if (enc == ENC_UTF8 && r->need) {
        *retry = 1;
        goto out;
    }
    if (csv_fini(&p, on_field, on_row, r) != 0) {
        st = csv_status(r, &p, 1);
        goto out;
    }
    st = r->st;
out:
    csv_free(&p);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    pa_free(conv);
    return st;
}

static pa_status
read_source(source *src, const char *name, const pa_csv_sink *sink, pa_error *err)
{
    reader r = { .sink = sink, .name = name, .err = err };
    char *buf = pa_malloc(CHUNK);
    if (!buf)
        return pa_nomem(err);
    int retry = 0;
    pa_status st = read_pass(&r, src, buf, ENC_UTF8, &retry);
    if (st == PA_OK && retry) {
        /* Not UTF-8: Excel on a Chinese-locale Windows writes GB18030. */
        if (sink->reset)
            sink->reset(sink->user);
        if (source_rewind(src) != 0)
            st = pa_fail(err, PA_ERR_IO, name, 0, 0, "cannot rewind to re-read as GB18030");
        else
            st = read_pass(&r, src, buf, ENC_GB18030, &retry);
    }
    pa_free(buf);
    return st;
}

pa_status
pa_csv_read_file(const char *path, const pa_csv_sink *sink, pa_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pa_fail(err, PA_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    source src = { .f = f };
    pa_status st = read_source(&src, path, sink, err);
    fclose(f);
    return st;
}

pa_status
pa_csv_read_range(const char *path, uint64_t start, uint64_t end, long first_line,
                  int stop_at_quote, const pa_csv_sink *sink, int *fallback, long *last_line,
                  pa_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pa_fail(err, PA_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    *fallback = 0;
    if (fseeko(f, (off_t)start, SEEK_SET) != 0) {
        fclose(f);
        *fallback = 1;
        return PA_OK;
    }
    source src = { .f = f, .first_line = first_line, .limited = 1, .left = end - start,
                   .stop_at_quote = stop_at_quote };
    reader r = { .sink = sink, .name = path, .err = err };
    char *buf = pa_malloc(CHUNK);
    pa_status st = PA_OK;
    int retry = 0;
    if (!buf)
        st = pa_nomem(err);
    else
        st = read_pass(&r, &src, buf, ENC_UTF8, &retry);
    pa_free(buf);
    fclose(f);
    if (retry || src.quote_seen)
        *fallback = 1; /* not plain UTF-8 without quotes: the caller reads it whole */
    *last_line = r.line;
    return st;
}

pa_status
pa_csv_read_buffer(const char *bytes, size_t size, const char *name, const pa_csv_sink *sink,
                   pa_error *err)
{
    source src = { .bytes = bytes ? bytes : "", .size = bytes ? size : 0 };
    return read_source(&src, name ? name : "<buffer>", sink, err);
}

/* The CSV reader's test and decoder for a whole text in memory (a model file). */
pa_status
pa_text_to_utf8(const char *s, size_t n, const char *name, char **out, size_t *outlen,
                pa_error *err)
{
    reader r = { .name = name, .err = err };
    *out = NULL;
    if (utf8_check(&r, (const unsigned char *)s, n, 1) == 0 && !r.need)
        return PA_OK;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return pa_fail(err, PA_ERR_IO, name, 0, 0, "GB18030 conversion is not available");
    size_t cap = n * 2 + 16; /* GB18030 takes at least 2/3 of the bytes UTF-8 takes */
    char *buf = pa_malloc(cap), *in = (char *)s, *o = buf;
    size_t inleft = n, outleft = cap - 1;
    pa_status st = PA_OK;
    if (!buf)
        st = pa_nomem(err);
    else if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
        long line = 1; /* as for CSV: where the encoding that got further broke down */
        for (const char *q = buf; q < o; q++)
            line += *q == '\n';
        st = pa_fail(err, PA_ERR_MODEL, name, r.bad_line > line ? r.bad_line : line, 0,
                     "the file is neither UTF-8 nor GB18030 text");
    }
    iconv_close(cd);
    if (st != PA_OK) {
        pa_free(buf);
        return st;
    }
    *o = '\0';
    *out = buf;
    *outlen = (size_t)(o - buf);
    return PA_OK;
}
