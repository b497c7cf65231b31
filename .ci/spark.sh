#!/usr/bin/env bash
# Scale-out on Apache Spark (issue 17): runs Spark/carepath_spark.py with master local[2] on the
# example task list (two shipped pathways cut into uneven slices of replications, and one impact
# run), merges the part files with `carepath merge`, and compares every merged output with the
# whole run byte for byte (the driver's --verify). Exit non-zero on any difference; a missing
# tool (Java, PySpark, the binary) is a failure, never a pass.
#
# Installs what it needs on a fresh Debian machine: a Java runtime from Debian
# (openjdk-17-jre-headless) when `java` is missing, and PySpark from PyPI into $SPARK_VENV
# (default .venv-spark).
#
# Environment:
#   CAREPATH_BIN   the carepath binary to ship to the executors (default: build a static one,
#                  see STATIC=1; .ci/run passes its debug build, which runs here because the
#                  executors of local[2] are on this machine)
#   STATIC=1       build `swift build -c release --static-swift-stdlib` and use it even when
#                  CAREPATH_BIN is set, and check that it needs no Swift runtime library
#   SPARK_VENV     where PySpark is installed (default .venv-spark)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PYSPARK_VERSION="4.0.1"
SPARK_VENV="${SPARK_VENV:-$ROOT/.venv-spark}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
started=$(date +%s)

echo "== Java (Spark runs on the JVM)"
if ! command -v java >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
java -version 2>&1 | head -1

echo "== PySpark $PYSPARK_VERSION in $SPARK_VENV"
if ! "$SPARK_VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
    python3 -m venv "$SPARK_VENV"
    "$SPARK_VENV/bin/pip" install -q "pyspark==$PYSPARK_VERSION"
fi
"$SPARK_VENV/bin/python" -c "import pyspark; print('pyspark', pyspark.__version__)"

echo "== the carepath binary for the executors"
if [ -n "${CAREPATH_BIN:-}" ] && [ "${STATIC:-0}" != "1" ]; then
    BIN="$CAREPATH_BIN"
else
    build_started=$(date +%s)
    swift build -c release --static-swift-stdlib --product carepath ${SCRATCH:+--scratch-path "$SCRATCH"}
    BIN="$(swift build -c release --static-swift-stdlib --product carepath ${SCRATCH:+--scratch-path "$SCRATCH"} --show-bin-path)/carepath"
    echo "static build: $(( $(date +%s) - build_started )) s"
    # No Swift runtime library may be needed: the executors have none.
    if ldd "$BIN" | grep -i swift; then
        echo "spark.sh: $BIN needs the Swift runtime (above); it would not run on executors without Swift" >&2
        exit 1
    fi
    echo "shared libraries it needs (from the OS): $(ldd "$BIN" | awk '{print $1}' | xargs)"
    # And it runs with the Swift toolchain hidden (an empty folder mounted over it), as on an executor.
    toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
    if unshare -m true 2>/dev/null; then
        mkdir -p "$OUT/no-swift"
        unshare -m sh -c 'mount --bind "$1" "$2" && "$3" simulate Pathways/acute-stroke.yaml --patients 200 --replications 2 --format csv >/dev/null 2>&1' \
            sh "$OUT/no-swift" "$toolchain" "$BIN"
        echo "runs with the Swift toolchain ($toolchain) hidden"
    else
        echo "note: cannot hide the toolchain here (no unshare -m); ldd found no Swift library"
    fi
fi
if [ ! -x "$BIN" ]; then
    echo "spark.sh: no carepath binary at $BIN (set CAREPATH_BIN, or let this script build one)" >&2
    exit 1
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
"$BIN" --version

for where in driver executors; do
    echo "== Spark local[2]: slices on the executors, merged on the $where, compared with the whole runs"
    flag=""; [ "$where" = executors ] && flag="--merge-on-executors"
    rm -rf "$OUT/$where"
    "$SPARK_VENV/bin/python" Spark/carepath_spark.py --tasks Spark/example-tasks.json --carepath "$BIN" \
        --master 'local[2]' --out "$OUT/$where" --verify $flag
    cat "$OUT/$where/timing.json"
    merged=$(find "$OUT/$where" -maxdepth 1 -type f \( -name '*.json' -o -name '*.table' -o -name '*.csv' -o -name '*.text' \) ! -name timing.json | wc -l)
    if [ "$merged" -ne 8 ]; then
        echo "spark.sh: expected 8 merged outputs (2 pathways × json, table, csv; impact × text, json), found $merged" >&2
        exit 1
    fi
done
echo "spark.sh: passed in $(( $(date +%s) - started )) s"
