"""Reusing the last scan's analysis when no file changed in anything the analysis reads.

The whole-package analysis is a function of every file's lowered form, of the method bodies it
asks the body loader for, and of the options, project and rules. A scan with the cache keeps
what it found beside the cache bundle (`scan-<hash>.analysis`), with what the result takes from
each file besides (`FileSummary`: notifications, suppressions, line count, test sources), each
file's cache key, and the byte ranges of the bodies the analysis asked for.

The next scan of the same project, options and rules looks for files whose content changed
(stamp first, then content hash, as the lowering cache does). It lowers each such file again and
compares the new form with the cached one of the content the analysis saw. A changed file
changed nothing the analysis reads when either

- the forms are equal apart from line count, notifications and suppressions, and every body the
  analysis asked for lowers to equal statements (a comment reworded, a line added after the last
  method, a formatter that moved nothing); or
- nothing the analysis found, decided or noted names the file (by path or by file name, as
  messages quote `Leak.cls:4`), and the forms and the bodies it read differ at most in positions
  (spans, byte ranges) and in names their methods and fields mention that the analysis never
  looked for (`Analysis.searched`: every identifier the call graph was asked about, and the SOAP
  names every body is checked for). That is most edits of a class the analysis never reported
  on, outside the methods it read. Method ids carry no positions, and every question the
  analysis asks of such a file (declarations, names searched for, the statements of the bodies
  it reads) has the same answer, so it asks the same questions everywhere else and finds the
  same; no position of the file reaches the result;
- or, in addition, fields and methods were declared, removed or changed in classes the analysis
  never asked for (`Footprint`: the model notes every class and method it is asked for), and
  that none of its walks over the whole package would pick (`_unseen_declarations`): a field
  or method added to a class that is no part of any session's story.

When every changed file passes, the analysis would find exactly what it found, and its findings
are finished again from the files as they are now: snippets, context lines and suppressions come
from the new contents, notifications and line counts from the new summaries. A checkout or a
restored CI cache that only changed modification times is not even lowered again.

Anything else (a file added, removed or renamed, a class added or its header changed, a
declaration changed in a class the analysis asked for, a name the analysis looks for mentioned or
no longer mentioned, a statement of a body it read changed, lines moved in a file a finding or
flow points into, more than `MAX_CHANGED` files changed, a notification while checking) runs the
analysis as before. Tests compare both paths
with a scan without the cache, on hand-made edits and on random ones.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import fields, is_dataclass, replace
from typing import NamedTuple, TypeVar

from apexlint.cache import LoweringCache
from apexlint.discover import Project
from apexlint.engine import UNCACHEABLE, ScanOptions
from apexlint.findings import Finding, SourceVerdict
from apexlint.ir import BodyRef, ClassIR, FieldIR, FileIR, MethodIR, Notification, Span, Suppression
from apexlint.lower import Lowered
from apexlint.lower.lazy import BodyLoader
from apexlint.pipeline import body_loader, content_key, file_stamp, lower_one
from apexlint.records import frozen
from apexlint.secrets import TOKEN_START_BYTES, redact_all

# Files lowered again in the main process to check them; more than this and the analysis runs
# (a branch switch that changed many files would otherwise be lowered on one core).
MAX_CHANGED = 16


class FileSummary(NamedTuple):
    """What a scan's result takes from one file's lowered form besides the analysis. The memo
    keeps every file's line count, and a summary only of the files with more than that."""

    notes: tuple[Notification, ...]  # its forms' notifications, in order
    lowering_notes: tuple[Notification, ...]  # lowering's own (unreadable, timed out...)
    suppressions: tuple[tuple[str, tuple[Suppression, ...]], ...]  # (path, directives) per form with any
    line_count: int
    test_sources: tuple[str, ...]  # ids of the sources in test code


@frozen
class Footprint:
    """What the analysis asked of the package besides the bodies it read (`BodyLoader.asked`)."""

    searched: frozenset[str] = frozenset()  # identifiers looked for in method bodies' references
    # the classes it looked up by name, or a method of (`model.package.Lookups`); None when it
    # walked the package in a way `_unseen_declarations` does not account for
    classes: frozenset[str] | None = None
    paths: frozenset[str] = frozenset()  # the files whose methods it asked for by position
    package: frozenset[str] = frozenset()  # every class of the package


@frozen
class Analysis:
    """What the analyses and rules found, before findings are finished and suppressed."""

    verdicts: tuple[SourceVerdict, ...]
    findings: tuple[Finding, ...]
    notes: tuple[Notification, ...]  # the rules', then the body loader's
    asked: Footprint = Footprint()


