"""What a finding says of a session read through a formula field (`$Api.Session_ID` in a custom
field's formula, selected by a query): the fixtures check where findings are, this what they say."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan

REPO = Path(__file__).resolve().parents[1]
READER = "fixtures/metadata-sfdx/force-app/main/default/classes/FormulaSessionReader.cls"


def test_a_formula_fields_session_in_a_url_is_one_url_and_the_query_is_named() -> None:
    """W-5: the field's text is the session, not a configured value: one URL, with the session
    where it sits, and the query that reads the field named as the step it is."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "metadata-sfdx",), root=REPO, jobs=1))
    messages = {(f.rule_id, f.location.span.start_line): f.message for f in result.findings
                if f.location.path == READER}
    url = "https://docs.partner.example.com/v1/push?session=<session ID>"
    read = "; the SOQL query at FormulaSessionReader.cls:23 reads it from formula field User.Api_Session__c"
    sent, placed = messages[("SID002", 28)], messages[("SID006", 28)]
    assert f"is sent in the URL to {url} (docs.partner.example.com: not this org)" in sent, sent
    assert f"is put into the URL of a callout to {url};" in placed, placed
    for message in (sent, placed):
        assert message.endswith(read), message
        assert "<configured value>" not in message and "may also go to" not in message, message
        assert message.count("docs.partner.example.com/v1/push") == 1, message
    # the step in the flow says the same
    (finding,) = [f for f in result.findings if f.rule_id == "SID002" and f.location.span.start_line == 28
                  and f.location.path == READER]
    assert finding.flow[0].message == "session ID read from formula field User.Api_Session__c by the SOQL query"
