/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the CSV data reader and the whole pipeline on the built-in model. */
#include <stdint.h>
#include <stdio.h>

#include <pingan/pingan.h>

int
LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    pa_error err;
    pa_model *m = NULL;
    pa_data *d = NULL;
    pa_result *r = NULL;
    if (pa_model_default(&m, &err) != PA_OK)
        __builtin_trap(); /* the built-in model must always load */
    if (pa_data_new(&d, m, &err) == PA_OK &&
        pa_data_read_buffer(d, (const char *)bytes, size, "2019.csv", &err) == PA_OK &&
        pa_compute(&r, m, d, &err) == PA_OK) {
        FILE *f = fopen("/dev/null", "w");
        if (f) {
            pa_result_write(r, f, PA_FORMAT_CSV, NULL, &err);
            fclose(f);
        }
    }
    pa_result_free(r);
    pa_data_free(d);
    pa_model_free(m);
    return 0;
}
