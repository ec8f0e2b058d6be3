"""SID011 session-id-unresolved-use: a session-ID use apexlint cannot resolve to any case.

The value goes into code outside the package, dynamic dispatch or reflection, or nowhere
apexlint can follow. The reviewer will ask what happens to it: document it, or replace the
session with a Named Credential.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from apexlint.checks.context import CheckContext, Verdict, name_some
from apexlint.findings import Location
from apexlint.ir import (
    NOT_ANALYSED,
    NOT_RENDERED,
    RESOURCE_URL,
    SessionGlobal,
    SourceKind,
    SourceSite,
    loaded_script,
)
from apexlint.model.catalog import PAGE_POSTBACKS
from apexlint.model.metadata_types import namespace_prefix
from apexlint.model.package import formula_field_name
from apexlint.patterns import lazy

RULE_ID = "SID011"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for sid in sorted(ctx.model.sources):
        src = ctx.model.sources[sid]
        if sid in ctx.covered or not ctx.reportable(sid):
            continue
        if src.kind in (SourceKind.OUTBOUND_MESSAGE, SourceKind.TOKEN_LITERAL):
            continue
        unresolved = [h for h in ctx.hits("unresolved") if h.source_id == sid]
        if unresolved:
            for hit in unresolved:
                message = (f"{ctx.describe_source(sid)} is passed to {hit.site.api}, which apexlint cannot "
                           "follow: document what it does with the session, or use a Named Credential"
                           f"{_namespace_hint(ctx, hit.site.api)}")
                loc = Location(hit.site.path, hit.site.span, label="passed on here")
                yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sid, trace=hit.trace,
                                          method=hit.site.method_id, anchor_text=hit.site.text,
                                          properties={"confidence": "medium", "sink": hit.site.api}), (sid,))
            continue
        yield Verdict(ctx.finding(RULE_ID, _unused_message(ctx, sid), ctx.source_location(sid),
                                  method=src.owner, anchor_text=src.text,
                                  properties={"confidence": "low"}), (sid,))



def _namespace_hint(ctx: CheckContext, api: str) -> str:
    """For `leankor.RealTimeController.manageBulkStreaming` in a package that declares no
    namespace and holds a `RealTimeController` of its own: the call may well be the package's own
    (its code names its classes with its namespace), which apexlint would follow were the
    namespace declared (AA-2). Not said where a namespace is declared: another prefix is then
    another package's, whose class may share a name with one of the package's; nor where the class
    is in a file named for a namespace (`ns__Class.cls`), the stub of an installed package's class
    that an org retrieve holds (AC-1: `Apttus_DocGen__MergeWebService.cls` beside the
    `Apttus_Proposal.MergeWebService` the code calls)."""
    prefix, dot, rest = api.partition(".")
    cls = rest.rpartition(".")[0].lower()
    held = dict.get(ctx.model.classes, cls) if dot and cls and not ctx.model.namespace else None
    if held is None or "__" in PurePosixPath(held.path).stem:
        # `Apttus_DocGen__MergeWebService.cls`: the stub an org retrieve holds of an installed
        # package's class (no Apex name holds `__`: the file is named for the package's namespace)
        return ""
    return (f"; the package has a class {held.display or cls} of its own: if '{prefix}' is the package's "
            "namespace, declare it (sfdx-project.json \"namespace\", or --namespace) and apexlint follows the call")

def _foreign_field(src: SourceSite, namespace: str) -> str:
    """The namespace prefix of a custom field whose API name carries another package's: an
    installed package's field, which a retrieve from an org brings along (W-8); "" for any other
    file. In source format the file is named for the field
    (`objects/Contact/fields/lid__Session_Id__c.field-meta.xml`); in a metadata-API retrieve the
    field is one `<fields>` of `objects/Contact.object`, named by its `<fullName>` (AF-2)."""
    name = PurePosixPath(src.path.replace("\\", "/")).name
    if name.lower().endswith(_FIELD_FILE):
        field_name = name[:-len(_FIELD_FILE)]
    elif (named := formula_field_name(src)) is not None:
        field_name = named[1]
    else:
        return ""
    prefix = namespace_prefix(field_name)
    return prefix if prefix.lower() != namespace.lower() else ""


_FIELD_FILE = ".field-meta.xml"


def _unused_message(ctx: CheckContext, sid: str) -> str:
    src = ctx.model.sources[sid]
    info = ctx.model.method_at(src.path, src.span)
    if info is not None and info.id in ctx.flow.stopped:
        return (f"{ctx.describe_source(sid)} is read in {info.label}, whose data flow apexlint stopped following "
                "(see the scan's notification for it): review what it does with the session by hand")
    note = ctx.uncalled_note(info.id) if info is not None else ""
    if src.context.startswith(NOT_ANALYSED):
        why = src.context[len(NOT_ANALYSED):].strip(" ()")
        if "longer than" not in why:  # not a long line: markup nested past what can be parsed
            return (f"{ctx.describe_source(sid)} is in a file apexlint did not analyse ({why}): review what it "
                    "does with the session by hand")
        # a minified line holds many: the column tells them apart
        return (f"{ctx.describe_source(sid)} (column {src.span.start_col:,}) is in a file apexlint did not analyse "
                f"({why}: minified or generated content): review what it does with the session by hand, or scan "
                "its unminified source")
    if src.context.startswith(NOT_RENDERED):
        hidden = src.context[len(NOT_RENDERED):].strip(" ()")
        return (f"{ctx.describe_source(sid)} is inside {hidden}, which Visualforce does not render: it "
                "retrieves no session and is in no page's output; remove it")
    if src.context == "html comment":
        where = "is rendered inside an HTML comment (Visualforce still renders it into the page)"
    elif src.context == "script comment":
        where = "is rendered inside a JavaScript comment (Visualforce fills merge fields in before the browser " \
                "sees the comment)"
    elif src.kind == SourceKind.MERGE_FIELD and (prefix := _foreign_field(src, ctx.model.namespace)):
        # its formula is the other package's; where this package's code reads the field, the
        # findings there say what happens to the session
        return (f"{ctx.describe_source(sid)} is the value of a formula of a field of another package (namespace "
                f"prefix {prefix}__), which a retrieve from the org brought along: this package neither ships nor "
                "changes it, and nothing in it reads the field; leave the other package's metadata out of the "
                "scan (--exclude)")
    elif src.kind == SourceKind.MERGE_FIELD:
        where = _merged_where(src.path, src.context)
    else:
        where = "is read"
    posted = _foreign_postback(ctx, sid)
    if posted:
        return f"{ctx.describe_source(sid)} {where} and {posted}"
    handed = ctx.model.unfollowed_calls.get(sid)
    if handed:  # a script gave it to code the analysis does not follow
        calls = sorted({(c.path, c.span.start_line, c.callee or "a call") for c in handed})
        named = name_some([f"{callee} ({PurePosixPath(path).name}:{line})" for path, line, callee in calls])
        return (f"{ctx.describe_source(sid)} {where} and passed to {named}, which apexlint cannot follow; "
                "document what that code does with the session, or remove it")
    kept = ctx.model.session_globals.get(sid)
    if kept:  # a global or a function's return: scripts in files the flow does not read may use it
        return _left_for_other_scripts(ctx, sid, where, kept, note)
    other = _same_named_view(ctx, src.path)
    if other:
        return (f"{ctx.describe_source(sid)} {where} but reaches no use apexlint can resolve: {other}; remove the "
                "copy the package does not ship")
    return (f"{ctx.describe_source(sid)} {where} but reaches no use apexlint can resolve{note}; "
            "remove it or document its use")


def _same_named_view(ctx: CheckContext, path: str) -> str:
    """Why a page, component or class is read by nothing when the package holds another of its
    name (`force-app/pages/X.page` beside `force-app/main/default/pages/X.page`; a repository of
    several packages with a `DeployMetadata.cls` in two of them): what `Page.X`, `/apex/X`, `<c:X>`
    and a call of `X.m()` reach is the other one, which the scan follows; "" for any other file."""
    file = PurePosixPath(path)
    kind = {".page": "page", ".component": "component", ".cls": "class"}.get(file.suffix.lower())
    if kind == "class":
        found_class = ctx.model.classes.get(file.stem.lower())
        if found_class is None or found_class.path == path:
            return ""
        return (f"this file is a second class named {file.stem}: calls of {file.stem}'s methods reach the other, "
                f"{found_class.path}, which the scan follows (two classes of one name cannot both be deployed)")
    found = ctx.model.views.get((kind, file.stem.lower())) if kind else None
    if found is None or found.path == path:
        return ""
    names = f"Page.{file.stem} and /apex/{file.stem} reach" if kind == "page" else f"<c:{file.stem}> reaches"
    return (f"this file is a second {kind} named {file.stem}: {names} the other, {found.path}, which the scan "
            f"follows (two {kind}s of one name cannot both be deployed)")


def _foreign_postback(ctx: CheckContext, sid: str) -> str:
    """How a command link or button posts the session back to an action of a controller the
    package does not hold (`<apex:page controller="Apttus_XApps.LandingController">`), if one:
    what that action does with it is another package's code."""
    for u in ctx.model.url_uses:
        if sid not in u.sources or u.sink not in PAGE_POSTBACKS:
            continue
        foreign = ctx.model.foreign_page_classes(u.path, u.action)
        if foreign:
            action = f"its action {u.action}" if u.action else "its action"
            return (f"posted back by {u.sink} ({PurePosixPath(u.path).name}:{u.span.start_line}) to {action} in "
                    f"{name_some(foreign)}, which is not in the scanned package: apexlint cannot follow it; "
                    "document what that action does with the session, or use a Named Credential")
    return ""


