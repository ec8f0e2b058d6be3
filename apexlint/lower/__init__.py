"""Lowering: one discovered file in, its intermediate form(s) out.

`lower_file` is the unit of work that runs in worker processes and that the cache stores: it
reads the bytes once, decodes them, parses them with the right grammar and lowers the tree. It
never raises: any failure becomes a notification naming the file, and the scan goes on.
"""

from __future__ import annotations

import functools
import hashlib
import re
import signal
import threading
import time
from dataclasses import replace

from apexlint import patterns
from apexlint.ir import MEMBER_SEPARATOR, FileIR, FileKind, MetadataIR, NoticeLevel, Notification, resource_script
from apexlint.read.decode import ReadLimits, read_source
from apexlint.read.source import SourceText
from apexlint.records import frozen
from apexlint.secrets import TOKEN_START, clip

# The parsers, grammars and zip readers are imported where a file is lowered, not here: a scan
# whose files all come from the cache needs only the forms this module defines, and tree-sitter,
# ctypes and zipfile cost it 5 ms to import. (The reporters' redaction is `apexlint.secrets`: a
# re-scan whose result is remembered does not import this module at all.)

# Lines of script lowered per zipped static resource. Real archives (libraries, SLDS) hold far
# fewer; an archive of members padded with blank lines would otherwise cost seconds per member.
MAX_ARCHIVE_LINES = 1_000_000


@frozen
class LoweringJob:
    """Everything a worker needs to lower one file (picklable)."""

    rel: str
    kind: FileKind
    data: bytes
    namespace: str
    metadata_type: str | None = None
    content_type: str | None = None
    skip_tests: bool = False  # tests are not analysed: a test class with no source is not lowered
    lazy: bool = False  # Apex bodies with nothing lowering must find are left for later (lower/lazy.py)

    def settings(self, limits: ReadLimits | None = None) -> str:
        """Everything but the content that the lowered form depends on."""
        return lowering_settings(self.rel, self.kind, self.namespace, self.metadata_type, self.content_type,
                                 self.skip_tests, self.lazy, limits)

    def cache_key(self, tool_version: str, limits: ReadLimits | None = None) -> str:
        """Content hash plus everything else the lowered form depends on."""
        h = hashlib.sha256()
        h.update(f"{tool_version}\x00{self.settings(limits)}\x00".encode("utf-8", "surrogatepass"))
        h.update(self.data)
        return h.hexdigest()


def lowering_settings(rel: str, kind: FileKind, namespace: str, metadata_type: str | None,
                      content_type: str | None, skip_tests: bool, lazy: bool, limits: ReadLimits | None) -> str:
    """A job's settings (`LoweringJob.settings`) without making the job: a cache stamp per file."""
    return "\x00".join((rel, kind.value, namespace, metadata_type or "", content_type or "",
                          "skip-tests" if skip_tests else "", "lazy" if lazy else "", _limits_text(limits)))


@functools.lru_cache(maxsize=8)
def _limits_text(limits: ReadLimits | None) -> str:
    # once per scan, not once per file's stamp; a digest, as every entry of the cache index holds it
    return hashlib.sha256(repr(limits).encode()).hexdigest()[:16]


@frozen
class Lowered:
    files: tuple[FileIR, ...]
    notifications: tuple[Notification, ...]
    seconds: float


class FileTimeout(Exception):
    """Lowering one file took longer than the per-file limit."""


_ARMED = [False]  # whether the alarm of the file being lowered may still interrupt it


def _on_alarm(signum: int, frame: object) -> None:
    # A signal is handled between two bytecodes, possibly after the timer was disarmed (the file
    # done), or before the `try` that catches it was entered: only a running lowering is stopped.
    if _ARMED[0]:
        _ARMED[0] = False
        raise FileTimeout


# What an org retrieve gives for the Apex and Visualforce of an installed managed package
HIDDEN_SOURCE = b"(hidden)"
HIDDEN_KINDS = frozenset({FileKind.APEX_CLASS, FileKind.APEX_TRIGGER, FileKind.VISUALFORCE_PAGE,
                          FileKind.VISUALFORCE_COMPONENT})


