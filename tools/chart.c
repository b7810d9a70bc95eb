/* SPDX-License-Identifier: MIT */
/* Charts with cairo (SVG in px, PNG, PDF with a text layer) and pango (Chinese text in Noto Sans
 * CJK SC with the language zh-cn, so that Simplified glyph forms are chosen). Only the public
 * API is used: band strips come from the bands the result gives its cells. */
#include "chart.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define NONE ((size_t)-1)
#define FONT "Noto Sans CJK SC"
#define MAX_BANDS 32

typedef struct rgb {
    double r, g, b;
} rgb;

static int
usage_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pingan-index: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

int
chart_parse_kind(const char *s, chart_kind *kind)
{
    if (strcmp(s, "trend") == 0 || strcmp(s, "ranking") == 0) {
        *kind = s[0] == 't' ? CHART_TREND : CHART_RANKING;
        return 0;
    }
    if (strcmp(s, "uncertainty") == 0) {
        *kind = CHART_UNCERTAINTY;
        return 0;
    }
    if (strcmp(s, "contributions") == 0) {
        *kind = CHART_CONTRIBUTIONS;
        return 0;
    }
    if (strcmp(s, "correlation") == 0) {
        *kind = CHART_CORRELATION;
        return 0;
    }
    return usage_fail("--chart: unknown chart '%s' (trend, ranking, correlation, contributions "
                      "or uncertainty)", s);
}

int
chart_parse_output(const char *path, chart_format *fmt)
{
    static const char *const suffix[] = { ".svg", ".png", ".pdf" };
    if (!path) {
        *fmt = CHART_SVG;
        if (isatty(STDOUT_FILENO))
            return usage_fail("--chart: a chart is no text for a terminal; give -o FILE.svg, "
                              "FILE.png or FILE.pdf, or redirect standard output");
        return 0;
    }
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    for (int i = 0; dot && (!slash || dot > slash) && i < 3; i++)
        if (strcasecmp(dot, suffix[i]) == 0) {
            *fmt = (chart_format)i;
            return 0;
        }
    struct stat sb; /* a device or FIFO (/dev/stdout, /dev/null) gets SVG, as standard output */
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
        *fmt = CHART_SVG;
        return 0;
    }
    return usage_fail("--chart: -o %s: the suffix names no chart format (.svg, .png or .pdf)",
                      path);
}

/* ---- colours ---- */

static rgb
rgb255(int r, int g, int b)
{
    return (rgb){ r / 255.0, g / 255.0, b / 255.0 };
}

static int
hex_colour(const char *s, rgb *c)
{
    size_t n = strlen(s);
    unsigned v[6];
    if (s[0] != '#' || (n != 4 && n != 7) || strspn(s + 1, "0123456789abcdefABCDEF") != n - 1)
        return 0;
    for (size_t i = 1; i < n; i++)
        v[i - 1] = (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    if (n == 4)
        *c = rgb255((int)(v[0] * 17), (int)(v[1] * 17), (int)(v[2] * 17));
    else
        *c = rgb255((int)(v[0] * 16 + v[1]), (int)(v[2] * 16 + v[3]), (int)(v[4] * 16 + v[5]));
    return 1;
}

/* The colours a model's bands name (English or Chinese), as the charts and the HTML draw them. */
static rgb
colour_of(const char *name)
{
    static const struct {
        const char *name[2];
        int r, g, b;
    } named[] = {
        { { "blue", "蓝" }, 43, 108, 176 },    { { "yellow", "黄" }, 242, 196, 15 },
        { { "orange", "橙" }, 240, 140, 0 },   { { "red", "红" }, 214, 39, 40 },
        { { "green", "绿" }, 44, 160, 44 },    { { "purple", "紫" }, 128, 80, 160 },
        { { "grey", "灰" }, 128, 128, 128 },   { { "gray", "灰色" }, 128, 128, 128 },
    };
    rgb c;
    if (name && hex_colour(name, &c))
        return c;
    for (size_t i = 0; name && i < sizeof named / sizeof *named; i++)
        if (strcasecmp(name, named[i].name[0]) == 0 || strcmp(name, named[i].name[1]) == 0)
            return rgb255(named[i].r, named[i].g, named[i].b);
    return rgb255(160, 160, 160);
}

void
chart_colour_hex(const char *name, char out[8])
{
    rgb c = colour_of(name);
    snprintf(out, 8, "#%02x%02x%02x", (unsigned)lround(c.r * 255), (unsigned)lround(c.g * 255),
             (unsigned)lround(c.b * 255));
}

/* The light strip behind a trend: 30 % of the band colour on white. */
static rgb
tint(rgb c)
{
    return (rgb){ c.r * 0.3 + 0.7, c.g * 0.3 + 0.7, c.b * 0.3 + 0.7 };
}

static void
set_rgb(cairo_t *cr, rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* Lines of the units: dark, saturated, none of them a band colour. */
static rgb
line_colour(size_t i)
{
    static const int pal[][3] = { { 31, 119, 180 }, { 227, 26, 28 },  { 51, 160, 44 },
                                  { 106, 61, 154 }, { 255, 127, 0 },  { 23, 190, 207 },
                                  { 140, 86, 75 },  { 227, 119, 194 }, { 90, 90, 90 },
                                  { 188, 189, 34 } };
    const int *p = pal[i % (sizeof pal / sizeof *pal)];
    return rgb255(p[0], p[1], p[2]);
}

/* ---- surfaces and text ---- */

typedef struct canvas {
    cairo_surface_t *s;
    cairo_t *cr;
    chart_format fmt;
    FILE *f;
    int write_errno;
} canvas;

/* The stream cairo writes to; errno of the first failed write is kept for the message. */
static cairo_status_t
to_file(void *closure, const unsigned char *data, unsigned int n)
{
    canvas *c = closure;
    if (fwrite(data, 1, n, c->f) == n)
        return CAIRO_STATUS_SUCCESS;
    if (!c->write_errno)
        c->write_errno = errno ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
}

/* The font map goes at exit, so that leak checkers see what is the tool's own. (Not
 * cairo_debug_reset_static_data and FcFini: the first asserts, now and then, that pango has
 * let go of every font, and aborts the process at exit when it has not.) */
static void
release_fonts(void)
{
    pango_cairo_font_map_set_default(NULL);
}

static void
canvas_open(canvas *c, FILE *f, chart_format fmt, double w, double h)
{
    static int registered;
    if (!registered++)
        atexit(release_fonts);
    c->f = f;
    c->fmt = fmt;
    c->write_errno = 0;
    if (fmt == CHART_SVG) {
        c->s = cairo_svg_surface_create_for_stream(to_file, c, w, h);
        cairo_svg_surface_set_document_unit(c->s, CAIRO_SVG_UNIT_PX);
    } else if (fmt == CHART_PDF) {
        c->s = cairo_pdf_surface_create_for_stream(to_file, c, w, h);
    } else {
        c->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w), (int)ceil(h));
    }
    c->cr = cairo_create(c->s);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
}

