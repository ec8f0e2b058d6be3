"""Lightning component templates: which properties a component's markup loads as URLs.

An LWC's template binds its class's properties into attributes (`<iframe src={frameUrl}>`,
`<a href={portalLink}>`); an Aura component's markup binds its attributes by expressions
(`<iframe src="{!v.url}"/>`, `<lightning:container src="{!'https://…?sid=' + v.sid}"/>`). Where
the attribute is a URL the browser loads or opens, whatever the component's script sets there
(`this.frameUrl = u`, a getter's return, `component.set('v.url', u)`) is requested from that URL's
host, as if the script had set an element's `src` itself. Lowering reads the bindings
(`TemplateBinding`) from the markup and the values from the script (`ir.BOUND_PREFIX`); the package
model joins the two, by bundle (`PackageModel._bind_template_uses`).

Read by regular expressions over the markup, not a parse: the attributes are all that matters,
and templates are well-formed (the platform rejects the others). Comments render nothing, so
their bindings do not count.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from apexlint.ir import TemplateBinding
from apexlint.lower.js_values import UNKNOWN_TEXT

# Attributes whose value the browser loads (`src`, `data`, `poster`), opens (`href`) or posts to
# (`action`, `formaction`); on the base components that render a link, the `value` they link to.
LINK_VALUE_TAGS = frozenset({"lightning-formatted-url", "lightning:formattedurl", "ui:outputurl"})

_COMMENT = re.compile(r"<!--.*?-->", re.S)
URL_ATTRIBUTES = frozenset({"src", "href", "action", "data", "formaction", "poster", "value"})
# a bound attribute value, `={frameUrl}` (LWC) or `="{!v.url}"` (Aura): what the search looks for
# first, by its `=` (templates are long, their bindings few); the attribute is the name before it
_BOUND_VALUE = re.compile(r"""=\s*(\{[^}]*\}|"\s*\{[!#][^"]*"|'\s*\{[!#][^']*')""")
_TAG_NAME = re.compile(r"<([A-Za-z][\w:.-]*)")
_NAME_WINDOW = 40  # characters before a bound value's `=` in which its attribute's name is read
_NAME_AT_END = re.compile(r"([\w:.-]+)\s*\Z")
_LWC_BINDING = re.compile(r"^\{\s*([A-Za-z_$][\w$]*)(?:\.[\w$.]*)?\s*\}$")
_AURA_EXPRESSION = re.compile(r"\{[!#](.*?)\}", re.S)
_AURA_ATTRIBUTE = re.compile(r"^v\.([A-Za-z_]\w*)")
_STRING = re.compile(r"""^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")$""", re.S)


def is_lwc_bundle(path: str) -> bool:
    """Whether `path` is a file of a Lightning web component: `.../lwc/<bundle>/<file>`."""
    parts = path.rsplit("/", 3)  # asked of every script and text file: no path object
    return len(parts) >= 3 and parts[-3].lower() == "lwc"


def is_lwc_template(path: str) -> bool:
    """An LWC's template, `lwc/Cmp/Cmp.html` (or another `.html` its `render()` may pick)."""
    return is_lwc_bundle(path) and path.lower().endswith(".html")


def template_bindings(path: str, text: str) -> tuple[TemplateBinding, ...]:
    """The URL attributes `text`, the template at `path` (an LWC's `.html`, an Aura bundle's
    `.cmp`/`.app`), binds to the component's properties or attributes."""
    lwc = is_lwc_template(path)
    name = PurePosixPath(path).name
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: " " * len(m.group()), text)
    found: dict[tuple[str, str, str], None] = {}
    for bound_value in _BOUND_VALUE.finditer(text):
        start, attribute = _name_before(text, bound_value.start())
        key = attribute.lower()
        if key not in URL_ATTRIBUTES:
            continue
        opened = text.rfind("<", 0, start)
        tag = _TAG_NAME.match(text, opened) if opened >= 0 else None
        if tag is None:
            continue
        element = tag.group(1)
        if key == "value" and element.lower() not in LINK_VALUE_TAGS:
            continue
        sink = f"{element}.{attribute} in {name}"
        value = bound_value.group(1)
        if lwc:
            bound = _LWC_BINDING.match(value)
            if bound is not None:
                found.setdefault((bound.group(1), sink, "{" + bound.group(1) + "}"))
            continue
        url, names = _aura_url(value.strip("\"'"))
        for bound_name in names:
            found.setdefault((bound_name, sink, url))
    return tuple(TemplateBinding(n, s, u) for n, s, u in found)


def _name_before(text: str, end: int) -> tuple[int, str]:
    """The attribute name written before the `=` at `end`, and where it starts."""
    window = max(0, end - _NAME_WINDOW)
    found = _NAME_AT_END.search(text, window, end)
    return (found.start(1), found.group(1)) if found is not None else (end, "")


def _aura_url(value: str) -> tuple[str, list[str]]:
    """An Aura attribute value's URL, with each component attribute it reads written `{v.name}`,
    and those attributes' names (`v.name`)."""
    names: list[str] = []

    def expression(m: re.Match[str]) -> str:
        parts = []
        for part in _split_plus(m.group(1)):
            literal = _STRING.match(part)
            attribute = _AURA_ATTRIBUTE.match(part)
            if literal is not None:
                parts.append(re.sub(r"\\(.)", r"\1", literal.group(1) or literal.group(2) or ""))
            elif attribute is not None:
                names.append(f"v.{attribute.group(1)}")
                parts.append("{v." + attribute.group(1) + "}")
            else:
                parts.append(UNKNOWN_TEXT)
        return "".join(parts)

    return _AURA_EXPRESSION.sub(expression, value), names


def _split_plus(expression: str) -> list[str]:
    """The operands of an expression's top-level `+`, stripped (quotes kept)."""
    parts, current, quote, depth = [], [], "", 0
    for ch in expression:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "+" and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]
