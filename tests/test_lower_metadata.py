"""Metadata XML: outbound messages, evaluated merge fields, credentials, hostile XML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from apexlint.ir import FileIR, SourceKind, UrlUse
from apexlint.lower.metadata import lower_metadata
from apexlint.read.decode import read_source

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'


def lower(xml: str, path: str, metadata_type: str | None = None) -> FileIR:
    src, _ = read_source(path, xml.encode("utf-8"), "")
    assert src is not None
    return lower_metadata(src, metadata_type)


def sink(ir: FileIR, name: str) -> UrlUse:
    found = [u for u in ir.url_uses if u.sink == name]
    assert len(found) == 1, [(u.sink, u.url) for u in ir.url_uses]
    return found[0]


WORKFLOW = HEADER + f"""<Workflow {NS}>
    <outboundMessages>
        <fullName>Notify_Partner</fullName>
        <endpointUrl>https://partner.example.com/hook?a=1&amp;b=2</endpointUrl>
        <includeSessionId>true</includeSessionId>
        <integrationUser>integration@partner.example.com</integrationUser>
        <name>Notify Partner</name>
    </outboundMessages>
    <outboundMessages>
        <fullName>Quiet</fullName>
        <endpointUrl>https://partner.example.com/quiet</endpointUrl>
        <includeSessionId>false</includeSessionId>
    </outboundMessages>
</Workflow>
"""


def test_outbound_message_sending_the_session_is_a_source() -> None:
    ir = lower(WORKFLOW, "force-app/main/default/workflows/Account.workflow-meta.xml")
    (source,) = ir.sources
    assert source.kind == SourceKind.OUTBOUND_MESSAGE
    assert source.owner == "Notify_Partner"
    assert source.context == "https://partner.example.com/hook?a=1&b=2"
    assert source.user == "integration@partner.example.com"  # the session sent is this user's
    assert (source.span.start_line, source.span.start_col, source.span.end_col) == (6, 9, 50)
    assert ir.metadata[0].type == "Workflow" and ir.metadata[0].full_name == "Account"


def test_standalone_outbound_message_file() -> None:
    xml = HEADER + f"<WorkflowOutboundMessage {NS}><endpointUrl>https://x.example.com</endpointUrl>" \
        "<includeSessionId>TRUE</includeSessionId></WorkflowOutboundMessage>"
    (source,) = lower(xml, "workflows/Account/outboundMessages/Ping.outboundMessage-meta.xml").sources
    assert source.owner == "Ping" and source.context == "https://x.example.com" and source.user == ""


def test_decomposed_outbound_message_file_is_a_source() -> None:
    xml = HEADER + f"<WorkflowOutboundMessage {NS}><fullName>Hook</fullName>" \
        "<endpointUrl>https://x.example.com/case</endpointUrl><includeSessionId>true</includeSessionId>" \
        "<integrationUser>admin@acme.example.com</integrationUser></WorkflowOutboundMessage>"
    path = "workflows/Case/workflowOutboundMessages/Hook.workflowOutboundMessage-meta.xml"
    (source,) = lower(xml, path, "WorkflowOutboundMessage").sources
    assert source.kind == SourceKind.OUTBOUND_MESSAGE
    assert (source.owner, source.context) == ("Hook", "https://x.example.com/case")
    assert source.user == "admin@acme.example.com"


def test_decomposed_field_update_saves_its_formula_into_the_folders_object() -> None:
    xml = HEADER + f"<WorkflowFieldUpdate {NS}><fullName>Stamp</fullName><field>Token__c</field>" \
        "<formula>GETSESSIONID()</formula><operation>Formula</operation></WorkflowFieldUpdate>"
    ir = lower(xml, "force-app/main/default/workflows/Case/workflowFieldUpdates/Stamp.workflowFieldUpdate-meta.xml",
               "WorkflowFieldUpdate")
    use = sink(ir, "workflow field update")
    assert use.url == "Stamp into Case.Token__c" and use.sources == (ir.sources[0].id,)


def test_a_formula_outside_a_field_update_is_not_saved() -> None:
    # a decomposed rule's criteria formula is evaluated, never stored
    xml = HEADER + f"<WorkflowRule {NS}><fullName>Changed</fullName><formula>GETSESSIONID() != null</formula>" \
        "</WorkflowRule>"
    ir = lower(xml, "workflows/Case/workflowRules/Changed.workflowRule-meta.xml", "WorkflowRule")
    assert len(ir.sources) == 1 and not ir.url_uses


FLOW = HEADER + f"""<Flow {NS}>
    <actionCalls>
        <name>Mail_It</name>
        <actionName>emailSimple</actionName>
        <actionType>emailSimple</actionType>
        <inputParameters><name>emailAddresses</name><value><elementReference>To</elementReference></value>
        </inputParameters>
        <inputParameters><name>emailBody</name><value><elementReference>Body</elementReference></value>
        </inputParameters>
    </actionCalls>
    <actionCalls>
        <name>Post_It</name>
        <actionName>chatterPost</actionName>
        <actionType>chatterPost</actionType>
        <inputParameters><name>text</name><value><elementReference>Sid</elementReference></value></inputParameters>
    </actionCalls>
    <formulas><name>Sid</name><dataType>String</dataType><expression>{{!$Api.Session_ID}}</expression></formulas>
    <textTemplates><name>Body</name><text>Token: {{!Sid}}</text></textTemplates>
