/* SPDX-License-Identifier: MIT */
/* What a model sets: methods by step, and the settings nodes inherit. */
#ifndef PA_SETTINGS_H
#define PA_SETTINGS_H

#include "base.h"

/* ---- model ---- */
typedef enum pa_norm {
    PA_NORM_MINMAX, PA_NORM_ZSCORE, PA_NORM_RANK, PA_NORM_PRANK, PA_NORM_BORDA,
    PA_NORM_GOALPOSTS, PA_NORM_DIST2MAX, PA_NORM_DIST2TARG, PA_NORM_FRACMAX,
    PA_NORM_BASE, PA_NORM_NONE, PA_NORM_SCALED, PA_NORM_DIST2REF
} pa_norm;
typedef enum pa_agg {
    PA_AGG_ARITHMETIC, PA_AGG_GEOMETRIC, PA_AGG_HARMONIC, PA_AGG_MEDIAN, PA_AGG_GENMEAN,
    PA_AGG_COPELAND, PA_AGG_MPI
} pa_agg;
typedef enum pa_impute {
    PA_IMPUTE_NONE, PA_IMPUTE_MEAN, PA_IMPUTE_MEDIAN, PA_IMPUTE_GROUP_MEAN,
    PA_IMPUTE_GROUP_MEDIAN, PA_IMPUTE_LATEST, PA_IMPUTE_LINEAR
} pa_impute;
typedef enum pa_treat { PA_TREAT_NONE, PA_TREAT_WINSORISE } pa_treat;
typedef enum pa_fallback {
    PA_FALLBACK_LOG_CT, PA_FALLBACK_LOG_CT_PLUS, PA_FALLBACK_BOXCOX, PA_FALLBACK_NONE,
    PA_FALLBACK_LOG_CT_ORIG, PA_FALLBACK_LOG_GII
} pa_fallback;

/* Flags of a cell, see pa_result_flags(). */
#define PA_CELL_IMPUTED PA_FLAG_IMPUTED
#define PA_CELL_WINHI PA_FLAG_WINSORISED_HIGH
#define PA_CELL_WINLO PA_FLAG_WINSORISED_LOW
#define PA_CELL_LOG_CT PA_FLAG_LOG_CT
#define PA_CELL_BOXCOX PA_FLAG_BOXCOX
#define PA_CELL_SCREENED PA_FLAG_SCREENED
#define PA_CELL_LOW_COVERAGE PA_FLAG_LOW_COVERAGE
typedef enum pa_scope { PA_SCOPE_PANEL, PA_SCOPE_PERIOD } pa_scope;
typedef enum pa_transform { PA_TRANSFORM_NONE, PA_TRANSFORM_LOG } pa_transform;

/* Where a setting was written, for messages. */
typedef struct pa_loc { long line, col; } pa_loc;

/* Settings that a node may set and its descendants inherit. */
typedef struct pa_settings {
    pa_norm norm;        int norm_set;       pa_loc norm_at;
    double range[2];     int range_set;
    double mean_sd[2];   int mean_sd_set;
    pa_scope scope;      int scope_set;
    int denominate;      int denominate_set;
    pa_agg agg;          int agg_set;        pa_loc agg_at;
    pa_impute impute;    int impute_set;     pa_loc impute_at;
    pa_treat treat;      int treat_set;
    double winmax;       int winmax_set;
    double skew;         int skew_set;
    double kurt;         int kurt_set;
    pa_fallback fallback; int fallback_set;
    double lambda;       int lambda_set;
    double npar[2];      int npar_set;       /* n_scaled: (x − l)/(u − l)·scale_factor */
    double scale_factor; int scale_factor_set;
    char *ref_unit;      int ref_unit_set;   pa_loc ref_unit_at; /* n_dist2ref; owned by the
                                                                  * node that writes it */
    int trunc;           int trunc_set;      /* goalposts clamp to [0, 1] (COINr trunc2posts) */
    int force_win;       int force_win_set;  /* winsorise winmax points once treatment runs */
    int combine;         int combine_set;    /* the fallback takes the winsorised values */
} pa_settings;

#endif
