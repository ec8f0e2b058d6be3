"""Per-file cache of lowered forms under `.apexlint_cache/`, keyed by content hash and version.

An entry is a pickle behind a header holding a SHA-256 of the payload: anything that does not
verify (truncated, corrupted, written by another version) is discarded and recomputed, never
trusted. Writes go to a temporary file renamed into place, so concurrent workers never see a
half-written entry.
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

MAGIC = b"APEXLINT-CACHE-1\n"


@functools.cache
def code_fingerprint() -> str:
    """A hash of apexlint's own source: entries from other code (a development checkout) never match."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


class LoweringCache:
    def __init__(self, root: Path, tool_version: str) -> None:
        self.dir = root / f"{tool_version}-{code_fingerprint()}"

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Lowered | None:
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        payload = _verified(raw)
        if payload is None:
            _discard(path)
            return None
        try:
            value = pickle.loads(payload)
        except Exception:
            _discard(path)
            return None
        return value if isinstance(value, Lowered) else None

    def put(self, key: str, value: Lowered) -> None:
        path = self._path(key)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        blob = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except OSError:
            return  # a read-only or full disk only costs speed


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