</Flow>
"""


def test_a_flow_e_mail_action_mails_the_session_its_resources_hold() -> None:
    ir = lower(FLOW, "force-app/main/default/flows/Mail.flow-meta.xml", "Flow")
    (source,) = ir.sources  # the formula's; the template refers to it, the chatter post is not mailed
    use = sink(ir, "flow e-mail action")
    assert use.url == "Mail_It to the addresses in To" and use.sources == (source.id,)
    assert not use.in_query and len(ir.url_uses) == 1


def test_doctype_entities_are_never_expanded() -> None:
    xml = HEADER + (
        '<!DOCTYPE Workflow [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> '
        '<!ENTITY lol "lol&lol;&lol;&lol;"> ]>\n'
    ) + WORKFLOW[len(HEADER):].replace("b=2", "b=&xxe;&lol;")
    ir = lower(xml, "workflows/Account.workflow")
    (source,) = ir.sources
    assert source.context == "https://partner.example.com/hook?a=1&b=&xxe;&lol;"


def test_web_link_with_session_is_a_source_and_a_url_sink() -> None:
    xml = HEADER + f"""<CustomObject {NS}>
    <webLinks>
        <fullName>Open_Partner</fullName>
        <linkType>url</linkType>
        <url>https://partner.example.com/launch?sid={{!$Api.Session_ID}}&amp;org={{!$Organization.Id}}</url>
    </webLinks>
    <fields><fullName>Notes__c</fullName><description>never use {{!$Api.Session_ID}}</description></fields>
</CustomObject>"""
    ir = lower(xml, "src/objects/Account.object")
    (source,) = ir.sources
    assert (source.owner, source.context, source.text) == ("Open_Partner", "webLinks/url", "{!$Api.Session_ID}")
    assert (source.span.start_line, source.span.start_col) == (6, 53)
    use = sink(ir, "weblink")
    assert use.url == "https://partner.example.com/launch?sid={!$Api.Session_ID}&org={!$Organization.Id}"
    assert use.in_query and use.sources == (source.id,)


def test_standalone_web_link_file() -> None:
    xml = HEADER + f"<WebLink {NS}><linkType>url</linkType><url>https://x.example.com/?s={{!GETSESSIONID()}}</url></WebLink>"
    ir = lower(xml, "objects/Account/webLinks/Go.webLink-meta.xml")
    assert sink(ir, "weblink").in_query
    assert ir.metadata[0].full_name == "Go" and ir.metadata[0].type == "WebLink"


def test_javascript_web_link_is_analysed_as_script() -> None:
    xml = HEADER + f"""<WebLink {NS}><linkType>javascript</linkType>
