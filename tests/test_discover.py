"""Discovery: which files a scan finds, their kinds, packages and report paths."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from apexlint.discover import DiscoveredFile, DiscoveryError, Project, discover
from apexlint.discover.classify import classify
from apexlint.ir import FileKind

APEX = "public class A {}\n"
PACKAGE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Legacy</fullName>
    <namespacePrefix>leg</namespacePrefix>
    <version>60.0</version>
</Package>
"""


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sfdx_project(root: Path, namespace: str = "acme", dirs: tuple[str, ...] = ("force-app",)) -> Path:
    config = {
        "name": "Acme",
        "namespace": namespace,
        "packageDirectories": [{"path": d, "default": i == 0} for i, d in enumerate(dirs)],
    }
    write(root / "sfdx-project.json", json.dumps(config))
    return root


def by_rel(project: Project) -> dict[str, DiscoveredFile]:
    return {found.rel: found for found in project.files}


def codes(project: Project) -> list[str]:
    return [note.code for note in project.notifications]


def analysed(project: Project) -> list[DiscoveredFile]:
    """The files read as the kind of source they are (every other file is searched for tokens only)."""
    return [found for found in project.files if found.kind is not FileKind.TEXT]


def searched(project: Project) -> list[str]:
    """The files searched for token-shaped literals only (SID009 holds in any file)."""
    return [found.rel for found in project.files if found.kind is FileKind.TEXT]


def test_sfdx_project_reads_every_package_directory_and_the_namespace(tmp_path: Path) -> None:
    sfdx_project(tmp_path / "proj", dirs=("force-app", "extra"))
    write(tmp_path / "proj/force-app/main/default/classes/A.cls", APEX)
    write(tmp_path / "proj/force-app/main/default/classes/A.cls-meta.xml")
    write(tmp_path / "proj/extra/triggers/T.trigger", "trigger T on Account (before insert) {}")
    write(tmp_path / "proj/scripts/apex/outside.cls", APEX)  # not in a package directory

    project = discover([tmp_path / "proj"], root=tmp_path)

    assert (project.layout, project.name, project.namespace) == ("sfdx", "Acme", "acme")
    assert [f.rel for f in analysed(project)] == [
        "proj/extra/triggers/T.trigger",
        "proj/force-app/main/default/classes/A.cls",
    ]
    # outside the package directories: searched for tokens only (a `-meta.xml` companion is not)
    assert searched(project) == [
        "proj/scripts/apex/outside.cls",
        "proj/sfdx-project.json",
    ]
    assert {f.namespace for f in project.files} == {"acme"}
    first = analysed(project)[1]
    assert first.kind is FileKind.APEX_CLASS
    assert os.path.isabs(first.path) and first.size == len(APEX)


def test_namespace_argument_overrides_the_project_file(tmp_path: Path) -> None:
    sfdx_project(tmp_path, namespace="acme")
    write(tmp_path / "force-app/classes/A.cls", APEX)

    project = discover([tmp_path], root=tmp_path, namespace="other")

    assert project.namespace == "other"
    assert project.files[0].namespace == "other"


def test_report_paths_are_relative_to_the_working_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sfdx_project(tmp_path)
    write(tmp_path / "force-app/classes/A.cls", APEX)
    monkeypatch.chdir(tmp_path)

    project = discover([Path(".")])

    assert project.root == tmp_path
    assert [f.rel for f in analysed(project)] == ["force-app/classes/A.cls"]
    assert searched(project) == ["sfdx-project.json"]


