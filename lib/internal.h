/* SPDX-License-Identifier: MIT */
/* Every internal header, for modules that use most of the library; each lib/NAME.h holds one
 * concern and includes what it stands on. */
#ifndef PA_INTERNAL_H
#define PA_INTERNAL_H

#include "base.h"
#include "pool.h"
#include "number.h"
#include "period.h"
#include "strmap.h"
#include "csvread.h"
#include "settings.h"
#include "methods.h"
#include "model.h"
#include "column.h"
#include "dataset.h"
#include "result.h"
#include "steps.h"
#include "engine.h"
#include "units.h"

#endif
