"""The SARIF log's text, made of parts a later scan can take from this one's.

A log is its head (tool, rules, invocation and notifications, with `results` last of all) and
one JSON text per result, and each part's text is a function of a few inputs: a result's of its
finding and rule index (`sarif.result_part`), the head's of the rules, report options,
notifications and the result's category and success (`sarif.head_part`). A scan whose result
changed only in some findings (a re-scan after an edit the analysis had to see: a line added
moves the findings of that one file) makes only their parts again, and none at all when every
finding is one the last log held (a finding fixed, a suppression added): the log is then put
together without importing the SARIF writer or building any object.

Each part is keyed by a SHA-256 of the pickle of its inputs (without the pickler's memo, as
`remembered.inputs_key`), and its text is what `json.dumps(indent=2)` writes for it at its
depth in the log, so that the whole is byte for byte the dump of the whole (a test holds every
render to it). `sarif.render` goes through here too, with nothing kept: one way to make a log.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections.abc import Mapping
from typing import TextIO

from apexlint.catalogue import RuleMeta
from apexlint.findings import ScanResult
from apexlint.records import frozen
from apexlint.report import ReportOptions, json_text, shown_findings, sorted_rules

# In the head's text, where the results go: a string no value of a log can hold (a NUL is
# written `\u0000` inside JSON strings), and the last value of the log (`results` is the last
# property of the one run, `runs` the last of the log), so it is found from the end.
RESULTS_MARK = "\0apexlint-results\0"
_MARK_TEXT = json.dumps(RESULTS_MARK)
# The depth of a result in the log (log > runs > run > results > result): 4 levels of 2 spaces.
RESULT_INDENT = " " * 8


@frozen
class ResultPart:
    order: tuple[str, int, int, int, int, str, str]  # `sarif._result_order`: where it goes among the others
    text: str  # its JSON at its depth, without the indent of its first line


@frozen
class SarifParts:
    """What a log was made of: its head, and its results' parts by the digest of their inputs."""

    head_key: str
    head: str
    results: dict[str, ResultPart]


def digest(value: object) -> str:
    """A SHA-256 of `value`'s pickle, made without the pickler's memo, so that equal values give
    equal bytes whether or not they share objects (the key of a kept report or part)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def render_parts(result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO, options: ReportOptions,
                 kept: SarifParts | None) -> SarifParts:
    """Write the SARIF log, taking from `kept` the parts made from the same inputs; return this
    log's parts (only those it holds: what a scan after it can take)."""
    ordered = sorted_rules(rules)
    rule_ids = [r.id for r in ordered]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    findings = shown_findings(result, options)
    unknown = sorted({f.rule_id for f in findings} - index.keys())
    if unknown:
        raise ValueError(f"findings for rules missing from the catalogue: {', '.join(unknown)}")
    earlier = kept.results if kept is not None else {}
    keys = [digest((f, index[f.rule_id])) for f in findings]
    parts = {key: earlier[key] for key in keys if key in earlier}
    # everything the head's text depends on
    head_key = digest((ordered, options, result.notifications, result.execution_successful, result.category))
    head = kept.head if kept is not None and kept.head_key == head_key else None
    if len(parts) < len(set(keys)) or head is None:
        from apexlint.report import sarif  # only for parts no earlier log holds
        for key, f in zip(keys, findings, strict=True):
            if key not in parts:
                parts[key] = sarif.result_part(f, index[f.rule_id])
        if head is None:
            head = sarif.head_part(result, rules, options)
    # every finding has its result, equal findings too (a part is kept once)
    out.write(assemble(head, sorted((parts[key] for key in keys), key=lambda p: p.order)))
    return SarifParts(head_key, head, parts)


def part_text(value: object) -> str:
    """A result's JSON as `json.dumps(log, indent=2)` writes it at its depth (no first indent)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + RESULT_INDENT)


def assemble(head: str, results: list[ResultPart]) -> str:
    """The log: the head with its results in place, as UTF-8-safe text with a final newline."""
    at = head.rindex(_MARK_TEXT)
    if results:
        body = f",\n{RESULT_INDENT}".join(p.text for p in results)
        text = head[:at] + body + head[at + len(_MARK_TEXT):]
    else:  # `[]`, as json.dumps writes an empty list
        start = head.rindex("[", 0, at)
        end = head.index("]", at + len(_MARK_TEXT))
        text = head[:start] + "[]" + head[end + 1:]
    return json_text(text) + "\n"
