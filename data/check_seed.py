#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that the shipped sample data reproduces the published seed figures.

Reads data/2014.csv ... data/2019.csv (beside this script, or the folder given
as the only argument), checks the layout, that every district column sums to
the city row, the real population figures, and the percentage changes printed
in the seed article. Prints each check; exits 1 if any fails.

    python3 data/check_seed.py [FOLDER]
"""

import csv
import os
import sys
from fractions import Fraction

YEARS = range(2014, 2020)
COLUMNS = ["unit", "name", "population", "police_incidents", "criminal_cases",
           "gun_cases", "fires", "fire_deaths", "traffic_accidents",
           "traffic_deaths"]
CITY = ("zhuhai", "珠海市")
DISTRICTS = [
    ("xiangzhou", "香洲区"),
    ("jinwan", "金湾区"),
    ("doumen", "斗门区"),
    ("hengqin", "横琴新区"),
    ("gaoxin", "高新区"),
    ("gaolangang", "高栏港经济区"),
    ("wanshan", "万山海洋开发试验区"),
]
# 年末常住人口 (万人), published; 2014 and 2015 are not (illustrative there).
REAL_POPULATION = {2016: 1675300, 2017: 1765400, 2018: 1891100, 2019: 2023700}
# (column, old year, new year, published change in percent as printed)
PUBLISHED = [
    ("police_incidents", 2014, 2018, "-45.96"),
    ("fires", 2014, 2018, "-82.98"),
    ("police_incidents", 2018, 2019, "-17.22"),
    ("criminal_cases", 2018, 2019, "-4.5"),
    ("gun_cases", 2018, 2019, "-84.6"),
]
# "实现两年零伤亡": no fire deaths in these years
ZERO = [("fire_deaths", 2017), ("fire_deaths", 2018)]

failures = 0


def check(ok, text):
    global failures
    print(("ok    " if ok else "FAIL  ") + text)
    if not ok:
        failures += 1


def read_year(folder, year):
    path = os.path.join(folder, f"{year}.csv")
    with open(path, "rb") as f:
        raw = f.read()
    check(not raw.startswith(b"\xef\xbb\xbf"), f"{path}: no byte order mark")
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    check(rows[0] == COLUMNS, f"{path}: header is {','.join(COLUMNS)}")
    body = rows[1:]
    keys = [tuple(r[:2]) for r in body]
    check(keys == [CITY] + DISTRICTS,
          f"{path}: rows are the city, then the seven districts in order")
    table = {}
    problems = []
    for line, r in enumerate(body, start=2):
        if len(r) != len(COLUMNS):
            problems.append(f"{path}:{line}: {len(r)} fields, "
                            f"expected {len(COLUMNS)}")
        values = {}
        for name, cell in zip(COLUMNS[2:], r[2:]):
            if not (cell.isascii() and cell.isdigit()):
                problems.append(f"{path}:{line}: {name} = {cell!r} "
                                "is not a non-negative integer")
            values[name] = int(cell) if cell.isascii() and cell.isdigit() \
                else 0
        table[r[0]] = values
    for p in problems:
        check(False, p)
    check(not problems, f"{path}: {len(body)} rows of {len(COLUMNS)} fields, "
                        "counts are non-negative integers")
    return table


def change(old, new):
    """Exact percentage change (new - old) / old * 100 as a fraction."""
    return Fraction(new - old, old) * 100


def rounds_to(value, printed):
    """True if the exact value rounds to the printed decimal string."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    half = Fraction(1, 2 * 10 ** decimals)
    return abs(value - Fraction(printed)) < half


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    try:
        data = {y: read_year(folder, y) for y in YEARS}
    except (OSError, UnicodeDecodeError) as e:
        check(False, str(e))
        return 1

    print("\n-- districts sum to the city")
    for y in YEARS:
        for col in COLUMNS[2:]:
            total = sum(data[y][d][col] for d, _ in DISTRICTS)
            city = data[y][CITY[0]][col]
            if total != city:
                check(False, f"{y} {col}: districts {total} != city {city}")
        check(all(sum(data[y][d][c] for d, _ in DISTRICTS)
                  == data[y][CITY[0]][c] for c in COLUMNS[2:]),
              f"{y}: all {len(COLUMNS) - 2} columns of the districts "
              "sum to the city row")

    print("\n-- real city population (年末常住人口)")
    for y, persons in REAL_POPULATION.items():
        got = data[y][CITY[0]]["population"]
        check(got == persons, f"{y}: {got} persons (published "
                              f"{persons / 10000:.2f}万)")

    print("\n-- published changes of the city counts")
    for col, a, b, printed in PUBLISHED:
        old, new = data[a][CITY[0]][col], data[b][CITY[0]][col]
        value = change(old, new)
        check(rounds_to(value, printed),
              f"{col} {b} vs {a}: {old} -> {new}: {float(value):.4f}% "
              f"(tool prints {float(value):.2f}%), published {printed}%")
    for col, y in ZERO:
        got = data[y][CITY[0]][col]
        check(got == 0, f"{col} {y}: {got} (published: zero)")

    print()
    if failures:
        print(f"{failures} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
