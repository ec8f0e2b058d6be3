"""Bad command-line input gets one line on stderr and exit code 2, never a traceback.

CI logs show the first lines of a failed step: a traceback there buries the actual mistake,
and an exit code other than 2 would read as "findings" (1) or "clean" (0). Every case runs
the real command in a fresh interpreter, as CI does; they run side by side to keep it quick.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fuzz.inputs import GOOD_CLASS, REPO

EXIT_USAGE = 2
Args = tuple[str, ...]

CASES: dict[str, Args] = {
    "nonexistent-path": ("scan", "does/not/exist"),
    "broken-symlink-path": ("scan", "dangling.cls"),
    "undecodable-path-name": ("scan", "\udcfd\udce9.cls"),  # bytes 0xFD 0xE9: not UTF-8
    "bad-option": ("scan", "pkg", "--bogus"),
    "option-without-value": ("scan", "pkg", "--format"),
    "bad-format": ("scan", "pkg", "--format", "xml"),
    "bad-fail-on": ("scan", "pkg", "--fail-on", "critical"),
    "zero-jobs": ("scan", "pkg", "--jobs", "0"),
    "missing-path-argument": ("scan",),
    "unknown-command": ("lint", "pkg"),
    "unknown-rule": ("explain", "SID999"),
    "explain-without-rule": ("explain",),
    "output-into-missing-directory": ("scan", "pkg", "--output", "nodir/out.sarif"),
    "output-under-a-file": ("scan", "pkg", "--format", "sarif", "-o", "afile/out.sarif"),
    "output-is-a-directory": ("scan", "pkg", "-o", "pkg"),
    "root-is-a-file": ("scan", "pkg", "--root", "afile"),
    "missing-baseline": ("scan", "pkg", "--baseline", "missing.sarif"),
    "baseline-not-json": ("scan", "pkg", "--baseline", "garbage.sarif"),
    "baseline-wrong-shape": ("scan", "pkg", "--baseline", "list.json"),
    "missing-config": ("scan", "pkg", "--config", "missing.toml"),
    "config-not-toml": ("scan", "pkg", "--config", "bad.toml"),
    "baseline-write-into-missing-directory": ("baseline", "write", "nodir/b.sarif", "pkg"),
}
KNOWN_BUGS: dict[str, str] = {}  # name -> reason, for a case that must fail until a bug is fixed


def _cli(cwd: Path, args: Args, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "apexlint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, errors="replace", timeout=timeout, check=False)


def _workdir(cwd: Path) -> Path:
    """A package to scan and the broken inputs the cases point at."""
    (cwd / "pkg").mkdir()
    (cwd / "pkg" / "SessionLogging.cls").write_bytes(GOOD_CLASS.read_bytes())
    (cwd / "afile").write_text("a file, not a folder\n")
    (cwd / "garbage.sarif").write_text("garbage\n")
    (cwd / "list.json").write_text("[1, 2, 3]\n")
    (cwd / "bad.toml").write_text("not = [valid\n")
    (cwd / "dangling.cls").symlink_to("nowhere.cls")
    return cwd


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    cwd = _workdir(tmp_path_factory.mktemp("bad-cli"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(_cli, cwd, args) for name, args in CASES.items()}
        return {name: future.result() for name, future in futures.items()}


def _case(name: str) -> object:
    if name in KNOWN_BUGS:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]))
    return name


@pytest.mark.parametrize("name", [_case(n) for n in sorted(CASES)])
def test_bad_input_gets_one_error_line_and_exit_code_2(
        name: str, results: dict[str, subprocess.CompletedProcess[str]]) -> None:
    proc = results[name]
    lines = proc.stderr.splitlines()
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == EXIT_USAGE, (proc.returncode, proc.stderr)
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {proc.stderr!r}"
    assert lines[0].startswith("apexlint: error: "), lines[0]
    assert proc.stdout == "", proc.stdout


def test_a_nonexistent_path_is_named_in_the_error(results: dict[str, subprocess.CompletedProcess[str]]) -> None:
    assert "does/not/exist" in results["nonexistent-path"].stderr


def test_no_output_file_is_left_behind_by_a_failed_run(
        results: dict[str, subprocess.CompletedProcess[str]], tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.getbasetemp()
    assert not list(root.glob("bad-cli*/nodir")), "a folder was created for --output"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_gets_one_error_line_and_exit_code_2(tmp_path: Path) -> None:
    target = tmp_path / "Secret.cls"
    target.write_bytes(GOOD_CLASS.read_bytes())
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("this user can read a file with mode 000")
        proc = _cli(tmp_path, ("scan", "Secret.cls"))
    finally:
        target.chmod(0o644)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == EXIT_USAGE, (proc.returncode, proc.stderr)
    assert len(proc.stderr.splitlines()) == 1, proc.stderr


def test_a_named_pipe_given_as_path_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "Pipe.cls")
    try:
        proc = _cli(tmp_path, ("scan", "Pipe.cls"), timeout=2.5)
    except subprocess.TimeoutExpired:
        pytest.fail("apexlint scan Pipe.cls was still running after 2.5 s")
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, EXIT_USAGE)
