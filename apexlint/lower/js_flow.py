"""Value flow inside a page's JavaScript: which session values reach which requests.

What is followed: variables, object properties (`opts.headers.Authorization`), string
concatenation and template literals, `+=`, object and array literals, encoders and string
methods (`encodeURIComponent`, `btoa`, `JSON.stringify`, `.concat`...), mutating calls
(`headers.append`, `params.set`), and calls to functions declared in the same page or file,
including methods of object literals (arguments bound to parameters, return values carried
back, three calls deep). Every `<script>` of a page shares one scope, as in the browser.
The string of an object (`'…' + {sid: s}`, `${details}`) is `[object Object]`: it carries none of
the sessions in the object's properties (`JsValue.in_object`), and of a value Apex hands over whole,
which may be such an object, its own stand-in (`ir.as_text`); a property read of it, its JSON and
an array's string still carry them.
Request defaults (`$.ajaxSetup`, `axios.defaults`, `axios.create`) go with every request made
through their library (`js_sinks.RequestDefaults`), whatever the order of the two in the text.

Each function's own variables (its parameters and what it declares with `var`, `let` or
`const`, outside the functions nested in it) are its own: two functions that both say `var
request` hold two variables. Everything else shares the page's name space, as globals do.

What Apex hands to the script is followed too, under a stand-in id (`ir.CLIENT_VALUE`) the
analysis later replaces with the sessions the Apex member returns: a call of a method the
module imports from `@salesforce/apex/` (awaited, or its `.then` callback's parameter, or
wired: the `data` of an `@wire` field's value or of a wired function's argument), the
`result` of a JavaScript remoting callback, a merge field that reads one controller property,
an Aura action's return value, and, in an Aura helper, the parameters of its methods that may
send something or call one that may (what the bundle's controller, or the helper's other methods
through `this`, pass them: `aura_helper_methods`).

A static resource's script reads what the pages that load it keep in their globals (AF-4): a
credential-named global it never sets, declares or defines (`token`, `window.sid`, the
`appConfig` of `appConfig.accessToken`) is a stand-in (`client:global:token`) the analysis
replaces with the sessions those pages keep there (`ScriptUnit.page_globals`; whether to follow a
script at all for them is `page_globals.reads_page_global`).

A function a Lightning web component's module exports (`export function send(token)` in
`lwc/api/api.js`) has parameters that stand for what the components importing it pass there
(`client:export:api.send:0`), and a script records what it passes the functions it imports from
components' modules (`module_args`): the analysis joins the two, as it does an Aura helper's. The
other way, a module records what Apex hands its exported functions that they return
(`module_returns`: `return getSid()`), and a call of one in a script that imports it stands for
that (`client:module:auth.sessionId`).

A script that requests a package page and reads the response (`fetch('/apex/ApiSession')`, `$.get`,
`$.ajax`, `axios`, an `XMLHttpRequest`'s `responseText`: `ScriptUnit.requests_page`) holds what the
page renders, as Apex's `getContent()` would: a stand-in (`ir.page_response`) followed through
`res.text()`, `res.json()`, `.then` / `.done` callbacks (what they return too), `JSON.parse` and
properties named like a credential (`data.sid`), which the analysis replaces with the page's session
merge fields. What such a script passes an Apex method it imports, an Aura action or a remote action
is recorded by parameter (`FileIR.apex_args`, `PageIR.remoted_args`): the Apex is followed with it.

A custom label an LWC imports (`import HOST from '@salesforce/label/c.Partner_Host'`) or an Aura
script gets (`$A.get('$Label.c.Partner_Host')`) has the text a page's merge field for it has
(`{!$Label.Partner_Host}`): the analysis reads it as the label's packaged value.

Limits, on purpose: the analysis is flow-insensitive (two passes over the code, so a use
before its assignment in the text is still seen, a function's own variables included: each
keeps what it held when the function was last left); block scopes are the function's; it does
not follow values through the DOM, storage, events, other promises' resolved values,
object methods called through `this` (but an Aura helper's), or other files (but the globals
of the pages that load a static resource's script, and what components' modules' exported
functions are passed and return). Unknown calls return untainted values. A sink is recorded
only when a session value (or a stand-in) reaches it (sinks themselves are in `js_sinks`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node, Tree

from apexlint.ir import (
    AS_TEXT,
    BOUND_PREFIX,
    CLIENT_VALUE,
    EXPORT_PARAMETER,
    LIGHTNING_ATTRIBUTE_OWNER,
    SessionTest,
    Span,
    UnfollowedCall,
    UrlUse,
    client_value,
    export_parameter,
    helper_parameter,
    plain_stand_in,
)
from apexlint.lower import AURA_ATTRIBUTE_READ, AURA_ATTRIBUTE_WRITE, LWC_SESSION_PROPERTY, MAY_REQUEST_BYTES
from apexlint.lower import js_calls as calls
from apexlint.lower import js_sinks as sinks
from apexlint.lower.js_values import (
    AURA_HELPER_KIND,
    CREDENTIAL_NAME,
    FUNCTION_TYPES,
    MAX_TEXT,
    UNKNOWN,
    UNKNOWN_TEXT,
    JsValue,
    ScriptUnit,
    accumulated,
    arguments_of,
    array_value,
    concat,
    dotted,
    either,
    handed_over,
    leading_stand_in,
    shown,
    union,
    unwrap_function,
)
from apexlint.lower.page_globals import BROWSER_GLOBALS
from apexlint.lower.text_scan import shorten, unescaped
from apexlint.read.source import SourceText
from apexlint.secrets import clip

MAX_DEPTH = 120  # expression nesting evaluated exactly; deeper code is over-approximated
MAX_SINK_TEXT = 120
MAX_URL_TEXT = 400  # of a URL's text, as reports show it
_LITERAL_TYPES = frozenset({"number", "true", "false", "null", "undefined", "regex"})
_NO_FLOW_TYPES = frozenset({"unary_expression", "update_expression", "string_fragment"})
_QUOTES = "'\"`"
_WALKED = 3  # `ScriptFlow._enter`: the node's inside was walked already (`_walked_by_call`)
_NOT_INVOKED = object()
_SITE_TYPES = FUNCTION_TYPES | {
    "variable_declarator", "assignment_expression", "augmented_assignment_expression", "call_expression",
    "new_expression", "return_statement", "for_in_statement",
}
# where a script may only ask about a value (`if (sid)`, `sid == null`, `!sid`): walked only in
# scripts that read a session of their own
_TEST_TYPES = frozenset({"binary_expression", "unary_expression", "if_statement", "while_statement",
                         "do_statement", "ternary_expression"})
_EQUALITY = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">="})  # `sid.length > 0` asks too
_SHORT_CIRCUITS = frozenset({"||", "&&", "??"})
_CONDITIONS = {"if_statement": "if (…)", "while_statement": "while (…)", "do_statement": "while (…)",
               "ternary_expression": "… ? … : …"}
_AXIOS = sinks.AXIOS.encode()
# an object's members that make its string (`'…' + obj`) themselves
_OWN_STRING = frozenset({"toString", "valueOf", "[Symbol.toPrimitive]"})
_XHR_RESPONSES = frozenset({"responseText", "response"})


def _dropped(node: Node) -> bool:
    """Whether an expression's value is dropped, run only for what it does (`a || b();`): it is a
    statement of its own, an operand of a `,` but the last, or (in parentheses, a branch of a
    `?:`, the last operand of a `,`) part of an expression whose value is dropped. Minified code
    writes statements so: `c ? (a || p(e), m(e)) : b(e);`."""
    parent = node.parent
    while parent is not None:
        t = parent.type
        if t == "expression_statement":
            return True
        if t == "sequence_expression":
            last = parent.named_children[-1] if parent.named_children else None
            if last is None or last.id != node.id:
                return True
        elif t != "parenthesized_expression" and not (
                t == "ternary_expression" and parent.child_by_field_name("condition") != node):
            return False
        node, parent = parent, parent.parent
    return False
_DEFAULTS = ".defaults"  # where a request library keeps what every request gets (`axios.defaults`)
_PASS_THROUGH = frozenset(
    {"parenthesized_expression", "await_expression", "spread_element", "non_null_expression"}
)


@dataclass(slots=True)
class _Scope:
    """A function being walked: its own variables, and their values outside it (None: unset)."""

    key: tuple[int, int]
    names: frozenset[str]
    outside: dict[str, JsValue | None]
    # the requests opened outside on variables of the same names (`xhr.open(...)`), put back on leaving
    requests: dict[str, tuple[JsValue | None, str | None]]


def own_names(unit: ScriptUnit, fn: Node) -> frozenset[str]:
    """The parameters of a function and the names it declares (`var`, `let`, `const`, in any
    block), not counting the functions nested in it."""
    names = {n for n in calls.parameter_names(unit, fn) if n}
    body = fn.child_by_field_name("body")
    pending = [body] if body is not None else []
    while pending:  # iterative: bodies nest as deep as the input likes
        node = pending.pop()
        for child in node.named_children:
            if child.type in FUNCTION_TYPES:
                continue
            if child.type == "variable_declarator":
                target = child.child_by_field_name("name")
                if target is not None and target.type == "identifier":
                    names.add(unit.text(target))
            pending.append(child)
    return frozenset(names)


# LWC's `@wire(getSid) sid;` and `@wire(getSid) wiredSid({ data }) {…}`: what the wired Apex
# method returns is the `data` of the field's value, of the function's argument
_WIRE = b"@wire"
WIRED_DATA = "data"


def wired_members(unit: ScriptUnit, tree: Tree) -> list[tuple[Node, str]]:
    """The class fields and methods of an LWC an imported Apex method is wired to, each with the
    stand-in of what it returns (`ir.client_value("apex", …)`)."""
    found: list[tuple[Node, str]] = []
    pos = unit.raw.find(_WIRE)
    while pos >= 0:
        node = tree.root_node.descendant_for_byte_range(pos, pos + len(_WIRE))
        while node is not None and node.type != "decorator":
            node = node.parent if node.type not in ("class_body", "program") else None
        call = next((c for c in node.named_children if c.type == "call_expression"), None) if node else None
        args = arguments_of(call) if call is not None else []
        apex = unit.apex_method(unit.text(args[0])) if args and args[0].type == "identifier" else None
        member = node.parent if node is not None else None
        if apex is not None and member is not None and member.type in ("field_definition", "method_definition"):
            found.append((member, client_value("apex", apex)))
        pos = unit.raw.find(_WIRE, pos + 1)
    return found


_AURA_CALLBACK = b"setCallback"


def walked_parts(unit: ScriptUnit, tree: Tree) -> list[Node]:
    """What of a script the flow walks: all of it, but for an Aura script walked only for what
    its actions return (`ScriptUnit.aura_only`), the outermost functions that set an action's
    callback: an Aura controller or helper is one object of such functions, whose calls to each
    other (`helper.m()`, `this.m()`) the flow does not follow anyway. NPSP's Aura helpers that
    call Apex are 90 KB; their action methods a third of it. Likewise a component walked only for
    what it passes the functions it imports from components' modules (`ScriptUnit.modules_only`):
    the outermost functions that call one and call Apex, where what Apex returns is passed on
    (`const sid = await getSid(); send(sid)`; a value another method leaves on `this`, or an
    `@wire`'s, is not followed there). Walking the whole of NPSP's such components, which call
    their utility modules in most methods, cost a tenth of its scan. A component that Apex hands
    nothing is walked only in the outermost functions that call a module's function, for what it
    returns (`ScriptUnit.module_results_only`); a module followed for what its exported functions
    return, in those that call Apex (`ScriptUnit.returns_only`: NPSP's utility modules import an
    Apex method or two and export dozens of functions)."""
    if unit.modules_only:
        calling = {fn.start_byte for fn in _outermost_functions(tree, unit.apex_calls())}
        return [fn for fn in _outermost_functions(tree, unit.component_calls()) if fn.start_byte in calling]
    if unit.module_results_only:  # what a module's function returns (`await sessionId()`), where it is called
        return _outermost_functions(tree, unit.component_calls())
    if unit.returns_only:  # a module's exported functions calling Apex, and those passing it on to modules
        exported = {fn.start_byte for _, fn in exported_functions(unit, tree)}
        passing = {fn.start_byte for fn in _outermost_functions(tree, unit.component_calls())}
        return [fn for fn in _outermost_functions(tree, unit.apex_calls())
                if fn.start_byte in exported or fn.start_byte in passing]
    if not unit.aura_only:
        return [tree.root_node]
    found: dict[int, Node] = {fn.start_byte: fn for _, fn in aura_helper_methods(unit, tree)}
    callbacks: list[int] = []
    pos = unit.raw.find(_AURA_CALLBACK)
    while pos >= 0:
        callbacks.append(pos)
        pos = unit.raw.find(_AURA_CALLBACK, pos + 1)
    for fn in _outermost_functions(tree, callbacks):
        found.setdefault(fn.start_byte, fn)
    _add_attribute_readers(unit, tree, found)
    return [found[start] for start in sorted(found)]


def _add_attribute_readers(unit: ScriptUnit, tree: Tree, found: dict[int, Node]) -> None:
    """Add to the walked functions the outermost ones that read back an attribute a walked one
    sets (`component.set('v.details', response.getReturnValue())` in a callback, `cmp.get(
    'v.details').sfSession` in the action a button runs): what the callback sets is only known to
    the actions the walk goes through. By literal search, a few rounds (a reader may set another)."""
    read_at = {m.start(): m.group(1) for m in AURA_ATTRIBUTE_READ.finditer(unit.raw)}
    if not read_at:
        return
    # and those that read any attribute and may send something: what the bundle's other scripts
    # (its helper's callbacks) keep in the attribute is theirs (`analyses.client`)
    for fn in _outermost_functions(tree, sorted(read_at)):
        if fn.start_byte not in found and MAY_REQUEST_BYTES.search(unit.raw, fn.start_byte, fn.end_byte):
            found[fn.start_byte] = fn
    walked: set[int] = set()
    for _ in range(_ATTRIBUTE_ROUNDS):
        fresh = [fn for start, fn in found.items() if start not in walked]
        walked.update(fn.start_byte for fn in fresh)
        names = {m.group(1) for fn in fresh
                 for m in AURA_ATTRIBUTE_WRITE.finditer(unit.raw, fn.start_byte, fn.end_byte)}
        readers = [fn for fn in _outermost_functions(tree, sorted(at for at, name in read_at.items() if name in names))
                   if fn.start_byte not in found]
        if not readers:
            return
        for fn in readers:
            found[fn.start_byte] = fn


_ATTRIBUTE_ROUNDS = 3


def _outermost_functions(tree: Tree, positions: list[int]) -> list[Node]:
    """The outermost functions holding the given byte positions, in text order, once each."""
    found: dict[int, Node] = {}
    for pos in positions:
        node: Node | None = tree.root_node.descendant_for_byte_range(pos, pos + 1)
        outermost = None
        while node is not None:
            if node.type in FUNCTION_TYPES:
                outermost = node
            node = node.parent
        if outermost is not None:
            found.setdefault(outermost.start_byte, outermost)
    return [found[start] for start in sorted(found)]


def aura_helper_methods(unit: ScriptUnit, tree: Tree) -> list[tuple[str, Node]]:
    """The methods of an Aura helper (`({push: function (component, token) {...}})`) that may
    send something (`MAY_REQUEST`), and those that call one of them on the helper
    (`this.send(token)`, `self.send(token)`, by its name): those a parameter passed by the
    controller can leave by."""
    if not unit.aura_helper:
        return []
    methods = bundle_methods(unit, tree)
    found = {name: fn for name, fn in methods
             if MAY_REQUEST_BYTES.search(unit.raw, fn.start_byte, fn.end_byte) is not None}
    while True:  # the methods that call those found, until no more are
        calling = re.compile(rb"\.\s*(?:%s)\s*\(" % b"|".join(re.escape(n.encode()) for n in found)) if found else None
        more = {name: fn for name, fn in methods if name not in found and calling is not None
                and calling.search(unit.raw, fn.start_byte, fn.end_byte) is not None}
        if not more:
            return [(name, fn) for name, fn in methods if name in found]
        found.update(more)


def exported_functions(unit: ScriptUnit, tree: Tree) -> list[tuple[str, Node]]:
    """The functions a Lightning web component's module exports (`export function send(token)`,
    `export const query = (token, soql) => …`, `export default function (…)`, `export { send }`),
    by the name importers use: what they pass those functions' parameters may leave by the
    module's requests, and what they return may leave by their importers'. None unless the
    module may send something or return what Apex hands it (`ScriptUnit.exports_for`,
    `ScriptUnit.returns_for`)."""
    if not unit.exports_for and not unit.returns_for:
        return []
    declared: dict[str, Node] = {}
    exported: list[tuple[str, Node]] = []
    renamed: list[tuple[str, str]] = []  # `export { inner as send }`: (local, exported)
    for child in tree.root_node.named_children:
        if child.type != "export_statement":
            declared.update(_declared_functions(unit, child))
            continue
        default = any(c.type == "default" for c in child.children)
        declaration = child.child_by_field_name("declaration")
        value = child.child_by_field_name("value")
        if declaration is not None:
            exported += [("default" if default else name, fn) for name, fn in _declared_functions(unit, declaration)]
        elif value is not None and value.type in FUNCTION_TYPES:
            exported.append(("default", value))
        for clause in (c for c in child.named_children if c.type == "export_clause"):
            for spec in clause.named_children:
                name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                if name is not None:
                    renamed.append((unit.text(name), unit.text(alias if alias is not None else name)))
    exported += [(name, declared[local]) for local, name in renamed if local in declared]
    return exported


def _declared_functions(unit: ScriptUnit, node: Node) -> list[tuple[str, Node]]:
    """The functions a top-level statement declares: `function f(…)`, `const f = (…) => …`."""
    if node.type == "function_declaration":
        name = node.child_by_field_name("name")
        return [(unit.text(name), node)] if name is not None else []
    if node.type not in ("lexical_declaration", "variable_declaration"):
        return []
    found = []
    for declarator in node.named_children:
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if name is not None and value is not None and value.type in FUNCTION_TYPES:
            found.append((unit.text(name), value))
    return found


def bundle_methods(unit: ScriptUnit, tree: Tree) -> list[tuple[str, Node]]:
    """The functions of an Aura controller's or helper's object (`({push: function (...) {...}})`)."""
    found: list[tuple[str, Node]] = []
    for statement in tree.root_node.named_children:
        inner = statement.named_children[0] if statement.type == "expression_statement" and \
            statement.named_children else None
        while inner is not None and inner.type == "parenthesized_expression" and inner.named_children:
            inner = inner.named_children[0]
        if inner is None or inner.type != "object":
            continue
        found.extend((key, fn) for key, fn in object_pairs(unit, inner) if fn.type in FUNCTION_TYPES)
    return found



def object_pairs(unit: ScriptUnit, obj: Node | None) -> Iterator[tuple[str, Node]]:
    """The members of an object literal, in order: `key: value` (`{url: u, beforeSend: setAuth}`)
    as the key written, unquoted, and the value's node; a method (`{send(x) {...}}`) as its name
    and its own node."""
    if obj is None or obj.type != "object":
        return
    for pair in obj.named_children:
        if pair.type == "pair":
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        elif pair.type == "method_definition":
            key, value = pair.child_by_field_name("name"), pair
        else:
            continue
        if key is not None and value is not None:
            yield unit.text(key).strip(_QUOTES), value

def helper_this(unit: ScriptUnit, node: Node) -> bool:
    """Whether `this` at `node` of an Aura helper is the helper: inside one of its methods, through
    arrow functions and the callbacks an action runs with the method's `this`
    (`action.setCallback(this, function (response) {...})`, also wrapped in `$A.getCallback`)."""
    fn = _enclosing_function(node)
    while fn is not None:
        if fn.type != "arrow_function" and not _runs_with_this(unit, fn):
            return _is_bundle_method(fn)
        fn = _enclosing_function(fn)
    return False


def _enclosing_function(node: Node) -> Node | None:
    up = node.parent
    while up is not None and up.type not in FUNCTION_TYPES:
        up = up.parent
    return up


def _runs_with_this(unit: ScriptUnit, fn: Node) -> bool:
    """`fn` is the callback of `action.setCallback(this, fn)` (or of `$A.getCallback(fn)` there),
    which Aura runs with the `this` it is given."""
    arg, args = fn, fn.parent
    if args is not None and args.type == "arguments" and (wrap := args.parent) is not None \
            and dotted(unit, wrap.child_by_field_name("function")) == "$A.getCallback":
        arg, args = wrap, wrap.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    if call is None or call.type != "call_expression" or args is None:
        return False
    callee = call.child_by_field_name("function")
    prop = callee.child_by_field_name("property") if callee is not None and callee.type == "member_expression" \
        else None
    given = [a for a in args.named_children if a.type != "comment"]
    return prop is not None and unit.text(prop) == "setCallback" and len(given) >= 2 and given[0].type == "this" \
        and given[1] == arg


def _is_bundle_method(fn: Node) -> bool:
    """`fn` is a function of the object an Aura bundle's script is made of (`({m: function () {}})`)."""
    pair = fn if fn.type == "method_definition" else fn.parent
    if pair is None or pair.type not in ("pair", "method_definition"):
        return False
    up = pair.parent.parent if pair.parent is not None and pair.parent.type == "object" else None
    while up is not None and up.type == "parenthesized_expression":
        up = up.parent
    return up is not None and up.type == "expression_statement" and up.parent is not None \
        and up.parent.type == "program"


