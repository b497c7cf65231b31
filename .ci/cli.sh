#!/usr/bin/env bash
# The command line's promises about files (issue 7): exit statuses and messages for outputs that
# would replace an input, folders, symlink loops, devices and hostile sizes. Each check runs the
# built binary in a scratch folder and fails with what it expected.
#
# Environment: CAREPATH_BIN (default .build/debug/carepath).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="${CAREPATH_BIN:-.build/debug/carepath}"
if [ ! -x "$BIN" ]; then
    echo "cli.sh: carepath binary not found at $BIN (run swift build first, or set CAREPATH_BIN)" >&2
    exit 1
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
cp "$ROOT/Examples/minimal/gp-to-clinic.yaml" p.yaml
mkdir -p hip/shared out
cp "$ROOT/Pathways/hip-fracture.yaml" hip/
cp "$ROOT/Pathways/shared/"*.yaml hip/shared/
ln -s p.yaml link.yaml
ln p.yaml hard.yaml
ln -s loop-a.yaml loop-b.yaml
ln -s loop-b.yaml loop-a.yaml

passed=0
failed=0
# expect STATUS TEXT -- COMMAND...: the command exits STATUS and says TEXT (on either stream).
expect() {
    local status="$1" text="$2"
    shift 3
    local output actual
    output="$("$@" 2>&1)"
    actual=$?
    if [ "$actual" -eq "$status" ] && [[ "$output" == *"$text"* ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "cli.sh: FAILED: $* (wanted exit $status and '$text'; got exit $actual)" >&2
        echo "$output" | head -5 | sed 's/^/    /' >&2
    fi
}

original="$(sha256sum p.yaml)"
expect 73 "one of this command's inputs" -- "$BIN" export fhir p.yaml -o p.yaml
expect 73 "the same file as 'p.yaml'" -- "$BIN" export bpmn p.yaml -o link.yaml
expect 73 "the same file as 'p.yaml'" -- "$BIN" graph p.yaml -o hard.yaml
expect 73 "one of this command's inputs" -- "$BIN" report p.yaml --no-diagrams -o ./p.yaml
expect 73 "hip/shared/community-rehabilitation.yaml" -- "$BIN" export fhir hip/hip-fracture.yaml -o hip/shared/community-rehabilitation.yaml
expect 73 "is a folder" -- "$BIN" export dot p.yaml -o out
expect 73 "is a folder" -- "$BIN" schema -o out
expect 73 "leads back to itself" -- "$BIN" export dot p.yaml -o loop-a.yaml
[ "$(sha256sum p.yaml)" = "$original" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: p.yaml was changed" >&2; }
expect 0 "" -- "$BIN" export fhir p.yaml -o /dev/null
[ -c /dev/null ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: /dev/null was replaced" >&2; }
expect 0 "" -- "$BIN" export fhir p.yaml -o out/p.fhir.json
expect 0 "" -- "$BIN" export fhir p.yaml -o hard.yaml --overwrite-input
# hard.yaml is another name for p.yaml: with --overwrite-input the file both names share is
# rewritten (the hard link is kept), as asked; put the pathway back for the checks below.
grep -q '"resourceType"' p.yaml && [ "$(stat -c %i p.yaml)" = "$(stat -c %i hard.yaml)" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: --overwrite-input through a hard link" >&2; }
cp "$ROOT/Examples/minimal/gp-to-clinic.yaml" p.yaml
expect 66 "symlink loop" -- "$BIN" validate loop-a.yaml
expect 66 "device" -- "$BIN" validate /dev/zero
expect 1 "symlink loop" -- "$BIN" validate .
expect 66 "cannot find" -- "$BIN" export fhir missing.yaml
ln -s .. out/up
expect 1 "not searched again" -- "$BIN" validate .
# Issue 18: a link to / or /proc inside a folder made validate and compare walk the whole file system.
mkdir -p walk && cp p.yaml walk/ && ln -s / walk/root && ln -s /proc walk/proc
expect 0 "'walk/root' is a link to a folder outside the one searched" -- timeout 10 "$BIN" validate walk
expect 0 "'walk/proc' is a link to a folder outside the one searched" -- timeout 10 "$BIN" compare p.yaml walk

# validate - reads standard input, named by --stdin-name in messages (issue 16).
expect 1 "dvt.yaml:" -- bash -c "sed 's/next: leg-ultrasound/next: leg-ultrasund/' '$ROOT/Pathways/suspected-dvt.yaml' | '$BIN' validate - --stdin-name dvt.yaml"
expect 0 "0 errors, 0 warnings in 1 file" -- bash -c "'$BIN' validate - < '$ROOT/Pathways/suspected-dvt.yaml'"

# format --write rewrites the file a symbolic link names, and the link stays a link; the
# comments stay (issue 16) and the result is in the canonical layout.
cp "$ROOT/Pathways/suspected-dvt.yaml" dvt.yaml
ln -s dvt.yaml dvt-link.yaml
expect 0 "" -- "$BIN" format --write dvt-link.yaml
[ -L dvt-link.yaml ] && [ "$(grep -c '#' dvt.yaml)" = "$(grep -c '#' "$ROOT/Pathways/suspected-dvt.yaml")" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: format --write replaced the link or lost comments" >&2; }
expect 0 "" -- "$BIN" format --check dvt-link.yaml
expect 64 "--line-width must be at least 20" -- "$BIN" format --line-width 5 dvt.yaml

# Simulation memory: a cohort too large to hold is refused before it starts.
sed 's/^arrivals: .*/arrivals: { cohort: 2000000000 }/' p.yaml > cohort.yaml
expect 1 "CP530" -- "$BIN" simulate cohort.yaml
expect 1 "CP532" -- "$BIN" simulate p.yaml --patients 1 --replications 1000000000
# Issue 18: a cohort run by days skipped the memory refusal; an absurd arrival rate ran until memory ran out.
expect 1 "CP530" -- timeout 20 "$BIN" simulate cohort.yaml --days 30
sed 's/^arrivals: .*/arrivals: { rate: 1000000000 per day }/' p.yaml > flood.yaml
expect 1 "CP533" -- timeout 20 "$BIN" simulate flood.yaml --days 3 --event-log flood.csv
[ ! -e flood.csv ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: a refused run wrote an event log" >&2; }
expect 2 "CP533" -- timeout 20 "$BIN" diff flood.yaml flood.yaml --impact --days 3
expect 1 "CP531" -- "$BIN" simulate "$ROOT/Examples/queueing/overloaded.yaml" --days 3650 --max-memory 16MiB --jobs 1
expect 64 "--max-memory takes a size" -- "$BIN" simulate p.yaml --max-memory lots

# Run options are checked the same way by every command that simulates.
expect 64 "--days must be" -- "$BIN" simulate p.yaml --days 1e308
# Issue 18: patients × replications overflowed an Int and trapped; an absurd run is refused instead.
expect 64 "--patients must be at most" -- "$BIN" simulate p.yaml --patients 4611686018427387904 --replications 2
expect 64 "--days must be at most" -- "$BIN" simulate p.yaml --days 1e9
expect 64 "--warmup must be" -- "$BIN" report p.yaml --simulate --warmup inf -o out/r.html
expect 64 "--replications must be" -- "$BIN" diff p.yaml p.yaml --impact --replications 0

# Issue 18: output lost on a full device is exit 74 with a message, never a crash or exit 0.
full() { "$@" > /dev/full; }
expect 74 "cannot write to standard output" -- full "$BIN" schema
expect 74 "cannot write to standard output" -- full "$BIN" export dot p.yaml
expect 74 "cannot write to standard output" -- full "$BIN" validate p.yaml
expect 74 "cannot write to standard output" -- full "$BIN" simulate p.yaml --replications 2 --patients 50
ln -sf /dev/full full-log.csv
expect 73 "cannot write the event log" -- "$BIN" simulate p.yaml --replications 2 --patients 50 --event-log full-log.csv

# Issue 18: export svg killed by SIGTERM left its dot child running and its temporary folder behind.
python3 - > wide.yaml <<'PY'
print("carepath: 1\nid: wide\ntitle: Wide\norganisations:\n  a: { name: A, type: acute }\nstart: s0\nsteps:")
for i in range(3000):
    nxt = f"s{i + 1}" if i < 2999 else "done"
    alt = f"s{(i * 7919) % 3000}"
    print(f"  s{i}: {{ kind: decision, branches: [{{ to: {nxt}, probability: 0.99 }}, {{ to: x{i}, probability: 0.01 }}] }}")
    print(f"  x{i}: {{ kind: assessment, organisation: a, duration: 5 min, next: {nxt} }}")
print("  done: { kind: end, outcome: ok }")
PY
mkdir -p svgtmp
TMPDIR="$WORK/svgtmp" "$BIN" export svg wide.yaml -o wide.svg 2>/dev/null &
svgpid=$!
dotseen=no
for _ in $(seq 1 200); do pgrep -f "$WORK/svgtmp/carepath-svg" >/dev/null && { dotseen=yes; break; }; sleep 0.1; done
kill -TERM "$svgpid"; wait "$svgpid"; svgstatus=$?
sleep 0.5
if [ "$dotseen" = yes ] && [ "$svgstatus" -eq 143 ] && ! pgrep -f "$WORK/svgtmp/carepath-svg" >/dev/null && [ -z "$(ls -A svgtmp)" ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "cli.sh: FAILED: export svg after SIGTERM: dot seen running: $dotseen, exit $svgstatus, left: $(pgrep -fa "$WORK/svgtmp" | head -2) $(ls -A svgtmp)" >&2
fi

# Issue 18: -o and format --write replaced files by rename, so a 0600 file became 0644, a
# read-only file was overwritten and hard links broke; -o out-dir/ wrote a file named out-dir.
"$BIN" export dot p.yaml -o private.dot && chmod 600 private.dot
expect 0 "" -- "$BIN" export mermaid p.yaml -o private.dot
[ "$(stat -c %a private.dot)" = 600 ] && grep -q "flowchart" private.dot && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: -o did not keep mode 600 ($(stat -c %a private.dot))" >&2; }
cp private.dot locked.dot && chmod 444 locked.dot
expect 73 "is read-only" -- "$BIN" export dot p.yaml -o locked.dot
ln private.dot private-twin.dot
expect 0 "" -- "$BIN" export dot p.yaml -o private.dot
[ "$(stat -c %i private.dot)" = "$(stat -c %i private-twin.dot)" ] && grep -q "digraph" private-twin.dot && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: -o broke a hard link" >&2; }
ln -s private.dot private-link.dot
expect 0 "" -- "$BIN" export mermaid p.yaml -o private-link.dot
[ -L private-link.dot ] && grep -q "flowchart" private.dot && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: -o replaced a symbolic link" >&2; }
expect 73 "names a folder" -- "$BIN" export dot p.yaml -o not-yet-a-folder/
[ ! -e not-yet-a-folder ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: -o dir/ wrote a file" >&2; }
# An event log is replaced only by a run that finished: a run stopped by the memory limit keeps the old log.
echo "old log" > kept.csv
expect 1 "CP531" -- "$BIN" simulate "$ROOT/Examples/queueing/overloaded.yaml" --days 3650 --max-memory 16MiB --jobs 1 --event-log kept.csv
[ "$(cat kept.csv)" = "old log" ] && [ -z "$(ls -A | grep carepath- || true)" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "cli.sh: FAILED: a failed run changed the event log or left a temporary file" >&2; }

# Issue 18: an unreadable file named on the command line exited 1 (a pathway error), not 66.
# Root reads anything, so this runs as 'nobody' when the script runs as root.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 && command -v su >/dev/null; then
    cp p.yaml unreadable.yaml && chmod 000 unreadable.yaml && chmod 711 "$WORK"
    expect 66 "cannot read" -- su nobody -s /bin/sh -c "'$BIN' validate '$WORK/unreadable.yaml'"
    expect 66 "cannot read" -- su nobody -s /bin/sh -c "'$BIN' export fhir '$WORK/unreadable.yaml'"
fi

# Issue 18: a rate of 0 was "says nothing about how patients arrive"; a huge whole number "not a whole number".
sed 's/^arrivals: .*/arrivals: { rate: 0 per week }/' p.yaml > rate0.yaml
expect 1 "bring no patients (a rate of 0)" -- "$BIN" simulate rate0.yaml
sed 's/capacity: 2/capacity: 5000000000000/' p.yaml > bigint.yaml
expect 1 "too large: it must be less than 1,000,000,000,000" -- "$BIN" validate bigint.yaml

# Issue 18: a negative number after an option said "Missing value".
expect 64 "The value '-5' is invalid for '--seed <seed>'" -- "$BIN" simulate p.yaml --seed -5
expect 64 "--max-memory takes a size" -- "$BIN" simulate p.yaml --max-memory -1

# A file named like an option is read after `--` (Docs/commands.md).
cp p.yaml ./-help.yaml
expect 0 "0 errors" -- "$BIN" validate -- -help.yaml

# Issue 18: --min-score nan always passed, and a score below it exited 1 without a word.
expect 64 "--min-score must be a conformance score from 0 to 100" -- "$BIN" compare "$ROOT/Examples/region/standard.yaml" "$ROOT/Examples/region" --min-score nan
expect 1 "conformance below --min-score" -- "$BIN" compare "$ROOT/Examples/region/standard.yaml" "$ROOT/Examples/region" --min-score 99.9

# Issue 17: diagnostics on a terminal are coloured unless NO_COLOR is set (or TERM is dumb);
# `script` gives the command a terminal for standard error.
printf 'id: x\ntitle: X\nstart: a\nsteps:\n  a: { kind: nonsense }\n' > colour.yaml
coloured() { TERM=xterm script -qec "$*" /dev/null 2>/dev/null | grep -c $'\e\[' ; }
if [ "$(coloured "'$BIN' validate colour.yaml")" -gt 0 ] && [ "$(coloured "NO_COLOR=1 '$BIN' validate colour.yaml")" -eq 0 ] \
   && [ "$(coloured "TERM=dumb '$BIN' validate colour.yaml")" -eq 0 ] && [ "$(coloured "NO_COLOR=1 '$BIN' simulate colour.yaml")" -eq 0 ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "cli.sh: FAILED: diagnostics on a terminal ignore NO_COLOR or TERM=dumb, or are never coloured" >&2
fi

# The help shown in Docs/commands.md is what the binary prints.
(cd "$ROOT" && python3 .ci/help_blocks.py "$BIN") && passed=$((passed + 1)) || failed=$((failed + 1))
# Every `<!-- run: carepath … -->` example in Docs/ prints what the page shows.
(cd "$ROOT" && python3 .ci/doc_runs.py "$BIN") && passed=$((passed + 1)) || failed=$((failed + 1))

echo "cli.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
