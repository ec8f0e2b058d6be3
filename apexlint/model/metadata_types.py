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
    "connectedappsettings", "externalclientappsettings", "samlssoconfig", "externalauthidentityprovider",
    # the URL, protocol, principals and secrets of named and external credentials (Tooling objects),
    # and the Tooling object of a connected app
    "namedcredentialparameter", "externalcredentialparameter", "connectedapplication",
    # who may call the org from a browser or frame it: the CORS allowlist, clickjack trusted domains
    "corswhitelistorigin", "corswhitelistentry", "iframewhitelisturlsettings",
})


# A settings type whose name says it is about security (`FileUploadAndDownloadSecuritySettings`,
# `PlatformEncryptionSettings`, `EncryptionKeySettings`, `CertificateSettings`...).
_SECURITY_WORDS = ("security", "session", "password", "encryption", "certificate", "oauth", "identity",
                   "signon", "trust", "mfa", "login", "auth")


def is_prohibited_type(type_name: str) -> bool:
    """Credentials, apps, auth providers, remote sites, CSP, and the org-wide security, session,
    password, encryption and sign-in settings. Other settings (`AddressSettings`,
    `CaseSettings`) are the org's, not security: a write to them is reported as metadata the
    package does not own."""
    t = type_name.lower().rpartition(".")[2]
    return t in PROHIBITED_TYPES or (t.endswith("settings") and any(w in t for w in _SECURITY_WORDS))


def namespace_prefix(api_name: str) -> str:
    """The namespace prefix a custom API name carries (`LID` of `LID__Session_Id__c`), or ""
    (`Session_Id__c`: the packaging org's own, its namespace added when it is packaged)."""
    parts = api_name.split("__")
    return parts[0] if len(parts) >= 3 else ""


def owned_by(full_name: str, namespace: str) -> bool:
    """A metadata full name belongs to the package when it carries the package's namespace prefix.

    Of a component inside another (`Object.Field`), the inner one decides when its name can carry
    a prefix of its own (a custom API name, `Region__c`): `ns__Invoice__c.Region__c` is a field
    the package would create in the subscriber's org on its own object, unmanaged, the
    subscriber's. An inner name that carries none (a custom metadata record `ns__Config.Default`,
    a list view) is the package's when the outer one is."""
    if not namespace:
        return False
    ns = namespace.lower()
    name = full_name.lower()
    _, dot, inner = name.rpartition(".")
    if inner.startswith(ns + "__"):
        return True
    if dot and "__" in inner:  # a custom API name of its own, without the package's prefix
        return False
    return name.startswith(ns + "__") or name.startswith(ns + ".")
