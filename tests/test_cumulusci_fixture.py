"""A CumulusCI project: namespace tokens in Apex, markup and metadata parse clean.

`fixtures/cumulusci` writes `%%%NAMESPACE%%%`, `%%%NAMESPACED_ORG%%%` and `%%%NAMESPACE_DOT%%%`
where the namespace goes. The tokens are replaced before parsing, so no file may raise a parse
notification, and every finding must still point at the column of the file as written (after
the tokens, which are longer than what replaces them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "fixtures" / "cumulusci"
DEFAULT = "fixtures/cumulusci/force-app/main/default"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan(ScanOptions(paths=(PACKAGE,), root=REPO, jobs=1))


def _column_as_written(rel: str, line: int, needle: str) -> int:
    text = (REPO / rel).read_text(encoding="utf-8").split("\n")[line - 1]
    assert "%%%" in text, "the case needs a token before the source on its line"
    return text.index(needle) + 1


def test_namespace_tokens_raise_no_notifications(result: ScanResult) -> None:
    assert result.package.namespace == "ccx"
    assert [(n.code, n.path, n.message) for n in result.notifications] == []


@pytest.mark.parametrize(("rel", "line", "rule", "needle"), [
    (f"{DEFAULT}/classes/PartnerSync.cls", 7, "SID003", "UserInfo.getSessionId()"),
    (f"{DEFAULT}/pages/PartnerLanding.page", 4, "SID002", "{!$Api.Session_ID}"),
    (f"{DEFAULT}/objects/Account/webLinks/Open_Landing.webLink-meta.xml", 11, "SID006", "{!$Api.Session_ID}"),
])
def test_sources_after_tokens_keep_their_written_column(result: ScanResult, rel: str, line: int, rule: str,
                                                        needle: str) -> None:
    (finding,) = [f for f in result.findings if f.location.path == rel and f.rule_id == rule
                  and f.location.span.start_line == line]
    assert finding.source is not None
    span = finding.source.span
    assert (span.start_line, span.start_col) == (line, _column_as_written(rel, line, needle))
    assert span.end_col - span.start_col == len(needle)


def test_tokens_take_the_namespace_in_messages(result: ScanResult) -> None:
    messages = " ".join(f.message for f in result.findings)
    assert "ccx__PartnerLanding" in messages and "%%%" not in messages
