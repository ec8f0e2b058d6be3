"""JSON reporter: a stable, documented document that parses back and serves as a baseline."""

from __future__ import annotations

import io
import json
from typing import Any

from apexlint.findings import (
    Finding,
    Fix,
    FlowStep,
    Level,
    Location,
    PackageInfo,
    Replacement,
    ScanResult,
    SourceVerdict,
    SuppressionInfo,
)
from apexlint.ir import NoticeLevel, Notification, Span
from apexlint.report import REPORTERS, ReportOptions

TOKEN = "00D5g000004ABCDEFG!AQ4AQKq8dEXAMPLEexampleEXAMPLE123"
OPTIONS = ReportOptions(color=False, tool_version="0.1.0")


def sample_result() -> ScanResult:
    source = Location("classes/Café.cls", Span(3, 20, 3, 43), "UserInfo.getSessionId()", "session ID read")
    sink = Location("classes/Exporter.cls", Span(3, 9, 3, 36), "req.setHeader('X-Sid', sid)", "header")
    export = Finding(
        "SID002", Level.ERROR, "Session ID sent to https://evil.example.com </script> \x1b[2J", sink,
        source=source, flow=(FlowStep(source, "read"), FlowStep(sink, "sent")), fingerprint="fp-export",
        properties=(("endpoint", "https://evil.example.com"), ("confidence", "high")),
        fix=Fix("Use a Named Credential", "classes/Exporter.cls", (Replacement(sink.span, "x"),)),
    )
    token = Finding("SID009", Level.ERROR, f"Token {TOKEN} hard-coded.",
                    Location("classes/Exporter.cls", Span(5, 20, 5, 72), TOKEN), fingerprint="fp-token")
    note = Finding("SID010", Level.NOTE, "Supported UI use.", Location("pages/P.page", Span(2, 21, 2, 39)),
                   fingerprint="fp-page", suppression=SuppressionInfo("documented for review"))
    warn = Finding("SID011", Level.WARNING, "Unresolved use.", source, fingerprint="fp-unres",
                   baseline_state="new")
    notifications = (
        Notification("parse-error", "bad page", NoticeLevel.ERROR, "pages/P.page", Span(2, 1, 2, 5)),
        Notification("config", "loose files", NoticeLevel.NOTE),
    )
    verdicts = (
        SourceVerdict("s2", "pages/P.page", Span(2, 21, 2, 39), ("SID010",)),
        SourceVerdict("s1", "classes/Café.cls", Span(3, 20, 3, 43), ("SID011", "SID002")),
    )
    return ScanResult(PackageInfo("demo", "demo_ns", "sfdx"), (warn, note, token, export), notifications,
                      verdicts, files_scanned=3, lines_scanned=40, rules_run=("SID002", "SID009", "SID010",
                                                                              "SID011", "SID003"),
                      test_sources=2, stats={"seconds": 1.25})


def render(result: ScanResult, options: ReportOptions = OPTIONS) -> str:
    buf = io.StringIO()
    REPORTERS["json"].render(result, {}, buf, options)
    return buf.getvalue()


def document(options: ReportOptions = OPTIONS) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render(sample_result(), options))
    return doc


def test_rendering_twice_gives_identical_bytes_with_a_trailing_newline() -> None:
    first = render(sample_result())
    assert first == render(sample_result())
    assert first.endswith("}\n")


def test_top_level_shape_and_tool() -> None:
    doc = document()
    assert sorted(doc) == ["findings", "notifications", "package", "summary", "tool", "verdicts", "version"]
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "apexlint", "version": "0.1.0"}
    assert doc["package"] == {"name": "demo", "namespace": "demo_ns", "layout": "sfdx"}


