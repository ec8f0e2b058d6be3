"""A flow's trace is extended a step at a time (`values.extend`: a step equal to the last is left
out; past MAX_TRACE the first steps and the last two are kept). Joining two traces in one pass
(`_concat_trace`, what a callee's path after the call is) must give exactly what extending step by
step gives, and `substitute` must leave a value with nothing to fill in as it is.

A summary that changed only in its paths does not run its method's callers again
(`DataFlow._analyse`): telling such a change from one a caller must see is `same_but_paths`."""

from __future__ import annotations

from dataclasses import fields, replace

from hypothesis import given
from hypothesis import strategies as st

from apexlint.analyses.dataflow import SinkHit, SinkSite, Summary, _same_but_paths
from apexlint.analyses.values import MAX_TRACE, Step, Value, _concat_trace, extend, same_but_paths, substitute
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


def _value(path: tuple[Step, ...]) -> Value:
    """A value whose every source and parameter came by `path`: a session in its endpoint part."""
    return Value(taint={"s1": path}, params={0: path}, strings=frozenset({("https://", "\x00p0")}),
                 types=frozenset({"HttpRequest"}), facets={"endpoint": Value(taint={"s1": path}, params={1: path})})


def test_values_that_differ_only_in_their_paths_say_the_same() -> None:
    a, b = _value((STEPS[0],)), _value((STEPS[1], STEPS[2]))
    assert a != b and same_but_paths(a, b) and same_but_paths(b, a)
    different = [
        Value(taint={"s2": (STEPS[0],)}, params=a.params, strings=a.strings, types=a.types, facets=a.facets),
        Value(taint=a.taint, params={1: (STEPS[0],)}, strings=a.strings, types=a.types, facets=a.facets),
        Value(taint=a.taint, params=a.params, strings=frozenset({("https://x",)}), types=a.types, facets=a.facets),
        Value(taint=a.taint, params=a.params, strings=a.strings, types=frozenset({"String"}), facets=a.facets),
        Value(taint=a.taint, params=a.params, strings=a.strings, types=a.types,
              facets={"endpoint": Value(taint={"s1": (STEPS[0],)})}),
        Value(taint=a.taint, params=a.params, strings=a.strings, types=a.types, facets={**a.facets, "body": a}),
    ]
    for other in different:
        assert not same_but_paths(a, other) and not same_but_paths(other, a)


def test_a_summary_changed_only_in_its_paths_is_told_from_one_its_callers_must_see() -> None:
    a, b, other = _value((STEPS[0],)), _value((STEPS[1], STEPS[2])), Value(taint={"s2": (STEPS[0],)})
    site = SinkSite("callout", "Http.send", "c.m", "C.cls", Span(3, 1, 3, 9), "http.send(req)")
    elsewhere = replace(site, span=Span(4, 1, 4, 9))

    def summary(v: Value) -> Summary:
        return Summary(ret=v, param_effects={0: v}, field_effects={("c", "f"): v},
                       sinks={(site, "callout"): SinkHit(site, v)}, receiver_fields=frozenset({("c", "f")}),
                       receiver_effects={"f": v}, made=(("c", v),))

    assert summary(a) != summary(b) and _same_but_paths(summary(a), summary(b))
    # one change a caller must see per field of a summary: a field added to Summary and not compared
    # by `_same_but_paths` fails here
    changed = {
        "ret": other,
        "param_effects": {0: a, 1: a},
        "field_effects": {("c", "f"): other},
        "sinks": {(elsewhere, "callout"): SinkHit(elsewhere, a)},
        "receiver_fields": frozenset(),
        "receiver_effects": {"f": other},
        "made": (("d", a),),
    }
    assert set(changed) == {f.name for f in fields(Summary)}
    for name, value in changed.items():
        assert not _same_but_paths(summary(a), replace(summary(a), **{name: value})), name
