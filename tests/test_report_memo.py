"""A report made from the same inputs as the last one of its format is written from the cache
(`report.remembered`): byte for byte what rendering would give, never for other inputs, never
from a cache file that does not verify, and never for HTML."""

from __future__ import annotations

import ast
import copy
import dataclasses
import hashlib
import io
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from apexlint import report
from apexlint.cache import MAGIC
from apexlint.catalogue import load_catalogue
from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from apexlint.ir import NoticeLevel, Notification, Span
from apexlint.report import ReportOptions, render_report, sarif
from apexlint.report import remembered as memo
from apexlint.report.sarif_parts import ResultPart, SarifParts, render_parts
from apexlint.scan_command import run_scan
from tests.cache_files import OUTSIDE_TEXT, obstruct
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
LEAK = b"public class Leak { void a() { System.debug(UserInfo.getSessionId()); } }\n"
OPTIONS = ReportOptions(color=False, tool_version="0.1.0")


class Keeper:
    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def report(self, fmt: str) -> object | None:
        return pickle.loads(self.kept[fmt]) if fmt in self.kept else None

    def put_report(self, fmt: str, blob: bytes) -> None:
        self.kept[fmt] = blob


@pytest.fixture(scope="module")
def result() -> ScanResult:
    found = scan(ScanOptions(paths=(REPO / "fixtures",), root=REPO, jobs=1))
    notes = (Notification("parse-error", "a problem", path="fixtures/x.cls", span=Span(1, 1, 1, 2)),
             Notification("file-too-large", "another problem", level=NoticeLevel.NOTE))
    return dataclasses.replace(found, notifications=notes)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formats rendered from now on."""
    rendered: list[str] = []

    def counting(fmt: str, *args: object) -> None:
        rendered.append(fmt)
        render_report(fmt, *args)  # type: ignore[arg-type]

    def counting_parts(result: ScanResult, *args: object) -> object:
        rendered.append("sarif")
        return render_parts(result, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(memo, "render_report", counting)
    monkeypatch.setattr(memo, "render_parts", counting_parts)
    return rendered


def _written(fmt: str, result: ScanResult, keeper: Keeper | None, options: ReportOptions = OPTIONS) -> str:
    out = io.StringIO()
    memo.render_remembered(fmt, result, load_catalogue(), out, options, keeper)
    return out.getvalue()


def _rendered(fmt: str, result: ScanResult) -> str:
    out = io.StringIO()
    render_report(fmt, result, load_catalogue(), out, OPTIONS)
    return out.getvalue()


@pytest.mark.parametrize("fmt", sorted(memo.REMEMBERED_FORMATS))
def test_the_same_inputs_write_the_kept_text_without_rendering(
        fmt: str, result: ScanResult, renders: list[str]) -> None:
    keeper = Keeper()
    first = _written(fmt, result, keeper)
    assert renders == [fmt]
    again = _written(fmt, dataclasses.replace(copy.deepcopy(result), stats={"discover": 9.0}), keeper)
    assert renders == [fmt], "equal inputs (other objects, other timings): not rendered again"
    assert again == first == _rendered(fmt, result)


def _reads(module: Path) -> set[str]:
    """The ScanResult fields `module` reads through any name it gives a ScanResult."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = {a.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
             for a in node.args.args + node.args.kwonlyargs
             if a.annotation is not None and ast.unparse(a.annotation) == "ScanResult"}
    text = module.read_text(encoding="utf-8")
    return {m.group(2) for name in names for m in re.finditer(rf"\b({re.escape(name)})\.(\w+)", text)}


@pytest.mark.parametrize("fmt", sorted(memo.READS))
def test_each_reporter_reads_only_the_fields_its_key_holds(fmt: str) -> None:
    package = REPO / "apexlint" / "report"
    module = {"json": "json_report"}.get(fmt, fmt)
    read = _reads(package / f"{module}.py") | _reads(package / "__init__.py")
    assert read, "the reporter reads its result through a parameter annotated ScanResult"
    assert read <= set(memo.READS[fmt]), f"add {sorted(read - set(memo.READS[fmt]))} to READS[{fmt!r}]"


