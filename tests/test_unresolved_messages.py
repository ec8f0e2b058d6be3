"""What a SID011 message says the session is handed to (fixtures check where findings are; this
checks what they say and which verdict each source ends in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import source_path, write_sfdx_package

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


def _verdict_lines(path: str) -> dict[int, tuple[str, ...]]:
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "vulnerable-sfdx",), root=REPO, jobs=1))
    return {int(v.source_id.rpartition(":")[0].rpartition(":")[2]): v.rule_ids for v in result.verdicts
            if v.source_id.startswith(path)}


def test_a_package_made_object_in_a_field_a_type_local_or_a_helpers_parameter_is_followed_into() -> None:
    """A global interface's object the package provably makes (every assignment to the field or local
    a `new` of a package class or a literal `Type.forName`, every caller of a private helper passing
    one) runs the package's implementation: its same-org call is the verdict (SID010). Anything
    else a subscriber may set stays a hand-off (SID011) and only that."""
    held = "fixtures/vulnerable-sfdx/force-app/main/default/classes/HeldSyncPlugins.cls"
    verdicts = _verdict_lines(held)
    made = {"initialiser": 26, "static final": 31, "constructor": 36, "Type local": 59, "Type field": 64,
            "private helper": 102, "private factory": 127, "package-made global virtual factory": 132}
    assert {how: verdicts.get(line) for how, line in made.items()} == dict.fromkeys(made, ("SID010",)), verdicts
    open_ = {"setter": 41, "setting": 46, "global virtual field": 52, "other namespace": 71,
             "reassigned Type": 81, "metadata Type": 88, "a caller's parameter": 116,
             "a subscriber's factory": 138}
    assert {how: verdicts.get(line) for how, line in open_.items()} == dict.fromkeys(open_, ("SID011",)), verdicts


def test_what_a_subscriber_can_set_or_pass_in_a_global_class_stays_a_hand_off() -> None:
    """A `global` field, a `public` one of a global class, and a global method's parameter may hold
    a subscriber's object whatever the package itself assigns; a private field and a private
    helper's parameter may not."""
    holder = "fixtures/vulnerable-sfdx/force-app/main/default/classes/GlobalSyncPluginHolder.cls"
    verdicts = _verdict_lines(holder)
    assert verdicts[10] == verdicts[15] == verdicts[31] == ("SID011",), verdicts
    assert verdicts[20] == verdicts[36] == ("SID010",), verdicts


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


def test_a_session_formula_of_another_package_s_field_says_whose_it_is() -> None:
    """W-8: a field with another namespace prefix, retrieved with the org, is not the package's
    to remove; the message says whose it is and how to leave it out. The package's own unused
    formula field still says to remove it."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "metadata-sfdx",), root=REPO, jobs=1))
    fields = "fixtures/metadata-sfdx/force-app/main/default/objects/Contact/fields/"
    messages = {f.location.path.rpartition("/")[2]: f.message for f in result.findings
                if f.rule_id == "SID011" and f.location.path.startswith(fields)}
    assert "a field of another package (namespace prefix othr__)" in messages["othr__Session_Id__c.field-meta.xml"]
    assert "remove it" not in messages["othr__Session_Id__c.field-meta.xml"]
    assert "remove it or document its use" in messages["Unused_Session__c.field-meta.xml"]


def test_a_session_formula_of_another_package_s_field_in_a_metadata_api_object_says_whose_it_is() -> None:
    """AF-2: in a metadata-API retrieve the field is a `<fields>` element of `objects/Account.object`
    named by its `<fullName>`, not a file named for it: the message still says whose it is. The
    package's own unused formula field still says to remove it."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "metadata-mdapi",), root=REPO, jobs=1))
    messages = [f.message for f in result.findings
                if f.rule_id == "SID011" and f.location.path.endswith("/objects/Account.object")]
    [foreign] = [m for m in messages if "othr__" in m or "$Api.Session_ID at" in m]
    assert "a field of another package (namespace prefix othr__)" in foreign, messages
    assert "remove it" not in foreign
    [own] = [m for m in messages if m is not foreign]
    assert "GETSESSIONID()" in own and "remove it or document its use" in own, messages


