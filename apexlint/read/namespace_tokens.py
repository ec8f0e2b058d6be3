"""CumulusCI namespace tokens, replaced before parsing and mapped back for reports.

CumulusCI projects keep the package namespace out of the source: `%%%NAMESPACE%%%Foo__c` is
deployed as `ns__Foo__c` in the packaging org and as `Foo__c` in an unmanaged scratch org. The
raw tokens are not valid Apex (`public class %%%NAMESPACE%%%Foo`), so they are replaced before a
file reaches tree-sitter. A managed-package linter sees the package as it ships: every token gets
its namespaced value when a namespace is known (CumulusCI's `managed` + `namespaced_org` mode)
and its unmanaged value otherwise.

Each replacement is recorded as a `LineEdit` so `SourceText.span()` can map parse positions back
to the columns of the file as written.
"""

from __future__ import annotations

from apexlint.patterns import lazy
from apexlint.read.source import LineEdit

_CONTENT_TOKEN = lazy(
    r"%%%(NAMESPACE|NAMESPACED_ORG|NAMESPACE_DOT|NAMESPACED_RT|NAMESPACE_OR_C|NAMESPACED_ORG_OR_C)%%%"
)


def token_values(namespace: str) -> dict[str, str]:
    """What each content token becomes (the semantics of CumulusCI's `inject_namespace`)."""
    ns = namespace.strip()
    if ns:
        return {
            "NAMESPACE": f"{ns}__",
            "NAMESPACED_ORG": f"{ns}__",
            "NAMESPACE_DOT": f"{ns}.",
            "NAMESPACED_RT": f"{ns}.",  # record type developer names: `ns.RecordTypeName`
            "NAMESPACE_OR_C": ns,  # Lightning component references: `ns:comp` / `c:comp`
            "NAMESPACED_ORG_OR_C": ns,
        }
    return {
        "NAMESPACE": "",
        "NAMESPACED_ORG": "",
        "NAMESPACE_DOT": "",
        "NAMESPACED_RT": "",
        "NAMESPACE_OR_C": "c",
        "NAMESPACED_ORG_OR_C": "c",
    }


def replace_tokens(text: str, namespace: str) -> tuple[str, dict[int, tuple[LineEdit, ...]]]:
    """Replace namespace tokens; return the new text and, per 0-based row, the edits made.

    Tokens never span lines, so the line structure is unchanged and edits are per line, in
    characters, ordered by position.
    """
    if "%%%" not in text:
        return text, {}
    values = token_values(namespace)
    lines = text.split("\n")
    edits: dict[int, tuple[LineEdit, ...]] = {}
    for row, line in enumerate(lines):
        if "%%%" not in line:
            continue
        new_line, line_edits = _replace_in_line(line, values)
        if line_edits:
            lines[row] = new_line
            edits[row] = line_edits
    if not edits:
        return text, {}
    return "\n".join(lines), edits


def _replace_in_line(line: str, values: dict[str, str]) -> tuple[str, tuple[LineEdit, ...]]:
    parts: list[str] = []
    line_edits: list[LineEdit] = []
    last = 0
    new_col = 0
    for match in _CONTENT_TOKEN.finditer(line):
        kept = line[last : match.start()]
        parts.append(kept)
        new_col += len(kept)
        value = values[match.group(1)]
        parts.append(value)
        line_edits.append(LineEdit(new_col, len(value), match.start(), match.end() - match.start()))
        new_col += len(value)
        last = match.end()
    parts.append(line[last:])
    return "".join(parts), tuple(line_edits)


def replace_filename_tokens(name: str, namespace: str) -> str:
    """A file name with CumulusCI's `___NAMESPACE___` / `___NAMESPACED_ORG___` tokens replaced.

    CumulusCI renames files such as `___NAMESPACE___Settings.page` on deploy; the package model
    names components after the deployed name.
    """
    ns = namespace.strip()
    prefix = f"{ns}__" if ns else ""
    return name.replace("___NAMESPACE___", prefix).replace("___NAMESPACED_ORG___", prefix)
