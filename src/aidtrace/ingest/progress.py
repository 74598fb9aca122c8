"""Progress of a long ingest, on stderr: a live tqdm bar on a terminal, a plain line now and then
elsewhere (a log file, CI), and nothing when asked for none.

Both show what tqdm computes — done/total, percentage, documents per second and the time left
when the total is known (``documents.count_documents``), done and rate otherwise.
"""
from __future__ import annotations

import sys
import time
from typing import IO

# How often the plain line is written where stderr is not a terminal.
PLAIN_EVERY_SECONDS = 15.0


class Progress:
    """``update()`` once per document; ``close()`` at the end. ``mode`` is "bar", "lines" or "off"."""

    def __init__(self, total: int | None, mode: str, stream: IO[str] | None = None,
                 every: float = PLAIN_EVERY_SECONDS) -> None:
        from tqdm import tqdm

        self.total, self.mode, self.every = total, mode, every
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = self.last = time.monotonic()
        self._bar = tqdm(total=total, unit="doc", dynamic_ncols=True, file=self.stream, smoothing=0.1,
                         desc="ingest") if mode == "bar" else None

    def update(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self.mode == "lines":
            now = time.monotonic()
            if now - self.last >= self.every:
                self.last = now
                self._line(now)

    def _line(self, now: float) -> None:
        from tqdm import tqdm

        meter = tqdm.format_meter(self.done, self.total, now - self.started, unit="doc", ncols=0)
        self.stream.write(f"aidtrace: ingest {meter}\n")
        self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.mode == "lines" and self.done and time.monotonic() - self.started >= self.every:
            self._line(time.monotonic())  # the last state, before the summary line


def progress_mode(enabled: bool | None, stream: IO[str] | None = None) -> str:
    """``--progress`` forces the bar, ``--no-progress`` turns everything off; by default a bar on
    a terminal and plain lines elsewhere."""
    if enabled is False:
        return "off"
    if enabled:
        return "bar"
    stream = stream or sys.stderr
    return "bar" if getattr(stream, "isatty", lambda: False)() else "lines"
