"""JavaScript: static resources on their own, and the scripts inside Visualforce pages.

Sources: `sforce.connection.sessionId` (also `sforce.connection["sessionId"]`), the AJAX
Toolkit's session, read on the connection or on a name the script gives it (`var conn =
sforce.connection; conn.sessionId`), or taken out of it by destructuring (`const {sessionId} =
sforce.connection`); `__sfdcSessionId` (also `window["__sfdcSessionId"]`), the global a
Visualforce page sets for it, and
`LCC.getRESTAPISessionKey()`, the session a `lightning:container` app gets for the REST API. Only code
counts: the same words in a comment or an ordinary string literal are not a read. In a static
resource, `{!$Api.Session_ID}` is just text (Visualforce never renders static resources), so
merge fields are sources only in scripts embedded in pages (see `visualforce.py`).

Where session values go is followed by `js_flow` (limits documented there); its sinks are
listed in `js_sinks`.
"""

from __future__ import annotations

from tree_sitter import Node, Tree

from apexlint.ir import (
    FileIR,
    FileKind,
    SessionGlobal,
    SessionTest,
    SourceKind,
    SourceSite,
    UnfollowedCall,
    UrlUse,
    resource_script,
)
from apexlint.lower import MAY_REQUEST_BYTES, exporting_module, returning_module
from apexlint.lower import js_sinks as sinks
from apexlint.lower.aura import helper_method_names, is_aura_bundle, is_aura_controller, is_aura_helper
from apexlint.lower.js_flow import ScriptFlow
from apexlint.lower.js_values import ScriptUnit, dotted
from apexlint.lower.markup_comments import js_suppressions
from apexlint.lower.page_globals import reads_page_global
from apexlint.lower.templates import is_lwc_bundle
from apexlint.lower.text_scan import component_name, parse_notifications, source_id, token_literal_sources
from apexlint.patterns import lazy
from apexlint.read.merge_fields import TextPositions
from apexlint.read.parsers import parse
from apexlint.read.source import SourceText

_SFORCE_NEEDLE = b"sessionId"
_SFDC_NEEDLE = sinks.SFDC_SESSION_GLOBAL.encode()
_CONTAINER_NEEDLE = b"getRESTAPISessionKey"  # lightning:container's `LCC.getRESTAPISessionKey()`
_ASSIGNMENT_TYPES = ("assignment_expression", "augmented_assignment_expression")


def lower_javascript(src: SourceText, kind: FileKind = FileKind.JAVASCRIPT) -> FileIR:
    """Lower a static JavaScript file: sources, where they flow, suppressions, token literals."""
    owner = component_name(src.path).lower()
    unit = ScriptUnit(raw=src.buffer, base_point=(0, 0), aura=is_aura_bundle(src.path),
                      aura_helper=is_aura_helper(src.path) and MAY_REQUEST_BYTES.search(src.buffer) is not None,
                      aura_controller=is_aura_controller(src.path), lwc=is_lwc_bundle(src.path))
    unit.page_globals = resource_script(src.path) is not None and not unit.lwc and not unit.aura
    unit.exports_for = exporting_module(src.path, src.buffer)
    unit.returns_for = returning_module(src.path, src.buffer)
    tree = parse_script(unit.raw)
    sources = find_js_sources(src, unit, tree, owner, "javascript")
    helper_args: set[tuple[str, int, str]] = set()
    tests: list[SessionTest] = []
    unfollowed: list[UnfollowedCall] = []
    held: list[tuple[str, str]] = []
    returned: list[tuple[str, str]] = []
    module_args: set[tuple[str, str, int, str]] = set()
    module_returns: set[tuple[str, str]] = set()
    apex_args: set[tuple[str, str, str]] = set()
    stored: set[tuple[str, str, str]] = set()
    uses = script_flows(src, [(unit, tree)], helper_args=helper_args, tested=tests, unfollowed=unfollowed,
                        held=held, returned=returned, module_args=module_args, module_returns=module_returns,
                        apex_args=apex_args, stored=stored) \
        if sources or unit.hands_over or unit.aura_helper or unit.exports_for or unit.returns_for \
        or (unit.page_globals and reads_page_global(unit.raw)) else []
    # a plain script's globals and named functions are other files' too (not an LWC's module, nor
    # an Aura bundle's, whose callers the bundle names)
    kept = () if unit.lwc or unit.aura else tuple(
        [SessionGlobal(source, src.path, name) for source, name in held]
        + [SessionGlobal(source, src.path, name, how="return") for source, name in returned])
    positions = TextPositions(src.parse_text)
    sources += token_literal_sources(src, positions, owner)
    return FileIR(
        path=src.path,
        kind=kind,
        line_count=src.line_count,
        notifications=tuple(parse_notifications(src, tree.root_node, "JavaScript")),
        suppressions=tuple(js_suppressions(src, unit, tree)),
        sources=tuple(sources),
        url_uses=tuple(uses),
        aura_helper_args=tuple(sorted(helper_args)),
        module_args=tuple(sorted(module_args)),
        module_returns=tuple(sorted(module_returns)),
        apex_args=tuple(sorted(apex_args)),
        session_tests=tuple(tests),
        unfollowed_calls=tuple(unfollowed),
        session_globals=kept,
        stored_fields=tuple(sorted(stored)),
        aura_helper_methods=helper_method_names(src.text) if is_aura_helper(src.path) else (),
    )


