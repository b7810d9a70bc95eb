#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Which model pingan-index uses, --help and --version.

    python3 test_config.py PINGAN_INDEX SOURCE_ROOT

- `-c FILE` / `--config FILE` picks the model, even when a pingan.ini lies
  beside the data;
- without -c, the pingan.ini beside the (first) data file is used: a copy of
  data/ whose pingan.ini has other weights gives other scores, and exactly
  those an independent recomputation gives for the edited model (also when
  the data file is named without a folder);
- with no pingan.ini beside the data, the built-in model is used, and it
  gives byte-for-byte the output of data/pingan.ini;
- `--help` / `-h` exit 0, print to stdout and mention every option;
  `--version` prints `pingan-index VERSION` with meson.build's version.
"""

import os
import re
import shutil
import sys

sys.dont_write_bytecode = True
from clitest import (Model, check, copy_data, index_rows, main, num, ok, parse_csv_output,
                     read_years, recompute, run, setup, tempdir)

OPTIONS = ["-c", "--config", "-f", "--format", "-o", "--output", "--period", "--base",
           "--node", "--top", "-h", "--help", "--version"]


def edit(text, old, new):
    check(text.count(old) == 1, f"test setup: {old!r} is not in pingan.ini exactly once")
    return text.replace(old, new)


def scores_of(stdout):
    return {k: num(r["score"]) for k, r in index_rows(parse_csv_output(stdout)).items()}


def expect_model(label, got, ini_path, years):
    """got (tool scores) equals the recomputation with the model in ini_path, to 1e-9."""
    m = Model(ini_path)
    n = 0
    for p, table in years.items():
        for row in table:
            for node, s in recompute(m, row).items():
                k = (row["unit"], p, node)
                check(k in got, f"{label}: no row for {k}")
                check(abs(got[k] - s) <= 1e-9,
                      f"{label}: {k} score {got[k]!r}, recomputed with {os.path.basename(ini_path)} "
                      f"{s!r}")
                n += 1
    return n


def differs(a, b):
    return sum(1 for k in a if abs(a[k] - b[k]) > 1e-6)


def body():
    tool, root = setup()
    shipped = os.path.join(root, "data", "pingan.ini")
    with open(shipped, encoding="utf-8") as f:
        ini = f.read()
    years = read_years(os.path.join(root, "data"))
    # other weights: 治安 6 -> 2 (so 1 : 1 : 1 for the groups), police incidents 3 -> 1
    other = edit(ini, "[group order]\nlabel = 治安\nparent = pingan\nweight = 6",
                 "[group order]\nlabel = 治安\nparent = pingan\nweight = 2")
    other = edit(other, "weight = 3\n", "weight = 1\n")

    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        base = scores_of(run(tool, ["-f", "csv", "data/2019.csv"], cwd=tmp).expect_ok().stdout)
        n = expect_model("shipped model beside the data", base, shipped, years)
        ok(f"pingan.ini beside the data (the shipped one): {n} scores as recomputed")

        # -c / --config wins over the pingan.ini beside the data
        os.makedirs(os.path.join(tmp, "elsewhere"))
        alt = os.path.join(tmp, "elsewhere", "alt.ini")
        with open(alt, "w", encoding="utf-8") as f:
            f.write(other)
        for opt in ("-c", "--config"):
            got = scores_of(run(tool, [opt, "elsewhere/alt.ini", "-f", "csv", "data/2019.csv"],
                                cwd=tmp).expect_ok().stdout)
            check(differs(got, base) > 0, f"{opt} alt.ini: the scores did not change")
            expect_model(f"{opt} elsewhere/alt.ini", got, alt, years)
            ok(f"{opt} elsewhere/alt.ini is used over data/pingan.ini: "
               f"{differs(got, base)} scores change, all as recomputed with alt.ini")
        got = scores_of(run(tool, ["-f", "csv", "--config=elsewhere/alt.ini", "data/2019.csv"],
                            cwd=tmp).expect_ok().stdout)
        expect_model("--config=elsewhere/alt.ini", got, alt, years)
        ok("--config=FILE works too")

        # without -c: the edited pingan.ini beside a copy of the data
        edited = os.path.join(tmp, "edited")
        copy_data(root, edited, ini=False)
        with open(os.path.join(edited, "pingan.ini"), "w", encoding="utf-8") as f:
            f.write(other)
        got = scores_of(run(tool, ["-f", "csv", "edited/2019.csv"], cwd=tmp).expect_ok().stdout)
        check(differs(got, base) > 0, "edited pingan.ini beside the data: scores did not change")
        expect_model("edited pingan.ini beside the data", got, alt, years)
        ok(f"edited/pingan.ini beside edited/2019.csv is used: {differs(got, base)} scores "
           f"change, all as recomputed")
        got2 = scores_of(run(tool, ["-f", "csv", "2019.csv"], cwd=edited).expect_ok().stdout)
        check(got2 == got, "`pingan-index 2019.csv` run inside edited/ does not use ./pingan.ini")
        ok("a data file named without a folder uses ./pingan.ini")
        got3 = scores_of(run(tool, ["-f", "csv", os.path.join(edited, "2019.csv")])
                         .expect_ok().stdout)
        check(got3 == got, "an absolute data path does not use the pingan.ini beside it")
        ok("an absolute data path uses the pingan.ini beside it")

        # no pingan.ini beside the data: the built-in model = data/pingan.ini
        bare = os.path.join(tmp, "bare")
        copy_data(root, bare, ini=False)
        for args in (["-f", "csv"], ["-f", "json"], []):
            rb = run(tool, args + ["bare/2019.csv"], cwd=tmp).expect_ok()
            rs = run(tool, args + ["-c", shipped, "bare/2019.csv"], cwd=tmp).expect_ok()
            check(rb.out == rs.out, f"built-in model: `pingan-index {' '.join(args)} "
                                    f"bare/2019.csv` differs from -c data/pingan.ini")
        ok("no pingan.ini beside the data: the built-in model gives the output of "
           "data/pingan.ini (csv, json, text)")

    # --help, -h
    for opt in ("--help", "-h"):
        r = run(tool, [opt]).expect_ok()
        text = r.stdout
        check(text.startswith("Usage: pingan-index"), f"{opt}: does not start with the usage: "
                                                      f"{text[:60]!r}")
        words = set(re.findall(r"(?<![\w-])--?[a-z][a-z-]*", text))
        missing = [o for o in OPTIONS if o not in words]
        check(not missing, f"{opt}: the help does not mention {missing}")
        check("FILE" in text and "text" in text and "csv" in text and "json" in text,
              f"{opt}: the help does not show FILE and the formats")
        ok(f"{opt}: exit 0, usage on stdout, mentions {' '.join(OPTIONS)}")

    # --version: the project's version
    with open(os.path.join(root, "meson.build"), encoding="utf-8") as f:
        m = re.search(r"version\s*:\s*'([^']+)'", f.read())
    check(m is not None, "meson.build: no version")
    r = run(tool, ["--version"]).expect_ok()
    check(r.stdout == f"pingan-index {m.group(1)}\n",
          f"--version printed {r.stdout!r}, expected 'pingan-index {m.group(1)}'")
    ok(f"--version: {r.stdout.strip()}")


if __name__ == "__main__":
    main(body)
