#!/usr/bin/env python3
"""Independent referees for carepath's exports.

Usage: export_referee.py DIR

Checks every file in DIR by its extension, with tools carepath did not write:
  *.fhir.json  fhir.resources parses the Bundle (R4 models if the package has them, else R4B)
               with no validation error.
  *.bpmn       xmllint validates it against the OMG BPMN 2.0 XSD that SpiffWorkflow ships;
               SpiffWorkflow parses it and runs the collaboration to completion, completing
               user and manual tasks as a clinician would and fast-forwarding timers.
  *.dot        Graphviz `dot -Tsvg` renders it with nothing on standard error.
Prints one line per check and exits 1 if any failed.
"""
import builtins
import glob
import random
import importlib
import json
import os
import re
import subprocess
import sys
import time
import traceback


def fhir_models():
    """The R4 model package if fhir.resources offers one, else R4B (R4 with a few additions)."""
    for name in ("fhir.resources.R4", "fhir.resources.R4B"):
        try:
            module = importlib.import_module(name)
            return name, module
        except ImportError:
            continue
    raise SystemExit("fhir.resources has neither R4 nor R4B models")


def check_fhir(path):
    package, _ = fhir_models()
    bundle_module = importlib.import_module(package + ".bundle")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    bundle = bundle_module.Bundle.model_validate(data) if hasattr(bundle_module.Bundle, "model_validate") \
        else bundle_module.Bundle.parse_obj(data)
    kinds = {}
    for entry in bundle.entry or []:
        name = type(entry.resource).__name__
        kinds[name] = kinds.get(name, 0) + 1
    if kinds.get("PlanDefinition") != 1:
        raise AssertionError(f"expected one PlanDefinition, found {kinds}")
    return f"{package}: " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))


def spiff_schema_dir():
    import SpiffWorkflow
    return os.path.join(os.path.dirname(SpiffWorkflow.__file__), "bpmn", "parser", "schema")


