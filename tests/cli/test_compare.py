#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""--compare previous | year | mean:K, and the base column, on monthly data.

    python3 test_compare.py PINGAN_INDEX SOURCE_ROOT

tests/cli/data/monthly holds 2019-01.csv ... 2020-02.csv (i = 0 ... 13) for three
units and the model pingan.ini beside them (two indicators under the index,
goalposts, no imputation):
  a: population 20000, police 40 + 2i, fires 5 + i % 3
  b: population 10000, police 30 + i,  fires 10 - i % 4
  c: population 40000, police 50 - i (missing in 2019-12, i = 11), fires i % 5
police is per 10,000 residents, goalposts 0, 100, lower is better: score = 100 - rate;
fires goalposts 0, 50, lower is better: score = 100 - 2 fires; the index is
0.75 police + 0.25 fires (weights 3 : 1) over the indicators present.
Every expected number below is worked out by hand from these lines.
"""

import csv
import io
import json
import os
import sys

sys.dont_write_bytecode = True
from clitest import check, main, num, ok, run, setup, tempdir

TOL = 1e-9


def close(got, want, where):
    check(got is not None and abs(got - want) <= TOL, f"{where}: {got!r}, expected {want!r}")


def rows_of(out):
    return {(r["unit"], r["period"], r["node"]): r for r in csv.DictReader(io.StringIO(out))}


def check_cell(rows, key, base, value_pct, score_change, score_pct=None):
    """The base column and changes of one row; None: empty."""
    r = rows[key]
    where = f"{key} (base {base})"
    check(r["base"] == (base or ""), f"{where}: base column {r['base']!r}")
    for col, want in (("value_change_pct", value_pct), ("score_change", score_change),
                      ("score_change_pct", score_pct)):
        if want is None:
            check(r[col] == "", f"{where}: {col} {r[col]!r}, expected empty")
        else:
            close(num(r[col]), want, f"{where}: {col}")


def check_previous(tool, data):
    r = run(tool, ["-f", "csv", data]).expect_ok()
    same = run(tool, ["-f", "csv", "--compare", "previous", data]).expect_ok()
    check(r.out == same.out, "--compare previous differs from the default")
    rows = rows_of(r.stdout)
    # a, 2020-02 against 2020-01: police 66 against 64, +3.125 %; score (80 - 13) - (80 - 12)
    check_cell(rows, ("a", "2020-02", "police"), "2020-01", (66 - 64) / 64 * 100, 67 - 68,
               (67 - 68) / 68 * 100)
    # index: 0.75 * 67 + 0.25 * (100 - 2 * 6) = 72.25 against 0.75 * 68 + 0.25 * 90 = 73.5
    check_cell(rows, ("a", "2020-02", "idx"), "2020-01", None, 72.25 - 73.5,
               (72.25 - 73.5) / 73.5 * 100)
    # c, 2020-01 against 2019-12, where c has no police: empty, never against 2019-11
    check_cell(rows, ("c", "2020-01", "police"), "2019-12", None, None)
    # the first month has no base at all
    check_cell(rows, ("a", "2019-01", "police"), None, None, None)
    ok("--compare previous (the default): 2020-02 against 2020-01; a base without a value "
       "gives empty changes; the first month none")


def check_year(tool, data):
    rows = rows_of(run(tool, ["-f", "csv", "--compare", "year", data]).expect_ok().stdout)
    # a, 2020-02 against 2019-02 (i = 1): police 66 against 42; score 67 against 79
    check_cell(rows, ("a", "2020-02", "police"), "2019-02", (66 - 42) / 42 * 100, 67 - 79,
               (67 - 79) / 79 * 100)
    # b, 2020-01 against 2019-01: fires 10 against 10 -> 0 %; score 80 against 80
    check_cell(rows, ("b", "2020-01", "fires"), "2019-01", 0.0, 0.0, 0.0)
    # index a 2019-02: 0.75 * 79 + 0.25 * (100 - 2 * 6) = 81.25; 2020-02: 72.25
    check_cell(rows, ("a", "2020-02", "idx"), "2019-02", None, 72.25 - 81.25,
               (72.25 - 81.25) / 81.25 * 100)
    # 2019-05 has no 2018-05: empty, not the month before
    for u in "abc":
        check_cell(rows, (u, "2019-05", "idx"), None, None, None)
    ok("--compare year: 2020-02 against 2019-02, 2020-01 against 2019-01; 2019 months none")
    text = run(tool, ["--compare", "year", data]).expect_ok().stdout.split("\n")
    check(text[0] == "月度平安指数  2020-02 同比 2019-02", f"title {text[0]!r}")
    t = run(tool, ["--compare", "year", "--period", "2019-12", data]).expect_ok().stdout
    check(t.split("\n")[0] == "月度平安指数  2019-12 同比 (无上年同期数据, 无变化)",
          f"title without a base {t.split(chr(10))[0]!r}")
    ok("--compare year: the text title says 同比 2019-02, or that there is no base")


def check_mean(tool, data):
    out = run(tool, ["-f", "csv", "--compare", "mean:3", data]).expect_ok().stdout
    rows = rows_of(out)
    base = "mean:2019-11..2020-01"
    # a police: values 60, 62, 64 (i = 10, 11, 12), mean 62; 66 against 62
    # scores 70, 69, 68, mean 69; 67 against 69
    check_cell(rows, ("a", "2020-02", "police"), base, (66 - 62) / 62 * 100, 67 - 69,
               (67 - 69) / 69 * 100)
    # a index: 0.75 * 70 + 0.25 * 88 = 74.5, 0.75 * 69 + 0.25 * 86 = 73.25, 73.5 -> 73.75
    mean = (74.5 + 73.25 + 73.5) / 3
    check_cell(rows, ("a", "2020-02", "idx"), base, None, 72.25 - mean,
               (72.25 - mean) / mean * 100)
    # c police is missing in 2019-12, one of the three: the change is empty (not the mean of
    # the two others)
    check_cell(rows, ("c", "2020-02", "police"), base, None, None)
    # c index 2019-11: 0.75 * 90 + 0.25 * 100 = 92.5; 2019-12: fires alone, 100 - 2 = 98;
    # 2020-01: 0.75 * 90.5 + 0.25 * 96 = 91.875; 2020-02: 0.75 * 90.75 + 0.25 * 94 = 91.5625
    mean = (92.5 + 98 + 91.875) / 3
    check_cell(rows, ("c", "2020-02", "idx"), base, None, 91.5625 - mean,
               (91.5625 - mean) / mean * 100)
    # the first three months have no three months before them
    for p in ("2019-01", "2019-02", "2019-03"):
        check_cell(rows, ("b", p, "idx"), None, None, None)
    check(rows[("b", "2019-04", "idx")]["base"] == "mean:2019-01..2019-03", "2019-04 base")
    ok("--compare mean:3: against the mean of the three months before; one of them missing "
       "-> empty; the first three months none")
    doc = json.loads(run(tool, ["-f", "json", "--compare", "mean:3", "--node", "idx",
                                "--period", "2020-02", data]).expect_ok().stdout)
    check({r["base"] for r in doc["rows"]} == {base}, f"JSON base {doc['rows'][0]}")
    first = json.loads(run(tool, ["-f", "json", "--node", "idx", "--period", "2019-01",
                                  data]).expect_ok().stdout)
    check(all(r["base"] is None for r in first["rows"]), "JSON base of the first month")
    ok("JSON rows carry the base: \"mean:2019-11..2020-01\", null where there is none")
    text = run(tool, ["--compare", "mean:3", data]).expect_ok().stdout.split("\n")
    check(text[0] == "月度平安指数  2020-02 较前3期均值 (2019-11 至 2020-01)", f"title {text[0]!r}")
    # a's block: the base column is the mean 62 of police, 6 of fires ((6 + 7 + 5) / 3)
    i = text.index("甲区 (a)")
    check(text[i + 1].split()[2] == "前3期均值", f"block header {text[i + 1]!r}")
    block = {l.split()[0]: l.split() for l in text[i + 2:i + 5]}
    # then the rate of 2020-02: police 66 / (20000 / 10000) = 33; fires, a count, 6
    check(block["警情"][:6] == ["警情", "宗", "62", "66", "33", "+6.45%"], f"a police {block}")
    check(block["火灾"][:6] == ["火灾", "起", "6", "6", "6", "+0.00%"], f"a fires {block}")
    ok("text: title 较前3期均值 (2019-11 至 2020-01); the block shows the mean of the base")


def check_rate(tool, data):
    """The rate column: the value scored, per 10,000 residents for police."""
    rows = rows_of(run(tool, ["-f", "csv", data]).expect_ok().stdout)
    # a 2020-02: 66 / (20000 / 10000) = 33, scored 100 - 33 = 67
    close(num(rows[("a", "2020-02", "police")]["rate"]), 33.0, "a 2020-02 police rate")
    close(num(rows[("a", "2020-02", "police")]["score"]), 67.0, "a 2020-02 police score")
    # b 2019-01: 30 / (10000 / 10000) = 30; c 2019-01: 50 / (40000 / 10000) = 12.5
    close(num(rows[("b", "2019-01", "police")]["rate"]), 30.0, "b 2019-01 police rate")
    close(num(rows[("c", "2019-01", "police")]["rate"]), 12.5, "c 2019-01 police rate")
    # fires has no denominator: the rate is the count; c 2019-12 police is missing
    close(num(rows[("c", "2020-02", "fires")]["rate"]), 3.0, "c 2020-02 fires rate")
    check(rows[("c", "2019-12", "police")]["rate"] == "", "c 2019-12: a missing value has a rate")
    check(rows[("a", "2020-02", "idx")]["rate"] == "", "the index has a rate")
    doc = json.loads(run(tool, ["-f", "json", "--node", "police", "--period", "2020-02",
                                data]).expect_ok().stdout)
    got = {r["unit"]: r["rate"] for r in doc["rows"]}
    # 66 / 2, 43 / 1, 37 / 4
    check(got == {"a": 33.0, "b": 43.0, "c": 9.25}, f"JSON rates {got}")
    ok("rate: police per 10,000 residents (33, 30, 12.5, 9.25), fires as counted; empty for "
       "a missing value and for the index; JSON the same")


def check_empty(tool, root):
    """fires empty in every row of 2020-02: the report says so, and the weights used."""
    src = os.path.join(root, "tests", "cli", "data", "monthly")
    with tempdir() as tmp:
        for f in os.listdir(src):
            with open(os.path.join(src, f), encoding="utf-8") as i:
                text = i.read()
            if f == "2020-02.csv":  # drop every fires value
                text = "".join(l[:l.rindex(",") + 1] + "\n" for l in text.splitlines()[1:])
                text = "unit,name,population,police,fires\n" + text
            with open(os.path.join(tmp, f), "w", encoding="utf-8") as o:
                o.write(text)
        data = os.path.join(tmp, "2020-02.csv")
        lines = run(tool, [data]).expect_ok().stdout.split("\n")
        # police carries the index alone: weight 3 / 3 = 100 %, fires 0 %
        check(lines[1] == "构成: 警情 100% · 火灾 0%", f"composition line {lines[1]!r}")
        want = ("注: 2020-02 所有单位均无「火灾」(fires) 的数据, 其权重 25% 已按比例分给"
                "月度平安指数的其他指标。")
        check(lines[2] == want, f"note line {lines[2]!r}, expected {want!r}")
        check(lines[3] == "", f"line after the note {lines[3]!r}")
        # a's index is its police score alone: 100 - 66 / 2 = 67
        row = next(l.split() for l in lines if l.split()[1:2] == ["甲区"])
        check(row[2] == "67.00", f"a's index {row}")
        before = run(tool, ["--period", "2020-01", data]).expect_ok().stdout.split("\n")
        check(before[1] == "构成: 警情 75% · 火灾 25%" and before[2] == "",
              f"2020-01 (fires present): {before[1:3]}")
    ok("an indicator empty in a period: 构成 shows the weights used (100 % / 0 %), one line "
       "names it and says its weight went to its siblings; other periods unchanged")


def check_usage(tool, data):
    for args, words in ((["--base", "2019-01", "--compare", "year"], "--base and --compare"),
                        (["--compare", "yearly"], "is not previous, year or mean:K"),
                        (["--compare", "mean:0"], "mean:K"),
                        (["--compare", "mean:"], "mean:K"),
                        (["--compare", "mean:3x"], "mean:K"),
                        (["--compare", "mean:-1"], "mean:K")):
        r = run(tool, args + [data])
        check(r.rc == 2 and r.out == b"" and words in r.stderr,
              f"{args}: exit {r.rc}, stderr {r.stderr!r}; expected 2 and {words!r}")
    ok("usage errors (exit 2, no output): --base with --compare, unknown HOW, mean:0, mean:3x")
    with tempdir() as tmp:
        path = os.path.join(tmp, "list.csv")  # no period: the data has one period ""
        with open(path, "w", encoding="utf-8") as f:
            f.write("unit,name,population,police,fires\na,甲,10000,1,1\n")
        r = run(tool, ["-c", os.path.join(os.path.dirname(data), "pingan.ini"),
                       "--compare", "year", path])
        check(r.rc == 2 and "is not a year, quarter, month or day" in r.stderr,
              f"--compare year on a period-less file: exit {r.rc}, {r.stderr!r}")
    ok("--compare year on periods that are not dates: exit 2, says why")


def check_days(tool, root):
    """2020-02-29 has no same day a year earlier; 2021-02-28 has 2020-02-28."""
    ini = os.path.join(root, "tests", "cli", "data", "monthly", "pingan.ini")
    with tempdir() as tmp:
        for day, fires in (("2019-02-28", 1), ("2020-02-28", 2), ("2020-02-29", 3),
                           ("2021-02-28", 4)):
            with open(os.path.join(tmp, day + ".csv"), "w", encoding="utf-8") as f:
                f.write(f"unit,name,population,police,fires\na,甲,10000,10,{fires}\n")
        rows = rows_of(run(tool, ["-c", ini, "-f", "csv", "--compare", "year", "--node", "fires",
                                  os.path.join(tmp, "2021-02-28.csv")]).expect_ok().stdout)
    check_cell(rows, ("a", "2020-02-29", "fires"), None, None, None)
    # 2021-02-28: 4 fires against 2 (2020-02-28): +100 %, score 92 against 96
    check_cell(rows, ("a", "2021-02-28", "fires"), "2020-02-28", 100.0, 92 - 96, -4 / 96 * 100)
    check_cell(rows, ("a", "2020-02-28", "fires"), "2019-02-28", 100.0, 96 - 98, -2 / 98 * 100)
    ok("--compare year on days: 2020-02-29 has none; 2021-02-28 against 2020-02-28")


def body():
    tool, root = setup()
    data = os.path.join(root, "tests", "cli", "data", "monthly", "2020-02.csv")
    check_previous(tool, data)
    check_year(tool, data)
    check_mean(tool, data)
    check_rate(tool, data)
    check_empty(tool, root)
    check_usage(tool, data)
    check_days(tool, root)


if __name__ == "__main__":
    main(body)
