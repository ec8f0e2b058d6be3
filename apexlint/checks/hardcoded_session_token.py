"""SID009 hardcoded-session-token: a literal shaped like a live session ID or access token.

A credential in source ships to every subscriber and to everyone who reads the package. The
token text is never repeated by apexlint: messages and snippets show it redacted.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.ir import SourceKind

RULE_ID = "SID009"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for src in ctx.sources(SourceKind.TOKEN_LITERAL):
        message = (f"{src.context or 'literal'} looks like a live session ID or OAuth access token "
                   f"({src.text}); revoke it and load credentials through a Named Credential")
        yield Verdict(ctx.finding(RULE_ID, message, ctx.source_location(src.id), anchor_text=src.text,
                                  method=src.owner, properties={"confidence": "high"}), (src.id,))
