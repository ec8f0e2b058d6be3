"""A re-scan's discovery (apexlint/discover/recall.py): the last walk's result is used only when
nothing the walk looked at has changed. Each change below must give what a fresh walk gives;
a tree with no change (file contents aside) must not be walked again."""

from __future__ import annotations

import json
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apexlint.discover import Project, discover, observed, recall
from apexlint.discover.project import files_digest
from apexlint.engine import ScanOptions, scan

APEX = "public class A {}\n"
RESOURCE_META = """<?xml version="1.0" encoding="UTF-8"?>
<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">
    <contentType>{}</contentType>
</StaticResource>
"""
# Tests make a change right after a walk; a short window, and a pause after building each tree,
# keep that change's time apart from the tree's (file systems count time in ticks; observed.py).
WINDOW_NS = 50_000_000


class MemoryKeeper:
    """The scan cache's two methods, in memory; counts what is kept."""

    def __init__(self) -> None:
        self.blob: bytes | None = None
        self.kept = 0

    def discovery(self) -> object | None:
        return None if self.blob is None else pickle.loads(self.blob)

    def put_discovery(self, blob: bytes) -> None:
        self.blob, self.kept = blob, self.kept + 1


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the walks `discover_remembered` makes; the racy window is made short."""
    monkeypatch.setattr(observed, "RACY_NS", WINDOW_NS)
    count = [0]
    real = discover

    def counted(*args: object, **kwargs: object) -> Project:
        count[0] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(recall, "discover", counted)
    return count


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def project_tree(root: Path, namespace: str = "acme") -> Path:
    config = {"name": "Acme", "namespace": namespace,
              "packageDirectories": [{"path": "force-app", "default": True}, {"path": "extra"}]}
    write(root / "sfdx-project.json", json.dumps(config))
    write(root / ".forceignore", "**/ignored/**\n")
    classes = root / "force-app/main/default/classes"
    write(classes / "A.cls", APEX)
    write(classes / "A.cls-meta.xml")
    write(classes / "ignored/B.cls", APEX)
    write(root / "force-app/main/default/staticresources/lib.zip", "not a zip")
    resources = root / "force-app/main/default/staticresources"
    write(resources / "lib.resource-meta.xml", RESOURCE_META.format("application/zip"))
    write(root / "force-app/main/default/pages/P.page", "<apex:page/>")
    (root / "shared").mkdir()
    write(root / "shared/S.cls", APEX)
    os.symlink(root / "shared", root / "force-app/main/default/linked")
    os.symlink(root / "missing", root / "force-app/main/default/broken.cls")
    time.sleep(2 * WINDOW_NS / 1e9)
    return root


def remembered(root: Path, keeper: MemoryKeeper) -> Project:
    return recall.discover_remembered([root], root, (), None, keeper)


def fresh(root: Path) -> Project:
    return discover([root], root=root)


def test_an_unchanged_tree_is_not_walked_again(tmp_path: Path, walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    keeper = MemoryKeeper()
    first = remembered(root, keeper)
    assert (walks[0], keeper.kept) == (1, 1)
    again = remembered(root, keeper)
    assert walks[0] == 1 and again == first == fresh(root)
    assert again.digest == files_digest(again.files), "the walk's digest of its files, kept with the record"
    assert {f.rel for f in again.files} >= {"force-app/main/default/classes/A.cls",
                                            "force-app/main/default/linked/S.cls"}
    assert "broken-symlink" in repr(again.notifications) or "broken symlink" in repr(again.notifications)


def test_a_file_edited_in_place_keeps_the_record_and_gets_its_new_stamp(tmp_path: Path, walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    keeper = MemoryKeeper()
    remembered(root, keeper)
    target = root / "force-app/main/default/classes/A.cls"
    with target.open("a", encoding="utf-8") as stream:
        stream.write("// more\n")
    again = remembered(root, keeper)
    assert walks[0] == 1
    assert again == fresh(root)
    found = next(f for f in again.files if f.rel.endswith("classes/A.cls"))
    assert (found.size, found.mtime_ns) == (target.stat().st_size, target.stat().st_mtime_ns)


def _add_file(root: Path) -> None:
    write(root / "force-app/main/default/classes/C.cls", APEX)


def _remove_file(root: Path) -> None:
    (root / "force-app/main/default/pages/P.page").unlink()


def _rename_file(root: Path) -> None:
    (root / "force-app/main/default/classes/A.cls").rename(root / "force-app/main/default/classes/Z.cls")


def _safe_write(root: Path) -> None:  # an editor's save: a new file renamed over the old one
    target = root / "force-app/main/default/classes/A.cls"
    write(target.with_name("A.cls.tmp"), APEX + "// saved\n")
    os.replace(target.with_name("A.cls.tmp"), target)


def _file_becomes_folder(root: Path) -> None:  # same name, another type
    target = root / "force-app/main/default/classes/A.cls"
    target.unlink()
    write(target / "Inner.cls", APEX)


def _add_folder(root: Path) -> None:
    write(root / "force-app/main/default/triggers/T.trigger", "trigger T on Account (before insert) {}")


def _add_in_a_linked_folder(root: Path) -> None:
    write(root / "shared/S2.cls", APEX)


def _retarget_a_link(root: Path) -> None:
    write(root / "other/O.cls", APEX)
    link = root / "force-app/main/default/linked"
    link.unlink()
    os.symlink(root / "other", link)


def _mend_a_broken_link(root: Path) -> None:
    write(root / "missing", APEX)


def _change_the_namespace(root: Path) -> None:
    config = json.loads((root / "sfdx-project.json").read_text(encoding="utf-8"))
    config["namespace"] = "other"
    (root / "sfdx-project.json").write_text(json.dumps(config), encoding="utf-8")


def _declare_a_folder_that_appears(root: Path) -> None:
    write(root / "extra/classes/E.cls", APEX)  # declared in sfdx-project.json, missing until now


def _change_the_ignore_rules(root: Path) -> None:
    (root / ".forceignore").write_text("**/pages/**\n", encoding="utf-8")


def _change_a_content_type(root: Path) -> None:
    meta = root / "force-app/main/default/staticresources/lib.resource-meta.xml"
    meta.write_text(RESOURCE_META.format("application/octet-stream"), encoding="utf-8")


CHANGES: list[Callable[[Path], None]] = [
    _add_file, _remove_file, _rename_file, _file_becomes_folder, _add_folder, _add_in_a_linked_folder,
    _retarget_a_link, _mend_a_broken_link, _change_the_namespace, _declare_a_folder_that_appears,
    _change_the_ignore_rules, _change_a_content_type,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_a_walk_would_see_walks_again(tmp_path: Path, walks: list[int],
                                                   change: Callable[[Path], None]) -> None:
    root = project_tree(tmp_path / "p")
    keeper = MemoryKeeper()
    before = remembered(root, keeper)
    change(root)
    after = remembered(root, keeper)
    assert walks[0] == 2
    assert after == fresh(root)
    assert after != before


def test_a_safe_write_keeps_the_record_and_brings_it_up_to_date(tmp_path: Path, walks: list[int],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A file replaced by a new one of the same name (an editor's safe write, `git checkout`,
    `sed -i`) moves its folder's times, not what a walk finds there: the folder is listed again,
    not the tree walked; once the new times are old enough, the record keeps them."""
    root = project_tree(tmp_path / "p")
    keeper = MemoryKeeper()
    remembered(root, keeper)
    listings: list[str] = []
    real = observed.listing_digest

    def counted(path: str) -> bytes:
        listings.append(path)
        return real(path)
    monkeypatch.setattr(observed, "listing_digest", counted)
    _safe_write(root)
    write(root / "force-app/main/default/classes/.A.cls.swp", "an editor's swap file")
    # the scan's clock stops just after the write: a loaded machine cannot make it "old enough"
    clock = [os.stat(root / "force-app/main/default/classes").st_ctime_ns]
    monkeypatch.setattr(observed, "time", type("Clock", (), {"time_ns": staticmethod(lambda: clock[0])}))
    again = remembered(root, keeper)
    assert walks[0] == 1 and again == fresh(root)
    assert listings == [str(root / "force-app/main/default/classes")]
    assert keeper.kept == 1, "a signature this recent is not kept: the folder is listed again next time"
    clock[0] += 2 * WINDOW_NS
    assert remembered(root, keeper) == again and keeper.kept == 2 and len(listings) == 2
    assert remembered(root, keeper) == again and len(listings) == 2, "the record holds the new signature"
    assert walks[0] == 1


