#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python binding's overhead on a 200,000-row panel (20,000 units x 10 years, eight
columns): a DataFrame in (pingan.Data), the index computed, its scores out (unit x period),
and the whole long table out (to_frame). Time inside libpingan's calls is measured apart
from the wall time; what remains is the binding's (Python, NumPy, pandas) share.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_roundtrip.py [UNITS] [YEARS]
Fastest of REPEAT (default 3) runs."""
import os
import sys
import time

import numpy as np
import pandas as pd

import pingan
from pingan import _core

UNITS = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
YEARS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
COLUMNS = ['population', 'police_incidents', 'criminal_cases', 'gun_cases', 'fires',
           'fire_deaths', 'traffic_accidents', 'traffic_deaths']


class Timed:
    """libpingan, with the time spent inside its calls added up."""

    def __init__(self, lib):
        self._lib, self.seconds = lib, 0.0

    def __getattr__(self, name):
        f = getattr(self._lib, name)
        if not callable(f):
            return f

        def call(*args):
            t = time.perf_counter()
            try:
                return f(*args)
            finally:
                self.seconds += time.perf_counter() - t
        return call


def panel():
    rng = np.random.default_rng(1)
    codes = ['zhuhai'] + [f'cell{i:06d}' for i in range(1, UNITS)]
    df = pd.DataFrame({'unit': np.repeat(codes, YEARS),
                       'year': np.tile(np.arange(YEARS) + 2010, UNITS)})
    for c in COLUMNS:
        df[c] = rng.uniform(1e4, 1e6, len(df)) if c == 'population' else rng.uniform(0, 50, len(df))
    return df


def step(timed, f):
    c0, t0 = timed.seconds, time.perf_counter()
    out = f()
    wall = time.perf_counter() - t0
    return out, wall, timed.seconds - c0


def main():
    df, model = panel(), pingan.Model.default()
    best = {}
    timed = Timed(_core.lib)
    _core.lib = timed
    for _ in range(int(os.environ.get('REPEAT', 3))):
        data, *t_in = step(timed, lambda: pingan.Data(df))
        result, *t_c = step(timed, lambda: model.compute(data))
        _, *t_s = step(timed, lambda: result.scores())
        frame, *t_f = step(timed, lambda: result.to_frame())
        for k, t in (('DataFrame in', t_in), ('compute', t_c), ('scores out', t_s),
                     (f'to_frame ({len(frame):,} rows)', t_f)):
            best[k] = min(best.get(k, t), t, key=lambda x: x[0])
    print(f'{len(df):,} rows ({UNITS:,} units x {YEARS} years), fastest of '
          f'{os.environ.get("REPEAT", 3)}:')
    print(f'{"step":<28} {"wall s":>8} {"in C s":>8} {"binding s":>10}')
    for k, (wall, c) in best.items():
        print(f'{k:<28} {wall:8.3f} {c:8.3f} {wall - c:10.3f}')
    trip = [best['DataFrame in'], best['scores out']]
    print(f'round trip (DataFrame in, scores out): binding overhead '
          f'{sum(w - c for w, c in trip):.3f} s')


if __name__ == '__main__':
    main()
