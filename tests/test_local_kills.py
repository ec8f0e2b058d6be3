"""Which assignments to a local replace what it held (`Assign.kills`), as lowering marks them.

A kill is sound only where every later read of the local in its block runs after the assignment
and no loop can carry an older value around to it; everything else stays a may-union.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from apexlint.engine import ScanOptions, scan
from apexlint.ir import Assign, Call, Eval, FileKind, Name, Stmt
from apexlint.lower import LoweringJob, lower_job
from apexlint.lower.apex import _word_at
from apexlint.read.decode import ReadLimits
from tests.fuzz.inputs import source_path, write_sfdx_package


def _statements(body: str, params: str = "") -> tuple[Stmt, ...]:
    """The lowered statements of `body` in a method `m(params)`, after `String sid = UserInfo.getSessionId();`."""
    text = (f"public class K {{\n  public void m({params}) {{\n"
            f"    String sid = UserInfo.getSessionId();\n{body}\n  }}\n}}\n")
    job = LoweringJob("classes/K.cls", FileKind.APEX_CLASS, text.encode(), "")
    lowered = lower_job(job, ReadLimits())
    method = next(m for f in lowered.files for c in f.classes for m in c.methods if m.name == "m")
    assert method.lowered is not None
    return method.lowered[0][1:]


def _kills(body: str, params: str = "") -> list[tuple[str, bool]]:
    """(local, kills) for each assignment to a bare name in `body`, in order."""
    return [(s.target.name, s.kills) for s in _statements(body, params)
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
    write_sfdx_package(tmp_path, {source_path("Docs.cls"): (
        b"public with sharing class Docs {\n"
        b"    public String build(String id, String url) {\n"
        b"        url += '?ServerUrl=' + URL.getOrgDomainUrl().toExternalForm() + '/services/Soap/u/50.0/';\n"
        b"        url += UserInfo.getOrganizationId() + '&Session=' + UserInfo.getSessionId();\n"
        b"        url += '&id=' + id;\n"
        b"        return url;\n"
        b"    }\n"
        b"    public String call(String id, String base) {\n"
        b"        HttpRequest req = new HttpRequest();\n"
        b"        req.setEndpoint(build(id, base));\n"
        b"        return new Http().send(req).getBody();\n"
        b"    }\n"
        b"}\n")})
    result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1))
    (url_finding,) = [f for f in result.findings if f.rule_id == "SID006"]
    assert url_finding.message.endswith("is put into the URL of a callout to <parameter>?ServerUrl=<org URL>"
                                        "/services/Soap/u/50.0/<unknown>&Session=<session ID>&id=<parameter>")


def _call_kills(body: str, params: str = "") -> list[tuple[str, bool]]:
    """(call, kills) for each call statement `x.m(...)` on a bare name in `body`, in order."""
    return [(f"{s.expr.obj.name}.{s.expr.name}", s.kills) for s in _statements(body, params)
            if isinstance(s, Eval) and isinstance(s.expr, Call) and isinstance(s.expr.obj, Name)]


REQ = "HttpRequest r = new HttpRequest(); "


def test_setters_in_straight_line_code_replace_what_they_set() -> None:
    assert _call_kills(REQ + "r.setEndpoint('a'); r.setHeader('A', sid); new Http().send(r); r.setEndpoint('b');") \
        == [("r.setendpoint", True), ("r.setheader", True), ("r.setendpoint", True)]


def test_a_setter_in_a_branch_or_on_a_parameter_does_not_replace() -> None:
    assert _call_kills(REQ + "r.setEndpoint('a'); if (sid != null) { r.setEndpoint('b'); }") \
        == [("r.setendpoint", True), ("r.setendpoint", False)]
    assert _call_kills("r.setEndpoint('a');", params="HttpRequest r") == [("r.setendpoint", False)]
    assert _call_kills(REQ + "System.debug(r.setEndpoint('a'));") == [("system.debug", False)]


def test_a_loop_after_the_setter_that_sets_the_same_part_first_keeps_the_kill() -> None:
    """The redirect loop: it re-points the request before it sends it."""
    body = REQ + ("r.setEndpoint('a'); HttpResponse res = new Http().send(r);"
                  " while (res.getStatusCode() == 302) { r . setEndpoint (res.getHeader('Location'));"
                  " res = new Http().send(r); }")
    assert _call_kills(body) == [("r.setendpoint", True), ("r.setendpoint", False)]


def test_a_loop_after_the_setter_that_reads_the_request_first_undoes_the_kill() -> None:
    assert _call_kills(REQ + "r.setEndpoint('a'); for (String p : new List<String>()) { new Http().send(r);"
                             " r.setEndpoint(p); }") \
        == [("r.setendpoint", False), ("r.setendpoint", False)]
    # a comment naming the local counts as a mention: the rule is textual
    assert _call_kills(REQ + "r.setEndpoint('a'); while (true) { /* r */ r.setEndpoint('b'); }")[0] \
        == ("r.setendpoint", False)


def test_a_loop_setting_another_header_first_undoes_the_kill_of_a_header() -> None:
    body = REQ + ("r.setHeader('Authorization', 'none'); while (true) { r.setHeader('X-Item', 'i');"
                  " new Http().send(r); r.setHeader('Authorization', sid); }")
    assert _call_kills(body)[0] == ("r.setheader", False)
    same = REQ + ("r.setHeader('Authorization', 'none'); while (true) { r.setHeader('Authorization', sid);"
                  " new Http().send(r); }")
    assert _call_kills(same)[0] == ("r.setheader", True)


def test_a_loop_before_the_setter_or_holding_its_declaration_keeps_the_kill() -> None:
    assert _call_kills(REQ + "while (true) { new Http().send(r); } r.setEndpoint('a');") \
        == [("r.setendpoint", True)]
    assert _call_kills("for (Integer i = 0; i < 2; i++) { " + REQ + "r.setEndpoint('a'); new Http().send(r); }") \
        == [("r.setendpoint", True)]


def _rejoins(body: str, params: str = "") -> list[tuple[str, bool, int]]:
    """(local, kills, rejoin) for each assignment to a bare name in `body`, in order."""
    return [(s.target.name, s.kills, s.rejoin) for s in _statements(body, params)
            if isinstance(s, Assign) and isinstance(s.target, Name)]


def test_an_assignment_in_a_nested_block_kills_to_the_end_of_that_block() -> None:
    """W-6: the redirect follow-up's new request, in an `if`: the statements after it in the
    block (here the setter and the send) see it alone; the earlier request joins again after."""
    body = ("HttpRequest r = new HttpRequest(); if (sid != null) { r = new HttpRequest();"
            " r.setEndpoint('x'); new Http().send(r); } new Http().send(r);")
    assert _rejoins(body) == [("r", True, 0), ("r", True, 2)]


def test_a_nested_assignment_last_in_its_block_compound_or_to_a_parameter_does_not_kill() -> None:
    assert _rejoins("String s = sid; if (s == null) { s = 'x'; }") == [("s", True, 0), ("s", False, 0)]
    assert _rejoins("String s = sid; if (s == null) { s += 'x'; System.debug(s); }") \
        == [("s", True, 0), ("s", False, 0)]
    assert _rejoins("if (p == null) { p = sid; System.debug(p); }", params="String p") == [("p", False, 0)]


def test_a_nested_assignment_to_a_local_a_loop_mentions_does_not_kill() -> None:
    body = ("HttpRequest r = new HttpRequest(); for (Integer i = 0; i < 2; i++) { if (i > 0) {"
            " r = new HttpRequest(); new Http().send(r); } r.setHeader('A', sid); }")
    assert [(n, k) for n, k, _ in _rejoins(body) if n == "r"] == [("r", False), ("r", False)]


def test_a_nested_assignment_to_a_name_of_a_sibling_block_does_not_kill() -> None:
    """Not in scope there: an assignment to an undeclared name (a field) is no local's."""
    body = "if (sid == null) { String s = 'a'; } else { s = 'b'; System.debug(s); }"
    assert _rejoins(body) == [("s", True, 0), ("s", False, 0)]


@given(st.binary(max_size=40).map(lambda b: bytes(b"ab_1 .(x"[c % 8] for c in b)),
       st.sampled_from([b"a", b"ab", b"b_", b"x", b"1"]), st.integers(0, 45), st.integers(0, 45))
def test_a_local_is_found_in_a_loop_as_a_whole_identifier_pattern_finds_it(
        text: bytes, word: bytes, start: int, end: int) -> None:
    """`_word_at` (which loop mentions a local) is the pattern search it replaced, edges included:
    the byte before the range counts, and the range's end ends the text."""
    pattern = re.compile(rb"(?<![a-z0-9_])" + re.escape(word) + rb"(?![a-z0-9_])")
    found = pattern.search(text, start, end)
    assert _word_at(text, word, start, end) == (found.start() if found is not None else -1)
