"""Whole-package data flow of session IDs through Apex, on the intermediate form only.

Each method is analysed once per change into a *summary*: its return value, what it does to
its parameters' objects, what it writes to class fields, and which sinks its parameters reach
— all in terms of symbolic parameters, so a helper called from fifty places is analysed once
and instantiated at each call. Class fields are one global store per (class, field); besides, an
instance method only the package calls reads its own fields as its receiver's (`RECEIVER`), and
each call fills them in from the object it is made on where that object's parts are known (one
made there by `new`: what its constructor wrote), from the store where not. A worklist
re-analyses callers when a summary changes and readers when a field changes, until nothing
changes (values only grow and are bounded, and a per-method cap guarantees termination).

Within a method the analysis is flow-insensitive: statements are iterated to a local fixpoint.
A write to a local joins what it held, except an assignment lowering marks as replacing it
(`Assign.kills`: straight-line code in the local's own block, or to the end of a block nested in
it, where the earlier value joins again (`Assign.rejoin`); no loop carrying an older value), and
a request setter that replaces one part of a local request (`Eval.kills`).
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from apexlint.analyses.callgraph import CallGraph, Resolution, Scope, is_exception_class, walk_exprs
from apexlint.analyses.demand import Demand
from apexlint.analyses.endpoints import full_name, url_host
from apexlint.analyses.run_time_classes import RunTimeClasses
from apexlint.analyses.values import (
    ANY_PART,
    EMPTY,
    ORG,
    ORG_HOST,
    RESPONSE,
    SESSION,
    SETTING,
    UNKNOWN,
    UNSET,
    Step,
    Trace,
    Value,
    add_step,
    concat,
    derived,
    extend,
    field_of,
    join,
    join_all,
    keeps_facet,
    label_marker,
    literal,
    literal_text,
    map_entry,
    map_get,
    map_rest,
    map_values,
    marker_param,
    on_receiver,
    param_marker,
    receiver_field,
    receiver_names,
    redacted_key,
    redaction_removes,
    redaction_step,
    request_part,
    same_but_paths,
    substitute,
    with_facet,
)
from apexlint.ir import (
    Assign,
    Binary,
    Call,
    Cast,
    Dml,
    Eval,
    Expr,
    FieldGet,
    Index,
    Lit,
    Name,
    New,
    NoticeLevel,
    Notification,
    Opaque,
    PageIR,
    Return,
    SessionRead,
    Soql,
    SourceKind,
    SourceSite,
    Span,
    Stmt,
    Super,
    Ternary,
    This,
    Throw,
    has_ref,
)
from apexlint.model import catalog as api
from apexlint.model.package import MethodInfo, PackageModel, base_type, element_type, formula_field_name
from apexlint.patterns import lazy
from apexlint.records import frozen
from apexlint.secrets import clip

MAX_VISITS = 25
MAX_MADE = 8  # objects of one class told apart (`DataFlow.made`); more are joined into the last
MAX_SETTLING = 3  # analyses open at once while writers of fields are analysed ahead (DataFlow.settle)
_APEX_PAGE_URL = lazy(r"(?:^|/)apex/([A-Za-z0-9_]+)", re.I)
LOCAL_ROUNDS = 6
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
# How Apex writes the client annotations (kept lower case, as Apex reads names), for messages.
_ANNOTATION_NAMES = {"auraenabled": "AuraEnabled", "remoteaction": "RemoteAction"}
MAX_JOINED = 200  # items of a `String.join` followed in order (`DataFlow.string_join`)
# The type of an object `Type.forName(name).newInstance()` makes when `name` is not a literal
# naming a package class: its class is chosen at run time, possibly a subscriber's.
RUN_TIME_CLASS = "?run-time class"


@frozen
class SinkSite:
    """Where a session-carrying value is used in a way that decides a verdict."""

    kind: str  # callout | soap-callout | log | persist | url | client | unresolved | event
    api: str  # the API, as a reader would name it: "Http.send", "System.debug" ...
    method_id: str
    path: str
    span: Span
    text: str
    detail: tuple[tuple[str, str], ...] = ()


@frozen
class SinkHit:
    site: SinkSite
    value: Value  # what reaches the sink (an HttpRequest with its endpoint/headers/body ...)


@frozen
class SourceHit:
    """A concrete session source reaching a sink, with its path."""

    site: SinkSite
    source_id: str
    trace: Trace
    value: Value
    # where `value` joins what several callers passed a helper, each caller's own (the request
    # one of them sends is not another's: a Tooling query beside a data API PATCH is no Tooling write)
    cases: tuple[Value, ...] = ()


def _class_name(e: Expr | None) -> str:
    """`Logger` / `nebula.Logger` as a call's receiver names it (lower case), else ""."""
    if isinstance(e, Name):
        return e.name
    if isinstance(e, FieldGet) and isinstance(e.obj, Name):
        return f"{e.obj.name}.{e.name}"
    return ""


@dataclass
class Summary:
    ret: Value = EMPTY
    param_effects: dict[int, Value] = field(default_factory=dict)
    field_effects: dict[tuple[str, str], Value] = field(default_factory=dict)
    # what the callers' arguments make reach each sink, by the call that leads there (its span in
    # this method, and which of the callee's own values for the site it is): two calls of one
    # helper keep what each sends (up to _SINK_VALUES a site)
    sinks: dict[tuple[SinkSite, Span, int], SinkHit] = field(default_factory=dict)
    # the fields of the object it runs on that the values above read (as `RECEIVER` fields)
    receiver_fields: frozenset[tuple[str, str]] = frozenset()
    # what it writes to the fields of the object it runs on (field name -> value): the state a
    # constructor gives a new object, or a setter an object its caller holds
    receiver_effects: dict[str, Value] = field(default_factory=dict)
    # objects of package classes it makes from its parameters (or its receiver's fields): each
    # caller's arguments make them what they are (`DataFlow.made`)
    made: tuple[tuple[str, Value], ...] = ()


_NO_SUMMARY = Summary()  # what a method not analysed yet does, as its callers see it
_SINK_VALUES = 4  # values a summary keeps a sink site: one per call leading there, for a few calls
_Key = TypeVar("_Key")


def _same_but_paths(a: Summary, b: Summary) -> bool:
    """Whether two summaries of a method say the same but for the paths in their values (see
    `values.same_but_paths`): what a caller applying either would find, but for its paths."""
    return same_but_paths(a.ret, b.ret) and a.receiver_fields == b.receiver_fields \
        and _same_values(a.param_effects, b.param_effects) and _same_values(a.field_effects, b.field_effects) \
        and _same_values(a.receiver_effects, b.receiver_effects) \
        and a.sinks.keys() == b.sinks.keys() \
        and all(hit.site == b.sinks[k].site and same_but_paths(hit.value, b.sinks[k].value)
                for k, hit in a.sinks.items()) \
        and len(a.made) == len(b.made) \
        and all(ca == cb and same_but_paths(va, vb) for (ca, va), (cb, vb) in zip(a.made, b.made, strict=True))


def _same_values(a: Mapping[_Key, Value], b: Mapping[_Key, Value]) -> bool:
    return a.keys() == b.keys() and all(same_but_paths(v, b[k]) for k, v in a.items())


@dataclass
class FlowResult:
    hits: list[SourceHit]
    summaries: dict[str, Summary]
    fields: dict[tuple[str, str], Value]
    visits: int
    # page name -> the controller member through which it renders a session (`{!sid}:
    # Ctrl.getSid`) and that session's source ids: pages with no session merge field of their own
    rendered: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # methods whose analysis failed (an apexlint bug) or ran out of time: each a note, the rest kept
    notes: tuple[Notification, ...] = ()
    stopped: frozenset[str] = frozenset()  # those methods' ids


