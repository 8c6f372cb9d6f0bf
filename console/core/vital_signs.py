"""The city's vital signs over the last hours: active alerts by rule family, open incidents, overdue tasks by agency,
flood points by depth class, trees at risk, construction sites under orders, stopped and evacuated.

Plain Python and numpy. Every curve is a function of the log (and the projections derived from it) and of the
sample times, never of when the console happened to look: a curve is computed from the timestamps the projection
tables keep (fired_at / cleared_at, opened_at / closed_at, due / on_scene_at ...) and from events in the log, so a
replay stopped at time t draws the same curves as the live console did at t.

Flood points by class come from the readings in the log: a point's class at time t is that of its latest reading
at or before t, if that reading is at most READING_HOLD old (older, and the map shows the sensor as stale: it is
not counted). Parsing ~100,000 readings (700 points, 12 h, every 5 min) on every refresh would take too long,
so `VitalSignsModel` keeps the parsed readings of the window and reads only the events appended since (by seq);
the result is the same as a fresh read (tested).

Sample times are the multiples of the step inside the window, plus the window's end itself, so the points stay put
while the window slides and the last one is the current value.
"""
from __future__ import annotations

import time as _time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Sequence

import numpy as np

from . import events as ev
from .projections import select_ids
from .rules.config import AGENCIES
from .store import NOT_READINGS_WHERE, Store
from .timefmt import to_utc_text, utc_millis

FAMILIES = ("ponding", "tide", "rain", "trees", "sites")  # the part of a rule's name before the dot
STOP_RULES = ("sites.stop_gondolas", "sites.stop_work_at_height")
EVACUATE_RULE = "sites.evacuate"
FLOOD_CLASSES = (0, 1, 2, 3)  # layers/flood_points.py: < 15 cm, 15-25, 25-40, >= 40 (bounds from config)
READING_HOLD = timedelta(hours=1)  # a flood reading counts this long (sensors report every 5-10 minutes)
NEVER = np.iinfo(np.int64).max  # the end of an interval that has not ended
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_PID_SHIFT = 42  # flood point index << 42 | time in ms (2^42 ms is 139 years after 1970): one sortable key


def ms(texts: Sequence[str | None]) -> np.ndarray:
    """Stored UTC texts as int64 POSIX milliseconds; None (not happened) as NEVER."""
    out = np.full(len(texts), NEVER, dtype=np.int64)
    present = [i for i, t in enumerate(texts) if t]
    if present:
        out[present] = utc_millis([texts[i] for i in present])
    return out


def _text(posix_ms: int) -> str:
    return to_utc_text(_EPOCH + timedelta(milliseconds=posix_ms))  # exact, unlike a float of seconds


