"""Call resolution, the package call graph, and reachability from async entry points.

A call resolves to package methods (static, instance through a typed receiver, `this`/`super`,
constructors, inner classes, interface and base-type dispatch to every implementation) or
stays a *system call* `(class or type, method)` that the data flow looks up in the catalogue.
Calls that resolve to nothing known stay system calls or unknown: the data flow decides what
they mean.
"""

from __future__ import annotations

import bisect
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

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
    Opaque,
    Return,
    Soql,
    Stmt,
    Super,
    Ternary,
    This,
    Throw,
    has_ref,
)
from apexlint.model.catalog import (
    ASYNC_ANNOTATIONS,
    ASYNC_INTERFACES,
    ORG_URL_CALLS,
    async_trigger_event,
    is_static_system_call,
    strip_system,
)
from apexlint.model.package import MethodInfo, PackageModel, base_type, element_type
from apexlint.records import frozen

# Return types of system calls the resolver needs to keep typing a call chain.
_SYSTEM_RETURNS: dict[tuple[str, str], str] = {
    ("pagereference", "getparameters"): "pagereference.parameters",
    # the request being served: its Host header names the org (dataflow.py, `system_call`)
    ("apexpages", "currentpage"): "currentpage",
    ("currentpage", "getheaders"): "currentpage.headers",
    # the request's parameters: what a command link posts back (dataflow.py, `posted_parameter`)
    ("currentpage", "getparameters"): "currentpage.parameters",
    ("http", "send"): "httpresponse",
    ("type", "forname"): "type",
    ("type", "newinstance"): "object",
    ("httprequest", "getendpoint"): "string",
    ("httprequest", "getbody"): "string",
    ("httprequest", "getheader"): "string",
    ("httpresponse", "getbody"): "string",
    ("url", "toexternalform"): "string",
    ("url", "gethost"): "string",
    ("string", "valueof"): "string",
    ("string", "format"): "string",
    ("string", "join"): "string",
    ("json", "serialize"): "string",
    ("encodingutil", "urlencode"): "string",
    ("encodingutil", "base64encode"): "string",
}


def is_exception_class(model: PackageModel, cls: str) -> bool:
    """A package exception class: its message ends up in logs and error emails."""
    return any(base_type(t).endswith("exception") for t in model.supertypes(cls))


@frozen
class Resolution:
    """What a call means: package targets, or a system call, or dynamic/unknown."""

    targets: tuple[MethodInfo, ...] = ()
    system: tuple[str, str] | None = None  # (class or receiver type, method), lower case
    receiver_type: str | None = None  # static type of an instance receiver
    is_static: bool = False
    dynamic: bool = False  # dispatch apexlint cannot follow (Type.forName(...).newInstance())


