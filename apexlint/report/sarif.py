"""SARIF 2.1.0 report for GitHub code scanning and the VS Code SARIF Viewer.

The log is built from `sarif-om` objects and serialised here with the SARIF (camelCase) property
names that sarif-om keeps in each attrs field's metadata; properties left at None or at
sarif-om's default are dropped, except `level`, which consumers read without applying defaults.

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
from typing import Any, TextIO, TypeAlias
from urllib.parse import quote

import attrs
import sarif_om as om

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
# Written first, in this order, so a reader sees identity before detail; the rest keep
# sarif-om's field order (deterministic either way).
_KEY_ORDER = ("$schema", "id", "name", "version", "semanticVersion", "informationUri", "shortDescription",
              "fullDescription", "ruleId",
              "ruleIndex", "level", "message", "text", "markdown", "uri", "uriBaseId",
              "startLine", "startColumn", "endLine", "endColumn", "locations")
_ALWAYS_WRITTEN = frozenset({"level"})


# --------------------------------------------------------------------------------------
# sarif-om objects -> JSON values
# --------------------------------------------------------------------------------------


def to_json(node: Any) -> Json:
    """Convert a sarif-om object tree to JSON values with SARIF property names."""
    if attrs.has(type(node)):
        return _ordered(_attrs_members(node))
    if isinstance(node, dict):
        return {str(k): to_json(v) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [to_json(v) for v in node]
    if node is None or isinstance(node, str | int | float | bool):
        return node
    raise TypeError(f"cannot serialise {type(node).__name__} into SARIF")


def _attrs_members(node: Any) -> dict[str, Json]:
    members: dict[str, Json] = {}
    for f in attrs.fields(type(node)):
        value = getattr(node, f.name)
        name = f.metadata["schema_property_name"]
        if value is None or (name not in _ALWAYS_WRITTEN and _is_default(f, value)):
            continue
        members[name] = to_json(value)
    return members


def _is_default(f: attrs.Attribute[Any], value: Any) -> bool:
    """True when `value` is sarif-om's default, which SARIF readers assume when it is absent."""
    default: Any = f.default
    if default is attrs.NOTHING:
        return False
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs types Factory as a function
        default = default.factory()
    return type(value) is type(default) and bool(value == default)


def _ordered(members: dict[str, Json]) -> dict[str, Json]:
    first = [k for k in _KEY_ORDER if k in members]
    rest = [k for k in members if k not in _KEY_ORDER]
    return {k: members[k] for k in first + rest}


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


def _artifact(path: str) -> Any:
    return om.ArtifactLocation(uri=artifact_uri(path), uri_base_id=SRCROOT)


def _region(span: Span, snippet: str | None = None) -> Any:
    shown = scrub_snippet(snippet)
    return om.Region(start_line=span.start_line, start_column=span.start_col, end_line=span.end_line,
                     end_column=span.end_col,
                     snippet=om.ArtifactContent(text=shown) if shown is not None else None)


def _location(loc: Location, message: str | None = None, location_id: int | None = None) -> Any:
    text = message if message is not None else loc.label
    return om.Location(
        id=location_id if location_id is not None else -1,
        physical_location=om.PhysicalLocation(artifact_location=_artifact(loc.path),
                                              region=_region(loc.span, loc.snippet)),
        message=om.Message(text=message_text(text)) if text else None,
    )


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