/* Finishes the file; returns 0, or -1 after saying what cairo found wrong. */
static int
canvas_close(canvas *c)
{
    cairo_status_t st = cairo_status(c->cr);
    cairo_destroy(c->cr);
    if (st == CAIRO_STATUS_SUCCESS && c->fmt == CHART_PNG)
        st = cairo_surface_write_to_png_stream(c->s, to_file, c);
    cairo_surface_finish(c->s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(c->s);
    cairo_surface_destroy(c->s);
    if (st == CAIRO_STATUS_SUCCESS)
        return 0;
    if (st == CAIRO_STATUS_WRITE_ERROR && c->write_errno) {
        fprintf(stderr, "pingan-index: --chart: write error: %s\n", strerror(c->write_errno));
        return -1;
    }
    fprintf(stderr, "pingan-index: --chart: the chart could not be drawn: %s\n",
            cairo_status_to_string(st));
    return -1;
}

/* Lays out s at (x, y) with the anchor at (ax, ay) of its box (0 left/top, 1 right/bottom);
 * draws it unless `draw` is 0. Returns its width in pixels. */
static double
layout_text(cairo_t *cr, const char *s, double x, double y, double size, double ax, double ay,
            int bold, int draw)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_context_set_language(pango_layout_get_context(l), pango_language_from_string("zh-cn"));
    pango_layout_context_changed(l);
    pango_layout_set_text(l, s, -1);
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    if (draw) {
        cairo_move_to(cr, x - ax * w, y - ay * h);
        pango_cairo_show_layout(cr, l);
    }
    pango_font_description_free(fd);
    g_object_unref(l);
    return w;
}

static double
text(cairo_t *cr, const char *s, double x, double y, double size, double ax, double ay)
{
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    return layout_text(cr, s, x, y, size, ax, ay, 0, 1);
}

static double
text_width(cairo_t *cr, const char *s, double size)
{
    return layout_text(cr, s, 0, 0, size, 0, 0, 0, 0);
}

static void
title_text(cairo_t *cr, const char *s, double x, double y)
{
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    layout_text(cr, s, x, y, 17, 0, 0, 1, 1);
}

/* ---- scales ---- */

/* 1, 2 or 5 times a power of ten, near span / target. */
static double
nice_step(double span, int target)
{
    double raw = span / target, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* A plot area and the values its edges stand for. */
typedef struct frame {
    double x0, x1, y0, y1; /* pixels: left, right, top, bottom */
    double lo, hi;         /* values: at the bottom (trend) or left (ranking), at the other end */
} frame;

static double
frame_y(const frame *fr, double v)
{
    return fr->y1 - (v - fr->lo) / (fr->hi - fr->lo) * (fr->y1 - fr->y0);
}

static double
frame_x(const frame *fr, double v)
{
    return fr->x0 + (v - fr->lo) / (fr->hi - fr->lo) * (fr->x1 - fr->x0);
}

/* lo, hi widened to whole steps, with room when every value is the same. */
static double
nice_range(double *lo, double *hi)
{
    if (!(*hi > *lo))
        *lo -= 1, *hi += 1;
    double step = nice_step(*hi - *lo, 5);
    *lo = floor(*lo / step) * step;
    *hi = ceil(*hi / step) * step;
    return step;
}

static void
tick_label(char *buf, size_t n, double v, double step)
{
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step));
    snprintf(buf, n, "%.*f", decimals, fabs(v) < step / 1e6 ? 0.0 : v);
}

/* ---- bands, as the result grades its cells ---- */

typedef struct band {
    const char *label, *colour;
    double min, max; /* the lowest and highest score graded into the band */
    double lo;       /* its lower edge: -inf for the lowest */
} band;

static void
note_band(band *b, size_t *nb, const char *label, const char *colour, double s)
{
    for (size_t i = 0; i < *nb; i++)
        if (strcmp(b[i].label, label) == 0 && strcmp(b[i].colour, colour) == 0) {
            b[i].min = fmin(b[i].min, s);
            b[i].max = fmax(b[i].max, s);
            return;
        }
    if (*nb < MAX_BANDS)
        b[(*nb)++] = (band){ label, colour, s, s, -INFINITY };
}

static int
cmp_band(const void *a, const void *b)
{
    double x = ((const band *)a)->min, y = ((const band *)b)->min;
    return x < y ? -1 : x > y;
}

/* The roundest number in (a, b]: a threshold lies there, above the highest score of the band
 * below and at or under the lowest of the band above. */