class DataFlow:
    def __init__(self, model: PackageModel, graph: CallGraph, logger_classes: frozenset[str] = frozenset(),
                 client_getters: Mapping[tuple[str, str], str] | None = None, include_tests: bool = False,
                 exhaustive: bool = False, page_hosts: frozenset[tuple[str, str]] = frozenset(),
                 method_timeout: float | None = None, url_bases: frozenset[str] = frozenset()) -> None:
        self.model = model
        self.graph = graph
        # seconds one method's analysis may take (not counting the analyses of methods it needs
        # first), None: no limit; past it the method's flow is left out with a note
        self.method_timeout = method_timeout
        # the runs under way, innermost last: one, or more while settling a field (`_analyse`)
        self._runs: list[_MethodRun] = []
        self.logger_classes = logger_classes
        # (class, property) a Visualforce page hands to client code -> how ("Visualforce page binding")
        self.client_getters: Mapping[tuple[str, str], str] = client_getters or {}
        # (class, property) a page's session-carrying request takes its host from
        # (`https://{!Host}/...`): their values are needed to tell where the request goes
        self.page_hosts = page_hosts
        # methods whose return values start a session-carrying script request's URL
        # (`fetch(await getBaseUrl() + ...)`): their values tell where the request goes
        self.url_bases = url_bases
        self._printed_page: str | None = None  # `printed_session_page`, once asked
        self._rendered: dict[str, tuple[str, tuple[str, ...]]] = {}  # `FlowResult.rendered`
        # Test code is not shipped behaviour: unless asked, it is not analysed at all.
        self.include_tests = include_tests
        self.summaries: dict[str, Summary] = {}
        self._failures: dict[str, Notification] = {}  # `FlowResult.notes`, by method id
        self.fields: dict[tuple[str, str], Value] = {}
        self.readers: dict[tuple[str, str], set[str]] = {}
        # What each method's latest analysis reported: a later run (with more of the package
        # known) replaces an earlier one, so the result does not depend on the order of runs.
        self.reports: dict[str, dict[tuple[SinkSite, str], SourceHit]] = {}
        self._current = ""
        self.soap_ports = _soap_ports(model)
        # Every method (`exhaustive`), or only those a session can reach (the default, same result).
        self.exhaustive = exhaustive
        self.demand = Demand(model, graph, include_tests, self.soap_ports)
        self.run_time = RunTimeClasses(model, graph, self.demand)
        self.active: set[str] = set()
        self._demanded_fields: set[tuple[str, str]] = set()
        self._tainted_fields: set[tuple[str, str]] = set()
        self._effects_on: dict[tuple[str, str], set[str]] = {}
        self._active_callers: dict[str, set[str]] = {}  # callee -> analysed methods calling it
        self._getters: dict[tuple[str, str], MethodInfo | None] = {}
        self._writers_of: dict[tuple[str, str], list[str]] = {}  # field -> methods that may write it
        self._visits: dict[str, int] = {}
        self._total = 0
        self._analysed: set[str] = set()  # methods analysed at least once
        self._queue: deque[str] = deque()  # methods to (re-)analyse, callees first
        self._queued: set[str] = set()
        self._receiver_bound: dict[str, bool] = {}
        self._receiver_users: dict[tuple[str, str], set[str]] = {}  # field -> summaries reading it symbolically
        self._construction_only: dict[tuple[str, str], bool] = {}
        # the objects the package's `new`s make of a class (their parts), and the methods read
        # over every object of a class (`receiver_states`) with what they depend on
        self._made: dict[str, tuple[Value, ...]] = {}
        self._made_users: dict[str, set[str]] = {}
        self._ctor_users: dict[str, set[str]] = {}
        self._enumerable: dict[str, bool] = {}
        self._tracked: dict[str, bool] = {}
        self._action_reach: dict[tuple[str, ...], set[str]] = {}  # `runs_in_action`

    def run(self) -> FlowResult:
        for key, posted in sorted(self.model.posted_sessions.items()):
            # `<apex:actionFunction>` or a command link + `<apex:param assignTo="{!sessionId}">`:
            # the page posts its session into the property, where the controller's methods read it
            for sid, tag in posted:
                src = self.model.sources[sid]
                step = Step(src.path, src.span, f"posted to the controller's {key[1]} by {tag}")
                self.write_field(key, Value(taint={sid: (step,)}, strings=frozenset({(SESSION,)})))
        for mid in sorted(self.model.remoted_sessions):
            if not self.exhaustive and self.demand.analysable(mid):
                self.activate(mid)  # a page's script calls it with a session: a seed
        if self.exhaustive:
            for m in _bottom_up(self.model, self.graph):
                if self.demand.analysable(m):
                    self.active.add(m)
                    self._callees(m)
                    self._enqueue(m)
        else:
            for m in self.demand.seeds():
                self.activate(m)
            for key in sorted(self.page_hosts):
                self.demand_field(key)
                getter = self.getter(key)
                if getter is not None:
                    self.activate(getter.id)
                for method in self.model.by_class.get(key[0], {}).get(f"get{key[1]}", []):
                    if not method.method.params and self.demand.analysable(method.id):
                        self.activate(method.id)  # `public String getFrameUrl()` for `{!frameUrl}`
            for mid in sorted(self.url_bases):
                self.activate(mid)
        while self._queue:
            mid = self._queue.popleft()
            if mid not in self._queued:
                continue  # analysed ahead of its turn (`settle`), and not queued again since
            self._queued.discard(mid)
            self._analyse(mid)
        return FlowResult(self._hits(), self.summaries, self.fields, self._total, self._rendered,
                          tuple(self._failures[m] for m in sorted(self._failures)), frozenset(self._failures))

    def _analyse(self, mid: str) -> None:
        """One analysis of `mid`, and what it changes: callers, readers, the demand set."""
        self._visits[mid] = self._visits.get(mid, 0) + 1
        if self._visits[mid] > MAX_VISITS:
            return
        self._total += 1
        info = self.model.methods[mid]
        current, self._current = self._current, mid
        started = time.perf_counter()
        run: _MethodRun | None = None
        try:
            self.reports[mid] = {}
            run = _MethodRun(self, info)
            self._runs.append(run)
            summary, changed_fields = run.execute()
        except MethodTimeout:  # a method too large or too hostile to follow in time: the rest goes on
            self.reports[mid] = {}
            summary, changed_fields = Summary(), set()
            self._failures.setdefault(mid, Notification(
                code="analysis-timeout", level=NoticeLevel.WARNING, path=info.path, span=info.method.span,
                message=f"the data flow of {info.label} took longer than the {self.method_timeout:g}-second "
                        "limit and was left out: what it does with a session is missing from this scan"))
        except Exception as exc:  # one method apexlint fails to follow must not lose the package's findings
            self.reports[mid] = {}
            summary, changed_fields = Summary(), set()
            self._failures.setdefault(mid, Notification(
                code="internal-error", level=NoticeLevel.ERROR, path=info.path, span=info.method.span,
                message=f"apexlint failed to follow the data flow of {info.label} ({type(exc).__name__}: "
                        f"{clip(str(exc), 200)}); what it does with a session is missing from this scan, "
                        "the rest of the scan is unaffected"))
        finally:
            if run is not None:
                self._runs.pop()
            self._current = current
            # the method whose run asked for this one (`settle`) is not charged for its time
            if self._runs and self._runs[-1].deadline is not None:
                self._runs[-1].deadline += time.perf_counter() - started
        self._analysed.add(mid)
        before = self.summaries.get(mid)
        if summary != before:
            self.summaries[mid] = summary
            # A summary that changed only in its paths changes only the paths of what its callers
            # find, each a path the flow can take (what a field or callee held, it still holds): they
            # are not run again for it. A re-run's paths differ as its callees' do, and each path
            # changed anew ran every caller above it again (NebulaLogger: 835 of the 1,141 changes).
            # A caller run before the method's first analysis applied an empty summary (`summary`).
            if not _same_but_paths(before or _NO_SUMMARY, summary):
                for caller in sorted(self._active_callers.get(mid, set()) | self._ctor_users.get(mid, set())):
                    self._enqueue(caller)
            self._summary_demands(mid, summary)
        for key in changed_fields:
            for m in sorted(self.readers.get(key, ())):
                self._enqueue(m)
            if key not in self._tainted_fields and self.fields.get(key, EMPTY).deep_taint():
                self._tainted_fields.add(key)
                for m in self.demand.readers(key):
                    self.activate(m)
                for m in sorted(self._receiver_users.get(key, ())):
                    self._callers_see_field(m)

    def settle(self, key: tuple[str, str]) -> None:
        """Analyse now the field initialisers that may write field `key` and wait in the queue
        for their first analysis, before a method reads it while it holds nothing, as Apex runs
        them first: a string built from the field now would be "unknown" (a host read from a
        static final field), and the store, which only grows, would keep that for good."""
        if len(self._runs) >= MAX_SETTLING:
            return
        running = {run.info.id for run in self._runs}
        for writer in self.writers_of(key):
            if writer in self._queued and writer not in self._analysed and writer not in running \
                    and self.model.methods[writer].method.name == "<fields>":
                self._queued.discard(writer)
                try:
                    self._analyse(writer)
                except RecursionError:
                    # analysed inside a deep evaluation, it went deeper than Python's stack: it
                    # waits for its own turn instead (the queue still holds it)
                    self._queued.add(writer)
                    return

    # -- the demand set (see analyses/demand.py) ------------------------------------------------
    def _callees(self, mid: str) -> list[str]:
        """What an analysed method calls; remembered the other way round for re-running it."""
        callees = self.demand.callees(mid)
        for c in callees:
            self._active_callers.setdefault(c, set()).add(mid)
        return callees

    def _enqueue(self, mid: str) -> None:
        if mid not in self._queued and mid in self.active:
            self._queued.add(mid)
            self._queue.append(mid)

    def activate(self, mid: str) -> None:
        """Add a method and the methods it calls (callees first) to what is analysed."""
        if mid in self.active or not self.demand.analysable(mid):
            return
        self.active.add(mid)
        stack = [(mid, iter(self._callees(mid)))]
        while stack:
            m, callees = stack[-1]
            nxt = next((c for c in callees if c not in self.active), None)
            if nxt is None:
                stack.pop()
                self._enqueue(m)
            else:
                self.active.add(nxt)
                stack.append((nxt, iter(self._callees(nxt))))

    def _summary_demands(self, mid: str, summary: Summary) -> None:
        """Callers must see a summary that holds a session, or writes a field someone reads."""
        for key in summary.field_effects:
            self._effects_on.setdefault(key, set()).add(mid)
        for key in summary.receiver_fields:
            self._receiver_users.setdefault(key, set()).add(mid)
        if self.exhaustive:
            return
        if any(self.fields.get(key, EMPTY).deep_taint() for key in summary.receiver_fields):
            self._callers_see_field(mid)
        if _summary_tainted(summary) or any(k in self._demanded_fields for k in summary.field_effects):
            for m in self.demand.callers(mid):
                self.activate(m)
            info = self.model.methods[mid]
            if info.method.kind == "getter" and info.bound_property:
                # a property's `get` accessor runs where the property is read (`OrgSession.sid`),
                # which no call names: its readers are its callers
                for m in self.demand.readers((info.owner, info.bound_property)):
                    self.activate(m)

    def enumerable(self, info: MethodInfo) -> bool:
        """Whether an instance method no package call binds to its receivers (an entry point, an
        implementation of a system interface, one nothing calls) may be read over every object
        its class's constructors make, one at a time (`receiver_states`): a class of its own
        (no superclass, subclass or initialiser block), not a SOAP port or a page's controller."""
        known = self._enumerable.get(info.id)
        if known is None:
            m, owner = info.method, info.owner
            known = self._enumerable[info.id] = info.cls is not None and not info.is_static \
                and m.kind == "method" and not m.is_test and owner not in self.soap_ports \
                and not self.model.page_bound(info) and not self.model.subtypes.get(owner) \
                and len(self.model.superclass_chain(owner)) == 1 \
                and not self.model.by_class.get(owner, {}).get("<init-block>")
        return known

    def tracks_objects(self, cls: str) -> bool:
        """Whether the objects made of `cls` are worth telling apart: it has a text instance field
        and a method read over each of its objects (`enumerable`, not bound to its receivers by
        package calls). Most classes have none; following every `new` of them through every
        caller's summary made a trigger framework's dispatcher (65 actions) take minutes."""
        known = self._tracked.get(cls)
        if known is None:
            ci = self.model.classes.get(cls)
            text = ci is not None and any(
                "static" not in f.modifiers and base_type(f.type) in _IMMUTABLE_TYPES for f in ci.fields)
            known = self._tracked[cls] = text and any(
                self.enumerable(info) and not self.receiver_bound(info)
                for infos in self.model.by_class.get(cls, {}).values() for info in infos)
        return known

    def made(self, cls: str, obj: Value) -> None:
        """A `new` made `obj` (its parts, known: `_MethodRun.make`) of `cls`: one more object its
        methods may run on."""
        known = self._made.get(cls, ())
        seen = {_signature(k) for k in known}
        if _signature(obj) in seen:
            return  # the same object but for the paths that led to it: nothing new to read
        if len(known) < MAX_MADE:
            self._made[cls] = (*known, obj)
        else:
            joined = join(known[-1], obj)
            if _signature(joined) == _signature(known[-1]):
                return
            self._made[cls] = (*known[:-1], joined)
        for m in sorted(self._made_users.get(cls, ())):
            self._enqueue(m)

    def receiver_states(self, cls: str, reader: str) -> list[dict[str, Value]]:
        """The objects of `cls` a method may run on, as field name -> value (a field left out:
        the field store's): each constructor's (its field initialisers' writes, then its own, its
        parameters' text unknown and sessionless, null where nothing sets a field a constructor
        alone sets) and each object a `new` of the package made. A constructor not analysed yet
        stands for any object (the store). The reader runs again when a constructor's or the
        initialisers' summary, or the objects made, change."""
        self._made_users.setdefault(cls, set()).add(reader)
        members = self.model.by_class.get(cls, {})
        inits = members.get("<fields>", [])
        ctors = members.get("<init>", []) or inits  # no constructor: the default one
        states: list[dict[str, Value]] = []
        unknown = Value(strings=frozenset({(UNKNOWN,)}))
        ci = self.model.classes.get(cls)
        initial: dict[str, Value] = {}
        for init in inits:
            self._ctor_users.setdefault(init.id, set()).add(reader)
            self.activate(init.id)
            summary = self.summaries.get(init.id)
            if summary is None:
                return [{}]  # what the initialisers set is not known yet: any object's
            initial.update(summary.receiver_effects)
        for ctor in ctors:
            self._ctor_users.setdefault(ctor.id, set()).add(reader)
            self.activate(ctor.id)
            summary = self.summaries.get(ctor.id)
            if summary is None:
                states.append({})
                continue
            state = {**initial, **{n: substitute(v, [unknown] * len(ctor.method.params), None)
                                   for n, v in summary.receiver_effects.items()}}
            for f in ci.fields if ci is not None else ():
                if f.name not in state and "static" not in f.modifiers and self.construction_only((cls, f.name)):
                    state[f.name] = UNSET
            states.append(state)
        states.extend(dict(obj.facets) for obj in self._made.get(cls, ()))
        return states

    def construction_only(self, key: tuple[str, str]) -> bool:
        """Whether field `key` is set only as its objects are made (by its class's constructors
        and field initialisers): then what a `new` gave an object is all it ever holds there. A
        field anything else may set (a setter, `client.endpoint = x`, an alias of the object) is
        read from the field store as well, which every write reaches."""
        known = self._construction_only.get(key)
        if known is None:
            # text and numbers cannot be changed in place: a method that passes such a field to a
            # call (`req.setEndpoint(endpoint)`) does not write it, one that assigns it does
            immutable = base_type(self.model.field_type(key[0], key[1]) or "") in _IMMUTABLE_TYPES
            infos = [self.model.methods.get(w) for w in self.writers_of(key)]
            known = self._construction_only[key] = all(
                i is not None and ((i.owner == key[0] and i.method.kind in ("constructor", "initializer"))
                                   or (immutable and not _assigns(self.model.body(i), key[1])))
                for i in infos)
        return known

    def _callers_see_field(self, mid: str) -> None:
        """A summary reads a field of its receiver that holds a session in the field store: its
        callers report it (those whose receiver is not known read the store)."""
        if not self.exhaustive:
            for m in self.demand.callers(mid):
                self.activate(m)

    def receiver_bound(self, info: MethodInfo) -> bool:
        """Whether `info` only ever runs on objects the package's own calls hand it, so that its
        own fields can be read as its receiver's (`RECEIVER`), each caller filling them in.

        Not a method the platform or code outside the package may call on an object of its own
        (an entry point, a page's action or getter, a web service, an implementation of a system
        interface), nor one nothing in the package calls: those read the field store.
        """
        known = self._receiver_bound.get(info.id)
        if known is None:
            m = info.method
            known = info.cls is not None and not info.is_static and m.kind == "method" and not m.is_test \
                and info.owner not in self.soap_ports and not self._outside_arguments(info.id) \
                and not self.model.page_bound(info) \
                and all(t in self.model.classes for t in self.model.supertypes(info.owner)) \
                and self.graph.has_callers(info.id, self.demand.analysable)
            self._receiver_bound[info.id] = known
        return known

    def getter(self, key: tuple[str, str]) -> MethodInfo | None:
        """The `get { ... }` accessor of property `key`, if it has a body of its own."""
        if key not in self._getters:
            found = self.model.by_class.get(key[0], {}).get(f"get:{key[1]}", [])
            self._getters[key] = found[0] if found and self.demand.analysable(found[0].id) else None
        return self._getters[key]

    def getter_value(self, getter: MethodInfo, reader: str) -> Value:
        """What reading a property returns: its getter's return value (`endpoint_x { get { return
        endpointUrl + endpointPath; } }` in WSDL2Apex ports). The reader re-runs when it changes."""
        self.activate(getter.id)
        self._active_callers.setdefault(getter.id, set()).add(reader)
        summary = self.summaries.get(getter.id)
        return _concrete(summary.ret) if summary is not None else EMPTY

    def demand_field(self, key: tuple[str, str]) -> None:
        """A method read field `key`: whoever writes it is analysed too, for the values it holds."""
        if key in self._demanded_fields:
            return
        self._demanded_fields.add(key)
        if self.exhaustive:
            return
        for m in self.writers_of(key):
            if self.demand.writes(m, key):
                self.activate(m)
        for setter in sorted(self._effects_on.get(key, ())):
            for m in self.demand.callers(setter):
                self.activate(m)

    def writers_of(self, key: tuple[str, str]) -> list[str]:
        found = self._writers_of.get(key)
        if found is None:
            found = self._writers_of[key] = self.demand.writers(key)
        return found

    def summary(self, mid: str) -> Summary:
        return self.summaries.get(mid) or Summary()

    def report(self, site: SinkSite, value: Value) -> None:
        """A source reaches a sink in the method being analysed; reached again in the same run
        (a second call of the same helper), with the values of both (the first path shown), and
        each as a case."""
        mine = self.reports.setdefault(self._current, {})
        # The sources of one value were reported together, so most hold the same earlier value:
        # it is compared and joined once, not once per source (a value of n sessions reaching the
        # sink again cost n comparisons of n sources each: minutes for a few thousand)
        joined: dict[int, tuple[Value, Value]] = {}  # id of the value before -> (it, it joined with this)
        for src, trace in value.deep_taint().items():
            key = (site, src)
            if key not in mine:
                final = Step(site.path, site.span, f"reaches {site.api}")
                mine[key] = SourceHit(site, src, trace if trace and trace[-1] == final else (*trace, final), value)
                continue
            before = mine[key].value
            if before is value:
                continue
            known = joined.get(id(before))
            if known is None:  # kept in `joined`, the value before cannot be freed and its id reused
                known = joined[id(before)] = (before, before if value == before else join(before, value))
            after = known[1]
            if after is not before:
                # each call's own value kept too, a case (`_SINK_VALUES` at most): a value joined
                # from two calls of a helper may be too wide to read what either writes
                cases = mine[key].cases or (before,)
                if len(cases) < _SINK_VALUES and not any(c is value for c in cases):
                    cases = (*cases, value)
                mine[key] = replace(mine[key], value=after, cases=cases)

    def _hits(self) -> list[SourceHit]:
        """One hit per (sink, source): the one reported where the sink is, else by the first
        reporting method in id order.

        Where that report holds a value that depends on the reporting method's parameters (an
        endpoint passed in) and only the package's own code can call that method, the callers
        that passed values of their own decide instead: the hit holds what they all passed
        (`invoke(baseUrl + '?q=...')` from every caller is the org's URL, not "a method
        parameter"), also when the request is built in one helper and sent from another."""
        found: dict[tuple[SinkSite, str], list[tuple[str, SourceHit]]] = {}
        for mid in sorted(self.reports):
            for key, hit in self.reports[mid].items():
                found.setdefault(key, []).append((mid, hit))
        out = []
        for reports in found.values():
            first, hit = next(((mid, h) for mid, h in reports if h.site.method_id == mid), reports[0])
            if hit.site.method_id != first and len(reports) > 1:
                # No report where the sink is: each caller that brought a session to it says what
                # it sends (`post(orgUrl, sid())` beside `post('https://partner...', sid())`, or
                # each caller's own object): all of them, each kept as a case. One whose value
                # still depends on its own parameters is left to its callers in the package,
                # which report what they pass; with none (uncalled, or called from outside) its
                # parameters are as closed as they get.
                closed = [h for _, h in self._run_first(
                    [(mid, h) for mid, h in reports if not _open(h.value) or self._outside_arguments(mid)
                     or not self.graph.has_callers(mid)] or reports)]
                hit = replace(hit, value=join_all([h.value for h in closed]), cases=_cases(closed))
            if _open(hit.value) and not self._outside_arguments(first):
                # an entry point's own parameters, or those of a method nothing in the package
                # calls, are as closed as its request gets: no caller of the package says more
                # (`addRemoteSite(url)` beside `queryClasses()`)
                passing = [(mid, h) for mid, h in reports if mid != first and (
                    not _open(h.value) or (not _destination_open(h.value) and (
                        self._outside_arguments(mid) or not self.graph.has_callers(mid))))]
                if not passing and _endpoint_open(hit.value):
                    # callers that say where the request goes, passing on a body of their own
                    # callers' (`create('RemoteProxy', body)`): their endpoints are the ones
                    passing = [(mid, h) for mid, h in reports if mid != first and not _endpoint_open(h.value)]
                passed = [h for _, h in self._run_first(passing)]
                if passed:
                    value = join_all([h.value for h in passed])
                    # what the other callers send (the metadata a wrapper writes for each) counts
                    # too, where they go being theirs to say
                    bodies = [h.value.facets["body"] for mid, h in reports
                              if mid != first and _open(h.value) and "body" in h.value.facets]
                    if bodies:
                        value = join(value, Value(facets={"body": join_all(bodies)}))
                    hit = replace(passed[0], value=value,
                                  cases=tuple(h.value for h in passed) if len(passed) > 1 else ())
            out.append(hit)
        return sorted(out, key=lambda h: (h.site.path, h.site.span, h.site.kind, h.source_id))

    def _run_first(self, reports: list[tuple[str, SourceHit]]) -> list[tuple[str, SourceHit]]:
        """Of the callers whose requests a helper sends, those that run, where some do: a wrapper
        method nothing calls (a Tooling client's `executeAnonymous` beside the `createTrigger` the
        package uses) is dead code, and what it would send is not what the helper sends."""
        if len(reports) < 2:
            return reports
        run = [(mid, h) for mid, h in reports if not self._never_runs(mid)]
        return run or reports

    def _never_runs(self, mid: str) -> bool:
        """Whether nothing can run `mid`: a plain method nothing in the package calls, that code
        outside the package cannot call (not global, no client's, REST or flow annotation), of a
        class that implements and extends nothing (whose methods the platform never calls on its
        own: no `execute` of a Queueable, no `compareTo`), and that no page names."""
        info = self.model.methods.get(mid)
        if info is None or info.method.kind != "method" or info.method.annotations or self._outside_arguments(mid):
            return False
        ci = self.model.classes.get(info.owner)
        if ci is None or ci.superclass or ci.interfaces or self.model.page_bound(info):
            return False
        return not self.graph.has_callers(mid)

    def _outside_arguments(self, mid: str) -> bool:
        """Whether code outside the package may call `mid` with arguments of its own choosing."""
        info = self.model.methods.get(mid)
        if info is None:
            return True
        m = info.method
        return bool(api.OUTSIDE_ARGUMENT_ANNOTATIONS & m.annotations) or "global" in m.modifiers \
            or bool(api.CLIENT_MODIFIERS & m.modifiers) or m.kind == "setter"

    def emitting_page(self, page_ref: Value) -> str | None:
        """The name of a page that renders a session ID, if `page_ref` may point at one."""
        for shape in sorted(page_ref.strings):
            match = _APEX_PAGE_URL.search(_own_path(shape))
            if match is None:
                continue
            written = match.group(1)
            name = written.lower()
            if "__" in name:  # `ns__Page`: pages are known by their own names, whatever the package
                name = name.split("__", 1)[1]
            page = self.model.page_named(name)
            if page is not None and (self.model.emitting_views(page) or self.rendered_member(page)):
                return page.display
            if page is None and _SESSION_PAGE_NAME.search(name):
                # a page the package does not hold (another package's `usf3__GenerateSessionIdForLWC`):
                # its markup is out of sight, but its name says what the read is for
                return written
        return None

    def rendered_member(self, page: PageIR) -> bool:
        """Whether `page` renders a session its controller or an extension holds: a property it
        prints or binds into its script (`{!sid}`) whose getter returns one, or that an action sets
        to one (`jsonData {get; set;}`). Visualforce runs the getter in the page's request, so the
        page hands out a session as `{!$Api.Session_ID}` would.

        Asking analyses nothing more: a method that returns or stores a session is analysed for
        the session it sees. The method asking runs again when one of them changes."""
        refs = {r.lower(): r for r in (*page.script_refs, *page.body_refs)}
        if not refs:
            return False
        for ref, written in sorted(refs.items()):
            member = self.model.page_member(page.path, ref)
            if member is None:
                continue
            getters = [g for g in member[0] if self.demand.analysable(g.id)]
            key = member[1] if not getters else None
            if not getters and key is None:
                continue
            label, held = self._member_value(getters, key)
            taint = held.deep_taint()
            if taint:
                self._rendered[page.name] = (f"{{!{written}}}: {label}", tuple(sorted(taint)))
                return True
        return False

    def _member_value(self, getters: list[MethodInfo], key: tuple[str, str] | None) -> tuple[str, Value]:
        """What a page reads through `getters` (or property `key`, which has none), and the first
        getter's label; the method being analysed depends on it from now on."""
        reader = self._current
        if key is not None:
            if reader:
                self.readers.setdefault(key, set()).add(reader)
            cls = self.model.classes.get(key[0])
            shown = next((f"{cls.display}.{f.display}" for f in cls.fields if f.name == key[1]), "") if cls else ""
            return shown or ".".join(key), self.fields.get(key, EMPTY)
        if reader:
            for g in getters:
                self._active_callers.setdefault(g.id, set()).add(reader)
        summaries = [self.summaries.get(g.id) for g in getters]
        return getters[0].label, join_all([_concrete(x.ret) for x in summaries if x is not None])

    def printed_session_page(self) -> str | None:
        """The first (by path) of the package's pages that print a session as their text (the
        page trick's `START{!$Api.Session_ID}END`), not in a script or an attribute."""
        if self._printed_page is None:
            paths = sorted({src.path for src in self.model.sources.values()
                            if src.kind == SourceKind.MERGE_FIELD and src.context == "text"
                            and src.path.endswith(".page")})
            pages = {p.path: p.display for p in self.model.pages.values()}
            self._printed_page = next((pages[path] for path in paths if path in pages), "")
        return self._printed_page or None

    def page_passed(self, mid: str, index: int) -> str | None:
        """A session-emitting page the package's callers of `mid` pass as its parameter `index`
        (`Page.X`, `new PageReference('/apex/X')`), if one does."""
        for edge in self.graph.callers_of(mid):
            args = edge.call.args if isinstance(edge.call, Call | New) else ()
            arg = args[index] if index < len(args) else None
            url = ""
            if isinstance(arg, FieldGet) and isinstance(arg.obj, Name) and arg.obj.name == "page":
                url = f"/apex/{arg.name}"
            elif isinstance(arg, New) and base_type(arg.type) == "pagereference" and arg.args \
                    and isinstance(arg.args[0], Lit) and arg.args[0].is_string:
                url = arg.args[0].value
            page = self.emitting_page(literal(url)) if url else None
            if page is not None:
                return page
        return None

    def runs_in_action(self, mid: str, actions: tuple[str, ...]) -> bool:
        """Whether method `mid` is one of a command's action methods or one they call, through the
        package's call graph: what it reads of the request is what that command posted."""
        reached = self._action_reach.get(actions)
        if reached is None:
            reached = set(actions)
            todo = list(actions)
            while todo and len(reached) < 5_000:
                for e in self.graph.edges_of(todo.pop()):
                    if e.callee not in reached:
                        reached.add(e.callee)
                        todo.append(e.callee)
            self._action_reach[actions] = reached
        return mid in reached

    def register_page_source(self, info: MethodInfo, call: Call, page: str, *, chosen_by_caller: bool = False) -> str:
        """A getContent() of a session-emitting page is itself a source (SID007); `chosen_by_caller`:
        of a page code outside the package names, `page` being one of the package's it can name."""
        sid = f"{info.path}:{call.span.start_line}:{call.span.start_col}"
        if sid not in self.model.sources:
            self.model.sources[sid] = SourceSite(
                id=sid, kind=SourceKind.VF_CONTENT, path=info.path, span=call.span, text=call.text,
                context=page, owner=info.id, in_test=info.method.is_test, chosen_by_caller=chosen_by_caller)
        return sid

    def write_field(self, key: tuple[str, str], value: Value) -> bool:
        """Join into the global field store. Types are not stored: declarations give them."""
        if value.types:
            value = Value(value.taint, value.params, value.strings, frozenset(), value.facets)
        if value.is_empty:
            return False
        old = self.fields.get(key, EMPTY)
        new = join(old, value)
        if new != old:
            self.fields[key] = new
            return True
        return False


