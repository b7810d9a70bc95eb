#!/bin/sh
# SPDX-License-Identifier: MIT
# The grid benchmark: the same job by libpingan, pandas and DuckDB, whole processes, on a
# deterministic panel (bench/gen.py). Checks that the three agree before it reports a time.
#   sh bench/run.sh            200,000 cells x 10 years, and 20,000 cells
#   sh bench/run.sh --large    also 2,000,000 cells x 10 years (about 850 MB of CSV)
#   REPEAT=1 sh bench/run.sh   one run of each tool instead of the fastest of three
# Needs python3-pandas (apt) and the npm package @duckdb/node-api (installed into
# bench/node_modules on first use); both are set up here when missing.
set -eu
cd "$(dirname "$0")/.."
sizes="20000 200000"
[ "${1:-}" = "--large" ] && sizes="$sizes 2000000"
work=${BENCH_DIR:-/tmp/pingan-bench}
mkdir -p "$work"

sh scripts/setup.sh >/dev/null
PY=/usr/bin/python3 # Debian's, where python3-pandas lives
if ! "$PY" -c 'import pandas' 2>/dev/null; then
    apt-get install -y -qq python3-pandas >/dev/null
fi
if ! command -v node >/dev/null; then
    apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
    (cd bench && npm install --no-audit --no-fund --silent @duckdb/node-api@1.5.6-r.1 >/dev/null)
fi
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null

repeat=${REPEAT:-3} # runs of each tool; the fastest counts (a shared machine is noisy)
measure() { # label, command...: prints "seconds max_rss_kb" of the fastest run
    label=$1; shift
    rm -f "$work/time.$label".*
    i=0
    while [ "$i" -lt "$repeat" ]; do
        i=$((i + 1))
        /usr/bin/time -f "%e %M" -o "$work/time.$label.$i" "$@" >/dev/null
    done
    cat "$work/time.$label".* | awk 'NR == 1 || $1 < t { t = $1; m = $2 } END { print t, m }'
}

printf '%-9s %-10s %10s %10s %10s %10s\n' cells tool seconds "peak MB" "x slower" "MB/s csv"
for cells in $sizes; do
    csv="$work/panel-$cells.csv"
    [ -f "$csv" ] || "$PY" bench/gen.py "$cells" > "$csv"
    mb=$(du -m "$csv" | cut -f1)
    set -- $(measure pingan ./build/tools/pingan-index -c bench/grid.ini -f csv --node index \
        -o "$work/out-pingan.csv" "$csv")
    t_p=$1; m_p=$2
    set -- $(measure pandas "$PY" bench/pandas_job.py "$csv" "$work/out-pandas.csv")
    t_pd=$1; m_pd=$2
    set -- $(measure duckdb node bench/duckdb_job.mjs "$csv" "$work/out-duckdb.csv")
    t_dk=$1; m_dk=$2
    "$PY" bench/compare.py "$work/out-pingan.csv" "$work/out-pandas.csv" "$work/out-duckdb.csv"
    for row in "libpingan $t_p $m_p" "pandas $t_pd $m_pd" "duckdb $t_dk $m_dk"; do
        set -- $row
        printf '%-9s %-10s %10s %10d %10.1f %10.0f\n' "$cells" "$1" "$2" $(($3 / 1024)) \
            "$(echo "$2 $t_p" | awk '{print $1 / $2}')" "$(echo "$mb $2" | awk '{print $1 / $2}')"
    done
    # the analysts' layout: one file a year (2019.csv and its siblings), libpingan alone;
    # the output must be the one of the single file, byte for byte
    dir="$work/yearly-$cells"
    if [ ! -f "$dir/2019.csv" ]; then
        mkdir -p "$dir"
        awk -F, -v d="$dir" 'NR == 1 { h = $1; for (i = 3; i <= NF; i++) h = h "," $i; next }
            { f = d "/" $2 ".csv"; if (!(f in seen)) { print h > f; seen[f] = 1 }
              l = $1; for (i = 3; i <= NF; i++) l = l "," $i; print l > f }' "$csv"
    fi
    grep -v '^period_column' bench/grid.ini > "$work/grid-yearly.ini"
    set -- $(measure yearly ./build/tools/pingan-index -c "$work/grid-yearly.ini" -f csv \
        --node index -o "$work/out-yearly.csv" "$dir/2019.csv")
    cmp -s "$work/out-yearly.csv" "$work/out-pingan.csv" ||
        { echo "bench: the yearly files gave another output" >&2; exit 1; }
    printf '%-9s %-10s %10s %10d %10.1f %10.0f   (10 yearly files)\n' "$cells" libpingan "$1" \
        $(($2 / 1024)) "$(echo "$1 $t_p" | awk '{print $1 / $2}')" \
        "$(echo "$mb $1" | awk '{print $1 / $2}')"
    # the same cells rolled up through four levels ([units]: 社区, 镇街, 区, 市), every level
    # scored and ranked within itself, against the flat job on the same panel. The panel has no
    # empty cells: one empty cell leaves its community, street, district and city without a
    # sum for that indicator (a sum over some cells is not the district's count)
    full="$work/panel-$cells-full.csv"
    [ -f "$full" ] || "$PY" bench/gen.py "$cells" 10 full > "$full"
    "$PY" bench/gen.py --parents "$cells" > "$work/parents-$cells.csv"
    sed 's/^denominate = no$/denominate = no\nrollup = sum/' bench/grid.ini > "$work/grid-units-$cells.ini"
    printf '\n[units]\nparents = parents-%s.csv\nlevels = 网格; 社区; 镇街; 区; 市\n' "$cells" \
        >> "$work/grid-units-$cells.ini"
    set -- $(measure flat ./build/tools/pingan-index -c bench/grid.ini -f csv --node index \
        -o "$work/out-flat.csv" "$full")
    t_f=$1
    printf '%-9s %-10s %10s %10d %10.1f %10s   (no empty cells, flat)\n' "$cells" libpingan "$1" \
        $(($2 / 1024)) 1 -
    set -- $(measure units ./build/tools/pingan-index -c "$work/grid-units-$cells.ini" -f csv \
        --node index -o "$work/out-units.csv" "$full")
    "$PY" bench/check_units.py "$work/parents-$cells.csv" "$work/out-units.csv"
    printf '%-9s %-10s %10s %10d %10.1f %10s   (rolled up through 4 levels; x the flat job)\n' \
        "$cells" libpingan "$1" $(($2 / 1024)) "$(echo "$1 $t_f" | awk '{print $1 / $2}')" -
done

# re-scoring with an engine (bench/engine.c): the 2,000,000-row panel read once, then a full
# pa_compute against an engine's call after a group's weight and after one indicator's
# normalisation changed (targets: a tenth and a fifth of the full computation)
echo
echo "engine, 2,000,000 rows (200,000 cells x 10 years):"
[ -f "$work/panel-200000.csv" ] || "$PY" bench/gen.py 200000 > "$work/panel-200000.csv"
./build/bench/engine-bench bench/grid.ini "$work/panel-200000.csv" fire fires "$repeat"
echo "engine, ASEM (51 units, 49 indicators):"
./build/bench/engine-bench tests/reference/models/asem_minmax_arith.ini \
    tests/reference/data/asem/iData.csv Conn LPI 200
