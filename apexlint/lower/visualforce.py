"""Visualforce pages, components and email templates: merge-field sources, scripts, URLs.

Visualforce evaluates `{!…}` server-side anywhere in the file: attributes, text, `<script>`
bodies (even JavaScript comments there), and HTML comments, which stay in the page's output.
So every `{!$Api.Session_ID}` / `{!GETSESSIONID()}` is a source and makes the page "emit" a
session, wherever it sits; only its context differs. Merge fields are found in the text
(`read.merge_fields`), then masked (same length, so positions hold) before the HTML grammar
reads the markup: `{!IF(a > b, "<b>", "")}` must not look like a tag to it.

Scripts (`<script>` bodies and `on*` event attributes) are parsed as JavaScript and analysed
together, sharing one scope, by `js_flow`. Markup sinks are attributes that make the browser
request a URL (`<a href>`, `<iframe src>`, `<apex:outputLink value>`, `<form action>`...),
`<apex:param>` inside links, form fields inside an HTML `<form>`, and meta refresh.
Displaying a session (`<apex:outputText value="{!$Api.Session_ID}"/>`) is not a sink.

A file whose merge fields are never evaluated (HTML inside a static resource) is lowered with
kind STATIC_RESOURCE or JAVASCRIPT: scripts and markup sinks only, no merge-field sources.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from tree_sitter import Node, Tree

from apexlint.ir import (
    NOT_RENDERED,
    FileIR,
    FileKind,
    Notification,
    PageIR,
    SessionGlobal,
    SessionTest,
    SourceKind,
    SourceSite,
    Span,
    Suppression,
    UnfollowedCall,
    UrlUse,
    apex_name,
    client_value,
)
from apexlint.lower.javascript import find_js_sources, parse_script, script_flows
from apexlint.lower.js_values import CREDENTIAL_NAME, ScriptMergeField, ScriptUnit
from apexlint.lower.markup_comments import js_suppressions, markup_suppressions, one_unclosed
from apexlint.lower.text_scan import (
    component_name,
    in_ranges,
    parse_notifications,
    shorten,
    source_id,
    token_literal_sources,
)
from apexlint.lower.vf_markup import ANCESTOR_TAGS, INTERESTING_TAGS, URL_TAGS, MarkupSinks, Tag, read_tag, tag_name
from apexlint.patterns import lazy
from apexlint.read.merge_fields import MergeField, TextPositions, find_merge_fields
from apexlint.read.parsers import parse
from apexlint.read.source import SourceText
from apexlint.records import frozen

RENDERED_KINDS = frozenset({FileKind.VISUALFORCE_PAGE, FileKind.VISUALFORCE_COMPONENT, FileKind.EMAIL_TEMPLATE})
PAGE_KINDS = frozenset({FileKind.VISUALFORCE_PAGE, FileKind.VISUALFORCE_COMPONENT})
_ROOT_TAGS = ("apex:page", "apex:component")
_ELEMENT_TYPES = frozenset({"element", "script_element", "style_element"})
_TAG_TYPES = frozenset({"start_tag", "self_closing_tag"})
_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                       "application/ecmascript", "application/x-javascript"})
# Plain HTML tags that hold a value for the page's scripts, and the attribute holding it.
_HOLDING_TAGS = {"input": "value", "meta": "content"}
_JS_NEEDLE = b"essionId"  # in both `sforce.connection.sessionId` and `__sfdcSessionId`
_DESCEND = frozenset({"document", "element", "ERROR", "fragment"})
# Attributes of Visualforce tags whose value the page's HTML carries as it is: the text of
# `<apex:outputText>`, a link's address and its parameters, a hidden field, an image or frame
# address. A plain HTML tag's attributes are all printed (but its `on*` handlers: scripts).
_PRINTING_ATTRIBUTES = {
    "apex:outputtext": ("value",), "apex:outputlink": ("value",), "apex:param": ("value",),
    "apex:inputhidden": ("value",), "apex:image": ("url", "value"), "apex:iframe": ("src",),
}


@frozen
class _Field:
    """A merge field with its byte range in the parse buffer and, if a session, its source."""

    merge: MergeField
    start: int
    end: int
    source: SourceSite | None
    alias: bool = False  # `{!sid}` of `<apex:variable var="sid" value="{!$Api.Session_ID}"/>`: that source


def lower_visualforce(src: SourceText, kind: FileKind) -> FileIR:
    """Lower a page, component or email template (or static HTML, see module doc)."""
    return _PageLowering(src, kind).lower()


class _PageLowering:
    def __init__(self, src: SourceText, kind: FileKind) -> None:
        self.src = src
        self.kind = kind
        self.owner = component_name(src.path).lower()
        self.positions = TextPositions(src.parse_text)
        cut_notes: list[Notification] = []
        merges = find_merge_fields(src.parse_text, cut_notes, src.path) if kind in RENDERED_KINDS else []
        bytes_at = self.positions.byte_offsets([x for m in merges for x in (m.start, m.end)])
        self.fields = [self._field(m, bytes_at[2 * i], bytes_at[2 * i + 1]) for i, m in enumerate(merges)]
        if kind in PAGE_KINDS:
            self.fields = _through_variables(src.parse_text, self.fields)
        if kind == FileKind.VISUALFORCE_COMPONENT:
            self.fields = _through_attributes(src.parse_text, self.fields, self.owner, src.path)
        self.field_starts = [f.start for f in self.fields]
        self.session_fields = [f for f in self.fields if f.source is not None]
        self.session_starts = [f.start for f in self.session_fields]
        self.masked = _mask(src.buffer, [(f.start, f.end) for f in self.fields])
        if kind in PAGE_KINDS:
            self.masked = _underscored_tag_names(_self_closed_raw_text(_spaced_self_closing(_xml_markup(
                _unended_script_ends(self.masked)))))
        elif kind == FileKind.EMAIL_TEMPLATE:
            self.masked = _email_markup(self.masked)
        else:
            self.masked = _escapable_raw_text(self.masked)
        self.masked = _one_unended_tag(_one_unclosed_comment(self.masked))
        self.tree = parse("html", self.masked)
        if self.tree.root_node.has_error and (kind in RENDERED_KINDS or kind == FileKind.STATIC_RESOURCE):
            # `<span>></span>` (a "next" arrow) is well-formed XML text the HTML grammar refuses,
            # and valid HTML too (`> 1.0 is zooming in`), as is an `</html>` whose optional start
            # tag the file leaves out
            text_gt = _without_unopened_root_ends(_without_text_gt(self.masked))
            if kind != FileKind.VISUALFORCE_PAGE and kind != FileKind.VISUALFORCE_COMPONENT:
                text_gt = _with_root_ends(text_gt)
            if text_gt != self.masked:
                self.masked = text_gt
                self.tree = parse("html", self.masked)
        # merge fields Visualforce never renders (`rendered="false"`): byte ranges, with the tag that says so
        self.unrendered: list[tuple[int, int, str]] = []
        self.unrendered_sources: list[SourceSite] = []
        if kind in RENDERED_KINDS and self.fields:
            self._drop_unrendered()
        self.notes: list[Notification] = [*parse_notifications(src, self.tree.root_node, self._language()),
                                          *cut_notes]
        self.suppressions: list[Suppression] = markup_suppressions(src, self.tree)
        self.comments: list[tuple[int, int]] = []
        self.units: list[tuple[ScriptUnit, Tree]] = []
        self.unit_ranges: list[tuple[int, int]] = []  # every script body and event attribute
        self.printed: list[tuple[int, int]] = []  # text, and `<apex:outputText value>`: printed as is
        self.script_trees: dict[int, Tree] = {}  # script body start byte -> its JavaScript tree
        self.js_sources: list[SourceSite] = []
        self.sinks = MarkupSinks(src, self._session_ids, self._bindings if kind in PAGE_KINDS else None)
        self.remoted: dict[tuple[str, int], set[str]] = {}  # sessions passed to JavaScript remoting
        self.lightning: dict[tuple[str, str], set[str]] = {}  # given to Lightning Out components
        self.session_tests: list[SessionTest] = []  # sessions its scripts only ask about
        self.unfollowed: list[UnfollowedCall] = []  # sessions its scripts hand to unknown code
        self.root_tag: Tag | None = None
        self.embeds: list[tuple[int, str, str]] = []  # (tag start byte, "component" | "page", name)
        self.open_tags: list[Tag] = []
        # sessions a plain HTML field or meta tag holds for the page's scripts, by `id:x` and `name:x`
        self.held: dict[str, frozenset[str]] = {}

    def _drop_unrendered(self) -> None:
        """A Visualforce component with `rendered="false"` (or `{!false}`) renders nothing, nor do
        the merge fields in it or in its children: such a session field is no use of the session
        (no output, no link, no script), only a source of its own, marked "not rendered". A tag
        inside an HTML comment is comment text, rendered as it is (SPEC), so not one of these."""
        self.unrendered = _unrendered_ranges(self.src.buffer, self.tree)
        if not self.unrendered:
            return
        fields = []
        for f in self.fields:
            hidden = self._hidden(f.start)
            if hidden is None or f.source is None:
                fields.append(f)
                continue
            if not f.alias:
                self.unrendered_sources.append(replace(f.source, context=f"{NOT_RENDERED} ({hidden})"))
            fields.append(_Field(f.merge, f.start, f.end, None))
        self.fields = fields
        self.session_fields = [f for f in self.fields if f.source is not None]
        self.session_starts = [f.start for f in self.session_fields]

    def _hidden(self, offset: int) -> str | None:
        """The tag (as shown) of the component Visualforce does not render that byte `offset` is
        inside, if it is inside one."""
        at = bisect_right(self.unrendered, (offset, _NO_END)) - 1
        if at >= 0 and offset < self.unrendered[at][1]:
            return self.unrendered[at][2]
        return None

    def _language(self) -> str:
        if self.kind == FileKind.EMAIL_TEMPLATE:
            return "Email template markup"
        return "Visualforce markup" if self.kind in RENDERED_KINDS else "HTML"

    def _field(self, merge: MergeField, start: int, end: int) -> _Field:
        pos = self.positions
        if not merge.is_session:
            return _Field(merge, start, end, None)
        span = self.src.span(pos.point(merge.start), pos.point(merge.end))
        site = SourceSite(
            id=source_id(self.src.path, span), kind=SourceKind.MERGE_FIELD, path=self.src.path,
            span=span, text=shorten(self.src.parse_text[merge.start:merge.end], 200), owner=self.owner,
        )
        return _Field(merge, start, end, site)

    def _fields_in(self, start: int, end: int) -> list[_Field]:
        lo = bisect_left(self.field_starts, start)
        hi = bisect_left(self.field_starts, end)
        return self.fields[lo:hi]

    def _session_ids(self, start: int, end: int) -> tuple[str, ...]:
        """Ids of the session merge fields starting in a byte range."""
        lo = bisect_left(self.session_starts, start)
        hi = bisect_left(self.session_starts, end)
        return tuple(f.source.id for f in self.session_fields[lo:hi] if f.source is not None)

    def _bindings(self, start: int, end: int) -> tuple[str, ...]:
        """Stand-ins for the controller properties read by the merge fields in a byte range that
        are not sessions themselves (`{!linkSid}`, `{!URLENCODE(linkSid)}`): a getter returning a
        session puts it where the field is, as `{!$Api.Session_ID}` would. Only for a property
        named like a credential (`CREDENTIAL_NAME`), as in scripts (`_binding`): following every
        `{!recordUrl}` of every link made NPSP's scan eight times slower, for no session."""
        return tuple(client_value("binding", f.merge.identifiers[0]) for f in self._fields_in(start, end)
                     if f.source is None and len(f.merge.identifiers) == 1
                     and CREDENTIAL_NAME.search(f.merge.identifiers[0]))

    # ------------------------------------------------------------------ walk

    def lower(self) -> FileIR:
        self._walk()
        self.unit_ranges.sort()
        uses: list[UrlUse] = list(self.sinks.uses)
        held: list[tuple[str, str]] = []
        returned: list[tuple[str, str]] = []
        stored: set[tuple[str, str, str]] = set()
        models = remote_models(self.src.parse_text) if self.units else {}
        for unit, _ in self.units:
            unit.held = self.held
            unit.remote_models = models
        if self.held or any(u.js_sources or u.hands_over or any(m.source_id for m in u.merge_fields)
                            for u, _ in self.units):
            uses += script_flows(self.src, self.units, self.remoted, tested=self.session_tests,
                                 unfollowed=self.unfollowed, lightning_args=self.lightning, held=held,
                                 returned=returned, stored=stored)
        sources = [self._with_context(f) for f in self.fields if f.source is not None and not f.alias]
        sources += self.unrendered_sources
        sources += self.js_sources
        comment_starts = [a for a, _ in self.comments]
        sources += token_literal_sources(
            self.src, self.positions, self.owner,
            lambda off: in_ranges(comment_starts, self.comments, self.positions.byte_offset(off)),
        )
        return FileIR(
            path=self.src.path, kind=self.kind, line_count=self.src.line_count,
            notifications=tuple(self.notes), suppressions=tuple(sorted(self.suppressions, key=lambda s: s.span)),
            sources=tuple(sources), pages=self._pages(), url_uses=tuple(sorted(uses, key=lambda u: (u.span, u.sink))),
            session_tests=tuple(self.session_tests), unfollowed_calls=tuple(self.unfollowed),
            session_globals=self._session_globals(held, returned), stored_fields=tuple(sorted(stored)),
        )

    def _session_globals(self, held: list[tuple[str, str]],
                         returned: list[tuple[str, str]]) -> tuple[SessionGlobal, ...]:
        """The sessions the page's scripts keep in its globals or return from their named functions,
        with the scripts it loads from other files (`<apex:includeScript value>`, `<script src>`),
        which may read or call them."""
        if not held and not returned:
            return ()
        text = self.src.parse_text
        loads = tuple(dict.fromkeys(url for m in _LOADED_SCRIPT.finditer(text)
                                    if (url := (m.group(1) or m.group(2) or "").strip())))
        return tuple([SessionGlobal(source, self.src.path, name, loads) for source, name in held]
                     + [SessionGlobal(source, self.src.path, name, loads, how="return") for source, name in returned])

    def _walk(self) -> None:
        """One cursor pass over the markup: comments, scripts, tags with their open ancestors."""
        cursor = self.tree.walk()
        depths: list[int] = []  # depth of each open element, parallel to self.open_tags
        types: list[str] = []  # node type at each depth of the cursor's path (Node.parent costs O(depth))
        depth = 0
        while True:
            node = cursor.node
            del types[depth:]
            types.append(node.type if node is not None else "")
            parent_type = types[depth - 1] if depth > 0 else None
            descend = node is not None and self._visit(node, depth, depths, parent_type)
            if descend and cursor.goto_first_child():
                depth += 1
                continue
            while True:
                while depths and depths[-1] >= depth:
                    depths.pop()
                    self.open_tags.pop()
                if depth == 0:
                    self.comments.sort()
                    return
                if cursor.goto_next_sibling():
                    break
                cursor.goto_parent()
                depth -= 1

    def _visit(self, node: Node, depth: int, depths: list[int], parent_type: str | None) -> bool:
        """Handle one node (its parent's type given); whether its children need visiting."""
        t = node.type
        if t == "text":
            self.printed.append((node.start_byte, node.end_byte))
            return False
        if t == "comment":
            self.comments.append((node.start_byte, node.end_byte))
            return False
        if t in _TAG_TYPES:  # a tag outside any element: inside a parse error
            if parent_type is None or parent_type not in _ELEMENT_TYPES:
                tag = self._read_tag(node)
                self._tag(tag)
                if t == "start_tag" and tag.name in ANCESTOR_TAGS:
                    # Never closed (truncated page): it still encloses what follows it.
                    depths.append(depth - 1)
                    self.open_tags.append(tag)
            return False
        if t in _ELEMENT_TYPES:
            first = node.child(0)
            if first is None or first.type not in _TAG_TYPES:
                return True
            tag = self._read_tag(first)
            self._tag(tag)
            if t == "script_element":
                self._script(node, tag)
            elif t == "style_element":
                body = next((c for c in node.children if c.type == "raw_text"), None)
                if body is not None and self._session_ids(body.start_byte, body.end_byte):
                    self.sinks.css_urls(body)
            depths.append(depth)
            self.open_tags.append(tag)
            return t == "element"
        return t in _DESCEND

    def _read_tag(self, node: Node) -> Tag:
        """Attributes are read only where they can matter: most tags need just their name."""
        name = tag_name(node, self.src.buffer)
        start, end = node.start_byte, node.end_byte
        wanted = (
            name.lower() in INTERESTING_TAGS
            or bool(self._session_ids(start, end))
            or (name.lower() in URL_TAGS and bool(self._fields_in(start, end)))
            or self.src.buffer.find(_JS_NEEDLE, start, end) >= 0
        )
        return read_tag(node, self.src.buffer) if wanted else Tag(name.lower(), name, node, ())

    def _tag(self, tag: Tag) -> None:
        if self.root_tag is None and tag.name in _ROOT_TAGS:
            self.root_tag = tag
        printing = _PRINTING_ATTRIBUTES.get(tag.name, ()) if ":" in tag.name else None
        if printing != () and self._fields_in(tag.node.start_byte, tag.node.end_byte):
            read = tag if tag.attributes else read_tag(tag.node, self.src.buffer)
            for attr in read.attributes:
                if attr.value_node is not None and (
                        attr.name in printing if printing is not None else not attr.name.startswith("on")):
                    self.printed.append((attr.value_node.start_byte, attr.value_node.end_byte))
        if ":" in tag.name and self.kind in PAGE_KINDS:
            self._embed(tag)
        elif tag.name in _HOLDING_TAGS and tag.attributes and self.kind in PAGE_KINDS:
            self._holding(tag)
        self.sinks.check(tag, self.open_tags)
        for attr in tag.attributes:
            if attr.name.startswith("on") and attr.value_node is not None:
                self._event_handler(tag, attr.name, attr.value_node)

    def _holding(self, tag: Tag) -> None:
        """A session a page hands its scripts in markup (U-17): `<input type="hidden" id="sid"
        value="{!$Api.Session_ID}"/>`, `<meta name="sid" content="...">`, read back with
        `document.getElementById('sid').value` (`js_calls.element_value`)."""
        attr = tag.attr(_HOLDING_TAGS[tag.name])
        if attr is None or attr.value_node is None:
            return
        sessions = frozenset(self._session_ids(attr.value_node.start_byte, attr.value_node.end_byte))
        if not sessions:
            return
        for key in ("id", "name"):
            named = (tag.attribute(key) or "").strip()
            if named and "{" not in named:
                self.held[f"{key}:{named}"] = self.held.get(f"{key}:{named}", frozenset()) | sessions

    def _embed(self, tag: Tag) -> None:
        """Note markup of another file that Visualforce renders into this one's output: a custom
        component's (`<c:Token/>`, `<acme:Token/>`), a page's (`<apex:include pageName="X"/>`),
        a template's (`<apex:composition template="X">`). Which are the package's is the
        model's to say (it knows the namespace)."""
        if not tag.name.startswith("apex:"):
            self.embeds.append((tag.node.start_byte, "component", tag.name))
            return
        attribute = _EMBEDDING.get(tag.name)
        if attribute is None:
            return
        read = tag if tag.attributes else read_tag(tag.node, self.src.buffer)
        value = (read.attribute(attribute) or "").strip()
        named = _PAGE_MERGE_FIELD.fullmatch(value)
        if named is not None:
            value = named.group(1)
        if value and "{" not in value:
            self.embeds.append((tag.node.start_byte, "page", value.lower()))

    def _script(self, element: Node, tag: Tag) -> None:
        body = next((c for c in element.children if c.type == "raw_text"), None)
        if body is None or (tag.attribute("type") or "").strip().lower() not in _JS_TYPES:
            return
        self._add_unit(body, "script", "JavaScript in <script>", always=True)

    def _event_handler(self, tag: Tag, name: str, value: Node) -> None:
        self._add_unit(value, f"attribute {name} of <{tag.display}>", f"JavaScript in {name}", always=False)

    def _add_unit(self, node: Node, context: str, language: str, *, always: bool) -> None:
        start, end = node.start_byte, node.end_byte
        raw = self.src.buffer[start:end]
        inner = self._fields_in(start, end)
        self.unit_ranges.append((start, end))
        if not always and not any(f.source for f in inner) and _JS_NEEDLE not in raw:
            return
        merges = tuple(
            ScriptMergeField(f.start - start, f.end - start, self.src.parse_text[f.merge.start:f.merge.end],
                             f.source.id if f.source else _binding(f.merge, raw[:f.start - start]))
            for f in inner
        )
        base = (node.start_point[0], node.start_point[1])
        unit = ScriptUnit(raw=raw, base_point=base, merge_fields=merges, remoting=self._remoting())
        script = _without_markup_tags(self.masked[start:end])
        tree = parse_script(script)
        if tree.root_node.has_error and (continued := _continued_fields(script, inner, start)) is not None:
            # a merge field written over several lines inside a string literal (`'<img src="{!URLFOR(
            # $Resource.X,` / `'X/a.png')}"/>'`): Visualforce puts its value on one line, so the
            # script the browser gets is valid; read as written, the string ends at the line break
            retried = parse_script(continued)
            if not retried.root_node.has_error:
                tree = retried
        if always:
            self.notes += parse_notifications(self.src, tree.root_node, language, base, raw)
            self.script_trees[start] = tree
        self.js_sources += find_js_sources(self.src, unit, tree, self.owner, context)
        self.suppressions += js_suppressions(self.src, unit, tree)
        self.units.append((unit, tree))

    def _remoting(self) -> frozenset[str]:
        """The page's controller and extensions (lower case, without a namespace): the names its
        scripts call their `@RemoteAction` methods by."""
        root = self.root_tag
        if root is None or self.kind not in PAGE_KINDS:
            return frozenset()
        names = [root.attribute("controller") or "", *(root.attribute("extensions") or "").split(",")]
        return frozenset(apex_name(n).rpartition(".")[2].lower() for n in names if n.strip())

    # ------------------------------------------------------------------ results

    def _with_context(self, f: _Field) -> SourceSite:
        assert f.source is not None
        return SourceSite(
            id=f.source.id, kind=f.source.kind, path=f.source.path, span=f.source.span,
            text=f.source.text, context=self._context(f), owner=f.source.owner,
        )

    def _context(self, f: _Field) -> str:
        """Where a merge field sits: "attribute href of <a>", "script", "html comment", "text"."""
        path = self._path_to(f.start)
        for i in range(len(path) - 1, -1, -1):
            node, parent = path[i], path[i - 1] if i > 0 else None
            t = node.type
            if t == "comment":
                return "html comment"
            if t == "attribute":
                return self._attribute_context(node)
            if t == "raw_text" and parent is not None and parent.type == "script_element":
                return self._script_context(node.start_byte, f.start)
            if t == "raw_text" and parent is not None and parent.type == "style_element":
                return "style"
            if t in _TAG_TYPES:
                return f"tag <{tag_name(node, self.src.buffer)}>"
        return "text"

    def _path_to(self, offset: int) -> list[Node]:
        """The nodes from the root down to the innermost one holding byte `offset`, found from
        the top with a cursor (climbing with `Node.parent` costs O(depth) per step)."""
        cursor = self.tree.walk()
        path = [cursor.node] if cursor.node is not None else []
        while cursor.goto_first_child_for_byte(offset) is not None:
            node = cursor.node
            if node is None or node.start_byte > offset:
                break
            path.append(node)
        return path

    def _script_context(self, body_start: int, offset: int) -> str:
        """Visualforce fills merge fields in even inside JavaScript comments: still a source."""
        tree = self.script_trees.get(body_start)
        if tree is None:
            return "script"
        leaf = tree.root_node.descendant_for_byte_range(offset - body_start, offset - body_start + 1)
        return "script comment" if leaf is not None and leaf.type == "comment" else "script"

    def _attribute_context(self, attr: Node) -> str:
        name_node = attr.named_children[0] if attr.named_children else None
        name = self.src.buffer[name_node.start_byte:name_node.end_byte].decode("utf-8", "replace") if name_node else ""
        tag = tag_name(attr.parent, self.src.buffer) if attr.parent is not None else "?"
        return f"attribute {name} of <{tag}>"

    def _pages(self) -> tuple[PageIR, ...]:
        if self.kind not in PAGE_KINDS:
            return ()
        merge_refs: dict[str, None] = {}
        script_refs: dict[str, None] = {}
        body_refs: dict[str, None] = {}
        starts = [a for a, _ in self.unit_ranges]
        self.printed.sort()
        printed_starts = [a for a, _ in self.printed]
        for f in self.fields:
            for ident in f.merge.identifiers:
                merge_refs.setdefault(ident, None)
            if self.unrendered and self._hidden(f.start) is not None:
                continue  # not printed, nor bound into a script: a getter behind it hands out nothing
            if in_ranges(starts, self.unit_ranges, f.start):
                for ident in f.merge.identifiers:
                    script_refs.setdefault(ident, None)
            elif f.merge.identifiers and in_ranges(printed_starts, self.printed, f.start):
                for ident in f.merge.identifiers:
                    body_refs.setdefault(_as_written(ident, f.merge.expression), None)
        root = self.root_tag
        controller = root.attribute("controller") if root else None
        extensions = root.attribute("extensions") if root else None
        postbacks = _postback_params(self.src.parse_text, _session_starts(self.fields))  # read once, for both
        return (PageIR(
            name=self.owner, display=component_name(self.src.path), path=self.src.path,
            controller=apex_name(controller) if controller and controller.strip() else None,
            extensions=tuple(apex_name(e) for e in (extensions or "").split(",") if e.strip()),
            merge_refs=tuple(merge_refs), script_refs=tuple(script_refs), body_refs=tuple(body_refs),
            emits_session=any(f.source is not None and not f.alias for f in self.fields),
            embeds=tuple(dict.fromkeys((kind, name) for at, kind, name in self.embeds
                                       if not (self.unrendered and self._hidden(at) is not None))),
            component_args=_component_args(self.src.parse_text, self.fields),
            posted_args=_posted_args(self.src.parse_text, self.fields, postbacks),
            posted_params=_posted_params(postbacks),
            remoted_args=tuple(sorted((action.lower(), i, sid) for (action, i), sids in self.remoted.items()
                                      for sid in sids)),
            lightning_args=tuple(sorted((component, attribute, sid)
                                        for (component, attribute), sids in self.lightning.items() for sid in sids)),
        ),)


