"""The benchmark's outputs: machine description, Markdown tables, and the results file name."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import time
from pathlib import Path

from benchmarks.procs import REPO

Row = dict[str, object]


def machine() -> dict[str, object]:
    """Where the numbers came from: they mean little without it."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import tree_sitter
        ts_version = getattr(tree_sitter, "__version__", "")
    except ImportError:
        ts_version = ""
    return {
        "hostname": platform.node(),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model or platform.processor(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "tree_sitter": ts_version,
        "apexlint_commit": _git("rev-parse", "--short", "HEAD"),
        "apexlint_dirty": bool(_git("status", "--porcelain", "--", "apexlint")),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "loadavg_at_start": list(os.getloadavg()),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def results_path(info: dict[str, object], directory: Path) -> Path:
    """`benchmarks/results/<cpu>-<n>cpu-<date>T<time>.json`: one file per machine and run (runs
    started in the same minute get `-2`, `-3`...: none overwrites another's results)."""
    cpu = re.sub(r"[^a-z0-9]+", "-", str(info["cpu_model"]).lower()).strip("-") or "cpu"
    stamp = str(info["date_utc"]).replace(":", "")[:15]
    path = directory / f"{cpu}-{info['nproc']}cpu-{stamp}.json"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{cpu}-{info['nproc']}cpu-{stamp}-{n}.json"
    return path


def _s(value: object, digits: int = 2) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) else "–"


def _n(value: object) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) else "–"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def markdown(info: dict[str, object], packages: list[Row], scaling: list[Row], jobs: int, repeat: int) -> str:
    """Everything a reader needs on one screen: throughput, stage split, memory, re-scan, scaling."""
    parts = [f"Machine: {info['cpu_model']}, {info['nproc']} CPUs, {info['memory_gb']} GB, Python {info['python']}, "
             f"apexlint {info['apexlint_commit']}{' (dirty)' if info['apexlint_dirty'] else ''}, "
             f"{info['date_utc']}; load average at start {_s(next(iter(info['loadavg_at_start'])))} "  # type: ignore[call-overload]
             f"(medians of {repeat} cold runs, --jobs {jobs}, --no-cache)", ""]
    parts.append(_table(
        ["package", "files", "Apex lines", "all lines", "full scan s", "files/s", "lines/s", "floor s (1 core)",
         "scan / floor", "peak RSS main MB", "largest worker MB", "tree PSS MB", "re-scan s (comment added)",
         "re-scan / full", "re-scan s (lines moved)", "re-scan / full", "re-scan s (statement added)",
         "re-scan / full", "re-scan s (field added)", "re-scan / full", "re-scan s (field added, session class)",
         "re-scan / full", "re-scan s (unchanged)", "status"],
        [[str(p["name"]), _n(p.get("files")), _n(p.get("apex_lines")), _n(p.get("total_lines")), _s(p.get("scan_s")),
          _n(p.get("files_per_s")), _n(p.get("lines_per_s")), _s(p.get("floor_s")), _s(p.get("scan_over_floor"), 1),
          _n(p.get("peak_rss_main_mb")), _n(p.get("peak_rss_worker_mb")), _n(p.get("peak_tree_pss_mb")),
          _s(p.get("rescan_s")), _s(p.get("rescan_ratio"), 3), _s(p.get("rescan_moved_s")),
          _s(p.get("rescan_moved_ratio"), 3), _s(p.get("rescan_statement_s")), _s(p.get("rescan_statement_ratio"), 3),
          _s(p.get("rescan_code_s")), _s(p.get("rescan_code_ratio"), 3), _s(p.get("rescan_seen_s")),
          _s(p.get("rescan_seen_ratio"), 3), _s(p.get("rescan_unchanged_s")), str(p.get("status"))]
         for p in packages]))
    parts += ["", "Where the time goes (seconds; medians):", ""]
    parts.append(_table(
        ["package", "start-up", "discover", "read+parse+lower", "≈ parse (floor/jobs)", "≈ lowering", "analyse",
         "finish findings", "gate+SARIF", "1-core full scan", "1-core read+parse+lower", "1-core lowering over floor"],
        [[str(p["name"]), _s(p.get("startup_s")), _s(p.get("discover_s")), _s(p.get("lower_s")),
          _s(p.get("parse_est_s")), _s(p.get("lowering_est_s")), _s(p.get("analyse_s")), _s(p.get("report_s")),
          _s(p.get("render_s")), _s(p.get("scan_1core_s")), _s(p.get("lower_1core_s")), _s(p.get("lowering_1core_s"))]
         for p in packages]))
    if scaling:
        parts += ["", "Scaling (generated packages, same seed):", ""]
        parts.append(_table(
            ["classes", "Apex lines", "files", "floor s", "full scan s", "read+parse+lower s", "analyse s",
             "peak RSS main MB", "size × prev", "time × prev", "status"],
            [[_n(r["classes"]), _n(r.get("apex_lines")), _n(r.get("files")), _s(r.get("floor_s")), _s(r.get("scan_s")),
              _s(r.get("lower_s")), _s(r.get("analyse_s")), _n(r.get("peak_rss_main_mb")), _s(r.get("size_ratio")),
              _s(r.get("time_ratio")), str(r.get("status"))] for r in scaling]))
    notes = [f"- {p['name']}: notifications {p.get('notifications')}; findings {p.get('findings_by_rule')}"
             for p in packages]
    parts += ["", *notes, ""]
    return "\n".join(parts)
