#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Deterministic grid-panel generator for the benchmark: CELLS grid cells x YEARS years,
# columns unit,year,population and eight integer indicators; about 1% of cells empty.
# Usage: gen.py CELLS [YEARS [full]] > panel.csv   (full: no empty cells)
#        gen.py --parents CELLS > parents.csv   the cells' tree for [units]: 100 cells a
#        community (社区), 20 communities a street (镇街), 10 streets a district (区), one city
import random
import sys

if sys.argv[1:2] == ["--parents"]:
    cells = int(sys.argv[2])
    w = sys.stdout.write
    w("unit,parent\ncity,\n")
    nc = (cells + 99) // 100
    ns = (nc + 19) // 20
    nd = (ns + 9) // 10
    w("".join(f"d{d:02d},city\n" for d in range(nd)))
    w("".join(f"s{s:03d},d{s // 10:02d}\n" for s in range(ns)))
    w("".join(f"c{c:05d},s{c // 20:03d}\n" for c in range(nc)))
    w("".join(f"g{g:07d},c{g // 100:05d}\n" for g in range(cells)))
    sys.exit(0)
cells = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
years = int(sys.argv[2]) if len(sys.argv) > 2 else 10
gaps = 0.0 if sys.argv[3:4] == ["full"] else 0.01
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
            if rng.random() < gaps / len(rates):
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
