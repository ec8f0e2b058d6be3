"""The rule catalogue a scan parsed is kept in its cache (`catalogue.remembered_catalogue`): a later
process takes it from there instead of parsing the rule files, but only for exactly those files'
bytes, only from a sealed cache file, and only in the shape a parse gives."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import shutil
from pathlib import Path

import pytest

from apexlint import catalogue
from apexlint.cache import MAGIC
from apexlint.engine import ScanOptions, scan
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
LEAK = b"public class Leak { void a() { System.debug(UserInfo.getSessionId()); } }\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fresh process's catalogue state; the rule files parsed from now on, by path."""
    monkeypatch.setattr(catalogue, "_PROCESS", {})
    parsed: list[str] = []
    real = catalogue.parse_rule

    def counting(text: str, path: str) -> catalogue.RuleMeta:
        parsed.append(path)
        return real(text, path)

    monkeypatch.setattr(catalogue, "parse_rule", counting)
    return parsed


def _new_process(monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    monkeypatch.setattr(catalogue, "_PROCESS", {})
    parses.clear()


def _options(tmp_path: Path) -> ScanOptions:
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Leak.cls": LEAK})
    return ScanOptions(paths=(src,), root=src, jobs=1, cache_dir=tmp_path / "cache")


def _same(a: object, b: object) -> bool:
    return dataclasses.replace(a, stats={}) == dataclasses.replace(b, stats={})  # type: ignore[type-var]


def test_a_later_process_takes_the_parsed_rules_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    options = _options(tmp_path)
    first = scan(options)
    assert len(parses) == len(catalogue.load_catalogue()) > 0
    _new_process(monkeypatch, parses)
    again = scan(options)
    assert parses == []
    assert catalogue.load_catalogue() == catalogue.load_catalogue_from(catalogue.catalogue_dir())
    assert _same(again, first) and first.findings


def test_a_changed_rule_file_is_parsed_again_and_the_result_follows_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    monkeypatch.setattr(catalogue, "catalogue_dir", lambda: rules)
    options = _options(tmp_path)
    first = scan(options)
    [finding] = first.findings
    rule_file = rules / f"{finding.rule_id}.md"
    text = rule_file.read_text(encoding="utf-8")
    assert f'level = "{finding.level}"' in text
    other = "note" if finding.level != "note" else "warning"
    rule_file.write_text(text.replace(f'level = "{finding.level}"', f'level = "{other}"'), encoding="utf-8")
    _new_process(monkeypatch, parses)
    again = scan(options)
    assert str(rule_file) in parses
    assert [f.level for f in again.findings] == [other], "the result remembered for the old rules is not used"
    _new_process(monkeypatch, parses)
    assert _same(scan(dataclasses.replace(options, cache_dir=None)), again)


@pytest.mark.parametrize("kept", [
    None, 5, ("not the digest", {}), ("DIGEST", {}), ("DIGEST", {"SID001": "not a rule"}), ("DIGEST",),
    ("DIGEST", {"SID999": "RULE"}),
])
def test_a_kept_catalogue_not_of_these_files_or_not_a_parse_is_parsed_anew(
        monkeypatch: pytest.MonkeyPatch, parses: list[str], kept: object) -> None:
    digest = catalogue.catalogue_digest()
    real = catalogue.load_catalogue_from(catalogue.catalogue_dir())
    some_rule = next(iter(real.values()))

    def spelt(value: object) -> object:
        if value == "DIGEST":
            return digest
        if value == "RULE":
            return some_rule  # a rule, but under another rule's id
        if isinstance(value, tuple):
            return tuple(spelt(v) for v in value)
        if isinstance(value, dict):
            return {k: spelt(v) for k, v in value.items()}
        return value

    class Keeper:
        def __init__(self) -> None:
            self.put: list[bytes] = []

        def catalogue(self) -> object:
            return spelt(kept)

        def put_catalogue(self, blob: bytes) -> None:
            self.put.append(blob)

    keeper = Keeper()
    parses.clear()
    assert catalogue.remembered_catalogue(keeper) == digest
    assert len(parses) == len(real)
    assert catalogue.load_catalogue() == real
    [blob] = keeper.put
    assert pickle.loads(blob) == (digest, real)


def test_the_digest_covers_every_rule_files_name_and_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    monkeypatch.setattr(catalogue, "catalogue_dir", lambda: rules)
    digests = {catalogue.catalogue_digest()}
    with (rules / "SID001.md").open("a", encoding="utf-8") as f:
        f.write("\n")
    digests.add(catalogue.catalogue_digest())
    (rules / "SID001.md").rename(rules / "SID012.md")
    digests.add(catalogue.catalogue_digest())
    (rules / "README.md").write_text("not a rule file")
    assert catalogue.catalogue_digest() in digests, "only rule files count"
    assert len(digests) == 3


def test_a_forged_catalogue_in_the_cache_is_not_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]) -> None:
    options = _options(tmp_path)
    first = scan(options)
    [kept] = (tmp_path / "cache").rglob("catalogue.pickle")
    real = catalogue.load_catalogue()
    forged_rules = {k: dataclasses.replace(v, short_description="forged") for k, v in real.items()}
    forged = pickle.dumps({"catalogue": pickle.dumps((catalogue.catalogue_digest(), forged_rules))})
    kept.write_bytes(MAGIC + hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    _new_process(monkeypatch, parses)
    again = scan(options)
    assert parses, "parsed again"
    assert catalogue.load_catalogue() == real
    assert _same(again, first)
