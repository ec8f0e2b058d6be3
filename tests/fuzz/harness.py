"""Coverage-guided fuzzing of apexlint's readers and lowerings with atheris (libFuzzer).

Not part of the default test run: it needs `pip install atheris` and `APEXLINT_FUZZ=1`.

    APEXLINT_FUZZ=1 python3 -m tests.fuzz.harness TARGET [libFuzzer options] [CORPUS_DIR ...]
    APEXLINT_FUZZ=1 python3 -m tests.fuzz.harness lower-cls -max_total_time=600 corpus/cls

TARGET is one of `decode`, `merge-fields`, `zip`, `lower-<suffix>` (cls, trigger, page,
component, js, workflow-meta.xml, object-meta.xml) or `pipeline` (the hypothesis property that
scans a package of mutated fixture files, driven by libFuzzer's bytes). Without a corpus
directory the fixture files of that kind seed a temporary one. A crash is an exception that
escapes, or a lowering that ends in an "internal-error" notification.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris

# atheris 2.3.0's bytecode rewriting breaks these modules on Python 3.11: in merge_fields a local
# read from `self.text` arrives as a bool ("'bool' object has no attribute 'find'"), and js_flow's
# cursor walk, re-entered through js_calls, segfaults in tree-sitter, both on the fixture seeds
# themselves; uninstrumented (or outside atheris, under MALLOC_PERTURB_) the same inputs lower
# cleanly. They are still run on every input, only without coverage feedback of their own.
with atheris.instrument_imports(include=["apexlint"], exclude=[
        "apexlint.read.merge_fields", "apexlint.lower.js_flow", "apexlint.lower.js_calls"]):
    # The lowerings are imported lazily by lower_source: import them here so they are instrumented.
    import apexlint.engine
    import apexlint.lower.apex
    import apexlint.lower.javascript
    import apexlint.lower.metadata
    import apexlint.lower.visualforce  # noqa: F401
    from apexlint.ir import NoticeLevel
    from apexlint.lower import LoweringJob, lower_job
    from apexlint.read.decode import ReadLimits, decode, read_source
    from apexlint.read.merge_fields import find_merge_fields
    from apexlint.read.static_resources import resource_members

from tests.fuzz.inputs import KINDS, lying_zips, seeds

Target = Callable[[bytes], None]
LIMITS = ReadLimits()


def fuzz_decode(data: bytes) -> None:
    _, lossy, notes = decode(data, "x.cls")
    assert lossy == bool(notes)
    src, notes = read_source("x.cls", data, "acme", LIMITS)
    assert src is not None or notes


def fuzz_merge_fields(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    end = 0
    for field in find_merge_fields(text):
        assert end <= field.start < field.end <= len(text)
        assert text.startswith("{!", field.start)
        end = field.end


def fuzz_zip(data: bytes) -> None:
    members, _ = resource_members(data, "r.resource", "application/zip", LIMITS)
    assert sum(len(body) for _, body in members) <= LIMITS.max_resource_bytes


def lowering_target(suffix: str) -> Target:
    folder, kind, metadata_type = KINDS[suffix]

    def fuzz_lower(data: bytes) -> None:
        lowered = lower_job(LoweringJob(f"{folder}/X.{suffix}", kind, data, "acme", metadata_type), LIMITS)
        failures = [n.message for n in lowered.notifications
                    if n.code == "internal-error" and n.level == NoticeLevel.ERROR]
        assert not failures, failures

    return fuzz_lower


def pipeline_target() -> Target:
    from tests.test_fuzz_properties import test_a_package_of_mutated_files_scans_and_reports_in_every_format as prop
    run: Target = prop.hypothesis.fuzz_one_input  # type: ignore[attr-defined]
    return run


def targets() -> dict[str, Callable[[], Target]]:
    table: dict[str, Callable[[], Target]] = {
        "decode": lambda: fuzz_decode,
        "merge-fields": lambda: fuzz_merge_fields,
        "zip": lambda: fuzz_zip,
        "pipeline": pipeline_target,
    }
    for suffix in KINDS:
        table[f"lower-{suffix}"] = lambda suffix=suffix: lowering_target(suffix)  # type: ignore[misc]
    return table


def seed_corpus(target: str) -> Path:
    """A temporary corpus of the fixture files (and hostile archives) that suit `target`."""
    corpus = Path(tempfile.mkdtemp(prefix=f"apexlint-fuzz-{target}-"))
    samples: list[bytes] = []
    if target.startswith("lower-"):
        samples = [data for _, data in seeds(target.removeprefix("lower-"))]
    elif target == "zip":
        samples = [data for data in lying_zips().values() if len(data) < 1_000_000]
    else:
        samples = [data for suffix in KINDS for _, data in seeds(suffix)]
    for i, data in enumerate(samples):
        (corpus / f"seed-{i:03d}").write_bytes(data)
    return corpus


def main(argv: list[str]) -> None:
    if os.environ.get("APEXLINT_FUZZ") != "1":
        sys.exit("apexlint fuzz harness: set APEXLINT_FUZZ=1 to run it")
    table = targets()
    if len(argv) < 2 or argv[1] not in table:
        sys.exit(f"usage: python3 -m tests.fuzz.harness TARGET [libFuzzer options]; TARGET: {', '.join(sorted(table))}")
    name, options = argv[1], argv[2:]
    if name != "pipeline" and not any(not opt.startswith("-") for opt in options):
        options.append(str(seed_corpus(name)))
    if not any(opt.startswith("-artifact_prefix=") for opt in options):  # crash files: never in the repo
        options.insert(0, f"-artifact_prefix={tempfile.mkdtemp(prefix='apexlint-fuzz-crashes-')}/")
    atheris.Setup([argv[0], *options], table[name]())
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
