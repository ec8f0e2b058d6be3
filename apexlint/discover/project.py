"""What discovery hands to the read stage: the files to scan, each with its kind and package."""

from __future__ import annotations

from pathlib import Path

from apexlint.ir import FileKind, Notification
from apexlint.records import frozen


class DiscoveryError(Exception):
    """The scan cannot start (a PATH that does not exist): the CLI prints it and exits 2."""


@frozen
class DiscoveredFile:
    """One file to read. `rel` is what reports show: relative, forward slashes, never absolute."""

    path: str  # absolute, resolved (text: making a `Path` per file was a fifth of a re-scan's discovery)
    rel: str
    kind: FileKind
    metadata_type: str | None = None  # "Workflow", "CustomObject", "NamedCredential", ...
    size: int = 0
    namespace: str = ""  # the namespace of the package this file belongs to
    content_type: str | None = None  # static resources: <contentType> of the .resource-meta.xml
    mtime_ns: int = 0  # when discovery saw it: lets a warm cache skip reading an unchanged file


@frozen
class Project:
    """Everything found under the scanned PATHs."""

    root: Path  # the directory `rel` paths are relative to
    name: str
    namespace: str  # the top (first) package's namespace, or the --namespace override
    layout: str  # "sfdx" | "mdapi" | "files"
    files: tuple[DiscoveredFile, ...]  # sorted by rel
    notifications: tuple[Notification, ...]
    # `files_digest(files)`, made by the walk: a re-scan whose discovery the walk's record
    # vouches for has the same files and does not hash them again
    digest: str = ""


def files_digest(files: tuple[DiscoveredFile, ...]) -> str:
    """A hash of how each file is lowered (path, kind, metadata and content type, namespace):
    with the scan's options, what its analysis depends on besides the contents. One line per
    file, hashed at once: 3,880 files in 2 ms."""
    import hashlib

    return hashlib.sha256("".join(f"\n{f.rel}\0{f.kind.value}\0{f.metadata_type}\0{f.namespace}\0{f.content_type}"
                                  for f in files).encode("utf-8", "surrogatepass")).hexdigest()
