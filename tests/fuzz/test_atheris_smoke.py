"""A short atheris run of every fuzz target: only with `APEXLINT_FUZZ=1` and atheris installed.

The default test run skips this; the hypothesis properties in tests/test_fuzz_properties.py
cover the same targets there. Longer campaigns: see tests/fuzz/harness.py.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.inputs import KINDS, REPO

pytestmark = pytest.mark.skipif(
    os.environ.get("APEXLINT_FUZZ") != "1" or importlib.util.find_spec("atheris") is None,
    reason="fuzzing runs only with APEXLINT_FUZZ=1 and atheris installed")

RUNS = os.environ.get("APEXLINT_FUZZ_RUNS", "2000")
TARGETS = ("decode", "merge-fields", "zip", *(f"lower-{suffix}" for suffix in sorted(KINDS)), "pipeline")


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_target_finds_no_crash(target: str, tmp_path: Path) -> None:
    runs = "200" if target == "pipeline" else RUNS
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fuzz.harness", target, f"-runs={runs}", "-max_total_time=120",
         f"-artifact_prefix={tmp_path}/"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=600,
        check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