static double
roundest(double a, double b)
{
    for (int k = 6; k >= -6; k--) {
        double step = pow(10, k), t = ceil(a / step) * step;
        if (t <= a)
            t += step;
        if (t <= b)
            return t;
    }
    return b;
}

/* Bands of every score of every node, lowest first, with their lower edges. */
static size_t
collect_bands(const pa_result *r, band *b)
{
    size_t nb = 0, nu = pa_result_unit_count(r), np = pa_result_period_count(r);
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        for (size_t p = 0; p < np && !pa_result_node_is_penalty(r, n); p++)
            for (size_t u = 0; u < nu; u++) {
                const char *colour = NULL;
                const char *label = pa_result_band(r, u, p, n, &colour);
                double s = pa_result_score(r, u, p, n);
                if (label && !isnan(s))
                    note_band(b, &nb, label, colour ? colour : "", s);
            }
    qsort(b, nb, sizeof *b, cmp_band);
    for (size_t i = 1; i < nb; i++)
        b[i].lo = b[i - 1].max < b[i].min ? roundest(b[i - 1].max, b[i].min) : b[i].min;
    return nb;
}

/* ---- trend: every unit's index over the periods up to p, on the band strips ---- */

static size_t
top_node(const pa_result *r)
{
    for (size_t n = 0; n < pa_result_node_count(r); n++)
        if (pa_result_node_parent(r, n) == NONE && !pa_result_node_is_penalty(r, n))
            return n;
    return 0;
}

static void
draw_strips(cairo_t *cr, const frame *fr, const band *b, size_t nb)
{
    for (size_t i = 0; i < nb; i++) {
        double lo = fmax(b[i].lo, fr->lo), hi = i + 1 < nb ? fmin(b[i + 1].lo, fr->hi) : fr->hi;
        if (!(hi > lo))
            continue;
        double top = round(frame_y(fr, hi)), bottom = round(frame_y(fr, lo));
        set_rgb(cr, tint(colour_of(b[i].colour)));
        cairo_rectangle(cr, fr->x0, top, fr->x1 - fr->x0, bottom - top);
        cairo_fill(cr);
        if (bottom - top >= 14)
            text(cr, b[i].label, fr->x1 - 4, top + 2, 11, 1, 0);
    }
}

static void
draw_y_axis(cairo_t *cr, const frame *fr, double step)
{
    char buf[32];
    cairo_set_line_width(cr, 1);
    for (double v = fr->lo; v <= fr->hi + step / 2; v += step) {
        double y = round(frame_y(fr, v)) + 0.5;
        cairo_set_source_rgba(cr, 0, 0, 0, 0.15);
        cairo_move_to(cr, fr->x0, y);
        cairo_line_to(cr, fr->x1, y);
        cairo_stroke(cr);
        tick_label(buf, sizeof buf, v, step);
        text(cr, buf, fr->x0 - 6, y, 11, 1, 0.5);
    }
}

static double
period_x(const frame *fr, size_t i, size_t n)
{
    return n > 1 ? fr->x0 + 12 + (fr->x1 - fr->x0 - 24) * (double)i / (double)(n - 1)
                 : (fr->x0 + fr->x1) / 2;
}

/* Period names under the axis, every k-th where they would overlap. */
static void
draw_x_axis(cairo_t *cr, const frame *fr, const pa_result *r, size_t np)
{
    double widest = 1;
    for (size_t i = 0; i < np; i++)
        widest = fmax(widest, text_width(cr, pa_result_period(r, i), 11) + 8);
    size_t every = (size_t)ceil(widest * (double)np / (fr->x1 - fr->x0));
    if (every < 1)
        every = 1;
    for (size_t i = 0; i < np; i++)
        if ((np - 1 - i) % every == 0) /* the reported period is always named */
            text(cr, pa_result_period(r, i), period_x(fr, i, np), fr->y1 + 6, 11, 0.5, 0);
}

/* A unit without a rank where it has a score (a reference unit such as the city total). */
static int
is_reference(const pa_result *r, size_t u, size_t np, size_t top)
{
    for (size_t p = 0; p < np; p++)
        if (!isnan(pa_result_score(r, u, p, top)) && pa_result_rank(r, u, p, top) == 0)
            return 1;
    return 0;
}

static void
draw_unit_line(cairo_t *cr, const frame *fr, const pa_result *r, size_t u, size_t np,
               size_t top)
{
    int open = 0;
    for (size_t p = 0; p < np; p++) {
        double s = pa_result_score(r, u, p, top);
        if (isnan(s)) { /* a gap breaks the line */
            open = 0;
            continue;
        }
        double x = period_x(fr, p, np), y = frame_y(fr, s);
        if (open)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        open = 1;
    }
    cairo_stroke(cr);
    for (size_t p = 0; p < np; p++) {
        double s = pa_result_score(r, u, p, top);
        if (!isnan(s)) {
            cairo_arc(cr, period_x(fr, p, np), frame_y(fr, s), 2.5, 0, 2 * M_PI);
            cairo_fill(cr);
        }
    }
}

static void
set_unit_style(cairo_t *cr, size_t u, int reference)
{
    static const double dash[] = { 6, 3 };
    set_rgb(cr, reference ? rgb255(30, 30, 30) : line_colour(u));
    cairo_set_line_width(cr, reference ? 2.5 : 2);
    cairo_set_dash(cr, dash, reference ? 2 : 0, 0);
}

/* One entry per unit at the right, as many as fit; then how many more there are. */
static void
draw_legend(cairo_t *cr, const pa_result *r, size_t np, size_t top, double x, double y,
            double bottom)
{
    size_t nu = pa_result_unit_count(r), shown = 0;
    char buf[64];
    for (size_t u = 0; u < nu && y + 36 <= bottom; u++, shown++, y += 18) {
        set_unit_style(cr, u, is_reference(r, u, np, top));
        cairo_move_to(cr, x, y + 9);
        cairo_line_to(cr, x + 22, y + 9);
        cairo_stroke(cr);
        text(cr, pa_result_unit_name(r, u), x + 28, y + 9, 12, 0, 0.5);
    }
    cairo_set_dash(cr, NULL, 0, 0);
    if (shown < nu) {
        snprintf(buf, sizeof buf, "另有 %zu 个单位", nu - shown);
        text(cr, buf, x, y + 9, 12, 0, 0.5);
    }
}

