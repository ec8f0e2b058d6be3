"""Reusing the last analysis when no changed file changed what it read (apexlint.reuse).

Every test compares the cached re-scan with a scan without the cache: reuse may only ever save
time. Those that expect the analysis to be reused, or not, also count the analyses run.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apexlint import reuse
from apexlint.cache import MAGIC, FileStamp, LoweringCache
from apexlint.discover import discover
from apexlint.engine import ScanOptions, open_cache, scan
from apexlint.findings import ScanResult
from tests.cache_files import OUTSIDE_TEXT, at_rest, obstruct
from tests.counting import count_analyses
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

REPO = Path(__file__).resolve().parents[1]
VULNERABLE = REPO / "fixtures" / "vulnerable-sfdx"
CLASSES = "force-app/main/default/classes"

LEAK = """public class Leak {
    void a() {

        System.debug(UserInfo.getSessionId());
    }
    void b() {
        Sender.send(UserInfo.getSessionId());
    }
}
"""
SENDER = """public class Sender {
    public static void send(String sid) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.example.com/v1');
        req.setHeader('Authorization', 'Bearer ' + sid);
        new Http().send(req);
    }
}
"""
QUIET = """public class Quiet {
    public Integer q() {
        Integer x = 1;
        return x;
    }
    public Integer r() { return 2; }
}
"""


def _options(src: Path, cache: Path | None) -> ScanOptions:
    return ScanOptions(paths=(src,), root=src, jobs=1, cache_dir=cache)


def _bare(result: ScanResult) -> ScanResult:
    return dataclasses.replace(result, stats={})


def _rescan(src: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ScanResult, int]:
    """A re-scan with the cache, checked against a scan without it; and how many analyses it ran."""
    expected = scan(_options(src, None))
    calls = count_analyses(monkeypatch)
    again = scan(_options(src, cache))
    monkeypatch.undo()
    assert _bare(again) == _bare(expected)
    return again, len(calls)


def _small(tmp_path: Path) -> Path:
    """Three classes, last modified a minute ago: stamps a re-scan trusts."""
    return at_rest(write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Leak.cls": LEAK.encode(),
                                                         f"{SFDX_SOURCE}/classes/Sender.cls": SENDER.encode(),
                                                         f"{SFDX_SOURCE}/classes/Quiet.cls": QUIET.encode()}))


def _edit(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a file; its modification time moves on even on a coarse clock."""
    before = path.stat().st_mtime_ns
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def test_a_comment_after_the_last_method_reuses_the_analysis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = shutil.copytree(VULNERABLE, tmp_path / "pkg")
    cold = scan(_options(src, tmp_path / "cache"))
    exporter = src / CLASSES / "SessionExporter.cls"
    assert any(f.location.path.endswith("SessionExporter.cls") for f in cold.findings), "a class the analysis read"
    _edit(exporter, lambda text: text + "\n// reviewed for the security review\n")
    again, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 0
    assert again.lines_scanned == cold.lines_scanned + 2, "line counts come from the files as they are now"


def test_a_checkout_that_only_moved_modification_times_reuses_the_analysis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = shutil.copytree(VULNERABLE, tmp_path / "pkg")
    scan(_options(src, tmp_path / "cache"))
    for path in src.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(path.stat().st_mtime_ns + 5_000_000_000,) * 2)

    def no_lowering(*args: object) -> None:
        raise AssertionError("a file with the same content was lowered again")

    monkeypatch.setattr("apexlint.reuse.lower_one", no_lowering)
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 0


