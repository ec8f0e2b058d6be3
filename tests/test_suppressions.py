"""Suppression directives: one parser for every comment syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from apexlint.ir import FileKind
from apexlint.lower import LoweringJob, lower_job
from apexlint.lower.suppressions import next_code_line, parse_directive
from apexlint.read.decode import ReadLimits
from apexlint.read.source import SourceText
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package


def test_markup_directive_gives_ids_and_reason() -> None:
    assert parse_directive("<!-- apexlint:disable-next-line SID002 -- partner needs it -->") == (
        ("SID002",), "partner needs it")


def test_line_and_block_comment_directives_are_read_alike() -> None:
    assert parse_directive("// apexlint:disable-next-line SID010 -- AJAX toolkit") == (("SID010",), "AJAX toolkit")
    assert parse_directive("/* apexlint:disable-next-line SID010 -- AJAX toolkit */") == (("SID010",), "AJAX toolkit")
    block = "/*\n * apexlint:disable-next-line SID001\n * -- documented\n * for review\n */"
    assert parse_directive(block) == (("SID001",), "documented for review")


def test_several_ids_may_be_separated_by_commas_or_spaces() -> None:
    assert parse_directive("// apexlint:disable-next-line SID002, sid006 SID010 -- r") == (
        ("SID002", "SID006", "SID010"), "r")


def test_directive_without_reason_has_an_empty_reason() -> None:
    assert parse_directive("<!-- apexlint:disable-next-line SID005 -->") == (("SID005",), "")
    assert parse_directive("// apexlint:disable-next-line SID005 --   ") == (("SID005",), "")


def test_other_comments_are_not_directives() -> None:
    assert parse_directive("// see apexlint:disable-next-line SID002 in the docs") is None
    assert parse_directive("// apexlint:disable-next-lines SID002 -- r") is None
    assert parse_directive("<!-- just a comment -->") is None


def test_target_is_the_next_non_blank_line() -> None:
    text = "// apexlint:disable-next-line SID002 -- r\n\n   \nfetch(x);\n"
    src = SourceText(path="a.js", text=text, parse_text=text)
    assert next_code_line(src, 0) == 4


# -- Apex: a directive is found wherever its comment sits -----------------------------------------
APEX_DIRECTIVES = """// apexlint:disable-next-line SID010 -- before the class
public class Audit {
    // apexlint:disable-next-line SID003 -- between members
    void a() { System.debug(UserInfo.getSessionId()); }
    void b() {
        String sid = UserInfo.getSessionId();
        // apexlint:disable-next-line SID003 -- in a method body
        System.debug(sid);
    }
    void c(String sid) {
        /* apexlint:disable-next-line SID002 -- in a body lowered only when the analysis reads it */
        new Http().send(new HttpRequest());
    }
    void d() {
        System.debug(
            // apexlint:disable-next-line SID003 -- inside an argument list
            UserInfo.getSessionId());
    }
}
"""


@pytest.mark.parametrize("lazy", [False, True])
def test_apex_directives_are_read_between_members_in_bodies_and_in_expressions(lazy: bool) -> None:
    lowered = lower_job(LoweringJob("classes/Audit.cls", FileKind.APEX_CLASS, APEX_DIRECTIVES.encode(), "",
                                    lazy=lazy), ReadLimits())
    [ir] = lowered.files
    assert [(s.line, s.target_line, s.reason) for s in ir.suppressions] == [
        (1, 2, "before the class"), (3, 4, "between members"), (7, 8, "in a method body"),
        (11, 12, "in a body lowered only when the analysis reads it"), (16, 17, "inside an argument list")]


def _scanned_class(tmp_path: Path, name: str, text: str) -> ScanResult:
    """A package of the one class `name`, scanned."""
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/{name}.cls": text.encode()})
    return scan(ScanOptions(paths=(src,), root=src, jobs=1))


def test_a_directive_in_a_method_body_suppresses_the_finding_below_it(tmp_path: Path) -> None:
    """It was once skipped with the body's other comments: the finding stayed, with no notice."""
    leak = ("public class Leak {\n    void a() {\n        String sid = UserInfo.getSessionId();\n"
            "        // apexlint:disable-next-line SID003 -- the debug log is off in production\n"
            "        System.debug(sid);\n    }\n}\n")
    result = _scanned_class(tmp_path, "Leak", leak)
    [finding] = result.findings
    assert (finding.rule_id, finding.location.span.start_line) == ("SID003", 5)
    assert finding.suppression is not None
    assert finding.suppression.justification == "the debug log is off in production"
    assert not [n for n in result.notifications if n.code.endswith("suppression")]


