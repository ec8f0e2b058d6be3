"""Where a callout goes: resolve an endpoint's possible shapes to the org itself or elsewhere.

Same org: `URL.getOrgDomainUrl()` and friends, relative `/services/...` URLs, and `callout:NAME`
when the package's Named Credential points at a Salesforce host. External: any other literal
host, and `callout:NAME` without such metadata. Unresolved: the endpoint comes from a custom
setting, a parameter, or anything else apexlint cannot read.

A custom label the package holds (`System.Label.X`, `{!$Label.X}`; in scripts, what an LWC imports
from `@salesforce/label/c.X` and an Aura script's `$A.get('$Label.c.X')`, which the flow writes
`{!$Label.X}`) is read as the value it is
packaged with, as a literal would be: a partner's host is an export, the org's URL the org. The
endpoint keeps the labels it was built from, for messages. A label that is not protected can be
given another value in a subscriber's org, so where such a label gives the URL its host, the
packaged value is only a default (`Endpoint.packaged_default`): a same-org verdict that rests on
it is less certain (SID010 says so, at medium confidence), while an export by the value the
package ships is an export as it stands. A label the package does not hold (another package's, the
subscriber's) is not known, and leaves the endpoint unresolved as any unknown text does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

from apexlint.analyses.values import (
    HOSTS,
    LABEL,
    ORG,
    ORG_HOST,
    RECEIVER,
    RESPONSE,
    SESSION,
    SETTING,
    TOP,
    UNKNOWN,
    Shape,
    Value,
    hinted_heads,
    marker_field,
    marker_label,
    marker_param,
)
from apexlint.ir import LabelIR
from apexlint.model.metadata_types import is_prohibited_type
from apexlint.model.package import PackageModel
from apexlint.patterns import lazy
from apexlint.records import frozen
from apexlint.secrets import clip

SALESFORCE_HOST = lazy(
    r"(^|\.)(salesforce\.com|force\.com|salesforce\.mil|cloudforce\.com|database\.com|"
    r"salesforce-sites\.com|site\.com|visualforce\.com|lightning\.com)$")

# Hosts of one particular org: its My Domain, Sites and Experience Cloud sites, Visualforce and
# Lightning domains (`acme.my.salesforce.com`, `acme.my.site.com`, `acme--c.vf.force.com`). Written
# into a package's code, such a host is the org the code was written for (the vendor's), and in
# every subscriber's org another org. Salesforce's shared hosts (`login`, `test`, instances such
# as `na1.salesforce.com`, which WSDL2Apex writes as a port's default endpoint) are not.
_ORG_HOST_LITERAL = lazy(
    r"[^.]\.(my\.salesforce\.com|my\.site\.com|site\.com|salesforce-sites\.com|force\.com|visualforce\.com)$")
_SHARED_HOSTS = frozenset({"www.force.com", "developer.force.com", "login.force.com", "www.site.com"})
ANOTHER_ORG = "a Salesforce org's own host, written into the code: in a subscriber's org, another org"


def _salesforce_endpoint(text: str, host: str, path: str) -> Endpoint:
    """A literal URL on a Salesforce host: the org itself, unless the host is one org's own."""
    if _ORG_HOST_LITERAL.search(host) and host not in _SHARED_HOSTS:
        return Endpoint("external", text, host=host, why=ANOTHER_ORG)
    return Endpoint("same-org", text, host=host, api=api_of_path(path))


# The Tooling SOAP API's writes (WSDL2Apex adds `_x` to names Apex reserves: `delete_x`).
TOOLING_SOAP_WRITES = frozenset({"create", "update", "upsert", "delete"})
METADATA_WRITE_OPERATIONS = (
    "createmetadata", "updatemetadata", "upsertmetadata", "deletemetadata", "renamemetadata", "deploy",
)
# sObjects whose records are the org's code and pages: the REST data API writes them as the
# Tooling API does (`POST /sobjects/ApexPage`), a change of metadata, not of data
CODE_SOBJECTS = frozenset({"apexpage", "apexclass", "apextrigger", "apexcomponent", "staticresource"})
# The Metadata API's first, asynchronous writes (API 30 and before), still in the apex-mdapi ports
# generated from those WSDLs: a port's `create`, `update`, `delete_x`.
OLD_METADATA_WRITES = frozenset({"create", "update", "delete"})


@frozen
class Endpoint:
    scope: str  # "same-org" | "external" | "unresolved"
    url: str  # for messages: "https://api.example.com/x", "<org>/services/data/v59.0/query"
    host: str = ""
    api: str = ""  # "data", "soap-data", "tooling", "metadata", "apexrest", "oauth", "other"
    named_credential: str = ""
    why: str = ""  # for unresolved: where the endpoint came from
    labels: tuple[LabelIR, ...] = ()  # the package's custom labels the URL was built from, as packaged
    # a label that is not protected gives the URL its host: subscribers can make it point elsewhere
    packaged_default: bool = False


