/* SPDX-License-Identifier: MIT */
/* The public header alone compiles as pedantic C99 (and as C++ in header.cc). */
#include <pingan/pingan.h>

int
main(void)
{
    pa_error err;
    err.status = PA_OK;
    return pa_version()[0] == '0' && err.status == PA_OK ? 0 : 1;
}
