#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The published seed figures (shared/seed/README.md), as pingan-index reports them.

    python3 test_seed.py PINGAN_INDEX SOURCE_ROOT

Runs the tool on a temporary copy of data/ and checks, for the city unit
`zhuhai`, the five published percentage changes and the two years without
fire deaths, from the CSV output (value and value_change_pct columns) and
from the text report; and that every district column adds up to the city
row in every year of data/*.csv.
"""

import os
import sys

sys.dont_write_bytecode = True
from clitest import (check, copy_data, fail, index_rows, main, num, ok, parse_csv_output,
                     read_years, run, setup, tempdir)

CITY = "zhuhai"


def pct(new, old):
    return (new - old) / old * 100.0


def rounded(x, decimals):
    """x rounded to `decimals` as printf rounds it, as text ("-45.96")."""
    return f"{x:.{decimals}f}"


def body():
    tool, root = setup()
    with tempdir() as tmp:
        data = copy_data(root, os.path.join(tmp, "data"))
        r = run(tool, ["-f", "csv", "data/2019.csv"], cwd=tmp).expect_ok()
        rows = index_rows(parse_csv_output(r.stdout))
        ok(f"`pingan-index -f csv data/2019.csv`: {len(rows)} rows")

        def value(node, year):
            k = (CITY, str(year), node)
            check(k in rows, f"no CSV row for {k}")
            v = num(rows[k]["value"])
            check(v is not None, f"{k}: empty value")
            return v

        def change(node, year):
            v = num(rows[(CITY, str(year), node)]["value_change_pct"])
            check(v is not None, f"{(CITY, year, node)}: empty value_change_pct")
            return v

        # 2018 vs 2014, from the two values (the default base is the previous year)
        for node, published in (("police_incidents", "-45.96"), ("fires", "-82.98")):
            c = pct(value(node, 2018), value(node, 2014))
            check(rounded(c, 2) == published,
                  f"{node} 2018 vs 2014: {value(node, 2014):g} -> {value(node, 2018):g} "
                  f"is {c:.4f} %, published {published} %")
            ok(f"{node} 2018 vs 2014 = {c:.4f} % (published {published} %)")

        # ... and with --base 2014 --period 2018, from value_change_pct
        r2 = run(tool, ["-f", "csv", "--base", "2014", "--period", "2018", "data/2019.csv"],
                 cwd=tmp).expect_ok()
        rows2 = index_rows(parse_csv_output(r2.stdout))
        periods = {k[1] for k in rows2}
        check(periods == {"2018"}, f"--period 2018 wrote periods {sorted(periods)}")
        for node, published in (("police_incidents", "-45.96"), ("fires", "-82.98")):
            v = num(rows2[(CITY, "2018", node)]["value_change_pct"])
            check(v is not None, f"--base 2014: {node}: empty value_change_pct")
            exact = pct(value(node, 2018), value(node, 2014))
            check(abs(v - exact) <= 1e-9 * abs(exact),
                  f"--base 2014 --period 2018: {node} value_change_pct {v!r}, expected {exact!r}")
            check(rounded(v, 2) == published,
                  f"--base 2014 --period 2018: {node} value_change_pct {v} rounds to "
                  f"{rounded(v, 2)}, published {published}")
            ok(f"--base 2014 --period 2018: {node} value_change_pct {v!r} -> {published} %")

        # zero fire deaths in 2017 and 2018 (两年零伤亡)
        for year in (2017, 2018):
            check(value("fire_deaths", year) == 0,
                  f"fire_deaths {year} = {value('fire_deaths', year)!r}, published 0")
        ok("fire_deaths = 0 in 2017 and 2018")

        # 2019 vs 2018, value_change_pct against the previous year
        for node, decimals, published in (("police_incidents", 2, "-17.22"),
                                          ("criminal_cases", 1, "-4.5"),
                                          ("gun_cases", 1, "-84.6")):
            v = change(node, 2019)
            exact = pct(value(node, 2019), value(node, 2018))
            check(abs(v - exact) <= 1e-9 * abs(exact),
                  f"{node} 2019 value_change_pct {v!r}, expected {exact!r}")
            check(rounded(v, decimals) == published,
                  f"{node} 2019 vs 2018: value_change_pct {v} rounds to {rounded(v, decimals)}, "
                  f"published {published}")
            ok(f"{node} 2019 vs 2018 value_change_pct {v!r} -> {published} %")

        # the text report: the 珠海市 block shows the three 2019 changes on the right rows
        t = run(tool, ["data/2019.csv"], cwd=tmp).expect_ok().stdout
        lines = t.splitlines()
        head = [i for i, l in enumerate(lines) if l.startswith("珠海市 (zhuhai)")]
        check(len(head) == 1, f"text report: expected one block headed '珠海市 (zhuhai)', "
                              f"found {len(head)}")
        block = []
        for l in lines[head[0] + 1:]:
            if not l.strip():
                break
            block.append(l)
        for label, shown in (("违法犯罪警情", "-17.22%"), ("刑事案件立案数", "-4.50%"),
                             ("涉枪案件立案数", "-84.62%")):
            row = [l for l in block if l.split()[0] == label]
            check(len(row) == 1, f"text report, 珠海市 block: no single row for {label}:\n"
                                 + "\n".join(block))
            check(shown in row[0].split(),
                  f"text report, 珠海市 block, {label}: expected {shown} in {row[0]!r}")
            ok(f"text report, 珠海市, {label}: {shown}")

        # every district column adds up to the city row, in every year
        years = read_years(os.path.join(root, "data"))
        check(sorted(years) == [str(y) for y in range(2014, 2020)],
              f"data/ holds the years {sorted(years)}, expected 2014..2019")
        for year, table in sorted(years.items()):
            check(table[0]["unit"] == CITY, f"data/{year}.csv: first row is {table[0]['unit']}")
            cols = [c for c in table[0] if c not in ("unit", "name")]
            for c in cols:
                city = int(table[0][c])
                total = sum(int(r[c]) for r in table[1:])
                check(city == total, f"data/{year}.csv: districts' {c} add up to {total}, "
                                     f"the city row says {city}")
            # and the tool reports the raw counts of the files
            for rr in table:
                for c in cols:
                    k = (rr["unit"], year, c)
                    if k in rows:
                        check(num(rows[k]["value"]) == float(rr[c]),
                              f"{k}: CSV value {rows[k]['value']!r}, data/{year}.csv has {rr[c]}")
            ok(f"data/{year}.csv: {len(table) - 1} districts add up to the city in "
               f"{len(cols)} columns; values in the CSV output match")


if __name__ == "__main__":
    main(body)
