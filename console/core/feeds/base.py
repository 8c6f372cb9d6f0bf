"""What every feed shares: its health, and turning raw messages into events on the ingest queue."""
from __future__ import annotations

import functools
import queue
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable, ParamSpec, Sequence, TypeVar

from ..events import Event
from ..timefmt import now_utc_text
from .messages import MessageError, MessageParser

REJECTIONS_KEPT = 100
RATE_WINDOW_S = 10.0
# Feed threads give way to the GUI thread, which drains their queue (console.qt.ingest).
# * The GIL: a thread that gives it up (ingest does in every SQLite call, Qt's event loop between events) gets
#   it back only by winning a race against a thread running Python, and a busy MQTT feed releases and retakes
#   it on every socket call, so it wins nearly always: while one ran flat out, ingest ticks took 4-6 times and
#   repaints 2-3 times their CPU time. So a feed waits before its next message while the GUI thread stores a
#   batch (`feeds_paused`), and sleeps a moment whenever the GUI's heartbeat (`gui_heartbeat`, every 10 ms) is
#   late: the GUI thread is then waiting for the GIL (or busy, and the sleep costs nothing).
# * The queue: beyond MAX_QUEUED events (a second or two of the busiest feed, about 6 MB) a feed waits for the
#   GUI to catch up, so the queue never grows without bound and the garbage collector's full passes, which walk
#   every queued event (25 ms for 20,000 under load), stay short. An MQTT broker keeps what is not yet
#   acknowledged. Only while the GUI runs: without one, whoever drains the queue may do so when a feed is done.
MAX_QUEUED = 10_000
PAUSE_TIMEOUT_S = 1.0  # the longest a feed waits for one batch to be stored
GUI_LATE_S = 0.015  # a heartbeat older than this: the GUI thread wants the GIL
GUI_GONE_S = 1.0  # older than this: no GUI (any more), or a real freeze: feeds stop giving way
GIVE_WAY_S = 0.0005  # long enough for a waiting thread to wake up and take the GIL
_open = threading.Event()
_open.set()
_pauses = 0  # feeds_paused blocks under way
_heartbeat = -GUI_GONE_S  # time.monotonic() of the GUI thread's last heartbeat


@contextmanager
def feeds_paused():
    """Feed threads wait before their next message until the block ends (at most PAUSE_TIMEOUT_S). Blocks nest
    (a slot run inside an ingest tick): the feeds go on when the outermost ends. Only the GUI thread pauses them."""
    global _pauses
    _pauses += 1
    _open.clear()
    try:
        yield
    finally:
        _pauses -= 1
        if not _pauses:
            _open.set()


P = ParamSpec("P")
R = TypeVar("R")


def pausing_feeds(method: Callable[P, R]) -> Callable[P, R]:
    """A GUI slot that runs inside feeds_paused: one that makes many Qt calls while feeds run. Each call gives up the
    GIL, and a busy feed thread kept it up to the switch interval (5 ms): the layer panel's counts took 10-16 ms of
    the GUI thread instead of 2-3 under bench/ingest.py's load."""
    @functools.wraps(method)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with feeds_paused():
            return method(*args, **kwargs)
    return paused


def gui_heartbeat() -> None:
    """The GUI thread is running (called by its heartbeat timer, console.qt.ingest.StallMeter)."""
    global _heartbeat
    _heartbeat = time.monotonic()


def gui_gone() -> None:
    """The GUI thread stopped its heartbeat (the console shut down): feeds stop giving way at once."""
    global _heartbeat
    _heartbeat = -GUI_GONE_S


def _gui_age() -> float:
    return time.monotonic() - _heartbeat


def gui_heartbeat_late() -> bool:
    """The GUI thread's heartbeat is overdue: the thread was busy, or waited for the GIL (and still runs)."""
    return GUI_LATE_S < _gui_age() < GUI_GONE_S


class FeedState(StrEnum):
    IDLE = "idle"  # configured, not started
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    DOWN = "down"  # stopped trying, or failed for good
    STALE = "stale"  # connected, but nothing arrived for longer than expected (derived, never set)
    FINISHED = "finished"  # a recording or a scenario that played to its end


