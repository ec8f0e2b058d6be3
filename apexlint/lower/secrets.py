"""Literals shaped like a live session ID or OAuth access token, and their redaction.

A Salesforce session ID / access token is the 15- or 18-character org ID (prefix `00D`), an
exclamation mark, and a long opaque part: `00Dxx0000001gEH!AQ4AQ...`. Such a literal in a
package is a credential leak (SID009), and no output of apexlint may repeat it.
"""

from __future__ import annotations

import re

# Linear-time: no nested quantifiers, so hostile 10 MB lines cannot make it backtrack.
TOKEN_RE = re.compile(r"\b00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._]{20,}")
# A token's start (an org id): cheap to search for, so lowering looks for it to decide what to
# lower now; every full match of TOKEN_RE holds one.
TOKEN_START = re.compile(r"00D[A-Za-z0-9]{12}", re.A)
TOKEN_START_BYTES = re.compile(rb"00D[A-Za-z0-9]{12}")

_KEEP = 5


def redact(text: str) -> str:
    """Replace every token-shaped run in `text` by its first characters and a marker."""
    if "!" not in text:
        return text
    return TOKEN_RE.sub(lambda m: m.group(0)[:_KEEP] + "…[REDACTED]", text)


def has_token(text: str) -> bool:
    return "!" in text and TOKEN_RE.search(text) is not None
