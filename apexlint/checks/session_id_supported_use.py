"""SID010 session-id-supported-use: every use of this session ID is a supported case.

Same-org SOAP/REST data API calls, Metadata API reads, writes of the package's own metadata,
and the standard UI's XHR (AJAX Toolkit, CometD) may use the session. Not a violation: a
reminder to document the use for the security review and, for writes, to notify the admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from apexlint.analyses.endpoints import Endpoint, describe_labels
from apexlint.checks.context import CheckContext, Verdict, name_some
from apexlint.findings import Location
from apexlint.ir import SessionTest
from apexlint.model.catalog import METADATA_EMAILS, PAGE_KEEPS, PAGE_POSTBACKS
from apexlint.model.package import PAGE_READ

RULE_ID = "SID010"
UI_SINKS = ("sforce.connection", "sforceClient", "cometd")  # `sforceClient`: the AJAX Toolkit beta's
API_CLIENT_SINKS = ("jsforce.Connection", "forcetk.Client")  # JavaScript clients of the REST API
API_LABELS = {"data": "REST data API", "soap-data": "SOAP data API", "metadata": "Metadata API read",
              "tooling": "Tooling API read", "apexrest": "Apex REST service", "oauth": "OAuth endpoint",
              "apex": "Apex API call", "other": "page or service", "": "endpoint"}


def supported_uses(ctx: CheckContext, source_id: str) -> list[tuple[Location, str, str, tuple, str]]:  # type: ignore[type-arg]
    """(location, description, method id, trace, confidence) of each supported use of one source.

    Confidence is medium where the endpoint's host is the packaged value of a custom label that is
    not protected (`Endpoint.packaged_default`): a subscriber's org can give the label another
    value, and the session then goes wherever that points."""
    uses = []
    for hit in ctx.hits("callout", "soap-callout"):
        if hit.source_id != source_id:
            continue
        use = ctx.callout_use(hit)
        for ep in use.endpoints:
            if ep.scope != "same-org":
                continue
            what = API_LABELS.get(ep.api, "endpoint")
            if ep.api == "tooling" and any(m in ("POST", "PATCH", "PUT", "DELETE") for m in use.methods):
                what = "Tooling API call"  # one that writes no metadata: tests run (anonymous Apex: SID004)
            if use.metadata_write:
                what = "write of the package's own metadata (notify the admin before it runs)"
            uses.append((Location(hit.site.path, hit.site.span, label="supported use"),
                         f"a same-org {what} ({_url_and_labels(ep)})", hit.site.method_id, hit.trace,
                         _confidence(ep)))
    for u in ctx.model.url_uses:
        if source_id not in u.sources or u.sink in PAGE_KEEPS or u.sink in METADATA_EMAILS:
            continue  # a session stored or logged (SID003), or mailed (SID002)
        ep = ctx.url_endpoint(u)
        if u.sink in UI_SINKS:
            what = f"standard UI request through {u.sink}"
        elif u.sink in PAGE_POSTBACKS:
            if ctx.model.foreign_page_classes(u.path, u.action):
                continue  # its action runs in another package's controller (SID011)
            what = f"a postback of this page's form to its own controller through {u.sink}"
        elif ep.scope == "same-org" and not u.in_query:
            where = f"through {u.sink} ({u.url or 'this page'})"
            if u.sink in API_CLIENT_SINKS:
                what = f"same-org API requests {where}"
            elif (request := ctx.page_request(u)) is not None and request.metadata_write:
                what = f"a same-org write of the package's own metadata {where} (notify the admin before it runs)"
            else:
                what = f"a same-org {API_LABELS.get(ep.api, 'endpoint')} request {where}"
            if ep.labels:
                what += f" ({describe_labels(ep)})"
        else:
            continue
        if u.via.startswith(PAGE_READ):  # how the script got it out of a package page
            what += f" ({u.via})"
        uses.append((Location(u.path, u.span, label="supported use"), what, "", (), _confidence(ep)))
    return uses


def _url_and_labels(ep: Endpoint) -> str:
    labels = describe_labels(ep)
    return f"{ep.url}, {labels}" if labels else ep.url


def _confidence(ep: Endpoint) -> str:
    return "medium" if ep.packaged_default else "high"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for sid in sorted(ctx.model.sources):
        if sid in ctx.covered or not ctx.reportable(sid) or not _needs_verdict(ctx, sid):
            continue
        if any(h.source_id == sid for h in ctx.hits("unresolved")):
            continue
        uses = sorted(supported_uses(ctx, sid), key=lambda u: (u[0].path, u[0].span, u[1]))
        if not uses:
            yield from _only_tested(ctx, sid)
            continue
        # one note a retrieval (SPEC), where its first use is; a library whose every method calls
        # the org through one port would otherwise give a note a call and an endpoint
        loc, what, method, trace, _ = uses[0]
        # medium where any use's host is only a label's packaged default (`supported_uses`)
        confidence = "medium" if any(u[4] == "medium" for u in uses) else "high"
        message = f"{ctx.describe_path(sid, trace)} is used for {what}: a supported use"
        others = sorted({(u[0].path, u[0].span.start_line) for u in uses[1:]} - {(loc.path, loc.span.start_line)})
        if others:
            message += f", as are its uses at {name_some([f'{PurePosixPath(p).name}:{n}' for p, n in others])}"
        message += "; document it for the security review"
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sid, trace=trace, method=method,
                                  anchor_text=what, properties={"confidence": confidence}), (sid,))


def _only_tested(ctx: CheckContext, sid: str) -> Iterator[Verdict]:
    """A session only tested (`!= null`, `String.isBlank`; in a script `if (sid)`, `!sid`) or
    hashed (`Crypto.generateDigest`) and used nowhere else: neither gives anything of it away.
    Anything else it reaches has its own verdict; a script's session also handed to code the
    analysis does not follow (`MyLib.check(sid)`) is not only tested (SID011)."""
    if any(h.source_id == sid for h in ctx.flow.hits if h.site.kind != "test") or any(
            sid in u.sources for u in ctx.model.url_uses) or sid in ctx.model.unfollowed_calls:
        return
    tests = sorted((h for h in ctx.hits("test") if h.source_id == sid), key=lambda h: (h.site.path, h.site.span))
    script_tests = sorted(ctx.model.session_tests.get(sid, ()), key=lambda t: (t.path, t.span))
    if not tests:
        yield from _only_tested_in_script(ctx, sid, script_tests)
        return
    first = tests[0]
    how = name_some(sorted({h.site.api for h in tests} | {t.how for t in script_tests}))
    hashed = {h.site.api.lower().startswith("crypto.") for h in tests}
    what = "hashed" if hashed == {True} else "tested" if hashed == {False} else "tested and hashed"
    message = f"{ctx.describe_source(sid)} is only {what} ({how}): its value goes nowhere, a supported use; " \
              "document it for the security review"
    if False in hashed:
        message += (", and ask what the test is for: Auth.CommunitiesUtil.isGuestUser(), UserInfo.getUserType() "
                    "or Request.getCurrent().getQuiddity() tell a guest or an automated context apart without "
                    "reading a session")
    else:
        message += " (a one-way hash cannot give the session back)"
    loc = Location(first.site.path, first.site.span, label="tested here")
    yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sid, trace=first.trace, method=first.site.method_id,
                              anchor_text="tested " + how, properties={"confidence": "high"}), (sid,))


def _only_tested_in_script(ctx: CheckContext, sid: str, tests: list[SessionTest]) -> Iterator[Verdict]:
    """A script's session only tested (`if (sforce.connection.sessionId)`, `!!__sfdcSessionId`,
    `sid == null`), worded as Apex's: the Apex APIs it names for the question behind the test are
    not the script's to call, so they are left out."""
    if not tests:
        return
    first = tests[0]
    how = name_some(sorted({t.how for t in tests}))
    message = f"{ctx.describe_source(sid)} is only tested ({how}): its value goes nowhere, a supported use; " \
              "document it for the security review"
    loc = Location(first.path, first.span, label="tested here")
    yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sid, anchor_text="tested " + how,
                              properties={"confidence": "high"}), (sid,))


def _needs_verdict(ctx: CheckContext, sid: str) -> bool:
    from apexlint.ir import SourceKind
    return ctx.model.sources[sid].kind not in (SourceKind.OUTBOUND_MESSAGE, SourceKind.TOKEN_LITERAL)
