"""What a SID004 message says the package writes: the operation and the metadata, as exactly as
the code lets apexlint tell (fixtures check where findings are; this checks what they say)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import Finding, ScanResult
from apexlint.model.metadata_types import owned_by

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def findings() -> dict[tuple[str, int], Finding]:
    root = REPO / "fixtures" / "apex-mdapi-style"
    result = scan(ScanOptions(paths=(root,), root=REPO, jobs=1))
    return {(f.location.path.rsplit("/", 1)[-1], f.location.span.start_line): f for f in result.findings}


def test_a_raw_soap_envelope_names_its_operation(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("RawMetadataClient.cls", 23)]
    assert "Metadata API createMetadata of RemoteSiteSetting" in f.message
    assert dict(f.properties)["operation"] == "createMetadata"


@pytest.mark.parametrize("line", [15, 28])  # an element in a list literal; an element set through `changes[0]`
def test_an_update_metadata_element_writes_the_metadata_it_holds(findings: dict[tuple[str, int], Finding],
                                                                  line: int) -> None:
    f = findings[("LegacyRemoteSiteUpdater.cls", line)]
    assert f.level.value == "error"
    assert "updateMetadata of RemoteSiteSetting:" in f.message and "UpdateMetadata," not in f.message


def test_names_built_at_run_time_are_not_called_foreign(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("GetterPortClient.cls", 65)]
    assert "of CustomMetadata whose names apexlint could not determine" in f.message
    assert "not in the package namespace" not in f.message


def test_a_port_endpoint_read_through_its_getter_resolves(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("GetterPortClient.cls", 57)]
    assert f.rule_id == "SID010"
    assert "(<org URL>/services/Soap/m/59.0)" in f.message


def _scan_class(tmp_path: Path, name: str, text: str) -> ScanResult:
    """A metadata-API tree holding one class, scanned."""
    classes = tmp_path / "src" / "classes"
    classes.mkdir(parents=True)
    (classes / f"{name}.cls").write_text(text, encoding="utf-8")
    return scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))


def test_a_package_without_a_namespace_owns_no_metadata(tmp_path: Path) -> None:
    result = _scan_class(tmp_path, "LayoutWriter",
        "public with sharing class LayoutWriter {\n"
        "    public static void save() {\n"
        "        HttpRequest req = new HttpRequest();\n"
        "        req.setEndpoint(URL.getOrgDomainUrl().toExternalForm() + '/services/Soap/m/59.0');\n"
        "        req.setMethod('POST');\n"
        "        req.setBody('<env:Envelope><env:Header><SessionHeader><sessionId>' + UserInfo.getSessionId()\n"
        "            + '</sessionId></SessionHeader></env:Header><env:Body><updateMetadata>'\n"
        "            + '<metadata xsi:type=\"Layout\"><fullName>Account-Account Layout</fullName></metadata>'\n"
        "            + '</updateMetadata></env:Body></env:Envelope>');\n"
        "        new Http().send(req);\n"
        "    }\n"
        "}\n")
    (f,) = result.findings
    assert (f.rule_id, f.level.value) == ("SID004", "warning")
    assert "of Layout (Account-Account Layout), which the package does not own (it has no namespace)" in f.message


def test_security_settings_are_prohibited_other_settings_are_the_orgs(findings: dict[tuple[str, int], Finding]) -> None:
    security, cases = findings[("OrgSecurityAdmin.cls", 35)], findings[("OrgSecurityAdmin.cls", 44)]
    assert (security.rule_id, security.level.value) == ("SID004", "error")
    assert "of SecuritySettings" in security.message
    assert (cases.rule_id, cases.level.value) == ("SID004", "warning")
    assert "of CaseSettings (Case), which is not in the package namespace" in cases.message


def test_a_helper_writing_any_metadata_names_what_its_callers_pass(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("PartnerInstaller.cls", 10)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "createMetadata of NamedCredential, RemoteSiteSetting:" in f.message  # not "of Metadata"


@pytest.mark.parametrize(("metadata_type", "prohibited"), [
    ("SecuritySettings", True), ("SessionSettings", True), ("PasswordPolicies", True),
    ("FileUploadAndDownloadSecuritySettings", True), ("PlatformEncryptionSettings", True),
    ("EncryptionKeySettings", True), ("SingleSignOnSettings", True), ("MyDomainSettings", True),
    ("RemoteSiteSetting", True), ("CspTrustedSite", True), ("ConnectedApp", True),
    ("CaseSettings", False), ("AddressSettings", False), ("LightningExperienceSettings", False),
    ("CustomField", False), ("Layout", False),
    # sign-in and credential objects, the Tooling API's own names among them (triage T-4)
    ("SamlSsoConfig", True), ("NamedCredentialParameter", True), ("ExternalCredentialParameter", True),
    ("ConnectedApplication", True), ("ExternalAuthIdentityProvider", True), ("CorsWhitelistOrigin", True),
    ("IframeWhiteListUrlSettings", True), ("CustomObject", False), ("ApexClass", False),
])
def test_which_metadata_types_are_prohibited(metadata_type: str, prohibited: bool) -> None:
    from apexlint.model.metadata_types import is_prohibited_type
    assert is_prohibited_type(metadata_type) is prohibited


def test_a_tooling_helper_is_judged_by_every_sobject_it_writes(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("ToolingWriter.cls", 15)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "Tooling API POST of RemoteProxy:" in f.message  # the prohibited one is named


def test_a_helper_used_for_many_sobjects_is_judged_by_each(findings: dict[tuple[str, int], Finding]) -> None:
    """Nine sObject types from one caller that passes its own caller's body on: the caller
    says where the request goes, so the remote site among them makes it an error, not an
    undetermined type."""
    f = findings[("ToolingInstaller.cls", 16)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "RemoteProxy" in f.message


def test_records_read_and_written_back_keep_the_type_they_are_cast_to(
        findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("OrgSecurityAdmin.cls", 69)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "updateMetadata of SecuritySettings" in f.message


def test_an_envelope_joined_from_lines_names_its_operation(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("JoinedEnvelopeClient.cls", 21)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "upsertMetadata of RemoteSiteSetting" in f.message


def test_a_list_whose_items_join_the_list_itself_is_read_as_any_call(tmp_path: Path) -> None:
    """Broken code the parser recovers from can leave a list's items holding the join of that very
    list (found by fuzzing a truncated envelope): read as a plain call, not followed forever."""
    result = _scan_class(tmp_path, "Joined",
        "public with sharing class Joined {\n"
        "    public static void send(HttpRequest req) {\n"
        "        List<String> lines = new List<String>{\n"
        "            '<sessionId>{0}</sessionId>',\n"
        "            req.setBody(String.format(String.join(lines, '\\n'),\n"
        "                new List<String>{ UserInfo.getSessionId() }));\n"
        "        new Http().send(req);\n"
        "    }\n"
        "}\n")
    assert not [n for n in result.notifications if n.code == "internal-error"], result.notifications
    assert result.verdicts and all(v.rule_ids for v in result.verdicts)


def test_a_path_cut_from_a_literal_template_keeps_its_sobject(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("ToolingPaths.cls", 15)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "Tooling API POST of RemoteProxy" in f.message
    read = findings[("ToolingPaths.cls", 24)]
    assert read.rule_id == "SID010" and "/services/data/v59.0/limits" in read.message


def test_an_endpoint_a_client_action_sets_through_a_helper_keeps_its_path(
        findings: dict[tuple[str, int], Finding]) -> None:
    """`r.setEndpoint(TOOLING + '/sobjects/RemoteProxy/' + remoteSiteId)` in an @AuraEnabled
    action: the id is unknown text, the rest of the path still says what is written."""
    f = findings[("RestToolingRequest.cls", 22)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "Tooling API GET/PATCH of RemoteProxy" in f.message


def test_a_type_escaped_into_a_hand_built_envelope_is_the_type_written(
        findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("HandBuiltEnvelopes.cls", 42)]
    assert f.rule_id == "SID004" and f.level.value == "error"
    assert "deleteMetadata of RemoteSiteSetting" in f.message


@pytest.mark.parametrize(("line", "api"), [(16, "Metadata API read"), (29, "Tooling API")])
def test_a_soap_read_and_a_tooling_test_run_write_nothing(findings: dict[tuple[str, int], Finding],
                                                         line: int, api: str) -> None:
    f = findings[("HandBuiltEnvelopes.cls", line)]
    assert f.rule_id == "SID010" and api in f.message


def test_a_cast_narrows_what_a_read_record_is(findings: dict[tuple[str, int], Finding]) -> None:
    """`readMetadata` gives any Metadata, the privileged types among them; once cast to a custom
    field it is one, and its rewrite is no change of security settings (triage T-1)."""
    f = findings[("OrgSecurityAdmin.cls", 80)]
    assert (f.rule_id, f.level.value) == ("SID004", "warning")
    assert "updateMetadata of CustomField " in f.message
    assert "SecuritySettings" not in f.message and "RemoteSiteSetting" not in f.message


def test_a_hand_built_envelope_names_the_types_it_writes_not_a_fields_type() -> None:
    """A custom field's own `<type>Text</type>` is a field of what is written (triage T-12); only an
    operation naming its type in an element (deleteMetadata) is read for it."""
    from apexlint.analyses.endpoints import _envelope_types
    create = ('<met:createMetadata><met:metadata xsi:type="met:CustomField"><met:fullName>Account.Region__c'
              '</met:fullName><met:type>Text</met:type><met:length>80</met:length></met:metadata></met:createMetadata>')
    delete = ('<met:deleteMetadata><met:type>RemoteSiteSetting</met:type><met:fullNames>X</met:fullNames>'
              '</met:deleteMetadata>')
    assert _envelope_types(create) == ("CustomField",)
    assert _envelope_types(delete) == ("RemoteSiteSetting",)


@pytest.mark.parametrize(("full_name", "owned"), [
    ("ns__Thing__c", True),
    ("ns__Thing__c.ns__Field__c", True),
    ("Account.ns__Field__c", True),  # the package's field on a standard object
    ("ns__Thing__c.Region__c", False),  # made in the subscriber's org: unmanaged, theirs
    ("Account.Region__c", False),
    ("ns__Config.Default", True),  # a record of the package's custom metadata type
    ("ns__Thing__c-ns__Thing Layout", True),
    ("Account-Account Layout", False),
    ("other__Thing__c.ns__Field__c", True),
    ("Thing__c", False),
])
def test_a_component_is_the_package_s_by_its_own_prefix(full_name: str, owned: bool) -> None:
    assert owned_by(full_name, "ns") is owned


@pytest.mark.parametrize(("line", "api"), [(15, "Tooling API"), (36, "Apex API"), (52, "Apex API")])
def test_anonymous_apex_is_a_warning_that_says_it_runs_any_code(findings: dict[tuple[str, int], Finding],
                                                                  line: int, api: str) -> None:
    f = findings[("AnonymousApex.cls", line)]
    assert f.rule_id == "SID004" and f.level.value == "warning"
    assert f"authenticates {api} executeAnonymous, which runs any Apex it is given as the user" in f.message
    assert dict(f.properties)["operation"] == "executeAnonymous"


def test_a_prohibited_write_beside_anonymous_apex_in_one_helper_is_an_error(
        findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("AnonymousApex.cls", 77)]
    assert f.level.value == "error" and "of RemoteProxy" in f.message


def test_anonymous_apex_beside_an_undetermined_write_names_both(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("AnonymousApex.cls", 86)]
    assert f.level.value == "warning" and "executeAnonymous" in f.message
    assert "also makes a Tooling API DELETE/GET whose metadata type apexlint could not determine" in f.message


def test_a_helper_says_what_its_called_wrappers_send_not_an_uncalled_ones(
        findings: dict[tuple[str, int], Finding]) -> None:
    """W-3: `createTrigger` and `executeAnonymous` share `send`; the package calls only the first.
    The message is the called path's, a POST of ApexTrigger, with no anonymous Apex in it."""
    f = findings[("TriggerToolingClient.cls", 30)]
    assert f.rule_id == "SID004" and f.level.value == "warning"
    assert "authenticates a Tooling API POST of ApexTrigger whose names apexlint could not determine" in f.message
    assert "executeAnonymous" not in f.message and dict(f.properties)["operation"] == "POST"


