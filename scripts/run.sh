#!/bin/sh
# SPDX-License-Identifier: MIT
# One command: set up, build, and run the main job on the shipped data.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh >/dev/null
exec ./build/tools/pingan-index "${@:-data/2019.csv}"