def test_sfdx_project_file_with_comments_and_trailing_commas_is_tolerated(tmp_path: Path) -> None:
    write(
        tmp_path / "sfdx-project.json",
        '{\n  // the package\n  "namespace": "acme", /* ns */\n'
        '  "packageDirectories": [{"path": "force-app",},],\n}\n',
    )
    write(tmp_path / "force-app/classes/A.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert project.namespace == "acme"
    assert [f.rel for f in analysed(project)] == ["force-app/classes/A.cls"]
    assert project.notifications == ()


def test_garbage_sfdx_project_file_is_reported_and_the_whole_folder_scanned(tmp_path: Path) -> None:
    write(tmp_path / "sfdx-project.json", "{{ not json")
    write(tmp_path / "src/classes/A.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert "bad-project-file" in codes(project)
    assert [f.rel for f in analysed(project)] == ["src/classes/A.cls"]
    assert project.namespace == ""


def test_a_project_file_nested_past_the_stack_is_reported_and_the_whole_folder_scanned(tmp_path: Path) -> None:
    write(tmp_path / "sfdx-project.json", '{"a":' * 100_000 + "1" + "}" * 100_000)
    write(tmp_path / "src/classes/A.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert "bad-project-file" in codes(project)
    assert [f.rel for f in analysed(project)] == ["src/classes/A.cls"]


def test_missing_package_directory_is_reported(tmp_path: Path) -> None:
    sfdx_project(tmp_path, dirs=("force-app", "gone"))
    write(tmp_path / "force-app/classes/A.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert codes(project) == ["missing-package-directory"]
    assert len(analysed(project)) == 1


def test_metadata_api_tree_under_src_reads_package_xml(tmp_path: Path) -> None:
    write(tmp_path / "src/package.xml", PACKAGE_XML)
    write(tmp_path / "src/classes/A.cls", APEX)
    write(tmp_path / "src/workflows/Case.workflow", "<Workflow/>")
    write(tmp_path / "src/pages/P.page", "<apex:page/>")

    project = discover([tmp_path], root=tmp_path)

    assert (project.layout, project.name, project.namespace) == ("mdapi", "Legacy", "leg")
    found = by_rel(project)
    assert found["src/workflows/Case.workflow"].metadata_type == "Workflow"
    assert found["src/pages/P.page"].kind is FileKind.VISUALFORCE_PAGE
    assert {f.namespace for f in project.files} == {"leg"}


def test_loose_folder_finds_files_by_name_and_every_javascript_file(tmp_path: Path) -> None:
    write(tmp_path / "a/A.cls", APEX)
    write(tmp_path / "b/util.js", "var x = 1;")
    write(tmp_path / "README.md", "# not metadata")
    write(tmp_path / "notes.txt")

    project = discover([tmp_path], root=tmp_path)

    assert project.layout == "files"
    assert [(f.rel, f.kind) for f in analysed(project)] == [
        ("a/A.cls", FileKind.APEX_CLASS),
        ("b/util.js", FileKind.JAVASCRIPT),
    ]
    assert searched(project) == ["README.md", "notes.txt"]


def test_explicit_files_are_scanned_by_suffix_alone(tmp_path: Path) -> None:
    cls = write(tmp_path / "A.cls", APEX)
    settings = write(tmp_path / "Security.settings", "<SecuritySettings/>")
    other = write(tmp_path / "notes.txt")

    project = discover([cls, settings, other], root=tmp_path)

    assert [(f.rel, f.metadata_type) for f in analysed(project)] == [
        ("A.cls", None),
        ("Security.settings", "Settings"),
    ]
    assert searched(project) == ["notes.txt"]
    assert codes(project) == ["unsupported-file"]


def test_an_explicit_markdown_file_is_not_a_custom_metadata_record(tmp_path: Path) -> None:
    """`.md` is a custom metadata record's suffix and Markdown's: named on the command line, a
    file is the record only when it reads as XML (V-6)."""
    notes = write(tmp_path / "NOTES.md", "# Notes\n\nSee the SID009 section.\n")
    record = write(tmp_path / "Cfg.Default.md", '<?xml version="1.0"?>\n<CustomMetadata/>')

    project = discover([notes, record], root=tmp_path)

    assert [(f.rel, f.metadata_type) for f in analysed(project)] == [("Cfg.Default.md", "CustomMetadata")]
    assert searched(project) == ["NOTES.md"]
    assert codes(project) == ["unsupported-file"]


def test_two_projects_named_on_the_command_line_are_said_to_be_one_package(tmp_path: Path) -> None:
    """V-3: one scan is one package model; two projects given together are warned about (each
    one alone, or a folder holding both, is not)."""
    for name in ("one", "two"):
        sfdx_project(tmp_path / name, namespace=name)
        write(tmp_path / name / "force-app/classes/A.cls", APEX)

    together = discover([tmp_path / "one", tmp_path / "two"], root=tmp_path)
    alone = discover([tmp_path / "one"], root=tmp_path)

    assert codes(together) == ["several-projects"]
    assert [n.level.value for n in together.notifications] == ["warning"]
    assert codes(alone) == []


def test_explicit_file_inside_a_project_takes_its_namespace(tmp_path: Path) -> None:
    sfdx_project(tmp_path, namespace="acme")
    cls = write(tmp_path / "force-app/classes/A.cls", APEX)

    project = discover([cls], root=tmp_path)

    assert project.files[0].namespace == "acme"
    assert project.layout == "sfdx"


def test_subfolder_of_a_project_takes_its_namespace(tmp_path: Path) -> None:
    sfdx_project(tmp_path, namespace="acme")
    write(tmp_path / "force-app/main/default/classes/A.cls", APEX)

    project = discover([tmp_path / "force-app/main/default/classes"], root=tmp_path)

    assert project.namespace == "acme"
    assert [f.rel for f in project.files] == ["force-app/main/default/classes/A.cls"]


def test_forceignore_at_the_project_root_is_honoured(tmp_path: Path) -> None:
    sfdx_project(tmp_path)
    write(tmp_path / ".forceignore", "# comment\n**/__tests__/**\n**/Skip*.cls\n")
    write(tmp_path / "force-app/lwc/cmp/cmp.js", "export default 1;")
    write(tmp_path / "force-app/lwc/cmp/__tests__/cmp.test.js", "test();")
    write(tmp_path / "force-app/classes/SkipMe.cls", APEX)
    write(tmp_path / "force-app/classes/Keep.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in analysed(project)] == ["force-app/classes/Keep.cls", "force-app/lwc/cmp/cmp.js"]
    assert searched(project) == [".forceignore", "sfdx-project.json"]  # not the ignored test


def test_exclude_globs_match_from_the_root_and_anywhere(tmp_path: Path) -> None:
    write(tmp_path / "pkg/classes/A.cls", APEX)
    write(tmp_path / "pkg/classes/ATest.cls", APEX)
    write(tmp_path / "pkg/vendor/lib/B.cls", APEX)

    project = discover([tmp_path / "pkg"], root=tmp_path, exclude=["*Test.cls", "pkg/vendor/"])

    assert [f.rel for f in project.files] == ["pkg/classes/A.cls"]


def test_an_absolute_exclude_glob_inside_the_root_matches_as_its_relative_form(tmp_path: Path) -> None:
    """V-8: `--exclude "$PWD/pkg/vendor/**"` excluded nothing, silently."""
    write(tmp_path / "pkg/classes/A.cls", APEX)
    write(tmp_path / "pkg/vendor/lib/B.cls", APEX)

    project = discover([tmp_path / "pkg"], root=tmp_path, exclude=[f"{tmp_path}/pkg/vendor/**"])

    assert [f.rel for f in project.files] == ["pkg/classes/A.cls"]


def test_nested_projects_under_one_folder_keep_their_own_namespaces(tmp_path: Path) -> None:
    sfdx_project(tmp_path / "fixtures/one", namespace="one")
    write(tmp_path / "fixtures/one/force-app/classes/A.cls", APEX)
    write(tmp_path / "fixtures/one/unpackaged/B.cls", APEX)  # outside the package directory
    write(tmp_path / "fixtures/two/src/package.xml", PACKAGE_XML)
    write(tmp_path / "fixtures/two/src/classes/C.cls", APEX)
    write(tmp_path / "fixtures/loose/D.cls", APEX)

    project = discover([tmp_path / "fixtures"], root=tmp_path)

    assert {f.rel: f.namespace for f in analysed(project)} == {
        "fixtures/loose/D.cls": "",
        "fixtures/one/force-app/classes/A.cls": "one",
        "fixtures/two/src/classes/C.cls": "leg",
    }
    assert searched(project) == ["fixtures/one/sfdx-project.json", "fixtures/one/unpackaged/B.cls",
                                 "fixtures/two/src/package.xml"]
    assert project.layout == "files"
    assert project.namespace == "one"


CLASSIFICATION = [
    ("classes/A.cls", FileKind.APEX_CLASS, None),
    ("triggers/T.trigger", FileKind.APEX_TRIGGER, None),
    ("pages/P.page", FileKind.VISUALFORCE_PAGE, None),
    ("components/C.component", FileKind.VISUALFORCE_COMPONENT, None),
    ("email/unfiled/Welcome.email", FileKind.EMAIL_TEMPLATE, "EmailTemplate"),
    ("staticresources/lib.resource", FileKind.STATIC_RESOURCE, "StaticResource"),
    ("staticresources/bundle.zip", FileKind.STATIC_RESOURCE, "StaticResource"),
    ("staticresources/app.js", FileKind.JAVASCRIPT, None),
    ("staticresources/lib/js/deep.js", FileKind.JAVASCRIPT, None),
    ("lwc/cmp/cmp.js", FileKind.JAVASCRIPT, None),
    ("aura/Cmp/CmpController.js", FileKind.JAVASCRIPT, None),
    ("workflows/Case.workflow-meta.xml", FileKind.METADATA, "Workflow"),
    ("objects/Account/Account.object-meta.xml", FileKind.METADATA, "CustomObject"),
    ("objects/Account/fields/Link__c.field-meta.xml", FileKind.METADATA, "CustomField"),
    ("objects/Account/webLinks/Go.webLink-meta.xml", FileKind.METADATA, "WebLink"),
    ("weblinks/Go.weblink-meta.xml", FileKind.METADATA, "CustomPageWebLink"),
    ("tabs/T.tab-meta.xml", FileKind.METADATA, "CustomTab"),
    ("homePageComponents/H.homePageComponent-meta.xml", FileKind.METADATA, "HomePageComponent"),
    ("namedCredentials/N.namedCredential-meta.xml", FileKind.METADATA, "NamedCredential"),
    ("externalCredentials/E.externalCredential-meta.xml", FileKind.METADATA, "ExternalCredential"),
    ("remoteSiteSettings/R.remoteSite-meta.xml", FileKind.METADATA, "RemoteSiteSetting"),
    ("connectedApps/C.connectedApp-meta.xml", FileKind.METADATA, "ConnectedApp"),
    ("cspTrustedSites/C.cspTrustedSite-meta.xml", FileKind.METADATA, "CspTrustedSite"),
    ("authproviders/A.authprovider-meta.xml", FileKind.METADATA, "AuthProvider"),
    ("externalClientApps/E.eca-meta.xml", FileKind.METADATA, "ExternalClientApplication"),
    ("workflows/Case.workflow", FileKind.METADATA, "Workflow"),
    # the sf CLI's decomposed formats (decomposeWorkflowBeta, decomposeCustomLabelsBeta2)
    ("workflows/Case/Case.workflow-meta.xml", FileKind.METADATA, "Workflow"),
    ("workflows/Case/workflowOutboundMessages/Hook.workflowOutboundMessage-meta.xml", FileKind.METADATA,
     "WorkflowOutboundMessage"),
    ("workflows/Case/workflowFieldUpdates/Stamp.workflowFieldUpdate-meta.xml", FileKind.METADATA,
     "WorkflowFieldUpdate"),
    ("workflows/Case/workflowRules/Changed.workflowRule-meta.xml", FileKind.METADATA, "WorkflowRule"),
    ("workflows/Case/workflowTasks/Call.workflowTask-meta.xml", FileKind.METADATA, "WorkflowTask"),
    ("labels/Greeting.label-meta.xml", FileKind.METADATA, "CustomLabel"),
    ("objects/Account.object", FileKind.METADATA, "CustomObject"),
    ("tabs/T.tab", FileKind.METADATA, "CustomTab"),
    ("namedCredentials/N.namedCredential", FileKind.METADATA, "NamedCredential"),
    ("remoteSiteSettings/R.remoteSite", FileKind.METADATA, "RemoteSiteSetting"),
    ("connectedApps/C.connectedApp", FileKind.METADATA, "ConnectedApp"),
    ("weblinks/Go.weblink", FileKind.METADATA, "CustomPageWebLink"),
    ("homePageComponents/H.homePageComponent", FileKind.METADATA, "HomePageComponent"),
    ("externalCredentials/E.externalCredential", FileKind.METADATA, "ExternalCredential"),
    ("cspTrustedSites/C.cspTrustedSite", FileKind.METADATA, "CspTrustedSite"),
    ("authproviders/A.authprovider", FileKind.METADATA, "AuthProvider"),
    ("externalClientApps/E.eca", FileKind.METADATA, "ExternalClientApplication"),
    ("customMetadata/Cfg.Default.md", FileKind.METADATA, "CustomMetadata"),
    ("staticresources/app/index.html", FileKind.STATIC_RESOURCE, "StaticResource"),
    ("staticresources/page.html", FileKind.STATIC_RESOURCE, "StaticResource"),
]
SKIPPED = [
    "classes/A.cls-meta.xml",
    "triggers/T.trigger-meta.xml",
    "pages/P.page-meta.xml",
    "components/C.component-meta.xml",
    "email/unfiled/Welcome.email-meta.xml",
    "staticresources/lib.resource-meta.xml",
    "permissionsets/Admin/objectSettings/Account.objectSettings-meta.xml",  # decomposed: no session there
    "staticresources/logo.png",
    "lwc/cmp/cmp.html",
    "scripts/build.js",  # inside a package but not a static resource or Lightning bundle
    "docs/README.md",
    "data/rows.tab",
    ".hidden.cls",
]


@pytest.mark.parametrize(("rel", "kind", "metadata_type"), CLASSIFICATION)
def test_classification_of_each_suffix(rel: str, kind: FileKind, metadata_type: str | None) -> None:
    parts = rel.split("/")
    found = classify(parts[-1], ["force-app", "main", "default", *parts[:-1]])
    assert found is not None
    assert (found.kind, found.metadata_type) == (kind, metadata_type)


@pytest.mark.parametrize("rel", SKIPPED)
def test_companions_and_unknown_files_are_skipped(rel: str) -> None:
    parts = rel.split("/")
    assert classify(parts[-1], ["force-app", *parts[:-1]]) is None


def test_classification_in_a_real_project_tree(tmp_path: Path) -> None:
    sfdx_project(tmp_path)
    base = tmp_path / "force-app/main/default"
    for rel, _, _ in CLASSIFICATION:
        write(base / rel)
    for rel in SKIPPED:
        write(base / rel)

    project = discover([tmp_path], root=tmp_path)

    found = {f.rel.removeprefix("force-app/main/default/"): (f.kind, f.metadata_type) for f in analysed(project)}
    assert found == {rel: (kind, metadata_type) for rel, kind, metadata_type in CLASSIFICATION}
    # the rest is searched for tokens, but an image and metadata XML apexlint does not lower
    assert searched(project) == sorted(
        [f"force-app/main/default/{rel}" for rel in SKIPPED if not rel.endswith((".png", "-meta.xml"))]
        + ["sfdx-project.json"])


def test_static_resource_takes_its_content_type_from_the_meta_file(tmp_path: Path) -> None:
    write(tmp_path / "staticresources/lib.resource", "PK")
    write(
        tmp_path / "staticresources/lib.resource-meta.xml",
        "<StaticResource><contentType>application/zip</contentType></StaticResource>",
    )
    write(tmp_path / "staticresources/plain.resource", "var a;")

    project = discover([tmp_path], root=tmp_path)

    assert {f.rel: f.content_type for f in analysed(project)} == {
        "staticresources/lib.resource": "application/zip",
        "staticresources/plain.resource": None,
    }


def test_nonexistent_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match=r"path does not exist: .*missing"):
        discover([tmp_path / "missing"], root=tmp_path)


def test_broken_symlink_is_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    write(tmp_path / "A.cls", APEX)
    (tmp_path / "Gone.cls").symlink_to(tmp_path / "nowhere.cls")

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in project.files] == ["A.cls"]
    assert codes(project) == ["unreadable-path"]
    assert project.notifications[0].path == "Gone.cls"


def test_symlink_loop_is_reported_and_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "pkg/A.cls", APEX)
    (tmp_path / "pkg/back").symlink_to(tmp_path / "pkg", target_is_directory=True)
    (tmp_path / "pkg/self").symlink_to(tmp_path / "pkg/self")

    project = discover([tmp_path / "pkg"], root=tmp_path)

    assert [f.rel for f in project.files] == ["pkg/A.cls"]
    assert sorted(codes(project)) == ["symlink-loop", "symlink-loop"]


def test_symlinked_folder_is_scanned_once(tmp_path: Path) -> None:
    write(tmp_path / "real/A.cls", APEX)
    (tmp_path / "zlink").symlink_to(tmp_path / "real", target_is_directory=True)

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in project.files] == ["real/A.cls"]
    assert codes(project) == ["duplicate-path"]


def test_a_file_and_a_symlink_to_it_are_read_once_under_the_file_s_own_name(tmp_path: Path) -> None:
    # AE-9: the first name in name order was kept, `Alias.cls`, a symlink: the class's findings
    # were reported at a path a code-scanning viewer cannot show, and none at `Leaky.cls`
    write(tmp_path / "classes/Leaky.cls", APEX)
    (tmp_path / "classes/Alias.cls").symlink_to("Leaky.cls")

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in project.files] == ["classes/Leaky.cls"]