<url>{{!REQUIRESCRIPT(&quot;/soap/ajax/58.0/connection.js&quot;)}}
window.open(&apos;https://js.example.com/?s={{!$Api.Session_ID}}&apos;);</url></WebLink>"""
    ir = lower(xml, "objects/Account/webLinks/Js.webLink-meta.xml")
    use = sink(ir, "window.open")
    assert use.url == "https://js.example.com/?s={!$Api.Session_ID}"
    assert use.span.start_line == 4


def test_javascript_web_link_reading_the_toolkit_session_is_a_source() -> None:
    xml = HEADER + f"""<WebLink {NS}>
    <fullName>Sync</fullName>
    <linkType>javascript</linkType>
    <url>{{!REQUIRESCRIPT("/soap/ajax/59.0/connection.js")}} window.open('https://x.example.com/?s=' +
sforce.connection.sessionId);</url>
</WebLink>
"""
    ir = lower(xml, "force-app/main/default/objects/Account/webLinks/Sync.webLink-meta.xml")
    (source,) = ir.sources
    assert source.kind == SourceKind.JS_SFORCE_SESSION and source.span.start_line == 6
    use = sink(ir, "window.open")
    assert use.url.startswith("https://x.example.com/?s=") and use.in_query


def test_top_level_custom_link_is_a_url_sink() -> None:
    xml = HEADER + f"""<CustomPageWebLink {NS}>
    <linkType>url</linkType>
    <url>https://x.example.com/?sid={{!$Api.Session_ID}}</url>
</CustomPageWebLink>
"""
    ir = lower(xml, "force-app/main/default/weblinks/Home.weblink-meta.xml", "CustomPageWebLink")
    assert sink(ir, "weblink").url == "https://x.example.com/?sid={!$Api.Session_ID}"


def test_formula_url_keeps_literals_and_names_other_terms_as_merge_fields() -> None:
    from apexlint.lower.metadata import formula_url_text
    assert formula_url_text(' "https://x.example.com/?id=" & Id & "&sid=" & GETSESSIONID() ') == \
        "https://x.example.com/?id={!Id}&sid={!GETSESSIONID()}"
    assert formula_url_text('LEFT($Api.Partner_Server_URL_590, 20) & "apex/X"') == \
        "{!LEFT($Api.Partner_Server_URL_590, 20)}apex/X"


def test_formula_hyperlink_with_getsessionid() -> None:
    xml = HEADER + f"""<CustomField {NS}>
    <fullName>Portal__c</fullName>
    <formula>HYPERLINK(&quot;https://x.example.com/?sid=&quot; &amp; GETSESSIONID(), &quot;Open&quot;)</formula>
</CustomField>"""
    ir = lower(xml, "objects/Account/fields/Portal__c.field-meta.xml")
    (source,) = ir.sources
    assert source.text == "GETSESSIONID()" and source.context == "formula" and source.owner == "Portal__c"
    assert (source.span.start_line, source.span.start_col) == (4, 70)
    use = sink(ir, "formula-hyperlink")
    assert use.url == "https://x.example.com/?sid={!GETSESSIONID()}" and use.in_query


def test_custom_tab_and_home_page_component() -> None:
    tab = lower(HEADER + f"<CustomTab {NS}><url>https://p.example.com/?s={{!$Api.Session_ID}}</url></CustomTab>",
                "tabs/Partner.tab-meta.xml")
    assert sink(tab, "custom-tab").url == "https://p.example.com/?s={!$Api.Session_ID}"
    body = "&lt;iframe src=&quot;https://w.example.com/?s={!$Api.Session_ID}&quot;&gt;&lt;/iframe&gt;"
    home = lower(HEADER + f"<HomePageComponent {NS}><body>{body}</body></HomePageComponent>",
                 "homePageComponents/W.homePageComponent")
    use = sink(home, "home-page-component")
    assert use.url == "https://w.example.com/?s={!$Api.Session_ID}" and use.in_query


def test_credentials_and_allow_lists_record_their_endpoint() -> None:
    legacy = lower(HEADER + f"<NamedCredential {NS}><endpoint>https://old.example.com</endpoint></NamedCredential>",
                   "namedCredentials/Old.namedCredential")
    assert legacy.metadata[0].endpoint == "https://old.example.com"
    current = lower(HEADER + f"""<NamedCredential {NS}><namedCredentialParameters>
<parameterName>Url</parameterName><parameterType>Url</parameterType>
<parameterValue>https://acme.my.salesforce.com</parameterValue></namedCredentialParameters></NamedCredential>""",
                    "namedCredentials/Org.namedCredential-meta.xml")
    assert current.metadata[0].endpoint == "https://acme.my.salesforce.com"
    remote = lower(HEADER + f"<RemoteSiteSetting {NS}><url>https://api.example.com</url></RemoteSiteSetting>",
                   "remoteSiteSettings/Api.remoteSite-meta.xml")
    assert (remote.metadata[0].type, remote.metadata[0].endpoint) == ("RemoteSiteSetting", "https://api.example.com")
    csp = lower(HEADER + f"<CspTrustedSite {NS}><endpointUrl>https://cdn.example.com</endpointUrl></CspTrustedSite>",
                "cspTrustedSites/Cdn.cspTrustedSite-meta.xml")
    assert csp.metadata[0].endpoint == "https://cdn.example.com"
    app = lower(HEADER + f"<ConnectedApp {NS}><label>X</label></ConnectedApp>", "connectedApps/Acme_App.connectedApp")
    assert (app.metadata[0].type, app.metadata[0].full_name) == ("ConnectedApp", "Acme_App")


def test_explicit_metadata_type_wins() -> None:
    ir = lower(HEADER + f"<ExternalCredential {NS}/>", "externalCredentials/E.externalCredential-meta.xml",
               "ExternalCredential")
    assert ir.metadata[0].type == "ExternalCredential" and ir.metadata[0].endpoint is None


def test_suppression_comment_with_double_dash_parses_cleanly() -> None:
    directive = "    <!-- apexlint:disable-next-line SID005 -- partner contract -->\n"
    xml = WORKFLOW.replace("    <outboundMessages>", directive + "    <outboundMessages>", 1)
    ir = lower(xml, "workflows/Account.workflow-meta.xml")
    (sup,) = ir.suppressions
    assert (sup.rule_ids, sup.reason, sup.line, sup.target_line) == (("SID005",), "partner contract", 3, 4)
    assert ir.notifications == ()


def test_comments_are_not_evaluated_and_their_tokens_are_redacted_sources() -> None:
    """A commented-out `<url>` requests nothing (its merge field is no source); a token pasted in
    the comment is in the source all the same, and is reported redacted, as comment text."""
    token = "00D5g000004ABCD!AQ4AQFakeTokenValue1234567890abcdef"
    xml = HEADER + f"""<CustomTab {NS}>
<!-- <url>https://x.example.com/?s={{!$Api.Session_ID}}</url> {token} -->
<description>{token}</description>
</CustomTab>"""
    ir = lower(xml, "tabs/T.tab-meta.xml")
    commented, described = sorted(ir.sources, key=lambda s: s.span)
    assert {commented.kind, described.kind} == {SourceKind.TOKEN_LITERAL}
    assert (commented.span.start_line, commented.context) == (3, "text in a comment")
    assert described.span.start_line == 4
    assert token not in commented.text and token not in described.text


def test_broken_xml_reports_a_parse_problem_and_keeps_what_parsed() -> None:
    xml = WORKFLOW[: WORKFLOW.index("<name>")] + "<name>Notify"
    ir = lower(xml, "workflows/Account.workflow-meta.xml")
    assert any(n.code == "parse-error" for n in ir.notifications)
    assert [s.kind for s in ir.sources] == [SourceKind.OUTBOUND_MESSAGE]


def test_crlf_metadata_positions() -> None:
    ir = lower(WORKFLOW.replace("\n", "\r\n"), "workflows/Account.workflow-meta.xml")
    (source,) = ir.sources
    assert (source.span.start_line, source.span.start_col) == (6, 9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "<", ">", "</", "/>", "<url>", "</url>", "<formula>", "</formula>", "<!--", "-->", "{!", "}",
    "$Api.Session_ID", "GETSESSIONID()", "HYPERLINK(", "&amp;", "&xxe;", "<![CDATA[", "]]>", "<!DOCTYPE x [",
    "<!ENTITY a 'b'>", "]>", "<includeSessionId>true</includeSessionId>", "<outboundMessages>", "é", "\n", '"',
    "<webLinks>", "<linkType>javascript</linkType>", "window.open(", "&#x41;", "&#99999999;",
])).map("".join))
def test_any_xml_lowers_without_raising(xml: str) -> None:
    lower(xml, "objects/Account.object")
