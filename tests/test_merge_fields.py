"""Merge-field scanning: session reads, controller references, hostile text."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from apexlint.read.merge_fields import MergeField, TextPositions, find_merge_fields, parse_expression


def only(text: str) -> MergeField:
    fields = find_merge_fields(text)
    assert len(fields) == 1, fields
    return fields[0]


def test_session_global_is_found_in_any_case_and_spacing() -> None:
    for text in ("{!$Api.Session_ID}", "{! $API.session_id }", "{!$api . SESSION_ID}", "{!\n $Api.Session_ID\n}"):
        field = only(text)
        assert field.is_session, text
        ref = field.session_refs[0]
        assert text[ref.start:ref.end] == ref.text
        assert ref.text.replace(" ", "").replace("\n", "").lower() == "$api.session_id"


def test_getsessionid_call_is_found_in_any_case_and_spacing() -> None:
    for text in ("{!GETSESSIONID()}", "{! getSessionId ( ) }", "{!URLENCODE(GetSessionId())}"):
        field = only(text)
        assert field.is_session, text
        assert field.session_refs[0].text.lower().startswith("getsessionid")


def test_session_inside_a_function_argument_is_found() -> None:
    field = only("{!URLENCODE($Api.Session_ID)}")
    assert field.is_session
    assert field.identifiers == ()


def test_controller_binding_yields_its_first_identifier_lower_cased() -> None:
    assert only("{!sessionToken}").identifiers == ("sessiontoken",)
    assert only("{!controller.prop}").identifiers == ("controller",)
    assert only("{!IF(showIt, Account.Name, 'x')}").identifiers == ("showit", "account")


def test_globals_functions_and_literals_are_not_controller_references() -> None:
    assert only("{!$User.Id}").identifiers == ()
    assert only("{!TRUE}").identifiers == ()
    assert only("{!URLFOR($Resource.lib, 'a.js')}").identifiers == ()
    assert not only("{!$Api.Partner_Server_URL_260}").is_session


def test_session_words_inside_a_string_literal_are_not_a_read() -> None:
    assert not only("{!'$Api.Session_ID'}").is_session
    assert not only('{!"GETSESSIONID()"}').is_session


def test_braces_and_quotes_inside_string_literals_do_not_close_the_field() -> None:
    text = '{!IF(a > b, "}{!", \'{x}\')} tail {!$Api.Session_ID}'
    fields = find_merge_fields(text)
    assert [f.terminated for f in fields] == [True, True]
    assert fields[0].end == text.index(" tail")
    assert fields[1].is_session


def test_unterminated_field_does_not_swallow_the_rest_of_the_file() -> None:
    text = "<p>{!broken\n<a href='{!$Api.Session_ID}'>x</a>"
    fields = find_merge_fields(text)
    assert not fields[0].terminated
    assert fields[-1].is_session and fields[-1].terminated


def test_unclosed_string_falls_back_to_the_next_brace() -> None:
    fields = find_merge_fields("{!IF(x, 'oops)} and {!$Api.Session_ID}")
    assert fields[-1].is_session


def test_offsets_point_at_the_braces() -> None:
    text = "ab {!x} cd"
    field = only(text)
    assert text[field.start:field.end] == "{!x}"
    assert field.expression == "x"


def test_formula_text_without_braces_is_parsed_for_session_reads() -> None:
    formula = 'HYPERLINK("https://x.example.com/?sid=" & GETSESSIONID(), "Open")'
    refs, idents = parse_expression(formula)
    assert [r.text for r in refs] == ["GETSESSIONID()"]
    assert formula[refs[0].start:refs[0].end] == "GETSESSIONID()"
    assert idents == ()


def test_hostile_ten_megabyte_lines_scan_in_linear_time() -> None:
    for unit in ("{!'", "{!(", "{!{", '{!"}', "}{!", "{!a "):
        text = unit * (2_000_000 // len(unit))
        start = time.perf_counter()
        find_merge_fields(text)
        assert time.perf_counter() - start < 8, unit
    start = time.perf_counter()
    find_merge_fields("{!" * 5_000_000)
    find_merge_fields("{!'" + "a" * 10_000_000)
    find_merge_fields(("{!" + "a" * 25_000) * 400 + "}")
    assert time.perf_counter() - start < 4


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"{}!()'\"\\$.aA_ \n", "{!", "$Api.Session_ID", "é"])).map("".join))
def test_any_text_yields_ordered_fields_inside_the_text(text: str) -> None:
    fields = find_merge_fields(text)
    previous_end = 0
    for field in fields:
        assert previous_end <= field.start < field.end <= len(text)
        assert text.startswith("{!", field.start)
        for ref in field.session_refs:
            assert field.start <= ref.start < ref.end <= field.end
        previous_end = field.end


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"ab\n{!}", "é", "😀", "\r\n"])).map("".join), st.data())
def test_text_positions_match_utf8_encoding(text: str, data: st.DataObject) -> None:
    positions = TextPositions(text)
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert positions.byte_offset(offset) == len(text[:offset].encode("utf-8"))
    row = text[:offset].count("\n")
    col = len(text[:offset].rsplit("\n", 1)[-1].encode("utf-8"))
    assert positions.point(offset) == (row, col)
    offsets = sorted({0, offset, len(text)})
    assert positions.byte_offsets(offsets) == [len(text[:o].encode("utf-8")) for o in offsets]
