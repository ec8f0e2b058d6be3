"""Which of the package's classes an object can be at run time, where the package provably makes it.

A call on an object of a `global` interface (or a global virtual method) runs a subscriber's code
unless the object is the package's own. That is proved from how the object is made, read off the
code rather than the data flow's values (whose types also hold what a declaration says an object
is, and a field's are not stored at all): every way the expression can get its object must be a
`new` of a concrete package class, or `Type.forName('Impl').newInstance()` with a literal naming
one. Followed through

- locals: every assignment to the local (flow-insensitive, as the data flow is);
- fields: every assignment to the field anywhere in the package (its initialiser, constructors,
  other methods), and only where no code outside the package can set it (a `global` field, or one
  not `private` in a `global` class, may be set by a subscriber);
- parameters: every call of the method in the package, where only the package can call it (not
  `global`, no entry point, not in a `global` class unless `private`, not an implementation of a
  supertype's method), and every call that might be it resolves;
- calls of package methods that only the package supplies: every value they return;
- `Type` values: `Type.forName` with literals, through locals and fields as above.

Anything else (a collection's element, a system call's result, a name read from a setting) is not
proved: None. The answer depends on the code only, so it is kept per field and per parameter.
"""

from __future__ import annotations

from apexlint.analyses.callgraph import CallGraph, Resolution, Scope, walk_exprs
from apexlint.analyses.demand import Demand
from apexlint.ir import Assign, Call, Cast, Expr, FieldGet, Lit, Name, New, Return, Ternary, This
from apexlint.model import catalog as api
from apexlint.model.package import MethodInfo, PackageModel

MAX_DEPTH = 4  # fields, parameters, locals and calls followed one from another, at most

Classes = frozenset[str] | None  # None: not provably made by the package


