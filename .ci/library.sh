#!/usr/bin/env bash
# The shipped library (issue 14): each pathway's clinically important routes checked on the
# simulator's event log (Tests/library/test_*.py, pytest, reading the CSV log with the standard
# library: no carepath code), then the README's table of simulated vs national figures regenerated
# and compared (.ci/library_figures.py), which also fails when a pathway leaves patients unfinished
# or more than a quarter of the library's targets sit at 99.5% or above.
# Idempotent: the virtual environment ($CAREPATH_VENV) is created once, pytest and PyYAML installed
# only when missing. A missing test runner or no test collected is a failure.
# Environment: CAREPATH_BIN (default: built with `swift build`), CAREPATH_VENV.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CAREPATH_VENV:-.build/referee-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c 'import pytest, yaml' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check pytest pyyaml
fi
"$VENV/bin/python" -c 'import pytest, yaml'

BIN=${CAREPATH_BIN:-$(swift build --show-bin-path)/carepath}
if [ ! -x "$BIN" ]; then swift build --product carepath >/dev/null; fi
export CAREPATH_BIN="$BIN"

count=$(ls Tests/library/test_*.py | wc -l)
echo "library.sh: $count pathway test files"
[ "$count" -gt 0 ]
# -p no:cacheprovider: no .pytest_cache in the work tree.
"$VENV/bin/python" -m pytest Tests/library -q -p no:cacheprovider

"$VENV/bin/python" .ci/library_figures.py "$BIN"
