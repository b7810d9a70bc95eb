#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""--chart KIND -o FILE.svg|.png|.pdf: charts drawn with cairo and pango.

    python3 test_chart.py PINGAN_INDEX SOURCE_ROOT

On the shipped data (data/2014.csv … 2019.csv, the scores recomputed here from the model):
- trend: the PNG is 960×540 and holds the four band strips (30 % of the band colour on
  white) in the order of their thresholds, best at the top, and lines in many colours; the
  SVG parses, is sized in px and holds the same strip colours; the PDF's text layer (pdftotext)
  holds the title, every district's Chinese name and every year, in Noto Sans CJK SC alone
  (pdffonts: the Simplified Chinese face, not the Japanese one); without -o, SVG goes to a
  pipe; the suffix is read in any case (.PNG);
- ranking: one bar per ranked district, top to bottom in the order of the recomputed scores,
  each in the colour of the band its recomputed score falls in, its length proportional to
  the score; the PDF lists the districts in that order;
- bad input: an unknown chart, a chart of a later version, a suffix that names no chart format,
  -f or --top beside --chart, a terminal as the output: exit 2, one message, no file written;
  a full device: exit 1 with a write error; bad data: exit 1 and no file;
- the correlation heat map drawer (run through tests/cli/chart_heatmap, given as
  --heatmap=PATH): each value's colour fills the cells it belongs to.
