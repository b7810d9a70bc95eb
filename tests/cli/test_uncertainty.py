#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pingan-index --uncertainty N / --sensitivity N / --chart uncertainty on the shipped data.

    python3 test_uncertainty.py PINGAN_INDEX SOURCE_ROOT

- drop_one alone, 16 runs: GSL's first 16 Sobol points in one dimension fall
  twice in each eighth, so each of the 8 alternatives (no indicator left out,
  or one of the 7) is drawn twice. Each alternative is recomputed here as the
  plain index of a model file with that indicator's section deleted, and the
  tool's mean and median rank, 5 and 95 % rank and score (R's quantile type 7)
  must equal the statistics of those ranks and scores;
- no uncertainty (no noise, one method twice): every interval is the nominal
  rank of the plain index, the city total is not ranked;
- CSV and JSON hold the same numbers; PINGAN_THREADS=1 and 2 write the same
  bytes (uncertainty and sensitivity, csv, json and text);
- --sensitivity: CSV `input,first_order,total,first_lo,first_hi,total_lo,total_hi`,
  one row per input, intervals around their estimates' side;
- bad input: the section without --uncertainty, negative noise, an unknown
  alternative, N = 0, Sobol points beyond 40 dimensions: exit 1 and FILE:LINE:;
  usage errors exit 2; --chart uncertainty writes an SVG.
"""

import csv
import io
import json
import math
import os
import re
import sys

sys.dont_write_bytecode = True
from clitest import check, copy_data, main, ok, run, setup, tempdir

UNC_COLS = ["unit", "name", "period", "node", "nominal_score", "nominal_rank", "mean_rank",
            "median_rank", "rank_p05", "rank_p95", "score_p05", "score_p95", "runs", "failed",
            "percentiles"]
INDICATORS = ["police_incidents", "criminal_cases", "gun_cases", "fires", "fire_deaths",
              "traffic_accidents", "traffic_deaths"]


def quantile(xs, p):
    """R's quantile type 7."""
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    return xs[-1] if lo + 1 >= len(xs) else xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def write_model(folder, section, drop=None):
    """The shipped model with an [uncertainty] section appended (or none), and without the
    section of indicator `drop`."""
    text = open(os.path.join(folder, "pingan.ini.orig"), encoding="utf-8").read()
    if drop:
        text = re.sub(r"\n\[indicator %s\]\n.*?(?=\n\[)" % drop, "\n", text, flags=re.S)
    path = os.path.join(folder, "pingan.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + ("\n[uncertainty]\n" + section if section is not None else ""))
    return path


def index_2019(tool, folder):
    """{unit: (score, rank or None)} of the plain index in 2019."""
    r = run(tool, ["-f", "csv", "--node", "pingan", "--period", "2019",
                   os.path.join(folder, "2019.csv")])
    r.expect_ok()
    out = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        out[row["unit"]] = (float(row["score"]), int(row["rank"]) if row["rank"] else None)
    return out


def unc_csv(tool, folder, args, env=None):
    r = run(tool, ["-f", "csv"] + args + [os.path.join(folder, "2019.csv")])
    r.expect_ok()
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    check(rows and list(rows[0].keys()) == UNC_COLS, f"columns: {rows and list(rows[0])}")
    return {row["unit"]: row for row in rows}


def close(a, b, what):
    check(abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1), f"{what}: {a!r}, expected {b!r}")


def check_drop_one(tool, folder):
    write_model(folder, None)
    nominal = index_2019(tool, folder)
    variants = [nominal]
    for ind in INDICATORS:
        write_model(folder, None, drop=ind)
        variants.append(index_2019(tool, folder))
    write_model(folder, "drop_one = yes\n")
    got = unc_csv(tool, folder, ["--uncertainty", "16"])
    for unit, (score, rank) in nominal.items():
        row = got[unit]
        check(row["runs"] == "16" and row["failed"] == "0", f"{unit}: runs {row['runs']}")
        close(float(row["nominal_score"]), score, f"{unit} nominal score")
        if rank is None:
            check(row["nominal_rank"] == "" and row["rank_p05"] == "", f"{unit} is ranked")
            continue
        ranks = [v[unit][1] for v in variants] * 2
        scores = [v[unit][0] for v in variants] * 2
        check(int(row["nominal_rank"]) == rank, f"{unit} nominal rank {row['nominal_rank']}")
        close(float(row["mean_rank"]), sum(ranks) / 16, f"{unit} mean rank")
        close(float(row["median_rank"]), quantile(ranks, 0.5), f"{unit} median rank")
        close(float(row["rank_p05"]), quantile(ranks, 0.05), f"{unit} rank p05")
        close(float(row["rank_p95"]), quantile(ranks, 0.95), f"{unit} rank p95")
        close(float(row["score_p05"]), quantile(scores, 0.05), f"{unit} score p05")
        close(float(row["score_p95"]), quantile(scores, 0.95), f"{unit} score p95")
    ok("drop_one: 16 runs are the 8 models without one indicator (or none), twice each")


