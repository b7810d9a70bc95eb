/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/data.c, compute.c, result.c and write.c on small inline CSVs: periods,
 * missing values, column and row errors with their positions, denomination, sibling files,
 * ranks, changes and the CSV/JSON writers. Expected numbers are worked out in comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../testutil.h"
#include "../pipeline.h"

#define REL 1e-12

/* Two plain indicators, scores = values (a) and −values (b), index = their mean. */
static const char model_ab[] = "[index]\n"
                               "code = idx\n"
                               "normalise = none\n"
                               "[indicator a]\n"
                               "[indicator b]\n"
                               "direction = -1\n";

static pa_model *
model(const char *text)
{
    pa_model *m = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_model_parse(&m, text, "t.ini", &e);
    if (st != PA_OK)
        print_error("%s:%ld:%ld: %s\n", e.file, e.line, e.column, e.text);
    assert_int_equal(st, PA_OK);
    return m;
}

static pa_data *
data_new(const pa_model *m)
{
    pa_data *d = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    assert_non_null(d);
    return d;
}

static pa_status
read_str(pa_data *d, const char *csv, const char *name, pa_error *e)
{
    memset(e, 0, sizeof *e);
    return pa_data_read_buffer(d, csv, strlen(csv), name, e);
}

static void
read_ok(pa_data *d, const char *csv, const char *name)
{
    pa_error e;
    pa_status st = read_str(d, csv, name, &e);
    if (st != PA_OK)
        print_error("%s:%ld:%ld: %s\n", e.file, e.line, e.column, e.text);
    assert_int_equal(st, PA_OK);
}

static pa_result *
compute_ok(const pa_model *m, const pa_data *d)
{
    pa_result *r = NULL;
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_compute(&r, m, d, &e);
    if (st != PA_OK)
        print_error("%s:%ld:%ld: %s\n", e.file, e.line, e.column, e.text);
    assert_int_equal(st, PA_OK);
    assert_non_null(r);
    return r;
}

/* Model + one CSV → result (freed by the caller with the model and data). */
typedef struct fixture {
    pa_model *m;
    pa_data *d;
    pa_result *r;
} fixture;

static fixture
fixture_run(const char *model_text, const char *csv, const char *name)
{
    fixture f;
    f.m = model(model_text);
    f.d = data_new(f.m);
    read_ok(f.d, csv, name);
    f.r = compute_ok(f.m, f.d);
    return f;
}

static void
fixture_free(fixture *f)
{
    pa_result_free(f->r);
    pa_data_free(f->d);
    pa_model_free(f->m);
}




/* Expect a read failure with status, line, column and a piece of the message. */
#define expect_read_error(m, csv, line, col, needle) \
    expect_read_error_impl((m), (csv), (line), (col), (needle), __FILE__, __LINE__)

static void
expect_read_error_impl(const pa_model *m, const char *csv, long line, long col,
                       const char *needle, const char *file, int at)
{
    pa_data *d = data_new(m);
    pa_error e;
    pa_status st = read_str(d, csv, "t.csv", &e);
    if (st != PA_ERR_DATA || e.status != PA_ERR_DATA || e.line != line || e.column != col ||
        strcmp(e.file, "t.csv") != 0 || (needle && !strstr(e.text, needle))) {
        print_error("%s:%d: expected PA_ERR_DATA at t.csv:%ld:%ld with '%s'\n"
                    "got status %d at %s:%ld:%ld: %s\n",
                    file, at, line, col, needle ? needle : "", (int)st, e.file, e.line,
                    e.column, e.text);
        pa_data_free(d);
        _fail(file, at);
    }
    assert_true(pa_data_row_count(d) == 0); /* a failed file adds no rows */
    pa_data_free(d);
}

/* ---- periods ---- */

static void
test_period_from_year_column(void **state)
{
    (void)state;
    fixture f = fixture_run(model_ab,
                    "unit,year,a,b\n"
                    "u1,2019,3,4\n"
                    "u1,2018,1,2\n"
                    "u2,2019,5,6\n",
                    "whatever.csv");
    assert_true(pa_data_row_count(f.d) == 3);
    /* periods ascending whatever the row order */
    assert_true(pa_result_period_count(f.r) == 2);
    assert_string_equal(pa_result_period(f.r, 0), "2018");
    assert_string_equal(pa_result_period(f.r, 1), "2019");
    assert_true(pa_result_unit_count(f.r) == 2);
    size_t a = N(f.r, "a");
    assert_true(pa_result_value(f.r, U(f.r, "u1"), 1, a) == 3);
    assert_true(pa_result_value(f.r, U(f.r, "u1"), 0, a) == 1);
    /* u2 has no 2018 row: missing */
    assert_true(isnan(pa_result_value(f.r, U(f.r, "u2"), 0, a)));
    fixture_free(&f);
    /* "Period" (any case) works too, and months are read into one form: 2019-9 is 2019-09,
     * before 2019-10 */
    f = fixture_run(model_ab, "unit,Period,a,b\nu1,2019-10,1,1\nu1,2019-9,2,2\n", NULL);
    assert_string_equal(pa_result_period(f.r, 0), "2019-09");
    assert_string_equal(pa_result_period(f.r, 1), "2019-10");
    fixture_free(&f);
    /* the Chinese column names, and the spellings of a month in them */
    f = fixture_run(model_ab, "unit,月份,a,b\nu1,2019年10月,1,1\nu1,201909,2,2\n", NULL);
    assert_string_equal(pa_result_period(f.r, 0), "2019-09");
    assert_string_equal(pa_result_period(f.r, 1), "2019-10");
    fixture_free(&f);
    f = fixture_run(model_ab, "unit,DATE,a,b\nu1,2019/7/15,1,1\nu1,2019-07-14,2,2\n", NULL);
    assert_string_equal(pa_result_period(f.r, 0), "2019-07-14");
    assert_string_equal(pa_result_period(f.r, 1), "2019-07-15");
    fixture_free(&f);
    static const char *const names[] = { "年份", "日期", "year", "YEAR", "period" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char csv[64];
        snprintf(csv, sizeof csv, "unit,%s,a,b\nu1,2019,1,1\n", names[i]);
        f = fixture_run(model_ab, csv, "1999.csv"); /* the column wins over the name */
        assert_string_equal(pa_result_period(f.r, 0), "2019");
        fixture_free(&f);
    }
}

static void
test_period_from_file_name(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    pa_data *d = data_new(m);
    read_ok(d, "unit,a,b\nu1,1,2\n", "some/dir/2019.csv");
    read_ok(d, "unit,a,b\nu1,3,4\n", "2018.csv");
    pa_result *r = compute_ok(m, d);
    assert_true(pa_result_period_count(r) == 2);
    assert_string_equal(pa_result_period(r, 0), "2018");
    assert_string_equal(pa_result_period(r, 1), "2019");
    assert_true(pa_result_value(r, 0, 1, N(r, "a")) == 1);
    assert_true(pa_result_value(r, 0, 0, N(r, "a")) == 3);
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_no_period(void **state)
{
    (void)state;
    /* neither a year column nor a period file name: one period named "" */
    fixture f = fixture_run(model_ab, "unit,a,b\nu1,1,2\nu2,3,4\n", "data/indicators.csv");
    assert_true(pa_result_period_count(f.r) == 1);
    assert_string_equal(pa_result_period(f.r, 0), "");
    assert_true(pa_result_base_of(f.r, 0) == PA_NONE);
    fixture_free(&f);
    /* no name at all */
    f = fixture_run(model_ab, "unit,a,b\nu1,1,2\n", NULL);
    assert_string_equal(pa_result_period(f.r, 0), "");
    fixture_free(&f);
}

/* ---- values ---- */

static void
test_missing_tokens(void **state)
{
    (void)state;
    /* SPEC §2 tokens: empty, NA, N/A, -, — (U+2014), null; blanks around are allowed */
    fixture f = fixture_run(model_ab,
                    "unit,a,b\n"
                    "u1,NA,1\n"
                    "u2,,2\n"
                    "u3,-,3\n"
                    "u4,N/A,4\n"
                    "u5,null,5\n"
                    "u6,\xe2\x80\x94,6\n"
                    "u7,7,7\n"
                    "u8, NA ,8\n",
                    "t.csv");
    size_t a = N(f.r, "a"), b = N(f.r, "b");
    const char *missing[] = { "u1", "u2", "u3", "u4", "u5", "u6", "u8" };
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++) {
        size_t u = U(f.r, missing[i]);
        assert_true(isnan(pa_result_value(f.r, u, 0, a)));
        assert_true(isnan(pa_result_score(f.r, u, 0, a)));
        assert_true(pa_result_rank(f.r, u, 0, a) == 0); /* not ranked */
    }
    assert_true(pa_result_value(f.r, U(f.r, "u7"), 0, a) == 7);
    assert_true(pa_result_value(f.r, U(f.r, "u6"), 0, b) == 6);
    /* the index of u1 is b alone (a dropped out): −1 */
    assert_close(pa_result_score(f.r, U(f.r, "u1"), 0, N(f.r, "idx")), -1, REL);
    fixture_free(&f);
}

static void
test_unused_columns_ignored(void **state)
{
    (void)state;
    /* "hello" and "free text" are not numbers, but nobody reads those columns */
    fixture f = fixture_run(model_ab,
                    "unit,extra,a,notes,b\n"
                    "u1,hello,1,free text,2\n",
                    "t.csv");
    assert_true(pa_result_value(f.r, 0, 0, N(f.r, "a")) == 1);
    assert_true(pa_result_value(f.r, 0, 0, N(f.r, "b")) == 2);
    assert_string_equal(pa_result_unit_name(f.r, 0), "u1"); /* no name column: the code */
    fixture_free(&f);
}

/* A numeric column whose name the period, name or unit column takes would have no field of
 * its own, and its indicator would be missing everywhere without a word: it is an error at
 * that header field, naming the column's role. */
static void
test_column_taken_by_period_or_name(void **state)
{
    (void)state;
    pa_model *m = model("[index]\nname_column = nm\n[indicator a]\n[indicator n]\ncolumn = nm\n");
    expect_read_error(m, "unit,nm,year,a\nu1,3,2019,1\n", 1, 2, "'nm' is the name column");
    pa_model_free(m);
    m = model("[index]\n[indicator a]\n[indicator y]\ncolumn = year\n");
    expect_read_error(m, "unit,year,a\nu1,2019,1\n", 1, 2, "'year' is the period column");
    pa_model_free(m);
    m = model("[index]\n[indicator a]\ndenominator = unit\n");
    expect_read_error(m, "unit,year,a\nu1,2019,1\n", 1, 1, "'unit' is the unit column");
    pa_model_free(m);
}

static void
test_gb18030_file(void **state)
{
    (void)state;
    /* "unit,name,a,b\nxz,香洲区,1,2\n" in GB18030: the name arrives as UTF-8 */
    fixture f = fixture_run("[index]\nname_column = name\n[indicator a]\n[indicator b]\n",
                    "unit,name,a,b\nxz,\xcf\xe3\xd6\xde\xc7\xf8,1,2\n", "t.csv");
    assert_true(pa_result_unit_count(f.r) == 1);
    assert_string_equal(pa_result_unit_code(f.r, 0), "xz");
    assert_string_equal(pa_result_unit_name(f.r, 0), "香洲区");
    fixture_free(&f);
}