def describe_labels(ep: Endpoint) -> str:
    """"built from custom label Partner_Endpoint (packaged value 'https://…')", "" for none; with
    what a subscriber's org can do to a label that is not protected."""
    if not ep.labels:
        return ""
    named = ", ".join(f"{lb.name} (packaged value '{clip(lb.value, 120)}')" for lb in ep.labels)
    out = f"built from custom label{'s' if len(ep.labels) > 1 else ''} {named}"
    if ep.packaged_default:
        out += ("; the label is not protected, so this is the packaged default, which a subscriber's org "
                "can override")
    return out


def shape_text(shape: Shape) -> str:
    out = []
    for i, piece in enumerate(shape):
        if piece == TOP and shape[i + 1:i + 2] and shape[i + 1].startswith(HOSTS):
            continue  # said by where its strings start
        if piece.startswith(HOSTS):
            out.append("<unknown: " + " or ".join(shape_text(h) + "…" for h in hinted_heads(piece)) + ">")
        elif piece == ORG:
            out.append("<org URL>")
        elif piece == ORG_HOST:
            out.append("<org host>")
        elif piece == SESSION:
            out.append("<session ID>")
        elif (own := _own_field(piece)) is not None:
            out.append(f"<field {own}>")
        elif marker_param(piece) is not None:
            out.append("<parameter>")
        elif (label := marker_label(piece)) is not None:
            out.append(f"<label {label}>")
        elif piece == SETTING:
            out.append("<configured value>")
        elif piece == RESPONSE:
            out.append("<response text>")
        elif piece.startswith("\x00"):
            out.append("<unknown>")
        else:
            out.append(piece)
    return "".join(out)


def _own_field(piece: str) -> str | None:
    """The name of the field `piece` stands for, where it is a field of the object the method
    runs on (`RECEIVER`), which is no parameter of the method."""
    found = marker_field(piece)
    return found[1] if found is not None and found[0] == RECEIVER else None


def _marker_origin(piece: str) -> str:
    """Where an endpoint starting with the unknown `piece` comes from, for messages."""
    own = _own_field(piece)
    if own is not None:
        return f"field {own} of the object the method runs on"
    label = marker_label(piece)
    if label is not None:
        return f"custom label {label}, which the package does not hold (its value is not known)"
    return "a method parameter" if marker_param(piece) is not None else "a value apexlint cannot read"


def resolve_endpoints(endpoint: Value, model: PackageModel) -> list[Endpoint]:
    """Every place the endpoint value may point to (deduplicated, sorted)."""
    if not endpoint.strings:
        return [Endpoint("unresolved", "<unknown>", why="the endpoint is never set from a value apexlint can read")]
    # what a server sent back (a redirect's Location) after where the request is sent first
    found: dict[Endpoint, bool] = {}
    for shape in endpoint.strings:
        ep = _resolve_shape(shape, model)
        found[ep] = found.get(ep, True) and shape[:1] == (RESPONSE,)
    return sorted(found, key=lambda e: (e.scope, found[e], e.url))


_PORT = lazy(r":\d{1,5}(?:[/?#]|$)")


def _resolve_shape(shape: Shape, model: PackageModel) -> Endpoint:
    if not any(p.startswith(LABEL) for p in shape):
        return _resolve_text(shape, model)
    shape, labels, host = _with_label_values(shape, model)
    found = _resolve_text(shape, model)
    return replace(found, labels=labels, packaged_default=host is not None and not host.protected) \
        if labels else found


def _with_label_values(shape: Shape, model: PackageModel) -> tuple[Shape, tuple[LabelIR, ...], LabelIR | None]:
    """`shape` with each custom label the package holds written as its packaged value; the labels
    (in order, once each), and the one whose text starts the URL (alone or after its scheme), if
    any: that one says which host the request goes to."""
    out: list[str] = []
    used: list[LabelIR] = []
    host: LabelIR | None = None
    for i, piece in enumerate(shape):
        name = marker_label(piece)
        label = model.custom_label(name) if name is not None else None
        if label is None:
            out.append(piece)
            continue
        if label not in used:
            used.append(label)
        if i == 0 or (i == 1 and shape[0].lower() in ("https://", "http://")):
            host = label
        if out and not out[-1].startswith("\x00"):
            out[-1] += label.value
        elif label.value:
            out.append(label.value)
    glued: list[str] = []
    for piece in out:  # a value between two literals: one literal
        if glued and not piece.startswith("\x00") and not glued[-1].startswith("\x00"):
            glued[-1] += piece
        else:
            glued.append(piece)
    return tuple(glued) or ("",), tuple(used), host


# `{!$Label.X}` in a page's URL (`{!$Label.ns__X}` as another namespace names it)
_PAGE_LABEL = lazy(r"\{!\s*\$Label\.([A-Za-z][A-Za-z0-9_]*)\s*\}", re.IGNORECASE)


def unknown_page_label(url: str) -> str | None:
    """The custom label a page's URL still starts with once the package's are written as their
    values (`page_url_labels`): one the package does not hold, whose value is not known."""
    found = _PAGE_LABEL.match(url.strip())
    return found.group(1) if found is not None else None


