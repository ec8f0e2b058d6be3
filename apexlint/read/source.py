"""A file's text as the parser sees it, with positions mapped back to the file as written.

The parser reads UTF-8 bytes in which CumulusCI namespace tokens (`%%%NAMESPACE%%%` ...) have
already been replaced. Reports must point at the file as written, in UTF-16 columns (SARIF's
`columnKind`). `SourceText.span()` turns tree-sitter points (row, byte column in the parse
buffer) into `Span`s of the original text.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from apexlint.ir import Span
from apexlint.records import frozen

Point = tuple[int, int]  # tree-sitter point: 0-based row, 0-based byte column


@frozen
class LineEdit:
    """A replacement on one line: chars [orig_col, orig_col+orig_len) became new_len chars."""

    new_col: int
    new_len: int
    orig_col: int
    orig_len: int


class SourceText:
    """Decoded text of one file plus what is needed to map parse positions back to it. (A plain
    class: a stdlib dataclass would cost every scan's start-up its code generation.)"""

    __slots__ = ("_ascii", "_ascii_known", "_buffer", "_lines", "_parse_lines", "edits", "lossy", "parse_text", "path",
                 "text")

    def __init__(self, path: str, text: str, parse_text: str, edits: dict[int, tuple[LineEdit, ...]] | None = None,
                 lossy: bool = False) -> None:
        self.path = path
        self.text = text  # the file as written, decoded
        self.parse_text = parse_text  # after namespace-token replacement; same line structure as `text`
        self.edits: dict[int, tuple[LineEdit, ...]] = edits if edits is not None else {}  # row -> edits, by new_col
        self.lossy = lossy  # bytes could not be decoded as UTF-8 and a fallback was used
        self._buffer: bytes | None = None
        self._lines: list[str] | None = None
        self._parse_lines: list[str] | None = None
        self._ascii: list[bool] | None = None  # see `_ascii_rows`, once `_ascii_known`
        self._ascii_known = False

    @property
    def buffer(self) -> bytes:
        """The UTF-8 bytes handed to tree-sitter."""
        if self._buffer is None:
            self._buffer = self.parse_text.encode("utf-8", "surrogatepass")
        return self._buffer

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def parse_lines(self) -> list[str]:
        if self._parse_lines is None:
            self._parse_lines = self.parse_text.split("\n") if self.edits else self.lines
        return self._parse_lines

    @property
    def line_count(self) -> int:
        n = self.text.count("\n")
        return n + (0 if self.text.endswith("\n") or not self.text else 1)

    def _char_col(self, row: int, byte_col: int) -> int:
        """Byte column in the parse buffer -> character column in the original line."""
        plines = self.parse_lines
        if row >= len(plines):
            return 0
        line = plines[row]
        if line.isascii():
            col = min(byte_col, len(line))
        else:
            col = len(line.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "ignore"))
        edits = self.edits.get(row)
        if not edits:
            return col
        delta = 0
        for e in edits:
            if col < e.new_col:
                break
            if col < e.new_col + e.new_len:  # inside a replaced token: clamp to its start/end
                return e.orig_col + (0 if col == e.new_col else e.orig_len)
            delta = (e.orig_col + e.orig_len) - (e.new_col + e.new_len)
        return col + delta

    def _utf16_col(self, row: int, char_col: int) -> int:
        lines = self.lines
        if row >= len(lines):
            return char_col + 1
        line = lines[row]
        prefix = line[:char_col]
        if prefix.isascii():
            return char_col + 1
        return len(prefix.encode("utf-16-le", "surrogatepass")) // 2 + 1

    def _ascii_rows(self) -> list[bool] | None:
        """Rows where bytes, characters and UTF-16 units coincide (no edits, ASCII only); None
        when all do (most files: one test of the whole text instead of one list entry a line)."""
        if not self._ascii_known:
            self._ascii = None if not self.edits and self.text.isascii() else \
                [line.isascii() and i not in self.edits for i, line in enumerate(self.lines)]
            self._ascii_known = True
        return self._ascii

    def span(self, start: Point, end: Point) -> Span:
        """Span of the original text between two parse-buffer points (end exclusive)."""
        sr, sc = start
        er, ec = end
        lines = self.lines
        ascii_rows = self._ascii if self._ascii_known else self._ascii_rows()
        if sr < len(lines) and er < len(lines) and (ascii_rows is None or (ascii_rows[sr] and ascii_rows[er])) \
                and (er, ec) > (sr, sc) and sc <= len(lines[sr]):
            return Span(sr + 1, sc + 1, er + 1, ec + 1)
        s_char = self._char_col(sr, sc)
        e_char = self._char_col(er, ec)
        sl, el = sr + 1, er + 1
        scol, ecol = self._utf16_col(sr, s_char), self._utf16_col(er, e_char)
        if (el, ecol) <= (sl, scol):  # SARIF wants a non-empty region
            el, ecol = sl, scol + 1
            if sr < len(self.lines) and scol > len(self.lines[sr]):
                scol = max(1, scol - 1)
                ecol = scol + 1
        return Span(sl, scol, el, ecol)

    def text_of(self, span: Span) -> str:
        """The original text covered by `span` (UTF-16 columns), newlines kept."""
        lines = self.lines
        out: list[str] = []
        for row in range(span.start_line - 1, min(span.end_line, len(lines))):
            line = lines[row]
            start = utf16_to_char(line, span.start_col) if row == span.start_line - 1 else 0
            end = utf16_to_char(line, span.end_col) if row == span.end_line - 1 else len(line)
            out.append(line[start:end])
        return "\n".join(out)


def utf16_to_char(line: str, col: int) -> int:
    """SARIF columns count UTF-16 code units from 1; Python indexes code points from 0."""
    if line.isascii():
        return min(col - 1, len(line))
    units = 0
    for i, ch in enumerate(line):
        if units >= col - 1:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def shift_point(base: Point, point: Point) -> Point:
    """Point of an injected tree (a <script> body) -> point in the enclosing file's buffer."""
    row, col = point
    return (base[0] + row, base[1] + col) if row == 0 else (base[0] + row, col)


def line_starts(text: str | bytes) -> list[int]:
    """Offset where each line starts: in characters for text (text-level scanners), in bytes for
    a parse buffer (`byte_point`)."""
    lines = text.split("\n") if isinstance(text, str) else text.split(b"\n")
    lengths = [len(line) + 1 for line in lines]
    lengths.pop()  # the last line has no newline after it
    return list(accumulate(lengths, initial=0))


def byte_point(starts: list[int], offset: int) -> Point:
    """Byte offset in a parse buffer -> (row, byte column), with the buffer's `line_starts`."""
    row = bisect_right(starts, offset) - 1
    return (row, offset - starts[row])


def offset_to_point(starts: list[int], text: str, offset: int) -> Point:
    """Character offset in `text` -> (row, UTF-8 byte column), for text-level scanners."""
    row = bisect_right(starts, offset) - 1
    prefix = text[starts[row]:offset]
    return (row, len(prefix) if prefix.isascii() else len(prefix.encode("utf-8", "surrogatepass")))