/* ---- header and row errors ---- */

static void
test_missing_needed_column(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    /* b is missing: reported on the header line, naming the column */
    expect_read_error(m, "unit,a\nu1,1\n", 1, 0, "'b'");
    pa_model_free(m);
    /* a denominator is needed too */
    m = model("[index]\n[indicator a]\ndenominator = pop\n");
    expect_read_error(m, "unit,a\nu1,1\n", 1, 0, "'pop'");
    pa_model_free(m);
    /* a name column the model names */
    m = model("[index]\nname_column = name\n[indicator a]\n");
    expect_read_error(m, "unit,a\nu1,1\n", 1, 0, "'name'");
    pa_model_free(m);
}

static void
test_duplicate_header(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    /* the second "a" is field 4 of line 1 */
    expect_read_error(m, "unit,a,b,a\nu1,1,2,3\n", 1, 4, "'a'");
    pa_model_free(m);
}

static void
test_ragged_rows(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    /* line 3 has 2 fields under a 3-field header: it ends early after field 2 */
    expect_read_error(m, "unit,a,b\nu1,1,2\nu2,1\n", 3, 2, "2 fields");
    /* line 2 has a 4th field */
    expect_read_error(m, "unit,a,b\nu1,1,2,3\n", 2, 4, "3");
    pa_model_free(m);
}

static void
test_text_in_number_column(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    /* field 3 (column b) of line 3 */
    static const char *const bad[] = { "abc", "nan", "inf", "0x1F", "1,5", "12abc" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char csv[128];
        snprintf(csv, sizeof csv, "unit,a,b\nu1,1,2\nu2,3,\"%s\"\n", bad[i]);
        expect_read_error(m, csv, 3, 3, bad[i]);
    }
    expect_read_error(m, "unit,a,b\nu1,1,2\nu2,3,1e999\n", 3, 3, "range");
    /* the message reads FILE:LINE:COLUMN: … */
    pa_data *d = data_new(m);
    pa_error e;
    assert_int_equal(read_str(d, "unit,a,b\nu1,x,2\n", "data/2019.csv", &e), PA_ERR_DATA);
    char buf[1024];
    pa_error_format(&e, buf, sizeof buf);
    assert_true(strncmp(buf, "data/2019.csv:2:2: ", 19) == 0);
    assert_non_null(strstr(buf, "'x'"));
    assert_non_null(strstr(buf, "'a'")); /* the column's name */
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_empty_unit_and_period(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    expect_read_error(m, "unit,a,b\n,1,2\n", 2, 1, "unit");
    expect_read_error(m, "unit,year,a,b\nu1,,1,2\n", 2, 2, "empty period");
    /* a cell that is no period names its cell and the forms that are */
    expect_read_error(m, "unit,a,year,b\nu1,1,2019,2\nu1,1,19,2\n", 3, 3,
                      "'19' is not a period: write a year (2019)");
    expect_read_error(m, "unit,a,b,date\nu1,1,2,2019-02-29\n", 2, 4, "'2019-02-29' is not");
    pa_model_free(m);
}

static void
test_duplicate_unit_period(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    pa_data *d = data_new(m);
    /* u1 on lines 2 and 4 of the same period "" */
    read_ok(d, "unit,a,b\nu1,1,2\nu2,3,4\nu1,5,6\n", "t.csv");
    pa_result *r = (pa_result *)0x1;
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_ERR_DATA);
    assert_null(r);
    assert_string_equal(e.file, "t.csv");
    assert_int_equal(e.line, 4);
    assert_non_null(strstr(e.text, "'u1'"));
    assert_non_null(strstr(e.text, "t.csv:2"));
    pa_data_free(d);
    /* across two files of the same period */
    d = data_new(m);
    read_ok(d, "unit,a,b\nu1,1,2\n", "x/2019.csv");
    read_ok(d, "unit,a,b\nu2,1,2\nu1,1,2\n", "y/2019.csv");
    assert_int_equal(pa_compute(&r, m, d, &e), PA_ERR_DATA);
    assert_string_equal(e.file, "y/2019.csv");
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.text, "x/2019.csv:2"));
    pa_data_free(d);
    pa_model_free(m);
}

static void
test_empty_file(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    expect_read_error(m, "", 1, 0, "empty");
    expect_read_error(m, "\n\n", 1, 0, "empty");
    /* a header alone is an error on its line (blank lines before it count) */
    expect_read_error(m, "unit,a,b\n", 1, 0, "a header but no data rows");
    expect_read_error(m, "\n\nunit,a,b\r\n\r\n", 3, 0, "a header but no data rows");
    pa_model_free(m);
}

/* Freed by the teardown, so that a failing assertion leaks nothing (valgrind setup). */
static fixture held;

static int
free_held(void **state)
{
    (void)state;
    fixture_free(&held);
    memset(&held, 0, sizeof held);
    return 0;
}

static void
test_failed_read_adds_nothing(void **state)
{
    (void)state;
    held.m = model(model_ab);
    held.d = data_new(held.m);
    read_ok(held.d, "unit,a,b\nu1,1,2\n", "2018.csv");
    /* line 2 (new unit u9, new period 2019) is fine, line 3 is not: the file is refused as a
     * whole, so neither u9 nor 2019 may appear afterwards */
    pa_error e;
    assert_int_equal(read_str(held.d, "unit,a,b\nu9,1,2\nu8,x,3\n", "2019.csv", &e),
                     PA_ERR_DATA);
    assert_int_equal(e.line, 3);
    assert_true(pa_data_row_count(held.d) == 1);
    held.r = compute_ok(held.m, held.d);
    assert_true(pa_result_unit_count(held.r) == 1);
    assert_true(pa_result_period_count(held.r) == 1);
    assert_string_equal(pa_result_period(held.r, 0), "2018");
}

/* Nor a name: a failed file that named a unit read before takes the name back, so that the
 * next file's name for it counts. */
static void
test_failed_read_adds_no_name(void **state)
{
    (void)state;
    pa_model *m = model("[index]\nname_column = name\n[indicator a]\n[indicator b]\n");
    pa_data *d = data_new(m);
    read_ok(d, "unit,name,a,b\nu1,,1,2\nu2,Two,1,2\n", "2017.csv");
    pa_error e;
    assert_int_equal(read_str(d, "unit,name,a,b\nu1,Failed,1,2\nu2,Other,3,4\nu3,x,zz,1\n",
                              "2018.csv", &e), PA_ERR_DATA);
    assert_null(d->unit_names[0]);
    assert_string_equal(d->unit_names[1], "Two");
    read_ok(d, "unit,name,a,b\nu1,One,5,6\n", "2019.csv");
    assert_string_equal(d->unit_names[0], "One");
    pa_data_free(d);
    pa_model_free(m);
}

/* ---- denomination ---- */

static const char model_den[] = "[index]\n"
                                "code = idx\n"
                                "normalise = none\n"
                                "[indicator a]\n"
                                "denominator = pop\n"
                                "per = 10000\n"
                                "[indicator b]\n";

static void
test_denominate(void **state)
{
    (void)state;
    /* a / (pop / 10000): u1 50/(20000/10000) = 50/2 = 25; u2 30/(400000/10000) = 30/40 = 0.75;
     * the raw value stays the value, the rate is the score (normalise = none);
     * u3's population is missing: no rate */
    fixture f = fixture_run(model_den,
                    "unit,pop,a,b\n"
                    "u1,20000,50,1\n"
                    "u2,400000,30,1\n"
                    "u3,NA,30,1\n",
                    "t.csv");
    size_t a = N(f.r, "a");
    assert_true(pa_result_value(f.r, 0, 0, a) == 50);
    assert_close(pa_result_score(f.r, 0, 0, a), 25, REL);
    assert_true(pa_result_value(f.r, 1, 0, a) == 30);
    assert_close(pa_result_score(f.r, 1, 0, a), 0.75, REL);
    assert_true(pa_result_value(f.r, 2, 0, a) == 30);
    assert_true(isnan(pa_result_score(f.r, 2, 0, a)));
    /* b has no denominator: 1 */
    assert_close(pa_result_score(f.r, 0, 0, N(f.r, "b")), 1, REL);
    fixture_free(&f);
    /* denominate = no: the denominator is neither applied nor needed */
    f = fixture_run("[index]\ncode = idx\nnormalise = none\ndenominate = no\n"
            "[indicator a]\ndenominator = pop\nper = 10000\n[indicator b]\n",
            "unit,a,b\nu1,50,1\n", "t.csv");
    assert_close(pa_result_score(f.r, 0, 0, N(f.r, "a")), 50, REL);
    fixture_free(&f);
}

static void
test_denominator_zero(void **state)
{
    (void)state;
    pa_model *m = model(model_den);
    static const char *const csvs[] = { "unit,pop,a,b\nu1,20000,50,1\nu2,0,30,1\n",
                                        "unit,pop,a,b\nu1,20000,50,1\nu2,-5,30,1\n" };
    for (size_t i = 0; i < 2; i++) {
        pa_data *d = data_new(m);
        read_ok(d, csvs[i], "t.csv");
        pa_result *r = NULL;
        pa_error e;
        memset(&e, 0, sizeof e);
        /* u2's population (line 3) is 0 or below: it cannot divide */
        assert_int_equal(pa_compute(&r, m, d, &e), PA_ERR_DATA);
        assert_null(r);
        assert_string_equal(e.file, "t.csv");
        assert_int_equal(e.line, 3);
        assert_non_null(strstr(e.text, "'pop'"));
        assert_non_null(strstr(e.text, "'u2'"));
        pa_data_free(d);
    }
    pa_model_free(m);
}

/* ---- sibling files ---- */

