"""The intermediate form: what lowering produces from one file and every later stage reads.

Everything here is a frozen, slotted dataclass of plain values so that a file's lowered form
can be built in a worker process, pickled back, and cached by content hash. Nothing downstream
of lowering ever sees a syntax tree.

Apex names are case-insensitive: every Apex identifier stored here has gone through
`apex_name()` (lower case) once, at lowering; `display` fields keep the spelling for messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum

from apexlint.records import field, frozen


def apex_name(text: str) -> str:
    """Normalise an Apex identifier or dotted name: Apex is case-insensitive everywhere."""
    return text.strip().lower()


def refs_text(names: Iterable[str]) -> str:
    """Identifiers as `MethodIR.refs` keeps them: sorted, one space between and at each end."""
    ordered = sorted(set(names))
    return f" {' '.join(ordered)} " if ordered else ""


def has_ref(refs: str, name: str) -> bool:
    """Whether `refs` (see `refs_text`) holds the identifier `name` (not merely a substring of one)."""
    return f" {name} " in refs


@frozen(order=True)
class Span:
    """A region of a file: 1-based lines, 1-based UTF-16 columns, end column exclusive (SARIF)."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def contains(self, other: Span) -> bool:
        """Whether `other` lies within this region (its ends included)."""
        return (self.start_line, self.start_col) <= (other.start_line, other.start_col) \
            and (other.end_line, other.end_col) <= (self.end_line, self.end_col)


class FileKind(StrEnum):
    APEX_CLASS = "apex-class"
    APEX_TRIGGER = "apex-trigger"
    VISUALFORCE_PAGE = "visualforce-page"
    VISUALFORCE_COMPONENT = "visualforce-component"
    EMAIL_TEMPLATE = "email-template"
    STATIC_RESOURCE = "static-resource"
    JAVASCRIPT = "javascript"
    METADATA = "metadata"
    # Any other file in the scanned tree (`.env`, `config/.session`, a JSON static resource,
    # `scripts/apex/*.apex`): searched only for token-shaped literals (SID009), never parsed.
    TEXT = "text"