@frozen
class Memo:
    context: str  # engine.context_key: project, files, options, rules
    keys: tuple[str, ...]  # each file's cache key, in discovery order
    # each file's size and modification time when its content had that key (0: too recent to
    # trust, see cache.py); a file with the same, trusted, stamp has the same content
    stamps: tuple[tuple[int, int], ...]
    # each file's line count, and (by index) the summaries of the few files with notes,
    # suppressions or test sources: a summary per file was most of the memo's pickling time
    line_counts: tuple[int, ...]
    notable: dict[int, FileSummary]
    asked: dict[str, tuple[tuple[int, int], ...]]  # file -> byte ranges of the bodies analysed
    analysis: Analysis


_NOTHING = FileSummary((), (), (), 0, ())  # most files searched only for tokens: one summary for them all


def summarise(lowered: Lowered) -> FileSummary:
    if not lowered.files and not lowered.notifications:
        return _NOTHING
    return FileSummary(
        notes=tuple(n for f in lowered.files for n in f.notifications),
        lowering_notes=lowered.notifications,
        suppressions=tuple((f.path, f.suppressions) for f in lowered.files if f.suppressions),
        line_count=sum(f.line_count for f in lowered.files),
        test_sources=tuple(s.id for f in lowered.files for s in f.sources if s.in_test))


def memo(context: str, keys: Sequence[str], stamps: Sequence[tuple[int, int]], summaries: Sequence[FileSummary],
         analysis: Analysis, loader: BodyLoader) -> Memo:
    """What the next scan needs to reuse this one's analysis."""
    asked = {path: tuple(sorted(spans)) for path, spans in sorted(loader.asked.items())}
    return Memo(context, tuple(keys), tuple(stamps), tuple(s.line_count for s in summaries),
                {i: s for i, s in enumerate(summaries) if _notable(s)}, asked, analysis)


def _notable(summary: FileSummary) -> bool:
    return bool(summary.notes or summary.lowering_notes or summary.suppressions or summary.test_sources)


def notable_summaries(memo: Memo) -> list[FileSummary]:
    """The summaries of the files with more than a line count, in discovery order."""
    return [memo.notable[i] for i in sorted(memo.notable)]


def kept(memo: Memo) -> tuple[Memo, bytes]:
    """The memo as the cache keeps it, and its pickle: with token-shaped secrets redacted, as in
    every result (it is written beside the sources). The result is made from this memo whether
    or not the analysis ran, so that a reused analysis gives the same result as a new one.
    Only a memo whose pickle holds an org id is walked to redact it (the walk costs 30 ms on
    the generated 2,000-class package)."""
    blob = pickle.dumps(memo, protocol=pickle.HIGHEST_PROTOCOL)
    if TOKEN_START_BYTES.search(blob) is None:
        return memo, blob
    memo = redact_all(memo)
    return memo, pickle.dumps(memo, protocol=pickle.HIGHEST_PROTOCOL)


def reused(project: Project, options: ScanOptions, cache: LoweringCache, context: str,
           stamps: tuple[tuple[int, int], ...]) -> Memo | None:
    """The last analysis, with this scan's keys and summaries, if no file changed in anything it
    read; None when the analysis must run. `stamps`: the files' (`LoweringCache.stamps`). Files
    whose content changed are put in the cache.

    Reuse only ever saves time: whatever goes wrong while checking (a bug here, a form too deep to
    compare), the analysis runs."""
    try:
        return _reused(project, options, cache, context, stamps)
    except Exception:
        return None


