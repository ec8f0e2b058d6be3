"""Text reporter: grouped by file, summary line, colour only when asked, nothing that drives a terminal."""

from __future__ import annotations

import io

from apexlint.findings import Finding, Level, Location, PackageInfo, ScanResult, SuppressionInfo
from apexlint.ir import NoticeLevel, Notification, Span
from apexlint.report import REPORTERS, ReportOptions, terminal_safe

TOKEN = "00D5g000004ABCDEFG!AQ4AQKq8dEXAMPLEexampleEXAMPLE123"
PLAIN = ReportOptions(color=False, tool_version="0.1.0")


def sample_result(test_sources: int = 0) -> ScanResult:
    source = Location("classes/Café.cls", Span(3, 20, 3, 43), "UserInfo.getSessionId()")
    sink = Location("classes/Exporter.cls", Span(3, 9, 3, 36), "req.setHeader('X-Sid', sid)")
    findings = (
        Finding("SID010", Level.NOTE, "Supported UI use.", Location("pages/P.page", Span(2, 21, 2, 39)),
                suppression=SuppressionInfo("documented for review")),
        Finding("SID002", Level.ERROR, "Session ID sent to https://evil.example.com </script> \x1b[2J",
                sink, source=source),
        Finding("SID011", Level.WARNING, "Unresolved use.", source, source=source),
        Finding("SID009", Level.ERROR, f"Token {TOKEN} hard-coded.",
                Location("classes/Exporter.cls", Span(5, 20, 5, 72))),
    )
    notifications = (
        Notification("parse-error", "bad page", NoticeLevel.ERROR, "pages/P.page", Span(2, 1, 2, 5)),
        Notification("config", "loose files", NoticeLevel.NOTE),
    )
    return ScanResult(PackageInfo("demo", "demo_ns", "sfdx"), findings, notifications, files_scanned=3,
                      lines_scanned=40, test_sources=test_sources)


def render(result: ScanResult, options: ReportOptions = PLAIN) -> str:
    buf = io.StringIO()
    REPORTERS["text"].render(result, {}, buf, options)
    return buf.getvalue()


def test_findings_are_grouped_by_file_with_one_line_each() -> None:
    lines = render(sample_result()).splitlines()
    assert lines[:4] == [
        "classes/Café.cls",
        "classes/Café.cls:3:20: SID011 warning Unresolved use.",
        "",
        "classes/Exporter.cls",
    ]
    assert lines[4].startswith("classes/Exporter.cls:3:9: SID002 error Session ID sent to")
    assert lines[5] == "    source: classes/Café.cls:3:20"
    assert lines[6].startswith("classes/Exporter.cls:5:20: SID009 error Token 00D5g")


def test_source_line_only_when_the_source_is_elsewhere() -> None:
    text = render(sample_result())
    assert text.count("source: ") == 1


def test_suppressed_finding_is_marked_or_hidden() -> None:
    shown = render(sample_result())
    assert "pages/P.page:2:21: SID010 note Supported UI use. [suppressed: documented for review]" in shown
    options = ReportOptions(color=False, tool_version="0.1.0", include_suppressed=False)
    hidden = render(sample_result(), options)
    assert "SID010" not in hidden
    assert "1 suppressed" in hidden


def test_notifications_have_their_own_section() -> None:
    text = render(sample_result())
    section = text.split("notifications:\n", 1)[1].splitlines()
    assert section[:2] == ["  note config: loose files", "  pages/P.page:2:1: error parse-error: bad page"]


def test_summary_line_counts_everything() -> None:
    last = render(sample_result()).splitlines()[-1]
    assert last == ("3 findings (2 errors, 1 warning, 0 notes) in 3 files, 40 lines; 1 suppressed; "
                    "2 notifications")
    with_tests = render(sample_result(test_sources=2)).splitlines()[-1]
    assert with_tests.endswith("; 2 session-ID sources in test code not reported")


def test_quiet_drops_the_summary() -> None:
    text = render(sample_result(), ReportOptions(color=False, tool_version="0.1.0", quiet=True))
    assert "findings (" not in text
    assert "SID002" in text


def test_no_colour_unless_asked() -> None:
    plain = render(sample_result())
    assert "\x1b" not in plain
    coloured = render(sample_result(), ReportOptions(color=True, tool_version="0.1.0"))
    assert "\x1b[1;31merror\x1b[0m" in coloured
    assert "\x1b[2J" not in coloured  # the finding's own escape sequence is still neutralised


def test_control_characters_from_files_are_escaped() -> None:
    text = render(sample_result())
    assert "</script> <U+001B>[2J" in text
    evil = Location("classes/\x1b]0;pwned\x07.cls", Span(1, 1, 1, 2))
    finding = Finding("SID011", Level.WARNING, "a\nb\u202ec", evil)
    result = ScanResult(PackageInfo("p", "", "files"), (finding,), ())
    out = render(result)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "SID011 warning a<U+000A>b<U+202E>c" in out
    assert terminal_safe("tab\tkept, é kept") == "tab\tkept, é kept"


def test_token_never_reaches_the_terminal() -> None:
    assert TOKEN not in render(sample_result())


def test_rendering_twice_gives_identical_text() -> None:
    assert render(sample_result()) == render(sample_result())


def test_empty_scan_prints_only_the_summary() -> None:
    text = render(ScanResult(PackageInfo("p", "", "files"), (), (), files_scanned=1, lines_scanned=1))
    assert text == ("0 findings (0 errors, 0 warnings, 0 notes) in 1 file, 1 line; 0 suppressed; "
                    "0 notifications\n")


def test_each_reported_rule_says_how_to_fix_it_once() -> None:
    from apexlint.catalogue import load_catalogue
    rules = load_catalogue()
    buf = io.StringIO()
    REPORTERS["text"].render(sample_result(), rules, buf, PLAIN)
    section = buf.getvalue().split("how to fix:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    # the suppressed SID010 finding asks for no fix
    assert section == [f"  {rid}: {rules[rid].remediation}" for rid in ("SID002", "SID009", "SID011")]
    assert "how to fix:" not in render(sample_result())  # without rule metadata, nothing to say
