/* SPDX-License-Identifier: MIT */
/* Re-scoring with an engine against a full computation, on one data set read once:
 *   engine-bench MODEL DATA.csv GROUP INDICATOR [REPEAT]
 * prints the fastest of REPEAT (default 5) runs of: pa_compute (the full computation), an
 * engine's first call, and an engine's call after a change of GROUP's weight and after a
 * change of INDICATOR's normalisation (each run a new value, so that nothing is found kept).
 * Every re-scored index is checked against pa_compute of the same model, cell for cell. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pingan/pingan.h>

static void
die(const char *what, const pa_error *e)
{
    fprintf(stderr, "engine-bench: %s: %s:%ld:%ld: %s\n", what, e->file, e->line, e->column,
            e->text);
    exit(1);
}

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The index (the top node, `code`) of a and b agree in every cell. */
static void
same_index(const pa_result *a, const pa_result *b, const char *code)
{
    size_t top = pa_result_node_find(a, code);
    size_t nu = pa_result_unit_count(a), np = pa_result_period_count(a);
    for (size_t p = 0; p < np; p++)
        for (size_t u = 0; u < nu; u++) {
            double x = pa_result_score(a, u, p, top), y = pa_result_score(b, u, p, top);
            if (!(x == y || (isnan(x) && isnan(y)))) {
                fprintf(stderr, "engine-bench: the engine's index differs at unit %zu, "
                                "period %zu: %.17g against %.17g\n", u, p, x, y);
                exit(1);
            }
        }
}

typedef enum { FULL, FIRST, WEIGHT, METHOD } job;

/* One timed run of a job; the model changed is checked against pa_compute. */
static double
run(job j, int i, pa_model *m, const pa_data *d, const char *group, const char *ind)
{
    pa_error e;
    pa_result *r = NULL, *check = NULL;
    pa_engine *en = NULL;
    if (j != FULL) {
        if (pa_engine_new(&en, d, &e) != PA_OK || pa_engine_compute(en, m, &r, &e) != PA_OK)
            die("engine", &e);
        pa_result_free(r);
        r = NULL;
    }
    pa_model *c = NULL;
    if (pa_model_copy(&c, m, &e) != PA_OK)
        die("copy", &e);
    double range[2] = { 0, 100 + i }; /* a new normalisation each run */
    if (j == WEIGHT && pa_model_set_weight(c, group, 1.5 + i, &e) != PA_OK)
        die("weight", &e);
    if (j == METHOD && pa_model_set_normalise(c, ind, "minmax", range, 2, &e) != PA_OK)
        die("normalise", &e);
    if (j == FIRST) { /* the engine is made anew, untimed */
        pa_engine_free(en);
        if (pa_engine_new(&en, d, &e) != PA_OK)
            die("engine", &e);
    }
    double t0 = now();
    pa_status st = j == FULL ? pa_compute(&r, c, d, &e) : pa_engine_compute(en, c, &r, &e);
    double t = now() - t0;
    if (st != PA_OK)
        die("compute", &e);
    if (j == WEIGHT || j == METHOD) {
        if (pa_compute(&check, c, d, &e) != PA_OK)
            die("check", &e);
        same_index(r, check, pa_model_code(c));
        pa_result_free(check);
    }
    pa_result_free(r);
    pa_model_free(c);
    pa_engine_free(en);
    return t;
}

int
main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: engine-bench MODEL DATA.csv GROUP INDICATOR [REPEAT]\n");
        return 2;
    }
    int repeat = argc > 5 ? atoi(argv[5]) : 5;
    pa_error e;
    pa_model *m = NULL;
    pa_data *d = NULL;
    if (pa_model_load(&m, argv[1], &e) != PA_OK)
        die("model", &e);
    if (pa_data_new(&d, m, &e) != PA_OK || pa_data_read_file(d, argv[2], &e) != PA_OK)
        die("data", &e);
    static const char *names[] = { "full computation (pa_compute)", "engine, first call",
                                   "engine, after a weight change",
                                   "engine, after one indicator's normalisation" };
    double best[4];
    for (int j = FULL; j <= METHOD; j++) {
        best[j] = INFINITY;
        for (int i = 0; i < repeat; i++) {
            double t = run((job)j, i, m, d, argv[3], argv[4]);
            best[j] = t < best[j] ? t : best[j];
        }
    }
    printf("%-46s %10s %8s\n", "job", "ms", "of full");
    for (int j = FULL; j <= METHOD; j++)
        printf("%-46s %10.3f %8.3f\n", names[j], best[j] * 1e3, best[j] / best[FULL]);
    pa_data_free(d);
    pa_model_free(m);
    return 0;
}
