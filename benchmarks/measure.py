"""What runs inside each measured subprocess: one scan, or the parse-only floor.

    python3 -m benchmarks.measure scan PATH [--jobs N] [--cache]
    python3 -m benchmarks.measure floor PATH

Each prints one JSON object on stdout. A scan runs in its own process so that its start-up,
imports and peak memory are its own; `run.py` times the process from outside as well.

The floor is what no linter built on tree-sitter can beat: read every file the scan would read
and parse it with its grammar (Apex, HTML for Visualforce, JavaScript, XML), on one core, with no
decoding, lowering or analysis. Scripts inside zipped static resources are unpacked and parsed too.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import os  # noqa: E402  (after START: the harness's own start-up is not the scan's)
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

USAGE = "usage: python3 -m benchmarks.measure {scan PATH [--jobs N] [--cache] | floor PATH}"

LANGUAGE_BY_KIND = {
    "apex-class": "apex", "apex-trigger": "apex", "visualforce-page": "html", "visualforce-component": "html",
    "email-template": "html", "javascript": "javascript", "metadata": "xml",
}


def measure_scan(path: Path, jobs: int | None, cache: bool) -> dict[str, object]:
    """One `apexlint scan PATH --format sarif` as a user runs it: click, configuration, the scan,
    the gate and the SARIF report (to /dev/null), with the cache under PATH or `--no-cache`.
    `engine.scan` is wrapped to read the stage times from its result; nothing else is changed."""
    from apexlint import cli, scan_command

    namespace = vars(scan_command)  # the name run_scan calls, replaced in place (not a re-export)
    real_scan = namespace["scan"]
    seen: dict[str, Any] = {}

    def timed(options: Any) -> Any:
        seen["begin"] = time.perf_counter()
        seen["result"] = result = real_scan(options)
        seen["end"] = time.perf_counter()
        return result

    namespace["scan"] = timed
    argv = ["scan", str(path), "--root", str(path), "--format", "sarif", "--output", os.devnull, "--fail-on", "never",
            "--quiet", *(["--jobs", str(jobs)] if jobs else []), *([] if cache else ["--no-cache"])]
    try:
        cli.main(argv)
    except SystemExit as exc:
        if exc.code:
            raise
    done = time.perf_counter()
    result = seen["result"]
    return {
        "startup_s": seen["begin"] - START,
        "scan_s": seen["end"] - seen["begin"],
        "render_s": done - seen["end"],
        "stats": dict(result.stats),
        "files_scanned": result.files_scanned,
        "lines_scanned": result.lines_scanned,
        "findings_by_rule": dict(sorted(Counter(f.rule_id for f in result.findings).items())),
        "verdicts": len(result.verdicts),
        "notifications": dict(sorted(Counter(n.code for n in result.notifications).items())),
        "internal_errors": [f"{n.path}: {n.message}" for n in result.notifications
                            if n.code == "internal-error"][:20],
        "maxrss_main_kb": _maxrss("RUSAGE_SELF"),
        "maxrss_workers_kb": _maxrss("RUSAGE_CHILDREN"),
    }


def measure_floor(path: Path) -> dict[str, object]:
    """Read and tree-sitter-parse every file the scan discovers, on this one core."""
    from apexlint.discover import discover
    from apexlint.read.decode import ReadLimits
    from apexlint.read.parsers import parse
    from apexlint.read.static_resources import resource_members

    found = discover([path], root=path)
    for language in ("apex", "html", "javascript", "xml"):
        parse(language, b"")  # build the parsers outside the timed loop: a scan does it once per process
    files: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    parse_s: dict[str, float] = {}
    start = time.perf_counter()
    for f in found.files:
        data = Path(f.path).read_bytes()
        units: list[tuple[str, bytes]] = []
        if f.kind.value == "static-resource":
            members, _ = resource_members(data, f.rel, f.content_type, ReadLimits())
            units = [("html" if name.lower().endswith((".html", ".htm")) else "javascript", body)
                     for name, body in members]
        elif f.kind.value in LANGUAGE_BY_KIND:
            units = [(LANGUAGE_BY_KIND[f.kind.value], data)]
        files[f.kind.value] += 1
        for language, body in units:
            t = time.perf_counter()
            parse(language, body)  # type: ignore[arg-type]
            parse_s[f.kind.value] = parse_s.get(f.kind.value, 0.0) + time.perf_counter() - t
            lines[f.kind.value] += body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    floor = time.perf_counter() - start
    return {
        "floor_s": floor,
        "parse_only_s": sum(parse_s.values()),
        "files": sum(files.values()),
        "files_by_kind": dict(sorted(files.items())),
        "lines": sum(lines.values()),
        "lines_by_kind": dict(sorted(lines.items())),
        "parse_s_by_kind": {k: round(v, 4) for k, v in sorted(parse_s.items())},
        "apex_lines": lines["apex-class"] + lines["apex-trigger"],
    }


def _maxrss(who: str) -> int:
    import resource  # after the scan, like everything the harness needs only to report

    return resource.getrusage(getattr(resource, who)).ru_maxrss


def main(argv: list[str] | None = None) -> int:
    """Arguments read by hand: argparse and json are 5 ms of imports the command line does not
    make, and a measured scan's process must import no more than `apexlint` does."""
    args = list(sys.argv[1:] if argv is None else argv)
    jobs: int | None = None
    cache = "--cache" in args
    args = [a for a in args if a != "--cache"]
    if "--jobs" in args:
        at = args.index("--jobs")
        jobs = int(args[at + 1]) if at + 1 < len(args) and args[at + 1].isdigit() else 0
        del args[at:at + 2]
    if len(args) != 2 or args[0] not in ("scan", "floor") or jobs == 0 or (args[0] == "floor" and cache):
        print(USAGE, file=sys.stderr)
        return 2
    path = Path(args[1]).resolve()
    out = measure_scan(path, jobs, cache) if args[0] == "scan" else measure_floor(path)
    import json

    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    code = main()
    try:
        from apexlint.cli import exit_now
    except ImportError:  # apexlint from a commit before it ended its process this way (--commit)
        raise SystemExit(code) from None
    exit_now(code)  # as `apexlint` ends: without freeing the heap
