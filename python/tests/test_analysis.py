# SPDX-License-Identifier: MIT
"""Model.uncertainty, .sensitivity and Result.explain against the command's --uncertainty N,
--sensitivity N and --explain (CSV and JSON, the same model and data), contributions adding up
to the change of the scores, and mistakes raised as pingan.Error with the section's line."""
import io
import json
import os

import numpy as np
import pandas as pd
import pytest

import pingan
from conftest import cli, cli_error, path

UNC = path('data', 'uncertainty.ini')
PLAIN = path('data', 'pingan.ini')
DATA = path('data', '2019.csv')
KEYS = ['unit', 'name', 'period', 'node', 'base', 'indicator', 'input']


def read(text):
    """A CSV of the command as pandas reads it (text columns as text, empty cells NaN)."""
    return pd.read_csv(io.StringIO(text), dtype={k: str for k in KEYS}, keep_default_na=False,
                       na_values=[''], float_precision='round_trip')


def same(got, want):
    """Equal to the last bit; ranks are float here (mean and median ranks need it), where
    read_csv makes a column of whole ranks int64."""
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=True)
    for c in got.columns:
        assert got[c].dtype == (np.int64 if c in ('runs', 'failed') else
                                want[c].dtype if want[c].dtype != np.int64 else np.float64), c


def options(node, period):
    return [*(['--node', node] if node else []), *(['--period', period] if period else [])]


@pytest.mark.parametrize('node,period', [(None, None), ('order', None), (None, '2017')])
def test_uncertainty_is_the_commands(node, period):
    want = cli('-c', UNC, '--uncertainty', '300', '-f', 'csv', *options(node, period), DATA)
    u = pingan.Model(UNC).uncertainty(DATA, 300, node=node, period=period)
    assert u.to_csv() == want
    same(u.to_frame(), read(want))
    assert u.to_json() == cli('-c', UNC, '--uncertainty', '300', '-f', 'json',
                              *options(node, period), DATA)
    assert (u.runs, u.failed, u.points, u.quasi_random) == (300, 0, 'sobol', True)
    assert (u.node, u.period) == (node or 'pingan', period or '2019')
    assert u.inputs == ('weights', 'normalise', 'aggregate', 'drop_one')


def test_uncertainty_of_a_dataframe_is_that_of_the_files():
    frames = [pd.read_csv(path('data', f'{y}.csv')).assign(year=y) for y in range(2014, 2020)]
    panel = pd.concat(frames, ignore_index=True)
    model = pingan.Model(UNC)
    got = model.uncertainty(panel, 200, name='name').to_frame()
    pd.testing.assert_frame_equal(got, model.uncertainty(DATA, 200).to_frame())


def test_failed_runs_are_counted_as_the_command_counts_them(tmp_path):
    text = open(UNC, encoding='utf-8').read()
    assert text.count('aggregate = arithmetic; genmean(0.5)') == 1
    ini = tmp_path / 'geometric.ini'  # a goalpost score of 0 (2014) breaks a geometric mean
    ini.write_text(text.replace('aggregate = arithmetic; genmean(0.5)',
                                'aggregate = arithmetic; geometric'), encoding='utf-8')
    want = read(cli('-c', str(ini), '--uncertainty', '100', '-f', 'csv', DATA))
    u = pingan.Model(ini).uncertainty(DATA, 100)
    assert 0 < u.failed < u.runs == 100 and u.failed == want.failed[0]
    same(u.to_frame(), want)


def test_sensitivity_is_the_commands():
    want = cli('-c', UNC, '--sensitivity', '100', '-f', 'csv', DATA)
    s = pingan.Model(UNC).sensitivity(DATA, 100)
    assert s.to_csv() == want
    same(s.to_frame(), read(want))
    js = json.loads(cli('-c', UNC, '--sensitivity', '100', '-f', 'json', DATA))
    assert s.to_json() == cli('-c', UNC, '--sensitivity', '100', '-f', 'json', DATA)
    assert (s.runs, s.failed, s.points) == (js['runs'], js['failed'], js['points']) == \
        (100 * 6, 0, 'sobol')
    ranks = s.ranks().set_index('unit')
    for unit in js['units']:
        for k in ('nominal_rank', 'mean_rank', 'rank_p05', 'rank_p95', 'score_p05'):
            np.testing.assert_equal(ranks.loc[unit['unit'], k],
                                    np.nan if unit[k] is None else unit[k])


EXPLAIN_CASES = [[], ['--base', '2014'], ['--compare', 'year'], ['--compare', 'mean:3'],
                 ['--node', 'order'], ['--period', '2016']]


def explain_args(args):
    """The command's options as Result.explain's arguments."""
    kw = dict(zip(args[::2], args[1::2]))
    return {k.lstrip('-'): v for k, v in kw.items()}


