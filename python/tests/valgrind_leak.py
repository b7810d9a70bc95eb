# SPDX-License-Identifier: MIT
"""leak.py under valgrind: no memory error, and no block lost (definitely or indirectly) that
was allocated by libpingan or the binding's helpers. The interpreter's own losses at exit are
not the package's: they are the same for 1 and for 1000 computations, and name no pa_ frame.

Usage: python3 valgrind_leak.py SOURCE_ROOT PYTHONPATH N   (exit 77: no valgrind, skipped)"""
import os
import re
import shutil
import subprocess
import sys

root, pythonpath, n = sys.argv[1:4]
if not shutil.which('valgrind'):
    print('valgrind not installed')
    sys.exit(77)
env = dict(os.environ, PYTHONPATH=pythonpath, PYTHONMALLOC='malloc')
out = subprocess.run(['valgrind', '--leak-check=full', '--show-leak-kinds=definite,indirect',
                      '--errors-for-leak-kinds=none', '--error-exitcode=99', sys.executable,
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), 'leak.py'), root, n],
                     capture_output=True, text=True, env=env)
records = re.split(r'==\d+== \n', out.stderr)
ours = [r for r in records if re.search(r'are (definitely|indirectly) lost', r)
        and re.search(r'\b(pa|pyp)_\w+ \(', r)]
for r in ours:
    print(r)
print(out.stdout.strip(), f'(exit {out.returncode}); records lost by libpingan: {len(ours)}')
if out.returncode != 0:
    print(out.stderr[-3000:])
sys.exit(1 if ours or out.returncode != 0 else 0)