/* The lowest and highest index score of the periods drawn; 0 when there is none. */
static int
score_range(const pa_result *r, size_t np, size_t top, double *lo, double *hi)
{
    *lo = INFINITY, *hi = -INFINITY;
    for (size_t p = 0; p < np; p++)
        for (size_t u = 0; u < pa_result_unit_count(r); u++) {
            double s = pa_result_score(r, u, p, top);
            if (!isnan(s))
                *lo = fmin(*lo, s), *hi = fmax(*hi, s);
        }
    return *lo <= *hi;
}

static double
legend_width(cairo_t *cr, const pa_result *r)
{
    double w = text_width(cr, "另有 00000 个单位", 12);
    for (size_t u = 0; u < pa_result_unit_count(r); u++)
        w = fmax(w, text_width(cr, pa_result_unit_name(r, u), 12) + 28);
    return fmin(w, 320);
}

static int
draw_trend(FILE *f, chart_format fmt, const pa_result *r, size_t p, const char *title)
{
    size_t top = top_node(r), np = p + 1;
    band b[MAX_BANDS];
    size_t nb = collect_bands(r, b);
    frame fr = { 64, 0, 58, 540 - 50, 0, 0 };
    if (!score_range(r, np, top, &fr.lo, &fr.hi)) {
        fprintf(stderr, "pingan-index: --chart trend: no unit has an index score up to %s\n",
                pa_result_period(r, p));
        return -1;
    }
    double step = nice_range(&fr.lo, &fr.hi);
    canvas c;
    canvas_open(&c, f, fmt, 960, 540);
    fr.x1 = 960 - 24 - legend_width(c.cr, r);
    char head[600];
    snprintf(head, sizeof head, "%s  走势 %s–%s", title, pa_result_period(r, 0),
             pa_result_period(r, p));
    title_text(c.cr, head, fr.x0, 16);
    draw_strips(c.cr, &fr, b, nb);
    draw_y_axis(c.cr, &fr, step);
    draw_x_axis(c.cr, &fr, r, np);
    for (size_t u = 0; u < pa_result_unit_count(r); u++) {
        set_unit_style(c.cr, u, is_reference(r, u, np, top));
        draw_unit_line(c.cr, &fr, r, u, np, top);
    }
    cairo_set_dash(c.cr, NULL, 0, 0);
    draw_legend(c.cr, r, np, top, fr.x1 + 16, fr.y0, fr.y1);
    return canvas_close(&c);
}

/* ---- ranking: the ranked units of period p as bars, best at the top, in band colours ---- */

typedef struct ranked {
    const pa_result *r;
    size_t p, top;
} ranked;

static int
cmp_ranked(const void *a, const void *b, void *arg)
{
    const ranked *k = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    long rx = pa_result_rank(k->r, x, k->p, k->top), ry = pa_result_rank(k->r, y, k->p, k->top);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The units ranked in p, best first; NULL when out of memory. */
static size_t *
ranked_units(const pa_result *r, size_t p, size_t top, size_t *n)
{
    size_t nu = pa_result_unit_count(r);
    size_t *order = malloc((nu ? nu : 1) * sizeof *order);
    *n = 0;
    for (size_t u = 0; order && u < nu; u++)
        if (pa_result_rank(r, u, p, top) > 0)
            order[(*n)++] = u;
    ranked k = { r, p, top };
    if (order)
        qsort_r(order, *n, sizeof *order, cmp_ranked, &k);
    return order;
}

/* Rows of 26 pixels up to 40 units; more share the height of 40, unlabelled below 12 pixels. */
static double
bar_row(size_t n)
{
    return n <= 40 ? 26 : fmax(40.0 * 26 / (double)n, 1.0 / 8);
}

static void
draw_bar(cairo_t *cr, const frame *fr, const pa_result *r, size_t u, size_t p, size_t top,
         double y, double row)
{
    const char *colour = NULL;
    const char *label = pa_result_band(r, u, p, top, &colour);
    double s = pa_result_score(r, u, p, top);
    double a = round(frame_x(fr, fmin(0, s) < fr->lo ? fr->lo : fmin(0, s)));
    double b = round(frame_x(fr, fmax(0, s)));
    set_rgb(cr, colour_of(label ? colour : NULL));
    cairo_rectangle(cr, a, round(y + row * 0.15), b - a, fmax(round(row * 0.7), 1));
    cairo_fill(cr);
    if (row < 12)
        return;
    char buf[160];
    snprintf(buf, sizeof buf, "%.2f %s", s, label ? label : "");
    text(cr, buf, b + 6, y + row / 2, 12, 0, 0.5);
    snprintf(buf, sizeof buf, "%ld  %s", pa_result_rank(r, u, p, top), pa_result_unit_name(r, u));
    text(cr, buf, fr->x0 - 8, y + row / 2, 12, 1, 0.5);
}

static void
draw_x_scale(cairo_t *cr, const frame *fr, double step)
{
    char buf[32];
    cairo_set_line_width(cr, 1);
    for (double v = fr->lo; v <= fr->hi + step / 2; v += step) {
        double x = round(frame_x(fr, v)) + 0.5;
        cairo_set_source_rgba(cr, 0, 0, 0, 0.15);
        cairo_move_to(cr, x, fr->y0);
        cairo_line_to(cr, x, fr->y1);
        cairo_stroke(cr);
        tick_label(buf, sizeof buf, v, step);
        text(cr, buf, x, fr->y1 + 4, 11, 0.5, 0);
    }
}

/* Reference units (scored, not ranked: the city total) as dashed lines across the bars. */
static void
draw_references(cairo_t *cr, const frame *fr, const pa_result *r, size_t p, size_t top)
{
    static const double dash[] = { 5, 3 };
    char buf[160];
    for (size_t u = 0; u < pa_result_unit_count(r); u++) {
        double s = pa_result_score(r, u, p, top);
        if (isnan(s) || pa_result_rank(r, u, p, top) != 0 || s < fr->lo || s > fr->hi)
            continue;
        double x = round(frame_x(fr, s)) + 0.5;
        cairo_set_source_rgb(cr, 0.12, 0.12, 0.12);
        cairo_set_line_width(cr, 1.5);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, x, fr->y0 - 2);
        cairo_line_to(cr, x, fr->y1);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        snprintf(buf, sizeof buf, "%s %.2f", pa_result_unit_name(r, u), s);
        text(cr, buf, x, fr->y0 - 2, 11, 0.5, 1);
    }
}

