"""SID009 hardcoded-session-token: a literal shaped like a live session ID or access token.

A credential in source ships to every subscriber and to everyone who reads the package. The
token text is never repeated by apexlint: messages and snippets show it redacted.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.ir import SourceKind
from apexlint.secrets import REDACTION

RULE_ID = "SID009"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for src in ctx.sources(SourceKind.TOKEN_LITERAL):
        message = (f"{src.context or 'literal'} looks like a live session ID or OAuth access token "
                   f"({_quoted(src.text)}); revoke it and load credentials through a Named Credential")
        yield Verdict(ctx.finding(RULE_ID, message, ctx.source_location(src.id), anchor_text=src.text,
                                  method=src.owner, properties={"confidence": "high"}), (src.id,))


_SHOWN = 80  # characters of a literal quoted whole; a longer one is cut around its token
_AROUND = 30


def _quoted(text: str) -> str:
    """The (redacted) literal, or, when it is long (a login response's XML), its token with a
    little of what is before it: the finding names the token, not the whole text."""
    at = text.find(REDACTION)
    if len(text) <= _SHOWN or at < 0:
        return text
    start = max(0, at - _AROUND)
    end = at + len(REDACTION)
    tail = text[end:end + _AROUND // 2]
    return f"{'…' if start else ''}{text[start:end]}{tail}{'…' if end + len(tail) < len(text) else ''}"
