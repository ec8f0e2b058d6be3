"""SID005 outbound-message-sends-session-id: a workflow outbound message with "Send Session ID".

The outbound message delivers the session of the user who triggered it to the endpoint: an
export to an external system, prohibited by the security review and retired by Salesforce's
security update for outbound messages with session IDs.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.ir import SourceKind

RULE_ID = "SID005"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for src in ctx.sources(SourceKind.OUTBOUND_MESSAGE):
        endpoint = f" to {src.context}" if src.context else ""
        message = (f"outbound message '{src.owner}' sends the session ID of the triggering user{endpoint}; "
                   "set includeSessionId to false and authenticate the receiver through an External Client App")
        yield Verdict(ctx.finding(RULE_ID, message, ctx.source_location(src.id), anchor_text=src.owner + src.text,
                                  properties={"confidence": "very-high", "endpoint": src.context}), (src.id,))
