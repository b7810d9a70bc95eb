# SPDX-License-Identifier: MIT
"""N computations through the package, succeeding and failing, with every object released:
run under valgrind by valgrind_leak.py (the standard library and the package only)."""
import sys

import pingan

ROOT, N = sys.argv[1], int(sys.argv[2])
model = pingan.Model(ROOT + '/data/pingan.ini')
data = pingan.Data(ROOT + '/data/2019.csv', model)
for i in range(N):
    m = model.copy().set_weight('order', 1 + i % 5)
    r = m.compute(data)
    assert len(r.units) == 8 and r.to_csv().startswith('unit,')
    try:
        m.set_weight('nowhere', 1)
    except pingan.Error:
        pass
try:
    pingan.Model.from_string('[index]\nbad key = 1\n')
except pingan.Error as e:
    assert e.line == 2
print(f'{N} computations')
