/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a random small model and data together. The input is the model text,
 * a NUL byte, then the CSV data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

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
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
    free(text);
    return 0;
}
