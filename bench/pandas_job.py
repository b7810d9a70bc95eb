#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The benchmark job in pandas, vectorised: the same model as grid.ini.
# Usage: pandas_job.py panel.csv out.csv
import sys

import pandas as pd

src, dst = sys.argv[1], sys.argv[2]
df = pd.read_csv(src)
rates = ["police_incidents", "criminal_cases", "gun_cases", "fires", "fire_deaths",
         "traffic_accidents", "traffic_deaths"]
groups = {"order": (4, ["police_incidents", "criminal_cases", "gun_cases"]),
          "fire": (2, ["fires", "fire_deaths"]),
          "traffic": (2, ["traffic_accidents", "traffic_deaths"]),
          "service": (1, ["complaints"])}
x = pd.DataFrame(index=df.index)
for c in rates:
    x[c] = -(df[c] / (df["population"] / 10000.0))
x["complaints"] = -df["complaints"].astype(float)
# min-max 0-100 over the whole panel (direction -1 applied above)
x = (x - x.min()) / (x.max() - x.min()) * 100
num = pd.Series(0.0, index=df.index)
den = pd.Series(0.0, index=df.index)
for name, (w, cols) in groups.items():
    g = x[cols].mean(axis=1, skipna=True)          # equal weights inside a group
    num += (w * g).fillna(0)
    den += g.notna() * w
out = pd.DataFrame({"unit": df["unit"], "year": df["year"], "score": num / den})
out["rank"] = out.groupby("year")["score"].rank(method="min", ascending=False).astype("Int64")
out = out.sort_values(["unit", "year"])
out["score_change_pct"] = out.groupby("unit")["score"].pct_change() * 100
out.to_csv(dst, index=False, float_format="%.17g")
