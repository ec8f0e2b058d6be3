"""Inline suppression directives: `apexlint:disable-next-line SID002, SID010 -- reason`.

One parser for every comment syntax (Apex and JavaScript `//` and `/* */`, markup and XML
`<!-- -->`), so the directive reads the same everywhere. A suppression applies to the next
non-blank line after the comment; one without a reason is kept with an empty reason, because
reports must show it as an unjustified suppression rather than silently honour it.
"""

from __future__ import annotations

from apexlint.ir import Span, Suppression
from apexlint.patterns import lazy
from apexlint.read.source import Point, SourceText

DIRECTIVE = "apexlint:disable-next-line"

# Rule ids are short words (`SID002`); anything else before the `--` is ignored rather than
# guessed at. Single quantifiers only: comment text can be arbitrarily long.
_RULE_ID = lazy(r"[A-Za-z]+[0-9]+")
_COMMENT_OPENERS = ("<!--", "/*", "//")
_COMMENT_CLOSERS = ("-->", "*/")


def parse_directive(comment_text: str) -> tuple[tuple[str, ...], str] | None:
    """Rule ids and reason of a suppression comment, or None when it is not one.

    Accepts the whole comment including its delimiters. Ids are upper-cased and may be
    separated by commas and/or spaces; an empty id tuple means the directive named no rule.
    """
    body = _strip_delimiters(comment_text)
    at = body.find(DIRECTIVE)
    if at < 0 or body[:at].strip(" \t\r\n*"):
        return None
    rest = body[at + len(DIRECTIVE):]
    if rest and not rest[0].isspace():
        return None  # e.g. `apexlint:disable-next-lines`: not our directive
    ids_part, sep, reason = rest.partition("--")
    ids = tuple(dict.fromkeys(m.group(0).upper() for m in _RULE_ID.finditer(ids_part)))
    return ids, _clean_reason(reason) if sep else ""


def _clean_reason(reason: str) -> str:
    """One line of text: block-comment continuation stars and line breaks removed."""
    lines = (line.strip().removeprefix("*") for line in reason.splitlines())
    return " ".join(" ".join(lines).split())


def _strip_delimiters(text: str) -> str:
    body = text.strip()
    for opener in _COMMENT_OPENERS:
        if body.startswith(opener):
            body = body[len(opener):]
            break
    for closer in _COMMENT_CLOSERS:
        if body.endswith(closer):
            body = body[: -len(closer)]
            break
    return body.strip()


def next_code_line(src: SourceText, after_row: int) -> int:
    """1-based number of the first non-blank line after 0-based row `after_row`.

    A directive on the last line targets the line after it, which then matches nothing.
    """
    lines = src.lines
    row = after_row + 1
    while row < len(lines) and not lines[row].strip():
        row += 1
    return row + 1


def suppression_at(src: SourceText, comment_text: str, start: Point, end: Point) -> Suppression | None:
    """The Suppression a comment spanning parse-buffer points `start`..`end` declares, if any."""
    if DIRECTIVE not in comment_text:
        return None
    parsed = parse_directive(comment_text)
    if parsed is None:
        return None
    rule_ids, reason = parsed
    span: Span = src.span(start, end)
    return Suppression(
        rule_ids=rule_ids,
        reason=reason,
        line=span.start_line,
        target_line=next_code_line(src, end[0]),
        span=span,
    )
