#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pingan-index --explain and --chart contributions on the shipped data (2019 against 2018).

    python3 test_explain.py PINGAN_INDEX SOURCE_ROOT

The shipped model is arithmetic throughout, so every indicator's contribution is its score
change times its effective weight (its weight's share among its siblings times its group's
among the groups). Scores are recomputed here from the CSV files and the model
(clitest.recompute), independently of the library:
- CSV: the header of SPEC §7; per unit one row per indicator, each contribution equal to the
  recomputed one, adding up to the recomputed index change, share = contribution / change,
  value_change_pct from the raw counts (empty where 2018 had 0), to 1e-9;
- --node order: the group's change split by the indicators' shares in it; --compare mean:2:
  the parts add up to the change against the mean of 2017 and 2018;
- JSON: the same numbers, grouped by unit;
- text: for every unit its change, and the three largest parts each way in the shape
  "违法犯罪警情 −17.22 %: +0.78 分, 占升幅 35.9 %" with the recomputed numbers, largest first;
- the chart: a PNG 960 px wide, the fire-death colour only in the rows of the units where
  fire deaths took points off; SVG parses; the PDF's text holds every unit and the title;
- bad input: no base period (the first year) exit 1 with one message; --explain with --stats,
  -f xlsx, --top, two --node or another chart: exit 2, nothing written.