class Scope:
    """Static types visible in one method: its locals, parameters, and class fields."""

    def __init__(self, model: PackageModel, info: MethodInfo) -> None:
        self.model = model
        self.info = info
        self.cls = info.cls.name if info.cls else None
        self.types: dict[str, str] = {}
        for p in info.method.params:
            self.types[p.name] = p.type
        for loc in model.locals_of(info):
            self.types.setdefault(loc.name, loc.type)
        self._resolved: dict[int, Resolution] = {}
        self._made: dict[str, frozenset[str]] | None = None

    def is_local(self, name: str) -> bool:
        return name in self.types

    def made_classes(self, name: str) -> frozenset[str]:
        """The package classes whose objects local `name` holds, when every value the method gives
        it is a `new` of one (`Client c = new OrgClient();`), or an object `JSON.deserialize` makes
        of the class it is cast to (`(Packet) JSON.deserialize(text, Packet.class)`): a virtual
        call on it runs theirs, not every implementation of its declared type. Empty for a
        parameter (a caller chooses its object) and for a local given anything else anywhere in
        the method (a loop's element, a call's result, another variable)."""
        if self._made is None:
            params = {p.name for p in self.info.method.params}
            made: dict[str, set[str] | None] = {}
            for stmt in self.model.body(self.info):
                if not isinstance(stmt, Assign) or not isinstance(stmt.target, Name) \
                        or stmt.target.name not in self.types or stmt.target.name in params:
                    continue
                value = stmt.value
                cast = value.type if isinstance(value, Cast) else None
                while isinstance(value, Cast):
                    value = value.expr
                made_type = value.type if isinstance(value, New) else cast if _deserializes(value) else None
                pc = self.model.resolve_class(made_type, self.cls) if made_type else None
                known = made.setdefault(stmt.target.name, set())
                if pc is None or known is None:
                    made[stmt.target.name] = None
                else:
                    known.add(pc)
            self._made = {n: frozenset(classes) for n, classes in made.items() if classes}
        return self._made.get(name, frozenset())

    def type_of(self, expr: Expr | None) -> str | None:
        """Static type of an expression, as far as declarations tell (lower case)."""
        m = self.model
        if expr is None:
            return None
        if isinstance(expr, Name):
            if expr.name in self.types:
                return self.types[expr.name]
            if self.cls and (ft := m.field_type(self.cls, expr.name)) is not None:
                return ft
            if self.info.trigger is not None and expr.name == "trigger":
                return "trigger"
            return None
        if isinstance(expr, This):
            return self.cls
        if isinstance(expr, Super):
            sup = m.superclass_chain(self.cls)[1:2] if self.cls else []
            return sup[0] if sup else None
        if isinstance(expr, FieldGet):
            if isinstance(expr.obj, Name) and expr.obj.name == "page" and self.class_ref(expr.obj) is None \
                    and not self.is_local("page") and self.system_ref(expr.obj) == "page":
                return "pagereference"  # `Page.X`: a reference to Visualforce page X
            cls_name = self.class_ref(expr.obj)
            if cls_name is not None:
                return self._qualified(m.field_type(cls_name, expr.name), cls_name)
            owner = self.type_of(expr.obj)
            if owner is not None and (pc := m.resolve_class(owner, self.cls)) is not None:
                return self._qualified(m.field_type(pc, expr.name), pc)
            return None
        if isinstance(expr, New):
            return expr.type
        if isinstance(expr, Cast):
            return expr.type
        if isinstance(expr, Lit):
            return "string" if expr.is_string else None
        if isinstance(expr, Binary) and expr.op == "+":
            lt, rt = self.type_of(expr.left), self.type_of(expr.right)
            return "string" if "string" in (lt, rt) else None
        if isinstance(expr, Index):
            coll = self.type_of(expr.obj)
            return element_type(coll) if coll else None
        if isinstance(expr, Call):
            r = self.resolve(expr)
            if r.targets:
                return self._qualified(r.targets[0].method.return_type or None, r.targets[0].owner)
            if r.system is not None:
                if r.system in ORG_URL_CALLS:
                    return "url"
                if r.system[1] == "get" and r.receiver_type:
                    return element_type(r.receiver_type) or None
                return _SYSTEM_RETURNS.get(r.system)
        return None

    def _qualified(self, declared: str | None, context: str | None) -> str | None:
        """A type declared in class `context` (a method's return type, a field's type), as the
        package class it names there (`MetadataPort` in `MetadataService` is
        `metadataservice.metadataport` wherever the value is used), else as declared."""
        if not declared or context is None:
            return declared
        return self.model.resolve_class(declared, context) or declared

    def class_ref(self, expr: Expr) -> str | None:
        """The package class an expression names (`Foo`, `Outer.Inner`, `ns.Foo`), if it is one."""
        dotted = _dotted(expr)
        if dotted is None or dotted.split(".")[0] in self.types:
            return None
        if self.cls and dotted.split(".")[0] not in self.types and \
                self.model.field_owner(self.cls, dotted.split(".")[0]) is not None:
            return None
        return self.model.resolve_class(dotted, self.cls)

    def field_target(self, fg: FieldGet) -> str | None:
        """The package class whose field `fg` writes or reads, if it is one: the class declaring
        the field of the class `fg.obj` names or is declared as."""
        cref = self.class_ref(fg.obj)
        if cref is None:
            if isinstance(fg.obj, This):
                cref = self.cls
            else:
                t = self.type_of(fg.obj)
                cref = self.model.resolve_class(t, self.cls) if t else None
        if cref is None:
            return None
        return self.model.field_owner(cref, fg.name) or None

    def system_ref(self, expr: Expr) -> str | None:
        """A system class name used as a static receiver (`System.Url`, `Cache.Org`, `JSON`)."""
        dotted = _dotted(expr)
        if dotted is None or dotted.split(".")[0] in self.types:
            return None
        if self.cls and self.model.field_owner(self.cls, dotted.split(".")[0]) is not None:
            return None
        return strip_system(dotted)

    def resolve(self, call: Call) -> Resolution:
        """Resolve a call (memoised: call chains would otherwise be re-resolved at every link)."""
        key = id(call)
        hit = self._resolved.get(key)
        if hit is None:
            hit = self._resolve(call)
            if len(hit.targets) > 1:
                hit = replace(hit, targets=self.overloads_for(hit.targets, call.args))
            self._resolved[key] = hit
        return hit

    def overloads_for(self, targets: tuple[MethodInfo, ...], args: tuple[Expr, ...]) -> tuple[MethodInfo, ...]:
        """Of overloads of one arity, those whose parameters can take the arguments: Apex picks
        the overload by the arguments' types when it compiles (`post(sid, 1)` is `post(String,
        Integer)`, never `post(String, String)`). Only primitive types apexlint knows on both
        sides tell one out; when none is left, all are kept."""
        known = [self._argument_type(a) for a in args]
        if not any(known):
            return targets
        kept = tuple(t for t in targets if all(
            k is None or _accepts(p.type, k) for p, k in zip(t.method.params, known, strict=False)))
        return kept or targets

    def _argument_type(self, arg: Expr) -> str | None:
        if isinstance(arg, Lit) and not arg.is_string:
            return _literal_type(arg.value)
        found = self.type_of(arg)
        return base_type(found) if found else None

    def _resolve(self, call: Call) -> Resolution:
        m = self.model
        arity = len(call.args)
        obj = call.obj
        if call.name == "<init>" and isinstance(obj, Super | None):  # `this(...)`, `super(...)` in a constructor
            owner = (m.superclass_chain(self.cls)[1:2] if obj is not None else [self.cls]) if self.cls else []
            targets = tuple(t for c in owner for t in m.by_class.get(c, {}).get("<init>", [])
                            if len(t.method.params) == arity)
            if not targets and obj is not None and self.cls and is_exception_class(m, self.cls):
                return Resolution(system=("exception", "<init>"))  # `super(message)`: Exception's own
            return Resolution(targets=targets)
        if obj is None or isinstance(obj, This):
            if self.cls is None:
                return Resolution()
            own = self._own(call.name, arity, virtual=True)
            if not own and is_exception_class(m, self.cls):
                return Resolution(system=("exception", call.name))  # `this.setMessage(...)`: Exception's own
            return Resolution(targets=tuple(own))
        if isinstance(obj, Super):
            chain = m.superclass_chain(self.cls)[1:] if self.cls else []
            for c in chain:
                found = m.methods_named(c, call.name, arity)
                if found:
                    return Resolution(targets=tuple(found))
            return Resolution()
        cls_ref = self.class_ref(obj)
        if cls_ref is not None:
            return Resolution(targets=tuple(m.methods_named(cls_ref, call.name, arity)), is_static=True,
                              system=None if m.methods_named(cls_ref, call.name, arity) else (cls_ref, call.name))
        if isinstance(obj, Name) and obj.name in self.types and self.model.resolve_class(self.types[obj.name]) is None \
                and is_static_system_call((obj.name, call.name)):
            return Resolution(system=(obj.name, call.name), is_static=True)
        rtype = self.type_of(obj)
        if rtype is None and isinstance(obj, (Name, FieldGet)):
            sys_ref = self.system_ref(obj)
            if sys_ref is not None:
                return Resolution(system=(sys_ref, call.name), is_static=True)
        if rtype is None:
            if isinstance(obj, Call) and self.resolve(obj).system == ("type", "forname"):
                return Resolution(dynamic=True)
            return Resolution(system=("?", call.name))
        pc = m.resolve_class(rtype, self.cls)
        if pc is not None:
            targets = tuple(m.dispatch(pc, call.name, arity))
            if len(targets) > 1 and isinstance(obj, Name) and (made := self.made_classes(obj.name)):
                chosen = {mi.id for c in made for mi in m.methods_named(c, call.name, arity)}
                targets = tuple(t for t in targets if t.id in chosen) or targets
            return Resolution(targets=targets, receiver_type=pc)
        if base_type(rtype) in ("type", "object") and call.name in ("newinstance", "call"):
            return Resolution(dynamic=True, receiver_type=base_type(rtype))
        return Resolution(system=(base_type(rtype), call.name), receiver_type=rtype)

    def _own(self, name: str, arity: int, virtual: bool) -> list[MethodInfo]:
        """Unqualified call: this class chain (with overrides), then enclosing classes."""
        m = self.model
        c = self.cls
        while c:
            found = m.dispatch(c, name, arity) if virtual else m.methods_named(c, name, arity)
            if found:
                return found
            c = c.rpartition(".")[0]
        return []

    def constructors(self, new: New) -> list[MethodInfo]:
        pc = self.model.resolve_class(new.type, self.cls)
        if pc is None:
            return []
        ctors = self.model.by_class.get(pc, {}).get("<init>", [])
        same_arity = tuple(mi for mi in ctors if len(mi.method.params) == len(new.args))
        return list(self.overloads_for(same_arity, new.args) if len(same_arity) > 1 else same_arity)