@pytest.mark.parametrize(("edit", "reused"), [
    ("the same length", True),
    ("longer, on the same line", True),
    ("a line more", True),  # later spans move, but nothing of the file was read or reported
    ("a blank line before the class", True),
    ("names the analysis never looked for", True),
    ("a call of a method it analysed", False),  # `send` is a name it searched for callers of
])
def test_an_edit_in_a_body_the_analysis_never_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, reused: bool) -> None:
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    memo = _memo(src, tmp_path / "cache")
    assert not any(path.endswith("Quiet.cls") for path in memo.asked), "Quiet's bodies are not analysed"
    change = {"the same length": lambda t: t.replace("Integer x = 1;", "Integer x = 7;"),
              "longer, on the same line": lambda t: t.replace("Integer x = 1;", "Integer x = 1 + 40;"),
              "a line more": lambda t: t.replace("Integer x = 1;", "Integer x = 1;\n        x++;"),
              "a blank line before the class": lambda t: "\n" + t,
              "names the analysis never looked for": lambda t: t.replace(
                  "Integer x = 1;", "Integer x = Math.abs(-1);\n        List<Integer> seen = new List<Integer>{x};"),
              "a call of a method it analysed": lambda t: t.replace("x = 1;", "x = 1; Sender.send('');")}[edit]
    _edit(src / SFDX_SOURCE / "classes" / "Quiet.cls", change)
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == (0 if reused else 1)


QUIET_DECLARATIONS: dict[str, Callable[[str], str]] = {
    "a field": lambda t: t.replace("{", "{\n    private static Integer counted = 0;", 1),
    "a field without a value": lambda t: t.replace("{", "{\n    Map<String, Object> state;", 1),
    "a method": lambda t: t.replace("    public Integer r()",
                                    "    public Integer s() { return 3; }\n    public Integer r()"),
    "a method removed": lambda t: t.replace("    public Integer r() { return 2; }\n", ""),
    "a return type": lambda t: t.replace("public Integer r()", "public Long r()"),
}


@pytest.mark.parametrize(("edit", "reused"), [
    *((edit, True) for edit in QUIET_DECLARATIONS),
    ("an inner class", False),  # a class more: what type names mean may change
    ("a field named userInfo", False),  # it hides System.UserInfo in subclasses
    ("a field named as a name it searched", False),  # `send`: the field initialisers mention it
    ("a field whose value names one", False),
    ("a method that calls one it analysed", False),
    ("a field of a package class's type", False),  # an object that holds a Sender
    ("an entry point", False),  # the platform runs `execute` of a Queueable
    ("a @future method", False),
    ("an interface", False),
])
def test_a_declaration_of_a_class_the_analysis_never_asked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, reused: bool) -> None:
    """Quiet is a class the analysis never looked up: fields and methods added to it, removed or
    changed, that none of its walks over the whole package would pick, change nothing it found
    (`reuse._unseen_declarations`)."""
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    memo = _memo(src, tmp_path / "cache")
    asked = memo.analysis.asked
    assert asked.classes is not None and "quiet" not in asked.classes and "sender" in asked.classes
    assert "send" in asked.searched
    change = QUIET_DECLARATIONS.get(edit) or {
        "an inner class": lambda t: t.replace("{", "{\n    class Row { String label; }", 1),
        "a field named userInfo": lambda t: t.replace("{", "{\n    Object userInfo;", 1),
        "a field named as a name it searched": lambda t: t.replace("{", "{\n    Integer send = 0;", 1),
        "a field whose value names one": lambda t: t.replace("{", "{\n    static String s = Sender.send('');", 1),
        "a method that calls one it analysed": lambda t: t.replace(
            "    public Integer r()", "    public void s() { Sender.send('x'); }\n    public Integer r()"),
        "a field of a package class's type": lambda t: t.replace("{", "{\n    Sender helper;", 1),
        "an entry point": lambda t: t.replace(
            "    public Integer r()", "    public void execute(QueueableContext c) { }\n    public Integer r()"),
        "a @future method": lambda t: t.replace(
            "    public Integer r()", "    @future public static void later() { }\n    public Integer r()"),
        "an interface": lambda t: t.replace("public class Quiet", "public class Quiet implements Queueable"),
    }[edit]
    _edit(src / SFDX_SOURCE / "classes" / "Quiet.cls", change)
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == (0 if reused else 1)


