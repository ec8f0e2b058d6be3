"""S-controls (`scontrols/X.scf`): read as the page (HTML) or the link (URL) Salesforce makes of them
(the fixture `metadata-mdapi` holds an HTML one; a URL one is a bare URL, with no room for an
annotation)."""

from __future__ import annotations

from pathlib import Path

from apexlint.discover.classify import classify
from apexlint.engine import ScanOptions, scan
from apexlint.ir import FileKind
from tests.fuzz.inputs import write_sfdx_package

SCONTROLS = "force-app/main/default/scontrols"


def _findings(root: Path) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for f in scan(ScanOptions(paths=(root,), root=root, jobs=1)).findings:
        out.setdefault(Path(f.location.path).name, []).append((f.rule_id, f.message))
    return out


def test_an_s_control_is_read_as_a_page_and_its_metadata_file_is_skipped() -> None:
    found = classify("Partner_Frame.scf", ["src", "scontrols"])
    assert found is not None and (found.kind, found.metadata_type) == (FileKind.VISUALFORCE_PAGE, "Scontrol")
    assert classify("Partner_Frame.scf-meta.xml", ["src", "scontrols"]) is None


def test_a_url_s_control_is_a_link_to_its_url(tmp_path: Path) -> None:
    """A URL S-control opens its URL with the merge fields filled in, as a URL custom link does:
    the session to a partner's host is an export in a URL (SID002, SID006), to the org's own page
    still a session in a URL (SID006), and a URL without a session is nothing."""
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SCONTROLS}/Partner_Launch.scf":
            b"https://app.partner.example.com/launch?sid={!API.Session_ID}&server={!API.Partner_Server_URL_90}\n",
        f"{SCONTROLS}/Org_Launch.scf": b"/apex/Landing?sid={!API.Session_ID}",
        f"{SCONTROLS}/No_Session.scf": b"https://app.partner.example.com/launch?id={!Account.Id}",
    })
    found = _findings(root)
    partner = dict(found["Partner_Launch.scf"])
    assert sorted(partner) == ["SID002", "SID006"], found
    assert "is sent by s-control to app.partner.example.com (an external host)" in partner["SID002"], partner
    assert [rule for rule, _ in found["Org_Launch.scf"]] == ["SID006"], found
    assert "No_Session.scf" not in found, found


def test_an_html_s_control_does_not_stand_in_for_a_page_of_its_name(tmp_path: Path) -> None:
    """No `Page.X` reaches an S-control: the page the Visualforce session trick renders is the
    package's page of that name, even where the S-control's path sorts first."""
    root = write_sfdx_package(tmp_path / "pkg", {
        "force-app/main/default/classes/Sessions.cls":
            b"public class Sessions {\n"
            b"    public static String sid() { return Page.Landing.getContent().toString(); }\n"
            b"}\n",
        "force-app/main/default/pages/Landing.page": b"<apex:page>{!$Api.Session_ID}</apex:page>\n",
        "force-app/main/default/aaa/scontrols/Landing.scf": b"<html><body>{!API.Session_ID}</body></html>\n",
    })
    found = _findings(root)
    [message] = [m for r, m in found["Sessions.cls"] if r == "SID007"]
    assert "Landing.page:1" in message and "Landing.scf" not in message, message


def test_the_ajax_toolkit_beta_client_is_the_org_s_ui_client(tmp_path: Path) -> None:
    """`sforceClient.init(sid, serverUrl)` (`sforceclient.js`, the AJAX Toolkit's beta, in old
    S-controls) logs in to the server URL it is given, as `sforce.connection.init` does: the org's
    (SID010), or another host (SID002)."""
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SCONTROLS}/Org_Client.scf":
            b"<html><script>\n"
            b'sforceClient.init("{!API.Session_ID}", "{!API.Partner_Server_URL_70}");\n'
            b"var r = sforceClient.Query('select Id from Account');\n"
            b"</script></html>\n",
        f"{SCONTROLS}/Other_Client.scf":
            b"<html><script>\n"
            b'window.sforceClient.init("{!API.Session_ID}", "https://proxy.partner.example.com/soap");\n'
            b"</script></html>\n",
    })
    found = _findings(root)
    [(rule, message)] = found["Org_Client.scf"]
    assert rule == "SID010" and "standard UI request through sforceClient" in message, found
    assert [rule for rule, _ in found["Other_Client.scf"]] == ["SID002"], found


def test_a_token_written_into_a_url_s_control_is_a_hard_coded_token(tmp_path: Path) -> None:
    """SID009 holds in any file: a URL S-control that carries a live-looking session ID, redacted."""
    token = "00D5g000004XyZaEAK!ARcAQKz8pT3vNq1xLm0bC4dEfGhIjKlMnOpQrStUvWxYz.1234567890abcdef"
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SCONTROLS}/Fixed_Token.scf": f"https://app.partner.example.com/launch?sid={token}".encode(),
    })
    [(rule, message)] = _findings(root)["Fixed_Token.scf"]
    assert rule == "SID009" and token not in message, message
