"""String methods on text known in full give the text Apex gives (apexlint.analyses.dataflow
`_on_literal`), so an endpoint cut from a literal template still says where it goes."""

from __future__ import annotations

import pytest

from apexlint.analyses.dataflow import _on_literal
from apexlint.analyses.values import ORG, Value, literal
from apexlint.ir import Call, Lit, Name, Span

S = Span(1, 1, 1, 2)


def _call(name: str, *args: str | int) -> Call:
    lits = tuple(Lit(S, str(a), is_string=True) if isinstance(a, str) else Lit(S, str(a)) for a in args)
    return Call(S, Name(S, "path"), name.lower(), lits, f"path.{name}(...)")


@pytest.mark.parametrize(("text", "method", "args", "expected"), [
    ("/sobjects/RemoteProxy/{0}", "removeEnd", ("/{0}",), "/sobjects/RemoteProxy"),
    ("/sobjects/RemoteProxy", "removeEnd", ("/{0}",), "/sobjects/RemoteProxy"),
    ("/SOBJECTS/x", "removeStartIgnoreCase", ("/sobjects",), "/x"),
    ("a/b/c", "substringBefore", ("/",), "a"),
    ("a/b/c", "substringBeforeLast", ("/",), "a/b"),
    ("a/b/c", "substringAfter", ("/",), "b/c"),
    ("a/b/c", "substringAfterLast", ("/",), "c"),
    ("abc", "substringBefore", ("",), ""),
    ("abc", "substringAfter", ("x",), ""),
    ("abc", "substringBefore", ("x",), "abc"),
    ("abcdef", "left", (2,), "ab"),
    ("abcdef", "left", (-1,), ""),
    ("abcdef", "right", (2,), "ef"),
    ("abcdef", "substring", (1, 3), "bc"),
    ("abcdef", "substring", (4,), "ef"),
    ("/Tooling", "toLowerCase", (), "/tooling"),
    ("  /x ", "trim", (), "/x"),
])
def test_the_text_apex_gives(text: str, method: str, args: tuple[str | int, ...], expected: str) -> None:
    out = _on_literal(method.lower(), _call(method, *args), literal(text))
    assert out is not None and out.strings == {(expected,)}


@pytest.mark.parametrize(("method", "args"), [
    ("substring", (2, 99)),  # Apex throws: no text to speak of
    ("left", ("x",)),  # another overload than the one modelled
    ("reverse", ()),  # not modelled
])
def test_what_is_not_modelled_gives_nothing(method: str, args: tuple[str | int, ...]) -> None:
    assert _on_literal(method.lower(), _call(method, *args), literal("abcdef")) is None


def test_text_not_known_in_full_is_left_alone() -> None:
    org = Value(strings=frozenset({(ORG, "/services/data")}))
    assert _on_literal("removeend", _call("removeEnd", "/data"), org) is None