_PRIMITIVES = frozenset({"string", "id", "integer", "long", "decimal", "double", "boolean", "date", "datetime",
                         "time", "blob"})
# what a value of each primitive type may be passed as, besides its own type and Object
_WIDENS_TO = {"integer": {"long", "decimal", "double"}, "long": {"decimal", "double"}, "double": {"decimal"},
              "decimal": {"double"}, "id": {"string"}, "string": {"id"}}


def _accepts(param_type: str, arg_type: str) -> bool:
    """Whether a parameter declared `param_type` takes an argument of primitive `arg_type`
    (anything not two primitives apexlint tells apart is taken)."""
    p = base_type(param_type)
    if p not in _PRIMITIVES or arg_type not in _PRIMITIVES:
        return True
    return p == arg_type or p in _WIDENS_TO.get(arg_type, ())


def _literal_type(text: str) -> str | None:
    """The type of a non-string literal: `1` Integer, `1L` Long, `1.5` Decimal, `true` Boolean."""
    t = text.strip().lower()
    if t in ("true", "false"):
        return "boolean"
    if t.isdigit():
        return "integer"
    if t.endswith("l") and t[:-1].isdigit():
        return "long"
    if t.replace(".", "", 1).isdigit():
        return "decimal"
    return None


def _deserializes(expr: Expr) -> bool:
    """`JSON.deserialize(text, T.class)`, `JSON.deserializeStrict(...)`: a new object of `T`,
    made from the text (the cast around the call names the class)."""
    return isinstance(expr, Call) and isinstance(expr.obj, Name) and expr.obj.name.lower() == "json" \
        and expr.name.lower() in ("deserialize", "deserializestrict") and len(expr.args) == 2


