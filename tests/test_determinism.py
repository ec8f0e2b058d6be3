"""Same input, byte-identical SARIF and JSON: whatever the job count, whether the cache is cold,
warm, off or corrupted.

CI diffs reports and GitHub matches alerts across runs, so the order of worker results, a
cache hit or a damaged cache entry must never show in the output. The scanned tree is a copy
of `fixtures/` plus a copy of its packages and filler classes, enough for the engine to use a
real worker pool, and the packages share class names, so ties between equal names must break the
same way.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from apexlint.discover import discover
from apexlint.discover.classify import FileKind
from apexlint.pipeline import PARALLEL_BYTES
from tests.fuzz.inputs import FIXTURES, REPO

FORMATS = ("sarif", "json")
CACHE_DIR = ".apexlint_cache"


_SEEDS = itertools.count(1)


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # each run its own string hash seed: no report may depend on the order of a set or dict of strings
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "PYTHONHASHSEED": str(next(_SEEDS))}
    return subprocess.run([sys.executable, "-m", "apexlint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`fixtures/`, a copy of its packages and filler classes: more to lower than the engine
    lowers in-process."""
    root = tmp_path_factory.mktemp("determinism")
    shutil.copytree(FIXTURES, root / "fixtures", symlinks=True)
    for package in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        shutil.copytree(package, root / "fixtures" / f"copy1-{package.name}", symlinks=True)
    classes = root / "fixtures" / "filler" / "force-app" / "main" / "default" / "classes"
    classes.mkdir(parents=True)
    (root / "fixtures" / "filler" / "sfdx-project.json").write_text(
        '{"packageDirectories": [{"path": "force-app", "default": true}]}\n')
    n = 0
    while _lowered_bytes(root) <= PARALLEL_BYTES * 5 // 4:
        n += 1
        methods = "".join(f"    public Integer m{i}(Integer x) {{ return x + {i}; }}\n" for i in range(4000))
        (classes / f"Filler{n}.cls").write_text(f"public with sharing class Filler{n} {{\n{methods}}}\n")
    return root


def _lowered_bytes(root: Path) -> int:
    return sum(f.size for f in discover([root / "fixtures"], root=root).files if f.kind is not FileKind.TEXT)


def _scan(workdir: Path, label: str, fmt: str, *options: str) -> bytes:
    out = workdir / f"{label}.{fmt}"
    proc = _cli(workdir, "scan", "fixtures", "--format", fmt, "-o", out.name, "-q", *options)
    assert proc.returncode in (0, 1), proc.stderr
    assert not proc.stderr.strip(), proc.stderr
    return out.read_bytes()


def _corrupt_cache(cache: Path) -> int:
    """Flip a byte in the middle of every cache bundle: each must be discarded, not trusted."""
    bundles = sorted(p for p in cache.rglob("*.pickle") if p.is_file())
    for bundle in bundles:
        data = bundle.read_bytes()
        middle = len(data) // 2
        bundle.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    return len(bundles)


@pytest.fixture(scope="module")
def reports(workdir: Path) -> dict[str, dict[str, bytes]]:
    """label -> format -> report bytes, for every way of running the same scan."""
    cache = workdir / CACHE_DIR
    runs: dict[str, dict[str, bytes]] = {}
    runs["jobs1-nocache"] = {f: _scan(workdir, "jobs1-nocache", f, "--jobs", "1", "--no-cache") for f in FORMATS}
    runs["jobs2-nocache"] = {f: _scan(workdir, "jobs2-nocache", f, "--jobs", "2", "--no-cache") for f in FORMATS}
    assert not cache.exists(), "--no-cache must not write a cache"
    runs["jobs2-cold-cache"] = {f: _scan(workdir, "jobs2-cold-cache", f, "--jobs", "2") for f in FORMATS}
    assert any(cache.rglob("*.pickle")), "the cached runs must have written a cache"
    runs["jobs1-warm-cache"] = {f: _scan(workdir, "jobs1-warm-cache", f, "--jobs", "1") for f in FORMATS}
    assert _corrupt_cache(cache) >= 1
    runs["jobs2-corrupt-cache"] = {f: _scan(workdir, "jobs2-corrupt-cache", f, "--jobs", "2") for f in FORMATS}
    return runs


@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_are_byte_identical_across_jobs_and_cache_states(
        fmt: str, reports: dict[str, dict[str, bytes]]) -> None:
    reference_label = "jobs1-nocache"
    reference = reports[reference_label][fmt]
    assert reference.strip(), "an empty report proves nothing"
    differing = [label for label, outputs in reports.items() if outputs[fmt] != reference]
    assert not differing, f"{fmt} differs from {reference_label} in: {differing}"


def test_the_scanned_tree_is_large_enough_to_use_worker_processes(workdir: Path) -> None:
    assert _lowered_bytes(workdir) > PARALLEL_BYTES


def test_reports_carry_no_absolute_path_or_timestamp(reports: dict[str, dict[str, bytes]], workdir: Path) -> None:
    for fmt, data in reports["jobs2-cold-cache"].items():
        text = data.decode("utf-8")
        assert str(workdir) not in text, f"{fmt} names the absolute scan directory"
        assert "startTimeUtc" not in text and "endTimeUtc" not in text, f"{fmt} carries a timestamp"
