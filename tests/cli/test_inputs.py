# SPDX-License-Identifier: MIT
"""Inputs that are not dated files, and siblings of the same form (SPEC section 5).

A pipe, /dev/fd/N, a FIFO or '-' is read alone: it brings no siblings and takes no period
from its name. A dated file brings only the files of the same folder named after earlier
periods of its kind, spelled the same way.
"""

import os
import subprocess

from clitest import check, copy_data, main, ok, parse_csv_output, run, setup, tempdir


def periods_of(text):
    return sorted({r["period"] for r in parse_csv_output(text)})


def alone(tool, tmp):
    data = os.path.join(tmp, "data")
    with open(os.path.join(data, "2019.csv"), "rb") as f:
        y2019 = f.read()
    # standard input, '-': one file, one period, no siblings, the default model
    p = subprocess.run([tool, "-f", "csv", "-c", "data/pingan.ini", "-"], cwd=tmp,
                       input=y2019, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, f"'-': status {p.returncode}, {p.stderr!r}")
    check(periods_of(p.stdout.decode()) == [""], f"'-': periods {periods_of(p.stdout.decode())}")
    # ... and says so once, instead of reporting a period ''
    err = p.stderr.decode().splitlines()
    check(len(err) == 1 and err[0].startswith("pingan-index: note: -: no period: no column "
                                              "year, period, date, 年份, 月份 or 日期"),
          f"'-': stderr {err}; expected one note that the data has no period")
    # process substitution, with 2018.csv on standard input: it must not read /dev/fd/0..2 as
    # siblings (it used to, and hung reading its own terminal)
    with open(os.path.join(data, "2018.csv"), "rb") as stdin:
        p = subprocess.run(["bash", "-c", f'"$0" -f csv -c data/pingan.ini <(cat data/2019.csv)',
                            tool], cwd=tmp, stdin=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, f"<(cat 2019.csv): status {p.returncode}, {p.stderr!r}")
    got = periods_of(p.stdout.decode())
    check(got == [""], f"<(cat 2019.csv): periods {got}; expected the one period '' (not 63)")
    # a FIFO named like a year: read alone, no siblings
    fifo = os.path.join(data, "2020.csv")
    os.mkfifo(fifo)
    try:
        w = subprocess.Popen(["sh", "-c", f'cat data/2019.csv > "{fifo}"'], cwd=tmp)
        r = run(tool, ["-f", "csv", "data/2020.csv"], cwd=tmp, timeout=60)
        w.wait(30)
    finally:
        os.unlink(fifo)
    check(r.rc == 0, f"FIFO 2020.csv: status {r.rc}, {r.stderr!r}")
    check(periods_of(r.stdout) == ["2020"], f"FIFO 2020.csv: periods {periods_of(r.stdout)}")
    ok("'-', <(cat FILE) and a FIFO are read alone: no siblings, no period from /dev/fd/N")


def same_form(tool, tmp):
    data = os.path.join(tmp, "data")
    with open(os.path.join(data, "2014.csv"), "rb") as f:
        y2014 = f.read()
    # look-alikes that are not yearly siblings of 2019.csv
    for name in ("2018-12.csv", "12.csv", "1.csv", "2013年.csv", "2012.txt", "201812.csv"):
        with open(os.path.join(data, name), "wb") as f:
            f.write(y2014)
    r = run(tool, ["-f", "csv", "data/2019.csv"], cwd=tmp).expect_ok()
    got = periods_of(r.stdout)
    check(got == [str(y) for y in range(2014, 2020)], f"2019.csv brought periods {got}")
    # 2013年.csv brings its own kind: no other file is spelled 年
    r = run(tool, ["-f", "csv", "-c", "data/pingan.ini", "data/2013年.csv"], cwd=tmp).expect_ok()
    check(periods_of(r.stdout) == ["2013"], f"2013年.csv: periods {periods_of(r.stdout)}")
    # a month brings earlier months spelled alike (2018-12.csv has the one earlier: 2018-9.csv
    # is spelled alike too; 201812.csv is another spelling)
    with open(os.path.join(data, "2018-9.csv"), "wb") as f:
        f.write(y2014)
    r = run(tool, ["-f", "csv", "-c", "data/pingan.ini", "data/2018-12.csv"], cwd=tmp).expect_ok()
    check(periods_of(r.stdout) == ["2018-09", "2018-12"],
          f"2018-12.csv: periods {periods_of(r.stdout)}")
    for name in ("2018-12.csv", "12.csv", "1.csv", "2013年.csv", "2012.txt", "201812.csv",
                 "2018-9.csv"):
        os.unlink(os.path.join(data, name))
    ok("2019.csv brings 2014..2018.csv only, not 2018-12, 12, 1, 2013年, 2012.txt, 201812; "
       "2018-12.csv brings 2018-9.csv")


def body():
    tool, root = setup()
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        alone(tool, tmp)
        same_form(tool, tmp)


main(body)