def lower_job(job: LoweringJob, limits: ReadLimits, timeout: float | None = None) -> Lowered:
    """Lower one file; contain every failure (and any overrun of `timeout` seconds) to a notification."""
    start = time.perf_counter()
    # SIGALRM works only in the main thread; an alarm someone else armed is left alone. A file
    # searched only for tokens needs none (a linear search), nor its four system calls.
    alarm = bool(timeout) and job.kind is not FileKind.TEXT and threading.current_thread() is threading.main_thread() \
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
    try:
        try:
            if alarm and timeout:
                _ARMED[0] = True
                signal.setitimer(signal.ITIMER_REAL, timeout)  # a tiny limit can end inside this call
            files, notes = _lower(job, limits)
        finally:
            _ARMED[0] = False
    except FileTimeout:
        files, notes = [], [Notification(
            code="file-timeout", level=NoticeLevel.WARNING, path=job.rel,
            message=f"skipped: reading and parsing this file took longer than the {timeout:g}-second limit")]
    except RecursionError:
        files, notes = [], [Notification(
            code="nesting-too-deep", level=NoticeLevel.WARNING, path=job.rel,
            message="skipped: the file nests too deeply to analyse")]
    except Exception as exc:  # one bad file must never lose the other files' findings
        files, notes = [], [Notification(
            code="internal-error", level=NoticeLevel.ERROR, path=job.rel,
            message=f"apexlint failed on this file ({type(exc).__name__}: {clip(str(exc), 200)}); "
                    "the rest of the scan is unaffected")]
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return Lowered(tuple(files), tuple(notes), time.perf_counter() - start)


def _lower(job: LoweringJob, limits: ReadLimits) -> tuple[list[FileIR], list[Notification]]:
    if job.kind == FileKind.TEXT:
        from apexlint.lower.plain_text import lower_plain_text
        if job.rel.endswith(AURA_MARKUP_SUFFIXES):
            from apexlint.lower.aura import lower_aura_markup
            return _with_bindings(job, lower_aura_markup(job.rel, job.data, lower_plain_text(job.rel, job.data))), []
        return _with_bindings(job, lower_plain_text(job.rel, job.data)), []
    if job.kind == FileKind.STATIC_RESOURCE:
        return _lower_resource(job, limits)
    if job.data.strip() == HIDDEN_SOURCE and job.kind in HIDDEN_KINDS:
        # an installed managed package's code as an org retrieve gives it: nothing to read
        return [], [Notification(code="hidden-source", level=NoticeLevel.NOTE, path=job.rel,
                                 message="not scanned: the source of an installed managed package is hidden "
                                         "('(hidden)'), as the org returns it")]
    src, notes = read_source(job.rel, job.data, job.namespace, limits)
    if src is None:
        return _unanalysed(job.rel, job.kind, job.data, notes, limits), notes
    if job.skip_tests and job.kind == FileKind.APEX_CLASS and is_quiet_test_class(src.text):
        return [FileIR(path=src.path, kind=job.kind, line_count=src.line_count, extra={"test-class": "skipped"})], \
            notes
    if job.lazy and is_quiet_script_or_metadata(job, src.text):
        return [_unparsed(job, src)], notes
    if job.kind in _XML_KINDS and (why := too_deep(job.data)):
        # the XML and HTML grammars' time grows with the square of the depth (100,000 `<a>` never
        # closed, 300 KB: 28 s; 40,000 closed: 18 s), in C code the file time limit cannot interrupt
        from apexlint.lower.unanalysed import unanalysed
        return unanalysed(job.rel, job.kind, job.data, limits.max_line_chars, why), [*notes, Notification(
            code="nesting-too-deep", level=NoticeLevel.WARNING, path=job.rel,
            message=f"not parsed: {why}; the sessions and tokens it names are still reported")]
    ir = lower_source(src, job.kind, job.metadata_type, job.lazy)
    return [ir], notes


_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_TEST_CLASS = re.compile(r"^\s*(?:@\w+(?:\s*\([^)]*\))?\s*)*@istest\b(?:\s*\([^)]*\))?[\s\w]*?\bclass\b",
                         re.I | re.A)
_SOURCE_WORDS = ("getsessionid", "getcontent", "sessionid", "session_id")


