"""Suppression directives: one parser for every comment syntax."""

from __future__ import annotations

from apexlint.lower.suppressions import next_code_line, parse_directive
from apexlint.read.source import SourceText


def test_markup_directive_gives_ids_and_reason() -> None:
    assert parse_directive("<!-- apexlint:disable-next-line SID002 -- partner needs it -->") == (
        ("SID002",), "partner needs it")


def test_line_and_block_comment_directives_are_read_alike() -> None:
    assert parse_directive("// apexlint:disable-next-line SID010 -- AJAX toolkit") == (("SID010",), "AJAX toolkit")
    assert parse_directive("/* apexlint:disable-next-line SID010 -- AJAX toolkit */") == (("SID010",), "AJAX toolkit")
    block = "/*\n * apexlint:disable-next-line SID001\n * -- documented\n * for review\n */"
    assert parse_directive(block) == (("SID001",), "documented for review")


def test_several_ids_may_be_separated_by_commas_or_spaces() -> None:
    assert parse_directive("// apexlint:disable-next-line SID002, sid006 SID010 -- r") == (
        ("SID002", "SID006", "SID010"), "r")


def test_directive_without_reason_has_an_empty_reason() -> None:
    assert parse_directive("<!-- apexlint:disable-next-line SID005 -->") == (("SID005",), "")
    assert parse_directive("// apexlint:disable-next-line SID005 --   ") == (("SID005",), "")


def test_other_comments_are_not_directives() -> None:
    assert parse_directive("// see apexlint:disable-next-line SID002 in the docs") is None
    assert parse_directive("// apexlint:disable-next-lines SID002 -- r") is None
    assert parse_directive("<!-- just a comment -->") is None


def test_target_is_the_next_non_blank_line() -> None:
    text = "// apexlint:disable-next-line SID002 -- r\n\n   \nfetch(x);\n"
    src = SourceText(path="a.js", text=text, parse_text=text)
    assert next_code_line(src, 0) == 4
