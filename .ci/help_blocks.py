#!/usr/bin/env python3
"""Keeps the `USAGE: carepath COMMAND` blocks in Docs/*.md equal to `carepath COMMAND --help`.

    python3 .ci/help_blocks.py BIN            check: exit 1 naming each stale block
    python3 .ci/help_blocks.py BIN --update   rewrite the stale blocks from the binary
"""
import pathlib
import re
import subprocess
import sys

BLOCK = re.compile(r"```text\n(USAGE: carepath (\w+)[^\n]*\n.*?)```", re.S)


def help_text(binary: str, command: str) -> str:
    out = subprocess.run([binary, command, "--help"], capture_output=True, text=True, check=True).stdout
    start = out.index("USAGE:")
    return out[start:].rstrip("\n") + "\n"


def main() -> int:
    binary, update = sys.argv[1], "--update" in sys.argv[2:]
    stale = []
    for doc in sorted(pathlib.Path("Docs").glob("*.md")):
        text = doc.read_text()

        def replace(match: re.Match) -> str:
            actual = help_text(binary, match.group(2))
            if match.group(1) != actual:
                stale.append(f"{doc}: `carepath {match.group(2)} --help` has changed")
            return "```text\n" + actual + "```"

        new = BLOCK.sub(replace, text)
        if update and new != text:
            doc.write_text(new)
    for line in stale:
        print(("updated " if update else "stale: ") + line, file=sys.stderr)
    if stale and not update:
        print(f"help_blocks.py: rerun with --update: python3 .ci/help_blocks.py {binary} --update", file=sys.stderr)
        return 1
    print(f"help_blocks.py: help blocks in Docs/ match the binary" if not stale else "help_blocks.py: updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
