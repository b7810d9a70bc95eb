#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""[units]: the roll-up of counts up a unit tree, scores and ranks within each level, the
check of given upper rows, the mistakes of a table of parents, and the 14-dimension template
on the monthly data, every number recomputed here from the input files.

    python3 test_units.py PINGAN_INDEX SOURCE_ROOT
"""

import csv
import glob
import io
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True
from clitest import check, main, ok, run, setup, tempdir

TOL = 1e-9

MODEL = """[index]
code = idx
unit_column = unit
period_column = month
scope = period
[units]
parents = parents.csv
levels = 镇街; 区; 市
[indicator police]
direction = -1
denominator = pop
per = 10000
[indicator sat]
rollup = weighted:pop
"""
PARENTS = "unit,parent,level\n市,,市\nA区,市,区\nB区,市,区\na1,A区\na2,A区\nb1,B区\nb2,B区\nb3,B区\n"
MONTHS = {  # unit: (police, pop, sat) in 2020-01 and 2020-02
    "2020-01": {"a1": (10, 1000, 80), "a2": (20, 3000, 90), "b1": (5, 500, 70),
                "b2": (30, 2000, 60), "b3": (12, 1500, 85)},
    "2020-02": {"a1": (12, 1000, 82), "a2": (18, 3000, 88), "b1": (6, 500, 75),
                "b2": (25, 2000, 65), "b3": (10, 1500, 80)},
}
KIDS = {"市": ["A区", "B区"], "A区": ["a1", "a2"], "B区": ["b1", "b2", "b3"]}
LEVEL = {"市": "市", "A区": "区", "B区": "区"}
PARENT = {"A区": "市", "B区": "市", "a1": "A区", "a2": "A区", "b1": "B区", "b2": "B区",
          "b3": "B区"}


def close(got, want, where):
    check(abs(got - want) <= TOL * max(1, abs(want)), f"{where}: {got!r}, expected {want!r}")


def write_case(d, model=MODEL, parents=PARENTS, extra=""):
    with open(os.path.join(d, "pingan.ini"), "w", encoding="utf-8") as f:
        f.write(model)
    with open(os.path.join(d, "parents.csv"), "w", encoding="utf-8") as f:
        f.write(parents)
    for month, rows in MONTHS.items():
        with open(os.path.join(d, month + ".csv"), "w", encoding="utf-8") as f:
            f.write("unit,month,police,pop,sat\n")
            for u, (p, n, s) in rows.items():
                f.write(f"{u},{month},{p},{n},{s}\n")
            if month == "2020-02":
                f.write(extra)


def rolled(month):
    """{unit: (police, pop, sat)} with the districts and the city summed here."""
    v = dict(MONTHS[month])
    for up in ("A区", "B区", "市"):  # children first
        kids = [v[k] for k in KIDS[up]]
        pop = sum(k[1] for k in kids)
        v[up] = (sum(k[0] for k in kids), pop, sum(k[1] * k[2] for k in kids) / pop)
    return v


def minmax_by_level(x, direction):
    """{unit: score}: min-max 0-100 among the units of each level."""
    out = {}
    for level in ({"市"}, {"A区", "B区"}, set(MONTHS["2020-01"])):
        vals = {u: direction * x[u] for u in level}
        lo, hi = min(vals.values()), max(vals.values())
        for u, y in vals.items():
            out[u] = 50.0 if hi == lo else (y - lo) / (hi - lo) * 100
    return out


def rows_of(out):
    return {(r["unit"], r["period"], r["node"]): r for r in csv.DictReader(io.StringIO(out))}


def check_rollup(tool):
    with tempdir() as d:
        write_case(d)
        out = run(tool, ["-f", "csv", os.path.join(d, "2020-02.csv")]).expect_ok().stdout
        header = out.splitlines()[0].split(",")
        check(header[-2:] == ["unit_level", "parent"] and header[:3] == ["unit", "name", "period"],
              f"the CSV header ends with unit_level,parent after the usual columns: {header}")
        rows = rows_of(out)
        for month in MONTHS:
            v = rolled(month)
            rate = {u: x[0] / (x[1] / 10000) for u, x in v.items()}
            sp, ss = minmax_by_level(rate, -1), minmax_by_level({u: x[2] for u, x in v.items()}, 1)
            for u in v:
                r = rows[(u, month, "police")]
                close(float(r["value"]), v[u][0], f"{u} {month} police (summed)")
                close(float(r["rate"]), rate[u], f"{u} {month} police rate")
                close(float(r["score"]), sp[u], f"{u} {month} police score within its level")
                close(float(rows[(u, month, "sat")]["value"]), v[u][2], f"{u} {month} sat")
                close(float(rows[(u, month, "idx")]["score"]), (sp[u] + ss[u]) / 2,
                      f"{u} {month} index")
                check(r["unit_level"] == LEVEL.get(u, "镇街") and r["parent"] == PARENT.get(u, ""),
                      f"{u}: level and parent {r['unit_level']!r}, {r['parent']!r}")
            for level in (["A区", "B区"], list(MONTHS[month])):
                idx = {u: float(rows[(u, month, "idx")]["score"]) for u in level}
                for u in level:
                    want = 1 + sum(1 for w in level if idx[w] > idx[u])
                    check(int(rows[(u, month, "idx")]["rank"]) == want,
                          f"{u} {month}: rank {rows[(u, month, 'idx')]['rank']} within its level, "
                          f"expected {want}")
        ok("district and city counts are their streets' sums, rates from summed counts, "
           "sat a population-weighted mean; scores and ranks within each level")
        js = json.loads(run(tool, ["-f", "json", os.path.join(d, "2020-02.csv")]).expect_ok().stdout)
        units = {u["code"]: u for u in js["units"]}
        check(units["市"]["parent"] is None and units["市"]["unit_level"] == 0 and
              units["b2"]["parent"] == "B区" and units["b2"]["unit_level_name"] == "镇街",
              f"JSON units carry level and parent: {units['b2']}")
        text = run(tool, [os.path.join(d, "2020-02.csv")]).expect_ok().stdout
        names = [l.split()[1] for l in text.splitlines()[4:12]]
        # 2020-02: A区 (rate 75) is the better district; a2 > a1 and b3 > b1 > b2 by index
        check(names == ["市", "A区", "a2", "a1", "B区", "b3", "b1", "b2"],
              f"the report lists the city, each district and its streets by rank: {names}")
        check("\n   1    A区" in text and "\n   1      a2" in text,
              "a level down is indented by two spaces")
        text = run(tool, ["--top", "1", os.path.join(d, "2020-02.csv")]).expect_ok().stdout
        names = [l.split()[1] for l in text.splitlines()[4:11]]
        check(names == ["市", "A区", "a2", "另有", "B区", "另有", "b2"],
              f"--top 1 keeps the best and worst of each level, in the tree: {names}")
        ok("JSON units have unit_level, unit_level_name and parent; the text report is a tree, "
           "--top N within each level")


def check_given_rows(tool):
    with tempdir() as d:
        # B区's given row agrees with its streets (6 + 25 + 10 = 41); sat missing there is
        # filled from the roll-up
        write_case(d, extra="B区,2020-02,41,4000,\n")
        rows = rows_of(run(tool, ["-f", "csv", os.path.join(d, "2020-02.csv")]).expect_ok().stdout)
        close(float(rows[("B区", "2020-02", "sat")]["value"]), rolled("2020-02")["B区"][2],
              "B区 sat filled from the roll-up")
        write_case(d, extra="B区,2020-02,40,4000,\n")
        f = os.path.join(d, "2020-02.csv")
        r = run(tool, [f])
        want = (f"pingan-index: {f}:7: unit 'B区', period '2020-02': 'police' is 40 here, but "
                f"the sum of its 3 units is 41 (b1 6 ({f}:4); b2 25 ({f}:5); b3 10 ({f}:6))\n")
        check(r.rc == 1 and r.stderr == want and r.out == b"",
              f"a given row that its streets contradict: exit {r.rc}, {r.stderr!r}")
        write_case(d, extra="B区,2020-02,41,4000.5,\n")
        r = run(tool, [f])
        check(r.rc == 1 and "'pop' is 4000.5 here, but the sum of its 3 units is 4000" in r.stderr,
              f"a denominator is checked too: {r.stderr!r}")
    ok("a given district row is checked against its streets' roll-up, naming both")


MISTAKES = [  # (what, model change, parents, message)
    ("listed twice", None, PARENTS + "a1,B区\n",
     "parents.csv:10:1: unit 'a1' is listed twice (first at line 5)"),
    ("unknown parent", None, PARENTS.replace("b3,B区", "b3,C区"),
     "parents.csv:9:2: unit 'b3' has the parent 'C区', which is not a unit of this table"),
    ("cycle", None, PARENTS.replace("A区,市,区", "A区,a1,区"),
     "parents.csv:3:2: unit 'A区' is its own ancestor (a cycle of parents through 'a1')"),
    ("two levels", None, PARENTS.replace("b3,B区", "b3,B区,区"),
     "parents.csv:9:3: unit 'b3' is at level '区' here, but its parents and levels "
     "("),
    ("a level too many", MODEL.replace("levels = 镇街; 区; 市", "levels = 社区; 镇街; 区; 市"), PARENTS,
     "pingan.ini:8:10: levels names 4 levels, but the table of parents"),
    ("a level named twice", MODEL.replace("levels = 镇街; 区; 市", "levels = 镇街; 镇街; 市"), PARENTS,
     "pingan.ini:8:10: levels: '镇街' is named twice"),
    ("an empty last level", MODEL.replace("levels = 镇街; 区; 市", "levels = 镇街; 区; 市;"), PARENTS,
     "pingan.ini:8:10: levels: an empty level name after the last ';'"),
    ("weighted by the period", MODEL.replace("weighted:pop", "weighted:month"), PARENTS,
     "2020-01.csv:1:2: column 'month' is the period column, but the model also reads it as "
     "numbers"),
    ("too deep", MODEL.replace("levels = 镇街; 区; 市", "levels = 区; 市"), PARENTS,
     "pingan.ini:8) names only 2 levels"),
    ("no rule", MODEL.replace("rollup = weighted:pop\n", ""), PARENTS,
     "pingan.ini:13:1: indicator 'sat' has no denominator, so it is not known to add up"),
    ("bad rule", MODEL.replace("weighted:pop", "median"), PARENTS,
     "pingan.ini:14:10: rollup must be sum, mean, weighted:COLUMN or none, not 'median'"),
    ("count by mean", MODEL.replace("per = 10000", "per = 10000\nrollup = mean"), PARENTS,
     "pingan.ini:13:10: indicator 'police' is a count divided by 'pop'; counts roll up by sum"),
    ("group imputation", MODEL.replace("scope = period", "scope = period\nimpute = group_mean\n"
                                       "impute_group = pop"), PARENTS,
     "indicator 'police': group imputation would mix the levels of [units]"),
    ("copeland", MODEL.replace("scope = period", "scope = period\naggregate = copeland"), PARENTS,
     "pingan.ini:6:1: 'idx': copeland compares units with each other"),
    ("unknown key", MODEL.replace("levels =", "level ="), PARENTS,
     "pingan.ini:8:1: unknown key 'level' in [units]"),
    ("no table", MODEL.replace("parents = parents.csv\n", ""), PARENTS,
     "pingan.ini:6:1: [units] needs parents = FILE.csv"),
    ("not in the table", None, PARENTS.replace("b3,B区\n", ""),
     "2020-01.csv:6:1: unit 'b3' is not in the table of parents"),
]


def check_impute(tool):
    """impute = mean fills a street's missing value from the other streets of its period, and
    a district's from the districts; treat = winsorise runs within each level."""
    with tempdir() as d:
        write_case(d, MODEL.replace("scope = period", "scope = period\nimpute = mean"))
        f = os.path.join(d, "2020-02.csv")
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(text.replace("b1,2020-02,6,500,75", "b1,2020-02,,500,75"))
        rows = rows_of(run(tool, ["-f", "csv", f]).expect_ok().stdout)
        v = rolled("2020-02")
        streets = [u for u in MONTHS["2020-02"] if u != "b1"]
        want = sum(v[u][0] / v[u][1] * 10000 for u in streets) / len(streets)
        close(float(rows[("b1", "2020-02", "police")]["rate"]), want, "b1 imputed from the streets")
        b = rows[("B区", "2020-02", "police")]
        check(b["value"] == "" and float(b["rate"]) == v["A区"][0] / v["A区"][1] * 10000 and
              b["flags"] == "imputed",
              f"B区 has no count once b1's is missing; its rate is imputed from the other "
              f"district's (A区, 75), not from streets: {b}")
        check(rows[("市", "2020-02", "police")]["rate"] == "",
              "the city, alone in its level, has nothing to impute from")
        write_case(d, MODEL.replace("scope = period", "scope = panel\ntreat = winsorise"))
        run(tool, ["-f", "csv", os.path.join(d, "2020-02.csv")]).expect_ok()
    ok("impute = mean within each level; a missing street count is missing above it; "
       "treat = winsorise runs with [units]")


