"""Apex method bodies lowered in the main process, the first time an analysis reads one.

Worker processes lower an Apex file's declarations, and the bodies that hold something the
package model needs before any analysis runs (a session source, a token literal; suppression
directives are read from the whole file). Every other body stays a `BodyRef`: its byte range in
the file. The demand-driven analyses read a few hundred bodies of a package's thousands; for
each, the file is read and parsed again here (a handful of files, each once) and only that block
is lowered, by the same code, so the statements are the ones the worker would have produced.

The package model owns the loader (`PackageModel.body()`), so the analyses never see a tree:
the lowering stage still does all the tree walking, only later. A file that changed since it
was read, or cannot be read or parsed any more, gives an empty body and a notification: the scan
goes on.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Protocol

from tree_sitter import Node, Tree

from apexlint.ir import BodyRef, NoticeLevel, Notification, Param, Stmt
from apexlint.lower.apex import _FileLowering
from apexlint.lower.secrets import clip
from apexlint.read.decode import ReadLimits, read_file_bytes, read_source
from apexlint.read.parsers import parse

# Parsed files kept for the next body: the analysis comes back to a file for another body, in no
# useful order (DLRS: 1,062 bodies from 64 files, which 16 kept files parsed 141 times). Kept
# by source size: a syntax tree takes about 22 times its file's bytes (58 MB for 2.6 MB of Apex).
OPEN_BYTES = 2_000_000
OPEN_FILES = 16  # kept whatever their size
EMPTY_BODY: tuple[tuple[Stmt, ...], tuple[Param, ...]] = ((), ())


class BodyCache(Protocol):
    """Where bodies lowered by an earlier scan of the same content are kept (apexlint.cache)."""

    def body(self, rel: str, span: tuple[int, int]) -> object | None: ...

    def put_body(self, rel: str, span: tuple[int, int], value: object) -> None: ...


class BodyLoader:
    def __init__(self, files: dict[str, tuple[Path, str]], limits: ReadLimits,
                 cache: BodyCache | None = None) -> None:
        self.files = files  # report path -> (file on disk, namespace)
        self.limits = limits
        self.cache = cache  # bodies lowered by an earlier scan of the same content
        self.notes: list[Notification] = []
        self._open: OrderedDict[str, tuple[_FileLowering, Tree]] = OrderedDict()
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
        node: Node | None = tree.root_node.descendant_for_byte_range(ref.start_byte, ref.end_byte)
        # the smallest node over the range may be a child spanning all of it (a trigger body's block)
        while node is not None and node.type != ref.node_type and node.start_byte >= ref.start_byte \
                and node.end_byte <= ref.end_byte:
            node = node.parent
        if node is None or node.type != ref.node_type or (node.start_byte, node.end_byte) != (
                ref.start_byte, ref.end_byte):
            self._fail(ref.path, "changed while it was being scanned")
            return EMPTY_BODY
        before = len(lowering.notes)
        body = lowering.lower_block(node, ref.owner, ref.is_test)
        self.notes.extend(lowering.notes[before:])
        if self.cache is not None and len(lowering.notes) == before:  # a body with a note is lowered anew
            self.cache.put_body(ref.path, span, body)
        return body

    def _file(self, path: str) -> tuple[_FileLowering, Tree] | None:
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
        data, _ = read_file_bytes(where[0], path, self.limits.max_file_bytes)
        src = read_source(path, data, where[1], self.limits)[0] if data is not None else None
        if src is None:
            self._fail(path, "can no longer be read")
            return None
        opened = (_FileLowering(src), parse("apex", src.buffer))
        self._open[path] = opened
        self._open_bytes += len(src.buffer)
        while len(self._open) > OPEN_FILES and self._open_bytes > OPEN_BYTES:
            self._open_bytes -= len(self._open.popitem(last=False)[1][0].src.buffer)
        return opened

    def _fail(self, path: str, why: str) -> None:
        if path not in self._failed:
            self._failed.add(path)
            self.notes.append(Notification(
                code="file-changed", level=NoticeLevel.WARNING, path=path,
                message=f"the file {why}: its method bodies are not analysed"))
