# SPDX-License-Identifier: MIT
"""The text report on a terminal: band colours (ANSI) only when standard output is a
terminal and NO_COLOR is not set, and a ranking table that stays aligned with five-digit
ranks."""

import os
import re
import select
import subprocess
import unicodedata

from clitest import check, copy_data, main, ok, run, setup, tempdir

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def on_terminal(tool, args, cwd, env=None):
    """Standard output of the tool run with a pseudo-terminal as its standard output."""
    master, slave = os.openpty()
    p = subprocess.Popen([tool] + args, cwd=cwd, stdout=slave, stderr=subprocess.PIPE,
                         env=env)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    p.wait(30)
    check(p.returncode == 0, f"{args} on a terminal: status {p.returncode}")
    return out.decode("utf-8").replace("\r\n", "\n")


def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def body():
    tool, root = setup()
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        plain = run(tool, ["data/2019.csv"], cwd=tmp).expect_ok().stdout
        check(not ANSI.search(plain), "piped text report has colour codes")
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        tty = on_terminal(tool, ["data/2019.csv"], tmp, env)
        codes = ANSI.findall(tty)
        check(codes, "text report on a terminal has no band colours")
        check("\x1b[34m" in codes and "\x1b[0m" in codes, f"colour codes {set(codes)}")
        check(ANSI.sub("", tty) == plain, "on a terminal, the report less its colours differs "
                                         "from the piped report (alignment or text)")
        check(not ANSI.search(on_terminal(tool, ["data/2019.csv"], tmp,
                                          dict(env, NO_COLOR="1"))), "NO_COLOR=1: colours")
        r = run(tool, ["-o", "out.txt", "data/2019.csv"], cwd=tmp).expect_ok()
        with open(os.path.join(tmp, "out.txt"), encoding="utf-8") as f:
            check(not ANSI.search(f.read()), "-o FILE: colour codes in the file")
        ok("band colours on a terminal only; NO_COLOR and -o FILE turn them off; same layout")
        # 12,000 units: ranks of five digits keep the ranking table aligned
        big = os.path.join(tmp, "big")
        os.mkdir(big)
        with open(os.path.join(big, "pingan.ini"), "w", encoding="utf-8") as f:
            f.write("[index]\ncode = g\ndenominate = no\n[indicator x]\nparent = g\n")
        with open(os.path.join(big, "2019.csv"), "w", encoding="utf-8") as f:
            f.write("unit,x\n" + "".join(f"c{u},{u}\n" for u in range(12000)))
        text = run(tool, ["--top", "3", "2019.csv"], cwd=big).expect_ok().stdout
        table = text.split("\n\n")[1].splitlines()
        head = table[0]
        rows = [l for l in table[1:] if not l.lstrip().startswith("…")]
        check(any(l.lstrip().startswith("12000 ") for l in rows), f"no rank 12000 in {rows}")
        col = width(head[:head.index("地区")])
        for l in rows:
            name = re.search(r"c\d+", l)
            check(width(l[:name.start()]) == col, f"ranking row {l!r}: the unit does not start "
                                                  f"at column {col} like its header")
        ok("a ranking table with ranks of five digits stays aligned")


main(body)
