"""SARIF 2.1.0 report for GitHub code scanning and the VS Code SARIF Viewer.

The log is written as JSON values, each object with its SARIF (camelCase) properties in a fixed
order; a property with no value, or at the object model's default, is left out, except `level`,
which consumers read without applying defaults. sarif-om, the SARIF object model, is not
imported to make it (its 68 attrs classes cost 50–70 ms of every scan that wrote SARIF, a fifth
of a small package's): tests/test_report_sarif_model.py reads every object of a real log into
the sarif-om class its place calls for and holds the writer to what comes back.

What the consumers need (see shared/tools/SARIF-NOTES.md), and so what this writes:
- artifact URIs relative to the scan root, percent-encoded, with `uriBaseId` `%SRCROOT%` and
  no `uri` for that base (a machine path would leak);
- every rule in `tool.driver.rules`, sorted by id, with `ruleIndex` pointing into that list;
- our own versioned fingerprint `apexlint/v1` and never `primaryLocationLineHash`, which GitHub
  computes itself and warns about when a tool supplies a different one;
- results in the checker's canonical order, computed on the values written (encoded URI and
  final message), so that the same scan gives byte-identical output;
- `results: []` even when there are none (upload-sarif fails on a run without it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TextIO, TypeAlias
from urllib.parse import quote

from apexlint.catalogue import RuleMeta
from apexlint.findings import FINGERPRINT_KEY, Finding, Fix, FlowStep, Location, ScanResult
from apexlint.ir import Notification, Span
from apexlint.patterns import lazy
from apexlint.report import (
    ReportOptions,
    scrub,
    scrub_snippet,
    shown_findings,
    sorted_notifications,
    sorted_rules,
)
from apexlint.report.sarif_parts import RESULTS_MARK, ResultPart, part_text, render_parts
from apexlint.secrets import redact

Json: TypeAlias = dict[str, "Json"] | list["Json"] | str | int | float | bool | None

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/apexlint/apexlint"
SRCROOT = "%SRCROOT%"
SOURCE_LOCATION_ID = 1
_GITHUB_MAX_DESCRIPTION = 1024
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
# A `[text](n)` that a SARIF consumer would take for an embedded link to a related location.
_LINK_LIKE = re.compile(r"\[[^\]]*\]\(\d+\)")
# Paths a shared report must not carry: POSIX/home roots, Windows drives, UNC shares.
_ABSOLUTE_ARG = lazy(r"(?:^|[\s='\"])(?:/|~[/\s]|[A-Za-z]:[\\/]|\\\\)")


# --------------------------------------------------------------------------------------
# SARIF objects as JSON values
# --------------------------------------------------------------------------------------


def _members(*pairs: tuple[str, Json]) -> dict[str, Json]:
    """A SARIF object: its properties in the order given, those that are None left out."""
    return {name: value for name, value in pairs if value is not None}


def _text(text: str | None) -> dict[str, Json] | None:
    """A message, or an artifact content, that is text alone (both are `{"text": …}`)."""
    return None if text is None else {"text": text}


# --------------------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------------------


def artifact_uri(path: str) -> str:
    """A scan-root-relative path as a relative URI: everything but unreserved chars and `/` encoded.

    Undecodable bytes (surrogate-escaped in the path) are encoded as the bytes they were. A file
    or folder named like a session token is redacted: a result pointing at no file is better than
    a live token uploaded to a code-scanning service.
    """
    return quote(redact(path).encode("utf-8", "surrogateescape"), safe="/")


def _artifact(path: str) -> dict[str, Json]:
    return {"uri": artifact_uri(path), "uriBaseId": SRCROOT}


def _region(span: Span, snippet: str | None = None) -> dict[str, Json]:
    shown = scrub_snippet(snippet)
    return _members(("startLine", span.start_line), ("startColumn", span.start_col), ("endLine", span.end_line),
                    ("endColumn", span.end_col), ("snippet", _text(shown)))


def _physical(path: str, region: dict[str, Json] | None) -> dict[str, Json]:
    return _members(("artifactLocation", _artifact(path)), ("region", region))


def _location(loc: Location, message: str | None = None, location_id: int | None = None) -> dict[str, Json]:
    text = message if message is not None else loc.label
    return _members(("id", location_id), ("message", _text(message_text(text)) if text else None),
                    ("physicalLocation", _physical(loc.path, _region(loc.span, loc.snippet))))


def _same_place(a: Location, b: Location) -> bool:
    return a.path == b.path and a.span == b.span


# --------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------


def _clip(text: str, limit: int = _GITHUB_MAX_DESCRIPTION) -> str:
    """GitHub rejects description texts over 1024 characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _rule_properties(meta: RuleMeta) -> dict[str, Json]:
    props: dict[str, Json] = {"tags": list(meta.tags), "precision": meta.precision}
    if meta.security_severity:
        props["security-severity"] = meta.security_severity
    props["problem.severity"] = _PROBLEM_SEVERITY.get(meta.level, "warning")
    return props


