"""The session: the one shared picture. It owns the store and the layers, ingests event batches and
tells listeners once per batch. Views read it; user actions are methods here that append events."""
from __future__ import annotations

import json
from typing import Any, Sequence

import numpy as np
from psygnal import Signal

from layers import OBJECT_LAYERS
from layers.base import PointLayer, PolygonLayer
from layers.sites import EVACUATION_ORDER, is_forward

from . import events as ev
from .clock import Clock
from .crs import lonlat_to_mercator
from .feeds.messages import KnownObjects
from .events import Event, make_event
from .projections import Row
from .store import Store


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


DELIVERY_ALLOWANCE_S = 1.0  # wall seconds from a feed to the layers, allowed before a sensor counts as stale


class Session:
    ingested = Signal(object)  # list[Event]: the new events of one batch, after the layers were updated
    selection_changed = Signal(str, str)  # layer kind, object id ('' and '' when cleared)

    def __init__(self, store: Store) -> None:
        self.store = store
        self.layers: dict[str, PointLayer] = {cls.kind: cls() for cls in OBJECT_LAYERS}
        self.selection: tuple[str, str] = ("", "")
        self.clock = Clock()
        self.known = KnownObjects()
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

    def ingest(self, batch: Sequence[Event]) -> list[Event]:
        """Append a batch in one transaction; layers hear about it once each; returns the new events."""
        result = self.store.append(batch)
        for kind, rows in result.changed.items():
            layer = self.layers.get(kind)
            if layer is not None:
                layer.upsert(rows_for_layer(layer, rows))
        if any(e.type == ev.OBJECTS_REGISTERED for e in result.events):
            self._update_known()
        if result.events:
            self.ingested.emit(result.events)
        return result.events

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
