/* SPDX-License-Identifier: MIT */
/* -f xlsx: a workbook a city analyst opens in Excel or WPS. Numbers are stored as numbers
 * (libxlsxwriter writes 16 significant digits; Excel shows 15) with a display format; an
 * absent number is an empty cell. Worksheets are written in libxlsxwriter's constant-memory
 * mode, row after row, so a large panel costs the workbook a row's worth of memory, not the
 * whole sheet. */
#include "xlsx.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include <xlsxwriter.h>

#define NONE ((size_t)-1)
#define HEAD_ROWS 3    /* the most header rows of any sheet (title, labels, sub-labels) */
#define MAX_BANDS 32   /* distinct band colours with a format of their own */
#define NAME_MAX_BYTES (31 * 4 + 1)

/* The number formats, one cell format each. */
enum { F_TITLE, F_HEAD, F_TEXT, F_RANK, F_SCORE, F_CHANGE, F_PCT, F_INT, F_DEC, F_RATE, F_N };

typedef struct band_fmt {
    const char *colour;
    lxw_format *f;
} band_fmt;

typedef struct book {
    lxw_workbook *wb;
    const pa_result *r;
    size_t p, top;
    size_t *order, nu; /* the units as the summary lists them */
    lxw_format *fmt[F_N];
    band_fmt bands[MAX_BANDS];
    size_t n_bands;
    char (*names)[NAME_MAX_BYTES]; /* the sheet names given, to keep them unique */
    size_t n_names;
    lxw_error err; /* the first failure of a write */
} book;

/* A sheet being written: its columns' widths grow with what is put in them. */
typedef struct sheet {
    book *b;
    lxw_worksheet *ws;
    double *width;
    size_t ncol;
} sheet;

/* Columns a UTF-8 string takes on screen: CJK characters take two. */
static int
text_width(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int w = 0;
    for (size_t n = strlen(s), k; n; s += k, n -= k) {
        wchar_t wc;
        k = mbrtowc(&wc, s, n, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            k = 1;
            w++;
            continue;
        }
        int cw = wcwidth(wc);
        w += cw > 0 ? cw : 1;
    }
    return w;
}

static void
widen(sheet *s, size_t col, double w)
{
    if (col < s->ncol && w > s->width[col])
        s->width[col] = w;
}

static void
note(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
        b->err = e;
}

static void
put_text(sheet *s, size_t row, size_t col, const char *text, int f)
{
    note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text,
                                      s->b->fmt[f]));
    if (f != F_TITLE) /* a title runs over the empty cells beside it */
        widen(s, col, text_width(text) * 1.1 + 2);
}

/* A number, or an empty cell when it is missing. */
static void
put_num(sheet *s, size_t row, size_t col, double v, lxw_format *f)
{
    if (isnan(v))
        return;
    note(s->b, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, f));
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%+.2f", v);
    widen(s, col, n + n / 3 + 2); /* room for the sign, thousands separators and a '%' */
}

static int
sheet_open(sheet *s, book *b, const char *name, size_t ncol)
{
    s->b = b;
    s->ncol = ncol;
    s->width = calloc(ncol ? ncol : 1, sizeof *s->width);
    s->ws = s->width ? workbook_add_worksheet(b->wb, name) : NULL;
    if (!s->ws) { /* out of memory, or a name libxlsxwriter refuses, which sheet_name avoids */
        free(s->width);
        note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return -1;
    }
    return 0;
}

static void
sheet_close(sheet *s, size_t head_rows, size_t frozen_cols)
{
    for (size_t c = 0; c < s->ncol; c++)
        worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c,
                             s->width[c] < 6 ? 6 : s->width[c] > 60 ? 60 : s->width[c], NULL);
    worksheet_freeze_panes(s->ws, (lxw_row_t)head_rows, (lxw_col_t)frozen_cols);
    free(s->width);
}

/* ---- formats ---- */

static lxw_format *
new_format(book *b, const char *num)
{
    lxw_format *f = workbook_add_format(b->wb);
    if (f && num)
        format_set_num_format(f, num);
    return f;
}

