"""Projections: the current state of every object, derived from events by pure functions.

Each handler takes the object's current row (or None) and one event, and returns the new row, or None when
the event does not change it (unknown object, a reading older than the current one, an evacuation status
going backwards). The store runs them in the same transaction that appends the events, and again, in log
order, to rebuild the tables from the log: both paths go through `Projector.apply`, so they agree.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from layers import LAYER_BY_KIND, OBJECT_LAYERS
from layers.base import PointLayer, PolygonLayer
from layers.flood_points import depth_class
from layers.sites import EVACUATION_ORDER, is_forward

from . import events as ev
from .config import Config

Row = dict[str, Any]
SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "REAL"}


def table_columns(layer: type[PointLayer]) -> dict[str, type]:
    """The projection table's columns for a layer: id, position, its fields, footprint, bookkeeping."""
    columns: dict[str, type] = {"id": str, "lon": float, "lat": float}
    columns.update({spec.name: spec.type for spec in layer.fields})
    if issubclass(layer, PolygonLayer):
        columns["footprint"] = str  # JSON list of [lon, lat]
    columns.update({"updated_seq": int, "updated_time": str})
    return columns


def create_tables(conn) -> None:
    for layer in OBJECT_LAYERS:
        columns = table_columns(layer)
        body = ", ".join(f"{name} {SQL_TYPES[kind]}" + (" PRIMARY KEY" if name == "id" else "")
                         for name, kind in columns.items())
        conn.execute(f"CREATE TABLE IF NOT EXISTS {layer.kind} ({body})")


# --- handlers: (row, event, config) -> new row or None --------------------------------------------
def _registered(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    layer = LAYER_BY_KIND[event.payload["kind"]]
    new: Row = {"id": change["id"], "lon": change["lon"], "lat": change["lat"]}
    attrs = change.get("attrs", {})
    for spec in layer.fields:
        new[spec.name] = attrs.get(spec.name)
    if issubclass(layer, PolygonLayer):
        new["footprint"] = json.dumps(change.get("footprint", []))
    if layer.kind == "flood_points" and row is not None:
        # Re-registering a flood point (new name, say) keeps its latest reading.
        for name in ("depth_cm", "depth_class", "last_reading"):
            new[name] = row[name]
    elif layer.kind == "flood_points":
        new["depth_class"] = depth_class(new["depth_cm"], config.flood.class_bounds_cm)
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


def _camera_state(row: Row | None, change: dict, event: ev.Event, config: Config) -> Row | None:
    if row is None:
        return None
    return {**row, "state": change["state"]}


HANDLERS: dict[str, tuple[str | None, Callable[..., Row | None]]] = {
    # event type: (the table it touches, or None for the payload's 'kind'; handler)
    ev.OBJECTS_REGISTERED: (None, _registered),
    ev.FLOOD_READING: ("flood_points", _flood_reading),
    ev.TREE_STATUS_CHANGED: ("trees", _tree_status),
    ev.TREE_ASSESSED: ("trees", _tree_assessed),
    ev.SITE_EVACUATION_CHANGED: ("construction_sites", _site_evacuation),
    ev.SITE_EVACUATION_REVERSED: ("construction_sites", _site_evacuation),
    ev.CAMERA_STATE_CHANGED: ("cameras", _camera_state),
}


def changes(event: ev.Event) -> list[tuple[str, dict]]:
    """The (table, change) pairs of an event: one per object it touches (many for a registration)."""
    table, _ = HANDLERS[event.type]
    if event.type == ev.OBJECTS_REGISTERED:
        return [(event.payload["kind"], item) for item in event.payload["objects"]]
    return [(table, event.payload)]


class Projector:
    """Applies batches of events to the projection tables through the handlers above."""

    def __init__(self, conn, config: Config) -> None:
        self.conn = conn
        self.config = config
        self.columns = {layer.kind: table_columns(layer) for layer in OBJECT_LAYERS}

    def apply(self, events: Iterable[ev.Event]) -> dict[str, list[Row]]:
        """Apply events in order; write and return the rows that changed, per table."""
        targets = [(event, table, change, HANDLERS[event.type][1])
                   for event in events if event.type in HANDLERS for table, change in changes(event)]
        ids_by_table: dict[str, set[str]] = {}
        for _, table, change, _ in targets:
            ids_by_table.setdefault(table, set()).add(change["id"])
        state = self._load(ids_by_table)
        changed: dict[str, dict[str, Row]] = {}
        for event, table, change, handler in targets:
            object_id = change["id"]
            new = handler(state[table].get(object_id), change, event, self.config)
            if new is not None:
                new["updated_seq"], new["updated_time"] = event.seq, event.event_time
                state[table][object_id] = new
                changed.setdefault(table, {})[object_id] = new
        for table, rows in changed.items():
            self._write(table, list(rows.values()))
        return {table: list(rows.values()) for table, rows in changed.items()}

    def _load(self, ids_by_table: dict[str, set[str]]) -> dict[str, dict[str, Row]]:
        state: dict[str, dict[str, Row]] = {}
        for table, ids in ids_by_table.items():
            names = list(self.columns[table])
            found: dict[str, Row] = {}
            id_list = list(ids)
            for start in range(0, len(id_list), 900):  # stay under SQLite's bound-parameter limit
                chunk = id_list[start:start + 900]
                marks = ",".join("?" * len(chunk))
                for values in self.conn.execute(f"SELECT {','.join(names)} FROM {table} WHERE id IN ({marks})", chunk):
                    found[values[0]] = dict(zip(names, values))
            state[table] = found
        return state

    def _write(self, table: str, rows: list[Row]) -> None:
        names = list(self.columns[table])
        marks = ",".join("?" * len(names))
        self.conn.executemany(f"INSERT OR REPLACE INTO {table} ({','.join(names)}) VALUES ({marks})",
                              ([row.get(name) for name in names] for row in rows))
