/* SPDX-License-Identifier: MIT */
/* Version, status texts, error formatting and the built-in model. */
#include <stdio.h>

#include "internal.h"
#include "default_model.h"

const char *
pa_version(void)
{
    return PA_VERSION;
}

const char *
pa_strerror(pa_status st)
{
    switch (st) {
    case PA_OK: return "success";
    case PA_ERR_NOMEM: return "out of memory";
    case PA_ERR_IO: return "input/output error";
    case PA_ERR_DATA: return "bad data";
    case PA_ERR_MODEL: return "bad model";
    case PA_ERR_COMPUTE: return "data the model cannot score";
    case PA_ERR_ARGUMENT: return "bad argument";
    }
    return "unknown status";
}

int
pa_error_format(const pa_error *e, char *buf, size_t size)
{
    if (!e)
        return snprintf(buf, size, "unknown error");
    char where[600] = "";
    if (e->file[0] && e->line > 0 && e->column > 0)
        snprintf(where, sizeof where, "%s:%ld:%ld: ", e->file, e->line, e->column);
    else if (e->file[0] && e->line > 0)
        snprintf(where, sizeof where, "%s:%ld: ", e->file, e->line);
    else if (e->file[0])
        snprintf(where, sizeof where, "%s: ", e->file);
    return snprintf(buf, size, "%s%s", where, e->text[0] ? e->text : pa_strerror(e->status));
}

pa_status
pa_model_default(pa_model **out, pa_error *err)
{
    return pa_model_parse(out, pa_default_model_text, "<built-in model>", err);
}
