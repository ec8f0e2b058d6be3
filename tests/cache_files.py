"""Test helper: a cache file replaced by what a hostile or broken cache folder could hold."""

from __future__ import annotations

import os
import time
from pathlib import Path

OUTSIDE_TEXT = "not the cache's"


def obstruct(target: Path, kind: str, outside: Path) -> Path:
    """Put a folder (`kind` "folder", holding a file) or a link to `outside`, a file written
    outside the cache that must stay as it is (`kind` "link"), where `target` was."""
    target.unlink(missing_ok=True)
    outside.write_text(OUTSIDE_TEXT)
    if kind == "folder":
        target.mkdir()
        (target / "inside").write_text("kept")
    else:
        target.symlink_to(outside)
    return outside


def at_rest(root: Path, age_s: int = 60) -> Path:
    """Every file under `root` last modified `age_s` seconds ago: a tree as it is between edits,
    whose modification times a cache trusts (a recent one is not: apexlint/cache.py, RACY_NS)."""
    then = time.time_ns() - age_s * 1_000_000_000
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, ns=(then, then))
    return root
