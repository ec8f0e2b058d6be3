"""Which assignments to a local replace what it held (`Assign.kills`), as lowering marks them.

A kill is sound only where every later read of the local in its block runs after the assignment
and no loop can carry an older value around to it; everything else stays a may-union.
"""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from apexlint.ir import Assign, FileKind, Name
from apexlint.lower import LoweringJob, lower_job
from apexlint.read.decode import ReadLimits


def _kills(body: str, params: str = "") -> list[tuple[str, bool]]:
    """(local, kills) for each assignment to a bare name in `body`, in order."""
    text = (f"public class K {{\n  public void m({params}) {{\n"
            f"    String sid = UserInfo.getSessionId();\n{body}\n  }}\n}}\n")
    job = LoweringJob("classes/K.cls", FileKind.APEX_CLASS, text.encode(), "")
    lowered = lower_job(job, ReadLimits())
    method = next(m for f in lowered.files for c in f.classes for m in c.methods if m.name == "m")
    assert method.lowered is not None
    return [(s.target.name, s.kills) for s in method.lowered[0][1:]
            if isinstance(s, Assign) and isinstance(s.target, Name)]


def test_a_declaration_and_a_reassignment_in_straight_line_code_kill() -> None:
    assert _kills("String s = sid; System.debug(s); s = 'x'; System.debug(s);") == [("s", True), ("s", True)]


def test_an_assignment_in_one_branch_does_not_kill() -> None:
    assert _kills("String s = sid; if (s == null) { s = 'x'; } System.debug(s);") == [("s", True), ("s", False)]
    assert _kills("String s = sid; if (s == null) s = 'x'; System.debug(s);") == [("s", True), ("s", False)]


def test_a_local_a_loop_mentions_is_never_killed() -> None:
    assert _kills("String s = 'a'; for (Integer i = 0; i < 3; i++) { System.debug(s); s = sid; }") \
        == [("s", False), ("i", False), ("s", False)]
    assert _kills("HttpRequest r = new HttpRequest(); while (true) { r.setHeader('A', sid); } r = null;") \
        == [("r", False), ("r", False)]


def test_a_local_declared_in_a_loop_body_is_killed_there() -> None:
    assert _kills("for (String p : new List<String>()) { String s = p; s = 'x'; System.debug(s); }") \
        == [("p", False), ("s", True), ("s", True)]


def test_the_same_name_in_a_sibling_block_with_a_loop_is_never_killed() -> None:
    body = "if (sid == null) { String s = ''; while (true) { System.debug(s); s = sid; } } else { String s = 'x'; }"
    assert [k for _, k in _kills(body)] == [False, False, False]


def test_parameters_and_compound_assignments_in_the_body_s_own_block_kill() -> None:
    """`url += x` replaces what `url` held by what it held plus `x`; a parameter is declared
    before the body, outside every loop (the data flow starts each round from what it was given)."""
    assert _kills("p = 'x'; String s = 'a'; s += sid; p += s;", params="String p") \
        == [("p", True), ("s", True), ("s", True), ("p", True)]


def test_a_parameter_a_loop_or_a_branch_assigns_or_mentions_is_not_killed() -> None:
    assert _kills("for (Integer i = 0; i < 3; i++) { System.debug(p); } p += sid;", params="String p") \
        == [("i", False), ("p", False)]
    assert _kills("if (p == null) { p = sid; } p += 'x';", params="String p") == [("p", False), ("p", True)]


def test_nested_assignments_do_not_kill() -> None:
    assert _kills("String s = 'a'; System.debug(s = 'b'); s = (sid);") == [("s", True), ("s", False), ("s", True)]


def test_a_url_built_with_plus_equals_on_a_parameter_is_one_url_in_order(tmp_path: Path) -> None:
    """T-15: each `url += …` replaced the parameter's value by itself plus the piece, in order;
    the messages name that one URL and where the session sits in it (not six reordered,
    optional fragments, nor the URL cut short before the session)."""
    classes = tmp_path / "force-app" / "main" / "default" / "classes"
    classes.mkdir(parents=True)
    (tmp_path / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    (classes / "Docs.cls").write_text(
        "public with sharing class Docs {\n"
        "    public String build(String id, String url) {\n"
        "        url += '?ServerUrl=' + URL.getOrgDomainUrl().toExternalForm() + '/services/Soap/u/50.0/';\n"
        "        url += UserInfo.getOrganizationId() + '&Session=' + UserInfo.getSessionId();\n"
        "        url += '&id=' + id;\n"
        "        return url;\n"
        "    }\n"
        "    public String call(String id, String base) {\n"
        "        HttpRequest req = new HttpRequest();\n"
        "        req.setEndpoint(build(id, base));\n"
        "        return new Http().send(req).getBody();\n"
        "    }\n"
        "}\n")
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    (url_finding,) = [f for f in result.findings if f.rule_id == "SID006"]
    assert url_finding.message.endswith("is put into the URL of a callout to <parameter>?ServerUrl=<org URL>"
                                        "/services/Soap/u/50.0/<unknown>&Session=<session ID>&id=<parameter>")
