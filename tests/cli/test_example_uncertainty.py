#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The shipped example data/uncertainty.ini, run as README.md and data/README.md say:

    python3 test_example_uncertainty.py PINGAN_INDEX SOURCE_ROOT

- its model (the file less [uncertainty]) scores byte for byte as data/pingan.ini does, and
  the file is refused without --uncertainty, naming the section's line;
- --uncertainty 1000 on data/2019.csv (and its siblings): no run fails (the section avoids
  the means a score of 0 breaks), the nominal score and rank of every unit are the plain
  index's, 1 <= rank_p05 <= median, mean <= rank_p95 <= 7 for the 7 districts, the city is
  not ranked, every score interval lies in the range 0-100;
- with the noise zeroed and one method twice per step (and no drop_one) every interval is the
  plain index's rank and score;
- PINGAN_THREADS=1 and 2 write the same bytes; another seed gives the same --uncertainty
  output (the points are Sobol's, as the file's comment says) but other bootstrap intervals;
- --sensitivity: one row per input of the section, 0 <= total, first_order <= 1 (Jansen's
  estimators are 1 - and + a sum of squares), intervals in order, Sobol points.
"""

import csv
import io
import json
import os
import re
import sys

sys.dont_write_bytecode = True
from clitest import check, main, ok, run, setup, tempdir

DISTRICTS = 7
INPUTS = ["weights", "normalise", "aggregate", "drop_one"]


def model_text(root):
    with open(os.path.join(root, "data", "uncertainty.ini"), encoding="utf-8") as f:
        return f.read()


def section(text):
    """(text before [uncertainty], the section's text, its 1-based line)."""
    at = text.index("\n[uncertainty]\n") + 1
    return text[:at], text[at:], text[:at].count("\n") + 1


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def csv_rows(tool, args, env=()):
    r = run(tool, ["-f", "csv"] + args, prefix=env)
    r.expect_ok()
    return list(csv.DictReader(io.StringIO(r.stdout)))


def plain_2019(tool, ini, data):
    """{unit: (score, rank or None)} of the index in 2019."""
    rows = csv_rows(tool, ["-c", ini, "--node", "pingan", "--period", "2019", data])
    return {r["unit"]: (float(r["score"]), int(r["rank"]) if r["rank"] else None) for r in rows}


def close(a, b, what):
    check(abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1), f"{what}: {a!r}, expected {b!r}")


def check_model_is_pingan(tool, root, folder, data):
    head, _, line = section(model_text(root))
    stripped = write(folder, "model.ini", head)
    a = run(tool, ["-f", "csv", "-c", stripped, data]).expect_ok()
    b = run(tool, ["-f", "csv", "-c", os.path.join(root, "data", "pingan.ini"), data]).expect_ok()
    check(a.out == b.out and a.out.startswith(b"unit,"), "uncertainty.ini's model is not pingan.ini's")
    ini = os.path.join(root, "data", "uncertainty.ini")
    r = run(tool, ["-c", ini, data])
    check(r.rc == 1 and r.stderr.startswith(f"pingan-index: {ini}:{line}:1: [uncertainty] is read by")
          and r.out == b"", f"without --uncertainty: exit {r.rc}, {r.stderr!r}")
    ok(f"uncertainty.ini less its section is pingan.ini; refused without --uncertainty (line {line})")


def check_runs(tool, root, data):
    ini = os.path.join(root, "data", "uncertainty.ini")
    nominal = plain_2019(tool, os.path.join(root, "data", "pingan.ini"), data)
    rows = csv_rows(tool, ["-c", ini, "--uncertainty", "1000", data])
    check(sorted(r["unit"] for r in rows) == sorted(nominal), f"units {[r['unit'] for r in rows]}")
    ranked = 0
    for r in rows:
        score, rank = nominal[r["unit"]]
        check(r["runs"] == "1000" and r["failed"] == "0" and r["period"] == "2019" and
              r["node"] == "pingan", f"{r['unit']}: {r}")
        close(float(r["nominal_score"]), score, f"{r['unit']} nominal score")
        lo, hi = float(r["score_p05"]), float(r["score_p95"])
        check(-1e-9 <= lo <= hi <= 100 + 1e-9, f"{r['unit']}: score interval {lo}, {hi}")
        if rank is None:
            check(all(r[k] == "" for k in ("nominal_rank", "mean_rank", "rank_p05")),
                  f"{r['unit']} is ranked: {r}")
            continue
        ranked += 1
        p05, med, mean, p95 = (float(r[k]) for k in ("rank_p05", "median_rank", "mean_rank",
                                                     "rank_p95"))
        check(int(r["nominal_rank"]) == rank, f"{r['unit']}: nominal rank {r['nominal_rank']}, "
              f"the plain index's {rank}")
        check(1 <= p05 <= med <= p95 <= DISTRICTS and p05 <= mean <= p95,
              f"{r['unit']}: ranks {p05} {med} {mean} {p95}")
    check(ranked == DISTRICTS, f"{ranked} units ranked")
    ok("--uncertainty 1000: no run failed, nominal = the plain index, 1 <= p05 <= median <= p95 <= 7")


