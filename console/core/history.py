"""A sensor's history: its readings from the event log, and the threshold lines that apply to it (charts, review).

Plain Python. Readings are read through the readings_by_object table (store.py), so a sensor's series costs a range
scan of its own readings in each run of the times asked for, however long the log; and from the few thousand newest
events the table does not hold yet.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

import numpy as np

from layers.i18n import QT_TRANSLATE_NOOP

from .config import Config
from .rules.config import RulesConfig
from .store import READINGS_WHERE, Store
from .timefmt import to_utc_text, utc_millis

# A reading is in readings_by_object, or among the newest events, not in it yet (store.py). The table is read run
# by run, for the runs that hold readings of the times asked for, up to the seq indexed when the query began: a run
# the store's maintenance thread commits meanwhile is read from the log. The newest events are found by seq alone:
# the unary + keeps SQLite from reading the log's type or time indexes instead (for a day's chart, every reading of
# the day).
_INDEXED = ("FROM reading_runs k CROSS JOIN readings_by_object r ON r.run = k.run "
            "WHERE k.run <= :indexed AND k.latest >= :since AND k.earliest <= :until "
            "AND r.object_id = :id AND r.event_time BETWEEN :since AND :until")
_NEWEST = (f"FROM events WHERE seq > :indexed AND +{READINGS_WHERE} AND json_extract(payload, '$.id') = :id "
           "AND +event_time BETWEEN :since AND :until")
_READINGS_SQL = (f"SELECT r.event_time, r.seq, (SELECT payload FROM events WHERE seq = r.seq) {_INDEXED}",
                 f"SELECT event_time, seq, payload {_NEWEST}")
_LATEST_SQL = (f"SELECT max(r.event_time) {_INDEXED}", f"SELECT max(event_time) {_NEWEST}")
_EARLIEST, _LATEST = "", "~"  # below and above every UTC text ('2021-…Z')


def _utc(moment: str | datetime | None) -> str | None:
    if moment is None or isinstance(moment, str):
        return moment
    return to_utc_text(moment)


def readings(store: Store, object_id: str, since: str | datetime | None = None,
             until: str | datetime | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(event_time, payload) of every reading of a flood point or station, oldest first, with since <= event_time <=
    until (UTC text or aware datetimes; None: unbounded). Late readings take their place by event time."""
    params = {"id": object_id, "indexed": store.readings_indexed(), "since": _utc(since) or _EARLIEST,
              "until": _utc(until) or _LATEST}
    rows = [row for sql in _READINGS_SQL for row in store.conn.execute(sql, params)]
    rows.sort()  # by (event_time, seq): a sorted range per run, and the newest
    return [(time, json.loads(payload)) for time, _, payload in rows]


def latest_time(store: Store, object_id: str) -> str | None:
    """The event time of the object's newest reading (UTC text), or None."""
    params = {"id": object_id, "indexed": store.readings_indexed(), "since": _EARLIEST, "until": _LATEST}
    times = [store.conn.execute(sql, params).fetchone()[0] for sql in _LATEST_SQL]
    return max((t for t in times if t is not None), default=None)


def epoch_seconds(utc_texts: Sequence[str]) -> np.ndarray:
    """Stored UTC texts ('2021-07-25T01:00:00.000Z') as POSIX seconds (what pyqtgraph's date axis plots)."""
    return utc_millis(utc_texts) / 1000.0


def series(rows: Sequence[tuple[str, Mapping[str, Any]]], quantity: str) -> tuple[np.ndarray, np.ndarray]:
    """(POSIX seconds, values) of one quantity from `readings` rows: a station sends wind, rain and level in separate
    messages, so only the rows carrying the quantity count."""
    picked = [(time, float(payload[quantity])) for time, payload in rows if payload.get(quantity) is not None]
    if not picked:
        return np.empty(0), np.empty(0)
    times, values = zip(*picked)
    return epoch_seconds(times), np.array(values, dtype=float)


