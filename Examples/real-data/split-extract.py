#!/usr/bin/env python3
"""Cuts carepath's simulated event log of the hidden truth (hidden-truth.yaml) into the two
sample extracts: what a GP system and an acute trust's EPR would give a region analyst.

    python3 split-extract.py SIMULATED.csv FIRST-DAY LAST-DAY GP-OUT.csv TRUST-OUT.csv

Only patients referred from FIRST-DAY to LAST-DAY (dates, both included) are kept, with every
event of theirs at the GP practice and at the acute trust (the cancer centre and the palliative
care team sent no extract). Each extract is laid out as the region's data request asks
(NHS Number, Event, Event Date Time, Event Status, then patient columns), uses its own
system's activity names (activity-map.csv maps them to the pathway's steps), records only what
such a system records, and is sorted by NHS number and time. Then three realistic problems
are put in, so the tutorial has something to find:

  - one patient's NHS number was mistyped at the practice and travelled with the e-RS
    referral, so both extracts carry the same number, which fails the Modulus 11 check;
  - one patient referred by the GP is missing from the trust's extract;
  - one trust row was entered late, so it comes after a later event of the same patient.

Python standard library only; the same input gives the same bytes.
"""
import csv
import sys
from datetime import datetime, timedelta

# The GP system's names (as its clinical terms read) and the trust EPR's names, by step id.
GP_NAMES = {
    "gp-referral": "Fast track referral for suspected lung cancer",
    "gp-results": "Hospital results letter actioned",
}
TRUST_NAMES = {
    "triage": "2WW lung triage",
    "ct-chest": "CT thorax and upper abdomen (contrast)",
    "ct-review": "CT report reviewed by chest physician",
    "rapid-access-clinic": "Rapid access lung clinic",
    "pet-ct-request": "PET-CT referral to cancer centre",
    "lung-function": "Full lung function tests",
    "biopsy-route": "Biopsy route agreed",
    "ebus": "EBUS-TBNA",
    "ct-guided-biopsy": "CT guided lung biopsy",
    "biopsy-adequate": "Histology reported",
    "lung-mdt": "Lung MDT",
    "mdt-diagnosis": "MDT outcome recorded",
    "diagnosis-told": "Diagnosis consultation",
    "benign-result-told": "Results consultation - benign",
    "cancer-ruled-out": "Patient informed cancer ruled out",
    "refer-thoracic-surgery": "IPT to thoracic surgery",
    "refer-radiotherapy": "Referral to clinical oncology (radiotherapy)",
    "systemic-therapy": "SACT cycle 1 day 1",
    "refer-palliative-care": "Referral to community palliative care",
}
# What each system records of a step: booked/arrived ('arrival'), started, completed. A
# decision is recorded once, when it is made (the CT report reviewed, the biopsy route agreed,
# histology reported, the MDT outcome); a step not listed here (the wait for both staging
# results, the choice of treatment) is not recorded at all.
RECORDED = {
    "gp-referral": {"complete"},
    "gp-results": {"complete"},
    "triage": {"start", "complete"},
    "ct-chest": {"schedule", "start", "complete"},
    "ct-review": {"complete"},
    "rapid-access-clinic": {"schedule", "start", "complete"},
    "pet-ct-request": {"complete"},
    "lung-function": {"schedule", "start", "complete"},
    "biopsy-route": {"complete"},
    "ebus": {"schedule", "start", "complete"},
    "ct-guided-biopsy": {"schedule", "start", "complete"},
    "biopsy-adequate": {"complete"},
    "lung-mdt": {"schedule", "complete"},
    "mdt-diagnosis": {"complete"},
    "diagnosis-told": {"schedule", "start", "complete"},
    "benign-result-told": {"complete"},
    "cancer-ruled-out": {"complete"},
    "refer-thoracic-surgery": {"complete"},
    "refer-radiotherapy": {"complete"},
    "systemic-therapy": {"schedule", "start", "complete"},
    "refer-palliative-care": {"complete"},
}
STATUS = {"schedule": "arrival", "start": "start", "complete": "complete"}
HEADER = ["NHS Number", "Event", "Event Date Time", "Event Status"]


