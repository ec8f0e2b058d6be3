"""Markup that makes the browser send a URL: the sinks of a Visualforce page outside its scripts.

A session merge field in one of these attributes leaves the page in a request (a link the
user follows, an image or frame the browser loads, a form it submits, a redirect). The same
merge field in an attribute that only displays it (`<apex:outputText value>`) is not a sink.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from tree_sitter import Node

from apexlint.ir import CANVAS_PREFIX, Span, UrlUse
from apexlint.lower.text_scan import node_text
from apexlint.patterns import lazy
from apexlint.read.source import SourceText, byte_point, line_starts
from apexlint.records import frozen

# (tag, attribute) -> sink name. Tags and attributes are compared in lower case (Visualforce
# and HTML both ignore their case).
URL_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("a", "href"): "a.href",
    ("area", "href"): "area.href",
    ("link", "href"): "link.href",
    ("base", "href"): "base.href",
    ("iframe", "src"): "iframe.src",
    ("frame", "src"): "frame.src",
    ("img", "src"): "img.src",
    ("script", "src"): "script.src",
    ("embed", "src"): "embed.src",
    ("source", "src"): "source.src",
    ("video", "src"): "video.src",
    ("audio", "src"): "audio.src",
    ("object", "data"): "object.data",
    ("form", "action"): "form.action",
    ("button", "formaction"): "button.formaction",
    ("input", "formaction"): "input.formaction",
    ("apex:outputlink", "value"): "apex:outputLink",
    ("apex:iframe", "src"): "apex:iframe",
    ("apex:image", "url"): "apex:image",
    ("apex:image", "value"): "apex:image",
    ("apex:includescript", "value"): "apex:includeScript",
    ("apex:stylesheet", "value"): "apex:stylesheet",
    ("apex:commandbutton", "image"): "apex:commandButton",
}
# Links whose `<apex:param>` children become query parameters of the request they send.
LINK_TAGS: dict[str, tuple[str, str]] = {
    "apex:outputlink": ("apex:outputLink", "value"),
}
# Command components post their form back to the page itself; their `action` names a controller
# method, not a URL, and their `<apex:param>` children are fields of that postback.
POSTBACK_TAGS: dict[str, str] = {
    "apex:commandlink": "apex:commandLink",
    "apex:commandbutton": "apex:commandButton",
}
_PARAM_PARENTS = frozenset({*LINK_TAGS, *POSTBACK_TAGS})
FORM_FIELD_TAGS = frozenset({"input", "button", "select", "option"})
# Tags whose descendants' sinks depend on them.
ANCESTOR_TAGS = frozenset({"form", *LINK_TAGS, *POSTBACK_TAGS})
# Tags whose attributes matter even without a session in them (page roots, link and form
# ancestors, scripts); other tags are only read closely when a session merge field is inside.
INTERESTING_TAGS = frozenset({"apex:page", "apex:component", "form", "script", "meta", "apex:param", *LINK_TAGS,
                              *POSTBACK_TAGS, "apex:canvasapp"})
# Tags one of whose attributes is a URL the browser requests, or a form field's value: a merge
# field in one may read a controller property that returns a session.
URL_TAGS = frozenset({*(tag for tag, _ in URL_ATTRIBUTES), *FORM_FIELD_TAGS, "meta", "apex:param"})
_MAX_TEXT = 120
# `url(…)` in CSS, its argument quoted or not (group 2)
_CSS_URL = re.compile(rb"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)


@frozen
class Attr:
    name: str  # lower case
    value: str | None  # as written (merge fields intact), None for a bare attribute
    value_node: Node | None
    node: Node


@frozen
class Tag:
    name: str  # lower case, e.g. "apex:outputlink"
    display: str  # as written
    node: Node  # the start or self-closing tag
    attributes: tuple[Attr, ...]

    def attr(self, name: str) -> Attr | None:
        return next((a for a in self.attributes if a.name == name), None)

    def attribute(self, name: str) -> str | None:
        found = self.attr(name)
        return found.value if found is not None else None


def read_tag(node: Node, buffer: bytes) -> Tag:
    """Name and attributes of a start or self-closing tag, values read from `buffer`."""
    display = ""
    attrs: list[Attr] = []
    for child in node.named_children:
        if child.type == "tag_name":
            display = _text(buffer, child)
        elif child.type == "attribute":
            attrs.append(_read_attribute(child, buffer))
    return Tag(display.lower(), display, node, tuple(attrs))


def tag_name(node: Node, buffer: bytes) -> str:
    """The name of a start or self-closing tag, as written."""
    for child in node.children:
        if child.type == "tag_name":
            return _text(buffer, child)
    return ""


def _read_attribute(node: Node, buffer: bytes) -> Attr:
    name = ""
    value_node: Node | None = None
    for child in node.named_children:
        if child.type == "attribute_name":
            name = _text(buffer, child)
        elif child.type == "attribute_value":
            value_node = child
        elif child.type == "quoted_attribute_value":
            value_node = next((c for c in child.named_children if c.type == "attribute_value"), child)
    value = None if value_node is None else _text(buffer, value_node)
    if value_node is not None and value_node.type == "quoted_attribute_value":
        value = value[1:-1] if value else ""
    return Attr(name.lower(), value, value_node, node)


def _text(buffer: bytes, node: Node) -> str:
    return buffer[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _nearest(ancestors: Sequence[Tag], names: frozenset[str] | dict[str, tuple[str, str]]) -> Tag | None:
    return next((t for t in reversed(ancestors) if t.name in names), None)


class MarkupSinks:
    """Collects UrlUses for tags; `session_ids(start, end)` names the sources in a byte range,
    and `bindings(start, end)` the controller properties read there, as stand-ins for whatever
    session they return (`ir.CLIENT_VALUE`; apexlint.analyses.client resolves them)."""

    def __init__(self, src: SourceText, session_ids: Callable[[int, int], tuple[str, ...]],
                 bindings: Callable[[int, int], tuple[str, ...]] | None = None) -> None:
        self.src = src
        self.session_ids = session_ids
        self.bindings = bindings
        self.uses: list[UrlUse] = []

    def check(self, tag: Tag, ancestors: Sequence[Tag]) -> None:
        for attr in tag.attributes:
            sink = URL_ATTRIBUTES.get((tag.name, attr.name))
            ids = self._ids(attr)
            if sink and ids:
                self._use(sink, attr.value or "", ids, attr.node, in_query=True)
            elif attr.name == "style" and ids and attr.value_node is not None:
                self.css_urls(attr.value_node)
        if tag.name == "apex:canvasapp":
            self._canvas_app(tag)
        if tag.name == "apex:param":
            self._link_param(tag, ancestors)
        elif tag.name in FORM_FIELD_TAGS:
            self._form_field(tag, ancestors)
        elif tag.name == "meta":
            self._meta_refresh(tag)

    def css_urls(self, node: Node) -> None:
        """`url(…)` in a style sheet (`<style>`) or a `style` attribute: the browser loads it (a
        background image, a font), the session in its URL."""
        buffer = self.src.buffer
        starts: list[int] | None = None
        for m in _CSS_URL.finditer(buffer, node.start_byte, node.end_byte):
            ids = self.session_ids(m.start(2), m.end(2)) + (
                self.bindings(m.start(2), m.end(2)) if self.bindings is not None else ())
            if not ids:
                continue
            starts = starts if starts is not None else line_starts(buffer)
            span = self.src.span(byte_point(starts, m.start()), byte_point(starts, m.end()))
            # a style attribute's own quotes are written as entities: `url(&quot;https://…&quot;)`
            url = html.unescape(buffer[m.start(2):m.end(2)].decode("utf-8", "replace")).strip().strip("'\"")
            self._use("css url()", url, ids, node, in_query=True, span=span)

    def _ids(self, attr: Attr | None) -> tuple[str, ...]:
        if attr is None or attr.value_node is None:
            return ()
        start, end = attr.value_node.start_byte, attr.value_node.end_byte
        return self.session_ids(start, end) + (self.bindings(start, end) if self.bindings is not None else ())

    def _canvas_app(self, tag: Tag) -> None:
        """`<apex:canvasApp applicationName="X" parameters="{sid: '{!$Api.Session_ID}'}">`: the
        parameters go to the canvas app, in the signed request posted to its connected app's
        canvas URL (`canvas:X`, resolved against the package's connected apps)."""
        params = tag.attr("parameters")
        ids = self._ids(params)
        if not ids or params is None:
            return
        app = (tag.attribute("applicationname") or tag.attribute("developername") or "").strip()
        self._use("apex:canvasApp", f"{CANVAS_PREFIX}{app}", ids, params.node, header_or_body=True)

    def _link_param(self, tag: Tag, ancestors: Sequence[Tag]) -> None:
        """`<apex:param name="sid" value="{!$Api.Session_ID}"/>` in a link: a query parameter.

        In a command link or button it is a field of the form posted back to the page itself.
        """
        ids = self._ids(tag.attr("value"))
        link = _nearest(ancestors, _PARAM_PARENTS)
        if not ids or link is None:
            return
        if link.name in POSTBACK_TAGS:
            self._use(POSTBACK_TAGS[link.name], "", ids, tag.node, header_or_body=True,
                      action=link.attribute("action") or "")
            return
        sink, url_attribute = LINK_TAGS[link.name]
        base = link.attribute(url_attribute) or ""
        param = f"{tag.attribute('name') or '{…}'}={tag.attribute('value') or ''}"
        self._use(sink, f"{base}{'&' if '?' in base else '?'}{param}", ids, tag.node, in_query=True)

    def _form_field(self, tag: Tag, ancestors: Sequence[Tag]) -> None:
        """A field of a plain HTML form carries its value to the form's action.

        Forms default to GET, which puts every field in the URL's query string.
        """
        ids = self._ids(tag.attr("value"))
        form = _nearest(ancestors, frozenset({"form"}))
        if not ids or form is None:
            return
        post = (form.attribute("method") or "get").strip().lower() == "post"
        attr = tag.attr("value")
        node = attr.node if attr is not None else tag.node
        self._use("form.submit", form.attribute("action") or "", ids, node, in_query=not post,
                  header_or_body=post)

    def _meta_refresh(self, tag: Tag) -> None:
        """`<meta http-equiv="refresh" content="0; url=…">` redirects the browser."""
        if (tag.attribute("http-equiv") or "").strip().lower() != "refresh":
            return
        content = tag.attr("content")
        ids = self._ids(content)
        if not ids or content is None:
            return
        value = content.value or ""
        at = value.lower().find("url=")
        url = value[at + 4:].strip(" '\"") if at >= 0 else value
        self._use("meta.refresh", url, ids, content.node, in_query=True)

    def _use(self, sink: str, url: str, ids: tuple[str, ...], node: Node, *, in_query: bool = False,
             header_or_body: bool = False, span: Span | None = None, action: str = "") -> None:
        if span is None:
            span = self.src.span((node.start_point[0], node.start_point[1]), (node.end_point[0], node.end_point[1]))
        self.uses.append(UrlUse(
            sink=sink, url=url_for_literal(html.unescape(url)), sources=tuple(sorted(set(ids))), path=self.src.path,
            span=span, text=node_text(self.src.buffer, node, _MAX_TEXT), in_query=in_query,
            header_or_body=header_or_body, action=action.strip(),
        ))


# `{!URLFOR('https://host/path', null, [sid=$Api.Session_ID, x=y])}`: a URL written as a literal
# with its query's parameters, as Visualforce builds it.
_URLFOR = lazy(r"^\s*\{!\s*URLFOR\(\s*'([^']*)'\s*(?:,\s*([^,\[\]]*?)\s*)?(?:,\s*\[(.*)\]\s*)?\)\s*\}\s*$",
                     re.IGNORECASE | re.DOTALL)
_URLFOR_PARAM = lazy(r"^\s*([A-Za-z_][\w.]*)\s*=\s*(.+?)\s*$", re.DOTALL)


def url_for_literal(url: str) -> str:
    """The URL a whole-value `{!URLFOR('literal', id, [k=v, ...])}` makes: the literal with
    `?k={!v}&...` after it (a value's merge field kept as written, so its sources stay in it);
    any other text as it is. Parameters whose values hold a comma are not split (left as is)."""
    m = _URLFOR.match(url)
    if m is None or not m.group(1).strip():
        return url
    base, params = m.group(1).strip(), m.group(3)
    pairs = []
    for part in (params or "").split(","):
        if not part.strip():
            continue
        found = _URLFOR_PARAM.match(part)
        if found is None:
            return url
        pairs.append(f"{found.group(1)}={{!{found.group(2)}}}")
    return base + ("&" if "?" in base else "?") + "&".join(pairs) if pairs else base
