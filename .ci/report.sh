#!/usr/bin/env bash
# Browser referee for `carepath report` (issue 6). Called by .ci/run after `swift build`.
#
# Installs Debian's chromium when missing and Pillow + websockets in the venv (idempotent: skips
# what is already there), writes HTML reports with the built carepath binary - every shipped
# pathway, lung cancer and stroke with --simulate, a pathway of hostile strings, and the example
# region with --compare when it is there - then opens each in headless Chromium
# (Tests/referees/report_browser.py) and checks: no console error, no dialog, no network request,
# the expected sections (#pathway, #simulation, #diff, #region), table sorting works, and a
# 1280x2000 screenshot is written and not blank. Exits non-zero, saying what failed.
#
# Environment: CAREPATH_BIN (default .build/debug/carepath), CAREPATH_VENV (default .venv),
# CAREPATH_REPORT_DIR (where reports and screenshots go; default a fresh temporary directory),
# CAREPATH_REPORT_SHOTS (when set, a directory for one screenshot per view, e.g. Docs/screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${CAREPATH_BIN:-.build/debug/carepath}"
VENV="${CAREPATH_VENV:-.venv}"

if [ ! -x "$BIN" ]; then
    echo "report.sh: carepath binary not found at $BIN (run swift build first, or set CAREPATH_BIN)" >&2
    exit 1
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
[ -z "$CHROMIUM" ] && missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    echo "report.sh: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    CHROMIUM="$(command -v chromium || command -v chromium-browser)"
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import PIL, websockets" >/dev/null 2>&1; then
    echo "report.sh: installing Pillow and websockets into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check pillow websockets
fi

OUT="${CAREPATH_REPORT_DIR:-}"
if [ -z "$OUT" ]; then
    OUT="$(mktemp -d "${TMPDIR:-/tmp}/carepath-report.XXXXXX")"
    trap 'rm -rf "$OUT"' EXIT
else
    rm -rf "$OUT"
    mkdir -p "$OUT"
fi

failures=0
pages=()
report() { # report NAME SECTIONS[:SCREENSHOTS] ARGS...
    local name="$1" sections="$2"
    shift 2
    if "$BIN" report "$@" -o "$OUT/$name.html"; then
        pages+=("$OUT/$name.html:$sections")
    else
        echo "FAIL report   carepath report $* -o $OUT/$name.html"
        failures=$((failures + 1))
    fi
}

# Each shipped pathway on its own (shared subpathways are shown inside the pathways that call them).
while IFS= read -r -d '' file; do
    name="$(basename "${file%.*}")"
    report "$name" pathway "$file"
done < <(find Pathways -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)

SIM=(--simulate --warmup 60 --replications 10 --seed 1)
report lung-simulated pathway,simulation:pathway,simulation Pathways/suspected-lung-cancer.yaml "${SIM[@]}"
report stroke-simulated pathway,simulation Pathways/acute-stroke.yaml "${SIM[@]}"
report capacity pathway,capacity:capacity Examples/queueing/mmc-seen-within-an-hour.yaml --vary resources.servers.capacity=9..12 \
    --patients 20000 --replications 3 --seed 1
# A trust's log replayed on the regional standard (report --log), as carepath conform does.
"$BIN" simulate Examples/region/trust-north.yaml --patients 200 --replications 1 --seed 1 --event-log "$OUT/north.csv" >/dev/null 2>&1
report conformance pathway,conformance:conformance Examples/region/standard.yaml --log "$OUT/north.csv"
report hostile pathway,simulation Tests/PathwayExportTests/ReportGolden/hostile.yaml --simulate --patients 200 --replications 3
# The region report always runs: a missing input fails here instead of skipping the check.
report region pathway,region,diff:region,diff-4=diff Examples/region --compare Examples/region/standard.yaml --impact --warmup 60

SHOTS=()
[ -n "${CAREPATH_REPORT_SHOTS:-}" ] && SHOTS=(--shots "$CAREPATH_REPORT_SHOTS")
if ! "$VENV/bin/python" Tests/referees/report_browser.py --chromium "$CHROMIUM" --out "$OUT/screenshots" "${SHOTS[@]}" "${pages[@]}"; then
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "report.sh: FAILED (see the FAIL lines above)" >&2
    exit 1
fi
echo "report.sh: ${#pages[@]} reports passed in headless Chromium"
