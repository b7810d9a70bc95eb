# SPDX-License-Identifier: MIT
"""The analyses that re-run or take apart the index — the command's --uncertainty,
--sensitivity and --explain — as DataFrames, each also written by the library's own CSV and
JSON writers (to_csv(), to_json())."""
import operator

from . import _core
from ._core import Error, Status, ffi

UNC_STATS = ('nominal_score', 'nominal_rank', 'mean_rank', 'median_rank', 'rank_p05',
             'rank_p95', 'score_p05', 'score_p95')
SOBOL = ('first_order', 'total', 'first_lo', 'first_hi', 'total_lo', 'total_hi')
EXPLAIN = ('value_change_pct', 'score_change', 'contribution', 'share', 'node_change')
COMPARE = {'previous': 'PA_COMPARE_PREVIOUS', 'year': 'PA_COMPARE_YEAR'}


def run_count(n):
    """n as the C size_t of a number of runs (0 is the library's to refuse, with its message)."""
    n = operator.index(n)
    if n < 0:
        raise Error(f'a number of runs is 1 or more, not {n}', status=Status.ARGUMENT)
    return n


def _nan(s):
    import numpy as np
    return np.nan if s is None else s  # an empty cell, as read_csv reads it


class Uncertainty:
    """The rank statistics of many runs (Data.uncertainty): `runs`, `failed` (runs the model
    could not score: counted and left out), `points` ('sobol' or 'random'), `quasi_random`,
    `period` and `node` ranked, `inputs` (the section's uncertain inputs, in its order), and
    `model` (the model as run) and `data`."""

    def __init__(self, ptr, model, data):
        lib = _core.lib
        self._ptr, self.model, self.data = ptr, model, data
        self.runs, self.failed = lib.pa_uncertainty_runs(ptr), lib.pa_uncertainty_failed(ptr)
        # 'exact', or 'estimated' past the library's memory bound (doc/methods.md §14)
        self.percentiles = 'estimated' if lib.pa_uncertainty_estimated(ptr) else 'exact'
        self.points = _core._text(lib.pa_uncertainty_points(ptr))
        self.period = _core._text(lib.pa_uncertainty_period(ptr))
        self.node = _core._text(lib.pa_uncertainty_node(ptr))
        self.inputs = tuple(_core._text(lib.pa_uncertainty_input_name(ptr, i))
                            for i in range(lib.pa_uncertainty_input_count(ptr)))

    quasi_random = property(lambda self: self.points == 'sobol',
                            doc="the inputs were drawn from GSL's Sobol sequence")

    def __repr__(self):
        return (f'<pingan.{type(self).__name__}: {self.runs} runs, {self.failed} failed, '
                f'{self.node} in {self.period}>')

    def ranks(self):
        """Per unit, in the result's order: unit, name, period, node (text; name NaN when the
        data has none), then UNC_STATS (float; NaN for a unit that is not ranked), runs and
        failed (int), percentiles ('exact' or 'estimated') — the command's --uncertainty -f csv,
        column for column."""
        import numpy as np
        import pandas as pd
        lib, u = _core.lib, self._ptr
        n = lib.pa_uncertainty_unit_count(u)
        stats = np.empty((n, len(UNC_STATS)))
        lib.pyp_unc_stats(u, ffi.from_buffer('double[]', stats, True))
        cols = {'unit': [_core._text(lib.pa_uncertainty_unit_code(u, k)) for k in range(n)],
                'name': [_nan(_core._text(lib.pa_uncertainty_unit_name(u, k)))
                         for k in range(n)],
                'period': [self.period] * n, 'node': [self.node] * n}
        cols.update((c, stats[:, j]) for j, c in enumerate(UNC_STATS))
        cols.update(runs=np.full(n, self.runs, dtype=np.int64),
                    failed=np.full(n, self.failed, dtype=np.int64),
                    percentiles=np.full(n, self.percentiles, dtype=object))
        return pd.DataFrame(cols)

    def to_frame(self):
        """ranks(): the table of to_csv()."""
        return self.ranks()

    def to_csv(self):
        """The command's -f csv output, by the library's writer."""
        return _core._write(self._ptr, 2, 0)

    def to_json(self):
        """The command's -f json output (statistics, runs, failures and points)."""
        return _core._write(self._ptr, 2, 1)


