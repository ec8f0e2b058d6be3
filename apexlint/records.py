"""`@frozen`: the frozen, slotted dataclass every stage passes its data in, built for start-up.

A class decorated `@frozen` is a `dataclasses` dataclass (`fields`, `replace`, `asdict` and
`is_dataclass` work on it) whose instances cannot be changed, with the `__init__`, `__repr__`,
`__eq__` and `__hash__` (and, with `order=True`, the comparisons) `@dataclass(frozen=True,
slots=True)` would give it. Why not that decorator: on Python 3.11 it compiles each generated
method on its own, six `exec` calls per class, 0.6 ms a class, and a scan imports about seventy
of them: 38 ms of a re-scan's 90 ms of imports. Here `dataclasses` only collects the fields and
adds the slots (no code generated). `__init__` and the pickle constructor are compiled together,
in one `exec`, the first time either is called; `__eq__`, `__hash__` and `__repr__` together, in
another, the first time one of them is called. A class a process never makes objects of costs it
no compilation.

Two more things the stdlib decorator does not do:
- `__init__` fills the slots through their descriptors instead of `object.__setattr__`, which
  halves the cost of making a small object (a `Span`: 0.61 -> 0.31 µs); lowering a large package
  makes a million of them.
- Pickling goes through `_make_<Class>(*field values)`, a module-level function that fills the
  slots: three times as fast to load as the default for a frozen, slotted dataclass (which calls
  `dataclasses.fields()` for every object), and a warm re-scan loads hundreds of thousands.

Only what the package uses is supported: every field is a positional `__init__` parameter, with a
default, a default factory or neither; `field(compare=False)` leaves it out of `==` and `hash`
and `field(repr=False)` out of `repr`, as in `dataclasses`. No `__post_init__`, no keyword-only
fields, no `field(hash=...)`, no method of its own that it generates (`__eq__`, `__reduce__`...):
a class asking for those is refused when it is defined. One
difference shows: `__dataclass_params__.frozen` is False (immutability is this module's doing,
not the dataclass machinery's); nothing in apexlint reads it.
"""

from __future__ import annotations

import dataclasses
import operator
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, field
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = ["field", "frozen"]

_T = TypeVar("_T")


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


@overload
def frozen(cls: type[_T], /) -> type[_T]: ...


@overload
def frozen(*, order: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[_T] | None = None, /, *, order: bool = False) -> Any:
    """Make `cls` a frozen, slotted dataclass (see the module's docstring); `order`: add `<` etc."""
    if cls is None:
        return lambda c: _build(c, order)
    return _build(cls, order)


# What @frozen writes into a class: a class defining one of these itself is refused rather than
# silently overridden (`dataclasses` would keep the class's own; nothing here needs one).
_GENERATED = frozenset({"__init__", "__repr__", "__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__",
                        "__reduce__", "__reduce_ex__", "__setattr__", "__delattr__", "__getstate__", "__setstate__"})


