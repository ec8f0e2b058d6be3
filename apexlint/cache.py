"""Cache of lowered forms under `.apexlint_cache/`, keyed per file by content hash and version.

One file per scanned root (`scan-<hash of the root>.pickle`) holds every file's entry: its path,
its key (a hash of the content, the tool version and everything else the lowered form depends on)
and its lowered form. A lookup matches path and key, so an entry is used only for the exact
content it was made from. The main process reads the bundle once and writes it once, at the end
of the lowering stage: a per-file entry costs a create, a write and a rename each (1 s for NPSP's
2,466 files on this project's machine, more than lowering them), a bundle one. Entries of files
the scan did not cover are kept, so scanning a subset (a pre-commit run) does not empty it.

The bundle is a pickle behind a header holding a SHA-256 of the payload: anything that does not
verify (truncated, corrupted, written by another version) is discarded and recomputed, never
trusted. It is written to a temporary file renamed into place, so a concurrent scan never sees
half of one; when two scans of one root race, the last one's bundle wins.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from apexlint.lower import Lowered

MAGIC = b"APEXLINT-CACHE-2\n"


@functools.cache
def code_fingerprint() -> str:
    """A hash of apexlint's own source: entries from other code (a development checkout) never match."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


class LoweringCache:
    def __init__(self, root: Path, tool_version: str, scope: str) -> None:
        self.dir = root / f"{tool_version}-{code_fingerprint()}"
        self.path = self.dir / f"scan-{hashlib.sha256(scope.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}.pickle"
        self._entries: dict[str, tuple[str, Lowered]] | None = None  # path -> (key, lowered form)
        self._new: dict[str, tuple[str, Lowered]] = {}

    def get(self, rel: str, key: str) -> Lowered | None:
        entry = self._loaded().get(rel)
        return entry[1] if entry is not None and entry[0] == key else None

    def put(self, rel: str, key: str, value: Lowered) -> None:
        self._new[rel] = (key, value)

    def save(self) -> None:
        """Write the bundle if anything changed; a read-only or full disk only costs speed."""
        old = self._loaded()
        if all(old.get(rel, ("",))[0] == entry[0] for rel, entry in self._new.items()):
            return
        payload = pickle.dumps({**old, **self._new}, protocol=pickle.HIGHEST_PROTOCOL)
        blob = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, self.path)
        except OSError:
            return

    def _loaded(self) -> dict[str, tuple[str, Lowered]]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[str, tuple[str, Lowered]]:
        try:
            raw = self.path.read_bytes()
        except OSError:
            return {}
        payload = _verified(raw)
        try:
            value = pickle.loads(payload) if payload is not None else None
        except Exception:
            value = None
        if not isinstance(value, dict) or not all(
                isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], Lowered) for v in value.values()):
            _discard(self.path)
            return {}
        return value


def _verified(raw: bytes) -> bytes | None:
    if not raw.startswith(MAGIC):
        return None
    rest = raw[len(MAGIC):]
    digest, sep, payload = rest.partition(b"\n")
    if not sep or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    return payload


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