def _reused(project: Project, options: ScanOptions, cache: LoweringCache, context: str,
            now: tuple[tuple[int, int], ...]) -> Memo | None:
    last = cache.analysis()
    if not isinstance(last, Memo) or last.context != context or len(last.keys) != len(project.files) \
            or len(last.stamps) != len(project.files) or len(last.line_counts) != len(project.files):
        return None
    skip_tests = not options.include_tests
    changed = []
    keys = list(last.keys)
    # A file whose trusted stamp is the one the memo recorded has the content the analysis saw
    # (the context says it is lowered the same way): taken as it is, one comparison a file where
    # looking each up in the cache's index was a quarter of an NPSP re-scan's own time.
    others = [i for i, (stamp, then) in enumerate(zip(now, last.stamps, strict=True)) if stamp != then or not stamp[1]]
    cache.adopt({f.rel: key for f, key, stamp, then in zip(project.files, last.keys, now, last.stamps, strict=True)
                 if stamp == then and stamp[1]})
    for i in others:
        f = project.files[i]
        stamp = file_stamp(f, skip_tests, options.limits)
        if cache.known(f.rel, stamp) == last.keys[i]:
            continue
        data, key = content_key(f, options.limits, skip_tests)
        if not key:
            return None  # unreadable now: the analysis reports it
        if key == last.keys[i] and cache.refresh(f.rel, key, stamp):
            continue  # only its modification time changed
        changed.append((i, data, stamp))
        keys[i] = key
        if len(changed) > MAX_CHANGED:
            return None
    line_counts = list(last.line_counts)
    notable = dict(last.notable)
    asked = dict(last.asked)
    loader = body_loader(project, options, cache)
    output: str | None = None  # the last analysis's findings, verdicts and notes as text
    for i, data, stamp in changed:
        f = project.files[i]
        old = cache.stored(f.rel, last.keys[i])
        if old is None:
            return None
        _, new = lower_one(f, options.limits, options.file_timeout, skip_tests, data, False)
        if any(n.code in UNCACHEABLE for n in new.notifications):
            return None
        cache.put(f.rel, keys[i], stamp, new)
        read = set(last.asked.get(f.rel, ()))
        spans = _same_reads(old, new, read, cache, last.keys[i], loader)
        if spans is None:
            # nothing of it was reported: positions moving in it, and names the analysis never
            # looked for, changed nothing it found
            found = last.analysis
            output = output if output is not None else repr((found.verdicts, found.findings, found.notes))
            paths = {f.rel, *(lo.path for lo in (*old.files, *new.files))}
            if not any(_named(path, output) for path in paths):
                spans = _same_reads(old, new, read, cache, last.keys[i], loader, found.asked, project.namespace)
        if spans is None or loader.notes:
            return None
        if f.rel in asked:
            asked[f.rel] = spans
        summary = summarise(new)
        line_counts[i] = summary.line_count
        if _notable(summary):
            notable[i] = summary
        else:
            notable.pop(i, None)
    return replace(last, keys=tuple(keys), stamps=now, line_counts=tuple(line_counts), notable=notable,
                   asked=asked)


def _same_reads(old: Lowered, new: Lowered, asked: set[tuple[int, int]], cache: LoweringCache, old_key: str,
                loader: BodyLoader, unseen: Footprint | None = None,
                namespace: str = "") -> tuple[tuple[int, int], ...] | None:
    """Whether the analysis reads the same from `new` as from `old` (then the new byte ranges of
    the bodies it asked for, in order), or None. With `unseen` (what the analysis asked of the
    package, for a file its output does not name), the forms and the bodies it read are compared
    without their positions, and of each method's or field's references only the names it
    searched for; and the declarations of classes it never asked about may differ as
    `_unseen_declarations` allows."""
    if len(old.files) != len(new.files):
        return None
    searched = unseen.searched if unseen is not None else None

    def same(x: object, y: object) -> bool:
        return x == y if searched is None else _shape(x, searched) == _shape(y, searched)

    spans = []
    matched = 0
    for a, b in zip(old.files, new.files, strict=True):
        skipped: frozenset[str] = frozenset()
        if not same(_declared(a), _declared(b)):
            if unseen is None:
                return None
            found = _unseen_declarations(a, b, unseen, asked, namespace)
            if found is None:
                return None
            skipped = found
        for m, n in _method_pairs(a, b, skipped):  # equal forms: same methods, same order
            if isinstance(m.code, BodyRef) and isinstance(n.code, BodyRef):
                if (m.code.node_type, m.code.owner, m.code.is_test) != (n.code.node_type, n.code.owner, n.code.is_test):
                    return None
                if (m.code.start_byte, m.code.end_byte) not in asked:
                    continue  # never read: whatever it holds now, the analysis did not see it
                before = cache.body(a.path, (m.code.start_byte, m.code.end_byte), old_key)
                if before is None or not same(before, loader(n.code)):
                    return None
                matched += 1
                spans.append((n.code.start_byte, n.code.end_byte))
            elif searched is None and m.code != n.code:  # lowered with the declarations (or one was)
                return None  # (a shape compares bodies with the rest of the form: see `_shape`)
    if matched != len(asked):
        return None  # a body read that is no method's here: nothing to compare it with
    return tuple(sorted(spans))


