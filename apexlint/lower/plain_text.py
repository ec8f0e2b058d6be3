"""Files of no kind apexlint analyses (`.env`, MavensMate's `config/.session`, a JSON static
resource, `scripts/apex/*.apex`): searched for token-shaped literals only (SID009), never parsed.

SID009 holds "in any file": a session ID committed in a tool's settings is a leak like one in a
class, and a static resource ships to every subscriber. Most such files hold no token, and most
of a package's files are such files (NPSP: 11,000 translations, `-meta.xml` companions, robot
tests and JSON): the bytes are searched for a token's first characters before anything is
decoded, so a file without one costs a `memchr` or two.
"""

from __future__ import annotations

from apexlint.ir import FileIR, FileKind
from apexlint.lower.secrets import TOKEN_START_BYTES
from apexlint.read.decode import decode, looks_binary
from apexlint.read.merge_fields import TextPositions
from apexlint.read.source import SourceText

# Every token holds an org id (`00D`) or a secret half's start (`!A`): looking for these with
# `in` is ten times faster than the regular expression, which runs only where one is.
_STARTS = (b"00D", b"!A")


def has_token_start(data: bytes) -> bool:
    """Whether `data` may hold a token: its start is there."""
    return any(start in data for start in _STARTS) and TOKEN_START_BYTES.search(data) is not None


def lower_plain_text(rel: str, data: bytes) -> list[FileIR]:
    """The token literals of one file, as the other lowerings report them; no form at all for a
    file without one, or a binary file (a token is typed text: NUL bytes or control characters
    mean an image, archive or database, silently passed over)."""
    if not has_token_start(data) or looks_binary(data):
        return []
    from apexlint.lower.text_scan import token_literal_sources  # tree-sitter's: only a file with a token pays

    text, lossy, _ = decode(data, rel)  # a token is ASCII: a file in another encoding still shows it
    src = SourceText(path=rel, text=text, parse_text=text, lossy=lossy)
    sources = token_literal_sources(src, TextPositions(text), owner="")
    if not sources:
        return []
    return [FileIR(path=rel, kind=FileKind.TEXT, line_count=0, sources=tuple(sources))]