def test_a_mavensmate_resource_bundle_is_read_as_its_static_resource(tmp_path: Path) -> None:
    """`src/resource-bundles/<Name>.resource/` is the unzipped source of a static resource: its
    scripts and HTML are the resource's code, its `.page` a file of the resource (tokens only, as
    in the zip), not a Visualforce page of the package; the folder is no misnamed file."""
    write(tmp_path / "src/package.xml", PACKAGE_XML)
    write(tmp_path / "src/staticresources/Tracker.resource-meta.xml", "<StaticResource/>")
    bundle = tmp_path / "src/resource-bundles/Tracker.resource"
    write(bundle / "js/tracker.js", "var sid = window.__sfdcSessionId;\n")
    write(bundle / "demo/index.html", "<html></html>\n")
    write(bundle / "example.page", "<apex:page/>\n")
    write(bundle / "lib/3.60.0/chat.js", "var c = 1;\n")  # a version folder: no misnamed file

    project = discover([tmp_path], root=tmp_path)

    found = by_rel(project)
    assert found["src/resource-bundles/Tracker.resource/js/tracker.js"].kind is FileKind.JAVASCRIPT
    assert found["src/resource-bundles/Tracker.resource/demo/index.html"].kind is FileKind.STATIC_RESOURCE
    assert found["src/resource-bundles/Tracker.resource/example.page"].kind is FileKind.TEXT
    assert codes(project) == []


