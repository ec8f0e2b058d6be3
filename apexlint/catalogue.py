"""The rule catalogue: each rule's metadata and help, read from the `rules/` folder.

Every rule has one Markdown file, `rules/SID002.md`: TOML front matter between `+++` lines, then a
help body with fixed sections (What it does / Why is this bad? / Example / Use instead /
References). That one text feeds `apexlint explain`, SARIF `help`, and the HTML report, so a rule's
words live in exactly one place (ruff, bandit). Metadata is data, not code (PMD).

The folder ships inside the wheel as `apexlint/_catalogue` (hatch force-include). Editable installs
and source checkouts don't apply force-include, so the loader falls back to the repository's
top-level `rules/` beside the package.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import pickle
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

from apexlint.patterns import lazy
from apexlint.records import frozen

__all__ = [
    "LEVELS",
    "PRECISIONS",
    "SECTIONS",
    "CatalogueError",
    "RuleMeta",
    "catalogue_digest",
    "catalogue_dir",
    "cwe_tag",
    "format_explain",
    "format_rule_list",
    "help_uri",
    "load_catalogue",
    "load_catalogue_from",
    "parse_rule",
    "remembered_catalogue",
    "render_plain_text",
    "rule",
    "severity_rating",
]


@frozen
class RuleMeta:
    id: str  # "SID002"
    name: str  # "session-id-exported"
    level: str  # default SARIF level: "error" | "warning" | "note"
    security_severity: str  # "9.1" (GitHub security-severity, a string)
    precision: str  # "very-high" | "high" | "medium" | "low"
    tags: tuple[str, ...]  # ("security", "external/cwe/cwe-200", ...)
    cwe: tuple[str, ...]  # ("CWE-200",)
    short_description: str
    full_description: str
    # the whole Markdown body: What it does / Why is this bad? / Example / Use instead / References
    help_markdown: str
    help_text: str  # plain-text rendering of help_markdown
    help_uri: str
    # one sentence: the secure alternative, as text and JSON reports print it beside the findings
    remediation: str = ""
    since: str = "0.1.0"


class CatalogueError(ValueError):
    """A rule file is missing, malformed or inconsistent; the message names the file."""


SECTIONS: Final[tuple[str, ...]] = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "References",
)
LEVELS: Final[tuple[str, ...]] = ("error", "warning", "note")
PRECISIONS: Final[tuple[str, ...]] = ("very-high", "high", "medium", "low")
HELP_URI_TEMPLATE: Final = "https://github.com/apexlint/apexlint/blob/main/rules/{id}.md"

# GitHub code scanning limits: descriptions over 1024 characters are rejected, and only the first
# 10 tags of a rule are kept.
MAX_DESCRIPTION: Final = 1024
MAX_TAGS: Final = 10
MAX_NAME: Final = 255

_REQUIRED_KEYS: Final = (
    "id",
    "name",
    "level",
    "security_severity",
    "precision",
    "tags",
    "cwe",
    "short_description",
    "full_description",
    "remediation",
    "since",
)
_FRONT_MATTER_FENCE: Final = "+++"
_RULE_ID = lazy(r"SID\d{3}")
_RULE_NAME = lazy(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_CWE_ID = lazy(r"CWE-(\d+)")
_SEVERITY = lazy(r"\d{1,2}(?:\.\d)?")
_VERSION = lazy(r"\d+\.\d+\.\d+")
_HEADING = lazy(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CODE_FENCE = lazy(r"^\s*(```|~~~)")
_LINK = lazy(r"\[([^\]]+)\]\(([^)\s]+)\)")
_AUTOLINK = lazy(r"<(https?://[^>\s]+)>")
_STRONG = lazy(r"\*\*(.+?)\*\*", re.DOTALL)
_INLINE_CODE = lazy(r"`([^`]+)`")
_CODE_INDENT: Final = "    "


# --- locating and loading -------------------------------------------------------------------------


def catalogue_dir() -> Traversable:
    """The folder holding the rule files: the installed copy first, else the source tree's `rules/`."""
    here = Path(__file__).resolve()
    package = here.parent
    installed: Traversable = package / "_catalogue"
    if not installed.is_dir() and not here.is_file():  # not a package on disk (a zip): ask its loader
        from importlib import resources
        installed = resources.files("apexlint").joinpath("_catalogue")
    if installed.is_dir():
        return installed
    source_tree = package.parent / "rules"
    if source_tree.is_dir():
        return source_tree
    raise CatalogueError(
        f"rule catalogue not found: neither the installed apexlint/_catalogue nor {source_tree} exists"
    )