static double
rank_label_width(cairo_t *cr, const pa_result *r, const size_t *order, size_t n, size_t p,
                 size_t top)
{
    double w = 40;
    char buf[160];
    for (size_t i = 0; i < n && bar_row(n) >= 12; i++) {
        snprintf(buf, sizeof buf, "%ld  %s", pa_result_rank(r, order[i], p, top),
                 pa_result_unit_name(r, order[i]));
        w = fmax(w, text_width(cr, buf, 12));
    }
    return fmin(w, 360);
}

static int
draw_ranking(FILE *f, chart_format fmt, const pa_result *r, size_t p, const char *title)
{
    size_t top = top_node(r), n;
    size_t *order = ranked_units(r, p, top, &n);
    if (!order || n == 0) {
        fprintf(stderr, order ? "pingan-index: --chart ranking: no unit is ranked in %s\n"
                              : "pingan-index: out of memory%.0s\n", pa_result_period(r, p));
        free(order);
        return -1;
    }
    double row = bar_row(n), lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, pa_result_score(r, order[i], p, top));
        hi = fmax(hi, pa_result_score(r, order[i], p, top));
    }
    double step = nice_range(&lo, &hi);
    canvas c;
    canvas_open(&c, f, fmt, 960, ceil(64 + row * (double)n + 40));
    frame fr = { 24 + rank_label_width(c.cr, r, order, n, p, top), 960 - 130, 64,
                 64 + round(row * (double)n), lo, hi };
    char head[600];
    snprintf(head, sizeof head, "%s  排名 %s", title, pa_result_period(r, p));
    title_text(c.cr, head, 24, 16);
    draw_x_scale(c.cr, &fr, step);
    draw_references(c.cr, &fr, r, p, top); /* under the bars */
    for (size_t i = 0; i < n; i++)
        draw_bar(c.cr, &fr, r, order[i], p, top, fr.y0 + row * (double)i, row);
    free(order);
    return canvas_close(&c);
}

/* ---- heat map of a correlation matrix ---- */

/* White at 0, towards red at +1 and blue at -1; light grey where undefined. */
static rgb
corr_colour(double v)
{
    if (isnan(v))
        return rgb255(200, 200, 200);
    rgb end = v >= 0 ? rgb255(214, 39, 40) : rgb255(43, 108, 176);
    double t = fmin(fabs(v), 1);
    return (rgb){ 1 + (end.r - 1) * t, 1 + (end.g - 1) * t, 1 + (end.b - 1) * t };
}

static double
heat_label_width(cairo_t *cr, const chart_matrix *m)
{
    double w = 20;
    for (size_t i = 0; i < m->n; i++)
        w = fmax(w, text_width(cr, m->label(m->ctx, i), 11));
    return fmin(w, 200);
}

static void
draw_heat_cell(cairo_t *cr, double x, double y, double cell, double v)
{
    char buf[16];
    set_rgb(cr, corr_colour(v));
    cairo_rectangle(cr, x, y, cell, cell);
    cairo_fill(cr);
    if (cell < 34)
        return;
    snprintf(buf, sizeof buf, isnan(v) ? "–" : "%.2f", v);
    double grey = fabs(v) > 0.55 ? 1 : 0.2;
    cairo_set_source_rgb(cr, grey, grey, grey);
    layout_text(cr, buf, x + cell / 2, y + cell / 2, 11, 0.5, 0.5, 0, 1);
}

/* Names along the left and, turned upright, along the top. */
static void
draw_heat_labels(cairo_t *cr, const chart_matrix *m, double x0, double y0, double cell)
{
    for (size_t i = 0; i < m->n && cell >= 10; i++) {
        const char *l = m->label(m->ctx, i);
        text(cr, l, x0 - 6, y0 + cell * ((double)i + 0.5), 11, 1, 0.5);
        cairo_save(cr);
        cairo_translate(cr, x0 + cell * ((double)i + 0.5), y0 - 6);
        cairo_rotate(cr, -M_PI / 2);
        text(cr, l, 0, 0, 11, 0, 0.5);
        cairo_restore(cr);
    }
}

static void
draw_colour_bar(cairo_t *cr, double x, double y, double h)
{
    for (int k = 0; k < 100; k++) {
        set_rgb(cr, corr_colour(1 - k / 49.5));
        cairo_rectangle(cr, x, y + h * k / 100, 16, h / 100 + 0.5);
        cairo_fill(cr);
    }
    text(cr, "+1", x + 22, y, 11, 0, 0);
    text(cr, "0", x + 22, y + h / 2, 11, 0, 0.5);
    text(cr, "−1", x + 22, y + h, 11, 0, 1);
}

