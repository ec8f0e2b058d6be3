"""A re-scan's discovery: the last walk's result, when nothing the walk looked at has changed.

Walking NPSP's 1,074 folders and classifying its 13,130 entries takes 75 ms, a third of a
re-scan. Checking that the walk would find the same (observed.py) is a `stat` per folder listed
and per path probed; each file found is then stat'ed for its stamp, as every scan does. Any
difference, a missing or damaged record, or a record taken too close to a change (observed.py)
means the tree is walked again, and the new walk is kept for the next scan.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple, Protocol

from apexlint.discover import check_start, discover
from apexlint.discover.observed import Observed, Record, unchanged
from apexlint.discover.project import Project


class Keeper(Protocol):
    """Where the record lives (the scan cache): read and written whole, sealed against tampering."""

    def discovery(self) -> object | None: ...

    def put_discovery(self, blob: bytes) -> None: ...


class Remembered(NamedTuple):
    key: str  # the scan's PATHs, root, exclusions and namespace
    record: Record
    project: Project


def discover_remembered(paths: Sequence[Path], root: Path | None, exclude: Sequence[str],
                        namespace: str | None, keeper: Keeper | None) -> Project:
    """`discover(paths, root, exclude, namespace)`, from `keeper`'s record when it still holds."""
    if keeper is None:
        return discover(paths, root=root, exclude=exclude, namespace=namespace)
    check_start(paths, root)
    key = _key(paths, root, exclude, namespace)
    try:
        project = _recalled(keeper.discovery(), key)
    except Exception:  # a record that cannot be checked is walked again, never trusted
        project = None
    if project is not None:
        return project
    observe = Observed()
    project = discover(paths, root=root, exclude=exclude, namespace=namespace, observe=observe)
    record = observe.record()
    if record is not None:
        # what cannot be kept is walked again next time; this scan is unaffected
        with contextlib.suppress(Exception):
            keeper.put_discovery(pickle.dumps(Remembered(key, record, project), protocol=pickle.HIGHEST_PROTOCOL))
    return project


def _key(paths: Sequence[Path], root: Path | None, exclude: Sequence[str], namespace: str | None) -> str:
    spelt = ([os.path.abspath(p) for p in paths], os.path.abspath(root if root is not None else os.getcwd()),
             list(exclude), namespace)
    return hashlib.sha256(repr(spelt).encode("utf-8", "surrogatepass")).hexdigest()


def _recalled(memo: object, key: str) -> Project | None:
    """The remembered project with every file's stamp taken now, or None to walk again."""
    if not isinstance(memo, Remembered) or memo.key != key or not unchanged(memo.record):
        return None
    files = []
    for found in memo.project.files:
        try:
            stat = os.stat(found.path)
        except OSError:
            return None  # gone since: its folder changed too, unless it was replaced meanwhile
        if not S_ISREG(stat.st_mode):
            return None  # a link's target that became a folder: the walk lists it
        if stat.st_size != found.size or stat.st_mtime_ns != found.mtime_ns:
            found = replace(found, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
        files.append(found)
    return replace(memo.project, files=tuple(files))

