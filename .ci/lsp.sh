#!/usr/bin/env bash
# Language server CI: end-to-end tests of `carepath lsp` with a real LSP client (pytest-lsp over
# pygls), raw-protocol robustness tests, and the protocol types checked against the LSP 3.17
# model that the `lsprotocol` package generates (Tests/lsp). The Swift unit tests of the server
# (PathwayLSPTests) run with the rest of `swift test`.
# Idempotent: the virtual environment at $CAREPATH_VENV is created once, and the pinned
# packages installed only when a different version (or none) is there. Fails when a tool is
# missing or no test ran; ends with "lsp.sh: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CAREPATH_VENV:-.build/referee-venv}
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
PINS=(pytest-lsp==1.0.1 lsprotocol==2025.0.0 "pytest>=8")
if ! "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m, sys
sys.exit(not (m.version("pytest-lsp") == "1.0.1" and m.version("lsprotocol") == "2025.0.0" and int(m.version("pytest").split(".")[0]) >= 8))
PY
then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PINS[@]}"
fi

BIN=${CAREPATH_BIN:-$(swift build --show-bin-path)/carepath}
if [ ! -x "$BIN" ]; then swift build --product carepath >/dev/null; fi
if [ ! -x "$BIN" ]; then echo "lsp.sh: no carepath binary at $BIN" >&2; exit 1; fi

report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
CAREPATH_BIN="$BIN" "$VENV/bin/python" -m pytest -q -p no:cacheprovider Tests/lsp --junitxml="$report" || status=$?
read -r passed failed < <("$VENV/bin/python" - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 0); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - bad - skipped, bad)
PY
)
echo "lsp.sh: $passed passed, $failed failed"
if [ "$passed" -eq 0 ]; then echo "lsp.sh: no test ran" >&2; exit 1; fi
exit "$status"
