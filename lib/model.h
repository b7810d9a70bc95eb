/* SPDX-License-Identifier: MIT */
/* The model: nodes, penalties, and what reads, finishes and edits it (model.c, nodes.c, hierarchy.c, meta.c). */
#ifndef PA_MODEL_H
#define PA_MODEL_H

#include "methods.h"
#include "strmap.h"

typedef struct pa_node {
    char *code, *label, *measure, *parent_code, *column, *denominator;
    int is_indicator;
    int level;
    size_t parent;              /* PA_NONE for the top */
    size_t *children;
    size_t n_children;
    double weight;              /* relative, > 0 */
    int direction;              /* +1 or -1 */
    double per;                 /* denominator scale */
    double goalposts[2];        int goalposts_set;
    double target;              int target_set;
    int cap_max;
    pa_transform transform;
    pa_settings set;            /* as written */
    pa_settings eff;            /* resolved through ancestors */
    pa_loc at, parent_at, weight_at, goalposts_at;
    int weight_pca;             /* weight = pca: the children's weights come from PC1 */
    pa_loc weight_pca_at;
    int fields_set;             /* bit set of PA_F_* written in the INI */
    int from_meta;              /* defined by the COINr iMeta table */
    double p;                   int p_set;      /* genmean exponent */
    int p_inherited;            /* p came from the top when finishing */
    int mpi_sign;               /* -1: penalise unbalanced children (default), +1 */
    int mpi_set;
    double min_coverage;        /* share of children below which the score is missing */
    unsigned params, params_used; /* bit k: param_uses[k] written here / used by a node */
    pa_loc param_at[PA_N_PARAMS];
    int min_coverage_set;       /* written for this node (else dat_thresh may give it one) */
    int rollup;                 /* pa_rollup: how the unit tree adds it up ([units]) */
    char *rollup_col;           /* weighted:COLUMN */
    pa_loc rollup_at;
} pa_node;

enum { PA_F_LABEL = 1, PA_F_PARENT = 2, PA_F_WEIGHT = 4, PA_F_DIRECTION = 8,
       PA_F_DENOMINATOR = 16, PA_F_TARGET = 32, PA_F_MEASURE = 64 };

typedef struct pa_band { double threshold; char *label; char *colour; } pa_band;

/* Points taken off a node's score per unit of a data column (e.g. per death). */
typedef struct pa_penalty {
    char *code, *label, *column, *target;
    double points, cap;         /* cap < 0: none */
    size_t target_node;
    pa_loc at, target_at;
} pa_penalty;

/* The data column of an indicator or a penalty: `column =`, else its code. */
static inline const char *
pa_node_column(const pa_node *nd)
{
    return nd->column ? nd->column : nd->code;
}

static inline const char *
pa_penalty_column(const pa_penalty *pe)
{
    return pe->column ? pe->column : pe->code;
}

struct pa_model {
    char *file;                 /* for messages */
    char *dir;                  /* folder of the model, for meta = */
    size_t n_nodes, cap_nodes;
    pa_node *nodes;             /* index 0 is the top; after finish: any order */
    size_t top;
    size_t *order;              /* bottom-up: indicators first, then by level */
    size_t *pos;                /* inverse of order: node index → its place (result node) */
    size_t n_indicators;
    pa_band *bands; size_t n_bands;
    char *unit_column, *name_column, *period_column, *meta;
    char *base_period;
    pa_loc base_period_at, meta_at;
    char *meta_path;            /* resolved path of the iMeta table */
    char *impute_group;         /* grouping column of group_mean / group_median */
    pa_loc impute_group_at;
    double min_coverage;        /* screening: least share of indicators present */
    pa_penalty *penalties; size_t n_penalties;
    char **reference_units; size_t n_reference_units;
    pa_loc *reference_at;       /* where each reference unit is written */
    int separator;              /* of data files: ',', ';' or '\t'; 0: detected per file */
    pa_strmap codes;            /* node code → index (rebuilt when the top is renamed) */
    /* screening beside min_coverage (COINr Screen): by zeros, and units forced in or out */
    pa_screen screen;
    pa_loc screen_at, min_coverage_at, min_nonzero_at;
    double min_nonzero;         /* least share of the indicators present that are not 0 */
    int min_coverage_set, min_nonzero_set;
    char **force_in, **force_out; size_t n_force_in, n_force_out;
    pa_loc *force_in_at, *force_out_at;
    /* COINr dat_thresh: min_coverage of the aggregates of each level (one value: every level) */
    double *dat_thresh; size_t n_dat_thresh;
    pa_loc dat_thresh_at;
    struct pa_units *units;     /* [units]: the unit tree (units.c), shared by copies */
    /* [uncertainty]: its keys as written, read by uncertainty.c (unc_line 0: no section) */
    struct pa_unc_key { char *key, *value; pa_loc at; } *unc; size_t n_unc;
    long unc_line;
};
/* [uncertainty] (uncertainty.c): one key checked as the model file is read (0: refused, the
 * error set; -1: out of memory), and the section's keys copied with a model. */
int pa_unc_key_check(pa_model *m, const char *key, const char *value, pa_loc at,
                     pa_error *err);
int pa_unc_keys_copy(pa_model *dst, const pa_model *src);
void pa_unc_keys_free(pa_model *m);
/* dat_thresh gives each aggregate that sets no min_coverage of its own its level's share;
 * after the levels are known. */
pa_status pa_model_level_defaults(pa_model *m, pa_error *err);

/* A model read (sections, iMeta rows) is finished: linked into a tree (levels, order), its
 * settings resolved through ancestors, and checked as a whole (hierarchy.c). Unfinish
 * forgets what finishing derived, so that a model changed in memory is finished again. */
pa_status pa_model_finish(pa_model *m, pa_error *err);
void pa_model_unfinish(pa_model *m);
/* A new model with the defaults of [index] (nodes.c); NULL when out of memory. */
pa_model *pa_model_new(const char *name);
/* One key of a section, as the model file sets it, applied to a finished model in memory:
 * code names a node or penalty (NULL: [index]); a value refused is PA_ERR_ARGUMENT with no
 * file or line. The caller finishes the model again (model.c, for edit.c). */
pa_status pa_model_apply_key(pa_model *m, const char *code, const char *key, const char *value,
                             pa_error *err);
/* Take node i out of an unfinished model (its code map kept right). */
pa_status pa_model_remove_node(pa_model *m, size_t i, pa_error *err);
/* Empty a list that a key adds to ("bands", "reference_units"), before it is set anew. */
void pa_model_clear_list(pa_model *m, const char *key);
/* Every method parameter written in the model is used by a method that takes it; after the
 * effective settings are resolved. */
pa_status pa_model_check_params(pa_model *m, pa_error *err);
pa_status pa_meta_read(pa_model *m, const char *path, pa_error *err);
size_t pa_model_find(const pa_model *m, const char *code);
/* Rename the top node (keeps the code map right); 0 when out of memory. */
int pa_model_rename_top(pa_model *m, const char *code);
pa_node *pa_model_add_node(pa_model *m, const char *code, int is_indicator);

#endif
