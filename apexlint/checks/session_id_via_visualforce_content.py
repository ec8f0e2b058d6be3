"""SID007 session-id-via-visualforce-content: the Visualforce session trick.

`Page.X.getContent()` renders page X server-side; when X prints `{!$Api.Session_ID}` or
`{!GETSESSIONID()}`, or a controller property that returns `UserInfo.getSessionId()` (which
runs in the page's request), the Apex code reads a full UI session out of the page body — a
way around the API session's restrictions that the security review rejects.
"""

from __future__ import annotations

from collections.abc import Iterator

from apexlint.analyses.values import Step
from apexlint.checks.context import CheckContext, Verdict
from apexlint.ir import NOT_RENDERED, PageIR, SourceKind, SourceSite

RULE_ID = "SID007"


def check(ctx: CheckContext) -> Iterator[Verdict]:
    for src in ctx.sources(SourceKind.VF_CONTENT):
        page = ctx.model.page_named(src.context.lower())
        steps: list[Step] = []
        rendered = _rendered_sources(ctx, page) if page is not None else []
        page_source = rendered[0] if rendered else None
        if page_source is not None:
            inside = "" if page is None or page_source.path == page.path else \
                f" (in {page_source.path.rsplit('/', 1)[-1]}, which it renders)"
            steps.append(Step(page_source.path, page_source.span, f"page {page.display if page else src.context} "
                              f"renders the session ID with {page_source.text}{inside}"))
        steps.append(Step(src.path, src.span, "the rendered page, session ID included, is read into Apex"))
        where = f" ({page_source.text} at {page_source.path.rsplit('/', 1)[-1]}:{page_source.span.start_line})" \
            if page_source else ""
        # no session merge field of its own: a controller property it renders holds one
        member, held = ctx.flow.rendered.get(page.name, ("", ())) if page is not None and not rendered else ("", ())
        held_sources = [s for sid in held if (s := ctx.model.sources.get(sid)) is not None]
        if page is not None and member:
            first = held_sources[0] if held_sources else None
            where = f" (through {member}, {first.text} at {_at(first)})" if first else f" (through {member})"
            if first:
                steps.insert(0, Step(first.path, first.span,
                                     f"page {page.display} renders this session through {member}"))
        message = (f"{src.text} renders Visualforce page '{src.context}', which emits the session ID{where}: "
                   "this reads a UI session into Apex (the Visualforce session trick)")
        if src.chosen_by_caller:  # `global String fromPage(PageReference p) { p.getContent() }`
            message = (f"{src.text} renders a Visualforce page its caller chooses, and the package's page "
                       f"'{src.context}' emits the session ID{where}: code outside the package can read a UI "
                       "session into Apex through it (the Visualforce session trick)")
        if page is None:  # a page of another package, named for the session it renders
            message = (f"{src.text} renders Visualforce page '{src.context}', which is not in the package and whose "
                       "name says it renders the session ID: this reads a UI session into Apex (the Visualforce "
                       "session trick)")
        info = ctx.model.method_at(src.path, src.span)
        yield Verdict(ctx.finding(RULE_ID, message, ctx.source_location(src.id), trace=tuple(steps),
                                  method=info.id if info else "", anchor_text=src.text,
                                  properties={"confidence": "high" if page is not None else "medium",
                                              "page": src.context}),
                      (src.id, *(s.id for s in rendered), *(s.id for s in held_sources)))


def _at(src: SourceSite) -> str:
    """`File.cls:12`, as the message names a place."""
    return f"{src.path.rsplit('/', 1)[-1]}:{src.span.start_line}"


def _rendered_sources(ctx: CheckContext, page: PageIR) -> list[SourceSite]:
    """The session merge fields in the page's output, its own first, then those of the components,
    included pages and templates it renders: their use is this read, so this verdict is theirs
    too (otherwise they would look unused, SID011, though the reader of the page is known). Not
    those of a component with `rendered="false"`: they are in no output."""
    paths = [view.path for view in ctx.model.emitting_views(page)]
    by_path: dict[str, list[SourceSite]] = {path: [] for path in paths}
    for s in ctx.sources(SourceKind.MERGE_FIELD):
        if s.path in by_path and not s.context.startswith(NOT_RENDERED):
            by_path[s.path].append(s)
    return [s for path in paths for s in by_path[path]]
