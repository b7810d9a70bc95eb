/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/csvread.c: positions of fields and rows, CRLF, BOM, quoting, blank lines,
 * GB18030 fallback, malformed input. A recording sink keeps what the reader sends. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "../testutil.h"


typedef struct rec_field {
    char *s;
    size_t len;
    long line, col;
} rec_field;

typedef struct rec_row {
    long line, ncols;
    size_t first_field; /* index into fields of the row's first field */
} rec_row;

typedef struct recorder {
    rec_field *fields;
    size_t n_fields, cap_fields;
    rec_row *rows;
    size_t n_rows, cap_rows;
    size_t row_start;
    int resets;
    long fail_at_field; /* 1-based field count at which to return PA_ERR_DATA, 0: never */
    size_t fields_seen;
    int nul_terminated; /* every field was NUL-terminated at len */
} recorder;

static pa_status
rec_field_cb(void *user, const char *s, size_t len, long line, long col)
{
    recorder *r = user;
    r->fields_seen++;
    if (r->fail_at_field && (long)r->fields_seen == r->fail_at_field)
        return PA_ERR_DATA;
    if (s[len] != '\0')
        r->nul_terminated = 0;
    if (r->n_fields == r->cap_fields) {
        r->cap_fields = r->cap_fields ? r->cap_fields * 2 : 64;
        r->fields = realloc(r->fields, r->cap_fields * sizeof *r->fields);
        assert_non_null(r->fields);
    }
    rec_field *f = &r->fields[r->n_fields++];
    f->s = malloc(len + 1);
    assert_non_null(f->s);
    memcpy(f->s, s, len);
    f->s[len] = '\0';
    f->len = len;
    f->line = line;
    f->col = col;
    return PA_OK;
}

static pa_status
rec_row_cb(void *user, long line, long ncols)
{
    recorder *r = user;
    if (r->n_rows == r->cap_rows) {
        r->cap_rows = r->cap_rows ? r->cap_rows * 2 : 64;
        r->rows = realloc(r->rows, r->cap_rows * sizeof *r->rows);
        assert_non_null(r->rows);
    }
    r->rows[r->n_rows++] = (rec_row){ line, ncols, r->row_start };
    r->row_start = r->n_fields;
    return PA_OK;
}

static void
rec_clear(recorder *r)
{
    for (size_t i = 0; i < r->n_fields; i++)
        free(r->fields[i].s);
    r->n_fields = 0;
    r->n_rows = 0;
    r->row_start = 0;
}

static void
rec_reset_cb(void *user)
{
    recorder *r = user;
    r->resets++;
    rec_clear(r);
}

static void
rec_init(recorder *r, pa_csv_sink *sink)
{
    memset(r, 0, sizeof *r);
    r->nul_terminated = 1;
    *sink = (pa_csv_sink){ .user = r, .field = rec_field_cb, .row = rec_row_cb,
                           .reset = rec_reset_cb };
}

static void
rec_free(recorder *r)
{
    rec_clear(r);
    free(r->fields);
    free(r->rows);
}

/* Read a NUL-terminated buffer. */
static pa_status
read_str(const char *text, recorder *r, pa_error *err)
{
    pa_csv_sink sink;
    rec_init(r, &sink);
    memset(err, 0, sizeof *err);
    return pa_csv_read_buffer(text, strlen(text), "t.csv", &sink, err);
}

static void
expect_field(const recorder *r, size_t i, const char *s, long line, long col)
{
    assert_true(i < r->n_fields);
    assert_string_equal(r->fields[i].s, s);
    assert_true(r->fields[i].len == strlen(s));
    assert_int_equal(r->fields[i].line, line);
    assert_int_equal(r->fields[i].col, col);
}

static void
expect_row(const recorder *r, size_t i, long line, long ncols)
{
    assert_true(i < r->n_rows);
    assert_int_equal(r->rows[i].line, line);
    assert_int_equal(r->rows[i].ncols, ncols);
}

