"""Feeding the session on the GUI thread: drain the feeds' queue a few times a second, keep staleness
current, and measure how long the GUI thread was ever blocked."""
from __future__ import annotations

import time

from PySide6 import QtCore

from console.core.feeds.manager import FeedManager

INGEST_INTERVAL_MS = 100
STALENESS_INTERVAL_S = 1.0


class StallMeter(QtCore.QObject):
    """A heartbeat timer: the longest gap between its ticks beyond the interval is the longest stall."""

    def __init__(self, interval_ms: int = 10, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.longest_ms = 0.0
        self._last = time.perf_counter()
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start(interval_ms)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000 - self.interval_ms)
        self._last = now

    def reset(self) -> None:
        self.longest_ms = 0.0
        self._last = time.perf_counter()


class IngestPump(QtCore.QObject):
    ingested = QtCore.Signal(int)  # how many new events the last batch stored

    def __init__(self, feeds: FeedManager, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.feeds = feeds
        self.total = 0
        self._last_staleness = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self.pump)
        self._timer.start(INGEST_INTERVAL_MS)

    def pump(self) -> None:
        new = self.feeds.pump()
        if new:
            self.total += len(new)
            self.ingested.emit(len(new))
        now = time.monotonic()
        if now - self._last_staleness >= STALENESS_INTERVAL_S:
            self._last_staleness = now
            self.feeds.session.update_staleness()

    def stop(self) -> None:
        self._timer.stop()
