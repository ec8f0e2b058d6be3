"""Metadata XML as a small element tree with decoded text that still knows where it came from.

Only the five predefined entities and character references are decoded; any other entity
reference stays as written. Nothing declared in a DOCTYPE is ever expanded (the XML grammar
does not, and neither does this module), so hostile `<!ENTITY>` declarations are inert.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from apexlint.read.source import Point
from apexlint.records import frozen

PREDEFINED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_TAG_TYPES = ("STag", "EmptyElemTag")


def point_after(start: Point, text: str) -> Point:
    """The parse-buffer point reached after `text` (as UTF-8) starting at `start`."""
    newlines = text.count("\n")
    if newlines == 0:
        return (start[0], start[1] + _utf8_len(text))
    return (start[0] + newlines, _utf8_len(text[text.rfind("\n") + 1:]))


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


@frozen
class XmlText:
    """An element's decoded text; `point(i)` maps a decoded offset back into the file."""

    text: str
    starts: tuple[int, ...]  # decoded offset where each piece starts
    pieces: tuple[tuple[Point, str, bool], ...]  # (file point, raw text, decoded 1:1 with raw)

    def point(self, offset: int) -> Point:
        if not self.pieces:
            return (0, 0)
        i = max(0, bisect_right(self.starts, offset) - 1)
        at, raw, literal = self.pieces[i]
        k = offset - self.starts[i]
        if literal:
            return point_after(at, raw[:k])
        return at if k == 0 else point_after(at, raw)  # inside an entity: its start or end


@dataclass(slots=True)
class XmlElement:
    name: str  # local name, e.g. "webLinks"
    node: Node
    content: Node | None
    buffer: bytes
    parent: XmlElement | None = None
    children: list[XmlElement] = field(default_factory=list)

    def child(self, name: str) -> XmlElement | None:
        return next((c for c in self.children if c.name == name), None)

    def child_text(self, name: str) -> str | None:
        found = self.child(name)
        text = found.text() if found is not None else None
        return text.text.strip() if text is not None else None

    def text(self) -> XmlText | None:
        """Decoded text of a leaf element (None when it has child elements)."""
        if self.children:
            return None
        if self.content is None:
            return XmlText("", (), ())
        return decode_content(self.content, self.buffer)

    def path(self) -> str:
        names: list[str] = []
        cur: XmlElement | None = self
        while cur is not None and cur.parent is not None:
            names.append(cur.name)
            cur = cur.parent
        return "/".join(reversed(names)) or self.name

    def walk(self) -> Iterator[XmlElement]:
        stack = [self]
        while stack:
            cur = stack.pop()
            yield cur
            stack.extend(reversed(cur.children))


def decode_content(content: Node, buffer: bytes) -> XmlText:
    starts: list[int] = []
    pieces: list[tuple[Point, str, bool]] = []
    out: list[str] = []
    length = 0
    for piece in content.children:
        raw = buffer[piece.start_byte:piece.end_byte].decode("utf-8", "replace")
        at = (piece.start_point[0], piece.start_point[1])
        if piece.type == "CDSect":
            data = next((c for c in piece.children if c.type == "CData"), None)
            if data is None:
                continue
            raw = buffer[data.start_byte:data.end_byte].decode("utf-8", "replace")
            at, decoded, literal = (data.start_point[0], data.start_point[1]), raw, True
        elif piece.type == "EntityRef":
            decoded, literal = PREDEFINED_ENTITIES.get(raw[1:-1], raw), raw[1:-1] not in PREDEFINED_ENTITIES
        elif piece.type == "CharRef":
            decoded, literal = char_ref(raw), False
        elif piece.type in ("CharData", "ERROR"):
            decoded, literal = raw, True
        else:
            continue  # comments, processing instructions, nested elements
        starts.append(length)
        pieces.append((at, raw, literal))
        out.append(decoded)
        length += len(decoded)
    return XmlText("".join(out), tuple(starts), tuple(pieces))


def char_ref(raw: str) -> str:
    """A character reference (`&#38;`, `&#x26;`) as its character, or as written when it names none."""
    body = raw[2:-1]
    try:
        code = int(body[1:], 16) if body[:1] in ("x", "X") else int(body)
    except ValueError:
        return raw
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return raw


def read_elements(root: Node, buffer: bytes) -> list[XmlElement]:
    """Every element of the document as a tree.

    Elements inside a parse error are kept too: a truncated file leaves its open elements as
    bare start tags, which adopt the siblings that follow them, as the author meant.
    """
    tops: list[XmlElement] = []
    stack: list[tuple[Node, XmlElement | None]] = [(root, None)]
    while stack:
        node, parent = stack.pop()
        if node.type != "element":
            adopted = _adopt_orphans(node, parent, buffer, tops)
            stack.extend(reversed([(c, p) for c, p in adopted if c.child_count]))
            continue
        tag = next((c for c in node.children if c.type in _TAG_TYPES), None)
        content = next((c for c in node.children if c.type == "content"), None)
        element = XmlElement(_tag_name(tag, buffer), node, content, buffer, parent)
        (parent.children if parent is not None else tops).append(element)
        if content is not None:
            stack.extend((c, element) for c in reversed(content.children) if c.child_count)
    return tops


def _adopt_orphans(
    container: Node, parent: XmlElement | None, buffer: bytes, tops: list[XmlElement]
) -> list[tuple[Node, XmlElement | None]]:
    """Children of a non-element node, each with the element it belongs to."""
    opened: list[XmlElement] = []
    out: list[tuple[Node, XmlElement | None]] = []
    for child in container.children:
        current = opened[-1] if opened else parent
        if child.type == "STag":
            orphan = XmlElement(_tag_name(child, buffer), child, None, buffer, current)
            (current.children if current is not None else tops).append(orphan)
            opened.append(orphan)
        elif child.type == "ETag":
            name = _tag_name(child, buffer)
            while opened and opened.pop().name != name:
                pass
        else:
            out.append((child, current))
    return out


def _tag_name(tag: Node | None, buffer: bytes) -> str:
    """Local name of a start, end or empty-element tag ("" when absent)."""
    if tag is None:
        return ""
    name = next((c for c in tag.children if c.type == "Name"), None)
    raw = buffer[name.start_byte:name.end_byte].decode("utf-8", "replace") if name is not None else ""
    return raw.rpartition(":")[2]
