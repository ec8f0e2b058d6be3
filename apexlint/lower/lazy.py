"""Apex method bodies lowered in the main process, the first time an analysis reads one.

Worker processes lower an Apex file's declarations, and the bodies that hold something the
package model needs before any analysis runs (a session source, a token literal; suppression
directives are read from the whole file). Every other body stays a `BodyRef`: its byte range in
the file. The demand-driven analyses read a few hundred bodies of a package's thousands; for
each, the file is read again here, the block parsed, and only that block lowered, by the same
code, so the statements are the ones the worker would have produced.

Each body is parsed on its own: tree-sitter reads only the block's bytes (its
`included_ranges`), after a few bytes of declaration written before it (`class _{void _()`) and
a closing brace after, so the block parses as it does in the file, at the file's positions.
apex-mdapi's analysis reads 365 bodies of its 1 MB `MetadataService.cls`, 20 KB in all: parsing
the file took 0.13 s. Files under 100 KB used to be parsed whole, once, and kept; but the analysis
comes back to a file in no useful order, and a large org's (AgentOps: 4,940 bodies of 1,213 files
read) parsed 2,342 files, 31 MB, for 4.1 s of its analysis, against 1.6 s for the bodies alone
(no other package measured changed). A block that does not come back whole and free of errors
this way (it is in a trigger we cannot wrap, or it does not parse alone) is taken from the whole
file's tree, which is then kept with the file.

A class's field initialisers are left for later the same way, all of a class's or none (a
`BodyRef` "fields", whose `parts` are the declarations' byte ranges): they are parsed together,
without what lies between them, and lowered into the statements of the class's `<fields>` method.

The package model owns the loader (`PackageModel.body()`), so the analyses never see a tree:
the lowering stage still does all the tree walking, only later. A file that changed since it
was read, or cannot be read or parsed any more, gives an empty body and a notification: the scan
goes on.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Mapping
from itertools import pairwise
from typing import Protocol

from tree_sitter import Node, Parser, Point, Range, Tree

from apexlint.ir import FIELDS, BodyRef, NoticeLevel, Notification, Param, Stmt
from apexlint.lower.apex import _FileLowering, parse_apex
from apexlint.read.decode import ReadLimits, read_file_bytes, read_source
from apexlint.read.parsers import new_parser
from apexlint.read.source import SourceText, byte_point, line_starts
from apexlint.secrets import clip

# Files kept read (and the trees of those parsed whole) for the next body: the analysis comes back
# to a file for another body, in no useful order (DLRS: 1,062 bodies from 64 files, which 16 kept
# files parsed 141 times when small files were parsed whole). Kept by source size: a syntax tree
# takes about 22 times its file's bytes (58 MB for 2.6 MB of Apex).
OPEN_BYTES = 2_000_000
OPEN_FILES = 16  # kept whatever their size
EMPTY_BODY: tuple[tuple[Stmt, ...], tuple[Param, ...]] = ((), ())
# What makes a body parse as in its file: declaration text before it, a closing brace after.
_WRAPS: dict[str, tuple[bytes, bytes]] = {
    "block": (b"class _{void _()", b"}"),  # methods, accessors, initializers
    "constructor_body": (b"class _{_()", b"}"),
    "trigger_body": (b"trigger _ on _(before insert)", b""),
    FIELDS: (b"class _{", b"}"),  # a class's field declarations, together (`BodyRef.parts`)
}
# Field declarations parsed alone together at most: tree-sitter's time grows with the square of the
# number of included ranges (20,000 constants of one class: 1.4 s, against 0.09 s for 5,000); a
# class declaring more has its file parsed whole
MAX_PARTS = 1000


class BodyCache(Protocol):
    """Where bodies lowered by an earlier scan of the same content are kept (apexlint.cache)."""

    def body(self, rel: str, span: tuple[int, int]) -> object | None: ...

    def put_body(self, rel: str, span: tuple[int, int], value: object) -> None: ...


class BodyLoader:
    def __init__(self, files: dict[str, tuple[str, str]], limits: ReadLimits,
                 cache: BodyCache | None = None, stamps: Mapping[str, tuple[int, int]] | None = None) -> None:
        self.files = files  # report path -> (file on disk, namespace)
        # report path -> (size, modification time) when discovered: a file that no longer has
        # them changed since its declarations were lowered, and its bodies are not read
        self.stamps = stamps or {}
        self.limits = limits
        self.cache = cache  # bodies lowered by an earlier scan of the same content
        self.notes: list[Notification] = []
        self._open: OrderedDict[str, tuple[_FileLowering, Tree | None]] = OrderedDict()
        self._parser: Parser | None = None  # for bodies parsed alone
        self._rows: dict[str, list[int]] = {}  # where each line starts, in the open files parsed by body
        self._open_bytes = 0
        self._failed: set[str] = set()
        # every body asked for, by file: what the analysis read beyond the lowered forms
        self.asked: dict[str, set[tuple[int, int]]] = {}

    def __call__(self, ref: BodyRef) -> tuple[tuple[Stmt, ...], tuple[Param, ...]]:
        self.asked.setdefault(ref.path, set()).add((ref.start_byte, ref.end_byte))
        try:
            return self._lower(ref)
        except RecursionError:
            self._fail(ref.path, "nests too deeply to analyse")
        except Exception as exc:  # one bad body must never lose the rest of the scan
            self.notes.append(Notification(
                code="internal-error", level=NoticeLevel.ERROR, path=ref.path,
                message=f"apexlint failed on a method body ({type(exc).__name__}: {clip(str(exc), 200)}); "
                        "the rest of the scan is unaffected"))
        return EMPTY_BODY

    def _lower(self, ref: BodyRef) -> tuple[tuple[Stmt, ...], tuple[Param, ...]]:
        span = (ref.start_byte, ref.end_byte)
        if self.cache is not None:
            cached = self.cache.body(ref.path, span)
            if isinstance(cached, tuple) and len(cached) == 2:
                return cached
        opened = self._file(ref.path)
        if opened is None:
            return EMPTY_BODY
        lowering, tree = opened
        nodes = self._alone(ref.path, lowering.src, ref) if tree is None else None
        if nodes is None:
            if tree is None:  # the body does not parse alone: the whole file, once
                tree = parse_apex(lowering.src.buffer)
                self._open[ref.path] = (lowering, tree)
            nodes = _nodes(tree, ref)
        if nodes is None:
            self._fail(ref.path, "changed while it was being scanned")
            return EMPTY_BODY
        before = len(lowering.notes)
        body: tuple[tuple[Stmt, ...], tuple[Param, ...]]
        if ref.node_type == FIELDS:
            body = (lowering.lower_fields(nodes, ref.owner.removesuffix(".<fields>"), ref.is_test), ())
        else:
            body = lowering.lower_block(nodes[0], ref.owner, ref.is_test)
        self.notes.extend(lowering.notes[before:])
        if self.cache is not None and len(lowering.notes) == before:  # a body with a note is lowered anew
            self.cache.put_body(ref.path, span, body)
        return body

    def _file(self, path: str) -> tuple[_FileLowering, Tree | None] | None:
        found = self._open.get(path)
        if found is not None:
            self._open.move_to_end(path)
            return found
        if path in self._failed:
            return None
        where = self.files.get(path)
        if where is None:
            self._fail(path, "is not part of this scan")
            return None
        stamp = self.stamps.get(path)
        if stamp is not None and stamp[1]:
            try:
                now = os.stat(where[0])
            except OSError:
                now = None
            if now is None or (now.st_size, now.st_mtime_ns) != stamp:
                self._fail(path, "changed while it was being scanned")
                return None
        data, _ = read_file_bytes(where[0], path, self.limits.max_file_bytes)
        src = read_source(path, data, where[1], self.limits)[0] if data is not None else None
        if src is None:
            self._fail(path, "can no longer be read")
            return None
        opened: tuple[_FileLowering, Tree | None] = (_FileLowering(src), None)  # parsed whole only if need be
        self._open[path] = opened
        self._open_bytes += len(src.buffer)
        while len(self._open) > OPEN_FILES and self._open_bytes > OPEN_BYTES:
            closed, (lowering, _) = self._open.popitem(last=False)
            self._open_bytes -= len(lowering.src.buffer)
            self._rows.pop(closed, None)
        return opened

    def _fail(self, path: str, why: str) -> None:
        if path not in self._failed:
            self._failed.add(path)
            self.notes.append(Notification(
                code="file-changed", level=NoticeLevel.WARNING, path=path,
                message=f"the file {why}: its method bodies are not analysed"))

    def _alone(self, path: str, src: SourceText, ref: BodyRef) -> list[Node] | None:
        """The body's block, or its field declarations, parsed on their own (see the module's
        docstring; the declarations of a class together, and nothing between them), or None."""
        wrap = _WRAPS.get(ref.node_type)
        buffer = src.buffer
        parts = _parts(ref)
        if wrap is None or not parts or len(parts) > MAX_PARTS or any(s >= e for s, e in parts) \
                or any(e > t for (_, e), (t, _) in pairwise(parts)):
            return None
        start, end = parts[0][0], parts[-1][1]
        if not len(wrap[0]) <= start < end <= len(buffer) - len(wrap[1]):
            return None
        before, after = wrap
        at = start - len(before)
        view = memoryview(buffer)

        starts = [s for s, _ in parts]

        def read(byte: int, _: Point) -> bytes:
            if at <= byte < start:
                return before[byte - at:]
            i = bisect_right(starts, byte) - 1  # the part it is in (a class may declare thousands)
            if i >= 0 and byte < parts[i][1]:
                return bytes(view[byte:parts[i][1]])
            return after[byte - end:] if end <= byte < end + len(after) else b""
        rows = self._rows.get(path)
        if rows is None:
            rows = self._rows[path] = line_starts(buffer)
        first = Point(*byte_point(rows, at))
        ranges = [Range(first, Point(first.row, first.column + len(before)), at, start)]
        for s, e in parts:
            ranges.append(Range(Point(*byte_point(rows, s)), Point(*byte_point(rows, e)), s, e))
        if after:
            last = Point(*byte_point(rows, end))
            ranges.append(Range(last, Point(last.row, last.column + len(after)), end, end + len(after)))
        if self._parser is None:
            self._parser = new_parser("apex")
        self._parser.included_ranges = ranges
        nodes = _nodes(self._parser.parse(read), ref)
        return nodes if nodes is not None and not any(n.has_error for n in nodes) else None


def _parts(ref: BodyRef) -> list[tuple[int, int]]:
    """The byte ranges `ref` covers: its block's, or each of its field declarations'."""
    if ref.node_type == FIELDS:
        return list(zip(ref.parts[::2], ref.parts[1::2], strict=True)) if len(ref.parts) % 2 == 0 else []
    return [(ref.start_byte, ref.end_byte)]


def _nodes(tree: Tree, ref: BodyRef) -> list[Node] | None:
    """The nodes of `ref`'s block or field declarations in `tree`, if each spans exactly the same
    bytes."""
    node_type = "field_declaration" if ref.node_type == FIELDS else ref.node_type
    out = []
    for start, end in _parts(ref):
        node: Node | None = tree.root_node.descendant_for_byte_range(start, end)
        # the smallest node over the range may be a child spanning all of it (a trigger body's block)
        while node is not None and node.type != node_type and node.start_byte >= start and node.end_byte <= end:
            node = node.parent
        if node is None or node.type != node_type or (node.start_byte, node.end_byte) != (start, end):
            return None
        out.append(node)
    return out or None
