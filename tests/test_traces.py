"""A flow's trace is extended a step at a time (`values.extend`: a step equal to the last is left
out; past MAX_TRACE the first steps and the last two are kept). Joining two traces in one pass
(`_concat_trace`, what a callee's path after the call is) must give exactly what extending step by
step gives, and `substitute` must leave a value with nothing to fill in as it is."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apexlint.analyses.values import MAX_TRACE, Step, Value, _concat_trace, extend, substitute
from apexlint.ir import Span

STEPS = [Step("A.cls", Span(line, 1, line, 2), message) for line in (1, 2) for message in ("x", "y")]
SEQUENCES = st.lists(st.sampled_from(STEPS), max_size=2 * MAX_TRACE + 5)


def _built(steps: list[Step]) -> tuple[Step, ...]:
    trace: tuple[Step, ...] = ()
    for step in steps:
        trace = extend(trace, step)
    return trace


@given(SEQUENCES, SEQUENCES)
def test_joining_traces_is_extending_step_by_step(first: list[Step], then: list[Step]) -> None:
    a, b = _built(first), _built(then)
    expected = a
    for step in b:
        expected = extend(expected, step)
    assert _concat_trace(a, b) == expected
    with_repeats = a  # a tail with repeats of its own, extended onto `a` as it is
    for step in then:
        with_repeats = extend(with_repeats, step)
    assert _concat_trace(a, tuple(then)) == with_repeats


def test_a_value_with_nothing_symbolic_is_not_rebuilt() -> None:
    step = STEPS[0]
    record = Value(facets={"Name": Value(taint={"s1": (step,)}), "Other": Value(strings=frozenset({("x",)}))})
    assert substitute(record, [], step) is record
    with_param = Value(facets={"Name": Value(params={0: (step,)})})
    assert substitute(with_param, [Value(taint={"s1": (step,)})], step).deep_taint()
