"""Session-ID flows planted in generated Apex, and the package-wide classes they run through.

Each plant is one method in a domain class that reads `UserInfo.getSessionId()` and sends it
somewhere: to this org's REST API (supported), across two classes to a partner host (export), to the
logging framework, into a URL, back to the browser, or into async Apex. The line of every source and
the rules expected there go into the generator's manifest, so a scan can be checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass

# kind -> (role of the class that hosts the method, rules expected at the source)
PLANT_HOSTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "org-callout": ("Service", ("SID010",)),
    "async-org": ("Service", ("SID001",)),
    "batch-org": ("Service", ("SID001",)),
    "export-relay": ("Integration", ("SID002",)),
    "log": ("Service", ("SID003",)),
    "url-param": ("Controller", ("SID006",)),
    "client": ("Controller", ("SID008",)),
    "shared-provider": ("Service", ()),  # the source is SessionProvider's, listed once
    "future-export": ("Service", ("SID001", "SID002")),
    "vf-content": ("Service", ()),  # the source is the page's merge field (web.write_session_page)
}
# kind -> (entry-point role, method it calls): who runs the planted method in async Apex
ASYNC_CALLERS: dict[str, tuple[str, str]] = {
    "async-org": ("Queueable", "syncWithOrg"),
    "batch-org": ("Batch", "pullOrgLimits"),
}


@dataclass(frozen=True, slots=True)
class Planted:
    """One session source in the generated package (a manifest row)."""

    path: str
    line: int
    kind: str
    expect: tuple[str, ...]


def plant_lines(kind: str, sobject: str, domain: str) -> list[str]:
    """The planted method, unindented; the line holding `getSessionId()` is the source."""
    partner = domain.lower()
    q = f"'SELECT Id, Name FROM {sobject} LIMIT 10'"
    methods = {
        "org-callout": [
            "/** Reads the org's limits through the REST API before a large recalculation. */",
            "public static String refreshFromOrg(Set<Id> ids) {",
            "    String sid = UserInfo.getSessionId();",
            f"    String body = OrgApiClient.query(sid, {q});",
            "    Logger.info('refreshed ' + ids.size() + ' records', String.valueOf(body.length()));",
            "    return body;",
            "}",
        ],
        "async-org": [
            "public static void syncWithOrg(Set<Id> ids) {",
            "    String sid = UserInfo.getSessionId();",
            f"    OrgApiClient.query(sid, {q});",
            "}",
        ],
        "batch-org": [
            "public static void pullOrgLimits(Set<Id> ids) {",
            "    String sessionId = System.UserInfo.getSessionId();",
            "    OrgApiClient.query(sessionId, 'SELECT Id FROM Organization');",
            "}",
        ],
        "export-relay": [
            "/** Pushes changed records to the partner's analytics service. */",
            f"public static void pushToPartner(List<{sobject}> records) {{",
            "    String sid = UserInfo.getSessionId();",
            f"    NotificationRelay.relay(sid, '/{partner}/ingest', JSON.serialize(records));",
            "}",
        ],
        "log": [
            "public static void traceContext(String status) {",
            "    String sid = UserInfo.getSessionId();",
            "    Logger.info('context for ' + status, sid);",
            "}",
        ],
        "url-param": [
            "public PageReference openPortal() {",
            f"    PageReference pr = new PageReference('https://portal.{partner}.example.com/sso');",
            "    pr.getParameters().put('sid', UserInfo.getSessionId());",
            "    pr.setRedirect(true);",
            "    return pr;",
            "}",
        ],
        "client": [
            "@AuraEnabled",
            "public static String sessionForClient() {",
            "    return UserInfo.getSessionId();",
            "}",
        ],
        "shared-provider": [
            "public static String queryViaProvider(Set<Id> ids) {",
            "    String token = SessionProvider.current();",
            f"    return OrgApiClient.query(token, {q});",
            "}",
        ],
        "future-export": [
            "@future(callout=true)",
            "public static void exportAsync(Set<Id> ids) {",
            "    String sid = UserInfo.getSessionId();",
            "    ExternalGateway.send(sid, '/v2/export', JSON.serialize(ids));",
            "}",
        ],
        "vf-content": [
            "/** The session trick: render a page that prints the session, then read it back. */",
            "public static String renderedSession() {",
            f"    String html = Page.{domain}SessionPage.getContent().toString();",
            "    return html.substringBetween('Start_Of_Session_Id', 'End_Of_Session_Id');",
            "}",
        ],
    }
    return methods[kind]


SHARED_SOURCES: dict[str, str] = {
    "ITriggerHandler": """/** What TriggerDispatcher calls; one implementation per object. */
