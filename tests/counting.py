"""How many times a scan ran the whole-package analysis (the cache's tests ask)."""

from __future__ import annotations

from typing import Any

import pytest

from apexlint import pipeline


def count_analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets one item per `pipeline.analyse` call from now on."""
    calls: list[int] = []
    original = pipeline.analyse

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr("apexlint.pipeline.analyse", counting)
    return calls
