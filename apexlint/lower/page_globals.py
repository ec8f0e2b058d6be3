"""Whether a static resource's script reads a global the page that loads it may keep a session in.

A page keeps a session in a global (`var token = '{!$Api.Session_ID}'`) for the scripts it loads
from the package's static resources (AF-4), which `js_flow` follows under a stand-in for that
global (`ir.client_value("global", …)`). Following a script's values takes time (0.5 s over
jQuery), so a script is followed for its globals only when this cheap test (literal searches, no
parse) says it may send one: tree-sitter is not imported here, as the test also decides whether
a resource folder's script is lowered at all (`lower.is_quiet_script_or_metadata`).
"""

from __future__ import annotations

from bisect import bisect_right

from apexlint.lower import MAY_REQUEST_BYTES
from apexlint.patterns import lazy

# Globals every browser has, which no page makes up (a page keeps nothing in them for its scripts).
BROWSER_GLOBALS = frozenset({
    "window", "self", "globalThis", "document", "location", "navigator", "history", "console", "Math", "JSON",
    "Date", "Object", "Array", "String", "Number", "Boolean", "RegExp", "Error", "Promise", "Symbol", "Map", "Set",
    "undefined", "NaN", "Infinity", "arguments", "localStorage", "sessionStorage", "XMLHttpRequest", "fetch",
    "encodeURIComponent", "encodeURI", "decodeURIComponent", "decodeURI", "escape", "unescape", "btoa", "atob",
    "parseInt", "parseFloat", "setTimeout", "setInterval", "alert", "event", "top", "parent", "opener", "frames",
    "screen", "performance", "crypto", "URL", "URLSearchParams", "FormData", "Headers", "Request", "Blob",
})


def reads_page_global(data: bytes) -> bool:
    """Whether a static resource's script may send a credential the page that loads it keeps in a
    global (AF-4: `var token = '{!$Api.Session_ID}'` in the page, `fetch(url + token)` in the
    script): it may make a request, and reads a name like a credential's (`token`, `window.sid`, or
    `appConfig` in `appConfig.accessToken`) that it never declares, assigns or takes as a
    parameter. A cheap test (literal searches) of whether to follow the script's values at all:
    the flow takes 0.5 s over jQuery, which declares all it reads; it then tells exactly what the
    script reads of the page's globals."""
    if MAY_REQUEST_BYTES.search(data) is None:
        return False
    lowered = data.lower()
    read: set[bytes] = set()
    literals = _Literals(data)
    for word in _CREDENTIAL_WORDS:
        at = lowered.find(word)
        while at >= 0 and len(read) < _MOST_CANDIDATES:
            if _word_starts(data, at) and not data[at + len(word):at + len(word) + 1].islower():
                name = _global_read(data, at)
                if name and not literals.holds(at):
                    read.add(name)
            at = lowered.find(word, at + len(word))
    return any(not _declared(data, name) for name in sorted(read))


