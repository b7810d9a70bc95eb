#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Model mistakes are reported, never absorbed: what the user sees.

    python3 test_model_errors.py PINGAN_INDEX SOURCE_ROOT

Each case edits a copy of data/pingan.ini and runs the tool on data/2019.csv
with it; a mistake must exit 1 with exactly one line
`pingan-index: FILE:LINE:COLUMN: message` and no output. Cases that the model
honours instead (bands with hex colours and blanks before ';') are checked
against the band every unit must get from its index score.
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True
from clitest import (Model, check, copy_data, index_rows, main, num, ok, parse_csv_output,
                     run, setup, tempdir)

TOOL, ROOT = setup()


def edit(text, old, new):
    check(text.count(old) == 1, f"test setup: {old!r} is not in pingan.ini exactly once")
    return text.replace(old, new)


def shipped():
    with open(os.path.join(ROOT, "data", "pingan.ini"), encoding="utf-8") as f:
        return f.read()


def line_col(text, needle):
    """1-based line and column (in bytes) of the first needle in text."""
    before = text[:text.index(needle)].encode("utf-8")
    line = before.count(b"\n") + 1
    return line, len(before) - (before.rfind(b"\n") + 1) + 1


def write(folder, name, text, encoding="utf-8"):
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(text.encode(encoding) if isinstance(text, str) else text)
    return path


def expect_error(label, folder, ini_text, message, name="bad.ini", data="2019.csv"):
    path = write(folder, name, ini_text)
    return expect_message(label, path, message, data=os.path.join(folder, data))


def expect_message(label, model, message, data):
    r = run(TOOL, ["-c", model, "-f", "csv", data])
    check(r.rc == 1, f"{label}: exit {r.rc}, expected 1; stderr {r.stderr!r}")
    check(r.out == b"", f"{label}: wrote output despite the error")
    want = f"pingan-index: {message}\n"
    check(r.stderr == want, f"{label}: stderr\n  {r.stderr!r}\nexpected\n  {want!r}")
    check("line 0" not in r.stderr, f"{label}: a message says 'line 0'")
    ok(f"{label}: {r.stderr.strip()}")


def bands_of(stdout):
    return {k: r["band"] for k, r in index_rows(parse_csv_output(stdout)).items()}


def test_bands(folder):
    """Hex colours and blanks before ';' keep every band: each unit's index band is the one
    its score falls in, by the thresholds as written (computed here, not by the tool)."""
    old = "bands = 90 优秀 blue; 80 良好 yellow; 70 平稳 orange; 0 较差 red"
    new = "bands = 90 优秀 #0000ff ; 80 良好 #ff0 ; 70 平稳 #ffa500; 0 较差 red ; four bands"
    path = write(folder, "bands.ini", edit(shipped(), old, new))
    r = run(TOOL, ["-c", path, "-f", "csv", os.path.join(folder, "2019.csv")]).expect_ok()
    rows = index_rows(parse_csv_output(r.stdout))
    cuts = [(90, "优秀"), (80, "良好"), (70, "平稳"), (0, "较差")]
    seen = set()
    for k, row in rows.items():
        s = num(row["score"])
        want = next(label for t, label in cuts if s >= t)
        check(row["band"] == want, f"bands: {k} scores {s}, band {row['band']!r}, want {want!r}")
        seen.add(want)
    check(len(seen) >= 3, f"bands: the sample should reach at least three bands, got {seen}")
    ok(f"bands with hex colours and ' ;': {len(rows)} index rows, bands {sorted(seen)}")


def test_duplicate_key(folder):
    text = edit(shipped(), "label = 治安\n", "label = 治安\nweight = 3\n")
    line, _ = line_col(text, "weight = 6")
    first, _ = line_col(text, "weight = 3")
    path = os.path.join(folder, "bad.ini")
    expect_error("key given twice", folder, text,
                 f"{path}:{line}:1: 'weight' is given twice in this section "
                 f"(first at line {first})")


REF = "reference_units = zhuhai      ;"


