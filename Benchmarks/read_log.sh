#!/usr/bin/env bash
# Reading a log of about a million events (issue 15, "Real data in").
#
#  1. Generates replication 1's event log of the shipped lung cancer pathway with
#     `carepath simulate --event-log` (release build): 40,000 patients give about 1,000,000
#     events (about 25 per journey), 125 MB of CSV.
#  2. Times reading it, with peak memory: through `carepath conform` when that command exists,
#     and always through a throwaway program that calls PathwayData's LogReader and
#     ActivityMapper directly (built in release mode against this checkout).
#
# Environment: PATIENTS (default 40000), FORMATS (default "csv"; add xes and jsonocel to time
# those readers too), CAREPATH_BIN (a release carepath to generate with instead of building one
# here), WORK (folder for the logs and the throwaway program; default a new temporary folder),
# SCRATCH (build folder for the throwaway program; default $WORK/build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PATIENTS=${PATIENTS:-40000}
FORMATS=${FORMATS:-csv}
WORK=${WORK:-$(mktemp -d)}
SCRATCH=${SCRATCH:-$WORK/build}
PATHWAY=Pathways/suspected-lung-cancer.yaml

if [ -n "${CAREPATH_BIN:-}" ]; then
    BIN=$CAREPATH_BIN
else
    build_log=$(mktemp)
    swift build -c release --product carepath >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
    rm -f "$build_log"
    BIN=.build/release/carepath
fi

# Peak memory when GNU time is there; plain `time` otherwise.
measure() {
    if /usr/bin/time -f "" true 2>/dev/null; then
        /usr/bin/time -f "  %e s wall, %U s user, %M KB peak memory" "$@"
    else
        time "$@"
    fi
}

# The throwaway reader: reads the files given, maps them to the pathway, prints counts and times.
mkdir -p "$WORK/reader/Sources/ReadLog"
cat >"$WORK/reader/Package.swift" <<SWIFT
// swift-tools-version: 6.0
import PackageDescription
let package = Package(
    name: "ReadLog",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "$ROOT")],
    targets: [.executableTarget(name: "ReadLog", dependencies: [
        .product(name: "PathwayData", package: "$(basename "$ROOT")"),
        .product(name: "PathwayLanguage", package: "$(basename "$ROOT")"),
    ])],
    swiftLanguageModes: [.v6]
)
SWIFT
cat >"$WORK/reader/Sources/ReadLog/main.swift" <<'SWIFT'
import Foundation
import PathwayData
import PathwayLanguage

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, let pathway = PathwayLoader().load(file: arguments[0]).validPathway else {
    FileHandle.standardError.write(Data("usage: ReadLog PATHWAY LOG...\n".utf8))
    exit(2)
}
let started = Date()
do {
    let log = try LogReader.read(paths: Array(arguments.dropFirst()), pathway: pathway)
    let read = Date().timeIntervalSince(started)
    let (mapping, unmapped) = ActivityMapper.map(log, to: pathway)
    let total = Date().timeIntervalSince(started)
    print("  \(log.eventCount) events, \(log.cases.count) cases, \(log.problems.count + unmapped.count) problems, "
          + "\(mapping.step.compactMap { $0 }.count) of \(mapping.step.count) activities mapped; "
          + String(format: "read %.2f s, read and mapped %.2f s", read, total))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
SWIFT
build_log=$(mktemp)
swift build -c release --package-path "$WORK/reader" --scratch-path "$SCRATCH" >"$build_log" 2>&1 || { cat "$build_log"; exit 1; }
rm -f "$build_log"
READER=$(swift build -c release --package-path "$WORK/reader" --scratch-path "$SCRATCH" --show-bin-path)/ReadLog

for format in $FORMATS; do
    log="$WORK/lung.$format"
    "$BIN" simulate "$PATHWAY" --patients "$PATIENTS" --replications 1 --format csv --event-log "$log" 2>&1 >/dev/null | grep '^event log:' || true
    echo "== $(du -h "$log" | cut -f1) $format log =="
    echo "LogReader.read + ActivityMapper.map:"
    measure "$READER" "$PATHWAY" "$log"
    if "$BIN" --help 2>/dev/null | grep -qE '^ +conform( |$)'; then
        # Exit 1 means deviations were found, which is not a failure here.
        echo "carepath conform:"
        measure "$BIN" conform "$PATHWAY" "$log" >/dev/null || true
    fi
done
echo "(logs in $WORK)"
