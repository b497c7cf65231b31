#!/usr/bin/env bash
# Language server benchmark: release build, then Benchmarks/lsp.py (didChange -> publishDiagnostics
# latency on the largest shipped pathway and a generated 10,000-step one, completion time, and
# resident memory over 1,000 edits). Not a test: it prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product carepath >/dev/null
python3 Benchmarks/lsp.py .build/release/carepath
