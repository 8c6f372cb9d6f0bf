"""Incidents and tasks: one incident per thing that happened ("one thing, handled once"), holding the alerts
about it and a task for each agency that acts on it. Plain Python; the events below are the only way they change.

incident.opened        incident_id, title, severity, object_kind, object_id, object_name, lon, lat, alert_ids,
                       by (who opened it: 'rules' or a person), [note]
incident.alert_linked  incident_id, alert_id, severity, title (the incident takes the most severe alert's title)
incident.closed        incident_id, by, [reason]
task.created           task_id, incident_id, agency, action, title, lon, lat, state ('new' | 'dispatched'), by
task.state_changed     task_id, state, by, [reason] (a decline or a cancellation needs a reason)
task.overdue           task_id, due (UTC text), escalated_to ('duty_officer')

A task moves forward along TASK_FLOW (new → dispatched → accepted → en route → on scene → done), skipping
steps if a team reports late (but a new task is dispatched before anyone takes it up), never back; it can be
declined (by the agency, with a reason) or cancelled (by the duty officer, with a reason) until it is done.
Ids derived from alerts are stable, so deriving the same alert twice adds nothing to the log.
"""
from __future__ import annotations

import uuid
from typing import Any

from layers.i18n import QT_TRANSLATE_NOOP

from . import events as ev
from .events import Event, make_event
from .rules.config import SEVERITIES  # CAP 1.2's words, least severe first

TASK_FLOW = ("new", "dispatched", "accepted", "en_route", "on_scene", "done")
TASK_ENDS = ("done", "declined", "cancelled")  # final states
TASK_STATES = TASK_FLOW + TASK_ENDS[1:]
NEEDS_REASON = ("declined", "cancelled")
DECLINABLE_FROM = ("dispatched", "accepted", "en_route")  # only a task given to an agency can be declined
ARRIVED = ("on_scene", "done")  # a task in these states is no longer late
RULES_ACTOR = "rules"
# What an incident is linked to: objects within these ground distances, and the nearest cameras (k, within metres).
LINK_RADII_M = {"flood_points": 300.0, "trees": 100.0, "construction_sites": 300.0}
NEAREST_CAMERAS = (5, 1000.0)

# Words shown to people (translated by the Qt side in these contexts).
AGENCY_LABELS = {
    "duty_officer": QT_TRANSLATE_NOOP("agencies", "Duty officer"),
    "water_affairs": QT_TRANSLATE_NOOP("agencies", "Water affairs"),
    "fire_rescue": QT_TRANSLATE_NOOP("agencies", "Fire and rescue"),
    "greening": QT_TRANSLATE_NOOP("agencies", "Greening"),
    "construction": QT_TRANSLATE_NOOP("agencies", "Construction"),
    "rules": QT_TRANSLATE_NOOP("agencies", "Standing plan"),
}
TASK_STATE_LABELS = {
    "new": QT_TRANSLATE_NOOP("task_states", "New"),
    "dispatched": QT_TRANSLATE_NOOP("task_states", "Dispatched"),
    "accepted": QT_TRANSLATE_NOOP("task_states", "Accepted"),
    "en_route": QT_TRANSLATE_NOOP("task_states", "En route"),
    "on_scene": QT_TRANSLATE_NOOP("task_states", "On scene"),
    "done": QT_TRANSLATE_NOOP("task_states", "Done"),
    "declined": QT_TRANSLATE_NOOP("task_states", "Declined"),
    "cancelled": QT_TRANSLATE_NOOP("task_states", "Cancelled"),
}
ACTION_LABELS = {
    "drain": QT_TRANSLATE_NOOP("actions", "Drain the water"),
    "close_underpass": QT_TRANSLATE_NOOP("actions", "Close the underpass"),
    "close_road": QT_TRANSLATE_NOOP("actions", "Close the road"),
    "rescue": QT_TRANSLATE_NOOP("actions", "Rescue"),
    "flood_wall_patrol": QT_TRANSLATE_NOOP("actions", "Patrol the flood walls"),
    "make_tree_safe": QT_TRANSLATE_NOOP("actions", "Prune or brace the tree"),
    "notify_stop_gondolas": QT_TRANSLATE_NOOP("actions", "Order: stop gondolas"),
    "notify_stop_work": QT_TRANSLATE_NOOP("actions", "Order: stop work at height"),
    "notify_evacuation": QT_TRANSLATE_NOOP("actions", "Order: evacuate the site"),
    "inspect": QT_TRANSLATE_NOOP("actions", "Inspect"),
    "clear_fallen_tree": QT_TRANSLATE_NOOP("actions", "Clear a fallen tree"),
}
SEVERITY_LABELS = {
    "minor": QT_TRANSLATE_NOOP("severities", "Minor"),
    "moderate": QT_TRANSLATE_NOOP("severities", "Moderate"),
    "severe": QT_TRANSLATE_NOOP("severities", "Severe"),
    "extreme": QT_TRANSLATE_NOOP("severities", "Extreme"),
}