def test_a_session_kept_in_a_page_global_names_the_global_and_the_scripts_the_page_loads() -> None:
    """AF-3: `var token = '{!$Api.Session_ID}'` for a script in a static resource is not a session
    that "reaches no use": the message names the global and the page's other scripts (not the
    platform's AJAX Toolkit), whose flow apexlint does not follow. A function's own variable is
    no global: it keeps the plain message."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "visualforce-sfdx",), root=REPO, jobs=1))
    messages = {f.location.span.start_line: f.message for f in result.findings
                if f.rule_id == "SID011" and f.location.path.endswith("/GlobalSession.page")}
    assert "kept in the page's global 'token'" in messages[8], messages
    assert "kept in the page's global 'appConfig'" in messages[11], messages
    for line in (8, 11):
        assert "($Resource.dashboardApp/js/main.js) may use it" in messages[line], messages
        assert "soap/ajax" not in messages[line] and "reaches no use" not in messages[line], messages
    assert "reaches no use apexlint can resolve" in messages[17] and "global" not in messages[17], messages


def test_a_page_global_no_script_of_the_package_sends_says_those_scripts_were_followed() -> None:
    """AF-4: the scripts a page loads from the package's static resources are followed with its
    globals; a global none of them sends says so, where one from outside the package may use it."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "visualforce-sfdx",), root=REPO, jobs=1))
    [spare] = [f.message for f in result.findings
               if f.rule_id == "SID011" and f.location.path.endswith("/ResourceGlobals.page")]
    assert "kept in the page's global 'spareSid', which neither the page's own scripts nor those it loads " \
           "from the package ($Resource.globalsReader, $Resource.reportKit/js/share.js) send anywhere" in spare
    assert "outside the package" not in spare and "may use it" not in spare


def test_a_session_a_library_function_returns_names_the_function() -> None:
    """AF-5: a static resource's `window.currentSession = function () { return
    sforce.connection.sessionId; }` hands the session to callers in other files: the message names
    the function. A function that returns only its length keeps the plain message."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "visualforce-sfdx",), root=REPO, jobs=1))
    messages = {f.location.span.start_line: f.message for f in result.findings
                if f.rule_id == "SID011" and f.location.path.endswith("/sessionAccessor.js")}
    assert "is read and returned by currentSession(), which this file sends nowhere; scripts in other files " \
           "may use it" in messages[8], messages
    assert "reaches no use apexlint can resolve" in messages[14] and "returned" not in messages[14], messages


def test_another_packages_method_is_named_as_the_code_writes_it() -> None:
    """AA-4: the SID011 message names the other package's method as written
    (`basepk.MergeWebService.generateDoc`), not in the lower case apexlint resolves names in."""
    result = scan(ScanOptions(paths=(REPO / "fixtures" / "vulnerable-sfdx",), root=REPO, jobs=1))
    [message] = [f.message for f in result.findings
                 if f.rule_id == "SID011" and f.location.path.endswith("/ExternalPortUse.cls")
                 and "generatedoc" in f.message.lower()]
    assert "is passed to basepk.MergeWebService.generateDoc, which apexlint cannot follow" in message


def _namespaced_calls(root: Path, namespace: str) -> Path:
    """A package whose code calls its own class through the prefix `acme` (AA-2), and a class no
    package holds through another prefix."""
    return write_sfdx_package(root, {
        source_path("BoardStream.cls"): (
            b"global with sharing class BoardStream {\n"
            b"    global static void broadcast(String boardId, String sid) {\n"
            b"        insert new Board_Change__c(Board__c = boardId, Session_Id__c = sid);\n"
            b"    }\n"
            b"}\n"),
        source_path("CardActions.cls"): (
            b"public with sharing class CardActions {\n"
            b"    @InvocableMethod(label='Move card')\n"
            b"    public static void moveCards(List<Id> boardIds) {\n"
            b"        acme.BoardStream.broadcast(boardIds[0], UserInfo.getSessionId());\n"
            b"        other.Relay.push(UserInfo.getSessionId());\n"
            b"    }\n"
            b"}\n"),
    }, namespace)


def _rules_and_messages(root: Path) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(class file, line) -> the rules and messages of the findings there."""
    result = scan(ScanOptions(paths=(root,), root=root, jobs=1))
    out: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for f in result.findings:
        out.setdefault((Path(f.location.path).name, f.location.span.start_line), []).append((f.rule_id, f.message))
    return out


