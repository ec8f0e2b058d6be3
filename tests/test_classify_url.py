"""Where a URL written in markup, JavaScript or metadata points: the org, elsewhere, or unknown."""

from __future__ import annotations

import pytest

from apexlint.analyses.endpoints import classify_url, merge_field_host, page_request, resolve_endpoints
from apexlint.analyses.values import (
    MAX_SHAPES,
    ORG,
    ORG_HOST,
    RECEIVER,
    RESPONSE,
    SETTING,
    TOP_SHAPE,
    UNKNOWN,
    Value,
    field_marker,
    join,
    param_marker,
)
from apexlint.model.package import PackageModel


@pytest.mark.parametrize(("url", "scope", "api"), [
    ("/services/data/v59.0/query?q=x", "same-org", "data"),
    ("/apex/vfx__Landing?sid={!$Api.Session_ID}", "same-org", "other"),
    ("", "same-org", ""),
    ("https://na1.salesforce.com/services/Soap/m/59.0", "same-org", "metadata"),  # a shared instance host
    ("https://login.salesforce.com/services/oauth2/token", "same-org", "oauth"),
    ("{window.location.origin}/services/data/v59.0/limits", "same-org", "data"),
    ("{window.location.protocol}//{window.location.hostname}/cometd/59.0/", "same-org", "other"),
    ("{location.protocol}//{location.host}:{location.port}/services/apexrest/x", "same-org", "apexrest"),
    ("{!URLFOR($Page.Landing)}", "same-org", ""),
    ("{!$Api.Partner_Server_URL_590}", "same-org", ""),
    ("{!LEFT($Api.Partner_Server_URL_590, 40)}apex/X?sid={!$Api.Session_ID}", "same-org", "other"),
    # custom buttons' and links' form of the same global, without the `$`
    ("{!API.Partner_Server_URL_300}", "same-org", ""),
    ("{!API.Enterprise_Server_URL_300}/x?sid={!API.Session_ID}", "same-org", "other"),
    ("/services/Soap/s/61.0", "same-org", "apex"),  # the Apex SOAP API (compileClasses, executeAnonymous)
])
def test_same_org(url: str, scope: str, api: str) -> None:
    ep = classify_url(url)
    assert (ep.scope, ep.api) == (scope, api)


@pytest.mark.parametrize(("url", "host"), [
    ("https://api.partner.example.com/v1?sid=x", "api.partner.example.com"),
    ("//cdn.partner.example.com/p.gif", "cdn.partner.example.com"),
    ("wss://push.partner.example.com/live", "push.partner.example.com"),
    ("{location.protocol}//evil.example.com/x", "evil.example.com"),
    ("*", "any origin ('*')"),
    # the org's server URL only as a parameter: the host is the partner's
    ("https://docs.partner.example.com/?server={!API.Partner_Server_URL_300}", "docs.partner.example.com"),
])
def test_external(url: str, host: str) -> None:
    ep = classify_url(url)
    assert (ep.scope, ep.host, ep.url) == ("external", host, url)


@pytest.mark.parametrize("url", [
    "https://acme.my.salesforce.com/services/Soap/m/59.0",
    "https://vendor-dev-ed.develop.my.salesforce.com/services/data/v60.0/query",
    "https://acme-collector.my.salesforce-sites.com/services/apexrest/collect",
    "https://acme.my.site.com/portal/services/apexrest/collect",
    "https://acme.secure.force.com/services/apexrest/collect",
    "https://acme--c.vf.force.com/apex/Collect",
    "https://acme.lightning.force.com/lightning/page/home",
])
def test_one_orgs_own_host_written_into_the_code_is_another_org(url: str) -> None:
    """In a subscriber's org, a My Domain, Site or Experience Cloud host written into the
    package is the vendor's org (SPEC: same-org endpoints are the org's own URL, and relative
    ones), unlike Salesforce's shared login and instance hosts."""
    ep = classify_url(url)
    assert ep.scope == "external" and "another org" in ep.why


@pytest.mark.parametrize("url", [
    "{…}",
    "{…}/services/data/v59.0/limits",
    "{!$Setup.Partner_Settings__c.Endpoint__c}?sid={!$Api.Session_ID}",
    "https://{!host}/x",
])
def test_built_at_run_time_is_unresolved(url: str) -> None:
    assert classify_url(url).scope == "unresolved"


@pytest.mark.parametrize(("shape", "why"), [
    (("callout:", SETTING, "/services/data/v59.0/limits"), "from a custom setting, custom metadata or a query"),
    (("callout:", param_marker(0), "/x"), "from a method parameter"),
])
def test_a_named_credential_chosen_at_run_time_is_unresolved(shape: tuple[str, ...], why: str) -> None:
    """`'callout:' + setting.Name__c`: the admin picks the credential, so where it points is unknown
    (before, the empty name made it 'a Named Credential the package lacks', an export)."""
    model = PackageModel.build([], "")
    [endpoint] = resolve_endpoints(Value(strings=frozenset({shape})), model)
    assert endpoint.scope == "unresolved"
    assert endpoint.why == f"the Named Credential is chosen at run time, {why}"


