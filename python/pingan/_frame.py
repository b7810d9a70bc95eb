# SPDX-License-Identifier: MIT
"""pandas in and out: a DataFrame to a data set, a result to the CSV's DataFrame. Each moves
whole columns through one C call (never one call per cell)."""
from . import _core
from ._core import Error, Status, ffi

PERIOD_NAMES = ('year', 'period', 'date', '年份', '月份', '日期')
FLAG_WORDS = ('imputed', 'winsorised_high', 'winsorised_low', 'log_CT', 'boxcox',
              'screened_out', 'low_coverage')
MAX_BANDS = 256


def is_frame(x):
    try:
        import pandas as pd
    except ImportError:
        return False
    return isinstance(x, pd.DataFrame)


def _strings(values, what):
    """Strings as one block of NUL-terminated UTF-8 and the pointers into it."""
    text = '\0'.join(values).encode('utf-8') + b'\0'
    buf = ffi.from_buffer('char[]', bytearray(text))
    ptrs = ffi.new('char *[]', max(len(values), 1))
    if text.count(b'\0') != len(values) or \
            _core.lib.pyp_split(buf, len(text), ptrs, len(values)) != len(values):
        raise Error(f"a value of column '{what}' holds a NUL character", status=Status.ARGUMENT)
    return buf, ptrs


def _text(v):
    import pandas as pd
    if isinstance(v, pd.Period):  # 2019, 2019Q3, 2019-07: the library's spellings
        return str(v)
    if hasattr(v, 'strftime') and not isinstance(v, str):  # a date: its day
        return v.strftime('%Y-%m-%d')
    if isinstance(v, float) and v.is_integer():  # 2019.0, from a year column with a gap
        return str(int(v))
    return str(v)


def _column(series, what):
    """A column of strings, converted once per distinct value (pandas.factorize) and spread
    over the rows in C: the buffers to keep alive and the row pointers."""
    import numpy as np
    import pandas as pd
    codes, uniques = pd.factorize(series)
    buf, table = _strings([_text(v) for v in uniques], what)
    codes = np.ascontiguousarray(codes, dtype=np.dtype('l'))
    rows = ffi.new('char *[]', max(len(codes), 1))
    _core.lib.pyp_take(table, ffi.from_buffer('long[]', codes), len(codes), rows)
    return (buf, table, codes, rows), rows


def frame_data(df, unit=None, period=None, name=None, group=None):
    """A data set from a DataFrame, one row per unit and period. unit: the unit column (default:
    the first); period: the period column (default: one named year, period, date, 年份, 月份 or
    日期; none: one period ""); name: display names; group: the grouping column of
    group_mean / group_median imputation. Every other numeric column is a value column (NaN:
    missing); other columns are left out. A named index is read as columns."""
    import numpy as np
    import pandas as pd
    if any(n is not None for n in df.index.names):
        df = df.reset_index()
    cols = [str(c) for c in df.columns]
    if len(set(cols)) != len(cols):
        raise Error('the DataFrame has two columns of the same name', status=Status.ARGUMENT)
    df = df.set_axis(cols, axis=1)
    unit = unit if unit is not None else (cols[0] if cols else None)
    if period is None:
        period = next((c for c in cols if c.lower() in PERIOD_NAMES), None)
    keys = {k for k in (unit, period, name, group) if k is not None}
    for k in keys:
        if k not in cols:
            raise Error(f"no column '{k}' in the DataFrame", status=Status.ARGUMENT)
    values = [c for c in cols if c not in keys and pd.api.types.is_numeric_dtype(df[c])]
    lib = _core.lib
    names = [ffi.new('char[]', c.encode('utf-8')) for c in values]
    data = _core._make('pa_data', lambda o, e: lib.pa_data_create(o, names, len(names), e),
                       lib.pa_data_free)
    arrays = [np.ascontiguousarray(df[c].to_numpy(dtype=np.float64, na_value=np.nan))
              for c in values]
    columns = ffi.new('double *[]', [ffi.from_buffer('double[]', a) for a in arrays])
    keep = [_column(df[k], k) if k else None for k in (unit, name, period, group)]
    ptr = [k[1] if k else ffi.NULL for k in keep]
    err = ffi.new('pa_error *')
    _core._check(lib.pa_data_add_rows(data, len(df), ptr[0], ptr[1], ptr[2], ptr[3], columns,
                                      err), err)
    return data