static void
write_file(const char *dir, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void
remove_file(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

/* One temporary folder for the tests of files read from disk, made on first use and removed
 * with everything in it by the test's teardown. */
static char tmp_dir[4096];

static const char *
make_tmp_dir(void)
{
    if (!tmp_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/pa_files_XXXXXX", tmp && *tmp ? tmp : "/tmp");
        assert_non_null(mkdtemp(tmp_dir));
    }
    return tmp_dir;
}

static int
remove_tmp_dir(void **state)
{
    (void)state;
    if (!tmp_dir[0])
        return 0;
    DIR *dh = opendir(tmp_dir);
    for (struct dirent *e; dh && (e = readdir(dh)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            remove_file(tmp_dir, e->d_name);
    if (dh)
        closedir(dh);
    rmdir(tmp_dir);
    tmp_dir[0] = '\0';
    return 0;
}

static void
test_siblings(void **state)
{
    (void)state;
    const char *dir = make_tmp_dir();
    write_file(dir, "2017.csv", "unit,a,b\nu1,17,1\n");
    write_file(dir, "2018.csv", "unit,a,b\nu1,18,1\n");
    write_file(dir, "2019.csv", "unit,a,b\nu1,19,1\n");
    write_file(dir, "2020.csv", "unit,a,b\nu1,20,1\n");  /* later: never brought in */
    write_file(dir, "notes.csv", "these are notes\n");   /* not a period: would fail to read */
    write_file(dir, "2016.txt", "unit,a,b\nu1,16,1\n");  /* another extension */
    pa_model *m = model(model_ab);
    char path[4200];

    /* given 2019.csv: 2017, 2018 and 2019 */
    pa_data *d = data_new(m);
    pa_error e;
    memset(&e, 0, sizeof e);
    snprintf(path, sizeof path, "%s/2019.csv", dir);
    pa_status st = pa_data_read_with_siblings(d, path, &e);
    if (st != PA_OK)
        print_error("%s:%ld: %s\n", e.file, e.line, e.text);
    assert_int_equal(st, PA_OK);
    assert_true(pa_data_row_count(d) == 3);
    pa_result *r = compute_ok(m, d);
    assert_true(pa_result_period_count(r) == 3);
    assert_string_equal(pa_result_period(r, 0), "2017");
    assert_string_equal(pa_result_period(r, 1), "2018");
    assert_string_equal(pa_result_period(r, 2), "2019");
    size_t a = N(r, "a");
    assert_true(pa_result_value(r, 0, 0, a) == 17);
    assert_true(pa_result_value(r, 0, 2, a) == 19);
    /* 2019 is compared with 2018 by default: (19 − 18)/18·100 = 5.555…% */
    assert_close(pa_result_value_change_pct(r, 0, 2, a), 100.0 / 18.0, REL);
    pa_result_free(r);
    pa_data_free(d);

    /* given 2018.csv: 2017 and 2018 only */
    d = data_new(m);
    snprintf(path, sizeof path, "%s/2018.csv", dir);
    assert_int_equal(pa_data_read_with_siblings(d, path, &e), PA_OK);
    assert_true(pa_data_row_count(d) == 2);
    r = compute_ok(m, d);
    assert_true(pa_result_period_count(r) == 2);
    assert_string_equal(pa_result_period(r, 0), "2017");
    assert_string_equal(pa_result_period(r, 1), "2018");
    pa_result_free(r);
    pa_data_free(d);

    /* a file not named after a period is read alone (and here fails: no column a) */
    d = data_new(m);
    snprintf(path, sizeof path, "%s/notes.csv", dir);
    assert_int_equal(pa_data_read_with_siblings(d, path, &e), PA_ERR_DATA);
    assert_string_equal(e.file, path);
    pa_data_free(d);

    /* a missing file */
    d = data_new(m);
    snprintf(path, sizeof path, "%s/2099.csv", dir);
    assert_int_equal(pa_data_read_with_siblings(d, path, &e), PA_ERR_IO);
    pa_data_free(d);

    pa_model_free(m);
}

/* Months not padded with a zero: 2019-9.csv comes before 2019-10.csv, and 2019-12.csv
 * brings in all eleven earlier months, each read as its one form (2019-09). */
static void
test_siblings_months(void **state)
{
    (void)state;
    const char *month_dir = make_tmp_dir();
    for (int mo = 1; mo <= 12; mo++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "2019-%d.csv", mo);
        snprintf(text, sizeof text, "unit,a,b\nu1,%d,1\n", mo * 10);
        write_file(month_dir, name, text);
    }
    pa_model *m = model(model_ab);
    char path[4200];
    for (int last = 12; last >= 9; last -= 3) {
        pa_data *d = data_new(m);
        pa_error e;
        memset(&e, 0, sizeof e);
        snprintf(path, sizeof path, "%s/2019-%d.csv", month_dir, last);
        assert_int_equal(pa_data_read_with_siblings(d, path, &e), PA_OK);
        assert_int_equal(pa_data_row_count(d), (size_t)last);
        pa_result *r = compute_ok(m, d);
        assert_int_equal(pa_result_period_count(r), (size_t)last);
        size_t a = N(r, "a");
        for (int mo = 1; mo <= last; mo++) {
            char want[16];
            snprintf(want, sizeof want, "2019-%02d", mo);
            assert_string_equal(pa_result_period(r, (size_t)mo - 1), want);
            assert_true(pa_result_value(r, 0, (size_t)mo - 1, a) == mo * 10);
        }
        /* 2019-10 is compared with 2019-9: (100 − 90) / 90 */
        if (last >= 10)
            assert_close(pa_result_value_change_pct(r, 0, 9, a), 100.0 / 9.0, REL);
        pa_result_free(r);
        pa_data_free(d);
    }
    pa_model_free(m);
}

/* ---- sibling files are read at once, one per thread ---- */

static int
same_double(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}


static const char *const par_names[] = { "2015.csv", "2016.csv", "2017.csv", "2018.csv",
                                          "2019.csv" };

static const char model_par[] = "[index]\n"
                                "code = idx\n"
                                "name_column = name\n"
                                "impute = group_mean\n"
                                "impute_group = district\n"
                                "[indicator a]\n"
                                "[indicator b]\n"
                                "direction = -1\n";

/* Five years of 400 units: names that change (the first one seen stays), CRLF and blank
 * lines, a GB18030 file, units in another order, columns in another order, a name over two
 * lines, units that only come late, no line end at the end. `bad` (a file index, or -1)
 * puts a word into column a of that file's row 123. */
static void
write_par_files_n(int bad, int empty, int few);

static void
write_par_files(int bad, int empty)
{
    write_par_files_n(bad, empty, 380);
}

/* `few`: units in the first three years (two more come in the last two) */
static void
write_par_files_n(int bad, int empty, int few)
{
    const char *par_dir = make_tmp_dir();
    size_t cap = 1u << 20;
    char *s = malloc(cap);
    assert_non_null(s);
    for (int f = 0; f < 5; f++) {
        size_t n = 0;
        const char *eol = f == 1 ? "\r\n" : "\n";
        if (f == 3)
            n += (size_t)snprintf(s + n, cap - n, "unit,b,district,name,a%s", eol);
        else
            n += (size_t)snprintf(s + n, cap - n, "unit,name,district,a,b%s", eol);
        int units = f >= 3 ? few + 20 : few;
        for (int i = 0; i < units; i++) {
            int u = f == 1 ? units - 1 - i : i; /* 2016 lists its units backwards */
            char a[16], name[64];
            if (f == bad && i == 123)
                snprintf(a, sizeof a, "many");
            else if ((u + f) % 17 == 0)
                snprintf(a, sizeof a, "NA");
            else
                snprintf(a, sizeof a, "%d", (u * 31 + f * 7) % 101);
            if (f == 2 && u % 5 == 0)
                snprintf(name, sizeof name, "\xcf\xe3\xd6\xde%d", u); /* 香洲 in GB18030 */
            else if (f == 3 && u == 7)
                snprintf(name, sizeof name, "\"two%slines\"", eol);
            else if (f == 4 && u % 9 == 0)
                name[0] = '\0';
            else
                snprintf(name, sizeof name, "N%d-%d", u, u % 4 == 0 ? f : 0);
            const char *district = u % 11 == 0 ? "" : u % 3 ? "d1" : "d3";
            if (f == 3)
                n += (size_t)snprintf(s + n, cap - n, "u%d,%d.5,%s,%s,%s%s", u, (u * 13) % 97,
                                      district, name, a, eol);
            else
                n += (size_t)snprintf(s + n, cap - n, "u%d,%s,%s,%s,%d.5%s", u, name, district,
                                      a, (u * 13) % 97, eol);
            if (f == 1 && i % 100 == 50)
                n += (size_t)snprintf(s + n, cap - n, "%s  %s", eol, eol); /* blank lines */
        }
        if (f == 4)
            n -= strlen(eol); /* no line end after the last row */
        if (f == empty)
            n = 0;
        s[n] = '\0';
        write_file(par_dir, par_names[f], s);
    }
    free(s);
}

/* Two data sets hold the same rows, units (with names), periods, groups and files, in the
 * same order and bit for bit. */
static void
assert_same_data(const pa_data *a, const pa_data *b)
{
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->units.n, b->units.n);
    assert_int_equal(a->periods.n, b->periods.n);
    assert_int_equal(a->groups.n, b->groups.n);
    for (size_t u = 0; u < a->units.n; u++) {
        assert_string_equal(a->units.keys[u], b->units.keys[u]);
        assert_int_equal(a->unit_names[u] == NULL, b->unit_names[u] == NULL);
        if (a->unit_names[u])
            assert_string_equal(a->unit_names[u], b->unit_names[u]);
    }
    for (size_t p = 0; p < a->periods.n; p++)
        assert_string_equal(a->periods.keys[p], b->periods.keys[p]);
    for (size_t g = 0; g < a->groups.n; g++)
        assert_string_equal(a->groups.keys[g], b->groups.keys[g]);
    for (size_t i = 0; i < a->n_rows; i++) {
        assert_int_equal(a->row_unit[i], b->row_unit[i]);
        assert_int_equal(a->row_period[i], b->row_period[i]);
        assert_int_equal(a->row_group[i], b->row_group[i]);
        assert_int_equal(pa_data_row_line(a, i), pa_data_row_line(b, i));
        assert_string_equal(pa_data_row_file(a, i), pa_data_row_file(b, i));
        for (size_t j = 0; j < a->n_cols; j++)
            assert_true(same_double(a->cols[j][i], b->cols[j][i]));
    }
}

/* pa_data_read_with_siblings on 2019.csv against reading the five files one by one. */
static void
check_siblings_match(int bad, int empty)
{
    write_par_files(bad, empty);
    pa_model *m = model(model_par);
    pa_data *par = data_new(m), *one = data_new(m);
    pa_error e1, e2;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    char path[4200];
    snprintf(path, sizeof path, "%s/2019.csv", make_tmp_dir());
    pa_status st1 = pa_data_read_with_siblings(par, path, &e1), st2 = PA_OK;
    for (int f = 0; f < 5 && st2 == PA_OK; f++) {
        snprintf(path, sizeof path, "%s/%s", make_tmp_dir(), par_names[f]);
        st2 = pa_data_read_file(one, path, &e2);
    }
    assert_int_equal(st1, st2);
    if (st1 != PA_OK) { /* the same message; the files before the failing one are kept */
        assert_string_equal(e1.file, e2.file);
        assert_int_equal(e1.line, e2.line);
        assert_int_equal(e1.column, e2.column);
        assert_string_equal(e1.text, e2.text);
    }
    assert_same_data(par, one);
    if (st1 == PA_OK) {
        assert_int_equal(pa_data_row_count(par), 3 * 380 + 2 * 400);
        assert_int_equal(par->units.n, 400);
        assert_string_equal(par->unit_names[7], "N7-0");       /* 2015's, not 2018's */
        assert_string_equal(par->unit_names[4], "N4-0");
        pa_result *r1 = compute_ok(m, par), *r2 = compute_ok(m, one);
        assert_int_equal(pa_result_period_count(r1), 5);
        for (size_t u = 0; u < 400; u++)
            for (size_t p = 0; p < 5; p++)
                for (size_t k = 0; k < pa_result_node_count(r1); k++) {
                    assert_true(same_double(pa_result_score(r1, u, p, k),
                                            pa_result_score(r2, u, p, k)));
                    assert_int_equal(pa_result_flags(r1, u, p, k), pa_result_flags(r2, u, p, k));
                }
        pa_result_free(r1);
        pa_result_free(r2);
    }
    pa_data_free(par);
    pa_data_free(one);
    pa_model_free(m);
}

static void
test_siblings_read_at_once(void **state)
{
    (void)state;
    check_siblings_match(-1, -1);
}

/* Out of memory anywhere in reading the siblings: PA_ERR_NOMEM, and the data set holds the
 * files before the one that failed, whole, and nothing of it (no unit without a row). */
static void
test_siblings_allocation_failure(void **state)
{
    (void)state;
    write_par_files_n(-1, -1, 10);
    pa_model *m = model(model_par);
    char path[4200];
    snprintf(path, sizeof path, "%s/2019.csv", make_tmp_dir());
    const size_t prefix[] = { 0, 10, 20, 30, 60, 90 }; /* rows after each file */
    pa__alloc_fail_at(0);
    pa_data *d = data_new(m);
    pa_error e;
    assert_int_equal(pa_data_read_with_siblings(d, path, &e), PA_OK);
    pa_data_free(d);
    long total = pa__alloc_fail_at(0);
    assert_true(total > 50);
    long failed = 0;
    for (long n = 1; n <= total + 1; n++) {
        d = data_new(m);
        pa__alloc_fail_at(n);
        pa_status st = pa_data_read_with_siblings(d, path, &e);
        pa__alloc_fail_at(0);
        if (st != PA_OK && st != PA_ERR_NOMEM)
            fail_msg("allocation %ld of %ld: status %d", n, total, st);
        failed += st == PA_ERR_NOMEM;
        int whole = 0;
        for (size_t k = 0; k < sizeof prefix / sizeof *prefix; k++)
            whole |= d->n_rows == prefix[k];
        if (!whole)
            fail_msg("allocation %ld: %zu rows, not whole files", n, d->n_rows);
        unsigned char seen[64] = { 0 };
        assert_true(d->units.n <= 64);
        for (size_t i = 0; i < d->n_rows; i++)
            seen[d->row_unit[i]] = 1;
        for (size_t u = 0; u < d->units.n; u++)
            if (!seen[u])
                fail_msg("allocation %ld: unit %s has no row", n, d->units.keys[u]);
        pa_data_free(d);
    }
    assert_true(failed >= total / 2);
    pa_model_free(m);
}

/* The first failing file (in period order) is the one reported, however the threads ran,
 * and the files before it stay read. */
static void
test_siblings_first_error(void **state)
{
    (void)state;
    for (int bad = 0; bad < 5; bad++)
        check_siblings_match(bad, -1);
    check_siblings_match(3, 1);  /* an empty 2016 comes before the bad 2018 */
    check_siblings_match(1, 3);  /* the bad 2016 comes before the empty 2018 */
    check_siblings_match(-1, 4); /* the file given is empty */
}

/* ---- ranks ---- */

static void
test_ranks(void **state)
{
    (void)state;
    /* minmax over u1..u4 (ref excluded from statistics): min 0, max 10
     * → u1 100, u2 100, u3 50, u4 0; ref (20) scores 200 but is not ranked.
     * Ranks, 1 = best, ties share the minimum: u1 1, u2 1, u3 3, u4 4, ref 0 */
    fixture f = fixture_run("[index]\n"
                    "code = idx\n"
                    "normalise = minmax\n"
                    "scope = period\n"
                    "reference_units = ref\n"
                    "[indicator a]\n",
                    "unit,a\nu1,10\nu2,10\nu3,5\nu4,0\nref,20\n", "t.csv");
    static const char *const units[] = { "u1", "u2", "u3", "u4", "ref" };
    static const double scores[] = { 100, 100, 50, 0, 200 };
    static const long ranks[] = { 1, 1, 3, 4, 0 };
    for (size_t k = 0; k < 2; k++) {
        size_t n = N(f.r, k ? "idx" : "a");
        for (size_t i = 0; i < 5; i++) {
            size_t u = U(f.r, units[i]);
            assert_close(pa_result_score(f.r, u, 0, n), scores[i], REL);
            assert_int_equal(pa_result_rank(f.r, u, 0, n), ranks[i]);
        }
    }
    /* out of range: no rank, no score */
    assert_int_equal(pa_result_rank(f.r, 99, 0, 0), 0);
    assert_true(isnan(pa_result_score(f.r, 0, 99, 0)));
    fixture_free(&f);
}

/* ---- changes and base ---- */

static void
test_changes_and_base(void **state)
{
    (void)state;
    /* u1: a = 4, 5, 6 and b = 2, 2, 1 in 2017, 2018, 2019; scores a = a, b = −b,
     * idx = (a − b)/2 = 1, 1.5, 2.5. u2: a = 0 in 2018, 1 in 2019. */
    fixture f = fixture_run(model_ab,
                    "unit,year,a,b\n"
                    "u1,2017,4,2\n"
                    "u1,2018,5,2\n"
                    "u1,2019,6,1\n"
                    "u2,2018,0,1\n"
                    "u2,2019,1,1\n",
                    "t.csv");
    pa_result *r = f.r;
    size_t a = N(r, "a"), b = N(r, "b"), idx = N(r, "idx");
    size_t u1 = U(r, "u1"), u2 = U(r, "u2");
    size_t p17 = P(r, "2017"), p18 = P(r, "2018"), p19 = P(r, "2019");
    assert_close(pa_result_score(r, u1, p19, idx), 2.5, REL);
    /* default base: the previous period */
    assert_true(pa_result_base_of(r, p19) == p18);
    assert_true(pa_result_base_of(r, p18) == p17);
    assert_true(pa_result_base_of(r, p17) == PA_NONE);
    /* 2019 vs 2018, a: value (6 − 5)/5 = +20 %, score +1, +20 % */
    assert_close(pa_result_value_change_pct(r, u1, p19, a), 20, REL);
    assert_close(pa_result_score_change(r, u1, p19, a), 1, REL);
    assert_close(pa_result_score_change_pct(r, u1, p19, a), 20, REL);
    /* b: value (1 − 2)/2 = −50 %; score −1 − (−2) = +1, in percent of |−2|: +50 % */
    assert_close(pa_result_value_change_pct(r, u1, p19, b), -50, REL);
    assert_close(pa_result_score_change(r, u1, p19, b), 1, REL);
    assert_close(pa_result_score_change_pct(r, u1, p19, b), 50, REL);
    /* idx: no value; score 2.5 − 1.5 = 1, 1/1.5 = 66.666…% */
    assert_true(isnan(pa_result_value_change_pct(r, u1, p19, idx)));
    assert_close(pa_result_score_change(r, u1, p19, idx), 1, REL);
    assert_close(pa_result_score_change_pct(r, u1, p19, idx), 200.0 / 3.0, REL);
    /* the first period has nothing to compare with */
    assert_true(isnan(pa_result_value_change_pct(r, u1, p17, a)));
    assert_true(isnan(pa_result_score_change(r, u1, p17, a)));
    /* u2: from 0 the percent change is undefined, the point change is 1 */
    assert_true(isnan(pa_result_value_change_pct(r, u2, p19, a)));
    assert_close(pa_result_score_change(r, u2, p19, a), 1, REL);
    /* u2 has no 2017 row: 2018 vs 2017 undefined */
    assert_true(isnan(pa_result_score_change(r, u2, p18, a)));

    /* compare with 2017 instead */
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_result_set_base(r, "2017", &e), PA_OK);
    assert_true(pa_result_base_of(r, p19) == p17);
    assert_true(pa_result_base_of(r, p18) == p17);
    assert_true(pa_result_base_of(r, p17) == PA_NONE);
    /* 2019 vs 2017, a: (6 − 4)/4 = +50 %, score +2; 2018 vs 2017: (5 − 4)/4 = +25 % */
    assert_close(pa_result_value_change_pct(r, u1, p19, a), 50, REL);
    assert_close(pa_result_score_change(r, u1, p19, a), 2, REL);
    assert_close(pa_result_value_change_pct(r, u1, p18, a), 25, REL);
    /* idx 2019 vs 2017: 2.5 − 1 = 1.5, +150 % */
    assert_close(pa_result_score_change(r, u1, p19, idx), 1.5, REL);
    assert_close(pa_result_score_change_pct(r, u1, p19, idx), 150, REL);
    assert_true(isnan(pa_result_value_change_pct(r, u1, p17, a)));
    /* an unknown base period is refused and changes nothing */
    assert_int_equal(pa_result_set_base(r, "1999", &e), PA_ERR_ARGUMENT);
    assert_int_equal(e.status, PA_ERR_ARGUMENT);
    assert_true(pa_result_base_of(r, p19) == p17);
    /* NULL restores the previous period */
    assert_int_equal(pa_result_set_base(r, NULL, &e), PA_OK);
    assert_true(pa_result_base_of(r, p19) == p18);
    assert_close(pa_result_value_change_pct(r, u1, p19, a), 20, REL);
    fixture_free(&f);
}

/* ---- writers ---- */

static const char model_w[] = "[index]\n"
                              "code = idx\n"
                              "name_column = name\n"
                              "normalise = none\n"
                              "bands = 50 good green;0 bad red\n"
                              "[indicator a]\n"
                              "label = A, the first\n";

static const char csv_w[] = "unit,name,year,a\n"
                            "u1,\"Zhuhai, city\",2018,40\n"
                            "u1,\"Zhuhai, city\",2019,60\n"
                            "u2,Two,2019,\n";

static char *
write_result(const pa_result *r, pa_format format, const pa_write_options *o, pa_status want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_result_write(r, f, format, o, &e), want);
    fclose(f);
    return buf;
}