def _concrete(v: Value, opaque: bool = False) -> Value:
    """The part of a value that does not depend on the method's parameters; `opaque`: their
    text as unknown instead (parameters that come from outside the package)."""
    if not v.params and not v.facets:
        return v
    if opaque:
        strings = frozenset(tuple(UNKNOWN if marker_param(p) is not None else p for p in s) for s in v.strings)
    else:
        strings = frozenset(s for s in v.strings if not any(marker_param(p) is not None for p in s))
    return Value(v.taint, {}, strings, v.types, {k: _concrete(f, opaque) for k, f in v.facets.items()})


def _beside_parameters(v: Value) -> bool:
    """Whether a shape of `v` (or of its parts) holds a parameter's text and text of its own."""
    if any(any(marker_param(p) is not None for p in s) and any(marker_param(p) is None for p in s)
           for s in v.strings):
        return True
    return any(_beside_parameters(f) for f in v.facets.values())


class MethodTimeout(Exception):
    """A method's analysis ran past `DataFlow.method_timeout`."""


class _MethodRun:
    """One analysis of one method body against the current summaries and field store."""

    def __init__(self, flow: DataFlow, info: MethodInfo) -> None:
        self.flow = flow
        self.model = flow.model
        timeout = flow.method_timeout
        self.deadline = time.perf_counter() + timeout if timeout else None
        self.info = info
        self.scope = Scope(flow.model, info)
        self.path = info.path
        self.env: dict[str, Value] = {}
        self.sinks: dict[tuple[SinkSite, Span, int], SinkHit] = {}
        self._sink_keys: dict[SinkSite, list[tuple[SinkSite, Span, int]]] = {}
        self.field_effects: dict[tuple[str, str], Value] = {}
        self.changed_fields: set[tuple[str, str]] = set()
        self.returns: list[tuple[Span, Value]] = []
        # per call: the summaries applied, arguments, result, receiver, and what applying them wrote
        # to the objects the caller holds (`replayed`)
        self._calls: dict[Span, tuple[tuple[Summary | None, ...], list[Value], Value, Value,
                                      list[tuple[Expr, Value]]]] = {}
        self._replay: list[tuple[Expr, Value]] | None = None  # the writes of the call being applied
        self._read: set[str] = set()
        self._backward = False
        self._killing: Expr | None = None  # the call of the `Eval` being run, if it kills (`Eval.kills`)
        self._at = 0  # the index in the body of the statement being run
        # (index of the statement after which, local, what it held before) for each kill in a
        # nested block (`Assign.rejoin`) whose block has not ended yet
        self._rejoins: list[tuple[int, str, Value]] = []
        # text fields of its class this run has set by an assignment that replaces what they held
        # (`Assign.kills`: in the body's own block, no loop mentions them), and to what: read back
        # as set until a call into the package (which may set them) (`held_field`)
        self._field_env: dict[str, Value] = {}
        self._mutating = 0
        self._joining: set[Span] = set()  # the `String.join` calls being evaluated (`string_join`)
        self._rows: frozenset[str] | None = None  # locals holding a record a before trigger saves
        self._unshared: frozenset[str] | None = None  # `unshared_objects`
        self._unshared_lists: dict[str, frozenset[str]] = {}  # `unshared_objects`: lists of them, their items
        # reads of its own fields as its receiver's (`DataFlow.receiver_bound`), and what it
        # reads and writes of them
        self.symbolic = flow.receiver_bound(info)
        # not bound, but read over every object of its class in turn (`DataFlow.enumerable`)
        self.enumerated = not self.symbolic and flow.enumerable(info)
        self.receiver_fields: set[tuple[str, str]] = set()
        self.receiver_effects: dict[str, Value] = {}
        # objects made of what its callers give it, by class (at most MAX_MADE, then joined)
        self.made_open: dict[str, list[Value]] = {}
        for i, p in enumerate(info.method.params):
            if _cannot_carry(p.type):
                continue  # an Integer or Id parameter never brings a session in
            entry = Step(self.path, info.method.span, f"parameter '{p.name}' of {info.label}")
            self.env[p.name] = Value(params={i: (entry,)}, strings=frozenset({(param_marker(i),)}),
                                     types=frozenset({base_type(p.type)}))
        self._initial = dict(self.env)
        # a property's `set { }` accessor: its implicit `value` is whatever is assigned to the
        # property (`obj.token = x`, `this.token = x`, `token = x`), which the field store holds
        m = info.method
        self._setter_of: tuple[str, str] | None = \
            (info.owner, m.name[4:]) if m.kind == "setter" and m.name.startswith("set:") else None

    # -- driver -------------------------------------------------------------------------------
    def execute(self) -> tuple[Summary, set[tuple[str, str]]]:
        body = self.model.body(self.info)
        # a parameter an assignment replaces (`Assign.kills`: in the body's own block, no loop
        # mentions it) holds at the body's start what it was given, in every round: the rounds
        # carry values around loops, and none carries it (`url += x` would grow each round)
        given = {s.target.name for s in body if isinstance(s, Assign) and s.kills and isinstance(s.target, Name)} \
            & {p.name for p in self.info.method.params}
        ended: dict[str, Value] | None = None  # what the last round ended with
        for _ in range(LOCAL_ROUNDS):
            for name in given:
                if name in self._initial:
                    self.env[name] = self._initial[name]
                else:
                    self.env.pop(name, None)
            before = dict(self.env)
            self.returns = []
            self._read = set()
            self._backward = False
            self._rejoins = []
            self._field_env = {}
            for at, stmt in enumerate(body):
                self._at = at
                self.stmt(stmt)
                if self.deadline is not None and time.perf_counter() > self.deadline:
                    raise MethodTimeout
                while self._rejoins and self._rejoins[-1][0] <= self._at:
                    _, name, held = self._rejoins.pop()
                    self._rejoin(name, held)
            # Another round only helps when a local changed after an earlier statement read it
            # (a loop, or a variable reused); straight-line code is done in one pass. A round
            # that ends as the last one did is a fixpoint too (a parameter reset to what it was
            # given differs from the end of every round).
            if self.env == before or not self._backward or self.env == ended:
                break
            ended = dict(self.env)
        ret = join_all([v for _, v in self.returns]) if not _cannot_carry(self.info.method.return_type) else EMPTY
        ret = _blank_or_parameter(ret)
        self.check_client_exposure()
        if self.enumerated and self.receiver_fields:
            self.report_over_objects()
        self.called_from_pages()
        effects = {}
        for i, p in enumerate(self.info.method.params):
            v = self.env.get(p.name, EMPTY)
            if v.facets and v != self._initial.get(p.name):
                effects[i] = Value(facets=v.facets)
        self.settle_made()
        summary = Summary(ret, effects, dict(sorted(self.field_effects.items())), self.sinks,
                          frozenset(self.receiver_fields), dict(sorted(self.receiver_effects.items())),
                          tuple((cls, obj) for cls, objs in sorted(self.made_open.items()) for obj in objs))
        return summary, self.changed_fields

    def called_from_pages(self) -> None:
        """A `@RemoteAction` a page's script passes its session to (`DataFlow` model's
        `remoted_sessions`): the call the page makes, as a caller's would be applied: what
        reaches a sink, and what is stored in a field."""
        remoted = self.model.remoted_sessions.get(self.info.id)
        if not remoted:
            return
        args = [EMPTY] * len(self.info.method.params)
        for index, sid, how in remoted:
            src = self.model.sources[sid]
            step = Step(src.path, src.span, f"{how} {self.info.label}")
            args[index] = join(args[index], Value(taint={sid: (step,)}, strings=frozenset({(SESSION,)})))
        self.report_instantiated(args)
        for key, eff in list(self.field_effects.items()):
            self.write_field(key, substitute(eff, args, None))

    def report_over_objects(self) -> None:
        """A method no package call binds to its receivers, read over each object its class's
        constructors make (`DataFlow.receiver_states`): what reaches a sink for one of them."""
        for state in self.flow.receiver_states(self.info.owner, self.info.id) or [{}]:
            self.report_instantiated([], self.object_fields(state))

    def object_fields(self, state: dict[str, Value]) -> dict[str, Value]:
        """The fields this method reads of its receiver, for one object (`receiver_states`): the
        object's own where only constructors set them, else the field store's besides (any
        object's, as for a receiver of unknown origin)."""
        return {key[1]: self.object_field(key, state.get(key[1])) for key in sorted(self.receiver_fields)}

    def object_field(self, key: tuple[str, str], held: Value | None) -> Value:
        """Field `key` of an object whose part there is `held` (None: not known): all it holds
        where only constructors set the field, else the field store's besides (any object's)."""
        if held is None:
            return self.read_field(key)
        return held if self.flow.construction_only(key) else join(held, self.read_field(key))

    def report_instantiated(self, args: list[Value], fields: dict[str, Value] | None = None) -> None:
        """Report what this method's sinks receive for one call the package does not make in
        code (a page's remoting call: `args`; the platform's on one object: `fields`)."""
        for hit in list(self.sinks.values()):
            v = substitute(hit.value, args, None, fields, only_receiver=fields is not None)
            if v.deep_taint():
                self.flow.report(hit.site, v)

    def check_client_exposure(self) -> None:
        """Session IDs returned to Lightning, remoting, SOAP/REST clients or a Visualforce page."""
        m, info = self.info.method, self.info
        exposed = ""
        if api.CLIENT_ANNOTATIONS & m.annotations:
            exposed = "@" + _ANNOTATION_NAMES[sorted(api.CLIENT_ANNOTATIONS & m.annotations)[0]]
        elif api.CLIENT_MODIFIERS & m.modifiers:
            exposed = "webservice"
        elif api.REST_METHOD_ANNOTATIONS & m.annotations:
            exposed = "@RestResource"
        elif info.cls is not None:
            exposed = self.flow.client_getters.get((info.cls.name, info.bound_property), "")
        if not exposed:
            if "global" in m.modifiers and info.cls is not None and "global" in info.cls.modifiers:
                # the package's global API: subscriber code and other packages may call it and
                # get what it returns, code apexlint cannot see (SID011, naming the method)
                for span, v in self.returns:
                    if v.deep_taint():
                        self.flow.report(SinkSite("unresolved", f"the callers of global method {info.label}",
                                                  info.id, self.path, span, f"return from {info.label}"), v)
            return
        for span, v in self.returns:
            if v.deep_taint():
                site = SinkSite("client", exposed, info.id, self.path, span, f"return from {info.label}")
                self.flow.report(site, v)

    def client_property(self, target: Expr, span: Span, v: Value) -> None:
        """A session set on a property a page hands to client code that has no getter of its own
        (`jsonData {get; set;}`, set by the page's action): the page renders what it holds."""
        if isinstance(target, Name) and self.scope.cls and not self.scope.is_local(target.name):
            owner = self.model.field_owner(self.scope.cls, target.name)
        elif isinstance(target, FieldGet):
            owner = self.field_target(target)
        else:
            return
        key = (owner, target.name) if owner is not None else None
        exposed = self.flow.client_getters.get(key) if key is not None else None
        if key is None or owner is None or not exposed or self.flow.getter(key) is not None:
            return  # a getter of its own reports what it returns (`check_client_exposure`)
        cls = self.model.classes.get(owner)
        shown = next((f.display for f in cls.fields if f.name == key[1]), key[1]) if cls else key[1]
        site = SinkSite("client", exposed, self.info.id, self.path, span, f"{_describe(target)} = ...",
                        (("property", shown), ("owner", owner)))
        self.flow.report(site, v)

    # -- statements ------------------------------------------------------------------------------
    def stmt(self, s: Stmt) -> None:
        if isinstance(s, Assign):
            v = self.eval(s.value)
            if s.op == "+=":
                v = concat(self.eval(s.target), v)
            if isinstance(s.target, FieldGet) and v.carries_session() and self._saved_row(s.target.obj):
                self._saved(s.span, f"{_describe(s.target)} = ...", v)
            if isinstance(s.target, FieldGet) and s.target.name in api.REST_RESPONSE_PARTS \
                    and self._rest_response(s.target.obj):
                self.rest_response(s.target.name, s.span, f"{_describe(s.target)} = ...", v)
            v = add_step(v, Step(self.path, s.span, f"assigned to {_describe(s.target)}"))
            if s.kills and s.rejoin and isinstance(s.target, Name):
                # the rest of an `if`'s block sees this value only; where it ends, the earlier joins it
                self._rejoins.append((self._at + s.rejoin, s.target.name, self.env.get(s.target.name, EMPTY)))
            self.write(s.target, v, kills=s.kills)
            if self.flow.client_getters and v.deep_taint():
                self.client_property(s.target, s.span, v)
        elif isinstance(s, Eval):
            self._killing = s.expr if s.kills else None
            try:
                self.eval(s.expr)
            finally:
                self._killing = None
        elif isinstance(s, Return):
            v = self.eval(s.expr) if s.expr is not None else EMPTY
            self.returns.append((s.span, add_step(v, Step(self.path, s.span, f"returned from {self.info.label}"))))
        elif isinstance(s, Throw):
            self.eval(s.expr)
        elif isinstance(s, Dml):
            v = self.eval(s.expr)
            if v.carries_session():
                t = self.scope.type_of(s.expr) or ""
                sobject = base_type(element_type(t) or t)
                self.sink("persist", s.op, s.span, f"{s.op} {_describe(s.expr)}", v,
                          (("sobject", sobject),) if sobject else ())

    def _rest_response(self, e: Expr | None) -> bool:
        """Whether `e` is the response Apex REST sends its caller: `RestContext.response`, or a
        `RestResponse` variable (`RestResponse res = RestContext.response;`, a helper's parameter)."""
        if isinstance(e, FieldGet) and e.name == "response" and _class_name(e.obj) in ("restcontext",
                                                                                     "system.restcontext"):
            return True
        declared = self.scope.type_of(e)
        return declared is not None and base_type(declared) in api.REST_RESPONSE_TYPES

    def rest_response(self, part: str, span: Span, text: str, v: Value) -> None:
        """A value written to the REST response's body or headers: whoever called the REST
        resource receives it, as a handler's return value (from a helper too: whichever handler
        calls it sends the response)."""
        shown = {"responsebody": "responseBody", "headers": "headers", "addheader": "addHeader"}[part]
        self.sink("client", f"@RestResource, RestContext.response.{shown}", span, text, v, (("rest", shown),))

    def _saved(self, span: Span, text: str, v: Value) -> None:
        trigger = self.info.trigger
        assert trigger is not None
        events = ", ".join(e for e in trigger.events if e.startswith("before"))
        self.sink("persist", f"a field of a record the {events} trigger {trigger.display} saves", span, text, v)

    def _saved_row(self, e: Expr) -> bool:
        """Whether `e` is a record of `Trigger.new` in a trigger with a before event: what its
        body sets on it is saved with it (`Trigger.new[0].F = x`, `Trigger.newMap.get(id)`,
        a loop or local variable set to one of them)."""
        trigger = self.info.trigger
        if trigger is None or not any(ev.startswith("before") for ev in trigger.events):
            return False
        if _trigger_new_row(e):
            return True
        if isinstance(e, Name) and self.scope.is_local(e.name):
            if self._rows is None:
                self._rows = frozenset(st.target.name for st in self.model.body(self.info)
                                       if isinstance(st, Assign) and isinstance(st.target, Name)
                                       and _trigger_new_row(st.value))
            return e.name in self._rows
        return False

    def sink(self, kind: str, api_name: str, span: Span, text: str, v: Value,
             detail: tuple[tuple[str, str], ...] = ()) -> None:
        site = SinkSite(kind, api_name, self.info.id, self.path, span, text, detail)
        if v.deep_taint() and not self.over_objects(v):
            self.flow.report(site, v)
        if v.deep_params():
            self.keep_sink(site, span, 0, v)

    def keep_sink(self, site: SinkSite, at: Span, nth: int, v: Value) -> None:
        """What the method's callers give its parameters reaches `site` through the call at `at`
        (the callee's `nth` value for the site): kept for its summary beside what the site gets
        through the method's other calls (`deleteItems('RemoteSiteSetting', …, sid);
        deleteItems('PermissionSet', …, sid)`: both are sent, and one value joined from both would
        be too wide to read either's type). The same call walked again (a loop's body) replaces
        its value: the last walk's holds every pass's. Past _SINK_VALUES calls, the last one kept
        takes the others' values too."""
        key = (site, at, nth)
        if key in self.sinks:
            self.sinks[key] = SinkHit(site, v)
            return
        keys = self._sink_keys.setdefault(site, [])
        if len(keys) >= _SINK_VALUES:
            self.sinks[keys[-1]] = SinkHit(site, join(self.sinks[keys[-1]].value, v))
            return
        keys.append(key)
        self.sinks[key] = SinkHit(site, v)

    def over_objects(self, v: Value) -> bool:
        """Whether what reaches a sink here depends on fields of the object this method runs on,
        read over each object its class's constructors make (`report_over_objects`): each object
        reports what it sends, not the receiver's field as if nothing had set it."""
        return self.enumerated and any(on_receiver(k) for k in v.deep_params())

    def tested(self, api_name: str, span: Span, v: Value) -> None:
        """A session only asked about (`sid != null`): a "test" hit, for SID010 when it is all a
        session meets. Not carried through parameters: every method comparing a parameter with null
        would get a summary entry, and a helper that only tests what it is given is rare."""
        if v.deep_taint():
            self.flow.report(SinkSite("test", api_name, self.info.id, self.path, span, "", ()), v)

    # -- writes ------------------------------------------------------------------------------------
    def write(self, target: Expr, v: Value, kills: bool = False) -> None:
        """`v` written to `target`; `kills`: to a local, replacing what it held (`Assign.kills`)."""
        if kills and isinstance(target, Name) and self.scope.is_local(target.name):
            if target.name in self._read:
                self._backward = True
            if v.is_empty or _cannot_carry(self.scope.types.get(target.name, "")):
                self.env.pop(target.name, None)
            else:
                self.env[target.name] = v
            return
        if isinstance(target, Name) and not self.scope.is_local(target.name):
            # `url = '/' + id; url = base + url;` on a field: the second reads what the first set,
            # not the field store, which holds its own result too (a text growing without end);
            # set again where it may not run (an `if`), it may hold either
            if kills and self.held_field(target.name):
                self._field_env[target.name] = v
            elif target.name in self._field_env:
                self._field_env[target.name] = join(self._field_env[target.name], v)
        elif isinstance(target, FieldGet):
            # `this.f = x`, `Cls.f = x`, or through another name for this object: read from the
            # field store again, which has every write (not what an assignment to `f` set before)
            self._field_env.pop(target.name, None)
        if v.is_empty:
            return
        if isinstance(target, Name):
            if self.scope.is_local(target.name):
                if _cannot_carry(self.scope.types.get(target.name, "")):
                    return
                if target.name in self._read:
                    self._backward = True
                self.env[target.name] = join(self.env.get(target.name, EMPTY), v)
            elif self.scope.cls and (owner := self.model.field_owner(self.scope.cls, target.name)):
                self.write_field((owner, target.name), v, own=True)
        elif isinstance(target, FieldGet):
            owner = self.field_target(target)
            own_port = self._own_port(target.obj)
            if owner is not None and not own_port:
                self.write_field((owner, target.name), v, own=isinstance(target.obj, This))
            if owner is None or own_port or _rooted_in_local(target.obj, self.scope):
                # the local object itself carries the part too: `service.SessionHeader.sessionId = s`;
                # every part, for an object no other code reaches (a call on it reads its parts only)
                unshared = isinstance(target.obj, Name) and target.obj.name in self.unshared_objects()
                self.write(target.obj, with_facet(target.name, v, always=unshared))
        elif isinstance(target, Index):
            self.write(target.obj, v)

    def _own_port(self, e: Expr) -> bool:
        """Whether `e` is, or hangs from, a WSDL2Apex port object this method holds in a local
        variable or in a field of its own class (`port.endpoint_x = ...`,
        `held.SessionHeader.sessionId = ...`), and the method is not the port's own code.

        What a client sets on its port object stays with that object (the variable or field
        holding it; the port call reads it from the receiver), not in the port class's shared
        field store: one client pointing its port at another host, or giving it a session, says
        nothing of the package's other port objects. A port reached any other way is written to
        the shared store, as before."""
        if not self.flow.soap_ports:
            return False  # most packages: no type lookups on every field write
        chain: list[Expr] = []
        while isinstance(e, FieldGet):
            chain.append(e)
            e = e.obj
        chain.append(e)
        for x in reversed(chain):  # from the variable outwards: the first port object on the way
            declared = self.scope.type_of(x)
            port = self.model.resolve_class(declared, self.scope.cls) if declared else None
            if port is not None and port in self.flow.soap_ports:
                return port != self.info.owner and (
                    isinstance(x, Name) or (isinstance(x, FieldGet) and isinstance(x.obj, This)))
        return False

    def field_target(self, fg: FieldGet) -> str | None:
        """The package class whose field `fg` writes or reads, if it is one."""
        return self.scope.field_target(fg)

    def write_field(self, key: tuple[str, str], v: Value, own: bool = False) -> None:
        """A write to field `key` (`own`: of the object the method runs on, by `f` or `this.f`):
        into the field store, and to the callers through the summary."""
        if key[0] in self.model.classes and _cannot_carry(self.model.field_type(key[0], key[1]) or ""):
            return
        if own and self.own_instance_field(key):
            self.receiver_effects[key[1]] = join(self.receiver_effects.get(key[1], EMPTY), v)
        v = self.globalised(v)
        params = v.deep_params()
        if params:
            self.field_effects[key] = join(self.field_effects.get(key, EMPTY), v)
        # What depends on this method's parameters is written by its callers, through its summary;
        # a method called from outside the package (an @AuraEnabled action setting a helper's
        # endpoint to a path ending in the record id it is given) writes it with their text unknown.
        # (Only where their text sits beside text of its own: a parameter alone would only
        # become "unknown", where "never set" says as much.)
        opaque = bool(params) and self.called_from_outside and _beside_parameters(v)
        if self.flow.write_field(key, _concrete(v, opaque=opaque)):
            self.changed_fields.add(key)

    @property
    def called_from_outside(self) -> bool:
        """Whether this method's arguments come from outside the package (`DataFlow._outside_arguments`:
        client, REST, invocable, web service, global, a page's setter). Not "nothing in the package
        calls it": asking resolves calls all over the package, and makes every class a re-scan
        must watch."""
        return self.flow._outside_arguments(self.info.id)

    def own_instance_field(self, key: tuple[str, str]) -> bool:
        """Whether `key` is an instance field of the object this (instance) method runs on."""
        if self.info.is_static or self.scope.cls is None or key[0] not in self.model.superclass_chain(self.scope.cls):
            return False
        ci = self.model.classes.get(key[0])
        decl = next((f for f in ci.fields if f.name == key[1]), None) if ci is not None else None
        return decl is not None and "static" not in decl.modifiers

    def held_field(self, name: str) -> bool:
        """Whether `name` is a text field of the method's class (no accessor of its own), whose
        value a run can follow from where an assignment replaces it (`_field_env`)."""
        owner = self.model.field_owner(self.scope.cls, name) if self.scope.cls else None
        if not owner or self.flow.getter((owner, name)) is not None \
                or self.model.by_class.get(owner, {}).get(f"set:{name}"):
            return False
        return base_type(self.model.field_type(owner, name) or "") in ("string", "id")

    def own_field(self, key: tuple[str, str], span: Span) -> Value:
        """A read of text field `key` of the object the method runs on (`f`, `this.f`): in a
        method bound to its receivers, or read over each object of its class, what the receiver
        holds there (`RECEIVER`); otherwise, and for fields holding collections or objects or read
        through a getter, the field store."""
        if key[1] in self._field_env and self.scope.cls and self.model.field_owner(self.scope.cls, key[1]) == key[0]:
            self.read_field(key)  # a reader still (`readers`), though it reads what it set itself
            return self._field_env[key[1]]
        declared = self.model.field_type(key[0], key[1]) or ""
        # a reader still: re-run, and its writers analysed, as it changes; of the class the field
        # is declared as (`private MetadataService.RemoteSiteSetting site`), as a local would be
        stored = self._typed(self.read_field(key), element_type(declared) or declared)
        if not (self.symbolic or self.enumerated) or not self.own_instance_field(key) \
                or self.flow.getter(key) is not None:
            return stored
        if _cannot_carry(declared) or base_type(declared) not in _IMMUTABLE_TYPES:
            # text only (a token, an endpoint): a collection's or an object's parts are read from
            # the store, where what is put in or read out of it by key is followed
            return stored
        self.receiver_fields.add(key)
        return receiver_field(key[1], Step(self.path, span, f"read from field {key[1]} of the object"))

    def globalised(self, v: Value) -> Value:
        """`v` with the fields of the receiver it reads as the field store holds them: for the
        store, which stands for every object (what an unknown receiver holds)."""
        if not self.receiver_fields or not any(on_receiver(k) for k in v.deep_params()):
            return v
        names = receiver_names(v, frozenset(n for _, n in self.receiver_fields))
        stored = {key[1]: self.flow.fields.get(key, EMPTY) for key in sorted(self.receiver_fields) if key[1] in names}
        return substitute(v, [], None, stored, only_receiver=True)

    def read_field(self, key: tuple[str, str]) -> Value:
        self.flow.readers.setdefault(key, set()).add(self.info.id)
        if not self._mutating:
            self.flow.demand_field(key)
            if key not in self.flow.fields and key[0] != "sobject":
                self.flow.settle(key)
        value = self.flow.fields.get(key, EMPTY)
        getter = self.flow.getter(key)
        if getter is not None and getter.id != self.info.id:
            value = join(value, self.flow.getter_value(getter, self.info.id))
        return value

    # -- expressions --------------------------------------------------------------------------------
    def eval(self, e: Expr | None) -> Value:
        if e is None:
            return EMPTY
        if isinstance(e, Lit):
            return literal(e.value) if e.is_string else EMPTY
        if isinstance(e, SessionRead):
            if e.source_id not in self.model.sources:
                return EMPTY
            step = Step(self.path, e.span, "session ID read by UserInfo.getSessionId()")
            return Value(taint={e.source_id: (step,)}, strings=frozenset({(SESSION,)}),
                         types=frozenset({"string"}))
        if isinstance(e, Name):
            return self.eval_name(e)
        if isinstance(e, This):
            return self.object_value(self.scope.cls)
        if isinstance(e, Super):
            return EMPTY
        if isinstance(e, FieldGet):
            return self.eval_field(e)
        if isinstance(e, Call):
            return self.eval_call(e)
        if isinstance(e, New):
            return self.eval_new(e)
        if isinstance(e, Binary):
            left, right = self.eval(e.left), self.eval(e.right)
            if e.op in COMPARISONS:
                # `sid != null`: a yes/no about the session, not its text (SID010 when that is all)
                self.tested(_compared(e), e.span, join(left, right))
            if e.op != "+" or _arithmetic(left, right):
                return EMPTY
            return concat(_printed(left), _printed(right))
        if isinstance(e, Ternary):
            self.eval(e.cond)
            return join(self.eval(e.then), self.eval(e.other))
        if isinstance(e, Cast):
            return self._typed(self.eval(e.expr), element_type(e.type) or e.type)
        if isinstance(e, Index):
            self.eval(e.index)
            return self.eval(e.obj)
        if isinstance(e, Soql):  # records from the database: their text is unknown...
            for part in e.binds:
                self.eval(part)
            return self._held(e.sobject, e.fields, e.span, "the SOQL query")
        if isinstance(e, Opaque):
            for part in e.parts:
                self.eval(part)
            return EMPTY
        return EMPTY

    def _typed(self, v: Value, declared: str) -> Value:
        """`v` with the package class `declared` among its types, where that says more than the
        value does: a class no other package class extends (the `SecuritySettings` records read
        back are cast to, a list declared of `RemoteSiteSetting`), not a base every WSDL2Apex
        type extends (`Metadata`, `sObject_x`), which names nothing. For a collection, the type
        is its elements' (a collection's value stands for what it holds).

        The class replaces the package classes the value was typed with that are not it: a record
        `readMetadata` returns is any `Metadata` (the privileged types among them), and once cast to
        `CustomField` it is a custom field, not a custom field or a remote site."""
        pc = self.model.resolve_class(declared, self.scope.cls) if declared else None
        if pc is None or self.model.subtypes.get(pc):
            return v
        others = frozenset(t for t in v.types if t != pc and t in self.model.classes)
        if not others:
            return v if pc in v.types else join(v, Value(types=frozenset({pc})))
        return Value(v.taint, v.params, v.strings, (v.types - others) | {pc}, v.facets)

    def eval_name(self, e: Name) -> Value:
        if self.scope.is_local(e.name):
            self._read.add(e.name)
            declared = self.scope.types.get(e.name, "")
            v = self.env.get(e.name, EMPTY)
            if self._setter_of is not None and e.name == "value":
                v = join(v, self.read_field(self._setter_of))
            pc = self.model.resolve_class(declared, self.scope.cls) if declared else None
            if pc is None:  # a collection of a package class: its elements' (`_typed`)
                return self._typed(v, element_type(declared))
            return v if pc in v.types else join(v, Value(types=frozenset({pc})))
        if self.scope.cls and (owner := self.model.field_owner(self.scope.cls, e.name)):
            return self.own_field((owner, e.name), e.span)
        return EMPTY

    def _held(self, sobject: str, fields: tuple[str, ...] | None, span: Span, reader: str) -> Value:
        """Records read from the database (a query's, a custom setting's): text unknown, and as
        parts the fields that hold a session, a formula's or one the package stored there, so
        that only such a field (or the record as a whole) carries it. `fields` None: any.

        A formula field's text is what its formula computes from the session, never a value
        someone configured: the session alone, so that a URL built from it shows the session
        where it sits (`?session=<session ID>`, not `<configured value>` and then the session
        as a second destination). `reader` (the query, the setting's getter) names the step."""
        read = Value(strings=frozenset({(SETTING,)}))
        formulas, stored = self.model.formula_sessions, self.model.stored_sessions
        names = fields if fields is not None else tuple(f for o, f in stored if o == sobject)
        held = {n: (formulas.get((sobject, n), ()), stored.get((sobject, n), ())) for n in names}
        if not any(a or b for a, b in held.values()):
            return read
        facets = {}
        for name in names:
            computed, kept = held[name]
            facets[name] = EMPTY if computed else read
            for sid in computed:
                named = formula_field_name(self.model.sources[sid])
                shown = ".".join(named) if named is not None else f"{sobject}.{name}"
                step = Step(self.path, span, f"{FORMULA_READ}{shown} by {reader}")
                facets[name] = join(facets[name], Value(taint={sid: (step,)}, strings=frozenset({(SESSION,)})))
            for sid in kept:
                step = Step(self.path, span, f"{READ_BACK}{sobject}.{name}")
                facets[name] = join(facets[name], Value(taint={sid: (step,)}, strings=frozenset({(SESSION,)})))
        return Value(strings=read.strings, facets=facets)

    def eval_field(self, e: FieldGet) -> Value:
        owner = self.field_target(e)
        if owner is not None and isinstance(e.obj, This):
            return self.own_field((owner, e.name), e.span)
        if owner is not None:
            return self.read_field((owner, e.name))
        if isinstance(e.obj, Name) and e.obj.name == "trigger" and self.info.trigger is not None:
            return self.read_field(("sobject", self.info.trigger.sobject))
        if isinstance(e.obj, Name) and e.obj.name == "page" and not self.scope.is_local("page"):
            return Value(strings=frozenset({(f"/apex/{e.name}",)}), types=frozenset({"pagereference"}))
        if owner is None and self._label_object(e.obj):
            # a custom label's text: the endpoint resolution reads its packaged value (`endpoints`)
            return Value(strings=frozenset({(label_marker(e.name),)}), types=frozenset({"string"}))
        return field_of(self.eval(e.obj), e.name)

    def _label_object(self, e: Expr) -> bool:
        """Whether `e` is what Apex reads custom labels from: `Label`, `System.Label`, or either
        followed by the package's namespace (`Label.ns.X`), where no local, field or package class
        of that name hides the system class."""
        if isinstance(e, FieldGet) and self.model.namespace and e.name == self.model.namespace:
            e = e.obj
        if isinstance(e, FieldGet) and e.name == "label" and isinstance(e.obj, Name) and e.obj.name == "system":
            return not self.scope.is_local("system")
        return isinstance(e, Name) and e.name == "label" and not self.scope.is_local("label") \
            and not (self.scope.cls and self.model.field_owner(self.scope.cls, "label")) \
            and self.model.resolve_class("label", self.scope.cls) is None

    def with_state(self, v: Value) -> Value:
        """`v` as its text shows it: with the fields of the package objects it may be (instance
        state is per class), when it does not carry them as parts already; an `HttpRequest`
        prints its endpoint and method only."""
        if v.types and v.types <= api.HTTP_REQUEST_TYPES:
            return _printed(v)
        if v.facets and not any(cls in self.model.classes for cls in v.types):
            return v  # a record, a collection: its parts are all it holds
        for cls in sorted(v.types):
            # a package object, even one whose parts are known (made here): every object's
            # fields, as a class's field store holds them
            if cls in self.model.classes:
                v = join(v, self.object_value(cls))
        return v

    def object_value(self, cls: str | None, depth: int = 2) -> Value:
        """An instance of a package class: its fields as parts (instance state is per class).

        Fields whose type is a package class contribute that class's fields too (to `depth`), so
        a port's `SessionHeader.sessionId` counts as part of the port.
        """
        if cls is None:
            return EMPTY
        facets: dict[str, Value] = {}
        for c in self.model.superclass_chain(cls):
            ci = self.model.classes.get(c)
            for f in ci.fields if ci else ():
                v = self.read_field((c, f.name))
                inner = self.model.resolve_class(f.type, c) if depth > 0 else None
                if inner is not None and inner != cls:
                    v = join(v, self.object_value(inner, depth - 1))
                if not v.is_empty and keeps_facet(f.name, v):
                    facets[f.name] = v
        return Value(types=frozenset({cls}), facets=facets)

    def graph_has_callers(self) -> bool:
        return self.flow.graph.has_callers(self.info.id)

    # -- calls ---------------------------------------------------------------------------------------
    def eval_call(self, call: Call) -> Value:
        r = self.scope.resolve(call)
        receiver = EMPTY
        if call.obj is not None and not r.is_static:
            if r.system is not None and r.system[1] in api.COLLECTION_WRITERS and \
                    (r.system[0] in api.COLLECTION_TYPES or r.system[0] == "list"):
                # `buffer.add(x)` changes the collection without using what it holds: reading
                # it here does not make its other writers worth analysing
                self._mutating += 1
                try:
                    receiver = self.eval(call.obj)
                finally:
                    self._mutating -= 1
            else:
                receiver = self.eval(call.obj)
        args = [self.eval(a) for a in call.args]
        if r.targets and not r.is_static and r.targets[0].owner in self.flow.soap_ports:
            return self.port_call(r.targets[0], call, receiver, args)
        if r.targets:
            logger = self.logger_call(r.targets[0], call)
            if logger:
                self.sink("log", logger, call.span, call.text, join_all(args))
                return EMPTY
            joined = join_all(args)
            # (asked only of a session's call: proving who made an object reads other bodies)
            handed = self.subscriber_handoff(r, call) if joined.carries_session() else ""
            if handed:
                # A subscriber's implementation may run here: the package's own implementations
                # are followed too (their verdicts stand), but theirs cannot be (SID011).
                self.sink("unresolved", handed, call.span, call.text, joined)
            return self.invoke(r.targets, call, args, receiver)
        installed = self.installed_logger(call, r)
        if installed:
            self.sink("log", installed, call.span, call.text, join_all(args))
            if call.name in api.LOGGER_METHODS:
                return EMPTY  # `Logger.debug(x)`: a log line, nothing comes back
        if r.dynamic:
            joined = join_all([receiver, *args])
            if joined.carries_session():
                self.sink("unresolved", "dynamic dispatch", call.span, call.text, joined)
            if call.name == "newinstance":
                return join(derived(joined), self.instance_of(call.obj))
            return derived(joined)
        if r.system is not None:
            return self.system_call(r.system, call, receiver, args, logged=bool(installed))
        joined = join_all(args)
        if joined.carries_session():
            self.sink("unresolved", call.name, call.span, call.text, joined)
        return derived(joined)

    def subscriber_handoff(self, r: Resolution, call: Call) -> str:
        """What a call hands its arguments to when the object it is made on may be a subscriber's:
        its type is a global interface, or a global virtual or abstract class whose method
        subscribers can override, and the object is not provably one the package makes
        (`RunTimeClasses`: `new Impl()`, `Type.forName('Impl').newInstance()`, through locals,
        fields and parameters only the package sets). "" for none."""
        pc = r.receiver_type
        if pc is None or r.is_static or call.obj is None or isinstance(call.obj, This | Super):
            return ""
        how = self.model.subscriber_overridable(pc, call.name, len(call.args))
        if not how or self.flow.run_time.made_of(pc, call.obj, self.info):
            return ""
        label = f"{self.model.classes[pc].display}.{r.targets[0].method.display}"
        return f"{label} ({how}; the implementation is chosen at run time)"

    def instance_of(self, named: Expr | None) -> Value:
        """The object `named.newInstance()` makes: of the package classes a `Type` value names with
        literals (`Type.forName('Impl')`, `Type.forName('ns', 'Impl')`, a local or field only ever
        set so), else of a class chosen at run time."""
        classes = self.flow.run_time.named(named, self.info) if named is not None else None
        return Value(types=classes or frozenset({RUN_TIME_CLASS}))

    def logger_call(self, target: MethodInfo, call: Call) -> str:
        """`Logger.error(x)` on a package logging class: a log sink, not code to descend into."""
        owner = target.owner.rpartition(".")[2]
        if call.name not in api.LOGGER_METHODS:
            return ""
        if self._is_logger(target.owner):
            label = target.cls.display if target.cls else owner
            return f"{label}.{call.name}"
        return ""

    def installed_logger(self, call: Call, r: Resolution) -> str:
        """`Logger.debug(x)`, `nebula.Logger.error(x)`, `Logger.newEntry(LoggingLevel.DEBUG, x)`,
        `log.write(x)` on an `IntegrationLogging log`: any method of a logging class the package
        does not hold (a framework installed beside it, such as Nebula Logger, named like one or
        given with `--logger-class`), called on the class or on a variable declared as one. Its
        code cannot be read, so what its arguments carry is taken to be logged; what a method
        other than a log call returns flows on (a package logging class's other methods are
        followed into their bodies instead)."""
        if r.system is None or not (r.is_static or r.receiver_type is not None):
            return ""
        cls = r.system[0]
        if cls in self.model.classes or not self._is_logger(cls):
            return ""
        return call.text.partition("(")[0].strip() or f"{cls}.{call.name}"

    def _is_logger(self, cls: str) -> bool:
        """A logging class: named `…Log`, `…Logger`, `…Logging` (not `…Catalog`), or given with
        `--logger-class`."""
        simple = cls.rpartition(".")[2]
        return (simple.endswith(api.LOGGER_CLASS_SUFFIXES) and not simple.endswith(api.NOT_LOGGER_WORDS)) \
            or cls in self.flow.logger_classes

    def invoke(self, targets: tuple[MethodInfo, ...] | list[MethodInfo], call: Expr, args: list[Value],
               receiver: Value = EMPTY) -> Value:
        """Apply the callees' summaries at this call, reusing the last round's answer when unchanged."""
        self._field_env.clear()  # the callee may set the fields (of this object, or static ones)
        summaries = tuple(self.flow.summaries.get(t.id) for t in targets)
        memo = self._calls.get(call.span)
        if memo is not None and memo[0] == summaries and memo[1] == args and memo[3] == receiver:
            for t, s in zip(targets, summaries, strict=True):
                if s is not None and s.receiver_fields:
                    self.receiver_of(s, call, receiver, t)  # what it reads, read again (`readers`)
            for target, v in memo[4]:
                # written again: an assignment that replaced a local's value (`Assign.kills`) in
                # this round does not keep what the call did to the object it held in the last
                self.write(target, v)
            return memo[2]
        outer, self._replay = self._replay, []
        try:
            result = self._apply_summaries(targets, call, args, receiver)
            writes = self._replay
        finally:
            self._replay = outer
        self._calls[call.span] = (summaries, args, result, receiver, writes)
        return result

    def held_write(self, target: Expr, v: Value) -> None:
        """A callee's change to an object the caller holds (an argument, the receiver): written,
        and kept with the call's memo (`invoke`)."""
        if self._replay is not None:
            self._replay.append((target, v))
        self.write(target, v)

    def _apply_summaries(self, targets: tuple[MethodInfo, ...] | list[MethodInfo], call: Expr,
                         args: list[Value], receiver: Value = EMPTY) -> Value:
        result = EMPTY
        call_args = call.args if isinstance(call, (Call, New)) else ()
        for t in targets:
            s = self.flow.summary(t.id)
            step = Step(self.path, call.span, f"passed to {t.label}")
            fields = self.receiver_of(s, call, receiver, t) if s.receiver_fields else None
            result = join(result, substitute(s.ret, args, Step(self.path, call.span, f"returned by {t.label}"),
                                             fields))
            nth: dict[SinkSite, int] = {}
            for hit in s.sinks.values():
                nth[hit.site] = nth.get(hit.site, -1) + 1
                v = substitute(hit.value, args, step, fields)
                if v.deep_taint() and not self.over_objects(v):
                    self.flow.report(hit.site, v)
                if v.deep_params():
                    self.keep_sink(hit.site, call.span, nth[hit.site], v)
            for key, eff in s.field_effects.items():
                self.write_field(key, substitute(eff, args, step, fields))
            for i, eff in s.param_effects.items():
                if i < len(call_args):
                    self.held_write(call_args[i], substitute(eff, args, step, fields))
            if s.receiver_effects:
                state = {n: substitute(eff, args, step, fields) for n, eff in s.receiver_effects.items()}
                result = join(result, self.receiver_changed(call, state))
            for cls, obj in s.made:
                self.make(cls, substitute(obj, args, step, fields))
        return result

    def make(self, cls: str, obj: Value) -> None:
        """An object of `cls` made here (or by a callee, of what this call gives it): known, it is
        one more object its class's methods may run on; made of this method's parameters or its
        receiver's fields, its callers (or `settle_made`) say what it holds."""
        if not self.flow.tracks_objects(cls):
            return
        if obj.deep_params():
            known = self.made_open.setdefault(cls, [])
            if obj in known or _signature(obj) in {_signature(k) for k in known}:
                return  # the same object by another path: the first path is the one shown
            if len(known) < MAX_MADE:
                known.append(obj)
            else:  # a dispatcher handed many: bounded like the objects made (`DataFlow.made`)
                known[-1] = join(known[-1], obj)
        else:
            self.flow.made(cls, obj)

    def settle_made(self) -> None:
        """Objects still made of what is not known here: of the receiver's fields in a method read
        over every object (each object's fields), and of the parameters of a method no package
        code calls (text unknown, sessionless); a method the package calls leaves them to its
        callers (`Summary.made`)."""
        if not self.made_open:
            return
        called = self.flow.graph.has_callers(self.info.id, self.flow.demand.analysable) \
            and not self.flow._outside_arguments(self.info.id)
        unknown = Value(strings=frozenset({(UNKNOWN,)}))
        states = [self.object_fields(st) for st in self.flow.receiver_states(self.info.owner, self.info.id)] \
            if self.enumerated and self.receiver_fields else [None]
        for cls, obj in [(c, o) for c, objs in sorted(self.made_open.items()) for o in objs]:
            for fields in states:
                filled = substitute(obj, [], None, fields, only_receiver=True) if fields is not None else obj
                if not called:
                    filled = substitute(filled, [unknown] * len(self.info.method.params), None)
                if not filled.deep_params():
                    self.flow.made(cls, filled)
        if not called:
            self.made_open = {}

    def receiver_of(self, s: Summary, call: Expr, receiver: Value, target: MethodInfo) -> dict[str, Value]:
        """The fields a callee reads of the object it runs on, as this call knows them: of `this`
        (an unqualified call), this method's own; of an object whose parts are known (one made
        here with `new`, by a constructor that set them), its parts; else the field store's."""
        out: dict[str, Value] = {}
        implicit = _on_this(call)
        known = receiver.facets and ANY_PART not in receiver.facets
        for key in sorted(s.receiver_fields):
            name = key[1]
            if implicit:
                out[name] = self.own_field(key, call.span)
                continue
            # a parameter's object: that field of whatever the callers pass (`_argument_field`)
            got = Value(receiver.taint, {k: t for k, t in field_of(Value(params=receiver.params), name).params.items()})
            held = receiver.facets.get(name) if known else None
            if held is not None and isinstance(call, Call) and isinstance(call.obj, Name) \
                    and call.obj.name in self.unshared_objects():
                # an object made here that nothing else can reach: what this method gave it is
                # all that is in it, not what the package's other objects of its class hold
                out[name] = join(got, held)
            else:
                out[name] = join(got, self.object_field(key, held))
        return out

    def unshared_objects(self) -> frozenset[str]:
        """Locals that only ever hold an object this method makes (`Client c = new Client();`) and
        that are only used to set or read its fields and call its methods: never handed on (an
        argument, another variable or field, a collection, a return). No other code can write
        those objects' fields, so a field this method set on one is what a call on it reads.
        (A method called on it could still hand `this` on; no package code seen does.)

        Added to a list this method makes (`rows.add(r)`) and that it only prints or counts
        (`JSON.serialize(rows)`, `rows.size()`: never handed on, read by index or looped over),
        such an object is still reached by no other code; those lists are `unshared_lists`."""
        if self._unshared is None:
            body = self.model.body(self.info)
            params = {p.name for p in self.info.method.params}
            # of classes whose objects a `new` makes whole, whatever their constructors (`whole_state`
            # with none known: no initialiser block, no superclass to set fields unseen)
            made = {n for n in self.scope.types if n not in params and (classes := self.scope.made_classes(n))
                    and all(self.whole_state(c, []) for c in classes)}
            if not made:
                self._unshared = frozenset()
                return self._unshared
            handed = _handed_on(body, self.scope.types)
            items, other = _list_uses(body, self.scope.types)
            given = _assigned(body)
            lists = {n for n in items if n not in params and n not in handed and n not in other
                     and _made_list(given.get(n, []))}
            # an object in a list is the list's until the list is printed: one made by a single
            # `new` (in a loop, one per turn), so that what it is given after `add` is its variable's
            unshared = {n for n in made - handed
                        if all(c in lists for c in _holders(items, n))
                        and (not _holders(items, n) or len(given.get(n, [])) == 1)}
            self._unshared = frozenset(unshared)
            self._unshared_lists = {c: frozenset(items[c]) for c in sorted(lists) if items[c] <= unshared}
        return self._unshared

    def unshared_lists(self) -> dict[str, frozenset[str]]:
        """Lists this method makes that hold only its `unshared_objects` and are only printed or
        counted, with the locals that give them their objects."""
        self.unshared_objects()
        return self._unshared_lists

    def printed(self, e: Expr, v: Value) -> Value:
        """What `System.debug(e)` or `JSON.serialize(e)` prints of `e`, whose value is `v`: every
        field of a package object, as the field store holds them (`with_state`); of an object
        this method makes and no other code reaches (`unshared_objects`), the parts it was given;
        of a list of those, the parts of each, as added and as their variables hold them now."""
        if isinstance(e, Name) and e.name in self.unshared_objects():
            return v
        held = self.unshared_lists().get(e.name) if isinstance(e, Name) else None
        if held is None:
            return self.with_state(v)
        return join_all([v, *(self.eval(Name(e.span, n)) for n in sorted(held))])

    def receiver_changed(self, call: Expr, state: dict[str, Value]) -> Value:
        """What a callee wrote to the fields of the object it runs on: for a `new`, the object's
        parts (its value); for an unqualified call, this method's own writes; else the parts
        of the object the call is made on, where it is held."""
        # every part, not only those `keeps_facet` tracks: a part left out is read from the field
        # store, which holds every object's (`receiver_of`)
        parts = join(EMPTY, Value(facets={n: v for n, v in sorted(state.items()) if not v.is_empty}))
        if isinstance(call, New):
            return parts
        if _on_this(call):
            for n, v in sorted(state.items()):
                if self.scope.cls is not None and (owner := self.model.field_owner(self.scope.cls, n)) is not None \
                        and self.own_instance_field((owner, n)):
                    self.receiver_effects[n] = join(self.receiver_effects.get(n, EMPTY), v)
        elif isinstance(call, Call) and call.obj is not None and parts.facets:
            self.held_write(call.obj, parts)
        return EMPTY

    def eval_new(self, e: New) -> Value:
        args = [self.eval(a) for a in e.args]
        items = [self.eval(i) for i in e.items]
        pc = self.model.resolve_class(e.type, self.scope.cls)
        ctors = self.scope.constructors(e) if pc is not None else []
        if pc is not None and not ctors and is_exception_class(self.model, pc):
            # Exception's own constructors: the message (or a cause, whose message it takes). A
            # constructor of the package's own says what it does with its arguments
            # (`this.setMessage(...)`, `super(message)`): analysed as any other.
            joined = join_all(args)
            if joined.carries_session():
                self.sink("log", f"{self.model.classes[pc].display} message", e.span, f"new {e.type}(...)", joined)
        if pc is not None:
            fields_init = self.model.by_class.get(pc, {}).get("<fields>", [])
            state = self.invoke(ctors + fields_init, e, args)
            if not self.whole_state(pc, ctors):
                return Value(types=frozenset({pc}))
            # a field set only as objects are made, and not by these constructors: null in this
            # one, whatever other constructors put in the field store (`UNSET`)
            unset = {f.name: UNSET for c in self.model.superclass_chain(pc) for f in self.model.classes[c].fields
                     if c in self.model.classes and f.name not in state.facets and "static" not in f.modifiers
                     and self.flow.construction_only((c, f.name))}
            made = join(Value(types=frozenset({pc})), Value(facets={**unset, **state.facets}))
            self.make(pc, made)
            return made
        base = base_type(e.type)
        joined = join_all(args)
        if e.field_names:  # an SObject built with its fields: the record holds each value
            facets = {n: v for n, v in zip(e.field_names, args, strict=False)
                      if n and not v.is_empty and keeps_facet(n, v)}
            return Value(types=frozenset({base}), facets=facets)
        if base == "url" and args:
            return replace(_url_built(args), types=frozenset({"url"}))
        if base == "pagereference":
            if joined.carries_session():
                self.sink("url", "PageReference", e.span, "new PageReference(...)", joined)
            return Value(strings=joined.strings, types=frozenset({"pagereference"}))
        if base.endswith("exception"):
            if joined.carries_session():
                self.sink("log", f"{e.type} message", e.span, f"new {e.type}(...)", joined)
            return Value(types=frozenset({base}))
        if base.startswith("flow.interview.") and joined.carries_session():  # `new Flow.Interview.Sync(inputs)`
            self.sink("unresolved", f"flow '{e.type.rpartition('.')[2]}' (new Flow.Interview)", e.span,
                      f"new {e.type}(...)", joined)
            return Value(types=frozenset({"flow.interview"}))
        if base == "map" and items and len(items) % 2 == 0:  # `new Map<K, V>{k1 => v1, k2 => v2}`
            pairs = [map_entry(k, v) for k, v in zip(items[::2], items[1::2], strict=True)]
            return join(join_all(pairs + args), Value(types=frozenset({base})))
        if base in api.COLLECTION_TYPES or base == "list":
            return join(join_all(items + args), Value(types=frozenset({base})))
        if base in api.COOKIE_TYPES and len(args) >= 2:
            # `new Cookie(name, value, path, maxAge, isSecure)`: the browser keeps the value, and
            # the page's scripts can read it (document.cookie), as a script's own cookie (SID003)
            self.sink("persist", "a browser cookie (new Cookie)", e.span, f"new {e.type}(...)", args[1])
        if joined.carries_session() and base not in api.HTTP_REQUEST_TYPES:
            if api.is_external_class(e.type.lower()):
                self.sink("unresolved", f"new {e.type}", e.span, f"new {e.type}(...)", joined)
            return derived(joined, types=frozenset({base}))
        return Value(types=frozenset({base}))

    def whole_state(self, pc: str, ctors: list[MethodInfo]) -> bool:
        """Whether what the constructors and field initialisers a `new` runs write is all that
        is written to the new object as it is made: no initialiser block, and a superclass's
        constructors and initialisers only run by an explicit `super(...)` (an implicit one, or
        a superclass's field initialisers, would set fields unseen)."""
        members = self.model.by_class.get(pc, {})
        if members.get("<init-block>"):
            return False
        chain = self.model.superclass_chain(pc)
        if len(chain) == 1:
            return True
        if any(self.model.by_class.get(c, {}).get(n) for c in chain[1:] for n in ("<fields>", "<init-block>")):
            return False
        return bool(ctors) and all(self._calls_super(c, 3) for c in ctors)

    def _calls_super(self, ctor: MethodInfo, depth: int) -> bool:
        """A constructor that starts with `super(...)`, or with `this(...)` to one that does."""
        body = self.model.body(ctor)
        first = body[0] if body else None
        call = first.expr if isinstance(first, Eval) else None
        if not isinstance(call, Call) or call.name != "<init>" or depth <= 0:
            return False
        if isinstance(call.obj, Super):
            return True
        targets = Scope(self.model, ctor).resolve(call).targets if call.obj is None else ()
        return bool(targets) and all(self._calls_super(t, depth - 1) for t in targets)

    def system_call(self, system: tuple[str, str], call: Call, receiver: Value, args: list[Value],
                    logged: bool = False) -> Value:
        """A call of code the package does not hold (`logged`: an installed logger's, whose
        arguments are reported as logged already)."""
        cls, name = system
        if system in api.LOG_STATIC or system in api.PROPAGATING_STATIC:
            # `JSON.serialize(doc)`, `System.debug(doc)`: the text holds every field of the object;
            # of an object made here that no other code reaches, the fields this method gave it
            args = [self.printed(call.args[i], a) if i < len(call.args) else self.with_state(a)
                    for i, a in enumerate(args)]
        joined = join_all(args)
        if system in api.LOG_STATIC:
            if joined.carries_session():
                self.sink("log", "System.debug", call.span, call.text, joined)
            return EMPTY
        if system in api.ORG_URL_CALLS:
            return Value(strings=frozenset({(ORG,)}), types=frozenset({"url"}))
        if system in api.ORG_SITE_URL_CALLS:  # a URL of the org's own site, as text
            return Value(strings=frozenset({(ORG,)}), types=frozenset({"string"}))
        if system == ("flow.interview", "createinterview"):
            # a flow's input variables: what the flow does with them is not Apex apexlint reads
            if joined.carries_session():
                flow = literal_text(args[0]) if args else None
                self.sink("unresolved", f"flow '{flow}' (Flow.Interview.createInterview)" if flow
                          else "a flow (Flow.Interview.createInterview)", call.span, call.text, joined)
            return Value(types=frozenset({"flow.interview"}))
        if system == ("currentpage.parameters", "get") or (
                name == "get" and PAGE_PARAMETERS in receiver.types):
            # `ApexPages.currentPage().getParameters().get('sid')`, or through a local holding the map
            return self.posted_parameter(args)
        if system == ("currentpage", "getparameters"):
            return Value(types=frozenset({PAGE_PARAMETERS, "map"}))
        if api.is_org_host_call(system) or (system == ("currentpage.headers", "get") and _names_host(call)):
            # `ApexPages.currentPage().getHeaders().get('Host')`: the host the browser reached
            # this org's page on (a Salesforce or Site domain of the org, or the request would
            # not have arrived)
            return Value(strings=frozenset({(ORG_HOST,)}), types=frozenset({"string"}))
        if system == ("url", "gethost"):
            return Value(strings=frozenset(_host_of(s) for s in receiver.strings), types=frozenset({"string"}))
        if system == ("url", "getprotocol"):
            return Value(strings=frozenset(_scheme_of(s) for s in receiver.strings), types=frozenset({"string"}))
        if cls.endswith(api.SETTING_SUFFIXES) and name in api.SETTING_READERS:
            return replace(self._held(cls, None, call.span, _tested_by(call)), types=frozenset({cls}))
        if cls == "url" and name == "toexternalform":
            return Value(receiver.taint, receiver.params, receiver.strings, frozenset({"string"}))
        if cls in api.HTTP_REQUEST_TYPES and name in api.HTTP_REQUEST_SETTERS:
            self.set_request_part(call, args)
            return EMPTY
        if cls in api.HTTP_REQUEST_TYPES and name in api.HTTP_REQUEST_GETTERS:
            return request_part(receiver, api.HTTP_REQUEST_GETTERS[name], literal_text(args[0]) if args else None)
        if cls in api.HTTP_RESPONSE_TYPES and name in api.HTTP_RESPONSE_TEXT:
            # `req.setEndpoint(res.getHeader('Location'))`: where a server says to go, any host
            return Value(strings=frozenset({(RESPONSE,)}), types=frozenset({"string"}))
        if cls in api.HTTP_TYPES and name == "send":
            request = args[0] if args else EMPTY
            self.sink("callout", "Http.send", call.span, call.text, request)
            return Value(types=frozenset({"httpresponse"}))
        if cls in api.CONTINUATION_TYPES and name == "addhttprequest":
            # the platform sends it when the method returns the Continuation: a callout like
            # Http.send; what the method gets back is a label, the client only ever the response
            request = args[0] if args else EMPTY
            self.sink("callout", "Continuation.addHttpRequest", call.span, call.text, request)
            return Value(types=frozenset({"string"}))
        if system == api.SOAP_INVOKE:
            return self.soap_invoke(call, args)
        if name in api.PAGE_CONTENT_CALLS and (cls == "pagereference" or "pagereference" in receiver.types):
            return self.page_content(call, receiver)
        if cls == "pagereference.parameters" and name == "put":
            url = self._with_parameter(call, args)
            self.sink("url", "PageReference.getParameters().put", call.span, call.text, url)
            return EMPTY
        if (cls in api.PLATFORM_CACHE_TYPES and name in api.PLATFORM_CACHE_WRITERS) or system in api.DML_STATIC:
            if joined.carries_session():
                self.sink("persist", f"{cls}.{name}", call.span, call.text, joined)
            return EMPTY
        if cls in api.EMAIL_PART_TYPES and name.startswith("set") and call.obj is not None:
            # `mail.setPlainTextBody(x)`, `attachment.setBody(Blob.valueOf(x))`: the message holds it
            self.write(call.obj, add_step(joined, Step(self.path, call.span, "put in the e-mail message")))
            return EMPTY
        if name in api.REST_RESPONSE_WRITERS and self._rest_response(call.obj):
            self.rest_response(name, call.span, call.text, joined)  # `res.addHeader('X-Session', sid)`
            return EMPTY
        if name == "put" and isinstance(call.obj, FieldGet) and call.obj.name in api.REST_RESPONSE_PARTS \
                and self._rest_response(call.obj.obj):
            self.rest_response(call.obj.name, call.span, call.text, joined)  # `res.headers.put(name, sid)`
        if system in api.ONE_WAY:
            # `Crypto.generateDigest('SHA-256', Blob.valueOf(sid))`: a hash of the session, not the session
            self.tested(_tested_by(call), call.span, joined)
            return Value(types=frozenset({"blob"}))
        if system in api.EMAIL_SEND:
            self.sink("email", "Messaging.sendEmail", call.span, call.text, joined)
            return Value(types=frozenset({"list"}))
        if system in api.EVENT_PUBLISH:
            for a_expr, a_val in zip(call.args, args, strict=False):
                t = self.scope.type_of(a_expr)
                if t and a_val.carries_session():
                    self.sink("event", "EventBus.publish", call.span, call.text, a_val)
                    self.write_field(("sobject", base_type(t)), a_val)
            return EMPTY
        if name == "put" and call.obj is not None and len(args) >= 2 \
                and (self._saved_row(call.obj) or self._record(cls, receiver)):
            self.put_field(call, args[0], args[1])
            return EMPTY
        if (cls == "map" or "map" in receiver.types) and (read := _map_call(name, receiver, args)) is not None:
            return read
        if cls == "map" and name == "put" and call.obj is not None and len(args) == 2:
            self.write(call.obj, map_entry(args[0], args[1]))
            return EMPTY
        if cls in api.COLLECTION_TYPES or cls == "list" or receiver.types & api.COLLECTION_TYPES:
            if name in api.COLLECTION_WRITERS and call.obj is not None:
                self.write(call.obj, joined)
                return EMPTY
            if name in api.COLLECTION_READERS:
                return receiver
        if name == "replaceall" and (redacted := self.redaction(call, receiver)) is not None:
            return redacted
        if (name == "replace" or (name == "replaceall" and _upgrades_scheme(call))) \
                and (cls in ("string", "?") or receiver.strings) and (swapped := _swapped(receiver, call)) is not None:
            return swapped
        if name in ("replace", "replaceall") and len(args) == 2 \
                and (filled := _filled(receiver, call, args[1])) is not None:
            return filled
        if system == ("string", "format") and (formatted := self.string_format(call, args)) is not None:
            return formatted
        if system == ("string", "join") and (pieces := self.string_join(call)) is not None:
            return pieces
        if name in api.NON_TEXT_METHODS or (name.startswith("is") and (cls in ("string", "?") or receiver.strings)):
            # `sid.length()`, `String.isNotBlank(sid)`: a number or a yes/no, not the text
            self.tested(_tested_by(call), call.span, join(receiver, joined))
            return EMPTY
        if receiver.strings == _A_SESSION and _org_id_of_session(name, call):
            # `sid.left(15)`, `sid.substringBefore('!')`: a session is its org's 15-character Id, `!`,
            # then the secret; what is cut before the `!` is the org's Id (`UserInfo.getOrganizationId()`)
            return Value(strings=frozenset({(UNKNOWN,)}), types=frozenset({"string"}))
        if (cls in ("string", "?") or receiver.strings) and _keeps_org_prefix(name, call, receiver):
            # `base.removeEnd('/')`, `base.substring(0, base.length() - 1)` of the org's URL: still the org
            return Value(receiver.taint, receiver.params, frozenset((s[0],) for s in receiver.strings),
                         frozenset({"string"}))
        if (cls in ("string", "?") or receiver.strings) and _trims_parameter(name, call, receiver):
            # `url = url.removeEnd('/')` in a helper that normalises the base URL it is given: the
            # URL still starts where its caller's does (the org's, a partner's), as the caller sees
            return Value(receiver.taint, receiver.params, receiver.strings, frozenset({"string"}))
        if receiver.strings and not receiver.taint and not receiver.params \
                and (cut := _on_literal(name, call, receiver)) is not None:
            # `'/sobjects/RemoteProxy/{0}'.removeEnd('/{0}')`: text known, so is what is left of it
            return cut
        if system in api.PROPAGATING_STATIC or cls in api.PROPAGATING_STATIC_CLASSES:
            # static (`String.valueOf(x)`) or instance (`body.toString()`): receiver and arguments flow on
            return derived(join(receiver, joined), keep_strings=name == "valueof" or name in _SHAPE_KEEPING
                           or _escaping(name, call), types=frozenset({"string"}))
        if cls.endswith("exception") and name in ("setmessage", "<init>"):
            if joined.carries_session():
                # `e.setMessage(x)`; in a package exception, `this.setMessage(x)` or `super(x)`
                own = call.obj is None or isinstance(call.obj, This | Super)
                label = f"{self.model.classes[self.scope.cls].display} message" if own and self.scope.cls \
                    else "exception message"
                self.sink("log", label, call.span, call.text, joined)
            return EMPTY
        if name in api.STRING_METHODS and (cls in ("string", "blob", "?") or receiver.strings):
            return derived(join(receiver, joined), keep_strings=name in _SHAPE_KEEPING or _escaping(name, call))
        if system in api.HANDLE_RESULTS:
            return EMPTY  # `String jobId = System.schedule(name, cron, job)`: an Id, not the job's session
        both = join(receiver, joined)
        if both.carries_session() and system in api.DYNAMIC_DISPATCH:
            self.sink("unresolved", f"dynamic dispatch ({cls}.{name})", call.span, call.text, both)
        elif both.carries_session() and api.is_external_class(cls):
            # Another package's code: handing it the session is the verdict (SID011). What it
            # returns is its result (a deploy status, the Id of the document `generateDoc(...,
            # sessionId, ...)` made), not the session it was given: logging that would be a
            # confident SID003 on a guess, in place of the hand-off that is certain.
            if not logged:  # an installed logger's: logged, a verdict of its own
                self.sink("unresolved", _as_written(call, f"{cls}.{name}"), call.span, call.text, both)
            return Value(strings=frozenset({(UNKNOWN,)}))
        return derived(both) if both.carries_session() else EMPTY

    def posted_parameter(self, args: list[Value]) -> Value:
        """`ApexPages.currentPage().getParameters().get('sid')` in a class a page binds to: the
        session a command link or button of that page posts back as `<apex:param name="sid">`."""
        name = literal_text(args[0]) if args else None
        posted = self.model.posted_params.get((self.info.owner, name.lower())) if name else None
        if not posted:
            return Value(types=frozenset({"string"}))
        taint: dict[str, Trace] = {}
        for sid, tag, actions in posted:
            if actions and not self.flow.runs_in_action(self.info.id, actions):
                continue  # another command's action: this one's post never reaches it
            src = self.model.sources[sid]
            taint[sid] = (Step(src.path, src.span, f"posted back as request parameter '{name}' by {tag}"),
                          Step(self.path, self.info.method.span, f"read by {self.info.label}"))
        return Value(taint=taint, strings=frozenset({(SESSION,)}), types=frozenset({"string"}))

    def redaction(self, call: Call, receiver: Value) -> Value | None:
        """`message.replaceAll('(?i)(?<=<apex:sessionId>).*(?=</apex:sessionId>)', 'REMOVED')`: a
        pattern that names the session's place (`session`, `sid` in it), a constant replacement.
        The message's own sessions are gone if the pattern removes each from its known text
        (`redaction_removes`), else they stay; its parameters' are flagged, checked by each caller
        against what it passes (`redact`). None: another `replaceAll`, or nothing to remove."""
        if len(call.args) != 2 or not all(isinstance(a, Lit) and a.is_string for a in call.args):
            return None
        pattern, replacement = (a.value for a in call.args if isinstance(a, Lit))
        if not _SESSION_PLACE.search(pattern) or "$" in replacement or "\\" in replacement \
                or not receiver.carries_session():
            return None
        taint = receiver.deep_taint()
        if taint and redaction_removes(pattern, replacement, receiver.strings):
            taint = {}
        step = redaction_step(self.path, call.span, "replaceAll", pattern, replacement)
        params = {redacted_key(k, pattern, replacement): extend(t, step) for k, t in receiver.deep_params().items()}
        return Value(taint, params, frozenset({(SESSION,)} if taint else {(UNKNOWN,)}), frozenset({"string"}))

    def _record(self, cls: str, receiver: Value) -> bool:
        """Whether a call's receiver, of declared type `cls`, is a record (`SObject rec`,
        `Account acc`, `Foo__c row`), not a map or a package object."""
        return api.is_record_type(cls) and cls not in self.model.classes \
            and not receiver.types & api.COLLECTION_TYPES

    def put_field(self, call: Call, field_name: Value, v: Value) -> None:
        """`record.put('Description', value)`: the record holds it in that field, exactly as after
        `record.Description = value` (a field named by a token, `put(Account.Description, x)`,
        or not known: in the record as a whole)."""
        assert call.obj is not None
        named = literal_text(field_name)
        shown = f"{_describe(call.obj)}.{named}" if named else _describe(call.obj)
        if v.carries_session() and self._saved_row(call.obj):
            self._saved(call.span, call.text, v)
        v = add_step(v, Step(self.path, call.span, f"put in {shown}"))
        self.write(call.obj, with_facet(named.lower(), v) if named else v)

    def _with_parameter(self, call: Call, args: list[Value]) -> Value:
        """`ref.getParameters().put('sid', x)`: the URL of `ref` (a local or a field, read again)
        with `?sid=x` after it, so that where it points is known; without the PageReference at
        hand, the arguments alone."""
        joined = join_all(args)
        params_of = call.obj
        if len(args) != 2 or not isinstance(params_of, Call) or not isinstance(params_of.obj, Name | FieldGet):
            return joined
        base = self.eval(params_of.obj)
        if not base.strings:
            return joined
        key = args[0].strings
        name = next(iter(key))[0] if len(key) == 1 and len(next(iter(key))) == 1 else "…"
        return concat(concat(Value(strings=base.strings), literal(f"?{name}=")), args[1])

    def string_format(self, call: Call, args: list[Value]) -> Value | None:
        """`String.format('callout:{0}/x', new List<String>{ name })` with a literal template: the
        text with each `{n}` replaced by item n, so endpoints built this way still resolve."""
        if len(call.args) != 2 or not isinstance(call.args[1], New) or not call.args[1].items:
            return None
        template = args[0].strings
        if len(template) != 1:
            return None
        (shape,) = template
        if len(shape) != 1 or shape[0].startswith("\x00"):
            return None
        items = [self.eval(item) for item in call.args[1].items]
        out = _filled_text(shape[0], _PLACEHOLDER, lambda m: items[int(m.group(1))]
                           if int(m.group(1)) < len(items) else literal(m.group(0)))
        return out if out is not None else literal("")

    def string_join(self, call: Call) -> Value | None:
        """`String.join(items, sep)` of a list written out in order (`new List<String>{...}`, or a
        local set to one and not changed): the items' texts with the separator between, in order,
        so that a SOAP envelope kept as a list of lines still names its operation and metadata."""
        if len(call.args) != 2 or call.span in self._joining:
            # (the list's items hold the join itself: `lines` set to a list whose items join
            # `lines`, which a parser recovering from broken code can make; read as any call)
            return None
        items = self._listed(call.args[0])
        sep = self.eval(call.args[1])
        if items is None or len(items) > MAX_JOINED or len(sep.strings) != 1:
            return None
        self._joining.add(call.span)
        try:
            out: Value | None = None
            for item in items:
                value = self.eval(item)
                out = value if out is None else concat(concat(out, sep), value)
        finally:
            self._joining.discard(call.span)
        return out if out is not None else literal("")

    def _listed(self, e: Expr) -> tuple[Expr, ...] | None:
        """The items, in order, of a list written out where `e` is, or where the local `e` names
        is set once and never added to (flow-insensitively: anywhere in the method)."""
        if isinstance(e, New):
            return e.items if e.items and not e.args else None
        if not isinstance(e, Name) or not self.scope.is_local(e.name):
            return None
        found: list[tuple[Expr, ...]] = []
        for stmt in self.model.body(self.info):
            if isinstance(stmt, Assign) and isinstance(stmt.target, Name) and stmt.target.name == e.name:
                if not isinstance(stmt.value, New) or not stmt.value.items or stmt.value.args:
                    return None
                found.append(stmt.value.items)
            for x in walk_exprs(stmt):
                if isinstance(x, Call) and isinstance(x.obj, Name) and x.obj.name == e.name \
                        and x.name in api.COLLECTION_WRITERS:
                    return None
        return found[0] if len(found) == 1 else None

    def page_content(self, call: Call, receiver: Value) -> Value:
        """`Page.X.getContent()`: when page X renders a session ID, the result is a session source."""
        page = self.flow.emitting_page(receiver)
        for index in sorted({i for s in receiver.strings if s and (i := marker_param(s[0])) is not None}):
            if page is not None:
                break
            # `getSessionIdFromVFPage(PageReference p) { p.getContent() ... }`: the page the callers pass
            page = self.flow.page_passed(self.info.id, index)
        if page is None and receiver.params and self.called_from_outside:
            # `global static String fromPage(PageReference p) { p.getContent() ... }`: code outside
            # the package chooses the page; the package's pages that print a session are its for the asking
            page = self.flow.printed_session_page()
            chosen = page is not None
        else:
            chosen = False
        if page is None:
            return Value(types=frozenset({"blob"}))
        source_id = self.flow.register_page_source(self.info, call, page, chosen_by_caller=chosen)
        step = Step(self.path, call.span, f"page '{page}' rendered by {call.name}(), session ID included")
        return Value(taint={source_id: (step,)}, strings=frozenset({(SESSION,)}), types=frozenset({"blob"}))

    def set_request_part(self, call: Call, args: list[Value]) -> None:
        """`req.setEndpoint(x)`, `req.setHeader('Authorization', x)`: the request object holds them."""
        if call.obj is None or not args:
            return
        part = api.HTTP_REQUEST_SETTERS[call.name]
        if part == "header":
            part = f"header:{literal_text(args[0]) or '?'}"  # `setHeader(AUTH_HEADER, ...)` names it too
        value = add_step(args[-1], Step(self.path, call.span, f"set as the request {_part_label(part)}"))
        if call is self._killing and isinstance(call.obj, Name) and part != "header:?":
            self.replace_part(call.obj.name, part, value)
            return
        self.write(call.obj, with_facet(part, value))

    def _rejoin(self, local: str, held: Value) -> None:
        """Where a nested block with a kill ends: what the local held before it joins again."""
        if held.is_empty:
            return
        self.env[local] = join(self.env.get(local, EMPTY), held)

    def replace_part(self, local: str, part: str, v: Value) -> None:
        """`req.setEndpoint(x)` where it replaces the endpoint the local `req` held (`Eval.kills`):
        every other part, and whatever else the local holds, stays."""
        if local in self._read:
            self._backward = True
        held = self.env.get(local, EMPTY)
        facets = {name: f for name, f in held.facets.items() if name != part}
        facets.update(with_facet(part, v).facets)
        replaced = Value(held.taint, held.params, held.strings, held.types, facets)
        if replaced.is_empty:
            self.env.pop(local, None)
        else:
            self.env[local] = replaced

    def port_call(self, target: MethodInfo, call: Call, receiver: Value, args: list[Value]) -> Value:
        """A call to a WSDL2Apex port (`service.createMetadata(...)`): the SOAP callout happens here.

        The port's own `WebServiceCallout.invoke` is generated code; the caller is where the
        operation, the metadata written, and the session in the port's header come together.
        """
        port = target.owner
        # the port object the caller holds, where it carries a session or was given its header's
        # sessionId before the header was attached; else, as for a port of unknown origin, what
        # any of the class's objects holds (the field store)
        self._field_env.clear()
        stub = receiver if receiver.carries_session() or _header_given(receiver) else self.object_value(port)
        # the endpoint the caller gave this port object, else (and on paths where it gave none)
        # the class's own: its initialiser, or its methods' writes
        endpoint = join(receiver.facets.get("endpoint_x", EMPTY), self.read_field((port, "endpoint_x")))
        body = self._unwrapped(join_all(args))
        types = sorted(self._metadata_types(body, call)) if target.method.name != "deploy" else []
        names = sorted(self._full_names(body))
        detail = [("operation", target.method.display)]
        if types:
            detail.append(("metadataTypes", ",".join(types)))
        if names:
            detail.append(("fullNames", ",".join(names)))
        facets = {"endpoint": endpoint, "header:soap": _soap_header(stub), "body": body}
        operation = target.method.name
        if operation in _TYPE_NAMED_OPERATIONS and args:
            # `deleteMetadata(type, fullNames)`, `readMetadata(…)`, `renameMetadata(type, old, new)`:
            # a type name not written here (a helper's parameter), and the full names, are read
            # where the values are known, the callers' through the summary
            if not (isinstance(call.args[0], Lit) and call.args[0].is_string):
                facets["metadatatype"] = args[0]
            named = join_all(args[1:3] if operation == "renamemetadata" else args[1:2])
            if named.strings:
                facets["fullnames"] = named
        request = Value(facets=facets)
        self.sink("soap-callout", f"{self.model.classes[port].display}.{target.method.display}", call.span,
                  call.text, request, tuple(detail))
        return Value(types=frozenset({base_type(target.method.return_type)}))

    def _unwrapped(self, body: Value) -> Value:
        """`updateMetadata(UpdateMetadata[])` writes what each element's `metadata` holds, not the
        element: its type and full name are the metadata's."""
        wrappers = {t for t in body.types if t.rpartition(".")[2] == "updatemetadata"
                    and self.model.field_owner(t, "metadata") == t}
        if not wrappers:
            return body
        held = join_all([join(body.facets.get("metadata", EMPTY), self.read_field((t, "metadata")))
                         for t in sorted(wrappers)])
        return join(replace(body, types=body.types - wrappers), held)

    def _metadata_types(self, body: Value, call: Call) -> set[str]:
        """Metadata types a port call writes: the wrapper classes passed in, or a type-name literal."""
        out: set[str] = set()
        for t in body.types:
            ci = self.model.classes.get(t)
            if ci is not None and ci.outer is not None:
                out.add(ci.display.rpartition(".")[2])
        if call.args and isinstance(call.args[0], Lit) and call.args[0].is_string:
            out.add(call.args[0].value)
        return out

    def _full_names(self, body: Value) -> set[str]:
        """Full names written: from the objects passed in, else from the wrapper class's field."""
        local = body.facets.get("fullname")
        if local is not None and local.strings:
            return {n for shape in local.strings if (n := full_name(shape, self.model.namespace))}
        out: set[str] = set()
        for t in body.types:
            v = self.read_field((t, "fullname"))  # a reader: re-run when another method sets it
            out.update(n for shape in v.strings if (n := full_name(shape, self.model.namespace)))
        return out

    def soap_invoke(self, call: Call, args: list[Value]) -> Value:
        """`WebServiceCallout.invoke(this, request, response, new String[]{endpoint, action, ns, op...})`."""
        if self.info.owner in self.flow.soap_ports and (self.graph_has_callers()
                                                        or not has_ref(self.info.method.refs, "getsessionid")):
            # Reported at each call of the port method (see port_call). A port method nothing
            # calls is dead code, whatever session its class's header may hold elsewhere,
            # unless it reads the session itself.
            return EMPTY
        stub = args[0] if args else EMPTY
        detail: list[tuple[str, str]] = []
        endpoint = EMPTY
        if len(call.args) >= 4 and isinstance(call.args[3], New) and call.args[3].items:
            items = call.args[3].items
            endpoint = self.eval(items[0])
            for label, idx in (("soapAction", 1), ("namespace", 2), ("operation", 3)):
                item = items[idx] if idx < len(items) else None
                if isinstance(item, Lit):
                    detail.append((label, item.value))
        request = Value(facets={"endpoint": endpoint, "header:soap": _soap_header(stub),
                                "body": args[1] if len(args) > 1 else EMPTY})
        self.sink("soap-callout", "WebServiceCallout.invoke", call.span, call.text, request, tuple(detail))
        return EMPTY


