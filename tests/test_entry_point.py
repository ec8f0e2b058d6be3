"""The process entry point (`apexlint`, `python -m apexlint`): `cli.run()` ends the process without
freeing the heap, and must lose nothing a normal exit would have kept: exit codes, every byte of a
report written to a pipe, exit functions, a thread still running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def _python(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def test_the_console_script_and_python_m_both_enter_through_run() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["apexlint"] == "apexlint.cli:run"
    assert "run()" in (REPO / "apexlint" / "__main__.py").read_text(encoding="utf-8")


def test_exit_codes_survive_the_quick_exit(tmp_path: Path) -> None:
    findings = _python(["-m", "apexlint", "scan", str(FIXTURES / "vulnerable-sfdx"), "--no-cache"], tmp_path)
    clean = _python(["-m", "apexlint", "scan", str(FIXTURES / "clean-sfdx"), "--no-cache"], tmp_path)
    usage = _python(["-m", "apexlint", "scan", "--no-such-option"], tmp_path)
    assert (findings.returncode, clean.returncode, usage.returncode) == (1, 0, 2)
    assert "SID" in findings.stdout and usage.stderr.startswith("apexlint: error:")


def test_a_report_larger_than_a_pipe_buffer_arrives_whole(tmp_path: Path) -> None:
    done = _python(["-m", "apexlint", "scan", str(FIXTURES), "--format", "sarif", "--no-cache", "--fail-on", "never"],
                   tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 65536  # more than one pipe buffer: the tail is only written by the flush
    assert json.loads(done.stdout)["runs"][0]["results"]


_LATE_THREAD = (
    "import threading, time\n"
    "def late():\n"
    "    time.sleep(0.5)\n"
    "    Path('thread-finished').write_text('yes')\n"
    "threading.Thread(target=late).start()\n")


@pytest.mark.parametrize(("package", "thread", "code"), [
    ("vulnerable-sfdx", False, 1),  # the quick exit
    ("clean-sfdx", True, 0),  # a thread still running: the normal exit, which waits for it
])
def test_exit_functions_run_and_a_running_thread_is_waited_for(
        tmp_path: Path, package: str, thread: bool, code: int) -> None:
    script = tmp_path / "entry.py"
    script.write_text(
        "import atexit, sys\n"
        "from pathlib import Path\n"
        "from apexlint.cli import run\n"
        "atexit.register(lambda: Path('atexit-ran').write_text('yes'))\n"
        + (_LATE_THREAD if thread else "")
        + f"sys.argv = ['apexlint', 'scan', {str(FIXTURES / package)!r}, '--no-cache']\n"
        "run()\n", encoding="utf-8")
    done = _python([str(script)], tmp_path)
    assert done.returncode == code, done.stderr
    assert (tmp_path / "atexit-ran").read_text() == "yes"
    assert (tmp_path / "thread-finished").exists() == thread
    assert "SID" in done.stdout, "the report was written before the exit"


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    scan = subprocess.Popen([sys.executable, "-m", "apexlint", "scan", str(FIXTURES), "--format", "sarif",
                             "--no-cache", "--fail-on", "never"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert scan.stdout is not None and scan.stderr is not None
    scan.stdout.read(10)
    scan.stdout.close()  # as `| head -c 10` does
    err = scan.stderr.read().decode()
    scan.wait(timeout=120)  # exit code 0, as at a normal exit: CPython reports a write cut short as done
    assert "Traceback" not in err and "Exception ignored" not in err
