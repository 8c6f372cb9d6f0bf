"""The session: the one shared picture. It owns the store and the layers, ingests event batches and
tells listeners once per batch. Views read it; user actions are methods here that append events."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Sequence

import numpy as np
from psygnal import Signal

from layers import OBJECT_LAYERS
from layers.base import PointLayer, PolygonLayer
from layers.sites import EVACUATION_ORDER, is_forward

from . import events as ev
from . import incidents as inc
from .cap_signals import signals_from_cap
from .clock import Clock
from .crs import lonlat_to_mercator, mercator_to_lonlat
from .dispatch import Dispatcher
from .events import Event, make_event
from .feeds.messages import RESPONSE_LEVELS, SIGNAL_LEVELS, KnownObjects
from .nearby import index_for
from .projections import HANDLERS, Row, changes
from .rules import RulesEngine
from .store import Store
from .timefmt import parse_time, to_utc_text


def rows_for_layer(layer: PointLayer, rows: Sequence[Row]) -> list[Row]:
    """Projection rows with Web Mercator x, y (and footprints) added, as the layers want them."""
    if not rows:
        return []
    x, y = lonlat_to_mercator(np.array([r["lon"] for r in rows]), np.array([r["lat"] for r in rows]))
    out = []
    for row, xi, yi in zip(rows, x, y):
        row = {**row, "x": float(xi), "y": float(yi)}
        if isinstance(layer, PolygonLayer):
            ring = np.asarray(json.loads(row["footprint"] or "[]"), dtype=float).reshape(-1, 2)
            fx, fy = lonlat_to_mercator(ring[:, 0], ring[:, 1])
            row["footprint_xy"] = np.column_stack([fx, fy])
        out.append(row)
    return out


RULES_SLICE = timedelta(minutes=10)  # of event time: about what one ingest tick carries at ×3600


def time_slices(events: list[Event], span: timedelta) -> list[list[Event]]:
    """The events in event-time order, cut into runs of at most `span` from each run's first event."""
    ordered = sorted(events, key=lambda e: e.event_time)
    if not ordered or ordered[-1].event_time <= to_utc_text(parse_time(ordered[0].event_time) + span):
        return [ordered] if ordered else [[]]
    pieces: list[list[Event]] = []
    end = ""
    for event in ordered:
        if event.event_time > end:
            pieces.append([])
            end = to_utc_text(parse_time(event.event_time) + span)
        pieces[-1].append(event)
    return pieces


DELIVERY_ALLOWANCE_S = 1.0  # wall seconds from a feed to the layers, allowed before a sensor counts as stale