"""

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
from clitest import Model, check, copy_data, main, ok, read_years, recompute, run, setup, tempdir
import pngdecode

TOL = 1e-9
HEADER = ["unit", "name", "period", "base", "node", "indicator", "value_change_pct",
          "score_change", "contribution", "share"]
FIRE_DEATHS_RGB = (255, 127, 0)  # the fifth indicator's colour in the charts' palette


def close(a, b, what):
    check(a is not None and abs(a - b) <= TOL * max(1.0, abs(b)), f"{what}: {a!r}, expected {b!r}")


def effective_weights(model, top):
    """{indicator: product of its and its ancestors' shares among their siblings} below top."""
    out = {}

    def walk(code, share):
        kids = model.children(code)
        tot = sum(model.nodes[k]["weight"] for k in kids)
        for k in kids:
            s = share * model.nodes[k]["weight"] / tot
            if model.nodes[k]["kind"] == "indicator":
                out[k] = s
            else:
                walk(k, s)
    walk(top, 1.0)
    return out


def expected(root):
    model = Model(os.path.join(root, "data", "pingan.ini"))
    years = read_years(os.path.join(root, "data"))
    scores = {y: {r["unit"]: recompute(model, r) for r in rows} for y, rows in years.items()}
    raw = {y: {r["unit"]: r for r in rows} for y, rows in years.items()}
    return model, scores, raw


def num(s):
    return None if s == "" else float(s)


def check_csv(tool, d, model, scores, raw):
    r = run(tool, ["--explain", "-f", "csv", os.path.join(d, "2019.csv")]).expect_ok()
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    header = next(csv.reader(io.StringIO(r.stdout)))
    check(header[:len(HEADER)] == HEADER, f"CSV header {header}, expected {HEADER} first")
    eff = effective_weights(model, model.code)
    units = list(scores["2019"])
    check(len(rows) == len(units) * len(eff), f"{len(rows)} rows, expected {len(units)}×{len(eff)}")
    for u in units:
        mine = {x["indicator"]: x for x in rows if x["unit"] == u}
        check(set(mine) == set(eff), f"{u}: parts {sorted(mine)}, expected {sorted(eff)}")
        change = scores["2019"][u][model.code] - scores["2018"][u][model.code]
        close(sum(float(x["contribution"]) for x in mine.values()), change, f"{u}: sum of parts")
        for code, w in eff.items():
            x = mine[code]
            check((x["period"], x["base"], x["node"]) == ("2019", "2018", model.code),
                  f"{u} {code}: period, base, node {x['period']}, {x['base']}, {x['node']}")
            ds = scores["2019"][u][code] - scores["2018"][u][code]
            close(float(x["score_change"]), ds, f"{u} {code}: score_change")
            close(float(x["contribution"]), w * ds, f"{u} {code}: contribution")
            close(float(x["share"]), w * ds / change, f"{u} {code}: share")
            col = model.nodes[code]["column"]
            v19, v18 = float(raw["2019"][u][col]), float(raw["2018"][u][col])
            want = None if v18 == 0 else (v19 / v18 - 1) * 100
            got = num(x["value_change_pct"])
            check((got is None) == (want is None), f"{u} {code}: value_change_pct {got}, expected {want}")
            if want is not None:
                close(got, want, f"{u} {code}: value_change_pct")
    ok(f"CSV: {len(rows)} contributions equal effective weight × recomputed score change, "
       f"adding up to each unit's index change")
    return rows


def check_group_and_mean(tool, d, model, scores):
    data = os.path.join(d, "2019.csv")
    r = run(tool, ["--explain", "--node", "order", "-f", "csv", data]).expect_ok()
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    eff = effective_weights(model, "order")
    for x in rows:
        ds = scores["2019"][x["unit"]][x["indicator"]] - scores["2018"][x["unit"]][x["indicator"]]
        close(float(x["contribution"]), eff[x["indicator"]] * ds, f"--node order {x['unit']} {x['indicator']}")
    check(len(rows) == len(scores["2019"]) * len(eff), f"--node order: {len(rows)} rows")
    r = run(tool, ["--explain", "--compare", "mean:2", "-f", "csv", data]).expect_ok()
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    for u in scores["2019"]:
        base = (scores["2018"][u][model.code] + scores["2017"][u][model.code]) / 2
        got = sum(float(x["contribution"]) for x in rows if x["unit"] == u)
        close(got, scores["2019"][u][model.code] - base, f"--compare mean:2 {u}: sum of parts")
    check({x["base"] for x in rows} == {"mean:2017..2018"}, "--compare mean:2: base column")
    ok("--node order splits the group's change; --compare mean:2 adds up to the change against "
       "the mean of 2017 and 2018")


def check_json(tool, d, rows):
    r = run(tool, ["--explain", "-f", "json", os.path.join(d, "2019.csv")]).expect_ok()
    doc = json.loads(r.stdout)
    check((doc["period"], doc["base"], doc["node"]) == ("2019", "2018", "pingan"),
          f"JSON head {doc['period']}, {doc['base']}, {doc['node']}")
    n = 0
    for unit in doc["units"]:
        for c in unit["contributions"]:
            x = next(x for x in rows if x["unit"] == unit["unit"] and x["indicator"] == c["indicator"])
            close(c["contribution"], float(x["contribution"]), f"JSON {unit['unit']} {c['indicator']}")
            close(unit["change"], float(x["node_change"]), f"JSON {unit['unit']} change")
            n += 1
    check(n == len(rows), f"JSON holds {n} contributions, CSV {len(rows)}")
    ok(f"JSON: {len(doc['units'])} units, the same {n} contributions as the CSV")


def signed(v, decimals):
    s = f"{abs(v):.{decimals}f}"
    return ("\u2212" if v < 0 and float(s) != 0 else "+") + s


def check_text(tool, d, model, rows):
    r = run(tool, ["--explain", os.path.join(d, "2019.csv")]).expect_ok()
    text = r.stdout
    labels = {c: n["label"] for c, n in model.nodes.items()}
    for u in dict.fromkeys(x["unit"] for x in rows):
        mine = sorted((x for x in rows if x["unit"] == u), key=lambda x: -float(x["contribution"]))
        change = float(mine[0]["node_change"])
        name = mine[0]["name"]
        start = text.find(f"\n{name} ({u}): ")
        check(start >= 0, f"text: no heading for {name} ({u})")
        block = text[start:text.find("\n\n", start + 1) if text.find("\n\n", start + 1) > 0 else None]
        check(f"{signed(change, 2)} 分" in block.split("\n")[1], f"text {u}: change {change} not in {block!r}")
        ups = [x for x in mine if float(x["contribution"]) > 0][:3]
        lines = block.split("\n")
        at = lines.index("  拉升:") if ups else -1
        for i, x in enumerate(ups):
            vc = float(x["value_change_pct"]) if x["value_change_pct"] else None
            pct = f" {signed(vc, 2)} %" if vc is not None else ""
            way = "升幅" if change > 0 else "降幅"
            want = (f"    {labels[x['indicator']]}{pct}: {signed(float(x['contribution']), 2)} 分, "
                    f"{'占' if float(x['share']) >= 0 else '抵消'}{way} {abs(float(x['share'])) * 100:.1f} %")
            if vc is None:  # from 0: the report says so
                check(lines[at + 1 + i].startswith(f"    {labels[x['indicator']]} "),
                      f"text {u}: line {lines[at + 1 + i]!r}")
                continue
            check(lines[at + 1 + i] == want, f"text {u}: line {i + 1} up is {lines[at + 1 + i]!r}, expected {want!r}")
        downs = [x for x in reversed(mine) if float(x["contribution"]) < 0][:3]
        check(("  拉低: 无" in lines) == (not downs), f"text {u}: 拉低 section")
        for x in downs:
            check(any(l.startswith(f"    {labels[x['indicator']]}") and signed(float(x["contribution"]), 2) in l
                      for l in lines[lines.index("  拉低:"):]), f"text {u}: no line lowering by {x['indicator']}")
    zh = [l for l in text.split("\n") if l.startswith("    违法犯罪警情 ")][0]
    x = next(x for x in rows if x["unit"] == "zhuhai" and x["indicator"] == "police_incidents")
    check(zh.startswith("    违法犯罪警情 \u221217.22 %: +") and "占升幅" in zh, f"text: zhuhai police line {zh!r}")
    check(abs(float(x["value_change_pct"]) + 17.22) < 0.005, "zhuhai police incidents fell 17.22 %")
    ok("text: every unit's change and its largest parts each way, e.g. " + zh.strip())


def check_chart(tool, d, rows):
    data = os.path.join(d, "2019.csv")
    png = os.path.join(d, "c.png")
    run(tool, ["--chart", "contributions", "-o", png, data]).expect_ok()
    img = pngdecode.decode(open(png, "rb").read())
    check(img.width == 960, f"contributions PNG is {img.width} wide")
    units = list(dict.fromkeys(x["unit"] for x in rows))
    for i, u in enumerate(units):
        y = 64 + 26 * i + 13
        orange = sum(1 for p in img.rows[y] if all(abs(a - b) <= 2 for a, b in zip(p, FIRE_DEATHS_RGB)))
        fd = float(next(x for x in rows if x["unit"] == u and x["indicator"] == "fire_deaths")["contribution"])
        check((orange > 5) == (abs(fd) > 0.05), f"chart row {i} ({u}): {orange} fire-death pixels, contribution {fd}")
    svg = os.path.join(d, "c.svg")
    run(tool, ["--explain", "--chart", "contributions", "-o", svg, data]).expect_ok()
    ET.parse(svg)
    pdf = os.path.join(d, "c.pdf")
    run(tool, ["--chart", "contributions", "-o", pdf, data]).expect_ok()
    p = subprocess.run(["pdftotext", "-layout", pdf, "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, f"pdftotext: {p.stderr!r}")
    t = p.stdout.decode("utf-8")
    names = dict.fromkeys(x["name"] for x in rows)
    check(all(n in t for n in names) and "变化的构成" in t, f"PDF text lacks units or title: {t!r}")
    ok(f"--chart contributions: {len(units)} rows, fire deaths drawn in those of the units where "
       f"they took points off; SVG parses; the PDF names every unit")


def check_bad_input(tool, d):
    data = os.path.join(d, "2019.csv")
    r = run(tool, ["--explain", "--period", "2014", data])
    check(r.rc == 1 and r.out == b"", f"--period 2014: exit {r.rc}, stdout {r.out[:80]!r}")
    lines = r.stderr.strip().split("\n")
    check(len(lines) == 1 and "period '2014' has no base period" in lines[0],
          f"--period 2014: {r.stderr!r}")
    old = os.path.join(d, "old.svg")  # a chart suffix, so that --chart trend passes its own check
    for args, want in [(["--stats"], "--stats and --explain"), (["-f", "xlsx"], "--explain writes text"),
                       (["--top", "3"], "--top is for the index"),
                       (["--node", "order", "--node", "fire"], "give --node once"),
                       (["--chart", "trend"], "--explain draws as --chart contributions")]:
        with open(old, "w") as f:
            f.write("old")
        r = run(tool, ["--explain", *args, "-o", old, data])
        lines = r.stderr.strip().split("\n")
        check(r.rc == 2 and len(lines) == 1 and want in lines[0], f"{args}: exit {r.rc}, {r.stderr!r}")
        check(open(old).read() == "old", f"{args}: the output was touched")
    ok("no base period: exit 1, one message; five usage errors: exit 2, nothing written")


def body():
    tool, root = setup()
    if os.environ.get("PINGAN_SANITIZED"):  # cairo's and fontconfig's own, as in test_chart
        supp = os.path.join(root, "tests", "cli", "lsan-cairo.supp")
        os.environ["LSAN_OPTIONS"] = (f"suppressions={supp}:print_suppressions=0:"
                                      "fast_unwind_on_malloc=0")
    model, scores, raw = expected(root)
    with tempdir() as t:
        d = copy_data(root, t)
        rows = check_csv(tool, d, model, scores, raw)
        check_group_and_mean(tool, d, model, scores)
        check_json(tool, d, rows)
        check_text(tool, d, model, rows)
        check_chart(tool, d, rows)
        check_bad_input(tool, d)


main(body)
