"""Discover stage: which files to scan, of which kind, in which package.

Knows nothing of parsing. `discover()` accepts an SFDX project (`sfdx-project.json`), a
metadata-API tree (`package.xml`, or `src/package.xml`), any folder (packages nested in it are
found and each keeps its own namespace), or explicit files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from apexlint.discover.observed import Observed, observing
from apexlint.discover.project import DiscoveredFile, DiscoveryError, Project, files_digest
from apexlint.ir import FileKind, NoticeLevel, Notification

if TYPE_CHECKING:
    from apexlint.discover.markers import PackageScope

__all__ = [
    "DiscoveredFile",
    "DiscoveryError",
    "Project",
    "discover",
]


def discover(
    paths: Sequence[Path],
    root: Path | None = None,
    exclude: Sequence[str] = (),
    namespace: str | None = None,
    observe: Observed | None = None,
) -> Project:
    """Find every file to scan under `paths`; report paths are relative to `root` (default: cwd).

    `exclude` holds gitignore-style patterns; `namespace` overrides the one the project files
    declare. Raises `DiscoveryError` only when the scan cannot start; every other problem is a
    notification in the result. `observe` collects what the walk looked at (see observed.py).
    """
    # the walk's modules (classification, project markers): a re-scan whose discovery is
    # remembered (recall.py) imports none of them
    from apexlint.discover.walk import TreeWalk

    report_root = check_start(paths, root)
    walk = TreeWalk(report_root, exclude, namespace)
    with observing(observe):
        tops = [walk.scan(Path(path)) for path in paths]
    top = _top_scope(tops[0], walk.packages)
    projects = {scope.root: scope for scope in (_top_scope(t, walk.packages) for t in tops) if scope.layout != "files"}
    if len(projects) > 1:
        # One scan is one package model: classes of each resolve calls in the others, and the
        # first's name and namespace decide what the package owns.
        names = ", ".join(sorted({scope.name or scope.root.name for scope in projects.values()}))
        walk.notes.append(Notification(
            "several-projects", f"{len(projects)} projects ({names}) are analysed as one package: a class of one "
            "answers calls in the others and the first one's namespace decides what the package owns; scan each "
            "project on its own for its own findings and exit code", NoticeLevel.WARNING))
    files = tuple(sorted(walk.files.values(), key=lambda found: found.rel))
    if all(found.kind is FileKind.TEXT for found in files):
        # a CI gate pointed at the wrong folder would otherwise pass with nothing scanned
        walk.notes.append(Notification(
            "no-sources", "no Salesforce source file (Apex, Visualforce, JavaScript, metadata XML) was found in the "
            "scanned paths: nothing was checked; point apexlint at an SFDX project, a metadata-API src/ folder or "
            "the files to scan", NoticeLevel.WARNING))
    return Project(
        root=report_root,
        name=top.name or report_root.name,
        namespace=namespace if namespace is not None else _project_namespace(top, walk.packages),
        layout=top.layout,
        files=files,
        notifications=tuple(walk.notes),
        digest=files_digest(files),
    )


def check_start(paths: Sequence[Path], root: Path | None) -> Path:
    """The report root; raises `DiscoveryError` when the scan cannot start."""
    if not paths:
        raise DiscoveryError("no path to scan")
    report_root = Path(os.path.abspath(root if root is not None else os.getcwd()))
    if root is not None and not report_root.is_dir():
        raise DiscoveryError(f"root is not a directory: {root}")
    for path in paths:
        if not os.path.exists(path):
            raise DiscoveryError(f"path does not exist: {path}")
    return report_root


def _top_scope(first: PackageScope, packages: list[PackageScope]) -> PackageScope:
    """The first PATH's package; a folder whose `src/` is a metadata-API tree counts as it."""
    if first.layout != "files":
        return first
    src = first.root / "src"
    return next((package for package in packages if package.root == src), first)


def _project_namespace(top: PackageScope, packages: list[PackageScope]) -> str:
    """The top package's namespace; for a folder of packages, the first one found."""
    if top.layout != "files" or not packages:
        return top.namespace
    return packages[0].namespace
