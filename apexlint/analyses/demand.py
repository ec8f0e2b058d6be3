"""Which methods the data flow has to analyse: the demand set.

A session ID can only reach a sink through methods that see one. Most of a package never does,
so analysing every method (as a whole-program fixpoint would) is wasted work: NPSP has 7,590
non-test methods and one `getSessionId()`. The data flow starts from the methods holding a
source and grows the set only where a session, or a value a session-carrying method needs, can
come from or go to:

- **seeds**: methods that read a session (`UserInfo.getSessionId()`) or render a page
  (`getContent()`, which may make one);
- **callees** of every analysed method, transitively: their summaries are applied at the call;
- **callers** of a method whose summary holds a session (returned, written into an argument or
  a field, or reaching a sink inside), transitively;
- **writers** of every class field an analysed method reads (the endpoint a request is sent to
  is often a field), and the callers of a writer whose write depends on its parameters (a setter);
  reading a collection only to add to it (`buffer.add(x)`) does not count as reading it. A body
  found by the field's name (`x.name = ...`) is a writer only where the field it names through
  another object resolves to that class's, as the data flow resolves it (`Scope.field_target`):
  `acc.Name` on an `Account`, or on another class's object, writes nothing the reader reads;
- **getters** of every property an analysed method reads;
- **readers** of a field once a session is stored in it, and the methods that name its class
  (an object serialised or logged whole carries every field).

Candidates are found by name in each body's `refs` (what lowering recorded), a superset of
the real readers, writers and callers, and then analysed like any other method: over-approximating
costs time, never precision. The result is the one the exhaustive analysis gives (a test checks
both on every fixture package).
"""

from __future__ import annotations

from apexlint.analyses.callgraph import CallGraph, Scope, walk_exprs
from apexlint.ir import FIELDS, Assign, BodyRef, Call, ClassIR, Expr, FieldGet, Index, MethodIR, Name, New, Stmt, This
from apexlint.model.catalog import PAGE_CONTENT_CALLS
from apexlint.model.package import PackageModel, base_type

SEED_REFS = frozenset({"getsessionid", *PAGE_CONTENT_CALLS})


class Demand:
    def __init__(self, model: PackageModel, graph: CallGraph, include_tests: bool,
                 soap_ports: frozenset[str] = frozenset()) -> None:
        self.model = model
        self.graph = graph
        self.include_tests = include_tests
        self.soap_ports = soap_ports
        self._written: dict[str, _Written] = {}
        self._scopes: dict[str, Scope] = {}
        # name -> (method id, its class, that class's outermost class) of the analysable methods
        # mentioning it: a name like `fullName` is a field of hundreds of classes (apex-mdapi's
        # MetadataService), each asked for its writers over the same methods
        self._mentions: dict[str, list[tuple[str, str, str]]] = {}

    def analysable(self, mid: str) -> bool:
        info = self.model.methods.get(mid)
        return info is not None and (self.include_tests or not info.method.is_test)

    def mentioning(self, name: str) -> list[str]:
        """Analysable methods whose body mentions `name`, by id."""
        return [m for m in self.graph.mentioning(name) if self.analysable(m)]

    def seeds(self) -> list[str]:
        """Methods that read a session: by name, and where they name a formula field that holds one,
        a field the package stores one in, or a controller property or request parameter a page
        posts one into."""
        refs = SEED_REFS | {name for _, name in (*self.model.formula_sessions, *self.model.stored_sessions,
                                                 *self.model.posted_sessions)}
        if self.model.posted_params:
            refs |= {"getparameters"}  # a controller reading what a command link posts back
        return sorted({m for ref in sorted(refs) for m in self.mentioning(ref)})

    def callees(self, mid: str) -> list[str]:
        """Methods whose summaries a call in `mid` applies. A call to a WSDL2Apex port's
        operation is not one: the data flow reads the port's fields there instead."""
        return [e.callee for e in self.graph.edges_of(mid)
                if self.analysable(e.callee) and not self._port_operation(e.callee)]

    def _port_operation(self, mid: str) -> bool:
        info = self.model.methods[mid]
        return info.owner in self.soap_ports and info.method.kind == "method" and not info.is_static

    def callers(self, mid: str) -> list[str]:
        return [e.caller for e in self.graph.callers_of(mid) if self.analysable(e.caller)]

    def writers(self, key: tuple[str, str]) -> list[str]:
        """Methods that may assign field `key`, or change the object it holds (`f.add(x)`,
        `fill(f)`): syntactically, where the field could be seen; the data flow resolves them."""
        owner, name = key
        if owner == "sobject":
            return []  # records published as events: written only where a session already flows
        cls = self.model.classes.get(owner)
        decl = next((f for f in cls.fields if f.name == name), None) if cls is not None else None
        private = decl is not None and not ({"public", "global", "protected"} & decl.modifiers)
        family = owner.split(".", 1)[0]
        out = []
        for mid, method_owner, method_family in self._mentioned_by(name):
            if private and method_family != family:
                continue
            written = self._written.get(mid)
            if written is None:
                info = self.model.methods[mid]
                written = self._written[mid] = _deferred_written_names(info.cls) if _deferred(info.method) \
                    else _written_names(self.model.body(info))
            own, qualified, _ = written
            # `f = x` / `this.f = x` in class D writes D's own `f` (or an outer class's), never
            # another class's field of the same name
            if name in qualified or (name in own and self.model.field_owner(method_owner, name) == owner):
                out.append(mid)
        return out

    def writes(self, mid: str, key: tuple[str, str]) -> bool:
        """Whether `mid`, one of `writers(key)`, may write field `key` itself. Every write of the
        data flow to a class field goes through an expression naming it: `f` or `this.f` of the
        method's class, or `x.f` (an assignment's target, a call's receiver, an argument a callee
        may fill) written to the field `Scope.field_target` resolves it to, statically. A body
        whose every `x.f` resolves elsewhere (`acc.Name` on a record, `other.name` of another
        class) or to no class (a field of a record or of a value of unknown type: a part of that
        value, not the field store) gives `key` nothing: analysing it for `key` is wasted (crabb:
        a hundred bodies setting some record's `Name` for each inner class with a `name`). What
        a body gives through a callee it calls is the setter's rule (`DataFlow.demand_field`).
        The field initialisers left unlowered (`_deferred_written_names`) stay writers by name."""
        owner, name = key
        info = self.model.methods[mid]
        own, qualified, named = self._written[mid]
        if name in own and self.model.field_owner(info.owner, name) == owner:
            return True
        if named is None:
            return name in qualified
        scope = self._scopes.get(mid)
        if scope is None:
            scope = self._scopes[mid] = Scope(self.model, info)
        return any(g.name == name and scope.field_target(g) == owner for g in named)

    def _mentioned_by(self, name: str) -> list[tuple[str, str, str]]:
        found = self._mentions.get(name)
        if found is None:
            infos = [self.model.methods[mid] for mid in self.mentioning(name)]
            found = self._mentions[name] = [(i.id, i.owner, i.owner.split(".", 1)[0]) for i in infos]
        return found

    def readers(self, key: tuple[str, str]) -> list[str]:
        """Methods that may read field `key`: by name, through `this` or an object holding it,
        or with the whole object (`JSON.serialize(new Doc())` names the class, not the field)."""
        if key[0] == "sobject":  # `trigger.new` of a trigger on that object (or platform event)
            return sorted(f"trigger:{t.name}" for t in self.model.triggers if t.sobject == key[1])
        out = set(self.mentioning(key[1]))
        for cls in self._holders(key[0]):
            out.update(self.mentioning(cls.rpartition(".")[2]))
            for infos in self.model.by_class.get(cls, {}).values():
                out.update(i.id for i in infos if self.analysable(i.id))
                if cls in self.soap_ports:  # a port call reads the whole port (its SessionHeader)
                    out.update(m for i in infos for m in self.callers(i.id))
        return sorted(out)

    def _holders(self, cls: str) -> set[str]:
        """`cls`, its subclasses, and the classes with a field of its type (two levels): where
        an object's fields are read as a whole (`this`, a call to a SOAP port)."""
        out = {cls, *self.model.subtypes.get(cls, ())}
        for _ in range(2):
            # a walk over every class that `apexlint.reuse` accounts for: by the package classes
            # the types of their fields name
            more = {c.name for c in self.model.every_class()
                    if c.name not in out and any(self.model.resolve_class(base_type(f.type), c.name) in out
                                                 for f in c.fields)}
            if not more:
                break
            out |= more
        return out