static void
test_positions(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* 2 records: header on line 1, data on line 2; an empty field still counts as a field */
    assert_int_equal(read_str("unit,a,b\nu1,,3\n", &r, &e), PA_OK);
    assert_true(r.n_fields == 6);
    expect_field(&r, 0, "unit", 1, 1);
    expect_field(&r, 1, "a", 1, 2);
    expect_field(&r, 2, "b", 1, 3);
    expect_field(&r, 3, "u1", 2, 1);
    expect_field(&r, 4, "", 2, 2);
    expect_field(&r, 5, "3", 2, 3);
    assert_true(r.n_rows == 2);
    expect_row(&r, 0, 1, 3);
    expect_row(&r, 1, 2, 3);
    assert_true(r.nul_terminated);
    assert_int_equal(r.resets, 0);
    rec_free(&r);
}

static void
test_no_final_newline_and_ragged(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* the last record has no newline: still delivered on line 3; the reader does not judge
     * a short row (2 fields under a 3-field header), it reports ncols = 2 */
    assert_int_equal(read_str("a,b,c\n1,2\n3,4,5", &r, &e), PA_OK);
    assert_true(r.n_rows == 3);
    expect_row(&r, 0, 1, 3);
    expect_row(&r, 1, 2, 2);
    expect_row(&r, 2, 3, 3);
    expect_field(&r, 7, "5", 3, 3);
    rec_free(&r);
}

static void
test_crlf(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* CR LF line ends: no '\r' in any field, lines 1, 2, 3 */
    assert_int_equal(read_str("a,b\r\n1,2\r\n3,4\r\n", &r, &e), PA_OK);
    assert_true(r.n_fields == 6);
    expect_field(&r, 0, "a", 1, 1);
    expect_field(&r, 1, "b", 1, 2);
    expect_field(&r, 3, "2", 2, 2);
    expect_field(&r, 5, "4", 3, 2);
    assert_true(r.n_rows == 3);
    expect_row(&r, 2, 3, 2);
    rec_free(&r);
}

static void
test_cr_only_line_ends(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* old Mac files end lines with a lone CR: still lines 1, 2, 3 */
    assert_int_equal(read_str("a,b\r1,2\r3,4\r", &r, &e), PA_OK);
    assert_true(r.n_rows == 3);
    expect_row(&r, 0, 1, 2);
    expect_row(&r, 1, 2, 2);
    expect_row(&r, 2, 3, 2);
    expect_field(&r, 5, "4", 3, 2);
    rec_free(&r);
}

static void
test_crlf_across_chunk_boundary(void **state)
{
    (void)state;
    /* The reader works in chunks of 1 MiB (1 << 20 bytes). Put the CR of a CR LF at the last
     * byte of the first chunk and its LF at the first byte of the second: it must still end
     * one line, not two. Layout: "v\n" (offsets 0-1), 524286 rows "1\n" (offsets 2 to
     * 1048573), "1\r\n" with its CR at 1048575, then "2\n".
     * Lines: header 1, the "1" rows 2..524287, the CR LF row 524288, the "2" row 524289. */
    enum { CHUNK = 1 << 20, ROWS = (CHUNK - 2 - 2) / 2 };
    size_t cap = 2 + (size_t)ROWS * 2 + 3 + 2;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t len = 0;
    memcpy(buf, "v\n", 2);
    len = 2;
    for (int i = 0; i < ROWS; i++) {
        memcpy(buf + len, "1\n", 2);
        len += 2;
    }
    memcpy(buf + len, "1\r\n2\n", 5);
    assert_true(buf[CHUNK - 1] == '\r' && buf[CHUNK] == '\n');
    len += 5;
    recorder r;
    pa_csv_sink sink;
    rec_init(&r, &sink);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_csv_read_buffer(buf, len, "big.csv", &sink, &e), PA_OK);
    assert_true(r.n_rows == (size_t)ROWS + 3);
    expect_row(&r, ROWS + 1, ROWS + 2, 1);
    expect_field(&r, r.n_fields - 1, "2", ROWS + 3, 1);
    expect_row(&r, ROWS + 2, ROWS + 3, 1);
    rec_free(&r);
    free(buf);
}