class Session:
    ingested = Signal(object)  # list[Event]: the new events of one batch, after the layers were updated
    selection_changed = Signal(str, str)  # layer kind, object id ('' and '' when cleared)
    jumped = Signal()  # the picture moved other than by new events (a replay's seek): views read it again

    def __init__(self, store: Store, derive: bool = True) -> None:
        """`derive`: run the rules and the dispatch plan on what comes in (a live console); off when the log
        already holds what followed (a replay)."""
        self.store = store
        self.layers: dict[str, PointLayer] = {cls.kind: cls() for cls in OBJECT_LAYERS}
        self.selection: tuple[str, str] = ("", "")
        self.clock = Clock()
        self.known = KnownObjects()
        self.derive = derive
        self._rules: RulesEngine | None = None  # built on first use, from the layers and the store
        self._dispatcher: Dispatcher | None = None
        self.reload()

    def reload(self) -> None:
        """Fill every layer from the projection tables."""
        for kind, layer in self.layers.items():
            layer.replace(rows_for_layer(layer, self.store.rows(kind)))
        self._update_known()

    def _update_known(self) -> None:
        floods = self.layers["flood_points"]
        by_sensor = {str(i): str(i) for i in floods.ids}
        by_sensor.update({s: str(i) for s, i in zip(floods.attrs["sensor_id"], floods.ids) if s})
        self.known.flood_point_of_sensor = by_sensor
        self.known.stations = frozenset(self.layers["stations"].ids)
        self.known.cameras = frozenset(self.layers["cameras"].ids)
        self.known.objects = frozenset(i for layer in self.layers.values() for i in layer.ids)

    def city_state(self) -> dict[str, str]:
        """The current warning signals and response level, e.g. {'typhoon_signal': 'orange'}."""
        return {row["id"]: row["value"] for row in self.store.rows("city_state")}

    def update_staleness(self) -> None:
        """Mark sensors stale by the session clock (called a few times a second by the views' timer).

        A reading takes up to about a second of wall time from its feed to the layers (queue, ingest tick);
        at ×3600 that second is an hour of scenario time, so the allowance grows with the clock's speed."""
        now = np.datetime64(self.clock.now().replace(tzinfo=None), "ms")
        delivery_allowance_s = DELIVERY_ALLOWANCE_S * max(self.clock.speed, 1.0)
        for layer in self.layers.values():
            layer.update_staleness(now, self.store.config.stale_factor, delivery_allowance_s)

    @property
    def rules(self) -> RulesEngine:
        if self._rules is None:
            active = [row for row in self.store.rows("alerts") if row["state"] == "active"]
            self._rules = RulesEngine.from_session(self, active_alerts=[{**r, "alert_id": r["id"]} for r in active])
        return self._rules

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:
            self._dispatcher = Dispatcher.from_rows(self.store.rows("incidents"), self.store.rows("tasks"))
        return self._dispatcher

    def _consequences(self, events: list[Event]) -> list[Event]:
        """What follows from new events: the alerts the rules raise or clear, then incidents, tasks, escalations.

        The rules judge the wind once per evaluation, on the strongest gusts in it, after its signals; so a batch
        spanning hours (a bulk import, a replay at full speed) is evaluated in slices of at most RULES_SLICE of
        event time, and gives the same alerts as the live console's short batches did."""
        signals = signals_from_cap(events)
        alerts: list[Event] = []
        for piece in time_slices(events + signals, RULES_SLICE):
            alerts += self.rules.evaluate(piece)
        return signals + alerts + self.dispatcher.derive(events + alerts)

    def ingest(self, batch: Sequence[Event]) -> list[Event]:
        """Append a batch and what follows from it in one transaction; layers hear about it once each; returns
        the new events."""
        return self.ingest_until(batch)[0]

    def ingest_until(self, batch: Sequence[Event], deadline: float | None = None) -> tuple[list[Event], list[Event]]:
        """`ingest`, but the events left when the clock (time.perf_counter()) passes `deadline` are not taken:
        returns the new events and those left (Store.append). The live pump keeps the GUI thread's ticks short
        with it."""
        try:
            result = self.store.append(batch, derive=self._consequences if self.derive else None,
                                       deadline=deadline)
        except BaseException:
            self._rules = self._dispatcher = None  # they may have taken in what was rolled back: rebuild
            raise
        self._update_layers(result.changed, result.events)
        if result.events:
            self.ingested.emit(result.events)
        return result.events, result.rest

    def _update_layers(self, changed: dict[str, list[Row]], events: list[Event]) -> None:
        """The layers take the rows that changed. A row only readings changed, of an object the layer has, changes
        only its live fields (PointLayer.live_fields): those skip the projection to map metres."""
        others = [event for event in events if event.type not in ev.READING_TYPES]
        touched = {(table, change["id"]) for event in others if event.type in HANDLERS
                   for table, change in changes(event)}
        for kind, rows in changed.items():
            layer = self.layers.get(kind)
            if layer is None:
                continue
            live: list[Row] = []
            whole: list[Row] = []
            for row in rows:
                readings_only = (layer.live_fields and (kind, row["id"]) not in touched
                                 and layer.row_of(row["id"]) is not None)
                (live if readings_only else whole).append(row)
            layer.upsert(rows_for_layer(layer, whole), live)
        if any(event.type == ev.OBJECTS_REGISTERED for event in others):
            self._update_known()

    # --- selection (one for all views) -----------------------------------------------------------
    def select(self, kind: str, object_id: str) -> None:
        if (kind, object_id) != self.selection:
            self.selection = (kind, object_id)
            self.selection_changed.emit(kind, object_id)

    def selected_feature(self) -> dict[str, Any] | None:
        kind, object_id = self.selection
        layer = self.layers.get(kind)
        row = layer.row_of(object_id) if layer else None
        return None if row is None else layer.feature(row)

    # --- user actions: each appends an event ------------------------------------------------------
    def set_site_evacuation(self, site_id: str, status: str, by: str = "", reason: str = "",
                            supervisor: bool = False) -> Event:
        """Move a site's evacuation status on; going back needs a supervisor and a reason."""
        layer = self.layers["construction_sites"]
        row = layer.row_of(site_id)
        if row is None:
            raise KeyError(f"no construction site {site_id!r}")
        if status not in EVACUATION_ORDER:
            raise ValueError(f"unknown evacuation status {status!r}")
        current = layer.attrs["evacuation_status"][row]
        if is_forward(current, status):
            event = make_event(ev.SITE_EVACUATION_CHANGED, {"id": site_id, "status": status, "by": by})
        elif supervisor and reason:
            event = make_event(ev.SITE_EVACUATION_REVERSED,
                               {"id": site_id, "status": status, "by": by, "reason": reason})
        else:
            raise PermissionError(f"{site_id}: {current} → {status} goes back; only a supervisor can reverse "
                                  "an evacuation status, with a reason")
        self.ingest([event])
        return event

    # --- incidents and tasks: people's decisions, stamped with the session clock's time ---------------
    def now_text(self) -> str:
        return to_utc_text(self.clock.now())

    def open_incident(self, by: str, kind: str = "", object_id: str = "", lon: float | None = None,
                      lat: float | None = None, title: str = "", note: str = "") -> str:
        """Open an incident by hand: on an object (kind, object_id), or at a place on the map (lon, lat)."""
        name = ""
        if object_id:
            layer = self.layers[kind]
            row = layer.row_of(object_id)
            if row is None:
                raise KeyError(f"no {kind} object {object_id!r}")
            name = layer.display_name(row)
            lon, lat = (float(v) for v in mercator_to_lonlat(layer.x[row], layer.y[row]))
        elif lon is None or lat is None:
            raise ValueError("an incident needs an object or a place")
        incident_id = inc.new_id("inc")
        self.ingest([inc.incident_opened(incident_id, title or name or incident_id, "moderate", kind, object_id,
                                         name, lon, lat, [], by, self.now_text(), note)])
        return incident_id

    def add_task(self, incident_id: str, agency: str, action: str, by: str, dispatch: bool = True) -> str:
        """A task for an agency on an incident: dispatched at once (with its deadline), or left new."""
        incident = self.incident(incident_id)
        if incident is None or incident["state"] != "open":
            raise KeyError(f"no open incident {incident_id!r}")
        task_id, now = inc.new_id("task"), self.now_text()
        due = self.dispatcher.deadline(agency, action, now) if dispatch else None
        title = f"{inc.ACTION_LABELS.get(action, action)}: {incident['object_name'] or incident['title']}"
        self.ingest([inc.task_created(task_id, incident_id, agency, action, title, incident["lon"], incident["lat"],
                                      "dispatched" if dispatch else "new", by, now, due)])
        return task_id

    def set_task_state(self, task_id: str, state: str, by: str, reason: str = "") -> None:
        """Move a task on (dispatch, accept, en route, on scene, done) or decline or cancel it with a reason;
        TaskError if it cannot go that way."""
        task = self.task(task_id)
        if task is None:
            raise KeyError(f"no task {task_id!r}")
        inc.check_transition(task["state"], state, reason)
        now = self.now_text()
        due = self.dispatcher.deadline(task["agency"], task["action"], now) if state == "dispatched" else None
        self.ingest([inc.task_state_changed(task_id, state, by, reason, now, due)])

    def set_city_state(self, key: str, level: str, by: str) -> Event:
        """The duty officer sets a warning signal ('typhoon_signal', 'rainstorm_signal') or the response level
        ('response_level'), as when the order comes by phone before any feed has it."""
        levels = SIGNAL_LEVELS if key.endswith("_signal") else RESPONSE_LEVELS
        if key not in ("typhoon_signal", "rainstorm_signal", "response_level") or level not in levels:
            raise ValueError(f"cannot set {key} to {level!r}")
        if key == "response_level":
            event = make_event(ev.RESPONSE_LEVEL_CHANGED, {"level": level, "by": by}, self.now_text())
        else:
            event = make_event(ev.SIGNAL_CHANGED, {"hazard": key[:-len("_signal")], "level": level, "by": by},
                               self.now_text())
        self.ingest([event])
        return event

    def close_incident(self, incident_id: str, by: str, reason: str = "") -> None:
        """Close an incident; its unfinished tasks are cancelled with the same reason (no crew is left on a
        closed incident, and none of its tasks is escalated afterwards)."""
        now = self.now_text()
        why = reason or "incident closed"
        open_tasks = self.query("tasks", f"incident_id = ? AND state NOT IN {inc.TASK_ENDS}", [incident_id],
                                columns=("id",))
        self.ingest([*(inc.task_state_changed(t["id"], "cancelled", by, why, now) for t in open_tasks),
                     inc.incident_closed(incident_id, by, reason, now)])

    def escalate_overdue(self) -> list[Event]:
        """Escalate the tasks past their deadline by the session clock (the views call this every few seconds;
        ingest does it by the readings' times). Nothing overdue, nothing written: a write waits while the live
        console's maintenance thread holds the store (console/qt/ingest.py)."""
        overdue = self.dispatcher.overdue(self.now_text()) if self.derive else []
        return self.ingest(overdue) if overdue else []

    def linked_objects(self, lon: float, lat: float) -> dict[str, list[tuple[str, float]]]:
        """What an incident at (lon, lat) touches: per layer (object id, ground metres), nearest first; trees,
        sites and flood points within their radius, the nearest cameras (incidents.LINK_RADII_M)."""
        x, y = (float(v) for v in lonlat_to_mercator(lon, lat))
        out = {}
        for kind, radius in inc.LINK_RADII_M.items():
            layer = self.layers[kind]
            found = index_for(layer).within(x, y, radius)
            out[kind] = [(str(layer.ids[row]), distance) for row, distance in found]
        cameras = self.layers["cameras"]
        out["cameras"] = [(str(cameras.ids[row]), distance)
                          for row, distance in index_for(cameras).nearest(x, y, *inc.NEAREST_CAMERAS)]
        return out

    # --- reading incidents, tasks and alerts -----------------------------------------------------------
    def incident(self, incident_id: str) -> Row | None:
        return self._row("incidents", incident_id)

    def task(self, task_id: str) -> Row | None:
        return self._row("tasks", task_id)

    def _row(self, table: str, row_id: str) -> Row | None:
        rows = self.query(table, "id = ?", [row_id])
        return rows[0] if rows else None

    def query(self, table: str, where: str = "", params: Sequence[Any] = (), order_by: str = "id",
              columns: Sequence[str] = (), limit: int | None = None) -> list[Row]:
        """Rows of the alerts, incidents or tasks tables (or any projection) matching a WHERE clause; only the
        given columns if any (views refreshing thousands of rows skip the long JSON ones), the first `limit`."""
        self.store.flush_projections(table=table)  # readings' rows may be held behind
        names = ", ".join(columns) or "*"
        cursor = self.store.conn.execute(
            f"SELECT {names} FROM {table}" + (f" WHERE {where}" if where else "") + f" ORDER BY {order_by}"
            + (f" LIMIT {int(limit)}" if limit is not None else ""), list(params))
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, row)) for row in cursor]
