#!/usr/bin/env bash
# Determinism (issue 7): the same inputs give byte-identical outputs across runs, --jobs values
# and machines. Runs carepath's writers on the shipped library and compares each output's
# SHA-256 with Tests/Determinism/golden.sha256, which was made on another clone. Every
# simulation is run with --jobs 1, 2 and 3, and all three must match the one golden hash.
#
#   bash .ci/determinism.sh            check (exit 1 and name the outputs that differ)
#   bash .ci/determinism.sh --update   rewrite the golden files after a deliberate change
#
# Besides the hashes, the simulations' key figures (attainment, waits, utilisation; .ci/key_figures.py)
# are kept as readable text in Tests/Determinism/key-figures.txt: a check prints a unified diff of
# any figure that moved, and an update prints what it changed, so a reviewer reads numbers, not hashes.
#
# Environment: CAREPATH_BIN (default .build/debug/carepath).
# Graphviz's SVG is left out: its bytes depend on the installed Graphviz, not on carepath.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${CAREPATH_BIN:-.build/debug/carepath}"
GOLDEN="Tests/Determinism/golden.sha256"
if [ ! -x "$BIN" ]; then
    echo "determinism.sh: carepath binary not found at $BIN (run swift build first, or set CAREPATH_BIN)" >&2
    exit 1
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT" "$OUT.figures" "$OUT.figures.diff"' EXIT

# Small but real: enough patients for queues to form, few enough for a debug build.
SIM=(--patients 1500 --replications 3 --seed 2026)

for file in Pathways/*.yaml; do
    name="$(basename "$file" .yaml)"
    for format in fhir bpmn dot mermaid; do
        "$BIN" export "$format" "$file" -o "$OUT/$name.$format"
    done
    "$BIN" export buildsheet "$file" --format csv -o "$OUT/$name.buildsheet.csv"
    "$BIN" export buildsheet "$file" --format markdown -o "$OUT/$name.buildsheet.md"
    "$BIN" format "$file" > "$OUT/$name.formatted.yaml"
    "$BIN" inspect "$file" > "$OUT/$name.inspect.txt"
    for jobs in 1 2 3; do
        "$BIN" simulate "$file" "${SIM[@]}" --jobs "$jobs" --format json > "$OUT/$name.simulate.json.jobs$jobs"
    done
done

lung=Pathways/suspected-lung-cancer.yaml
for log in csv xes jsonocel; do
    for jobs in 1 2 3; do
        "$BIN" simulate "$lung" --patients 300 --replications 2 --seed 5 --jobs "$jobs" --format csv \
            --event-log "$OUT/lung-events.$log.jobs$jobs.$log" > "$OUT/lung.simulate.csv.jobs$jobs" 2>/dev/null
        mv "$OUT/lung-events.$log.jobs$jobs.$log" "$OUT/lung-events.$log.jobs$jobs"
    done
done

"$BIN" validate Pathways Examples --format json > "$OUT/validate.json"
"$BIN" schema > "$OUT/carepath.schema.json"
"$BIN" report Pathways --no-diagrams -o "$OUT/library.report.html"
for jobs in 1 2 3; do
    "$BIN" report Examples/region --compare Examples/region/standard.yaml --simulate --impact --days 60 --replications 2 \
        --jobs "$jobs" --no-diagrams -o "$OUT/region.report.html.jobs$jobs"
done
region=Examples/region
for format in text json markdown; do
    "$BIN" diff "$region/standard.yaml" "$region/trust-south.yaml" --format "$format" > "$OUT/diff-south.$format" || [ $? -eq 1 ]
done
for format in json csv markdown; do
    "$BIN" compare "$region/standard.yaml" "$region" --format "$format" > "$OUT/compare.$format"
done
for jobs in 1 2 3; do
    "$BIN" diff "$region/standard.yaml" "$region/trust-central.yaml" --impact --days 60 --replications 3 \
        --jobs "$jobs" --format json > "$OUT/impact-central.json.jobs$jobs" || [ $? -eq 1 ]
done

cd "$OUT"
# Outputs made once per --jobs value are checked under one name.
for f in *.jobs1; do
    base="${f%.jobs1}"
    for jobs in 2 3; do
        if ! cmp -s "$f" "$base.jobs$jobs"; then
            echo "determinism.sh: $base differs between --jobs 1 and --jobs $jobs" >&2
            exit 1
        fi
    done
    mv "$f" "$base"
    rm -f "$base.jobs2" "$base.jobs3"
done
cd - >/dev/null

FIGURES="Tests/Determinism/key-figures.txt"
python3 .ci/key_figures.py "$OUT"/*.simulate.json > "$OUT.figures"
if [ "${1:-}" = "--update" ]; then
    mkdir -p "$(dirname "$GOLDEN")"
    if [ -f "$FIGURES" ] && ! diff -u "$FIGURES" "$OUT.figures" > "$OUT.figures.diff"; then
        echo "determinism.sh: key figures changed:"; cat "$OUT.figures.diff"
    fi
    cp "$OUT.figures" "$FIGURES"
    rm -f "$OUT.figures" "$OUT.figures.diff"
    if [ -f "$GOLDEN" ]; then
        changed="$( (cd "$OUT" && sha256sum --quiet -c "$OLDPWD/$GOLDEN" 2>/dev/null || true) | sed 's/: FAILED.*//' | tr '\n' ' ')"
        [ -n "$changed" ] && echo "determinism.sh: outputs whose bytes changed: $changed"
    fi
    (cd "$OUT" && sha256sum -- * | LC_ALL=C sort -k2) > "$GOLDEN"
    echo "determinism.sh: wrote $(wc -l < "$GOLDEN") hashes to $GOLDEN"
    exit 0
fi

if ! diff -u "$FIGURES" "$OUT.figures" >&2; then
    rm -f "$OUT.figures"
    echo "determinism.sh: the simulations' key figures above differ from $FIGURES (- golden, + now; if deliberate: bash .ci/determinism.sh --update)" >&2
    exit 1
fi
rm -f "$OUT.figures"
expected="$(cut -c67- "$GOLDEN" | LC_ALL=C sort)"
actual="$(cd "$OUT" && ls -1 | LC_ALL=C sort)"
if [ "$expected" != "$actual" ]; then
    echo "determinism.sh: the outputs made are not the ones in $GOLDEN:" >&2
    diff <(echo "$expected") <(echo "$actual") >&2 || true
    exit 1
fi
if ! (cd "$OUT" && sha256sum --quiet -c "$OLDPWD/$GOLDEN"); then
    echo "determinism.sh: outputs differ from $GOLDEN (if the change is deliberate: bash .ci/determinism.sh --update)" >&2
    exit 1
fi
echo "determinism.sh: $(wc -l < "$GOLDEN") outputs byte-identical to $GOLDEN (simulations with --jobs 1, 2 and 3)"
