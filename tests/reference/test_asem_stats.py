# SPDX-License-Identifier: MIT
"""Statistics parity with COINr 1.1.14 on its ASEM example (raw data).

Every figure of data/asem/stats/ (get_stats with nsignif = 15, cor(use =
"pairwise.complete.obs") Pearson and Spearman, get_cronbach per pillar, and
prcomp(center, scale.) per pillar on the complete units) must equal what
pingan-index --stats -f json reports, to 1e-9 relative (1e-12 absolute where
COINr has 0); flags must be COINr's.

Usage: python3 test_asem_stats.py PINGAN_INDEX MODEL ASEM_DATA_DIR
"""
import csv
import json
import math
import os
import subprocess
import sys

REL, ZERO = 1e-9, 1e-12
tool, model, data = sys.argv[1:4]
failures = []


def close(a, b, what):
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        if not (a is None and (b is None or math.isnan(b))):
            failures.append(f"{what}: {a} != {b}")
        return
    if abs(a - b) > max(REL * max(abs(a), abs(b)), ZERO):
        failures.append(f"{what}: {a!r} != {b!r}")


def table(name):
    with open(os.path.join(data, "stats", name), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def number(s):
    return float("nan") if s in ("", "NA") else float(s)


out = subprocess.run([tool, "--stats", "-f", "json", "-c", model, os.path.join(data, "iData.csv")],
                     capture_output=True, text=True, encoding="utf-8")
if out.returncode != 0:
    sys.exit(f"pingan-index failed ({out.returncode}): {out.stderr}")
got = json.loads(out.stdout)
ind = {i["node"]: i for i in got["indicators"]}

# per indicator: COINr's column → the JSON field
cols = {"Min": "min", "Max": "max", "Mean": "mean", "Median": "median", "Std": "sd",
        "Skew": "skew", "Kurt": "kurt", "N.Avail": "n_avail", "N.NonZero": "n_nonzero",
        "N.Unique": "n_unique", "N.Same": "n_same", "Frc.Avail": "frac_avail",
        "Frc.NonZero": "frac_nonzero", "Frc.Unique": "frac_unique", "Frc.Same": "frac_same"}
flags = {"Flag.Avail": "low_avail", "Flag.NonZero": "low_nonzero", "Flag.Unique": "low_unique",
         "Flag.SkewKurt": "skew_kurt"}
rows = table("stats.csv")
head = rows[0]
checked = 0
for r in rows[1:]:
    rec = dict(zip(head, r))
    g = ind.get(rec["iCode"])
    if g is None:
        failures.append(f"indicator {rec['iCode']} missing")
        continue
    for c, k in cols.items():
        close(g[k], number(rec[c]), f"{rec['iCode']} {k}")
        checked += 1
    for c, k in flags.items():
        if (rec[c] != "ok") != (k in g["flags"]):
            failures.append(f"{rec['iCode']} flag {k}: COINr {rec[c]}, got {g['flags']}")
        checked += 1
if len(rows) - 1 != len(ind):
    failures.append(f"{len(ind)} indicators, COINr has {len(rows) - 1}")

for method in ("pearson", "spearman"):
    m = got["correlations"][method]
    where = {c: i for i, c in enumerate(m["nodes"])}
    rows = table(f"corr_{method}.csv")
    codes = rows[0][1:]
    for r in rows[1:]:
        for c, v in zip(codes, r[1:]):
            close(m["matrix"][where[r[0]]][where[c]], number(v), f"{method} {r[0]} {c}")
            checked += 1

alpha = {c["group"]: c["alpha"] for c in got["cronbach"]}
for grp, a in table("cronbach.csv")[1:]:
    close(alpha.get(grp), number(a), f"cronbach {grp}")
    checked += 1

pca = {p["group"]: p for p in got["pca"]}
for grp, code, loading, share, units in table("pca.csv")[1:]:
    p = pca[grp]
    close(p["loadings"][code], number(loading), f"pca {grp} {code} loading")
    close(p["shares"][0], number(share), f"pca {grp} share")
    if p["complete_units"] != int(units):
        failures.append(f"pca {grp}: {p['complete_units']} complete units, COINr {units}")
    checked += 3
    # the shares of all components add up to 1, largest first
    close(sum(p["shares"]), 1.0, f"pca {grp} shares sum")
    if p["shares"] != sorted(p["shares"], reverse=True):
        failures.append(f"pca {grp}: shares not in decreasing order")

for f in failures[:40]:
    print("FAIL", f)
print(f"{checked} figures checked, {len(failures)} differ")
sys.exit(1 if failures else 0)