def load_catalogue() -> dict[str, RuleMeta]:
    """Every rule, by id, in id order. Parsed once per process; each call returns a fresh dict."""
    return dict(_cached_catalogue())


def rule(rule_id: str) -> RuleMeta:
    """One rule by id or name, case-insensitively ("sid002", "SID002", "Session-ID-Exported")."""
    found = _cached_index().get(rule_id.strip().casefold())
    if found is None:
        known = ", ".join(_cached_catalogue())
        raise KeyError(f"unknown rule {rule_id!r}: expected a rule id or name from the catalogue ({known})")
    return found


def help_uri(rule_id: str) -> str:
    """Where a rule's documentation is published (the rule file in the repository)."""
    return HELP_URI_TEMPLATE.format(id=rule_id)


def load_catalogue_from(folder: Traversable) -> dict[str, RuleMeta]:
    """Parse and validate every `SID*.md` file in `folder`; other files (a README) are ignored."""
    rules: dict[str, RuleMeta] = {}
    for entry in _rule_files(folder):
        meta = parse_rule(entry.read_text(encoding="utf-8"), str(entry))
        rules[meta.id] = meta
    if not rules:
        raise CatalogueError(f"{folder}: no rule files (SIDnnn.md) in the catalogue folder")
    _check_unique_names(rules.values())
    return rules


# The process's catalogue, parsed once (or taken from a cache: `remembered_catalogue`); read-only,
# as every caller in the process shares it.
_PROCESS: dict[str, Mapping[str, RuleMeta]] = {}


def _cached_catalogue() -> Mapping[str, RuleMeta]:
    rules = _PROCESS.get("rules")
    if rules is None:
        rules = _PROCESS["rules"] = MappingProxyType(load_catalogue_from(catalogue_dir()))
    return rules


def catalogue_digest() -> str:
    """A hash of the rule files as they are, names and bytes: this code's parse of the same files
    is the same catalogue (0.3 ms, where parsing them takes 7)."""
    h = hashlib.sha256()
    for entry in _rule_files(catalogue_dir()):
        name, data = entry.name.encode("utf-8", "surrogatepass"), entry.read_bytes()
        h.update(b"%d:%b%d:%b" % (len(name), name, len(data), data))
    return h.hexdigest()


class CatalogueKeeper(Protocol):
    """Where a parsed catalogue is kept between processes (a `LoweringCache`: sealed, and in a
    folder of this code's own)."""

    def catalogue(self) -> object | None: ...

    def put_catalogue(self, blob: bytes) -> None: ...


def remembered_catalogue(keeper: CatalogueKeeper) -> str:
    """The rule files' digest. Unless the process has parsed the catalogue already, it is from
    now on `keeper`'s parse of exactly these files, if it holds one. When it does not, they are
    parsed here and the parse is given to `keeper`."""
    digest = catalogue_digest()
    kept = keeper.catalogue()
    if (isinstance(kept, tuple) and len(kept) == 2 and kept[0] == digest and isinstance(kept[1], dict)
            and kept[1] and all(isinstance(v, RuleMeta) and v.id == k for k, v in kept[1].items())):
        _PROCESS.setdefault("rules", MappingProxyType(kept[1]))
        return digest
    rules = dict(_cached_catalogue())
    with contextlib.suppress(Exception):  # what cannot be kept is parsed again next time
        keeper.put_catalogue(pickle.dumps((digest, rules), protocol=pickle.HIGHEST_PROTOCOL))
    return digest


