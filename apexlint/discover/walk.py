"""Walking the scanned PATHs: which files, under which package, reported under which path.

The walk never stops on a bad entry: broken symlinks, symlink loops, unreadable folders and
folders named like source files become notifications. Each real directory is entered once
(symlinks can make a tree a graph), entries are visited in name order, and report paths are
always relative, so two scans of the same tree give the same result.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path

from apexlint.discover import observed
from apexlint.discover.classify import (
    RESOURCE_BUNDLES_FOLDER,
    STATIC_RESOURCE_FOLDER,
    Classification,
    bundle_resource,
    classify,
    in_resource_bundle,
    text_file,
)
from apexlint.discover.markers import (
    PackageScope,
    compile_patterns,
    detect_package,
    find_enclosing_package,
    loose_scope,
    relative_path,
)
from apexlint.discover.project import DiscoveredFile
from apexlint.ir import FileKind, NoticeLevel, Notification
from apexlint.patterns import lazy
from apexlint.records import frozen

# Tool and VCS folders that never hold package source (hidden folders are skipped as well; hidden
# files, `.env` or MavensMate's `config/.session`, are searched for tokens like any other file).
ALWAYS_SKIPPED = frozenset({".git", "node_modules", ".sfdx", ".sf", ".apexlint_cache"})
RESOURCE_META_SUFFIX = ".resource-meta.xml"
MAX_META_BYTES = 65536
_CONTENT_TYPE = lazy(rb"<contentType>\s*([^<\s]+)\s*</contentType>")


@frozen
class _Pending:
    """A directory waiting to be listed; `detect`: it may be the root of a nested package."""

    directory: Path  # absolute, as reached (symlinks unresolved, so report paths follow the tree)
    scope: PackageScope
    detect: bool
    real: str | None = None  # its real path, when the walk knows it without asking the file system
    folders: tuple[str, ...] | None = None  # its folder names from the package root (see _folders)
    tokens_only: bool = False  # outside the package's directories: its files are searched for tokens only



def _built_resource_folders(bundles: Path) -> tuple[Path, Path]:
    """Where the resources a `resource-bundles/` folder is the source of are built: beside it
    (`src/resource-bundles/`, `src/staticresources/`), or, in MavensMate's own layout, under the
    project's `src/` (`resource-bundles/` at the root of the project)."""
    return bundles.parent / STATIC_RESOURCE_FOLDER, bundles.parent / "src" / STATIC_RESOURCE_FOLDER

