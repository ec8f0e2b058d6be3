"""Bytes → text: the first half of the read stage.

Salesforce source is UTF-8, but packages collect files saved by many editors: a BOM, a
Windows-1252 comment, a binary `.resource` named like text. None of that may stop a scan; every
surprise becomes a notification and the file is read as well as it can be, or skipped.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from apexlint.ir import NoticeLevel, Notification, Span
from apexlint.patterns import lazy
from apexlint.read.namespace_tokens import replace_tokens
from apexlint.read.source import SourceText
from apexlint.read.trigger_context import qualify_trigger_context
from apexlint.records import frozen

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
BINARY_SAMPLE_BYTES = 8192
# Control characters other than tab, newline, form feed, carriage return and escape.
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)  # deleted to count the rest
_CONTROL_RATIO = 0.10


@frozen
class ReadLimits:
    """Ceilings that keep one hostile or oversized file from exhausting memory or time."""

    max_file_bytes: int = 20_000_000
    max_resource_bytes: int = 50_000_000  # a static resource, and the total expanded from its zip
    max_member_bytes: int = 10_000_000  # one zip member, expanded
    max_members: int = 2000  # zip entries examined
    max_line_chars: int = 1_000_000
    max_compression_ratio: int = 200  # expanded / compressed, above which a zip member is a bomb


def read_file_bytes(path: str | Path, rel: str, max_bytes: int, *,
                    quiet_if_binary: bool = False) -> tuple[bytes | None, list[Notification]]:
    """A file's bytes, or None with a notification when it is too large or cannot be read;
    `quiet_if_binary`: a file too large whose first bytes say it is binary (a database, a
    recording) is passed over in silence, as for a file searched only for tokens. Through a
    descriptor, not a file object: a scan reads most of a package's files (NPSP: 12,000), and
    `open()`'s buffered reader and a `stat` by path were most of what each cost."""
    try:
        # non-blocking: opening a FIFO that discovery took for a file must not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        return None, [_unreadable(rel, err)]
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            return None, [Notification("not-a-file", f"{rel}: skipped, not a regular file", NoticeLevel.WARNING, rel)]
        if st.st_size > max_bytes:
            head = os.read(fd, BINARY_SAMPLE_BYTES) if quiet_if_binary else b""
            return None, [] if quiet_if_binary and looks_binary(head) else [_too_large(rel, st.st_size, max_bytes)]
        parts: list[bytes] = []
        total, want = 0, st.st_size + 1  # one more: the file may have grown since
        while total <= max_bytes:
            part = os.read(fd, min(want, max_bytes + 1 - total))
            if not part:
                break
            parts.append(part)
            total, want = total + len(part), 65536
    except OSError as err:
        return None, [_unreadable(rel, err)]
    finally:
        os.close(fd)
    if total > max_bytes:
        return None, [_too_large(rel, total, max_bytes)]
    return parts[0] if len(parts) == 1 else b"".join(parts), []


def _unreadable(rel: str, err: OSError) -> Notification:
    message = f"{rel}: cannot be read ({err.strerror or err.__class__.__name__})"
    return Notification("unreadable-path", message, NoticeLevel.WARNING, rel)