# Visualforce tags that render another page into this one, and the attribute naming it.
_EMBEDDING = {"apex:include": "pagename", "apex:composition": "template"}
# `{!$Page.Header}`: a page named by the `$Page` global, as `pageName` and `template` may be.
_PAGE_MERGE_FIELD = lazy(r"\{!\s*\$Page\.([A-Za-z_]\w*)\s*\}", re.IGNORECASE)


_NO_END = 1 << 62  # past any byte: `(offset, _NO_END)` sorts after every range starting at `offset`

# `rendered="false"`, `rendered="{!false}"`: a literal false, nothing else. Searched for in the
# lower-cased text (any case, then), where the literal start lets `re` skip ahead: an IGNORECASE
# pattern read every byte, 2.5% of the time NPSP's pages take to lower. Whether it starts an
# attribute's name is the tree's to say.
_NOT_RENDERED = re.compile(rb"""rendered\s*=\s*(["'])\s*(?:false|\{!\s*false\s*\})\s*\1""")


def _unrendered_ranges(buffer: bytes, tree: Tree) -> list[tuple[int, int, str]]:
    """(start, end, tag as shown) of each Visualforce component (a tag with a namespace:
    `<apex:outputText>`, `<c:Widget>`) whose `rendered` is a literal false: the whole element
    when its end tag is there, its tag alone otherwise. The outermost of nested ones only, in
    start order: ranges that do not overlap. The tree is walked down only where such an attribute
    is written, each node once (deeply nested panels stay linear)."""
    found = {m.start(): buffer[m.start():m.end()].decode("utf-8", "replace")
             for m in _NOT_RENDERED.finditer(buffer.lower())}
    if not found:
        return []
    starts = sorted(found)

    def holds_one(node: Node) -> bool:
        i = bisect_left(starts, node.start_byte)
        return i < len(starts) and starts[i] < node.end_byte

    out: list[tuple[int, int, str]] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        for child in node.children:
            if not holds_one(child):
                continue
            if child.type in _TAG_TYPES:
                shown = next((found[c.start_byte] for c in child.children
                              if c.type == "attribute" and c.start_byte in found), None)
                name = tag_name(child, buffer) if shown is not None else ""
                if ":" in name:
                    out.append((child.start_byte, _element_end(child, node), f"<{name} {shown}>"))
            elif child.type in _DESCEND:
                stack.append(child)
    outermost: list[tuple[int, int, str]] = []
    for hidden in sorted(out, key=lambda r: (r[0], -r[1])):
        if not outermost or hidden[0] >= outermost[-1][1]:
            outermost.append(hidden)
    return outermost


