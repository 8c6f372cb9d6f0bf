"""A recorded console database, opened read-only: its span, event density, warning bands and alert marks.

The file is never changed, not even by SQLite's side files: a database whose write-ahead log is empty (it was closed
cleanly) is opened `immutable`, so SQLite creates no -wal or -shm beside it (it may sit on read-only media). A
database with a non-empty -wal (a console still writing it, or one that crashed) is opened `mode=ro`, which reads
the WAL; what the replay sees is the log as it was at open (`last_seq`).
"""
from __future__ import annotations

import bisect
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from .. import events as ev
from ..store import NOT_READINGS_WHERE, SCHEMA_VERSION, StoreError
from ..timefmt import to_utc_text

EVENT_COLUMNS = {"seq", "id", "type", "event_time", "received_time", "source", "payload"}
BAND_KEYS = {"typhoon": "typhoon_signal", "rainstorm": "rainstorm_signal"}
NO_BAND = ("none", "cancelled", "")  # levels that end a band rather than start one


class RecordingError(StoreError):
    """The file cannot be replayed (not a console database, a newer schema, unreadable)."""


@dataclass(frozen=True)
class Band:
    key: str  # 'typhoon_signal', 'rainstorm_signal' or 'response_level'
    level: str  # 'blue' … 'red', or 'IV' … 'I'
    start: str  # UTC text
    end: str  # UTC text: the next change, or the recording's last event time


@dataclass(frozen=True)
class Mark:
    time: str  # event time, UTC text
    seq: int  # where it is in the log
    kind: str  # 'alert' or 'incident'
    id: str  # the alert or incident id
    rule: str  # the alert's rule ('ponding.general', …); an incident's object kind
    severity: str


def to_ms(moment: str | datetime) -> int:
    """UTC text or an aware datetime as int POSIX milliseconds (exact)."""
    text = moment if isinstance(moment, str) else to_utc_text(moment)
    return int(np.datetime64(text.rstrip("Z"), "ms").astype(np.int64))


def uri_of(path: Path) -> str:
    """A read-only URI for the file: immutable unless a non-empty -wal may hold committed pages."""
    wal = Path(f"{path}-wal")
    immutable = not (wal.exists() and wal.stat().st_size > 0)
    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")


