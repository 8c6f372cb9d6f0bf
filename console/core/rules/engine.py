"""The rules engine: readings in, alert events out, vectorised with numpy.

`RulesEngine.evaluate(batch)` takes a batch of events (readings, signals, the response level, object changes) and
returns the NEW alert events it gives rise to (`alert.raised`, `alert.cleared`; see alerts.py). The engine keeps
what the rules need between batches: per object the time of its last reading, per rule and object whether an
alert is active (and its id) and since when the readings have been below the clear line; per weather station its
latest wind and a few hours of rain totals; the city's signals and response level.

Semantics (all in event time; docs in resources/config/rules.toml):
* Readings are taken per object in event-time order; a reading not newer than the object's last one (late, or
  the same batch given twice) is ignored, as the projections ignore it for the current value.
* Ponding, tide and rain are per reading: a batch split differently gives the same alerts, with the same ids.
* Wind rules (trees, sites) are judged once per batch on the gust (or mean) near each object: inverse-distance
  weighted from the nearest weather stations, using per station the strongest value of the batch (or its latest
  value if it sent none), so a peak inside a long batch still counts. Clearing needs the latest values below the
  line for the hold-off, measured from the batch in which they were first seen below.
  A wind alert fires at the time of the latest reading it was judged on, or of the object's last change if that
  is later (registered, re-graded, status changed, an evacuation order lifted).
* Evacuation orders follow the typhoon signal and the response level, event by event in time order (changes at
  the same time count together); no stop-work order goes to a site under an evacuation order.
* Signals and the response level gate the rules: a rainstorm recommendation only above the signal in force.

Not thread-safe: one engine, called from one thread (the session's ingest). evaluate() pauses the cyclic garbage
collector while it runs (kernels.gc_paused).
"""
from __future__ import annotations

import json
import math
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .. import events as ev
from ..events import Event
from . import alerts as al
from .config import (
    NEVER,
    SIGNAL_ORDER,
    SITE_EQUIPMENT,
    SITE_STATUSES,
    TREE_GRADES,
    RulesConfig,
    load_rules_config,
)
from .kernels import (
    NO_TIME,
    Neighbours,
    Runs,
    TimeParser,
    first_per_group,
    forces,
    gc_paused,
    grow,
    hysteresis,
    idw,
    local_metres,
    ms_text,
    neighbours,
    run_start,
)

NAN = math.nan
_TYPE, _PAYLOAD, _TIME = attrgetter("type"), attrgetter("payload"), attrgetter("event_time")
_ID, _DEPTH = itemgetter("id"), itemgetter("depth_cm")
_SORT_KEY = itemgetter(0, 1, 2)  # event time, family, order of creation
FAMILY_RANK = {"sites.evacuate": 0, "ponding": 1, "tide": 2, "rain": 3, "sites": 4, "trees": 5}
CITY_KEYS = {"typhoon": "typhoon_signal", "rainstorm": "rainstorm_signal"}
LAT0 = 31.2  # Shanghai: the latitude of the local metric projection used for distances

# Per-row columns of each object table: name -> (dtype, fill)
FLOOD_COLUMNS = {"kind": (object, "road_spot"), "last_t": (np.int64, NO_TIME), "depth": (float, NAN)}
STATION_COLUMNS = {
    "kind": (object, "weather"), "warning": (float, NAN),
    "wind_t": (np.int64, NO_TIME), "gust": (float, NAN), "mean": (float, NAN), "wind_eid": (object, None),
    "wind_text": (object, None), "rain_t": (np.int64, NO_TIME), "level_t": (np.int64, NO_TIME), "level": (float, NAN),
    "fc_gust": (float, NAN), "fc_mean": (float, NAN), "fc_until": (np.int64, NO_TIME), "fc_t": (np.int64, NO_TIME),
    "fc_eid": (object, None), "fc_text": (object, None),
}
TREE_COLUMNS = {"grade": (object, None), "status": (object, "checked"), "attr_t": (np.int64, NO_TIME),
                "attr_text": (object, None)}
SITE_COLUMNS = {"gondolas": (np.int64, 0), "tower_cranes": (np.int64, 0), "hoists": (np.int64, 0),
                "workers": (np.int64, 0), "status": (np.int64, 0), "attr_t": (np.int64, NO_TIME),
                "attr_text": (object, None)}
LIVE_COLUMNS = {"flood_points": ("last_t", "depth"), "stations": tuple(STATION_COLUMNS)[2:], "trees": (),
                "construction_sites": ("status",)}


class Objects:
    """One kind of object: ids, WGS84 positions, names and per-row numpy columns."""

    def __init__(self, kind: str, columns: Mapping[str, tuple[Any, Any]]) -> None:
        self.kind = kind
        self.spec = dict(columns)
        self.ids = np.empty(0, dtype=object)
        self.index: dict[str, int] = {}
        self.lon = np.empty(0)
        self.lat = np.empty(0)
        self.name = np.empty(0, dtype=object)
        self.cols = {c: np.empty(0, dtype=dtype) for c, (dtype, _) in self.spec.items()}

    def __len__(self) -> int:
        return len(self.ids)

    def load(self, ids: Sequence, lon: Sequence, lat: Sequence, name: Sequence | None = None,
             **values: Sequence) -> None:
        """Replace every object (bulk; values per column, missing columns get their fill)."""
        n = len(ids)
        self.ids = np.array([str(i) for i in ids], dtype=object).reshape(n)
        self.index = {object_id: row for row, object_id in enumerate(self.ids)}
        if len(self.index) != n:
            raise ValueError(f"{self.kind}: object ids repeat")
        self.lon = np.asarray(lon, dtype=float).reshape(n)
        self.lat = np.asarray(lat, dtype=float).reshape(n)
        self.name = np.array([None] * n if name is None else [None if v is None else str(v) for v in name],
                             dtype=object).reshape(n)
        for column, (dtype, fill) in self.spec.items():
            given = values.get(column)
            if given is not None and dtype is object:  # a missing value (None, '') takes the column's default
                given = [fill if v is None or v == "" else v for v in given]
            self.cols[column] = (np.full(n, fill, dtype=dtype) if given is None else
                                 np.array(list(given), dtype=dtype).reshape(n))

    def upsert(self, records: Sequence[dict[str, Any]], keep: Sequence[str] = ()) -> list[int]:
        """Add new objects, update known ones (except the `keep` columns); return the touched rows."""
        new = [r["id"] for r in dict((r["id"], r) for r in records).values() if r["id"] not in self.index]
        if new:
            start = len(self.ids)
            self.ids = np.concatenate([self.ids, np.array(new, dtype=object)])
            self.lon, self.lat = grow(self.lon, len(new), NAN), grow(self.lat, len(new), NAN)
            self.name = grow(self.name, len(new), None)
            for column, (_, fill) in self.spec.items():
                self.cols[column] = grow(self.cols[column], len(new), fill)
            for offset, object_id in enumerate(new):
                self.index[object_id] = start + offset
        fresh = set(new)
        rows = []
        for record in records:
            row = self.index[record["id"]]
            rows.append(row)
            self.lon[row], self.lat[row] = record["lon"], record["lat"]
            self.name[row] = record.get("name")
            for column, value in record.items():
                if column in self.cols and (record["id"] in fresh or column not in keep):
                    self.cols[column][row] = value
        return rows


