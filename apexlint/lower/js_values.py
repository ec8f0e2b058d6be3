"""The values JavaScript flow analysis reasons about, and the pieces of script it reads.

A `JsValue` is what is known of a runtime value: the session sources that flow into it, its
text as far as literals tell (unknown parts as `{…}`, which is how URLs appear in reports),
object properties, and a kind for the few objects whose identity matters (an
`XMLHttpRequest`, a DOM element, a `Headers` object, a CometD client).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from apexlint.ir import CLIENT_VALUE, HANDED_TEXT, Span, as_text, plain_stand_in
from apexlint.lower import (
    APEX_HANDS_OVER,
    AURA_ATTRIBUTE_READ,
    AURA_ATTRIBUTE_WRITE,
    AURA_SESSION_ATTRIBUTE,
    LWC_SESSION_PROPERTY,
    MAY_REQUEST_BYTES,
    aura_helper_call,
    requests_page,
)
from apexlint.patterns import lazy
from apexlint.read.source import Point, SourceText, shift_point
from apexlint.records import frozen
from apexlint.secrets import clip

UNKNOWN_TEXT = "{…}"
_UNKNOWN_TWICE = UNKNOWN_TEXT * 2
STAND_IN_START = "{" + CLIENT_VALUE  # how the text of a value Apex hands over starts
# characters of a value's text kept: a SOAP envelope sent by XHR names its operation and its
# metadata types well after the first few hundred (URLs are cut shorter: js_flow.MAX_URL_TEXT)
MAX_TEXT = 4000
FUNCTION_TYPES = frozenset(
    {
        "function_declaration", "function_expression", "arrow_function", "method_definition",
        "generator_function_declaration", "generator_function", "function",
    }
)


# The kind of an Aura bundle's helper object: an action's third parameter, a helper method's `this`
AURA_HELPER_KIND = "aura-helper"
MAX_PROPS = 64  # named properties an object keeps as parts (`JsValue.with_prop`)


@frozen
class JsValue:
    """What the analysis knows of a value: the sessions in it and its text, as far as known."""

    sources: frozenset[str] = frozenset()
    text: str = UNKNOWN_TEXT
    props: tuple[tuple[str, JsValue], ...] = ()
    kind: str = ""  # "xhr", "img", "headers", "websocket", "cometd", "sforce.connection", "function"...
    # of `sources`, those a string of the value (`'…' + v`, `${v}`: `concat`) does not write out
    # as they are: those only in named properties of an object (`{sid: s}`, `o.sid = s`), whose
    # string is `[object Object]`; and the values Apex hands over that the value is, whole
    # (`handed_over`), which may be such an object (their strings: `ir.as_text`)
    in_object: frozenset[str] = frozenset()
    whole: frozenset[str] = frozenset()

    def prop(self, name: str) -> JsValue | None:
        for key, value in self.props:
            if key == name:
                return value
        return None

    def with_prop(self, name: str, value: JsValue, holds: bool = True) -> JsValue:
        """This object with property `name` set. An object holds its first `MAX_PROPS` named
        properties as parts; more (a library's namespace or prototype, filled one property at a
        time: `edge.Core.js` has thousands) keep only their sessions here, since rebuilding the
        parts at each assignment made a 4.7 MB script take 37 s. The flow keeps every dotted
        name's value on its own (`ScriptFlow.env`), which is where a property is read back.
        `holds`: whether the object counts as holding the property's sessions itself (what a
        call on it is given); else they are only in the part."""
        sources = self.sources | value.sources if holds else self.sources
        in_object, whole = self.in_object, self.whole
        if holds and value.sources and (self.in_object or self.whole or (self.props and not self.kind)):
            # of an object known to be plain (an object literal's, what Apex hands over: not an
            # element, a URL or the location, whose strings may be a property), a named property is
            # not in its string; an array's element (`a[0]`) is, as the element's string is
            part = value if name.isdigit() else JsValue(value.sources, in_object=value.sources)
            in_object, whole = string_parts((self, part))
        if len(self.props) >= MAX_PROPS and self.prop(name) is None:
            return JsValue(sources, self.text, self.props, self.kind, in_object, whole) \
                if sources != self.sources or in_object != self.in_object or whole != self.whole else self
        props = (*((k, v) for k, v in self.props if k != name), (name, value))
        return JsValue(sources, self.text, props, self.kind, in_object, whole)


UNKNOWN = JsValue()


# What Apex hands to client code (`ir.CLIENT_VALUE`) reads as its stand-in in braces
# (`{client:apex:ctrl.getsid}`), for a use of it to tell its place in a URL (`shown`): until
# then it is a value not known, as `{…}` is.
_STAND_IN_TEXT = re.compile(r"\{" + CLIENT_VALUE + r"[^{}]*\}")


def handed_over(stand_ins: frozenset[str]) -> JsValue:
    """The value Apex hands to client code under `stand_ins` (one: its text names it)."""
    text = "{" + next(iter(stand_ins)) + "}" if len(stand_ins) == 1 else UNKNOWN_TEXT
    return JsValue(stand_ins, text, whole=stand_ins)


def not_known(text: str) -> bool:
    """A text that says nothing of the value: `{…}`, or a value Apex hands over, alone."""
    return text == UNKNOWN_TEXT or (text.startswith(STAND_IN_START) and _STAND_IN_TEXT.fullmatch(text) is not None)


def shown(text: str, handed: str) -> str:
    """A use's URL or body text with the place of `handed`, the stand-in the use is of, written
    `ir.HANDED_TEXT` and every other value Apex hands over `{…}`: what is not known. A use of
    its string (`ir.as_text`) has it in the same place."""
    if STAND_IN_START not in text:
        return text
    mine = "{" + plain_stand_in(handed) + "}" if handed else ""
    out = _STAND_IN_TEXT.sub(lambda m: HANDED_TEXT if m.group(0) == mine else UNKNOWN_TEXT, text)
    while _UNKNOWN_TWICE in out:
        out = out.replace(_UNKNOWN_TWICE, UNKNOWN_TEXT)
    return out


def leading_stand_in(text: str, handed: str) -> str:
    """The value Apex hands over that the URL `text` starts with, or names its host with after a
    scheme (`https://{client:apex:ctrl.gethost}/...`): its stand-in, unless it is `handed`, the
    one the use is of; "" when the URL starts with anything else."""
    match = _LEADING_STAND_IN.match(text)
    stand_in = match.group(1) if match is not None else ""
    return "" if stand_in == plain_stand_in(handed) else stand_in


_LEADING_STAND_IN = re.compile(r"(?:https?://)?\{(" + CLIENT_VALUE + r"[^{}]*)\}", re.IGNORECASE)


def concat(*parts: JsValue) -> JsValue:
    """The string several values make (`+`, a template literal): each one's text and the sessions
    its string writes out; of an object, none of those in its properties (`JsValue.in_object`),
    and of a value Apex hands over, whole, its string (`ir.as_text`): the analysis tells whether
    that is the session or `[object Object]`."""
    text = "".join(p.text for p in parts)
    while _UNKNOWN_TWICE in text:  # two unknown parts in a row say no more than one
        text = text.replace(_UNKNOWN_TWICE, UNKNOWN_TEXT)
    sources = frozenset().union(*(_written(p) if p.in_object or p.whole else p.sources for p in parts))
    return JsValue(sources, _clip(text))


def _written(value: JsValue) -> frozenset[str]:
    """The sessions the string of `value` carries (`concat`): not those in its object's properties;
    of a value Apex hands over whole, its string."""
    return (value.sources - value.in_object - value.whole) | {as_text(s) for s in value.whole}


def string_parts(values: tuple[JsValue, ...] | list[JsValue]) -> tuple[frozenset[str], frozenset[str]]:
    """`JsValue.in_object` and `JsValue.whole` of a value that is one of `values`, or all of them:
    a session any of them writes out as it is, the value may too; one any of them is whole, the
    value may be (`ir.as_text`); only one all of them hold in an object's properties is held so."""
    held = frozenset().union(*(v.in_object for v in values))
    whole = frozenset().union(*(v.whole for v in values))
    if not held and not whole:
        return held, whole
    written = frozenset().union(*(v.sources - v.in_object - v.whole for v in values))
    return held - written - whole, whole - written


