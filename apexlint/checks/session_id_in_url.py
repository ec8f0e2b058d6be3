"""SID006 session-id-in-url: a session ID placed in a URL.

URLs end up in browser history, proxy and server logs and Referer headers; a session ID in a
query parameter leaks to all of them, whoever the URL points at.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.analyses.endpoints import resolve_endpoints
from apexlint.analyses.values import Step
from apexlint.checks.context import CheckContext, Verdict
from apexlint.findings import Location

RULE_ID = "SID006"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for hit in ctx.hits("url"):
        urls = sorted({ep.url for ep in resolve_endpoints(hit.value, ctx.model)}) if hit.value.strings else []
        where = f"the URL {' or '.join(urls)}" if urls and len(urls) <= 3 else "a URL"
        message = f"{ctx.describe_hit(hit)} is put into {where} by {hit.site.api}"
        message += ctx.uncalled_note(hit.site.method_id)
        yield _verdict(ctx, hit.source_id, Location(hit.site.path, hit.site.span, label="session in URL"),
                       message, hit.site.text, hit.site.method_id, hit.trace, hit.site.api)
    for hit in ctx.hits("callout", "soap-callout"):
        use = ctx.callout_use(hit)
        if not use.in_url:
            continue
        url = " or ".join(e.url for e in use.endpoints)
        message = f"{ctx.describe_hit(hit)} is put into the URL of a callout to {url}"
        yield _verdict(ctx, hit.source_id, Location(hit.site.path, hit.site.span, label="session in URL"),
                       message, hit.site.text, hit.site.method_id, hit.trace, hit.site.api)
    for page_use in ctx.url_uses():
        if not page_use.in_query:
            continue
        sources = tuple(s for s in page_use.sources if ctx.reportable(s))
        what = ctx.describe_use(page_use, sources)
        shown, how = page_use.url, page_use.sink
        resolved = ctx.url_endpoint(page_use).url
        if resolved != shown and "<session ID>" in resolved:  # `window.open("{!mdUrl}")`: what the property holds
            shown, how = resolved, f"{page_use.url}, {page_use.sink}"
        message = f"{what} is put into the URL {shown} ({how})"
        loc = Location(page_use.path, page_use.span, label="session in URL")
        yield Verdict(ctx.finding(RULE_ID, message, loc, source_id=sources[0], anchor_text=page_use.text,
                                  properties={"confidence": "high", "sink": page_use.sink}), sources)


def _verdict(ctx: CheckContext, source_id: str, loc: Location, message: str, text: str, method: str,
             trace: tuple[Step, ...], sink: str) -> Verdict:
    return Verdict(ctx.finding(RULE_ID, message, loc, source_id=source_id, trace=trace, method=method,
                               anchor_text=text, properties={"confidence": "high", "sink": sink}), (source_id,))
