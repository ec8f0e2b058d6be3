"""The CI gate: suppressions, baselines, rule selection, level overrides and the exit code."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from apexlint.catalogue import load_catalogue
from apexlint.config import Config
from apexlint.findings import Finding, Level, Location, PackageInfo, ScanResult, SuppressionInfo
from apexlint.gate import (
    BaselineError,
    apply_baseline,
    apply_levels,
    apply_suppressions,
    exit_code,
    filter_rules,
    gate_counts,
    load_baseline,
    load_baseline_counts,
    prepare_findings,
    rules_with_levels,
    suppressions_by_path,
    write_baseline,
)
from apexlint.ir import FileIR, FileKind, NoticeLevel, Span, Suppression
from apexlint.report import REPORTERS, ReportOptions

CLS = "force-app/main/default/classes/Exporter.cls"


def finding(rule_id: str = "SID002", line: int = 10, level: Level = Level.ERROR, path: str = CLS,
            fingerprint: str = "") -> Finding:
    return Finding(rule_id, level, f"{rule_id} at line {line}", Location(path, Span(line, 9, line, 40)),
                   fingerprint=fingerprint or f"fp-{rule_id}-{line}")


def directive(*rule_ids: str, reason: str = "", target: int = 10) -> Suppression:
    line = target - 1
    return Suppression(rule_ids, reason, line, target, Span(line, 5, line, 60))


def result_of(*findings: Finding) -> ScanResult:
    return ScanResult(PackageInfo("demo", "acme", "sfdx"), tuple(findings), (), rules_run=("SID002",))


# --- suppressions -------------------------------------------------------------------------------


def test_justified_suppression_on_the_line_above_suppresses_the_finding() -> None:
    found, notes = apply_suppressions([finding()], {CLS: [directive("SID002", reason="same-org REST call")]})
    assert found[0].suppression == SuppressionInfo("same-org REST call", "inSource")
    assert notes == []
    assert exit_code(found, "note") == 0  # excluded from the gate


def test_suppression_without_reason_does_not_suppress_and_is_reported() -> None:
    found, notes = apply_suppressions([finding()], {CLS: [directive("SID002")]})
    assert found[0].suppression is None
    assert exit_code(found, "error") == 1
    assert [(n.code, n.level, n.path, n.span) for n in notes] == [
        ("suppression-without-reason", NoticeLevel.WARNING, CLS, Span(9, 5, 9, 60))]
    assert f"{CLS}:9:" in notes[0].message


def test_suppression_for_another_rule_does_not_apply() -> None:
    found, notes = apply_suppressions([finding("SID003")], {CLS: [directive("SID002", reason="ok")]})
    assert found[0].suppression is None
    assert [n.code for n in notes] == ["unused-suppression"]
    assert notes[0].level is NoticeLevel.NOTE


def test_suppression_applies_only_to_its_target_line_and_file() -> None:
    other = "force-app/main/default/classes/Other.cls"
    found, _ = apply_suppressions(
        [finding(line=11), finding(path=other)], {CLS: [directive("SID002", reason="ok")]})
    assert [f.suppression for f in found] == [None, None]


def test_suppression_names_rules_case_insensitively_and_by_name() -> None:
    sups = {CLS: [directive("sid002", "SESSION-ID-LOGGED", reason="documented")]}
    found, notes = apply_suppressions([finding("SID002"), finding("SID003")], sups)
    assert all(f.suppression is not None for f in found)
    assert notes == []


def test_suppression_naming_an_unknown_rule_is_reported() -> None:
    found, notes = apply_suppressions([finding()], {CLS: [directive("SID002", "SID999", reason="ok")]})
    assert found[0].suppression is not None  # the known id still applies
    assert [n.code for n in notes] == ["suppression-unknown-rule"]
    assert "'SID999'" in notes[0].message


def test_suppression_naming_no_rule_is_reported_and_suppresses_nothing() -> None:
    found, notes = apply_suppressions([finding()], {CLS: [directive(reason="trust me")]})
    assert found[0].suppression is None
    assert [n.code for n in notes] == ["suppression-without-rule"]


def test_stacked_directives_for_one_rule_apply_the_nearer_and_note_the_farther_as_redundant() -> None:
    farther = Suppression(("SID002",), "old ticket", 8, 10, Span(8, 5, 8, 60))
    nearer = Suppression(("SID002",), "partner SSO, reviewed", 9, 10, Span(9, 5, 9, 60))
    found, notes = apply_suppressions([finding()], {CLS: [farther, nearer]})
    assert found[0].suppression == SuppressionInfo("partner SSO, reviewed", "inSource")
    assert [(n.code, n.level, n.span) for n in notes] == [("redundant-suppression", NoticeLevel.NOTE, farther.span)]
    assert notes[0].message == (f"{CLS}:8: suppression comment is redundant: the directive on line 9 also names "
                                "SID002 for line 10 and is the one applied (its reason is kept); remove one of them")


def test_a_farther_directive_that_covers_another_rule_on_the_line_is_used() -> None:
    farther = Suppression(("SID002", "SID006"), "test double", 8, 10, Span(8, 5, 8, 60))
    nearer = Suppression(("SID002",), "partner SSO, reviewed", 9, 10, Span(9, 5, 9, 60))
    found, notes = apply_suppressions([finding("SID002"), finding("SID006")], {CLS: [farther, nearer]})
    assert [f.suppression.justification if f.suppression else None for f in found] == [
        "partner SSO, reviewed", "test double"]
    assert notes == []


def test_one_directive_covers_every_matching_finding_on_its_line() -> None:
    found, notes = apply_suppressions([finding("SID002"), finding("SID006")],
                                      {CLS: [directive("SID002", "SID006", reason="test double")]})
    assert [f.suppression is not None for f in found] == [True, True]
    assert notes == []


def test_suppressions_are_gathered_from_lowered_files() -> None:
    sup = directive("SID002", reason="ok")
    files = [FileIR(CLS, FileKind.APEX_CLASS, 20, suppressions=(sup,)),
             FileIR("classes/B.cls", FileKind.APEX_CLASS, 3)]
    assert suppressions_by_path(files) == {CLS: (sup,)}


# --- rule selection and levels ---------------------------------------------------------------------


def test_filter_rules_keeps_enabled_and_drops_disabled() -> None:
    items = [finding("SID001"), finding("SID002"), finding("SID010")]
    assert [f.rule_id for f in filter_rules(items, None, frozenset({"SID010"}))] == ["SID001", "SID002"]
    assert [f.rule_id for f in filter_rules(items, frozenset({"SID002", "SID010"}), frozenset({"SID010"}))] \
        == ["SID002"]


def test_level_override_changes_the_findings_level_and_the_gate() -> None:
    items = apply_levels([finding("SID010", level=Level.NOTE)], {"SID010": "error"})
    assert items[0].level is Level.ERROR
    assert exit_code(items, "error") == 1


def test_rules_with_levels_keeps_sarif_rule_defaults_consistent() -> None:
    rules = rules_with_levels(load_catalogue(), {"SID010": "warning"})
    assert rules["SID010"].level == "warning"
    assert rules["SID002"].level == load_catalogue()["SID002"].level


# --- exit code -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "fail_on", "code"),
    [
        ([Level.ERROR], "error", 1),
        ([Level.WARNING], "error", 0),
        ([Level.WARNING], "warning", 1),
        ([Level.NOTE], "warning", 0),
        ([Level.NOTE], "note", 1),
        ([Level.ERROR], "never", 0),
        ([], "note", 0),
    ],
)
def test_exit_code_follows_fail_on_threshold(levels: list[Level], fail_on: str, code: int) -> None:
    assert exit_code([finding(level=lv, line=i + 1) for i, lv in enumerate(levels)], fail_on) == code


def test_baselined_findings_do_not_fail_the_gate() -> None:
    items = apply_baseline([finding(fingerprint="old")], frozenset({"old"}))
    assert exit_code(items, "note") == 0


def test_exit_code_rejects_an_unknown_threshold() -> None:
    with pytest.raises(ValueError, match="fail_on"):
        exit_code([], "loud")


# --- baselines -------------------------------------------------------------------------------------


def render(fmt: str, result: ScanResult) -> str:
    out = io.StringIO()
    REPORTERS[fmt].render(result, load_catalogue(), out, ReportOptions(color=False, tool_version="0.1.0"))
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["sarif", "json"])
def test_baseline_is_read_from_our_own_reports(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"baseline.{fmt}"
    path.write_text(render(fmt, result_of(finding(fingerprint="a"), finding(line=12, fingerprint="b"))))
    assert load_baseline(path) == frozenset({"a", "b"})


def test_new_and_unchanged_findings_are_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "baseline.sarif"
    path.write_text(render("sarif", result_of(finding(fingerprint="old"))))
    marked = apply_baseline([finding(fingerprint="old"), finding(line=30, fingerprint="fresh")],
                            load_baseline(path))
    assert [f.baseline_state for f in marked] == ["unchanged", "new"]
    assert exit_code(marked, "error") == 1


def test_a_second_copy_of_a_baselined_finding_is_new(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(render("json", result_of(finding(fingerprint="same"))))
    assert load_baseline_counts(path) == Counter({"same": 1})
    marked = apply_baseline([finding(line=20, fingerprint="same"), finding(line=10, fingerprint="same")],
                            load_baseline_counts(path))
    assert [f.baseline_state for f in marked] == ["new", "unchanged"]  # first in report order is known


def test_write_baseline_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "apexlint-baseline.json"
    write_baseline(result_of(finding(fingerprint="x"), finding(line=3, fingerprint="y")), load_catalogue(), path)
    assert json.loads(path.read_text())["version"] == 1
    assert load_baseline(path) == frozenset({"x", "y"})
    assert [p.name for p in tmp_path.iterdir()] == ["apexlint-baseline.json"]  # no temporary left


def test_baseline_write_takes_the_options_that_change_the_findings(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A baseline written with `--include-tests` holds the test code's findings, so the gate's scan
    with the same option passes; written without it, that scan fails on them (V-4)."""
    from apexlint.cli import main

    classes = tmp_path / "pkg" / "force-app" / "main" / "default" / "classes"
    classes.mkdir(parents=True)
    (tmp_path / "pkg" / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    (classes / "LeakTest.cls").write_text(
        "@IsTest\nprivate class LeakTest {\n    @IsTest static void leaks() {\n"
        "        System.debug(UserInfo.getSessionId());\n    }\n}\n")
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> int:
        try:
            main(list(argv))
        except SystemExit as done:
            return int(done.code or 0)
        return 0

    assert run("baseline", "write", "without.json", "pkg", "--no-cache") == 0
    assert run("baseline", "write", "with.json", "pkg", "--include-tests", "--no-cache") == 0
    gate = ("scan", "pkg", "--include-tests", "--no-cache", "--quiet", "--format", "json", "-o", "out.json")
    assert run(*gate, "--baseline", "without.json") == 1
    assert run(*gate, "--baseline", "with.json") == 0


def test_write_baseline_to_a_missing_directory_is_a_baseline_error(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot write baseline"):
        write_baseline(result_of(), load_catalogue(), tmp_path / "no" / "such" / "dir.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ("{not json", "not valid JSON"),
        pytest.param("[" * 100_000 + "]" * 100_000, "not valid JSON", id="nested-past-the-stack"),
        ("[1, 2]", "not an apexlint SARIF or JSON report"),
        ('{"runs": {}}', "'runs' is not a list"),
        ('{"runs": [{"tool": {}}]}', "no 'results' list"),
        ('{"runs": [{"results": [{"ruleId": "X"}]}]}', "no result carries an 'apexlint/v1' fingerprint"),
        ('{"findings": [{"ruleId": "SID002"}]}', r"findings\[0\] has no 'fingerprint'"),
    ],
)
def test_bad_baseline_is_a_one_line_error(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BaselineError, match=message) as caught:
        load_baseline(path)
    assert "\n" not in str(caught.value)
    assert str(path) in str(caught.value)


def test_empty_baseline_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "baseline.sarif"
    path.write_text(render("sarif", result_of()))
    assert load_baseline(path) == frozenset()


# --- the whole gate --------------------------------------------------------------------------------


def test_prepare_findings_applies_config_suppressions_and_baseline_in_order() -> None:
    config = Config(disabled_rules=frozenset({"SID010"}), levels={"SID011": "error"})
    items = [finding("SID010", line=5, level=Level.NOTE), finding("SID011", line=7, level=Level.WARNING),
             finding("SID002", line=10, fingerprint="known"), finding("SID003", line=12)]
    sups = {CLS: [directive("SID003", reason="logged to a redacting logger", target=12),
                  directive("SID010", reason="documented", target=5)]}
    found, notes = prepare_findings(items, sups, config, frozenset({"known"}))
    assert [(f.rule_id, f.level, f.suppression is not None, f.baseline_state) for f in found] == [
        ("SID011", Level.ERROR, False, "new"),
        ("SID002", Level.ERROR, False, "unchanged"),
        ("SID003", Level.ERROR, True, "new"),
    ]
    # The SID010 directive matched nothing because the rule is disabled: an unused suppression.
    assert [n.code for n in notes] == ["unused-suppression"]
    assert gate_counts(found) == {"active": 1, "suppressed": 1, "unchanged": 1}
    assert exit_code(found, "error") == 1