int
chart_write_heatmap(FILE *f, chart_format fmt, const char *title, const chart_matrix *m)
{
    if (m->n == 0) {
        fprintf(stderr, "pingan-index: --chart correlation: no indicator to correlate\n");
        return -1;
    }
    double cell = fmin(fmax(floor(480.0 / (double)m->n), 2), 48);
    /* the labels are measured first: the size of the page follows from them */
    cairo_surface_t *ms = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *mcr = cairo_create(ms);
    double lw = cell >= 10 ? heat_label_width(mcr, m) : 0;
    cairo_destroy(mcr);
    cairo_surface_destroy(ms);
    canvas c;
    double x0 = round(24 + lw + 6), y0 = round(58 + lw + 8), side = cell * (double)m->n;
    canvas_open(&c, f, fmt, fmax(x0 + side + 90, 480), y0 + side + 30);
    title_text(c.cr, title, 24, 16);
    for (size_t i = 0; i < m->n; i++)
        for (size_t j = 0; j < m->n; j++)
            draw_heat_cell(c.cr, x0 + cell * (double)j, y0 + cell * (double)i, cell,
                           m->value(m->ctx, i, j));
    draw_heat_labels(c.cr, m, x0, y0, cell);
    draw_colour_bar(c.cr, x0 + side + 24, y0, fmin(side, 240));
    return canvas_close(&c);
}

typedef struct stats_view {
    pa_stats *st;
    const pa_result *r;
} stats_view;

/* An indicator's label from the result where it has one, else its code. */
static const char *
stats_label(void *ctx, size_t i)
{
    stats_view *v = ctx;
    const char *code = pa_stats_indicator_code(v->st, i);
    size_t n = pa_result_node_find(v->r, code);
    return n == NONE ? code : pa_result_node_label(v->r, n);
}

static double
stats_corr(void *ctx, size_t i, size_t j)
{
    return pa_stats_corr(((stats_view *)ctx)->st, PA_CORR_PEARSON, i, j);
}

int
chart_write_correlation(FILE *f, chart_format fmt, const pa_model *model, const pa_data *data,
                        const pa_result *r, size_t p, const char *title)
{
    stats_view v = { NULL, r };
    pa_error err;
    char buf[1200];
    if (pa_stats_compute(&v.st, model, data, pa_result_period(r, p), &err) != PA_OK) {
        pa_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "pingan-index: %s\n", buf);
        return -1;
    }
    chart_matrix m = { pa_stats_indicator_count(v.st), stats_label, stats_corr, &v };
    snprintf(buf, sizeof buf, "%s  指标相关系数 (Pearson) %s", title, pa_result_period(r, p));
    int rc = chart_write_heatmap(f, fmt, buf, &m);
    pa_stats_free(v.st);
    return rc;
}

int
chart_write(FILE *f, chart_format fmt, chart_kind kind, const pa_result *r, size_t p,
            const char *title)
{
    if (kind == CHART_TREND)
        return draw_trend(f, fmt, r, p, title);
    if (kind == CHART_RANKING)
        return draw_ranking(f, fmt, r, p, title);
    fprintf(stderr, "pingan-index: --chart: this chart is not drawn here\n");
    return -1;
}

/* ---- contributions: --explain as bars, one row per unit, the parts that raised its score
 * stacked right of 0 and those that lowered it left, a mark at the net change ---- */

typedef struct parts {
    const pa_explain *x;
    size_t *leaves, n_leaves;   /* the indicators (and rows) drawn, each with its colour */
    size_t *units, n_units;     /* units with a change, in the result's order */
} parts;

static size_t
leaf_colour(const parts *pt, size_t leaf)
{
    for (size_t i = 0; i < pt->n_leaves; i++)
        if (pt->leaves[i] == leaf)
            return i;
    return 0;
}

/* The leaves and units of the explanation, and the sums of each unit's parts each way. */
static int
collect_parts(parts *pt, double *lo, double *hi)
{
    const pa_explain *x = pt->x;
    const pa_result *r = pa_explain_result(x);
    size_t nn = pa_result_node_count(r), nu = pa_result_unit_count(r);
    pt->leaves = malloc((nn ? nn : 1) * sizeof *pt->leaves);
    pt->units = malloc((nu ? nu : 1) * sizeof *pt->units);
    double *up = calloc(nu ? nu : 1, sizeof *up), *down = calloc(nu ? nu : 1, sizeof *down);
    int okay = pt->leaves && pt->units && up && down;
    for (size_t n = 0; okay && n < nn; n++)
        for (size_t i = 0; i < pa_explain_count(x); i++)
            if (pa_explain_indicator(x, i) == n) {
                pt->leaves[pt->n_leaves++] = n;
                break;
            }
    for (size_t i = 0; okay && i < pa_explain_count(x); i++) {
        double v = pa_explain_contribution(x, i);
        *(v > 0 ? &up[pa_explain_unit(x, i)] : &down[pa_explain_unit(x, i)]) += v;
    }
    *lo = 0, *hi = 0;
    for (size_t u = 0; okay && u < nu; u++)
        if (!isnan(pa_explain_change(x, u))) {
            pt->units[pt->n_units++] = u;
            *lo = fmin(*lo, down[u]), *hi = fmax(*hi, up[u]);
        }
    free(up);
    free(down);
    return okay ? 0 : -1;
}

