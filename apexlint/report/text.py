"""Plain-text report for terminals and CI logs.

Layout: findings grouped by file (a header line, then `path:line:col: SID002 error message`, with
an indented `source:` line when the session ID comes from elsewhere), a `how to fix:` section (the
secure alternative of each rule with a finding shown, once), a `notifications:` section, then one
summary line. Suppressed findings are shown with a `[suppressed: reason]` marker when
`include_suppressed` is set and hidden otherwise; the summary counts them either way.

Everything printed that came from scanned files (paths, messages, justifications) goes through
`scrub`: a file name or string literal holding ESC or another control character must not be able
to drive the user's terminal, nor a token-shaped secret reach a CI log. Colour is only ever our
own SGR sequences.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby
from typing import TextIO

from apexlint.catalogue import RuleMeta
from apexlint.findings import Finding, Level, Location, ScanResult
from apexlint.ir import Notification
from apexlint.records import frozen
from apexlint.report import ReportOptions, scrub, shown_findings, sorted_notifications

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_LEVEL_SGR = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "note": "\x1b[1;36m"}
@frozen
class _Style:
    """Wraps text in SGR codes only when colour is on."""

    color: bool

    def paint(self, sgr: str, text: str) -> str:
        return f"{sgr}{text}{_RESET}" if self.color and text else text

    def level(self, level: str) -> str:
        return self.paint(_LEVEL_SGR.get(level, _BOLD), level)


def _position(path: str, line: int, col: int) -> str:
    return f"{scrub(path)}:{line}:{col}"


def _same_place(a: Location, b: Location) -> bool:
    return a.path == b.path and a.span == b.span


def _finding_lines(f: Finding, style: _Style) -> list[str]:
    """The finding's line plus, when the source sits elsewhere, an indented `source:` line."""
    span = f.location.span
    head = f"{_position(f.location.path, span.start_line, span.start_col)}: "
    line = f"{head}{style.paint(_BOLD, scrub(f.rule_id))} {style.level(f.level.value)} {scrub(f.message)}"
    if f.suppression is not None:
        line += " " + style.paint(_DIM, f"[suppressed: {scrub(f.suppression.justification)}]")
    if f.baseline_state == "unchanged":
        line += " " + style.paint(_DIM, "[in baseline]")
    lines = [line]
    if f.source is not None and not _same_place(f.source, f.location):
        s = f.source.span
        where = _position(f.source.path, s.start_line, s.start_col)
        lines.append("    " + style.paint(_DIM, "source: ") + where)
    return lines


def _findings_section(findings: list[Finding], style: _Style) -> list[str]:
    """Findings grouped by file, one header line per file and a blank line between files."""
    lines: list[str] = []
    for path, group in groupby(findings, key=lambda f: f.location.path):
        if lines:
            lines.append("")
        lines.append(style.paint(_BOLD, scrub(path)))
        for f in group:
            lines.extend(_finding_lines(f, style))
    return lines


def _notification_line(n: Notification, style: _Style) -> str:
    where = ""
    if n.path is not None:
        where = scrub(n.path)
        if n.span is not None:
            where = _position(n.path, n.span.start_line, n.span.start_col)
        where += ": "
    return f"  {where}{style.level(n.level.value)} {scrub(n.code)}: {scrub(n.message)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(result: ScanResult) -> str:
    """`N findings (E errors, W warnings, N notes) in F files, L lines; S suppressed; K notifications`.

    Counts are of unsuppressed findings; suppressed ones are counted apart, whether shown or not.
    """
    active = [f for f in result.findings if f.suppression is None]
    by_level = {lv: sum(1 for f in active if f.level is lv) for lv in Level}
    text = (
        f"{_plural(len(active), 'finding')} ("
        f"{_plural(by_level[Level.ERROR], 'error')}, {_plural(by_level[Level.WARNING], 'warning')}, "
        f"{_plural(by_level[Level.NOTE], 'note')}) in {_plural(result.files_scanned, 'file')}, "
        f"{_plural(result.lines_scanned, 'line')}; "
        f"{len(result.findings) - len(active)} suppressed; "
        f"{_plural(len(result.notifications), 'notification')}"
    )
    if result.test_sources:
        text += f"; {_plural(result.test_sources, 'session-ID source')} in test code not reported"
    return text


def _remedies_section(findings: list[Finding], rules: Mapping[str, RuleMeta], style: _Style) -> list[str]:
    """Each reported rule's secure alternative, once (a CI log has no rule help to open)."""
    shown = sorted({f.rule_id for f in findings if f.suppression is None})
    remedies = [(rid, rules[rid].remediation) for rid in shown if rid in rules and rules[rid].remediation]
    if not remedies:
        return []
    return [style.paint(_BOLD, "how to fix:"), *(f"  {rid}: {text}" for rid, text in remedies)]


def render(result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions) -> None:
    """Write the text report."""
    style = _Style(options.color)
    findings = shown_findings(result, options)
    lines = _findings_section(findings, style)
    remedies = _remedies_section(findings, rules, style)
    if remedies:
        lines.extend(["", *remedies])
    notifications = sorted_notifications(result.notifications)
    if notifications:
        if lines:
            lines.append("")
        lines.append(style.paint(_BOLD, "notifications:"))
        lines.extend(_notification_line(n, style) for n in notifications)
    if not options.quiet:
        if lines:
            lines.append("")
        lines.append(style.paint(_BOLD, summary_line(result)))
    if lines:
        out.write("\n".join(lines) + "\n")
