#!/bin/sh
# SPDX-License-Identifier: MIT
# One command: set up, build, and run the whole test suite — plainly, under valgrind, with
# AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzz targets for a bounded time.
#   FUZZ_SECONDS=60 (per target; 0 skips fuzzing)   QUICK=1 (plain run only)
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh >/dev/null
status=0
logs=""

stage() { # name, build dir, meson test arguments...
    name=$1; dir=$2; shift 2
    echo "== $name"
    meson test -C "$dir" --print-errorlogs "$@" || status=1
    cp "$dir/meson-logs/testlog.json" "build/testlog-$name.json" 2>/dev/null || true
    [ -f "build/testlog-$name.json" ] && logs="$logs build/testlog-$name.json"
}

stage plain build
if [ "${QUICK:-0}" != 1 ]; then
    # valgrind: the C test binaries (the CLI suite runs its own valgrind checks)
    stage valgrind build --setup valgrind --suite unit --suite reference --suite steps --suite robust

    if [ ! -f build-asan/build.ninja ]; then
        meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
            -Dc_args=-fno-sanitize-recover=all >/dev/null
    fi
    ninja -C build-asan >/dev/null
    export PINGAN_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    stage sanitizers build-asan
    unset PINGAN_SANITIZED ASAN_OPTIONS UBSAN_OPTIONS

    # meson install to a prefix outside the loader's path: the installed command must find
    # its library, and the static library must be there beside the shared one
    echo "== install"
    prefix="$PWD/build-install/prefix"
    rm -rf build-install
    if meson setup build-install --prefix="$prefix" -Dtests=false >/dev/null &&
        ninja -C build-install >/dev/null && meson install -C build-install >/dev/null &&
        "$prefix/bin/pingan-index" data/2019.csv >/dev/null &&
        ls "$prefix"/lib*/libpingan.a "$prefix"/lib*/*/libpingan.a 2>/dev/null | grep -q .; then
        echo "ok    installed pingan-index runs from $prefix; libpingan.a installed"
    else
        echo "FAIL  meson install to $prefix: pingan-index does not run, or no libpingan.a"
        status=1
    fi
    # the example a developer copies, built against the installed library through pkg-config
    # and checked number for number against the installed command's CSV
    if sh scripts/check-example.sh "$prefix"; then
        echo "ok    examples/index.c built with pkg-config against $prefix; its index is the CLI's"
    else
        echo "FAIL  examples/index.c against the installed library (scripts/check-example.sh)"
        status=1
    fi
    # the Python package, where meson installed it, imported from there (not the source
    # tree) and computing, by the interpreter on PATH or else Debian's
    pyinit=$(find "$prefix" -path '*/pingan/__init__.py' | head -n 1)
    if [ -n "$pyinit" ]; then
        pydir=$(dirname "$(dirname "$pyinit")") data="$PWD/data/2019.csv" pyok=0
        for py in python3 /usr/bin/python3; do
            (cd / && PYTHONPATH="$pydir" "$py" -c 'import sys, pingan
assert pingan.__file__.startswith(sys.argv[1]); pingan.Model.default().compute(sys.argv[2])' \
                "$pydir" "$data") 2>/dev/null && pyok=1 && break
        done
        if [ $pyok = 1 ]; then
            echo "ok    the Python package pingan imports from $pydir and computes"
        else
            echo "FAIL  the Python package installed in $pydir does not import or compute"
            status=1
        fi
    fi

    if [ "${FUZZ_SECONDS:-60}" -gt 0 ]; then
        echo "== fuzz (${FUZZ_SECONDS:-60} s per target)"
        sh scripts/fuzz.sh "${FUZZ_SECONDS:-60}" || status=1
        [ -f build-fuzz/fuzz-results.json ] && logs="$logs build-fuzz/fuzz-results.json"
    fi
fi

# One closing line that any CI reader understands.
python3 - $logs <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    for line in open(path, encoding='utf-8'):
        r = json.loads(line).get('result')
        if r in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif r == 'SKIP':
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