@pytest.mark.parametrize(("shape", "url", "why"), [
    ((field_marker(RECEIVER, "base"), "/services/data/v61.0/limits"), "<field base>/services/data/v61.0/limits",
     "the endpoint comes from field base of the object the method runs on"),
    ((param_marker(0), "/services/data/v61.0/limits"), "<parameter>/services/data/v61.0/limits",
     "the endpoint comes from a method parameter"),
    ((field_marker(0, "endpoint"), "/x"), "<parameter>/x", "the endpoint comes from a method parameter"),
])
def test_a_field_of_the_object_is_not_a_method_parameter(shape: tuple[str, ...], url: str, why: str) -> None:
    """An endpoint read from the object's own field is named as that field (T-14: a field's
    initialiser left unread was printed as `<parameter>`, "a method parameter")."""
    [endpoint] = resolve_endpoints(Value(strings=frozenset({shape})), PackageModel(namespace=""))
    assert (endpoint.scope, endpoint.url, endpoint.why) == ("unresolved", url, why)


@pytest.mark.parametrize(("url", "field"), [
    ("https://{!Host}/services/Soap/m/59.0", "host"),
    ("//{! serverHost }", "serverhost"),
    ("http://{!Host}:8443/x", "host"),
    ("https://{!Host}.partner.example.com/x", None),  # more host after it
    ("https://{!$Api.Partner_Server_URL_590}", None),  # a global, not a controller property
    ("/services/{!Host}/x", None),
    ("{window.location.protocol}//{!Host}/services/Soap/m/40.0", "host"),  # the page's own scheme
    ("{location.protocol}//{!Host}", "host"),
    ("{location.hostname}//{!Host}/x", None),
])
def test_merge_field_host(url: str, field: str | None) -> None:
    assert merge_field_host(url) == field


def test_a_merge_field_host_is_the_org_only_when_known_to_be() -> None:
    url = "https://{!Host}/services/Soap/m/59.0"
    assert classify_url(url).scope == "unresolved"
    assert classify_url(url, frozenset({"other"})).scope == "unresolved"
    ep = classify_url(url, frozenset({"host"}))
    assert (ep.scope, ep.api, ep.url) == ("same-org", "metadata", url)
    own_scheme = "{window.location.protocol}//{!Host}/services/Soap/m/59.0"
    ep = classify_url(own_scheme, frozenset({"host"}))
    assert (ep.scope, ep.api, ep.url) == ("same-org", "metadata", own_scheme)


@pytest.mark.parametrize(("shape", "scope", "api"), [
    (("https://", ORG_HOST, "/services/data/v59.0/limits"), "same-org", "data"),
    (("http://", ORG_HOST), "same-org", ""),
    ((ORG_HOST, "/services/Soap/m/59.0"), "same-org", "metadata"),
    (("https://", ORG, "/services/data/v59.0/limits"), "same-org", "data"),
    (("https://", ORG_HOST, ":443/services/apexrest/x"), "same-org", "apexrest"),
    (("https://", ORG_HOST, ".collector.example/ingest"), "unresolved", ""),
    ((ORG, ".collector.example/ingest"), "unresolved", ""),
    (("ftp://", ORG_HOST, "/x"), "unresolved", ""),
    ((ORG, ":@collector.example/in"), "unresolved", ""),  # a user name before `@`, then the host
    ((ORG, ":8443/services/data/v59.0/limits"), "same-org", "data"),
])
def test_the_orgs_host_after_a_scheme(shape: tuple[str, ...], scope: str, api: str) -> None:
    [ep] = resolve_endpoints(Value(strings=frozenset({shape})), PackageModel(namespace=""))
    assert (ep.scope, ep.api) == (scope, api)


def test_many_endpoints_keep_what_they_all_start_with() -> None:
    """More endpoints than `MAX_SHAPES` collapse to what they all start with."""
    paths = [(ORG, f"/services/data/v59.0/sobjects/Obj{i}__c") for i in range(MAX_SHAPES + 3)]
    endpoints = resolve_endpoints(Value(strings=_joined(paths)), PackageModel(namespace=""))
    assert {(ep.scope, ep.api) for ep in endpoints} == {("same-org", "data")}
    # after the org's URL, one that may go on with its host: nothing in common is claimed
    lookalikes = [*paths[:MAX_SHAPES + 1], (ORG, ".collector.example/in")]
    [ep] = resolve_endpoints(Value(strings=_joined(lookalikes)), PackageModel(namespace=""))
    assert ep.scope == "unresolved"
    # literal URLs sharing a Salesforce host's text that goes on into someone else's host
    hosts = [("https://test.salesforce.com/services/oauth2/token",),
             *((f"https://test.salesforce.com.{c}.collector.example/in",) for c in "abcdefghijklmnop"[:MAX_SHAPES])]
    endpoints = resolve_endpoints(Value(strings=_joined(hosts)), PackageModel(namespace=""))
    assert {ep.scope for ep in endpoints} == {"unresolved"}


