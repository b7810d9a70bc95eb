# SPDX-License-Identifier: MIT
# %% [markdown]
# # The 平安+ index from Python
# A notebook in script form (each `# %%` is a cell; Jupyter, VS Code and Spyder open it as
# one). It runs from the repository's root: `python3 python/examples/notebook.py`.

# %%
import os
import sys

import pandas as pd

import pingan

ROOT = sys.argv[1] if len(sys.argv) > 1 else '.'
model = pingan.Model(os.path.join(ROOT, 'data', 'pingan.ini'))
model

# %% [markdown]
# The shipped yearly tables as one DataFrame, as one would have them in pandas.

# %%
frames = []
for year in range(2014, 2020):
    part = pd.read_csv(os.path.join(ROOT, 'data', f'{year}.csv'))
    frames.append(part.assign(year=year))
panel = pd.concat(frames, ignore_index=True)
data = pingan.Data(panel, name='name')  # the engine it owns re-scores cheaply below
result = model.compute(data)
index = pd.DataFrame(result.scores(), index=result.names, columns=result.periods)
print(index.round(1))

# %% [markdown]
# The long table of the command's CSV: scores, ranks, bands and changes of every node.

# %%
table = result.to_frame()
latest = table[(table.period == '2019') & (table.node == 'pingan')]
print(latest[['name', 'score', 'rank', 'band', 'score_change']].sort_values('rank'))

# %% [markdown]
# What if public order weighed as much as fire and traffic together? Only the aggregation
# runs again.

# %%
what_if = model.copy().set_weight('order', 4)
shift = model.compute(data).scores()[:, -1] - what_if.compute(data).scores()[:, -1]
print(pd.Series(shift, index=result.names, name='2019 index, 6:2:2 minus 4:2:2').round(2))

# %% [markdown]
# Statistics of the indicators, and a mistake reported with its place.

# %%
stats = result.stats()
print(stats.indicators[['node', 'mean', 'sd', 'skew', 'flags']])
try:
    pingan.Model.from_string('[index]\ncode = x\nnormalise = minmix\n', 'draft.ini')
except pingan.Error as e:
    print('refused:', e)  # draft.ini:3:…: unknown method

# %% [markdown]
# Why the index moved in 2019, indicator by indicator (the parts add up to the change).

# %%
why = result.explain().to_frame()
print(why[why.unit == 'xiangzhou'][['indicator', 'value_change_pct', 'contribution', 'share']])

# %% [markdown]
# How robust the ranks are: data/uncertainty.ini is the model with an [uncertainty] section
# (weight noise, other normalisations and means, one indicator left out at a time).

# %%
robust = pingan.Model(os.path.join(ROOT, 'data', 'uncertainty.ini'))
runs = robust.uncertainty(data, 1000)
print(runs, '-', runs.failed, 'runs could not be scored')
print(runs.to_frame()[['name', 'nominal_rank', 'median_rank', 'rank_p05', 'rank_p95']])
print(robust.sensitivity(data, 500).to_frame().round(3))
