#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""--top N: a text report of the best and worst units only.

    python3 test_top.py PINGAN_INDEX SOURCE_ROOT

On the shipped data (one reference unit, seven ranked districts) and on the
same data with two more units that have no score:
- `--top 2` lists the reference unit, ranks 1 and 2, one line saying how many
  units are left out, then ranks 6 and 7; a second such line counts the units
  without a score; every listed line is byte for byte the full report's line;
- the detail blocks are those of the listed units, in the same order, each
  equal to its block in the full report;
- `--top 0` and a `--top` large enough to list every ranked unit give the full
  report (the latter still leaving out the unscored units, and saying so);
- a tie at either edge is listed whole (ranks 1, 1 with --top 1; 4, 4, 4 among the worst
  two);
- anything but a plain number of units is a usage error (exit 2, no output), and so is
  --top with csv or json output, which always hold every unit;
- a full report of more than 1,000 units on a terminal ends with a hint about --top on
  standard error (not when --top was given, even as 0, and only on a terminal: a pipe or
  a file gets none).
"""

import os
import pty
import re
import subprocess
import sys
import threading

sys.dont_write_bytecode = True
from clitest import check, copy_data, main, ok, run, setup, tempdir

NOTE = re.compile(r"^   …  另有 (\d+) 个单位未列出 \(--top 0 列出全部\)$")


def sections(report):
    """(ranking table lines, {unit code: detail block text}, detail order)."""
    head, _, rest = report.partition("\n\n排名 1 = 最好")
    table = head.split("\n")[4:]  # title, composition, blank line, column header
    blocks, order = {}, []
    for block in rest.rstrip("\n").split("\n\n")[1:]:
        first = block.split("\n", 1)[0]
        code = first[first.rindex("(") + 1:-1]
        blocks[code] = block
        order.append(code)
    return table, blocks, order


def rank_of(line):
    return line.split()[0]


def check_top(tool, data, n, expect_ranks, expect_notes, args=()):
    full = run(tool, [*args, data]).expect_ok().stdout
    top = run(tool, [*args, "--top", str(n), data]).expect_ok().stdout
    f_table, f_blocks, f_order = sections(full)
    t_table, t_blocks, t_order = sections(top)
    check(top.split("\n")[:4] == full.split("\n")[:4], f"--top {n}: title or header differ")
    listed = [ln for ln in t_table if not NOTE.match(ln)]
    notes = [int(NOTE.match(ln).group(1)) for ln in t_table if NOTE.match(ln)]
    check([rank_of(ln) for ln in listed] == expect_ranks,
          f"--top {n}: ranks listed {[rank_of(ln) for ln in listed]}, expected {expect_ranks}")
    check(notes == expect_notes, f"--top {n}: left-out notes {notes}, expected {expect_notes}")
    check(len(listed) + sum(notes) == len(f_table),
          f"--top {n}: {len(listed)} listed + {sum(notes)} left out != {len(f_table)} units")
    for ln in listed:
        check(ln in f_table, f"--top {n}: line {ln!r} is not in the full report")
    check([ln for ln in f_table if ln in listed] == listed, f"--top {n}: order changed")
    # the blocks: the listed units', in the table's order, unchanged
    names = [f_order[f_table.index(ln)] for ln in listed]
    check(t_order == names, f"--top {n}: detail blocks {t_order}, expected {names}")
    for code in t_order:
        check(t_blocks[code] == f_blocks[code], f"--top {n}: block of {code} differs")
    check(top.endswith("\n") and full.count("排名 1 = 最好") == top.count("排名 1 = 最好") == 1,
          f"--top {n}: the legend is missing or doubled")


def on_terminal(tool, args):
    """Standard error of the tool run with its standard output on a pseudo-terminal."""
    master, slave = pty.openpty()
    p = subprocess.Popen([tool, *args], stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)

    def drain():
        try:
            while os.read(master, 65536):
                pass
        except OSError:  # the other side closed
            pass

    t = threading.Thread(target=drain)
    t.start()
    err = p.communicate(timeout=120)[1]
    t.join()
    os.close(master)
    check(p.returncode == 0, f"{args}: exit {p.returncode}")
    return err.decode("utf-8")


def body():
    tool, root = setup()
    with tempdir() as tmp:
        data = os.path.join(copy_data(root, os.path.join(tmp, "d")), "2019.csv")
        check_top(tool, data, 2, ["-", "1", "2", "6", "7"], [3])
        ok("--top 2: reference unit, ranks 1-2 and 6-7, '3 left out', blocks unchanged")
        check_top(tool, data, 1, ["-", "1", "7"], [5])
        ok("--top 1: ranks 1 and 7")
        for n in (0, 4, 100):
            check(run(tool, ["--top", str(n), data]).expect_ok().out == run(tool, [data]).out,
                  f"--top {n} differs from the full report")
        ok("--top 0, 4 and 100 give the full report")

        # two units without any value: unscored, listed last in the full report
        with open(data, encoding="utf-8") as f:
            text = f.read()
        with open(data, "a", encoding="utf-8") as f:
            f.write("" if text.endswith("\n") else "\n")
            f.write("empty1,无数据一,100000,,,,,,,\nempty2,无数据二,100000,,,,,,,\n")
        full = run(tool, [data]).expect_ok().stdout
        f_table = sections(full)[0]
        check([rank_of(ln) for ln in f_table][-2:] == ["-", "-"],
              "unscored units are not last in the full report")
        check_top(tool, data, 2, ["-", "1", "2", "6", "7"], [3, 2])
        check_top(tool, data, 100, ["-", "1", "2", "3", "4", "5", "6", "7"], [2])
        ok("unscored units are left out by --top and counted in their own line")

        # ties at the edges are kept whole
        ini = os.path.join(tmp, "ties.ini")
        with open(ini, "w", encoding="utf-8") as f:
            f.write("[index]\nnormalise = none\n[indicator a]\n")
        ties = os.path.join(tmp, "t", "2019.csv")
        os.makedirs(os.path.dirname(ties))
        with open(ties, "w", encoding="utf-8") as f:
            f.write("unit,a\nA,10\nB,9\nC,8\nD,5\nE,5\nF,5\nG,1\n")
        check_top(tool, ties, 2, ["1", "2", "4", "4", "4", "7"], [1], ["-c", ini])
        with open(ties, "w", encoding="utf-8") as f:
            f.write("unit,a\nA,10\nB,10\nC,5\nD,1\n")
        check_top(tool, ties, 1, ["1", "1", "4"], [1], ["-c", ini])
        ok("a tie at the edge of the best or the worst is listed whole")

        for fmt in ("csv", "json"):
            r = run(tool, ["-f", fmt, "--top", "3", data])
            check(r.rc == 2 and r.out == b"" and "--top" in r.stderr,
                  f"--top with -f {fmt}: exit {r.rc}, stderr {r.stderr!r}; expected a usage error")
        ok("--top with csv or json output: usage error")

        big = os.path.join(tmp, "big", "2019.csv")
        os.makedirs(os.path.dirname(big))
        with open(big, "w", encoding="utf-8") as f:
            f.write("unit,a\n" + "".join(f"g{i},{i % 97}\n" for i in range(1100)))
        for args, want in ((["-c", ini, big], True), (["-c", ini, "--top", "5", big], False),
                           (["-c", ini, "--top", "0", big], False)):
            err = on_terminal(tool, args)
            check(("--top N" in err) == want, f"{args}: stderr on a terminal {err!r}")
            r = run(tool, args)
            check(r.rc == 0 and r.err == b"", f"{args}: stderr on a pipe {r.stderr!r}")
        ok("a full report of 1,100 units on a terminal ends with a hint about --top")

        for bad in ["-1", "x", "3x", "", " 3", "+3", "1e3", "99999999999999999999999"]:
            r = run(tool, ["--top", bad, data])
            check(r.rc == 2 and r.out == b"" and "--top" in r.stderr,
                  f"--top {bad!r}: exit {r.rc}, stderr {r.stderr!r}; expected a usage error")
        r = run(tool, [data, "--top"])
        check(r.rc == 2 and r.out == b"", f"--top without a value: exit {r.rc}")
        ok("--top with anything but a number of units: usage error, exit 2, no output")


main(body)