def test_a_resource_bundle_whose_resource_is_built_is_read_once(tmp_path: Path) -> None:
    """A bundle next to its built resource (`staticresources/<Name>.resource`, the zip) is the
    same code: the built resource is scanned, the bundle is not, and a note says so."""
    write(tmp_path / "src/package.xml", PACKAGE_XML)
    write(tmp_path / "src/staticresources/Kit.resource", "PK")
    write(tmp_path / "src/staticresources/Kit.resource-meta.xml", "<StaticResource/>")
    write(tmp_path / "src/resource-bundles/Kit.resource/kit.js", "var x = 1;\n")
    # MavensMate names the folder with the resource's content type too
    write(tmp_path / "src/staticresources/Lib.resource", "PK")
    write(tmp_path / "src/resource-bundles/Lib.resource.application.x-zip-compressed/lib.js", "var y = 2;\n")
    write(tmp_path / "src/resource-bundles/Only.resource.application.zip/only.js", "var z = 3;\n")

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in project.files if "resource-bundles" in f.rel] \
        == ["src/resource-bundles/Only.resource.application.zip/only.js"]
    assert by_rel(project)["src/resource-bundles/Only.resource.application.zip/only.js"].kind is FileKind.JAVASCRIPT
    assert {"src/staticresources/Kit.resource", "src/staticresources/Lib.resource"} <= set(by_rel(project))
    assert codes(project) == ["resource-bundle"]
    assert "2 resource bundles not scanned (Kit, Lib)" in project.notifications[0].message



