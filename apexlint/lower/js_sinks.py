"""Where a JavaScript value leaves the page: the request, navigation and messaging APIs.

Declarative tables read by the flow walker in `js_flow.py` (CodeQL's habit: sources and sinks
as data, the engine generic). Sink names are the short API names reports show and rules
match on; the rules decide which are exports and which are supported same-org uses
(the AJAX Toolkit `sforce.connection` and CometD streaming to the org are supported UI XHR).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node

from apexlint.ir import BOUND_PREFIX, CLIENT_VALUE, DEFAULTS_PREFIX
from apexlint.lower.js_values import (
    FUNCTION_TYPES,
    REMOTE_OBJECT,
    SFORCE_RECORD,
    STAND_IN_START,
    UNKNOWN,
    UNKNOWN_TEXT,
    JsValue,
    ScriptUnit,
    accumulated,
    arguments_of,
    concat,
    dotted,
    union,
    unwrap_function,
)
from apexlint.model.catalog import PAGE_CONSOLE_METHODS, PAGE_RECORD_WRITES, PAGE_STORAGE
from apexlint.patterns import lazy
from apexlint.records import frozen

if TYPE_CHECKING:
    from apexlint.lower.js_flow import ScriptFlow

# Names of the browser's location object: assigning to it (or its href) navigates there.
LOCATION_NAMES = frozenset(
    {
        "location", "window.location", "document.location", "self.location", "top.location",
        "parent.location", "window.top.location", "window.parent.location", "window.self.location",
    }
)
LOCATION_METHODS = frozenset({"assign", "replace"})
WINDOW_OPEN = frozenset({"window.open", "top.open", "parent.open", "self.open", "window.top.open"})
# Salesforce mobile / Lightning Experience navigation from a Visualforce page.
ONE_NAVIGATION = frozenset({"sforce.one.navigateToURL", "window.sforce.one.navigateToURL"})
# Lightning navigation to a URL: Aura's `$A.get('e.force:navigateToURL')` event, fired with its
# `url` parameter (`setParams({url})`, `setParam('url', u)`), and an LWC's
# `this[NavigationMixin.Navigate]({type: 'standard__webPage', attributes: {url}})`.
AURA_EVENT_GETTERS = frozenset({"$A.get", "window.$A.get"})
AURA_NAVIGATE_EVENT = "e.force:navigateToURL"
AURA_NAVIGATE_KIND = "force:navigateToURL"
AURA_SET_PARAMS = frozenset({"setParams", "setParam"})
LWC_NAVIGATE = frozenset({"NavigationMixin.Navigate"})
LWC_WEB_PAGE = "standard__webPage"
# The Salesforce Console Integration Toolkit opens a tab on a URL, its second argument
# (`sforce.console.openSubtab(primaryTabId, url, active, tabLabel, ...)`).
CONSOLE_TABS = frozenset(f"{w}sforce.console.{m}" for w in ("", "window.")
                         for m in ("openPrimaryTab", "openSubtab", "openConsoleUrl"))
XHR_REQUEST = "XMLHttpRequest"  # how a script reading an XHR's response requested it, as messages say
FETCH_NAMES = frozenset({"fetch", "window.fetch", "self.fetch", "globalThis.fetch"})
BEACON_NAMES = frozenset({"navigator.sendBeacon", "window.navigator.sendBeacon"})
JQUERY_NAMES = frozenset({"$", "jQuery", "window.$", "window.jQuery", "j$", "$j"})
JQUERY = "jQuery"  # the library's name, as request defaults are kept under it
JQUERY_AJAX = "ajax"
JQUERY_SHORTHANDS = {"get": "GET", "getJSON": "GET", "post": "POST"}
JQUERY_SETUP = "ajaxSetup"
JQUERY_DATA_IN_URL = frozenset({"GET", "HEAD", "DELETE"})  # the methods jQuery puts `data` in the URL of
# jQuery's global request hooks: `$.ajaxPrefilter(fn)` and `$(document).ajaxSend(fn)` run `fn`
# before every jQuery request, so a header set there (`xhr.setRequestHeader`) rides on each.
JQUERY_HOOKS = ("ajaxPrefilter", "ajaxSend")
DOCUMENT_WRITE = frozenset({"document.write", "document.writeln"})
# axios: `axios(config)`, `axios(url, config)`, `axios.request(config)`, and a method per verb
# (`params` go into the URL; `data` is the body of the verbs that send one).
AXIOS_NAMES = frozenset({"axios", "window.axios"})
AXIOS = "axios"  # the library's name, the kind of an instance (`axios.create(config)`)
AXIOS_CREATE = "create"
# `axios.interceptors.request.use(config => {...})`: the interceptor runs on every request made
# through the client, and what it sets on `config` is as its defaults (`ScriptFlow._assign`)
AXIOS_INTERCEPTORS = ".interceptors.request"
AXIOS_CONFIG = "axios-config"  # the kind of that parameter; its text, the client's name
_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
AXIOS_NO_BODY = {"get": "GET", "delete": "DELETE", "head": "HEAD", "options": "OPTIONS"}
AXIOS_BODY = {"post": "POST", "put": "PUT", "patch": "PATCH"}
# The AJAX Toolkit's proxy: a request to the org's `/services/proxy` is forwarded, with its headers
# and body, to the URL in its `SalesforceProxy-Endpoint` header (`sforce.connection.remoteFunction`
# is built on it): that URL, any host, is where the request goes.
AJAX_PROXY = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?(?://[^/?#]*|\{[^}]*\})?/services/proxy(?:[/?#]|$)", re.IGNORECASE)
PROXY_ENDPOINT = "salesforceproxy-endpoint"
# Lightning Out: `$Lightning.use(app, callback, lightningEndPointURI, authToken)` sends the token
# to the endpoint (none given: the org the page is served from).
LIGHTNING_OUT = frozenset({"$Lightning.use", "window.$Lightning.use"})
# `$Lightning.createComponent("c:Panel", {sessionId: sid}, "host", cb)`: Lightning Out makes the
# component with those attribute values (`ScriptFlow.lightning_args`; `analyses.client` follows
# each into the component's `component.get('v.sessionId')`)
LIGHTNING_CREATE = frozenset({"$Lightning.createComponent", "window.$Lightning.createComponent"})

# The AJAX Toolkit (connection.js) reads the session from `sforce.connection.sessionId`, or
# from a global `__sfdcSessionId` that a Visualforce page sets before loading it.
SFORCE_SESSION = "sforce.connection.sessionId"
SFORCE_PREFIX = "sforce.connection."
# The connection object itself: the kind of a value that is it, wherever the script keeps it
# (`window.$soap = sforce.connection; $soap.init(sid, url)` is the toolkit's own `init`).
SFORCE_CONNECTIONS = frozenset({"sforce.connection", "window.sforce.connection"})
SFORCE_KIND = "sforce.connection"
# The AJAX Toolkit's beta client (`sforceclient.js`, S-controls' `sforceClient.init(sid, serverUrl)`),
# the connection's predecessor: its calls go to the server URL it is initialised with, as the
# connection's do.
LEGACY_SFORCE_CLIENT = "sforceClient"  # its uses' sink
LEGACY_SFORCE_CLIENTS = frozenset({LEGACY_SFORCE_CLIENT, "window." + LEGACY_SFORCE_CLIENT})
SFDC_SESSION_GLOBAL = "__sfdcSessionId"
SFDC_SESSION_NAMES = frozenset({SFDC_SESSION_GLOBAL, "window." + SFDC_SESSION_GLOBAL})

# Values carried through these calls keep their session: encoders, serialisers, string builders.
PROPAGATING_CALLS = frozenset(
    {
        "encodeURIComponent", "encodeURI", "escape", "btoa", "String", "JSON.stringify",
        "$.param", "jQuery.param", "window.btoa", "window.encodeURIComponent", "Object.assign",
        "JSON.parse",  # the object JSON text makes holds what the text held (`JSON.parse(body).sid`)
    }
)
# Methods whose result is derived from the receiver's (and arguments') text.
PROPAGATING_METHODS = frozenset(
    {
        "concat", "toString", "trim", "replace", "replaceAll", "substring", "substr", "slice",
        "join", "toLowerCase", "toUpperCase", "split", "valueOf", "padStart", "padEnd", "at",
    }
)
# Calls whose result is only a yes/no about the values they are given: a session asked about
# this way gives nothing of itself away (SID010, as `if (sid)` and Apex's `String.isBlank`).
# Every `is…` function of these libraries' namespaces is such a predicate (lodash/underscore,
# jQuery, Ext JS, AngularJS, Aura's `$A.util`, the built-ins).
PREDICATE_NAMESPACES = frozenset({"_", "lodash", "Ext", "angular", "$A.util", "Array", "Number", "Object",
                                  "$", "jQuery", "j$", "$j"})
PREDICATE_NAME = re.compile(r"^is[A-Z]\w*$")
PREDICATE_CALLS = frozenset({"Boolean", "isNaN", "isFinite", "Object.is", "window.isNaN", "window.isFinite"})
# String and array methods answering yes or no about their receiver and argument.
PREDICATE_METHODS = frozenset({"startsWith", "endsWith", "includes", "hasOwnProperty"})
# Methods that store their arguments in the receiver (headers, URLSearchParams, arrays, FormData).
MUTATING_METHODS = frozenset({"append", "set", "push", "unshift", "add"})
ELEMENT_URL_ATTRIBUTES = frozenset({"src", "href", "action", "data", "formaction", "poster"})
# Element kinds created by constructors the walker recognises.
JSFORCE_CONNECTIONS = frozenset({"jsforce.Connection", "jsforce.connection.Connection"})
CONSTRUCTOR_KINDS = {
    "XMLHttpRequest": "xhr",
    "window.XMLHttpRequest": "xhr",
    "ActiveXObject": "xhr",
    "Image": "img",
    "window.Image": "img",
    "Headers": "headers",
    "URLSearchParams": "params",
    "FormData": "params",
    "WebSocket": "websocket",
    "window.WebSocket": "websocket",
    "EventSource": "eventsource",
    "window.EventSource": "eventsource",
    "forcetk.Client": "forcetk",
}


WINDOW_NAMES = frozenset({"window", "top", "parent", "self", "window.top", "window.parent"})
_MARKUP_URL = re.compile(r"""(?:src|href|action)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_MARKUP_FORM = lazy(r"""<form\b[^>]*?\baction\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


@frozen
class CallShape:
    """A call's callee split into the parts sink matching needs."""

    callee: str  # dotted text, e.g. "$.ajax", "xhr.open"; "" when not a plain dotted name
    receiver: str  # dotted text of the object a method is called on ("" if none or complex)
    method: str  # the property called ("" for a plain function)

    @property
    def is_jquery(self) -> bool:
        return self.receiver in JQUERY_NAMES

    @property
    def mentions_cometd(self) -> bool:
        return "cometd" in self.callee.lower()


@dataclass(slots=True)
class RequestDefaults:
    """What a library's request defaults add to every request made through it (`$.ajaxSetup(
    {headers, data, url})`, a header set in its `beforeSend`, `axios.defaults.headers`): sessions in
    headers, sessions in data (the URL of a GET, else the body), and the URL a request that names
    none goes to. The flow is insensitive to order: every request of the script gets them."""

    headers: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)
    url: JsValue | None = None


