"""A re-scan's discovery: the last walk's result, when nothing the walk looked at has changed.

Walking NPSP's 1,074 folders and classifying its 13,130 entries takes 75 ms, a third of a
re-scan. Checking that the walk would find the same (observed.py) is a `stat` per folder listed
and per path probed, and a new listing of the folders whose times moved (a file replaced by a
safe write); each file found is then stat'ed for its stamp, as every scan does. Any difference, a
missing or damaged record, or a record taken too close to a change (observed.py) means the tree
is walked again, and the new walk is kept for the next scan.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple, Protocol

from apexlint.discover import check_start, discover
from apexlint.discover.observed import Observed, Record, unchanged
from apexlint.discover.project import DiscoveredFile, Project
from apexlint.ir import FileKind


class Keeper(Protocol):
    """Where the record lives (the scan cache): read and written whole, sealed against tampering."""

    def discovery(self) -> object | None: ...

    def put_discovery(self, blob: bytes) -> None: ...


class Remembered(NamedTuple):
    """A walk's project, its files kept as rows by folder: unpickling a `Path` per file was most
    of reading the record back (NPSP's 2,466 files: 16 ms; as rows, 1 ms, and 6 ms to make the
    paths again, each from its folder's)."""

    key: str  # the scan's PATHs, root, exclusions and namespace
    record: Record
    project: Project  # without its files
    folders: tuple[str, ...]
    # (folder index, name, rel, kind, metadata type, namespace, content type): stamps are taken anew
    files: tuple[tuple[int, str, str, str, str | None, str, str | None], ...]


def _remembered(key: str, record: Record, project: Project) -> Remembered:
    folders: dict[str, int] = {}
    rows = []
    for f in project.files:
        folder, name = os.path.split(f.path)
        index = folders.setdefault(folder, len(folders))
        rows.append((index, name, f.rel, f.kind.value, f.metadata_type, f.namespace, f.content_type))
    return Remembered(key, record, replace(project, files=()), tuple(folders), tuple(rows))


def discover_remembered(paths: Sequence[Path], root: Path | None, exclude: Sequence[str],
                        namespace: str | None, keeper: Keeper | None) -> Project:
    """`discover(paths, root, exclude, namespace)`, from `keeper`'s record when it still holds."""
    if keeper is None:
        return discover(paths, root=root, exclude=exclude, namespace=namespace)
    check_start(paths, root)
    key = _key(paths, root, exclude, namespace)
    try:
        project, moved = _recalled(keeper.discovery(), key)
    except Exception:  # a record that cannot be checked is walked again, never trusted
        project, moved = None, None
    if project is not None:
        if moved is not None:  # folders whose times moved but not their entries: their new signatures
            with contextlib.suppress(Exception):
                keeper.put_discovery(pickle.dumps(moved, protocol=pickle.HIGHEST_PROTOCOL))
        return project
    observe = Observed()
    project = discover(paths, root=root, exclude=exclude, namespace=namespace, observe=observe)
    record = observe.record()
    if record is not None:
        # what cannot be kept is walked again next time; this scan is unaffected
        with contextlib.suppress(Exception):
            keeper.put_discovery(pickle.dumps(_remembered(key, record, project), protocol=pickle.HIGHEST_PROTOCOL))
    return project


def _key(paths: Sequence[Path], root: Path | None, exclude: Sequence[str], namespace: str | None) -> str:
    spelt = ([os.path.abspath(p) for p in paths], os.path.abspath(root if root is not None else os.getcwd()),
             list(exclude), namespace)
    return hashlib.sha256(repr(spelt).encode("utf-8", "surrogatepass")).hexdigest()


def _recalled(memo: object, key: str) -> tuple[Project | None, Remembered | None]:
    """The remembered project with every file's stamp taken now, or None to walk again; and the
    memo to keep instead of this one, if its record was brought up to date (observed.unchanged)."""
    if not isinstance(memo, Remembered) or memo.key != key:
        return None, None
    record = unchanged(memo.record)
    if record is None:
        return None, None
    # each folder's path with its separator, once: `os.path.join` per file was a tenth of a
    # re-scan once every file of the tree counted (searched for tokens)
    folders = [folder if folder.endswith(os.sep) else folder + os.sep for folder in memo.folders]
    files = []
    with _FolderHandles(memo.folders) as stat:
        for index, name, rel, kind, metadata_type, namespace, content_type in memo.files:
            try:
                found = stat(index, name)
            except OSError:
                return None, None  # gone since: its folder changed too, unless it was replaced meanwhile
            if not S_ISREG(found.st_mode):
                return None, None  # a link's target that became a folder: the walk lists it
            files.append(DiscoveredFile(folders[index] + name, rel, _KINDS[kind], metadata_type, found.st_size,
                                        namespace, content_type, found.st_mtime_ns))
    return replace(memo.project, files=tuple(files)), None if record is memo.record else memo._replace(record=record)


_KINDS = {kind.value: kind for kind in FileKind}


class _FolderHandles:
    """`stat(folder index, name)` for the files of remembered folders: through a handle on each
    folder where the system allows it (the kernel then resolves one name, not the whole path: 40 %
    less per file), else by the joined path. The handles are closed on leaving."""

    def __init__(self, folders: Sequence[str]) -> None:
        self.folders = folders
        self.handles: dict[int, int] = {}

    def __enter__(self) -> Callable[[int, str], os.stat_result]:
        return self.stat if os.stat in os.supports_dir_fd else self.stat_path

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles.values():
            os.close(handle)

    def stat(self, index: int, name: str) -> os.stat_result:
        handle = self.handles.get(index)
        if handle is None:
            handle = self.handles[index] = os.open(self.folders[index], os.O_RDONLY | os.O_DIRECTORY)
        return os.stat(name, dir_fd=handle)

    def stat_path(self, index: int, name: str) -> os.stat_result:
        return os.stat(os.path.join(self.folders[index], name))
