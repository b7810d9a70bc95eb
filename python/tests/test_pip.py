# SPDX-License-Identifier: MIT
"""pip install --no-build-isolation ./python builds the same package (setup.py, pyproject.toml),
here into a fresh virtual environment and from a copy of python/, against this build."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, path

LIBDIR = os.environ.get('PINGAN_LIBRARY_DIR')


@pytest.mark.skipif(not LIBDIR or not shutil.which('pkg-config'), reason='needs the meson build')
def test_pip_install(tmp_path):
    for module in ('venv', 'pip', 'setuptools'):
        if subprocess.run([sys.executable, '-c', f'import {module}']).returncode:
            pytest.skip(f'no {module}')
    src = tmp_path / 'python'
    shutil.copytree(path('python'), src, ignore=shutil.ignore_patterns('build', '*.egg-info',
                                                                        '__pycache__', 'tests'))
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--system-site-packages', str(venv)], check=True)
    env = dict(os.environ, PINGAN_INCLUDE_DIR=os.path.join(ROOT, 'include'),
               PINGAN_LIBRARY_DIR=LIBDIR)
    env.pop('PYTHONPATH', None)
    subprocess.run([str(venv / 'bin' / 'pip'), 'install', '-q', '--no-index',
                    '--no-build-isolation', str(src)], check=True, env=env, cwd=tmp_path)
    code = ('import pingan, sys; r = pingan.Model.default().compute(sys.argv[1]); '
            'print(pingan.__file__); print(r.to_csv(), end="")')
    out = subprocess.run([str(venv / 'bin' / 'python'), '-c', code, path('data', '2019.csv')],
                         check=True, env=env, cwd=tmp_path, capture_output=True, text=True).stdout
    where, csv = out.split('\n', 1)
    assert where.startswith(str(venv))
    import pingan
    assert csv == pingan.Model.default().compute(path('data', '2019.csv')).to_csv()
