"""What calls return: same-page functions run with their arguments, and known helpers.

A call to a function declared in the same page or file is evaluated with its arguments bound
to its parameters (three calls deep, memoised per argument taint), which is how a session
passed to `send(token)` reaches the sink inside `send`. Encoders and string methods carry a
session through; any other call returns an untainted value.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from apexlint.ir import (
    CLIENT_VALUE,
    LIGHTNING_ATTRIBUTE_OWNER,
    PAGE_RESPONSE,
    client_value,
    module_return,
    page_response,
)
from apexlint.lower.js_sinks import (
    AURA_EVENT_GETTERS,
    AURA_NAVIGATE_EVENT,
    AURA_NAVIGATE_KIND,
    AXIOS,
    AXIOS_CREATE,
    CONSTRUCTOR_KINDS,
    FETCH_NAMES,
    JQUERY_AJAX,
    JQUERY_NAMES,
    JQUERY_SHORTHANDS,
    JSFORCE_CONNECTIONS,
    PROPAGATING_CALLS,
    PROPAGATING_METHODS,
    CallShape,
    call_shape,
    is_axios,
    jsforce_base_url,
)
from apexlint.lower.js_values import (
    AURA_ACTION,
    AURA_HELPER_KIND,
    AURA_LABEL,
    FUNCTION_TYPES,
    REMOTE_OBJECT,
    SFORCE_RECORD,
    STAND_IN_START,
    UNKNOWN,
    UNKNOWN_TEXT,
    JsValue,
    ScriptUnit,
    arguments_of,
    concat,
    dotted,
    handed_over,
    label_merge_field,
    union,
    unwrap_function,
)
from apexlint.patterns import lazy

if TYPE_CHECKING:
    from apexlint.lower.js_flow import ScriptFlow

MAX_CALLS = 3  # nested calls into same-page functions
_TEXT_METHODS = frozenset({"trim", "toString", "valueOf", "toLowerCase", "toUpperCase"})


def call_value(flow: ScriptFlow, node: Node) -> JsValue:
    """The value a call returns, as far as same-page functions and known helpers tell."""
    fn = node.child_by_field_name("function")
    args = arguments_of(node)
    shape = call_shape(flow.cur, fn)
    if shape.callee in flow.functions:
        unit, target = flow.functions[shape.callee]
        return invoke(flow, unit, target, [flow.value(a) for a in args])
    inner = unwrap_function(fn)
    if inner is not None:
        return invoke(flow, flow.cur, inner, [flow.value(a) for a in args], immediate=True)
    if shape.callee == _AWAIT and len(args) == 1:
        # `await (await fetch(url)).json()`: the grammar reads `await (…)` as a call of a function
        # named `await` (a name outside async functions); in one it awaits what is in parentheses
        return flow.value(args[0])
    if shape.callee in AURA_EVENT_GETTERS and len(args) == 1 and flow.value(args[0]).text == AURA_NAVIGATE_EVENT:
        return JsValue(kind=AURA_NAVIGATE_KIND)  # the event that navigates to its `url` (`js_sinks`)
    apex = flow.cur.apex_method(shape.callee) if shape.callee else None
    if apex is not None:  # a promise of what the Apex method returns; `await` passes it through
        return handed_over(frozenset({client_value("apex", apex)}))
    if shape.callee and (imported := flow.cur.component_import(shape.callee)) is not None and _awaited(flow, node):
        # `await sessionId()` after `import { sessionId } from 'c/auth'`: what that function returns.
        # What Apex hands a module comes in a promise, and so does whatever a function returns of it:
        # the value of a call not awaited (`apiNameFor(field)`, most calls of NPSP's utility
        # modules) is not followed
        return handed_over(frozenset({module_return(*imported)}))
    if flow.cur.requests_page and (read := page_read(flow, fn, shape, args)) is not None:
        return read
    if shape.callee == "$A.get" and len(args) == 1 and args[0].type == "string":
        label = AURA_LABEL.match(flow.cur.text(args[0]))  # `$A.get('$Label.c.Partner_Host')`
        return JsValue(text=label_merge_field(label.group(1), label.group(2))) if label is not None else UNKNOWN
    if flow.cur.aura and shape.method in ("get", "getReturnValue") and fn is not None:
        return _aura_value(flow, fn, shape.method, args)
    if flow.cur.held and (held := element_value(flow, fn, shape.method, args)) is not None:
        return held
    if is_axios(flow, shape.receiver) and shape.method == AXIOS_CREATE:
        # an axios instance: its requests carry the config's headers to its `baseURL` (`js_sinks._axios`)
        config = flow.value(args[0]) if args else UNKNOWN
        return JsValue(config.sources, UNKNOWN_TEXT, config.props, AXIOS)
    if shape.callee in _PROMISE_COMBINATORS and args:
        return _combined(shape.callee, flow.value(args[0]))
    if shape.callee in PROPAGATING_CALLS:
        values = [flow.value(a) for a in args]
        text = values[0].text if len(values) == 1 and shape.callee not in _NEW_TEXT else UNKNOWN_TEXT
        sources = union(*values).sources
        if shape.callee in _JSON_PARSE and values and _JSON_OBJECT.match(values[0].text):
            return JsValue(sources, text, in_object=sources)  # an object: its string is `[object Object]`
        return JsValue(sources, text)
    if shape.method == "createElement" and args and args[0].type == "string":
        return JsValue(kind=flow.cur.text(args[0])[1:-1].lower())
    if shape.method in PROPAGATING_METHODS and fn is not None:
        receiver = flow.value(fn.child_by_field_name("object"))
        values = [flow.value(a) for a in args]
        if shape.method == "concat":  # a string's, or an array's (`[].concat(details)`: what it holds)
            return JsValue(frozenset().union(receiver.sources, *(v.sources for v in values)),
                           concat(receiver, *values).text)
        text = receiver.text if shape.method in _TEXT_METHODS else UNKNOWN_TEXT
        if shape.method in ("replace", "replaceAll") and len(args) >= 2 and args[0].type == "string" \
                and UNKNOWN_TEXT not in receiver.text and STAND_IN_START not in receiver.text:
            # `envelope.replace('%%SESSION_ID%%', sid)`: the text around the placeholder is kept (a
            # SOAP envelope's operation and metadata types still say what the request does); in a
            # value Apex handed over (`base.replace('salesforce', 'partner')`) it may be anywhere
            placeholder = flow.cur.text(args[0])[1:-1]
            text = receiver.text.replace(placeholder, values[1].text, 1 if shape.method == "replace" else -1)
        return JsValue(receiver.sources | union(*values).sources, text)
    return UNKNOWN


def _awaited(flow: ScriptFlow, call: Node) -> bool:
    """Whether what a call returns is awaited (`await f()`) or handed to a callback (`f().then(…)`)."""
    parent = call.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "await_expression":
        return True
    prop = parent.child_by_field_name("property") if parent.type == "member_expression" else None
    return prop is not None and flow.cur.text(prop) == "then"


# How a script's request of a package page (`lower.requests_page`) names it: a path of this org
# (`/apex/ApiSession`, `/apex/ns__ApiSession?x=1`, also after the page's own origin). A URL of
# another host, or a path the script builds from what it does not know, names no page of the package.
_PAGE_URL = lazy(r"^(?:\{(?:(?:window|document|self|globalThis)\.)*location\.origin\})?/apex/([A-Za-z]\w*)(?:[?#]|$)")
# What reads a response's body: `res.text()`, `res.json()` (fetch); `.then(r => ...)` and jQuery's
# `.done(d => ...)` give their callback what the promise makes, and make what the callback returns
_BODY_READS = frozenset({"text", "json"})
_PROMISE_CALLBACKS = frozenset({"then", "done"})
_RESPONSE_CALLS = _BODY_READS | _PROMISE_CALLBACKS
_AXIOS_REQUESTS = frozenset({"get", "post", "request"})


def page_response_value(url: JsValue, how: str) -> JsValue | None:
    """What a request of `url` by `how` gets, where `url` names a page of the package: its response,
    under a stand-in (`ir.page_response`) the analysis replaces with the sessions the page renders;
    axios's response holds it as `data`. None for any other URL."""
    match = _PAGE_URL.match(url.text)
    if match is None:
        return None
    body = handed_over(frozenset({page_response(match.group(1), how)}))
    return JsValue(body.sources, UNKNOWN_TEXT, (("data", body),)) if how.startswith(AXIOS) else body


