"""The scan pipeline: discover → read & lower (in workers, cached) → model → analyses → rules.

`scan()` is the one entry point the CLI, the tests and the benchmark call. Syntax trees never
leave the workers: only the compact intermediate form comes back, so memory stays flat. This
module runs the stages and the cache around them; the stages themselves are in
`apexlint.pipeline`, imported only when a scan has work for them. With the cache, a scan returns
the last result when no file's stamp changed, and reuses the last analysis when no changed file
changed anything it read (`apexlint.reuse`).
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from apexlint import LAZY_COLLECTOR, __version__
from apexlint.cache import LoweringCache
from apexlint.catalogue import load_catalogue, remembered_catalogue
from apexlint.discover import Project
from apexlint.discover.project import files_digest
from apexlint.discover.recall import discover_remembered
from apexlint.findings import ScanResult
from apexlint.read.decode import ReadLimits
from apexlint.records import field, frozen

# A timeout depends on the machine's load and an internal error on the code, not on the file.
UNCACHEABLE = frozenset({"file-timeout", "analysis-timeout", "internal-error"})


@frozen  # not @dataclass: a stdlib dataclass costs every start-up 1 ms (see records.py)
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
    file_timeout: float | None = 30.0  # seconds to read and lower one file, and to follow one method's data flow
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)  # (done, total) files
    exhaustive: bool = False  # analyse every method, not only the demand set (same result; for tests)
    # modules the caller imports once the scan returns (its report's): imported while workers lower
    after: tuple[str, ...] = field(default=(), compare=False)


class _Timer:
    def __init__(self) -> None:
        self.stats: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stats[name] = round(now - self._start, 6)
        self._start = now


def scan(options: ScanOptions) -> ScanResult:
    """Run the whole pipeline. The cyclic GC is made lazier meanwhile: a scan allocates
    hundreds of thousands of small immutable objects and no cycles worth collecting early
    (measured: NPSP 35 s -> 22 s with 2 jobs, same peak memory)."""
    previous = gc.get_threshold()
    gc.set_threshold(*LAZY_COLLECTOR)
    try:
        return _scan(options)
    finally:
        gc.unfreeze()  # see pipeline._collector_paused
        gc.set_threshold(*previous)


def _scan(options: ScanOptions) -> ScanResult:
    timer = _Timer()
    cache = open_cache(options)
    # parsing the rule files is a tenth of a re-scan that changed nothing the analysis read
    rules_digest = remembered_catalogue(cache) if cache is not None else ""
    project = discover_remembered(list(options.paths), options.root, options.exclude, options.namespace, cache)
    timer.lap("discover")
    context = context_key(project, options, rules_digest) if cache is not None else ""
    # the result a scan of the same files, options and rules gave: none without modification
    # times old enough to say a file is the same without reading it (cache.py, RACY_NS)
    stamps = cache.stamps(project.files) if cache is not None else ()
    key = result_key(context, stamps) if cache is not None and all(mtime for _, mtime in stamps) else None
    if cache is not None and key is not None:
        remembered = cache.result(key)
        if isinstance(remembered, ScanResult):
            timer.lap("lower")
            timer.stats.update(analyse=0.0, report=0.0)
            return replace(remembered, stats=timer.stats)
    from apexlint import pipeline, reuse  # the parsers, analyses and rules: 40 ms of imports a remembered result skips
    from apexlint.secrets import redact_all
    rules = load_catalogue()
    memo = reuse.reused(project, options, cache, context, stamps) if cache is not None else None
    if memo is not None:  # nothing the last analysis read has changed
        timer.lap("lower")
        timer.stats["analyse"] = 0.0
        if options.progress is not None:
            options.progress(len(project.files), len(project.files))
    else:
        lowered = pipeline.lower_files(project.files, options, cache)
        timer.lap("lower")
        loader = pipeline.body_loader(project, options, cache)
        verdicts, findings, notes, footprint = pipeline.analyse(
            [f for lo in lowered for f in lo.files], project.namespace, rules, options, loader)
        analysis = reuse.Analysis(tuple(verdicts), tuple(findings), (*notes, *loader.notes), footprint)
        keys = [cache.key_of(f.rel) or "" for f in project.files] if cache is not None else []
        memo = reuse.memo(context, keys, stamps, [reuse.summarise(lo) for lo in lowered], analysis, loader)
        timer.lap("analyse")
    blob = b""
    if cache is not None:
        try:
            memo, blob = reuse.kept(memo)
        except Exception:  # what cannot be kept is analysed again next time; this scan is unaffected
            blob = b""
    result = pipeline.assemble(project, sum(memo.line_counts), reuse.notable_summaries(memo), memo.analysis, rules,
                               options.category)
    timer.lap("report")
    # No token-shaped secret leaves the engine, nor is kept by the cache: messages, labels,
    # endpoints, justifications and context lines quote the files (reporters redact again).
    result = replace(redact_all(result), stats=timer.stats)
    if cache is not None:
        cache.save()  # with the bodies the analysis lowered
        # only what every file of which was read, lowered and cached as it is on disk
        if all(memo.keys) and not any(n.code in UNCACHEABLE or n.code == "file-changed"
                                      for n in result.notifications):
            if blob:
                cache.put_analysis(blob)
            if key is not None:
                cache.put_result(key, replace(result, stats={}))
    return result


def context_key(project: Project, options: ScanOptions, rules_digest: str) -> str:
    """What a scan's analysis depends on besides the files' contents and apexlint's code (the
    cache folder's name holds that): the discovered project and its files (how each is
    lowered: its kind, namespace, metadata and content type), the options, the rule catalogue
    (its files' digest: the code that parses them is apexlint's)."""
    settings = (tuple(str(p) for p in options.paths), str(options.root), options.namespace, options.exclude,
                options.include_tests, options.logger_classes, options.limits, options.category,
                options.file_timeout, options.exhaustive)
    h = hashlib.sha256(repr((settings, str(project.root), project.name, project.namespace, project.layout,
                             project.notifications, rules_digest)).encode("utf-8", "surrogatepass"))
    h.update((project.digest or files_digest(project.files)).encode())
    return h.hexdigest()


def result_key(context: str, stamps: tuple[tuple[int, int], ...]) -> str:
    """What a scan's result depends on: its context (above) and every file's stamp (size and
    modification time). The same files, contents, options, rules and code give the same result."""
    h = hashlib.sha256(context.encode())
    h.update("".join(f"\n{size}\0{mtime}" for size, mtime in stamps).encode())
    return h.hexdigest()


# -- the cache ------------------------------------------------------------------------------------
def open_cache(options: ScanOptions) -> LoweringCache | None:
    """The cache a scan with `options` uses (None: none); the command line keeps the reports
    made from a scan's result in it too (see `report.remembered`)."""
    if options.cache_dir is None or options.cache_dir.is_symlink():
        return None  # a cache folder that is a link (committed to the scanned repository?) is not used
    # one bundle per project root (or set of scanned paths without one): a scan of some of its
    # files (pre-commit) shares it with the full scan
    scope = "\0".join(os.path.abspath(p) for p in ((options.root,) if options.root else options.paths))
    return LoweringCache(options.cache_dir, __version__, scope, options.root)
