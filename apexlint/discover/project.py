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
