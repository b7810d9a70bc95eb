/* SPDX-License-Identifier: MIT */
/* Runs a fuzz target's entry point over files (the seed corpus and every crash ever found),
 * so that the normal test suite, with valgrind or sanitizers, replays them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size);

int
main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "cannot open %s\n", argv[i]);
            return 1;
        }
        size_t cap = 1 << 16, len = 0, k;
        uint8_t *buf = malloc(cap);
        while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
            len += k;
            if (len == cap) {
                uint8_t *b = realloc(buf, cap *= 2);
                if (!b) {
                    free(buf);
                    buf = NULL;
                }
                buf = b;
            }
        }
        fclose(f);
        if (!buf)
            return 1;
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
        n++;
    }
    printf("replayed %d inputs\n", n);
    return n == argc - 1 ? 0 : 1;
}