@dataclass(slots=True)
class _Use:
    sink: str
    url: str
    sources: set[str]
    span: Span
    text: str
    in_query: bool
    header_or_body: bool
    receiver: str = ""  # XHR receiver whose open() URL fills an empty `url` at the end
    body: str = ""  # what the request sends, as far as its text is known (XHR `send`)
    method: str = ""  # its HTTP method, where known


# names in a dotted name whose objects an assignment updates all the way up (`ScriptFlow.assign_name`):
# `options.headers.Authorization` has three; climbing every level of a longer one at every
# assignment made a script of chains thousands of names long take minutes
_MOST_PARTS = 16


def _with_path(holder: JsValue, keys: list[str], value: JsValue, holds: bool) -> JsValue | None:
    """`holder` with `value` at `keys` (`["headers", "Authorization"]`), through the parts it has
    (None where one between is missing); the part the last key is set on holds the value's
    sessions, `holder` too if `holds`."""
    if len(keys) == 1:
        return holder.with_prop(keys[0], value, holds)
    part = holder.prop(keys[0])
    inner = _with_path(part, keys[1:], value, True) if part is not None else None
    return holder.with_prop(keys[0], inner, False) if inner is not None else None


class ScriptFlow:
    """Two passes over a page's scripts: the first builds the environment, the second reports."""

    def __init__(self, src: SourceText, units: list[tuple[ScriptUnit, Tree]]) -> None:
        self.src = src
        self.units = units
        self.cur: ScriptUnit = units[0][0] if units else ScriptUnit(b"", (0, 0))
        self.env: dict[str, JsValue] = {}
        self.functions: dict[str, tuple[ScriptUnit, Node]] = {}
        self.open_urls: dict[str, JsValue] = {}
        self.open_methods: dict[str, str] = {}  # XHR receiver -> the method its open() names
        # XHR receiver -> the `SalesforceProxy-Endpoint` header set on it: where a request it
        # opens to the AJAX Toolkit's proxy (`/services/proxy`) is forwarded (`js_sinks.AJAX_PROXY`)
        self.proxy_endpoints: dict[str, JsValue] = {}
        self.request_urls: list[JsValue] = []
        # request defaults by library (`$.ajaxSetup`, `axios.defaults`), and the libraries the
        # scripts send requests through: both complete after the first pass, for the second
        self.defaults: dict[str, sinks.RequestDefaults] = {}
        self.requests_through: set[str] = set()
        self.uses_axios = any(_AXIOS in u.raw for u, _ in units)  # else no call is axios's
        self._defaults_index: dict[str, list[tuple[str, JsValue]]] | None = None
        self.returns: list[list[JsValue] | None] = []
        self.getters: list[str] = []  # per function walked: its name if an LWC's getter, else ""
        # per function walked: the function, and its name as written once asked ("" if none):
        # `Node.parent` walks down from the root, so asking for every function was quadratic in
        # their nesting (2,000 nested functions: 2 s)
        self.function_names: list[tuple[Node, str | None]] = []
        # (source, function name) of each session a named function returns (`returned_sessions`)
        self.returned: dict[tuple[str, str], None] = {}
        self.form_action = JsValue(text="")
        self.uses: dict[tuple[str, Span, str], _Use] = {}
        self.memo: dict[tuple[object, ...], JsValue] = {}
        # functions' own variables: their names, and what they held when the function was left
        self._own_names: dict[tuple[int, int], frozenset[str]] = {}
        self._own_values: dict[tuple[int, int], dict[str, JsValue]] = {}
        self._scopes: list[_Scope] = []
        # the unnamed functions called where they are written (`(function () {…})()`) that `calls.invoke`
        # walked in this pass, by (unit, function), and the function being walked then (None: top
        # level): the walk that then reaches the function's own node in that same function skips it
        # (`_walked_by_call`)
        self._invoked: dict[tuple[int, int], _Scope | None] = {}
        # what an Aura controller's actions set on the component's attributes (`component.set('v.sid',
        # x)`), by name after `v.`, for its other actions' `component.get('v.sid')`: any order, as
        # the user may click them in any (both passes set it)
        self.aura_attributes: dict[str, JsValue] = {}
        # values Apex hands to callbacks (`calls.bind_callbacks`): (unit, function) -> parameters
        self.callbacks: dict[tuple[int, int], dict[str, JsValue]] = {}
        # sessions passed to JavaScript remoting (`calls.bind_callbacks`): (`[ns.]Ctrl.m`, index)
        self.remoted: dict[tuple[str, int], set[str]] = {}
        # sessions given to a component Lightning Out makes (`js_sinks._lightning_create`):
        # (component as written, `ns:Name`; attribute) -> source ids
        self.lightning_args: dict[tuple[str, str], set[str]] = {}
        # what an Aura controller's actions pass its helper: (method, argument index, stand-in)
        self.helper_args: set[tuple[str, int, str]] = set()
        # what a script passes the functions it imports from components' modules: (module,
        # function, argument index, stand-in)
        self.module_args: set[tuple[str, str, int, str]] = set()
        # a module's exported functions that may return what Apex hands it, by (unit, function
        # node), and what they return of it: (exported name, stand-in)
        self.exported: dict[tuple[int, int], str] = {}
        self.module_returns: set[tuple[str, str]] = set()
        # what an LWC passes the Apex methods it imports (`ir.FileIR.apex_args`)
        self.apex_args: set[tuple[str, str, str]] = set()
        # sessions saved in record fields with Remote Objects (`ir.FileIR.stored_fields`)
        self.stored: set[tuple[str, str, str]] = set()
        for unit, tree in units:  # an Aura helper's parameters: what the controller passes there
            for method, fn in aura_helper_methods(unit, tree):
                self.callbacks[(id(unit), fn.id)] = {
                    name: handed_over(frozenset({helper_parameter(method, i)}))
                    for i, name in enumerate(calls.parameter_names(unit, fn)) if name}
            for function, fn in exported_functions(unit, tree):
                if unit.exports_for:  # a module's parameters: what its importers pass
                    self.callbacks[(id(unit), fn.id)] = {
                        name: handed_over(frozenset({export_parameter(unit.exports_for, function, i)}))
                        for i, name in enumerate(calls.parameter_names(unit, fn)) if name}
                if unit.returns_for:
                    self.exported[(id(unit), fn.id)] = function
            for _, fn in bundle_methods(unit, tree) if unit.aura_controller else ():
                # an Aura controller's action `function (component, event, helper)`: the helper
                params = calls.parameter_names(unit, fn)
                if len(params) >= 3 and params[2]:
                    self.callbacks[(id(unit), fn.id)] = {params[2]: JsValue(kind=AURA_HELPER_KIND)}
        self.hands_over = any(u.hands_over for u, _ in units)
        # a script that calls Apex and holds a session may pass it (`Ctrl.m(sid, cb)`); an Aura
        # helper's method may pass what it is given to another (`this.send(token)`)
        self.passes_over = self.hands_over or any(
            u.aura_helper or u.exports_for
            or (u.calls_apex and (u.js_sources or any(m.source_id for m in u.merge_fields))) for u, _ in units)
        # sessions only asked about: (source, span, how); a script with a session of its own is walked for them
        self.tests: dict[tuple[str, Span, str], None] = {}
        # sessions handed to calls the flow does not follow: (source, span, callee)
        self.unfollowed: dict[tuple[str, Span, str], None] = {}
        self.tests_own = tests_own = any(u.js_sources or any(m.source_id and not m.source_id.startswith(CLIENT_VALUE)
                                            for m in u.merge_fields) for u, _ in units)
        self._site_types = _SITE_TYPES | _TEST_TYPES if tests_own else _SITE_TYPES
        self.emit = False
        self.depth = 0
        self.calls = 0
        self.has_submit = any(b".submit(" in u.raw for u, _ in units)
        for unit, _ in units:  # an LWC's public properties named for a session: what a page gives them
            if unit.lwc and b"@api" in unit.raw:
                bundle = src.path.rpartition("/")[0].rpartition("/")[2]
                for m in LWC_SESSION_PROPERTY.finditer(unit.raw):
                    name = m.group(1).decode("ascii", "replace")
                    self.env[f"this.{name}"] = JsValue(frozenset({client_value(
                        "attribute", f"{LIGHTNING_ATTRIBUTE_OWNER}{bundle}:{name}")}))
        for unit, tree in units:  # an LWC's wired Apex methods: their results' `data`
            for member, stand_in in wired_members(unit, tree) if _WIRE in unit.raw else ():
                self._wire(unit, member, stand_in)

    def _wire(self, unit: ScriptUnit, member: Node, stand_in: str) -> None:
        """`@wire(getSid) sid;`: `this.sid.data` is what `getSid` returns; `@wire(getSid)
        wiredSid(result)` / `wiredSid({ data })`: `result.data`, `data` is."""
        data = handed_over(frozenset({stand_in}))
        result = JsValue(data.sources, UNKNOWN_TEXT, ((WIRED_DATA, data),), in_object=data.sources)
        if member.type == "field_definition":
            prop = member.child_by_field_name("property")
            if prop is not None:
                self.env[f"this.{unit.text(prop)}"] = result
            return
        params = member.child_by_field_name("parameters")
        first = next(iter(params.named_children), None) if params is not None else None
        bound: dict[str, JsValue] = {}
        if first is not None and first.type == "identifier":
            bound[unit.text(first)] = result
        elif first is not None and first.type == "object_pattern":
            for child in first.named_children:
                target = child
                if child.type == "pair_pattern":
                    key = child.child_by_field_name("key")
                    if key is None or unit.text(key).strip(_QUOTES) != WIRED_DATA:
                        continue
                    target = child.child_by_field_name("value") or child
                elif child.type == "object_assignment_pattern":
                    target = child.child_by_field_name("left") or child
                if target.type in ("identifier", "shorthand_property_identifier_pattern") and (
                        child.type == "pair_pattern" or unit.text(target) == WIRED_DATA):
                    bound[unit.text(target)] = data
        if bound:
            self.callbacks[(id(unit), member.id)] = bound

    # ------------------------------------------------------------------ driving

    def run(self) -> list[UrlUse]:
        parts = [(unit, walked_parts(unit, tree)) for unit, tree in self.units]  # the same for both passes
        for emit in (False, True):
            self.emit = emit
            self.memo.clear()
            self._invoked.clear()
            self._defaults_index = None
            for unit, starts in parts:
                self.cur = unit
                for start in starts:
                    self.walk(start)
        return self._finish()

    def walk(self, start: Node) -> None:
        """Iterative pre-order walk with a cursor: minified code nests deeper than Python's stack."""
        cursor = start.walk()
        leaving: list[tuple[int, int]] = []  # (depth, action) to undo when that node is done
        depth = 0
        site_types = self._site_types
        while True:
            node = cursor.node
            action = 0
            if node is not None and node.type in site_types:
                action = self._enter(node)
                if action and action != _WALKED:
                    leaving.append((depth, action))
            if action != _WALKED and cursor.goto_first_child():
                depth += 1
                continue
            while True:
                while leaving and leaving[-1][0] >= depth:
                    self._leave(leaving.pop()[1])
                if depth == 0:
                    return
                if cursor.goto_next_sibling():
                    break
                cursor.goto_parent()
                depth -= 1

    def _leave(self, action: int) -> None:
        if action == 1:
            if self.exported and self.emit and self.returns[-1] is None:
                self._arrow_returned(self.function_names[-1][0])
            self.returns.pop()
            self.getters.pop()
            self.function_names.pop()
            self.leave_scope()
        else:
            self.request_urls.pop()

    def _enter(self, node: Node) -> int:
        """Handle one node; 1 or 2 when leaving it must pop a function / request context,
        `_WALKED` when its inside is not to be walked."""
        t = node.type
        if t in FUNCTION_TYPES:
            if self._walked_by_call(node):
                return _WALKED
            self._register_function(node)
            self.returns.append(None)
            self.getters.append(self._getter(node))
            self.function_names.append((node, None))
            self.enter_scope(node, self.callbacks.get((id(self.cur), node.id)))
            return 1
        if t == "variable_declarator":
            self._declare(node)
        elif t == "for_in_statement":
            self._iterate(node)
        elif t in ("assignment_expression", "augmented_assignment_expression"):
            self._assign(node)
        elif t == "call_expression":
            if self.passes_over:
                calls.bind_callbacks(self, node)
            if self.emit and self.tests_own:
                self._call_test(node)
            return 2 if sinks.call_site(self, node) else 0
        elif t == "new_expression":
            sinks.new_site(self, node)
        elif t == "return_statement":
            if self.returns and self.returns[-1] is not None:
                inner = [c for c in node.named_children if c.type != "comment"]
                self.returns[-1].append(self.value(inner[0]) if inner else UNKNOWN)
            if self.emit and self.getters and self.getters[-1]:
                self._got(self.getters[-1], node)
            elif self.emit and self.returns and self.returns[-1] is None and self.function_names:
                self._returned(node)
        elif t in _TEST_TYPES and self.emit:
            self._test(node)
        return 0

    def _function_name(self, node: Node) -> str:
        """A function's name as written: declared (`function getKey()`), assigned
        (`window.getKey = function () {…}`, `var getKey = () => …`) or an object's method; ""."""
        name = node.child_by_field_name("name")
        if name is not None:
            return self.cur.text(name)
        parent = node.parent
        if parent is None:
            return ""
        if parent.type == "assignment_expression" and (left := parent.child_by_field_name("left")) is not None:
            return (dotted(self.cur, left) or "").removeprefix("window.")
        if parent.type == "variable_declarator" and (named := parent.child_by_field_name("name")) is not None:
            return self.cur.text(named)
        if parent.type == "pair" and (key := parent.child_by_field_name("key")) is not None:
            return self.cur.text(key).strip("'\"")
        return ""

    def note_invoked(self, fn: Node) -> None:
        """`calls.invoke` is about to walk `fn`, of the script being walked, for a call."""
        if fn.child_by_field_name("name") is None:
            self._invoked[(id(self.cur), fn.id)] = self._scopes[-1] if self._scopes else None

    def _walked_by_call(self, fn: Node) -> bool:
        """Whether `fn` is an unnamed function the call written around it just ran (`(function ()
        {…})()`): `calls.invoke` walked its inside, with its arguments, in the function now walked,
        and left its variables holding what they held (`leave_scope`), so walking it again as
        written would find the same. Nested in each other (module wrappers, minified bundles), such
        functions were walked again at every level: 200 of them took 8 s."""
        walked_in = self._invoked.pop((id(self.cur), fn.id), _NOT_INVOKED)
        return walked_in is not _NOT_INVOKED and walked_in is (self._scopes[-1] if self._scopes else None)

    def _returned(self, node: Node) -> None:
        """A session the innermost function returns, walked as written rather than for a call:
        the callers it has in other files get it (`returned_sessions`), if it has a name; and
        what Apex handed a module's exported function, its importers (`module_returns`)."""
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner or not self._may_hand_out(inner[0]):
            return
        value = self.value(inner[0])
        fn, function = self.function_names[-1]
        self._module_returned(fn, value)
        sources = [s for s in value.sources if not s.startswith(CLIENT_VALUE)]
        if not sources:
            return
        if function is None:
            function = self._function_name(fn)
            self.function_names[-1] = (fn, function)
        for source in sources if function else ():
            self.returned.setdefault((source, function), None)

    def _arrow_returned(self, fn: Node) -> None:
        """What an exported arrow function without a block returns (`export const bearer = async
        () => 'Bearer ' + await getSid()`), while its parameters are in scope."""
        body = fn.child_by_field_name("body") if fn.type == "arrow_function" else None
        if body is not None and body.type != "statement_block" and (id(self.cur), fn.id) in self.exported \
                and self._may_hand_out(body):
            self._module_returned(fn, self.value(body))

    def _module_returned(self, fn: Node, value: JsValue) -> None:
        """Record what Apex handed a module's exported function `fn` that it returns (`value`):
        stand-ins for what Apex members return, or what another module's function returns."""
        exported = self.exported.get((id(self.cur), fn.id)) if self.exported else None
        if exported is not None:
            # what it returns of a value's string (`'Bearer ' + await getSid()`): the value, for
            # its importers' requests to tell (`ir.as_text` is followed within one script only)
            plain = {plain_stand_in(s) for s in value.sources}
            self.module_returns.update((exported, s) for s in plain
                                       if s.startswith(CLIENT_VALUE) and not s.startswith(EXPORT_PARAMETER))

    def _may_hand_out(self, node: Node) -> bool:
        """Whether a returned expression can be the session itself, not a yes/no or a length
        (`sid.length`, `sid === ''`, `!sid`, `typeof sid`), which the flow's values do not tell apart."""
        while node.type == "parenthesized_expression" and node.named_children:
            node = node.named_children[0]
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return prop is None or self.cur.text(prop) != "length"
        if node.type == "unary_expression":
            return False
        if node.type == "binary_expression":
            op = node.child_by_field_name("operator")
            return op is not None and self.cur.text(op) in ("+", "||", "&&", "??")
        return True

    def returned_sessions(self) -> list[tuple[str, str]]:
        """(source, function) of each session a named function of the scripts returns."""
        return sorted(self.returned)

    def _getter(self, node: Node) -> str:
        """The property an LWC's getter (`get url() {…}`) gives, or "" for any other function."""
        if not self.cur.lwc or node.type != "method_definition" or not any(c.type == "get" for c in node.children):
            return ""
        name = node.child_by_field_name("name")
        return self.cur.text(name) if name is not None else ""

    def _got(self, prop: str, node: Node) -> None:
        """What an LWC's getter returns is the property its template may bind (`<a href={url}>`)."""
        inner = [c for c in node.named_children if c.type != "comment"]
        value = self.value(inner[0]) if inner else UNKNOWN
        self.use(BOUND_PREFIX + prop, node, value, query=value.sources)

    def _test(self, node: Node) -> None:
        """A session only asked about: compared (`sid == null`), negated (`!sid`, `!!sid`), typed
        (`typeof sid`), the condition of an `if`, a loop or `?:`, or the left of a `||`, `&&` or
        `??` whose result is dropped (`sforce.connection.sessionId || login();`). A yes/no gives
        nothing of it away (SID010 when that is all it meets); the value itself is not followed
        further."""
        t = node.type
        op = node.child_by_field_name("operator")
        op_text = op.type if op is not None else ""
        if t == "binary_expression" and op_text in _SHORT_CIRCUITS:
            if not _dropped(node):
                return
            how = f"… {op_text} …"
            value = self.value(node.child_by_field_name("left"))
        elif t == "binary_expression":
            if op_text not in _EQUALITY:
                return
            sides = [node.child_by_field_name("left"), node.child_by_field_name("right")]
            null = any(s is not None and s.type in ("null", "undefined") for s in sides)
            how = f"{op_text} null" if null else f"compared with {op_text}"
            value = union(*(self.value(s) for s in sides))
        elif t == "unary_expression":
            if op_text not in ("!", "typeof"):
                return
            parent = node.parent
            twice = op_text == "!" and parent is not None and parent.type == "unary_expression" and \
                (outer := parent.child_by_field_name("operator")) is not None and outer.type == "!"
            how = "!!" if twice else op_text
            value = self.value(node.child_by_field_name("argument"))
        else:
            value = self.value(node.child_by_field_name("condition"))
            how = _CONDITIONS[t]
        own = [s for s in value.sources if not s.startswith(CLIENT_VALUE)]
        if own:
            span = self.cur.span(self.src, node if t in ("binary_expression", "unary_expression")
                                 else node.child_by_field_name("condition") or node)
            for source in own:
                self.tests.setdefault((source, span, how), None)

    def _call_test(self, node: Node) -> None:
        """A session a call is given (as argument or receiver): asked about, where the call is a
        predicate (`Ext.isEmpty(sid)`, `_.isEmpty(sid)`, `sid.startsWith('00D')`: `js_sinks.predicate`);
        else handed to code the flow does not follow (`MyLib.check(sid)`, `sid.charAt(i)`), unless
        the flow follows the call: a function of the script's, a call whose result carries it
        (`encodeURIComponent`, `sid.split('!')`), one storing it in its receiver, JavaScript
        remoting. A sink reached records its use anyway."""
        fn = node.child_by_field_name("function")
        shape = sinks.call_shape(self.cur, fn)
        if shape.callee in self.functions or unwrap_function(fn) is not None:
            return
        receiver = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
        given = union(*(self.value(a) for a in arguments_of(node)), self.value(receiver))
        own = sorted(s for s in given.sources if not s.startswith(CLIENT_VALUE))
        if not own:
            return
        span = self.cur.span(self.src, node)
        how = sinks.predicate(self.cur, fn, shape)
        if how is not None:
            for source in own:
                self.tests.setdefault((source, span, how), None)
            return
        if shape.callee in sinks.PROPAGATING_CALLS or shape.method in sinks.PROPAGATING_METHODS \
                or shape.method in sinks.MUTATING_METHODS or shape.method == "invokeAction" \
                or shape.receiver.rpartition(".")[2].lower() in self.cur.remoting:
            return
        for source in own:
            self.unfollowed.setdefault((source, span, shape.callee), None)

    def defaults_set(self, prefix: str) -> list[tuple[str, JsValue]]:
        """The names bound under `prefix` (`axios.defaults`: `axios.defaults.baseURL`,
        `axios.defaults.headers.common.Authorization`...) with their values, as the first pass
        left them; none in the first pass, which reports nothing."""
        if not self.emit:
            return []
        if self._defaults_index is None:
            index: dict[str, list[tuple[str, JsValue]]] = {}
            for key, value in self.env.items():
                at = key.find(_DEFAULTS)
                end = at + len(_DEFAULTS)
                if at > 0 and (end == len(key) or key[end] == "."):
                    index.setdefault(key[:end], []).append((key, value))
            self._defaults_index = index
        return self._defaults_index.get(prefix, [])

    def session_tests(self) -> list[SessionTest]:
        return [SessionTest(source, self.src.path, span, how) for source, span, how in sorted(self.tests)]

    def held_globals(self) -> list[tuple[str, str]]:
        """(source, name) of each session a global of the page's scripts holds once they have run
        (`var token = sid`, `window.sv = {accessToken: sid}`): the outermost name holding it, without
        `window.`; a function's own variables are not globals, an LWC's `this.` fields are not."""
        held: dict[tuple[str, str], None] = {}
        names = sorted(self.env, key=lambda n: (n.count("."), n))
        for name in names:
            plain = name.removeprefix("window.")
            if not plain or plain.startswith("this.") or name in sinks.SFORCE_CONNECTIONS \
                    or plain.partition(".")[0] in ("sforce", "document", "location"):
                continue
            for source in self.env[name].sources:
                if source.startswith(CLIENT_VALUE) or any(
                        s == source and (plain == n or plain.startswith(n + ".")) for s, n in held):
                    continue
                held.setdefault((source, plain), None)
        return sorted(held)

    def unfollowed_calls(self) -> list[UnfollowedCall]:
        return [UnfollowedCall(source, self.src.path, span, callee) for source, span, callee in sorted(self.unfollowed)]

    # ------------------------------------------------------------------ bindings

    def _register_function(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is not None and node.type != "method_definition":
            self.functions[self.cur.text(name)] = (self.cur, node)
        elif name is not None and self.cur.lwc and not any(c.type in ("get", "set", "static") for c in node.children):
            # an LWC's own method, called as `this.loadToken()`: what it returns is followed as a
            # function's (`const sid = await this.loadToken()`); a module holds one component class
            self.functions["this." + self.cur.text(name)] = (self.cur, node)

    def _declare(self, node: Node) -> None:
        target = node.child_by_field_name("name")
        init = node.child_by_field_name("value")
        if target is None or init is None:
            return
        if target.type == "identifier":
            self._register_callable(self.cur.text(target), init)
        value = self.value(init)
        self._bind_pattern(target, value)
        if target.type == "identifier":
            sinks.assignment_sink(self, node, self.cur.text(target), value)

    def _iterate(self, node: Node) -> None:
        """`for (const url of urls)` in a script that requests a package page: the name is each
        element in turn (the page under its names with and without the namespace, tried in order:
        `['/apex/ApiSession', '/apex/ns__ApiSession']`), as far as the first known one tells.
        Other scripts' loops are left as they were (no name bound)."""
        target = node.child_by_field_name("left")
        operator = node.child_by_field_name("operator")
        if not self.cur.requests_page or target is None or operator is None or operator.type != "of":
            return
        items = self.value(node.child_by_field_name("right"))
        self._bind_pattern(target, JsValue(items.sources, items.text))

    def _register_callable(self, name: str, init: Node) -> None:
        """`var f = function…` and the methods of `var api = {send: function…}` (as `api.send`)."""
        if init.type in FUNCTION_TYPES:
            self.functions[name] = (self.cur, init)
        elif init.type == "object":
            for key, value in object_pairs(self.cur, init):
                if value.type in FUNCTION_TYPES:
                    self.functions[f"{name}.{key}"] = (self.cur, value)

    def _bind_pattern(self, target: Node, value: JsValue) -> None:
        """Bind a name or destructuring pattern; destructured names get the property or taint."""
        for name, bound in self.pattern_values(target, value):
            self.assign_name(name, bound)

    def pattern_values(self, target: Node, value: JsValue) -> list[tuple[str, JsValue]]:
        """The names a name or destructuring pattern binds, and what each gets of `value`: the
        property it names, the element at its place in an array pattern (`const [base, sid] =
        await Promise.all([getBase(), getSid()])`: `array_value`), else every session in it."""
        if target.type == "identifier":
            return [(self.cur.text(target), value)]
        out: list[tuple[str, JsValue]] = []
        pending = [(target, value)]
        while pending:  # iterative: patterns can nest as deep as the input likes
            pattern, whole = pending.pop()
            tainted = JsValue(whole.sources)
            place = 0 if pattern.type == "array_pattern" else -1
            for child in pattern.children:
                if place >= 0 and child.type == ",":  # `[, sid]`: a hole still takes a place
                    place += 1
                    continue
                if not child.is_named:
                    continue
                item = (whole.prop(str(place)) or tainted) if place >= 0 else tainted
                if child.type == "shorthand_property_identifier_pattern":
                    name = self.cur.text(child)
                    out.append((name, self._read_out(child, whole.prop(name) or tainted)))
                elif child.type == "identifier":
                    out.append((self.cur.text(child), item))
                elif child.type in ("pair_pattern", "object_pattern", "array_pattern", "rest_pattern",
                                    "assignment_pattern", "object_assignment_pattern"):
                    inner = child.child_by_field_name("value") or child.child_by_field_name("left")
                    if inner is not None and inner.type == "assignment_pattern" and child.type == "pair_pattern":
                        inner = inner.child_by_field_name("left")  # `{sessionId: sid = ''}`
                    if inner is not None and inner.type in ("identifier", "shorthand_property_identifier_pattern"):
                        # `{sessionId: sid}` (the pair is the read) or `{sessionId = ''}` (the name is)
                        read = self._read_out(child, self._read_out(inner, item if child.type != "pair_pattern"
                                                                     else tainted))
                        out.append((self.cur.text(inner), read))
                    else:
                        # an element's own pattern (`[[a, b], sid]`) reads that element; a pattern
                        # nested in an object pattern reads the object, as names in it do
                        nested = item if place >= 0 and child.type in ("array_pattern", "object_pattern") else whole
                        pending.append((inner or child, nested))
        return out

    def _read_out(self, node: Node, value: JsValue) -> JsValue:
        """`value`, with the session when `node` of a destructuring pattern reads it
        (`const {sessionId} = sforce.connection`: `javascript.find_js_sources`)."""
        source = self.cur.js_sources.get((node.start_byte, node.end_byte)) if self.cur.js_sources else None
        if source is None:
            return value
        return union(JsValue(frozenset({source}), "{" + sinks.SFORCE_SESSION + "}"), value)

    # ------------------------------------------------------------------ scopes

    def enter_scope(self, fn: Node, bound: dict[str, JsValue] | None = None) -> None:
        """Give `fn` its own variables (see the module's docstring): their values outside are put
        aside, and what they held when `fn` was last left put back; `bound`: its parameters'."""
        key = (id(self.cur), fn.id)
        names = self._own_names.get(key)
        if names is None:
            names = self._own_names[key] = own_names(self.cur, fn)
        if bound and not bound.keys() <= names:  # names a destructured parameter binds (`_wire`)
            names = names | frozenset(bound)
        kept = self._own_values.get(key, {})
        outside: dict[str, JsValue | None] = {}
        for name in names:
            outside[name] = self.env.get(name)
            inner = bound.get(name) if bound is not None and name in bound else kept.get(name)
            if inner is None:
                self.env.pop(name, None)
            else:
                self.env[name] = inner
        for name in [k for k in kept if "." in k]:  # `opts.headers` of its own `opts`
            outside[name] = self.env.get(name)
            self.env[name] = kept[name]
        # its own `binding = new XMLHttpRequest(); binding.open(...)` is not the caller's `binding`
        requests = {name: (self.open_urls.pop(name, None), self.open_methods.pop(name, None))
                    for name in names if name in self.open_urls or name in self.open_methods}
        self._scopes.append(_Scope(key, names, outside, requests))

    def leave_scope(self) -> None:
        """Keep what the innermost function's variables hold, and put the outer values back."""
        scope = self._scopes.pop()
        self._own_values[scope.key] = {name: self.env[name] for name in scope.outside if name in self.env}
        for name in scope.names:
            self.open_urls.pop(name, None)
            self.open_methods.pop(name, None)
        for name, (url, method) in scope.requests.items():
            if url is not None:
                self.open_urls[name] = url
            if method is not None:
                self.open_methods[name] = method
        for name, value in scope.outside.items():
            if value is None:
                self.env.pop(name, None)
            else:
                self.env[name] = value

    def _own_scope(self, name: str) -> _Scope | None:
        """The innermost function whose own variable `name` (or the object it names) is."""
        base = name.partition(".")[0]
        return next((s for s in reversed(self._scopes) if base in s.names), None)

    def assign_name(self, name: str, value: JsValue) -> None:
        """Bind `name`; sessions accumulate (flow-insensitive), the latest text wins."""
        if "." in name and name not in self.env and (scope := self._own_scope(name)) is not None:
            scope.outside.setdefault(name, None)  # a part of a function's own object: its own too
        old = self.env.get(name)
        if old is not None and old.sources - value.sources:
            value = accumulated(old, value)
        self.env[name] = value
        # the objects it is a part of, as far up as they are known: `opts.headers.Authorization = x`
        # changes what `fetch(url, opts)` sends though `opts.headers` was never named on its own,
        # where `opts` has a `headers` part (`{headers: {}}`). The object the name is a property of
        # holds its sessions (`obj.sid = sid; send(obj)`); those above only have them in their parts
        parts = name.split(".")
        if len(parts) > _MOST_PARTS:  # only hostile code names more: its parent alone, as ever
            base = ".".join(parts[:-1])
            if base in self.env:
                self.env[base] = self.env[base].with_prop(parts[-1], value)
            return
        holds = True
        while len(parts) > 1:
            holder = next((i for i in range(len(parts) - 1, 0, -1) if ".".join(parts[:i]) in self.env), 0)
            if not holder:
                break
            changed = _with_path(self.env[".".join(parts[:holder])], parts[holder:], value, holds)
            if changed is None:
                break  # `j$.APTTUS.SessionID = …` where `j$` has no `APTTUS` part: a namespace's, not an option's
            parts = parts[:holder]
            value = self.env[".".join(parts)] = changed
            holds = False

    def _assign(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        value = self.value(node)
        name = dotted(self.cur, left)
        if name:
            self._register_callable(name, right)
        if name is not None:
            self.assign_name(name, value)
            root, dot, rest = name.partition(".")
            config = self.env.get(root) if dot else None
            if config is not None and config.kind == sinks.AXIOS_CONFIG:
                # `config.headers.Authorization = …` in an axios request interceptor: a default of
                # every request the client makes (`js_sinks.axios_defaults`)
                self.assign_name(f"{config.text}.defaults.{rest}", value)
                sinks.assignment_sink(self, node, f"{config.text}.defaults.{rest}", value)
        elif left.type == "subscript_expression":  # arr[i] = sid taints arr
            base = dotted(self.cur, left.child_by_field_name("object"))
            if base:
                self.assign_name(base, union(self.env.get(base, UNKNOWN), JsValue(value.sources)))
        if name is not None:
            sinks.assignment_sink(self, node, name, value)
        elif left.type == "member_expression" and (prop := left.child_by_field_name("property")) is not None \
                and (attribute := self.cur.text(prop)) in sinks.ELEMENT_URL_ATTRIBUTES:
            # `document.getElementById('frame').src = url`, `$('#f')[0].src = url`: an element
            # reached through a call; what it is is not known, what setting its URL does is
            sinks.assignment_sink(self, node, f"element.{attribute}", value)

    # ------------------------------------------------------------------ values

    def value(self, node: Node | None) -> JsValue:
        if node is None:
            return UNKNOWN
        if self.depth > MAX_DEPTH:
            return self.shallow(node)
        self.depth += 1
        try:
            return self._value(node)
        finally:
            self.depth -= 1

    def _value(self, node: Node) -> JsValue:
        t = node.type
        unit = self.cur
        if t == "string":
            return JsValue(self.merge_sources(node), unescaped(unit.text(node)[1:-1]))
        if t == "template_string":
            return self._template(node)
        if t == "identifier":
            return self._identifier(node)
        if t in ("member_expression", "subscript_expression"):
            return self._member(node)
        if t == "binary_expression":
            return self._binary(node)
        if t == "ternary_expression":
            return either(self.value(node.child_by_field_name("consequence")),
                          self.value(node.child_by_field_name("alternative")))
        if t in _PASS_THROUGH or t == "sequence_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.value(inner[-1]) if inner else UNKNOWN
        if t == "assignment_expression":
            return self.value(node.child_by_field_name("right"))
        if t == "augmented_assignment_expression":
            name = dotted(unit, node.child_by_field_name("left"))
            old = self.env.get(name, UNKNOWN) if name else UNKNOWN
            return concat(old, self.value(node.child_by_field_name("right")))
        if t == "call_expression":
            source = unit.js_sources.get((node.start_byte, node.end_byte))  # `LCC.getRESTAPISessionKey()`
            if source is not None:
                called = dotted(unit, node.child_by_field_name("function")) or "…"
                return JsValue(frozenset({source}), "{" + called + "}")
            return calls.call_value(self, node)
        if t == "new_expression":
            return calls.new_value(self, node)
        if t == "object":
            return self._object(node)
        if t == "array":
            return array_value([self.value(c) for c in node.named_children if c.type != "comment"],
                               any(c.type == "spread_element" for c in node.named_children))
        if t in FUNCTION_TYPES:
            return JsValue(kind="function")
        if t == "this" and unit.aura_helper and helper_this(unit, node):
            return JsValue(kind=AURA_HELPER_KIND)
        if t in _LITERAL_TYPES:
            return JsValue(text=unit.text(node))
        if t in _NO_FLOW_TYPES:
            return UNKNOWN
        return self.shallow(node)

    def _template(self, node: Node) -> JsValue:
        parts: list[JsValue] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = child.named_children
                parts.append(self.value(inner[0]) if inner else UNKNOWN)
            else:
                parts.append(JsValue(self.merge_sources(child), self.cur.text(child)))
        return concat(*parts) if parts else JsValue(text="")

    def _identifier(self, node: Node) -> JsValue:
        merged = self.merge_value(node)
        if merged is not None:
            return merged
        name = self.cur.text(node)
        source = self.cur.js_sources.get((node.start_byte, node.end_byte))
        found = self.env.get(name)
        if source is not None:
            return union(JsValue(frozenset({source}), "{" + name + "}"), found or UNKNOWN)
        if found is None and (label := self.cur.label(name)) is not None:
            return JsValue(text=label)  # an imported custom label (`@salesforce/label/c.X`)
        if found is None and CREDENTIAL_NAME.search(name) and self._page_global(name):
            return handed_over(frozenset({client_value("global", name)}))  # what the loading page keeps there
        return found if found is not None else UNKNOWN

    def _page_global(self, name: str) -> bool:
        """Whether `name` is a global a page that loads this static resource's script may have set
        (one the script never sets, declares or defines a function by)."""
        return self.cur.page_globals and name not in self.env and name not in BROWSER_GLOBALS \
            and name not in self.functions

    def _member(self, node: Node) -> JsValue:
        unit = self.cur
        name = dotted(unit, node)
        source = unit.js_sources.get((node.start_byte, node.end_byte))
        if source is not None:
            return union(JsValue(frozenset({source}), "{" + (name or "…") + "}"), self.env.get(name or "", UNKNOWN))
        if name in sinks.SFORCE_CONNECTIONS:  # the AJAX Toolkit's connection, to whatever name holds it
            held = self.env.get(name, UNKNOWN)
            return JsValue(held.sources, held.text, held.props, sinks.SFORCE_KIND)
        if name is not None and name in self.env:
            return self.env[name]
        if name is not None and sinks.is_browser_location(name):
            return JsValue(text="{" + name + "}")
        obj_node = node.child_by_field_name("object")
        prop = node.child_by_field_name("property") or node.child_by_field_name("index")
        key = "" if prop is None else unit.text(prop).strip("'\"`")
        if key in _XHR_RESPONSES and unit.requests_page and obj_node is not None and (
                opened := self.open_urls.get(unit.text(obj_node))) is not None:
            # `xhr.responseText` of `xhr.open('GET', '/apex/ApiSession')`: what the page renders
            read = calls.page_response_value(opened, sinks.XHR_REQUEST)
            if read is not None:
                return read
        if unit.page_globals and key and CREDENTIAL_NAME.search(key) and obj_node is not None:
            # `window.token`, `appConfig.accessToken`: what a page that loads the script keeps there
            root = key if unit.text(obj_node) == "window" else unit.text(obj_node)
            if obj_node.type == "identifier" and self._page_global(root):
                return handed_over(frozenset({client_value("global", root)}))
        obj = self.value(obj_node)
        found = obj.prop(key) if key else None
        if found is not None:
            return found
        index_sources = self.value(prop).sources if node.type == "subscript_expression" else frozenset()
        sources = obj.sources
        if key and not CREDENTIAL_NAME.search(key) and any(s.startswith(CLIENT_VALUE) for s in sources):
            # a field of what Apex returned (`info.source`, `result.label`): not the session it may
            # hold beside them, unless named like one (`info.sessionId`)
            sources = frozenset(s for s in sources if not s.startswith(CLIENT_VALUE))
        return JsValue(sources | index_sources)

    def _binary(self, node: Node) -> JsValue:
        """`+` concatenates (flattened iteratively: long chains are a left-deep tree)."""
        op = node.child_by_field_name("operator")
        op_text = op.type if op is not None else ""
        if op_text in ("||", "&&", "??"):
            return union(self.value(node.child_by_field_name("left")),
                         self.value(node.child_by_field_name("right")))
        if op_text != "+":
            return UNKNOWN
        operands: list[Node] = []
        cur: Node | None = node
        while cur is not None and cur.type == "binary_expression":
            cur_op = cur.child_by_field_name("operator")
            if cur_op is None or cur_op.type != "+":
                break
            right = cur.child_by_field_name("right")
            if right is not None:
                operands.append(right)
            cur = cur.child_by_field_name("left")
        if cur is not None:
            operands.append(cur)
        return concat(*(self.value(n) for n in reversed(operands)))

    def _object(self, node: Node) -> JsValue:
        props: list[tuple[str, JsValue]] = []
        sources: set[str] = set()
        own_string = False  # a member that makes its string (`{toString() {…}}`)
        for child in node.named_children:
            if child.type == "method_definition":
                name = child.child_by_field_name("name")
                own_string = own_string or (name is not None and self.cur.text(name).strip(_QUOTES) in _OWN_STRING)
                continue
            if child.type == "pair":
                key_node = child.child_by_field_name("key")
                value = self.value(child.child_by_field_name("value"))
                key = self.cur.text(key_node).strip("'\"`") if key_node is not None else ""
                props.append((key, value))
                own_string = own_string or key in _OWN_STRING
            elif child.type == "shorthand_property_identifier":
                value = self.env.get(self.cur.text(child), UNKNOWN)
                props.append((self.cur.text(child), value))
            elif child.type == "spread_element":
                value = self.value(child)
                props.extend(value.props)
            else:
                continue
            sources |= value.sources
        held = frozenset(sources)
        # its string is `[object Object]`, which holds none of its properties' sessions, unless it
        # makes its own
        return JsValue(held, UNKNOWN_TEXT, tuple(props), in_object=held if not own_string else frozenset())

    def run_named_callback(self, settings: Node | None, key: str) -> None:
        """`{beforeSend: setAuth}` where `setAuth` is a function of the page's: run it now, in the
        request context the caller just opened (`request_urls`), as an inline callback is when the
        walk goes through it: the headers it sets are that request's (jQuery calls it with the
        request, `jqXHR`)."""
        for name, given in object_pairs(self.cur, settings):
            if name == key:
                self.run_callback(given, [UNKNOWN, UNKNOWN])

    def run_callback(self, fn: Node, args: list[JsValue]) -> None:
        """Run a function a library calls back (written in place, or a function of the page's named
        there) with `args`, now, whatever it was run with before."""
        if fn.type in FUNCTION_TYPES:
            calls.invoke(self, self.cur, fn, args, again=True)
            return
        found = self.functions.get(dotted(self.cur, fn) or "")
        if found is not None:
            calls.invoke(self, found[0], found[1], args, again=True)

    def field(self, node: Node | None, key: str) -> JsValue | None:
        """Property `key` of the object an argument denotes (literal, variable or property)."""
        if node is None:
            return None
        if node.type == "object":
            return self._object(node).prop(key)
        name = dotted(self.cur, node)
        if name is not None and f"{name}.{key}" in self.env:
            return self.env[f"{name}.{key}"]
        return self.value(node).prop(key)

    def merge_sources(self, node: Node) -> frozenset[str]:
        return self.cur.merge_sources(node)

    def merge_value(self, node: Node) -> JsValue | None:
        return self.cur.merge_value(node)

    def shallow(self, node: Node) -> JsValue:
        """Over-approximation for code not evaluated exactly: every session inside its text."""
        return JsValue(self.cur.sources_within(node))

    # ------------------------------------------------------------------ sinks

    def use(self, sink: str, site: Node, url: JsValue | None, *, query: frozenset[str] = frozenset(),
            carried: frozenset[str] = frozenset(), receiver: str = "", body: JsValue | None = None,
            method: str = "") -> None:
        """Record that sessions reach a sink: `query` in its URL, `carried` in header/body
        (`body`: what the request sends, for what it does: a Metadata API write...)."""
        if not self.emit or not (query or carried):
            return
        own_query = frozenset(s for s in query if not s.startswith(CLIENT_VALUE))
        own_carried = frozenset(s for s in carried if not s.startswith(CLIENT_VALUE))
        if own_query or own_carried:
            self._use(sink, site, url, own_query, own_carried, receiver, body, method, "")
        handed_over = (query | carried) - own_query - own_carried
        strings = {s for s in handed_over if s.startswith(AS_TEXT) and plain_stand_in(s) in handed_over}
        if strings:  # `'…' + details + details.sid`: the value itself is there, its string says no more
            query = frozenset(plain_stand_in(s) if s in strings else s for s in query)
            carried = frozenset(plain_stand_in(s) if s in strings else s for s in carried)
            handed_over -= strings
        # each value Apex hands over, on its own: the analysis puts its sessions, if any, in its
        # place, and where in the request it sits is its own (a base URL, a bearer header)
        for handed in sorted(handed_over):
            self._use(sink, site, url, query & {handed}, carried & {handed}, receiver, body, method, handed)

    def _use(self, sink: str, site: Node, url: JsValue | None, query: frozenset[str], carried: frozenset[str],
             receiver: str, body: JsValue | None, method: str, handed: str) -> None:
        span = self.cur.span(self.src, site)
        key = (sink, span, handed)
        acc = self.uses.get(key)
        url_text = url.text if url is not None else ""
        if acc is None:
            text = shorten(self.cur.text(site), MAX_SINK_TEXT)
            self.uses[key] = _Use(sink, url_text, set(query | carried), span, text, bool(query), bool(carried),
                                  receiver, clip(body.text, MAX_TEXT) if body is not None else "", method)
            return
        if body is not None and not acc.body:
            acc.body = clip(body.text, MAX_TEXT)
        if url_text and not acc.url:
            # a header set in a named callback: walked where it is declared, with no request around
            # it, then run for the request that names it (`run_named_callback`), whose URL this is
            acc.url = url_text
        acc.sources |= query | carried
        acc.in_query |= bool(query)
        acc.header_or_body |= bool(carried)

    def _finish(self) -> list[UrlUse]:
        out: list[UrlUse] = []
        for (_, _, handed), acc in self.uses.items():
            url = acc.url
            if acc.receiver and not url and acc.receiver in self.open_urls:
                url = self.open_urls[acc.receiver].text
            out.append(UrlUse(acc.sink, clip(shown(url, handed), MAX_URL_TEXT), tuple(sorted(acc.sources)),
                              self.src.path, acc.span, acc.text, acc.in_query, acc.header_or_body,
                              shown(acc.body, handed), acc.method, base=leading_stand_in(url, handed)))
        out.sort(key=lambda u: (u.span, u.sink, u.sources))
        return out