def page_url_labels(url: str, model: PackageModel) -> tuple[str, tuple[LabelIR, ...], bool]:
    """A page's or script's URL with each `{!$Label.X}` of the package written as its packaged
    value, the labels, and whether one that is not protected starts it (gives it its host)."""
    if "$label" not in url.lower():
        return url, (), False
    used: list[LabelIR] = []
    default = False

    def value(m: re.Match[str]) -> str:
        nonlocal default
        label = model.custom_label(m.group(1))
        if label is None:
            return m.group(0)
        if label not in used:
            used.append(label)
        before = url[:m.start()].strip().lower()
        if before in ("", "https://", "http://", "//") and not label.protected:
            default = True
        return label.value

    return _PAGE_LABEL.sub(value, url), tuple(used), default


def _resolve_text(shape: Shape, model: PackageModel) -> Endpoint:
    head = shape[0] if shape else ""
    text = shape_text(shape)
    if head in (ORG, ORG_HOST) or (head.lower() in ("https://", "http://") and shape[1:2] in ((ORG,), (ORG_HOST,))):
        # the org's URL, or a scheme and the org's host (`'https://' + DomainCreator
        # .getOrgMyDomainHostname()`), then a path; unless literal text goes on with the host
        rest = shape[1:] if head in (ORG, ORG_HOST) else shape[2:]
        if rest and rest[0] and (not rest[0].startswith(("\x00", "/", "?", "#", ":"))
                                 or (rest[0].startswith(":") and not _PORT.match(rest[0]))):
            # text going on with the host (`.collector.example`), or a `:` that is no port
            # (`:@collector.example`: what came before is a user name, the host is after `@`)
            return Endpoint("unresolved", text, why="the host is built at run time", api=api_after_host(text))
        path = _literal_prefix(rest)
        if path.startswith(":"):  # a port
            path = path[path.find("/"):] if "/" in path else ""
        return Endpoint("same-org", text, api=api_of_path(path))
    if head == TOP and shape[1:2] and shape[1].startswith(HOSTS):
        return Endpoint("unresolved", text, why="the endpoint is one of more URLs than apexlint keeps apart",
                        api=api_after_host(text))
    if head.startswith("\x00"):
        why = _marker_origin(head)
        if head == SETTING:
            why = "a custom setting, custom metadata or a query"
        elif head == RESPONSE:
            why = "what a server sent back (a redirect's Location header, a response body), which can name any host"
        return Endpoint("unresolved", text, why=f"the endpoint comes from {why}", api=api_after_host(text))
    lowered = head.lower()
    if lowered.startswith("callout:"):
        return _named_credential(head, shape, model)
    if lowered.startswith("/"):
        return Endpoint("same-org", text, api=api_of_path(_literal_prefix(shape)))
    if lowered.startswith(("http://", "https://")):
        host = url_host(head)
        if not host:
            domain = _fixed_domain(shape)
            if domain:  # `'https://' + tenant + '.partner.example/...'`: whatever the tenant, not the org
                return Endpoint("external", text, host=f"*.{domain}")
            return Endpoint("unresolved", text, why="the host is built at run time")
        if SALESFORCE_HOST.search(host):
            return _salesforce_endpoint(text, host, _path(head))
        return Endpoint("external", text, host=host)
    return Endpoint("unresolved", text, why="the endpoint is not a URL apexlint can read")


def _named_credential(head: str, shape: Shape, model: PackageModel) -> Endpoint:
    rest = head[len("callout:"):]
    if not rest and len(shape) > 2 and shape[1] == UNKNOWN and _own_credential(shape[2], model):
        # `'callout:' + namespacePrefix + 'NC'`: a prefix worked out at run time (from the class's
        # own name) before the name of a credential the package holds: that credential
        rest = shape[2].removeprefix("__")
        shape = (f"callout:{rest}", *shape[3:])
    elif rest.startswith("__") and _own_credential(rest, model):
        rest = rest[2:]
        shape = (f"callout:{rest}", *shape[1:])
    text = shape_text(shape)
    end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))  # `callout:NC?q=...` too
    name, path = rest[:end], rest[end + 1:] if rest[end:end + 1] == "/" else rest[end:]
    if not name and len(shape) > 1:  # `'callout:' + setting`: the admin names the credential
        which = "a custom setting, custom metadata or a query" if shape[1] == SETTING else _marker_origin(shape[1])
        return Endpoint("unresolved", text, why=f"the Named Credential is chosen at run time, from {which}")
    target = model.named_credential_endpoint(name)
    if target is None:
        return Endpoint("external", text, named_credential=name,
                        why=f"the package has no Named Credential metadata for '{name}'")
    host = url_host(target) or ""
    if (host and SALESFORCE_HOST.search(host)) or target.startswith("{!$"):
        return Endpoint("same-org", text, host=host, api=api_of_path("/" + path + _literal_prefix(shape[1:])),
                        named_credential=name)
    return Endpoint("external", text, host=host or target, named_credential=name)


