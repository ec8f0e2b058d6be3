"""Facts every non-Apex lowering reads the same way: ids, names, parse problems, token literals.

Kept in one place so that a Visualforce page, a static script and a metadata file name their
sources, report their parse problems and redact their secrets identically.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

from tree_sitter import Node

from apexlint.ir import MEMBER_SEPARATOR, NoticeLevel, Notification, SourceKind, SourceSite, Span
from apexlint.read.merge_fields import TextPositions
from apexlint.read.parsers import problem_nodes
from apexlint.read.source import Point, SourceText, shift_point
from apexlint.secrets import TOKEN_RE, clip, head, redact

MAX_PARSE_NOTICES = 5


def source_id(path: str, span: Span) -> str:
    """Package-unique id of a source site: where it starts."""
    return f"{path}:{span.start_line}:{span.start_col}"


def component_name(path: str) -> str:
    """File stem without its metadata suffixes: `Acct.workflow-meta.xml` -> `Acct`.

    For a file inside a static-resource archive this is the member's stem.
    """
    name = PurePosixPath(path.rsplit(MEMBER_SEPARATOR, 1)[-1].replace("\\", "/")).name
    name = name.removesuffix("-meta.xml")
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def shorten(text: str, limit: int = 120) -> str:
    """One line, redacted, at most `limit` characters: for messages and sink texts."""
    return clip(" ".join(head(text, limit * 4).split()), limit)


def node_text(buffer: bytes, node: Node, limit: int = 120) -> str:
    """A node's text from the parse buffer, shortened (cheap even on a 1 MB line)."""
    end = min(node.end_byte, node.start_byte + limit * 8)
    return shorten(buffer[node.start_byte:end].decode("utf-8", "replace"), limit)


def parse_notifications(
    src: SourceText, root: Node, what: str, base: Point = (0, 0), data: bytes | None = None
) -> list[Notification]:
    """Parse problems as warnings; the lowering still reports everything that parsed.

    For an injected tree, `base` is where it starts in the file and `data` the bytes it was
    parsed from (unmasked), for the snippet in the message.
    """
    notes: list[Notification] = []
    problems = problem_nodes(root, MAX_PARSE_NOTICES + 1)
    for node in problems[:MAX_PARSE_NOTICES]:
        anchor = _first_leaf(node)
        start = shift_point(base, (anchor.start_point[0], anchor.start_point[1]))
        end = shift_point(base, (anchor.end_point[0], anchor.end_point[1]))
        span = src.span(start, end)
        text = src.buffer if data is None else data
        snippet = node_text(text, anchor, 60)
        if node.is_missing:
            detail = f"expected {node.type!r}"
        elif snippet in _OPENERS and node.end_byte >= len(text.rstrip()):
            # a region that runs to the end from an opening bracket: the bracket is never closed
            # (an Aura controller without its final `})`), not an unexpected one
            detail = f"{snippet!r} is never closed"
        else:
            detail = f"unexpected {snippet!r}"
        notes.append(Notification(
            code="parse-error", level=NoticeLevel.WARNING, path=src.path, span=span,
            message=f"{what} could not be fully parsed near line {span.start_line}: {detail}; "
                    "findings after this point may be incomplete",
        ))
    if len(problems) > MAX_PARSE_NOTICES:
        notes.append(Notification(
            code="parse-error", level=NoticeLevel.WARNING, path=src.path,
            message=f"{what} has further parse problems beyond the first {MAX_PARSE_NOTICES}",
        ))
    return notes


_OPENERS = frozenset({"(", "{", "["})


def _first_leaf(node: Node) -> Node:
    """The first token of a problem region: pointing at a whole unparsed page helps nobody."""
    while node.child_count and not node.is_missing:
        node = node.children[0]
    return node


def in_ranges(starts: Sequence[int], ranges: Sequence[tuple[int, int]], offset: int) -> bool:
    """Whether `offset` lies in one of sorted, non-overlapping `ranges` (`starts` their starts)."""
    i = bisect_right(starts, offset) - 1
    return i >= 0 and offset < ranges[i][1]


def token_literal_sources(
    src: SourceText,
    positions: TextPositions,
    owner: str,
    in_comment: Callable[[int], bool] | None = None,
    context: str = "literal",
) -> list[SourceSite]:
    """Text shaped like a live session ID / access token (SID009), redacted.

    `in_comment(char_offset)` tells a match inside a markup comment, which is reported all the
    same (a comment is still source, and Visualforce sends its HTML comments to the browser), as
    "text in a comment".
    """
    text = positions.text
    if "!" not in text:
        return []
    found: list[SourceSite] = []
    for m in TOKEN_RE.finditer(text):
        span = src.span(positions.point(m.start()), positions.point(m.end()))
        commented = in_comment is not None and in_comment(m.start())
        found.append(SourceSite(
            id=source_id(src.path, span), kind=SourceKind.TOKEN_LITERAL, path=src.path, span=span,
            text=redact(m.group(0)), context="text in a comment" if commented else context, owner=owner,
        ))
    return found


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


def unescaped(body: str) -> str:
    """A string literal's text (without its quotes) with its backslash escapes read, as Apex and
    JavaScript write them (`\\'`, `\\/`, `\\n`...); any other escaped character stands for itself."""
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
