"""Method bodies for generated Apex: SOQL, DML, loops, maps, try/catch and calls to other classes.

A body is written statement by statement until it reaches its target length, keeping a scope of
typed local variables so every call gets arguments of the right type and every variable is declared
before use. The code is ordinary business logic with no session ID in it: the planted session flows
(`apex_plants`) are the only sources, so the scan's findings are known in advance.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("Open", "Pending", "Approved", "Closed", "Rejected", "Draft")
COMMENTS = (
    "Recalculate before the DML so validation rules see the final values.",
    "Bulkified: one query for the whole batch, never one per record.",
    "Records without an owner are skipped; the nightly job assigns them.",
    "Keep the order stable so that downstream rollups are deterministic.",
    "Guard against governor limits on large data volumes.",
    "The integration user may not see every field; fall back to defaults.",
    "Partial success is allowed here: failed rows are logged and retried.",
)
FIELDS = ("Name", "Status__c", "Amount__c", "Priority__c", "Due_Date__c", "Account__c", "External_Id__c",
          "Description__c")


@dataclass(frozen=True, slots=True)
class Method:
    """A method other classes may call: enough to write a well-typed call to it."""

    owner: str
    name: str
    params: tuple[tuple[str, str], ...]  # (type, name)
    returns: str  # "void" or an Apex type
    static: bool = True


@dataclass
class Scope:
    """Typed locals visible at this point of a method; nested blocks get a copy."""

    vars: dict[str, list[str]] = field(default_factory=dict)

    def add(self, type_: str, name: str) -> None:
        self.vars.setdefault(type_, []).append(name)

    def pick(self, rng: random.Random, type_: str) -> str | None:
        names = self.vars.get(type_)
        return rng.choice(names) if names else None

    def child(self) -> Scope:
        return Scope({k: list(v) for k, v in self.vars.items()})


def default_value(type_: str, rng: random.Random) -> str:
    """A literal of `type_`, for an argument or a return when no local of that type exists."""
    if type_ == "String":
        return f"'{rng.choice(STATUSES)}'"
    if type_ == "Decimal":
        return f"{rng.randint(1, 500)}.0"
    if type_ == "Integer":
        return str(rng.choice((10, 50, 200, 2000)))
    if type_ == "Boolean":
        return rng.choice(("true", "false"))
    if type_ == "Id":
        return "UserInfo.getUserId()"
    if type_.startswith(("List<", "Set<", "Map<")):
        return f"new {type_}()"
    return "null"


class Body:
    """Writes one method body into `out` (the file's lines) at a fixed indentation."""

    def __init__(self, out: list[str], rng: random.Random, sobject: str, callees: list[Method],
                 indent: int = 2, credential: str | None = None) -> None:
        self.out = out
        self.rng = rng
        self.sobject = sobject
        self.callees = callees
        self.credential = credential  # Named Credential of an integration class: it makes callouts
        self.depth = indent
        self.used: dict[str, int] = {}

    # -- primitives -------------------------------------------------------------------------------
    def emit(self, text: str) -> int:
        """Append one line; returns its 1-based line number in the file (for the plant manifest)."""
        self.out.append("    " * self.depth + text if text else "")
        return len(self.out)

    def fresh(self, stem: str) -> str:
        """A variable name not yet used in this method (Apex rejects shadowing in nested blocks)."""
        n = self.used.get(stem, 0)
        self.used[stem] = n + 1
        return stem if n == 0 else f"{stem}{n + 1}"

    def block(self, header: str, fill: Callable[[], Any], closer: str = "}") -> None:
        self.emit(header)
        self.depth += 1
        fill()
        self.depth -= 1
        self.emit(closer)

    def arg(self, scope: Scope, type_: str) -> str:
        found = scope.pick(self.rng, type_) if self.rng.random() < 0.85 else None
        return found or default_value(type_, self.rng)

    # -- whole body -------------------------------------------------------------------------------
    def write(self, scope: Scope, target: int, returns: str) -> None:
        """Statements until the body is about `target` lines long, then the return."""
        start = len(self.out)
        if returns != "void" and self.rng.random() < 0.3:
            self.guard(scope, returns)
        while len(self.out) - start < target - 1:
            self.statement(scope, top=True)
        if returns != "void":
            self.emit(f"return {self.arg(scope, returns)};")

    def statement(self, scope: Scope, top: bool = False) -> None:
        """One statement, chosen with weights that look like service-layer Apex."""
        choices: list[tuple[Callable[[Scope], None], int]] = [
            (self.query, 4), (self.call, 7 if self.callees else 0), (self.loop, 4 if top else 1),
            (self.collect_ids, 2), (self.index_by_id, 2), (self.dml, 3 if top else 1), (self.decimal, 2),
            (self.format_text, 2), (self.aggregate, 1 if top else 0), (self.save_results, 1 if top else 0),
            (self.switch, 1 if top else 0), (self.build_records, 2 if top else 0), (self.comment, 2),
            (self.callout, 4 if top and self.credential else 0),
        ]
        funcs = [f for f, _ in choices]
        weights = [w for _, w in choices]
        self.rng.choices(funcs, weights)[0](scope)

    # -- statements -------------------------------------------------------------------------------
    def guard(self, scope: Scope, returns: str) -> None:
        lst = scope.pick(self.rng, f"List<{self.sobject}>") or scope.pick(self.rng, "Set<Id>")
        if lst is None:
            return
        self.block(f"if ({lst} == null || {lst}.isEmpty()) {{",
                   lambda: self.emit(f"return {default_value(returns, self.rng)};"))

    def comment(self, scope: Scope) -> None:
        self.emit(f"// {self.rng.choice(COMMENTS)}")

    def query(self, scope: Scope) -> None:
        s = self.sobject
        cols = ", ".join(["Id", *self.rng.sample(FIELDS, 3)])
        ids = scope.pick(self.rng, "Set<Id>")
        status = scope.pick(self.rng, "String")
        name = self.fresh("records")
        if ids and self.rng.random() < 0.5:
            where = f"Id IN :{ids}"
        elif status:
            where = f"Status__c = :{status}"
        else:
            where = f"Status__c = '{self.rng.choice(STATUSES)}'"
        self.emit(f"List<{s}> {name} = [")
        self.emit(f"    SELECT {cols}")
        self.emit(f"    FROM {s}")
        self.emit(f"    WHERE {where}")
        self.emit(f"    ORDER BY CreatedDate DESC LIMIT {self.rng.choice((50, 200, 1000))}")
        self.emit("];")
        scope.add(f"List<{s}>", name)

    def call(self, scope: Scope) -> None:
        m = self.rng.choice(self.callees)
        args = ", ".join(self.arg(scope, t) for t, _ in m.params)
        target = m.owner if m.static else f"new {m.owner}()"
        expr = f"{target}.{m.name}({args})"
        if m.returns == "void":
            self.emit(f"{expr};")
            return
        name = self.fresh(_stem(m.returns))
        self.emit(f"{m.returns} {name} = {expr};")
        scope.add(m.returns, name)

    def loop(self, scope: Scope) -> None:
        s = self.sobject
        lst = scope.pick(self.rng, f"List<{s}>")
        if lst is None:
            self.query(scope)
            return
        rec = self.fresh("rec")
        total = self.fresh("total")
        skipped = self.fresh("skipped")
        self.emit(f"Decimal {total} = 0;")
        self.emit(f"List<Id> {skipped} = new List<Id>();")
        inner = scope.child()
        inner.add(s, rec)

        def body() -> None:
            self.block(f"if ({rec}.Amount__c != null && {rec}.Amount__c > {self.rng.randint(10, 900)}) {{",
                       lambda: self.approve(rec, total), "} else {")
            self.depth += 1
            self.emit(f"{skipped}.add({rec}.Id);")
            if self.rng.random() < 0.4:
                self.statement(inner)
            self.depth -= 1
            self.emit("}")

        self.block(f"for ({s} {rec} : {lst}) {{", body)
        scope.add("Decimal", total)

    def approve(self, rec: str, total: str) -> None:
        self.emit(f"{rec}.Status__c = '{self.rng.choice(STATUSES)}';")
        self.emit(f"{total} += {rec}.Amount__c;")

    def collect_ids(self, scope: Scope) -> None:
        lst = scope.pick(self.rng, f"List<{self.sobject}>")
        if lst is None:
            return
        ids, rec = self.fresh("ids"), self.fresh("row")
        self.emit(f"Set<Id> {ids} = new Set<Id>();")
        self.block(f"for ({self.sobject} {rec} : {lst}) {{", lambda: self.emit(f"{ids}.add({rec}.Id);"))
        scope.add("Set<Id>", ids)

    def index_by_id(self, scope: Scope) -> None:
        lst = scope.pick(self.rng, f"List<{self.sobject}>")
        if lst is None:
            return
        name = self.fresh("byId")
        self.emit(f"Map<Id, {self.sobject}> {name} = new Map<Id, {self.sobject}>({lst});")
        scope.add(f"Map<Id, {self.sobject}>", name)
        if self.rng.random() < 0.5:
            key = self.fresh("key")
            self.block(f"for (Id {key} : {name}.keySet()) {{",
                       lambda: self.emit(f"{name}.get({key}).Priority__c = {self.rng.randint(1, 5)};"))

    def dml(self, scope: Scope) -> None:
        lst = scope.pick(self.rng, f"List<{self.sobject}>")
        if lst is None:
            return
        op = self.rng.choice(("update", "insert", "upsert", "delete"))
        err = self.fresh("e")

        def handler() -> None:
            self.emit(f"Logger.error('{self.sobject} {op} failed', {err}.getMessage());")
            if self.rng.random() < 0.5:
                self.emit(f"throw new AuraHandledException({err}.getMessage());")

        self.block("try {", lambda: self.emit(f"{op} {lst};"), f"}} catch (DmlException {err}) {{")
        self.depth += 1
        handler()
        self.depth -= 1
        self.emit("}")

    def decimal(self, scope: Scope) -> None:
        name = self.fresh("rate")
        base = scope.pick(self.rng, "Decimal") or f"{self.rng.randint(100, 5000)}.0"
        self.emit(f"Decimal {name} = {base} > {self.rng.randint(500, 5000)} ? 0.05 : 0.02;")
        scope.add("Decimal", name)

    def format_text(self, scope: Scope) -> None:
        name = self.fresh("summary")
        a = scope.pick(self.rng, "Decimal") or "0"
        lst = scope.pick(self.rng, f"List<{self.sobject}>")
        count = f"{lst}.size()" if lst else "0"
        self.emit(f"String {name} = String.format('{{0}} records, total {{1}}', new List<Object>{{ {count}, {a} }});")
        scope.add("String", name)

    def aggregate(self, scope: Scope) -> None:
        groups, ar, n = self.fresh("groups"), self.fresh("ar"), self.fresh("countByStatus")
        self.emit(f"Map<String, Integer> {n} = new Map<String, Integer>();")
        self.emit(f"AggregateResult[] {groups} = [SELECT Status__c st, COUNT(Id) cnt FROM {self.sobject} "
                  "GROUP BY Status__c];")
        self.block(f"for (AggregateResult {ar} : {groups}) {{",
                   lambda: self.emit(f"{n}.put((String) {ar}.get('st'), (Integer) {ar}.get('cnt'));"))

    def save_results(self, scope: Scope) -> None:
        lst = scope.pick(self.rng, f"List<{self.sobject}>")
        if lst is None:
            return
        results, sr, failures = self.fresh("results"), self.fresh("sr"), self.fresh("failures")
        self.emit(f"Integer {failures} = 0;")
        self.emit(f"Database.SaveResult[] {results} = Database.update({lst}, false);")

        def body() -> None:
            self.block(f"if (!{sr}.isSuccess()) {{", lambda: (
                self.emit(f"{failures}++;"),
                self.emit(f"Logger.error('save failed', String.valueOf({sr}.getErrors()));")))

        self.block(f"for (Database.SaveResult {sr} : {results}) {{", body)
        scope.add("Integer", failures)

    def switch(self, scope: Scope) -> None:
        status = scope.pick(self.rng, "String")
        if status is None:
            return
        flag = self.fresh("escalate")
        self.emit(f"Boolean {flag} = false;")
        self.emit(f"switch on {status} {{")
        self.depth += 1
        for label in self.rng.sample(STATUSES, 2):
            self.block(f"when '{label}' {{", lambda: self.emit(f"{flag} = {self.rng.choice(('true', 'false'))};"))
        self.block("when else {", lambda: self.emit(f"{flag} = !{flag};"))
        self.depth -= 1
        self.emit("}")
        scope.add("Boolean", flag)

    def build_records(self, scope: Scope) -> None:
        name, i = self.fresh("created"), self.fresh("i")
        s = self.sobject
        self.emit(f"List<{s}> {name} = new List<{s}>();")
        self.block(f"for (Integer {i} = 0; {i} < {self.rng.choice((5, 10, 25))}; {i}++) {{", lambda: self.emit(
            f"{name}.add(new {s}(Name = 'Item ' + {i}, Status__c = '{self.rng.choice(STATUSES)}', "
            f"Amount__c = {i} * 10));"))
        scope.add(f"List<{s}>", name)


    def callout(self, scope: Scope) -> None:
        """A partner callout through the class's Named Credential: no session involved."""
        req, res = self.fresh("req"), self.fresh("res")
        lst = scope.pick(self.rng, f"List<{self.sobject}>")
        self.emit(f"HttpRequest {req} = new HttpRequest();")
        self.emit(f"{req}.setEndpoint('callout:{self.credential}/v1/{self.sobject.lower()}');")
        self.emit(f"{req}.setMethod('POST');")
        self.emit(f"{req}.setHeader('Content-Type', 'application/json');")
        self.emit(f"{req}.setBody(JSON.serialize({lst or 'new Map<String, Object>()'}));")
        self.emit(f"HttpResponse {res} = new Http().send({req});")
        self.block(f"if ({res}.getStatusCode() != 200) {{",
                   lambda: self.emit(f"Logger.error('partner rejected the update', {res}.getBody());"))


def _stem(type_: str) -> str:
    """A variable name for a value of `type_`, as a person would write it."""
    if type_.startswith("List<"):
        return "rows"
    if type_.startswith("Set<"):
        return "idSet"
    if type_.startswith("Map<"):
        return "index"
    return {"String": "label", "Decimal": "amount", "Integer": "count", "Boolean": "ok", "Id": "recordId"}.get(
        type_, "item")
