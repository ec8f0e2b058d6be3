"""Per-object text fields (a client's or a job's token and endpoint) in small packages: each is
scanned and must give exactly the rules listed. Objects made with `new` keep what their
constructors set; a method the platform runs (a Queueable's or Batchable's `execute`) is read
over every object the package makes; setters, builders, aliases, lists and inheritance still
reach the field store, so nothing a session really reaches is lost.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan

DATA = Path(__file__).resolve().parent / "data" / "object_state"

CASES = {
    "01": ("a job made in a helper from the helper's parameter", ["SID002"]),
    "02": ("a job made by a static factory", ["SID002"]),
    "03": ("constructor chaining: this(session, partner)", ["SID002"]),
    "05": ("a field initialiser reads the session, the class's own constructor sets other fields", ["SID002"]),
    "05b": ("the same, made by the package with new", ["SID002"]),
    "06": ("a setter gives a new object the session", ["SID002"]),
    "07": ("a builder: new C().withToken(sid).withEndpoint(partner)", ["SID002"]),
    "08": ("a job kept in a list, enqueued from it", ["SID002"]),
    "09": ("a job extending a base class whose constructor keeps the token (super(token))", ["SID002"]),
    "10": ("an inner-class job puts the session in its URL", ["SID002", "SID006"]),
    "11": ("two constructors: the session with the org, a partner key with a partner", ["SID010"]),
    "12": ("two constructors both take the session, one points at a partner", ["SID002", "SID010"]),
    "13": ("a global client whose endpoint its outside callers choose", ["SID002"]),
    "14": ("a job made in another class's constructor from its parameter", ["SID002"]),
    "16": ("an alias of a new object pointed at a partner through a public field", ["SID002"]),
    "17": ("a Batchable made in a helper logs the session", ["SID003"]),
    "18": ("a method the package calls on a new object made in a helper", ["SID002"]),
    "19": ("a job made in a helper deletes a remote site through a SOAP envelope", ["SID004"]),
    "20": ("two constructors, both made: the session with the org, a setting's key with a partner", ["SID010"]),
    "21": ("the same, the partner's constructor never made", ["SID010"]),
    "22": ("a constructor that chains to this() and then points at a partner", ["SID002"]),
    "23": ("chained jobs: the first hands its session to the next, which exports it", ["SID002"]),
    # classes the package never makes itself: whoever makes the object, its initialisers and a
    # constructor run (T-14)
    "24": ("a global client made by subscribers keeps the org's URL in a field initialiser", ["SID010"]),
    "25": ("a Callable made by Type.forName keeps the org's URL in a field initialiser", ["SID010"]),
    "26": ("a Schedulable scheduled from Setup: the org's URL in a field, the session null", ["SID001"]),
    "27": ("a global client's constructor sets the org's URL", ["SID010"]),
    "28": ("the org's URL from a field initialiser extended by a helper's url +=", ["SID010"]),
    "29": ("a global client's field initialiser points at a partner", ["SID002"]),
    "30": ("a second constructor replaces the initialiser's org URL with its caller's", ["SID002"]),
    # a SOAP port's header object, its sessionId set before it is attached: what that port sends,
    # not what another port's header holds
    "31": ("two ports: the session's header for the org, a connected org's token for another org", ["SID010"]),
    "32": ("a header attached first, its sessionId set after, on a port pointed at a partner", ["SID002"]),
    # objects whose callers set their fields after `new`: what one caller set, on an object
    # it never hands on, is all a call on it reads; an object handed on may hold what any holds
    "33": ("two clients set up after new: the session with the org, a key with a partner", ["SID010"]),
    "34": ("a client set up after new, pointed at a partner through another variable", ["SID002"]),
    "35": ("a client set up after new, pointed at a partner by a helper it is passed to", ["SID002"]),
    # an object printed (System.debug, JSON.serialize) holds what it was given, not every
    # object's fields, when it is made here and never handed on (AA-1)
    "36": ("an object made and logged, another of its class given the session and handed on", ["SID011"]),
    "37": ("an object made from the client's JSON, sent back, another given the session", ["SID011"]),
    "38": ("an object made here, given the session, logged", ["SID003"]),
    "39": ("an object made here, given the session by a helper it is passed to, logged", ["SID003"]),
    "40": ("an object made from JSON text that holds the session, logged", ["SID003"]),
    "41": ("a list of objects made here, sent back as JSON, another given the session", ["SID011"]),
    "42": ("an object in a list made here, given the session after it was added, logged", ["SID003"]),
    "43": ("a list made here, each of its objects given the session in a loop, logged", ["SID003"]),
}

# The endpoint each case above sends the session to, as its message prints it
ENDPOINTS = {
    "24": "(<org URL>/services/data/v61.0/limits)",
    "25": "(<org URL>/services/data/v61.0/limits)",
    "27": "(<org URL>/services/data/v61.0/limits)",
    "28": "(<org URL>/services/data/v61.0/query?q=SELECT+Id+FROM+Account)",
    "29": "https://collector.partner.example/ingest",
    "30": "(<unknown>/services/data/v61.0/limits: the endpoint comes from a value apexlint cannot read)",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_object_gives_its_verdicts(case: str) -> None:
    what, rules = CASES[case]
    root = DATA / case
    result = scan(ScanOptions(paths=(root,), root=root, jobs=1))
    found = Counter(f.rule_id for f in result.findings)
    assert found == Counter(rules), f"{case} ({what}): {sorted(found.elements())}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_demand_driven_analysis_gives_what_every_method_analysed_gives(case: str) -> None:
    root = DATA / case
    shown = [scan(ScanOptions(paths=(root,), root=root, jobs=1, exhaustive=full)) for full in (False, True)]
    demand, exhaustive = ([(f.rule_id, f.location, f.message) for f in r.findings] for r in shown)
    assert demand == exhaustive


@pytest.mark.parametrize("case", sorted(ENDPOINTS))
def test_a_field_is_read_as_its_objects_hold_it_not_as_a_parameter(case: str) -> None:
    """The message names where each object's field points; a field is never "a method parameter"
    (T-14: a field initialiser's org URL was read as `<parameter>` when the package made no object)."""
    root = DATA / case
    [finding] = [f for f in scan(ScanOptions(paths=(root,), root=root, jobs=1)).findings if f.rule_id != "SID001"]
    assert ENDPOINTS[case] in finding.message
    assert "parameter" not in finding.message
