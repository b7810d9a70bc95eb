/* SPDX-License-Identifier: MIT */
/* Times pa_uncertainty_run / pa_sensitivity_run (public API only): wall seconds, and the
 * per-draw split between writing a draw's inputs into a working model (setup) and
 * pa_engine_compute, summed over the threads.
 *   unc_bench MODEL DATA N [sensitivity] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pingan/pingan.h>

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: unc_bench MODEL DATA N [sensitivity]\n");
        return 2;
    }
    pa_error e;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_uncertainty *u = NULL;
    if (pa_model_load(&m, argv[1], &e) != PA_OK || pa_data_new(&d, m, &e) != PA_OK ||
        pa_data_read_file(d, argv[2], &e) != PA_OK) {
        fprintf(stderr, "%s:%ld: %s\n", e.file, e.line, e.text);
        return 1;
    }
    size_t n = (size_t)strtoull(argv[3], NULL, 10);
    int sens = argc > 4 && strcmp(argv[4], "sensitivity") == 0;
    double t0 = now();
    pa_status st = sens ? pa_sensitivity_run(&u, m, d, n, NULL, &e)
                        : pa_uncertainty_run(&u, m, d, n, NULL, &e);
    double wall = now() - t0;
    if (st != PA_OK) {
        fprintf(stderr, "%s:%ld: %s\n", e.file, e.line, e.text);
        return 1;
    }
    double setup, compute;
    pa_uncertainty_times(u, &setup, &compute);
    size_t runs = pa_uncertainty_runs(u);
    printf("%s %zu: %zu runs (%zu failed, %s points) in %.3f s wall; per run %.1f us setup, "
           "%.1f us pa_engine_compute (thread time)\n", sens ? "sensitivity" : "uncertainty", n,
           runs, pa_uncertainty_failed(u), pa_uncertainty_points(u), wall,
           setup / (double)runs * 1e6, compute / (double)runs * 1e6);
    printf("wall per run %.1f us\n", wall / (double)runs * 1e6);
    pa_uncertainty_free(u);
    pa_data_free(d);
    pa_model_free(m);
    return 0;
}
