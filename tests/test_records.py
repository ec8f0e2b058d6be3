"""`@frozen` (apexlint/records.py) stands in for `@dataclass(frozen=True, slots=True)`: each class
below is declared both ways, and the two must agree on construction, defaults, equality,
hashing, ordering, `repr`, immutability, pickling, copying and the `dataclasses` functions."""

from __future__ import annotations

import copy
import dataclasses
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest

from apexlint.records import field, frozen

REPO = Path(__file__).resolve().parents[1]


@frozen(order=True)
class Point:
    x: int
    y: int = 0


@frozen
class Shape:
    name: str
    points: tuple[Point, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    cached: str = field(default="", compare=False, repr=False)


@frozen
class Circle(Shape):
    radius: int = 1


@frozen
class Labelled:
    name: str
    note: str = field(default="", compare=False)


@frozen
class Empty:
    pass


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class RefPoint:
    x: int
    y: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class RefShape:
    name: str
    points: tuple[RefPoint, ...] = ()
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    cached: str = dataclasses.field(default="", compare=False, repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class RefCircle(RefShape):
    radius: int = 1


@dataclasses.dataclass(frozen=True, slots=True)
class RefEmpty:
    pass


def _pairs() -> list[tuple[Any, Any]]:
    return [
        (Point(1, 2), RefPoint(1, 2)),
        (Point(3), RefPoint(3)),
        (Shape("a", (Point(1),), {"k": "v"}, "c"), RefShape("a", (RefPoint(1),), {"k": "v"}, "c")),
        (Circle("b", radius=4), RefCircle("b", radius=4)),
        (Empty(), RefEmpty()),
    ]


@pytest.mark.parametrize(("ours", "reference"), _pairs())
def test_repr_fields_and_match_args_agree_with_dataclasses(ours: Any, reference: Any) -> None:
    assert repr(ours) == repr(reference).replace("Ref", "")
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(reference)]
    assert type(ours).__match_args__ == type(reference).__match_args__
    assert type(ours).__slots__ == type(reference).__slots__
    assert not hasattr(ours, "__dict__")
    assert dataclasses.is_dataclass(ours)


@pytest.mark.parametrize(("ours", "reference"), _pairs())
def test_every_field_and_class_attribute_is_as_dataclasses_makes_them(ours: Any, reference: Any) -> None:
    """`@frozen` makes the slotted class itself (records._slotted): nothing may differ but the name."""
    def described(cls: type) -> tuple[object, ...]:
        described_fields = [(f.name, f.type.replace("Ref", ""), f.default, f.default_factory, f.init, f.repr, f.hash,
                             f.compare, dict(f.metadata), f.kw_only, f._field_type)  # type: ignore[attr-defined]
                            for f in vars(cls)["__dataclass_fields__"].values()]
        own = sorted(set(vars(cls)) - _GENERATED_HERE)
        return described_fields, own, len(cls.__mro__)

    assert described(type(ours)) == described(type(reference))


# what `@frozen` adds that `@dataclass(frozen=True, slots=True)` does not, or does otherwise
_GENERATED_HERE = {"__init__", "__repr__", "__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__", "__reduce__",
                   "__setattr__", "__delattr__", "__getstate__", "__setstate__", "__dataclass_params__",
                   "__dataclass_fields__"}


def test_a_class_of_other_fields_is_made_by_the_dataclasses_decorator() -> None:
    """A ClassVar, or a base that is not `@frozen`, is left to `dataclasses`, with the same result."""
    class Plain:
        kind = "plain"

    @frozen
    class Counted(Plain):
        limit: ClassVar[int] = 3
        value: int = 1

    assert [f.name for f in dataclasses.fields(Counted)] == ["value"]
    assert Counted().value == 1 and Counted.limit == 3 and Counted().kind == "plain"
    assert Counted(2) == Counted(2) and dataclasses.replace(Counted(2), value=5) == Counted(5)


def test_equality_and_hash_follow_the_compared_fields() -> None:
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(RefPoint(1, 2)) == hash((1, 2))
    assert Shape("a", cached="x") == Shape("a", cached="y")  # compare=False
    assert hash(Labelled("a", "x")) == hash(Labelled("a", "y")) == hash(("a",))
    assert Shape("a") != Circle("a")  # another class, even a subclass, is never equal
    assert Point(1, 2) != (1, 2) and Point(1, 2).__eq__((1, 2)) is NotImplemented  # type: ignore[comparison-overlap]
    assert Empty() == Empty() and hash(Empty()) == hash(())
    with pytest.raises(TypeError):
        hash(Shape("a", tags={"k": "v"}))  # a dict field is unhashable, as with dataclasses


def test_ordering_is_by_field_tuple_and_only_within_the_class() -> None:
    points = [Point(2, 1), Point(1, 5), Point(1, 2)]
    assert sorted(points) == [Point(1, 2), Point(1, 5), Point(2, 1)]
    assert Point(1) <= Point(1) and Point(2) > Point(1) and Point(2) >= Point(2)
    with pytest.raises(TypeError):
        Point(1) < RefPoint(1)  # type: ignore[operator]  # noqa: B015
    with pytest.raises(TypeError):
        Shape("a") < Shape("b")  # type: ignore[operator]  # noqa: B015


def test_instances_cannot_change() -> None:
    shape = Shape("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        shape.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del shape.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        object.__getattribute__(shape, "__setattr__")("other", 1)


def test_defaults_and_factories_are_per_instance() -> None:
    one, two = Shape("a"), Shape("b")
    assert one.tags == {} and one.tags is not two.tags
    assert Circle("c").radius == 1 and Circle("c", (), {}, "", 3).radius == 3
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, 3)  # type: ignore[call-arg]


@pytest.mark.parametrize(("ours", "reference"), _pairs())
def test_pickle_copy_and_replace_give_equal_values(ours: Any, reference: Any) -> None:
    for again in (pickle.loads(pickle.dumps(ours)), copy.copy(ours), copy.deepcopy(ours), dataclasses.replace(ours)):
        assert type(again) is type(ours) and again == ours and repr(again) == repr(ours)
    assert dataclasses.asdict(ours) == dataclasses.asdict(reference)
    assert dataclasses.astuple(ours) == dataclasses.astuple(reference)


def test_pickles_name_a_module_level_constructor() -> None:
    assert b"_make_Point" in pickle.dumps(Point(1, 2))


def test_methods_compiled_on_first_use_are_installed_once_under_threads() -> None:
    @frozen
    class Late:
        value: int

    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(Late(1) == Late(1) and hash(Late(2)) == hash((2,))))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8
    assert not getattr(vars(Late)["__eq__"], "_stub", False)
    assert not getattr(vars(Late)["__init__"], "_stub", False)
    assert repr(Late(3)).endswith("Late(value=3)")


