"""Recognising a package on disk: `sfdx-project.json`, `package.xml`, `.forceignore`.

An SFDX project's package is its `packageDirectories`; a metadata-API package is the folder
holding `package.xml`. Both tell us the namespace, which decides what "owned by the package"
means for metadata writes and what CumulusCI namespace tokens become. Broken project files are
common in the wild (comments, trailing commas): they are tolerated and reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apexlint.discover import observed
from apexlint.ir import NoticeLevel, Notification
from apexlint.patterns import lazy
from apexlint.records import frozen

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

SFDX_PROJECT_FILE = "sfdx-project.json"
PACKAGE_XML = "package.xml"
FORCEIGNORE = ".forceignore"
MAX_PROJECT_FILE_BYTES = 1_000_000

RelOf = Callable[[Path], str]

_JSON_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.DOTALL)
# A tag's text is taken whole and stripped in Python: `\s*([^<]*?)\s*` around it backtracked
# through every split of a run of spaces, cubic (`<fullName>` and 2,000 spaces: 7 s; a 1 MB
# package.xml never finished, AE-12).
_XML_NAMESPACE = lazy(r"<namespacePrefix>([^<]*)</namespacePrefix>")
_XML_FULL_NAME = lazy(r"<fullName>([^<]*)</fullName>")


@frozen
class IgnoreRules:
    """Gitignore-style patterns (`.forceignore`, --exclude) anchored at one directory."""

    base: Path
    spec: GitIgnoreSpec

    def matches(self, path: Path, is_dir: bool) -> bool:
        """Whether the rules exclude `path` (never `base` itself, nor a path outside it)."""
        prefix = self.prefix(path.parent) if path != self.base else None
        return prefix is not None and self.matches_entry(prefix, path.name, is_dir)

    def prefix(self, directory: Path) -> str | None:
        """What `matches_entry` puts before the names of `directory`'s entries ("" at `base`),
        None when the folder lies outside `base` (nothing in it matches)."""
        rel = relative_path(directory, self.base)
        return None if rel is None else "" if rel == "." else rel + "/"

    def matches_entry(self, prefix: str, name: str, is_dir: bool) -> bool:
        """`matches(directory / name)` with `prefix(directory)`: one path computed per folder."""
        return bool(self.spec.match_file(f"{prefix}{name}/" if is_dir else prefix + name))


def relative_path(path: Path, base: Path) -> str | None:
    """`path` relative to `base` with forward slashes ("." for `base` itself), or None when it
    lies outside `base`."""
    text, prefix = str(path), str(base)
    if text.startswith(prefix) and text[len(prefix):len(prefix) + 1] == os.sep and ".." not in text:
        return text[len(prefix) + 1:].replace(os.sep, "/")  # the common case, without relpath
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive (Windows)
        return None
    if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")


@frozen
class PackageScope:
    """A package found on disk, or the loose folder a scan started from (layout "files")."""

    root: Path
    layout: str  # "sfdx" | "mdapi" | "files"
    name: str
    namespace: str
    package_dirs: tuple[Path, ...]
    ignore: IgnoreRules | None = None


def compile_patterns(
    lines: list[str], base: Path, source: str, rel_of: RelOf
) -> tuple[IgnoreRules | None, list[Notification]]:
    """Patterns → rules; a pattern pathspec rejects is reported and left out."""
    if not lines:  # no --exclude (every walk asks): no rules, and nothing to import for them
        return None, []
    import pathspec  # 10 ms to import: only packages with a .forceignore or --exclude pay it
    kept: list[str] = []
    notes: list[Notification] = []
    for line in lines:
        pattern = _collapse_stars(line)
        if _too_many_wildcards(pattern):
            message = (f"{source}: ignore pattern {line!r} has more wildcards than apexlint matches "
                       f"(over {MAX_WILDCARDS}, or {MAX_SEGMENT_STARS} in one name) and was left out")
            notes.append(Notification("bad-ignore-pattern", message, NoticeLevel.WARNING, rel_of(base)))
            continue
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except ValueError as err:
            message = f"{source}: ignore pattern {line!r} is not valid and was left out ({err})"
            notes.append(Notification("bad-ignore-pattern", message, NoticeLevel.WARNING, rel_of(base)))
            continue
        kept.append(pattern)
    if not any(line.strip() and not line.lstrip().startswith("#") for line in kept):
        return None, notes
    return IgnoreRules(base, pathspec.GitIgnoreSpec.from_lines(kept)), notes


# pathspec matches a pattern with a backtracking regular expression: each wildcard multiplies
# the work on a path that almost matches, so `*****…a` (or `*a*a*a*a*a*a*a*a`) against one long
# file name took minutes, and a package's `.forceignore` could stop a scan for good (AE-5). Runs
# of `*` are one wildcard (git: "other consecutive asterisks are regular asterisks"), and a
# pattern with more wildcards than real ones have (`**/classes/*__*.*`: 4, 3 in one name) is
# left out and reported.
MAX_WILDCARDS = 5
MAX_SEGMENT_STARS = 3
_STAR_RUN = lazy(r"\\.|\*+")


def _collapse_stars(line: str) -> str:
    """`line` with every run of `*` made one wildcard: `**` where the run is a whole path
    segment (git's "any folders"), else `*`; an escaped character (`\\*`) is left as it is."""
    if "**" not in line:
        return line

    def one(match: re.Match[str]) -> str:
        run = match.group(0)
        if run.startswith("\\") or len(run) == 1:
            return run
        before, after = line[:match.start()], line[match.end():]
        whole = before in ("", "!") or before.endswith("/")
        return "**" if whole and (not after or after.startswith("/")) else "*"

    return _STAR_RUN.sub(one, line)


def _too_many_wildcards(pattern: str) -> bool:
    if pattern.count("*") <= MAX_SEGMENT_STARS:
        return False
    runs = [m.group(0) for m in _STAR_RUN.finditer(pattern) if m.group(0).startswith("*")]
    if len(runs) > MAX_WILDCARDS:
        return True
    return any(sum(1 for m in _STAR_RUN.finditer(part) if m.group(0) == "*") > MAX_SEGMENT_STARS
               for part in pattern.split("/"))


def read_forceignore(directory: Path, rel_of: RelOf) -> tuple[IgnoreRules | None, list[Notification]]:
    """The `.forceignore` of a project root, if there is one."""
    path = directory / FORCEIGNORE
    text, notes = _read_small_text(path, rel_of)
    if text is None:
        return None, notes
    rules, more = compile_patterns(text.splitlines(), directory, rel_of(path), rel_of)
    return rules, notes + more


def detect_package(directory: Path, rel_of: RelOf) -> tuple[PackageScope | None, list[Notification]]:
    """The package rooted at `directory` (SFDX wins over metadata-API), or None."""
    observed.probe(directory / SFDX_PROJECT_FILE, content=False)  # read by what follows if present
    observed.probe(directory / PACKAGE_XML, content=False)
    if (directory / SFDX_PROJECT_FILE).is_file():
        return read_sfdx_project(directory, rel_of)
    if (directory / PACKAGE_XML).is_file():
        return read_package_xml(directory, rel_of)
    return None, []


def find_enclosing_package(start: Path, rel_of: RelOf) -> tuple[PackageScope | None, list[Notification]]:
    """The package of a scanned path inside a project (`force-app/main/default/classes`).

    Looks at `start` and its ancestors, stopping at a repository root (`.git`).
    """
    for directory in (start, *start.parents):
        scope, notes = detect_package(directory, rel_of)
        if scope is not None:
            return scope, notes
        observed.probe(directory / ".git", content=False)
        if (directory / ".git").exists():
            break
    return None, []


def read_sfdx_project(directory: Path, rel_of: RelOf) -> tuple[PackageScope, list[Notification]]:
    project_file = directory / SFDX_PROJECT_FILE
    text, notes = _read_small_text(project_file, rel_of)
    config = _parse_jsonc(text or "")
    if text is not None and config is None:
        message = f"{rel_of(project_file)}: not valid JSON; the whole project folder is scanned, no namespace"
        notes.append(Notification("bad-project-file", message, NoticeLevel.WARNING, rel_of(project_file)))
    config = config or {}
    namespace = _text_field(config, "namespace")
    name = _text_field(config, "name") or directory.name
    package_dirs, more = _package_dirs(directory, config.get("packageDirectories"), rel_of)
    ignore, ignore_notes = read_forceignore(directory, rel_of)
    scope = PackageScope(directory, "sfdx", name, namespace, package_dirs, ignore)
    return scope, notes + more + ignore_notes


def _package_dirs(
    directory: Path, declared: object, rel_of: RelOf
) -> tuple[tuple[Path, ...], list[Notification]]:
    """Existing package directories, outer ones only; the project folder when none is usable."""
    found: list[Path] = []
    notes: list[Notification] = []
    entries = declared if isinstance(declared, list) else []
    for entry in entries:
        raw = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            continue
        candidate = Path(os.path.normpath(directory / raw.strip()))
        observed.probe(candidate, content=False)
        if not candidate.is_relative_to(directory):  # the Salesforce CLI refuses these too
            notes.append(_missing_dir(directory, f"package directory {raw!r} is outside the project", rel_of))
        elif not candidate.is_dir():
            notes.append(_missing_dir(directory, f"package directory {raw!r} does not exist", rel_of))
        else:
            found.append(candidate)
    outer = [d for d in sorted(set(found)) if not any(o != d and d.is_relative_to(o) for o in found)]
    if outer:
        return tuple(outer), notes
    if entries:
        notes.append(
            _missing_dir(directory, "no usable packageDirectories; the whole folder is scanned", rel_of)
        )
    return (directory,), notes


def _missing_dir(directory: Path, why: str, rel_of: RelOf) -> Notification:
    project_file = rel_of(directory / SFDX_PROJECT_FILE)
    return Notification(
        "missing-package-directory", f"{project_file}: {why}", NoticeLevel.WARNING, project_file
    )


def read_package_xml(directory: Path, rel_of: RelOf) -> tuple[PackageScope, list[Notification]]:
    """A metadata-API tree: `package.xml` names the package and, when retrieved, its namespace."""
    text, notes = _read_small_text(directory / PACKAGE_XML, rel_of)
    # the first prefix that is one word (`<namespacePrefix>a b</namespacePrefix>` is none)
    namespace = next((words[0] if words else "" for m in _XML_NAMESPACE.finditer(text or "")
                      if len(words := m.group(1).split()) <= 1), "")
    name_match = _XML_FULL_NAME.search(text or "")
    name = name_match.group(1).strip() if name_match and name_match.group(1).strip() else directory.name
    ignore, ignore_notes = read_forceignore(directory, rel_of)
    scope = PackageScope(directory, "mdapi", name, namespace, (directory,), ignore)
    return scope, notes + ignore_notes


def loose_scope(directory: Path, rel_of: RelOf) -> tuple[PackageScope, list[Notification]]:
    """A scanned folder that is no package: any `.forceignore` in it still applies."""
    observed.probe(directory, content=False)
    ignore, notes = read_forceignore(directory, rel_of) if directory.is_dir() else (None, [])
    return PackageScope(directory, "files", directory.name, "", (directory,), ignore), notes


def _read_small_text(path: Path, rel_of: RelOf) -> tuple[str | None, list[Notification]]:
    observed.probe(path)
    if not path.is_file():
        return None, []
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_PROJECT_FILE_BYTES + 1)
    except OSError as err:
        message = f"{rel_of(path)}: cannot be read ({err.strerror or err.__class__.__name__})"
        return None, [Notification("unreadable-path", message, NoticeLevel.WARNING, rel_of(path))]
    if len(data) > MAX_PROJECT_FILE_BYTES:
        message = f"{rel_of(path)}: larger than {MAX_PROJECT_FILE_BYTES} bytes, ignored"
        return None, [Notification("file-too-large", message, NoticeLevel.WARNING, rel_of(path))]
    return data.decode("utf-8-sig", errors="replace"), []


def _parse_jsonc(text: str) -> dict[str, Any] | None:
    """JSON, or JSON with comments and trailing commas (editors write them); None if neither."""
    import json  # only a walk reads project files: a remembered discovery does not import it

    for candidate in (text, _JSON_TOKENS.sub(_drop_comment, text)):
        try:
            value = json.loads(candidate)
        except (ValueError, RecursionError):  # RecursionError: `{"a":{"a":…` nested past the stack (AE-3)
            continue
        return value if isinstance(value, dict) else None
    return None


def _drop_comment(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if token.startswith('"') else ""


def _text_field(config: dict[str, Any], key: str) -> str:
    value = config.get(key)
    return value.strip() if isinstance(value, str) else ""
