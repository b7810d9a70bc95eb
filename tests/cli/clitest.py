# SPDX-License-Identifier: MIT
"""Shared helpers of the pingan-index command-line tests (standard library only).

Every test script is run as  python3 SCRIPT PINGAN_INDEX SOURCE_ROOT  by meson.
The helpers here run the tool, read the shipped sample data and model, and
recompute the index independently of the library, from the definitions in
SPEC.md (goalposts, weights rescaled among siblings, arithmetic means), so
that a test can check the tool's numbers instead of trusting them.
"""

import configparser
import csv
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile

# Messages and reports are UTF-8 whatever the locale the test runs in (LC_ALL=C).
for _s in (sys.stdout, sys.stderr):
    try:
        _s.reconfigure(encoding="utf-8", errors="backslashreplace")
    except (AttributeError, ValueError):
        pass


class Failure(Exception):
    pass


def fail(msg):
    raise Failure(msg)


def check(ok, msg):
    if not ok:
        fail(msg)


def ok(msg):
    print("ok    " + msg, flush=True)


def setup():
    """(tool, source root) from the command line; exits with usage status 2 otherwise."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(f"usage: {sys.argv[0]} PINGAN_INDEX SOURCE_ROOT [--update]", file=sys.stderr)
        sys.exit(2)
    tool = os.path.abspath(args[0])
    root = os.path.abspath(args[1])
    check(os.access(tool, os.X_OK), f"{tool}: not an executable")
    return tool, root


def main(body):
    """Run body(); print the first failure clearly and exit 1, or exit 0."""
    try:
        body()
    except Failure as e:
        print("FAIL  " + str(e), flush=True)
        sys.exit(1)
    print("all checks passed", flush=True)
    sys.exit(0)


NO_PERIOD = b": no period: no column year, period, date"


def without_period_note(text):
    """stderr text less the note that the data has no period."""
    return "".join(l for l in text.splitlines(keepends=True)
                   if NO_PERIOD.decode() not in l)


class Run:
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out = argv, rc, out
        # test data without a period gets a note that says so (test_inputs checks it); the
        # other checks are about the messages around it
        lines = err.splitlines(keepends=True)
        self.notes = [l for l in lines if NO_PERIOD in l]
        self.err = b"".join(l for l in lines if NO_PERIOD not in l)

    @property
    def stdout(self):
        return self.out.decode("utf-8")

    @property
    def stderr(self):
        return self.err.decode("utf-8", errors="backslashreplace")

    def cmd(self):
        return " ".join(self.argv)

    def expect_ok(self):
        check(self.rc == 0,
              f"`{self.cmd()}` exited {self.rc}, expected 0; stderr: {self.stderr.strip()!r}")
        check(self.err == b"", f"`{self.cmd()}` succeeded but wrote to stderr: {self.stderr!r}")
        return self


def run(tool, args, cwd=None, prefix=(), timeout=120):
    argv = list(prefix) + [tool] + list(args)
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return Run(argv, p.returncode, p.stdout, p.stderr)


def copy_data(root, dest, ini=True):
    """Copy data/20*.csv (and pingan.ini unless ini=False) into dest/; returns dest."""
    os.makedirs(dest, exist_ok=True)
    for f in sorted(glob.glob(os.path.join(root, "data", "20*.csv"))):
        shutil.copy(f, dest)
    if ini:
        shutil.copy(os.path.join(root, "data", "pingan.ini"), dest)
    return dest


def tempdir():
    return tempfile.TemporaryDirectory(prefix="pingan-cli-")


# ---- the shipped data ----------------------------------------------------

def read_years(folder):
    """{year: [row dict, ...]} from folder/20*.csv, rows in file order."""
    years = {}
    for path in sorted(glob.glob(os.path.join(folder, "20*.csv"))):
        year = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8", newline="") as f:
            years[year] = list(csv.DictReader(f))
    return years


def parse_csv_output(text):
    """The tool's CSV output as a list of dicts; checks the required header columns."""
    rows = list(csv.DictReader(io.StringIO(text)))
    check(text.strip() != "", "CSV output is empty")
    header = next(csv.reader(io.StringIO(text)))
    need = ["unit", "period", "node", "level", "value", "score", "rank",
            "value_change_pct", "score_change_pct"]
    missing = [c for c in need if c not in header]
    check(not missing, f"CSV header {header} lacks the columns {missing} (SPEC §5)")
    return rows