class Sensitivity(Uncertainty):
    """A Saltelli design (Data.sensitivity): to_frame() is the Sobol indices of each input;
    ranks() the rank statistics of the 2n runs of its two base samples; the attributes of
    Uncertainty (runs = n (d + 2))."""

    def to_frame(self):
        """input (text), then SOBOL (float): Jansen's first-order and total indices for the
        mean absolute rank shift, with bootstrap 95 % intervals — the command's
        --sensitivity -f csv, column for column."""
        import pandas as pd
        lib = _core.lib
        rows = [(name, *(lib.pa_uncertainty_sobol(self._ptr, i, s) for s in range(len(SOBOL))))
                for i, name in enumerate(self.inputs)]
        return pd.DataFrame(rows, columns=['input', *SOBOL])


def rebased(result, base, compare):
    """A result of result's model and data with its own base (base period, or compare)."""
    if base is not None and compare is not None:
        raise TypeError('give base or compare, not both')
    lib, err = _core.lib, ffi.new('pa_error *')
    fresh = result.data.compute(result.model)
    if base is not None:
        _core._check(lib.pa_result_set_base(fresh._ptr, _core._enc(base), err), err)
        return fresh
    how, _, k = str(compare).partition(':')
    if how == 'mean' and k.isdigit():
        status = lib.pa_result_set_compare(fresh._ptr, lib.PA_COMPARE_MEAN, int(k), err)
    elif how in COMPARE and not k:
        status = lib.pa_result_set_compare(fresh._ptr, getattr(lib, COMPARE[how]), 0, err)
    else:
        raise Error(f"compare is 'previous', 'year' or 'mean:K', not {compare!r}",
                    status=Status.ARGUMENT)
    _core._check(status, err)
    return fresh


class Explanation:
    """Why a node's score moved (Result.explain): for every unit, the node's change between
    `period` and `base` split into one contribution per indicator (and penalty row, and group
    present in one period only) below it, which add up to the change. `result` is the result
    explained (kept alive: the explanation borrows it)."""

    def __init__(self, result, node=None, period=None):
        lib = _core.lib
        self.result = result
        held = result._ptr  # freed after the explanation that borrows it, never before
        self._ptr = _core._make('pa_explain', lambda o, e: lib.pa_explain_compute(
            o, result.model._ptr, held, _core._enc(node), _core._enc(period), e),
            lambda x, r=held: lib.pa_explain_free(x))
        p = lib.pa_explain_period(self._ptr)
        self.node = result.nodes[lib.pa_explain_node(self._ptr)]
        self.period, self.base = result.periods[p], result._strings(5)[p]

    def __repr__(self):
        return f'<pingan.Explanation: {self.node} in {self.period} against {self.base}>'

    def changes(self):
        """The node's change per unit (a pandas Series indexed by unit; NaN: none)."""
        import pandas as pd
        lib = _core.lib
        units = self.result.units
        return pd.Series([lib.pa_explain_change(self._ptr, u) for u in range(len(units))],
                         index=pd.Index(units, name='unit'), name='node_change')

    def to_frame(self):
        """One row per unit and part: unit, name, period, base, node, indicator (text; name
        NaN when the data has none), then EXPLAIN (float: the part's own value and score
        change, its contribution, share = contribution / node_change, and the node's change)
        — the command's --explain -f csv, column for column."""
        import numpy as np
        import pandas as pd
        lib, n = _core.lib, _core.lib.pa_explain_count(self._ptr)
        unit, node = np.empty(n, dtype=np.dtype('l')), np.empty(n, dtype=np.dtype('l'))
        num = np.empty((n, len(EXPLAIN)))
        lib.pyp_explain_rows(self._ptr, ffi.from_buffer('long[]', unit, True),
                             ffi.from_buffer('long[]', node, True),
                             ffi.from_buffer('double[]', num, True))
        r = self.result
        names = np.array([_nan(x or None) for x in r.names], dtype=object)
        cols = {'unit': np.array(r.units, dtype=object)[unit], 'name': names[unit],
                'period': [self.period] * n, 'base': [self.base] * n, 'node': [self.node] * n,
                'indicator': np.array(r.nodes, dtype=object)[node]}
        cols.update((c, num[:, j]) for j, c in enumerate(EXPLAIN))
        return pd.DataFrame(cols)

    def to_csv(self):
        """The command's --explain -f csv output, by the library's writer."""
        return _core._write(self._ptr, 1, 0)

    def to_json(self):
        """The command's --explain -f json output."""
        return _core._write(self._ptr, 1, 1)