def accumulated(old: JsValue, value: JsValue) -> JsValue:
    """What a name (or an attribute) holds after `value` is given it: the sessions of both (the
    flow is flow-insensitive), the latest text, and parts and kind where it has none."""
    in_object, whole = string_parts((old, value))
    return JsValue(old.sources | value.sources, value.text, value.props or old.props, value.kind or old.kind,
                   in_object, whole)


def union(*values: JsValue) -> JsValue:
    """Either of several values (branches, `||`): every session, the first known text."""
    if not values:
        return UNKNOWN
    text = next((v.text for v in values if not not_known(v.text)), None)
    if text is None:  # none known: a value Apex hands over, if one is there
        text = next((v.text for v in values if v.text != UNKNOWN_TEXT), UNKNOWN_TEXT)
    kind = next((v.kind for v in values if v.kind), "")
    props = tuple(p for v in values for p in v.props)
    return JsValue(frozenset().union(*(v.sources for v in values)), text, props, kind, *string_parts(values))


def array_value(items: list[JsValue], spread: bool = False) -> JsValue:
    """An array literal's value: every element's sessions, the first known text, and (up to
    `MAX_PROPS`, none after a `...spread`, whose length is not known) each element under its
    index, for an array pattern or `a[1]` to read back (`Promise.all([getBase(), getSid()])`)."""
    joined = union(*items)
    if spread or not items:
        return joined
    places = tuple((str(i), item) for i, item in enumerate(items[:MAX_PROPS]))
    return JsValue(joined.sources, joined.text, (*places, *joined.props), joined.kind, joined.in_object,
                   joined.whole)


