"""Custom labels: the packaged value of each label a `CustomLabels` file holds.

`System.Label.X` in Apex and `{!$Label.X}` in a page are text the package ships: where a callout's
endpoint is built from one (`System.Label.Partner_Endpoint + '/v1'`), the label's value says where
the session goes. Both formats keep them the same way: SFDX `labels/CustomLabels.labels-meta.xml`
and metadata-API `labels/CustomLabels.labels`, a `<labels>` element per label with its
`<fullName>`, `<value>` and `<protected>`; the sf CLI's decomposed labels keep one per file
(`labels/X.label-meta.xml`, the same children under `<CustomLabel>`).

Read by scanning for those elements, not through the XML parser: a label file is a flat list, and
NPSP's 2,046 labels (777 KB) cost 0.2 s to parse and walk, a twelfth of its whole scan, where this
reads them in about 15 ms. XML comments are left out; entities and CDATA sections are
decoded as an XML parser would.
"""

from __future__ import annotations

import re

from apexlint.ir import LabelIR
from apexlint.lower.xml_text import PREDEFINED_ENTITIES, char_ref
from apexlint.patterns import lazy

_COMMENT = lazy(r"<!--.*?-->", re.S)
_OPEN = re.compile(r"<labels(?:\s[^>]*)?>")
_CLOSE = "</labels>"
_CHILDREN = {name: re.compile(rf"<{name}(?:\s[^>]*)?>(.*?)</{name}\s*>", re.S)
             for name in ("fullName", "value", "protected")}  # one search each: faster than one for all three
_CDATA = lazy(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|(lt|gt|amp|quot|apos));")


LABELS_TYPE = "CustomLabels"
LABEL_TYPE = "CustomLabel"  # a decomposed label's file


def labels_of(metadata_type: str | None, path: str, text: str) -> tuple[LabelIR, ...]:
    """The custom labels of a CustomLabels file or of a decomposed label's, parsed or not: their
    values are what code built from them holds, whether or not the file mentions a session."""
    if metadata_type == LABELS_TYPE:
        return read_labels(text)
    if metadata_type == LABEL_TYPE:
        from apexlint.lower.text_scan import component_name
        return read_label(text, component_name(path))
    return ()


def read_labels(text: str) -> tuple[LabelIR, ...]:
    """Every label of a CustomLabels file, in file order (a label without a name is left out)."""
    if "<labels" not in text:
        return ()
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    out = []
    at = 0
    while (start := _OPEN.search(text, at)) is not None:
        end = text.find(_CLOSE, start.end())
        if end < 0:
            break  # an unclosed element: what follows is no label (and searching on would be quadratic)
        children = {name: found.group(1) if (found := child.search(text, start.end(), end)) is not None else ""
                    for name, child in _CHILDREN.items()}
        name = xml_text(children["fullName"]).strip()
        if name:
            out.append(LabelIR(name, xml_text(children["value"]),
                               xml_text(children["protected"]).strip().lower() in ("true", "1")))
        at = end + len(_CLOSE)
    return tuple(out)


def read_label(text: str, name: str) -> tuple[LabelIR, ...]:
    """The one label of a decomposed label file (`labels/X.label-meta.xml`, root `<CustomLabel>`,
    the sf CLI's opt-in format): named by its `<fullName>`, else by the file (`name`)."""
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    children = {key: found.group(1) if (found := child.search(text)) is not None else ""
                for key, child in _CHILDREN.items()}
    full_name = xml_text(children["fullName"]).strip() or name
    if not full_name or "<CustomLabel" not in text:
        return ()
    return (LabelIR(full_name, xml_text(children["value"]),
                    xml_text(children["protected"]).strip().lower() in ("true", "1")),)


def xml_text(raw: str) -> str:
    """An element's text as XML reads it: CDATA as it is, entities and character references decoded."""
    if "<![CDATA[" in raw:
        parts = []
        at = 0
        for m in _CDATA.finditer(raw):
            parts.append(_decoded(raw[at:m.start()]))
            parts.append(m.group(1))
            at = m.end()
        parts.append(_decoded(raw[at:]))
        return "".join(parts)
    return _decoded(raw)


def _decoded(raw: str) -> str:
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _entity(m: re.Match[str]) -> str:
    """As the metadata lowering decodes element text (`xml_text`): the predefined entities and
    character references."""
    return PREDEFINED_ENTITIES[m.group(1)] if m.group(1) else char_ref(m.group(0))