# Metadata API port operations whose first argument names the metadata type, the next the full names
_TYPE_NAMED_OPERATIONS = frozenset({"deletemetadata", "readmetadata", "renamemetadata"})


def _handed_on(body: Sequence[Stmt], local_names: Container[str] = ()) -> set[str]:
    """Names a method body uses as values in their own right, not only as the object of a field
    or a call (`x.f`, `x.m()`): `a = x`, `m(x)`, `return x`, `new C(x)`, `c ? x : y`, `x ?? y`.
    An argument of `System.debug(x)` or `JSON.serialize(x)` is not handed on: those calls turn
    the object into text and keep nothing of it (`local_names`: the method's own variables, which
    a `json.serialize(...)` would be a call on instead). Nor is `r` in `rows.add(r)` on a local
    `rows`: the list is followed instead (`_list_uses`)."""
    out: set[str] = set()

    def visit(e: Expr | None, as_value: bool) -> None:
        if e is None:
            return
        if isinstance(e, Name):
            if as_value:
                out.add(e.name)
        elif isinstance(e, FieldGet):
            visit(e.obj, False)
        elif isinstance(e, Call):
            visit(e.obj, False)
            # `rows.add(r)` on a local list: whether that hands `r` on is the list's (`_list_uses`)
            kept = _printing_call(e, local_names) or _local_list_add(e, local_names)
            for a in e.args:
                visit(a, not (kept and isinstance(a, Name)))
        elif isinstance(e, Binary):
            # `x == null`, `'a' + x`: a test or text, not the object; `x ?? y` is either object
            visit(e.left, e.op == "??")
            visit(e.right, e.op == "??")
        elif isinstance(e, Ternary):
            visit(e.cond, False)
            visit(e.then, as_value)
            visit(e.other, as_value)
        elif isinstance(e, Cast):
            visit(e.expr, as_value)
        elif isinstance(e, Index):
            visit(e.obj, as_value)
            visit(e.index, True)
        elif isinstance(e, New):
            for sub in (*e.args, *e.items):
                visit(sub, True)
        elif isinstance(e, Soql):
            for sub in e.binds:
                visit(sub, True)
        elif isinstance(e, Opaque):
            for sub in e.parts:
                visit(sub, True)

    for stmt in body:
        if isinstance(stmt, Assign):
            if not isinstance(stmt.target, Name):
                visit(stmt.target, False)
            visit(stmt.value, True)
        elif isinstance(stmt, Eval):
            visit(stmt.expr, False)
        elif isinstance(stmt, Return | Throw | Dml):
            visit(stmt.expr, True)
    return out