static int
make_formats(book *b)
{
    static const char *const num[F_N] = {
        [F_RANK] = "0",         [F_SCORE] = "0.00",    [F_CHANGE] = "+0.00;-0.00;0.00",
        [F_PCT] = "+0.00\"%\";-0.00\"%\";0.00\"%\"",    [F_INT] = "#,##0",
        [F_DEC] = "#,##0.00",   [F_RATE] = "0.00##",
    };
    for (int i = 0; i < F_N; i++)
        if (!(b->fmt[i] = new_format(b, num[i])))
            return -1;
    format_set_bold(b->fmt[F_TITLE]);
    format_set_font_size(b->fmt[F_TITLE], 14);
    format_set_bold(b->fmt[F_HEAD]);
    format_set_pattern(b->fmt[F_HEAD], LXW_PATTERN_SOLID);
    format_set_bg_color(b->fmt[F_HEAD], 0xD9E1F2);
    format_set_bottom(b->fmt[F_HEAD], LXW_BORDER_THIN);
    return 0;
}

/* A band colour as RGB: a name the model may use, or #rgb / #rrggbb; -1 when unknown. */
static long
colour_rgb(const char *c)
{
    static const struct { const char *name; long rgb; } map[] = {
        { "blue", 0x4472C4 },  { "yellow", 0xFFD966 }, { "orange", 0xF4B183 },
        { "red", 0xE06666 },   { "green", 0x70AD47 },  { "grey", 0xBFBFBF },
        { "gray", 0xBFBFBF },  { "purple", 0x8E7CC3 }, { "white", 0xFFFFFF },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcasecmp(c, map[i].name) == 0)
            return map[i].rgb;
    size_t n = strlen(c);
    if (c[0] != '#' || (n != 4 && n != 7) || strspn(c + 1, "0123456789abcdefABCDEF") != n - 1)
        return -1;
    long v = strtol(c + 1, NULL, 16);
    if (n == 4) /* #abc is #aabbcc */
        v = ((v >> 8 & 0xF) * 0x110000) | ((v >> 4 & 0xF) * 0x1100) | ((v & 0xF) * 0x11);
    return v;
}

/* The cell format of a band: filled with its colour, the text black or white as reads best. */
static lxw_format *
band_format(book *b, const char *colour)
{
    for (size_t i = 0; i < b->n_bands; i++)
        if (strcmp(b->bands[i].colour, colour) == 0)
            return b->bands[i].f;
    long rgb = colour_rgb(colour);
    if (rgb < 0 || b->n_bands == MAX_BANDS)
        return b->fmt[F_TEXT];
    lxw_format *f = new_format(b, NULL);
    if (!f)
        return b->fmt[F_TEXT];
    format_set_pattern(f, LXW_PATTERN_SOLID);
    format_set_bg_color(f, (lxw_color_t)rgb);
    double luma = 0.299 * (rgb >> 16) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF);
    format_set_font_color(f, luma < 140 ? LXW_COLOR_WHITE : LXW_COLOR_BLACK);
    b->bands[b->n_bands++] = (band_fmt){ colour, f };
    return f;
}

static void
put_band(sheet *s, size_t row, size_t col, size_t u, size_t node)
{
    const char *colour = NULL;
    const char *label = pa_result_band(s->b->r, u, s->b->p, node, &colour);
    if (!label)
        return;
    lxw_format *f = colour && *colour ? band_format(s->b, colour) : s->b->fmt[F_TEXT];
    note(s->b, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, label, f));
    widen(s, col, text_width(label) * 1.1 + 2);
}

/* ---- sheet names ---- */

/* Bytes of the longest start of s (valid UTF-8 in whole characters) that takes at most
 * `max` UTF-16 units, as Excel counts a sheet name's length. */
static size_t
cut_units(const char *s, size_t max)
{
    size_t n = 0, units = 0;
    while (s[n]) {
        unsigned char c = (unsigned char)s[n];
        size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        size_t u = k == 4 ? 2 : 1;
        if (strnlen(s + n, k) < k || units + u > max)
            break;
        n += k;
        units += u;
    }
    return n;
}