def check_bpmn_schema(path):
    xsd = os.path.join(spiff_schema_dir(), "BPMN20.xsd")
    result = subprocess.run(["xmllint", "--noout", "--schema", xsd, path], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(result.stderr.strip())
    return "valid against BPMN20.xsd"


ISO_DURATION = re.compile(r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?")


class PatientData(dict):
    """Process variables for one synthetic patient. A patient attribute (or a clinician's
    recorded decision) that a condition reads takes a value from `patient`, drawn on first use
    from `choices` (0 for the first run, so gateways take their default flows). A bare ISO 8601
    duration (how the BPMN standard writes timers; SpiffWorkflow evaluates them as Python)
    reads as a zero duration, so timers fire at once."""

    def __init__(self, base, patient, choices, rng, decisions):
        super().__init__(base)
        self.patient, self.choices, self.rng, self.decisions = patient, choices, rng, decisions

    def __missing__(self, key):
        if hasattr(builtins, key):
            raise KeyError(key)
        if ISO_DURATION.fullmatch(key):
            return "PT0S"
        if key.endswith("_outcome"):
            # A clinician's choice at a decision is made afresh at each pass (None: none of the
            # listed branches, so the default flow), so a loop back is eventually left.
            return self.decisions.choice((self.choices.values.get(key) or []) + [None])
        if key not in self.patient:
            self.patient[key] = self.choices.draw(key, self.rng) if self.rng else 0
        return self.patient[key]


def condition_values(path):
    """Values worth trying for each variable: the literals the BPMN's conditions compare it
    with (and numbers either side of each threshold); variables used bare are booleans."""
    import xml.etree.ElementTree as ET
    literal = r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?'
    values = {}
    for element in ET.parse(path).iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}conditionExpression"):
        text = element.text or ""
        pairs = re.findall(r"\b([A-Za-z_]\w*)\s*(?:==|!=|<=|>=|<|>)\s*(" + literal + ")", text)
        for name, items in re.findall(r"\b([A-Za-z_]\w*)\s+(?:not\s+)?in\s+\[([^\]]*)\]", text):
            pairs += [(name, item) for item in re.findall(literal, items)]
        for name, item in pairs:
            options = values.setdefault(name, [])
            if item.startswith('"'):
                options.append(eval(item, {"__builtins__": {}}))  # a string literal carepath wrote
            else:
                number = float(item)
                options += [number - 1, number, number + 1]
    return values


class Choices:
    """Draws a value for a variable: from its literals, else a boolean."""

    def __init__(self, values):
        self.values = values

    def draw(self, name, rng):
        return rng.choice(self.values.get(name) or [True, False])


def entry_message(root, ns):
    """The name of the message that starts the pathway, if it starts with a message start event
    that no message flow leads to; None when it has a plain start event."""
    targets = {f.get("targetRef") for f in root.iter("{%s}messageFlow" % ns["bpmn"])}
    names = {m.get("id"): m.get("name") for m in root.iter("{%s}message" % ns["bpmn"])}
    for process in root.findall("bpmn:process", ns):
        for start in process.findall("bpmn:startEvent", ns):
            definition = start.find("bpmn:messageEventDefinition", ns)
            if definition is None:
                return None
            if start.get("id") not in targets:
                return names.get(definition.get("messageRef"))
    return None


def run_bpmn(path, patients=24):
    """Runs the collaboration for several synthetic patients; each must finish."""
    import random
    choices = Choices(condition_values(path))
    visited, total_tasks, total_messages = set(), 0, 0
    for n in range(patients):
        rng = random.Random(n) if n else None
        tasks, messages, names = run_patient(path, choices, rng)
        visited |= names
        total_tasks += tasks
        total_messages += messages
    import xml.etree.ElementTree as ET
    flow_nodes = set()
    for process in ET.parse(path).getroot().iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process"):
        for child in process:
            if child.get("id") and not child.tag.endswith(("sequenceFlow", "documentation")):
                flow_nodes.add(child.get("id"))
    covered = len(flow_nodes & visited)
    return (f"SpiffWorkflow ran {patients} patients to completion ({total_tasks} tasks, {total_messages} handoffs "
            f"between organisations' processes; {covered} of {len(flow_nodes)} flow nodes reached)")


def run_patient(path, choices, rng, max_rounds=10000):
    """One synthetic patient's journey. Each organisation's process runs as its own
    SpiffWorkflow instance, as each organisation's EPR would; this function is the message
    bus between them: a message thrown by a handoff's end event starts an instance of the
    receiving organisation's process at the matching message start event."""
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
    from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.util.event import BpmnEvent
    from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
    from SpiffWorkflow.util.task import TaskState
    import xml.etree.ElementTree as ET

    patient = {}
    decisions = random.Random(rng.random() if rng else 0)

    class Environment(TaskDataEnvironment):
        def evaluate(self, expression, context, external_context=None):
            scope = PatientData(self.globals, patient, choices, rng, decisions)
            scope.update(external_context or {})
            scope.update(context)
            return eval(expression, scope)

    engine = PythonScriptEngine(environment=Environment())
    parser = BpmnParser()
    parser.add_bpmn_file(path)
    # Every BPMN file beside this one, so call activities into other exported pathways resolve
    # (a file whose process ids clash with ones already read is skipped).
    for other in sorted(glob.glob(os.path.join(os.path.dirname(path), "*.bpmn"))):
        if other != path:
            try:
                parser.add_bpmn_file(other)
            except Exception:
                pass

    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    root = ET.parse(path).getroot()
    message_names = {m.get("id"): m.get("name") for m in root.iter("{%s}message" % ns["bpmn"])}
    receivers, first_process = {}, None
    for process in root.findall("bpmn:process", ns):
        for start in process.findall("bpmn:startEvent", ns):
            definition = start.find("bpmn:messageEventDefinition", ns)
            if definition is None:
                first_process = process.get("id")
            else:
                receivers[message_names.get(definition.get("messageRef"))] = process.get("id")
    entry = entry_message(root, ns)
    if entry is not None:
        first_process = receivers.get(entry)
    if first_process is None:
        raise AssertionError("no process where the pathway starts")

    instances = []

    def start_instance(process_id):
        workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id),
                                script_engine=engine)
        instances.append(workflow)
        workflow.do_engine_steps()
        return workflow

    first = start_instance(first_process)
    if entry is not None:
        first.catch(BpmnEvent(MessageEventDefinition(entry)))

    completed_tasks = messages = 0
    deadline = time.monotonic() + 120
    for _ in range(max_rounds):
        if time.monotonic() > deadline:
            raise AssertionError("one patient's journey took over two minutes (a loop with no way out?)")
        progress = False
        for workflow in list(instances):
            if workflow.is_completed():
                continue
            workflow.do_engine_steps()
            workflow.refresh_waiting_tasks()
            for event in workflow.get_events():
                name = event.event_definition.name
                # A running process waiting for this message (a parallel path coming back)
                # gets it; otherwise it starts the receiving organisation's process.
                waiting = [w for w in instances if not w.is_completed()
                           and any(getattr(e, "name", None) == name for e in w.waiting_events())]
                if waiting:
                    waiting[0].catch(event)
                elif name in receivers:
                    start_instance(receivers[name]).catch(event)
                else:
                    raise AssertionError(f"message '{name}' is received by no organisation's process")
                messages += 1
                progress = True
            workflow.do_engine_steps()
            # User and manual tasks: a clinician does the work and completes the form.
            human = list({t.id: t for t in workflow.get_tasks(state=TaskState.READY)}.values())
            # Service tasks (tests through order communications) wait, started, for the result.
            results = list({t.id: t for t in workflow.get_tasks(state=TaskState.STARTED)
                            if type(t.task_spec).__name__ == "ServiceTask"}.values())
            for task in human:
                task.run()
            for task in results:
                task.complete()
            completed_tasks += len(human) + len(results)
            progress = progress or bool(human or results)
        if all(w.is_completed() for w in instances):
            break
        if progress:
            continue
        waiting = [t for w in instances for t in w.get_tasks(state=TaskState.WAITING)]
        if any("Timer" in type(getattr(t.task_spec, "event_definition", None)).__name__ for t in waiting):
            time.sleep(0.001)  # a timer set to fire now
            continue
        names = ", ".join(sorted({f"{t.task_spec.bpmn_name or t.task_spec.name}" for t in waiting}))
        raise AssertionError(f"stuck before completion; waiting: {names or 'nothing'}")
    else:
        raise AssertionError("did not complete within the round limit (a loop with no way out?)")
    names = set()
    for workflow in instances:
        names |= {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)}
    return completed_tasks, messages, names


def check_dot(path):
    result = subprocess.run(["dot", "-Tsvg", "-o", os.devnull, path], capture_output=True, text=True)
    if result.returncode != 0 or result.stderr.strip():
        raise AssertionError(result.stderr.strip() or f"dot exited {result.returncode}")
    return "rendered with no warnings"


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 64
    directory = argv[1]
    checks = []
    for path in sorted(glob.glob(os.path.join(directory, "*"))):
        if path.endswith(".fhir.json"):
            checks.append(("fhir", path, check_fhir))
        elif path.endswith(".bpmn"):
            checks.append(("bpmn-xsd", path, check_bpmn_schema))
            checks.append(("bpmn-run", path, run_bpmn))
        elif path.endswith(".dot"):
            checks.append(("dot", path, check_dot))
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
