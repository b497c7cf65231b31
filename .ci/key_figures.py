#!/usr/bin/env python3
"""The simulator's key figures as readable text, for a golden file a reviewer can diff.

Usage: key_figures.py NAME.simulate.json...  (prints to standard output)

For each simulation result (carepath simulate --format json): patients, unfinished, each
target's attainment and mean time, each step's mean wait, each resource's utilisation and
queue. Numbers keep carepath's own rounding, so a change in any of them shows as a changed line.
"""
import json
import os
import sys


def figures(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    name = os.path.basename(path).split(".")[0]
    patients = d.get("patientsPerReplication")
    if isinstance(patients, dict):
        patients = patients.get("mean")
    out = [f"== {name}: {patients} patients per replication, {d.get('unfinished')} unfinished"]
    for t in d.get("targets", []):
        a = t["attainment"]
        out.append(f"target {t['id']}: attainment {a['mean']} [{a['low']}, {a['high']}] "
                   f"(standard {t['standard']}), mean {t['meanDays']['mean']} days, measured {t['measured']}, met {t['met']}")
    for s in d.get("steps", []):
        w = s["meanWaitDays"]
        out.append(f"step {s['id']}: visits {s['visitsPerReplication']['mean']}, mean wait {w['mean']} days")
    for r in d.get("resources", []):
        out.append(f"resource {r['id']}: utilisation {r['utilisation']['mean']}, "
                   f"outside hours {r.get('outsideHours', {}).get('mean', 0)}, mean queue {r['meanQueue']['mean']}")
    return out


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 64
    for path in sorted(paths):
        print("\n".join(figures(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