# Static JavaScript and metadata XML hold a source only where they name the session
# (`sessionId`, `__sfdcSessionId`, `$Api.Session_ID`, `GETSESSIONID`, `includeSessionId`) or a
# token; lowering records a suppression only where a comment says `apexlint`.
_LOWERING_WORDS = ("session", "apexlint")
# ...or where Apex may hand it a session (an LWC's Apex import, JavaScript remoting) and it can
# send it somewhere (`MAY_REQUEST`); `ScriptUnit.hands_over` asks the same of a page's scripts.
# Remoting by its manager or an action's merge field, not a bare `invokeAction` (a React
# component's method of that name made a 4.7 MB library be walked for 12 s).
# An Aura action's callback gets what Apex returns by `response.getReturnValue()`.
APEX_HANDS_OVER = ("@salesforce/apex/", "remoting.Manager", "$RemoteAction", "getReturnValue")
_APEX_HANDS_OVER_BYTES = tuple(word.encode() for word in APEX_HANDS_OVER)
# An Aura bundle's script reading an attribute named for a session (`component.get('v.sessionId')`):
# what a page's Lightning Out `$Lightning.createComponent` may give it (`analyses.client`). Only
# such names: every Aura script reads `v.recordId`, and walking each would cost for nothing.
# What in a name says it holds a session (`sessionId`, `sid`, `apiToken`), whatever its case.
# (The script patterns below are `lazy()`: a re-scan that lowers one changed class again imports
# this module and never reads a script.)
SESSION_NAME_WORDS = "sid|session|token"
AURA_SESSION_ATTRIBUTE = patterns.lazy(rb"""\.get\s*\(\s*["']v\.[\w$]*(?:%s)""" % SESSION_NAME_WORDS.encode(),
                                       re.IGNORECASE)
# `x.set('v.name', …)` / `x.get("v.name")`: an Aura attribute written or read by its literal key,
# the name captured (`js_sinks._component_set` and `js_calls._aura_value` read the same keys)
AURA_ATTRIBUTE_WRITE = patterns.lazy(rb"\.set\s*\(\s*['\"]\s*v\.([\w$.]+)")
AURA_ATTRIBUTE_READ = patterns.lazy(rb"\.get\s*\(\s*['\"]\s*v\.([\w$.]+)")
# An LWC's public property named for a session (`@api sessionId;`), the same hand-off
LWC_SESSION_PROPERTY = patterns.lazy(
    rb"@api\s+(?=[A-Za-z_$])([\w$]*?(?:%s)[\w$]*)\s*[;=]" % SESSION_NAME_WORDS.encode(), re.IGNORECASE)
# An Aura bundle's markup: the controller it names (`lower/aura.py`).
AURA_MARKUP_SUFFIXES = (".cmp", ".app")
# Words without which a script has none of the sinks of `js_sinks` (requests, navigation, markup and
# element URLs, record writes) but an `<object>`'s `.data`, which components assign for everything
# else: a script that gets values from Apex but has none of them sends them nowhere, and is not
# walked for them (an LWC's walk costs 40 times its parse). An LWC navigates to a URL only to a
# `standard__webPage` (`js_sinks._lightning_navigation`): its other navigation needs no walk.
MAY_REQUEST = (
    r"fetch|XMLHttpRequest|ActiveXObject|ajax|axios|\$\.get|\$\.post|jQuery|\.open\s*\(|location(?:\.href)?\s*=(?!=)"
    r"|location\.(?:assign|replace)\s*\(|navigateToURL|standard__webPage|sendBeacon|postMessage|\bsforce\.|forcetk|jsforce|cometd"
    r"|RemoteObject|setAttribute|document\.write|\.(?:src|href|action|formaction|poster|innerHTML|outerHTML)\s*=(?!=)"
    r"|\.submit\s*\(|WebSocket|EventSource|Image\s*\(|console\.|localStorage|sessionStorage|cookie"
)
MAY_REQUEST_BYTES = patterns.lazy(MAY_REQUEST.encode())
# A script requesting a page of the package and reading the response (`fetch('/apex/ApiSession')`,
# `$.get('/apex/' + 'ApiSession')`, `xhr.open('GET', '/apex/ApiSession')`): the page may render
# the session into it, which the script then holds (`ir.PAGE_RESPONSE`). A literal search for the
# path first: most scripts never name one.
_PAGE_PATH = b"/apex/"
_READS_RESPONSE = patterns.lazy(rb"\bfetch\s*\(|XMLHttpRequest|\.(?:ajax|get|getJSON|post)\s*\(|\baxios\b")


def requests_page(raw: bytes) -> bool:
    """Whether a script may request a Visualforce page and read what it renders."""
    return _PAGE_PATH in raw and _READS_RESPONSE.search(raw) is not None


