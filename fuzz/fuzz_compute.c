/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a random small model and data together. The input is the model text,
 * a NUL byte, then the CSV data. The data is also computed on the lean path (holding the top
 * node, whose scores must be those of pa_compute) and read as two sibling files, 2018.csv
 * and 2019.csv, through the multi-file reader. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

/* pa_compute_nodes holding the top: its scores are pa_compute's, bit for bit. */
static void
lean(const pa_model *m, const char *csv, size_t n, const pa_result *full)
{
    pa_data *d = NULL;
    pa_result *r = NULL;
    const char *top[] = { pa_model_code(m) };
    if (pa_data_new(&d, m, NULL) != PA_OK)
        return;
    if (pa_data_read_buffer(d, csv, n, "fuzz.csv", NULL) != PA_OK) {
        pa_data_free(d);
        return;
    }
    if (pa_compute_nodes(&r, m, d, top, 1, NULL) == PA_OK && full) {
        size_t t = pa_result_node_find(full, top[0]);
        for (size_t u = 0; u < pa_result_unit_count(full); u++)
            for (size_t p = 0; p < pa_result_period_count(full); p++) {
                double a = pa_result_score(full, u, p, t), b = pa_result_score(r, u, p, t);
                if (!(a != a && b != b) && memcmp(&a, &b, sizeof a) != 0)
                    __builtin_trap();
            }
    }
    pa_result_free(r);
}

static int
write_file(const char *dir, const char *name, const char *csv, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(csv, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* The same CSV as 2018.csv and 2019.csv of one folder, read from 2019.csv with its sibling. */
static void
siblings(const pa_model *m, const char *csv, size_t n)
{
    static char dir[] = "/tmp/fuzz-siblings-XXXXXX";
    static int made;
    if (!made && !(made = mkdtemp(dir) != NULL))
        return;
    if (!write_file(dir, "2018.csv", csv, n) || !write_file(dir, "2019.csv", csv, n))
        return;
    char path[4200];
    snprintf(path, sizeof path, "%s/2019.csv", dir);
    pa_data *d = NULL;
    pa_result *r = NULL;
    if (pa_data_new(&d, m, NULL) == PA_OK && pa_data_read_with_siblings(d, path, NULL) == PA_OK)
        pa_compute(&r, m, d, NULL);
    pa_result_free(r);
    pa_data_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const uint8_t *nul = memchr(bytes, 0, size);
    if (!nul)
        return 0;
    size_t mlen = (size_t)(nul - bytes);
    char *text = malloc(mlen + 1);
    if (!text)
        return 0;
    memcpy(text, bytes, mlen + 1);
    pa_error err;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    if (pa_model_parse(&m, text, "fuzz.ini", &err) == PA_OK &&
        pa_data_new(&d, m, &err) == PA_OK &&
        pa_data_read_buffer(d, (const char *)nul + 1, size - mlen - 1, "fuzz.csv", &err) ==
            PA_OK &&
        pa_compute(&r, m, d, &err) == PA_OK) {
        FILE *f = fopen("/dev/null", "w");
        if (f) {
            pa_result_write(r, f, PA_FORMAT_JSON, NULL, &err);
            fclose(f);
        }
        /* every printed number must be finite or missing, never inf */
        for (size_t u = 0; u < pa_result_unit_count(r); u++)
            for (size_t p = 0; p < pa_result_period_count(r); p++)
                for (size_t n = 0; n < pa_result_node_count(r); n++) {
                    double s = pa_result_score(r, u, p, n);
                    if (s == s && (s - s) != 0)
                        __builtin_trap();
                }
    }
    if (m) {
        lean(m, (const char *)nul + 1, size - mlen - 1, r);
        siblings(m, (const char *)nul + 1, size - mlen - 1);
    }
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
    free(text);
    return 0;
}
