"""An HttpRequest's parts stay apart: what its getters, its printing and calls see of it."""

from __future__ import annotations

from pathlib import Path

from apexlint.analyses.values import (
    MAX_FACETS,
    Step,
    Value,
    join,
    param_part,
    part_param,
    request_part,
    substitute,
    with_facet,
)
from apexlint.engine import ScanOptions, scan
from apexlint.ir import Span
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

STEP = Step("Leak.cls", Span(1, 1, 1, 2), "here")


def session(name: str) -> Value:
    return Value(taint={name: (STEP,)})


def request(**parts: Value) -> Value:
    out = Value(types=frozenset({"httprequest"}))
    for name, v in parts.items():
        out = join(out, with_facet(name.replace("_", ":"), v))
    return out


def test_a_getter_returns_its_part_only() -> None:
    req = request(header_Authorization=session("h"), body=session("b"), endpoint=Value())
    assert set(request_part(req, "body").deep_taint()) == {"b"}
    assert set(request_part(req, "header", "authorization").deep_taint()) == {"h"}
    assert set(request_part(req, "header", "Accept").deep_taint()) == set()
    assert set(request_part(req, "header").deep_taint()) == {"h"}  # a header named at run time
    assert set(request_part(req, "endpoint").deep_taint()) == set()  # what toString() prints


def test_a_getter_of_a_parameter_is_that_part_of_the_argument() -> None:
    param = Value(params={0: (STEP,)}, types=frozenset({"httprequest"}))
    body = request_part(param, "body")
    (key,) = body.params
    assert param_part(key) == (0, "body") and part_param(0, "body") == key
    caller = request(header_Authorization=session("h"), body=session("b"))
    assert set(substitute(body, [caller], STEP).deep_taint()) == {"b"}


def test_a_request_passed_on_keeps_each_session_in_its_part() -> None:
    param = Value(params={0: (STEP,)}, types=frozenset({"httprequest"}))
    caller = request(header_Authorization=session("h"), body=session("b"))
    passed = substitute(param, [caller], STEP)
    assert passed.taint == {}  # not lifted onto the request as a whole
    assert set(request_part(passed, "body").deep_taint()) == {"b"}
    assert set(passed.deep_taint()) == {"h", "b"}


def test_too_many_headers_become_one_the_body_stays_apart() -> None:
    headers = {f"header_H{i}": session(f"h{i}") for i in range(MAX_FACETS + 2)}
    req = request(body=session("b"), **headers)
    assert "*" not in req.facets and "header:?" in req.facets
    assert set(request_part(req, "body").deep_taint()) == {"b"}
    assert "h3" in request_part(req, "header", "H3").deep_taint()
    assert "b" not in request_part(req, "header", "H3").deep_taint()


def port(**fields: Value) -> Value:
    out = Value(types=frozenset({"port"}))
    for name, v in fields.items():
        out = join(out, Value(facets={name.lower(): v}))
    return out


def test_an_object_of_many_parts_keeps_its_endpoint_and_session_header_apart() -> None:
    # a WSDL2Apex port: endpoint_x, SessionHeader, and more header objects and `_hns` strings
    # than MAX_FACETS
    others = {f"Header{i}_hns": Value(strings=frozenset({(f"Header{i}=urn:x",)})) for i in range(MAX_FACETS)}
    org = Value(strings=frozenset({("\x00org", "/services/Soap/T/61.0")}))
    header = Value(facets={"sessionid": session("s")})
    p = port(endpoint_x=org, **others, SessionHeader=header)
    assert p.facets["endpoint_x"] == org and p.facets["sessionheader"] == header
    assert "*" in p.facets and len(p.facets) <= MAX_FACETS
    assert not any(k.endswith("_hns") for k in p.facets)  # the rest stand as one part
    # a part set later that the one part stands for joins it; the kept parts stay as they were
    later = join(p, Value(facets={"timeout_x": Value(types=frozenset({"integer"}))}))
    assert set(later.facets) == set(p.facets) and later.facets["endpoint_x"] == org
    assert "integer" in later.facets["*"].types
    assert set(later.deep_taint()) == {"s"}


def test_headers_beside_a_collapsed_object_become_one_header() -> None:
    others = {f"field{i}": Value(types=frozenset({"string"})) for i in range(MAX_FACETS + 1)}
    req = join(request(endpoint=Value(strings=frozenset({("https://a.example.com/",)}))), port(**others))
    assert "*" in req.facets and "endpoint" in req.facets
    req = join(req, with_facet("header:Authorization", session("h")))
    assert "header:?" in req.facets and "header:Authorization" not in req.facets
    assert set(request_part(req, "header", "Authorization").deep_taint()) == {"h"}
    assert set(request_part(req, "endpoint").deep_taint()) == set()


HEADER_BY_NAME = """public with sharing class PartnerConnector {
    private static final String AUTH_HEADER = 'Authorization';
    private static final String PREFIX = 'Bearer ';
    public static void post(String body) {
        String accept = 'X-Session';
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.partner.example.com/v1/jobs');
        req.setMethod('POST');
        req.setHeader(AUTH_HEADER, PREFIX + UserInfo.getSessionId());
        req.setHeader(accept, UserInfo.getSessionId());
        req.setBody(body);
        new Http().send(req);
    }
}
"""


def test_a_header_named_by_a_constant_or_a_variable_is_named_in_the_message(tmp_path: Path) -> None:
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/PartnerConnector.cls": HEADER_BY_NAME.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    messages = sorted(f.message for f in result.findings if f.rule_id == "SID002")
    assert len(messages) == 2, messages
    assert "in the header 'Authorization'" in messages[0] + messages[1]
    assert "in the header 'X-Session'" in messages[0] + messages[1]
    assert not any("header '?'" in m for m in messages)