_MAY_REQUEST = patterns.lazy(MAY_REQUEST)
# An Aura controller's action hands its helper something (`helper.push(component, sid)`): the
# helper (`<Bundle>Helper.js`) may send it, so such a controller is walked for what it passes.
# The helper is an action's third parameter, under whatever name (`function (cmp, evt, hlp)`),
# and may be copied to another (`var h = helper;`).
_HELPER_PARAMETER = re.compile(
    rb"function\s*\(\s*[\w$]+\s*,\s*[\w$]+\s*,\s*([\w$]+)\s*\)|\(\s*[\w$]+\s*,\s*[\w$]+\s*,\s*([\w$]+)\s*\)\s*=>")
_HELPER_CALL = rb"\b(?:%s)\s*\.\s*[A-Za-z_$][\w$]*\s*\("
_HELPER_ALIAS = rb"(?<![\w$.])([A-Za-z_$][\w$]*)\s*=\s*(?:%s)\s*[;,\n)]"


def aura_helper_call(raw: bytes) -> bool:
    """Whether an Aura controller's script calls a method of its helper (`helper.push(`), under
    the names its actions give the helper or copy it to."""
    names = {b"helper"} | {a or b for a, b in _HELPER_PARAMETER.findall(raw)}
    alternation = b"|".join(re.escape(n) for n in sorted(names))
    names |= set(re.findall(_HELPER_ALIAS % alternation, raw))
    return re.search(_HELPER_CALL % b"|".join(re.escape(n) for n in sorted(names)), raw) is not None


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    """Any of `words` (lower case) in `text` whatever its case, or a token's start. Lower-casing
    and `in` is ten times faster than a case-blind regex over a whole file."""
    lowered = text.lower()
    return any(w in lowered for w in words) or TOKEN_START.search(text) is not None


def is_quiet_script_or_metadata(job: LoweringJob, text: str) -> bool:
    """A static script or metadata file in which lowering could find nothing: not parsed at all.
    Most of a package's metadata (fields, layouts, list views) and its script libraries are;
    what a scan loses is only the parse-error notes of files that cannot change a finding."""
    if job.kind == FileKind.JAVASCRIPT or (job.kind == FileKind.STATIC_RESOURCE and _is_html_file(job.rel)):
        # an unzipped resource's page is a script's container: a library's docs and demos say
        # nothing of the session, and are not parsed (nor their broken markup noted)
        return not _mentions(text, _LOWERING_WORDS) and not (
            (any(w in text for w in APEX_HANDS_OVER) or _aura_session_attribute(job.rel, text)
             or _aura_attribute_read(job.rel, job.data)) and (
                _MAY_REQUEST.search(text) is not None or _component_binds(job.rel, text))) \
            and not _aura_hand_off(job.rel, text) and not _reads_page_global(job.rel, job.data) \
            and not _shares_with_modules(job.rel, job.data) and not requests_page(job.data)
    if job.kind == FileKind.METADATA:
        from apexlint.lower.metadata import ENDPOINT_TYPES
        return bool(job.metadata_type) and job.metadata_type not in ENDPOINT_TYPES and \
            not _mentions(text, _LOWERING_WORDS) and not _background_flow(job, text)
    return False


def _reads_page_global(rel: str, data: bytes) -> bool:
    """A static resource folder's script that may send what a page loading it keeps in a global
    (`fetch(url + token)`, `lower.page_globals`)."""
    if resource_script(rel) is None:
        return False
    from apexlint.lower.page_globals import reads_page_global
    return reads_page_global(data)


def exporting_module(path: str, data: bytes) -> str:
    """The name importers give a Lightning web component's module (`lwc/api/api.js`: "api", as
    `c/api`), when it exports functions and may send something (`js_flow.exported_functions`);
    "" for any other script."""
    module = _exporting(path, data)
    return module if module and MAY_REQUEST_BYTES.search(data) is not None else ""


def returning_module(path: str, data: bytes) -> str:
    """The name importers give a Lightning web component's module when it exports functions and
    may return what Apex hands it (`return getSid()`): what those functions return is followed
    where they are called (`ir.module_return`); "" for any other script. A module that Apex hands
    nothing is not followed for what it returns of other modules' functions: NPSP's utility
    modules call each other in most functions, and walking them cost as much as the rest of its
    components' scripts."""
    module = _exporting(path, data)
    return module if module and any(w in data for w in _APEX_HANDS_OVER_BYTES) else ""


