"""The store: one SQLite file (WAL) holding the append-only event log and the projection tables.

Every append is one transaction: the new events and the projection rows they change are committed
together or not at all, so a crash leaves the log and the current state consistent. The one exception, for
speed: what readings change is written behind, within WRITE_BEHIND_S, and replayed from the log after a crash.
"""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import orjson
import sqlite_utils

from .config import Config, load_config
from .events import Event
from .projections import WRITTEN_BEHIND_TYPES, Projector, Row, all_table_columns, create_tables, insert_rows, select_ids
from .timefmt import now_utc_text

EVENT_COLUMNS = ("seq", "id", "type", "event_time", "received_time", "source", "payload")
WRITE_BEHIND_S = 1.0  # about how long the projection tables lag the readings (projections.WRITTEN_BEHIND_TYPES)
FLUSH_ROWS = 250  # rows kept behind that one append writes at most: a few ms, even after a burst
# Present while readings after this seq may be missing from the projection tables (written behind, not yet out).
WRITTEN_BEHIND_AFTER = "readings_written_behind_after_seq"
WAL_CHECKPOINT_PAGES = 250
_json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _payload_json(payload: dict[str, Any]) -> str:
    """An event's payload as stored: compact JSON, non-ASCII as it is. orjson takes 0.4 µs for a reading where
    the json module took 4 (a tenth of what ingest costs per reading)."""
    try:
        return orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    except orjson.JSONEncodeError:  # what orjson refuses and JSON can say: an integer beyond 64 bits, int keys
        return _json_text(payload)


def _migration_1(conn: sqlite3.Connection) -> None:
    conn.execute("""CREATE TABLE events (
        seq INTEGER PRIMARY KEY,          -- position in the log
        id TEXT NOT NULL UNIQUE,          -- stable event id: a duplicate is ignored
        type TEXT NOT NULL,
        event_time TEXT NOT NULL,         -- UTC, when it happened
        received_time TEXT NOT NULL,      -- UTC, when the console stored it
        source TEXT NOT NULL,
        payload TEXT NOT NULL             -- JSON
    )""")
    conn.execute("CREATE INDEX events_by_time ON events (event_time)")
    conn.execute("CREATE INDEX events_by_type ON events (type, event_time)")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    create_tables(conn, ("flood_points", "trees", "construction_sites", "cameras"))


def _migration_2(conn: sqlite3.Connection) -> None:
    """Live feeds: weather and tide stations, the city's signals and response level, CAP alerts, reports."""
    create_tables(conn, ("stations", "city_state", "cap_alerts", "field_reports"))


# The readings of one sensor over time (charts, review): an index on the object id inside the payload, for the
# reading types only. A query must repeat this WHERE clause word for word for SQLite to use it.
READINGS_WHERE = "type IN ('flood_point.reading', 'station.reading')"


def _migration_3(conn: sqlite3.Connection) -> None:
    """Alerts, incidents and tasks; readings by object."""
    create_tables(conn, ("alerts", "incidents", "tasks"))
    conn.execute(f"CREATE INDEX events_by_object ON events (json_extract(payload, '$.id'), event_time) "
                 f"WHERE {READINGS_WHERE}")


# The readings of one sensor over time, kept apart from the log's own indexes. An index on (sensor, time) puts each
# reading of a batch on a different leaf page (a batch cycles through the sensors), and every commit wrote them all
# to the WAL. This table takes the log's readings in runs of READINGS_INDEX_EVERY events, each run a key range of its
# own (run, sensor, time, seq), so that a run writes new pages at the end of the table and nothing else: 10,000
# readings of 750 sensors held the writer's lock 19 ms, against 79 ms when a run went into each sensor's last leaf
# page (700 pages rewritten, 33 ms of them the commit). A sensor's readings are then one range per run, and
# reading_runs says which runs hold readings of which times. What the table does not hold yet (seq > the meta key
# READINGS_INDEXED) is read from the log: history.py reads both. The live console has a run written on its store's
# maintenance thread (console/qt/ingest.py) once 10,000 events wait, half of what `append` carries a run at, and
# stores nothing meanwhile (one writer). A chart then reads up to about 10,000 of the newest events from the log
# (6 ms), 20,000 with no maintenance thread; a day of a storm's log is a few dozen runs.
READINGS_INDEX_EVERY = 20_000
READINGS_INDEXED = "readings_indexed_seq"
# A run is named by the last seq it covers; its rows are inserted in key order, so each page is written once.
_INDEX_READINGS_SQL = ("INSERT INTO readings_by_object (run, object_id, event_time, seq) "
                       "SELECT :upto, json_extract(payload, '$.id'), event_time, seq FROM events "
                       f"WHERE seq > :after AND seq <= :upto AND +{READINGS_WHERE} ORDER BY 2, 3, 4")  # + : by seq