def _dotted(expr: Expr) -> str | None:
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, FieldGet):
        inner = _dotted(expr.obj)
        return f"{inner}.{expr.name}" if inner is not None else None
    return None


def walk_exprs(stmt: Stmt) -> Iterator[Expr]:
    """Every expression in a statement, outermost first."""
    roots: list[Expr] = []
    if isinstance(stmt, Assign):
        roots = [stmt.target, stmt.value]
    elif isinstance(stmt, (Eval, Throw, Dml)) or (isinstance(stmt, Return) and stmt.expr is not None):
        roots = [stmt.expr] if stmt.expr is not None else []
    stack = list(reversed(roots))
    children = _CHILDREN.get
    while stack:
        e = stack.pop()
        yield e
        of = children(type(e))
        if of is not None:
            stack.extend(reversed(of(e)))


# Sub-expressions by the expression's class (leaves have none): one lookup per expression instead
# of a chain of isinstance tests (the data flow walks apex-mdapi's bodies 80,000 expressions deep).
_CHILDREN: dict[type, Callable[[Any], list[Expr]]] = {
    Call: lambda e: ([e.obj] if e.obj is not None else []) + list(e.args),
    FieldGet: lambda e: [e.obj],
    New: lambda e: list(e.args) + list(e.items),
    Binary: lambda e: [e.left, e.right],
    Ternary: lambda e: [e.cond, e.then, e.other],
    Cast: lambda e: [e.expr],
    Index: lambda e: [e.obj, e.index],
    Soql: lambda e: list(e.binds),
    Opaque: lambda e: list(e.parts),
}


@frozen
class Edge:
    caller: str
    callee: str
    call: Expr  # the Call or New expression


