"""What a static resource holds: its scripts and pages (a plain JavaScript or HTML file, or the
members of a zip), and the text apexlint searches only for tokens (a JSON, CSV or text resource,
and the other text members of a zip).

Static resources are uploaded by the package author but may bundle third-party archives, so the
zip reader treats every archive as hostile: nothing is written to disk (member names such as
`../../x.js` are harmless), the number of entries, each member's expanded size (declared and
actual) and the total are capped, and a member that expands far beyond its compressed size is
refused as a zip bomb. A bad archive or member becomes a notification; the scan goes on.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from apexlint.ir import NoticeLevel, Notification
from apexlint.patterns import lazy
from apexlint.read.decode import ReadLimits, looks_binary

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
HTML_SUFFIXES = (".html", ".htm")
SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs", *HTML_SUFFIXES)
JAVASCRIPT_TYPES = frozenset(
    {
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "text/javascript",
        "text/ecmascript",
        "text/x-javascript",
    }
)
UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream", "text/plain"})
_CHUNK = 65536
_RATIO_FLOOR = 1_000_000  # expansions below this many bytes are never called bombs
_SNIFF_BYTES = 65536
# `sforce.` not inside a host name: `http://soap.sforce.com/2006/04/metadata` is no script
_JAVASCRIPT_SHAPE = lazy(
    rb"\bfunction\b|\b(?:var|let|const)\s+[A-Za-z_$]|=>|(?<![\w.])(?:window|document|sforce|console)\.|__sfdcSessionId"
)

# Content types no one types a token into (`image/svg+xml` is text, and is searched)
_BINARY_MEDIA = ("image/", "audio/", "video/", "font/", "application/font-", "application/x-font-")
_BINARY_TYPES = frozenset({
    "application/pdf", "application/zip", "application/x-zip-compressed", "application/gzip",
    "application/x-gzip", "application/x-tar", "application/java-archive", "application/x-shockwave-flash",
    "application/vnd.ms-fontobject", "application/vnd.ms-excel", "application/msword",
    "application/vnd.ms-powerpoint",
})
_TEXT_MEDIA = ("image/svg+xml",)
# Suffixes of zip members that are always binary (images, fonts, archives, media): not expanded
_BINARY_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".tif", ".tiff", ".webp", ".psd",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".jar",
    ".war", ".pdf", ".mp3", ".mp4", ".m4a", ".mov", ".avi", ".wav", ".ogg", ".webm", ".swf", ".class",
    ".pyc", ".so", ".dll", ".dylib", ".exe", ".bin", ".ds_store",
)

Members = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class ResourceContents:
    """A static resource's `scripts` (JavaScript and HTML, analysed as code) and `texts` (searched
    for token-shaped literals only: SID009 holds in any file, and a resource ships to every
    subscriber). Member name "" for a resource that is not an archive."""

    scripts: Members
    texts: Members
    notes: list[Notification]


def resource_members(
    data: bytes, rel: str, content_type: str | None, limits: ReadLimits
) -> tuple[Members, list[Notification]]:
    """(member name, bytes) for every script in the resource; name "" for a plain JS resource.

    Members ending in `.html`/`.htm` are returned too (their `<script>` blocks hold code); the
    caller chooses a parser by the member's suffix.
    """
    contents = resource_contents(data, rel, content_type, limits, texts=False)
    return contents.scripts, contents.notes


def resource_contents(
    data: bytes, rel: str, content_type: str | None, limits: ReadLimits, texts: bool = True
) -> ResourceContents:
    """The scripts of the resource (as `resource_members`) and, with `texts`, its other text.

    In a metadata-API tree every resource is `Name.resource`, whatever it holds: a JSON or text
    resource is told from an image by its `<contentType>`, and by its bytes where the type says
    nothing (the caller's token search passes binary bytes over)."""
    if data.startswith(ZIP_MAGIC):
        return _zip_members(data, rel, limits, texts)
    if is_html_resource(rel, content_type, data) or _is_javascript(data, content_type):
        return ResourceContents([("", data)], [], [])
    if texts and not is_binary_media(content_type):
        return ResourceContents([], [("", data)], [])
    return ResourceContents([], [], [])


def is_binary_media(content_type: str | None) -> bool:
    """A content type whose resources are never text: images, fonts, media, PDF, archives."""
    kind = _media_type(content_type)
    return kind not in _TEXT_MEDIA and (kind in _BINARY_TYPES or kind.startswith(_BINARY_MEDIA))


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_START = (b"<!doctype html", b"<html")


def is_html_resource(rel: str, content_type: str | None, data: bytes) -> bool:
    """An HTML page kept as a resource (an app's `index.html`, a `text/html` resource): its
    `<script>` blocks are code, as in a zipped bundle's `.html` members. A resource typed as
    JavaScript whose text is markup (`<script>` first, or after an HTML comment) is a page too: no
    script starts so (an app that injects such snippets into its pages keeps them so typed, and
    read as JavaScript each gave a handful of parse warnings and no flow)."""
    kind = _media_type(content_type)
    if kind in HTML_TYPES or rel.lower().endswith(HTML_SUFFIXES):
        return True
    opening = _opening(data).lower()
    if kind in JAVASCRIPT_TYPES:
        return opening.startswith((*_HTML_START, b"<script")) or (
            opening.startswith(b"<!--") and _SCRIPT_TAG_LINE.search(opening) is not None)
    return kind in UNTYPED and opening.startswith(_HTML_START)


# a `<script>` tag opening a line: not JavaScript (an HTML-like comment `<!--` is, to its line's end)
_SCRIPT_TAG_LINE = lazy(rb"^[ \t]*<script\b", re.MULTILINE)


def _media_type(content_type: str | None) -> str:
    """`text/html; charset=utf-8` -> `text/html`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _opening(data: bytes) -> bytes:
    """The sniffed head of a resource, after a byte-order mark and white space."""
    return data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")


def _is_javascript(data: bytes, content_type: str | None) -> bool:
    """Trust a JavaScript content type; sniff only when the type says nothing."""
    kind = _media_type(content_type)
    if kind in JAVASCRIPT_TYPES:
        return True
    if kind not in UNTYPED or looks_binary(data):
        return False
    head = _opening(data)
    if head.startswith(b"<"):
        return False  # markup (XML, HTML): a script never starts with `<`
    return _JAVASCRIPT_SHAPE.search(head) is not None


def is_script_member(name: str) -> bool:
    """A zip member worth reading: a script or HTML page, not a macOS resource fork."""
    lowered = name.lower()
    if _is_fork(lowered):
        return False
    return lowered.endswith(SCRIPT_SUFFIXES)


def is_text_member(name: str) -> bool:
    """A zip member searched for tokens only: not a script, not a macOS resource fork, not named
    as an image, font, archive or recording (expanding those would find nothing)."""
    lowered = name.lower()
    return not _is_fork(lowered) and not lowered.endswith(SCRIPT_SUFFIXES) and not lowered.endswith(_BINARY_SUFFIXES)


def _is_fork(lowered: str) -> bool:
    return lowered.startswith("__macosx/") or "/__macosx/" in lowered


@dataclass(slots=True)
class _Budget:
    """What may still be expanded from this archive (local to one call)."""

    remaining: int
    stopped: bool = False  # the archive's total ran out, and a notification said so


def _zip_members(data: bytes, rel: str, limits: ReadLimits, texts: bool) -> ResourceContents:
    """Scripts first, then (with `texts`) the other text members, with what is left of the
    archive's budget: searching text for tokens never costs a script its analysis."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError) as err:
        # NotImplementedError: a central directory that needs a newer zip version ("zip file version 12.2")
        message = f"{rel}: the static resource is not a readable zip archive ({err})"
        return ResourceContents([], [], [Notification("corrupt-zip", message, NoticeLevel.WARNING, rel)])
    notes: list[Notification] = []
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            message = (
                f"{rel}: the archive has {len(infos)} entries; only the first "
                f"{limits.max_members} were examined"
            )
            notes.append(Notification("zip-too-many-members", message, NoticeLevel.WARNING, rel))
            infos = infos[: limits.max_members]
        budget = _Budget(limits.max_resource_bytes)
        scripts = _read_members(archive, [i for i in infos if _named_file(i) and is_script_member(i.filename)],
                                rel, limits, budget, notes)
        text_members = _read_members(
            archive, [i for i in infos if _named_file(i) and is_text_member(i.filename)], rel, limits, budget, notes
        ) if texts and not budget.stopped else []
    return ResourceContents(scripts, text_members, notes)


def _named_file(info: zipfile.ZipInfo) -> bool:
    """A member that is a file: a damaged central directory can give one an empty name, on which
    `ZipInfo.is_dir()` raises IndexError (such a member names nothing to read)."""
    return bool(info.filename) and not info.is_dir()


def _read_members(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], rel: str, limits: ReadLimits,
                  budget: _Budget, notes: list[Notification]) -> Members:
    members: Members = []
    for info in infos:
        if budget.remaining <= 0:
            message = f"{rel}: stopped after {limits.max_resource_bytes} expanded bytes (zip bomb?)"
            notes.append(Notification("zip-bomb", message, NoticeLevel.WARNING, rel))
            budget.stopped = True
            break
        content, note = _read_member(archive, info, rel, limits, budget)
        if note is not None:
            notes.append(note)
        if content is not None:
            members.append((info.filename, content))
    return members


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, rel: str, limits: ReadLimits, budget: _Budget
) -> tuple[bytes | None, Notification | None]:
    """One member's bytes, or a notification saying why it was refused."""
    refusal = _refuse_by_header(info, rel, limits)
    if refusal is not None:
        return None, refusal
    cap = min(limits.max_member_bytes, budget.remaining)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                budget.remaining -= len(chunk)
                if size > cap:
                    return None, _member_note("zip-bomb", rel, info, f"expands beyond {cap} bytes")
                if _ratio_exceeded(size, info.compress_size, limits):
                    return None, _member_note("zip-bomb", rel, info, "expands far beyond its compressed size")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError, ValueError) as err:
        # ValueError: a member whose offsets point outside the archive ('negative seek value')
        return None, _member_note("zip-member-skipped", rel, info, f"cannot be read ({err})")
    return b"".join(chunks), None


def _refuse_by_header(info: zipfile.ZipInfo, rel: str, limits: ReadLimits) -> Notification | None:
    if info.flag_bits & 0x1:
        return _member_note("zip-member-skipped", rel, info, "is encrypted")
    if _ratio_exceeded(info.file_size, info.compress_size, limits):
        ratio = info.file_size // max(info.compress_size, 1)
        return _member_note("zip-bomb", rel, info, f"claims a {ratio}:1 compression ratio")
    if info.file_size > limits.max_member_bytes:
        return _member_note(
            "zip-member-skipped",
            rel,
            info,
            f"is {info.file_size} bytes expanded, more than the {limits.max_member_bytes}-byte limit",
        )
    return None


def _ratio_exceeded(expanded: int, compressed: int, limits: ReadLimits) -> bool:
    return expanded > _RATIO_FLOOR and expanded > limits.max_compression_ratio * max(compressed, 1)


def _member_note(code: str, rel: str, info: zipfile.ZipInfo, why: str) -> Notification:
    return Notification(
        code, f"{rel}: zip member {info.filename!r} skipped: it {why}", NoticeLevel.WARNING, rel
    )
