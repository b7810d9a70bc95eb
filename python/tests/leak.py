# SPDX-License-Identifier: MIT
"""N computations, explanations and uncertainty and sensitivity runs through the package,
succeeding and failing, with every object released:
run under valgrind by valgrind_leak.py (the standard library and the package only)."""
import sys

import pingan

ROOT, N = sys.argv[1], int(sys.argv[2])
model = pingan.Model(ROOT + '/data/pingan.ini')
data = pingan.Data(ROOT + '/data/2019.csv', model)
unc = pingan.Model(ROOT + '/data/uncertainty.ini')  # explanations and runs as well
for i in range(N):
    m = model.copy().set_weight('order', 1 + i % 5)
    r = m.compute(data)
    assert len(r.units) == 8 and r.to_csv().startswith('unit,')
    try:
        m.set_weight('nowhere', 1)
    except pingan.Error:
        pass
    x = r.explain(base='2014' if i % 2 else None)
    assert x.to_csv().startswith('unit,') and x.to_json().startswith('{')
    u = (unc.uncertainty if i % 2 else unc.sensitivity)(data, 6)
    assert u.runs in (6, 36) and u.to_csv().startswith(('unit,', 'input,')) and u.to_json()
    for fail in (lambda: r.explain(period='2014'), lambda: m.uncertainty(data, 4),
                 lambda: unc.sensitivity(data, 4, node='nowhere')):
        try:
            fail()
        except pingan.Error:
            pass
try:
    pingan.Model.from_string('[index]\nbad key = 1\n')
except pingan.Error as e:
    assert e.line == 2
print(f'{N} computations')
