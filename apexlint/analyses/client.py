"""Sessions Apex hands to client code, followed into that code's requests.

An `@AuraEnabled` method an LWC imports or an Aura component calls as an action, a `@RemoteAction`
a page calls and a controller property a page binds into its script return values to code running
in the browser. Lowering cannot know what they return, so a script's flow carries such a value
under a stand-in id (`ir.CLIENT_VALUE`: `client:apex:ctrl.getsid`, `client:remote:ctrl.m`,
`client:binding:apisid`, `client:aura:getsid`; `client:helper:push:1`, a parameter of an Aura
helper's method, stands for what the bundle's controller passes there; `client:global:token`, a
global a static resource's script reads, for what the pages that load the script keep in it;
`client:export:api.send:0`, a parameter of a function a component's module exports, for what the
scripts importing it pass there; `client:module:auth.sessionId`, what such a function returns where
a script calls it, for what Apex handed the module there; `client:page:apisession:fetch`, the
response of a request of a package page, for the sessions that page renders) and records the
requests it reaches apart from those sessions it knows itself.

The data flow reports every session an Apex member returns to client code (a "client" hit, which
SID008 reports). Here each script use of a stand-in becomes a use of those sessions, saying how
the script got them (`UrlUse.via`), so the rules judge a script that sends its controller's
session off-site (SID002), into a URL (SID006), into a metadata write (SID004) or a record
(SID003) as they judge one that reads `{!$Api.Session_ID}`. A stand-in for an Apex member
returning no session is dropped, and so is a use that carries nothing else. A use of the string
of what a member returns (`ir.as_text`: `'…' + details`) gets only the sessions the member hands
as its value, not those only in a field of the object it returns, whose string is `[object Object]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import PurePosixPath

from apexlint.analyses.dataflow import SourceHit
from apexlint.analyses.endpoints import shape_text
from apexlint.analyses.values import Shape
from apexlint.ir import (
    AS_TEXT,
    CLIENT_VALUE,
    EXPORT_PARAMETER,
    HANDED_TEXT,
    HELPER_PARAMETER,
    LIGHTNING_ATTRIBUTE_OWNER,
    MODULE_RETURN,
    PAGE_RESPONSE,
    UrlUse,
    loaded_script,
    plain_stand_in,
    resource_script,
)
from apexlint.lower.js_values import UNKNOWN_TEXT
from apexlint.model.package import AURA_ATTRIBUTE_SET, MethodInfo, PackageModel

_Member = tuple[str, str, str]  # ("binding" | "method", class, property or method), lower case


def resolve_client_uses(model: PackageModel, hits: Iterable[SourceHit]) -> list[UrlUse]:
    """`model.url_uses` with every stand-in replaced by the sessions its Apex member returns."""
    handed: dict[_Member, dict[str, str]] = {}  # member -> {source id: label of the member}
    # source id -> label of the member -> the values client code gets it in (`_returned_text`)
    returned: dict[str, dict[str, set[Shape]]] = {}
    # (source id, label of the member): where the member hands the session only in a field of what
    # it returns (a wrapper, a record, a map), and where it may hand it as the value (or its text)
    in_fields: set[tuple[str, str]] = set()
    as_value: set[tuple[str, str]] = set()
    for hit in hits:
        info = model.methods.get(hit.site.method_id) if hit.site.kind == "client" else None
        if info is None or info.cls is None or "rest" in dict(hit.site.detail):
            continue  # a REST response goes to the API's caller, not to a page's or component's script
        prop = dict(hit.site.detail).get("property")
        label = f"set on property {prop} by {info.label}" if prop else f"returned to client code by {info.label}"
        returned.setdefault(hit.source_id, {}).setdefault(label, set()).update(hit.value.strings or {_NOT_KNOWN})
        (as_value if prop or hit.source_id in hit.value.taint else in_fields).add((hit.source_id, label))
        for member in _members(info, hit):
            handed.setdefault(member, {}).setdefault(hit.source_id, label)
    in_fields -= as_value
    for kept in model.session_globals.values():  # sessions pages keep in globals for the scripts they load
        for held in kept:
            if held.how != "global" or not held.path.lower().endswith((".page", ".component")):
                continue
            for script in {s for url in held.loads if (s := loaded_script(url)) is not None}:
                handed.setdefault(("global", script, held.name.lower()), {}).setdefault(
                    held.source_id, f"kept by {PurePosixPath(held.path).name} in its global '{held.name}'")
    for page in model.pages.values():  # sessions pages pass to components' attributes
        for component, attribute, sid in page.component_args:
            handed.setdefault(("attribute", component, attribute), {}).setdefault(
                sid, f"passed by {PurePosixPath(page.path).name} to <c:{_shown(model, component)}> as {attribute}")
        for component, attribute, sid in page.lightning_args:  # and to Lightning Out's components
            namespace, _, name = component.partition(":")
            if namespace.lower() in ("c", model.namespace.lower()):
                handed.setdefault(("attribute", f"{LIGHTNING_ATTRIBUTE_OWNER}{name.lower()}", attribute.lower()), {}) \
                    .setdefault(sid, f"passed by {PurePosixPath(page.path).name} to {component} by "
                                     f"$Lightning.createComponent (attribute {attribute})")
    attributes_kept, kept_whole = _kept_in_attributes(model, handed)
    out: list[UrlUse] = []
    for use in model.url_uses:
        stand_ins = [s for s in use.sources if s.startswith(CLIENT_VALUE)]
        if not stand_ins:
            out.append(use)
            continue
        own = tuple(s for s in use.sources if not s.startswith(CLIENT_VALUE))
        if own:  # a markup URL with the page's own session beside a component's attribute
            out.append(replace(use, sources=own))
        found = _sessions_of(model, use.path, [s for s in stand_ins if not s.startswith(AS_TEXT)],
                             handed, attributes_kept)
        for string in (s for s in stand_ins if s.startswith(AS_TEXT)):
            for sid, how in _sessions_of(model, use.path, [plain_stand_in(string)], handed, attributes_kept).items():
                if not _in_a_field(sid, how, in_fields, kept_whole):
                    found.setdefault(sid, how)
        if found:
            labels = sorted(set(found.values()))
            shown = _returned_text(found, returned)  # what the script got in its URL's place
            out.append(replace(use, sources=tuple(sorted(found)), via=" and ".join(labels),
                               url=use.url.replace(HANDED_TEXT, shown), body=use.body.replace(HANDED_TEXT, shown)))
    return out


def _in_a_field(sid: str, how: str, in_fields: set[tuple[str, str]], kept_whole: dict[str, str]) -> bool:
    """Whether what a script got as `how` holds session `sid` only in a field (`in_fields`): the
    value an Apex member returns, handed straight to the script or kept whole in an attribute by
    the bundle's other script (`kept_whole`); not where it went through a helper's or a module's
    function, which may have been given a field of it (`helper.send(cmp, details.sid)`)."""
    return (sid, how) in in_fields or (how in kept_whole and (sid, kept_whole[how]) in in_fields)


def _kept_in_attributes(model: PackageModel, handed: dict[_Member, dict[str, str]]
                        ) -> tuple[dict[_Member, dict[str, dict[str, str]]], dict[str, str]]:
    """The sessions an Aura bundle's scripts keep in the component's attributes (`component.set(
    'v.details', response.getReturnValue())` in a helper's callback), by attribute, then by the
    script that keeps them: the bundle's other scripts read them back (`cmp.get('v.details')`,
    lowered as the attribute's stand-in). A script's own reads already see what it sets. And how
    each got there where the attribute holds what an Apex member returned, whole (not a field of
    it, nor text made with it), with the member's label: the string of the attribute is the
    string of that value (`_in_a_field`)."""
    out: dict[_Member, dict[str, dict[str, str]]] = {}
    whole: dict[str, str] = {}
    partly: set[str] = set()  # the same how, kept otherwise by another `component.set`
    for use in model.attribute_sets:
        parts = use.path.rsplit("/", 3)
        if len(parts) < 4 or parts[-3].lower() != "aura":
            continue
        attribute = use.sink[len(AURA_ATTRIBUTE_SET):]
        member = ("attribute", f"{LIGHTNING_ATTRIBUTE_OWNER}{parts[-2].lower()}", attribute.lower())
        how = f"kept by {parts[-1]} in attribute v.{attribute}"
        given = out.setdefault(member, {}).setdefault(use.path, {})
        for sid in use.sources:
            if not sid.startswith(CLIENT_VALUE):
                given.setdefault(sid, how)
        stand_ins = [plain_stand_in(s) for s in use.sources if s.startswith(CLIENT_VALUE)]
        for sid, label in _sessions_of(model, use.path, stand_ins, handed).items():
            kept = f"{label}, {how}"
            given.setdefault(sid, kept)
            if use.url == HANDED_TEXT and len(stand_ins) == 1:
                whole.setdefault(kept, label)
            else:
                partly.add(kept)
    return out, {kept: label for kept, label in whole.items() if kept not in partly}


def _sessions_of(model: PackageModel, path: str, stand_ins: list[str], handed: dict[_Member, dict[str, str]],
                 kept: dict[_Member, dict[str, dict[str, str]]] | None = None) -> dict[str, str]:
    """The sessions the stand-ins of a use in the script at `path` stand for, each with how the
    script got it: what the Apex members they mean hand over (`handed`), what a package page the
    script requested renders, and what the bundle's other scripts keep in an attribute (`kept`,
    `_kept_in_attributes`)."""
    found: dict[str, str] = {}
    for stand_in, through, bundle in _passed_on(model, path, stand_ins):
        if stand_in.startswith(PAGE_RESPONSE):  # what a package page renders into the script's request of it
            script = path if not through else bundle
            for sid, label in model.page_response_sessions(stand_in, script).items():
                found.setdefault(sid, label + through)
            continue
        for member in _meant(model, path, stand_in, bundle):
            sessions = {**handed.get(member, {}), **{
                sid: label for keeper, given in (kept or {}).get(member, {}).items() if keeper != path
                for sid, label in given.items()}}
            if sessions:
                for sid, label in sessions.items():
                    found.setdefault(sid, label + through)
                break  # the first class (extensions first) that hands a session over; Visualforce
                # calls the first that declares the member, which may hand none: an over-approximation
    return found


def base_methods(model: PackageModel, use: UrlUse) -> list[MethodInfo]:
    """The Apex methods whose return value the URL of `use` starts with (`UrlUse.base`: `base` in
    `fetch(base + '/services/data/...')`, where `base = await getBaseUrl()`), overloads included;
    none when it starts with anything else, or with a value that is not a method's return (a
    property a page binds, an Aura helper's parameter)."""
    if not use.base or use.base.startswith((HELPER_PARAMETER, EXPORT_PARAMETER, MODULE_RETURN)):
        return []
    out: list[MethodInfo] = []
    for way, cls, name in _meant(model, use.path, use.base, use.path.rpartition("/")[0]):
        if way == "method":
            out.extend(model.by_class.get(cls, {}).get(name, []))
    return out


