"""`Trigger.new[0].addError(...)`: the trigger context, written as Apex's grammar cannot parse it.

tree-sitter's Apex grammar takes `trigger` at the start of a statement for a trigger declaration,
so `Trigger.new[0].addError('x');`, `Trigger.newMap.get(id).Name = x;` and the like (valid Apex,
common in trigger handlers) become parse errors, and a session source inside such a statement
would be lost. The same statement written `System.Trigger.new[0]...` parses, and means the same.
So before parsing, every reference to a member of the trigger context is written with `System.`
in front, recorded as a `LineEdit` so that positions map back to the file as written; lowering
reads `System.Trigger` as `Trigger` (`lower/apex.py`).
"""

from __future__ import annotations

import bisect
import itertools
import re

from apexlint.patterns import lazy
from apexlint.read.source import LineEdit

APEX_SUFFIXES = (".cls", ".trigger")
QUALIFIED = "System.Trigger"
# `Trigger.<context variable>`, not after a `.` (already `System.Trigger`) or inside a name
_CONTEXT = lazy(
    r"(?<![\w.$])trigger(?=\s*\.\s*(?:new|old|newmap|oldmap|isinsert|isupdate|isdelete|isundelete|isbefore|isafter"
    r"|isexecuting|size|operationtype)\b)", re.IGNORECASE)


def qualify_trigger_context(rel: str, text: str, edits: dict[int, tuple[LineEdit, ...]]
                            ) -> tuple[str, dict[int, tuple[LineEdit, ...]]]:
    """`text` (an Apex file's parse text) with `Trigger.x` written `System.Trigger.x` outside
    string literals, and `edits` with those rows' edits added. Rows that already hold edits (a
    namespace token) are left as they are."""
    if not rel.lower().endswith(APEX_SUFFIXES):
        return text, edits
    lowered = text.lower()  # a case-blind search for the word first: a regex over every file is slow
    hits = []
    at = lowered.find("trigger")
    while at >= 0:
        if _CONTEXT.match(text, at):
            hits.append(at)
        at = lowered.find("trigger", at + 7)
    if not hits:
        return text, edits
    lines = text.split("\n")
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    found: dict[int, list[int]] = {}
    for at in hits:
        row = bisect.bisect_right(starts, at) - 1
        col = at - starts[row]
        if row not in edits and _code_at(lines[row], col):
            found.setdefault(row, []).append(col)
    if not found:
        return text, edits
    out = dict(edits)
    for row, cols in found.items():
        line = lines[row]
        parts, row_edits, last, shift = [], [], 0, 0
        for col in cols:
            parts.append(line[last:col])
            row_edits.append(LineEdit(col + shift, len(QUALIFIED), col, len("Trigger")))
            parts.append(QUALIFIED)
            shift += len(QUALIFIED) - len("Trigger")
            last = col + len("Trigger")
        parts.append(line[last:])
        lines[row] = "".join(parts)
        out[row] = tuple(row_edits)
    return "\n".join(lines), out


def _code_at(line: str, col: int) -> bool:
    """Whether column `col` of a line is code: not in a string literal or after `//` (by the
    quotes and slashes before it on the line; Apex strings do not span lines)."""
    quoted = False
    i = 0
    while i < col:
        c = line[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == "'":
                quoted = False
        elif c == "'":
            quoted = True
        elif c == "/" and line.startswith("//", i):
            return False
        i += 1
    return not quoted