def _rule(meta: RuleMeta) -> dict[str, Json]:
    """A reportingDescriptor. fullDescription.markdown carries the whole help: it is what VS Code shows."""
    return _members(
        ("id", meta.id),
        ("name", meta.name),
        ("shortDescription", {"text": _clip(meta.short_description)}),
        ("fullDescription", {"text": _clip(meta.full_description),
                             "markdown": meta.help_markdown or meta.full_description}),
        ("defaultConfiguration", {"level": meta.level}),
        ("help", _members(("text", meta.help_text), ("markdown", meta.help_markdown or None))),
        ("helpUri", meta.help_uri or None),
        ("properties", _rule_properties(meta)),
    )


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


def message_text(raw: str, link_to_source: bool = False) -> str:
    """Message text, with `See [source](1).` appended when the source is a related location.

    SARIF (3.11.6) reads `[text](n)` as a link, so where a message has or could be taken to
    have links, literal backslashes and brackets are escaped.
    """
    text = scrub(raw)
    if link_to_source or _LINK_LIKE.search(text):
        text = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    if link_to_source:
        sep = " " if text.endswith((".", "!", "?")) else ". "
        text = f"{text}{sep}See [source]({SOURCE_LOCATION_ID})."
    return text


def _flow(steps: tuple[FlowStep, ...]) -> dict[str, Json]:
    locations: list[Json] = [{"location": _location(s.location, message=s.message)} for s in steps]
    return {"threadFlows": [{"locations": locations}]}


def _fix(fix: Fix) -> dict[str, Json]:
    replacements: list[Json] = [_members(("deletedRegion", _region(r.span)), ("insertedContent", _text(r.text)))
                                for r in fix.replacements]
    change: dict[str, Json] = {"artifactLocation": _artifact(fix.path), "replacements": replacements}
    return _members(("artifactChanges", [change]), ("description", _text(scrub(fix.description))))


def _links_source(f: Finding) -> bool:
    """The source becomes a related location (and a message link) only when it is elsewhere."""
    return f.source is not None and not _same_place(f.source, f.location)


def _result(f: Finding, rule_index: int) -> dict[str, Json]:
    related: list[Json] | None = None
    if f.source is not None and _links_source(f):
        related = [_location(f.source, message="session ID source", location_id=SOURCE_LOCATION_ID)]
    suppressions: list[Json] | None = None
    if f.suppression is not None:
        suppressions = [_members(("kind", f.suppression.kind),
                                 ("justification", scrub(f.suppression.justification)))]
    properties: dict[str, Json] = {k: scrub(v) for k, v in sorted(f.properties)}
    return _members(
        ("ruleId", f.rule_id),
        ("ruleIndex", rule_index),
        ("level", f.level.value),
        ("message", _text(message_text(f.message, link_to_source=_links_source(f)))),
        ("locations", [_location(f.location)]),
        ("baselineState", f.baseline_state),
        ("codeFlows", [_flow(f.flow)] if f.flow else None),
        ("fixes", [_fix(f.fix)] if f.fix is not None else None),
        ("partialFingerprints", {FINGERPRINT_KEY: f.fingerprint} if f.fingerprint else None),
        ("properties", properties or None),
        ("relatedLocations", related),
        ("suppressions", suppressions),
    )


def _result_order(f: Finding) -> tuple[str, int, int, int, int, str, str]:
    """The checker's canonical order, on the values as written (encoded URI, final message).

    `Finding.sort_key` compares raw paths and messages; percent-encoding and message escaping
    can reorder those, so the order is taken on what the log will hold.
    """
    s = f.location.span
    return (artifact_uri(f.location.path), s.start_line, s.start_col, s.end_line, s.end_col, f.rule_id,
            message_text(f.message, link_to_source=_links_source(f)))