_RECORD_RUN_SQL = ("INSERT INTO reading_runs (run, earliest, latest) SELECT run, min(event_time), max(event_time) "
                   "FROM readings_by_object WHERE run = ? GROUP BY run")


def _max_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]


def write_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    """Set a meta key (None: delete it), in the caller's transaction."""
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def index_readings_between(conn: sqlite3.Connection, after: int, upto: int) -> None:
    """The log's readings with after < seq <= upto into readings_by_object, as one run (in the caller's
    transaction)."""
    conn.execute(_INDEX_READINGS_SQL, {"after": after, "upto": upto})
    conn.execute(_RECORD_RUN_SQL, (upto,))
    write_meta(conn, READINGS_INDEXED, str(upto))


def readings_indexed(conn: sqlite3.Connection) -> int:
    """The log's readings up to this seq are in readings_by_object; later ones only in the log."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (READINGS_INDEXED,)).fetchone()
    return 0 if row is None else int(row[0])


def index_new_readings(conn: sqlite3.Connection) -> int:
    """Put the log's readings not yet in readings_by_object into it, in one transaction on `conn` (the store's, or
    another connection to its file); returns the seq they are indexed up to."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        last = _max_seq(conn)
        index_readings_between(conn, readings_indexed(conn), last)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return last


def _migration_4(conn: sqlite3.Connection) -> None:
    """Readings by object: a table filled in sorted runs instead of the index of migration 3."""
    conn.execute("CREATE TABLE readings_by_object (object_id TEXT NOT NULL, event_time TEXT NOT NULL, "
                 "seq INTEGER NOT NULL, PRIMARY KEY (object_id, event_time, seq)) WITHOUT ROWID")
    last = _max_seq(conn)  # the run's SQL as released: _INDEX_READINGS_SQL is migration 5's table
    conn.execute("INSERT INTO readings_by_object (object_id, event_time, seq) "
                 "SELECT json_extract(payload, '$.id'), event_time, seq FROM events "
                 f"WHERE seq <= ? AND +{READINGS_WHERE} ORDER BY 1, 2, 3", (last,))
    write_meta(conn, READINGS_INDEXED, str(last))
    conn.execute("DROP INDEX events_by_object")


def _migration_5(conn: sqlite3.Connection) -> None:
    """Readings by object keyed by run first, and the runs' times; what was indexed becomes one run."""
    conn.execute("ALTER TABLE readings_by_object RENAME TO readings_by_object_4")
    conn.execute("CREATE TABLE readings_by_object (run INTEGER NOT NULL, object_id TEXT NOT NULL, "
                 "event_time TEXT NOT NULL, seq INTEGER NOT NULL, "
                 "PRIMARY KEY (run, object_id, event_time, seq)) WITHOUT ROWID")
    conn.execute("CREATE TABLE reading_runs (run INTEGER PRIMARY KEY, earliest TEXT NOT NULL, latest TEXT NOT NULL)")
    run = readings_indexed(conn)
    conn.execute("INSERT INTO readings_by_object (run, object_id, event_time, seq) "
                 "SELECT ?, object_id, event_time, seq FROM readings_by_object_4 ORDER BY 2, 3, 4", (run,))
    conn.execute(_RECORD_RUN_SQL, (run,))
    conn.execute("DROP TABLE readings_by_object_4")


# The events other than readings, by type and time (signals, alerts, registrations: review, replay, exercises). Readings
# are most of the log and no query looks them up by type: keeping them out of the index spares every reading an
# index entry. A query must repeat this WHERE clause word for word for SQLite to use the index.
NOT_READINGS_WHERE = "type NOT IN ('flood_point.reading', 'station.reading')"


def _migration_6(conn: sqlite3.Connection) -> None:
    """The (type, event time) index without the readings."""
    conn.execute("DROP INDEX events_by_type")
    conn.execute(f"CREATE INDEX events_by_type ON events (type, event_time) WHERE {NOT_READINGS_WHERE}")


