"""Metadata XML: outbound messages, session merge fields in links/tabs/formulas, credentials.

Sources read here:
- a workflow outbound message with "Send Session ID" (`<includeSessionId>true`), which hands
  the session of the user who fired the rule to the endpoint (SID005);
- `{!$Api.Session_ID}` / `{!GETSESSIONID()}` in the places Salesforce evaluates merge fields
  in metadata: web link and custom tab URLs, home page component bodies, email template
  content, and formulas (where `GETSESSIONID()` appears without braces). The same text in a
  description or an XML comment is never evaluated and is not a source.
Each such merge field in a URL also yields a UrlUse ("weblink", "custom-tab",
"home-page-component", "formula-hyperlink", "formula-image"); a JavaScript web link
(`<linkType>javascript</linkType>`) is analysed as script instead.

Every file yields a MetadataIR (type, full name), with the endpoint of Named Credentials,
External Credentials, Remote Site Settings and CSP Trusted Sites, and the custom labels of a
CustomLabels file (`lower.labels`), which the endpoint resolution needs to tell same-org callouts
from exports.
"""

from __future__ import annotations

import re

from tree_sitter import Tree

from apexlint.ir import (
    FileIR,
    FileKind,
    MetadataIR,
    Notification,
    SessionTest,
    SourceKind,
    SourceSite,
    Span,
    UnfollowedCall,
    UrlUse,
)
from apexlint.lower.javascript import find_js_sources, parse_script, script_flows
from apexlint.lower.js_values import ScriptMergeField, ScriptUnit
from apexlint.lower.labels import labels_of
from apexlint.lower.markup_comments import (
    blank_comment_dashes,
    one_unclosed,
    xml_comment_ranges,
    xml_suppressions,
)
from apexlint.lower.text_scan import (
    component_name,
    in_ranges,
    node_text,
    parse_notifications,
    shorten,
    source_id,
    token_literal_sources,
)
from apexlint.lower.xml_text import XmlElement, XmlText, read_elements
from apexlint.patterns import lazy
from apexlint.read.merge_fields import (
    MergeField,
    TextPositions,
    find_merge_fields,
    parse_expression,
)
from apexlint.read.parsers import parse
from apexlint.read.source import SourceText

# Elements whose text Salesforce evaluates as merge fields / formulas.
MERGE_ELEMENTS = frozenset({"url", "body", "content", "htmlValue", "textValue", "subject", "markup"})
FORMULA_ELEMENTS = frozenset({"formula", "errorConditionFormula", "defaultValue", "booleanFilter"})
WORKFLOW_FIELD_UPDATE = "workflow field update"  # a UrlUse sink: the formula's value is saved (SID003)
FLOW_EMAIL = "flow e-mail action"  # a UrlUse sink: a flow's `emailSimple` action mails it (SID002)
FLOW_SCREEN = "flow screen"  # a UrlUse sink's prefix: a link or image of a screen's display text
_FLOW_EMAIL_ACTIONS = frozenset({"emailsimple"})
_FLOW_EMAIL_INPUTS = frozenset({"emailbody", "emailsubject"})
# (element holding the URL, its parent or the file's root element) -> sink name.
URL_SINKS = {
    ("url", "webLinks"): "weblink",
    ("url", "WebLink"): "weblink",
    ("url", "CustomPageWebLink"): "weblink",  # top-level custom links (`weblinks/`)
    ("url", "CustomTab"): "custom-tab",
    ("body", "HomePageComponent"): "home-page-component",
}
FORMULA_URL_FUNCTIONS = {"hyperlink": "formula-hyperlink", "image": "formula-image"}
OUTBOUND_CONTAINERS = frozenset({"outboundMessages", "WorkflowOutboundMessage"})
DECOMPOSED_FIELD_UPDATE = "WorkflowFieldUpdate"  # the root of a decomposed workflow's field update
_ENDPOINT_PARAMETER_TYPES = frozenset({"url", "authproviderurl"})
_MAX_ARGUMENT = 10_000  # formulas compile to at most a few thousand characters
_FUNCTION_CALL = lazy(r"\b(HYPERLINK|IMAGE)\s*\(", re.IGNORECASE)
_JS_SESSION_NAMES = ("sessionId", "__sfdcSessionId")
_REQUIRESCRIPT = lazy(r"\{!\s*REQUIRESCRIPT\s*\(", re.IGNORECASE)
_URL_ATTRIBUTE = r"""(src|href|action)\s*=\s*["']([^"']*)"""  # a markup attribute holding a URL, and its value
_MARKUP_URL = lazy(_URL_ATTRIBUTE, re.IGNORECASE)
# with its tag, as `<a href="…">` (group 1 the tag, 2 the attribute, 3 its value)
_MARKUP_URL_ATTRIBUTE = lazy(r"<([A-Za-z][\w:-]*)\b[^>]*?\b" + _URL_ATTRIBUTE, re.IGNORECASE)