@functools.cache
def _cached_index() -> Mapping[str, RuleMeta]:
    index: dict[str, RuleMeta] = {}
    for meta in _cached_catalogue().values():
        index[meta.id.casefold()] = meta
        index[meta.name.casefold()] = meta
    return MappingProxyType(index)


def _rule_files(folder: Traversable) -> list[Traversable]:
    return sorted((e for e in folder.iterdir() if _is_rule_file(e)), key=lambda e: e.name)


def _is_rule_file(entry: Traversable) -> bool:
    return entry.is_file() and entry.name.upper().startswith("SID") and entry.name.endswith(".md")


def _check_unique_names(rules: Iterable[RuleMeta]) -> None:
    seen: dict[str, str] = {}
    for meta in rules:
        if meta.name in seen:
            raise CatalogueError(f"{meta.id}.md: name {meta.name!r} is already used by {seen[meta.name]}")
        seen[meta.name] = meta.id


# --- parsing one rule file ------------------------------------------------------------------------


def parse_rule(text: str, path: str) -> RuleMeta:
    """Build a rule from its file's text; `path` names the file in errors and fixes the expected id."""
    front, body = _split_front_matter(text, path)
    data = _parse_toml(front, path)
    _check_keys(data, path)
    rule_id = _text(data, "id", path)
    expected_id = PurePath(path).stem
    if rule_id != expected_id:
        raise CatalogueError(
            f"{path}: id {rule_id!r} does not match the file name (expected {expected_id!r})"
        )
    if not _RULE_ID.fullmatch(rule_id):
        raise CatalogueError(f"{path}: id {rule_id!r} is not of the form SIDnnn")
    cwe = _cwe_ids(data, path)
    _check_sections(body, path)
    help_markdown = body.strip() + "\n"
    return RuleMeta(
        id=rule_id,
        name=_name(data, path),
        level=_choice(data, "level", LEVELS, path),
        security_severity=_security_severity(data, path),
        precision=_choice(data, "precision", PRECISIONS, path),
        tags=_tags(data, cwe, path),
        cwe=cwe,
        short_description=_description(data, "short_description", path),
        full_description=_description(data, "full_description", path),
        help_markdown=help_markdown,
        help_text=render_plain_text(help_markdown),
        help_uri=help_uri(rule_id),
        remediation=_description(data, "remediation", path),
        since=_version(data, path),
    )


def _split_front_matter(text: str, path: str) -> tuple[str, str]:
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or lines[0].strip() != _FRONT_MATTER_FENCE:
        raise CatalogueError(f"{path}: the file must start with a '+++' line opening the TOML front matter")
    for index in range(1, len(lines)):
        if lines[index].strip() == _FRONT_MATTER_FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    raise CatalogueError(f"{path}: the TOML front matter is not closed by a '+++' line")


def _parse_toml(front: str, path: str) -> dict[str, Any]:
    import tomllib  # 3 ms to import, for a scan that parses the rules (not one that remembers them)
    try:
        return tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{path}: invalid TOML front matter: {error}") from error


def _check_keys(data: Mapping[str, Any], path: str) -> None:
    missing = [key for key in _REQUIRED_KEYS if key not in data]
    if missing:
        raise CatalogueError(f"{path}: missing front matter key(s): {', '.join(missing)}")
    unknown = sorted(set(data) - set(_REQUIRED_KEYS))
    if unknown:
        raise CatalogueError(f"{path}: unknown front matter key(s): {', '.join(unknown)}")