class Slot:
    """One rule's state over one kind of object."""

    __slots__ = ("rule", "kind", "active", "since", "alert")

    def __init__(self, rule: str, kind: str, n: int) -> None:
        self.rule = rule
        self.kind = kind
        self.active = np.zeros(n, dtype=bool)
        self.since = np.full(n, NO_TIME, dtype=np.int64)  # start of the current run below the clear line
        self.alert = np.full(n, None, dtype=object)  # the active alert's id

    def grow(self, n: int) -> None:
        extra = n - len(self.active)
        self.active = grow(self.active, extra, False)
        self.since = grow(self.since, extra, NO_TIME)
        self.alert = grow(self.alert, extra, None)


class _Out:
    """The alert events of one evaluation, with their sort key (time, family, order of creation)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, int, int, Event]] = []

    def add(self, family: int, event: Event) -> None:
        self.items.append((event.event_time, family, len(self.items), event))

    def events(self) -> list[Event]:
        return [item[3] for item in sorted(self.items, key=_SORT_KEY)]


def _column(data: Mapping[str, Any] | None, key: str, n: int, default: Any = None) -> Any:
    if data is None or data.get(key) is None:
        return default
    values = data[key]
    if len(values) != n:
        raise ValueError(f"'{key}' has {len(values)} values for {n} objects")
    return values


def _positions(data: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    if data.get("lon") is not None:
        return np.asarray(data["lon"], dtype=float), np.asarray(data["lat"], dtype=float)
    from ..crs import mercator_to_lonlat  # x, y in EPSG:3857, as the layers hold them
    lon, lat = mercator_to_lonlat(np.asarray(data["x"], dtype=float), np.asarray(data["y"], dtype=float))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _ints(values: Any, n: int) -> np.ndarray | None:
    if values is None:
        return None
    array = np.asarray(values, dtype=float).reshape(n)
    return np.nan_to_num(array, nan=0.0).astype(np.int64)


class RulesEngine:
    """The alert rules over one city's objects. Plain Python and numpy; no Qt, no database.

    Objects come as mappings of equal-length sequences (lon/lat in WGS84 degrees, or x/y in EPSG:3857 metres):
      flood_points: ids, kind ('underpass' | 'road_spot'), [name]
      stations:     ids, kind ('weather' | 'tide'), [warning_level_m], [name]
      trees:        ids, grade ('very_high' | 'high' | 'medium' | 'low'), [status], [name]
      sites:        ids, [gondolas], [tower_cranes], [hoists], [workers], [evacuation_status], [name]
    city_state: {'typhoon_signal': 'orange', 'rainstorm_signal': ..., 'response_level': 'II'} (values, or
    (value, UTC time text) pairs), as Session.city_state() gives them.
    """

    def __init__(self, flood_points: Mapping[str, Any] | None = None, stations: Mapping[str, Any] | None = None,
                 trees: Mapping[str, Any] | None = None, sites: Mapping[str, Any] | None = None,
                 config: RulesConfig | None = None, city_state: Mapping[str, Any] | None = None) -> None:
        self.config = config or load_rules_config()
        self._bounds = np.asarray(self.config.force_lower_bounds_ms, dtype=float)
        self._times = TimeParser()
        self.floods = Objects("flood_points", FLOOD_COLUMNS)
        self.stations = Objects("stations", STATION_COLUMNS)
        self.trees = Objects("trees", TREE_COLUMNS)
        self.sites = Objects("construction_sites", SITE_COLUMNS)
        self.tables = {t.kind: t for t in (self.floods, self.stations, self.trees, self.sites)}
        for table, data, extra in ((self.floods, flood_points, ("kind",)),
                                   (self.stations, stations, ("kind",)),
                                   (self.trees, trees, ("grade", "status")),
                                   (self.sites, sites, SITE_EQUIPMENT + ("workers",))):
            if not data or not len(data.get("ids", ())):
                continue
            n = len(data["ids"])
            lon, lat = _positions(data)
            values = {c: _column(data, c, n) for c in extra}
            if table is self.stations:
                values["warning"] = _column(data, "warning_level_m", n)
            if table is self.sites:
                values.update({c: _ints(values[c], n) for c in SITE_EQUIPMENT + ("workers",)})
                status = _column(data, "evacuation_status", n)
                values["status"] = None if status is None else [SITE_STATUSES.index(s or "normal") for s in status]
            table.load(data["ids"], lon, lat, _column(data, "name", n), **values)
        cfg = self.config
        self.slots: dict[str, Slot] = {}
        for rule in cfg.ponding:
            self.slots[rule.rule] = Slot(rule.rule, "flood_points", len(self.floods))
        self.slots[cfg.tide.rule] = Slot(cfg.tide.rule, "stations", len(self.stations))
        for level in cfg.rain.levels:
            self.slots[level.rule] = Slot(level.rule, "stations", len(self.stations))
        self.slots[cfg.trees.rule] = Slot(cfg.trees.rule, "trees", len(self.trees))
        for rule in cfg.site_wind:
            self.slots[rule.rule] = Slot(rule.rule, "construction_sites", len(self.sites))
        self.slots[cfg.evacuation.rule] = Slot(cfg.evacuation.rule, "construction_sites", len(self.sites))
        # rain totals per weather station, enough for the 6-hour sums
        self._rain_st = np.empty(0, dtype=np.int64)
        self._rain_t = np.empty(0, dtype=np.int64)
        self._rain_acc = np.empty(0)
        # the city: key -> (value, time ms, reading dict)
        self.city: dict[str, tuple[str, int, dict[str, Any] | None]] = {
            key: ("none", NO_TIME, None) for key in ("typhoon_signal", "rainstorm_signal", "response_level")}
        self._evac_on = False
        self._evac_reading: dict[str, Any] | None = None
        self._evac_t = NO_TIME
        self._evac_cause: dict[str, Any] | None = None
        for key, value in (city_state or {}).items():
            if key in self.city and value is not None:
                value, time = (value, None) if isinstance(value, str) else tuple(value)
                self.set_city_state(key, value, time)
        self._wind_t = NO_TIME  # event time of the last evaluation of the wind rules
        self._derive_all()

    # --- building from a session ----------------------------------------------------------------------
    @classmethod
    def from_session(cls, session: Any, config: RulesConfig | None = None,
                     active_alerts: Iterable[Mapping[str, Any]] = ()) -> RulesEngine:
        """An engine for the objects a console session holds (read-only: session.layers[kind] arrays in EPSG:3857,
        the city state from the store), with the current readings as the starting point (so older readings are
        ignored) and the given active alerts (alert.raised payloads or rows with alert_id, rule, object_id)."""
        layers = session.layers

        def data(kind: str, columns: Sequence[str]) -> dict[str, Any]:
            layer = layers[kind]
            out: dict[str, Any] = {"ids": [str(i) for i in layer.ids], "x": layer.x, "y": layer.y}
            for column in columns:
                if column in layer.attrs:
                    out[column] = layer.attrs[column]
            return out

        floods = data("flood_points", ("kind", "name"))
        stations = data("stations", ("kind", "warning_level_m", "name"))
        trees = data("trees", ("grade", "status"))
        attrs = layers["trees"].attrs
        trees["name"] = [" ".join(str(v) for v in pair if v) or None
                         for pair in zip(attrs.get("street", [None] * len(trees["ids"])),
                                         attrs.get("species", [None] * len(trees["ids"])))]
        sites = data("construction_sites", SITE_EQUIPMENT + ("workers", "evacuation_status", "name"))
        city: dict[str, Any] = {}
        store = getattr(session, "store", None)
        if store is not None:
            city = {row["id"]: (row["value"], row.get("updated_time")) for row in store.rows("city_state")}
        engine = cls(floods, stations, trees, sites, config=config, city_state=city)
        times = engine._times
        layer = layers["flood_points"]
        last = [times.one(t) if t else NO_TIME for t in layer.attrs["last_reading"]]
        engine.floods.cols["last_t"] = np.array(last, dtype=np.int64)
        engine.floods.cols["depth"] = np.asarray(layer.attrs["depth_cm"], dtype=float).copy()
        layer = layers["stations"]
        cols = engine.stations.cols
        for column, attr in (("gust", "wind_gust_ms"), ("mean", "wind_mean_ms"), ("level", "level_m")):
            cols[column] = np.asarray(layer.attrs[attr], dtype=float).copy()
        # the time of each station's latest wind, rain and level reading (the projection keeps them apart)
        groups: dict[str, dict[str, str]] = {}
        if store is not None:
            groups = {row["id"]: json.loads(row.get("reading_times") or "{}") for row in store.rows("stations")}
        present = {"wind": ~np.isnan(cols["gust"]) | ~np.isnan(cols["mean"]), "level": ~np.isnan(cols["level"]),
                   "rain": ~np.isnan(np.asarray(layer.attrs["rain_acc_mm"], dtype=float))}
        for group, column in (("wind", "wind_t"), ("rain", "rain_t"), ("level", "level_t")):
            texts = [groups.get(str(i), {}).get(group) or (last if has else None)
                     for i, last, has in zip(layer.ids, layer.attrs["last_reading"], present[group].tolist())]
            cols[column] = np.array([times.one(t) if t else NO_TIME for t in texts], dtype=np.int64)
            if group == "wind":
                cols["wind_text"] = np.array(texts, dtype=object)
        engine.restore(active_alerts)
        return engine

    # --- state in and out -----------------------------------------------------------------------------
    def set_city_state(self, key: str, value: str, time: str | None = None, event_id: str | None = None) -> None:
        """The state a new engine starts from: a signal ('typhoon_signal', 'rainstorm_signal') or the response level
        ('response_level'), as the store's city_state table holds it. It raises and clears nothing by itself (the
        next evaluate() gives the evacuation orders it calls for); changes during operation come as events
        (city.signal_changed, city.response_level_changed) in the batches."""
        t = self._times.one(time) if time else NO_TIME
        kind = ev.RESPONSE_LEVEL_CHANGED if key == "response_level" else ev.SIGNAL_CHANGED
        before = self._evacuation_condition()
        self.city[key] = (value, t, al.reading(event_id, kind, "city", key, value, time))
        self._evac_on = self._evacuation_condition()
        if not self._evac_on:
            self._evac_reading, self._evac_t = None, NO_TIME
        elif not before or self._evac_reading is None:
            self._evac_reading, self._evac_t = self.city[key][2], t

    def restore(self, alerts: Iterable[Mapping[str, Any]]) -> None:
        """Mark alerts as active (payloads of alert.raised events, or rows with alert_id, rule and object_id):
        the alerts projection after a restart, so that they are neither raised again nor forgotten."""
        for alert in alerts:
            self._apply_raised(alert)

    def active_alerts(self) -> list[dict[str, str]]:
        """Every active alert: alert_id, rule, object_kind, object_id."""
        out = []
        for rule, slot in self.slots.items():
            ids = self.tables[slot.kind].ids
            for row in np.flatnonzero(slot.active):
                out.append({"alert_id": slot.alert[row], "rule": rule, "object_kind": slot.kind,
                            "object_id": ids[row]})
        return out

    def _apply_raised(self, alert: Mapping[str, Any]) -> None:
        slot = self.slots.get(alert.get("rule", ""))
        row = None if slot is None else self.tables[slot.kind].index.get(alert.get("object_id"))
        if row is not None:
            slot.active[row] = True
            slot.alert[row] = alert["alert_id"]

    def _apply_cleared(self, alert: Mapping[str, Any]) -> None:
        slot = self.slots.get(alert.get("rule", ""))
        row = None if slot is None else self.tables[slot.kind].index.get(alert.get("object_id"))
        if row is not None and slot.alert[row] == alert.get("alert_id"):
            slot.active[row] = False
            slot.alert[row] = None

    # --- derived per-object values --------------------------------------------------------------------
    def _derive_all(self) -> None:
        self._derive_floods()
        self._derive_neighbours()
        self._derive_trees()
        self._wind_dirty = True

    def _derive_floods(self) -> None:
        kinds = self.floods.cols["kind"]
        self._ponding_applies = [np.isin(kinds, list(rule.kinds)) for rule in self.config.ponding]

    def _derive_neighbours(self) -> None:
        near = self.config.near
        weather = np.flatnonzero(self.stations.cols["kind"] == "weather")
        sx, sy = local_metres(self.stations.lon[weather], self.stations.lat[weather], LAT0)
        self._nb: dict[str, Neighbours] = {}
        for kind in ("trees", "construction_sites"):
            table = self.tables[kind]
            x, y = local_metres(table.lon, table.lat, LAT0)
            nb = neighbours(x, y, sx, sy, near.stations, near.power, near.max_distance_m, near.min_distance_m,
                            nearest_only=near.method == "nearest")
            nb.index = np.where(nb.index >= 0, weather[np.maximum(nb.index, 0)] if len(weather) else -1,
                                -1).astype(np.int32)
            self._nb[kind] = nb

    def _derive_trees(self) -> None:
        rule = self.config.trees
        grade = self.trees.cols["grade"]
        threshold = np.full(len(self.trees), NEVER, dtype=np.int16)
        rank = np.full(len(self.trees), len(TREE_GRADES), dtype=np.int16)
        for i, name in enumerate(TREE_GRADES):
            threshold[grade == name] = rule.min_force[name]
            rank[grade == name] = i
        self._tree_eligible = ~np.isin(self.trees.cols["status"], list(rule.skip_statuses))
        self._tree_threshold = np.where(self._tree_eligible, threshold, NEVER).astype(np.int16)
        self._tree_rank = rank

    # --- evaluation -----------------------------------------------------------------------------------
    def evaluate(self, batch: Sequence[Event]) -> list[Event]:
        """The new alert events this batch gives rise to, in event-time order."""
        with gc_paused():
            return self._evaluate(batch)

    def _evaluate(self, batch: Sequence[Event]) -> list[Event]:
        out = _Out()
        batch = batch if isinstance(batch, list) else list(batch)
        # Fields are pulled out with map() over C-level getters: a Python loop (or comprehension) per reading and
        # field is most of the cost of a quiet batch of 20,000 readings.
        types = np.array(list(map(_TYPE, batch)), dtype=object)
        is_flood, is_station = types == ev.FLOOD_READING, types == ev.STATION_READING
        # Object changes, forecasts and alert events first (few), so that readings of objects registered in the
        # same batch count; the city's signals next; then the readings, per family.
        changed: set[str] = set()
        city: list[int] = []
        for pos in np.flatnonzero(~(is_flood | is_station)).tolist():
            if types[pos] in (ev.SIGNAL_CHANGED, ev.RESPONSE_LEVEL_CHANGED):
                city.append(pos)
            else:
                self._other(batch[pos], changed)
        if changed:
            self._after_changes(changed)
        rain_signal = self._city(batch, city, out)
        positions = np.flatnonzero(is_flood)
        if len(positions):
            events = list(map(batch.__getitem__, positions.tolist()))
            payloads = list(map(_PAYLOAD, events))
            rows = np.fromiter(map(self.floods.index.get, map(_ID, payloads), repeat(-1)), np.int64, len(events))
            depth = np.fromiter(map(_DEPTH, payloads), float, len(events))
            texts = list(map(_TIME, events))
            known = rows >= 0
            if not known.all():
                texts = [t for t, k in zip(texts, known.tolist()) if k]
            self._ponding(batch, (rows[known], depth[known], texts, positions[known]), out)
        wind: tuple = ((),)
        positions = np.flatnonzero(is_station)
        if len(positions):
            events = list(map(batch.__getitem__, positions.tolist()))
            payloads = list(map(_PAYLOAD, events))
            rows = np.fromiter(map(self.stations.index.get, map(_ID, payloads), repeat(-1)), np.int64, len(events))
            texts = list(map(_TIME, events))
            known = rows >= 0

            def having(*keys: str) -> list[int]:
                has = np.zeros(len(payloads), dtype=bool)
                for key in keys:
                    has |= np.fromiter(map(dict.__contains__, payloads, repeat(key)), bool, len(payloads))
                return np.flatnonzero(has & known).tolist()

            def values(chosen: list[int], key: str) -> list:
                return [payloads[i].get(key) for i in chosen]

            chosen = having("level_m")
            if chosen:
                self._tide(batch, (rows[chosen], values(chosen, "level_m"), [texts[i] for i in chosen],
                                   positions[chosen]), out)
            chosen = having("rain_1h_mm", "rain_acc_mm")
            if chosen:
                self._rain(batch, (rows[chosen], values(chosen, "rain_1h_mm"), values(chosen, "rain_acc_mm"),
                                   [texts[i] for i in chosen], positions[chosen]), rain_signal, out)
            chosen = having("wind_gust_ms", "wind_mean_ms")
            if chosen:
                wind = (rows[chosen], values(chosen, "wind_gust_ms"), values(chosen, "wind_mean_ms"),
                        [texts[i] for i in chosen], positions[chosen])
        self._evacuation_fill(out)
        if len(wind[0]) or self._wind_dirty:
            self._wind(batch, wind if len(wind[0]) else ((), (), (), (), ()), out)
        return out.events()

    # --- other events: objects, their changes, forecasts, alerts ---------------------------------------
    def _other(self, event: Event, changed: set[str]) -> None:
        kind, payload = event.type, event.payload
        if kind == ev.OBJECTS_REGISTERED:
            table = self.tables.get(payload.get("kind"))
            if table is not None:
                records = [self._record(table.kind, o, event) for o in payload.get("objects") or []]
                table.upsert(records, keep=LIVE_COLUMNS[table.kind])
                for slot in self.slots.values():
                    if slot.kind == table.kind:
                        slot.grow(len(table))
                changed.add(table.kind)
        elif kind in (ev.TREE_ASSESSED, ev.TREE_STATUS_CHANGED):
            row = self.trees.index.get(payload.get("id"))
            if row is not None:
                for column in ("grade", "status"):
                    if payload.get(column):
                        self.trees.cols[column][row] = payload[column]
                self._touch(self.trees, row, event)
                changed.add("tree_attrs")
        elif kind in (ev.SITE_EVACUATION_CHANGED, ev.SITE_EVACUATION_REVERSED):
            row = self.sites.index.get(payload.get("id"))
            status = payload.get("status")
            if row is not None and status in SITE_STATUSES:
                rank = SITE_STATUSES.index(status)
                if kind == ev.SITE_EVACUATION_REVERSED or rank >= self.sites.cols["status"][row]:
                    self.sites.cols["status"][row] = rank
                    self._touch(self.sites, row, event)
                    changed.add("site_attrs")
        elif kind == al.WIND_FORECAST:
            row = self.stations.index.get(payload.get("id"))
            if row is not None and payload.get("valid_until"):
                cols = self.stations.cols
                cols["fc_gust"][row] = NAN if payload.get("wind_gust_ms") is None else float(payload["wind_gust_ms"])
                cols["fc_mean"][row] = NAN if payload.get("wind_mean_ms") is None else float(payload["wind_mean_ms"])
                cols["fc_until"][row] = self._times.one(payload["valid_until"])
                cols["fc_eid"][row], cols["fc_text"][row] = event.id, event.event_time
                cols["fc_t"][row] = self._times.one(event.event_time)
                self._wind_dirty = True
        elif kind == al.ALERT_RAISED:
            self._apply_raised(payload)
        elif kind == al.ALERT_CLEARED:
            self._apply_cleared(payload)

    def _touch(self, table: Objects, row: int, event: Event) -> None:
        t = self._times.one(event.event_time)
        if t >= table.cols["attr_t"][row]:
            table.cols["attr_t"][row], table.cols["attr_text"][row] = t, event.event_time
        self._wind_dirty = True

    def _record(self, kind: str, item: Mapping[str, Any], event: Event) -> dict[str, Any]:
        attrs = item.get("attrs") or {}
        record: dict[str, Any] = {"id": str(item["id"]), "lon": float(item["lon"]), "lat": float(item["lat"]),
                                  "name": attrs.get("name")}
        if kind == "flood_points":
            record["kind"] = attrs.get("kind") or "road_spot"
        elif kind == "stations":
            record["kind"] = attrs.get("kind") or "weather"
            warning = attrs.get("warning_level_m")
            record["warning"] = NAN if warning in (None, "") else float(warning)
        elif kind == "trees":
            record["grade"] = attrs.get("grade")
            record["status"] = attrs.get("status") or "checked"
            record["name"] = " ".join(str(attrs[k]) for k in ("street", "species") if attrs.get(k)) or None
            record["attr_t"], record["attr_text"] = self._times.one(event.event_time), event.event_time
        else:
            for column in SITE_EQUIPMENT + ("workers",):
                record[column] = int(attrs.get(column) or 0)
            record["status"] = SITE_STATUSES.index(attrs.get("evacuation_status") or "normal")
            record["attr_t"], record["attr_text"] = self._times.one(event.event_time), event.event_time
        return record

    def _after_changes(self, changed: set[str]) -> None:
        if "flood_points" in changed:
            self._derive_floods()
        if changed & {"stations", "trees", "construction_sites"}:
            self._derive_neighbours()
        if changed & {"trees", "tree_attrs"}:
            self._derive_trees()
        self._wind_dirty = True

    # --- the city: signals and the response level -------------------------------------------------------
    def _evacuation_condition(self) -> bool:
        rule = self.config.evacuation
        return (self.city["typhoon_signal"][0] in rule.typhoon_signals
                or self.city["response_level"][0] in rule.response_levels)

    def _city(self, batch: Sequence[Event], positions: list[int], out: _Out) -> tuple[np.ndarray, np.ndarray]:
        """Apply the batch's signal and response changes in time order (older than the current value: ignored);
        raise and clear evacuation orders as the condition changes. Returns the rainstorm signal over time:
        (change times in ms, signal order from then on)."""
        state = self.city["rainstorm_signal"]
        times, orders = [NO_TIME], [SIGNAL_ORDER.index(state[0]) if state[0] in SIGNAL_ORDER else 0]
        if not positions:
            return np.array(times, dtype=np.int64), np.array(orders)
        items = sorted(((self._times.one(batch[p].event_time), p) for p in positions))
        # Changes at the same time (the orange signal and response II at 20:00) count together: the condition is
        # judged after all of them, on the first of them that decided it.
        for n, (t, p) in enumerate(items):
            event = batch[p]
            payload = event.payload
            if event.type == ev.RESPONSE_LEVEL_CHANGED:
                key, value = "response_level", payload.get("level")
            else:
                key, value = CITY_KEYS.get(payload.get("hazard"), ""), payload.get("level")
            if key in self.city and value is not None and t >= self.city[key][1]:
                kind = ev.RESPONSE_LEVEL_CHANGED if key == "response_level" else ev.SIGNAL_CHANGED
                before = self._evacuation_condition()
                self.city[key] = (value, t, al.reading(event.id, kind, "city", key, value, event.event_time))
                if before != self._evacuation_condition():
                    self._evac_cause = self.city[key][2]
                if key == "rainstorm_signal":
                    times.append(t)
                    orders.append(SIGNAL_ORDER.index(value) if value in SIGNAL_ORDER else 0)
            if n + 1 < len(items) and items[n + 1][0] == t:
                continue
            on = self._evacuation_condition()
            cause = self._evac_cause
            if on and not self._evac_on and cause is not None:
                self._evac_on, self._evac_reading, self._evac_t = True, cause, t
                self._evacuation_raise(out)
            elif not on and self._evac_on and cause is not None:
                self._evac_on = False
                self._evacuation_clear(cause, cause["time"], out)
                self._evac_reading, self._evac_t = None, NO_TIME
            self._evac_cause = None
        return np.array(times, dtype=np.int64), np.array(orders)

    def _evacuation_eligible(self) -> np.ndarray:
        rule = self.config.evacuation
        cols = self.sites.cols
        return (cols["workers"] >= rule.min_workers) & (cols["status"] < SITE_STATUSES.index(rule.skip_from_status))

    def _evacuation_raise(self, out: _Out) -> None:
        rule = self.config.evacuation
        slot = self.slots[rule.rule]
        rows = np.flatnonzero(self._evacuation_eligible() & ~slot.active)
        if not len(rows) or self._evac_reading is None:
            return
        cols = self.sites.cols
        reading, t = self._evac_reading, self._evac_t
        typhoon, response = self.city["typhoon_signal"][0], self.city["response_level"][0]
        family = FAMILY_RANK["sites.evacuate"]
        ids, names = self.sites.ids[rows], self.sites.name[rows]
        lon, lat = self.sites.lon[rows].tolist(), self.sites.lat[rows].tolist()
        attr_t, attr_text = cols["attr_t"][rows].tolist(), cols["attr_text"][rows]
        workers = cols["workers"][rows].tolist()
        alerts = slot.alert
        for i in range(len(rows)):
            fired = attr_text[i] if attr_t[i] > t else reading["time"]
            event = al.raised(rule.rule, rule.severity, rule.agency, "construction_sites", ids[i], names[i], lon[i],
                              lat[i], fired, [dict(reading)],
                              {"workers": str(workers[i]), "typhoon": typhoon, "response": response},
                              workers=workers[i], typhoon_signal=typhoon, response_level=response)
            alerts[rows[i]] = event.payload["alert_id"]
            out.add(family, event)
        slot.active[rows] = True

    def _evacuation_clear(self, reading: dict[str, Any], when: str, out: _Out) -> None:
        rule = self.config.evacuation
        slot = self.slots[rule.rule]
        typhoon, response = self.city["typhoon_signal"][0], self.city["response_level"][0]
        reason = f"typhoon signal {typhoon}, response level {response}: the evacuation condition no longer holds"
        t = self._times.one(when)
        cols = self.sites.cols
        for row in np.flatnonzero(slot.active).tolist():
            if slot.alert[row] is not None:
                out.add(FAMILY_RANK["sites.evacuate"],
                        al.cleared(slot.alert[row], rule.rule, "construction_sites", self.sites.ids[row], when,
                                   "condition_ended", reason, [dict(reading)]))
            slot.active[row], slot.alert[row] = False, None
            # the site can take stop-work orders again from now: one fired on earlier readings of the same batch
            # carries this time, not theirs
            if t > cols["attr_t"][row]:
                cols["attr_t"][row], cols["attr_text"][row] = t, when

    def _evacuation_fill(self, out: _Out) -> None:
        """Sites that became eligible while the condition holds (registered, workers back) get their order."""
        if self._evac_on:
            self._evacuation_raise(out)

    # --- ponding at flood points ------------------------------------------------------------------------
    def _ponding(self, batch: Sequence[Event], data: tuple[list, ...], out: _Out) -> None:
        rows, values, texts, positions = data
        table = self.floods
        t = self._times.many(texts)
        runs = Runs.of(np.array(rows), t, table.cols["last_t"])
        if not len(runs):
            return
        depth = np.asarray(values, dtype=float)[runs.order]
        pos = np.asarray(positions)[runs.order]
        family = FAMILY_RANK["ponding"]
        for rule, applies in zip(self.config.ponding, self._ponding_applies):
            slot = self.slots[rule.rule]
            raise_when = applies[runs.obj] & (depth >= rule.raise_at_cm)
            below = depth < rule.clear_below_cm
            start = run_start(runs, below, slot.since)
            clear_when = below & (runs.t - start >= rule.clear_hold_ms)
            tr = hysteresis(runs, raise_when, clear_when, slot.active)
            hold_min = rule.clear_hold_ms // 60000
            for j in np.flatnonzero(tr.raised | tr.cleared).tolist():
                row = int(runs.obj[j])
                event = batch[pos[j]]
                value = float(depth[j])
                readings = [al.reading(event.id, event.type, table.ids[row], "depth_cm", value, event.event_time)]
                if tr.raised[j]:
                    alert = al.raised(rule.rule, rule.severity, rule.agency, table.kind, table.ids[row],
                                      table.name[row], float(table.lon[row]), float(table.lat[row]), event.event_time,
                                      readings, {"depth_cm": al.fmt(value)}, depth_cm=value,
                                      point_kind=table.cols["kind"][row], raise_at_cm=rule.raise_at_cm)
                    slot.alert[row] = alert.payload["alert_id"]
                    out.add(family, alert)
                elif slot.alert[row] is not None:
                    reason = (f"water below {al.fmt(rule.clear_below_cm)} cm since {ms_text(start[j])} "
                              f"(hold-off {hold_min} min)")
                    out.add(family, al.cleared(slot.alert[row], rule.rule, table.kind, table.ids[row],
                                               event.event_time, "drained", reason, readings))
                    slot.alert[row] = None
            ends = runs.ends
            slot.active[runs.objects] = tr.active[ends]
            slot.since[runs.objects] = np.where(below[ends], start[ends], NO_TIME)
        table.cols["last_t"][runs.objects] = runs.t[runs.ends]
        table.cols["depth"][runs.objects] = depth[runs.ends]

    # --- tide levels ------------------------------------------------------------------------------------
    def _tide(self, batch: Sequence[Event], data: tuple[list, ...], out: _Out) -> None:
        rows, values, texts, positions = data
        table = self.stations
        rule = self.config.tide
        slot = self.slots[rule.rule]
        runs = Runs.of(np.array(rows), self._times.many(texts), table.cols["level_t"])
        if not len(runs):
            return
        level = np.asarray(values, dtype=float)[runs.order]
        pos = np.asarray(positions)[runs.order]
        warning = table.cols["warning"][runs.obj]
        raise_when = level >= warning + rule.margin_m
        below = level < warning - rule.clear_margin_m
        start = run_start(runs, below, slot.since)
        clear_when = below & (runs.t - start >= rule.clear_hold_ms)
        tr = hysteresis(runs, raise_when, clear_when, slot.active)
        family = FAMILY_RANK["tide"]
        for j in np.flatnonzero(tr.raised | tr.cleared).tolist():
            row = int(runs.obj[j])
            event = batch[pos[j]]
            value, warn = float(level[j]), float(warning[j])
            readings = [al.reading(event.id, event.type, table.ids[row], "level_m", value, event.event_time)]
            if tr.raised[j]:
                alert = al.raised(rule.rule, rule.severity, rule.agency, table.kind, table.ids[row], table.name[row],
                                  float(table.lon[row]), float(table.lat[row]), event.event_time, readings,
                                  {"level_m": al.fmt(value, 2), "warning_m": al.fmt(warn, 2)}, level_m=value,
                                  warning_level_m=warn)
                slot.alert[row] = alert.payload["alert_id"]
                out.add(family, alert)
            elif slot.alert[row] is not None:
                reason = (f"level below {al.fmt(warn - rule.clear_margin_m, 2)} m since {ms_text(start[j])} "
                          f"(hold-off {rule.clear_hold_ms // 60000} min)")
                out.add(family, al.cleared(slot.alert[row], rule.rule, table.kind, table.ids[row], event.event_time,
                                           "below_warning", reason, readings))
                slot.alert[row] = None
        ends = runs.ends
        slot.active[runs.objects] = tr.active[ends]
        slot.since[runs.objects] = np.where(below[ends], start[ends], NO_TIME)
        table.cols["level_t"][runs.objects] = runs.t[ends]
        table.cols["level"][runs.objects] = level[ends]

    # --- rain: rainstorm signal recommendations ---------------------------------------------------------
    def _rain(self, batch: Sequence[Event], data: tuple[list, ...], signal: tuple[np.ndarray, np.ndarray],
              out: _Out) -> None:
        rows, one_hour, totals, texts, positions = data
        table = self.stations
        cfg = self.config.rain
        runs = Runs.of(np.array(rows), self._times.many(texts), table.cols["rain_t"])
        if not len(runs):
            return
        r1 = np.asarray(one_hour, dtype=float)[runs.order]
        acc = np.asarray(totals, dtype=float)[runs.order]
        pos = np.asarray(positions)[runs.order]
        r6 = self._six_hours(runs, r1, acc)
        change_t, change_order = signal
        in_force = change_order[np.searchsorted(change_t, runs.t, side="right") - 1]
        met = np.zeros(len(runs), dtype=np.int64)
        conditions = {}
        for level in cfg.levels:  # lowest first: `met` ends as the highest level met
            conditions[level.order] = (r1 >= level.rain_1h_mm) | (r6 >= level.rain_6h_mm)
            met[conditions[level.order]] = level.order
        higher_active = np.zeros(len(runs), dtype=bool)
        higher_raised = np.zeros(len(runs), dtype=bool)
        higher_color = np.full(len(runs), "", dtype=object)
        family = FAMILY_RANK["rain"]
        hold_min = cfg.clear_hold_ms // 60000
        for level in reversed(cfg.levels):
            slot = self.slots[level.rule]
            cond = conditions[level.order]
            below = ~cond
            start = run_start(runs, below, slot.since)
            held = below & (runs.t - start >= cfg.clear_hold_ms)
            issued = in_force >= level.order
            clear_when = held | issued | higher_raised
            raise_when = cond & (met == level.order) & (in_force < level.order) & ~higher_active
            tr = hysteresis(runs, raise_when, clear_when, slot.active)
            for j in np.flatnonzero(tr.raised | tr.cleared).tolist():
                row = int(runs.obj[j])
                event = batch[pos[j]]
                readings = [al.reading(event.id, event.type, table.ids[row], "rain_1h_mm", float(r1[j]),
                                       event.event_time),
                            al.reading(event.id, event.type, table.ids[row], "rain_6h_mm", round(float(r6[j]), 1),
                                       event.event_time, derived="rain_acc_mm difference over 6 h")]
                if tr.raised[j]:
                    signal_now = SIGNAL_ORDER[int(in_force[j])]
                    alert = al.raised(level.rule, level.severity, cfg.agency, table.kind, table.ids[row],
                                      table.name[row], float(table.lon[row]), float(table.lat[row]), event.event_time,
                                      readings, {"color": level.color, "rain_1h_mm": al.fmt(float(r1[j])),
                                                 "rain_6h_mm": al.fmt(float(r6[j])), "signal": signal_now},
                                      recommended_signal=level.color, signal_in_force=signal_now,
                                      rain_1h_mm=float(r1[j]), rain_6h_mm=round(float(r6[j]), 1))
                    slot.alert[row] = alert.payload["alert_id"]
                    out.add(family, alert)
                elif slot.alert[row] is not None:
                    if higher_raised[j]:
                        code, reason = "superseded", f"superseded by the {higher_color[j]} criteria"
                    elif issued[j]:
                        code, reason = "signal_issued", f"rainstorm signal {SIGNAL_ORDER[int(in_force[j])]} in force"
                    else:
                        code, reason = "below_criteria", (f"{level.color} criteria not met since {ms_text(start[j])} "
                                                          f"(hold-off {hold_min} min)")
                    out.add(family, al.cleared(slot.alert[row], level.rule, table.kind, table.ids[row],
                                               event.event_time, code, reason, readings))
                    slot.alert[row] = None
            ends = runs.ends
            slot.active[runs.objects] = tr.active[ends]
            slot.since[runs.objects] = np.where(below[ends], start[ends], NO_TIME)
            higher_color[tr.raised] = level.color
            higher_active |= tr.active
            higher_raised |= tr.raised
        table.cols["rain_t"][runs.objects] = runs.t[runs.ends]

    def _six_hours(self, runs: Runs, r1: np.ndarray, acc: np.ndarray) -> np.ndarray:
        """6-hour rain per reading from the totals (see rules.toml [rain]); updates the kept history."""
        cfg = self.config.rain
        ok = ~np.isnan(acc)
        st = np.concatenate([self._rain_st, runs.obj[ok]])
        ht = np.concatenate([self._rain_t, runs.t[ok]])
        ha = np.concatenate([self._rain_acc, acc[ok]])
        order = np.lexsort((ht, st))
        st, ht, ha = st[order], ht[order], ha[order]
        target = runs.t - cfg.window_ms
        then = np.full(len(runs), np.nan)
        if len(st):
            t0 = min(int(ht.min()), int(target.min()))
            span = max(int(ht.max()), int(runs.t.max())) - t0 + 1
            keys = st * span + (ht - t0)
            j = np.searchsorted(keys, runs.obj * span + (target - t0), side="right") - 1
            jc = np.clip(j, 0, len(st) - 1)
            at = (j >= 0) & (st[jc] == runs.obj) & (ht[jc] >= target - cfg.tolerance_ms)
            k = np.clip(j + 1, 0, len(st) - 1)
            inside = (j + 1 < len(st)) & (st[k] == runs.obj) & (ht[k] <= runs.t)
            then = np.where(at, ha[jc], np.where(inside, ha[k], np.nan))
            latest = np.full(len(self.stations), NO_TIME, dtype=np.int64)
            np.maximum.at(latest, st, ht)
            keep = ht >= latest[st] - cfg.window_ms - cfg.tolerance_ms
            self._rain_st, self._rain_t, self._rain_acc = st[keep], ht[keep], ha[keep]
        six = acc - then
        six = np.where(six < 0, acc, six)  # the total went down: a new event began
        return np.fmax(six, r1)

    # --- wind: trees and construction sites -------------------------------------------------------------
    def _wind(self, batch: Sequence[Event], data: tuple[list, ...], out: _Out) -> None:
        rows, gusts, means, texts, positions = data
        cols = self.stations.cols
        # per station: the strongest value of the batch (or the latest one), its time and event
        high = {q: {"v": cols[q].copy(), "t": cols["wind_t"].copy(), "eid": cols["wind_eid"].copy(),
                    "text": cols["wind_text"].copy()} for q in ("gust", "mean")}
        t_eval = self._wind_t
        if len(rows):
            runs = Runs.of(np.array(rows), self._times.many(texts), cols["wind_t"])
            if len(runs):
                pos = np.asarray(positions)[runs.order]
                text = np.array(texts, dtype=object)[runs.order]
                for q, values in (("gust", gusts), ("mean", means)):
                    v = np.asarray(values, dtype=float)[runs.order]
                    best = first_per_group(runs.obj, np.where(np.isnan(v), -np.inf, v))
                    best = best[~np.isnan(v[best])]
                    s = runs.obj[best]
                    h = high[q]
                    h["v"][s], h["t"][s], h["text"][s] = v[best], runs.t[best], text[best]
                    h["eid"][s] = [batch[p].id for p in pos[best].tolist()]
                    last = v[runs.ends]
                    has = ~np.isnan(last)
                    cols[q][runs.objects[has]] = last[has]
                ends = runs.ends
                cols["wind_t"][runs.objects] = runs.t[ends]
                cols["wind_text"][runs.objects] = text[ends]
                cols["wind_eid"][runs.objects] = [batch[p].id for p in pos[ends].tolist()]
                t_eval = max(t_eval, int(runs.t.max()))
        # Object changes (a user's action may carry wall-clock time during a replay) never move t_eval on.
        self._wind_dirty = False
        if t_eval == NO_TIME:
            return
        self._wind_t = t_eval
        when = ms_text(t_eval)
        self._trees(high, t_eval, when, out)
        self._sites(high, t_eval, when, out)

    def _station_values(self, high: dict, measure: str, forecast: bool, t_eval: int) -> dict[str, np.ndarray]:
        """Per station: strongest and latest value, with where the strongest came from (reading or forecast)."""
        cols = self.stations.cols
        h = high[measure]
        values = {"high": h["v"], "last": cols[measure], "t": h["t"], "eid": h["eid"], "text": h["text"],
                  "type": np.full(len(self.stations), ev.STATION_READING, dtype=object)}
        if forecast:
            fc = cols["fc_" + measure]
            valid = (cols["fc_until"] >= t_eval) & ~np.isnan(fc)
            if valid.any():
                use = valid & (fc > np.nan_to_num(h["v"], nan=-np.inf))
                values["observed"] = h["v"]
                values["high"] = np.where(use, fc, h["v"])
                values["last"] = np.fmax(cols[measure], np.where(valid, fc, np.nan))
                values["t"] = np.where(use, cols["fc_t"], h["t"])
                values["eid"] = np.where(use, cols["fc_eid"], h["eid"])
                values["text"] = np.where(use, cols["fc_text"], h["text"])
                values["type"] = np.where(use, al.WIND_FORECAST, values["type"])
        return values

    def _judge(self, kind: str, slot: Slot, threshold: np.ndarray, eligible: np.ndarray, values: dict,
               t_eval: int, hold_ms: int) -> dict[str, Any]:
        """One wind rule over one kind of object: which objects raise, which clear (and why)."""
        nb = self._nb[kind]
        g_high = idw(values["high"], nb)
        f_high = forces(g_high, self._bounds)
        f_last = forces(idw(values["last"], nb), self._bounds)
        above = f_high >= threshold
        since = slot.since
        since = np.where(above, np.where(f_last < threshold, t_eval, NO_TIME),
                         np.where(since == NO_TIME, t_eval, since))
        slot.since = since
        raised = above & eligible & ~slot.active
        active = slot.active
        held = active & ~above & (t_eval - np.where(since == NO_TIME, t_eval, since) >= hold_ms)
        return {"raised": np.flatnonzero(raised), "held": np.flatnonzero(held), "gust": g_high, "force": f_high,
                "last_force": f_last}

    def _contributions(self, kind: str, rows: np.ndarray, values: dict, quantity: str) -> dict[str, list]:
        """For raised objects: the readings they were judged on (per station with a weight and a value), the
        distance to the strongest of them, and the time of the latest (plain lists: built once, read per alert)."""
        nb = self._nb[kind]
        index, weight, distance = nb.index[rows], nb.weight[rows], nb.distance[rows]
        station = np.maximum(index, 0)
        v = values["high"][station]
        valid = (index >= 0) & (weight > 0) & ~np.isnan(v)
        r = np.arange(len(rows))
        strongest = np.argmax(np.where(valid, v, -np.inf), axis=1)
        t = np.where(valid, values["t"][station], NO_TIME)
        latest = np.argmax(t, axis=1)
        ids, eid, kinds, text = self.stations.ids, values["eid"], values["type"], values["text"]
        high = values["high"].tolist()
        readings = []
        for stations, ok, dist in zip(index.tolist(), valid.tolist(), np.rint(distance).tolist()):
            # al.reading(...), inlined: thousands of these per batch when a storm arrives
            readings.append([{"event_id": eid[s], "type": kinds[s], "object_id": ids[s], "quantity": quantity,
                              "value": high[s], "time": text[s], "distance_m": int(d)}
                             for s, use, d in zip(stations, ok, dist) if use])
        return {"readings": readings, "strongest_distance": distance[r, strongest].tolist(),
                "t": t[r, latest].tolist(), "latest_text": text[index[r, latest]].tolist()}

    def _latest_readings(self, kind: str, row: int, measure: str) -> list[dict[str, Any]]:
        nb = self._nb[kind]
        cols = self.stations.cols
        out = []
        for j in range(nb.index.shape[1]):
            s = int(nb.index[row, j])
            if s >= 0 and nb.weight[row, j] > 0 and not np.isnan(cols[measure][s]):
                out.append(al.reading(cols["wind_eid"][s], ev.STATION_READING, self.stations.ids[s],
                                      f"wind_{measure}_ms", float(cols[measure][s]), cols["wind_text"][s],
                                      distance_m=int(np.rint(nb.distance[row, j]))))
        return out

    def _trees(self, high: dict, t_eval: int, when: str, out: _Out) -> None:
        rule = self.config.trees
        table = self.trees
        if not len(table):
            return
        slot = self.slots[rule.rule]
        values = self._station_values(high, rule.measure, rule.use_forecast, t_eval)
        threshold = self._tree_threshold
        judged = self._judge("trees", slot, threshold, self._tree_eligible, values, t_eval, rule.clear_hold_ms)
        family = FAMILY_RANK["trees"]
        rows = judged["raised"]
        if len(rows):
            c = self._contributions("trees", rows, values, f"wind_{rule.measure}_ms")
            gust = judged["gust"][rows]
            distance = np.asarray(c["strongest_distance"])
            if rule.order == "nearest":
                order = np.lexsort((rows, self._tree_rank[rows], distance))
            else:
                order = np.lexsort((rows, distance, -gust, self._tree_rank[rows]))
            basis = np.full(len(rows), "observed", dtype=object)
            if "observed" in values:
                observed = forces(idw(values["observed"], self._nb["trees"], rows), self._bounds)
                basis[observed < threshold[rows]] = "forecast"
            cols = table.cols
            ids, names, grades = table.ids[rows], table.name[rows], cols["grade"][rows]
            lon, lat = table.lon[rows].tolist(), table.lat[rows].tolist()
            attr_t, attr_text = cols["attr_t"][rows].tolist(), cols["attr_text"][rows]
            force, minimum = judged["force"][rows].tolist(), threshold[rows].tolist()
            gust_l, basis_l = gust.tolist(), basis.tolist()
            agency, severity, name = rule.agency, rule.severity, rule.rule
            alerts = self.slots[rule.rule].alert
            for rank, i in enumerate(order.tolist(), start=1):
                fired = attr_text[i] if attr_t[i] > c["t"][i] else c["latest_text"][i]
                grade = grades[i]
                event = al.raised(name, severity[grade], agency, "trees", ids[i], names[i], lon[i], lat[i], fired,
                                  c["readings"][i], {"grade": grade.replace("_", " "), "force": str(force[i]),
                                                     "wind_ms": al.fmt(gust_l[i])},
                                  grade=grade, wind_ms=round(gust_l[i], 2), force=force[i], min_force=minimum[i],
                                  basis=basis_l[i], distance_m=round(c["strongest_distance"][i]), rank=rank)
                alerts[rows[i]] = event.payload["alert_id"]
                out.add(family, event)
            slot.active[rows] = True
        held = judged["held"][self._tree_eligible[judged["held"]]]
        gone = np.flatnonzero(slot.active & ~self._tree_eligible)
        for row, code in [(r, "below") for r in held.tolist()] + [(r, "status") for r in gone.tolist()]:
            if slot.alert[row] is None:
                slot.active[row] = False
                continue
            if code == "status":
                reason = f"tree status {table.cols['status'][row]}"
            else:
                reason = (f"gusts below force {int(threshold[row])} since {ms_text(slot.since[row])} "
                          f"(hold-off {rule.clear_hold_ms // 60000} min)")
            out.add(family, al.cleared(slot.alert[row], rule.rule, table.kind, table.ids[row], when,
                                       "object_status" if code == "status" else "below_threshold", reason,
                                       self._latest_readings("trees", row, rule.measure)))
            slot.active[row], slot.alert[row] = False, None

    def _sites(self, high: dict, t_eval: int, when: str, out: _Out) -> None:
        table = self.sites
        if not len(table):
            return
        cols = table.cols
        evacuating = self.slots[self.config.evacuation.rule].active
        family = FAMILY_RANK["sites"]
        for rule in self.config.site_wind:
            slot = self.slots[rule.rule]
            applies = (np.ones(len(table), dtype=bool) if not rule.requires_any else
                       np.any([cols[e] > 0 for e in rule.requires_any], axis=0))
            eligible = applies & (cols["status"] < SITE_STATUSES.index(rule.skip_from_status)) & ~evacuating
            threshold = np.full(len(table), rule.min_force, dtype=np.int16)
            values = self._station_values(high, rule.measure, False, t_eval)
            judged = self._judge("construction_sites", slot, threshold, eligible, values, t_eval, rule.clear_hold_ms)
            rows = judged["raised"]
            if len(rows):
                c = self._contributions("construction_sites", rows, values, f"wind_{rule.measure}_ms")
                ids, names = table.ids[rows], table.name[rows]
                lon, lat = table.lon[rows].tolist(), table.lat[rows].tolist()
                attr_t, attr_text = cols["attr_t"][rows].tolist(), cols["attr_text"][rows]
                wind, force = judged["gust"][rows].tolist(), judged["force"][rows].tolist()
                equipment = [dict(zip(SITE_EQUIPMENT, e)) for e in
                             zip(*(cols[e][rows].tolist() for e in SITE_EQUIPMENT))]
                for i in range(len(rows)):
                    fired = attr_text[i] if attr_t[i] > c["t"][i] else c["latest_text"][i]
                    event = al.raised(rule.rule, rule.severity, rule.agency, table.kind, ids[i], names[i], lon[i],
                                      lat[i], fired, c["readings"][i],
                                      {"force": str(force[i]), "wind_ms": al.fmt(wind[i])}, wind_ms=round(wind[i], 2),
                                      force=force[i], min_force=rule.min_force, measure=rule.measure,
                                      distance_m=round(c["strongest_distance"][i]), **equipment[i])
                    slot.alert[rows[i]] = event.payload["alert_id"]
                    out.add(family, event)
                slot.active[rows] = True
            for row in judged["held"].tolist():
                if slot.alert[row] is not None:
                    reason = (f"wind below force {rule.min_force} since {ms_text(slot.since[row])} "
                              f"(hold-off {rule.clear_hold_ms // 60000} min)")
                    out.add(family, al.cleared(slot.alert[row], rule.rule, table.kind, table.ids[row], when,
                                               "below_threshold", reason,
                                               self._latest_readings("construction_sites", row, rule.measure)))
                slot.active[row], slot.alert[row] = False, None