def url_base_methods(model: PackageModel) -> frozenset[str]:
    """Ids of the methods whose return values start the URLs of script requests that carry a
    session Apex hands over: the data flow analyses them, for the checks to tell where those
    requests go (`CheckContext.url_endpoint`)."""
    return frozenset(m.id for use in model.url_uses if use.base and use.sources for m in base_methods(model, use))


_NOT_KNOWN: Shape = ()


def _returned_text(found: dict[str, str], returned: dict[str, dict[str, set[Shape]]]) -> str:
    """How a use's URL writes what client code got from Apex in the place of it (`ir.HANDED_TEXT`):
    as Apex messages write the one value the member returns (`<session ID>` for the session
    itself, `/apex/Docs?sid=<session ID>` for a URL built with it), `{…}` when it may be several
    or apexlint cannot tell. `found`: the sessions the use gets, each with how (the member's
    label, then how the script passed it on: `, passed to helper.m`)."""
    shapes: set[Shape] = set()
    for sid, how in found.items():
        members = [got for label, got in returned.get(sid, {}).items()
                   if how == label or how.startswith((label + ",", label + " ("))]
        shapes.update(*members) if members else shapes.add(_NOT_KNOWN)
    only = next(iter(shapes)) if len(shapes) == 1 else _NOT_KNOWN
    return shape_text(only) if only != _NOT_KNOWN else UNKNOWN_TEXT


