"""Tree-sitter parsers, created once per process.

The grammars come from `tree-sitter-language-pack==0.13.0`, which ships them compiled; newer
releases download grammars at run time, which this tool must never do.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from tree_sitter import Node, Parser, Tree
from tree_sitter_language_pack import get_parser

Language = Literal["apex", "html", "javascript", "xml"]


@cache
def parser_for(language: Language) -> Parser:
    return get_parser(language)


def new_parser(language: Language) -> Parser:
    """A parser of its own, for a caller that sets its state (`included_ranges`)."""
    return get_parser(language)


def parse(language: Language, data: bytes) -> Tree:
    return parser_for(language).parse(data)


def problem_nodes(root: Node, limit: int = 20) -> list[Node]:
    """ERROR and MISSING nodes, outermost first, at most `limit` (for notifications)."""
    found: list[Node] = []
    if not root.has_error:
        return found
    cursor = [root]
    while cursor and len(found) < limit:
        node = cursor.pop()
        if node.is_error or node.is_missing:
            found.append(node)
            continue
        if node.has_error:
            cursor.extend(reversed(node.children))
    return found