def test_a_resource_bundle_at_the_project_root_is_paired_with_its_resource_under_src(tmp_path: Path) -> None:
    """MavensMate's own layout keeps `resource-bundles/` at the project's root, beside `src/`, where
    the built resources are (`src/staticresources/`): read once too (AC, visualforce-angular)."""
    write(tmp_path / "src/package.xml", PACKAGE_XML)
    write(tmp_path / "src/staticresources/Kit.resource", "PK")
    write(tmp_path / "src/staticresources/Kit.resource-meta.xml", "<StaticResource/>")
    write(tmp_path / "resource-bundles/Kit.resource/kit.js", "var x = 1;\n")
    write(tmp_path / "resource-bundles/Loose.resource/loose.js", "var y = 2;\n")

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in project.files if "resource-bundles" in f.rel] == ["resource-bundles/Loose.resource/loose.js"]
    assert "src/staticresources/Kit.resource" in by_rel(project)
    assert codes(project) == ["resource-bundle"]
    assert "1 resource bundle not scanned (Kit)" in project.notifications[0].message

def test_folder_named_like_a_class_is_reported_and_walked(tmp_path: Path) -> None:
    write(tmp_path / "Odd.cls/Inner.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in project.files] == ["Odd.cls/Inner.cls"]
    assert codes(project) == ["not-a-file"]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads anything")
def test_unreadable_folder_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "A.cls", APEX)
    locked = tmp_path / "locked"
    write(locked / "B.cls", APEX)
    locked.chmod(0)
    try:
        project = discover([tmp_path], root=tmp_path)
    finally:
        locked.chmod(0o755)
    assert [f.rel for f in project.files] == ["A.cls"]
    assert codes(project) == ["unreadable-path"]


