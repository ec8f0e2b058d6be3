"""The progress line: silent off a terminal, a bar with file counts during long scans."""

from __future__ import annotations

import io
import time

import pytest

from apexlint import progress as progress_module
from apexlint.progress import Progress


def test_progress_is_silent_when_disabled(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress(enabled=False) as p:
        p.update(3, 10)
    assert capsys.readouterr().err == ""


def test_progress_shows_a_bar_with_file_counts_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(progress_module.sys, "stderr", err)
    monkeypatch.setattr(progress_module, "DELAY", 0.01)
    with Progress(enabled=True) as p:
        p.update(5, 20)
        time.sleep(0.5)
    text = err.getvalue()
    assert "5/20 files" in text and "[######" in text
    assert text.endswith("\r\x1b[2K")  # the line is cleared at the end
