#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The manual pages (scdoc sources in doc/man): groff renders each without a warning, man -l
shows their Chinese text, and they are complete: pingan-index(1) has every option of --help,
pingan.ini(5) every model key of doc/model.md, libpingan(3) every exported function and no
function that is not exported. Run as  test_man.py PINGAN_INDEX SOURCE_ROOT PAGE...  ."""
import os
import re
import subprocess
import sys

from clitest import check, main, ok

UTF8 = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")


def render(page):
    """The page through groff (-k: preconv, for the UTF-8 text) with every warning on, then
    through man -l as a reader sees it."""
    g = subprocess.run(["groff", "-k", "-man", "-Tutf8", "-ww", "-z", page],
                       capture_output=True, env=UTF8)
    check(g.returncode == 0 and g.stderr == b"",
          f"groff -ww {os.path.basename(page)}: status {g.returncode}, "
          f"{g.stderr.decode('utf-8', 'replace')!r}")
    m = subprocess.run(["man", "-l", page], capture_output=True, env=UTF8)
    check(m.returncode == 0 and m.stderr == b"",
          f"man -l {os.path.basename(page)}: status {m.returncode}, "
          f"{m.stderr.decode('utf-8', 'replace')!r}")
    text = m.stdout.decode("utf-8")
    return re.sub(r".\x08", "", text)  # overstrike bold and underline, should man use it


def words(text):
    """The page's text with hyphenation at line ends undone."""
    return re.sub(r"[\u2010-](\n\s*)", "", text)


def command_page(tool, text):
    helptext = subprocess.run([tool, "--help"], capture_output=True).stdout.decode("utf-8")
    opts = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", helptext))
    missing = sorted(o for o in opts if not re.search(r"(?<![\w-])" + re.escape(o) + r"\b",
                                                         text))
    check(not missing, f"pingan-index(1) lacks the options {missing} of --help")
    for head in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT",
                 "FILES", "EXAMPLES", "SEE ALSO"):
        check(re.search(rf"^{head}$", text, re.M), f"pingan-index(1) has no {head} section")
    check("平安+" in text and "总览" in text, "pingan-index(1) as man shows it lost its Chinese")
    return len(opts)


def model_keys(root):
    """Keys of the model sections of doc/model.md: first cells of their tables and the
    backticked names of their prose."""
    with open(os.path.join(root, "doc", "model.md"), encoding="utf-8") as f:
        md = f.read()
    keys = set()
    for sec in re.split(r"^## ", md, flags=re.M):
        if not re.match(r"`\[(index|group|indicator|penalty|units)", sec):
            continue
        sec = re.sub(r"```.*?```", "", sec, flags=re.S)
        for line in sec.splitlines():
            if line.startswith("| `"):
                keys |= set(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
            elif not line.startswith("|"):
                keys |= set(re.findall(r"`([a-z_]+)`(?= \(|,| =|\)| and|$)", line))
    return keys


def model_page(root, text):
    keys = model_keys(root)
    check(len(keys) > 30, f"found only {len(keys)} keys in doc/model.md: {sorted(keys)}")
    missing = sorted(k for k in keys if not re.search(rf"\b{k}\b", text))
    check(not missing, f"pingan.ini(5) lacks the keys {missing} of doc/model.md")
    check("珠海市“平安+”市域社会治理指数" in text, "pingan.ini(5) as man shows it lost its Chinese")
    return len(keys)


def library_page(root, text):
    with open(os.path.join(root, "lib", "libpingan.map"), encoding="utf-8") as f:
        exported = set(re.findall(r"^\s+(pa_\w+);", f.read(), re.M))
    named = set(re.findall(r"\b(pa_[a-z_]+)\b", text)) - {"pa_status", "pa_error",
                                                          "pa_model", "pa_data", "pa_result"}
    check(not exported - named, f"libpingan(3) lacks {sorted(exported - named)}")
    check(not named - exported, f"libpingan(3) names {sorted(named - exported)}, which "
                                "lib/libpingan.map does not export")
    check("pkg-config --cflags --libs pingan" in text, "libpingan(3) says nothing of pkg-config")
    return len(exported)


def body():
    if len(sys.argv) < 4:
        print(f"usage: {sys.argv[0]} PINGAN_INDEX SOURCE_ROOT PAGE...", file=sys.stderr)
        sys.exit(2)
    tool, root, pages = sys.argv[1], sys.argv[2], sys.argv[3:]
    by_name = {os.path.basename(p): words(render(p)) for p in pages}
    ok(f"groff -ww and man -l render {sorted(by_name)} without a warning")
    n = command_page(tool, by_name["pingan-index.1"])
    ok(f"pingan-index(1): every one of the {n} options of --help, every section")
    n = model_page(root, by_name["pingan.ini.5"])
    ok(f"pingan.ini(5): every one of the {n} keys of doc/model.md")
    n = library_page(root, by_name["libpingan.3"])
    ok(f"libpingan(3): the {n} exported functions, and no other")


main(body)