def lower_metadata(src: SourceText, metadata_type: str | None) -> FileIR:
    """Lower one metadata XML file."""
    return _MetadataLowering(src, metadata_type).lower()


class _MetadataLowering:
    def __init__(self, src: SourceText, metadata_type: str | None) -> None:
        self.src = src
        self.positions = TextPositions(src.parse_text)
        self.comments = xml_comment_ranges(src.parse_text)
        byte_comments = [(self.positions.byte_offset(a), self.positions.byte_offset(b)) for a, b in self.comments]
        parsed = one_unclosed(blank_comment_dashes(src.buffer, byte_comments), b"<![CDATA[", b"]]>")
        self.tree: Tree = parse("xml", parsed)
        self.elements = read_elements(self.tree.root_node, src.buffer)
        root = self.elements[0] if self.elements else None
        self.root_name = root.name if root is not None else ""
        self.type = metadata_type or self.root_name or "Unknown"
        self.full_name = component_name(src.path)
        self.sources: list[SourceSite] = []
        self.uses: list[UrlUse] = []
        self.session_tests: list[SessionTest] = []  # sessions its scripts only ask about
        self.unfollowed: list[UnfollowedCall] = []  # sessions its scripts hand to unknown code
        self.scripts: list[tuple[ScriptUnit, Tree]] = []
        self.notes: list[Notification] = []
        self.flow_values: dict[str, tuple[str, ...]] = {}  # a flow's formula/text template -> its sessions
        self.screen_texts: list[XmlElement] = []  # a flow's screens' display texts, in document order

    def lower(self) -> FileIR:
        endpoint: str | None = None
        for top in self.elements:
            for element in top.walk():
                self._element(element)
            endpoint = endpoint or _endpoint(top)
        if self.root_name == "Flow":
            self._flow_emails()
            self._flow_screens()
        if self.scripts:
            self.uses += script_flows(self.src, self.scripts, tested=self.session_tests,
                                      unfollowed=self.unfollowed)
        starts = [a for a, _ in self.comments]
        self.sources += token_literal_sources(
            self.src, self.positions, self.full_name, lambda off: in_ranges(starts, self.comments, off)
        )
        return FileIR(
            path=self.src.path, kind=FileKind.METADATA, line_count=self.src.line_count,
            notifications=(*parse_notifications(self.src, self.tree.root_node, "Metadata XML"), *self.notes),
            suppressions=tuple(xml_suppressions(self.src, self.positions, self.comments)),
            sources=tuple(self.sources),
            url_uses=tuple(sorted(self.uses, key=lambda u: (u.span, u.sink))),
            session_tests=tuple(self.session_tests),
            unfollowed_calls=tuple(self.unfollowed),
            metadata=(MetadataIR(self.type, self.full_name, self.src.path, endpoint,
                                 labels_of(self.type, self.src.path, self.src.text),
                                 self._background_actions() if self.root_name == "Flow" else ()),),
        )

    # ------------------------------------------------------------------ elements

    def _element(self, element: XmlElement) -> None:
        if element.name == "includeSessionId":
            self._outbound_message(element)
        elif element.name in FORMULA_ELEMENTS or (element.name == "expression" and element.parent is not None
                                                  and element.parent.name == "formulas"):
            # (a flow's `<formulas><expression>`: a formula like any other)
            self._formula(element)
        elif element.name in MERGE_ELEMENTS:
            self._merge_text(element)
        elif element.name == "text" and element.parent is not None and element.parent.name == "textTemplates" \
                and self.root_name == "Flow":
            self._flow_text_template(element)
        elif element.name == "fieldText" and self.root_name == "Flow":
            self.screen_texts.append(element)  # read once the flow's formulas and templates are (`_flow_screens`)

    def _owner(self, element: XmlElement) -> str:
        """The nearest enclosing component's fullName, else the file's full name."""
        cur = element.parent
        while cur is not None:
            name = cur.child_text("fullName")
            if name:
                return name
            cur = cur.parent
        return self.full_name

    def _span(self, element: XmlElement) -> Span:
        node = element.node
        return self.src.span((node.start_point[0], node.start_point[1]), (node.end_point[0], node.end_point[1]))

    def _outbound_message(self, element: XmlElement) -> None:
        """`<includeSessionId>true</includeSessionId>` in an outbound message (SID005)."""
        text = element.text()
        container = element.parent
        in_message = (container is not None and container.name in OUTBOUND_CONTAINERS) or (
            self.root_name in OUTBOUND_CONTAINERS
        )
        if text is None or text.text.strip().lower() not in ("true", "1") or not in_message:  # xsd:boolean
            return
        span = self._span(element)
        self.sources.append(SourceSite(
            id=source_id(self.src.path, span), kind=SourceKind.OUTBOUND_MESSAGE, path=self.src.path,
            span=span, text=node_text(self.src.buffer, element.node),
            context=(container.child_text("endpointUrl") if container is not None else None) or "",
            owner=self._owner(element),
            user=(container.child_text("integrationUser") if container is not None else None) or "",
        ))

    def _session_site(self, text: XmlText, start: int, end: int, element: XmlElement) -> SourceSite:
        span = self.src.span(text.point(start), text.point(end))
        site = SourceSite(
            id=source_id(self.src.path, span), kind=SourceKind.MERGE_FIELD, path=self.src.path, span=span,
            text=shorten(text.text[start:end], 200), context=element.path(), owner=self._owner(element),
        )
        self.sources.append(site)
        return site

    def _merge_text(self, element: XmlElement) -> None:
        text = element.text()
        if text is None:
            return
        parent = element.parent.name if element.parent is not None else self.root_name
        sink = URL_SINKS.get((element.name, parent)) or URL_SINKS.get((element.name, self.root_name))
        if sink == "weblink" and _link_type(element) == "javascript":
            self._javascript_link(text, element)
            return
        if "{!" not in text.text:
            return
        merges = find_merge_fields(text.text, self.notes, self.src.path)
        sites = [(m, self._session_site(text, m.start, m.end, element)) for m in merges if m.is_session]
        if not sites or sink is None:
            return
        ids = tuple(sorted(s.id for _, s in sites))
        url, in_query = text.text.strip(), True
        if sink == "home-page-component":
            url, in_query = _markup_url_with_session(text.text, [m for m, _ in sites])
        self._use(sink, url, ids, element, in_query=in_query)

    def _formula(self, element: XmlElement) -> None:
        """Formulas read `GETSESSIONID()` / `$Api.Session_ID` without braces."""
        text = element.text()
        if text is None:
            return
        refs, _ = parse_expression(text.text)
        if not refs:
            return
        sites = [(ref, self._session_site(text, ref.start, ref.end, element)) for ref in refs]
        update = element.parent
        if update is not None and update.name == "formulas" and self.root_name == "Flow":
            self._flow_value(update, tuple(s.id for _, s in sites))
        if update is not None and self._is_field_update(update):
            # a field update's formula is computed and saved into the record's field
            field = update.child_text("field") or "a field"
            self._use(WORKFLOW_FIELD_UPDATE, f"{self._owner(element)} into {self._workflow_object()}.{field}",
                      tuple(sorted(s.id for _, s in sites)), element, in_query=False)
        for function, arg_start, arg_end in _url_arguments(text.text):
            inside = [s.id for ref, s in sites if arg_start <= ref.start < arg_end]
            if inside:
                url = formula_url_text(text.text[arg_start:arg_end])
                self._use(FORMULA_URL_FUNCTIONS[function], url, tuple(sorted(inside)), element, in_query=True)

    # ------------------------------------------------------------------ flows

    def _flow_value(self, resource: XmlElement, ids: tuple[str, ...]) -> None:
        """A flow resource (formula, text template) whose value holds the session, by its name."""
        name = (resource.child_text("name") or "").strip().lower()
        if name and ids:
            self.flow_values[name] = (*self.flow_values.get(name, ()), *ids)

    def _flow_text_template(self, element: XmlElement) -> None:
        """A flow's text template: its `{!...}` merge fields are filled in where it is used."""
        text = element.text()
        if text is None or "{!" not in text.text or element.parent is None:
            return
        merges = find_merge_fields(text.text, self.notes, self.src.path)
        ids = [self._session_site(text, m.start, m.end, element).id for m in merges if m.is_session]
        ids += [i for m in merges for name in m.identifiers for i in self.flow_values.get(name, ())]
        self._flow_value(element.parent, tuple(ids))

    def _flow_emails(self) -> None:
        """A flow's `emailSimple` action whose body or subject holds the session: each recipient's
        mailbox, outside Salesforce, receives it (as `Messaging.sendEmail` from Apex would send it)."""
        for action in self.elements[0].children if self.elements else ():
            if action.name != "actionCalls" or (action.child_text("actionType") or "").strip().lower() \
                    not in _FLOW_EMAIL_ACTIONS:
                continue
            inputs = {(p.child_text("name") or "").strip().lower(): p.child("value")
                      for p in action.children if p.name == "inputParameters"}
            to = inputs.get("emailaddresses")
            listed = to.child_text("stringValue") if to is not None else None
            named = to.child_text("elementReference") if to is not None else None
            recipients = listed or (f"the addresses in {named}" if named else "its recipients")
            for name in sorted(_FLOW_EMAIL_INPUTS & inputs.keys()):
                value = inputs[name]
                ids = self._flow_value_sources(value) if value is not None else ()
                if value is not None and ids:
                    label = action.child_text("name") or "an e-mail action"
                    self._use(FLOW_EMAIL, f"{label} to {recipients}", tuple(sorted(set(ids))), value, in_query=False)

    def _flow_screens(self) -> None:
        """A flow screen's display text (`<fields><fieldText>`): rich text the screen renders, its
        merge fields filled in. Each session in it is a source (shown on the screen); a link, image
        or frame whose URL holds one (`{!$Api.Session_ID}`, or a formula or text template holding
        it) is opened or loaded by the browser, the session in its URL, as a page's would be."""
        for element in self.screen_texts:
            text = element.text()
            if text is None or "{!" not in text.text:
                continue
            merges = find_merge_fields(text.text, self.notes, self.src.path)
            own = {m.start: self._session_site(text, m.start, m.end, element).id for m in merges if m.is_session}
            for url in _MARKUP_URL_ATTRIBUTE.finditer(text.text):
                inside = [m for m in merges if url.start(3) <= m.start < url.end(3)]
                ids = {own[m.start] for m in inside if m.start in own}
                ids.update(i for m in inside for name in m.identifiers for i in self.flow_values.get(name, ()))
                if ids:
                    sink = f"{FLOW_SCREEN} {url.group(1).lower()}.{url.group(2).lower()}"
                    self._use(sink, url.group(3), tuple(sorted(ids)), element, in_query=True)

    def _background_actions(self) -> tuple[tuple[str, str], ...]:
        """The Apex actions of a flow no user starts: a platform-event-triggered flow runs as the
        Automated Process user, a schedule-triggered one in the background (as the Default Workflow
        User, or the Automated Process user): the invocable method runs with no session, as a
        platform-event trigger's Apex does."""
        root = self.elements[0] if self.elements else None
        start = root.child("start") if root is not None else None
        if root is None or start is None:
            return ()
        trigger = (start.child_text("triggerType") or "").strip()
        if trigger not in ("PlatformEvent", "Scheduled"):
            return ()
        if trigger == "PlatformEvent":
            event = (start.child_text("object") or "").strip()
            how = f"platform-event-triggered flow {self.full_name}" + (f" on {event}" if event else "")
        else:
            how = f"schedule-triggered flow {self.full_name}"
        classes = {(action.child_text("actionName") or "").strip().lower() for action in root.children
                   if action.name == "actionCalls"
                   and (action.child_text("actionType") or "").strip().lower() == "apex"}
        return tuple((cls, how) for cls in sorted(classes) if cls)

    def _flow_value_sources(self, value: XmlElement) -> tuple[str, ...]:
        """The sessions an action's input value holds: a resource it names (`elementReference`),
        or the merge fields of its text (`Sid: {!SessionFormula}`, `{!$Api.Session_ID}`)."""
        ref = value.child_text("elementReference")
        if ref:
            return self.flow_values.get(ref.strip().lower(), ())
        literal = value.child("stringValue")
        text = literal.text() if literal is not None else None
        if literal is None or text is None or "{!" not in text.text:
            return ()
        merges = find_merge_fields(text.text, self.notes, self.src.path)
        ids = [self._session_site(text, m.start, m.end, literal).id for m in merges if m.is_session]
        return (*ids, *(i for m in merges for name in m.identifiers for i in self.flow_values.get(name, ())))

    def _is_field_update(self, element: XmlElement) -> bool:
        """A workflow field update: `<fieldUpdates>` of a Workflow, or the root of a decomposed one."""
        if element.parent is None:
            return element.name == DECOMPOSED_FIELD_UPDATE
        return element.name == "fieldUpdates" and self.root_name == "Workflow"

    def _workflow_object(self) -> str:
        """The object a workflow belongs to: the file's name (`workflows/Case.workflow-meta.xml`),
        or, decomposed, the folder above the component's type folder
        (`workflows/Case/workflowFieldUpdates/Stamp.workflowFieldUpdate-meta.xml`)."""
        if self.root_name == "Workflow":
            return self.full_name
        parts = self.src.path.replace("\\", "/").split("/")
        return parts[-3] if len(parts) >= 3 else self.full_name

    def _javascript_link(self, text: XmlText, element: XmlElement) -> None:
        """A JavaScript button/link: its code, with merge fields filled in, runs in the browser.

        Its sources are the session merge fields and the AJAX Toolkit's session
        (`sforce.connection.sessionId`, `__sfdcSessionId`) read in the code.
        """
        code = text.text
        if "{!" not in code and not any(n in code for n in _JS_SESSION_NAMES):
            return
        merges = find_merge_fields(code, self.notes, self.src.path) if "{!" in code else []
        sessions = {m.start: self._session_site(text, m.start, m.end, element).id for m in merges if m.is_session}
        data = code.encode("utf-8", "surrogatepass")
        fields = []
        for merge in merges:
            start = len(code[:merge.start].encode("utf-8", "surrogatepass"))
            end = start + len(code[merge.start:merge.end].encode("utf-8", "surrogatepass"))
            fields.append(ScriptMergeField(start, end, code[merge.start:merge.end], sessions.get(merge.start)))
        masked = bytearray(data)
        for f in fields:
            masked[f.start:f.end] = _mask_link_merge_field(f.text, data[f.start:f.end])
        unit = ScriptUnit(raw=data, base_point=(0, 0), merge_fields=tuple(fields),
                          point_at=lambda b: text.point(len(data[:b].decode("utf-8", "ignore"))))
        tree = parse_script(bytes(masked))
        self.sources += find_js_sources(self.src, unit, tree, self._owner(element), "javascript link")
        if sessions or unit.js_sources:
            self.scripts.append((unit, tree))

    def _use(self, sink: str, url: str, ids: tuple[str, ...], element: XmlElement, *, in_query: bool) -> None:
        span = self._span(element)
        self.uses.append(UrlUse(
            sink=sink, url=url, sources=ids, path=self.src.path, span=span,
            text=node_text(self.src.buffer, element.node), in_query=in_query,
        ))