def _results(findings: list[Finding], rule_ids: list[str]) -> list[Json]:
    index = {rid: i for i, rid in enumerate(rule_ids)}
    unknown = sorted({f.rule_id for f in findings} - index.keys())
    if unknown:
        raise ValueError(f"findings for rules missing from the catalogue: {', '.join(unknown)}")
    return [_result(f, index[f.rule_id]) for f in sorted(findings, key=_result_order)]


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def _notification(n: Notification) -> dict[str, Json]:
    locations: list[Json] | None = None
    if n.path is not None:
        region = _region(n.span) if n.span is not None else None
        locations = [{"physicalLocation": _physical(n.path, region)}]
    return _members(("level", n.level.value), ("message", _text(message_text(n.message))),
                    ("locations", locations), ("descriptor", {"id": n.code}))


def portable_command_line(command_line: str | None) -> str | None:
    """The command line, unless it names an absolute path (a machine detail a report must not leak)."""
    if not command_line or _ABSOLUTE_ARG.search(command_line):
        return None
    return command_line


def _invocation(result: ScanResult, options: ReportOptions) -> dict[str, Json]:
    notes: list[Json] = [_notification(n) for n in sorted_notifications(result.notifications)]
    return _members(("executionSuccessful", result.execution_successful),
                    ("commandLine", portable_command_line(options.command_line)),
                    ("toolExecutionNotifications", notes or None))


def _automation_id(result: ScanResult, options: ReportOptions) -> str:
    """GitHub's `category/run-id`: the category with an empty run id (one run per category)."""
    category = redact(options.category or result.category or "apexlint")  # AE-10: `--category 00D…!AQ…`
    return category.rstrip("/") + "/"


def _driver(rules: list[RuleMeta], options: ReportOptions) -> dict[str, Json]:
    version = options.tool_version
    return _members(
        ("name", "apexlint"), ("version", version),
        ("semanticVersion", version if _SEMVER.match(version) else None),
        ("informationUri", INFORMATION_URI),
        ("rules", [_rule(meta) for meta in rules]),
    )


NEWLINE_SEQUENCES = ("\r\n", "\n", "\r")


def sarif_log(result: ScanResult, rules: Mapping[str, RuleMeta], options: ReportOptions) -> dict[str, Json]:
    """The whole SARIF log as JSON values (what `render` writes, made in parts)."""
    ordered = sorted_rules(rules)
    return _log(result, ordered, options, _results(shown_findings(result, options), [r.id for r in ordered]))


def _log(result: ScanResult, ordered_rules: list[RuleMeta], options: ReportOptions, results: list[Json]
         ) -> dict[str, Json]:
    srcroot: dict[str, Json] = {"description": {"text": "The directory apexlint was run from (or --root)."}}
    run: dict[str, Json] = {
        "tool": {"driver": _driver(ordered_rules, options)},
        "automationDetails": {"id": _automation_id(result, options)},
        "columnKind": "utf16CodeUnits",
        "invocations": [_invocation(result, options)],
        # a lone CR ends a line too, as editors count lines (read.decode): SARIF's default is
        # CRLF and LF only, by which a file with old Mac line ends is one line
        "newlineSequences": list(NEWLINE_SEQUENCES),
        "originalUriBaseIds": {SRCROOT: srcroot},
        "results": results,  # written even when empty, and last (see sarif_parts)
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def head_part(result: ScanResult, rules: Mapping[str, RuleMeta], options: ReportOptions) -> str:
    """The log's text with `sarif_parts.RESULTS_MARK` for its results."""
    log = _log(result, sorted_rules(rules), options, [RESULTS_MARK])
    return json.dumps(log, indent=2, ensure_ascii=False)


def result_part(f: Finding, rule_index: int) -> ResultPart:
    """One result's text at its place in the log, and where it goes among the others."""
    return ResultPart(_result_order(f), part_text(_result(f, rule_index)))


def render(result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions) -> None:
    """Write the SARIF log: two-space indent, UTF-8 text, trailing newline."""
    render_parts(result, rules, out, options, None)
