"""Referee for carepath's event logs: pm4py reads the XES and OCEL 2.0 logs back.

Runs `carepath simulate` on a multi-organisation pathway with --event-log in each format, then
checks with pm4py (an independent reader) that the XES log has one case per patient and the
same events as the CSV log, and that the OCEL log has the same events, one patient object per
patient, an organisation object per organisation, and every event related to a patient.

Usage: eventlog_referee.py CAREPATH_BINARY REPOSITORY_ROOT
"""
import csv
import os
import subprocess
import sys
import tempfile

import pm4py

PATIENTS = 300
PATHWAY = "Benchmarks/cancer-like.yaml"


def simulate(binary: str, root: str, log: str) -> None:
    subprocess.run(
        [binary, "simulate", os.path.join(root, PATHWAY), "--patients", str(PATIENTS),
         "--replications", "1", "--seed", "5", "--event-log", log],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    binary, root = sys.argv[1], sys.argv[2]
    failures = []

    def check(condition: bool, message: str) -> None:
        print(("ok   " if condition else "FAIL ") + message)
        if not condition:
            failures.append(message)

    with tempfile.TemporaryDirectory() as folder:
        paths = {ext: os.path.join(folder, "log." + ext) for ext in ("csv", "xes", "jsonocel")}
        for path in paths.values():
            simulate(binary, root, path)

        with open(paths["csv"], newline="") as f:
            rows = list(csv.DictReader(f))
        csv_cases = {row["case_id"] for row in rows}
        check(len(csv_cases) == PATIENTS, f"CSV: {len(csv_cases)} cases, expected {PATIENTS}")
        check(all(len(c) == 10 and c.startswith("999") for c in csv_cases), "CSV: case ids are 999-range NHS numbers")

        xes = pm4py.read_xes(paths["xes"])
        xes_cases = xes["case:concept:name"].astype(str).nunique()
        check(xes_cases == PATIENTS, f"XES (pm4py): {xes_cases} cases, expected {PATIENTS}")
        check(len(xes) == len(rows), f"XES (pm4py): {len(xes)} events, CSV has {len(rows)}")
        check(set(xes["case:concept:name"].astype(str)) == csv_cases, "XES and CSV name the same patients")

        ocel = pm4py.read_ocel2_json(paths["jsonocel"])
        events = ocel.events
        objects = ocel.objects
        check(len(events) == len(rows), f"OCEL (pm4py): {len(events)} events, CSV has {len(rows)}")
        patients = objects[objects[ocel.object_type_column] == "patient"]
        organisations = objects[objects[ocel.object_type_column] == "organisation"]
        check(len(patients) == PATIENTS, f"OCEL (pm4py): {len(patients)} patient objects, expected {PATIENTS}")
        check(len(organisations) == 3, f"OCEL (pm4py): {len(organisations)} organisation objects, expected 3")
        relations = ocel.relations
        with_patient = relations[relations[ocel.object_type_column] == "patient"][ocel.event_id_column].nunique()
        check(with_patient == len(events), f"OCEL (pm4py): {with_patient} of {len(events)} events relate to a patient")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("event logs: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