def _passed_on(model: PackageModel, path: str, stand_ins: list[str]) -> Iterator[tuple[str, str, str]]:
    """The stand-ins as `_handed_on` gives them, with what a function of a component's module
    returns (`client:module:auth.sessionid`) replaced by what Apex handed it there."""
    for value, through, bundle in _handed_on(model, path, stand_ins):
        if value.startswith(MODULE_RETURN):
            yield from _returned_by(model, value, through)
        else:
            yield value, through, bundle


def _handed_on(model: PackageModel, path: str, stand_ins: list[str]) -> Iterator[tuple[str, str, str]]:
    """The stand-ins, with an Aura helper's parameter (`client:helper:push:1`) replaced by what
    the bundle's controller passes it (`helper.push(component, sid)`), or the helper's other
    methods (`this.push(component, token)`, where `token` is in turn what they were passed), and
    how it got there; with the bundle whose Apex controller an action's stand-in
    (`client:aura:getsid`) is of. The helper of a component that extends this one's runs this
    one's methods too, unless its own defines the method: what that component passes them counts,
    with its own Apex controller."""
    folder = path.rpartition("/")[0]
    for stand_in in stand_ins:
        if stand_in.startswith(EXPORT_PARAMETER):
            yield from _imported_by(model, stand_in)
            continue
        if not stand_in.startswith(HELPER_PARAMETER):
            yield stand_in, "", folder
            continue
        method = stand_in[len(HELPER_PARAMETER):].rpartition(":")[0]
        for bundle in _running(model, folder, method):
            args: dict[tuple[str, int], set[str]] = {}
            for held in _chain(model, bundle):  # what the component's helper methods are passed
                for key, passed in model.aura_helper_args.get(held, {}).items():
                    args.setdefault(key, set()).update(passed)
            note = "" if bundle == folder else \
                f" (as the helper of {_bundle(bundle)}, which extends {_bundle(folder)})"
            pending = [(stand_in, note)]
            seen = {stand_in}
            while pending:
                value, through = pending.pop()
                if not value.startswith(HELPER_PARAMETER):
                    yield value, through, bundle
                    continue
                called, _, index = value[len(HELPER_PARAMETER):].rpartition(":")
                for given in sorted({plain_stand_in(s) for s in args.get((called, int(index)), set())}, reverse=True):
                    if given not in seen:
                        seen.add(given)
                        pending.append((given, f", passed to helper.{called}" + through))


