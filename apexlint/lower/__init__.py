"""Lowering: one discovered file in, its intermediate form(s) out.

`lower_file` is the unit of work that runs in worker processes and that the cache stores: it
reads the bytes once, decodes them, parses them with the right grammar and lowers the tree. It
never raises: any failure becomes a notification naming the file, and the scan goes on.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from apexlint.ir import FileIR, FileKind, NoticeLevel, Notification
from apexlint.read.decode import ReadLimits, read_source
from apexlint.read.source import SourceText
from apexlint.read.static_resources import resource_members

MEMBER_SEPARATOR = "!/"  # "staticresources/lib.resource!/js/app.js": a file inside a zip


@dataclass(frozen=True, slots=True)
class LoweringJob:
    """Everything a worker needs to lower one file (picklable)."""

    rel: str
    kind: FileKind
    data: bytes
    namespace: str
    metadata_type: str | None = None
    content_type: str | None = None

    def cache_key(self, tool_version: str) -> str:
        """Content hash plus everything else the lowered form depends on."""
        h = hashlib.sha256()
        for part in (tool_version, self.rel, self.kind.value, self.namespace, self.metadata_type or "",
                     self.content_type or ""):
            h.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        h.update(self.data)
        return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Lowered:
    files: tuple[FileIR, ...]
    notifications: tuple[Notification, ...]
    seconds: float


def lower_job(job: LoweringJob, limits: ReadLimits) -> Lowered:
    """Lower one file; contain every failure to a notification about that file."""
    start = time.perf_counter()
    try:
        files, notes = _lower(job, limits)
    except Exception as exc:
        files, notes = [], [Notification(
            code="internal-error", level=NoticeLevel.ERROR, path=job.rel,
            message=f"apexlint failed on this file ({type(exc).__name__}: {str(exc)[:200]}); "
                    "the rest of the scan is unaffected")]
    return Lowered(tuple(files), tuple(notes), time.perf_counter() - start)


def _lower(job: LoweringJob, limits: ReadLimits) -> tuple[list[FileIR], list[Notification]]:
    if job.kind == FileKind.STATIC_RESOURCE:
        return _lower_resource(job, limits)
    src, notes = read_source(job.rel, job.data, job.namespace, limits)
    if src is None:
        return [], notes
    ir = lower_source(src, job.kind, job.metadata_type)
    return [ir], notes


def _lower_resource(job: LoweringJob, limits: ReadLimits) -> tuple[list[FileIR], list[Notification]]:
    members, notes = resource_members(job.data, job.rel, job.content_type, limits)
    files: list[FileIR] = []
    for name, data in members:
        rel = job.rel if not name else f"{job.rel}{MEMBER_SEPARATOR}{name}"
        src, more = read_source(rel, data, job.namespace, limits)
        notes.extend(more)
        if src is None:
            continue
        if name.lower().endswith((".html", ".htm")):
            # static HTML: Visualforce does not render it, so merge fields in it are not sources
            from apexlint.lower.visualforce import lower_visualforce
            files.append(lower_visualforce(src, FileKind.STATIC_RESOURCE))
        else:
            from apexlint.lower.javascript import lower_javascript
            files.append(lower_javascript(src, FileKind.JAVASCRIPT))
    return files, notes


def lower_source(src: SourceText, kind: FileKind, metadata_type: str | None = None) -> FileIR:
    """Dispatch on the file kind to the one lowering that knows its language."""
    if kind in (FileKind.APEX_CLASS, FileKind.APEX_TRIGGER):
        from apexlint.lower.apex import lower_apex
        return lower_apex(src, kind)
    if kind in (FileKind.VISUALFORCE_PAGE, FileKind.VISUALFORCE_COMPONENT, FileKind.EMAIL_TEMPLATE):
        from apexlint.lower.visualforce import lower_visualforce
        return lower_visualforce(src, kind)
    if kind == FileKind.JAVASCRIPT:
        from apexlint.lower.javascript import lower_javascript
        return lower_javascript(src, kind)
    from apexlint.lower.metadata import lower_metadata
    return lower_metadata(src, metadata_type)