class Mentions:
    """Which method bodies mention an identifier, found by searching every method's `refs`
    joined into one text (in method id order), and remembered per identifier.

    An analysis asks about a dozen names on most packages, a few hundred on some. Indexing
    every body's identifiers up front (800,000 on the generated 2,000-class package) cost a
    warm re-scan of it 0.09 s; a search of its 5 MB of refs takes 2-8 ms (17 names asked).
    Past `INDEX_AFTER` names the searches would cost more than the index, and it is built
    (a trigger framework's 1,800 analysed methods asked about 40,000 names: 5 s of searching).
    """

    INDEX_AFTER = 400

    def __init__(self, refs: Mapping[str, str]) -> None:
        """`refs`: method id -> that method's `refs` (see `ir.refs_text`)."""
        self._ids = sorted(refs)
        parts = [refs[mid] for mid in self._ids]
        self._starts = list(itertools.accumulate(map(len, parts), initial=0))
        self._text = "".join(parts)
        self._found: dict[str, list[str]] = {}
        self._index: dict[str, list[str]] | None = None

    def __call__(self, name: str) -> list[str]:
        """Ids of the methods whose body mentions the identifier `name`, in id order."""
        found = self._found.get(name)
        if found is None:
            if not name or " " in name:
                found = []
            elif self._index is not None:
                found = self._index.get(name, [])
            elif len(self._found) >= self.INDEX_AFTER:
                self._index = self._indexed()
                found = self._index.get(name, [])
            else:
                found = self._search(name)
            self._found[name] = found
        return found

    def _indexed(self) -> dict[str, list[str]]:
        """Every identifier -> the methods mentioning it, in id order (as `_search` finds them)."""
        index: dict[str, list[str]] = {}
        text, starts = self._text, self._starts
        for k, mid in enumerate(self._ids):
            for word in text[starts[k]:starts[k + 1]].split():
                index.setdefault(word, []).append(mid)
        return index

    def searched(self) -> frozenset[str]:
        """Every identifier asked about so far."""
        return frozenset(self._found)

    def _search(self, name: str) -> list[str]:
        # Each method's refs start and end with a space and hold a name once: a match lies
        # within one method's part, and the search goes on from the next part.
        word, text, starts, found = f" {name} ", self._text, self._starts, []
        at = text.find(word)
        while at >= 0:
            k = bisect.bisect_right(starts, at) - 1
            found.append(self._ids[k])
            at = text.find(word, starts[k + 1])
        return found