def _element_end(tag: Node, element: Node) -> int:
    """Where `element`, which a start tag opens, ends when its end tag is written; else where the
    tag ends (a self-closing tag, or one the parser closed for it). The parent is passed in:
    `Node.parent` costs O(depth)."""
    if tag.type == "start_tag" and element.type == "element" and element.child_count > 1:
        last = element.child(element.child_count - 1)
        if last is not None and last.type == "end_tag" and not last.is_missing:
            return element.end_byte
    return tag.end_byte


def _as_written(ident: str, expression: str) -> str:
    """`ident` (lower case) spelt as the merge field writes it, for messages (`{!jsonData}`)."""
    at = expression.lower().find(ident)
    return expression[at:at + len(ident)] if at >= 0 else ident


def _binding(merge: MergeField, before: bytes = b"") -> str | None:
    """What a merge field that reads one controller property stands for in a script's flow
    (`'{!apiSid}'`, `'{!JSENCODE(apiSid)}'`): whatever session the property returns.

    Only for a property named like a credential (`CREDENTIAL_NAME`), or one the script opens or
    navigates to as the whole URL (`window.open("{!mdUrl}")`, `before`: the script up to the
    field): following every binding of every page script tripled the lowering time of the pages
    of a large package (a page's walk costs many times its parse). A session bound under another
    name keeps its SID008 at the getter; where the page sends it is not followed."""
    if len(merge.identifiers) != 1:
        return None
    if not CREDENTIAL_NAME.search(merge.identifiers[0]) and not _WHOLE_URL_BEFORE.search(before[-80:]):
        return None
    return client_value("binding", merge.identifiers[0])


