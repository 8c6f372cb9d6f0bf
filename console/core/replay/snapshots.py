"""Snapshots of a recording's projections, built once and cached beside the user's data (not beside the recording,
which may be on read-only media), for seeking without replaying the log from its start.

Compact by storing row versions, not whole states. Projection rows are never deleted and each carries the seq of the
event that last changed it (`updated_seq`). At every snapshot point S_k (every `snapshot_every` events) the cache
keeps only the rows changed since the previous point: those with S_(k-1) < updated_seq <= S_k, as they were at S_k.
The state at S_k is then, per row, its stored version with the greatest updated_seq <= S_k (a row changed in
(S_(j-1), S_j] was stored at S_j with that updated_seq, and no later version precedes S_k). The 90,000 objects of the
demo city are stored once, the 750 sensors once per point, alerts, incidents and tasks once per point they changed in.

Restoring works from the state the working tables are in (bound B), touching only rows that differ:
- back (S < B): the rows with updated_seq > S are those changed since S; each gets its version at S, or is deleted
  when it had none (it did not exist yet);
- forward (B < S): the rows changed in (B, S] are exactly those with a version in (B, S]; each gets its latest one,
  the version valid at S: updated_seq <= S < until, where `until` is the updated_seq of the row's next version (2**62
  for its last). Scanning every version in (B, S] for it costs the whole span on a long jump (the sensors alone
  leave 750 versions per point), so each version also has its lifetime class, `life`: the bit length of
  until - updated_seq (OPEN for a last version). A version of class c valid at S has S - 2**c < updated_seq <= S,
  so the index (life, updated_seq, until) is read, per class, only over that window, where a row has at most
  about two versions of that class: what is read is about what is restored, however long the jump.
So a seek costs the rows that changed between the two moments plus the events after the snapshot (less the readings
overridden before the target: ReplayStore.apply_to).

A cache is trusted only when its key (the recording's path, size, mtime, WAL, schema version and last seq, the cache
format and the snapshot spacing) matches and the file's SHA-256 is the one written beside it when it was built (a
damaged page can still parse); it is written to a temporary file and renamed into place, so a crash never leaves a
half-built cache that looks complete. Anything unreadable is rebuilt; a cache damaged while a replay has it open is
rebuilt when SQLite reports it (Replay.seek_seq).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np

from .. import events as ev
from ..paths import user_data_dir
from ..projections import all_table_columns
from .recording import Recording, to_ms
from .store import ReplayStore

FORMAT = 3  # bump when the cache's tables or meaning change
OPEN = 63  # lifetime class of a row's last version (valid to the end); `until` is then 2**62


class CacheInvalid(Exception):
    """The cache file is not one for this recording (stale, incomplete, another format)."""


def cache_dir() -> Path:
    return user_data_dir() / "replay-cache"


def cache_path(recording: Recording, folder: str | Path | None = None) -> Path:
    digest = hashlib.sha256(str(recording.path).encode()).hexdigest()[:24]
    return Path(folder or cache_dir()) / f"{digest}.snapshots.db"


@dataclass
class SnapshotCache:
    path: Path
    snapshot_seqs: np.ndarray  # int64, ascending, starting with 0 (the empty state)
    moment_seqs: np.ndarray  # int64, ascending: the ends of the recording's appends (see the package docstring)
    moment_ms: np.ndarray  # int64 POSIX ms: each moment's horizon, non-decreasing
    moment_times: list[str]  # the same horizons as UTC text
    built_s: float | None = None  # seconds it took to build, when this open built it
    tables: dict[str, list[str]] = field(default_factory=lambda: {t: list(c) for t, c in all_table_columns().items()})

    @classmethod
    def open(cls, recording: Recording, folder: Path | None = None, snapshot_every: int = 8_000) -> SnapshotCache:
        """The recording's cache, built (again) unless a valid one is there."""
        path = cache_path(recording, folder)
        key = cache_key(recording, snapshot_every)
        try:
            return cls.load(path, key, recording)
        except (CacheInvalid, sqlite3.DatabaseError, OSError, ValueError, TypeError):
            pass
        started = time.perf_counter()
        build(recording, path, key, snapshot_every)
        cache = cls.load(path, key, recording)
        cache.built_s = time.perf_counter() - started
        return cache

    @classmethod
    def load(cls, path: Path, key: str, recording: Recording) -> SnapshotCache:
        if not path.is_file() or not _digest_path(path).is_file():
            raise CacheInvalid(f"{path}: no cache")
        if _digest_path(path).read_text(encoding="ascii").strip() != _digest(path):
            raise CacheInvalid(f"{path}: damaged")  # SQLite would not notice rows changed inside valid pages
        conn = sqlite3.connect(_uri(path), uri=True)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            if meta.get("key") != key or meta.get("complete") != "1":
                raise CacheInvalid(f"{path}: stale or incomplete")
            snapshots = np.array([r[0] for r in conn.execute("SELECT seq FROM snapshots ORDER BY seq")], np.int64)
            moments = conn.execute("SELECT seq, horizon FROM moments ORDER BY seq").fetchall()
            minutes = conn.execute("SELECT minute, n FROM minutes ORDER BY minute").fetchall()
        finally:
            conn.close()
        if not len(snapshots) or snapshots[0] != 0 or snapshots[-1] != recording.last_seq:
            raise CacheInvalid(f"{path}: snapshots do not cover the recording")
        times = [h for _, h in moments]
        recording.set_minute_counts(np.array([to_ms(m + ":00.000Z") for m, _ in minutes], dtype=np.int64),
                                    np.array([n for _, n in minutes], dtype=np.int64))
        return cls(path, snapshots, np.array([s for s, _ in moments], dtype=np.int64),
                   np.array([to_ms(t) for t in times], dtype=np.int64), times)

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size

    def attach(self, store: ReplayStore) -> None:
        store.conn.execute("ATTACH ? AS snap", (_uri(self.path),))
        store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS replay_ranges (life INTEGER PRIMARY KEY, lo INTEGER)")

    def detach(self, store: ReplayStore) -> None:
        store.conn.execute("DETACH snap")

    def snapshot_at_or_before(self, seq: int) -> int:
        return int(self.snapshot_seqs[np.searchsorted(self.snapshot_seqs, seq, "right") - 1])

    def restore(self, store: ReplayStore, target: int) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Bring the working tables from their bound to the snapshot `target` (see the module docstring); the ids
        changed and the ids deleted, per table. Run inside the store's transaction."""
        conn, current = store.conn, store.bound
        touched: dict[str, set[str]] = {}
        removed: dict[str, set[str]] = {}
        if target > current:
            conn.execute("DELETE FROM temp.replay_ranges")
            conn.executemany("INSERT INTO temp.replay_ranges VALUES (?, ?)",
                             [(OPEN, current)] + [(c, max(current, target - (1 << c)))
                                                  for c in range(1, store.recording.last_seq.bit_length() + 1)])
        for table, names in self.tables.items():
            cols = ",".join(names)
            picked = ",".join(f"v.{n}" for n in names)
            latest = (f"(SELECT max(w.updated_seq) FROM snap.{table} w WHERE w.id = {{id}} "
                      f"AND w.updated_seq <= :target)")
            if target < current:
                ids = {r[0] for r in conn.execute(f"SELECT id FROM main.{table} WHERE updated_seq > ?", (target,))}
                if not ids:
                    continue
                conn.execute(f"INSERT OR REPLACE INTO main.{table} ({cols}) SELECT {picked} FROM "
                             f"(SELECT id, {latest.format(id='d.id')} AS u FROM main.{table} d "
                             f"WHERE d.updated_seq > :target) AS d "
                             f"JOIN snap.{table} v ON v.id = d.id AND v.updated_seq = d.u", {"target": target})
                gone = {r[0] for r in conn.execute(f"SELECT id FROM main.{table} WHERE updated_seq > ?", (target,))}
                if gone:
                    conn.execute(f"DELETE FROM main.{table} WHERE updated_seq > ?", (target,))
                    removed[table] = gone
            elif target > current:
                # The versions valid at the target among those stored in (current, target]: the index by lifetime
                # class bounds what is read to about the result (see the module docstring). BETWEEN, not
                # "> r.lo AND <= :target": with that, SQLite bounds the index range by :target only.
                ids = {r[0] for r in conn.execute(
                    f"INSERT OR REPLACE INTO main.{table} ({cols}) SELECT {picked} FROM temp.replay_ranges r "
                    f"CROSS JOIN snap.{table} v ON v.life = r.life AND v.updated_seq BETWEEN r.lo + 1 AND :target "
                    f"AND v.until > :target RETURNING id", {"target": target})}
                if not ids:
                    continue
            else:
                continue
            touched[table] = ids
        store.projector.forget()  # it remembers rows as they were before
        store._set_bound(target)
        return touched, removed


