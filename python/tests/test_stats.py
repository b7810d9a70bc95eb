# SPDX-License-Identifier: MIT
"""Result.stats() against the command's --stats -f json (and the ASEM stats against COINr's
get_stats figures through the command's own test, tests/reference/test_asem_stats.py)."""
import json

import numpy as np
import pytest

import pingan
from conftest import cli, path

CASES = [(path('data', 'pingan.ini'), path('data', '2019.csv'), None),
         (path('tests', 'reference', 'models', 'asem_minmax_arith.ini'),
          path('tests', 'reference', 'data', 'asem', 'iData.csv'), None),
         (path('data', 'pingan.ini'), path('data', '2019.csv'), '2016')]


def nan(x):
    return np.nan if x is None else x


@pytest.mark.parametrize('ini,data,period', CASES)
def test_stats_are_the_commands(ini, data, period):
    want = json.loads(cli('--stats', '-f', 'json', '-c', ini, data,
                          *(['--period', period] if period else [])))
    s = pingan.Model(ini).compute(data).stats(period)
    assert s.period == want['period'] and s.units == want['units']
    ind = s.indicators.set_index('node')
    assert list(ind.index) == [i['node'] for i in want['indicators']]
    for i in want['indicators']:
        for k, v in i.items():
            if k == 'flags':
                assert ind.loc[i['node'], 'flags'] == ';'.join(v)
            elif k == 'node':
                continue
            elif k != 'group':
                np.testing.assert_equal(ind.loc[i['node'], k], nan(v), err_msg=f"{i['node']} {k}")
            else:
                assert ind.loc[i['node'], k] == v
    for how in ('pearson', 'spearman'):
        w = want['correlations'][how]
        got = getattr(s, how)
        assert list(got.index) == w['nodes'] == list(got.columns)
        np.testing.assert_array_equal(got.to_numpy(), np.array(w['matrix'], dtype=float))
    assert s.parents.to_dict('records') == want['parent_correlations']
    assert dict(zip(s.groups.group, s.groups.alpha)) == {c['group']: c['alpha']
                                                         for c in want['cronbach']}
    for pca in want['pca']:
        g = s.groups[s.groups.group == pca['group']]
        assert int(g.complete_units.iloc[0]) == pca['complete_units']
        shares = s.shares[s.shares.group == pca['group']].share.to_numpy()
        np.testing.assert_array_equal(shares, np.array(pca['shares'], dtype=float))
        load = s.loadings[s.loadings.group == pca['group']]
        assert dict(zip(load.indicator, load.pc1_loading)) == pca['loadings']


def test_stats_of_an_unknown_period():
    with pytest.raises(pingan.Error) as e:
        pingan.Model.default().compute(path('data', '2019.csv')).stats('1999')
    assert e.value.status == pingan.Status.ARGUMENT
