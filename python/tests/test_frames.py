# SPDX-License-Identifier: MIT
"""to_frame() and scores() against the command's CSV and against COINr 1.1.14's scores."""
import numpy as np
import pandas as pd
import pytest

import pingan
from conftest import TEXT, cli, path, plain, read_csv


def test_frame_is_the_commands_csv_with_siblings():
    result = pingan.Model(path('data', 'pingan.ini')).compute(path('data', '2019.csv'))
    csv = cli('-f', 'csv', path('data', '2019.csv'))
    frame = result.to_frame()
    assert result.periods == ('2014', '2015', '2016', '2017', '2018', '2019')
    assert list(frame.columns) == list(read_csv(csv).columns)
    pd.testing.assert_frame_equal(plain(frame), read_csv(csv), check_exact=True)
    assert result.to_csv() == csv
    assert frame['score'].dtype == np.float64 and frame['level'].dtype == np.int64
    assert str(frame['rank'].dtype) == 'Int64' and frame['rank'].isna().any()
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in TEXT)


def test_json_is_the_commands():
    result = pingan.Model(path('data', 'pingan.ini')).compute(path('data', '2019.csv'))
    assert result.to_json() == cli('-f', 'json', path('data', '2019.csv'))


ASEM = ['minmax_arith', 'zscore_arith', 'minmax1_geom', 'rank_arith', 'treat_minmax_arith',
        'impute_mean_minmax_arith', 'full']


@pytest.mark.parametrize('pipeline', ASEM)
def test_asem_frame_and_scores(pipeline):
    ini = path('tests', 'reference', 'models', f'asem_{pipeline}.ini')
    data = path('tests', 'reference', 'data', 'asem', 'iData.csv')
    result = pingan.Model(ini).compute(data)
    csv = cli('-f', 'csv', '-c', ini, data)
    pd.testing.assert_frame_equal(plain(result.to_frame()), read_csv(csv), check_exact=True)
    # every node's scores, unit x period, against COINr's (independent of libpingan)
    coinr = pd.read_csv(path('tests', 'reference', 'data', 'asem', 'coinr_scores.csv'))
    coinr = coinr[coinr.pipeline == pipeline]
    assert len(coinr) == 3060
    units = {u: i for i, u in enumerate(result.units)}
    for node, rows in coinr.groupby('node'):
        scores = result.scores(node)
        assert scores.shape == (51, 1)
        got = scores[[units[u] for u in rows.unit], 0]
        np.testing.assert_allclose(got, rows.score.to_numpy(), rtol=1e-9, atol=1e-9)


def test_scores_are_the_frames_scores():
    result = pingan.Model.default().compute(path('data', '2019.csv'))
    frame = result.to_frame()
    for node in ('fires', 'order', 'pingan'):
        want = frame[frame.node == node].pivot(index='unit', columns='period', values='score')
        want = want.loc[list(result.units), list(result.periods)].to_numpy()
        np.testing.assert_array_equal(result.scores(node), want)
    np.testing.assert_array_equal(result.scores(), result.scores('pingan'))


def test_lists():
    result = pingan.Model.default().compute(path('data', '2019.csv'))
    first = [line.split(',') for line in open(path('data', '2019.csv'), encoding='utf-8')][1:]
    assert result.units == tuple(row[0] for row in first)
    assert result.names == tuple(row[1] for row in first)
    assert result.nodes[-1] == 'pingan' and result.nodes[0] == 'police_incidents'
    assert len(result.labels) == len(result.nodes) == 11