def _exporting(path: str, data: bytes) -> str:
    """A Lightning web component's module that exports functions: its name, lower case."""
    parts = path.rsplit("/", 3)
    if len(parts) < 3 or parts[-3].lower() != "lwc" or parts[-1].lower() != f"{parts[-2].lower()}.js" \
            or b"export" not in data or _EXPORTS_FUNCTION.search(data) is None:
        return ""
    return parts[-2].lower()


# `export function f`, `export default function`, `export const f = (…) =>`, `export { f }`: not
# a component's `export default class`, which every LWC has
_EXPORTS_FUNCTION = patterns.lazy(rb"\bexport\s+(?:default\s+)?(?:async\s+)?function\b|\bexport\s+(?:const|let|var)\s+"
                                  rb"[\w$]+\s*=\s*(?:async\s+)?(?:function\b|\(|[\w$]+\s*=>)|\bexport\s*\{")


def _shares_with_modules(rel: str, data: bytes) -> bool:
    """A Lightning web component's script that passes what Apex hands it to a function of a
    component's module (`import { send } from 'c/api'`) or may send what such a function returns,
    or the module that exports it and may send something or return what Apex hands it
    (`js_flow.exported_functions`)."""
    if not rel.lower().endswith(".js") or "/lwc/" not in "/" + rel.lower():
        return False
    if (b"from 'c/" in data or b'from "c/' in data) and (any(w in data for w in _APEX_HANDS_OVER_BYTES) or (
            b"@api" in data and LWC_SESSION_PROPERTY.search(data) is not None)  # what a page gives it
            or MAY_REQUEST_BYTES.search(data) is not None
            or _binds(rel, data)):
        return True
    return exporting_module(rel, data) != "" or returning_module(rel, data) != ""


def too_deep(data: bytes) -> str:
    """Why XML markup (metadata, and Visualforce, which is XML too) nests too deeply to parse:
    `MOST_NESTED` elements it opens and never closes, counted from its markup (`<a>` opens, `</a>`
    and `<a/>` close; `<?…?>`, `<!--…-->` and `<![CDATA[` neither: 0 for well-formed XML), or
    elements nested that deep; "" for any other. No file of NPSP, 60 public repositories or the
    fixtures (45,000 metadata files, 3,300 pages and components) is off by a hundred or nests 60
    deep; at 16,000 levels the grammars take about 1 s (HTML) and 3 s (XML), at 40,000 6 and 18 s.
    The depth is read only of files with twice as many tags: a tag at a time, stopping there."""
    closes = data.count(b"</")
    unclosed = data.count(b"<") - 2 * closes - data.count(b"/>") - data.count(b"<?") - data.count(b"<!")
    if unclosed >= MOST_NESTED:
        return f"{unclosed:,} elements are never closed"
    if data.count(b"<") < 2 * MOST_NESTED:
        return ""
    depth = 0
    for tag in _TAG.finditer(data):
        if tag.group(1):
            depth -= 1
        elif data[tag.end() - 2:tag.end() - 1] != b"/":
            depth += 1
            if depth >= MOST_NESTED:
                return f"elements are nested over {MOST_NESTED:,} deep"
    return ""


MOST_NESTED = 16_000
_TAG = patterns.lazy(rb"<(/?)[A-Za-z][^<>]*>")
_XML_KINDS = frozenset({FileKind.METADATA, FileKind.VISUALFORCE_PAGE, FileKind.VISUALFORCE_COMPONENT})


def _background_flow(job: LoweringJob, text: str) -> bool:
    """A flow no user starts that calls Apex (`MetadataIR.background_actions`)."""
    return job.metadata_type == "Flow" and _BACKGROUND_FLOW.search(text) is not None \
        and _APEX_ACTION.search(text) is not None


_BACKGROUND_FLOW = patterns.lazy(r"<triggerType>\s*(?:PlatformEvent|Scheduled)\s*</triggerType>")
_APEX_ACTION = patterns.lazy(r"<actionType>\s*apex\s*</actionType>", re.IGNORECASE)


def _component_binds(rel: str, text: str) -> bool:
    """A Lightning component's script that sets what its template may bind into a URL
    (`lower/templates.py`): walked for what Apex hands it, as one that sends it is."""
    return _binds(rel, text.encode("utf-8", "replace"))


