"""JavaScript inside a zipped static resource: read in memory, reported on the archive.

A zip member has no path of its own in SARIF or in the editor, and an annotation comment
cannot live in a binary file, so these cases are not in the annotated fixtures: each finding
lands on the `.resource` archive at line 1, column 1, and its message names the member and
the member's line.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult

SYNC_JS = """\
/* partner kit: pushes the page's session to the partner (an export) */
var sid = sforce.connection.sessionId;
fetch('https://sync.partner.example.com/v1/state', { method: 'POST', headers: { 'X-Session': sid } });
"""
ORG_JS = """\
// same-org REST call through the AJAX Toolkit's session: supported
function orgLimits() {
    return fetch('/services/data/v59.0/limits', {
        headers: { Authorization: 'Bearer ' + window.__sfdcSessionId }
    });
}
"""
NOTES_JS = "// mentions only: sforce.connection.sessionId, __sfdcSessionId\nvar help = 'sforce.connection.sessionId';\n"
META = """<?xml version="1.0" encoding="UTF-8"?>
<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">
    <cacheControl>Private</cacheControl>
    <contentType>application/zip</contentType>
</StaticResource>
"""
ARCHIVE = "src/staticresources/partnerKit.resource"


def _zip(members: dict[str, str]) -> bytes:
    """A deterministic archive (fixed timestamps), built in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
    return out.getvalue()


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("zipped")
    (root / "src" / "staticresources").mkdir(parents=True)
    (root / "src" / "package.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">'
        "<version>59.0</version></Package>\n")
    (root / ARCHIVE).write_bytes(_zip({"js/sync.js": SYNC_JS, "js/org.js": ORG_JS, "docs/notes.js": NOTES_JS,
                                       "img/logo.png": "\x89PNG"}))
    (root / f"{ARCHIVE}-meta.xml").write_text(META)
    return scan(ScanOptions(paths=(root,), root=root, jobs=1))


def test_zip_members_findings_land_on_the_archive_at_line_one(result: ScanResult) -> None:
    found = sorted((f.rule_id, f.location.path, f.location.span.start_line, f.location.span.start_col)
                   for f in result.findings)
    assert found == [("SID002", ARCHIVE, 1, 1), ("SID010", ARCHIVE, 1, 1)]


def test_export_message_names_the_member_and_its_line(result: ScanResult) -> None:
    (export,) = [f for f in result.findings if f.rule_id == "SID002"]
    assert "sync.partner.example.com" in export.message
    assert "js/sync.js, line 3" in export.message
    assert export.source is not None and export.source.path == ARCHIVE
    assert export.source.label == "js/sync.js line 2"


def test_supported_use_message_names_its_member(result: ScanResult) -> None:
    (note,) = [f for f in result.findings if f.rule_id == "SID010"]
    assert "js/org.js, line 3" in note.message


def test_every_member_source_has_a_verdict_and_mentions_are_not_sources(result: ScanResult) -> None:
    assert len(result.verdicts) == 2
    assert all(v.rule_ids for v in result.verdicts)
    assert not [n for n in result.notifications if n.code == "internal-error"]