static void
test_write_csv(void **state)
{
    (void)state;
    fixture f = fixture_run(model_w, csv_w, "t.csv");
    char *out = write_result(f.r, PA_FORMAT_CSV, NULL, PA_OK);
    /* rows by unit, period, node (a, then idx). u1 2018: 40 → band bad (≥ 0), rank 1, no base;
     * u1 2019: 60 → good, value (60 − 40)/40 = +50 %, score +20 = +50 %;
     * u2: no 2018 row, a missing in 2019 → empty cells. Fields with a comma are quoted.
     * The last column, flags, is empty: nothing imputed, treated or screened. */
    const char *want =
        "unit,name,period,node,label,level,value,rate,score,rank,band,base,value_change_pct,"
        "score_change,score_change_pct,flags\n"
        "u1,\"Zhuhai, city\",2018,a,\"A, the first\",1,40,40,40,1,bad,,,,,\n"
        "u1,\"Zhuhai, city\",2018,idx,idx,2,,,40,1,bad,,,,,\n"
        "u1,\"Zhuhai, city\",2019,a,\"A, the first\",1,60,60,60,1,good,2018,50,20,50,\n"
        "u1,\"Zhuhai, city\",2019,idx,idx,2,,,60,1,good,2018,,20,50,\n"
        "u2,Two,2018,a,\"A, the first\",1,,,,,,,,,,\n"
        "u2,Two,2018,idx,idx,2,,,,,,,,,,\n"
        "u2,Two,2019,a,\"A, the first\",1,,,,,,2018,,,,\n"
        "u2,Two,2019,idx,idx,2,,,,,,2018,,,,\n";
    /* the header holds the columns of the contract (SPEC §5), in this order */
    static const char *const contract[] = { "unit,", ",period,", ",node,", ",level,",
                                            ",value,", ",score,", ",rank,",
                                            ",value_change_pct,", ",score_change_pct," };
    const char *at = out;
    for (size_t i = 0; i < sizeof contract / sizeof *contract; i++) {
        at = strstr(at, contract[i]);
        assert_non_null(at);
        assert_true(at < strchr(out, '\n'));
    }
    assert_string_equal(out, want);
    free(out);
    /* only 2019 and the index */
    const char *const nodes[] = { "idx" };
    pa_write_options o = { .period = "2019", .nodes = nodes, .n_nodes = 1 };
    out = write_result(f.r, PA_FORMAT_CSV, &o, PA_OK);
    assert_string_equal(out, "unit,name,period,node,label,level,value,rate,score,rank,band,"
                             "base,value_change_pct,score_change,score_change_pct,flags\n"
                             "u1,\"Zhuhai, city\",2019,idx,idx,2,,,60,1,good,2018,,20,50,\n"
                             "u2,Two,2019,idx,idx,2,,,,,,2018,,,,\n");
    free(out);
    /* unknown period or node: refused, nothing written */
    pa_write_options bad_p = { .period = "2000" };
    out = write_result(f.r, PA_FORMAT_CSV, &bad_p, PA_ERR_ARGUMENT);
    assert_string_equal(out, "");
    free(out);
    const char *const bad_nodes[] = { "nope" };
    pa_write_options bad_n = { .nodes = bad_nodes, .n_nodes = 1 };
    out = write_result(f.r, PA_FORMAT_CSV, &bad_n, PA_ERR_ARGUMENT);
    assert_string_equal(out, "");
    free(out);
    fixture_free(&f);
}