def _mask_link_merge_field(text: str, raw: bytes) -> bytes:
    """What the JavaScript parser sees in place of a merge field (same length, newlines kept).

    Most merge fields render a value: an identifier stands in for it. `{!REQUIRESCRIPT(...)}`
    renders a whole statement that loads a script, often on the line of the code it precedes,
    so it becomes an empty statement instead.
    """
    if _REQUIRESCRIPT.match(text) and raw:
        return bytes(b if b == 0x0A else 0x20 for b in raw[:-1]) + b";"
    return bytes(b if b == 0x0A else 0x5F for b in raw)


def _link_type(element: XmlElement) -> str:
    parent = element.parent
    return ((parent.child_text("linkType") if parent is not None else None) or "").lower()


def _markup_url_with_session(body: str, merges: list[MergeField]) -> tuple[str, bool]:
    """The URL attribute of a home page component's HTML that carries the session, if any."""
    starts = [m.start for m in merges]
    for m in _MARKUP_URL.finditer(body):
        if any(m.start(2) <= s < m.end(2) for s in starts):
            return m.group(2), True
    return "", False


def _url_arguments(formula: str) -> list[tuple[str, int, int]]:
    """(function, start, end) of the first argument of each HYPERLINK(...) / IMAGE(...)."""
    found: list[tuple[str, int, int]] = []
    for m in _FUNCTION_CALL.finditer(formula):
        start = m.end()
        end = _argument_end(formula, start)
        found.append((m.group(1).lower(), start, end))
    return found