def _binds(rel: str, data: bytes) -> bool:
    lowered = rel.lower()
    if "lwc/" not in lowered and "aura/" not in lowered:
        return False
    from apexlint.lower.aura import is_aura_bundle
    from apexlint.lower.js_values import ScriptUnit
    from apexlint.lower.templates import is_lwc_bundle
    lwc, aura = is_lwc_bundle(rel), is_aura_bundle(rel)
    return (lwc or aura) and ScriptUnit(raw=data, base_point=(0, 0), aura=aura, lwc=lwc).binds


def _aura_session_attribute(rel: str, text: str) -> bool:
    """An Aura bundle's script that reads an attribute named for a session (`AURA_SESSION_ATTRIBUTE`),
    an LWC's that declares a public property so named (`LWC_SESSION_PROPERTY`)."""
    lowered = rel.lower()
    if "lwc/" in lowered and "@api" in text:
        from apexlint.lower.templates import is_lwc_bundle
        return is_lwc_bundle(rel) and LWC_SESSION_PROPERTY.search(text.encode("utf-8", "replace")) is not None
    if "aura/" not in lowered or ".get" not in text:
        return False
    from apexlint.lower.aura import is_aura_bundle
    return is_aura_bundle(rel) and AURA_SESSION_ATTRIBUTE.search(text.encode("utf-8", "replace")) is not None


def _aura_attribute_read(rel: str, data: bytes) -> bool:
    """An Aura bundle's script that reads an attribute (`cmp.get('v.details')`), which its bundle's
    other scripts may keep a session in (`analyses.client`)."""
    if "aura/" not in rel.lower() or b".get" not in data:
        return False
    from apexlint.lower.aura import is_aura_bundle
    return is_aura_bundle(rel) and AURA_ATTRIBUTE_READ.search(data) is not None


def _aura_hand_off(rel: str, text: str) -> bool:
    """An Aura controller that passes what an action returns to its helper, or a helper that
    may send what it is passed (`lower/aura.py`)."""
    if "/aura/" not in rel.lower() and not rel.lower().startswith("aura/"):
        return False
    from apexlint.lower.aura import is_aura_helper
    if is_aura_helper(rel):
        return _MAY_REQUEST.search(text) is not None
    return "getReturnValue" in text and aura_helper_call(text.encode("utf-8", "replace"))


def _with_bindings(job: LoweringJob, lowered: list[FileIR]) -> list[FileIR]:
    """A Lightning component template's forms with the URL attributes it binds to the component's
    properties (`lower/templates.py`); any other text file's as they are."""
    lowered_rel = job.rel.lower()
    if not (lowered_rel.endswith(".html") and "lwc/" in lowered_rel) and not job.rel.endswith(AURA_MARKUP_SUFFIXES):
        return lowered  # most text files: asked by their name alone
    from apexlint.lower.aura import is_aura_bundle
    from apexlint.lower.templates import is_lwc_template, template_bindings
    if not (is_lwc_template(job.rel) or (job.rel.endswith(AURA_MARKUP_SUFFIXES) and is_aura_bundle(job.rel))):
        return lowered
    bindings = template_bindings(job.rel, job.data.decode("utf-8", "replace"))
    if not bindings:
        return lowered
    if lowered:
        return [replace(lowered[0], template_bindings=bindings), *lowered[1:]]
    return [FileIR(path=job.rel, kind=FileKind.TEXT, line_count=0, template_bindings=bindings)]


def _unparsed(job: LoweringJob, src: SourceText) -> FileIR:
    from apexlint.lower.labels import labels_of
    from apexlint.lower.text_scan import component_name
    metadata = (MetadataIR(job.metadata_type or "Unknown", component_name(src.path), src.path,
                           labels=labels_of(job.metadata_type, src.path, src.text)),) \
        if job.kind == FileKind.METADATA else ()
    from apexlint.lower.aura import helper_method_names, is_aura_helper
    helper = helper_method_names(src.text) if job.kind == FileKind.JAVASCRIPT and is_aura_helper(src.path) else ()
    return FileIR(path=src.path, kind=job.kind, line_count=src.line_count, metadata=metadata,
                  aura_helper_methods=helper, extra={"parsed": "no: nothing in it to lower"})


