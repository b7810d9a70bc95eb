/* SPDX-License-Identifier: MIT */
/* The table of [units] (units.c), as the roll-up (rollup.c) reads it; private to the two. */
#ifndef PA_UNITS_TABLE_H
#define PA_UNITS_TABLE_H

#include "data.h"

struct pa_units {
    long refs;                  /* a model and its copies share it */
    char *parents, *path;       /* the table as written, and resolved beside the model */
    pa_loc at, parents_at, levels_at;
    char **levels;              /* bottom-up, as written */
    size_t n_levels;
    double tolerance;           /* relative: a given row may differ from its roll-up by this */
    pa_strmap codes;            /* unit code → its row of the table */
    size_t *parent;             /* by unit, PA_NONE at the top */
    size_t *depth;              /* 0 at the top */
    long *line;                 /* of its row in the table */
};

#endif
