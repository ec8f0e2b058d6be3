"""Code excerpts for the HTML report: a finding's lines, highlighted, with lines around them.

The scan result holds each location's exact text (`Location.snippet`) and, where the engine
supplied them, runs of the file's lines (`ScanResult.contexts`). A location that a context covers
is shown with up to `CONTEXT_LINES` lines either side and its own columns marked; otherwise its
snippet is shown alone, all highlighted. Every piece of text is scrubbed here (a line holding a
token-shaped secret is redacted whole, never split around the mark), and very long lines, as in
minified JavaScript, are clipped around the mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from apexlint.findings import Location, SourceContext
from apexlint.ir import Span
from apexlint.read.source import utf16_to_char
from apexlint.records import frozen
from apexlint.report import scrub
from apexlint.secrets import REDACTION, has_token, redact

__all__ = ["CONTEXT_LINES", "CodeLine", "ContextIndex", "Excerpt", "Place", "context_index", "place"]

CONTEXT_LINES = 3  # lines shown either side of a finding when the scan supplied its context
MAX_REGION_LINES = 30  # a longer highlighted region is cut, with a count of what was left out
MAX_BEFORE, MAX_MARKED, MAX_AFTER = 80, 240, 120  # characters kept of one line (minified JS)


@frozen
class CodeLine:
    number: int
    before: str
    marked: str  # the finding's own text on this line
    after: str
    hit: bool  # inside the finding's lines


@frozen
class Excerpt:
    lines: tuple[CodeLine, ...]
    omitted: int = 0  # highlighted lines left out of a long region


@frozen
class Place:
    where: str  # "path:line:col"
    label: str
    excerpt: Excerpt | None


def _clip_left(text: str, keep: int) -> str:
    return text if len(text) <= keep else "…" + text[-keep:]


def _clip_right(text: str, keep: int) -> str:
    return text if len(text) <= keep else text[:keep] + "…"


def _code_line(number: int, text: str, span: Span, whole: bool) -> CodeLine:
    """One line, split around the finding's columns; a line holding a secret is redacted, not split.

    Redacted before it is clipped: a clip through a token leaves a piece too short to be
    recognised, and that piece would be shown as it is. A scan's context lines come redacted
    already (`engine._scan`); the marker says such a line held a secret.
    """
    if not span.start_line <= number <= span.end_line:
        return CodeLine(number, scrub(_clip_right(redact(text), MAX_BEFORE + MAX_MARKED)), "", "", False)
    if has_token(text) or REDACTION in text:
        return CodeLine(number, "", scrub(text), "", True)
    start = 0 if whole or number != span.start_line else utf16_to_char(text, span.start_col)
    end = len(text) if whole or number != span.end_line else max(start, utf16_to_char(text, span.end_col))
    before = _clip_left(text[:start], MAX_BEFORE)
    marked = _clip_right(text[start:end], MAX_MARKED)
    after = _clip_right(text[end:], MAX_AFTER)
    return CodeLine(number, scrub(before), scrub(marked), scrub(after), True)


def _from_context(span: Span, context: SourceContext, around: int) -> Excerpt:
    last_in_context = context.first_line + len(context.lines) - 1
    first = max(context.first_line, span.start_line - around)
    last = min(last_in_context, span.end_line + around)
    omitted = 0
    if span.end_line - span.start_line >= MAX_REGION_LINES:
        last = span.start_line + MAX_REGION_LINES - 1
        omitted = span.end_line - last
    lines = (_code_line(n, context.lines[n - context.first_line], span, False) for n in range(first, last + 1))
    return Excerpt(tuple(lines), omitted)


def _from_snippet(span: Span, snippet: str) -> Excerpt:
    """Without context the snippet is the region itself, all of it highlighted."""
    lines = snippet.splitlines() or [""]
    kept = lines[:MAX_REGION_LINES]
    shown = (_code_line(span.start_line + i, text, span, True) for i, text in enumerate(kept))
    return Excerpt(tuple(shown), len(lines) - len(kept))


ContextIndex = Mapping[str, Sequence[SourceContext]]


def context_index(contexts: Sequence[SourceContext]) -> ContextIndex:
    index: dict[str, list[SourceContext]] = {}
    for context in contexts:
        index.setdefault(context.path, []).append(context)
    return index


def _covering(location: Location, index: ContextIndex) -> SourceContext | None:
    span = location.span
    for context in index.get(location.path, ()):
        if context.first_line <= span.start_line and span.end_line < context.first_line + len(context.lines):
            return context
    return None


def place(location: Location, index: ContextIndex, around: int = CONTEXT_LINES) -> Place:
    span = location.span
    context = _covering(location, index)
    excerpt = None
    if context is not None:
        excerpt = _from_context(span, context, around)
    elif location.snippet is not None:
        excerpt = _from_snippet(span, location.snippet)
    where = f"{scrub(location.path)}:{span.start_line}:{span.start_col}"
    return Place(where, scrub(location.label), excerpt)
