#!/usr/bin/env python3
"""Writes a generated pathway of N steps for the diff benchmark, or a trust's variant of it.

usage: generate_variant.py N [VARIANT]
With VARIANT (an integer, 1, 2, ...) the file departs from the standard the way trusts do, at
positions that depend on VARIANT: steps retimed, steps renamed (same title, new id), steps
removed (the step before is rewired around them), steps added, steps moved to a community
diagnostic centre, branch probabilities changed, meeting cycles slowed."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
variant = int(sys.argv[2]) if len(sys.argv) > 2 else 0
rng = random.Random(variant)
words = ["clinic", "review", "scan", "biopsy", "triage", "bloods", "letter", "call", "visit", "meeting", "result", "plan"]
orgs = ["gp", "acute", "community"]

# The standard: a chain with a decision every tenth step and a weekly meeting every 25th.
steps = []
for i in range(n - 1):
    org = orgs[(i // 50) % 3]
    title = f"Step {i}: {words[i % len(words)]} {words[(i * 7) % len(words)]}"
    if i % 10 == 9:
        steps.append({"id": f"s{i}", "kind": "decision", "title": title, "branches": [(f"s{i + 1}", 0.5), (f"s{i + 1}", None)]})
    else:
        kind = "meeting" if i % 25 == 24 else ["referral", "assessment", "test", "treatment"][i % 4]
        steps.append({"id": f"s{i}", "kind": kind, "title": title, "org": org, "duration": 20, "next": f"s{i + 1}",
                      "every": 7 if kind == "meeting" else None})
steps.append({"id": f"s{n - 1}", "kind": "end", "title": "Finished", "outcome": "done"})

orgs_used = list(orgs)
if variant:
    orgs_used.append("cdc")
    by_id = {s["id"]: s for s in steps}
    work = [s for s in steps if s["kind"] not in ("decision", "end")]
    k = max(1, n // 100)
    for s in rng.sample(work, k):
        s["duration"] = s["duration"] * 2
    for s in rng.sample(work, k):
        s["org"] = "cdc"
    for s in rng.sample([s for s in steps if s["kind"] == "decision"], max(1, k // 2)):
        s["branches"][0] = (s["branches"][0][0], 0.7)
    for s in [s for s in work if s.get("every")][: max(1, k // 2)]:
        s["every"] = 14
    # Remove steps whose predecessor is a plain step: rewire it to the successor.
    index = {s["id"]: i for i, s in enumerate(steps)}
    removable = [s for s in work if index[s["id"]] > 0 and steps[index[s["id"]] - 1]["kind"] not in ("decision",)
                 and s["id"] != "s0"]
    removed = set(x["id"] for x in rng.sample(removable, max(1, k // 2)))
    kept = []
    for i, s in enumerate(steps):
        if s["id"] in removed:
            continue
        kept.append(s)
    for i, s in enumerate(kept):
        if s.get("next") in removed:
            nxt = s["next"]
            while nxt in removed:
                nxt = by_id[nxt]["next"]
            s["next"] = nxt
    steps = kept
    # Add steps after a few plain steps.
    added = []
    for s in rng.sample([s for s in steps if s.get("next")], max(1, k // 2)):
        new_id = f"extra-{s['id']}"
        added.append((s["id"], {"id": new_id, "kind": "assessment", "title": f"Extra outpatient visit after {s['id']}",
                                "org": s["org"], "duration": 15, "next": s["next"]}))
        s["next"] = new_id
    after = dict(added)
    out_steps = []
    for s in steps:
        out_steps.append(s)
        if s["id"] in after:
            out_steps.append(after[s["id"]])
    steps = out_steps
    # Rename a few ids, keeping titles, and follow the references.
    renames = {s["id"]: "r-" + s["id"] for s in rng.sample([s for s in steps if s["id"] != "s0"], k)}
    for s in steps:
        s["id"] = renames.get(s["id"], s["id"])
        if s.get("next"):
            s["next"] = renames.get(s["next"], s["next"])
        if s.get("branches"):
            s["branches"] = [(renames.get(t, t), p) for t, p in s["branches"]]

out = ["carepath: 1", f"id: generated-{n}" + (f"-variant-{variant}" if variant else ""), f"title: Generated pathway with {n} steps",
       'version: "1"', "status: draft", "sources:", '  - { title: Generated for benchmarking, url: "https://example.org/carepath" }',
       "organisations:", "  gp: { name: GP practice, type: primary-care }", "  acute: { name: Acute trust, type: acute }",
       "  community: { name: Community services, type: community }"]
if variant:
    out.append("  cdc: { name: Community diagnostic centre, type: diagnostic-centre }")
last = steps[-1]["id"]
out += ["arrivals: { rate: 50 per week }", "targets:", f"  whole: {{ from: s0, to: {last}, within: 62 days, standard: 85% }}",
        "start: s0", "steps:"]
for s in steps:
    out.append(f"  {s['id']}:")
    out.append(f"    kind: {s['kind']}")
    out.append(f"    title: \"{s['title']}\"")
    if s["kind"] == "decision":
        out.append("    branches:")
        first, second = s["branches"]
        out.append(f"      - {{ to: {first[0]}, probability: {first[1]} }}")
        out.append(f"      - {{ to: {second[0]}, otherwise: true }}")
    elif s["kind"] == "end":
        out.append(f"    outcome: {s['outcome']}")
    else:
        out.append(f"    organisation: {s['org']}")
        out.append(f"    duration: {s['duration']} min")
        if s.get("every"):
            out.append(f"    every: {s['every']} days")
        out.append(f"    next: {s['next']}")
print("\n".join(out))