# -- a SID009 in a comment is suppressed as any other finding ----------------------------------------
TOKEN = "00D5g000004XyZaEAK!ARcAQKz8pT3vNq1xLm0bC4dEfGhIjKlMnOpQrStUvWxYz.1234567890abcdef"
COMMENTED_APEX = f"""public class Samples {{
    // apexlint:disable-next-line SID009 -- a revoked sandbox session, kept as the format's example
    // sample: {TOKEN}
    /* apexlint:disable-next-line SID009 -- the callback's documented shape */
    /**
     * Callback: https://acme.example.com/cb#access_token={TOKEN}&instance_url=x
     */
    void a() {{
        String sid = UserInfo.getSessionId();
        // apexlint:disable-next-line SID003 -- comment lines are passed over for other rules
        // pasted: {TOKEN}
        System.debug(sid);
    }}
    // not suppressed: {TOKEN}
}}
"""
COMMENTED_PAGE = f"""<apex:page>
<!-- apexlint:disable-next-line SID009 -- a revoked sandbox session -->
<!-- test session: {TOKEN} -->
<!-- not suppressed: {TOKEN} -->
</apex:page>
"""


def test_a_token_in_a_comment_is_suppressed_by_the_directive_above_the_comment(tmp_path: Path) -> None:
    """Apex passes over comment lines to find a directive's line, but not, for SID009, one that
    holds a token: the directive above `// sample: 00D…` or above a doc comment holding one covers it."""
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Samples.cls": COMMENTED_APEX.encode(),
                                                 f"{SFDX_SOURCE}/pages/Samples.page": COMMENTED_PAGE.encode()})
    result = scan(ScanOptions(paths=(src,), root=src, jobs=1))
    found = {(f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.span.start_line):
             f.suppression.justification if f.suppression else None for f in result.findings}
    assert found == {
        ("SID009", "Samples.cls", 3): "a revoked sandbox session, kept as the format's example",
        ("SID009", "Samples.cls", 6): "the callback's documented shape",
        ("SID009", "Samples.cls", 11): None,
        ("SID003", "Samples.cls", 12): "comment lines are passed over for other rules",
        ("SID009", "Samples.cls", 14): None,
        ("SID009", "Samples.page", 3): "a revoked sandbox session",
        ("SID009", "Samples.page", 4): None,
    }
    assert not [n for n in result.notifications if n.code.endswith("suppression")]


def test_of_stacked_directives_the_nearer_applies_and_the_farther_is_called_redundant(tmp_path: Path) -> None:
    """S-8: both directives cover the `System.debug` line (Apex skips comment lines to find it).
    The one directly above it was applied last by its author: its reason is the one kept, and the
    farther one is not reported as matching no finding, since there is one."""
    diag = ("public class Diag {\n    void a() {\n        String s = UserInfo.getSessionId();\n"
            "        // apexlint:disable-next-line SID003 -- ticket 42: removed before release\n"
            "        // apexlint:disable-next-line SID003 -- sandbox-only diagnostics\n"
            "        System.debug('sid ' + s);\n    }\n}\n")
    result = _scanned_class(tmp_path, "Diag", diag)
    [finding] = result.findings
    assert (finding.rule_id, finding.location.span.start_line) == ("SID003", 6)
    assert finding.suppression is not None
    assert finding.suppression.justification == "sandbox-only diagnostics"
    notes = [n for n in result.notifications if n.code.endswith("suppression")]
    assert [(n.code, n.span.start_line if n.span else None) for n in notes] == [("redundant-suppression", 4)]
    assert "the directive on line 5 also names SID003 for line 6 and is the one applied" in notes[0].message
    assert "matches no" not in notes[0].message
