"""What a discovery looked at on disk, so that a later scan can tell it would find the same.

A walk's result depends on three kinds of observation, and on nothing else:
- the folders it listed: the names of their entries and each entry's type (file, folder, link),
  not the entries' inodes or times;
- the paths it probed or read: marker files (`sfdx-project.json`, `package.xml`, `.forceignore`,
  `.git`), declared package folders, the scanned PATHs, static resources' `.resource-meta.xml`;
- the symbolic links it resolved.

`Observed` collects the paths while the walk runs; `Observed.record()` then takes each one's
signature (`os.stat`: type, inode, size, modification and change times; or the error) and each
link's resolution. A listed folder's change time moves whenever an entry is added, removed,
renamed or replaced (an editor's "safe write" too), or its permissions change; a probed file's
whenever its content does. The signatures are taken after the walk, so a change made during it
shows as a change time later than the walk's start, and such a record is not kept (`racy`, as
git says of its index): file systems count time in ticks, and a change within the tick of the
listing could otherwise leave the signature as it was.

A folder whose signature moved is listed again and its entries compared with the walk's (a
digest of names and types): an editor's safe write, a `git checkout` or `sed -i` replaces a file
by a new one of the same name, which moves the folder's times but not what the walk finds there
(NPSP's classes folder: 2 ms to list again, where walking the tree again takes 90 ms).

The files discovery finds are not observed: their sizes and modification times are the stamps
every scan takes anew.

What this cannot see: a network file system whose server's clock lags this machine's by more
than `RACY_NS` while the tree changes during a walk (the change would look older than the walk).
`--no-cache` walks every time.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

# A change time this close to the walk's start (or after it) leaves the record untrusted. Local
# file systems tick in milliseconds; FAT counts modification times in two-second steps.
RACY_NS = 3_000_000_000

Signature = tuple[int, ...]


class Record(NamedTuple):
    """What a walk observed, with each path's signature as the walk left it."""

    listed: tuple[tuple[str, Signature, bytes], ...]  # (folder, signature, digest of its entries)
    probed: tuple[tuple[str, bool, Signature], ...]  # (path, whether its content counts, signature)
    links: tuple[tuple[str, str], ...]


class Observed:
    """The paths one walk listed, probed and resolved (see the module's docstring)."""

    def __init__(self) -> None:
        self.listed: dict[str, bytes] = {}  # folder -> digest of its entries, as the walk listed them
        self.probed: dict[str, bool] = {}  # path -> whether its content counts, not only its type
        self.links: set[str] = set()
        self.start_ns = time.time_ns()

    def record(self) -> Record | None:
        """The signatures now; None when one of them changed after the walk began (see above)."""
        listed = tuple((path, signature(path), digest) for path, digest in self.listed.items())
        probed = tuple((path, full, signature(path, full)) for path, full in sorted(self.probed.items()))
        links = tuple((path, os.path.realpath(path)) for path in sorted(self.links))
        return _untouched_since(Record(listed, probed, links), self.start_ns)


def _untouched_since(record: Record, start_ns: int) -> Record | None:
    """`record`, unless a signature in it changed within `RACY_NS` of `start_ns` or after."""
    limit = start_ns - RACY_NS
    if any(sig[-1] >= limit for _, sig, _ in record.listed) or any(
            sig[-1] >= limit for _, full, sig in record.probed if full):
        return None
    return record


def signature(path: str, full: bool = True) -> Signature:
    """Type, inode, device, and (`full`) size, modification and change time of `path` (links
    followed, as the walk follows them); `(-errno, 0)` when it cannot be examined (a missing
    marker file). A folder's entries are in its full signature: its times change with them."""
    try:
        st = os.stat(path)
    except OSError as err:
        return (-(err.errno or 1), 0)
    if not full:
        return (st.st_mode, st.st_ino, st.st_dev)
    return (st.st_mode, st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def entries_digest(entries: Iterable[os.DirEntry[str]] | None) -> bytes:
    """A digest of a folder's entries, names and types, that the walk looks at: of the names
    starting with a dot, only plain files (`.env`, `.session`: searched for tokens), not hidden
    folders nor editors' swap files, which come and go; None: it could not be listed."""
    if entries is None:
        return b"unlisted"
    rows = []
    for entry in entries:
        kind = _kind(entry)
        if entry.name.startswith(".") and (kind != "f" or is_editor_scratch(entry.name)):
            continue
        rows.append(f"{entry.name}\0{kind}")
    rows.sort()
    return hashlib.blake2b("\n".join(rows).encode("utf-8", "surrogateescape"), digest_size=16).digest()


def is_editor_scratch(name: str) -> bool:
    """vim's swap files (`.A.cls.swp`, `.swo`...) and emacs' lock links (`.#A.cls`)."""
    return name.startswith(".#") or (name.startswith(".") and name[-4:-1] == ".sw" and "a" <= name[-1] <= "p")


def _kind(entry: os.DirEntry[str]) -> str:
    """The entry's own type, as the listing tells it (no system call): where a link leads is
    observed apart (the walk probes and resolves each link it meets)."""
    try:
        return "l" if entry.is_symlink() else "d" if entry.is_dir(follow_symlinks=False) else (
            "f" if entry.is_file(follow_symlinks=False) else "o")
    except OSError:
        return "?"


def listing_digest(path: str) -> bytes:
    """`entries_digest` of the folder as it is now."""
    try:
        with os.scandir(path) as listing:
            return entries_digest(listing)
    except OSError:
        return entries_digest(None)


def unchanged(record: Record) -> Record | None:
    """The record, when every path the walk observed is as it was (the same walk would find the
    same); None when not. A listed folder whose signature moved counts as it was if its entries
    are: the record returned then has the folder's new signature, so that the next scan need not
    list it again (the old record, still true, when the new signature is too recent to trust)."""
    moved = False
    listed = []
    for path, sig, digest in record.listed:
        now = signature(path)
        if now != sig:
            if listing_digest(path) != digest:
                return None
            moved = True
        listed.append((path, now, digest))
    if not (all(signature(path, full) == sig for path, full, sig in record.probed)
            and all(os.path.realpath(path) == real for path, real in record.links)):
        return None
    if not moved:
        return record
    return _untouched_since(record._replace(listed=tuple(listed)), time.time_ns()) or record


# -- the walk's hooks ---------------------------------------------------------------------------
# Discovery's helpers (markers.py) are plain functions called from many places; they report
# what they touch here rather than through a parameter each. Nothing is recorded outside
# `observing()`, and the walk runs in one thread.
_active: Observed | None = None


@contextmanager
def observing(observed: Observed | None) -> Iterator[None]:
    global _active
    previous, _active = _active, observed
    try:
        yield
    finally:
        _active = previous


def probe(path: Path | str, content: bool = True) -> None:
    """The walk reads `path` (`content`), or only asks whether it exists and of which type: for
    a folder, whether it is one, not what it holds (that is `listed`)."""
    if _active is not None:
        key = os.fspath(path)
        _active.probed[key] = content or _active.probed.get(key, False)


def listed(directory: Path | str, entries: Iterable[os.DirEntry[str]] | None) -> None:
    """The walk listed `directory`'s `entries` (None: it could not)."""
    if _active is not None:
        _active.listed[os.fspath(directory)] = entries_digest(entries)


def resolved(path: Path | str) -> None:
    """The walk resolves `path` through its symbolic links (`os.path.realpath`)."""
    if _active is not None:
        _active.links.add(os.fspath(path))
