"""A client that puts a Named Credential's `{!$Credential.OAuthToken}` in the header where it calls
the credential's `callout:` endpoint, and the session where it calls the org (DLRS's
`createService`), sends the session to the org only. The data flow joins branches, so the header
holds both values and the endpoint both URLs; the platform fills in a credential merge field only
for a `callout:` endpoint, which is what pairs them back (analyses/endpoints.py).

Each case is its own package: WSDL2Apex ports keep `endpoint_x` in a field, and the analysis keeps
one store per field, so a second client pointing ports elsewhere would colour this one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
STUB = REPO / "fixtures" / "apex-mdapi-style" / "force-app" / "main" / "default" / "classes" / "MetadataService.cls"

CLIENT = """public with sharing class Client {
    public static MetadataService.MetadataPort port() {
        MetadataService.MetadataPort service = new MetadataService.MetadataPort();
        service.SessionHeader = new MetadataService.SessionHeader_element();
        service.SessionHeader.sessionId = UserInfo.getSessionId();
        String credential = Integration_Settings__c.getInstance().Named_Credential__c;
        if (String.isNotBlank(credential)) {
            service.endpoint_x = String.format('callout:{0}/services/Soap/m/60.0', new List<String>{ credential });
%s
        }
        return service;
    }

    public static void readLayouts() {
        port().readMetadata('Layout', new String[]{ 'Account-Account Layout' });
    }
}
"""
SWAP = "            service.SessionHeader.sessionId = '{!$Credential.OAuthToken}';"


def _rules(tmp_path: Path, swap: str) -> list[str]:
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/MetadataService.cls": STUB.read_bytes(),
                                  f"{SFDX_SOURCE}/classes/Client.cls": (CLIENT % swap).encode()})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    return sorted(f.rule_id for f in result.findings if f.location.path.endswith("Client.cls"))


@pytest.mark.parametrize(("swap", "expected"), [
    (SWAP, ["SID010"]),  # the session goes to the org's own Metadata API only
    ("", ["SID002"]),  # forgot to swap: the credential's host receives the session
    (SWAP.replace("'{!$Credential.OAuthToken}'", "'not a token'"), ["SID002"]),  # anything else is no swap
])
def test_a_session_swapped_for_the_credential_token_goes_to_the_org_only(
        tmp_path: Path, swap: str, expected: list[str]) -> None:
    assert _rules(tmp_path, swap) == expected
