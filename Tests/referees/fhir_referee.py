#!/usr/bin/env python3
"""Independent referee for carepath's FHIR bundles (`carepath export fhir`).

Usage: fhir_referee.py FILE...      (prints ok/FAIL per file, exits 1 if any failed)
       from fhir_referee import check_fhir; check_fhir(path) -> one-line summary, or AssertionError

For each bundle it checks, with packages carepath did not write:

1. R4: the bundle parses with true FHIR R4 (4.0.1) models: fhir.resources 6.4.0, whose top-level
   package is R4, run in a separate interpreter (it needs pydantic 1, the other packages need
   pydantic 2). That interpreter is $CAREPATH_FHIR_R4_PYTHON, default <repo>/.venv-r4/bin/python:

       python3 -m venv .venv-r4
       .venv-r4/bin/pip install "fhir.resources==6.4.0" "pydantic<2"

   (fhir.resources 6.5.0's top-level models are R4B, 4.3.0, not R4.)
2. R4B: it parses with fhir.resources 8's `fhir.resources.R4B` models (this interpreter).
3. Closed: every URL under the bundle's own base (the PlanDefinition's url up to
   `/PlanDefinition/`) that appears anywhere in it is the `url` (with `|version`, that version)
   or `fullUrl` of one of its entries; every coding in a bundle code system names one of its
   concepts with its display; every extension under the base has the parts its
   StructureDefinition gives it.
4. Profile: each PlanDefinition claims CPG's computable plan definition in `meta.profile` and has
   what that profile and the shareable profiles under it require (url, version, name,
   experimental, publisher, description, type, the cpg-knowledgeCapability extension, at least
   one action); every action, nested ones too, has a title, a description and a code.
5. Graph: every relatedAction, repeat-after and goalId names an action or goal of its plan, the
   relatedAction relation has no cycle, and every action with more than one way in says how
   it joins them.
6. Decisions: every condition is `text/fhirpath` and reads only inputs the plan's Library
   declares. For each decision the referee draws sample inputs (every declared value of a
   category or choice, true/false, and the numbers the conditions compare with, one either
   side), builds them into a FHIR Parameters resource, evaluates every branch's condition with
   fhirpathpy and checks that exactly one branch applies, that it is the branch the ordered
   rule gives (branches other than `otherwise` tried in order, each taken when its own rule
   holds and, where it has a probability, the clinician's choice names it; then
   `otherwise`, else the last branch) computed from the branch's own parts, and that every
   branch the ordered rule reaches applies for some sample. (A branch the ordered rule itself
   never reaches, because earlier branches cover every patient, is dead in the pathway, not in
   the export: it is named in the summary.)

A missing package or interpreter is a failure, never a pass.
"""
import importlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
from decimal import Decimal

CPG_COMPUTABLE = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-computableplandefinition"
CPG_CAPABILITY = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeCapability"
V3_JOIN = "http://terminology.hl7.org/CodeSystem/v3-ActRelationshipJoin"
MAX_SAMPLES = 2000

R4_SCRIPT = r"""
import json, sys
import fhir.resources as fr
if fr.__fhir_version__ != "4.0.1":
    raise SystemExit("fhir.resources %s has FHIR %s models, not R4 (4.0.1)" % (fr.__version__, fr.__fhir_version__))
from fhir.resources.bundle import Bundle
with open(sys.argv[1], encoding="utf-8") as f:
    bundle = Bundle.parse_obj(json.load(f))
print(json.dumps({"version": fr.__fhir_version__, "entries": len(bundle.entry or [])}))
"""


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def r4_python():
    return os.environ.get("CAREPATH_FHIR_R4_PYTHON") or os.path.join(repo_root(), ".venv-r4", "bin", "python")


def need(module):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise AssertionError(f"missing package for the FHIR referee: {module} ({error})")


# ---- 1 and 2: the models ----

def parse_r4(path):
    python = r4_python()
    if not os.path.exists(python):
        raise AssertionError(f"no R4 interpreter at {python}: create it with `python3 -m venv .venv-r4 && "
                             f".venv-r4/bin/pip install 'fhir.resources==6.4.0' 'pydantic<2'` "
                             f"(or set CAREPATH_FHIR_R4_PYTHON)")
    result = subprocess.run([python, "-c", R4_SCRIPT, path], capture_output=True, text=True)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or ["?"]
        first = next((i for i, line in enumerate(lines) if "validation error" in line), len(lines) - 1)
        detail = " / ".join(line.strip() for line in lines[first:])
        raise AssertionError("R4 models reject the bundle: " + detail)
    return json.loads(result.stdout)


