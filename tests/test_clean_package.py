"""A package with no prohibited session use passes the CI gate.

`fixtures/clean-sfdx` uses a session only for a same-org REST call (a supported use, SID010
note) and otherwise Named Credentials; a test class reads a session too. Gating on errors
must let it through, as a real CI job runs it: the command line, in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLEAN = "fixtures/clean-sfdx"


def _scan(*extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apexlint", "scan", CLEAN, *extra], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False)


def test_clean_package_passes_the_error_gate() -> None:
    done = _scan("--fail-on", "error")
    assert done.returncode == 0, done.stdout + done.stderr


def test_clean_package_reports_only_supported_uses() -> None:
    done = _scan("--format", "json", "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    rules = {f["ruleId"] for f in report["findings"]}
    assert rules == {"SID010"}, rules


def test_clean_package_fails_a_note_gate() -> None:
    """The SID010 note is a real finding: a stricter gate sees it (the gate is not vacuous)."""
    assert _scan("--fail-on", "note").returncode == 1