static int
name_free(const book *b, const char *name)
{
    if (strcasecmp(name, "History") == 0)
        return 0;
    for (size_t i = 0; i < b->n_names; i++)
        if (strcasecmp(b->names[i], name) == 0) /* Excel ignores case (ASCII's, here) */
            return 0;
    return 1;
}

/* A sheet name made from a label by Excel's rules: at most 31 characters, none of
 * []:*?/\ (they become '_', as do control characters), no apostrophe at either end, unique
 * whatever the case, not "History" (Excel's own). A clash gets "~2", "~3", ... */
static void
sheet_name(book *b, const char *label, char *out)
{
    char base[NAME_MAX_BYTES];
    size_t len = cut_units(label, 31), n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];
        base[n++] = c < ' ' || strchr("[]:*?/\\", c) ? '_' : (char)c;
    }
    while (n && base[n - 1] == '\'')
        n--;
    base[n] = '\0';
    const char *start = base + strspn(base, "'");
    if (!*start)
        start = "Sheet";
    snprintf(out, NAME_MAX_BYTES, "%s", start);
    for (unsigned i = 2; !name_free(b, out); i++) {
        char tail[16];
        size_t t = (size_t)snprintf(tail, sizeof tail, "~%u", i);
        snprintf(out, NAME_MAX_BYTES, "%.*s%s", (int)cut_units(start, 31 - t), start, tail);
    }
    strcpy(b->names[b->n_names++], out);
}

/* ---- the units' order ---- */

/* Sort key as in the text report: reference units (scored, not ranked) first, then by rank,
 * then units without a score; the data's order within each. */
static int
cmp_rank(const void *a, const void *b, void *arg)
{
    const long *rk = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (rk[x] != rk[y])
        return rk[x] < rk[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int
order_units(book *b)
{
    long *rk = malloc((b->nu ? b->nu : 1) * sizeof *rk);
    if (!rk || !(b->order = malloc((b->nu ? b->nu : 1) * sizeof *b->order))) {
        free(rk);
        return -1;
    }
    for (size_t u = 0; u < b->nu; u++) {
        b->order[u] = u;
        rk[u] = pa_result_rank(b->r, u, b->p, b->top);
        if (rk[u] == 0)
            rk[u] = isnan(pa_result_score(b->r, u, b->p, b->top)) ? LONG_MAX : 0;
    }
    qsort_r(b->order, b->nu, sizeof *b->order, cmp_rank, rk);
    free(rk);
    return 0;
}

/* ---- the sheets ---- */

static size_t
top_node(const pa_result *r)
{
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == NONE && !pa_result_node_is_penalty(r, n))
            return n;
    return 0;
}

/* The groups that get a sheet: every node with indicators among its children. */
static int
is_group(const pa_result *r, size_t g)
{
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == g && pa_result_node_level(r, n) == 1 &&
            !pa_result_node_is_penalty(r, n))
            return 1;
    return 0;
}

static size_t
count_children(const pa_result *r, size_t g, int indicators)
{
    size_t k = 0;
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        k += pa_result_node_parent(r, n) == g && !pa_result_node_is_penalty(r, n) &&
             (!indicators || pa_result_node_level(r, n) == 1);
    return k;
}

/* A column label short enough for its cell: the index's long title becomes 指数. */
static const char *
short_label(const book *b, size_t n)
{
    const char *l = pa_result_node_label(b->r, n);
    return n == b->top && text_width(l) > 12 ? "指数" : l;
}

static void
put_rank(sheet *s, size_t row, size_t col, size_t u, size_t node)
{
    long k = pa_result_rank(s->b->r, u, s->b->p, node);
    if (k)
        put_num(s, row, col, (double)k, s->b->fmt[F_RANK]);
}

/* 总览: the units ranked by the index, its change and band, and the score of every node
 * directly below it. */