def _perturbed(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 7
    if isinstance(value, tuple):
        return value[1:] if value else ("extra",)
    if isinstance(value, dict):
        return {"other": 1.0}
    if value is None or isinstance(value, str):
        return "other"
    return dataclasses.replace(value, name="other")  # type: ignore[type-var]


@pytest.mark.parametrize("fmt", sorted(memo.READS))
def test_fields_a_format_does_not_read_do_not_change_its_report(fmt: str, result: ScanResult) -> None:
    assert result.findings and result.verdicts and result.contexts and result.notifications
    base = _rendered(fmt, result)
    for f in dataclasses.fields(result):
        if f.name not in memo.READS[fmt]:
            changed = dataclasses.replace(result, **{f.name: _perturbed(getattr(result, f.name))})
            assert _rendered(fmt, changed) == base, f"{fmt} shows {f.name}: add it to READS"


def test_html_is_always_rendered(result: ScanResult, renders: list[str]) -> None:
    keeper = Keeper()
    _written("html", result, keeper)
    _written("html", result, keeper)
    assert renders == ["html", "html"] and keeper.kept == {}


def _fewer_findings(r: ScanResult) -> ScanResult:
    return dataclasses.replace(r, findings=r.findings[1:])


def _changed(result: ScanResult, change: str) -> tuple[ScanResult, ReportOptions]:
    """The result and report options after `change` ("none": as they are)."""
    if change == "report options":
        return result, dataclasses.replace(OPTIONS, tool_version="9.9.9")
    changed = {
        "none": lambda r: r,
        "fewer findings": _fewer_findings,
        "a finding moved": _moved_finding,
        "no findings": lambda r: dataclasses.replace(r, findings=()),
        "a finding twice": lambda r: dataclasses.replace(r, findings=(r.findings[0], *r.findings)),
        "package name": lambda r: dataclasses.replace(r, package=dataclasses.replace(r.package, name="other")),
        "lines scanned": lambda r: dataclasses.replace(r, lines_scanned=r.lines_scanned + 1),
    }[change](result)
    return changed, OPTIONS


def _moved_finding(r: ScanResult) -> ScanResult:
    first = r.findings[0]
    span = dataclasses.replace(first.location.span, start_line=first.location.span.start_line + 1,
                               end_line=first.location.span.end_line + 1)
    moved = dataclasses.replace(first, location=dataclasses.replace(first.location, span=span))
    return dataclasses.replace(r, findings=(moved, *r.findings[1:]))


@pytest.mark.parametrize(("fmt", "change"), [
    ("sarif", "fewer findings"), ("sarif", "a finding moved"), ("sarif", "report options"), ("json", "package name"),
    ("json", "lines scanned"), ("text", "lines scanned")])
def test_other_inputs_are_rendered_anew(result: ScanResult, renders: list[str], fmt: str, change: str) -> None:
    keeper = Keeper()
    _written(fmt, result, keeper)
    changed, options = _changed(result, change)
    text = _written(fmt, changed, keeper, options)
    assert renders == [fmt, fmt]
    out = io.StringIO()
    render_report(fmt, changed, load_catalogue(), out, options)
    assert text == out.getvalue() != _rendered(fmt, result)


def test_other_rules_are_rendered_anew(result: ScanResult, renders: list[str]) -> None:
    keeper = Keeper()
    rules = load_catalogue()
    out = io.StringIO()
    memo.render_remembered("sarif", result, rules, out, OPTIONS, keeper)
    rule_id = result.findings[0].rule_id
    rules[rule_id] = dataclasses.replace(rules[rule_id], short_description="Another description.")
    memo.render_remembered("sarif", result, rules, io.StringIO(), OPTIONS, keeper)
    assert renders == ["sarif", "sarif"]


@pytest.mark.parametrize("kept", [None, 7, ("another key", "text", None), ("KEY",), ("KEY", b"bytes", None),
                                  ["KEY", "text", None], ("KEY", "text")])
def test_a_kept_report_not_for_these_inputs_or_not_text_is_not_written(
        result: ScanResult, renders: list[str], kept: object) -> None:
    key = memo.inputs_key("json", result, load_catalogue(), OPTIONS)
    keeper = Keeper()
    spelt = tuple(key if v == "KEY" else v for v in kept) if isinstance(kept, tuple) else \
        [key if v == "KEY" else v for v in kept] if isinstance(kept, list) else kept
    keeper.kept["json"] = pickle.dumps(spelt)
    assert _written("json", result, keeper) == _rendered("json", result)
    assert renders == ["json"]


def test_no_keeper_means_no_memo(result: ScanResult, renders: list[str]) -> None:
    assert _written("sarif", result, None) == _written("sarif", result, None) == _rendered("sarif", result)
    assert renders == ["sarif", "sarif"]


# -- through the command, with the scan's own cache -------------------------------------------------
def _run(src: Path, output: Path, fmt: str = "sarif") -> int:
    return run_scan(paths=(src,), fmt=fmt, output=output, fail_on="never", baseline=None, config_file=None,
                    root=src, namespace=None, include_tests=None, exclude=(), logger_classes=(), jobs=1,
                    no_cache=False, category=None, quiet=True)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Leak.cls": LEAK})


def test_a_rescan_with_the_same_result_writes_the_same_sarif_from_the_cache(
        package: Path, tmp_path: Path, renders: list[str]) -> None:
    _run(package, tmp_path / "a.sarif")
    _run(package, tmp_path / "b.sarif")
    assert renders == ["sarif"]
    assert (tmp_path / "a.sarif").read_bytes() == (tmp_path / "b.sarif").read_bytes()
    [kept] = package.rglob("scan-*.report-sarif")
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_comment_added_to_a_class_writes_the_kept_sarif(
        package: Path, tmp_path: Path, renders: list[str]) -> None:
    _run(package, tmp_path / "a.sarif")
    with (package / SFDX_SOURCE / "classes" / "Leak.cls").open("ab") as f:
        f.write(b"// one more line: the lines scanned change, which SARIF does not show\n")
    _run(package, tmp_path / "b.sarif")
    assert renders == ["sarif"]
    assert (tmp_path / "a.sarif").read_bytes() == (tmp_path / "b.sarif").read_bytes()


def test_a_rescan_whose_finding_moved_renders_again(package: Path, tmp_path: Path, renders: list[str]) -> None:
    _run(package, tmp_path / "a.sarif")
    leak = package / SFDX_SOURCE / "classes" / "Leak.cls"
    leak.write_bytes(b"\n" + LEAK)
    _run(package, tmp_path / "b.sarif")
    assert renders == ["sarif", "sarif"]
    assert b'"startLine": 2' in (tmp_path / "b.sarif").read_bytes()


def test_a_report_planted_in_the_cache_is_never_written_out(package: Path, tmp_path: Path) -> None:
    _run(package, tmp_path / "a.sarif")
    [kept] = package.rglob("scan-*.report-sarif")
    real = (tmp_path / "a.sarif").read_text(encoding="utf-8")
    key, *_ = pickle.loads(pickle.loads(kept.read_bytes().split(b"\n", 2)[2])["report"])
    forged = pickle.dumps({"report": pickle.dumps((key, '{"runs": []}', None))})
    kept.write_bytes(MAGIC + hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    _run(package, tmp_path / "b.sarif")
    assert (tmp_path / "b.sarif").read_text(encoding="utf-8") == real


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_report_cache_file_that_is_a_folder_or_link_costs_only_speed(
        package: Path, tmp_path: Path, kind: str) -> None:
    _run(package, tmp_path / "a.sarif")
    [kept] = package.rglob("scan-*.report-sarif")
    outside = obstruct(kept, kind, tmp_path / "outside.txt")
    for name in ("b.sarif", "c.sarif"):
        _run(package, tmp_path / name)
        assert (tmp_path / name).read_bytes() == (tmp_path / "a.sarif").read_bytes()
    assert outside.read_text() == OUTSIDE_TEXT


def test_formats_are_kept_side_by_side(package: Path, tmp_path: Path, renders: list[str]) -> None:
    for fmt in ("sarif", "json", "text", "sarif", "json", "text"):
        _run(package, tmp_path / f"out.{fmt}", fmt)
    assert renders == ["sarif", "json", "text"]


def test_reporters_are_still_registered_by_format() -> None:
    assert set(report.REPORTERS) > memo.REMEMBERED_FORMATS


# -- a SARIF log made of the parts the last one shares with it (sarif_parts) -------------------------
def _parts_of(result: ScanResult, options: ReportOptions = OPTIONS) -> tuple[str, SarifParts]:
    out = io.StringIO()
    parts = render_parts(result, load_catalogue(), out, options, None)
    return out.getvalue(), parts


@pytest.mark.parametrize("change", ["a finding moved", "fewer findings", "no findings", "a finding twice",
                                    "report options", "none"])
def test_a_log_made_of_kept_parts_is_the_log_rendered_whole(
        result: ScanResult, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, kept = _parts_of(result)
    changed, options = _changed(result, change)
    fresh = _parts_of(changed, options)[0]
    made: list[str] = []
    result_part = sarif.result_part
    monkeypatch.setattr(sarif, "result_part", lambda f, i: made.append(f.rule_id) or result_part(f, i))
    out = io.StringIO()
    parts = render_parts(changed, load_catalogue(), out, options, kept)
    whole = json.dumps(sarif.sarif_log(changed, load_catalogue(), options), indent=2, ensure_ascii=False) + "\n"
    assert out.getvalue() == whole == fresh
    assert len(made) == (1 if change == "a finding moved" else 0), "only the moved finding is rendered again"
    assert len(parts.results) == len(set(changed.findings))  # what the next log can take: this one's own


def test_parts_are_taken_only_for_the_same_inputs(result: ScanResult) -> None:
    """A kept part stands for the finding and rule index it was made from, nothing else: parts
    kept under other inputs' digests (a forged or stale file) are never written."""
    text, kept = _parts_of(result)
    keys = list(kept.results)
    forged = SarifParts("another head", '{"runs": []}', {key + "0": ResultPart(kept.results[key].order, '"forged"')
                                                         for key in keys})
    for planted in (forged, SarifParts(kept.head_key, kept.head, {})):
        out = io.StringIO()
        render_parts(result, load_catalogue(), out, OPTIONS, planted)
        assert out.getvalue() == text == _rendered("sarif", result)


def test_a_log_of_kept_parts_only_never_imports_the_sarif_writer(tmp_path: Path) -> None:
    """Every finding of the new result is one the last log held: nothing to build, no writer."""
    script = f"""
import dataclasses, io, sys
from pathlib import Path
from apexlint.catalogue import load_catalogue
from apexlint.engine import ScanOptions, scan
from apexlint.report import ReportOptions
from apexlint.report.sarif_parts import render_parts
options = ReportOptions(color=False, tool_version="0.1.0")
package = Path({str(REPO / "fixtures" / "vulnerable-sfdx")!r})
result = scan(ScanOptions(paths=(package,), root=package, jobs=1))
kept = render_parts(result, load_catalogue(), io.StringIO(), options, None)
for name in [m for m in sys.modules if m.startswith(("sarif_om", "attr")) or m == "apexlint.report.sarif"]:
    del sys.modules[name]
render_parts(dataclasses.replace(result, findings=result.findings[1:]), load_catalogue(), io.StringIO(), options, kept)
print(sorted(m for m in sys.modules if m.startswith(("sarif_om", "attr")) or m == "apexlint.report.sarif"))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.split() == ["[]"]
