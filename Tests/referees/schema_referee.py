#!/usr/bin/env python3
"""Schema referee: the editor's JSON Schema and `carepath validate` must agree.

A clinical lead edits pathways in VS Code, whose YAML extension checks each file against
`Docs/carepath.schema.json` (YAML 1.2, as every current YAML tool reads it). If the schema
underlines text that `carepath validate` accepts, the lead is told a correct file is wrong; if
carepath refuses a file the editor was happy with, the lead must know why. This referee runs
both judges on every file of the corpora and compares their verdicts:

- `carepath validate FILE --format json` (accepts when it exits 0: no errors; warnings allowed);
- check-jsonschema (PyPI, an independent JSON Schema validator that reads YAML with
  ruamel.yaml, a YAML 1.2 reader) with the schema `carepath schema` prints.

The corpora: Pathways/ and Examples/ (every *.yaml), the YAML examples of Docs/*.md (each
written as `Pathways/docs-example.yaml` in a copy of Pathways/, as DocsExamplesTests loads
them), Tests/PathwayLanguageTests/BadInput/, and the focused files in
Tests/referees/schema-cases/, whose names state the verdict they pin:

- `accept-*.yaml`: both accept;
- `reject-*.yaml`: both reject;
- `carepath-only-*.yaml`: carepath rejects, the schema accepts (a documented difference).

Verdicts:
- both accept or both reject: agreement;
- the schema rejects what carepath accepts: always a failure (the editor would underline
  correct text);
- carepath rejects what the schema accepts: expected only when every error code carepath gives
  is listed in the table of Docs/language.md's section "Editors and the JSON Schema" (checks a
  schema cannot make: references, graph shape, condition types, data flow); otherwise a
  failure, as an undocumented difference.

Usage: schema_referee.py CAREPATH_BIN REPO_ROOT [--check-jsonschema PATH] [--self-test]
Prints one line per disagreement and closes with `schema_referee.py: N passed, M failed`.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LIMIT_FLAGS = {
    "maxFileBytes": "--max-file-bytes", "maxDepth": "--max-depth", "maxNodes": "--max-nodes",
    "maxSteps": "--max-steps", "maxExpressionLength": "--max-expression-length",
    "maxExpressionDepth": "--max-expression-depth", "maxIncludeDepth": "--max-include-depth",
}
SECTION = "## Editors and the JSON Schema"


@dataclass
class Case:
    """One file both judges read."""
    label: str
    path: Path
    extra_args: list[str] = field(default_factory=list)
    pinned: str | None = None  # "accept", "reject" or "carepath-only" for the focused files
    carepath_ok: bool | None = None
    carepath_codes: list[str] = field(default_factory=list)
    carepath_errors: list[tuple[str, str]] = field(default_factory=list)
    schema_ok: bool | None = None
    schema_messages: list[str] = field(default_factory=list)


# MARK: - Corpora

def corpus_files(root: Path) -> list[Case]:
    cases = []
    for folder in ["Pathways", "Examples"]:
        for path in sorted((root / folder).rglob("*.y*ml")):
            cases.append(Case(str(path.relative_to(root)), path))
    for path in sorted((root / "Tests/PathwayLanguageTests/BadInput").glob("*.yaml")):
        cases.append(Case(str(path.relative_to(root)), path))
    for path in sorted((root / "Tests/referees/schema-cases").glob("*.yaml")):
        name = path.name
        pinned = next((p for p in ["carepath-only", "accept", "reject"] if name.startswith(p + "-")), None)
        cases.append(Case(str(path.relative_to(root)), path, pinned=pinned or "unnamed"))
    return cases


def doc_examples(root: Path, workdir: Path) -> list[Case]:
    """The YAML examples of Docs/*.md, read by the rules DocsExamplesTests states."""
    cases = []
    pathways = workdir / "Pathways"
    shutil.copytree(root / "Pathways", pathways, ignore=shutil.ignore_patterns("*.md", "*.csv", "*.py"))
    count = 0
    for doc in sorted((root / "Docs").glob("*.md")):
        lines = doc.read_text(encoding="utf-8").split("\n")
        i = 0
        while i < len(lines):
            opening = lines[i].strip()
            if not opening.startswith("```"):
                i += 1
                continue
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith("```"):
                end += 1
            start_line, body = i + 1, lines[i + 1:end]
            i = end + 1
            if opening != "```yaml" or any(b.strip() in ("...", "…") for b in body):
                continue
            prev = start_line - 2
            while prev >= 0 and not lines[prev].strip():
                prev -= 1
            comment = lines[prev].strip() if prev >= 0 else ""
            marked = comment.startswith("<!-- example:") and comment.endswith("-->")
            text = "\n".join(body) + "\n"
            if not marked and "carepath: 1" not in text:
                continue
            if not marked and not any(b.startswith("steps:") for b in body):
                continue
            extra, raw_bytes = [], False
            if marked:
                for word in comment[len("<!-- example:"):-3].split()[1:]:
                    if word == "bytes":
                        raw_bytes = True
                    elif "=" in word:
                        name, value = word.split("=", 1)
                        extra += [LIMIT_FLAGS[name], value]
            count += 1
            # Each example is the file Pathways/docs-example.yaml; copies are numbered so one
            # check-jsonschema run reads them all, and moved into place for carepath.
            path = workdir / f"example-{count:03d}.yaml"
            path.write_bytes(unescape_bytes(text) if raw_bytes else text.encode("utf-8"))
            cases.append(Case(f"Docs/{doc.name}:{start_line}", path, extra_args=extra))
    return cases


def unescape_bytes(text: str) -> bytes:
    return re.sub(rb"\\x([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text.encode("utf-8"))


@dataclass
class Difference:
    """A row of the table of expected differences: codes, and the phrases that narrow them."""
    codes: set[str]
    phrases: list[str]

    def covers(self, code: str, message: str) -> bool:
        return code in self.codes and (not self.phrases or any(p in message for p in self.phrases))


def documented_differences(root: Path) -> list[Difference]:
    """The table of Docs/language.md's section on the JSON Schema: | codes | phrases | why |.

    Codes are listed (`CP101, CP103`) or given as ranges (`CP201 to CP219`); phrases are
    written in backticks, and a row without any covers every message of its codes.
    """
    text = (root / "Docs/language.md").read_text(encoding="utf-8")
    start = text.find("\n" + SECTION + "\n")
    if start < 0:
        return []
    rest = text[start + len(SECTION) + 2:]
    following = re.search(r"^## ", rest, re.M)
    section = rest[:following.start()] if following else rest
    rows = []
    for line in section.split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) < 3 or not cells[0].startswith("CP"):
            continue
        codes = set(re.findall(r"CP[0-9]{3}", cells[0]))
        for low, high in re.findall(r"CP([0-9]{3}) to CP([0-9]{3})", cells[0]):
            codes.update(f"CP{n:03d}" for n in range(int(low), int(high) + 1))
        rows.append(Difference(codes, re.findall(r"`([^`]+)`", cells[1])))
    return rows


# MARK: - The two judges

def run_carepath(binary: str, case: Case, workdir: Path) -> None:
    path = case.path
    if case.label.startswith("Docs/"):
        path = workdir / "Pathways" / "docs-example.yaml"
        shutil.copyfile(case.path, path)
    proc = subprocess.run([binary, "validate", str(path), "--format", "json", "--color", "never", *case.extra_args],
                          capture_output=True, timeout=120)
    case.carepath_ok = proc.returncode == 0
    try:
        report = json.loads(proc.stdout.decode("utf-8"))
        errors = [d for d in report.get("diagnostics", []) if d.get("severity") == "error"]
    except (ValueError, UnicodeDecodeError):
        errors = [{"code": f"exit {proc.returncode}", "message": proc.stderr.decode("utf-8", "replace").strip()}]
    case.carepath_codes = sorted({d.get("code", "?") for d in errors})
    case.carepath_errors = [(d.get("code", "?"), d.get("message", "")) for d in errors]
    if proc.returncode not in (0, 1):
        case.carepath_codes = case.carepath_codes or [f"exit {proc.returncode}"]


def run_schema(checker: str, schema: Path, cases: list[Case]) -> None:
    """One check-jsonschema run over every file; its JSON report names each file's errors.

    Files that carepath refuses for their nesting or alias expansion (CP008, CP009) are checked
    alone, with a time limit: ruamel.yaml overflows Python's stack on 1,000 nested levels, and
    a validator walking an alias bomb's expansion takes minutes. If a run crashes, the files
    are halved until the one the tool cannot read is found. A file the tool cannot read or
    finish counts as rejected: an editor cannot check it either.
    """
    hostile = [c for c in cases if {"CP008", "CP009"} & set(c.carepath_codes)]
    problems = check_split(checker, schema, [c.path for c in cases if c not in hostile])
    for case in hostile:
        problems |= check_split(checker, schema, [case.path], timeout=20)
    for case in cases:
        found = problems.get(os.path.abspath(case.path), [])
        case.schema_ok = not found
        case.schema_messages = found


def check_split(checker: str, schema: Path, paths: list[Path], timeout: float = 600) -> dict[str, list[str]]:
    try:
        problems = check_batch(checker, schema, paths, timeout)
    except subprocess.TimeoutExpired:
        if len(paths) == 1:
            return {os.path.abspath(paths[0]): [f"check-jsonschema did not finish in {timeout:g} s"]}
        problems = None
    if problems is not None:
        return problems
    if len(paths) == 1:
        return {os.path.abspath(paths[0]): ["check-jsonschema cannot read it (it crashes)"]}
    half = len(paths) // 2
    return check_split(checker, schema, paths[:half], timeout) | check_split(checker, schema, paths[half:], timeout)


def check_batch(checker: str, schema: Path, paths: list[Path], timeout: float) -> dict[str, list[str]] | None:
    """Each file's schema errors by absolute path, or None when check-jsonschema failed to run."""
    proc = subprocess.run([checker, "--schemafile", str(schema), "--default-filetype", "yaml",
                           "-o", "json", *map(str, paths)], capture_output=True, timeout=timeout)
    if proc.returncode not in (0, 1):
        return None
    try:
        report = json.loads(proc.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    problems: dict[str, list[str]] = {}
    for error in report.get("errors", []):
        problems.setdefault(os.path.abspath(error["filename"]), []).append(f"{error.get('path')}: {error.get('message')}")
    for error in report.get("parse_errors", []):
        problems.setdefault(os.path.abspath(error["filename"]), []).append(f"not YAML to a YAML 1.2 reader: {error.get('message')}")
    return problems


# MARK: - Verdicts

def judge(case: Case, documented: list[Difference]) -> str | None:
    """None when the two agree (or differ as documented), else why this case fails."""
    both = f"carepath {'accepts' if case.carepath_ok else 'rejects ' + ','.join(case.carepath_codes)}; " \
           f"schema {'accepts' if case.schema_ok else 'rejects'}"
    if case.pinned == "unnamed":
        return "a focused file's name must start with accept-, reject- or carepath-only-"
    if case.pinned == "accept" and not (case.carepath_ok and case.schema_ok):
        return f"pinned accept, but {both}: {'; '.join(case.schema_messages[:2] + [f'{c}: {m}' for c, m in case.carepath_errors[:2]])}"
    if case.pinned == "reject" and (case.carepath_ok or case.schema_ok):
        return f"pinned reject, but {both}"
    if case.pinned == "carepath-only" and (case.carepath_ok or not case.schema_ok):
        return f"pinned carepath-only, but {both}"
    if case.carepath_ok and not case.schema_ok:
        return f"SCHEMA REJECTS WHAT CAREPATH ACCEPTS: {'; '.join(case.schema_messages[:3])}"
    if not case.carepath_ok and case.schema_ok:
        undocumented = [(c, m) for c, m in case.carepath_errors if not any(d.covers(c, m) for d in documented)]
        if undocumented or not case.carepath_errors:
            shown = "; ".join(f"{c}: {m[:160]}" for c, m in (undocumented or [(f"exit", "no error reported")])[:3])
            return (f"UNDOCUMENTED DIFFERENCE: carepath rejects, the schema accepts, and Docs/language.md's "
                    f"\"{SECTION[3:]}\" does not list: {shown}")
    return None


def referee(binary: str, root: Path, checker: str, schema_text: str | None = None, quiet: bool = False,
            only: str | None = None) -> tuple[int, int, list[Case]]:
    with tempfile.TemporaryDirectory(prefix="schema-referee-") as tmp:
        workdir = Path(tmp)
        schema = workdir / "carepath.schema.json"
        if schema_text is None:
            schema_text = subprocess.run([binary, "schema"], capture_output=True, check=True, text=True).stdout
            published = (root / "Docs/carepath.schema.json").read_text(encoding="utf-8")
            if schema_text != published:
                sys.exit("schema_referee.py: Docs/carepath.schema.json differs from `carepath schema`; regenerate it")
        schema.write_text(schema_text, encoding="utf-8")
        cases = corpus_files(root) + doc_examples(root, workdir)
        if only:
            cases = [c for c in cases if c.label.startswith(only)]
        for case in cases:
            run_carepath(binary, case, workdir)
        run_schema(checker, schema, cases)
        documented = documented_differences(root)
        if not documented:
            print(f"schema_referee.py: Docs/language.md has no \"{SECTION[3:]}\" table of codes", file=sys.stderr)
        passed = failed = 0
        expected: dict[str, int] = {}
        for case in cases:
            problem = judge(case, documented)
            if problem:
                failed += 1
                if not quiet:
                    print(f"FAIL {case.label}: {problem}")
            else:
                passed += 1
                if not case.carepath_ok and case.schema_ok:
                    for code in case.carepath_codes:
                        expected[code] = expected.get(code, 0) + 1
        if not quiet:
            accepted = sum(1 for c in cases if c.carepath_ok and c.schema_ok)
            rejected = sum(1 for c in cases if not c.carepath_ok and not c.schema_ok)
            print(f"{len(cases)} files: {accepted} accepted by both, {rejected} rejected by both, "
                  f"{sum(1 for c in cases if not c.carepath_ok and c.schema_ok)} rejected by carepath only")
            if expected:
                print("documented differences (carepath rejects, the schema cannot tell): "
                      + ", ".join(f"{code} x{n}" for code, n in sorted(expected.items())))
        return passed, failed, cases


def self_test(binary: str, root: Path, checker: str) -> None:
    """The referee must notice a schema that rejects valid files: break the status enum."""
    schema = json.loads(subprocess.run([binary, "schema"], capture_output=True, check=True, text=True).stdout)
    schema["properties"]["status"] = {"description": "broken on purpose", "enum": ["draft"]}
    passed, failed, cases = referee(binary, root, checker, json.dumps(schema), quiet=True, only="Pathways/")
    caught = [c for c in cases if c.carepath_ok and not c.schema_ok]
    if not caught or failed < len(caught):
        sys.exit("schema_referee.py: self-test failed: a schema refusing `status: active` went unnoticed")
    print(f"self-test: a schema that refuses `status: active` fails {len(caught)} valid files, as it should")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("root", type=Path)
    parser.add_argument("--check-jsonschema", default=shutil.which("check-jsonschema") or "check-jsonschema")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if not shutil.which(args.check_jsonschema) and not Path(args.check_jsonschema).exists():
        sys.exit("schema_referee.py: check-jsonschema is not installed (run .ci/schema.sh)")
    if args.self_test:
        self_test(args.binary, args.root.resolve(), args.check_jsonschema)
        return
    passed, failed, cases = referee(args.binary, args.root.resolve(), args.check_jsonschema)
    if not cases:
        print("schema_referee.py: no files to check", file=sys.stderr)
        failed += 1
    print(f"schema_referee.py: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
