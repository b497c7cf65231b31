#!/usr/bin/env python3
"""Keeps the library's figures in Pathways/README.md true, and holds the library to its realism rule.

For every shipped pathway with arrivals, runs the library's standard simulation
(`carepath simulate FILE --warmup 60 --replications 5 --seed 1 --format json`) and writes, between
the README's `<!-- library-figures:begin -->` and `<!-- library-figures:end -->` markers, a table of
each target's simulated attainment (mean and 95% interval) beside the latest published national
figure from Pathways/national-figures.csv (columns: pathway, target, national, period, source).

    python3 .ci/library_figures.py BIN            check: exit 1 with a diff when the table is stale
    python3 .ci/library_figures.py BIN --update   rewrite the table (read the diff before committing)

It fails, whatever the mode, when
- a pathway leaves patients unfinished (the library's journeys all end),
- a target has no row in national-figures.csv (an empty figure is allowed, with the reason in the
  README), or a row names a target that no longer exists,
- more than a quarter of the library's targets sit at 99.5% or above: real services miss their
  standards, and a library that meets every one has left out the other work its resources do.
"""
from __future__ import annotations

import csv
import difflib
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "Pathways" / "README.md"
NATIONAL = ROOT / "Pathways" / "national-figures.csv"
BEGIN, END = "<!-- library-figures:begin -->", "<!-- library-figures:end -->"
RUN = ["--warmup", "60", "--replications", "5", "--seed", "1", "--format", "json"]
HIGH = 0.995
MAX_HIGH_SHARE = 0.25


def percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def simulate(binary: str, path: pathlib.Path) -> dict:
    result = subprocess.run([binary, "simulate", str(path), *RUN], capture_output=True, text=True, timeout=1200)
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise SystemExit(f"library_figures: carepath simulate {path} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)


def main() -> int:
    binary, update = sys.argv[1], "--update" in sys.argv[2:]
    national: dict[tuple[str, str], dict] = {}
    with open(NATIONAL, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            national[(row["pathway"], row["target"])] = row

    failures: list[str] = []
    rows: list[str] = []
    seen: set[tuple[str, str]] = set()
    high = total = 0
    for path in sorted((ROOT / "Pathways").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if not any(line.startswith("arrivals:") for line in text.splitlines()):
            continue
        report = simulate(binary, path)
        name = path.name
        print(f"{name}: {len(report['targets'])} targets, {report['unfinished']} unfinished", file=sys.stderr)
        if report["unfinished"] != 0:
            failures.append(f"{name}: {report['unfinished']} patients unfinished")
        for target in report["targets"]:
            key = (name, target["id"])
            seen.add(key)
            total += 1
            attainment = target["attainment"]
            if attainment["mean"] >= HIGH:
                high += 1
            simulated = f"{percent(attainment['mean'])} ({percent(attainment['low'])}–{percent(attainment['high'])})"
            row = national.get(key)
            if row is None:
                failures.append(f"{name}: target '{target['id']}' has no row in {NATIONAL.relative_to(ROOT)}")
                figure = "?"
            elif row["national"].strip():
                figure = f"{row['national']} ({row['period']}; {row['source']})"
            else:
                figure = f"none published ({row['source']})" if row["source"].strip() else "none published"
            rows.append(f"| [{name}]({name}) | {target['title']} | {percent(target['standard'])} | {simulated} | {figure} |")
    for key in sorted(set(national) - seen):
        failures.append(f"{NATIONAL.relative_to(ROOT)}: no target '{key[1]}' in Pathways/{key[0]}")

    share = high / total if total else 0.0
    table = "\n".join([
        "| Pathway | Target | Standard | Simulated (95% CI) | Latest national figure |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"{high} of {total} targets ({percent(share)}) are at 99.5% or above "
        f"(`carepath simulate FILE {' '.join(RUN[:-2])}`).",
    ])
    if share > MAX_HIGH_SHARE:
        failures.append(f"{high} of {total} targets are at 99.5% or above; at most a quarter may be")

    readme = README.read_text(encoding="utf-8")
    if BEGIN not in readme or END not in readme:
        failures.append(f"{README.relative_to(ROOT)} has no {BEGIN} … {END} block")
    else:
        head, rest = readme.split(BEGIN, 1)
        old, tail = rest.split(END, 1)
        new = f"{head}{BEGIN}\n{table}\n{END}{tail}"
        if new != readme:
            if update:
                README.write_text(new, encoding="utf-8")
                print(f"library_figures: rewrote the table in {README.relative_to(ROOT)}", file=sys.stderr)
            else:
                sys.stdout.writelines(difflib.unified_diff(old.strip().splitlines(True), table.splitlines(True),
                                                           "README (written)", "README (simulated now)"))
                failures.append(f"the figures in {README.relative_to(ROOT)} are stale: run with --update and read the diff")
    print(f"library_figures: {total} targets, {high} at >= 99.5% ({percent(share)})")
    for failure in failures:
        print(f"library_figures: FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
