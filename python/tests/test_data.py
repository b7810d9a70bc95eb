# SPDX-License-Identifier: MIT
"""A DataFrame in gives what the CSV files give; failures arrive as pingan.Error with the
file, line and column the command names."""
import glob
import os

import numpy as np
import pandas as pd
import pytest

import pingan
from conftest import cli_error, path


def shipped_frame():
    """data/2014.csv ... 2019.csv as one DataFrame, the year from each file's name."""
    parts = []
    for f in sorted(glob.glob(path('data', '20[0-9][0-9].csv'))):
        part = pd.read_csv(f, dtype={'unit': str, 'name': str})
        part.insert(2, 'year', int(os.path.basename(f)[:4]))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def files_frame():
    return pingan.Model.default().compute(path('data', '2019.csv')).to_frame()


def test_frame_in_is_files_in():
    got = pingan.Model.default().compute(shipped_frame(), name='name').to_frame()
    pd.testing.assert_frame_equal(got, files_frame(), check_exact=True)


def test_frame_in_any_row_order_and_index():
    df = shipped_frame().sample(frac=1, random_state=3)  # rows shuffled
    df = df.set_index(['unit', 'year'])                   # a named index is read as columns
    model = pingan.Model.default()
    got = model.compute(df, unit='unit', name='name').to_frame()
    want = files_frame()
    key = ['unit', 'period', 'node']
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True).astype(object),
                                  want.sort_values(key).reset_index(drop=True).astype(object),
                                  check_exact=True)


def test_frame_periods_as_dates_and_floats():
    df = shipped_frame()
    df['year'] = df['year'].astype(float)
    df.loc[len(df)] = {'unit': 'extra', 'name': 'x', 'population': 1.0}  # year NaN: refused
    with pytest.raises(pingan.Error) as e:
        pingan.Data(df)
    assert e.value.message.startswith(f'row {len(df)}: ')  # refused rows: named in the text
    df = df.iloc[:-1].copy()
    r = pingan.Model.default().compute(df, name='name')
    assert r.periods[-1] == '2019'
    df['date'] = pd.to_datetime(df['year'].astype(int).astype(str) + '-03-01')
    r = pingan.Model.default().compute(df.drop(columns='year'), name='name', period='date')
    assert r.periods[-1] == '2019-03-01'


def test_frame_column_missing_and_bad_values():
    df = shipped_frame().drop(columns='fires')
    with pytest.raises(pingan.Error) as e:
        pingan.Model.default().compute(df)
    assert 'fires' in e.value.message
    df = shipped_frame()
    df.loc[5, 'fires'] = np.inf
    with pytest.raises(pingan.Error) as e:
        pingan.Data(df)
    assert e.value.status == pingan.Status.ARGUMENT and e.value.message.startswith('row 6: ')
    df = shipped_frame()
    df.loc[2, 'unit'] = 'a\0b'
    with pytest.raises(pingan.Error, match='NUL'):
        pingan.Data(df)
    with pytest.raises(pingan.Error, match="no column 'nope'"):
        pingan.Data(shipped_frame(), name='nope')


def test_frame_missing_values_are_missing():
    df = shipped_frame()
    df.loc[df.unit == 'doumen', 'fires'] = np.nan
    r = pingan.Model.default().compute(df, name='name')
    f = r.to_frame()
    cell = f[(f.unit == 'doumen') & (f.node == 'fires')]
    assert cell['value'].isna().all() and cell['score'].isna().all()


BAD_CSV = 'unit,name,population,police_incidents,criminal_cases,gun_cases,fires,fire_deaths,' \
          'traffic_accidents,traffic_deaths\nzhuhai,珠海市,2023700,26838,11460,2,215,1,2560,138\n' \
          'a,A,1000,1,2,x3,4,5,6,7\n'


def test_data_error_carries_file_line_column(tmp_path):
    bad = tmp_path / '2019.csv'
    bad.write_text(BAD_CSV, encoding='utf-8')
    with pytest.raises(pingan.Error) as e:
        pingan.Model.default().compute(str(bad))
    err = e.value
    assert (err.file, err.line, err.column, err.status) == (str(bad), 3, 6, pingan.Status.DATA)
    assert str(err) == cli_error(str(bad)).removeprefix('pingan-index: ')


def test_model_error_carries_the_line(tmp_path):
    text = '[index]\ncode = x\n\n[indicator a]\nparent = x\nweight = -2\n'
    with pytest.raises(pingan.Error) as e:
        pingan.Model.from_string(text, 'my.ini')
    assert (e.value.file, e.value.line, e.value.status) == ('my.ini', 6, pingan.Status.MODEL)
    ini = tmp_path / 'm.ini'
    ini.write_text(text, encoding='utf-8')
    with pytest.raises(pingan.Error) as e:
        pingan.Model(ini)
    assert e.value.line == 6 and e.value.file == str(ini)
    assert str(e.value) == cli_error('-c', str(ini), path('data', '2019.csv')).removeprefix(
        'pingan-index: ')


def test_io_error_and_unknown_node():
    with pytest.raises(pingan.Error) as e:
        pingan.Model('/nonexistent/pingan.ini')
    assert e.value.status == pingan.Status.IO and e.value.file == '/nonexistent/pingan.ini'
    r = pingan.Model.default().compute(path('data', '2019.csv'))
    with pytest.raises(pingan.Error, match="no node 'nope'"):
        r.scores('nope')
    with pytest.raises(TypeError):
        pingan.Data(path('data', '2019.csv'))  # files need the model that names the columns


def test_files_list_and_single_file():
    model = pingan.Model.default()
    two = model.compute([path('data', '2018.csv'), path('data', '2019.csv')])
    assert two.periods == ('2018', '2019')
    alone = model.compute(path('data', '2019.csv'), siblings=False)
    assert alone.periods == ('2019',)
    d = pingan.Data(path('data', '2019.csv'), model)
    assert d.rows == 48 and d.notes == []
    with pytest.raises(TypeError):
        model.compute(d, name='name')  # a Data was read already


def test_frame_periods_as_pandas_periods():
    df = shipped_frame()
    df['year'] = pd.PeriodIndex([f'{y}-07' for y in df['year']], freq='M')
    r = pingan.Model.default().compute(df, name='name')
    assert r.periods == tuple(f'{y}-07' for y in range(2014, 2020))
    np.testing.assert_array_equal(r.scores(), pingan.Model.default().compute(
        path('data', '2019.csv')).scores())