def cache_key(recording: Recording, snapshot_every: int) -> str:
    return json.dumps({**recording.fingerprint(), "format": FORMAT, "snapshot_every": snapshot_every},
                      sort_keys=True)


def install(recording: Recording, built: Path, snapshot_every: int, folder: Path | None = None) -> bool:
    """Take a complete cache built elsewhere from a copy of this recording (the shipped training one) as this
    recording's: re-keyed to this file, digested, renamed into place. False, and `built` removed, when it was built
    for another log, spacing or format: SnapshotCache.open then builds one."""
    try:
        conn = sqlite3.connect(built)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            theirs = json.loads(meta.get("key", "{}"))
            ours = json.loads(cache_key(recording, snapshot_every))
            same = ("path", "mtime_ns", "wal_size", "wal_mtime_ns")  # where and when the file was put: not its log
            if meta.get("complete") != "1" or any(theirs.get(k) != v for k, v in ours.items() if k not in same):
                return False
            conn.execute("UPDATE meta SET value = ? WHERE key = 'key'", (cache_key(recording, snapshot_every),))
            conn.commit()
        finally:
            conn.close()
        path = cache_path(recording, folder)
        _digest_path(path).unlink(missing_ok=True)
        os.replace(built, path)
        _digest_path(path).write_text(_digest(path), encoding="ascii")
        return True
    except (sqlite3.DatabaseError, ValueError):
        return False
    finally:
        built.unlink(missing_ok=True)


