/* SPDX-License-Identifier: MIT */
/*
 * The UNDP Human Development Index 2021 expressed as a model file
 * (models/hdi.ini) must reproduce the published HDI to 3 decimals for every
 * country of data/hdi/hdi2021_sample.csv, and one country computed by hand
 * to 1e-12.
 *
 * Usage: test_hdi MODEL_FILE DATA_FILE
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

#include "testutil.h"

#define N_COUNTRIES 10

static const char *model_file;
static const char *data_file;

static pa_model *model;
static pa_data *data;
static pa_result *result;

static void
report(pa_status st, const pa_error *err, const char *what)
{
    char msg[1200];
    pa_error_format(err, msg, sizeof msg);
    fprintf(stderr, "%s: %s: %s\n", what, pa_strerror(st), msg);
}

static int
compute_hdi(void **state)
{
    (void)state;
    pa_error err;
    pa_status st;
    if ((st = pa_model_load(&model, model_file, &err)) != PA_OK) {
        report(st, &err, model_file);
        return -1;
    }
    if ((st = pa_data_new(&data, model, &err)) != PA_OK ||
        (st = pa_data_read_file(data, data_file, &err)) != PA_OK) {
        report(st, &err, data_file);
        return -1;
    }
    if ((st = pa_compute(&result, model, data, &err)) != PA_OK) {
        report(st, &err, "pa_compute");
        return -1;
    }
    return 0;
}

static int
free_hdi(void **state)
{
    (void)state;
    pa_result_free(result);
    pa_data_free(data);
    pa_model_free(model);
    return 0;
}

static size_t
find_unit(const char *code)
{
    for (size_t u = 0; u < pa_result_unit_count(result); u++)
        if (strcmp(pa_result_unit_code(result, u), code) == 0)
            return u;
    return (size_t)-1;
}

static double
score_of(const char *unit, const char *node)
{
    size_t u = find_unit(unit);
    size_t n = pa_result_node_find(result, node);
    assert_true(u != (size_t)-1);
    assert_true(n != (size_t)-1);
    return pa_result_score(result, u, 0, n);
}

static void
test_shape(void **state)
{
    (void)state;
    assert_string_equal(pa_model_code(model), "hdi");
    assert_int_equal(pa_data_row_count(data), N_COUNTRIES);
    assert_int_equal(pa_result_period_count(result), 1);
    assert_int_equal(pa_result_unit_count(result), N_COUNTRIES);
    /* le, eys, mys, gnipc; health, education, income; hdi */
    assert_int_equal(pa_result_node_count(result), 8);
    size_t top = pa_result_node_count(result) - 1;
    assert_string_equal(pa_result_node_code(result, top), "hdi");
    assert_int_equal(pa_result_node_level(result, top), 3);
    /* hdi_published is data, not a node */
    assert_true(pa_result_node_find(result, "hdi_published") == (size_t)-1);
}

/* Every row: round(score, 3) == hdi_published, compared as integers of thousandths. */
static void
test_published_to_3_decimals(void **state)
{
    (void)state;
    FILE *f = fopen(data_file, "r");
    assert_non_null(f);
    char line[1024];
    int iso_col = -1, pub_col = -1;
    size_t compared = 0;
    long lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *field[16];
        int nf = 0;
        for (char *p = line; p && nf < 16; nf++) {
            field[nf] = p;
            if ((p = strchr(p, ',')) != NULL)
                *p++ = '\0';
        }
        if (lineno == 1) {
            for (int i = 0; i < nf; i++) {
                if (strcmp(field[i], "iso3") == 0)
                    iso_col = i;
                else if (strcmp(field[i], "hdi_published") == 0)
                    pub_col = i;
            }
            assert_true(iso_col >= 0 && pub_col >= 0);
            continue;
        }
        assert_true(nf > iso_col && nf > pub_col);
        char *end;
        errno = 0;
        double published = strtod(field[pub_col], &end);
        assert_true(*end == '\0' && errno == 0 && published > 0 && published < 1);
        double score = score_of(field[iso_col], "hdi");
        long got = lround(score * 1000), want = lround(published * 1000);
        if (got != want)
            print_error("%s: HDI %.17g rounds to 0.%03ld, published %s\n", field[iso_col],
                        score, got, field[pub_col]);
        assert_int_equal(got, want);
        print_message("%s HDI %.6f published %s\n", field[iso_col], score, field[pub_col]);
        compared++;
    }
    fclose(f);
    assert_int_equal(compared, N_COUNTRIES);
}

/*
 * Switzerland by hand (HDR 2021/22 inputs):
 *   health    = (83.9872 - 20) / (85 - 20)                               = 0.98441846...
 *   education = (16.50029945 / 18 + 13.85966015 / 15) / 2                = 0.92033032...
 *   income    = (ln 66933.00454 - ln 100) / (ln 75000 - ln 100)          = 0.98281047...
 *   HDI       = (health * education * income)^(1/3)                      = 0.96205024... → 0.962
 */
static void
test_switzerland_by_hand(void **state)
{
    (void)state;
    double health = (83.9872 - 20) / (85 - 20);
    double eys = 16.50029945 / 18, mys = 13.85966015 / 15;
    double education = (eys + mys) / 2;
    double income = (log(66933.00454) - log(100)) / (log(75000) - log(100));
    double hdi = cbrt(health * education * income);

    assert_close(score_of("CHE", "le"), health, 1e-12);
    assert_close(score_of("CHE", "eys"), eys, 1e-12);
    assert_close(score_of("CHE", "mys"), mys, 1e-12);
    assert_close(score_of("CHE", "gnipc"), income, 1e-12);
    assert_close(score_of("CHE", "health"), health, 1e-12);
    assert_close(score_of("CHE", "education"), education, 1e-12);
    assert_close(score_of("CHE", "income"), income, 1e-12);
    assert_close(score_of("CHE", "hdi"), hdi, 1e-12);
    assert_close(hdi, 0.96205024009393, 1e-12); /* the hand formula itself */
}

/* The goalposts are caps: values beyond the upper post score exactly 1. */
static void
test_caps(void **state)
{
    (void)state;
    assert_true(score_of("LIE", "income") == 1.0); /* GNI pc 146,830 > 75,000 */
    assert_true(score_of("QAT", "income") == 1.0); /* GNI pc 87,134 > 75,000 */
    assert_true(score_of("HKG", "health") == 1.0); /* life expectancy 85.47 > 85 */
    assert_true(score_of("NOR", "eys") == 1.0);    /* expected schooling 18.19 > 18 */
    /* below the upper post nothing is clamped */
    assert_close(score_of("NOR", "mys"), 13.00362968 / 15, 1e-12);
    assert_true(score_of("NOR", "income") < 1.0);
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL_FILE DATA_FILE\n", argv[0]);
        return 2;
    }
    model_file = argv[1];
    data_file = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_published_to_3_decimals),
        cmocka_unit_test(test_switzerland_by_hand),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests_name("hdi", tests, compute_hdi, free_hdi);
}
