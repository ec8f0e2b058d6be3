"""Test helper: a cache file replaced by what a hostile or broken cache folder could hold."""

from __future__ import annotations

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