static void
write_summary(book *b, const char *title)
{
    const pa_result *r = b->r;
    size_t nc = count_children(r, b->top, 0), *kids = malloc((nc ? nc : 1) * sizeof *kids);
    sheet s;
    char name[NAME_MAX_BYTES];
    sheet_name(b, "总览", name);
    if (!kids || sheet_open(&s, b, name, 7 + nc) != 0) {
        free(kids);
        note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    nc = 0;
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == b->top && !pa_result_node_is_penalty(r, n))
            kids[nc++] = n;
    put_text(&s, 0, 0, title, F_TITLE);
    static const char *const head[] = { "排名", "代码", "地区", NULL, "得分变化", "变化%",
                                        "等级" };
    for (size_t c = 0; c < 7; c++)
        put_text(&s, 1, c, c == 3 ? short_label(b, b->top) : head[c], F_HEAD);
    for (size_t k = 0; k < nc; k++)
        put_text(&s, 1, 7 + k, pa_result_node_label(r, kids[k]), F_HEAD);
    for (size_t i = 0; i < b->nu; i++) {
        size_t u = b->order[i], row = 2 + i;
        put_rank(&s, row, 0, u, b->top);
        put_text(&s, row, 1, pa_result_unit_code(r, u), F_TEXT);
        put_text(&s, row, 2, pa_result_unit_name(r, u), F_TEXT);
        put_num(&s, row, 3, pa_result_score(r, u, b->p, b->top), b->fmt[F_SCORE]);
        put_num(&s, row, 4, pa_result_score_change(r, u, b->p, b->top), b->fmt[F_CHANGE]);
        put_num(&s, row, 5, pa_result_score_change_pct(r, u, b->p, b->top), b->fmt[F_PCT]);
        put_band(&s, row, 6, u, b->top);
        for (size_t k = 0; k < nc; k++)
            put_num(&s, row, 7 + k, pa_result_score(r, u, b->p, kids[k]), b->fmt[F_SCORE]);
    }
    note(b, worksheet_autofilter(s.ws, 1, 0, (lxw_row_t)(1 + b->nu), (lxw_col_t)(6 + nc)));
    sheet_close(&s, 2, 3);
    free(kids);
}

/* Whole numbers (counts) show without decimals, other values with two. */
static lxw_format *
value_format(const book *b, size_t node)
{
    for (size_t u = 0; u < b->nu; u++) {
        double v = pa_result_value(b->r, u, b->p, node);
        if (!isnan(v) && (v != floor(v) || fabs(v) >= 1e15))
            return b->fmt[F_DEC];
    }
    return b->fmt[F_INT];
}

/* The header of a group's sheet: the group and its indicators (with their measure) above
 * the columns they own. Row by row: in constant-memory mode a row once left is written out. */
static void
group_head(sheet *s, size_t g, const size_t *ind, size_t ni, const char *title)
{
    const pa_result *r = s->b->r;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s — %s", pa_result_node_label(r, g), title);
    put_text(s, 0, 0, buf, F_TITLE);
    put_text(s, 1, 3, pa_result_node_label(r, g), F_HEAD);
    for (size_t k = 0; k < ni; k++) {
        const char *unit = pa_result_node_unit(r, ind[k]);
        snprintf(buf, sizeof buf, *unit ? "%s (%s)" : "%s", pa_result_node_label(r, ind[k]),
                 unit);
        note(s->b, worksheet_write_string(s->ws, 1, (lxw_col_t)(5 + 4 * k), buf,
                                          s->b->fmt[F_HEAD])); /* runs over its four columns */
    }
    static const char *const head[] = { "排名", "代码", "地区", "得分", "得分变化" };
    static const char *const sub[] = { "数值", "比率", "数值变化%", "得分" };
    for (size_t c = 0; c < 5; c++)
        put_text(s, 2, c, head[c], F_HEAD);
    for (size_t k = 0; k < ni; k++)
        for (size_t c = 0; c < 4; c++)
            put_text(s, 2, 5 + 4 * k + c, sub[c], F_HEAD);
}

