#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reports for Excel (SPEC §8): --bom puts a UTF-8 byte-order mark before the CSV and changes
nothing else; -f xlsx writes a workbook whose every number, read back with openpyxl (Debian's
python3-openpyxl), is the CSV output's for the same cell."""
import os
import sys

try:
    import openpyxl
except ImportError:  # a Python of its own first on PATH: Debian's has python3-openpyxl
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

from clitest import (Model, check, copy_data, index_rows, main, ok, parse_csv_output, run,
                     setup, tempdir)

BOM = b"\xef\xbb\xbf"


def bom(tool, tmp):
    plain = run(tool, ["-f", "csv", "data/2019.csv"], cwd=tmp).expect_ok().out
    check(not plain.startswith(BOM), "CSV without --bom starts with a byte-order mark")
    marked = run(tool, ["-f", "csv", "--bom", "data/2019.csv"], cwd=tmp).expect_ok().out
    check(marked == BOM + plain, "--bom: the output is not the plain CSV after EF BB BF")
    run(tool, ["-f", "csv", "--bom", "-o", "bom.csv", "data/2019.csv"], cwd=tmp).expect_ok()
    with open(os.path.join(tmp, "bom.csv"), "rb") as f:
        check(f.read() == BOM + plain, "--bom -o FILE: the file is not BOM + the plain CSV")
    for fmt in ("text", "json"):
        r = run(tool, ["-f", fmt, "--bom", "data/2019.csv"], cwd=tmp)
        check(r.rc == 2 and r.out == b"", f"--bom -f {fmt}: status {r.rc}, expected 2")
        check(r.stderr == "pingan-index: --bom is for csv output (-f csv)\n",
              f"--bom -f {fmt}: message {r.stderr!r}")
    ok("--bom: EF BB BF before the CSV, byte for byte the same CSV after it; refused "
       "for text and json")


# What the workbook's band cells are filled with, for the colour names of data/pingan.ini.
BAND_FILL = {"blue": "4472C4", "yellow": "FFD966", "orange": "F4B183", "red": "E06666"}


def same_number(cell, text, where):
    """A workbook number against a CSV number: libxlsxwriter writes 16 significant digits
    (%.16G), so the cell must be the CSV's double rounded to 16 digits, exactly; an empty
    CSV field is an empty cell."""
    if text == "":
        check(cell is None, f"{where}: the CSV is empty there, the workbook has {cell!r}")
        return
    check(isinstance(cell, (int, float)) and not isinstance(cell, bool),
          f"{where}: {cell!r} is not a number (the CSV has {text})")
    check(float(cell) == float("%.16G" % float(text)),
          f"{where}: the workbook has {cell!r}, the CSV {text}")


def width(s):
    return sum(2 if ord(ch) > 0x2e7f else 1 for ch in s)


def check_widths(ws, first_row):
    """Every text cell from first_row on fits its column, CJK characters counted double."""
    for row in ws.iter_rows(min_row=first_row):
        for c in row:
            if isinstance(c.value, str):
                w = ws.column_dimensions[c.column_letter].width
                check(w >= width(c.value), f"{ws.title}!{c.coordinate} {c.value!r} needs "
                                           f"{width(c.value)} columns, has {w}")


def check_summary(ws, csv, model, period, groups):
    head = [c.value for c in ws[2]]
    check(head == ["排名", "代码", "地区", "指数", "得分变化", "变化%", "等级"] +
          [model.nodes[g]["label"] for g in groups], f"总览 header {head}")
    check(ws.freeze_panes == "D3", f"总览 frozen at {ws.freeze_panes}, expected D3")
    ranks = []
    for row in ws.iter_rows(min_row=3):
        v = [c.value for c in row]
        r = csv[(v[1], period, model.code)]
        where = f"总览 {v[1]}"
        check(v[2] == r["name"], f"{where}: name {v[2]!r}, CSV {r['name']!r}")
        same_number(v[0], r["rank"], where + " rank")
        for col, key in ((3, "score"), (4, "score_change"), (5, "score_change_pct")):
            same_number(v[col], r[key], f"{where} {key}")
        check(v[6] == (r["band"] or None), f"{where}: band {v[6]!r}, CSV {r['band']!r}")
        colour = dict((b[1], b[2]) for b in model.bands)[r["band"]]
        fill = row[6].fill.fgColor.rgb
        check(row[6].fill.fill_type == "solid" and fill[-6:] == BAND_FILL[colour],
              f"{where}: band {r['band']} ({colour}) is filled {row[6].fill.fill_type} {fill}")
        check(row[3].number_format == "0.00", f"{where}: score format {row[3].number_format}")
        for k, g in enumerate(groups):
            same_number(v[7 + k], csv[(v[1], period, g)]["score"], f"{where} {g}")
        ranks.append(v[0] if v[0] is not None else 0)
    units = {k[0] for k in csv}
    check(len(ranks) == len(units), f"总览 has {len(ranks)} units, the CSV {len(units)}")
    check(ranks == sorted(ranks), f"总览 is not in rank order (reference units first): {ranks}")


