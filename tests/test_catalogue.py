"""The rule catalogue: every rule documented in full, within GitHub's limits, loadable both ways."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from apexlint import catalogue
from apexlint.catalogue import (
    SECTIONS,
    CatalogueError,
    RuleMeta,
    format_explain,
    format_rule_list,
    load_catalogue,
    load_catalogue_from,
    parse_rule,
    rule,
)

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

# The SPEC rule table: ids, names and default levels are fixed.
SPEC_RULES = {
    "SID001": ("session-id-in-async-context", "error"),
    "SID002": ("session-id-exported", "error"),
    "SID003": ("session-id-logged", "error"),
    "SID004": ("session-id-privileged-metadata-write", "error"),
    "SID005": ("outbound-message-sends-session-id", "error"),
    "SID006": ("session-id-in-url", "error"),
    "SID007": ("session-id-via-visualforce-content", "error"),
    "SID008": ("session-id-returned-to-client", "warning"),
    "SID009": ("hardcoded-session-token", "error"),
    "SID010": ("session-id-supported-use", "note"),
    "SID011": ("session-id-unresolved-use", "warning"),
}

# What SID009 flags; the catalogue must never contain a string it would report.
TOKEN_SHAPE = re.compile(r"00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._]{20,}")
SECURE_ALTERNATIVES = ("External Client App", "Named Credential", "admin")
REFERENCE_HOSTS = {"developer.salesforce.com", "help.salesforce.com", "cwe.mitre.org"}
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def all_rules() -> list[RuleMeta]:
    return list(load_catalogue().values())


def section(meta: RuleMeta, title: str) -> str:
    """The Markdown between `## title` and the next `##` heading."""
    pattern = rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)"
    match = re.search(pattern, meta.help_markdown, flags=re.MULTILINE | re.DOTALL)
    assert match is not None, f"{meta.id}: no '## {title}' section"
    return match.group(1)


def write_rule(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def valid_rule_text(rule_id: str = "SID002") -> str:
    return (RULES_DIR / "SID002.md").read_text(encoding="utf-8").replace('id = "SID002"', f'id = "{rule_id}"')


# --- the shipped catalogue ----------------------------------------------------------------------


def test_every_spec_rule_is_in_the_catalogue_with_its_spec_name_and_level() -> None:
    rules = load_catalogue()
    assert list(rules) == list(SPEC_RULES)
    for rule_id, (name, level) in SPEC_RULES.items():
        assert (rules[rule_id].name, rules[rule_id].level) == (name, level)


def test_rule_ids_and_names_are_unique() -> None:
    rules = all_rules()
    assert len({meta.id for meta in rules}) == len(rules)
    assert len({meta.name for meta in rules}) == len(rules)


def test_one_rule_file_per_rule() -> None:
    assert sorted(path.name for path in RULES_DIR.glob("SID*.md")) == [
        f"{rule_id}.md" for rule_id in SPEC_RULES
    ]


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_help_has_the_fixed_sections_in_order(meta: RuleMeta) -> None:
    headings = re.findall(r"^## (.+)$", meta.help_markdown, flags=re.MULTILINE)
    assert tuple(headings) == SECTIONS
    for title in SECTIONS:
        assert section(meta, title).strip(), f"{meta.id}: '## {title}' is empty"


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_descriptions_fit_github_limits(meta: RuleMeta) -> None:
    assert 0 < len(meta.short_description) <= 1024
    assert 0 < len(meta.full_description) <= 1024
    assert len(meta.name) <= 255
    assert "\n" not in meta.short_description and "\n" not in meta.full_description


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_security_severity_is_a_string_score_in_range(meta: RuleMeta) -> None:
    assert isinstance(meta.security_severity, str)
    assert 0.0 < float(meta.security_severity) <= 10.0


def test_supported_use_scores_low_and_unresolved_use_scores_medium() -> None:
    assert float(rule("SID010").security_severity) < 4.0
    assert 4.0 <= float(rule("SID011").security_severity) < 7.0


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_tags_mark_a_security_rule_with_its_cwe_tags(meta: RuleMeta) -> None:
    assert "security" in meta.tags
    assert len(meta.tags) <= 10
    assert meta.cwe, f"{meta.id} lists no CWE"
    for cwe_id in meta.cwe:
        number = int(cwe_id.removeprefix("CWE-"))
        assert f"external/cwe/cwe-{number:03d}" in meta.tags


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_precision_and_since_are_valid(meta: RuleMeta) -> None:
    assert meta.precision in {"very-high", "high", "medium", "low"}
    assert meta.since == "0.1.0"


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_use_instead_names_a_secure_alternative(meta: RuleMeta) -> None:
    use_instead = section(meta, "Use instead")
    assert any(alternative in use_instead for alternative in SECURE_ALTERNATIVES)


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_example_and_use_instead_show_code(meta: RuleMeta) -> None:
    fence = re.compile(r"^```(apex|html|xml|javascript)$", flags=re.MULTILINE)
    assert fence.search(section(meta, "Example")), f"{meta.id}: Example has no code block"
    assert fence.search(section(meta, "Use instead")), f"{meta.id}: Use instead has no code block"


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_why_is_this_bad_cites_the_salesforce_guidance(meta: RuleMeta) -> None:
    why = section(meta, "Why is this bad?")
    assert "Security Considerations for Session IDs" in why or "bearer credential" in why


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_references_are_links_to_salesforce_docs_or_cwe(meta: RuleMeta) -> None:
    bullets = [line for line in section(meta, "References").splitlines() if line.strip()]
    assert bullets
    for bullet in bullets:
        link = MARKDOWN_LINK.fullmatch(bullet.removeprefix("- "))
        assert link is not None, f"{meta.id}: reference {bullet!r} is not '- [title](url)'"
        url = urlparse(link.group(2))
        assert url.scheme == "https" and url.hostname in REFERENCE_HOSTS, bullet
    assert "secure_coding_considerations_sessionid" in section(meta, "References")


def test_no_rule_file_contains_a_string_shaped_like_a_live_token() -> None:
    for path in RULES_DIR.glob("*.md"):
        assert TOKEN_SHAPE.search(path.read_text(encoding="utf-8")) is None, path.name
    for meta in all_rules():
        rendered = format_explain(meta) + meta.help_markdown
        assert TOKEN_SHAPE.search(rendered) is None, meta.id


def test_the_token_pattern_would_catch_a_real_token_shape() -> None:
    """Guards the test above: the pattern is live, our placeholder is just short of it."""
    fake = "00D" + "0" * 12 + "!" + "A" * 20
    assert TOKEN_SHAPE.search(fake)
    assert "00D000000000000!AQ" in (RULES_DIR / "SID009.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_help_uri_points_at_the_rule_file_in_the_repository(meta: RuleMeta) -> None:
    assert meta.help_uri == f"https://github.com/apexlint/apexlint/blob/main/rules/{meta.id}.md"


# --- lookup ----------------------------------------------------------------------------------------


def test_rule_lookup_accepts_ids_and_names_in_any_case() -> None:
    assert rule("SID002").name == "session-id-exported"
    assert rule("sid002").id == "SID002"
    assert rule(" Session-ID-Exported ").id == "SID002"


def test_unknown_rule_raises_key_error_listing_the_known_ids() -> None:
    with pytest.raises(KeyError, match=r"unknown rule 'SID999'.*SID001"):
        rule("SID999")


def test_load_catalogue_returns_a_fresh_dict_each_time() -> None:
    first = load_catalogue()
    first.pop("SID001")
    assert "SID001" in load_catalogue()


# --- rendering -------------------------------------------------------------------------------------


def test_rule_list_has_a_row_per_rule_with_level_name_and_description() -> None:
    table = format_rule_list(all_rules())
    lines = table.splitlines()
    assert lines[0].split() == ["ID", "LEVEL", "NAME", "DESCRIPTION"]
    assert len(lines) == 1 + len(SPEC_RULES)
    for meta, line in zip(all_rules(), lines[1:], strict=True):
        assert line.startswith(meta.id)
        assert meta.level in line and meta.name in line and meta.short_description in line


def test_rule_list_is_sorted_by_id_whatever_the_input_order() -> None:
    rows = format_rule_list(reversed(all_rules())).splitlines()[1:]
    assert [row.split()[0] for row in rows] == list(SPEC_RULES)


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_explain_shows_title_classification_and_full_help(meta: RuleMeta) -> None:
    page = format_explain(meta)
    assert page.startswith(f"{meta.id}: {meta.name}\n")
    assert f"Level: {meta.level}" in page
    assert meta.security_severity in page
    assert all(tag in page for tag in meta.tags)
    assert meta.help_text in page


def test_explain_labels_the_severity_like_github() -> None:
    assert "9.1 (critical)" in format_explain(rule("SID002"))
    assert "1.0 (low)" in format_explain(rule("SID010"))


@pytest.mark.parametrize("meta", all_rules(), ids=lambda meta: meta.id)
def test_help_text_drops_markup_and_indents_code(meta: RuleMeta) -> None:
    text = meta.help_text
    assert "```" not in text and "## " not in text and "**" not in text
    assert "](http" not in text
    for title in SECTIONS:
        assert f"\n{title}\n{'-' * len(title)}\n" in "\n" + text
    first_code_line = section(meta, "Example").split("```", 2)[1].splitlines()[1]
    assert "    " + first_code_line.replace("`", "") in text


def test_plain_text_sets_code_apart_from_prose() -> None:
    markdown = "Do this:\n```apex\nSystem.debug('x');\n\nreturn;\n```\nDone.\n"
    assert (
        catalogue.render_plain_text(markdown)
        == "Do this:\n\n    System.debug('x');\n\n    return;\n\nDone.\n"
    )


def test_plain_text_strips_emphasis_that_wraps_across_lines() -> None:
    assert catalogue.render_plain_text("a **Named\nCredential** b\n") == "a Named\nCredential b\n"


def test_plain_text_keeps_link_addresses() -> None:
    text = catalogue.render_plain_text("See [the guide](https://help.salesforce.com/x) and `code`.\n")
    assert text == "See the guide <https://help.salesforce.com/x> and code.\n"


# --- where the catalogue is read from --------------------------------------------------------------


def test_source_checkout_reads_the_top_level_rules_folder() -> None:
    # Editable installs and checkouts have no apexlint/_catalogue (hatch force-include is wheel-only).
    assert Path(str(catalogue.catalogue_dir())) == RULES_DIR


def test_installed_catalogue_is_preferred_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed wheel: `_catalogue` is a folder beside the module, found without asking the
    package's loader (importlib.resources is 3 ms of start-up)."""
    package = tmp_path / "apexlint"
    shutil.copytree(RULES_DIR, package / "_catalogue")
    (package / "catalogue.py").write_text("")
    monkeypatch.setattr(catalogue, "__file__", str(package / "catalogue.py"))

    def not_asked(_name: str) -> None:
        raise AssertionError("a package on disk does not need its loader to find its files")

    monkeypatch.setattr("importlib.resources.files", not_asked)
    folder = catalogue.catalogue_dir()
    assert Path(str(folder)) == package / "_catalogue"
    assert list(load_catalogue_from(folder)) == list(SPEC_RULES)


