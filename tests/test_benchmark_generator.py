"""The benchmark's package generator makes valid, deterministic packages whose planted sources a scan finds.

Small size only: this guards the generator, it times nothing (`benchmarks/run.py` does that).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from benchmarks.generate import MANIFEST, Generated, generate

CLASSES = 45  # enough for two full domains: every plant kind lands somewhere
# Plant kinds whose expected rule the scan does not report yet. Strict on purpose: when a gap is
# fixed this test fails until the kind is removed here, so the list never goes stale.
KNOWN_GAPS: set[str] = set()  # planted kinds apexlint does not report yet


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Generated, ScanResult]:
    root = tmp_path_factory.mktemp("bench") / "pkg"
    gen = generate(root, CLASSES, seed=7)
    return gen, scan(ScanOptions(paths=(root,), root=root, jobs=1))


def test_generated_package_scans_without_parse_or_internal_errors(package: tuple[Generated, ScanResult]) -> None:
    _, result = package
    problems = [f"{n.code} {n.path}: {n.message}" for n in result.notifications
                if n.code in ("internal-error", "parse-error") or n.level.value == "error"]
    assert problems == []


def test_generated_package_has_every_file_kind(package: tuple[Generated, ScanResult]) -> None:
    gen, result = package
    suffixes = {rel.rsplit(".", 1)[-1] for rel in gen.files}
    assert {"cls", "trigger", "page", "component", "js", "resource", "xml", "json"} <= suffixes
    assert (gen.root / MANIFEST).is_file()
    assert result.package.namespace == "bnch"


def test_class_sizes_are_realistic(package: tuple[Generated, ScanResult]) -> None:
    gen, _ = package
    sizes = [c.count("\n") for rel, c in gen.files.items() if rel.endswith(".cls") and isinstance(c, str)
             and "/I" not in rel and "Service.cls" in rel]
    assert sizes and all(100 <= n <= 700 for n in sizes)
    summary = gen.summary()
    assert 150 <= summary["apex_lines"] / summary["apex_files"] <= 350


def test_every_planted_source_is_found(package: tuple[Generated, ScanResult]) -> None:
    gen, result = package
    found = {(v.path, v.span.start_line) for v in result.verdicts}
    missing = [p for p in gen.planted if (p.path, p.line) not in found]
    assert gen.planted and missing == []


def test_background_code_holds_no_session_source(package: tuple[Generated, ScanResult]) -> None:
    """Only planted sources: otherwise the benchmark's findings would not be known in advance."""
    gen, result = package
    planted = {(p.path, p.line) for p in gen.planted}
    assert [(v.path, v.span.start_line) for v in result.verdicts if (v.path, v.span.start_line) not in planted] == []


def test_planted_sources_end_in_their_expected_rules(package: tuple[Generated, ScanResult]) -> None:
    gen, result = package
    rules = {(v.path, v.span.start_line): set(v.rule_ids) for v in result.verdicts}
    wrong = {p.kind for p in gen.planted if not set(p.expect) <= rules.get((p.path, p.line), set())}
    assert wrong == KNOWN_GAPS


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 20, seed=3)
    second = generate(tmp_path / "b", 20, seed=3)
    other = generate(tmp_path / "c", 20, seed=4)
    assert first.files == second.files
    assert first.files != other.files


def test_rescan_changes_a_typical_class_the_scan_lowers(tmp_path: Path) -> None:
    """The re-scan benchmark edits a class a default scan reads: not a test class it skips
    unread (an edit there would time a scan with nothing to do), and of the others the median by
    size, not the package's largest or smallest."""
    from benchmarks.run import rescan_target

    classes = tmp_path / "classes"
    classes.mkdir()
    (classes / "A_TEST.cls").write_text("@IsTest\nprivate class A_TEST {\n" + "    // padding\n" * 50 + "}\n")
    (classes / "Big.cls").write_text("public class Big {\n" + "    Integer i;\n" * 400 + "}\n")
    (classes / "Mid.cls").write_text("public class Mid {\n" + "    Integer i;\n" * 40 + "}\n")
    (classes / "Small.cls").write_text("public class Small {}\n")
    (classes / "Z_TEST.cls").write_text("@IsTest\nprivate class Z_TEST {\n" + "    // padding\n" * 60 + "}\n")
    assert rescan_target(tmp_path) == classes / "Mid.cls"
    assert rescan_target(tmp_path / "none") is None


def test_the_measuring_harness_reads_its_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/measure.py parses its few arguments by hand (argparse and json would be start-up
    the command line does not have): a floor measurement prints its JSON, anything else the usage."""
    import json

    from benchmarks import measure

    package = Path(__file__).resolve().parents[1] / "fixtures" / "vulnerable-sfdx"
    assert measure.main(["floor", str(package)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] > 0 and out["floor_s"] >= 0
    path = str(package)
    for wrong in (["bogus", path], ["scan"], ["scan", path, "--jobs"], ["scan", path, "--jobs", "x"],
                  ["floor", path, "--cache"]):
        assert measure.main(wrong) == 2, wrong
        assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("style", ["brace on the line", "brace on the next line"])
def test_a_statement_is_added_as_the_first_of_the_first_method(tmp_path: Path, style: str) -> None:
    from benchmarks.run import _change

    opening = " {" if style == "brace on the line" else "\n    {"
    cls = tmp_path / "A.cls"
    cls.write_text("public with sharing class A\n{\n    public Integer n { get; set; }\n"
                   f"    public PageReference init(){opening}\n        return null;\n    }}\n}}\n")
    _change(cls, "statement", 0)
    text = cls.read_text()
    assert f"init(){opening}\n        System.debug('apexlint benchmark 0');\n        return null;" in text


def test_runs_started_in_the_same_minute_keep_their_own_results(tmp_path: Path) -> None:
    from benchmarks.report import results_path

    info = {"cpu_model": "AMD EPYC 7B13", "nproc": 2, "date_utc": "2026-11-30T14:56:12Z"}
    first = results_path(info, tmp_path)
    assert first.name == "amd-epyc-7b13-2cpu-2026-11-30T1456.json"
    first.write_text("{}")
    second = results_path(info, tmp_path)
    assert second.name == "amd-epyc-7b13-2cpu-2026-11-30T1456-2.json"