class TreeWalk:
    """The state of one discovery run: created by `discover()`, discarded after it."""

    def __init__(self, report_root: Path, exclude: Sequence[str], namespace_override: str | None) -> None:
        self.report_root = report_root
        self.namespace_override = namespace_override
        self.files: dict[str, DiscoveredFile] = {}  # by real path
        self._linked: set[str] = set()  # real paths of the files in `files` named by a symlink to them
        self.notes: list[Notification] = []
        self.packages: list[PackageScope] = []
        self._exclude = [_root_relative(pattern, report_root) for pattern in exclude]
        self._visited: set[str] = set()  # real paths of the folders listed
        self._anchor = report_root
        self._outside_noted: set[Path] = set()
        root_rules, notes = compile_patterns(self._exclude, report_root, "--exclude", self.rel_of)
        self.notes.extend(notes)
        self._root_rules = [root_rules] if root_rules is not None else []
        self._exclude_rules = list(self._root_rules)

    # ---- entry points ------------------------------------------------------------------

    def scan(self, path: Path) -> PackageScope:
        """Walk one PATH; return the scope that applies at PATH itself."""
        anchor = Path(os.path.abspath(path))
        observed.probe(anchor, content=False)
        self._start_anchor(anchor)
        if not anchor.is_dir():
            scope = self._enclosing(anchor.parent) or self._loose(anchor.parent)
            if self._ignored(anchor, scope, is_dir=False):
                self._note("excluded-path", f"{self.rel_of(anchor)}: excluded by ignore rules", anchor)
            else:
                self._add_file(anchor, scope, explicit=True)
            return scope
        own, notes = detect_package(anchor, self.rel_of)
        self.notes.extend(notes)
        if own is not None:
            if self._claim(anchor):
                self._enter_package(own, anchor)
            return own
        enclosing = self._enclosing(anchor.parent) if anchor.parent != anchor else None
        detect = enclosing is None  # inside a package, nested markers are not packages
        scope = enclosing or self._loose(anchor)
        if self._ignored(anchor, scope, is_dir=True):
            self._note("excluded-path", f"{self.rel_of(anchor)}: excluded by ignore rules", anchor)
            return scope
        self._drain([_Pending(anchor, scope, detect)])
        return scope

    def rel_of(self, path: Path) -> str:
        """The report path: relative to the report root, else to the scanned PATH's parent."""
        absolute = Path(os.path.abspath(path))
        rel = relative_path(absolute, self.report_root)
        if rel is None:  # the root or the path may be spelt through a symlink
            observed.resolved(absolute)
            observed.resolved(self.report_root)
            rel = relative_path(Path(os.path.realpath(absolute)), Path(os.path.realpath(self.report_root)))
        if rel is not None:
            return rel
        if self._anchor not in self._outside_noted:
            self._outside_noted.add(self._anchor)
            where = relative_path(self._anchor, self._anchor.parent) or self._anchor.name
            root = self.report_root.name or "the root"
            message = (
                f"{where}: outside {root}, the folder report paths are relative to; its files are reported as "
                f"'{where}/...', which SARIF viewers and code scanning look for in {root} and will not find: "
                f"run apexlint from the folder holding {where}, or pass --root"
            )
            # no location: '{where}' under the root is no file (SARIF would point at nothing)
            self.notes.append(Notification("outside-root", message, NoticeLevel.WARNING))
        return relative_path(absolute, self._anchor.parent) or absolute.name

    # ---- packages and scopes -----------------------------------------------------------

    def _start_anchor(self, anchor: Path) -> None:
        """Exclude patterns match paths relative to the report root and to the scanned PATH."""
        self._anchor = anchor
        base = anchor if anchor.is_dir() else anchor.parent
        rules, _ = compile_patterns(self._exclude, base, "--exclude", self.rel_of)  # reported once, above
        self._exclude_rules = self._root_rules + ([rules] if rules is not None else [])

    def _enclosing(self, directory: Path) -> PackageScope | None:
        scope, notes = find_enclosing_package(directory, self.rel_of)
        if scope is not None:
            self.notes.extend(notes)
            self._record(scope)
        return scope

    def _loose(self, directory: Path) -> PackageScope:
        scope, notes = loose_scope(directory, self.rel_of)
        self.notes.extend(notes)
        return scope

    def _record(self, scope: PackageScope) -> None:
        if all(known.root != scope.root for known in self.packages):
            self.packages.append(scope)

    def _enter_package(self, scope: PackageScope, directory: Path) -> None:
        """Walk a package's directories (an SFDX project's packageDirectories, or the tree)."""
        self._record(scope)
        pending = [_Pending(d, scope, False) for d in scope.package_dirs if d != directory]
        if directory in scope.package_dirs:  # already claimed by the caller: list it directly
            stack: list[_Pending] = []
            self._list(directory, scope, False, stack)
            pending.extend(reversed(stack))
        else:
            # the rest of the project (`config/.session`, `scripts/apex/*.apex`, `.env`): what a
            # repository commits there is no package source, but a token in it leaks all the same.
            # Listed last, so the package directories are claimed, and walked as such, first.
            pending.append(_Pending(directory, scope, False, tokens_only=True))
        self._drain(list(reversed(pending)))

    # ---- the walk ----------------------------------------------------------------------

    def _drain(self, stack: list[_Pending]) -> None:
        while stack:
            item = stack.pop()
            if item.real is None:
                observed.resolved(item.directory)
            real = item.real or os.path.realpath(item.directory)
            if item.tokens_only and item.directory == item.scope.root:
                self._list(item.directory, item.scope, False, stack, real, (), tokens_only=True)
                continue  # the project folder: claimed by whoever entered the package
            if not self._claim(item.directory, real):
                continue
            if item.detect:
                found, notes = detect_package(item.directory, self.rel_of)
                self.notes.extend(notes)
                if found is not None:
                    self._enter_package(found, item.directory)
                    continue
            self._list(item.directory, item.scope, item.detect, stack, real, item.folders, item.tokens_only)

    def _claim(self, directory: Path, real_path: str | None = None) -> bool:
        """True the first time a real directory is reached; a symlink back is reported."""
        if real_path is None:
            observed.resolved(directory)
        real_text = real_path or os.path.realpath(directory)
        if real_text not in self._visited:
            self._visited.add(real_text)
            return True
        if directory.is_symlink():
            real = Path(real_text)
            observed.resolved(directory.parent)
            parent = Path(os.path.realpath(directory.parent))
            if parent == real or parent.is_relative_to(real):
                self._note(
                    "symlink-loop",
                    f"{self.rel_of(directory)}: symlink loop to an enclosing folder, not followed",
                    directory,
                )
            else:
                self._note(
                    "duplicate-path",
                    f"{self.rel_of(directory)}: symlink to a folder already scanned",
                    directory,
                    NoticeLevel.NOTE,
                )
        return False

    def _list(self, directory: Path, scope: PackageScope, detect: bool, stack: list[_Pending],
              real: str | None = None, folders: tuple[str, ...] | None = None, tokens_only: bool = False) -> None:
        """Classify one folder's entries: files are added, folders pushed on `stack`.

        A file of no kind apexlint analyses is added as TEXT (searched for tokens only), and so is
        every file with `tokens_only` (a project's folders outside its package directories).

        `real`: the folder's real path. A child reached without a symlink has its parent's real
        path plus its name, so `os.path.realpath` (a system call per path component) runs only
        for symlinks; likewise a child's report path and folder names are its folder's plus its
        name, and when no symlink was crossed its real path is the path it was reached by
        (`pathlib` parsing a path was half of discovery).
        """
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
            observed.listed(directory, entries)
        except OSError as err:
            observed.listed(directory, None)
            self._note(
                "unreadable-path",
                f"{self.rel_of(directory)}: folder cannot be read ({_reason(err)})",
                directory,
            )
            return
        subdirs: list[_Pending] = []
        if folders is None:
            folders = self._folders(directory, scope)
        js_anywhere = scope.layout == "files"
        if real is None:
            observed.resolved(directory)
        real = real or os.path.realpath(directory)
        rel = relative_path(directory, self.report_root)
        rel = "" if rel == "." else rel
        # outside the report root (or reached through a symlink into it), the folder's report
        # path is worked out once, at its first file, not again for each of them
        rel_via: str | None = rel
        rules = [scope.ignore, *self._exclude_rules] if scope.ignore is not None else self._exclude_rules
        prefixes = [(r, p) for r in rules if (p := r.prefix(directory)) is not None]
        # MavensMate's `resource-bundles/`: each static resource's unzipped source
        in_bundles = not tokens_only and folders[-1:] != () and folders[-1].lower() == RESOURCE_BUNDLES_FOLDER
        built: list[str] = []
        for entry in entries:
            name = entry.name
            if name in ALWAYS_SKIPPED:
                continue
            if name.startswith("."):
                if not _is_plain_file(entry):
                    continue  # hidden folders (and links) are tools' and editors', never the package's
                is_dir = False
            else:
                entry_is_dir = self._entry_is_dir(entry, directory)
                if entry_is_dir is None:
                    continue
                is_dir = entry_is_dir
            found = None if is_dir else text_file(name) if tokens_only or name.startswith(".") else \
                classify(name, folders, js_anywhere=js_anywhere) or text_file(name)
            if not is_dir and found is None:
                continue  # an image, a font, an editor's swap file: no path, no ignore rules
            if prefixes and any(r.matches_entry(p, name, is_dir) for r, p in prefixes):
                continue
            child = directory / name
            if tokens_only and is_dir and child in scope.package_dirs:
                continue  # walked as the package's
            link = _is_link(entry)
            if link:  # where it leads, and what is there, can change with no change to this folder
                observed.probe(entry.path, content=False)
                observed.resolved(entry.path)
            if found is None:
                resource = bundle_resource(name) if in_bundles else None
                if resource is not None and any((built_in / f"{resource}.resource").is_file()
                                                for built_in in _built_resource_folders(directory)):
                    built.append(resource)  # the built resource (its zip's members) is scanned: read once
                    continue
                if not tokens_only and resource is None and classify(name, folders) is not None \
                        and not in_resource_bundle([f.lower() for f in folders]):  # a bundle's `3.60.0/`
                    self._note_misnamed_folder(child)
                subdirs.append(_Pending(child, scope, detect, None if link else os.path.join(real, name),
                                        (*folders, name), tokens_only))
            else:
                if rel_via is None and not link:
                    rel_via = self.rel_of(directory)
                    rel_via = "" if rel_via == "." else rel_via
                # a link's report path is where it leads when that lies under the root
                base_rel = rel if link else rel_via
                where = None if base_rel is None else f"{base_rel}/{name}" if base_rel else name
                known = None if link else os.path.join(real, name)
                self._add_file(child, scope, explicit=False, entry=entry, found=found, real=known, rel=where,
                               linked=link)
        if built:
            shown = ", ".join(built[:3]) + (f" and {len(built) - 3} more" if len(built) > 3 else "")
            self._note("resource-bundle", f"{self.rel_of(directory)}: {len(built)} resource "
                       f"bundle{'s' if len(built) > 1 else ''} not scanned ({shown}): the same static "
                       f"resources are scanned as built, in {STATIC_RESOURCE_FOLDER}/", directory, NoticeLevel.NOTE)
        stack.extend(reversed(subdirs))

    def _entry_is_dir(self, entry: os.DirEntry[str], directory: Path) -> bool | None:
        """True for a folder, False for a file, None (noted if broken) for anything else."""
        try:
            if entry.is_dir():
                return True
            if entry.is_file():
                return False
        except OSError as err:
            self._note_unreadable(directory / entry.name, err)
            return None
        if entry.is_symlink():
            observed.probe(entry.path, content=False)
            observed.resolved(entry.path)
            try:
                os.stat(entry.path)
            except OSError as err:
                self._note_unreadable(directory / entry.name, err, "broken symlink")
        return None  # sockets, pipes, devices: not source

    def _note_unreadable(self, path: Path, err: OSError, what: str = "cannot be read") -> None:
        if err.errno == errno.ELOOP:
            self._note("symlink-loop", f"{self.rel_of(path)}: symlink loop, not followed", path)
        else:
            self._note("unreadable-path", f"{self.rel_of(path)}: {what} ({_reason(err)})", path)

    def _note_misnamed_folder(self, directory: Path) -> None:
        message = f"{self.rel_of(directory)}: a folder named like a source file; its contents are scanned"
        self._note("not-a-file", message, directory, NoticeLevel.NOTE)

    def _ignored(self, path: Path, scope: PackageScope, is_dir: bool) -> bool:
        if scope.ignore is not None and scope.ignore.matches(path, is_dir):
            return True
        return any(rules.matches(path, is_dir) for rules in self._exclude_rules)

    # ---- files -------------------------------------------------------------------------

    def _add_file(self, path: Path, scope: PackageScope, explicit: bool, entry: os.DirEntry[str] | None = None,
                  found: Classification | None = None, real: str | None = None, rel: str | None = None,
                  linked: bool | None = None) -> None:
        """Record a file; `entry`, `found`, `real`, `rel`, `linked` (whether `path` is a symlink):
        what the walk already knows of it."""
        if found is None:
            found = classify(
                path.name,
                self._folders(path.parent, scope),
                js_anywhere=scope.layout == "files",
                explicit=explicit,
            )
        if found is not None and explicit and _prose_named_like_metadata(path, found):
            found = None  # `apexlint scan NOTES.md`: Markdown, not a custom metadata record
        if found is None and explicit:
            self._note(
                "unsupported-file",
                f"{self.rel_of(path)}: not a kind of file apexlint analyses; it is only searched for "
                "session IDs and access tokens",
                path,
                NoticeLevel.NOTE,
            )
            found = text_file(path.name)
        if found is None:
            return
        try:
            # a listing's entry knows whether it is a link, and caches its stat
            stat = entry.stat() if entry is not None else path.stat()
            size, mtime_ns = stat.st_size, stat.st_mtime_ns
            if real is None:
                observed.resolved(path)
                real = os.path.realpath(path)
        except OSError as err:
            self._note("unreadable-path", f"{self.rel_of(path)}: cannot be read ({_reason(err)})", path)
            return
        rel = rel or self.rel_of(path)
        if linked is None:
            linked = path.is_symlink()
        known = self.files.get(real)
        # one file reached twice: keep one name for it, its own before a symlink's (AE-9: a link
        # `Alias.cls` to `Leaky.cls` beside it had Leaky's findings reported under Alias.cls,
        # where a code-scanning viewer cannot show them), else the first in name order
        if known is not None:
            known_own = real not in self._linked
            if (known_own and linked) or (known_own == (not linked) and known.rel <= rel):
                return
        if linked:
            self._linked.add(real)
        else:
            self._linked.discard(real)
        content_type = _content_type(path) if found.kind is FileKind.STATIC_RESOURCE else None
        namespace = self.namespace_override if self.namespace_override is not None else scope.namespace
        self.files[real] = DiscoveredFile(
            real, rel, found.kind, found.metadata_type, size, namespace, content_type, mtime_ns
        )

    def _folders(self, directory: Path, scope: PackageScope) -> tuple[str, ...]:
        """Folder names from the package root down: location decides `.js` and `.md` files.
        (The walk hands a folder's names down to its children: this runs for where it starts.)"""
        for base in (scope.root, self._anchor):
            if directory == base or directory.is_relative_to(base):
                return directory.relative_to(base).parts
        return directory.parts

    def _note(self, code: str, message: str, path: Path, level: NoticeLevel = NoticeLevel.WARNING) -> None:
        self.notes.append(Notification(code, message, level, self.rel_of(path)))


