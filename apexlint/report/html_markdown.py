"""A small, safe Markdown-to-HTML renderer for the rule help shown in the HTML report.

The rule help (`rules/SIDnnn.md`) uses a handful of Markdown constructs: `##` headings,
paragraphs, `-` and `1.` lists with indented continuation lines, fenced code blocks, inline code,
`[links](url)`, `<autolinks>` and `**bold**`. That is all this renders; anything else is shown as
the text it is. Every piece of input is HTML-escaped *before* markup is added, so no input can
produce a tag or attribute of its own, and links are kept only for `http(s)` and in-page `#`
targets (a `javascript:` URL stays plain text). No dependency beyond markupsafe, which jinja2 has.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markupsafe import Markup, escape

__all__ = ["markdown_to_html", "split_sections"]

_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w+-]*)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^([-*+])\s+(.*)$")
_ORDERED = re.compile(r"^(\d{1,9})[.)]\s+(.*)$")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
# Patterns below run on *escaped* text: `<` is `&lt;`, `"` is `&#34;`, `&` is `&amp;`.
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_AUTOLINK = re.compile(r"&lt;(https?://[^\s]+?)&gt;")
_STRONG = re.compile(r"\*\*(?!\s)(.+?)(?<!\s)\*\*", re.DOTALL)
_EMPHASIS = re.compile(r"(?<![\w*])\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?![\w*])")
_SAFE_URL = re.compile(r"^(?:https?://|#)", re.IGNORECASE)


def split_sections(markdown: str) -> list[tuple[str, str]]:
    """Split at level-2 headings (outside code): the rule help's fixed sections, in order.

    Text before the first `##` heading is returned under the title "".
    """
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_code = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading is not None and len(heading.group(1)) == 2:
            sections.append((heading.group(2), []))
        else:
            sections[-1][1].append(line)
    return [(title, "\n".join(lines).strip("\n")) for title, lines in sections if title or any(lines)]


def markdown_to_html(markdown: str, heading_offset: int = 2) -> Markup:
    """Render `markdown` to HTML; headings are pushed down by `heading_offset` levels (## -> h4)."""
    text = markdown.replace("\x00", "\ufffd").replace("\r\n", "\n")
    return Markup("\n").join(_blocks(text.split("\n"), heading_offset))


@dataclass(slots=True)
class _ListBuffer:
    """The list being collected: its tag and items, each item a list of source lines."""

    tag: str = ""
    items: list[list[str]] = field(default_factory=list)

    def html(self) -> Markup:
        inner = Markup("").join(Markup("<li>{}</li>").format(_inline(" ".join(i))) for i in self.items)
        return Markup("<{0}>{1}</{0}>").format(Markup(self.tag), inner)


def _blocks(lines: list[str], heading_offset: int) -> Iterator[Markup]:
    """Walk the lines once, emitting code blocks, headings, lists and paragraphs in order."""
    paragraph: list[str] = []
    current = _ListBuffer()
    index = 0
    while index < len(lines):
        line = lines[index]
        fence, heading = _FENCE.match(line), _HEADING.match(line)
        item = None if line.startswith("  ") else _BULLET.match(line) or _ORDERED.match(line)
        tag = "ul" if item is not None and item.re is _BULLET else "ol"
        if fence or heading or not line.strip() or (item and current.tag != tag) or (
            current.items and not item and not line.startswith(" ")
        ):
            yield from _flush(paragraph, current)
            paragraph, current = [], _ListBuffer()
        elif item:
            yield from _flush(paragraph, _ListBuffer())
            paragraph = []
        if fence:
            code, index = _code_block(lines, index + 1, fence.group(1))
            yield _code_html(code, fence.group(2))
            continue
        if heading:
            level = min(len(heading.group(1)) + heading_offset, 6)
            yield Markup("<h{0}>{1}</h{0}>").format(level, _inline(heading.group(2)))
        elif item:
            current.tag = tag
            current.items.append([item.group(2)])
        elif line.strip() and current.items:
            current.items[-1].append(line.strip())
        elif line.strip():
            paragraph.append(line.strip())
        index += 1
    yield from _flush(paragraph, current)


def _flush(paragraph: list[str], current: _ListBuffer) -> Iterator[Markup]:
    if paragraph:
        yield Markup("<p>{}</p>").format(_inline(" ".join(paragraph)))
    if current.items:
        yield current.html()


def _code_block(lines: list[str], start: int, fence: str) -> tuple[list[str], int]:
    """Lines up to the closing fence (or the end); returns them and the index after the fence."""
    end = start
    while end < len(lines) and not lines[end].strip().startswith(fence):
        end += 1
    return lines[start:end], end + 1


def _code_html(code: list[str], language: str) -> Markup:
    css = Markup(' class="language-{}"').format(language) if language else Markup("")
    return Markup("<pre><code{}>{}</code></pre>").format(css, "\n".join(code))


def _inline(text: str) -> Markup:
    """Inline markup on escaped text; code spans are set aside first so nothing inside them changes."""
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group(1))
        return f"\x00{len(spans) - 1}\x00"

    html = str(escape(_CODE_SPAN.sub(hold, text)))
    html = _LINK.sub(_link, html)
    html = _AUTOLINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', html)
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EMPHASIS.sub(r"<em>\1</em>", html)
    html = _PLACEHOLDER.sub(lambda m: str(Markup("<code>{}</code>").format(spans[int(m.group(1))])), html)
    return Markup(html)


def _link(match: re.Match[str]) -> str:
    """A link only to http(s) or an in-page anchor; the (already escaped) URL is safe in quotes."""
    label, url = match.group(1), match.group(2)
    if not _SAFE_URL.match(url):
        return match.group(0)  # shown as the text it is
    return f'<a href="{url}">{label}</a>'