def page_read(flow: ScriptFlow, fn: Node | None, shape: CallShape, args: list[Node]) -> JsValue | None:
    """The value of a call in a script that requests a package page (`ScriptUnit.requests_page`):
    the request itself (`fetch('/apex/ApiSession')`, `$.get(...)`, `axios.get(...)`: the
    response's stand-in, `page_response_value`), a read of the response's body (`res.text()`,
    `res.json()`: the same), or a promise's callback given it (`.then(r => r.json())`: what the
    callback returns). None for any other call."""
    if shape.callee in FETCH_NAMES or (shape.is_jquery and shape.method in (JQUERY_AJAX, *JQUERY_SHORTHANDS)) \
            or (is_axios(flow, shape.receiver) and shape.method in _AXIOS_REQUESTS) \
            or (not shape.receiver and is_axios(flow, shape.callee)):
        first = args[0] if args else None
        url = flow.field(first, "url") if first is not None and first.type == "object" else flow.value(first)
        return page_response_value(url, shape.callee) if url is not None else None
    if fn is None or shape.method not in _RESPONSE_CALLS:
        return None
    received = flow.value(fn.child_by_field_name("object"))
    if not any(s.startswith(PAGE_RESPONSE) for s in received.sources):
        return None
    if shape.method in _BODY_READS:
        return handed_over(frozenset(s for s in received.sources if s.startswith(PAGE_RESPONSE)))
    first = (_unwrapped_callback(args[0]) if flow.cur.aura else args[0]) if args else None
    callback = first if first is not None and first.type in FUNCTION_TYPES else None
    return invoke(flow, flow.cur, callback, [received]) if callback is not None else None