def check_mistakes(tool):
    for what, model, parents, want in MISTAKES:
        with tempdir() as d:
            write_case(d, model or MODEL, parents)
            r = run(tool, [os.path.join(d, "2020-02.csv")], cwd=d)
            check(r.rc == 1 and want in r.stderr and r.out == b"",
                  f"{what}: exit {r.rc}, {r.stderr!r}; expected {want!r}")
    ok(f"{len(MISTAKES)} mistakes of [units] and rollup, each at its file, line and column")


# ---- the template on the monthly data ------------------------------------

def read_template(root):
    import configparser
    cp = configparser.ConfigParser(inline_comment_prefixes=(";",), comment_prefixes=(";", "#"))
    cp.read(os.path.join(root, "data", "pingan-plus.ini"), encoding="utf-8")
    inds = {s.split()[1]: cp[s] for s in cp.sections() if s.startswith("indicator ")}
    return inds


def monthly(root):
    """{month: {street: row}} and {unit: parent} from data/monthly."""
    data = {}
    for path in sorted(glob.glob(os.path.join(root, "data", "monthly", "20*.csv"))):
        with open(path, encoding="utf-8", newline="") as f:
            data[os.path.basename(path)[:7]] = {r["unit"]: r for r in csv.DictReader(f)}
    with open(os.path.join(root, "data", "monthly", "parents.csv"), encoding="utf-8") as f:
        parent = {r["unit"]: r["parent"] for r in csv.DictReader(f)}
    return data, parent


