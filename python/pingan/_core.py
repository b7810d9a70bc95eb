# SPDX-License-Identifier: MIT
"""Models, data sets and results: thin owners of libpingan's handles."""
import enum
import os
import threading

from . import _pingan

ffi = _pingan.ffi
lib = _pingan.lib  # looked up at every call, so that a test can count the calls made
NONE = ffi.cast('size_t', -1)


class Status(enum.IntEnum):
    """libpingan's pa_status."""
    OK = 0
    NOMEM = 1
    IO = 2
    DATA = 3
    MODEL = 4
    COMPUTE = 5
    ARGUMENT = 6


class Error(Exception):
    """A failure of the library: `file`, `line`, `column` (None when absent), `status`
    (a Status) and `message`. str() is the command's `FILE:LINE:COLUMN: message`."""

    def __init__(self, message, file=None, line=None, column=None, status=Status.ARGUMENT):
        super().__init__(message)
        self.message, self.file, self.line, self.column = message, file, line, column
        self.status = Status(status)

    def __str__(self):
        where = [str(x) for x in (self.file, self.line, self.column) if x]
        return ':'.join(where + [' ' + self.message]) if where else self.message


Error.__module__ = Status.__module__ = 'pingan'


def _text(p):
    return ffi.string(p).decode('utf-8', 'replace') if p != ffi.NULL else None


def _error(err):
    return Error(_text(err.text), _text(err.file) or None, err.line or None,
                 err.column or None, err.status)


def _check(status, err):
    if status != lib.PA_OK:
        raise _error(err)


def _make(ctype, call, free):
    """*out of call(out, err), owned by Python (freed by `free`), or Error."""
    out = ffi.new(ctype + ' **')
    err = ffi.new('pa_error *')
    _check(call(out, err), err)
    return ffi.gc(out[0], free)


def _write(ptr, kind, json):
    """A library writer's CSV (json 0) or JSON (1) as text: kind 0 a result, 1 an explanation,
    2 an uncertainty or sensitivity run."""
    text, n = ffi.new('char **'), ffi.new('size_t *')
    err = ffi.new('pa_error *')
    status = lib.pyp_write(ptr, kind, json, text, n, err)
    try:
        _check(status, err)
        return ffi.unpack(text[0], n[0]).decode('utf-8')
    finally:
        lib.pyp_free(text[0])


def _enc(s):
    return ffi.NULL if s is None else str(s).encode('utf-8')


def _path(p):
    return os.fsencode(p)


def _value(v):
    """A value as the model file writes it."""
    if isinstance(v, bool):
        return 'yes' if v else 'no'
    if isinstance(v, float):
        return repr(v)  # the shortest text that reads back to the same double
    if isinstance(v, (list, tuple)):
        return ', '.join(_value(x) for x in v)
    return str(v)


def version():
    """The version of the libpingan loaded."""
    return _text(lib.pa_version())