def _too_large(rel: str, size: int, limit: int) -> Notification:
    message = f"{rel}: skipped, {size} bytes is more than the {limit}-byte limit"
    return Notification("file-too-large", message, NoticeLevel.WARNING, rel)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters near the start: an image, archive or executable."""
    sample = data[:BINARY_SAMPLE_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls / len(sample) > _CONTROL_RATIO


def decode(data: bytes, path: str) -> tuple[str, bool, list[Notification]]:
    """Decoded text, whether decoding lost information, and notifications about it.

    UTF-8 (a BOM is dropped, so columns match what editors show); a UTF-16 BOM is honoured;
    anything else is read as Windows-1252, the usual culprit, and reported. Line breaks are
    those editors count (`bare_cr_as_newline`).
    """
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    elif data.startswith(UTF16_BOMS):
        text, lossy, notes = _decode_utf16(data, path)
        return bare_cr_as_newline(text), lossy, notes
    try:
        return bare_cr_as_newline(data.decode("utf-8")), False, []
    except UnicodeDecodeError as err:
        text = data.decode("cp1252", errors="replace")
        return bare_cr_as_newline(text), True, [_undecodable(data, err.start, path)]


_BARE_CR = lazy(r"\r(?!\n)")


def bare_cr_as_newline(text: str) -> str:
    """A CR not followed by LF (classic Mac OS line ends, or one stray in a CRLF file) as an LF.

    Apex's Java-derived lexer, editors and SARIF (2.1.0 §3.30.2) all end a line at CR, LF or
    CR LF, but the tree-sitter grammars end a `//` comment only at LF: in a CR-only file one
    comment swallowed the rest of the file, and every position was on line 1. The character
    stays one character, so no offset or column moves; CR LF, which every reader handles, is
    left as it is (the counts tell a CRLF file, the common case, without a search).
    """
    crs = text.count("\r")
    if not crs or crs == text.count("\r\n"):
        return text
    return _BARE_CR.sub("\n", text)


def _decode_utf16(data: bytes, path: str) -> tuple[str, bool, list[Notification]]:
    try:
        return data.decode("utf-16"), False, []
    except UnicodeDecodeError as err:
        text = data.decode("utf-16", errors="replace")
        message = f"{path}: invalid UTF-16 at byte offset {err.start}; unreadable characters replaced"
        return text, True, [Notification("undecodable-bytes", message, NoticeLevel.WARNING, path)]


def _undecodable(data: bytes, offset: int, path: str) -> Notification:
    """Name the line and column of the first byte that is not UTF-8."""
    line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("cp1252", errors="replace")) + 1
    message = (
        f"{path}:{line}: byte 0x{data[offset]:02x} is not valid UTF-8; the file was read as Windows-1252"
    )
    return Notification(
        "undecodable-bytes", message, NoticeLevel.WARNING, path, Span(line, col, line, col + 1)
    )


def read_source(
    rel: str, data: bytes, namespace: str, limits: ReadLimits | None = None
) -> tuple[SourceText | None, list[Notification]]:
    """Bytes of one file → `SourceText` ready to parse, or None (with a reason) to skip it."""
    limits = limits or ReadLimits()
    if len(data) > limits.max_file_bytes:
        return None, [_too_large(rel, len(data), limits.max_file_bytes)]
    if not data.startswith(UTF16_BOMS) and looks_binary(data):
        message = f"{rel}: skipped, the content is binary, not text"
        return None, [Notification("binary-file", message, NoticeLevel.NOTE, rel)]
    text, lossy, notes = decode(data, rel)
    long_line = first_long_line(text, limits.max_line_chars)
    if long_line:
        message = (
            f"{rel}:{long_line}: skipped, a line is longer than {limits.max_line_chars} characters "
            "(minified or generated content)"
        )
        mentions = _session_mentions(text)
        if mentions:  # what the file would have been analysed for: the reviewer's to read by hand
            message += f"; it mentions {mentions}: review those uses by hand"
        return None, [*notes, Notification("line-too-long", message, NoticeLevel.WARNING, rel)]
    parse_text, edits = replace_tokens(text, namespace)
    parse_text, edits = qualify_trigger_context(rel, parse_text, edits)
    return SourceText(path=rel, text=text, parse_text=parse_text, edits=edits, lossy=lossy), notes


# How a file that is not analysed may still read a session (the sources of SPEC), as named in
# the notification that says it was skipped (`lower.unanalysed` makes each a source)
SESSION_WORDS = (
    ("sforce.connection.sessionId", lazy(r"sforce\.connection\.sessionId")),
    ("__sfdcSessionId", lazy(r"__sfdcSessionId")),
    ("$Api.Session_ID", lazy(r"\$?api\.session_id", re.IGNORECASE)),
    ("GETSESSIONID()", lazy(r"getsessionid\s*\(", re.IGNORECASE)),
)


def _session_mentions(text: str) -> str:
    """`sforce.connection.sessionId (2)` and the like, for each way the text names a session."""
    counts = [(name, len(pattern.findall(text))) for name, pattern in SESSION_WORDS]
    return ", ".join(f"{name} ({n})" for name, n in counts if n)


def first_long_line(text: str, max_chars: int) -> int:
    """1-based number of the first line longer than `max_chars`, or 0."""
    if len(text) <= max_chars:
        return 0
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > max_chars:
            return number
    return 0
