#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Deterministic grid-panel generator for the benchmark: CELLS grid cells x YEARS years,
# columns unit,year,population and eight integer indicators; about 1% of cells empty.
# Usage: gen.py CELLS [YEARS] > panel.csv
import random
import sys

cells = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
years = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rng = random.Random(20191231)
cols = ["police_incidents", "criminal_cases", "gun_cases", "fires", "fire_deaths",
        "traffic_accidents", "traffic_deaths", "complaints"]
# expected events per resident and year, roughly Zhuhai's
rates = [0.015, 0.006, 0.00001, 0.0004, 0.000003, 0.0014, 0.00008, 0.02]
out = sys.stdout
out.write("unit,year,population," + ",".join(cols) + "\n")
base = [(rng.randint(300, 30000), rng.uniform(0.4, 2.5)) for _ in range(cells)]
lines = []
for y in range(years):
    trend = 1.0 - 0.04 * y
    for c in range(cells):
        pop, risk = base[c]
        pop = pop + y * (pop // 50)
        row = [f"g{c:07d}", str(2010 + y), str(pop)]
        for k, r in enumerate(rates):
            if rng.random() < 0.01 / len(rates):
                row.append("")          # about 1% of cells empty
            else:
                lam = pop * r * risk * trend
                # a cheap integer draw around the expected count
                row.append(str(int(lam + rng.random() * (1 + lam ** 0.5))))
        lines.append(",".join(row))
        if len(lines) >= 100000:
            out.write("\n".join(lines) + "\n")
            lines = []
out.write("\n".join(lines) + ("\n" if lines else ""))
