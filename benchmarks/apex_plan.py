"""The shape of a generated package before any code is written: domains, classes, their public methods.

Planning first lets every method body call methods of other classes with the right argument
types. Classes sit in layers (models, selectors, domain logic, services, entry points, tests) and
call downwards, across domains too; a few calls go sideways between services of different domains,
so the call graph has the occasional cycle real packages have.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from benchmarks.apex_body import Method
from benchmarks.apex_plants import PLANT_HOSTS

NOUNS = (
    "Invoice", "Shipment", "Donation", "Pledge", "Campaign", "Grant", "Payment", "Allocation", "Membership",
    "Volunteer", "Household", "Affiliation", "Engagement", "Program", "Enrollment", "Ticket", "Contract",
    "Quote", "Asset", "Warranty", "Claim", "Policy", "Booking", "Inventory", "Vendor", "Receipt", "Refund",
    "Subscription", "Renewal", "Territory", "Forecast", "Budget", "Expense", "Timesheet", "Milestone",
    "Survey", "Feedback", "Escalation", "Visit", "Route", "Device", "Meter", "Reading", "Lesson", "Course",
)
VERBS = ("recalculate", "approve", "validate", "summarize", "assign", "merge", "archive", "sync", "distribute",
         "reconcile", "rollup", "normalize", "score", "enrich", "allocate", "close", "reopen", "escalate",
         "prepare", "refresh", "match", "split", "schedule", "review")
OBJECTS = ("Records", "Totals", "Owners", "Balances", "Schedules", "Allocations", "Lines", "Statuses",
           "Priorities", "Duplicates", "Batches", "Links", "Payments", "Reminders", "Rollups")

# (role, layer): layer N calls layers < N of its own domain and of a few others.
ROLES: tuple[tuple[str, int], ...] = (
    ("Model", 0), ("IProcessor", 0), ("Util", 1), ("Selector", 1), ("Validator", 2), ("Calculator", 2),
    ("Mapper", 2), ("Service", 3), ("Integration", 3), ("StandardProcessor", 3), ("BulkProcessor", 3),
    ("TriggerHandler", 4), ("Controller", 4), ("Batch", 4), ("Queueable", 4), ("Scheduler", 4),
    ("RestApi", 4), ("ServiceTest", 5),
)
LIBRARY_ROLES = frozenset({"Util", "Selector", "Validator", "Calculator", "Mapper", "Service", "Integration"})
SHARED_CLASSES = ("ITriggerHandler", "TriggerDispatcher", "Logger", "SessionProvider", "OrgApiClient",
                  "ExternalGateway", "NotificationRelay")
PLANT_KINDS = ("org-callout", "async-org", "export-relay", "log", "url-param", "client", "shared-provider",
               "batch-org", "future-export", "vf-content")
PLANT_RATE = 0.45  # chance that a domain (18 classes) holds one more planted session flow


@dataclass
class Domain:
    index: int
    name: str
    plants: list[str] = field(default_factory=list)

    @property
    def sobject(self) -> str:
        return f"{self.name}__c"


@dataclass
class ClassPlan:
    name: str
    role: str
    layer: int
    domain: Domain
    target_lines: int
    methods: list[Method] = field(default_factory=list)
    callees: list[Method] = field(default_factory=list)


@dataclass
class PackagePlan:
    domains: list[Domain]
    classes: list[ClassPlan]
    namespace: str = "bnch"


def plan_package(classes: int, rng: random.Random) -> PackagePlan:
    """Domains of up to 18 classes each until `classes` classes (the shared ones included)."""
    wanted = max(classes - len(SHARED_CLASSES), len(ROLES) // 2)
    domains = [Domain(i, _domain_name(i)) for i in range(math.ceil(wanted / len(ROLES)))]
    plans: list[ClassPlan] = []
    for domain in domains:
        for role, layer in ROLES:
            if len(plans) >= wanted:
                break
            plans.append(ClassPlan(f"{domain.name}{role}" if role != "IProcessor" else f"I{domain.name}Processor",
                                   role, layer, domain, _target_lines(role, rng)))
    domains = [d for d in domains if any(p.domain is d for p in plans)]
    _assign_plants(domains, plans, rng)
    for plan in plans:
        plan.methods = _public_methods(plan, rng)
    _assign_callees(plans, rng)
    return PackagePlan(domains, plans)


def _domain_name(i: int) -> str:
    noun = NOUNS[i % len(NOUNS)]
    return noun if i < len(NOUNS) else f"{noun}{i // len(NOUNS) + 1}"


def _target_lines(role: str, rng: random.Random) -> int:
    """Class length: log-normal around 250 lines, clipped to 100-600 (interfaces are short)."""
    if role == "IProcessor":
        return 20
    if role in ("Model", "ServiceTest", "Scheduler"):
        return rng.randint(100, 220)
    return int(min(600, max(100, rng.lognormvariate(math.log(235), 0.5))))


def _assign_plants(domains: list[Domain], plans: list[ClassPlan], rng: random.Random) -> None:
    """Every kind at least once (round robin over domains that have its host class), then more at
    a low rate, like a real package."""
    roles = {(p.domain.index, p.role) for p in plans}

    def hosts(kind: str) -> list[Domain]:
        return [d for d in domains if (d.index, PLANT_HOSTS[kind][0]) in roles]

    for k, kind in enumerate(PLANT_KINDS):
        candidates = hosts(kind)
        if candidates:
            candidates[k % len(candidates)].plants.append(kind)
    for domain in domains[len(PLANT_KINDS):]:
        kind = rng.choice(PLANT_KINDS)
        if rng.random() < PLANT_RATE and domain in hosts(kind) and kind not in domain.plants:
            domain.plants.append(kind)


def _param_palette(s: str) -> list[tuple[str, str]]:
    return [(f"List<{s}>", "records"), ("Set<Id>", "ids"), ("String", "status"), ("Decimal", "threshold"),
            ("Id", "recordId"), (f"Map<Id, {s}>", "existing"), ("Integer", "limitSize"), ("Boolean", "dryRun")]


def _public_methods(plan: ClassPlan, rng: random.Random) -> list[Method]:
    """The methods other classes may call; entry points (execute, triggers) are written by role."""
    s = plan.domain.sobject
    if plan.role not in LIBRARY_ROLES and plan.role not in ("IProcessor", "StandardProcessor", "BulkProcessor",
                                                              "Model"):
        return []
    if plan.role in ("IProcessor", "StandardProcessor", "BulkProcessor"):
        return [Method(plan.name, "process", ((f"List<{s}>", "records"),), f"List<{s}>", static=False),
                Method(plan.name, "supports", (("String", "status"),), "Boolean", static=False),
                Method(plan.name, "score", ((f"List<{s}>", "records"), ("Decimal", "threshold")), "Decimal",
                       static=False)]
    if plan.role == "Model":
        return [Method(plan.name, "fromRecords", ((f"List<{s}>", "records"),), "String"),
                Method(plan.name, "totalOf", ((f"List<{s}>", "records"),), "Decimal")]
    count = max(2, plan.target_lines // 38)
    returns = ["void", f"List<{s}>", "Decimal", "Integer", "String", "Boolean", "Set<Id>", f"Map<Id, {s}>"]
    if plan.role == "Selector":
        returns = [f"List<{s}>"] * 4 + [f"Map<Id, {s}>", "Integer"]
    names: set[str] = set()
    out: list[Method] = []
    while len(out) < count:
        name = (f"selectBy{rng.choice(('Status', 'Ids', 'Owner', 'Account', 'DueDate'))}{len(out)}"
                if plan.role == "Selector" else f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}")
        if name in names:
            continue
        names.add(name)
        params = tuple(rng.sample(_param_palette(s), rng.randint(1, 3)))
        out.append(Method(plan.name, name, params, rng.choice(returns)))
    return out


def _assign_callees(plans: list[ClassPlan], rng: random.Random) -> None:
    """Own domain's lower layers, plus a few lower-layer classes of other domains."""
    by_domain: dict[int, list[ClassPlan]] = {}
    for p in plans:
        by_domain.setdefault(p.domain.index, []).append(p)
    libraries = [p for p in plans if p.role in ("Service", "Selector", "Calculator", "Util")]
    for p in plans:
        own = [m for q in by_domain[p.domain.index] if q.layer < p.layer and q.role != "IProcessor"
               for m in q.methods]
        others: list[Method] = []
        if p.layer >= 2 and libraries:
            for q in rng.sample(libraries, min(2, len(libraries))):
                sideways = q.layer == p.layer and rng.random() < 0.03  # the rare cycle
                if q.domain is not p.domain and (q.layer < p.layer or sideways):
                    others.extend(rng.sample(q.methods, min(2, len(q.methods))))
        pool = own + others
        p.callees = rng.sample(pool, min(14, len(pool)))
