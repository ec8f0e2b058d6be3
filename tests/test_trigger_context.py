"""`Trigger.new[0].addError(...)` as a statement: valid Apex the grammar cannot parse unless it is
written `System.Trigger...` (apexlint/read/trigger_context.py). Nothing in such a statement may
be lost, and positions still point into the file as written."""

from __future__ import annotations

from pathlib import Path

from apexlint.engine import ScanOptions, scan
from apexlint.read.source import LineEdit
from apexlint.read.trigger_context import qualify_trigger_context
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package


def test_the_trigger_context_is_qualified_where_it_is_code() -> None:
    text = ("Trigger.new[0].addError('x'); x = trigger.oldMap.get(i);\n"
            "String s = 'Trigger.new'; // Trigger.new\n"
            "System.Trigger.new[0].Name = 'y';\n")
    qualified, edits = qualify_trigger_context("A.cls", text, {})
    assert qualified.split("\n")[:3] == [
        "System.Trigger.new[0].addError('x'); x = System.Trigger.oldMap.get(i);",
        "String s = 'Trigger.new'; // Trigger.new",
        "System.Trigger.new[0].Name = 'y';",
    ]
    assert edits == {0: (LineEdit(0, 14, 0, 7), LineEdit(41, 14, 34, 7))}
    assert qualify_trigger_context("page.page", text, {}) == (text, {})


def test_a_statement_on_the_trigger_context_keeps_its_sources(tmp_path: Path) -> None:
    trigger = ("trigger AccStamp on Account (before insert) {\n"
               "    Trigger.new[0].Description = UserInfo.getSessionId();\n"
               "    Trigger.new[0].addError('denied');\n"
               "}\n")
    handler = ("public class Stamp {\n"
               "    public static void run() {\n"
               "        Trigger.new.get(0).put('Token__c', UserInfo.getSessionId());\n"
               "    }\n"
               "}\n")
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/triggers/AccStamp.trigger": trigger.encode(),
                                                f"{SFDX_SOURCE}/classes/Stamp.cls": handler.encode()})
    result = scan(ScanOptions(paths=(src,), root=src, jobs=1))
    assert [n.code for n in result.notifications if n.code == "parse-error"] == []
    spans = sorted((v.path.rsplit("/", 1)[1], v.span.start_line, v.span.start_col) for v in result.verdicts)
    # one verdict per source, where `UserInfo` starts in the file as written
    assert spans == [("AccStamp.trigger", 2, 34), ("Stamp.cls", 3, 44)]
    assert all(v.rule_ids for v in result.verdicts)