public interface ITriggerHandler {
    void beforeInsert(List<SObject> newRecords);
    void beforeUpdate(List<SObject> newRecords, Map<Id, SObject> oldMap);
    void afterInsert(List<SObject> newRecords);
    void afterUpdate(List<SObject> newRecords, Map<Id, SObject> oldMap);
}
""",
    "TriggerDispatcher": """/** One entry point for every trigger, so handlers can be bypassed in data loads. */
public with sharing class TriggerDispatcher {
    @TestVisible
    private static Set<String> bypassed = new Set<String>();

    public static void bypass(String handlerName) {
        bypassed.add(handlerName);
    }

    public static void run(ITriggerHandler handler) {
        String name = String.valueOf(handler).split(':')[0];
        if (bypassed.contains(name)) {
            return;
        }
        if (Trigger.isBefore && Trigger.isInsert) {
            handler.beforeInsert(Trigger.new);
        } else if (Trigger.isBefore && Trigger.isUpdate) {
            handler.beforeUpdate(Trigger.new, Trigger.oldMap);
        } else if (Trigger.isAfter && Trigger.isInsert) {
            handler.afterInsert(Trigger.new);
        } else if (Trigger.isAfter && Trigger.isUpdate) {
            handler.afterUpdate(Trigger.new, Trigger.oldMap);
        }
    }
}
""",
    "Logger": """/** The package's logging framework: buffered debug lines, flushed as Log__c records. */
public without sharing class Logger {
    private static List<String> buffer = new List<String>();

    public static void info(String message, String detail) {
        write(LoggingLevel.INFO, message, detail);
    }

    public static void error(String message, String detail) {
        write(LoggingLevel.ERROR, message, detail);
    }

    private static void write(LoggingLevel level, String message, String detail) {
        String line = message + ': ' + detail;
        buffer.add(line);
        System.debug(level, line);
    }

    public static Integer pending() {
        return buffer.size();
    }
}
""",
    "SessionProvider": """/** Where the package reads the user's session for same-org API calls. */
public with sharing class SessionProvider {
    public static String current() {
        return UserInfo.getSessionId();
    }
}
""",
    "OrgApiClient": """/** REST data API calls to this org, authenticated with the user's session. */
public with sharing class OrgApiClient {
    public static String query(String sessionId, String soql) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(URL.getOrgDomainUrl().toExternalForm() + '/services/data/v59.0/query?q='
            + EncodingUtil.urlEncode(soql, 'UTF-8'));
        req.setMethod('GET');
        req.setHeader('Authorization', 'Bearer ' + sessionId);
        HttpResponse res = new Http().send(req);
        if (res.getStatusCode() != 200) {
            Logger.error('org query failed', String.valueOf(res.getStatusCode()));
        }
        return res.getBody();
    }
}
""",
    "ExternalGateway": """/** Calls the partner platform; every request carries a bearer token. */
public with sharing class ExternalGateway {
    private static final String BASE = 'https://api.partner-analytics.example.com';

    public static HttpResponse send(String token, String path, String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(BASE + path);
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + token);
        req.setHeader('Content-Type', 'application/json');
        req.setBody(body);
        req.setTimeout(20000);
        return new Http().send(req);
    }
}
""",
    "NotificationRelay": """/** Wraps partner notifications in the envelope the partner expects. */
public with sharing class NotificationRelay {
    public static void relay(String token, String path, String payload) {
        Map<String, Object> envelope = new Map<String, Object>{
            'sentAt' => System.now(),
            'payload' => payload
        };
        HttpResponse res = ExternalGateway.send(token, path, JSON.serialize(envelope));
        if (res.getStatusCode() >= 300) {
            Logger.error('relay failed', res.getStatus());
        }
    }
}
""",
}
SESSION_PROVIDER_LINE = 4  # `return UserInfo.getSessionId();` in SessionProvider