def _own_credential(text: str, model: PackageModel) -> bool:
    """Whether `text`, the literal after `callout:` and a namespace prefix, names a Named Credential
    the package holds, after the prefix's `__` (`__NC/path`) or with no `__` (`NC/path`).

    A package refers to its own credential as `ns__NC` once it is installed, so code that runs in
    its packaging org and in subscribers' orgs both writes `'callout:' + prefix + 'NC'`, the prefix
    `ns__` or `''`. The value analysis does not weigh conditions, so it also sees `'' + '__'`: a
    name that starts with `__`, which no API name does (they start with a letter)."""
    rest = text.removeprefix("__")
    end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    return end > 0 and model.named_credential_endpoint(rest[:end]) is not None


_SALESFORCE_DOMAINS = ("salesforce.com", "force.com", "salesforce.mil", "cloudforce.com", "database.com",
                       "salesforce-sites.com", "site.com", "visualforce.com", "lightning.com")


def _fixed_domain(shape: Shape) -> str:
    """The domain a host built at run time ends in, when literal text fixes one that no Salesforce
    host can be in: `https://` + a tenant + `.partner.example/...` gives `partner.example`; `.com`
    or `.force.com` fix nothing of the kind (the tenant may be `acme.my.salesforce`)."""
    if len(shape) < 3 or not shape[1].startswith("\x00") or not shape[2].startswith("."):
        return ""
    domain = re.split(r"[/?#:]", shape[2][1:], maxsplit=1)[0].lower()
    if domain.count(".") < 1 or not re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", domain):
        return ""
    if SALESFORCE_HOST.search(domain) or any(d == domain or d.endswith("." + domain) for d in _SALESFORCE_DOMAINS):
        return ""
    return domain


def _literal_prefix(pieces: tuple[str, ...] | Shape) -> str:
    out = []
    for p in pieces:
        if p.startswith("\x00"):
            break
        out.append(p)
    return "".join(out)


def api_of_path(path: str) -> str:
    """Which Salesforce API a same-org URL path belongs to."""
    # `<org URL>/` + `/services/...`: a base URL's own trailing slash doubles the path's first one
    p = re.sub(r"^/{2,}", "/", path.lower().split("?")[0])
    if re.search(r"/services/data/v[0-9.]+/tooling", p) or p.startswith("/services/soap/t/"):
        return "tooling"
    if re.search(r"/services/data/v[0-9.]+/metadata", p):
        return "metadata"  # the Metadata API's REST resources (deployRequest)
    if p.startswith("/services/data/") or p.startswith("/services/async/"):
        return "data"
    if p.startswith(("/services/soap/u/", "/services/soap/c/")):
        return "soap-data"
    if p.startswith("/services/soap/m/"):
        return "metadata"
    if p.startswith("/services/soap/s/"):
        return "apex"  # the Apex SOAP API: compileClasses, runTests, executeAnonymous
    if p.startswith("/services/apexrest/"):
        return "apexrest"
    if p.startswith("/services/oauth2/"):
        return "oauth"
    return "other" if p else ""


# The APIs whose paths name an org's own services: a request to one of them with a host apexlint
# cannot read is aimed at a Salesforce org, so what it writes is judged too (SID004).
ORG_API_PATHS = frozenset({"tooling", "metadata", "data", "soap-data", "apex"})


def api_after_host(text: str) -> str:
    """The API the path of a URL whose host is unknown names: from its `/services/` on ("" for
    none): `{!orgUri}/services/Soap/m/31.0` is the Metadata API of whatever org that is."""
    at = text.lower().find("/services/")
    return api_of_path(text[at:]) if at >= 0 else ""


def query_carries(endpoint: Value, source_id: str) -> bool:
    """The session itself is part of the URL (query string or path), not a header or body."""
    return source_id in endpoint.deep_taint()


@frozen
class CalloutUse:
    """One session source reaching one callout: where it goes and where in the request it sits."""

    endpoints: tuple[Endpoint, ...]
    parts: tuple[str, ...]  # "URL", "header 'authorization'", "body", "SOAP session header"
    in_url: bool
    methods: tuple[str, ...]  # HTTP methods, when set from literals
    operation: str  # SOAP operation (WSDL2Apex stubs), "" otherwise
    metadata_write: bool  # a Metadata API write or a Tooling API create/update/delete
    metadata_types: tuple[str, ...]  # metadata types the write names, when readable
    full_names: tuple[str, ...] = ()  # metadata full names the write names, when readable
    runs_apex: bool = False  # anonymous Apex (`executeAnonymous`): any code, run as the session's user


_WRITE_METHODS = ("post", "patch", "put", "delete")
_CREDENTIAL_MERGE_FIELD = "{!$credential."
_XSI_TYPE = lazy(r"xsi:type\s*=\s*[\"'](?:[A-Za-z0-9_]+:)?([A-Za-z0-9_]+)[\"']")
_FULL_NAME = lazy(r"<(?:[A-Za-z0-9_]+:)?(?:fullName|fullNames|oldFullName|newFullName)>([^<]{1,255})</")
# deleteMetadata / renameMetadata name their type in an element, not in xsi:type
_TYPE_ELEMENT = lazy(r"<(?:[A-Za-z0-9_]+:)?(?:type|metadataType)>\s*([A-Za-z][A-Za-z0-9_]{0,79})\s*</")
_TYPE_NAME = lazy(r"[A-Za-z][A-Za-z0-9_]{0,79}")
_TOOLING_TYPE = lazy(r"/tooling/sobjects/([A-Za-z0-9_]+)", re.I)
# Tooling REST resources a POST calls without writing metadata: tests run, anonymous Apex, queries.
# An `ApexTestQueueItem` record is a test class queued to run (what runTestsAsynchronous does; the
# data API writes the same object): a run, not a change of the org's metadata.
_TOOLING_NOT_WRITES = lazy(
    r"/tooling/(?:runTestsSynchronous|runTestsAsynchronous|executeAnonymous|query|queryAll|search|completions"
    r"|sobjects/ApexTestQueueItem)\b",
    re.I)