def district_values(inds, rows, parent, district):
    """Each indicator's value as scored (rate or weighted mean) of a district, from its streets."""
    st = [r for u, r in rows.items() if parent[u] == district]
    pop = sum(float(r["population"]) for r in st)
    out = {}
    for code, sec in inds.items():
        if "denominator" in sec:
            out[code] = sum(float(r[code]) for r in st) / (pop / 10000)
        else:
            w = sec["rollup"].split(":")[1]
            out[code] = sum(float(r[w]) * float(r[code]) for r in st) / sum(float(r[w]) for r in st)
    return out


def check_template(tool, root):
    inds = read_template(root)
    check(len(inds) == 28 and len({s["parent"] for s in inds.values()}) == 14,
          f"the template has 28 indicators in 14 dimensions: {len(inds)}")
    data, parent = monthly(root)
    check(list(data)[0] == "2019-01" and list(data)[-1] == "2020-02" and len(data) == 14,
          f"monthly data 2019-01 .. 2020-02: {list(data)}")
    f = os.path.join(root, "data", "monthly", "2020-02.csv")
    out = run(tool, ["-f", "csv", f]).expect_ok().stdout
    rows = rows_of(out)
    districts = sorted({p for u, p in parent.items() if p and p != "珠海市"})
    check(len(districts) == 7, f"seven districts: {districts}")
    # every district's index recomputed: min-max 0-100 over the districts in all months
    # (scope = panel), direction applied, equal weights in each dimension and over dimensions
    vals = {(m, dd): district_values(inds, data[m], parent, dd) for m in data for dd in districts}
    score = {}
    for code, sec in inds.items():
        dirn = int(sec["direction"])
        xs = [dirn * v[code] for v in vals.values()]
        lo, hi = min(xs), max(xs)
        for k, v in vals.items():
            score[(k, code)] = (dirn * v[code] - lo) / (hi - lo) * 100
    def index(m, dd):
        groups = {}
        for code, sec in inds.items():
            groups.setdefault(sec["parent"], []).append(score[((m, dd), code)])
        return sum(sum(g) / len(g) for g in groups.values()) / len(groups)
    for dd in districts:
        for m in ("2020-02", "2020-01"):
            close(float(rows[(dd, m, "pingan_plus")]["score"]), index(m, dd), f"{dd} {m} index")
        close(float(rows[(dd, "2020-02", "pingan_plus")]["score_change"]),
              index("2020-02", dd) - index("2020-01", dd), f"{dd} 环比 index change")
    # 环比 of one count: 香洲区's police value summed from its streets, change from 2020-01
    police = {m: sum(float(r["police"]) for u, r in data[m].items() if parent[u] == "香洲区")
              for m in ("2020-02", "2020-01", "2019-02")}
    r = rows[("香洲区", "2020-02", "police")]
    close(float(r["value"]), police["2020-02"], "香洲区 police summed from its streets")
    close(float(r["value_change_pct"]), (police["2020-02"] / police["2020-01"] - 1) * 100,
          "香洲区 police 环比 %")
    ok("the template computes on data/monthly: every district's index and its 环比 change "
       "recomputed from the street rows")
    out = run(tool, ["-f", "csv", "--compare", "year", f]).expect_ok().stdout
    rows = rows_of(out)
    r = rows[("香洲区", "2020-02", "police")]
    check(r["base"] == "2019-02", f"同比 compares with 2019-02: base {r['base']!r}")
    close(float(r["value_change_pct"]), (police["2020-02"] / police["2019-02"] - 1) * 100,
          "香洲区 police 同比 %")
    for dd in districts:
        close(float(rows[(dd, "2020-02", "pingan_plus")]["score_change"]),
              index("2020-02", dd) - index("2019-02", dd), f"{dd} 同比 index change")
    check(rows[("珠海市", "2020-02", "police")]["parent"] == "" and
          rows[("香洲区", "2020-02", "police")]["parent"] == "珠海市", "city and district rows")
    ok("--compare year on the rolled-up data: 同比 against 2019-02, recomputed")