def parse_r4b(data):
    bundle_module = need("fhir.resources.R4B.bundle")
    bundle = bundle_module.Bundle.model_validate(data)
    return len(bundle.entry or [])


# ---- helpers ----

def walk(value, path=""):
    """Every (path, string) in a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def objects(value):
    """Every JSON object inside a value, the value itself included."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from objects(v)
    elif isinstance(value, list):
        for v in value:
            yield from objects(v)


def all_actions(actions):
    for a in actions or []:
        yield a
        yield from all_actions(a.get("action"))


def ext(element, url):
    return [e for e in element.get("extension", []) if e.get("url") == url]


def part(extension, name):
    for e in extension.get("extension", []):
        if e.get("url") == name:
            return e
    return None


# ---- 3: closed ----

def check_closed(data, resources, base):
    by_url = {}
    full_urls = set()
    for entry in data.get("entry", []):
        full_urls.add(entry.get("fullUrl"))
        r = entry["resource"]
        if "url" in r:
            by_url.setdefault(r["url"], []).append(r)
    checked = 0
    for path, text in walk(data):
        if not text.startswith(base + "/"):
            continue
        checked += 1
        url, _, version = text.partition("|")
        if text in full_urls:
            continue
        targets = by_url.get(url, [])
        if not targets:
            raise AssertionError(f"{path} refers to {text}, which is not in the bundle")
        if version and not any(t.get("version") == version for t in targets):
            raise AssertionError(f"{path} refers to {text}, but the bundle has {url} only in versions "
                                 f"{[t.get('version') for t in targets]}")
    # Codings in the bundle's own code systems name real concepts.
    systems = {r["url"]: {c["code"]: c.get("display") for c in r.get("concept", [])}
               for r in resources if r["resourceType"] == "CodeSystem"}
    for obj in objects(data):
        if "system" in obj and "code" in obj and obj["system"].startswith(base + "/"):
            concepts = systems.get(obj["system"])
            if concepts is None:
                raise AssertionError(f"coding system {obj['system']} is not a CodeSystem in the bundle")
            if obj["code"] not in concepts:
                raise AssertionError(f"code {obj['code']!r} is not in {obj['system']}")
            if "display" in obj and obj["display"] != concepts[obj["code"]]:
                raise AssertionError(f"display {obj['display']!r} for {obj['code']} differs from the code system's "
                                     f"{concepts[obj['code']]!r}")
    # Extensions under the base have the parts their definition gives them.
    definitions = {r["url"]: r for r in resources if r["resourceType"] == "StructureDefinition"}
    for obj in objects(data):
        for e in obj.get("extension", []) if isinstance(obj.get("extension"), list) else []:
            url = e.get("url", "")
            if not url.startswith(base + "/"):
                continue
            sd = definitions.get(url)
            if sd is None or sd.get("type") != "Extension":
                raise AssertionError(f"extension {url} has no Extension StructureDefinition in the bundle")
            elements = {el["id"]: el for el in sd["differential"]["element"]}
            value = elements.get("Extension.value[x]", {})
            if value.get("max") == "0":
                slices = {el["sliceName"]: el for el in sd["differential"]["element"] if "sliceName" in el}
                for p in e.get("extension", []):
                    if p.get("url") not in slices:
                        raise AssertionError(f"extension {url} has a part {p.get('url')!r} its definition lacks")
                    kind = elements[f"Extension.extension:{p['url']}.value[x]"]["type"][0]["code"]
                    if "value" + kind[0].upper() + kind[1:] not in p:
                        raise AssertionError(f"extension {url} part {p['url']} has no value{kind[0].upper() + kind[1:]}")
                for name, sl in slices.items():
                    if sl.get("min", 0) > 0 and part(e, name) is None:
                        raise AssertionError(f"extension {url} lacks its required part {name}")
            else:
                kind = value["type"][0]["code"]
                key = "value" + kind[0].upper() + kind[1:]
                if key not in e:
                    raise AssertionError(f"extension {url} has no {key}")
    return checked


# ---- 4 and 5: profile and graph ----