def check_group(ws, csv, model, period, group):
    kids = [c for c in model.children(group)]
    labels = [c.value for c in ws[2]][5::4]
    check(labels == [f"{model.nodes[k]['label']} ({model.nodes[k]['unit']})" for k in kids],
          f"{ws.title}: indicator labels {labels}")
    check(ws.freeze_panes == "D4", f"{ws.title} frozen at {ws.freeze_panes}, expected D4")
    n = 0
    for row in ws.iter_rows(min_row=4, values_only=True):
        where = f"{ws.title} {row[1]}"
        g = csv[(row[1], period, group)]
        same_number(row[0], g["rank"], where + " rank")
        same_number(row[3], g["score"], where + " score")
        same_number(row[4], g["score_change"], where + " score_change")
        for k, code in enumerate(kids):
            r = csv[(row[1], period, code)]
            for j, key in enumerate(("value", "rate", "value_change_pct", "score")):
                same_number(row[5 + 4 * k + j], r[key], f"{where} {code} {key}")
        n += 1
    return n


def check_periods(ws, csv, model):
    periods = sorted({k[1] for k in csv})
    head = [c.value for c in ws[2]]
    check(head == ["代码", "地区"] + periods, f"历年 header {head}")
    for row in ws.iter_rows(min_row=3, values_only=True):
        for p, cell in zip(periods, row[2:]):
            same_number(cell, csv[(row[0], p, model.code)]["score"], f"历年 {row[0]} {p}")


def workbook(tool, root, tmp, args):
    """-f xlsx against -f csv for the same arguments, every cell."""
    model = Model(os.path.join(root, "data", "pingan.ini"))
    csv = index_rows(parse_csv_output(run(tool, ["-f", "csv"] + args, cwd=tmp)
                                      .expect_ok().stdout))
    run(tool, ["-f", "xlsx", "-o", "out.xlsx"] + args, cwd=tmp).expect_ok()
    wb = openpyxl.load_workbook(os.path.join(tmp, "out.xlsx"))
    groups = model.children(model.code)
    names = ["总览"] + [model.nodes[g]["label"] for g in groups] + ["历年"]
    check(wb.sheetnames == names, f"sheets {wb.sheetnames}, expected {names}")
    period = max(k[1] for k in csv) if "--period" not in args else args[args.index("--period") + 1]
    title = run(tool, args, cwd=tmp).expect_ok().stdout.splitlines()[0]
    check(wb["总览"]["A1"].value == title, f"总览 title {wb['总览']['A1'].value!r}, the text "
                                           f"report's {title!r}")
    check_summary(wb["总览"], csv, model, period, groups)
    cells = sum(check_group(wb[model.nodes[g]["label"]], csv, model, period, g) for g in groups)
    if "--period" in args:  # 历年 has every period; a CSV with --period only the one
        i = args.index("--period")
        csv = index_rows(parse_csv_output(run(tool, ["-f", "csv"] + args[:i] + args[i + 2:],
                                              cwd=tmp).expect_ok().stdout))
    check_periods(wb["历年"], csv, model)
    for ws in wb:
        check_widths(ws, 3)
    ok(f"-f xlsx {' '.join(args)}: every number of {len(wb.sheetnames)} sheets ({cells} group "
       f"rows) is the CSV's, bands filled in their colours, headers frozen, CJK text fits")


def body():
    tool, root = setup()
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        bom(tool, tmp)
        workbook(tool, root, tmp, ["data/2019.csv"])
        workbook(tool, root, tmp, ["--period", "2016", "--compare", "mean:2", "data/2019.csv"])


main(body)