class _Literals:
    """Where a script's string literals and comments lie, found once (one linear pass), the
    first time a name is asked about: a name inside one is no read of a global. `_global_read`
    already tells a string's text by the quote beside it (`'sessionId'`); this finds the names
    inside a longer one, such as the base64 payload of a WebAssembly module a library inlines
    (pdf.js's worker: 320 KB in one string, where `Sid`, `tOKeN`... are two dozen names that
    looked undeclared, so the flow ran over all 2.2 MB of it, for 3 s)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def holds(self, at: int) -> bool:
        if self._starts is None:
            spans = [m.span() for m in _LITERAL_OR_COMMENT.finditer(self._data)]
            self._starts = [start for start, _ in spans]
            self._ends = [end for _, end in spans]
        i = bisect_right(self._starts, at) - 1
        if i < 0 or at >= self._ends[i]:
            return False
        start = self._starts[i]
        if self._data[start:start + 1] == b"`":  # a template literal's `${…}` is code
            opened = self._data.rfind(b"${", max(start, at - _SUBSTITUTION_BYTES), at)
            return opened < 0 or self._data.find(b"}", opened, at) >= 0
        return True


def _word_starts(data: bytes, at: int) -> bool:
    """A credential's word starts a name, follows `_`, or is capitalised inside one (`sid`,
    `sessionId`, `accessToken`, `SESSION_ID`), not inside a word (`inside`); the caller has it end
    one too (not `side`, `tokenizer`, `sessions`)."""
    before = data[at - 1:at]
    if not before or before not in _NAME_CHARS:
        return True
    return before == b"_" or (data[at:at + 1].isupper() and before.islower())


def _global_read(code: bytes, at: int) -> bytes:
    """The global read where a credential's word sits at `at`: the name holding it, or the first
    name of the chain it is a member of (`appConfig` of `appConfig.accessToken`, `sid` of
    `window.sid`); b"" for an object's key, a call, or a browser global."""
    start = at
    while start > 0 and code[start - 1:start] in _NAME_CHARS:
        start -= 1
    end = at
    while end < len(code) and code[end:end + 1] in _NAME_CHARS:
        end += 1
    after = code[end:end + 8].lstrip()
    if after[:1] == b"(" or (after[:1] == b":" and after[:2] != b"::"):
        return b""  # a call (`getToken()`), an object's key (`{token: 1}`)
    if code[start - 1:start] in _QUOTES or code[end:end + 1] in _QUOTES:
        return b""  # a string's text (`'sessionId'`)
    line = code[code.rfind(b"\n", 0, start) + 1:start]
    if _in_line_comment(line) or line.lstrip().startswith((b"*", b"/*")):
        return b""  # a comment's (`// the token is ...`, a doc comment's ` * @param token`)
    root = start
    while root > 0 and code[root - 1:root] == b".":
        if code[root - 2:root - 1] not in _NAME_CHARS:
            return b""  # a member of a call's or an index's value (`f(x).token`), not of a global
        root -= 1
        while root > 0 and code[root - 1:root] in _NAME_CHARS:
            root -= 1
    chain = code[root:end].split(b".")
    if chain[0] == b"window" and len(chain) > 1:
        chain = chain[1:]
    name = chain[0]
    return b"" if not name or name[:1].isdigit() or name in _BROWSER_GLOBALS else name


def _in_line_comment(line: bytes) -> bool:
    """Whether a line's text up to a name has opened a `//` comment (not a URL's `://`, nor a
    `//` inside a string)."""
    at = line.find(b"//")
    while at >= 0:
        before = line[:at]
        if not before.endswith(b":") and before.count(b"'") % 2 == 0 and before.count(b'"') % 2 == 0:
            return True
        at = line.find(b"//", at + 2)
    return False


def _declared(code: bytes, name: bytes) -> bool:
    """Whether the script declares `name` (`var`, `let`, `const`, `function`, `class`), assigns it,
    or takes it as a parameter (`function (a, name)`, `name => …`): then it is the script's own."""
    at = code.find(name)
    while at >= 0:
        end = at + len(name)
        whole = code[at - 1:at] not in _NAME_CHARS and code[at - 1:at] != b"." and code[end:end + 1] not in _NAME_CHARS
        if whole and (_DECLARING.search(code[max(0, at - 10):at]) or _DECLARED_BY.match(code, end)):
            return True
        at = code.find(name, end)
    return False


# what comes before a declared name (`var token`), and after an assigned one or a parameter
_DECLARING = lazy(rb"\b(?:var|let|const|function|class)\s+$")
_DECLARED_BY = lazy(rb"\s*(?:=(?!=)|=>|(?:,[\w$\s,]*)?\)\s*(?:\{|=>))")
_NAME_CHARS = frozenset(bytes([c]) for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
# the words of the names pages keep sessions in (`token`, `sid`, `sessionId`, `accessToken`)
_CREDENTIAL_WORDS = (b"sid", b"session", b"token")
_QUOTES = frozenset((b"'", b'"', b"`"))
# A string literal (quotes end with their line, a template literal may span lines) or a comment.
# A quote inside a regular expression literal (`/['"]/`) opens a string here: its line's end
# closes it, so at worst a name after it on that line is not read as a global.
_LITERAL_OR_COMMENT = lazy(rb"'(?:[^'\\\n]|\\.)*'?|\"(?:[^\"\\\n]|\\.)*\"?|`(?:[^`\\]|\\[\s\S])*`?"
                           rb"|//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/)?")
_SUBSTITUTION_BYTES = 4096  # how far back a name's `${` is looked for (each name's look is bounded)
_MOST_CANDIDATES = 64  # names looked up at most (a hostile script may name thousands): judged by these
_BROWSER_GLOBALS = frozenset(name.encode() for name in BROWSER_GLOBALS) | {b"this"}
