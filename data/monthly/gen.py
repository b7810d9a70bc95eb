#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the ILLUSTRATIVE monthly data set of data/pingan-plus.ini: Zhuhai's streets and
# towns under their seven districts, 2019-01 .. 2020-02, street rows only (districts and the
# city are rolled up by the library). Not real figures: counts are drawn around plausible
# monthly rates per 10,000 residents with a fixed seed, so that the files never change.
# Run from anywhere: python3 data/monthly/gen.py
import os, random, re

HERE = os.path.dirname(os.path.abspath(__file__))
DISTRICTS = {  # district: streets and towns (2019), with an illustrative population
    "香洲区": [("翠香街道", 180000), ("梅华街道", 120000), ("前山街道", 150000),
              ("吉大街道", 110000), ("拱北街道", 130000), ("香湾街道", 100000),
              ("狮山街道", 90000), ("湾仔街道", 60000), ("凤山街道", 70000), ("南屏镇", 160000)],
    "金湾区": [("三灶镇", 120000), ("红旗镇", 110000)],
    "斗门区": [("井岸镇", 150000), ("白蕉镇", 90000), ("斗门镇", 50000), ("乾务镇", 60000),
              ("莲洲镇", 45000), ("白藤街道", 70000)],
    "横琴新区": [("横琴镇", 60000)],
    "高新区": [("唐家湾镇", 200000)],
    "万山区": [("万山镇", 3000), ("桂山镇", 4000), ("担杆镇", 2000)],
    "高栏港经济区": [("平沙镇", 80000), ("南水镇", 50000)],
}
MONTHS = [f"2019-{m:02d}" for m in range(1, 13)] + ["2020-01", "2020-02"]


def indicators():
    """(code, kind, level) from the template, in its order; level from the comment table."""
    text = open(os.path.join(HERE, "..", "pingan-plus.ini"), encoding="utf-8").read()
    out = []
    for sec in re.split(r"^\[indicator ", text, flags=re.M)[1:]:
        code = sec.split("]", 1)[0]
        out.append((code, "count" if "denominator = population" in sec else "share"))
    return out


LEVEL = {"petitions": 3.0, "mass_incidents": 0.05, "env_complaints": 4.0, "air_good_days": 92,
         "work_accidents": 0.3, "work_deaths": 0.03, "volunteers": 12, "social_orgs": 2,
         "police": 9, "criminal": 2.5, "civility_score": 85, "uncivil_reports": 1.5,
         "illegal_building": 0.8, "urban_closed": 95, "brave_deeds": 0.02, "duty_crimes": 0.03,
         "hotline": 25, "hotline_satisfaction": 90, "food_complaints": 2, "food_pass": 97.5,
         "traffic_accidents": 1.2, "traffic_deaths": 0.05, "fires": 0.4, "fire_fixed": 93,
         "consumer_complaints": 3, "consumer_satisfaction": 80, "insured": 88,
         "wage_arrears": 0.4}


def poisson(rng, lam):
    # Knuth for small means, a rounded normal for large ones (stdlib only)
    if lam > 60:
        return max(0, round(rng.gauss(lam, lam ** 0.5)))
    k, p, t = 0, 1.0, pow(2.718281828459045, -lam)
    while True:
        p *= rng.random()
        if p <= t:
            return k
        k += 1


def main():
    rng = random.Random(20200229)
    inds = indicators()
    with open(os.path.join(HERE, "parents.csv"), "w", encoding="utf-8") as f:
        f.write("unit,parent,level\n珠海市,,市\n")
        for d in DISTRICTS:
            f.write(f"{d},珠海市,区\n")
        for d, streets in DISTRICTS.items():
            for s, _ in streets:
                f.write(f"{s},{d},镇街\n")
    # each street has its own character (a factor per indicator), and the city improves
    # slowly, with a dip around the Spring Festival (January/February)
    char = {s: {c: rng.uniform(0.6, 1.5) for c, _ in inds}
            for streets in DISTRICTS.values() for s, _ in streets}
    for i, month in enumerate(MONTHS):
        trend = 1 - 0.01 * i
        festive = 1.15 if month.endswith(("-01", "-02")) else 1.0
        with open(os.path.join(HERE, f"{month}.csv"), "w", encoding="utf-8") as f:
            f.write("unit,name,month,population," + ",".join(c for c, _ in inds) + "\n")
            for d, streets in DISTRICTS.items():
                for s, pop in streets:
                    pop_m = round(pop * (1 + 0.002 * i))
                    row = [s, s, month, str(pop_m)]
                    for c, kind in inds:
                        if kind == "count":
                            lam = LEVEL[c] * char[s][c] * trend * festive * pop_m / 10000
                            row.append(str(poisson(rng, lam)))
                        else:
                            gap = (100 - LEVEL[c]) * char[s][c] * trend
                            row.append(f"{min(100.0, 100 - gap + rng.gauss(0, 0.5)):.1f}")
                    f.write(",".join(row) + "\n")
    # the model beside the data, so that `pingan-index data/monthly/2020-02.csv` finds it
    text = open(os.path.join(HERE, "..", "pingan-plus.ini"), encoding="utf-8").read()
    text = text.replace("parents = monthly/parents.csv", "parents = parents.csv")
    text = text.replace("; pingan-plus.ini - ", "; data/monthly/pingan.ini - written by gen.py "
                        "from data/pingan-plus.ini; ", 1)
    open(os.path.join(HERE, "pingan.ini"), "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
