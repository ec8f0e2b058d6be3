"""Apex source for one planned class: declaration by role, fields, properties, constructors, methods.

Entry points are written by role (trigger handlers, batch/queueable/schedulable jobs, controllers,
REST resources, tests); library classes get their planned public methods and private helpers until
they reach their target length. Planted session flows are added to their host class last.
"""

from __future__ import annotations

import random

from benchmarks.apex_body import Body, Method, Scope
from benchmarks.apex_plan import ClassPlan
from benchmarks.apex_plants import ASYNC_CALLERS, PLANT_HOSTS, Planted, plant_lines

DOCS = {
    "Model": "A view of the records for pages and integrations, with computed totals.",
    "Util": "Small pure helpers shared by the layers of this object.",
    "Selector": "Every query on this object: one place to enforce field lists and sharing.",
    "Validator": "Business rules checked before DML, so triggers and services agree.",
    "Calculator": "Rollups and scoring; kept apart from DML so it can run in tests without data.",
    "Mapper": "Conversions between records and integration payloads.",
    "Service": "The business operations on this object; triggers, jobs and pages call these.",
    "Integration": "Outbound integration with the partner system for this object.",
    "StandardProcessor": "Processes records one status at a time.",
    "BulkProcessor": "Processes large volumes in chunks that respect governor limits.",
    "TriggerHandler": "Trigger logic for this object, called by TriggerDispatcher.",
    "Controller": "Controller for the object's Visualforce page and Lightning components.",
    "Batch": "Nightly recalculation over all open records.",
    "Queueable": "Follow-up work queued after large updates.",
    "Scheduler": "Schedules the nightly batch.",
    "RestApi": "REST endpoint used by the mobile app.",
}


def write_class(plan: ClassPlan, rng: random.Random, rel: str) -> tuple[str, list[Planted]]:
    """The `.cls` text for `plan`, and the session sources planted in it."""
    out: list[str] = []
    planted: list[Planted] = []
    s = plan.domain.sobject
    if plan.role == "IProcessor":
        out += [f"/** Strategy for processing {s} records; see the Standard and Bulk processors. */",
                f"public interface {plan.name} {{",
                f"    List<{s}> process(List<{s}> records);",
                "    Boolean supports(String status);",
                f"    Decimal score(List<{s}> records, Decimal threshold);", "}"]
        return "\n".join(out) + "\n", planted
    if plan.role == "ServiceTest":
        _write_test(plan, rng, out)
        return "\n".join(out) + "\n", planted
    out += ["/**", f" * {DOCS[plan.role]}", " */", *_declaration(plan).split("\n")]
    _fields(plan, rng, out)
    if plan.role in ("Model", "StandardProcessor", "BulkProcessor", "Controller", "Batch", "Queueable",
                     "TriggerHandler"):
        _constructors(plan, out)
    _entry_points(plan, rng, out)
    for m in plan.methods:
        _method(plan, rng, out, m, public=True)
    n = 0
    while len(out) < plan.target_lines - 12:
        n += 1
        helper = Method(plan.name, f"apply{rng.choice(('Defaults', 'Rules', 'Limits', 'Ordering'))}{n}",
                        (("String", "status"), (f"List<{s}>", "records")), rng.choice(("void", "Integer")),
                        static=plan.role not in ("StandardProcessor", "BulkProcessor", "Model"))
        _method(plan, rng, out, helper, public=False)
    for kind in plan.domain.plants:
        if PLANT_HOSTS[kind][0] == plan.role:
            planted += _plant(plan, kind, out, rel)
    _inner_class(plan, out)
    out.append("}")
    return "\n".join(out) + "\n", planted


def _declaration(plan: ClassPlan) -> str:
    s, d = plan.domain.sobject, plan.domain.name
    return {
        "Selector": f"public inherited sharing class {plan.name} {{",
        "StandardProcessor": f"public with sharing class {plan.name} implements I{d}Processor {{",
        "BulkProcessor": f"public with sharing class {plan.name} implements I{d}Processor {{",
        "TriggerHandler": f"public with sharing class {plan.name} implements ITriggerHandler {{",
        "Batch": f"public with sharing class {plan.name} implements Database.Batchable<SObject>, "
                 "Database.Stateful {",
        "Queueable": f"public with sharing class {plan.name} implements Queueable, Database.AllowsCallouts {{",
        "Scheduler": f"public with sharing class {plan.name} implements Schedulable {{",
        "RestApi": f"@RestResource(urlMapping='/{s.lower()}/v1/*')\nglobal with sharing class {plan.name} {{",
    }.get(plan.role, f"public with sharing class {plan.name} {{")