def nhs_number_valid(number: str) -> bool:
    """Modulus 11: ten digits, the last the check digit of the first nine."""
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(number[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


def mistyped(number: str, taken: set) -> str:
    """The number with two neighbouring digits swapped, the first swap that fails Modulus 11."""
    for i in range(1, 9):
        digits = list(number)
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
        candidate = "".join(digits)
        if candidate != number and candidate not in taken and not nhs_number_valid(candidate):
            return candidate
    raise SystemExit(f"split-extract.py: no mistyping of {number} fails Modulus 11")


def when(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def main() -> int:
    source, first_day, last_day, gp_out, trust_out = sys.argv[1:6]
    start = datetime.strptime(first_day, "%Y-%m-%d")
    end = datetime.strptime(last_day, "%Y-%m-%d") + timedelta(days=1)

    with open(source, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    first_event = {}
    for row in rows:
        first_event.setdefault(row["case_id"], when(row["timestamp"]))
    cohort = [case for case, t in first_event.items() if start <= t < end]
    kept = set(cohort)

    gp, trust = [], []
    for order, row in enumerate(rows):
        case, step, lifecycle = row["case_id"], row["step_id"], row["lifecycle"]
        if case not in kept or lifecycle not in RECORDED.get(step, set()):
            continue
        t = when(row["timestamp"])
        if row["organisation"] == "gp":
            # GP systems record the minute.
            stamp = t.strftime("%d/%m/%Y %H:%M")
            gp.append([case, GP_NAMES[step], stamp, STATUS[lifecycle], row["case:age"], t, order])
        elif row["organisation"] == "acute":
            # The EPR records the second (rounded to the nearest).
            rounded = (t + timedelta(milliseconds=500)).replace(microsecond=0)
            stamp = rounded.strftime("%Y-%m-%d %H:%M:%S")
            trust.append([case, TRUST_NAMES[step], stamp, STATUS[lifecycle], row["case:age"], row["case:fitness"], t, order])

    # Problem 1: the 25th patient referred has a mistyped NHS number in both extracts.
    wrong_from = cohort[24]
    wrong_to = mistyped(wrong_from, set(first_event))
    for r in gp + trust:
        if r[0] == wrong_from:
            r[0] = wrong_to

    # Problem 2: the third patient referred in the first four weeks who was diagnosed with lung
    # cancer is missing from the trust's extract (the GP extract has the referral).
    diagnosed = {r[0] for r in trust if r[1] == TRUST_NAMES["diagnosis-told"]}
    early = [c for c in cohort if c in diagnosed and first_event[c] < start + timedelta(days=28) and c != wrong_from]
    missing = early[2]
    trust = [r for r in trust if r[0] != missing]

    # Sort each extract by NHS number, then time (then the simulator's order).
    gp.sort(key=lambda r: (r[0], r[5], r[6]))
    trust.sort(key=lambda r: (r[0], r[6], r[7]))

    # Problem 3: the 60th patient's triage completion was entered late: its row comes after the
    # patient's CT rows.
    late = cohort[59]
    rows_of = [i for i, r in enumerate(trust) if r[0] == late]
    triage_done = next(i for i in rows_of if trust[i][1] == TRUST_NAMES["triage"] and trust[i][3] == "complete")
    last_ct = max(i for i in rows_of if trust[i][1] == TRUST_NAMES["ct-chest"])
    trust.insert(last_ct, trust.pop(triage_done))

    with open(gp_out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER + ["case:age"])
        w.writerows(r[:5] for r in gp)
    with open(trust_out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER + ["case:age", "case:fitness"])
        w.writerows(r[:6] for r in trust)

    print(f"{len(cohort)} patients referred {first_day} to {last_day}: "
          f"{len(gp)} GP rows, {len(trust)} trust rows; "
          f"mistyped NHS number {wrong_from} -> {wrong_to}; missing from the trust: {missing}; "
          f"triage completion entered late: {late}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