def _rule(meta: RuleMeta) -> Any:
    """A reportingDescriptor. fullDescription.markdown carries the whole help: it is what VS Code shows."""
    return om.ReportingDescriptor(
        id=meta.id,
        name=meta.name,
        short_description=om.MultiformatMessageString(text=_clip(meta.short_description)),
        full_description=om.MultiformatMessageString(text=_clip(meta.full_description),
                                                     markdown=meta.help_markdown or meta.full_description),
        help=om.MultiformatMessageString(text=meta.help_text, markdown=meta.help_markdown or None),
        help_uri=meta.help_uri or None,
        default_configuration=om.ReportingConfiguration(level=meta.level),
        properties=_rule_properties(meta),
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


def _flow(steps: tuple[FlowStep, ...]) -> Any:
    locations = [om.ThreadFlowLocation(location=_location(s.location, message=s.message)) for s in steps]
    return om.CodeFlow(thread_flows=[om.ThreadFlow(locations=locations)])


def _fix(fix: Fix) -> Any:
    replacements = [om.Replacement(deleted_region=_region(r.span),
                                   inserted_content=om.ArtifactContent(text=r.text))
                    for r in fix.replacements]
    change = om.ArtifactChange(artifact_location=_artifact(fix.path), replacements=replacements)
    return om.Fix(description=om.Message(text=scrub(fix.description)), artifact_changes=[change])


def _links_source(f: Finding) -> bool:
    """The source becomes a related location (and a message link) only when it is elsewhere."""
    return f.source is not None and not _same_place(f.source, f.location)


def _result(f: Finding, rule_index: int) -> Any:
    related = None
    if f.source is not None and _links_source(f):
        related = [_location(f.source, message="session ID source", location_id=SOURCE_LOCATION_ID)]
    suppressions = None
    if f.suppression is not None:
        suppressions = [om.Suppression(kind=f.suppression.kind,
                                       justification=scrub(f.suppression.justification))]
    return om.Result(
        rule_id=f.rule_id,
        rule_index=rule_index,
        level=f.level.value,
        message=om.Message(text=message_text(f.message, link_to_source=_links_source(f))),
        locations=[_location(f.location)],
        related_locations=related,
        code_flows=[_flow(f.flow)] if f.flow else None,
        partial_fingerprints={FINGERPRINT_KEY: f.fingerprint} if f.fingerprint else None,
        properties={k: scrub(v) for k, v in sorted(f.properties)} or None,
        suppressions=suppressions,
        baseline_state=f.baseline_state,
        fixes=[_fix(f.fix)] if f.fix is not None else None,
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
    return [to_json(_result(f, index[f.rule_id])) for f in sorted(findings, key=_result_order)]


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def _notification(n: Notification) -> Any:
    locations = None
    if n.path is not None:
        region = _region(n.span) if n.span is not None else None
        locations = [om.Location(physical_location=om.PhysicalLocation(
            artifact_location=_artifact(n.path), region=region))]
    return om.Notification(level=n.level.value, message=om.Message(text=message_text(n.message)),
                           descriptor=om.ReportingDescriptorReference(id=n.code), locations=locations)


def portable_command_line(command_line: str | None) -> str | None:
    """The command line, unless it names an absolute path (a machine detail a report must not leak)."""
    if not command_line or _ABSOLUTE_ARG.search(command_line):
        return None
    return command_line


def _invocation(result: ScanResult, options: ReportOptions) -> Any:
    notes = [_notification(n) for n in sorted_notifications(result.notifications)]
    return om.Invocation(execution_successful=result.execution_successful,
                         command_line=portable_command_line(options.command_line),
                         tool_execution_notifications=notes or None)


def _automation_id(result: ScanResult, options: ReportOptions) -> str:
    """GitHub's `category/run-id`: the category with an empty run id (one run per category)."""
    category = redact(options.category or result.category or "apexlint")  # AE-10: `--category 00D…!AQ…`
    return category.rstrip("/") + "/"


def _driver(rules: list[RuleMeta], options: ReportOptions) -> Any:
    version = options.tool_version
    return om.ToolComponent(
        name="apexlint", version=version,
        semantic_version=version if _SEMVER.match(version) else None,
        information_uri=INFORMATION_URI,
        rules=[_rule(meta) for meta in rules],
    )


NEWLINE_SEQUENCES = ("\r\n", "\n", "\r")


def sarif_log(result: ScanResult, rules: Mapping[str, RuleMeta], options: ReportOptions) -> dict[str, Json]:
    """The whole SARIF log as JSON values (what `render` writes, made in parts)."""
    ordered = sorted_rules(rules)
    return _log(result, ordered, options, _results(shown_findings(result, options), [r.id for r in ordered]))


def _log(result: ScanResult, ordered_rules: list[RuleMeta], options: ReportOptions, results: list[Json]
         ) -> dict[str, Json]:
    srcroot = om.ArtifactLocation(
        description=om.Message(text="The directory apexlint was run from (or --root)."))
    run = om.Run(
        tool=om.Tool(driver=_driver(ordered_rules, options)),
        automation_details=om.RunAutomationDetails(id=_automation_id(result, options)),
        column_kind="utf16CodeUnits",
        # a lone CR ends a line too, as editors count lines (read.decode): SARIF's default is
        # CRLF and LF only, by which a file with old Mac line ends is one line
        newline_sequences=list(NEWLINE_SEQUENCES),
        original_uri_base_ids={SRCROOT: srcroot},
        invocations=[_invocation(result, options)],
    )
    run_json = to_json(run)
    assert isinstance(run_json, dict)
    run_json["results"] = results  # written even when empty, and last (see sarif_parts)
    log = to_json(om.SarifLog(schema_uri=SCHEMA_URI, version="2.1.0", runs=[]))
    assert isinstance(log, dict)
    log["runs"] = [run_json]
    return log


def head_part(result: ScanResult, rules: Mapping[str, RuleMeta], options: ReportOptions) -> str:
    """The log's text with `sarif_parts.RESULTS_MARK` for its results."""
    log = _log(result, sorted_rules(rules), options, [RESULTS_MARK])
    return json.dumps(log, indent=2, ensure_ascii=False)


def result_part(f: Finding, rule_index: int) -> ResultPart:
    """One result's text at its place in the log, and where it goes among the others."""
    return ResultPart(_result_order(f), part_text(to_json(_result(f, rule_index))))


def render(result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions) -> None:
    """Write the SARIF log: two-space indent, UTF-8 text, trailing newline."""
    render_parts(result, rules, out, options, None)
