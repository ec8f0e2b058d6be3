"""Aura bundles: which Apex class a component's scripts call.

An Aura component's markup (`aura/SyncCmp/SyncCmp.cmp`, an application's `.app`) names its
Apex controller (`<aura:component controller="SyncCtl">`); its controller and helper scripts
call that class's `@AuraEnabled` methods as actions (`component.get('c.getToken')`), and the
action's callback gets what the method returns (`response.getReturnValue()`, followed by
`js_flow` under a stand-in, `ir.CLIENT_VALUE`). The markup is otherwise only searched for
tokens, as any text file is. Not followed: the controller of a component this one `extends`.

What a controller's action passes its helper (`helper.push(component, sid)`) is recorded with
the controller's script (`FileIR.aura_helper_args`); the helper's methods that may send
something are walked with each parameter standing for what the controller passes there
(`client:helper:push:1`), which the analysis replaces as it does an action's stand-in.
Not followed: a helper's calls to its own methods (`this.send(token)`).
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


def lower_aura_markup(rel: str, data: bytes, searched: list[FileIR]) -> list[FileIR]:
    """The forms of a bundle's markup: `searched` (its token literals) with the controller it
    names, if it is the bundle's own markup (`Cmp/Cmp.cmp`) and names one."""
    path = PurePosixPath(rel)
    match = _CONTROLLER.search(data) if is_aura_bundle(rel) and path.stem == path.parent.name else None
    if match is None:
        return searched
    controller = match.group(1).decode("ascii")
    if searched:
        return [replace(searched[0], aura_controller=controller), *searched[1:]]
    return [FileIR(path=rel, kind=FileKind.TEXT, line_count=0, aura_controller=controller)]