_AWAIT = "await"
_AURA_PARAMS = "setParams"  # an Aura action's arguments, by parameter name
_AURA_ACTION_VALUE = client_value("aura", "")  # `client:aura:<method>`, an action of the bundle's controller
_JQUERY_SUCCESS = "success"  # `$.ajax` settings: the callback given the response's body
# Propagating calls whose result has text of its own: JSON's, or the object JSON text makes
_NEW_TEXT = frozenset({"JSON.stringify", "JSON.parse"})
_JSON_PARSE = frozenset({"JSON.parse"})
# JSON text known to be an object (`'{"sid": "' + sid + '"}'`): not a value not known (`{…}`), one
# Apex hands over (`{client:…}`) or a merge field (`{!…}`), which may be any JSON
_JSON_OBJECT = lazy(r'\s*\{\s*["}]')
# `Promise.all([getBase(), getSid()])` and its kin: a promise of what the promises given make
_PROMISE_COMBINATORS = frozenset({"Promise.all", "Promise.allSettled", "Promise.race", "Promise.any",
                                  "Promise.resolve"})


def _combined(callee: str, given: JsValue) -> JsValue:
    """What awaiting a Promise combinator gives: `all`, the array of what each promise makes, in
    place (`array_value`); `allSettled`, the same with each one as an outcome's `value`; `race`
    and `any`, one of them (its sessions); `resolve`, the value itself."""
    if callee in ("Promise.all", "Promise.resolve"):
        return given
    if callee == "Promise.allSettled":
        places = [(key, JsValue(item.sources, props=(("value", item),))) for key, item in given.props
                  if key.isdigit()]
        return JsValue(given.sources, UNKNOWN_TEXT, tuple(places))
    return JsValue(given.sources)


_AURA_ATTRIBUTE = lazy(r"""^['"]v\.([A-Za-z_]\w*)(?:\.[\w.]*)?['"]$""")  # `'v.sessionId'`, `'v.config.sid'`
_ELEMENT_LOOKUPS = frozenset({"getElementById", "querySelector"})
# `#sid`, `input#sid`, `[name=sid]`, `meta[name="sid"]`: the selectors that name one field by id or name
_SELECTOR = lazy(r"""^\s*[\w-]*(?:#([\w-]+)|\[\s*name\s*=\s*["']?([\w.-]+)["']?\s*\])\s*$""")
_HELD_PROPERTIES = ("value", "content")