def parse_script(data: bytes) -> Tree:
    """The script's syntax tree. A script that does not parse is parsed again with the valid
    JavaScript the grammar refuses rewritten, each rewrite of the same length (positions hold;
    names are read from the script as written):
    - a no-break space (U+00A0, white space in ECMAScript; pasted from web pages) as two spaces;
    - `using = function (...)` (jQuery UI): the grammar takes `using` for a declaration keyword
      even where it is a plain variable, so there it is written `_sing`."""
    tree = parse("javascript", data)
    if not tree.root_node.has_error:
        return tree
    fixed = data.replace(b"\xc2\xa0", b"  ") if b"\xc2\xa0" in data else data
    if b"using" in fixed:
        fixed = _USING_VARIABLE.sub(b"_sing", fixed)
    return parse("javascript", fixed) if fixed != data else tree


# `using` assigned, not declaring (`using x = ...` declares; `using = ...`, `using(` do not)
_USING_VARIABLE = lazy(rb"(?<![\w.$])using(?=\s*(?:=(?!=)|[,;)]))")


def script_flows(src: SourceText, units: list[tuple[ScriptUnit, Tree]],
                 remoted: dict[tuple[str, int], set[str]] | None = None,
                 helper_args: set[tuple[str, int, str]] | None = None,
                 tested: list[SessionTest] | None = None,
                 unfollowed: list[UnfollowedCall] | None = None,
                 lightning_args: dict[tuple[str, str], set[str]] | None = None,
                 held: list[tuple[str, str]] | None = None,
                 returned: list[tuple[str, str]] | None = None,
                 module_args: set[tuple[str, str, int, str]] | None = None,
                 module_returns: set[tuple[str, str]] | None = None,
                 apex_args: set[tuple[str, str, str]] | None = None,
                 stored: set[tuple[str, str, str]] | None = None) -> list[UrlUse]:
    """Sinks reached by session values, over scripts that share one page scope; `remoted`
    receives the sessions the scripts pass to JavaScript remoting (`[ns.]Ctrl.m`, argument),
    `helper_args` what an Aura controller passes its helper (method, argument, stand-in),
    `tested` where the scripts only ask about a session (`if (sid)`, `sid == null`, `_.isEmpty(sid)`),
    `unfollowed` where they hand one to a call the flow does not follow (`MyLib.check(sid)`),
    `lightning_args` the sessions given to a component Lightning Out makes (component, attribute),
    `held` the sessions the scripts keep in the page's globals (source, name), `returned` those
    a named function of theirs returns (source, function), `module_args` what they pass the
    functions they import from components' modules (module, function, argument, stand-in),
    `module_returns` what a module's exported functions return that Apex handed it (function,
    stand-in), `apex_args` what they pass the Apex methods they import (method, parameter,
    stand-in), and `stored` the sessions they save in records with Remote Objects (sObject, field,
    source)."""
    if not units:
        return []
    flow = ScriptFlow(src, units)
    uses = flow.run()
    if remoted is not None:
        for key, sessions in flow.remoted.items():
            remoted.setdefault(key, set()).update(sessions)
    if helper_args is not None:
        helper_args.update(flow.helper_args)
    if module_args is not None:
        module_args.update(flow.module_args)
    if module_returns is not None:
        module_returns.update(flow.module_returns)
    if apex_args is not None:
        apex_args.update(flow.apex_args)
    if stored is not None:
        stored.update(flow.stored)
    if tested is not None:
        tested.extend(flow.session_tests())
    if unfollowed is not None:
        unfollowed.extend(flow.unfollowed_calls())
    if lightning_args is not None:
        for attribute, given in flow.lightning_args.items():
            lightning_args.setdefault(attribute, set()).update(given)
    if held is not None:
        held.extend(flow.held_globals())
    if returned is not None:
        returned.extend(flow.returned_sessions())
    return uses