def _fields(plan: ClassPlan, rng: random.Random, out: list[str]) -> None:
    out += [f"    private static final Integer BATCH_SIZE = {rng.choice((50, 100, 200))};",
            f"    private static final String DEFAULT_STATUS = '{rng.choice(('Open', 'Draft', 'Pending'))}';",
            "    @TestVisible", "    private static Boolean bypass = false;"]
    if plan.role in ("Model", "StandardProcessor", "BulkProcessor", "Controller", "Batch", "Queueable",
                     "TriggerHandler"):
        out += ["    private Id ownerId;", "    private Set<Id> ids = new Set<Id>();",
                "    public String label { get; set; }", "    public Decimal runningTotal { get; private set; }"]
    if plan.role == "Controller":
        out += [f"    public List<{plan.domain.sobject}> records {{ get; set; }}",
                "    public String filterStatus { get; set; }"]
    out.append("")


def _constructors(plan: ClassPlan, out: list[str]) -> None:
    out += [f"    public {plan.name}() {{", "        this(UserInfo.getUserId());", "    }", "",
            f"    public {plan.name}(Id ownerId) {{", "        this.ownerId = ownerId;",
            "        this.runningTotal = 0;", "        this.label = DEFAULT_STATUS;", "    }", ""]


def _method(plan: ClassPlan, rng: random.Random, out: list[str], m: Method, public: bool) -> None:
    params = ", ".join(f"{t} {n}" for t, n in m.params)
    visibility = ("global" if plan.role == "RestApi" else "public") if public else "private"
    static = " static" if m.static else ""
    if public and rng.random() < 0.5:
        out.append(f"    /** {m.name[0].upper()}{m.name[1:]} for the given {plan.domain.name} records. */")
    out.append(f"    {visibility}{static} {m.returns} {m.name}({params}) {{")
    scope = Scope()
    for t, n in m.params:
        scope.add(t, n)
    _body(plan, rng, out).write(scope, rng.randint(8, 56), m.returns)
    out += ["    }", ""]


def _body(plan: ClassPlan, rng: random.Random, out: list[str]) -> Body:
    credential = f"{plan.domain.name}_API" if plan.role == "Integration" else None
    return Body(out, rng, plan.domain.sobject, plan.callees, credential=credential)


def _entry(plan: ClassPlan, rng: random.Random, out: list[str], header: str, scope: Scope,
           returns: str = "void", first: tuple[str, ...] = (), size: tuple[int, int] = (8, 40)) -> None:
    """A method whose signature the platform fixes (execute, beforeInsert ...)."""
    *annotations, signature = header.split("\n")
    out += [f"    {a.strip()}" for a in annotations]
    out.append(f"    {signature.strip()} {{")
    for line in first:
        out.append(f"        {line}")
    _body(plan, rng, out).write(scope, rng.randint(*size), returns)
    out += ["    }", ""]


