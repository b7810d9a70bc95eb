#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Bad input never crashes pingan-index, and the message says where.

    python3 test_errors.py PINGAN_INDEX SOURCE_ROOT

A table of cases, each a small data CSV and/or model file written to its own
temporary folder (the tool runs there, so file names in messages are short
and stable). For every case:

- the exit status is 1 for bad data or model, 2 for a usage error, never a
  crash (a signal);
- nothing is written to standard output;
- standard error is exactly one line: `pingan-index: `, then
  `FILE:LINE:COLUMN: ` or `FILE:LINE: ` where the problem has a line (just
  `FILE: ` for a file as a whole), then a message that contains the case's
  fragments;
- run again with `-o out.csv` over an existing out.csv: the same exit status
  and message, out.csv byte-for-byte unchanged, no out.csv.tmp* left over;
- run again under valgrind (when installed): no memory error, no definite
  leak, and the same status and message.

Then the files that must be accepted (GB18030 as Excel writes it on a Chinese
Windows, UTF-8 with a byte order mark, both also larger than the 1 MiB read
chunk), and `-o` on success (the file equals standard output, nothing on
stdout, no temporary file left).

Every case runs even when one fails; the script prints one line per case and
exits 1 if any failed.
"""

import csv
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys

sys.dont_write_bytecode = True
from clitest import Failure, check, copy_data, fail, ok, run, setup, tempdir

HEADER = ("unit,name,population,police_incidents,criminal_cases,gun_cases,fires,"
          "fire_deaths,traffic_accidents,traffic_deaths")
ROW_CITY = "zhuhai,珠海市,2023700,26838,11460,2,215,1,2560,138"
ROW_XZ = "xiangzhou,香洲区,1001731,16343,6741,1,94,1,1166,45"


def data(*rows, header=HEADER):
    """A data CSV (UTF-8) from rows of text."""
    return ("\n".join((header,) + rows) + "\n").encode("utf-8")


def edit(text, old, new):
    """Replace exactly one occurrence of old in text."""
    n = text.count(old)
    check(n == 1, f"test setup: {old!r} occurs {n} times in the model, expected once")
    return text.replace(old, new)


def line_of(text, marker, start=0):
    """1-based number of the first line at or after line `start` that contains marker."""
    for i, l in enumerate(text.split("\n")[start:], start=start + 1):
        if marker in l:
            return i
    fail(f"test setup: {marker!r} not found")


class Case:
    """One bad input.

    files: {relative path: bytes or str} written into the case folder;
    args:  the command line after the tool;
    rc:    the expected exit status;
    where: the location the message must start with, one of (or a list of
           alternatives): "F:L:C" exactly that; "F:L" line L, column optional;
           "F" the file as a whole (anything may follow "F:"); None for usage
           errors (no location required);
    frags: fragments the message must contain (case-insensitive).
    """

    def __init__(self, name, files, args, rc, where, frags, output=True):
        self.name, self.files, self.args, self.rc = name, files, args, rc
        self.where = where if isinstance(where, list) or where is None else [where]
        self.frags, self.output = frags, output


def location_ok(msg, where):
    """Does msg (after 'pingan-index: ') start with one of the locations?"""
    for w in where:
        parts = w.split(":")
        f = re.escape(parts[0])
        if len(parts) == 3:
            pat = rf"{f}:{parts[1]}:{parts[2]}: "
        elif len(parts) == 2:
            pat = rf"{f}:{parts[1]}(:\d+)?: "
        else:
            pat = rf"{f}:"
        if re.match(pat, msg):
            return True
    return False


def cases(root):
    with open(os.path.join(root, "data", "pingan.ini"), encoding="utf-8") as f:
        ini = f.read()
    good = data(ROW_CITY, ROW_XZ)
    L = []

    def add(name, csv_bytes, where, frags, extra=None, args=None, rc=1):
        files = {"bad.csv": csv_bytes, "pingan.ini": ini}
        files.update(extra or {})
        L.append(Case(name, files, args or ["bad.csv"], rc, where, frags))

    # ---- data files ----
    add("ragged row", data(ROW_CITY[:ROW_CITY.rindex(",")], ROW_XZ), "bad.csv:2",
        ["fields"])
    add("stray quote", data(ROW_CITY.replace("26838", '268"38'), ROW_XZ), "bad.csv:2:4",
        ["quot"])
    add("unterminated quote", data(ROW_CITY.replace("26838", '"26838'), ROW_XZ),
        "bad.csv:2:4", ["unterminated"])
    add("text in a number column", data(ROW_CITY.replace("26838", "abc"), ROW_XZ),
        "bad.csv:2:4", ["'abc'", "police_incidents"])
    add("nan", data(ROW_CITY, ROW_XZ.replace("6741", "nan")), "bad.csv:3:5",
        ["'nan'", "criminal_cases"])
    add("inf", data(ROW_CITY, ROW_XZ.replace(",94,", ",inf,")), "bad.csv:3:7",
        ["'inf'", "fires"])
    add("-inf", data(ROW_CITY, ROW_XZ.replace(",94,", ",-inf,")), "bad.csv:3:7",
        ["'-inf'", "fires"])
    add("hex 0x10", data(ROW_CITY.replace(",215,", ",0x10,"), ROW_XZ), "bad.csv:2:7",
        ["'0x10'", "fires"])
    add("1e999", data(ROW_CITY.replace("2023700", "1e999"), ROW_XZ), "bad.csv:2:3",
        ["'1e999'", "population"])
    add("number with trailing text", data(ROW_CITY.replace(",138", ",138x"), ROW_XZ),
        "bad.csv:2:10", ["'138x'"])
    add("duplicate column", data(ROW_CITY + ",3", ROW_XZ + ",3", header=HEADER + ",fires"),
        "bad.csv:1:11", ["fires"])
    add("missing column the model needs",
        data(ROW_CITY[:ROW_CITY.rindex(",")], ROW_XZ[:ROW_XZ.rindex(",")],
             header=HEADER[:HEADER.rindex(",")]),
        "bad.csv:1", ["traffic_deaths"])
    add("empty file", b"", ["bad.csv:1", "bad.csv"], ["empty"])
    add("header only", data(), ["bad.csv:1", "bad.csv:2", "bad.csv"], ["no data"])
    add("NUL byte", data(ROW_CITY, ROW_XZ).replace(b"16343", b"163\x0043"), "bad.csv:3",
        ["NUL"])
    # \xff is no lead byte in UTF-8 or GB18030; the bad bytes are on line 3
    add("neither UTF-8 nor GB18030", data(ROW_CITY, ROW_XZ).replace(
        "香洲区".encode("utf-8"), b"\xff\xfe\xff"), "bad.csv:3", ["GB18030"])
    # line numbers are physical lines: blank lines, CRLF, CR-only and newlines inside
    # quoted fields all count
    bad_xz = ROW_XZ.replace("16343", "abc")
    add("line numbers count blank lines",
        f"{HEADER}\n\n{ROW_CITY}\n\n{bad_xz}\n".encode("utf-8"), "bad.csv:5:4", ["'abc'"])
    add("line numbers with CRLF and blank lines",
        f"{HEADER}\r\n\r\n{ROW_CITY}\r\n\r\n{bad_xz}\r\n".encode("utf-8"), "bad.csv:5:4",
        ["'abc'"])
    add("line numbers after a newline inside a quoted field",
        data(ROW_CITY.replace("珠海市", '"珠海\n市"'), bad_xz), "bad.csv:4:4", ["'abc'"])
    add("line numbers with CR-only line ends (Excel 'CSV (Macintosh)')",
        f"{HEADER}\r{ROW_CITY}\r{bad_xz}\r".encode("utf-8"), "bad.csv:3:4", ["'abc'"])
    add("empty unit code", data(ROW_CITY, "," + ROW_XZ.split(",", 1)[1]), "bad.csv:3:1",
        ["unit"])
    add("denominator 0", data(ROW_CITY, ROW_XZ.replace("1001731", "0")), "bad.csv:3",
        ["population", "xiangzhou"])
    add("negative denominator", data(ROW_CITY, ROW_XZ.replace("1001731", "-5")), "bad.csv:3",
        ["population", "xiangzhou"])
    L.append(Case("duplicate unit-period rows across two files",
                  {"a/2019.csv": data(ROW_CITY), "b/2019.csv": data(ROW_XZ, ROW_CITY),
                   "pingan.ini": ini},
                  ["-c", "pingan.ini", "a/2019.csv", "b/2019.csv"], 1, "b/2019.csv:3",
                  ["zhuhai", "2019"]))
    L.append(Case("duplicate unit-period rows in one file (year column)",
                  {"bad.csv": data(ROW_CITY + ",2019", ROW_XZ + ",2019", ROW_CITY + ",2019",
                                   header=HEADER + ",year"), "pingan.ini": ini},
                  ["bad.csv"], 1, "bad.csv:4", ["zhuhai", "2019"]))
    L.append(Case("missing data file", {"pingan.ini": ini}, ["nosuch.csv"], 1, "nosuch.csv",
                  ["nosuch.csv"]))

    # ---- model files (edits of the shipped data/pingan.ini) ----
    def model(name, text, where_marker, frags, col=None, marker_after=None):
        start = line_of(text, marker_after) if marker_after else 0
        ln = line_of(text, where_marker, start)
        where = [f"model.ini:{ln}" + (f":{col}" if col else "")]
        L.append(Case(name, {"good.csv": good, "model.ini": text},
                      ["-c", "model.ini", "good.csv"], 1, where, frags))

    model("model: unknown key", edit(ini, "[index]\n", "[index]\ncolour = red\n"),
          "colour = red", ["colour"])
    model("model: unknown method",
          edit(ini, "aggregate = arithmetic\n", "aggregate = mean\n"),
          "aggregate = mean", ["'mean'"])
    model("model: unknown normalisation",
          edit(ini, "normalise = goalposts\n", "normalise = minimax\n"),
          "normalise = minimax", ["minimax"])
    model("model: missing parent",
          edit(ini, "parent = fire\ndirection = -1\nweight = 1", "parent = nosuch\n"
               "direction = -1\nweight = 1"), "parent = nosuch", ["nosuch"])
    cyc = edit(ini, "[group fire]\nlabel = 消防安全\nparent = pingan",
               "[group fire]\nlabel = 消防安全\nparent = traffic")
    cyc = edit(cyc, "[group traffic]\nlabel = 交通安全\nparent = pingan",
               "[group traffic]\nlabel = 交通安全\nparent = fire")
    L.append(Case("model: cycle", {"good.csv": good, "model.ini": cyc},
                  ["-c", "model.ini", "good.csv"], 1,
                  [f"model.ini:{line_of(cyc, 'parent = traffic')}",
                   f"model.ini:{line_of(cyc, 'parent = fire', line_of(cyc, '[group traffic]'))}"],
                  ["cycle"]))
    model("model: weight 0", edit(ini, "weight = 3\n", "weight = 0\n"), "weight = 0",
          ["weight"])
    model("model: weight -1", edit(ini, "weight = 3\n", "weight = -1\n"), "weight = -1",
          ["weight", "-1"])
    model("model: weight not a number", edit(ini, "weight = 3\n", "weight = three\n"),
          "weight = three", ["weight", "three"])
    model("model: goalposts not numbers", edit(ini, "goalposts = 0, 1500", "goalposts = 0, x"),
          "goalposts = 0, x", ["goalposts"])
    geo_mm = ("[index]\ncode = pingan\nunit_column = unit\nnormalise = minmax\n"
              "range = 0, 100\naggregate = geometric\n\n"
              "[indicator police_incidents]\nparent = pingan\ndirection = -1\n\n"
              "[indicator fires]\nparent = pingan\ndirection = -1\n")
    model("model: geometric over minmax range 0,100", geo_mm, "aggregate = geometric",
          ["geometric", "minmax"])
    # a 0 that reaches a geometric mean only through the data: 高栏港 2014 fire deaths
    geo = edit(ini, "aggregate = arithmetic\n", "aggregate = geometric\n")
    files = {"data/pingan.ini": geo}
    for y in range(2014, 2020):
        with open(os.path.join(root, "data", f"{y}.csv"), "rb") as f:
            files[f"data/{y}.csv"] = f.read()
    gl = files["data/2014.csv"].decode("utf-8").split("\n")
    gl = next(i for i, l in enumerate(gl, start=1) if l.startswith("gaolangang,"))
    L.append(Case("model: geometric reaching a 0 score through the data", files,
                  ["data/2019.csv"], 1,
                  [f"data/2014.csv:{gl}", f"data/pingan.ini:{line_of(geo, 'aggregate = geo')}"],
                  ["gaolangang", "2014", "fire_deaths"]))
    L.append(Case("model file missing", {"good.csv": good}, ["-c", "nosuch.ini", "good.csv"], 1,
                  "nosuch.ini", ["nosuch.ini"]))

    # ---- usage ----
    def usage(name, args, frags, rc=2):
        L.append(Case(name, {"good.csv": good, "pingan.ini": ini}, args, rc, None, frags))

    usage("usage: unknown option", ["--bogus", "good.csv"], ["bogus"])
    usage("usage: unknown format", ["-f", "xml", "good.csv"], ["xml"])
    usage("usage: -f without an argument", ["good.csv", "-f"], ["-f"])
    usage("usage: --period 1999", ["--period", "1999", "good.csv"], ["1999"])
    usage("usage: --base 1999", ["--base", "1999", "good.csv"], ["1999"])
    usage("usage: --node nosuch", ["--node", "nosuch", "good.csv"], ["nosuch"])
    # csv and json compute only the nodes asked for (pa_compute_nodes), which refuses it
    usage("usage: --node nosuch with csv", ["-f", "csv", "--node", "nosuch", "good.csv"],
          ["--node", "nosuch"])
    usage("usage: --node nosuch with json", ["-f", "json", "--node", "pingan", "--node",
                                             "nosuch", "good.csv"], ["--node", "nosuch"])
    usage("usage: no file", [], ["file"])
    L.append(Case("output folder does not exist", {"good.csv": good, "pingan.ini": ini},
                  ["-o", "/nonexistent-dir/x.csv", "good.csv"], 1, "/nonexistent-dir/x.csv",
                  ["/nonexistent-dir/x.csv"], output=False))
    return L


def write_files(folder, files):
    for rel, content in files.items():
        p = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(content.encode("utf-8") if isinstance(content, str) else content)


def check_failure(c, r, label=""):
    """The common contract of a failing run; returns the message line."""
    args = r.argv[r.argv.index(c.tool_path) + 1:]
    what = f"{c.name}{label}: `pingan-index {' '.join(args)}`"
    check(r.rc >= 0, f"{what}: killed by signal {-r.rc}; stderr: {r.stderr!r}")
    check(r.rc == c.rc, f"{what}: exit status {r.rc}, expected {c.rc}; stderr: {r.stderr!r}")
    check(r.out == b"", f"{what}: wrote {len(r.out)} bytes to stdout: {r.out[:200]!r}")
    lines = r.stderr.splitlines()
    check(lines, f"{what}: no message on stderr")
    line = lines[0]
    bad = []
    if not line.startswith("pingan-index: "):
        bad.append(f"the message does not start with 'pingan-index: ': {line!r}")
    if len(lines) != 1:
        bad.append(f"stderr has {len(lines)} lines, expected exactly one message line:\n"
                   + "\n".join(lines[:4]) + ("\n..." if len(lines) > 4 else ""))
    check(not bad, f"{what}: " + "; ".join(bad))
    msg = line[len("pingan-index: "):]
    if c.where is not None:
        check(location_ok(msg, c.where),
              f"{what}: message {line!r} does not start with the location "
              f"{' or '.join(c.where)} (FILE:LINE:COLUMN / FILE:LINE where a line exists)")
    for frag in c.frags:
        check(frag.lower() in msg.lower(), f"{what}: message {line!r} lacks {frag!r}")
    return line


def run_case(tool, c, valgrind):
    c.tool_path = tool
    with tempdir() as tmp:
        write_files(tmp, c.files)
        r = run(tool, c.args, cwd=tmp)
        line = check_failure(c, r)
        # the same with -o over an existing file
        if c.output:
            before = b"previous contents\n"
            with open(os.path.join(tmp, "out.csv"), "wb") as f:
                f.write(before)
            r2 = run(tool, ["-o", "out.csv"] + c.args, cwd=tmp)
            line2 = check_failure(c, r2, " with -o out.csv")
            check(line2 == line, f"{c.name}: with -o the message changed: {line2!r}")
            with open(os.path.join(tmp, "out.csv"), "rb") as f:
                check(f.read() == before, f"{c.name}: the failing run changed out.csv")
            left = [n for n in os.listdir(tmp) if n.startswith("out.csv.")]
            check(not left, f"{c.name}: the failing run left {left}")
        if valgrind:
            rv = run(tool, c.args, cwd=tmp, prefix=valgrind, timeout=300)
            check(rv.rc != 99 and not re.search(r"^==\d+==", rv.stderr, re.M),
                  f"{c.name}: valgrind reports errors (status {rv.rc}):\n{rv.stderr}")
            check(rv.rc == r.rc and rv.stderr.strip() == line,
                  f"{c.name}: under valgrind status {rv.rc} and stderr {rv.stderr!r}, "
                  f"without it {r.rc} and {line!r}")
    return line


def accepted_files(tool, root, valgrind):
    """Files the tool must read: GB18030, UTF-8 with a BOM, both beyond the read chunk."""
    results = []

    def case(name, fn):
        try:
            fn()
            results.append((name, None))
            print(f"ok    {name}", flush=True)
        except Failure as e:
            results.append((name, str(e)))
            print(f"FAIL  {name}: {e}", flush=True)

    with open(os.path.join(root, "data", "2019.csv"), encoding="utf-8") as f:
        text2019 = f.read()
    ini = os.path.join(root, "data", "pingan.ini")

    def same_as_utf8(content, label, big_text=None):
        """content (bytes) as tmp/x/2019.csv gives the output of the UTF-8 text."""
        with tempdir() as tmp:
            for sub, blob in (("x", content),
                              ("u", (big_text or text2019).encode("utf-8"))):
                os.makedirs(os.path.join(tmp, sub))
                with open(os.path.join(tmp, sub, "2019.csv"), "wb") as f:
                    f.write(blob)
                shutil.copy(ini, os.path.join(tmp, sub))
            for args in (["-f", "csv"], []):
                rx = run(tool, args + ["x/2019.csv"], cwd=tmp).expect_ok()
                ru = run(tool, args + ["u/2019.csv"], cwd=tmp).expect_ok()
                check(rx.out == ru.out, f"{label}: output differs from the same file in UTF-8")
            out = rx.stdout  # text report
            for name in ("珠海市", "香洲区", "万山海洋开发试验区", "高栏港经济区"):
                check(name in out, f"{label}: the text report lacks {name} in UTF-8")
            if valgrind:
                rv = run(tool, ["-f", "csv", "x/2019.csv"], cwd=tmp, prefix=valgrind,
                         timeout=300)
                check(rv.rc == 0 and rv.err == b"",
                      f"{label}: under valgrind: status {rv.rc}, stderr:\n{rv.stderr}")

    gb = text2019.encode("gb18030")
    case("GB18030 file (Excel, Chinese Windows) is read, names print in UTF-8",
         lambda: (check(not _is_utf8(gb), "test setup: the GB18030 bytes are valid UTF-8"),
                  same_as_utf8(gb, "GB18030")))
    case("UTF-8 file with a byte order mark is read",
         lambda: same_as_utf8(b"\xef\xbb\xbf" + text2019.encode("utf-8"), "UTF-8 BOM"))
    case("CRLF line ends (what Excel writes) are read",
         lambda: same_as_utf8(text2019.replace("\n", "\r\n").encode("utf-8"), "CRLF"))
    case("a last line without a newline is read",
         lambda: same_as_utf8(text2019.rstrip("\n").encode("utf-8"), "no final newline"))
    # deliberate (lib/number.c pa_parse_number): blanks around a number are trimmed
    case("blanks around numbers are trimmed (' 138 ', '\\t2023700')",
         lambda: same_as_utf8(text2019.replace(",138\n", ", 138 \n").replace(
             ",2023700,", ",\t2023700,").encode("utf-8"), "blanks"))
    # missing values (SPEC §2): the row is read, the indicator is missing
    case("missing values NA, N/A, -, —, null and empty are accepted",
         lambda: _missing(tool, ini))

    # beyond the 1 MiB read chunk: multibyte characters straddle chunk boundaries, and
    # the first non-ASCII (hence non-UTF-8) byte of the GB18030 file comes after 1 MiB
    rows = [HEADER]
    for i in range(30000):
        nm = f"district{i:05d}" if i < 29990 else f"测试区{i:05d}𠀀"
        rows.append(f"u{i:05d},{nm},{100000 + i},{100 + i % 50},{30 + i % 7},{i % 3},"
                    f"{5 + i % 4},{i % 2},{20 + i % 9},{i % 5}")
    rows.append(ROW_CITY)  # the model's reference unit, after the first MiB
    big = "\n".join(rows) + "\n"
    case("GB18030 file over 1 MiB, first non-ASCII byte after the first MiB",
         lambda: _big(tool, big.encode("gb18030"), big, ini))
    big_cjk = big.replace("district", "辖区")
    case("GB18030 file over 1 MiB, CJK on every row", lambda: _big(
        tool, big_cjk.encode("gb18030"), big_cjk, ini))
    case("UTF-8 file over 1 MiB with a BOM, CJK on every row", lambda: _big(
        tool, b"\xef\xbb\xbf" + big_cjk.encode("utf-8"), big_cjk, ini))
    return results


def _is_utf8(b):
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _missing(tool, ini):
    toks = ["NA", "N/A", "-", "—", "null", ""]
    rows = [HEADER, ROW_CITY]
    for i, t in enumerate(toks):
        rows.append(f"d{i},区{i},100000,{t},30,0,5,0,20,1")
    with tempdir() as tmp:
        with open(os.path.join(tmp, "m.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        r = run(tool, ["-c", ini, "-f", "csv", "--node", "police_incidents", "m.csv"],
                cwd=tmp).expect_ok()
        got = {x["unit"]: [x["value"], x["score"]] for x in csv.DictReader(io.StringIO(r.stdout))}
        for i, t in enumerate(toks):
            check(got.get(f"d{i}") == ["", ""],
                  f"missing value {t!r}: CSV value,score {got.get(f'd{i}')}, expected empty")


def _big(tool, blob, text, ini):
    with tempdir() as tmp:
        check(len(blob) > 1 << 20, f"test setup: only {len(blob)} bytes")
        with open(os.path.join(tmp, "big.csv"), "wb") as f:
            f.write(blob)
        r = run(tool, ["-c", ini, "-f", "csv", "--node", "pingan", "big.csv"], cwd=tmp).expect_ok()
        names = [l.split(",")[1] for l in r.stdout.splitlines()[1:]]
        want = [l.split(",")[1] for l in text.splitlines()[1:]]
        check(names == want, f"names differ, e.g. {[(a, b) for a, b in zip(names, want) if a != b][:3]}")


def _many_units(tool, root, tmp):
    shutil.copy(os.path.join(root, "data", "pingan.ini"), os.path.join(tmp, "pingan.ini"))
    for year in ("2018", "2019"):
        with open(os.path.join(root, "data", f"{year}.csv"), encoding="utf-8") as f:
            head, *rows = f.read().splitlines()
        out = [head]
        for k in range(4000):
            code, _, *vals = rows[k % len(rows)].split(",")
            vals = [str(int(v) * (k % 7 + 1)) for v in vals]
            code = f"u{k:04d}" if k else "zhuhai"  # the model's reference unit
            out.append(",".join([code, f"单元{k}"] + vals))
        with open(os.path.join(tmp, f"{year}.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
    args = ["-c", "pingan.ini", "-f", "csv", "2018.csv", "2019.csv"]
    want = run(tool, args, cwd=tmp).expect_ok().out
    check(len(want) > 8 << 20, f"test setup: only {len(want)} bytes of output")
    run(tool, args + ["-o", "many.csv"], cwd=tmp).expect_ok()
    with open(os.path.join(tmp, "many.csv"), "rb") as f:
        got = f.read()
    check(got == want, f"-o many.csv: the file ({len(got)} bytes) differs from stdout output "
                       f"({len(want)} bytes)")


def output_success(tool, root):
    """-o on success: the file equals stdout output, stdout is empty, no temp file left."""
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        want = run(tool, ["-f", "csv", "data/2019.csv"], cwd=tmp).expect_ok().out
        with open(os.path.join(tmp, "out.csv"), "wb") as f:
            f.write(b"old contents, longer than nothing\n" * 5000)
        r = run(tool, ["-f", "csv", "-o", "out.csv", "data/2019.csv"], cwd=tmp).expect_ok()
        check(r.out == b"", f"-o out.csv: {len(r.out)} bytes on stdout")
        with open(os.path.join(tmp, "out.csv"), "rb") as f:
            got = f.read()
        check(got == want, f"-o out.csv: the file ({len(got)} bytes) differs from stdout "
                           f"output ({len(want)} bytes)")
        left = sorted(set(os.listdir(tmp)) - {"data", "out.csv"})
        check(not left, f"-o out.csv: left {left}")
        r = run(tool, ["--output", "new.txt", "data/2019.csv"], cwd=tmp).expect_ok()
        with open(os.path.join(tmp, "new.txt"), "rb") as f:
            check(f.read() == run(tool, ["data/2019.csv"], cwd=tmp).out,
                  "--output new.txt: text report differs from stdout")
        # a full disk on standard output is an error, not a silent truncation
        if os.path.exists("/dev/full"):
            for fmt in ("text", "csv", "json"):
                with open("/dev/full", "wb") as full:
                    p = subprocess.run([tool, "-f", fmt, "data/2019.csv"], cwd=tmp, stdout=full,
                                       stderr=subprocess.PIPE)
                err = p.stderr.decode("utf-8", "replace").splitlines()
                check(p.returncode == 1 and len(err) == 1
                      and err[0].startswith("pingan-index: ") and "write error" in err[0],
                      f"-f {fmt} > /dev/full: status {p.returncode}, stderr {err}; expected 1 "
                      f"and one 'pingan-index: ... write error' line")
        # a file that cannot grow (as on a full disk) fails the run and leaves the old one
        old = b"old contents, longer than nothing\n" * 5000
        with open(os.path.join(tmp, "out.csv"), "wb") as f:
            f.write(old)
        limit = len(want) // 2

        def small_files():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        p = subprocess.run([tool, "-f", "csv", "-o", "out.csv", "data/2019.csv"], cwd=tmp,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           preexec_fn=small_files)
        err = p.stderr.decode("utf-8", "replace").splitlines()
        check(p.returncode == 1 and len(err) == 1 and "out.csv: write error" in err[0],
              f"-o out.csv past a {limit}-byte file limit: status {p.returncode}, stderr {err}; "
              "expected 1 and one 'out.csv: write error' line")
        with open(os.path.join(tmp, "out.csv"), "rb") as f:
            check(f.read() == old, "-o out.csv: a failed write changed the old file")
        left = sorted(set(os.listdir(tmp)) - {"data", "out.csv", "new.txt"})
        check(not left, f"-o out.csv after a failed write: left {left}")
        # a result of many megabytes (written out while it is written) arrives whole
        _many_units(tool, root, tmp)
        mode = os.stat(os.path.join(tmp, "new.txt")).st_mode & 0o777
        check(mode & 0o044 == 0o044, f"--output: new file has mode {oct(mode)}, not readable "
                                     "by group and others like any new file")


def body():
    tool, root = setup()
    valgrind = None
    # a sanitizer build checks memory itself and cannot run under valgrind
    vg = None if os.environ.get("PINGAN_SANITIZED") else shutil.which("valgrind")
    if vg:
        valgrind = [vg, "--error-exitcode=99", "--leak-check=full",
                    "--errors-for-leak-kinds=definite", "-q"]
        print(f"note  running every case under {' '.join(valgrind)}", flush=True)
    elif os.environ.get("PINGAN_SANITIZED"):
        print("note  sanitizer build: AddressSanitizer checks memory instead of valgrind",
              flush=True)
    else:
        print("note  valgrind is not installed: the memory checks are skipped", flush=True)
    failures = []
    table = cases(root)
    for c in table:
        try:
            line = run_case(tool, c, valgrind)
            print(f"ok    {c.name}: {line}", flush=True)
        except Failure as e:
            failures.append(c.name)
            print(f"FAIL  {e}", flush=True)
    for name, err in accepted_files(tool, root, valgrind):
        if err:
            failures.append(name)
    try:
        output_success(tool, root)
        print("ok    -o on success: the file equals stdout output, nothing left over; "
              "a full disk on stdout is exit 1", flush=True)
    except Failure as e:
        failures.append("-o on success")
        print(f"FAIL  {e}", flush=True)
    if failures:
        fail(f"{len(failures)} case(s) failed: " + "; ".join(failures))


if __name__ == "__main__":
    from clitest import main
    main(body)