# A string that is the whole URL a script opens or navigates to, up to where it starts.
_WHOLE_URL_BEFORE = lazy(
    rb"(?:\bwindow\.open|\blocation\.(?:assign|replace)|\bnavigateToURL)\s*\(\s*[\"']$"
    rb"|\blocation(?:\.href)?\s*=\s*[\"']$")



# A Visualforce (or custom component) tag inside a script: `<apex:repeat value="{!rows}" var="r">`,
# `</apex:repeat>`, `<c:widget/>`. Visualforce renders the script text between them, repeated.
_MARKUP_TAG_IN_SCRIPT = re.compile(
    rb"</?[A-Za-z][A-Za-z0-9_]*:[A-Za-z][A-Za-z0-9_]*(?:\s(?:[^<>\"']|\"[^\"]*\"|'[^']*')*)?/?>")


def _continued_fields(script: bytes, fields: list[_Field], offset: int) -> bytes | None:
    """The masked script with each line break inside a merge field written in a string literal
    continued (a backslash before it, as a string may continue a line), same length; None when no
    such merge field spans lines. In a string: after an odd number of quotes on its line."""
    out: bytearray | None = None
    for f in fields:
        start, end = f.start - offset, f.end - offset
        before = script[script.rfind(b"\n", 0, start) + 1:start].replace(b"\\\\", b"")  # escaped backslashes
        if not any((before.count(q) - before.count(b"\\" + q)) % 2 for q in (b"'", b'"')):
            continue
        at = script.find(b"\n", start, end)
        while at > start:
            if out is None:
                out = bytearray(script)
            cut = at - 1 if script[at - 1:at] != b"\r" else at - 2
            if cut >= start:
                out[cut] = 0x5C  # `\`
            at = script.find(b"\n", at + 1, end)
    return bytes(out) if out is not None else None