static void
test_write_csv_quotes(void **state)
{
    (void)state;
    /* a quote inside a field is doubled; a unit code with a comma is quoted */
    fixture f = fixture_run("[index]\ncode = idx\nname_column = name\nnormalise = none\n[indicator a]\n",
                    "unit,name,a\n\"u,1\",\"say \"\"hi\"\"\",1\n", "t.csv");
    char *out = write_result(f.r, PA_FORMAT_CSV, NULL, PA_OK);
    assert_non_null(strstr(out, "\n\"u,1\",\"say \"\"hi\"\"\",,a,a,1,1,1,1,1,,,,,,\n"));
    free(out);
    fixture_free(&f);
}

static void
test_write_json(void **state)
{
    (void)state;
    fixture f = fixture_run(model_w, csv_w, "t.csv");
    char *out = write_result(f.r, PA_FORMAT_JSON, NULL, PA_OK);
    /* missing numbers and absent ranks, bands and changes are null */
    assert_non_null(strstr(out, "{\"unit\": \"u2\", \"period\": \"2019\", \"node\": \"a\", "
                                "\"level\": 1, \"value\": null, \"rate\": null, \"score\": null, \"rank\": null, "
                                "\"band\": null, \"colour\": null, \"base\": \"2018\", "
                                "\"value_change_pct\": null, "
                                "\"score_change\": null, \"score_change_pct\": null, \"flags\": []}"));
    /* the index has no value */
    assert_non_null(strstr(out, "{\"unit\": \"u1\", \"period\": \"2019\", \"node\": \"idx\", "
                                "\"level\": 2, \"value\": null, \"rate\": null, \"score\": 60, \"rank\": 1, "
                                "\"band\": \"good\", \"colour\": \"green\", \"base\": \"2018\", "
                                "\"value_change_pct\": null, \"score_change\": 20, "
                                "\"score_change_pct\": 50, \"flags\": []}"));
    assert_non_null(strstr(out, "{\"unit\": \"u1\", \"period\": \"2019\", \"node\": \"a\", "
                                "\"level\": 1, \"value\": 60, \"rate\": 60, \"score\": 60, \"rank\": 1, "
                                "\"band\": \"good\", \"colour\": \"green\", \"base\": \"2018\", "
                                "\"value_change_pct\": 50, \"score_change\": 20, "
                                "\"score_change_pct\": 50, \"flags\": []}"));
    /* coverage by period: u1 has both indicators (1 of 1) in 2018 and 2019; u2 has no 2018
     * row (null) and a missing a in 2019 (0) */
    assert_non_null(strstr(out, "{\"code\": \"u1\", \"name\": \"Zhuhai, city\", "
                                "\"ranked\": true, \"coverage\": [1, 1]}"));
    assert_non_null(strstr(out, "{\"code\": \"u2\", \"name\": \"Two\", "
                                "\"ranked\": true, \"coverage\": [null, 0]}"));
    assert_non_null(strstr(out, "\"periods\": [\"2018\", \"2019\"]"));
    /* no non-JSON numbers */
    assert_null(strstr(out, "nan"));
    assert_null(strstr(out, "inf"));
    free(out);
    fixture_free(&f);
}

/* A result keeps the raw values it was computed from while its data set goes on growing (rows
 * written into the shared columns, then the columns moved) and after the data set is freed. */
static void
test_result_outlives_growing_data(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    pa_data *d = data_new(m);
    pa_error e;
    assert_int_equal(read_str(d, "unit,a,b\nu1,1,2\nu2,3,4\n", "2018.csv", &e), PA_OK);
    pa_result *r1 = NULL;
    assert_int_equal(pa_compute(&r1, m, d, &e), PA_OK);
    /* 3,000 more rows: the first fill the columns' room, the rest make them move */
    size_t cap = 3000 * 32 + 16, n = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    n += (size_t)snprintf(csv + n, cap - n, "unit,a,b\n");
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(csv + n, cap - n, "x%d,%d,%d\n", i, 100 + i, 200 + i);
    assert_int_equal(read_str(d, csv, "2019.csv", &e), PA_OK);
    free(csv);
    pa_result *r2 = NULL;
    assert_int_equal(pa_compute(&r2, m, d, &e), PA_OK);
    pa_data_free(d);
    size_t a1 = pa_result_node_find(r1, "a"), b1 = pa_result_node_find(r1, "b");
    assert_int_equal(pa_result_unit_count(r1), 2);
    assert_int_equal(pa_result_period_count(r1), 1);
    assert_true(pa_result_value(r1, 0, 0, a1) == 1);
    assert_true(pa_result_value(r1, 0, 0, b1) == 2);
    assert_true(pa_result_value(r1, 1, 0, a1) == 3);
    assert_true(pa_result_value(r1, 1, 0, b1) == 4);
    size_t a2 = pa_result_node_find(r2, "a"), p19 = pa_result_period_find(r2, "2019");
    assert_int_equal(pa_result_unit_count(r2), 3002);
    assert_true(pa_result_value(r2, 0, pa_result_period_find(r2, "2018"), a2) == 1);
    assert_true(pa_result_value(r2, 2, p19, a2) == 100);      /* x0 */
    assert_true(pa_result_value(r2, 3001, p19, a2) == 3099);  /* x2999 */
    assert_true(isnan(pa_result_value(r2, 0, p19, a2)));      /* u1 has no 2019 row */
    pa_result_free(r1);
    pa_result_free(r2);
    pa_model_free(m);
}

/* ---- files of 8 MiB and more are read as two halves at once ---- */

static char big_path[4200];

static int
remove_big(void **state)
{
    (void)state;
    if (big_path[0])
        unlink(big_path);
    big_path[0] = '\0';
    return 0;
}

/* 260,000 rows (about 9 MB, CRLF): units in every period, so in both halves; names; groups
 * (some missing) for group_mean imputation; missing values; blank and blank-looking lines in
 * the first half (the second half's rows then move up); no line end after the last row.
 * `bad_row` >= 0 puts a word in column a of that row. */
static char *
big_csv(long bad_row, size_t *len)
{
    size_t cap = 48u << 20, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    n += (size_t)snprintf(s + n, cap - n, "unit,name,year,district,a,b");
    for (long i = 0; i < 260000; i++) {
        long u = i % 60000;
        n += (size_t)snprintf(s + n, cap - n, "\r\n");
        if (i < 130000 && i % 50000 == 1)
            n += (size_t)snprintf(s + n, cap - n, "\r\n  \r\n");
        char a[16];
        if (i == bad_row)
            snprintf(a, sizeof a, "zz");
        else if (i % 13 == 0)
            snprintf(a, sizeof a, "NA");
        else
            snprintf(a, sizeof a, "%ld", i % 997);
        n += (size_t)snprintf(s + n, cap - n, "u%ld,N%ld,%ld,%s,%s,%ld.25", u, u, 2000 + i / 60000,
                              u % 11 == 0 ? "" : u % 7 == 0 ? "d7" : u % 3 == 0 ? "d3" : "d1",
                              a, (i * 7) % 1009);
    }
    *len = n;
    return s;
}

static void
write_big(const char *s, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(big_path, sizeof big_path, "%s/pa_big_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(big_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static const char model_big[] = "[index]\n"
                                 "code = idx\n"
                                 "name_column = name\n"
                                 "period_column = year\n"
                                 "impute = group_mean\n"
                                 "impute_group = district\n"
                                 "[indicator a]\n"
                                 "[indicator b]\n"
                                 "direction = -1\n";

/* The file read in two halves gives the same result as the same bytes read whole. */
static void
test_parallel_read_matches_whole(void **state)
{
    (void)state;
    size_t len;
    char *csv = big_csv(-1, &len);
    assert_true(len > (8u << 20));
    write_big(csv, len);
    pa_model *m = model(model_big);
    pa_data *d1 = data_new(m), *d2 = data_new(m);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_read_file(d1, big_path, &e), PA_OK);
    assert_int_equal(pa_data_read_buffer(d2, csv, len, "whole.csv", &e), PA_OK);
    free(csv);
    assert_int_equal(pa_data_row_count(d1), 260000);
    assert_int_equal(pa_data_row_count(d2), 260000);
    pa_result *r1 = compute_ok(m, d1), *r2 = compute_ok(m, d2);
    assert_int_equal(pa_result_unit_count(r1), 60000);
    assert_int_equal(pa_result_unit_count(r2), 60000);
    assert_int_equal(pa_result_period_count(r1), 5);
    assert_int_equal(pa_result_period_count(r2), 5);
    for (size_t u = 0; u < 60000; u++) {
        assert_string_equal(pa_result_unit_code(r1, u), pa_result_unit_code(r2, u));
        assert_string_equal(pa_result_unit_name(r1, u), pa_result_unit_name(r2, u));
        for (size_t p = 0; p < 5; p++)
            for (size_t k = 0; k < pa_result_node_count(r1); k++) {
                assert_true(same_double(pa_result_value(r1, u, p, k), pa_result_value(r2, u, p, k)));
                assert_true(same_double(pa_result_score(r1, u, p, k), pa_result_score(r2, u, p, k)));
                assert_int_equal(pa_result_flags(r1, u, p, k), pa_result_flags(r2, u, p, k));
            }
    }
    /* imputation by group saw the groups of both halves: u0 (no district) keeps its gap */
    size_t a = pa_result_node_find(r1, "a");
    assert_true(pa_result_flags(r1, 1, 0, a) == 0 || pa_result_flags(r1, 1, 0, a) == PA_FLAG_IMPUTED);
    assert_true(isnan(pa_result_score(r1, 0, 0, a))); /* row 0: a is NA, no district */
    pa_result_free(r1);
    pa_result_free(r2);
    pa_data_free(d1);
    pa_data_free(d2);
    pa_model_free(m);
}

/* A large file whose rows fit the data set's room leaves the room as it is (it used to
 * double on every file of 8 MiB or more). */
static void
test_parallel_read_room(void **state)
{
    (void)state;
    size_t len;
    char *csv = big_csv(-1, &len);
    pa_model *m = model(model_big);
    pa_data *d = data_new(m);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_read_buffer(d, csv, len, "whole.csv", &e), PA_OK);
    free(csv);
    size_t cap = d->cap;
    assert_true(cap >= 261000); /* room for 1,000 more rows */
    /* 1,000 rows of 9 kB (an unused column): 9 MB, read in two halves */
    size_t room = 1000 * 9100 + 64, n = 0;
    char *big = malloc(room);
    assert_non_null(big);
    n += (size_t)snprintf(big + n, room - n, "unit,name,year,district,a,b,notes\n");
    for (int i = 0; i < 1000; i++) {
        n += (size_t)snprintf(big + n, room - n, "v%d,V,2010,d1,1,2,", i);
        memset(big + n, 'x', 9000);
        n += 9000;
        big[n++] = '\n';
    }
    write_big(big, n);
    free(big);
    assert_int_equal(pa_data_read_file(d, big_path, &e), PA_OK);
    assert_int_equal(pa_data_row_count(d), 261000);
    assert_true(d->cap == cap);
    pa_data_free(d);
    pa_model_free(m);
}

