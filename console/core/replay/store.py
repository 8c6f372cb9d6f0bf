"""ReplayStore: the store a replaying Session uses, so that views do not know they show a replay.

One SQLite connection whose main database is private and temporary (SQLite's "" file: on disk, deleted on close)
and holds the projection tables as of the current moment. The recording is attached read-only as `rec`; a TEMP VIEW
`events` shows its events up to the current bound (seq), and `readings_by_object` with `reading_runs` its readings
index up to it, so the views' queries (history.py, vital_signs.py) run unchanged, and through the recording's own
indexes (a view is flattened into each query).
Unqualified names resolve temp, then main, then attached schemas: `events` is the view, projection tables and `meta`
are the private copies, never the recording's.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Callable, Iterator, Sequence

import sqlite_utils

from .. import events as ev
from ..config import Config, load_config
from ..events import Event
from ..projections import Projector, Row, all_table_columns, create_tables, select_ids
from ..store import READINGS_INDEXED, READINGS_WHERE, AppendResult, Store, StoreError
from .recording import Recording, uri_of

BATCH = 20_000  # events read and applied at a time
_INDEXED_WHEN_OPENED = f"seq <= (SELECT CAST(value AS INTEGER) FROM main.meta WHERE key = '{READINGS_INDEXED}')"
_SELECT_EVENTS = "SELECT seq, id, type, event_time, received_time, source, payload FROM rec.events"

# Readings that a later reading of the same object overrides need not go through the projector when all that is
# wanted is the state at the end (a seek, a snapshot): see `superseded`. SQLite picks out the object and, for a
# station, which quantities the reading carries (bit i: STATION_BITS[i]) without Python parsing every payload.
STATION_BITS = ("wind_mean_ms", "wind_gust_ms", "rain_1h_mm", "rain_acc_mm", "level_m")
STATION_GROUPS = (0b00011, 0b01100, 0b10000)  # wind, rain, level: each keeps its newest reading (projections)
_SELECT_RAW = ("SELECT seq, id, type, event_time, received_time, source, payload, "
               "CASE WHEN type IN (:flood, :station) THEN json_extract(payload, '$.id') END, "
               "CASE WHEN type = :station THEN "
               + " + ".join(f"(json_type(payload, '$.{q}') IS NOT NULL) * {1 << i}" for i, q in enumerate(STATION_BITS))
               + " END FROM rec.events WHERE seq > :after AND seq <= :upto ORDER BY seq LIMIT :n")


class ReplayStore(Store):
    """Projections of a recording at a bound (seq); `events` is the recording's log up to it. Never writes the
    recording: `append` only takes the recording's own next events (what `Session.ingest` passes on playback)."""

    def __init__(self, recording: Recording, config: Config | None = None) -> None:
        # Store.__init__ opens and migrates a file of its own: not wanted here, so the attributes are set directly.
        self.recording = recording
        self.path = recording.path
        self.read_only = True  # for the session's users: nothing they do is recorded
        self.config = config or load_config()
        conn = sqlite3.connect("", uri=True, check_same_thread=False)  # "": private temp file, gone on close
        conn.isolation_level = None
        conn.execute("PRAGMA journal_mode=MEMORY")  # a crash loses nothing: the working tables are rebuilt anyway
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: the object tables of a city stay in memory
        conn.execute("ATTACH ? AS rec", (uri_of(recording.path),))
        tables = all_table_columns()
        create_tables(conn, tables)
        for table in tables:  # what changed after a seq: the rows a seek back must restore
            conn.execute(f"CREATE INDEX {table}_by_seq ON {table} (updated_seq)")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")  # set_meta writes here, not to rec
        conn.execute("INSERT INTO meta SELECT key, value FROM rec.meta")
        conn.execute("CREATE TEMP TABLE replay_bound (seq INTEGER NOT NULL)")
        conn.execute("INSERT INTO temp.replay_bound VALUES (0)")
        conn.execute("CREATE TEMP VIEW events AS SELECT * FROM rec.events "
                     "WHERE seq <= (SELECT seq FROM temp.replay_bound)")
        if recording.schema_version >= 5:
            # up to the seq indexed when the replay opened (its meta copy), as readings_indexed says: a console
            # still writing the file may index more, which the replay reads from the log already
            conn.execute("CREATE TEMP VIEW readings_by_object AS SELECT * FROM rec.readings_by_object "
                         f"WHERE seq <= (SELECT seq FROM temp.replay_bound) AND {_INDEXED_WHEN_OPENED}")
            conn.execute("CREATE TEMP VIEW reading_runs AS SELECT * FROM rec.reading_runs")
        else:  # an older recording's readings (schema 4: a table without runs; 3: the log's own index), as one run
            older = (f"SELECT 0 AS run, object_id, event_time, seq FROM rec.readings_by_object WHERE "
                     f"{_INDEXED_WHEN_OPENED}" if recording.schema_version == 4 else
                     "SELECT 0 AS run, json_extract(payload, '$.id') AS object_id, event_time, seq FROM rec.events "
                     f"WHERE {READINGS_WHERE}")
            conn.execute(f"CREATE TEMP VIEW readings_by_object AS SELECT * FROM ({older}) "
                         "WHERE seq <= (SELECT seq FROM temp.replay_bound)")
            conn.execute("CREATE TEMP VIEW reading_runs AS SELECT 0 AS run, '' AS earliest, '~' AS latest")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.projector = Projector(conn, self.config)
        self.bound = 0
        self._dense = None  # seqs 1..n without gaps: then the count of events is the bound

    # --- the bound ---------------------------------------------------------------------------------
    def _set_bound(self, seq: int) -> None:
        self.conn.execute("UPDATE temp.replay_bound SET seq = ?", (seq,))
        self.bound = seq

    def recorded_batches(self, after: int, upto: int, batch: int = BATCH) -> Iterator[list[Event]]:
        """The recording's events with after < seq <= upto, in seq order."""
        while after < upto:
            rows = self.conn.execute(f"{_SELECT_EVENTS} WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                                     (after, upto, batch)).fetchall()
            if not rows:
                return
            yield [Event(type=r[2], payload=json.loads(r[6]), event_time=r[3], source=r[5], id=r[1],
                         received_time=r[4], seq=r[0]) for r in rows]
            after = rows[-1][0]

    def raw_batches(self, after: int, upto: int, batch: int = BATCH) -> Iterator[list[tuple]]:
        """The recording's events with after < seq <= upto, in seq order, as rows: the event's columns (as
        _SELECT_EVENTS), then a reading's object id and a station reading's quantity bits (else None)."""
        while after < upto:
            rows = self.conn.execute(_SELECT_RAW, {"flood": ev.FLOOD_READING, "station": ev.STATION_READING,
                                                   "after": after, "upto": upto, "n": batch}).fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def apply_to(self, seq: int) -> dict[str, set[str]]:
        """Apply the recording's events after the bound up to `seq` (forward only); the ids changed, per table.
        Only the state at `seq` counts: readings overridden before it are skipped (`superseded`)."""
        touched: dict[str, set[str]] = {}
        for rows in self.raw_batches(self.bound, seq):
            self._apply_rows(rows, touched)
        if seq > self.bound:
            self._set_bound(min(seq, self.recording.last_seq))
        return touched

    def _apply_rows(self, rows: list[tuple], touched: dict[str, set[str]]) -> None:
        """Apply rows of `raw_batches` as the events they are, less the superseded readings; the bound moves to
        the last row's seq."""
        events = [Event(type=r[2], payload=json.loads(r[6]), event_time=r[3], source=r[5], id=r[1],
                        received_time=r[4], seq=r[0]) for r in superseded(rows)]
        if events:
            for table, changed in self.projector.apply(events).items():
                touched.setdefault(table, set()).update(r["id"] for r in changed)
        self._set_bound(rows[-1][0])

    def _apply(self, events: list[Event], touched: dict[str, set[str]]) -> dict[str, list[Row]]:
        changed = self.projector.apply(events)
        for table, rows in changed.items():
            touched.setdefault(table, set()).update(r["id"] for r in rows)
        self._set_bound(events[-1].seq)
        return changed

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    # --- what Session and the views use of a Store ----------------------------------------------
    def append(self, events: Sequence[Event], derive: Callable[[list[Event]], list[Event]] | None = None,
               deadline: float | None = None) -> AppendResult:
        """Apply the recording's next events (as read by `recorded_batches`) and move the bound past them."""
        if derive is not None or deadline is not None:
            raise StoreError("a replay only projects what was recorded, whole batches of it: open its Session "
                             "with derive=False, and ingest without a deadline")
        events = list(events)
        if not events:
            return AppendResult([], {})
        seqs = [e.seq for e in events]
        if None in seqs or seqs[0] <= self.bound or any(b <= a for a, b in zip(seqs, seqs[1:])) or \
                seqs[-1] > self.recording.last_seq or self._count(self.bound, seqs[-1]) != len(events):
            raise StoreError(f"{self.path}: a replay is read-only; only the recording's events after seq "
                             f"{self.bound} can be applied, in order")
        with self.transaction():
            changed = self._apply(events, {})
        return AppendResult(events, changed)

    def _count(self, after: int, upto: int) -> int:
        return self.conn.execute("SELECT count(*) FROM rec.events WHERE seq > ? AND seq <= ?",
                                 (after, upto)).fetchone()[0]

    def event_count(self) -> int:
        if self._dense is None:
            self._dense = self._count(0, self.recording.last_seq) == self.recording.last_seq
        return self.bound if self._dense else self._count(0, self.bound)

    def iter_event_batches(self, after_seq: int = 0, batch_size: int = BATCH) -> Iterator[list[Event]]:
        return self.recorded_batches(after_seq, self.bound, batch_size)

    def rebuild_projections(self) -> None:
        """Empty the projection tables and apply the log up to the bound again."""
        bound = self.bound
        with self.transaction():
            self.clear()
            self.apply_to(bound)

    def clear(self) -> None:
        for table in all_table_columns():
            self.conn.execute(f"DELETE FROM {table}")
        self.projector.forget()
        self._set_bound(0)

    def set_meta(self, key: str, value: str) -> None:
        """Kept in the private database for the replay's life; the recording's own meta is never written."""
        self.conn.execute("INSERT OR REPLACE INTO main.meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def schema_version(self) -> int:
        return self.recording.schema_version

    def readings_indexed(self) -> int:
        """From the recording's meta (copied at open); a schema 3 recording's view holds all its readings."""
        return super().readings_indexed() if self.recording.schema_version >= 4 else self.recording.last_seq

    def rows_by_id(self, table: str, ids: Sequence[str]) -> list[Row]:
        names = list(all_table_columns()[table])
        return [dict(zip(names, values))
                for values in select_ids(self.conn, f"SELECT {','.join(names)} FROM {table} WHERE id IN", ids)]

    def close(self) -> None:
        self.conn.close()  # the private database goes with it


def superseded(rows: list[tuple]) -> list[tuple]:
    """The rows (of `raw_batches`, in seq order) less the readings a later one in the same rows overrides: applying
    what is left gives exactly the state applying them all gives, though not the same rows changed on the way.

    A flood point keeps its newest reading by event time (a late one older than the current is ignored), so a
    reading is overridden by the next reading of the same point when that one is not older: whether or not the
    first was taken, the second is, and writes every column the first did. A station keeps the newest reading per
    group of quantities (wind, rain, level) independently; a reading is overridden by the next reading of the station
    that carries any of its groups when that one carries exactly the same groups, at least the same quantities and
    is not older (the groups' times then end the same; the others, and other groups' readings between, are
    untouched by it). Overriding chains (each later reading is not older than the one it overrides). A registration
    among the rows (an object may be registered again, or first, between its readings) turns this off."""
    flood, station, registered = ev.FLOOD_READING, ev.STATION_READING, ev.OBJECTS_REGISTERED
    if any(r[2] == registered for r in rows):
        return rows
    keep = [True] * len(rows)
    next_flood: dict = {}  # point id -> event time of its next reading
    next_station: dict = {}  # (station id, group) -> (groups, quantity bits, event time) of its next reading
    for i in range(len(rows) - 1, -1, -1):
        row = rows[i]
        kind = row[2]
        if kind == flood:
            later = next_flood.get(row[7])
            if later is not None and later >= row[3]:
                keep[i] = False
            next_flood[row[7]] = row[3]
        elif kind == station and row[8]:
            bits = row[8]
            groups = tuple(g for g in STATION_GROUPS if bits & g)
            nexts = [next_station.get((row[7], g)) for g in groups]
            later = nexts[0]
            if (later is not None and all(n is later for n in nexts) and later[0] == groups
                    and bits & later[1] == bits and later[2] >= row[3]):
                keep[i] = False
            mine = (groups, bits, row[3])
            for g in groups:
                next_station[(row[7], g)] = mine
    return [row for row, k in zip(rows, keep) if k]


class _Transaction:
    """One transaction on the working tables (speed: a statement outside one is a transaction of its own); rolled back
    with the projector's remembered rows on error."""

    def __init__(self, store: ReplayStore) -> None:
        self.store = store

    def __enter__(self) -> ReplayStore:
        self.store.conn.execute("BEGIN")
        return self.store

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.store.conn.execute("COMMIT")
            return
        self.store.projector.forget()
        self.store.conn.execute("ROLLBACK")
        self.store.bound = self.store.conn.execute("SELECT seq FROM temp.replay_bound").fetchone()[0]
