"""Alert events: what the rules emit, with stable ids and English titles (source text for translation).

alert.raised  payload: alert_id, rule, severity, agency, object_kind, object_id, object_name, lon, lat, title,
              title_template, title_args, readings: [{event_id, type, object_id, quantity, value, time, ...}],
              fired_at, and per rule a few key values (depth_cm, level_m, gust_ms, force, ...)
alert.cleared payload: alert_id, rule, object_kind, object_id, cleared_at, reason_code, reason, readings

alert_id = f"{rule}:{object_id}@{fired_at}" (fired_at: the event time of the reading that fired it, stored UTC
text); the events' own ids are "alert.raised:<alert_id>" and "alert.cleared:<alert_id>". The same readings always
give the same ids, so a batch evaluated twice, or a restart that re-derives an alert, adds nothing to the log.
"""
from __future__ import annotations

from typing import Any

from layers.i18n import QT_TRANSLATE_NOOP

from ..events import ALERT_CLEARED, ALERT_RAISED, STATION_WIND_FORECAST, Event

# A station's wind forecast (payload id (station), wind_gust_ms, [wind_mean_ms], valid_until (UTC text)): while
# valid, the tree rule uses max(observed, forecast) at that station.
WIND_FORECAST = STATION_WIND_FORECAST
SOURCE = "rules"

# English source text of the titles ({name} is the object's name, or its id). Values come pre-formatted.
TITLES = {
    "ponding.general": QT_TRANSLATE_NOOP("alerts", "Ponding: {depth_cm} cm of water at {name}"),
    "ponding.underpass_closure": QT_TRANSLATE_NOOP("alerts", "Close the underpass: {depth_cm} cm of water at {name}"),
    "ponding.road_closure": QT_TRANSLATE_NOOP(
        "alerts", "Close the road, rescue on standby: {depth_cm} cm of water at {name}"),
    "ponding": QT_TRANSLATE_NOOP("alerts", "Water {depth_cm} cm at {name} ({rule})"),
    "tide": QT_TRANSLATE_NOOP("alerts", "Tide {level_m} m at {name}, at or above its warning level {warning_m} m"),
    "rain": QT_TRANSLATE_NOOP(
        "alerts", "Rainstorm {color} criteria met at {name}: {rain_1h_mm} mm in 1 h, {rain_6h_mm} mm in 6 h (signal in force: {signal})"),  # noqa: E501 - one literal, for lupdate
    "trees": QT_TRANSLATE_NOOP(
        "alerts", "Tree failure risk: {grade} risk tree at {name}, gusts of force {force} ({wind_ms} m/s) nearby"),
    "sites.stop_gondolas": QT_TRANSLATE_NOOP(
        "alerts", "Stop gondolas and climbing scaffolds at {name}: wind force {force} ({wind_ms} m/s) nearby"),
    "sites.stop_work_at_height": QT_TRANSLATE_NOOP(
        "alerts", "Stop tower cranes, hoists, scaffolding and work at height at {name}: wind force {force} ({wind_ms} m/s) nearby"),  # noqa: E501 - one literal, for lupdate
    "sites": QT_TRANSLATE_NOOP("alerts", "Stop work at {name}: wind force {force} ({wind_ms} m/s) nearby ({rule})"),
    "sites.evacuate": QT_TRANSLATE_NOOP(
        "alerts", "Evacuate the {workers} workers of {name}: typhoon signal {typhoon}, response level {response}"),
}


_TEMPLATES: dict[str, str] = {}


def title_template(rule: str) -> str:
    """The title of a rule: its own, else its family's (the part before the dot)."""
    return TITLES.get(rule) or TITLES[rule.split(".", 1)[0]]


def alert_id(rule: str, object_id: str, fired_at: str) -> str:
    return f"{rule}:{object_id}@{fired_at}"


def reading(event_id: str | None, type: str, object_id: str, quantity: str, value: Any, time: str | None,
            **extra: Any) -> dict[str, Any]:
    return {"event_id": event_id, "type": type, "object_id": object_id, "quantity": quantity, "value": value,
            "time": time, **extra}


def raised(rule: str, severity: str, agency: str, object_kind: str, object_id: str, name: str | None,
           lon: float, lat: float, fired_at: str, readings: list[dict[str, Any]], args: dict[str, str],
           **extra: Any) -> Event:
    """An alert.raised event; `args` (pre-formatted title values, a fresh dict) gets the name and rule added."""
    ident = f"{rule}:{object_id}@{fired_at}"
    template = _TEMPLATES.get(rule)
    if template is None:
        template = _TEMPLATES[rule] = title_template(rule)
    label = name or object_id
    args["name"] = label
    args["rule"] = rule
    payload = {"alert_id": ident, "rule": rule, "severity": severity, "agency": agency, "object_kind": object_kind,
               "object_id": object_id, "object_name": label, "lon": lon, "lat": lat,
               "title": template.format_map(args), "title_template": template, "title_args": args,
               "readings": readings, "fired_at": fired_at, **extra}
    return Event(ALERT_RAISED, payload, fired_at, SOURCE, f"{ALERT_RAISED}:{ident}")


def cleared(ident: str, rule: str, object_kind: str, object_id: str, cleared_at: str, reason_code: str,
            reason: str, readings: list[dict[str, Any]]) -> Event:
    payload = {"alert_id": ident, "rule": rule, "object_kind": object_kind, "object_id": object_id,
               "cleared_at": cleared_at, "reason_code": reason_code, "reason": reason, "readings": readings}
    return Event(ALERT_CLEARED, payload, cleared_at, SOURCE, f"{ALERT_CLEARED}:{ident}")


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"
