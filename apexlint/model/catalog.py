"""What apexlint knows about the Salesforce platform's Apex APIs, as data.

Sources, sinks, propagators and async entry points live here as tables the analyses read, so a
new API is one line here, not logic spread through the rules. All names are lower case
(Apex is case-insensitive) and `System.` is stripped from system class names.
"""

from __future__ import annotations

# Interfaces whose methods the platform runs asynchronously, where UserInfo.getSessionId()
# returns null (always for the Automated Process user), and the methods it calls.
ASYNC_INTERFACES: dict[str, tuple[str, ...]] = {
    "database.batchable": ("start", "execute", "finish"),
    "queueable": ("execute",),
    "schedulable": ("execute",),
    "finalizer": ("execute",),
}
ASYNC_ANNOTATIONS = frozenset({"future"})
# Objects whose triggers the event bus runs asynchronously, as the Automated Process user (no
# session): platform events (`Order_Event__e`) and Change Data Capture events, standard
# (`AccountChangeEvent`) and custom (`Invoice__ChangeEvent`). By the name's ending: what a
# trigger on such an object is, in the words of the SID001 message.
ASYNC_TRIGGER_OBJECTS = (("__e", "platform event"), ("changeevent", "change event"))


def async_trigger_event(sobject: str) -> str:
    """"platform event", "change event", or "" for a trigger the saving user's request runs."""
    return next((what for ending, what in ASYNC_TRIGGER_OBJECTS if sobject.lower().endswith(ending)), "")

# Methods whose return value reaches client code (Lightning, Visualforce remoting, SOAP, REST).
CLIENT_ANNOTATIONS = frozenset({"auraenabled", "remoteaction"})
REST_METHOD_ANNOTATIONS = frozenset({"httpget", "httppost", "httpput", "httppatch", "httpdelete"})
CLIENT_MODIFIERS = frozenset({"webservice"})
# Methods whose arguments come from outside the package's own code: clients, REST, flows,
# subscriber code (with `global`/`webservice`, CLIENT_MODIFIERS and "global" in modifiers).
OUTSIDE_ARGUMENT_ANNOTATIONS = CLIENT_ANNOTATIONS | REST_METHOD_ANNOTATIONS | {"invocablemethod"}

# Apex REST: the response the platform sends the caller of /services/apexrest/... (`RestContext.response`,
# a `RestResponse` as declared, `System.` stripped). A `void` handler returns its JSON this way: what
# is written to its body or headers reaches the client as a returned value does.
REST_RESPONSE_TYPES = frozenset({"restresponse"})
REST_RESPONSE_PARTS = frozenset({"responsebody", "headers"})
REST_RESPONSE_WRITERS = frozenset({"addheader"})

TEST_ANNOTATIONS = frozenset({"istest", "testsetup"})

# Static calls that evaluate to the org's own URL: callouts to it are same-org, not exports.
ORG_URL_CALLS = frozenset({
    ("url", "getorgdomainurl"), ("url", "getsalesforcebaseurl"), ("url", "getcurrentrequesturl"),
    ("system", "url.getorgdomainurl"),
})


# Static calls that evaluate to a URL of one of the org's Experience Cloud sites (`Site.getBaseUrl()`
# returns `https://acme.my.site.com/portal`; null outside a site): the site is served by this org,
# and its `/services/data/...` is this org's API, so a callout there is same-org too (SID010).
ORG_SITE_URL_CALLS = frozenset({
    ("site", "getbaseurl"), ("site", "getbasesecureurl"), ("site", "getbaseinsecureurl"),
    ("site", "getbaserequesturl"), ("site", "getbasecustomurl"),
    ("network", "getloginurl"), ("network", "getlogouturl"), ("network", "getselfregurl"),
})


def is_org_host_call(system: tuple[str, str]) -> bool:
    """`DomainCreator.getOrgMyDomainHostname()` and the class's other `get...Hostname()` methods:
    each returns a hostname of the org itself (My Domain, Lightning, Visualforce, content, sites),
    which Salesforce's packaging guide tells packages to build full URLs from. `Site.getDomain()`:
    the host of the org's site the request came in on."""
    cls, name = system
    return (cls == "domaincreator" and name.startswith("get") and name.endswith("hostname")) or \
        system == ("site", "getdomain")

