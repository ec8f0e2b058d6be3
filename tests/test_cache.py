"""The lowering cache: one verified bundle per scanned root, entries matched by path and key."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from pathlib import Path

import pytest

from apexlint import pipeline
from apexlint.cache import BUNDLE_MAGIC, MAGIC, FileStamp, LoweringCache, source_fingerprint
from apexlint.engine import ScanOptions, scan
from apexlint.ir import FileIR, FileKind
from apexlint.lower import Lowered
from apexlint.lower.lazy import BodyLoader
from tests.cache_files import OUTSIDE_TEXT, at_rest, obstruct
from tests.counting import count_analyses
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

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


@pytest.mark.parametrize("damage", ["truncated", "index flipped", "garbage", "checksum-only"])
def test_a_damaged_bundle_is_discarded_never_trusted(tmp_path: Path, damage: str) -> None:
    cache = LoweringCache(tmp_path, "1.0", "/project")
    cache.put("a.cls", "ka", STAMP, _lowered("a.cls"))
    cache.save()
    data = cache.path.read_bytes()
    if damage == "truncated":
        cache.path.write_bytes(data[: len(data) // 2])
    elif damage == "index flipped":  # a byte of the sealed index (it follows two header lines)
        at = data.index(b"\n", data.index(b"\n", len(BUNDLE_MAGIC)) + 1) + 10
        cache.path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
    elif damage == "garbage":
        cache.path.write_bytes(b"not a cache bundle")
    else:
        # what a pull request could commit: a well-formed bundle with a correct plain checksum, whose
        # unpickling would run code; without the user's key it never verifies
        index = pickle.dumps({"entries": {}, "bodies": {}})
        cache.path.write_bytes(BUNDLE_MAGIC + hashlib.sha256(index).hexdigest().encode() + b"\n"
                               + str(len(index)).encode() + b"\n" + index)
    reread = LoweringCache(tmp_path, "1.0", "/project")
    assert reread.get("a.cls", "ka", STAMP) is None
    assert not reread.path.exists(), "a bundle that does not verify is removed"


def test_a_damaged_entry_is_never_used_and_the_others_are(tmp_path: Path) -> None:
    """Entries are checked one by one against digests the sealed index holds: a byte flipped in
    one entry's pickle loses that entry only, and the next bundle written leaves it out."""
    cache = LoweringCache(tmp_path, "1.0", "/project")
    cache.put("a.cls", "ka", STAMP, _lowered("a.cls"))
    cache.put("b.cls", "kb", STAMP, _lowered("b.cls"))
    cache.save()
    data = cache.path.read_bytes()
    cache.path.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])  # in the last entry, b.cls
    reread = LoweringCache(tmp_path, "1.0", "/project")
    assert reread.get("b.cls", "kb", STAMP) is None
    assert reread.unchanged("b.cls", STAMP) is None
    assert reread.get("a.cls", "ka", STAMP) == _lowered("a.cls")
    reread.put("c.cls", "kc", STAMP, _lowered("c.cls"))
    reread.save()  # a whole bundle: a new entry is more than an eighth of these two
    again = LoweringCache(tmp_path, "1.0", "/project")
    assert again.get("a.cls", "ka", STAMP) == _lowered("a.cls")
    assert again.get("c.cls", "kc", STAMP) == _lowered("c.cls")
    assert not again.has_entry("b.cls"), "the damaged entry is not written again"


def test_a_warm_scan_reads_everything_from_the_cache(tmp_path: Path) -> None:
    root = REPO / "fixtures" / "vulnerable-sfdx"
    options = ScanOptions(paths=(root,), root=REPO, jobs=1, cache_dir=tmp_path)
    cold = scan(options)
    [bundle] = tmp_path.rglob("scan-*.pickle")
    written = bundle.stat().st_mtime_ns
    warm = scan(options)
    assert warm.findings == cold.findings
    assert bundle.stat().st_mtime_ns == written, "nothing changed: the bundle is not written again"


def _no_analysis(*args: object, **kwargs: object) -> None:
    raise AssertionError("the remembered result should have been used")


def test_an_unchanged_scan_returns_the_remembered_result_without_analysing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = REPO / "fixtures" / "vulnerable-sfdx"
    options = ScanOptions(paths=(root,), root=REPO, jobs=1, cache_dir=tmp_path)
    cold = scan(options)
    monkeypatch.setattr("apexlint.pipeline.analyse", _no_analysis)
    monkeypatch.setattr("apexlint.cache.LoweringCache._read", _no_analysis)  # not even the bundle is read
    warm = scan(options)
    assert dataclasses.replace(warm, stats={}) == dataclasses.replace(cold, stats={})
    assert set(warm.stats) == {"discover", "lower", "analyse", "report"}