# System calls that read an object into text (every field) and keep no hold of it
_PRINTING_CALLS = api.LOG_STATIC | {("json", "serialize"), ("json", "serializepretty"), ("string", "valueof")}


def _printing_call(call: Call, local_names: Container[str]) -> bool:
    """`System.debug(x)`, `JSON.serialize(x)`, `String.valueOf(x)`: a call of the platform
    that makes text of its argument."""
    return isinstance(call.obj, Name) and call.obj.name.lower() not in local_names \
        and (call.obj.name.lower(), call.name.lower()) in _PRINTING_CALLS


def _local_list_add(call: Call, local_names: Container[str]) -> bool:
    """`rows.add(r)` on one of the method's own variables."""
    return isinstance(call.obj, Name) and call.obj.name in local_names and call.name.lower() == "add" \
        and len(call.args) == 1


# What a method may do with a list of objects no other code reaches: add to it, count it
_LIST_KEEPING = frozenset({"add", "size", "isempty"})


def _list_uses(body: Sequence[Stmt], local_names: Container[str]) -> tuple[dict[str, set[str]], set[str]]:
    """The locals each local list is given with `rows.add(r)` (only those called so), and the
    locals used otherwise than with `add`, `size` and `isEmpty` calls: another method called
    on them, read or written by index (`rows[0]`, a loop over them), given anything but a local."""
    items: dict[str, set[str]] = {}
    other: set[str] = set()
    for stmt in body:
        for e in walk_exprs(stmt):
            if isinstance(e, Index) and isinstance(e.obj, Name):
                other.add(e.obj.name)
            if not isinstance(e, Call) or not isinstance(e.obj, Name) or e.obj.name not in local_names:
                continue
            name = e.name.lower()
            given = e.args[0] if name == "add" and len(e.args) == 1 else None
            if name not in _LIST_KEEPING or (name == "add" and not isinstance(given, Name)):
                other.add(e.obj.name)
            elif isinstance(given, Name):
                items.setdefault(e.obj.name, set()).add(given.name)
    return items, other


