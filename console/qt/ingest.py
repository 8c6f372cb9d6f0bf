"""Feeding the session on the GUI thread: drain the feeds' queue, keep staleness current, and measure how long
the GUI thread was ever blocked.

A tick stores one batch in one transaction and updates the layers: the GUI thread does nothing else meanwhile,
so the batch is sized to take about TICK_BUDGET_MS, from what the last ticks cost per event (the cost varies
several-fold with the load on the machine). When the cost jumps within a tick, the batch stops at the first
piece of it that ends past the budget, and the rest is the next tick's (Store.append's deadline). One batch
rather than several small ones: a reading that replaces an earlier one of the same sensor in the same batch
costs no projection write, so bigger batches are cheaper per event. When a tick leaves events waiting, the next
one comes after BUSY_INTERVAL_MS instead of INGEST_INTERVAL_MS: the event loop (repaints, input, the heartbeat)
runs in between, and the feed threads have the GIL to themselves. The feeds' queue is bounded
(console.core.feeds.base.MAX_QUEUED), so a feed that outpaces ingest slows down instead of filling the memory."""
from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time

from PySide6 import QtCore

from console.core.feeds.base import feeds_paused, gui_gone, gui_heartbeat, gui_heartbeat_late
from console.core.feeds.manager import FeedManager
from console.core.store import WAL_CHECKPOINT_PAGES, Store, index_new_readings

log = logging.getLogger(__name__)

INGEST_INTERVAL_MS = 100  # the queue was empty after the last tick: check again this much later
# Events were left waiting: the next tick after one turn of the event loop and this pause. At 10 ms the GUI thread
# sat idle a third of the time under load (gateway batches: 7,752 readings/s, against 10,218 at 2 ms).
BUSY_INTERVAL_MS = 2
YIELD_AFTER_MS = 10  # a tick this much later than asked for: the GUI thread did something else meanwhile
# Well under the longest stall we accept (50 ms), leaving room for a storm's piece past it and a repaint. Against
# 20 ms (alternating runs of bench/ingest.py): heartbeat gaps' p99 24-27 ms against 38-47, longest stall 43-55 ms
# against 58-80, for 10 % fewer readings a second (18,691 against 20,830; 22,000 and more when the machine is quiet).
TICK_BUDGET_MS = 14.0
MIN_BATCH, FIRST_BATCH, MAX_BATCH = 100, 200, 20_000  # events per tick
STALENESS_INTERVAL_S = 1.0
CHECKPOINT_INTERVAL_S = 1.0