def test_summary_counts_unsuppressed_findings_by_level_and_rule() -> None:
    summary = document()["summary"]
    assert summary["findings"] == 3
    assert summary["byLevel"] == {"error": 2, "warning": 1, "note": 0}
    assert summary["byRule"] == {"SID002": 1, "SID003": 0, "SID009": 1, "SID010": 0, "SID011": 1}
    assert (summary["files"], summary["lines"], summary["suppressed"]) == (3, 40, 1)
    assert (summary["testSources"], summary["notifications"]) == (2, 2)
    assert "seconds" not in json.dumps(summary)  # timings would break byte-identical output


def test_findings_are_sorted_and_carry_every_field() -> None:
    findings = document()["findings"]
    assert [f["ruleId"] for f in findings] == ["SID011", "SID002", "SID009", "SID010"]
    export = findings[1]
    assert export["path"] == "classes/Exporter.cls"
    position = (export["startLine"], export["startColumn"], export["endLine"], export["endColumn"])
    assert position == (3, 9, 3, 36)
    assert export["snippet"] == "req.setHeader('X-Sid', sid)"
    assert export["source"]["path"] == "classes/Café.cls"
    assert [s["message"] for s in export["flow"]] == ["read", "sent"]
    assert export["properties"] == {"confidence": "high", "endpoint": "https://evil.example.com"}
    assert export["fix"]["replacements"][0]["text"] == "x"
    assert export["suppression"] is None and export["baselineState"] is None
    assert findings[0]["baselineState"] == "new"
    assert findings[3]["suppression"] == {"kind": "inSource", "justification": "documented for review"}


def test_message_keeps_markup_but_not_control_characters() -> None:
    message = document()["findings"][1]["message"]
    assert "</script>" in message
    assert "\x1b" not in message and "<U+001B>[2J" in message


def test_token_is_redacted_and_its_snippet_dropped() -> None:
    text = render(sample_result())
    assert TOKEN not in text
    assert document()["findings"][2]["snippet"] is None


def test_fingerprints_are_there_for_a_baseline() -> None:
    fingerprints = {f["fingerprint"] for f in document()["findings"]}
    assert fingerprints == {"fp-export", "fp-token", "fp-page", "fp-unres"}


def test_suppressed_findings_can_be_left_out_but_stay_counted() -> None:
    doc = document(ReportOptions(color=False, tool_version="0.1.0", include_suppressed=False))
    assert "SID010" not in {f["ruleId"] for f in doc["findings"]}
    assert doc["summary"]["suppressed"] == 1


def test_notifications_and_verdicts_have_a_fixed_shape() -> None:
    doc = document()
    without_file, with_file = doc["notifications"]
    assert without_file == {"code": "config", "level": "note", "message": "loose files", "path": None,
                            "startLine": None, "startColumn": None, "endLine": None, "endColumn": None}
    assert with_file["path"] == "pages/P.page" and with_file["startLine"] == 2
    assert [v["sourceId"] for v in doc["verdicts"]] == ["s1", "s2"]
    assert doc["verdicts"][0]["ruleIds"] == ["SID002", "SID011"]


def test_empty_scan_has_empty_lists() -> None:
    doc = json.loads(render(ScanResult(PackageInfo("p", "", "files"), (), ())))
    assert (doc["findings"], doc["notifications"], doc["verdicts"]) == ([], [], [])
    assert doc["summary"]["findings"] == 0


def test_each_finding_carries_its_rules_remediation() -> None:
    """SPEC: every finding carries the remediation for its rule, in JSON as in SARIF's rule help."""
    from apexlint.catalogue import load_catalogue
    rules = load_catalogue()
    buf = io.StringIO()
    REPORTERS["json"].render(sample_result(), rules, buf, OPTIONS)
    findings = json.loads(buf.getvalue())["findings"]
    assert {f["ruleId"]: f["remediation"] for f in findings}["SID002"] == rules["SID002"].remediation
    assert all(f["remediation"] and "Named Credential" in f["remediation"] for f in findings)
    assert all(f["remediation"] is None for f in document()["findings"])  # no rule metadata given
