"""The GitHub Action (`action.yml`) and the pre-commit hook (`.pre-commit-hooks.yaml`).

Neither can run here for real (no GitHub runner, no network), so the tests check what would break
them: structure the runners require, inputs that exist, script-injection safety, and the action's
shell scripts run with a stand-in `apexlint` that records the arguments it receives.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML: a test dependency ("pyyaml" in the `test` extra)

ROOT = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
INPUT_REF = re.compile(r"\binputs\.([A-Za-z0-9_-]+)")
ENV_REF = re.compile(r"\$\{?(APEXLINT_[A-Z_]+)")


def load(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data = load("action.yml")
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def steps(action: dict[str, Any]) -> list[dict[str, Any]]:
    return list(action["runs"]["steps"])


def step_named(steps: list[dict[str, Any]], step_id: str) -> dict[str, Any]:
    matches = [s for s in steps if s.get("id") == step_id]
    assert len(matches) == 1, f"expected one step with id {step_id!r}"
    return matches[0]


def all_strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in all_strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in all_strings(item)]
    return [node] if isinstance(node, str) else []


# --- action.yml: structure -----------------------------------------------------------------------


def test_action_is_a_composite_action_with_metadata(action: dict[str, Any]) -> None:
    assert action["name"] and action["description"]
    assert action["runs"]["using"] == "composite"
    assert action["runs"]["steps"]


def test_action_declares_the_documented_inputs_with_defaults(action: dict[str, Any]) -> None:
    inputs = action["inputs"]
    expected = {"path": ".", "fail-on": "error", "category": "", "version": "apexlint",
                "sarif-file": "apexlint.sarif", "upload": "true"}
    for name, default in expected.items():
        assert inputs[name]["default"] == default, name
    for name, spec in inputs.items():
        assert spec.get("description"), f"input {name} has no description"
        assert isinstance(spec.get("default", ""), str), f"input {name}: defaults are strings"


def test_every_input_reference_names_a_declared_input(action: dict[str, Any]) -> None:
    declared = set(action["inputs"])
    referenced = {name for text in all_strings(action) for expr in EXPRESSION.findall(text)
                  for name in INPUT_REF.findall(expr)}
    assert referenced, "the action uses no input at all"
    assert referenced <= declared, f"undeclared inputs: {sorted(referenced - declared)}"


def test_no_expression_is_spliced_into_a_shell_script(steps: list[dict[str, Any]]) -> None:
    """`${{ inputs.x }}` in `run:` is substituted before bash parses it: script injection."""
    for step in steps:
        if "run" in step:
            assert "${{" not in step["run"], f"step {step.get('name')!r} splices an expression"


def test_every_shell_step_names_its_shell(steps: list[dict[str, Any]]) -> None:
    """Composite actions require `shell` on each `run` step."""
    for step in steps:
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")


def test_every_variable_a_script_reads_is_set_by_its_step(steps: list[dict[str, Any]]) -> None:
    for step in steps:
        if "run" in step:
            used = set(ENV_REF.findall(step["run"]))
            assert used <= set(step.get("env", {})), f"{step.get('name')}: unset {used - set(step['env'])}"


def test_steps_run_in_order_setup_install_scan_upload_gate(steps: list[dict[str, Any]]) -> None:
    order = [step.get("id") for step in steps]
    assert order == ["setup-python", "install", "scan", "upload", "gate"]
    assert step_named(steps, "setup-python")["uses"] == "actions/setup-python@v5"
    assert str(step_named(steps, "setup-python")["with"]["python-version"]) == "3.11"


def test_upload_step_uses_upload_sarif_even_after_findings(steps: list[dict[str, Any]]) -> None:
    upload = step_named(steps, "upload")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    condition = upload["if"]
    assert "always()" in condition
    assert "inputs.upload == 'true'" in condition
    assert "steps.scan.outcome == 'success'" in condition  # no upload of a SARIF the scan did not write


def test_report_step_never_fails_and_gate_step_uses_fail_on(steps: list[dict[str, Any]]) -> None:
    scan = step_named(steps, "scan")
    assert "--fail-on never" in scan["run"] and "--format sarif" in scan["run"]
    gate = step_named(steps, "gate")
    assert '--fail-on "$APEXLINT_FAIL_ON"' in gate["run"]
    assert gate["env"]["APEXLINT_FAIL_ON"] == "${{ inputs.fail-on }}"


# --- action.yml: its scripts, run with a stand-in apexlint ---------------------------------------

HOSTILE = {
    "path": "force-app/$(touch pwned) `id`; echo x",
    "fail-on": "warning",
    "category": "apexlint/my package",
    "baseline": "",
    "config": "ci/apexlint.toml",
    "version": "apexlint==0.1.0",
    "sarif-file": "out dir/apexlint.sarif",
    "upload": "true",
}


def stand_in(bin_dir: Path, name: str) -> None:
    """An executable that appends its arguments, as JSON, to $ARGV_LOG."""
    script = bin_dir / name
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "with open(os.environ['ARGV_LOG'], 'a') as log:\n"
        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def run_step(step: dict[str, Any], inputs: dict[str, str], tmp_path: Path) -> list[list[str]]:
    """Run one `run:` step as the runner would (env from inputs), returning each recorded argv."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("apexlint", "python"):
        stand_in(bin_dir, name)
    log = tmp_path / "argv.jsonl"
    log.unlink(missing_ok=True)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "ARGV_LOG": str(log)}
    for key, value in step.get("env", {}).items():
        match = re.fullmatch(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", value)
        assert match, f"env {key} should be exactly one input"
        env[key] = inputs[match.group(1)]
    subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], env=env, cwd=tmp_path,
                   check=True, timeout=30)
    return [json.loads(line) for line in log.read_text().splitlines()]


needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


@needs_bash
def test_install_step_passes_the_version_as_one_argument(steps: list[dict[str, Any]], tmp_path: Path) -> None:
    calls = run_step(step_named(steps, "install"), HOSTILE, tmp_path)
    assert len(calls) == 1 and calls[0][:3] == ["-m", "pip", "install"]
    assert calls[0][-1] == "apexlint==0.1.0"


@needs_bash
def test_scan_step_passes_hostile_inputs_as_literal_arguments(
    steps: list[dict[str, Any]], tmp_path: Path
) -> None:
    calls = run_step(step_named(steps, "scan"), HOSTILE, tmp_path)
    assert calls == [["scan", "--format", "sarif", "--output", "out dir/apexlint.sarif", "--fail-on", "never",
                      "--category", "apexlint/my package", "--config", "ci/apexlint.toml",
                      "--", HOSTILE["path"]]]
    assert not (tmp_path / "pwned").exists()


@needs_bash
def test_gate_step_runs_the_scan_with_fail_on(steps: list[dict[str, Any]], tmp_path: Path) -> None:
    inputs = {**HOSTILE, "path": ".", "config": "", "baseline": "base.sarif"}
    calls = run_step(step_named(steps, "gate"), inputs, tmp_path)
    assert calls == [["scan", "--format", "text", "--fail-on", "warning", "--baseline", "base.sarif",
                      "--", "."]]


# --- .pre-commit-hooks.yaml ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hook() -> dict[str, Any]:
    hooks = load(".pre-commit-hooks.yaml")
    assert isinstance(hooks, list) and len(hooks) == 1
    assert isinstance(hooks[0], dict)
    return hooks[0]


def test_hook_has_the_keys_pre_commit_requires(hook: dict[str, Any]) -> None:
    for key in ("id", "name", "entry", "language"):
        assert isinstance(hook.get(key), str) and hook[key], key
    assert hook["id"] == "apexlint"
    assert hook["entry"] == "apexlint scan"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True  # one call sees every staged file (cross-file flows)


@pytest.mark.parametrize(
    "filename",
    [
        "force-app/main/default/classes/Exporter.cls",
        "force-app/main/default/classes/Exporter.cls-meta.xml",
        "force-app/main/default/triggers/OrderEvents.trigger",
        "src/pages/Session.page",
        "src/components/Header.component",
        "src/email/unfiled$public/Welcome.email",
        "force-app/main/default/staticresources/lib.resource",
        "force-app/main/default/staticresources/lib/app.js",
        "src/workflows/Account.workflow-meta.xml",
    ],
)
def test_hook_selects_package_files(hook: dict[str, Any], filename: str) -> None:
    assert re.search(hook["files"], filename)  # pre-commit matches with re.search


@pytest.mark.parametrize(
    "filename",
    ["README.md", "pyproject.toml", "classes/Exporter.cls.bak", "src/app.jsx", "notes.xml.orig",
     "sfdx-project.json", "scripts/deploy.py", "classes/Foo.clsx"],
)
def test_hook_ignores_other_files(hook: dict[str, Any], filename: str) -> None:
    assert not re.search(hook["files"], filename)
