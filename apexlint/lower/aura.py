"""Aura bundles: which Apex class a component's scripts call.

An Aura component's markup (`aura/SyncCmp/SyncCmp.cmp`, an application's `.app`) names its
Apex controller (`<aura:component controller="SyncCtl">`); its controller and helper scripts
call that class's `@AuraEnabled` methods as actions (`component.get('c.getToken')`), and the
action's callback gets what the method returns (`response.getReturnValue()`, followed by
`js_flow` under a stand-in, `ir.CLIENT_VALUE`). The markup is otherwise only searched for
tokens, as any text file is. The component it `extends` (`extends="c:Base"`) is recorded: its
helper's methods are this one's, unless this one's helper defines one of the same name.

What a controller's action passes its helper (`helper.push(component, sid)`) is recorded with
the controller's script (`FileIR.aura_helper_args`); the helper's methods that may send
something are walked with each parameter standing for what the controller passes there
(`client:helper:push:1`), which the analysis replaces as it does an action's stand-in.
Followed too: a helper's calls to its own methods (`this.send(token)`, `var self = this; self.send(token)`,
in the method or an action's callback run with its `this`), and a controller's under whatever name
its action gives the helper (`function (cmp, evt, hlp)`, `var h = helper`). A component that
extends another gets the base's helper methods: what its controller passes one the base's helper
defines (and its own does not) reaches the base's helper, and the `c.` actions it got it from are
its own Apex controller's. Not followed: a controller that names no Apex controller of its own and
so uses the one of the component it extends; the helper handed on as an argument to other code.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from apexlint.ir import FileIR, FileKind

_CONTROLLER = re.compile(
    rb"<aura:(?:component|application)\b[^>]*?\bcontroller\s*=\s*[\"']\s*([A-Za-z_][\w.]*)\s*[\"']", re.IGNORECASE)


def is_aura_bundle(path: str) -> bool:
    """Whether `path` is a file of an Aura bundle: `.../aura/<Bundle>/<file>`."""
    parts = PurePosixPath(path).parts
    return len(parts) >= 3 and parts[-3].lower() == "aura"


def is_aura_helper(path: str) -> bool:
    """Whether `path` is a bundle's helper script, `.../aura/Cmp/CmpHelper.js`: the `helper` its
    controller's actions are given."""
    p = PurePosixPath(path)
    return is_aura_bundle(path) and p.name.lower() == f"{p.parent.name}helper.js".lower()


def is_aura_controller(path: str) -> bool:
    """Whether `path` is a bundle's client-side controller, `.../aura/Cmp/CmpController.js`, whose
    actions are given the bundle's helper as third parameter."""
    p = PurePosixPath(path)
    return is_aura_bundle(path) and p.name.lower() == f"{p.parent.name}controller.js".lower()


def lower_aura_markup(rel: str, data: bytes, searched: list[FileIR]) -> list[FileIR]:
    """The forms of a bundle's markup: `searched` (its token literals) with the controller it
    names and the component it extends, if it is the bundle's own markup (`Cmp/Cmp.cmp`) and
    names either."""
    path = PurePosixPath(rel)
    if not is_aura_bundle(rel) or path.stem != path.parent.name:
        return searched
    match = _CONTROLLER.search(data)
    controller = match.group(1).decode("ascii") if match is not None else ""
    match = _EXTENDS.search(data)
    extends = match.group(1).decode("ascii").lower() if match is not None else ""
    if not controller and not extends:
        return searched
    if searched:
        return [replace(searched[0], aura_controller=controller, aura_extends=extends), *searched[1:]]
    return [FileIR(path=rel, kind=FileKind.TEXT, line_count=0, aura_controller=controller, aura_extends=extends)]


def helper_method_names(text: str) -> tuple[str, ...]:
    """The names a helper's script gives functions (`push: function (...)`, `push(...) {`), by its
    text: the methods a component's helper defines over those of the component it extends. A
    nested object's are counted too, which can only hide an inherited method."""
    names = {a or b for a, b in _HELPER_METHOD.findall(text)} - _KEYWORDS
    return tuple(sorted(names))


# `extends="c:Base"`, `extends="ns:Base"`: the component whose helper this one's inherits
_EXTENDS = re.compile(
    rb"<aura:(?:component|application)\b[^>]*?\bextends\s*=\s*[\"']\s*([A-Za-z_]\w*:[A-Za-z_]\w*)\s*[\"']",
    re.IGNORECASE)
_HELPER_METHOD = re.compile(
    r"""^\s*["']?([A-Za-z_$][\w$]*)["']?\s*:\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[\w$]+\s*=>)"""
    r"|^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*\{", re.MULTILINE)
_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "function", "with", "return"})