def check_degenerate(tool, folder):
    write_model(folder, None)
    nominal = index_2019(tool, folder)
    write_model(folder, "weights = 1: 0; 2: 0\naggregate = arithmetic; arithmetic\n")
    got = unc_csv(tool, folder, ["--uncertainty", "50"])
    for unit, (score, rank) in nominal.items():
        row = got[unit]
        close(float(row["score_p05"]), score, f"{unit} score p05")
        close(float(row["score_p95"]), score, f"{unit} score p95")
        for k in ("nominal_rank", "mean_rank", "median_rank", "rank_p05", "rank_p95"):
            want = "" if rank is None else rank
            check((row[k] == "" if rank is None else float(row[k]) == want),
                  f"{unit} {k}: {row[k]}, expected {want}")
    ok("no uncertainty: every interval is the plain index's rank")


def check_formats_threads(tool, folder):
    write_model(folder, "weights = 1: 0.3; 2: 0.3\nnormalise = goalposts; minmax(1, 100); rank\n"
                        "aggregate = arithmetic; median\ndrop_one = yes\nseed = 7\n")
    data = os.path.join(folder, "2019.csv")
    for opt in ("--uncertainty", "--sensitivity"):
        outs = {}
        for threads in ("1", "2"):
            env = dict(os.environ, PINGAN_THREADS=threads)
            for fmt in ("csv", "json", "text"):
                r = run(tool, [opt, "40", "-f", fmt, data], prefix=("env", f"PINGAN_THREADS={threads}"))
                r.expect_ok()
                outs.setdefault(fmt, set()).add(r.out)
        for fmt, seen in outs.items():
            check(len(seen) == 1, f"{opt} -f {fmt}: the output depends on PINGAN_THREADS")
    ok("the same output with 1 and 2 threads (uncertainty, sensitivity; csv, json, text)")
    got = unc_csv(tool, folder, ["--uncertainty", "40"])
    r = run(tool, ["--uncertainty", "40", "-f", "json", data])
    r.expect_ok()
    js = json.loads(r.stdout)
    check(js["runs"] == 40 and js["failed"] == 0 and js["points"] == "sobol" and
          js["node"] == "pingan" and js["period"] == "2019" and js["percentiles"] == "exact"
          and all(row["percentiles"] == "exact" for row in got.values()), f"json head: {js}")
    for u in js["units"]:
        row = got[u["unit"]]
        for k in UNC_COLS[4:12]:
            check((u[k] is None and row[k] == "") or (u[k] == float(row[k])),
                  f"{u['unit']} {k}: json {u[k]}, csv {row[k]}")
        if u["rank_p05"] is not None:
            check(u["rank_p05"] <= u["median_rank"] <= u["rank_p95"], f"{u['unit']}: order")
            check(1 <= u["rank_p05"] and u["rank_p95"] <= 7, f"{u['unit']}: 7 districts ranked")
    ok("csv and json hold the same numbers; 5 % <= median <= 95 %")
    r = run(tool, ["--uncertainty", "40", data])
    r.expect_ok()
    text = r.stdout
    check("40 次运行" in text and "Sobol" in text and "香洲区" in text and "drop_one" in text,
          f"text report:\n{text}")
    r = run(tool, ["--sensitivity", "40", "-f", "csv", data])
    r.expect_ok()
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    check([x["input"] for x in rows] == ["weights", "normalise", "aggregate", "drop_one"],
          f"inputs: {rows}")
    check(list(rows[0]) == ["input", "first_order", "total", "first_lo", "first_hi",
                            "total_lo", "total_hi"], f"columns {list(rows[0])}")
    for x in rows:
        v = {k: float(x[k]) for k in list(x)[1:]}
        check(v["first_lo"] <= v["first_hi"] and v["total_lo"] <= v["total_hi"] and
              v["total"] >= 0, f"{x}")
    r = run(tool, ["--sensitivity", "40", "-f", "json", data])
    r.expect_ok()
    js = json.loads(r.stdout)
    check(js["runs"] == 40 * 6 and len(js["sensitivity"]) == 4, f"{js['runs']} runs")
    ok("--sensitivity: N (d + 2) runs, one row per input")


def expect_error(tool, folder, section, args, rc, pattern, what):
    write_model(folder, section)
    r = run(tool, args + [os.path.join(folder, "2019.csv")])
    err = r.stderr
    check(r.rc == rc and re.search(pattern, err), f"{what}: exit {r.rc}: {err!r}")
    check(r.stdout == "", f"{what}: wrote {r.stdout!r}")