def _text(data: Mapping[str, Any], key: str, path: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{path}: {key!r} must be a non-empty string")
    return value.strip()


def _strings(data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise CatalogueError(f"{path}: {key!r} must be a list of non-empty strings")
    if len(set(value)) != len(value):
        raise CatalogueError(f"{path}: {key!r} lists the same value twice")
    return tuple(value)


def _name(data: Mapping[str, Any], path: str) -> str:
    name = _text(data, "name", path)
    if not _RULE_NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise CatalogueError(
            f"{path}: name {name!r} must be lowercase words joined by '-' (≤ {MAX_NAME} chars)"
        )
    return name


def _choice(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], path: str) -> str:
    value = _text(data, key, path)
    if value not in allowed:
        raise CatalogueError(f"{path}: {key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _security_severity(data: Mapping[str, Any], path: str) -> str:
    """GitHub reads `security-severity` as a *string* score in (0.0, 10.0]."""
    value = data["security_severity"]
    if not isinstance(value, str) or not _SEVERITY.fullmatch(value):
        raise CatalogueError(f'{path}: security_severity must be a string like "9.1", got {value!r}')
    score = float(value)
    if not (math.isfinite(score) and 0.0 < score <= 10.0):
        raise CatalogueError(f"{path}: security_severity {value!r} must be in (0, 10]")
    return value


def _cwe_ids(data: Mapping[str, Any], path: str) -> tuple[str, ...]:
    cwe = _strings(data, "cwe", path)
    if not cwe:
        raise CatalogueError(f"{path}: cwe must list at least one CWE id")
    for item in cwe:
        if not _CWE_ID.fullmatch(item):
            raise CatalogueError(f"{path}: cwe entry {item!r} is not of the form CWE-nnn")
    return cwe


def _tags(data: Mapping[str, Any], cwe: tuple[str, ...], path: str) -> tuple[str, ...]:
    tags = _strings(data, "tags", path)
    if "security" not in tags:
        raise CatalogueError(
            f"{path}: tags must include 'security' (GitHub files the alerts as security results)"
        )
    if len(tags) > MAX_TAGS:
        raise CatalogueError(f"{path}: {len(tags)} tags; GitHub keeps only the first {MAX_TAGS}")
    for item in cwe:
        if cwe_tag(item) not in tags:
            raise CatalogueError(f"{path}: {item} is listed in cwe but tag {cwe_tag(item)!r} is missing")
    return tags


def cwe_tag(cwe_id: str) -> str:
    """The CodeQL/GitHub tag for a CWE id: "CWE-79" -> "external/cwe/cwe-079"."""
    match = _CWE_ID.fullmatch(cwe_id)
    if match is None:
        raise ValueError(f"not a CWE id: {cwe_id!r}")
    return f"external/cwe/cwe-{int(match.group(1)):03d}"


def _description(data: Mapping[str, Any], key: str, path: str) -> str:
    text = _text(data, key, path)
    if len(text) > MAX_DESCRIPTION:
        raise CatalogueError(f"{path}: {key} has {len(text)} characters; GitHub allows {MAX_DESCRIPTION}")
    if "\n" in text:
        raise CatalogueError(f"{path}: {key} must be a single paragraph without line breaks")
    return text


def _version(data: Mapping[str, Any], path: str) -> str:
    since = _text(data, "since", path)
    if not _VERSION.fullmatch(since):
        raise CatalogueError(f'{path}: since {since!r} must be a version like "0.1.0"')
    return since


def _check_sections(body: str, path: str) -> None:
    """The help body has exactly the fixed `##` sections, in order, each with content."""
    sections = _sections(body)
    titles = tuple(title for title, _ in sections)
    if titles != SECTIONS:
        found = " / ".join(titles) or "none"
        raise CatalogueError(
            f"{path}: '##' sections must be {' / '.join(SECTIONS)} in this order; found {found}"
        )
    for title, content in sections:
        if not content.strip():
            raise CatalogueError(f"{path}: section '## {title}' is empty")
        if title in ("Example", "Use instead") and not _has_code_block(content):
            raise CatalogueError(f"{path}: section '## {title}' needs a fenced code block")


def _sections(body: str) -> list[tuple[str, str]]:
    """Split the body at level-2 headings, ignoring lines inside fenced code blocks."""
    sections: list[tuple[str, list[str]]] = []
    in_code = False
    for line in body.splitlines():
        if _CODE_FENCE.match(line):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading is not None and len(heading.group(1)) == 2:
            sections.append((heading.group(2), []))
        elif sections:
            sections[-1][1].append(line)
    return [(title, "\n".join(lines)) for title, lines in sections]


def _has_code_block(markdown: str) -> bool:
    return sum(1 for line in markdown.splitlines() if _CODE_FENCE.match(line)) >= 2


# --- rendering --------------------------------------------------------------------------------------


def render_plain_text(markdown: str) -> str:
    """Markdown to terminal text: headings underlined, links spelled out, code indented, markup dropped."""
    out: list[str] = []
    prose: list[str] = []
    in_code = False
    for line in markdown.splitlines():
        if _CODE_FENCE.match(line):
            if not in_code:
                out.extend(_plain_prose(prose))
                prose = []
            out.append("")  # code stands apart from prose even when the Markdown omits the blank line
            in_code = not in_code
        elif in_code:
            out.append(_CODE_INDENT + line if line.strip() else "")
        else:
            prose.append(line)
    out.extend(_plain_prose(prose))
    return _squeeze_blank_lines(out)


def _plain_prose(lines: list[str]) -> list[str]:
    """Inline markup is stripped over the whole run of prose, since emphasis can wrap across lines."""
    out: list[str] = []
    for line in _plain_inline("\n".join(lines)).split("\n"):
        heading = _HEADING.match(line)
        if heading is None:
            out.append(line.rstrip())
        else:
            out.extend([heading.group(2), "-" * len(heading.group(2))])
    return out


def _plain_inline(text: str) -> str:
    text = _AUTOLINK.sub(r"\1", text)
    text = _LINK.sub(_spell_link, text)
    text = _STRONG.sub(r"\1", text)
    return _INLINE_CODE.sub(r"\1", text)


def _spell_link(match: re.Match[str]) -> str:
    """`[title](url)` becomes `title <url>`, so the address survives in a terminal."""
    title, url = match.group(1), match.group(2)
    return url if title == url else f"{title} <{url}>"


def _squeeze_blank_lines(lines: list[str]) -> str:
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def format_rule_list(rules: Iterable[RuleMeta]) -> str:
    """The `apexlint rules` table: id, level, name, short description, one rule a line, by id."""
    ordered = sorted(rules, key=lambda meta: meta.id)
    header = ("ID", "LEVEL", "NAME", "DESCRIPTION")
    rows = [header, *((m.id, m.level, m.name, m.short_description) for m in ordered)]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = ["  ".join([*(row[c].ljust(widths[c]) for c in range(3)), row[3]]).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def format_explain(meta: RuleMeta) -> str:
    """The `apexlint explain SIDnnn` page: title, classification, then the full help text."""
    title = f"{meta.id}: {meta.name}"
    details = [
        title,
        "=" * len(title),
        meta.short_description,
        "",
        f"Level: {meta.level}    Security severity: {meta.security_severity} "
        f"({severity_rating(meta.security_severity)})    Precision: {meta.precision}",
        f"CWE: {', '.join(meta.cwe)}    Since: {meta.since}",
        f"Tags: {', '.join(meta.tags)}",
        f"Documentation: {meta.help_uri}",
        "",
    ]
    return "\n".join(details) + "\n" + meta.help_text


def severity_rating(security_severity: str) -> str:
    """GitHub's label for a security-severity score (≥9 critical, ≥7 high, ≥4 medium, else low)."""
    score = float(security_severity)
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low"
