#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A grid panel large enough for the parallel paths, checked against a recomputation.

    python3 test_large.py PINGAN_INDEX SOURCE_ROOT

12,000 units x 3 years (36,000 rows, about 9 MB with a filler column): the file is read in
two halves at once (8 MiB or more), and the output of 108,000 rows is formatted by two
threads in blocks. Checks:
- every index score, rank and change against a recomputation in Python (min-max 0-100 over
  the panel, per-1,000 rates, weights 2 : 1, ranks within a year, ties share the minimum);
- the JSON output is valid JSON (commas between the threads' blocks) and holds the very
  numbers of the CSV output, row for row;
- both outputs are written atomically with -o.
"""

import csv
import io
import json
import os
import sys

sys.dont_write_bytecode = True
from clitest import check, main, num, ok, run, setup, tempdir

UNITS, YEARS = 12000, (2017, 2018, 2019)
MODEL = """[index]
code = grid
normalise = minmax
range = 0, 100
scope = panel
[indicator fires]
direction = -1
denominator = population
per = 1000
weight = 2
[indicator calls]
direction = 1
denominate = no
weight = 1
"""


def panel():
    """Rows in the order written (unit by unit); a few values are missing."""
    rows = []
    for u in range(UNITS):
        for y in YEARS:
            pop = 1000 + (u * 7919 + y) % 9000
            fires = "" if (u + y) % 97 == 0 else str((u * 31 + y * 17) % 50)
            calls = str((u * 13 + y * 5) % 200)
            rows.append((f"c{u:05d}", y, pop, fires, calls))
    return rows


def expected(rows):
    """{(unit, year): index score} recomputed: rates, panel min-max, weighted mean."""
    rate = {(u, y): (None if f == "" else float(f) / (p / 1000.0), float(c))
            for u, y, p, f, c in rows}
    cols = list(zip(*rate.values()))
    span = []
    for k, d in ((0, -1), (1, 1)):
        xs = [d * x for x in cols[k] if x is not None]
        span.append((min(xs), max(xs)))
    out = {}
    for key, vals in rate.items():
        num_, den = 0.0, 0.0
        for k, (d, w) in enumerate(((-1, 2.0), (1, 1.0))):
            if vals[k] is None:
                continue
            lo, hi = span[k]
            num_ += w * ((d * vals[k] - lo) / (hi - lo) * 100.0)
            den += w
        out[key] = num_ / den
    return out


def ranks(scores):
    """{(unit, year): rank}: 1 = best within the year, ties share the minimum."""
    out = {}
    for y in YEARS:
        ys = sorted(((s, u) for (u, yy), s in scores.items() if yy == y), reverse=True)
        for i, (s, u) in enumerate(ys):
            out[(u, y)] = i + 1 if i == 0 or ys[i - 1][0] != s else out[(ys[i - 1][1], y)]
    return out


def body():
    tool, _root = setup()
    rows = panel()
    with tempdir() as tmp:
        data = os.path.join(tmp, "grid.csv")
        with open(data, "w", encoding="utf-8", newline="") as f:
            f.write("unit,year,population,fires,calls,notes\n")
            for u, y, p, fi, c in rows:
                f.write(f"{u},{y},{p},{fi},{c},{'x' * 240}\n")
        check(os.path.getsize(data) >= 8 << 20, "the panel is smaller than 8 MiB")
        model = os.path.join(tmp, "grid.ini")
        with open(model, "w", encoding="utf-8") as f:
            f.write(MODEL)
        out_csv, out_json = os.path.join(tmp, "out.csv"), os.path.join(tmp, "out.json")
        run(tool, ["-c", model, "-f", "csv", "-o", out_csv, data]).expect_ok()
        run(tool, ["-c", model, "-f", "json", "-o", out_json, data]).expect_ok()
        check(sorted(os.listdir(tmp)) == ["grid.csv", "grid.ini", "out.csv", "out.json"],
              f"temporary files left behind: {sorted(os.listdir(tmp))}")
        with open(out_csv, encoding="utf-8", newline="") as f:
            crows = list(csv.DictReader(f))
        with open(out_json, encoding="utf-8") as f:
            text = f.read()
    check(len(crows) == UNITS * len(YEARS) * 3, f"{len(crows)} CSV rows")
    # rows by unit, period and node, in that order, whichever thread formatted their block
    order = [(f"c{u:05d}", str(y), n) for u in range(UNITS) for y in YEARS
             for n in ("fires", "calls", "grid")]
    check([(r["unit"], r["period"], r["node"]) for r in crows] == order,
          "CSV rows are not in unit, period, node order")
    want = expected(rows)
    want_rank = ranks(want)
    got = {(r["unit"], int(r["period"])): r for r in crows if r["node"] == "grid"}
    check(len(got) == UNITS * len(YEARS), f"{len(got)} index rows")
    for key, s in want.items():
        r = got[key]
        check(abs(float(r["score"]) - s) <= 1e-9, f"{key}: score {r['score']}, expected {s}")
        check(int(r["rank"]) == want_rank[key], f"{key}: rank {r['rank']}, expected {want_rank[key]}")
        u, y = key
        if y > YEARS[0]:
            prev = want[(u, y - 1)]
            check(abs(float(r["score_change"]) - (s - prev)) <= 1e-9,
                  f"{key}: score_change {r['score_change']}")
    ok(f"{len(want)} index scores, ranks and changes equal the recomputation")
    try:
        doc = json.loads(text)
    except ValueError as e:
        check(False, f"the JSON output is not valid JSON: {e}")
    jrows = doc["rows"]
    check(len(jrows) == len(crows), f"{len(jrows)} JSON rows for {len(crows)} CSV rows")
    for j, c in zip(jrows, crows):
        check((j["unit"], j["period"], j["node"]) == (c["unit"], c["period"], c["node"]),
              f"JSON row {j} out of step with CSV row {c}")
        for col in ("value", "score", "value_change_pct", "score_change", "score_change_pct"):
            check(j[col] == num(c[col]), f"{c['unit']} {c['period']} {c['node']}: {col} "
                                         f"{j[col]!r} in JSON, {c[col]!r} in CSV")
        check(j["rank"] == (int(c["rank"]) if c["rank"] else None), f"{c}: rank")
    ok(f"the JSON output is valid and its {len(jrows)} rows are the CSV output's")


main(body)
