"""Cache of lowered forms under `.apexlint_cache/`, keyed per file by content hash and version.

One file per scanned root (`scan-<hash of the root>.pickle`) holds every file's entry: its path,
its key (a hash of the content, the tool version and everything else the lowered form depends on)
and its lowered form. A lookup matches path and key, so an entry is used only for the exact
content it was made from. The main process reads the bundle once and writes it once, at the end
of the scan: a per-file entry costs a create, a write and a rename each (1 s for NPSP's
2,466 files on this project's machine, more than lowering them), a bundle one. Entries of files
the scan did not cover are kept, so scanning a subset (a pre-commit run) does not empty it,
unless their file is gone.

The bundle starts with an index (each entry's key, stamp, place in the file and SHA-256 digest;
the method bodies) behind a header holding an HMAC-SHA-256 of it, keyed by a secret kept outside
the scanned tree (`$XDG_CACHE_HOME/apexlint/cache-key`, created on first use, mode 0600); the
entries' pickles follow. Unpickling runs code, and `.apexlint_cache/` lives in the repository
being scanned: a pull request could commit a crafted bundle, and a plain checksum would let it
run in CI. Without the key an index never verifies, and an entry is unpickled only once its bytes
match the digest the verified index holds, so a re-scan that needs a few entries reads and
checks only those. Anything that does not verify (forged, truncated, corrupted, written by
another version or machine) is discarded and recomputed, never trusted: a whole bundle whose
index fails, a single entry whose digest does. When no key can be stored, one for this process
only is used, and the cache lasts one scan. Results, analyses and deltas are sealed whole.

A file whose size, modification time and lowering options are those recorded is not read at
all (as make and most linters' caches do); any other is read, hashed and matched by content.
A modification time within `RACY_NS` of the scan's start (or after it) is recorded as 0, which
never matches: file systems count time in ticks, and a file rewritten at the same size in the tick
this scan read it in would otherwise keep a stamp that names the content before ("racily clean",
as git says). The next scan reads and hashes such a file (no lowering if it is the same) and
records its stamp once it is older.
The bundle is written to a temporary file renamed into place, so a concurrent scan never sees
half of one; when two scans of one root race, the last one's bundle wins.

A scan that changed little writes only what changed, to a delta beside the bundle
(`scan-<hash>.delta`, sealed the same way and naming the seal of the bundle it applies to), until
the changes outgrow an eighth of the bundle; then the bundle is written whole and the delta
removed. Rewriting 16 MB was a tenth of a re-scan of the generated 2,000-class package after a
one-class change. A delta made for another bundle (another scan rewrote it) is ignored.

The last scan's whole result is kept beside the bundle (`scan-<hash>.result`, sealed the same
way), under a key made of every file's stamp, the discovered project, the scan's options and the
rule catalogue (see `engine.result_key`): a scan in which none of these differs returns it without
reading the bundle, any file or analysing anything again. One result is kept, the last scan's,
with its token-shaped secrets redacted like every result the engine returns. Beside it,
`scan-<hash>.analysis` keeps what the last analysis found and read, so that a scan whose changed
files changed nothing it read does not analyse again (see `apexlint.reuse`); it is redacted too.

Each tool version (and apexlint code) has a folder of its own under the cache root. Writing a
whole bundle removes the folders of other versions but the two written most recently, so that
upgrades do not pile up; two versions used in turn on one checkout keep their caches.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import itertools
import os
import pickle
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from apexlint.discover.observed import RACY_NS
from apexlint.patterns import lazy

if TYPE_CHECKING:
    from collections.abc import Iterable

    from apexlint.discover.project import DiscoveredFile
    from apexlint.lower import Lowered

MAGIC = b"APEXLINT-CACHE-8\n"  # a sealed payload: result, analysis, delta
BUNDLE_MAGIC = b"APEXLINT-BUNDLE-8\n"  # a sealed index followed by the entries' pickles
DELTA_SHARE = 8  # a delta is written while its entries weigh at most 1/8 of the bundle's
KEEP_VERSIONS = 3  # version folders kept: this one and the two written last before it
_VERSION_DIR = lazy(r"[0-9][0-9A-Za-z.+!_-]*-[0-9a-f]{12}")  # `0.1.0-<code fingerprint>`


@functools.cache
def code_fingerprint() -> str:
    """A hash of apexlint's own source: entries from other code (a development checkout, an
    upgrade) never match."""
    return source_fingerprint(os.path.dirname(os.path.realpath(__file__)))


def source_fingerprint(package: str) -> str:
    """A hash of the `.py` files under `package`. Each counts by its name, size and modification
    time, as a scanned file's stamp does (76 `stat`s where reading and hashing the files with
    pathlib was 3 ms of every scan), and by its content while that time is too recent to trust
    (see `RACY_NS` in the module's docstring)."""
    sources: list[str] = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        sources.extend(os.path.join(folder, name) for name in names if name.endswith(".py"))
    trusted_before = time.time_ns() - RACY_NS
    h = hashlib.sha256()
    for path in sorted(sources, key=lambda p: os.path.relpath(p, package).replace(os.sep, "/")):
        st = os.stat(path)
        h.update(os.path.relpath(path, package).replace(os.sep, "/").encode() + b"\0")
        if _trusted_mtime(st.st_mtime_ns, trusted_before):
            h.update(b"%d:%d\0" % (st.st_size, st.st_mtime_ns))
        else:
            with open(path, "rb") as source:
                h.update(source.read())
    return h.hexdigest()[:12]


def _trusted_mtime(mtime_ns: int, trusted_before: int) -> int:
    """`mtime_ns` if it is older than `trusted_before` (the scan's start less `RACY_NS`), else 0."""
    return mtime_ns if 0 < mtime_ns < trusted_before else 0


class FileStamp(NamedTuple):
    """What identifies a file's content without reading it: size and modification time, and
    how it is lowered (kind, namespace, options). A match skips reading and hashing the file.
    A named tuple: a bundle holds one per file, and a dataclass's pickle restores its state
    field by field (a quarter of reading the generated 2,000-class package's bundle)."""

    size: int
    mtime_ns: int
    how: str


class _Region:
    """The entries' pickles of a bundle, after its index: read from the file only when used, the
    first few one by one (a re-scan needs the changed files' old forms), then all at once (a warm
    scan needs every one). A bundle replaced meanwhile by another scan gives bytes that fail
    their digests: such entries are missing, never wrong."""

    SINGLE_READS = 8

    def __init__(self, path: Path, start: int, size: int) -> None:
        self.path, self.start, self.size = path, start, size
        self._reads = 0
        self._data: bytes | None = None

    def read(self, at: int, length: int) -> bytes:
        if self._data is None and self._reads < self.SINGLE_READS:
            self._reads += 1
            return self._read(self.start + at, length)
        if self._data is None:
            self._data = self._read(self.start, self.size)
        return self._data[at:at + length]

    def _read(self, at: int, length: int) -> bytes:
        try:
            with self.path.open("rb") as fh:
                fh.seek(at)
                return fh.read(length)
        except OSError:
            return b""


# A lowered form's pickle inside the bundle as read: where it lies, its length, and the SHA-256
# digest the sealed index holds for it. It is read and checked when used: a re-scan that needs one
# entry does not read, hash and unpickle the whole bundle (26 ms of the generated 2,000-class
# package's 12 MB). Plain tuples, stamps too: the index of 3,880 entries unpickles in C, without
# a Python call per entry.
_Stored = tuple[_Region, int, int, bytes]
_Stamp = tuple[int, int, str]  # a FileStamp, or the plain tuple a bundle's index keeps of one
_Entry = tuple[str, _Stamp, bytes | _Stored]  # key, stamp, the lowered form pickled on its own


def _bytes(blob: bytes | _Stored) -> bytes | None:
    """The pickle's bytes, if they are the ones sealed (None: damaged, never used)."""
    if isinstance(blob, bytes):
        return blob
    region, at, length, digest = blob
    data = region.read(at, length)
    return data if hmac.compare_digest(hashlib.sha256(data).digest(), digest) else None


def _size(blob: bytes | _Stored) -> int:
    return len(blob) if isinstance(blob, bytes) else blob[2]


_Bodies = tuple[str, dict[tuple[int, int], bytes]]  # the file's key, body byte range -> (stmts, locals)


class LoweringCache:
    def __init__(self, root: Path, tool_version: str, scope: str, base: Path | None = None) -> None:
        self.dir = root / f"{tool_version}-{code_fingerprint()}"
        self.base = base  # what report paths are relative to: entries of files gone from it are dropped
        self.path = self.dir / f"scan-{hashlib.sha256(scope.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}.pickle"
        self.delta_path = self.path.with_suffix(".delta")
        self.result_path = self.path.with_suffix(".result")
        self.analysis_path = self.path.with_suffix(".analysis")
        self.discovery_path = self.path.with_suffix(".discovery")
        self.catalogue_path = self.dir / "catalogue.pickle"  # not per root: the code's own rules
        # Entries keep their forms pickled one by one: a re-scan that changed one file writes
        # the bundle again without pickling every other form anew.
        self._entries: dict[str, _Entry] | None = None
        self._bodies: dict[str, _Bodies] = {}
        # the bundle as read, before its delta: what a delta is made against
        self._base: tuple[bytes, dict[str, _Entry], dict[str, _Bodies], int] | None = None
        self._new: dict[str, _Entry] = {}
        self._new_bodies: dict[str, dict[tuple[int, int], bytes]] = {}
        self._keys: dict[str, str] = {}  # path -> the key of the content this scan uses
        # modification times from here on are too close to the scan to tell contents apart
        self.trusted_before = time.time_ns() - RACY_NS

    def trusted_mtime(self, mtime_ns: int) -> int:
        """`mtime_ns` if it tells this content from a later one (old enough), else 0."""
        return _trusted_mtime(mtime_ns, self.trusted_before)

    def stamps(self, files: Iterable[DiscoveredFile]) -> tuple[tuple[int, int], ...]:
        """Each file's size and modification time as discovery saw them, the time 0 where too
        recent to trust: what says, without reading it, that a file is as a scan before saw it
        (the remembered result's key, the analysis memo)."""
        trusted = self.trusted_mtime
        return tuple((f.size, trusted(f.mtime_ns)) for f in files)

    def adopt(self, keys: dict[str, str]) -> None:
        """Take `keys` (path -> key) as the keys of the contents this scan uses, known from a
        trusted stamp elsewhere (apexlint.reuse) without looking the entries up."""
        self._keys.update(keys)

    def has_entry(self, rel: str) -> bool:
        """Whether the cache holds any form of `rel` (for some content)."""
        return rel in self._loaded()

    def key_of(self, rel: str) -> str | None:
        """The key of the content this scan used for `rel` (None: not cached, as for a file that
        could not be read)."""
        return self._keys.get(rel)

    def result(self, key: str) -> object | None:
        """The last scan's result, if it was made under `key` (the bundle is not read)."""
        read = _read_sealed(self.result_path)
        if read is None or read[1].get("key") != key:
            return None
        return _loaded_blob(read[1].get("result"))

    def put_result(self, key: str, value: object) -> None:
        """Keep this scan's result; a disk that says no only costs the next scan time."""
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        _write(self.result_path, pickle.dumps({"key": key, "result": blob}, protocol=pickle.HIGHEST_PROTOCOL))

    def analysis(self) -> object | None:
        """What the last scan's analysis found and read (see apexlint.reuse); not the bundle."""
        return _blob_in(self.analysis_path, "analysis")

    def put_analysis(self, blob: bytes) -> None:
        """Keep what this scan's analysis found and read (pickled by the caller)."""
        _blob_out(self.analysis_path, "analysis", blob)

    def discovery(self) -> object | None:
        """What the last scan's discovery found and looked at (see apexlint/discover/recall.py)."""
        return _blob_in(self.discovery_path, "discovery")

    def put_discovery(self, blob: bytes) -> None:
        """Keep what this scan's discovery found and looked at (pickled by the caller)."""
        _blob_out(self.discovery_path, "discovery", blob)

    def catalogue(self) -> object | None:
        """The rule catalogue as parsed by a scan before, with its files' digest (see
        `catalogue.remembered_catalogue`)."""
        return _blob_in(self.catalogue_path, "catalogue")

    def put_catalogue(self, blob: bytes) -> None:
        """Keep the parsed rule catalogue (pickled by the caller)."""
        _blob_out(self.catalogue_path, "catalogue", blob)

    def report(self, fmt: str) -> object | None:
        """The last report written in format `fmt`, with its inputs' digest (see
        `report.remembered`)."""
        return _blob_in(self._report_path(fmt), "report")

    def put_report(self, fmt: str, blob: bytes) -> None:
        """Keep a report's text (pickled by the caller)."""
        _blob_out(self._report_path(fmt), "report", blob)

    def _report_path(self, fmt: str) -> Path:
        return self.path.with_suffix(f".report-{fmt}" if fmt.isalnum() else ".report-other")

    def unchanged(self, rel: str, stamp: FileStamp) -> Lowered | None:
        """The entry of a file whose stamp is the one recorded (0 mtimes never match)."""
        entry = self._stamped(rel, stamp)
        value = _unpickled(entry[2]) if entry is not None else None
        if entry is not None and value is not None:
            self._keys[rel] = entry[0]
        return value

    def known(self, rel: str, stamp: FileStamp) -> str | None:
        """The key of a file whose stamp is the one recorded, taken as this scan's without
        unpickling its entry (None: the stamp differs, or 0 mtimes)."""
        entry = self._stamped(rel, stamp)
        if entry is None:
            return None
        self._keys[rel] = entry[0]
        return entry[0]

    def get(self, rel: str, key: str, stamp: FileStamp) -> Lowered | None:
        """The entry for this exact content (the stamp is recorded anew if it changed)."""
        entry = self._keyed(rel, key)
        value = _unpickled(entry[2]) if entry is not None else None
        if entry is not None and value is not None:
            self._use(rel, entry, stamp)
        return value

    def refresh(self, rel: str, key: str, stamp: FileStamp) -> bool:
        """Whether the cache holds this exact content of `rel`; if so it is this scan's, under
        its new stamp (its entry is not unpickled)."""
        entry = self._keyed(rel, key)
        if entry is not None:
            self._use(rel, entry, stamp)
        return entry is not None

    def stored(self, rel: str, key: str) -> Lowered | None:
        """The lowered form of the content of `rel` that had `key`, if the cache still holds it."""
        entry = self._keyed(rel, key)
        return _unpickled(entry[2]) if entry is not None else None

    def _stamped(self, rel: str, stamp: FileStamp) -> _Entry | None:
        entry = self._entry(rel)
        return entry if entry is not None and stamp.mtime_ns != 0 and entry[1] == stamp else None

    def _keyed(self, rel: str, key: str) -> _Entry | None:
        entry = self._entry(rel)
        return entry if entry is not None and entry[0] == key else None

    def _use(self, rel: str, entry: _Entry, stamp: _Stamp) -> None:
        self._keys[rel] = entry[0]
        stamp = self._trusted(stamp)
        if entry[1] != stamp:
            self._new[rel] = (entry[0], stamp, entry[2])

    def _trusted(self, stamp: _Stamp) -> _Stamp:
        """The stamp to record: its modification time 0 when too recent to trust (see above)."""
        mtime_ns = self.trusted_mtime(stamp[1])
        return stamp if mtime_ns == stamp[1] else FileStamp(stamp[0], mtime_ns, stamp[2])

    def _entry(self, rel: str) -> _Entry | None:
        """This scan's entry for `rel` if it made one, else the bundle's."""
        return self._new.get(rel) or self._loaded().get(rel)

    def put(self, rel: str, key: str, stamp: FileStamp, value: Lowered | bytes) -> None:
        """Record a lowered form (or its pickle, as a worker sent it)."""
        blob = value if isinstance(value, bytes) else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._new[rel] = (key, self._trusted(stamp), blob)
        self._keys[rel] = key

    def body(self, rel: str, span: tuple[int, int], key: str | None = None) -> object | None:
        """A method body lowered in an earlier scan of the same content (see lower/lazy.py): the
        content this scan uses, or the one with `key`."""
        key = key or self._keys.get(rel)
        stored = self._bodies.get(rel)
        if key is None or stored is None or stored[0] != key or span not in stored[1]:
            return None
        try:
            value: object = pickle.loads(stored[1][span])
        except Exception:
            return None
        return value

    def put_body(self, rel: str, span: tuple[int, int], value: object) -> None:
        if rel in self._keys:
            self._new_bodies.setdefault(rel, {})[span] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def save(self) -> None:
        """Write the bundle if anything changed; a read-only or full disk only costs speed."""
        if not self._new and not self._new_bodies:
            return
        entries = {**self._loaded(), **self._new}
        if self.base is not None:  # files deleted or renamed since they were cached
            entries = {rel: e for rel, e in entries.items()
                       if rel in self._keys or (self.base / rel.split("!/", 1)[0]).exists()}
        bodies: dict[str, _Bodies] = {}
        for rel, (key, stored) in self._bodies.items():
            if rel in entries and entries[rel][0] == key:
                bodies[rel] = (key, dict(stored))
        for rel, new in self._new_bodies.items():
            key = self._keys[rel]
            kept = bodies[rel][1] if rel in bodies and bodies[rel][0] == key else {}
            bodies[rel] = (key, {**kept, **new})
        delta = self._delta(entries, bodies)
        if delta is not None and _write(self.delta_path, pickle.dumps(delta, protocol=pickle.HIGHEST_PROTOCOL)):
            return
        if _write_bundle(self.path, entries, bodies):
            _discard(self.delta_path)
            self._prune_versions()

    def _prune_versions(self) -> None:
        """Remove other versions' folders beyond the few written most recently: each upgrade
        (and, in a development checkout, each edit of apexlint) starts a folder of its own."""
        try:
            with os.scandir(self.dir.parent) as listing:
                others = [(entry.stat(follow_symlinks=False).st_mtime_ns, entry.path) for entry in listing
                          if entry.name != self.dir.name and _VERSION_DIR.fullmatch(entry.name)
                          and entry.is_dir(follow_symlinks=False)]
        except OSError:
            return
        import shutil  # with its compression modules: only when a whole bundle is written

        for _, path in sorted(others, reverse=True)[KEEP_VERSIONS - 1:]:
            shutil.rmtree(path, ignore_errors=True)

    def _delta(self, entries: dict[str, _Entry], bodies: dict[str, _Bodies]) -> dict[str, object] | None:
        """What changed since the bundle as read, if small enough to be written on its own."""
        if self._base is None:
            return None
        seal, base_entries, base_bodies, base_size = self._base
        changed = {rel: (e[0], e[1], data) for rel, e in entries.items()
                   if base_entries.get(rel) != e and (data := _bytes(e[2])) is not None}
        changed_bodies = {rel: b for rel, b in bodies.items() if base_bodies.get(rel) != b}
        size = sum(_size(e[2]) for e in changed.values()) + sum(
            len(blob) for _, stored in changed_bodies.values() for blob in stored.values())
        if size > base_size // DELTA_SHARE:
            return None
        return {"base": seal, "entries": changed, "bodies": changed_bodies,
                "dropped": sorted(set(base_entries) - set(entries)),
                "dropped_bodies": sorted(set(base_bodies) - set(bodies))}

    def _loaded(self) -> dict[str, _Entry]:
        if self._entries is None:
            self._entries, self._bodies = self._read()
        return self._entries

    def _read(self) -> tuple[dict[str, _Entry], dict[str, _Bodies]]:
        read = _read_bundle(self.path)
        if read is None:
            return {}, {}
        seal, entries, bodies = read
        self._base = (seal, entries, bodies, sum(_size(e[2]) for e in entries.values()))
        delta = _read_sealed(self.delta_path)
        if delta is None:
            return entries, bodies
        changed, changed_bodies = delta[1].get("entries"), delta[1].get("bodies")
        dropped, dropped_bodies = delta[1].get("dropped"), delta[1].get("dropped_bodies")
        if delta[1].get("base") != seal or not _well_formed(changed, changed_bodies) \
                or not isinstance(dropped, list) or not isinstance(dropped_bodies, list):
            return entries, bodies  # made for another bundle: its changes are in neither
        assert isinstance(changed, dict) and isinstance(changed_bodies, dict)
        gone, gone_bodies = set(dropped), set(dropped_bodies)
        entries = {rel: e for rel, e in entries.items() if rel not in gone} | changed
        bodies = {rel: b for rel, b in bodies.items() if rel not in gone_bodies} | changed_bodies
        return entries, bodies


def _read_sealed(path: Path) -> tuple[bytes, dict[str, object]] | None:
    """The seal and the unpickled payload of a bundle or delta that verifies; one that does not
    is removed (None); so is a missing one (None)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    verified = _verified(raw)
    try:
        value = pickle.loads(verified[1]) if verified is not None else None
    except Exception:
        value = None
    if verified is None or not isinstance(value, dict):
        _discard(path)
        return None
    return verified[0], value


def _blob_in(path: Path, name: str) -> object | None:
    read = _read_sealed(path)
    return None if read is None else _loaded_blob(read[1].get(name))


def _blob_out(path: Path, name: str, blob: bytes) -> None:
    """Keep `blob` (a pickle) sealed in `path` under `name`, for `_blob_in`."""
    _write(path, pickle.dumps({name: blob}, protocol=pickle.HIGHEST_PROTOCOL))


def _loaded_blob(blob: object) -> object | None:
    try:
        value: object = pickle.loads(blob) if isinstance(blob, bytes) else None
    except Exception:
        return None
    return value


def _is_stamp(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], int) \
        and isinstance(value[1], int) and isinstance(value[2], str)


def _well_formed(entries: object, bodies: object) -> bool:
    return isinstance(entries, dict) and isinstance(bodies, dict) and all(
        isinstance(v, tuple) and len(v) == 3 and _is_stamp(v[1]) and isinstance(v[2], bytes)
        for v in entries.values()) and all(
        isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], dict) for v in bodies.values())


def _read_bundle(path: Path) -> tuple[bytes, dict[str, _Entry], dict[str, _Bodies]] | None:
    """The seal, entries and bodies of a bundle whose index verifies (each entry is read and
    checked against its digest when used); one that does not is removed (None); so is a missing
    one.

    A bundle is `BUNDLE_MAGIC`, the index's seal, the index's length, the index (each entry's
    key, stamp, place and SHA-256 digest; the method bodies), then the entries' pickles end to end.
    """
    try:
        with path.open("rb") as fh:
            magic, seal, size = fh.readline(), fh.readline().rstrip(b"\n"), fh.readline().rstrip(b"\n")
            if magic != BUNDLE_MAGIC or not size.isdigit():
                raise ValueError
            index = fh.read(int(size))
            start, total = fh.tell(), os.fstat(fh.fileno()).st_size
    except ValueError:
        _discard(path)
        return None
    except OSError:
        return None
    parsed = _parse_index(index, int(size), seal, _Region(path, start, total - start))
    if parsed is None:
        _discard(path)
    return None if parsed is None else (seal, *parsed)


def _parse_index(index: bytes, size: int, seal: bytes, region: _Region
                 ) -> tuple[dict[str, _Entry], dict[str, _Bodies]] | None:
    if len(index) != size or not hmac.compare_digest(_seal(index), seal):
        return None
    try:
        value = pickle.loads(index)
    except Exception:
        return None
    entries, bodies = value.get("entries") if isinstance(value, dict) else None, \
        value.get("bodies") if isinstance(value, dict) else None
    if not isinstance(entries, dict) or not _well_formed({}, bodies):
        return None
    assert isinstance(bodies, dict)
    checked: dict[str, _Entry] = {}
    end = region.size
    for rel, v in entries.items():  # checked as they are unpacked: one pass over NPSP's 2,466, not two
        if not (isinstance(v, tuple) and len(v) == 5):
            return None
        key, stamp, at, length, digest = v
        if not (isinstance(key, str) and _is_stamp(stamp) and isinstance(at, int) and isinstance(length, int)
                and 0 <= at <= at + length <= end and isinstance(digest, bytes)):
            return None
        checked[rel] = (key, stamp, (region, at, length, digest))
    return checked, bodies


def _write_bundle(path: Path, entries: dict[str, _Entry], bodies: dict[str, _Bodies]) -> bool:
    """Write a bundle (see `_read_bundle`); an entry whose bytes no longer verify is left out."""
    index: dict[str, tuple[str, _Stamp, int, int, bytes]] = {}
    blobs: list[bytes] = []
    at = 0
    for rel, (key, stamp, blob) in entries.items():
        data = _bytes(blob)
        if data is None:
            continue
        # an entry read from a bundle was just checked against its digest: not hashed again
        digest = blob[3] if not isinstance(blob, bytes) else hashlib.sha256(data).digest()
        index[rel] = (key, (stamp[0], stamp[1], stamp[2]), at, len(data), digest)
        blobs.append(data)
        at += len(data)
    sealed = pickle.dumps({"entries": index, "bodies": bodies}, protocol=pickle.HIGHEST_PROTOCOL)
    return _write_parts(path, [BUNDLE_MAGIC + _seal(sealed) + b"\n" + str(len(sealed)).encode() + b"\n", sealed,
                               *blobs])


def _write(path: Path, payload: bytes) -> bool:
    """Seal and write atomically (a temporary file renamed into place); False if the disk said no."""
    return _write_parts(path, [MAGIC + _seal(payload) + b"\n", payload])


def _write_parts(path: Path, parts: list[bytes]) -> bool:
    """Write `parts` end to end, atomically; False if the disk said no."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temporary(path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:  # in pieces: no second copy of a large payload
            for part in parts:
                fh.write(part)
        os.replace(tmp, path)
    except OSError:
        _discard(Path(tmp))  # a full disk, or a folder where the file should be: no debris left
        return False
    return True


def _temporary(folder: Path) -> tuple[int, str]:
    """A new file in `folder`, opened for writing, readable by this user only: what
    `tempfile.mkstemp` makes, without importing `tempfile` and `random` (2 ms of a re-scan's
    start-up). The name is this process's and a counter's; one that exists is never opened."""
    while True:
        name = os.path.join(folder, f".tmp-{os.getpid()}-{next(_TEMPORARIES)}")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), name
        except FileExistsError:
            continue


