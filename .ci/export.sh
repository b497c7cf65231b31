#!/usr/bin/env bash
# Independent referees for `carepath export` (issues 5 and 13). Called by .ci/run after `swift build`.
#
# Installs what the referees need (idempotent: skips what is already there), exports every
# pathway under Pathways/ as FHIR, BPMN, DOT, Mermaid and a CSV build sheet with the built carepath binary, and
# checks each with stock tools (Tests/referees/export_referee.py):
#   FHIR     parses as R4 (fhir.resources 6.4.0, in its own venv: it needs pydantic 1) and R4B
#            (fhir.resources 8); closed bundle, CPG profile, FHIRPath conditions evaluated with
#            fhirpathpy;
#   BPMN     xmllint validates it against the OMG BPMN 2.0 XSD that SpiffWorkflow ships, and
#            stock SpiffWorkflow (Camunda parser, collaboration loader) runs 300 synthetic
#            patients per file to the end, taking every gateway flow (freezegun moves its clock);
#   DOT      Graphviz renders it with no warnings and the start leftmost;
#   Mermaid  a structural check of the text;
#   build sheet (CSV)  Python's csv reads it, fhirpathpy evaluates every branch condition.
# Exits non-zero, saying what failed, on any failure (a missing tool is a failure).
#
# Environment: CAREPATH_BIN (default .build/debug/carepath), CAREPATH_VENV (default .venv),
# CAREPATH_EXPORT_DIR (where exports are written; default a fresh temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${CAREPATH_BIN:-.build/debug/carepath}"
VENV="${CAREPATH_VENV:-.venv}"

if [ ! -x "$BIN" ]; then
    echo "export.sh: carepath binary not found at $BIN (run swift build first, or set CAREPATH_BIN)" >&2
    exit 1
fi

# Debian packages: Graphviz for DOT and SVG, libxml2-utils for xmllint.
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
if [ ${#missing[@]} -gt 0 ]; then
    echo "export.sh: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python referees in a virtual environment.
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# Versions are pinned so that a referee's verdict changes only when we change it.
REFEREES=("SpiffWorkflow==3.2.0" "fhir.resources==8.3.0" "fhirpathpy==2.2.4" "freezegun==1.5.5")
if ! "$VENV/bin/python" -c "import fhir.resources, SpiffWorkflow, fhirpathpy, freezegun" >/dev/null 2>&1; then
    echo "export.sh: installing ${REFEREES[*]} into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${REFEREES[@]}"
fi
# True R4 models: fhir.resources 6.4.0 (its top-level package is FHIR 4.0.1), which needs pydantic 1.
R4="${CAREPATH_FHIR_R4_VENV:-.venv-r4}"
[ -x "$R4/bin/python" ] || python3 -m venv "$R4"
if ! "$R4/bin/python" -c 'import fhir.resources as f; assert f.__fhir_version__ == "4.0.1"' >/dev/null 2>&1; then
    echo "export.sh: installing fhir.resources 6.4.0 (FHIR R4) into $R4"
    "$R4/bin/python" -m pip install -q --disable-pip-version-check "fhir.resources==6.4.0" "pydantic<2"
fi
export CAREPATH_FHIR_R4_PYTHON="$PWD/$R4/bin/python"
[ "${R4#/}" != "$R4" ] && export CAREPATH_FHIR_R4_PYTHON="$R4/bin/python"

OUT="${CAREPATH_EXPORT_DIR:-}"
if [ -z "$OUT" ]; then
    OUT="$(mktemp -d "${TMPDIR:-/tmp}/carepath-export.XXXXXX")"
    trap 'rm -rf "$OUT"' EXIT
else
    rm -rf "$OUT"
    mkdir -p "$OUT"
fi

# Every pathway file, including shared subpathways (so BPMN call activities resolve).
failures=0
count=0
while IFS= read -r -d '' file; do
    name="${file#Pathways/}"
    name="${name%.yaml}"
    name="${name%.yml}"
    name="${name//\//__}"
    count=$((count + 1))
    for format in fhir bpmn dot mermaid; do
        case "$format" in
            fhir) ext="fhir.json" ;;
            mermaid) ext="mmd" ;;
            *) ext="$format" ;;
        esac
        if ! "$BIN" export "$format" "$file" -o "$OUT/$name.$ext"; then
            echo "FAIL export   carepath export $format $file"
            failures=$((failures + 1))
        fi
    done
    if ! "$BIN" export buildsheet "$file" --format csv -o "$OUT/$name.csv"; then
        echo "FAIL export   carepath export buildsheet $file --format csv"
        failures=$((failures + 1))
    fi
done < <(find Pathways -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)

if [ "$count" -eq 0 ]; then
    echo "export.sh: no pathways found under Pathways/" >&2
    exit 1
fi
echo "export.sh: exported $count pathways to $OUT"

# The exporter tests' fixtures too: a pathway with coded steps (ActivityDefinitions), and one
# whose every string is hostile (<script>, ]]>, =cmd|..., quotes, newlines, unicode).
for fixture in Tests/PathwayExportTests/Golden/fixture-*; do
    case "$fixture" in
        *.fhir.json|*.bpmn|*.dot|*.mmd|*.csv) cp "$fixture" "$OUT/" ;;
    esac
done

if ! "$VENV/bin/python" Tests/referees/export_referee.py "$OUT"; then
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "export.sh: FAILED (see the FAIL lines above)" >&2
    exit 1
fi
echo "export.sh: every referee accepted every export"
