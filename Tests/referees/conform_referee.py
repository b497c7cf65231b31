#!/usr/bin/env python3
"""Cross-checks `carepath conform` against pm4py's alignments on carepath's own BPMN export.

Usage: conform_referee.py CAREPATH_BIN REPO_ROOT [--patients N] [--seed S] [--keep DIR]

For each check the referee exports the pathway as BPMN (`carepath export bpmn`), simulates an
event log (`carepath simulate --event-log L.csv`: of the pathway itself, or of a trust's variant
to replay on the regional standard), replays the log in pm4py on a Petri net of the BPMN, and
replays the same log with `carepath conform PATHWAY L.csv --format json`. Every journey pm4py
finds perfectly fitting must be one carepath finds fitting, and the other way round. It also
expects what issue 15 says: the standard's own log fits 100 %; each variant's log has journeys
that do not fit (trust-central changes timings and the MDT's title only: its renamed MDT is
another activity, see "Activities" below). A last log is the regional standard's own with
journeys altered on purpose (a task left out, two tasks exchanged), so that fitting and
unfitting journeys are mixed in one log.

Why not pm4py's own BPMN import and conversion (`pm4py.read_bpmn` + `convert_to_petri_net`)?
Tried on every exported file, each run, and what happened printed as a `note` line (with how
many journeys of the pathway's own log fit pm4py's net). pm4py 2.7.23.11 cannot use carepath's
BPMN as it is:
  1. Its importer (pm4py/objects/bpmn/importer/variants/lxml.py) has no case for
     `bpmn:callActivity`, so the sequence flows into and out of one (hip fracture's
     `Step_community-rehabilitation`) name an unknown node and the import stops with
     AttributeError: 'str' object has no attribute 'add_in_arc'.
  2. Its converter (pm4py/objects/conversion/bpmn/variants/to_petri_net.py) turns only tasks,
     start and end events and exclusive/parallel/inclusive gateways into transitions. Every
     `intermediateCatchEvent` (the timers carepath writes for waits and handoff delays, the
     "Back from ..." message catch) and `intermediateThrowEvent` is left out, so every path
     through one is cut: in the regional standard no journey can reach triage.
  3. The same converter ignores `messageFlow`s: each pool becomes a separate fragment, every
     start event (message starts too) hangs off one shared source place and every end event
     (the "Hand off to ..." message ends too) feeds the sink, so a journey that crosses
     organisations - every carepath journey - cannot be replayed.
Importing one process on its own does not help: the processes hold the same timers and a
journey spans several of them. Rewriting the BPMN to suit pm4py is not allowed here.

So the referee builds the Petri net itself from the BPMN file, by the standard translation
of BPMN 2.0 into Petri nets (Dijkman, Dumas and Ouyang, "Semantics and analysis of business
process models in BPMN", IST 50(12), 2008), in pm4py's own PetriNet objects, and pm4py does the
replay (alignments decide; token-based replay is a second opinion, printed when it differs).
Nothing of carepath's code or replay is used: only the BPMN file, read with xml.etree:
  - a sequence flow is a place; a task is a transition labelled with its name and its pool's
    organisation (below); a node with several incoming flows takes any one of them (one
    transition per flow), a node with several outgoing flows (not a gateway) starts them all;
  - an exclusive gateway is one silent transition per (incoming, outgoing) flow: its conditions
    read data (attributes, the clinician's choice, which referral arrived), which a Petri net
    does not carry, so every branch is allowed; a parallel gateway is one silent transition;
  - a message flow is a place (one per receiving event) between the throwing event (message
    end or intermediate throw) and the catching one (message start or intermediate catch);
    timer events are silent transitions;
  - the none start event(s) of the top-level file start from the initial marking; every none
    end event puts the case's one token in the sink (final marking: the sink alone), a message
    end event only sends its message;
  - a `callActivity` is replaced by the called collaboration, found by its `calledElement`
    among the other exported files (carepath exports the called pathway separately): the called
    process's none start event starts there, and the called collaboration's none end events
    return to the call activity's outgoing flow. The call activity itself records nothing;
  - a user task whose form fields are read only by the conditions of the exclusive gateway it
    leads to (carepath's "Choose: ..." task) records that gateway's choice: it is a part of the
    decision and silent, as decisions are;
  - any other element kind (inclusive, event-based or complex gateway, boundary, signal, error,
    terminate or conditional event, sub-process) is refused with a FAIL, never guessed.

Activities. The log is projected the way the BPMN models it, from the names in the file:
only `complete` events; an event whose activity is the name of a BPMN task (or of a task of a
called file) is kept, labelled `name @ organisation`; one whose activity names a gateway or an
event (decisions, parallel splits, waits, ends) is dropped, as the BPMN models those as
gateways and events; one the file does not name at all is kept, and can only be a log move (an
unexpected step). The organisation is part of the label because the BPMN says who does each
task by its pool: the pool's name is mapped to the organisation id the log's `organisation`
column carries through the `organisations` list of the pathway file the BPMN was exported from.
Both tools must see the same activities: pm4py sees the activity *name* (XES `concept:name`),
so carepath is given the same log without its `step_id` column and maps activities by title
too (with `step_id` it would match a renamed step by its id: trust-central's renamed MDT then
fits in carepath, and not in a name-based referee; the count carepath finds with `step_id` is
printed as a `note` where it differs). The projection keeps one event per task, so it cannot
see what carepath reads in the `schedule` and `start` events (a patient arriving at a step
before the step that leads there is done); the altered log changes whole visits only.

Per journey. `carepath conform --journeys FILE` writes every journey's verdict; the referee
compares it with pm4py's alignment journey by journey, and also checks the counts in the JSON.

Formats. The same simulated lung log written as XES and as OCEL 2.0 is read by stock pm4py
(`read_xes`, `read_ocel2_json`) and by carepath; both must count the same journeys and events.

Prints one `ok`/`FAIL`/`note` line per check and a summary; exits 1 on any FAIL, 2 on usage.
"""
import argparse
import collections
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")  # read when pm4py is imported

BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA_NS = "{http://camunda.org/schema/1.0/bpmn}"

TASK_KINDS = {"task", "userTask", "serviceTask", "manualTask", "scriptTask", "sendTask",
              "receiveTask", "businessRuleTask"}
EVENT_KINDS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"}
GATEWAY_KINDS = {"exclusiveGateway", "parallelGateway"}
# Process children that are not part of the control flow.
PASSIVE_KINDS = {"documentation", "extensionElements", "laneSet", "textAnnotation", "association",
                 "dataObject", "dataObjectReference", "dataStoreReference", "property"}

# (log file stem, pathway simulated, pathway replayed on, what pm4py should find: "all fit",
# "some unfit" (a variant), or "mixed" (the standard's own log with journeys altered on purpose))
CASES = [
    ("suspected-lung-cancer", "Pathways/suspected-lung-cancer.yaml", "Pathways/suspected-lung-cancer.yaml", "all fit"),
    ("hip-fracture", "Pathways/hip-fracture.yaml", "Pathways/hip-fracture.yaml", "all fit"),
    ("acute-stroke", "Pathways/acute-stroke.yaml", "Pathways/acute-stroke.yaml", "all fit"),
    ("region-standard", "Examples/region/standard.yaml", "Examples/region/standard.yaml", "all fit"),
    ("trust-north", "Examples/region/trust-north.yaml", "Examples/region/standard.yaml", "some unfit"),
    ("trust-east", "Examples/region/trust-east.yaml", "Examples/region/standard.yaml", "some unfit"),
    ("trust-west", "Examples/region/trust-west.yaml", "Examples/region/standard.yaml", "some unfit"),
    ("trust-central", "Examples/region/trust-central.yaml", "Examples/region/standard.yaml", "some unfit"),
    ("trust-south", "Examples/region/trust-south.yaml", "Examples/region/standard.yaml", "some unfit"),
    ("region-altered", "Examples/region/standard.yaml", "Examples/region/standard.yaml", "mixed"),
]


class RefereeError(Exception):
    """Something the referee could not do (reported as a FAIL)."""