def check_yearly(tool, root):
    """The shipped yearly data: its district rows add up to the city row, which [units]
    checks; the shipped model itself has no [units] and reads as before."""
    with tempdir() as d:
        for p in glob.glob(os.path.join(root, "data", "20*.csv")):
            shutil.copy(p, d)
        with open(os.path.join(root, "data", "pingan.ini"), encoding="utf-8") as f:
            model = f.read()
        with open(os.path.join(d, "2019.csv"), encoding="utf-8") as f:
            units = [r["unit"] for r in csv.DictReader(f)]
        with open(os.path.join(d, "parents.csv"), "w", encoding="utf-8") as f:
            f.write("unit,parent\nzhuhai,\n" + "".join(f"{u},zhuhai\n" for u in units[1:]))
        model = model.replace("[group ", "[units]\nparents = parents.csv\nlevels = 区; 市\n\n[group ", 1)
        with open(os.path.join(d, "pingan.ini"), "w", encoding="utf-8") as f:
            f.write(model)
        r = run(tool, ["-f", "csv", os.path.join(d, "2019.csv")])
        check(r.rc == 0, f"the yearly data with [units]: exit {r.rc}, {r.stderr!r}")
        ok("the yearly sample's city rows equal the sums of its districts (checked by [units])")


def body():
    tool, root = setup()
    check_rollup(tool)
    check_given_rows(tool)
    check_impute(tool)
    check_mistakes(tool)
    check_template(tool, root)
    check_yearly(tool, root)


main(body)