def element_value(flow: ScriptFlow, fn: Node | None, method: str, args: list[Node]) -> JsValue | None:
    """A page field or meta tag that holds a session, as the page's script looks it up
    (`document.getElementById('sid')`, `document.querySelector('meta[name=sid]')`, `$('#sid')`),
    with the session as its `value` / `content`; what `.val()` and `.getAttribute('value')` read
    of it. None for any other call."""
    if method in _ELEMENT_LOOKUPS or (not method and dotted(flow.cur, fn) in JQUERY_NAMES):
        first = args[0] if len(args) == 1 and args[0].type == "string" else None
        text = flow.cur.text(first)[1:-1] if first is not None else ""
        if method == "getElementById":
            key = f"id:{text}"
        else:
            match = _SELECTOR.match(text)
            key = "" if match is None else f"id:{match.group(1)}" if match.group(1) else f"name:{match.group(2)}"
        held = flow.cur.held.get(key)
        if held is None:
            return None
        value = JsValue(held)
        return JsValue(kind="element", props=tuple((p, value) for p in _HELD_PROPERTIES))
    if method in ("val", "getAttribute") and fn is not None:
        asked = flow.cur.text(args[0])[1:-1] if method == "getAttribute" and len(args) == 1 and \
            args[0].type == "string" else ("value" if method == "val" and not args else "")
        if asked in _HELD_PROPERTIES:
            element = flow.value(fn.child_by_field_name("object"))
            return element.prop(asked) if element.kind == "element" else None
    return None


def _aura_value(flow: ScriptFlow, fn: Node, method: str, args: list[Node]) -> JsValue:
    """In an Aura bundle's script: `component.get('c.getToken')` is the action of the bundle's
    controller's `getToken` (what it returns, under a stand-in); `response.getReturnValue()`, in
    the action's callback, is what the response holds (`bind_callbacks`). An attribute
    (`component.get('v.details')`) is what the script's own actions set there, and, under a
    stand-in (`ir.LIGHTNING_ATTRIBUTE_OWNER`), what a page gives it when Lightning Out makes the
    component and what the bundle's other scripts keep there (its helper's callbacks), which the
    analysis (`analyses.client`) drops where none is a session. Anything else `get`s (`map.get(k)`)
    is not known."""
    if method == "get":
        text = flow.cur.text(args[0]) if len(args) == 1 else ""
        action = AURA_ACTION.match(text)
        if action is not None:
            return JsValue(frozenset({client_value("aura", action.group(1))}))
        attribute = _AURA_ATTRIBUTE.match(text)
        bundle = flow.src.path.rpartition("/")[0].rpartition("/")[2]
        # what the bundle's own actions set there (`component.set('v.sid', response.getReturnValue())`)
        key = text[1:-1].strip()  # read as `js_sinks._component_set` reads the key it sets
        held = flow.aura_attributes.get(key[2:]) if key.startswith("v.") and text[:1] in "'\"" else None
        if attribute is not None and bundle:
            owner = f"{LIGHTNING_ATTRIBUTE_OWNER}{bundle}"
            stand_in = frozenset({client_value("attribute", f"{owner}:{attribute.group(1)}")})
            # the attribute itself (`'v.details'`), which may hold an object; not a part of it (`'v.details.sid'`)
            given = JsValue(stand_in, whole=stand_in if "." not in key[2:] else frozenset())
            return union(held, given) if held is not None else given
        return held if held is not None else UNKNOWN
    received = flow.value(fn.child_by_field_name("object")).sources
    return handed_over(frozenset(s for s in received if s.startswith(CLIENT_VALUE)))