# Calls whose result carries whatever session its receiver or arguments carried.
PROPAGATING_STATIC = frozenset({
    ("string", "format"), ("string", "join"), ("string", "valueof"), ("string", "escapesinglequotes"),
    ("string", "fromcharArray"), ("json", "serialize"), ("json", "serializepretty"), ("blob", "valueof"),
    ("encodingutil", "urlencode"), ("encodingutil", "base64encode"), ("encodingutil", "converttohex"),
    ("encodingutil", "urldecode"), ("crypto", "encrypt"), ("crypto", "encryptwithmanagediv"),
})
PROPAGATING_STATIC_CLASSES = frozenset({"string", "encodingutil", "json", "blob"})
# System calls that return a handle or a status, not text derived from what they are given: a job
# Id, a save, delete or merge result (their arguments' sessions are the job's or the record's).
HANDLE_RESULTS = frozenset({
    ("system", "schedule"), ("system", "schedulebatch"), ("system", "enqueuejob"), ("system", "abortjob"),
    ("database", "executebatch"), ("database", "delete"), ("database", "deleteasync"),
    ("database", "deleteimmediate"), ("database", "undelete"), ("database", "merge"),
    ("database", "convertlead"), ("database", "emptyrecyclebin"), ("database", "setsavepoint"),
})

# String/Blob/Object instance methods that return the receiver's text, transformed.
STRING_METHODS = frozenset({
    "trim", "substring", "substringafter", "substringbefore", "substringbetween", "replace", "replaceall",
    "replacefirst", "tolowercase", "touppercase", "left", "right", "mid", "abbreviate", "escapehtml4",
    "escapeecmascript", "escapexml", "escapecsv", "escapejava", "escapeunicode", "escapesinglequotes",
    "unescapehtml4", "tostring", "split", "remove", "removeend", "removestart", "normalizespace",
    "deletewhitespace", "strip", "reverse", "capitalize", "leftpad", "rightpad", "repeat", "toexternalform",
    "format", "append", "join", "valueof", "getbody", "clone",
})

# HttpRequest mutators: which part of the request each one fills.
HTTP_REQUEST_SETTERS: dict[str, str] = {
    "setendpoint": "endpoint",
    "setheader": "header",
    "setbody": "body",
    "setbodyasblob": "body",
    "setbodydocument": "body",
    "setmethod": "method",
}
HTTP_REQUEST_TYPES = frozenset({"httprequest", "system.httprequest"})
# What a request's getters return: the part its setter put (`getHeader(name)`: that header);
# `toString()` (also what `System.debug(req)` prints) shows the endpoint and method, not the
# headers or body: `System.HttpRequest[Endpoint=..., Method=POST]`.
HTTP_REQUEST_GETTERS: dict[str, str] = {
    "getbody": "body",
    "getbodyasblob": "body",
    "getbodydocument": "body",
    "getendpoint": "endpoint",
    "getheader": "header",
    "getmethod": "method",
    "tostring": "endpoint",
}
HTTP_TYPES = frozenset({"http", "system.http"})
# What a response says is the server's text: a redirect's `Location` can name any host.
HTTP_RESPONSE_TYPES = frozenset({"httpresponse", "system.httpresponse"})
HTTP_RESPONSE_TEXT = frozenset({"getheader", "getbody"})
CONTINUATION_TYPES = frozenset({"continuation", "system.continuation"})

COLLECTION_TYPES = frozenset({"list", "set", "map"})
COLLECTION_WRITERS = frozenset({"add", "addall", "put", "putall", "set"})
COLLECTION_READERS = frozenset({"get", "values", "keyset", "remove", "clone", "iterator", "next"})


