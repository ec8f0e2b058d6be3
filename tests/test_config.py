"""Configuration: discovery of `.apexlint.toml` / `[tool.apexlint]`, validation, CLI precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from apexlint.config import Config, ConfigError, find_config_file, load_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout root: discovery must not look above it."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    return tmp_path / "repo"


def test_no_config_file_gives_the_defaults(repo: Path) -> None:
    config = load_config(None, repo)
    assert config == Config()
    assert config.fail_on == "error" and config.cache and config.enabled_rules is None


def test_apexlint_toml_is_found_from_a_subdirectory(repo: Path) -> None:
    write(repo / ".apexlint.toml", 'fail-on = "warning"\nnamespace = "acme"\n')
    start = repo / "force-app" / "main" / "default"
    start.mkdir(parents=True)
    config = load_config(None, start)
    assert config.fail_on == "warning"
    assert config.namespace == "acme"
    assert config.source == (repo / ".apexlint.toml").resolve()


def test_pyproject_tool_table_is_found(repo: Path) -> None:
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.apexlint]\ninclude-tests = true\njobs = 4\n')
    config = load_config(None, repo / "src")
    assert config.include_tests is True
    assert config.jobs == 4


def test_pyproject_without_tool_table_is_skipped_for_one_above(repo: Path) -> None:
    write(repo / ".apexlint.toml", 'fail-on = "note"\n')
    write(repo / "sub" / "pyproject.toml", '[tool.black]\nline-length = 100\n')
    assert load_config(None, repo / "sub").fail_on == "note"


def test_apexlint_toml_wins_over_pyproject_in_the_same_directory(repo: Path) -> None:
    write(repo / ".apexlint.toml", 'fail-on = "note"\n')
    write(repo / "pyproject.toml", '[tool.apexlint]\nfail-on = "never"\n')
    assert find_config_file(repo) == (repo / ".apexlint.toml").resolve()


def test_the_nearest_config_file_wins(repo: Path) -> None:
    write(repo / ".apexlint.toml", 'fail-on = "note"\n')
    write(repo / "pkg" / ".apexlint.toml", 'fail-on = "warning"\n')
    assert load_config(None, repo / "pkg").fail_on == "warning"


def test_discovery_stops_at_the_repository_root(tmp_path: Path, repo: Path) -> None:
    write(tmp_path / ".apexlint.toml", 'fail-on = "never"\n')
    assert load_config(None, repo) == Config()


def test_discovery_starts_from_a_file_argument(repo: Path) -> None:
    write(repo / ".apexlint.toml", 'fail-on = "warning"\n')
    cls = write(repo / "classes" / "A.cls", "public class A {}\n")
    assert load_config(None, cls).fail_on == "warning"


def test_explicit_config_file_is_used_instead_of_discovery(repo: Path, tmp_path: Path) -> None:
    write(repo / ".apexlint.toml", 'fail-on = "note"\n')
    explicit = write(tmp_path / "ci.toml", 'fail-on = "never"\n')
    assert load_config(explicit, repo).fail_on == "never"


def test_explicit_pyproject_is_read_at_tool_apexlint(tmp_path: Path) -> None:
    explicit = write(tmp_path / "pyproject.toml", '[tool.apexlint]\ndisable = ["SID010"]\n')
    assert load_config(explicit, tmp_path).disabled_rules == frozenset({"SID010"})


def test_explicit_pyproject_without_table_is_an_error(tmp_path: Path) -> None:
    explicit = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"no \[tool.apexlint\] table"):
        load_config(explicit, tmp_path)


def test_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", tmp_path)


def test_every_key_is_read(repo: Path) -> None:
    write(repo / ".apexlint.toml", """
enable = ["SID001", "session-id-exported", "sid003"]
disable = ["SID003"]
fail-on = "Warning"
namespace = "acme_ns"
logger-classes = ["Logger", "nebc.Logger", "LOGGER"]
exclude = ["force-app/test/**", "*.resource"]
include-tests = true
jobs = 2
cache = false
max-file-bytes = 1000
file-timeout-seconds = 2.5
category = "apexlint/package"
root = "."