def bind_callbacks(flow: ScriptFlow, node: Node) -> None:
    """What Apex hands to a callback of this call, bound to its first parameter when the walk
    enters it: `getSid().then(sid => ...)`, JavaScript remoting's `function (result, event)`
    (`Visualforce.remoting.Manager.invokeAction('{!$RemoteAction.Ctrl.m}', ..., callback)` or
    `Ctrl.m(..., callback)` for the page's controller and extensions)."""
    fn = node.child_by_field_name("function")
    shape = call_shape(flow.cur, fn)
    args = arguments_of(node)
    handed: frozenset[str] = frozenset()
    action: str | None = None
    given = UNKNOWN  # what a `then` callback is given: what the promise makes
    if (shape.method in _PROMISE_CALLBACKS or (shape.method == "setCallback" and flow.cur.aura)) and fn is not None:
        # `getSid().then(sid => ...)`; an Aura action's `action.setCallback(this, response => ...)`;
        # jQuery's `$.get('/apex/ApiSession').done(data => ...)`
        given = flow.value(fn.child_by_field_name("object"))
        handed = frozenset(s for s in given.sources if s.startswith(CLIENT_VALUE))
        if flow.cur.aura:  # `$A.getCallback(function (response) {...})` wraps it too
            args = [_unwrapped_callback(a) for a in args]
        elif shape.method == "done" and not any(s.startswith(PAGE_RESPONSE) for s in handed):
            handed = frozenset()
    elif flow.cur.requests_page and shape.is_jquery and shape.method in (JQUERY_AJAX, *JQUERY_SHORTHANDS) and args:
        # `$.get('/apex/ApiSession', function (data) {...})`, `$.ajax({url: '/apex/ApiSession',
        # success: function (data) {...}})`: the callback is given the page's output
        given = page_read(flow, fn, shape, args) or UNKNOWN
        handed = frozenset(s for s in given.sources if s.startswith(PAGE_RESPONSE))
        if handed and shape.method == JQUERY_AJAX:
            args = _setting(flow.cur, args[0], _JQUERY_SUCCESS)
    elif shape.method == "invokeAction" and args:
        action = remote_action(flow.value(args[0]).text)
        handed = frozenset({client_value("remote", action)}) if action else frozenset()
        args = args[1:]
    elif shape.receiver and shape.receiver.rpartition(".")[2].lower() in flow.cur.remoting:
        action = f"{shape.receiver.rpartition('.')[2]}.{shape.method}"
        handed = frozenset({client_value("remote", action)})
    if flow.cur.aura and shape.method and flow.emit and fn is not None and (
            shape.receiver == "helper" or flow.value(fn.child_by_field_name("object")).kind == AURA_HELPER_KIND):
        # an Aura controller's `helper.push(component, sid)` (under whatever name the helper has:
        # `hlp`, `var h = helper`), a helper's `this.send(token)`: the helper's method gets what
        # Apex returned, or what the calling method was given (`client:helper:relay:1`)
        for i, a in enumerate(args):
            for s in flow.value(a).sources:
                if s.startswith(CLIENT_VALUE):
                    flow.helper_args.add((shape.method, i, s))
    if flow.emit and shape.callee and (imported := flow.cur.component_import(shape.callee)):
        # `send(sid)` after `import { send } from 'c/api'`: the module's function gets what Apex
        # returned, or what this script was given (`client:export:other.relay:0`)
        module, function = imported
        for i, a in enumerate(args):
            for s in flow.value(a).sources:
                if s.startswith(CLIENT_VALUE):
                    flow.module_args.add((module, function, i, s))
    apex = flow.cur.apex_method(shape.callee) if flow.emit and flow.cur.requests_page and shape.callee else None
    if flow.emit and flow.cur.requests_page and flow.cur.aura and shape.method == _AURA_PARAMS and fn is not None:
        # `action.setParams({apiSessionId: data.sid})` of `component.get('c.relay')`: the bundle's
        # controller's method, as the package finds it (`PackageModel`), named by the action's stand-in
        received = flow.value(fn.child_by_field_name("object")).sources
        apex = next((s for s in sorted(received) if s.startswith(_AURA_ACTION_VALUE)), None)
    if apex is not None and args:
        # `relay({apiSessionId: data.sid})` after `import relay from '@salesforce/apex/Relay.relay'`:
        # the page's response the script passes the Apex method, by the parameter its key names
        for key, value in flow.value(args[0]).props:
            for s in value.sources:
                if s.startswith(PAGE_RESPONSE):
                    flow.apex_args.add((apex.lower(), key.lower(), s))
    if action and flow.emit:
        # what the script passes the Apex method: its parameters, in order, before the callback;
        # the sessions of its own, and the responses of package pages it requested
        passed = [a for a in args if a.type not in FUNCTION_TYPES]
        for i, a in enumerate(passed):
            sessions = {s for s in flow.value(a).sources
                        if not s.startswith(CLIENT_VALUE) or s.startswith(PAGE_RESPONSE)}
            if sessions:
                flow.remoted.setdefault((action, i), set()).update(sessions)
    callback = next((a for a in args if a.type in FUNCTION_TYPES), None) if handed else None
    params = parameter_names(flow.cur, callback) if callback is not None else []
    # `Promise.all([getBase(), getSid()]).then(results => ...)`: the array, each element in its place
    elements = shape.method == "then" and given.prop("0") is not None
    # a page's response keeps its parts (axios's `data`)
    whole = elements or any(s.startswith(PAGE_RESPONSE) for s in handed)
    if callback is not None and params and params[0]:
        flow.callbacks[(id(flow.cur), callback.id)] = {params[0]: given if whole else handed_over(handed)}
    elif callback is not None and params and elements:
        # `.then(([base, sid]) => ...)`: each name its element
        pattern = _first_parameter(callback)
        if pattern is not None and pattern.type in ("array_pattern", "object_pattern"):
            flow.callbacks[(id(flow.cur), callback.id)] = dict(flow.pattern_values(pattern, given))