def find_js_sources(src: SourceText, unit: ScriptUnit, tree: Tree, owner: str, context: str) -> list[SourceSite]:
    """Session reads in code; registers each in `unit.js_sources` for the flow analysis."""
    found: list[SourceSite] = []
    root = tree.root_node
    connections = _Connections(unit, root)
    for needle, check in ((_SFORCE_NEEDLE, connections.session_read), (_SFDC_NEEDLE, _sfdc_read),
                          (_CONTAINER_NEEDLE, _container_read)):
        pos = unit.raw.find(needle)
        while pos >= 0:
            leaf = root.descendant_for_byte_range(pos, pos + len(needle))
            read = check(unit, leaf) if leaf is not None else None
            key = (read[0].start_byte, read[0].end_byte) if read is not None else None
            if read is not None and key is not None and key not in unit.js_sources:
                node, kind = read
                span = unit.span(src, node)
                site = SourceSite(
                    id=source_id(src.path, span), kind=kind, path=src.path, span=span,
                    text=dotted(unit, node) or unit.text(node), context=context, owner=owner,
                )
                unit.js_sources[key] = site.id
                found.append(site)
            pos = unit.raw.find(needle, pos + 1)
    return found


class _Connections:
    """The AJAX Toolkit's connection under the names a script gives it, asked for only when a
    `sessionId` is not read on `sforce.connection` itself."""

    def __init__(self, unit: ScriptUnit, root: Node) -> None:
        self.unit = unit
        self.root = root
        self._names: frozenset[str] | None = None

    def names(self) -> frozenset[str]:
        """The names assigned the connection (`var conn = sforce.connection`,
        `window.$soap = sforce.connection`; a global of `window` and the bare name are one)."""
        if self._names is None:
            self._names = connection_names(self.unit, self.root)
        return self._names

    def holds(self, node: Node | None) -> bool:
        name = dotted(self.unit, node)
        return name is not None and (name in sinks.SFORCE_CONNECTIONS or name in self.names())

    def session_read(self, unit: ScriptUnit, leaf: Node) -> tuple[Node, SourceKind] | None:
        """`sforce.connection.sessionId` / `sforce.connection["sessionId"]` read (not written),
        also on a name that holds the connection (`conn.sessionId`), or destructured out of it
        (`const {sessionId} = sforce.connection`, `const {sessionId: sid} = conn`)."""
        node: Node | None = leaf
        if leaf.type == "shorthand_property_identifier_pattern":
            return _destructured(self, leaf, leaf.parent)
        if leaf.type == "property_identifier" and leaf.parent is not None and leaf.parent.type == "pair_pattern":
            pair = leaf.parent
            return _destructured(self, pair, pair.parent) if pair.child_by_field_name("key") == leaf else None
        if leaf.type == "string_fragment":
            node = leaf.parent.parent if leaf.parent is not None else None
            if node is None or node.type != "subscript_expression":
                return None
        elif leaf.type == "property_identifier" and leaf.parent is not None:
            node = leaf.parent
        else:
            return None
        if node is None or node.type not in ("member_expression", "subscript_expression"):
            return None
        # every `.sessionId` of a chain asks: reading each whole chain again made 3,000 of them
        # (`conn.sessionId.sessionId...`, a hostile file) take 6 s, 12,000 past the file time limit
        name = dotted(unit, node, _MOST_NAMES) or ""
        if not (name == sinks.SFORCE_SESSION or name.endswith("." + sinks.SFORCE_SESSION)):
            base, _, prop = name.rpartition(".")
            if prop != _SESSION_PROPERTY or not base or base not in self.names():
                return None
        return None if _is_written(node) else (node, SourceKind.JS_SFORCE_SESSION)


