#!/usr/bin/env python3
"""Keeps the command examples in Docs/*.md true: each `<!-- run: carepath ARGS -->` comment is
followed by a ```text block that shows `$ carepath ARGS`, what the command printed (standard
output, then standard error) and `(exit status N)`. This runs every such command with the binary
and compares.

    python3 .ci/doc_runs.py BIN            check: exit 1, printing a diff for each stale block
    python3 .ci/doc_runs.py BIN --update   rewrite the stale blocks from the binary (read the diff)
"""
import difflib
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

# A command starts with carepath, or with sed (a mistake made in a copy of a file, piped to
# `carepath validate - --stdin-name FILE`), so quoted diagnostics are checked like any output.
BLOCK = re.compile(r"<!-- run: ((?:carepath|sed) [^\n]*?) -->\n```text\n(.*?)```", re.S)


def run(binary: str, command: str) -> str:
    """What the block should show. A plain command shows its exit status; a shell line (a pipe
    or `&&`) runs in bash with `carepath` on the PATH and shows only its output."""
    if any(op in command for op in ("|", "&&", ";", ">")):
        with tempfile.TemporaryDirectory() as folder:
            os.symlink(os.path.abspath(binary), os.path.join(folder, "carepath"))
            env = dict(os.environ, PATH=folder + os.pathsep + os.environ.get("PATH", ""))
            result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300, env=env)
        return f"$ {command}\n{result.stdout}{result.stderr}"
    args = shlex.split(command)
    result = subprocess.run([binary] + args[1:], capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    if out and not out.endswith("\n"):
        out += "\n"
    return f"$ {command}\n{out}(exit status {result.returncode})\n"


def main() -> int:
    binary, update = sys.argv[1], "--update" in sys.argv[2:]
    stale = 0
    checked = 0
    for doc in sorted(pathlib.Path("Docs").glob("*.md")) + [pathlib.Path("README.md")]:
        text = doc.read_text()

        def replace(match: re.Match) -> str:
            nonlocal stale, checked
            checked += 1
            command, shown = match.group(1), match.group(2)
            actual = run(binary, command)
            if actual != shown:
                stale += 1
                line = text[: match.start()].count("\n") + 1
                print(f"{doc}:{line}: `{command}` prints something else now:")
                sys.stdout.writelines(difflib.unified_diff(
                    shown.splitlines(keepends=True), actual.splitlines(keepends=True), "shown", "printed"))
            return f"<!-- run: {command} -->\n```text\n{actual}```"

        new = BLOCK.sub(replace, text)
        if update and new != text:
            doc.write_text(new)
    verb = "rewrote" if update else "found"
    print(f"doc_runs.py: {checked} command examples, {verb} {stale} stale")
    return 0 if update or stale == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