class NoticeLevel(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@frozen
class Notification:
    """A problem with the input or the tool itself, reported as a SARIF tool notification."""

    code: str  # stable id, e.g. "parse-error", "undecodable-bytes", "file-too-large"
    message: str
    level: NoticeLevel = NoticeLevel.WARNING
    path: str | None = None
    span: Span | None = None


class SourceKind(StrEnum):
    """Where a session ID comes from (SPEC "Sources")."""

    APEX_GET_SESSION_ID = "apex-getsessionid"  # UserInfo.getSessionId()
    VF_CONTENT = "visualforce-content"  # Page.X.getContent() of a page that renders a session
    MERGE_FIELD = "merge-field"  # {!$Api.Session_ID} / {!GETSESSIONID()}
    JS_SFORCE_SESSION = "js-sforce-connection-sessionid"  # sforce.connection.sessionId
    JS_SFDC_SESSION = "js-sfdcsessionid"  # __sfdcSessionId
    JS_CONTAINER_SESSION = "js-lightning-container-session"  # LCC.getRESTAPISessionKey() (lightning:container)
    OUTBOUND_MESSAGE = "outbound-message"  # <includeSessionId>true</includeSessionId>
    TOKEN_LITERAL = "token-literal"  # a literal shaped like a live session ID / access token


# What Apex hands to client code, in a script's value flow: `client:<way>:<name>`, where way is
# "apex" (a method an LWC imports from `@salesforce/apex/`), "remote" (a `@RemoteAction` a page
# calls), "binding" (a controller property a page binds into its script: `'{!apiSid}'`) or
# "attribute" (a custom component's attribute, `component:attribute`, that a page may pass a
# session to: `{!token}` in Sender.component) or "aura" (an Aura action, `component.get('c.m')`,
# of the controller the script's bundle names: `client:aura:m`) or "helper" (a parameter of an
# Aura helper's method, `client:helper:m:i` (`helper_parameter`), standing for what the bundle's controller passes it
# as argument i: `helper.m(component, sid)`). It is
# not a source: the analysis puts in its place the sessions its data flow finds that Apex member
# returning (`apexlint.analyses.client`), and drops uses where it finds none.
CLIENT_VALUE = "client:"
# Where a canvas app's parameters go, until its connected app is found: `canvas:<app name>`.
CANVAS_PREFIX = "canvas:"
# Where request defaults (`$.ajaxSetup`, `axios.defaults`) go when the script makes no request
# through their library that the flow sees: `defaults:<library>` (each later request's URL).
DEFAULTS_PREFIX = "defaults:"
# The sink of a value a component's script gives one of its properties (an LWC's `this.frameUrl =
# u`, a getter's return) or attributes (Aura's `component.set('v.url', u)`), `bound:<name>`
# (`bound:frameUrl`, `bound:v.url`), until the package model finds the bundle's template binding
# that name into a URL attribute (`<iframe src={frameUrl}>`, `src="{!v.url}"`), where the browser
# loads it (`TemplateBinding`); a name no template binds into a URL is no sink.
BOUND_PREFIX = "bound:"


def client_value(way: str, name: str) -> str:
    return f"{CLIENT_VALUE}{way}:{name.lower()}"


# The response of a script's request of a package page (`fetch('/apex/ApiSession')`), read as the
# page's output: `client:page:<page as the URL names it, lower case>:<how the script read it>`
# (`client:page:apisession:fetch`). The browser sends the user's cookies, so the page renders the
# session into it as it would for Apex's `getContent()` (SPEC's "Visualforce session trick"): the
# analysis puts in its place the session merge fields of the page's output (`apexlint.analyses.
# client`), and drops uses of a page that renders none, or that is not the package's.
PAGE_RESPONSE = f"{CLIENT_VALUE}page:"


def page_response(page: str, how: str) -> str:
    """The stand-in of what a script's request (`how`: "fetch", "$.get"...) of `/apex/<page>` gets."""
    return f"{PAGE_RESPONSE}{page.lower()}:{how}"


def page_response_parts(stand_in: str) -> tuple[str, str]:
    """The page (lower case, as the URL names it) and the request of a `page_response` stand-in."""
    page, _, how = stand_in[len(PAGE_RESPONSE):].partition(":")
    return page, how


# A file inside a zipped static resource: "staticresources/lib.resource!/js/app.js".
MEMBER_SEPARATOR = "!/"


def resource_script(path: str) -> str | None:
    """A static resource's script as pages name it, `<resource>` or `<resource>/<file in it>`, lower
    case (`staticresources/app.resource!/js/main.js` and `staticresources/app/js/main.js` are both
    `app/js/main.js`, `staticresources/helper.js` is `helper`); None for any other file."""
    head, _, member = path.partition(MEMBER_SEPARATOR)
    parts = head.split("/")
    folders = [i for i, part in enumerate(parts) if part.lower() == "staticresources"]
    if not folders or folders[-1] + 1 >= len(parts):
        return None
    name, *inside = parts[folders[-1] + 1:]
    inner = "/".join(inside) or member
    resource = name.partition(".")[0] if not inside else name
    return f"{resource}/{inner}".lower() if inner else resource.lower()


def loaded_script(url: str) -> str | None:
    """The static resource's script a page's `<apex:includeScript value>` or `<script src>` loads,
    as `resource_script` names it (`{!$Resource.helper}`, `{!URLFOR($Resource.app, 'js/main.js')}`);
    None for any other URL."""
    found = RESOURCE_URL.search(url)
    if found is None:
        return None
    inner = (found.group(2) or "").strip().lstrip("/")
    return f"{found.group(1)}/{inner}".lower() if inner else found.group(1).lower()


RESOURCE_URL = re.compile(r"\$Resource\.(\w+)(?:\s*,\s*'([^']*)')?", re.IGNORECASE)


HELPER_PARAMETER = f"{CLIENT_VALUE}helper:"
# The owner of a Lightning component's attribute, in an "attribute" stand-in: `component.get('v.sid')`
# in Aura bundle Panel's script, or `this.sid` of an LWC's `@api sid`, reads
# `client:attribute:lightning.panel:sid`, what a page's Lightning Out
# `$Lightning.createComponent("c:Panel", {sid: ...})` gives it (`PageIR.lightning_args`)
LIGHTNING_ATTRIBUTE_OWNER = "lightning."
# In the URL (or body) of a use of what Apex hands to client code, that value's place: the
# analysis writes what the member returns there (`<session ID>`, a URL built with it) once it
# knows it returns a session, as Apex messages show one (`apexlint.analyses.client`); other
# values Apex hands over read `{…}`.
HANDED_TEXT = "{" + CLIENT_VALUE + "}"


def helper_parameter(method: str, index: int) -> str:
    """The stand-in of an Aura helper method's parameter; JavaScript names keep their case."""
    return f"{HELPER_PARAMETER}{method}:{index}"


# A parameter of a function a Lightning web component's module exports (`export function
# send(token)` in `lwc/api/api.js`): what the components importing it from `c/api` pass there.
EXPORT_PARAMETER = f"{CLIENT_VALUE}export:"


def export_parameter(module: str, function: str, index: int) -> str:
    """The stand-in of an exported function's parameter: `client:export:api.send:0`; the module
    (the bundle's name) in lower case, the function's name as written."""
    return f"{EXPORT_PARAMETER}{module.lower()}.{function}:{index}"


# What a function a Lightning web component's module exports returns (`export async function
# sessionId() { return getSid(); }` in `lwc/auth/auth.js`), where a script that imports it calls
# it (`await sessionId()` after `import { sessionId } from 'c/auth'`): `client:module:auth.sessionId`.
# The module records what each such function returns (`FileIR.module_returns`).
MODULE_RETURN = f"{CLIENT_VALUE}module:"


def module_return(module: str, function: str) -> str:
    """The stand-in of what an exported function returns: `client:module:auth.sessionId`; the
    module (the bundle's name) in lower case, the function's name as written."""
    return f"{MODULE_RETURN}{module.lower()}.{function}"


# What Apex hands over, converted whole to a string by the script (`'faxDetails = ' + details`,
# `${details}`): `client:text:aura:getdetails` for `client:aura:getdetails`. Apex hands an
# `@AuraEnabled`, imported or remote method's object (a wrapper, a record, a map) to the script as
# a JavaScript object, whose string is `[object Object]`: where the member hands the session only
# in a field of what it returns, the text carries none (`apexlint.analyses.client`); a `String` or
# a `List<String>` it returns is written out whole.
AS_TEXT = f"{CLIENT_VALUE}text:"


# The values Apex hands over whose string is told apart so: what a method returns to an LWC, an
# Aura action or JavaScript remoting (as JSON, made an object or a string), and an Aura attribute
# (what the bundle's other script kept there of it). A property a page binds is Apex's own text,
# fields and all; what a helper's or a module's function is given may be a field of it.
AS_TEXT_WAYS = tuple(f"{CLIENT_VALUE}{way}:" for way in ("apex", "aura", "remote", "attribute"))


def as_text(stand_in: str) -> str:
    """The stand-in of `stand_in`'s value converted whole to a string (`AS_TEXT_WAYS`); any other
    stand-in itself, which the analysis resolves as the value."""
    return AS_TEXT + stand_in[len(CLIENT_VALUE):] if stand_in.startswith(AS_TEXT_WAYS) else stand_in


def plain_stand_in(stand_in: str) -> str:
    """The value an `as_text` stand-in is the string of; any other stand-in (or source) itself."""
    return CLIENT_VALUE + stand_in[len(AS_TEXT):] if stand_in.startswith(AS_TEXT) else stand_in


# The context of a merge field in a Visualforce component that `rendered="false"` hides:
# "not rendered (<apex:outputText rendered="false">)". No output, no use, only a source.
NOT_RENDERED = "not rendered"
# The context of a session named in a file read but not analysed (a line over the length limit):
# "not analysed (line 1 is longer than 1,000,000 characters)". Its use is the reviewer's to read.
NOT_ANALYSED = "not analysed"


@frozen
class SourceSite:
    """One place a session ID is retrieved or appears. `id` is unique in the package."""

    id: str
    kind: SourceKind
    path: str
    span: Span
    text: str  # the source's own text, for messages and fingerprints (redacted for tokens)
    context: str = ""  # where it sits: "script", "attribute href of <a>", "formula", "html comment", NOT_RENDERED...
    owner: str = ""  # enclosing Apex method ("cls.method"), page name or metadata component
    in_test: bool = False
    user: str = ""  # whose session, where the metadata names the user (an outbound message's "User to send as")
    chosen_by_caller: bool = False  # a page read with getContent() that code outside the package names


@frozen
class Suppression:
    """An inline `apexlint:disable-next-line SIDnnn -- reason` comment."""

    rule_ids: tuple[str, ...]
    reason: str  # empty when none was given: the suppression itself is then reported
    line: int  # line of the comment
    target_line: int  # the line it applies to
    span: Span


# --------------------------------------------------------------------------------------
# Apex: expressions and statements (flattened per method; control flow is not kept)
# --------------------------------------------------------------------------------------


@frozen
class Expr:
    span: Span


@frozen
class Lit(Expr):
    """A literal. `value` is the decoded string for string literals, else the source text."""

    value: str
    is_string: bool = False


@frozen
class Name(Expr):
    """A bare identifier: a local, parameter, field, or class reference (resolved later)."""

    name: str


@frozen
class This(Expr):
    pass


@frozen
class Super(Expr):
    pass


@frozen
class FieldGet(Expr):
    obj: Expr
    name: str


@frozen
class Call(Expr):
    """A method invocation. `obj` is None for an unqualified call `m(x)`."""

    obj: Expr | None
    name: str
    args: tuple[Expr, ...]
    text: str  # source text of the call, shortened, for messages


@frozen
class New(Expr):
    """`new T(args)` and collection/array creation `new T{items}` / `new Map<K,V>{k => v}`."""

    type: str
    args: tuple[Expr, ...] = ()
    items: tuple[Expr, ...] = ()
    field_names: tuple[str, ...] = ()  # `new Account(Name = x)`: one name per arg, "" if positional


@frozen
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@frozen
class Ternary(Expr):
    cond: Expr
    then: Expr
    other: Expr


@frozen
class Cast(Expr):
    type: str
    expr: Expr


@frozen
class Index(Expr):
    obj: Expr
    index: Expr


@frozen
class Soql(Expr):
    """An inline SOQL/SOSL query; `binds` are the `:expr` bind expressions. For a plain SOQL
    query, the object it reads and the fields it selects (lower case): a formula field that
    holds the session (`$Api.Session_ID`) gives its value to the records read."""

    binds: tuple[Expr, ...]
    sobject: str = ""
    fields: tuple[str, ...] = ()


@frozen
class SessionRead(Expr):
    """`UserInfo.getSessionId()` (any case, with or without `System.`): a session source."""

    source_id: str


@frozen
class Opaque(Expr):
    """Anything the analyses need not understand; its sub-expressions are still kept."""

    parts: tuple[Expr, ...] = ()


@frozen
class Stmt:
    span: Span


@frozen
class Assign(Stmt):
    """`target = value` (also compound `+=`) and local declarations with an initialiser.

    `kills`: the target is a local and what it held before is gone here for every statement
    after this one in its block: the assignment (or declaration) is a statement of the block that
    declares the local, or of a block nested in it (`rejoin`), so it runs before anything after it
    in that block reads the local, and no loop that could carry an older value around to those
    reads mentions the local (see `lower/apex.py`)."""

    target: Expr
    value: Expr
    op: str = "="
    kills: bool = False
    # with `kills`, in a block nested in the one that declares the local (an `if`'s): how many
    # statements after this one the block still holds; after them, what the local held before
    # this assignment joins its value again (the block may not have run). 0: the declaring block.
    rejoin: int = 0


@frozen
class Eval(Stmt):
    """An expression run for its effect: a call, mostly.

    `kills`: the expression is a call `x.m(...)` on a local, and what `m` sets in x (an
    `HttpRequest`'s endpoint, one of its headers) is replaced here for every statement after this
    one: the call is a statement of the block that declares x, and no loop that could carry an
    older value around to a read of x after it mentions x before setting the same part (see
    `lower/apex.py`). The data flow decides which calls set a part."""

    expr: Expr
    kills: bool = False


@frozen
class Return(Stmt):
    expr: Expr | None


@frozen
class Throw(Stmt):
    expr: Expr


@frozen
class Dml(Stmt):
    """`insert x;`, `update x;`, `upsert x;`, `delete x;` ..."""

    op: str
    expr: Expr


@frozen
class Param:
    name: str
    type: str


@frozen
class MethodIR:
    """A method, constructor, property accessor, initializer, or trigger body."""

    name: str  # lower case; "<init>" for constructors, "get:prop"/"set:prop" for accessors
    display: str
    kind: str  # "method" | "constructor" | "getter" | "setter" | "initializer" | "trigger"
    params: tuple[Param, ...]
    return_type: str
    modifiers: frozenset[str]
    annotations: frozenset[str]
    # The statements and locals, or where the body is: a scan reads a few hundred of a package's
    # thousands of bodies, so workers lower only the declarations and the bodies that hold a
    # source; `PackageModel.body()` lowers the others when an analysis first reads them.
    code: tuple[tuple[Stmt, ...], tuple[Param, ...]] | BodyRef = field(compare=False)
    span: Span  # the declaration's name
    body_span: Span
    is_test: bool = False
    # Every identifier the body mentions (names, fields, called methods, created types' last
    # segment): what the demand-driven analysis searches instead of walking every body. Kept as
    # one string (`refs_text()`; ask with `has_ref()`): as frozensets, a package's refs were
    # most of the objects its cached IR unpickles (900,000 strings for 16,000 methods).
    refs: str = ""

    @property
    def lowered(self) -> tuple[tuple[Stmt, ...], tuple[Param, ...]] | None:
        """The statements and locals, if lowering produced them (else `code` is a BodyRef)."""
        return None if isinstance(self.code, BodyRef) else self.code


@frozen
class BodyRef:
    """A method body not lowered yet: the byte range of its block in the file as read; or, with
    `node_type` "fields", a class's field initialisers (its `<fields>` method), from the first
    declaration with one to the last, each declaration's byte range in `parts`."""

    path: str
    start_byte: int
    end_byte: int
    node_type: str  # "block", "trigger_body", FIELDS: checked when the file is parsed again
    owner: str  # "cls.method", as sources found in the body name their method
    is_test: bool
    parts: tuple[int, ...] = ()  # "fields": start and end byte of each field declaration, in order


@frozen
class FieldIR:
    name: str
    display: str
    type: str
    modifiers: frozenset[str]
    annotations: frozenset[str]
    span: Span
    init: Expr | None = None
    is_property: bool = False
    refs: str = ""  # identifiers the initialiser mentions (see MethodIR.refs)
    # its initialiser is lowered later, with the class's others, as the statements of the class's
    # `<fields>` method (a `BodyRef` "fields"): `init` is None then, and `refs` are the identifiers
    # of the initialiser's text outside string literals
    deferred: bool = False
    # a deferred initialiser's text has a `(` outside string literals: a call or a `new` with
    # arguments, which may change what its arguments name (`demand._deferred_written_names`)
    calls: bool = False


FIELDS = "fields"  # `BodyRef.node_type` of a class's field initialisers left for later


def initialiser_method(span: Span, is_test: bool, fields: Sequence[FieldIR],
                       code: tuple[tuple[Stmt, ...], tuple[Param, ...]] | BodyRef) -> MethodIR:
    """A class's `<fields>` method: its field initialisers as one synthetic method, so the analyses
    see them as assignments (`code`: their statements, or where lowering left them)."""
    refs = {f.name for f in fields if f.init is not None or f.deferred}
    for f in fields:
        refs.update(f.refs.split())
    return MethodIR(
        name="<fields>", display="field initialisers", kind="initializer", params=(), return_type="void",
        modifiers=frozenset(), annotations=frozenset(), code=code, span=span, body_span=span, is_test=is_test,
        refs=refs_text(refs))


def field_assignments(cls: str, fields: Iterable[FieldIR]) -> tuple[Stmt, ...]:
    """A class's field initialisers as the statements of its `<fields>` method: an assignment to
    each field (of the class if static, else of `this`) at its name, in declaration order."""
    return tuple(Assign(f.span, FieldGet(f.span, _field_owner(cls, f), f.name), f.init)
                 for f in fields if f.init is not None)


def _field_owner(cls: str, f: FieldIR) -> Expr:
    return Name(f.span, cls) if "static" in f.modifiers else This(f.span)


@frozen
class ClassIR:
    """A class, interface or enum; inner classes are separate entries named `outer.inner`."""

    name: str  # lower case, qualified for inner classes: "outer.inner"
    display: str
    kind: str  # "class" | "interface" | "enum"
    path: str
    span: Span
    superclass: str | None
    interfaces: tuple[str, ...]
    modifiers: frozenset[str]
    annotations: frozenset[str]
    fields: tuple[FieldIR, ...]
    methods: tuple[MethodIR, ...]
    outer: str | None = None
    is_test: bool = False


@frozen
class TriggerIR:
    name: str
    display: str
    sobject: str  # lower case, e.g. "account", "order_event__e"
    events: tuple[str, ...]  # "before insert", "after update"...
    path: str
    span: Span
    body: MethodIR


# --------------------------------------------------------------------------------------
# Visualforce, JavaScript and metadata (non-Apex files)
# --------------------------------------------------------------------------------------


@frozen
class UrlUse:
    """A URL-valued place outside Apex that may carry a session (link, form, redirect, request).

    `url` is the URL text with merge fields and unknown parts kept as written; `sources` are the
    ids of session sources that flow into it; `sink` names the API or markup that uses it.
    """

    sink: str  # e.g. "fetch", "XMLHttpRequest.open", "a.href", "weblink", "custom-tab"
    url: str
    sources: tuple[str, ...]
    path: str
    span: Span
    text: str
    in_query: bool = False  # a session lands in the URL itself (query or path), not a header/body
    header_or_body: bool = False
    body: str = ""  # the request's body as far as known (`{…}` where not), clipped: XHR `send`
    method: str = ""  # the request's HTTP method where known (`xhr.open('POST', ...)`), upper case
    via: str = ""  # how client code got the session from Apex ("returned to client code by C.m")
    # the value Apex hands to client code that the URL starts with, when it is not the session the
    # use is of (`client:apex:ctrl.getbaseurl`: `fetch(base + '/services/...')`); `url` writes it
    # `{…}`, and the analysis reads what the member returns to tell where the request goes
    base: str = ""
    action: str = ""  # a command link's or button's `action` (`{!refresh}`), where it posts back to


@frozen
class SessionTest:
    """A script only asking about a session (`if (sid)`, `sid == null`, `!sid`): a yes/no, which
    gives nothing of it away (SID010 when that is all the session meets)."""

    source_id: str
    path: str
    span: Span
    how: str  # "== null", "!", "if (…)", as a message names it


@frozen
class UnfollowedCall:
    """A script's session handed to a call the flow does not follow (`MyLib.check(sid)`,
    `sid.charAt(i)`): what that code does with it is not known, so a session tested beside it
    (`if (!sid) return;`) is not only tested (SID011, not SID010)."""

    source_id: str
    path: str
    span: Span
    callee: str  # as the script writes it ("MyLib.check", "sid.charAt"), "" when not a dotted name


@frozen
class SessionGlobal:
    """A page script's session kept in a global of the page (`var token = '{!$Api.Session_ID}'`,
    `window.sv = {accessToken: …}`): any script of the page may read it, including those it loads
    from other files (`loads`, as the page writes their URLs), which the flow does not follow."""

    source_id: str
    path: str
    name: str  # as the script writes it, without `window.`
    loads: tuple[str, ...] = ()
    # "global": a global variable holds it; "return": a named function returns it, and no call in
    # the file passes it on (`window.getKey = function () { return LCC.getRESTAPISessionKey(); }`)
    how: str = "global"


@frozen
class TemplateBinding:
    """A URL attribute of a Lightning component's template bound to a property or attribute of
    the component: `<iframe src={frameUrl}>` (LWC), `<lightning:container src="{!'https://…?s=' +
    v.sid}"/>` (Aura). The browser loads the URL it renders, whatever the script sets there.

    `name` is what the script sets (`frameUrl`, `v.sid`); `sink` the element and attribute as
    reports show them (`iframe.src in frameLwc.html`); `url` the URL the template renders, the
    value's place written `{<name>}` (the whole URL when the template binds the value alone)."""

    name: str
    sink: str
    url: str


@frozen
class PageIR:
    """A Visualforce page or component: what the package model needs to know about it."""

    name: str  # lower case page/component name without extension
    display: str
    path: str
    controller: str | None = None
    extensions: tuple[str, ...] = ()
    merge_refs: tuple[str, ...] = ()  # identifiers referenced from merge fields (controller bindings)
    script_refs: tuple[str, ...] = ()  # identifiers referenced from merge fields inside <script>
    # identifiers (as written) of merge fields the page prints outside its scripts: its text, an
    # `<apex:outputText value>`; what a JSON, JSONP or plain-text page serves is made of these
    body_refs: tuple[str, ...] = ()
    emits_session: bool = False  # any session merge field in the rendered output (comments count)
    # ("component", "ns:name") of each custom component tag, ("page", "name") of each page included
    # (`<apex:include pageName>`) or used as template (`<apex:composition template>`), lower case
    # and in markup order: what they render is part of this page's output, their sessions too
    embeds: tuple[tuple[str, str], ...] = ()
    # (component, attribute, source id): a session passed to a custom component's attribute
    # (`<c:Sender token="{!$Api.Session_ID}"/>`), lower case names
    component_args: tuple[tuple[str, str, str], ...] = ()
    # (controller property, source id, tag), lower case names: a session a page script passes to
    # an `<apex:actionFunction>` whose `<apex:param assignTo="{!prop}">` sets that property, or a
    # command link or button posts into it through its own `<apex:param assignTo>`
    posted_args: tuple[tuple[str, str, str], ...] = ()
    # (request parameter, source id, tag, action method), lower case names: a session a command
    # link or button posts back to the controller as `<apex:param name="sid">`, which its action
    # (`action="{!refresh}"`, "" when not a plain method) reads with
    # `ApexPages.currentPage().getParameters().get('sid')`
    posted_params: tuple[tuple[str, str, str, str], ...] = ()
    # (`[ns.]ctrl.method`, argument index, source id), lower case: a session a page script passes
    # to a `@RemoteAction` through JavaScript remoting
    remoted_args: tuple[tuple[str, int, str], ...] = ()
    # (component `ns:Name`, attribute, source id), as the script writes them: a session a page's
    # script gives an attribute of a component Lightning Out makes
    # (`$Lightning.createComponent("c:Panel", {sessionId: sid}, ...)`)
    lightning_args: tuple[tuple[str, str, str], ...] = ()


@frozen
class LabelIR:
    """One custom label the package holds (`CustomLabels.labels`): its name as written, the value
    it is packaged with, and whether it is protected. A label that is not protected can be given
    another value in a subscriber's org (a translation override), so its packaged value is only
    the default the code starts from."""

    name: str
    value: str
    protected: bool


@frozen
class MetadataIR:
    """Facts read from one metadata XML file."""

    type: str  # e.g. "NamedCredential", "Workflow", "CustomObject", "WebLink", "CustomTab"
    full_name: str
    path: str
    endpoint: str | None = None  # NamedCredential/ExternalCredential/RemoteSiteSetting URL
    labels: tuple[LabelIR, ...] = ()  # the custom labels of a CustomLabels file, in file order
    # a flow that starts with no user session (platform-event- or schedule-triggered): the Apex
    # classes its actions call (the class's `@InvocableMethod`), each with how the flow starts
    background_actions: tuple[tuple[str, str], ...] = ()


@frozen
class FileIR:
    """Everything lowering learnt from one file. Picklable; cached by content hash."""

    path: str  # relative, forward slashes, as reports show it
    kind: FileKind
    line_count: int
    notifications: tuple[Notification, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    sources: tuple[SourceSite, ...] = ()
    classes: tuple[ClassIR, ...] = ()
    triggers: tuple[TriggerIR, ...] = ()
    pages: tuple[PageIR, ...] = ()
    url_uses: tuple[UrlUse, ...] = ()
    metadata: tuple[MetadataIR, ...] = ()
    # an Aura component's or application's markup (`aura/Cmp/Cmp.cmp`): the Apex class its
    # `controller="..."` names, whose `@AuraEnabled` methods its scripts' `c.` actions call
    aura_controller: str = ""
    # ... and the component it extends (`extends="c:Base"`), lower case: "c:base"
    aura_extends: str = ""
    # an Aura bundle's helper script: the names of its methods, by its text (`aura.helper_method_names`)
    aura_helper_methods: tuple[str, ...] = ()
    # an Aura bundle's controller script: what its actions hand the bundle's helper, as
    # (helper method, argument index, stand-in of what Apex returned)
    aura_helper_args: tuple[tuple[str, int, str], ...] = ()
    # what a script passes the functions it imports from Lightning web components' modules
    # (`send(sid)` after `import { send } from 'c/api'`): (module, function, argument index,
    # stand-in of what Apex returned or the script was given)
    module_args: tuple[tuple[str, str, int, str], ...] = ()
    # a Lightning web component's module: what the functions it exports return that Apex handed
    # it (`export async function sessionId() { return getSid(); }`), as (exported name, stand-in)
    module_returns: tuple[tuple[str, str], ...] = ()
    # what a Lightning web component passes the Apex methods it imports (`relay({apiSessionId: sid})`
    # after `import relay from '@salesforce/apex/Relay.relay'`), or an Aura script an action of its
    # bundle's controller (`action.setParams({apiSessionId: sid})`, the method as `client:aura:relay`):
    # (`[ns.]class.method`, parameter, stand-in of a package page's response), lower case but the
    # stand-in's request
    apex_args: tuple[tuple[str, str, str], ...] = ()
    # a Lightning component's template: the URL attributes it binds to the component's properties
    template_bindings: tuple[TemplateBinding, ...] = ()
    session_tests: tuple[SessionTest, ...] = ()  # sessions the file's scripts only ask about
    unfollowed_calls: tuple[UnfollowedCall, ...] = ()  # sessions its scripts hand to unknown code
    session_globals: tuple[SessionGlobal, ...] = ()  # sessions a page's scripts keep in its globals
    # sessions a page's scripts save in record fields with Visualforce Remote Objects (`new
    # SObjectModel.Cfg__c({Sid__c: '{!$Api.Session_ID}'}).create()`): (sObject, field, source id),
    # as the page names them; what Apex reads back from such a field holds the session
    stored_fields: tuple[tuple[str, str, str], ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