# A Tooling composite request (`/tooling/composite`, `/batch`, `/sobjects`, `/tree`): its body
# names the sObjects written, in each subrequest's URL or each record's attributes.
_TOOLING_COMPOSITE = lazy(r"/tooling/composite\b", re.I)
_SUBREQUEST_READS = lazy(
    r'"method"\s*:\s*"GET"\s*,\s*"url"\s*:\s*"[^"]*?/tooling/sobjects/([A-Za-z0-9_]+)'
    r'|"url"\s*:\s*"[^"]*?/tooling/sobjects/([A-Za-z0-9_]+)[^"]*"\s*,\s*"method"\s*:\s*"GET"', re.I)
_RECORD_TYPE = lazy(r'"attributes"\s*:\s*\{\s*"type"\s*:\s*"([A-Za-z][A-Za-z0-9_]{0,79})"')
# Anonymous Apex: the Tooling REST resource (`GET .../tooling/executeAnonymous/?anonymousBody=`),
# and the `executeAnonymous` operation of the Apex and Tooling SOAP APIs (a port's, or an envelope's).
ANONYMOUS_APEX_RESOURCE = lazy(r"/tooling/executeAnonymous\b", re.I)
_ANONYMOUS_APEX_ELEMENT = re.compile(r"<(?:[A-Za-z0-9_]+:)?executeAnonymous[\s>]")
# The Metadata API's reads, as a SOAP envelope's body element or a SOAPAction names them.
METADATA_READ_OPERATIONS = frozenset({
    "listmetadata", "readmetadata", "describemetadata", "describevaluetype", "retrieve", "checkretrievestatus",
    "checkdeploystatus", "checkstatus"})
_METADATA_READ_ELEMENT = lazy(
    r"<(?:[A-Za-z0-9_]+:)?(?:listMetadata|readMetadata|describeMetadata|describeValueType|retrieve"
    r"|checkRetrieveStatus|checkDeployStatus|checkStatus)[\s>]")
_DATA_TYPE = lazy(r"/services/data/v[0-9.]+/sobjects/([A-Za-z0-9_]+)", re.I)


def classify_callout(value: Value, source_id: str, model: PackageModel,
                     detail: tuple[tuple[str, str], ...] = ()) -> CalloutUse:
    facets = value.facets
    endpoint = facets.get("endpoint", Value())
    endpoints = tuple(resolve_endpoints(endpoint, model))
    carriers = [name for name in sorted(facets) if source_id in facets[name].deep_taint()]
    if carriers and "endpoint" not in carriers and all(_holds_credential(facets[n]) for n in carriers):
        # Every part carrying the session can also hold a Named Credential merge field, which the
        # platform fills in only for a `callout:` endpoint: the code switches the session for the
        # credential's token where it calls a Named Credential (DLRS's createService), so the
        # session goes to the other endpoints only. The analysis joins branches, so without this
        # it would pair the session with the credential's endpoint too.
        endpoints = tuple(ep for ep in endpoints if not ep.url.lower().startswith("callout:"))
    parts: list[str] = []
    for name in carriers:
        if name == "endpoint":
            parts.append("URL")
        elif name == "header:soap":
            parts.append("SOAP session header")
        elif name.startswith("header:"):
            parts.append(f"header '{name[7:]}'")
        elif name == "body":
            parts.append("body")
    if not parts:
        parts.append("request")
    methods = tuple(sorted({"".join(s).upper() for s in facets.get("method", Value()).strings
                            if s and not any(p.startswith("\x00") for p in s)}))
    details = dict(detail)
    operation = details.get("operation", "")
    body_text = " ".join(_literal_text(s) for s in sorted(facets.get("body", Value()).strings))
    write, types, written_op = _metadata_write(endpoints, methods, operation, body_text)
    # a raw SOAP envelope names its operation in the body; a Tooling port's, without WSDL2Apex's `_x`
    operation = written_op or operation
    names = _written_names(facets.get("body", Value())) if write else ()
    if details.get("metadataTypes") or (operation and write):
        # a port call: the wrapper classes it was given, where the call is, and (through a helper
        # taking the base `Metadata`) what its callers passed
        passed = {model.classes[t].display.rpartition(".")[2] for t in facets.get("body", Value()).types
                  if _metadata_class(model, t)} if operation.lower() != "deploy" else set()
        found = set(types) | set(filter(None, details.get("metadataTypes", "").split(","))) | passed
        # a type name the port method was given through a parameter, as its callers wrote it
        found.update(t for s in facets.get("metadatatype", Value()).strings
                     if _TYPE_NAME.fullmatch(t := "".join(s)))
        # the base class alone names no type: "whose metadata type apexlint could not determine"
        types = tuple(sorted(found - _BASE_TYPES))
    if details.get("fullNames"):
        names = tuple(sorted(set(names) | set(details["fullNames"].split(","))))
    # the full names a port call was given (`deleteMetadata(type, fullNames)`), as its callers wrote them
    given = {n for s in facets.get("fullnames", Value()).strings if (n := full_name(s, model.namespace))}
    if write and given:
        names = tuple(sorted(set(names) | given))
    return CalloutUse(endpoints, tuple(parts), "URL" in parts, methods, operation, write, types, names,
                      runs_anonymous_apex(endpoints, operation, body_text))


