# SPDX-License-Identifier: MIT
"""A model changed in memory gives what the edited model file gives; the engine re-scores a
Data after changes to the numbers of a fresh computation."""
import re

import numpy as np
import pandas as pd
import pytest

import pingan
from conftest import path

INI = open(path('data', 'pingan.ini'), encoding='utf-8').read()


def edit(section, old, new, text=INI):
    """text with `old` replaced by `new` inside [section] only (old must be there)."""
    start = text.index(f'[{section}]\n')
    end = text.find('\n[', start + 1)
    end = len(text) if end < 0 else end
    body = text[start:end]
    assert re.search(old, body, re.M), (section, old)
    return text[:start] + re.sub(old, new, body, count=1, flags=re.M) + text[end:]


def frame(model, data=None):
    return model.compute(data or pingan.Data(path('data', '2019.csv'), model)).to_frame()


def same(a, b):
    pd.testing.assert_frame_equal(a, b, check_exact=True)


CASES = [
    (lambda m: m.set_weight('order', 3.5), [('group order', r'^weight = 6$', 'weight = 3.5')]),
    (lambda m: m.set_goalposts('fires', 0, 20), [('indicator fires', r'^goalposts = 0, 35',
                                                  'goalposts = 0, 20')]),
    (lambda m: m.set_direction('gun_cases', 1), [('indicator gun_cases', r'^direction = -1',
                                                  'direction = 1')]),
    (lambda m: m.set_normalise('fires', 'minmax', 0, 100),
     [('indicator fires', r'^goalposts = .*$', 'normalise = minmax\nrange = 0, 100')]),
    (lambda m: m.set_aggregate('order', 'genmean', 2),
     [('group order', r'^weight = 6$', 'weight = 6\naggregate = genmean\np = 2')]),
    (lambda m: m.set_denominator('fires', None),
     [('indicator fires', r'^denominator = population\nper = 10000\n', '')]),
    (lambda m: m.set('fires', 'goalposts', (0, 20.5)), [('indicator fires', r'^goalposts = 0, 35',
                                                         'goalposts = 0, 20.5')]),
    (lambda m: m.set(None, 'bands', '85 好 green; 0 差 red'),
     [('index', r'^bands = .*$', 'bands = 85 好 green; 0 差 red')]),
]


@pytest.mark.parametrize('change,edits', CASES)
def test_change_in_memory_is_the_edited_file(change, edits):
    text = INI
    for section, old, new in edits:
        text = edit(section, old, new, text)
    model = pingan.Model(path('data', 'pingan.ini'))
    original = frame(model)
    assert change(model) is model
    changed = frame(model)
    same(changed, frame(pingan.Model.from_string(text, path('data', 'pingan.ini'))))
    with pytest.raises(AssertionError):
        same(changed, original)  # the change changed something


def test_remove_indicator_is_the_file_without_its_section():
    start = INI.index('[indicator gun_cases]')
    text = INI[:start] + INI[INI.index('\n[', start) + 1:]
    model = pingan.Model.default().remove_indicator('gun_cases')
    same(frame(model), frame(pingan.Model.from_string(text)))
    assert 'gun_cases' not in model.compute(path('data', '2019.csv')).nodes


def test_engine_rescores_as_a_fresh_computation():
    model = pingan.Model.default()
    data = pingan.Data(path('data', '2019.csv'), model)
    first = model.compute(data).to_frame()
    for w in (1, 2.5, 6):
        model.set_weight('order', w)
        changed = pingan.Model.default().set_weight('order', w)
        same(model.compute(data).to_frame(), frame(changed))
    model.set_normalise('fires', 'minmax', 0, 100).set_weight('order', 6)
    model.set_normalise('fires', 'goalposts', 0, 100)  # params: the range
    same(model.compute(data).to_frame(), first)


def test_copy_changes_independently():
    model = pingan.Model.default()
    before = frame(model)
    other = model.copy().set_weight('fire', 9)
    same(frame(model), before)
    with pytest.raises(AssertionError):
        same(frame(other), before)


def test_result_keeps_the_model_as_it_was():
    model = pingan.Model.default()
    result = model.compute(path('data', '2019.csv'))
    model.set_weight('order', 1)
    assert result.model.code == 'pingan'
    same(result.model.compute(path('data', '2019.csv')).to_frame(), result.to_frame())


def test_refused_change_leaves_the_model():
    model = pingan.Model.default()
    before = frame(model)
    with pytest.raises(pingan.Error) as e:
        model.set_weight('order', -1)
    assert e.value.status == pingan.Status.ARGUMENT and e.value.line is None
    with pytest.raises(pingan.Error) as e:
        model.set_weight('nowhere', 1)
    assert 'nowhere' in e.value.message
    with pytest.raises(pingan.Error):
        model.set('fires', 'normalise', 'no_such_method')
    same(frame(model), before)


def test_code_and_label():
    model = pingan.Model.default()
    assert model.code == 'pingan' and model.label == '珠海市“平安+”市域社会治理指数'
    assert pingan.version() == pingan.__version__ and pingan.version().count('.') == 2
    toml = open(path('python', 'pyproject.toml'), encoding='utf-8').read()
    assert f'version = "{pingan.version()}"' in toml


def test_threads_share_a_data_set():
    from concurrent.futures import ThreadPoolExecutor
    data = pingan.Data(path('data', '2019.csv'), pingan.Model.default())
    weights = [1, 2, 3, 4, 5, 6] * 3

    def run(w):
        return pingan.Model.default().set_weight('order', w).compute(data).scores()

    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(run, weights))
    for w, got in zip(weights, together):
        want = pingan.Model.default().set_weight('order', w).compute(path('data', '2019.csv'))
        np.testing.assert_array_equal(got, want.scores())


def test_top_is_the_models_code_with_penalty_rows():
    text = INI + '\n[penalty fire_death_points]\ncolumn = fire_deaths\npoints = 2\ncap = 10\n'
    r = pingan.Model.from_string(text).compute(path('data', '2019.csv'))
    assert r.nodes[-1] == 'fire_death_points'
    np.testing.assert_array_equal(r.scores(), r.scores('pingan'))