def _is_html_file(rel: str) -> bool:
    from apexlint.read.static_resources import HTML_SUFFIXES  # a resource is being lowered: loaded already
    return rel.lower().endswith(HTML_SUFFIXES)


def is_quiet_test_class(text: str) -> bool:
    """An `@IsTest` class with nothing that could be a session source: when tests are not
    analysed, nothing in it can change a finding, so it is neither parsed nor lowered (about
    half the Apex of a well-tested package). A test class holding a source is lowered, so the
    summary still counts the sources found in tests."""
    # the declaration first: it reads 4 KB, where looking for a source reads the whole file
    return bool(_TEST_CLASS.match(_COMMENTS.sub(" ", text[:4000]))) and not _mentions(text, _SOURCE_WORDS)


def _lower_resource(job: LoweringJob, limits: ReadLimits) -> tuple[list[FileIR], list[Notification]]:
    from apexlint.lower.plain_text import lower_plain_text
    from apexlint.read.static_resources import HTML_SUFFIXES, is_html_resource, resource_contents
    contents = resource_contents(job.data, job.rel, job.content_type, limits)
    members, notes = contents.scripts, contents.notes
    files: list[FileIR] = []
    for name, data in contents.texts:  # JSON, CSV, text: searched for tokens only, as such files are
        files += lower_plain_text(job.rel if not name else f"{job.rel}{MEMBER_SEPARATOR}{name}", data)
    lines = 0
    for i, (name, data) in enumerate(members):
        lines += data.count(b"\n")
        if lines > MAX_ARCHIVE_LINES and i > 0:
            notes.append(Notification(
                code="archive-budget", level=NoticeLevel.WARNING, path=job.rel,
                message=f"{len(members) - i} of {len(members)} files in this archive are not analysed: together "
                        f"they pass {MAX_ARCHIVE_LINES:,} lines"))
            break
        rel = job.rel if not name else f"{job.rel}{MEMBER_SEPARATOR}{name}"
        src, more = read_source(rel, data, job.namespace, limits)
        notes.extend(more)
        if src is None:
            files += _unanalysed(rel, job.kind, data, more, limits)
            continue
        if not name and job.lazy and is_quiet_script_or_metadata(job, src.text):
            files.append(_unparsed(job, src))  # an unzipped resource folder's page that says nothing of sessions
            continue
        if name.lower().endswith(HTML_SUFFIXES) or (not name and is_html_resource(job.rel, job.content_type, data)):
            # static HTML: Visualforce does not render it, so merge fields in it are not sources
            from apexlint.lower.visualforce import lower_visualforce
            files.append(lower_visualforce(src, FileKind.STATIC_RESOURCE))
        else:
            from apexlint.lower.javascript import lower_javascript
            files.append(lower_javascript(src, FileKind.JAVASCRIPT))
    return files, notes


def _unanalysed(rel: str, kind: FileKind, data: bytes, notes: list[Notification], limits: ReadLimits) -> list[FileIR]:
    """What a file read but skipped for a line over the limit still gives (`lower.unanalysed`)."""
    if not any(n.code == "line-too-long" for n in notes):
        return []
    from apexlint.lower.unanalysed import unanalysed
    return unanalysed(rel, kind, data, limits.max_line_chars)


def lower_source(src: SourceText, kind: FileKind, metadata_type: str | None = None, lazy: bool = False) -> FileIR:
    """Dispatch on the file kind to the one lowering that knows its language."""
    if kind in (FileKind.APEX_CLASS, FileKind.APEX_TRIGGER):
        from apexlint.lower.apex import lower_apex
        return lower_apex(src, kind, lazy)
    if kind == FileKind.VISUALFORCE_PAGE and metadata_type == "Scontrol":  # `discover.classify.SCONTROL_TYPE`
        from apexlint.lower.scontrols import lower_scontrol
        return lower_scontrol(src)
    if kind in (FileKind.VISUALFORCE_PAGE, FileKind.VISUALFORCE_COMPONENT, FileKind.EMAIL_TEMPLATE):
        from apexlint.lower.visualforce import lower_visualforce
        return lower_visualforce(src, kind)
    if kind == FileKind.JAVASCRIPT:
        from apexlint.lower.javascript import lower_javascript
        return lower_javascript(src, kind)
    from apexlint.lower.metadata import lower_metadata
    return lower_metadata(src, metadata_type)
