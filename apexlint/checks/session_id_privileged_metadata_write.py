"""SID004 session-id-privileged-metadata-write: Metadata/Tooling API writes with the session.

A package holding an admin's session can change org-wide security settings, credentials and
connected apps with no audit trail naming the package and no notice to the admin. Writes to
credentials, apps, auth providers, remote site settings, CSP and security/session/password settings are
prohibited; writes to metadata the package does not own are reported as warnings; writes to the
package's own metadata are a supported use (SID010) that needs the admin's notice. Anonymous Apex
(`executeAnonymous`) may do any of these: it is reported as a warning. The write may be an Apex
callout or a page's own request (`XMLHttpRequest` to the org's `/services/Soap/m/`).
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.analyses.endpoints import ORG_API_PATHS, CalloutUse
from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Level, Location
from apexlint.model.metadata_types import is_prohibited_type, owned_by

RULE_ID = "SID004"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("callout", "soap-callout"):
        use = ctx.callout_use(hit)
        judged = _judged(ctx, use, ctx.describe_hit(hit))
        if judged is None:
            continue
        level, message, api_name, op = judged
        loc = Location(hit.site.path, hit.site.span, label=f"{api_name} {op}")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  level=level, method=hit.site.method_id, anchor_text=hit.site.text,
                                  properties=_properties(use, level, op)), (hit.source_id,))
    for page_use in ctx.url_uses():
        request = ctx.page_request(page_use) if page_use.header_or_body else None
        if request is None:
            continue
        sources = tuple(s for s in page_use.sources if ctx.reportable(s))
        judged = _judged(ctx, request, ctx.describe_use(page_use, sources))
        if judged is None:
            continue
        level, message, api_name, op = judged
        loc = Location(page_use.path, page_use.span, label=f"{api_name} {op} by {page_use.sink}")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sources[0], level=level,
                                  anchor_text=page_use.text, properties=_properties(request, level, op)), sources)


def _judged(ctx: CheckContext, use: CalloutUse, src: str) -> tuple[Level, str, str, str] | None:
    """Level, message, API and operation of a session-authenticated metadata write (None: not
    one, or a write of the package's own metadata: a supported use, SID010)."""
    if not (use.metadata_write or use.runs_apex) or not any(
            e.scope == "same-org" or (e.scope == "unresolved" and e.api in ORG_API_PATHS) for e in use.endpoints):
        return None  # (a host apexlint cannot read, with an org API's path: aimed at an org all the same)
    apis = {e.api for e in use.endpoints}
    prohibited = [t for t in use.metadata_types if is_prohibited_type(t)]
    api_name = "Tooling API" if "tooling" in apis else "Metadata API" if "metadata" in apis or use.operation \
        else "REST API" if "data" in apis else "Metadata API"
    op = use.operation or "/".join(use.methods) or "write"
    if prohibited:
        return (Level.ERROR, f"{src} authenticates a {api_name} {op} of {', '.join(prohibited)}: packages must not "
                "create or change credentials, apps or org-wide security settings", api_name, op)
    if use.runs_apex:
        # Neither a read nor a write of the package's metadata: whatever code it is given, outside the
        # package's namespace, with the user's rights (DML on setup objects, callouts, Metadata API
        # calls). What it does is not in the package to judge, hence a warning (see rules/SID004.md).
        anonymous = "Tooling API" if "tooling" in apis else "Apex API"
        # (a helper that sends every request of a client: its other requests' writes, of the types
        # they name, else of no known type)
        written = f"of {', '.join(use.metadata_types)}" if use.metadata_types \
            else "whose metadata type apexlint could not determine"
        also = f", and the same request also makes a {api_name} {op} {written}" if use.metadata_write else ""
        return (Level.WARNING, f"{src} authenticates {anonymous} executeAnonymous, which runs any Apex it is "
                f"given as the user, outside the package's namespace{also}; apexlint cannot tell what that code "
                "changes: do the work in the package's own Apex, or have the admin do it", anonymous,
                "executeAnonymous")
    if use.full_names and all(owned_by(n, ctx.model.namespace) for n in use.full_names):
        return None  # the package's own metadata: a supported use (SID010), admin to be notified
    if use.full_names or (use.metadata_types and not ctx.model.namespace):
        # without a namespace a package owns no metadata: whatever it writes is the org's
        foreign = [n for n in use.full_names if not owned_by(n, ctx.model.namespace)]
        what = ", ".join(foreign) or ", ".join(use.metadata_types)
        if foreign and use.metadata_types:  # `of CaseSettings (Case)`: a settings' name alone says little
            what = f"{', '.join(use.metadata_types)} ({what})"
        owner = (f"which is not in the package namespace '{ctx.model.namespace}'" if ctx.model.namespace
                 else "which the package does not own (it has no namespace)")
        return (Level.WARNING, f"{src} authenticates a {api_name} {op} of {what}, {owner}: ask the admin to make "
                "this change", api_name, op)
    # The type may be known (CustomMetadata) but not which components: their names are built at
    # run time, so whether the package owns them is not known either.
    what = f"of {', '.join(use.metadata_types)} whose names" if use.metadata_types else "whose metadata type"
    return (Level.WARNING, f"{src} authenticates a {api_name} {op} {what} apexlint could not determine; make sure "
            "it is metadata the package owns and that the admin is notified", api_name, op)


def _properties(use: CalloutUse, level: Level, op: str) -> dict[str, str]:
    return {"confidence": "high" if level == Level.ERROR else "low",
            "metadataType": ",".join(use.metadata_types) or "unknown", "operation": op}
