"""A report rendered before from the same inputs is written again as it was, not rendered anew.

Rendering is a pure function of the format, the result, the rules and the report options (the
determinism tests hold every format to it), and of apexlint's code, which names the cache folder
the text is kept in. So a scan whose result came out the same as the last one's (the usual case
when a developer changes a file with no finding in it) writes the kept text, with no result or rule
rendered again. A SARIF log made from other
inputs is made of the parts it shares with the kept one (`sarif_parts`): only the results whose
finding changed are rendered again.

The inputs are identified by a SHA-256 of their pickle, made without the pickler's memo, so that
equal values give equal bytes whether or not they share objects. Of the result, only the fields
the format reads count (`READS`; the tests hold each reporter to it): a comment line added
changes the lines scanned, which SARIF does not show. The kept text is sealed like
every cache file (a report planted in a scanned repository's cache is never written out), and is
kept per format, the last one of each. HTML is always rendered: its templates are files that are
not part of the code the cache folder is named after.
"""

from __future__ import annotations

import contextlib
import io
import pickle
from collections.abc import Mapping
from typing import Protocol, TextIO

from apexlint.catalogue import RuleMeta
from apexlint.findings import ScanResult
from apexlint.report import ReportOptions, render_report
from apexlint.report.sarif_parts import SarifParts, digest, render_parts

# The fields of a ScanResult each format's reporter reads (directly or through the helpers in
# `apexlint.report`); a reporter that starts reading another must have it added here.
READS: dict[str, tuple[str, ...]] = {
    "sarif": ("findings", "notifications", "execution_successful", "category"),
    "json": ("package", "findings", "notifications", "verdicts", "rules_run", "files_scanned", "lines_scanned",
             "test_sources", "execution_successful"),
    "text": ("findings", "notifications", "files_scanned", "lines_scanned", "test_sources"),
}
REMEMBERED_FORMATS = frozenset(READS)


class ReportKeeper(Protocol):
    """Where the last report of each format is kept (a `LoweringCache`)."""

    def report(self, fmt: str) -> object | None: ...

    def put_report(self, fmt: str, blob: bytes) -> None: ...


def render_remembered(fmt: str, result: ScanResult, rules: Mapping[str, RuleMeta], out: TextIO,
                      options: ReportOptions, keeper: ReportKeeper | None) -> None:
    """`render_report`, or the text it gave for the same inputs when `keeper` still holds it."""
    key = inputs_key(fmt, result, rules, options) if keeper is not None and fmt in REMEMBERED_FORMATS else None
    if keeper is None or key is None:
        render_report(fmt, result, rules, out, options)
        return
    kept = keeper.report(fmt)
    if isinstance(kept, tuple) and len(kept) == 3 and kept[0] == key and isinstance(kept[1], str):
        out.write(kept[1])
        return
    buffer = io.StringIO()
    parts: SarifParts | None = None
    if fmt == "sarif":  # made of the parts the last log shares with this one (see sarif_parts)
        earlier = kept[2] if isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[2], SarifParts) else None
        parts = render_parts(result, rules, buffer, options, earlier)
    else:
        render_report(fmt, result, rules, buffer, options)
    text = buffer.getvalue()
    out.write(text)
    with contextlib.suppress(Exception):  # what cannot be kept is rendered again next time
        keeper.put_report(fmt, pickle.dumps((key, text, parts), protocol=pickle.HIGHEST_PROTOCOL))


def inputs_key(fmt: str, result: ScanResult, rules: Mapping[str, RuleMeta], options: ReportOptions) -> str | None:
    """A digest of everything the report depends on besides the code: the format, the fields of
    the result it reads, the rules and the options. None if they do not pickle."""
    try:
        return digest((fmt, {name: getattr(result, name) for name in READS[fmt]}, dict(rules), options))
    except (pickle.PicklingError, RecursionError, TypeError, ValueError):
        return None

