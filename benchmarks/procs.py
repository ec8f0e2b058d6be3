"""Run one measurement in a subprocess: wall time from outside, peak memory of its process tree.

A scan's memory is its main process (the whole-package model) plus its worker pool. The main
process and the largest worker report their own `ru_maxrss`; from outside, a sampler thread sums the
resident set size of the whole tree every 0.1 s (cheap: it guards the memory budget) and the
proportional set size (PSS: pages shared by the forked workers counted once) every second, because
reading PSS walks page tables and would itself steal a noticeable share of a small machine's CPU.
A run that exceeds the time or memory budget is killed with its process group, and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_EVERY_S = 0.1
PSS_EVERY = 10  # samples


@dataclass
class RunOutcome:
    """One subprocess run: its JSON report (when it finished) and what was seen from outside."""

    wall_s: float
    peak_tree_mb: float  # PSS
    peak_tree_rss_mb: float
    status: str = "ok"  # "ok" | "timeout" | "memory-limit" | "failed"
    data: dict[str, object] = field(default_factory=dict)
    stderr: str = ""


def run_measure(args: list[str], cwd: Path, timeout_s: float, max_tree_mb: float,
                src: Path | None = None) -> RunOutcome:
    """`python3 -m benchmarks.measure ARGS` in its own session, timed and sampled.

    `src`: a directory holding the `apexlint` package to measure instead of the working tree's.
    """
    env = dict(os.environ)
    paths = [str(src)] if src is not None else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.measure", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    sampler = _TreeSampler(proc.pid, max_tree_mb)
    sampler.start()
    status = "ok"
    try:
        out, err = _communicate(proc, sampler, timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        status = "timeout"
    wall = time.perf_counter() - start
    sampler.stop()
    if sampler.over_limit:
        status = "memory-limit"
    outcome = RunOutcome(wall, sampler.peak_pss_mb, sampler.peak_rss_mb, status, stderr=err[-4000:])
    if status == "ok":
        try:
            outcome.data = json.loads(out.strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            outcome.status = "failed"
    return outcome


def _communicate(proc: subprocess.Popen[str], sampler: _TreeSampler, timeout_s: float) -> tuple[str, str]:
    """Wait for the process, but kill it as soon as the sampler sees it over the memory budget."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return proc.communicate(timeout=0.5)
        except subprocess.TimeoutExpired:
            if sampler.over_limit:
                _kill_group(proc)
                return proc.communicate()
            if time.monotonic() > deadline:
                raise


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill the measured process and its workers: the group we created, nothing else."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int, max_mb: float) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.max_mb = max_mb
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self.over_limit = False
        self._halt = threading.Event()

    def run(self) -> None:
        n = 0
        while not self._halt.is_set():
            tree = _tree(self.pid)
            rss = sum(_memory_kb(p, "status", "VmRSS:") for p in tree) / 1024
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            if n % PSS_EVERY == 0:
                pss = sum(_memory_kb(p, "smaps_rollup", "Pss:") for p in tree) / 1024
                self.peak_pss_mb = max(self.peak_pss_mb, pss)
                self.over_limit = self.over_limit or pss > self.max_mb
            n += 1
            self._halt.wait(SAMPLE_EVERY_S)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from /proc/PID/task/*/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _memory_kb(pid: int, name: str, key: str) -> int:
    """One `key: N kB` line of /proc/PID/NAME; 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