def full_name(shape: tuple[str, ...], namespace: str) -> str:
    """A metadata full name as far as its text is known: the literal; or, when it starts with the
    package's namespace, that start and `*` (`'acme__Config__mdt.' + name` is some record of
    the package's own type); else "" (a name built at run time, owner unknown)."""
    if not shape or shape[0].startswith("\x00"):
        return ""
    if len(shape) == 1:
        return shape[0]
    start = shape[0].lower()
    return shape[0] + "*" if namespace and start.startswith((namespace.lower() + "__", namespace.lower() + ".")) else ""


def runs_anonymous_apex(endpoints: tuple[Endpoint, ...], operation: str, body: str) -> bool:
    """Whether the request runs anonymous Apex: code of the caller's choosing, compiled outside the
    package's namespace and run as the session's user. A GET to the Tooling resource is no read."""
    if operation.lower() == "executeanonymous":  # a WSDL2Apex port of the Apex or Tooling API
        return True
    in_body = _ANONYMOUS_APEX_ELEMENT.search(body) is not None  # a raw SOAP envelope's operation
    return any((ep.api == "tooling" and ANONYMOUS_APEX_RESOURCE.search(ep.url) is not None)
               or (in_body and ep.api in ("apex", "tooling")) for ep in endpoints)


def _metadata_class(model: PackageModel, cls: str) -> bool:
    """A WSDL2Apex metadata type: an inner class that is, or extends, the service's `Metadata`."""
    info = model.classes.get(cls)
    return info is not None and info.outer is not None and any(
        c.rpartition(".")[2] == "metadata" for c in model.superclass_chain(cls))


def _envelope_types(body: str) -> tuple[str, ...]:
    """The metadata types a SOAP write names: each written component's `xsi:type`; only where there
    is none (deleteMetadata, renameMetadata), a `<type>` element. A component's own `<type>`
    (a custom field's `Text`) is one of its fields, not what is written."""
    typed = set(_XSI_TYPE.findall(body))
    return tuple(sorted(typed or set(_TYPE_ELEMENT.findall(body))))


# WSDL2Apex's base class of every metadata type: named where a helper takes any metadata, not a
# type anything writes when the callers' concrete types are known
_BASE_TYPES = frozenset({"Metadata"})


def _holds_credential(part: Value) -> bool:
    """Whether one of the part's values is, or holds, a `{!$Credential.…}` merge field."""
    return any(_CREDENTIAL_MERGE_FIELD in _literal_text(shape).lower() for shape in part.strings)


def _composite_types(body: str) -> set[str]:
    """The sObjects a Tooling composite request's readable body writes: its subrequests' URLs
    (`"url": "/services/data/v59.0/tooling/sobjects/RemoteProxy"`) but those only read (`"method":
    "GET"`), and the records of an sObject collection (`"attributes": {"type": "RemoteProxy"}`)."""
    named = _TOOLING_TYPE.findall(body)
    written = Counter(t.lower() for t in named) - Counter(
        t.lower() for m in _SUBREQUEST_READS.finditer(body) for t in m.groups() if t)
    return {t for t in named if written[t.lower()] > 0} | set(_RECORD_TYPE.findall(body))


def _literal_text(shape: Shape) -> str:
    """The literal pieces of a value's shape, without its markers (sessions, parameters...)."""
    return "".join(p for p in shape if not p.startswith("\x00"))


def _written_names(body: Value) -> tuple[str, ...]:
    """The full names a raw envelope's `<fullName>` elements give in full. One built at run time
    (`<fullNames>` + an object's name + '.' + a field's) is not known: its literal text alone
    (`.`) names no component."""
    names = {n for shape in body.strings
             for n in _FULL_NAME.findall("".join("\x00" if p.startswith("\x00") else p for p in shape))}
    return tuple(sorted(n for n in names if "\x00" not in n))


