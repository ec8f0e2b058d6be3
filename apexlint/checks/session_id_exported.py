"""SID002 session-id-exported: a session ID reaches a system that is not the org itself.

Exporting session IDs to third-party systems or external websites is prohibited for managed
packages: whoever receives it can act as the user until the session expires.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.analyses.endpoints import Endpoint, describe_labels, resolve_endpoints
from apexlint.checks.context import CheckContext, Verdict, name_some
from apexlint.findings import Location
from apexlint.ir import SourceKind
from apexlint.lower.js_values import UNKNOWN_TEXT
from apexlint.model.catalog import METADATA_EMAILS

RULE_ID = "SID002"
EMAIL_SUFFIX = ".email"  # email templates, in both source and metadata-API formats
CONFIDENCE = {"external": "high", "unresolved": "low"}


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("callout", "soap-callout"):
        use = ctx.callout_use(hit)
        # one finding a request: where it surely leaves the org if it can, the other places after
        elsewhere = [ep for ep in use.endpoints if ep.scope != "same-org"]
        for ep in elsewhere[:1]:
            where = " and ".join(use.parts)
            message = f"{ctx.describe_hit(hit)} is sent in the {where} {_destination(ep)}"
            others: list[Endpoint] = []
            for e in elsewhere[1:]:
                if not any(_same_destination(e, shown) for shown in (ep, *others)):
                    others.append(e)
            if others:
                message += f"; the request may also go to {name_some([e.url for e in others])}"
            message += ctx.uncalled_note(hit.site.method_id)
            props = {"confidence": "medium" if ep.named_credential else CONFIDENCE[ep.scope],
                     "endpoint": ep.url, "sink": hit.site.api}
            loc = Location(hit.site.path, hit.site.span, label=f"sent to {ep.url}")
            yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                      method=hit.site.method_id, anchor_text=hit.site.text + ep.url,
                                      properties=props), (hit.source_id,))
    exported: set[str] = set()
    for page_use in ctx.url_uses():
        if page_use.sink in METADATA_EMAILS:  # no URL: mailed (`_mailed_by_flows`)
            continue
        ep = ctx.url_endpoint(page_use)
        if ep.scope == "same-org":
            continue
        sources = tuple(s for s in page_use.sources if ctx.reportable(s))
        exported.update(sources)
        what = ctx.describe_use(page_use, sources)
        message = f"{what} is sent by {page_use.sink} {_url_destination(ep)}"
        loc = Location(page_use.path, page_use.span, label=f"sent to {ep.url}")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sources[0], anchor_text=page_use.text,
                                  properties={"confidence": CONFIDENCE[ep.scope], "endpoint": ep.url,
                                              "sink": page_use.sink}),
                      sources)
    yield from _redirected(ctx)
    yield from _mailed(ctx)
    yield from _mailed_by_flows(ctx)
    yield from _emailed(ctx, exported)


def _redirected(ctx: CheckContext) -> Iterator[Verdict]:
    """A PageReference whose URL carries the session and points outside the org: the browser
    is sent there, the session in the URL it requests."""
    for hit in ctx.hits("url"):
        if not hit.site.api.startswith("PageReference") or not hit.value.strings:
            continue
        elsewhere = [ep for ep in resolve_endpoints(hit.value, ctx.model) if ep.scope != "same-org"]
        if not elsewhere:
            continue
        ep = elsewhere[0]
        message = (f"{ctx.describe_hit(hit)} is sent by a PageReference redirect "
                   f"{_url_destination(ep)}{ctx.uncalled_note(hit.site.method_id)}")
        loc = Location(hit.site.path, hit.site.span, label=f"sent to {ep.url}")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  method=hit.site.method_id, anchor_text=hit.site.text + ep.url,
                                  properties={"confidence": CONFIDENCE[ep.scope], "endpoint": ep.url,
                                              "sink": hit.site.api}), (hit.source_id,))


def _mailed(ctx: CheckContext) -> Iterator[Verdict]:
    """An e-mail Apex sends with the session in its body, subject or an attachment: it reaches
    each recipient's mailbox, outside Salesforce, whoever the recipients are."""
    for hit in ctx.hits("email"):
        message = (f"{ctx.describe_hit(hit)} is sent by e-mail ({hit.site.api}): every recipient's "
                   "mailbox, outside Salesforce, receives the session ID" + ctx.uncalled_note(hit.site.method_id))
        loc = Location(hit.site.path, hit.site.span, label="sent by e-mail")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  method=hit.site.method_id, anchor_text=hit.site.text,
                                  properties={"confidence": "high", "sink": "email"}), (hit.source_id,))


