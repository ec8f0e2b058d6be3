"""`apexlint scan` and `apexlint baseline write`: configuration in, report and exit code out."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

from apexlint import __version__
from apexlint.catalogue import load_catalogue
from apexlint.cli import EXIT_ERROR, CliError, open_output
from apexlint.config import Config, ConfigError, load_config
from apexlint.discover import DiscoveryError
from apexlint.engine import ScanOptions, open_cache, scan
from apexlint.findings import ScanResult
from apexlint.gate import (
    BaselineError,
    apply_baseline,
    apply_levels,
    exit_code,
    filter_rules,
    load_baseline_counts,
    rules_with_levels,
)
from apexlint.progress import Progress
from apexlint.read.decode import ReadLimits
from apexlint.report import ReportOptions, reporter_modules
from apexlint.report.remembered import render_remembered

CACHE_DIR = ".apexlint_cache"


def _config(config_file: Path | None, paths: tuple[Path, ...], **overrides: object) -> Config:
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise CliError(f"path does not exist: {p}")
    start = paths[0] if paths else Path(".")
    start = start if start.is_dir() else start.parent
    try:
        return load_config(config_file, start).merged(**overrides)
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def _options(config: Config, paths: tuple[Path, ...], no_cache: bool) -> ScanOptions:
    cache_dir = None
    if config.cache and not no_cache:
        cache_dir = Path(config.root or ".") / CACHE_DIR
    return ScanOptions(
        paths=paths, root=Path(config.root) if config.root else None, namespace=config.namespace,
        exclude=tuple(config.exclude), include_tests=config.include_tests,
        logger_classes=tuple(config.logger_classes), jobs=config.jobs, cache_dir=cache_dir,
        limits=ReadLimits(max_file_bytes=config.max_file_bytes), category=config.category,
        file_timeout=config.file_timeout_seconds)


def _scan(options: ScanOptions, quiet: bool) -> ScanResult:
    with Progress(enabled=not quiet and sys.stderr.isatty()) as progress:
        try:
            return scan(replace(options, progress=progress.update))
        except DiscoveryError as exc:
            raise CliError(str(exc)) from None


def run_scan(*, paths: tuple[Path, ...], fmt: str | None, output: Path | None, fail_on: str | None,
             baseline: Path | None, config_file: Path | None, root: Path | None, namespace: str | None,
             include_tests: bool | None, exclude: tuple[str, ...], logger_classes: tuple[str, ...],
             jobs: int | None, no_cache: bool, category: str | None, quiet: bool) -> int:
    config = _config(config_file, paths, fail_on=fail_on, root=str(root) if root else None,
                     namespace=namespace, include_tests=include_tests, exclude=exclude or None,
                     logger_classes=logger_classes or None, jobs=jobs, category=category)
    fmt = fmt or "text"
    scan_options = _options(config, paths, no_cache)
    result = _scan(replace(scan_options, after=reporter_modules(fmt)), quiet)
    findings = filter_rules(list(result.findings), config.enabled_rules, config.disabled_rules)
    findings = apply_levels(findings, config.levels)
    if baseline is not None:
        try:
            findings = apply_baseline(findings, load_baseline_counts(baseline))
        except BaselineError as exc:
            raise CliError(str(exc)) from None
    result = replace(result, findings=tuple(findings))
    rules = rules_with_levels(load_catalogue(), config.levels)
    options = ReportOptions(
        # no-color.org: a NO_COLOR that is present and not empty turns colour off
        color=fmt == "text" and output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
        tool_version=__version__, quiet=quiet, category=config.category)
    with open_output(output) as out:
        render_remembered(fmt, result, rules, out, options, open_cache(scan_options))
    if not result.execution_successful:
        return EXIT_ERROR
    return exit_code(result.findings, config.fail_on)


def write_baseline(file: Path, paths: tuple[Path, ...], config_file: Path | None, root: Path | None,
                   namespace: str | None, no_cache: bool, *, include_tests: bool | None = None,
                   exclude: tuple[str, ...] = (), logger_classes: tuple[str, ...] = ()) -> None:
    from apexlint.gate import write_baseline as write
    config = _config(config_file, paths, root=str(root) if root else None, namespace=namespace,
                     include_tests=include_tests, exclude=exclude or None, logger_classes=logger_classes or None)
    result = _scan(_options(config, paths, no_cache), quiet=True)
    try:
        write(result, load_catalogue(), file)
    except BaselineError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot write {file}: {exc.strerror or exc}") from None
