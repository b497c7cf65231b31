#!/usr/bin/env python3
"""Runs carepath's BPMN exports in stock SpiffWorkflow, as an implementer would.

Usage: bpmn_referee.py [--patients N] [--seed S] FILE.bpmn...

Nothing in the file is rewritten and no variable is invented. For each file:
  1. SpiffWorkflow's own Camunda parser (`CamundaParser`) reads it (and the other .bpmn files
     beside it, so a call activity into another exported pathway resolves), and its own
     collaboration loader (`get_collaboration`) builds the run.
  2. Each synthetic patient's attributes are drawn from the start event's form
     (`camunda:formData`: an enum field takes one of its values, a boolean either value, a
     number any value within its `min`/`max` constraints and either side of each threshold
     that a condition compares it with) and passed in as process variables at the start, which
     is where the exported documentation says an EPR passes them.
  3. The engine runs. Each ready user task is completed as a clinician would: every field of
     its form (the task spec's `form`, parsed by SpiffWorkflow) is given one of its enum
     values at random. Manual and service tasks are completed as they become ready. Timers are
     evaluated by the engine; a test clock (freezegun) moves time forward when nothing but a
     timer is waiting.
  4. Every run must reach the end (the workflow completes, nothing left waiting), and across all
     runs every outgoing flow of every exclusive gateway that carries a condition or is a
     gateway's default must be taken at least once.
Prints one line per file and exits 1 if any file failed.
"""
import argparse
import datetime
import glob
import os
import random
import sys
import time
import traceback

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def start_form(path):
    """The patient attribute fields declared on the entry start event's form: a list of
    (id, type, enum values, min, max)."""
    from lxml import etree
    root = etree.parse(path).getroot()
    ns = {"bpmn": BPMN, "camunda": CAMUNDA}
    fields = []
    for start in root.iterfind(".//bpmn:startEvent", ns):
        for field in start.iterfind(".//camunda:formField", ns):
            values = [v.get("id") for v in field.iterfind("camunda:value", ns)]
            limits = {c.get("name"): c.get("config") for c in field.iterfind(".//camunda:constraint", ns)}
            fields.append((field.get("id"), field.get("type"), values, limits.get("min"), limits.get("max")))
    return fields


def thresholds(path):
    """Numbers that conditions compare each variable with, so numeric draws fall either side."""
    import re
    from lxml import etree
    found = {}
    for element in etree.parse(path).getroot().iterfind(".//{%s}conditionExpression" % BPMN):
        for name, number in re.findall(r"\b([A-Za-z_]\w*)\s*(?:==|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)", element.text or ""):
            found.setdefault(name, set()).add(float(number))
    return found


def draw_patient(fields, cuts, rng):
    patient = {}
    for name, kind, values, low, high in fields:
        if kind == "enum":
            patient[name] = rng.choice(values)
        elif kind == "boolean":
            patient[name] = rng.random() < 0.5
        elif kind in ("long", "double"):
            # Values at the limits and either side of each threshold a condition compares it with.
            low_v = float(low) if low is not None else min([0.0] + [c - 1 for c in cuts.get(name, ())])
            high_v = float(high) if high is not None else max([low_v + 100] + [c + 1 for c in cuts.get(name, ())])
            steps = (-1, 0, 1) if kind == "long" else (-0.5, 0, 0.5)
            candidates = [low_v, high_v] + [c + d for c in cuts.get(name, ()) for d in steps]
            candidates = [c for c in candidates if low_v <= c <= high_v]
            value = rng.choice(candidates) if rng.random() < 0.7 else rng.uniform(low_v, high_v)
            patient[name] = int(round(value)) if kind == "long" else value
        else:
            raise AssertionError(f"start form field '{name}' has a type ({kind}) this referee does not fill")
    return patient


def exclusive_flows(spec_map):
    """For every exclusive gateway with more than one way out: the set of task-spec names its
    outgoing flows lead to, keyed by (process, gateway)."""
    from SpiffWorkflow.bpmn.specs.defaults import ExclusiveGateway
    wanted = {}
    for process, spec in spec_map.items():
        for name, task_spec in spec.task_specs.items():
            if isinstance(task_spec, ExclusiveGateway) and len(task_spec.outputs) > 1:
                wanted[(process, name)] = {o.name for o in task_spec.outputs}
    return wanted


class Clock:
    """A test clock: the engine reads the time through datetime, which freezegun moves."""

    def __init__(self):
        from freezegun import freeze_time
        self.freezer = freeze_time(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.timezone.utc))

    def __enter__(self):
        self.clock = self.freezer.start()
        return self

    def __exit__(self, *args):
        self.freezer.stop()

    def advance(self, delta):
        self.clock.tick(delta)


