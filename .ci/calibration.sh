#!/usr/bin/env bash
# Acceptance test of `carepath calibrate` (issue 15, "Done when"): a model calibrated from a
# trust's simulated event log reproduces that trust's target attainment (within 3 points), mean
# journey time and arrivals (within 5 %).
#
# The "trust" is an overlay of the shipped lung pathway that changes arrivals, durations, a test's
# result delay, branch shares and handoff delays (not capacity). Its event log (one long
# replication) is calibrated against the standard; then the trust and the calibrated overlay are
# simulated with the same options and their figures compared side by side. The standard is
# simulated too, to show that the trust really differs from it.
#
#   CAREPATH_BIN=.build/debug/carepath bash .ci/calibration.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CAREPATH_BIN:-$PWD/.build/debug/carepath}"
SEED="${CALIBRATION_SEED:-11}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp Pathways/suspected-lung-cancer.yaml "$work/standard.yaml"
cat > "$work/trust.yaml" <<'YAML'
carepath: 1
extends: standard.yaml
id: lung-trust
title: Suspected lung cancer - a trust that runs it its own way
changes:
  - set: arrivals
    value: { weekly: { mon: 10, tue: 8, wed: 7, thu: 7, fri: 6, sat: 0, sun: 0 } }
  - set: steps.gp-referral.handoff.delay
    value: "uniform(min: 1 day, max: 4 days)"
  - set: steps.ct-chest.duration
    value: "lognormal(mean: 16 min, sd: 6 min)"
  - set: steps.ct-chest.result_after
    value: "triangular(min: 1 day, mode: 2 days, max: 5 days)"
  - set: steps.ct-review.branches.rapid-access-clinic.probability
    value: 0.25
  - set: steps.rapid-access-clinic.duration
    value: "gamma(shape: 4, scale: 10 min)"
  - set: steps.biopsy-route.branches.ebus.probability
    value: 0.5
  - set: steps.biopsy-route.branches.ct-guided-biopsy.probability
    value: 0.5
  - set: steps.refer-thoracic-surgery.handoff.delay
    value: "exponential(mean: 5 days)"
YAML
"$BIN" validate --strict "$work/trust.yaml" >/dev/null

echo "-- bad input: a clear message and the documented exit status, never a crash"
cli_checks=0
expect_exit() { # expect_exit STATUS TEXT COMMAND...
    local want="$1" text="$2"; shift 2
    local got=0
    "$@" >"$work/out" 2>"$work/err" || got=$?
    if [ "$got" -ne "$want" ] || ! grep -qF -- "$text" "$work/err"; then
        echo "FAIL: $* exited $got (expected $want with '$text'):"; cat "$work/err"; exit 1
    fi
    cli_checks=$((cli_checks + 1))
}
printf 'case_id,activity,timestamp\n9434765919,Something else,2024-01-01T10:00:00Z\n' > "$work/unmapped.csv"
printf 'case_id,activity,timestamp\n' > "$work/empty.csv"
expect_exit 66 "cannot find" "$BIN" calibrate "$work/standard.yaml" "$work/missing.csv" -o "$work/out.yaml"
expect_exit 64 "Missing expected argument '--output" "$BIN" calibrate "$work/standard.yaml" "$work/empty.csv"
expect_exit 64 "--min-sample must be at least 1" "$BIN" calibrate "$work/standard.yaml" "$work/empty.csv" -o "$work/out.yaml" --min-sample 0
expect_exit 73 "one of this command's inputs" "$BIN" calibrate "$work/standard.yaml" "$work/unmapped.csv" -o "$work/unmapped.csv"
expect_exit 1 "none of the log's activities is a step" "$BIN" calibrate "$work/standard.yaml" "$work/unmapped.csv" -o "$work/out.yaml"
expect_exit 1 "holds no journeys" "$BIN" calibrate "$work/standard.yaml" "$work/empty.csv" -o "$work/out.yaml"
[ ! -e "$work/out.yaml" ] || { echo "FAIL: a refused calibration wrote its overlay"; exit 1; }

