/* SPDX-License-Identifier: MIT */
/*
 * weight = pca on the ASEM example: every indicator of a pillar weighs its squared PC1 loading
 * from COINr's prcomp on the raw data (stats/pca.csv, 1e-9), the weights of a pillar sum to 1,
 * and every pillar score is the weighted mean of its indicators' scores over those present,
 * recomputed here from the result's indicator scores.
 *
 * Usage: test_asem_pca MODEL ASEM_DATA_DIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

#include "testutil.h"

static const char *model_path, *data_dir;
static pa_result *res;

static void
compute(void)
{
    char path[4096];
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_error e;
    snprintf(path, sizeof path, "%s/iData.csv", data_dir);
    assert_int_equal(pa_model_load(&m, model_path, &e), PA_OK);
    assert_int_equal(pa_data_new(&d, m, &e), PA_OK);
    assert_int_equal(pa_data_read_file(d, path, &e), PA_OK);
    if (pa_compute(&res, m, d, &e) != PA_OK)
        fail_msg("%s", e.text);
    pa_data_free(d);
    pa_model_free(m);
}

/* "group","indicator",loading,share,units: the square of each loading is a weight. */
static void
test_weights(void **state)
{
    (void)state;
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/stats/pca.csv", data_dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char group[32], code[32];
        double loading;
        assert_int_equal(sscanf(line, "\"%31[^\"]\",\"%31[^\"]\",%lf", group, code, &loading), 3);
        size_t n = pa_result_node_find(res, code);
        assert_true(n != (size_t)-1);
        assert_string_equal(pa_result_node_code(res, pa_result_node_parent(res, n)), group);
        assert_close(pa_result_node_weight(res, n), loading * loading, 1e-9);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 49);
}

/* Each pillar: weights sum to 1, and its score is Σ w·s / Σ w over the children present. */
static void
test_scores(void **state)
{
    (void)state;
    size_t nn = pa_result_node_count(res), pillars = 0;
    for (size_t g = 0; g < nn; g++) {
        if (pa_result_node_level(res, g) != 2)
            continue;
        double total = 0;
        for (size_t c = 0; c < nn; c++)
            if (pa_result_node_parent(res, c) == g)
                total += pa_result_node_weight(res, c);
        assert_close(total, 1, 1e-12);
        for (size_t u = 0; u < pa_result_unit_count(res); u++) {
            double sw = 0, sum = 0;
            for (size_t c = 0; c < nn; c++) {
                double s = pa_result_score(res, u, 0, c);
                if (pa_result_node_parent(res, c) == g && !isnan(s))
                    sw += pa_result_node_weight(res, c), sum += pa_result_node_weight(res, c) * s;
            }
            assert_close(pa_result_score(res, u, 0, g), sum / sw, 1e-9);
        }
        pillars++;
    }
    assert_int_equal(pillars, 8);
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL ASEM_DATA_DIR\n", argv[0]);
        return 2;
    }
    model_path = argv[1];
    data_dir = argv[2];
    compute();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_scores),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pa_result_free(res);
    return rc;
}
