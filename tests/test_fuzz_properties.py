"""Property-based fuzzing of every stage that reads untrusted bytes, and of the whole pipeline.

A package may hold anything: a binary named `.cls`, half a page, a mangled zip. Whatever the
bytes, the readers and lowerings must return an answer (notifications for what went wrong),
never raise, never lose another file's findings, and never take time out of proportion to the
input. Hypothesis drives random bytes, random text and random mutations of the fixture files;
`tests/fuzz/harness.py` runs the same properties under atheris when it is installed.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apexlint.catalogue import load_catalogue
from apexlint.engine import ScanOptions, scan
from apexlint.ir import FileIR, FileKind, Notification, Span
from apexlint.lower import Lowered, LoweringJob, lower_job
from apexlint.read.decode import UTF8_BOM, ReadLimits, decode, read_source
from apexlint.read.merge_fields import MAX_EXPRESSION, MAX_MERGE_FIELDS, cut_short, find_merge_fields, parse_expression
from apexlint.read.static_resources import resource_members
from apexlint.report import REPORTERS, ReportOptions
from tests.fuzz.inputs import (
    INLINE_SEEDS,
    KINDS,
    MUTATIONS,
    Mutation,
    deadline,
    findings_in,
    internal_errors,
    lying_zips,
    mutate,
    seeds,
    source_path,
    suffix_kind,
    write_sfdx_package,
)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
PIPELINE = settings(FUZZ, max_examples=40)
# The deadline alarm can land in a garbage-collector callback, which Python reports as "unraisable"
# and ignores (the alarm then repeats until it gets through): not a problem of the code under test.
ALARM_IN_GC = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
SMALL_LIMITS = ReadLimits(max_file_bytes=4096, max_resource_bytes=8192, max_member_bytes=2048, max_members=4,
                          max_line_chars=200)


def _valid_span(span: Span | None) -> bool:
    if span is None:
        return True
    return (span.start_line >= 1 and span.start_col >= 1
            and (span.end_line, span.end_col) > (span.start_line, span.start_col))


# -- decode and read ------------------------------------------------------------------------------
@FUZZ
@given(st.binary(max_size=4096))
def test_decode_returns_text_for_any_bytes(data: bytes) -> None:
    text, lossy, notes = decode(data, "x.cls")
    assert isinstance(text, str)
    assert all(isinstance(n, Notification) and n.path == "x.cls" for n in notes)
    assert lossy == bool(notes)
    if not lossy and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # byte for byte, but for a lone CR, which ends a line as LF does
        assert text.encode("utf-8") == re.sub(rb"\r(?!\n)", b"\n", data.removeprefix(UTF8_BOM))


@FUZZ
@given(st.text(max_size=2000))
def test_decode_keeps_valid_utf8_exactly(text: str) -> None:
    expected = re.sub(r"\r(?!\n)", "\n", text.removeprefix("\ufeff"))  # a lone CR ends a line as LF does
    assert decode(text.encode("utf-8"), "x.page") == (expected, False, [])


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from([ReadLimits(), SMALL_LIMITS]))
def test_read_source_answers_text_or_a_reason(data: bytes, limits: ReadLimits) -> None:
    src, notes = read_source("x.cls", data, "acme", limits)
    assert src is not None or notes, "a skipped file must say why"
    if src is not None:
        assert src.path == "x.cls"
        assert src.line_count >= 0
        assert src.buffer == src.parse_text.encode("utf-8", "surrogatepass")
    assert all(_valid_span(n.span) for n in notes)


# -- merge-field parser ---------------------------------------------------------------------------
_MERGE_ALPHABET = st.sampled_from(list("{}!()'\"\\\n\t $._aAzZ09,+&<>")) | st.characters()
_MERGE_PIECES = st.sampled_from(["{!", "}", "$Api.Session_ID", "GETSESSIONID()", "getsessionid ( )",
                                 "$Api . Session_ID", "'", '"', "\\'", "(", ")", "ctl.prop",
                                 "{!IF(a > b, '}', \"{\")}"])
MERGE_TEXT = st.lists(_MERGE_ALPHABET | _MERGE_PIECES, max_size=300).map("".join)


@FUZZ
@given(MERGE_TEXT)
def test_merge_fields_are_ordered_and_inside_the_text(text: str) -> None:
    fields = find_merge_fields(text)
    previous_end = 0
    for f in fields:
        assert previous_end <= f.start < f.end <= len(text)
        assert text.startswith("{!", f.start)
        assert not f.terminated or text[f.end - 1] == "}"
        for ref in f.session_refs:
            assert f.start <= ref.start < ref.end <= f.end
            assert text[ref.start:ref.end] == ref.text
        previous_end = f.end


_NOISE = st.text(alphabet=st.characters(blacklist_characters="{}'\"\\!", blacklist_categories=["Cs"]), max_size=200)
_SESSION_FIELDS = st.sampled_from(["{!$Api.Session_ID}", "{! $api.session_id }", "{!GETSESSIONID()}",
                                   "{!getSessionId( )}", "{!  GetSessionID\n()}", "{!URLENCODE($Api.Session_ID)}"])


@FUZZ
@given(_NOISE, _SESSION_FIELDS, _NOISE)
def test_a_session_merge_field_is_found_in_any_surrounding_text(before: str, field: str, after: str) -> None:
    fields = find_merge_fields(before + field + after)
    assert [f.is_session for f in fields] == [True]
    assert fields[0].start == len(before)


@FUZZ
@given(MERGE_TEXT)
def test_parse_expression_offsets_stay_inside_the_expression(expression: str) -> None:
    refs, idents = parse_expression(expression, 100)
    for ref in refs:
        assert 100 <= ref.start < ref.end <= 100 + len(expression)
        assert expression[ref.start - 100:ref.end - 100] == ref.text
    assert all(i == i.lower() for i in idents)


TEN_MB = 10_000_000
# A 10 MB single line of each shape that could make a brace/string-aware scanner backtrack or
# rescan: unterminated fields, deep nesting, endless strings and escapes, dotted names.
LONG_LINES: dict[str, Callable[[], str]] = {
    "open-paren-nesting": lambda: "{!" + "(" * TEN_MB,
    "open-brace-nesting": lambda: "{!" + "{" * TEN_MB,
    "bare-braces": lambda: "{" * TEN_MB,
    "closing-braces": lambda: "}" * TEN_MB,
    "unterminated-string": lambda: "{!'" + "a" * TEN_MB,
    "escapes-in-string": lambda: '{!"' + "\\" * TEN_MB,
    "many-quotes": lambda: "{!" + "'" * TEN_MB,
    "dotted-name": lambda: "{!" + "a." * (TEN_MB // 2),
    "spaces-after-open": lambda: "{!a" + " " * TEN_MB,
    "session-call-nesting": lambda: "{!" + "GETSESSIONID(" * (TEN_MB // 13),
    "open-field-run": lambda: "{!" * (TEN_MB // 2),
}


@ALARM_IN_GC
@pytest.mark.parametrize("shape", sorted(LONG_LINES))
def test_merge_field_parser_handles_a_10mb_line_in_under_2s(shape: str) -> None:
    text = LONG_LINES[shape]()
    with deadline(2.0):
        fields = find_merge_fields(text)
    assert all(f.end <= len(text) for f in fields)


# Lines packed with complete or empty fields: the output itself is millions of fields.
DENSE_LINES: dict[str, Callable[[], str]] = {
    "empty-fields": lambda: "{!}" * (TEN_MB // 3),
    "unterminated-calls": lambda: "{!(" * (TEN_MB // 3),
}


@ALARM_IN_GC
@pytest.mark.parametrize("shape", sorted(DENSE_LINES))
def test_merge_field_parser_handles_a_10mb_line_of_dense_fields_in_under_2s(shape: str) -> None:
    """Past MAX_MERGE_FIELDS the rest of the text is skipped (and a lowering notes it)."""
    text = DENSE_LINES[shape]()
    with deadline(2.0):
        fields = find_merge_fields(text)
    assert cut_short(fields)


def test_a_page_cut_short_by_its_merge_fields_says_so() -> None:
    page = b"<apex:page>" + b"{!}" * (MAX_MERGE_FIELDS + 10) + b"{!$Api.Session_ID}</apex:page>"
    with deadline(5.0):
        lowered = lower_job(LoweringJob("pages/Dense.page", FileKind.VISUALFORCE_PAGE, page, ""), ReadLimits())
    assert "too-many-merge-fields" in {n.code for f in lowered.files for n in f.notifications}


def test_a_session_past_the_end_of_an_overlong_merge_field_is_not_lost_in_silence() -> None:
    # AE-7: `{!((…20,000…($Api.Session_ID))…)}` is read to MAX_EXPRESSION characters only: the
    # session after that point had no source, no finding and no notification
    depth = MAX_EXPRESSION
    page = b"<apex:page>{!" + b"(" * depth + b"$Api.Session_ID" + b")" * depth + b"}</apex:page>"
    with deadline(5.0):
        lowered = lower_job(LoweringJob("pages/Deep.page", FileKind.VISUALFORCE_PAGE, page, ""), ReadLimits())
    sources = [s for f in lowered.files for s in f.sources]
    notes = [n for f in lowered.files for n in f.notifications if n.code == "merge-field-too-long"]
    assert sources or notes
    short = b"<apex:page>{!" + b"(" * 100 + b"$Api.Session_ID" + b")" * 100 + b"}</apex:page>"
    lowered = lower_job(LoweringJob("pages/Deep.page", FileKind.VISUALFORCE_PAGE, short, ""), ReadLimits())
    assert [s for f in lowered.files for s in f.sources]
    assert not [n for f in lowered.files for n in f.notifications if n.code == "merge-field-too-long"]


def _best_cpu_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """Least CPU time of `repeat` runs: other processes on a busy CI machine don't count."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("unit", ["{!", "{!a}}}", "{!$Api.Session_ID}", "{!'", "{!("])
def test_merge_field_parser_time_grows_linearly(unit: str) -> None:
    """Four times the input may cost at most ten times the time (quadratic would be sixteen)."""
    small = unit * (40_000 // len(unit))
    large = unit * (160_000 // len(unit))
    t_small = max(_best_cpu_time(lambda: find_merge_fields(small)), 0.005)
    t_large = _best_cpu_time(lambda: find_merge_fields(large))
    assert t_large < 10 * t_small, f"{t_small:.3f}s for 40 KB but {t_large:.3f}s for 160 KB"


# -- lowering of mutated fixture files ------------------------------------------------------------
def _lower(name: str, data: bytes) -> Lowered:
    _, kind, metadata_type = KINDS[suffix_kind(name) or "cls"]
    return lower_job(LoweringJob(source_path(name), kind, data, "acme", metadata_type), ReadLimits())


def _check_ir(ir: FileIR, path: str) -> None:
    assert ir.path == path
    assert all(_valid_span(n.span) for n in ir.notifications)
    assert all(_valid_span(s.span) and s.path == path for s in ir.sources)


@pytest.mark.parametrize("suffix", sorted(KINDS))
@FUZZ
@given(data=st.data(), ops=MUTATIONS)
def test_lowering_a_mutated_file_never_fails(suffix: str, data: st.DataObject, ops: list[Mutation]) -> None:
    name, seed = seeds(suffix)[data.draw(st.integers(0, len(seeds(suffix)) - 1), label="seed")]
    mutated = mutate(seed, ops)
    lowered = _lower(name, mutated)
    assert not internal_errors(lowered.notifications), internal_errors(lowered.notifications)
    for ir in lowered.files:
        _check_ir(ir, source_path(name))


def _stored_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        for name, body in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), body)
    return buf.getvalue()


ZIP_SEEDS: dict[str, bytes] = {
    **lying_zips(),
    "honest": _stored_zip({"js/app.js": INLINE_SEEDS["js"], "index.html": INLINE_SEEDS["page"],
                           "__MACOSX/js/._app.js": b"\x00\x05\x16\x07"}),
}


@FUZZ
@given(seed=st.sampled_from(sorted(ZIP_SEEDS)), ops=MUTATIONS, limits=st.sampled_from([ReadLimits(), SMALL_LIMITS]))
def test_a_mangled_static_resource_zip_only_yields_notifications(
        seed: str, ops: list[Mutation], limits: ReadLimits) -> None:
    members, notes = resource_members(mutate(ZIP_SEEDS[seed], ops), "r.resource", "application/zip", limits)
    assert all(isinstance(name, str) and isinstance(body, bytes) for name, body in members)
    assert sum(len(body) for _, body in members) <= limits.max_resource_bytes
    assert all(isinstance(n, Notification) for n in notes)


def test_a_zip_with_bytes_cut_from_a_member_is_a_notification() -> None:
    whole = _stored_zip({"js/app.js": b"var sid = sforce.connection.sessionId;\n" * 20})
    cut = whole[:60] + whole[160:]
    members, notes = resource_members(cut, "r.resource", "application/zip", ReadLimits())
    assert members == [] and [n.path for n in notes] == ["r.resource"]


# -- the whole pipeline ---------------------------------------------------------------------------
# The probe's findings depend on nothing another file can declare (no fixture class calls it,
# none defines UserInfo or a logger), so any change in them is one file disturbing another.
PROBE_REL = "force-app/main/default/classes/ApexlintProbe.cls"
PROBE = b"""public with sharing class ApexlintProbe {
    public static void leak() {
        System.debug('session ' + UserInfo.getSessionId());
    }
    @future
    public static void later() {
        String sid = UserInfo.getSessionId();
    }
}
"""
_PROBE_ALONE: list[list[tuple[object, ...]]] = []


def _probe_alone() -> list[tuple[object, ...]]:
    """Findings of the probe class scanned on its own (computed once)."""
    if not _PROBE_ALONE:
        with tempfile.TemporaryDirectory() as tmp:
            root = write_sfdx_package(Path(tmp), {PROBE_REL: PROBE}, namespace="acme")
            _PROBE_ALONE.append(findings_in(scan(ScanOptions(paths=(root,), root=root, jobs=1)), PROBE_REL))
        assert _PROBE_ALONE[0], "the probe class must have findings of its own"
    return _PROBE_ALONE[0]


MUTATED_FILE = st.tuples(st.sampled_from(sorted(KINDS)), st.integers(min_value=0), MUTATIONS)


@PIPELINE
@given(st.lists(MUTATED_FILE, min_size=1, max_size=4))
def test_a_package_of_mutated_files_scans_and_reports_in_every_format(
        specs: list[tuple[str, int, list[Mutation]]]) -> None:
    files = {PROBE_REL: PROBE}
    for i, (suffix, pick, ops) in enumerate(specs):
        name, seed = seeds(suffix)[pick % len(seeds(suffix))]
        files[source_path(f"M{i}_{name}")] = mutate(seed, ops)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_sfdx_package(Path(tmp), files, namespace="acme")
        result = scan(ScanOptions(paths=(root,), root=root, jobs=1))
    assert not internal_errors(result.notifications), internal_errors(result.notifications)
    assert findings_in(result, PROBE_REL) == _probe_alone()
    assert all(_valid_span(f.location.span) for f in result.findings)
    rules = load_catalogue()
    for fmt, reporter in sorted(REPORTERS.items()):
        out = io.StringIO()
        reporter.render(result, rules, out, ReportOptions(color=False, tool_version="0"))
        if fmt in ("json", "sarif"):
            json.loads(out.getvalue())