class Model:
    """Indicators, hierarchy, weights and methods: Model(path) reads a model file (INI).
    Every setter is checked as the file is (Error, and the model unchanged, on a mistake);
    `node` None is the top ([index])."""

    def __init__(self, path):
        self._ptr = _make('pa_model', lambda o, e: lib.pa_model_load(o, _path(path), e),
                          lib.pa_model_free)
        self._lock = threading.Lock()  # calls release the GIL: no change during a computation

    @classmethod
    def _own(cls, make):
        m = cls.__new__(cls)
        m._ptr = _make('pa_model', make, lib.pa_model_free)
        m._lock = threading.Lock()
        return m

    @classmethod
    def from_string(cls, text, name=None):
        """A model from INI text; `name` is used in messages and as the folder of meta tables."""
        return cls._own(lambda o, e: lib.pa_model_parse(o, _enc(text), _enc(name), e))

    @classmethod
    def default(cls):
        """The built-in 平安+ model (data/pingan.ini)."""
        return cls._own(lib.pa_model_default)

    def copy(self):
        """A copy that changes independently of this model."""
        with self._lock:
            return Model._own(lambda o, e: lib.pa_model_copy(o, self._ptr, e))

    @property
    def code(self):
        return _text(lib.pa_model_code(self._ptr))

    @property
    def label(self):
        return _text(lib.pa_model_label(self._ptr))

    def __repr__(self):
        return f'<pingan.Model {self.code!r}>'

    def _edit(self, fn, *args):
        err = ffi.new('pa_error *')
        with self._lock:
            _check(fn(self._ptr, *args, err), err)
        return self

    def set(self, node, key, value):
        """Set one key as the model file writes it: set('fires', 'normalise', 'zscore'),
        set(None, 'range', (0, 100)); numbers are written exactly, booleans as yes/no."""
        return self._edit(lib.pa_model_set, _enc(node), _enc(key), _enc(_value(value)))

    def set_weight(self, node, weight):
        return self._edit(lib.pa_model_set_weight, _enc(node), float(weight))

    def set_direction(self, node, direction):
        return self._edit(lib.pa_model_set_direction, _enc(node), int(direction))

    def set_goalposts(self, node, lower, upper):
        return self._edit(lib.pa_model_set_goalposts, _enc(node), float(lower), float(upper))

    def set_target(self, node, target):
        return self._edit(lib.pa_model_set_target, _enc(node), float(target))

    def set_denominator(self, node, column, per=1.0):
        """Divide the indicator by column / per; column None: no denominator."""
        return self._edit(lib.pa_model_set_denominator, _enc(node), _enc(column), float(per))

    def _method(self, fn, node, method, params):
        p = ffi.new('double[]', [float(x) for x in params]) if params else ffi.NULL
        return self._edit(fn, _enc(node), _enc(method), p, len(params))

    def set_normalise(self, node, method, *params):
        """set_normalise('fires', 'minmax', 1, 100); no params: keep those the node has."""
        return self._method(lib.pa_model_set_normalise, node, method, params)

    def set_aggregate(self, node, method, *params):
        """set_aggregate('order', 'genmean', 2)."""
        return self._method(lib.pa_model_set_aggregate, node, method, params)

    def remove_indicator(self, node):
        return self._edit(lib.pa_model_remove_indicator, _enc(node))

    def _data(self, source, options):
        if isinstance(source, Data) and options:
            raise TypeError(f'options given for a Data, which was read already: {sorted(options)}')
        return source if isinstance(source, Data) else Data(source, self, **options)

    def compute(self, source, **options):
        """Score `source`: a pingan.Data, a DataFrame (options as for Data), a CSV path (read
        with its earlier siblings unless siblings=False) or a list of paths."""
        return self._data(source, options).compute(self)

    @property
    def uncertainty_line(self):
        """The line of the model's [uncertainty] section, None when it has none."""
        return lib.pa_model_uncertainty_line(self._ptr) or None

    def uncertainty(self, source, n, node=None, period=None, **options):
        """n Monte Carlo runs over the model's [uncertainty] section on `source` (as for
        compute): the command's --uncertainty N, as a pingan.Uncertainty. node and period:
        what is ranked (None: the top, the latest period). See Data.uncertainty."""
        return self._data(source, options).uncertainty(self, n, node, period)

    def sensitivity(self, source, n, node=None, period=None, **options):
        """A Saltelli design of base sample n (the command's --sensitivity N), as a
        pingan.Sensitivity. See Data.sensitivity."""
        return self._data(source, options).sensitivity(self, n, node, period)


class Data:
    """A unit x period data set with an engine that re-scores it cheaply after model changes.

    Data(path, model): the CSV file and its earlier siblings (siblings=False: the file alone),
    reading the columns `model` needs; Data([paths], model): those files; Data(frame): a pandas
    DataFrame, one row per unit and period (see pingan._frame.frame_data for unit=, period=,
    name=, group=)."""

    def __init__(self, source, model=None, *, siblings=True, **frame_options):
        from . import _frame
        self._engine = None
        self._lock = threading.Lock()  # an engine computes for one thread at a time
        if _frame.is_frame(source):
            self._ptr = _frame.frame_data(source, **frame_options)
            return
        if frame_options:
            raise TypeError(f'options for a DataFrame given for files: {sorted(frame_options)}')
        if not isinstance(model, Model):
            raise TypeError('reading files needs the model (it names the columns to read)')
        self._ptr = _make('pa_data', lambda o, e: lib.pa_data_new(o, model._ptr, e),
                          lib.pa_data_free)
        err = ffi.new('pa_error *')
        if isinstance(source, (str, bytes, os.PathLike)):
            read = lib.pa_data_read_with_siblings if siblings else lib.pa_data_read_file
            _check(read(self._ptr, _path(source), err), err)
        else:
            paths = [ffi.new('char[]', _path(p)) for p in source]
            _check(lib.pa_data_read_files(self._ptr, paths, len(paths), err), err)

    @property
    def rows(self):
        return lib.pa_data_row_count(self._ptr)

    @property
    def notes(self):
        """What reading noticed (not errors), as FILE:LINE:COLUMN: text."""
        out = []
        for i in range(lib.pa_data_note_count(self._ptr)):
            note = ffi.new('pa_error *')
            lib.pa_data_note(self._ptr, i, note)
            out.append(str(_error(note)))
        return out

    def __repr__(self):
        return f'<pingan.Data: {self.rows} rows>'

    def compute(self, model):
        """model's result on this data, through the engine (stages of earlier calls reused)."""
        with self._lock:
            if self._engine is None:  # the engine borrows the data set: keep it alive as long
                data = self._ptr
                self._engine = _make('pa_engine', lambda o, e: lib.pa_engine_new(o, data, e),
                                     lambda e, d=data: lib.pa_engine_free(e))
            kept = model.copy()  # the model as computed, for the result's later analyses
            ptr = _make('pa_result', lambda o, e: lib.pa_engine_compute(self._engine, kept._ptr,
                                                                        o, e), lib.pa_result_free)
        return Result(ptr, kept, self)

    def _runs(self, model, n, node, period, run, cls):
        from . import _analysis
        n = _analysis.run_count(n)
        kept = model.copy()  # the section as run, whatever the model becomes
        keep = [ffi.NULL if s is None else ffi.new('char[]', _enc(s)) for s in (node, period)]
        opts = ffi.new('pa_uncertainty_options *', {'node': keep[0], 'period': keep[1]})
        with self._lock:
            ptr = _make('pa_uncertainty', lambda o, e: run(o, kept._ptr, self._ptr, n, opts, e),
                        lib.pa_uncertainty_free)
        return cls(ptr, kept, self)

    def uncertainty(self, model, n, node=None, period=None):
        """n Monte Carlo runs of `model` over its [uncertainty] section (pa_uncertainty_run):
        a pingan.Uncertainty with the rank statistics of `node` (None: the top) in `period`
        (None: the latest). Error with the section's line for a section that does not fit the
        model; ARGUMENT for n = 0, no section, an unknown node or period. The run uses the
        machine's threads (PINGAN_THREADS) outside the GIL; it cannot be interrupted: Ctrl-C
        takes effect when it returns (its time grows with n, as the command's)."""
        from ._analysis import Uncertainty
        return self._runs(model, n, node, period, lib.pa_uncertainty_run, Uncertainty)

    def sensitivity(self, model, n, node=None, period=None):
        """A Saltelli design of base sample n over the d inputs of [uncertainty], n (d + 2)
        runs (pa_sensitivity_run): a pingan.Sensitivity with Jansen's Sobol indices. Otherwise
        as uncertainty() (not interruptible either)."""
        from ._analysis import Sensitivity
        return self._runs(model, n, node, period, lib.pa_sensitivity_run, Sensitivity)


