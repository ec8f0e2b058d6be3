"""SID008 session-id-returned-to-client: a session ID handed to browser or API client code.

Returned from `@AuraEnabled`, `@RemoteAction`, `webservice` or REST methods, or bound from a
Visualforce controller into page JavaScript or into what the page serves (the text of a JSON,
JSONP or plain-text page), the session becomes readable by any script on the page (and by
whoever calls the API), outside the platform's control.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Location
from apexlint.ir import BOUND_PREFIX
from apexlint.model.catalog import METADATA_EMAILS, PAGE_KEEPS, PAGE_POSTBACKS

RULE_ID = "SID008"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("client"):
        info = ctx.model.methods[hit.site.method_id]
        prop = dict(hit.site.detail).get("property")
        session = ctx.describe_hit(hit)
        if prop:  # an action sets a property the page renders (`jsonData {get; set;}`)
            message = f"{session} is exposed to client code: {info.label} sets property {prop} ({hit.site.api})"
        else:
            message = f"{session} is returned to client code from {info.label} ({hit.site.api})"
        message += _org_only(ctx, hit.source_id, f"set on property {prop} by {info.label}" if prop
                             else f"returned to client code by {info.label}")
        loc = Location(hit.site.path, hit.site.span, label="returned to the client")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  method=hit.site.method_id, anchor_text=hit.site.text,
                                  properties={"confidence": "high", "sink": hit.site.api}), (hit.source_id,))


# uses of a session that send no request: the browser's storage and console, record writes, a
# flow's e-mail, a postback (`model.catalog`)
_NOT_REQUESTS = PAGE_KEEPS | METADATA_EMAILS | PAGE_POSTBACKS


def _org_only(ctx: CheckContext, source_id: str, how: str) -> str:
    """What the package's own scripts do with the session, when every request they send it in goes
    to this org in a header or body (`fetch(await getBaseUrl() + '/services/data/...')`): the
    reviewer's first question about a session handed to client code. A request elsewhere is a
    SID002 finding and a session in a URL a SID006 one of their own; then, and when no script of
    the package is seen using it, nothing is added."""
    uses = [u for u in ctx.url_uses() if source_id in u.sources and how in u.via]
    if not uses or any(u.sink in _NOT_REQUESTS or u.sink.startswith(BOUND_PREFIX) or u.in_query
                       or ctx.url_endpoint(u).scope != "same-org" for u in uses):
        return ""  # stored, logged, mailed or bound into markup too (SID003...): not only requests
    where = ", ".join(sorted({f"{PurePosixPath(u.path).name}:{u.span.start_line}" for u in uses},
                             key=lambda w: (w.rpartition(":")[0], int(w.rpartition(":")[2]))))
    return f"; the package's scripts send it only to this org ({where})"