def _is_plain_file(entry: os.DirEntry[str]) -> bool:
    """A regular file, not reached through a link (the listing knows: no system call)."""
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True  # let realpath decide


def _content_type(resource: Path) -> str | None:
    """`<contentType>` of the resource's `.resource-meta.xml` (`foo.zip` → `foo.resource-meta.xml`)."""
    stem = resource.name.rsplit(".", 1)[0]
    meta = resource.with_name(stem + RESOURCE_META_SUFFIX)
    observed.probe(meta)
    try:
        with meta.open("rb") as stream:
            head = stream.read(MAX_META_BYTES)
    except OSError:
        return None
    match = _CONTENT_TYPE.search(head)
    return match.group(1).decode("ascii", errors="replace") if match else None


def _reason(err: OSError) -> str:
    return err.strerror or err.__class__.__name__


# Suffixes of metadata files that are as common outside Salesforce (Markdown, tab-separated data):
# a file named on the command line with one is metadata only if it reads as XML.
_PROSE_SUFFIXES = (".md", ".tab")


def _prose_named_like_metadata(path: Path, found: Classification) -> bool:
    """A `.md` or `.tab` file whose first characters are not XML's `<` (named on the command
    line, classified by its suffix alone)."""
    if found.kind is not FileKind.METADATA or not path.name.lower().endswith(_PROSE_SUFFIXES):
        return False
    observed.probe(path)  # what it holds decided its kind: a later scan must notice a change
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError:
        return False  # reading it is the scan's to report
    return not head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _root_relative(pattern: str, report_root: Path) -> str:
    """An absolute `--exclude` pattern inside the report root, as the root-relative pattern it
    means (`$PWD/pkg/classes/**` is `/pkg/classes/**`): patterns match paths relative to the
    root, where an absolute one would match nothing. Others are kept as written."""
    if not os.path.isabs(pattern):
        return pattern
    rel = relative_path(Path(pattern), report_root)
    return pattern if rel is None or rel == "." else "/" + rel