def _assigned(body: Sequence[Stmt]) -> dict[str, list[Expr]]:
    """The values each local is given by the statements of a body (`x = …`), in order."""
    out: dict[str, list[Expr]] = {}
    for stmt in body:
        if isinstance(stmt, Assign) and isinstance(stmt.target, Name):
            out.setdefault(stmt.target.name, []).append(stmt.value)
    return out


def _holders(items: Mapping[str, set[str]], name: str) -> list[str]:
    """The local lists `name` is added to."""
    return [c for c, held in items.items() if name in held]


def _made_list(given: Sequence[Expr]) -> bool:
    """Whether a local is only ever given a new, empty list (`List<Row> rows = new List<Row>();`)."""
    return bool(given) and all(isinstance(v, New) and not v.args and not v.items
                               and (base_type(v.type) == "list" or v.type.endswith("[]")) for v in given)


def _cases(hits: list[SourceHit]) -> tuple[Value, ...]:
    """What each of several callers' reports sends, one case each, or each of a report's own
    cases (a caller that calls the helper twice: `report`), where there is more than one: a
    queued job's `deleteItems('PermissionSetGroup', …); deleteItems('PermissionSet', …)` beside
    its enqueuer's own `deleteItems('CustomField', …)`."""
    cases = tuple(c for h in hits for c in (h.cases or (h.value,)))
    return cases if len(cases) > 1 else ()


