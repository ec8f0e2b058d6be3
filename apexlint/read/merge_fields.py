"""Visualforce / formula merge fields (`{! … }`) found in plain text, and where they sit.

Visualforce substitutes `{!expr}` server-side wherever it appears in a page: attributes, text,
`<script>` bodies, even HTML comments. So merge fields are found by scanning the text itself,
not the markup tree, which also makes the scan immune to markup the HTML grammar mis-reads
(`{!IF(a > b, "<b>", "")}`).

The scanner is built for hostile input: every regular expression has a single, non-nested
quantifier, and the exact (string- and brace-aware) scan has a total budget proportional to
the text length, after which it falls back to "ends at the next `}`". Unterminated merge
fields are reported (terminated=False) and never swallow the rest of the file.

The expression parser understands just enough of the formula language to find session reads
(`$Api.Session_ID`, `GETSESSIONID()`, any case, any whitespace) and the first identifier of
each other reference (`{!controller.prop}` -> `controller`), which is how a page binds to its
controller's properties.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from apexlint.ir import NoticeLevel, Notification
from apexlint.patterns import lazy
from apexlint.read.source import Point, line_starts
from apexlint.records import frozen

MAX_EXPRESSION = 20_000  # chars; real merge expressions are far shorter
_SCAN_BUDGET_FACTOR = 4  # exact scanning may read each char this many times before falling back

_OPEN_RUN = lazy(r"(?:\{!)+")
_SPECIAL = re.compile(r"[{}'\"\n]")
_STRING_END = {"'": re.compile(r"['\\\n]"), '"': re.compile(r'["\\\n]')}
_SIMPLE = re.compile(r"[$A-Za-z_][A-Za-z0-9_.]*")
_LEX = re.compile(r"[$A-Za-z_][A-Za-z0-9_]*|['\".(]")
# `$Api.Session_ID`, and `API.Session_ID`, the form custom buttons and links use (and Salesforce's
# own help inserts for them)
_SESSION_GLOBALS = frozenset({"$api.session_id", "api.session_id"})
_SESSION_FUNCTION = "getsessionid"
_LITERAL_WORDS = frozenset({"true", "false", "null"})


@frozen
class SessionRef:
    """One session read inside an expression; offsets are absolute in the scanned text."""

    start: int
    end: int
    text: str


@frozen
class MergeField:
    """One `{! … }`; `start` is the offset of `{`, `end` is past `}` (or the cut point)."""

    start: int
    end: int
    expression: str
    terminated: bool
    session_refs: tuple[SessionRef, ...]
    identifiers: tuple[str, ...]  # lower-case first names of non-global, non-function references

    @property
    def is_session(self) -> bool:
        return bool(self.session_refs)


# No real page, template or formula holds a hundred thousand merge fields; a file packed with
# them (10 MB of `{!}`) would cost seconds each. Past this many, the rest of the text is skipped
# and the file gets a notification.
MAX_MERGE_FIELDS = 100_000


def cut_short(fields: list[MergeField]) -> bool:
    """Whether `find_merge_fields` stopped at MAX_MERGE_FIELDS."""
    return len(fields) >= MAX_MERGE_FIELDS


def find_merge_fields(text: str, notes: list[Notification] | None = None, path: str = "") -> list[MergeField]:
    """Every `{! … }` in `text`, in order (at most MAX_MERGE_FIELDS), with session reads and
    referenced identifiers. A text cut short adds a notification about `path` to `notes`."""
    found = _MergeFieldFinder(text).run()
    if notes is not None and cut_short(found):
        notes.append(Notification(
            code="too-many-merge-fields", level=NoticeLevel.WARNING, path=path,
            message=f"more than {MAX_MERGE_FIELDS:,} merge fields: the rest of the file is not analysed"))
    if notes is not None:
        # an expression read only to MAX_EXPRESSION: what it reads past that point (a session
        # nested in 20,000 parentheses) is not seen, and must not be lost without a word (AE-7)
        long = next((f for f in found if not f.terminated and f.end - f.start >= MAX_EXPRESSION), None)
        if long is not None:
            notes.append(Notification(
                code="merge-field-too-long", level=NoticeLevel.WARNING, path=path,
                message=f"a merge field at line {text.count(chr(10), 0, long.start) + 1} runs past "
                        f"{MAX_EXPRESSION:,} characters: it is read only to there, a session it reads "
                        "after that point is missing from this scan"))
    return found


def parse_expression(expression: str, base: int = 0) -> tuple[tuple[SessionRef, ...], tuple[str, ...]]:
    """Session reads and referenced first identifiers of a formula expression.

    Also used directly on formula fields and web-link URLs, where `GETSESSIONID()` and
    `$Api.Session_ID` may appear without braces. `base` is added to every offset.
    """
    simple = _simple_reference(expression, base)
    if simple is not None:
        return simple
    names = _dotted_names(expression)
    refs: list[SessionRef] = []
    idents: dict[str, None] = {}
    for start, end, dotted, is_call in names:
        key = dotted.lower()
        if key in _SESSION_GLOBALS:
            refs.append(SessionRef(base + start, base + end, expression[start:end]))
        elif is_call and key == _SESSION_FUNCTION:
            call_end = _call_end(expression, end)
            refs.append(SessionRef(base + start, base + call_end, expression[start:call_end]))
        elif not is_call and not key.startswith("$") and key not in _LITERAL_WORDS:
            idents.setdefault(key.split(".", 1)[0], None)
    return tuple(refs), tuple(idents)


def _simple_reference(expression: str, base: int) -> tuple[tuple[SessionRef, ...], tuple[str, ...]] | None:
    """Fast path for the common `{!name.path}`; None when the expression is anything more."""
    stripped = expression.strip()
    if not _SIMPLE.fullmatch(stripped) or ".." in stripped or stripped.endswith("."):
        return None
    key = stripped.lower()
    if key in _SESSION_GLOBALS:
        start = base + expression.index(stripped)
        return (SessionRef(start, start + len(stripped), stripped),), ()
    if key.startswith("$") or key in _LITERAL_WORDS:
        return (), ()
    return (), (key.split(".", 1)[0],)


def _dotted_names(expr: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, dotted name without whitespace, followed by '(') outside string literals."""
    found: list[tuple[int, int, str, bool]] = []
    segments: list[str] = []
    name_start = name_end = last_end = 0  # last_end: end of the name's last segment or dot
    after_dot = False
    pos = 0
    while (m := _LEX.search(expr, pos)) is not None:
        tok = m.group(0)
        joined = bool(segments) and not expr[last_end:m.start()].strip()
        pos = m.end()
        if tok in ("'", '"'):
            pos = _skip_string(expr, m.end(), tok, len(expr))
        elif tok == "." and joined and not after_dot:
            after_dot, last_end = True, m.end()
            continue
        elif tok not in (".", "(") and joined and after_dot:
            segments.append(tok)
            name_end = last_end = m.end()
            after_dot = False
            continue
        if segments:
            found.append((name_start, name_end, ".".join(segments), tok == "(" and joined))
            segments = []
        after_dot = False
        if tok not in ("'", '"', ".", "("):
            segments, name_start, name_end, last_end = [tok], m.start(), m.end(), m.end()
    if segments:
        found.append((name_start, name_end, ".".join(segments), False))
    return found