class CallGraph:
    """The package call graph, resolved on demand: a method's calls when first asked for, and a
    method's callers by resolving only the bodies that mention its name (`MethodIR.refs`).

    The data flow asks about a few hundred methods of a package of thousands; resolving every
    call of every body up front was most of an analysis that now touches a fraction of them.
    """

    def __init__(self, model: PackageModel) -> None:
        self.model = model
        self._edges: dict[str, list[Edge]] = {}
        self._callers: dict[str, list[Edge]] = {}
        self.mentioning = Mentions({info.id: info.method.refs for info in model.every_method()})
        self._session_statics: dict[str, frozenset[str]] | None = None  # see `_static_sessions`
        self._session_static_names: frozenset[str] = frozenset()  # their field names, all classes
        self._session_getters: dict[tuple[str, str], list[MethodInfo]] | None = None  # `_getters_reading`
        self._session_getter_names: frozenset[str] = frozenset()  # their properties' names, all classes

    def edges_of(self, mid: str) -> list[Edge]:
        """The calls `mid` makes that resolve to package methods, in body order."""
        found = self._edges.get(mid)
        if found is None:
            found = self._edges[mid] = self._resolve_calls(mid)
        return found

    def callers_of(self, mid: str) -> list[Edge]:
        """Calls of `mid` anywhere in the package, by caller id then body order."""
        found = self._callers.get(mid)
        if found is None:
            found = self._callers[mid] = [e for caller in self._candidates(mid)
                                          for e in self.edges_of(caller) if e.callee == mid]
        return found

    def has_callers(self, mid: str, caller_ok: Callable[[str], bool] | None = None) -> bool:
        """Whether some method (one `caller_ok` accepts) calls `mid`.

        Stops at the first: a method with a common name (`execute`) is mentioned by hundreds of
        bodies, and an answer of yes rarely needs more than a few of them resolved.
        """
        known = self._callers.get(mid)
        if known is not None:
            return any(caller_ok is None or caller_ok(e.caller) for e in known)
        candidates = [c for c in self._candidates(mid) if caller_ok is None or caller_ok(c)]
        if not candidates:
            return False
        # Likeliest first: a body that also names the method's class, or one in that class.
        # (`send` is also `Http.send`: most bodies mentioning it call something else.)
        owner = self.model.methods[mid].owner
        cls = owner.rpartition(".")[2]
        methods = self.model.methods
        candidates.sort(key=lambda c: not (methods[c].owner == owner or has_ref(methods[c].method.refs, cls)))
        return any(e.callee == mid for caller in candidates for e in self.edges_of(caller))

    def _candidates(self, mid: str) -> list[str]:
        """The methods whose body mentions `mid`'s name: a superset of its callers."""
        info = self.model.methods.get(mid)
        if info is None:
            return []
        name = info.method.name
        if name in ("<init>", "<fields>"):
            name = info.owner.rpartition(".")[2]  # `new Outer.Inner()` mentions `inner`
        elif info.method.kind == "getter" and info.bound_property:
            name = info.bound_property  # `Cls.sid` runs `sid`'s `get` accessor
        found = self.mentioning(name)
        if info.method.name == "<fields>":  # a read of a session-holding static field runs them too
            for f in sorted(self._static_sessions().get(info.owner, ())):
                found += [c for c in self.mentioning(f) if c not in found]
        if info.method.name == "<init>":  # `this(...)` and a subclass's `super(...)` name no class
            for cls in (info.owner, *sorted(self.model.subtypes.get(info.owner, ()))):
                found += [c.id for c in self.model.by_class.get(cls, {}).get("<init>", []) if c.id not in found]
        return found

    def _resolve_calls(self, mid: str) -> list[Edge]:
        model = self.model
        info = model.methods.get(mid)
        if info is None:
            return []
        scope = Scope(model, info)
        edges: list[Edge] = []
        statics = self._static_sessions()
        names = self._session_static_names
        for stmt in model.body(info):
            for e in walk_exprs(stmt):
                targets: list[MethodInfo] = []
                if isinstance(e, Call):
                    targets = list(scope.resolve(e).targets)
                elif isinstance(e, New):
                    targets = scope.constructors(e)
                    pc = model.resolve_class(e.type, scope.cls)
                    if pc is not None and (fi := model.by_class.get(pc, {}).get("<fields>")):
                        targets += fi
                elif isinstance(e, Name | FieldGet):
                    if statics and e.name in names:
                        targets = self._static_read(scope, e, statics)
                    if (getters := self._getters_reading()) and e.name in self._session_getter_names:
                        targets = [*targets, *self._getter_read(scope, e, getters)]
                edges.extend(Edge(mid, t.id, e) for t in targets)
        return edges

    def _static_sessions(self) -> dict[str, frozenset[str]]:
        """Class -> its static fields whose initialiser reads a session (`static String sid =
        UserInfo.getSessionId()`): the initialiser runs where the class is first used in a
        transaction, so a read of such a field calls it (an async read gets null: SID001)."""
        if self._session_statics is None:
            found: dict[str, frozenset[str]] = {}
            # through the mentions index, not a walk over the classes: reuse knows the word was
            # searched, and a class whose initialisers do not mention it is never asked about
            for mid in self.mentioning("getsessionid"):
                info = self.model.methods.get(mid)
                c = self.model.classes.get(info.owner) if info is not None and info.method.name == "<fields>" else None
                fields = frozenset(f.name for f in c.fields if f.init is not None and "static" in f.modifiers
                                   and "getsessionid" in f.refs.lower()) if c is not None else frozenset()
                if fields and info is not None:
                    found[info.owner] = fields
            self._session_statics = found
            self._session_static_names = frozenset().union(*found.values())
        return self._session_statics

    def _getters_reading(self) -> dict[tuple[str, str], list[MethodInfo]]:
        """(class, property) -> its `get` accessors that read a session (`static String sid { get
        { return UserInfo.getSessionId(); } }`): reading the property runs them, so a read in
        async code evaluates the session there (SID001). Found through the mentions index."""
        if self._session_getters is None:
            found: dict[tuple[str, str], list[MethodInfo]] = {}
            for mid in self.mentioning("getsessionid"):
                info = self.model.methods.get(mid)
                if info is not None and info.method.kind == "getter" and info.bound_property:
                    found.setdefault((info.owner, info.bound_property), []).append(info)
            self._session_getters = found
            self._session_getter_names = frozenset(name for _, name in found)
        return self._session_getters

    def _getter_read(self, scope: Scope, e: Name | FieldGet,
                     getters: dict[tuple[str, str], list[MethodInfo]]) -> list[MethodInfo]:
        """The `get` accessor a read of a property (`sid`, `Cls.sid`, `obj.sid`) runs."""
        if isinstance(e, Name):
            if scope.is_local(e.name) or scope.cls is None:
                return []
            owner = self.model.field_owner(scope.cls, e.name)
        else:
            cls = scope.class_ref(e.obj)
            if cls is None:
                t = scope.type_of(e.obj)
                cls = self.model.resolve_class(t, scope.cls) if t else None
            owner = self.model.field_owner(cls, e.name) if cls is not None else None
        return list(getters.get((owner, e.name), ())) if owner is not None else []

    def _static_read(self, scope: Scope, e: Name | FieldGet, statics: dict[str, frozenset[str]]) -> list[MethodInfo]:
        """The field initialisers a read of a session-holding static field (`sid`, `Cls.sid`) runs."""
        if isinstance(e, Name):
            if scope.is_local(e.name) or scope.cls is None:
                return []
            owner = self.model.field_owner(scope.cls, e.name)
        elif isinstance(e.obj, Name) and not scope.is_local(e.obj.name):
            cls = self.model.resolve_class(e.obj.name, scope.cls)
            owner = self.model.field_owner(cls, e.name) if cls is not None else None
        else:
            return []
        if owner is None or e.name not in statics.get(owner, ()):
            return []
        return list(self.model.by_class.get(owner, {}).get("<fields>", []))


