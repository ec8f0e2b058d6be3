"""The whole package, joined from every file's intermediate form.

Classes (with inner classes as `outer.inner`), their methods with overloads, inheritance and
implemented interfaces, triggers, Visualforce pages, metadata, and every session source.
Type-name resolution lives here because every analysis needs the same answer to "which package
class does this name mean in this class".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Container, ItemsView, Iterable, Iterator, KeysView, ValuesView
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TypeVar

from apexlint.ir import (
    BOUND_PREFIX,
    NOT_RENDERED,
    PAGE_RESPONSE,
    Assign,
    BodyRef,
    ClassIR,
    FileIR,
    FileKind,
    LabelIR,
    MetadataIR,
    MethodIR,
    PageIR,
    Param,
    SessionGlobal,
    SessionTest,
    SourceKind,
    SourceSite,
    Span,
    Stmt,
    TemplateBinding,
    TriggerIR,
    UnfollowedCall,
    UrlUse,
    client_value,
    field_assignments,
    initialiser_method,
    page_response_parts,
    resource_script,
)
from apexlint.model.catalog import ASYNC_INTERFACES, strip_system
from apexlint.records import frozen


@frozen
class MethodInfo:
    """A method of the package with where it lives. `id` is unique and stable."""

    id: str
    owner: str  # class name, or "trigger:<name>"
    method: MethodIR
    path: str
    cls: ClassIR | None = None
    trigger: TriggerIR | None = None

    @property
    def label(self) -> str:
        owner = self.cls.display if self.cls else (self.trigger.display if self.trigger else self.owner)
        if self.method.kind == "constructor":
            return f"{owner} constructor"
        if self.method.kind == "trigger":
            return f"trigger {owner}"
        if self.method.kind == "initializer":
            return f"{owner} initializer"
        return f"{owner}.{self.method.display}"

    @property
    def bound_property(self) -> str:
        """The property a page reads through this method as `{!x}` (a `get { }` accessor of `x`,
        or a `getX()` method), "" for none."""
        m = self.method
        if m.kind == "getter":
            return m.name[4:]
        return m.name[3:] if m.kind == "method" and m.name.startswith("get") else ""

    @property
    def is_static(self) -> bool:
        return "static" in self.method.modifiers


# A field of this name hides System.UserInfo in the classes that inherit it (`PackageModel.
# _drop_shadowed_sources`): a walk over every class's fields that `apexlint.reuse` accounts for.
SHADOWING_FIELD = "userinfo"


def base_type(type_name: str) -> str:
    """`List<Account>` -> `list`, `String[]` -> `list`, `System.HttpRequest` -> `httprequest`."""
    t = type_name.strip().lower()
    if t.endswith("[]"):
        return "list"
    if "<" in t:
        t = t[: t.index("<")]
    return strip_system(t)


def element_type(type_name: str) -> str:
    """The element type of a collection type (`List<X>`, `X[]`, `Map<K, V>` values)."""
    t = type_name.strip().lower()
    if t.endswith("[]"):
        return t[:-2]
    if "<" in t and t.endswith(">"):
        args = t[t.index("<") + 1: -1]
        depth, parts, cur = 0, [], ""
        for ch in args:
            if ch == "<":
                depth += 1
            elif ch == ">":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        parts.append(cur)
        return parts[-1].strip()
    return ""


_V = TypeVar("_V")


class Lookups:
    """What the analysis asked the model for: the keys it looked up in `classes`, `methods` and
    `by_class` (hits and misses), the files whose methods it asked for by position, and whether
    it went through one of them in a way no one accounted for (`walked`).

    `apexlint.reuse` trusts a changed declaration of a class only if the analysis asked about
    the class in none of these ways: then no answer it had depends on the declaration, apart
    from those of the walks over the whole package that go through `PackageModel.every_method`
    and `every_class`, which reuse accounts for one by one, and of reading class headers (which
    reuse requires to be the same)."""

    def __init__(self) -> None:
        self.classes: set[str] = set()  # keys of `classes` and `by_class`
        self.methods: set[str] = set()  # keys of `methods`
        self.paths: set[str] = set()
        self.walked = False

    def asked_classes(self) -> frozenset[str]:
        """The classes asked about: by name, or through the id of one of their methods."""
        return frozenset(self.classes) | frozenset(m.rpartition(".")[0] for m in self.methods
                                                   if not m.startswith("trigger:"))


class Recorded(dict[str, _V]):
    """A dict that notes every key whose value it is asked for (into `noted`) and every walk over
    it (in `lookups.walked`). Building the model fills it before anything is noted. Whether it
    holds a key (`in`) is not noted: reuse trusts no change in which classes there are."""

    __slots__ = ("lookups", "noted")

    def __init__(self, lookups: Lookups, noted: set[str]) -> None:
        super().__init__()
        self.lookups = lookups
        self.noted = noted

    def __getitem__(self, key: str) -> _V:
        self.noted.add(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: _V | None = None) -> _V | None:  # type: ignore[override]
        self.noted.add(key)
        return dict.get(self, key, default)

    def __iter__(self) -> Iterator[str]:
        self.lookups.walked = True
        return dict.__iter__(self)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self.lookups.walked = True
        return dict.keys(self)

    def values(self) -> ValuesView[_V]:  # type: ignore[override]
        self.lookups.walked = True
        return dict.values(self)

    def items(self) -> ItemsView[str, _V]:  # type: ignore[override]
        self.lookups.walked = True
        return dict.items(self)


def resolve_type(classes: Container[str], namespace: str, name: str, context: str | None = None) -> str | None:
    """Which of `classes` (the package's) a (possibly inner, namespaced or `System.`) type name
    means in class `context`."""
    if not name:
        return None
    n = base_type(name) if ("<" in name or name.endswith("[]")) else name.lower()
    if namespace and n.startswith(namespace + "."):
        n = n[len(namespace) + 1:]
    if context is not None:
        outer = context
        while outer:
            candidate = f"{outer}.{n}"
            if candidate in classes:
                return candidate
            outer = outer.rpartition(".")[0]
    if n in classes:
        return n
    return None


_AURA_ACTION = client_value("aura", "")  # an Aura script's action of its bundle's controller: `client:aura:relay`
# How a path's first step says a script got a session out of a package page it requested
# (`PackageModel.page_response_sessions`): "rendered by Visualforce page ApiSession, read by ..."
PAGE_READ = "rendered by Visualforce page "


@dataclass
class PackageModel:
    namespace: str
    lookups: Lookups = field(default_factory=Lookups, repr=False, compare=False)
    classes: dict[str, ClassIR] = field(default_factory=dict)
    methods: dict[str, MethodInfo] = field(default_factory=dict)
    by_class: dict[str, dict[str, list[MethodInfo]]] = field(default_factory=dict)
    triggers: list[TriggerIR] = field(default_factory=list)
    pages: dict[str, PageIR] = field(default_factory=dict)
    # ("page" | "component", name) -> its form: pages and components apart, where `pages` keeps
    # the first (by path) of a name
    views: dict[tuple[str, str], PageIR] = field(default_factory=dict)
    metadata: list[MetadataIR] = field(default_factory=list)
    url_uses: list[UrlUse] = field(default_factory=list)
    # what Aura bundles' scripts set on their components' attributes (`component.set('v.details', x)`,
    # uses named `bound:v.details`): the bundle's other scripts read it back (`analyses.client`)
    attribute_sets: list[UrlUse] = field(default_factory=list)
    sources: dict[str, SourceSite] = field(default_factory=dict)
    subtypes: dict[str, set[str]] = field(default_factory=dict)  # type -> package classes below it
    # (object, field), lower case, of the formula fields that hold the session -> their sources
    formula_sessions: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    # (controller class, property) -> (source id, tag) of the page sessions an
    # `<apex:actionFunction>` or a command link or button posts into it
    posted_sessions: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # (controller class, request parameter) -> (source id, tag, action method ids) of the page
    # sessions a command link or button posts back as that parameter (`<apex:param name="sid">`);
    # the action's methods in the page's classes, () when the action is not known
    posted_params: dict[tuple[str, str], tuple[tuple[str, str, tuple[str, ...]], ...]] = field(default_factory=dict)
    # @RemoteAction method id -> (parameter index, source id, how): sessions page scripts pass it,
    # and (@AuraEnabled too) those of the package pages whose responses scripts pass it; `how` says
    # how, as a step of the path before the method's name ("passed by JavaScript remoting to")
    remoted_sessions: dict[str, tuple[tuple[int, str, str], ...]] = field(default_factory=dict)
    # (script, `[ns.]class.method`, parameter, stand-in): what Lightning web components pass the
    # Apex methods they import (`FileIR.apex_args`)
    apex_args: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (sObject, field) -> sessions the package stores there (page scripts' Remote Objects writes;
    # DML of a record holding one, added by the analysis, `pipeline.analyse`): what reads the
    # field back reads them
    stored_sessions: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    # an Aura bundle's folder (`.../aura/SyncCmp`) -> the Apex controller its markup names
    aura_controllers: dict[str, str] = field(default_factory=dict)
    # an Aura bundle's folder -> (helper method, argument index) -> the stand-ins its controller
    # passes there (`helper.push(component, response.getReturnValue())`)
    aura_helper_args: dict[str, dict[tuple[str, int], set[str]]] = field(default_factory=dict)
    # (a component module's name in lower case, an exported function, argument index) -> (calling
    # script, the module as it writes it) -> the stand-ins it passes there (`send(sid)` after
    # `import { send } from 'c/api'`)
    module_args: dict[tuple[str, str, int], dict[tuple[str, str], set[str]]] = field(default_factory=dict)
    # (a component module's name in lower case, an exported function) -> the module's script ->
    # the stand-ins of what Apex handed it that the function returns (`return getSid()`)
    module_returns: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)
    # an Aura bundle's folder -> the component its markup extends, `ns:name` lower case ("c:base")
    aura_extends: dict[str, str] = field(default_factory=dict)
    # an Aura bundle's folder -> the names of its helper's methods
    aura_helper_methods: dict[str, frozenset[str]] = field(default_factory=dict)
    # a session's id -> where scripts only ask about it (`if (sid)`, `sid == null`)
    session_tests: dict[str, list[SessionTest]] = field(default_factory=dict)
    # a session's id -> where scripts hand it to calls the flow does not follow (`MyLib.check(sid)`)
    unfollowed_calls: dict[str, list[UnfollowedCall]] = field(default_factory=dict)
    # a session's id -> the page globals its scripts keep it in (`var token = '{!$Api.Session_ID}'`)
    session_globals: dict[str, list[SessionGlobal]] = field(default_factory=dict)
    # the package's static resource scripts, as pages load them (`ir.resource_script`): followed
    # with what the pages that load them keep in their globals
    resource_scripts: set[str] = field(default_factory=set)
    _by_path: dict[str, list[MethodInfo]] | None = field(default=None, repr=False, compare=False)
    _pages_by_path: dict[str, PageIR] | None = field(default=None, repr=False, compare=False)
    _page_refs: dict[str, set[str]] | None = field(default=None, repr=False, compare=False)
    _emitting: dict[str, tuple[PageIR, ...]] = field(default_factory=dict, repr=False, compare=False)
    # the rendered session merge fields of each file that has one (`page_response_sessions`)
    _rendered: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)
    # Lowers a body the workers left as a BodyRef (lower/lazy.py), the first time it is read.
    bodies: Callable[[BodyRef], tuple[tuple[Stmt, ...], tuple[Param, ...]]] | None = field(
        default=None, repr=False, compare=False)
    _lowered: dict[str, tuple[tuple[Stmt, ...], tuple[Param, ...]]] = field(default_factory=dict, repr=False,
                                                                          compare=False)
    _dispatched: dict[tuple[str, str, int], list[MethodInfo]] = field(default_factory=dict, repr=False,
                                                                      compare=False)
    _field_tables: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)
    _labels: dict[str, LabelIR] | None = field(default=None, repr=False, compare=False)

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def build(cls, files: Iterable[FileIR], namespace: str,
              bodies: Callable[[BodyRef], tuple[tuple[Stmt, ...], tuple[Param, ...]]] | None = None) -> PackageModel:
        scratch = Lookups()  # what building asks is not what the analysis asks
        model = cls(namespace=namespace.lower(), lookups=scratch, classes=Recorded(scratch, scratch.classes),
                    methods=Recorded(scratch, scratch.methods), by_class=Recorded(scratch, scratch.classes),
                    bodies=bodies)
        bindings: dict[str, list[TemplateBinding]] = {}  # bundle folder -> its templates' URL bindings
        page_stored: list[tuple[str, str, str]] = []
        for f in sorted(files, key=lambda f: f.path):
            page_stored.extend(f.stored_fields)
            for c in f.classes:
                model.classes.setdefault(c.name, c)
            model.triggers.extend(f.triggers)
            for p in f.pages:
                model.pages.setdefault(p.name, p)
                model.views.setdefault(("component" if p.path.lower().endswith(".component") else "page", p.name), p)
            model.metadata.extend(f.metadata)
            model.url_uses.extend(f.url_uses)
            if f.template_bindings:
                bindings.setdefault(f.path.rpartition("/")[0], []).extend(f.template_bindings)
            if f.aura_controller:
                model.aura_controllers.setdefault(f.path.rpartition("/")[0], f.aura_controller)
            if f.aura_extends:
                model.aura_extends.setdefault(f.path.rpartition("/")[0], f.aura_extends)
            if f.aura_helper_methods:
                model.aura_helper_methods.setdefault(f.path.rpartition("/")[0], frozenset(f.aura_helper_methods))
            for test in f.session_tests:
                model.session_tests.setdefault(test.source_id, []).append(test)
            for call in f.unfollowed_calls:
                model.unfollowed_calls.setdefault(call.source_id, []).append(call)
            for held in f.session_globals:
                model.session_globals.setdefault(held.source_id, []).append(held)
            model.apex_args.extend((f.path, *passed) for passed in f.apex_args)
            for module, function, index, stand_in in f.module_args:  # by the calling script
                model.module_args.setdefault((module.lower(), function, index), {}).setdefault(
                    (f.path, module), set()).add(stand_in)
            for function, stand_in in f.module_returns:  # by the module's script
                module = f.path.rpartition("/")[0].rpartition("/")[2].lower()
                model.module_returns.setdefault((module, function), {}).setdefault(f.path, set()).add(stand_in)
            if f.kind is FileKind.JAVASCRIPT and (script := resource_script(f.path)) is not None:
                model.resource_scripts.add(script)
            for method, index, stand_in in f.aura_helper_args:
                model.aura_helper_args.setdefault(f.path.rpartition("/")[0], {}).setdefault(
                    (method, index), set()).add(stand_in)
            for s in f.sources:
                model.sources[s.id] = s
        model.attribute_sets = [u for u in model.url_uses if u.sink.startswith(AURA_ATTRIBUTE_SET)]
        model.url_uses = _bind_template_uses(model.url_uses, bindings)
        for name in sorted(model.classes):
            model._add_class_methods(model.classes[name])
        for t in model.triggers:
            info = MethodInfo(id=f"trigger:{t.name}", owner=f"trigger:{t.name}", method=t.body,
                              path=t.path, trigger=t)
            model.methods[info.id] = info
        model._index_subtypes()
        model._drop_shadowed_sources()
        model._index_formula_sessions()
        model._index_page_stored(page_stored)
        model._index_posted_sessions()
        model._index_remoted_sessions()
        model._record(Lookups())
        return model

    def _record(self, lookups: Lookups) -> None:
        """Note what is asked from now on in `lookups`."""
        self.lookups = lookups
        for table, noted in ((self.classes, lookups.classes), (self.methods, lookups.methods),
                             (self.by_class, lookups.classes)):
            if isinstance(table, Recorded):
                table.lookups, table.noted = lookups, noted

    def _add_class_methods(self, c: ClassIR) -> None:
        table = self.by_class.setdefault(c.name, {})
        counts: dict[str, int] = {}
        methods = list(c.methods)
        init = _field_initializer(c)
        if init is not None:
            methods.append(init)
        for m in methods:
            n = counts.get(m.name, 0)
            counts[m.name] = n + 1
            info = MethodInfo(id=f"{c.name}.{m.name}" + (f"#{n}" if n else ""), owner=c.name, method=m,
                              path=c.path, cls=c)
            self.methods[info.id] = info
            table.setdefault(m.name, []).append(info)

    def every_method(self) -> ValuesView[MethodInfo]:
        """Every method, as built, without noting a walk (see `Lookups`): for the walks over the
        whole package that `apexlint.reuse` accounts for. Another walk goes through `methods`
        itself, and is noted."""
        return dict.values(self.methods)

    def every_class(self) -> ValuesView[ClassIR]:
        """Every class, as built, without noting a walk (as `every_method`)."""
        return dict.values(self.classes)

    def _index_subtypes(self) -> None:
        for name in sorted(self.classes):
            seen: set[str] = set()
            for sup in self.supertypes(name):
                if sup in seen:
                    continue
                seen.add(sup)
                self.subtypes.setdefault(sup, set()).add(name)

    def _index_formula_sessions(self) -> None:
        """Formula fields whose formula reads the session (`$Api.Session_ID`): a query that
        selects one reads a session (SPEC lists formula fields among the sources)."""
        found: dict[tuple[str, str], list[str]] = {}
        for sid, src in sorted(self.sources.items()):
            key = _formula_field(src)
            if key is None:
                continue
            for name in self._spellings(key[1]):
                found.setdefault((key[0], name), []).append(sid)
        self.formula_sessions = {k: tuple(v) for k, v in found.items()}

    def _index_page_stored(self, stored: list[tuple[str, str, str]]) -> None:
        """The record fields page scripts save a session in (`FileIR.stored_fields`): what Apex
        reads back from them holds it, as from a field Apex DML stored one in (the analysis adds
        those, `pipeline.analyse`). A page names an object and field with or without the package's
        namespace, as Apex may: each is known by both names."""
        found: dict[tuple[str, str], set[str]] = {}
        for sobject, name, sid in stored:
            if sid not in self.sources:
                continue
            for key in itertools.product(self._spellings(sobject), self._spellings(name)):
                found.setdefault(key, set()).add(sid)
        self.stored_sessions = {k: tuple(sorted(v)) for k, v in sorted(found.items())}

    def _spellings(self, name: str) -> set[str]:
        """A custom object's or field's API name, lower case, with and without a namespace prefix
        (`ns__Sid__c`, `Sid__c`): the package's namespace, or the one a name is written with."""
        name = name.lower()
        names = {name}
        _, _, rest = name.partition("__")
        if "__" in rest:
            names.add(rest)
        elif self.namespace and rest:
            names.add(f"{self.namespace}__{name}")
        return names

    def _index_posted_sessions(self) -> None:
        """Controller properties a page's `<apex:actionFunction>`, command link or button posts a
        session into (its `<apex:param assignTo>`): what the controller reads there is the page's
        session. Likewise the request parameters a command link or button posts one back as
        (`<apex:param name>`), by each class the page binds to and their superclasses: the action
        that runs reads them from `ApexPages.currentPage().getParameters()`."""
        found: dict[tuple[str, str], list[tuple[str, str]]] = {}
        params: dict[tuple[str, str], list[tuple[str, str, tuple[str, ...]]]] = {}
        for page in sorted(self.pages.values(), key=lambda p: p.path):
            for prop, sid, tag in page.posted_args:
                owner = self.page_property_owner(page.path, prop)
                if owner is not None and sid in self.sources:
                    found.setdefault((owner, prop), []).append((sid, tag))
            if not page.posted_params:
                continue
            classes = dict.fromkeys(sup for cls in self.page_classes(page.path)
                                    for sup in (cls, *self.supertypes(cls)) if sup in self.classes)
            for name, sid, tag, action in page.posted_params:
                if sid in self.sources:
                    actions = tuple(i.id for cls in classes for i in self.by_class.get(cls, {}).get(action, [])
                                    if not i.method.params) if action else ()
                    for cls in classes:
                        params.setdefault((cls, name), []).append((sid, tag, actions))
        self.posted_sessions = {k: tuple(dict.fromkeys(v)) for k, v in found.items()}
        self.posted_params = {k: tuple(dict.fromkeys(v)) for k, v in params.items()}

    def _index_remoted_sessions(self) -> None:
        """`@RemoteAction` methods a page's scripts pass a session to (`Ctrl.m(sid, cb)`,
        `invokeAction('{!$RemoteAction.Ctrl.m}', sid, cb)`), by parameter: what the method does
        with that parameter, the page's session does. Likewise the `@AuraEnabled` methods a
        Lightning web component passes a package page's response to (`relay({apiSessionId:
        data.sid})` after `fetch('/apex/ApiSession')`): the sessions that page renders."""
        found: dict[str, set[tuple[int, str, str]]] = {}
        for page in sorted(self.pages.values(), key=lambda p: p.path):
            for action, index, sid in page.remoted_args:
                owner, _, name = action.rpartition(".")
                cls = self.resolve_class(owner) if owner else None
                sessions = {s: f"{how}, passed by JavaScript remoting to" for s, how in
                            self.page_response_sessions(sid, page.path).items()} if sid.startswith(PAGE_RESPONSE) \
                    else {sid: "passed by JavaScript remoting to"} if sid in self.sources else {}
                if cls is None or not sessions:
                    continue
                for info in self.by_class.get(cls, {}).get(name, []):
                    if "remoteaction" in info.method.annotations and index < len(info.method.params):
                        found.setdefault(info.id, set()).update((index, s, how) for s, how in sessions.items())
        for script, action, parameter, stand_in in self.apex_args:
            owner, _, name = action.rpartition(".")
            if action.startswith(_AURA_ACTION):  # an Aura action: of the controller the bundle names
                owner, name = self.aura_controllers.get(script.rpartition("/")[0], ""), action[len(_AURA_ACTION):]
            cls = self.resolve_class(owner) if owner else None
            sessions = self.page_response_sessions(stand_in, script) if cls is not None else {}
            for info in self.by_class.get(cls, {}).get(name, []) if sessions and cls is not None else ():
                at = next((i for i, p in enumerate(info.method.params) if p.name == parameter), None)
                if "auraenabled" in info.method.annotations and at is not None:
                    found.setdefault(info.id, set()).update((at, s, f"{how}, passed to") for s, how in sessions.items())
        self.remoted_sessions = {k: tuple(sorted(v)) for k, v in sorted(found.items())}

    def page_response_sessions(self, stand_in: str, script: str) -> dict[str, str]:
        """The sessions a script's request of a package page gets (`ir.page_response`), each with
        how, as a step says it ("rendered by Visualforce page ApiSession, read by sender.js with
        fetch"): the session merge fields of the page's output (its own, its components'
        and included pages', as `getContent()` reads them). None for a page the package does not
        hold, a name in another package's namespace, or a page that renders no session."""
        written, how = page_response_parts(stand_in)
        prefix, _, name = written.rpartition("__")
        if prefix and self.namespace and prefix != self.namespace:
            return {}  # another package's page; with no namespace declared, the package's may be named so
        page = self.page_named(name)
        if page is None:
            return {}
        if self._rendered is None:
            self._rendered = {}
            for s in sorted(self.sources.values(), key=lambda s: s.id):
                if s.kind is SourceKind.MERGE_FIELD and not s.context.startswith(NOT_RENDERED):
                    self._rendered.setdefault(s.path, []).append(s.id)
        label = f"{PAGE_READ}{page.display}, read by {PurePosixPath(script).name} with {how}"
        return {sid: label for view in self.emitting_views(page) for sid in self._rendered.get(view.path, ())}

    def _drop_shadowed_sources(self) -> None:
        """A package class named UserInfo shadows System.UserInfo for unqualified calls; so does
        a field named `userInfo` a class inherits from a package superclass (its own fields, its
        locals and parameters are told apart at lowering: `_FileLowering._variable_named`)."""
        unqualified = [k for k, s in self.sources.items() if s.context == "UserInfo"]
        if "userinfo" in self.classes:
            for sid in unqualified:
                del self.sources[sid]
            return
        if not any(f.name == SHADOWING_FIELD for c in self.every_class() for f in c.fields):
            return
        for sid in unqualified:
            cls = self._source_class(self.sources[sid].owner)
            if cls is not None and any(self._declares_field(sup, SHADOWING_FIELD) for sup in self.supertypes(cls)):
                del self.sources[sid]

    def _source_class(self, owner: str) -> str | None:
        """The package class a source's owner (`outer.inner.method`) is in, if one."""
        cls = owner
        while cls and cls not in self.classes:
            cls = cls.rpartition(".")[0]
        return cls or None

    def _declares_field(self, cls: str, name: str) -> bool:
        c = self.classes.get(cls)
        return c is not None and any(f.name == name for f in c.fields)

    # -- bodies --------------------------------------------------------------------------------
    def body(self, info: MethodInfo) -> tuple[Stmt, ...]:
        """A method's statements, lowered now if the workers left them for later."""
        return self._body_and_locals(info)[0]

    def locals_of(self, info: MethodInfo) -> tuple[Param, ...]:
        """Every local of a method with its declared type."""
        return self._body_and_locals(info)[1]

    def _body_and_locals(self, info: MethodInfo) -> tuple[tuple[Stmt, ...], tuple[Param, ...]]:
        lowered = info.method.lowered
        if lowered is not None:
            return lowered
        found = self._lowered.get(info.id)
        if found is None:
            ref = info.method.code
            assert isinstance(ref, BodyRef)
            if self.bodies is None:
                raise RuntimeError(f"{info.label}: its body was left for later and no body loader was given")
            found = self._lowered[info.id] = self.bodies(ref)
        return found

    # -- questions ------------------------------------------------------------------------------
    def resolve_class(self, name: str, context: str | None = None) -> str | None:
        """Which package class a (possibly inner, namespaced or `System.`) type name means."""
        return resolve_type(self.classes, self.namespace, name, context)

    def supertypes(self, cls: str) -> list[str]:
        """Superclasses and interfaces of a package class, transitively (package and system)."""
        out: list[str] = []
        todo = [cls]
        seen = {cls}
        while todo:
            c = self._header(todo.pop(0))
            if c is None:
                continue
            for sup in ([c.superclass] if c.superclass else []) + list(c.interfaces):
                resolved = self.resolve_class(sup, c.outer or c.name) or base_type(sup)
                if resolved not in seen:
                    seen.add(resolved)
                    out.append(resolved)
                    todo.append(resolved)
        return out

    def superclass_chain(self, cls: str) -> list[str]:
        chain = [cls]
        c = self._header(cls)
        while c is not None and c.superclass:
            sup = self.resolve_class(c.superclass, c.outer or c.name)
            if sup is None or sup in chain:
                break
            chain.append(sup)
            c = self._header(sup)
        return chain

    def _header(self, cls: str) -> ClassIR | None:
        """A class, for its header only (name, outer class, superclass, interfaces): not noted as
        asked for (see `Lookups`), since reuse trusts no change in a header."""
        return dict.get(self.classes, cls)

    def async_interface_methods(self, cls: str) -> tuple[str, ...]:
        """Method names the platform runs asynchronously for this class (Batchable, Queueable...)."""
        names: list[str] = []
        for sup in self.supertypes(cls):
            names.extend(ASYNC_INTERFACES.get(sup, ()))
        return tuple(names)

    def field_type(self, cls: str, name: str) -> str | None:
        for c in self.superclass_chain(cls):
            declared = self._declared_fields(c).get(name)
            if declared is not None:
                return declared
        return None

    def field_owner(self, cls: str, name: str) -> str | None:
        """The class (in `cls`'s superclass chain or its outer classes) that declares field `name`."""
        candidates = list(self.superclass_chain(cls))
        outer = cls.rpartition(".")[0]
        while outer:
            candidates.append(outer)
            outer = outer.rpartition(".")[0]
        for c in candidates:
            if name in self._declared_fields(c):
                return c
        return None

    def _declared_fields(self, cls: str) -> dict[str, str]:
        """Field name -> type (the first declaration) of a package class; empty for others. The
        data flow asks who declares a field thousands of times (apex-mdapi: 13,641), and a
        WSDL2Apex class declares dozens."""
        table = self._field_tables.get(cls)
        if table is None:
            table = {}
            ci = self.classes.get(cls)
            for f in ci.fields if ci is not None else ():
                table.setdefault(f.name, f.type)
            self._field_tables[cls] = table
        return table

    def methods_named(self, cls: str, name: str, arity: int) -> list[MethodInfo]:
        """The nearest declaration of `name`/`arity` up the superclass chain of `cls`."""
        for c in self.superclass_chain(cls):
            found = [m for m in self.by_class.get(c, {}).get(name, []) if len(m.method.params) == arity]
            if found:
                return found
        return []

    def subscriber_overridable(self, cls: str, name: str, arity: int) -> str:
        """Why code outside the package can supply the method `name` a call on a `cls` runs, or
        "": a `global` interface (a subscriber implements it), or a `global virtual`/`abstract`
        class whose method is `global` and `virtual`, `abstract` or an `override` (a subscriber
        extends the class and overrides it). A `public` type cannot be implemented or extended
        outside its package, so its implementations are all among the package's classes."""
        c = self.classes.get(cls)
        if c is None or "global" not in c.modifiers:
            return ""
        if c.kind == "interface":
            return "global interface"
        if c.kind != "class" or not {"virtual", "abstract"} & c.modifiers:
            return ""
        for m in self.methods_named(cls, name, arity):
            mods = m.method.modifiers
            if "global" in mods and {"virtual", "abstract", "override"} & mods:
                return f"global {'abstract' if 'abstract' in mods else 'virtual'} method"
        return ""

    def dispatch(self, cls: str, name: str, arity: int) -> list[MethodInfo]:
        """Virtual dispatch: the declaration in `cls` and every override in its subtypes."""
        key = (cls, name, arity)
        hit = self._dispatched.get(key)
        if hit is None:
            hit = self._dispatched[key] = self._dispatch(cls, name, arity)
        return list(hit)

    def _dispatch(self, cls: str, name: str, arity: int) -> list[MethodInfo]:
        found = list(self.methods_named(cls, name, arity))
        for sub in sorted(self.subtypes.get(cls, ())):
            for m in self.by_class.get(sub, {}).get(name, []):
                if len(m.method.params) == arity and m not in found:
                    found.append(m)
        return found

    def method_at(self, path: str, span: Span) -> MethodInfo | None:
        """The innermost method of `path` whose body contains `span` (overloads share names)."""
        self.lookups.paths.add(path)
        if self._by_path is None:
            self._by_path = {}
            for info in self.every_method():
                self._by_path.setdefault(info.path, []).append(info)
        best: MethodInfo | None = None
        for info in self._by_path.get(path, ()):
            body = info.method.body_span
            if info.method.name == "<fields>":
                continue
            if body.contains(span) and (best is None or (body.start_line, body.start_col) >=
                           (best.method.body_span.start_line, best.method.body_span.start_col)):
                best = info
        return best

    def evaluating_method(self, path: str, span: Span) -> MethodInfo | None:
        """The method whose run evaluates the code at `span`: the innermost method around it, else
        the field initialisers of the class whose field initialiser holds it."""
        info = self.method_at(path, span)
        if info is not None:
            return info
        # lowered initialisers first: those left for later hold no source (`ir.FieldIR.deferred`),
        # and a file of a thousand WSDL2Apex classes would have them all lowered to find one
        inits = [i for i in (self._by_path or {}).get(path, ()) if i.method.name == "<fields>"]
        for init in sorted(inits, key=lambda i: isinstance(i.method.code, BodyRef)):
            if any(isinstance(s, Assign) and s.value.span.contains(span) for s in self.body(init)):
                return init
        return None

    def page_property_owner(self, path: str, prop: str) -> str | None:
        """The class that declares the property `{!prop}` reads on the page (or component) at
        `path`: its extensions first, then its standard-less controller, as Visualforce looks."""
        for cls in self.page_classes(path):
            owner = self.field_owner(cls, prop)
            if owner is not None:
                return owner
        return None

    def page_member(self, path: str, prop: str) -> tuple[list[MethodInfo], tuple[str, str] | None] | None:
        """What `{!prop}` reads on the page (or component) at `path`, in the first of its classes
        that has it (as Visualforce looks): the getters (`get { ... }` or `getProp()`, no
        parameters), else the property's field as (declaring class, name); None when none has it."""
        for cls in self.page_classes(path):
            members = self.by_class.get(cls, {})
            getters = [g for g in (*members.get(f"get:{prop}", ()), *members.get(f"get{prop}", ()))
                       if not g.method.params]
            owner = self.field_owner(cls, prop)
            if getters or owner is not None:
                return getters, (owner, prop) if owner is not None else None
        return None

    def page_named(self, name: str) -> PageIR | None:
        """The package's Visualforce page `name` (lower case, without a namespace), not a component."""
        return self.views.get(("page", name))

    def emitting_views(self, page: PageIR) -> tuple[PageIR, ...]:
        """The page itself and the components, included pages and templates it renders, all the
        way down, that print a session merge field: what the page's output holds comes from
        them. Page first, then in markup order; each once (a component that renders itself,
        or two pages that include each other, end there)."""
        found = self._emitting.get(page.path)
        if found is not None:
            return found
        out: list[PageIR] = []
        seen: set[str] = set()
        stack = [page]
        while stack:
            view = stack.pop()
            if view.path in seen:
                continue
            seen.add(view.path)
            if view.emits_session:
                out.append(view)
            stack.extend(reversed(self._embedded(view)))
        self._emitting[page.path] = found = tuple(out)
        return found

    def _embedded(self, view: PageIR) -> list[PageIR]:
        """The package's components and pages `view` renders: `<c:X>` and `<ns:X>` of the
        package's namespace; pages by their own names, whatever the namespace they are named in
        (as `Page.ns__X` is read)."""
        out = []
        for kind, name in view.embeds:
            if kind == "component":
                prefix, _, name = name.partition(":")
                if prefix != "c" and prefix != self.namespace:
                    continue  # a standard namespace's (`chatter:feed`) or another package's
            elif "__" in name:
                name = name.split("__", 1)[1]
            found = self.views.get((kind, name))
            if found is not None:
                out.append(found)
        return out

    def page_at(self, path: str) -> PageIR | None:
        """The page or component whose file is `path`."""
        if self._pages_by_path is None:
            self._pages_by_path = {p.path: p for p in self.pages.values()}
        return self._pages_by_path.get(path)

    def page_classes(self, path: str) -> list[str]:
        """The package classes the page (or component) at `path` binds to: its extensions first,
        then its standard-less controller, the order Visualforce looks a name up in."""
        page = self.page_at(path)
        names = (*page.extensions, page.controller) if page is not None else ()
        return [cls for name in names if name and (cls := self.resolve_class(name)) is not None]

    def foreign_page_classes(self, path: str, action: str = "") -> list[str]:
        """The controller and extensions the page (or component) at `path` names that the package
        does not hold (another package's `ns.Controller`, as written), when the method its command's
        `action` (`{!refresh}`) names is in none of the classes it does hold: that action runs in
        code apexlint does not have, with whatever the command posts back."""
        page = self.page_at(path)
        if page is None:
            return []
        missing = [name for name in (*page.extensions, page.controller) if name and self.resolve_class(name) is None]
        method = action.strip().removeprefix("{!").removesuffix("}").strip().lower()
        if not missing or (method and any(method in self.by_class.get(sup, {})
                                          for cls in self.page_classes(path)
                                          for sup in (cls, *self.supertypes(cls)))):
            return []
        return missing

    def page_bound(self, info: MethodInfo) -> bool:
        """Whether a page or component runs this method: a constructor of a class it binds to,
        or a method or property getter its merge fields name (`{!frameUrl}`, `action="{!save}"`)."""
        if self._page_refs is None:
            self._page_refs = {}
            for page in self.pages.values():
                for cls in self.page_classes(page.path):
                    self._page_refs.setdefault(cls, set()).update(r.lower() for r in page.merge_refs)
        refs = self._page_refs.get(info.owner)
        if refs is None:
            return False
        m = info.method
        return m.kind == "constructor" or m.name.lower() in refs or info.bound_property.lower() in refs

    def canvas_endpoint(self, name: str) -> str | None:
        """The canvas URL of the package's connected app `name` (an `<apex:canvasApp>`'s app)."""
        return self._metadata_endpoint("ConnectedApp", name)

    def named_credential_endpoint(self, name: str) -> str | None:
        return self._metadata_endpoint("NamedCredential", name)

    def custom_label(self, name: str) -> LabelIR | None:
        """The package's custom label `name` (any case; `ns__X` of the package's namespace too, as
        a page names it), None for a label the package does not hold (another package's, the
        subscriber's): its value is not known. The first file's, by path, where two hold one."""
        if self._labels is None:
            self._labels = {}
            for md in self.metadata:
                for label in md.labels:
                    self._labels.setdefault(label.name.lower(), label)
        n = name.lower()
        if self.namespace and n.startswith(self.namespace + "__"):
            n = n[len(self.namespace) + 2:]
        return self._labels.get(n)

    def _metadata_endpoint(self, kind: str, name: str) -> str | None:
        """The URL the package's metadata `kind` named `name` (with or without the package's
        namespace prefix) points at, if the package holds it."""
        n = name.lower()
        if self.namespace and n.startswith(self.namespace + "__"):
            n = n[len(self.namespace) + 2:]
        return next((md.endpoint for md in self.metadata if md.type == kind and md.full_name.lower() == n), None)


def _formula_field(src: SourceSite) -> tuple[str, str] | None:
    """(object, field), lower case, of a session merge field in a custom field's formula."""
    named = formula_field_name(src)
    return (named[0].lower(), named[1].lower()) if named is not None else None


def formula_field_name(src: SourceSite) -> tuple[str, str] | None:
    """(object, field), as the package spells them, of a session merge field in a custom field's
    formula: in an SFDX `objects/<Object>/fields/<Field>.field-meta.xml` or an mdapi
    `objects/<Object>.object`."""
    if src.kind != SourceKind.MERGE_FIELD or src.context.rpartition("/")[2] != "formula" or not src.owner:
        return None
    parts = src.path.split("/")
    if len(parts) >= 4 and parts[-4] == "objects" and parts[-2] == "fields" and parts[-1].endswith(".field-meta.xml"):
        return parts[-3], src.owner
    if len(parts) >= 2 and parts[-2] == "objects" and parts[-1].endswith(".object"):
        return parts[-1][: -len(".object")], src.owner
    return None


def _field_initializer(c: ClassIR) -> MethodIR | None:
    """Field initialisers as one synthetic method, so the analyses see them as assignments."""
    body = field_assignments(c.name, c.fields)
    if not body:
        return None  # none, or lowering left them for later and made the method (ir.FieldIR.deferred)
    return initialiser_method(c.span, c.is_test, c.fields, (body, ()))


AURA_ATTRIBUTE_SET = f"{BOUND_PREFIX}v."  # a use of what a script sets on an Aura attribute


def _bind_template_uses(uses: list[UrlUse], bindings: dict[str, list[TemplateBinding]]) -> list[UrlUse]:
    """The uses with each value a component's script sets on a property or attribute
    (`ir.BOUND_PREFIX`) replaced by a use of the URL its bundle's template binds it into (the
    browser loads, opens or posts to it), and dropped where no template binds it into a URL."""
    out: list[UrlUse] = []
    for use in uses:
        if not use.sink.startswith(BOUND_PREFIX):
            out.append(use)
            continue
        name = use.sink[len(BOUND_PREFIX):]
        for binding in bindings.get(use.path.rpartition("/")[0], ()):
            if binding.name == name:
                out.append(replace(use, sink=binding.sink, url=binding.url.replace("{" + name + "}", use.url)))
    return out
