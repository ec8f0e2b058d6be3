"""Files of no kind apexlint analyses (`.env`, MavensMate's `config/.session`, a JSON static
resource, `scripts/apex/*.apex`): searched for token-shaped literals only (SID009), never parsed.

SID009 holds "in any file": a session ID committed in a tool's settings is a leak like one in a
class, and a static resource ships to every subscriber. Most such files hold no token, and many
of a package's files are such files (NPSP: 1,972 robot tests, scripts, JSON and docs, once the
`-meta.xml` of metadata apexlint does not lower is left out, `discover/classify.text_file`):
the bytes are searched for a token's first characters before anything is decoded, so a file
without one costs a `memchr` or two.
"""

from __future__ import annotations

from apexlint.ir import FileIR, FileKind, Suppression
from apexlint.lower.suppressions import DIRECTIVE, suppression_at
from apexlint.read.decode import decode, looks_binary
from apexlint.read.merge_fields import TextPositions
from apexlint.read.source import SourceText
from apexlint.secrets import TOKEN_START_BYTES


def has_token_start(data: bytes) -> bool:
    """Whether `data` may hold a token: its start is there. Every token holds an org id (`00D`)
    or a secret half's start (`!A`): looking for these with `in` is ten times faster than the
    regular expression, which runs only where one is."""
    return (b"00D" in data or b"!A" in data) and TOKEN_START_BYTES.search(data) is not None


def lower_plain_text(rel: str, data: bytes) -> list[FileIR]:
    """The token literals of one file, as the other lowerings report them; no form at all for a
    file without one, or a binary file (a token is typed text: NUL bytes or control characters
    mean an image, archive or database, silently passed over)."""
    if not has_token_start(data) or looks_binary(data):
        return []
    from apexlint.lower.text_scan import token_literal_sources  # tree-sitter's: only a file with a token pays

    text, lossy, _ = decode(data, rel)  # a token is ASCII: a file in another encoding still shows it
    src = SourceText(path=rel, text=text, parse_text=text, lossy=lossy)
    positions = TextPositions(text)
    sources = token_literal_sources(src, positions, owner="")
    if not sources:
        return []
    return [FileIR(path=rel, kind=FileKind.TEXT, line_count=0, sources=tuple(sources),
                   suppressions=_suppressions(src, positions))]


# Comments as the usual plain-text formats write them: shell, `.env`, YAML, properties (`#`),
# scripts (`//`, `/*`), Markdown and XML (`<!--`)
_LINE_COMMENTS = ("#", "//", "/*", "<!--")


def _suppressions(src: SourceText, positions: TextPositions) -> tuple[Suppression, ...]:
    """`apexlint:disable-next-line SID009 -- reason` in a comment of its own line: a documented
    example token (a README's) is suppressed with a reason, as in any other file."""
    if DIRECTIVE not in src.text:
        return ()
    found = []
    for row, line in enumerate(src.lines):
        if DIRECTIVE not in line:
            continue
        body = line.strip()
        opener = next((o for o in _LINE_COMMENTS if body.startswith(o)), None)
        if opener is None:
            continue
        start = positions.starts[row] + len(line) - len(line.lstrip())
        comment = body if opener != "#" else body.lstrip("#")
        suppression = suppression_at(src, comment, positions.point(start), positions.point(start + len(body)))
        if suppression is not None:
            found.append(suppression)
    return tuple(found)