static void
test_bom(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* EF BB BF is stripped: the first header is "unit", not "\xEF\xBB\xBFunit" */
    assert_int_equal(read_str("\xEF\xBB\xBFunit,a\nu1,1\n", &r, &e), PA_OK);
    expect_field(&r, 0, "unit", 1, 1);
    expect_field(&r, 2, "u1", 2, 1);
    /* only a leading BOM is special: one in the middle of a field is data */
    rec_free(&r);
    assert_int_equal(read_str("a,b\nx\xEF\xBB\xBF,1\n", &r, &e), PA_OK);
    expect_field(&r, 2, "x\xEF\xBB\xBF", 2, 1);
    rec_free(&r);
}

static void
test_quoted_field_with_comma_and_newline(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* line 1: a,b
     * line 2: "x,y      (the quoted field goes on)
     * line 3: z ""q""",2   (doubled quotes are one quote)
     * line 4: 3,4        (must still be line 4) */
    assert_int_equal(read_str("a,b\n\"x,y\nz \"\"q\"\"\",2\n3,4\n", &r, &e), PA_OK);
    assert_true(r.n_fields == 6);
    assert_string_equal(r.fields[2].s, "x,y\nz \"q\"");
    assert_int_equal(r.fields[2].col, 1);
    assert_true(r.fields[2].line == 2 || r.fields[2].line == 3); /* start or end of the field */
    expect_field(&r, 3, "2", 3, 2);
    expect_row(&r, 1, 3, 2); /* the record ended on line 3 */
    expect_field(&r, 4, "3", 4, 1);
    expect_field(&r, 5, "4", 4, 2);
    expect_row(&r, 2, 4, 2);
    rec_free(&r);
    /* quoted fields keep their blanks and may be empty */
    assert_int_equal(read_str("a,b\n\" x \",\"\"\n", &r, &e), PA_OK);
    expect_field(&r, 2, " x ", 2, 1);
    expect_field(&r, 3, "", 2, 2);
    rec_free(&r);
}

static void
test_blank_lines(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* line 1 blank, 2 header, 3 blank, 4 data, 5 and 6 blank (one CRLF), 7 data */
    assert_int_equal(read_str("\na,b\n\n1,2\n\n\r\n3,4\n\n", &r, &e), PA_OK);
    assert_true(r.n_rows == 3);
    expect_row(&r, 0, 2, 2);
    expect_row(&r, 1, 4, 2);
    expect_row(&r, 2, 7, 2);
    expect_field(&r, 0, "a", 2, 1);
    expect_field(&r, 2, "1", 4, 1);
    expect_field(&r, 5, "4", 7, 2);
    rec_free(&r);
}

static void
test_empty_input(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    assert_int_equal(read_str("", &r, &e), PA_OK);
    assert_true(r.n_fields == 0 && r.n_rows == 0);
    rec_free(&r);
    /* a NULL buffer reads as empty */
    pa_csv_sink sink;
    rec_init(&r, &sink);
    assert_int_equal(pa_csv_read_buffer(NULL, 5, NULL, &sink, &e), PA_OK);
    assert_true(r.n_fields == 0);
    rec_free(&r);
}

/* "unit,name\nxz,香洲区\n" in GB18030 (python3: "…".encode("gb18030")):
 * 香 = CF E3, 洲 = D6 DE, 区 = C7 F8. */
static const char gb_text[] = "unit,name\nxz,\xcf\xe3\xd6\xde\xc7\xf8\n";

static void
test_gb18030(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    assert_int_equal(read_str(gb_text, &r, &e), PA_OK);
    assert_int_equal(r.resets, 1); /* the reader restarted in GB18030 */
    assert_true(r.n_fields == 4);
    expect_field(&r, 0, "unit", 1, 1);
    expect_field(&r, 2, "xz", 2, 1);
    /* 香洲区 in UTF-8: E9 A6 99, E6 B4 B2, E5 8C BA */
    expect_field(&r, 3, "\xe9\xa6\x99\xe6\xb4\xb2\xe5\x8c\xba", 2, 2);
    assert_true(r.n_rows == 2);
    expect_row(&r, 1, 2, 2);
    rec_free(&r);
}

static void
test_gb18030_after_a_valid_utf8_megabyte(void **state)
{
    (void)state;
    /* More than the reader's 1 MiB chunk of ASCII rows, then a GB18030 row: the first pass
     * has already delivered rows when it finds the GB18030 bytes, so the sink must be reset
     * and everything delivered again exactly once. 300000 rows of "u,1\n" = 1.2 MB. */
    enum { N = 300000 };
    size_t cap = 16 + (size_t)N * 4 + sizeof gb_text;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t len = 0;
    memcpy(buf, "unit,v\n", 7);
    len = 7;
    for (int i = 0; i < N; i++) {
        memcpy(buf + len, "u,1\n", 4);
        len += 4;
    }
    memcpy(buf + len, "xz,\xcf\xe3\xd6\xde\xc7\xf8\n", 10);
    len += 10;
    recorder r;
    pa_csv_sink sink;
    rec_init(&r, &sink);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_csv_read_buffer(buf, len, "big.csv", &sink, &e), PA_OK);
    assert_int_equal(r.resets, 1);
    /* header + N rows + the GB18030 row, the last on line N + 2 */
    assert_true(r.n_rows == (size_t)N + 2);
    expect_row(&r, N + 1, N + 2, 2);
    expect_field(&r, r.n_fields - 1, "\xe9\xa6\x99\xe6\xb4\xb2\xe5\x8c\xba", N + 2, 2);
    rec_free(&r);
    free(buf);
}

static void
test_stray_quote(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* a"b in an unquoted field on line 3 */
    assert_int_equal(read_str("a,b\n1,2\na\"b,3\n", &r, &e), PA_ERR_DATA);
    assert_int_equal(e.status, PA_ERR_DATA);
    assert_string_equal(e.file, "t.csv");
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 1);
    rec_free(&r);
    /* text after a closing quote: "x"y on line 2, field 2 */
    assert_int_equal(read_str("a,b\n1,\"x\"y\n", &r, &e), PA_ERR_DATA);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 2);
    rec_free(&r);
}

static void
test_unterminated_quote(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* the quote opened on line 2 is never closed: the file has only two lines, so the error
     * belongs on line 2 (where the quoted field starts), not on the non-existent line 3 */
    assert_int_equal(read_str("a,b\n1,\"2\n", &r, &e), PA_ERR_DATA);
    assert_int_equal(e.status, PA_ERR_DATA);
    assert_string_equal(e.file, "t.csv");
    assert_non_null(strstr(e.text, "unterminated"));
    assert_int_equal(e.line, 2);
    rec_free(&r);
    /* no final newline: the same */
    assert_int_equal(read_str("a,b\n1,\"2", &r, &e), PA_ERR_DATA);
    assert_int_equal(e.line, 2);
    rec_free(&r);
}

static void
test_nul_byte(void **state)
{
    (void)state;
    static const char text[] = "a,b\n1,2\n3,\0\n";
    recorder r;
    pa_csv_sink sink;
    rec_init(&r, &sink);
    pa_error e;
    memset(&e, 0, sizeof e);
    /* sizeof - 1: the NUL inside is part of the data, the terminating one is not */
    assert_int_equal(pa_csv_read_buffer(text, sizeof text - 1, "t.csv", &sink, &e), PA_ERR_DATA);
    assert_int_equal(e.status, PA_ERR_DATA);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 2); /* the field it is in */
    assert_non_null(strstr(e.text, "NUL"));
    rec_free(&r);
}

static void
test_neither_utf8_nor_gb18030(void **state)
{
    (void)state;
    recorder r;
    pa_error e;
    /* FF is a lead byte in neither encoding */
    assert_int_equal(read_str("\xff\xff", &r, &e), PA_ERR_DATA);
    assert_int_equal(e.status, PA_ERR_DATA);
    assert_string_equal(e.file, "t.csv");
    rec_free(&r);
    assert_int_equal(read_str("a,b\n1,\xff\xfe\n", &r, &e), PA_ERR_DATA);
    rec_free(&r);
    /* a GB18030 lead byte (81) cut off at the end of the file */
    assert_int_equal(read_str("a,b\n1,\x81", &r, &e), PA_ERR_DATA);
    rec_free(&r);
}

static void
test_sink_error_stops(void **state)
{
    (void)state;
    recorder r;
    pa_csv_sink sink;
    rec_init(&r, &sink);
    r.fail_at_field = 3; /* the third field ("c") fails */
    pa_error e;
    memset(&e, 0, sizeof e);
    const char *text = "a,b,c\n1,2,3\n";
    assert_int_equal(pa_csv_read_buffer(text, strlen(text), "t.csv", &sink, &e), PA_ERR_DATA);
    /* fields 1 and 2 were recorded, nothing after the failure, no row */
    assert_true(r.n_fields == 2);
    assert_true(r.n_rows == 0);
    assert_true(r.fields_seen == 3);
    rec_free(&r);
}

static char *
write_temp(const char *bytes, size_t len)
{
    const char *dir = getenv("TMPDIR");
    char *path = malloc(4096);
    assert_non_null(path);
    snprintf(path, 4096, "%s/pa_csv_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, bytes, len) == (ssize_t)len);
    close(fd);
    return path;
}

static void
test_read_file(void **state)
{
    (void)state;
    /* a GB18030 file: the reader rewinds the FILE and reads it again */
    char *path = write_temp(gb_text, sizeof gb_text - 1);
    recorder r;
    pa_csv_sink sink;
    rec_init(&r, &sink);
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_csv_read_file(path, &sink, &e);
    unlink(path); /* before any assertion can jump out */
    assert_int_equal(st, PA_OK);
    assert_int_equal(r.resets, 1);
    expect_field(&r, 3, "\xe9\xa6\x99\xe6\xb4\xb2\xe5\x8c\xba", 2, 2);
    rec_free(&r);
    /* errors name the path */
    free(path);
    path = write_temp("a,b\n1,x\"y\n", 10);
    rec_init(&r, &sink);
    st = pa_csv_read_file(path, &sink, &e);
    unlink(path);
    assert_int_equal(st, PA_ERR_DATA);
    assert_string_equal(e.file, path);
    assert_int_equal(e.line, 2);
    rec_free(&r);
    free(path);
}

static void
test_missing_file(void **state)
{
    (void)state;
    recorder r;
    pa_csv_sink sink;
    rec_init(&r, &sink);
    pa_error e;
    memset(&e, 0, sizeof e);
    const char *path = "/nonexistent-dir-of-pingan-tests/2019.csv";
    assert_int_equal(pa_csv_read_file(path, &sink, &e), PA_ERR_IO);
    assert_int_equal(e.status, PA_ERR_IO);
    assert_string_equal(e.file, path);
    assert_true(r.n_fields == 0);
    rec_free(&r);
}

/* Read len bytes with a separator (0: found in the header); *sep is what was used. */
static pa_status
read_sep(const char *text, size_t len, int *sep, recorder *r, pa_error *err)
{
    pa_csv_sink sink;
    rec_init(r, &sink);
    sink.sep = sep;
    memset(err, 0, sizeof *err);
    return pa_csv_read_buffer(text, len, "t.csv", &sink, err);
}

/* The separator of the header: the most fields outside quotes, comma on a tie with it, TAB
 * on a tie of the other two; a BOM before the header does not count. */
static void
test_separator_detection(void **state)
{
    (void)state;
    static const struct { const char *text; int sep; long fields; } cases[] = {
        { "a,b,c\n1,2,3\n", ',', 3 },
        { "a;b;c\n1;2;3\n", ';', 3 },
        { "a\tb\tc\r\n1\t2\t3\r\n", '\t', 3 },
        { "a;b,c\n1;2,3\n", ',', 2 },               /* tie with comma */
        { "a;b\tc\n1;2\t3\n", '\t', 2 },             /* tie of ';' and TAB */
        { "\"a;b;c\",d\n1,2\n", ',', 2 },            /* quoted separators do not count */
        { "\"x,\ny,z\";a;b\n1;2;3\n", ';', 3 },     /* nor in a quoted line break */
        { "\xEF\xBB\xBF" "a;b\n1;2\n", ';', 2 },
        { "a\n1\n", ',', 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        recorder r;
        pa_error e;
        int sep = 0;
        assert_int_equal(read_sep(cases[i].text, strlen(cases[i].text), &sep, &r, &e), PA_OK);
        assert_int_equal(sep, cases[i].sep);
        assert_int_equal(r.n_rows, 2);
        assert_int_equal(r.rows[0].ncols, cases[i].fields);
        assert_int_equal(r.rows[1].ncols, cases[i].fields);
        rec_free(&r);
    }
    /* given: used as it is, never detected */
    recorder r;
    pa_error e;
    int sep = ';';
    assert_int_equal(read_sep("a,b;c\n1,2;3\n", 12, &sep, &r, &e), PA_OK);
    assert_int_equal(sep, ';');
    expect_field(&r, 0, "a,b", 1, 1);
    expect_field(&r, 2, "1,2", 2, 1);
    expect_field(&r, 3, "3", 2, 2);
    rec_free(&r);
    /* no sep in the sink: comma */
    assert_int_equal(read_sep("a;b\n1;2\n", 8, NULL, &r, &e), PA_OK);
    expect_row(&r, 0, 1, 1);
    rec_free(&r);
}

/* UTF-16 with a BOM is read as the UTF-8 text it encodes, lines counted the same. */
static void
test_utf16_bom(void **state)
{
    (void)state;
    /* "名,b\r\nx,\"1\n2\"\r\n" in UTF-16LE: 名 is U+540D */
    static const char le[] = "\xFF\xFE\x0D\x54,\0b\0\r\0\n\0x\0,\0\"\0" "1\0\n\0" "2\0\"\0\r\0\n\0";
    static const char be[] = "\xFE\xFF\x54\x0D\0,\0b\0\r\0\n\0x\0,\0\"\0" "1\0\n\0" "2\0\"\0\r\0\n";
    const char *texts[] = { le, be };
    size_t lens[] = { sizeof le - 1, sizeof be - 1 };
    for (int k = 0; k < 2; k++) {
        recorder r;
        pa_error e;
        int sep = 0;
        pa_status st = read_sep(texts[k], lens[k], &sep, &r, &e);
        if (st != PA_OK)
            print_error("%ld:%ld: %s\n", e.line, e.column, e.text);
        assert_int_equal(st, PA_OK);
        expect_field(&r, 0, "\xe5\x90\x8d", 1, 1);
        expect_field(&r, 1, "b", 1, 2);
        expect_field(&r, 2, "x", 2, 1);
        expect_field(&r, 3, "1\n2", 3, 2);
        expect_row(&r, 1, 3, 2);
        assert_int_equal(r.resets, 0);
        rec_free(&r);
    }
    /* a lone high surrogate: not UTF-16, on its line, and no GB18030 retry */
    static const char bad[] = "\xFF\xFE" "a\0\n\0\x00\xD8" "b\0";
    recorder r;
    pa_error e;
    int sep = 0;
    assert_int_equal(read_sep(bad, sizeof bad - 1, &sep, &r, &e), PA_ERR_DATA);
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.text, "not valid UTF-16LE"));
    assert_int_equal(r.resets, 0);
    rec_free(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_no_final_newline_and_ragged),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_cr_only_line_ends),
        cmocka_unit_test(test_crlf_across_chunk_boundary),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_quoted_field_with_comma_and_newline),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_gb18030_after_a_valid_utf8_megabyte),
        cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_neither_utf8_nor_gb18030),
        cmocka_unit_test(test_sink_error_stops),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_separator_detection),
        cmocka_unit_test(test_utf16_bom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