def check_degenerate(tool, root, folder, data):
    head, sec, _ = section(model_text(root))
    for key, value in (("weights", "1: 0; 2: 0"), ("normalise", "goalposts; goalposts"),
                       ("aggregate", "arithmetic; arithmetic"), ("drop_one", "no")):
        sec, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", sec, flags=re.M)
        check(n == 1, f"no key {key} in the section")
    ini = write(folder, "still.ini", head + sec)
    nominal = plain_2019(tool, os.path.join(root, "data", "pingan.ini"), data)
    for r in csv_rows(tool, ["-c", ini, "--uncertainty", "100", data]):
        score, rank = nominal[r["unit"]]
        close(float(r["score_p05"]), score, f"{r['unit']} score p05")
        close(float(r["score_p95"]), score, f"{r['unit']} score p95")
        for k in ("nominal_rank", "mean_rank", "median_rank", "rank_p05", "rank_p95"):
            check(r[k] == "" if rank is None else float(r[k]) == rank,
                  f"{r['unit']} {k}: {r[k]}, expected {rank}")
    ok("noise zeroed, one method per step: every interval is the plain index's rank and score")


def check_threads_seed(tool, root, folder, data):
    ini = os.path.join(root, "data", "uncertainty.ini")
    runs = [("--uncertainty", "1000", "csv"), ("--sensitivity", "200", "csv"),
            ("--sensitivity", "200", "json")]
    for opt, n, fmt in runs:
        outs = set()
        for threads in ("1", "2"):
            r = run(tool, ["-c", ini, opt, n, "-f", fmt, data],
                    prefix=("env", f"PINGAN_THREADS={threads}")).expect_ok()
            outs.add(r.out)
        check(len(outs) == 1, f"{opt} {n} -f {fmt}: the output depends on PINGAN_THREADS")
    ok("the same output with 1 and 2 threads")
    text = model_text(root)
    check(len(re.findall(r"^seed = 1$", text, flags=re.M)) == 1, "no 'seed = 1' line")
    other = write(folder, "seed2.ini", re.sub(r"^seed = 1$", "seed = 2", text, flags=re.M))
    for opt, n, fmt in runs[:2]:
        a = run(tool, ["-c", ini, opt, n, "-f", fmt, data]).expect_ok()
        b = run(tool, ["-c", other, opt, n, "-f", fmt, data]).expect_ok()
        same = opt == "--uncertainty"
        check((a.out == b.out) == same, f"{opt}: seed 2 {'differs' if same else 'is the same'}")
    ok("another seed: the same --uncertainty (Sobol points), other bootstrap intervals")


def check_sensitivity(tool, root, data):
    ini = os.path.join(root, "data", "uncertainty.ini")
    rows = csv_rows(tool, ["-c", ini, "--sensitivity", "500", data])
    check([r["input"] for r in rows] == INPUTS, f"inputs {[r['input'] for r in rows]}")
    for r in rows:
        v = {k: float(x) for k, x in r.items() if k != "input"}
        check(v["total"] >= 0 and v["first_order"] <= 1 and v["first_lo"] <= v["first_hi"] and
              v["total_lo"] <= v["total_hi"], f"{r}")
    r = run(tool, ["-c", ini, "--sensitivity", "500", "-f", "json", data]).expect_ok()
    js = json.loads(r.stdout)
    check(js["runs"] == 500 * (len(INPUTS) + 2) and js["failed"] == 0 and js["points"] == "sobol",
          f"runs {js['runs']}, failed {js['failed']}, points {js['points']}")
    ok("--sensitivity 500: the four inputs, N (d + 2) runs, Sobol points, indices in bounds")


def body():
    tool, root = setup()
    data = os.path.join(root, "data", "2019.csv")
    with tempdir() as folder:
        check_model_is_pingan(tool, root, folder, data)
        check_runs(tool, root, data)
        check_degenerate(tool, root, folder, data)
        check_threads_seed(tool, root, folder, data)
        check_sensitivity(tool, root, data)


main(body)
