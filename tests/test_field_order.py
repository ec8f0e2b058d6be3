"""A static field's initialiser runs before any method reads the field, whatever order the data
flow meets them in: a URL built from it is the org's, not "unknown" (NebulaLogger's RestApiSaver)."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
SAVER = REPO / "fixtures" / "clean-sfdx" / "force-app" / "main" / "default" / "classes" / "LogSaver.cls"


def test_a_url_read_from_a_static_final_field_is_the_orgs(tmp_path: Path) -> None:
    # alone in its package, the inner class's field initialiser is met before the outer class's
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/LogSaver.cls": SAVER.read_bytes()})
    for exhaustive in (False, True):
        result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1, exhaustive=exhaustive))
        assert [(f.rule_id, f.location.span.start_line) for f in result.findings] == [("SID010", 28)]