def test_anonymous_apex_beside_a_write_of_a_known_type_names_the_type(
        findings: dict[tuple[str, int], Finding]) -> None:
    """Both wrappers called: the helper runs anonymous Apex, and its other request's type is a literal."""
    f = findings[("ScriptToolingClient.cls", 29)]
    assert f.rule_id == "SID004" and f.level.value == "warning"
    assert "authenticates Tooling API executeAnonymous, which runs any Apex" in f.message
    assert "and the same request also makes a Tooling API POST of ApexTrigger;" in f.message
    assert "could not determine" not in f.message


def test_a_type_a_port_helper_is_given_is_the_type_its_callers_pass(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("PortCleanupSteps.cls", 12)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "deleteMetadata of RemoteSiteSetting:" in f.message


def test_the_full_names_a_port_delete_is_given_are_the_records_deleted(
        findings: dict[tuple[str, int], Finding]) -> None:
    foreign = findings[("ForeignRecordCleanup.cls", 8)]
    assert (foreign.rule_id, foreign.level.value) == ("SID004", "warning")
    assert "deleteMetadata of CustomMetadata (Region_Map__mdt.Default), which is not in the package namespace" \
        in foreign.message


def test_a_full_name_built_at_run_time_is_not_its_literal_text() -> None:
    """`<fullNames>` + an object's name + '.' + a field's: the name is not known, and `.`, its
    literal text, is no name (nor, in a namespaced package, one outside the namespace)."""
    root = REPO / "fixtures" / "apex-mdapi-style"
    result = scan(ScanOptions(paths=(root / "force-app/main/default/classes/RunTimeNamesCleanup.cls",),
                              root=REPO, jobs=1))
    by_source = {f.source.span.start_line: f.message for f in result.findings
                 if f.rule_id == "SID004" and f.source is not None}
    assert "deleteMetadata of CustomField whose names apexlint could not determine" in by_source[11]
    assert "of CustomField, PermissionSet, PermissionSetGroup (Cleanup_Access, Cleanup_Group), which is not in " \
        "the package namespace" in by_source[35]
    assert not any("(." in m or ", ." in m for m in by_source.values()), by_source


def test_a_helper_s_callers_that_all_name_one_operation_name_it() -> None:
    """The helper's own joined request may be too widened to show its operation (`POST`); when every
    caller's request names the same one (deleteMetadata, of different types), the message names it."""
    from apexlint.analyses.endpoints import CalloutUse, Endpoint
    from apexlint.checks.context import _writes_of_cases

    org = (Endpoint("same-org", "<org URL>/services/Soap/m/59.0", api="metadata"),)
    joined = CalloutUse(org, ("body",), False, ("POST",), "", True, ())
    fields = CalloutUse(org, ("body",), False, ("POST",), "deleteMetadata", True, ("CustomField",))
    perms = CalloutUse(org, ("body",), False, ("POST",), "deleteMetadata", True, ("PermissionSet",), ("Access",))
    assert _writes_of_cases(joined, [fields, perms]).operation == "deleteMetadata"
    created = CalloutUse(org, ("body",), False, ("POST",), "createMetadata", True, ("PermissionSet",))
    assert _writes_of_cases(joined, [fields, created]).operation == ""


@pytest.mark.parametrize("line", [16, 28])  # a subrequest's URL; a collection record's attributes
def test_a_tooling_composite_request_writes_what_its_body_names(findings: dict[tuple[str, int], Finding],
                                                                line: int) -> None:
    f = findings[("ToolingComposite.cls", line)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "Tooling API POST of RemoteProxy:" in f.message


def test_a_composite_subrequest_that_only_reads_writes_nothing(findings: dict[tuple[str, int], Finding]) -> None:
    f = findings[("ToolingComposite.cls", 41)]
    assert (f.rule_id, f.level.value) == ("SID004", "warning")
    assert "POST of ValidationRule whose names" in f.message and "RemoteProxy" not in f.message


def test_each_call_of_a_helper_through_a_passed_session_counts(findings: dict[tuple[str, int], Finding]) -> None:
    """`removeAccess(sid)` calls `deleteItems` for a remote site setting, then for a permission set:
    the first is a prohibited write, even though the second call is the last one made."""
    f = findings[("SiteCleanup.cls", 22)]
    assert (f.rule_id, f.level.value) == ("SID004", "error")
    assert "deleteMetadata of RemoteSiteSetting:" in f.message


def test_a_queued_job_s_calls_of_a_helper_are_each_named(tmp_path: Path) -> None:
    """The enqueuer deletes a field, the job it queues (given the same session) a permission set
    group and a permission set, all through one helper: the message names the three types, not
    the last call's, nor one too wide to read (`PermissionSet` read from `PermissionSetGroup`)."""
    from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

    code = (REPO / "fixtures/apex-mdapi-style/force-app/main/default/classes/QueuedCleanup.cls").read_text()
    code = code.replace("'RemoteSiteSetting', 'Partner_Site'", "'PermissionSetGroup', 'Cleanup_Group'")
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/QueuedCleanup.cls": code.encode()}, namespace="ns")
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    [f] = [f for f in result.findings if f.rule_id == "SID004"]
    assert "deleteMetadata of CustomField, PermissionSet, PermissionSetGroup (Account.Cleanup_Flag__c, " \
        "Cleanup_Access, Cleanup_Group), which is not in the package namespace" in f.message, f.message


def test_callers_reports_keep_each_call_s_own_case() -> None:
    """A queued job that calls the helper twice reports one value joined from both, which may be
    too wide to read either envelope's type: beside its enqueuer's report, its own two cases are
    kept, not the joined value (Flowdometer's uninstall helper: CustomField, PermissionSetGroup,
    PermissionSet)."""
    from apexlint.analyses.dataflow import SinkSite, SourceHit, _cases
    from apexlint.analyses.values import Value
    from apexlint.ir import Span

    site = SinkSite("callout", "Http.send", "c.deleteitem", "C.cls", Span(1, 1, 1, 2), "send")
    field, group, perms, joined = (Value(strings=frozenset({(t,)})) for t in ("CustomField", "Group", "Set", "Set*"))
    enqueuer = SourceHit(site, "src", (), field)
    job = SourceHit(site, "src", (), joined, cases=(group, perms))
    assert _cases([enqueuer, job]) == (field, group, perms)
    assert _cases([enqueuer]) == ()