def is_record_type(name: str) -> bool:
    """`SObject`, `Account`, `Foo__c`, `Schema.Contact` (lower case, as declared): a record, whose
    `put(field, value)` sets a field as `record.Field = value` does. Apex has no other undotted
    type with a two-argument `put` than `Map` (cache partitions and page parameters are dotted or
    told apart before), so an undotted type that is not a collection, `Object` or unknown (`?`) is
    a standard or custom object; the caller rules out the package's own classes."""
    name = name.removeprefix("schema.")
    return "." not in name and name not in COLLECTION_TYPES and name not in ("?", "object", "string")


# Where a session ID is written somewhere it outlives the request (SID003).
LOG_STATIC = frozenset({("system", "debug")})
LOGGER_METHODS = frozenset({
    "log", "debug", "info", "warn", "warning", "error", "fine", "finer", "finest", "trace", "fatal",
})
LOGGER_CLASS_SUFFIXES = ("log", "logger", "logging")
# Words that end like a log and are not one: `ProductCatalog`, `ConfirmDialog`.
NOT_LOGGER_WORDS = ("catalog", "dialog", "backlog", "blog", "analog")
PLATFORM_CACHE_TYPES = frozenset({
    "cache.org", "cache.session", "cache.orgpartition", "cache.sessionpartition", "cache.partition",
})
PLATFORM_CACHE_WRITERS = frozenset({"put"})
DML_STATIC = frozenset({
    ("database", "insert"), ("database", "update"), ("database", "upsert"), ("database", "insertimmediate"),
    ("database", "insertasync"), ("database", "updateimmediate"), ("database", "updateasync"),
})
EVENT_PUBLISH = frozenset({("eventbus", "publish")})
COOKIE_TYPES = frozenset({"cookie", "system.cookie"})

# Outbound e-mail (SID002): what a message's setters are given (body, subject, an attachment's
# body) goes out with it when `Messaging.sendEmail` sends it, to mailboxes outside Salesforce.
EMAIL_PART_TYPES = frozenset({
    f"{prefix}{name}" for prefix in ("", "messaging.")
    for name in ("singleemailmessage", "massemailmessage", "emailfileattachment")
})
EMAIL_SEND = frozenset({("messaging", "sendemail")})

# One-way functions: what they give cannot give the session back (a digest, a MAC, a signature).
ONE_WAY = frozenset({("crypto", name) for name in ("generatedigest", "generatemac", "sign", "signwithcertificate")})

# Calls that hand a value to code apexlint cannot see (no verdict from the package itself).
DYNAMIC_DISPATCH = frozenset({("type", "forname"), ("callable", "call")})

# SOAP callouts generated by WSDL2Apex go through this call; its 4th argument is
# {endpoint, soapAction, namespace, operation, ...}.
SOAP_INVOKE = ("webservicecallout", "invoke")

# Custom settings and custom metadata: configuration the subscriber controls, unknown to apexlint.
SETTING_SUFFIXES = ("__c", "__mdt")
SETTING_READERS = frozenset({"getorgdefaults", "getinstance", "getvalues", "getall"})

# PageReference methods that render the page server-side and hand its output to Apex.
PAGE_CONTENT_CALLS = frozenset({"getcontent", "getcontentaspdf"})

# Types whose values cannot hold a session ID (an Id is validated; numbers, dates, flags are not text).
NON_CARRIER_TYPES = frozenset({
    "integer", "long", "decimal", "double", "boolean", "date", "datetime", "time", "id", "void",
    "schema.sobjecttype", "schema.sobjectfield", "system.type", "type", "savepoint", "loggingLevel",
})

def is_static_system_call(system: tuple[str, str]) -> bool:
    """A static call of a system class this catalogue knows (`URL.getOrgDomainUrl()`,
    `JSON.serialize(x)`, `System.debug(x)`...): Apex takes `Url.getOrgDomainUrl()` for the class's
    even where a variable named `url` is in scope (`String url = '' + Url.getOrgDomainUrl()...`)."""
    return system in ORG_URL_CALLS or system in ORG_SITE_URL_CALLS or is_org_host_call(system) \
        or system in PROPAGATING_STATIC or system in LOG_STATIC or system in DML_STATIC or system in EVENT_PUBLISH