def defaults_url(library: str) -> JsValue:
    """The URL of request defaults whose script makes no request through their library."""
    return JsValue(text=DEFAULTS_PREFIX + library)


def call_shape(unit: ScriptUnit, fn: Node | None) -> CallShape:
    callee = dotted(unit, fn) or ""
    if fn is None or fn.type != "member_expression":
        return CallShape(callee, "", "")
    prop = fn.child_by_field_name("property")
    receiver = dotted(unit, fn.child_by_field_name("object")) or ""
    return CallShape(callee, receiver, unit.text(prop) if prop is not None else "")


def predicate(unit: ScriptUnit, fn: Node | None, shape: CallShape) -> str | None:
    """How a call asks a yes/no question (`PREDICATE_CALLS`...) as a message names it
    (`Ext.isEmpty(…)`, `….startsWith(…)`, `/…/.test(…)`); None for any other call."""
    if shape.callee in PREDICATE_CALLS or (
            shape.receiver in PREDICATE_NAMESPACES and PREDICATE_NAME.match(shape.method)):
        return shape.callee + "(…)"
    if shape.method in PREDICATE_METHODS:
        return f"….{shape.method}(…)"
    receiver = fn.child_by_field_name("object") if fn is not None and shape.method == "test" else None
    return "/…/.test(…)" if receiver is not None and receiver.type == "regex" else None


