"""What a SID011 message says the session is handed to (fixtures check where findings are; this
checks what they say and which verdict each source ends in)."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan

REPO = Path(__file__).resolve().parents[1]
HANDOFF = "fixtures/vulnerable-sfdx/force-app/main/default/classes/SubscriberHandOff.cls"


def test_a_hand_off_to_a_global_interface_names_the_method_and_blocks_the_supported_use_note() -> None:
    """S-6: `(SyncPlugin) Type.forName(name).newInstance()` then `plugin.run(sid)` hands the
    session to whatever class a subscriber names, even beside a same-org call (no SID010)."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "vulnerable-sfdx",), root=REPO, jobs=1))
    messages = {f.location.span.start_line: f.message for f in result.findings
                if f.rule_id == "SID011" and f.location.path == HANDOFF}
    assert "is passed to SyncPlugin.run (global interface; the implementation is chosen at run time)" \
        in messages[16], messages
    assert "is passed to SyncHook.beforeSync (global virtual method; the implementation is chosen at run time)" \
        in messages[37], messages
    verdicts = {v.source_id.rpartition(":")[0].rpartition(":")[2]: v.rule_ids for v in result.verdicts
                if v.source_id.startswith(HANDOFF)}
    # from a setting, beside a same-org call; by name, beside the package's own plugin; handed in
    assert verdicts["6"] == verdicts["21"] == verdicts["30"] == ("SID011",), verdicts
    # made here, named by a literal, a package-made hook: the package's own same-org call
    assert verdicts["45"] == verdicts["51"] == verdicts["57"] == ("SID010",), verdicts


def test_the_global_apis_callers_and_a_flows_inputs_are_named_as_where_the_session_goes() -> None:
    """T-9: a session a global method returns, or a flow is started with, is handed to code apexlint
    cannot read: SID011 says where, not that it "reaches no use" (and to "remove it")."""
    api = "fixtures/vulnerable-sfdx/force-app/main/default/classes/SubscriberSessionApi.cls"
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "vulnerable-sfdx",), root=REPO, jobs=1))
    messages = {f.location.span.start_line: f.message for f in result.findings
                if f.rule_id == "SID011" and f.location.path == api}
    assert "is passed to the callers of global method SubscriberSessionApi.token," in messages[8], messages
    assert "is passed to flow 'Partner_Sync' (Flow.Interview.createInterview)," in messages[21], messages
    assert "(new Flow.Interview)" in messages[28], messages
    assert not [m for m in messages.values() if "reaches no use" in m]
