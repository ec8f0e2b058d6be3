"""Time apexlint on generated and real packages; print Markdown, save JSON under benchmarks/results/.

    python3 benchmarks/run.py [PATH ...] [--generate 2000] [--jobs J] [--repeat R] [--sizes 250,500,1000,2000]

For every package: file and line counts; the full cold scan (`--no-cache`, J jobs, a fresh process
each time, median of R) as files/s and lines/s; the time split by stage; the parse-only floor (read
and tree-sitter-parse every file on one core) and the scan / floor ratio; peak memory; a one-core
scan (to separate lowering from parsing); and the re-scan after changing one class with a warm cache.
Then a scaling series over generated packages of growing size. `benchmarks/README.md` explains every
number. Packages are scanned in place; the re-scan works on a scratch copy (never in the repo).
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from apexlint.lower import is_quiet_test_class
from benchmarks.generate import generate
from benchmarks.procs import REPO, RunOutcome, run_measure
from benchmarks.report import Row, machine, markdown, results_path

STAGES = ("discover", "lower", "analyse", "report")


class Budget:
    """Per-run limits, so one pathological scan cannot take the machine down with it."""

    def __init__(self, timeout_s: float, max_tree_mb: float, src: Path | None = None) -> None:
        self.timeout_s = timeout_s
        self.max_tree_mb = max_tree_mb
        self.src = src  # apexlint exported from a commit, or None for the working tree

    def run(self, args: list[str], cwd: Path) -> RunOutcome:
        outcome = run_measure(args, cwd, self.timeout_s, self.max_tree_mb, self.src)
        if outcome.status != "ok":
            print(f"  ! {' '.join(args[:2])}: {outcome.status} after {outcome.wall_s:.0f} s "
                  f"(tree {outcome.peak_tree_mb:.0f} MB) {outcome.stderr[-300:]}", file=sys.stderr)
        return outcome


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _num(data: dict[str, object], key: str) -> float:
    value = data.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def measure_package(name: str, path: Path, jobs: int, repeat: int, budget: Budget, work: Path,
                    single_core: bool = True, rescan: bool = True) -> Row:
    """All per-package numbers; stops early (and says why) when a scan times out."""
    print(f"== {name}: {path}", file=sys.stderr)
    row: Row = {"name": name, "path": str(path), "jobs": jobs, "repeat": repeat}
    floors = [budget.run(["floor", str(path)], work) for _ in range(repeat)]
    ok_floors = [f for f in floors if f.status == "ok"]
    if ok_floors:
        first = ok_floors[0].data
        row.update({k: first[k] for k in ("files_by_kind", "lines_by_kind", "parse_s_by_kind", "apex_lines")})
        row["total_lines"] = first["lines"]
        row["floor_s"] = _median([_num(f.data, "floor_s") for f in ok_floors])
    cold = _scans(path, jobs, repeat, budget, work)
    row["cold_runs"] = [_run_summary(r) for r in cold]
    done = [r for r in cold if r.status == "ok"]
    row["status"] = "ok" if len(done) == len(cold) else cold[-1].status
    if not done:
        return row
    _cold_numbers(row, done)
    if single_core:
        one = _scans(path, 1, 1, budget, work)[0]
        if one.status == "ok":
            row["lower_1core_s"] = _num(_stats(one), "lower")
            row["scan_1core_s"] = one.wall_s
            if isinstance(row.get("floor_s"), float):
                row["lowering_1core_s"] = _num(_stats(one), "lower") - _num(row, "floor_s")
    if rescan:
        row.update(_rescan(path, jobs, repeat, budget, work))
        for kind in ("", "_moved", "_statement", "_code", "_seen"):
            if row.get(f"rescan{kind}_s") is not None:
                row[f"rescan{kind}_ratio"] = float(row[f"rescan{kind}_s"]) / float(row["scan_s"])  # type: ignore[arg-type]
    return row


def _scans(path: Path, jobs: int, repeat: int, budget: Budget, work: Path, cache: bool = False) -> list[RunOutcome]:
    args = ["scan", str(path), "--jobs", str(jobs)] + (["--cache"] if cache else [])
    runs: list[RunOutcome] = []
    for _ in range(repeat):
        runs.append(budget.run(args, work))
        if runs[-1].status != "ok":
            break  # a timeout will time out again: do not spend R × the budget on it
    return runs


def _run_summary(r: RunOutcome) -> Row:
    keep = ("startup_s", "scan_s", "render_s", "stats", "maxrss_main_kb", "maxrss_workers_kb")
    return {"status": r.status, "wall_s": round(r.wall_s, 3), "peak_tree_pss_mb": round(r.peak_tree_mb, 1),
            "peak_tree_rss_mb": round(r.peak_tree_rss_mb, 1),
            **{k: r.data[k] for k in keep if k in r.data}}


def _cold_numbers(row: Row, done: list[RunOutcome]) -> None:
    """Medians of the finished cold runs, and the numbers derived from them."""
    last = done[-1].data
    wall = _median([r.wall_s for r in done]) or 0.0
    row.update({
        "files": last["files_scanned"], "lines_scanned": last["lines_scanned"], "scan_s": wall,
        "startup_s": _median([_num(r.data, "startup_s") for r in done]),
        "render_s": _median([_num(r.data, "render_s") for r in done]),
        "peak_rss_main_mb": max(_num(r.data, "maxrss_main_kb") for r in done) / 1024,
        "peak_rss_worker_mb": max(_num(r.data, "maxrss_workers_kb") for r in done) / 1024,
        "peak_tree_pss_mb": max(r.peak_tree_mb for r in done),
        "notifications": last["notifications"], "internal_errors": last["internal_errors"],
        "findings_by_rule": last["findings_by_rule"], "verdicts": last["verdicts"],
    })
    for stage in STAGES:
        row[f"{stage}_s"] = _median([_num(_stats(r), stage) for r in done])
    row["files_per_s"] = float(row["files"]) / wall if wall else None  # type: ignore[arg-type]
    row["lines_per_s"] = float(row.get("total_lines") or row["lines_scanned"]) / wall if wall else None  # type: ignore[arg-type]
    floor = row.get("floor_s")
    if isinstance(floor, float) and floor > 0:
        row["scan_over_floor"] = wall / floor
        row["parse_est_s"] = floor / max(1, int(row["jobs"]))  # type: ignore[call-overload]
        row["lowering_est_s"] = float(row["lower_s"]) - float(row["parse_est_s"])  # type: ignore[arg-type]


def _stats(r: RunOutcome) -> dict[str, object]:
    stats = r.data.get("stats")
    return stats if isinstance(stats, dict) else {}


def _rescan(path: Path, jobs: int, repeat: int, budget: Budget, work: Path) -> Row:
    """Warm the cache on a scratch copy, change one class (`rescan_target`), scan again (R times,
    a new change each).

    Four kinds of change, R of each (see apexlint.reuse): a comment line appended (the class's
    lowered form is the same: the last analysis is reused); a blank line inserted at the top
    (every span of the class moves: the analysis is reused only if it neither read nor reported
    on the class); a statement added to its first method (`System.debug(...)`: reused if, in
    addition, the analysis never looked for the names it adds); a field declared at the top (a
    declaration more: reused if the analysis never asked for the class). And a fifth, to time a
    change the analysis must see: a field declared in the class that reads a session
    (`seen_target`), which always analyses the package again from the cached lowered forms."""
    copy = work / f"rescan-{path.name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(path, copy, ignore=shutil.ignore_patterns(".git", ".apexlint_cache"), symlinks=True)
    try:
        target = rescan_target(copy)
        if target is None:
            return {"rescan_status": "no Apex class to change"}
        warm = _scans(copy, jobs, 1, budget, work, cache=True)[0]
        if warm.status != "ok":
            return {"rescan_status": f"warm-up {warm.status}"}
        # A tree at rest, as a developer's is: a scan does not remember a walk of folders changed in
        # the 3 s before it (apexlint/discover/observed.py, RACY_NS), and every folder of the copy
        # just was, its root last (the warm-up made `.apexlint_cache` there). Once rested, a scan
        # walks and remembers; the scans timed after it do not walk.
        time.sleep(TREE_AT_REST_S)
        if _scans(copy, jobs, 1, budget, work, cache=True)[0].status != "ok":
            return {"rescan_status": "second warm-up failed"}
        unchanged = _scans(copy, jobs, 1, budget, work, cache=True)[0]
        walls: dict[str, list[float]] = {"comment": [], "moved": [], "statement": [], "code": [], "seen": []}
        if _METHOD_OPENS.search(target.read_text(encoding="utf-8", errors="surrogateescape")) is None:
            del walls["statement"]  # no method body to add a statement to: not measured
        seen = seen_target(copy)
        if seen is None:
            del walls["seen"]
        for i in range(repeat):
            for kind in walls:
                if kind == "seen" and seen is not None:
                    _change(seen, "code", i)
                else:
                    _change(target, kind, i)
                run = _scans(copy, jobs, 1, budget, work, cache=True)[0]
                if run.status != "ok":
                    return {"rescan_status": run.status}
                walls[kind].append(run.wall_s)
        return {"rescan_s": _median(walls["comment"]), "rescan_moved_s": _median(walls["moved"]),
                "rescan_statement_s": _median(walls.get("statement", [])), "rescan_code_s": _median(walls["code"]),
                "rescan_seen_s": _median(walls.get("seen", [])),
                "rescan_seen_file": str(seen.relative_to(copy)) if seen is not None else None,
                "rescan_unchanged_s": unchanged.wall_s if unchanged.status == "ok" else None,
                "rescan_walls_s": {kind: [round(w, 4) for w in ws] for kind, ws in walls.items()},
                "rescan_file": str(target.relative_to(copy)), "rescan_status": "ok"}
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def rescan_target(tree: Path) -> Path | None:
    """The class a re-scan changes: a typical one a default scan lowers, the median by size (then
    path) of the classes that are not `@IsTest` classes without a session source. A scan skips
    those unread (apexlint.lower.is_quiet_test_class): editing one would time a scan with nothing
    to do."""
    sizes = {p: len(text) for p in tree.rglob("*.cls") if p.is_file() and not p.is_symlink()
             and not is_quiet_test_class(text := p.read_text(encoding="utf-8", errors="replace"))}
    classes = sorted(sizes, key=lambda p: (sizes[p], p))
    return classes[len(classes) // 2] if classes else None


def seen_target(tree: Path) -> Path | None:
    """A class the analysis must see changed: the first (by path) that reads a session, not a
    test class. A declaration there is always analysed (its file holds a source)."""
    for p in sorted(tree.rglob("*.cls")):
        if p.is_file() and not p.is_symlink():
            text = p.read_text(encoding="utf-8", errors="replace")
            if "getsessionid" in text.lower() and not re.search(r"@istest", text, re.I):
                return p
    return None


TREE_AT_REST_S = 3.5

# A method or constructor declaration that opens its body, the brace on its line or the next:
# `public static void run() {`, or `public PageReference init()` then `{` (apex-mdapi's style).
_METHOD_OPENS = re.compile(r"^[ \t]*(?:public|private|protected|global)\b[^=;{}\n]*\)[ \t]*(?:\r?\n[ \t]*)?\{[ \t]*$",
                           re.M)


def _change(target: Path, kind: str, i: int) -> None:
    """A comment line appended to the class, a blank line inserted before it, or a field declared
    after its first brace."""
    text = target.read_text(encoding="utf-8", errors="surrogateescape")
    if kind == "comment":
        text += f"\n// touched by the apexlint benchmark ({i})\n"
    elif kind == "moved":
        text = "\n" + text
    elif kind == "statement":
        first = _METHOD_OPENS.search(text)
        if first is None:
            raise ValueError(f"{target.name}: no method body to add a statement to")
        text = text[:first.end()] + f"\n        System.debug('apexlint benchmark {i}');" + text[first.end():]
    else:
        brace = text.find("{")
        text = text[:brace + 1] + f"\n    private static Integer apexlintBenchmark{i} = {i};" + text[brace + 1:]
    target.write_text(text, encoding="utf-8", errors="surrogateescape")


def scaling_series(sizes: list[int], jobs: int, repeat: int, budget: Budget, work: Path, seed: int) -> list[Row]:
    """Cold scans of generated packages of growing size: does doubling the size at most double the time?"""
    rows: list[Row] = []
    for n in sizes:
        out = work / f"scale-{n}"
        summary = generate(out, n, seed).summary()
        row = measure_package(f"generated-{n}", out, jobs, repeat, budget, work, single_core=False, rescan=False)
        rows.append({"classes": n, "apex_lines": summary["apex_lines"], "files": row.get("files"),
                     "floor_s": row.get("floor_s"), "scan_s": row.get("scan_s"), "lower_s": row.get("lower_s"),
                     "analyse_s": row.get("analyse_s"), "peak_rss_main_mb": row.get("peak_rss_main_mb"),
                     "status": row.get("status")})
        shutil.rmtree(out, ignore_errors=True)
        if row.get("status") != "ok":
            break
    for prev, cur in itertools.pairwise(rows):
        if isinstance(prev.get("scan_s"), float) and isinstance(cur.get("scan_s"), float):
            cur["size_ratio"] = float(cur["apex_lines"]) / float(prev["apex_lines"])  # type: ignore[arg-type]
            cur["time_ratio"] = float(cur["scan_s"]) / float(prev["scan_s"])  # type: ignore[arg-type]
    return rows


def export_commit(ref: str, work: Path) -> tuple[Path, str]:
    """`apexlint/`, `rules/` and `reports/` as of `ref`, so edits in progress do not move the numbers."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.strip()
    src = work / f"apexlint-{sha}"
    src.mkdir()
    archive = subprocess.run(["git", "archive", sha, "apexlint", "rules", "reports"], cwd=REPO,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(src, filter="data")
    return src, sha


def byte_compile(src: Path) -> None:
    """Write `apexlint/`'s bytecode first, as `pip install` does: start-up is then imports, not compiling.

    Without it, a machine that sets PYTHONDONTWRITEBYTECODE (this one does) recompiles every module
    in every scan process: 55 ms of a 150 ms start-up, which no installed copy pays.
    """
    if not compileall.compile_dir(src / "apexlint", quiet=1):
        raise SystemExit(f"could not byte-compile {src / 'apexlint'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="packages to scan in place (e.g. a real repository)")
    parser.add_argument("--generate", type=int, metavar="N", help="also generate and measure an N-class package")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="scan workers (default: cores)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per package; medians are reported")
    parser.add_argument("--sizes", default="250,500,1000,2000", help="scaling series sizes in classes ('' to skip)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a run is killed")
    parser.add_argument("--max-memory-mb", type=float, default=8000.0, help="process-tree PSS before a run is killed")
    parser.add_argument("--no-single-core", action="store_true", help="skip the --jobs 1 scan")
    parser.add_argument("--no-rescan", action="store_true", help="skip the one-file re-scan")
    parser.add_argument("--commit", metavar="REF",
                        help="measure apexlint as committed at REF (default: the working tree, edits included)")
    parser.add_argument("--results-dir", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    info = machine()
    packages: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="apexlint-bench-") as tmp:
        work = Path(tmp)
        src = None
        if args.commit:
            src, info["apexlint_commit"] = export_commit(args.commit, work)
            info["apexlint_dirty"] = False
        byte_compile(src or REPO)
        budget = Budget(args.timeout, args.max_memory_mb, src)
        targets = [(p.resolve().name, p.resolve()) for p in args.paths]
        if args.generate:
            out = work / f"generated-{args.generate}"
            generate(out, args.generate, args.seed)
            targets.insert(0, (f"generated-{args.generate}", out))
        for name, path in targets:
            packages.append(measure_package(name, path, args.jobs, args.repeat, budget, work,
                                            not args.no_single_core, not args.no_rescan))
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        scaling = scaling_series(sizes, args.jobs, args.repeat, budget, work, args.seed) if sizes else []
    info["loadavg_at_end"] = list(os.getloadavg())
    text = markdown(info, packages, scaling, args.jobs, args.repeat)
    print(text)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    target = results_path(info, args.results_dir)
    target.write_text(json.dumps({"machine": info, "jobs": args.jobs, "repeat": args.repeat, "packages": packages,
                                  "scaling": scaling, "markdown": text}, indent=2, default=str) + "\n",
                      encoding="utf-8")
    print(f"results: {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
