"""The scan pipeline: discover → read & lower (in workers, cached) → model → analyses → rules.

`scan()` is the one entry point the CLI, the tests and the benchmark call. Syntax trees never
leave the workers: only the compact intermediate form comes back, so memory stays flat.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from apexlint import __version__
from apexlint.analyses.callgraph import async_entry_points, build_call_graph, reachable_from
from apexlint.analyses.dataflow import DataFlow
from apexlint.cache import FileStamp, LoweringCache
from apexlint.catalogue import RuleMeta, load_catalogue
from apexlint.checks import VERDICT_RULES, VIOLATION_RULES, CheckContext, Verdict
from apexlint.discover import DiscoveredFile, Project, discover
from apexlint.findings import Finding, Location, PackageInfo, ScanResult, SourceContext, SourceVerdict
from apexlint.gate import apply_suppressions
from apexlint.ir import FileIR, NoticeLevel, Notification, SourceKind, Suppression
from apexlint.lower import MEMBER_SEPARATOR, Lowered, LoweringJob, lower_job
from apexlint.lower.lazy import BodyLoader
from apexlint.lower.secrets import has_token
from apexlint.model.package import PackageModel
from apexlint.read.decode import ReadLimits, read_file_bytes, read_source
from apexlint.read.source import SourceText

PARALLEL_THRESHOLD = 64  # below this many files a worker pool costs more than it saves...
PARALLEL_BYTES = 2_000_000  # ...unless they are this large together (one big WSDL2Apex class, zips)
CONTEXT_LINES = 3
# A timeout depends on the machine's load and an internal error on the code, not on the file.
UNCACHEABLE = frozenset({"file-timeout", "internal-error"})


@dataclass(frozen=True)
class ScanOptions:
    paths: tuple[Path, ...]
    root: Path | None = None
    namespace: str | None = None
    exclude: tuple[str, ...] = ()
    include_tests: bool = False
    logger_classes: tuple[str, ...] = ()
    jobs: int | None = None  # None: one per core
    cache_dir: Path | None = None  # None: no cache
    limits: ReadLimits = field(default_factory=ReadLimits)
    category: str | None = None
    file_timeout: float | None = 30.0  # seconds to read and lower one file
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)  # (done, total) files
    exhaustive: bool = False  # analyse every method, not only the demand set (same result; for tests)


@dataclass
class _Timer:
    stats: dict[str, float] = field(default_factory=dict)
    _start: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stats[name] = round(now - self._start, 6)
        self._start = now


def scan(options: ScanOptions) -> ScanResult:
    """Run the whole pipeline. The cyclic GC is made lazier meanwhile: a scan allocates
    hundreds of thousands of small immutable objects and no cycles worth collecting early
    (measured: NPSP 35 s -> 22 s with 2 jobs, same peak memory)."""
    previous = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        return _scan(options)
    finally:
        gc.unfreeze()  # see _collector_paused
        gc.set_threshold(*previous)


def _scan(options: ScanOptions) -> ScanResult:
    timer = _Timer()
    project = discover(list(options.paths), root=options.root, exclude=options.exclude,
                       namespace=options.namespace)
    timer.lap("discover")
    cache = _cache(options)
    if cache is not None:
        remembered = _remembered_result(project, options, cache)
        if remembered is not None:
            timer.lap("lower")
            timer.stats.update(analyse=0.0, report=0.0)
            return replace(remembered, stats=timer.stats)
    lowered = lower_files(project.files, options, cache)
    timer.lap("lower")
    irs = [f for lo in lowered for f in lo.files]
    notes: list[Notification] = list(project.notifications)
    notes.extend(n for lo in lowered for f in lo.files for n in f.notifications)
    notes.extend(n for lo in lowered for n in lo.notifications)
    rules = load_catalogue()
    loader = BodyLoader({f.rel: (f.path, f.namespace) for f in project.files}, options.limits, cache)
    verdicts, findings, analysis_notes = analyse(irs, project.namespace, rules, options, loader)
    notes.extend(analysis_notes)
    notes.extend(loader.notes)
    timer.lap("analyse")
    texts = _texts_for(findings, project)
    findings = finish_findings(findings, texts)
    findings = _apply_suppressions(findings, irs, notes)
    timer.lap("report")
    reportable = {v.source_id for v in verdicts}
    result = ScanResult(
        package=PackageInfo(project.name, project.namespace, project.layout),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        notifications=tuple(notes),
        verdicts=tuple(sorted(verdicts, key=lambda v: (v.path, v.span, v.source_id))),
        files_scanned=len(project.files),
        lines_scanned=sum(f.line_count for f in irs),
        rules_run=tuple(sorted(rules)),
        test_sources=sum(1 for f in irs for s in f.sources if s.in_test and s.id not in reportable),
        category=options.category,
        stats=timer.stats,
        contexts=_contexts(findings, texts),
    )
    if cache is not None:
        cache.save()  # with the bodies the analysis lowered
        # only a result every file of which was read, lowered and cached as it is on disk
        if all(cache.key_of(f.rel) for f in project.files) and all(f.mtime_ns for f in project.files) \
                and not any(n.code in UNCACHEABLE or n.code == "file-changed" for n in notes):
            cache.put_result(result_key(project, options), replace(result, stats={}))
    return result


def _remembered_result(project: Project, options: ScanOptions, cache: LoweringCache) -> ScanResult | None:
    """The last scan's result, if no file's stamp and nothing else about the scan differs: the
    same files, contents, options, rules and apexlint code give the same result."""
    if not all(f.mtime_ns for f in project.files):
        return None  # a file system without modification times: every file must be read
    found = cache.result(result_key(project, options))
    return found if isinstance(found, ScanResult) else None


def result_key(project: Project, options: ScanOptions) -> str:
    """What a scan's result depends on besides apexlint's code (the cache folder's name holds
    that): the discovered project, every file's stamp (size, modification time, and how it is
    lowered: its kind, namespace and the options below), the options, the rule catalogue."""
    settings = (tuple(str(p) for p in options.paths), str(options.root), options.namespace, options.exclude,
                options.include_tests, options.logger_classes, options.limits, options.category,
                options.file_timeout, options.exhaustive)
    h = hashlib.sha256(repr((settings, str(project.root), project.name, project.namespace, project.layout,
                             project.notifications, sorted(load_catalogue().items()))).encode("utf-8", "surrogatepass"))
    for f in project.files:  # one line each, no repr of dataclasses: 3,880 files in 5 ms
        h.update(f"\n{f.rel}\0{f.kind.value}\0{f.metadata_type}\0{f.namespace}\0{f.content_type}\0{f.size}\0"
                 f"{f.mtime_ns}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# -- lowering -------------------------------------------------------------------------------------
def _cache(options: ScanOptions) -> LoweringCache | None:
    if options.cache_dir is None or options.cache_dir.is_symlink():
        return None  # a cache folder that is a link (committed to the scanned repository?) is not used
    # one bundle per project root (or set of scanned paths without one): a scan of some of its
    # files (pre-commit) shares it with the full scan
    scope = "\0".join(os.path.abspath(p) for p in ((options.root,) if options.root else options.paths))
    return LoweringCache(options.cache_dir, __version__, scope, options.root)


def lower_files(files: Sequence[DiscoveredFile], options: ScanOptions,
                cache: LoweringCache | None = None) -> list[Lowered]:
    """Every file's lowered form, in order: from the cache (looked up here, in the main
    process: a hit costs at most a file read and a hash), else lowered in workers. The caller
    saves the cache."""
    jobs = options.jobs or os.cpu_count() or 1
    report = options.progress or (lambda done, total: None)
    skip_tests = not options.include_tests
    out: list[Lowered | None] = [None] * len(files)
    tasks: list[tuple[int, str, _Task]] = []  # (index, cache key, task)
    done = 0
    with _collector_paused():  # cache hits only allocate what is kept: nothing for the GC to find
        for i, f in enumerate(files):
            data: bytes | None = None
            key = ""
            if cache is not None:
                stamp = _stamp(f, skip_tests, options.limits)
                hit = cache.unchanged(f.rel, stamp)
                if hit is None:
                    data, key = _cache_key(f, options.limits, skip_tests)
                    hit = cache.get(f.rel, key, stamp) if key else None
                if hit is not None:
                    out[i] = hit
                    done += 1
                    report(done, len(files))
                    continue
            tasks.append((i, key, (f, options.limits, options.file_timeout, skip_tests, data)))
    small = len(tasks) < PARALLEL_THRESHOLD and sum(t[0].size for _, _, t in tasks) < PARALLEL_BYTES
    results: Iterable[Lowered | bytes]
    if jobs <= 1 or len(tasks) < 2 or small:
        results = (_lower_one(*t) for _, _, t in tasks)
        pool = None
    else:
        # a worker reads the file again: cheaper than sending its bytes through the pool's pipe
        from concurrent.futures import ProcessPoolExecutor  # 13 ms to import: only scans that lower much pay it
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_lower_star, [(*t[:4], None) for _, _, t in tasks],
                           chunksize=max(1, len(tasks) // (jobs * 8)))
    try:
        for (i, key, _), result in zip(tasks, results, strict=True):
            # a worker's result arrives pickled: the cache keeps those bytes as they are
            lowered = pickle.loads(result) if isinstance(result, bytes) else result
            out[i] = lowered
            if cache is not None and key and not any(n.code in UNCACHEABLE for n in lowered.notifications):
                cache.put(files[i].rel, key, _stamp(files[i], skip_tests, options.limits),
                          result if isinstance(result, bytes) else lowered)
            done += 1
            report(done, len(files))
    finally:
        if pool is not None:
            pool.shutdown()
    return [lo for lo in out if lo is not None]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic GC meanwhile, and what was allocated is frozen (out of every later collection).

    Cache hits allocate only IR the scan keeps to its end: unpickling a warm cache otherwise
    runs collections that walk everything unpickled so far (30 % of the generated 2,000-class
    package's cache load), and the first collection after it walks the whole IR again (0.13 s).
    `scan()` unfreezes when it returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


_Task = tuple[DiscoveredFile, ReadLimits, float | None, bool, bytes | None]


def _lower_star(task: _Task) -> bytes:
    """In a worker: the lowered form, pickled here (the pool would pickle it anyway)."""
    return pickle.dumps(_lower_one(*task), protocol=pickle.HIGHEST_PROTOCOL)


def _read(f: DiscoveredFile, limits: ReadLimits) -> tuple[bytes | None, list[Notification]]:
    max_bytes = limits.max_resource_bytes if f.kind.value == "static-resource" else limits.max_file_bytes
    return read_file_bytes(f.path, f.rel, max_bytes)


def _job(f: DiscoveredFile, data: bytes, skip_tests: bool) -> LoweringJob:
    return LoweringJob(f.rel, f.kind, data, f.namespace, f.metadata_type, f.content_type, skip_tests, lazy=True)


def _stamp(f: DiscoveredFile, skip_tests: bool, limits: ReadLimits) -> FileStamp:
    return FileStamp(f.size, f.mtime_ns, _job(f, b"", skip_tests).settings(limits))


def _cache_key(f: DiscoveredFile, limits: ReadLimits, skip_tests: bool) -> tuple[bytes | None, str]:
    """The file's bytes as they are now and its cache key; no key when reading it had a problem
    (the worker reads it again and reports what went wrong; such results are not cached)."""
    data, notes = _read(f, limits)
    if data is None or notes:
        return None, ""
    return data, _job(f, data, skip_tests).cache_key(__version__, limits)


def _lower_one(f: DiscoveredFile, limits: ReadLimits, timeout: float | None = None, skip_tests: bool = False,
               data: bytes | None = None) -> Lowered:
    """Read one file (unless its bytes are given) and lower it."""
    notes: list[Notification] = []
    if data is None:
        data, notes = _read(f, limits)
        if data is None:
            return Lowered((), tuple(notes), 0.0)
    lowered = lower_job(_job(f, data, skip_tests), limits, timeout)
    return replace(lowered, notifications=(*notes, *lowered.notifications)) if notes else lowered


# -- analyses and rules ---------------------------------------------------------------------------
def analyse(irs: Iterable[FileIR], namespace: str, rules: dict[str, RuleMeta], options: ScanOptions,
            bodies: BodyLoader | None = None) -> tuple[list[SourceVerdict], list[Finding], list[Notification]]:
    model = PackageModel.build(irs, namespace, bodies)
    graph = build_call_graph(model)
    entries = async_entry_points(model)
    flow = DataFlow(model, graph, frozenset(c.lower() for c in options.logger_classes),
                    _client_getters(model), include_tests=options.include_tests,
                    exhaustive=options.exhaustive).run()
    # SID001 asks only whether the methods reading a session run asynchronously
    readers = sorted({info.id for src in model.sources.values() if src.kind == SourceKind.APEX_GET_SESSION_ID
                      and (info := model.method_at(src.path, src.span)) is not None})
    ctx = CheckContext(model=model, graph=graph, flow=flow, async_paths=reachable_from(graph, entries, readers),
                       async_entries={e.method_id: e for e in entries}, rules=rules,
                       include_tests=options.include_tests)
    notes: list[Notification] = []
    verdicts: list[Verdict] = []
    for group in (VIOLATION_RULES, (VERDICT_RULES[0],), (VERDICT_RULES[1],)):
        found = [v for module in group for v in _run_rule(module, ctx, notes)]
        for v in found:
            for sid in v.source_ids:
                ctx.covered.setdefault(sid, set()).add(v.finding.rule_id)
        verdicts.extend(found)
    source_verdicts = [
        SourceVerdict(sid, src.path, src.span, tuple(sorted(ctx.covered.get(sid, ()))), src.in_test)
        for sid, src in sorted(model.sources.items()) if ctx.reportable(sid)]
    return source_verdicts, [v.finding for v in verdicts], notes


def _run_rule(module: object, ctx: CheckContext, notes: list[Notification]) -> list[Verdict]:
    """Run one rule unit; an internal error in it is a notification, not a lost scan."""
    try:
        return list(module.check(ctx))  # type: ignore[attr-defined]
    except Exception as exc:
        notes.append(Notification(
            code="internal-error", level=NoticeLevel.ERROR,
            message=f"rule {getattr(module, 'RULE_ID', '?')} failed ({type(exc).__name__}: {str(exc)[:200]}); "
                    "its findings are missing from this scan"))
        return []


def _client_getters(model: PackageModel) -> frozenset[tuple[str, str]]:
    """(controller class, property) pairs that a page binds into its JavaScript."""
    pairs: set[tuple[str, str]] = set()
    for page in model.pages.values():
        for cls in (page.controller, *page.extensions):
            if not cls:
                continue
            resolved = model.resolve_class(cls)
            if resolved is None:
                continue
            for ref in page.script_refs:
                pairs.add((resolved, ref.lower()))
    return frozenset(pairs)


# -- finishing findings ---------------------------------------------------------------------------
def finish_findings(findings: list[Finding], texts: dict[str, SourceText | None]) -> list[Finding]:
    """Add exact snippets, move findings inside zipped resources onto the archive, dedupe."""
    out: list[Finding] = []
    seen: set[tuple[str, str, tuple[int, int, int, int], str]] = set()
    for f in findings:
        f = replace(f, location=_finish_location(f.location, texts),
                    source=_finish_location(f.source, texts) if f.source else None)
        if MEMBER_SEPARATOR in f.location.path or (f.source and MEMBER_SEPARATOR in f.source.path):
            f = _onto_archive(f)
        span = f.location.span
        key = (f.rule_id, f.location.path, (span.start_line, span.start_col, span.end_line, span.end_col),
               f.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return _unique_fingerprints(out)


def _texts_for(findings: list[Finding], project: Project) -> dict[str, SourceText | None]:
    """Lines of each file that holds a finding (read again: only files with findings)."""
    wanted = {loc.path for f in findings for loc in (f.location, f.source) if loc is not None}
    by_rel = {f.rel: f for f in project.files}
    texts: dict[str, SourceText | None] = {}
    for rel in sorted(wanted):
        df = by_rel.get(rel)
        if df is None:
            texts[rel] = None
            continue
        data, _ = read_file_bytes(df.path, rel, 50_000_000)
        src = read_source(rel, data, df.namespace)[0] if data is not None else None
        texts[rel] = None if src is None or src.lossy else src
    return texts


def _contexts(findings: list[Finding], texts: dict[str, SourceText | None]) -> tuple[SourceContext, ...]:
    """The lines around each finding's primary and source locations (for the HTML report)."""
    out: dict[tuple[str, int], SourceContext] = {}
    for f in findings:
        for loc in (f.location, f.source):
            src = texts.get(loc.path) if loc is not None else None
            if loc is None or src is None:
                continue
            lines = src.lines
            first = max(1, loc.span.start_line - CONTEXT_LINES)
            last = min(len(lines), loc.span.end_line + CONTEXT_LINES)
            key = (loc.path, first)
            if key not in out:
                out[key] = SourceContext(loc.path, first, tuple(x.rstrip("\r") for x in lines[first - 1:last]))
    return tuple(out[k] for k in sorted(out))


