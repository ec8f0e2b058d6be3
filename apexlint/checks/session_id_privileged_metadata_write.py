"""SID004 session-id-privileged-metadata-write: Metadata/Tooling API writes with the session.

A package holding an admin's session can change org-wide security settings, credentials and
connected apps with no audit trail naming the package and no notice to the admin. Writes to
credentials, apps, auth providers, remote sites, CSP and security/session/password settings are
prohibited; writes to metadata the package does not own are reported as warnings; writes to the
package's own metadata are a supported use (SID010) that needs the admin's notice.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Level, Location
from apexlint.model.metadata_types import is_prohibited_type, owned_by

RULE_ID = "SID004"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("callout", "soap-callout"):
        use = ctx.callout_use(hit)
        if not use.metadata_write or not any(e.scope == "same-org" for e in use.endpoints):
            continue
        prohibited = [t for t in use.metadata_types if is_prohibited_type(t)]
        api_name = "Tooling API" if any(e.api == "tooling" for e in use.endpoints) else "Metadata API"
        op = use.operation or "/".join(use.methods) or "write"
        src = ctx.describe_source(hit.source_id)
        if prohibited:
            level = Level.ERROR
            message = (f"{src} authenticates a {api_name} {op} of {', '.join(prohibited)}: packages must not "
                       "create or change credentials, apps or org-wide security settings")
        elif use.full_names and all(owned_by(n, ctx.model.namespace) for n in use.full_names):
            continue  # the package's own metadata: a supported use (SID010), admin to be notified
        elif use.full_names or (use.metadata_types and not ctx.model.namespace):
            # without a namespace a package owns no metadata: whatever it writes is the org's
            level = Level.WARNING
            foreign = [n for n in use.full_names if not owned_by(n, ctx.model.namespace)]
            what = ", ".join(foreign) or ", ".join(use.metadata_types)
            message = (f"{src} authenticates a {api_name} {op} of {what}, which is not in the "
                       f"package namespace '{ctx.model.namespace or '(none)'}': ask the admin to make this change")
        else:
            # The type may be known (CustomMetadata) but not which components: their names are
            # built at run time, so whether the package owns them is not known either.
            level = Level.WARNING
            what = f"of {', '.join(use.metadata_types)} whose names" if use.metadata_types else "whose metadata type"
            message = (f"{src} authenticates a {api_name} {op} {what} apexlint could not determine; make sure "
                       "it is metadata the package owns and that the admin is notified")
        loc = Location(hit.site.path, hit.site.span, label=f"{api_name} {op}")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  level=level, method=hit.site.method_id, anchor_text=hit.site.text,
                                  properties={"confidence": "high" if prohibited else "low",
                                              "metadataType": ",".join(use.metadata_types) or "unknown",
                                              "operation": op}), (hit.source_id,))
