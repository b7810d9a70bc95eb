# SPDX-License-Identifier: MIT
# The cffi extension (pingan/_build.py); everything else is in pyproject.toml.
from setuptools import setup

setup(cffi_modules=['pingan/_build.py:ffibuilder'])
