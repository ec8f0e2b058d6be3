"""What a rule unit sees: the package model and the analyses' answers, plus finding builders.

Rules never read files or walk trees; they ask questions here and return `Verdict`s: a finding
and the session sources it gives a verdict to (SPEC: every source ends in exactly one verdict).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from apexlint.analyses.callgraph import AsyncEntry, CallGraph
from apexlint.analyses.client import base_methods
from apexlint.analyses.dataflow import FORMULA_READ, READ_BACK, FlowResult, SinkSite, SourceHit
from apexlint.analyses.endpoints import (
    ANONYMOUS_APEX_RESOURCE,
    CalloutUse,
    Endpoint,
    classify_callout,
    classify_url,
    merge_field_host,
    merge_field_prefix,
    page_request,
    page_url_labels,
    resolve_endpoints,
    unknown_page_label,
)
from apexlint.analyses.values import ORG_HOST, TOP, UNKNOWN, Step, Value, concat, join_all, literal
from apexlint.catalogue import RuleMeta
from apexlint.findings import Finding, Fix, FlowStep, Level, Location
from apexlint.ir import CANVAS_PREFIX, DEFAULTS_PREFIX, SourceKind, SourceSite, Span, UrlUse
from apexlint.lower.js_values import UNKNOWN_TEXT
from apexlint.model.package import PAGE_READ, PackageModel
from apexlint.records import frozen

SOURCE_LABELS = {
    SourceKind.APEX_GET_SESSION_ID: "UserInfo.getSessionId()",
    SourceKind.VF_CONTENT: "Visualforce page content",
    SourceKind.MERGE_FIELD: "merge field",
    SourceKind.JS_SFORCE_SESSION: "sforce.connection.sessionId",
    SourceKind.JS_SFDC_SESSION: "__sfdcSessionId",
    SourceKind.JS_CONTAINER_SESSION: "LCC.getRESTAPISessionKey()",
    SourceKind.OUTBOUND_MESSAGE: "outbound message",
    SourceKind.TOKEN_LITERAL: "token literal",
}


@frozen
class Verdict:
    finding: Finding
    source_ids: tuple[str, ...]


@dataclass
class CheckContext:
    model: PackageModel
    graph: CallGraph
    flow: FlowResult
    async_paths: dict[str, tuple[str, ...]]
    async_entries: dict[str, AsyncEntry]
    rules: Mapping[str, RuleMeta]
    include_tests: bool = False
    covered: dict[str, set[str]] = field(default_factory=dict)  # source id -> violation rule ids
    _callouts: dict[tuple[SinkSite, str], CalloutUse] = field(default_factory=dict)
    _page_requests: dict[UrlUse, tuple[Endpoint, CalloutUse | None]] = field(default_factory=dict)

    # -- questions ----------------------------------------------------------------------------
    def reportable(self, source_id: str) -> bool:
        """Sources in test code are not shipped behaviour: no verdict unless --include-tests."""
        src = self.model.sources.get(source_id)
        return src is not None and (self.include_tests or not src.in_test)

    def hits(self, *kinds: str) -> list[SourceHit]:
        """Concrete source→sink hits of these kinds, outside test code."""
        return [h for h in self.flow.hits if h.site.kind in kinds and self.reportable(h.source_id)
                and not self.in_test_code(h.site.method_id)]

    def in_test_code(self, method_id: str) -> bool:
        info = self.model.methods.get(method_id)
        return info is not None and info.method.is_test and not self.include_tests

    def sources(self, *kinds: SourceKind) -> list[SourceSite]:
        return [s for sid, s in sorted(self.model.sources.items())
                if s.kind in kinds and self.reportable(sid)]

    def callout_use(self, hit: SourceHit) -> CalloutUse:
        """Where a callout carrying this source goes and where the session sits in it (memoised)."""
        key = (hit.site, hit.source_id)
        if key not in self._callouts:
            use = classify_callout(hit.value, hit.source_id, self.model, hit.site.detail)
            if use.metadata_write and hit.cases:
                use = _writes_of_cases(use, [classify_callout(v, hit.source_id, self.model, hit.site.detail)
                                             for v in hit.cases])
            self._callouts[key] = use
        return self._callouts[key]

    def url_uses(self) -> list[UrlUse]:
        return [u for u in self.model.url_uses if any(self.reportable(s) for s in u.sources)]

    def url_endpoint(self, use: UrlUse) -> Endpoint:
        """Where a page's, component's or script's URL goes (`classify_url`), with a host taken
        from the page's controller (`https://{!Host}/...`) known when every value the data flow
        found for that property is the org's own hostname (the request's Host header...)."""
        return self._page_request(use)[0]

    def page_request(self, use: UrlUse) -> CalloutUse | None:
        """What a page's request with a known body does (`endpoints.page_request`: a metadata
        write?), None without a body. Memoised with `url_endpoint`: SID002, SID004 and SID010 each
        ask, SID010 once for every source."""
        return self._page_request(use)[1]

    def _page_request(self, use: UrlUse) -> tuple[Endpoint, CalloutUse | None]:
        found = self._page_requests.get(use)
        if found is None and use.url.startswith(CANVAS_PREFIX):
            app = use.url[len(CANVAS_PREFIX):]
            target = self.model.canvas_endpoint(app) if app else None
            endpoint = classify_url(target) if target else Endpoint(
                "unresolved", f"the canvas app {app or '(unnamed)'}",
                why="its connected app, which names where the canvas is, is not in the package")
            found = self._page_requests[use] = (endpoint, None)
        if found is None and use.url.startswith(DEFAULTS_PREFIX):
            library = use.url[len(DEFAULTS_PREFIX):]
            found = self._page_requests[use] = (Endpoint(
                "unresolved", f"each later {library} request",
                why=f"defaults ride on every request sent through {library}, and this script sends none "
                    "apexlint can see"), None)
        if found is None:
            # the package's `{!$Label.X}` render their packaged values (`endpoints.page_url_labels`)
            url, labels, default = page_url_labels(use.url, self.model)
            prop = merge_field_host(url)
            org = prop is not None and self._renders_org_host(use.path, prop)
            endpoint = classify_url(url, frozenset({prop}) if org and prop is not None else frozenset())
            if labels:
                endpoint = replace(endpoint, labels=labels, packaged_default=default)
            if endpoint.scope == "unresolved" and (unknown := unknown_page_label(url)) is not None:
                endpoint = replace(endpoint, why=f"it starts with custom label {unknown}, which the package "
                                                 "does not hold (its value is not known)")
            prefix = merge_field_prefix(url) if endpoint.scope == "unresolved" else None
            if prefix is not None:
                endpoint = self._rendered_url(self._property_value(use.path, prefix[0]), prefix[1]) or endpoint
            elif endpoint.scope == "unresolved" and use.base:
                head, known, rest = url.partition(UNKNOWN_TEXT)  # `{…}/services/...`, `https://{…}/...`
                if known and head.lower() in ("", "http://", "https://"):
                    endpoint = self._rendered_url(self._returned_value(use), rest, head) or endpoint
            found = self._page_requests[use] = (
                endpoint, page_request(endpoint, use.body, use.method)
                if use.body or use.method or ANONYMOUS_APEX_RESOURCE.search(use.url) else None)
        return found

    def _rendered_url(self, value: Value | None, rest: str = "", head: str = "") -> Endpoint | None:
        """Where a URL that starts with `value` goes: a controller property's
        (`window.open("{!mdUrl}")`, `<iframe src="{!frameUrl}&sid=...">`), or what an Apex method
        returned to the script (`fetch(base + '/services/...')`, or its host after `head`, a scheme:
        `'https://' + host + '/...'`), as the data flow found it, then `rest`: one apexlint cannot
        read, else the first external URL among its values, else (all the org's) the first; None
        when the data flow knows no value."""
        shapes = sorted(s for s in value.strings if s != ("",)) if value is not None else []
        if not shapes or any(s[0] in (UNKNOWN, TOP) for s in shapes):
            # an empty property renders nothing (the URL is then relative, this org's); one that
            # starts with what apexlint cannot read is said best as the page writes it
            return None
        url = Value(strings=frozenset(shapes))
        url = concat(concat(literal(head), url), literal(rest)) if head or rest else url
        endpoints = resolve_endpoints(url, self.model)
        unresolved = [ep for ep in endpoints if ep.scope == "unresolved"]
        if unresolved:
            return unresolved[0]  # which says why apexlint cannot tell (a custom setting...)
        return next((ep for ep in endpoints if ep.scope == "external"), endpoints[0])

    def _property_value(self, path: str, prop: str) -> Value | None:
        """What the page at `path` reads as `{!prop}`: its getters' returns, else the property's field."""
        member = self.model.page_member(path, prop)
        if member is None:
            return None
        getters, key = member
        if getters:
            summaries = [self.flow.summaries.get(g.id) for g in getters]
            return join_all([x.ret for x in summaries if x is not None])
        return self.flow.fields.get(key) if key is not None else None

    def _returned_value(self, use: UrlUse) -> Value | None:
        """What the Apex method a script's URL starts with returns (`UrlUse.base`), every overload
        joined; None when one was not analysed or none is known."""
        summaries = [self.flow.summaries.get(m.id) for m in base_methods(self.model, use)]
        if not summaries or any(x is None for x in summaries):
            return None
        return join_all([x.ret for x in summaries if x is not None])

    def _renders_org_host(self, path: str, prop: str) -> bool:
        value = self._property_value(path, prop)
        return value is not None and bool(value.strings) and all(s == (ORG_HOST,) for s in value.strings)

    def describe_source(self, source_id: str) -> str:
        """"session ID from UserInfo.getSessionId() at Foo.cls:12"."""
        s = self.model.sources[source_id]
        what = SOURCE_LABELS.get(s.kind, s.kind.value)
        if s.kind == SourceKind.MERGE_FIELD:
            what = s.text
        return f"session ID from {what} at {_short_path(s.path)}:{s.span.start_line}"

    def describe_hit(self, hit: SourceHit) -> str:
        """`describe_source`, with how a script got the session where it read it out of a package
        page it requested and passed it to Apex (the path's first step): "session ID from
        {!$Api.Session_ID} at ApiSession.page:1, rendered by Visualforce page ApiSession, read by
        sender.js with fetch, passed to Relay.relay,"."""
        return self.describe_path(hit.source_id, hit.trace)

    def describe_path(self, source_id: str, trace: Sequence[Step]) -> str:
        """`describe_hit` of a session and its path."""
        what = self.describe_source(source_id)
        first = trace[0].message if trace else ""
        return f"{what}, {first}," if first.startswith(PAGE_READ) else what

    def describe_use(self, use: UrlUse, sources: Sequence[str]) -> str:
        """The sessions a page's or script's request carries, and how the script got them from
        Apex when it did (`UrlUse.via`)."""
        what = ", ".join(self.describe_source(s) for s in sources)
        return f"{what}, {use.via}," if use.via else what

    def uncalled_note(self, method_id: str) -> str:
        if method_id.startswith("trigger:") or method_id in self.async_entries:
            return ""  # the platform calls it: a trigger, a Queueable's or a Batchable's execute...
        if self.graph.has_callers(method_id, lambda caller: not self.in_test_code(caller)):
            return ""
        info = self.model.methods.get(method_id)
        if info is None or _is_entry_point(info.method.annotations, info.method.modifiers, info.method.kind) \
                or self.model.page_bound(info):
            return ""  # called from outside: a client, a service, a page's merge fields or actions
        # Unless asked, test classes are not analysed (most are not even lowered): only the
        # package's own code counts as a caller.
        return f" ({info.label} has no callers in the package{'' if self.include_tests else ' outside tests'})"

    # -- builders -----------------------------------------------------------------------------
    def location(self, path: str, span: Span, label: str = "") -> Location:
        return Location(path=path, span=span, label=label)

    def source_location(self, source_id: str) -> Location:
        s = self.model.sources[source_id]
        return Location(s.path, s.span, label="session ID source")

    def finding(self, rule_id: str, message: str, location: Location, *, source_id: str | None = None,
                trace: tuple[Step, ...] = (), level: Level | None = None, method: str = "",
                properties: Mapping[str, str] | None = None, fix: Fix | None = None,
                anchor_text: str = "") -> Finding:
        meta = self.rules[rule_id]
        stored = next((s.message[len(READ_BACK):] for s in trace if s.message.startswith(READ_BACK)), None)
        if stored is not None:  # the flow went through the database: say so, the source is elsewhere
            message += f"; the package stores it in {stored}, and this reads it back"
        computed = next((s for s in trace if s.message.startswith(FORMULA_READ)), None)
        if computed is not None:  # the source is a field's formula: name where the code reads the field
            shown, _, reader = computed.message[len(FORMULA_READ):].partition(" by ")
            message += (f"; {reader or 'the code'} at {_short_path(computed.path)}:{computed.span.start_line}"
                        f" reads it from formula field {shown}")
        source = self.source_location(source_id) if source_id else None
        flow = tuple(FlowStep(Location(s.path, s.span), s.message) for s in trace)
        src_text = self.model.sources[source_id].text if source_id else ""
        if not flow and source is not None and source != location and location.label:
            # markup and scripts: the data flow there is not traced step by step, but where the
            # session comes from and where it goes make a path a viewer can walk
            shown = src_text if len(src_text) <= 80 else src_text[:79] + "…"
            flow = (FlowStep(Location(source.path, source.span), f"session ID from {shown}"),
                    FlowStep(Location(location.path, location.span), location.label))
        fp = _fingerprint(rule_id, anchor_text or location.path, src_text, method,
                          PurePosixPath(location.path).name)
        return Finding(
            rule_id=rule_id, level=level or Level(meta.level), message=message, location=location,
            source=source if source and source != location else None, flow=flow, fingerprint=fp,
            properties=tuple(sorted((properties or {}).items())), fix=fix)


def name_some(items: Sequence[str], limit: int = 3) -> str:
    """`a, b, c and 2 more`: a message names a few of many places."""
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f" and {more} more" if more > 0 else "")


def _is_entry_point(annotations: frozenset[str], modifiers: frozenset[str], kind: str) -> bool:
    from apexlint.model import catalog as api
    entry_annotations = api.OUTSIDE_ARGUMENT_ANNOTATIONS | api.ASYNC_ANNOTATIONS | {"testsetup", "istest"}
    return bool(entry_annotations & annotations) or "webservice" in modifiers or "global" in modifiers \
        or kind in ("getter", "setter", "initializer")


def _writes_of_cases(joined: CalloutUse, cases: list[CalloutUse]) -> CalloutUse:
    """A helper's request, written only where one caller's own request writes metadata: the
    types, names and operation those callers' requests write (the operation when they all name
    the same one: a `deleteMetadata` helper its callers give different types)."""
    writes = [c for c in cases if c.metadata_write]
    if not writes:
        return replace(joined, metadata_write=False, metadata_types=(), full_names=())
    operations = {c.operation for c in writes}
    return replace(joined, metadata_write=True, methods=tuple(sorted({m for c in writes for m in c.methods})),
                   metadata_types=tuple(sorted({t for c in writes for t in c.metadata_types})),
                   full_names=tuple(sorted({n for c in writes for n in c.full_names})),
                   operation=operations.pop() if len(operations) == 1 else joined.operation)


def _short_path(path: str) -> str:
    return PurePosixPath(path.split("!/")[-1]).name


def _fingerprint(*parts: str) -> str:
    """Stable across unrelated edits: no line numbers, only what the finding is about."""
    normalised = "\x1f".join(" ".join(p.split()).lower() for p in parts)
    # surrogatepass: a file name's undecodable bytes are lone surrogates in its path
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()[:32]