def test_a_userinfo_field_given_to_a_superclass_hides_system_userinfo_in_its_subclasses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`UserInfo.getSessionId()` in a class that inherits a field named `userInfo` calls the field's
    method: a field added to the superclass takes the sources away, with the cache as without."""
    src = _small(tmp_path)
    classes = src / SFDX_SOURCE / "classes"
    _edit(classes / "Leak.cls", lambda t: t.replace("public class Leak", "public class Leak extends Quiet"))
    _edit(classes / "Quiet.cls", lambda t: t.replace("public class Quiet", "public virtual class Quiet"))
    cold = scan(_options(src, tmp_path / "cache"))
    assert any(f.location.path.endswith("Leak.cls") for f in cold.findings)
    _edit(classes / "Quiet.cls", lambda t: t.replace("{", "{\n    protected Object userInfo;", 1))
    again, _ = _rescan(src, tmp_path / "cache", monkeypatch)
    assert not again.findings


def test_a_declaration_of_a_class_the_analysis_asked_for_analyses_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    _edit(src / SFDX_SOURCE / "classes" / "Sender.cls",
          lambda t: t.replace("{", "{\n    private static Integer counted = 0;", 1))
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 1


def _memo(src: Path, cache: Path) -> reuse.Memo:
    kept = open_cache(_options(src, cache))
    assert kept is not None
    memo = kept.analysis()
    assert isinstance(memo, reuse.Memo)
    return memo


@pytest.mark.parametrize("edit", ["same length", "other sink"])
def test_an_edit_in_a_body_the_analysis_read_analyses_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    src = _small(tmp_path)
    cold = scan(_options(src, tmp_path / "cache"))
    assert sorted(f.rule_id for f in cold.findings) == ["SID002", "SID003"]
    assert any(path.endswith("Sender.cls") for path in _memo(src, tmp_path / "cache").asked), "read on demand"
    old, new = {"same length": ("api.example.com", "api.example.org"),
                "other sink": ("new Http().send(req);", "System.debug(sid);")}[edit]
    _edit(src / SFDX_SOURCE / "classes" / "Sender.cls", lambda t: t.replace(old, new))
    again, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 1
    assert again.findings != cold.findings


def test_a_base_url_an_apex_method_returns_to_a_script_is_read_again_when_it_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """AD-7: an LWC's `fetch(base + ...)` goes where the Apex method `base` came from points. The
    analysis reads that method for the request only: pointing it at a partner's host is an edit
    of a body it read, and the request is an export from then on."""
    src = shutil.copytree(REPO / "fixtures" / "visualforce-sfdx", tmp_path / "pkg")
    cold = scan(_options(src, tmp_path / "cache"))
    sender = "lwc/baseUrlSender/baseUrlSender.js"
    assert not any(f.rule_id == "SID002" and f.location.path.endswith(sender) and f.location.span.start_line == 23
                   for f in cold.findings), "the org's own URL"
    org, partner = "return URL.getOrgDomainUrl().toExternalForm();", "return 'https://mirror.example.com';"
    _edit(src / "force-app/main/default/classes/ApiBaseController.cls", lambda t: t.replace(org, partner, 1))
    again, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 1
    assert any(f.rule_id == "SID002" and f.location.path.endswith(sender) and f.location.span.start_line == 23
               for f in again.findings)


def test_an_edit_in_field_initialisers_the_analysis_read_analyses_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Initialisers lowering left for later (`ir.FieldIR.deferred`) are a body the analysis read:
    an endpoint changed to one of the same length in one is not the same form."""
    src = _small(tmp_path)
    sender = src / SFDX_SOURCE / "classes" / "Sender.cls"
    _edit(sender, lambda t: t.replace("public class Sender {", "public class Sender {\n"
                                      "    private static final String HOST = 'https://api.example.com/v1';")
          .replace("req.setEndpoint('https://api.example.com/v1');", "req.setEndpoint(HOST);"))
    at_rest(src)
    cold = scan(_options(src, tmp_path / "cache"))
    assert sorted(f.rule_id for f in cold.findings) == ["SID002", "SID003"]
    assert any("api.example.com" in f.message for f in cold.findings)
    _edit(sender, lambda t: t.replace("api.example.com", "api.example.org"))
    again, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 1
    assert again.findings != cold.findings