def _left_for_other_scripts(ctx: CheckContext, sid: str, where: str, kept: list[SessionGlobal], note: str) -> str:
    """A session a script leaves in a global or returns from a named function, which nothing in
    its file sends anywhere: the scripts of other files (those the page loads, for a page) may."""
    lowered = kept[0].path.lower()
    page = lowered.endswith((".page", ".component"))
    whose = "the page's" if page else "the script's"
    held = sorted({f"'{k.name}'" for k in kept if k.how == "global"})
    functions = sorted({f"{k.name}()" for k in kept if k.how == "return"})
    parts = ([f"kept in {whose} global {name_some(held)}"] if held else []) + (
        [f"returned by {name_some(functions)}"] if functions else [])
    # each script as a message names it, and whether it is one of the package's static resource
    # scripts, which are followed with the page's globals (AF-4)
    shown = dict.fromkeys((name, loaded_script(url) in ctx.model.resource_scripts)
                          for k in kept for url in k.loads if (name := _loaded_script(url)))
    followed = [name for name, ours in shown if ours]
    loads = [name for name, ours in shown if not ours]
    if page:
        others = (f"; the scripts the page loads from outside the package ({name_some(loads)}) may use it, and "
                  "apexlint cannot read them" if loads else "")
        what = "the page's own scripts send nowhere" if not followed else \
            f"neither the page's own scripts nor those it loads from the package ({name_some(followed)}) send anywhere"
    else:
        others = "; scripts in other files may use it, and apexlint does not follow values into other files"
        what = "this file sends nowhere"
    return (f"{ctx.describe_source(sid)} {where} and {' and '.join(parts)}, which {what}{others}{note}: "
            "document what uses it, or remove it")


