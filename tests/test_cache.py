"""The lowering cache: one verified bundle per scanned root, entries matched by path and key."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest

from apexlint.cache import FileStamp, LoweringCache
from apexlint.engine import ScanOptions, scan
from apexlint.ir import FileIR, FileKind
from apexlint.lower import Lowered
from apexlint.lower.lazy import BodyLoader

REPO = Path(__file__).resolve().parents[1]


def _lowered(path: str) -> Lowered:
    return Lowered((FileIR(path=path, kind=FileKind.APEX_CLASS, line_count=3),), (), 0.01)


STAMP = FileStamp(3, 1_700_000_000_000_000_000, "apex-class")


def test_an_entry_is_used_only_for_its_path_and_key(tmp_path: Path) -> None:
    cache = LoweringCache(tmp_path, "1.0", "/project")
    cache.put("classes/A.cls", "key-a", STAMP, _lowered("classes/A.cls"))
    cache.save()
    again = LoweringCache(tmp_path, "1.0", "/project")
    assert again.get("classes/A.cls", "key-a", STAMP) == _lowered("classes/A.cls")
    assert again.get("classes/A.cls", "key-b", STAMP) is None, "changed content has another key"
    assert again.get("classes/B.cls", "key-a", STAMP) is None
    assert LoweringCache(tmp_path, "1.0", "/other").get("classes/A.cls", "key-a", STAMP) is None
    assert LoweringCache(tmp_path, "2.0", "/project").get("classes/A.cls", "key-a", STAMP) is None


def test_an_unchanged_stamp_skips_reading_and_any_other_does_not(tmp_path: Path) -> None:
    cache = LoweringCache(tmp_path, "1.0", "/project")
    cache.put("a.cls", "ka", STAMP, _lowered("a.cls"))
    cache.save()
    again = LoweringCache(tmp_path, "1.0", "/project")
    assert again.unchanged("a.cls", STAMP) == _lowered("a.cls")
    for other in (FileStamp(4, STAMP.mtime_ns, STAMP.how), FileStamp(3, STAMP.mtime_ns + 1, STAMP.how),
                  FileStamp(3, STAMP.mtime_ns, "apex-class with tests"), FileStamp(3, 0, STAMP.how)):
        assert again.unchanged("a.cls", other) is None


def test_entries_of_files_a_scan_did_not_cover_are_kept(tmp_path: Path) -> None:
    first = LoweringCache(tmp_path, "1.0", "/project")
    first.put("a.cls", "ka", STAMP, _lowered("a.cls"))
    first.put("b.cls", "kb", STAMP, _lowered("b.cls"))
    first.save()
    subset = LoweringCache(tmp_path, "1.0", "/project")
    subset.put("a.cls", "ka2", STAMP, _lowered("a.cls"))
    subset.save()
    later = LoweringCache(tmp_path, "1.0", "/project")
    assert later.get("a.cls", "ka2", STAMP) is not None and later.get("b.cls", "kb", STAMP) is not None


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "checksum-only"])
def test_a_damaged_bundle_is_discarded_never_trusted(tmp_path: Path, damage: str) -> None:
    cache = LoweringCache(tmp_path, "1.0", "/project")
    cache.put("a.cls", "ka", STAMP, _lowered("a.cls"))
    cache.save()
    data = cache.path.read_bytes()
    if damage == "truncated":
        cache.path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        cache.path.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    elif damage == "garbage":
        cache.path.write_bytes(b"not a cache bundle")
    else:
        # what a pull request could commit: a well-formed bundle with a correct plain checksum, whose
        # unpickling would run code; without the user's key it never verifies
        payload = pickle.dumps({"entries": {}, "bodies": {}})
        cache.path.write_bytes(b"APEXLINT-CACHE-6\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    reread = LoweringCache(tmp_path, "1.0", "/project")
    assert reread.get("a.cls", "ka", STAMP) is None
    assert not reread.path.exists(), "a bundle that does not verify is removed"


def test_a_warm_scan_reads_everything_from_the_cache(tmp_path: Path) -> None:
    root = REPO / "fixtures" / "vulnerable-sfdx"
    options = ScanOptions(paths=(root,), root=REPO, jobs=1, cache_dir=tmp_path)
    cold = scan(options)
    [bundle] = tmp_path.rglob("scan-*.pickle")
    written = bundle.stat().st_mtime_ns
    warm = scan(options)
    assert warm.findings == cold.findings
    assert bundle.stat().st_mtime_ns == written, "nothing changed: the bundle is not written again"


def test_a_file_rewritten_with_the_same_size_is_read_again(tmp_path: Path) -> None:
    """Its modification time changed: the stamp does not match, the content is hashed again."""
    src = tmp_path / "pkg"
    classes = src / "force-app" / "main" / "default" / "classes"
    classes.mkdir(parents=True)
    (src / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app", "default": true}]}')
    cls = classes / "Leak.cls"
    cls.write_text("public class Leak { void a() { System.debug(UserInfo.getSessionId()); } }\n")
    options = ScanOptions(paths=(src,), root=src, jobs=1, cache_dir=tmp_path / "cache")
    assert [f.rule_id for f in scan(options).findings] == ["SID003"]
    cls.write_text("public class Leak { void a() { System.debug(UserInfo.getUserName()); } }\n"[:-1] + " \n")
    stat = cls.stat()
    os.utime(cls, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert scan(options).findings == ()


def test_a_warm_scan_parses_no_file_again_for_its_bodies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bodies the analysis lowered in the main process are kept with their file's entry."""
    parsed: list[str] = []
    original = BodyLoader._file

    def counting(self: BodyLoader, path: str) -> object:
        parsed.append(path)
        return original(self, path)

    monkeypatch.setattr(BodyLoader, "_file", counting)
    options = ScanOptions(paths=(REPO / "fixtures" / "vulnerable-sfdx",), root=REPO, jobs=1, cache_dir=tmp_path)
    cold = scan(options)
    assert parsed, "the analysis reads bodies the workers left for later"
    parsed.clear()
    warm = scan(options)
    assert parsed == []
    assert warm.findings == cold.findings


