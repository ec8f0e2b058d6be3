"""The CI gate: what the configuration, inline suppressions and a baseline do to the findings,
and the exit code that follows.

The order is fixed (`prepare_findings` runs it): rules the configuration turned off are dropped,
level overrides are applied, inline suppressions are matched, the baseline marks what was already
known; `exit_code` then counts only what is left active. Suppressed and baselined findings stay in
the result: SARIF and HTML show them (with the justification) because a security reviewer must
see what was waived and why.

A suppression that cannot be honoured is reported as a tool notification, not as a finding: the
SARIF `ruleId` of a result must come from the rule catalogue (SID001–SID011), and a suppression
comment is not a session-ID use. Notification codes:

- `suppression-without-reason` (warning): the directive has no `-- reason`; it suppresses nothing.
- `suppression-without-rule` (warning): the directive names no rule id; it suppresses nothing.
- `suppression-unknown-rule` (warning): it names an id that is not in the catalogue.
- `unused-suppression` (note): a justified suppression matched no finding on its target line.
- `redundant-suppression` (note): stacked directives name the same rule for the same line; the one
  nearest the line is applied (its reason is kept) and the farther one is this note.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from apexlint import __version__
from apexlint.catalogue import RuleMeta, rule
from apexlint.config import Config
from apexlint.findings import FINGERPRINT_KEY, Finding, Level, ScanResult, SuppressionInfo
from apexlint.ir import FileIR, NoticeLevel, Notification, Suppression
from apexlint.report import ReportOptions

__all__ = [
    "BaselineError",
    "apply_baseline",
    "apply_levels",
    "apply_suppressions",
    "exit_code",
    "filter_rules",
    "gate_counts",
    "is_active",
    "load_baseline",
    "load_baseline_counts",
    "prepare_findings",
    "rules_with_levels",
    "suppressions_by_path",
    "write_baseline",
]

_FAIL_ON_RANK: Final[Mapping[str, int]] = {"note": 1, "warning": 2, "error": 3}


class BaselineError(ValueError):
    """A baseline file cannot be read or written; the message is one line naming the file."""


# --- configuration ----------------------------------------------------------------------------------


def filter_rules(
    findings: Iterable[Finding], enabled: Set[str] | None, disabled: Set[str] = frozenset()
) -> list[Finding]:
    """Findings of enabled rules only (`enabled` None = all); a disabled rule is off even if enabled."""
    return [f for f in findings
            if f.rule_id not in disabled and (enabled is None or f.rule_id in enabled)]


def apply_levels(findings: Iterable[Finding], levels: Mapping[str, str]) -> list[Finding]:
    """Every finding of a rule named in `levels` takes that level (the project decides severity)."""
    return [f if f.rule_id not in levels else replace(f, level=Level(levels[f.rule_id]))
            for f in findings]


def rules_with_levels(rules: Mapping[str, RuleMeta], levels: Mapping[str, str]) -> dict[str, RuleMeta]:
    """The catalogue as reporters should describe it: SARIF `defaultConfiguration.level` must agree
    with the results' levels after a project's overrides."""
    return {rid: replace(meta, level=levels.get(rid, meta.level)) for rid, meta in rules.items()}


# --- inline suppressions ----------------------------------------------------------------------------


def suppressions_by_path(files: Iterable[FileIR]) -> dict[str, tuple[Suppression, ...]]:
    """The `suppressions` argument of `apply_suppressions`, from the lowered files."""
    return {f.path: f.suppressions for f in files if f.suppressions}


def apply_suppressions(
    findings: Sequence[Finding], suppressions: Mapping[str, Sequence[Suppression]]
) -> tuple[list[Finding], list[Notification]]:
    """Mark findings waived by a justified `disable-next-line` directive on the line above them.

    A finding is suppressed when its primary location starts on a directive's target line in the
    same file and the directive names its rule (ids are matched case-insensitively, rule names
    too). Returns the findings (same order, suppressed ones carrying `SuppressionInfo`) and one
    notification per directive that could not be honoured or went unused.
    """
    notifications: list[Notification] = []
    usable: dict[tuple[str, int], list[tuple[Suppression, frozenset[str]]]] = {}
    for path in sorted(suppressions):
        for directive in sorted(suppressions[path], key=lambda s: (s.line, s.span)):
            rule_ids, problems = _check_directive(path, directive)
            notifications.extend(problems)
            if rule_ids and directive.reason.strip():
                usable.setdefault((path, directive.target_line), []).append((directive, rule_ids))
    used: set[tuple[str, Suppression]] = set()
    shadowed: dict[tuple[str, Suppression], tuple[Suppression, set[str]]] = {}
    out: list[Finding] = []
    for finding in findings:
        matches = _matching_directives(finding, usable)
        if matches:
            path, match = finding.location.path, matches[0]
            used.add((path, match))
            for farther in matches[1:]:
                shadowed.setdefault((path, farther), (match, set()))[1].add(finding.rule_id)
            if finding.suppression is None:
                finding = replace(finding, suppression=SuppressionInfo(match.reason.strip(), "inSource"))
        out.append(finding)
    notifications.extend(_unused(usable, used, shadowed))
    return out, notifications


def _matching_directives(
    finding: Finding, usable: Mapping[tuple[str, int], list[tuple[Suppression, frozenset[str]]]]
) -> list[Suppression]:
    """The directives that name the finding's rule for its line, nearest the line first: of two
    stacked directives (Apex skips comment lines to find the line a directive covers), the one
    directly above the code is the one its author last wrote for it."""
    candidates = usable.get((finding.location.path, finding.location.span.start_line), [])
    return sorted((directive for directive, ids in candidates if finding.rule_id in ids),
                  key=lambda d: (d.span.end_line, d.span.end_col), reverse=True)


def _check_directive(path: str, directive: Suppression) -> tuple[frozenset[str], list[Notification]]:
    """The catalogue ids a directive names, and notifications for what is wrong with it."""
    problems: list[Notification] = []
    known: set[str] = set()
    for name in directive.rule_ids:
        try:
            known.add(rule(name).id)
        except KeyError:
            problems.append(_note(path, directive, "suppression-unknown-rule",
                                  f"names {name!r}, which is not an apexlint rule; it suppresses nothing"))
    if not directive.rule_ids:
        problems.append(_note(path, directive, "suppression-without-rule",
                              "names no rule id (e.g. SID002); it suppresses nothing"))
    elif not directive.reason.strip():
        problems.append(_note(path, directive, "suppression-without-reason",
                              "has no reason ('-- why this is safe'); it suppresses nothing "
                              "until a justification is given"))
    return frozenset(known), problems


def _unused(
    usable: Mapping[tuple[str, int], list[tuple[Suppression, frozenset[str]]]],
    used: set[tuple[str, Suppression]],
    shadowed: Mapping[tuple[str, Suppression], tuple[Suppression, set[str]]],
) -> list[Notification]:
    notes: list[Notification] = []
    for (path, line), entries in usable.items():
        for directive, ids in entries:
            if (path, directive) in used:
                continue
            if (path, directive) in shadowed:
                nearer, rules = shadowed[(path, directive)]
                notes.append(_note(
                    path, directive, "redundant-suppression",
                    f"is redundant: the directive on line {nearer.line} also names {'/'.join(sorted(rules))} "
                    f"for line {line} and is the one applied (its reason is kept); remove one of them",
                    NoticeLevel.NOTE))
                continue
            notes.append(_note(
                path, directive, "unused-suppression",
                f"matches no {'/'.join(sorted(ids))} finding on line {line}; remove it if the code changed",
                NoticeLevel.NOTE))
    return notes


def _note(path: str, directive: Suppression, code: str, text: str,
          level: NoticeLevel = NoticeLevel.WARNING) -> Notification:
    message = f"{path}:{directive.line}: suppression comment {text}"
    return Notification(code, message, level, path, directive.span)


# --- baselines --------------------------------------------------------------------------------------


def load_baseline(path: Path) -> frozenset[str]:
    """The fingerprints recorded in a previous apexlint SARIF or JSON result."""
    return frozenset(load_baseline_counts(path))


def load_baseline_counts(path: Path) -> Counter[str]:
    """How many findings of each fingerprint a previous SARIF or JSON result recorded.

    Counts matter when one method holds the same call twice: both findings share a fingerprint,
    and a third copy added later is new.
    """
    document = _read_json(path)
    if isinstance(document, dict) and "runs" in document:
        return _sarif_fingerprints(document, path)
    if isinstance(document, dict) and "findings" in document:
        return _json_fingerprints(document, path)
    raise BaselineError(f"{path}: not an apexlint SARIF or JSON report (no 'runs' or 'findings')")


def _read_json(path: Path) -> Any:
    import json  # a baseline's, a report's and a temporary file's modules: only a gate with a baseline pays

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise BaselineError(f"{path}: cannot read baseline ({reason})") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: baseline is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        detail = f"line {error.lineno}: {error.msg}"
        raise BaselineError(f"{path}: baseline is not valid JSON ({detail})") from None
    except RecursionError:
        raise BaselineError(f"{path}: baseline is not valid JSON (nested too deeply to read)") from None


def _sarif_fingerprints(document: Mapping[str, Any], path: Path) -> Counter[str]:
    runs = document["runs"]
    if not isinstance(runs, list):
        raise BaselineError(f"{path}: SARIF 'runs' is not a list")
    counts: Counter[str] = Counter()
    results = 0
    for run in runs:
        run_results = run.get("results") if isinstance(run, dict) else None
        if not isinstance(run_results, list):
            raise BaselineError(f"{path}: a SARIF run has no 'results' list")
        results += len(run_results)
        for result in run_results:
            prints = result.get("partialFingerprints") if isinstance(result, dict) else None
            value = prints.get(FINGERPRINT_KEY) if isinstance(prints, dict) else None
            if isinstance(value, str) and value:
                counts[value] += 1
    if results and not counts:
        raise BaselineError(f"{path}: no result carries an '{FINGERPRINT_KEY}' fingerprint "
                            "(not written by apexlint?)")
    return counts


def _json_fingerprints(document: Mapping[str, Any], path: Path) -> Counter[str]:
    findings = document["findings"]
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: JSON 'findings' is not a list")
    counts: Counter[str] = Counter()
    for index, item in enumerate(findings):
        value = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value:
            raise BaselineError(f"{path}: findings[{index}] has no 'fingerprint'")
        counts[value] += 1
    return counts


def apply_baseline(findings: Iterable[Finding], baseline: Set[str] | Mapping[str, int]) -> list[Finding]:
    """Mark each finding `unchanged` when the baseline has it, else `new`.

    With counts (`load_baseline_counts`), only as many findings per fingerprint as the baseline
    recorded are unchanged, the first ones in report order; with a plain set, every one is.
    """
    remaining: dict[str, int] | None = dict(baseline) if isinstance(baseline, Mapping) else None
    ordered = sorted(enumerate(findings), key=lambda pair: pair[1].sort_key())
    states: dict[int, str] = {}
    for index, finding in ordered:
        states[index] = _baseline_state(finding.fingerprint, baseline, remaining)
    return [replace(f, baseline_state=states[i]) for i, f in sorted(ordered, key=lambda pair: pair[0])]


def _baseline_state(fingerprint: str, baseline: Set[str] | Mapping[str, int],
                    remaining: dict[str, int] | None) -> str:
    if not fingerprint:
        return "new"
    if remaining is None:
        return "unchanged" if fingerprint in baseline else "new"
    if remaining.get(fingerprint, 0) > 0:
        remaining[fingerprint] -= 1
        return "unchanged"
    return "new"


def write_baseline(result: ScanResult, rules: Mapping[str, RuleMeta], path: Path) -> None:
    """Write `result` as our JSON report, the format `--baseline` reads back.

    Written to a temporary file beside the target and renamed, so an interrupted run never leaves
    a truncated baseline that would make every finding look new.
    """
    import io
    import tempfile

    from apexlint.report import json_report

    options = ReportOptions(color=False, tool_version=__version__, include_suppressed=True)
    text = io.StringIO()
    json_report.render(result, rules, text, options)
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="\n", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
            delete=False,
        ) as stream:
            temporary = Path(stream.name)
            stream.write(text.getvalue())
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        reason = error.strerror or type(error).__name__
        raise BaselineError(f"{path}: cannot write baseline ({reason})") from None


# --- the gate ---------------------------------------------------------------------------------------


def is_active(finding: Finding) -> bool:
    """A finding that counts against the gate: neither suppressed nor already in the baseline."""
    return finding.suppression is None and finding.baseline_state != "unchanged"


def exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    """1 when an active finding is at or above `fail_on` (note < warning < error), else 0.

    `never` always gives 0 (report-only runs, e.g. the SARIF upload step of the GitHub Action).
    """
    if fail_on == "never":
        return 0
    threshold = _FAIL_ON_RANK.get(fail_on)
    if threshold is None:
        raise ValueError(f"fail_on must be one of error, warning, note, never; got {fail_on!r}")
    return int(any(is_active(f) and f.level.rank >= threshold for f in findings))


def gate_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts for a summary line: active, suppressed, and baselined (unchanged) findings."""
    counts = {"active": 0, "suppressed": 0, "unchanged": 0}
    for f in findings:
        key = "suppressed" if f.suppression is not None else (
            "unchanged" if f.baseline_state == "unchanged" else "active")
        counts[key] += 1
    return counts


def prepare_findings(
    findings: Iterable[Finding],
    suppressions: Mapping[str, Sequence[Suppression]],
    config: Config,
    baseline: Set[str] | Mapping[str, int] | None = None,
) -> tuple[list[Finding], list[Notification]]:
    """Everything the gate does to a scan's findings, in order: rules, levels, suppressions, baseline.

    Returns findings in report order and the notifications about suppression comments.
    """
    kept = filter_rules(findings, config.enabled_rules, config.disabled_rules)
    leveled = apply_levels(kept, config.levels)
    marked, notifications = apply_suppressions(leveled, suppressions)
    if baseline is not None:
        marked = apply_baseline(marked, baseline)
    return sorted(marked, key=Finding.sort_key), notifications