# What a body may change (`_written_names`): names unqualified and through another object, and
# the `x.f` expressions of the latter (None: not known, the names only)
_Written = tuple[frozenset[str], frozenset[str], tuple[FieldGet, ...] | None]


def _written_names(body: tuple[Stmt, ...]) -> _Written:
    """Names a body may change, unqualified (`f`, `this.f`) and through another object
    (`x.f`, with those expressions): along an assignment target's chain, a call's receiver
    chain, or an argument's chain (a callee may fill the object it is given)."""
    own: set[str] = set()
    qualified: set[str] = set()
    named: list[FieldGet] = []
    for stmt in body:
        if isinstance(stmt, Assign):
            _chain_names(stmt.target, own, qualified, named)
        for e in walk_exprs(stmt):
            if isinstance(e, Call):
                if e.obj is not None:
                    _chain_names(e.obj, own, qualified, named)
                for a in e.args:
                    _chain_names(a, own, qualified, named)
            elif isinstance(e, New):
                for a in e.args:
                    _chain_names(a, own, qualified, named)
    return frozenset(own), frozenset(qualified), tuple(named)


def _deferred(method: MethodIR) -> bool:
    """Whether `method` is a class's `<fields>` whose initialisers are not lowered yet."""
    return isinstance(method.code, BodyRef) and method.code.node_type == FIELDS


def _deferred_written_names(cls: ClassIR | None) -> _Written:
    """`_written_names` of the `<fields>` of `cls` left for later, without lowering them (WSDL2Apex
    classes declare thousands of initialisers, and a field name such as `type` asks for the
    writers of hundreds): each initialised field through `this` (or its class, if static), and
    every identifier an initialiser with a call or a `new` with arguments mentions, both ways: a
    superset of what lowering would find (an array's elements, `new String[]{SOAP_M_URI, 'x'}`,
    are not changed by it)."""
    own: set[str] = set()
    qualified: set[str] = set()
    if cls is None:
        return frozenset(), frozenset(), None
    for f in cls.fields:
        if not f.deferred:
            continue
        if "static" in f.modifiers:
            qualified.add(f.name)
            own.add(cls.name)
        else:
            own.add(f.name)
        if f.calls:
            mentioned = f.refs.split()
            own.update(mentioned)
            qualified.update(mentioned)
    return frozenset(own), frozenset(qualified), None


def _chain_names(e: Expr, own: set[str], qualified: set[str], named: list[FieldGet]) -> None:
    """`a.b[i].c` adds a to `own`, b and c to `qualified` (`a.b`, `a.b[i].c` to `named`);
    `this.b` adds b to `own`."""
    while True:
        if isinstance(e, Name):
            own.add(e.name)
            return
        if isinstance(e, FieldGet):
            if isinstance(e.obj, This):
                own.add(e.name)
            else:
                qualified.add(e.name)
                named.append(e)
            e = e.obj
        elif isinstance(e, Index):
            e = e.obj
        else:
            return