@dataclass(frozen=True)
class ThresholdLine:
    quantity: str  # the payload field the line is drawn against: depth_cm, wind_mean_ms, rain_1h_mm, level_m
    value: float
    label: str  # English source text with %1 for the value; translated in the "thresholds" context
    color: str


# What each kind of sensor plots, in the order the chart shows them (the first group is the default).
QUANTITIES = {
    "flood_point": (("depth_cm",),),
    "weather": (("wind_mean_ms", "wind_gust_ms"), ("rain_1h_mm",)),
    "tide": (("level_m",),),
}

FLOOD_LABELS = (QT_TRANSLATE_NOOP("thresholds", "Ponding %1 cm"),
                QT_TRANSLATE_NOOP("thresholds", "Underpass closure %1 cm"),
                QT_TRANSLATE_NOOP("thresholds", "Road closure %1 cm"))
FLOOD_COLORS = ("#f6c343", "#f0932b", "#c0392b")  # the depth classes' colours (layers/flood_points.py)
RAIN_COLORS = {"blue": "#2e86de", "yellow": "#f1c40f", "orange": "#e67e22", "red": "#c0392b"}
RAIN_LABELS = {"blue": QT_TRANSLATE_NOOP("thresholds", "Rainstorm blue %1 mm/h"),
               "yellow": QT_TRANSLATE_NOOP("thresholds", "Rainstorm yellow %1 mm/h"),
               "orange": QT_TRANSLATE_NOOP("thresholds", "Rainstorm orange %1 mm/h"),
               "red": QT_TRANSLATE_NOOP("thresholds", "Rainstorm red %1 mm/h")}
WIND_FORCES = ((6, QT_TRANSLATE_NOOP("thresholds", "Force 6 (%1 m/s): stop work at height"), "#f1c40f"),
               (8, QT_TRANSLATE_NOOP("thresholds", "Force 8 (%1 m/s): gale"), "#e67e22"))
TIDE_LABEL = QT_TRANSLATE_NOOP("thresholds", "Warning level %1 m")
TIDE_COLOR = "#8e44ad"


def sensor_kind(layer_kind: str, attrs: Mapping[str, Any]) -> str:
    """'flood_point', 'weather' or 'tide' for a flood point or station (its layer and attributes); '' otherwise."""
    if layer_kind == "flood_points":
        return "flood_point"
    if layer_kind == "stations":
        return "tide" if attrs.get("kind") == "tide" else "weather"
    return ""


def threshold_lines(kind: str, attrs: Mapping[str, Any], config: Config,
                    rules: RulesConfig | None = None) -> list[ThresholdLine]:
    """The lines that matter for a sensor of this kind (sensor_kind): a flood point's class bounds (15 / 25 / 40 cm),
    a tide gauge's own warning level, a weather station's wind forces 6 and 8 and the rainstorm 1 h criteria."""
    if kind == "flood_point":
        return [ThresholdLine("depth_cm", bound, label, color)
                for bound, label, color in zip(config.flood.class_bounds_cm, FLOOD_LABELS, FLOOD_COLORS)]
    if kind == "tide":
        level = attrs.get("warning_level_m")
        return [] if level is None else [ThresholdLine("level_m", float(level), TIDE_LABEL, TIDE_COLOR)]
    if kind == "weather":
        bounds = config.wind.force_lower_bounds_ms  # bounds[0] is force 1
        lines = [ThresholdLine("wind_mean_ms", bounds[force - 1], label, color) for force, label, color in WIND_FORCES]
        if rules is None:
            from .rules.config import load_rules_config  # the bundled rules.toml, read only when not given
            rules = load_rules_config()
        lines += [ThresholdLine("rain_1h_mm", level.rain_1h_mm, RAIN_LABELS[level.color], RAIN_COLORS[level.color])
                  for level in rules.rain.levels]
        return lines
    return []
