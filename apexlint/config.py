"""Project configuration: `.apexlint.toml` or `[tool.apexlint]` in `pyproject.toml`.

A CI job and a developer must get the same verdicts from the same checkout, so the settings that
change what is reported (rules, levels, fail-on, namespace, logging frameworks, exclusions) live in
a file committed beside the package; command-line flags override it for one run.

Keys are kebab-case in the file (`fail-on`, `logger-classes`) and snake_case on `Config`. A key we
do not know is an error naming the key and the file: a misspelt `fial-on` silently ignored would
turn a gate off without anyone noticing.

Discovery (`load_config`): `--config FILE` if given; otherwise the first directory from `start`
upwards that holds `.apexlint.toml`, or a `pyproject.toml` with a `[tool.apexlint]` table
(`.apexlint.toml` wins in the same directory). The search stops at a repository root (a directory
holding `.git`) so that a checkout never picks up settings from outside itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from apexlint.catalogue import load_catalogue, rule
from apexlint.patterns import lazy
from apexlint.records import field, frozen

__all__ = [
    "APEXLINT_TOML",
    "FAIL_ON_CHOICES",
    "LEVEL_CHOICES",
    "PYPROJECT_TOML",
    "Config",
    "ConfigError",
    "canonical_rule_id",
    "find_config_file",
    "load_config",
    "parse_config",
]

APEXLINT_TOML: Final = ".apexlint.toml"
PYPROJECT_TOML: Final = "pyproject.toml"
LEVEL_CHOICES: Final[tuple[str, ...]] = ("error", "warning", "note")
FAIL_ON_CHOICES: Final[tuple[str, ...]] = (*LEVEL_CHOICES, "never")
DEFAULT_MAX_FILE_BYTES: Final = 20_000_000  # the reader's own ceiling (read.decode.ReadLimits)
DEFAULT_FILE_TIMEOUT_SECONDS: Final = 30.0

# A Salesforce namespace prefix: up to 15 characters, a letter first, letters, digits and
# single underscores after it (the double underscore separates the prefix from a name).
_NAMESPACE = lazy(r"[A-Za-z](?:[A-Za-z0-9]|_(?!_))*")
_NAMESPACE_MAX = 15
# An Apex class name, possibly qualified by a namespace or outer class (`nebc.Logger`).
_APEX_CLASS = lazy(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file (or flag) and the key."""


@frozen  # not @dataclass: a stdlib dataclass costs every start-up 1 ms (see records.py)
class Config:
    """Every setting a scan reads; the defaults are what a scan without a config file does."""

    enabled_rules: frozenset[str] | None = None  # canonical ids; None = every rule in the catalogue
    disabled_rules: frozenset[str] = frozenset()  # wins over enabled_rules
    levels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # id -> level
    fail_on: str = "error"
    namespace: str | None = None  # overrides the namespace read from sfdx-project.json
    logger_classes: tuple[str, ...] = ()  # extra Apex logging frameworks, as written (compare lowered)
    exclude: tuple[str, ...] = ()  # gitignore-style patterns, anchored at the scan root
    include_tests: bool = False
    jobs: int | None = None  # worker processes; None = one per CPU
    cache: bool = True
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    file_timeout_seconds: float = DEFAULT_FILE_TIMEOUT_SECONDS
    category: str | None = None  # SARIF automationDetails.id (GitHub code scanning category)
    root: str | None = None  # SARIF URIs are relative to this (as written; resolved by the CLI)
    source: Path | None = None  # the file these settings came from, None for defaults

    def merged(self, **overrides: object) -> Config:
        """A copy where every override that is not None wins (command-line flags over the file).

        Values are validated like file values; errors name the flag (`--fail-on`). An override
        for a field `Config` does not have is a programming error (TypeError).
        """
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in known:
                raise TypeError(f"Config has no setting {name!r}")
            if value is None:
                continue
            flag = "--" + name.replace("_", "-")
            parse = _FIELD_PARSERS.get(name)
            changes[name] = parse(value, flag) if parse is not None else value
        return replace(self, **changes)

    def rule_enabled(self, rule_id: str) -> bool:
        """Whether findings of `rule_id` (canonical id) are reported under this configuration."""
        if rule_id in self.disabled_rules:
            return False
        return self.enabled_rules is None or rule_id in self.enabled_rules


