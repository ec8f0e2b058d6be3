"""What a SID008 message says hands the session to client code: the annotation as Apex code
writes it (fixtures check where findings are; this checks what they say)."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan

REPO = Path(__file__).resolve().parents[1]


def test_client_annotations_are_named_as_written() -> None:
    root = REPO / "fixtures" / "vulnerable-sfdx"
    messages = [f.message for f in scan(ScanOptions(paths=(root,), root=REPO, jobs=1)).findings
                if f.rule_id == "SID008"]
    assert any(m.endswith("ClientApi.sessionForLwc (@AuraEnabled)") for m in messages)
    assert any(m.endswith("ClientApi.context (@RemoteAction)") for m in messages)
    assert not any("@auraenabled" in m or "@remoteaction" in m for m in messages)
