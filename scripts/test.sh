#!/bin/sh
# SPDX-License-Identifier: MIT
# One command: set up, build, and run the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
status=0
meson test -C build --print-errorlogs "$@" || status=$?
# One closing line that any CI reader understands.
python3 - <<'PY'
import json
passed = failed = skipped = 0
for line in open('build/meson-logs/testlog.json', encoding='utf-8'):
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
