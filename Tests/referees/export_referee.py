#!/usr/bin/env python3
"""Independent referees for carepath's exports: one dispatcher for a directory of exports.

Usage: export_referee.py DIR

Checks every file in DIR by its extension, with tools carepath did not write, as they are
installed (nothing in an export is rewritten, no missing value is invented):
  *.fhir.json  fhir_referee.py: parses as R4 (fhir.resources 6.4.0) and R4B (fhir.resources 8),
               a closed bundle claiming the CPG computable plan profile, and every decision's
               FHIRPath conditions evaluated with fhirpathpy on sample inputs.
  *.bpmn       xmllint validates it against the OMG BPMN 2.0 XSD that SpiffWorkflow ships;
               bpmn_referee.py runs it in stock SpiffWorkflow (its Camunda parser and its
               collaboration loader) for synthetic patients to the end.
  *.dot        diagram_referee.py: Graphviz renders it with no warnings, the start leftmost.
  *.mmd        diagram_referee.py: a structural check of the Mermaid text.
  *.csv        buildsheet_referee.py: Python's csv reads the build sheet, and fhirpathpy evaluates
               every branch condition on sample values (one boolean each, not always the same).
Prints one line per check and exits 1 if any failed. Environment: CAREPATH_BPMN_PATIENTS
(patients per BPMN file, default 300).
"""
import glob
import os
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpmn_referee  # noqa: E402
import buildsheet_referee  # noqa: E402
import diagram_referee  # noqa: E402
import fhir_referee  # noqa: E402


def spiff_schema_dir():
    import SpiffWorkflow
    return os.path.join(os.path.dirname(SpiffWorkflow.__file__), "bpmn", "parser", "schema")


def check_bpmn_schema(path):
    xsd = os.path.join(spiff_schema_dir(), "BPMN20.xsd")
    result = subprocess.run(["xmllint", "--noout", "--schema", xsd, path], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(result.stderr.strip())
    return "valid against BPMN20.xsd"


def run_bpmn(path):
    patients = int(os.environ.get("CAREPATH_BPMN_PATIENTS", "300"))
    return bpmn_referee.check_file(path, patients, seed=1)


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 64
    directory = argv[1]
    checks = []
    for path in sorted(glob.glob(os.path.join(directory, "*"))):
        if path.endswith(".fhir.json"):
            checks.append(("fhir", path, fhir_referee.check_fhir))
        elif path.endswith(".bpmn"):
            checks.append(("bpmn-xsd", path, check_bpmn_schema))
            checks.append(("bpmn-run", path, run_bpmn))
        elif path.endswith(".dot"):
            checks.append(("dot", path, diagram_referee.check_dot))
        elif path.endswith(".mmd"):
            checks.append(("mermaid", path, diagram_referee.check_mermaid))
        elif path.endswith(".csv"):
            checks.append(("buildsheet", path, buildsheet_referee.check_buildsheet))
    if not checks:
        print(f"no exports found in {directory}")
        return 1
    failures = 0
    for name, path, check in checks:
        try:
            detail = check(path)
            print(f"ok   {name:9} {os.path.basename(path)}: {detail}")
        except Exception as error:  # report every failure, keep going
            failures += 1
            message = str(error).strip() or type(error).__name__
            print(f"FAIL {name:9} {os.path.basename(path)}: {message}")
            if os.environ.get("CAREPATH_REFEREE_TRACE"):
                traceback.print_exc()
    print(f"{len(checks) - failures} of {len(checks)} referee checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