def build_call_graph(model: PackageModel) -> CallGraph:
    return CallGraph(model)


@frozen
class AsyncEntry:
    method_id: str
    reason: str  # "Queueable.execute", "@future method", "trigger on platform event Order_Event__e"


def async_entry_points(model: PackageModel, graph: CallGraph | None = None) -> list[AsyncEntry]:
    """Where the platform starts asynchronous Apex: no user session is guaranteed there. With
    `graph`, the Iterables a Batchable is given where it is made count too (see `_iterated`)."""
    entries: list[AsyncEntry] = []
    by_class: dict[str, tuple[str, ...]] = {}  # a class's async interface methods, once per class
    # a walk over every method that `apexlint.reuse` accounts for: by `ASYNC_NAMES`, and the
    # classes' headers (`PackageModel.supertypes`)
    for info in sorted(model.every_method(), key=lambda i: i.id):
        m = info.method
        if m.is_test:
            continue
        if ASYNC_ANNOTATIONS & m.annotations:
            entries.append(AsyncEntry(info.id, "@future method"))
        elif info.cls is not None and m.kind == "method":
            cls = info.cls.name
            if cls not in by_class:
                by_class[cls] = model.async_interface_methods(cls)
            for iface_method in by_class[cls]:
                if m.name == iface_method:
                    iface = _async_interface_name(model, info.cls.name, m.name)
                    entries.append(AsyncEntry(info.id, f"{iface}.{m.display}"))
                    break
        elif info.trigger is not None and (event := async_trigger_event(info.trigger.sobject)):
            entries.append(AsyncEntry(info.id, f"trigger on {event} {info.trigger.sobject}"))
    entries.extend(_inherited_entries(model, by_class, {e.method_id for e in entries}))
    entries.extend(_flow_entries(model, {e.method_id for e in entries}))
    starts = [e.method_id for e in entries if e.reason.startswith("Database.Batchable.start")]
    return entries + [AsyncEntry(mid, reason) for mid, reason in _iterated(model, starts, graph)]


def _flow_entries(model: PackageModel, found: set[str]) -> list[AsyncEntry]:
    """The `@InvocableMethod`s that the package's platform-event- and schedule-triggered flows
    call as Apex actions (`MetadataIR.background_actions`): no user session there either."""
    out: list[AsyncEntry] = []
    for md in model.metadata:
        for name, how in md.background_actions:
            cls = model.resolve_class(name)
            for infos in (model.by_class.get(cls, {}).values() if cls else ()):
                for info in sorted(infos, key=lambda i: i.id):
                    m = info.method
                    if "invocablemethod" in m.annotations and not m.is_test and info.id not in found:
                        found.add(info.id)
                        out.append(AsyncEntry(info.id, f"@InvocableMethod {info.label}, an action of the {how}"))
    return out