def _setting(unit: ScriptUnit, settings: Node, key: str) -> list[Node]:
    """The value written for `key` in an object literal of settings (`{success: function …}`)."""
    if settings.type != "object":
        return []
    return [value for pair in settings.named_children if pair.type == "pair"
            and (name := pair.child_by_field_name("key")) is not None and unit.text(name).strip("'\"") == key
            and (value := pair.child_by_field_name("value")) is not None]


def _first_parameter(fn: Node) -> Node | None:
    params = fn.child_by_field_name("parameters")
    found = [p for p in params.named_children if p.type != "comment"] if params is not None else []
    return found[0] if found else None


def _unwrapped_callback(arg: Node) -> Node:
    """The function `$A.getCallback(fn)` wraps (Aura's way to run a callback in its cycle)."""
    if arg.type == "call_expression":
        inner = arguments_of(arg)
        if len(inner) == 1 and inner[0].type in FUNCTION_TYPES:
            return inner[0]
    return arg


_REMOTE_ACTION = lazy(r"\{!\s*\$RemoteAction\.([\w.]+?)\s*\}|^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\s*$",
                            re.IGNORECASE)


def remote_action(text: str) -> str | None:
    """`[ns.]Class.method` of an `invokeAction` action: `{!$RemoteAction.Ctrl.m}` or `'Ctrl.m'`."""
    m = _REMOTE_ACTION.search(text)
    return (m.group(1) or m.group(2)) if m is not None else None


def new_value(flow: ScriptFlow, node: Node) -> JsValue:
    ctor = flow.cur.imported(dotted(flow.cur, node.child_by_field_name("constructor")) or "")
    kind = CONSTRUCTOR_KINDS.get(ctor) or ("cometd" if "cometd" in ctor.lower() else "")
    values = [flow.value(a) for a in arguments_of(node)]
    first = values[0] if values else UNKNOWN
    if ctor in URL_CONSTRUCTORS and values:
        url = resolve_url(first, values[1] if len(values) >= 2 else None)
        return JsValue(url.sources, url.text, (("href", url),), "url")
    if kind in ("headers", "params"):
        return JsValue(first.sources, UNKNOWN_TEXT, first.props, kind)
    if kind in ("websocket", "eventsource"):
        return JsValue(text=first.text, kind=kind)
    if kind == "forcetk" and len(values) >= 3:  # `new forcetk.Client(clientId, loginUrl, proxyUrl)`
        return JsValue(kind=kind, props=(("proxyUrl", values[2]),))
    if ctor in (SFORCE_RECORD, "window." + SFORCE_RECORD) and first.text and UNKNOWN_TEXT not in first.text:
        return JsValue(kind=f"{SFORCE_RECORD}:{first.text}")  # an AJAX Toolkit record: its fields are set on it
    if (model := flow.cur.remote_object(ctor)) is not None:
        # a Remote Objects record, with the fields it is made with
        return JsValue(first.sources, UNKNOWN_TEXT, first.props, f"{REMOTE_OBJECT}:{model}")
    if ctor in JSFORCE_CONNECTIONS and values:  # `new jsforce.Connection({accessToken, ...})`
        return JsValue(kind="jsforce", props=(("accessToken", JsValue(first.sources)),
                                              ("url", jsforce_base_url(flow, arguments_of(node)[0]))))
    return JsValue(kind=kind)


