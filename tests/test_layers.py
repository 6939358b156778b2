"""The packages' layers, as import-linter checks them (its contracts are in pyproject.toml): core <-
broadcast <- console <- followup, the line server (telephony) importing none of them, and no circle
between the modules of a package. A wrong import fails here with import-linter's report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_imports_keep_to_the_layers() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        pytest.fail(f"{lint_imports} is missing: install requirements-dev.txt", pytrace=False)
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(result.stdout + result.stderr, pytrace=False)