def run_patient(spec, subprocesses, patient, rng, clock, taken, limit_seconds=60):
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState
    from SpiffWorkflow.bpmn.specs.defaults import ExclusiveGateway

    workflow = BpmnWorkflow(spec, subprocesses)
    # Patient attributes enter as process variables at the start.
    workflow.task_tree.data.update(patient)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(patient)
    # CPU time: the test clock moves the wall and monotonic clocks.
    deadline = time.process_time() + limit_seconds
    forms_filled = 0
    journal = []
    def record(task):
        # Which way an exclusive gateway sent this patient: its children that will run.
        if isinstance(task.task_spec, ExclusiveGateway):
            for child in task.children:
                if child.has_state(TaskState.DEFINITE_MASK | TaskState.FINISHED_MASK) and not child.has_state(TaskState.CANCELLED):
                    taken.add((task.workflow.spec.name, task.task_spec.name, child.task_spec.name))

    while not workflow.is_completed():
        if time.process_time() > deadline:
            raise AssertionError(f"one patient's run took over {limit_seconds} s of processor time")
        workflow.do_engine_steps(did_complete_task=record)
        workflow.refresh_waiting_tasks()
        ready = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
        if ready:
            for task in ready:
                form = getattr(task.task_spec, "form", None)
                for field in getattr(form, "fields", []) or []:
                    options = [o.id for o in getattr(field, "options", [])]
                    if not options:
                        raise AssertionError(f"form field '{field.id}' of '{task.task_spec.bpmn_name}' offers no choice")
                    task.data[field.id] = rng.choice(options)
                    forms_filled += 1
                journal.append(task.task_spec.name)
                task.run()
            continue
        # A service task (an order to the lab or radiology system) waits, started, for its result.
        started = [t for t in workflow.get_tasks(state=TaskState.STARTED) if type(t.task_spec).__name__ == "ServiceTask"]
        if started:
            for task in started:
                task.complete()
            continue
        waiting = workflow.get_tasks(state=TaskState.WAITING)
        timers = [t for t in waiting if "Timer" in type(getattr(t.task_spec, "event_definition", None)).__name__]
        if timers:
            clock.advance(datetime.timedelta(days=400))
            workflow.refresh_waiting_tasks()
            continue
        if workflow.is_completed():
            break
        names = sorted({t.task_spec.bpmn_name or t.task_spec.name for t in waiting})
        lost = [e.event_definition.name for e in workflow.get_events()]
        if lost:
            names.append("messages no process caught: " + "; ".join(lost))
        raise AssertionError("stuck before the end; waiting at: " + (", ".join(names) or "nothing")
                             + f"; patient {patient}; tasks done: " + ", ".join(journal[-12:]))
    return forms_filled


def check_file(path, patients, seed):
    from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
    parser = CamundaParser()
    parser.add_bpmn_file(path)
    for other in sorted(glob.glob(os.path.join(os.path.dirname(path) or ".", "*.bpmn"))):
        if os.path.abspath(other) != os.path.abspath(path):
            try:
                parser.add_bpmn_file(other)
            except Exception:
                pass  # a file whose ids clash with this one's: not needed by it
    collaborations = [name for name in parser.collaborations if name in _collaboration_ids(path)]
    if len(collaborations) != 1:
        raise AssertionError(f"expected one collaboration, found {collaborations}")
    # SpiffWorkflow's collaboration spec is changed by running it (a process started by a message
    # is wired to the start from then on), so each patient gets a freshly built one.
    spec, subprocesses = parser.get_collaboration(collaborations[0])
    fields = start_form(path)
    cuts = thresholds(path)
    wanted = exclusive_flows(subprocesses)
    own = _process_ids(path)  # a called pathway's own gateways are checked in its own file
    rng = random.Random(seed)
    taken = set()
    forms = 0
    with Clock() as clock:
        for _ in range(patients):
            spec, subprocesses = parser.get_collaboration(collaborations[0])
            forms += run_patient(spec, subprocesses, draw_patient(fields, cuts, rng), rng, clock, taken)
    missing = []
    for (process, gateway), outputs in sorted(wanted.items()):
        if process not in own:
            continue
        for output in sorted(outputs):
            if (process, gateway, output) not in taken:
                missing.append(f"{gateway} → {output}")
    if missing:
        raise AssertionError(f"{len(missing)} gateway flows never taken in {patients} patients: " + "; ".join(missing[:8]))
    branches = sum(len(o) for (p, _), o in wanted.items() if p in own)
    return (f"stock SpiffWorkflow ran {patients} patients to the end ({len(fields)} attributes from the start form, "
            f"{forms} clinician choices on forms); all {branches} exclusive-gateway flows taken")


def _collaboration_ids(path):
    from lxml import etree
    return {c.get("id") for c in etree.parse(path).getroot().iterfind("{%s}collaboration" % BPMN)}


def _process_ids(path):
    from lxml import etree
    return {p.get("id") for p in etree.parse(path).getroot().iterfind("{%s}process" % BPMN)}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    failures = 0
    for path in args.files:
        started = time.monotonic()
        try:
            detail = check_file(path, args.patients, args.seed)
            print(f"ok   bpmn-run  {os.path.basename(path)}: {detail} ({time.monotonic() - started:.1f} s)")
        except Exception as error:
            failures += 1
            message = str(error).strip() or type(error).__name__
            print(f"FAIL bpmn-run  {os.path.basename(path)}: {message}")
            if os.environ.get("CAREPATH_REFEREE_TRACE"):
                traceback.print_exc()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
