"""SID003 session-id-logged: a session ID written to a log, an exception message, or storage.

A session ID is a bearer credential: debug logs, logging frameworks, records, custom settings
and Platform Cache are read by people and processes that must never hold the user's session.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Location
from apexlint.model.catalog import METADATA_RECORD_WRITES, PAGE_KEEPS, PAGE_LOGS, PAGE_STORAGE

RULE_ID = "SID003"
WHAT = {"log": "written to a log by", "persist": "persisted by",
        # the event bus keeps a published event for 72 hours and delivers it to every subscriber
        # (triggers, flows, other packages, CometD clients that may replay it)
        "event": "published on the event bus, where any subscriber can read it for 72 hours, by"}


def check(ctx: CheckContext) -> Iterator[Verdict]:
    yield from _written_by_pages(ctx)
    for hit in ctx.hits("log", "persist", "event"):
        verb = WHAT[hit.site.kind]
        if hit.site.api.endswith("message"):
            verb = "put into an exception message by"
        message = f"{ctx.describe_hit(hit)} is {verb} {hit.site.api}"
        message += ctx.uncalled_note(hit.site.method_id)
        loc = Location(hit.site.path, hit.site.span, label=f"{verb.split(',')[0].split(' by')[0]} here")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=hit.source_id, trace=hit.trace,
                                  method=hit.site.method_id, anchor_text=hit.site.text,
                                  properties={"confidence": "high", "sink": hit.site.api}), (hit.source_id,))


def _written_by_pages(ctx: CheckContext) -> Iterator[Verdict]:
    """Page JavaScript that writes a session into a record (`PAGE_RECORD_WRITES`), the browser's
    console (`PAGE_LOGS`) or its storage (`PAGE_STORAGE`)."""
    for use in ctx.url_uses():
        if use.sink not in PAGE_KEEPS:
            continue
        sources = tuple(s for s in use.sources if ctx.reportable(s))
        what = ctx.describe_use(use, sources)
        if use.sink in PAGE_LOGS:
            message = (f"{what} is written to the browser console by {use.sink}, where extensions, injected "
                       "scripts and error collectors read it")
            label = "logged here"
        elif use.sink in METADATA_RECORD_WRITES:
            message = (f"{what} is persisted by the {use.sink} {use.url}: the record keeps the session of "
                       "whoever last saved it, for anyone who can read the record")
            label = "persisted here"
        elif use.sink in PAGE_STORAGE:
            message = (f"{what} is stored in the browser's {use.sink}: it outlives the page, and every script "
                       "of the origin can read it")
            label = "stored here"
        else:
            # `RemoteObjectModel.create` stands for any Remote Objects model's (`SObjectModel.X`...)
            how = f"Visualforce Remote Objects' {method}()" if (
                method := use.sink.removeprefix("RemoteObjectModel.")) != use.sink else use.sink
            message = (f"{what} is persisted by {how}: a record field keeps the user's session for "
                       "anyone who can read the record")
            label = "persisted here"
        loc = Location(use.path, use.span, label=label)
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sources[0], anchor_text=use.text,
                                  properties={"confidence": "high", "sink": use.sink}), sources)
