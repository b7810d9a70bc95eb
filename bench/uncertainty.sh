#!/bin/sh
# SPDX-License-Identifier: MIT
# Uncertainty and sensitivity runs, timed (not a test):
# - ASEM with COINr's set-up (bench/asem_unc.ini): --uncertainty 10000 and --sensitivity 10000
#   (50,000 runs), beside COINr's figure per run (140 ms measured here for COINr 1.1.14, and
#   measured again when R has COINr: R_LIBS=/tmp/rlib by default);
# - the 20,000-cell panel of bench/gen.py (10 years): --uncertainty 1000, time and peak memory.
# Each line gives the wall time and the per-run split of CPU time between writing a draw into
# a working model (setup) and pa_engine_compute, then the process's wall and CPU time and peak
# memory; the load average before and after (the machine may be shared).
set -eu
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/pingan-bench}
mkdir -p "$work"
sh scripts/setup.sh >/dev/null
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
cc -O2 -Iinclude bench/unc_bench.c -Lbuild/lib -lpingan -Wl,-rpath,"$PWD/build/lib" \
    -o "$work/unc_bench"
asem=tests/reference/data/asem/iData.csv
timed="/usr/bin/time -f %e_s_wall,_%U_s_user,_%S_s_sys,_peak_memory_%M_kB"
echo "ASEM (51 units, 49 indicators), COINr's set-up; $(nproc) cores; load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
$timed "$work/unc_bench" bench/asem_unc.ini "$asem" 10000
$timed "$work/unc_bench" bench/asem_unc.ini "$asem" 10000 sensitivity
echo "COINr 1.1.14, measured on this machine: 140 ms per run"
if R_LIBS=${R_LIBS:-/tmp/rlib} Rscript -e 'library(COINr)' >/dev/null 2>&1; then
    R_LIBS=${R_LIBS:-/tmp/rlib} Rscript bench/coinr_unc.R "${COINR_RUNS:-20}" 2>/dev/null |
        grep '^COINr'
else
    echo "(COINr is not installed: R_LIBS=DIR with COINr runs it here)"
fi
csv="$work/panel-20000.csv"
[ -f "$csv" ] || python3 bench/gen.py 20000 > "$csv"
{ cat bench/grid.ini; printf '\n[uncertainty]\nweights = 1: 0.25; 2: 0.25\n'
  printf 'normalise = minmax(1, 100); zscore(10, 2); rank\naggregate = arithmetic; geometric\n'; } \
    > "$work/grid_unc.ini"
echo "20,000 cells x 10 years, $(du -m "$csv" | cut -f1) MB of CSV"
$timed "$work/unc_bench" "$work/grid_unc.ini" "$csv" 1000
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