/* An error in the second half names the line of the whole file. */
static void
test_parallel_read_error_line(void **state)
{
    (void)state;
    size_t len;
    char *csv = big_csv(250000, &len);
    write_big(csv, len);
    pa_model *m = model(model_big);
    pa_data *d1 = data_new(m), *d2 = data_new(m);
    pa_error e1, e2;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    assert_int_equal(pa_data_read_file(d1, big_path, &e1), PA_ERR_DATA);
    assert_int_equal(pa_data_read_buffer(d2, csv, len, "whole.csv", &e2), PA_ERR_DATA);
    free(csv);
    /* row i is on line i + 2, after the header, plus two blank lines before each of rows 1,
     * 50,001 and 100,001: line 250,008 */
    assert_int_equal(e1.line, 250008);
    assert_int_equal(e2.line, 250008);
    assert_int_equal(e1.column, 5);
    assert_int_equal(e2.column, 5);
    assert_string_equal(e1.file, big_path);
    assert_int_equal(pa_data_row_count(d1), 0); /* a failed file adds nothing */
    pa_data_free(d1);
    pa_data_free(d2);
    pa_model_free(m);
}

/* Every row's file and line, after a file read in two halves, a file that failed (its rows
 * taken back) and one with a line break inside a quoted name: rows are kept as runs of
 * consecutive lines, so the big file is four runs (blank lines before rows 1, 50,001 and
 * 100,001) whatever the cut between its halves. */
static void
test_row_lines(void **state)
{
    (void)state;
    size_t len;
    char *csv = big_csv(-1, &len);
    write_big(csv, len);
    free(csv);
    pa_model *m = model(model_big);
    pa_data *d = data_new(m);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_read_file(d, big_path, &e), PA_OK);
    assert_int_equal(d->n_runs, 4);
    for (size_t i = 0; i < 260000; i++) {
        long blanks = 2 * ((i >= 1) + (i >= 50001) + (i >= 100001));
        assert_int_equal(pa_data_row_line(d, i), (long)i + 2 + blanks);
        assert_string_equal(pa_data_row_file(d, i), big_path);
    }
    static const char bad[] = "unit,name,year,district,a,b\nx1,X,2020,d1,1,2\nx2,X,2020,d1,zz,2\n";
    assert_int_equal(pa_data_read_buffer(d, bad, strlen(bad), "bad.csv", &e), PA_ERR_DATA);
    /* a row's line is the one it ends on: y1 spans lines 4 and 5 */
    static const char good[] = "unit,name,year,district,a,b\n\ny0,Y,2020,d1,1,2\n"
                               "y1,\"Y\none\",2020,d1,3,4\ny2,Y,2020,d1,5,6\n";
    assert_int_equal(pa_data_read_buffer(d, good, strlen(good), "good.csv", &e), PA_OK);
    assert_int_equal(pa_data_row_count(d), 260003);
    static const long want[] = { 3, 5, 6 };
    assert_int_equal(d->n_runs, 4 + 2);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(pa_data_row_line(d, 260000 + k), want[k]);
        assert_string_equal(pa_data_row_file(d, 260000 + k), "good.csv");
    }
    assert_int_equal(pa_data_row_line(d, 259999), 259999 + 2 + 6);
    assert_string_equal(pa_data_row_file(d, 259999), big_path);
    pa_data_free(d);
    pa_model_free(m);
}

/* A change beyond the range of doubles is undefined, never an infinity in the output:
 * 5e-324 → 1 is +2e325 %, and with normalise = none a score going from -1e308 to 1e308
 * changes by 2e308 points (and its percent change, +200 %, overflows on the way). */
static void
test_change_overflow(void **state)
{
    (void)state;
    fixture f = fixture_run("[index]\ncode = idx\nnormalise = none\n[indicator a]\n[indicator b]\n",
                            "unit,year,a,b\nu1,2018,5e-324,-1e308\nu1,2019,1,1e308\n", "t.csv");
    size_t a = pa_result_node_find(f.r, "a"), b = pa_result_node_find(f.r, "b");
    assert_true(isnan(pa_result_value_change_pct(f.r, 0, 1, a)));
    assert_true(isnan(pa_result_score_change_pct(f.r, 0, 1, a)));
    assert_true(pa_result_score_change(f.r, 0, 1, a) == 1 - 5e-324);
    assert_true(isnan(pa_result_score_change(f.r, 0, 1, b)));
    assert_true(isnan(pa_result_score_change_pct(f.r, 0, 1, b)));
    assert_true(isnan(pa_result_value_change_pct(f.r, 0, 1, b)));
    for (int fmt = 0; fmt < 2; fmt++) {
        char *out = write_result(f.r, fmt ? PA_FORMAT_JSON : PA_FORMAT_CSV, NULL, PA_OK);
        assert_null(strstr(out, "inf"));
        free(out);
    }
    char *csv = write_result(f.r, PA_FORMAT_CSV, NULL, PA_OK);
    assert_non_null(strstr(csv, "\nu1,u1,2019,b,b,1,1e+308,1e+308,1e+308,1,,2018,,,,\n"));
    free(csv);
    fixture_free(&f);
}

/* ---- threads: distinct objects at once, and one result read by several threads ---- */

typedef struct thread_job {
    const pa_model *m;
    const char *csv;
    const pa_result *r;         /* to write, or NULL: read, compute and write one */
    char *out;
    pa_status st;
} thread_job;

static char *
write_mem(const pa_result *r, pa_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        *st = PA_ERR_IO;
        return NULL;
    }
    *st = pa_result_write(r, f, PA_FORMAT_CSV, NULL, NULL);
    fclose(f);
    return buf;
}

/* No cmocka asserts here: they may only fail on the test's own thread. */
static void *
thread_main(void *arg)
{
    thread_job *j = arg;
    if (j->r) {
        j->out = write_mem(j->r, &j->st);
        return NULL;
    }
    pa_data *d = NULL;
    pa_result *r = NULL;
    j->st = pa_data_new(&d, j->m, NULL);
    if (j->st == PA_OK)
        j->st = pa_data_read_buffer(d, j->csv, strlen(j->csv), "t.csv", NULL);
    if (j->st == PA_OK)
        j->st = pa_compute(&r, j->m, d, NULL);
    pa_data_free(d); /* the result outlives it */
    if (j->st == PA_OK)
        j->out = write_mem(r, &j->st);
    pa_result_free(r);
    return NULL;
}

/* Two threads compute from one model while two others write one result whose ranks are not
 * computed yet (each writer asks for them): every output is the one of a plain run. */
static void
test_threads(void **state)
{
    (void)state;
    size_t cap = 20000 * 2 * 32 + 32, n = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    n += (size_t)snprintf(csv + n, cap - n, "unit,name,year,a\n");
    for (int y = 2018; y <= 2019; y++)
        for (int u = 0; u < 20000; u++)
            n += (size_t)snprintf(csv + n, cap - n, "u%d,U %d,%d,%d\n", u, u, y, (u * 37 + y) % 101);
    pa_model *m = model(model_w);
    pa_data *d = data_new(m);
    read_ok(d, csv, "t.csv");
    pa_result *ref = compute_ok(m, d), *shared = compute_ok(m, d);
    pa_data_free(d);
    char *want = write_result(ref, PA_FORMAT_CSV, NULL, PA_OK);
    thread_job jobs[4] = { { .m = m, .csv = csv }, { .m = m, .csv = csv }, { .r = shared },
                           { .r = shared } };
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(jobs[i].st, PA_OK);
        assert_non_null(jobs[i].out);
        assert_true(strcmp(jobs[i].out, want) == 0);
        free(jobs[i].out);
    }
    assert_true(strlen(want) > 32768 * 40); /* enough rows for the writer's two threads */
    free(want);
    free(csv);
    pa_result_free(ref);
    pa_result_free(shared);
    pa_model_free(m);
}

/* ---- files as Excel and WPS write them ---- */

/* Values of a and b of u1..u3 read from csv (len bytes) with the model text mt. */
static void
read_values(const char *mt, const char *csv, size_t len, double out[3][2])
{
    pa_model *m = model(mt);
    pa_data *d = data_new(m);
    pa_error e;
    memset(&e, 0, sizeof e);
    pa_status st = pa_data_read_buffer(d, csv, len, "t.csv", &e);
    if (st != PA_OK)
        print_error("%s:%ld:%ld: %s\n", e.file, e.line, e.column, e.text);
    assert_int_equal(st, PA_OK);
    pa_result *r = compute_ok(m, d);
    assert_int_equal(pa_result_unit_count(r), 3);
    static const char *const units[] = { "u1", "u2", "u3" };
    for (size_t u = 0; u < 3; u++) {
        out[u][0] = pa_result_value(r, U(r, units[u]), 0, N(r, "a"));
        out[u][1] = pa_result_value(r, U(r, units[u]), 0, N(r, "b"));
    }
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
}

static void
expect_values(const char *mt, const char *csv, size_t len, const double want[3][2])
{
    double got[3][2];
    read_values(mt, csv, len, got);
    for (size_t u = 0; u < 3; u++)
        for (size_t k = 0; k < 2; k++)
            if (!same_double(got[u][k], want[u][k])) {
                print_error("u%zu %c: got %.17g, want %.17g\n", u + 1, "ab"[k], got[u][k],
                            want[u][k]);
                fail();
            }
}

#define EXPECT_VALUES(mt, csv, want) expect_values((mt), (csv), sizeof(csv) - 1, (want))

