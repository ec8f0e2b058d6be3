"""SID001 session-id-in-async-context: `UserInfo.getSessionId()` evaluated in async Apex.

In batch, `@future`, queueable, scheduled and platform-event-trigger contexts the call returns
null (always for the Automated Process user), so the code is a bug whatever it meant to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from apexlint.analyses.values import Step
from apexlint.checks.context import CheckContext, Verdict
from apexlint.ir import SourceKind

RULE_ID = "SID001"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for src in ctx.sources(SourceKind.APEX_GET_SESSION_ID):
        info = ctx.model.evaluating_method(src.path, src.span)
        method_id = info.id if info is not None else None
        if method_id is None or method_id not in ctx.async_paths:
            continue
        path = ctx.async_paths[method_id]
        entry = ctx.async_entries[path[0]]
        steps = list(_call_steps(ctx, path))
        steps.append(Step(src.path, src.span, "UserInfo.getSessionId() evaluated here: it returns null in async Apex"))
        via = "" if len(path) == 1 else f" through {' → '.join(ctx.model.methods[m].label for m in path)}"
        message = (f"UserInfo.getSessionId() runs in async Apex ({entry.reason}{via}), where it returns null; "
                   "call the org through a Named Credential instead")
        yield Verdict(ctx.finding(RULE_ID, message, ctx.source_location(src.id), trace=tuple(steps),
                                  method=method_id, anchor_text=src.text,
                                  properties={"confidence": "high", "asyncEntry": entry.reason}), (src.id,))


def _call_steps(ctx: CheckContext, path: tuple[str, ...]) -> Iterator[Step]:
    first = ctx.model.methods[path[0]]
    entry = ctx.async_entries[path[0]]
    yield Step(first.path, first.method.span, f"async entry point: {entry.reason}")
    for caller, callee in pairwise(path):
        edge = next((e for e in ctx.graph.edges_of(caller) if e.callee == callee), None)
        if edge is not None:
            yield Step(ctx.model.methods[caller].path, edge.call.span,
                       f"calls {ctx.model.methods[callee].label}")