def _as_written(call: Call, label: str) -> str:
    """`ns.Service.generateDoc` as the code writes it, for the lower-case `label` a call of a
    class the package does not hold is known by; `label` when the code names it otherwise (a
    call on a variable: `svc.generateDoc`)."""
    written = call.text.partition("(")[0].strip()
    return written if written.lower() == label else label


def _on_this(call: Expr) -> bool:
    """An unqualified call (`m()`, `this.m()`, `super.m()`, `this(...)`, `super(...)`): made on
    the object the calling method runs on."""
    return isinstance(call, Call) and (call.obj is None or isinstance(call.obj, This | Super))


def _own_path(shape: tuple[str, ...]) -> str:
    """The first literal piece of a page URL, after the org's own URL or host if it starts with
    them (`URL.getOrgDomainUrl().toExternalForm() + '/apex/X'`, `'https://' + host + '/apex/X'`)."""
    pieces = list(shape)
    if pieces and pieces[0].lower() in ("https://", "http://") and len(pieces) > 1 and pieces[1] == ORG_HOST:
        pieces = pieces[2:]
    elif pieces and pieces[0] == ORG:
        pieces = pieces[1:]
    return pieces[0] if pieces and not pieces[0].startswith("\x00") else ""


def _endpoint_open(v: Value) -> bool:
    """Whether a sink's endpoint depends on the reporting method's parameters (or is unknown)."""
    endpoint = v.facets.get("endpoint")
    return endpoint is None or not endpoint.strings or bool(endpoint.deep_params())


def _destination_open(v: Value) -> bool:
    """Whether where a sink's request goes is the reporting method's parameter to say (or
    unknown): its endpoint starts with one. A path segment taken from one (`'/sobjects/' + type`)
    leaves the host and the API known."""
    endpoint = v.facets.get("endpoint")
    return endpoint is None or not endpoint.strings or any(
        shape and marker_param(shape[0]) is not None for shape in endpoint.strings)


def _open(v: Value) -> bool:
    """Whether a sink's value still depends on the reporting method's parameters where it matters:
    anywhere but further along an endpoint's path (where the request goes is the caller's to say
    when its endpoint starts with a parameter, not when only a path segment is one)."""
    if not v.deep_params():
        return False
    endpoint = v.facets.get("endpoint")
    if endpoint is None or not endpoint.strings:
        return True
    rest = Value(v.taint, v.params, v.strings, v.types, {k: f for k, f in v.facets.items() if k != "endpoint"})
    return bool(rest.deep_params()) or _destination_open(v)


def _summary_tainted(s: Summary) -> bool:
    return bool(s.ret.deep_taint() or any(v.deep_taint() for v in s.param_effects.values())
                or any(v.deep_taint() for v in s.field_effects.values())
                or any(v.deep_taint() for v in s.receiver_effects.values())
                or any(h.value.deep_taint() for h in s.sinks.values()))


# What a URL's scheme, host and port are written with: a swap of other characters (`url.replace('
# ', '+')`) leaves where the URL goes as it was, whatever a marker's run-time value holds.
_HOST_CHARS = lazy(r"[A-Za-z0-9.:/@%\[\]-]")


def _swapped(receiver: Value, call: Call) -> Value | None:
    """`s.replace(' ', '+')` with literals, swapping characters no scheme, host or port holds:
    the swap applied to the literal text of each shape (None: another replace)."""
    if len(call.args) != 2 or not all(isinstance(a, Lit) and a.is_string for a in call.args):
        return None
    old, new = (a.value for a in call.args if isinstance(a, Lit))
    if not old or (_HOST_CHARS.search(old) and not _upgrades_scheme(call)):
        return None
    kept = derived(receiver, keep_strings=True, types=frozenset({"string"}))
    shapes = frozenset(tuple(p if p.startswith("\x00") else p.replace(old, new) for p in s) for s in kept.strings)
    return replace(kept, strings=shapes)


def _upgrades_scheme(call: Call) -> bool:
    """`url.replace('http:', 'https:')` (`'http://'`, `'https://'`): the same host over https, as
    code wrote for `URL.getSalesforceBaseUrl()`, which could give an `http:` URL. No regular
    expression characters: `replaceAll` reads it the same."""
    if len(call.args) != 2 or not all(isinstance(a, Lit) and a.is_string for a in call.args):
        return False
    old, new = (a.value.lower() for a in call.args if isinstance(a, Lit))
    return old in ("http:", "http://") and new == "https" + old[4:]


def _trigger_new_row(e: Expr) -> bool:
    """`Trigger.new[i]`, `Trigger.newMap.get(id)` (a loop's `Trigger.new[*]`): one of the records
    a trigger saves."""
    if not isinstance(e, Index | Call) or (isinstance(e, Call) and e.name != "get"):
        return False
    rows = e.obj
    return isinstance(rows, FieldGet) and isinstance(rows.obj, Name) and rows.obj.name == "trigger" \
        and rows.name in ("new", "newmap")


def _filled(receiver: Value, call: Call, value: Value) -> Value | None:
    """`template.replace('{SESSION}', sid)`: a placeholder (a literal without pattern characters)
    in the template's literal text, filled with the value given, so that the endpoint keeps its
    host and the session its place (None: the template or placeholder is not known text)."""
    target = call.args[0]
    if not isinstance(target, Lit) or not target.is_string or not target.value or not receiver.strings \
            or (call.name == "replaceall" and _REGEX_CHARS.search(target.value)):
        return None
    placeholder = target.value
    if not any(placeholder in piece for shape in receiver.strings for piece in shape if not piece.startswith("\x00")):
        return None
    if _ORG_URL_TEXT.fullmatch(placeholder) and any(p in (ORG, ORG_HOST) for shape in receiver.strings for p in shape):
        return None  # it may be in the org's URL too, which the shape does not spell out
    pattern = re.compile(re.escape(placeholder))
    out: Value | None = None
    for shape in sorted(receiver.strings):
        filled: Value | None = None
        for piece in shape:
            part = Value(strings=frozenset({(piece,)})) if piece.startswith("\x00") \
                else _filled_text(piece, pattern, lambda _: value)
            if part is not None:
                filled = part if filled is None else concat(filled, part)
        if filled is not None:
            out = filled if out is None else join(out, filled)
    if out is None:
        return None
    # the template's own sessions and parameters stay with it
    return join(out, Value(receiver.taint, receiver.params)) if receiver.taint or receiver.params else out


def _filled_text(text: str, placeholder: re.Pattern[str], value: Callable[[re.Match[str]], Value]) -> Value | None:
    """`text` with each match of `placeholder` replaced by the value `value` gives for it, as
    the concatenation of the literal pieces and those values (None for empty text)."""
    parts: list[Value] = []
    at = 0
    for m in placeholder.finditer(text):
        if m.start() > at:
            parts.append(literal(text[at:m.start()]))
        parts.append(value(m))
        at = m.end()
    if at < len(text):
        parts.append(literal(text[at:]))
    out: Value | None = None
    for part in parts:
        out = part if out is None else concat(out, part)
    return out


_SESSION_PLACE = lazy(r"(?i)session|\bsid\b")  # what a redacting pattern names: the session's element, parameter
_REGEX_CHARS = lazy(r"[\\^$.|?*+()\[\]{}]")
_ORG_URL_TEXT = lazy(r"[A-Za-z0-9.:/-]+")  # text that the org's URL or host may hold


