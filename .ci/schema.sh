#!/usr/bin/env bash
# Schema referee for CI: the editor's JSON Schema (Docs/carepath.schema.json) and
# `carepath validate` must give every corpus file the same verdict, except the differences
# listed in Docs/language.md's "Editors and the JSON Schema". check-jsonschema (PyPI) is the
# independent judge: it reads YAML as YAML 1.2 does (ruamel.yaml), as editors do. Idempotent:
# the virtual environment at $CAREPATH_VENV is created once and check-jsonschema installed only
# when the pinned version is missing. Fails when the tool is missing or nothing was checked.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CAREPATH_VENV:-.build/referee-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
CHECK_JSONSCHEMA_VERSION=0.39.0
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('check-jsonschema') != '$CHECK_JSONSCHEMA_VERSION')" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi
if [ ! -x "$VENV/bin/check-jsonschema" ]; then
    echo "schema.sh: check-jsonschema is not installed in $VENV" >&2
    exit 1
fi

BIN=${CAREPATH_BIN:-$(swift build --show-bin-path)/carepath}
if [ ! -x "$BIN" ]; then swift build --product carepath >/dev/null; fi
"$VENV/bin/python" Tests/referees/schema_referee.py "$BIN" "$PWD" --check-jsonschema "$VENV/bin/check-jsonschema" --self-test
"$VENV/bin/python" Tests/referees/schema_referee.py "$BIN" "$PWD" --check-jsonschema "$VENV/bin/check-jsonschema" | tee /tmp/carepath-schema-referee.log
summary=$(tail -1 /tmp/carepath-schema-referee.log)
echo "${summary/schema_referee.py:/schema.sh:}"