def test_a_call_of_the_packages_own_class_through_an_undeclared_namespace_says_how_to_follow_it(tmp_path: Path) -> None:
    """AA-2: with no namespace declared, `acme.BoardStream.broadcast(...)` is another package's as
    far as apexlint knows (SID011), but the package has a `BoardStream`: the message says that
    declaring `acme` lets apexlint follow the call. A prefix before a class the package does not
    hold, or any prefix once a namespace is declared, gets no such hint."""
    undeclared = _rules_and_messages(_namespaced_calls(tmp_path / "undeclared", ""))
    [(rule, message)] = undeclared[("CardActions.cls", 4)]
    assert rule == "SID011" and "passed to acme.BoardStream.broadcast" in message
    assert "the package has a class BoardStream of its own: if 'acme' is the package's namespace, declare it" \
        in message, message
    [(rule, message)] = undeclared[("CardActions.cls", 5)]
    assert rule == "SID011" and "passed to other.Relay.push" in message and "namespace" not in message, message
    # declared: the call is followed into the package's class, which stores the session
    declared = _rules_and_messages(_namespaced_calls(tmp_path / "declared", "acme"))
    assert "SID011" not in {rule for rule, _ in declared.get(("CardActions.cls", 4), [])}, declared
    assert any(rule == "SID003" for rule, _ in declared[("BoardStream.cls", 3)]), declared
    # another namespace declared: `acme.` names another package, whatever the package's class names
    other = _rules_and_messages(_namespaced_calls(tmp_path / "other", "zeta"))
    [(rule, message)] = other[("CardActions.cls", 4)]
    assert rule == "SID011" and "namespace" not in message, message
    # an org retrieve's stub of an installed package's class (AC-1), whichever package's it is:
    # `acme__BoardStream.cls`, `other__BoardStream.cls`
    for owner in ("acme", "other"):
        stub = _namespaced_calls(tmp_path / f"stub-{owner}", "")
        classes = stub / "force-app" / "main" / "default" / "classes"
        (classes / "BoardStream.cls").rename(classes / f"{owner}__BoardStream.cls")
        [(rule, message)] = _rules_and_messages(stub)[("CardActions.cls", 4)]
        assert rule == "SID011" and "namespace" not in message, (owner, message)


_PAGE = b"<apex:page>{!$Api.Session_ID}</apex:page>\n"
_CLASS = (b"public class DeployMetadata {\n"
          b"    public static String sid() { return UserInfo.getSessionId(); }\n"
          b"}\n")


@pytest.mark.parametrize(("files", "copy", "says"), [
    # two pages named SessionIdPage in one package (`force-app/pages/` beside the default folder)
    ({"force-app/main/default/pages/SessionIdPage.page": _PAGE, "force-app/pages/SessionIdPage.page": _PAGE,
      "force-app/main/default/pages/Lonely.page": _PAGE},
     "force-app/pages/SessionIdPage.page",
     "second page named SessionIdPage: Page.SessionIdPage and /apex/SessionIdPage reach the other, "
     "force-app/main/default/pages/SessionIdPage.page, which the scan follows"),
    # two classes named DeployMetadata in one scan (a repository of several packages, each with its own)
    ({"force-app/main/default/classes/DeployMetadata.cls": _CLASS, "force-app/other/classes/DeployMetadata.cls": _CLASS,
      "force-app/main/default/classes/Lonely.cls": _CLASS.replace(b"DeployMetadata", b"Lonely")},
     "force-app/other/classes/DeployMetadata.cls",
     "second class named DeployMetadata: calls of DeployMetadata's methods reach the other, "
     "force-app/main/default/classes/DeployMetadata.cls, which the scan follows"),
], ids=["page", "class"])
def test_a_second_page_or_class_of_the_same_name_says_it_is_the_copy_the_scan_does_not_follow(
        tmp_path: Path, files: dict[str, bytes], copy: str, says: str) -> None:
    """What names the page (`Page.X`, `/apex/X`) or calls the class reaches the first copy, which
    the scan follows; the other's unused session says so, where the one of a page or class
    nothing reads says it reaches no use."""
    root = write_sfdx_package(tmp_path / "pkg", files)
    messages = {f.location.path: f.message for f in scan(ScanOptions(paths=(root,), root=root, jobs=1)).findings
                if f.rule_id == "SID011"}
    assert says in messages[copy], messages
    for other in set(files) - {copy}:
        assert "second " not in messages[other], messages