def _build(cls: type[_T], order: bool) -> type[_T]:
    if "__post_init__" in vars(cls):
        raise TypeError(f"{cls.__qualname__}: @frozen does not run __post_init__")
    own = sorted(_GENERATED.intersection(vars(cls)))
    if own:
        raise TypeError(f"{cls.__qualname__}: defines {', '.join(own)}, which @frozen generates")
    if cls.__doc__ is None:  # else dataclasses writes one from `inspect.signature` (0.3 ms a class)
        cls.__doc__ = f"{cls.__name__}({', '.join(vars(cls).get('__annotations__', {}))})"
    built: type[_T] = _slotted(cls) or dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=True)
    declared = dataclasses.fields(built)  # type: ignore[arg-type]
    for f in declared:
        if not f.init or f.kw_only or f.hash is not None:
            raise TypeError(f"{cls.__qualname__}.{f.name}: @frozen fields are positional __init__ parameters")
    names = tuple(f.name for f in declared)
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": built, "_missing": MISSING}
    params: list[str] = []
    defaults: list[str] = []
    for f in declared:
        scope[f"_set_{f.name}"] = getattr(built, f.name).__set__
        if f.default is not MISSING:
            scope[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not MISSING:
            scope[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_missing")
            defaults.append(f"    if {f.name} is _missing:\n        {f.name} = _f_{f.name}()\n")
        else:
            params.append(f.name)
    sets = "".join(f"    _set_{n}(self, {n})\n" for n in names) or "    pass\n"
    source = (f"def __init__(self, {', '.join(params)}):\n{''.join(defaults)}{sets}"
              f"def _make({', '.join(names)}):\n    self = _new(_cls)\n{sets}    return self\n")
    module = sys.modules[cls.__module__]
    make_name = f"_make_{cls.__qualname__.replace('.', '_')}"
    _install_constructors_on_first_use(built, module, make_name, source, scope)
    _install_on_first_use(built, [f.name for f in declared if f.compare], [f.name for f in declared if f.repr], order)
    built.__reduce__ = _reducer(vars(module), make_name, names)  # type: ignore[method-assign,assignment]
    built.__setattr__ = _frozen_setattr  # type: ignore[method-assign]
    built.__delattr__ = _frozen_delattr  # type: ignore[method-assign]
    return built


@dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)
class _Probe:
    """A class made by the decorator `_build` stands in for: what it gives every class is taken from it."""

    value: int


# What `dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=True)` gives a class,
# whatever its fields: its parameters, and the mark on a field that `fields()` lists it (not a
# ClassVar: the one attribute dataclasses reads to tell them apart; it has no public name).
_PARAMS = vars(_Probe)["__dataclass_params__"]
_FIELD_MARK = getattr(dataclasses.fields(_Probe)[0], "_field_type")  # noqa: B009


def _slotted(cls: type[_T]) -> type[_T] | None:
    """`dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=True)` for a class of
    plain fields, done directly: the same fields, slots, class attributes and `__match_args__`,
    in a quarter of the time (it collected each field through `typing` and made the class twice:
    about 60 µs a class, and a re-scan whose result is remembered imports about sixty). None
    for anything else (a base that is not `@frozen`, a metaclass, a `ClassVar`, `InitVar` or
    `KW_ONLY` annotation, slots of its own): the dataclasses decorator does those.
    """
    own = vars(cls)
    annotations: dict[str, object] = own.get("__annotations__", {})
    if (type(cls) is not type or "__slots__" in own
            or any(base is not object and "__dataclass_fields__" not in vars(base) for base in cls.__bases__)
            or any(not isinstance(a, str) or "ClassVar" in a or "InitVar" in a or "KW_ONLY" in a
                   for a in annotations.values())
            or any(isinstance(value, dataclasses.Field) and name not in annotations for name, value in own.items())):
        return None
    declared: dict[str, dataclasses.Field[Any]] = {}
    inherited_slots: set[str] = set()
    for base in cls.__mro__[-1:0:-1]:
        declared.update(vars(base).get("__dataclass_fields__", {}))
        inherited_slots.update(vars(base).get("__slots__", ()))
    for name, annotation in annotations.items():
        default = getattr(cls, name, MISSING)
        if isinstance(default, dataclasses.Field):
            f = default
        else:
            plain: Any = MISSING if isinstance(default, types.MemberDescriptorType) else default
            f = field(default=plain)
        f.name, f.type = name, annotation
        f._field_type = _FIELD_MARK  # type: ignore[attr-defined]
        if f.kw_only is MISSING:
            f.kw_only = False
        if f.default.__class__.__hash__ is None:  # as dataclasses refuses them
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        declared[name] = f
    namespace = dict(own)
    for name in declared:
        namespace.pop(name, None)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = tuple(name for name in declared if name not in inherited_slots)
    namespace["__dataclass_params__"] = _PARAMS
    namespace["__dataclass_fields__"] = declared
    namespace.setdefault("__match_args__", tuple(declared))
    slotted = type(cls.__name__, cls.__bases__, namespace)
    slotted.__qualname__ = cls.__qualname__
    return slotted


def _install(cls: type, methods: dict[str, Callable[..., Any]]) -> None:
    for name, method in methods.items():
        method.__qualname__, method.__module__ = f"{cls.__qualname__}.{name}", cls.__module__
        setattr(cls, name, method)


def _install_constructors_on_first_use(cls: type, module: Any, make_name: str, source: str,
                                       scope: dict[str, Any]) -> None:
    """`__init__` and the pickle constructor `module.<make_name>` (`_make_<Class>`), compiled
    together in one `exec` the first time either is called: a re-scan whose result comes from
    the cache makes objects of a third of the classes it imports, and compiling the others was
    7 ms of its start-up. Until then both are stubs that compile, put the compiled functions in
    their place (each one assignment: a thread sees a stub or the real one) and call it."""
    lock = threading.Lock()

    def compile_both() -> None:
        with lock:
            if not getattr(vars(cls)["__init__"], "_stub", False):
                return  # another thread got here first
            exec(source, scope)
            make: Callable[..., Any] = scope["_make"]
            make.__name__ = make.__qualname__ = make_name
            make.__module__ = cls.__module__
            setattr(module, make_name, make)
            _install(cls, {"__init__": scope["__init__"]})

    def first_init(self: Any, *args: Any, **kwargs: Any) -> None:
        compile_both()
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]

    def first_make(*args: Any) -> Any:
        compile_both()
        return getattr(module, make_name)(*args)

    first_init._stub = True  # type: ignore[attr-defined]
    first_make.__name__ = first_make.__qualname__ = make_name
    first_make.__module__ = cls.__module__
    setattr(module, make_name, first_make)  # where pickle looks for it
    _install(cls, {"__init__": first_init})