def _skip_string(text: str, pos: int, quote: str, limit: int) -> int:
    """Offset just past the literal opened before `pos` (formula strings escape with `\\`)."""
    end_re = _STRING_END[quote]
    while True:
        m = end_re.search(text, pos, limit)
        if m is None:
            return limit
        ch = m.group(0)
        if ch == "\\":
            pos = m.end() + 1
            continue
        return m.end()  # closing quote, or a newline that ends an unterminated literal


def _call_end(expr: str, name_end: int) -> int:
    """End of `NAME ( )` when the argument list is empty, else just past the `(`."""
    open_at = expr.find("(", name_end)
    close_at = open_at + 1
    while close_at < len(expr) and expr[close_at] in " \t\r\n":
        close_at += 1
    if close_at < len(expr) and expr[close_at] == ")":
        return close_at + 1
    return open_at + 1


class _MergeFieldFinder:
    """Left-to-right scan for `{!`; exact scanning first, a bounded fallback second."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.budget = _SCAN_BUDGET_FACTOR * len(text) + MAX_EXPRESSION
        self.next_close = -2  # cached result of text.find("}", p); -2 = not computed

    def run(self) -> list[MergeField]:
        text = self.text
        found: list[MergeField] = []
        pos = 0
        while True:
            start = text.find("{!", pos)
            if start < 0:
                return found
            if text.startswith("{!", start + 2):  # `{!{!{!…`: only the last opener can hold anything
                run = _OPEN_RUN.match(text, start)
                start = run.end() - 2 if run is not None else start
            end, terminated = self._close(start)
            found.append(_make_field(text, start, end, terminated))
            if len(found) >= MAX_MERGE_FIELDS:
                return found  # the caller notes a file cut short here (see `cut_short`)
            pos = max(end, start + 2)

    def _close(self, start: int) -> tuple[int, bool]:
        """End offset of the merge field opened at `start`, and whether it was closed."""
        if self.budget > 0:
            end, status = _exact_close(self.text, start + 2, min(len(self.text), start + MAX_EXPRESSION))
            self.budget -= (end if end > 0 else start + MAX_EXPRESSION) - start
            if status == "closed":
                return end, True
            if status == "cut":
                return end, False
        return self._lenient_close(start)

    def _lenient_close(self, start: int) -> tuple[int, bool]:
        """Ends at the next `}` when near, else at the end of the line (unterminated)."""
        text = self.text
        if self.next_close != -1 and self.next_close < start + 2:
            self.next_close = text.find("}", start + 2)
        close = self.next_close
        horizon = start + MAX_EXPRESSION
        nested = text.find("{!", start + 2, min(close, horizon) if close >= 0 else horizon)
        if 0 <= close < horizon and nested < 0:
            return close + 1, True
        line_end = text.find("\n", start, horizon)
        cut = min(x for x in (line_end, nested, horizon, len(text)) if x > start)
        return cut, False


def _exact_close(text: str, pos: int, limit: int) -> tuple[int, str]:
    """Scan a merge expression honouring strings and nested braces.

    Returns (end, "closed") past the matching `}`, (cut, "cut") when a new `{!` starts outside
    a string (Visualforce expressions cannot contain one, so the first was left open), or
    (-1, "failed") when neither happens before `limit`.
    """
    depth = 0
    while True:
        m = _SPECIAL.search(text, pos, limit)
        if m is None:
            return -1, "failed"
        ch = m.group(0)
        if ch in ("'", '"'):
            pos = _skip_string(text, m.end(), ch, limit)
            if pos >= limit or text[pos - 1] == "\n":
                return -1, "failed"
            continue
        pos = m.end()
        if ch == "{":
            if text.startswith("!", pos):
                return m.start(), "cut"
            depth += 1
        elif ch == "}":
            if depth == 0:
                return pos, "closed"
            depth -= 1


def _make_field(text: str, start: int, end: int, terminated: bool) -> MergeField:
    body_end = end - 1 if terminated else end
    expression = text[start + 2:body_end]
    refs, idents = parse_expression(expression, start + 2)
    return MergeField(start, end, expression, terminated, refs, idents)


class TextPositions:
    """Character offsets of a text -> tree-sitter points and UTF-8 byte offsets.

    Text-level scanners (merge fields, token literals, comments) report character offsets;
    spans and tree look-ups need (row, byte column) and byte offsets. Long non-ASCII lines
    get a per-line checkpoint table so that thousands of look-ups on a 1 MB line stay cheap.
    """

    _CHUNK = 1024

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)
        self.ascii = text.isascii()
        self._byte_starts: list[int] | None = None
        self._checkpoints: dict[int, list[int]] = {}

    def point(self, offset: int) -> Point:
        row = bisect_right(self.starts, offset) - 1
        return (row, self._byte_col(row, offset - self.starts[row]))

    def byte_offset(self, offset: int) -> int:
        if self.ascii:
            return offset
        row = bisect_right(self.starts, offset) - 1
        return self._line_byte_starts()[row] + self._byte_col(row, offset - self.starts[row])

    def byte_offsets(self, offsets: list[int]) -> list[int]:
        """Byte offsets of ascending character offsets, in one pass over the text."""
        if self.ascii:
            return list(offsets)
        out: list[int] = []
        char_at = byte_at = 0
        for offset in offsets:
            if offset < char_at:  # not ascending: fall back to a direct look-up
                out.append(self.byte_offset(offset))
                continue
            byte_at += _utf8_len(self.text[char_at:offset])
            char_at = offset
            out.append(byte_at)
        return out

    def _line_byte_starts(self) -> list[int]:
        if self._byte_starts is None:
            acc, out = 0, []
            for row, start in enumerate(self.starts):
                out.append(acc)
                end = self.starts[row + 1] if row + 1 < len(self.starts) else len(self.text)
                acc += _utf8_len(self.text[start:end])
            self._byte_starts = out
        return self._byte_starts

    def _byte_col(self, row: int, char_col: int) -> int:
        if self.ascii:
            return char_col
        start = self.starts[row]
        chunk = char_col // self._CHUNK
        marks = self._checkpoints.get(row)
        if marks is None:
            marks = [0]
            self._checkpoints[row] = marks
        while len(marks) <= chunk:
            k = len(marks) - 1
            piece = self.text[start + k * self._CHUNK: start + (k + 1) * self._CHUNK]
            marks.append(marks[-1] + _utf8_len(piece))
        base = start + chunk * self._CHUNK
        return marks[chunk] + _utf8_len(self.text[base:start + char_col])


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
