"""Independent referee for carepath's simulation figures: recomputes them from the event log.

For every simulable pathway (Pathways/*.yaml, Examples/**/*.yaml with `arrivals:`), runs
`carepath simulate` with one replication, no warm-up and a fixed seed, writing the JSON figures
and the CSV event log. Then, from the event log and the pathway YAML alone (no carepath code is
shared; `carepath format` is used only to resolve `extends:` overlays), it recomputes:

- per target: measured, met, runningLate, runningOpen, notStopped and attainment;
- the number of unfinished patients;
- per step: the mean wait (start - schedule);
- per resource: utilisation (busy server time within opening hours / capacity x open time, over the
  observation window) and the share of its work done outside opening hours;
- the patient burden over finished patients: contacts, appointment days and organisations
  (mean and 90th percentile; handoffs are not recomputed, since a test's result wait, part of
  a handoff's timing, is not in the log);

and compares them with carepath's JSON. Semantics follow Docs/simulation.md ("Precise
semantics", "Event logs"), Docs/language.md (durations, calendars, subpathways) and
Docs/target-clocks.md (starts/stops).

Usage:
  simulation_oracle.py CAREPATH_BINARY REPOSITORY_ROOT [FILES...]
  simulation_oracle.py CAREPATH_BINARY REPOSITORY_ROOT --self-test

With FILES (paths relative to REPOSITORY_ROOT or absolute), only those are run. --self-test
mutates a log and a JSON output of one pathway and asserts that each mutation is caught.
Prints one `ok`/`FAIL` line per check, a per-pathway summary and `N passed, M failed`; exits 1
on any failure. Uses only the standard library and PyYAML.
"""
import copy
import csv
import datetime as dt
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

SEED = 20240101
DEFAULT_PATIENTS = 1000
# Per-file run sizes (relative path -> options). Chosen so that each target has tens to hundreds
# of measured clocks while the whole script stays well under a minute with a debug build.
RUN_OPTIONS = {
    "Examples/queueing/overloaded.yaml": ["--days", "3"],  # deliberately overloaded: keep it short
    "Examples/queueing/mm1.yaml": ["--patients", "800"],
    "Examples/queueing/mm3.yaml": ["--patients", "800"],
    "Examples/queueing/mmc.yaml": ["--patients", "1000"],
    "Examples/minimal/gp-to-clinic.yaml": ["--patients", "800"],
    "Pathways/suspected-lower-gi-cancer.yaml": ["--patients", "4000"],  # ~1 in 80 reaches treatment
    "Pathways/suspected-lung-cancer.yaml": ["--days", "365"],
    "Pathways/suspected-sepsis.yaml": ["--patients", "2000"],
    "Pathways/acute-stroke.yaml": ["--patients", "1500"],
}
SELF_TEST_FILE = "Pathways/hip-fracture.yaml"

EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
MIN_MS = 60_000
DAY_MS = 1440 * MIN_MS
WEEK_MIN = 7 * 1440

WORK_KINDS = {"referral", "assessment", "test", "treatment", "meeting", "wait"}
KIND_ALIASES = {"appointment": "assessment", "investigation": "test", "mdt": "meeting"}
MOMENTS = {"on arrival": "arrival", "on start": "start", "on completion": "completion"}


class OracleError(Exception):
    """The pathway could not be understood by the oracle (reported as a failure)."""


# ----------------------------------------------------------------------------------------------
# The language, read independently from Docs/language.md

DURATION_UNITS = {
    "min": 1, "mins": 1, "minute": 1, "minutes": 1,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "d": 1440, "day": 1440, "days": 1440,
    "w": 10080, "wk": 10080, "wks": 10080, "week": 10080, "weeks": 10080,
}


