#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The rolled-up benchmark's output beside its tree: a row for every unit of the tree in every
# year, each with a score and a rank, ranks within each level 1..n.
# Usage: check_units.py PARENTS.csv OUT.csv
import csv
import sys

parents, out = sys.argv[1:3]
with open(parents, encoding="utf-8") as f:
    up = {r["unit"]: r["parent"] for r in csv.DictReader(f)}
level = {}
for u in up:
    d, a = 0, u
    while up[a]:
        a, d = up[a], d + 1
    level[u] = d
years = set()
ranks = {}
n = 0
with open(out, encoding="utf-8") as f:
    for r in csv.DictReader(f):
        n += 1
        years.add(r["period"])
        if r["unit_level"] == "":
            sys.exit(f"check_units: no unit_level in {r}")
        if r["score"] == "" or r["rank"] == "":
            sys.exit(f"check_units: no score or rank in {r}")
        if r["rank"]:
            ranks.setdefault((r["period"], level[r["unit"]]), []).append(int(r["rank"]))
for (p, l), rk in ranks.items():
    if min(rk) != 1 or max(rk) > len(rk):
        sys.exit(f"check_units: ranks of level {l} in {p} run {min(rk)}..{max(rk)} for {len(rk)}")
want = len(up) * len(years)
if n != want:
    sys.exit(f"check_units: {n} rows, expected {want} (every unit of the tree, every year)")
