"""Verdicts of Visualforce sources whose words matter, beyond the rule ids the annotations check."""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult

REPO = Path(__file__).resolve().parent.parent
PAGES = "fixtures/visualforce-sfdx/force-app/main/default/pages"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return scan(ScanOptions(paths=(REPO / "fixtures" / "visualforce-sfdx",), root=REPO, jobs=1))


def _at(result: ScanResult, path: str, line: int, rule: str) -> str:
    (finding,) = [f for f in result.findings if f.location.path == path and f.location.span.start_line == line
                  and f.rule_id == rule]
    return finding.message


def test_html_comment_merge_field_says_it_is_still_rendered(result: ScanResult) -> None:
    message = _at(result, f"{PAGES}/CommentedOut.page", 5, "SID011")
    assert "rendered inside an HTML comment" in message


def test_javascript_comment_merge_field_says_it_is_still_rendered(result: ScanResult) -> None:
    message = _at(result, f"{PAGES}/CommentedOut.page", 14, "SID011")
    assert "rendered inside a JavaScript comment" in message


def test_page_read_by_get_content_owes_its_verdict_to_the_reader(result: ScanResult) -> None:
    """The page's merge field gets SID007 (no finding of its own) rather than 'unused' SID011."""
    holder = [v for v in result.verdicts if v.path == f"{PAGES}/SessionHolder.page"]
    assert [v.rule_ids for v in holder] == [("SID007",)]
    assert not [f for f in result.findings if f.location.path == f"{PAGES}/SessionHolder.page"]


def test_run_time_url_is_a_low_confidence_export(result: ScanResult) -> None:
    (finding,) = [f for f in result.findings if f.rule_id == "SID002" and f.location.path.endswith(
        "PartnerFrame.component") and f.location.span.start_line == 10]
    assert dict(finding.properties)["confidence"] == "low"
    assert "could not resolve" in finding.message


def test_emailed_session_is_an_export_at_the_merge_field(result: ScanResult) -> None:
    (finding,) = [f for f in result.findings if f.location.path.endswith("SessionBody.email")]
    assert finding.rule_id == "SID002" and "recipient" in finding.message


def test_a_pages_metadata_write_names_its_operation_and_types(result: ScanResult) -> None:
    writes = [f for f in result.findings
              if f.location.path == f"{PAGES}/RemoteSiteSetup.page" and f.rule_id == "SID004"]
    (finding,) = [f for f in writes if "upsertMetadata" in f.message]
    assert "upsertMetadata of RemoteSiteSetting" in finding.message
    assert dict(finding.properties) == {"confidence": "high", "metadataType": "RemoteSiteSetting",
                                        "operation": "upsertMetadata"}
    messages = sorted(f.message.split(" authenticates a ")[1].split(":")[0] for f in writes)
    assert messages == [
        "Metadata API createMetadata of CspTrustedSite",  # to `window.location.protocol + '//{!Host}'`
        "Metadata API deleteMetadata of RemoteSiteSetting",  # `<type>` element, envelope filled by `replace`
        "Metadata API upsertMetadata of RemoteSiteSetting",
        "Tooling API POST of CspTrustedSite",  # `xhr.open('POST', '.../tooling/sobjects/...')`
        "Tooling API POST of RemoteProxy",  # to `{!SyncHost}/services/...`: a host apexlint cannot read
    ]


def test_a_page_finding_has_a_flow_from_the_merge_field_to_the_request(result: ScanResult) -> None:
    (finding,) = [f for f in result.findings if f.location.path == f"{PAGES}/ScriptScopes.page"]
    source, sink = finding.flow
    assert finding.source is not None
    assert (source.location.path, source.location.span) == (finding.source.path, finding.source.span)
    assert source.message == "session ID from {!$Api.Session_ID}"
    assert sink.location.span == finding.location.span
    assert sink.message == "sent to https://collector.partner.example.com/in"


CLASSES = "fixtures/visualforce-sfdx/force-app/main/default/classes"


def test_page_read_by_get_content_names_the_getter_that_renders_the_session(result: ScanResult) -> None:
    (line,) = [i for i, text in enumerate((REPO / CLASSES / "PageContentReader.cls").read_text().split("\n"), 1)
               if "Page.SessionFeed.getContent()" in text]
    message = _at(result, f"{CLASSES}/PageContentReader.cls", line, "SID007")
    assert "through {!sid}: PageSessionController.getSid, UserInfo.getSessionId() at PageSessionController.cls:" \
        in message