class TaskError(ValueError):
    """A task cannot move that way (backwards, from a final state, a decline without a reason)."""


def check_transition(current: str, new: str, reason: str = "") -> None:
    """Raise TaskError unless a task in `current` may move to `new`."""
    if new not in TASK_STATES:
        raise TaskError(f"unknown task state {new!r}")
    if current in TASK_ENDS:
        raise TaskError(f"the task is already {current}")
    if new in NEEDS_REASON and not reason.strip():
        raise TaskError(f"a task can only be {new} with a reason")
    if current == "new" and new not in ("dispatched", "cancelled"):
        raise TaskError("a new task must be dispatched before an agency takes it up")
    if new == "declined" and current not in DECLINABLE_FROM:
        raise TaskError(f"a task that is {current} cannot be declined")
    if new in TASK_FLOW and TASK_FLOW.index(new) <= TASK_FLOW.index(current):
        raise TaskError(f"a task cannot go from {current} back to {new}")


def more_severe(a: str | None, b: str | None) -> bool:
    """Whether severity `a` is above `b` (unknown words count as the least severe)."""
    rank = {name: i for i, name in enumerate(SEVERITIES)}
    return rank.get(a or "", -1) > rank.get(b or "", -1)


def incident_id_for_alert(alert_id: str) -> str:
    return f"inc:{alert_id}"


def task_id_for(alert_id: str, agency: str, action: str) -> str:
    """A task the plan creates for an alert (a task declined and asked for again by a later alert gets a new id)."""
    return f"task:{alert_id}:{agency}:{action}"


# --- event builders ------------------------------------------------------------------------------------
def incident_opened(incident_id: str, title: str, severity: str, object_kind: str, object_id: str,
                    object_name: str, lon: float, lat: float, alert_ids: list[str], by: str, time: str | None = None,
                    note: str = "") -> Event:
    payload = {"incident_id": incident_id, "title": title, "severity": severity, "object_kind": object_kind,
               "object_id": object_id, "object_name": object_name, "lon": lon, "lat": lat, "alert_ids": alert_ids,
               "by": by, "note": note}
    return make_event(ev.INCIDENT_OPENED, payload, time, source=_source(by), id=f"{ev.INCIDENT_OPENED}:{incident_id}")


def alert_linked(incident_id: str, alert: dict[str, Any], time: str) -> Event:
    payload = {"incident_id": incident_id, "alert_id": alert["alert_id"], "severity": alert.get("severity"),
               "title": alert.get("title")}
    return make_event(ev.INCIDENT_ALERT_LINKED, payload, time, source=RULES_ACTOR,
                      id=f"{ev.INCIDENT_ALERT_LINKED}:{incident_id}:{alert['alert_id']}")


def incident_closed(incident_id: str, by: str, reason: str = "", time: str | None = None) -> Event:
    return make_event(ev.INCIDENT_CLOSED, {"incident_id": incident_id, "by": by, "reason": reason}, time,
                      source=_source(by))


def task_created(task_id: str, incident_id: str, agency: str, action: str, title: str, lon: float, lat: float,
                 state: str, by: str, time: str | None = None, due: str | None = None) -> Event:
    if state not in ("new", "dispatched"):
        raise TaskError(f"a task starts new or dispatched, not {state}")
    payload = {"task_id": task_id, "incident_id": incident_id, "agency": agency, "action": action, "title": title,
               "lon": lon, "lat": lat, "state": state, "by": by, "due": due}
    return make_event(ev.TASK_CREATED, payload, time, source=_source(by), id=f"{ev.TASK_CREATED}:{task_id}")


def task_state_changed(task_id: str, state: str, by: str, reason: str = "", time: str | None = None,
                       due: str | None = None) -> Event:
    payload = {"task_id": task_id, "state": state, "by": by, "reason": reason, "due": due}
    return make_event(ev.TASK_STATE_CHANGED, payload, time, source=_source(by))


def task_overdue(task_id: str, due: str) -> Event:
    return make_event(ev.TASK_OVERDUE, {"task_id": task_id, "due": due, "escalated_to": "duty_officer"}, due,
                      source=RULES_ACTOR, id=f"{ev.TASK_OVERDUE}:{task_id}")


def new_id(prefix: str) -> str:
    """An id for an incident or task opened by hand."""
    return f"{prefix}:{uuid.uuid4().hex[:12]}"


def _source(by: str) -> str:
    return RULES_ACTOR if by == RULES_ACTOR else "console"
