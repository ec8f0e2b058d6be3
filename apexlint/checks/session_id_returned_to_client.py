"""SID008 session-id-returned-to-client: a session ID handed to browser or API client code.

Returned from `@AuraEnabled`, `@RemoteAction`, `webservice` or REST methods, or bound from a
Visualforce controller into page JavaScript, the session becomes readable by any script on the
page (and by whoever calls the API), outside the platform's control.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Location

RULE_ID = "SID008"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("client"):
        info = ctx.model.methods[hit.site.method_id]
        message = f"{ctx.describe_source(hit.source_id)} is returned to client code from {info.label} ({hit.site.api})"
        loc = Location(hit.site.path, hit.site.span, label="returned to the client")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  method=hit.site.method_id, anchor_text=hit.site.text,
                                  properties={"confidence": "high", "sink": hit.site.api}), (hit.source_id,))
