"""`lazy()` (apexlint/patterns.py) stands in for `re.compile()`: the same answers from every
method, for text and bytes, with the compilation left to the first use."""

from __future__ import annotations

import re

import pytest

from apexlint.patterns import LazyPattern, lazy


def test_every_method_answers_as_the_compiled_pattern_does() -> None:
    text = "a1 b22 A333 c"
    for flags in (0, re.IGNORECASE):
        ours, theirs = lazy(r"([a-c])(\d+)", flags), re.compile(r"([a-c])(\d+)", flags)
        for _ in range(2):  # before and after the first use installed the compiled methods
            assert _span(ours.search(text, 1)) == _span(theirs.search(text, 1))
            assert _span(ours.match(text)) == _span(theirs.match(text))
            assert _span(ours.fullmatch("b22")) == _span(theirs.fullmatch("b22"))
            assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]
            assert ours.findall(text) == theirs.findall(text)
            assert ours.sub(r"<\2>", text, 1) == theirs.sub(r"<\2>", text, 1)
            assert ours.subn(lambda m: m.group(1).upper(), text) == theirs.subn(lambda m: m.group(1).upper(), text)
            assert ours.split(text) == theirs.split(text)


def test_a_bytes_pattern_matches_bytes() -> None:
    pattern = lazy(rb"<<(\w+)>>")
    found = pattern.search(b"x <<Name>> y")
    assert found is not None and found.group(1) == b"Name"
    with pytest.raises(TypeError):
        pattern.search("text")  # type: ignore[arg-type]  # as a compiled bytes pattern refuses str


def test_compiled_on_first_use_and_then_used_directly() -> None:
    pattern = lazy(r"x+")
    assert "search" not in vars(pattern) and (pattern.pattern, pattern.flags) == ("x+", 0)
    assert pattern.search("axxb") is not None
    compiled = vars(pattern)["search"].__self__  # the compiled pattern's own method, no longer ours
    assert isinstance(compiled, re.Pattern) and compiled.pattern == "x+"
    assert isinstance(pattern, LazyPattern)


def test_a_bad_pattern_fails_where_it_is_used() -> None:
    pattern = lazy(r"(unclosed")
    with pytest.raises(re.error):
        pattern.search("unclosed")


def _span(found: re.Match[str] | None) -> tuple[int, int] | None:
    return found.span() if found is not None else None