/* One unit's row: its parts as adjoining segments out from 0, in the order of the leaves. */
static void
draw_parts_row(cairo_t *cr, const frame *fr, const parts *pt, size_t u, double y, double row)
{
    const pa_explain *x = pt->x;
    double pos = 0, neg = 0, h = fmax(round(row * 0.6), 1);
    for (size_t i = 0; i < pa_explain_count(x); i++) {
        double v = pa_explain_contribution(x, i);
        if (pa_explain_unit(x, i) != u || !(v != 0))
            continue;
        double *at = v > 0 ? &pos : &neg, a = frame_x(fr, *at), b = frame_x(fr, *at + v);
        *at += v;
        set_rgb(cr, line_colour(leaf_colour(pt, pa_explain_indicator(x, i))));
        cairo_rectangle(cr, fmin(a, b), round(y + row * 0.2), fabs(b - a), h);
        cairo_fill(cr);
    }
    double d = pa_explain_change(x, u), xm = round(frame_x(fr, d)) + 0.5;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, xm, y + row * 0.08);
    cairo_line_to(cr, xm, y + row * 0.92);
    cairo_stroke(cr);
    char buf[200];
    snprintf(buf, sizeof buf, "%s  %+.2f", pa_result_unit_name(pa_explain_result(x), u), d);
    text(cr, buf, fr->x0 - 8, y + row / 2, 12, 1, 0.5);
}

/* The leaves' colours, in rows under the bars; returns the height it took. */
static double
draw_parts_legend(cairo_t *cr, const parts *pt, double x0, double x1, double y, int draw)
{
    const pa_result *r = pa_explain_result(pt->x);
    double x = x0, top = y;
    for (size_t i = 0; i < pt->n_leaves; i++) {
        const char *label = pa_result_node_label(r, pt->leaves[i]);
        double w = text_width(cr, label, 12) + 30;
        if (x + w > x1 && x > x0)
            x = x0, y += 22;
        if (draw) {
            set_rgb(cr, line_colour(i));
            cairo_rectangle(cr, x, y + 3, 12, 12);
            cairo_fill(cr);
            text(cr, label, x + 16, y + 9, 12, 0, 0.5);
        }
        x += w;
    }
    return y - top + 22;
}

static double
parts_label_width(cairo_t *cr, const parts *pt)
{
    double w = 40;
    char buf[200];
    for (size_t i = 0; i < pt->n_units; i++) {
        size_t u = pt->units[i];
        snprintf(buf, sizeof buf, "%s  %+.2f", pa_result_unit_name(pa_explain_result(pt->x), u),
                 pa_explain_change(pt->x, u));
        w = fmax(w, text_width(cr, buf, 12));
    }
    return fmin(w, 360);
}

static int
draw_contributions(FILE *f, chart_format fmt, const parts *pt, double lo, double hi,
                   const char *title)
{
    const pa_result *r = pa_explain_result(pt->x);
    size_t p = pa_explain_period(pt->x), n = pt->n_units;
    double row = bar_row(n), step = nice_range(&lo, &hi);
    canvas probe;
    canvas_open(&probe, NULL, CHART_PNG, 1, 1); /* for text widths before the size is known */
    double lw = parts_label_width(probe.cr, pt);
    double legend = draw_parts_legend(probe.cr, pt, 24, 960 - 24, 0, 0);
    cairo_destroy(probe.cr);
    cairo_surface_destroy(probe.s);
    canvas c;
    canvas_open(&c, f, fmt, 960, ceil(64 + row * (double)n + 40 + legend + 8));
    frame fr = { 24 + lw, 960 - 40, 64, 64 + round(row * (double)n), lo, hi };
    char head[700];
    const char *base = pa_result_base_label(r, p);
    snprintf(head, sizeof head, "%s  %s 较 %s: %s变化的构成 (分)", title, pa_result_period(r, p),
             base ? base : "-", pa_result_node_parent(r, pa_explain_node(pt->x)) == NONE
                                    ? "指数" : pa_result_node_label(r, pa_explain_node(pt->x)));
    title_text(c.cr, head, 24, 16);
    draw_x_scale(c.cr, &fr, step);
    double x0 = round(frame_x(&fr, 0)) + 0.5;
    cairo_set_source_rgb(c.cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(c.cr, 1);
    cairo_move_to(c.cr, x0, fr.y0);
    cairo_line_to(c.cr, x0, fr.y1);
    cairo_stroke(c.cr);
    for (size_t i = 0; i < n; i++)
        draw_parts_row(c.cr, &fr, pt, pt->units[i], fr.y0 + row * (double)i, row);
    draw_parts_legend(c.cr, pt, 24, 960 - 24, fr.y1 + 32, 1);
    return canvas_close(&c);
}

int
chart_write_contributions(FILE *f, chart_format fmt, const pa_model *model, const pa_result *r,
                          size_t p, const char *node, const char *title)
{
    pa_error err;
    pa_explain *x = NULL;
    memset(&err, 0, sizeof err);
    if (pa_explain_compute(&x, model, r, node, pa_result_period(r, p), &err) != PA_OK) {
        char buf[1200];
        pa_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "pingan-index: --chart contributions: %s\n", buf);
        return -1;
    }
    parts pt = { .x = x };
    double lo, hi;
    int rc = collect_parts(&pt, &lo, &hi);
    if (rc != 0)
        fprintf(stderr, "pingan-index: out of memory\n");
    else if (pt.n_units == 0)
        fprintf(stderr, "pingan-index: --chart contributions: no unit has a change in %s\n",
                pa_result_period(r, p)), rc = -1;
    else
        rc = draw_contributions(f, fmt, &pt, lo, hi, title);
    free(pt.leaves);
    free(pt.units);
    pa_explain_free(x);
    return rc;
}

/* ---- rank intervals of an uncertainty run ---- */

static int
cmp_nominal(const void *a, const void *b, void *arg)
{
    const pa_uncertainty *u = arg;
    double x = pa_uncertainty_stat(u, *(const size_t *)a, PA_UNC_NOMINAL_RANK);
    double y = pa_uncertainty_stat(u, *(const size_t *)b, PA_UNC_NOMINAL_RANK);
    return x < y ? -1 : x > y ? 1 : (*(const size_t *)a > *(const size_t *)b) -
                                    (*(const size_t *)a < *(const size_t *)b);
}

