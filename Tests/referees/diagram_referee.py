#!/usr/bin/env python3
"""Independent referee for carepath's diagrams (DOT and Mermaid).

Usage: diagram_referee.py FILE...

Checks each file by its extension, with the Python standard library and Graphviz only:
  *.dot, *.gv       Graphviz `dot -Tjson` lays it out with nothing on standard error, and the
                    start node (`__start__`) lies wholly before every other node in the
                    direction of the ranks: left of them all for rankdir LR, above them all for
                    TB (and likewise for RL, BT).
  *.mmd, *.mermaid  a structural check of the Mermaid flowchart: the `flowchart` header (after
                    optional front matter), every line recognised, every subgraph closed, every
                    node declared once with a matching shape, every link's endpoints declared,
                    labels escaped (no raw quote, angle bracket, pipe or backtick; `#` only in
                    entity codes; `<br/>` as the only markup), and what Docs/export.md says
                    Mermaid shows: one subgraph per organisation named with its type, labelled
                    decision branches, handoffs as thick `==>` links labelled `handoff` and
                    styled red (and every link between organisations is one), dotted `joins`
                    links from parallel splits, waits and parallel splits styled.

Prints `ok FILE: ...` or `FAIL FILE: ...` per file and exits 1 if any failed. A missing `dot`
is a failure, not a pass.
"""
import json
import os
import re
import shutil
import subprocess
import sys

ORGANISATION_TYPES = {
    "primary-care", "acute", "community", "specialist", "mental-health", "ambulance",
    "diagnostic-centre", "social-care", "hospice", "pharmacy", "other",
}


# ---------------------------------------------------------------------------------------------
# DOT


def _dot_layout(path):
    """The layout of a DOT file as Graphviz's JSON, or AssertionError with Graphviz's words."""
    dot = shutil.which("dot")
    if dot is None:
        raise AssertionError("Graphviz's dot is not on the PATH (apt-get install graphviz); the diagram was not checked")
    result = subprocess.run([dot, "-Tjson", path], capture_output=True, timeout=120)
    stderr = result.stderr.decode("utf-8", "replace").strip()
    if result.returncode != 0:
        raise AssertionError(f"dot exited {result.returncode}: {stderr}")
    if stderr:
        raise AssertionError(f"dot warned: {stderr}")
    try:
        return json.loads(result.stdout.decode("utf-8"))
    except ValueError as error:
        raise AssertionError(f"dot -Tjson did not give JSON: {error}")


def _box(node):
    """(left, bottom, right, top) of a laid-out node, in points."""
    try:
        x, y = (float(v) for v in node["pos"].split(","))
        w, h = float(node["width"]) * 72 / 2, float(node["height"]) * 72 / 2
    except (KeyError, ValueError) as error:
        raise AssertionError(f"node {node.get('name')!r} has no usable position: {error}")
    return x - w, y - h, x + w, y + h


def check_dot(path):
    """Lays the DOT file out with Graphviz and checks that the start node comes first."""
    layout = _dot_layout(path)
    nodes = [o for o in layout.get("objects", []) if "nodes" not in o and "pos" in o]
    if not nodes:
        raise AssertionError("the layout has no nodes")
    starts = [n for n in nodes if n.get("name") == "__start__"]
    if len(starts) != 1:
        raise AssertionError(f"expected one start node __start__, found {len(starts)}")
    start = _box(starts[0])
    others = [(n["name"], _box(n)) for n in nodes if n is not starts[0]]
    rankdir = str(layout.get("rankdir", "TB")).upper()
    # For each direction: how far along the ranks a box begins and ends.
    along = {
        "LR": lambda b: (b[0], b[2]),
        "RL": lambda b: (-b[2], -b[0]),
        "TB": lambda b: (-b[3], -b[1]),
        "BT": lambda b: (b[1], b[3]),
    }.get(rankdir)
    if along is None:
        raise AssertionError(f"unknown rankdir {rankdir!r}")
    word = {"LR": "left of", "RL": "right of", "TB": "above", "BT": "below"}[rankdir]
    start_end = along(start)[1]
    offenders = [name for name, box in others if along(box)[0] < start_end - 0.01]
    if offenders:
        raise AssertionError(f"the start node is not {word} every other node (rankdir {rankdir}): "
                             + ", ".join(repr(n) for n in offenders[:8]) + (" ..." if len(offenders) > 8 else ""))
    clusters = [o for o in layout.get("objects", []) if "nodes" in o and str(o.get("name", "")).startswith("cluster")]
    return f"{len(nodes)} nodes, {len(clusters)} clusters, {len(layout.get('edges', []))} edges; start {word} the rest ({rankdir})"