def test_constructors_are_compiled_on_first_use_and_check_their_arguments_before_and_after() -> None:
    @frozen
    class Fresh:
        a: int
        b: str = "b"

    assert getattr(vars(Fresh)["__init__"], "_stub", False)
    with pytest.raises(TypeError):
        Fresh()  # type: ignore[call-arg]
    assert not getattr(vars(Fresh)["__init__"], "_stub", False), "compiled by the first call, even a failed one"
    with pytest.raises(TypeError):
        Fresh(1, "x", 3)  # type: ignore[call-arg]
    assert Fresh(1) == Fresh(a=1, b="b") and Fresh(2, b="c").b == "c"


MODULE = """from apexlint.records import field, frozen

@frozen
class Kept:
    a: int
    b: tuple[int, ...] = ()
    c: list[int] = field(default_factory=list)
"""


def test_a_pickle_loads_in_a_process_that_never_made_one_of_its_objects(tmp_path: Path) -> None:
    """Unpickling goes through `_make_<Class>` before any `__init__` ran: the stub compiles both."""
    (tmp_path / "keptmod.py").write_text(MODULE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    made = subprocess.run([sys.executable, "-c", "import pickle, sys, keptmod; "
                           "sys.stdout.buffer.write(pickle.dumps([keptmod.Kept(1, (2,), [3]), keptmod.Kept(4)]))"],
                          env=env, capture_output=True, check=True).stdout
    loaded = subprocess.run([sys.executable, "-c", "import pickle, sys, keptmod; "
                             "stub = getattr(keptmod.Kept.__init__, '_stub', False); "
                             "objs = pickle.loads(sys.stdin.buffer.read()); "
                             "print(stub, objs, objs[0] == keptmod.Kept(1, (2,), [3]), "
                             "getattr(keptmod.Kept.__init__, '_stub', False))"],
                            input=made, env=env, capture_output=True, check=True).stdout.decode()
    assert loaded.strip() == "True [Kept(a=1, b=(2,), c=[3]), Kept(a=4, b=(), c=[])] True False"


def test_recursive_repr_is_guarded() -> None:
    holder = Shape("loop", tags={})
    holder.tags["self"] = holder  # type: ignore[assignment]
    assert "..." in repr(holder)


@pytest.mark.parametrize("options", [{"init": False, "default": 0}, {"kw_only": True, "default": 0},
                                     {"hash": False, "default": 0}])
def test_unsupported_field_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="positional __init__ parameters"):
        @frozen
        class Odd:
            value: int = field(**options)  # type: ignore[misc]


def test_post_init_is_refused() -> None:
    with pytest.raises(TypeError, match="__post_init__"):
        @frozen
        class Odd:
            value: int

            def __post_init__(self) -> None:
                pass


def test_a_method_frozen_generates_is_refused_rather_than_overridden() -> None:
    with pytest.raises(TypeError, match=r"defines __eq__.* which @frozen generates"):
        @frozen
        class Odd:
            value: int

            def __eq__(self, other: object) -> bool:
                return True
