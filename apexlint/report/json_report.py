"""Machine-readable JSON report; also the file `--baseline` reads back (by `fingerprint`).

Schema, version 1 (keys are sorted in the output; every key below is always present, `null` when
there is no value, so consumers need no existence checks):

    {
      "version": 1,
      "tool": {"name": "apexlint", "version": str},
      "package": {"name": str, "namespace": str, "layout": "sfdx" | "mdapi" | "files"},
      "summary": {
        "findings": int,                  # unsuppressed findings
        "byLevel": {"error": int, "warning": int, "note": int},   # unsuppressed
        "byRule": {"SID002": int, ...},   # unsuppressed; every rule run, zeros included
        "files": int, "lines": int,
        "suppressed": int, "testSources": int, "notifications": int,
        "rulesRun": [str], "executionSuccessful": bool
      },
      "findings": [{
        "ruleId", "level", "message", "path", "startLine", "startColumn", "endLine",
        "endColumn", "snippet": str | null, "label": str,
        "source": {"path", "startLine", "startColumn", "endLine", "endColumn", "snippet", "label"}
                  | null,
        "flow": [{"path", "startLine", "startColumn", "endLine", "endColumn", "message"}],
        "fingerprint": str,
        "properties": {str: str},
        "fix": {"description", "path", "replacements": [{"startLine", "startColumn", "endLine",
                "endColumn", "text"}]} | null,
        "suppression": {"kind": "inSource" | "external", "justification": str} | null,
        "baselineState": "new" | "unchanged" | null,
        "remediation": str | null     # the rule's secure alternative, in one sentence
      }],
      "notifications": [{"code", "level", "message", "path": str | null,
                         "startLine", "startColumn", "endLine", "endColumn": int | null}],
      "verdicts": [{"sourceId", "path", "startLine", "startColumn", "endLine", "endColumn",
                    "ruleIds": [str], "inTest": bool}]
    }

Positions are 1-based lines and 1-based UTF-16 columns, end column exclusive (as in SARIF).
Paths are as the scan recorded them, except that a token-shaped run in a file or folder name is
redacted like any other text (`secrets.redact_all`). Human-readable strings (messages, labels,
justifications, property values) have token-shaped secrets redacted and control characters
escaped as `\x1b`-style text; snippets holding a secret are `null`.
Timings (`ScanResult.stats`) are left out: the same scan must give byte-identical JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TextIO, TypeAlias

from apexlint.catalogue import RuleMeta
from apexlint.findings import Finding, Fix, FlowStep, Level, Location, ScanResult, SourceVerdict
from apexlint.ir import Notification, Span
from apexlint.report import (
    ReportOptions,
    json_text,
    scrub,
    scrub_snippet,
    shown_findings,
    sorted_notifications,
    sorted_verdicts,
)
from apexlint.secrets import redact_all

Json: TypeAlias = dict[str, "Json"] | list["Json"] | str | int | float | bool | None

SCHEMA_VERSION = 1


def _span(span: Span | None) -> dict[str, Json]:
    if span is None:
        return {"startLine": None, "startColumn": None, "endLine": None, "endColumn": None}
    return {"startLine": span.start_line, "startColumn": span.start_col,
            "endLine": span.end_line, "endColumn": span.end_col}


def _location(loc: Location) -> dict[str, Json]:
    return {"path": loc.path, **_span(loc.span), "snippet": scrub_snippet(loc.snippet),
            "label": scrub(loc.label)}


def _flow_step(step: FlowStep) -> dict[str, Json]:
    return {"path": step.location.path, **_span(step.location.span), "message": scrub(step.message)}


def _fix(fix: Fix) -> dict[str, Json]:
    replacements: list[Json] = [{**_span(r.span), "text": r.text} for r in fix.replacements]
    return {"description": scrub(fix.description), "path": fix.path, "replacements": replacements}


def _finding(f: Finding, rules: Mapping[str, RuleMeta]) -> dict[str, Json]:
    """One finding; `fingerprint` is the key a later `--baseline` run matches on."""
    suppression: Json = None
    if f.suppression is not None:
        suppression = {"kind": f.suppression.kind, "justification": scrub(f.suppression.justification)}
    return {
        "ruleId": f.rule_id,
        "level": f.level.value,
        "message": scrub(f.message),
        **_location(f.location),
        "source": _location(f.source) if f.source is not None else None,
        "flow": [_flow_step(s) for s in f.flow],
        "fingerprint": f.fingerprint,
        "properties": {k: scrub(v) for k, v in sorted(f.properties)},
        "fix": _fix(f.fix) if f.fix is not None else None,
        "suppression": suppression,
        "baselineState": f.baseline_state,
        "remediation": rule.remediation if (rule := rules.get(f.rule_id)) is not None and rule.remediation else None,
    }


def _notification(n: Notification) -> dict[str, Json]:
    return {"code": n.code, "level": n.level.value, "message": scrub(n.message), "path": n.path,
            **_span(n.span)}


def _verdict(v: SourceVerdict) -> dict[str, Json]:
    rule_ids: list[Json] = list(sorted(v.rule_ids))
    return {"sourceId": v.source_id, "path": v.path, **_span(v.span), "ruleIds": rule_ids,
            "inTest": v.in_test}


def _summary(result: ScanResult) -> dict[str, Json]:
    """Counts of what the scan found: unsuppressed findings by level and rule, and the rest."""
    active = [f for f in result.findings if f.suppression is None]
    rule_ids = sorted(set(result.rules_run) | {f.rule_id for f in result.findings})
    by_rule: dict[str, Json] = {rid: sum(1 for f in active if f.rule_id == rid) for rid in rule_ids}
    by_level: dict[str, Json] = {lv.value: sum(1 for f in active if f.level is lv) for lv in Level}
    rules_run: list[Json] = list(sorted(result.rules_run))
    return {
        "findings": len(active),
        "byLevel": by_level,
        "byRule": by_rule,
        "files": result.files_scanned,
        "lines": result.lines_scanned,
        "suppressed": len(result.findings) - len(active),
        "testSources": result.test_sources,
        "notifications": len(result.notifications),
        "rulesRun": rules_run,
        "executionSuccessful": result.execution_successful,
    }


def report_document(result: ScanResult, options: ReportOptions,
                    rules: Mapping[str, RuleMeta] | None = None) -> dict[str, Json]:
    """The whole report as plain JSON values (what `render` writes)."""
    rules = rules or {}
    pkg = result.package
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "apexlint", "version": options.tool_version},
        "package": {"name": pkg.name, "namespace": pkg.namespace, "layout": pkg.layout},
        "summary": _summary(result),
        "findings": [_finding(f, rules) for f in shown_findings(result, options)],
        "notifications": [_notification(n) for n in sorted_notifications(result.notifications)],
        "verdicts": [_verdict(v) for v in sorted_verdicts(result.verdicts)],
    }


def render(result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions) -> None:
    """Write the JSON report: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    dumped = json.dumps(redact_all(report_document(result, options, rules)), indent=2, sort_keys=True,
                        ensure_ascii=False)
    out.write(json_text(dumped) + "\n")


