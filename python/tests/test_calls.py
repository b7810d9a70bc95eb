# SPDX-License-Identifier: MIT
"""The binding moves whole columns: the number of C calls of a DataFrame round trip does not
grow with the rows (speed itself is measured in bench/python_roundtrip.py)."""
import time

import numpy as np
import pandas as pd

import pingan
from pingan import _core

COLUMNS = ['population', 'police_incidents', 'criminal_cases', 'gun_cases', 'fires',
           'fire_deaths', 'traffic_accidents', 'traffic_deaths']


def panel(units, years):
    rng = np.random.default_rng(7)
    codes = ['zhuhai'] + [f'u{i}' for i in range(1, units)]
    df = pd.DataFrame({'unit': np.repeat(codes, years), 'year': np.tile(np.arange(years) + 2000, units)})
    for c in COLUMNS:
        df[c] = rng.uniform(1e4, 1e6, len(df)) if c == 'population' else rng.uniform(0, 50, len(df))
    return df


class Counting:
    """The C library, counting the calls made through it."""

    def __init__(self, lib):
        self._lib, self.calls = lib, 0

    def __getattr__(self, name):
        f = getattr(self._lib, name)
        if not callable(f):
            return f

        def call(*args):
            self.calls += 1
            return f(*args)
        return call


def round_trip_calls(df, monkeypatch):
    counter = Counting(_core.lib)
    monkeypatch.setattr(_core, 'lib', counter)
    result = pingan.Model.default().compute(df)
    result.scores('pingan')
    result.to_frame()
    result.units, result.periods
    monkeypatch.setattr(_core, 'lib', counter._lib)
    return counter.calls


def test_calls_do_not_grow_with_rows(monkeypatch):
    small = round_trip_calls(panel(10, 3), monkeypatch)
    large = round_trip_calls(panel(2000, 10), monkeypatch)
    assert 0 < small == large


def test_large_panel_round_trip():
    df = panel(20000, 10)  # 200,000 rows
    t = time.perf_counter()
    data = pingan.Data(df)
    result = pingan.Model.default().compute(data)
    scores = result.scores()
    elapsed = time.perf_counter() - t
    assert scores.shape == (20000, 10) and not np.isnan(scores).any()
    first = df[df.unit == 'u7']
    assert result.units[7] == 'u7' and data.rows == 200000
    assert np.isfinite(result.scores('fires')[7]).all() and len(first) == 10
    assert elapsed < 20  # loose: a shared CI machine; bench/python_roundtrip.py measures it
