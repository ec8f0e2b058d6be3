"""S-controls (`scontrols/X.scf`): the HTML, or the URL, of a pre-Visualforce custom control.

Salesforce stopped letting orgs create S-controls in 2010, but an org still runs the ones it has,
and a metadata retrieve brings them along. The `.scf` file is the control's content; its
`-meta.xml` says what kind (`<contentSource>`): HTML, which Salesforce renders after filling
in merge fields as it does a custom button's (`{!API.Session_ID}`, `{!API.Partner_Server_URL_90}`)
and serves to the browser, scripts and all; or a URL, which it opens with the merge fields filled
in, as a URL custom link does. So an HTML S-control is read as a page (its sessions, scripts and
URL attributes), and a URL S-control as a link to its URL.
"""

from __future__ import annotations

from dataclasses import replace

from apexlint.ir import FileIR, FileKind, Notification, SourceKind, SourceSite, UrlUse
from apexlint.lower.text_scan import component_name, shorten, source_id, token_literal_sources
from apexlint.lower.visualforce import lower_visualforce
from apexlint.read.merge_fields import TextPositions, find_merge_fields
from apexlint.read.source import SourceText

SCONTROL_SINK = "s-control"  # a UrlUse sink: the URL a URL S-control opens
# What the page model calls an HTML S-control: no `Page.X`, `/apex/X` or `<apex:include>` reaches
# one, so it must not stand in for a page of the same name (`model.pages`).
_PAGE_PREFIX = "scontrol:"
_URL_STARTS = ("http://", "https://", "/", "{!")


def lower_scontrol(src: SourceText) -> FileIR:
    """Lower an S-control: a URL one as a link, any other as a page."""
    url = src.parse_text.strip()
    if url.startswith(_URL_STARTS) and not any(c.isspace() or c == "<" for c in url):
        return _url_scontrol(src, url)
    ir = lower_visualforce(src, FileKind.VISUALFORCE_PAGE)
    return replace(ir, pages=tuple(replace(p, name=_PAGE_PREFIX + p.name) for p in ir.pages))


def _url_scontrol(src: SourceText, url: str) -> FileIR:
    """The URL an S-control opens, with its session merge fields as sources."""
    notes: list[Notification] = []
    merges = [m for m in find_merge_fields(src.parse_text, notes, src.path) if m.is_session]
    positions = TextPositions(src.parse_text)
    owner = component_name(src.path).lower()
    sources = []
    for m in merges:
        span = src.span(positions.point(m.start), positions.point(m.end))
        sources.append(SourceSite(id=source_id(src.path, span), kind=SourceKind.MERGE_FIELD, path=src.path,
                                  span=span, text=shorten(src.parse_text[m.start:m.end], 200), owner=owner))
    uses: tuple[UrlUse, ...] = ()
    if sources:
        whole = src.span(positions.point(0), positions.point(len(src.parse_text)))
        uses = (UrlUse(sink=SCONTROL_SINK, url=url, sources=tuple(sorted(s.id for s in sources)), path=src.path,
                       span=whole, text=shorten(url), in_query=True),)
    sources += token_literal_sources(src, positions, owner)  # SID009, in any file
    return FileIR(path=src.path, kind=FileKind.VISUALFORCE_PAGE, line_count=src.line_count,
                  notifications=tuple(notes), sources=tuple(sources), url_uses=uses)
