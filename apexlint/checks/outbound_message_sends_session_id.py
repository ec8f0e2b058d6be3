"""SID005 outbound-message-sends-session-id: a workflow outbound message with "Send Session ID".

The outbound message delivers the session of its "User to send as" (`integrationUser`), often an
admin or integration user with broad rights, to the endpoint: an
export to an external system, prohibited by the security review and retired by Salesforce's
security update for outbound messages with session IDs.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Fix, Replacement
from apexlint.ir import SourceKind, SourceSite
from apexlint.patterns import lazy

RULE_ID = "SID005"
_ELEMENT = lazy(r"<((?:[A-Za-z0-9_]+:)?includeSessionId)>\s*(?:true|1)\s*</\1>")


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for src in ctx.sources(SourceKind.OUTBOUND_MESSAGE):
        endpoint = f" to {src.context}" if src.context else ""
        user = f"its 'User to send as' ({src.user})" if src.user else "its 'User to send as'"
        message = (f"outbound message '{src.owner}' sends the session ID of {user}{endpoint}; "
                   "set includeSessionId to false and authenticate the receiver through an External Client App")
        yield Verdict(ctx.finding(RULE_ID, message, ctx.source_location(src.id), anchor_text=src.owner + src.text,
                                  properties={"confidence": "very-high", "endpoint": src.context},
                                  fix=_stop_sending(src)), (src.id,))


def _stop_sending(src: SourceSite) -> Fix | None:
    """`<includeSessionId>true</includeSessionId>` → `false`: safe, and the receiver must then
    authenticate its calls back to the org another way (an External Client App)."""
    text = " ".join(src.text.split())
    match = _ELEMENT.fullmatch(text)
    if match is None or src.span.start_line != src.span.end_line:
        return None
    return Fix(
        description="Stop sending the session ID with this outbound message (includeSessionId false)",
        path=src.path,
        replacements=(Replacement(src.span, f"<{match.group(1)}>false</{match.group(1)}>"),))
