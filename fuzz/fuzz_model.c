/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the model-file reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pingan/pingan.h>

int
LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, bytes, size);
    text[size] = '\0';
    pa_error err;
    pa_model *m = NULL;
    if (pa_model_parse(&m, text, "fuzz.ini", &err) != PA_OK) {
        char msg[1200];
        pa_error_format(&err, msg, sizeof msg);
    }
    pa_model_free(m);
    free(text);
    return 0;
}