def test_entries_of_deleted_files_are_dropped(tmp_path: Path) -> None:
    base = tmp_path / "project"
    (base / "classes").mkdir(parents=True)
    (base / "classes" / "Kept.cls").write_text("public class Kept {}\n")
    first = LoweringCache(tmp_path / "cache", "1.0", "/project", base)
    first.put("classes/Kept.cls", "k1", STAMP, _lowered("classes/Kept.cls"))
    first.put("classes/Gone.cls", "k2", STAMP, _lowered("classes/Gone.cls"))
    first.save()
    assert LoweringCache(tmp_path / "cache", "1.0", "/project", base).get("classes/Gone.cls", "k2", STAMP)
    second = LoweringCache(tmp_path / "cache", "1.0", "/project", base)
    second.put("classes/Other.cls", "k3", STAMP, _lowered("classes/Other.cls"))
    second.save()
    later = LoweringCache(tmp_path / "cache", "1.0", "/project", base)
    assert later.get("classes/Kept.cls", "k1", STAMP) is not None
    assert later.get("classes/Gone.cls", "k2", STAMP) is None


def test_a_bundle_sealed_with_another_key_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = LoweringCache(tmp_path, "1.0", "/project")
    cache.put("a.cls", "ka", STAMP, _lowered("a.cls"))
    cache.save()
    monkeypatch.setattr("apexlint.cache.cache_key", lambda: b"another machine's key, 32 bytes!")
    reread = LoweringCache(tmp_path, "1.0", "/project")
    assert reread.get("a.cls", "ka", STAMP) is None
    assert not reread.path.exists()


def test_the_key_lives_outside_the_scanned_tree_and_only_its_owner_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from apexlint.cache import cache_key
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache_key.cache_clear()
    try:
        key = cache_key()
        stored = tmp_path / "xdg" / "apexlint" / "cache-key"
        assert stored.read_bytes() == key and len(key) == 32
        assert stored.stat().st_mode & 0o077 == 0
    finally:
        cache_key.cache_clear()


def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / ".apexlint_cache"
    link.symlink_to(elsewhere, target_is_directory=True)
    root = REPO / "fixtures" / "clean-sfdx"
    scan(ScanOptions(paths=(root,), root=REPO, jobs=1, cache_dir=link))
    assert list(elsewhere.iterdir()) == []
