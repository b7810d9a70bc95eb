# SPDX-License-Identifier: MIT
"""No leak over a thousand computations: Python's allocations (tracemalloc) and the process's
resident memory (which libpingan's allocations are part of) stop growing."""
import gc
import tracemalloc

import pingan
from conftest import path


def resident():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * 4096


def computations(model, data, n):
    for i in range(n):
        m = model.copy().set_weight('order', 1 + i % 5)
        r = m.compute(data)
        assert r.scores().shape == (8, 6)
        try:
            m.set_weight('nowhere', 1)
        except pingan.Error:
            pass
    gc.collect()


def test_thousand_computations_do_not_grow():
    model = pingan.Model.default()
    data = pingan.Data(path('data', '2019.csv'), model)
    computations(model, data, 100)  # warm up: caches, the engine's pool, the allocator
    tracemalloc.start()
    before, rss = tracemalloc.take_snapshot(), resident()
    computations(model, data, 1000)
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, 'filename'))
    tracemalloc.stop()
    assert grown < 64 * 1024, grown
    # one result of this data holds about 30 kB: 1000 of them leaked would be 30 MB
    assert resident() - rss < 4 * 1024 * 1024


def test_frames_and_stats_do_not_grow():
    model = pingan.Model.default()
    data = pingan.Data(path('data', '2019.csv'), model)
    for _ in range(20):
        model.compute(data).to_frame(), model.compute(data).stats()
    gc.collect()
    rss = resident()
    for _ in range(200):
        model.compute(data).to_frame(), model.compute(data).stats()
    gc.collect()
    assert resident() - rss < 4 * 1024 * 1024



def analyses(result, unc, data, n):
    for _ in range(n):
        result.explain(), unc.uncertainty(data, 10), unc.sensitivity(data, 5)


def test_explanations_and_runs_do_not_grow():
    model, unc = pingan.Model.default(), pingan.Model(path('data', 'uncertainty.ini'))
    data = pingan.Data(path('data', '2019.csv'), model)
    result = model.compute(data)
    analyses(result, unc, data, 50)
    gc.collect()
    rss = resident()
    analyses(result, unc, data, 1000)
    gc.collect()
    # measured: 0.1 MB; 2 MB when the explanations alone are not freed
    assert resident() - rss < 1024 * 1024
