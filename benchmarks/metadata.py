"""Metadata XML for a generated package, in SFDX source format.

Objects with fields, web links and validation rules; workflows with outbound messages (a few send
the session ID); named credentials (one points at the org itself); remote site settings; tabs (one
web tab carries the session in its URL); custom labels; and the `-meta.xml` companions of classes,
triggers and pages.
"""

from __future__ import annotations

import random

from benchmarks.apex_plants import Planted

HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"'
API = "59.0"


def class_meta() -> str:
    return f"{HEAD}\n<ApexClass {NS}>\n    <apiVersion>{API}</apiVersion>\n    <status>Active</status>\n</ApexClass>\n"


def trigger_meta() -> str:
    return (f"{HEAD}\n<ApexTrigger {NS}>\n    <apiVersion>{API}</apiVersion>\n    <status>Active</status>\n"
            "</ApexTrigger>\n")


def page_meta(label: str, component: bool = False) -> str:
    tag = "ApexComponent" if component else "ApexPage"
    return (f"{HEAD}\n<{tag} {NS}>\n    <apiVersion>{API}</apiVersion>\n    <label>{label}</label>\n</{tag}>\n")


def resource_meta(content_type: str) -> str:
    return (f"{HEAD}\n<StaticResource {NS}>\n    <cacheControl>Public</cacheControl>\n"
            f"    <contentType>{content_type}</contentType>\n</StaticResource>\n")


def object_files(domain: str, rng: random.Random) -> dict[str, str]:
    """`objects/X__c/...`: the object, its fields, one web link and one validation rule."""
    s = f"{domain}__c"
    base = f"objects/{s}"
    files = {f"{base}/{s}.object-meta.xml": "\n".join([
        HEAD, f"<CustomObject {NS}>", "    <deploymentStatus>Deployed</deploymentStatus>",
        "    <enableActivities>true</enableActivities>", "    <enableHistory>true</enableHistory>",
        "    <enableReports>true</enableReports>", f"    <label>{domain}</label>",
        "    <nameField>", "        <label>Name</label>", "        <type>Text</type>", "    </nameField>",
        f"    <pluralLabel>{domain}s</pluralLabel>", "    <sharingModel>ReadWrite</sharingModel>",
        "</CustomObject>", ""])}
    fields = {"Status__c": "Picklist", "Amount__c": "Currency", "Priority__c": "Number", "Due_Date__c": "Date",
              "Account__c": "Lookup", "External_Id__c": "Text", "Description__c": "LongTextArea"}
    for name, type_ in fields.items():
        files[f"{base}/fields/{name}.field-meta.xml"] = _field(name, type_, domain)
    if rng.random() < 0.5:
        files[f"{base}/fields/Days_Open__c.field-meta.xml"] = "\n".join([
            HEAD, f"<CustomField {NS}>", "    <fullName>Days_Open__c</fullName>",
            "    <formula>TODAY() - DATEVALUE(CreatedDate)</formula>", "    <label>Days Open</label>",
            "    <precision>18</precision>", "    <scale>0</scale>", "    <type>Number</type>", "</CustomField>", ""])
    files[f"{base}/validationRules/Amount_Positive.validationRule-meta.xml"] = "\n".join([
        HEAD, f"<ValidationRule {NS}>", "    <fullName>Amount_Positive</fullName>", "    <active>true</active>",
        "    <errorConditionFormula>AND(NOT(ISBLANK(Amount__c)), Amount__c &lt; 0)</errorConditionFormula>",
        "    <errorDisplayField>Amount__c</errorDisplayField>",
        "    <errorMessage>Amount must not be negative.</errorMessage>", "</ValidationRule>", ""])
    return files


def _field(name: str, type_: str, domain: str) -> str:
    extra = {
        "Picklist": ["    <valueSet>", "        <valueSetDefinition>"]
        + [f"            <value><fullName>{v}</fullName><default>false</default><label>{v}</label></value>"
           for v in ("Open", "Pending", "Approved", "Closed")]
        + ["        </valueSetDefinition>", "    </valueSet>"],
        "Currency": ["    <precision>18</precision>", "    <scale>2</scale>"],
        "Number": ["    <precision>3</precision>", "    <scale>0</scale>"],
        "Lookup": ["    <referenceTo>Account</referenceTo>", f"    <relationshipName>{domain}s</relationshipName>",
                   "    <deleteConstraint>SetNull</deleteConstraint>"],
        "Text": ["    <externalId>true</externalId>", "    <length>80</length>", "    <unique>true</unique>"],
        "LongTextArea": ["    <length>32768</length>", "    <visibleLines>5</visibleLines>"],
    }.get(type_, [])
    label = name.removesuffix("__c").replace("_", " ")
    return "\n".join([HEAD, f"<CustomField {NS}>", f"    <fullName>{name}</fullName>", f"    <label>{label}</label>",
                      *extra, f"    <type>{type_}</type>", "</CustomField>", ""])


