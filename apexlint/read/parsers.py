"""Tree-sitter parsers, created once per process.

The grammars come from `tree-sitter-language-pack==0.13.0`, which ships them compiled; newer
releases download grammars at run time, which this tool must never do.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Literal

import tree_sitter
from tree_sitter import Node, Parser, Tree

Language = Literal["apex", "html", "javascript", "xml"]

_PACK = "tree_sitter_language_pack"


@cache
def parser_for(language: Language) -> Parser:
    return Parser(grammar(language))


def new_parser(language: Language) -> Parser:
    """A parser of its own, for a caller that sets its state (`included_ranges`)."""
    return Parser(grammar(language))


@cache
def grammar(language: Language) -> tree_sitter.Language:
    """The compiled grammar from the language pack's extension module
    `tree_sitter_language_pack.bindings.<language>`, loaded as `get_language` loads it, but
    without the pack's `__init__`: that imports three other grammars' packages, `ctypes` and
    `importlib.resources` (5 ms of a re-scan that lowers one file) to serve any of its 160
    languages. Where the module cannot be found that way, the pack's own `get_language`."""
    try:
        return tree_sitter.Language(_binding(language).language())
    except Exception:
        from tree_sitter_language_pack import get_language
        return get_language(language)


def _binding(language: Language) -> ModuleType:
    name = f"{_PACK}.bindings.{language}"
    pack = importlib.util.find_spec(_PACK)  # a top-level name: found, not imported
    if pack is None or not pack.submodule_search_locations:
        raise ImportError(name)
    folder = Path(next(iter(pack.submodule_search_locations))) / "bindings"
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"{language}{suffix}"
        if path.is_file():
            loader = importlib.machinery.ExtensionFileLoader(name, str(path))
            spec = importlib.util.spec_from_file_location(name, path, loader=loader)
            if spec is None:
                break
            module = importlib.util.module_from_spec(spec)
            loader.exec_module(module)
            return module
    raise ImportError(name)


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
