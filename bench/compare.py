#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The three outputs must agree before any time is reported: scores to 1e-9 (relative), ranks
# identical, the same (unit, year) rows, and year-over-year changes to 1e-9 relative or 1e-9
# percentage points (pandas' pct_change computes s/s_prev - 1, which loses digits on changes
# of a millionth of a percent; libpingan and DuckDB compute (s - s_prev)/|s_prev|).
import csv
import math
import sys


def load(path, pingan):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            key = (r["unit"], r["period"] if pingan else r["year"])
            rows[key] = (float(r["score"]) if r["score"] else math.nan,
                         int(float(r["rank"])) if r["rank"] else None,
                         float(r["score_change_pct"]) if r["score_change_pct"] else math.nan)
    return rows


def close(a, b, absolute=0.0):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(1e-9 * max(abs(a), abs(b)), absolute)


ours = load(sys.argv[1], True)
bad = 0
for path in sys.argv[2:]:
    other = load(path, False)
    if set(other) != set(ours):
        sys.exit(f"{path}: rows differ from libpingan's ({len(other)} vs {len(ours)})")
    for k, (s, rk, ch) in ours.items():
        o = other[k]
        if not close(s, o[0]) or rk != o[1] or not close(ch, o[2], 1e-9):
            bad += 1
            if bad <= 5:
                print(f"{path}: {k}: libpingan {s, rk, ch} vs {o}", file=sys.stderr)
if bad:
    sys.exit(f"{bad} rows disagree")
print(f"agree: {len(ours)} rows, scores to 1e-9, identical ranks, changes to 1e-9")