def either(*values: JsValue) -> JsValue:
    """The value of one of a conditional's branches (`cond ? a : b`): every session, and the text
    they all have. A branch whose text is not known at all may hold any text, so the value's
    text is not known either (`inst ? inst : ""` is not `""`: `"https://" + host + ".force.com"`
    goes to `<unknown>.force.com`); branches all known keep the first one's text, as `union`."""
    joined = union(*values)
    if any(not_known(v.text) for v in values):
        return JsValue(joined.sources, UNKNOWN_TEXT, joined.props, joined.kind, joined.in_object, joined.whole)
    return joined


def _clip(text: str) -> str:
    return clip(text, MAX_TEXT)


@frozen
class ScriptMergeField:
    """A merge field inside a script; offsets are bytes relative to the script's start."""

    start: int
    end: int
    text: str
    source_id: str | None  # set when the merge field reads the session


# The base model Visualforce Remote Objects make their models under when `<apex:remoteObjects>` names
# none (`jsNamespace`), and the name Salesforce's documentation gives it in its examples.
REMOTE_OBJECT_BASES = frozenset({"SObjectModel", "RemoteObjectModel"})
REMOTE_OBJECT = "remoteobject"  # `JsValue.kind` of a Remote Objects record: `remoteobject:<sObject>`
# ... and of an AJAX Toolkit record (`new sforce.SObject('Cfg__c')`): `sforce.SObject:<sObject>`
SFORCE_RECORD = "sforce.SObject"


