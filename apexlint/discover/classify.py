"""Which kind of file a name is, from its suffix and the folders it sits in.

Salesforce names files by metadata type: `Foo.cls` in either format, `Foo.workflow` in the
metadata-API format and `Foo.workflow-meta.xml` in the SFDX source format. The `-meta.xml`
companions of classes, triggers, pages and components hold only API versions: skipped.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

from apexlint.discover.observed import is_editor_scratch
from apexlint.ir import FileKind
from apexlint.records import frozen

META_SUFFIX = "-meta.xml"

# Metadata types whose files can carry session merge fields, outbound messages, endpoints or
# security settings, by the suffix both formats share (`X.<suffix>` / `X.<suffix>-meta.xml`).
METADATA_TYPES: dict[str, str] = {
    "workflow": "Workflow",
    "object": "CustomObject",
    "tab": "CustomTab",
    "weblink": "CustomPageWebLink",  # top-level `weblinks/` custom buttons and links
    "homePageComponent": "HomePageComponent",
    "namedCredential": "NamedCredential",
    "externalCredential": "ExternalCredential",
    "remoteSite": "RemoteSiteSetting",
    "connectedApp": "ConnectedApp",
    "cspTrustedSite": "CspTrustedSite",
    "corsWhitelistOrigin": "CorsWhitelistOrigin",
    "authprovider": "AuthProvider",
    "eca": "ExternalClientApplication",
    "ecaOauth": "ExtlClntAppOauthSettings",
    "ecaGlblOauth": "ExtlClntAppGlobalOauthSettings",
    "ecaOauthPlcy": "ExtlClntAppOauthConfigurablePolicies",
    "ecaPlcy": "ExtlClntAppConfigurablePolicies",
    "flow": "Flow",
    "settings": "Settings",
    "md": "CustomMetadata",
    "labels": "CustomLabels",
}

# Children of a decomposed object exist only in the source format:
# `objects/Account/fields/Link__c.field-meta.xml`, `objects/Account/webLinks/Go.webLink-meta.xml`.
# So do those of the sf CLI's opt-in decomposed formats (`sourceBehaviorOptions` in
# sfdx-project.json; source-deploy-retrieve `registry/presets/decompose*.json`):
# `workflows/Case/workflowOutboundMessages/Hook.workflowOutboundMessage-meta.xml`, one file per
# workflow component with the component's type as root element, and `labels/X.label-meta.xml`, one
# per custom label. The other decomposed formats (permission sets, sharing rules, external service
# registrations) hold no merge field, outbound message or endpoint; an external service's schema
# (`X.schema`) is still searched for tokens as a text file.
SOURCE_ONLY_TYPES: dict[str, str] = {
    "field": "CustomField",
    "webLink": "WebLink",
    "validationRule": "ValidationRule",
    "workflowAlert": "WorkflowAlert",
    "workflowFieldUpdate": "WorkflowFieldUpdate",
    "workflowKnowledgePublish": "WorkflowKnowledgePublish",
    "workflowOutboundMessage": "WorkflowOutboundMessage",
    "workflowRule": "WorkflowRule",
    "workflowSend": "WorkflowSend",
    "workflowTask": "WorkflowTask",
    "label": "CustomLabel",
}

# Suffixes common outside Salesforce (README.md, data.tab): in the metadata-API format they
# count only in their own folder, unless the file was named on the command line.
MDAPI_FOLDER: dict[str, str] = {
    "md": "custommetadata",
    "tab": "tabs",
    "flow": "flows",
    "settings": "settings",
    "labels": "labels",
}

SOURCE_KINDS: dict[str, FileKind] = {
    "cls": FileKind.APEX_CLASS,
    "trigger": FileKind.APEX_TRIGGER,
    "page": FileKind.VISUALFORCE_PAGE,
    "component": FileKind.VISUALFORCE_COMPONENT,
    "email": FileKind.EMAIL_TEMPLATE,
    "resource": FileKind.STATIC_RESOURCE,
}
KIND_METADATA_TYPES: dict[FileKind, str] = {
    FileKind.EMAIL_TEMPLATE: "EmailTemplate",
    FileKind.STATIC_RESOURCE: "StaticResource",
}
# An S-control's content (`scontrols/X.scf`, both formats): HTML Salesforce renders with merge
# fields filled in, as it does a page's, or a URL it opens (`lower.scontrols`). No other tool
# uses the suffix.
SCONTROL_SUFFIX = "scf"
SCONTROL_TYPE = "Scontrol"

SCRIPT_FOLDERS = frozenset({"staticresources", "lwc", "aura"})
STATIC_RESOURCE_FOLDER = "staticresources"
# MavensMate (and IDEs after it) keep a static resource's unzipped source in
# `resource-bundles/<Name>.resource/`, zipped into `staticresources/<Name>.resource` at deploy.
RESOURCE_BUNDLES_FOLDER = "resource-bundles"
# SFDX keeps a single-file resource under its MIME type's extension: `jquery.js`, `lib.zip`.
ARCHIVE_SUFFIXES = frozenset({"zip", "bin"})
HTML_SUFFIXES = frozenset({"html", "htm"})


@frozen
class Classification:
    kind: FileKind
    metadata_type: str | None = None


# Every other file is searched for token-shaped literals only (SID009 holds "in any file"),
# but formats that are always binary (no one types a token into an image, font, archive or
# recording) and editors' scratch files, which come and go while one types (vim's `.A.cls.swp`,
# emacs' `.#A.cls` lock links): not worth a read each.
BINARY_SUFFIXES = frozenset({
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "tif", "tiff", "webp", "psd",
    "woff", "woff2", "ttf", "otf", "eot",
    "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "jar", "war",
    "pdf", "mp3", "mp4", "m4a", "mov", "avi", "wav", "ogg", "webm", "swf",
    "class", "pyc", "so", "dll", "dylib", "exe", "bin",
})
TEXT_FILE = Classification(FileKind.TEXT)


def text_file(name: str) -> Classification | None:
    """TEXT for a file `classify` gives no kind (searched for tokens only), None to skip it."""
    if is_editor_scratch(name) or name.endswith(META_SUFFIX):
        # `-meta.xml` of the metadata apexlint does not lower (translations, layouts, profiles):
        # thousands in an org's tree and not where tokens are kept; searching them made NPSP's
        # cached re-scan half as slow again (one stat each), for none found in 140 real packages
        return None
    dot = name.rfind(".")
    if dot > 0 and name[dot + 1:].lower() in BINARY_SUFFIXES:
        return None
    return TEXT_FILE


def _casefolded(table: dict[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in table.items()}


_METADATA_FOLDED = _casefolded(METADATA_TYPES)
_SOURCE_ONLY_FOLDED = _casefolded(SOURCE_ONLY_TYPES)


def _lookup(table: dict[str, str], folded: dict[str, str], suffix: str) -> str | None:
    """Exact suffix first (`webLink` ≠ `weblink`), then any case (case-insensitive file systems)."""
    return table.get(suffix) or folded.get(suffix.lower())


def suffix_of(name: str) -> str:
    """`Foo.cls` → `cls`; `Foo.cls-meta.xml` → `cls`; `Foo` → ``."""
    base = name[: -len(META_SUFFIX)] if name.endswith(META_SUFFIX) else name
    return base.rsplit(".", 1)[1] if "." in base else ""


def classify(
    name: str, folders: Sequence[str], *, js_anywhere: bool = False, explicit: bool = False
) -> Classification | None:
    """The kind of the file `name` in `folders` (outermost first), or None to skip it.

    `js_anywhere`: count every `.js` file (loose folders and named files), not only those in
    static resources and Lightning bundles. `explicit`: the file was named on the command line,
    so its suffix is trusted without the folder it normally lives in.
    """
    if not name or name.startswith("."):
        return None
    suffix = suffix_of(name)
    if not suffix:
        return None
    if name.endswith(META_SUFFIX):  # most of a source tree: one per component
        return _classify_source_meta(suffix)
    lowered_folders = [folder.lower() for folder in folders]
    if RESOURCE_BUNDLES_FOLDER in lowered_folders and in_resource_bundle(lowered_folders):
        return _bundle_member(suffix.lower(), name)
    kind = SOURCE_KINDS.get(suffix.lower())
    if kind is not None:
        return Classification(kind, KIND_METADATA_TYPES.get(kind))
    if suffix.lower() == SCONTROL_SUFFIX:
        return Classification(FileKind.VISUALFORCE_PAGE, SCONTROL_TYPE)
    if suffix.lower() == "js" and (js_anywhere or explicit or SCRIPT_FOLDERS.intersection(lowered_folders)):
        return Classification(FileKind.JAVASCRIPT)
    if suffix.lower() in ARCHIVE_SUFFIXES and lowered_folders[-1:] == [STATIC_RESOURCE_FOLDER]:
        return Classification(FileKind.STATIC_RESOURCE, "StaticResource")
    if suffix.lower() in HTML_SUFFIXES and STATIC_RESOURCE_FOLDER in lowered_folders:
        # a page of a resource (`staticresources/app/index.html`, or `page.html` on its own): its
        # scripts are code, as in a zipped bundle
        return Classification(FileKind.STATIC_RESOURCE, "StaticResource")
    return _classify_mdapi(suffix, lowered_folders, explicit)


def bundle_resource(folder: str) -> str | None:
    """The static resource a resource bundle's folder is the source of: `forcetk` for
    `forcetk.resource`, or for `forcetk.resource.application.x-zip-compressed` (MavensMate names
    the folder with the resource's content type too); None for another folder."""
    name, dot, kind = folder.partition(".resource")
    return name if name and dot and (not kind or kind.startswith(".")) else None


def in_resource_bundle(lowered_folders: Sequence[str]) -> bool:
    """Whether a file in `lowered_folders` (lower case) is in a resource bundle, the unzipped
    source of a static resource: `resource-bundles/<Name>.resource[.<content type>]/...`."""
    return any(folder == RESOURCE_BUNDLES_FOLDER and bundle_resource(following) is not None
               for folder, following in itertools.pairwise(lowered_folders))


def _bundle_member(suffix: str, name: str) -> Classification | None:
    """A file of a resource bundle, read as the same file in the resource's zip is: a script or an
    HTML page as the resource's code; anything else (a `.page` among them: a demo page inside the
    resource, which Visualforce never renders) searched for tokens only."""
    if suffix in ("js", "mjs", "cjs"):
        return Classification(FileKind.JAVASCRIPT)
    if suffix in HTML_SUFFIXES:
        return Classification(FileKind.STATIC_RESOURCE, "StaticResource")
    return text_file(name)


@functools.cache  # a package has a few dozen suffixes and thousands of companion files
def _classify_source_meta(suffix: str) -> Classification | None:
    metadata_type = (
        SOURCE_ONLY_TYPES.get(suffix)
        or METADATA_TYPES.get(suffix)
        or _SOURCE_ONLY_FOLDED.get(suffix.lower())
        or _METADATA_FOLDED.get(suffix.lower())
    )
    return Classification(FileKind.METADATA, metadata_type) if metadata_type else None


def _classify_mdapi(suffix: str, lowered_folders: list[str], explicit: bool) -> Classification | None:
    metadata_type = _lookup(METADATA_TYPES, _METADATA_FOLDED, suffix)
    if metadata_type is None:
        return None
    folder = MDAPI_FOLDER.get(suffix.lower())
    if folder is not None and not explicit and folder not in lowered_folders[-1:]:
        return None
    return Classification(FileKind.METADATA, metadata_type)
