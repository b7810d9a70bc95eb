#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60)
# from a copy of its seed corpus. Any crash, leak, timeout or sanitizer report fails; the input
# that caused it is left in build-fuzz/ — copy it to fuzz/regress/ as a regression test.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false -Dtools=false \
        -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-sanitize-recover=all >/dev/null
fi
: > build-fuzz/fuzz-results.json
if ! ninja -C build-fuzz > build-fuzz/ninja.log 2>&1; then
    tail -20 build-fuzz/ninja.log
    echo "fuzz: the targets do not build"
    echo '{"name": "fuzz build", "result": "FAIL"}' >> build-fuzz/fuzz-results.json
    exit 1
fi
rc=0
for t in csv model compute; do
    work=build-fuzz/corpus-$t
    rm -rf "$work" && mkdir -p "$work" && cp fuzz/corpus/$t/* "$work"/
    if (cd build-fuzz && ./fuzz/fuzz_$t -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
            -print_final_stats=0 "corpus-$t" ../fuzz/regress >"fuzz-$t.log" 2>&1); then
        res=OK
    else
        res=FAIL
        rc=1
        tail -40 "build-fuzz/fuzz-$t.log"
    fi
    echo "fuzz_$t: $res ($(grep -c . build-fuzz/fuzz-$t.log) log lines, $(ls "$work" | wc -l) corpus files)"
    echo "{\"name\": \"fuzz_$t\", \"result\": \"$res\"}" >> build-fuzz/fuzz-results.json
done
exit $rc