def check_errors(tool, folder):
    ini = re.escape(os.path.join(folder, "pingan.ini"))
    n = open(os.path.join(folder, "pingan.ini.orig"), encoding="utf-8").read().count("\n")
    sec, key = n + 2, n + 3  # the line of [uncertainty], and of its first key
    cases = [
        ("drop_one = yes\n", [], 1, rf"^pingan-index: {ini}:{sec}:1: \[uncertainty\] is read by", "no option"),
        ("weights = 2: -0.25\n", ["--uncertainty", "10"], 1,
         rf"^pingan-index: {ini}:{key}:\d+: the weight noise of level 2 must be at least 0", "negative noise"),
        ("normalise = minmax; softmax\n", ["--uncertainty", "10"], 1,
         rf"^pingan-index: {ini}:{key}:\d+: unknown normalisation 'softmax'", "unknown alternative"),
        ("drop_one = yes\n", ["--uncertainty", "0"], 1, rf"^pingan-index: {ini}:{sec}:1: --uncertainty 0",
         "N = 0"),
        ("weights = 5: 0.1\n", ["--uncertainty", "10"], 1,
         rf"^pingan-index: {ini}:{key}:\d+: weights: the model has no weighted node at level 5", "level"),
        ("drop_one = yes\n", ["--sensitivity", "10"], 1,
         rf"^pingan-index: {ini}:{sec}:1: a sensitivity analysis needs two or more", "one input"),
        ("drop_one = yes\n", ["--uncertainty", "x"], 2, r"--uncertainty needs a number", "N"),
        ("drop_one = yes\n", ["--uncertainty", "5", "--stats"], 2, r"two analyses", "--stats"),
        ("drop_one = yes\n", ["--uncertainty", "5", "--sensitivity", "5"], 2, r"two analyses",
         "both"),
        (None, ["--chart", "uncertainty", "-o", os.path.join(folder, "u.svg")], 2,
         r"--chart uncertainty draws the rank intervals of --uncertainty N", "chart alone"),
        (None, ["--uncertainty", "5"], 1, r"has none", "no section"),
    ]
    for section, args, rc, pattern, what in cases:
        expect_error(tool, folder, section, args, rc, pattern, what)
    ok(f"{len(cases)} bad inputs: exit 1 with FILE:LINE: before any run, or usage (2)")
    # 24 indicators: 2 × (24 + 1) numbers per run of a Saltelli design, beyond Sobol's 40
    wide = os.path.join(folder, "wide")
    os.makedirs(wide, exist_ok=True)
    with open(os.path.join(wide, "w.ini"), "w", encoding="utf-8") as f:
        f.write("[index]\ncode = top\n" + "".join(f"[indicator i{k}]\n" for k in range(24)) +
                "[uncertainty]\nweights = 1: 0.2\naggregate = arithmetic; median\n"
                "points = sobol\n")
    with open(os.path.join(wide, "w.csv"), "w", encoding="utf-8") as f:
        f.write("unit," + ",".join(f"i{k}" for k in range(24)) + "\n")
        for u in range(4):
            f.write(f"u{u}," + ",".join(str((u * 7 + k) % 5 + 1) for k in range(24)) + "\n")
    w = os.path.join(wide, "w.ini")
    r = run(tool, ["-c", w, "--sensitivity", "10", os.path.join(wide, "w.csv")])
    check(r.rc == 1 and re.search(rf"^pingan-index: {re.escape(w)}:{2 + 24 + 4}:\d+: points = "
                                  r"sobol: this design draws 50 numbers per run", r.stderr),
          f"sobol: exit {r.rc}: {r.stderr!r}")
    r = run(tool, ["-c", w, "--uncertainty", "10", "-f", "json", os.path.join(wide, "w.csv")])
    r.expect_ok()
    check(json.loads(r.stdout)["points"] == "sobol", "25 dimensions: not Sobol")
    ok("points = sobol beyond GSL's 40 dimensions: exit 1 at its line")


def check_chart(tool, folder):
    write_model(folder, "weights = 1: 0.3\ndrop_one = yes\n")
    out = os.path.join(folder, "u.svg")
    r = run(tool, ["--uncertainty", "30", "--chart", "uncertainty", "-o", out,
                   os.path.join(folder, "2019.csv")])
    r.expect_ok()
    svg = open(out, encoding="utf-8").read()
    check(svg.startswith("<?xml") and "<svg" in svg, "not an SVG")
    ok("--chart uncertainty writes an SVG")


def body():
    tool, root = setup()
    if os.environ.get("PINGAN_SANITIZED"):  # fontconfig's configuration, kept by pango (chart)
        supp = os.path.join(root, "tests", "cli", "lsan-cairo.supp")
        os.environ["LSAN_OPTIONS"] = (f"suppressions={supp}:print_suppressions=0:"
                                      "fast_unwind_on_malloc=0")
    with tempdir() as d:
        folder = copy_data(root, os.path.join(d, "data"))
        os.rename(os.path.join(folder, "pingan.ini"), os.path.join(folder, "pingan.ini.orig"))
        check_drop_one(tool, folder)
        check_degenerate(tool, folder)
        check_formats_threads(tool, folder)
        check_errors(tool, folder)
        check_chart(tool, folder)


main(body)