_TEMPORARIES = itertools.count()


def _unpickled(blob: bytes | _Stored) -> Lowered | None:
    from apexlint.lower import Lowered  # imported by whoever made the entries: no cost here
    data = _bytes(blob)
    if data is None:
        return None
    try:
        value = pickle.loads(data)
    except Exception:
        return None
    return value if isinstance(value, Lowered) else None


def _verified(raw: bytes) -> tuple[bytes, memoryview] | None:
    """The seal and the payload behind a header that verifies (a view: a large bundle is not
    copied)."""
    if not raw.startswith(MAGIC):
        return None
    end = raw.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    seal, payload = raw[len(MAGIC):end], memoryview(raw)[end + 1:]
    if not hmac.compare_digest(_seal(payload), seal):
        return None
    return seal, payload


def _seal(payload: bytes | memoryview) -> bytes:
    return hmac.new(cache_key(), payload, hashlib.sha256).hexdigest().encode()


@functools.cache
def cache_key() -> bytes:
    """This user's secret for sealing bundles, created on first use outside any scanned tree."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "apexlint" / "cache-key"
    with contextlib.suppress(OSError):
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    key = os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
    except FileExistsError:  # another scan made it first: use theirs
        with contextlib.suppress(OSError):
            theirs = path.read_bytes()
            if len(theirs) >= 32:
                return theirs
    except OSError:
        pass  # nowhere to keep it: this process's key, the cache lasts one scan
    return key


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