def test_urls_on_several_hosts_past_the_cap_name_their_hosts_and_stay_unresolved() -> None:
    """AH-9: more URLs than `MAX_SHAPES` on two hosts share no start past the scheme: the endpoint
    is not resolved, as before, but its text names where they start."""
    shapes = [*((f"https://api.partner.example/p{i}?s=1",) for i in range(8)),
              *(("https://", SETTING, f"/p{i}") for i in range(8))]
    strings = _joined(shapes)
    [ep] = resolve_endpoints(Value(strings=strings), PackageModel(namespace=""))
    assert ep.scope == "unresolved"
    assert ep.url == "<unknown: https://api.partner.example… or https://<configured value>…>"
    assert ep.why == "the endpoint is one of more URLs than apexlint keeps apart"
    # it stays 'any string' (absorbing) for whatever joins it, and more hosts than a few are not named
    wider = join(Value(strings=strings), Value(strings=frozenset({("/services/data/v59.0/limits",)}))).strings
    assert wider == frozenset({TOP_SHAPE})
    hosts = [(f"https://h{i}.partner.example/p",) for i in range(MAX_SHAPES + 1)]
    assert _joined(hosts) == frozenset({TOP_SHAPE})


def test_what_a_server_sent_back_is_named_after_where_the_request_is_sent() -> None:
    """AH-9: a redirect-following helper's message named the response's Location first."""
    strings = frozenset({(RESPONSE,), ("https://", SETTING, "/kb/jsp/x")})
    endpoints = resolve_endpoints(Value(strings=strings), PackageModel(namespace=""))
    assert [ep.url for ep in endpoints] == ["https://<configured value>/kb/jsp/x", "<response text>"]


def _joined(shapes: list[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """The shapes joined in two halves, as two callers' values meet."""
    half = len(shapes) // 2
    return join(Value(strings=frozenset(shapes[:half])), Value(strings=frozenset(shapes[half:]))).strings


def test_a_shared_named_credential_prefix_is_not_a_name() -> None:
    # `callout:Org_API` MAX_SHAPES times and `callout:Org_API_Relay` once share no credential name
    shapes = [*((f"callout:Org_API/services/data/v59.0/r{i}",) for i in range(MAX_SHAPES)),
              ("callout:Org_API_Relay/collect",)]
    assert _joined(shapes) == frozenset({TOP_SHAPE})
    same = [(f"callout:Org_API/services/data/v59.0/r{i}",) for i in range(MAX_SHAPES + 1)]
    assert _joined(same) == frozenset({("callout:Org_API/services/data/v59.0/", UNKNOWN)})


@pytest.mark.parametrize(("shape", "scope", "host"), [
    (("https://", param_marker(0), ".partner-analytics.com/v1/sync"), "external", "*.partner-analytics.com"),
    (("https://", UNKNOWN, ".seismic.com/api?x=1"), "external", "*.seismic.com"),
    (("https://", param_marker(0), ".force.com/services/apexrest/x"), "unresolved", ""),  # any org's Site
    (("https://", param_marker(0), ".my.salesforce.com/services/data"), "unresolved", ""),
    (("https://", param_marker(0), ".com/x"), "unresolved", ""),  # `acme.my.salesforce` + `.com`
    (("https://", param_marker(0), ".mil/x"), "unresolved", ""),
])
def test_a_host_built_under_a_fixed_external_domain_is_external(shape: tuple[str, ...], scope: str,
                                                               host: str) -> None:
    """`'https://' + tenant + '.partner.example/...'` is the partner whatever the tenant (triage
    T-8: it was an endpoint 'apexlint could not resolve', at low confidence)."""
    model = PackageModel.build([], "")
    [endpoint] = resolve_endpoints(Value(strings=frozenset({shape})), model)
    assert (endpoint.scope, endpoint.host) == (scope, host)


_ANONYMOUS_ENVELOPE = ('<soapenv:Envelope><soapenv:Body><apex:executeAnonymous><apex:String>delete [SELECT Id FROM '
                       'Account];</apex:String></apex:executeAnonymous></soapenv:Body></soapenv:Envelope>')


@pytest.mark.parametrize(("url", "body", "method", "runs"), [
    ("/services/data/v61.0/tooling/executeAnonymous/?anonymousBody=x", "", "GET", True),  # a GET, but no read
    ("/services/data/v61.0/tooling/executeAnonymous?anonymousBody=x", "", "", True),
    ("/services/Soap/s/61.0", _ANONYMOUS_ENVELOPE, "POST", True),
    ("/services/Soap/T/61.0", _ANONYMOUS_ENVELOPE, "POST", True),
    ("/services/data/v61.0/tooling/query/?q=SELECT+Id+FROM+ApexClass", "", "GET", False),
    ("/services/data/v61.0/tooling/runTestsSynchronous/", "{}", "POST", False),
    ("/services/Soap/s/61.0", "<apex:compileClasses/>", "POST", False),
    ("/services/data/v61.0/query/?q=executeAnonymous", "", "GET", False),  # the word alone is no resource
    ("https://api.partner.example.com/tooling/executeAnonymous", "", "GET", False),  # not an org's API
])
def test_anonymous_apex_is_told_apart_from_reads(url: str, body: str, method: str, runs: bool) -> None:
    assert page_request(classify_url(url), body, method).runs_apex is runs