# ---------------------------------------------------------------------------------------------
# Mermaid

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
# Shapes the exporter writes, as (open, close) pairs; longest first so `(((` wins over `((`.
_SHAPES = [("(((", ")))"), ("((", "))"), ("([", "])"), ("[[", "]]"), ("[", "]"), ("{", "}"), ("(", ")")]
_NODE = re.compile(r"^(" + _ID + r")(\(\(\(|\(\(|\(\[|\[\[|\[|\{|\()\"(.*)\"(\)\)\)|\)\)|\]\)|\]\]|\]|\}|\))$")
_LINK = re.compile(r"^(" + _ID + r") (-->|==>|-\.-|-\.->|---)(?:\|\"(.*?)\"\|)? (" + _ID + r")$")
_SUBGRAPH = re.compile(r"^subgraph (" + _ID + r")\[\"(.*)\"\]$")
_CLASSDEF = re.compile(r"^classDef (" + _ID + r") (\S.*)$")
_CLASS = re.compile(r"^class (" + _ID + r"(?:," + _ID + r")*) (" + _ID + r")$")
_LINKSTYLE = re.compile(r"^linkStyle (\d+(?:,\d+)*) (\S.*)$")
_ENTITY = re.compile(r"#(?:[A-Za-z]+|\d+);")


def _label_problem(label):
    """Why a label would break Mermaid or carry markup, or None."""
    bare = label.replace("<br/>", "\n")
    for c in '"<>|`':
        if c in bare:
            return f"raw {c!r}"
    if "#" in _ENTITY.sub("", bare):
        return "a '#' outside an entity code"
    if any(ord(c) < 0x20 and c != "\n" for c in bare):
        return "a control character"
    return None


