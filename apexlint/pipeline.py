"""The stages of a scan that reads and analyses: lowering (in workers, cached), the package
analyses and rules, and finishing findings.

`engine._scan` imports this module only when it has work for it: a scan whose result the cache
remembers never pays for importing the analyses, the rules and the parsers.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from apexlint import __version__
from apexlint.cache import FileStamp, LoweringCache
from apexlint.catalogue import RuleMeta
from apexlint.discover import DiscoveredFile, Project
from apexlint.engine import UNCACHEABLE, ScanOptions
from apexlint.findings import Finding, Location, PackageInfo, ScanResult, SourceContext, SourceVerdict
from apexlint.gate import apply_suppressions
from apexlint.ir import MEMBER_SEPARATOR, FileIR, FileKind, NoticeLevel, Notification, SourceKind, Span, Suppression
from apexlint.lower import Lowered, LoweringJob, lower_job, lowering_settings
from apexlint.lower.lazy import BodyLoader
from apexlint.read.decode import ReadLimits, read_file_bytes, read_source
from apexlint.read.source import SourceText
from apexlint.secrets import clip, has_token, redact

if TYPE_CHECKING:
    from apexlint.checks import CheckContext, Verdict
    from apexlint.model.package import PackageModel
    from apexlint.reuse import Analysis, FileSummary, Footprint

# Below this many bytes to lower a worker pool costs more than it saves: starting the workers and
# their imports take about what one core lowers 1 MB in (apex-recipes' 213 files, 0.9 MB: 0.17 s on
# two workers, 0.09 s in this process), so with two cores the pool pays from about 2 MB.
PARALLEL_BYTES = 2_000_000
CONTEXT_LINES = 3


# -- lowering -------------------------------------------------------------------------------------
def lower_files(files: Sequence[DiscoveredFile], options: ScanOptions,
                cache: LoweringCache | None = None) -> list[Lowered]:
    """Every file's lowered form, in order: from the cache (looked up here, in the main
    process: a hit costs at most a file read and a hash), else lowered in workers. The caller
    saves the cache.

    A file the cache has no entry for cannot hit by content either: it is not read here, and
    the worker that lowers it computes its key (a first scan, as in CI on a fresh clone, would
    otherwise read and hash every file in the main process, and hold their bytes, before any
    worker starts).
    """
    jobs = options.jobs or os.cpu_count() or 1
    report = options.progress or (lambda done, total: None)
    skip_tests = not options.include_tests
    out: list[Lowered | None] = [None] * len(files)
    tasks: list[tuple[int, str, _Task]] = []  # (index, cache key if known, task)
    done = 0
    with _collector_paused():  # cache hits only allocate what is kept: nothing for the GC to find
        for i, f in enumerate(files):
            data: bytes | None = None
            key = ""
            worker_keys = False
            if cache is not None:
                stamp = file_stamp(f, skip_tests, options.limits)
                hit = cache.unchanged(f.rel, stamp)
                if hit is None and cache.has_entry(f.rel):  # changed since, or only touched: match by content
                    data, key = content_key(f, options.limits, skip_tests)
                    hit = cache.get(f.rel, key, stamp) if key else None
                elif hit is None:
                    worker_keys = True
                if hit is not None:
                    out[i] = hit
                    done += 1
                    report(done, len(files))
                    continue
            tasks.append((i, key, (f, options.limits, options.file_timeout, skip_tests, data, worker_keys)))
    # Files searched only for tokens (most of a package's files) are searched in this process, while
    # the workers lower the rest: a memchr or two each, where sending one to a worker and its result
    # back costs more than the search.
    searched = [task for task in tasks if task[2][0].kind is FileKind.TEXT]
    others = [task for task in tasks if task[2][0].kind is not FileKind.TEXT] if searched else tasks
    small = sum(t[0].size for _, _, t in others) < PARALLEL_BYTES
    results: Iterable[tuple[str, Lowered | bytes]]
    if jobs <= 1 or len(others) < 2 or small:
        results = (lower_one(*t) for _, _, t in tasks)
        pool = None
    else:
        # a worker reads the file again: cheaper than sending its bytes through the pool's pipe
        from concurrent.futures import ProcessPoolExecutor  # 13 ms to import: only scans that lower much pay it
        pool = ProcessPoolExecutor(max_workers=jobs)
        from_pool = pool.map(_lower_star, [(*t[:4], None, t[5]) for _, _, t in others],
                             chunksize=max(1, len(others) // (jobs * 8)))
        _import_meanwhile(options.after)
        here = [lower_one(*t) for _, _, t in searched]
        tasks = others + searched
        results = itertools.chain(from_pool, here)
    # Workers' results are unpickled here, into IR the scan keeps to its end: no collections
    # meanwhile (see `_collector_paused`; MetadataService.cls's 2.6 MB form loads in 0.06 s,
    # 0.10 s with them). Lowering in this process keeps the collector: it makes garbage too.
    paused = _collector_paused() if pool is not None else contextlib.nullcontext()
    try:
        with paused:
            for (i, known_key, _), (worker_key, result) in zip(tasks, results, strict=True):
                key = known_key or worker_key
                # a worker's result arrives pickled: the cache keeps those bytes as they are
                lowered = pickle.loads(result) if isinstance(result, bytes) else result
                out[i] = lowered
                if cache is not None and key and not any(n.code in UNCACHEABLE for n in lowered.notifications):
                    cache.put(files[i].rel, key, file_stamp(files[i], skip_tests, options.limits),
                              result if isinstance(result, bytes) else lowered)
                done += 1
                report(done, len(files))
    finally:
        if pool is not None:
            pool.shutdown()
    return [lo for lo in out if lo is not None]


# What the scan imports once lowering is done: the analyses and rules (`analyse`).
ANALYSIS_MODULES = ("apexlint.analyses.dataflow", "apexlint.analyses.endpoints", "apexlint.checks",
                    "apexlint.model.package")


def _import_meanwhile(more: Sequence[str]) -> None:
    """Import, while the workers lower, the modules this process needs once they are done: the
    analyses and rules, and `more` (the report's, which the caller names). The main process would
    otherwise wait for the workers, then import them (Jinja for the HTML report): on a small
    package (apex-recipes, 213 files) the analyses are a tenth of a cold scan. An import that
    fails here is left for its caller to meet and report."""
    import importlib
    for name in (*ANALYSIS_MODULES, *more):
        with contextlib.suppress(Exception):
            importlib.import_module(name)


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


# file, limits, timeout, skip tests, its bytes if read already, whether to compute its cache key
_Task = tuple[DiscoveredFile, ReadLimits, float | None, bool, bytes | None, bool]


def _lower_star(task: _Task) -> tuple[str, bytes]:
    """In a worker: the cache key (if asked) and the lowered form, pickled here (the pool would
    pickle it anyway)."""
    # No collections while one file is lowered and pickled: what lowering makes is a tree of
    # records, freed by reference counting once pickled (MetadataService.cls: 0.42 -> 0.37 s to
    # lower, 0.16 -> 0.13 s to pickle); the collector runs again between files.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        key, lowered = lower_one(*task)
        return key, pickle.dumps(lowered, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        if was_enabled:
            gc.enable()


def _read(f: DiscoveredFile, limits: ReadLimits) -> tuple[bytes | None, list[Notification]]:
    if f.kind.value == "text":
        return read_file_bytes(f.path, f.rel, limits.max_file_bytes, quiet_if_binary=True)
    max_bytes = limits.max_resource_bytes if f.kind.value == "static-resource" else limits.max_file_bytes
    return read_file_bytes(f.path, f.rel, max_bytes)


def _job(f: DiscoveredFile, data: bytes, skip_tests: bool) -> LoweringJob:
    return LoweringJob(f.rel, f.kind, data, f.namespace, f.metadata_type, f.content_type, skip_tests, lazy=True)


def file_stamp(f: DiscoveredFile, skip_tests: bool, limits: ReadLimits) -> FileStamp:
    """The file's stamp, with the settings `_job` gives its lowering."""
    return FileStamp(f.size, f.mtime_ns, lowering_settings(
        f.rel, f.kind, f.namespace, f.metadata_type, f.content_type, skip_tests, True, limits))


def content_key(f: DiscoveredFile, limits: ReadLimits, skip_tests: bool) -> tuple[bytes | None, str]:
    """The file's bytes as they are now and its cache key; no key when reading it had a problem
    (the worker reads it again and reports what went wrong; such results are not cached)."""
    data, notes = _read(f, limits)
    if data is None or notes:
        return None, ""
    return data, _job(f, data, skip_tests).cache_key(__version__, limits)


def lower_one(f: DiscoveredFile, limits: ReadLimits, timeout: float | None, skip_tests: bool,
               data: bytes | None, want_key: bool) -> tuple[str, Lowered]:
    """Read one file (unless its bytes are given) and lower it; with `want_key`, its cache key
    too, from the same bytes (none when reading it had a problem: such results are not cached)."""
    notes: list[Notification] = []
    if data is None:
        data, notes = _read(f, limits)
        if data is None:
            return "", Lowered((), tuple(notes), 0.0)
    job = _job(f, data, skip_tests)
    key = job.cache_key(__version__, limits) if want_key and not notes else ""
    lowered = lower_job(job, limits, timeout)
    return key, replace(lowered, notifications=(*notes, *lowered.notifications)) if notes else lowered


# -- analyses and rules ---------------------------------------------------------------------------
def body_loader(project: Project, options: ScanOptions, cache: LoweringCache | None) -> BodyLoader:
    """What lowers, for the analyses, the method bodies the workers left for later."""
    return BodyLoader({f.rel: (f.path, f.namespace) for f in project.files}, options.limits, cache,
                      {f.rel: (f.size, f.mtime_ns) for f in project.files})


def analyse(irs: Iterable[FileIR], namespace: str, rules: dict[str, RuleMeta], options: ScanOptions,
            bodies: BodyLoader | None = None
            ) -> tuple[list[SourceVerdict], list[Finding], list[Notification], Footprint]:
    """Verdicts, findings and notes of the analyses and rules, and what they asked of the package
    (what `apexlint.reuse` needs to know a change is unseen)."""
    # imported here: a scan that reuses the last analysis (apexlint.reuse) never loads them
    from apexlint.analyses.callgraph import async_entry_points, build_call_graph, reachable_from
    from apexlint.analyses.client import resolve_client_uses, url_base_methods
    from apexlint.analyses.dataflow import SOAP_REFS, DataFlow, FlowResult, stored_sessions
    from apexlint.analyses.endpoints import page_host_properties
    from apexlint.checks import VERDICT_RULES, VIOLATION_RULES, CheckContext
    from apexlint.model.package import PackageModel
    from apexlint.reuse import Footprint
    model = PackageModel.build(irs, namespace, bodies)
    graph = build_call_graph(model)
    entries = async_entry_points(model, graph)
    def data_flow() -> FlowResult:
        return DataFlow(model, graph, frozenset(c.lower() for c in options.logger_classes),
                        _client_getters(model), include_tests=options.include_tests,
                        exhaustive=options.exhaustive, page_hosts=page_host_properties(model),
                        method_timeout=options.file_timeout, url_bases=url_base_methods(model)).run()
    flow = data_flow()
    stored = stored_sessions(flow.hits)
    if stored:
        # a session the package stores in a record field is in what reads that field back (a
        # custom setting an @AuraEnabled getter returns): once more, with those reads as sources,
        # and those of the fields page scripts store one in (read from the first run on)
        saved = model.stored_sessions
        model.stored_sessions = {key: tuple(sorted({*saved.get(key, ()), *stored.get(key, ())}))
                                 for key in sorted(saved.keys() | stored.keys())}
        first = {(h.site, h.source_id): h for h in flow.hits}
        flow = data_flow()
        # where a session is stored, the flow shown is the one that stores it (the second run
        # also sees the field's stored session read back into the record being saved)
        flow.hits = [replace(h, trace=first[(h.site, h.source_id)].trace) if (h.site, h.source_id) in first else h
                     for h in flow.hits]
    # what client code does with sessions Apex returns to it, now that the data flow knows them
    model.url_uses = resolve_client_uses(model, flow.hits)
    # SID001 asks only whether the methods reading a session run asynchronously
    readers = sorted({info.id for src in model.sources.values() if src.kind == SourceKind.APEX_GET_SESSION_ID
                      and (info := model.evaluating_method(src.path, src.span)) is not None})
    ctx = CheckContext(model=model, graph=graph, flow=flow, async_paths=reachable_from(graph, entries, readers),
                       async_entries={e.method_id: e for e in entries}, rules=rules,
                       include_tests=options.include_tests)
    notes: list[Notification] = list(flow.notes)  # methods whose flow could not be followed
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
    asked = model.lookups
    footprint = Footprint(graph.mentioning.searched() | SOAP_REFS,
                          None if asked.walked else asked.asked_classes(), frozenset(asked.paths),
                          frozenset(c.name for c in model.every_class()))
    return source_verdicts, [v.finding for v in verdicts], notes, footprint


def _run_rule(module: object, ctx: CheckContext, notes: list[Notification]) -> list[Verdict]:
    """Run one rule unit; an internal error in it is a notification, not a lost scan."""
    try:
        return list(module.check(ctx))  # type: ignore[attr-defined]
    except Exception as exc:
        notes.append(Notification(
            code="internal-error", level=NoticeLevel.ERROR,
            message=f"rule {getattr(module, 'RULE_ID', '?')} failed ({type(exc).__name__}: {clip(str(exc), 200)}); "
                    "its findings are missing from this scan"))
        return []


def _client_getters(model: PackageModel) -> dict[tuple[str, str], str]:
    """(controller class, property) pairs a page hands to client code, with how: bound into its
    JavaScript, or printed into what it serves (the text of a JSON, JSONP or plain-text page,
    an `<apex:outputText value>`), which the browser's scripts read all the same."""
    bound: dict[tuple[str, str], str] = {}
    printed: dict[tuple[str, str], str] = {}
    for page in sorted(model.pages.values(), key=lambda p: p.path):
        if not page.script_refs and not page.body_refs:
            continue
        for cls in (page.controller, *page.extensions):
            if not cls:
                continue
            resolved = model.resolve_class(cls)
            if resolved is None:
                continue
            for ref in page.script_refs:
                bound.setdefault((resolved, ref.lower()), "Visualforce page binding")
            for ref in page.body_refs:
                printed.setdefault((resolved, ref.lower()),
                                   f"rendered by Visualforce page {page.display} as {{!{ref}}}")
    return printed | bound


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


def texts_for(findings: list[Finding], project: Project) -> dict[str, SourceText | None]:
    """Lines of each file that holds a finding (read again: only files with findings)."""
    wanted = {loc.path for f in findings for loc in (f.location, f.source) if loc is not None}
    by_rel = {f.rel: f for f in project.files}
    # a cached analysis is kept redacted (`reuse.kept`): a path holding a token-shaped name
    # (`force-app/00D…!AQ…/X.cls`) is then named as the report names it (AE-6)
    if any(rel not in by_rel for rel in wanted):
        by_rel.update({redacted: f for f in project.files if (redacted := redact(f.rel)) not in by_rel})
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


def contexts(findings: list[Finding], texts: dict[str, SourceText | None]) -> tuple[SourceContext, ...]:
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


def _hidden_sources_once(notes: list[Notification]) -> list[Notification]:
    """An org retrieve's hidden managed sources as one note (an org dump holds thousands), where
    the first of them was; every other note as it is."""
    hidden = [n for n in notes if n.code == "hidden-source"]
    if len(hidden) <= 1:
        return notes
    first = hidden[0]
    summary = replace(first, message=f"not scanned: {len(hidden):,} files hold the hidden source of installed managed "
                                     f"packages ('(hidden)'), as the org returns it; the first is {first.path}")
    return [summary if n is first else n for n in notes if n.code != "hidden-source" or n is first]


def assemble(project: Project, lines: int, summaries: Sequence[FileSummary], analysis: Analysis,
             rules: dict[str, RuleMeta], category: str | None) -> ScanResult:
    """The scan's result from what the analysis found and what the files add to it (`lines`
    in all, and the summaries of those with more than lines, in discovery order): findings
    finished from the files as they are now (snippets, context lines) and suppressed by their
    directives, notifications in a fixed order (discovery, files, lowering, analysis,
    suppressions)."""
    notes: list[Notification] = list(project.notifications)
    notes.extend(n for s in summaries for n in s.notes)
    notes.extend(_hidden_sources_once([n for s in summaries for n in s.lowering_notes]))
    notes.extend(analysis.notes)
    texts = texts_for(list(analysis.findings), project)
    findings = finish_findings(list(analysis.findings), texts)
    directives: dict[str, list[Suppression]] = {}
    for s in summaries:
        for path, found in s.suppressions:
            directives.setdefault(path, []).extend(found)
    suppressed, more = apply_suppressions(findings, directives)
    notes.extend(more)
    reportable = {v.source_id for v in analysis.verdicts}
    return ScanResult(
        package=PackageInfo(project.name, project.namespace, project.layout),
        findings=tuple(sorted(suppressed, key=Finding.sort_key)),
        notifications=tuple(notes),
        verdicts=tuple(sorted(analysis.verdicts, key=lambda v: (v.path, v.span, v.source_id))),
        files_scanned=sum(1 for f in project.files if f.kind.value != "text"),  # analysed: not only searched
        lines_scanned=lines,
        rules_run=tuple(sorted(rules)),
        test_sources=sum(1 for s in summaries for sid in s.test_sources if sid not in reportable),
        category=category,
        contexts=contexts(suppressed, texts),
    )
