"""Metadata types a package must never write with a session ID (security review guidance)."""

from __future__ import annotations

PROHIBITED_TYPES = frozenset({
    "namedcredential", "externalcredential", "connectedapp", "externalclientapplication",
    "extlclntappoauthsettings", "extlclntappglobaloauthsettings", "extlclntappoauthconfigurablepolicies",
    "extlclntappconfigurablepolicies", "extlclntappsettings", "authprovider", "remotesitesetting",
    "remoteproxy", "csptrustedsite", "securitysettings", "sessionsettings", "passwordpolicies",
    "profilepasswordpolicy", "profilesessionsetting",
})


def is_prohibited_type(type_name: str) -> bool:
    """Credentials, apps, auth providers, remote sites, CSP and every org-wide `*Settings` type."""
    t = type_name.lower().rpartition(".")[2]
    return t in PROHIBITED_TYPES or t.endswith("settings")


def owned_by(full_name: str, namespace: str) -> bool:
    """A metadata full name belongs to the package when it carries the package's namespace prefix."""
    if not namespace:
        return False
    name = full_name.lower().rpartition(".")[2] if "." in full_name else full_name.lower()
    ns = namespace.lower()
    return name.startswith(ns + "__") or full_name.lower().startswith(ns + "__") or \
        full_name.lower().startswith(ns + ".")