def _metadata_write(endpoints: tuple[Endpoint, ...], methods: tuple[str, ...], operation: str,
                    body: str) -> tuple[bool, tuple[str, ...], str]:
    """Whether the callout writes metadata, the types written, and the SOAP operation named in
    a raw envelope's body (`<createMetadata ...>`, as written there)."""
    lowered = body.lower()
    for ep in endpoints:
        if ep.api == "tooling" and operation.lower().removesuffix("_x") in TOOLING_SOAP_WRITES:
            # a Tooling SOAP port's create/update/upsert/delete: sObjects of any type
            return True, (), operation[:-2] if operation.lower().endswith("_x") else operation
        if ep.api == "metadata" or operation:
            in_body = "" if operation else next((w for w in METADATA_WRITE_OPERATIONS if w in lowered), "")
            op = operation.lower() or in_body
            if op in METADATA_WRITE_OPERATIONS or (
                    ep.api == "metadata" and op.removesuffix("_x") in OLD_METADATA_WRITES):
                start = lowered.find(in_body) if in_body else -1
                named = body[start:start + len(in_body)] if start >= 0 else ""
                return True, _envelope_types(body), named
        if ep.api == "tooling" and any(m.lower() in _WRITE_METHODS for m in methods) and not all(
                _TOOLING_NOT_WRITES.search(e.url) for e in endpoints if e.api == "tooling"):
            # every endpoint's sObject: a helper its callers use for RemoteProxy and ApexClass
            # writes both; a POST that runs tests or anonymous Apex writes no metadata
            composite = any(_TOOLING_COMPOSITE.search(e.url) for e in endpoints if e.api == "tooling")
            return True, tuple(sorted({t for e in endpoints if e.api == "tooling"
                                       for t in _TOOLING_TYPE.findall(e.url)}
                                      | (_composite_types(body) if composite else set()))), ""
        if ep.api == "metadata" and any(m.lower() in _WRITE_METHODS for m in methods) and not (
                operation.lower() in METADATA_READ_OPERATIONS or _METADATA_READ_ELEMENT.search(body)):
            # POST deployRequest: a deployment through the REST Metadata API; a SOAP envelope
            # (always a POST) that names no write is one unless it names a read (listMetadata)
            return True, (), ""
        if ep.api == "data" and any(m.lower() in _WRITE_METHODS for m in methods):
            # setup objects the REST data API writes too (`/sobjects/AuthProvider`): the same
            # change as through the Metadata or Tooling API; records of other objects are data
            setup = [t for e in endpoints if e.api == "data" for t in _DATA_TYPE.findall(e.url)
                     if is_prohibited_type(t) or t.lower() in CODE_SOBJECTS]
            if setup:
                return True, tuple(sorted(set(setup))), ""
    return False, (), ""