_SESSION_PROPERTY = "sessionId"
# names in a chain read as the connection's session: `window.app.sforce.connection.sessionId`
# has six; a longer chain (only hostile code writes one) is not read as the session
_MOST_NAMES = 32


def _destructured(connections: _Connections, node: Node, pattern: Node | None) -> tuple[Node, SourceKind] | None:
    """`sessionId` in an object pattern whose value is the connection: `node` (the shorthand
    name, or the `sessionId: sid` pair) is the read."""
    if pattern is not None and pattern.type == "object_assignment_pattern":  # `{sessionId = ''}`
        pattern = pattern.parent
    if pattern is None or pattern.type != "object_pattern" or connections.unit.text(node).partition(":")[0].strip() \
            != _SESSION_PROPERTY:
        return None
    holder = pattern.parent
    if holder is None:
        return None
    if holder.type == "variable_declarator" and holder.child_by_field_name("name") == pattern:
        value = holder.child_by_field_name("value")
    elif holder.type == "assignment_expression" and holder.child_by_field_name("left") == pattern:
        value = holder.child_by_field_name("right")
    else:
        return None
    return (node, SourceKind.JS_SFORCE_SESSION) if connections.holds(value) else None


def connection_names(unit: ScriptUnit, root: Node) -> frozenset[str]:
    """The names a script assigns the AJAX Toolkit's connection (`var conn = sforce.connection`),
    with and without `window.`: reading `sessionId` on one reads the session."""
    names: set[str] = set()
    pos = unit.raw.find(_CONNECTION_NEEDLE)
    while pos >= 0:
        leaf = root.descendant_for_byte_range(pos, pos + len(_CONNECTION_NEEDLE))
        member = leaf.parent if leaf is not None and leaf.type == "property_identifier" else None
        holder = member.parent if member is not None else None
        if holder is not None and (dotted(unit, member) or "") in sinks.SFORCE_CONNECTIONS:
            target = None
            if holder.type == "variable_declarator" and holder.child_by_field_name("value") == member:
                target = holder.child_by_field_name("name")
            elif holder.type == "assignment_expression" and holder.child_by_field_name("right") == member:
                target = holder.child_by_field_name("left")
            name = dotted(unit, target) if target is not None else None
            if name:
                bare = name.removeprefix("window.")
                names.update((bare, "window." + bare))
        pos = unit.raw.find(_CONNECTION_NEEDLE, pos + 1)
    return frozenset(names)


_CONNECTION_NEEDLE = b"connection"


def _sfdc_read(unit: ScriptUnit, leaf: Node) -> tuple[Node, SourceKind] | None:
    """A read of the `__sfdcSessionId` global (bare, as `window.__sfdcSessionId` or as
    `window['__sfdcSessionId']`)."""
    if unit.text(leaf) != sinks.SFDC_SESSION_GLOBAL:
        return None
    node = leaf
    if leaf.type == "property_identifier" and leaf.parent is not None:
        node = leaf.parent
    elif leaf.type == "string_fragment":  # `window['__sfdcSessionId']`
        string = leaf.parent
        subscript = string.parent if string is not None else None
        if subscript is None or subscript.type != "subscript_expression" \
                or subscript.child_by_field_name("index") != string:
            return None
        node = subscript
    elif leaf.type != "identifier":
        return None
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator" and parent.child_by_field_name("name") == node:
        return None
    return None if _is_written(node) else (node, SourceKind.JS_SFDC_SESSION)


def _container_read(unit: ScriptUnit, leaf: Node) -> tuple[Node, SourceKind] | None:
    """`LCC.getRESTAPISessionKey()`: the session a `lightning:container` app is given for the
    REST API (the call is the read)."""
    member = leaf.parent if leaf.type == "property_identifier" else None
    call = member.parent if member is not None and member.type == "member_expression" else None
    if call is None or call.type != "call_expression" or call.child_by_field_name("function") != member:
        return None
    return call, SourceKind.JS_CONTAINER_SESSION


def _is_written(node: Node) -> bool:
    parent = node.parent
    return (
        parent is not None
        and parent.type in _ASSIGNMENT_TYPES
        and parent.child_by_field_name("left") == node
    )