def _inherited_entries(model: PackageModel, by_class: dict[str, tuple[str, ...]], found: set[str]) -> list[AsyncEntry]:
    """The async interface methods a class inherits: `MyBatch extends BaseJob implements
    Database.Batchable<SObject>` with `execute` declared only in `BaseJob` (which implements
    nothing) runs `BaseJob.execute` as its batch's. Of each such class, the first superclass that
    declares the method, where the class itself does not (then the loop above found it)."""
    out: list[AsyncEntry] = []
    # a walk over every class that `apexlint.reuse` accounts for: by the classes' headers and
    # `ASYNC_NAMES` (a class that declares none of the names is not asked for its methods)
    for cls in sorted(c.name for c in model.every_class() if c.superclass and not c.is_test):
        names = by_class[cls] if cls in by_class else model.async_interface_methods(cls)
        if not names:
            continue
        own = model.by_class.get(cls, {})
        for name in names:
            if any(i.method.kind == "method" for i in own.get(name, ())):
                continue
            for sup in model.superclass_chain(cls)[1:]:
                declared = [i for i in model.by_class.get(sup, {}).get(name, ())
                            if i.method.kind == "method" and not i.method.is_test]
                if not declared:
                    continue
                iface = _async_interface_name(model, cls, name)
                shown = model.classes[cls].display
                for info in sorted(declared, key=lambda i: i.id):
                    if info.id not in found:
                        found.add(info.id)
                        out.append(AsyncEntry(info.id, f"{iface}.{info.method.display}, which {shown} inherits"))
                break
    return out


# What the platform calls of the Iterable a `Database.Batchable.start` returns, in the batch job.
_ITERATION = {"iterable": ("iterator",), "iterator": ("hasnext", "next")}

# The names of every method the walk of `async_entry_points` may take for an entry point: one
# not named so, and with no `ASYNC_ANNOTATIONS`, is none, whatever its class.
ASYNC_NAMES = frozenset({name for names in ASYNC_INTERFACES.values() for name in names}
                        | {name for names in _ITERATION.values() for name in names})


def _iterated(model: PackageModel, starts: list[str], graph: CallGraph | None) -> list[tuple[str, str]]:
    """(method id, reason) of the `iterator()`, `hasNext()` and `next()` methods the batch job
    runs: of the package's Iterable and Iterator classes a Batchable's `start` makes (names in its
    body, or its own class), or that the code making the Batchable names when `start` returns one
    it was given (`new SourceBatch(new SoqlIterable(query))`), and the Iterators their
    `iterator()` makes in turn."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    todo = [(mid, True) for mid in starts]
    for mid in starts:
        info = model.methods[mid]
        if graph is None or info.cls is None or strip_system(base_type(info.method.return_type)) != "iterable":
            continue
        todo.extend((maker, False) for maker in graph.mentioning(info.cls.name.rpartition(".")[2])
                    if maker in model.methods and not model.methods[maker].method.is_test)
    while todo:
        mid, own = todo.pop()
        info = model.methods[mid]
        context = info.cls.name if info.cls is not None else None
        named = {model.resolve_class(ref, context) for ref in info.method.refs.split()}
        for cls in sorted(c for c in (named | ({context} if own else set())) if c is not None and c not in seen):
            kinds = {strip_system(base_type(t)) for t in model.supertypes(cls)}
            for kind in sorted(kinds & _ITERATION.keys()):
                seen.add(cls)
                for name in _ITERATION[kind]:
                    for target in model.by_class.get(cls, {}).get(name, []):
                        if target.method.params or target.method.is_test:
                            continue
                        out.append((target.id, "the Iterable a Database.Batchable.start returns"))
                        if name == "iterator":
                            todo.append((target.id, True))
    return sorted(set(out))


def _async_interface_name(model: PackageModel, cls: str, method: str) -> str:
    names = {"database.batchable": "Database.Batchable", "queueable": "Queueable",
             "schedulable": "Schedulable", "finalizer": "System.Finalizer"}
    for sup in model.supertypes(cls):
        if method in ASYNC_INTERFACES.get(sup, ()):
            return names.get(sup, sup)
    return "async"


def reachable_from(graph: CallGraph, entries: list[AsyncEntry],
                   targets: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Method id -> shortest call path from an async entry point (entry first).

    With `targets`, only the methods that can reach one of them are explored: the paths found
    for those methods are the ones the whole search would find (every method on a shortest path
    to a target can reach it), at the cost of a backward search from the targets.
    """
    allowed: set[str] | None = None
    if targets is not None:
        allowed = set(targets)
        todo = list(allowed)
        while todo:
            for edge in graph.callers_of(todo.pop()):
                if edge.caller not in allowed:
                    allowed.add(edge.caller)
                    todo.append(edge.caller)
    paths: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for e in entries:
        if e.method_id not in paths and (allowed is None or e.method_id in allowed):
            paths[e.method_id] = (e.method_id,)
            queue.append(e.method_id)
    while queue:
        mid = queue.popleft()
        for edge in graph.edges_of(mid):
            if edge.callee not in paths and (allowed is None or edge.callee in allowed):
                paths[edge.callee] = (*paths[mid], edge.callee)
                queue.append(edge.callee)
    return paths