/* The values as the plain numbers they stand for (worked out by hand). */
static void
test_spreadsheet_cells(void **state)
{
    (void)state;
    static const double want[3][2] = { { 1234, -5 }, { 1234567.5, 123 }, { NAN, 0.5 } };
    EXPECT_VALUES(model_ab, "unit,a,b\n"
                            "u1,\"1,234\",\xef\xbc\x8d\xef\xbc\x95\n" /* －５ */
                            "u2,\"1,234,567.5\",\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\n" /* １２３ */
                            "u3,#N/A,\" \xef\xbc\x8e\xef\xbc\x95\xe3\x80\x80\"\n", /* ．５, U+3000 */
                  want);
    static const double want2[3][2] = { { -1000, 7 }, { -3, 1e6 }, { 0.25, 3 } };
    EXPECT_VALUES(model_ab, "unit,a,b\n"
                            "u1,\"-1,000\",\" 7 \"\n"
                            "u2,\xe2\x88\x92" "3,\"+1,000,000\"\n" /* U+2212 minus */
                            "u3,.25,\xc2\xa0" "3\xc2\xa0\n", /* no-break spaces */
                  want2);
    /* a TAB file as Excel's "Unicode text" writes displayed values: groups without quotes */
    static const double want3[3][2] = { { 1234, 2 }, { 12345, 3 }, { 1, 4 } };
    EXPECT_VALUES(model_ab, "unit\ta\tb\r\nu1\t1,234\t2\r\nu2\t12,345\t3\r\nu3\t1\t4\r\n", want3);
}

/* What is refused names the cell and says what to write. */
static void
test_spreadsheet_refusals(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    static const char *const cells[][2] = {
        { "12%", "write 12 or 0.12 without %" },
        { "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x85", "percentage" }, /* １２％ */
        { "12\xe4\xba\xba", "write the number alone" },             /* 12人 */
        { "3.5 kg", "write the number alone" },
        { "\"1,23\"", "groups of three digits" },
        { "\"1,5\"", "a decimal point is written ." },
        { "\"1234,567\"", "groups of three" },
        { "\"0,123\"", "groups of three" },
        { "\"1,234,56\"", "groups of three" },
        { "\"1,,234\"", "groups of three" },
        { "\"1,234.5,6\"", "groups of three" },
        { "#DIV/0!", "error value of the spreadsheet" },
        { "#VALUE!", "error value of the spreadsheet" },
        { "#REF!", "its formula failed" },
        { "#NAME?", "error value" },
        { "#hello", "is not a number" },
        { "1e5x", "is not a number" },
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        char csv[128];
        snprintf(csv, sizeof csv, "unit,a,b\nu1,1,2\nu2,%s,3\n", cells[i][0]);
        expect_read_error(m, csv, 3, 2, cells[i][1]);
    }
    pa_model_free(m);
}

/* In a ';' file a comma is the decimal mark (European Excel), after '.' groups if any. */
static void
test_decimal_comma(void **state)
{
    (void)state;
    static const double want[3][2] = { { 1.5, 1234.5 }, { -0.25, 1234567.75 }, { 2.5, 7 } };
    EXPECT_VALUES(model_ab, "unit;a;b\r\n"
                            "u1;1,5;\"1.234,5\"\r\n"
                            "u2;-0,25;1.234.567,75\r\n"
                            "u3;2.5;7\r\n",
                  want);
    pa_model *m = model(model_ab);
    expect_read_error(m, "unit;a;b\nu1;1,2,3;1\n", 2, 2, "the decimal mark, once");
    expect_read_error(m, "unit;a;b\nu1;1;1.23,5\n", 2, 3, "groups of three digits marked by '.'");
    pa_model_free(m);
}

/* The separator: found in the header, the same values as the comma file; a tie is comma;
 * separator = forces it. */
static void
test_separators(void **state)
{
    (void)state;
    static const double want[3][2] = { { 1, 2.5 }, { 3, NAN }, { 5, 6 } };
    EXPECT_VALUES(model_ab, "unit,a,b\nu1,1,2.5\nu2,3,\nu3,5,6\n", want);
    EXPECT_VALUES(model_ab, "unit;a;b\nu1;1;2.5\nu2;3;\nu3;5;6\n", want);
    EXPECT_VALUES(model_ab, "unit\ta\tb\r\nu1\t1\t2.5\r\nu2\t3\t\r\nu3\t5\t6\r\n", want);
    /* separators inside quotes do not count, and are text */
    EXPECT_VALUES(model_ab, "\"unit,x\";a;\"b\"\nu1;1;2.5\nu2;3;NA\nu3;5;6\n", want);
    /* a tie with comma is comma: then there is no column a */
    pa_model *m = model(model_ab);
    expect_read_error(m, "unit;a,b\nu1;1,2\n", 1, 0, "no column 'a'");
    pa_model_free(m);
    /* forced: the header alone would say comma */
    static const char semi[] = "[index]\ncode = idx\nnormalise = none\nseparator = semicolon\n"
                               "[indicator a]\n[indicator b]\ndirection = -1\n";
    static const double want2[3][2] = { { 1, 1.5 }, { 3, 4 }, { 5, 6 } };
    EXPECT_VALUES(semi, "unit;a;b;x,y,z,w\nu1;1;1,5;\nu2;3;4;\nu3;5;6;\n", want2);
    static const char tab[] = "[index]\ncode = idx\nnormalise = none\nseparator = tab\n"
                              "[indicator a]\n[indicator b]\ndirection = -1\n";
    EXPECT_VALUES(tab, "unit\ta\tb\tx;y;z;w;v\nu1\t1\t1.5\t\nu2\t3\t4\t\nu3\t5\t6\t\n", want2);
    /* with a forced comma a ';' file has one column */
    m = model("[index]\nseparator = comma\n[indicator a]\n");
    expect_read_error(m, "unit;a\nu1;1\n", 1, 0, "no column 'a'");
    pa_model_free(m);
}

static void
test_separator_key(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        { "[index]\nseparator = ;\n[indicator a]\n", "write semicolon" }, /* a comment */
        { "[index]\nseparator = pipe\n[indicator a]\n", "not 'pipe'" },
    };
    for (size_t i = 0; i < 2; i++) {
        pa_model *m = NULL;
        pa_error e;
        memset(&e, 0, sizeof e);
        assert_int_equal(pa_model_parse(&m, bad[i][0], "t.ini", &e), PA_ERR_MODEL);
        assert_int_equal(e.line, 2);
        assert_non_null(strstr(e.text, bad[i][1]));
        assert_non_null(strstr(e.text, "comma, semicolon or tab"));
    }
    static const char *const good[] = { ",", "comma", "semicolon", "tab" };
    for (size_t i = 0; i < 4; i++) {
        char text[128];
        snprintf(text, sizeof text, "[index]\nseparator = %s\n[indicator a]\n", good[i]);
        pa_model_free(model(text));
    }
    pa_model_free(model("[index]\nseparator =;\n[indicator a]\n"));
}

/* UTF-8 text as UTF-16 (little or big endian) with its byte-order mark; *len bytes. */
static char *
utf16_of(const char *s, int big, size_t *len)
{
    size_t n = strlen(s), k = 0;
    unsigned char *o = malloc(2 * n + 4); /* room for one more byte */
    assert_non_null(o);
    o[k++] = big ? 0xFE : 0xFF;
    o[k++] = big ? 0xFF : 0xFE;
    for (size_t i = 0; i < n;) { /* the BMP: 1 to 3 bytes in UTF-8 */
        unsigned char c = (unsigned char)s[i];
        unsigned cp = c < 0x80 ? c : c < 0xE0 ? c & 0x1Fu : c & 0x0Fu;
        size_t more = c < 0x80 ? 0 : c < 0xE0 ? 1 : 2;
        for (i++; more--; i++)
            cp = cp << 6 | ((unsigned char)s[i] & 0x3Fu);
        o[k++] = (unsigned char)(big ? cp >> 8 : cp & 0xFF);
        o[k++] = (unsigned char)(big ? cp & 0xFF : cp >> 8);
    }
    *len = k;
    return (char *)o;
}

/* Excel's "Unicode text": UTF-16LE with a BOM, TAB separated, CRLF; the values and names are
 * those of the UTF-8 comma file, and lines are counted as in it. */
static void
test_utf16(void **state)
{
    (void)state;
    static const char utf8[] = "unit,name,a,b\nu1,\xe9\xa6\x99\xe6\xb4\xb2,1,2.5\n"
                               "u2,\xe6\x96\x97\xe9\x97\xa8,3,\nu3,x,5,6\n";
    static const char mt[] = "[index]\ncode = idx\nnormalise = none\nname_column = name\n"
                             "[indicator a]\n[indicator b]\ndirection = -1\n";
    static const double want[3][2] = { { 1, 2.5 }, { 3, NAN }, { 5, 6 } };
    EXPECT_VALUES(mt, utf8, want);
    for (int big = 0; big < 2; big++) {
        size_t len;
        char *u = utf16_of("unit\tname\ta\tb\r\nu1\t\xe9\xa6\x99\xe6\xb4\xb2\t1\t2.5\r\n"
                           "u2\t\xe6\x96\x97\xe9\x97\xa8\t3\t\r\nu3\tx\t5\t6\r\n", big, &len);
        expect_values(mt, u, len, want);
        pa_model *m = model(mt);
        pa_data *d = data_new(m);
        pa_error e;
        memset(&e, 0, sizeof e);
        assert_int_equal(pa_data_read_buffer(d, u, len, "t.csv", &e), PA_OK);
        pa_result *r = compute_ok(m, d);
        assert_string_equal(pa_result_unit_name(r, U(r, "u2")), "\xe6\x96\x97\xe9\x97\xa8");
        pa_result_free(r);
        pa_data_free(d);
        free(u);
        /* an error on line 3 is on line 3 */
        u = utf16_of("unit\tname\ta\tb\r\nu1\tx\t1\t2\r\nu2\tx\tzz\t3\r\n", big, &len);
        d = data_new(m);
        assert_int_equal(pa_data_read_buffer(d, u, len, "t.csv", &e), PA_ERR_DATA);
        assert_int_equal(e.line, 3);
        assert_int_equal(e.column, 3);
        pa_data_free(d);
        free(u);
        /* an odd byte at the end is no UTF-16 */
        u = utf16_of("unit\tname\ta\tb\r\nu1\tx\t1\t2\r\nu2\tx\t3\t3\r\n", big, &len);
        u[len++] = 'x';
        d = data_new(m);
        assert_int_equal(pa_data_read_buffer(d, u, len, "t.csv", &e), PA_ERR_DATA);
        assert_non_null(strstr(e.text, "not valid UTF-16"));
        assert_int_equal(e.line, 4);
        assert_true(pa_data_row_count(d) == 0);
        pa_data_free(d);
        pa_model_free(m);
        free(u);
    }
}

/* A NUL byte in a UTF-8 file: its line and field. */
static void
test_nul_byte(void **state)
{
    (void)state;
    pa_model *m = model(model_ab);
    static const char csv[] = "unit,a,b\nu1,1,2\nu2,3,4\0\nu3,5,6\n";
    pa_data *d = data_new(m);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_read_buffer(d, csv, sizeof csv - 1, "t.csv", &e), PA_ERR_DATA);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 3);
    assert_non_null(strstr(e.text, "NUL byte"));
    pa_data_free(d);
    pa_model_free(m);
}