def test_tool_folders_and_hidden_entries_are_skipped(tmp_path: Path) -> None:
    for folder in ("node_modules", ".git", ".sfdx", ".sf", ".apexlint_cache", ".hidden"):
        write(tmp_path / folder / "X.cls", APEX)
    write(tmp_path / "A.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in project.files] == ["A.cls"]


def test_path_outside_the_root_is_reported_from_its_parent(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere/pkg/A.cls", APEX)
    (tmp_path / "root").mkdir()

    project = discover([tmp_path / "elsewhere/pkg"], root=tmp_path / "root")

    assert [f.rel for f in project.files] == ["pkg/A.cls"]
    assert codes(project) == ["outside-root"]
    (note,) = project.notifications
    # a warning that says what to do, pointing at no file: 'pkg' under the root is none
    assert note.level.value == "warning" and note.path is None and "pass --root" in note.message


def test_same_file_named_twice_is_listed_once(tmp_path: Path) -> None:
    cls = write(tmp_path / "pkg/A.cls", APEX)

    project = discover([tmp_path / "pkg", cls], root=tmp_path)

    assert [f.rel for f in project.files] == ["pkg/A.cls"]


def test_discovery_is_deterministic(tmp_path: Path) -> None:
    for name in ("b", "a", "c"):
        write(tmp_path / name / f"{name.upper()}.cls", APEX)

    first = discover([tmp_path], root=tmp_path)
    second = discover([tmp_path], root=tmp_path)

    assert first == second
    assert [f.rel for f in first.files] == ["a/A.cls", "b/B.cls", "c/C.cls"]


def test_invalid_forceignore_pattern_is_reported_and_the_rest_apply(tmp_path: Path) -> None:
    sfdx_project(tmp_path)
    write(tmp_path / ".forceignore", "!\n**/Skip.cls\n")
    write(tmp_path / "force-app/classes/Skip.cls", APEX)
    write(tmp_path / "force-app/classes/Keep.cls", APEX)

    project = discover([tmp_path], root=tmp_path)

    assert [f.rel for f in analysed(project)] == ["force-app/classes/Keep.cls"]
    assert codes(project) == ["bad-ignore-pattern"]


def test_a_forceignore_pattern_of_many_wildcards_costs_no_more_than_a_plain_one(tmp_path: Path) -> None:
    # AE-5: pathspec's regular expression for `*******a` backtracks through every split of a long
    # name (3 s for one file, minutes for `*` * 10): a package's .forceignore could stop the scan
    sfdx_project(tmp_path)
    write(tmp_path / ".forceignore", "*******a\n*x*y*z*w*v\n**/Skip.cls\n")
    write(tmp_path / "force-app/classes/Skip.cls", APEX)
    long_name = "a" * 40
    write(tmp_path / f"force-app/classes/{long_name}.cls", APEX)

    start = time.process_time()
    project = discover([tmp_path], root=tmp_path)

    assert time.process_time() - start < 1.5
    assert [f.rel for f in analysed(project)] == [f"force-app/classes/{long_name}.cls"]
    assert codes(project) == ["bad-ignore-pattern"]  # `*x*y*z*w*v`: more wildcards than matched


def test_a_package_xml_with_a_long_run_of_spaces_is_read_in_linear_time(tmp_path: Path) -> None:
    # AE-12: `<fullName>\s*([^<]*?)\s*</fullName>` backtracked through every split of the spaces:
    # 3,000 of them took about 25 s, a 1 MB package.xml never finished
    write(tmp_path / "src/package.xml", "<Package><fullName>" + " " * 3_000 + "x\n"
          + "<namespacePrefix>" + " " * 100_000 + "x\n<namespacePrefix> acme </namespacePrefix></Package>")
    write(tmp_path / "src/classes/A.cls", APEX)

    start = time.process_time()
    project = discover([tmp_path / "src"], root=tmp_path)

    assert time.process_time() - start < 1.5
    assert project.namespace == "acme"
    assert [f.rel for f in analysed(project)] == ["src/classes/A.cls"]


def test_a_folder_with_no_salesforce_source_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("nothing to scan here", encoding="utf-8")
    project = discover([tmp_path], tmp_path)
    assert analysed(project) == []
    assert searched(project) == ["docs/notes.txt"]  # for tokens: no Salesforce source for all that
    assert [n.code for n in project.notifications] == ["no-sources"]
    assert project.notifications[0].level.value == "warning" and project.notifications[0].path is None


def test_a_folder_with_sources_is_not_reported_as_empty(tmp_path: Path) -> None:
    (tmp_path / "A.cls").write_text("public class A {}", encoding="utf-8")
    assert not any(n.code == "no-sources" for n in discover([tmp_path], tmp_path).notifications)