class StoreMaintenance:
    """The store's upkeep on its own thread and connection while the console runs: WAL checkpoints, and the runs of
    readings into readings_by_object.

    Checkpoints: with SQLite's automatic ones, the commit that fills the WAL copies it on the GUI thread and syncs
    the file: under a feed's load the longest ingest ticks were such commits. Here the store's connection stops
    checkpointing (wal_autocheckpoint=0) and the thread runs a PASSIVE checkpoint every CHECKPOINT_INTERVAL_S: it
    never waits for or blocks the writer, and SQLite leaves the GIL while it copies. stop() gives the store its
    automatic checkpoints back.

    Readings: a run (store.py, READINGS_INDEX_EVERY) holds the write lock about 20 ms for 10,000 readings, several
    times that when the machine is busy. The pump asks for it here (index_readings) and stores nothing until it is
    done, so the run and the GUI thread's other work (repaints, input) go on side by side: one SQLite statement,
    without the GIL."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._stop = threading.Event()
        self._indexing = threading.Event()  # a run asked for and not done yet
        self._requests: queue.SimpleQueue[bool] = queue.SimpleQueue()  # True: index the readings; False: stop
        self._thread: threading.Thread | None = None
        if store.read_only or not store.path.is_file():
            return
        try:  # opened here, so that a file that cannot be opened leaves no thread behind; used by the thread alone
            conn = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            log.exception("cannot open %s for its upkeep", store.path)
            return
        store.conn.execute("PRAGMA wal_autocheckpoint=0")
        self._thread = threading.Thread(target=self._run, args=(conn,), name="store-maintenance", daemon=True)
        self._thread.start()

    def index_readings(self) -> bool:
        """Ask for a run of readings; False if there is no maintenance thread (the caller runs it itself)."""
        if self._thread is None:
            return False
        self._indexing.set()
        self._requests.put(True)
        return True

    @property
    def indexing(self) -> bool:
        return self._indexing.is_set()

    def _run(self, conn: sqlite3.Connection) -> None:
        try:
            next_checkpoint = time.monotonic() + CHECKPOINT_INTERVAL_S
            while not self._stop.is_set():
                try:
                    if self._requests.get(timeout=max(0.0, next_checkpoint - time.monotonic())):
                        self._index(conn)
                except queue.Empty:
                    self._checkpoint(conn)
                    next_checkpoint = time.monotonic() + CHECKPOINT_INTERVAL_S
        finally:
            self._indexing.clear()
            conn.close()

    def _index(self, conn: sqlite3.Connection) -> None:
        try:
            index_new_readings(conn)
        except sqlite3.Error as exc:  # e.g. busy for longer than the timeout: the store's own append catches up
            log.warning("indexing the readings of %s failed: %s", self.store.path, exc)
        finally:
            self._indexing.clear()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # e.g. the database is busy: try again next time
            log.warning("WAL checkpoint of %s failed: %s", self.store.path, exc)

    def stop(self) -> None:
        """Stop the thread (a run under way ends first); called on the GUI thread (the store's connection belongs
        to it)."""
        if self._thread is None:
            return
        self._stop.set()
        self._requests.put(False)
        self._thread.join(5.0)
        self._thread = None
        try:
            self.store.conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        except sqlite3.ProgrammingError:  # the store was closed first
            pass


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
        gui_heartbeat()  # feed threads give way to the GUI thread when this is late
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000 - self.interval_ms)
        self._last = now

    def reset(self) -> None:
        self.longest_ms = 0.0
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._timer.stop()
        gui_gone()


class IngestPump(QtCore.QObject):
    ingested = QtCore.Signal(int)  # how many new events the last batch stored

    def __init__(self, feeds: FeedManager, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.feeds = feeds
        self.maintenance = StoreMaintenance(feeds.session.store)
        self._index_asked = False  # a run of readings was handed to the maintenance thread
        self.total = 0
        self.batch_limit = FIRST_BATCH
        self._last_staleness = 0.0
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)  # re-armed by every tick, after INGEST_ or BUSY_INTERVAL_MS (_arm)
        self._timer.timeout.connect(self._tick)
        self._stopped = False
        self._yielded = False
        self._arm(INGEST_INTERVAL_MS)

    def _tick(self) -> None:
        # Late, or the heartbeat is: something else held the GUI thread meanwhile (a repaint, a desk's step). Let the
        # event loop take one turn (input, the heartbeat, timers already due) before the batch, rather than adding
        # the two together.
        late = (time.perf_counter() - self._due) * 1000 > YIELD_AFTER_MS
        if not self._yielded and (late or gui_heartbeat_late()):
            self._yielded = True
            self._timer.start(0)
            return
        self._yielded = False
        try:
            self.pump()
        finally:
            if not self._stopped:
                self._arm(BUSY_INTERVAL_MS if self.feeds.waiting() else INGEST_INTERVAL_MS)

    def _arm(self, interval_ms: int) -> None:
        self._due = time.perf_counter() + interval_ms / 1000
        self._timer.start(interval_ms)

    def pump(self) -> None:
        store = self.feeds.session.store
        start = time.perf_counter()
        deadline = start + TICK_BUDGET_MS / 1000  # when the machine slows down, a tick stops short (store.py)
        if self._index_asked:
            if self.maintenance.indexing:
                return  # the run goes on beside the GUI thread; the store takes no batch meanwhile
            self._index_asked = False
            store.reread_readings_indexed()
        if not store.read_only and store.readings_index_due():
            self._index_asked = self.maintenance.index_readings()
            if not self._index_asked:
                store.index_readings()  # no maintenance thread: a tick of its own, before `append` would carry it
            return
        with feeds_paused():  # the whole tick, the staleness pass too: it restyles the layers (many Qt calls)
            new = self.feeds.pump(self.batch_limit, deadline)
            if new:
                self._adapt(len(new), (time.perf_counter() - start) * 1000)
                self.total += len(new)
                self.ingested.emit(len(new))
            elif not self.feeds.waiting():
                store.flush_projections(when_due=True)  # the feeds went quiet: what readings changed goes out
            now = time.monotonic()
            if now - self._last_staleness >= STALENESS_INTERVAL_S:
                self._last_staleness = now
                self.feeds.session.update_staleness()

    def _adapt(self, count: int, elapsed_ms: float) -> None:
        """Move the batch limit halfway to what would have taken TICK_BUDGET_MS at this tick's cost per
        event: one slow tick (a WAL checkpoint, say) does not swing it."""
        target = TICK_BUDGET_MS * count / max(elapsed_ms, 1e-3)
        self.batch_limit = int(min(MAX_BATCH, max(MIN_BATCH, (self.batch_limit + target) / 2)))

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self.maintenance.stop()