# --- value parsers: (value, what) -> typed value; `what` names the key and file in errors ---------


def canonical_rule_id(name: str, what: str) -> str:
    """`sid002`, `SID002` and `session-id-exported` all mean SID002; anything else is an error."""
    try:
        return rule(name).id
    except KeyError:
        known = ", ".join(load_catalogue())
        message = f"{what}: unknown rule {name!r} (expected one of {known}, or a rule name)"
        raise ConfigError(message) from None


def _strings(value: object, what: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ConfigError(f"{what}: expected a list of strings, got {_kind(value)}")
    items = list(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{what}: expected a list of non-empty strings, found {item!r}")
    return [item.strip() for item in items]


def _rule_set(value: object, what: str) -> frozenset[str]:
    names = _strings(value, what)
    return frozenset(canonical_rule_id(name, what) for name in names)


def _enabled_rules(value: object, what: str) -> frozenset[str]:
    rules = _rule_set(value, what)
    if not rules:
        raise ConfigError(f"{what}: names no rule; leave it out to run every rule")
    return rules


def _choice(allowed: tuple[str, ...]) -> Callable[[object, str], str]:
    def parse(value: object, what: str) -> str:
        if not isinstance(value, str) or value.strip().lower() not in allowed:
            raise ConfigError(f"{what}: expected one of {', '.join(allowed)}, got {value!r}")
        return value.strip().lower()

    return parse


def _levels(value: object, what: str) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{what}: expected a table of rule = level, got {_kind(value)}")
    parse_level = _choice(LEVEL_CHOICES)
    levels: dict[str, str] = {}
    for name, level in value.items():
        rule_id = canonical_rule_id(str(name), what)
        levels[rule_id] = parse_level(level, f"{what} {name}")
    return MappingProxyType(dict(sorted(levels.items())))


def _namespace(value: object, what: str) -> str:
    if not isinstance(value, str) or not _NAMESPACE.fullmatch(value) or len(value) > _NAMESPACE_MAX:
        raise ConfigError(
            f"{what}: {value!r} is not a namespace prefix (a letter, then up to 14 letters, digits "
            "or single underscores)"
        )
    return value


def _logger_classes(value: object, what: str) -> tuple[str, ...]:
    names = _strings(value, what)
    for name in names:
        if not _APEX_CLASS.fullmatch(name):
            raise ConfigError(f"{what}: {name!r} is not an Apex class name")
    # Apex names are case-insensitive: `Logger` and `LOGGER` are one class.
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(name.lower(), name)
    return tuple(first.values())


def _patterns(value: object, what: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_strings(value, what)))


def _boolean(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{what}: expected true or false, got {value!r}")
    return value


def _positive_int(value: object, what: str) -> int:
    # bool is an int in Python; `jobs = true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{what}: expected a whole number of at least 1, got {value!r}")
    return value


def _positive_seconds(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{what}: expected a number of seconds, got {value!r}")
    seconds = float(value)
    if not (math.isfinite(seconds) and seconds > 0):
        raise ConfigError(f"{what}: expected a positive number of seconds, got {value!r}")
    return seconds


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{what}: expected a non-empty string, got {value!r}")
    return value.strip()


def _kind(value: object) -> str:
    return {str: "a string", bool: "a boolean", int: "a number", float: "a number",
            dict: "a table", list: "a list"}.get(type(value), type(value).__name__)


_FIELD_PARSERS: Final[Mapping[str, Callable[[object, str], Any]]] = MappingProxyType({
    "enabled_rules": _enabled_rules,
    "disabled_rules": _rule_set,
    "levels": _levels,
    "fail_on": _choice(FAIL_ON_CHOICES),
    "namespace": _namespace,
    "logger_classes": _logger_classes,
    "exclude": _patterns,
    "include_tests": _boolean,
    "jobs": _positive_int,
    "cache": _boolean,
    "max_file_bytes": _positive_int,
    "file_timeout_seconds": _positive_seconds,
    "category": _text,
    "root": _text,
})

# File key (kebab-case) -> Config field.
_FILE_KEYS: Final[Mapping[str, str]] = MappingProxyType({
    "enable": "enabled_rules",
    "disable": "disabled_rules",
    "levels": "levels",
    "fail-on": "fail_on",
    "namespace": "namespace",
    "logger-classes": "logger_classes",
    "exclude": "exclude",
    "include-tests": "include_tests",
    "jobs": "jobs",
    "cache": "cache",
    "max-file-bytes": "max_file_bytes",
    "file-timeout-seconds": "file_timeout_seconds",
    "category": "category",
    "root": "root",
})


# --- files -------------------------------------------------------------------------------------


def parse_config(table: Mapping[str, object], where: str, source: Path | None = None) -> Config:
    """A Config from one table of file keys; `where` ("pyproject.toml [tool.apexlint]") names it."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = _FILE_KEYS.get(key)
        if name is None:
            raise ConfigError(f"unknown key {key!r} in {where}{_did_you_mean(key)}")
        values[name] = _FIELD_PARSERS[name](value, f"{where}: {key}")
    return Config(**values, source=source)


def _did_you_mean(key: str) -> str:
    """Suggest the intended key: snake_case spellings and near misses are the usual mistakes."""
    kebab = key.replace("_", "-").lower()
    if kebab in _FILE_KEYS:
        return f" (did you mean '{kebab}'?)"
    import difflib  # only for a mistake in a config file

    close = difflib.get_close_matches(kebab, list(_FILE_KEYS), n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (known keys: {', '.join(sorted(_FILE_KEYS))})"


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # 3 ms to import: only a scan with a configuration file pays it
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or type(error).__name__})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: the file is not UTF-8 text") from None


def _tool_table(data: Mapping[str, Any]) -> object | None:
    """The `[tool.apexlint]` value of a pyproject.toml, or None when it has none."""
    tool = data.get("tool")
    return tool.get("apexlint") if isinstance(tool, Mapping) else None


def _config_from_file(path: Path) -> Config:
    """`pyproject.toml` is read at `[tool.apexlint]`; any other file at its top level."""
    data = _read_toml(path)
    if path.name != PYPROJECT_TOML:
        return parse_config(data, str(path), path)
    where = f"{path} [tool.apexlint]"
    table = _tool_table(data)
    if table is None:
        raise ConfigError(f"{path}: has no [tool.apexlint] table")
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: expected a table, got {_kind(table)}")
    return parse_config(table, where, path)


def _has_tool_table(pyproject: Path) -> bool:
    """Whether a discovered pyproject.toml configures apexlint (a broken one counts: say why)."""
    try:
        return _tool_table(_read_toml(pyproject)) is not None
    except ConfigError:
        return True  # let _config_from_file report the problem rather than skip the file


def find_config_file(start: Path) -> Path | None:
    """The config file that applies to `start` (a file or directory), searching upwards."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / APEXLINT_TOML
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT_TOML
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (directory / ".git").exists():
            return None  # the repository root: settings above it belong to something else
    return None


def load_config(explicit: Path | None, start: Path) -> Config:
    """The configuration for a scan: `--config FILE` if given, else the file found from `start`.

    Without either, the defaults. Raises ConfigError naming the file and key on any problem.
    """
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return _config_from_file(explicit)
    found = find_config_file(start)
    return _config_from_file(found) if found is not None else Config()