"""

import os
import pty
import re
import shutil
import subprocess
import sys
import json
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
from clitest import Model, check, copy_data, main, ok, read_years, recompute, run, setup, tempdir
import pngdecode

# The colours the charts draw the model's band colours in (README, "Charts").
BAND_RGB = {"blue": (43, 108, 176), "yellow": (242, 196, 15), "orange": (240, 140, 0),
            "red": (214, 39, 40)}


def tint(c):
    return tuple(round(v * 0.3 + 255 * 0.7) for v in c)


def near(a, b, tol=2):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def expected(root):
    """(model, {year: {unit: index score}}, {unit: name}) recomputed from the model."""
    model = Model(os.path.join(root, "data", "pingan.ini"))
    years = read_years(os.path.join(root, "data"))
    scores, names = {}, {}
    for y, rows in years.items():
        scores[y] = {r["unit"]: recompute(model, r)[model.code] for r in rows}
        names.update({r["unit"]: r["name"] for r in rows})
    return model, scores, names


def rows_with(img, colour, least):
    """Rows holding at least `least` pixels of colour (±2 per channel)."""
    return [y for y, row in enumerate(img.rows) if sum(1 for p in row if near(p, colour)) >= least]


def check_trend_png(path, model):
    img = pngdecode.decode(open(path, "rb").read())
    check((img.width, img.height) == (960, 540), f"trend PNG is {img.width}×{img.height}")
    centres = []
    for _, label, colour in model.bands:  # best first
        rows = rows_with(img, tint(BAND_RGB[colour]), 300)
        check(len(rows) > 20, f"trend PNG: no strip of band {label} ({colour}) in {tint(BAND_RGB[colour])}")
        centres.append(sum(rows) / len(rows))
    check(centres == sorted(centres), f"trend PNG: band strips out of order (mean rows {centres})")
    counts = img.counts()
    saturated = [c for c, n in counts.items() if n >= 15 and max(c) - min(c) > 80]
    check(len(saturated) >= 7, f"trend PNG: only {len(saturated)} saturated colours for 8 lines")
    ok(f"trend PNG 960×540: strips {[b[1] for b in model.bands]} top to bottom, "
       f"{len(saturated)} line colours")


def svg_fills(text):
    """Fill colours of an SVG as 0–255 triples (cairo writes rgb(P%, P%, P%))."""
    out = set()
    for m in re.finditer(r"fill:rgb\(([\d.]+)%,\s*([\d.]+)%,\s*([\d.]+)%\)", text):
        out.add(tuple(round(float(v) * 2.55) for v in m.groups()))
    return out


def check_svg(path, model, size):
    text = open(path, encoding="utf-8").read()
    root = ET.fromstring(text)
    check(root.tag == "{http://www.w3.org/2000/svg}svg", f"{path}: root is {root.tag}")
    check((root.get("width"), root.get("height")) == size, f"{path}: size {root.get('width')}×"
          f"{root.get('height')}, expected {size}")
    return svg_fills(text)


def svg_lines(text, n):
    """[(points, dashed)] of the unstroked-fill paths of exactly n points (the units' lines)."""
    out = []
    for m in re.finditer(r'<path style="(fill:none;[^"]*)" d="([^"]*)"', text):
        nums = re.findall(r"[ML] ([-\d.]+) ([-\d.]+)", m.group(2))
        if len(nums) == n and "Z" not in m.group(2):
            out.append(([(float(x), float(y)) for x, y in nums], "stroke-dasharray" in m.group(1)))
    return out


def check_trend_lines(text, model, scores):
    """Every unit's line runs through its recomputed scores: one linear map from score to y
    fits all points; x is the same, evenly spaced, for every unit; the city total is dashed."""
    years = sorted(scores)
    units = sorted(scores[years[0]])
    lines = svg_lines(text, len(years))
    check(len(lines) == len(units), f"trend SVG: {len(lines)} lines of {len(years)} points for "
          f"{len(units)} units")
    mean_y = lambda pts: sum(y for _, y in pts) / len(pts)
    mean_s = lambda u: sum(scores[y][u] for y in years) / len(years)
    lines.sort(key=lambda l: mean_y(l[0]))  # highest line first: the best mean score
    by_score = sorted(units, key=lambda u: -mean_s(u))
    pairs = [(scores[y][u], pt[1]) for (pts, _), u in zip(lines, by_score)
             for y, pt in zip(years, pts)]
    n = len(pairs)
    ms, my = sum(p[0] for p in pairs) / n, sum(p[1] for p in pairs) / n
    b = sum((s - ms) * (y - my) for s, y in pairs) / sum((s - ms) ** 2 for s, _ in pairs)
    worst = max(abs(y - (my + b * (s - ms))) for s, y in pairs)
    check(b < 0 and worst < 0.5, f"trend SVG: points off the scores by up to {worst:.2f} px")
    xs = [pt[0] for pt in lines[0][0]]
    steps = [xs[i + 1] - xs[i] for i in range(len(xs) - 1)]
    check(all(abs(st - steps[0]) < 0.01 and st > 0 for st in steps) and
          all([pt[0] for pt in l[0]] == xs for l in lines), "trend SVG: periods not evenly "
          "spaced or not shared by every line")
    # the strips' edges on that scale are the model's thresholds (within a pixel: edges are
    # whole pixels), though the tool has only the bands of its scores to place them
    edges = {}
    for m in re.finditer(r'fill:rgb\(([\d.]+)%,([\d.]+)%,([\d.]+)%\);fill-opacity:1;" d="([^"]*)"',
                         text):
        colour = tuple(round(float(v) * 2.55) for v in m.groups()[:3])
        ys = [float(y) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", m.group(4))]
        for _, label, c in model.bands:
            if near(colour, tint(BAND_RGB[c])):
                edges[label] = ms + (max(ys) - my) / b  # the strip's lower edge as a score
    for lo, label, _ in model.bands[:-1]:  # the lowest strip ends at the axis
        check(label in edges and abs(edges[label] - lo) <= 1 / -b,
              f"trend SVG: strip {label} starts at {edges.get(label)}, the model says {lo}")
    dashed = [u for (_, d), u in zip(lines, by_score) if d]
    check(dashed == model.reference_units, f"trend SVG: dashed lines {dashed}, expected "
          f"{model.reference_units}")
    ok(f"trend SVG: {len(lines)} lines through the recomputed scores (within {worst:.2f} px), "
       f"{-b:.2f} px a point, the city total dashed, strips from "
       f"{', '.join(f'{edges[l]:.2f}' for _, l, _ in model.bands[:-1])}")


def pdf_text(path):
    p = subprocess.run(["pdftotext", "-layout", path, "-"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    check(p.returncode == 0, f"pdftotext {path}: {p.stderr!r}")
    return p.stdout.decode("utf-8")


def test_trend(tool, root, d):
    model, scores, names = expected(root)
    png, svg, pdf = (os.path.join(d, "trend." + s) for s in ("PNG", "svg", "pdf"))
    for path in (png, svg, pdf):
        run(tool, ["--chart", "trend", "-o", path, os.path.join(d, "2019.csv")]).expect_ok()
    check_trend_png(png, model)
    fills = check_svg(svg, model, ("960px", "540px"))
    for _, label, colour in model.bands:
        check(any(near(f, tint(BAND_RGB[colour])) for f in fills),
              f"trend SVG: no fill of band {label} {tint(BAND_RGB[colour])}")
    ok("trend SVG parses, 960px×540px, with every band's strip colour")
    check_trend_lines(open(svg, encoding="utf-8").read(), model, scores)
    text = pdf_text(pdf)
    for want in [model.label, *names.values(), *scores.keys(), *(b[1] for b in model.bands)]:
        check(want in text, f"trend PDF: text layer lacks {want!r}")
    ok(f"trend PDF text layer: title, {len(names)} unit names, {len(scores)} years, band labels")
    p = subprocess.run(["pdffonts", pdf], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    fonts = [l.split()[0] for l in p.stdout.decode().splitlines()[2:] if l.strip()]
    check(p.returncode == 0 and fonts and all("NotoSansCJKsc-" in f for f in fonts),
          f"trend PDF fonts {fonts}: expected Noto Sans CJK SC only (Simplified forms)")
    ok(f"trend PDF embeds {', '.join(f.split('+')[-1] for f in fonts)} and no other font")
    piped = run(tool, ["--chart", "trend", os.path.join(d, "2019.csv")]).expect_ok()
    check(ET.fromstring(piped.out).tag.endswith("svg"), "trend without -o: no SVG on the pipe")
    check(piped.out == open(svg, "rb").read(), "trend SVG on a pipe differs from -o FILE.svg")
    ok("trend without -o writes the same SVG to a pipe")


def bars(img, colours):
    """[(colour name, length in px)] of the horizontal bars, top to bottom: runs of rows whose
    longest stretch of one colour of `colours` is at least 20 px."""
    found, prev = [], None
    for row in img.rows:
        best = (None, 0)
        for name, c in colours.items():
            run_len = longest = 0
            for p in row:
                run_len = run_len + 1 if near(p, c) else 0
                longest = max(longest, run_len)
            if longest > best[1]:
                best = (name, longest)
        cur = best if best[1] >= 20 else None
        if cur and (prev is None or prev[0] != cur[0]):
            found.append([cur[0], []])
        if cur:
            found[-1][1].append(cur[1])
        prev = cur
    return [(name, sorted(lens)[len(lens) // 2]) for name, lens in found]


def test_ranking(tool, root, d):
    model, scores, names = expected(root)
    last = max(scores)
    ranked = {u: s for u, s in scores[last].items() if u not in model.reference_units}
    order = sorted(ranked, key=lambda u: -ranked[u])
    png, pdf = os.path.join(d, "ranking.png"), os.path.join(d, "ranking.pdf")
    for path in (png, pdf):
        run(tool, ["--chart", "ranking", "-o", path, os.path.join(d, "2019.csv")]).expect_ok()
    img = pngdecode.decode(open(png, "rb").read())
    check(img.width == 960, f"ranking PNG is {img.width} wide")
    got = bars(img, BAND_RGB)
    check(len(got) == len(order), f"ranking PNG: {len(got)} bars for {len(order)} ranked units")
    for (colour, length), u in zip(got, order):
        want = model.band(ranked[u])[1]
        check(colour == want, f"ranking PNG: bar of {u} ({ranked[u]:.2f}) is {colour}, not {want}")
        expect_len = got[0][1] * ranked[u] / ranked[order[0]]
        check(abs(length - expect_len) <= 2, f"ranking PNG: bar of {u} is {length} px, expected "
              f"{expect_len:.1f} (proportional to its score)")
    ok(f"ranking PNG: {len(got)} bars in the recomputed order, band colours and lengths")
    text = pdf_text(pdf)
    pos = [text.find(names[u]) for u in order]
    check(all(p >= 0 for p in pos) and pos == sorted(pos),
          f"ranking PDF: district names not in rank order ({pos})")
    ref = model.reference_units[0]
    check(f"{names[ref]} {scores[last][ref]:.2f}" in text,
          f"ranking PDF: no reference line '{names[ref]} {scores[last][ref]:.2f}'")
    ok("ranking PDF lists the districts by rank and marks the city total")


USAGE = [
    (["--chart", "pie"], "unknown chart 'pie' (trend, ranking, correlation, contributions or uncertainty)"),
    (["--chart", "uncertainty"], "--chart uncertainty draws the rank intervals of --uncertainty N"),
    (["--stats", "--chart", "correlation"], "--stats and --chart both say what to write"),
    (["-f", "csv", "--chart", "trend"], "--chart draws a chart; -f is for tables"),
    (["--top", "2", "--chart", "ranking"], "--chart draws a chart; --top is for tables"),
]
SUFFIX = ["chart.txt", "chart", "chart.svg.bak", "chart.jpeg"]


def expect_usage(r, want):
    check(r.rc == 2, f"`{r.cmd()}` exited {r.rc}, expected 2; stderr {r.stderr!r}")
    lines = r.stderr.strip().split("\n")
    check(len(lines) == 1 and want in lines[0] and lines[0].startswith("pingan-index: "),
          f"`{r.cmd()}`: expected one message with {want!r}, got {r.stderr!r}")
    check(r.out == b"", f"`{r.cmd()}` wrote to standard output")


def test_bad_input(tool, d):
    data = os.path.join(d, "2019.csv")
    old = os.path.join(d, "old.svg")
    with open(old, "w") as f:
        f.write("old")
    for args, want in USAGE:
        expect_usage(run(tool, [*args, "-o", old, data]), want)
        check(open(old).read() == "old", f"{args}: -o {old} was touched")
    for name in SUFFIX:
        path = os.path.join(d, name)
        expect_usage(run(tool, ["--chart", "trend", "-o", path, data]),
                     f"-o {path}: the suffix names no chart format (.svg, .png or .pdf)")
        check(not os.path.exists(path), f"-o {path}: a file was made on a usage error")
    ok(f"{len(USAGE) + len(SUFFIX)} usage errors: exit 2, one message, nothing written")
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(tool, [tool, "--chart", "trend", data])
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    rc = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    check(rc == 2 and b"a chart is no text for a terminal" in out and b"<svg" not in out,
          f"--chart to a terminal: exit {rc}, output {out[:200]!r}")
    ok("--chart without -o on a terminal: exit 2, no SVG")
    full = run(tool, ["--chart", "ranking", "-o", "/dev/full", data])
    check(full.rc == 1 and full.stderr.strip() == "pingan-index: --chart: write error: No space "
          "left on device", f"-o /dev/full: exit {full.rc}, {full.stderr!r}")
    dev = run(tool, ["--chart", "ranking", "-o", "/dev/stdout", data]).expect_ok()
    check(ET.fromstring(dev.out).tag.endswith("svg"), "-o /dev/stdout: no SVG")
    ok("-o /dev/full: exit 1 with a write error; -o /dev/stdout gets SVG")
    bad = os.path.join(d, "bad")
    os.makedirs(bad)
    with open(os.path.join(bad, "2019.csv"), "w") as f:
        f.write(open(data).read().replace(",1001731,", ",x,"))
    target = os.path.join(bad, "t.png")
    r = run(tool, ["--chart", "trend", "-c", os.path.join(d, "pingan.ini"), "-o", target,
                   os.path.join(bad, "2019.csv")])
    check(r.rc == 1 and "2019.csv:3:3:" in r.stderr and not os.path.exists(target),
          f"bad data: exit {r.rc}, {r.stderr!r}, output made: {os.path.exists(target)}")
    ok("bad data: exit 1 with FILE:LINE:COLUMN, no chart file")
    allref = os.path.join(d, "allref")
    os.makedirs(allref)
    units = [line.split(",")[0] for line in open(data, encoding="utf-8").read().split("\n")[1:]
             if line]
    ini = open(os.path.join(d, "pingan.ini"), encoding="utf-8").read()
    ini = re.sub(r"(?m)^reference_units = \w+", "reference_units = " + " ".join(units), ini)
    open(os.path.join(allref, "pingan.ini"), "w", encoding="utf-8").write(ini)
    shutil.copy(data, allref)
    target = os.path.join(allref, "r.svg")
    r = run(tool, ["--chart", "ranking", "-o", target, os.path.join(allref, "2019.csv")])
    check(r.rc == 1 and r.stderr.strip() == "pingan-index: --chart ranking: no unit is ranked "
          "in 2019" and not os.path.exists(target), f"no unit ranked: exit {r.rc}, {r.stderr!r}")
    ok("ranking with every unit a reference unit: exit 1, one message, no file")


def corr_rgb(v):
    """The heat map's colour of a correlation (README, "Charts"): white at 0, red at +1,
    blue at −1, light grey where undefined."""
    if v != v:
        return (200, 200, 200)
    end = BAND_RGB["red"] if v >= 0 else BAND_RGB["blue"]
    return tuple(round(255 + (e - 255) * abs(v)) for e in end)


def bbox(img, colour, right):
    """(pixel count, x0, y0, x1, y1) of a colour (±1 for rounding) left of x = right."""
    xs, ys = [], []
    for y, row in enumerate(img.rows):
        for x, p in enumerate(row[:right]):
            if near(p, colour, 1):
                xs.append(x)
                ys.append(y)
    return (len(xs), min(xs), min(ys), max(xs), max(ys)) if xs else (0, 0, 0, 0, 0)


def test_heatmap(driver, d):
    """The drawer on a matrix of 3 indicators: each value's colour where its cells are."""
    labels = ["警情", "火灾", "交通"]
    # not symmetric, so that rows and columns cannot be swapped unnoticed (row i = label i)
    v = [[1, 0.5, -0.8], [0.3, 1, float("nan")], [-0.4, float("nan"), 1]]
    feed = " ".join(labels) + " --\n" + "\n".join(" ".join(str(x) for x in r) for r in v)
    outs = {}
    for suffix in ("png", "svg", "pdf"):
        outs[suffix] = os.path.join(d, "heat." + suffix)
        p = subprocess.run([driver, outs[suffix]], input=feed.encode(), stderr=subprocess.PIPE)
        check(p.returncode == 0, f"heat map driver: exit {p.returncode}, {p.stderr!r}")
    img = pngdecode.decode(open(outs["png"], "rb").read())
    # −1 is in no cell, only in the colour bar right of the grid: the search stops there
    bar = bbox(img, corr_rgb(-1), img.width)[1]
    check(bar > 0, "heat map: no colour bar (no pixel of −1's colour)")
    n1, *one = bbox(img, corr_rgb(1), bar)
    cell = (one[2] - one[0] + 1) / 3
    check(cell > 10 and abs((one[3] - one[1] + 1) / 3 - cell) < 1,
          f"heat map: the diagonal (+1) spans {one}, not a square of 3 cells")
    for i in range(3):
        for j in range(3):
            x0, y0 = one[0] + round(j * cell), one[1] + round(i * cell)
            px = [img.pixel(x, y) for y in range(y0, y0 + int(cell))
                  for x in range(x0, x0 + int(cell))]
            share = sum(1 for p in px if near(p, corr_rgb(v[i][j]), 1)) / len(px)
            check(share > 0.6, f"heat map: cell ({i}, {j}) is {share:.0%} the colour of "
                  f"{v[i][j]} {corr_rgb(v[i][j])}")
    ok(f"heat map PNG: +1 on the diagonal, 0.5, -0.8 and undefined in their cells ({cell:.0f} px)")
    text = pdf_text(outs["pdf"])
    check(all(l in text for l in labels) and "-0.80" in text, f"heat map PDF text: {text!r}")
    ET.parse(outs["svg"])
    ok("heat map PDF holds the labels and values; the SVG parses")


def test_correlation(tool, d):
    """--chart correlation draws the Pearson matrix --stats reports: every defined value of
    it is in the PDF's text, as the heat map writes it (two decimals), with the labels."""
    data = os.path.join(d, "2019.csv")
    r = run(tool, ["--stats", "-f", "json", data])
    check(r.rc == 0, f"--stats -f json: exit {r.rc}: {r.stderr!r}")
    corr = json.loads(r.out)["correlations"]["pearson"]
    pdf = os.path.join(d, "corr.pdf")
    r = run(tool, ["--chart", "correlation", "-o", pdf, data])
    check(r.rc == 0 and os.path.getsize(pdf) > 0, f"--chart correlation: exit {r.rc}: {r.stderr!r}")
    text = pdf_text(pdf)
    vals = [v for row in corr["matrix"] for v in row if v is not None and abs(v) < 0.995]
    missing = [v for v in vals if f"{v:.2f}" not in text]
    check(vals and not missing, f"--chart correlation: values not in the PDF: {missing[:5]}")
    ok(f"--chart correlation: {len(vals)} Pearson values of --stats in the heat map")


def main_body():
    tool, root = setup()
    if os.environ.get("PINGAN_SANITIZED"):  # cairo's own leak at the end of a PDF
        # (the slow unwinder sees the cairo function the suppression names)
        supp = os.path.join(root, "tests", "cli", "lsan-cairo.supp")
        os.environ["LSAN_OPTIONS"] = (f"suppressions={supp}:print_suppressions=0:"
                                      "fast_unwind_on_malloc=0")
    check(shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed")
    with tempdir() as d:
        copy_data(root, d)
        test_trend(tool, root, d)
        test_ranking(tool, root, d)
        test_bad_input(tool, d)
        test_correlation(tool, d)
        driver = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--heatmap=")]
        if driver:
            test_heatmap(driver[0], d)


if __name__ == "__main__":
    main(main_body)
