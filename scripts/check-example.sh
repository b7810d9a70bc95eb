#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds examples/index.c against the libpingan installed under PREFIX, through pkg-config
# only (as a developer who copies it does), runs it on data/2019.csv and checks that every
# unit's index and rank are the installed pingan-index's CSV ones, to the last bit; checks the
# manual pages are installed.  Usage: sh scripts/check-example.sh PREFIX
set -eu
cd "$(dirname "$0")/.."
prefix=$1
out=build-install/example
mkdir -p "$out"
pc=$(ls "$prefix"/lib*/pkgconfig/pingan.pc "$prefix"/lib*/*/pkgconfig/pingan.pc 2>/dev/null | head -n 1)
[ -n "$pc" ] || { echo "check-example: no pingan.pc under $prefix" >&2; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
libdir=$(pkg-config --variable=libdir pingan)
for page in man1/pingan-index.1 man5/pingan.ini.5 man3/libpingan.3; do
    [ -f "$prefix/share/man/$page" ] || { echo "check-example: $page not installed" >&2; exit 1; }
done
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -Wall -Wextra -Werror -std=c99 examples/index.c $(pkg-config --cflags --libs pingan) -o "$out/index"
LD_LIBRARY_PATH="$libdir" "$out/index" data/2019.csv data/pingan.ini >"$out/index.csv"
"$prefix/bin/pingan-index" -f csv --node pingan --period 2019 data/2019.csv >"$out/cli.csv"
python3 - "$out/index.csv" "$out/cli.csv" <<'PY'
import csv, sys
example = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
cli = {r["unit"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
assert len(example) == len(cli) > 0, f"{len(example)} units from the example, {len(cli)} from the CLI"
for r in example:
    c = cli[r["unit"]]
    assert r["period"] == c["period"], (r, c)
    assert float(r["index"]) == float(c["score"]), (r, c)   # %.17g and shortest round-trip
    assert int(r["rank"]) == int(c["rank"] or 0), (r, c)
PY