def test_a_damaged_or_forged_result_is_not_trusted(tmp_path: Path) -> None:
    root = REPO / "fixtures" / "vulnerable-sfdx"
    options = ScanOptions(paths=(root,), root=REPO, jobs=1, cache_dir=tmp_path)
    cold = scan(options)
    [kept] = tmp_path.rglob("scan-*.result")
    data = kept.read_bytes()
    kept.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    again = scan(options)
    assert dataclasses.replace(again, stats={}) == dataclasses.replace(cold, stats={})
    assert kept.read_bytes() != data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:], "replaced by a good one"
    forged = pickle.dumps({"key": "anything", "result": pickle.dumps(None)})
    kept.write_bytes(MAGIC + hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    assert dataclasses.replace(scan(options), stats={}) == dataclasses.replace(cold, stats={})


@pytest.mark.parametrize("kind", ["folder", "link"])
@pytest.mark.parametrize("where", ["result", "analysis", "delta", "discovery", "catalogue", "bundle"])
def test_cache_files_that_are_folders_or_links_cost_only_speed(tmp_path: Path, where: str, kind: str) -> None:
    """A hostile or broken cache folder: the scan's result is the same, nothing outside is touched."""
    root = REPO / "fixtures" / "vulnerable-sfdx"
    options = ScanOptions(paths=(root,), root=REPO, jobs=1, cache_dir=tmp_path / "cache")
    cold = scan(options)
    [bundle] = (tmp_path / "cache").rglob("scan-*.pickle")
    target = bundle if where == "bundle" else bundle.with_name("catalogue.pickle") if where == "catalogue" \
        else bundle.with_suffix(f".{where}")
    outside = obstruct(target, kind, tmp_path / "outside.txt")
    for _ in range(2):
        again = scan(options)
        assert dataclasses.replace(again, stats={}) == dataclasses.replace(cold, stats={})
    assert outside.read_text() == OUTSIDE_TEXT
    assert not list((tmp_path / "cache").rglob(".tmp-*")), "a write that could not land leaves no debris"


LEAK = b"public class Leak { void a() { System.debug(UserInfo.getSessionId()); } }\n"


def _project(tmp_path: Path) -> tuple[Path, Path]:
    src = write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Leak.cls": LEAK,
        f"{SFDX_SOURCE}/classes/Other.cls": b"public class Other { void b() { Leak x = new Leak(); } }\n"})
    return src, src / SFDX_SOURCE / "classes"


@pytest.mark.parametrize("change", ["content", "added file", "removed file", "include tests", "logger class"])
def test_the_remembered_result_is_not_used_when_anything_it_depends_on_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    src, classes = _project(tmp_path)
    options = ScanOptions(paths=(src,), root=src, jobs=1, cache_dir=tmp_path / "cache")
    scan(options)
    if change == "content":
        leak = "public class Other { void b() { System.debug(UserInfo.getSessionId()); } }\n"
        (classes / "Other.cls").write_text(leak)
    elif change == "added file":
        (classes / "New.cls").write_text("public class New { void c() { System.debug(UserInfo.getSessionId()); } }\n")
    elif change == "removed file":
        (classes / "Other.cls").unlink()
    elif change == "include tests":
        options = dataclasses.replace(options, include_tests=True)
    else:
        options = dataclasses.replace(options, logger_classes=("Leak",))
    expected = scan(dataclasses.replace(options, cache_dir=None))
    calls = count_analyses(monkeypatch)
    again = scan(options)
    assert calls == [1], "the scan analysed again"
    assert dataclasses.replace(again, stats={}) == dataclasses.replace(expected, stats={})


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_first_scan_leaves_reading_and_hashing_to_whoever_lowers_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """With no entry to match, the main process does not read files for their keys; the keys the
    lowering computed serve the next scan (which lowers nothing: every entry is there)."""
    root = REPO / "fixtures" / "vulnerable-sfdx"
    options = ScanOptions(paths=(root,), root=REPO, jobs=jobs, cache_dir=tmp_path)
    monkeypatch.setattr("apexlint.pipeline.PARALLEL_BYTES", 0)  # with 2 jobs, workers lower (and hash)
    monkeypatch.setattr("apexlint.pipeline.content_key", _no_analysis)
    cold = scan(options)
    monkeypatch.setattr("apexlint.pipeline.lower_job", _no_analysis)
    [kept] = tmp_path.rglob("scan-*.result")
    kept.unlink()  # not the remembered result: the entries themselves
    warm = scan(options)
    assert dataclasses.replace(warm, stats={}) == dataclasses.replace(cold, stats={})