def _imported_by(model: PackageModel, stand_in: str) -> Iterator[tuple[str, str, str]]:
    """A parameter of a function a component's module exports (`client:export:api.send:0`)
    replaced by what the scripts importing it pass there (`send(sid)` after `import { send }
    from 'c/api'`), also through other modules' functions that pass it on; with how it got there
    and the calling script's bundle."""
    pending = [(stand_in, "")]
    seen = {stand_in}
    while pending:
        value, through = pending.pop()
        called, _, index = value[len(EXPORT_PARAMETER):].rpartition(":")
        module, _, function = called.partition(".")
        for (caller, written), passed in sorted(model.module_args.get((module, function, int(index)), {}).items()):
            note = f", passed to {_exported(function)} of c/{written} by {PurePosixPath(caller).name}" + through
            for given in sorted({plain_stand_in(s) for s in passed}):
                if not given.startswith(EXPORT_PARAMETER):
                    yield given, note, caller.rpartition("/")[0]
                elif given not in seen:
                    seen.add(given)
                    pending.append((given, note))


def _returned_by(model: PackageModel, stand_in: str, through: str) -> Iterator[tuple[str, str, str]]:
    """What a function of a component's module returns (`client:module:auth.sessionid`, where a
    script calls `sessionId()` after `import { sessionId } from 'c/auth'`) replaced by the stand-ins
    of what Apex handed the module there (`return getSid()`), also through other modules' functions
    it returns from; with how it got there (`through`: how the calling script passed it on) and the
    module's bundle."""
    pending = [(stand_in, through)]
    seen = {stand_in}
    while pending:
        value, after = pending.pop()
        module, _, function = value[len(MODULE_RETURN):].partition(".")
        for script, returned in sorted(model.module_returns.get((module, function), {}).items()):
            bundle = script.rpartition("/")[0]
            note = f", returned by {_exported(function)} of c/{_bundle(bundle)}" + after
            for given in sorted(returned):
                if not given.startswith(MODULE_RETURN):
                    yield given, note, bundle
                elif given not in seen:
                    seen.add(given)
                    pending.append((given, note))


