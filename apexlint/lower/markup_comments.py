"""Comments in markup, XML and JavaScript: where they are, and the suppressions they declare.

`<!-- apexlint:disable-next-line SID002 -- reason -->` is how a Visualforce or metadata file
suppresses a finding, `// apexlint:disable-next-line SID010 -- reason` (or `/* … */`) in
JavaScript. XML forbids `--` inside comments, which that very syntax contains, so XML comments
are found in the text, and blanked for the parser (same length, so positions hold).
"""

from __future__ import annotations

from tree_sitter import Node, Tree

from apexlint.ir import Suppression
from apexlint.lower.js_values import ScriptUnit
from apexlint.lower.suppressions import suppression_at
from apexlint.read.merge_fields import TextPositions
from apexlint.read.source import SourceText, shift_point

_MARKER = b"apexlint:"
_OPEN, _CLOSE = "<!--", "-->"


def _marker_offsets(data: bytes) -> list[int]:
    found: list[int] = []
    pos = data.find(_MARKER)
    while pos >= 0:
        found.append(pos)
        pos = data.find(_MARKER, pos + 1)
    return found


def _enclosing(node: Node | None, types: tuple[str, ...]) -> Node | None:
    while node is not None and node.type not in types:
        node = node.parent
    return node


def markup_suppressions(src: SourceText, tree: Tree) -> list[Suppression]:
    """Suppressions declared in HTML comments of a page parsed from the file's own buffer."""
    found: dict[tuple[int, int], Suppression] = {}
    data = src.buffer
    for offset in _marker_offsets(data):
        node = _enclosing(tree.root_node.descendant_for_byte_range(offset, offset + 1), ("comment",))
        if node is None or (node.start_byte, node.end_byte) in found:
            continue
        text = data[node.start_byte:node.end_byte].decode("utf-8", "replace")
        sup = suppression_at(src, text, _point(node.start_point), _point(node.end_point))
        if sup is not None:
            found[(node.start_byte, node.end_byte)] = sup
    return list(found.values())


def js_suppressions(src: SourceText, unit: ScriptUnit, tree: Tree) -> list[Suppression]:
    """Suppressions declared in `//` and `/* */` comments of one piece of JavaScript."""
    found: dict[tuple[int, int], Suppression] = {}
    for offset in _marker_offsets(unit.raw):
        node = _enclosing(tree.root_node.descendant_for_byte_range(offset, offset + 1), ("comment",))
        if node is None or (node.start_byte, node.end_byte) in found:
            continue
        start = shift_point(unit.base_point, _point(node.start_point))
        end = shift_point(unit.base_point, _point(node.end_point))
        sup = suppression_at(src, unit.text(node), start, end)
        if sup is not None:
            found[(node.start_byte, node.end_byte)] = sup
    return list(found.values())


def xml_comment_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of `<!-- … -->` comments; an unclosed one runs to the end."""
    ranges: list[tuple[int, int]] = []
    pos = text.find(_OPEN)
    while pos >= 0:
        close = text.find(_CLOSE, pos + len(_OPEN))
        end = len(text) if close < 0 else close + len(_CLOSE)
        ranges.append((pos, end))
        pos = text.find(_OPEN, end)
    return ranges


def blank_comment_dashes(data: bytes, ranges: list[tuple[int, int]]) -> bytes:
    """Bytes for the XML parser: dashes inside comment bodies become spaces (`--` is illegal).

    `ranges` are byte ranges here.
    """
    if not ranges:
        return data
    out = bytearray(data)
    for start, end in ranges:
        body_end = end - len(_CLOSE) if data.startswith(_CLOSE.encode(), end - len(_CLOSE)) else end
        body_start = start + len(_OPEN)
        out[body_start:body_end] = data[body_start:body_end].replace(b"-", b" ")
    return bytes(out)


def one_unclosed(data: bytes, opener: bytes, closer: bytes) -> bytes:
    """Bytes for the parser: every `opener` after the first that no `closer` follows (after the
    opener itself: `<!-->` opens and closes) made spaces, each byte where it was. The HTML and XML
    grammars run each unclosed comment or CDATA opener to the end of the file before they give up
    on it (AE-13: 40,000 `<!--`, 160 KB, held a scan for 88 s; 40,000 `<![CDATA[` in metadata,
    63 s), in C code the file time limit cannot interrupt. The first is kept, so the file still
    parses as unclosed there, and what follows it is that comment's or section's text either way."""
    size = len(opener)
    first = data.find(opener, max(0, data.rfind(closer) - size + 1))
    while first >= 0 and data.find(closer, first + size) >= 0:
        first = data.find(opener, first + 1)
    if first < 0 or data.find(opener, first + size) < 0:
        return data
    return data[:first + size] + data[first + size:].replace(opener, b" " * size)


def xml_suppressions(
    src: SourceText, positions: TextPositions, ranges: list[tuple[int, int]]
) -> list[Suppression]:
    """Suppressions declared in XML comments (character ranges from `xml_comment_ranges`)."""
    found: list[Suppression] = []
    text = positions.text
    for start, end in ranges:
        comment = text[start:end]
        if "apexlint:" not in comment:
            continue
        sup = suppression_at(src, comment, positions.point(start), positions.point(end))
        if sup is not None:
            found.append(sup)
    return found


def _point(p: tuple[int, int]) -> tuple[int, int]:
    return (p[0], p[1])
