#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reports for Excel (SPEC §8): --bom puts a UTF-8 byte-order mark before the CSV and changes
nothing else."""
import os

from clitest import check, copy_data, main, ok, run, setup, tempdir

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


def body():
    tool, root = setup()
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        bom(tool, tmp)


main(body)