def _snapshot(store: ReplayStore, tables: dict[str, list[str]], rows: list[tuple]) -> None:
    """Apply the events (rows of raw_batches), then keep the rows they changed as a snapshot point (staged: their
    lifetimes are known at the end)."""
    previous = store.bound
    store._apply_rows(rows, {})
    for table, names in tables.items():
        cols = ",".join(names)
        store.conn.execute(f"INSERT INTO stage.{table} ({cols}) SELECT {cols} FROM main.{table} "
                           f"WHERE updated_seq > ?", (previous,))
    store.conn.execute("INSERT INTO snap.snapshots VALUES (?)", (store.bound,))


def _life_class(span: str) -> str:
    """SQL: the lifetime class of a version that lives `span` seqs (its bit length: 1 for 1, 2 for 2-3, …)."""
    return "CASE " + " ".join(f"WHEN {span} < {1 << c} THEN {c}" for c in range(1, OPEN)) + f" ELSE {OPEN - 1} END"


def _digest_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _uri(path: Path) -> str:
    # Our own file, replaced by rename, never written in place: immutable spares SQLite its locking.
    return f"file:{quote(str(path))}?mode=ro&immutable=1"


def build(recording: Recording, path: Path, key: str, snapshot_every: int) -> None:
    """Apply the whole recording once, storing at every `snapshot_every` events the rows changed since the last
    point; with the log's moments and its events per minute (for the timeline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    store = ReplayStore(recording)
    conn = store.conn
    try:
        conn.execute("ATTACH ? AS snap", (str(tmp),))
        conn.execute("ATTACH '' AS stage")  # the versions as stored at each point, before their lifetimes are known
        conn.execute("PRAGMA snap.journal_mode=OFF")  # written once then renamed: a failed build is thrown away
        conn.execute("PRAGMA snap.synchronous=OFF")
        conn.execute("PRAGMA stage.journal_mode=OFF")
        tables = {t: list(c) for t, c in all_table_columns().items()}
        for table, names in tables.items():
            conn.execute(f"CREATE TABLE stage.{table} ({','.join(names)}, PRIMARY KEY (id, updated_seq)) "
                         f"WITHOUT ROWID")
            conn.execute(f"CREATE TABLE snap.{table} ({','.join(names)}, until INTEGER NOT NULL, "
                         f"life INTEGER NOT NULL, PRIMARY KEY (id, updated_seq)) WITHOUT ROWID")
        conn.execute("CREATE TABLE snap.snapshots (seq INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE snap.moments (seq INTEGER PRIMARY KEY, horizon TEXT NOT NULL)")
        conn.execute("CREATE TABLE snap.minutes (minute TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        conn.execute("CREATE TABLE snap.meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("BEGIN")
        conn.execute("INSERT INTO snap.snapshots VALUES (0)")
        minutes: Counter[str] = Counter()
        moments: list[tuple[int, str]] = []
        horizon, received, last = "", None, 0
        chunk: list[tuple] = []
        cost = 0
        registered = ev.OBJECTS_REGISTERED
        for rows in store.raw_batches(0, recording.last_seq):
            for row in rows:  # seq, id, type, event_time, received_time, …
                if received is not None and row[4] != received:
                    moments.append((last, horizon))  # the previous append ended at `last`
                if row[3] > horizon:
                    horizon = row[3]
                received, last = row[4], row[0]
                chunk.append(row)
                # A registration of 50,000 trees costs as much as 50,000 readings: a point right after it, so that
                # no seek past it applies it again.
                cost += len(json.loads(row[6]).get("objects", ())) if row[2] == registered else 1
                if cost >= snapshot_every:
                    _snapshot(store, tables, chunk)
                    chunk, cost = [], 0
            minutes.update(row[3][:16] for row in rows)
        if chunk:
            _snapshot(store, tables, chunk)
        if last:
            moments.append((last, horizon))
        for table, names in tables.items():  # each version's end: the next version of the row, if any
            cols = ",".join(names)
            conn.execute(f"INSERT INTO snap.{table} ({cols}, until, life) SELECT {cols}, coalesce(nxt, {1 << 62}), "
                         f"CASE WHEN nxt IS NULL THEN {OPEN} ELSE {_life_class('nxt - updated_seq')} END FROM "
                         f"(SELECT {cols}, lead(updated_seq) OVER (PARTITION BY id ORDER BY updated_seq) AS nxt "
                         f"FROM stage.{table})")
            conn.execute(f"CREATE INDEX snap.{table}_by_life ON {table} (life, updated_seq, until)")
        conn.executemany("INSERT INTO snap.moments VALUES (?, ?)", moments)
        conn.executemany("INSERT INTO snap.minutes VALUES (?, ?)", sorted(minutes.items()))
        conn.executemany("INSERT INTO snap.meta VALUES (?, ?)", [("key", key), ("complete", "1")])
        conn.execute("COMMIT")
        conn.execute("DETACH snap")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        store.close()
        tmp.unlink(missing_ok=True)
        raise
    store.close()
    _digest_path(path).unlink(missing_ok=True)  # first: a cache without its digest is not trusted
    os.replace(tmp, path)
    _digest_path(path).write_text(_digest(path), encoding="ascii")
