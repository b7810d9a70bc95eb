#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pingan-index --stats on the shipped data (scope = panel, one reference unit).

    python3 test_stats.py PINGAN_INDEX SOURCE_ROOT

- JSON: every indicator's min, max, mean, median, sd, skewness, kurtosis and
  counts equal a recomputation here from the CSV files (rates per `per`
  residents, every year 2014-2019, the city total left out), to 1e-9; so do
  the Pearson and Spearman correlations of each pair;
- CSV: one table `table,period,node,with,key,value` holding the same numbers
  as the JSON;
- text: the flags come first (fire_deaths: skewed, mostly zeros), then the
  tables; the redundant pair police_incidents - criminal_cases is named;
- --period of a year not in the data is a usage error (exit 2), and so is
  --stats with --top, --node, --base or --compare; -o writes the file.
"""

import csv
import io
import json
import math
import os
import statistics
import sys

sys.dont_write_bytecode = True
from clitest import Model, check, main, ok, read_years, run, setup, tempdir

REL = 1e-9


def close(a, b, what):
    check(a is not None and abs(a - b) <= REL * max(abs(a), abs(b), 1e-300) + 1e-15,
          f"{what}: {a!r}, expected {b!r}")


def rates(root, model):
    """{indicator: [rate of every district and year]} as the model scores them."""
    out = {}
    years = read_years(os.path.join(root, "data"))
    for code, n in model.nodes.items():
        if n["kind"] != "indicator":
            continue
        out[code] = [float(r[n["column"]]) / (float(r[n["denominator"]]) / n["per"])
                     for y in sorted(years) for r in years[y]
                     if r["unit"] not in model.reference_units]
    return out


def moments(x):
    """COINr's skew and kurt (e1071 type 2)."""
    n, m = len(x), statistics.fmean(x)
    s2 = sum((v - m) ** 2 for v in x)
    s3 = sum((v - m) ** 3 for v in x)
    s4 = sum((v - m) ** 4 for v in x)
    skew = math.sqrt(n) * s3 / s2 ** 1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    kurt = ((n + 1) * (n * s4 / s2 ** 2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


def ranks(x):
    """Ranks 1..n, ties at their mean."""
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def body():
    tool, root = setup()
    data = os.path.join(root, "data", "2019.csv")
    model = Model(os.path.join(root, "data", "pingan.ini"))
    want = rates(root, model)

    got = json.loads(run(tool, ["--stats", "-f", "json", data]).expect_ok().stdout)
    check(got["period"] == "2019" and got["scope"] == "panel", f"period/scope: {got['period']}")
    check(got["units"] == 42, f"{got['units']} rows counted, expected 7 districts x 6 years")
    ind = {i["node"]: i for i in got["indicators"]}
    check(sorted(ind) == sorted(want), f"indicators {sorted(ind)}")
    for code, x in want.items():
        g = ind[code]
        skew, kurt = moments(x)
        for key, v in (("min", min(x)), ("max", max(x)), ("mean", statistics.fmean(x)),
                       ("median", statistics.median(x)), ("sd", statistics.stdev(x)),
                       ("skew", skew), ("kurt", kurt), ("n_avail", len(x)),
                       ("n_nonzero", sum(v != 0 for v in x)), ("n_unique", len(set(x)))):
            close(g[key], v, f"{code} {key}")
    check(ind["fire_deaths"]["flags"] == ["low_nonzero", "low_unique", "skew_kurt"],
          f"fire_deaths flags {ind['fire_deaths']['flags']}")
    check(ind["fires"]["flags"] == [], f"fires flags {ind['fires']['flags']}")
    ok("--stats -f json: per-indicator statistics equal a recomputation from the CSV files")

    for method in ("pearson", "spearman"):
        m = got["correlations"][method]
        for i, a in enumerate(m["nodes"]):
            for j, b in enumerate(m["nodes"]):
                x, y = want[a], want[b]
                if method == "spearman":
                    x, y = ranks(x), ranks(y)
                close(m["matrix"][i][j], statistics.correlation(x, y), f"{method} {a} {b}")
    ok("--stats -f json: Pearson and Spearman matrices equal a recomputation")

    text = run(tool, ["--stats", "-f", "csv", data]).expect_ok().stdout
    check(text.startswith("table,period,node,with,key,value\n"), f"CSV header: {text[:60]!r}")
    rows = list(csv.DictReader(io.StringIO(text)))
    seen = 0
    for r in rows:
        if r["table"] == "indicator" and r["key"] in ("mean", "sd", "kurt"):
            close(float(r["value"]), ind[r["node"]][r["key"]], f"CSV {r['node']} {r['key']}")
            seen += 1
        elif r["table"] == "pearson" and r["key"] == "r":
            m = got["correlations"]["pearson"]
            close(float(r["value"]),
                  m["matrix"][m["nodes"].index(r["node"])][m["nodes"].index(r["with"])], "CSV r")
            seen += 1
        elif r["table"] == "cronbach":
            a = {c["group"]: c["alpha"] for c in got["cronbach"]}[r["node"]]
            close(float(r["value"]), a, f"CSV alpha {r['node']}")
            seen += 1
    check(seen == 7 * 3 + 49 + 3, f"{seen} CSV rows compared")
    flagged = [(r["node"], r["with"], r["value"]) for r in rows
               if r["table"] == "pearson" and r["key"] == "flag"]
    check(("police_incidents", "criminal_cases", "1") in flagged, f"flagged pairs {flagged}")
    ok("--stats -f csv: one long table with the JSON's numbers and the redundant pair flagged")

    report = run(tool, ["--stats", data]).expect_ok().stdout
    first = report.index("提示")
    table = report.index("各指标")
    skewed = report.index("偏态, 可能有离群值")
    check(first < skewed < table, "the flags do not come before the tables")
    check("fire_deaths" in report[skewed:table].split("\n")[0], "fire_deaths not flagged as skewed")
    check("order (police_incidents) – criminal_cases" in report[first:table],
          "the redundant pair is not among the flags")
    for word in ("组内相关", "与上级的相关", "Cronbach α", "PC1 载荷"):
        check(word in report[table:], f"no table {word}")
    ok("--stats: flags first, then the tables")

    r = run(tool, ["--stats", "--period", "2031", data])
    check(r.rc == 2 and r.out == b"" and "2031" in r.stderr, f"--period 2031: {r.rc} {r.stderr!r}")
    for extra in (["--top", "2"], ["--node", "order"], ["--base", "2015"],
                  ["--compare", "year"]):
        r = run(tool, ["--stats"] + extra + [data])
        check(r.rc == 2 and r.out == b"" and "--stats" in r.stderr, f"--stats {extra}: {r.rc}")
    with tempdir() as d:
        out = os.path.join(d, "stats.json")
        run(tool, ["--stats", "-f", "json", "-o", out, data]).expect_ok()
        with open(out, encoding="utf-8") as f:
            check(json.load(f) == got, "-o wrote something else")
    ok("--stats: usage errors exit 2 with nothing written; -o writes the output")

    # pairs pulling apart are shown with both directions applied, as they were judged: on the
    # monthly template (counts lower-is-better beside shares higher-is-better) at least one
    # coefficient of each such pair is below 0, and env_complaints (-1) beside air_good_days
    # (+1) shows minus its JSON (raw) correlation
    monthly = os.path.join(root, "data", "monthly", "2020-02.csv")
    report = run(tool, ["--stats", monthly]).expect_ok().stdout
    pairs = [l for l in report.splitlines() if "组内负相关" in l]
    check(pairs, "the monthly template has no pair pulling apart")
    for line in pairs:
        p, sp = (float(line.split(name)[1].split(",")[0]) for name in ("Pearson ", "Spearman "))
        check(p < 0 or sp < 0, f"a pair said to pull apart shows {p}, {sp}: {line}")
    raw = json.loads(run(tool, ["--stats", "-f", "json", monthly]).expect_ok().stdout)
    line = next(l for l in pairs if "env_complaints) – air_good_days" in l)
    pe = raw["correlations"]["pearson"]
    r = pe["matrix"][pe["nodes"].index("env_complaints")][pe["nodes"].index("air_good_days")]
    close(float(line.split("Pearson ")[1].split(",")[0]), round(-r, 3), "env_complaints pair")
    ok("--stats: a pair pulling apart is shown as judged, with the directions applied")


main(body)
