"""Reporters: a `ScanResult` in, one output format out (text, JSON, SARIF, HTML).

Every formatter is its own module with one function,
`render(result, rules, out, options) -> None`, and `REPORTERS` maps a `--format` name to it.
Formatters only format: they never compute anything the findings do not already hold. What
they share is here: the options, the orders every format uses (so that the same scan gives
byte-identical output), and the last-line defence that keeps token-shaped secrets out of reports.

Formatter modules are imported on first use, so `--format text` never loads Jinja, and a
formatter module can import `ReportOptions` from this package without an import cycle.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Protocol, TextIO

from apexlint.catalogue import RuleMeta
from apexlint.findings import Finding, ScanResult, SourceVerdict
from apexlint.ir import Notification
from apexlint.patterns import lazy
from apexlint.records import frozen
from apexlint.secrets import has_token, redact


@frozen
class ReportOptions:
    """How to render; nothing here changes *what* is reported except `include_suppressed`."""

    color: bool  # ANSI colour in text output (the CLI sets it for a TTY without NO_COLOR)
    tool_version: str
    quiet: bool = False  # text: findings and notifications only, no summary line
    category: str | None = None  # SARIF automationDetails.id prefix (GitHub code scanning category)
    command_line: str | None = None  # SARIF invocation.commandLine; dropped if it names an absolute path
    include_suppressed: bool = True  # show suppressed findings (marked) rather than hide them


class Reporter(Protocol):
    """The one interface every output format implements."""

    def render(
        self, result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions
    ) -> None: ...


@frozen
class _ModuleReporter:
    """A formatter module's `render`, imported when first used."""

    module: str

    def render(
        self, result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions
    ) -> None:
        render = importlib.import_module(self.module).render
        render(result, rules, out, options)


REPORTERS: Mapping[str, Reporter] = MappingProxyType({
    "text": _ModuleReporter("apexlint.report.text"),
    "json": _ModuleReporter("apexlint.report.json_report"),
    "sarif": _ModuleReporter("apexlint.report.sarif"),
    "html": _ModuleReporter("apexlint.report.html"),
})


def reporter_modules(fmt: str) -> tuple[str, ...]:
    """The modules rendering format `fmt` imports (none known: an unknown format, or not a module's)."""
    reporter = REPORTERS.get(fmt)
    return (reporter.module,) if isinstance(reporter, _ModuleReporter) else ()


def render_report(
    fmt: str, result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions
) -> None:
    """Render `result` in format `fmt`; a KeyError names an unknown format."""
    REPORTERS[fmt].render(result, rules, out, options)


# --------------------------------------------------------------------------------------
# Shared by every format: what is shown, in which order, and with secrets scrubbed
# --------------------------------------------------------------------------------------


def shown_findings(result: ScanResult, options: ReportOptions) -> list[Finding]:
    """Findings in report order; suppressed ones are left out unless the options ask for them."""
    keep = (f for f in result.findings if options.include_suppressed or f.suppression is None)
    return sorted(keep, key=Finding.sort_key)


def notification_sort_key(n: Notification) -> tuple[str, tuple[int, int, int, int], str, str]:
    """Notifications without a file come first; then by file, position, code and message."""
    span = n.span
    pos = (span.start_line, span.start_col, span.end_line, span.end_col) if span else (0, 0, 0, 0)
    return (n.path or "", pos, n.code, n.message)


def sorted_notifications(notifications: Iterable[Notification]) -> list[Notification]:
    return sorted(notifications, key=notification_sort_key)


def sorted_verdicts(verdicts: Iterable[SourceVerdict]) -> list[SourceVerdict]:
    return sorted(verdicts, key=lambda v: (v.path, v.span, v.source_id))


def sorted_rules(rules: Mapping[str, RuleMeta]) -> list[RuleMeta]:
    return sorted(rules.values(), key=lambda r: r.id)


# Bidi overrides and isolates ("Trojan Source") reorder what the reader sees; U+2028/U+2029
# break lines in some terminals and editors; lone surrogates are undecodable file-name bytes.
_LAYOUT_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A)) | {0x2028, 0x2029}


def terminal_safe(text: str) -> str:
    """Show C0/C1 controls, DEL, bidi overrides and line separators as `<U+001B>`: inert, visible.

    File text must not drive the terminal or viewer that shows it. The notation has no
    backslash, so it survives SARIF's link escaping and never reads as a path; tab is kept.
    """
    if text.isprintable():
        return text
    return "".join(_escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\t":
        return ch
    if code < 0x20 or 0x7F <= code <= 0x9F or code in _LAYOUT_CONTROLS or 0xD800 <= code <= 0xDFFF:
        return f"<U+{code:04X}>"
    return ch


def scrub(text: str) -> str:
    """Human-readable text from scanned files, made safe to show anywhere.

    Token-shaped secrets are redacted (no report may repeat a live session ID, SID009; the engine
    redacts too, this is the reporters' own guarantee), then control characters are escaped so a
    message cannot drive the terminal or viewer that displays it. Redaction comes first: escaping
    could split a token and hide it from the pattern.
    """
    return terminal_safe(redact(text))


def scrub_snippet(snippet: str | None) -> str | None:
    """A snippet holding a secret is dropped, not redacted: a SARIF snippet must match the file."""
    if snippet is None or has_token(snippet):
        return None
    return snippet


_LONE_SURROGATE = lazy("[\ud800-\udfff]")


def json_text(dumped: str) -> str:
    """JSON text that any UTF-8 stream can take: lone surrogates (undecodable file names) as `\\uXXXX`.

    With `ensure_ascii=False`, `json.dumps` copies such characters through and writing them to a
    UTF-8 file would fail; inside JSON strings the escape means the same character.
    """
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", dumped)
