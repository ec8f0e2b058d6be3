"""The data flow analyses only the methods a session can reach (the demand set) and must give
exactly what analysing every method gives: same findings, messages and source verdicts.

Checked on every fixture package (with and without test code) and on a generated package whose
planted flows cross classes through shared clients, loggers, fields and async entry points.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from benchmarks.generate import generate

REPO = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir())


def _outcome(result: ScanResult) -> tuple[list[tuple[str, str, int, int, str, str]], list[tuple[str, tuple[str, ...]]]]:
    findings = [(f.rule_id, f.location.path, f.location.span.start_line, f.location.span.start_col, f.message,
                 f.fingerprint) for f in result.findings]
    verdicts = [(v.source_id, v.rule_ids) for v in result.verdicts]
    return findings, verdicts


def _both(root: Path, include_tests: bool) -> tuple[ScanResult, ScanResult]:
    demand = scan(ScanOptions(paths=(root,), root=REPO if root.is_relative_to(REPO) else root, jobs=1,
                              include_tests=include_tests))
    exhaustive = scan(ScanOptions(paths=(root,), root=REPO if root.is_relative_to(REPO) else root, jobs=1,
                                  include_tests=include_tests, exhaustive=True))
    return demand, exhaustive


@pytest.mark.parametrize("include_tests", [False, True], ids=["shipped", "with-tests"])
@pytest.mark.parametrize("package", PACKAGES)
def test_demand_set_gives_the_exhaustive_result_on_fixtures(package: str, include_tests: bool) -> None:
    demand, exhaustive = _both(REPO / "fixtures" / package, include_tests)
    assert _outcome(demand) == _outcome(exhaustive)


def test_demand_set_gives_the_exhaustive_result_on_a_generated_package(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    generate(root, 60, seed=11)
    demand, exhaustive = _both(root, include_tests=False)
    assert _outcome(demand) == _outcome(exhaustive)
    assert demand.findings, "the generated package plants session flows: the comparison must not be vacuous"
