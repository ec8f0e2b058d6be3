"""Metadata types a package must never write with a session ID (security review guidance)."""

from __future__ import annotations

PROHIBITED_TYPES = frozenset({
    "namedcredential", "externalcredential", "connectedapp", "externalclientapplication",
    "extlclntappoauthsettings", "extlclntappglobaloauthsettings", "extlclntappoauthconfigurablepolicies",
    "extlclntappconfigurablepolicies", "extlclntappsettings", "authprovider", "remotesitesetting",
    "remoteproxy", "csptrustedsite", "securitysettings", "sessionsettings", "passwordpolicies",
    "profilepasswordpolicy", "profilesessionsetting",
    # org-wide settings of who may sign in and how: single sign-on, identity provider, My Domain,
    # OAuth and OpenID Connect, connected and external client apps
    "singlesignonsettings", "identityprovidersettings", "mydomainsettings", "oauthoidcsettings",
    "connectedappsettings", "externalclientappsettings",
})


def is_prohibited_type(type_name: str) -> bool:
    """Credentials, apps, auth providers, remote sites, CSP, and the org-wide security, session,
    password and sign-in settings. Other settings (`AddressSettings`, `CaseSettings`) are the
    org's, not security: a write to them is reported as metadata the package does not own."""
    return type_name.lower().rpartition(".")[2] in PROHIBITED_TYPES


def owned_by(full_name: str, namespace: str) -> bool:
    """A metadata full name belongs to the package when it carries the package's namespace prefix."""
    if not namespace:
        return False
    name = full_name.lower().rpartition(".")[2] if "." in full_name else full_name.lower()
    ns = namespace.lower()
    return name.startswith(ns + "__") or full_name.lower().startswith(ns + "__") or \
        full_name.lower().startswith(ns + ".")
