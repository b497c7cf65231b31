#!/usr/bin/env python3
"""Independent referee for carepath's build sheets (`carepath export buildsheet --format csv`).

Usage: buildsheet_referee.py FILE.csv...   (prints ok/FAIL per file, exits 1 if any failed)

With tools carepath did not write:
  1. Python's csv module (RFC 4180) reads the sheet; every row has the header's columns.
  2. Every branch's "Condition (FHIRPath)" is evaluated with fhirpathpy for every combination of
     sample values of the `%variables` it reads (the literals it compares each with and one value
     none of them names, numbers one either side, true/false for a variable used on its own; at
     most 512 combinations), and must
     give one boolean each time, and not the same one for every sample: a condition that does
     not parse, reads a value it cannot compare, or decides nothing fails.
A missing package is a failure, never a pass.
"""
import csv
import itertools
import os
import re
import sys

COLUMN = "Condition (FHIRPath)"
VARIABLE = re.compile(r"%(`(?:[^`\\]|\\.)*`|[A-Za-z_][A-Za-z0-9_]*)")
COMPARED = r"\s*(?:=|!=|<=|>=|<|>|in)\s*\(?\s*('(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?)"


def samples(expression):
    """Sample values for each variable in `expression`, by the name fhirpathpy is given."""
    values = {}
    for token in set(VARIABLE.findall(expression)):
        name = token[1:-1].replace("\\`", "`").replace("\\\\", "\\") if token.startswith("`") else token
        options = []
        for literal in re.findall(re.escape("%" + token) + COMPARED, expression):
            if literal.startswith("'"):
                options.append(literal[1:-1].replace("\\'", "'").replace("\\\\", "\\"))
            else:
                number = float(literal)
                options += [number - 1, number, number + 1]
        # Every string a list membership names, for `%x in ('a' | 'b')`.
        for items in re.findall(re.escape("%" + token) + r"\s+in\s+\(([^)]*)\)", expression):
            options += [s[1:-1].replace("\\'", "'") for s in re.findall(r"'(?:[^'\\]|\\.)*'", items)]
        if any(isinstance(o, str) for o in options):
            options.append("(none of these)")  # a value no literal names, so each comparison can fail too
        values[name] = sorted(set(options), key=repr) or [True, False]
    return values


def check_buildsheet(path):
    try:
        from fhirpathpy import evaluate
    except ImportError as error:
        raise AssertionError(f"fhirpathpy is not installed ({error})")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or COLUMN not in rows[0]:
        raise AssertionError(f"no '{COLUMN}' column in the header")
    header = rows[0]
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise AssertionError(f"row {n} has {len(row)} cells, the header {len(header)}")
    at = header.index(COLUMN)
    checked = evaluations = 0
    for n, row in enumerate(rows[1:], start=2):
        expression = row[at].strip()
        if not expression:
            continue
        values = samples(expression)
        names = sorted(values)
        combinations = list(itertools.islice(itertools.product(*(values[k] for k in names)), 512))
        results = set()
        for combination in combinations:
            env = dict(zip(names, combination))
            try:
                result = evaluate({}, expression, env)
            except Exception as error:
                raise AssertionError(f"row {n}: {expression!r} does not evaluate with {env}: {error}")
            if result not in ([True], [False]):
                raise AssertionError(f"row {n}: {expression!r} gives {result} with {env}, not one boolean")
            results.add(result[0])
            evaluations += 1
        if len(results) == 1:
            raise AssertionError(f"row {n}: {expression!r} is {results.pop()} for every sample value, so it decides nothing")
        checked += 1
    return (f"{len(rows) - 1} rows read by Python's csv; {checked} branch conditions evaluated with fhirpathpy "
            f"({evaluations} evaluations, each one boolean, each condition both true and false)")


def main(argv):
    if not argv:
        print(__doc__)
        return 64
    failures = 0
    for path in argv:
        try:
            print(f"ok   buildsheet {os.path.basename(path)}: {check_buildsheet(path)}")
        except Exception as error:
            failures += 1
            print(f"FAIL buildsheet {os.path.basename(path)}: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