def element_sink(kind: str, attribute: str) -> str:
    """Sink name for a URL attribute of a DOM element, e.g. "img.src", "element.src"."""
    return f"{kind or 'element'}.{attribute}"


def is_location(name: str) -> bool:
    return name in LOCATION_NAMES or (name.endswith(".href") and name[:-5] in LOCATION_NAMES)


def is_browser_location(name: str) -> bool:
    """`window.location.hostname` & co.: the page's own origin, shown by name in URL texts
    (`{window.location.origin}/services/...`) so that rules can see a same-origin request."""
    base = name.rpartition(".")[0]
    return base in LOCATION_NAMES or name in LOCATION_NAMES


def markup_url(html: str) -> str | None:
    """The first URL attribute in markup written by script (`document.write('<img src=…>')`)."""
    m = _MARKUP_URL.search(html)
    return m.group(1) if m else None


# ---------------------------------------------------------------------- call sites

Handler = Callable[["ScriptFlow", Node, CallShape, list[Node]], "bool | None"]


def call_site(flow: ScriptFlow, node: Node) -> bool:
    """Check a call against the sink table; True when its arguments form a request context
    (callbacks inside `$.ajax({beforeSend: ...})` set headers on that request)."""
    fn = node.child_by_field_name("function")
    shape = call_shape(flow.cur, fn)
    if shape.callee in flow.functions or unwrap_function(fn) is not None:
        flow.value(node)  # runs the function with its arguments, reporting sinks inside it
    args = arguments_of(node)
    for handler in _CALL_HANDLERS:
        matched = handler(flow, node, shape, args)
        if matched is not None:
            return matched
    return False


def _method(value: JsValue | None) -> str:
    """An HTTP method named by a literal, upper case ("" when not known)."""
    text = value.text.strip().upper() if value is not None else ""
    return text if text.isalpha() and len(text) <= 7 else ""


def _arg(args: list[Node], i: int) -> Node | None:
    return args[i] if i < len(args) else None


def _sources(value: JsValue | None) -> frozenset[str]:
    return value.sources if value is not None else frozenset()


def proxied(url: JsValue, headers: JsValue | None) -> JsValue:
    """Where a request to `url` with `headers` goes: the `SalesforceProxy-Endpoint` header's URL
    when `url` is the AJAX Toolkit's proxy (`AJAX_PROXY`), else `url`."""
    endpoint = next((v for k, v in headers.props if k.lower() == PROXY_ENDPOINT), None) if headers else None
    return forwarded(url, endpoint)


def forwarded(url: JsValue, endpoint: JsValue | None) -> JsValue:
    """Where the AJAX Toolkit's proxy forwards a request to `url` whose `SalesforceProxy-Endpoint`
    header is `endpoint`: there when `url` is the proxy, else `url`."""
    if endpoint is None or not AJAX_PROXY.match(url.text):
        return url
    return JsValue(url.sources | endpoint.sources, endpoint.text)