def test_a_file_rewritten_with_the_same_size_is_read_again(tmp_path: Path) -> None:
    """Its modification time changed: the stamp does not match, the content is hashed again."""
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Leak.cls": LEAK})
    cls = src / SFDX_SOURCE / "classes" / "Leak.cls"
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


def _bundle_of(tmp_path: Path, n: int) -> LoweringCache:
    cache = LoweringCache(tmp_path, "1.0", "/project")
    for i in range(n):
        cache.put(f"c{i}.cls", f"k{i}", STAMP, _lowered(f"c{i}.cls"))
    cache.save()
    return LoweringCache(tmp_path, "1.0", "/project")


def test_a_small_change_is_written_as_a_delta_beside_the_bundle(tmp_path: Path) -> None:
    cache = _bundle_of(tmp_path, 10)
    bundle = cache.path.read_bytes()
    assert cache.get("c0.cls", "k0", STAMP) is not None
    cache.put("c0.cls", "k0-changed", STAMP, _lowered("c0.cls"))
    cache.save()
    assert cache.path.read_bytes() == bundle, "one entry of ten: the bundle is not rewritten"
    assert cache.delta_path.exists()
    later = LoweringCache(tmp_path, "1.0", "/project")
    assert later.get("c0.cls", "k0-changed", STAMP) is not None and later.get("c0.cls", "k0", STAMP) is None
    assert all(later.get(f"c{i}.cls", f"k{i}", STAMP) is not None for i in range(1, 10))


def test_changes_that_outgrow_the_delta_rewrite_the_bundle(tmp_path: Path) -> None:
    cache = _bundle_of(tmp_path, 10)
    bundle = cache.path.read_bytes()
    cache.put("c0.cls", "k0-changed", STAMP, _lowered("c0.cls"))
    cache.save()
    later = LoweringCache(tmp_path, "1.0", "/project")
    for i in range(1, 4):  # with the first, four of ten
        later.put(f"c{i}.cls", f"k{i}-changed", STAMP, _lowered(f"c{i}.cls"))
    later.save()
    assert cache.path.read_bytes() != bundle and not cache.delta_path.exists()
    last = LoweringCache(tmp_path, "1.0", "/project")
    assert all(last.get(f"c{i}.cls", f"k{i}-changed", STAMP) is not None for i in range(4))


def test_a_delta_made_for_another_bundle_is_ignored(tmp_path: Path) -> None:
    """Two scans raced: one wrote a delta, the other the whole bundle. The delta's changes are in
    neither the bundle nor what is read back."""
    cache = _bundle_of(tmp_path, 10)
    cache.put("c0.cls", "k0-delta", STAMP, _lowered("c0.cls"))
    cache.save()
    stale = cache.delta_path.read_bytes()
    rewrite = LoweringCache(tmp_path, "1.0", "/project")
    for i in range(5):
        rewrite.put(f"c{i}.cls", f"k{i}-full", STAMP, _lowered(f"c{i}.cls"))
    rewrite.save()
    cache.delta_path.write_bytes(stale)
    later = LoweringCache(tmp_path, "1.0", "/project")
    assert later.get("c0.cls", "k0-delta", STAMP) is None and later.get("c0.cls", "k0-full", STAMP) is not None


def test_a_damaged_delta_is_discarded_and_the_bundle_still_used(tmp_path: Path) -> None:
    cache = _bundle_of(tmp_path, 10)
    cache.put("c0.cls", "k0-delta", STAMP, _lowered("c0.cls"))
    cache.save()
    data = cache.delta_path.read_bytes()
    cache.delta_path.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    later = LoweringCache(tmp_path, "1.0", "/project")
    assert later.get("c0.cls", "k0-delta", STAMP) is None and later.get("c1.cls", "k1", STAMP) is not None
    assert not later.delta_path.exists()


def test_a_file_deleted_after_the_bundle_was_written_is_dropped_through_the_delta(tmp_path: Path) -> None:
    base = tmp_path / "project"
    (base / "classes").mkdir(parents=True)
    names = [f"classes/C{i}.cls" for i in range(10)]
    for name in names:
        (base / name).write_text("public class C {}\n")
    first = LoweringCache(tmp_path / "cache", "1.0", "/project", base)
    for name in names:
        first.put(name, "k", STAMP, _lowered(name))
    first.save()
    (base / names[3]).unlink()
    second = LoweringCache(tmp_path / "cache", "1.0", "/project", base)
    second.put(names[0], "k-changed", STAMP, _lowered(names[0]))
    second.save()
    assert second.delta_path.exists()
    later = LoweringCache(tmp_path / "cache", "1.0", "/project", base)
    assert later.get(names[3], "k", STAMP) is None and later.get(names[4], "k", STAMP) is not None
    assert later.get(names[0], "k-changed", STAMP) is not None