def test_property_an_action_sets_is_exposed_by_the_page_that_prints_it(result: ScanResult) -> None:
    (line,) = [i for i, text in enumerate((REPO / CLASSES / "PageSessionController.cls").read_text().split("\n"), 1)
               if "jsonData = JSON.serialize" in text]
    message = _at(result, f"{CLASSES}/PageSessionController.cls", line, "SID008")
    assert "exposed to client code: PageSessionController.initialize sets property jsonData" in message
    assert "(rendered by Visualforce page SessionJsonp as {!jsonData})" in message


def test_a_page_its_caller_chooses_is_not_said_to_be_always_the_packages_session_page(result: ScanResult) -> None:
    """`global String render(PageReference page) { page.getContent() }`: the page is the caller's
    choice; the package's page that prints a session is what makes it the trick (J-11)."""
    message = _at(result, "fixtures/visualforce-sfdx/force-app/main/default/classes/PageRenderService.cls", 9,
                  "SID007")
    assert "renders a Visualforce page its caller chooses, and the package's page 'SessionHolder' emits" in message
    assert "renders Visualforce page 'SessionHolder'" not in message


@pytest.mark.parametrize(("line", "url"), [
    (9, "https://<unknown>.force.com/services/apexrest/collect"),
    (15, "https://<unknown>.salesforce.com/services/data/v59.0/limits"),
])
def test_a_conditional_with_an_unknown_branch_builds_the_host_at_run_time(
        result: ScanResult, line: int, url: str) -> None:
    """`inst ? inst : ""` is either branch: the host is `<unknown>.force.com`, not `.force.com`
    (T-3: the unknown branch was dropped, and the truncated host judged the org's own)."""
    (finding,) = [f for f in result.findings if f.rule_id == "SID002" and f.location.path.endswith(
        "ConditionalHosts.page") and f.location.span.start_line == line]
    assert dict(finding.properties)["confidence"] == "low"
    assert f"({url}: the host is built at run time)" in finding.message


COMPONENTS = "fixtures/visualforce-sfdx/force-app/main/default/components"


def _line_of(path: str, text: str) -> int:
    (line,) = [i for i, written in enumerate((REPO / path).read_text().split("\n"), 1) if text in written]
    return line


def test_page_that_prints_the_session_through_a_component_names_the_component(result: ScanResult) -> None:
    path = f"{CLASSES}/PageCompositionReader.cls"
    line = _line_of(path, "Page.ComponentSession.getContent()")
    token_line = _line_of(f"{COMPONENTS}/SessionToken.component", "{!$Api.Session_ID}")
    (finding,) = [f for f in result.findings if f.location.path == path and f.location.span.start_line == line
                  and f.rule_id == "SID007"]
    assert f"which emits the session ID ({{!$Api.Session_ID}} at SessionToken.component:{token_line})" \
        in finding.message
    assert finding.flow[0].location.path == f"{COMPONENTS}/SessionToken.component"
    assert finding.flow[0].message == ("page ComponentSession renders the session ID with {!$Api.Session_ID} "
                                       "(in SessionToken.component, which it renders)")


def test_included_page_and_template_are_cited_where_they_print_the_session(result: ScanResult) -> None:
    path = f"{CLASSES}/PageCompositionReader.cls"
    included = _at(result, path, _line_of(path, "/apex/vfx__IncludedSession"), "SID007")
    assert f"(at SessionPrinted.page:{_line_of(f'{PAGES}/SessionPrinted.page', 'SID[')})" \
        in included.replace("{!$Api.Session_ID} at", "at")
    composed = _at(result, path, _line_of(path, "Page.ComposedSession"), "SID007")
    assert "at SessionTemplate.page:" in composed


def test_component_read_through_a_page_owes_its_verdict_to_the_reader(result: ScanResult) -> None:
    """The component's merge field is in the output of pages Apex reads: their SID007 is its verdict."""
    token = [v for v in result.verdicts if v.path == f"{COMPONENTS}/SessionToken.component"]
    assert [v.rule_ids for v in token] == [("SID007",)]
    assert not [f for f in result.findings if f.location.path == f"{COMPONENTS}/SessionToken.component"]


def test_merge_field_rendered_false_says_it_renders_nothing(result: ScanResult) -> None:
    hidden = f"{PAGES}/HiddenSession.page"
    message = _at(result, hidden, _line_of(hidden, 'Session_ID}" rendered="{!false}"'), "SID011")
    assert message.endswith('is inside <apex:outputText rendered="{!false}">, which Visualforce does not render: '
                            "it retrieves no session and is in no page's output; remove it")
    assert not [f for f in result.findings if f.location.path == hidden and f.rule_id != "SID011"]
