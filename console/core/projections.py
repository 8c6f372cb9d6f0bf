"""Projections: the current state of every object, derived from events by pure functions.

Each handler takes the object's current row (or None) and one event, and returns the new row, or None when
the event does not change it (unknown object, a reading older than the current one, an evacuation status
going backwards). The store runs them in the same transaction that appends the events, and again, in log
order, to rebuild the tables from the log: both paths go through `Projector.apply`, so they agree.
"""
from __future__ import annotations

import json
import sqlite3
import time
from functools import lru_cache
from itertools import chain
from typing import Any, Callable, Iterable, Iterator, Sequence

from layers import LAYER_BY_KIND, OBJECT_LAYERS
from layers.base import PointLayer, PolygonLayer
from layers.flood_points import depth_class
from layers.sites import EVACUATION_ORDER, is_forward
from layers.stations import wind_force

from . import events as ev
from .config import Config
from .incidents import TASK_FLOW, TaskError, check_transition, more_severe

Row = dict[str, Any]
SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "REAL"}
MAX_ROWS_PER_STATEMENT = 512  # see insert_rows; compiling a shape of 2,048 rows took 30 ms, of 512 rows 4 ms
ROWS_REMEMBERED = 10_000  # projection rows the Projector keeps in memory between batches (about 1 KB each)


BOOKKEEPING = {"updated_seq": int, "updated_time": str}
# Projections that are not map layers: the city's signals and response level, CAP alerts, field reports.
RECORD_TABLES: dict[str, dict[str, type]] = {
    "city_state": {"id": str, "value": str, **BOOKKEEPING},  # id: 'typhoon_signal', 'response_level', …
    "cap_alerts": {"id": str, "sender": str, "sent": str, "status": str, "msg_type": str, "event": str,
                   "headline": str, "severity": str, "urgency": str, "certainty": str, "onset": str,
                   "expires": str, "info": str, **BOOKKEEPING},  # info: the whole JSON list of info blocks
    "field_reports": {"id": str, "team": str, "text": str, "lon": float, "lat": float, "object_id": str,
                      **BOOKKEEPING},
    # id: the alert id; state 'active' | 'cleared'; title_args and readings: JSON
    "alerts": {"id": str, "rule": str, "severity": str, "agency": str, "object_kind": str, "object_id": str,
               "object_name": str, "lon": float, "lat": float, "title": str, "title_template": str,
               "title_args": str, "readings": str, "fired_at": str, "state": str, "cleared_at": str,
               "clear_reason": str, "incident_id": str, **BOOKKEEPING},
    # state 'open' | 'closed'; alert_ids: JSON list
    "incidents": {"id": str, "title": str, "severity": str, "object_kind": str, "object_id": str,
                  "object_name": str, "lon": float, "lat": float, "state": str, "opened_at": str, "opened_by": str,
                  "note": str, "alert_ids": str, "closed_at": str, "closed_by": str, "close_reason": str,
                  **BOOKKEEPING},
    # state: console.core.incidents.TASK_STATES; <state>_at: when it got there; history: JSON list of
    # [state, by, time, reason]; due: when it must be on scene; overdue 1 once escalated
    "tasks": {"id": str, "incident_id": str, "agency": str, "action": str, "title": str, "lon": float,
              "lat": float, "state": str, "created_at": str, "created_by": str, "dispatched_at": str,
              "accepted_at": str, "en_route_at": str, "on_scene_at": str, "done_at": str, "ended_at": str,
              "reason": str, "due": str, "overdue": int, "history": str, **BOOKKEEPING},
}
# Per layer, columns kept for the projections' own use, not shown as attributes.
EXTRA_COLUMNS = {"stations": {"reading_times": str}}  # JSON: quantity -> event time of its latest reading


def table_columns(layer: type[PointLayer]) -> dict[str, type]:
    """The projection table's columns for a layer: id, position, its fields, footprint, bookkeeping."""
    columns: dict[str, type] = {"id": str, "lon": float, "lat": float}
    columns.update({spec.name: spec.type for spec in layer.fields})
    if issubclass(layer, PolygonLayer):
        columns["footprint"] = str  # JSON list of [lon, lat]
    columns.update(EXTRA_COLUMNS.get(layer.kind, {}))
    columns.update(BOOKKEEPING)
    return columns


def all_table_columns() -> dict[str, dict[str, type]]:
    return {**{layer.kind: table_columns(layer) for layer in OBJECT_LAYERS}, **RECORD_TABLES}


