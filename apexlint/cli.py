"""Command line: options → configuration → `engine.scan()` → a reporter → an exit code.

Exit codes (SPEC): 0 no finding at or above `--fail-on`, 1 findings, 2 usage or internal error.
Every error is one line on stderr; no traceback ever reaches the user.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import NoReturn, TextIO

import click

from apexlint import LAZY_COLLECTOR, __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "sarif", "html", "json")
FAIL_ON = ("error", "warning", "note", "never")


class CliError(Exception):
    """A problem the user must fix; printed as one line, exit code 2."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="apexlint")
def cli() -> None:
    """apexlint: find prohibited uses of session IDs in a Salesforce managed package."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format (default: text).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Lowest level that makes the exit code 1 (default: error).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="A previous SARIF or JSON result: findings already in it do not fail the gate.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A .apexlint.toml or pyproject.toml to read instead of searching for one.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False),
              help="Report paths relative to this directory (default: the current directory).")
@click.option("--namespace", default=None, help="The package namespace (overrides sfdx-project.json).")
@click.option("--include-tests", is_flag=True, default=None, help="Also report sources in @IsTest code.")
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option("--logger-class", "logger_classes", multiple=True,
              help="An Apex class to treat as a logging framework (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: cores).")
@click.option("--no-cache", is_flag=True, default=False, help="Do not read or write .apexlint_cache/.")
@click.option("--category", default=None, help="SARIF automationDetails id (GitHub code scanning category).")
@click.option("--quiet", "-q", is_flag=True, default=False, help="No summary line or progress bar.")
def scan(paths: tuple[Path, ...], fmt: str | None, output: Path | None, fail_on: str | None,
         baseline: Path | None, config_file: Path | None, root: Path | None, namespace: str | None,
         include_tests: bool | None, exclude: tuple[str, ...], logger_classes: tuple[str, ...],
         jobs: int | None, no_cache: bool, category: str | None, quiet: bool) -> None:
    """Scan PATHS (an SFDX project, a metadata-API tree, folders or files)."""
    from apexlint.scan_command import run_scan
    code = run_scan(
        paths=paths, fmt=fmt, output=output, fail_on=fail_on, baseline=baseline, config_file=config_file,
        root=root, namespace=namespace, include_tests=include_tests, exclude=exclude,
        logger_classes=logger_classes, jobs=jobs, no_cache=no_cache, category=category, quiet=quiet)
    sys.exit(code)


@cli.command(name="rules")
def rules_command() -> None:
    """List the rule catalogue."""
    from apexlint.catalogue import format_rule_list, load_catalogue
    click.echo(format_rule_list(load_catalogue().values()), nl=False)


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Print one rule's full help (e.g. `apexlint explain SID002`)."""
    from apexlint.catalogue import format_explain, rule
    try:
        meta = rule(rule_id)
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    click.echo(format_explain(meta), nl=False)


@cli.group()
def baseline() -> None:
    """Manage baselines: previous results whose findings do not fail the gate."""


@baseline.command(name="write")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--root", type=click.Path(path_type=Path, file_okay=False))
@click.option("--namespace", default=None)
@click.option("--include-tests", is_flag=True, default=None, help="Also baseline sources in @IsTest code.")
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option("--logger-class", "logger_classes", multiple=True,
              help="An Apex class to treat as a logging framework (repeatable).")
@click.option("--no-cache", is_flag=True, default=False)
def baseline_write(file: Path, paths: tuple[Path, ...], config_file: Path | None, root: Path | None,
                   namespace: str | None, include_tests: bool | None, exclude: tuple[str, ...],
                   logger_classes: tuple[str, ...], no_cache: bool) -> None:
    """Scan PATHS (default: .) and write every current finding to FILE as a baseline. The options
    that change which findings a scan has are `scan`'s: give the gate's scan the same ones."""
    from apexlint.scan_command import write_baseline
    write_baseline(file, paths or (Path("."),), config_file, root, namespace, no_cache,
                   include_tests=include_tests, exclude=exclude, logger_classes=logger_classes)
    click.echo(f"baseline written to {file}", err=True)


def open_output(output: Path | None) -> TextIO | nullcontext[TextIO]:
    if output is None:
        return nullcontext(sys.stdout)
    try:
        return output.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None


def _error(message: str) -> None:
    """One line on stderr; token-shaped text from paths or files never reaches it unredacted."""
    from apexlint.secrets import redact
    click.echo(f"apexlint: {redact(' '.join(message.split()))}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: click in non-standalone mode so every error is one line and exit code 2."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="apexlint", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(EXIT_ERROR)
    except click.UsageError as exc:
        _error(f"error: {exc.format_message()}")
        sys.exit(EXIT_ERROR)
    except click.Abort:
        click.echo("apexlint: aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        _error(f"error: {exc.format_message()}")
        sys.exit(EXIT_ERROR)
    except CliError as exc:
        _error(f"error: {exc}")
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("apexlint: interrupted", err=True)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        os._exit(EXIT_ERROR)
    except Exception as exc:
        _error(f"internal error: {type(exc).__name__}: {exc}")
        sys.exit(EXIT_ERROR)


def run() -> NoReturn:
    """The process's entry point (`apexlint`, `python -m apexlint`): `main()`, then `exit_now`.

    The process runs one command and ends without freeing its heap (`exit_now`): what it imports
    and the report it builds are kept to the end or freed by reference counting, and collecting
    them as they were made was 5% of a small package's scan (apex-recipes: 46 collections, 15 ms;
    a re-scan the cache answers: 35, 7 ms). So the collector is as lazy as during a scan from
    here on (`python -m apexlint` from before its imports): a `main()` called in a process that
    goes on (a test) leaves it as it was.
    """
    gc.set_threshold(*LAZY_COLLECTOR)
    code: int = EXIT_OK
    try:
        main()
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise  # not ours (main exits with ints); Python prints it and exits 1
        code = exc.code or EXIT_OK
    exit_now(code)


def exit_now(code: int) -> NoReturn:
    """End the process once apexlint is done with it, without freeing the heap first.

    A scan's heap (the package's IR: hundreds of thousands of objects) takes CPython 15–25 ms to
    free object by object at exit, for a process that ends anyway: a tenth of a re-scan. So once
    `main()` is done (report written and closed, worker pool shut down, cache files renamed into
    place), the exit functions run and the streams are flushed as at a normal exit, and the
    process ends without tearing the heap down. A thread still running (none of ours is) gets the
    normal exit, which waits for it. `main()` itself, which tests call in-process, exits normally.
    """
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # what a normal exit runs first (multiprocessing's finalisers among them)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a reader that went away (`| head`) or a stream closed under us
        code = code or EXIT_ERROR
    os._exit(code)
