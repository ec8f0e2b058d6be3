"""Custom labels as values: an endpoint built from the package's label resolves to its packaged value.

The verdicts themselves are annotated in `fixtures/labels-sfdx` and `fixtures/metadata-mdapi`
(test_fixtures.py); these tests cover what annotations cannot: how labels are read, the confidence
and message a label that is not protected gives, and that a label's new value is seen by a re-scan
with the cache (the per-file lowering cache and the reuse of the last analysis).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import Finding, ScanResult
from apexlint.ir import FileKind, LabelIR
from apexlint.lower import LoweringJob, lower_job
from apexlint.lower.labels import read_labels
from apexlint.read.decode import ReadLimits
from tests.cache_files import at_rest
from tests.counting import count_analyses
from tests.fuzz.inputs import REPO, SFDX_SOURCE, write_sfdx_package

LABELLED = REPO / "fixtures" / "labels-sfdx"
LABELS_FILE = f"{SFDX_SOURCE}/labels/CustomLabels.labels-meta.xml"


def _labels_xml(*labels: tuple[str, str, bool]) -> str:
    body = "".join(f"""    <labels>
        <fullName>{name}</fullName>
        <language>en_US</language>
        <protected>{'true' if protected else 'false'}</protected>
        <shortDescription>{name}</shortDescription>
        <value>{value}</value>
    </labels>
""" for name, value, protected in labels)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">
{body}</CustomLabels>
"""


# -- reading --------------------------------------------------------------------------------------
def test_labels_are_read_with_entities_cdata_and_without_comments() -> None:
    text = """<CustomLabels>
    <!-- <labels><fullName>Commented</fullName><value>https://old.example.com</value></labels> -->
    <labels>
        <fullName> Amp </fullName>
        <protected>TRUE</protected>
        <value>https://a.example.com/?x=1&amp;y=&#50;&#x33;&lt;</value>
    </labels>
    <labels><fullName>Raw</fullName><value><![CDATA[/services/data?a=<b>&c]]></value></labels>
    <labels><value>no name</value></labels>
    <labels><fullName>Unclosed</fullName><value>x</value>
</CustomLabels>"""
    assert read_labels(text) == (LabelIR("Amp", "https://a.example.com/?x=1&y=23<", True),
                                 LabelIR("Raw", "/services/data?a=<b>&c", False))


def test_a_labels_file_that_names_no_session_is_not_parsed_but_its_labels_are_read() -> None:
    """Most labels files mention no session: they are left unparsed (lower/__init__.py) as
    before, and their labels are read all the same."""
    data = _labels_xml(("Partner_Endpoint", "https://api.partner.example.com", True)).encode()
    lowered = lower_job(LoweringJob(LABELS_FILE, FileKind.METADATA, data, "", "CustomLabels", lazy=True),
                        ReadLimits())
    (form,) = lowered.files
    assert form.extra.get("parsed", "").startswith("no")
    assert form.metadata[0].labels == (LabelIR("Partner_Endpoint", "https://api.partner.example.com", True),)
    parsed = lower_job(LoweringJob(LABELS_FILE, FileKind.METADATA, data, "", "CustomLabels"), ReadLimits())
    assert parsed.files[0].metadata[0].labels == form.metadata[0].labels


# -- messages and confidence ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def labelled() -> ScanResult:
    return scan(ScanOptions(paths=(LABELLED,), root=REPO, jobs=1))


def _at(result: ScanResult, rule: str, method_line: str) -> Finding:
    """The finding of `rule` in the fixture's method whose line holds `method_line`."""
    lines = (LABELLED / SFDX_SOURCE / "classes" / "LabelledEndpoints.cls").read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if method_line in line) + 1
    return next(f for f in result.findings if f.rule_id == rule and f.location.path.endswith("LabelledEndpoints.cls")
                and start < f.location.span.start_line < start + 10)


def test_a_same_org_use_from_a_protected_label_is_high_confidence(labelled: ScanResult) -> None:
    note = _at(labelled, "SID010", "HttpResponse login()")
    assert dict(note.properties)["confidence"] == "high"
    assert "custom label Login_Host (packaged value 'https://login.salesforce.com')" in note.message
    assert "packaged default" not in note.message


def test_a_same_org_use_from_a_label_that_is_not_protected_is_medium_confidence(labelled: ScanResult) -> None:
    """A subscriber's org can give the label another value: that the session stays in the org
    rests on the packaged default."""
    note = _at(labelled, "SID010", "HttpResponse loginDefault()")
    assert dict(note.properties)["confidence"] == "medium"
    assert "Login_Host_Default" in note.message and "packaged default" in note.message