def test_a_package_not_on_disk_asks_its_loader_for_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported from a zip (no module file on disk): the loader's view of the package is read."""
    package = tmp_path / "apexlint"
    shutil.copytree(RULES_DIR, package / "_catalogue")
    monkeypatch.setattr(catalogue, "__file__", str(tmp_path / "apexlint.zip" / "apexlint" / "catalogue.py"))
    monkeypatch.setattr("importlib.resources.files", lambda _name: package)  # a loader other than plain folders
    folder = catalogue.catalogue_dir()
    assert Path(str(folder)) == package / "_catalogue"
    assert list(load_catalogue_from(folder)) == list(SPEC_RULES)


# --- validation on load ----------------------------------------------------------------------------


def test_a_valid_folder_loads_and_ignores_non_rule_files(tmp_path: Path) -> None:
    write_rule(tmp_path, "SID002.md", valid_rule_text())
    write_rule(tmp_path, "README.md", "# not a rule\n")
    assert list(load_catalogue_from(tmp_path)) == ["SID002"]


def test_missing_front_matter_key_is_reported_with_the_file(tmp_path: Path) -> None:
    path = write_rule(tmp_path, "SID002.md", re.sub(r"(?m)^precision = .*\n", "", valid_rule_text()))
    with pytest.raises(CatalogueError, match=r"SID002\.md: missing front matter key\(s\): precision"):
        load_catalogue_from(path.parent)


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    write_rule(tmp_path, "SID003.md", valid_rule_text("SID002"))
    with pytest.raises(CatalogueError, match=r"SID003\.md: id 'SID002' does not match the file name"):
        load_catalogue_from(tmp_path)


