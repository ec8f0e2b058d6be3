"""Fixes are offered only where the rewrite is mechanical and safe, and applying one removes the finding."""

from __future__ import annotations

import shutil
from pathlib import Path

from apexlint.engine import ScanOptions, scan
from apexlint.findings import Finding
from apexlint.read.source import SourceText

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "fixtures" / "metadata-mdapi"


def _apply(text: str, finding: Finding) -> str:
    assert finding.fix is not None
    lines = text.split("\n")
    for rep in finding.fix.replacements:
        row = rep.span.start_line - 1
        src = SourceText("f", text, text)
        before = src.text_of(type(rep.span)(rep.span.start_line, 1, rep.span.start_line, rep.span.start_col))
        after = lines[row][len(src.text_of(rep.span)) + len(before):]
        lines[row] = before + rep.text + after
    return "\n".join(lines)


def test_outbound_message_fix_turns_the_session_off_and_the_finding_goes_away(tmp_path: Path) -> None:
    copy = tmp_path / "pkg"
    shutil.copytree(PACKAGE, copy)
    result = scan(ScanOptions(paths=(copy,), root=tmp_path, jobs=1))
    fixable = [f for f in result.findings if f.rule_id == "SID005"]
    assert fixable and all(f.fix is not None for f in fixable)
    for f in fixable:
        path = tmp_path / f.location.path
        path.write_text(_apply(path.read_text(encoding="utf-8"), f), encoding="utf-8")
        assert "<includeSessionId>false</includeSessionId>" in path.read_text(encoding="utf-8").split("\n")[
            f.location.span.start_line - 1]
    again = scan(ScanOptions(paths=(copy,), root=tmp_path, jobs=1))
    assert not [f for f in again.findings if f.rule_id == "SID005"]


def test_findings_without_a_safe_rewrite_carry_no_fix() -> None:
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "vulnerable-sfdx",), root=REPO, jobs=1))
    assert all(f.fix is None for f in result.findings if f.rule_id != "SID005")


def test_outbound_message_finding_names_the_user_whose_session_it_sends() -> None:
    result = scan(ScanOptions(paths=(PACKAGE,), root=REPO, jobs=1))
    messages = {f.message for f in result.findings if f.rule_id == "SID005"}
    assert messages and all("of its 'User to send as' (integration@mdx.example.com) to https://" in m
                            for m in messages), messages