def _flag_text(bits):
    return ';'.join(w for b, w in enumerate(FLAG_WORDS) if bits >> b & 1)


NUMBERS = ('value', 'rate', 'score', 'value_change_pct', 'score_change', 'score_change_pct')


def _cells(result, n):
    """Every cell's numbers, rank (0: none), band (index into the labels returned, -1: none)
    and flags, in the CSV's row order, by one C call."""
    import numpy as np
    out = {k: np.empty(n) for k in NUMBERS}
    out['rank'] = np.empty(n, dtype=np.dtype('l'))  # C long
    out['band'] = np.empty(n, dtype=np.intc)
    out['flags'] = np.empty(n, dtype=np.uintc)
    c = {k: ffi.from_buffer('double[]', out[k], True) for k in NUMBERS}
    labels = ffi.new('char *[]', MAX_BANDS)
    _core.lib.pyp_cells(result._ptr, c['value'], c['rate'], c['score'],
                        ffi.from_buffer('long[]', out['rank'], True),
                        ffi.from_buffer('int[]', out['band'], True), c['value_change_pct'],
                        c['score_change'], c['score_change_pct'],
                        ffi.from_buffer('unsigned[]', out['flags'], True), labels, MAX_BANDS)
    bands = [_core._text(labels[b]) for b in range(MAX_BANDS) if labels[b] != ffi.NULL]
    return out, bands


def _categorical(values, codes):
    """values[codes] as a categorical column; '' is NaN, as read_csv reads an empty cell."""
    import numpy as np
    import pandas as pd
    cats, inv = np.unique(np.array(list(values) + [''], dtype=object), return_inverse=True)
    empty = int(inv[-1])
    inv = np.where(inv == empty, -1, inv - (inv > empty))
    return pd.Categorical.from_codes(inv[codes], np.delete(cats, empty))


def result_frame(result):
    """The CSV's columns, row for row: unit, name, period, node, label (text), level (int64),
    value, rate, score (float), rank (Int64, <NA> when not ranked), band, base (text),
    value_change_pct, score_change, score_change_pct (float), flags (text, words joined by
    ';'). The text columns are categorical (a long table repeats them). An empty cell is NaN
    (<NA> for rank), as pandas reads the CSV."""
    import numpy as np
    import pandas as pd
    nu, np_, nn = len(result.units), len(result.periods), len(result.nodes)
    cells, bands = _cells(result, nu * np_ * nn)
    u = np.repeat(np.arange(nu), np_ * nn)
    p = np.tile(np.repeat(np.arange(np_), nn), nu)
    k = np.tile(np.arange(nn), nu * np_)
    levels = np.empty(nn, dtype=np.intc)
    _core.lib.pyp_levels(result._ptr, ffi.from_buffer('int[]', levels, True))
    rank, band = cells['rank'], cells['band']
    flags, flag_codes = np.unique(cells['flags'], return_inverse=True)
    return pd.DataFrame({
        'unit': _categorical(result.units, u), 'name': _categorical(result.names, u),
        'period': _categorical(result.periods, p), 'node': _categorical(result.nodes, k),
        'label': _categorical(result.labels, k), 'level': levels.astype(np.int64)[k],
        **{c: cells[c] for c in NUMBERS[:3]},
        'rank': pd.arrays.IntegerArray(rank.astype(np.int64), rank <= 0),
        'band': _categorical(bands + [''], np.where(band >= 0, band, len(bands))),
        'base': _categorical(result._strings(5), p),
        **{c: cells[c] for c in NUMBERS[3:]},
        'flags': _categorical([_flag_text(int(b)) for b in flags], flag_codes),
    })