def local(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


def run(args, ok=(0,)):
    """Runs a command; returns its completed process, or raises with its standard error."""
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode not in ok:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise RefereeError(f"`{' '.join(args)}` exited {result.returncode}: " + " / ".join(tail))
    return result


# ----------------------------------------------------------------------------------------------
# The BPMN files: one per exported pathway, indexed by the processes they define.

class BpmnFile:
    def __init__(self, path, organisation_ids):
        self.path = path
        self.root = ET.parse(path).getroot()
        self.processes = list(self.root.iter(BPMN_NS + "process"))
        self.pool_of_process = {}
        for participant in self.root.iter(BPMN_NS + "participant"):
            self.pool_of_process[participant.get("processRef")] = participant.get("name") or ""
        # The pool's organisation id, from the pathway file's organisations list (name -> id).
        self.organisation_of_process = {
            pid: organisation_ids.get(name, name) for pid, name in self.pool_of_process.items()}
        self.message_flows = [(f.get("sourceRef"), f.get("targetRef"))
                              for f in self.root.iter(BPMN_NS + "messageFlow")]

    def nodes(self, process):
        return [c for c in process if local(c.tag) not in PASSIVE_KINDS and local(c.tag) != "sequenceFlow"]

    def flows(self, process):
        return [c for c in process if local(c.tag) == "sequenceFlow"]


def organisation_ids(yaml_path):
    """The pathway file's organisations: display name -> id."""
    import yaml
    with open(yaml_path, encoding="utf-8") as f:
        document = yaml.safe_load(f) or {}
    found = {}
    for oid, value in (document.get("organisations") or {}).items():
        name = value.get("name") if isinstance(value, dict) else None
        found[str(name if name is not None else oid)] = str(oid)
    return found


def event_kind(element):
    """'none', 'message' or 'timer' for an event; anything else is refused."""
    definitions = [local(c.tag) for c in element if local(c.tag).endswith("EventDefinition")]
    if not definitions:
        return "none"
    if len(definitions) == 1 and definitions[0] in ("messageEventDefinition", "timerEventDefinition"):
        return definitions[0][: -len("EventDefinition")]
    raise RefereeError(f"{local(element.tag)} '{element.get('id')}' has {definitions}, which this referee does not model")


def records_gateway_choice(task, outgoing, node_by_id, flows_by_source):
    """Whether a user task only records the choice of the exclusive gateway it leads to: it has
    a form, leads to one exclusive gateway, and every form field is read by that gateway's
    conditions."""
    fields = [f.get("id") for f in task.iter(CAMUNDA_NS + "formField")]
    if not fields or len(outgoing) != 1:
        return False
    gateway = node_by_id.get(outgoing[0].get("targetRef"))
    if gateway is None or local(gateway.tag) != "exclusiveGateway":
        return False
    conditions = " ".join(
        (c.text or "") for f in flows_by_source.get(gateway.get("id"), [])
        for c in f if local(c.tag) == "conditionExpression")
    return all(re.search(r"\b%s\b" % re.escape(field), conditions) for field in fields)


class NetBuilder:
    """Translates a BPMN collaboration (with the collaborations its call activities call) into a
    pm4py accepting Petri net."""

    def __init__(self, process_index):
        from pm4py.objects.petri_net.obj import PetriNet, Marking
        self.PetriNet = PetriNet
        self.net = PetriNet("bpmn")
        self.process_index = process_index  # process id -> BpmnFile
        self.places = {}
        self.counter = 0
        self.source = self.place("source")
        self.sink = self.place("sink")
        self.im = Marking({self.source: 1})
        self.fm = Marking({self.sink: 1})
        self.task_names = set()      # names of tasks that record work (visible)
        self.other_names = set()     # names of gateways, events, silent tasks
        self.visible_labels = set()
        self.alignments = {}  # trace variant -> pm4py alignment, shared by the logs replayed here

    def place(self, name):
        if name not in self.places:
            p = self.PetriNet.Place(name)
            self.net.places.add(p)
            self.places[name] = p
        return self.places[name]

    def transition(self, name, label, inputs, outputs):
        from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to
        self.counter += 1
        t = self.PetriNet.Transition(f"{name}#{self.counter}", label)
        self.net.transitions.add(t)
        for p in inputs:
            add_arc_from_to(p, t, self.net)
        for p in outputs:
            add_arc_from_to(t, p, self.net)
        if label is not None:
            self.visible_labels.add(label)
        return t

    def build(self, top):
        """The net of file `top`: its none start events start from the source place."""
        entry = self.place("entry")
        self.transition("start", None, [self.source], [entry])
        self.collaboration(top, prefix="", entry=entry, exit_=self.sink, called=None, depth=0)
        return self.net, self.im, self.fm

    def collaboration(self, bpmn, prefix, entry, exit_, called, depth):
        if depth > 8:
            raise RefereeError(f"call activities nest more than 8 deep at {os.path.basename(bpmn.path)}")
        inbox_of = {}  # receiving event id -> place (one per receiving event)
        for _, target in bpmn.message_flows:
            inbox_of.setdefault(target, self.place(f"{prefix}msg:{target}"))
        senders = collections.defaultdict(list)
        for source, target in bpmn.message_flows:
            senders[source].append(inbox_of[target])
        known_ids = {n.get("id") for p in bpmn.processes for n in bpmn.nodes(p)}
        for source, target in bpmn.message_flows:
            if source not in known_ids or target not in known_ids:
                raise RefereeError(f"message flow {source} -> {target} does not join two events of the file")
        for process in bpmn.processes:
            pid = process.get("id")
            organisation = bpmn.organisation_of_process.get(pid, pid)
            nodes = bpmn.nodes(process)
            node_by_id = {n.get("id"): n for n in nodes}
            flows = bpmn.flows(process)
            incoming, outgoing = collections.defaultdict(list), collections.defaultdict(list)
            for f in flows:
                incoming[f.get("targetRef")].append(f)
                outgoing[f.get("sourceRef")].append(f)
            flow_place = {f.get("id"): self.place(f"{prefix}{f.get('id')}") for f in flows}

            def ins(node):
                return [flow_place[f.get("id")] for f in incoming[node.get("id")]]

            def outs(node):
                return [flow_place[f.get("id")] for f in outgoing[node.get("id")]]

            for node in nodes:
                kind = local(node.tag)
                nid = node.get("id")
                name = (node.get("name") or "").strip()
                if kind not in GATEWAY_KINDS and any(
                        local(c.tag) == "conditionExpression" for f in outgoing[nid] for c in f):
                    raise RefereeError(f"{kind} '{nid}' has conditional outgoing flows, which this referee does not model")
                # Nodes other than gateways: any one incoming flow enables them (XOR merge).
                alternatives = [[p] for p in ins(node)]
                if kind in TASK_KINDS:
                    if records_gateway_choice(node, outgoing[nid], node_by_id, outgoing):
                        label = None
                        self.other_names.add(name)
                    else:
                        label = f"{name} @ {organisation}"
                        self.task_names.add(name)
                    if not alternatives:
                        raise RefereeError(f"task '{nid}' has no incoming flow")
                    for inputs in alternatives:
                        self.transition(prefix + nid, label, inputs, outs(node))
                elif kind == "callActivity":
                    target = node.get("calledElement")
                    callee = self.process_index.get(target)
                    if callee is None:
                        raise RefereeError(f"call activity '{nid}' calls '{target}', which no exported file defines")
                    call_entry = self.place(f"{prefix}{nid}:call")
                    call_return = self.place(f"{prefix}{nid}:return")
                    for inputs in alternatives:
                        self.transition(prefix + nid + ":call", None, inputs, [call_entry])
                    self.transition(prefix + nid + ":return", None, [call_return], outs(node))
                    self.other_names.add(name)
                    self.collaboration(callee, prefix=f"{prefix}{nid}/", entry=call_entry,
                                       exit_=call_return, called=target, depth=depth + 1)
                elif kind == "exclusiveGateway":
                    self.other_names.add(name)
                    for p in ins(node):
                        for q in outs(node):
                            self.transition(prefix + nid, None, [p], [q])
                elif kind == "parallelGateway":
                    self.other_names.add(name)
                    self.transition(prefix + nid, None, ins(node), outs(node))
                elif kind in EVENT_KINDS:
                    self.other_names.add(name)
                    trigger = event_kind(node)
                    if kind == "startEvent":
                        if trigger == "none":
                            # Top level: every process's none start; called: the called process's.
                            if called is None or pid == called:
                                self.transition(prefix + nid, None, [entry], outs(node))
                        elif trigger == "message":
                            if nid not in inbox_of:
                                raise RefereeError(f"message start event '{nid}' receives no message flow")
                            self.transition(prefix + nid, None, [inbox_of[nid]], outs(node))
                        else:
                            raise RefereeError(f"{trigger} start event '{nid}' is not modelled by this referee")
                    elif kind == "endEvent":
                        if trigger == "none":
                            targets = [exit_]
                        elif trigger == "message":
                            targets = senders.get(nid) or []
                            if not targets:
                                raise RefereeError(f"message end event '{nid}' sends no message flow")
                        else:
                            raise RefereeError(f"{trigger} end event '{nid}' is not modelled by this referee")
                        for inputs in alternatives:
                            self.transition(prefix + nid, None, inputs, targets)
                    elif kind == "intermediateCatchEvent":
                        extra = []
                        if trigger == "message":
                            if nid not in inbox_of:
                                raise RefereeError(f"message catch event '{nid}' receives no message flow")
                            extra = [inbox_of[nid]]
                        elif trigger != "timer":
                            raise RefereeError(f"{trigger} catch event '{nid}' is not modelled by this referee")
                        for inputs in alternatives:
                            self.transition(prefix + nid, None, inputs + extra, outs(node))
                    else:  # intermediateThrowEvent
                        extra = senders.get(nid, []) if trigger == "message" else []
                        if trigger == "timer":
                            raise RefereeError(f"timer throw event '{nid}' is not valid BPMN")
                        for inputs in alternatives:
                            self.transition(prefix + nid, None, inputs, outs(node) + extra)
                else:
                    raise RefereeError(f"{kind} '{nid}' in {os.path.basename(bpmn.path)} is not modelled by this referee")


# ----------------------------------------------------------------------------------------------
# Stock pm4py, tried first (see the docstring): why it cannot be used, said every run.

def stock_pm4py_note(path, traces):
    import pm4py
    try:
        graph = pm4py.read_bpmn(path)
    except Exception as error:
        root = ET.parse(path).getroot()
        calls = [e.get("id") for e in root.iter(BPMN_NS + "callActivity")]
        why = f"; the file has callActivity {calls}, which pm4py's importer does not read" if calls else ""
        return f"pm4py.read_bpmn stops: {type(error).__name__}: {error}{why}"
    from pm4py.objects.bpmn.obj import BPMN
    nodes = graph.get_nodes()
    dropped = [n for n in nodes if isinstance(n, (BPMN.IntermediateCatchEvent, BPMN.IntermediateThrowEvent))]
    messages = [f for f in graph.get_flows() if isinstance(f, BPMN.MessageFlow)]
    try:
        net, im, fm = pm4py.convert_to_petri_net(graph)
    except Exception as error:
        return f"pm4py.convert_to_petri_net stops: {type(error).__name__}: {error}"
    fit = None
    if traces:
        fit = sum(1 for d in align(traces, net, im, fm) if perfect(d))
    return (f"stock pm4py net ({len(net.transitions)} transitions) leaves out {len(dropped)} intermediate events "
            f"and {len(messages)} message flows; {fit if fit is not None else '?'} of {len(traces)} journeys of "
            f"the pathway's own log fit it" + (" - the stock path now works, consider using it" if traces and fit == len(traces) else ""))


# ----------------------------------------------------------------------------------------------
# The log, projected the way the BPMN models it.

def read_log(path):
    """Rows of a carepath CSV event log, in file order."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return reader.fieldnames or [], rows


def project(rows, task_names, other_names, with_organisation=True):
    """Traces per case (case id -> list of labels), from `complete` events only, ordered by time
    (file order among equal times)."""
    events = collections.defaultdict(list)
    dropped = collections.Counter()
    for index, row in enumerate(rows):
        if row["lifecycle"] != "complete":
            continue
        name = row["activity"].strip()
        if name in other_names and name not in task_names:
            dropped[name] += 1
            continue
        label = f"{name} @ {row['organisation']}" if with_organisation else name
        events[row["case_id"]].append((row["timestamp"], index, label))
    traces = {}
    for case, items in events.items():
        items.sort(key=lambda e: (parse_time(e[0]), e[1]))
        traces[case] = [label for _, _, label in items]
    for case in {row["case_id"] for row in rows} - set(traces):
        traces[case] = []
    return traces, dropped


def alter(rows, task_names):
    """The log with journeys altered on purpose, so that some fit and some do not. Only tasks
    done on their own are touched (no other task's visit, from its first event to its last,
    overlaps theirs: a change inside a parallel block would leave one path's arrival before the
    step that leads to it, which carepath sees in the `schedule` events and a projection on
    `complete` events cannot). Of the cases in NHS-number order, every third loses every event
    of its middle such task, every third + 1 has that task and the next exchange what they are
    (activity, organisation, resource, step id; the times stay, so they are done in the other
    order), and the rest are kept as they are."""
    by_case = collections.defaultdict(list)
    for row in rows:
        by_case[row["case_id"]].append(row)
    changed = {}
    for n, case in enumerate(sorted(by_case)):
        if n % 3 == 2:
            continue
        windows = {}
        for row in by_case[case]:
            if row["activity"] in task_names:
                t = parse_time(row["timestamp"])
                first, last = windows.get(row["activity"], (t, t))
                windows[row["activity"]] = (min(first, t), max(last, t))
        done = [r["activity"] for r in by_case[case] if r["lifecycle"] == "complete" and r["activity"] in task_names]
        alone = [a for a in done if done.count(a) == 1 and not any(
            b != a and windows[a][0] < windows[b][1] and windows[b][0] < windows[a][1] for b in windows)]
        pairs = [(a, b) for a, b in zip(done, done[1:]) if a in alone and b in alone]
        if n % 3 == 0 and alone:
            changed[case] = ("drop", alone[len(alone) // 2], None)
        elif n % 3 == 1 and pairs:
            changed[case] = ("swap",) + pairs[len(pairs) // 2]
    fields = ("activity", "organisation", "resource", "step_id")
    out = []
    for row in rows:
        change = changed.get(row["case_id"])
        if change is None:
            out.append(row)
            continue
        action, a, b = change
        if action == "drop":
            if row["activity"] != a:
                out.append(row)
            continue
        if row["activity"] in (a, b):
            other = b if row["activity"] == a else a
            source = next(r for r in by_case[row["case_id"]] if r["activity"] == other)
            row = dict(row, **{f: source[f] for f in fields if f in row})
        out.append(row)
    return out


def parse_time(text):
    import datetime as dt
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def as_event_log(traces):
    from pm4py.objects.log.obj import EventLog, Trace, Event
    import datetime as dt
    log = EventLog()
    base = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    for case in sorted(traces):
        trace = Trace(attributes={"concept:name": case})
        for i, label in enumerate(traces[case]):
            # The order is already the log's; pm4py is given it as it is (times only keep it).
            trace.append(Event({"concept:name": label, "time:timestamp": base + dt.timedelta(seconds=i)}))
        log.append(trace)
    return log


def align(traces, net, im, fm, cache=None):
    """pm4py alignment diagnostics, one per trace in sorted case order (computed per variant)."""
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments
    variants = {}
    for case in sorted(traces):
        variants.setdefault(tuple(traces[case]), []).append(case)
    cache = {} if cache is None else cache
    todo = {v: cs for v, cs in variants.items() if v not in cache}
    if todo:
        log = as_event_log({cs[0]: list(v) for v, cs in todo.items()})
        results = alignments.apply(log, net, im, fm, variant=alignments.Variants.VERSION_STATE_EQUATION_A_STAR,
                                   parameters={"show_progress_bar": False, "max_align_time_trace": 20,
                                               "max_align_time": 120})
        for trace, result in zip(log, results):
            cache[tuple(e["concept:name"] for e in trace)] = result
    return [cache[tuple(traces[case])] for case in sorted(traces)]


def perfect(alignment):
    """No log move and no move on a visible transition: the journey fits exactly. (No alignment
    within the time limit, or none at all, is not a fit.)"""
    if alignment is None:
        return False
    for log_move, model_move in alignment["alignment"]:
        if log_move != ">>" and model_move != ">>":
            continue  # synchronous
        if log_move == ">>" and model_move is None:
            continue  # a silent transition
        return False
    return True


def token_replay_fit(traces, net, im, fm):
    from pm4py.algo.conformance.tokenreplay import algorithm as token_replay
    variants = {}
    for case in sorted(traces):
        variants.setdefault(tuple(traces[case]), []).append(case)
    log = as_event_log({cs[0]: list(v) for v, cs in variants.items()})
    results = token_replay.apply(log, net, im, fm, parameters={"show_progress_bar": False})
    # pm4py's token replay passes over an activity the net does not know; such a trace does not
    # fit. (Its CONSIDER_ACTIVITIES_NOT_IN_MODEL_IN_FITNESS flag cannot be used: it collects the
    # unknown activities over the whole log, so one trace with one marks every later trace unfit.)
    labels = {t.label for t in net.transitions if t.label is not None}
    fit = {}
    for trace, result in zip(log, results):
        activities = [e["concept:name"] for e in trace]
        for case in variants[tuple(activities)]:
            fit[case] = bool(result["trace_is_fit"]) and all(a in labels for a in activities)
    return fit


# ----------------------------------------------------------------------------------------------
# carepath

def write_log(path, fieldnames, rows, cases=None, keep_step_id=False):
    """The log without its `step_id` column (so carepath maps activities by name, as pm4py
    does), limited to `cases` when given."""
    columns = [c for c in fieldnames if keep_step_id or c != "step_id"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            if cases is None or row["case_id"] in cases:
                writer.writerow([row[c] for c in columns])


def conform(binary, pathway, log_path, journeys=None):
    """carepath conform's JSON report; with `journeys`, also its per-journey verdicts (from
    `--journeys FILE`) as report["verdicts"]: NHS number -> fits."""
    args = [binary, "conform", pathway, log_path, "--format", "json"]
    if journeys:
        args += ["--journeys", journeys]
    result = run(args, ok=(0, 1))
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise RefereeError(f"carepath conform printed no JSON ({error})")
    if (result.returncode == 0) != bool(report.get("allFit")):
        raise RefereeError(f"carepath conform exited {result.returncode} but allFit is {report.get('allFit')}")
    if journeys:
        with open(journeys, newline="") as handle:
            rows = list(csv.DictReader(handle))
        if not rows or set(rows[0]) != {"nhs_number", "fits", "finished", "deviations"}:
            raise RefereeError(f"carepath conform --journeys wrote no verdicts or unexpected columns to {journeys}")
        report["verdicts"] = {row["nhs_number"]: row["fits"] == "true" for row in rows}
    return report


def carepath_examples(report):
    found = {}
    for kind in report.get("deviationKinds", []):
        for example in kind.get("examples", []):
            found.setdefault(example, []).append(kind["kind"])
    return found


# ----------------------------------------------------------------------------------------------

class Referee:
    def __init__(self, binary, root, work, patients, seed):
        self.binary, self.root, self.work = binary, root, work
        self.patients, self.seed = patients, seed
        self.failures = self.passes = 0
        self.bpmn_of = {}       # pathway path -> BpmnFile
        self.process_index = {}  # process id -> BpmnFile
        self.nets = {}

    def report(self, ok, name, detail):
        if ok:
            self.passes += 1
        else:
            self.failures += 1
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)

    def export(self, pathway):
        if pathway in self.bpmn_of:
            return self.bpmn_of[pathway]
        stem = os.path.relpath(pathway, self.root).replace(os.sep, "__").rsplit(".", 1)[0]
        out = os.path.join(self.work, stem + ".bpmn")
        run([self.binary, "export", "bpmn", pathway, "-o", out])
        bpmn = BpmnFile(out, organisation_ids(pathway))
        self.bpmn_of[pathway] = bpmn
        for process in bpmn.processes:
            self.process_index.setdefault(process.get("id"), bpmn)
        return bpmn

    def net(self, pathway):
        if pathway not in self.nets:
            bpmn = self.export(pathway)
            builder = NetBuilder(self.process_index)
            net, im, fm = builder.build(bpmn)
            self.nets[pathway] = (builder, net, im, fm)
        return self.nets[pathway]

    def run_case(self, stem, simulated, replayed, expectation):
        simulated = os.path.join(self.root, simulated)
        replayed = os.path.join(self.root, replayed)
        name = f"{stem} on {os.path.basename(replayed)}"
        log_path = os.path.join(self.work, stem + ".csv")
        run([self.binary, "simulate", simulated, "--patients", str(self.patients), "--seed", str(self.seed),
             "--replications", "1", "--event-log", log_path])
        fieldnames, rows = read_log(log_path)
        if not rows or "activity" not in fieldnames or "organisation" not in fieldnames:
            raise RefereeError(f"the simulated log {log_path} has no events or lacks activity/organisation columns")
        builder, net, im, fm = self.net(replayed)
        if expectation == "mixed":
            rows = alter(rows, builder.task_names)
            write_log(log_path, fieldnames, rows, keep_step_id=True)
        traces, dropped = project(rows, builder.task_names, builder.other_names)
        cases = sorted(traces)
        diagnostics = align(traces, net, im, fm, builder.alignments)
        pm4py_fit = {case: perfect(d) for case, d in zip(cases, diagnostics)}
        fit_cases = {c for c in cases if pm4py_fit[c]}
        unfit_cases = set(cases) - fit_cases
        tbr = token_replay_fit(traces, net, im, fm)
        tbr_differs = [c for c in cases if tbr[c] != pm4py_fit[c]]
        if tbr_differs:
            c = tbr_differs[0]
            print(f"note {name}: pm4py's token-based replay differs from its alignments on {len(tbr_differs)} "
                  f"journeys (e.g. {c}: alignment {'fits' if pm4py_fit[c] else 'does not fit'}, token replay "
                  f"{'fits' if tbr[c] else 'does not fit'}); alignments are exact and decide", flush=True)

        # The expectation of issue 15 (on pm4py's side).
        if expectation == "all fit":
            self.report(not unfit_cases, f"{name} pm4py",
                        f"{len(fit_cases)} of {len(cases)} journeys fit the BPMN's Petri net "
                        f"({len(builder.visible_labels)} task labels; dropped as gateways/events: {sum(dropped.values())} events)"
                        + self.example(unfit_cases, traces, diagnostics, cases))
        elif expectation == "mixed":
            self.report(bool(fit_cases) and bool(unfit_cases), f"{name} pm4py",
                        f"{len(unfit_cases)} of {len(cases)} journeys altered so they do not fit, "
                        f"{len(fit_cases)} fit" + self.example(unfit_cases, traces, diagnostics, cases))
        else:
            self.report(bool(unfit_cases), f"{name} pm4py",
                        f"{len(unfit_cases)} of {len(cases)} journeys of the variant do not fit the standard's BPMN"
                        + self.example(unfit_cases, traces, diagnostics, cases))

        # carepath on the whole log, then on each side of pm4py's split.
        whole_path = os.path.join(self.work, stem + ".names.csv")
        write_log(whole_path, fieldnames, rows)
        whole = conform(self.binary, replayed, whole_path, journeys=os.path.join(self.work, stem + ".journeys.csv"))
        verdicts = whole["verdicts"]
        problems = []
        if whole["journeys"] != len(cases) or set(verdicts) != set(cases):
            problems.append(f"carepath replayed {whole['journeys']} journeys ({len(verdicts)} verdicts), the log has {len(cases)}")
        if whole["fitting"] != len(fit_cases):
            problems.append(f"carepath finds {whole['fitting']} fitting, pm4py {len(fit_cases)}")
        examples = carepath_examples(whole)
        # Journey by journey: carepath's verdict (--journeys) against pm4py's alignment.
        disagree = [c for c in cases if c in verdicts and verdicts[c] != pm4py_fit[c]]
        if disagree:
            problems.append(f"{len(disagree)} journeys get a different verdict")
        detail = (f"pm4py {len(fit_cases)}/{len(cases)} fit, carepath {whole['fitting']}/{whole['journeys']} fit; "
                  f"the same verdict for each of the {len(cases)} journeys" if not problems else "; ".join(problems))
        self.report(not problems, f"{name} agree", detail)
        for case in disagree[:5]:
            index = cases.index(case)
            verdict = "fits" if pm4py_fit[case] else f"does not fit ({describe(diagnostics[index])})"
            kinds = f" ({', '.join(examples[case])})" if case in examples else ""
            print(f"     {case}: pm4py {verdict}; carepath {'does not fit' if pm4py_fit[case] else 'fits'}{kinds}; "
                  f"projected trace: {' -> '.join(traces[case])}", flush=True)
        # For information: carepath on the log as written, mapping by step id.
        by_id = conform(self.binary, replayed, log_path)
        if by_id["fitting"] != whole["fitting"]:
            print(f"note {name}: with the log's step_id column carepath finds {by_id['fitting']}/{by_id['journeys']} "
                  f"fitting (by activity name {whole['fitting']}/{whole['journeys']})", flush=True)

    @staticmethod
    def example(unfit_cases, traces, diagnostics, cases):
        if not unfit_cases:
            return ""
        case = sorted(unfit_cases)[0]
        return f"; e.g. {case}: {describe(diagnostics[cases.index(case)])}"


def describe(alignment):
    if alignment is None:
        return "no alignment"
    moves = []
    for log_move, model_move in alignment["alignment"]:
        if log_move == ">>" and model_move is not None:
            moves.append(f"missing '{model_move}'")
        elif model_move == ">>":
            moves.append(f"unexpected '{log_move}'")
    return ", ".join(moves[:4]) + (" ..." if len(moves) > 4 else "") if moves else "fits"


def formats_checked(referee, work):
    """The readers against pm4py's own: one simulated lung log written as XES and as OCEL 2.0
    JSON, read by stock pm4py (read_xes, read_ocel2_json) and by carepath conform. Both must
    find the same journeys (cases, or patient objects) and the same number of events."""
    lung = os.path.join(referee.root, "Pathways", "suspected-lung-cancer.yaml")
    import pm4py
    for extension, read in (("xes", "xes"), ("jsonocel", "ocel")):
        path = os.path.join(work, f"formats.{extension}")
        run([referee.binary, "simulate", lung, "--patients", "150", "--seed", "7", "--replications", "1", "--event-log", path])
        report = conform(referee.binary, lung, path)
        if read == "xes":
            log = pm4py.read_xes(path)
            cases, events = log["case:concept:name"].nunique(), len(log)
        else:
            ocel = pm4py.read_ocel2_json(path)
            patients = ocel.objects[ocel.objects["ocel:type"] == "patient"]
            cases, events = len(patients), ocel.events["ocel:eid"].nunique()
        same = (cases, events) == (report["journeys"], report["events"])
        referee.report(same, f"{extension} read by pm4py and carepath",
                       f"pm4py {cases} journeys and {events} events; carepath {report['journeys']} and {report['events']}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("root")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", help="write the exports and logs here (default: a temporary directory)")
    args = parser.parse_args(argv[1:])
    if not os.access(args.binary, os.X_OK):
        print(f"conform_referee: {args.binary} is not an executable carepath", file=sys.stderr)
        return 2
    try:
        import pm4py  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"FAIL setup: {error} (run .ci/conform.sh, which installs the pinned referees)")
        return 1
    root = os.path.abspath(args.root)
    work = args.keep or tempfile.mkdtemp(prefix="carepath-conform.")
    os.makedirs(work, exist_ok=True)
    started = time.monotonic()
    referee = Referee(os.path.abspath(args.binary), root, work, args.patients, args.seed)
    try:
        # Every shared subpathway too, so call activities find the process they call.
        for shared in sorted(os.listdir(os.path.join(root, "Pathways", "shared"))):
            if shared.endswith((".yaml", ".yml")):
                referee.export(os.path.join(root, "Pathways", "shared", shared))
        for stem, simulated, replayed, expectation in CASES:
            try:
                referee.run_case(stem, simulated, replayed, expectation)
            except RefereeError as error:
                referee.report(False, stem, str(error))
        formats_checked(referee, work)
        # Why stock pm4py is not the path (see the docstring); said every run, never skipped.
        for pathway, bpmn in sorted(referee.bpmn_of.items()):
            if os.sep + "shared" + os.sep in pathway:
                continue
            stem = os.path.basename(pathway).rsplit(".", 1)[0]
            own = os.path.join(work, ("region-standard" if "region" in pathway else stem) + ".csv")
            traces = {}
            if os.path.exists(own):
                builder = referee.nets[pathway][0]
                # pm4py's own net labels a task by its name alone.
                traces, _ = project(read_log(own)[1], builder.task_names, builder.other_names, with_organisation=False)
            try:
                print(f"note {os.path.basename(bpmn.path)}: {stock_pm4py_note(bpmn.path, traces)}", flush=True)
            except Exception as error:  # the note must never hide the checks
                print(f"note {os.path.basename(bpmn.path)}: stock pm4py attempt failed: {type(error).__name__}: {error}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"conform referee ({time.monotonic() - started:.0f} s): {referee.passes} passed, {referee.failures} failed")
    return 1 if referee.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