def _without_markup_tags(script: bytes) -> bytes:
    """The script as the JavaScript parser should read it: Visualforce tags in it blanked (same
    length, line breaks kept), so that `<apex:repeat>` around a few lines does not make the
    parser give up on the rest of the script."""
    if b"<!--" in script or b"-->" in script:
        # a line opening with `<!--` or `-->` is a comment in a classic script (ECMAScript Annex B),
        # whatever the line before left unended; the grammar knows them only between statements
        script = _HTML_LINE_COMMENT.sub(_blank, script)
    if b":" not in script or b"<" not in script:
        return script
    return _MARKUP_TAG_IN_SCRIPT.sub(_blank, script)


def _blank(m: re.Match[bytes]) -> bytes:
    return bytes(b if b == 0x0A else 0x20 for b in m.group(0))


_HTML_LINE_COMMENT = lazy(rb"^[ \t]*(?:<!--|-->)[^\n]*", re.MULTILINE)


# `<apex:variable var="sid" value="{!$Api.Session_ID}"/>`: the name, and where the value starts.
_VARIABLE = re.compile(
    r"""<apex:variable\b(?=[^>]*?\bvar\s*=\s*["']\s*([A-Za-z_][A-Za-z0-9_]*)\s*["'])"""
    r"""[^>]*?\bvalue\s*=\s*["']\s*(?=\{!)""", re.IGNORECASE)


def _through_variables(text: str, fields: list[_Field]) -> list[_Field]:
    """`fields` with each one that names an `<apex:variable>` holding a session (`{!sid}`) made a
    session field of that variable's source: Visualforce renders the value wherever the variable
    is used, so what the use does is what the session does. Uses carry the source's own id, so
    their verdicts cover the variable's session (which renders nothing by itself)."""
    held: dict[str, SourceSite] = {}
    by_start = {f.merge.start: f for f in fields}
    for match in _VARIABLE.finditer(text):
        value = by_start.get(match.end())
        if value is not None and value.source is not None:
            held.setdefault(match.group(1).lower(), value.source)
    return _aliased(fields, held)


def _aliased(fields: list[_Field], held: dict[str, SourceSite]) -> list[_Field]:
    """`fields` with each one that holds no session but names one of `held` (lower case) made an
    alias field of that name's site."""
    if not held:
        return fields
    out = []
    for f in fields:
        site = next((held[n] for n in f.merge.identifiers if n in held), None) if f.source is None else None
        out.append(f if site is None else _Field(f.merge, f.start, f.end, site, alias=True))
    return out


# `<apex:attribute name="token" .../>` in a component: the names its merge fields may read.
_ATTRIBUTE = lazy(r"<apex:attribute\b", re.IGNORECASE)
_ATTRIBUTE_NAME = lazy(r"""\bname\s*=\s*["']\s*([A-Za-z_][A-Za-z0-9_]*)\s*["']""", re.IGNORECASE)
# A custom component's tag (`<c:Sender ...>`, `<acme:Sender ...>`), and each attribute's value in it.
_COMPONENT_TAG = re.compile(
    r"""<(?!apex:)[A-Za-z_][\w]*:([A-Za-z_]\w*)\b((?:[^>"']|"[^"]{0,4000}"|'[^']{0,4000}'){0,400})>""")
