"""Literals shaped like a live session ID or OAuth access token, and their redaction.

A Salesforce session ID / access token is the 15- or 18-character org ID (prefix `00D`), an
exclamation mark, and a long opaque part: `00Dxx0000001gEH!AQ4AQ...`. Such a literal in a
package is a credential leak (SID009), and no output of apexlint may repeat it; so is the opaque
part alone (`!AQ4AQ...`), which with the org's URL is the whole credential.

Every stage redacts (lowering, the engine, the reporters, the command line's errors), so this
module is no stage's: importing it loads no lowering code (a re-scan whose result and report are
remembered imports none).
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar, cast

from apexlint.patterns import lazy

# Linear-time: no nested quantifiers, so hostile 10 MB lines cannot make it backtrack.
# No `\b` before it: a marker glued to the token (`Session_Id00D…!…`) must not hide it, from
# SID009 nor from redaction.
# The secret half alone (`'!ARkAQ…'` put in `SessionHeader.sessionId`, its org id left out) is a
# credential too: `!A`, a letter, a letter or digit, `AQ`, as every session's and access token's
# second half starts, and at least 40 more characters.
TOKEN_RE = re.compile(r"00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._]{20,}"
                      r"|!A[A-Z][A-Za-z0-9]AQ[A-Za-z0-9._]{40,}")
# A token's start (an org id, or the secret half's first characters): cheap to search for, so
# lowering looks for it to decide what to lower now; every full match of TOKEN_RE holds one.
TOKEN_START = re.compile(r"00D[A-Za-z0-9]{12}|!A[A-Z][A-Za-z0-9]AQ", re.A)
TOKEN_START_BYTES = re.compile(rb"00D[A-Za-z0-9]{12}|!A[A-Z][A-Za-z0-9]AQ")
TOKEN_RE_BYTES = lazy(TOKEN_RE.pattern.encode())  # TOKEN_RE over a parse buffer

_KEEP = 5
T = TypeVar("T")
REDACTION = "…[REDACTED]"  # what follows the first characters of a redacted token


def redact(text: str) -> str:
    """Replace every token-shaped run in `text` by its first characters and a marker."""
    if "!" not in text:
        return text
    return TOKEN_RE.sub(lambda m: m.group(0)[:_KEEP] + REDACTION, text)


_TOKEN_RUN = lazy(r"[A-Za-z0-9._!]{0,4096}")  # what a token is made of, from where a cut falls


def clip(text: str, limit: int) -> str:
    """`text` redacted, then cut to at most `limit` characters (with "…"). In that order: a cut
    through a token leaves a piece too short to be recognised as one, shown as it is."""
    text = redact(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def head(text: str, size: int) -> str:
    """About the first `size` characters of `text`, never ending inside a token: a long text is
    cut before it is redacted (to bound the work), and the cut is moved past a token it falls in."""
    if len(text) <= size:
        return text
    run = _TOKEN_RUN.match(text, size)
    return text[: run.end() if run else size]


def has_token(text: str) -> bool:
    return "!" in text and TOKEN_RE.search(text) is not None


def redact_all(value: T) -> T:
    """`value` with every string in it redacted: through tuples (named ones too), lists, dicts and dataclasses
    (rebuilt only where something changed; enum members and other str subclasses kept as they are)."""
    return cast(T, _redact_any(value))


def _redact_any(value: object) -> object:
    if type(value) is str:
        return redact(value)
    if isinstance(value, tuple | list):
        items = [_redact_any(item) for item in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        if isinstance(value, list):
            return items
        return value._make(items) if hasattr(value, "_make") else tuple(items)  # a named tuple stays one
    if isinstance(value, dict):
        pairs = {_redact_any(k): _redact_any(v) for k, v in value.items()}
        return value if list(pairs.items()) == list(value.items()) else pairs
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: new for f in fields(value) if f.init
                   and (new := _redact_any(old := getattr(value, f.name))) is not old}
        return replace(value, **changed) if changed else value
    return value