def url_host(url: str) -> str | None:
    """The host of a URL, or None when the text is not a parseable URL (any text can arrive here)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def classify_url(url: str, org_hosts: frozenset[str] = frozenset()) -> Endpoint:
    """A URL written in markup or JavaScript: relative is the org, a literal host is external.

    Besides literal URLs, two run-time prefixes are known to stay in the org: the browser's own
    location (`{window.location.origin}/services/...`, as JavaScript flow writes it) and the
    Visualforce globals that render the org's URLs (`{!URLFOR(...)}`, `{!$Page.X}`,
    `{!$Api.Partner_Server_URL_590}`). A `postMessage` target origin of `*` is any window.
    `org_hosts`: controller properties (lower case) known to render the org's own hostname, for
    `https://{!Host}/services/...` (`merge_field_host`).
    """
    text = url.strip()
    lowered = text.lower()
    if text == "*":
        return Endpoint("external", text, host="any origin ('*')")
    host_field = _MERGE_FIELD_HOST.match(_own_scheme(text)) if org_hosts else None
    if host_field is not None and host_field.group(1).lower() in org_hosts:
        rest = _own_scheme(text)[host_field.end():]
        return Endpoint("same-org", text, api=api_of_path(_path("https://_" + rest)))
    if lowered.startswith("//") or _SCHEME.match(lowered):
        return _absolute_url(text)
    if lowered.startswith("/") or not lowered:
        return Endpoint("same-org", text, api=api_of_path(text))
    if lowered.startswith("{"):
        return _runtime_url(text)
    if lowered.startswith("<"):
        return Endpoint("unresolved", text, why="the URL is built at run time", api=api_after_host(text))
    if lowered.startswith(("javascript:", "mailto:", "#")):
        return Endpoint("same-org", text)
    return Endpoint("same-org", text, api=api_of_path("/" + text))


# `https://{!Host}/...`: a URL whose host is a page's controller property (what it renders is
# up to the controller: `CheckContext.url_endpoint` asks the data flow)
_MERGE_FIELD_HOST = re.compile(r"^(?:https?:)?//\{!\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}(?=$|[/?#:])", re.IGNORECASE)


def merge_field_host(url: str) -> str | None:
    """The controller property (lower case) a URL takes its host from: `Host` in
    `https://{!Host}/services/Soap/m/31.0` (or `{window.location.protocol}//{!Host}/...`, the
    page's own scheme); None for any other URL."""
    match = _MERGE_FIELD_HOST.match(_own_scheme(url.strip()))
    return match.group(1).lower() if match is not None else None


# The page's own scheme (`window.location.protocol`, as the JavaScript flow writes it) before `//`.
_OWN_SCHEME = re.compile(r"^\{(?:(?:window|document|self|top|parent)\.)*location\.protocol\}(?=//)", re.IGNORECASE)


def _own_scheme(text: str) -> str:
    """`text` with a leading `{location.protocol}` written as `https:`: what comes after `//` is
    the host whatever the page's scheme is."""
    match = _OWN_SCHEME.match(text)
    return "https:" + text[match.end():] if match is not None else text


# A URL that starts with one controller property (`{!frameUrl}&sid=...`, `{!JSENCODE(mdUrl)}`).
_PROPERTY_PREFIX = re.compile(
    r"^\{!\s*(?:(?:JSENCODE|URLENCODE|HTMLENCODE)\s*\(\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*\}", re.IGNORECASE)


def merge_field_prefix(url: str) -> tuple[str, str] | None:
    """The controller property (lower case) a URL starts with, and the rest of the URL."""
    match = _PROPERTY_PREFIX.match(url.strip())
    return (match.group(1).lower(), url.strip()[match.end():]) if match is not None else None


def page_host_properties(model: PackageModel) -> frozenset[tuple[str, str]]:
    """(class, property) pairs that session-carrying page requests take their host, or their
    whole URL, from (`https://{!Host}/...`, `{!frameUrl}&sid=...`): what the data flow must know
    to tell where the request goes. A property with no field of its own is its `getX()`'s class."""
    out = set()
    for use in model.url_uses:
        if not use.sources:
            continue
        prop = merge_field_host(use.url) or (prefix[0] if (prefix := merge_field_prefix(use.url)) else None)
        if prop is None:
            continue
        member = model.page_member(use.path, prop)
        if member is not None:
            getters, key = member
            out.add(key if key is not None else (getters[0].owner, prop))
    return frozenset(out)


def page_request(endpoint: Endpoint, body: str, method: str = "") -> CalloutUse:
    """A page's request (XHR, fetch, a jsforce call) to `endpoint` sending `body` with HTTP
    `method` (when known), read as `classify_callout` reads an Apex callout: whether it writes
    metadata, of which types and names."""
    methods = (method,) if method else ()
    write, types, operation = _metadata_write((endpoint,), methods, "", body)
    names = tuple(sorted(set(_FULL_NAME.findall(body)))) if write else ()
    return CalloutUse((endpoint,), ("body",), False, methods, operation, write, types, names,
                      runs_anonymous_apex((endpoint,), "", body))


# Any URL with a scheme and an authority: http(s), but also ws(s) sockets and the like.
_SCHEME = lazy(r"^[a-z][a-z0-9+.-]*://")


def _absolute_url(text: str) -> Endpoint:
    host = url_host(text if not text.startswith("//") else "https:" + text)
    if host and "{" in host and _BROWSER_ORIGIN.match(text) is not None:
        return _runtime_url(text)  # `'https://' + window.location.hostname + '/cometd/…'`: the page's own host
    if not host or "{" in host:
        return Endpoint("unresolved", text, why="the host is built at run time", api=api_after_host(text))
    if SALESFORCE_HOST.search(host):
        return _salesforce_endpoint(text, host, _path(text))
    return Endpoint("external", text, host=host)


# `{window.location.origin}`, `{location.protocol}//{location.hostname}:{location.port}`...: the
# browser's own location, as the JavaScript flow names it in URL texts.
_LOCATION = r"\{(?:(?:window|document|self|top|parent)\.)*location%s\}"
_BROWSER_ORIGIN = lazy(
    r"^(?:(?:" + _LOCATION % r"\.protocol" + r"|https?:)?//)?"
    + _LOCATION % r"(?:\.(?:origin|host|hostname|href))?"
    + r"(?::(?:" + _LOCATION % r"\.port" + r"|\d+))?(?P<path>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PROTOCOL_THEN_HOST = lazy((_LOCATION % r"\.protocol") + r"(?=//[^{/])", re.IGNORECASE)
# Visualforce globals and functions that render a URL of the org itself. The API server URLs
# come in custom buttons' and links' form too, `{!API.Partner_Server_URL_300}` without the `$`
# (as `{!API.Session_ID}` does: `read/merge_fields.py`).
_ORG_MERGE_FIELD = lazy(
    r"^\{!\s*(?:(?:LEFT|SUBSTITUTE|MID|TRIM)\s*\(\s*)?(?:URLFOR\s*\(|\$(?:Page|Resource|Site|Action)\.|"
    r"\$?Api\.(?:Partner|Enterprise|Metadata|Apex)_Server_URL_\d+)",
    re.IGNORECASE,
)


def _runtime_url(text: str) -> Endpoint:
    """A URL that starts with a value known only at run time (a JS value or a merge field)."""
    protocol = _PROTOCOL_THEN_HOST.match(text)
    if protocol is not None:
        return replace(_absolute_url("https:" + text[protocol.end():]), url=text)
    origin = _BROWSER_ORIGIN.match(text)
    if origin is not None:
        path = origin.group("path")
        return Endpoint("same-org", text, api=api_of_path(path if path.startswith("/") else "/" + path))
    if _ORG_MERGE_FIELD.match(text):
        close = text.find("}")
        return Endpoint("same-org", text, api=api_of_path(text[close + 1:] if close >= 0 else ""))
    return Endpoint("unresolved", text, why="the URL is built at run time", api=api_after_host(text))