def _unseen_declarations(a: FileIR, b: FileIR, unseen: Footprint, asked: set[tuple[int, int]],
                         namespace: str) -> frozenset[str] | None:
    """The classes of a file whose declarations changed in nothing the analysis could have seen
    (`a` the form it saw, `b` the new one), when those are the only changes; else None.

    The analysis meets a class's fields and methods in these ways only (`model.package.Lookups`):
    by asking for the class, one of its methods, or a method at a position in its file (all
    noted), and in five walks over the whole package, which ask every class and method this:
    the call graph's index of names (a method's references, compared for the names searched),
    `async_entry_points` (a method's name and annotations: `ASYNC_NAMES`; and the classes'
    headers, for the entry points a class inherits, whose methods it asks for), the SOAP ports
    (references to `SOAP_REFS`, which are searched for) and `Demand._holders` (whether the
    type of a field is a package class); and, building the model, whether a field is named
    `userInfo` (`PackageModel._drop_shadowed_sources`). So a class may have fields and methods added, removed
    or changed when the analysis never asked for it, its file is not one it asked positions in,
    its header (name, kind, superclass, interfaces, modifiers, annotations) is the same, and
    every field and method that differs is none of those walks' answers: it names nothing
    searched (by its own name for a field, which is a reference of the field initialisers'
    method), a field's type is no package class, and a method is no entry point by its name or
    annotations. Its bodies the analysis read (none, as it never asked for the class) would be
    compared as usual; any such body makes the answer None."""
    from apexlint.analyses.callgraph import ASYNC_NAMES  # the analyses are loaded only when needed
    from apexlint.model.catalog import ASYNC_ANNOTATIONS
    from apexlint.model.package import SHADOWING_FIELD, base_type, resolve_type

    searched, looked_up = unseen.searched, unseen.classes
    if looked_up is None or a.path in unseen.paths or b.path in unseen.paths \
            or [c.name for c in a.classes] != [c.name for c in b.classes] \
            or _shape(_file_part(a), searched) != _shape(_file_part(b), searched):
        return None
    changed = set()
    for x, y in zip(a.classes, b.classes, strict=True):
        if _shape(x, searched) == _shape(y, searched):
            continue
        read = any(isinstance(m.code, BodyRef) and (m.code.start_byte, m.code.end_byte) in asked for m in x.methods)
        if read or x.name in looked_up or _shape(_header(x), searched) != _shape(_header(y), searched):
            return None
        for f in _differing(x.fields, y.fields, searched):
            if f.name in searched or f.name == SHADOWING_FIELD or not searched.isdisjoint(f.refs.split()) \
                    or resolve_type(unseen.package, namespace.lower(), base_type(f.type), x.name) is not None:
                return None
        for m in _differing(x.methods, y.methods, searched):
            if not searched.isdisjoint(m.refs.split()) or m.name in ASYNC_NAMES or ASYNC_ANNOTATIONS & m.annotations:
                return None
        changed.add(x.name)
    return frozenset(changed)


_Member = TypeVar("_Member", FieldIR, MethodIR)


def _differing(old: Sequence[_Member], new: Sequence[_Member], searched: frozenset[str]) -> list[_Member]:
    """The members of `old` and of `new` that the other has not (compared as `_shape`s, as many
    times as they occur)."""
    before = Counter(_shape(m, searched) for m in old)
    after = Counter(_shape(m, searched) for m in new)
    gone, added = before - after, after - before
    out = []
    for members, extra in ((old, gone), (new, added)):
        for m in members:
            key = _shape(m, searched)
            if extra[key] > 0:
                extra[key] -= 1
                out.append(m)
    return out


def _header(c: ClassIR) -> ClassIR:
    return replace(c, fields=(), methods=())


def _file_part(f: FileIR) -> FileIR:
    """The form but for its classes, and what only the result takes from it (`_declared`)."""
    return replace(_declared(f), classes=())


def _method_pairs(a: FileIR, b: FileIR, skipped: frozenset[str]) -> Iterator[tuple[MethodIR, MethodIR]]:
    """The methods of `a` and `b` that are the same declarations in the same order, but for the
    classes `skipped` (whose methods differ, and whose bodies the analysis never read)."""
    for x, y in zip(a.classes, b.classes, strict=True):
        if x.name not in skipped:
            yield from zip(x.methods, y.methods, strict=True)
    for s, t in zip(a.triggers, b.triggers, strict=True):
        yield s.body, t.body


def _shape(value: object, searched: frozenset[str]) -> object:
    """`value` (an intermediate form) with every position left out, and of each method's or
    field's references only the names in `searched`; method bodies included."""
    if isinstance(value, Span):
        return None
    if isinstance(value, BodyRef):
        return "body", value.node_type, value.owner, value.is_test
    if isinstance(value, tuple | list):
        return tuple(_shape(v, searched) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _shape(v, searched)) for k, v in value.items()))
    if isinstance(value, MethodIR | FieldIR):
        return type(value).__name__, *(
            tuple(sorted(searched.intersection(value.refs.split()))) if f.name == "refs"
            else _shape(getattr(value, f.name), searched) for f in fields(value))
    if is_dataclass(value) and not isinstance(value, type):
        return type(value).__name__, *(_shape(getattr(value, f.name), searched) for f in fields(value))
    return value  # str, int, bool, None, enum members, frozensets of names


def _named(path: str, text: str) -> bool:
    """Whether `text` names the file, by its path or its file name (messages say `Leak.cls:4`)."""
    return path in text or path.rpartition("/")[2] in text


def _declared(f: FileIR) -> FileIR:
    """The form without what only the result, not the analysis, takes from it."""
    return replace(f, line_count=0, notifications=(), suppressions=())


