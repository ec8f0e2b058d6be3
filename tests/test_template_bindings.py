"""Lightning templates: the URL attributes they bind to a component's properties (lower/templates.py)."""

from __future__ import annotations

from apexlint.ir import TemplateBinding
from apexlint.lower.templates import template_bindings


def test_an_lwc_template_binds_properties_into_url_attributes() -> None:
    html = """<template>
        <iframe src={frameUrl}></iframe>
        <a href={links.portal} target="_blank">Portal</a>
        <lightning-formatted-url value={docUrl}></lightning-formatted-url>
        <p title={caption}>{caption}</p>
    </template>"""
    assert template_bindings("force-app/lwc/viewer/viewer.html", html) == (
        TemplateBinding("frameUrl", "iframe.src in viewer.html", "{frameUrl}"),
        TemplateBinding("links", "a.href in viewer.html", "{links}"),
        TemplateBinding("docUrl", "lightning-formatted-url.value in viewer.html", "{docUrl}"),
    )


def test_a_commented_out_binding_renders_nothing() -> None:
    html = "<template><!-- <iframe src={draftUrl}></iframe> --><a href={helpUrl}>Help</a></template>"
    assert [b.name for b in template_bindings("lwc/help/help.html", html)] == ["helpUrl"]


def test_an_aura_expression_builds_the_url_around_the_attributes_it_reads() -> None:
    cmp = """<aura:component>
        <iframe src="{!v.viewerUrl}"/>
        <lightning:container src="{!'https://app.partner.example.com/i.html?sid=' + v.sid}"/>
        <ui:outputText value="{!v.caption}"/>
    </aura:component>"""
    assert template_bindings("aura/frame/frame.cmp", cmp) == (
        TemplateBinding("v.viewerUrl", "iframe.src in frame.cmp", "{v.viewerUrl}"),
        TemplateBinding("v.sid", "lightning:container.src in frame.cmp",
                        "https://app.partner.example.com/i.html?sid={v.sid}"),
    )


def test_a_template_with_no_url_binding_has_none() -> None:
    assert template_bindings("lwc/plain/plain.html", "<template><p>{greeting}</p></template>") == ()