# Schema changes, in order: the database's PRAGMA user_version says how many have been applied.
# A migration is never edited once released: a change of schema is a new migration.
MIGRATIONS: Sequence[Callable[[sqlite3.Connection], None]] = (_migration_1, _migration_2, _migration_3,
                                                               _migration_4, _migration_5, _migration_6)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    """The database cannot be used (newer schema, not a console database, unreadable)."""


@dataclass
class AppendResult:
    events: list[Event]  # the events that were new, with seq and received_time set
    changed: dict[str, list[Row]]  # projection rows changed, per table
    rest: list[Event] = field(default_factory=list)  # what was left for later: the deadline passed (append)


# A batch with a deadline is stored in pieces, the clock read after each: when the machine slows down several-fold (it
# does, shared) or a storm's alerts, incidents and tasks come at once, a batch sized for a tick stops after the piece
# that passes the deadline. The first piece is an eighth of the batch; the next one takes what the time left fits at
# the cost per event the first one showed, so a steady machine stores a batch in two pieces. Each piece costs its
# own statements and rules' evaluation (about 0.3 ms on the demo, whatever its size): four equal pieces, the earlier
# way, took 3.6 % more time per event (paired runs of batches of 450 readings). Small first pieces, because a storm's
# first readings derive alerts, incidents and tasks at once: 100 readings of the demo's first round derive about 250
# events and take 12-31 ms; such a piece is a tick's overshoot. An eighth and MIN_PIECE 50 against a quarter and 100
# (8 alternating runs each of bench/ingest.py): the longest tick 35-51 ms against 44-105, the longest stall 42 ms
# against 57 (medians), as many readings a second.
FIRST_PIECE_PARTS = 8
MIN_PIECE = 50  # events


