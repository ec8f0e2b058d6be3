"""SID002 gives one finding a request, however many places its endpoint may be."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

CLIENT = """public with sharing class Client {
    public static void push(Boolean mirror) {
        HttpRequest req = new HttpRequest();
        String host = mirror ? 'https://mirror.example.com' : 'https://api.example.com';
        if (mirror == null) {
            host = Settings__c.getOrgDefaults().Host__c;
        }
        req.setEndpoint(host + '/in');
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""


def _exports(tmp_path: Path) -> list[tuple[int, str, tuple[tuple[str, str], ...]]]:
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/Client.cls": CLIENT.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    return [(f.location.span.start_line, f.message, f.properties) for f in result.findings if f.rule_id == "SID002"]


def test_one_finding_names_the_surest_place_first_and_the_others_after(tmp_path: Path) -> None:
    [(line, message, properties)] = _exports(tmp_path)
    assert line == 10
    assert "to https://api.example.com/in (api.example.com: not this org)" in message
    assert message.endswith("; the request may also go to https://mirror.example.com/in, <configured value>/in"
                            " (Client.push has no callers in the package outside tests)")
    assert dict(properties)["endpoint"] == "https://api.example.com/in"
    assert dict(properties)["confidence"] == "high"


def test_a_method_the_platform_calls_is_not_said_to_have_no_callers(tmp_path: Path) -> None:
    """`Queueable.execute` has no caller in the code, but it is no dead code: the platform runs it."""
    job = """public with sharing class ExportJob implements Queueable, Database.AllowsCallouts {
    public void execute(QueueableContext ctx) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://hooks.example.com/job');
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/ExportJob.cls": job.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    [export] = [f for f in result.findings if f.rule_id == "SID002"]
    assert export.message.endswith("(hooks.example.com: not this org)"), export.message


def test_what_a_page_binds_is_not_said_to_have_no_callers(tmp_path: Path) -> None:
    """A getter a page reads (`{!frameUrl}`) and an action it runs (`action="{!save}"`) are called
    by Visualforce on every view; a method the page names nowhere still has no callers."""
    ctrl = """public with sharing class FrameCtrl {
    public String getFrameUrl() {
        System.debug('session for frame: ' + UserInfo.getSessionId());
        return '/apex/Other';
    }
    public PageReference save() {
        System.debug('sid=' + UserInfo.getSessionId());
        return null;
    }
    public void unused() {
        System.debug('sid=' + UserInfo.getSessionId());
    }
}
"""
    page = """<apex:page controller="FrameCtrl">
  <iframe src="{!frameUrl}"></iframe>
  <apex:form><apex:commandButton value="Save" action="{!save}"/></apex:form>
</apex:page>
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/FrameCtrl.cls": ctrl.encode(),
                                  f"{SFDX_SOURCE}/pages/Frame.page": page.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    said = {f.location.span.start_line: f.message for f in result.findings if f.rule_id == "SID003"}
    assert set(said) == {3, 7, 11}
    assert "no callers" not in said[3] and "no callers" not in said[7]
    assert said[11].endswith("(FrameCtrl.unused has no callers in the package outside tests)")


def _verdicts(tmp_path: Path, endpoint: str) -> list[tuple[str, str]]:
    cls = f"""public with sharing class SiteCall {{
    public static void run() {{
        HttpRequest req = new HttpRequest();
        req.setEndpoint({endpoint});
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
        new Http().send(req);
    }}
}}
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/SiteCall.cls": cls.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    return [(f.rule_id, f.message) for f in result.findings]


def test_an_experience_cloud_sites_url_is_this_org(tmp_path: Path) -> None:
    """The org serves its sites: `Site.getBaseUrl()` + `/services/data/...` is its own API (SPEC, same-org)."""
    for i, base in enumerate(["Site.getBaseUrl()", "Site.getBaseRequestUrl()", "Site.getBaseCustomUrl()",
                              "Network.getLoginUrl(Network.getNetworkId()).substringBefore('/login')",
                              "'https://' + Site.getDomain()"]):
        [(rule, message)] = _verdicts(tmp_path / str(i), f"{base} + '/services/data/v61.0/limits'")
        assert rule == "SID010" and "same-org REST data API" in message, (base, message)


def test_a_sites_name_in_a_host_is_not_this_org(tmp_path: Path) -> None:
    [(rule, _)] = _verdicts(tmp_path, "'https://' + Site.getName() + '.partner.example.com/v1'")
    assert rule == "SID002"


def test_another_path_of_the_same_named_credential_is_not_another_destination(tmp_path: Path) -> None:
    """`callout:X` + `path` or + `'/' + path` are one destination: the credential the message names,
    not a second place the request "may also go to" (X-5). Another credential still is."""
    client = """public with sharing class ToolingPaths {
    public static String resolve(String path, Boolean mirror) {
        String basePath = path.startsWith('/') ? path : '/' + path;
        return (mirror ? 'callout:Acme_Mirror' : 'callout:Acme_Tooling') + basePath;
    }
    public static String composite(String body) {
        return send(resolve('/services/data/v61.0/tooling/composite', false), body);
    }
    public static String mirrored(String body) {
        return send(resolve('/services/data/v61.0/tooling/composite', true), body);
    }
    private static String send(String endpoint, String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(endpoint);
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
        req.setBody(body);
        return new Http().send(req).getBody();
    }
}
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/ToolingPaths.cls": client.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    [export] = [f for f in result.findings if f.rule_id == "SID002"]
    named = [n for n in ("Acme_Mirror", "Acme_Tooling") if f"to Named Credential '{n}'" in export.message]
    assert len(named) == 1, export.message
    other = "Acme_Tooling" if named == ["Acme_Mirror"] else "Acme_Mirror"
    assert export.message.count("may also go to") == 1, export.message
    assert f"may also go to callout:{other}/" in export.message
    assert export.message.count(f"callout:{other}") == 1, export.message
    assert f"callout:{named[0]}" not in export.message, export.message


NAMESPACED = """public with sharing class Client {
    static String ns {
        get { return Client.class.getName().contains('.') ? Client.class.getName().split('\\\\.')[0] : ''; }
    }
    static String prefix {
        get { return String.isNotBlank(ns) ? ns + '__' : ''; }
    }
    public static void call() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:' + prefix + 'NAME/v1/in');
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""

CREDENTIAL = """<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <endpoint>HOST</endpoint>
    <label>Service</label>
    <principalType>Anonymous</principalType>
    <protocol>NoAuthentication</protocol>
</NamedCredential>
"""


def _namespaced_call(tmp_path: Path, credential: str, host: str) -> list[tuple[str, str]]:
    write_sfdx_package(tmp_path, {
        f"{SFDX_SOURCE}/classes/Client.cls": NAMESPACED.replace("NAME", credential).encode(),
        f"{SFDX_SOURCE}/namedCredentials/Service.namedCredential-meta.xml": CREDENTIAL.replace("HOST", host).encode(),
    })
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    return [(f.rule_id, f.message) for f in result.findings]


def test_the_package_s_credential_after_a_run_time_namespace_prefix_is_that_credential(tmp_path: Path) -> None:
    """`'callout:' + prefix + 'Service'`, the prefix `ns__` or `''` (worked out from the class's own
    name): the package's Named Credential, whatever the prefix. One to the org is the org."""
    [(rule, message)] = _namespaced_call(tmp_path, "Service", "https://acme.my.salesforce.com")
    assert rule == "SID010", message
    assert "(callout:Service/v1/in)" in message


def test_a_namespaced_credential_to_a_partner_is_named_once(tmp_path: Path) -> None:
    """The prefix's variants (`__Service`, `<unknown>__Service`) are one destination: no list of them."""
    [(rule, message)] = _namespaced_call(tmp_path, "Service", "https://api.partner.example")
    assert rule == "SID002"
    assert "to callout:Service/v1/in (api.partner.example: not this org)" in message
    assert "may also go to" not in message and "__Service" not in message, message


def test_a_credential_the_package_does_not_hold_after_the_prefix_stays_an_export(tmp_path: Path) -> None:
    [(rule, message)] = _namespaced_call(tmp_path, "Other", "https://acme.my.salesforce.com")
    assert rule == "SID002"
    assert "no Named Credential metadata for 'Other'" in message, message
