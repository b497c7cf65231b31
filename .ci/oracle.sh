#!/usr/bin/env bash
# Simulation oracle for CI: recomputes carepath's headline simulation figures (target counts and
# attainment, unfinished patients, per-step waits, resource utilisation) from the CSV event log
# and the pathway YAML alone, and fails when they disagree with `carepath simulate --format json`.
# Bank holidays come from the `holidays` package (pinned: a new release may add or move dates), not
# from carepath. Idempotent: the virtual environment at $CAREPATH_VENV is created once, PyYAML
# installed only when it is missing and holidays only when the pinned version is not there.
# Extra arguments go to the script (pathway files, or --self-test).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CAREPATH_VENV:-.build/referee-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c 'import yaml' 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check pyyaml
fi
HOLIDAYS_VERSION=0.109
if ! "$VENV/bin/python" -c "import holidays, sys; sys.exit(holidays.__version__ != '$HOLIDAYS_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "holidays==$HOLIDAYS_VERSION"
fi

BIN=${CAREPATH_BIN:-$(swift build --show-bin-path)/carepath}
if [ ! -x "$BIN" ]; then swift build --product carepath >/dev/null; fi
"$VENV/bin/python" Tests/referees/simulation_oracle.py "$BIN" "$PWD" --self-test
"$VENV/bin/python" Tests/referees/simulation_oracle.py "$BIN" "$PWD" "$@"