class RunTimeClasses:
    def __init__(self, model: PackageModel, graph: CallGraph, demand: Demand) -> None:
        self.model = model
        self.graph = graph
        self.demand = demand
        self._scopes: dict[str, Scope] = {}
        self._known: dict[tuple[str, str, str, bool, int], Classes] = {}
        self._open: set[tuple[str, str, str, bool]] = set()

    def of(self, expr: Expr, info: MethodInfo) -> Classes:
        """The package classes the object `expr` (in `info`) can be; None unless provably the package's."""
        return self._object(expr, info, MAX_DEPTH)

    def made_of(self, pc: str, expr: Expr, info: MethodInfo) -> bool:
        """Whether `expr`, of static type `pc`, is provably an object of concrete package classes of `pc`."""
        return self._made(pc, self.of(expr, info))

    def _made(self, pc: str, found: Classes) -> bool:
        return bool(found) and all(self._concrete(c) and (c == pc or pc in self.model.supertypes(c))
                                   for c in found or ())

    def _concrete(self, cls: str) -> bool:
        c = self.model.classes.get(cls)
        return c is not None and c.kind == "class" and "abstract" not in c.modifiers

    def scope(self, info: MethodInfo) -> Scope:
        found = self._scopes.get(info.id)
        if found is None:
            found = self._scopes[info.id] = Scope(self.model, info)
        return found

    # -- objects -----------------------------------------------------------------------------------
    def named(self, expr: Expr, info: MethodInfo) -> Classes:
        """The package classes a `Type` value (`expr`, in `info`) names; None unless provably the package's."""
        return self._named(expr, info, MAX_DEPTH)

    def _object(self, e: Expr, info: MethodInfo, depth: int) -> Classes:
        if depth <= 0:
            return None
        if isinstance(e, New):
            pc = self.model.resolve_class(e.type, self.scope(info).cls)
            return frozenset({pc}) if pc is not None and self._concrete(pc) else None
        if isinstance(e, Cast):
            return self._object(e.expr, info, depth)
        if isinstance(e, Ternary):
            return _union(self._object(e.then, info, depth), self._object(e.other, info, depth))
        if isinstance(e, Call):
            return self._call(e, info, depth)
        if isinstance(e, Name | FieldGet):
            return self._held(e, info, depth, types=False)
        return None

    def _call(self, call: Call, info: MethodInfo, depth: int) -> Classes:
        scope = self.scope(info)
        r = scope.resolve(call)
        if r.dynamic and call.name == "newinstance" and call.obj is not None:
            return self._named(call.obj, info, depth)
        if not r.targets or r.system is not None:
            return None
        if not r.is_static and self._overridable(r, call) and (
                call.obj is None or isinstance(call.obj, This) or r.receiver_type is None
                or not self._made(r.receiver_type, self._object(call.obj, info, depth - 1))):
            return None  # a subscriber's class may supply the method, on an object the package did not make
        found: frozenset[str] = frozenset()
        for t in r.targets:
            if t.cls is not None and (t.cls.kind == "interface" or "abstract" in t.method.modifiers):
                continue  # a declaration without a body: never what runs
            returns = [s.expr for s in self.model.body(t) if isinstance(s, Return) and s.expr is not None]
            if not returns:
                return None
            for value in returns:
                made = self._object(value, t, depth - 1)
                if made is None:
                    return None
                found |= made
        return found

    def _overridable(self, r: Resolution, call: Call) -> bool:
        """Whether a subscriber's class may supply the method an instance call runs."""
        owners = {r.receiver_type or "", *(t.owner for t in r.targets)} - {""}
        return any(self.model.subscriber_overridable(c, call.name, len(call.args)) for c in sorted(owners))

    # -- Type values -------------------------------------------------------------------------------
    def _named(self, e: Expr, info: MethodInfo, depth: int) -> Classes:
        """The package classes a `Type` value names: `Type.forName` with literals naming one."""
        if depth <= 0:
            return None
        if isinstance(e, Call):
            pc = self.named_class(e, self.scope(info))
            return frozenset({pc}) if pc is not None else None  # (`made_of` asks for a concrete one)
        if isinstance(e, Name | FieldGet):
            return self._held(e, info, depth, types=True)
        return None

    def named_class(self, call: Call, scope: Scope) -> str | None:
        """The package class `Type.forName('Impl')` or `Type.forName('ns', 'Impl')` names with
        literals (the package's namespace or none), else None."""
        if scope.resolve(call).system != ("type", "forname") or not call.args \
                or not all(isinstance(a, Lit) for a in call.args):
            return None
        # `Type.forName(null, 'Impl')`: no namespace, the package's own first
        *namespace, name = [a.value if a.is_string else "" for a in call.args if isinstance(a, Lit)]
        if namespace and namespace[0].lower() not in ("", self.model.namespace):
            return None
        return self.model.resolve_class(name)

    # -- locals, parameters, fields -----------------------------------------------------------------
    def _held(self, e: Name | FieldGet, info: MethodInfo, depth: int, types: bool) -> Classes:
        scope = self.scope(info)
        if isinstance(e, Name) and scope.is_local(e.name):
            params = [p.name for p in info.method.params]
            assigned = self._assigned_local(e.name, info, depth, types)
            if e.name not in params:
                return assigned
            return _union(assigned, self._passed(info, params.index(e.name), depth, types))
        key = self._field(e, scope)
        return self._field_value(key, depth, types) if key is not None else None

    def _assigned_local(self, name: str, info: MethodInfo, depth: int, types: bool) -> Classes:
        """Every value a method assigns to its local `name` (frozenset() for none)."""
        key = (info.id, name, "local", types)
        if key in self._open:
            return frozenset()  # `p = p;` or a loop: what the other assignments give
        self._open.add(key)
        try:
            found: Classes = frozenset()
            for s in self.model.body(info):
                if isinstance(s, Assign) and isinstance(s.target, Name) and s.target.name == name:
                    made = self._value(s, info, depth - 1, types)
                    found = _union(found, made)
                    if found is None:
                        break
            return found
        finally:
            self._open.discard(key)

    def _value(self, s: Assign, info: MethodInfo, depth: int, types: bool) -> Classes:
        if s.op != "=":
            return None
        return self._named(s.value, info, depth) if types else self._object(s.value, info, depth)

    def _field(self, e: Name | FieldGet, scope: Scope) -> tuple[str, str] | None:
        """The package field `e` reads, if it is one."""
        m = self.model
        if isinstance(e, Name):
            owner = m.field_owner(scope.cls, e.name) if scope.cls else None
            return (owner, e.name) if owner else None
        cref = scope.class_ref(e.obj)
        if cref is None:
            t = scope.cls if isinstance(e.obj, This) else scope.type_of(e.obj)
            cref = m.resolve_class(t, scope.cls) if t else None
        owner = m.field_owner(cref, e.name) if cref else None
        return (owner, e.name) if owner else None

    def _field_value(self, key: tuple[str, str], depth: int, types: bool) -> Classes:
        memo = (*key, "field", types, depth)
        if memo in self._known:
            return self._known[memo]
        top = not self._open  # an answer found inside a cycle may lack what the cycle's start adds
        if self._settable_outside(key):
            found: Classes = None
        elif (key[0], key[1], "field", types) in self._open:
            return frozenset()  # assigned from itself (through a chain): the other assignments decide
        else:
            self._open.add((key[0], key[1], "field", types))
            try:
                found = self._field_writes(key, depth, types)
            finally:
                self._open.discard((key[0], key[1], "field", types))
        if top:
            self._known[memo] = found
        return found

    def _settable_outside(self, key: tuple[str, str]) -> bool:
        """A field a subscriber's code may set: `global`, or not `private` in a `global` class
        (or one inside a `global` class)."""
        cls = self.model.classes.get(key[0])
        decl = next((f for f in cls.fields if f.name == key[1]), None) if cls is not None else None
        if cls is None or decl is None:
            return True
        if "global" in decl.modifiers:
            return True
        return bool({"public", "protected"} & decl.modifiers) and self._in_global(key[0])

    def _in_global(self, cls: str) -> bool:
        while cls:
            c = self.model.classes.get(cls)
            if c is not None and "global" in c.modifiers:
                return True
            cls = cls.rpartition(".")[0]
        return False

    def _field_writes(self, key: tuple[str, str], depth: int, types: bool) -> Classes:
        """Every value the package assigns to field `key` (None for none: a field never set here
        is set, if at all, where this cannot see)."""
        found: Classes = frozenset()
        seen = False
        for mid in self.demand.writers(key):
            info = self.model.methods[mid]
            scope = self.scope(info)
            for s in self.model.body(info):
                if not isinstance(s, Assign) or not isinstance(s.target, Name | FieldGet) or s.target.name != key[1]:
                    continue
                if isinstance(s.target, Name) and scope.is_local(key[1]):
                    continue  # a local of the same name
                target = self._field(s.target, scope)
                if target is not None and target != key:
                    continue  # another class's field of the same name
                seen = True
                found = _union(found, self._value(s, info, depth - 1, types))
                if found is None:
                    return None
        return found if seen else None

    def _passed(self, info: MethodInfo, index: int, depth: int, types: bool) -> Classes:
        """What every call of `info` in the package passes as parameter `index`; None where code
        outside the package may call it, or a call that may be one of its does not resolve."""
        memo = (info.id, str(index), "param", types, depth)
        if memo in self._known:
            return self._known[memo]
        found: Classes = None
        key = (info.id, str(index), "param", types)
        if key in self._open:
            return frozenset()  # recursion: the other callers decide
        top = not self._open
        if self._package_only(info):
            self._open.add(key)
            try:
                found = self._arguments(info, index, depth, types)
            finally:
                self._open.discard(key)
        if top:
            self._known[memo] = found
        return found

    def _package_only(self, info: MethodInfo) -> bool:
        """Whether only the package's code can call `info` (with arguments of its own)."""
        m = info.method
        if m.kind not in ("method", "constructor") or m.is_test or info.cls is None \
                or api.OUTSIDE_ARGUMENT_ANNOTATIONS & m.annotations or api.CLIENT_MODIFIERS & m.modifiers \
                or "global" in m.modifiers:
            return False
        private = "private" in m.modifiers or not ({"public", "protected"} & m.modifiers)
        if not private and self._in_global(info.owner):
            return False
        if private or info.is_static or m.kind == "constructor":
            return True
        # an instance method that implements or overrides one of a supertype's: code calling the
        # supertype's (a subscriber's, the platform's) may run it
        supers = [s for s in self.model.supertypes(info.owner) if s != info.owner]
        if any(s not in self.model.classes for s in supers):
            return False
        return not any(self.model.methods_named(s, m.name, len(m.params)) for s in supers)

    def _arguments(self, info: MethodInfo, index: int, depth: int, types: bool) -> Classes:
        calls = self._calls_of(info)
        if not calls:
            return None  # no caller in the package: code outside it, or none, calls it
        found: Classes = frozenset()
        for caller, call in calls:
            arg = call.args[index]
            made = self._named(arg, caller, depth - 1) if types else self._object(arg, caller, depth - 1)
            found = _union(found, made)
            if found is None:
                return None
        return found

    def _calls_of(self, info: MethodInfo) -> list[tuple[MethodInfo, Call | New]] | None:
        """Every call of `info` in the package's shipped code, with its caller; None when a call
        that may be one of its does not resolve (its receiver's type is not known)."""
        arity = len(info.method.params)
        if info.method.name == "<init>":  # `new C(...)`, `this(...)`, `super(...)`: always resolved
            return [(self.model.methods[e.caller], e.call) for e in self.graph.callers_of(info.id)
                    if self.demand.analysable(e.caller) and isinstance(e.call, Call | New)
                    and len(e.call.args) == arity]
        out: list[tuple[MethodInfo, Call | New]] = []
        for mid in self.graph.mentioning(info.method.name):
            caller = self.model.methods.get(mid)
            if caller is None or not self.demand.analysable(mid):
                continue
            scope = self.scope(caller)
            for s in self.model.body(caller):
                for e in walk_exprs(s):
                    if not isinstance(e, Call) or e.name != info.method.name or len(e.args) != arity:
                        continue
                    r = scope.resolve(e)
                    if info in r.targets:
                        out.append((caller, e))
                    elif not r.targets and (r.system is None or r.system[0] == "?"):
                        return None  # a call apexlint cannot resolve may be this method's
        return out


def _union(a: Classes, b: Classes) -> Classes:
    return None if a is None or b is None else a | b