def create_tables(conn, names: Iterable[str]) -> None:
    """Create the named projection tables with their current columns."""
    columns_of = all_table_columns()
    for name in names:
        body = ", ".join(f"{column} {SQL_TYPES[kind]}" + (" PRIMARY KEY" if column == "id" else "")
                         for column, kind in columns_of[name].items())
        conn.execute(f"CREATE TABLE {name} ({body})")


# Few statements per batch. Every SQLite step releases the GIL, and while a feed thread runs Python the thread
# that released it may wait milliseconds to win it back: one step per row (executemany, or a query per 900 ids)
# made a batch of 2,000 readings take seconds on the GUI thread. So rows and ids go in as bound parameters of a few
# statements, of a few shapes that stay in the connection's statement cache: rows in statements of a power of two
# rows each (337 rows: 256, 64, 16 and 1), ids in one statement per MAX_ROWS_PER_STATEMENT padded to a power of two.
# Rows were padded too once (INSERT … SELECT … FROM (VALUES …) WHERE a flag): that took 4.5-5 µs a row into the log,
# plain VALUES 2.3-2.8, and powers of two about a tenth more than one statement of the exact size. (Bound parameters,
# not JSON: SQLite reads JSON reals to 15 digits and stops a JSON text at NUL.)
def insert_rows(conn: sqlite3.Connection, head: str, rows: Sequence[Sequence[Any]], tail: str = "") -> None:
    """Run `head` ("INSERT INTO t (a, b, …)") for every row (a sequence of values in that order), with `tail`
    ("ON CONFLICT …") after it."""
    if not rows:
        return
    width = len(rows[0])
    most = _most_rows(conn, width)
    start = 0
    while start < len(rows):
        size = min(most, 1 << ((len(rows) - start).bit_length() - 1))  # the biggest power of two that fits
        chunk = rows[start:start + size]
        conn.execute(f"{head} VALUES {_groups(width, size)} {tail}", list(chain.from_iterable(chunk)))
        start += size


def select_ids(conn: sqlite3.Connection, head: str, ids: Sequence[Any]) -> Iterator[tuple]:
    """The rows of `head` ("SELECT … FROM t WHERE id IN") for these ids; padded with the last id repeated."""
    most = _most_rows(conn, 1)
    for start in range(0, len(ids), most):
        chunk = ids[start:start + most]
        size = 1 << (len(chunk) - 1).bit_length()
        yield from conn.execute(f"{head} ({','.join('?' * size)})", [*chunk, *[chunk[-1]] * (size - len(chunk))])


def _most_rows(conn: sqlite3.Connection, width: int) -> int:
    """The most rows of `width` values a statement takes: MAX_ROWS_PER_STATEMENT, and within SQLite's parameter
    limit; a power of two."""
    most = min(MAX_ROWS_PER_STATEMENT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width)
    return 1 << (most.bit_length() - 1)


@lru_cache(maxsize=32)
def _upsert(columns: tuple[str, ...]) -> str:
    """A row whose id is there already is updated in place: INSERT OR REPLACE deleted it and inserted it again,
    index entry included, which took 40 % longer."""
    return f"ON CONFLICT (id) DO UPDATE SET {','.join(f'{c}=excluded.{c}' for c in columns if c != 'id')}"


@lru_cache(maxsize=128)
def _groups(width: int, count: int) -> str:
    """'(?,?),(?,?)' for width 2, count 2."""
    group = "(" + ",".join("?" * width) + ")"
    return ",".join([group] * count)


