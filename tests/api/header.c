/* SPDX-License-Identifier: MIT */
/* The public header alone compiles as pedantic C99 (and as C++ in header.cc). */
#include <pingan/pingan.h>

int
main(void)
{
    pa_error err;
    err.status = PA_OK;
    /* the notes of 0.3 link from C99: none for no data, and note 0 is out of range */
    if (pa_data_note_count(NULL) != 0 || pa_data_note(NULL, 0, &err) != PA_ERR_ARGUMENT)
        return 1;
    err.status = PA_OK;
    return pa_version()[0] == '0' && err.status == PA_OK ? 0 : 1;
}
