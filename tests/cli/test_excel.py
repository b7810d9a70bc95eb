#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Data files as Excel and WPS write them (doc/model.md, "Data files"): UTF-16 "Unicode text"
(TAB, CRLF, a byte-order mark, made with iconv), ';' files, quoted thousands groups and
full-width digits give exactly the CSV output of the plain UTF-8 comma files; what is refused
names the cell; a column older files lack is a note."""
import csv
import io
import os
import subprocess

from clitest import check, copy_data, index_rows, main, ok, parse_csv_output, run, setup, tempdir


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def write_rows(path, rows, sep, end):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("".join(sep.join(r) + end for r in rows))


def iconv(path, to):
    """path converted in place by iconv (glibc's UTF-16 writes a BOM; UTF-16BE gets one)."""
    out = subprocess.run(["iconv", "-f", "UTF-8", "-t", to, path], capture_output=True,
                         check=True).stdout
    with open(path, "wb") as f:
        f.write((b"\xfe\xff" if to == "UTF-16BE" else b"") + out)


def remake(src, dest, sep=",", end="\n", cell=None, enc=None, drop=None):
    """The shipped data again in dest/, written another way; cell(r, c, text) may rewrite
    a data cell, drop(year) names a column to leave out of that year's file."""
    copy_data(src, dest)
    for name in sorted(os.listdir(dest)):
        if not name.endswith(".csv"):
            continue
        path = os.path.join(dest, name)
        rows = rows_of(path)
        if drop and drop(name[:4]):
            k = rows[0].index(drop(name[:4]))
            rows = [r[:k] + r[k + 1:] for r in rows]
        if cell:
            rows = [rows[0]] + [[cell(i, j, t) for j, t in enumerate(r)]
                                for i, r in enumerate(rows[1:])]
        write_rows(path, rows, sep, end)
        if enc:
            iconv(path, enc)
    return dest


def set_cell(path, line, field, text):
    """Field `field` (0-based) of line `line` (0-based, the header is 0) becomes text."""
    rows = rows_of(path)
    rows[line][field] = text
    write_rows(path, rows, ",", "\n")


def output(tool, folder, extra=()):
    r = run(tool, ["-f", "csv", *extra, "2019.csv"], cwd=folder)
    return r


def same_as_plain(tool, folder, plain, what):
    r = output(tool, folder).expect_ok()
    check(r.out == plain, f"{what}: the CSV output differs from the UTF-8 comma files'")
    ok(f"{what}: the same CSV output as the UTF-8 comma files ({len(plain.splitlines())} lines)")


def thousands(i, j, t):
    """Every number of 1,000 or more as Excel formats it: "26,838"."""
    return f"{int(t):,}" if j >= 2 and t.isdigit() and int(t) >= 1000 else t


def full_width(i, j, t):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in t) if j >= 2 else t


def expect_error(tool, folder, where, fragment, what, args=("2019.csv",)):
    r = run(tool, ["-f", "csv", *args], cwd=folder)
    lines = r.stderr.strip().splitlines()
    check(r.rc == 1 and r.out == b"" and len(lines) == 1,
          f"{what}: exit {r.rc}, stderr {r.stderr!r}")
    check(lines[0].startswith("pingan-index: " + where) and fragment in lines[0],
          f"{what}: {lines[0]!r}, expected {where!r} and {fragment!r}")
    ok(f"{what}: {lines[0]}")