[levels]
SID010 = "warning"
session-id-unresolved-use = "error"
""")
    config = load_config(None, repo)
    assert config.enabled_rules == frozenset({"SID001", "SID002", "SID003"})
    assert config.disabled_rules == frozenset({"SID003"})
    assert dict(config.levels) == {"SID010": "warning", "SID011": "error"}
    assert config.fail_on == "warning"
    assert config.namespace == "acme_ns"
    assert config.logger_classes == ("Logger", "nebc.Logger")  # Apex names are case-insensitive
    assert config.exclude == ("force-app/test/**", "*.resource")
    assert (config.include_tests, config.jobs, config.cache) == (True, 2, False)
    assert (config.max_file_bytes, config.file_timeout_seconds) == (1000, 2.5)
    assert (config.category, config.root) == ("apexlint/package", ".")


def test_disabled_rule_wins_over_enabled() -> None:
    config = Config(enabled_rules=frozenset({"SID001", "SID002"}), disabled_rules=frozenset({"SID002"}))
    assert config.rule_enabled("SID001")
    assert not config.rule_enabled("SID002")
    assert not config.rule_enabled("SID003")
    assert Config().rule_enabled("SID011")


def test_unknown_key_is_an_error_naming_key_and_file(repo: Path) -> None:
    write(repo / ".apexlint.toml", 'foo = 1\n')
    with pytest.raises(ConfigError, match=r"unknown key 'foo' in .*\.apexlint\.toml"):
        load_config(None, repo)


def test_unknown_key_in_pyproject_names_the_table(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.apexlint]\nfail_on = "error"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(None, repo)
    message = str(caught.value)
    assert "unknown key 'fail_on'" in message
    assert "pyproject.toml [tool.apexlint]" in message
    assert "did you mean 'fail-on'" in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('fail-on = "sometimes"', "fail-on"),
        ("fail-on = 1", "fail-on"),
        ("jobs = 0", "jobs"),
        ("jobs = true", "jobs"),
        ('jobs = "4"', "jobs"),
        ('cache = "yes"', "cache"),
        ("max-file-bytes = -5", "max-file-bytes"),
        ("file-timeout-seconds = 0", "file-timeout-seconds"),
        ("file-timeout-seconds = nan", "file-timeout-seconds"),
        ('enable = "SID001"', "enable"),
        ("enable = []", "enable"),
        ('disable = ["SID999"]', "disable"),
        ('disable = [""]', "disable"),
        ('namespace = "has space"', "namespace"),
        ('namespace = "a__b"', "namespace"),
        ('namespace = "waytoolongnamespace"', "namespace"),
        ('logger-classes = ["Logger()"]', "logger-classes"),
        ('exclude = "force-app"', "exclude"),
        ('category = ""', "category"),
        ('levels = "error"', "levels"),
    ],
)
def test_bad_value_is_an_error_naming_the_key(repo: Path, text: str, key: str) -> None:
    write(repo / ".apexlint.toml", text + "\n")
    with pytest.raises(ConfigError, match=rf"\.apexlint\.toml: {key}"):
        load_config(None, repo)


def test_level_override_for_unknown_rule_is_an_error(repo: Path) -> None:
    write(repo / ".apexlint.toml", '[levels]\nSID042 = "note"\n')
    with pytest.raises(ConfigError, match=r"levels: unknown rule 'SID042'"):
        load_config(None, repo)


def test_level_override_with_bad_level_is_an_error(repo: Path) -> None:
    write(repo / ".apexlint.toml", '[levels]\nSID010 = "critical"\n')
    with pytest.raises(ConfigError, match=r"levels SID010: expected one of error, warning, note"):
        load_config(None, repo)


def test_invalid_toml_is_an_error_naming_the_file(repo: Path) -> None:
    write(repo / ".apexlint.toml", "fail-on = \n")
    with pytest.raises(ConfigError, match=r"\.apexlint\.toml: invalid TOML"):
        load_config(None, repo)


def test_broken_pyproject_is_reported_not_skipped(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.apexlint\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: invalid TOML"):
        load_config(None, repo)


def test_command_line_overrides_the_file(repo: Path) -> None:
    write(repo / ".apexlint.toml", 'fail-on = "note"\nnamespace = "acme"\njobs = 2\n')
    config = load_config(None, repo).merged(fail_on="never", jobs=None, namespace=None,
                                            enabled_rules=["sid002"], cache=False)
    assert config.fail_on == "never"  # the flag wins
    assert config.namespace == "acme" and config.jobs == 2  # flags not given keep the file's values
    assert config.enabled_rules == frozenset({"SID002"})
    assert config.cache is False


def test_command_line_values_are_validated_naming_the_flag() -> None:
    with pytest.raises(ConfigError, match="--fail-on: expected one of"):
        Config().merged(fail_on="loud")
    with pytest.raises(ConfigError, match="--levels: unknown rule 'SID000'"):
        Config().merged(levels={"SID000": "note"})


def test_merging_an_unknown_setting_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="no setting 'colour'"):
        Config().merged(colour=True)