def test_reference_units(folder):
    """A typo in reference_units is an error at its column; '，' and '、' separate codes like
    ',': the city and 香洲 are then both unranked, and the other units' ranks are unchanged
    (the reference units take no part in any statistic of this goalposts model)."""
    text = edit(shipped(), REF, "reference_units = zhuhai, xiangzhuo ;")
    line, col = line_col(text, "xiangzhuo")
    expect_error("reference unit typo", folder, text,
                 f"{os.path.join(folder, 'bad.ini')}:{line}:{col}: reference unit 'xiangzhuo' "
                 f"is not a unit of the data")
    runs = {}
    for sep in (",", "，", "、"):
        path = write(folder, "ref.ini", edit(shipped(), REF,
                                            f"reference_units = zhuhai{sep}xiangzhou ;"))
        r = run(TOOL, ["-c", path, "-f", "csv", os.path.join(folder, "2019.csv")]).expect_ok()
        runs[sep] = r.out
        rows = index_rows(parse_csv_output(r.stdout))
        for (unit, period, node), row in rows.items():
            if unit in ("zhuhai", "xiangzhou"):
                check(row["rank"] == "", f"'{sep}': {unit} {period} {node} ranked {row['rank']}")
    check(runs[","] == runs["，"] == runs["、"], "'，' or '、' gives another result than ','")
    ok("reference_units: '，' and '、' separate codes like ','")


def test_messages(folder):
    """A NUL byte names its line and column; -c on a folder says so; fracmax's error names
    the model line that chose it; the index's own code as a group is no "line 0"."""
    text = shipped()
    line, col = line_col(text, "治安")
    path = write(folder, "nul.ini", text.replace("治安", "\0治安", 1))
    expect_message("NUL byte", path,
                   f"{path}:{line}:{col}: NUL byte in the model file (not a text file?)",
                   os.path.join(folder, "2019.csv"))
    expect_message("-c on a folder", folder, f"{folder}: is a directory, not a model file",
                   os.path.join(folder, "2019.csv"))
    text = edit(shipped(), "[group order]", "[group pingan]")
    line, _ = line_col(text, "[group pingan]")
    expect_error("group with the index's code", folder, text,
                 f"{os.path.join(folder, 'bad.ini')}:{line}:2: 'pingan' is the code of the "
                 f"index; give this group another code")
    # lower is better: the largest of -1, -2 is -1
    write(folder, "fm.csv", "unit,a\nu1,1\nu2,2\n")
    text = "[index]\n[indicator a]\ndirection = -1\nnormalise = fracmax\n"
    expect_error("fracmax over negative values", folder, text,
                 f"{os.path.join(folder, 'bad.ini')}:4:13: indicator 'a': fracmax needs a "
                 f"positive maximum (after applying the direction), but it is -1", data="fm.csv")


def test_unused_parameters(folder):
    """A parameter its method does not use: the key, the method in use, what uses the key."""
    bad = os.path.join(folder, "bad.ini")
    text = edit(shipped(), "aggregate = arithmetic\n", "aggregate = arithmetic\np = 2\n")
    line, _ = line_col(text, "p = 2")
    expect_error("p under the arithmetic mean", folder, text,
                 f"{bad}:{line}:1: 'p' is used only by aggregate = genmean, but 'pingan' is "
                 f"aggregated with arithmetic")
    text = edit(shipped(), "normalise = goalposts\n", "normalise = minmax\n")
    line, _ = line_col(text, "goalposts = 0, 1500")
    expect_error("goalposts under minmax", folder, text,
                 f"{bad}:{line}:1: 'goalposts' is used only by normalise = goalposts, but "
                 f"'police_incidents' is normalised with minmax")
    text = edit(shipped(), "denominator = population\nper = 10000\ngoalposts = 0, 1500",
                "per = 10000\ngoalposts = 0, 1500")
    line, _ = line_col(text, "per = 10000\ngoalposts = 0, 1500")
    expect_error("per without denominator", folder, text,
                 f"{bad}:{line}:1: 'per' is used only by an indicator with a 'denominator', "
                 f"but 'police_incidents' has no 'denominator'")
    text = edit(shipped(), "range = 0, 100\n", "range = 0, 100\nmean_sd = 0, 1\n")
    line, _ = line_col(text, "mean_sd")
    expect_error("mean_sd with goalposts everywhere", folder, text,
                 f"{bad}:{line}:1: 'mean_sd' is used only by normalise = zscore, but "
                 f"'police_incidents' is normalised with goalposts (no indicator that takes "
                 f"it from [index] uses it)")