def _names_host(call: Call) -> bool:
    """`headers.get('Host')`: the header named by a literal, in any case."""
    return len(call.args) == 1 and isinstance(call.args[0], Lit) and call.args[0].is_string \
        and call.args[0].value.strip().lower() == "host"


def _host_of(shape: tuple[str, ...]) -> tuple[str, ...]:
    """The shape of `url.getHost()` for a URL of `shape`: the org's host for the org's URL, the
    host of a literal URL, else unknown."""
    if shape[:1] == (ORG,):
        return (ORG_HOST,)
    host = url_host(shape[0]) if len(shape) == 1 and not shape[0].startswith("\x00") else None
    return (host,) if host else (UNKNOWN,)


def _scheme_of(shape: tuple[str, ...]) -> tuple[str, ...]:
    """The shape of `url.getProtocol()`: `https` for the org's URL (Salesforce serves orgs over
    nothing else), the scheme of a literal URL, else unknown."""
    if shape[:1] == (ORG,):
        return ("https",)
    scheme, sep, _ = shape[0].partition("://") if len(shape) == 1 else ("", "", "")
    return (scheme,) if sep and scheme.isalpha() and not scheme.startswith("\x00") else (UNKNOWN,)


def _signature(v: Value) -> tuple[object, ...]:
    """What a value says, without the paths (traces) it came by: two objects made alike by
    different calls are one object to read a method over (`DataFlow.made`)."""
    return (tuple(sorted(v.deep_taint())), v.strings, tuple(sorted(v.deep_params())), v.types,
            tuple((k, _signature(f)) for k, f in sorted(v.facets.items())))


def _blank_or_parameter(ret: Value) -> Value:
    """A helper's return of `''` or its parameter's text (`if (String.isBlank(s)) return '';` then
    `return s.replace('&', '&amp;')...`): the parameter's text, which is blank when the `''` is
    returned. Kept apart, the two double the shapes of every envelope built with the helper, and
    past `MAX_SHAPES` the metadata type written after the session is lost."""
    rest = ret.strings - {("",)}
    if len(rest) == len(ret.strings) or not rest or not all(
            len(shape) == 1 and marker_param(shape[0]) is not None for shape in rest):
        return ret
    return Value(ret.taint, ret.params, rest, ret.types, ret.facets)


# Field types whose values are replaced, never changed in place.
_IMMUTABLE_TYPES = frozenset({"string", "id", *api.NON_CARRIER_TYPES})


def _assigns(body: tuple[Stmt, ...], name: str) -> bool:
    """Whether a body assigns a field called `name` (`name = x`, `this.name = x`, `o.name = x`)."""
    for stmt in body:
        target = stmt.target if isinstance(stmt, Assign) else None
        while isinstance(target, FieldGet | Index):
            if isinstance(target, FieldGet) and target.name == name:
                return True
            target = target.obj
        if isinstance(target, Name) and target.name == name:
            return True
    return False


def _cannot_carry(type_name: str) -> bool:
    return bool(type_name) and base_type(type_name) in api.NON_CARRIER_TYPES


# A page named for the session it renders (`GenerateSessionIdForLWC`, `Session_Id`), not merely
# for a session of some other kind (`SessionAgendaPdf`)
_SESSION_PAGE_NAME = lazy(r"session_?id", re.IGNORECASE)


def _url_built(args: list[Value]) -> Value:
    """What `new URL(...)` holds, as text: `new URL(spec)`, `new URL(context, spec)` (a relative
    spec after the context's URL, an absolute one alone), `new URL(protocol, host, file)` and
    `new URL(protocol, host, port, file)`."""
    if len(args) == 2:
        spec = literal_text(args[1])
        absolute = spec is not None and _ABSOLUTE_URL.match(spec) is not None
        parts = [args[1]] if absolute else args
    elif len(args) >= 3:  # protocol, `://`, host, [`:` port,] file
        # the port is an Integer: its text, where known, else none (`getPort()` is -1 where the URL
        # names no port, and no number moves the URL to another host)
        port = [literal(":"), args[2]] if len(args) == 4 and _digits(args[2]) else []
        parts = [args[0], literal("://"), args[1], *port, args[-1]]
    else:
        parts = args
    out = literal("")  # text, though the one part be of unknown text
    for part in parts:
        out = concat(out, part)
    return out


_ABSOLUTE_URL = lazy(r"[A-Za-z][A-Za-z0-9+.-]*:|//")


def _digits(v: Value) -> bool:
    """Whether every text `v` may be is a number written out (a port)."""
    return bool(v.strings) and all(len(s) == 1 and s[0].isdigit() for s in v.strings)


def _printed(v: Value) -> Value:
    """`v` as string concatenation writes it: an `HttpRequest` shows its endpoint and method."""
    return request_part(v, "endpoint") if v.types and v.types <= api.HTTP_REQUEST_TYPES else v


_A_SESSION = frozenset({(SESSION,)})  # the text of a value that is a session and nothing else
ORG_ID_LENGTH = 15  # a session ID starts with its org's 15-character Id, then `!`


def _org_id_of_session(name: str, call: Call) -> bool:
    """Whether `sid.<name>(...)` keeps no more of a session than its org's Id: `left(n)` or
    `substring(0, n)` with n at most 15, `substringBefore('!')`."""
    args = call.args
    if name == "substringbefore":
        return len(args) == 1 and isinstance(args[0], Lit) and args[0].is_string and args[0].value == "!"
    count = args[0] if name == "left" and len(args) == 1 else \
        args[1] if name == "substring" and len(args) == 2 and _is_int(args[0], 0) else None
    return isinstance(count, Lit) and not count.is_string and count.value.isdigit() \
        and int(count.value) <= ORG_ID_LENGTH


def _is_int(e: Expr, value: int) -> bool:
    return isinstance(e, Lit) and not e.is_string and e.value.isdigit() and int(e.value) == value


def _keeps_org_prefix(name: str, call: Call, receiver: Value) -> bool:
    """Whether `receiver.<name>(...)` keeps where an org URL starts: every shape of the receiver
    starts with the org's URL or host, and the method cuts only its end (a `substring` from 0)."""
    if not receiver.strings or any(s[0] not in (ORG, ORG_HOST) for s in receiver.strings):
        return False
    if name in api.TRIMMING_METHODS and not call.args:
        return True
    first = call.args[0] if call.args else None
    if all(s[0] == ORG_HOST for s in receiver.strings) and _label_fragment(first) and (
            (name in _FRAGMENT_REMOVERS and len(call.args) == 1)
            or (name in ("replace", "replaceall") and len(call.args) == 2 and isinstance(call.args[1], Lit)
            and call.args[1].is_string and call.args[1].value == "")):
        # `getHost().remove('-api')`: the old Tooling API snippet for `naN-api` hosts; a fragment
        # without '.', '/' or ':' cannot move the host to another domain
        return True
    if name in api.PATH_CUTTING_METHODS:
        return isinstance(first, Lit) and first.is_string and first.value.startswith("/") \
            and not first.value.startswith("//")
    return _cuts_last_characters(name, call)


def _cuts_last_characters(name: str, call: Call) -> bool:
    """`s.substring(0, s.length() - 1)`, `s.left(s.length() - 1)`: a trailing character or two cut off."""
    first = call.args[0] if call.args else None
    if name == "substring" and len(call.args) == 2:
        return first is not None and _is_int(first, 0) and _length_less(call.args[1])
    return name == "left" and len(call.args) == 1 and _length_less(first)


def _length_less(e: Expr | None) -> bool:
    """`s.length() - 1` (or `- 2`)."""
    return isinstance(e, Binary) and e.op == "-" and isinstance(e.left, Call) and e.left.name == "length" \
        and isinstance(e.right, Lit) and e.right.value in ("1", "2")


def _trims_parameter(name: str, call: Call, receiver: Value) -> bool:
    """Whether `receiver.<name>(...)` only trims the end of a parameter of this method (or a field of
    its receiver): whitespace, a trailing `/`, the last character or two. What the caller passes
    keeps its start, so the summary keeps the parameter, filled in at each call, as the org's URL
    keeps its start (`_keeps_org_prefix`). Cutting a longer path is not this: its text would stay."""
    if not receiver.strings or any(len(s) != 1 or marker_param(s[0]) is None for s in receiver.strings):
        return False
    if name in api.TRIMMING_METHODS and not call.args:
        return True
    first = call.args[0] if call.args else None
    if name in ("removeend", "removeendignorecase") and len(call.args) == 1:
        return isinstance(first, Lit) and first.is_string and first.value in ("/", "\\")
    return _cuts_last_characters(name, call)


_FRAGMENT_REMOVERS = frozenset({"remove", "removeignorecase", "removeend", "removeendignorecase"})


def _label_fragment(e: Expr | None) -> bool:
    """A literal piece of a host label (`'-api'`): no dot, slash, colon or `@` in it."""
    return isinstance(e, Lit) and e.is_string and bool(e.value) and not any(c in e.value for c in "./:@\\")


def _on_literal(name: str, call: Call, receiver: Value) -> Value | None:
    """A String method applied to text known in full (every shape of the receiver literal), with
    literal arguments: the text it gives, as Apex computes it; None for anything else."""
    method = _LITERAL_METHODS.get(name)
    if method is None or len(receiver.strings) > MAX_LITERAL_SHAPES \
            or any(part.startswith("\x00") for shape in receiver.strings for part in shape):
        return None
    args: list[str | int] = []
    for a in call.args:
        if not isinstance(a, Lit):
            return None
        if a.is_string:
            args.append(a.value)
        elif a.value.lstrip("-").isdigit():
            args.append(int(a.value))
        else:
            return None
    out = set()
    for shape in receiver.strings:
        try:
            text = method("".join(shape), *args)
        except (TypeError, IndexError, AttributeError):
            return None  # another overload, or a call Apex would reject at run time
        out.add((text,))
    return Value(strings=frozenset(out), types=frozenset({"string"}))


def _remove_end(text: str, cut: str, fold: bool = False) -> str:
    ends = text.lower().endswith(cut.lower()) if fold else text.endswith(cut)
    return text[:len(text) - len(cut)] if cut and ends else text


def _remove_start(text: str, cut: str, fold: bool = False) -> str:
    starts = text.lower().startswith(cut.lower()) if fold else text.startswith(cut)
    return text[len(cut):] if cut and starts else text


def _before(text: str, sep: str, last: bool) -> str:
    if not sep:
        return text if last else ""
    at = text.rfind(sep) if last else text.find(sep)
    return text if at < 0 else text[:at]


def _after(text: str, sep: str, last: bool) -> str:
    if not sep:
        return "" if last else text
    at = text.rfind(sep) if last else text.find(sep)
    return "" if at < 0 else text[at + len(sep):]


def _substring(text: str, start: int, end: int | None = None) -> str:
    stop = len(text) if end is None else end
    if not (0 <= start <= stop <= len(text)):
        raise IndexError(start)  # Apex throws StringException
    return text[start:stop]


MAX_LITERAL_SHAPES = 8
# String methods whose result is, for what apexlint reads of text (hosts, paths, metadata type and
# operation names: letters, digits, `_`, `.`, `/`, `:`), the text they are given: escaping for XML,
# HTML or CSV changes only characters none of those hold. A SOAP envelope built by hand escapes
# the type it names (`'<met:type>' + type.escapeXml()`), which must still be read.
_SHAPE_KEEPING = frozenset({"tostring", "trim", "escapexml", "escapehtml3", "escapehtml4", "escapecsv",
                            "unescapexml", "unescapehtml4"})
_MARKUP_CHARS = frozenset("&<>\"'")


def _escaping(name: str, call: Call) -> bool:
    """`x.replace('&', '&amp;')`: a package's own escaping helper, which changes only characters
    of markup (see `_SHAPE_KEEPING`)."""
    first = call.args[0] if call.args else None
    return name == "replace" and isinstance(first, Lit) and first.is_string and bool(first.value) \
        and set(first.value) <= _MARKUP_CHARS


def _escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") \
        .replace("'", "&apos;")


_LITERAL_METHODS: dict[str, Callable[..., str]] = {
    "escapexml": _escape_xml,
    "replace": lambda t, a, b: t.replace(a, b),  # literal text, as Apex replaces it (not replaceAll)
    "removeend": _remove_end,
    "removeendignorecase": lambda t, c: _remove_end(t, c, True),
    "removestart": _remove_start,
    "removestartignorecase": lambda t, c: _remove_start(t, c, True),
    "substringbefore": lambda t, s: _before(t, s, False),
    "substringbeforelast": lambda t, s: _before(t, s, True),
    "substringafter": lambda t, s: _after(t, s, False),
    "substringafterlast": lambda t, s: _after(t, s, True),
    "left": lambda t, n: t[:max(n, 0)],
    "right": lambda t, n: t[len(t) - n:] if n > 0 else "",
    "substring": _substring,
    "tolowercase": lambda t: t.lower(),
    "touppercase": lambda t: t.upper(),
    "trim": lambda t: t.strip(" \t\r\n\x0b\x0c\x00"),
}


def _arithmetic(left: Value, right: Value) -> bool:
    """`a + b` on numbers or dates: the result is not text, whatever flowed into the operands."""
    numeric = api.NON_CARRIER_TYPES
    text = {"string", "blob", "object"}
    return not ((left.types | right.types) & text) and bool((left.types | right.types) & numeric)


def _rooted_in_local(e: Expr, scope: Scope) -> bool:
    """`x.a.b`, `items[0].a` of a local `x` / `items`."""
    while isinstance(e, FieldGet | Index):
        e = e.obj
    return isinstance(e, Name) and scope.is_local(e.name)


def _bottom_up(model: PackageModel, graph: CallGraph) -> list[str]:
    """Callees before callers (DFS post-order), so most summaries are ready when first used."""
    order: list[str] = []
    seen: set[str] = set()
    for root in sorted(model.methods):
        if root in seen:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        seen.add(root)
        while stack:
            mid, i = stack[-1]
            edges = graph.edges_of(mid)
            if i < len(edges):
                stack[-1] = (mid, i + 1)
                callee = edges[i].callee
                if callee not in seen:
                    seen.add(callee)
                    stack.append((callee, 0))
            else:
                stack.pop()
                order.append(mid)
    return order


def _header_given(port: Value) -> bool:
    """Whether a port object's `SessionHeader` part was given a `sessionId` (`header.sessionId =
    token; port.SessionHeader = header;`): that token is what its calls send, not what the other
    header objects of the package hold (another port's session, in the field store). A header
    attached first and filled in afterwards through its variable is not seen here."""
    header = port.facets.get("sessionheader")
    return header is not None and "sessionid" in header.facets


def _soap_header(stub: Value) -> Value:
    """What a SOAP callout sends in its header: every session the stub holds, and the values its
    `SessionHeader.sessionId` was given (a Named Credential's `{!$Credential.OAuthToken}`...)."""
    header = stub.facets.get("sessionheader", EMPTY).facets.get("sessionid", EMPTY)
    return Value(stub.deep_taint(), stub.deep_params(), strings=header.strings)


# What every method's references are searched for, besides the names the call graph is asked about.
SOAP_REFS = frozenset({"webservicecallout", "invoke"})


def _soap_ports(model: PackageModel) -> frozenset[str]:
    """Package classes whose methods make SOAP callouts (WSDL2Apex ports such as MetadataPort)."""
    ports = set()
    # a walk over every method that `apexlint.reuse` accounts for: by their references to
    # SOAP_REFS, which it counts as searched; the methods it reads are noted
    for info in model.every_method():
        refs = info.method.refs
        if info.cls is None or info.owner in ports or not all(has_ref(refs, name) for name in SOAP_REFS):
            continue
        model.methods.get(info.id)  # noted as asked for
        for stmt in model.body(info):
            if any(isinstance(e, Call) and e.name == "invoke" and isinstance(e.obj, Name)
                   and e.obj.name == "webservicecallout" for e in walk_exprs(stmt)):
                ports.add(info.owner)
                break
    return frozenset(ports)


def _part_label(part: str) -> str:
    if part.startswith("header:"):
        return f"header '{part[7:]}'"
    return part


def _describe(e: Expr) -> str:
    if isinstance(e, Name):
        return e.name
    if isinstance(e, FieldGet):
        return f"{_describe(e.obj)}.{e.name}"
    if isinstance(e, This):
        return "this"
    if isinstance(e, Index):
        return f"{_describe(e.obj)}[…]"
    if isinstance(e, Call):
        return e.text
    return "a value"


COMPARISONS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">="})


def _compared(e: Binary) -> str:
    """How a comparison tests a value, for a message: with null, or with another value."""
    null = any(isinstance(side, Lit) and side.value.lower() == "null" for side in (e.left, e.right))
    return f"{e.op} null" if null else f"compared with {e.op}"


def _map_call(name: str, m: Value, args: list[Value]) -> Value | None:
    """What a read of a map gives (`get`, `remove`, `values`, `keySet`, `containsKey`), None for
    other calls."""
    if name in ("get", "remove") and len(args) == 1:
        return map_get(m, args[0])
    if name == "values":
        return map_values(m)
    if name == "keyset":
        return map_rest(m)
    if name in ("containskey", "size", "isempty"):
        return EMPTY  # a count or a yes/no about the entries: no test of the session they may hold
    return None


def _tested_by(call: Call) -> str:
    """`String.isBlank()`, `sid.length()`: the call that only asks something of a value, as written."""
    callee = call.text.split("(", 1)[0].strip()
    return f"{callee}()" if callee and len(callee) <= 60 else f"{call.name}()"


PAGE_PARAMETERS = "currentpage.parameters"  # the type of the request's parameters, as `Value.types` holds it
READ_BACK = "session ID read back from field "  # the step where a stored session is read
FORMULA_READ = "session ID read from formula field "  # the step where a formula field's is read


def stored_sessions(hits: list[SourceHit]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(sObject, field) -> the sessions DML stores there: the fields of a saved record that
    carry a session (`c.Sid__c = UserInfo.getSessionId(); upsert c;`)."""
    found: dict[tuple[str, str], set[str]] = {}
    for hit in hits:
        sobject = dict(hit.site.detail).get("sobject") if hit.site.kind == "persist" else None
        if not sobject:
            continue
        for name, part in hit.value.facets.items():
            if hit.source_id in part.deep_taint():
                found.setdefault((sobject, name), set()).add(hit.source_id)
    return {k: tuple(sorted(v)) for k, v in sorted(found.items())}


__all__ = ["FORMULA_READ", "READ_BACK", "UNKNOWN", "DataFlow", "FlowResult", "SinkHit", "SinkSite", "SourceHit",
           "Summary", "stored_sessions"]