_TAG_ATTRIBUTE = lazy(r"""([A-Za-z_][\w]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _through_attributes(text: str, fields: list[_Field], owner: str, path: str) -> list[_Field]:
    """A component's merge fields that read one of its attributes (`{!token}`), under a stand-in
    id (`ir.client_value("attribute", "sender:token")`): the analysis puts in its place the
    sessions pages pass to that attribute (`analyses.client`), and drops the uses of it that get
    none. The stand-in is no source of the component's own."""
    names = _attribute_names(text)
    return _aliased(fields, {name: SourceSite(
        id=client_value("attribute", f"{owner}:{name}"), kind=SourceKind.MERGE_FIELD, path=path,
        span=Span(1, 1, 1, 1), text=f"{{!{name}}}", owner=owner) for name in sorted(names)})


def _attribute_names(text: str) -> set[str]:
    """The names `<apex:attribute name="token" .../>` tags declare, each looked for before its
    tag's `>`. Once a tag has none there, neither has any other tag that ends at the same `>`:
    searched again from each, as one regular expression over the page did (a lazy `[^>]*?` before
    `name`), 40,000 tags with no `>` took 38 s (AE-13)."""
    names: set[str] = set()
    tag = _ATTRIBUTE.search(text)
    while tag is not None:
        end = text.find(">", tag.end())
        end = len(text) if end < 0 else end
        found = _ATTRIBUTE_NAME.search(text, tag.end(), end)
        if found is not None:
            names.add(found.group(1).lower())
        tag = _ATTRIBUTE.search(text, found.end() if found is not None else end)
    return names


def _component_args(text: str, fields: list[_Field]) -> tuple[tuple[str, str, str], ...]:
    """(component, attribute, source id) for each session in an attribute of a custom
    component's tag (`<c:Sender token="{!$Api.Session_ID}"/>`)."""
    sessions = _session_starts(fields)  # in text order
    if not sessions:
        return ()
    starts = [at for at, _ in sessions]
    out: dict[tuple[str, str, str], None] = {}
    for tag in _COMPONENT_TAG.finditer(text):
        for attr in _TAG_ATTRIBUTE.finditer(text, tag.start(2), tag.end(2)):
            start = attr.start(2) if attr.group(2) is not None else attr.start(3)
            end = attr.end(2) if attr.group(2) is not None else attr.end(3)
            for _, sid in sessions[bisect_left(starts, start):bisect_left(starts, end)]:
                out.setdefault((tag.group(1).lower(), attr.group(1).lower(), sid), None)
    return tuple(out)


def _session_starts(fields: list[_Field]) -> list[tuple[int, str]]:
    """(offset, source id) of each session merge field of the page, in order."""
    return [(f.merge.start, f.source.id) for f in fields if f.source is not None]


_Postback = tuple[str, str, str, list[str], str]  # see `_postback_params`


def _posted_args(text: str, fields: list[_Field], postbacks: list[_Postback]) -> tuple[tuple[str, str, str], ...]:
    """(controller property, source id, tag) for each session a page posts into a property of its
    controller: a script passing it to one of the page's `<apex:actionFunction>`s
    (`sendEmails("{!$Api.Session_ID}")`), which posts its i-th argument into the property its i-th
    `<apex:param assignTo>` names; or a command link's or button's `<apex:param
    value="{!$Api.Session_ID}" assignTo="{!sid}">` (`postbacks`: `_postback_params`). Only
    arguments that are, or hold, a session merge field are followed."""
    sessions = _session_starts(fields)
    if not sessions:
        return ()
    starts = [at for at, _ in sessions]
    out: dict[tuple[str, str, str], None] = {}
    if "actionfunction" in text.lower():
        for function in _ACTION_FUNCTION.finditer(text):
            props = [(m.group(1) or "").lower() for m in _PARAM_ASSIGN.finditer(function.group(2) or "")]
            if not any(props):
                continue
            for call in re.finditer(rf"(?<![\w.$]){re.escape(function.group(1))}\s*\(", text):
                for i, (start, end) in enumerate(_arguments(text, call.end())):
                    if i < len(props) and props[i]:
                        for _, sid in sessions[bisect_left(starts, start):bisect_left(starts, end)]:
                            out.setdefault((props[i], sid, "<apex:actionFunction>"), None)
    for tag, _, prop, sids, _ in postbacks:
        if prop:
            for sid in sids:
                out.setdefault((prop, sid, tag), None)
    return tuple(out)


def _posted_params(postbacks: list[_Postback]) -> tuple[tuple[str, str, str, str], ...]:
    """(request parameter, source id, tag, action method), lower case, for each session a command
    link or button posts back to the page's controller as a named `<apex:param name="sid">`: the
    action (`action="{!refresh}"`: "refresh"; "" when not a plain method) reads it with
    `ApexPages.currentPage().getParameters().get('sid')`. `postbacks`: `_postback_params`."""
    out: dict[tuple[str, str, str, str], None] = {}
    for tag, name, _, sids, action in postbacks:
        if name:
            for sid in sids:
                out.setdefault((name, sid, tag, action), None)
    return tuple(out)


def _postback_params(text: str, sessions: list[tuple[int, str]]) -> list[_Postback]:
    """(tag, parameter name, assignTo property, source ids, action method) of each `<apex:param>`
    of a command link or button whose value holds a session merge field: a field of the form the
    link or button posts back to the page itself (names lower case, "" where not written)."""
    lowered = text.lower()
    if not sessions or ("commandlink" not in lowered and "commandbutton" not in lowered):
        return []
    starts = [at for at, _ in sessions]
    out = []
    # each body ends at its closing tag, or at the next command when it is never closed: the bodies
    # do not overlap, so unclosed markup is read in linear time
    commands = [m for m in _POSTBACK_COMMAND.finditer(text) if not m.group(3)]
    closes = [m.start() for m in _POSTBACK_CLOSE.finditer(text)]
    for i, command in enumerate(commands):
        at = bisect_left(closes, command.end())
        end = min(closes[at] if at < len(closes) else len(text),
                  commands[i + 1].start() if i + 1 < len(commands) else len(text))
        action = _ACTION_METHOD.search(command.group(2))
        for param in _PARAM_TAG.finditer(text, command.end(), end):
            sids = [sid for _, sid in sessions[bisect_left(starts, param.start()):bisect_left(starts, param.end())]]
            if not sids:
                continue
            attrs = param.group(0)
            name = _PARAM_NAME.search(attrs)
            assign = _PARAM_ASSIGN.match(attrs)
            out.append((f"<apex:{command.group(1)}>", (name.group(1) if name else "").lower(),
                        ((assign.group(1) or "") if assign else "").lower(), sids,
                        action.group(1).lower() if action else ""))
    return out


def _arguments(text: str, at: int) -> list[tuple[int, int]]:
    """The (start, end) of each argument of a call whose `(` ends just before `at`: commas at depth
    0, quotes stepped over; what a script writes there, not a parse (at most 2,000 characters)."""
    out, depth, start, quote = [], 0, at, ""
    for i in range(at, min(len(text), at + 2000)):
        c = text[i]
        if quote:
            if c == quote and text[i - 1] != "\\":
                quote = ""
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                out.append((start, i))
                return out
            depth -= 1
        elif c == "," and depth == 0:
            out.append((start, i))
            start = i + 1
    return out


# `<apex:actionFunction name="sendEmails" ...> <apex:param ... assignTo="{!sessionId}"/> ...`
_ACTION_FUNCTION = lazy(
    r"<apex:actionFunction\b[^>]*?\bname\s*=\s*[\"']\s*([A-Za-z_$][\w$]*)\s*[\"'][^>]*?"
    r"(?:/>|>(.*?)</apex:actionFunction\s*>)", re.IGNORECASE | re.DOTALL)
_PARAM_ASSIGN = lazy(
    r"<apex:param\b(?:[^>]*?\bassignTo\s*=\s*[\"']\s*\{!\s*([A-Za-z_][\w.]*?)\s*\}\s*[\"'])?[^>]*>",
    re.IGNORECASE)
# `<apex:commandLink action="{!refresh}">` … `</apex:commandLink>` (group 1 the tag as written, 2 its
# attributes, 3 "/" when it closes itself)
_POSTBACK_COMMAND = lazy(r"<apex:(commandLink|commandButton)\b([^<>]*?)(/?)>", re.IGNORECASE)
_POSTBACK_CLOSE = lazy(r"</apex:(?:commandLink|commandButton)\s*>", re.IGNORECASE)
def remote_models(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The Visualforce Remote Objects a page declares, by the name its scripts make records with:
    `<apex:remoteObjects jsNamespace="M"><apex:remoteObjectModel name="Cfg__c" jsShorthand="Cfg">`
    gives `M.Cfg__c` and `M.Cfg` (the base model is `SObjectModel` when none is named), each with
    its sObject and its fields' short names (`<apex:remoteObjectField name="Sid__c" jsShorthand="sid"/>`).
    Names written with merge fields are not known."""
    models: dict[str, tuple[str, dict[str, str]]] = {}
    base: str | None = None  # the open `<apex:remoteObjects>`'s base model
    model: tuple[str, dict[str, str]] | None = None  # the open `<apex:remoteObjectModel>`
    for m in _REMOTE_OBJECT_TAG.finditer(text):
        closing, tag, attributes = m.group(1), m.group(2).lower(), m.group(3)
        values = {a.group(1).lower(): a.group(2) if a.group(2) is not None else a.group(3) or ""
                  for a in _TAG_ATTRIBUTE.finditer(attributes)}
        values = {k: v.strip() for k, v in values.items() if "{" not in v}
        opened = not closing and not attributes.rstrip().endswith("/")
        if tag == "remoteobjects":
            base = (values.get("jsnamespace") or "SObjectModel") if opened else None
            model = None
        elif tag == "remoteobjectmodel":
            model = None
            name = values.get("name", "")
            if closing or base is None or not name:
                continue
            entry: tuple[str, dict[str, str]] = (name, {})
            for js_name in {name, values.get("jsshorthand") or name}:
                models[f"{base}.{js_name}"] = entry
            model = entry if opened else None
        elif not closing and model is not None and values.get("name") and values.get("jsshorthand"):
            model[1][values["jsshorthand"]] = values["name"]
    return models


# Remote Objects' tags, up to the next `<` or `>` (linear: no tag spans another's start)
_REMOTE_OBJECT_TAG = lazy(r"<\s*(/?)\s*apex:(remoteObjects|remoteObjectModel|remoteObjectField)\b([^<>]*)",
                          re.IGNORECASE)

# a script a page loads from another file: `<apex:includeScript value="{!$Resource.app}"/>`,
# `<script src="/soap/ajax/59.0/connection.js">` (group 1 or 2 the URL as written)
_LOADED_SCRIPT = lazy(r"<(?:apex:includeScript\b[^>]*?\bvalue|script\b[^>]*?\bsrc)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')",
                      re.IGNORECASE)
_ACTION_METHOD = lazy(r"\baction\s*=\s*[\"']\s*\{!\s*([A-Za-z_]\w*)\s*\}\s*[\"']", re.IGNORECASE)
_PARAM_TAG = lazy(r"<apex:param\b[^>]*>", re.IGNORECASE)
_PARAM_NAME = lazy(r"\bname\s*=\s*[\"']\s*([\w.$-]+)\s*[\"']", re.IGNORECASE)


def _email_markup(data: bytes) -> bytes:
    """An e-mail template's HTML as a browser reads it, each byte where it was: the CDATA markers
    letterhead templates wrap their body in made spaces (the body is markup the message renders),
    `</br>` made `<br>`, as HTML parsers take it, and a text template's `<<Field__c>>`
    placeholders made text (they are no markup: the grammar would stop at `<<`)."""
    if b"<<" in data:
        data = _PLACEHOLDER.sub(lambda m: b"  " + m.group(1) + b"  ", data)
    if b"<![CDATA[" not in data and b"</" not in data:
        return data
    return _END_BR.sub(lambda m: b"<br>" + b" " * (len(m.group()) - 4), _without_cdata_markers(data))


_PLACEHOLDER = lazy(rb"<<([A-Za-z][A-Za-z0-9_.]{0,120})>>")


def _xml_markup(data: bytes) -> bytes:
    """A page's XML that the HTML grammar refuses, made spaces for the parser only (each byte
    where it was): an XML declaration or processing instruction (`<?xml version="1.0"?>`, which
    Visualforce accepts before `<apex:page>`), and CDATA markers (their content is text or
    markup the page renders, parsed as such)."""
    if b"<?" not in data and b"<![CDATA[" not in data:
        return data
    return _without_cdata_markers(_PROCESSING.sub(lambda m: re.sub(rb"[^\n]", b" ", m.group()), data))


def _one_unclosed_comment(data: bytes) -> bytes:
    """`data` with every unclosed `<!--` but the first made spaces (`markup_comments.one_unclosed`)."""
    return one_unclosed(data, b"<!--", b"-->")


def _escapable_raw_text(data: bytes) -> bytes:
    """`data` with the `<` and `>` inside each `<textarea>` and `<title>` made spaces, for the
    parser only (positions hold). A browser reads what they hold as text up to their end tag (a
    demo page of an editor library shows its sample code, markup and all, in a `<textarea>`); the
    HTML grammar reads tags there, and reported the sample's `<`s as parse errors of the page.
    Only HTML files: Visualforce is XML, where such text is escaped. The start tag ends at its first
    `>` (one inside a quoted attribute value ends it early: only the parser's view of the rest of
    the tag changes), and each opener's end tag is found by one search from it; one with none runs
    to the end of the file, as a browser reads it. Linear: a pattern that skipped quoted values to
    the tag's end tried every opener to the end of the file (20,000 unclosed `<title ` took 75 s)."""
    lowered = data.lower()
    if b"<textarea" not in lowered and b"<title" not in lowered:
        return data
    out: bytearray | None = None
    at = 0
    while (opened := _ESCAPABLE_RAW_TEXT.search(lowered, at)) is not None:
        start = lowered.find(b">", opened.end())
        if start < 0:
            break  # a start tag never closed: no text follows it
        start += 1
        end = lowered.find(b"</" + opened.group(1), start)
        end = len(data) if end < 0 else end
        if out is None:
            out = bytearray(data)
        out[start:end] = data[start:end].replace(b"<", b" ").replace(b">", b" ")
        at = end + 2
    return data if out is None else bytes(out)


# a `<textarea>` or `<title>` start tag's opening, not `<titles>`
_ESCAPABLE_RAW_TEXT = lazy(rb"<(textarea|title)(?=[\s/>])")


def _one_unended_tag(data: bytes) -> bytes:
    """`data` with the `<` of every tag after the first that another `<` follows before any `>`
    made a space (each byte where it was), for the parser only, where there are many: the HTML
    grammar's cost grows with the square of their number (8,000 `<apex:attribute ` with no `>`:
    1.4 s; 40,000: about 30 s), in C code the file time limit cannot interrupt. No page has a
    thousand: below that, `data` is left as it is (NPSP's and 60 public repositories' pages,
    components and HTML files all are)."""
    if data.count(b"<") - data.count(b">") < _MOST_UNENDED_TAGS:
        return data
    first = _UNENDED_TAG.search(data)
    if first is None:
        return data
    out = bytearray(data)
    for tag in _UNENDED_TAG.finditer(data, first.end()):
        out[tag.start()] = 0x20
    return bytes(out)


_MOST_UNENDED_TAGS = 1_000
_UNENDED_TAG = lazy(rb"<[A-Za-z][^<>]*(?=<)")


def _without_cdata_markers(data: bytes) -> bytes:
    """`<![CDATA[` and `]]>` made spaces: what they wrap is parsed as the markup or text it is.
    Found by search: a regular expression with a lazy `.*?` between the markers ran each of many
    unclosed openers to the end of the file (20,000 of them: 26 s, AE-13)."""
    if b"<![CDATA[" not in data:
        return data
    out = bytearray(data)
    at = data.find(b"<![CDATA[")
    while at >= 0:
        end = data.find(b"]]>", at + 9)
        if end < 0:
            break  # none after this opener, nor after any later one
        out[at:at + 9] = b" " * 9
        out[end:end + 3] = b" " * 3
        at = data.find(b"<![CDATA[", end + 3)
    return bytes(out)


_PROCESSING = lazy(rb"<\?[A-Za-z][^>]*\?>")
_END_BR = lazy(rb"</br\s*>", re.IGNORECASE)


def _with_root_ends(data: bytes) -> bytes:
    """`data` with `</body>` and `</html>` after its end where it opens them and leaves their
    optional end tags out (an HTML e-mail template's `<html><body><p>Hi`): the grammar takes the
    unclosed `<p>` for an error there. Only appended, so every byte before stays where it was."""
    lowered = data.lower()
    ends = b"".join(b"</" + name + b">" for name in (b"body", b"html")
                    if re.search(rb"<" + name + rb"[\s>]", lowered) and b"</" + name not in lowered)
    return data + b"\n" + ends if ends else data


def _without_unopened_root_ends(data: bytes) -> bytes:
    """`data` with each `</html>`, `</head>` or `</body>` whose start tag HTML lets a file leave
    out (and this one does) made spaces, or `data` itself: the grammar takes such an end tag for a
    stray one."""
    lowered = data.lower()
    out = data
    for name in (b"html", b"head", b"body"):
        if b"</" + name in lowered and re.search(rb"<" + name + rb"[\s>/]", lowered) is None:
            out = re.sub(rb"(?i)</" + name + rb"\s*>", lambda m: b" " * len(m.group()), out)
    return out


def _without_text_gt(data: bytes) -> bytes:
    """`data` with each `>` that ends no tag (text, as in `<span>></span>`) and each `&` in text
    that starts no character reference (`Terms & conditions`, valid HTML the grammar refuses)
    made a space, or `data` itself when there is none. Tags, their quoted values, comments, CDATA
    and script and style bodies are stepped over as they are written."""
    out: bytearray | None = None
    lowered = data.lower()
    i, n = 0, len(data)
    while i < n:
        lt = data.find(b"<", i)
        end = n if lt < 0 else lt
        for stray in _STRAY_TEXT.finditer(data, i, end):  # the text up to the next tag
            out = out if out is not None else bytearray(data)
            out[stray.start()] = 0x20
        if lt < 0:
            break
        i = _tag_end(data, lowered, lt)
    return bytes(out) if out is not None else data


# In text: a `>`, or an `&` that is not a character reference (`&amp;`, `&#38;`, `&#x26;`).
_STRAY_TEXT = lazy(rb">|&(?![A-Za-z][A-Za-z0-9]{1,31};|#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};)")


def _tag_end(data: bytes, lowered: bytes, lt: int) -> int:
    """Where the markup starting with `<` at `lt` ends (after a comment, CDATA, a script or
    style body, or a tag with its quoted attribute values)."""
    for opener, closer in ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>")):
        if data.startswith(opener, lt):
            end = data.find(closer, lt + len(opener))
            return len(data) if end < 0 else end + len(closer)
    i, quote = lt + 1, 0
    while i < len(data):
        c = data[i]
        if quote:
            quote = 0 if c == quote else quote
        elif c in (0x22, 0x27):
            quote = c
        elif c == 0x3E:
            break
        i += 1
    name = lowered[lt + 1:lt + 8]
    if (name.startswith(b"script") or name.startswith(b"style")) and data[i - 1:i] != b"/":
        close = lowered.find(b"</" + (b"script" if name.startswith(b"script") else b"style"), i)
        return len(data) if close < 0 else close
    return i + 1


# A self-closing `<script .../>` or `<style .../>` start tag (quoted attribute values may hold `>`).
_SELF_CLOSED_RAW_TEXT = re.compile(
    rb"<(script|style)(?=[\s/])((?:[^\"'>/]|\"[^\"]*\"|'[^']*'|/(?!>))*)/>", re.IGNORECASE)
_RENAMED = {b"script": b"scr-pt", b"style": b"sty-e"}


# A tag whose name has an underscore: the HTML grammar takes one in a start tag, not in an end
# tag. Namespaced (`<c:Contact_new>`, `</Apttus_Base2:Usage>`), or not (`</ORDER_LINK>`, an XML
# page's own element) where no script's `i<max_len` can be meant: a start tag not after a name or a
# bracket.
_UNDERSCORED_TAG = re.compile(
    rb"</?(?=[\w.:-]*_)[A-Za-z][\w.-]*:[\w.:-]*"
    rb"|(?:</|(?<![\w)\]$])<)(?=[\w.-]*_)[A-Za-z][\w.-]*(?=[\s/>])")


def _underscored_tag_names(data: bytes) -> bytes:
    """`data` with the underscores of tag names made dashes, for the parser only (same length:
    positions hold, and names are read from the file as written)."""
    if b"_" not in data:
        return data
    return _UNDERSCORED_TAG.sub(lambda m: m.group(0).replace(b"_", b"-"), data)


def _spaced_self_closing(data: bytes) -> bytes:
    """`<apex:pageMessages / >`: Visualforce's XML reader takes a space between a tag's `/` and
    `>`, the HTML grammar stops there. For the parser only, the `/` moves next to the `>` (the tag's
    name and attributes keep their places)."""
    if b"/ " not in data and b"/\t" not in data:
        return data
    return _SPACED_SELF_CLOSING.sub(lambda m: m.group(1) + m.group(2) + b"/>", data)


_SPACED_SELF_CLOSING = re.compile(rb"(<[A-Za-z][\w:.-]*(?:\s[^<>]*?)?)/([ \t]+)>")


def _self_closed_raw_text(data: bytes) -> bytes:
    """Visualforce is XML: `<script src="..."/>` is a whole element, and the page sends it to the
    browser as `<script src="..."></script>`. The HTML grammar reads it the way a browser reads
    it in an HTML file: a start tag whose raw text runs to the next `</script>`, which swallows the
    markup after it (parse errors, and the `src` never seen). Such a tag gets, for the parser only,
    a name of the same length that HTML does not treat as raw text; positions do not move, and the
    name read from the file is still `script` (or `style`)."""
    if b"/>" not in data:
        return data
    return _SELF_CLOSED_RAW_TEXT.sub(lambda m: b"<" + _RENAMED[m.group(1).lower()] + m.group(2) + b"/>", data)


def _unended_script_ends(data: bytes) -> bytes:
    """`"</script" + ">"` in a script (a loader writing a tag) does not end it: a browser ends raw
    text only at `</script` followed by a space, `/` or `>`. The HTML grammar ends it at any
    `</script`, and the rest of the script and page came out as parse errors, their sessions
    unseen (MapAnything's `EditQuery.page`). Such a `</script`, for the parsers only, reads
    `<\\script`: positions do not move, and inside the script's string it is still text."""
    if b"</" not in data:
        return data
    return _UNENDED_SCRIPT_END.sub(b"<\\\\\\g<1>", data)


_UNENDED_SCRIPT_END = re.compile(rb"</((?i:script|style))(?![\s/>\w:.-])")  # not `</scripts>` either


def _mask(data: bytes, ranges: list[tuple[int, int]]) -> bytes:
    """Merge fields become underscores for the HTML and JavaScript parsers; one written over
    several lines (`{!isAdmin` / `}`) keeps its newlines, its first line's part underscores and
    the rest spaces, so that a script still reads one identifier there."""
    if not ranges:
        return data
    out = bytearray(data)
    for start, end in ranges:
        piece = data[start:end]
        first = piece.find(b"\n")
        out[start:end] = b"_" * len(piece) if first < 0 else b"_" * first + bytes(
            b if b == 0x0A else 0x20 for b in piece[first:]
        )
    return bytes(out)