class Result:
    """Scores, ranks, bands and changes of every unit, period and node. Keeps the model (as it
    was) and the data it came from, for the analyses that recompute (stats())."""

    def __init__(self, ptr, model, data):
        self._ptr, self.model, self.data = ptr, model, data
        self._lists = {}

    def _strings(self, what):
        if what not in self._lists:
            n = ffi.new('size_t *')
            text = lib.pyp_strings(self._ptr, what, n)
            if text == ffi.NULL:
                raise MemoryError()
            try:
                raw = ffi.unpack(text, n[0])
            finally:
                lib.pyp_free(text)
            self._lists[what] = tuple(s.decode('utf-8') for s in raw.split(b'\0')[:-1])
        return self._lists[what]

    units = property(lambda self: self._strings(0), doc='unit codes, in the result order')
    names = property(lambda self: self._strings(1), doc='units display names')
    periods = property(lambda self: self._strings(2), doc='periods, ascending')
    nodes = property(lambda self: self._strings(3), doc='node codes: indicators first, top last')
    labels = property(lambda self: self._strings(4), doc='node labels')

    def __repr__(self):
        return (f'<pingan.Result: {len(self.units)} units, {len(self.periods)} periods, '
                f'{len(self.nodes)} nodes>')

    def _node(self, code):
        code = self.model.code if code is None else code  # penalty rows may follow the top
        n = lib.pa_result_node_find(self._ptr, _enc(code))
        if n == NONE:
            raise Error(f"no node '{code}' in the result", status=Status.ARGUMENT)
        return n

    def scores(self, node=None):
        """The scores of a node (None: the top) as a float array, unit x period (NaN: none)."""
        import numpy as np
        out = np.empty((len(self.units), len(self.periods)))
        lib.pyp_scores(self._ptr, self._node(node), ffi.from_buffer('double[]', out, True))
        return out

    def to_frame(self):
        """The CSV output as a DataFrame, column for column (see pingan._frame.result_frame)."""
        from . import _frame
        return _frame.result_frame(self)

    def to_csv(self):
        """The command's -f csv output, as text."""
        return _write(self._ptr, 0, 0)

    def to_json(self):
        """The command's -f json output, as text."""
        return _write(self._ptr, 0, 1)

    def stats(self, period=None):
        """Statistics of the indicators (pingan.Stats) for period (None: the latest)."""
        from ._stats import Stats
        return Stats(self.model, self.data, period)

    def explain(self, node=None, period=None, base=None, compare=None):
        """Why `node` (None: the top) moved in `period` (None: the latest): the command's
        --explain, as a pingan.Explanation. The change is against the result's base (the
        period before) unless base='2014' (the command's --base) or compare='previous' |
        'year' | 'mean:K' (--compare) is given; then a result of its own is computed for it
        (the data's engine has every stage: nothing is recomputed) and this one is unchanged.
        Error (ARGUMENT) for a period without a base, an unknown node or period."""
        from ._analysis import Explanation, rebased
        result = self if base is None and compare is None else rebased(self, base, compare)
        return Explanation(result, node, period)