def formula_url_text(argument: str) -> str:
    """The URL a formula argument builds, as a URL text the endpoint analysis can read.

    `"https://x.example.com/?id=" & Id & "&sid=" & GETSESSIONID()` becomes
    `https://x.example.com/?id={!Id}&sid={!GETSESSIONID()}`: literals as they are, every other
    term as the merge field it is, so that the host (or an org URL global such as
    `$Api.Partner_Server_URL_590` in front) is seen where the browser will see it.
    """
    out: list[str] = []
    for term, is_literal in _concatenated_terms(argument):
        if is_literal or (term.startswith("{!") and term.endswith("}")):
            out.append(term)
        else:
            out.append("{!" + " ".join(term.split()) + "}")
    return "".join(out)


def _concatenated_terms(expression: str) -> list[tuple[str, bool]]:
    """Top-level operands of `&` / `+` concatenation: (string content, True) or (term, False)."""
    terms: list[tuple[str, bool]] = []
    depth, quote, start = 0, "", 0
    literal: list[str] | None = None
    i = 0
    while i < len(expression):
        ch = expression[i]
        if quote:
            if ch == "\\" and i + 1 < len(expression):
                if literal is not None:
                    literal.append(expression[i + 1])
                i += 1
            elif ch == quote:
                quote = ""
            elif literal is not None:
                literal.append(ch)
        elif ch in "'\"":
            quote = ch
            if depth == 0 and not expression[start:i].strip():
                literal = []
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in "&+" and depth == 0:
            terms.append(_term(expression[start:i], literal))
            start, literal = i + 1, None
        i += 1
    terms.append(_term(expression[start:], literal))
    return [t for t in terms if t[0] or t[1]]


