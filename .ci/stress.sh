#!/usr/bin/env bash
# Issue 18's hang shapes, each through the commands it hung, with a time limit per command:
# deep nesting of parallel blocks, thousands of steps with the same title, a 10,000-value
# `in [...]` list, a loop that takes no time, a cohort whose journeys never end, and arrival
# rates that would flood a run. Each command must finish within BUDGET seconds (default 20, for
# the debug build CI uses; the release build is checked at 5) and exit with a documented status.
#
# Environment: CAREPATH_BIN (default .build/debug/carepath), BUDGET (seconds per command), NESTING
# (levels of nested parallel blocks, default 2000).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${CAREPATH_BIN:-.build/debug/carepath}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
BUDGET="${BUDGET:-20}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

python3 - <<'PY'
def nested(n, name):
    out = ["carepath: 1", f"id: {name}", "title: Nested", "organisations:",
           "  a: { name: A, type: acute }", "  b: { name: B, type: community }",
           "arrivals: { rate: 1 per day }", "start: first", "steps:",
           "  first: { kind: assessment, organisation: a, duration: 5 min, next: p0 }"]
    for i in range(n):
        inner = f"p{i + 1}" if i + 1 < n else "leaf"
        out.append(f"  p{i}: {{ kind: parallel, paths: [{inner}, x{i}], join: j{i} }}")
        out.append(f"  x{i}: {{ kind: assessment, organisation: {'ab'[i % 2]}, duration: 5 min, next: j{i} }}")
        out.append(f"  j{i}: {{ kind: assessment, organisation: a, duration: 1 min, next: {f'j{i - 1}' if i else 'done'} }}")
    out.append(f"  leaf: {{ kind: assessment, organisation: b, duration: 5 min, next: j{n - 1} }}")
    out.append("  done: { kind: end, outcome: ok }")
    open(f"{name}.yaml", "w").write("\n".join(out) + "\n")

def same_titles(n, prefix):
    out = ["carepath: 1", f"id: same-{prefix}", "title: Same titles", "organisations:",
           "  a: { name: A, type: acute }", "arrivals: { rate: 1 per day }", f"start: {prefix}0", "steps:"]
    for i in range(n):
        nxt = f"{prefix}{i + 1}" if i + 1 < n else "done"
        out.append(f"  {prefix}{i}: {{ kind: assessment, title: Review, organisation: a, duration: {1 + (i * 7 + len(prefix)) % 60} min, next: {nxt} }}")
    out.append("  done: { kind: end, outcome: ok }")
    open(f"same-{prefix}.yaml", "w").write("\n".join(out) + "\n")

def in_list(n):
    items = ", ".join(str(i) for i in range(n))
    open("in-list.yaml", "w").write(f"""carepath: 1
id: in-list
title: A long in-list
organisations:
  a: {{ name: A, type: acute }}
attributes:
  age: {{ type: integer, distribution: "uniform(0, 20000)", min: 0, max: 20000, unit: years }}
arrivals: {{ rate: 5 per day }}
start: check
steps:
  check:
    kind: decision
    branches:
      - {{ to: seen, when: 'age in [{items}]' }}
      - {{ to: done, otherwise: true }}
  seen: {{ kind: assessment, organisation: a, duration: 5 min, next: done }}
  done: {{ kind: end, outcome: ok }}
""")

def commented(n):
    # Every step with a comment above it and one at the end of its line: format puts each back
    # (issue 16), and must not look each one up by scanning the whole file.
    lines = ["carepath: 1", "id: commented", "title: Commented", "organisations:",
             "  a: { name: A, type: acute }", "start: s0", "steps:"]
    for i in range(n):
        lines.append(f"  # step {i}")
        lines.append(f"  s{i}: {{ kind: assessment, organisation: a, duration: 5 min, next: {'s%d' % (i + 1) if i < n - 1 else 'done'} }} # end of line {i}")
    lines.append("  done: { kind: end }")
    open("commented.yaml", "w").write("\n".join(lines) + "\n")

import os
nested(int(os.environ.get("NESTING", "2000")), "nested")
commented(10000)
same_titles(3000, "s")
same_titles(3000, "t")
in_list(10000)
open("spin.yaml", "w").write("""carepath: 1
id: spin
title: A loop that takes no time
organisations:
  a: { name: A, type: acute }
attributes:
  flag: { type: boolean, probability: 1 }
arrivals: { rate: 1 per day }
start: check
steps:
  check: { kind: decision, branches: [{ to: again, when: flag }, { to: done, otherwise: true }] }
  again: { kind: decision, branches: [{ to: check, when: flag }, { to: done, otherwise: true }] }
  done: { kind: end, outcome: ok }
""")
open("endless.yaml", "w").write("""carepath: 1
id: endless
title: Journeys that never end
organisations:
  a: { name: A, type: hospice }
arrivals: { cohort: 5 }
start: w
steps:
  w: { kind: wait, duration: 1 day, next: d }
  d: { kind: decision, branches: [{ to: w, probability: 100% }, { to: done, otherwise: true }] }
  done: { kind: end, outcome: ok }
""")
PY
sed 's/^arrivals: .*/arrivals: { rate: 1000000000 per day }/' nested.yaml > flood.yaml

passed=0
failed=0
# within STATUSES -- COMMAND...: the command ends within BUDGET seconds with one of STATUSES (a|b).
within() {
    local statuses="$1"
    shift 2
    local start end status
    start=$(date +%s.%N)
    timeout -k 2 "$BUDGET" "$@" > /dev/null 2> stderr.txt
    status=$?
    end=$(date +%s.%N)
    local took
    took=$(python3 -c "print(f'{$end - $start:.2f}')")
    if [[ "|$statuses|" == *"|$status|"* ]]; then
        passed=$((passed + 1))
        echo "  ${took} s  exit $status  ${*#"$BIN "}"
    else
        failed=$((failed + 1))
        echo "stress.sh: FAILED: ${*#"$BIN "} (exit $status after $took s; wanted $statuses within $BUDGET s)" >&2
        head -3 stderr.txt | sed 's/^/    /' >&2
    fi
}

echo "${NESTING:-2000} nested parallel blocks across two organisations:"
within "0" -- "$BIN" validate nested.yaml
within "0" -- "$BIN" inspect nested.yaml
within "0" -- "$BIN" format nested.yaml
within "0" -- "$BIN" format commented.yaml
for format in fhir bpmn dot mermaid buildsheet; do within "0" -- "$BIN" export "$format" nested.yaml; done
within "0" -- "$BIN" diff nested.yaml nested.yaml
within "0|1" -- "$BIN" simulate nested.yaml --patients 200 --replications 2
within "0" -- "$BIN" report nested.yaml --no-diagrams -o report.html
echo "3,000 steps titled the same on each side:"
within "0|1" -- "$BIN" diff same-s.yaml same-t.yaml
within "0|1" -- "$BIN" compare same-s.yaml same-t.yaml
echo "a 10,000-value in-list:"
within "0" -- "$BIN" validate in-list.yaml --max-expression-length 100000
within "0|1" -- "$BIN" simulate in-list.yaml --max-expression-length 100000 --patients 2000
within "0" -- "$BIN" diff in-list.yaml in-list.yaml --max-expression-length 100000
echo "a loop that takes no time, journeys that never end, a flood of arrivals:"
within "1" -- "$BIN" simulate spin.yaml
within "0|1" -- "$BIN" simulate endless.yaml --replications 2
within "1" -- "$BIN" simulate flood.yaml --days 30 --event-log flood.csv

echo "stress.sh: $passed passed, $failed failed (budget $BUDGET s per command)"
[ "$failed" -eq 0 ]
