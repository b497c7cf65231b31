"""Shared set-up for the language server's end-to-end tests: the binary under test
(CAREPATH_BIN, else the debug build) and the fixture pathways."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


def carepath_bin() -> str:
    binary = os.environ.get("CAREPATH_BIN")
    if not binary:
        path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        binary = os.path.join(path, "carepath")
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"carepath binary not found at {binary}; build it or set CAREPATH_BIN")
    return binary


@pytest.fixture
def dvt_folder(tmp_path):
    """A copy of the standard and its overlay, so tests may write edits to disk."""
    folder = tmp_path / "dvt"
    shutil.copytree(FIXTURES / "dvt", folder)
    return folder