def _term(raw: str, literal: list[str] | None) -> tuple[str, bool]:
    stripped = raw.strip()
    if literal is not None and len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\"":
        return "".join(literal), True
    return stripped, False


def _argument_end(text: str, pos: int) -> int:
    """End of a formula argument: the first top-level `,` or `)`, strings skipped."""
    depth = 0
    quote = ""
    i = pos
    limit = min(len(text), pos + _MAX_ARGUMENT)
    while i < limit:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch in ",)":
            if depth == 0:
                return i
            if ch == ")":
                depth -= 1
        i += 1
    return limit


# Metadata whose endpoint `_endpoint` reads (for `callout:` resolution and allow-lists): a file
# of these kinds is always lowered, whatever it mentions.
ENDPOINT_TYPES = frozenset({"NamedCredential", "ExternalCredential", "RemoteSiteSetting", "CspTrustedSite",
                            "ConnectedApp"})  # a connected app's canvas URL: where `<apex:canvasApp>` posts


def _endpoint(root: XmlElement) -> str | None:
    """The URL a credential or allow-list entry points at."""
    kind = root.name
    if kind not in ENDPOINT_TYPES:
        return None
    if kind == "NamedCredential":
        direct = root.child_text("endpoint")
        return direct or _parameter_url(root, "namedCredentialParameters")
    if kind == "ExternalCredential":
        return _parameter_url(root, "externalCredentialParameters")
    if kind == "RemoteSiteSetting":
        return root.child_text("url")
    if kind == "CspTrustedSite":
        return root.child_text("endpointUrl")
    if kind == "ConnectedApp":
        canvas = root.child("canvasConfig")
        return canvas.child_text("canvasUrl") if canvas is not None else None
    return None


def _parameter_url(root: XmlElement, container: str) -> str | None:
    for child in root.children:
        if child.name != container:
            continue
        if (child.child_text("parameterType") or "").lower() in _ENDPOINT_PARAMETER_TYPES:
            return child.child_text("parameterValue")
    return None