def _entry_points(plan: ClassPlan, rng: random.Random, out: list[str]) -> None:
    s, d = plan.domain.sobject, plan.domain.name
    role = plan.role
    recs = Scope({f"List<{s}>": ["records"]})
    cast = (f"List<{s}> records = (List<{s}>) newRecords;",)
    async_call = tuple(f"{d}Service.{method}(this.ids);" for kind, (caller, method) in ASYNC_CALLERS.items()
                       if caller == role and kind in plan.domain.plants)
    if role == "TriggerHandler":
        for event in ("beforeInsert", "afterInsert"):
            _entry(plan, rng, out, f"public void {event}(List<SObject> newRecords)", recs.child(), first=cast)
        for event in ("beforeUpdate", "afterUpdate"):
            _entry(plan, rng, out, f"public void {event}(List<SObject> newRecords, Map<Id, SObject> oldMap)",
                   recs.child(), first=cast)
    elif role == "Batch":
        out += ["    public Database.QueryLocator start(Database.BatchableContext bc) {",
                f"        return Database.getQueryLocator([SELECT Id, Name, Status__c FROM {s} "
                "WHERE Status__c = :DEFAULT_STATUS]);", "    }", ""]
        _entry(plan, rng, out, "public void execute(Database.BatchableContext bc, List<SObject> scope)",
               recs.child(), first=(f"List<{s}> records = (List<{s}>) scope;", *async_call))
        _entry(plan, rng, out, "public void finish(Database.BatchableContext bc)", Scope(), size=(4, 12))
    elif role == "Queueable":
        _entry(plan, rng, out, "public void execute(QueueableContext ctx)", Scope({"Set<Id>": ["ids"]}),
               first=async_call)
    elif role == "Scheduler":
        out += ["    public void execute(SchedulableContext sc) {",
                f"        Database.executeBatch(new {d}Batch(), BATCH_SIZE);", "    }", "",
                "    public static String scheduleNightly() {",
                f"        return System.schedule('{d} nightly', '0 0 2 * * ?', new {plan.name}());", "    }", ""]
    elif role == "Controller":
        _entry(plan, rng, out, "public PageReference save()", Scope({f"List<{s}>": ["records"]}),
               returns="PageReference", size=(6, 30))
        _entry(plan, rng, out, f"@AuraEnabled(cacheable=true)\n    public static List<{s}> fetch(String status)",
               Scope({"String": ["status"]}), returns=f"List<{s}>")
        _entry(plan, rng, out, "@RemoteAction\n    public static Integer countOpen(String status)",
               Scope({"String": ["status"]}), returns="Integer", size=(4, 16))
    elif role == "RestApi":
        _entry(plan, rng, out, f"@HttpGet\n    global static List<{s}> doGet()",
               Scope({"String": ["RestContext.request.params.get('status')"]}), returns=f"List<{s}>")
        _entry(plan, rng, out, "@HttpPost\n    global static String doPost(String status, Decimal threshold)",
               Scope({"String": ["status"], "Decimal": ["threshold"]}), returns="String")


def _plant(plan: ClassPlan, kind: str, out: list[str], rel: str) -> list[Planted]:
    lines = plant_lines(kind, plan.domain.sobject, plan.domain.name)
    planted: list[Planted] = []
    expect = PLANT_HOSTS[kind][1]
    for text in lines:
        out.append(f"    {text}")
        if "getSessionId()" in text and expect:
            planted.append(Planted(rel, len(out), kind, expect))
        elif "getContent()" in text:  # the page trick: the Apex call is a source of its own (SID007)
            planted.append(Planted(rel, len(out), f"{kind}-apex", ("SID007",)))
    out.append("")
    return planted


def _inner_class(plan: ClassPlan, out: list[str]) -> None:
    """Services carry their exception type; models and integrations a small wrapper class."""
    if plan.role == "Service":
        out += [f"    public class {plan.domain.name}ServiceException extends Exception {{}}"]
    elif plan.role in ("Model", "Integration", "Mapper"):
        out += ["    public class LineItem {", "        public String label;", "        public Decimal amount;",
                "        public LineItem(String label, Decimal amount) {", "            this.label = label;",
                "            this.amount = amount;", "        }", "    }"]


def _write_test(plan: ClassPlan, rng: random.Random, out: list[str]) -> None:
    s, d = plan.domain.sobject, plan.domain.name
    out += ["@isTest", f"private class {plan.name} {{", "    @TestSetup", "    static void setup() {",
            f"        List<{s}> rows = new List<{s}>();", "        for (Integer i = 0; i < 20; i++) {",
            f"            rows.add(new {s}(Name = 'Test ' + i, Status__c = 'Open', Amount__c = i * 100));",
            "        }", "        insert rows;", "    }", ""]
    n = 0
    while len(out) < plan.target_lines - 8:
        n += 1
        out += ["    @isTest", f"    static void behavesAsExpected{n}() {{",
                f"        List<{s}> records = [SELECT Id, Name, Status__c, Amount__c FROM {s}];",
                "        Test.startTest();"]
        Body(out, rng, s, plan.callees).write(Scope({f"List<{s}>": ["records"]}), rng.randint(4, 20), "void")
        out += ["        Test.stopTest();",
                f"        System.assertEquals(20, [SELECT COUNT() FROM {s}], '{d} rows must survive');",
                "    }", ""]
    out.append("}")
