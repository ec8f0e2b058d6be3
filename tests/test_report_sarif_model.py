"""The SARIF writer against sarif-om, the SARIF 2.1.0 object model.

`apexlint.report.sarif` writes JSON values itself: importing sarif-om (68 attrs classes made at
import) cost 50–70 ms of every scan that wrote SARIF, a fifth of a small package's scan. The
model still decides what the writer may write: each object of a real log is read into the
sarif-om class its place calls for, and must come back from it unchanged: every property is one
of that class's, none is left at the model's default (readers assume those when absent), and
nothing is lost or added on the way.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
import sarif_om

from apexlint.catalogue import load_catalogue
from apexlint.engine import ScanOptions, scan
from apexlint.report import REPORTERS, ReportOptions

REPO_ROOT = Path(__file__).resolve().parents[1]

# Properties written as SARIF objects: (class, property) -> the class of its value (of each
# element, for an array; of each value, for `originalUriBaseIds`). Other properties hold plain
# values, or property bags (`properties`, `partialFingerprints`) that the model leaves open.
NESTED = {
    ("SarifLog", "runs"): "Run",
    ("Run", "tool"): "Tool",
    ("Run", "automationDetails"): "RunAutomationDetails",
    ("Run", "invocations"): "Invocation",
    ("Run", "originalUriBaseIds"): "ArtifactLocation",
    ("Run", "results"): "Result",
    ("Tool", "driver"): "ToolComponent",
    ("ToolComponent", "rules"): "ReportingDescriptor",
    ("ReportingDescriptor", "shortDescription"): "MultiformatMessageString",
    ("ReportingDescriptor", "fullDescription"): "MultiformatMessageString",
    ("ReportingDescriptor", "help"): "MultiformatMessageString",
    ("ReportingDescriptor", "defaultConfiguration"): "ReportingConfiguration",
    ("ArtifactLocation", "description"): "Message",
    ("Invocation", "toolExecutionNotifications"): "Notification",
    ("Notification", "message"): "Message",
    ("Notification", "descriptor"): "ReportingDescriptorReference",
    ("Notification", "locations"): "Location",
    ("Result", "message"): "Message",
    ("Result", "locations"): "Location",
    ("Result", "relatedLocations"): "Location",
    ("Result", "codeFlows"): "CodeFlow",
    ("Result", "suppressions"): "Suppression",
    ("Result", "fixes"): "Fix",
    ("Location", "message"): "Message",
    ("Location", "physicalLocation"): "PhysicalLocation",
    ("PhysicalLocation", "artifactLocation"): "ArtifactLocation",
    ("PhysicalLocation", "region"): "Region",
    ("Region", "snippet"): "ArtifactContent",
    ("CodeFlow", "threadFlows"): "ThreadFlow",
    ("ThreadFlow", "locations"): "ThreadFlowLocation",
    ("ThreadFlowLocation", "location"): "Location",
    ("Fix", "description"): "Message",
    ("Fix", "artifactChanges"): "ArtifactChange",
    ("ArtifactChange", "artifactLocation"): "ArtifactLocation",
    ("ArtifactChange", "replacements"): "Replacement",
    ("Replacement", "deletedRegion"): "Region",
    ("Replacement", "insertedContent"): "ArtifactContent",
}
# Written at the model's default all the same: consumers read it without applying defaults.
ALWAYS_WRITTEN = {"level"}


def _fields(cls: type) -> dict[str, attrs.Attribute[Any]]:
    return {f.metadata["schema_property_name"]: f for f in attrs.fields(cls)}


def read(value: dict[str, Any], class_name: str, where: str) -> Any:
    """A sarif-om object from a JSON object at `where`; an unknown property fails the test."""
    cls = getattr(sarif_om, class_name)
    fields = _fields(cls)
    unknown = sorted(set(value) - set(fields))
    assert not unknown, f"{where}: {class_name} has no property {', '.join(unknown)}"
    kwargs = {}
    for name, member in value.items():
        nested = NESTED.get((class_name, name))
        path = f"{where}.{name}"
        if nested is None:
            kwargs[fields[name].name] = member
        elif isinstance(member, list):
            kwargs[fields[name].name] = [read(m, nested, f"{path}[{i}]") for i, m in enumerate(member)]
        elif class_name == "Run" and name == "originalUriBaseIds":
            kwargs[fields[name].name] = {k: read(v, nested, f"{path}.{k}") for k, v in member.items()}
        else:
            kwargs[fields[name].name] = read(member, nested, path)
    return cls(**kwargs)


def write(node: Any) -> Any:
    """JSON values back from sarif-om objects: None and the model's defaults left out (so a
    property the writer wrote at its default does not come back)."""
    if attrs.has(type(node)):
        members = {}
        for f in attrs.fields(type(node)):
            value, name = getattr(node, f.name), f.metadata["schema_property_name"]
            if value is None or (name not in ALWAYS_WRITTEN and _is_default(f, value)):
                continue
            members[name] = write(value)
        return members
    if isinstance(node, dict):
        return {k: write(v) for k, v in node.items()}
    if isinstance(node, list):
        return [write(v) for v in node]
    return node


def _is_default(f: attrs.Attribute[Any], value: Any) -> bool:
    default: Any = f.default
    if default is attrs.NOTHING:
        return False
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs types Factory as a function
        default = default.factory()
    return type(value) is type(default) and bool(value == default)


def _log_of(paths: tuple[Path, ...]) -> dict[str, Any]:
    result = scan(ScanOptions(paths=paths, root=REPO_ROOT, jobs=1))
    out = io.StringIO()
    REPORTERS["sarif"].render(result, load_catalogue(), out, ReportOptions(color=False, tool_version="0.1.0",
                                                                          command_line="apexlint scan fixtures"))
    log = json.loads(out.getvalue())
    assert isinstance(log, dict)
    return log


def test_every_object_of_the_fixtures_log_is_a_sarif_om_object_that_writes_back_the_same(tmp_path: Path) -> None:
    """The fixtures hold every kind of object the writer makes (flows, fixes, related locations,
    suppressions); a broken class, an undecodable and a binary one beside them add notifications,
    with a region and without one."""
    broken = tmp_path / "broken" / "classes"
    broken.mkdir(parents=True)
    (broken / "Broken.cls").write_text("public class Broken {\n    void f( {\n}\n", encoding="utf-8")
    (broken / "Latin.cls").write_bytes(b"public class Latin { String s = '\xe9\xff\xfe'; }\n")
    (broken / "Binary.cls").write_bytes(b"\x00\x01\x02" * 100)
    log = _log_of((REPO_ROOT / "fixtures", tmp_path / "broken"))
    run = log["runs"][0]
    results = run["results"]
    assert any("codeFlows" in r for r in results) and any("fixes" in r for r in results)
    assert any("relatedLocations" in r for r in results) and any("suppressions" in r for r in results)
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("region" in n["locations"][0]["physicalLocation"] for n in notes if "locations" in n)
    assert any("region" not in n["locations"][0]["physicalLocation"] for n in notes if "locations" in n)

    model = read(log, "SarifLog", "log")

    assert write(model) == log


def test_an_unknown_property_or_a_default_written_is_caught() -> None:
    """The check above can fail: a misspelt property, and one written at its default."""
    with pytest.raises(AssertionError, match="has no property ruleID"):
        read({"message": {"text": "x"}, "ruleID": "SID001"}, "Result", "result")
    at_default = {"level": "warning", "message": {"text": "x"}, "ruleIndex": -1}
    assert write(read(at_default, "Result", "result")) == {"level": "warning", "message": {"text": "x"}}
