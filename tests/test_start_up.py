"""What a scan's process imports: modules that cost start-up time are imported only by runs
that use them (a small package's scan is mostly start-up)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.fuzz.inputs import GOOD_CLASS, REPO

# Runs one scan in-process, as `apexlint` would, and prints the names of the modules loaded.
_SCAN_AND_LIST_MODULES = (
    "import json, sys\n"
    "from apexlint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def _modules_after_scan(cwd: Path, *args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", _SCAN_AND_LIST_MODULES, "scan", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stderr == ""
    return set(json.loads(done.stdout.splitlines()[-1]))


def _package(root: Path, forceignore: str | None = None) -> Path:
    classes = root / "force-app" / "main" / "default" / "classes"
    classes.mkdir(parents=True)
    (classes / "SessionLogging.cls").write_bytes(GOOD_CLASS.read_bytes())
    (root / "sfdx-project.json").write_text(json.dumps({"packageDirectories": [{"path": "force-app"}]}))
    if forceignore is not None:
        (root / ".forceignore").write_text(forceignore)
    return root


def test_a_package_without_ignore_rules_never_imports_pathspec(tmp_path: Path) -> None:
    package = _package(tmp_path / "plain")

    modules = _modules_after_scan(package, ".", "--no-cache", "--format", "json", "-o", "out.json", "--quiet")

    assert "pathspec" not in modules


def test_a_forceignore_or_an_exclude_still_loads_the_ignore_rules(tmp_path: Path) -> None:
    ignored = _package(tmp_path / "ignored", forceignore="**/Skip*.cls\n")
    excluded = _package(tmp_path / "excluded")

    with_file = _modules_after_scan(ignored, ".", "--no-cache", "--format", "json", "-o", "out.json", "--quiet")
    with_option = _modules_after_scan(excluded, ".", "--no-cache", "--exclude", "**/Skip*.cls", "--format", "json",
                                      "-o", "out.json", "--quiet")

    assert "pathspec" in with_file
    assert "pathspec" in with_option


def test_a_sarif_report_is_written_without_the_sarif_object_model(tmp_path: Path) -> None:
    """sarif-om (68 attrs classes) cost 50-70 ms of every scan that wrote SARIF: the writer makes
    JSON values itself, held to the model by tests/test_report_sarif_model.py."""
    package = _package(tmp_path / "cold")

    modules = _modules_after_scan(package, ".", "--no-cache", "--format", "sarif", "-o", "../out.sarif", "--quiet")

    assert "apexlint.report.sarif" in modules  # the log was made here, not taken from a cache
    assert not {m for m in modules if m.split(".")[0] in ("sarif_om", "attr", "attrs")}
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]


def test_a_re_scan_whose_result_and_report_are_remembered_loads_no_lowering_nor_sarif_writer(tmp_path: Path) -> None:
    package = _package(tmp_path / "warm")
    long_ago = time.time() - 3600  # modification times old enough for the cache to trust
    for path in package.rglob("*"):
        os.utime(path, (long_ago, long_ago))
    scan = (".", "--format", "sarif", "-o", "../out.sarif", "--quiet")  # not a file of the package
    for _ in range(2):  # the first keeps the result, the second the report made from it
        _modules_after_scan(package, *scan)
    first = (tmp_path / "out.sarif").read_bytes()

    modules = _modules_after_scan(package, *scan)

    assert (tmp_path / "out.sarif").read_bytes() == first
    assert not {m for m in modules if m == "apexlint.lower" or m.startswith("apexlint.lower.")}
    assert "apexlint.report.sarif" not in modules and "apexlint.pipeline" not in modules
