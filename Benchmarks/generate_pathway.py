#!/usr/bin/env python3
"""Writes a generated pathway of N steps (default 10,000) for the parser benchmark.

The shape mixes the language's features: chains of work steps across three organisations with
handoffs, decisions every tenth step (a condition branch and a probability branch), data items
produced and required downstream, resources with calendars."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
orgs = ["gp", "acute", "community"]
out = [
    "carepath: 1", f"id: generated-{n}", f"title: Generated pathway with {n} steps", 'version: "1"', "status: draft",
    "sources:", '  - { title: Generated for benchmarking, url: "https://example.org/carepath" }',
    "organisations:",
    "  gp: { name: GP practice, type: primary-care }",
    "  acute: { name: Acute trust, type: acute }",
    "  community: { name: Community services, type: community }",
    "resources:",
]
for o in orgs:
    out.append(f'  room-{o}: {{ organisation: {o}, capacity: 4, calendar: "weekdays 08:00-18:00" }}')
out += [
    "attributes:",
    '  age: { type: integer, distribution: "normal(mean: 65, sd: 12)", min: 18, max: 100 }',
    "  smoker: { type: boolean, probability: 0.3 }",
    "arrivals: { rate: 50 per week }",
    "targets:",
    f"  whole: {{ from: s0, to: s{n - 1}, within: 62 days, standard: 85% }}",
    "start: s0",
    "steps:",
]
kinds = ["referral", "assessment", "test", "treatment"]
for i in range(n - 1):
    org = orgs[(i // 50) % 3]
    nxt = f"s{i + 1}"
    crosses = orgs[((i + 1) // 50) % 3] != org
    if i % 10 == 9:
        out += [f"  s{i}:", "    kind: decision", "    branches:",
                f'      - {{ to: {nxt}, when: "age >= 60 and smoker", probability: 0.5 }}',
                f"      - {{ to: {nxt}, probability: 0.3 }}",
                f"      - {{ to: {nxt}, otherwise: true }}"]
        if crosses:
            out.append("    handoff: { delay: 2 days }")
        continue
    out += [f"  s{i}:", f"    kind: {kinds[i % 4]}", f"    organisation: {org}", f"    resource: room-{org}",
            '    duration: "lognormal(mean: 20 min, sd: 5 min)"', f"    produces: [item-{i}]"]
    if i >= 2 and (i - 2) % 10 != 9:
        out.append(f"    requires: [item-{i - 2}]")
    out.append(f"    next: {nxt}")
    if crosses:
        out.append("    handoff: { delay: 2 days }")
out += [f"  s{n - 1}: {{ kind: end, outcome: done }}"]
print("\n".join(out))
