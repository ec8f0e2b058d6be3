"""Abstract values for the session-ID data flow: what a variable may hold.

A `Value` says which session sources may be in it (with the path each took), which of the
enclosing method's parameters flow into it (for method summaries), what string shapes it may
have (to resolve callout endpoints), what types it may be, and its parts (`facets`) for objects
that hold state: an `HttpRequest`'s endpoint/headers/body, an SObject's fields, a collection.
Values are immutable and only ever grow by `join`, so the fixpoint terminates.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import zlib
from dataclasses import field
from typing import Any, TypeVar

from apexlint.ir import Span
from apexlint.records import frozen

# A string shape is a tuple of pieces: literal text, or a marker for a part we only know the
# kind of. Markers start with NUL so they can never collide with literal text.
ORG = "\x00org"  # the org's own URL (URL.getOrgDomainUrl() ...)
ORG_HOST = "\x00orghost"  # the org's own hostname (DomainCreator, a URL's getHost(), the request's Host)
UNKNOWN = "\x00?"  # anything
SESSION = "\x00session"  # a session ID
SETTING = "\x00setting"  # a custom setting / custom metadata value
RESPONSE = "\x00response"  # text a server sent back (a response's header or body)
TOP = "\x00top"  # too many strings to tell apart
LABEL = "\x00label:"  # + a name: the text of a custom label (`label_marker`), read from the package at resolution
TOP_SHAPE: tuple[str, ...] = (TOP,)
# After `TOP`, for messages only: where the strings it stands for start (`any_of`): each one's
# scheme and host, or the marker of the value it starts with (`hinted_heads` reads them back)
HOSTS = "\x00hosts:"
MAX_HEADS = 4
_HEAD_SEP, _PIECE_SEP = "\x1f", "\x1e"
ANY_PART = "*"  # too many parts to tell apart: one part stands for all of them
# Pieces of one string shape before its tail is unknown: 12, not 6, since 2026-12-01 (a URL built
# with `+=` across statements, `base?ServerUrl=<org URL>/…/<id>&Session=<session ID>&id=<id>`,
# is nine pieces: cut at six, a message lost where the session sits in it)
MAX_PIECES = 12
K = TypeVar("K", str, int)
# Strings a value keeps apart before they collapse to what they share (`_cap_shapes`): 12, not 6,
# since 2026-11-30 (a helper used for seven to twelve endpoints or types keeps each; no
# measurable analysis time on NPSP, generated-2000, apex-mdapi or lightweight-soap-util)
MAX_SHAPES = 12
MAX_FACETS = 12
MAX_TRACE = 24
MAX_DEPTH = 2  # levels of object parts kept: request.header, record.field, port.header.sessionId


def label_marker(name: str) -> str:
    """The text of custom label `name` (`System.Label.X`): the analysis keeps the label, not its
    value, so that what resolves an endpoint can name it, and say whether subscribers can change it."""
    return f"{LABEL}{name.lower()}"


def marker_label(piece: str) -> str | None:
    """The custom label (lower case) `piece` stands for, None for any other piece."""
    return piece[len(LABEL):] if piece.startswith(LABEL) else None


def param_marker(index: int) -> str:
    return f"\x00p{index}"


# A part of a parameter that is an `HttpRequest` (what `req.getBody()` or `System.debug(req)` of
# it reads), as a key of `Value.params`: the caller's argument is projected onto that part.
REQUEST_PARTS = ("endpoint", "body", "header", "method")
_PART_BASE = 1 << 20


def part_param(index: int, part: str) -> int:
    return _PART_BASE + index * len(REQUEST_PARTS) + REQUEST_PARTS.index(part)


def param_part(key: int) -> tuple[int, str | None]:
    """The parameter index a `Value.params` key stands for, and the request part (None: all of it)."""
    key = unredacted(key)
    if key < _PART_BASE:
        return key, None
    if key >= _FIELD_BASE:
        return (key - _FIELD_BASE) >> _FIELD_BITS, None
    index, part = divmod(key - _PART_BASE, len(REQUEST_PARTS))
    return index, REQUEST_PARTS[part]


# A parameter (or part, or field of one) that went through a redaction, a `replaceAll` whose
# pattern names the session's place (`(?<=<apex:sessionId>).*(?=</apex:sessionId>)`), as a flag on
# its `Value.params` key with a hash of the pattern and its replacement above it (`redacted_key`):
# the caller's argument keeps its sessions unless that pattern, applied to the argument's known
# text, removes each of them (`redact`). A parameter redacted by two patterns (a helper returning
# one of two redactions) is two keys, each checked with its own pattern. The path shows the
# redaction as a step of its own (`redaction_step`), for the reader only.
REDACTED = 1 << 60
_REDACTION_HASH_BITS = 32
_REDACTION_MASK = ((1 << (_REDACTION_HASH_BITS + 1)) - 1) << 60  # the flag and the hash
# hash -> the redaction it stands for; None where two redactions share it (then neither is trusted)
_REDACTIONS: dict[int, tuple[str, str] | None] = {}


def redacted_key(key: int, pattern: str, replacement: str) -> int:
    """A `Value.params` key flagged as gone through `replaceAll(pattern, replacement)`; one that
    went through another redaction before is keyed by this one, the last."""
    digest = zlib.crc32(f"{pattern}\0{replacement}".encode("utf-8", "surrogatepass"))
    if _REDACTIONS.setdefault(digest, (pattern, replacement)) not in (None, (pattern, replacement)):
        _REDACTIONS[digest] = None
    return (key & ~_REDACTION_MASK) | REDACTED | digest << 61


def unredacted(key: int) -> int:
    """A `Value.params` key without its redaction flag and hash."""
    return key & ~_REDACTION_MASK


def _redaction_of(key: int) -> tuple[str, str] | None:
    """The pattern and replacement of the redaction a flagged key went through last; None when
    not known for sure."""
    return _REDACTIONS.get(key >> 61)


def redaction_step(path: str, span: Span, method: str, pattern: str, replacement: str) -> Step:
    return Step(path, span, f"through the redaction {method}({_apex_quote(pattern)}, {_apex_quote(replacement)})")


def _apex_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# A session as the probe text of a redaction check: its characters, and a run of it long enough
# to say that a piece of the session is still there (a pattern that cuts only its first characters)
_PROBE = "00D5e000000AbCd!AQ4AQHkR7p2xLmNzQvWsTyUi9oP3cE8bF1gJ6hK0"
_PROBE_RUN = 6
# what an unknown piece of the text, and the text around it, is tried as: nothing, a line break,
# other text (an anchored pattern, `^…$`, matches the argument alone but not with text around it)
_FILLERS = ("", "\n", "x")


@functools.lru_cache(maxsize=1024)  # asked again at each run of the method, and at each call of a helper
def redaction_removes(pattern: str, replacement: str, shapes: frozenset[Shape]) -> bool:
    """Whether `text.replaceAll(pattern, replacement)` removes the session from every text of
    `shapes`: each shape places a session (`SESSION`), and with the session and every unknown piece
    tried as `_FILLERS`, what is left holds no run of the session. Pieces of unknown text are text
    the session is not in (a session's value shows as `SESSION`, `derived`), but for a tail cut off
    (`MAX_PIECES`), which may hold one and is tried as the session; another marker (a parameter's
    text, whose sessions its own key carries; the org's URL; a setting) is text too. Too many
    shapes to tell apart (`TOP`), or none, and the session stays."""
    if not any(SESSION in shape for shape in shapes) or not _linear(pattern):
        return False
    try:
        compiled = re.compile(pattern)  # `(?<=a*)b` parses, but a look-behind needs a fixed width
    except (re.error, RecursionError, OverflowError):
        return False
    for shape in shapes:
        if TOP in shape:
            return False
        cut = len(shape) >= MAX_PIECES and shape[-1] == UNKNOWN
        for filler in _FILLERS:
            text = filler + "".join(_PROBE if p == SESSION or (cut and i == len(shape) - 1)
                                    else filler if p.startswith("\x00") else p
                                    for i, p in enumerate(shape)) + filler
            if len(text) > _MAX_REDACTED_TEXT:
                return False
            try:
                left = compiled.sub(lambda _: replacement, text)
            except (re.error, RecursionError):
                return False
            if any(_PROBE[i:i + _PROBE_RUN] in left for i in range(len(_PROBE) - _PROBE_RUN + 1)):
                return False
    return True


# The pattern is the scanned code's, run here on text built from the scanned code: one a backtracking
# engine cannot run in time (`(a|a)*b`, `a*a*a*b` on a long run of `a`) would stop the scan. So only a
# pattern with one repeat at most, of a single character (`.*`, `[^<]*`, `\\s+`), and no back-reference
# is run, on at most this much text (`sub` over n characters is then at most n² steps); any other
# leaves the session where it was.
_MAX_REDACTED_TEXT = 4_000
_SINGLE_CHARACTER = frozenset({"LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY", "RANGE", "RANGE_UNI_IGNORE"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


@functools.lru_cache(maxsize=256)
def _linear(pattern: str) -> bool:
    """Whether a redaction's pattern has at most one repeat, of a single character, and no
    back-reference (see `_MAX_REDACTED_TEXT`)."""
    # the parser `re.compile` uses (private, untyped): the pattern as the engine will run it
    _parser: Any = importlib.import_module("re._parser")
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    repeats = 0
    todo: list[object] = [parsed]
    while todo:
        item = todo.pop()
        if isinstance(item, _parser.SubPattern):
            todo.extend(item.data)
            continue
        if not (isinstance(item, tuple) and len(item) == 2):
            continue
        op, arg = str(item[0]), item[1]
        if op.startswith("GROUPREF"):
            return False
        if op in _REPEATS:
            repeats += 1
            body = arg[2] if isinstance(arg, tuple) and len(arg) == 3 else None
            if repeats > 1 or not isinstance(body, _parser.SubPattern) \
                    or any(str(o) not in _SINGLE_CHARACTER for o, _ in body.data):
                return False
            continue
        if isinstance(arg, _parser.SubPattern):
            todo.append(arg)
        elif isinstance(arg, tuple | list):
            todo.extend(a for a in arg if isinstance(a, _parser.SubPattern | tuple | list))
    return True


def redact(arg: Value, key: int) -> Value:
    """The caller's argument `arg` where the redaction the callee's flagged `key` went through
    applied to it: without its sessions where the pattern removes them from its known text; its
    own parameters flagged in turn, for its caller to check."""
    found = _redaction_of(key)
    if found is None:
        return arg
    taint = arg.deep_taint()
    if taint and redaction_removes(found[0], found[1], arg.strings):
        taint = {}
    return Value(taint, {redacted_key(k, *found): t for k, t in arg.deep_params().items()}, arg.strings, arg.types)


# A field of a parameter that is a record or an object (`c.MailingStreet` of a `Contact c`), as a
# key of `Value.params`: the caller's argument is projected onto its part of that name, so a
# session the caller put in another field (`c.SessionId__c`) does not come along. The name is kept
# as a stable hash (summaries are cached between runs and processes).
_FIELD_BASE = 1 << 40
_FIELD_BITS = 32


def _field_hash(name: str) -> int:
    return zlib.crc32(name.lower().encode())


def _field_key(key: int, hashed: int) -> int:
    """The key of field `hashed` of what `key` stands for: of a whole parameter, that field; of a
    request part or a field already, the same (a field of a field is read as the outer field)."""
    return _FIELD_BASE + (key << _FIELD_BITS) + hashed if key < _PART_BASE else key


def field_of(v: Value, name: str) -> Value:
    """`x.name` of an object `v`: its part `name`; of an object whose parts are unknown, what it
    holds as a whole; of a parameter, that field of whatever the caller passes."""
    got = v.facets.get(name, EMPTY)
    if v.facets and not v.params:
        return got  # an object whose parts are known: the others do not hold it
    hashed = _field_hash(name)
    whole = Value({} if v.facets else v.taint, {_field_key(k, hashed): t for k, t in v.params.items()},
                  v.strings, v.types)
    return join(whole, got)


def _receiver_field(receiver: dict[str, Value], key: int) -> Value:
    """The receiver's field that `key` names, as the caller knows it (field name -> value)."""
    return _argument_field(Value(facets=receiver), key)


def _argument_field(arg: Value, key: int) -> Value:
    """The field of the caller's argument that `key` (a `_FIELD_BASE` key) names."""
    hashed = (key - _FIELD_BASE) & ((1 << _FIELD_BITS) - 1)
    got = Value(arg.taint, {_field_key(k, hashed): t for k, t in arg.params.items()}, arg.strings, arg.types)
    for name in sorted(arg.facets):
        if _field_hash(name) == hashed:
            got = join(got, arg.facets[name])
    return got


def marker_param(piece: str) -> int | None:
    """The parameter whose text (or, for a field marker, a field's text) `piece` stands for."""
    if piece.startswith("\x00p"):
        index = piece[2:].partition(".")[0]
        if index.isdigit():
            return int(index)
    return None


# The object an instance method runs on (`this`), as a pseudo-parameter: a method reading its own
# instance fields is summarised in terms of them, and each call fills them in from its receiver
# (the fields a `new` there gave it), or from the class's field store where the receiver is not
# known. No method has this many parameters (Apex allows 32).
RECEIVER = 4095


def field_marker(index: int, name: str) -> str:
    """The text of field `name` of parameter `index` (of the receiver: `RECEIVER`), in a shape."""
    return f"\x00p{index}.{name.lower()}"


def marker_field(piece: str) -> tuple[int, str] | None:
    index, dot, name = piece[2:].partition(".")
    if piece.startswith("\x00p") and dot and index.isdigit():
        return int(index), name
    return None


def receiver_field(name: str, step: Step) -> Value:
    """What an instance method reads as its own field `name`: whatever the receiver holds there."""
    key = _field_key(RECEIVER, _field_hash(name))
    return Value(params={key: (step,)}, strings=frozenset({(field_marker(RECEIVER, name),)}))


def on_receiver(key: int) -> bool:
    """Whether a `Value.params` key stands for (a part of) the receiver."""
    return param_part(key)[0] == RECEIVER


def receiver_names(v: Value, names: frozenset[str]) -> frozenset[str]:
    """Of the field `names`, those whose receiver field `v` (or a part of it) depends on."""
    hashes = {(unredacted(k) - _FIELD_BASE) & ((1 << _FIELD_BITS) - 1) for k in v.deep_params()
              if unredacted(k) >= _FIELD_BASE and on_receiver(k)}
    if not hashes:
        return frozenset()
    return frozenset(n for n in names if _field_hash(n) in hashes)


@frozen
class Step:
    """One step of a flow: where the value was and what happened to it there."""

    path: str
    span: Span
    message: str


Trace = tuple[Step, ...]
Shape = tuple[str, ...]


@frozen
class Value:
    taint: dict[str, Trace] = field(default_factory=dict)  # source id -> path from the source
    params: dict[int, Trace] = field(default_factory=dict)  # parameter index -> path from entry
    strings: frozenset[Shape] = frozenset()
    types: frozenset[str] = frozenset()
    facets: dict[str, Value] = field(default_factory=dict)
    # memoised derived facts (values are immutable); not part of equality
    _memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_empty(self) -> bool:
        return not (self.taint or self.params or self.strings or self.types or self.facets)

    @property
    def depth(self) -> int:
        """Levels of parts below this value (0 for a plain value)."""
        if not self.facets:
            return 0
        if "depth" not in self._memo:
            self._memo["depth"] = 1 + max(f.depth for f in self.facets.values())
        return self._memo["depth"]  # type: ignore[return-value]

    def deep_taint(self) -> dict[str, Trace]:
        """Sources in this value or in any of its parts (a record whose field holds a session)."""
        if not self.facets:
            return self.taint
        if "taint" not in self._memo:
            out = dict(self.taint)
            for f in sorted(self.facets):
                for k, t in self.facets[f].deep_taint().items():
                    out.setdefault(k, t)
            self._memo["taint"] = out
        return self._memo["taint"]  # type: ignore[return-value]

    def deep_params(self) -> dict[int, Trace]:
        if not self.facets:
            return self.params
        if "params" not in self._memo:
            out = dict(self.params)
            for f in sorted(self.facets):
                for k, t in self.facets[f].deep_params().items():
                    out.setdefault(k, t)
            self._memo["params"] = out
        return self._memo["params"]  # type: ignore[return-value]

    def carries_session(self) -> bool:
        return bool(self.deep_taint() or self.deep_params())


EMPTY = Value()
# A field of a new object that its constructors leave unset: null. Not empty, so the object keeps
# it as a part (an empty part is read from the field store); no text, source or parameter in it.
UNSET = Value(types=frozenset({"null"}))
ANY_STRING: frozenset[tuple[str, ...]] = frozenset({TOP_SHAPE})


def join(a: Value, b: Value) -> Value:
    """Least upper bound. Keeps the first-found trace for each source, so repeated joins settle."""
    if b.is_empty or a is b:
        return a
    if a.is_empty:
        return _truncate(b, MAX_DEPTH)
    taint = a.taint if not b.taint else _join_traces(a.taint, b.taint)
    params = a.params if not b.params else _join_traces(a.params, b.params)
    strings = _cap_shapes(a.strings | b.strings)
    types = a.types | b.types
    facets = a.facets
    if b.facets:
        facets = dict(a.facets)
        for k, v in b.facets.items():
            facets[k] = join(facets[k], v) if k in facets else v
        if len(facets) > MAX_FACETS or (ANY_PART in facets and _loose(facets)):
            facets = _collapsed(facets)
        return _truncate(Value(taint, params, strings, types, facets), MAX_DEPTH)
    return Value(taint, params, strings, types, facets)


def same_but_paths(a: Value, b: Value) -> bool:
    """Whether two values say the same but for the paths (traces) their sources and parameters
    came by: the same sources, parameters, texts, types and parts."""
    if a is b:
        return True
    return a.taint.keys() == b.taint.keys() and a.params.keys() == b.params.keys() and a.strings == b.strings \
        and a.types == b.types and a.facets.keys() == b.facets.keys() \
        and all(same_but_paths(f, b.facets[k]) for k, f in a.facets.items())


def _join_traces(a: dict[K, Trace], b: dict[K, Trace]) -> dict[K, Trace]:
    if all(k in a for k in b):
        return a
    out = dict(a)
    for k, t in b.items():
        out.setdefault(k, t)
    return out


def _cap_shapes(shapes: frozenset[Shape]) -> frozenset[Shape]:
    """Too many possible strings: what they all start with, then anything (more callers than
    MAX_SHAPES passing the org's URL and as many paths are still the org); with nothing in
    common, 'any string' (absorbing, so joins stay monotone: a start only ever gets shorter)."""
    if len(shapes) <= MAX_SHAPES:
        return shapes if len(shapes) == 1 or not any(any_string(s) for s in shapes) else _any_of(shapes)
    if any(any_string(s) for s in shapes):
        return _any_of(shapes)
    start = _common_start(shapes)
    return frozenset({(*start, UNKNOWN)}) if start else _any_of(shapes)


def any_string(shape: Shape) -> bool:
    """Whether `shape` is 'any string' (`TOP`), with or without where its strings start (`HOSTS`)."""
    return shape == TOP_SHAPE or (len(shape) == 2 and shape[0] == TOP and shape[1].startswith(HOSTS))


def _any_of(shapes: frozenset[Shape]) -> frozenset[Shape]:
    """'Any string' for `shapes`, which have nothing in common: for messages, with where each of
    them starts (`HOSTS`), when that is known for each and they start in few places (AH-9: three
    conditionals and two hosts, `'https://' + zpServer + (…) + (…) + (…)`, are sixteen URLs whose
    common start is cut before the host, and the message lost both hosts). What the analysis
    decides of it is what it decides of 'any string'."""
    heads: set[Shape] = set()
    for shape in shapes:
        found = _heads(shape)
        if found is None:
            return ANY_STRING
        heads.update(found)
        if len(heads) > MAX_HEADS:
            return ANY_STRING
    named = sorted(heads, key=lambda h: (any(p.startswith("\x00") for p in h), h))  # hosts written out first
    return frozenset({(TOP, HOSTS + _HEAD_SEP.join(_PIECE_SEP.join(h) for h in named))})


def _heads(shape: Shape) -> set[Shape] | None:
    """Where the strings of `shape` start: its scheme and host (`https://api.example.com`), or
    the scheme and the marker of the value that names the host, or the marker it starts with;
    None where that is not known, or is no host (a path, a Named Credential)."""
    first = shape[0] if shape else ""
    if first == TOP:
        return set(hinted_heads(shape[1])) if len(shape) > 1 and shape[1].startswith(HOSTS) else None
    if first.startswith("\x00"):
        return {(first,)} if first != UNKNOWN else None
    scheme = first.find("://")
    if scheme < 0:
        return None  # a path of this org, a Named Credential's name: no host to name
    end = min((at for c in "/?#" if (at := first.find(c, scheme + 3)) >= 0), default=-1)
    if end >= 0 or first[scheme + 3:] or len(shape) == 1:
        return {(first[:end] if end >= 0 else first,)}
    return {(first, shape[1])} if shape[1] != UNKNOWN else None


def hinted_heads(piece: str) -> list[Shape]:
    """The starts a `HOSTS` piece names, in order."""
    return [tuple(h.split(_PIECE_SEP)) for h in piece[len(HOSTS):].split(_HEAD_SEP)]


def _common_start(shapes: frozenset[Shape]) -> tuple[str, ...]:
    """The pieces every shape starts with, and the text their next literal pieces share."""
    ordered = sorted(shapes)
    out: list[str] = []
    shortest: Shape = min(ordered, key=lambda s: len(s))
    for i, piece in enumerate(shortest):
        if all(s[i] == piece for s in ordered):
            out.append(piece)
            continue
        if not any(s[i].startswith("\x00") for s in ordered):
            shared = os.path.commonprefix([s[i] for s in ordered])  # noqa: RUF071 (text, by character)
            if shared:
                out.append(shared)
        break
    if out and not out[-1].startswith("\x00"):
        # a shared literal ends where its URL's host may still go on: keep it only up to a `/`
        # after the host (`https://test.salesforce.com` + `.collector.example` is someone else's)
        text = out[-1]
        named = len("callout:") if text.lower().startswith("callout:") else -1  # a Named Credential's name
        authority = text.find("//") if named < 0 else named - 2
        cut = text.rfind("/", authority + 2 if authority >= 0 else 0)
        if authority >= 0 or any(p.startswith("\x00") for p in out[:-1]):
            if cut < 0 or (authority >= 0 and cut <= authority + 1):
                out.pop()
            else:
                out[-1] = out[-1][:cut + 1]
    if out and out[-1] in (ORG, ORG_HOST) and not all(
            len(s) == len(out) or s[len(out)].startswith(("/", "?", "#")) for s in ordered):
        return ()  # after the org's URL, text that may go on with its host (`.collector.example`, `:@host`)
    return tuple(out) if out and out != [UNKNOWN] else ()


def join_all(values: list[Value]) -> Value:
    out = EMPTY
    for v in values:
        out = join(out, v)
    return out


def literal(text: str) -> Value:
    return Value(strings=frozenset({(text,)}))


def concat(a: Value, b: Value) -> Value:
    """String concatenation: sources and parameters of both sides, shapes glued together."""
    left = a.strings or frozenset({(UNKNOWN,)})
    right = b.strings or frozenset({(UNKNOWN,)})
    shapes = frozenset(_glue(x, y) for x in left for y in right)
    taint = _join_traces(a.deep_taint(), b.deep_taint()) if (a.taint or b.taint or a.facets or b.facets) else {}
    params = _join_traces(a.deep_params(), b.deep_params())
    return Value(taint, params, _cap_shapes(shapes), frozenset({"string"}))


def _glue(x: Shape, y: Shape) -> Shape:
    if "" in x or "" in y:  # an empty literal adds nothing: `'' + URL.getOrgDomainUrl()...`
        x, y = tuple(p for p in x if p), tuple(p for p in y if p)
        if not x or not y:
            return x or y or ("",)
    if x and y and not x[-1].startswith("\x00") and not y[0].startswith("\x00"):
        out = (*x[:-1], x[-1] + y[0], *y[1:])
    else:
        out = (*x, *y)
    if len(out) > MAX_PIECES:
        out = (*out[: MAX_PIECES - 1], UNKNOWN)
    return out


def derived(v: Value, *, keep_strings: bool = False, types: frozenset[str] = frozenset()) -> Value:
    """A value computed from `v` (trim, encode, serialize...): same sources, unknown text."""
    if not v.carries_session() and not keep_strings:
        return Value(strings=frozenset({(UNKNOWN,)}), types=types) if v.strings else Value(types=types)
    shapes = v.strings if keep_strings else frozenset({(SESSION,)} if v.deep_taint() else {(UNKNOWN,)})
    return Value(v.deep_taint(), v.deep_params(), shapes, types)


# Parts worth keeping even when no session is in them: what resolves a callout's destination,
# what names the metadata a port writes, and the headers a callout sends (where a Named
# Credential's `{!$Credential.OAuthToken}` can stand in for the session: analyses/endpoints.py).
PLAIN_FACETS = frozenset({"endpoint", "endpoint_x", "method", "body", "fullname", "type", "type_x", "sessionheader",
                          "sessionid", "metadata"})  # `metadata`: what an UpdateMetadata element writes


def keeps_facet(name: str, v: Value) -> bool:
    """Most objects never hold a session: tracking all their fields would cost without telling."""
    return name in PLAIN_FACETS or name.startswith("header:") or v.carries_session()


def with_facet(name: str, v: Value, *, always: bool = False) -> Value:
    """A value whose part `name` is `v`; parts deeper than MAX_DEPTH are flattened into it.
    `always`: kept even where `keeps_facet` would not (an object whose parts are all it holds)."""
    if not always and not keeps_facet(name, v):
        return EMPTY
    return Value(facets={name: _truncate(v, MAX_DEPTH - 1)})


# A map keeps a session put under a fixed key (`m.put('sessionId', sid)`) as its part "[sessionId]",
# so that reading another key, the keys or the map's size is not reading the session. Anything
# else put in a map joins the map's own value, as a list's items do.
def literal_text(v: Value) -> str | None:
    """The one text `v` can be, known whole (a literal, a constant, a variable assigned one), or
    None: a map key (Apex string keys are case-sensitive), a header's name."""
    if v.taint or v.params or v.facets or len(v.strings) != 1:
        return None
    (shape,) = v.strings
    return shape[0] if len(shape) == 1 and not shape[0].startswith("\x00") else None


def _is_entry(name: str) -> bool:
    return name.startswith("[")


def map_entry(key: Value, v: Value) -> Value:
    """What `m.put(key, v)` (or `{key => v}`) adds to the map."""
    name = literal_text(key)
    if name is None or not v.carries_session():
        return join(key, v)
    return with_facet(f"[{name}]", v)


def map_rest(m: Value) -> Value:
    """The map without the sessions it keeps under fixed keys: its other keys and values."""
    if not any(_is_entry(n) for n in m.facets):
        return m
    return Value(m.taint, m.params, m.strings, m.types, {n: f for n, f in m.facets.items() if not _is_entry(n)})


def map_get(m: Value, key: Value) -> Value:
    """`m.get(key)`, `m.remove(key)`: the session under that fixed key, if any, and what else
    the map holds; every entry when the key is not a literal."""
    if not any(_is_entry(n) for n in m.facets):
        return m
    name = literal_text(key)
    if name is None:
        return map_values(m)
    return join(map_rest(m), m.facets.get(f"[{name}]", EMPTY))


def map_values(m: Value) -> Value:
    """`m.values()`: every value, each entry's parts folded in."""
    if not any(_is_entry(n) for n in m.facets):
        return m
    out = map_rest(m)
    for n in sorted(m.facets):
        if _is_entry(n):
            out = join(out, m.facets[n])
    return out


def _truncate(v: Value, depth: int) -> Value:
    """Keep `depth` levels of parts; below that, a part's sources and types fold into its parent.

    Self-referential structures (`node.next = node`) would otherwise nest without end.
    """
    if not v.facets or v.depth <= depth:
        return v
    if depth <= 0:
        return Value(v.deep_taint(), v.deep_params(), v.strings, v.types)
    return Value(v.taint, v.params, v.strings, v.types, {k: _truncate(f, depth - 1) for k, f in v.facets.items()})


def extend(trace: Trace, step: Step) -> Trace:
    if trace and trace[-1] == step:
        return trace
    if len(trace) >= MAX_TRACE:
        return (*trace[: MAX_TRACE - 2], trace[-1], step)
    return (*trace, step)


def add_step(v: Value, step: Step) -> Value:
    """Record that the value passed through `step` (an assignment, a call, a return)."""
    if not v.taint and not v.params and not v.facets:
        return v
    taint = {k: extend(t, step) for k, t in v.taint.items()}
    params = {k: extend(t, step) for k, t in v.params.items()}
    facets = {k: add_step(f, step) for k, f in v.facets.items()}
    return Value(taint, params, v.strings, v.types, facets)


def substitute(v: Value, args: list[Value], call_step: Step | None,
               receiver: dict[str, Value] | None = None, *, only_receiver: bool = False) -> Value:
    """Instantiate a callee's symbolic value with the caller's arguments.

    Parameter `i` in `v` stands for whatever argument `i` held; its sources get the caller's
    path, then the call, then the callee's path from its entry. A field of the receiver stands
    for what `receiver` (field name -> value) gives it, None: the receiver is not known here.
    `only_receiver`: the other parameters stay as they are (the method's own, not a callee's).
    """
    if not _symbolic(v):
        return v
    out = Value(dict(v.taint), {}, _substitute_shapes(v.strings, args, receiver, only_receiver), v.types,
                {k: substitute(f, args, call_step, receiver, only_receiver=only_receiver)
                 for k, f in v.facets.items()})
    for key, inner in sorted(v.params.items()):
        flagged = key if key & REDACTED else None
        key = unredacted(key)
        i, part = param_part(key)
        if i == RECEIVER:
            if receiver is None:
                if only_receiver:
                    out.params.setdefault(key, inner)
                continue
            arg = _receiver_field(receiver, key)
        elif only_receiver:
            out.params.setdefault(key, inner)
            continue
        elif i >= len(args):
            continue
        elif key >= _FIELD_BASE:
            arg = _argument_field(args[i], key)
        else:
            arg = args[i] if part is None else request_part(args[i], part)
        if flagged is not None:
            arg = redact(arg, flagged)
        if part is None and arg.facets:
            # a record, a request: it keeps its parts, each session where it was (a request's
            # header is not its body), on the path through this call
            arg = _through(arg, call_step, inner)
            for src, trace in arg.taint.items():
                out.taint.setdefault(src, trace)
            for j, trace in arg.params.items():
                out.params.setdefault(j, trace)
            out = join(out, Value(types=arg.types, facets=arg.facets))
            continue
        for src, outer in arg.deep_taint().items():
            if src not in out.taint:
                trace = extend(outer, call_step) if call_step else outer
                out.taint[src] = _concat_trace(trace, inner)
        for j, outer in arg.deep_params().items():
            if j not in out.params:
                trace = extend(outer, call_step) if call_step else outer
                out.params[j] = _concat_trace(trace, inner)
        if part is None and arg.types:
            out = join(out, Value(types=arg.types))
    # an argument with parts standing where a part was: parts of parts, flattened past MAX_DEPTH as
    # `join` does (summaries applied along a chain of calls nested them a level at each call)
    return _truncate(out, MAX_DEPTH)


def _through(v: Value, call_step: Step | None, inner: Trace) -> Value:
    """`v`, every path in it (its parts' too) followed by the call and then `inner`."""
    def path(outer: Trace) -> Trace:
        return _concat_trace(extend(outer, call_step) if call_step else outer, inner)
    return Value({src: path(t) for src, t in v.taint.items()}, {j: path(t) for j, t in v.params.items()},
                 v.strings, v.types, {k: _through(f, call_step, inner) for k, f in v.facets.items()})


def _collapsed(facets: dict[str, Value]) -> dict[str, Value]:
    """Parts too many to tell apart, as fewer: the parts that say where a request goes, what it
    writes and which session header it sends (`PLAIN_FACETS`: `endpoint_x`, `SessionHeader`...)
    each stay apart; the headers (a request object a class keeps holds every request its
    instances ever held) become one header of unknown name; anything else, one part standing
    for all of the rest. A WSDL2Apex port has more fields than MAX_FACETS (its `clientCert*_x`,
    a header object and its `_hns` namespace for each SOAP header): its endpoint, folded in with
    them, was lost, and the port read as pointed nowhere (W-4)."""
    out = {k: v for k, v in facets.items() if k in PLAIN_FACETS}
    headers = sorted(k for k in facets if k.startswith("header:"))
    if headers:
        out["header:?"] = join_all([facets[k] for k in headers])
    rest = sorted(k for k in facets if k not in out and not k.startswith("header:"))
    if ANY_PART not in facets and len(out) + len(rest) <= MAX_FACETS:
        out.update((k, facets[k]) for k in rest)  # the headers as one were enough
    elif rest:
        out[ANY_PART] = join_all([facets[k] for k in rest])
    return out


def _loose(facets: dict[str, Value]) -> bool:
    """Whether parts with `ANY_PART` are not all in `_collapsed`'s shape: a part arrived that
    it stands for (the parts it keeps apart, and the one unnamed header, stay)."""
    return any(k not in PLAIN_FACETS and k != ANY_PART and k != "header:?" for k in facets)


def request_part(request: Value, part: str, header: str | None = None) -> Value:
    """What a getter of an `HttpRequest` returns: the `part` its setter put there (of the headers,
    the one named `header`, every one when None), so the body of a request whose session is in a
    header holds none; `endpoint` is also all that `toString()` prints of a request. Sessions the
    request holds other than through its setters (parts too many to tell apart, a value of
    unknown shape) come along; of a parameter, that part of whatever the caller passes."""
    got = Value(request.taint, {part_param(i, part) if p is None else key: trace
                                for key, trace in request.params.items() for i, p in (param_part(key),)})
    if part == "header":
        wanted = f"header:{header}".lower() if header is not None else ""
        for key in sorted(request.facets):
            if key.startswith("header:") and (not wanted or key.lower() in (wanted, "header:?")):
                got = join(got, request.facets[key])
    else:
        got = join(got, request.facets.get(part, EMPTY))
    got = join(got, request.facets.get(ANY_PART, EMPTY))
    return Value(got.deep_taint(), got.deep_params(), got.strings, frozenset({"string"}))


def _symbolic(v: Value) -> bool:
    """Whether `v` or a part of it stands for a parameter or a receiver field (in its sources or
    its text): what `substitute` fills in. A record of known parts (a trigger framework's record
    lists, passed down through dozens of calls) is returned as it is, without a walk."""
    if not v.facets:
        return bool(v.params) or _has_param_marker(v.strings)
    found = v._memo.get("symbolic")
    if found is None:
        found = v._memo["symbolic"] = bool(v.params) or _has_param_marker(v.strings) \
            or any(_symbolic(f) for f in v.facets.values())
    return found  # type: ignore[return-value]


def _has_param_marker(shapes: frozenset[Shape]) -> bool:
    return any(p.startswith("\x00p") for s in shapes for p in s)


def _concat_trace(a: Trace, b: Trace) -> Trace:
    """`a` extended by each step of `b` in turn, in one pass: a step equal to the last is left out,
    and a trace grown past MAX_TRACE keeps its first MAX_TRACE - 2 steps and its last two, as
    `extend` one step at a time keeps them (a trigger framework's dispatch made that loop a
    fifth of a scan)."""
    if not b:
        return a
    out = list(a)
    last = out[-1] if out else None
    for s in b:
        # steps with other messages differ: compared first, as plain strings (a Step's `==` is
        # two calls of generated code, and a large org's analysis made 20 million of them)
        if last is None or (last is not s and (last.message != s.message or last != s)):
            out.append(s)
            last = s
    if len(out) > MAX_TRACE:
        return (*out[: MAX_TRACE - 2], *out[-2:])
    return tuple(out)


def _substitute_shapes(shapes: frozenset[Shape], args: list[Value], receiver: dict[str, Value] | None = None,
                       only_receiver: bool = False) -> frozenset[Shape]:
    if not any(marker_param(p) is not None for s in shapes for p in s):
        return shapes
    out: set[Shape] = set()
    for shape in shapes:
        partial: list[Shape] = [()]
        for piece in shape:
            i = marker_param(piece)
            kept = i is not None and ((i == RECEIVER and receiver is None and only_receiver)
                                      or (i != RECEIVER and only_receiver))
            if i is None or kept:
                partial = [_glue(p, (piece,)) for p in partial]
                continue
            named = marker_field(piece)
            if i == RECEIVER:
                got = receiver.get(named[1], EMPTY) if receiver is not None and named is not None else EMPTY
                # a field its object's constructor left null gives no text: that shape is not one
                options = got.strings or (frozenset() if got == UNSET else frozenset({(UNKNOWN,)}))
            else:
                options = (args[i].strings if i < len(args) else frozenset()) or frozenset({(UNKNOWN,)})
            partial = [_glue(p, o) for p in partial for o in sorted(options)][:MAX_SHAPES]
        out.update(partial)
    return _cap_shapes(frozenset(out))