/* Reads path with its siblings; returns the status, e filled. */
static pa_status
read_siblings(pa_data *d, const char *dir, const char *name, pa_error *e)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    memset(e, 0, sizeof *e);
    return pa_data_read_with_siblings(d, path, e);
}

/* A column that older files lack: missing values there, and a note; missing from every
 * file, the error it always was. */
static void
test_column_missing_from_a_file(void **state)
{
    (void)state;
    const char *dir = make_tmp_dir();
    write_file(dir, "2017.csv", "unit,a\nu1,17\nu2,27\n");
    write_file(dir, "2018.csv", "unit,a,b\nu1,18,1\nu2,28,2\n");
    write_file(dir, "2019.csv", "unit,a,b\nu1,19,3\nu2,29,4\n");
    pa_model *m = model(model_ab);
    pa_data *d = data_new(m);
    pa_error e;
    pa_status st = read_siblings(d, dir, "2019.csv", &e);
    if (st != PA_OK)
        print_error("%s:%ld: %s\n", e.file, e.line, e.text);
    assert_int_equal(st, PA_OK);
    assert_int_equal(pa_data_note_count(d), 1);
    assert_int_equal(pa_data_note(d, 0, &e), PA_OK);
    assert_int_equal(e.status, PA_OK);
    assert_non_null(strstr(e.file, "2017.csv"));
    assert_int_equal(e.line, 1);
    assert_int_equal(e.column, 0);
    assert_non_null(strstr(e.text, "no column 'b'"));
    assert_non_null(strstr(e.text, "2 rows"));
    assert_int_equal(pa_data_note(d, 1, &e), PA_ERR_ARGUMENT);
    pa_result *r = compute_ok(m, d);
    size_t a = N(r, "a"), b = N(r, "b"), u2 = U(r, "u2");
    assert_true(pa_result_value(r, u2, 0, a) == 27);
    assert_true(isnan(pa_result_value(r, u2, 0, b)));
    assert_true(pa_result_value(r, u2, 1, b) == 2);
    assert_true(pa_result_value(r, u2, 2, b) == 4);
    pa_result_free(r);
    pa_data_free(d);
    /* the file given may lack it too when a sibling has it */
    write_file(dir, "2019.csv", "unit,a\nu1,19\nu2,29\n");
    d = data_new(m);
    assert_int_equal(read_siblings(d, dir, "2019.csv", &e), PA_OK);
    assert_int_equal(pa_data_note_count(d), 2);
    pa_data_free(d);
    /* from every file: the error, on the header of the file given; the siblings stay */
    write_file(dir, "2018.csv", "unit,a\nu1,18\nu2,28\n");
    d = data_new(m);
    assert_int_equal(read_siblings(d, dir, "2019.csv", &e), PA_ERR_DATA);
    assert_non_null(strstr(e.file, "2019.csv"));
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.text, "no column 'b', which the model needs"));
    assert_true(pa_data_row_count(d) == 4);
    pa_data_free(d);
    /* files read one by one: a file may lack a column an earlier one had, not the reverse */
    d = data_new(m);
    read_ok(d, "unit,a,b\nu1,1,2\n", "2019.csv");
    read_ok(d, "unit,a\nu1,1\n", "2016.csv");
    assert_int_equal(pa_data_note_count(d), 1);
    pa_data_free(d);
    d = data_new(m);
    assert_int_equal(read_str(d, "unit,a\nu1,1\n", "2016.csv", &e), PA_ERR_DATA);
    assert_int_equal(pa_data_note_count(d), 0);
    pa_data_free(d);
    assert_int_equal(pa_data_note_count(NULL), 0);
    assert_int_equal(pa_data_note(NULL, 0, NULL), PA_ERR_ARGUMENT);
    pa_model_free(m);
}

/* ';' and TAB files read in two halves: the halves use the separator of the header. */
static void
test_parallel_read_separators(void **state)
{
    (void)state;
    size_t len;
    char *csv = big_csv(-1, &len);
    pa_model *m = model(model_big);
    pa_data *d0 = data_new(m);
    pa_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(pa_data_read_buffer(d0, csv, len, "whole.csv", &e), PA_OK);
    pa_result *r0 = compute_ok(m, d0);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < len; i++)
            if (csv[i] == (k ? ';' : ','))
                csv[i] = k ? '\t' : ';';
        write_big(csv, len);
        pa_data *d = data_new(m);
        assert_int_equal(pa_data_read_file(d, big_path, &e), PA_OK);
        remove_big(NULL);
        pa_result *r = compute_ok(m, d);
        assert_int_equal(pa_result_unit_count(r), 60000);
        for (size_t u = 0; u < 60000; u += 7)
            for (size_t p = 0; p < 5; p++)
                for (size_t n = 0; n < pa_result_node_count(r); n++)
                    assert_true(same_double(pa_result_score(r, u, p, n),
                                            pa_result_score(r0, u, p, n)));
        pa_result_free(r);
        pa_data_free(d);
    }
    free(csv);
    pa_result_free(r0);
    pa_data_free(d0);
    pa_model_free(m);
}

/* ---- data made in memory ---- */

static const char *mem_model = "[index]\ncode = top\nimpute = group_mean\nimpute_group = g\n"
                               "[indicator a]\n[indicator b]\n";

static pa_data *
mem_data(void)
{
    const char *cols[] = { "b", "a" };
    pa_data *d = NULL;
    assert_int_equal(pa_data_create(&d, cols, 2, NULL), PA_OK);
    return d;
}

static void
test_memory_refusals(void **state)
{
    (void)state;
    pa_data *d = NULL;
    pa_error e;
    const char *dup[] = { "a", "a" }, *empty[] = { "a", "" };
    assert_int_equal(pa_data_create(&d, dup, 2, &e), PA_ERR_ARGUMENT);
    assert_null(d);
    assert_int_equal(pa_data_create(&d, empty, 2, &e), PA_ERR_ARGUMENT);
    assert_int_equal(pa_data_create(&d, NULL, 2, &e), PA_ERR_ARGUMENT);
    d = mem_data();
    assert_string_equal(pa_data_column_name(d, 0), "b");
    assert_null(pa_data_column_name(d, 2));
    double b[] = { 1, 2 }, a[] = { 3, INFINITY };
    const double *cols[] = { b, a };
    const char *units[] = { "x", "" }, *good[] = { "x", "y" }, *periods[] = { "2019", "20x9" };
    assert_int_equal(pa_data_add_rows(d, 2, units, NULL, NULL, NULL, cols, &e), PA_ERR_ARGUMENT);
    assert_int_equal(pa_data_add_rows(d, 2, good, NULL, periods, NULL, cols, &e), PA_ERR_ARGUMENT);
    assert_int_equal(pa_data_add_rows(d, 2, good, NULL, NULL, NULL, cols, &e), PA_ERR_ARGUMENT);
    assert_string_equal(e.file, ""); /* an argument refused, not a line of a file */
    assert_string_equal(e.text, "row 2: column 'a' is infinite (NaN marks a missing value)");
    assert_int_equal(pa_data_add_rows(d, 2, good, NULL, NULL, NULL, NULL, &e), PA_ERR_ARGUMENT);
    assert_int_equal(pa_data_row_count(d), 0);
    pa_data_free(d);
}

/* Row 3 repeats unit x in 2019: the compute error names <memory>:3. Groups: z has no a and
 * takes the mean of its group's a (x: 1, y: 5 in group p), not of all units. */
static void
test_memory_rows(void **state)
{
    (void)state;
    pa_model *m = NULL;
    pa_result *r = NULL;
    pa_error e;
    assert_int_equal(pa_model_parse(&m, mem_model, "t.ini", NULL), PA_OK);
    pa_data *d = mem_data();
    double b[] = { 1, 2, 3, 4 }, a[] = { 1, 5, NAN, 11 };
    const double *cols[] = { b, a };
    const char *units[] = { "x", "y", "z", "w" }, *groups[] = { "p", "p", "p", "q" };
    const char *periods[] = { "2019", "2019年", "2019", "2019" };
    assert_int_equal(pa_data_add_rows(d, 4, units, NULL, periods, groups, cols, &e), PA_OK);
    assert_int_equal(pa_compute(&r, m, d, &e), PA_OK);
    size_t z = U(r, "z"), na = N(r, "a");
    assert_close(pa_result_value(r, z, 0, na), NAN, 0);
    assert_true(pa_result_flags(r, z, 0, na) & PA_FLAG_IMPUTED);
    /* minmax over the observed 1, 5, 11: the imputed 3 scores 20 */
    assert_close(pa_result_score(r, z, 0, na), 20, 1e-12);
    pa_result_free(r);
    const char *again[] = { "x" };
    assert_int_equal(pa_data_add_rows(d, 1, again, NULL, periods, NULL, cols, &e), PA_OK);
    memset(&e, 0, sizeof e);
    assert_int_not_equal(pa_compute(&r, m, d, &e), PA_OK);
    assert_string_equal(e.file, "<memory>");
    assert_int_equal(e.line, 5);
    pa_data_free(d);
    pa_model_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_from_year_column),
        cmocka_unit_test(test_period_from_file_name),
        cmocka_unit_test(test_no_period),
        cmocka_unit_test(test_missing_tokens),
        cmocka_unit_test(test_unused_columns_ignored),
        cmocka_unit_test(test_column_taken_by_period_or_name),
        cmocka_unit_test(test_gb18030_file),
        cmocka_unit_test(test_missing_needed_column),
        cmocka_unit_test(test_duplicate_header),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_text_in_number_column),
        cmocka_unit_test(test_empty_unit_and_period),
        cmocka_unit_test(test_duplicate_unit_period),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test_teardown(test_failed_read_adds_nothing, free_held),
        cmocka_unit_test(test_failed_read_adds_no_name),
        cmocka_unit_test(test_denominate),
        cmocka_unit_test(test_denominator_zero),
        cmocka_unit_test_teardown(test_siblings, remove_tmp_dir),
        cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_changes_and_base),
        cmocka_unit_test(test_write_csv),
        cmocka_unit_test(test_write_csv_quotes),
        cmocka_unit_test(test_write_json),
        cmocka_unit_test(test_result_outlives_growing_data),
        cmocka_unit_test_teardown(test_siblings_months, remove_tmp_dir),
        cmocka_unit_test_teardown(test_siblings_read_at_once, remove_tmp_dir),
        cmocka_unit_test_teardown(test_siblings_first_error, remove_tmp_dir),
        cmocka_unit_test_teardown(test_siblings_allocation_failure, remove_tmp_dir),
        cmocka_unit_test_teardown(test_parallel_read_matches_whole, remove_big),
        cmocka_unit_test_teardown(test_parallel_read_error_line, remove_big),
        cmocka_unit_test_teardown(test_parallel_read_room, remove_big),
        cmocka_unit_test_teardown(test_row_lines, remove_big),
        cmocka_unit_test(test_change_overflow),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_spreadsheet_cells),
        cmocka_unit_test(test_spreadsheet_refusals),
        cmocka_unit_test(test_decimal_comma),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_separator_key),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test_teardown(test_column_missing_from_a_file, remove_tmp_dir),
        cmocka_unit_test_teardown(test_parallel_read_separators, remove_big),
        cmocka_unit_test(test_memory_refusals),
        cmocka_unit_test(test_memory_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
