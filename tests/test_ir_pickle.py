"""The intermediate form crosses processes and the cache by pickle, through constructors that fill
slots directly (apexlint/ir.py). What comes back must be the same value, of the same class, with the
same hash, for every kind of file the fixtures hold."""

from __future__ import annotations

import pickle
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

from apexlint import ir
from apexlint.discover import discover
from apexlint.lower import LoweringJob, lower_job
from apexlint.read.decode import ReadLimits

REPO = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir())


def _objects(value: Any) -> list[Any]:
    """Every IR dataclass instance reachable from `value`."""
    found: list[Any] = []
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, tuple | list | frozenset):
            todo.extend(item)
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif is_dataclass(item) and not isinstance(item, type):
            found.append(item)
            todo.extend(getattr(item, f.name) for f in fields(item))
    return found


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:  # holds a dict (FileIR.extra) or a list
        return False
    return True


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_every_lowered_form_survives_a_pickle_round_trip(package: Path) -> None:
    project = discover([package], root=REPO)
    kinds: set[str] = set()
    for f in project.files:
        job = LoweringJob(f.rel, f.kind, Path(f.path).read_bytes(), f.namespace, f.metadata_type, f.content_type)
        lowered = lower_job(job, ReadLimits())
        back = pickle.loads(pickle.dumps(lowered, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == lowered, f.rel
        for before, after in zip(_objects(lowered), _objects(back), strict=True):
            assert type(after) is type(before) and after == before
            if _hashable(before):
                assert hash(after) == hash(before)
            kinds.add(type(before).__name__)
    assert kinds, "the package lowered to nothing: the test would prove nothing"


def test_the_ir_classes_keep_frozen_after_unpickling() -> None:
    span = pickle.loads(pickle.dumps(ir.Span(1, 2, 3, 4)))
    with pytest.raises(AttributeError):
        span.start_line = 9


def test_refs_hold_whole_identifiers_not_substrings() -> None:
    refs = ir.refs_text(["send", "getsessionid", "send"])
    assert refs == " getsessionid send "
    assert ir.has_ref(refs, "send") and ir.has_ref(refs, "getsessionid")
    assert not ir.has_ref(refs, "sessionid") and not ir.has_ref(refs, "sen") and not ir.has_ref(refs, "")
    assert ir.refs_text([]) == "" and not ir.has_ref("", "send")


def test_a_form_holds_one_copy_of_each_repeated_name_and_modifier_set() -> None:
    """A class's declarations repeat a few modifier sets, types and parameters; the form shares one
    object for each, so that its pickle writes it once and loading makes it once (and the sharing
    survives the round trip)."""
    method = "    public static String m{}(String name, Integer count) {{ return name; }}"
    source = "\n".join(["public class Many {"] + [method.format(i) for i in range(4)]
                       + ["    public static String label;", "    public static String title;", "}"]).encode()
    job = LoweringJob("classes/Many.cls", ir.FileKind.APEX_CLASS, source, "", lazy=True)  # bodies as BodyRefs
    for lowered in (lower_job(job, ReadLimits()), pickle.loads(pickle.dumps(lower_job(job, ReadLimits())))):
        (cls,) = lowered.files[0].classes
        methods, fields_ = cls.methods, cls.fields
        assert len(methods) == 4 and len(fields_) == 2
        shared = {id(x) for m in methods for x in (m.modifiers, m.annotations, m.return_type, *m.params)}
        assert len(shared) == 5  # one modifier set, one empty annotation set, `string`, two parameters
        assert fields_[0].modifiers is methods[0].modifiers and fields_[0].type is methods[0].return_type
        first, second = methods[0].code, methods[1].code
        assert isinstance(first, ir.BodyRef) and isinstance(second, ir.BodyRef)
        assert first.node_type is second.node_type