def test_invalid_level_is_rejected() -> None:
    text = valid_rule_text().replace('level = "error"', 'level = "critical"')
    with pytest.raises(
        CatalogueError, match=r"SID002\.md: level 'critical' is not one of error, warning, note"
    ):
        parse_rule(text, "rules/SID002.md")


def test_sections_out_of_order_are_rejected() -> None:
    text = valid_rule_text().replace("## Example", "## Placeholder").replace("## Use instead", "## Example")
    text = text.replace("## Placeholder", "## Use instead")
    with pytest.raises(CatalogueError, match=r"SID002\.md: '##' sections must be"):
        parse_rule(text, "rules/SID002.md")


def test_missing_section_is_rejected() -> None:
    text = valid_rule_text().split("## References")[0]
    with pytest.raises(
        CatalogueError, match=r"found What it does / Why is this bad\? / Example / Use instead$"
    ):
        parse_rule(text, "rules/SID002.md")


def test_example_without_code_block_is_rejected() -> None:
    example = section(rule("SID002"), "Example")
    text = valid_rule_text().replace(example, "\nSee the docs.\n\n")
    with pytest.raises(CatalogueError, match=r"'## Example' needs a fenced code block"):
        parse_rule(text, "rules/SID002.md")


@pytest.mark.parametrize("severity", ['"0"', '"10.5"', '"high"', "9.1"])
def test_security_severity_must_be_a_string_in_range(severity: str) -> None:
    text = valid_rule_text().replace('security_severity = "9.1"', f"security_severity = {severity}")
    with pytest.raises(CatalogueError, match=r"SID002\.md: security_severity"):
        parse_rule(text, "rules/SID002.md")


