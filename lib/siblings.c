/* SPDX-License-Identifier: MIT */
/* File names: the period a name gives, and the sibling files of earlier periods. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "data.h"

/* The file name of a path and the length of its stem ("data/2019.csv" → "2019.csv", 4);
 * *dot (optional) points at the extension's dot, or NULL. */
const char *
pa_file_stem(const char *path, size_t *stem, const char **dot)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *d = strrchr(base, '.');
    *stem = d ? (size_t)(d - base) : strlen(base);
    if (dot)
        *dot = d;
    return base;
}

/* The period a file's name gives ("data/2019.csv", "2019年.csv" → "2019"), or ""; NULL when
 * out of memory. */
char *
pa_period_of_name(const char *label)
{
    size_t stem;
    const char *base = pa_file_stem(label, &stem, NULL);
    char canon[PA_PERIOD_TEXT];
    return pa_strdup(pa_period_parse(base, stem, canon) ? canon : "");
}

/* A pipe, a device or /dev/fd/N has no folder of sibling periods. */
int
pa_is_regular(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}


/* A sibling: its name and the canonical period it stands for. */
typedef struct sibling {
    char *name;
    char period[PA_PERIOD_TEXT];
} sibling;

static int
cmp_sibling(const void *a, const void *b)
{
    return strcmp(((const sibling *)a)->period, ((const sibling *)b)->period);
}

/* The files of dir whose names are periods earlier than `mine`, of its kind and spelled the
 * same way (2019.csv: 2018.csv, never 2018-12.csv, 12.csv or 2018年.csv), sorted by period. */
static pa_status
find_siblings(const char *dir, const char *base, size_t stem, const char *ext,
              const char *mine, sibling **out, size_t *n, pa_error *err)
{
    DIR *dh = opendir(*dir ? dir : ".");
    if (!dh)
        return PA_OK; /* no folder to read: the file alone */
    pa_status st = PA_OK;
    struct dirent *e;
    while (st == PA_OK && (e = readdir(dh)) != NULL) {
        const char *ed = strrchr(e->d_name, '.');
        size_t es = ed ? (size_t)(ed - e->d_name) : strlen(e->d_name);
        sibling sb;
        if (strcmp(ed ? ed : "", ext) != 0 || !pa_period_same_spelling(e->d_name, es, base, stem) ||
            pa_period_kind_of(mine) != pa_period_parse(e->d_name, es, sb.period) ||
            strcmp(sb.period, mine) >= 0)
            continue;
        sibling *l = pa_reallocarray(*out, *n + 1, sizeof *l);
        if (!l || !(sb.name = pa_strdup(e->d_name))) {
            if (l)
                *out = l;
            st = pa_nomem(err);
            break;
        }
        *out = l;
        l[(*n)++] = sb;
    }
    closedir(dh);
    if (*n)
        qsort(*out, *n, sizeof **out, cmp_sibling);
    return st;
}

void
pa_paths_free(char **paths)
{
    for (size_t i = 0; paths && paths[i]; i++)
        pa_free(paths[i]);
    pa_free(paths);
}

pa_status
pa_data_siblings(const char *path, char ***out, pa_error *err)
{
    if (!path || !out)
        return pa_fail(err, PA_ERR_ARGUMENT, NULL, 0, 0, "NULL argument");
    *out = NULL;
    size_t stem, n = 0;
    const char *dot;
    const char *base = pa_file_stem(path, &stem, &dot);
    char mine[PA_PERIOD_TEXT];
    sibling *sib = NULL;
    pa_status st = PA_OK;
    char *dir = pa_strndup(path, (size_t)(base - path));
    if (!dir)
        return pa_nomem(err);
    if (pa_is_regular(path) && pa_period_parse(base, stem, mine))
        st = find_siblings(dir, base, stem, dot ? dot : "", mine, &sib, &n, err);
    char **paths = st == PA_OK ? pa_calloc(n + 2, sizeof *paths) : NULL;
    if (st == PA_OK && !paths)
        st = pa_nomem(err);
    for (size_t i = 0; i < n && st == PA_OK; i++) {
        size_t len = strlen(dir) + strlen(sib[i].name) + 1;
        if (!(paths[i] = pa_malloc(len)))
            st = pa_nomem(err);
        else
            snprintf(paths[i], len, "%s%s", dir, sib[i].name);
    }
    if (st == PA_OK && !(paths[n] = pa_strdup(path)))
        st = pa_nomem(err);
    for (size_t i = 0; i < n; i++)
        pa_free(sib[i].name);
    pa_free(sib);
    pa_free(dir);
    if (st != PA_OK) {
        pa_paths_free(paths);
        return st;
    }
    *out = paths;
    return PA_OK;
}
