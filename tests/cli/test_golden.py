#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden-file tests of pingan-index on the shipped data, with the numbers checked.

    python3 test_golden.py PINGAN_INDEX SOURCE_ROOT [--update]

Runs the tool on a temporary copy of data/ in four ways and compares the
output byte for byte with tests/cli/golden/*. `--update` rewrites the golden
files from the tool instead (then review the diff before committing!).

A golden file only says that nothing changed, not that it was right, so the
same outputs are also checked against an independent recomputation from
data/*.csv and data/pingan.ini (SPEC §2–§5): every score of every unit,
period and node to 1e-9, levels, raw values, changes, ranks (1 = best, ties
share the minimum, reference units unranked), bands, that every number is
written in shortest round-trip form, that the text report shows the same
numbers, and that data/README.md's table of index scores matches.
"""

import difflib
import json
import math
import os
import re
import sys

sys.dont_write_bytecode = True
from clitest import (Model, check, copy_data, expected_ranks, fail, index_rows, main, num, ok,
                     parse_csv_output, read_years, recompute, run, setup, tempdir)

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")

CASES = [
    ("report-2019.txt", ["data/2019.csv"]),
    ("all-2019.csv", ["-f", "csv", "data/2019.csv"]),
    ("index-2019.json", ["-f", "json", "--node", "pingan", "data/2019.csv"]),
    ("order-index-2019-vs-2014.csv", ["-f", "csv", "--period", "2019", "--base", "2014",
                                      "--node", "pingan", "--node", "order", "data/2019.csv"]),
]

TOL = 1e-9


def close(a, b, tol=TOL):
    """Equal to an absolute 1e-9 (scores are 0..100, changes in points or percent)."""
    return a is not None and b is not None and abs(a - b) <= tol


def digits(s):
    """Significant digits of a decimal number as written ("0.0120e3" -> "12")."""
    m = re.fullmatch(r"[+-]?(\d*)\.?(\d*)(?:[eE][+-]?\d+)?", s)
    check(m is not None and (m.group(1) or m.group(2)), f"{s!r} is not a decimal number")
    return (m.group(1) + m.group(2)).strip("0")


def check_roundtrip(s, where):
    """s reads back exactly and is no longer than the shortest round-trip form."""
    try:
        x = float(s)
    except ValueError:
        fail(f"{where}: {s!r} is not a number")
    check(math.isfinite(x), f"{where}: {s!r} is not finite")
    short = repr(x)
    check(float(short) == x, f"{where}: {s!r} does not round-trip")
    mant = re.split(r"[eE]", s)[0]
    check(len(digits(s)) <= len(digits(short)) and not
          ("." in mant and (mant.endswith("0") or mant.endswith("."))),
          f"{where}: {s!r} is longer than the shortest round-trip form {short!r}")


def compare_golden(name, out, update):
    path = os.path.join(GOLDEN, name)
    if update:
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "wb") as f:
            f.write(out)
        ok(f"updated golden/{name} ({len(out)} bytes)")
        return
    check(os.path.exists(path), f"golden/{name} is missing: run test_golden.py --update")
    with open(path, "rb") as f:
        want = f.read()
    if out != want:
        diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(),
                                    out.decode("utf-8", "replace").splitlines(),
                                    f"golden/{name}", "pingan-index output", lineterm="", n=1)
        d = list(diff)
        fail(f"output differs from golden/{name} ({len(d)} diff lines; if the change is "
             f"intended, run test_golden.py --update and review):\n" + "\n".join(d[:60]))
    ok(f"output equals golden/{name} ({len(out)} bytes)")


class Expected:
    """The independent recomputation over every unit, period and node."""

    def __init__(self, root):
        self.model = Model(os.path.join(root, "data", "pingan.ini"))
        self.years = read_years(os.path.join(root, "data"))
        self.periods = sorted(self.years)
        self.units = [r["unit"] for r in self.years[self.periods[-1]]]
        self.names = {r["unit"]: r["name"] for r in self.years[self.periods[-1]]}
        m = self.model
        self.nodes = m.order + [m.code]
        self.level = {}

        def level(code):
            if code not in self.level:
                n = m.nodes.get(code)
                if n is not None and n["kind"] == "indicator":
                    self.level[code] = 1
                else:
                    self.level[code] = 1 + max(level(k) for k in m.children(code))
            return self.level[code]

        level(m.code)
        # the tool's order: indicators first, then each level up; the index last
        self.nodes.sort(key=lambda c: self.level[c])
        self.score = {}   # (unit, period, node) -> float
        self.value = {}   # (unit, period, indicator) -> float
        self.rate = {}    # (unit, period, indicator) -> the rate scored (SPEC §3: per)
        for p, table in self.years.items():
            for row in table:
                for node, s in recompute(m, row).items():
                    self.score[(row["unit"], p, node)] = s
                for code, n in m.nodes.items():
                    if n["kind"] == "indicator":
                        v = self.value[(row["unit"], p, code)] = float(row[n["column"]])
                        if n["denominator"]:  # value / (denominator / per)
                            v = v / (float(row[n["denominator"]]) / n["per"])
                        self.rate[(row["unit"], p, code)] = v

    def is_indicator(self, node):
        n = self.model.nodes.get(node)
        return n is not None and n["kind"] == "indicator"


def pct(new, old):
    if old is None or new is None or old == 0:
        return None
    return (new - old) / old * 100.0


def verify_csv(name, text, ex, base=None, periods=None, nodes=None):
    """Check every row of a CSV output against the recomputation."""
    rows = parse_csv_output(text)
    for i, r in enumerate(rows, start=2):
        for col in ("value", "rate", "score", "value_change_pct", "score_change",
                    "score_change_pct"):
            if r.get(col):
                check_roundtrip(r[col], f"{name}:{i}: {col}")
    got = index_rows(rows)
    periods = periods or ex.periods
    nodes = nodes or ex.nodes
    keys = {(u, p, n) for u in ex.units for p in periods for n in nodes}
    check(set(got) == keys, f"{name}: rows for {sorted(set(got) ^ keys)[:5]} ... "
                            f"differ from the expected unit x period x node set")
    m = ex.model
    for (u, p, n), r in got.items():
        where = f"{name}: {u} {p} {n}"
        check(r.get("name", ex.names[u]) == ex.names[u], f"{where}: name {r.get('name')!r}")
        check(int(r["level"]) == ex.level[n], f"{where}: level {r['level']}, "
                                              f"expected {ex.level[n]}")
        s = num(r["score"])
        check(close(s, ex.score[(u, p, n)]),
              f"{where}: score {r['score']}, recomputed {ex.score[(u, p, n)]!r}")
        if ex.is_indicator(n):
            check(num(r["value"]) == ex.value[(u, p, n)],
                  f"{where}: value {r['value']!r}, data has {ex.value[(u, p, n)]!r}")
            check(close(num(r["rate"]), ex.rate[(u, p, n)]),
                  f"{where}: rate {r['rate']!r}, recomputed {ex.rate[(u, p, n)]!r}")
        else:
            check(r["value"] == "", f"{where}: value {r['value']!r} for a group, expected empty")
            check(r["rate"] == "", f"{where}: rate {r['rate']!r} for a group, expected empty")
        # changes against the base (default: the previous period)
        b = base if base is not None else (ex.periods[ex.periods.index(p) - 1]
                                           if ex.periods.index(p) > 0 else None)
        sb = ex.score.get((u, b, n)) if b else None
        check(r["base"] == (b or ""), f"{where}: base {r['base']!r}, expected {b!r}")
        want_sc = None if sb is None else ex.score[(u, p, n)] - sb
        check((num(r["score_change"]) is None) == (want_sc is None)
              and (want_sc is None or close(num(r["score_change"]), want_sc)),
              f"{where}: score_change {r['score_change']!r}, expected {want_sc!r} (base {b})")
        want = pct(ex.score[(u, p, n)], sb)
        check((num(r["score_change_pct"]) is None) == (want is None)
              and (want is None or close(num(r["score_change_pct"]), want)),
              f"{where}: score_change_pct {r['score_change_pct']!r}, expected {want!r}")
        want = pct(ex.value.get((u, p, n)), ex.value.get((u, b, n))) if b else None
        check((num(r["value_change_pct"]) is None) == (want is None)
              and (want is None or close(num(r["value_change_pct"]), want)),
              f"{where}: value_change_pct {r['value_change_pct']!r}, expected {want!r}")
        # band of the score
        label, _ = m.band(s)
        check(r.get("band", label or "") == (label or ""),
              f"{where}: band {r.get('band')!r} for score {s}, expected {label!r}")
    # ranks per period and node, from the tool's own (verified) scores
    for p in periods:
        for n in nodes:
            sc = {u: num(got[(u, p, n)]["score"]) for u in ex.units}
            want = expected_ranks(sc, m.reference_units)
            for u in ex.units:
                rk = got[(u, p, n)]["rank"]
                if u in m.reference_units:
                    check(rk == "", f"{name}: {u} {p} {n}: reference unit ranked {rk}")
                else:
                    check(rk != "" and int(rk) == want[u],
                          f"{name}: {u} {p} {n}: rank {rk!r}, expected {want[u]} "
                          f"(scores {sorted(sc.values(), reverse=True)})")
    ok(f"{name}: {len(got)} rows = recomputed scores (1e-9), levels, values, rates, bases, changes, "
       f"ranks, bands; every number is shortest round-trip")
    return got


def verify_json(name, text, ex, csvrows):
    try:
        doc = json.loads(text)
    except ValueError as e:
        fail(f"{name}: not valid JSON: {e}")
    check(doc.get("periods") == ex.periods, f"{name}: periods {doc.get('periods')}")
    units = doc.get("units", [])
    check([x["code"] for x in units] == ex.units, f"{name}: units {units}")
    for x in units:
        check(x["name"] == ex.names[x["code"]], f"{name}: unit {x}: name")
        check(x["ranked"] == (x["code"] not in ex.model.reference_units),
              f"{name}: unit {x}: ranked")
    nodes = doc.get("nodes", [])
    check([x["code"] for x in nodes] == [ex.model.code], f"{name}: --node pingan gave {nodes}")
    check(nodes[0]["label"] == ex.model.label and nodes[0]["level"] == 3
          and nodes[0]["parent"] is None, f"{name}: node {nodes[0]}")
    rows = doc.get("rows", [])
    check(len(rows) == len(ex.units) * len(ex.periods), f"{name}: {len(rows)} rows")
    # JSON numbers are the very doubles of the CSV output (same shortest text)
    numtext = re.findall(r'"(score|score_change|score_change_pct)": (-?[0-9][0-9.eE+-]*)', text)
    for key, s in numtext:
        check_roundtrip(s, f"{name}: {key}")
    for r in rows:
        k = (r["unit"], r["period"], r["node"])
        c = csvrows[k]
        for col in ("score", "score_change", "score_change_pct", "value_change_pct", "value",
                    "rate"):
            want = num(c[col])
            check(r[col] == want, f"{name}: {k} {col} {r[col]!r}, CSV says {c[col]!r}")
        check(r["base"] == (c["base"] or None), f"{name}: {k} base {r['base']!r}, "
                                                f"CSV says {c['base']!r}")
        want = None if c["rank"] == "" else int(c["rank"])
        check(r["rank"] == want, f"{name}: {k} rank {r['rank']!r}, CSV says {c['rank']!r}")
        label, colour = ex.model.band(r["score"])
        check(r["band"] == label and r["colour"] == colour,
              f"{name}: {k}: band {r['band']}/{r['colour']}, expected {label}/{colour}")
    ok(f"{name}: {len(rows)} rows equal the CSV output; bands and colours per the model")


def verify_text(name, text, ex, csvrows):
    """The text report shows the verified numbers, rounded to 2 decimals."""
    m = ex.model
    p, b = ex.periods[-1], ex.periods[-2]
    lines = text.splitlines()
    check(lines[0].split() == [m.label, p, "较", b], f"{name}: title line {lines[0]!r}")
    groups = m.children(m.code)
    # the composition line: each group's share of the index
    total = sum(float(m.nodes[g]["weight"]) for g in groups)
    want = "构成: " + " · ".join(f"{m.nodes[g]['label']} {100 * float(m.nodes[g]['weight']) / total:.0f}%"
                                 for g in groups)
    check(lines[1] == want, f"{name}: composition line {lines[1]!r}, expected {want!r}")
    check(all(l == l.rstrip() for l in lines), f"{name}: a line ends in blanks")
    colours = {"blue": "蓝", "yellow": "黄", "orange": "橙", "red": "红"}
    # the ranking table: the header line, then one line per unit until a blank line
    hdr = lines[3].split()
    check(hdr[:2] == ["排名", "地区"] and hdr[-len(groups):] == [m.nodes[g]["label"]
                                                                 for g in groups],
          f"{name}: ranking table header {lines[3]!r}")
    table = []
    for l in lines[4:]:
        if not l.strip():
            break
        table.append(l.split())
    check(len(table) == len(ex.units), f"{name}: ranking table has {len(table)} rows")
    byname = {v: k for k, v in ex.names.items()}
    prev = (-1, 0)
    for f in table:
        check(len(f) == 6 + len(groups), f"{name}: ranking row {f}")
        u = byname.get(f[1])
        check(u is not None, f"{name}: unknown unit name {f[1]!r}")
        c = csvrows[(u, p, m.code)]
        rank = c["rank"] or "-"
        s, sc, scp = num(c["score"]), num(c["score_change"]), num(c["score_change_pct"])
        label, colour = m.band(s)
        want = [rank, ex.names[u], f"{s:.2f}", f"{sc:+.2f}", f"{scp:+.2f}%",
                f"{label}({colours[colour]})"] + [f"{num(csvrows[(u, p, g)]['score']):.2f}"
                                         for g in groups]
        check(f == want, f"{name}: ranking row {f}, expected {want}")
        # reference units first, then by rank
        key = (0, 0) if rank == "-" else (1, int(rank))
        check(key >= prev, f"{name}: ranking rows out of order at {f}")
        prev = key
    ok(f"{name}: ranking table: {len(table)} units in order, scores, changes, bands, groups")
    # one block per unit: every indicator's values in both years, change, score, rank, band
    nblocks = 0
    for u in ex.units:
        head = f"{ex.names[u]} ({u})"
        check(head in lines, f"{name}: no block headed {head!r}")
        i = lines.index(head) + 2
        for n in ex.nodes:
            f = lines[i].split()
            i += 1
            c = csvrows[(u, p, n)]
            s, d = num(c["score"]), num(c["score_change"])
            label, colour = m.band(s)
            tail = [f"{s:.2f}", f"{d:+.2f}", c["rank"] or "-", f"{label}({colours[colour]})"]
            if ex.is_indicator(n):
                vb, v = ex.value[(u, b, n)], ex.value[(u, p, n)]
                chg = pct(v, vb)
                # from 0 there is no percent change: 持平 (0 → 0) or 新增 (0 → more)
                text_chg = f"{chg:+.2f}%" if chg is not None else \
                    ("持平" if vb == 0 and v == 0 else "新增" if vb == 0 and v > 0 else "-")
                # the rate scored, to six significant digits
                want = [m.nodes[n]["label"], m.nodes[n]["unit"], "%.15g" % vb, "%.15g" % v,
                        "%.6g" % ex.rate[(u, p, n)], text_chg] + tail
            else:
                want = ["指数" if n == m.code else m.nodes[n]["label"]] + tail
            check(f == want, f"{name}: block {head}: row {f}, expected {want}")
        nblocks += 1
    ok(f"{name}: {nblocks} unit blocks: values of {b} and {p}, changes, scores, ranks, bands")


def verify_readme(root, ex, csvrows):
    """data/README.md's table of index scores (two decimals) matches the output."""
    path = os.path.join(root, "data", "README.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    byname = {v: k for k, v in ex.names.items()}
    n = 0
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = re.sub(r"\s*\(.*\)$", "", cells[0]) if cells else ""
        if name in byname and len(cells) == 1 + len(ex.periods) and \
                all(re.fullmatch(r"\d+\.\d\d", c) for c in cells[1:]):
            u = byname[name]
            for p, c in zip(ex.periods, cells[1:]):
                got = f"{num(csvrows[(u, p, ex.model.code)]['score']):.2f}"
                check(got == c, f"data/README.md: {name} {p} says {c}, the tool gives {got}")
            n += 1
    check(n == len(ex.units), f"data/README.md: found {n} rows of index scores, "
                              f"expected {len(ex.units)}")
    ok(f"data/README.md: index table ({n} units x {len(ex.periods)} years) matches")


def body():
    tool, root = setup()
    update = "--update" in sys.argv[1:]
    outs = {}
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        for name, args in CASES:
            r = run(tool, args, cwd=tmp).expect_ok()
            outs[name] = r.out
            compare_golden(name, r.out, update)
    ex = Expected(root)
    ok(f"recomputed {len(ex.score)} scores from data/*.csv and data/pingan.ini")
    # a few anchors by hand, so that the recomputation itself is checked:
    # 高栏港 2014 fire deaths: 1 / (49980 / 100000) = 2.0008 per 100,000 >= upper post 2 -> 0
    check(ex.score[("gaolangang", "2014", "fire_deaths")] == 0.0, "anchor: gaolangang 2014")
    # 珠海市 2019 police incidents: 26838 / 202.37 = 132.62 per 10,000; (1500-132.62)/1500
    check(close(ex.score[("zhuhai", "2019", "police_incidents")],
                (1500 - 26838 / (2023700 / 10000)) / 1500 * 100), "anchor: zhuhai 2019")
    # the rate of that cell: 26838 incidents / (2023700 residents / 10000)
    check(close(ex.rate[("zhuhai", "2019", "police_incidents")], 26838 / 202.37),
          "anchor: zhuhai 2019 police rate")
    ok("recomputation anchors (gaolangang 2014 fire_deaths = 0; zhuhai 2019 police, its rate)")

    full = verify_csv("all-2019.csv", outs["all-2019.csv"].decode("utf-8"), ex)
    verify_csv("order-index-2019-vs-2014.csv",
               outs["order-index-2019-vs-2014.csv"].decode("utf-8"), ex,
               base="2014", periods=["2019"], nodes=["order", "pingan"])
    verify_json("index-2019.json", outs["index-2019.json"].decode("utf-8"), ex, full)
    verify_text("report-2019.txt", outs["report-2019.txt"].decode("utf-8"), ex, full)
    verify_readme(root, ex, full)


if __name__ == "__main__":
    main(body)