def test_tags_without_security_are_rejected() -> None:
    text = valid_rule_text().replace('    "security",\n', "")
    with pytest.raises(CatalogueError, match=r"tags must include 'security'"):
        parse_rule(text, "rules/SID002.md")


def test_cwe_without_its_tag_is_rejected() -> None:
    text = valid_rule_text().replace('    "external/cwe/cwe-522",\n', "")
    with pytest.raises(
        CatalogueError, match=r"CWE-522 is listed in cwe but tag 'external/cwe/cwe-522' is missing"
    ):
        parse_rule(text, "rules/SID002.md")


def test_overlong_description_is_rejected() -> None:
    text = re.sub(r'(?m)^short_description = ".*"$', f'short_description = "{"x" * 1025}"', valid_rule_text())
    with pytest.raises(CatalogueError, match=r"short_description has 1025 characters"):
        parse_rule(text, "rules/SID002.md")


def test_unclosed_front_matter_is_rejected() -> None:
    with pytest.raises(CatalogueError, match=r"SID002\.md: the TOML front matter is not closed"):
        parse_rule('+++\nid = "SID002"\n', "rules/SID002.md")


def test_duplicate_rule_names_are_rejected(tmp_path: Path) -> None:
    write_rule(tmp_path, "SID002.md", valid_rule_text())
    write_rule(tmp_path, "SID003.md", valid_rule_text("SID003"))
    with pytest.raises(CatalogueError, match=r"name 'session-id-exported' is already used by SID002"):
        load_catalogue_from(tmp_path)