def _fetch(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    if shape.callee not in FETCH_NAMES:
        return None
    init = _arg(args, 1)
    url = proxied(flow.value(_arg(args, 0)), flow.field(init, "headers"))
    carried = _sources(flow.field(init, "headers")) | _sources(flow.field(init, "body"))
    flow.use("fetch", node, url, query=url.sources, carried=carried, body=flow.field(init, "body"),
             method=_method(flow.field(init, "method")) or "GET")
    flow.request_urls.append(url)
    return True


def _jquery(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`$.ajax(settings)`, `$.ajax(url, settings)`, `$.get/post/getJSON(url, data)`, each with
    what `$.ajaxSetup` made the defaults (`_jquery_defaults`).

    jQuery appends `data` to the URL for GET requests, so a session there is in the URL."""
    method = shape.method
    if method in JQUERY_HOOKS and (shape.is_jquery or method == "ajaxSend"):
        return _jquery_defaults(flow, node, method, None)
    if not shape.is_jquery or method not in (JQUERY_AJAX, JQUERY_SETUP, *JQUERY_SHORTHANDS):
        return None
    if method == JQUERY_SETUP:
        return _jquery_defaults(flow, node, method, _arg(args, 0))
    defaults = flow.defaults.get(JQUERY, RequestDefaults())
    if method in JQUERY_SHORTHANDS:
        url = flow.value(_arg(args, 0))
        data_node = _arg(args, 1)
        data = None if data_node is None or data_node.type in FUNCTION_TYPES else flow.value(data_node)
        headers, verb = None, JQUERY_SHORTHANDS[method]
    else:
        settings = _arg(args, 1) if len(args) >= 2 else _arg(args, 0)
        url = flow.value(args[0]) if len(args) >= 2 else (
            flow.field(settings, "url") or defaults.url or JsValue(text=""))
        headers, data = flow.field(settings, "headers"), flow.field(settings, "data")
        verb = _jquery_verb(flow, settings)
    url = proxied(url, headers)
    in_url = verb in JQUERY_DATA_IN_URL
    data_sources = _sources(data) | defaults.data
    query = url.sources | (data_sources if in_url else frozenset())
    carried = _sources(headers) | defaults.headers | (frozenset() if in_url else data_sources)
    flow.use(f"jQuery.{method}", node, url, query=query, carried=carried)
    flow.requests_through.add(JQUERY)
    flow.request_urls.append(url)
    if method == JQUERY_AJAX:
        flow.run_named_callback(settings, "beforeSend")
    return True


def _jquery_verb(flow: ScriptFlow, settings: Node | None) -> str:
    """The HTTP method of jQuery request settings (`type`, or `method`; GET when neither)."""
    given = flow.field(settings, "type") or flow.field(settings, "method")
    return given.text.upper() if given is not None else "GET"


def _jquery_defaults(flow: ScriptFlow, node: Node, method: str, settings: Node | None) -> bool:
    """`$.ajaxSetup(settings)` sends nothing: its `headers` and `data` ride on every later jQuery
    request, and a request naming no URL goes to its `url`. So do the headers its `beforeSend`
    sets, or a global hook's (`$.ajaxPrefilter(fn)`, `$(document).ajaxSend(fn)`): the walk enters
    them with these defaults as the request context (`_xhr`). Only a script that makes no jQuery
    request the flow sees has the session reported here, to the setup's `url` or, without one,
    to each later request's (unresolved: `ir.DEFAULTS_PREFIX`)."""
    defaults = flow.defaults.setdefault(JQUERY, RequestDefaults())
    url = flow.field(settings, "url")
    headers, data = _sources(flow.field(settings, "headers")), _sources(flow.field(settings, "data"))
    defaults.headers |= headers
    defaults.data |= data
    if url is not None:
        defaults.url = url if defaults.url is None else union(defaults.url, url)
    target = url or defaults_url(JQUERY)
    if JQUERY not in flow.requests_through:
        in_url = url is not None and _jquery_verb(flow, settings) in JQUERY_DATA_IN_URL
        flow.use(f"jQuery.{method}", node, target, query=target.sources | (data if in_url else frozenset()),
                 carried=headers | (frozenset() if in_url else data))
    flow.request_urls.append(JsValue(target.sources, target.text, target.props, DEFAULTS_PREFIX + JQUERY))
    flow.run_named_callback(settings, "beforeSend")
    return True


def _axios(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`axios(config)`, `axios(url, config)`, `axios.request(config)`, `axios.get(url, config)`,
    `axios.post(url, data, config)`, also of an instance (`api = axios.create(config)`): the
    request goes to `url` (else `config.url`), after the instance's or the defaults' `baseURL`
    unless absolute, with `config.headers` and the defaults' headers, its `params` in the URL."""
    if not flow.uses_axios:
        return None
    if shape.method == "use" and shape.receiver.endswith(AXIOS_INTERCEPTORS):
        client = shape.receiver[:-len(AXIOS_INTERCEPTORS)]
        if _axios_client(flow, client) is not None and args:
            flow.run_callback(args[0], [JsValue(text=client, kind=AXIOS_CONFIG)])
        return False
    verb = AXIOS_NO_BODY.get(shape.method) or AXIOS_BODY.get(shape.method)
    if is_axios(flow, shape.receiver) and shape.method == AXIOS_CREATE:
        return _axios_create(flow, node, _arg(args, 0))
    if _axios_client(flow, shape.callee) is not None:
        client = shape.callee
    elif _axios_client(flow, shape.receiver) is not None and (verb is not None or shape.method == "request"):
        client = shape.receiver
    else:
        return None
    if client == shape.callee or shape.method == "request":
        config = _arg(args, 1) if len(args) >= 2 else _arg(args, 0)
        url = flow.value(args[0]) if len(args) >= 2 else None
        data = flow.field(config, "data")
        verb = _method(flow.field(config, "method")) or "GET"
    else:
        url = flow.value(_arg(args, 0))
        data = flow.value(args[1]) if shape.method in AXIOS_BODY and len(args) >= 2 else None
        config = _arg(args, 2 if shape.method in AXIOS_BODY else 1)
    defaults = axios_defaults(flow, client)
    url = _axios_url(url or flow.field(config, "url"), flow.field(config, "baseURL") or defaults.url)
    query = url.sources | _sources(flow.field(config, "params")) | defaults.data
    carried = _sources(flow.field(config, "headers")) | _sources(data) | defaults.headers
    flow.use(f"axios.{shape.method}" if shape.method else "axios", node, url, query=query, carried=carried,
             body=data, method=verb or "")
    flow.requests_through.add(AXIOS)
    flow.request_urls.append(url)
    return True


def _axios_client(flow: ScriptFlow, name: str) -> JsValue | None:
    """What axios client a name is: axios itself, or an instance `axios.create` made; else None."""
    if is_axios(flow, name):
        return JsValue(kind=AXIOS)
    found = flow.env.get(name) if name else None
    return found if found is not None and found.kind == AXIOS else None


def is_axios(flow: ScriptFlow, name: str) -> bool:
    """Whether `name` is the axios library: its global, or a name the script imports it under
    (`import axiosLib from 'c/axios'`, a copy an LWC bundles)."""
    return name in AXIOS_NAMES or (bool(name) and flow.cur.imported(name) == AXIOS)


def axios_defaults(flow: ScriptFlow, client: str) -> RequestDefaults:
    """What a client's requests get besides their own config: an instance's (`axios.create(
    config)`), and whatever the scripts set on `<client>.defaults` (`axios.defaults.headers.common[
    'Authorization'] = …`, `axios.defaults.baseURL = …`: every request made through it), an
    instance's also axios's own, which `axios.create` starts from. Read from the names the
    first pass bound (`ScriptFlow.defaults_set`), so that order does not matter."""
    out = RequestDefaults()
    names = [client] if client in AXIOS_NAMES else [client, *sorted(AXIOS_NAMES)]
    instance = _axios_client(flow, client) if client not in AXIOS_NAMES else None
    if instance is not None:
        out.headers |= _sources(instance.prop("headers"))
        out.data |= _sources(instance.prop("params"))
        out.url = instance.prop("baseURL")
    for name in names:
        for key, value in flow.defaults_set(name + ".defaults"):
            rest = key[len(name) + len(".defaults"):]
            if rest == ".baseURL":
                out.url = out.url or value
            elif rest.startswith(".params"):
                out.data |= value.sources
            else:
                out.headers |= value.sources
    return out


def _axios_create(flow: ScriptFlow, node: Node, config: Node | None) -> bool:
    """`axios.create(config)` sends nothing; its requests are reported (`_axios`). In a script
    that sends no axios request the flow sees, the session in its headers is reported here."""
    if AXIOS not in flow.requests_through:
        base = flow.field(config, "baseURL")
        target = base or defaults_url(AXIOS)
        params = _sources(flow.field(config, "params"))
        flow.use(f"axios.{AXIOS_CREATE}", node, target, query=params if base is not None else frozenset(),
                 carried=_sources(flow.field(config, "headers")) | (params if base is None else frozenset()))
    return False


def _axios_url(url: JsValue | None, base: JsValue | None) -> JsValue:
    """axios's URL: `url` after `baseURL` unless `url` is absolute (or not known at all)."""
    if base is None or not base.text:
        return url or JsValue(text="")
    if url is None or not url.text:
        return base
    if url.text.startswith(UNKNOWN_TEXT) or _ABSOLUTE.match(url.text):
        return url
    return concat(JsValue(base.sources, base.text.rstrip("/")), JsValue(text="/"),
                  JsValue(url.sources, url.text.lstrip("/")))


def _lightning_out(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    if shape.callee not in LIGHTNING_OUT:
        return None
    endpoint = flow.value(args[2]) if len(args) >= 3 else JsValue(text="")
    flow.use("$Lightning.use", node, endpoint, query=endpoint.sources, carried=flow.value(_arg(args, 3)).sources)
    return False


def _lightning_create(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """Lightning Out's `$Lightning.createComponent(name, attributes, ...)` of a component named
    by a literal: the sessions each attribute is given, for the component's script to read. Not
    a use itself: the call stays one the flow does not follow, for a component apexlint cannot
    read, or one that does nothing with the attribute (SID011)."""
    if shape.callee not in LIGHTNING_CREATE or len(args) < 2 or not flow.emit:
        return None
    name = flow.value(args[0]).text
    if not _COMPONENT_NAME.fullmatch(name):
        return None
    for attribute, value in flow.value(args[1]).props:
        own = {s for s in value.sources if not s.startswith(CLIENT_VALUE)}
        if own:
            flow.lightning_args.setdefault((name, attribute), set()).update(own)
    return None


_COMPONENT_NAME = lazy(r"[A-Za-z_]\w*:[A-Za-z_]\w*")


def _navigation(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    if shape.callee in WINDOW_OPEN:
        sink = "window.open"
    elif shape.callee in ONE_NAVIGATION:
        sink = "sforce.one.navigateToURL"
    elif shape.method in LOCATION_METHODS and is_location(shape.receiver):
        sink = "window.location"
    elif shape.callee in CONSOLE_TABS:
        url = flow.value(_arg(args, 1))
        flow.use(f"sforce.console.{shape.method}", node, url, query=url.sources)
        return False
    else:
        return None
    url = flow.value(_arg(args, 0))
    flow.use(sink, node, url, query=url.sources)
    return False


def _lightning_navigation(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """Aura's `force:navigateToURL` event given its `url` (the event is what `$A.get` returns:
    `js_calls.call_value`), and an LWC's `this[NavigationMixin.Navigate](pageReference)` of a
    `standard__webPage` reference (or one of no type apexlint can read with a URL attribute):
    both send the browser to the URL, as `window.open` does."""
    if shape.method in AURA_SET_PARAMS and args:
        obj = _receiver(node)
        if obj is None or flow.value(obj).kind != AURA_NAVIGATE_KIND:
            return None
        if shape.method == "setParam":
            if len(args) < 2 or flow.value(args[0]).text != "url":
                return False
            url = flow.value(args[1])
        else:
            url = flow.field(args[0], "url") or JsValue()
        flow.use(AURA_NAVIGATE_KIND, node, url, query=url.sources)
        return False
    if shape.callee:  # `this[NavigationMixin.Navigate]` is no dotted name
        return None
    fn = node.child_by_field_name("function")
    index = fn.child_by_field_name("index") if fn is not None and fn.type == "subscript_expression" else None
    if index is None or dotted(flow.cur, index) not in LWC_NAVIGATE or not args:
        return None
    page_type = flow.field(args[0], "type")
    if page_type is not None and page_type.text not in (LWC_WEB_PAGE, UNKNOWN_TEXT):
        return False
    attributes = flow.field(args[0], "attributes")
    target = attributes.prop("url") if attributes is not None else None
    if target is not None:
        flow.use("NavigationMixin.Navigate", node, target, query=target.sources)
    return False


def _xhr(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    method, receiver = shape.method, shape.receiver
    known = flow.env.get(receiver, UNKNOWN)
    if method == "open" and len(args) >= 2 and receiver not in WINDOW_NAMES:
        url = flow.value(args[1])
        # the proxy's target, from a `SalesforceProxy-Endpoint` header the first pass saw
        url = forwarded(url, flow.proxy_endpoints.get(receiver))
        flow.open_urls[receiver] = url
        flow.open_methods[receiver] = _method(flow.value(args[0]))
        flow.use("XMLHttpRequest.open", node, url, query=url.sources)
    elif method == "setRequestHeader" and len(args) >= 2:
        request = flow.open_urls.get(receiver) or (flow.request_urls[-1] if flow.request_urls else None)
        name, value = flow.value(args[0]), flow.value(args[1])
        header = union(name, value)
        if name.text.lower() == PROXY_ENDPOINT:
            # where the AJAX proxy forwards this request (`AJAX_PROXY`): a session in it is in that URL
            endpoint = flow.proxy_endpoints.get(receiver)
            flow.proxy_endpoints[receiver] = value if endpoint is None else union(endpoint, value)
            flow.use("XMLHttpRequest.setRequestHeader", node, value, query=header.sources, receiver=receiver,
                     method=flow.open_methods.get(receiver, ""))
            return False
        if request is not None and request.kind.startswith(DEFAULTS_PREFIX):
            # in a `beforeSend` of `$.ajaxSetup` or a global hook: a header of every later request
            library = request.kind[len(DEFAULTS_PREFIX):]
            flow.defaults.setdefault(library, RequestDefaults()).headers.update(header.sources)
            if library in flow.requests_through:
                return False  # reported at each of those requests
            request = JsValue(request.sources, request.text, request.props)
        flow.use("XMLHttpRequest.setRequestHeader", node, request, carried=header.sources, receiver=receiver,
                 method=flow.open_methods.get(receiver, ""))
    elif method == "send" and known.kind in ("websocket",):
        flow.use("WebSocket.send", node, known, carried=flow.value(_arg(args, 0)).sources)
    elif method == "send" and (receiver in flow.open_urls or known.kind == "xhr"):
        body = flow.value(_arg(args, 0))
        flow.use("XMLHttpRequest.send", node, flow.open_urls.get(receiver), carried=body.sources,
                 receiver=receiver, body=body, method=flow.open_methods.get(receiver, ""))
    else:
        return None
    return False


def _component_set(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`component.set('v.url', u)` in an Aura bundle's script: its markup may bind the attribute
    into a URL attribute (`<iframe src="{!v.url}"/>`)."""
    if shape.method != "set" or not flow.cur.aura or len(args) < 2 or args[0].type != "string":
        return None
    key = flow.cur.text(args[0])[1:-1].strip()
    if not key.startswith("v.") or len(key) < 3:
        return None
    value = flow.value(args[1])
    # what the bundle's other actions read back (`_aura_value`), accumulated as a name's value is
    held = flow.aura_attributes.get(key[2:])
    flow.aura_attributes[key[2:]] = value if held is None else accumulated(held, value)
    # a value Apex hands over, kept whole, reads as itself (`analyses.client` tells its string from
    # the bundle's other scripts' reads); anything else holding it, as not known
    kept = value if not value.text.startswith(STAND_IN_START) or value.text[1:-1] in value.whole \
        else JsValue(value.sources)
    flow.use(BOUND_PREFIX + "v." + key[2:].partition(".")[0], node, kept, query=value.sources)
    return False


def _beacon(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    if shape.callee not in BEACON_NAMES:
        return None
    url = flow.value(_arg(args, 0))
    flow.use("navigator.sendBeacon", node, url, query=url.sources,
             carried=flow.value(_arg(args, 1)).sources)
    return False


def _post_message(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`target.postMessage(message, targetOrigin)`: the URL shown is the target origin."""
    if shape.method != "postMessage" and shape.callee != "postMessage":
        return None
    message = flow.value(_arg(args, 0))
    origin = flow.value(_arg(args, 1)) if len(args) >= 2 else JsValue(text="")
    flow.use("postMessage", node, origin, carried=message.sources)
    return False


def holds_sforce_connection(flow: ScriptFlow, name: str) -> bool:
    """Whether `name` is the AJAX Toolkit's connection: `sforce.connection` itself, or a name
    assigned it (`var conn = sforce.connection`, `window.$soap = sforce.connection`; a global
    property of `window` and the bare name are one variable)."""
    if name in SFORCE_CONNECTIONS:
        return True
    found = flow.env.get(name)
    if found is None:
        bare = name.removeprefix("window.")
        found = flow.env.get(bare if bare != name else "window." + name)
    return found is not None and found.kind == SFORCE_KIND


def _sforce(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """AJAX Toolkit calls (`sforce.connection.init(sid, serverUrl)`, `.query`...): same org,
    also through a name that holds the connection (`conn.init(sid, serverUrl)`), and the beta
    client's (`sforceClient.init(sid, serverUrl)`)."""
    if not shape.callee.startswith(SFORCE_PREFIX) and shape.receiver not in LEGACY_SFORCE_CLIENTS and not (
            shape.receiver and holds_sforce_connection(flow, shape.receiver)):
        return None
    if shape.method == "remoteFunction" and args:
        # the AJAX proxy forwards the request to `url`, any host, with the headers and data given:
        # a session put there goes where the URL points
        options = args[0]
        target = flow.field(options, "url") or JsValue(text="")
        sent = union(*(v for v in (flow.field(options, "requestHeaders"), flow.field(options, "requestData"))
                       if v is not None))
        flow.use("sforce.connection.remoteFunction", node, target, query=target.sources, carried=sent.sources,
                 body=flow.field(options, "requestData"), method=_method(flow.field(options, "method")))
        return False
    values = [flow.value(a) for a in args]
    carried = union(*values).sources
    if f"sforce.connection.{shape.method}" in PAGE_RECORD_WRITES and carried:
        # `sforce.connection.create([record])`: a session in a record field is stored in the org
        flow.use(f"sforce.connection.{shape.method}", node, JsValue(text=""), carried=carried)
        # the records (`upsert`'s after the external id field's name), in the call (`[cfg]`) or one alone
        at = 1 if shape.method == "upsert" else 0
        given = values[at] if at < len(values) else UNKNOWN
        for key, record in given.props if at < len(args) and args[at].type == "array" else (("", given),):
            kind, _, sobject = record.kind.partition(":")
            if kind == SFORCE_RECORD and (key.isdigit() or not key):
                _stored(flow, sobject, record.props)
        return False
    url = values[1] if shape.method == "init" and len(values) >= 2 else None
    flow.use(LEGACY_SFORCE_CLIENT if shape.receiver in LEGACY_SFORCE_CLIENTS else "sforce.connection", node, url,
             carried=carried)
    return False


def _console_or_storage(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`console.log(x)`: the browser's log; `localStorage.setItem(k, x)`: its storage (SID003)."""
    receiver = shape.receiver.removeprefix("window.")
    if receiver == "console" and shape.method in PAGE_CONSOLE_METHODS:
        logged = union(*(flow.value(a) for a in args)).sources
        flow.use(f"console.{shape.method}", node, JsValue(text=""), carried=logged)
        return False
    if receiver in PAGE_STORAGE and shape.method == "setItem" and len(args) >= 2:
        flow.use(receiver, node, JsValue(text=""), carried=flow.value(args[1]).sources)
        return False
    return None


def _storage(name: str) -> str:
    """The browser storage an assignment writes (`document.cookie`, `localStorage.k`), or ""."""
    name = name.removeprefix("window.")
    if name == "document.cookie":
        return name
    base = name.partition(".")[0]
    return base if base in PAGE_STORAGE and "." in name else ""


def _remote_object(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """Visualforce Remote Objects: `record.create()`, `.update()`, `.upsert()` of a
    `new RemoteObjectModel.X({...})`, with the fields it was made with and is given."""
    if f"RemoteObjectModel.{shape.method}" not in PAGE_RECORD_WRITES:
        return None
    obj = _receiver(node)
    record = flow.value(obj) if obj is not None else UNKNOWN
    kind, _, model = record.kind.partition(":")
    if kind != REMOTE_OBJECT:
        return None
    given = [flow.value(a) for a in args[:1]]
    written = union(record, *given).sources
    if written:
        flow.use(f"RemoteObjectModel.{shape.method}", node, JsValue(text=""), carried=written)
    _stored(flow, model, (*record.props, *(p for g in given for p in g.props)))
    return False


def _stored(flow: ScriptFlow, sobject: str, fields: Iterable[tuple[str, JsValue]]) -> None:
    """Note the sessions a record of `sobject` written with `fields` (name, value) keeps
    (`ir.FileIR.stored_fields`): the script's own, not the stand-ins for what Apex hands it."""
    for name, value in fields:
        for source in value.sources:
            if not source.startswith(CLIENT_VALUE):
                flow.stored.add((sobject, flow.cur.remote_field(sobject, name), source))


def _forcetk(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """ForceTK's `client.setSessionToken(sessionId, apiVersion, instanceUrl)`: the client's REST
    calls carry the token to the instance URL given, else to this page's own origin (or through
    the proxy the client was made with: `new forcetk.Client(clientId, loginUrl, proxyUrl)`)."""
    if shape.method != "setSessionToken" or not args:
        return None
    token = flow.value(args[0])
    client = flow.env.get(shape.receiver, UNKNOWN)
    url = client.prop("proxyUrl") if client.kind == "forcetk" else None
    if url is None or not url.text:
        url = flow.value(args[2]) if len(args) >= 3 else JsValue(text="")
    flow.use("forcetk.Client", node, url, carried=token.sources)
    return False


def _cometd(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """CometD clients (`$.cometd.configure`, `new org.cometd.CometD().init`): Streaming API."""
    if not (shape.mentions_cometd or flow.env.get(shape.receiver, UNKNOWN).kind == "cometd"):
        return None
    first = _arg(args, 0)
    url = flow.value(first) if first is not None and first.type == "string" else flow.field(first, "url")
    values = [flow.value(a) for a in args]
    flow.use("cometd", node, url, carried=union(*values).sources)
    return False


def _set_attribute(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`el.setAttribute('src', url)` and jQuery's `$(el).attr('href', url)`."""
    if shape.method not in ("setAttribute", "attr") or len(args) < 2 or args[0].type != "string":
        return None
    attribute = flow.cur.text(args[0])[1:-1].lower()
    if attribute not in ELEMENT_URL_ATTRIBUTES and attribute != "value":
        return None
    value = flow.value(args[1])
    if shape.receiver:
        # `el.setAttribute('action', u)` is `el.action = u`, `field.setAttribute('value', v)` is
        # `field.value = v` (a field of a form the script submits)
        assignment_sink(flow, node, f"{shape.receiver}.{attribute}", value)
    elif attribute != "value":  # `$(el).attr('href', u)`: an element of unknown kind
        flow.use(element_sink("", attribute), node, value, query=value.sources)
    return False


def _document_write(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`document.write(markup)`, also into another window's document (`w.document.writeln`)."""
    if shape.callee not in DOCUMENT_WRITE and not (
            shape.method in ("write", "writeln") and shape.receiver.endswith(".document")):
        return None
    written = union(*(flow.value(a) for a in args))
    form = _MARKUP_FORM.search(written.text)
    if form is not None:
        # a form written out and posted: its fields (a session in a hidden input) go in the body
        flow.use("document.write form", node, JsValue(text=form.group(1)), carried=written.sources)
        return False
    url = markup_url(written.text)
    if url is not None:
        flow.use("document.write", node, JsValue(text=url), query=written.sources)
    return False


def _mutation(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """`headers.append('Authorization', h)`, `params.set('sid', s)`: the receiver now holds it."""
    if shape.method not in MUTATING_METHODS or not shape.receiver:
        return None
    values = [flow.value(a) for a in args]
    added = union(*values)
    if added.sources:
        holder = flow.env.get(shape.receiver, UNKNOWN)
        if len(args) >= 2 and args[0].type == "string":
            holder = holder.with_prop(flow.cur.text(args[0])[1:-1], values[1])
        flow.assign_name(shape.receiver, JsValue(holder.sources | added.sources, holder.text,
                                                 holder.props, holder.kind))
    return False


# jsforce `conn.metadata.<method>(type, metadata)`: the SOAP Metadata API operation each sends.
JSFORCE_METADATA_WRITES = {
    "create": "createMetadata", "update": "updateMetadata", "upsert": "upsertMetadata",
    "delete": "deleteMetadata", "rename": "renameMetadata", "deploy": "deploy",
    "createSync": "createMetadata", "updateSync": "updateMetadata", "deleteSync": "deleteMetadata",
    # the retired asynchronous create/update/delete calls: the same writes
    "createAsync": "createMetadata", "updateAsync": "updateMetadata", "deleteAsync": "deleteMetadata",
}
# jsforce `conn.tooling.create(type, records)`, `conn.tooling.sobject(type).create(records)`...:
# the HTTP method of the Tooling REST request each sends
JSFORCE_TOOLING_WRITES = {
    "create": "POST", "insert": "POST", "update": "PATCH", "upsert": "PATCH",
    "destroy": "DELETE", "delete": "DELETE", "del": "DELETE",
}
_TOOLING_PATH = "/services/data/v59.0/tooling/sobjects/"
# jsforce `conn.request(...)` and its shorthands: a request to any URL, with the token.
JSFORCE_REQUESTS = frozenset({"request", "requestGet", "requestPost", "requestPut", "requestPatch", "requestDelete"})
_METADATA_TYPE = lazy(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
_FULL_NAME = lazy(r"^[A-Za-z0-9_][^<>&{}\x00]{0,254}$")  # a literal name, not markup or a run-time value
_METADATA_PATH = "/services/Soap/m/59.0"


def _jsforce(flow: ScriptFlow, node: Node, shape: CallShape, args: list[Node]) -> bool | None:
    """Calls on a `jsforce.Connection` made with a session that do more than its data API calls
    to its base URL (which its construction reports): a Metadata API write, `conn.metadata.create(
    'ConnectedApp', ...)`, sent as the SOAP request jsforce makes of it (operation, type and
    `fullName` in the body, as a raw envelope written by hand would hold them); a Tooling API
    sObject write (`conn.tooling.sobject('RemoteProxy').create(...)`, `conn.tooling.create(type,
    ...)`), a REST request with its method; and a request to a URL of the caller's choosing,
    `conn.request(url)`, which jsforce sends with the token wherever an absolute URL points."""
    target = _jsforce_target(flow, node)
    if target is None:
        return None
    conn, api, sobject = target
    token = conn.prop("accessToken") or UNKNOWN
    root = conn.prop("url") or JsValue(text="")
    if api == "metadata" and shape.method in JSFORCE_METADATA_WRITES:
        operation = JSFORCE_METADATA_WRITES[shape.method]
        kind = flow.value(_arg(args, 0)).text if shape.method != "deploy" else ""
        body = f'<{operation} xmlns="http://soap.sforce.com/2006/04/metadata">'
        if _METADATA_TYPE.match(kind):
            full_name = flow.field(_arg(args, 1), "fullName")
            named = full_name.text if full_name is not None and _FULL_NAME.match(full_name.text) else ""
            body += f'<metadata xsi:type="{kind}">' + (f"<fullName>{named}</fullName>" if named else "") + "</metadata>"
        flow.use("jsforce.metadata", node, concat(root, JsValue(text=_METADATA_PATH)), carried=token.sources,
                 body=JsValue(text=body + f"</{operation}>"))
        return False
    if api == "tooling" and shape.method in JSFORCE_TOOLING_WRITES:
        kind = sobject if sobject is not None else flow.value(_arg(args, 0)).text
        path = _TOOLING_PATH + (kind if _METADATA_TYPE.match(kind) else "")
        flow.use("jsforce.tooling", node, concat(root, JsValue(text=path)), carried=token.sources,
                 method=JSFORCE_TOOLING_WRITES[shape.method])
        return False
    if not api and shape.method in JSFORCE_REQUESTS and args:
        first = _arg(args, 0)
        url = flow.value(first) if first is not None and first.type in ("string", "template_string") else (
            flow.field(first, "url") or flow.value(first))
        if not url.text.startswith("/"):  # relative: to the connection's base URL, which its construction reports
            flow.use("jsforce.request", node, url, carried=token.sources)
        return False
    return None


def _jsforce_target(flow: ScriptFlow, node: Node) -> tuple[JsValue, str, str | None] | None:
    """For a method call on a jsforce connection (`conn.x()`), on its Metadata or Tooling API
    (`conn.metadata.x()`, `conn.tooling.x()`) or on a Tooling sObject
    (`conn.tooling.sobject('RemoteProxy').x()`): the connection, the API ("" for the connection
    itself) and the sObject type named. None for any other call."""
    obj = _receiver(node)
    if obj is None:
        return None
    api: str = ""
    sobject: str | None = None
    holder: Node | None = obj
    if obj.type == "call_expression":  # `conn.tooling.sobject('RemoteProxy')`
        callee = obj.child_by_field_name("function")
        tooling = callee.child_by_field_name("object") if callee is not None and callee.type == "member_expression" \
            else None
        if tooling is None or _property(flow, callee) != "sobject" or tooling.type != "member_expression" \
                or _property(flow, tooling) != "tooling":
            return None
        api, sobject = "tooling", flow.value(_arg(arguments_of(obj), 0)).text
        holder = tooling.child_by_field_name("object")
    elif obj.type == "member_expression" and _property(flow, obj) in ("metadata", "tooling"):
        api, holder = _property(flow, obj), obj.child_by_field_name("object")
    conn = flow.value(holder) if holder is not None else UNKNOWN
    return (conn, api, sobject) if conn.kind == "jsforce" else None


def _receiver(call: Node) -> Node | None:
    """The object a method is called on (`x` of `x.m()`, whatever expression it is), or None."""
    fn = call.child_by_field_name("function")
    return fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None


def _property(flow: ScriptFlow, member: Node | None) -> str:
    prop = member.child_by_field_name("property") if member is not None else None
    return flow.cur.text(prop) if prop is not None else ""


_CALL_HANDLERS: tuple[Handler, ...] = (
    _fetch, _console_or_storage, _jquery, _axios, _lightning_out, _lightning_create, _navigation,
    _lightning_navigation, _xhr,
    _beacon, _post_message, _sforce, _forcetk, _jsforce, _cometd,
    _remote_object, _set_attribute, _document_write, _component_set, _mutation,
)


# ---------------------------------------------------------------------- assignments


def assignment_sink(flow: ScriptFlow, site: Node, name: str, value: JsValue) -> None:
    """`location.href = u`, `img.src = u`, `form.action = u`, `sforce.connection.sessionId = s`
    (also `conn.sessionId = s` of a name that holds the connection), `document.cookie = c`,
    `localStorage.token = t`."""
    base, _, prop = name.rpartition(".")
    if name == SFORCE_SESSION or name in SFDC_SESSION_NAMES or (
            prop == "sessionId" and base and holds_sforce_connection(flow, base)):
        flow.use("sforce.connection", site, None, carried=value.sources)
        return
    storage = _storage(name)
    if storage:
        flow.use(storage, site, JsValue(text=""), carried=value.sources)
        return
    if is_location(name):
        flow.use("window.location", site, value, query=value.sources)
        return
    if value.sources and flow.uses_axios and AXIOS not in flow.requests_through and _axios_default(name):
        # `axios.defaults.headers.common['Authorization'] = …` in a script that sends no axios request
        flow.use("axios.defaults", site, defaults_url(AXIOS), carried=value.sources)
        return
    if not base:
        return
    if base == "this" and flow.cur.lwc:
        # an LWC's property: its template may bind it into a URL attribute (`<iframe src={url}>`)
        flow.use(BOUND_PREFIX + prop, site, value, query=value.sources)
    if prop == "action":
        flow.form_action = value
    if prop in ELEMENT_URL_ATTRIBUTES:
        kind = flow.env.get(base, UNKNOWN).kind or ("form" if prop == "action" else "")
        flow.use(element_sink(kind, prop), site, value, query=value.sources)
    elif prop == "value" and flow.has_submit:
        # A field of a form the script submits: the value travels in the request body.
        flow.use("form.submit", site, flow.form_action, carried=value.sources)
    elif prop in ("innerHTML", "outerHTML"):
        url = markup_url(value.text)
        if url is not None:
            flow.use(f"element.{prop}", site, JsValue(text=url), query=value.sources)


def _axios_default(name: str) -> bool:
    """Whether `name` is a part of axios's request defaults (`axios.defaults.headers.common.X`)."""
    return any(name.startswith(f"{client}.defaults") for client in AXIOS_NAMES)


def new_site(flow: ScriptFlow, node: Node) -> None:
    """`new WebSocket(url)`, `new EventSource(url)`, CometD clients built with a session."""
    ctor = flow.cur.imported(dotted(flow.cur, node.child_by_field_name("constructor")) or "")
    kind = CONSTRUCTOR_KINDS.get(ctor, "")
    args = arguments_of(node)
    if kind in ("websocket", "eventsource"):
        url = flow.value(_arg(args, 0))
        flow.use("WebSocket" if kind == "websocket" else "EventSource", node, url, query=url.sources)
    elif "cometd" in ctor.lower() and args:
        values = [flow.value(a) for a in args]
        flow.use("cometd", node, flow.field(args[0], "url"), carried=union(*values).sources)
    elif ctor in JSFORCE_CONNECTIONS and args:
        # `new jsforce.Connection({accessToken, ...})`: its API calls carry the token to its base URL
        flow.use("jsforce.Connection", node, jsforce_base_url(flow, args[0]), carried=flow.value(args[0]).sources)


def jsforce_base_url(flow: ScriptFlow, options: Node) -> JsValue:
    """Where a `jsforce.Connection` made with `options` sends its requests: the proxy if one is
    named, else the instance URL, else this page's own origin (an empty, relative, URL)."""
    return flow.field(options, "proxyUrl") or flow.field(options, "instanceUrl") or flow.field(
        options, "serverUrl") or JsValue(text="")
