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


def test_an_unused_session_says_where_it_is_filled_in() -> None:
    """SID011's text names the page, the email, the formula or the metadata element: a formula
    field is not 'rendered into the page' (K-10)."""
    from apexlint.checks.session_id_unresolved_use import _merged_where
    assert _merged_where("force-app/main/default/pages/P.page", "script") == "is rendered into the page"
    assert _merged_where("email/T/W.email", "") == "is rendered into the email"
    assert _merged_where("objects/Contact/fields/S__c.field-meta.xml", "CustomField/formula") == \
        "is the value of a formula (every reader of the field gets it)"
    assert _merged_where("workflows/O.workflow-meta.xml", "Workflow/fieldUpdates/formula") == \
        "is computed by a workflow field update's formula"
    assert _merged_where("weblinks/W.weblink", "WebLink/url") == "is filled into WebLink/url"