def check_mermaid(path):
    """A structural check of a Mermaid flowchart and of what the export guide says it shows."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    if lines and lines[0] == "---":
        try:
            i = lines.index("---", 1) + 1
        except ValueError:
            raise AssertionError("front matter is not closed by '---'")
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or not re.match(r"^flowchart (LR|RL|TB|TD|BT)$", lines[i].strip()):
        raise AssertionError(f"line {i + 1}: expected a 'flowchart LR|TB|...' header, found {lines[i] if i < len(lines) else '<end>'!r}")
    nodes = {}          # id -> (shape open, label, subgraph or None)
    links = []          # (from, arrow, label, to, line number)
    subgraphs = []      # (id, label)
    stack = []
    classdefs, classes, linkstyles = {}, {}, []
    for n, raw in enumerate(lines[i + 1:], start=i + 2):
        line = raw.strip()
        if not line or line.startswith("%%"):
            continue
        where = f"line {n}"
        m = _SUBGRAPH.match(line)
        if m:
            problem = _label_problem(m.group(2))
            if problem:
                raise AssertionError(f"{where}: subgraph label has {problem}: {line!r}")
            stack.append(m.group(1))
            subgraphs.append((m.group(1), m.group(2)))
            continue
        if line == "end":
            if not stack:
                raise AssertionError(f"{where}: 'end' with no open subgraph")
            stack.pop()
            continue
        m = _NODE.match(line)
        if m:
            node_id, opening, label, closing = m.groups()
            if (opening, closing) not in _SHAPES:
                raise AssertionError(f"{where}: shape opened with {opening!r} but closed with {closing!r}")
            if node_id in nodes:
                raise AssertionError(f"{where}: node {node_id} declared twice")
            if node_id == "end":
                raise AssertionError(f"{where}: a node named 'end' breaks Mermaid")
            problem = _label_problem(label)
            if problem:
                raise AssertionError(f"{where}: label of {node_id} has {problem}: {line!r}")
            nodes[node_id] = (opening, label, stack[-1] if stack else None)
            continue
        m = _LINK.match(line)
        if m:
            a, arrow, label, b = m.groups()
            if label is not None:
                problem = _label_problem(label)
                if problem:
                    raise AssertionError(f"{where}: link label has {problem}: {line!r}")
            links.append((a, arrow, label, b, n))
            continue
        m = _CLASSDEF.match(line)
        if m:
            classdefs[m.group(1)] = m.group(2)
            continue
        m = _CLASS.match(line)
        if m:
            for node_id in m.group(1).split(","):
                classes.setdefault(node_id, set()).add(m.group(2))
            continue
        m = _LINKSTYLE.match(line)
        if m:
            linkstyles.append(([int(x) for x in m.group(1).split(",")], m.group(2), n))
            continue
        raise AssertionError(f"{where}: unrecognised line {line!r}")
    if stack:
        raise AssertionError(f"subgraph {stack[-1]} is never closed with 'end'")

    # Every link joins declared nodes; classes and link styles point at what exists.
    for a, _, _, b, n in links:
        for end in (a, b):
            if end not in nodes:
                raise AssertionError(f"line {n}: link endpoint {end} is not declared")
    for node_id, names in classes.items():
        if node_id not in nodes:
            raise AssertionError(f"class given to undeclared node {node_id}")
        for name in names:
            if name not in classdefs:
                raise AssertionError(f"class {name} is used but has no classDef")
    for indices, _, n in linkstyles:
        for k in indices:
            if k >= len(links):
                raise AssertionError(f"line {n}: linkStyle {k} but there are only {len(links)} links")

    # What Docs/export.md says Mermaid shows.
    if not subgraphs:
        raise AssertionError("no subgraph: the guide promises one per organisation")
    labels = [label for _, label in subgraphs]
    if len(set(labels)) != len(labels):
        raise AssertionError(f"an organisation has more than one subgraph: {labels}")
    for label in labels:
        m = re.search(r"\(([a-z-]+)\)$", label)
        if not m or m.group(1) not in ORGANISATION_TYPES:
            raise AssertionError(f"subgraph {label!r} is not named with its organisation type")
    red = set()
    for indices, style, _ in linkstyles:
        if "#c0392b" in style:
            red.update(indices)
    for k, (a, arrow, label, b, n) in enumerate(links):
        if nodes[a][0] == "{" and not label:
            raise AssertionError(f"line {n}: a branch out of decision {a} has no label")
        if arrow == "==>":
            if not label or "handoff" not in label:
                raise AssertionError(f"line {n}: a thick (handoff) link is not labelled 'handoff'")
            if k not in red:
                raise AssertionError(f"line {n}: handoff link {k} is not styled red")
        elif k in red:
            raise AssertionError(f"line {n}: link {k} is styled as a handoff but is not one")
        if arrow == "-.-" and label != "joins":
            raise AssertionError(f"line {n}: a dotted link is not labelled 'joins'")
        ga, gb = nodes[a][2], nodes[b][2]
        if ga is not None and gb is not None and ga != gb and arrow not in ("==>", "-.-"):
            raise AssertionError(f"line {n}: {a} -> {b} crosses organisations but is not a handoff")
    for node_id, (opening, _, _) in nodes.items():
        if opening == "([" and "wait" not in classes.get(node_id, set()):
            raise AssertionError(f"wait {node_id} is not styled as a wait (dashed)")
    joined = {a for a, arrow, _, _, _ in links if arrow == "-.-"}
    for node_id in joined:
        if "parallel" not in classes.get(node_id, set()):
            raise AssertionError(f"parallel split {node_id} is not styled as one (dark)")
    handoffs = sum(1 for _, arrow, _, _, _ in links if arrow == "==>")
    return f"{len(nodes)} nodes in {len(subgraphs)} organisation subgraphs, {len(links)} links, {handoffs} handoffs"


# ---------------------------------------------------------------------------------------------


def check(path):
    """The check for a file by its extension."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".dot", ".gv"):
        return check_dot(path)
    if ext in (".mmd", ".mermaid"):
        return check_mermaid(path)
    raise AssertionError(f"no check for {ext or 'files without an extension'} (expected .dot, .gv, .mmd or .mermaid)")


def main(argv):
    if not argv:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    failed = 0
    for path in argv:
        try:
            print(f"ok {path}: {check(path)}")
        except AssertionError as error:
            failed += 1
            print(f"FAIL {path}: {error}")
        except (OSError, UnicodeDecodeError, subprocess.TimeoutExpired) as error:
            failed += 1
            print(f"FAIL {path}: {type(error).__name__}: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
