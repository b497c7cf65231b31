#!/usr/bin/env bash
# Browser referee for `carepath preview` (issue 16). Starts the preview on copies of shipped
# pathways, opens the page in headless Chromium over the DevTools protocol
# (Tests/referees/preview_browser.py), edits the files and checks that the page shows the
# diagnostics, diagram and quick simulation, updates in place within 2 s of each save, survives
# YAML errors and deleted files, escapes hostile text, and stops on SIGINT/SIGTERM. Prints the
# save-to-page latencies and a closing line `preview.sh: N passed, M failed`.
#
# Needs Debian's chromium (installed with apt-get when missing, as .ci/report.sh does) and the
# `websockets` client from PyPI in $CAREPATH_VENV (installed once). Fails when either is still
# missing, or when nothing was checked.
#
# Environment: CAREPATH_BIN (default .build/debug/carepath), CAREPATH_VENV (default .build/referee-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${CAREPATH_BIN:-.build/debug/carepath}"
VENV="${CAREPATH_VENV:-.build/referee-venv}"

if [ ! -x "$BIN" ]; then
    echo "preview.sh: carepath binary not found at $BIN (run swift build first, or set CAREPATH_BIN)" >&2
    exit 1
fi

CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$CHROMIUM" ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "preview.sh: installing chromium"
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null || true
    CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
fi
if [ -z "$CHROMIUM" ]; then
    echo "preview.sh: FAILED: Chromium is missing (apt-get install chromium)" >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c "import websockets" >/dev/null 2>&1; then
    echo "preview.sh: installing websockets into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check websockets || true
fi
if ! "$VENV/bin/python" -c "import websockets" >/dev/null 2>&1; then
    echo "preview.sh: FAILED: the websockets client is missing from $VENV (pip install websockets)" >&2
    exit 1
fi

LOG="$(mktemp "${TMPDIR:-/tmp}/preview-sh.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
set +e
"$VENV/bin/python" Tests/referees/preview_browser.py --carepath "$BIN" --chromium "$CHROMIUM" > "$LOG" 2>&1
status=$?
set -e
cat "$LOG"
summary="$(grep -E '^preview_browser: [0-9]+ passed, [0-9]+ failed$' "$LOG" | tail -1)"
passed="$(echo "$summary" | sed -E 's/^preview_browser: ([0-9]+) passed.*/\1/')"
failed="$(echo "$summary" | sed -E 's/.* ([0-9]+) failed$/\1/')"
if [ -z "$summary" ]; then
    echo "preview.sh: FAILED: the browser referee did not finish (exit $status)" >&2
    echo "preview.sh: 0 passed, 1 failed"
    exit 1
fi
echo "preview.sh: $passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
