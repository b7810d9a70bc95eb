# SPDX-License-Identifier: MIT
"""Statistics of the indicators (the command's --stats) as DataFrames."""
from . import _core
from ._core import ffi

STATS = ('min', 'max', 'mean', 'median', 'sd', 'skew', 'kurt', 'n_avail', 'n_nonzero',
         'n_unique', 'n_same', 'frac_avail', 'frac_nonzero', 'frac_unique', 'frac_same')
FLAGS = ('low_avail', 'low_nonzero', 'low_unique', 'skew_kurt')
METHODS = ('pearson', 'spearman')


class Stats:
    """pa_stats_compute of a model on a data set, for period (None: the latest; every period
    with scope = panel). Attributes (DataFrames unless said):
      period, units (int): the period and the units counted;
      indicators: node, group, the statistics of STATS, flags (FLAGS words joined by ';');
      pearson, spearman: indicator x indicator correlations (index and columns: codes);
      parents: node, parent, pearson, spearman (each node's scores against its parent's);
      groups: group, size, alpha (Cronbach), complete_units (those of the PCA);
      shares: group, component (1 = PC1), share of variance;
      loadings: group, indicator, pc1_loading."""

    def __init__(self, model, data, period=None):
        lib = _core.lib
        self._ptr = _core._make('pa_stats', lambda o, e: lib.pa_stats_compute(
            o, model._ptr, data._ptr, _core._enc(period), e), lib.pa_stats_free)
        self.period = _core._text(lib.pa_stats_period(self._ptr))
        self.units = lib.pa_stats_unit_count(self._ptr)
        self._indicators()
        self._correlations()
        self._groups()

    def _indicators(self):
        import pandas as pd
        lib, s = _core.lib, self._ptr
        n = lib.pa_stats_indicator_count(s)
        self.codes = [_core._text(lib.pa_stats_indicator_code(s, i)) for i in range(n)]
        rows = []
        for i in range(n):
            row = {'node': self.codes[i], 'group': _core._text(lib.pa_stats_indicator_group(s, i))}
            row.update((k, lib.pa_stats_indicator(s, i, j)) for j, k in enumerate(STATS))
            bits = lib.pa_stats_indicator_flags(s, i)
            row['flags'] = ';'.join(w for b, w in enumerate(FLAGS) if bits >> b & 1)
            rows.append(row)
        self.indicators = pd.DataFrame(rows, columns=['node', 'group', *STATS, 'flags'])

    def _correlations(self):
        import pandas as pd
        lib, s, n = _core.lib, self._ptr, len(self.codes)
        for h, name in enumerate(METHODS):
            m = [[lib.pa_stats_corr(s, h, i, j) for j in range(n)] for i in range(n)]
            setattr(self, name, pd.DataFrame(m, index=self.codes, columns=self.codes))
        rows = []
        node, parent = ffi.new('char **'), ffi.new('char **')
        for k in range(lib.pa_stats_parent_count(s)):
            r = [lib.pa_stats_parent_corr(s, h, k, node, parent) for h in range(2)]
            rows.append((_core._text(node[0]), _core._text(parent[0]), *r))
        self.parents = pd.DataFrame(rows, columns=['node', 'parent', *METHODS])

    def _groups(self):
        import pandas as pd
        lib, s = _core.lib, self._ptr
        groups, shares, loadings = [], [], []
        for g in range(lib.pa_stats_group_count(s)):
            code, size = _core._text(lib.pa_stats_group_code(s, g)), lib.pa_stats_group_size(s, g)
            groups.append((code, size, lib.pa_stats_group_alpha(s, g),
                           lib.pa_stats_group_complete(s, g)))
            for c in range(size):
                shares.append((code, c + 1, lib.pa_stats_group_share(s, g, c)))
                loadings.append((code, self.codes[lib.pa_stats_group_member(s, g, c)],
                                 lib.pa_stats_group_loading(s, g, c)))
        self.groups = pd.DataFrame(groups, columns=['group', 'size', 'alpha', 'complete_units'])
        self.shares = pd.DataFrame(shares, columns=['group', 'component', 'share'])
        self.loadings = pd.DataFrame(loadings, columns=['group', 'indicator', 'pc1_loading'])
