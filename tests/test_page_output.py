"""What a Visualforce page's output holds: its own merge fields and those of the components,
included pages and templates it renders (`PackageModel.emitting_views`)."""

from __future__ import annotations

from apexlint.ir import FileIR, FileKind
from apexlint.lower.visualforce import lower_visualforce
from apexlint.model.package import PackageModel
from apexlint.read.decode import read_source


def _file(path: str, markup: str) -> FileIR:
    kind = FileKind.VISUALFORCE_COMPONENT if path.endswith(".component") else FileKind.VISUALFORCE_PAGE
    src, _ = read_source(path, markup.encode("utf-8"), "")
    assert src is not None
    return lower_visualforce(src, kind)


def _model(files: dict[str, str], namespace: str = "acme") -> PackageModel:
    return PackageModel.build([_file(path, markup) for path, markup in files.items()], namespace)


def _emitting(model: PackageModel, page: str) -> list[str]:
    found = model.page_named(page)
    assert found is not None
    return [view.display for view in model.emitting_views(found)]


SESSION = "<apex:component>{!$Api.Session_ID}</apex:component>"


def test_a_page_emits_the_sessions_of_what_it_renders_all_the_way_down() -> None:
    model = _model({
        "pages/Outer.page": '<apex:page><apex:include pageName="acme__Middle"/><c:Token/></apex:page>',
        "pages/Middle.page": '<apex:page><apex:composition template="Layout"/></apex:page>',
        "pages/Layout.page": "<apex:page>{!$Api.Session_ID}<apex:insert name='body'/></apex:page>",
        "components/Token.component": SESSION,
    })
    assert _emitting(model, "outer") == ["Layout", "Token"]
    assert _emitting(model, "middle") == ["Layout"]


def test_a_component_of_the_packages_namespace_counts_and_another_namespaces_does_not() -> None:
    model = _model({
        "pages/Own.page": "<apex:page><acme:Token/></apex:page>",
        "pages/Other.page": "<apex:page><other:Token/><chatter:feed entityId='x'/></apex:page>",
        "components/Token.component": SESSION,
    })
    assert _emitting(model, "own") == ["Token"]
    assert _emitting(model, "other") == []


def test_a_page_and_a_component_of_one_name_are_told_apart() -> None:
    model = _model({
        "pages/Token.page": "<apex:page>plain</apex:page>",
        "pages/Shell.page": '<apex:page><apex:include pageName="Token"/></apex:page>',
        "components/Token.component": SESSION,
    })
    assert _emitting(model, "token") == []
    assert _emitting(model, "shell") == []


def test_pages_and_components_that_render_each_other_end() -> None:
    model = _model({
        "pages/A.page": '<apex:page><apex:include pageName="B"/>{!$Api.Session_ID}</apex:page>',
        "pages/B.page": '<apex:page><apex:include pageName="A"/><c:Loop/></apex:page>',
        "components/Loop.component": '<apex:component><c:Loop/><apex:include pageName="A"/></apex:component>',
    })
    assert _emitting(model, "a") == ["A"]
    assert _emitting(model, "b") == ["A"]