class Recording:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise RecordingError(f"{path}: no such file")
        try:
            self.conn = sqlite3.connect(uri_of(self.path), uri=True, check_same_thread=False)
            self.schema_version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            columns = {r[1] for r in self.conn.execute("PRAGMA table_info(events)")}
            self.last_seq = self.conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0] \
                if EVENT_COLUMNS <= columns else 0
        except sqlite3.DatabaseError as exc:
            raise RecordingError(f"{path}: not a console recording ({exc})") from exc
        if self.schema_version > SCHEMA_VERSION:
            self.conn.close()
            raise RecordingError(f"{path}: schema version {self.schema_version} is newer than this console's "
                                 f"({SCHEMA_VERSION}); update the console to replay it")
        if self.schema_version < 1 or not EVENT_COLUMNS <= columns:
            self.conn.close()
            raise RecordingError(f"{path}: not a console recording (no event log)")
        self.first_time, self.last_time = self.conn.execute(
            "SELECT min(event_time), max(event_time) FROM events").fetchone()
        self._marks: list[Mark] | None = None
        self._mark_times: list[str] = []
        self._minutes: tuple[np.ndarray, np.ndarray] | None = None

    def fingerprint(self) -> dict[str, Any]:
        """What a cache built from this file depends on: it is stale when any of it changes."""
        stat = self.path.stat()
        wal = Path(f"{self.path}-wal")
        wal_stat = wal.stat() if wal.exists() else None
        return {"path": str(self.path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                "wal_size": wal_stat.st_size if wal_stat else 0,
                "wal_mtime_ns": wal_stat.st_mtime_ns if wal_stat else 0,
                "schema_version": self.schema_version, "last_seq": self.last_seq}

    def event_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM events WHERE seq <= ?", (self.last_seq,)).fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    # --- the timeline ---------------------------------------------------------------------------------
    def minute_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """(POSIX ms of each minute holding events, how many) by event time; read once (the snapshot cache keeps
        them too, see `set_minute_counts`: on five million events the scan takes seconds)."""
        if self._minutes is None:
            rows = self.conn.execute("SELECT substr(event_time, 1, 16), count(*) FROM events WHERE seq <= ? "
                                     "GROUP BY 1 ORDER BY 1", (self.last_seq,)).fetchall()
            self.set_minute_counts(np.array([to_ms(m + ":00.000Z") for m, _ in rows], dtype=np.int64),
                                   np.array([n for _, n in rows], dtype=np.int64))
        return self._minutes

    def set_minute_counts(self, minutes: np.ndarray, counts: np.ndarray) -> None:
        self._minutes = (minutes, counts)

    def density(self, bins: int, start: str | datetime | None = None, end: str | datetime | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """Events per time bin for the timeline: (bin edges in POSIX seconds, bins + 1 of them; counts). By event
        time, to the minute; the whole recording unless start and end are given."""
        minutes, counts = self.minute_counts()
        lo = to_ms(start or self.first_time or "1970-01-01T00:00:00.000Z")
        hi = to_ms(end or self.last_time or "1970-01-01T00:00:00.000Z")
        edges = np.linspace(lo, max(hi, lo + 60_000), bins + 1)
        hist, _ = np.histogram(minutes, bins=edges, weights=counts)
        return edges / 1000.0, hist.astype(np.int64)

    def bands(self) -> list[Band]:
        """Intervals of the typhoon and rainstorm signals and the response level, by event time; the newest by event
        time holds (as in the projection), a level of 'none' ends a band."""
        rows = self.conn.execute(
            "SELECT type, event_time, json_extract(payload, '$.hazard'), json_extract(payload, '$.level') FROM events "
            f"WHERE type IN (?, ?) AND {NOT_READINGS_WHERE} AND seq <= ? ORDER BY event_time, seq",
            (ev.SIGNAL_CHANGED, ev.RESPONSE_LEVEL_CHANGED, self.last_seq)).fetchall()
        open_: dict[str, tuple[str, str]] = {}  # key -> (level, since)
        out: list[Band] = []
        for kind, time, hazard, level in rows:
            key = "response_level" if kind == ev.RESPONSE_LEVEL_CHANGED else BAND_KEYS.get(hazard, f"{hazard}_signal")
            current = open_.get(key)
            if current and current[0] == (level or ""):
                continue  # the same level again
            if current:
                out.append(Band(key, current[0], current[1], time))
                del open_[key]
            if (level or "") not in NO_BAND:
                open_[key] = (level, time)
        out += [Band(key, level, since, self.last_time) for key, (level, since) in open_.items()]
        return sorted(out, key=lambda b: (b.start, b.key))

    def marks(self) -> list[Mark]:
        """Alerts raised and incidents opened, by event time (then seq)."""
        if self._marks is None:
            rows = self.conn.execute(
                "SELECT event_time, seq, type, json_extract(payload, '$.alert_id'), json_extract(payload, '$.rule'), "
                "json_extract(payload, '$.incident_id'), json_extract(payload, '$.object_kind'), "
                f"json_extract(payload, '$.severity') FROM events WHERE type IN (?, ?) AND {NOT_READINGS_WHERE} "
                "AND seq <= ? ORDER BY event_time, seq",
                (ev.ALERT_RAISED, ev.INCIDENT_OPENED, self.last_seq)).fetchall()
            self._marks = [Mark(time, seq, "alert", alert_id or "", rule or "", severity or "")
                           if kind == ev.ALERT_RAISED else
                           Mark(time, seq, "incident", incident_id or "", object_kind or "", severity or "")
                           for time, seq, kind, alert_id, rule, incident_id, object_kind, severity in rows]
            self._mark_times = [m.time for m in self._marks]
        return self._marks

    def next_mark(self, after: str | datetime) -> Mark | None:
        """The first mark with an event time after `after`."""
        marks = self.marks()
        i = bisect.bisect_right(self._mark_times, _text(after))
        return marks[i] if i < len(marks) else None

    def previous_mark(self, before: str | datetime) -> Mark | None:
        """The last mark with an event time before `before`."""
        marks = self.marks()
        i = bisect.bisect_left(self._mark_times, _text(before))
        return marks[i - 1] if i > 0 else None

    def __repr__(self) -> str:
        return f"Recording({os.fspath(self.path)!r}, events to seq {self.last_seq})"


def _text(moment: str | datetime) -> str:
    return moment if isinstance(moment, str) else to_utc_text(moment)