def sample_times(now: datetime, hours: float = 12, step: timedelta = timedelta(minutes=10)) -> np.ndarray:
    """int64 POSIX ms: the multiples of `step` in [now - hours, now], then `now` (unless it is one of them)."""
    end = int(np.datetime64(to_utc_text(now)[:-1], "ms").astype(np.int64))
    step_ms = int(step.total_seconds() * 1000)
    start = end - int(hours * 3_600_000)
    first = -(-start // step_ms) * step_ms
    grid = np.arange(first, end + 1, step_ms, dtype=np.int64)
    return grid if grid.size and grid[-1] == end else np.append(grid, end)


@dataclass
class VitalSigns:
    times: np.ndarray  # POSIX seconds (float), oldest first; the last one is the session time asked for
    alerts: dict[str, np.ndarray]  # active alerts per rule family (FAMILIES)
    open_incidents: np.ndarray
    overdue_tasks: dict[str, np.ndarray]  # tasks past their on-scene deadline and not there, per agency (AGENCIES)
    flood_points: dict[int, np.ndarray]  # flood points per depth class, by their latest reading (READING_HOLD)
    trees_at_risk: np.ndarray  # trees with an active failure-risk alert
    sites_stop_orders: np.ndarray  # sites with an active stop-work order (gondolas or work at height)
    sites_evacuation_orders: np.ndarray  # sites with an active evacuation order
    sites_stopped: np.ndarray  # sites whose reported status is work stopped or beyond (evacuating, evacuated)
    sites_evacuated: np.ndarray  # sites reported evacuated
    timings: dict[str, float] = field(default_factory=dict)  # not part of the result: where the time went


def _active(starts: np.ndarray, ends: np.ndarray, times: np.ndarray) -> np.ndarray:
    """How many intervals [start, end) hold each time. Needs end >= start for every interval."""
    return (np.searchsorted(np.sort(starts), times, "right") - np.searchsorted(np.sort(ends), times, "right"))


def _distinct_active(keys: np.ndarray, starts: np.ndarray, ends: np.ndarray, times: np.ndarray) -> np.ndarray:
    """How many distinct keys (int codes of objects) have an interval holding each time: a site under two stop
    orders (gondolas and work at height) counts once."""
    seen = (starts <= times[-1]) & (ends > times[0])  # only the intervals that touch the window
    keys, starts, ends = keys[seen], starts[seen], ends[seen]
    if not len(keys):
        return np.zeros(len(times), dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    holding = (starts[order, None] <= times[None, :]) & (times[None, :] < ends[order, None])
    group_starts = np.flatnonzero(np.r_[True, np.diff(keys[order]) != 0])
    return np.logical_or.reduceat(holding, group_starts, axis=0).sum(axis=0)


class _FloodReadings:
    """flood_point.reading events from a lower event-time bound: parsed once, then only the new ones (by seq)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.since: int | None = None  # POSIX ms: readings at or after this are held
        self.last_seq = 0
        self.point_index: dict[str, int] = {}
        self.pid = np.empty(0, np.int64)
        self.time = np.empty(0, np.int64)
        self.depth = np.empty(0, float)
        self.seq = np.empty(0, np.int64)
        self._sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # keys, times, depths by (pid, time)

    def update(self, since: int) -> None:
        conn = self.store.conn
        last_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        since_text = _text(since)
        if self.since is None or since < self.since or last_seq < self.last_seq:
            # first read, the window went back (a replay restarted), or another log: read the window afresh
            rows = conn.execute(
                "SELECT seq, event_time, json_extract(payload, '$.id'), json_extract(payload, '$.depth_cm') "
                "FROM events WHERE type = ? AND event_time >= ? AND seq <= ?",
                (ev.FLOOD_READING, since_text, last_seq)).fetchall()
            self.pid, self.time, self.depth, self.seq = (np.empty(0, np.int64), np.empty(0, np.int64),
                                                         np.empty(0, float), np.empty(0, np.int64))
        else:
            # only what was appended since: a range of the rowid (seq); '+type' keeps SQLite from using the type
            # index, which would walk every flood reading ever stored
            rows = conn.execute(
                "SELECT seq, event_time, json_extract(payload, '$.id'), json_extract(payload, '$.depth_cm') "
                "FROM events WHERE seq > ? AND seq <= ? AND +type = ? AND event_time >= ?",
                (self.last_seq, last_seq, ev.FLOOD_READING, since_text)).fetchall()
            keep = self.time >= since
            if not keep.all():
                self.pid, self.time, self.depth, self.seq = (a[keep] for a in (self.pid, self.time, self.depth,
                                                                                 self.seq))
                self._sorted = None
        self.since, self.last_seq = since, last_seq
        if rows:
            seqs, times, ids, depths = zip(*rows)
            index = self.point_index
            self.pid = np.concatenate([self.pid, [index.setdefault(i, len(index)) for i in ids]]).astype(np.int64)
            self.time = np.concatenate([self.time, ms(times)])
            self.depth = np.concatenate([self.depth, np.array(depths, dtype=float)])
            self.seq = np.concatenate([self.seq, np.array(seqs, dtype=np.int64)])
            self._sorted = None

    def counts(self, times: np.ndarray, bounds_cm: Sequence[float], hold_ms: int) -> dict[int, np.ndarray]:
        """Flood points per depth class at each time, by the latest reading at or before it (no older than hold)."""
        if self._sorted is None:
            order = np.lexsort((self.seq, self.time, self.pid))  # same time twice: the later in the log wins
            self._sorted = ((self.pid[order] << _PID_SHIFT) | self.time[order], self.time[order], self.depth[order])
        keys, reading_times, depths = self._sorted
        points = np.unique(keys >> _PID_SHIFT)
        query = (points[:, None] << _PID_SHIFT) | times[None, :]
        latest = np.searchsorted(keys, query, "right") - 1  # the last reading at or before each time, per point
        safe = np.maximum(latest, 0)
        valid = (latest >= 0) & ((keys[safe] >> _PID_SHIFT) == points[:, None]) & \
                (reading_times[safe] >= times[None, :] - hold_ms)
        classes = np.searchsorted(np.asarray(bounds_cm, dtype=float), depths[safe], "right")  # = depth_class()
        valid &= ~np.isnan(depths[safe])  # no reading, as depth_class() says
        step = np.broadcast_to(np.arange(len(times)), latest.shape)
        flat = np.bincount((classes * len(times) + step)[valid], minlength=len(FLOOD_CLASSES) * len(times))
        return {c: flat[c * len(times):(c + 1) * len(times)] for c in FLOOD_CLASSES}


# A stored UTC text as POSIX ms, in SQL (julianday parses it; its double is exact to well under a millisecond);
# NULL (not happened yet) as NEVER.
def _sql_ms(column: str) -> str:
    return f"coalesce(CAST(round((julianday({column}) - 2440587.5) * 86400000.0) AS INTEGER), {NEVER})"


@dataclass
class _Table:
    """Some columns of a projection table, by id: text columns as int codes (codes[i]: text -> code), times as ms."""
    name: str
    columns: tuple[str, ...]  # SQL expressions
    texts: int  # the first `texts` columns are text
    key: str  # the payload field of the events below that names the row
    event_types: tuple[str, ...]
    rows: dict[str, tuple] = field(default_factory=dict)
    codes: list[dict[str, int]] = field(default_factory=list)

    def read(self, conn, ids: Sequence[str] | None) -> None:
        """Read these rows again (all when None)."""
        head = f"SELECT id, {', '.join(self.columns)} FROM {self.name}"
        found = conn.execute(head).fetchall() if ids is None else select_ids(conn, f"{head} WHERE id IN", ids)
        if ids is None:
            self.rows.clear()
        if not self.codes:
            self.codes = [{} for _ in range(self.texts)]
        for row_id, *values in found:
            for i in range(self.texts):
                values[i] = self.codes[i].setdefault(values[i], len(self.codes[i]))
            self.rows[row_id] = tuple(values)

    def arrays(self) -> list[np.ndarray]:
        if not self.rows:
            return [np.empty(0, np.int64) for _ in self.columns]
        return [np.array(column, dtype=np.int64) for column in zip(*self.rows.values())]


class _Records:
    """The alerts', incidents' and tasks' times, read whole once, then only the rows that the events appended since
    (by seq) touched: reading every row every few seconds took 30 ms at In-Fa scale (their JSON columns stand
    between the row's start and its times)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.last_seq: int | None = None
        self.tables = {t.name: t for t in (
            _Table("alerts", ("rule", "object_id", _sql_ms("fired_at"), _sql_ms("cleared_at")), 2, "alert_id",
                   (ev.ALERT_RAISED, ev.ALERT_CLEARED)),
            _Table("incidents", (_sql_ms("opened_at"), _sql_ms("closed_at")), 0, "incident_id",
                   (ev.INCIDENT_OPENED, ev.INCIDENT_CLOSED)),
            _Table("tasks", ("agency", _sql_ms("due"),
                             f"min({_sql_ms('on_scene_at')}, {_sql_ms('done_at')}, {_sql_ms('ended_at')})"), 1,
                   "task_id", (ev.TASK_CREATED, ev.TASK_STATE_CHANGED, ev.TASK_OVERDUE)),
        )}
        self._arrays: dict[str, list[np.ndarray]] = {}

    def update(self) -> dict[str, list[np.ndarray]]:
        conn = self.store.conn
        last_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        if self.last_seq is None or last_seq < self.last_seq:
            for table in self.tables.values():
                table.read(conn, None)
            changed = set(self.tables)
        else:
            types = [t for table in self.tables.values() for t in table.event_types]
            keys = ", ".join(f"json_extract(payload, '$.{table.key}')" for table in self.tables.values())
            # a range of the rowid; '+type' keeps SQLite from walking the type index instead
            rows = conn.execute(f"SELECT type, {keys} FROM events WHERE seq > ? AND seq <= ? "
                                f"AND +type IN ({','.join('?' * len(types))})", (self.last_seq, last_seq, *types))
            touched: dict[str, set[str]] = {name: set() for name in self.tables}
            for kind, *ids in rows:
                for table, row_id in zip(self.tables.values(), ids):
                    if row_id is not None and kind in table.event_types:
                        touched[table.name].add(row_id)
            for name, ids in touched.items():
                if ids:
                    self.tables[name].read(conn, sorted(ids))
            changed = {name for name, ids in touched.items() if ids}
        self.last_seq = last_seq
        for name in changed:
            self._arrays[name] = self.tables[name].arrays()
        return self._arrays


class VitalSignsModel:
    """Computes VitalSigns for a store; keeps the parsed flood readings between calls (see the module's doc)."""

    def __init__(self, store: Store, hours: float = 12, step: timedelta = timedelta(minutes=10)) -> None:
        self.store = store
        self.hours = hours
        self.step = step
        self._floods = _FloodReadings(store)
        self._records = _Records(store)

    def _families(self, rule_codes: np.ndarray) -> np.ndarray:
        """The index in FAMILIES of each alert's rule family (-1: none of them)."""
        names = self._records.tables["alerts"].codes[0]
        lookup = np.full(len(names) + 1, -1)
        for name, code in names.items():
            family = name.split(".", 1)[0]
            lookup[code] = FAMILIES.index(family) if family in FAMILIES else -1
        return lookup[rule_codes]

    def compute(self, now: datetime) -> VitalSigns:
        clock, timings = _time.perf_counter(), {}

        def lap(name: str) -> None:
            nonlocal clock
            timings[name], clock = _time.perf_counter() - clock, _time.perf_counter()

        times = sample_times(now, self.hours, self.step)
        end = _text(int(times[-1]))
        tables = self._records.update()
        lap("read_records")

        rule, obj, fired, cleared = tables["alerts"]
        family = self._families(rule)
        alerts = {f: _active(fired[family == i], cleared[family == i], times) for i, f in enumerate(FAMILIES)}
        rule_names = self._records.tables["alerts"].codes[0]
        stop_rules = [rule_names[r] for r in STOP_RULES if r in rule_names]
        evacuate = rule_names.get(EVACUATE_RULE, -1)

        def distinct(mask: np.ndarray) -> np.ndarray:
            return _distinct_active(obj[mask], fired[mask], cleared[mask], times)

        trees = distinct(family == FAMILIES.index("trees"))
        stop_orders = distinct(np.isin(rule, stop_rules))
        evacuation_orders = distinct(rule == evacuate)
        lap("alerts")

        opened, closed = tables["incidents"]
        incidents = _active(opened, closed, times)
        # Overdue from its deadline until it is on scene, done, declined or cancelled, whichever comes first; a task
        # there before its deadline never is.
        agency, due, arrived = tables["tasks"]
        agency_codes = self._records.tables["tasks"].codes[0]
        stop = np.maximum(arrived, due)
        overdue = {a: _active(due[agency == agency_codes.get(a, -1)], stop[agency == agency_codes.get(a, -1)], times)
                   for a in AGENCIES}
        lap("incidents_tasks")

        stopped, evacuated = self._site_status(end, times)
        lap("sites")

        self._floods.update(int(times[0]) - int(READING_HOLD.total_seconds() * 1000))
        floods = self._floods.counts(times, self.store.config.flood.class_bounds_cm,
                                     int(READING_HOLD.total_seconds() * 1000))
        lap("flood_points")
        return VitalSigns(times / 1000.0, alerts, incidents, overdue, floods, trees, stop_orders, evacuation_orders,
                          stopped, evacuated, timings)

    def _site_status(self, end: str, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sites stopped (work stopped or beyond) and evacuated at each time, replaying the status events by event
        time with the projection's rule: forward only, except a supervisor's reversal."""
        rows = self.store.conn.execute(
            "SELECT event_time, type, json_extract(payload, '$.id'), json_extract(payload, '$.status') FROM events "
            f"WHERE type IN (?, ?) AND {NOT_READINGS_WHERE} AND event_time <= ? ORDER BY event_time, seq",
            (ev.SITE_EVACUATION_CHANGED, ev.SITE_EVACUATION_REVERSED, end)).fetchall()
        order = {"normal": 0, "work_stopped": 1, "evacuating": 2, "evacuated": 3}
        level: dict[str, int] = {}
        stopped = evacuated = 0
        at = ms([r[0] for r in rows])
        out_stopped = np.zeros(len(times), np.int64)
        out_evacuated = np.zeros(len(times), np.int64)
        next_row = 0
        for i, t in enumerate(times):
            while next_row < len(rows) and at[next_row] <= t:
                _, kind, site, status = rows[next_row]
                next_row += 1
                old, new = level.get(site, 0), order.get(status)
                if new is None or (kind == ev.SITE_EVACUATION_CHANGED and new < old):
                    continue
                level[site] = new
                stopped += (new >= 1) - (old >= 1)
                evacuated += (new == 3) - (old == 3)
            out_stopped[i], out_evacuated[i] = stopped, evacuated
        return out_stopped, out_evacuated


def vital_signs(store: Store, now: datetime, hours: float = 12,
                step: timedelta = timedelta(minutes=10)) -> VitalSigns:
    """The vital signs at `now` (an aware datetime), read afresh."""
    return VitalSignsModel(store, hours, step).compute(now)
