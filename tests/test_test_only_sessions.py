"""A session read only while tests run is test code's: `Test.isRunningTest()` branches."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures/vulnerable-sfdx/force-app/main/default/classes/TestOnlySessions.cls"


def test_a_session_only_a_test_run_reads_is_test_code_s() -> None:
    """`Test.isRunningTest() == true ? session : ...`, `if (Test.isRunningTest())`, the `else` of
    `if (!Test.isRunningTest())`: never run in a subscriber's org, not reported; the session read
    where tests do not run (`!Test.isRunningTest() ? session : ...`), or where a condition only
    mentions them (`Test.isRunningTest() || force`), is."""
    result = scan(ScanOptions(paths=(FIXTURE,), root=REPO, jobs=1))
    reported = sorted(f.source.span.start_line for f in result.findings if f.source is not None)
    assert reported == [39, 46]
    assert sorted(v.span.start_line for v in result.verdicts) == [39, 46]  # test code needs no verdict