@pytest.mark.parametrize("name", ["Leak.cls", "Sender.cls"])
def test_lines_moved_in_a_file_the_analysis_read_or_reported_on_analyse_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Leak.cls holds the sources and a finding, Sender.cls the sink body the analysis read:
    findings and flows point into them, so moving their lines must move what is reported."""
    src = _small(tmp_path)
    cold = scan(_options(src, tmp_path / "cache"))
    _edit(src / SFDX_SOURCE / "classes" / name, lambda t: "// a header comment\n\n" + t)
    again, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 1
    assert [f.location.span.start_line for f in again.findings] != [f.location.span.start_line for f in cold.findings]


def test_a_suppression_written_into_a_blank_line_takes_effect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _small(tmp_path)
    cold = scan(_options(src, tmp_path / "cache"))
    assert all(f.suppression is None for f in cold.findings)
    _edit(src / SFDX_SOURCE / "classes" / "Leak.cls", lambda t: t.replace(
        "\n\n", "\n        // apexlint:disable-next-line SID003 -- debug log is off in production\n", 1))
    again, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 0
    assert [f.rule_id for f in again.findings if f.suppression is not None] == ["SID003"]
    assert list(_memo(src, tmp_path / "cache").notable) == [0], "Leak.cls now has more than a line count"
    _edit(src / SFDX_SOURCE / "classes" / "Leak.cls", lambda t: t.replace(
        "        // apexlint:disable-next-line SID003 -- debug log is off in production\n", "\n", 1))
    again, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 0 and all(f.suppression is None for f in again.findings)
    assert _memo(src, tmp_path / "cache").notable == {}, "and no more, once its directive is gone"


@pytest.mark.parametrize("change", ["added file", "removed file", "renamed file"])
def test_a_changed_file_list_analyses_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    classes = src / SFDX_SOURCE / "classes"
    if change == "added file":
        (classes / "New.cls").write_text("public class New { }\n")
    elif change == "removed file":
        (classes / "Quiet.cls").unlink()
    else:
        (classes / "Quiet.cls").rename(classes / "Calm.cls")
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 1


def test_more_changed_files_than_it_checks_analyses_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    monkeypatch.setattr(reuse, "MAX_CHANGED", 1)
    for name in ("Leak.cls", "Quiet.cls"):
        _edit(src / SFDX_SOURCE / "classes" / name, lambda t: t + "// a comment\n")
    expected = scan(_options(src, None))
    calls = count_analyses(monkeypatch)
    assert _bare(scan(_options(src, tmp_path / "cache"))) == _bare(expected)
    assert calls == [1]


@pytest.mark.parametrize("damage", ["flipped", "forged"])
def test_a_damaged_or_forged_memo_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    [kept] = (tmp_path / "cache").rglob("scan-*.analysis")
    data = kept.read_bytes()
    if damage == "flipped":
        kept.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    else:  # a checksum anyone can compute is not a seal
        import hashlib
        import pickle
        empty = reuse.Memo("", (), (), (), {}, {}, reuse.Analysis((), (), ()))
        payload = pickle.dumps({"analysis": pickle.dumps(empty)})
        kept.write_bytes(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    _edit(src / SFDX_SOURCE / "classes" / "Quiet.cls", lambda t: t + "// a comment\n")
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 1


TOKEN = "00D5g000004KqHd!AQ0AQFp8nfp3d9ZxVgYt5QmXq1w2e3r4t5y6u7i8o9p0aSdFgHjKl"


def test_the_memo_keeps_no_secret_and_its_reuse_gives_the_same_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    leaky = f"public class Tokens {{\n    static final String T = '{TOKEN}';\n}}\n"
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Tokens.cls": leaky.encode(),
                                                f"{SFDX_SOURCE}/classes/Leak.cls": LEAK.encode()})
    cold = scan(_options(src, tmp_path / "cache"))
    assert "SID009" in {f.rule_id for f in cold.findings}
    [kept] = (tmp_path / "cache").rglob("scan-*.analysis")
    assert TOKEN[16:40].encode() not in kept.read_bytes()
    _edit(src / SFDX_SOURCE / "classes" / "Tokens.cls", lambda t: t + "// a comment\n")
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == 0


# -- any edit: the re-scan with the cache gives what a scan without it gives ------------------------
EDITS = ["append comment", "insert blank line", "delete line", "duplicate line", "change character", "touch",
         "declare field", "declare method"]


def _apply(text: str, edit: str, where: float, char: str) -> str:
    lines = text.split("\n")
    at = int(where * max(0, len(lines) - 1))
    if edit == "append comment":
        return text + "\n// edited\n"
    if edit == "insert blank line":
        return "\n".join([*lines[:at], "", *lines[at:]])
    if edit == "delete line":
        return "\n".join(lines[:at] + lines[at + 1:])
    if edit == "duplicate line":
        return "\n".join([*lines[:at + 1], *lines[at:]])
    if edit == "change character":
        pos = int(where * max(0, len(text) - 1))
        return text[:pos] + char + text[pos + 1:]
    if edit in ("declare field", "declare method"):  # after an opening brace (in an Apex class: a member)
        braces = [i for i, c in enumerate(text) if c == "{"] or [len(text) - 1]
        at = braces[int(where * (len(braces) - 1))] + 1
        member = "\n    private static Integer edited = 1;" if edit == "declare field" else \
            "\n    public void edited(String x) { x.trim(); }"
        return text[:at] + member + text[at:]
    return text


def _editable(package: str) -> list[str]:
    root = REPO / "fixtures" / package
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and not p.name.endswith("-meta.xml") and p.name != "sfdx-project.json")


PACKAGES = {name: _editable(name) for name in ("vulnerable-sfdx", "visualforce-sfdx", "metadata-sfdx")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(package=st.sampled_from(sorted(PACKAGES)), data=st.data(), edit=st.sampled_from(EDITS),
       where=st.floats(0, 1), char=st.sampled_from(["x", "1", "'", " ", "}", "\n"]))
def test_any_edit_of_one_file_gives_what_a_scan_without_the_cache_gives(
        tmp_path_factory: pytest.TempPathFactory, package: str, data: st.DataObject, edit: str, where: float,
        char: str) -> None:
    """Random edits of any file of three fixture packages (classes, pages, scripts, metadata):
    the analysis reused or not, the result is the one a scan without the cache gives."""
    name = data.draw(st.sampled_from(PACKAGES[package]))
    tmp_path = tmp_path_factory.mktemp("edit")
    src = shutil.copytree(REPO / "fixtures" / package, tmp_path / "pkg")
    options = _options(src, tmp_path / "cache")
    scan(options)
    _edit(src / name, lambda t: _apply(t, edit, where, char))
    again = scan(options)
    event("analysis reused" if again.stats["analyse"] == 0.0 else "analysed again")
    assert _bare(again) == _bare(scan(_options(src, None)))


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_memo_that_is_a_folder_or_a_link_costs_only_speed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    [kept] = (tmp_path / "cache").rglob("scan-*.analysis")
    outside = obstruct(kept, kind, tmp_path / "outside.txt")
    runs = []
    for n in range(2):
        _edit(src / SFDX_SOURCE / "classes" / "Quiet.cls", lambda t, n=n: t + f"// edit {n}\n")
        runs.append(_rescan(src, tmp_path / "cache", monkeypatch)[1])
    # a link that does not verify is removed and the memo written again; a folder stays in the way
    assert runs == ([1, 1] if kind == "folder" else [1, 0])
    assert outside.read_text() == OUTSIDE_TEXT
    assert not list((tmp_path / "cache").rglob(".tmp-*")), "a write that could not land leaves no debris"


def test_a_failure_while_checking_for_reuse_only_costs_the_analysis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    _edit(src / SFDX_SOURCE / "classes" / "Quiet.cls", lambda t: t + "// a comment\n")

    def broken(*args: object) -> None:
        raise RecursionError("a form too deep to compare")

    monkeypatch.setattr("apexlint.reuse._same_reads", broken)
    expected = scan(_options(src, None))
    calls = count_analyses(monkeypatch)
    assert _bare(scan(_options(src, tmp_path / "cache"))) == _bare(expected)
    assert calls == [1]


ROUTED_SENDER = SENDER.replace("'https://api.example.com/v1'", "Routes.endpoint()")
ROUTES = """public class Routes {
    public static String endpoint() {
        return 'https://api.example.com/v1';
    }
    public static String unused() { return 'x'; }
}
"""


@pytest.mark.parametrize(("edit", "reused"), [
    ("a blank line before the class", True),  # the body it read moves, unchanged
    ("a method added after it", False),  # a declaration more, in a class the analysis asked for
    ("its URL", False),
])
def test_a_class_the_analysis_read_but_never_reported_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, reused: bool) -> None:
    src = write_sfdx_package(tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Leak.cls": LEAK.encode(),
                                                f"{SFDX_SOURCE}/classes/Sender.cls": ROUTED_SENDER.encode(),
                                                f"{SFDX_SOURCE}/classes/Routes.cls": ROUTES.encode()})
    cold = scan(_options(src, tmp_path / "cache"))
    assert any("api.example.com" in f.message for f in cold.findings), "the endpoint comes from Routes"
    assert any(path.endswith("Routes.cls") for path in _memo(src, tmp_path / "cache").asked)
    assert "Routes.cls" not in repr(cold.findings)
    change = {"a blank line before the class": lambda t: "\n\n" + t,
              "a method added after it": lambda t: t.replace("    public static String unused()",
                                                             "    public static String more() { return 'y'; }\n"
                                                             "    public static String unused()"),
              "its URL": lambda t: t.replace("api.example.com", "api.example.org")}[edit]
    _edit(src / SFDX_SOURCE / "classes" / "Routes.cls", change)
    _, analyses = _rescan(src, tmp_path / "cache", monkeypatch)
    assert analyses == (0 if reused else 1)



def test_files_whose_trusted_stamp_is_the_memos_are_not_looked_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At rest, a re-scan takes every file whose size and modification time are those the memo
    recorded as it is: the cache's index is consulted for the changed file only."""
    src = _small(tmp_path)
    scan(_options(src, tmp_path / "cache"))
    _edit(src / SFDX_SOURCE / "classes" / "Quiet.cls", lambda t: t + "\n// reviewed\n")
    looked_up: list[str] = []
    known = LoweringCache.known

    def counting(self: LoweringCache, rel: str, stamp: FileStamp) -> str | None:
        looked_up.append(rel)
        return known(self, rel, stamp)

    monkeypatch.setattr(LoweringCache, "known", counting)
    again = scan(_options(src, tmp_path / "cache"))
    monkeypatch.undo()
    assert looked_up == [f"{SFDX_SOURCE}/classes/Quiet.cls"]
    assert _bare(again) == _bare(scan(_options(src, None)))
    now = [(f.size, f.mtime_ns) for f in discover([src], root=src).files]
    assert list(_memo(src, tmp_path / "cache").stamps) == now, "the memo holds the stamps as they are now"
    assert all(mtime for _, mtime in now)


