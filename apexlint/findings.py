"""What a scan produces: findings and the scan result handed to reporters.

Rules return `Finding` values; the engine adds suppression and baseline state; reporters only
format what is here and never compute anything new.
"""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from apexlint.ir import Notification, Span
from apexlint.records import frozen

# The partial fingerprint key of a finding in SARIF, and what baselines match on.
FINGERPRINT_KEY = "apexlint/v1"


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"note": 1, "warning": 2, "error": 3}[self.value]


@frozen(order=True)
class Location:
    path: str  # relative to the scan root, forward slashes
    span: Span
    snippet: str | None = None  # exact text of `span` (None when it must not be shown)
    label: str = ""  # short description ("session ID read here", "sent to https://...")


@frozen
class FlowStep:
    """One step of the source → sink path (a SARIF threadFlow location)."""

    location: Location
    message: str


@frozen
class Replacement:
    span: Span
    text: str


@frozen
class Fix:
    """A mechanical rewrite that is safe to apply (becomes SARIF `fixes`)."""

    description: str
    path: str
    replacements: tuple[Replacement, ...]


@frozen
class SuppressionInfo:
    justification: str
    kind: str = "inSource"  # "inSource" | "external" (baseline/config)


@frozen
class Finding:
    rule_id: str
    level: Level
    message: str
    location: Location  # primary: the sink (or the source itself when there is no sink)
    source: Location | None = None  # the session-ID source, as a related location
    flow: tuple[FlowStep, ...] = ()
    fingerprint: str = ""  # stable hash: rule + normalised sink/source text + enclosing method
    properties: tuple[tuple[str, str], ...] = ()  # confidence, endpoint, metadataType ...
    fix: Fix | None = None
    suppression: SuppressionInfo | None = None
    baseline_state: str | None = None  # "new" | "unchanged" when a baseline was given

    def sort_key(self) -> tuple[str, int, int, int, int, str, str]:
        s = self.location.span
        return (self.location.path, s.start_line, s.start_col, s.end_line, s.end_col,
                self.rule_id, self.message)


@frozen
class SourceVerdict:
    """Which rules a session-ID source ended in (SPEC: every source ends in one verdict)."""

    source_id: str
    path: str
    span: Span
    rule_ids: tuple[str, ...]
    in_test: bool = False


@frozen
class PackageInfo:
    name: str
    namespace: str
    layout: str  # "sfdx" | "mdapi" | "files"


@frozen
class SourceContext:
    """A run of a scanned file's lines, so a report can show a finding's code with its surroundings.

    The engine adds one per finding location it wants shown in context (the HTML report shows up
    to 3 lines either side). Lines are the decoded file text as read, without line terminators,
    not redacted; reporters redact and escape them. A location no context covers is shown from
    its `snippet` alone.
    """

    path: str  # as in Location.path
    first_line: int  # 1-based line number of lines[0]
    lines: tuple[str, ...]


@frozen
class ScanResult:
    package: PackageInfo
    findings: tuple[Finding, ...]
    notifications: tuple[Notification, ...]
    verdicts: tuple[SourceVerdict, ...] = ()
    files_scanned: int = 0
    lines_scanned: int = 0
    rules_run: tuple[str, ...] = ()
    test_sources: int = 0  # sources in test code, not reported without --include-tests
    category: str | None = None
    stats: dict[str, float] = field(default_factory=dict)
    execution_successful: bool = True
    contexts: tuple[SourceContext, ...] = ()  # code around findings, for the HTML report