/* A group's sheet: one row per unit, the group's score, then each indicator's value, rate,
 * change and score. */
static void
write_group(book *b, size_t g, const char *title)
{
    const pa_result *r = b->r;
    size_t ni = count_children(r, g, 1), *ind = malloc(ni * sizeof *ind);
    lxw_format **vf = malloc(ni * sizeof *vf);
    char name[NAME_MAX_BYTES];
    sheet s;
    sheet_name(b, pa_result_node_label(r, g), name);
    if (!ind || !vf || sheet_open(&s, b, name, 5 + 4 * ni) != 0) {
        free(ind), free(vf);
        note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    ni = 0;
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == g && pa_result_node_level(r, n) == 1 &&
            !pa_result_node_is_penalty(r, n))
            vf[ni] = value_format(b, n), ind[ni++] = n;
    group_head(&s, g, ind, ni, title);
    for (size_t i = 0; i < b->nu; i++) {
        size_t u = b->order[i], row = HEAD_ROWS + i;
        put_rank(&s, row, 0, u, g);
        put_text(&s, row, 1, pa_result_unit_code(r, u), F_TEXT);
        put_text(&s, row, 2, pa_result_unit_name(r, u), F_TEXT);
        put_num(&s, row, 3, pa_result_score(r, u, b->p, g), b->fmt[F_SCORE]);
        put_num(&s, row, 4, pa_result_score_change(r, u, b->p, g), b->fmt[F_CHANGE]);
        for (size_t k = 0, c = 5; k < ni; k++, c += 4) {
            put_num(&s, row, c, pa_result_value(r, u, b->p, ind[k]), vf[k]);
            put_num(&s, row, c + 1, pa_result_rate(r, u, b->p, ind[k]), b->fmt[F_RATE]);
            put_num(&s, row, c + 2, pa_result_value_change_pct(r, u, b->p, ind[k]),
                    b->fmt[F_PCT]);
            put_num(&s, row, c + 3, pa_result_score(r, u, b->p, ind[k]), b->fmt[F_SCORE]);
        }
    }
    note(b, worksheet_autofilter(s.ws, 2, 0, (lxw_row_t)(2 + b->nu), (lxw_col_t)(4 + 4 * ni)));
    sheet_close(&s, HEAD_ROWS, 3);
    free(ind);
    free(vf);
}

/* 历年: the index of every unit in every period, a column per period. */
static void
write_periods(book *b)
{
    const pa_result *r = b->r;
    size_t np = pa_result_period_count(r);
    char name[NAME_MAX_BYTES], buf[512];
    sheet s;
    sheet_name(b, "历年", name);
    if (sheet_open(&s, b, name, 2 + np) != 0)
        return;
    snprintf(buf, sizeof buf, "%s 各期得分", pa_result_node_label(r, b->top));
    put_text(&s, 0, 0, buf, F_TITLE);
    put_text(&s, 1, 0, "代码", F_HEAD);
    put_text(&s, 1, 1, "地区", F_HEAD);
    for (size_t p = 0; p < np; p++)
        put_text(&s, 1, 2 + p, pa_result_period(r, p), F_HEAD);
    for (size_t i = 0; i < b->nu; i++) {
        size_t u = b->order[i];
        put_text(&s, 2 + i, 0, pa_result_unit_code(r, u), F_TEXT);
        put_text(&s, 2 + i, 1, pa_result_unit_name(r, u), F_TEXT);
        for (size_t p = 0; p < np; p++)
            put_num(&s, 2 + i, 2 + p, pa_result_score(r, u, p, b->top), b->fmt[F_SCORE]);
    }
    sheet_close(&s, 2, 2);
}

/* ---- the workbook ---- */