def test_a_change_during_or_just_before_a_walk_is_not_remembered(tmp_path: Path, walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    _add_file(root)  # within the window: the walk's record could miss a change in the same tick
    keeper = MemoryKeeper()
    remembered(root, keeper)
    assert keeper.kept == 0
    time.sleep(2 * WINDOW_NS / 1e9)
    remembered(root, keeper)
    remembered(root, keeper)
    assert (walks[0], keeper.kept) == (2, 1)


@pytest.mark.parametrize("marker", ["package.xml", "sfdx-project.json"])
def test_a_loose_folder_probes_its_ancestors_markers(tmp_path: Path, walks: list[int], marker: str) -> None:
    write(tmp_path / "outer/loose/A.cls", APEX)
    time.sleep(2 * WINDOW_NS / 1e9)
    keeper = MemoryKeeper()
    loose = tmp_path / "outer/loose"
    first = recall.discover_remembered([loose], tmp_path, (), None, keeper)
    assert first.layout == "files"
    text = ("<Package><namespacePrefix>leg</namespacePrefix></Package>" if marker == "package.xml"
            else json.dumps({"namespace": "leg", "packageDirectories": [{"path": "loose"}]}))
    write(tmp_path / "outer" / marker, text)
    again = recall.discover_remembered([loose], tmp_path, (), None, keeper)
    assert walks[0] == 2 and again == discover([loose], root=tmp_path) and again.namespace == "leg"


def test_a_repository_boundary_that_appears_hides_the_package_above(tmp_path: Path, walks: list[int]) -> None:
    write(tmp_path / "package.xml", "<Package><namespacePrefix>leg</namespacePrefix></Package>")
    write(tmp_path / "outer/loose/A.cls", APEX)
    time.sleep(2 * WINDOW_NS / 1e9)
    keeper = MemoryKeeper()
    loose = tmp_path / "outer/loose"
    assert recall.discover_remembered([loose], tmp_path, (), None, keeper).namespace == "leg"
    (tmp_path / "outer/.git").mkdir()  # the search for an enclosing package stops at a repository
    again = recall.discover_remembered([loose], tmp_path, (), None, keeper)
    assert walks[0] == 2 and again == discover([loose], root=tmp_path) and again.namespace == ""


def test_a_linked_file_that_becomes_a_folder_is_walked_again(tmp_path: Path, walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    write(root / "elsewhere/T.cls", APEX)
    os.symlink(root / "elsewhere/T.cls", root / "force-app/main/default/classes/L.cls")
    time.sleep(2 * WINDOW_NS / 1e9)
    keeper = MemoryKeeper()
    remembered(root, keeper)
    (root / "elsewhere/T.cls").unlink()
    write(root / "elsewhere/T.cls/Inner.cls", APEX)  # the folder elsewhere/ is not walked
    again = remembered(root, keeper)
    assert walks[0] == 2 and again == fresh(root)
    assert any(f.rel.endswith("L.cls/Inner.cls") for f in again.files)


def test_a_link_on_the_way_to_a_folder_that_is_retargeted_is_walked_again(tmp_path: Path,
                                                                         walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    write(tmp_path / "one/lib/One.cls", APEX)
    write(tmp_path / "two/lib/Two.cls", APEX)
    os.symlink(tmp_path / "one", tmp_path / "via")  # classes/lib -> via/lib -> one/lib
    os.symlink(tmp_path / "via/lib", root / "force-app/main/default/lib")
    time.sleep(2 * WINDOW_NS / 1e9)
    keeper = MemoryKeeper()
    assert any(f.rel.endswith("lib/One.cls") for f in remembered(root, keeper).files)
    (tmp_path / "via").unlink()
    os.symlink(tmp_path / "two", tmp_path / "via")
    again = remembered(root, keeper)
    assert walks[0] == 2 and again == fresh(root)
    assert any(f.rel.endswith("lib/Two.cls") for f in again.files)


def test_other_options_are_another_walk(tmp_path: Path, walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    keeper = MemoryKeeper()
    remembered(root, keeper)
    excluded = recall.discover_remembered([root], root, ("**/pages/**",), None, keeper)
    renamed = recall.discover_remembered([root], root, ("**/pages/**",), "ns", keeper)
    assert walks[0] == 3
    assert excluded == discover([root], root=root, exclude=("**/pages/**",))
    assert renamed.namespace == "ns"


@pytest.mark.parametrize("stored", [b"not a pickle", pickle.dumps("a string"), pickle.dumps(None)])
def test_a_record_that_is_not_one_is_walked_again(tmp_path: Path, walks: list[int], stored: bytes) -> None:
    root = project_tree(tmp_path / "p")
    keeper = MemoryKeeper()
    keeper.blob = stored
    assert remembered(root, keeper) == fresh(root)
    assert walks[0] == 1


def test_a_missing_path_is_refused_even_when_remembered(tmp_path: Path, walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    keeper = MemoryKeeper()
    remembered(root, keeper)
    gone = tmp_path / "gone"
    os.rename(root, gone)
    from apexlint.discover import DiscoveryError
    with pytest.raises(DiscoveryError):
        recall.discover_remembered([root], gone, (), None, keeper)


def test_scans_with_the_cache_find_what_a_scan_without_it_finds(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(observed, "RACY_NS", WINDOW_NS)
    root = project_tree(tmp_path / "p")
    options = ScanOptions(paths=(root,), root=root, cache_dir=tmp_path / "cache")
    scan(options)
    assert list((tmp_path / "cache").glob("*/*.discovery"))
    _add_file(root)
    write(root / "force-app/main/default/classes/C.cls", "public class C { String s = UserInfo.getSessionId(); }")
    warm = scan(options)
    cold = scan(ScanOptions(paths=(root,), root=root, cache_dir=None))
    assert warm.files_scanned == cold.files_scanned
    assert warm.findings == cold.findings and any(f.location.path.endswith("C.cls") for f in warm.findings)


def test_a_damaged_record_on_disk_is_walked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  walks: list[int]) -> None:
    root = project_tree(tmp_path / "p")
    options = ScanOptions(paths=(root,), root=root, cache_dir=tmp_path / "cache")
    first = scan(options)
    (record,) = (tmp_path / "cache").glob("*/*.discovery")
    data = bytearray(record.read_bytes())
    data[-5] ^= 0xFF  # inside the sealed payload
    record.write_bytes(bytes(data))
    again = scan(options)
    assert walks[0] == 2
    assert again.findings == first.findings and again.files_scanned == first.files_scanned


# -- random changes ---------------------------------------------------------------------------------
OPS = ["edit", "safe write", "swap file", "add", "delete", "rename", "add folder", "drop folder", "ignore",
       "namespace", "link file", "link folder", "break link"]


def _apply(root: Path, op: str, pick: int) -> None:
    classes = root / "force-app/main/default/classes"
    present = sorted(p for p in root.rglob("*.cls") if p.is_file() and not p.is_symlink())
    target = present[pick % len(present)] if present else None
    if op == "edit" and target is not None:
        with target.open("a", encoding="utf-8") as stream:
            stream.write("// edited\n")
    elif op == "safe write" and target is not None:
        write(target.with_name(target.name + ".tmp"), APEX + "// saved\n")
        os.replace(target.with_name(target.name + ".tmp"), target)
    elif op == "swap file" and target is not None:
        swap = target.with_name(f".{target.name}.swp")
        swap.unlink() if swap.exists() else write(swap, "swap")
    elif op == "add":
        write(classes / f"N{pick}.cls", APEX)
    elif op == "delete" and target is not None:
        target.unlink()
    elif op == "rename" and target is not None:
        target.rename(target.with_name(f"R{pick}.cls"))
    elif op == "add folder":
        write(root / f"force-app/main/default/f{pick}/F.cls", APEX)
    elif op == "drop folder":
        folders = sorted(p for p in (root / "force-app/main/default").iterdir() if p.is_dir() and not p.is_symlink())
        if folders:
            for p in sorted(folders[pick % len(folders)].rglob("*"), reverse=True):
                p.unlink() if not p.is_dir() or p.is_symlink() else p.rmdir()
            folders[pick % len(folders)].rmdir()
    elif op == "ignore":
        (root / ".forceignore").write_text(f"**/N{pick % 3}.cls\n**/f{pick % 2}/**\n", encoding="utf-8")
    elif op == "namespace":
        _change_the_namespace(root) if pick % 2 else project_tree_config(root)
    elif op == "link file" and target is not None:
        link = classes / f"L{pick}.cls"
        if not link.exists() and not link.is_symlink():
            classes.mkdir(parents=True, exist_ok=True)
            os.symlink(target, link)
    elif op == "link folder":
        link = root / f"force-app/main/default/lf{pick}"
        if not link.is_symlink():
            os.symlink(root / "shared", link)
    elif op == "break link":
        links = sorted(p for p in root.rglob("*") if p.is_symlink())
        if links:
            links[pick % len(links)].unlink()
            os.symlink(root / f"nowhere{pick}", links[pick % len(links)])


def project_tree_config(root: Path) -> None:
    config = {"name": "Acme", "namespace": "acme",
              "packageDirectories": [{"path": "force-app", "default": True}, {"path": "extra"}]}
    (root / "sfdx-project.json").write_text(json.dumps(config), encoding="utf-8")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 50)), min_size=1, max_size=4))
def test_after_any_changes_the_remembered_walk_is_a_fresh_one(tmp_path_factory: pytest.TempPathFactory,
                                                              walks: list[int],
                                                              steps: list[tuple[str, int]]) -> None:
    root = project_tree(tmp_path_factory.mktemp("random") / "p")
    keeper = MemoryKeeper()
    remembered(root, keeper)
    for op, pick in steps:
        _apply(root, op, pick)
        assert remembered(root, keeper) == fresh(root), (op, pick)
        time.sleep(2 * WINDOW_NS / 1e9)  # let this state's record be kept for the next step
        assert remembered(root, keeper) == fresh(root), (op, pick)