def _piece_size(left: int, taken: int, elapsed: float, time_left: float | None) -> int:
    """How many of the `left` events the next piece takes, the `taken` before it having taken `elapsed` seconds: all
    without a deadline (`time_left` None); else an eighth of the batch first, then as many as `time_left` fits at
    that cost (at least MIN_PIECE)."""
    if time_left is None:
        return left
    if taken == 0:
        size = -(-left // FIRST_PIECE_PARTS)
    else:
        size = int(min(left, time_left * taken / max(elapsed, 1e-9)))
    return max(MIN_PIECE, size)


class Store:
    def __init__(self, path: str | Path, config: Config | None = None, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.config = config or load_config()
        try:
            if read_only:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path)
            conn.isolation_level = None  # transactions are explicit (BEGIN IMMEDIATE ... COMMIT)
            self.db = sqlite_utils.Database(conn)
            if not read_only:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe against corruption
                # The commit that fills the WAL to this many pages copies them into the database, on the GUI
                # thread: 1,000 pages (the default) took 10 ms idle and 30-50 ms under a feed's load.
                conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable console database ({exc})") from exc
        self.conn = conn
        self.projector = Projector(conn, self.config)
        if not read_only:
            try:
                self._catch_up()
            except sqlite3.DatabaseError as exc:  # e.g. locked by another writer for longer than the timeout
                conn.close()
                raise StoreError(f"{self.path}: the readings a crash left unprojected could not be caught up "
                                 f"({exc})") from exc
        self._last_seq, self._readings_indexed = _max_seq(conn), self.readings_indexed()

    # --- schema ---------------------------------------------------------------------------------
    def _migrate(self) -> None:
        conn = self.db.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version} is newer than this console's "
                             f"({SCHEMA_VERSION}); update the console")
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(f"{self.path}: schema version {version} needs migrating, but it is open read-only")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for migration in MIGRATIONS[version:]:
                migration(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _catch_up(self) -> None:
        """Project the readings a crash left unwritten (see WRITTEN_BEHIND_AFTER). A row written after some of them
        (a registration, a row that went out) already holds those: they are skipped (Projector.apply)."""
        after = self.meta(WRITTEN_BEHIND_AFTER)
        if after is None:
            return
        with self._transaction():
            for batch in self.iter_event_batches(int(after)):
                self.projector.apply([event for event in batch if event.type in WRITTEN_BEHIND_TYPES],
                                     catching_up=True)
            write_meta(self.conn, WRITTEN_BEHIND_AFTER, None)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT. On an error: ROLLBACK, and the projector forgets the rows it remembered and
        holds behind again what it held before."""
        behind = dict(self.projector.behind)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.projector.forget(behind)
            self.conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # --- writing --------------------------------------------------------------------------------
    def append(self, events: Sequence[Event], derive: Callable[[list[Event]], list[Event]] | None = None,
               deadline: float | None = None) -> AppendResult:
        """Append the events not already in the log and update the projections, in one transaction.

        `derive(new_events)` returns the events that follow from them (alerts from readings, tasks from alerts);
        they are appended after them in the same transaction, so a crash never keeps a reading without its alert.
        With a `deadline` (time.perf_counter()), the events go in pieces (_piece_size), each followed by what it
        derived; those after the piece that ends past the deadline are left out, in `rest`. Rows held behind that
        are due go out first (FLUSH_ROWS at most), and count: when they take the whole budget, nothing is stored."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        received = now_utc_text()
        conn = self.conn
        with self._transaction():
            # rows held behind that are due go out first, and count against the deadline
            spent = self._flush_due() > 0
            stored: list[Event] = []
            changed: dict[str, dict[str, Row]] = {}
            last, taken, started = _max_seq(conn), 0, time.perf_counter()
            while True:
                now = time.perf_counter()
                if spent and deadline is not None and now > deadline:
                    break
                size = _piece_size(len(events) - taken, taken, now - started,
                                   None if deadline is None else deadline - now)
                piece = events[taken:taken + size]
                new = self._append_piece(piece, derive, received, last + 1)
                stored += new
                last, taken, spent = last + len(new), taken + len(piece), True
                for table, rows in self.projector.apply(new, write_behind=True).items():
                    changed.setdefault(table, {}).update((row["id"], row) for row in rows)
                if taken >= len(events):
                    break
            self._mark_behind()
            indexed = self._readings_indexed
            if last - indexed >= READINGS_INDEX_EVERY:
                # the meta's value, not ours: another process may have written
                index_readings_between(conn, self.readings_indexed(), last)
                indexed = last
        self._last_seq, self._readings_indexed = last, indexed
        return AppendResult(stored, {table: list(rows.values()) for table, rows in changed.items()},
                            list(events[taken:]))

    def _mark_behind(self) -> None:
        """Keep the meta's WRITTEN_BEHIND_AFTER just before the oldest change held behind, or without it when none
        is (inside the caller's transaction). Read, not remembered: another process opening the file catches up
        and deletes it."""
        oldest = self.projector.oldest_behind()
        after = None if oldest is None else str(oldest[1] - 1)
        if self.meta(WRITTEN_BEHIND_AFTER) != after:
            write_meta(self.conn, WRITTEN_BEHIND_AFTER, after)

    def flush_projections(self, when_due: bool = False, table: str | None = None) -> None:
        """Write the rows held behind: those of `table`, or all; or, `when_due`, up to FLUSH_ROWS of those that
        waited WRITE_BEHIND_S. In a transaction of its own, or in the caller's (the rules, built anew inside an
        append, read the stations)."""
        oldest = self.projector.oldest_behind()  # never any in a read-only store (or a replay's)
        if oldest is None or (when_due and oldest[0] > time.monotonic() - WRITE_BEHIND_S) or (
                table is not None and all(held_in != table for held_in, _ in self.projector.behind)):
            return
        if self.conn.in_transaction:
            self._flush(when_due, table)
        else:
            with self._transaction():
                self._flush(when_due, table)

    def _flush(self, when_due: bool, table: str | None) -> None:
        if when_due:
            self._flush_due()
        else:
            self.projector.flush(table=table)
        self._mark_behind()

    def _flush_due(self) -> int:
        """Write up to FLUSH_ROWS of the rows held behind that waited WRITE_BEHIND_S; how many."""
        return self.projector.flush(FLUSH_ROWS, time.monotonic() - WRITE_BEHIND_S)

    def _append_piece(self, events: Sequence[Event], derive: Callable[[list[Event]], list[Event]] | None,
                      received: str, first_seq: int) -> list[Event]:
        """Insert the events not in the log, and what they derive, from seq `first_seq` on; return them."""
        stored = self._insert_new(events, received, first_seq)
        if derive is not None:
            ids = {e.id for e in stored}
            derived = [e for e in derive(stored) if e.id not in ids]
            stored += self._insert_new(derived, received, first_seq + len(stored))
        return stored

    def _insert_new(self, events: Sequence[Event], received: str, first_seq: int) -> list[Event]:
        """Insert the events whose id is neither in the log nor earlier among them, from seq `first_seq` on; return
        them with their seq. The log's unique id refuses those it has (INSERT OR IGNORE), which saves asking for
        the ids first (5 % of ingest's time); when it refused any (a message delivered again), the insert is undone,
        and done again with the ids asked for."""
        if not events:
            return []
        firsts: dict[str, Event] = {}
        for event in events:
            firsts.setdefault(event.id, event)
        conn = self.conn
        conn.execute("SAVEPOINT piece")
        try:
            stored, taken = self._insert(list(firsts.values()), received, first_seq, "INSERT OR IGNORE")
            if taken != len(stored):
                conn.execute("ROLLBACK TO piece")
                seen = {r[0] for r in select_ids(conn, "SELECT id FROM events WHERE id IN", list(firsts))}
                stored, _ = self._insert([e for e in firsts.values() if e.id not in seen], received, first_seq,
                                         "INSERT")
        finally:
            conn.execute("RELEASE piece")
        return stored

    def _insert(self, events: list[Event], received: str, first_seq: int, verb: str) -> tuple[list[Event], int]:
        """`verb` ("INSERT", "INSERT OR IGNORE") the events into the log from seq `first_seq` on: them with their
        seq, and how many rows the log took."""
        stored = [Event(e.type, e.payload, e.event_time, e.source, e.id, received, first_seq + i)
                  for i, e in enumerate(events)]
        before = self.conn.total_changes
        insert_rows(self.conn, f"{verb} INTO events (seq, id, type, event_time, received_time, source, payload)",
                    [(e.seq, e.id, e.type, e.event_time, e.received_time, e.source, _payload_json(e.payload))
                     for e in stored])
        return stored, self.conn.total_changes - before

    def unindexed_events(self) -> int:
        """How many events the log holds after those whose readings are in readings_by_object."""
        return self._last_seq - self._readings_indexed

    def readings_index_due(self) -> bool:
        """Half way to the run `append` would carry: the live console has it written now, apart (see
        READINGS_INDEX_EVERY)."""
        return self.unindexed_events() >= READINGS_INDEX_EVERY // 2

    def index_readings(self) -> None:
        """Put the log's readings not yet in readings_by_object into it, in one transaction."""
        if self.unindexed_events() > 0:
            self._last_seq = self._readings_indexed = index_new_readings(self.conn)

    def reread_readings_indexed(self) -> None:
        """Another connection to the file indexed readings (the console's maintenance thread)."""
        self._last_seq, self._readings_indexed = _max_seq(self.conn), self.readings_indexed()

    def rebuild_projections(self) -> None:
        """Empty the projection tables and replay the whole log into them."""
        conn = self.conn
        with self._transaction():
            for table in all_table_columns():
                conn.execute(f"DELETE FROM {table}")
            self.projector.forget()
            for batch in self.iter_event_batches():
                self.projector.apply(batch)
            write_meta(conn, WRITTEN_BEHIND_AFTER, None)

    def set_meta(self, key: str, value: str) -> None:
        with self.conn:
            write_meta(self.conn, key, value)

    # --- reading --------------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def readings_indexed(self) -> int:
        return readings_indexed(self.conn)

    def event_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def iter_event_batches(self, after_seq: int = 0, batch_size: int = 20000) -> Iterator[list[Event]]:
        """The log in order, in batches (seq after `after_seq`)."""
        while True:
            rows = self.conn.execute(
                f"SELECT {','.join(EVENT_COLUMNS)} FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, batch_size)).fetchall()
            if not rows:
                return
            yield [Event(type=r[2], payload=json.loads(r[6]), event_time=r[3], source=r[5], id=r[1],
                         received_time=r[4], seq=r[0]) for r in rows]
            after_seq = rows[-1][0]

    def rows(self, table: str) -> list[Row]:
        """Every row of a projection table, ordered by id."""
        self.flush_projections(table=table)
        return list(self.db[table].rows_where(order_by="id"))

    def projection_state(self) -> dict[str, list[tuple[Any, ...]]]:
        """All projection tables as sorted tuples: what 'the current state' is, for comparisons."""
        self.flush_projections()
        return {table: self.conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
                for table in all_table_columns()}

    def close(self) -> None:
        try:
            self.flush_projections()
        finally:
            self.conn.close()