def _install_on_first_use(cls: type, compared: list[str], shown: list[str], order: bool) -> None:
    """`__eq__`, `__hash__`, `__repr__` (and the orderings) as `dataclasses` writes them, compiled
    in one `exec` when the first of them is called: many classes a scan imports are never
    compared, hashed or shown, and compiling them all was half of what this module saves."""
    rest = ["__eq__", "__hash__", "__repr__"] + (["__lt__", "__le__", "__gt__", "__ge__"] if order else [])

    def compile_all() -> None:
        if not getattr(vars(cls)["__eq__"], "_stub", False):
            return  # another thread got here first
        mine = "(" + "".join(f"self.{n}," for n in compared) + ")"
        theirs = "(" + "".join(f"other.{n}," for n in compared) + ")"
        fields_shown = ", ".join(f"{n}={{self.{n}!r}}" for n in shown)
        source = [f"def __repr__(self):\n    return f'{{self.__class__.__qualname__}}({fields_shown})'\n",
                  f"def __hash__(self):\n    return hash({mine})\n"]
        for name in rest:
            if name not in ("__repr__", "__hash__"):
                op = {"__eq__": "==", "__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}[name]
                source.append(f"def {name}(self, other):\n    if other.__class__ is self.__class__:\n"
                              f"        return {mine} {op} {theirs}\n    return NotImplemented\n")
        scope: dict[str, Any] = {}
        exec("".join(source), scope)
        scope["__repr__"] = recursive_repr()(scope["__repr__"])  # as dataclasses guards it
        _install(cls, {name: scope[name] for name in rest})

    def stub(name: str) -> Callable[..., Any]:
        def first_use(self: Any, *args: Any) -> Any:
            compile_all()
            return getattr(cls, name)(self, *args)
        first_use._stub = True  # type: ignore[attr-defined]
        return first_use
    _install(cls, {name: stub(name) for name in rest})


def _reducer(namespace: dict[str, Any], make_name: str, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """`__reduce__`: the module's `_make_<Class>` as it is now (a stub until first used), and the
    field values; pickle saves the function by name, so the two are the same to it."""
    if not names:
        def reduce_none(self: Any) -> tuple[Any, ...]:
            return namespace[make_name], ()
        return reduce_none
    values = operator.attrgetter(*names)  # in C: a third of the time of a loop over getattr
    if len(names) == 1:
        def reduce_one(self: Any) -> tuple[Any, ...]:
            return namespace[make_name], (values(self),)
        return reduce_one

    def reduce(self: Any) -> tuple[Any, ...]:
        return namespace[make_name], values(self)
    return reduce
