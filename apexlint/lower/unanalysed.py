"""A file read but not analysed: its sessions still end in a verdict, its tokens are still found.

A line longer than `ReadLimits.max_line_chars` (minified or generated content) stops a file from
being parsed: the notification that says so counts the ways it names a session. SPEC wants every
retrieval site to end in a verdict, nothing silently dropped; a notification alone lets the gate
pass a file that sends the session away. So each place such a file names a session the way its
kind would (`UserInfo.getSessionId()` in Apex; `sforce.connection.sessionId` and
`__sfdcSessionId` in script; `$Api.Session_ID` and `GETSESSIONID()` in markup and metadata)
becomes a source whose context says it was not analysed: SID011 asks the reviewer to read that
use by hand. Token literals are searched for as in any text file (SID009). Both are found by
regular expressions over the text, linear in its length, as the length check itself is.
"""

from __future__ import annotations

from apexlint.ir import NOT_ANALYSED, FileIR, FileKind, SourceKind, SourceSite
from apexlint.lower.text_scan import component_name, source_id, token_literal_sources
from apexlint.patterns import LazyPattern
from apexlint.read.decode import SESSION_WORDS, decode, first_long_line
from apexlint.read.merge_fields import TextPositions
from apexlint.read.source import SourceText

# More than this many in one file are left to the notification's count (hostile input may repeat
# a word millions of times; the reviewer reads the file either way).
MAX_SOURCES = 50

_Words = tuple[tuple[LazyPattern[str], SourceKind], ...]
# the notification's own patterns (`read.decode.SESSION_WORDS`), by the source each is in a kind of file
_PATTERN = {name: pattern for name, pattern in SESSION_WORDS}
_APEX: _Words = ((_PATTERN["GETSESSIONID()"], SourceKind.APEX_GET_SESSION_ID),)
_SCRIPT: _Words = ((_PATTERN["sforce.connection.sessionId"], SourceKind.JS_SFORCE_SESSION),
                   (_PATTERN["__sfdcSessionId"], SourceKind.JS_SFDC_SESSION))
_MERGE: _Words = ((_PATTERN["$Api.Session_ID"], SourceKind.MERGE_FIELD),
                  (_PATTERN["GETSESSIONID()"], SourceKind.MERGE_FIELD))
_MARKUP_KINDS = frozenset({FileKind.VISUALFORCE_PAGE, FileKind.VISUALFORCE_COMPONENT, FileKind.EMAIL_TEMPLATE})


def unanalysed(rel: str, kind: FileKind, data: bytes, max_chars: int, why: str = "") -> list[FileIR]:
    """The form of a file skipped for a line longer than `max_chars` characters: its session
    mentions as sources not analysed, and its token literals; none when it has neither. Skipped
    for `why` instead (nesting too deep to parse), the form is there either way, as a parsed
    file's is."""
    text, lossy, _ = decode(data, rel)
    reason = why or f"line {first_long_line(text, max_chars)} is longer than {max_chars:,} characters"
    if kind in (FileKind.APEX_CLASS, FileKind.APEX_TRIGGER):
        words = _APEX
    elif kind in _MARKUP_KINDS:
        words = _MERGE + _SCRIPT
    elif kind == FileKind.METADATA:
        words = _MERGE
    else:  # a script, or a static resource's script or HTML (not rendered: merge fields are text)
        words = _SCRIPT
    src = SourceText(path=rel, text=text, parse_text=text, lossy=lossy)
    positions = TextPositions(text)
    context = f"{NOT_ANALYSED} ({reason})"
    owner = component_name(rel) if kind in _MARKUP_KINDS else ""
    found = sorted((m.start(), m.end(), source_kind) for pattern, source_kind in words
                   for m in pattern.finditer(text))
    sources = []
    for start, end, source_kind in found[:MAX_SOURCES]:
        span = src.span(positions.point(start), positions.point(end))
        sources.append(SourceSite(id=source_id(rel, span), kind=source_kind, path=rel, span=span,
                                  text=text[start:end], context=context, owner=owner))
    sources.extend(token_literal_sources(src, positions, owner=owner))
    if not sources and not why:
        return []
    file_kind = kind if kind is not FileKind.STATIC_RESOURCE else FileKind.JAVASCRIPT
    return [FileIR(path=rel, kind=file_kind, line_count=src.line_count, sources=tuple(sources),
                   extra={"parsed": f"no: {reason}"})]