# --- handlers: (row, event, config) -> new row or None --------------------------------------------
def _registered(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    layer = LAYER_BY_KIND[event.payload["kind"]]
    new: Row = {"id": change["id"], "lon": change["lon"], "lat": change["lat"]}
    attrs = change.get("attrs", {})
    for spec in layer.fields:
        new[spec.name] = attrs.get(spec.name)
    if issubclass(layer, PolygonLayer):
        new["footprint"] = json.dumps(change.get("footprint", []))
    if row is not None:
        # Registering an object again (a corrected name, say) keeps what the feeds have said about it.
        for name in layer.live_fields + tuple(EXTRA_COLUMNS.get(layer.kind, ())):
            new[name] = row[name]
    elif layer.kind == "flood_points":
        new["depth_class"] = depth_class(new["depth_cm"], config.flood.class_bounds_cm)
    elif layer.kind == "stations":
        new["condition"] = station_condition(new, config)
    return new


def _flood_reading(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None or (row["last_reading"] and row["last_reading"] > event.event_time):
        return None  # unknown sensor, or a late reading older than the current one
    depth = float(change["depth_cm"])
    return {**row, "depth_cm": depth, "depth_class": depth_class(depth, config.flood.class_bounds_cm),
            "last_reading": event.event_time}


def _tree_status(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None:
        return None
    return {**row, "status": change["status"], "last_inspection": event.event_time[:10]}


def _tree_assessed(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None:
        return None
    updates = {k: change[k] for k in ("grade", "decay_pct", "t_r") if k in change}
    return {**row, **updates, "last_inspection": event.event_time[:10]}


def _site_evacuation(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    status = change["status"]
    if row is None or status not in EVACUATION_ORDER:
        return None
    if event.type == ev.SITE_EVACUATION_CHANGED and not is_forward(row["evacuation_status"], status):
        return None  # only a supervisor's reversal moves the status back
    return {**row, "evacuation_status": status}


STATION_QUANTITIES = ("wind_mean_ms", "wind_gust_ms", "rain_1h_mm", "rain_acc_mm", "level_m")
QUANTITY_GROUP = {"wind_mean_ms": "wind", "wind_gust_ms": "wind", "rain_1h_mm": "rain", "rain_acc_mm": "rain",
                  "level_m": "level"}


def _station_reading(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None:
        return None
    times = json.loads(row.get("reading_times") or "{}")
    # Wind, rain and level come in separate messages: each keeps the newest by event time.
    updates = {q: float(change[q]) for q in STATION_QUANTITIES
               if q in change and times.get(QUANTITY_GROUP[q], "") <= event.event_time}
    if not updates:
        return None
    for quantity in updates:
        times[QUANTITY_GROUP[quantity]] = event.event_time
    new = {**row, **updates, "reading_times": json.dumps(times, sort_keys=True),
           "last_reading": max(times.values())}
    new["condition"] = station_condition(new, config)
    return new


def station_condition(row: Row, config: Config) -> str:
    """What a station's latest readings mean, in the terms of the legend (layers.stations)."""
    if row["level_m"] is not None and row["warning_level_m"] is not None and row["level_m"] >= row["warning_level_m"]:
        return "above_warning"
    if row["wind_mean_ms"] is None and row["wind_gust_ms"] is None:
        return "no_reading" if row["level_m"] is None and row["rain_1h_mm"] is None else "normal"
    bounds = config.wind.force_lower_bounds_ms
    mean = wind_force(row["wind_mean_ms"] or 0.0, bounds)
    gust = wind_force(row["wind_gust_ms"] or 0.0, bounds)
    for name in ("storm", "gale", "strong"):
        mean_force, gust_force = getattr(config.wind, name)
        if mean >= mean_force or gust >= gust_force:
            return name
    return "normal"


def _newest_value(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    """City state (a signal, the response level): the value with the newest event time wins."""
    if row is not None and row["updated_time"] > event.event_time:
        return None
    return {"id": change["id"], "value": change["value"]}


def _cap_alert(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    first = (change.get("info") or [{}])[0]
    return {"id": change["identifier"], "sender": change.get("sender"), "sent": change.get("sent"),
            "status": change.get("status"), "msg_type": change.get("msg_type"), "event": first.get("event"),
            "headline": first.get("headline"), "severity": first.get("severity"),
            "urgency": first.get("urgency"), "certainty": first.get("certainty"), "onset": first.get("onset"),
            "expires": first.get("expires"), "info": json.dumps(change.get("info") or [], ensure_ascii=False)}


def _field_report(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    return {"id": change["id"], **{k: change.get(k) for k in ("team", "text", "lon", "lat", "object_id")}}


def _camera_state(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None:
        return None
    return {**row, "state": change["state"]}


def _alert_raised(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is not None:
        return None  # the same alert derived again
    keys = ("rule", "severity", "agency", "object_kind", "object_id", "object_name", "lon", "lat", "title",
            "title_template", "fired_at")
    return {"id": change["alert_id"], **{k: change.get(k) for k in keys}, "state": "active",
            "title_args": json.dumps(change.get("title_args") or {}, ensure_ascii=False),
            "readings": json.dumps(change.get("readings") or [], ensure_ascii=False)}


def _alert_cleared(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None or row["state"] == "cleared":
        return None
    return {**row, "state": "cleared", "cleared_at": event.event_time, "clear_reason": change.get("reason")}


def _alert_of_incident(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    """An alert joins an incident (it was opened from it, or linked to it later)."""
    if row is None or row.get("incident_id") == change["incident_id"]:
        return None
    return {**row, "incident_id": change["incident_id"]}


def _incident_opened(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is not None:
        return None
    keys = ("title", "severity", "object_kind", "object_id", "object_name", "lon", "lat", "note")
    return {"id": change["incident_id"], **{k: change.get(k) for k in keys}, "state": "open",
            "opened_at": event.event_time, "opened_by": change.get("by"),
            "alert_ids": json.dumps(change.get("alert_ids") or [])}


def _incident_alert_linked(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None:
        return None
    alert_ids = json.loads(row["alert_ids"] or "[]")
    if change["alert_id"] in alert_ids:
        return None
    new = {**row, "alert_ids": json.dumps(alert_ids + [change["alert_id"]])}
    if more_severe(change.get("severity"), row["severity"]):  # the incident reads as its worst alert
        new.update(severity=change["severity"], title=change.get("title") or row["title"])
    return new


def _incident_closed(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None or row["state"] == "closed":
        return None
    return {**row, "state": "closed", "closed_at": event.event_time, "closed_by": change.get("by"),
            "close_reason": change.get("reason")}


def _task_created(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is not None:
        return None
    state, by = change["state"], change.get("by")
    new = {"id": change["task_id"], **{k: change.get(k) for k in ("incident_id", "agency", "action", "title", "lon",
                                                                     "lat", "due")},
           "state": state, "created_at": event.event_time, "created_by": by, "overdue": 0,
           "history": json.dumps([[state, by, event.event_time, ""]], ensure_ascii=False)}
    if state == "dispatched":
        new["dispatched_at"] = event.event_time
    return new


def _task_state_changed(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    state, reason = change["state"], change.get("reason") or ""
    if row is None:
        return None
    try:
        check_transition(row["state"], state, reason)
    except TaskError:
        return None  # two desks acted at once: the first one in the log wins
    history = json.loads(row["history"] or "[]") + [[state, change.get("by"), event.event_time, reason]]
    new = {**row, "state": state, "history": json.dumps(history, ensure_ascii=False)}
    if state in TASK_FLOW:
        new[f"{state}_at"] = event.event_time
    else:
        new.update(ended_at=event.event_time, reason=reason)
    if change.get("due"):
        new["due"] = change["due"]
    return new


def _task_overdue(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None or row["overdue"]:
        return None
    return {**row, "overdue": 1, "due": change.get("due") or row["due"]}


HANDLERS: dict[str, tuple[str | None, Callable[..., Row | None] | dict[str, Callable[..., Row | None]]]] = {
    # event type: (the table it touches, or None for the payload's 'kind'; handler)
    ev.OBJECTS_REGISTERED: (None, _registered),
    ev.FLOOD_READING: ("flood_points", _flood_reading),
    ev.TREE_STATUS_CHANGED: ("trees", _tree_status),
    ev.TREE_ASSESSED: ("trees", _tree_assessed),
    ev.SITE_EVACUATION_CHANGED: ("construction_sites", _site_evacuation),
    ev.SITE_EVACUATION_REVERSED: ("construction_sites", _site_evacuation),
    ev.CAMERA_STATE_CHANGED: ("cameras", _camera_state),
    ev.STATION_READING: ("stations", _station_reading),
    ev.SIGNAL_CHANGED: ("city_state", _newest_value),
    ev.RESPONSE_LEVEL_CHANGED: ("city_state", _newest_value),
    ev.CAP_ALERT: ("cap_alerts", _cap_alert),
    ev.FIELD_REPORT: ("field_reports", _field_report),
    ev.ALERT_RAISED: ("alerts", _alert_raised),
    ev.ALERT_CLEARED: ("alerts", _alert_cleared),
    # incident events also touch the alerts they take in: one handler per table
    ev.INCIDENT_OPENED: (None, {"incidents": _incident_opened, "alerts": _alert_of_incident}),
    ev.INCIDENT_ALERT_LINKED: (None, {"incidents": _incident_alert_linked, "alerts": _alert_of_incident}),
    ev.INCIDENT_CLOSED: ("incidents", _incident_closed),
    ev.TASK_CREATED: ("tasks", _task_created),
    ev.TASK_STATE_CHANGED: ("tasks", _task_state_changed),
    ev.TASK_OVERDUE: ("tasks", _task_overdue),
}


def changes(event: ev.Event) -> list[tuple[str, dict]]:
    """The (table, change) pairs of an event: one per object it touches (many for a registration)."""
    table, _ = HANDLERS[event.type]
    payload = event.payload
    if event.type in ev.READING_TYPES:  # most of what comes in: asked first
        return [(table, payload)]
    if event.type == ev.OBJECTS_REGISTERED:
        return [(payload["kind"], item) for item in payload["objects"]]
    if event.type == ev.SIGNAL_CHANGED:
        return [(table, {"id": f"{payload['hazard']}_signal", "value": payload["level"]})]
    if event.type == ev.RESPONSE_LEVEL_CHANGED:
        return [(table, {"id": "response_level", "value": payload["level"]})]
    if event.type == ev.CAP_ALERT:
        return [(table, {**payload, "id": payload["identifier"]})]
    if event.type == ev.FIELD_REPORT:
        return [(table, {**payload, "id": event.id})]
    if event.type in (ev.ALERT_RAISED, ev.ALERT_CLEARED):
        return [(table, {**payload, "id": payload["alert_id"]})]
    if event.type in (ev.INCIDENT_OPENED, ev.INCIDENT_ALERT_LINKED):
        incident = payload["incident_id"]
        alert_ids = payload["alert_ids"] if event.type == ev.INCIDENT_OPENED else [payload["alert_id"]]
        return [("incidents", {**payload, "id": incident}),
                *(("alerts", {"id": alert_id, "incident_id": incident}) for alert_id in alert_ids)]
    if event.type == ev.INCIDENT_CLOSED:
        return [(table, {**payload, "id": payload["incident_id"]})]
    if event.type in (ev.TASK_CREATED, ev.TASK_STATE_CHANGED, ev.TASK_OVERDUE):
        return [(table, {**payload, "id": payload["task_id"]})]
    return [(table, payload)]


def _handler(event_type: str, table: str) -> Callable[..., Row | None]:
    handler = HANDLERS[event_type][1]
    return handler[table] if isinstance(handler, dict) else handler


# Readings change one row per reading: a storm's 20,000 a second rewrote as many wide rows, a third of what ingest
# cost. What readings change is kept in memory and written behind, each row about WRITE_BEHIND_S after its first
# change (Store.append), and before the tables are read (Store.rows); every other change is written with its events.
# A crash loses nothing: the store replays the readings after the meta key WRITTEN_BEHIND_AFTER when it opens.
WRITTEN_BEHIND_TYPES = ev.READING_TYPES
# (table, id) -> (row, time.monotonic() and seq of its first change not written), in the order of those changes
Behind = dict[tuple[str, str], tuple[Row, float, int]]


class Projector:
    """Applies batches of events to the projection tables through the handlers above."""

    def __init__(self, conn, config: Config) -> None:
        self.conn = conn
        self.config = config
        self.columns = all_table_columns()
        # Rows recent batches read or wrote, as the database holds them. Live readings come for the same
        # objects batch after batch, and reading a row back costs a SQLite step, with a GIL hand-over (see
        # insert_rows). Trusted only while no other connection has written (PRAGMA data_version).
        self._recent: dict[str, dict[str, Row]] = {}
        self._data_version = -1
        self.behind: Behind = {}  # rows changed by readings only, not written yet

    def forget(self, behind: Behind | None = None) -> None:
        """Drop the remembered rows: their transaction rolled back, or the tables were emptied. The rows written
        behind go back to `behind` (a copy taken when the rolled-back transaction began), or are dropped."""
        self._recent = {}
        self.behind = behind or {}

    def oldest_behind(self) -> tuple[float, int] | None:
        """When (time.monotonic()) and at which seq the oldest change held behind was made; None: none is."""
        return next(iter(self.behind.values()))[1:] if self.behind else None

    def apply(self, events: Iterable[ev.Event], write_behind: bool = False,
              catching_up: bool = False) -> dict[str, list[Row]]:
        """Apply events in order; write and return the rows that changed, per table. With `write_behind`, rows
        that only readings changed are kept in `behind` instead, until `flush`. `catching_up` (events from the log
        again, after a crash): a row already holds the events up to its updated_seq, and they are skipped."""
        targets = [(event, table, change, _handler(event.type, table))
                   for event in events if event.type in HANDLERS for table, change in changes(event)]
        ids_by_table: dict[str, set[str]] = {}
        now: set[tuple[str, str]] = set()  # rows an event other than a reading changed: written at once
        for event, table, change, _ in targets:
            ids_by_table.setdefault(table, set()).add(change["id"])
            if not write_behind or event.type not in WRITTEN_BEHIND_TYPES:
                now.add((table, change["id"]))
        state = self._load(ids_by_table)
        changed: dict[str, dict[str, Row]] = {}
        for event, table, change, handler in targets:
            object_id = change["id"]
            row = state[table].get(object_id)
            if catching_up and row is not None and event.seq <= (row["updated_seq"] or 0):
                continue
            new = handler(row, change, event, self.config)
            if new is not None:
                new["updated_seq"], new["updated_time"] = event.seq, event.event_time
                state[table][object_id] = new
                changed.setdefault(table, {})[object_id] = new
        if changed:
            self._write_or_keep_behind(changed, now, targets[0][0].seq)
        return {table: list(rows.values()) for table, rows in changed.items()}

    def _write_or_keep_behind(self, changed: dict[str, dict[str, Row]], now: set[tuple[str, str]],
                              first_seq: int) -> None:
        """Write the changed rows in `now`; keep the others behind, from `first_seq` (the batch's first) on."""
        behind, moment = self.behind, time.monotonic()
        for table, rows in changed.items():
            written = []
            for object_id, row in rows.items():
                key = (table, object_id)
                if key in now:
                    written.append(row)
                else:
                    held = behind.get(key)
                    behind[key] = (row, moment, first_seq) if held is None else (row, held[1], held[2])
            self._write_now(table, written)

    def flush(self, limit: int | None = None, changed_before: float | None = None, table: str | None = None) -> int:
        """Write the rows kept behind (of one table, or all), oldest first change first: all, or at most `limit` of
        those first changed before `changed_before` (time.monotonic()). Returns how many were written."""
        due: dict[str, list[Row]] = {}
        count = 0
        for (held_in, _), (row, since, _) in self.behind.items():
            if count == limit or (changed_before is not None and since > changed_before):
                break
            if table is None or held_in == table:
                due.setdefault(held_in, []).append(row)
                count += 1
        for held_in, rows in due.items():
            self._write_now(held_in, rows)
        return count

    def _write_now(self, table: str, rows: list[Row]) -> None:
        if not rows:
            return
        recent = self._recent.setdefault(table, {})
        for row in rows:
            recent.pop(row["id"], None)
            self.behind.pop((table, row["id"]), None)  # this write carries what was kept behind
        recent.update(self._write(table, rows))

    def _load(self, ids_by_table: dict[str, set[str]]) -> dict[str, dict[str, Row]]:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:  # another connection committed: what we remember may be stale
            self._recent, self._data_version = {}, version
        if sum(map(len, self._recent.values())) > ROWS_REMEMBERED:
            self._recent = {}
        state: dict[str, dict[str, Row]] = {}
        for table, ids in ids_by_table.items():
            names = list(self.columns[table])
            recent = self._recent.setdefault(table, {})
            held = {object_id: self.behind[key][0] for object_id in ids if (key := (table, object_id)) in self.behind}
            missing = [object_id for object_id in ids if object_id not in held and object_id not in recent]
            for values in select_ids(self.conn, f"SELECT {','.join(names)} FROM {table} WHERE id IN", missing):
                recent[values[0]] = dict(zip(names, values))
            state[table] = {object_id: row for object_id in ids
                            if (row := held.get(object_id) or recent.get(object_id)) is not None}
        return state

    def _write(self, table: str, rows: list[Row]) -> dict[str, Row]:
        """Write the rows; return those that reading back would give unchanged (None, or the Python type of
        the column: e.g. an int in a REAL column comes back a float, and NaN comes back None)."""
        columns = self.columns[table]
        names = list(columns)
        values = [[row.get(name) for name in names] for row in rows]
        insert_rows(self.conn, f"INSERT INTO {table} ({','.join(names)})", values, _upsert(tuple(names)))
        kinds = list(columns.values())
        return {row[0]: dict(zip(names, row)) for row in values
                if all(v is None or (type(v) is kind and v == v) for v, kind in zip(row, kinds))}
