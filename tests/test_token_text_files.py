"""SID009 in files apexlint does not otherwise analyse: `.env`, MavensMate's `config/.session`, a
JSON static resource, `scripts/apex/*.apex`, suffix-less and YAML files (SPEC: "in any file").

JSON and `.env` files cannot hold the fixtures' annotation comments, so these tests plant the
token and compute where it must be reported from where it was planted.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from apexlint.discover import observed, recall
from apexlint.discover.observed import RACY_NS
from apexlint.engine import ScanOptions, scan
from apexlint.findings import ScanResult
from apexlint.read.decode import ReadLimits
from tests.cache_files import at_rest
from tests.fuzz.inputs import SFDX_SOURCE, write_sfdx_package

TOKEN = "00D5g000004XyZaEAK!ARcAQKz8pT3vNq1xLm0bC4dEfGhIjKlMnOpQrStUvWxYz.1234567890abcdef"
SECRET = TOKEN.split("!", 1)[1]

# where a token is planted: file -> its text (the token is where `{T}` is)
PLANTED = {
    "config/.session": '{\n  "username": "dev@example.com",\n  "sid": "{T}",\n  "endpoint": "https://x"\n}\n',
    ".env": "SF_USERNAME=dev@example.com\nSF_ACCESS_TOKEN={T}\n",
    ".env.local": "TOKEN={T}",
    "scripts/apex/anon.apex": "String sid = '{T}';\nSystem.debug(sid);\n",
    f"{SFDX_SOURCE}/staticresources/settings.json": '{"apiVersion": "59.0",\n "note": "é ü", "token": "{T}"}\n',
    "Procfile": "web: run --sid {T}\n",
    "ci/deploy.yml": "steps:\n  - run: sf deploy --token '{T}'\n",
}
# files that must give nothing: no token, tokens where apexlint must not look, binary content
QUIET = {
    f"{SFDX_SOURCE}/staticresources/plain.json": b'{"id": "00D000000000001", "flag": "!AQ", "x": "!Abc"}\n',
    f"{SFDX_SOURCE}/staticresources/blob.dat": b"\x00\x01\x02" + TOKEN.encode() + b"\x00" * 64,
    ".hidden/creds.json": f'{{"sid": "{TOKEN}"}}'.encode(),
    ".sfdx/sfdx-config.json": f'{{"accessToken": "{TOKEN}"}}'.encode(),
    "node_modules/lib/token.txt": TOKEN.encode(),
    "excluded/token.txt": TOKEN.encode(),
    "ignored/token.txt": TOKEN.encode(),
    f"{SFDX_SOURCE}/classes/.Holder.cls.swp": TOKEN.encode(),
    # metadata XML apexlint does not lower (thousands of translations, layouts in an org): not
    # searched, which keeps a re-scan's stats to the files that matter (discover/classify.text_file)
    f"{SFDX_SOURCE}/classes/Holder.cls-meta.xml": f"<ApexClass><description>{TOKEN}</description></ApexClass>".encode(),
}
APEX = "public class Holder {\n    public static String say() { return 'hello'; }\n}\n"


def _package(root: Path, planted: dict[str, str] = PLANTED) -> Path:
    files = {rel: text.replace("{T}", TOKEN).encode("utf-8") for rel, text in planted.items()}
    files.update(QUIET)
    files[f"{SFDX_SOURCE}/classes/Holder.cls"] = APEX.encode()
    files[f"{SFDX_SOURCE}/staticresources/settings.resource-meta.xml"] = (
        b"<StaticResource><contentType>application/json</contentType></StaticResource>")
    root = write_sfdx_package(root, files)
    (root / ".forceignore").write_text("ignored/\n", encoding="utf-8")
    return root


def _expected(planted: dict[str, str]) -> set[tuple[str, int, int, int]]:
    """(path, line, start column, end column) of each planted token, columns in UTF-16 units."""
    out = set()
    for rel, text in planted.items():
        before = text[:text.index("{T}")]
        line = before.count("\n") + 1
        col = len(before.rsplit("\n", 1)[-1].encode("utf-16-le")) // 2 + 1
        out.add((rel, line, col, col + len(TOKEN)))
    return out


def _sid009(result: ScanResult) -> set[tuple[str, int, int, int]]:
    return {(f.location.path, f.location.span.start_line, f.location.span.start_col, f.location.span.end_col)
            for f in result.findings if f.rule_id == "SID009"}


def _scan(root: Path, **options: object) -> ScanResult:
    return scan(ScanOptions(paths=(root,), root=root, exclude=("excluded/",), **options))  # type: ignore[arg-type]


def test_a_token_in_any_other_file_is_sid009_where_it_is_and_redacted(tmp_path: Path) -> None:
    result = _scan(_package(tmp_path / "pkg"), jobs=1)

    assert _sid009(result) == _expected(PLANTED)
    for f in result.findings:
        assert SECRET not in f.message and "00D5g…[REDACTED]" in f.message
        assert f.location.snippet is None or SECRET not in f.location.snippet
    assert SECRET not in repr(result)


def test_binary_hidden_tool_and_ignored_files_give_nothing_and_say_nothing(tmp_path: Path) -> None:
    result = _scan(_package(tmp_path / "pkg", {}), jobs=1)

    assert _sid009(result) == set()
    assert result.notifications == ()  # a binary file is passed over in silence
    assert result.files_scanned == 1, "the summary counts the files analysed, not those searched for tokens"


def test_workers_and_the_cache_give_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _package(tmp_path / "pkg")
    monkeypatch.setattr("apexlint.pipeline.PARALLEL_BYTES", 0)  # a worker pool for any size: the files
    for i in range(80):  # searched for tokens are searched meanwhile in the main process
        (root / SFDX_SOURCE / "classes" / f"C{i}.cls").write_text(f"public class C{i} {{}}\n")
        (root / "data" / f"row{i}.json").parent.mkdir(exist_ok=True)
        (root / "data" / f"row{i}.json").write_text(f'{{"n": {i}}}\n' if i % 7 else f'{{"t": "{TOKEN}"}}\n')
    at_rest(root)
    pools: list[int] = []
    real_pool = concurrent.futures.ProcessPoolExecutor
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", lambda **k: pools.append(1) or real_pool(**k))
    alone = _scan(root, jobs=1)
    pooled = _scan(root, jobs=2)
    assert pools == [1], "the second scan lowers in workers"
    cold = _scan(root, jobs=2, cache_dir=tmp_path / "cache")
    warm = _scan(root, jobs=2, cache_dir=tmp_path / "cache")

    assert len(_sid009(alone)) == len(PLANTED) + len(range(0, 80, 7))
    assert alone.findings == pooled.findings == cold.findings == warm.findings
    assert alone.notifications == pooled.notifications == cold.notifications == warm.notifications


def test_a_new_dot_file_is_seen_by_a_rescan_whose_discovery_is_remembered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = at_rest(_package(tmp_path / "pkg", {"config/project-scratch-def.json": '{"edition": "Developer"}'}))
    cache = tmp_path / "cache"
    # folders' change times cannot be set back: the scans' clock runs ahead instead, so that the
    # walk's record is trusted and kept (discover/observed.py, RACY_NS)
    ahead = time.time_ns() + 2 * RACY_NS
    monkeypatch.setattr(observed, "time", type("Clock", (), {"time_ns": staticmethod(lambda: ahead)}))
    walks: list[int] = []
    real_discover = recall.discover
    monkeypatch.setattr(recall, "discover", lambda *a, **k: walks.append(1) or real_discover(*a, **k))
    assert _sid009(_scan(root, jobs=1, cache_dir=cache)) == set()
    assert _sid009(_scan(root, jobs=1, cache_dir=cache)) == set()
    assert len(walks) == 1, "the second scan's discovery is the first one's, remembered"

    (root / "config" / ".session").write_text('{"sid": "' + TOKEN + '"}', encoding="utf-8")
    (root / ".env").write_text(f"TOKEN={TOKEN}\n", encoding="utf-8")
    then = time.time_ns() - 60 * 1_000_000_000  # only the new files: the others are as the record saw them
    for new in (root / "config" / ".session", root / ".env"):
        os.utime(new, ns=(then, then))
    ahead = time.time_ns() + 2 * RACY_NS

    assert _sid009(_scan(root, jobs=1, cache_dir=cache)) == _expected(
        {"config/.session": '{"sid": "{T}"}', ".env": "TOKEN={T}\n"})
    assert len(walks) == 2


def test_a_changed_dot_file_is_seen_by_a_rescan(tmp_path: Path) -> None:
    root = _package(tmp_path / "pkg", {".env": "TOKEN=none\n"})
    at_rest(root)
    cache = tmp_path / "cache"
    assert _sid009(_scan(root, jobs=1, cache_dir=cache)) == set()

    (root / ".env").write_text(f"TOKEN={TOKEN}\n", encoding="utf-8")
    at_rest(root)

    assert _sid009(_scan(root, jobs=1, cache_dir=cache)) == _expected({".env": "TOKEN={T}\n"})


def test_a_text_file_too_large_is_reported_and_a_binary_one_is_not(tmp_path: Path) -> None:
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Holder.cls": APEX.encode(),
        "data/big.csv": b"a,b\n" * 1000 + TOKEN.encode(),
        "data/big.db": b"\x00" * 4000 + TOKEN.encode(),
    })
    result = _scan(root, jobs=1, limits=ReadLimits(max_file_bytes=2000))

    assert [(n.code, n.path) for n in result.notifications] == [("file-too-large", "data/big.csv")]
    assert _sid009(result) == set()


def test_a_token_in_a_file_named_on_the_command_line_is_found(tmp_path: Path) -> None:
    root = _package(tmp_path / "pkg")
    result = scan(ScanOptions(paths=(root / "config" / ".session",), root=root, jobs=1))

    assert _sid009(result) == {e for e in _expected(PLANTED) if e[0] == "config/.session"}
    assert [n.code for n in result.notifications] == ["unsupported-file", "no-sources"]


def test_a_documented_example_token_is_suppressed_with_its_reason(tmp_path: Path) -> None:
    root = write_sfdx_package(tmp_path / "pkg", {
        f"{SFDX_SOURCE}/classes/Holder.cls": APEX.encode(),
        "README.md": f"# Setup\n<!-- apexlint:disable-next-line SID009 -- a made-up token -->\n`{TOKEN}`\n".encode(),
        ".env.example": f"# apexlint:disable-next-line SID009 -- placeholder\nSID={TOKEN}\nOTHER={TOKEN}\n".encode(),
    })
    result = _scan(root, jobs=1)

    reasons = {(f.location.path, f.location.span.start_line): f.suppression.justification if f.suppression else None
               for f in result.findings if f.rule_id == "SID009"}
    assert reasons == {("README.md", 3): "a made-up token", (".env.example", 2): "placeholder",
                       (".env.example", 3): None}


# A metadata-API tree names every static resource `Name.resource`; its `-meta.xml` says what it holds
MDAPI_RESOURCES = {
    "Config": ("application/json", '{\n  "instanceUrl": "https://acme.my.salesforce.com",\n'
                                   '  "accessToken": "{T}"\n}\n'),
    "Notes": ("text/plain", "token={T}\n"),
    "Rows": ("text/csv", "id,token\n1,{T}\n"),
    "Settings": ("application/xml", "<settings>\n  <sid>{T}</sid>\n</settings>\n"),
    "Untyped": ("application/octet-stream", "sid: {T}\n"),
}


def _mdapi_package(root: Path) -> Path:
    resources = root / "src" / "staticresources"
    resources.mkdir(parents=True)
    (root / "src" / "package.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">'
        "<version>59.0</version></Package>\n", encoding="utf-8")
    kit = io.BytesIO()
    with zipfile.ZipFile(kit, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config/app.json", '{\n  "token": "TOKEN"\n}\n'.replace("TOKEN", TOKEN))
        archive.writestr("img/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00" + TOKEN.encode())
        archive.writestr("js/app.js", "var a = 1;\n")
    binary = {"Kit": ("application/zip", kit.getvalue()),
              "Logo": ("image/png", b"\x89PNG\r\n\x1a\n" + TOKEN.encode()),  # image bytes: never searched
              "Font": ("font/woff", b"wOFF" + TOKEN.encode()),
              "Blob": ("application/octet-stream", b"\x00\x01" + TOKEN.encode())}
    for name, (kind, data) in {**{n: (k, t.replace("{T}", TOKEN).encode()) for n, (k, t) in MDAPI_RESOURCES.items()},
                               **binary}.items():
        (resources / f"{name}.resource").write_bytes(data)
        (resources / f"{name}.resource-meta.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">'
            f"<cacheControl>Private</cacheControl><contentType>{kind}</contentType></StaticResource>\n",
            encoding="utf-8")
    return root


def test_a_token_in_a_text_resource_of_a_metadata_api_tree_is_found_as_in_a_json_file(tmp_path: Path) -> None:
    """`Config.resource` of type `application/json` is the same file as SFDX's `Config.json`; a zip's
    text member is searched too, and reported on the archive, as its scripts' findings are."""
    result = _scan(_mdapi_package(tmp_path / "pkg"), jobs=1)

    planted = {f"src/staticresources/{name}.resource": text for name, (_, text) in MDAPI_RESOURCES.items()}
    assert _sid009(result) == _expected(planted) | {("src/staticresources/Kit.resource", 1, 1, 2)}
    (zipped,) = [f for f in result.findings if f.location.path.endswith("Kit.resource")]
    assert zipped.message.endswith("(in config/app.json, line 2)") and SECRET not in zipped.message
    assert result.notifications == ()