@dataclass(slots=True)
class ScriptUnit:
    """One piece of JavaScript: a static file, a `<script>` body, an event-handler attribute."""

    raw: bytes  # the script as in the parse buffer, merge fields intact
    base_point: Point  # file point of raw[0]
    merge_fields: tuple[ScriptMergeField, ...] = ()
    js_sources: dict[tuple[int, int], str] = field(default_factory=dict)  # node byte range -> id
    # Maps a byte offset of `raw` to a file point when `raw` is decoded text (an XML element's
    # content with entities decoded) rather than a slice of the parse buffer.
    point_at: Callable[[int], Point] | None = None
    # the page's controller and extensions, lower case: `Ctrl.method(args, callback)` calls their
    # `@RemoteAction` methods (JavaScript remoting names them so)
    remoting: frozenset[str] = frozenset()
    # a script of an Aura bundle: `component.get('c.m')` is an action of the bundle's controller
    aura: bool = False
    # an Aura bundle's helper (`CmpHelper.js`) that may send something: its methods' parameters
    # stand for what the controller passes them (`js_flow.aura_helper_methods`)
    aura_helper: bool = False
    # an Aura bundle's controller (`CmpController.js`): its actions' third parameter is the helper
    aura_controller: bool = False
    # a script of a Lightning web component: what it sets on `this` its template may bind
    lwc: bool = False
    # sessions the page's markup holds in fields and meta tags, by `id:x` / `name:x`: what
    # `document.getElementById('x').value` reads (`visualforce._PageLowering._holding`)
    held: dict[str, frozenset[str]] = field(default_factory=dict)
    # a static resource's script, which pages load: a global it reads and never sets (`token`,
    # `window.appConfig`) stands for what those pages keep there (`ir.client_value("global", …)`)
    page_globals: bool = False
    # a Lightning web component's module (`lwc/api/api.js`: "api") exporting functions that may
    # send something: their parameters stand for what its importers pass them (`ir.export_parameter`)
    exports_for: str = ""
    # a Lightning web component's module exporting functions that may return what Apex hands it
    # (`return getSid()`): what they return stands for that in the scripts calling them
    # (`ir.module_return`, `lower.returning_module`)
    returns_for: str = ""
    # a page's Visualforce Remote Objects (`<apex:remoteObjects>`): the JavaScript name of each
    # model (`SObjectModel.Cfg`) -> its sObject and its fields' short names (`visualforce.remote_models`)
    remote_models: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    merge_starts: list[int] = field(init=False, repr=False, compare=False)
    merge_ends: list[int] = field(init=False, repr=False, compare=False)
    _imported: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _apex: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _labels: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _components: dict[str, tuple[str, str]] | None = field(default=None, init=False, repr=False, compare=False)
    _calls: list[int] | None = field(default=None, init=False, repr=False, compare=False)
    _hands_over: bool | None = field(default=None, init=False, repr=False, compare=False)
    _requests_page: bool | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.merge_starts = [m.start for m in self.merge_fields]
        self.merge_ends = [m.end for m in self.merge_fields]

    def text(self, node: Node) -> str:
        return self.raw[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def imported(self, name: str) -> str:
        """What a dotted name means in the script's own terms, where its first part is a name it
        imports a known module under: `JSForce.Connection` -> `jsforce.Connection` after
        `import JSForce from 'jsforce'`, `Conn` -> `jsforce.Connection` after
        `const { Connection: Conn } = require('jsforce')`. Other names are themselves."""
        if self._imported is None:
            self._imported = module_names(self.raw)
        if not self._imported:
            return name
        first, dot, rest = name.partition(".")
        found = self._imported.get(first)
        return name if found is None else found + dot + rest

    def remote_object(self, name: str) -> str | None:
        """The sObject a Visualforce Remote Objects model stands for, where `name` is one (`new
        SObjectModel.Cfg__c(...)`): one the page declares (by its short name too), or any name
        under the default base model's name (`SObjectModel`, or `RemoteObjectModel`, which
        Salesforce's examples name theirs; a static resource cannot see the page's declarations)."""
        declared = self.remote_models.get(name)
        if declared is not None:
            return declared[0]
        base, dot, model = name.partition(".")
        if dot and model.isidentifier() and (base in REMOTE_OBJECT_BASES or any(
                m.startswith(base + ".") for m in self.remote_models)):
            return model
        return None

    def remote_field(self, model: str, name: str) -> str:
        """The field a Remote Objects record's property `name` stands for (its short name's field)."""
        for sobject, fields in self.remote_models.values():
            if sobject == model and name in fields:
                return fields[name]
        return name

    def apex_method(self, name: str) -> str | None:
        """The Apex method (`[ns.]Class.method`) a name stands for, where the script imports it
        from `@salesforce/apex/` (`import getSid from '@salesforce/apex/SidCtrl.getSid'`)."""
        if self._apex is None:
            self._apex = apex_imports(self.raw)
        return self._apex.get(name)

    def component_import(self, name: str) -> tuple[str, str] | None:
        """The module and exported function a name the script calls stands for (`send` or
        `api.send` after `import { send } from 'c/api'` or `import * as api from 'c/api'`)."""
        if self._components is None:
            self._components = component_imports(self.raw)
        if not self._components:
            return None
        first, _, rest = name.partition(".")
        found = self._components.get(first)
        if found is None or (found[1] == "*") != bool(rest) or "." in rest:
            return None
        return (found[0], rest) if found[1] == "*" else found

    def label(self, name: str) -> str | None:
        """The custom label a name stands for, where the script imports it
        (`import HOST from '@salesforce/label/c.Partner_Host'`), as a page writes it
        (`{!$Label.Partner_Host}`, `{!$Label.ns__Partner_Host}`): the analysis reads the package's
        labels as their packaged values (`endpoints.page_url_labels`)."""
        if self._labels is None:
            self._labels = label_imports(self.raw)
        return self._labels.get(name)

    @property
    def hands_over(self) -> bool:
        """Whether Apex can hand this script values (imported Apex methods, remoting, bindings)
        and the script can send them somewhere (`MAY_REQUEST`). Asked by lowering and by the
        flow: the answer is kept."""
        if self._hands_over is None:
            self._hands_over = self._receives() and (MAY_REQUEST_BYTES.search(self.raw) is not None or (
                self.aura and aura_helper_call(self.raw)) or self.binds or self.imports_components)
        return self._hands_over

    @property
    def requests_page(self) -> bool:
        """Whether the script may request a package page and read the session it renders
        (`lower.requests_page`): what it gets is handed over as what Apex returns is."""
        if self._requests_page is None:
            self._requests_page = requests_page(self.raw)
        return self._requests_page

    @property
    def imports_components(self) -> bool:
        """Whether the script imports from Lightning web components' modules (`from 'c/api'`),
        whose exported functions may send what it passes them."""
        return _COMPONENT_MODULE in self.raw or _COMPONENT_MODULE_DOUBLE in self.raw

    @property
    def binds(self) -> bool:
        """Whether the script sets what a component's template may bind into a URL attribute
        (`lower/templates.py`): an LWC's properties (`this.url = …`, `get url() {…}`), an Aura
        component's attributes (`component.set('v.url', …)`). Lowering cannot see the template,
        and most component scripts set properties from what Apex returns (a walk each: +16% on
        NPSP's scan), so only a script that also names one for a URL (`this.frameUrl`; an Aura
        attribute also for a session, `v.sid`, which its markup may build a URL around) or writes
        URL text (`'https://…'`, `'/apex/…'`, `'?sid='`) is walked for it."""
        if self.lwc:  # a template binds a property as it is: one bound into a URL holds the whole URL
            named = _URL_PROPERTY
        elif self.aura:  # markup may build the URL around an attribute (`{!'https://…?sid=' + v.sid}`)
            named = _URL_OR_SESSION_ATTRIBUTE
        else:
            return False
        setting = _LWC_PROPERTY_SET if self.lwc else AURA_ATTRIBUTE_WRITE
        return setting.search(self.raw) is not None and (
            named.search(self.raw) is not None or _URL_TEXT.search(self.raw) is not None)

    @property
    def aura_only(self) -> bool:
        """Whether the only values the flow follows in this script are what its Aura actions
        return: an Aura bundle's script with no session of its own nor other Apex hand-over."""
        return self.aura and not self.js_sources and not self.merge_fields and not self.held and not any(
            word in self.raw for word in _APEX_HANDS_OVER_BYTES) and AURA_SESSION_ATTRIBUTE.search(self.raw) is None \
            and not self.requests_page

    @property
    def modules_only(self) -> bool:
        """Whether the flow follows this script only for what it passes the functions it imports
        from components' modules: a Lightning web component with no session of its own that
        sends, binds, exports and returns nothing itself (`hands_over` holds by its `c/` imports alone)."""
        return self.lwc and self.imports_components and not self.js_sources and not self.merge_fields \
            and not self.held and not self.exports_for and not self.returns_for \
            and MAY_REQUEST_BYTES.search(self.raw) is None \
            and not self.binds

    def apex_calls(self) -> list[int]:
        """Where the script names an Apex method it imports (`getSid(` after `import getSid from
        '@salesforce/apex/Ctl.getSid'`)."""
        if self._apex is None:
            self._apex = apex_imports(self.raw)
        return sorted(at for local in self._apex for at in _names_at(self.raw, local.encode(), False))

    def component_calls(self) -> list[int]:
        """Where the script calls a function it imports from a component's module (`send(` after
        `import { send } from 'c/api'`, `api.send(` after `import * as api from 'c/api'`)."""
        if self._calls is not None:
            return self._calls
        if self._components is None:
            self._components = component_imports(self.raw)
        self._calls = sorted(at for local, (_, exported) in self._components.items()
                             for at in _names_at(self.raw, local.encode(), exported == "*"))
        return self._calls

    @property
    def calls_apex(self) -> bool:
        """Whether the script calls Apex (imported methods, remoting) or is handed its values."""
        return self._receives()

    @property
    def returns_only(self) -> bool:
        """Whether the flow follows this module only for what its exported functions return of
        what Apex hands them (`ScriptUnit.returns_for`), and what it passes other modules'
        functions: it has no session of its own, and sends and binds nothing itself."""
        return bool(self.returns_for) and not self.js_sources and not self.merge_fields and not self.held \
            and MAY_REQUEST_BYTES.search(self.raw) is None and not self.binds

    @property
    def module_results_only(self) -> bool:
        """Whether the flow follows this script only for what the functions it imports from
        components' modules return (`await sessionId()` after `import { sessionId } from 'c/auth'`):
        a Lightning web component that Apex hands nothing, with no session of its own, that exports
        nothing but may send or bind something."""
        return self.lwc and self.imports_components and not self.js_sources and not self.merge_fields \
            and not self.held and not self.exports_for and not self.returns_for \
            and (MAY_REQUEST_BYTES.search(self.raw) is not None or self.binds) and not self._receives_from_apex()

    def _receives(self) -> bool:
        if self._receives_from_apex():
            return True
        # what the functions it imports from components' modules return (`await sessionId()`)
        return self.lwc and self.imports_components and (MAY_REQUEST_BYTES.search(self.raw) is not None or self.binds)

    def _receives_from_apex(self) -> bool:
        if any(word in self.raw for word in _APEX_HANDS_OVER_BYTES) or self.requests_page:
            return True
        if self.aura and (_AURA_RETURN in self.raw or AURA_ATTRIBUTE_READ.search(self.raw) is not None):
            # what an action returns; what a page (`component.get('v.sid')`) or the bundle's other
            # scripts (`component.get('v.details')`, set by its helper's callback) give an attribute
            return True
        if self.lwc and b"@api" in self.raw and LWC_SESSION_PROPERTY.search(self.raw) is not None:
            return True  # what a page gives a public property (`@api sessionId`)
        if any(m.source_id and m.source_id.startswith(CLIENT_VALUE) for m in self.merge_fields):
            return True
        lowered = self.raw.lower() if self.remoting else b""
        return any(f"{name}.".encode() in lowered for name in self.remoting)

    def merge_sources(self, node: Node) -> frozenset[str]:
        """Sessions of the merge fields inside a node's bytes (Visualforce fills them in)."""
        if not self.merge_fields:
            return frozenset()
        lo = bisect_right(self.merge_ends, node.start_byte)
        hi = bisect_left(self.merge_starts, node.end_byte)
        return frozenset(m.source_id for m in self.merge_fields[lo:hi] if m.source_id is not None)

    def merge_value(self, node: Node) -> JsValue | None:
        """A masked merge field stands where the parser saw an identifier: its own value."""
        i = bisect_right(self.merge_starts, node.start_byte) - 1
        if i < 0 or node.end_byte > self.merge_fields[i].end:
            return None
        m = self.merge_fields[i]
        return JsValue(frozenset({m.source_id}) if m.source_id else frozenset(), m.text)

    def sources_within(self, node: Node) -> frozenset[str]:
        """Every session source (merge field or JavaScript read) inside a node's bytes."""
        found = set(self.merge_sources(node))
        for (start, end), source in self.js_sources.items():
            if node.start_byte <= start and end <= node.end_byte:
                found.add(source)
        return frozenset(found)

    def span(self, src: SourceText, node: Node) -> Span:
        if self.point_at is not None:
            return src.span(self.point_at(node.start_byte), self.point_at(node.end_byte))
        start = shift_point(self.base_point, (node.start_point[0], node.start_point[1]))
        end = shift_point(self.base_point, (node.end_point[0], node.end_point[1]))
        return src.span(start, end)


# Modules whose imports `ScriptUnit.imported` follows, as scripts name them without a loader.
KNOWN_MODULES = ("jsforce", "axios")
_NAMES = "|".join(KNOWN_MODULES)
# a module by its name, or a copy of it the package bundles: `c/axios`, `./axios`, `./lib/jsforce.min.js`
_MODULE = rf"(?:[\w.@$-]*/)*(?P<{{}}>{_NAMES})(?:\.min)?(?:\.js)?"
# an ES module import's names, before `from`: `import d, * as ns`, `import { a, b as c }`
_IMPORT_CLAUSE = (r"\bimport\s+(?:(?P<default>[\w$]+)\s*,?\s*)?(?:\*\s*as\s+(?P<star>[\w$]+)\s*)?"
                  r"(?:\{(?P<named>[^}]*)\}\s*)?from\s*")
_IMPORTS = lazy(
    _IMPORT_CLAUSE + rf"""['"]{_MODULE.format("module")}['"]"""
    r"|\b(?:const|let|var)\s+(?:(?P<whole>[\w$]+)|\{(?P<picked>[^}]*)\})\s*=\s*"
    rf"""require\(\s*['"]{_MODULE.format("required")}['"]\s*\)""")


def module_names(raw: bytes) -> dict[str, str]:
    """Local name -> what it stands for (`jsforce`, `jsforce.Connection`), for the imports of
    `KNOWN_MODULES` in a script: ES module imports and CommonJS `require`s, by their text."""
    if not any(m.encode() in raw for m in KNOWN_MODULES):
        return {}
    out: dict[str, str] = {}
    for m in _IMPORTS.finditer(raw.decode("utf-8", "replace")):
        module = m.group("module") or m.group("required")
        for local, exported in _bindings(m):
            out[local] = module if exported in ("default", "*") else f"{module}.{exported}"
    return out


def _bindings(m: re.Match[str]) -> list[tuple[str, str]]:
    """(local name, what of the module it is) for each name an import or `require` of
    `_IMPORT_CLAUSE`'s groups binds: an export's name, "default", or "*" (the whole module)."""
    out = [(name, how) for name, how in ((m.group("default"), "default"), (m.group("star"), "*")) if name]
    whole = m.groupdict().get("whole")
    if whole:
        out.append((whole, "*"))
    for picked, sep in ((m.group("named"), " as "), (m.groupdict().get("picked"), ":")):
        for item in (picked or "").split(","):
            exported, _, local = (part.strip() for part in item.partition(sep))
            if exported:
                out.append((local or exported, exported))
    return out

_HANDS_OVER_BYTES = tuple(word.encode() for word in APEX_HANDS_OVER)
_LWC_PROPERTY_SET = re.compile(rb"\bthis\s*\.\s*[A-Za-z_$][\w$]*\s*=(?!=)|\bget\s+[A-Za-z_$][\w$]*\s*\(\s*\)\s*\{")
_URL_NAME = rb"[\w$]*(?:url|uri|link|src|href|endpoint)[\w$]*"
_URL_PROPERTY = re.compile(
    rb"\bthis\s*\.\s*" + _URL_NAME + rb"\s*=(?!=)|\bget\s+" + _URL_NAME + rb"\s*\(\s*\)\s*\{", re.IGNORECASE)
_URL_OR_SESSION_ATTRIBUTE = re.compile(
    rb"\.set\s*\(\s*[\"']v\.[\w$]*(?:url|uri|link|src|href|endpoint|sid|session|token)[\w$]*[\"']", re.IGNORECASE)
# a string that writes part of a URL: a scheme, an absolute path, a query parameter
_URL_TEXT = re.compile(rb"""["'`](?:[a-z][a-z0-9+.-]*://|/(?![/*])[\w.~%-]+/|[^"'`\n]*[?&][\w.-]+=)""",
                       re.IGNORECASE)
_AURA_RETURN = b"getReturnValue"  # an Aura action's callback's way to what Apex returned
_APEX_HANDS_OVER_BYTES = tuple(word for word in _HANDS_OVER_BYTES if word != _AURA_RETURN)
# `component.get('c.getToken')`: the Aura action of the controller's `@AuraEnabled` method
AURA_ACTION = lazy(r"""^['"]c\.([A-Za-z_]\w*)['"]$""")
_APEX_MODULE = b"@salesforce/apex/"
_APEX_IMPORT = re.compile(r"""\bimport\s+([\w$]+)\s+from\s*['"]@salesforce/apex/([\w.]+)['"]""")


# A name that says it holds a credential: what a page binding or a field of a value Apex returns
# must be called for the session in it to be followed (`visualforce._binding`, `js_flow._member`)
CREDENTIAL_NAME = re.compile(r"sid|session|token|auth|bearer|cred|secret|key", re.IGNORECASE)


_LABEL_MODULE = b"@salesforce/label/"
_LABEL_IMPORT = re.compile(
    r"""\bimport\s+([\w$]+)\s+from\s*['"]@salesforce/label/([A-Za-z_]\w*)\.([A-Za-z]\w*)['"]""")
# `$A.get('$Label.c.Partner_Host')`: an Aura script's custom label (`c`, or a namespace)
AURA_LABEL = re.compile(r"""^['"]\$Label\.([A-Za-z_]\w*)\.([A-Za-z]\w*)['"]$""")


def label_merge_field(namespace: str, name: str) -> str:
    """A custom label as a page's merge field names it: `{!$Label.X}`, `{!$Label.ns__X}`."""
    return "{!$Label." + (name if namespace == "c" else f"{namespace}__{name}") + "}"


def label_imports(raw: bytes) -> dict[str, str]:
    """Local name -> the custom label it is (as `label_merge_field` writes it), for the labels an
    LWC module imports."""
    if _LABEL_MODULE not in raw:
        return {}
    return {m.group(1): label_merge_field(m.group(2), m.group(3))
            for m in _LABEL_IMPORT.finditer(raw.decode("utf-8", "replace"))}


def component_imports(raw: bytes) -> dict[str, tuple[str, str]]:
    """Local name -> (module as written, exported name) for what a module imports from Lightning web
    components' modules (`import { send, query as q } from 'c/api'`: `send`, `q`; a default
    import is "default", a namespace import `import * as api from 'c/api'` is "*")."""
    if _COMPONENT_MODULE not in raw and _COMPONENT_MODULE_DOUBLE not in raw:
        return {}
    return {local: (m.group("component"), exported)
            for m in _COMPONENT_IMPORT.finditer(raw.decode("utf-8", "replace")) for local, exported in _bindings(m)}


def _names_at(raw: bytes, name: bytes, member: bool) -> list[int]:
    """Where `name` is called (`send(`), or a member of it is (`api.send(`, with `member`): a
    literal search, as a pattern starting with a look-behind tries every byte."""
    found = []
    at = raw.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or raw[at - 1:at] not in _NAME_BYTES) and _CALLED.match(raw, end) is not None \
                and (raw[end:end + 1] == b".") == member:
            found.append(at)
        at = raw.find(name, end)
    return found


