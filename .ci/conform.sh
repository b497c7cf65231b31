#!/usr/bin/env bash
# A stock referee for `carepath conform` (issue 15): Tests/referees/conform_referee.py exports
# shipped pathways as BPMN, simulates event logs (each pathway's own, and the example region's
# trust variants replayed on the regional standard), replays them with pm4py's alignments on a
# Petri net of the BPMN and checks that `carepath conform` finds the same journeys fitting.
# The referee's docstring says why the net is built from the BPMN file by the referee and not by
# pm4py's own BPMN import (which cannot read carepath's collaborations); it prints that reason
# for every file on each run.
#
# Idempotent: the virtual environment ($CAREPATH_VENV, default .build/conform-venv) is created
# once, pm4py installed only when the pinned version is not there, PyYAML only when missing.
# Fails (non-zero) when pm4py cannot be installed or imported: a missing referee is a failure.
# Environment: CAREPATH_BIN (default: built with `swift build`), CAREPATH_VENV.
# Extra arguments go to the script (--patients N, --seed S, --keep DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CAREPATH_VENV:-.build/conform-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
# Pinned, so that the referee's verdict changes only when we change it.
PM4PY_VERSION=2.7.23.11
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pm4py') != '$PM4PY_VERSION')" 2>/dev/null; then
    echo "conform.sh: installing pm4py $PM4PY_VERSION into $VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "pm4py==$PM4PY_VERSION"
fi
if ! "$VENV/bin/python" -c 'import yaml' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check pyyaml
fi
# pm4py greets on standard error when imported from a script; the import check stays quiet.
if ! "$VENV/bin/python" -c 'import pm4py, yaml' 2>/dev/null; then
    echo "conform.sh: pm4py $PM4PY_VERSION or PyYAML cannot be imported from $VENV" >&2
    "$VENV/bin/python" -c 'import pm4py, yaml' || true
    exit 1
fi

BIN=${CAREPATH_BIN:-$(swift build --show-bin-path)/carepath}
if [ ! -x "$BIN" ]; then swift build --product carepath >/dev/null; fi
if [ ! -x "$BIN" ]; then
    echo "conform.sh: carepath binary not found at $BIN (set CAREPATH_BIN)" >&2
    exit 1
fi
PM4PY_SHOW_PROGRESS_BAR=False "$VENV/bin/python" Tests/referees/conform_referee.py "$BIN" "$PWD" "$@"