static const char *
unc_label(const pa_uncertainty *u, size_t i)
{
    const char *name = pa_uncertainty_unit_name(u, i);
    return name && *name ? name : pa_uncertainty_unit_code(u, i);
}

/* One unit's row: its 5–95 % interval as a bar, the median as a tick, the nominal rank a dot. */
static void
draw_interval(cairo_t *cr, const frame *fr, const pa_uncertainty *u, size_t i, double y,
              double row)
{
    double lo = pa_uncertainty_stat(u, i, PA_UNC_RANK_P05);
    double hi = pa_uncertainty_stat(u, i, PA_UNC_RANK_P95);
    double med = pa_uncertainty_stat(u, i, PA_UNC_MEDIAN_RANK);
    double nom = pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_RANK);
    double cy = y + row / 2;
    cairo_set_source_rgb(cr, 0.55, 0.63, 0.75);
    cairo_rectangle(cr, frame_x(fr, lo) - 1, cy - fmax(row * 0.2, 0.5),
                    frame_x(fr, hi) - frame_x(fr, lo) + 2, fmax(row * 0.4, 1));
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, frame_x(fr, med), cy - row * 0.35);
    cairo_line_to(cr, frame_x(fr, med), cy + row * 0.35);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.51, 0.69, 0.44); /* COINr's dot colour */
    cairo_arc(cr, frame_x(fr, nom), cy, fmin(row * 0.3, 5), 0, 2 * M_PI);
    cairo_fill(cr);
    if (row < 12)
        return;
    char buf[200];
    snprintf(buf, sizeof buf, "%.0f  %s", nom, unc_label(u, i));
    text(cr, buf, fr->x0 - 8, cy, 12, 1, 0.5);
    snprintf(buf, sizeof buf, "%g–%g", lo, hi);
    text(cr, buf, fr->x1 + 6, cy, 11, 0, 0.5);
}

int
chart_write_uncertainty(FILE *f, chart_format fmt, const pa_uncertainty *u, const char *title)
{
    size_t nu = pa_uncertainty_unit_count(u), n = 0;
    size_t *order = malloc((nu ? nu : 1) * sizeof *order);
    double hi = 1, w = 40;
    for (size_t i = 0; order && i < nu; i++)
        if (!isnan(pa_uncertainty_stat(u, i, PA_UNC_NOMINAL_RANK)) &&
            !isnan(pa_uncertainty_stat(u, i, PA_UNC_RANK_P95))) {
            order[n++] = i;
            hi = fmax(hi, pa_uncertainty_stat(u, i, PA_UNC_RANK_P95));
        }
    if (!order || n == 0) {
        fprintf(stderr, order ? "pingan-index: --chart uncertainty: no unit is ranked\n"
                              : "pingan-index: out of memory\n");
        free(order);
        return -1;
    }
    qsort_r(order, n, sizeof *order, cmp_nominal, (void *)u);
    double row = bar_row(n), lo = 1;
    canvas c;
    canvas_open(&c, f, fmt, 960, ceil(64 + row * (double)n + 40));
    char buf[200];
    for (size_t i = 0; i < n && row >= 12; i++) {
        snprintf(buf, sizeof buf, "%.0f  %s",
                 pa_uncertainty_stat(u, order[i], PA_UNC_NOMINAL_RANK), unc_label(u, order[i]));
        w = fmax(w, text_width(c.cr, buf, 12));
    }
    double step = nice_range(&lo, &hi);
    frame fr = { 24 + fmin(w, 360), 960 - 90, 64, 64 + round(row * (double)n), lo, hi };
    char head[600];
    snprintf(head, sizeof head, "%s  名次的 5–95 %% 区间 %s (%zu 次运行)", title,
             pa_uncertainty_period(u), pa_uncertainty_runs(u));
    title_text(c.cr, head, 24, 16);
    draw_x_scale(c.cr, &fr, step);
    for (size_t i = 0; i < n; i++)
        draw_interval(c.cr, &fr, u, order[i], fr.y0 + row * (double)i, row);
    free(order);
    return canvas_close(&c);
}

/* ---- SVG for inlining ---- */

/* Copies s into dst (when not NULL) with pfx after every id=", href="# and url(#: two charts
 * in one page must not share the ids of their glyphs and clips. Returns the length. */
static size_t
prefix_ids(char *dst, const char *s, const char *pfx)
{
    static const char *const refs[] = { "id=\"", "href=\"#", "url(#" };
    size_t n = 0, lp = strlen(pfx);
    while (*s) {
        size_t k = 0;
        for (size_t i = 0; i < 3 && !k; i++)
            if (strncmp(s, refs[i], strlen(refs[i])) == 0)
                k = strlen(refs[i]);
        if (!k) {
            if (dst)
                dst[n] = *s;
            n++, s++;
            continue;
        }
        if (dst)
            memcpy(dst + n, s, k), memcpy(dst + n + k, pfx, lp);
        n += k + lp, s += k;
    }
    if (dst)
        dst[n] = '\0';
    return n;
}

int
chart_svg_string(char **out, chart_kind kind, const pa_result *r, size_t p,
                 const char *title, const char *id_prefix)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = f ? chart_write(f, CHART_SVG, kind, r, p, title) : 0;
    if (f && fclose(f) != 0)
        rc = rc ? rc : 1;
    const char *svg = buf ? strstr(buf, "<svg") : NULL; /* without the XML declaration */
    *out = rc == 0 && svg ? malloc(prefix_ids(NULL, svg, id_prefix) + 1) : NULL;
    if (*out)
        prefix_ids(*out, svg, id_prefix);
    else if (rc >= 0) /* no memory for the stream, its buffer or the copy */
        fprintf(stderr, "pingan-index: out of memory\n");
    free(buf);
    return *out ? 0 : -1;
}
