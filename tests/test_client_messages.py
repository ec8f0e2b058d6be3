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
