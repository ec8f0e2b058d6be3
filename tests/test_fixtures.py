"""The fixture packages are the rule tests: findings must match the inline annotations exactly.

A finding that appears, disappears or moves fails here, with the file and line named.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from tests.annotations import read_annotations

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
PACKAGES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []


def _scan(package: str) -> ScanResult:
    return scan(ScanOptions(paths=(FIXTURES / package,), root=REPO, jobs=1))


@pytest.fixture(scope="module", params=PACKAGES)
def scanned(request: pytest.FixtureRequest) -> tuple[str, ScanResult]:
    return request.param, _scan(request.param)


def _fmt(items: set[tuple[str, int, str]]) -> str:
    return "\n".join(f"  {path}:{line}: {rule}" for path, line, rule in sorted(items))


def test_findings_match_annotations(scanned: tuple[str, ScanResult]) -> None:
    package, result = scanned
    marks = read_annotations(FIXTURES / package, REPO)
    actual = {(f.location.path, f.location.span.start_line, f.rule_id) for f in result.findings
              if f.suppression is None}
    missing = marks.expected - actual
    unexpected = actual - marks.expected - marks.todo_extra
    assert not missing, f"expected findings that did not appear:\n{_fmt(missing)}"
    assert not unexpected, f"findings without a ruleid annotation:\n{_fmt(unexpected)}"
    assert not (marks.forbidden & actual), f"findings marked ok:\n{_fmt(marks.forbidden & actual)}"


def test_every_source_ends_in_a_verdict(scanned: tuple[str, ScanResult]) -> None:
    _, result = scanned
    without = [v for v in result.verdicts if not v.rule_ids and not v.in_test]
    assert not without, "sources without a verdict: " + ", ".join(v.source_id for v in without)


def test_fixture_scans_have_no_internal_errors(scanned: tuple[str, ScanResult]) -> None:
    _, result = scanned
    internal = [n for n in result.notifications if n.code == "internal-error"]
    assert not internal, [n.message for n in internal]