echo "-- the trust's event log: one replication of four years (seed $SEED)"
"$BIN" simulate "$work/trust.yaml" --replications 1 --days 1460 --seed "$SEED" --event-log "$work/trust-log.csv" >/dev/null 2>"$work/log.err" \
  || { cat "$work/log.err"; exit 1; }

echo "-- calibrate the standard against it"
"$BIN" calibrate "$work/standard.yaml" "$work/trust-log.csv" -o "$work/calibrated.yaml" --format json > "$work/calibration.json"
"$BIN" validate --strict "$work/calibrated.yaml"
status=0
"$BIN" diff "$work/standard.yaml" "$work/calibrated.yaml" --color never > "$work/diff.txt" || status=$?
[ "$status" -eq 1 ] || { echo "diff of the standard and the calibrated overlay exited $status, expected 1 (they differ)"; exit 1; }
grep -E '^[~+-] |changes, clinical weight' "$work/diff.txt"

echo "-- simulate the trust, the calibrated overlay and the standard with the same options"
opts=(--replications 20 --days 365 --warmup 60 --seed 3 --format json)
"$BIN" simulate "$work/trust.yaml" "${opts[@]}" > "$work/trust.json"
"$BIN" simulate "$work/calibrated.yaml" "${opts[@]}" > "$work/calibrated.json"
"$BIN" simulate "$work/standard.yaml" "${opts[@]}" > "$work/standard.json"

python3 - "$work" "$cli_checks" <<'PY'
import json, sys, pathlib
work = pathlib.Path(sys.argv[1])
cli_checks = int(sys.argv[2])
trust, calibrated, standard = (json.loads((work / f"{n}.json").read_text()) for n in ("trust", "calibrated", "standard"))
calibration = json.loads((work / "calibration.json").read_text())

rows, failed = [], []
def compare(name, a, b, s, kind):
    if kind == "points":
        diff, limit = (b - a) * 100, 3.0
        text = lambda x: f"{x * 100:.1f}%"
        shown, ok = f"{diff:+.2f} pts", abs(diff) <= limit
    else:
        diff, limit = (b - a) / a * 100 if a else float("inf"), 5.0
        text = lambda x: f"{x:.3f}"
        shown, ok = f"{diff:+.2f} %", abs(diff) <= limit
    rows.append((name, text(a), text(b), shown, f"{limit:g} {'pts' if kind == 'points' else '%'}", "ok" if ok else "FAIL", text(s)))
    if not ok:
        failed.append(name)

j = lambda r, k: r["journey"][k]["mean"]
compare("arrivals per day", j(trust, "arrivalsPerDay"), j(calibrated, "arrivalsPerDay"), j(standard, "arrivalsPerDay"), "relative")
compare("mean journey (days)", j(trust, "meanDays"), j(calibrated, "meanDays"), j(standard, "meanDays"), "relative")
byid = lambda r: {t["id"]: t for t in r["targets"]}
for tid, t in byid(trust).items():
    c, s = byid(calibrated)[tid], byid(standard)[tid]
    compare(f"target {tid}", t["attainment"]["mean"], c["attainment"]["mean"], s["attainment"]["mean"], "points")

# The calibration must have found what the trust changed (not kept the standard by default).
changed = {f["path"] for f in calibration["findings"] if f["outcome"] == "changed"}
expected = {"arrivals", "steps.gp-referral.handoff.delay", "steps.ct-chest.duration", "steps.ct-chest.result_after",
            "steps.ct-review.branches", "steps.rapid-access-clinic.duration", "steps.biopsy-route.branches",
            "steps.refer-thoracic-surgery.handoff.delay"}
missing = sorted(expected - changed)
unexpected = sorted(changed - expected)
if unexpected:
    print("note: also changed (chance departures at the 1% level):", ", ".join(unexpected))

header = ("figure", "trust", "calibrated", "difference", "allowed", "", "standard")
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
for r in [header] + rows:
    print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
checks = len(rows) + 1 + cli_checks
if missing:
    print("calibration did not change:", ", ".join(missing))
    failed.append("changes found")
print(f"calibration: {checks - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
PY