def test_folders_of_other_versions_are_pruned_but_the_latest_few(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the cache's")
    root = tmp_path / "cache"
    root.mkdir()
    for age, name in enumerate(["0.0.9-aaaaaaaaaaaa", "0.0.8-bbbbbbbbbbbb", "0.0.7-cccccccccccc"]):
        (root / name).mkdir()
        (root / name / "scan-x.pickle").write_bytes(b"old")
        os.utime(root / name, ns=(1_700_000_000_000_000_000 - age * 10**12,) * 2)
    (root / "notes").mkdir()  # not a version folder: never touched
    (root / "0.0.6-dddddddddddd").symlink_to(outside, target_is_directory=True)
    cache = LoweringCache(root, "1.0", "/project")
    cache.put("a.cls", "ka", STAMP, _lowered("a.cls"))
    cache.save()
    assert sorted(p.name for p in root.iterdir()) == sorted(
        ["0.0.9-aaaaaaaaaaaa", "0.0.8-bbbbbbbbbbbb", "notes", "0.0.6-dddddddddddd", cache.dir.name])
    assert (outside / "keep.txt").exists(), "a link is not a version folder: nothing behind it is removed"


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


def test_a_stamp_records_the_settings_the_lowering_job_has(tmp_path: Path) -> None:
    """`file_stamp` builds the settings without making a job: they must stay the job's."""
    from apexlint.discover import discover
    from apexlint.read.decode import ReadLimits
    project = discover([REPO / "fixtures"], root=REPO)
    assert len({f.kind for f in project.files}) > 4
    for skip_tests in (False, True):
        for f in project.files:
            assert pipeline.file_stamp(f, skip_tests, ReadLimits()).how == \
                pipeline._job(f, b"", skip_tests).settings(ReadLimits())


def test_the_code_fingerprint_follows_every_source_file(tmp_path: Path) -> None:
    """The cache folder is named after apexlint's code: any source file added, removed, resized or
    touched gives another name; while a file's modification time is too recent to trust, its
    content counts too (an edit in the same clock tick at the same size); bytecode does not."""
    package = tmp_path / "apexlint"
    (package / "sub" / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    (package / "sub" / "b.py").write_text("B = 2\n")
    at_rest(package)
    first = source_fingerprint(str(package))
    assert source_fingerprint(str(package)) == first
    (package / "sub" / "__pycache__" / "b.cpython-311.pyc").write_bytes(b"bytecode")
    (package / "notes.txt").write_text("not code")
    assert source_fingerprint(str(package)) == first

    a = package / "a.py"
    then = a.stat().st_mtime_ns
    os.utime(a, ns=(then + 1_000_000, then + 1_000_000))  # touched
    assert source_fingerprint(str(package)) != first
    os.utime(a, ns=(then, then))
    assert source_fingerprint(str(package)) == first

    (package / "sub" / "c.py").write_text("C = 3\n")
    with_new = source_fingerprint(str(package))
    assert with_new != first
    c = package / "sub" / "c.py"
    stamp = c.stat()
    c.write_text("C = 4\n")  # same size, and the same (recent) time: only its content tells
    os.utime(c, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert source_fingerprint(str(package)) != with_new
    c.unlink()
    assert source_fingerprint(str(package)) == first


def test_a_temporary_file_never_reuses_a_name_that_exists(tmp_path: Path) -> None:
    """Writes go through a new file readable by the user only, renamed into place; a file or link
    already at a candidate name (debris, or planted in a committed cache) is skipped, not opened."""
    from apexlint import cache as cache_module

    outside = tmp_path / "outside.txt"
    outside.write_text(OUTSIDE_TEXT)
    folder = tmp_path / "cache"
    folder.mkdir()
    nxt = next(cache_module._TEMPORARIES) + 1
    (folder / f".tmp-{os.getpid()}-{nxt}").symlink_to(outside)
    (folder / f".tmp-{os.getpid()}-{nxt + 1}").write_text("debris")
    fd, name = cache_module._temporary(folder)
    os.close(fd)
    assert name.endswith(f".tmp-{os.getpid()}-{nxt + 2}")
    assert os.stat(name).st_mode & 0o777 == 0o600
    assert outside.read_text() == OUTSIDE_TEXT and (folder / f".tmp-{os.getpid()}-{nxt + 1}").read_text() == "debris"