def _loaded_script(url: str) -> str:
    """A script a page loads, as a message names it: a static resource by its name and the file in
    it (`$Resource.app/js/main.js`), any other URL as written; "" for the platform's own libraries
    (the AJAX Toolkit's `/soap/ajax/…`, the console's `/support/console/…`, the canvas SDK), which
    read no global a page makes up."""
    if _PLATFORM_SCRIPT.search(url):
        return ""
    resource = RESOURCE_URL.search(url)
    if resource is None:
        return url
    return f"$Resource.{resource.group(1)}" + (f"/{resource.group(2).lstrip('/')}" if resource.group(2) else "")


_PLATFORM_SCRIPT = lazy(r"(?:^|/)(?:soap/ajax|support/console|canvas/sdk)/|/lightning\.out\.js", re.IGNORECASE)


def _merged_where(path: str, context: str) -> str:
    """Where a session merge field is filled in: a page, an email, a formula, a link..."""
    lowered = path.lower()
    if lowered.endswith((".page", ".component")):
        return "is rendered into the page"
    if lowered.endswith(".email"):
        return "is rendered into the email"
    element = context.rpartition("/")[2]
    if "fieldUpdates" in context:
        return "is computed by a workflow field update's formula"
    if element.lower().endswith("formula"):
        return "is the value of a formula (every reader of the field gets it)"
    return f"is filled into {context or 'this metadata'}"
