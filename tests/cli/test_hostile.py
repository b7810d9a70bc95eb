#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile files (doc/limits.md): each ends in a clear message and exit status 1, or is
read correctly, never a crash; an output file that cannot be written leaves nothing behind."""
import os
import subprocess

from clitest import check, main, ok, setup, tempdir, without_period_note

SIMPLE_MODEL = "[index]\ndenominate = no\n[indicator a]\n"


def run(tool, args, cwd):
    p = subprocess.run([tool] + args, cwd=cwd, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def expect_error(tool, tmp, name, data, model, where, fragment):
    write(os.path.join(tmp, "bad.csv"), data)
    write(os.path.join(tmp, "m.ini"), model)
    rc, out, err = run(tool, ["-c", "m.ini", "bad.csv"], tmp)
    lines = without_period_note(err).strip().splitlines()
    check(rc == 1 and out == "" and len(lines) == 1,
          f"{name}: exit {rc}, {len(lines)} stderr lines: {err[:300]!r}")
    check(lines[0].startswith("pingan-index: " + where) and fragment in lines[0],
          f"{name}: message {lines[0]!r}, expected {where!r} and {fragment!r}")
    ok(f"{name}: {lines[0]}")


def body():
    tool, _root = setup()
    with tempdir() as tmp:
        expect_error(tool, tmp, "a 20 MiB field", "unit,a\nx," + "9" * (20 << 20) + "\n",
                     SIMPLE_MODEL, "bad.csv:2:2:", "longer than 16 MiB")
        expect_error(tool, tmp, "200,000 columns",
                     ",".join(f"c{i}" for i in range(200000)) + "\n", SIMPLE_MODEL,
                     "bad.csv:1:100001:", "more than 100000 fields")
        expect_error(tool, tmp, "a 30 MiB line without an end", "unit,a\nx," + "1" * (30 << 20),
                     SIMPLE_MODEL, "bad.csv:2:2:", "longer than 16 MiB")
        # deep and wide models are read and computed
        deep = ["[index]", "denominate = no"]
        for i in range(5000):
            deep += [f"[group g{i}]", "parent = " + (f"g{i - 1}" if i else "index")]
        deep += ["[indicator a]", "parent = g4999"]
        write(os.path.join(tmp, "deep.ini"), "\n".join(deep) + "\n")
        write(os.path.join(tmp, "d.csv"), "unit,a\nx,1\ny,3\n")
        rc, out, err = run(tool, ["-c", "deep.ini", "-f", "csv", "--node", "index", "d.csv"], tmp)
        check(rc == 0 and "y,y,,index,index,5002,,,100,1," in out, f"5,000 nested groups: {rc} {err}")
        ok("5,000 nested groups: read and computed, the index at level 5002")
        wide = ["[index]", "denominate = no"] + [f"[indicator i{i}]" for i in range(20000)]
        write(os.path.join(tmp, "wide.ini"), "\n".join(wide) + "\n")
        write(os.path.join(tmp, "w.csv"), "unit," + ",".join(f"i{i}" for i in range(20000)) +
              "\nx," + ",".join("1" for _ in range(20000)) + "\ny," +
              ",".join("2" for _ in range(20000)) + "\n")
        rc, out, err = run(tool, ["-c", "wide.ini", "-f", "csv", "--node", "index", "w.csv"], tmp)
        check(rc == 0 and "y,y,,index,index,2,,,100,1," in out, f"20,000 indicators: {rc} {err}")
        ok("20,000 indicators: read and computed")
        # an output that cannot be written: exit 1, nothing left behind
        os.mkdir(os.path.join(tmp, "ro"))
        os.chmod(os.path.join(tmp, "ro"), 0o500)
        rc, out, err = run(tool, ["-c", "wide.ini", "-o", "ro/out.csv", "-f", "csv", "w.csv"], tmp)
        if os.geteuid() != 0:  # root writes anywhere: the check means nothing there
            check(rc == 1 and os.listdir(os.path.join(tmp, "ro")) == [],
                  f"unwritable folder: {rc} {err}")
            ok("an unwritable output folder: exit 1, nothing left")
        rc, out, err = run(tool, ["-c", "wide.ini", "-o", "/proc/version/x.csv", "w.csv"], tmp)
        err = without_period_note(err)
        check(rc == 1 and err.startswith("pingan-index: /proc/version/x.csv"),
              f"an output path under a file: {rc} {err!r}")
        ok(f"an output path that cannot exist: {err.strip()}")


if __name__ == "__main__":
    main(body)