def web_link(domain: str, session: bool, rel: str) -> tuple[str, list[Planted]]:
    """A detail-page button opening the partner portal; with `session`, the URL carries the session."""
    url = f"https://portal.{domain.lower()}.example.com/view?id={{!{domain}__c.Id}}"
    if session:
        url += "&amp;sid={!$Api.Session_ID}"
    lines = [HEAD, f"<WebLink {NS}>", "    <fullName>Open_In_Portal</fullName>",
             "    <availability>online</availability>", "    <displayType>button</displayType>",
             "    <linkType>url</linkType>", "    <masterLabel>Open in Portal</masterLabel>",
             "    <openType>newWindow</openType>", "    <protected>false</protected>", f"    <url>{url}</url>",
             "</WebLink>", ""]
    planted = [Planted(rel, 10, "weblink", ("SID002",))] if session else []
    return "\n".join(lines), planted


def workflow(domain: str, session: bool, rel: str) -> tuple[str, list[Planted]]:
    """Field update, outbound message and the rule that fires them; `session`: Send Session ID."""
    lines = [HEAD, f"<Workflow {NS}>", "    <fieldUpdates>", "        <fullName>Set_Pending</fullName>",
             "        <field>Status__c</field>", "        <literalValue>Pending</literalValue>",
             "        <name>Set Pending</name>", "        <notifyAssignee>false</notifyAssignee>",
             "        <operation>Literal</operation>", "        <protected>false</protected>", "    </fieldUpdates>",
             "    <outboundMessages>", f"        <fullName>Notify_{domain}_Partner</fullName>",
             "        <apiVersion>59.0</apiVersion>",
             f"        <endpointUrl>https://hooks.{domain.lower()}.example.com/salesforce</endpointUrl>",
             "        <fields>Id</fields>", "        <fields>Status__c</fields>",
             f"        <includeSessionId>{'true' if session else 'false'}</includeSessionId>"]
    session_line = len(lines)
    lines += ["        <integrationUser>integration@example.com</integrationUser>",
              f"        <name>Notify {domain} Partner</name>", "        <protected>false</protected>",
              "        <useDeadLetterQueue>false</useDeadLetterQueue>", "    </outboundMessages>", "    <rules>",
              f"        <fullName>{domain} Approved</fullName>", "        <actions>",
              f"            <name>Notify_{domain}_Partner</name>", "            <type>OutboundMessage</type>",
              "        </actions>", "        <actions>", "            <name>Set_Pending</name>",
              "            <type>FieldUpdate</type>", "        </actions>", "        <active>true</active>",
              "        <formula>ISPICKVAL(Status__c, 'Approved')</formula>",
              "        <triggerType>onCreateOrTriggeringUpdate</triggerType>", "    </rules>", "</Workflow>", ""]
    planted = [Planted(rel, session_line, "outbound-message", ("SID005",))] if session else []
    return "\n".join(lines), planted


def named_credential(label: str, url: str) -> str:
    return "\n".join([
        HEAD, f"<NamedCredential {NS}>", "    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>",
        "    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>", "    <calloutStatus>Enabled</calloutStatus>",
        "    <generateAuthorizationHeader>true</generateAuthorizationHeader>", f"    <label>{label}</label>",
        "    <namedCredentialParameters>", "        <parameterName>Url</parameterName>",
        "        <parameterType>Url</parameterType>", f"        <parameterValue>{url}</parameterValue>",
        "    </namedCredentialParameters>", "    <namedCredentialType>SecuredEndpoint</namedCredentialType>",
        "</NamedCredential>", ""])


def remote_site(name: str, url: str) -> str:
    return "\n".join([HEAD, f"<RemoteSiteSetting {NS}>", f"    <description>{name} callouts</description>",
                      "    <disableProtocolSecurity>false</disableProtocolSecurity>", "    <isActive>true</isActive>",
                      f"    <url>{url}</url>", "</RemoteSiteSetting>", ""])


def object_tab(domain: str) -> str:
    return "\n".join([HEAD, f"<CustomTab {NS}>", "    <customObject>true</customObject>",
                      "    <motif>Custom53: Bell</motif>", "</CustomTab>", ""])


def web_tab(rel: str) -> tuple[str, list[Planted]]:
    """A web tab that hands the session to the partner's dashboard in its URL."""
    lines = [HEAD, f"<CustomTab {NS}>", "    <frameHeight>600</frameHeight>", "    <label>Partner Dashboard</label>",
             "    <motif>Custom70: Handsaw</motif>", "    <urlEncodingKey>UTF-8</urlEncodingKey>",
             "    <url>https://dashboard.partner-analytics.example.com/embed?session={!$Api.Session_ID}</url>",
             "</CustomTab>", ""]
    return "\n".join(lines), [Planted(rel, 7, "web-tab", ("SID002",))]


def custom_labels(domains: list[str]) -> str:
    out = [HEAD, f"<CustomLabels {NS}>"]
    for d in domains:
        for key, text in (("Saved", "saved"), ("Failed", "could not be saved"), ("Empty", "has no records")):
            out += ["    <labels>", f"        <fullName>{d}_{key}</fullName>", "        <language>en_US</language>",
                    "        <protected>false</protected>", f"        <shortDescription>{d} {key}</shortDescription>",
                    f"        <value>{d} {text}.</value>", "    </labels>"]
    out += ["</CustomLabels>", ""]
    return "\n".join(out)
