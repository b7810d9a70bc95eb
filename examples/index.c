/* SPDX-License-Identifier: MIT */
/* The 平安+ index of every unit in the latest period, from a data file and a model: a
 * program to copy when you start with libpingan.
 *
 *   cc index.c $(pkg-config --cflags --libs pingan) -o index
 *   ./index data/2019.csv [data/pingan.ini]
 *
 * Prints "unit,period,index,rank" rows; the index with 17 significant digits, the same
 * double as pingan-index -f csv writes. */
#include <stdio.h>

#include <pingan/pingan.h>

/* One message, as the library formats it: "FILE:LINE:COLUMN: what is wrong". */
static int
fail(const pa_error *err)
{
    char msg[1200];
    pa_error_format(err, msg, sizeof msg);
    fprintf(stderr, "index: %s\n", msg);
    return 1;
}

static void
print_index(const pa_result *res, const char *code)
{
    size_t top = pa_result_node_find(res, code);
    size_t p = pa_result_period_count(res) - 1; /* periods are sorted: the last is latest */
    printf("unit,period,index,rank\n");
    for (size_t u = 0; u < pa_result_unit_count(res); u++) {
        double score = pa_result_score(res, u, p, top); /* NaN when the unit has none */
        long rank = pa_result_rank(res, u, p, top);    /* 0: not ranked (a reference unit) */
        printf("%s,%s,%.17g,%ld\n", pa_result_unit_code(res, u), pa_result_period(res, p),
               score, rank);
    }
}

int
main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s DATA.csv [MODEL.ini]\n", argv[0]);
        return 2;
    }
    pa_error err;
    pa_model *model = NULL; /* every object is owned by us and freed below (NULL is fine) */
    pa_data *data = NULL;
    pa_result *res = NULL;
    int rc = 1;
    if ((argc == 3 ? pa_model_load(&model, argv[2], &err) : pa_model_default(&model, &err)) ||
        pa_data_new(&data, model, &err) ||
        pa_data_read_with_siblings(data, argv[1], &err) || /* 2019.csv brings 2018.csv, ... */
        pa_compute(&res, model, data, &err)) {
        fail(&err);
        goto out;
    }
    print_index(res, pa_model_code(model));
    rc = 0;
out:
    pa_result_free(res);
    pa_data_free(data);
    pa_model_free(model);
    return rc;
}