def _mailed_by_flows(ctx: CheckContext) -> Iterator[Verdict]:
    """A flow's e-mail action (`emailSimple`) whose body or subject holds the session: as from Apex,
    each recipient's mailbox, outside Salesforce, receives it."""
    for use in ctx.url_uses():
        if use.sink not in METADATA_EMAILS:
            continue
        sources = tuple(s for s in use.sources if ctx.reportable(s))
        message = (f"{ctx.describe_use(use, sources)} is sent by e-mail (the flow's emailSimple action "
                   f"{use.url}): every recipient's mailbox, outside Salesforce, receives the session ID")
        yield Verdict(ctx.finding(RULE_ID, message, Location(use.path, use.span, label="sent by e-mail"),
                                  source_id=sources[0], anchor_text=use.text,
                                  properties={"confidence": "high", "sink": "email"}), sources)


def _emailed(ctx: CheckContext, exported: set[str]) -> Iterator[Verdict]:
    """A session merge field in an email template is rendered into every message it sends, so
    it reaches each recipient's mailbox, outside Salesforce, whatever markup surrounds it."""
    for src in ctx.sources(SourceKind.MERGE_FIELD):
        if not src.path.lower().endswith(EMAIL_SUFFIX) or src.id in exported:
            continue
        message = (f"{ctx.describe_source(src.id)} is rendered into the emails this template sends: "
                   "every recipient's mailbox receives the sender's session ID")
        yield Verdict(ctx.finding(RULE_ID, message, ctx.source_location(src.id), method=src.owner,
                                  anchor_text=src.text, properties={"confidence": "medium", "sink": "email"}),
                      (src.id,))


def _url_destination(ep: Endpoint) -> str:
    """Where a page's request goes; a URL built at run time is treated as leaving the org (SPEC)."""
    if ep.scope == "external":
        return f"to {ep.host} ({_with_labels(ep.why or 'an external host', ep)})"
    # a script's value unknown until run time reads as the Apex one does
    shown = ep.url.replace(UNKNOWN_TEXT, "<unknown>")
    return (f"to a URL apexlint could not resolve ({shown}: {ep.why}); unless it is this org, "
            "the session leaves Salesforce")


def _same_destination(other: Endpoint, named: Endpoint) -> bool:
    """Whether `other` is where the message already sends the session: the same URL, or another
    path of the Named Credential it names (`callout:X` + `path` or + `'/' + path`), which the
    message shows by the credential's name alone."""
    return other.url == named.url or (bool(named.named_credential) and other.named_credential == named.named_credential)


def _destination(ep: Endpoint) -> str:
    if ep.scope == "external" and ep.named_credential and ep.why:
        return (f"to Named Credential '{ep.named_credential}' ({ep.why}, so apexlint treats it as an external "
                "system)")
    if ep.scope == "external":
        return f"to {ep.url} ({ep.host}: {_with_labels(ep.why or 'not this org', ep)})"
    return (f"to an endpoint apexlint could not resolve ({ep.url}: {ep.why}); unless it is this org, "
            "the session leaves Salesforce")


def _with_labels(why: str, ep: Endpoint) -> str:
    """Why the endpoint is not the org, and the custom labels its URL was built from: the message
    names each label and the value it is packaged with, where the host was read."""
    labels = describe_labels(ep)
    return f"{why}; {labels}" if labels else why