# after a name: a call of it (`send(`), or of a member of it (`api.send(`)
_CALLED = re.compile(rb"\s*(?:\.\s*[\w$]+\s*)?\(")
_NAME_BYTES = frozenset(bytes([c]) for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.")
_COMPONENT_MODULE = b"from 'c/"
_COMPONENT_MODULE_DOUBLE = b'from "c/'
_COMPONENT_IMPORT = lazy(_IMPORT_CLAUSE + r"""['"]c/(?P<component>\w+)['"]""")


def apex_imports(raw: bytes) -> dict[str, str]:
    """Local name -> `[ns.]Class.method`, for the Apex methods a module imports (LWC)."""
    if _APEX_MODULE not in raw:
        return {}
    return {m.group(1): m.group(2) for m in _APEX_IMPORT.finditer(raw.decode("utf-8", "replace"))}


def dotted(unit: ScriptUnit, node: Node | None, most: int = 0) -> str | None:
    """`a.b.c` / `a["b"]` as text, or None when the chain holds a call or computed index, or
    (`most` > 0) more than `most` names."""
    parts: list[str] = []
    while node is not None:
        if most and len(parts) >= most:
            return None
        t = node.type
        if t in ("identifier", "this", "property_identifier"):
            parts.append(unit.text(node))
            break
        if t == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None:
                return None
            parts.append(unit.text(prop))
            node = node.child_by_field_name("object")
        elif t == "subscript_expression":
            index = node.child_by_field_name("index")
            if index is None or index.type != "string":
                return None
            parts.append(unit.text(index)[1:-1])
            node = node.child_by_field_name("object")
        elif t == "parenthesized_expression" and node.named_child_count == 1:
            node = node.named_children[0]
        else:
            return None
    return ".".join(reversed(parts)) if parts else None


def arguments_of(node: Node) -> list[Node]:
    args = node.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def unwrap_function(node: Node | None) -> Node | None:
    """The function of an immediately invoked `(function () {...})()`, else None."""
    while node is not None and node.type == "parenthesized_expression" and node.named_child_count:
        node = node.named_children[0]
    return node if node is not None and node.type in FUNCTION_TYPES else None
