# SPDX-License-Identifier: MIT
"""Shared fixtures: the source tree, the command (the reference the package is checked
against), and reading the command's CSV into the DataFrame a pandas user would get."""
import io
import os
import subprocess

import pandas as pd
import pytest

ROOT = os.environ.get('PINGAN_SOURCE_ROOT',
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TOOL = os.environ.get('PINGAN_INDEX', os.path.join(ROOT, 'build', 'tools', 'pingan-index'))
TEXT = ['unit', 'name', 'period', 'node', 'label', 'band', 'base', 'flags']


def path(*parts):
    return os.path.join(ROOT, *parts)


def cli(*args):
    """The command's standard output (it must succeed)."""
    out = subprocess.run([TOOL, *args], capture_output=True, check=True)
    return out.stdout.decode('utf-8')


def cli_error(*args):
    """The command's first line on standard error (it must fail with status 1)."""
    out = subprocess.run([TOOL, *args], capture_output=True)
    assert out.returncode == 1, out
    return out.stderr.decode('utf-8').splitlines()[0]


def read_csv(text):
    """The command's CSV as pandas reads it: empty cells NaN, text kept as text."""
    return pd.read_csv(io.StringIO(text), dtype={c: str for c in TEXT} | {'rank': 'Int64'},
                       keep_default_na=False, na_values=[''], float_precision='round_trip')


def plain(frame):
    """The categorical text columns of to_frame() as plain text, to compare with read_csv."""
    return frame.astype({c: object for c in TEXT})


@pytest.fixture
def root():
    return ROOT