def test_weight_zero(folder):
    text = edit(shipped(), "weight = 6\n", "weight = 0\n")
    line, col = line_col(text, "weight = 0")
    expect_error("INI weight 0", folder, text,
                 f"{os.path.join(folder, 'bad.ini')}:{line}:{col + 9}: weight must be a positive "
                 f"number, not '0' (to leave a node out, delete its section, or give an "
                 f"indicator Weight 0 in a COINr iMeta table)")


def test_gb18030(folder):
    """pingan.ini converted by iconv to GB18030 (Notepad's "ANSI" on a Chinese Windows) gives
    byte for byte the output of the UTF-8 file, labels included."""
    src = os.path.join(ROOT, "data", "pingan.ini")
    gb = subprocess.run(["iconv", "-f", "UTF-8", "-t", "GB18030", src], check=True,
                        stdout=subprocess.PIPE).stdout
    with open(src, "rb") as f:
        check(gb != f.read(), "test setup: the GB18030 file equals the UTF-8 one")
    path = write(folder, "gb.ini", gb)
    data = os.path.join(folder, "2019.csv")
    for fmt in ("csv", "text"):
        want = run(TOOL, ["-c", src, "-f", fmt, data]).expect_ok().out
        got = run(TOOL, ["-c", path, "-f", fmt, data]).expect_ok().out
        check(got == want, f"GB18030 model: {fmt} output differs from the UTF-8 model's")
    check("珠海市“平安+”市域社会治理指数".encode() in got, "GB18030 model: the label is lost")
    ok("a GB18030 model (made with iconv) computes what the UTF-8 model does")


def test_meta(folder):
    """meta = iMeta.csv: units from iData's uCode column without unit_column; COINr's
    Weight = 0 leaves the indicator out, so its group is the mean of the other children
    (recomputed here from their score rows), and an INI weight = 0 stays an error."""
    import csv
    asem = os.path.join(ROOT, "tests", "reference", "data", "asem")
    with open(os.path.join(asem, "iMeta.csv"), encoding="utf-8", newline="") as f:
        meta = list(csv.DictReader(f))
    for row in meta:
        if row["iCode"] == "LPI":
            row["Weight"] = "0"
    with open(os.path.join(folder, "iMeta.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(meta[0].keys()))
        w.writeheader()
        w.writerows(meta)
    path = write(folder, "asem.ini", "[index]\nmeta = iMeta.csv\nscope = period\n")
    r = run(TOOL, ["-c", path, "-f", "csv", os.path.join(asem, "iData.csv")]).expect_ok()
    rows = parse_csv_output(r.stdout)
    with open(os.path.join(asem, "iData.csv"), encoding="utf-8", newline="") as f:
        codes = {row["uCode"] for row in csv.DictReader(f)}
    check({row["unit"] for row in rows} == codes, "meta: the units are not iData's uCode")
    check(not any(row["node"] == "LPI" for row in rows), "meta: LPI (Weight 0) is reported")
    physical = [m["iCode"] for m in meta if m["Parent"] == "Physical" and m["iCode"] != "LPI"]
    check(all(m["Weight"] == "1" for m in meta if m["iCode"] in physical),
          "test setup: Physical's other indicators do not all have weight 1")
    score = {(row["unit"], row["node"]): num(row["score"]) for row in rows}
    for u in codes:
        kids = [score[(u, k)] for k in physical if score[(u, k)] is not None]
        want = sum(kids) / len(kids)
        check(abs(score[(u, "Physical")] - want) <= 1e-9 * max(1, abs(want)),
              f"meta: {u} Physical {score[(u, 'Physical')]}, mean of the others {want}")
    ok(f"meta: Weight 0 leaves LPI out; Physical is the mean of {len(physical)} indicators "
       f"for {len(codes)} uCode units")


def body():
    with tempdir() as t:
        folder = copy_data(ROOT, os.path.join(t, "data"))
        test_bands(folder)
        test_duplicate_key(folder)
        test_reference_units(folder)
        test_messages(folder)
        test_unused_parameters(folder)
        test_weight_zero(folder)
        test_gb18030(folder)
        test_meta(folder)


main(body)
