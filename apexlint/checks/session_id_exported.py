"""SID002 session-id-exported: a session ID reaches a system that is not the org itself.

Exporting session IDs to third-party systems or external websites is prohibited for managed
packages: whoever receives it can act as the user until the session expires.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.analyses.endpoints import Endpoint, classify_url
from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Location

RULE_ID = "SID002"
CONFIDENCE = {"external": "high", "unresolved": "low"}


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("callout", "soap-callout"):
        use = ctx.callout_use(hit)
        for ep in use.endpoints:
            if ep.scope == "same-org":
                continue
            where = " and ".join(use.parts)
            message = f"{ctx.describe_source(hit.source_id)} is sent in the {where} {_destination(ep)}"
            message += ctx.uncalled_note(hit.site.method_id)
            props = {"confidence": "medium" if ep.named_credential else CONFIDENCE[ep.scope],
                     "endpoint": ep.url, "sink": hit.site.api}
            loc = Location(hit.site.path, hit.site.span, label=f"sent to {ep.url}")
            yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                      method=hit.site.method_id, anchor_text=hit.site.text + ep.url,
                                      properties=props), (hit.source_id,))
    for use in ctx.url_uses():
        ep = classify_url(use.url)
        if ep.scope != "external":
            continue
        sources = tuple(s for s in use.sources if ctx.reportable(s))
        what = ", ".join(ctx.describe_source(s) for s in sources)
        message = f"{what} is sent to {ep.host} (an external host) by {use.sink}"
        loc = Location(use.path, use.span, label=f"sent to {ep.url}")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sources[0], anchor_text=use.text,
                                  properties={"confidence": "high", "endpoint": ep.url, "sink": use.sink}),
                      sources)


def _destination(ep: Endpoint) -> str:
    if ep.scope == "external" and ep.named_credential and ep.why:
        return (f"to Named Credential '{ep.named_credential}' ({ep.why}, so apexlint treats it as an external "
                "system)")
    if ep.scope == "external":
        return f"to {ep.url} ({ep.host}: not this org)"
    return (f"to an endpoint apexlint could not resolve ({ep.url}: {ep.why}); unless it is this org, "
            "the session leaves Salesforce")