def duration_minutes(text) -> float:
    """A plain duration ("28 days", "36h", "1.5 hours") in minutes."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*([A-Za-z]+)\s*", str(text))
    if not m or m.group(2).lower() not in DURATION_UNITS:
        raise OracleError(f"cannot read duration {text!r}")
    return float(m.group(1)) * DURATION_UNITS[m.group(2).lower()]


DAY_NAMES = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
DAY_GROUPS = {
    "weekdays": range(0, 5), "weekends": range(5, 7), "weekend": range(5, 7),
    "daily": range(7), "everyday": range(7), "all": range(7),
}


def calendar_days(text: str) -> set:
    text = text.lower()
    if text in DAY_GROUPS:
        return set(DAY_GROUPS[text])
    days = set()
    for part in text.split(","):
        if part in DAY_GROUPS:
            days |= set(DAY_GROUPS[part])
        elif "-" in part:
            a, b = part.split("-", 1)
            if a not in DAY_NAMES or b not in DAY_NAMES or DAY_NAMES[a] > DAY_NAMES[b]:
                raise OracleError(f"cannot read day range {part!r}")
            days |= set(range(DAY_NAMES[a], DAY_NAMES[b] + 1))
        elif part in DAY_NAMES:
            days.add(DAY_NAMES[part])
        else:
            raise OracleError(f"cannot read day {part!r}")
    return days


def calendar_week(value):
    """Opening windows as merged (start, end) minutes from Monday 00:00, or None for always."""
    if value is None:
        return None
    windows = value if isinstance(value, list) else str(value).split(";")
    windows = [str(w).strip() for w in windows if str(w).strip()]
    if len(windows) == 1 and windows[0].lower() in ("always", "24/7"):
        return None
    intervals = []
    for window in windows:
        parts = window.split()
        if len(parts) != 2:
            raise OracleError(f"cannot read calendar window {window!r}")
        m = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", parts[1])
        if not m:
            raise OracleError(f"cannot read hours {parts[1]!r}")
        opens = int(m.group(1)) * 60 + int(m.group(2))
        closes = int(m.group(3)) * 60 + int(m.group(4))
        if not (0 <= opens < closes <= 1440):
            raise OracleError(f"bad hours {parts[1]!r}")
        for day in calendar_days(parts[0]):
            intervals.append((day * 1440 + opens, day * 1440 + closes))
    intervals.sort()
    merged = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def open_ms(week, end_ms: int) -> float:
    """Milliseconds open in [0, end_ms)."""
    if week is None:
        return float(end_ms)
    week_ms = WEEK_MIN * MIN_MS
    per_week = sum(b - a for a, b in week) * MIN_MS
    full, rest = divmod(end_ms, week_ms)
    total = full * per_week
    for a, b in week:
        total += max(0, min(b * MIN_MS, rest) - a * MIN_MS)
    return float(total)


# ----------------------------------------------------------------------------------------------
# The pathway model: every step a patient can visit, by its event-log step id

class Step:
    def __init__(self, full_id, kind, spec, root, file):
        self.id = full_id
        self.kind = kind
        self.spec = spec
        self.root = root  # in the root pathway (not inside a subpathway)
        self.file = file
        self.resource = spec.get("resource") if kind in WORK_KINDS else None
        self.has_work = kind in WORK_KINDS and any(
            spec.get(k) is not None for k in ("resource", "duration", "result_after", "every"))


class Model:
    def __init__(self, path, binary):
        self.path = path
        self.binary = binary
        self.steps = {}       # log step id -> Step
        self.resources = {}   # resource id -> (capacity, calendar week, file)
        self.starts = {}      # log step id of a subpathway call -> log step id of its first step
        self.doc = load_pathway(path, binary)
        self._add(self.doc, path, "", 0)

    def _add(self, doc, path, prefix, depth):
        if depth > 16:
            raise OracleError("subpathway chain deeper than 16 files")
        for rid, r in (doc.get("resources") or {}).items():
            r = r or {}
            entry = (int(r.get("capacity", 1)), calendar_week(r.get("calendar")), path)
            if rid in self.resources and self.resources[rid][:2] != entry[:2]:
                raise OracleError(f"resource {rid!r} declared differently in two files")
            self.resources.setdefault(rid, entry)
        for sid, spec in (doc.get("steps") or {}).items():
            spec = spec or {}
            kind = str(spec.get("kind", "")).lower()
            kind = KIND_ALIASES.get(kind, kind)
            full = prefix + str(sid)
            if kind == "subpathway":
                sub_path = os.path.normpath(os.path.join(os.path.dirname(path), spec["pathway"]))
                sub = load_pathway(sub_path, self.binary)
                self.starts[full] = full + "/" + str(sub["start"])
                self._add(sub, sub_path, full + "/", depth + 1)
            else:
                self.steps[full] = Step(full, kind, spec, prefix == "", path)

    def arrival_step(self, sid):
        """The logged step a patient arrives at when entering `sid` (follows subpathway calls)."""
        seen = 0
        while sid in self.starts and seen < 20:
            sid, seen = self.starts[sid], seen + 1
        return sid


def run_binary(cmd):
    """Runs carepath; if the binary is missing or being replaced, waits and retries (~2 minutes)."""
    for attempt in range(5):
        try:
            if os.path.exists(cmd[0]):
                return subprocess.run(cmd, capture_output=True, text=True)
        except OSError:
            pass
        if attempt < 4:
            time.sleep(30)
    raise OracleError(f"cannot run {cmd[0]}")


def load_pathway(path, binary):
    with open(path) as f:
        doc = yaml.safe_load(f)
    if isinstance(doc, dict) and "extends" in doc:
        out = run_binary([binary, "format", path])
        if out.returncode != 0:
            raise OracleError(f"carepath format {path} failed: {out.stderr.strip()[:300]}")
        doc = yaml.safe_load(out.stdout)
    if not isinstance(doc, dict) or "steps" not in doc:
        raise OracleError(f"{path} is not a pathway")
    return doc


# ----------------------------------------------------------------------------------------------
# The event log

def parse_ms(stamp: str) -> int:
    t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    delta = t - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def read_log(path):
    """Per case: events (ms, lifecycle, step_id, resource) sorted by time, ties in file order."""
    cases = {}
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        want = ["case_id", "activity", "lifecycle", "timestamp", "organisation", "resource", "step_id"]
        if header[:7] != want:
            raise OracleError(f"unexpected CSV header {header[:7]}")
        for i, row in enumerate(reader):
            cases.setdefault(row[0], []).append((parse_ms(row[3]), i, row[2], row[6], row[5]))
    for events in cases.values():
        events.sort()
    return {c: [(e[0], e[2], e[3], e[4]) for e in ev] for c, ev in cases.items()}


def read_starts(path):
    """Per case: (ms, step_id, organisation) of every `start` event, for the patient burden."""
    starts = {}
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            if row[2] == "start":
                starts.setdefault(row[0], []).append((parse_ms(row[3]), row[6], row[4]))
    return starts


CONTACT_KINDS = {"referral", "assessment", "test", "treatment"}


def compare_all(model, log, out, run, check):
    """Every comparison of one run: the figures of `compare`, then the patient burden."""
    finished = compare(model, read_log(log), out, run, check)
    if finished is not None:
        compare_burden(model, read_starts(log), finished, out, check)


def compare_burden(model, starts, finished, out, check):
    """Patient burden over finished patients: contacts are the starts of work at referral,
    assessment, test and treatment steps (not waits, not meetings held without the patient);
    appointment days the distinct days of those starts; organisations the distinct
    organisations of those steps. Mean and 90th percentile (the 0.9·n-th value, capped at 63)."""
    values = {"contacts": [], "appointmentDays": [], "organisations": []}
    for case in finished:
        contacts = [(t, sid, org) for (t, sid, org) in starts.get(case, [])
                    if sid in model.steps and model.steps[sid].kind in CONTACT_KINDS]
        values["contacts"].append(len(contacts))
        values["appointmentDays"].append(len({t // DAY_MS for (t, _, _) in contacts}))
        values["organisations"].append(len({org for (_, _, org) in contacts}))
    json_burden = {b["measure"]: b for b in out.get("burden", []) if b.get("outcome") is None}
    for measure, xs in values.items():
        jb = json_burden.get(measure)
        if not xs:
            check.add(jb is None, f"burden {measure}", "no finished patients, and none in the JSON" if jb is None else f"json {jb}")
            continue
        capped = sorted(min(x, 63) for x in xs)
        mean = sum(capped) / len(capped)
        p90 = capped[max(0, -(-9 * len(capped) // 10) - 1)]
        ok = jb is not None and abs(jb["mean"] - mean) <= 1e-6 and jb["p90"] == p90 and jb["patients"] == len(xs)
        check.add(ok, f"burden {measure}", f"json {None if jb is None else (jb['mean'], jb['p90'], jb['patients'])}, "
                  f"oracle ({mean:.6f}, {p90}, {len(xs)})")


# ----------------------------------------------------------------------------------------------
# Recomputing the figures

class Checks:
    def __init__(self, label, verbose=True):
        self.label = label
        self.verbose = verbose
        self.results = []  # (ok, name, detail)

    def add(self, ok, name, detail=""):
        self.results.append((bool(ok), name, detail))
        if self.verbose:
            print(("ok   " if ok else "FAIL ") + f"{self.label}: {name}" + (f" -- {detail}" if detail else ""))

    @property
    def failed(self):
        return [r for r in self.results if not r[0]]


def moment_times(model, events, step_id, moment):
    """Times at which the patient reaches `moment` of logged step `step_id`."""
    step = model.steps[step_id]
    if not step.has_work:
        wanted = "complete"
    else:
        wanted = {"arrival": "schedule", "start": "start", "completion": "complete"}[moment]
    return [t for (t, lc, sid, _) in events if sid == step_id and lc == wanted]


def resolve_target_step(model, sid, moment, check, name):
    if sid in model.steps:
        return model.steps[sid].id if model.steps[sid].root else None
    if sid in model.starts:
        if moment != "arrival":
            check.add(False, name, f"step {sid!r} is a subpathway call; only `on arrival` is defined for it")
            return None
        return model.arrival_step(sid)
    return None


def compare(model, cases, out, run, check):
    """Compares carepath's JSON `out` with figures recomputed from `cases` (read_log); returns
    the finished patients."""
    end_days = out["run"]["endDays"][0]
    end_ms = end_days * DAY_MS
    end_margin = 0.5e-6 * DAY_MS + 1  # endDays is rounded to 6 decimals of a day

    check.add(len(cases) > 0, "event log has events", f"{len(cases)} cases")
    if not cases:
        return

    # Lifecycles agree with the YAML (which steps have work), and every logged step is known.
    unknown = sorted({sid for ev in cases.values() for (_, _, sid, _) in ev if sid not in model.steps})
    check.add(not unknown, "every logged step is a step of the pathway", f"unknown: {unknown[:5]}" if unknown else "")
    bad = []
    for case, ev in cases.items():
        for (t, lc, sid, res) in ev:
            step = model.steps.get(sid)
            if step is None:
                continue
            if (lc in ("schedule", "start")) and not step.has_work:
                bad.append(f"{case} {sid} {lc} on a step without work")
            if lc not in ("schedule", "start", "complete"):
                bad.append(f"{case} {sid} lifecycle {lc!r}")
            if step.resource and lc != "complete" and res != step.resource:
                bad.append(f"{case} {sid} resource {res!r}, YAML says {step.resource!r}")
        visits = {}
        for (t, lc, sid, _) in ev:
            if sid in model.steps and model.steps[sid].has_work:
                visits.setdefault(sid, {"schedule": [], "start": [], "complete": []}).setdefault(lc, []).append(t)
        for sid, lcs in visits.items():
            s, b, c = lcs["schedule"], lcs["start"], lcs["complete"]
            if not (len(s) >= len(b) >= len(c) and len(s) - len(c) <= 1):
                bad.append(f"{case} {sid}: {len(s)} schedule, {len(b)} start, {len(c)} complete events")
            elif any(y < x for x, y in zip(s, b)) or any(y < x for x, y in zip(b, c)):
                bad.append(f"{case} {sid}: events out of order (schedule <= start <= complete)")
    check.add(not bad, "lifecycles and resources agree with the YAML", "; ".join(bad[:3]))

    # Patients counted and unfinished.
    n_json = out["patientsPerReplication"]["mean"]
    check.add(n_json == len(cases), "patients", f"json {n_json}, log {len(cases)} cases")
    if "--patients" in run:
        want = int(run[run.index("--patients") + 1])
        check.add(len(cases) == want, "patients asked for", f"asked {want}, log {len(cases)}")
    root_ends = {sid for sid, s in model.steps.items() if s.root and s.kind == "end"}
    finished = {}
    multi = []
    for case, ev in cases.items():
        ends = [t for (t, lc, sid, _) in ev if sid in root_ends and lc == "complete"]
        if ends:
            finished[case] = ends[0]
        if len(ends) > 1:
            multi.append(case)
    check.add(not multi, "at most one root end event per patient", f"{len(multi)} with more, e.g. {multi[:3]}")
    unfinished = len(cases) - len(finished)
    check.add(out["unfinished"] == unfinished, "unfinished", f"json {out['unfinished']}, oracle {unfinished}")
    finished_cases = set(finished)

    # Targets.
    json_targets = {t["id"]: t for t in out.get("targets", [])}
    yaml_targets = model.doc.get("targets") or {}
    check.add(set(json_targets) == set(yaml_targets), "targets in JSON match the YAML",
              f"json {sorted(json_targets)}, yaml {sorted(yaml_targets)}")
    for tid, spec in yaml_targets.items():
        name = f"target {tid}"
        jt = json_targets.get(tid)
        starts = MOMENTS.get(str(spec.get("starts", "on arrival")).lower())
        stops = MOMENTS.get(str(spec.get("stops", "on start")).lower())
        if starts is None or stops is None:
            check.add(False, name, f"cannot read starts/stops {spec.get('starts')!r}/{spec.get('stops')!r}")
            continue
        to_ids = spec["to"] if isinstance(spec["to"], list) else [spec["to"]]
        from_step = resolve_target_step(model, str(spec["from"]), starts, check, name)
        to_steps = [resolve_target_step(model, str(s), stops, check, name) for s in to_ids]
        if from_step is None or None in to_steps or jt is None:
            check.add(False, name, f"target could not be found (from {spec['from']!r}, to {to_ids}, in JSON: {jt is not None})")
            continue
        within_ms = duration_minutes(spec["within"]) * MIN_MS
        check.add(abs(jt["withinDays"] - within_ms / DAY_MS) < 1e-6, f"{name} withinDays",
                  f"json {jt['withinDays']}, yaml {spec['within']}")
        for key, mine in (("starts", starts), ("stops", stops)):
            if key in jt:
                check.add(MOMENTS.get(jt[key]) == mine, f"{name} {key}", f"json {jt[key]!r}, yaml {mine}")
        counts = dict(measured=0, met=0, runningLate=0, runningOpen=0, notStopped=0)
        ambiguous = 0
        for case, ev in cases.items():
            t_from = moment_times(model, ev, from_step, starts)
            if not t_from:
                continue
            t0 = min(t_from)
            stops_at = [t for s in to_steps for t in moment_times(model, ev, s, stops) if t >= t0]
            if stops_at:
                elapsed = min(stops_at) - t0
                counts["measured"] += 1
                counts["met"] += elapsed <= within_ms
                ambiguous += abs(elapsed - within_ms) <= 1
            elif case in finished:
                counts["notStopped"] += 1
            else:
                elapsed = end_ms - t0
                if elapsed > within_ms:
                    counts["runningLate"] += 1
                else:
                    counts["runningOpen"] += 1
                ambiguous += abs(elapsed - within_ms) <= end_margin
        for key, mine in counts.items():
            theirs = jt.get(key)
            ok = theirs is not None and abs(theirs - mine) <= ambiguous
            check.add(ok, f"{name} {key}", f"json {theirs}, oracle {mine}" + (f" (±{ambiguous} at the limit)" if ambiguous else ""))
        denominator = counts["measured"] + counts["runningLate"]
        attainment = counts["met"] / denominator if denominator else None
        theirs = (jt.get("attainment") or {}).get("mean")
        if attainment is None:
            ok = theirs in (None, 0)
        else:
            ok = theirs is not None and abs(theirs - attainment) <= 0.001 + ambiguous / denominator
        check.add(ok, f"{name} attainment", f"json {theirs}, oracle {attainment if attainment is None else round(attainment, 6)}"
                  f" ({counts['met']}/{denominator})")

    # Per-step mean wait: start - schedule, over visits that started.
    waits = {}  # step id -> [sum ms, visits]
    intervals = {}  # resource -> list of (start, complete or None)
    for case, ev in cases.items():
        per_step = {}
        for (t, lc, sid, _) in ev:
            if lc in ("schedule", "start", "complete"):
                per_step.setdefault(sid, {"schedule": [], "start": [], "complete": []})[lc].append(t)
        for sid, lcs in per_step.items():
            step = model.steps.get(sid)
            if step is None or not step.has_work:
                continue
            acc = waits.setdefault(sid, [0, 0])
            for s, b in zip(lcs["schedule"], lcs["start"]):
                acc[0] += b - s
                acc[1] += 1
            if step.resource:
                completes = lcs["complete"] + [None] * (len(lcs["start"]) - len(lcs["complete"]))
                intervals.setdefault(step.resource, []).extend(zip(lcs["start"], completes))
    json_steps = {s["id"]: s for s in out.get("steps", [])}
    logged = {sid for ev in cases.values() for (_, _, sid, _) in ev}
    missing = sorted(sid for sid in logged - set(json_steps) if sid in model.steps and model.steps[sid].has_work)
    check.add(not missing, "every logged step with work is in the JSON steps", f"missing: {missing[:5]}" if missing else "")
    unknown = sorted(sid for sid in json_steps if sid not in model.steps)
    check.add(not unknown, "every JSON step is a step of the pathway", f"unknown: {unknown[:5]}" if unknown else "")
    for sid, js in json_steps.items():
        acc = waits.get(sid, [0, 0])
        mine = acc[0] / acc[1] / DAY_MS if acc[1] else 0.0
        theirs = js["meanWaitDays"]["mean"]
        ok = theirs is not None and (abs(theirs - mine) <= 1e-6 or abs(theirs - mine) <= 1e-4 * abs(mine))
        check.add(ok, f"step {sid} mean wait", f"json {theirs}, oracle {mine:.6f} days over {acc[1]} visits")

    # Resource utilisation over the observation window.
    if "--days" in run:
        window = float(run[run.index("--days") + 1]) * DAY_MS
    elif "cohort" in (model.doc.get("arrivals") or {}):
        window = max(ev[-1][0] for ev in cases.values())
    else:
        window = max(ev[0][0] for ev in cases.values())  # arrival of the last counted patient
    json_resources = {r["id"]: r for r in out.get("resources", [])}
    check.add(set(json_resources) == set(model.resources), "resources in JSON match the YAML",
              f"json {sorted(json_resources)}, yaml {sorted(model.resources)}")
    for rid, (capacity, week, _) in model.resources.items():
        jr = json_resources.get(rid)
        if jr is None:
            continue
        # Busy time within opening hours is utilisation; work that ran on past closing is
        # counted apart, as the share of the resource's work done outside its hours.
        busy = busy_all = 0.0
        for s, c in intervals.get(rid, []):
            c = window if c is None else c
            a, b = max(s, 0), min(c, window)
            if b > a:
                busy_all += b - a
                busy += open_ms(week, int(b)) - open_ms(week, int(a))
        opened = open_ms(week, int(window))
        mine = busy / (capacity * opened) if opened > 0 else 0.0
        outside = (busy_all - busy) / busy_all if busy_all > 0 else 0.0
        theirs_outside = (jr.get("outsideHours") or {}).get("mean")
        ok = theirs_outside is not None and abs(theirs_outside - outside) <= 1e-3 * max(outside, 1e-3)
        check.add(ok, f"resource {rid} work outside opening hours", f"json {theirs_outside}, oracle {outside:.6f}")
        theirs = jr["utilisation"]["mean"]
        check.add(jr.get("capacity") == capacity, f"resource {rid} capacity", f"json {jr.get('capacity')}, yaml {capacity}")
        ok = theirs is not None and (abs(theirs - mine) <= 1e-3 * abs(mine) or abs(theirs - mine) <= 1e-6)
        check.add(ok, f"resource {rid} utilisation", f"json {theirs}, oracle {mine:.6f} "
                  f"(busy {busy / MIN_MS:.1f} min, open {opened / MIN_MS:.0f} min x {capacity}, window {window / DAY_MS:.4f} d)")
    return finished_cases


# ----------------------------------------------------------------------------------------------
# Running carepath

def simulate(binary, path, run, folder):
    log = os.path.join(folder, "log.csv")
    if os.path.exists(log):
        os.remove(log)
    cmd = [binary, "simulate", path, "--replications", "1", "--warmup", "0", "--seed", str(SEED),
           "--format", "json", "--event-log", log] + run
    out = run_binary(cmd)
    if out.returncode != 0:
        raise OracleError(f"carepath simulate exited {out.returncode}: {out.stderr.strip()[:400]}")
    return json.loads(out.stdout), log


def simulable(path):
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError):
        return False
    if not isinstance(doc, dict):
        return False
    if "arrivals" in doc:
        return True
    return "extends" in doc  # overlays inherit arrivals; checked after resolving


def pathway_files(root):
    files = sorted(glob.glob(os.path.join(root, "Pathways", "*.yaml")))
    files += sorted(glob.glob(os.path.join(root, "Examples", "**", "*.yaml"), recursive=True))
    return files


def run_one(binary, root, path, folder, run=None, label=None):
    rel = os.path.relpath(path, root)
    check = Checks(label or rel)
    run = run or RUN_OPTIONS.get(rel, ["--patients", str(DEFAULT_PATIENTS)])
    try:
        model = Model(path, binary)
        if "arrivals" not in model.doc:
            return None
        out, log = simulate(binary, path, run, folder)
        compare_all(model, log, out, run, check)
    except (OracleError, OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as e:
        check.add(False, "oracle run", f"{type(e).__name__}: {e}")
    return check


def clocks_variant(root, folder):
    """A copy of the minimal example with a target for every starts/stops combination."""
    with open(os.path.join(root, "Examples/minimal/gp-to-clinic.yaml")) as f:
        doc = yaml.safe_load(f)
    doc["id"] = "gp-to-clinic-clocks"
    targets = {}
    for s in ("on arrival", "on start", "on completion"):
        for e in ("on arrival", "on start", "on completion"):
            tid = f"clock-{s.split()[1]}-{e.split()[1]}"
            targets[tid] = {"from": "referral", "to": "clinic", "within": "4 days", "standard": "75%",
                            "starts": s, "stops": e}
    targets["clinic-queue"] = {"from": "clinic", "to": ["clinic", "done"], "within": "1 day",
                               "standard": "50%", "starts": "on arrival", "stops": "on completion"}
    targets["end-to-end"] = {"from": "referral", "to": "done", "within": "6 days", "standard": "50%",
                             "starts": "on completion", "stops": "on arrival"}
    doc["targets"] = targets
    path = os.path.join(folder, "gp-to-clinic-clocks.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    return path


# ----------------------------------------------------------------------------------------------
# Self-test: the referee must catch mutated logs and outputs

def write_log(src, dst, mutate):
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    body = mutate(body)
    with open(dst, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(body)


def shift(stamp, days):
    t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) + dt.timedelta(days=days)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def self_test(binary, root):
    path = os.path.join(root, SELF_TEST_FILE)
    run = ["--patients", "400"]
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        model = Model(path, binary)
        out, log = simulate(binary, path, run, folder)
        with open(log, newline="") as f:
            rows = list(csv.reader(f))[1:]
        target0 = next(iter(model.doc["targets"]))
        to_step = model.doc["targets"][target0]["to"]
        by_case = {}
        for r in rows:
            by_case.setdefault(r[0], []).append(r)
        waited = next(r for r in rows if r[2] == "start" and r[6] == "orthogeriatric-review")
        met_case = None
        first = {}
        for r in rows:
            first.setdefault(r[0], r)
        ends = [r for r in rows if r[2] == "complete" and model.steps.get(r[6]) and
                model.steps[r[6]].root and model.steps[r[6]].kind == "end"]

        def starts_of(case, sid):
            return [r for r in by_case[case] if r[6] == sid and r[2] == "start"]
        # A patient whose clock met with a day to spare, to be made late.
        from_step = model.doc["targets"][target0]["from"]
        for case in by_case:
            arrived = [parse_ms(r[3]) for r in by_case[case] if r[6] == from_step and r[2] == "schedule"]
            started = [parse_ms(r[3]) for r in starts_of(case, to_step)]
            if arrived and started and started[0] - arrived[0] < DAY_MS // 2:
                met_case = case
                break

        def by_identity(target, fn):
            def m(body):
                return [fn(r) if r == target else r for r in body]
            return m

        end_victim = ends[len(ends) // 2]
        surgery_row = starts_of(met_case, to_step)[0]
        rehab = next(r for r in rows if r[6].startswith("community-rehabilitation/") and r[2] == "start"
                     and model.steps[r[6]].resource)

        def move(row, days):
            return row[:3] + [shift(row[3], days)] + row[4:]

        def complete_of(start_row):
            later = [r for r in by_case[start_row[0]] if r[6] == start_row[6] and r[2] == "complete"
                     and parse_ms(r[3]) >= parse_ms(start_row[3])]
            return min(later, key=lambda r: parse_ms(r[3]))

        def move_visit(start_row, days):
            done = complete_of(start_row)
            return lambda b: [move(r, days) if (r == start_row or r == done) else r for r in b]

        rehab_done = complete_of(rehab)
        cases_log = [
            ("baseline (no mutation)", lambda b: b, None),
            (f"start and complete of {waited[0]}'s orthogeriatric-review 1 day later",
             move_visit(waited, 1), "step orthogeriatric-review mean wait"),
            (f"drop the end event of {end_victim[0]} ({end_victim[6]})",
             lambda b: [r for r in b if r != end_victim], "unfinished"),
            (f"start and complete of {met_case}'s {to_step} 3 days later",
             move_visit(surgery_row, 3), f"target {target0} met"),
            (f"drop every event of {met_case}", lambda b: [r for r in b if r[0] != met_case], "patients"),
            (f"complete of {rehab[0]}'s {rehab[6]} 2 hours later (longer busy time only)",
             by_identity(rehab_done, lambda r: move(r, 1 / 12)),
             # Within opening hours the extra time is utilisation; after closing, work outside hours.
             (f"resource {model.steps[rehab[6]].resource} utilisation",
              f"resource {model.steps[rehab[6]].resource} work outside opening hours")),
            (f"schedule of {waited[0]}'s orthogeriatric-review dropped (lifecycle check)",
             lambda b: [r for r in b if not (r[0] == waited[0] and r[6] == waited[6] and r[2] == "schedule")],
             "lifecycles and resources agree with the YAML"),
        ]
        json_cases = [
            (f"JSON: {target0} met + 1", lambda o: o["targets"][0].__setitem__("met", o["targets"][0]["met"] + 1), f"target {target0} met"),
            (f"JSON: {target0} attainment - 0.01", lambda o: o["targets"][0]["attainment"].__setitem__(
                "mean", o["targets"][0]["attainment"]["mean"] - 0.01), f"target {target0} attainment"),
            ("JSON: unfinished + 1", lambda o: o.__setitem__("unfinished", o["unfinished"] + 1), "unfinished"),
            ("JSON: first resource utilisation x 1.01", lambda o: o["resources"][0]["utilisation"].__setitem__(
                "mean", o["resources"][0]["utilisation"]["mean"] * 1.01), f"resource {out['resources'][0]['id']} utilisation"),
            ("JSON: a step's mean wait + 0.01 day", lambda o: next(s for s in o["steps"] if s["id"] == "hip-surgery")["meanWaitDays"].__setitem__(
                "mean", next(s for s in o["steps"] if s["id"] == "hip-surgery")["meanWaitDays"]["mean"] + 0.01), "step hip-surgery mean wait"),
            (f"JSON: {target0} runningLate + 1", lambda o: o["targets"][0].__setitem__("runningLate", 1), f"target {target0} runningLate"),
            ("JSON: mean contacts per patient + 0.1", lambda o: next(b for b in o["burden"] if b["outcome"] is None and b["measure"] == "contacts").__setitem__(
                "mean", next(b for b in o["burden"] if b["outcome"] is None and b["measure"] == "contacts")["mean"] + 0.1), "burden contacts"),
        ]

        def verdict(desc, check, expect):
            names = [n for (ok, n, _) in check.results if not ok]
            if expect is None:
                good = not names if desc.startswith("baseline") else bool(names)
            elif isinstance(expect, tuple):
                good = any(e in names for e in expect)
            else:
                good = expect in names
            status = "ok  " if good else "FAIL"
            print(f"{status} self-test: {desc}: " + (f"caught by {names[:4]}" if names else "no mismatch reported"))
            if not good:
                failures.append(desc)

        for desc, mutate, expect in cases_log:
            mutated = os.path.join(folder, "mutated.csv")
            write_log(log, mutated, mutate)
            check = Checks("self-test " + SELF_TEST_FILE, verbose=False)
            compare_all(model, mutated, out, run, check)
            verdict(desc, check, expect)
        for desc, mutate, expect in json_cases:
            o = copy.deepcopy(out)
            mutate(o)
            check = Checks("self-test " + SELF_TEST_FILE, verbose=False)
            compare_all(model, log, o, run, check)
            verdict(desc, check, expect)
        total = len(cases_log) + len(json_cases)
        print(f"self-test: {total - len(failures)} of {total} mutations behaved as expected")
        print(f"{total - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


# ----------------------------------------------------------------------------------------------

def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    binary, root = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    if "--self-test" in argv[3:]:
        return self_test(binary, root)
    if len(argv) > 3:
        files = [a if os.path.isabs(a) else os.path.join(root, a) for a in argv[3:]]
    else:
        files = [f for f in pathway_files(root) if simulable(f)]
    started = time.time()
    summaries = []
    passed = failed = 0
    with tempfile.TemporaryDirectory() as folder:
        jobs = [(f, None, None) for f in files]
        if len(argv) == 3:
            jobs.append((clocks_variant(root, folder), ["--patients", "1000"],
                         "gp-to-clinic with every starts/stops (generated)"))
        for path, run, label in jobs:
            t = time.time()
            check = run_one(binary, root, path, folder, run, label)
            if check is None:
                continue
            n_fail = len(check.failed)
            passed += len(check.results) - n_fail
            failed += n_fail
            summaries.append((check.label, len(check.results), n_fail, time.time() - t))
    print("\nsummary:")
    for label, n, n_fail, secs in summaries:
        print(f"  {'ok  ' if not n_fail else 'FAIL'} {label}: {n - n_fail}/{n} checks passed ({secs:.1f} s)")
    print(f"  {len(summaries)} pathways in {time.time() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
