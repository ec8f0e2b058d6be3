"""Inline expected-finding annotations in fixture files (semgrep style).

`// ruleid: SID002` (Apex, JS) or `<!-- ruleid: SID002 -->` (markup, XML) on the line above a
line, or at the end of the line itself, says a SID002 finding starts on that line; `ok:` says
none does; `todoruleid:` / `todook:` record a known false negative / false positive (with a
line of prose) without failing the suite. Several ids may be listed, comma-separated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ANNOTATION = re.compile(
    r"(?://|<!--)\s*(?P<kind>todoruleid|todook|ruleid|ok):\s*(?P<ids>SID\d{3}(?:\s*,\s*SID\d{3})*)")
ANNOTATED_SUFFIXES = (".cls", ".trigger", ".page", ".component", ".email", ".js", ".xml", ".workflow",
                      ".object", ".tab", ".weblink", ".namedCredential", ".remoteSite", ".resource",
                      ".homePageComponent", ".html", ".scf")


@dataclass
class Expectations:
    expected: set[tuple[str, int, str]] = field(default_factory=set)  # ruleid
    forbidden: set[tuple[str, int, str]] = field(default_factory=set)  # ok
    todo_missing: set[tuple[str, int, str]] = field(default_factory=set)  # todoruleid
    todo_extra: set[tuple[str, int, str]] = field(default_factory=set)  # todook


def _is_annotation_only(line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith(("//", "<!--")) and "apexlint:disable-next-line" in stripped:
        return True  # a suppression between an annotation and its line
    return bool(ANNOTATION.match(stripped))


def read_annotations(root: Path, rel_to: Path) -> Expectations:
    out = Expectations()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not path.name.endswith(ANNOTATED_SUFFIXES):
            continue
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (UnicodeDecodeError, OSError):
            continue
        rel = path.relative_to(rel_to).as_posix()
        for i, line in enumerate(lines):
            for m in ANNOTATION.finditer(line):
                target = i + 1 if not _is_annotation_only(line) else _next_code_line(lines, i)
                bucket = {"ruleid": out.expected, "ok": out.forbidden, "todoruleid": out.todo_missing,
                          "todook": out.todo_extra}[m.group("kind")]
                for rule_id in re.split(r"\s*,\s*", m.group("ids")):
                    bucket.add((rel, target, rule_id))
    return out


def _next_code_line(lines: list[str], index: int) -> int:
    """1-based number of the first line after `index` that is not blank or another annotation."""
    for j in range(index + 1, len(lines)):
        if lines[j].strip() and not _is_annotation_only(lines[j]):
            return j + 1
    return index + 2
