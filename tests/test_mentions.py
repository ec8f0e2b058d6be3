"""The call graph finds the bodies that mention a name by searching all methods' refs joined into
one text (apexlint/analyses/callgraph.py `Mentions`): it must answer exactly what asking each
method's refs would, whatever the names, their order and the methods with no refs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apexlint.analyses.callgraph import Mentions
from apexlint.ir import has_ref, refs_text

NAMES = st.text(alphabet="abcdefg_1.", min_size=1, max_size=4)
METHODS = st.dictionaries(st.text(alphabet="abcxyz.", min_size=1, max_size=6),
                          st.lists(NAMES, max_size=8).map(refs_text), max_size=12)


@pytest.mark.parametrize("index_after", [Mentions.INDEX_AFTER, 0, 3])
@given(methods=METHODS, asked=st.lists(NAMES, max_size=6))
def test_a_search_answers_what_each_methods_refs_would(methods: dict[str, str], asked: list[str],
                                                      index_after: int) -> None:
    """By searching the text, by the index built once enough names were asked, and across the switch."""
    mentions = Mentions(methods)
    mentions.INDEX_AFTER = index_after
    names = [n for refs in methods.values() for n in refs.split()] + asked
    for name in names + names:  # the second time from memory
        assert mentions(name) == [mid for mid in sorted(methods) if has_ref(methods[mid], name)], name


def test_names_that_are_not_identifiers_are_mentioned_nowhere() -> None:
    mentions = Mentions({"a.m": refs_text(["x", "y"]), "b.m": "", "c.m": refs_text(["z"])})
    assert mentions("") == [] and mentions("x y") == [] and mentions(" ") == []
    assert mentions("z") == ["c.m"] and mentions("x") == ["a.m"]