def check_plan(plan):
    name = plan.get("url")
    if CPG_COMPUTABLE not in plan.get("meta", {}).get("profile", []):
        raise AssertionError(f"{name}: meta.profile does not claim {CPG_COMPUTABLE}")
    for key in ("url", "version", "name", "experimental", "publisher", "description", "type", "action"):
        if plan.get(key) in (None, "", []):
            raise AssertionError(f"{name}: no {key}, which the CPG computable profile requires")
    if not re.fullmatch(r"[A-Z]([A-Za-z0-9_]){0,254}", plan["name"]):
        raise AssertionError(f"{name}: name {plan['name']!r} is not a computable name")
    if not any(e.get("valueCode") in ("shareable", "computable", "publishable", "executable")
               for e in ext(plan, CPG_CAPABILITY)):
        raise AssertionError(f"{name}: no cpg-knowledgeCapability extension")
    actions = list(all_actions(plan["action"]))
    ids = {}
    for a in actions:
        for key in ("id", "title", "description", "code"):
            if not a.get(key):
                raise AssertionError(f"{name}: action {a.get('id')!r} has no {key}")
        if a["id"] in ids:
            raise AssertionError(f"{name}: two actions have the id {a['id']}")
        ids[a["id"]] = a
        for cond in a.get("condition", []):
            if cond.get("expression", {}).get("language") != "text/fhirpath":
                raise AssertionError(f"{name}: action {a['id']} has a condition that is not text/fhirpath")
    goals = {g.get("id") for g in plan.get("goal", [])}
    edges = {a["id"]: [] for a in actions}
    incoming = {a["id"]: 0 for a in actions}
    repeat_url = None
    for a in actions:
        for g in a.get("goalId", []):
            if g not in goals:
                raise AssertionError(f"{name}: action {a['id']} names goal {g!r}, which the plan lacks")
        for r in a.get("relatedAction", []):
            if r["actionId"] not in ids:
                raise AssertionError(f"{name}: action {a['id']} relates to unknown action {r['actionId']!r}")
            edges[r["actionId"]].append(a["id"])
            incoming[a["id"]] += 1
        for e in a.get("extension", []):
            if e.get("url", "").endswith("/StructureDefinition/repeat-after"):
                repeat_url = e["url"]
                target = part(e, "actionId")["valueId"]
                if target not in ids:
                    raise AssertionError(f"{name}: action {a['id']} repeats after unknown action {target!r}")
                incoming[a["id"]] += 1
    # No cycle among relatedActions (iterative three-colour walk).
    colour = {}
    for root in edges:
        if root in colour:
            continue
        stack = [(root, iter(edges[root]))]
        colour[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
            elif colour.get(child) == 1:
                raise AssertionError(f"{name}: relatedAction has a cycle through {child!r}")
            elif child not in colour:
                colour[child] = 1
                stack.append((child, iter(edges[child])))
    joins = 0
    for a in actions:
        coded = [e for e in a.get("extension", []) if e.get("valueCoding", {}).get("system") == V3_JOIN]
        if incoming[a["id"]] > 1 and not coded:
            raise AssertionError(f"{name}: action {a['id']} has {incoming[a['id']]} ways in but no join extension")
        if coded:
            joins += 1
            if coded[0]["valueCoding"]["code"] not in ("W", "X"):
                raise AssertionError(f"{name}: action {a['id']} joins with {coded[0]['valueCoding']['code']}")
    return actions, joins, repeat_url is not None


# ---- 6: decisions ----

VARIABLE = re.compile(r"%`((?:[^`\\]|\\.)*)`|%([A-Za-z_][A-Za-z0-9_]*)")
STRING = re.compile(r"'(?:[^'\\]|\\.)*'")
NUMBER = re.compile(r"(?<![A-Za-z0-9_%`.])-?\d+(?:\.\d+)?")


def unescape_fhirpath(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t", "f": "\f"}.get(m.group(1), m.group(1)), text)


def variables(expression):
    return {unescape_fhirpath(m.group(1)) if m.group(1) is not None else m.group(2)
            for m in VARIABLE.finditer(expression)}


def numbers(expression):
    stripped = VARIABLE.sub(" ", STRING.sub(" ", expression))
    return {Decimal(n) for n in NUMBER.findall(stripped)}


def strings(expression):
    return {unescape_fhirpath(s[1:-1]) for s in STRING.findall(expression)}


def evaluate(fhirpath, expression, env, where):
    try:
        result = fhirpath.evaluate({}, expression, env)
    except Exception as error:
        raise AssertionError(f"{where}: fhirpathpy cannot evaluate {expression!r} with {env}: {error}")
    if result not in ([True], [False]):
        raise AssertionError(f"{where}: {expression!r} gives {result!r} with {env}, not one boolean")
    return result == [True]


def sample_values(parameter, expressions):
    kind = parameter.get("type")
    allowed = [e["valueString"] for e in parameter.get("extension", [])
               if e.get("url", "").endswith("/StructureDefinition/allowed-value")]
    if kind == "boolean":
        return [True, False]
    if kind in ("integer", "decimal"):
        found = set()
        for x in expressions:
            found |= numbers(x)
        step = Decimal(1) if kind == "integer" else Decimal("0.001")
        values = sorted({v + d for v in found | {Decimal(0)} for d in (-step, 0, step)})
        return [int(v) if kind == "integer" else v for v in values if kind != "integer" or v == v.to_integral_value()]
    if allowed:
        return allowed
    found = set()
    for x in expressions:
        found |= strings(x)
    return sorted(found) + ["(none of these)"]


def parameters_resource(env, types):
    """The sample's inputs as a FHIR Parameters resource, one parameter per input."""
    items = []
    for name, value in sorted(env.items()):
        key = {"boolean": "valueBoolean", "integer": "valueInteger", "decimal": "valueDecimal"}.get(types[name], "valueString")
        items.append({"name": name, key: float(value) if isinstance(value, Decimal) else value})
    return {"resourceType": "Parameters", "parameter": items}


def inputs_from_parameters(resource):
    env = {}
    for p in resource["parameter"]:
        value = next(v for k, v in p.items() if k.startswith("value"))
        env[p["name"]] = Decimal(str(value)) if isinstance(value, float) else value
    return env


def check_decisions(plan, library, fhirpath, parameters_model, dead):
    name = plan.get("url")
    declared = {p["name"]: p for p in (library or {}).get("parameter", [])}
    decisions = 0
    samples_total = 0
    for decision in all_actions(plan["action"]):
        if decision.get("selectionBehavior") != "exactly-one":
            continue
        decisions += 1
        where = f"{name} decision {decision['id']}"
        branches = []
        for b in decision.get("action", []):
            conditions = [c for c in b.get("condition", []) if c.get("kind") == "applicability"]
            if len(conditions) != 1:
                raise AssertionError(f"{where}: branch {b['id']} has {len(conditions)} applicability conditions")
            parts = [e for e in b.get("extension", []) if e.get("url", "").endswith("/StructureDefinition/branch")]
            if len(parts) != 1:
                raise AssertionError(f"{where}: branch {b['id']} does not describe its parts (branch extension)")
            p = parts[0]
            rule = part(p, "rule")
            probability = part(p, "probability")
            branches.append({
                "id": b["id"],
                "condition": conditions[0]["expression"]["expression"],
                "rule": rule["valueExpression"]["expression"] if rule else None,
                "probability": probability["valueDecimal"] if probability else None,
                "choiceInput": (part(p, "choiceInput") or {}).get("valueString"),
                "choice": (part(p, "choice") or {}).get("valueString"),
                "otherwise": bool((part(p, "otherwise") or {}).get("valueBoolean")),
            })
            if rule and rule["valueExpression"].get("language") != "text/fhirpath":
                raise AssertionError(f"{where}: branch {b['id']}'s rule is not text/fhirpath")
            if probability and (branches[-1]["choiceInput"] is None or branches[-1]["choice"] is None):
                raise AssertionError(f"{where}: branch {b['id']} has a probability but no clinician's choice")
        if not branches:
            raise AssertionError(f"{where}: no branches")
        shares = sum(b["probability"] for b in branches if b["probability"] is not None and b["rule"] is None)
        if shares > 1 + 1e-9:
            raise AssertionError(f"{where}: probability-only branches add up to {shares}")
        expressions = [b["condition"] for b in branches] + [b["rule"] for b in branches if b["rule"]]
        used = set()
        for x in expressions:
            used |= variables(x)
        used |= {b["choiceInput"] for b in branches if b["choiceInput"]}
        for v in sorted(used):
            if v not in declared:
                raise AssertionError(f"{where}: the conditions read %{v}, which the plan's Library does not declare")
        for b in branches:
            if b["choice"] is not None:
                allowed = sample_values(declared[b["choiceInput"]], [])
                if b["choice"] not in allowed:
                    raise AssertionError(f"{where}: branch {b['id']}'s choice {b['choice']!r} is not an allowed value "
                                         f"of {b['choiceInput']}")
        names = sorted(used)
        domains = [sample_values(declared[v], expressions) for v in names]
        combos = list(itertools.product(*domains)) if names else [()]
        if len(combos) > MAX_SAMPLES:
            combos = random.Random(decision["id"]).sample(combos, MAX_SAMPLES)
        types = {v: declared[v].get("type") for v in names}
        fallback = next((i for i, b in enumerate(branches) if b["otherwise"]), len(branches) - 1)
        applied, reached = set(), set()
        for combo in combos:
            resource = parameters_resource(dict(zip(names, combo)), types)
            parameters_model.model_validate(resource)  # the inputs as a user would supply them
            env = inputs_from_parameters(resource)
            # The ordered rule, from each branch's own parts.
            expected = fallback
            for i, b in enumerate(branches):
                if b["otherwise"]:
                    continue
                holds = True
                if b["rule"] is not None:
                    holds = evaluate(fhirpath, b["rule"], env, f"{where} branch {b['id']} rule")
                if b["probability"] is not None:
                    holds = holds and env.get(b["choiceInput"]) == b["choice"]
                if holds:
                    expected = i
                    break
            taken = [i for i, b in enumerate(branches)
                     if evaluate(fhirpath, b["condition"], env, f"{where} branch {b['id']}")]
            if len(taken) != 1:
                raise AssertionError(f"{where}: {len(taken)} branches apply for {env}: "
                                     f"{[branches[i]['id'] for i in taken]}")
            if taken[0] != expected:
                raise AssertionError(f"{where}: for {env} branch {branches[taken[0]]['id']} applies, but the ordered "
                                     f"rule gives {branches[expected]['id']}")
            applied.add(taken[0])
            reached.add(expected)
        for i, b in enumerate(branches):
            if i in applied:
                continue
            if i in reached:
                raise AssertionError(f"{where}: branch {b['id']} applies for none of {len(combos)} sample inputs")
            # The pathway itself never sends anyone here (its earlier branches cover every
            # patient): a fact about the pathway, not a fault of the export. Reported, not failed.
            dead.append(b["id"])
        samples_total += len(combos)
    return decisions, samples_total


# ---- the check ----

def check_fhir(path):
    """Checks one bundle; returns a one-line summary or raises AssertionError."""
    fhirpath = need("fhirpathpy")
    parameters_model = need("fhir.resources.R4B.parameters").Parameters
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    r4 = parse_r4(path)
    r4b_entries = parse_r4b(data)
    if data.get("resourceType") != "Bundle" or data.get("type") != "collection":
        raise AssertionError("not a collection Bundle")
    resources = [e["resource"] for e in data.get("entry", [])]
    plans = [r for r in resources if r["resourceType"] == "PlanDefinition"]
    if not plans:
        raise AssertionError("no PlanDefinition")
    main = plans[0]
    base = main["url"].rsplit("/PlanDefinition/", 1)[0]
    for entry in data["entry"]:
        r = entry["resource"]
        if entry.get("fullUrl") != f"{base}/{r['resourceType']}/{r.get('id')}":
            raise AssertionError(f"entry fullUrl {entry.get('fullUrl')} is not {base}/{r['resourceType']}/{r.get('id')}")
    references = check_closed(data, resources, base)
    by_url = {(r.get("url"), r.get("version")): r for r in resources}
    action_count = joins = decisions = samples = loops = 0
    dead = []
    for plan in plans:
        actions, plan_joins, has_loop = check_plan(plan)
        action_count += len(actions)
        joins += plan_joins
        loops += has_loop
        library = None
        for canonical in plan.get("library", []):
            url, _, version = canonical.partition("|")
            library = by_url.get((url, version or None)) or next(
                (r for r in resources if r.get("url") == url), None)
        d, s = check_decisions(plan, library, fhirpath, parameters_model, dead)
        decisions += d
        samples += s
    kinds = {}
    for r in resources:
        kinds[r["resourceType"]] = kinds.get(r["resourceType"], 0) + 1
    return (f"R4 {r4['version']} and R4B parse {r4['entries']}/{r4b_entries} entries ("
            + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
            + f"); closed ({references} local URLs resolve); {len(plans)} CPG computable plan(s), "
            f"{action_count} actions, {joins} joins, {loops} with loops, acyclic relations; "
            f"{decisions} decisions exactly-one and as ordered on {samples} sample inputs"
            + (f" (never taken in the pathway itself: {', '.join(dead)})" if dead else ""))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 64
    failures = 0
    for path in argv[1:]:
        try:
            print(f"ok   {path}: {check_fhir(path)}")
        except Exception as error:  # report every failure, keep going
            failures += 1
            message = str(error).strip() or type(error).__name__
            print(f"FAIL {path}: {message}")
            if os.environ.get("CAREPATH_REFEREE_TRACE"):
                import traceback
                traceback.print_exc()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
