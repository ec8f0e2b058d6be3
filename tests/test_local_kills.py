"""Which assignments to a local replace what it held (`Assign.kills`), as lowering marks them.

A kill is sound only where every later read of the local in its block runs after the assignment
and no loop can carry an older value around to it; everything else stays a may-union.
"""

from __future__ import annotations

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


def test_parameters_nested_and_compound_assignments_do_not_kill() -> None:
    assert _kills("p = 'x'; String s = 'a'; s += sid; System.debug(s = 'b');", params="String p") \
        == [("p", False), ("s", True), ("s", False), ("s", False)]