URL_CONSTRUCTORS = frozenset({"URL", "window.URL", "self.URL", "globalThis.URL"})
_ABSOLUTE_URL = lazy(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
# The browser's location as a base (`window.location.origin`, `location.href`, as `_member` names
# it): its origin is the page's, the path of `href` is not known.
_LOCATION_BASE = lazy(
    r"^\{((?:(?:window|document|self|top|parent)\.)*location)(?:\.(origin|href|host|hostname))?\}")


def resolve_url(given: JsValue, base: JsValue | None) -> JsValue:
    """What `new URL(input, base)` is, as WHATWG URL parsing resolves `input` against `base`, as
    far as the texts tell (U-13: `new URL('/services/data/…', window.location.origin)` is the
    page's own origin, as the same URL concatenated is). Sessions of both are kept."""
    if base is None:
        return JsValue(given.sources, given.text)
    sources = given.sources | base.sources
    text = given.text
    if _ABSOLUTE_URL.match(text):
        return JsValue(sources, text)
    location = _LOCATION_BASE.match(base.text)
    if location is not None:
        origin = "{" + location.group(1) + ".origin}"
        directory = base.text[location.end():] if location.group(2) in ("origin", "host", "hostname") else "/{…}/"
    elif _ABSOLUTE_URL.match(base.text):
        scheme, _, rest = base.text.partition("//")
        host, slash, path = rest.partition("/")
        origin, directory = f"{scheme}//{host}", slash + path
    else:
        origin, directory = UNKNOWN_TEXT, ""
    if text.startswith("/"):
        return JsValue(sources, origin + text)
    if text.startswith(("?", "#")):
        return JsValue(sources, origin + directory.split("?")[0].split("#")[0] + text)
    return JsValue(sources, origin + directory.rpartition("/")[0] + "/" + text)


def invoke(flow: ScriptFlow, unit: ScriptUnit, fn: Node, args: list[JsValue], again: bool = False,
           immediate: bool = False) -> JsValue:
    """Run a same-page function with bound arguments; its return value. `again`: run it even if
    it ran with these arguments before (a callback whose sinks belong to the request it runs for).
    `immediate`: `fn` is called where it is written (`(function () {…})()`)."""
    if flow.calls >= MAX_CALLS:
        return JsValue(frozenset().union(*(a.sources for a in args)))
    key = (id(unit), fn.id, tuple(a.sources for a in args), flow.emit)
    if key in flow.memo and not again:
        return flow.memo[key]
    flow.memo[key] = UNKNOWN  # recursion guard
    if immediate:
        flow.note_invoked(fn)
    caller, flow.cur = flow.cur, unit
    params = parameter_names(unit, fn)
    flow.enter_scope(fn, {name: args[i] if i < len(args) else UNKNOWN for i, name in enumerate(params) if name})
    flow.calls += 1
    flow.returns.append([])
    body = fn.child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        flow.walk(body)
    elif body is not None:
        flow.returns[-1] = [flow.value(body)]
    results = flow.returns.pop() or []
    flow.calls -= 1
    flow.leave_scope()
    flow.cur = caller
    result = union(*results) if results else UNKNOWN
    flow.memo[key] = result
    return result


def parameter_names(unit: ScriptUnit, fn: Node) -> list[str]:
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    if params is None:
        return []
    if params.type == "identifier":  # `x => ...`
        return [unit.text(params)]
    names: list[str] = []
    for p in params.named_children:
        if p.type == "identifier":
            names.append(unit.text(p))
        elif p.type == "assignment_pattern":
            left = p.child_by_field_name("left")
            names.append(unit.text(left) if left is not None else "")
        elif p.type == "rest_pattern" and p.named_children:
            names.append(unit.text(p.named_children[0]))
        else:
            names.append("")  # destructured parameter: position kept, name unbound
    return names