def test_a_label_that_only_gives_the_path_leaves_the_confidence_high(labelled: ScanResult) -> None:
    """`URL.getOrgDomainUrl() + Label.Org_Api_Path`: the org's URL fixes the host, whatever the label says."""
    note = _at(labelled, "SID010", "HttpResponse orgLimits()")
    assert dict(note.properties)["confidence"] == "high"
    assert "Org_Api_Path" in note.message


def test_an_export_to_a_labels_host_names_the_label_and_is_high_confidence(labelled: ScanResult) -> None:
    for method, label in (("HttpResponse partner()", "Partner_Endpoint"),
                          ("HttpResponse partnerDefault()", "Partner_Default")):
        export = _at(labelled, "SID002", method)
        assert dict(export.properties)["confidence"] == "high"
        assert f"custom label {label} (packaged value 'https://" in export.message
    assert "packaged default" in _at(labelled, "SID002", "HttpResponse partnerDefault()").message


def test_a_label_the_package_does_not_hold_stays_unresolved(labelled: ScanResult) -> None:
    export = _at(labelled, "SID002", "HttpResponse notPackaged()")
    assert dict(export.properties)["confidence"] == "low"
    assert "custom label subscriber_endpoint, which the package does not hold" in export.message
    page = next(f for f in labelled.findings if f.rule_id == "SID002" and f.location.path.endswith(".page")
                and "Subscriber_Endpoint" in f.message)
    assert dict(page.properties)["confidence"] == "low"
    assert "it starts with custom label Subscriber_Endpoint, which the package does not hold" in page.message


# -- re-scans with the cache ----------------------------------------------------------------------
CALLOUT = """public with sharing class Hook {
    public static void push() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(Label.Hook_Host + '/services/data/v59.0/limits');
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""


def _options(src: Path, cache: Path | None) -> ScanOptions:
    return ScanOptions(paths=(src,), root=src, jobs=1, cache_dir=cache)


def _rules(result: ScanResult) -> list[tuple[str, int]]:
    return sorted((f.rule_id, f.location.span.start_line) for f in result.findings)


@pytest.mark.parametrize("reuse_analysis", [True, False])
def test_changing_a_labels_value_runs_the_analysis_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         reuse_analysis: bool) -> None:
    """The label's value is part of the labels file's lowered form: a new value is a changed form,
    which the reuse of the last analysis does not take for an edit nothing read (apexlint.reuse)."""
    src = at_rest(write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Hook.cls": CALLOUT.encode(),
        LABELS_FILE: _labels_xml(("Hook_Host", "https://hooks.partner.example.com", True)).encode()}))
    cache = tmp_path / "cache"
    cold = scan(_options(src, cache))
    assert _rules(cold) == [("SID002", 6)]
    labels = src / LABELS_FILE
    before = labels.stat().st_mtime_ns
    labels.write_text(_labels_xml(("Hook_Host", "https://login.salesforce.com", True)), encoding="utf-8")
    os.utime(labels, ns=(before + 1_000_000_000,) * 2)
    if not reuse_analysis:
        monkeypatch.setattr("apexlint.reuse.reused", lambda *args: None)  # the lowering cache alone
    calls = count_analyses(monkeypatch)
    again = scan(_options(src, cache))
    assert len(calls) == 1
    monkeypatch.undo()
    assert _rules(again) == [("SID010", 6)]
    assert "Hook_Host (packaged value 'https://login.salesforce.com')" in again.findings[0].message
    assert dataclasses.replace(again, stats={}) == dataclasses.replace(scan(_options(src, None)), stats={})


def test_a_labels_file_edit_that_keeps_every_value_reuses_the_analysis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A label's description reworded: the form keeps names, values and protection only."""
    src = at_rest(write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Hook.cls": CALLOUT.encode(),
        LABELS_FILE: _labels_xml(("Hook_Host", "https://hooks.partner.example.com", True)).encode()}))
    cache = tmp_path / "cache"
    scan(_options(src, cache))
    labels = src / LABELS_FILE
    before = labels.stat().st_mtime_ns
    labels.write_text(labels.read_text().replace("<shortDescription>Hook_Host<", "<shortDescription>Hooks<"),
                      encoding="utf-8")
    os.utime(labels, ns=(before + 1_000_000_000,) * 2)
    calls = count_analyses(monkeypatch)
    again = scan(_options(src, cache))
    assert len(calls) == 0
    monkeypatch.undo()
    assert _rules(again) == [("SID002", 6)]
