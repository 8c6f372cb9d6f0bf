"""Events: small facts appended to the log, never changed once made. The log is the single source of truth."""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from .timefmt import normalize_time, now_utc_text

# Event types the projections understand. A feed or a user action produces one of these.
OBJECTS_REGISTERED = "objects.registered"  # payload: kind, objects: [{id, lon, lat, attrs, [footprint]}]
FLOOD_READING = "flood_point.reading"  # payload: id, depth_cm
TREE_STATUS_CHANGED = "tree.status_changed"  # payload: id, status, [note]
TREE_ASSESSED = "tree.assessed"  # payload: id, grade, [decay_pct], [t_r]
SITE_EVACUATION_CHANGED = "site.evacuation_changed"  # payload: id, status (forward only)
SITE_EVACUATION_REVERSED = "site.evacuation_reversed"  # payload: id, status, by, reason
CAMERA_STATE_CHANGED = "camera.state_changed"  # payload: id, state ('online' | 'offline')
STATION_READING = "station.reading"  # payload: id and any of wind_mean_ms, wind_gust_ms, rain_1h_mm,
#                                      rain_acc_mm, level_m
SIGNAL_CHANGED = "city.signal_changed"  # payload: hazard ('typhoon' | 'rainstorm'), level
RESPONSE_LEVEL_CHANGED = "city.response_level_changed"  # payload: level ('none', 'IV' … 'I')
FIELD_REPORT = "field.report"  # payload: team, text, lon, lat, [object_id]
CAP_ALERT = "cap.alert"  # payload: identifier, sender, sent, status, msg_type, info: [...]
STATION_WIND_FORECAST = "station.wind_forecast"  # payload: id, wind_gust_ms, [wind_mean_ms], valid_until
READING_TYPES = frozenset({FLOOD_READING, STATION_READING})  # sensors' readings: most of what the feeds bring
# What the rules derive from readings (console/core/rules/alerts.py has the payloads).
ALERT_RAISED = "alert.raised"
ALERT_CLEARED = "alert.cleared"
# Incidents and their tasks (console/core/incidents.py has the payloads and the task life cycle).
INCIDENT_OPENED = "incident.opened"
INCIDENT_ALERT_LINKED = "incident.alert_linked"
INCIDENT_CLOSED = "incident.closed"
TASK_CREATED = "task.created"
TASK_STATE_CHANGED = "task.state_changed"
TASK_OVERDUE = "task.overdue"

# Stable ids for content that has no id of its own: the same content always gets the same event id,
# so that importing a file twice or receiving a message twice changes nothing.
_CONTENT_NAMESPACE = uuid.UUID("6f1d3c2e-9a57-4f0e-8c55-2b7d1d0a9e41")


# Not frozen, though nothing changes an event once made: a frozen dataclass took 1.4 µs to make, with slots
# 0.3, and ingest makes two per reading (the feed's, then the store's with its seq).
@dataclass(slots=True)
class Event:
    type: str
    payload: dict[str, Any]
    event_time: str  # UTC text (timefmt), when it happened in the world
    source: str = "console"
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    received_time: str = ""  # UTC text, set by the store on append
    seq: int | None = None  # position in the log, set by the store on append

    def asdict(self) -> dict[str, Any]:
        return asdict(self)


def make_event(type: str, payload: dict[str, Any], event_time: str | None = None, source: str = "console",
               id: str | None = None) -> Event:
    """An event with a normalised UTC time (now if none given) and a fresh id unless one is given."""
    time = normalize_time(event_time) if event_time else now_utc_text()
    return Event(type=type, payload=payload, event_time=time, source=source, id=id or uuid.uuid4().hex)


def content_id(*parts: Any) -> str:
    """A stable event id derived from content (json-serialisable parts)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return uuid.uuid5(_CONTENT_NAMESPACE, text).hex
