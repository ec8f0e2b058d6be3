"""Apex classes and triggers: syntax tree -> `ClassIR` / `TriggerIR` (the only Apex tree walker).

Method bodies are flattened to a sequence of simple statements over small expression trees;
branches and loops are not kept because the analyses are flow-insensitive within a method, but
for one mark: an assignment that replaces what a local held (`Assign.kills`, `_mark_kills`).
Sources (`UserInfo.getSessionId()`) become `SessionRead` expressions and `SourceSite`s here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from tree_sitter import Node, Tree

from apexlint.ir import (
    FIELDS,
    Assign,
    Binary,
    BodyRef,
    Call,
    Cast,
    ClassIR,
    Dml,
    Eval,
    Expr,
    FieldGet,
    FieldIR,
    FileIR,
    FileKind,
    Index,
    Lit,
    MethodIR,
    Name,
    New,
    NoticeLevel,
    Notification,
    Opaque,
    Param,
    Return,
    SessionRead,
    Soql,
    SourceKind,
    SourceSite,
    Span,
    Stmt,
    Super,
    Suppression,
    Ternary,
    This,
    Throw,
    TriggerIR,
    apex_name,
    field_assignments,
    initialiser_method,
    refs_text,
)
from apexlint.lower.suppressions import parse_directive
from apexlint.lower.text_scan import unescaped
from apexlint.patterns import LazyPattern, lazy
from apexlint.read.parsers import parse, problem_nodes
from apexlint.read.source import SourceText, byte_point, line_starts
from apexlint.secrets import TOKEN_RE_BYTES, TOKEN_START_BYTES, clip, has_token, redact

_TYPE_DECLS = {"class_declaration", "interface_declaration", "enum_declaration"}
_PASSTHROUGH = {"parenthesized_expression", "bound_apex_expression"}
MAX_NESTING = 150  # deeper code is pathological (generated or hostile); kept opaque
_DIRECTIVE_MARK = b"apexlint:"  # how a suppression directive starts (see lower/suppressions.py)
_STATEMENT_SKIP = {";", "{", "}", "(", ")", "line_comment", "block_comment"}
# Nodes whose children run one after the other, each once per run of the node: a body, a block.
_STATEMENT_LISTS = {"block", "constructor_body", "trigger_body"}
_LOOPS = {"for_statement", "enhanced_for_statement", "while_statement", "do_statement"}
_OWN_SCOPES = {"enhanced_for_statement", "catch_clause"}  # what their variables are visible in
_COMMENT_TYPES = ("line_comment", "block_comment")
_TOKEN_RULE = "SID009"  # the one rule with findings in comments: its directives may cover a comment line
_Shared = TypeVar("_Shared", str, frozenset[str], Param)
_IDENTIFIER_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")  # of lower-cased Apex
# A condition true only while tests run (`Test.isRunningTest()`, `== true`), or only outside them
# (`!Test.isRunningTest()`, `== false`), as written without spaces, lower case, outer parentheses off.
_RUNNING_TEST = r"(?:system\.)?test\.isrunningtest\(\)"
_IN_TESTS = re.compile(rf"{_RUNNING_TEST}|{_RUNNING_TEST}==true|true=={_RUNNING_TEST}|{_RUNNING_TEST}!=false")
_OUTSIDE_TESTS = re.compile(
    rf"!{_RUNNING_TEST}|!\({_RUNNING_TEST}\)|{_RUNNING_TEST}==false|false=={_RUNNING_TEST}|{_RUNNING_TEST}!=true")


def _word_at(text: bytes, word: bytes, start: int, end: int) -> int:
    """Where `word` first stands as a whole identifier in `text[start:end]` (lower case), or -1: as
    the pattern `(?<![a-z0-9_])word(?![a-z0-9_])` searched from `start` to `end` finds it (the
    byte before `start` counts, and `end` ends the text), without a pattern compiled for each
    name (a large org's lazily lowered bodies compiled 25,000, a tenth of their lowering)."""
    at = text.find(word, start, end)
    while at >= 0:
        after = at + len(word)
        if (at == 0 or text[at - 1] not in _IDENTIFIER_BYTES) \
                and (after >= min(end, len(text)) or text[after] not in _IDENTIFIER_BYTES):
            return at
        at = text.find(word, at + 1, end)
    return -1


class _FileLowering:
    """Walks one Apex file once; collects classes, triggers, sources and notes."""

    def __init__(self, src: SourceText, lazy: bool = False) -> None:
        self.src = src
        self.lazy = lazy  # leave bodies with nothing found at lowering for later (see lower/lazy.py)
        self._lowered: bytes | None = None  # the buffer in lower case, for case-blind searches
        self._needed_at: list[int] | None = None  # offsets of what makes a body needed now
        self._token_at: list[int] | None = None  # offsets of tokens' starts (TOKEN_START_BYTES)
        # first line of a comment that opens its line -> the line of the first token in it: what a
        # `disable-next-line SID009` above the comment covers
        self._comment_token_lines: dict[int, int] = {}
        self.classes: list[ClassIR] = []
        self.triggers: list[TriggerIR] = []
        self.sources: list[SourceSite] = []
        self.notes: list[Notification] = []
        self.suppressions: list[Suppression] = []
        self._modifiers: dict[bytes, tuple[frozenset[str], frozenset[str]]] = {}  # see `modifiers`
        self._same: dict[object, Any] = {}  # see `same`
        # per-method state
        self._stmts: list[Stmt] = []
        self._locals: list[Param] = []
        self._params: tuple[Param, ...] = ()
        # what tells the assignments to a local that replace its value (`Assign.kills`, `_killing`):
        # the statement list that declares each local (the latest; a parameter the body's own block
        # assigns: that block), where each declaration of each name is visible (bytes from the
        # declaration on: `_mark_kills`, `_variable_named`), the byte ranges of the loops, and the
        # candidates (index in `_stmts`, local)
        self._declared_in: dict[str, int] = {}
        self._in_scope: dict[str, list[tuple[int, int]]] = {}
        self._loops: list[tuple[int, int]] = []
        self._candidates: list[tuple[int, str]] = []
        # every call statement `x.m(a, ...)` on a variable, by byte offset: (x, m, the text of a when
        # there are more arguments); and those that may replace a part of the local x's state
        # (`Eval.kills`, `_mark_call_kills`): index in `_stmts`, byte offset
        self._calls: dict[int, tuple[str, str, str | None]] = {}
        self._call_candidates: list[tuple[int, int]] = []
        # assignments to a local declared in an enclosing block, as statements of a block of their
        # own (an `if`'s): index in `_stmts`, local, that block's start byte (`Assign.rejoin`); and
        # how many statements had been lowered when each block ended, by its start byte
        self._nested_candidates: list[tuple[int, str, int]] = []
        self._block_ends: dict[int, int] = {}
        self._body_start = -1  # where the body being lowered starts: its own block's statements
        # per class being lowered, innermost last, its body: the names of its fields, and of its
        # static fields (all an inner class sees of its outer classes'), read from it when asked
        # (`_field_names`): a variable named `userInfo` hides the System class
        self._class_bodies: list[Node] = []
        self._fields_by_body: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # by start byte
        self._owner = ""
        self._refs: set[str] = set()
        self._in_test = False
        # the field declarations of the class being lowered whose initialisers are left for later
        # (`_deferrable`), as start and end bytes; None while initialisers are lowered now
        self._deferred: list[int] | None = None
        self._nesting = 0
        self._too_deep_noted = False

    # -- positions and text ---------------------------------------------------------------
    def span(self, node: Node) -> Span:
        return self.src.span(node.start_point, node.end_point)

    def text(self, node: Node) -> str:
        # from the buffer, not `node.text`: of a body parsed alone through a read callback
        # (lower/lazy.py), tree-sitter reads a node's text through the callback again, a copy
        # of the rest of the body for each identifier (a trigger framework's dispatcher: 11 s)
        return self.src.buffer[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def short(self, node: Node, limit: int = 100) -> str:
        return clip(" ".join(self.text(node).split()), limit)

    # -- declarations -----------------------------------------------------------------------
    def lower_root(self, root: Node) -> None:
        for child in root.children:
            if child.type in _TYPE_DECLS:
                self.lower_type(child, outer=None, outer_test=False, outer_display=None)
            elif child.type == "trigger_declaration":
                self.lower_trigger(child)
        self.comment_tokens(root)
        self.directives(root)

    def token_starts(self) -> list[int]:
        """Offsets where a token may start (one search per file; most files have none: `in` first)."""
        if self._token_at is None:
            buffer = self.src.buffer
            self._token_at = [m.start() for m in TOKEN_START_BYTES.finditer(buffer)] \
                if b"00D" in buffer or b"!A" in buffer else []
        return self._token_at

    def comment_tokens(self, root: Node) -> None:
        """Token-shaped text in `//` and `/* */` comments (SID009). A comment runs nothing, so a
        `getSessionId()` in one is no source; but a token pasted into one (a sample callback URL
        in a doc comment, a value copied from Workbench) is a credential in the source all the same.
        So is one in text Apex cannot parse (an unterminated literal), which lowering never reaches
        as a literal (AE-11)."""
        end = 0
        starts: list[int] | None = None
        for at in self.token_starts():
            if at < end:
                continue  # inside the token just found (its secret half)
            m = TOKEN_RE_BYTES.match(self.src.buffer, at)
            if m is None:
                continue
            end = m.end()
            node = root.descendant_for_byte_range(at, at + 1)
            comment, error = node, None
            while comment is not None and comment.type not in _COMMENT_TYPES:
                error = error or (comment if comment.type == "ERROR" else None)
                comment = comment.parent
            if comment is None and error is None:
                continue  # a string literal's token is found where the literal is lowered
            starts = starts or line_starts(self.src.buffer)
            sp = self.src.span(byte_point(starts, at), byte_point(starts, end))
            if comment is None and any(s.kind == SourceKind.TOKEN_LITERAL and s.span.contains(sp)
                                       for s in self.sources):
                continue  # in text Apex cannot parse, but lowered as a literal all the same
            held = comment if comment is not None else error
            assert held is not None
            owner, in_test = self._comment_owner(held)
            self.sources.append(SourceSite(
                id=f"{self.src.path}:{sp.start_line}:{sp.start_col}", kind=SourceKind.TOKEN_LITERAL,
                path=self.src.path, span=sp, text=redact(m.group(0).decode("ascii")),
                context="text in a comment" if comment is not None else "text Apex cannot parse",
                owner=owner, in_test=in_test))
            if comment is None:
                continue
            first = comment.start_point[0]
            if not self.src.buffer[starts[first]:comment.start_byte].strip():  # the comment opens its line
                self._comment_token_lines.setdefault(first + 1, sp.start_line)

    def _comment_owner(self, comment: Node) -> tuple[str, bool]:
        """The body a comment sits in, named as `lower_body` names it (`outer.inner.method`), or its
        class; and whether that is test code (whose tokens, like its literals', are not reported)."""
        method = ""
        classes: list[str] = []
        in_test = False
        node = comment.parent
        while node is not None:
            t = node.type
            if t in ("method_declaration", "constructor_declaration") and not method and not classes:
                name = node.child_by_field_name("name")
                method = "<init>" if t == "constructor_declaration" else apex_name(self.text(name)) if name else "?"
                mods, annos = self.modifiers(node)
                in_test = in_test or "istest" in annos or "testmethod" in mods
            elif t in _TYPE_DECLS:
                name = node.child_by_field_name("name")
                classes.append(apex_name(self.text(name)) if name is not None else "?")
                in_test = in_test or "istest" in self.modifiers(node)[1]
            elif t == "trigger_declaration":
                names = [c for c in node.children if c.type == "identifier"]
                classes.append(f"trigger:{apex_name(self.text(names[0]))}" if names else "trigger:?")
                method = method or "<trigger>"
            node = node.parent
        cls = ".".join(reversed(classes))
        return (f"{cls}.{method}" if method and cls else cls), in_test

    def directives(self, root: Node) -> None:
        """Every suppression directive of the file, wherever its comment sits: between members,
        in a method body (lowered now or later), inside an expression. Found by their marker."""
        seen: set[int] = set()
        at = self.src.buffer.find(_DIRECTIVE_MARK)
        while at >= 0:
            node: Node | None = root.descendant_for_byte_range(at, at + len(_DIRECTIVE_MARK))
            while node is not None and node.type not in ("line_comment", "block_comment"):
                node = node.parent
            if node is not None and node.start_byte not in seen:
                seen.add(node.start_byte)
                self.comment(node)
            at = self.src.buffer.find(_DIRECTIVE_MARK, at + 1)

    def comment(self, node: Node) -> None:
        text = self.text(node)
        if "apexlint:" not in text:
            return
        directive = parse_directive(text)
        if directive is None:
            return
        rule_ids, reason = directive
        sp = self.span(node)
        self.suppressions.append(Suppression(
            rule_ids=rule_ids, reason=reason, line=sp.start_line,
            target_line=_next_code_line(self.src.lines, sp.end_line,
                                        self._comment_token_lines if _TOKEN_RULE in rule_ids else {}), span=sp))

    def modifiers(self, decl: Node) -> tuple[frozenset[str], frozenset[str]]:
        """A declaration's modifiers and annotations' names. Remembered by their text: a file
        repeats a few (`public`, `private static final`) over thousands of declarations."""
        mods: set[str] = set()
        annos: set[str] = set()
        for child in decl.children:
            if child.type != "modifiers":
                continue
            key = self.src.buffer[child.start_byte:child.end_byte] if not child.has_error else None
            found = self._modifiers.get(key) if key is not None else None
            if found is None:
                found = self._read_modifiers(child)
                if key is not None:
                    self._modifiers[key] = found
            mods.update(found[0])
            annos.update(found[1])
        return self.same(frozenset(mods)), self.same(frozenset(annos))

    def same(self, value: _Shared) -> _Shared:
        """The file's one copy of an equal name or set of names. A form is pickled per file, and the
        pickler writes an object it met before in that file as a reference to it, which loading
        then does not make again: a class's thousand `public` methods and `String` parameters
        share one set and one string (NPSP's cached Apex forms: a third of their strings and nine
        in ten of their sets were copies, a quarter of the time a re-scan took to load them)."""
        found: _Shared = self._same.setdefault(value, value)
        return found

    def _read_modifiers(self, node: Node) -> tuple[frozenset[str], frozenset[str]]:
        mods: set[str] = set()
        annos: set[str] = set()
        for m in node.children:
            if m.type == "annotation":
                name = m.child_by_field_name("name")
                if name is not None:
                    annos.add(apex_name(self.text(name)))
            elif m.type == "modifier":
                mods.add(apex_name(self.text(m)).replace(" ", "_"))
        return frozenset(mods), frozenset(annos)

    def type_text(self, node: Node | None) -> str:
        return "" if node is None else self.same("".join(apex_name(self.text(node)).split()))

    def lower_type(self, node: Node, outer: str | None, outer_test: bool, outer_display: str | None) -> None:
        name_node = node.child_by_field_name("name")
        display = self.text(name_node) if name_node is not None else "?"
        name = apex_name(display) if outer is None else f"{outer}.{apex_name(display)}"
        mods, annos = self.modifiers(node)
        is_test = outer_test or "istest" in annos
        superclass = None
        interfaces: list[str] = []
        for child in node.children:
            if child.type == "superclass":
                superclass = self.type_text(child.named_children[-1]) if child.named_children else None
            elif child.type in ("interfaces", "extends_interfaces"):
                for tl in child.named_children:
                    interfaces.extend(self.type_text(t) for t in tl.named_children) if tl.type == "type_list" \
                        else interfaces.append(self.type_text(tl))
        body = node.child_by_field_name("body")
        fields: list[FieldIR] = []
        methods: list[MethodIR] = []
        kind = self.same(node.type.split("_")[0])
        full_display = display if outer_display is None else f"{outer_display}.{display}"
        span = self.span(name_node or node)
        if body is not None:
            self._class_bodies.append(body)
            outer_deferred, self._deferred = self._deferred, [] if self._deferrable(body) else None
            try:
                for member in body.children:
                    self.lower_member(member, name, full_display, is_test, fields, methods)
                if self._deferred:
                    methods.append(self._deferred_initialisers(name, span, is_test, fields, self._deferred))
            finally:
                self._class_bodies.pop()
                self._deferred = outer_deferred
        self.classes.append(ClassIR(
            name=name, display=display if outer_display is None else f"{outer_display}.{display}", kind=kind,
            path=self.src.path, span=span, superclass=superclass,
            interfaces=tuple(i for i in interfaces if i), modifiers=mods, annotations=annos,
            fields=tuple(fields), methods=tuple(methods), outer=outer, is_test=is_test))

    def _deferrable(self, body: Node) -> bool:
        """Whether the initialisers of a class's fields are left for later (see `lower/lazy.py`):
        when bodies are, and none of them holds what lowering must find now. All of a class's or
        none: they are the statements of one method, `<fields>`. (WSDL2Apex classes declare
        thousands, `String[] x_type_info = new String[]{...}`, most never analysed: lowering them
        was a third of the time apex-mdapi's MetadataService.cls took, and the analysis reads 64
        of its 1,017 classes' initialisers.)"""
        if not self.lazy:
            return False
        found = False
        for member in body.children:
            if member.type != "field_declaration" or not any(
                    d.child_by_field_name("value") is not None for d in member.children_by_field_name("declarator")):
                continue
            if any(c.type == "accessor_list" for c in member.children) \
                    or self._needed_now(member.start_byte, member.end_byte):
                return False
            found = True
        return found

    def _deferred_initialisers(self, cls: str, span: Span, is_test: bool, fields: list[FieldIR],
                               parts: list[int]) -> MethodIR:
        """The `<fields>` method of a class whose initialisers were left for later, its statements
        lowered when an analysis reads them."""
        return initialiser_method(span, is_test, fields, BodyRef(self.src.path, parts[0], parts[-1], FIELDS,
                                                                 f"{cls}.<fields>", is_test, tuple(parts)))

    def lower_fields(self, declarations: list[Node], cls: str, is_test: bool) -> tuple[Stmt, ...]:
        """The statements of a class's `<fields>` method, of its field declarations (lower/lazy.py)."""
        fields: list[FieldIR] = []
        methods: list[MethodIR] = []
        for node in declarations:
            self.lower_field(node, cls, is_test, fields, methods)
        return field_assignments(cls, fields)

    def _field_names(self, body: Node) -> tuple[frozenset[str], frozenset[str]]:
        """The names of the fields a class body declares, and of those that are static (asked only
        of a class whose code reads `userInfo.getSessionId()`: WSDL2Apex classes declare thousands)."""
        found = self._fields_by_body.get(body.start_byte)
        if found is None:
            found = self._fields_by_body[body.start_byte] = self._declared_field_names(body)
        return found

    def _declared_field_names(self, body: Node) -> tuple[frozenset[str], frozenset[str]]:
        every: set[str] = set()
        static: set[str] = set()
        for member in body.children:
            if member.type != "field_declaration":
                continue
            is_static = "static" in self.modifiers(member)[0]
            for decl in member.children_by_field_name("declarator"):
                name_node = decl.child_by_field_name("name")
                if name_node is not None:
                    every.add(apex_name(self.text(name_node)))
                    if is_static:
                        static.add(apex_name(self.text(name_node)))
        return frozenset(every), frozenset(static)

    def lower_member(self, member: Node, cls: str, cls_display: str, cls_test: bool,
                     fields: list[FieldIR], methods: list[MethodIR]) -> None:
        t = member.type
        if t in _TYPE_DECLS:
            self.lower_type(member, outer=cls, outer_test=cls_test, outer_display=cls_display)
        elif t == "field_declaration":
            self.lower_field(member, cls, cls_test, fields, methods)
        elif t in ("method_declaration", "constructor_declaration"):
            methods.append(self.lower_method(member, cls, cls_test))
        elif t in ("static_initializer", "block"):
            block = member if t == "block" else next((c for c in member.children if c.type == "block"), None)
            if block is not None:
                methods.append(self.lower_body(
                    name="<clinit>" if t == "static_initializer" else "<init-block>", display="{initializer}",
                    kind="initializer", cls=cls, params=(), return_type="void",
                    modifiers=self.same(frozenset({"static"}) if t == "static_initializer" else frozenset()),
                    annotations=self.same(frozenset()), name_node=member, body=block, is_test=cls_test))
        elif t == "enum_constant":
            pass

    def lower_field(self, node: Node, cls: str, cls_test: bool,
                    fields: list[FieldIR], methods: list[MethodIR]) -> None:
        mods, annos = self.modifiers(node)
        ftype = self.type_text(node.child_by_field_name("type"))
        accessors = next((c for c in node.children if c.type == "accessor_list"), None)
        for decl in node.children_by_field_name("declarator"):
            name_node = decl.child_by_field_name("name")
            if name_node is None:
                continue
            display = self.text(name_node)
            value = decl.child_by_field_name("value")
            if value is not None and self._deferred is not None:
                if not self._deferred or self._deferred[-1] != node.end_byte:
                    self._deferred += (node.start_byte, node.end_byte)
                text = _STRING_LITERAL.sub(b"''", self._lower_case()[value.start_byte:value.end_byte])
                fields.append(FieldIR(
                    name=apex_name(display), display=display, type=ftype, modifiers=mods, annotations=annos,
                    span=self.span(name_node), refs=refs_text(_IDENTIFIER.findall(text.decode("ascii", "ignore"))),
                    deferred=True, calls=b"(" in text))
                continue
            self._begin(f"{cls}.{apex_name(display)}", cls_test)
            init = self.expr(value) if value is not None else None
            self._stmts.clear()
            fields.append(FieldIR(
                name=apex_name(display), display=display, type=ftype, modifiers=mods, annotations=annos,
                span=self.span(name_node), init=init, is_property=accessors is not None,
                refs=refs_text(self._refs)))
            if accessors is None:
                continue
            for acc in accessors.children:
                if acc.type != "accessor_declaration":
                    continue
                which = acc.child_by_field_name("accessor")
                body = next((c for c in acc.children if c.type == "block"), None)
                if which is None or body is None:
                    continue
                is_get = apex_name(self.text(which)) == "get"
                prop = apex_name(display)
                methods.append(self.lower_body(
                    name=("get:" if is_get else "set:") + prop, display=display,
                    kind="getter" if is_get else "setter", cls=cls,
                    params=() if is_get else (Param("value", ftype),), return_type=ftype if is_get else "void",
                    modifiers=mods, annotations=annos, name_node=name_node, body=body, is_test=cls_test))

    def lower_method(self, node: Node, cls: str, cls_test: bool) -> MethodIR:
        mods, annos = self.modifiers(node)
        name_node = node.child_by_field_name("name") or node
        is_ctor = node.type == "constructor_declaration"
        params: list[Param] = []
        plist = node.child_by_field_name("parameters")
        if plist is not None:
            for p in plist.named_children:
                pn = p.child_by_field_name("name")
                if pn is not None:
                    params.append(self.same(Param(self.same(apex_name(self.text(pn))),
                                                  self.type_text(p.child_by_field_name("type")))))
        body = node.child_by_field_name("body")
        is_test = cls_test or "istest" in annos or "testmethod" in mods
        display = self.text(name_node)
        return self.lower_body(
            name="<init>" if is_ctor else apex_name(display), display=display,
            kind="constructor" if is_ctor else "method", cls=cls, params=tuple(params),
            return_type="void" if is_ctor else self.type_text(node.child_by_field_name("type")),
            modifiers=mods, annotations=annos, name_node=name_node, body=body, is_test=is_test)

    def lower_body(self, *, name: str, display: str, kind: str, cls: str, params: tuple[Param, ...],
                   return_type: str, modifiers: frozenset[str], annotations: frozenset[str],
                   name_node: Node, body: Node | None, is_test: bool) -> MethodIR:
        owner = f"{cls}.{name}"
        code: tuple[tuple[Stmt, ...], tuple[Param, ...]] | BodyRef
        if body is not None and self.lazy and not self._needed_now(body.start_byte, body.end_byte):
            code = BodyRef(self.src.path, body.start_byte, body.end_byte, self.same(body.type), owner, is_test)
            text = self._lower_case()[body.start_byte:body.end_byte].decode("ascii", "ignore")
            refs = refs_text(_IDENTIFIER.findall(text))  # identifiers are ASCII
        else:
            self._params = params
            code = self.lower_block(body, owner, is_test)
            refs, self._refs = refs_text(self._refs), set()
            self._params = ()
        return MethodIR(
            name=name, display=display, kind=kind, params=params, return_type=return_type,
            modifiers=modifiers, annotations=annotations, code=code,
            span=self.span(name_node), body_span=self.span(body if body is not None else name_node),
            is_test=is_test, refs=refs)

    def _needed_now(self, start: int, end: int) -> bool:
        """Whether bytes start..end hold what lowering must find now (one search per file)."""
        if self._needed_at is None:
            self._needed_at = _needed_offsets(self._lower_case(), self.token_starts())
        i = bisect_left(self._needed_at, start)
        return i < len(self._needed_at) and self._needed_at[i] < end

    def _lower_case(self) -> bytes:
        if self._lowered is None:
            self._lowered = self.src.buffer.lower()
        return self._lowered

    def lower_block(self, body: Node | None, owner: str, is_test: bool) -> tuple[tuple[Stmt, ...], tuple[Param, ...]]:
        """A body's statements and locals."""
        self._begin(owner, is_test)
        self._body_start = body.start_byte if body is not None else -1
        if body is not None:
            self.stmt(body)
        self._mark_kills()
        stmts, local_vars = tuple(self._stmts), tuple(self._locals)
        self._stmts, self._locals = [], []
        return stmts, local_vars

    def _begin(self, owner: str, is_test: bool) -> None:
        self._stmts, self._locals, self._refs = [], [], set()
        self._declared_in, self._in_scope, self._loops, self._candidates = {}, {}, [], []
        self._calls, self._call_candidates = {}, []
        self._nested_candidates, self._block_ends = [], {}
        self._owner, self._in_test = owner, is_test

    def lower_trigger(self, node: Node) -> None:
        names = [c for c in node.children if c.type == "identifier"]
        if not names:
            return
        display = self.text(names[0])
        sobject = apex_name(self.text(names[1])) if len(names) > 1 else ""
        events = tuple(" ".join(apex_name(self.text(e)).replace("_", " ").split())
                       for e in node.children if e.type == "trigger_event")
        body = next((c for c in node.children if c.type == "trigger_body"), None)
        method = self.lower_body(
            name="<trigger>", display=display, kind="trigger", cls=f"trigger:{apex_name(display)}",
            params=(), return_type="void", modifiers=frozenset(), annotations=frozenset(),
            name_node=names[0], body=body, is_test=False)
        self.triggers.append(TriggerIR(
            name=apex_name(display), display=display, sobject=sobject, events=events,
            path=self.src.path, span=self.span(names[0]), body=method))

    # -- statements -------------------------------------------------------------------------
    def stmt(self, node: Node) -> None:
        if self._nesting >= MAX_NESTING:
            self.too_deep(node)
            return
        self._nesting += 1
        try:
            self._stmt(node)
        finally:
            self._nesting -= 1

    def _stmt(self, node: Node) -> None:
        t = node.type
        if t in ("line_comment", "block_comment"):
            return  # suppression directives: see `directives`
        if t in _LOOPS:
            self._loops.append((node.start_byte, node.end_byte))
        if t == "local_variable_declaration":
            self.local_decl(node)
        elif t == "expression_statement":
            for c in node.named_children:
                self.expr_stmt(c)
                self._killing_candidate(node, c)
        elif t == "return_statement":
            value = next((c for c in node.named_children if c.type not in ("line_comment", "block_comment")), None)
            self._stmts.append(Return(self.span(node), self.expr(value) if value is not None else None))
        elif t == "throw_statement":
            value = next(iter(node.named_children), None)
            if value is not None:
                self._stmts.append(Throw(self.span(node), self.expr(value)))
        elif t == "enhanced_for_statement":
            self.foreach(node)
        elif t == "switch_expression":
            self.switch(node)
        elif t == "explicit_constructor_invocation":
            self.constructor_call(node)
        elif t == "if_statement":
            self.if_chain(node)
        elif t == "catch_clause" or t == "formal_parameter":
            self.catch_param(node)
        elif t in _TYPE_DECLS or t == "ERROR":
            for c in node.named_children:
                self.stmt(c)
        elif _is_expression(node):
            self.expr_stmt(node)
        else:
            for c in node.children:
                if c.type not in _STATEMENT_SKIP:
                    self.stmt(c)
            if t in _STATEMENT_LISTS:
                self._block_ends[node.start_byte] = len(self._stmts)

    def if_chain(self, node: Node) -> None:
        """`if … else if … else …`: its children in order, and each `else if` as one more link of
        the chain, not a level deeper (generated code maps hundreds of codes this way: past
        MAX_NESTING the rest of the chain would go unread)."""
        outer = rest_in_test = self._in_test
        try:
            while True:
                alternative = node.child_by_field_name("alternative")
                chained = alternative is not None and alternative.type == "if_statement"
                test_only = self._test_only_branch(node.child_by_field_name("condition"))
                test_branch = node.child_by_field_name("consequence") if test_only == 1 else alternative \
                    if test_only == 2 else None
                for c in node.children:
                    if c.type in _STATEMENT_SKIP or (chained and c == alternative):
                        continue
                    self._in_test = rest_in_test or c == test_branch
                    self.stmt(c)
                # `if (!Test.isRunningTest()) … else if …`: the rest of the chain runs in tests only
                rest_in_test = rest_in_test or (test_only == 2 and chained)
                if not chained:
                    return
                assert alternative is not None
                node = alternative
        finally:
            self._in_test = outer

    def local_decl(self, node: Node) -> None:
        vtype = self.type_text(node.child_by_field_name("type"))
        for decl in node.children_by_field_name("declarator"):
            name_node = decl.child_by_field_name("name")
            if name_node is None:
                continue
            name = apex_name(self.text(name_node))
            self._locals.append(Param(name, vtype))
            self._declare(name, node)
            value = decl.child_by_field_name("value")
            if value is not None:
                self._stmts.append(Assign(self.span(decl), Name(self.span(name_node), name), self.expr(value)))
                if node.parent is not None and node.parent.type in _STATEMENT_LISTS:
                    self._candidates.append((len(self._stmts) - 1, name))

    def _declare(self, name: str, node: Node) -> None:
        """A local declared by `node` (a declaration, a loop's or catch's or type pattern's variable)."""
        parent = node.parent
        # visible from the declaration to the end of what holds it (a block, a `for`); a for-each
        # loop's or a catch's variable in that loop or catch; a pattern's in what holds the pattern
        # (wider than Apex's own scope: a wider one only hides `userInfo.getSessionId()` where a
        # narrower one would not)
        holder = parent if parent is not None and node.type not in _OWN_SCOPES else node
        self._in_scope.setdefault(name, []).append((node.start_byte, holder.end_byte))
        self._declared_in[name] = parent.start_byte if node.type == "local_variable_declaration" \
            and parent is not None and parent.type in _STATEMENT_LISTS else -1

    def _killing_candidate(self, stmt: Node, expr: Node) -> None:
        """`x = e;` or `x += e;` as a statement of the statement list that declares the local
        `x`, or of the body's own block for a name the body does not declare (a parameter; a
        field, which the data flow does not kill): it may replace what `x` held (`_mark_kills`).
        The assignment is the last statement lowered."""
        parent = stmt.parent
        if expr.type == "method_invocation":
            self._call_candidate(parent, expr)
            return
        if expr.type != "assignment_expression" or parent is None or parent.type not in _STATEMENT_LISTS:
            return
        left, op = expr.child_by_field_name("left"), expr.child_by_field_name("operator")
        if left is None or left.type != "identifier" or op is None or self.text(op) not in ("=", "+="):
            return
        name = apex_name(self.text(left))
        last = self._stmts[-1] if self._stmts else None
        declared = self._declared_in.get(name)
        if declared is None and parent.start_byte == self._body_start:
            # before the body, as its parameters are, outside every loop (`_declarations`)
            declared = self._declared_in[name] = parent.start_byte
        if not (isinstance(last, Assign) and isinstance(last.target, Name) and last.target.name == name):
            return
        if declared == parent.start_byte:
            self._candidates.append((len(self._stmts) - 1, name))
        elif op is not None and self.text(op) == "=" \
                and any(start <= stmt.start_byte < end for start, end in self._in_scope.get(name, ())):
            self._nested_candidates.append((len(self._stmts) - 1, name, parent.start_byte))

    def _call_candidate(self, block: Node | None, call: Node) -> None:
        """A call statement `x.m(a, ...);` (recorded), and whether it may replace the part of the
        local x's state that `m` sets, as `req.setEndpoint(u)` does (`_mark_call_kills`): a
        statement of the block that declares x (a declared local, not a parameter). The call is
        the last statement lowered."""
        obj, name, args = (call.child_by_field_name(f) for f in ("object", "name", "arguments"))
        if obj is None or obj.type != "identifier" or name is None or args is None:
            return
        local = apex_name(self.text(obj))
        given = [c for c in args.named_children if c.type not in _COMMENT_TYPES]
        self._calls[call.start_byte] = (local, apex_name(self.text(name)),
                                        self.text(given[0]) if len(given) > 1 else None)
        last = self._stmts[-1] if self._stmts else None
        if block is not None and block.type in _STATEMENT_LISTS \
                and self._declared_in.get(local) == block.start_byte and local in self._in_scope \
                and isinstance(last, Eval) and isinstance(last.expr, Call) \
                and isinstance(last.expr.obj, Name) and last.expr.obj.name == local:
            self._call_candidates.append((len(self._stmts) - 1, call.start_byte))

    def _declarations(self, name: str) -> list[int]:
        """Where each declaration of a local starts; of a parameter, -1: before the body, outside
        every loop."""
        return [start for start, _ in self._in_scope.get(name, ())] or [-1]

    def _mark_kills(self) -> None:
        """Mark the candidates whose local no loop carries an older value around (`Assign.kills`;
        in a nested block, to that block's end: `Assign.rejoin`), and the request setters that
        replace a part (`_mark_call_kills`).

        Within a method the data flow runs the statements in order, then again while a local read
        early was written later: what a loop carries to its next iteration. A killing assignment
        runs again too, so a local a loop reads or writes keeps its may-union, unless every
        declaration of that name is inside the loop (each iteration starts from the declaration).
        A name the lowering saw in a loop's text counts as mentioned there (a comment too)."""
        if self._call_candidates:
            self._mark_call_kills()
        if not self._candidates and not self._nested_candidates:
            return
        lowered = self._lower_case()
        names = {name for _, name in self._candidates} | {name for _, name, _ in self._nested_candidates}
        killable = {}
        for name in names:
            word = name.encode()
            declared = self._declarations(name)
            killable[name] = all(all(start <= at < end for at in declared)
                                 for start, end in self._loops if _word_at(lowered, word, start, end) >= 0)
        for index, name in self._candidates:
            stmt = self._stmts[index]
            if killable[name] and isinstance(stmt, Assign):
                self._stmts[index] = replace(stmt, kills=True)
        # In a block of its own, the assignment replaces the local's value for the rest of that
        # block; where the block ends, the value from before joins again (the block may not have
        # run: an `if`'s): `request = new HttpRequest()` following a redirect in `if (status == 302)`.
        for index, name, block in self._nested_candidates:
            stmt = self._stmts[index]
            rest = self._block_ends.get(block, index + 1) - index - 1
            if killable[name] and rest > 0 and isinstance(stmt, Assign):
                self._stmts[index] = replace(stmt, kills=True, rejoin=rest)

    def _mark_call_kills(self) -> None:
        """Mark the calls `x.m(a, ...)` after which what `m` set in x before is gone (`Eval.kills`).

        As for an assignment (`_mark_kills`), the rounds of the data flow carry a local's state
        around loops. A loop holding the call holds the local's declaration too (the call is a
        statement of the declaring block), and a loop before the call runs before it in every
        round. A loop after it whose first mention of x (in its text, a comment too) is the same
        call (`x.m(` with the same first argument when there are more: `setHeader('Authorization',
        ...)`) sets that part again before anything in it reads it, as the redirect loop
        `while (res.getStatusCode() == 302) { req.setEndpoint(res.getHeader('Location')); res =
        http.send(req); }` does. Any other loop after it that mentions x keeps the part's
        may-union."""
        lowered = self._lower_case()
        for index, at in self._call_candidates:
            local, method, first = self._calls[at]
            declared = self._declarations(local)
            word = local.encode()
            killing = True
            for start, end in self._loops:
                if end <= at:
                    continue
                if start <= at:
                    killing = all(start <= d < end for d in declared)
                else:
                    mention = _word_at(lowered, word, start, end)
                    killing = mention < 0 or self._calls.get(mention) == (local, method, first)
                if not killing:
                    break
            stmt = self._stmts[index]
            if killing and isinstance(stmt, Eval):
                self._stmts[index] = replace(stmt, kills=True)

    def foreach(self, node: Node) -> None:
        named = [c for c in node.named_children if c.type not in ("line_comment", "block_comment")]
        ident = next((c for c in named if c.type == "identifier"), None)
        if ident is not None:
            idx = named.index(ident)
            vtype = self.type_text(named[idx - 1]) if idx > 0 else ""
            name = apex_name(self.text(ident))
            self._locals.append(Param(name, vtype))
            self._declare(name, node)
            if idx + 1 < len(named):
                coll = self.expr(named[idx + 1])
                self._stmts.append(Assign(self.span(node), Name(self.span(ident), name),
                                          Index(coll.span, coll, Lit(coll.span, "*"))))
            for c in named[idx + 2:]:
                self.stmt(c)
            if idx + 1 < len(named) and isinstance(coll, (Name, FieldGet)):
                # Records changed through the loop variable are the collection's records.
                self._stmts.append(Assign(self.span(node), Index(coll.span, coll, Lit(coll.span, "*")),
                                          Name(self.span(ident), name)))
        else:
            for c in named:
                self.stmt(c)

    def switch(self, node: Node) -> None:
        """`switch on x { when T v { ... } ... }`: a type pattern binds `v` to the switched value
        (the branch runs when `x` is a `T`), as `T v = (T) x;` would."""
        subject = node.child_by_field_name("condition")
        value = self.expr(subject) if subject is not None else None
        if value is not None:
            self._stmts.append(Eval(value.span, value))
        for c in node.children:
            if c.type == "switch_block":
                for rule in c.named_children:
                    self.switch_rule(rule, value)
            elif c is not subject and c.type not in _STATEMENT_SKIP:
                self.stmt(c)

    def switch_rule(self, rule: Node, value: Expr | None) -> None:
        for c in rule.named_children:
            if c.type != "switch_label":
                self.stmt(c)
                continue
            for pattern in c.named_children:
                if pattern.type != "when_sobject_type":
                    self.stmt(pattern)
                    continue
                ident = next((n for n in pattern.named_children if n.type == "identifier"), None)
                if ident is None or value is None:
                    continue
                vtype = self.type_text(next((n for n in pattern.named_children if n is not ident), None))
                name = apex_name(self.text(ident))
                self._locals.append(Param(name, vtype))
                self._declare(name, pattern)
                self._stmts.append(Assign(self.span(pattern), Name(self.span(ident), name),
                                          Cast(value.span, vtype, value)))

    def catch_param(self, node: Node) -> None:
        for c in node.named_children:
            if c.type == "formal_parameter":
                pn = c.child_by_field_name("name")
                if pn is not None:
                    self._locals.append(Param(apex_name(self.text(pn)),
                                              self.type_text(c.child_by_field_name("type"))))
                    self._declare(apex_name(self.text(pn)), node)
            else:
                self.stmt(c)

    def expr_stmt(self, node: Node) -> None:
        if node.type == "dml_expression":
            target = next((c for c in node.named_children if c.type != "dml_type"), None)
            op_node = next((c for c in node.named_children if c.type == "dml_type"), None)
            op = apex_name(self.text(op_node)) if op_node is not None else "dml"
            if target is not None:
                self._stmts.append(Dml(self.span(node), op, self.expr(target)))
            return
        value = self.expr(node)
        if node.type != "assignment_expression":
            self._stmts.append(Eval(value.span, value))

    # -- expressions ------------------------------------------------------------------------
    def expr(self, node: Node) -> Expr:
        """Lower an expression; nesting beyond MAX_NESTING is kept opaque, never a RecursionError."""
        if self._nesting >= MAX_NESTING:
            self.too_deep(node)
            return Opaque(self.span(node))
        self._nesting += 1
        try:
            return self._expr(node)
        finally:
            self._nesting -= 1

    def too_deep(self, node: Node) -> None:
        if not self._too_deep_noted:
            self._too_deep_noted = True
            self.notes.append(Notification(
                code="nesting-too-deep", level=NoticeLevel.WARNING, path=self.src.path, span=self.span(node),
                message=f"code nested more than {MAX_NESTING} levels deep near line {node.start_point[0] + 1} "
                        "is not analysed; the rest of the file is"))

    def _expr(self, node: Node) -> Expr:
        t = node.type
        sp = self.span(node)
        if t in _PASSTHROUGH:
            inner = [c for c in node.named_children if c.type not in ("line_comment", "block_comment")]
            return self.expr(inner[0]) if inner else Opaque(sp)
        if t == "string_literal":
            return self.string_literal(node, sp)
        if t in ("int", "decimal", "boolean", "null_literal"):
            return Lit(sp, self.text(node))
        if t in ("identifier", "type_identifier"):
            name = apex_name(self.text(node))
            self._refs.add(name)
            return Name(sp, name)
        if t == "this":
            return This(sp)
        if t == "super":
            return Super(sp)
        if t == "field_access":
            obj = node.child_by_field_name("object")
            fld = node.child_by_field_name("field")
            if obj is None or fld is None:
                return self.opaque(node, sp)
            name = apex_name(self.text(fld))
            self._refs.add(name)
            if name == "trigger" and obj.type == "identifier" and apex_name(self.text(obj)) == "system":
                return Name(sp, name)  # the trigger context, however written (read/trigger_context.py)
            return FieldGet(sp, self.expr(obj), name)
        if t == "method_invocation":
            return self.call(node, sp)
        if t == "object_creation_expression":
            return self.object_creation(node, sp)
        if t in ("array_creation_expression", "map_creation_expression"):
            return self.collection(node, sp)
        if t == "binary_expression" and _operator(node) == "+":
            return self.concatenation(node, sp)
        if t == "binary_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            op = node.child_by_field_name("operator")
            if left is None or right is None:
                return self.opaque(node, sp)
            if _operator(node) == "??":
                # `a ?? b` (Apex null coalescing, API 60): `a` when it is not null, else `b`: either
                # value, as a conditional's; the null test itself says nothing of the session
                return Ternary(sp, Opaque(sp), self.expr(left), self.expr(right))
            return Binary(sp, self.text(op) if op is not None else "?", self.expr(left), self.expr(right))
        if t == "ternary_expression":
            parts = [c for c in node.named_children if c.type not in ("line_comment", "block_comment", "ERROR")]
            if len(parts) >= 3:
                test_only = self._test_only_branch(parts[0])
                return Ternary(sp, self.expr(parts[0]), self._branch_expr(parts[1], test_only == 1),
                               self._branch_expr(parts[2], test_only == 2))
            return self.opaque(node, sp)
        if t == "cast_expression":
            named = node.named_children
            return Cast(sp, self.type_text(named[0]), self.expr(named[-1])) if len(named) >= 2 \
                else self.opaque(node, sp)
        if t == "array_access":
            arr, idx = node.child_by_field_name("array"), node.child_by_field_name("index")
            named = node.named_children
            arr = arr or (named[0] if named else None)
            idx = idx or (named[1] if len(named) > 1 else None)
            if arr is None:
                return self.opaque(node, sp)
            return Index(sp, self.expr(arr), self.expr(idx) if idx is not None else Lit(sp, "*"))
        if t == "assignment_expression":
            return self.assignment(node, sp)
        if t == "query_expression":
            binds = tuple(self.expr(b) for b in _descendants(node, "bound_apex_expression"))
            sobject, fields = self._selected(node)
            self._refs.update(fields)  # what a formula field's readers are found by (demand.py)
            return Soql(sp, binds, sobject, fields)
        return self.opaque(node, sp)

    def _selected(self, query: Node) -> tuple[str, tuple[str, ...]]:
        """The object a plain SOQL query reads and the fields it selects by name (lower case)."""
        body = next((c for c in query.named_children if c.type == "soql_query_body"), None)
        select = next((c for c in body.named_children if c.type == "select_clause"), None) if body else None
        source = next((c for c in body.named_children if c.type == "from_clause"), None) if body else None
        table = next((c for c in source.named_children if c.type == "storage_identifier"), None) if source else None
        if select is None or table is None:
            return "", ()
        fields = tuple(name for c in select.named_children if c.type == "field_identifier"
                       and "." not in (name := apex_name(self.text(c))))
        return apex_name(self.text(table)), fields

    def concatenation(self, node: Node, sp: Span) -> Expr:
        """`a + b + c + ...` as a balanced tree: a 10,000-term chain must not nest 10,000 deep."""
        operands: list[Node] = []
        cur: Node | None = node
        while cur is not None and cur.type == "binary_expression" and _operator(cur) == "+":
            right = cur.child_by_field_name("right")
            if right is not None:
                operands.append(right)
            cur = cur.child_by_field_name("left")
        if cur is not None:
            operands.append(cur)
        operands.reverse()
        return _balanced([self.expr(o) for o in operands], sp)

    def string_literal(self, node: Node, sp: Span) -> Expr:
        raw = self.text(node)
        value = _unquote_apex(raw)
        if has_token(value):
            self.sources.append(SourceSite(
                id=f"{self.src.path}:{sp.start_line}:{sp.start_col}", kind=SourceKind.TOKEN_LITERAL,
                path=self.src.path, span=sp, text=redact(raw), context="string literal",
                owner=self._owner, in_test=self._in_test))
        return Lit(sp, value, is_string=True)

    def call(self, node: Node, sp: Span) -> Expr:
        obj_node = node.child_by_field_name("object")
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return self.opaque(node, sp)
        name = apex_name(self.text(name_node))
        self._refs.add(name)
        obj = self.expr(obj_node) if obj_node is not None else None
        args = self.args(node.child_by_field_name("arguments"))
        if name == "getsessionid" and not args and _is_userinfo(obj) and not self._variable_named(obj, node):
            return self.session_read(node, sp, obj)
        return Call(sp, obj, name, args, self.short(node))

    def _variable_named(self, obj: Expr | None, at: Node) -> bool:
        """Whether `obj`, a bare name at `at`, is a variable in scope: a local declared before it in
        a block that holds it (not one of a sibling block), a parameter, a field of the class (or a
        static one of an outer class). In Apex a variable hides a type of the same name, so
        `userInfo.getSessionId()` then calls the variable's own class's method. (A field inherited
        from a superclass in another file: `PackageModel._drop_shadowed_sources`.)"""
        if not isinstance(obj, Name):
            return False
        name = obj.name
        if any(start <= at.start_byte < end for start, end in self._in_scope.get(name, ())) \
                or any(p.name == name for p in self._params):
            return True
        if self._class_bodies and name in self._field_names(self._class_bodies[-1])[0]:
            return True
        return any(name in self._field_names(body)[1] for body in self._class_bodies[:-1])

    def constructor_call(self, node: Node) -> None:
        """`this(a, b)` or `super(a)` opening a constructor: a call of the other constructor, by
        the name constructors have here (`<init>`)."""
        sp = self.span(node)
        target = node.named_children[0] if node.named_children else None
        arguments = node.child_by_field_name("arguments") or next(
            (c for c in node.children if c.type == "argument_list"), None)
        obj: Expr | None = Super(self.span(target)) if target is not None and target.type == "super" else None
        call = Call(sp, obj, "<init>", self.args(arguments), self.short(node))
        self._stmts.append(Eval(sp, call))

    def _test_only_branch(self, condition: Node | None) -> int:
        """Which branch of a conditional runs only in tests: 1 the first (`if (Test.isRunningTest())`,
        `Test.isRunningTest() ? fake : real`), 2 the other (`!Test.isRunningTest()`), 0 neither.
        A session read there is test code's, as one in a test class is: it never runs in a
        subscriber's org."""
        if condition is None or b"isrunningtest" not in \
                self.src.buffer[condition.start_byte:condition.end_byte].lower():
            return 0
        text = "".join(self.text(condition).split()).lower()
        while text.startswith("(") and text.endswith(")"):
            text = text[1:-1]
        return 1 if _IN_TESTS.fullmatch(text) else 2 if _OUTSIDE_TESTS.fullmatch(text) else 0

    def _branch_expr(self, node: Node, test_only: bool) -> Expr:
        """A conditional's branch, its session reads test code's where only tests run it."""
        outer = self._in_test
        self._in_test = outer or test_only
        try:
            return self.expr(node)
        finally:
            self._in_test = outer

    def session_read(self, node: Node, sp: Span, obj: Expr | None) -> Expr:
        qualified = isinstance(obj, FieldGet)
        site = SourceSite(
            id=f"{self.src.path}:{sp.start_line}:{sp.start_col}", kind=SourceKind.APEX_GET_SESSION_ID,
            path=self.src.path, span=sp, text=self.short(node),
            context="System.UserInfo" if qualified else "UserInfo", owner=self._owner, in_test=self._in_test)
        self.sources.append(site)
        return SessionRead(sp, site.id)

    def args(self, node: Node | None) -> tuple[Expr, ...]:
        if node is None:
            return ()
        return tuple(self.expr(c) for c in node.named_children
                     if c.type not in ("line_comment", "block_comment"))

    def object_creation(self, node: Node, sp: Span) -> Expr:
        """`new T(a, b)`, and `new Account(Name = x, Token__c = y)` with its field names."""
        type_text = self.type_text(node.child_by_field_name("type"))
        arg_list = node.child_by_field_name("arguments")
        args: list[Expr] = []
        names: list[str] = []
        for c in arg_list.named_children if arg_list is not None else ():
            if c.type in ("line_comment", "block_comment"):
                continue
            left, right = c.child_by_field_name("left"), c.child_by_field_name("right")
            if c.type == "assignment_expression" and left is not None and right is not None:
                names.append(apex_name(self.text(left)))
                args.append(self.expr(right))
            else:
                names.append("")
                args.append(self.expr(c))
        self._refs.add(_created(type_text))
        return New(sp, type_text, tuple(args), (), tuple(names) if any(names) else ())

    def collection(self, node: Node, sp: Span) -> Expr:
        type_node = node.child_by_field_name("type")
        items: list[Expr] = []
        for init in node.named_children:
            if init.type in ("array_initializer", "map_initializer"):
                for item in init.named_children:
                    if item.type == "map_key_initializer":
                        items.extend(self.expr(c) for c in item.named_children)
                    elif item.type not in ("line_comment", "block_comment"):
                        items.append(self.expr(item))
        if type_node is None:
            type_node = next((c for c in node.named_children if "type" in c.type), None)
        type_text = self.type_text(type_node)
        if node.type == "array_creation_expression" and "<" not in type_text and not type_text.endswith("[]"):
            type_text += "[]"  # `new T[]{...}`: an array of T, not a T
        self._refs.add(_created(type_text))
        return New(sp, type_text, (), tuple(items))

    def assignment(self, node: Node, sp: Span) -> Expr:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        op = node.child_by_field_name("operator")
        if left is None or right is None:
            return self.opaque(node, sp)
        value = self.expr(right)
        self._stmts.append(Assign(sp, self.expr(left), value, self.text(op) if op is not None else "="))
        return value

    def opaque(self, node: Node, sp: Span) -> Expr:
        return Opaque(sp, tuple(self.expr(c) for c in node.named_children
                                if c.type not in ("line_comment", "block_comment") and _is_expression(c)))


_EXPRESSION_TYPES = {
    "string_literal", "int", "decimal", "boolean", "null_literal", "identifier", "this", "super",
    "field_access", "method_invocation", "object_creation_expression", "array_creation_expression",
    "map_creation_expression", "binary_expression", "ternary_expression", "cast_expression",
    "array_access", "assignment_expression", "query_expression", "parenthesized_expression",
    "unary_expression", "update_expression", "instanceof_expression", "dml_expression",
    "bound_apex_expression", "version_expression", "java_field_access",
}


def _operator(node: Node) -> str:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else ""


def _balanced(parts: list[Expr], sp: Span) -> Expr:
    if len(parts) == 1:
        return parts[0]
    mid = len(parts) // 2
    return Binary(sp, "+", _balanced(parts[:mid], sp), _balanced(parts[mid:], sp))


def _is_expression(node: Node) -> bool:
    return node.type in _EXPRESSION_TYPES


def _is_userinfo(obj: Expr | None) -> bool:
    """`UserInfo` or `System.UserInfo` as the receiver of getSessionId()."""
    if isinstance(obj, Name):
        return obj.name == "userinfo"
    return isinstance(obj, FieldGet) and obj.name == "userinfo" and isinstance(obj.obj, Name) \
        and obj.obj.name == "system"


def _next_code_line(lines: list[str], after: int, comment_tokens: dict[int, int]) -> int:
    """The first non-blank line after line `after` (1-based): what a disable-next-line covers.
    Comment lines are passed over but, for a SID009 directive, one holding a token (`comment_tokens`:
    a comment's first line -> its first token's line), whose finding is then what it covers."""
    for row in range(after, len(lines)):
        if row + 1 in comment_tokens:
            return comment_tokens[row + 1]
        stripped = lines[row].strip()
        if stripped and not stripped.startswith("//"):
            return row + 1
    return after + 1


def _descendants(node: Node, node_type: str) -> Iterator[Node]:
    stack = list(reversed(node.children))
    while stack:
        n = stack.pop()
        if n.type == node_type:
            yield n
        else:
            stack.extend(reversed(n.children))


def _unquote_apex(raw: str) -> str:
    return unescaped(raw[1:-1] if len(raw) >= 2 and raw[0] == "'" and raw[-1] == "'" else raw)


def lower_apex(src: SourceText, kind: FileKind, lazy: bool = False) -> FileIR:
    """Parse and lower one `.cls` or `.trigger` file; with `lazy`, bodies (and a class's field
    initialisers) are lowered only when they hold what lowering itself must find (sources, token
    literals). Suppression
    directives are found in the whole file, lowered now or not (`_FileLowering.directives`)."""
    tree = parse_apex(src.buffer)
    lowering = _FileLowering(src, lazy)
    lowering.lower_root(tree.root_node)
    notes = [
        Notification(
            code="parse-error", level=NoticeLevel.WARNING, path=src.path, span=lowering.span(n),
            message=(f"Apex could not be fully parsed near line {n.start_point[0] + 1}"
                     f" ({'missing ' + n.type if n.is_missing else 'unexpected text'}); "
                     "findings from the rest of the file are still reported"))
        for n in problem_nodes(tree.root_node, limit=5)
    ]
    notes.extend(lowering.notes)
    return FileIR(
        path=src.path, kind=kind, line_count=src.line_count, notifications=tuple(notes),
        suppressions=tuple(lowering.suppressions), sources=tuple(lowering.sources),
        classes=tuple(lowering.classes), triggers=tuple(lowering.triggers))


def parse_apex(buffer: bytes) -> Tree:
    """The file's syntax tree. A file that does not parse is parsed again with the valid Apex the
    grammar refuses rewritten to what it accepts, each rewrite of the same length (every position
    holds, and names and literals are read from the file as written):
    - `boolean.valueOf(x)`: Apex names are case-blind, but the grammar reads a lower-case
      `boolean` as the type keyword only; written `Boolean`;
    - `trigger T on Case bulk (after insert)`: the old optional `bulk`, blanked;
    - SOQL date-times with an offset without a colon or after fractional seconds
      (`2014-09-28T00:00:00.000+0000`): written `2014-09-28T00:00:00Z`, then spaces;
    - a name after a relationship sub-query in a SELECT list, `(SELECT Id FROM Contacts) cs,`
      (the platform's grammar takes an alias there, `LPAREN subQuery RPAREN soqlId?`, and ignores
      it; tree-sitter-apex does not): blanked."""
    tree = parse("apex", buffer)
    if not tree.root_node.has_error:
        return tree
    fixed = buffer
    for pattern, replacement in _REWRITES:
        if pattern.search(fixed):
            fixed = pattern.sub(replacement, fixed)
    return parse("apex", fixed) if fixed is not buffer else tree


def _blank_bulk(m: re.Match[bytes]) -> bytes:
    return m.group(1) + b"    "


def _blank_subquery_alias(m: re.Match[bytes]) -> bytes:
    return m.group(1) + m.group(2) + b" " * len(m.group(3))


def _plain_date_time(m: re.Match[bytes]) -> bytes:
    return (m.group(1) + b"Z").ljust(len(m.group(0)))


_REWRITES: tuple[tuple[LazyPattern[bytes], Callable[[re.Match[bytes]], bytes] | bytes], ...] = (
    (lazy(rb"(?<![\w.$])boolean(?=\s*\.)"), b"Boolean"),
    (lazy(rb"(?i)(\btrigger\s+[\w.]+\s+on\s+[\w.]+\s+)bulk(?=\s*\()"), _blank_bulk),
    (lazy(rb"(\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+(?:Z|[+-]\d{2}:?\d{2})|[+-]\d{4})(?![\w:])"),
     _plain_date_time),
    # `(SELECT … FROM Rel__r …) alias` followed by the next select entry or the outer FROM; one level
    # of parentheses inside the sub-query (`IN ('a', 'b')`, `toLabel(x)`)
    (lazy(rb"(?i)(\(\s*select\b(?:[^()\[\];]|\([^()\[\];]*\))*?\bfrom\s+\w[\w.]*"
          rb"(?:[^()\[\];]|\([^()\[\];]*\))*?\))(\s*)(?!(?:from|where|select)\b)([a-z_]\w*)(?=\s*(?:,|from\b))"),
     _blank_subquery_alias),
)

# A body holding any of these is lowered with its file: lowering records sources (getSessionId,
# token-shaped literals), which the package model needs up front.
_NEEDED_WORDS = (b"getsessionid",)  # in the lower-cased text (a case-blind regex is 10x slower)


def _needed_offsets(lowered: bytes, token_starts: list[int]) -> list[int]:
    """Sorted offsets of what makes a body needed now (`lowered`: the buffer in lower case)."""
    found = list(token_starts)
    for word in _NEEDED_WORDS:
        i = lowered.find(word)
        while i >= 0:
            found.append(i)
            i = lowered.find(word, i + 1)
    return sorted(found)


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")  # over the lower-cased text: what a lazy body mentions
# An Apex string literal, in bytes: a deferred initialiser's identifiers are taken from its text
# without them (a WSDL2Apex `_type_info` array names the fields of its class in strings)
_STRING_LITERAL = re.compile(rb"'(?:[^'\\\n]|\\.)*'")


def _created(type_text: str) -> str:
    """The class a `new` expression names, as `refs` records it: `new Outer.Inner()` -> `inner`."""
    return type_text.split("<", 1)[0].rstrip("[] ").rpartition(".")[2].lower()
