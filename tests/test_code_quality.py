"""The engine stays lint-clean and type-checks under mypy --strict (STYLE.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
                    reason="ruff is not installed (pip install '.[test]')")
def test_ruff_reports_nothing() -> None:
    result = _run("ruff", "check", "apexlint", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_reports_nothing() -> None:
    pytest.importorskip("mypy")
    result = _run("mypy", "apexlint")
    assert result.returncode == 0, result.stdout + result.stderr
