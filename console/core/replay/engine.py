"""Replay: seek to any moment of a recording, and play forward, with a Session on it that the views read.

Contract with the views: `Replay.session` is an ordinary `Session(ReplayStore, derive=False)`.
- `advance(t)` (playback) feeds the recording's next events through `session.ingest`: the layers are upserted and
  `session.ingested` fires, exactly as live.
- `seek(t)` (a jump) rebuilds the projections from a snapshot; the layers get the rows that differ (upsert), or are
  reloaded when objects appeared or vanished. `session.ingested` does not fire (there are no "new events" going
  back); `Replay.moved` does, with the `Move`, for views that must re-read (desks, charts).
Both return a `Move`. The session's clock is held at the moment's time after a seek (the player sets it running).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from psygnal import Signal

from ..events import Event
from ..projections import Row
from ..session import Session, rows_for_layer
from ..timefmt import parse_time
from .recording import Recording, to_ms
from .snapshots import SnapshotCache, cache_path
from .store import ReplayStore

# Events between snapshots: a seek applies at most this many after restoring one, less the readings overridden before
# the target (most of them: ReplayStore.apply_to), ~40 ms on average for the bench's 5 million events, which make
# 625 snapshot points (a 130 MB cache, built in about a minute).
DEFAULT_SNAPSHOT_EVERY = 8_000
ADVANCE_AT_MOST = 40_000  # events: a longer advance is a seek (as with the earlier spacing of 20,000)


@dataclass
class Move:
    seq: int  # the bound: every event with seq <= this is applied
    time: str | None  # the moment's horizon (UTC text); None before the first event
    jumped: bool  # True: rebuilt from a snapshot (seek); False: events applied forward (advance)
    events: list[Event] = field(default_factory=list)  # advance: what went through session.ingest
    changed: dict[str, list[Row]] = field(default_factory=dict)  # rows now different from before, per table
    removed: dict[str, set[str]] = field(default_factory=dict)  # ids that no longer exist, per table
    reloaded: bool = False  # the layers were filled afresh (objects came or went): views re-read everything


class Replay:
    moved = Signal(object)  # Move, after every seek or advance

    def __init__(self, recording: Recording | str | Path, snapshot_every: int = DEFAULT_SNAPSHOT_EVERY,
                 cache_folder: Path | None = None, with_session: bool = True) -> None:
        self.recording = recording if isinstance(recording, Recording) else Recording(recording)
        self.snapshot_every = snapshot_every
        self.cache_folder = cache_folder
        self.cache = SnapshotCache.open(self.recording, cache_folder, snapshot_every)
        self.store = ReplayStore(self.recording)
        self.cache.attach(self.store)
        self.session = Session(self.store, derive=False) if with_session else None

    # --- where we are ------------------------------------------------------------------------------
    @property
    def seq(self) -> int:
        return self.store.bound

    @property
    def time(self) -> str | None:
        return self.time_of(self.store.bound)

    def time_of(self, seq: int) -> str | None:
        """The horizon at `seq`: the newest event time among the events up to it."""
        i = int(np.searchsorted(self.cache.moment_seqs, seq, "left"))  # the moment holding seq
        if seq <= 0 or not len(self.cache.moment_seqs):
            return None
        if i < len(self.cache.moment_seqs) and self.cache.moment_seqs[i] == seq:
            return self.cache.moment_times[i]
        # inside an append (seek_seq to an exact seq): the horizon of the events before it, then its own
        row = self.store.conn.execute("SELECT max(event_time) FROM rec.events WHERE seq > ? AND seq <= ?",
                                      (int(self.cache.moment_seqs[i - 1]) if i else 0, seq)).fetchone()[0]
        before = self.cache.moment_times[i - 1] if i else ""
        return max(before, row or "") or None

    def moment(self, when: str | datetime) -> int:
        """The seq of the last moment (end of an append) whose horizon is <= when; 0 before the first."""
        i = int(np.searchsorted(self.cache.moment_ms, to_ms(when), "right"))
        return int(self.cache.moment_seqs[i - 1]) if i else 0

    def moment_of_seq(self, seq: int) -> int:
        """The end of the append holding `seq` (where stepping to an event lands)."""
        i = int(np.searchsorted(self.cache.moment_seqs, seq, "left"))
        return int(self.cache.moment_seqs[min(i, len(self.cache.moment_seqs) - 1)]) if seq > 0 else 0

    # --- moving ------------------------------------------------------------------------------------
    def seek(self, when: str | datetime) -> Move:
        """The city as it was at `when` (see the package docstring: the last moment at or before it)."""
        return self.seek_seq(self.moment(when))

    def seek_seq(self, seq: int) -> Move:
        """The city after the events up to `seq` exactly: from the nearest snapshot at or before it, or from
        where we are when that is between the snapshot and it."""
        seq = max(0, min(int(seq), self.recording.last_seq))
        try:
            move = self._move(*self._goto(seq))
        except sqlite3.DatabaseError:  # the cache went bad under us (truncated, overwritten): build it again
            self._rebuild_and_goto(seq)
            move = Move(self.store.bound, self.time, True, reloaded=True)
        if self.session is not None:
            if move.reloaded:
                self.session.reload()
            else:
                move.reloaded = self._update_layers(move)
            if move.time:
                self.session.clock.follow(parse_time(move.time), 0)
        self.moved.emit(move)
        return move

    def advance(self, when: str | datetime) -> Move:
        """Play forward to `when`: the events since the current moment go through the session as live batches. A
        jump of more than ADVANCE_AT_MOST events (or two snapshot spacings) is a seek instead (faster than applying
        them one by one)."""
        target = self.moment(when)
        if target <= self.store.bound:
            return Move(self.store.bound, self.time, False)
        if target - self.store.bound > max(2 * self.snapshot_every, ADVANCE_AT_MOST):
            return self.seek_seq(target)
        applied: list[Event] = []
        changed: dict[str, list[Row]] = {}
        for events in self.store.recorded_batches(self.store.bound, target):
            if self.session is not None:
                applied += self.session.ingest(events)  # the layers and session.ingested get them, as live
            else:
                for table, rows in self.store.append(events).changed.items():
                    changed.setdefault(table, []).extend(rows)
                applied += events
        move = Move(self.store.bound, self.time, False, applied, changed)
        self.moved.emit(move)
        return move

    def step(self, direction: int) -> Move | None:
        """To the end of the append holding the next (direction > 0) or previous alert or incident mark."""
        marks = self.recording.marks()
        if not marks:
            return None
        seqs = np.array([m.seq for m in marks], dtype=np.int64)
        ends = self.cache.moment_seqs[np.minimum(np.searchsorted(self.cache.moment_seqs, seqs, "left"),
                                                 len(self.cache.moment_seqs) - 1)]
        candidates = ends > self.store.bound if direction > 0 else ends < self.store.bound
        if not candidates.any():
            return None
        target = ends[candidates].min() if direction > 0 else ends[candidates].max()
        return self.seek_seq(int(target))

    def close(self) -> None:
        self.store.close()
        self.recording.close()

    # --- inside ----------------------------------------------------------------------------------------
    def _goto(self, seq: int) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        store = self.store
        touched: dict[str, set[str]] = {}
        removed: dict[str, set[str]] = {}
        with store.transaction():
            snapshot = self.cache.snapshot_at_or_before(seq)
            if not snapshot <= store.bound <= seq:
                touched, removed = self.cache.restore(store, snapshot)
            for table, ids in store.apply_to(seq).items():
                touched.setdefault(table, set()).update(ids)
        return touched, removed

    def _rebuild_and_goto(self, seq: int) -> None:
        self.cache.detach(self.store)
        cache_path(self.recording, self.cache_folder).unlink(missing_ok=True)
        self.cache = SnapshotCache.open(self.recording, self.cache_folder, self.snapshot_every)
        self.cache.attach(self.store)
        with self.store.transaction():
            self.store.clear()
        self._goto(seq)

    def _move(self, touched: dict[str, set[str]], removed: dict[str, set[str]]) -> Move:
        changed: dict[str, list[Row]] = {}
        gone: dict[str, set[str]] = {}
        for table in set(touched) | set(removed):
            ids = touched.get(table, set()) | removed.get(table, set())
            rows = self.store.rows_by_id(table, sorted(ids))
            if rows:
                changed[table] = rows
            missing = ids - {r["id"] for r in rows}
            if missing:
                gone[table] = missing
        return Move(self.store.bound, self.time, True, [], changed, gone)

    def _update_layers(self, move: Move) -> bool:
        """The layers as the projection tables now are: the changed rows, or all of it when objects came or went
        (a layer cannot drop rows one by one); True when reloaded."""
        session = self.session
        layers = session.layers
        if any(t in layers for t in move.removed) or any(
                layers[t].row_of(r["id"]) is None for t, rows in move.changed.items() if t in layers for r in rows):
            session.reload()
            return True
        for table, rows in move.changed.items():
            if table in layers:
                layers[table].upsert(rows_for_layer(layers[table], rows))
        return False
