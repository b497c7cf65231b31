"""Patient journeys read back from carepath's simulated event logs, for the library's tests.

The tests in this folder check the shipped pathways' clinically important routes (a DVT patient
whose scan cannot happen within 4 hours gets interim anticoagulation; a 45-year-old man with a
PSA of 3.0 is not referred) on what the simulator *did*, as written in its event log, not on what
the YAML says. Nothing here imports or reimplements carepath: the simulator runs as the built
`carepath` executable and this module reads the CSV it writes with the standard library.

`simulate()` runs a pathway (optionally with an overlay's `changes`, for example to give every
patient one age and PSA) and returns a `Log`: one `Journey` per patient (NHS number), each with
its events in the order written, its attributes (`case:NAME` columns) and helpers to ask which
steps a patient reached, in what order, and how long between two of them.
"""
from __future__ import annotations

import csv
import itertools
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PATHWAYS = REPO / "Pathways"
_counter = itertools.count()


def carepath_binary() -> str:
    """The carepath executable under test: $CAREPATH_BIN, else the debug build.

    A missing binary is a failure, not a skip: a test that passes without its tool checks
    nothing.
    """
    path = os.environ.get("CAREPATH_BIN") or str(REPO / ".build" / "debug" / "carepath")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"carepath executable not found at {path}: build it or set CAREPATH_BIN")
    return path


@dataclass
class Event:
    step: str
    activity: str
    lifecycle: str  # schedule, start, complete, did-not-attend, cancelled
    time: datetime
    organisation: str
    resource: str


@dataclass
class Journey:
    case: str
    attributes: dict[str, str]
    events: list[Event] = field(default_factory=list)

    def attribute(self, name: str) -> str:
        return self.attributes.get(name, "")

    def number(self, name: str) -> float:
        return float(self.attributes[name])

    def flag(self, name: str) -> bool:
        return self.attributes[name].lower() == "true"

    def steps(self) -> list[str]:
        """The steps the patient reached, in order, each once per visit (its first event)."""
        seen: list[str] = []
        open_steps: set[str] = set()
        for event in self.events:
            if event.lifecycle in ("schedule",) or (event.lifecycle in ("start", "complete") and event.step not in open_steps):
                if event.step not in open_steps:
                    seen.append(event.step)
                    open_steps.add(event.step)
            if event.lifecycle in ("complete", "did-not-attend", "cancelled"):
                open_steps.discard(event.step)
        return seen

    def reached(self, step: str) -> bool:
        return any(event.step == step for event in self.events)

    def first(self, step: str, lifecycle: str = "start") -> datetime | None:
        """When the patient's first visit to `step` had this lifecycle (schedule = arrival)."""
        for event in self.events:
            if event.step == step and event.lifecycle == lifecycle:
                return event.time
        if lifecycle == "schedule":  # decisions and ends have only a completion
            return self.first(step, "complete")
        if lifecycle == "start":
            for event in self.events:
                if event.step == step and event.lifecycle == "complete":
                    return event.time
        return None

    def between(self, a: str, b: str, a_when: str = "schedule", b_when: str = "start") -> timedelta | None:
        """Time from `a` (its arrival by default) to `b` (its start by default)."""
        start, stop = self.first(a, a_when), self.first(b, b_when)
        if start is None or stop is None:
            return None
        return stop - start

    def before(self, a: str, b: str) -> bool:
        """Whether `a` started before `b` started (both reached)."""
        ta, tb = self.first(a, "start"), self.first(b, "start")
        return ta is not None and tb is not None and ta <= tb

    def organisations(self, step: str) -> set[str]:
        return {event.organisation for event in self.events if event.step == step}


@dataclass
class Log:
    journeys: dict[str, Journey]
    report: dict

    def __iter__(self):
        return iter(self.journeys.values())

    def __len__(self) -> int:
        return len(self.journeys)

    def finished(self) -> list[Journey]:
        """Journeys that reached an end step (the log's last event is an end's completion)."""
        return [j for j in self if j.events and j.events[-1].lifecycle == "complete" and j.outcome() is not None]

    def reaching(self, step: str) -> list[Journey]:
        return [j for j in self if j.reached(step)]


def _outcome(self: Journey) -> str | None:
    return self.attributes.get("__end")


Journey.outcome = _outcome  # type: ignore[attr-defined]


def _parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def read_log(path: Path, ends: set[str]) -> dict[str, Journey]:
    journeys: dict[str, Journey] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            case = row["case_id"]
            journey = journeys.get(case)
            if journey is None:
                attributes = {k[5:]: v for k, v in row.items() if k.startswith("case:") and v != ""}
                journey = journeys[case] = Journey(case, attributes)
            journey.events.append(Event(row["step_id"], row["activity"], row["lifecycle"],
                                        _parse_time(row["timestamp"]), row["organisation"], row["resource"]))
            if row["step_id"] in ends and row["lifecycle"] == "complete":
                journey.attributes["__end"] = row["step_id"]
    return journeys


def end_steps(pathway: Path) -> set[str]:
    """The ids of the pathway's own end steps (a called subpathway's ends return to the caller)."""
    import yaml  # PyYAML: reads only which steps are ends, not how patients move

    document = yaml.safe_load(pathway.read_text(encoding="utf-8"))
    steps = document.get("steps") or {}
    return {key for key, value in steps.items() if isinstance(value, dict) and str(value.get("kind", "")).lower() == "end"}


def simulate(pathway: str | Path, changes: list[dict] | None = None, *, patients: int | None = None,
             days: int | None = None, seed: int = 1, warmup: int = 0) -> Log:
    """Simulate one replication of `pathway` (a path under Pathways/ or absolute) and read its log.

    `changes` are overlay changes (`{"set": "attributes.age.distribution", "value": "45"}`),
    applied by writing an overlay that `extends` the pathway beside it (the overlay must sit in
    the pathway's folder), removed after the run.
    """
    base = Path(pathway)
    if not base.is_absolute():
        base = PATHWAYS / base
    if not base.exists():
        raise FileNotFoundError(base)
    with tempfile.TemporaryDirectory(prefix="carepath-library-") as tmp:
        target = base
        if changes:
            target = Path(tmp) / "variant.yaml"
            target = base.parent / f".test-variant-{os.getpid()}-{next(_counter)}.yaml"
            overlay = {"carepath": 1, "extends": base.name, "changes": changes}
            target.write_text(json.dumps(overlay, indent=1), encoding="utf-8")
        log = Path(tmp) / "log.csv"
        command = [carepath_binary(), "simulate", str(target), "--replications", "1", "--seed", str(seed),
                   "--warmup", str(warmup), "--format", "json", "--event-log", str(log), "--allow-outside-root"]
        if patients is not None:
            command += ["--patients", str(patients)]
        if days is not None:
            command += ["--days", str(days)]
        try:
            out = subprocess.run(command, capture_output=True, text=True)
        finally:
            if target != base:
                target.unlink(missing_ok=True)
        if out.returncode != 0 or not log.exists():
            raise RuntimeError(f"{' '.join(command)} failed ({out.returncode}):\n{out.stderr[-4000:]}")
        report = json.loads(out.stdout)
        return Log(read_log(log, end_steps(base)), report)
