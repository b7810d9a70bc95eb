# SPDX-License-Identifier: MIT
"""libpingan from Python: composite indices (COINr's methods) on files or pandas DataFrames.

    import pingan
    model = pingan.Model('data/pingan.ini')        # or Model.from_string(text), Model.default()
    model.set_weight('order', 2)                    # changes in memory, checked as the file is
    result = model.compute('data/2019.csv')        # files, a DataFrame, or a pingan.Data
    result.to_frame()                               # the CSV output as a DataFrame
    result.scores('pingan')                         # NumPy array, unit x period
    result.explain().to_frame()                     # why it moved: one row per indicator
    m = pingan.Model('data/uncertainty.ini')        # a model with an [uncertainty] section
    m.uncertainty('data/2019.csv', 1000).to_frame() # rank intervals; m.sensitivity(...): Sobol

Failures raise pingan.Error (file, line, column, status, message).
"""
from ._analysis import Explanation, Sensitivity, Uncertainty
from ._core import Data, Error, Model, Result, Status, version
from ._stats import Stats

__all__ = ['Data', 'Error', 'Explanation', 'Model', 'Result', 'Sensitivity', 'Stats', 'Status',
           'Uncertainty', 'version']
__version__ = version()
