"""SID008 session-id-returned-to-client: a session ID handed to browser or API client code.

Returned from `@AuraEnabled`, `@RemoteAction`, `webservice` or REST methods, or bound from a
Visualforce controller into page JavaScript or into what the page serves (the text of a JSON,
JSONP or plain-text page), the session becomes readable by any script on the page (and by
whoever calls the API), outside the platform's control.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Location

RULE_ID = "SID008"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("client"):
        info = ctx.model.methods[hit.site.method_id]
        prop = dict(hit.site.detail).get("property")
        session = ctx.describe_source(hit.source_id)
        if prop:  # an action sets a property the page renders (`jsonData {get; set;}`)
            message = f"{session} is exposed to client code: {info.label} sets property {prop} ({hit.site.api})"
        else:
            message = f"{session} is returned to client code from {info.label} ({hit.site.api})"
        loc = Location(hit.site.path, hit.site.span, label="returned to the client")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  method=hit.site.method_id, anchor_text=hit.site.text,
                                  properties={"confidence": "high", "sink": hit.site.api}), (hit.source_id,))