@pytest.mark.parametrize('args', EXPLAIN_CASES)
def test_explain_is_the_commands(args):
    want = cli('-c', PLAIN, '--explain', '-f', 'csv', *args, DATA)
    result = pingan.Model(PLAIN).compute(DATA)
    x = result.explain(**explain_args(args))
    assert x.to_csv() == want
    same(x.to_frame(), read(want))
    assert x.to_json() == cli('-c', PLAIN, '--explain', '-f', 'json', *args, DATA)
    # a base of its own leaves the result's changes as they were
    assert result.to_csv() == cli('-c', PLAIN, '-f', 'csv', DATA)


AGGREGATIONS = [('arithmetic',), ('geometric',), ('harmonic',), ('median',), ('genmean', 2),
                ('mpi',), ('copeland',)]


@pytest.mark.parametrize('agg', AGGREGATIONS)
def test_contributions_add_up_to_the_change(agg):
    model = pingan.Model(PLAIN).set_normalise(None, 'minmax', 1, 100)
    for node in (None, 'order', 'fire', 'traffic'):
        model.set_aggregate(node, *agg)
    result = model.compute(DATA)
    scores = result.scores()  # unit x period, the index
    for base, col in ((None, -2), ('2014', 0)):
        x = result.explain(base=base)
        parts = x.to_frame().groupby('unit', sort=False).contribution.sum()
        change = pd.Series(scores[:, -1] - scores[:, col], index=result.units)
        np.testing.assert_allclose(x.changes().to_numpy(), change.to_numpy(), rtol=0, atol=1e-9)
        np.testing.assert_allclose(parts[change.index].to_numpy(), change.to_numpy(), rtol=0,
                                   atol=1e-9)


def test_explain_mistakes():
    result = pingan.Model(PLAIN).compute(DATA)
    with pytest.raises(pingan.Error) as e:
        result.explain(period='2014')  # the first period has no base
    assert e.value.status == pingan.Status.ARGUMENT
    with pytest.raises(pingan.Error) as e:
        result.explain(node='nowhere')
    assert e.value.status == pingan.Status.ARGUMENT
    with pytest.raises(pingan.Error) as e:
        result.explain(compare='month')
    assert "compare is 'previous', 'year' or 'mean:K'" in str(e.value)
    with pytest.raises(TypeError):
        result.explain(base='2014', compare='year')


def bad_model(tmp_path, section):
    text = open(PLAIN, encoding='utf-8').read()
    ini = tmp_path / 'bad.ini'
    ini.write_text(text + '\n[uncertainty]\n' + section, encoding='utf-8')
    return str(ini), text.count('\n') + 3  # the line of the section's first key


@pytest.mark.parametrize('section,what', [
    ('weights = 2: -0.25\n', 'the weight noise of level 2 must be at least 0'),
    ('normalise = minmax; softmax\n', "unknown normalisation 'softmax'"),
    ('weights = 7: 0.1\n', 'weights: the model has no weighted node at level 7'),
])
def test_a_bad_section_raises_with_its_line(tmp_path, section, what):
    ini, line = bad_model(tmp_path, section)
    message = cli_error('-c', ini, '--uncertainty', '10', DATA)
    with pytest.raises(pingan.Error) as e:
        pingan.Model(ini).uncertainty(DATA, 10)
    assert (e.value.file, e.value.line, e.value.status) == (ini, line, pingan.Status.MODEL)
    assert what in e.value.message
    assert message == 'pingan-index: ' + str(e.value)


def test_run_mistakes():
    model = pingan.Model(UNC)
    assert model.uncertainty_line == open(UNC, encoding='utf-8').read().split('\n').index(
        '[uncertainty]') + 1 and pingan.Model(PLAIN).uncertainty_line is None
    for call, status in [(lambda: pingan.Model(PLAIN).uncertainty(DATA, 10), 'ARGUMENT'),
                         (lambda: model.uncertainty(DATA, 0), 'ARGUMENT'),
                         (lambda: model.uncertainty(DATA, -1), 'ARGUMENT'),
                         (lambda: model.sensitivity(DATA, 10, node='nowhere'), 'ARGUMENT'),
                         (lambda: model.uncertainty(DATA, 10, period='1999'), 'ARGUMENT')]:
        with pytest.raises(pingan.Error) as e:
            call()
        assert e.value.status == pingan.Status[status]
    with pytest.raises(TypeError):
        model.uncertainty(DATA, 2.5)
    data = pingan.Data(DATA, model)
    with pytest.raises(TypeError):
        model.uncertainty(data, 10, siblings=False)


def test_the_run_keeps_the_model_as_it_was():
    model = pingan.Model(UNC)
    u = model.uncertainty(DATA, 50)
    before = u.to_csv()
    model.set_weight('order', 1)
    assert u.model.copy() is not None and u.to_csv() == before
    assert model.uncertainty(DATA, 50).to_csv() != before
