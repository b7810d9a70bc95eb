#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""-f html: one self-contained page, checked as markup and in a real browser.

    python3 test_html.py PINGAN_INDEX SOURCE_ROOT

On the shipped data (scores recomputed here from the model):
- the page declares UTF-8, loads nothing (no script, no link, no src, no URL but the SVG
  namespaces), and holds two inline SVG charts whose ids are unique in the page and whose
  references all resolve;
- the index table lists the city total first, then the districts by recomputed rank, with
  the recomputed scores, and each band cell has the band's label and colour as background;
- each unit has a table of its indicators whose values are the data file's;
- labels from the model and names from the data are escaped (a unit named <script>…);
- with no unit ranked the ranking chart is left out; a mean base is named by its periods;
- chromium-headless-shell renders the page: the screenshot is no blank page (many colours)
  and shows the band colours (table cells) and the trend's band strips.
"""

import html.parser
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
from clitest import (Model, check, copy_data, main, ok, read_years, recompute, run, setup,
                     tempdir)
import pngdecode

# The colours the report draws the model's band colours in (README, "Charts").
BAND_RGB = {"blue": (43, 108, 176), "yellow": (242, 196, 15), "orange": (240, 140, 0),
            "red": (214, 39, 40)}
NS = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink")


class Page(html.parser.HTMLParser):
    """Tables as lists of rows of (text, attrs) cells; every start tag with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.tables, self.cell = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self.tables.append((a.get("class"), []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append((a, []))
        elif tag in ("td", "th") and self.tables:
            self.cell = [tag, "", a]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][1][-1][1].append(tuple(self.cell))
            self.cell = None


def hex_rgb(colour):
    return "#%02x%02x%02x" % BAND_RGB[colour]


def expected(root):
    model = Model(os.path.join(root, "data", "pingan.ini"))
    years = read_years(os.path.join(root, "data"))
    last = max(years)
    rows = {r["unit"]: r for r in years[last]}
    scores = {u: recompute(model, r)[model.code] for u, r in rows.items()}
    return model, rows, scores


def check_markup(text, page):
    check('<meta charset="utf-8">' in text, "no <meta charset=\"utf-8\">")
    tags = {t for t, _ in page.tags}
    check(not tags & {"script", "link", "img", "iframe", "object"},
          f"the page loads something: {sorted(tags & {'script', 'link', 'img', 'iframe'})}")
    urls = set(re.findall(r"https?://[^\"' )]+", text))
    check(urls <= set(NS), f"URLs other than the SVG namespaces: {sorted(urls - set(NS))}")
    check(not any("src" in a for _, a in page.tags), "an element with src=")
    svgs = [a for t, a in page.tags if t == "svg"]
    check(len(svgs) == 2, f"{len(svgs)} inline SVG elements, expected trend and ranking")
    ids = [a["id"] for _, a in page.tags if "id" in a]
    check(len(ids) == len(set(ids)), "ids repeat in the page (two charts share glyph ids)")
    refs = {a.get("xlink:href", a.get("href", ""))[1:] for _, a in page.tags
            if a.get("xlink:href", a.get("href", "")).startswith("#")}
    refs |= set(re.findall(r"url\(#([^)]+)\)", text))
    check(refs and refs <= set(ids), f"references to missing ids: {sorted(refs - set(ids))[:5]}")
    ok(f"UTF-8, nothing loaded, 2 inline SVGs, {len(ids)} unique ids, {len(refs)} references resolve")


def check_index(page, model, rows, scores):
    tables = [rows_ for cls, rows_ in page.tables if cls == "index"]
    check(len(tables) == 1, f"{len(tables)} index tables")
    body = [(a, cells) for a, cells in tables[0] if cells and cells[0][0] == "td"]
    ranked = {u: s for u, s in scores.items() if u not in model.reference_units}
    order = model.reference_units + sorted(ranked, key=lambda u: -ranked[u])
    got = [a.get("data-unit") for a, _ in body]
    check(got == order, f"index table order {got}, expected {order}")
    for (a, cells), u in zip(body, order):
        rank = "-" if u in model.reference_units else str(order.index(u) - len(model.reference_units) + 1)
        check(cells[0][1] == rank and cells[1][1] == rows[u]["name"],
              f"{u}: rank/name cells {cells[0][1]!r} {cells[1][1]!r}, expected {rank} {rows[u]['name']}")
        check(abs(float(cells[2][1]) - scores[u]) <= 0.005 + 1e-9,
              f"{u}: index {cells[2][1]}, recomputed {scores[u]:.4f}")
        label, colour = model.band(scores[u])
        text, attrs = cells[5][1], cells[5][2]
        check(text == label and f"background:{hex_rgb(colour)}" in attrs.get("style", ""),
              f"{u}: band cell {text!r} {attrs}, expected {label} on {hex_rgb(colour)}")
    ok(f"index table: {len(order)} units in the recomputed order, scores and band colours")


def check_units(page, model, rows):
    units = [r for cls, r in page.tables if cls == "unit"]
    check(len(units) == len(rows), f"{len(units)} unit tables for {len(rows)} units")
    inds = [c for c in model.order if model.nodes[c]["kind"] == "indicator"]
    checked = 0
    for table in units:
        body = {a.get("data-node"): cells for a, cells in table if cells and cells[0][0] == "td"}
        # which unit: the one whose every raw value matches this table's
        match = [u for u, r in rows.items()
                 if all(float(body[c][3][1]) == float(r[model.nodes[c]["column"]]) for c in inds)]
        check(len(match) == 1, f"a unit table matches {len(match)} data rows")
        checked += 1
    ok(f"{checked} unit tables hold the data file's raw values of {len(inds)} indicators")


def check_escaping(tool, root, d):
    esc = os.path.join(d, "esc")
    copy_data(root, esc)
    ini = os.path.join(esc, "pingan.ini")
    text = open(ini, encoding="utf-8").read().replace("label = 治安", "label = 治安<b>&\"'")
    open(ini, "w", encoding="utf-8").write(text)
    for year in read_years(esc):  # a unit's name is the one its first file gives
        data = os.path.join(esc, year + ".csv")
        csv = open(data, encoding="utf-8").read().replace("香洲区", "\"<script>alert(1)</script>\"")
        open(data, "w", encoding="utf-8").write(csv)
    out = run(tool, ["-f", "html", data]).expect_ok().stdout
    check("<script" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out,
          "a unit name <script>… is not escaped")
    check("治安&lt;b&gt;&amp;&quot;&#39;" in out and "<b>" not in out,
          "a group label with <b>&\"' is not escaped")
    ok("names and labels with < > & \" ' are escaped")


def check_edges(tool, root, d):
    """No ranked unit: the page leaves the ranking chart out; a mean base is named as one."""
    allref = os.path.join(d, "allref")
    copy_data(root, allref)
    ini = os.path.join(allref, "pingan.ini")
    units = [r["unit"] for r in read_years(allref)["2019"]]
    text = re.sub(r"(?m)^reference_units = \w+", "reference_units = " + " ".join(units),
                  open(ini, encoding="utf-8").read())
    open(ini, "w", encoding="utf-8").write(text)
    out = run(tool, ["-f", "html", os.path.join(allref, "2019.csv")]).expect_ok().stdout
    check(out.count("<svg") == 1 and 'id="chart-trend"' in out and "chart-ranking" not in out,
          "every unit a reference unit: expected the trend chart alone")
    ok("no unit ranked: the page has the trend chart and no ranking chart")
    monthly = os.path.join(root, "tests", "cli", "data", "monthly", "2020-02.csv")
    out = run(tool, ["-f", "html", "--compare", "mean:3", monthly]).expect_ok().stdout
    check("<p>2020-02 较 2019-11 至 2020-01 均值</p>" in out, "--compare mean:3: the page does "
          "not name the three months before 2020-02 as its base")
    ok("--compare mean:3 on monthly data: the base is named 2019-11 至 2020-01 均值")


def screenshot(page_path, png):
    shell = shutil.which("chromium-headless-shell")
    check(shell, "chromium-headless-shell is not installed")
    p = subprocess.run([shell, "--no-sandbox", "--headless", "--hide-scrollbars",
                        "--disable-gpu", f"--screenshot={png}", "--window-size=1000,1500",
                        "file://" + os.path.abspath(page_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    check(p.returncode == 0 and os.path.exists(png),
          f"chromium-headless-shell exited {p.returncode}: {p.stderr[-500:]!r}")
    return pngdecode.decode(open(png, "rb").read())


def near(a, b, tol=3):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def check_browser(path, d):
    img = screenshot(path, os.path.join(d, "shot.png"))
    counts = img.counts()
    check((img.width, img.height) == (1000, 1500), f"screenshot {img.width}×{img.height}")
    check(len(counts) > 200, f"the screenshot has {len(counts)} colours: a blank page?")
    white = sum(n for c, n in counts.items() if min(c) >= 250)
    check(white < 0.9 * img.width * img.height, f"{white} of the screenshot's pixels are white")
    for name in ("blue", "yellow"):  # the bands of 2019 (优秀, 良好)
        n = sum(k for c, k in counts.items() if near(c, BAND_RGB[name]))
        check(n > 200, f"screenshot: {n} pixels of the band colour {name} {BAND_RGB[name]}")
    for name in BAND_RGB:  # every band's strip in the trend chart
        t = tuple(round(v * 0.3 + 255 * 0.7) for v in BAND_RGB[name])
        n = sum(k for c, k in counts.items() if near(c, t))
        check(n > 2000, f"screenshot: {n} pixels of the {name} strip colour {t}")
    ok(f"chromium screenshot: {len(counts)} colours, band cells and all four strips shown")


def main_body():
    tool, root = setup()
    if os.environ.get("PINGAN_SANITIZED"):  # cairo's own leak at the end of a PDF
        # (the slow unwinder sees the cairo function the suppression names)
        supp = os.path.join(root, "tests", "cli", "lsan-cairo.supp")
        os.environ["LSAN_OPTIONS"] = (f"suppressions={supp}:print_suppressions=0:"
                                      "fast_unwind_on_malloc=0")
    model, rows, scores = expected(root)
    with tempdir() as d:
        copy_data(root, d)
        path = os.path.join(d, "report.html")
        run(tool, ["-f", "html", "-o", path, os.path.join(d, "2019.csv")]).expect_ok()
        text = open(path, encoding="utf-8").read()
        page = Page()
        page.feed(text)
        check_markup(text, page)
        check_index(page, model, rows, scores)
        check_units(page, model, rows)
        check_escaping(tool, root, d)
        check_edges(tool, root, d)
        check_browser(path, d)


if __name__ == "__main__":
    main(main_body)