@dataclass(frozen=True)
class Rejection:
    at: str  # UTC text
    reason: str
    excerpt: str  # the start of the offending message


@dataclass(frozen=True)
class HealthSnapshot:
    name: str
    kind: str
    state: FeedState
    detail: str
    age_s: float | None  # since the last message, None before the first
    rate: float  # messages per second over the last RATE_WINDOW_S
    accepted: int
    rejected: int
    rejections: tuple[Rejection, ...] = field(default=())


class FeedHealth:
    """Counters a feed thread updates and the GUI reads; every access holds the lock."""

    def __init__(self, name: str, kind: str, stale_after_s: float | None) -> None:
        self.name, self.kind, self.stale_after_s = name, kind, stale_after_s
        self._lock = threading.Lock()
        self._state, self._detail = FeedState.IDLE, ""
        self._last_message: float | None = None
        self._arrivals: deque[tuple[float, int]] = deque()  # (when, how many messages: a batch holds many)
        self._accepted = self._rejected = 0
        self._rejections: deque[Rejection] = deque(maxlen=REJECTIONS_KEPT)

    def set_state(self, state: FeedState, detail: str = "") -> None:
        with self._lock:
            self._state, self._detail = state, detail

    def record_message(self, accepted: bool, reason: str = "", raw: bytes | str = b"") -> None:
        self.record_messages(int(accepted), () if accepted else (reason,), raw)

    def record_messages(self, accepted: int, reasons: Sequence[str] = (), raw: bytes | str = b"") -> None:
        """What one raw message brought: `accepted` messages, and one reason per message refused."""
        now = time.monotonic()
        with self._lock:
            self._last_message = now
            self._arrivals.append((now, accepted + len(reasons)))
            self._accepted += accepted
            self._rejected += len(reasons)
            if reasons:
                excerpt = raw[:120].decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)[:120]
                self._rejections.extend(Rejection(now_utc_text(), reason, excerpt) for reason in reasons)

    def snapshot(self) -> HealthSnapshot:
        now = time.monotonic()
        with self._lock:
            while self._arrivals and self._arrivals[0][0] < now - RATE_WINDOW_S:
                self._arrivals.popleft()
            age = None if self._last_message is None else now - self._last_message
            state = self._state
            if state == FeedState.CONNECTED and self.stale_after_s and (age is None or age > self.stale_after_s):
                state = FeedState.STALE
            return HealthSnapshot(self.name, self.kind, state, self._detail, age,
                                  sum(n for _, n in self._arrivals) / RATE_WINDOW_S, self._accepted, self._rejected,
                                  tuple(self._rejections))


class Feed:
    """A source of messages. Subclasses run a thread that calls `deliver()` for every raw message."""

    kind = "feed"

    def __init__(self, name: str, parser: MessageParser, sink: queue.SimpleQueue,
                 stale_after_s: float | None = None) -> None:
        self.name = name
        self.parser = parser
        self.sink = sink
        self.health = FeedHealth(name, self.kind, stale_after_s)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"feed-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        raise NotImplementedError

    def deliver(self, raw: bytes | str, where: str = "") -> list[Event]:
        """Parse and validate one message (or each message of a batch); put the events on the queue, and record
        why each one refused was refused, after `where` (a line number, a file name)."""
        if not _open.is_set():
            _open.wait(PAUSE_TIMEOUT_S)
        elif gui_heartbeat_late():
            time.sleep(GIVE_WAY_S)
        try:
            events, refused = self.parser.parse_all(raw)
        except MessageError as exc:
            self.health.record_message(False, f"{where}{exc}", raw)
            return []
        self.health.record_messages(len(events), [f"{where}{reason}" for reason in refused], raw)
        while self.sink.qsize() >= MAX_QUEUED and _gui_age() < GUI_GONE_S and not self._stop.wait(0.005):
            pass  # a stopping feed still queues its last events: they may already be acknowledged
        for event in events:
            self.sink.put(event)
        return events


def drain(sink: queue.SimpleQueue, limit: int = 50_000) -> list[Event]:
    """Everything waiting on the ingest queue (up to `limit`), without blocking."""
    batch = []
    try:
        while len(batch) < limit:
            batch.append(sink.get_nowait())
    except queue.Empty:
        pass
    return batch
