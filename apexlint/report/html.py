"""Single-file HTML report for security reviewers.

The page is drawn by the jinja2 templates in `reports/` (shipped in the wheel as
`apexlint/_reports`); this module only turns the `ScanResult` into plain view values the
templates lay out: a summary by rule and level with an inline SVG chart, the package's identity,
findings grouped by rule (code with the finding's lines highlighted, the source→sink path, the
rule's explanation and recommended alternative), a "Documented uses" section (SID010 supported
uses and every suppressed finding with its justification) and the notifications. Code excerpts
are cut in `html_excerpt`, rule help is rendered by the small safe Markdown renderer in
`html_markdown`.

Safety: everything that came from scanned files goes through `scrub` (secrets redacted, control
characters made visible) and then jinja2's autoescaping; nothing from a file is ever placed in a
`<script>` or `<style>` element, only in text and quoted data-* attributes. The CSS and JavaScript
are inlined from `reports/` and allowed by hash in a Content-Security-Policy that also forbids every
network request, so the file renders the same offline and injected markup could not run. Output is
deterministic: no timestamps, everything in the shared report orders.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TextIO

import jinja2
from markupsafe import Markup

from apexlint.catalogue import RuleMeta, severity_rating
from apexlint.findings import Finding, Level, ScanResult
from apexlint.ir import Notification
from apexlint.records import frozen
from apexlint.report import ReportOptions, scrub, shown_findings, sorted_notifications
from apexlint.report.html_excerpt import ContextIndex, Place, context_index, place
from apexlint.report.html_markdown import markdown_to_html, split_sections

__all__ = ["build_page", "render", "reports_dir"]

SUPPORTED_USE = "SID010"
LEVELS = tuple(level.value for level in sorted(Level, key=lambda lv: -lv.rank))
_LAYOUTS = {"sfdx": "SFDX project", "mdapi": "Metadata API source tree", "files": "loose files"}
# The rule help's sections, folded into the two panels a reviewer opens: the problem and the fix.
# "What it does" is left out: the rule's short description, shown above the panels, says it.
WHY, ALTERNATIVE = "Why it matters", "Recommended alternative"
_PANELS = {"Why is this bad?": WHY, "Example": WHY, "Use instead": ALTERNATIVE, "References": ALTERNATIVE}
CHART_BAR_W = 220.0  # the longest bar in the summary table, in SVG user units


# --------------------------------------------------------------------------------------
# View values: what the templates lay out, already scrubbed (jinja2 escapes them on output)
# --------------------------------------------------------------------------------------


@frozen
class Step:
    role: str  # "source" | "step" | "sink": where the step is on the path (its marker)
    message: str
    place: Place
    label: str = ""  # what the step is called ("source", "entry point"...): see `FLOW_LABELS`


@frozen
class FindingView:
    anchor: str
    rule_id: str
    rule_name: str
    help_uri: str
    level: str
    message: str
    path: str
    sink: Place
    source: Place | None  # shown when the session ID comes from elsewhere
    flow: tuple[Step, ...]
    properties: tuple[tuple[str, str], ...]
    fix: tuple[str, tuple[tuple[str, str], ...]] | None  # description, (where, new text) pairs
    justification: str | None  # None: not suppressed
    suppression_kind: str
    baseline_state: str | None
    fingerprint: str
    flow_caption: str = "Path from source to sink"


@frozen
class RuleGroup:
    id: str
    name: str
    short_description: str
    severity: str  # "9.1 (critical)"
    cwe: tuple[str, ...]
    help_uri: str
    sections: tuple[tuple[str, Markup], ...]  # rendered help, titled for the reader
    findings: tuple[FindingView, ...]


@frozen
class Segment:
    level: str  # a level, or "suppressed"
    x: float
    width: float
    count: int


@frozen
class SummaryRow:
    rule_id: str
    name: str
    counts: tuple[tuple[str, int], ...]  # per level, then "suppressed"
    total: int
    segments: tuple[Segment, ...]  # chart bar, empty when there is nothing to draw
    total_x: float  # where the total is written, just after the bar


@frozen
class NoticeView:
    level: str
    code: str
    where: str
    message: str


@frozen
class PageView:
    title: str
    package_name: str
    tool_version: str
    package: tuple[tuple[str, str], ...]
    rules_run: tuple[tuple[str, str], ...]  # (id, name)
    totals: tuple[tuple[str, int], ...]  # per level, then "suppressed"
    summary: tuple[SummaryRow, ...]
    rules_found: tuple[SummaryRow, ...]  # rules with findings: the rule filter's choices
    groups: tuple[RuleGroup, ...]
    documented: tuple[FindingView, ...]
    notifications: tuple[NoticeView, ...]
    files: tuple[str, ...]
    finding_count: int
    execution_successful: bool
    include_suppressed: bool


# --------------------------------------------------------------------------------------
# Findings and rules
# --------------------------------------------------------------------------------------


# What a flow's steps are called, by kind of flow: a session's way from its source to a sink, or
# (a finding with an async entry point, SID001) the calls from the entry point to where the session
# is read, whose first step is no source and whose last is no sink.
FLOW_LABELS = {
    "data": ("Path from source to sink", {"source": "source", "step": "step", "sink": "sink"}),
    "calls": ("Call path from the async entry point",
              {"source": "entry point", "step": "call", "sink": "session read"}),
}


def _flow_kind(finding: Finding) -> str:
    return "calls" if any(key == "asyncEntry" for key, _ in finding.properties) else "data"


def _flow(finding: Finding, index: ContextIndex) -> tuple[Step, ...]:
    last = len(finding.flow) - 1
    roles = ["source" if i == 0 else "sink" if i == last else "step" for i in range(len(finding.flow))]
    labels = FLOW_LABELS[_flow_kind(finding)][1]
    return tuple(
        Step(role, scrub(step.message), place(step.location, index, around=0), labels[role])
        for role, step in zip(roles, finding.flow, strict=True)
    )


def _fix(finding: Finding) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    if finding.fix is None:
        return None
    changes = tuple(
        (f"{scrub(finding.fix.path)}:{r.span.start_line}:{r.span.start_col}", scrub(r.text))
        for r in finding.fix.replacements
    )
    return scrub(finding.fix.description), changes


def _finding_view(number: int, finding: Finding, rules: Mapping[str, RuleMeta], index: ContextIndex) -> FindingView:
    meta = rules.get(finding.rule_id)
    source = finding.source
    show_source = source is not None and (source.path, source.span) != (finding.location.path,
                                                                        finding.location.span)
    return FindingView(
        anchor=f"finding-{number}",
        rule_id=scrub(finding.rule_id),
        rule_name=meta.name if meta else "",
        help_uri=meta.help_uri if meta else "",
        level=finding.level.value,
        message=scrub(finding.message),
        path=scrub(finding.location.path),
        sink=place(finding.location, index),
        source=place(source, index, around=0) if source is not None and show_source else None,
        flow=_flow(finding, index),
        flow_caption=FLOW_LABELS[_flow_kind(finding)][0],
        properties=tuple((scrub(k), scrub(v)) for k, v in finding.properties),
        fix=_fix(finding),
        justification=scrub(finding.suppression.justification) if finding.suppression else None,
        suppression_kind=finding.suppression.kind if finding.suppression else "",
        baseline_state=finding.baseline_state,
        fingerprint=scrub(finding.fingerprint),
    )


def _help_sections(meta: RuleMeta) -> tuple[tuple[str, Markup], ...]:
    """The rule's help as titled panels; a section after a panel's first keeps its own heading."""
    panels: dict[str, list[Markup]] = {}
    for title, body in split_sections(meta.help_markdown):
        if not title or title == "What it does":
            continue
        panel = _PANELS.get(title, title)
        parts = panels.setdefault(panel, [])
        if parts or panel != _PANELS.get(title):
            parts.append(Markup("<h4>{}</h4>").format(title))
        parts.append(markdown_to_html(body))
    return tuple((panel, Markup("\n").join(parts)) for panel, parts in panels.items())


def _rule_group(rule_id: str, findings: Sequence[FindingView], rules: Mapping[str, RuleMeta]) -> RuleGroup:
    meta = rules.get(rule_id)
    if meta is None:
        return RuleGroup(rule_id, "", "", "", (), "", (), tuple(findings))
    severity = f"{meta.security_severity} ({severity_rating(meta.security_severity)})"
    return RuleGroup(meta.id, meta.name, meta.short_description, severity, meta.cwe, meta.help_uri,
                     _help_sections(meta), tuple(findings))


def _is_documented(finding: Finding) -> bool:
    """SID010 uses and suppressed findings are for the review write-up, not for fixing."""
    return finding.suppression is not None or finding.rule_id == SUPPORTED_USE


def _groups(pairs: Sequence[tuple[Finding, FindingView]], rules: Mapping[str, RuleMeta]) -> tuple[RuleGroup, ...]:
    by_rule: dict[str, list[FindingView]] = {}
    for finding, view in pairs:
        if not _is_documented(finding):
            by_rule.setdefault(finding.rule_id, []).append(view)
    return tuple(_rule_group(rule_id, by_rule[rule_id], rules) for rule_id in sorted(by_rule))


# --------------------------------------------------------------------------------------
# Summary and chart
# --------------------------------------------------------------------------------------


def _counts(findings: Sequence[Finding]) -> tuple[tuple[str, int], ...]:
    active = [f for f in findings if f.suppression is None]
    per_level = tuple((level, sum(1 for f in active if f.level.value == level)) for level in LEVELS)
    return (*per_level, ("suppressed", len(findings) - len(active)))


def _bar(counts: tuple[tuple[str, int], ...], scale: float) -> tuple[tuple[Segment, ...], float]:
    """A stacked bar, one segment per non-zero count; also where the total goes after it."""
    segments, x = [], 0.0
    for level, count in counts:
        if count:
            segments.append(Segment(level, round(x, 1), round(count * scale, 1), count))
            x += count * scale
    return tuple(segments), round(x + 6, 1)


def _summary_rows(result: ScanResult, rules: Mapping[str, RuleMeta]) -> tuple[SummaryRow, ...]:
    """One row per rule run (every catalogue rule when the scan did not say), zeros included."""
    rule_ids = sorted(set(result.rules_run or rules) | {f.rule_id for f in result.findings})
    counted = {rule_id: _counts([f for f in result.findings if f.rule_id == rule_id]) for rule_id in rule_ids}
    widest = max((sum(n for _, n in c) for c in counted.values()), default=0)
    scale = CHART_BAR_W / widest if widest else 0.0
    rows = []
    for rule_id, counts in counted.items():
        meta = rules.get(rule_id)
        segments, total_x = _bar(counts, scale)
        rows.append(SummaryRow(scrub(rule_id), meta.name if meta else "", counts,
                               sum(n for _, n in counts), segments, total_x))
    return tuple(rows)


def _package_rows(result: ScanResult, options: ReportOptions) -> tuple[tuple[str, str], ...]:
    package = result.package
    rows = [
        ("Package", scrub(package.name) or "(unnamed)"),
        ("Namespace", scrub(package.namespace) or "(none)"),
        ("Layout", _LAYOUTS.get(package.layout, scrub(package.layout))),
        ("Files scanned", f"{result.files_scanned:,}"),
        ("Lines scanned", f"{result.lines_scanned:,}"),
        ("Session-ID sources", f"{len(result.verdicts):,}"),
        ("Tool", f"apexlint {scrub(options.tool_version)}"),
    ]
    if result.test_sources:
        rows.append(("Sources in test code", f"{result.test_sources:,} (not reported)"))
    category = options.category or result.category
    if category:
        rows.append(("Category", scrub(category)))
    return tuple(rows)


def _notice(n: Notification) -> NoticeView:
    where = ""
    if n.path is not None:
        where = scrub(n.path) + (f":{n.span.start_line}:{n.span.start_col}" if n.span else "")
    return NoticeView(n.level.value, scrub(n.code), where, scrub(n.message))


def build_page(result: ScanResult, rules: Mapping[str, RuleMeta], options: ReportOptions) -> PageView:
    """Everything the template shows, in report order, scrubbed; no HTML is produced here."""
    index = context_index(result.contexts)
    findings = shown_findings(result, options)
    pairs = [(f, _finding_view(n, f, rules, index)) for n, f in enumerate(findings, start=1)]
    summary = _summary_rows(result, rules)
    rules_run = tuple((row.rule_id, row.name) for row in summary)
    return PageView(
        title=f"apexlint report: {scrub(result.package.name) or 'package'}",
        package_name=scrub(result.package.name) or "(unnamed package)",
        tool_version=scrub(options.tool_version),
        package=_package_rows(result, options),
        rules_run=rules_run,
        totals=_counts(result.findings),
        summary=summary,
        rules_found=tuple(row for row in summary if row.total),
        groups=_groups(pairs, rules),
        documented=tuple(view for finding, view in pairs if _is_documented(finding)),
        notifications=tuple(_notice(n) for n in sorted_notifications(result.notifications)),
        files=tuple(sorted({view.path for _, view in pairs})),
        finding_count=len(pairs),
        execution_successful=result.execution_successful,
        include_suppressed=options.include_suppressed,
    )


# --------------------------------------------------------------------------------------
# Templates and assets
# --------------------------------------------------------------------------------------


def reports_dir() -> Traversable:
    """The templates: the installed `apexlint/_reports` first, else the source tree's `reports/`."""
    installed = resources.files("apexlint").joinpath("_reports")
    if installed.is_dir():
        return installed
    source_tree = Path(__file__).resolve().parents[2] / "reports"
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(
        f"HTML report templates not found: neither the installed apexlint/_reports nor {source_tree} exists"
    )


def _read_asset(name: str) -> str:
    return reports_dir().joinpath(name).read_text(encoding="utf-8")


@functools.cache
def _environment() -> jinja2.Environment:
    """Autoescaping on for every template; an undefined name is an error, not an empty string."""
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_read_asset),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _inline_asset(name: str, closing_tag: str) -> Markup:
    """Our own CSS/JS, inlined verbatim; it must not be able to close the element it sits in."""
    text = _read_asset(name)
    if closing_tag in text.lower():
        raise ValueError(f"reports/{name} contains {closing_tag!r}, which would end the inline element")
    return Markup(text)


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render(result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions) -> None:
    """Write the report as one self-contained HTML document."""
    css = _inline_asset("report.css", "</style")
    js = _inline_asset("report.js", "</script")
    csp = Markup(f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
                 "img-src data:; base-uri 'none'; form-action 'none'")
    template = _environment().get_template("report.html.j2")
    out.write(template.render(page=build_page(result, rules, options), css=css, js=js, csp=csp,
                              levels=LEVELS))
