"""A progress line on stderr for long scans: shown only on a terminal, only after ~2 seconds."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType

DELAY = 2.0
FRAMES = "|/-\\"


class Progress:
    """Context manager; `advance()` may be called from the scan to count finished files."""

    def __init__(self, enabled: bool, total: int = 0) -> None:
        self.enabled = enabled
        self.total = total
        self.done = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False

    def update(self, done: int, total: int) -> None:
        """Files lowered so far (called by the engine); the analysis follows the last file."""
        self.done, self.total = done, total

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        start = time.monotonic()
        if self._stop.wait(DELAY):
            return
        i = 0
        while not self._stop.wait(0.2):
            elapsed = time.monotonic() - start
            sys.stderr.write(f"\r{FRAMES[i % 4]} apexlint: {self._bar()} ({elapsed:.0f}s)")
            sys.stderr.flush()
            self._shown = True
            i += 1

    def _bar(self) -> str:
        if not self.total:
            return "discovering files"
        if self.done >= self.total:
            return "analysing the package"
        width = 24
        filled = width * self.done // self.total
        return f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files"

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