def _finish_location(loc: Location, texts: dict[str, SourceText | None]) -> Location:
    st = texts.get(loc.path)
    if st is None:
        return loc
    snippet = st.text_of(loc.span)
    return replace(loc, snippet=None if has_token(snippet) or not snippet else snippet)


def _onto_archive(f: Finding) -> Finding:
    """A file inside a zipped static resource has no path of its own: point at the archive."""
    from apexlint.ir import Span

    def move(loc: Location) -> Location:
        if MEMBER_SEPARATOR not in loc.path:
            return loc
        archive, member = loc.path.split(MEMBER_SEPARATOR, 1)
        return Location(archive, Span(1, 1, 1, 2), None, f"{member} line {loc.span.start_line}")

    archive_note = ""
    if MEMBER_SEPARATOR in f.location.path:
        member = f.location.path.split(MEMBER_SEPARATOR, 1)[1]
        archive_note = f" (in {member}, line {f.location.span.start_line})"
    flow = tuple(replace(s, location=move(s.location)) for s in f.flow)
    return replace(f, location=move(f.location), source=move(f.source) if f.source else None, flow=flow,
                   message=f.message + archive_note)


def _unique_fingerprints(findings: list[Finding]) -> list[Finding]:
    """Two findings with the same fingerprint get an occurrence suffix, in position order."""
    counts: dict[str, int] = {}
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        n = counts.get(f.fingerprint, 0)
        counts[f.fingerprint] = n + 1
        out.append(f if n == 0 else replace(f, fingerprint=f"{f.fingerprint}:{n}"))
    return out


def _apply_suppressions(findings: list[Finding], irs: list[FileIR], notes: list[Notification]) -> list[Finding]:
    suppressions: dict[str, list[Suppression]] = {}
    for f in irs:
        if f.suppressions:
            suppressions.setdefault(f.path, []).extend(f.suppressions)
    result, more = apply_suppressions(findings, suppressions)
    notes.extend(more)
    return list(result)
