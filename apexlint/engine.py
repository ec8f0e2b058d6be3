"""The scan pipeline: discover → read & lower (in workers, cached) → model → analyses → rules.

`scan()` is the one entry point the CLI, the tests and the benchmark call. Syntax trees never
leave the workers: only the compact intermediate form comes back, so memory stays flat. This
module runs the stages and the cache around them; the stages themselves are in
`apexlint.pipeline`, imported only when a scan has work for them.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from apexlint import __version__
from apexlint.cache import LoweringCache
from apexlint.catalogue import load_catalogue
from apexlint.discover import Project, discover
from apexlint.findings import Finding, PackageInfo, ScanResult
from apexlint.ir import Notification
from apexlint.read.decode import ReadLimits

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
        gc.unfreeze()  # see pipeline._collector_paused
        gc.set_threshold(*previous)


def _scan(options: ScanOptions) -> ScanResult:
    timer = _Timer()
    project = discover(list(options.paths), root=options.root, exclude=options.exclude,
                       namespace=options.namespace)
    timer.lap("discover")
    cache = _cache(options)
    # the result a scan of the same files, options and rules gave: none without modification
    # times, which are what says a file is the same without reading it
    key = result_key(project, options) if cache is not None and all(f.mtime_ns for f in project.files) else None
    if cache is not None and key is not None:
        remembered = cache.result(key)
        if isinstance(remembered, ScanResult):
            timer.lap("lower")
            timer.stats.update(analyse=0.0, report=0.0)
            return replace(remembered, stats=timer.stats)
    from apexlint import pipeline  # the parsers, analyses and rules: 40 ms of imports a remembered result skips
    from apexlint.lower.secrets import redact_all
    lowered = pipeline.lower_files(project.files, options, cache)
    timer.lap("lower")
    irs = [f for lo in lowered for f in lo.files]
    notes: list[Notification] = list(project.notifications)
    notes.extend(n for lo in lowered for f in lo.files for n in f.notifications)
    notes.extend(n for lo in lowered for n in lo.notifications)
    rules = load_catalogue()
    loader = pipeline.body_loader(project, options, cache)
    verdicts, findings, analysis_notes = pipeline.analyse(irs, project.namespace, rules, options, loader)
    notes.extend(analysis_notes)
    notes.extend(loader.notes)
    timer.lap("analyse")
    texts = pipeline.texts_for(findings, project)
    findings = pipeline.finish_findings(findings, texts)
    findings = pipeline.apply_file_suppressions(findings, irs, notes)
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
        contexts=pipeline.contexts(findings, texts),
    )
    # No token-shaped secret leaves the engine, nor is kept by the cache: messages, labels,
    # endpoints, justifications and context lines quote the files (reporters redact again).
    result = redact_all(result)
    if cache is not None:
        cache.save()  # with the bodies the analysis lowered
        # only a result every file of which was read, lowered and cached as it is on disk
        if key is not None and all(cache.key_of(f.rel) for f in project.files) \
                and not any(n.code in UNCACHEABLE or n.code == "file-changed" for n in notes):
            cache.put_result(key, replace(result, stats={}))
    return result


def result_key(project: Project, options: ScanOptions) -> str:
    """What a scan's result depends on besides apexlint's code (the cache folder's name holds
    that): the discovered project, every file's stamp (size, modification time, and how it is
    lowered: its kind, namespace and the options below), the options, the rule catalogue. The
    same files, contents, options, rules and code give the same result."""
    settings = (tuple(str(p) for p in options.paths), str(options.root), options.namespace, options.exclude,
                options.include_tests, options.logger_classes, options.limits, options.category,
                options.file_timeout, options.exhaustive)
    h = hashlib.sha256(repr((settings, str(project.root), project.name, project.namespace, project.layout,
                             project.notifications, sorted(load_catalogue().items()))).encode("utf-8", "surrogatepass"))
    for f in project.files:  # one line each, no repr of dataclasses: 3,880 files in 5 ms
        h.update(f"\n{f.rel}\0{f.kind.value}\0{f.metadata_type}\0{f.namespace}\0{f.content_type}\0{f.size}\0"
                 f"{f.mtime_ns}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# -- the cache ------------------------------------------------------------------------------------
def _cache(options: ScanOptions) -> LoweringCache | None:
    if options.cache_dir is None or options.cache_dir.is_symlink():
        return None  # a cache folder that is a link (committed to the scanned repository?) is not used
    # one bundle per project root (or set of scanned paths without one): a scan of some of its
    # files (pre-commit) shares it with the full scan
    scope = "\0".join(os.path.abspath(p) for p in ((options.root,) if options.root else options.paths))
    return LoweringCache(options.cache_dir, __version__, scope, options.root)