def body():
    tool, root = setup()
    with tempdir() as tmp:
        plain = output(tool, copy_data(root, os.path.join(tmp, "plain"))).expect_ok().out
        same_as_plain(tool, remake(root, os.path.join(tmp, "u16"), "\t", "\r\n", enc="UTF-16"),
                      plain, "Unicode text (UTF-16LE with a BOM, TAB, CRLF)")
        same_as_plain(tool, remake(root, os.path.join(tmp, "be"), "\t", "\r\n", enc="UTF-16BE"),
                      plain, "UTF-16BE with a BOM")
        same_as_plain(tool, remake(root, os.path.join(tmp, "semi"), ";", "\r\n"), plain,
                      "';' separated, CRLF")
        quoted = lambda i, j, t: f'"{thousands(i, j, t)}"' if "," in thousands(i, j, t) else t
        same_as_plain(tool, remake(root, os.path.join(tmp, "th"), cell=quoted), plain,
                      'quoted thousands groups ("26,838")')
        same_as_plain(tool, remake(root, os.path.join(tmp, "tht"), "\t", "\r\n",
                                   cell=thousands, enc="UTF-16"),
                      plain, "Unicode text with thousands groups")
        same_as_plain(tool, remake(root, os.path.join(tmp, "fw"), cell=full_width), plain,
                      "full-width digits")
        # the separator forced in the model: a ';' file whose header alone would say comma
        d = remake(root, os.path.join(tmp, "forced"), ";", "\n")
        ini = open(os.path.join(d, "pingan.ini"), encoding="utf-8").read()
        with open(os.path.join(d, "pingan.ini"), "w", encoding="utf-8") as f:
            f.write(ini.replace("[index]\n", "[index]\nseparator = semicolon\n", 1))
        for name in os.listdir(d):
            if name.endswith(".csv"):
                p = os.path.join(d, name)
                text = open(p, encoding="utf-8").read().split("\n", 1)
                with open(p, "w", encoding="utf-8") as f:
                    f.write(text[0] + ";x,y,z,w,v,u,t,s,r,q,p" + "\n" +
                            text[1].replace("\n", ";\n"))
        same_as_plain(tool, d, plain, "separator = semicolon, a header with more commas")

        # a column the older files lack: empty there, a note each, the rest as before
        d = remake(root, os.path.join(tmp, "miss"),
                   drop=lambda y: "fires" if y < "2017" else None)
        r = output(tool, d)
        check(r.rc == 0, f"a column older files lack: exit {r.rc}, {r.stderr!r}")
        notes = r.stderr.strip().splitlines()
        want = [f"pingan-index: note: {y}.csv:1: no column 'fires': its values are missing in "
                f"the 8 rows of this file" for y in ("2014", "2015", "2016")]
        check(notes == want, f"notes {notes!r}, expected {want!r}")
        got, ref = index_rows(parse_csv_output(r.stdout)), index_rows(parse_csv_output(plain.decode()))
        check(got.keys() == ref.keys(), "a column older files lack: other rows")
        for (u, p, n), row in got.items():
            if n == "fires" and p < "2017":
                check(row["value"] == "" and row["score"] == "", f"{u} {p} fires: {row}")
            elif row["level"] == "1":
                check(row["value"] == ref[(u, p, n)]["value"] and
                      row["score"] == ref[(u, p, n)]["score"], f"{u} {p} {n}: {row}")
        ok(f"a column 2014-2016 lack: empty there, every other indicator as before; {notes[0]}")
        d = remake(root, os.path.join(tmp, "gone"), drop=lambda y: "fires")
        expect_error(tool, d, "2019.csv:1: ", "no column 'fires', which the model needs",
                     "a column no file has")

        # what is refused names the cell and says what to write
        for text, where, frag, what in [
                ("12%", "2019.csv:3:4: ", "write 12 or 0.12 without %", "a percentage"),
                ("12人", "2019.csv:3:4: ", "write the number alone", "a unit after the number"),
                ('"1,23"', "2019.csv:3:4: ", "groups of three digits", "a bad group"),
                ("#DIV/0!", "2019.csv:3:4: ", "error value of the spreadsheet", "#DIV/0!")]:
            d = copy_data(root, os.path.join(tmp, "bad"))
            set_cell(os.path.join(d, "2019.csv"), 2, 3, text)
            expect_error(tool, d, where, frag, what)
        d = copy_data(root, os.path.join(tmp, "na"))
        set_cell(os.path.join(d, "2019.csv"), 2, 3, "#N/A")
        r = output(tool, d).expect_ok()
        row = index_rows(parse_csv_output(r.stdout))[("xiangzhou", "2019", "police_incidents")]
        check(row["value"] == "", f"#N/A: {row}")
        ok("#N/A is a missing value")
        d = copy_data(root, os.path.join(tmp, "nul"))
        with open(os.path.join(d, "2019.csv"), "r+b") as f:
            lines = f.read().split(b"\n")
            lines[2] = lines[2].replace(b",", b",\0", 1)  # at the start of field 2
            f.seek(0)
            f.write(b"\n".join(lines))
        expect_error(tool, d, "2019.csv:3:2: ", "NUL byte", "a NUL byte in a UTF-8 file")
        d = copy_data(root, os.path.join(tmp, "hdr"))
        with open(os.path.join(d, "2015.csv"), encoding="utf-8") as f:
            head = f.readline()
        with open(os.path.join(d, "2015.csv"), "w", encoding="utf-8") as f:
            f.write(head)
        expect_error(tool, d, "2015.csv:1: ", "a header but no data rows", "a header-only sibling")


if __name__ == "__main__":
    main(body)