def index_rows(rows):
    """{(unit, period, node): row}; fails on a duplicate key."""
    out = {}
    for r in rows:
        k = (r["unit"], r["period"], r["node"])
        check(k not in out, f"CSV output has two rows for {k}")
        out[k] = r
    return out


def num(s):
    """A CSV number cell: float, or None when empty."""
    return None if s == "" else float(s)


# ---- the model --------------------------------------------------------------

class Model:
    """What the independent recomputation needs from a pingan.ini (goalposts, arithmetic)."""

    def __init__(self, path):
        cp = configparser.ConfigParser(inline_comment_prefixes=(" ;", "\t;"),
                                       comment_prefixes=(";", "#"), interpolation=None)
        with open(path, encoding="utf-8") as f:
            cp.read_file(f)
        ix = cp["index"]
        self.code = ix.get("code", "index")
        self.label = ix.get("label", self.code)
        self.reference_units = ix.get("reference_units", "").replace(",", " ").split()
        lo, hi = (float(x) for x in ix.get("range", "0, 100").split(","))
        self.range = (lo, hi)
        self.default_normalise = ix.get("normalise", "minmax")
        self.default_aggregate = ix.get("aggregate", "arithmetic")
        self.bands = []
        for part in ix.get("bands", "").split(";"):
            f = part.split()
            if f:
                self.bands.append((float(f[0]), f[1], f[2] if len(f) > 2 else ""))
        self.bands.sort(key=lambda b: -b[0])
        self.nodes = {}      # code -> dict(kind, parent, weight, ...)
        self.order = []      # section order
        for sec in cp.sections():
            kind, _, code = sec.partition(" ")
            if kind not in ("group", "indicator"):
                continue
            s = cp[sec]
            n = {"kind": kind, "code": code, "label": s.get("label", code),
                 "parent": s.get("parent", self.code), "weight": float(s.get("weight", "1"))}
            if kind == "indicator":
                check(s.get("normalise", self.default_normalise) == "goalposts",
                      f"{path}: [{sec}]: the test recomputation knows only goalposts")
                check("transform" not in s, f"{path}: [{sec}]: transform not supported here")
                n["direction"] = int(s.get("direction", "1"))
                n["denominator"] = s.get("denominator")
                n["per"] = float(s.get("per", "1"))
                n["goalposts"] = tuple(float(x) for x in s["goalposts"].split(","))
                n["column"] = s.get("column", code)
                n["unit"] = s.get("unit", "")
            else:
                check(s.get("aggregate", self.default_aggregate) == "arithmetic",
                      f"{path}: [{sec}]: the test recomputation knows only arithmetic means")
            self.nodes[code] = n
            self.order.append(code)
        check(self.default_aggregate == "arithmetic",
              f"{path}: the test recomputation knows only arithmetic means")

    def children(self, code):
        return [c for c in self.order if self.nodes[c]["parent"] == code]

    def band(self, score):
        for lo, label, colour in self.bands:
            if score >= lo:
                return label, colour
        return None, None


def recompute(model, row):
    """{node: score} for one data row (dict of strings), from SPEC's definitions."""
    lo, hi = model.range
    scores = {}

    def score(code):
        if code in scores:
            return scores[code]
        n = model.nodes.get(code)
        if n is not None and n["kind"] == "indicator":
            x = float(row[n["column"]])
            if n["denominator"]:
                x = x / (float(row[n["denominator"]]) / n["per"])
            low, high = n["goalposts"]
            if n["direction"] < 0:
                t = (high - x) / (high - low)
            else:
                t = (x - low) / (high - low)
            t = min(max(t, 0.0), 1.0)
            s = lo + t * (hi - lo)
        else:
            kids = model.children(code)
            check(kids, f"model node {code} has no children")
            w = [model.nodes[k]["weight"] for k in kids]
            tot = sum(w)
            s = sum(wi / tot * score(k) for wi, k in zip(w, kids))
        scores[code] = s
        return s

    score(model.code)
    return scores


def expected_ranks(scores, reference_units):
    """{unit: rank} among units not in reference_units: 1 = best, ties share the minimum."""
    ranked = {u: s for u, s in scores.items() if u not in reference_units and s is not None}
    return {u: 1 + sum(1 for t in ranked.values() if t > s) for u, s in ranked.items()}
