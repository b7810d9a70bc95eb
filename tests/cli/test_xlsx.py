#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reports for Excel (SPEC §8): --bom puts a UTF-8 byte-order mark before the CSV and changes
nothing else; -f xlsx writes a workbook whose every number, read back with openpyxl (Debian's
python3-openpyxl), is the CSV output's for the same cell."""
import io
import os
import select
import signal
import subprocess
import sys
import time

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


def on_terminal(tool, args, cwd):
    """(status, what reached the terminal, stderr) of the tool with a pseudo-terminal as its
    standard output."""
    master, slave = os.openpty()
    p = subprocess.Popen([tool] + args, cwd=cwd, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    out = b""
    while select.select([master], [], [], 30)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = p.stderr.read().decode("utf-8")
    p.wait(30)
    return p.returncode, out, err


def streams(tool, tmp):
    """A terminal is refused before anything is read; a pipe gets the whole workbook."""
    rc, out, err = on_terminal(tool, ["-f", "xlsx", "data/2019.csv"], tmp)
    check(rc == 2 and out == b"", f"-f xlsx on a terminal: status {rc}, {len(out)} bytes")
    check(err == "pingan-index: -f xlsx writes a binary workbook, not for a terminal: give -o "
                 "FILE.xlsx or redirect standard output\n", f"-f xlsx on a terminal: {err!r}")
    rc, out, err = on_terminal(tool, ["-f", "xlsx", "-o", "tty.xlsx", "data/2019.csv"], tmp)
    check(rc == 0 and err == "", f"-f xlsx -o FILE from a terminal: status {rc}, {err!r}")
    piped = run(tool, ["-f", "xlsx", "data/2019.csv"], cwd=tmp).expect_ok().out
    a = openpyxl.load_workbook(io.BytesIO(piped))
    b = openpyxl.load_workbook(os.path.join(tmp, "tty.xlsx"))
    check([[c.value for r in ws.iter_rows() for c in r] for ws in a] ==
          [[c.value for r in ws.iter_rows() for c in r] for ws in b],
          "-f xlsx to a pipe: not the workbook -o writes")
    r = run(tool, ["-f", "xlsx", "--node", "order", "-o", "n.xlsx", "data/2019.csv"], cwd=tmp)
    check(r.rc == 2 and r.stderr == "pingan-index: --node is for csv and json output; a "
                                    "workbook holds every node\n", f"--node with xlsx: {r.rc} "
                                                                    f"{r.stderr!r}")
    check(not os.path.exists(os.path.join(tmp, "n.xlsx")), "--node -f xlsx made a file")
    ok("-f xlsx: a terminal is a usage error (exit 2, nothing written), a pipe gets the "
       "workbook -o writes; --node is refused")


def listing(folder):
    return sorted(os.listdir(folder))


def panel(folder, units, periods=("",), indicators=1):
    """A model of `indicators` minmax indicators under the index, and a file of `units` units
    per period (a single file without a period when periods is ("",))."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "pingan.ini"), "w", encoding="utf-8") as f:
        f.write("[index]\ncode = big\ndenominate = no\n" +
                "".join(f"[indicator x{i}]\nparent = big\n" for i in range(indicators)))
    for p in periods:
        with open(os.path.join(folder, f"{p or 'units'}.csv"), "w", encoding="utf-8") as f:
            f.write("unit," + ",".join(f"x{i}" for i in range(indicators)) + "\n")
            f.write("".join(f"u{u}," + ",".join(str((u * 7 + i * 13 + len(p)) % 101)
                                                for i in range(indicators)) + "\n"
                            for u in range(units)))
    return folder


def run_env(tool, args, cwd, env):
    p = subprocess.run([tool] + args, cwd=cwd, env=dict(os.environ, **env),
                       capture_output=True, timeout=300)
    err = [l for l in p.stderr.decode("utf-8").splitlines() if ": note: " not in l]
    return p.returncode, err


def row_limit(tool, tmp):
    """Excel's 1,048,576 rows: the summary takes two header rows, a group sheet three, so
    1,048,574 units are one too many: one message, exit 1, the old file kept, no file
    anywhere. The data is one indicator, so that the run takes about a second."""
    folder = panel(os.path.join(tmp, "rows"), 1048576 - 2)
    spool = os.path.join(tmp, "spool")
    os.mkdir(spool)
    with open(os.path.join(folder, "out.xlsx"), "wb") as f:
        f.write(b"old")
    before = listing(folder)
    rc, err = run_env(tool, ["-f", "xlsx", "-o", "out.xlsx", "units.csv"], folder,
                      {"TMPDIR": spool})
    check(rc == 1 and err == ["pingan-index: -f xlsx: 1048574 units need 1048577 rows; an "
                              "Excel sheet holds 1048576 (write -f csv for so many units)"],
          f"1,048,574 units: status {rc}, {err}")
    with open(os.path.join(folder, "out.xlsx"), "rb") as f:
        check(f.read() == b"old", "1,048,574 units: the old out.xlsx changed")
    check(listing(folder) == before and listing(spool) == [],
          f"1,048,574 units: left {listing(folder)} and {listing(spool)} in $TMPDIR")
    rc, err = run_env(tool, ["-f", "xlsx", "units.csv"], folder, {})
    check(rc == 1 and len(err) == 1, f"1,048,574 units to a pipe: status {rc}, {err}")
    ok("-f xlsx: 1,048,574 units (one row too many) are one message, exit 1, nothing written")


def interrupted(tool, tmp):
    """SIGTERM while the workbook is being made: the old file stays, and neither the output's
    folder nor $TMPDIR keeps a file."""
    folder = panel(os.path.join(tmp, "term"), 60000, ("2018", "2019"), 8)
    spool = os.path.join(tmp, "spool2")
    os.mkdir(spool)
    out = os.path.join(folder, "out.xlsx")
    with open(out, "wb") as f:
        f.write(b"old")
    names = set(listing(folder))
    for attempt in range(20):
        p = subprocess.Popen([tool, "-f", "xlsx", "-o", "out.xlsx", "2019.csv"], cwd=folder,
                             env=dict(os.environ, TMPDIR=spool), stderr=subprocess.PIPE)
        caught = False
        while p.poll() is None:
            if set(listing(folder)) - names:  # the output's temporary file: writing
                time.sleep(0.2)
                p.send_signal(signal.SIGTERM)
                caught = True
                break
            time.sleep(0.001)
        _, err = p.communicate(timeout=120)
        if caught and p.returncode == -signal.SIGTERM:
            break
    else:
        check(False, "could not signal a run while it wrote its workbook in 20 tries")
    lines = err.decode("utf-8").splitlines()
    check(lines == ["pingan-index: stopped by SIGTERM; out.xlsx is left as it was"],
          f"SIGTERM while writing: stderr {lines}")
    with open(out, "rb") as f:
        check(f.read() == b"old", "SIGTERM while writing the workbook: the old file changed")
    check(set(listing(folder)) == names and listing(spool) == [],
          f"SIGTERM while writing: left {sorted(set(listing(folder)) - names)}, "
          f"{listing(spool)} in $TMPDIR")
    run_env(tool, ["-f", "xlsx", "-o", "out.xlsx", "2019.csv"], folder, {"TMPDIR": spool})
    check(listing(spool) == [], f"a whole run left {listing(spool)} in $TMPDIR")
    ok("-f xlsx: SIGTERM while the workbook is made leaves the old file and no temporary file")


def sheet_names(tool, root, tmp):
    """Sheet names made from labels by Excel's rules (31 characters, no []:*?/\\, no
    apostrophe at an end, unique), where Excel would refuse the workbook otherwise."""
    folder = copy_data(root, os.path.join(tmp, "names"))
    path = os.path.join(folder, "pingan.ini")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    long = "消防安全" * 10
    for old, new in (("label = 治安", "label = 治安/刑侦:重点[2019]*?"),
                     ("label = 消防安全", "label = " + long),
                     ("label = 交通安全", "label = " + long[:32] + "交通")):
        text = text.replace(old, new, 1)
    text = text.replace("[indicator traffic_deaths]\n", "[group extra]\nlabel = '总览'\n"
                        "parent = pingan\n\n[indicator traffic_deaths]\n", 1)
    text = text.replace("label = 道路交通事故死亡人数\nunit = 人\nparent = traffic",
                        "label = 道路交通事故死亡人数\nunit = 人\nparent = extra", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    run(tool, ["-f", "xlsx", "-o", "names.xlsx", "2019.csv"], cwd=folder).expect_ok()
    names = openpyxl.load_workbook(os.path.join(folder, "names.xlsx")).sheetnames
    want = ["总览", "治安_刑侦_重点_2019___", long[:31], long[:29] + "~2", "总览~2", "历年"]
    check(names == want, f"sheet names {names}, expected {want}")
    ok("-f xlsx: sheet names from labels: []:*?/\\ replaced, cut to 31 characters, "
       "apostrophes trimmed, clashes numbered")


def body():
    tool, root = setup()
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        bom(tool, tmp)
        workbook(tool, root, tmp, ["data/2019.csv"])
        workbook(tool, root, tmp, ["--period", "2016", "--compare", "mean:2", "data/2019.csv"])
        streams(tool, tmp)
        sheet_names(tool, root, tmp)
        row_limit(tool, tmp)
        interrupted(tool, tmp)


main(body)