int
xlsx_check(const pa_result *r)
{
    size_t nu = pa_result_unit_count(r), cols = 2 + pa_result_period_count(r);
    for (size_t g = 0; g < pa_result_node_count(r); g++) {
        size_t c = is_group(r, g) ? 5 + 4 * count_children(r, g, 1) : 0;
        if (pa_result_node_parent(r, g) == NONE && !pa_result_node_is_penalty(r, g) &&
            7 + count_children(r, g, 0) > c)
            c = 7 + count_children(r, g, 0);
        if (c > cols)
            cols = c;
    }
    if (nu > LXW_ROW_MAX - HEAD_ROWS) {
        fprintf(stderr, "pingan-index: -f xlsx: %zu units need %zu rows; an Excel sheet holds "
                        "%d (write -f csv for so many units)\n", nu, nu + HEAD_ROWS,
                LXW_ROW_MAX);
        return 1;
    }
    if (cols > LXW_COL_MAX) {
        fprintf(stderr, "pingan-index: -f xlsx: the workbook needs %zu columns; an Excel sheet "
                        "holds %d (write -f csv, or report fewer periods)\n", cols, LXW_COL_MAX);
        return 1;
    }
    return 0;
}

/* A file no one else can see: made and unlinked at once, so that no signal or crash leaves
 * it behind; libxlsxwriter, which wants a file name, opens it as /proc/self/fd/N. */
static int
anonymous_file(char *path, size_t n, const char **tmpdir)
{
    const char *dir = getenv("TMPDIR");
    *tmpdir = dir && *dir ? dir : "/tmp";
    char *name = malloc(strlen(*tmpdir) + sizeof "/pingan-xlsx.XXXXXX");
    if (!name)
        return -1;
    sprintf(name, "%s/pingan-xlsx.XXXXXX", *tmpdir);
    int fd = mkstemp(name);
    if (fd >= 0)
        unlink(name);
    else
        fprintf(stderr, "pingan-index: -f xlsx: cannot make a temporary file in %s: %s\n",
                *tmpdir, strerror(errno));
    free(name);
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

/* The finished workbook from fd onto out; 0, or -1 after a read error (said here). A write
 * error stays in out's error flag for the caller. */
static int
copy_out(int fd, FILE *out)
{
    char buf[1 << 16];
    if (lseek(fd, 0, SEEK_SET) != 0)
        goto fail;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0 || fwrite(buf, 1, (size_t)n, out) != (size_t)n)
            return 0;
    }
fail:
    fprintf(stderr, "pingan-index: -f xlsx: reading back the workbook: %s\n", strerror(errno));
    return -1;
}

static void
write_sheets(book *b, const char *title)
{
    if (make_formats(b) != 0 || order_units(b) != 0) {
        note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_doc_properties props = { .title = (char *)title, .comments = "pingan-index" };
    note(b, workbook_set_properties(b->wb, &props));
    write_summary(b, title);
    for (size_t g = 0; g < pa_result_node_count(b->r) && b->err == LXW_NO_ERROR; g++)
        if (is_group(b->r, g))
            write_group(b, g, title);
    if (b->err == LXW_NO_ERROR)
        write_periods(b);
}

int
xlsx_write(FILE *out, const pa_result *r, size_t period, const char *title)
{
    char path[64];
    const char *tmpdir;
    int fd = anonymous_file(path, sizeof path, &tmpdir);
    if (fd < 0)
        return 1;
    book b = { .r = r, .p = period, .top = top_node(r), .nu = pa_result_unit_count(r) };
    lxw_workbook_options opt = { .constant_memory = 1, .tmpdir = (char *)tmpdir };
    b.names = calloc(pa_result_node_count(r) + 3, sizeof *b.names);
    b.wb = b.names ? workbook_new_opt(path, &opt) : NULL;
    if (!b.wb)
        note(&b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else
        write_sheets(&b, title);
    lxw_error closed = b.wb ? workbook_close(b.wb) : LXW_NO_ERROR;
    note(&b, closed);
    int rc = 0;
    if (b.err != LXW_NO_ERROR) {
        fprintf(stderr, "pingan-index: -f xlsx: %s\n", lxw_strerror(b.err));
        rc = 1;
    } else if (copy_out(fd, out) != 0) {
        rc = 1;
    }
    close(fd);
    free(b.order);
    free(b.names);
    return rc;
}