@pytest.mark.parametrize("at_rest_before", [False, True])
def test_a_file_rewritten_in_the_tick_it_was_read_in_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at_rest_before: bool) -> None:
    """A file system's clock ticks: a file rewritten at the same size within the tick the last
    scan read it in keeps its stamp. A stamp that recent is never trusted (cache.py, RACY_NS), so
    the next scan reads the file and finds the new content, whether the tree was just written
    or at rest with only this file edited."""
    src = _small(tmp_path) if at_rest_before else write_sfdx_package(
        tmp_path / "pkg", {f"{SFDX_SOURCE}/classes/Leak.cls": LEAK.encode(),
                           f"{SFDX_SOURCE}/classes/Sender.cls": SENDER.encode()})
    leak = src / SFDX_SOURCE / "classes" / "Leak.cls"
    if at_rest_before:
        scan(_options(src, tmp_path / "cache"))  # every stamp trusted and recorded
        leak.write_text(LEAK + "// edited\n", encoding="utf-8")  # and the scan below in its tick
    cold = scan(_options(src, tmp_path / "cache"))
    assert any(f.location.path.endswith("Leak.cls") for f in cold.findings)
    stat = leak.stat()
    text = leak.read_text(encoding="utf-8")
    leak.write_text(text.replace("UserInfo.getSessionId()", "UserInfo.getUserName() "), encoding="utf-8")
    assert leak.stat().st_size == stat.st_size
    os.utime(leak, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same tick: the stamp is as it was
    again, _ = _rescan(src, tmp_path / "cache", monkeypatch)
    assert not any(f.location.path.endswith("Leak.cls") for f in again.findings)


@pytest.mark.parametrize(("package", "some_reused"), [
    ("vulnerable-sfdx", False),  # every class holds a source or a sink, or is named in a finding
    ("apex-mdapi-style", False),
    ("clean-sfdx", True),
])
def test_a_member_declared_in_any_class_gives_what_a_scan_without_the_cache_gives(
        tmp_path: Path, package: str, some_reused: bool) -> None:
    """A field and a method declared at the top of each class of a fixture package in turn, then
    taken out again: every re-scan gives what a scan without the cache gives, whether the
    declarations were the analysis's to see or not."""
    src = shutil.copytree(REPO / "fixtures" / package, tmp_path / "pkg")
    options = _options(src, tmp_path / "cache")
    original = _bare(scan(options))
    reused = []
    for path in sorted(src.rglob("*.cls")):
        text = path.read_text(encoding="utf-8")
        _edit(path, lambda t: t.replace("{", "{\n    private static Integer edited = 1;\n"
                                             "    public void edited(String x) { x.trim(); }\n", 1))
        again = scan(options)
        assert _bare(again) == _bare(scan(_options(src, None))), path.name
        reused.append(again.stats["analyse"] == 0.0)
        _edit(path, lambda _, text=text: text)
        assert _bare(scan(options)) == original, path.name
    assert not all(reused)
    assert any(reused) == some_reused


# The walks over the whole package the analysis makes without noting them, each one accounted for
# in `reuse._unseen_declarations` (function where the walk is, what it walks with).
ACCOUNTED_WALKS = {
    ("apexlint/analyses/callgraph.py", "__init__", "every_method"),  # the index of names (refs)
    ("apexlint/analyses/callgraph.py", "async_entry_points", "every_method"),  # ASYNC_NAMES
    ("apexlint/analyses/callgraph.py", "_inherited_entries", "every_class"),  # headers; its look-ups noted
    ("apexlint/analyses/dataflow.py", "_soap_ports", "every_method"),  # SOAP_REFS
    ("apexlint/analyses/demand.py", "_holders", "every_class"),  # field types
    ("apexlint/model/package.py", "method_at", "every_method"),  # the file's path is noted
    ("apexlint/model/package.py", "_drop_shadowed_sources", "every_class"),  # a field named userInfo
    ("apexlint/pipeline.py", "analyse", "every_class"),  # after the analysis: the classes' names, for reuse
}


def test_every_walk_over_the_package_is_one_reuse_accounts_for() -> None:
    """A new walk over every class or method that is not noted would let a re-scan reuse an
    analysis that a changed declaration changes: it must be accounted for in
    `reuse._unseen_declarations` (and listed here) first."""
    import ast
    walks = set()
    for path in sorted((REPO / "apexlint").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr in ("every_method", "every_class") \
                        and func.name not in ("every_method", "every_class"):
                    walks.add((path.relative_to(REPO).as_posix(), func.name, node.func.attr))
    assert walks == ACCOUNTED_WALKS


def test_the_analysis_asks_only_for_what_sessions_reach(tmp_path: Path) -> None:
    """What the analysis asks for is what a re-scan must watch: a declaration changed in any other
    class reuses the last analysis. On the benchmark's generated package (100 classes, sessions
    planted in a few flows) it asks for 23; asking who calls every method that writes a field
    from its parameters once made it 86, and a field added anywhere analysed the package again."""
    from benchmarks.generate import generate

    src = tmp_path / "gen"
    generate(src, 100)
    scan(_options(src, tmp_path / "cache"))
    asked = _memo(src, tmp_path / "cache").analysis.asked.classes
    assert asked is not None and len(asked) <= 35, sorted(asked or ())