# System methods that answer a question about their text (a length, a position, a yes or no): what
# they return is never the text, so never a session. Also any system method named `is...`.
NON_TEXT_METHODS = frozenset({
    "length", "size", "indexof", "indexofignorecase", "lastindexof", "lastindexofignorecase", "indexofany",
    "indexofanybut", "indexofchar", "indexofdifference", "countmatches", "compareto", "hashcode", "equals",
    "equalsignorecase", "contains", "containsignorecase", "containsany", "containsnone", "containsonly",
    "containswhitespace", "startswith", "startswithignorecase", "endswith", "endswithignorecase", "charat",
    "codepointat", "getlevenshteindistance",
})
# Methods that keep the start of their receiver's text and cut its end at a `/` (their argument
# starts with one): of the org's URL, they leave the org's URL (`base.removeEnd('/')`,
# `url.substringBefore('/services')`). Cut anywhere else (`left(5)`, `substringBefore('://')`)
# the host may be gone, and what is added after it decides.
PATH_CUTTING_METHODS = frozenset({"removeend", "removeendignorecase", "substringbefore", "substringbeforelast"})
# ...and those that only trim white space.
TRIMMING_METHODS = frozenset({"trim", "strip", "normalizespace", "deletewhitespace"})


# Apex namespaces of the platform itself; a dotted class name in any other namespace belongs to
# another package, so a session handed to it leaves code apexlint can read.
PLATFORM_NAMESPACES = frozenset({
    "system", "schema", "database", "cache", "auth", "connectapi", "dom", "eventbus", "flow", "messaging",
    "process", "quickaction", "reports", "search", "site", "support", "territorymgmt", "txnsecurity",
    "userprovisioning", "wave", "commercepayments", "invocable", "functions", "datasource", "canvas",
    "metadata", "kbmanagement", "lxscheduler", "slack", "sfc", "pref_center", "datacloud", "externalservice",
    "appointmentscheduling", "commerce", "dataweave", "formula", "richmessaging", "componentmetadata",
})


def is_external_class(name: str) -> bool:
    """`partnerns.Bridge` (another package's class), not `Database.QueryLocator` or `String`."""
    if "." not in name or name.startswith("?"):
        return False
    return name.split(".", 1)[0] not in PLATFORM_NAMESPACES


SYSTEM_NAMESPACE = "system"


def strip_system(name: str) -> str:
    """`system.url` -> `url`: System classes are reachable with and without the prefix."""
    return name[7:] if name.startswith("system.") else name


# Page JavaScript that writes records (lower/js_sinks.py): the AJAX Toolkit's DML calls and
# Visualforce Remote Objects' (`new RemoteObjectModel.X({...}).create()`). A session in a record
# they write is stored in the org's data for anyone who can read the record (SID003), whatever
# session authenticates the call itself.
PAGE_RECORD_WRITES = frozenset({
    "sforce.connection.create", "sforce.connection.update", "sforce.connection.upsert",
    "RemoteObjectModel.create", "RemoteObjectModel.update", "RemoteObjectModel.upsert",
})
# The browser's own logs and storage (SID003): the console, which extensions, injected scripts
# and error collectors read; storage and cookies, which outlive the page and every script of the
# origin reads.
PAGE_CONSOLE_METHODS = frozenset({"log", "info", "debug", "warn", "error", "trace", "dir", "table"})
PAGE_LOGS = frozenset(f"console.{m}" for m in PAGE_CONSOLE_METHODS)
PAGE_STORAGE = frozenset({"localStorage", "sessionStorage", "document.cookie"})
# every page sink that keeps or logs what it is given, rather than sending it somewhere
# A workflow field update's formula, saved into the record (lower/metadata.py).
METADATA_RECORD_WRITES = frozenset({"workflow field update"})
PAGE_KEEPS = PAGE_RECORD_WRITES | PAGE_LOGS | PAGE_STORAGE | METADATA_RECORD_WRITES
# A flow's e-mail action, which mails its body and subject to its recipients (lower/metadata.py).
METADATA_EMAILS = frozenset({"flow e-mail action"})
# Visualforce command components: they post the page's form back to the page's own controller.
PAGE_POSTBACKS = frozenset({"apex:commandLink", "apex:commandButton"})