def _exported(function: str) -> str:
    """A module's exported function as messages name it: its name, or "the default export"."""
    return "the default export" if function == "default" else function


def _bundle(folder: str) -> str:
    return folder.rpartition("/")[2]


def _chain(model: PackageModel, folder: str) -> list[str]:
    """An Aura bundle's folder, and those of the components it extends, nearest first."""
    chain = [folder]
    while (base := model.aura_extends.get(chain[-1])) is not None:
        namespace, _, name = base.partition(":")
        if namespace not in ("c", model.namespace):
            break  # another package's component: its helper is not in this package
        found = sorted(f for f in _bundle_folders(model) if _bundle(f).lower() == name)
        if not found or found[0] in chain:
            break
        chain.append(found[0])
    return chain


def _bundle_folders(model: PackageModel) -> set[str]:
    return set(model.aura_controllers) | set(model.aura_extends) | set(model.aura_helper_methods) | \
        set(model.aura_helper_args)


def _running(model: PackageModel, folder: str, method: str) -> list[str]:
    """The bundles whose helper runs `method` as the helper in `folder` defines it: that bundle,
    and each extending it whose chain defines no method of that name before it."""
    running = [folder]
    for sub in sorted(model.aura_extends):
        chain = _chain(model, sub)
        if sub != folder and folder in chain and not any(
                method in model.aura_helper_methods.get(b, frozenset()) for b in chain[:chain.index(folder)]):
            running.append(sub)
    return running


def _members(info: MethodInfo, hit: SourceHit) -> Iterator[_Member]:
    """How client code can name a method that returns to it: as a method, and as the property
    a page binds (`MethodInfo.bound_property`); or the property a method sets, which the page
    binds (`{get; set;}`, set by its action)."""
    assert info.cls is not None
    detail = dict(hit.site.detail)
    if "property" in detail:
        yield "binding", detail["owner"], detail["property"].lower()
        return
    if info.method.kind == "method":
        yield "method", info.cls.name, info.method.name
    if info.bound_property:
        yield "binding", info.cls.name, info.bound_property


def _meant(model: PackageModel, path: str, stand_in: str, bundle: str) -> Iterator[_Member]:
    """The Apex members a stand-in may mean, in the order Visualforce looks them up; an Aura
    action's (`client:aura:getsid`) is of the Apex controller of the component `bundle`."""
    way, _, name = stand_in[len(CLIENT_VALUE):].partition(":")
    if way == "global":  # what the pages that load this static resource's script keep in that global
        script = resource_script(path)
        if script is not None:
            yield "global", script, name
        return
    if way == "attribute":
        component, _, attribute = name.partition(":")
        yield "attribute", component, attribute
        return
    if way == "binding":
        for cls in model.page_classes(path):
            yield "binding", cls, name
        return
    if way == "aura":  # an action of the controller the script's bundle names (`lower/aura.py`)
        controller = model.aura_controllers.get(bundle)
        bundle_class = model.resolve_class(controller) if controller else None
        if bundle_class is not None:
            yield "method", bundle_class, name
        return
    owner, _, method = name.rpartition(".")
    declaring = model.resolve_class(owner) if owner else None  # `ns.Ctrl`: the package's own namespace only
    if declaring is not None:
        yield "method", declaring, method


def _shown(model: PackageModel, component: str) -> str:
    """A component's name as its file spells it."""
    found = model.pages.get(component)
    return found.display if found is not None else component

